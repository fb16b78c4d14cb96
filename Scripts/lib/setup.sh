# Set-up shared by the scripts in Scripts/: sourced, not run.

# Stops with a clear message when the Swift toolchain is missing.
require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "$1: the Swift toolchain (swift 6.1 or later) is needed on PATH" >&2
        exit 1
    fi
}

# Installs SQLite's development files (for the benchmark's baseline) when missing.
ensure_sqlite() {
    if pkg-config --exists sqlite3 2>/dev/null; then return; fi
    echo "$1: installing libsqlite3-dev and pkg-config for the benchmark's SQLite baseline" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq libsqlite3-dev pkg-config
}
