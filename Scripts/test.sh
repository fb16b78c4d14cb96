#!/usr/bin/env bash
# Runs Opossum's whole test suite on a fresh Debian machine with the Swift toolchain.
# Usage: Scripts/test.sh [extra `swift test` arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/lib/setup.sh
require_swift Scripts/test.sh
# The benchmark, whose --smoke run is one of the tests, links the system's SQLite.
ensure_system_libraries Scripts/test.sh

# The executables the tests run (the `opossum` CLI and the crash writer) are built
# together with the tests, then the tests run without rebuilding.
swift build --build-tests
exec swift test --skip-build "$@"
