#!/bin/bash
# The READ path stays in the flash cache (docs/soc.md "The hot block and the READ path"): the
# cardproto bench with SHBA_FETCH_TRACE, its reads replayed through the
# cache's geometry (sim/flash/fetch_trace_replay.py).  Fails when a read of
# the warm READ(10) loop misses, or when one falls outside the linker
# script's hot block (a READ-path function firmware/common/link.ld.S does not
# name: it may share a set with a hot line after the next change elsewhere).
set -eu
elf=build/fw/softhba_fw.elf
if [ ! -f "$elf" ] || [ ! -x build/sim/cardproto ]; then echo "flash-warm: run make all first" >&2; exit 1; fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/flash-warm.XXXXXX")
trap 'rm -rf "$dir"' EXIT
SHBA_FETCH_TRACE=$dir/trace CARDPROTO_WINDOWS=$dir/windows build/sim/cardproto bench "$dir/bench.json"
python3 sim/flash/fetch_trace_replay.py "$dir/trace" "$dir/windows" --elf "$elf" --max-misses 0 --require-hot
