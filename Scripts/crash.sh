#!/usr/bin/env bash
# Kills a writer process with SIGKILL at random moments, many more times than CI
# does, and checks after each kill that every acknowledged batch survived whole.
# Usage: Scripts/crash.sh [ROUNDS]   (default 1000; CI runs 100)
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/setup.sh
require_swift Scripts/crash.sh
ensure_system_libraries Scripts/crash.sh
rounds="${1:-1000}"
swift build --build-tests
OPOSSUM_CRASH_ROUNDS="$rounds" exec swift test --skip-build --filter CrashTests
