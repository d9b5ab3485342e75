#!/bin/sh
# The reference board from one place-and-route run:
#  1. the bitstream carries no firmware: the SoC's data RAM and the flash
#     cache have no initial contents (only the CPU register file's constant
#     words do); the firmware runs from the SPI flash, and crt0 copies .data
#     (the co-simulation tests exercise that path: picolibc's stdout is .data);
#  2. the whole flash image `make prog` writes (build/fpga/flash.bin) is the
#     bitstream at 0, erased bytes, and the card firmware's image (the same
#     bytes as build/fw/softhba_fw.bin) at the firmware region's offset;
#  3. timing: the bitstream meets the core clock (make bitstream fails
#     otherwise) and packs; 4. the card stays within its budgets (logic cells,
#     Fmax margin: fpga_report.py's verdicts) and the HX8K's 32 block RAMs.
# All share the one slow step (PnR, minutes on the full card) and run one
# after the other in one test, so no two make runs ever build the same
# directory at once when the suite runs tests in parallel.
# Usage: bitstream_test.sh [--no-timing]   (checks 1 and 2 only, for a
# design that does not meet timing yet)
set -eu
timing=1
[ "${1:-}" = --no-timing ] && timing=0
out=build/fpga-test/ref
mkdir -p "$out"
# Every build of this test reads one snapshot of the sources.
rm -rf "$out/src"; mkdir -p "$out/src"
cp -r rtl regmap "$out/src/"
mk="make --no-print-directory BRD_RTL_ROOT=$out/src"
board="$out/board"
offset=$(sed -n 's/^SHBA_SOC_FLASH_FW_OFFSET := //p' regmap/softhba_regs.mk)

# Synthesis + PnR + pack once; timing is judged below.
$mk BRD_TIMING=report bitstream BRD_DIR="$board"

# 1. no firmware in the block RAMs
python3 tests/fpga/check_flash_image.py no-ram-init "$board/hx8k.asc" 2

# 2. the flash image
make --no-print-directory build/fw/softhba_fw.bin
$mk BRD_TIMING=report flash-image BRD_DIR="$board"
python3 tests/fpga/check_flash_image.py layout "$board/flash.bin" "$board/hx8k.bin" \
    build/fw/softhba_fw.bin "$offset"

# 3. timing met (bitstream re-checks the report of the report-mode build).
if [ "$timing" = 1 ]; then
    $mk bitstream BRD_DIR="$board"
    test -s "$board/hx8k.bin"
    grep -q "PASS" "$board/report.txt"
    ! grep -q "FAIL" "$board/report.txt"
    echo "bitstream: timing met"
    # 4. the issue's budgets: at most 60 % of the HX8K's logic cells, Fmax at
    # least 1.2 x the core clock, at most the 32 block RAMs.
    grep "^budget:" "$board/report.txt"
    ! grep -q "^budget:.* OVER$" "$board/report.txt"
    test "$(grep -c '^budget:.* WITHIN$' "$board/report.txt")" = 2
    brams=$(sed -n 's/.*block RAMs: \([0-9]*\)\/32.*/\1/p' "$board/report.txt")
    test -n "$brams" && test "$brams" -le 32
    echo "block RAMs: $brams of 32"
fi
