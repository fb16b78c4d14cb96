#!/usr/bin/env bash
# Fuzzes one of Opossum's fuzz targets with libFuzzer (docs/reliability.md).
# Usage: Scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#        Scripts/fuzz.sh --merge TARGET
#   TARGET: segment-line, query, bundle or hub-push.
#   --merge folds what the fuzzer found into Fixtures/fuzz/TARGET/: only the inputs
#   that reach code the corpus there does not, so the corpus stays small.
# The build (with -sanitize=fuzzer,address) lives in .build-fuzz/. The fuzzer starts
# from Fixtures/fuzz/TARGET/ and adds what it finds to .build-fuzz/corpus/TARGET/;
# an input that fails is saved in .build-fuzz/findings/TARGET/ and the run stops.
# Copy such an input to Fixtures/fuzz/TARGET/crash-NAME once the bug is fixed: the
# regression tests replay every file there.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/setup.sh
require_swift Scripts/fuzz.sh
ensure_system_libraries Scripts/fuzz.sh

merge=false
if [ "${1:-}" = "--merge" ]; then
    merge=true
    shift
    set -- "${1:-}" 0
fi
if [ $# -lt 2 ] || [ -z "$1" ]; then
    echo "usage: Scripts/fuzz.sh TARGET SECONDS [libFuzzer options...] | Scripts/fuzz.sh --merge TARGET" >&2
    exit 64
fi
target="$1"
seconds="$2"
shift 2
if [ ! -d "Fixtures/fuzz/$target" ]; then
    echo "Scripts/fuzz.sh: no fuzz target $target (targets: $(ls Fixtures/fuzz | tr '\n' ' '))" >&2
    exit 64
fi

scratch=.build-fuzz
# ld.gold cannot link the sanitizer runtimes; the toolchain's lld can.
swift build --product opossum-fuzz --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DOPOSSUM_FUZZING -Xswiftc -use-ld=lld
binary="$(swift build --product opossum-fuzz --scratch-path "$scratch" --show-bin-path)/opossum-fuzz"

mkdir -p "$scratch/corpus/$target" "$scratch/findings/$target"
# Swift's runtime allocates more than C code does; leaks at exit are not findings.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
# libFuzzer reports a failure itself; Swift's crash handler reading the stack after a
# fatalError is flagged by AddressSanitizer and only hides the report.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
if $merge; then
    exec "$binary" "$target" -merge=1 -timeout=30 -rss_limit_mb=4096 \
        "Fixtures/fuzz/$target" "$scratch/corpus/$target"
fi
exec "$binary" "$target" \
    -max_total_time="$seconds" \
    -timeout=30 \
    -rss_limit_mb=4096 \
    -print_final_stats=1 \
    -artifact_prefix="$scratch/findings/$target/" \
    "$@" \
    "$scratch/corpus/$target" "Fixtures/fuzz/$target"
