#!/bin/bash
# The binary driver and the host build of the same source behave alike:
# softhba-sim verify with --driver=sys (build/driver/softhba.sys in the i386
# emulator) and with --driver=native, same seed, same fresh disk: both pass,
# take the same simulated time and leave byte-identical disk images.
# Usage: tests/ntsys/ntsys_same_as_native.sh [ROUNDS] [DMA-OPTION...]
set -u
SIM=${SIM:-build/sim/softhba-sim}
ROUNDS=${1:-3}
shift || true
WORK=$(mktemp -d "${TMPDIR:-/tmp}/softhba-ntsys.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for d in sys native; do
    truncate -s 4M "$WORK/$d.img"
    "$SIM" --disk "$WORK/$d.img" --driver=$d --seed 7 --max-time-ms 60000 "$@" verify "$ROUNDS" \
        >"$WORK/$d.out" 2>"$WORK/$d.err" || { cat "$WORK/$d.err"; fail "verify with --driver=$d failed"; }
    # "simulated N ms": the figure both runs must share
    sed -n 's/.*verify: simulated \([0-9.]* ms\).*/\1/p' "$WORK/$d.err" >"$WORK/$d.time"
    [ -s "$WORK/$d.time" ] || { cat "$WORK/$d.err"; fail "no simulated time from --driver=$d"; }
    echo "--driver=$d: $(cat "$WORK/$d.time") simulated"
done
cmp -s "$WORK/sys.time" "$WORK/native.time" || fail "simulated time differs: sys $(cat "$WORK/sys.time"), native $(cat "$WORK/native.time")"
cmp "$WORK/sys.img" "$WORK/native.img" || fail "the disk images differ"
echo "ok: the binary driver and the host build: same simulated time, identical disks"
