#!/bin/bash
# The card firmware's stack high-water mark under the system tests: every
# cardproto test (each command path, errors, abort, reset) runs on
# build/fw/softhba_fw_stack.hex, the firmware built with CARD_STACK_WATCH,
# which prints "stack peak N" (hex bytes below the top of RAM) whenever its
# stack goes deeper than before (crt0 paints the stack at start-up).
# Prints the deepest peak; fails when a test fails or when the peak leaves
# less than MARGIN (default 128) bytes of softhba_fw's stack reserve.
# Usage: tests/card/stack_peak.sh [TEST...]   (default: all cardproto tests)
set -u
fw=build/fw/softhba_fw_stack.hex
elf=build/fw/softhba_fw.elf
margin=${MARGIN:-128}
[ -f "$fw" ] && [ -f "$elf" ] || { echo "stack-peak: missing $fw or $elf (run make all)" >&2; exit 1; }
log=$(mktemp "${TMPDIR:-/tmp}/stack-peak.XXXXXX")
trap 'rm -f "$log"' EXIT
tests=("$@")
[ ${#tests[@]} -gt 0 ] || mapfile -t tests < <(build/sim/cardproto list)
peak=0
for t in "${tests[@]}"; do
    : >"$log"
    if ! CARDPROTO_FW=$fw CARDPROTO_CONSOLE=$log build/sim/cardproto "$t" 2>/dev/null; then
        echo "stack-peak: cardproto $t failed on $fw" >&2; exit 1
    fi
    p=$(sed -n 's/^stack peak \([0-9a-f]\{8\}\)$/\1/p' "$log" | while read -r h; do echo $((16#$h)); done | sort -n | tail -1)
    [ -n "$p" ] || { echo "stack-peak: no 'stack peak' line from $t" >&2; exit 1; }
    echo "stack-peak: $t $p bytes"
    [ "$p" -gt "$peak" ] && peak=$p
done
# softhba_fw's reserve is its .stack section.
reserve=$(riscv64-unknown-elf-size -A "$elf" | awk '$1 == ".stack" {print $2}')
echo "stack-peak: deepest $peak bytes; softhba_fw stack reserve $reserve (margin wanted $margin)"
[ $((peak + margin)) -le "$reserve" ] || { echo "stack-peak: the reserve is too small" >&2; exit 1; }
