#!/bin/sh
# fpga_report.py passes a run that meets the clock target and fails one that
# misses it or whose PLL makes the wrong frequency (synthetic nextpnr reports).
set -eu
out=build/fpga-test/report
mkdir -p "$out"
cat > "$out/net.json" <<'J'
{"modules": {"top": {"cells": {"pll": {"type": "SB_PLL40_CORE", "parameters":
 {"DIVR": "0000", "DIVF": "0101111", "DIVQ": "100", "FILTER_RANGE": "001"}}}}}}
J
cat > "$out/net_bad.json" <<'J'
{"modules": {"top": {"cells": {"pll": {"type": "SB_PLL40_CORE", "parameters":
 {"DIVR": "0000", "DIVF": "0111111", "DIVQ": "100", "FILTER_RANGE": "001"}}}}}}
J
util='"utilization": {"ICESTORM_LC": {"used": 3000, "available": 7680}, "ICESTORM_RAM": {"used": 26, "available": 32}, "SB_IO": {"used": 74, "available": 256}}'
echo "{$util, \"fmax\": {\"clk\": {\"achieved\": 45.5, \"constraint\": 36.0}}}" > "$out/pass.json"
echo "{$util, \"fmax\": {\"clk\": {\"achieved\": 34.5, \"constraint\": 36.0}}}" > "$out/fail.json"
echo "{$util, \"fmax\": {}}" > "$out/noclk.json"
python3 rtl/boards/fpga_report.py "$out/net.json" "$out/pass.json" 36 12 "$out/r.txt" "$out/f.json"
grep -q '"card_fmax_mhz": 45.5' "$out/f.json"
grep -q '"card_lcs": 3000' "$out/f.json"
grep -q "DIVF=47 DIVQ=4 FILTER_RANGE=1: 12 MHz -> 36 MHz" "$out/r.txt"
# budgets: 3000 LCs and 45.5 MHz (1.26 x) are within the defaults ...
grep -q "^budget: logic cells 3000 (at most 4608) WITHIN$" "$out/r.txt"
grep -q "^budget: Fmax margin 1.26 x (at least 1.2 x) WITHIN$" "$out/r.txt"
# ... and over tighter ones, which do not change the exit status
python3 rtl/boards/fpga_report.py --lc-budget 2999 --fmax-margin 1.3 \
    "$out/net.json" "$out/pass.json" 36 12 "$out/r.txt" "$out/f.json" > /dev/null
grep -q "^budget: logic cells 3000 (at most 2999) OVER$" "$out/r.txt"
grep -q "^budget: Fmax margin 1.26 x (at least 1.3 x) OVER$" "$out/r.txt"
if python3 rtl/boards/fpga_report.py --lc-budget x "$out/net.json" "$out/pass.json" 36 12 \
    "$out/r.txt" "$out/f.json" >/dev/null 2>&1; then
    echo "fpga_report accepted a bad --lc-budget" >&2; exit 1
fi
for bad in "net.json fail.json" "net.json noclk.json" "net_bad.json pass.json"; do
    set -- $bad
    if python3 rtl/boards/fpga_report.py "$out/$1" "$out/$2" 36 12 "$out/r.txt" "$out/f.json" >/dev/null 2>&1; then
        echo "fpga_report accepted $1 + $2" >&2; exit 1
    fi
done
echo "fpga_report: passes a met clock, fails a missed clock, a missing clock and a wrong PLL; budget verdicts"
