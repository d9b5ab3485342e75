#!/bin/sh
# The reference board from one place-and-route run, two checks:
#  1. icebram: a firmware image swapped into the placed bitstream (make
#     firmware-update) gives the same block RAM contents as a synthesis with
#     that image compiled in.  Place and route never changes what a block RAM
#     holds, so the second build stops after Yosys and its netlist's
#     SB_RAM40_4K INIT_0..F values (compared as a set: blocks land on other
#     tiles) stand for its bitstream.
#  2. timing: the bitstream meets the core clock (make bitstream fails
#     otherwise) and packs; 3. the card stays within its budgets (logic cells,
#     Fmax margin: fpga_report.py's verdicts).
# (1b: each RAM bank holds its part of the image.)
# Both checks share the one slow step (PnR, minutes on the full card) and run
# one after the other in one test, so no two make runs ever build the same
# directory at once when the suite runs tests in parallel.
# Usage: bitstream_test.sh [--no-timing]   (check 1 only, for a design that
# does not meet timing yet)
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

# Synthesis + PnR + pack once; timing is judged below, after the icebram check.
$mk BRD_TIMING=report bitstream BRD_DIR="$board"

# 1. icebram swap against a synthesis-only rebuild with the image.
words=$(wc -l < rtl/soc/soc_ram_placeholder.hex)
python3 tests/fpga/make_test_image.py "$out/fw_a.hex" "$words" 1500
$mk BRD_TIMING=report firmware-update BRD_DIR="$board" BRD_FIRMWARE="$out/fw_a.hex"
$mk BRD_DIR="$out/fw-synth" BRD_RAM_INIT="$out/fw_a.hex" "$out/fw-synth/hx8k.json"
cmp="python3 tests/fpga/compare_bram.py"
# The netlist view agrees with a bitstream (the placeholder build's own pair) ...
$cmp "$board/hx8k.json" "$board/hx8k.asc"
# ... the swap changed the RAM and the comparison can tell ...
$cmp --expect-differ "$board/hx8k.asc" "$board/hx8k-fw.asc"
$cmp --expect-differ "$board/hx8k.asc" "$out/fw-synth/hx8k.json"
# ... and the swapped bitstream holds what the rebuild compiled in.
$cmp "$board/hx8k-fw.asc" "$out/fw-synth/hx8k.json"
echo "icebram swap: same block RAM contents as a rebuild with the image"

# 1b. Each of soc_ram's two banks holds its own part of the image, in order:
# icebram finds a hex file's words in the bitstream only when some block RAMs
# hold exactly those words at those addresses (it fails otherwise).  This
# guards the tail bank's initialisation, which relies on its declared index
# range to skip the main bank's lines.
main=1
while [ $((main * 2)) -lt "$words" ]; do main=$((main * 2)); done
head -n "$main" rtl/soc/soc_ram_placeholder.hex > "$out/ph_main.hex"
tail -n +"$((main + 1))" rtl/soc/soc_ram_placeholder.hex > "$out/ph_tail.hex"
for part in main tail; do
    icebram "$out/ph_$part.hex" "$out/ph_$part.hex" < "$board/hx8k.asc" > /dev/null \
        || { echo "RAM $part bank: the placeholder's $part part is not in the bitstream"; exit 1; }
done
echo "RAM banks: main ($main words) and tail ($((words - main)) words) hold their parts of the image"

# 2. timing met (bitstream re-checks the report of the report-mode build).
if [ "$timing" = 1 ]; then
    $mk bitstream BRD_DIR="$board"
    test -s "$board/hx8k.bin"
    grep -q "PASS" "$board/report.txt"
    ! grep -q "FAIL" "$board/report.txt"
    echo "bitstream: timing met"
    # 3. the issue's budgets: at most half the HX8K's logic cells, Fmax at
    # least 1.2 x the core clock.
    grep "^budget:" "$board/report.txt"
    ! grep -q "^budget:.* OVER$" "$board/report.txt"
    test "$(grep -c '^budget:.* WITHIN$' "$board/report.txt")" = 2
fi
