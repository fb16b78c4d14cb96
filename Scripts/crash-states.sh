#!/usr/bin/env bash
# Explores many more power-cut states than CI does (docs/reliability.md): longer
# workloads, more random subsets per crash point, and no cap on the states checked.
# Usage: Scripts/crash-states.sh [BATCHES] [STATES] [SUBSETS]
#   defaults 30 batches per workload, up to 20000 states each, 16 random subsets per
#   crash point (CI: 10, 150, 4).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/setup.sh
require_swift Scripts/crash-states.sh
ensure_system_libraries Scripts/crash-states.sh
swift build --build-tests
OPOSSUM_CRASH_BATCHES="${1:-30}" OPOSSUM_CRASH_STATES="${2:-20000}" OPOSSUM_CRASH_SUBSETS="${3:-16}" \
    exec swift test --skip-build --filter CrashStateTests
