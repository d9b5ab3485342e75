#!/bin/sh
# The pin file and the board top agree port for port, on real CT256 balls;
# and the checker notices a stale or a missing constraint.
set -eu
out=build/fpga-test/pins
mkdir -p "$out"
yosys -q -l "$out/yosys.log" -p "verilog_defaults -add -DSYNTHESIS -Iregmap; \
  read_verilog $(ls rtl/*/*.v | tr '\n' ' '); hierarchy -top hx8k_breakout_top; proc; write_json $out/top.json"
python3 tests/fpga/check_pins.py "$out/top.json" constraints/hx8k-breakout.pcf
# Negative checks on edited copies.
sed '/^set_io uart_tx /d' constraints/hx8k-breakout.pcf > "$out/missing.pcf"
if python3 tests/fpga/check_pins.py "$out/top.json" "$out/missing.pcf" 2>"$out/err"; then
    echo "a port without a pin was not noticed" >&2; exit 1
fi
grep -q "uart_tx: port of hx8k_breakout_top without a pin" "$out/err"
{ cat constraints/hx8k-breakout.pcf; echo "set_io no_such_port C14"; } > "$out/extra.pcf"
if python3 tests/fpga/check_pins.py "$out/top.json" "$out/extra.pcf" 2>"$out/err"; then
    echo "a stale constraint was not noticed" >&2; exit 1
fi
grep -q "no_such_port: constrained but not a port" "$out/err"
sed 's/^set_io uart_tx B12/set_io uart_tx Z99/' constraints/hx8k-breakout.pcf > "$out/ball.pcf"
if python3 tests/fpga/check_pins.py "$out/top.json" "$out/ball.pcf" 2>"$out/err"; then
    echo "a ball outside the package was not noticed" >&2; exit 1
fi
grep -q "Z99 is not a user I/O" "$out/err"
echo "pins: checker catches missing, stale and impossible constraints"
