#!/usr/bin/env bash
# The sync soak, not part of CI: a hub and SITES `opossum` sites on loopback, each behind
# a fault proxy that cuts, stalls, delays and refuses connections; sites append
# contended field-service decisions and sync every few seconds, head office appends at
# the hub, the hub is killed (SIGKILL) and restarted at random. After the duration: a
# clean sync and a check that no event was lost or duplicated, the hub's stock never
# went negative, every rejection reached its site, and every site equals the hub.
# Exits 0 when no violation was found. A run is recorded in docs/reliability.md.
#
# Usage: Scripts/soak.sh [--duration 10m] [--sites 5] [--seed N] [--dir DIR] [OPTIONS]
#        (Scripts/soak.sh --help lists every option of the driver, opossum-soak)
# Environment: OPOSSUM_SOAK_SCRATCH, the build's scratch directory (default .build);
#              OPOSSUM_SOAK_CONFIGURATION, debug (default) or release.
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/lib/setup.sh
require_swift Scripts/soak.sh
ensure_system_libraries Scripts/soak.sh

build=(swift build -c "${OPOSSUM_SOAK_CONFIGURATION:-debug}" --scratch-path "${OPOSSUM_SOAK_SCRATCH:-.build}")
# One product per invocation: `swift build` keeps only the last --product it is given.
for product in opossum opossum-soak; do
    "${build[@]}" --product "$product" >&2
done
exec "$("${build[@]}" --show-bin-path)/opossum-soak" "$@"
