#!/usr/bin/env bash
# Runs Opossum's whole test suite on a fresh Debian machine with the Swift toolchain.
# Usage: Scripts/test.sh [extra `swift test` arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
    echo "Scripts/test.sh: the Swift toolchain (swift 6.1 or later) is needed on PATH" >&2
    exit 1
fi

# The benchmark (whose --smoke run is one of the tests) links the system's SQLite.
if ! pkg-config --exists sqlite3 2>/dev/null; then
    echo "Scripts/test.sh: installing libsqlite3-dev and pkg-config for the benchmark's SQLite baseline" >&2
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq libsqlite3-dev pkg-config
fi

# The executables the tests run (the `opossum` CLI and the crash writer) are built
# together with the tests, then the tests run without rebuilding.
swift build --build-tests
exec swift test --skip-build "$@"
