#!/bin/sh
# A firmware image swapped into the placeholder bitstream with icebram
# (make firmware-update) gives the same block RAM contents as a full rebuild
# with that image compiled in.  Timing is not what this checks, so both
# builds place and route with BRD_TIMING=report.
set -eu
out=build/fpga-test/swap
mkdir -p "$out"
words=$(wc -l < rtl/soc/soc_ram_placeholder.hex)
python3 tests/fpga/make_test_image.py "$out/fw_a.hex" "$words" 1500
# Both builds read one snapshot of the sources.
rm -rf "$out/src"; mkdir -p "$out/src"
cp -r rtl regmap "$out/src/"
mk="make --no-print-directory BRD_TIMING=report BRD_RTL_ROOT=$out/src"
$mk bitstream BRD_DIR="$out/placeholder"
$mk firmware-update BRD_DIR="$out/placeholder" BRD_FIRMWARE="$out/fw_a.hex"
$mk bitstream BRD_DIR="$out/rebuilt" BRD_RAM_INIT="$out/fw_a.hex"
# The swap changed the RAM, the comparison can tell, and the result is the rebuild's.
python3 tests/fpga/compare_bram.py --expect-differ "$out/placeholder/hx8k.asc" "$out/placeholder/hx8k-fw.asc"
python3 tests/fpga/compare_bram.py --expect-differ "$out/placeholder/hx8k.asc" "$out/rebuilt/hx8k.asc"
python3 tests/fpga/compare_bram.py "$out/placeholder/hx8k-fw.asc" "$out/rebuilt/hx8k.asc"
echo "icebram swap: same block RAM contents as a full rebuild with the image"
