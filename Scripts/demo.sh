#!/usr/bin/env bash
# A walkthrough of Opossum on one laptop: a store, decisions under DCB conditions,
# a conflict that is refused, a crash-torn append that recovery removes, and a check.
# Usage: Scripts/demo.sh [DIR]   (DIR defaults to a new temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/lib/setup.sh
require_swift Scripts/demo.sh
ensure_system_libraries Scripts/demo.sh

swift build --product opossum >/dev/null
opossum="$(swift build --show-bin-path)/opossum"
work="${1:-$(mktemp -d)}"
export OPOSSUM_STORE="$work/laptop-17"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ opossum %s\n' "$*"; "$opossum" "$@"; }

step "A technician's laptop gets its store"
run init --name laptop-17

step "Work order wo-1 is created, then assigned to technician t-7 (only if nobody else was assigned)"
run append --type WorkOrderCreated --tag workOrder:wo-1 --data '{"site":"Pump station 4","priority":"high"}'
assigned='{"failIfEventsMatch":{"items":[{"types":["WorkOrderAssigned"],"tags":["workOrder:wo-1"]}]}}'
run append --type WorkOrderAssigned --tag workOrder:wo-1 --tag technician:t-7 --data '{"by":"dispatch"}' \
    --condition "$assigned"

step "A second assignment made under the same condition is refused (exit code 3), nothing is written"
set +e
run append --type WorkOrderAssigned --tag workOrder:wo-1 --tag technician:t-9 --condition "$assigned"
echo "exit code: $?"
set -e

step "Parts are reserved and the work order completed, as one atomic batch"
printf '%s\n' \
    '{"type":"PartReserved","tags":["depot:north","part:valve-20"],"data":{"quantity":2}}' \
    '{"type":"WorkOrderCompleted","tags":["workOrder:wo-1","technician:t-7"],"data":{"hours":3.5}}' \
    | run append --batch - --condition '{"failIfEventsMatch":{"items":[{"types":["WorkOrderCompleted"],"tags":["workOrder:wo-1"]}]},"after":2}'

step "Everything about wo-1, newest first"
run read --query '{"items":[{"tags":["workOrder:wo-1"]}]}' --backwards

step "The log is plain JSON lines, one per event, each with its checksum"
head -c 400 "$OPOSSUM_STORE/Events/0000000001.jsonl"; echo " ..."

step "The laptop loses power in the middle of an append: half a line is left on disk"
printf '{"position":5,"commit":[5,1],"batch":[5,1],"type":"PartRes' >> "$OPOSSUM_STORE/Events/0000000001.jsonl"
echo "Opening the store (here for status) cuts the torn, never-acknowledged bytes away and keeps them:"
run status
ls "$OPOSSUM_STORE/Recovered"
run append --type TechnicianCheckedOut --tag technician:t-7

step "Every checksum, position and index entry verified"
run check
run status --json
printf '\nThe store is in %s\n' "$OPOSSUM_STORE"
