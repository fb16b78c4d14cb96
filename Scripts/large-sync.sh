#!/usr/bin/env bash
# A first sync of a big laptop over HTTP, with each sync's time and peak memory: a
# laptop's EVENTS events (default 10^6, in decisions of 1,000) go to a fresh hub on
# loopback, the sync is interrupted half-way and resumed, and a second laptop then
# pulls everything. Not part of the test suite: it takes a few minutes.
# Usage: Scripts/large-sync.sh [EVENTS] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/lib/setup.sh
require_swift Scripts/large-sync.sh
ensure_system_libraries Scripts/large-sync.sh
if [ ! -x /usr/bin/time ]; then apt_install Scripts/large-sync.sh time; fi

events="${1:-1000000}"
work="${2:-$(mktemp -d)}"
# OPOSSUM_BENCH_SCRATCH names another scratch directory than .build, as for bench.sh.
build=(swift build -c release --product opossum)
if [ -n "${OPOSSUM_BENCH_SCRATCH:-}" ]; then build+=(--scratch-path "$OPOSSUM_BENCH_SCRATCH"); fi
"${build[@]}" >/dev/null
opossum="$("${build[@]}" --show-bin-path)/opossum"

# Runs opossum with the remaining arguments and reports its wall time and peak memory.
measured() {
    local label="$1"
    shift
    /usr/bin/time -f "$label: %e s, peak memory %M KB, exit %x" "$opossum" "$@"
}

"$opossum" hub init --store "$work/hub" --name head-office >/dev/null
"$opossum" hub serve --store "$work/hub" --port 0 >"$work/hub.out" 2>"$work/hub.log" &
hub_pid=$!
trap 'kill -TERM "$hub_pid" 2>/dev/null || true' EXIT
until grep -q "listening on" "$work/hub.out" 2>/dev/null; do sleep 0.1; done
url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/hub.out")"
for laptop in big small; do
    "$opossum" init --store "$work/$laptop" --name "$laptop" >/dev/null
    "$opossum" identity --store "$work/$laptop" >"$work/$laptop.id.json"
    "$opossum" hub add-site --store "$work/hub" --identity "$work/$laptop.id.json" --url "$url" \
        >"$work/$laptop.enrolment.json"
    "$opossum" join --store "$work/$laptop" --enrolment "$work/$laptop.enrolment.json" >/dev/null
done

echo "Appending $events events to the big laptop, in decisions of 1,000..."
batch="$work/batch.jsonl"
for ((decision = 0; decision < events / 1000; decision++)); do
    for ((i = 0; i < 1000; i++)); do
        printf '{"type":"MeterRead","tags":["meter:m%d","route:r%d"],"data":{"reading":%d,"unit":"kWh","note":"read on site by the technician"}}\n' \
            "$((decision * 1000 + i))" "$((decision % 97))" "$i"
    done >"$batch"
    "$opossum" append --store "$work/big" --batch "$batch" \
        --condition "{\"failIfEventsMatch\":{\"items\":[{\"tags\":[\"route:r$((decision % 97))\"]}]},\"after\":$((decision * 1000))}" >/dev/null
done

echo "First sync, cut off after about 3 s (the hub keeps what it judged)..."
timeout -s INT 3 "$opossum" sync --store "$work/big" || true
measured "first sync, resumed" sync --store "$work/big"
measured "second laptop pulls everything" sync --store "$work/small"
measured "a sync with nothing new" sync --store "$work/small"
"$opossum" check --store "$work/hub"
echo "The stores are in $work"
