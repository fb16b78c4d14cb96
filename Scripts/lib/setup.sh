# Set-up shared by the scripts in Scripts/: sourced, not run.

# Stops with a clear message when the Swift toolchain is missing.
require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "$1: the Swift toolchain (swift 6.1 or later) is needed on PATH" >&2
        exit 1
    fi
}

# Installs Debian packages ($2...) with apt-get, as root or through sudo.
apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq "${@:2}"
}

# Installs the development files the package links when missing: SQLite (the
# benchmark's baseline), zlib (compressed sync bundles), libcurl (sync over HTTP),
# pkg-config, and openssl (the tests make their own TLS certificates).
ensure_system_libraries() {
    if pkg-config --exists sqlite3 zlib libcurl 2>/dev/null && command -v openssl >/dev/null 2>&1; then return; fi
    echo "$1: installing libsqlite3-dev, zlib1g-dev, libcurl4-openssl-dev, pkg-config and openssl" >&2
    apt_install "$1" libsqlite3-dev zlib1g-dev libcurl4-openssl-dev pkg-config openssl
}
