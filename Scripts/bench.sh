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

if ! command -v swift >/dev/null 2>&1; then
    echo "Scripts/bench.sh: the Swift toolchain (swift 6.1 or later) is needed on PATH" >&2
    exit 1
fi

# The SQLite baseline links the system's libsqlite3.
if ! pkg-config --exists sqlite3 2>/dev/null; then
    echo "Scripts/bench.sh: installing libsqlite3-dev (and pkg-config) for the SQLite baseline" >&2
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq libsqlite3-dev pkg-config
fi

build=(swift build -c release --product opossum-bench)
if [ -n "${OPOSSUM_BENCH_SCRATCH:-}" ]; then build+=(--scratch-path "$OPOSSUM_BENCH_SCRATCH"); fi
"${build[@]}"
bin="$("${build[@]}" --show-bin-path)"

exec "$bin/opossum-bench" --data-dir .bench-data --report docs/benchmarks.md \
    --command "Scripts/bench.sh${*:+ $*}" "$@"
