#!/usr/bin/env bash
# Opossum's main job, end to end on this machine: a head-office hub on a loopback
# port, two field-service laptops that work offline until they both reserve the last
# valve in stock, a sync over HTTP where head office accepts one reservation and
# rejects the other (and says why), and the same exchange by USB stick.
# Usage: Scripts/demo.sh [DIR]   (DIR defaults to a new temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/lib/setup.sh
require_swift Scripts/demo.sh
ensure_system_libraries Scripts/demo.sh

echo "Building opossum (the first build takes a few minutes)..."
if ! swift build --product opossum >/tmp/opossum-demo-build.log 2>&1; then
    cat /tmp/opossum-demo-build.log >&2
    exit 1
fi
opossum="$(swift build --show-bin-path)/opossum"
work="${1:-$(mktemp -d)}"
mkdir -p "$work/usb"
hub="$work/head-office"
laptop_a="$work/laptop-anna"
laptop_b="$work/laptop-ben"

bold=$'\033[1m'
dim=$'\033[2m'
plain=$'\033[0m'
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '%s%s%s\n' "$dim" "$*" "$plain"; }
# Runs opossum on the store $1 with the remaining arguments, showing the command.
on() {
    local store="$1"
    shift
    printf '%s$ opossum %s   # %s%s\n' "$dim" "$*" "$(basename "$store")" "$plain"
    "$opossum" "$@" --store "$store"
}
# Like `on`, with standard output going to the file $1.
on_into() {
    local file="$1" store="$2"
    shift 2
    printf '%s$ opossum %s > %s   # %s%s\n' "$dim" "$*" "$(basename "$file")" "$(basename "$store")" "$plain"
    "$opossum" "$@" --store "$store" >"$file"
}

stock_query='{"items":[{"types":["StockReceived","PartReserved","ReservationReleased"],"tags":["depot:north","part:valve-20"]}]}'

step "Head office makes its hub and starts serving it on a free loopback port"
on "$hub" hub init --name head-office >/dev/null
"$opossum" hub serve --store "$hub" --port 0 >"$work/hub.out" 2>"$work/hub.log" &
hub_pid=$!
stop_hub() { kill -TERM "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true; }
trap stop_hub EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/hub.out" 2>/dev/null && break
    kill -0 "$hub_pid" 2>/dev/null || { cat "$work/hub.log" >&2; exit 1; }
    sleep 0.1
done
url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/hub.out")"
echo "hub running at $url (pid $hub_pid)"

step "Two laptops get their stores and enrol with head office (once, while in the office)"
for laptop in "$laptop_a" "$laptop_b"; do
    name="$(basename "$laptop")"
    on "$laptop" init --name "$name" >/dev/null
    on_into "$work/$name.identity.json" "$laptop" identity
    on_into "$work/$name.enrolment.json" "$hub" hub add-site --identity "$work/$name.identity.json" --url "$url"
    on "$laptop" join --enrolment "$work/$name.enrolment.json" >/dev/null
done
on "$hub" hub sites

step "Head office books one valve into the north depot; both laptops sync before driving out"
on "$hub" append --type StockReceived --tag depot:north --tag part:valve-20 \
    --data '{"depotId":"north","sku":"valve-20","quantity":1}' >/dev/null
on "$laptop_a" sync
on "$laptop_b" sync

# Reserves the valve on laptop $1 for work order $2, the way the technician's app
# decides: read the stock, and append under the condition that nothing about it
# changed since that read.
reserve_last_valve() {
    local laptop="$1" order="$2"
    local seen
    seen="$("$opossum" read --store "$laptop" --query "$stock_query" | tail -n 1 | sed 's/.*"position":\([0-9]*\).*/\1/')"
    note "$(basename "$laptop") sees 1 valve-20 in stock (its last stock event is at position $seen)"
    on "$laptop" append --type PartReserved --tag depot:north --tag part:valve-20 --tag "workOrder:$order" \
        --tag "reservation:r-$order" \
        --data "{\"reservationId\":\"r-$order\",\"depotId\":\"north\",\"sku\":\"valve-20\",\"quantity\":1,\"workOrderId\":\"$order\"}" \
        --condition "{\"failIfEventsMatch\":$stock_query,\"after\":$seen}"
}

step "Offline all day: both technicians reserve the last valve, and finish other work"
reserve_last_valve "$laptop_a" wo-101
reserve_last_valve "$laptop_b" wo-202
on "$laptop_b" append --type WorkOrderCompleted --tag workOrder:wo-203 --data '{"hours":2.5}'

step "Anna is back in coverage first and syncs over HTTP: her reservation is accepted"
on "$laptop_a" sync

step "Ben syncs: his reservation is rejected (exit code 2: rejections to review), his other work is accepted"
set +e
on "$laptop_b" sync
echo "exit code: $?"
set -e
on "$laptop_b" rejections
note "Ben's store keeps the rejected event for the record, but reads and conditions no longer see it:"
on "$laptop_b" read --query "$stock_query"

step "Anna syncs again and receives Ben's completed work order"
on "$laptop_a" sync

step "No network at all: Ben works on and hands in a USB stick"
on "$laptop_b" append --type WorkOrderCompleted --tag workOrder:wo-204 --data '{"hours":1}'
on "$laptop_b" export --to "$work/usb/ben.push.bundle"
on "$hub" import "$work/usb/ben.push.bundle"
on "$hub" hub export --site laptop-ben --to "$work/usb/ben.pull.bundle"
on "$laptop_b" import "$work/usb/ben.pull.bundle"
note "Importing the same stick again changes nothing:"
set +e
on "$laptop_b" import "$work/usb/ben.pull.bundle"
set -e

step "Where every store stands"
on "$hub" hub sites
for store in "$hub" "$laptop_a" "$laptop_b"; do
    on "$store" check
done
if command -v curl >/dev/null 2>&1; then
    printf '%s$ curl %s/metrics | grep opossum_%s\n' "$dim" "$url" "$plain"
    curl -s "$url/metrics" | grep '^opossum_' | head -n 8 || true
fi

step "Head office stops its hub (SIGTERM: in-flight syncs finish first)"
stop_hub
trap - EXIT
note "The hub's log ends:"
tail -n 2 "$work/hub.log"
printf '\nThe stores are in %s\n' "$work"
