#!/bin/bash
# bench-ntsys: what running the shipped softhba.sys in the i386 emulator
# costs and gives.  Writes the flat JSON object $1 (default
# build/bench/ntsys.json):
#   sys_wall_overhead_pct         wall time of softhba-sim verify with
#                                 --driver=sys over --driver=native, same
#                                 seed and disk (best of RUNS runs each,
#                                 alternated, so that other load on the
#                                 machine hits both alike)
#   e2e_read64k_ratio_dma16_sys,  the 64 KiB ratios of softhba-sim bench
#   e2e_write64k_ratio_dma16_sys, (tests/e2e/bench_e2e.sh) with the binary
#   e2e_read64k_ratio_dma8_sys    driver
set -euo pipefail
OUT=${1:-build/bench/ntsys.json}
SIM=${SIM:-build/sim/softhba-sim}
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/softhba-bench-ntsys.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
truncate -s 4M "$WORK/disk.img"
for mode in "dma8:--dma 1" "dma16:--dma 5"; do
    name=${mode%%:*}
    # shellcheck disable=SC2086
    "$SIM" --disk "$WORK/disk.img" --driver=sys ${mode#*:} --json "$WORK/$name.json" \
        --max-time-ms 60000 bench >/dev/null
done
python3 - "$SIM" "$WORK" "$OUT" "$RUNS" <<'PY'
import json, subprocess, sys, time
sim, work, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
best = {}
for _ in range(runs):
    for driver in ("native", "sys"):
        disk = f"{work}/verify-{driver}.img"
        open(disk, "wb").truncate(4 << 20)
        t0 = time.monotonic()
        subprocess.run([sim, "--disk", disk, f"--driver={driver}", "--seed", "3",
                        "--max-time-ms", "60000", "verify", "4"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - t0
        best[driver] = min(best.get(driver, wall), wall)
j = {n: json.load(open(f"{work}/{n}.json")) for n in ("dma8", "dma16")}
figures = {
    "sys_wall_overhead_pct": round((best["sys"] / best["native"] - 1) * 100, 1),
    "e2e_read64k_ratio_dma16_sys": round(j["dma16"]["read64k_ratio"], 4),
    "e2e_write64k_ratio_dma16_sys": round(j["dma16"]["write64k_ratio"], 4),
    "e2e_read64k_ratio_dma8_sys": round(j["dma8"]["read64k_ratio"], 4),
}
json.dump(figures, open(out, "w"), indent=1)
print(f"verify wall time, best of {runs}: native {best['native']:.2f} s, sys {best['sys']:.2f} s")
for k, v in figures.items():
    print(f"{k:28s} {v}")
PY
