#!/bin/bash
# The synthesized card end to end (docs/cosim.md "The synthesized card"):
# builds build/gate/softhba-sim-gate (make gate-sim: yosys synth_ice40 of the
# board top with the firmware in its block RAMs, Verilated on yosys' iCE40
# cell models), then runs through it what the RTL runs in tests/e2e:
#   - `verify`, 2 rounds (1 block, then 2-16) on 16-bit demand-mode DMA
#     (channel 5): writes and reads;
#   - `verify`, 1 round in PIO (the miniport's `pio` parameter, 16-bit slot):
#     a write and a read through the DATA port with IOCS16#;
#   - a FAT round trip on a 160 KiB file system: copy-in on DMA 5 (writes),
#     copy-out in an 8-bit slot on DMA 1 (8-bit reads), fsck.fat, every file
#     compared;
#   - options the reference board cannot be jumpered to (an 8-bit channel or
#     no channel in a 16-bit slot: the board always offers DMA 5 there) are
#     refused with a message, not run as something else.
# The FAT image is smaller than tests/e2e's 1 MiB one: the gate-level model
# runs about 50 times slower than the RTL, and the netlist paths are the same
# for 160 KiB (a 70000-byte file still spans several SRBs and DMA pages).
# Usage: tests/gate/gate_sim_test.sh [--bench JSON]   (--bench: the DMA 16
# verify only, writes {"gate_sim_verify_pass": 1 or 0} and exits 0 either way)
set -u
bench=""
[ "${1:-}" = --bench ] && bench=${2:?--bench needs a file}

make --no-print-directory -j2 gate-sim > build/gate-sim-make.log 2>&1 \
    || { tail -30 build/gate-sim-make.log; echo "FAIL: make gate-sim"; exit 1; }

export SIM=build/gate/softhba-sim-gate
# Simulated-time bounds, a few times what the RTL takes (verify on DMA 5:
# 12 ms; in PIO: 40 ms; copy-in: 123 ms; copy-out on DMA 1: 236 ms), so that
# a card that never gets ready fails after a bounded amount of simulation.
verify_dma16() { E2E_MAX_TIME_MS=100 tests/e2e/e2e_test.sh verify 2 7 --dma 5; }
verify_pio() { E2E_MAX_TIME_MS=200 tests/e2e/e2e_test.sh verify 1 3 --driver-args pio; }

fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/softhba-gate.XXXXXX")
trap 'rm -rf "$work"' EXIT

fat_round_trip() {
    export MTOOLS_SKIP_CHECK=1
    head -c 70000 /dev/urandom > "$work/over64k.bin"
    seq 1 5000 > "$work/numbers.txt"
    printf 'hello from the synthesized card\n' > "$work/hello.txt"
    mkfs.fat -C -n SOFTHBA "$work/fs.img" 160 >/dev/null || fail "mkfs.fat"
    mmd -i "$work/fs.img" ::/dir || fail "mmd"
    mcopy -i "$work/fs.img" "$work/numbers.txt" ::/ || fail "mcopy"
    mcopy -i "$work/fs.img" "$work/hello.txt" "$work/over64k.bin" ::/dir/ || fail "mcopy"
    # the disk starts as garbage so that nothing passes by accident
    head -c $((2 * 1024 * 1024)) /dev/urandom > "$work/disk.img"
    "$SIM" --disk "$work/disk.img" --dma 5 --max-time-ms 600 copy-in "$work/fs.img" \
        > "$work/out" 2> "$work/err" || { cat "$work/err"; fail "copy-in on DMA 5"; }
    grep -Eq 'copy-in: simulated .* 163840 bytes' "$work/err" || { cat "$work/err"; fail "copy-in size"; }
    "$SIM" --disk "$work/disk.img" --narrow --dma 1 --max-time-ms 1200 copy-out "$work/back.img" 320 \
        > "$work/out" 2> "$work/err" || { cat "$work/err"; fail "copy-out on DMA 1"; }
    [ "$(stat -c %s "$work/back.img")" = 163840 ] || fail "copy-out size"
    fsck.fat -n "$work/back.img" > "$work/fsck" 2>&1 || { cat "$work/fsck"; fail "fsck.fat -n"; }
    mkdir "$work/x"
    mcopy -i "$work/back.img" ::/numbers.txt ::/dir/hello.txt ::/dir/over64k.bin "$work/x/" \
        || fail "mcopy out"
    for f in numbers.txt hello.txt over64k.bin; do
        cmp "$work/$f" "$work/x/$f" || fail "$f differs after the round trip"
    done
    cmp "$work/fs.img" "$work/back.img" || fail "image differs after the round trip"
    echo "ok: FAT round trip (160 KiB: copy-in on DMA 5, copy-out on DMA 1 in an 8-bit slot)"
}

# exit 126: the kernel refused the options (EXIT_HARNESS)
refuses_unjumperable() {
    local opts err
    truncate -s 1M "$work/small.img"
    for opts in "--pio" "--dma 1" "--dma 6"; do
        # shellcheck disable=SC2086
        err=$("$SIM" --disk "$work/small.img" $opts info 2>&1 >/dev/null)
        [ $? = 126 ] || fail "'$opts' on the reference board: expected exit 126"
        grep -q "a 16-bit slot always offers it" <<< "$err" || { echo "$err"; fail "'$opts': no reason given"; }
    done
    echo "ok: options the board cannot be jumpered to are refused"
}

if [ -n "$bench" ]; then
    pass=0
    verify_dma16 && pass=1
    mkdir -p "$(dirname "$bench")"
    printf '{"gate_sim_verify_pass": %d}\n' "$pass" > "$bench"
    exit 0
fi
refuses_unjumperable || exit 1
verify_dma16 || exit 1
verify_pio || exit 1
fat_round_trip || exit 1
echo "ok: the synthesized card passes verify (DMA 16-bit, PIO) and the FAT round trip (DMA 16-bit, DMA 8-bit)"
