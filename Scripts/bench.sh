#!/usr/bin/env bash
# Measures Opossum against SQLite and against the disk's own flush limit, in one run on the
# disk that holds this repository, prints the table and writes docs/benchmarks.md.
#
# Usage: Scripts/bench.sh [--quick] [other opossum-bench options; see --help]
#   (no option)  10^6-event stores, 5 runs per workload: the numbers to publish (~5 min)
#   --quick      a 10^5-event store and shorter runs (under 3 min)
#   --smoke      every workload at tiny sizes, in seconds; writes no report
# The stores go in .bench-data/ (emptied before, removed after). Set OPOSSUM_BENCH_SCRATCH
# to build in another scratch directory than .build.
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/lib/setup.sh
require_swift Scripts/bench.sh
# The SQLite baseline links the system's libsqlite3.
ensure_system_libraries Scripts/bench.sh

build=(swift build -c release)
if [ -n "${OPOSSUM_BENCH_SCRATCH:-}" ]; then build+=(--scratch-path "$OPOSSUM_BENCH_SCRATCH"); fi
# The benchmark, and the lean reader it runs as a child to measure peak memory.
"${build[@]}" --product opossum-bench
"${build[@]}" --product opossum-bench-reader
bin="$("${build[@]}" --show-bin-path)"

exec "$bin/opossum-bench" --data-dir .bench-data --report docs/benchmarks.md \
    --command "Scripts/bench.sh${*:+ $*}" "$@"
