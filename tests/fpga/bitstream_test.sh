#!/bin/sh
# The reference board synthesises, places, routes and packs with the core
# clock's timing met (make bitstream fails otherwise), and every constrained
# pin is used by a placed I/O cell.
set -eu
out=build/fpga-test/ref
make --no-print-directory bitstream BRD_DIR="$out"
test -s "$out/hx8k.bin"
grep -q "PASS" "$out/report.txt"
! grep -q "FAIL" "$out/report.txt"
