#!/usr/bin/env python3
"""Turn nextpnr-ice40 --report files for rv32_cpu (with and without the M
extension) into build/bench/cpu.json and print the figures.

usage: cpu_bench.py MUL_REPORT.json NOMUL_REPORT.json OUT.json"""
import json
import sys


def figures(path):
    # A failed or interrupted nextpnr run leaves no report, an empty one or
    # one without placement figures: stop with a message, never write stale
    # or zero figures.
    try:
        with open(path, encoding="utf-8") as f:
            rep = json.load(f)
        lcs = rep["utilization"]["ICESTORM_LC"]["used"]
        brams = rep["utilization"]["ICESTORM_RAM"]["used"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"cpu_bench: nextpnr report {path} missing or unusable ({e}); "
                 "see the .pnr.log next to it")
    if not lcs:
        sys.exit(f"cpu_bench: no logic cells in {path}: nextpnr failed?")
    fmax = None
    for name, clk in rep.get("fmax", {}).items():
        if "clk" in name:
            fmax = clk["achieved"]
    if fmax is None:
        sys.exit(f"cpu_bench: no clock in {path}")
    return lcs, brams, fmax


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    lcs, brams, fmax = figures(sys.argv[1])
    lcs_nomul, _, fmax_nomul = figures(sys.argv[2])
    out = {"cpu_lcs": lcs, "cpu_fmax_mhz": round(fmax, 1), "cpu_lcs_no_mul": lcs_nomul,
           "cpu_brams": brams, "cpu_fmax_mhz_no_mul": round(fmax_nomul, 1)}
    with open(sys.argv[3], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for k, v in out.items():
        print(f"{k:22s} {v}")


if __name__ == "__main__":
    main()
