#!/bin/bash
# SoC benchmark -> build/bench/soc.json:
#   soc_lcs, soc_fmax_mhz   yosys synth_ice40 of `soc` (CPU included) and
#                           nextpnr-ice40 --hx8k --package ct256 at 36 MHz
#   cpu_cpi                 core cycles / retired instructions of the
#                           tests/soc/cpi_bench.c workload (mcycle, minstret)
#   sim_mcycles_per_s       simulated core cycles per wall-clock second of
#                           card-run on that workload
set -euo pipefail
OUT=build/bench/soc
JSON=build/bench/soc.json
mkdir -p "$OUT"

# --- CPI and simulation speed (best of 3 runs for the wall-clock figure)
best_rate=0
for run in 1 2 3; do
    build/sim/card-run --firmware build/fw/cpi_bench.hex --stats > "$OUT/cpi.out" 2> "$OUT/cpi.err"
    rate=$(sed -n 's/.* \([0-9.]*\) Mcycles\/s.*/\1/p' "$OUT/cpi.err")
    best_rate=$(python3 -c "print(max($best_rate, $rate))")
done
read -r cycles instret < <(sed -n 's/^cycles \([0-9]*\) instret \([0-9]*\)$/\1 \2/p' "$OUT/cpi.out")
[ -n "${cycles:-}" ] && [ "${instret:-0}" -gt 0 ] || { echo "bench-soc: no cycle counts from cpi_bench" >&2; exit 1; }

# --- synthesis, place and route
SRCS="$(echo rtl/soc/*.v) rtl/cpu/rv32_cpu.v"
yosys -q -l "$OUT/yosys.log" -p "read_verilog -Iregmap $SRCS; synth_ice40 -top soc -json $OUT/soc.json" > /dev/null
nextpnr-ice40 --hx8k --package ct256 --freq 36 --seed 1 --json "$OUT/soc.json" \
    --asc "$OUT/soc.asc" --timing-allow-fail > "$OUT/nextpnr.log" 2>&1
lcs=$(sed -n 's/.*ICESTORM_LC: *\([0-9]*\)\/.*/\1/p' "$OUT/nextpnr.log" | tail -1)
fmax=$(sed -n "s/.*Max frequency for clock '[^']*': \([0-9.]*\) MHz.*/\1/p" "$OUT/nextpnr.log" | tail -1)
[ -n "$lcs" ] && [ -n "$fmax" ] || { echo "bench-soc: could not read LCs/Fmax from $OUT/nextpnr.log" >&2; exit 1; }

python3 - "$JSON" "$lcs" "$fmax" "$cycles" "$instret" "$best_rate" <<'PY'
import json, sys
path, lcs, fmax, cycles, instret, rate = sys.argv[1:]
data = {
    "soc_lcs": int(lcs),
    "soc_fmax_mhz": round(float(fmax), 2),
    "cpu_cpi": round(int(cycles) / int(instret), 3),
    "sim_mcycles_per_s": round(float(rate), 2),
}
with open(path, "w") as f:
    json.dump(data, f, indent=2)
    f.write("\n")
print(json.dumps(data))
PY
