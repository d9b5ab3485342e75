#!/usr/bin/env python3
"""Summarise a place-and-route run of the reference board and fail when the
core clock misses its target.

Reads the yosys netlist (PLL parameters as synthesised), nextpnr's JSON
report (--report: utilisation, achieved Fmax per clock) and writes a text
report and a flat JSON of figures (card_lcs, card_brams, card_fmax_mhz,
card_clock_mhz, ...).  Exit status 1 when any clock's Fmax is below the
target or the report lacks the core clock.

The report also gives two budget verdicts that do not change the exit status
(a design over budget still makes a usable bitstream; the fpga-bitstream test
holds the reference card to them): logic cells against --lc-budget (default
4608, 60 % of the HX8K, the budget issue 13 sets for the card with
BlueSCSI-class features) and the worst Fmax against --fmax-margin x the target
(default 1.2).

Usage: fpga_report.py [--lc-budget N] [--fmax-margin X]
                      NETLIST.json NEXTPNR_REPORT.json TARGET_MHZ REF_MHZ OUT.txt OUT.json"""
import json
import sys


def pll_params(netlist):
    for mod in netlist["modules"].values():
        for name, cell in mod.get("cells", {}).items():
            if cell["type"].startswith("SB_PLL40"):
                p = {k: v for k, v in cell["parameters"].items()}
                return name, {k: int(p[k], 2) if set(str(p[k])) <= {"0", "1"} else p[k]
                              for k in ("DIVR", "DIVF", "DIVQ", "FILTER_RANGE") if k in p}
    return None, {}


def main():
    args = sys.argv[1:]
    lc_budget = 4608
    fmax_margin = 1.2
    try:
        while args and args[0].startswith("--"):
            opt = args.pop(0)
            if opt == "--lc-budget":
                lc_budget = int(args.pop(0))
            elif opt == "--fmax-margin":
                fmax_margin = float(args.pop(0))
            else:
                sys.exit(f"fpga_report: unknown option {opt}\n{__doc__}")
    except (IndexError, ValueError):
        sys.exit(f"fpga_report: bad option value\n{__doc__}")
    if len(args) != 6:
        sys.exit(__doc__)
    net_path, rep_path, target, ref_mhz, out_txt, out_json = args
    target = float(target)
    ref_mhz = float(ref_mhz)
    with open(net_path, encoding="utf-8") as f:
        netlist = json.load(f)
    with open(rep_path, encoding="utf-8") as f:
        report = json.load(f)

    util = report.get("utilization", {})
    lcs = util.get("ICESTORM_LC", {}).get("used")
    brams = util.get("ICESTORM_RAM", {}).get("used")
    ios = util.get("SB_IO", {}).get("used")
    lcs_avail = util.get("ICESTORM_LC", {}).get("available")
    brams_avail = util.get("ICESTORM_RAM", {}).get("available")
    fmax = report.get("fmax", {})
    pll_name, pll = pll_params(netlist)

    lines = []
    ok = True
    if pll:
        f_out = ref_mhz * (pll["DIVF"] + 1) / (pll["DIVR"] + 1) / (2 ** pll["DIVQ"])
        lines.append(f"PLL {pll_name}: DIVR={pll['DIVR']} DIVF={pll['DIVF']} DIVQ={pll['DIVQ']} "
                     f"FILTER_RANGE={pll['FILTER_RANGE']}: {ref_mhz:g} MHz -> {f_out:g} MHz")
        if abs(f_out - target) > 1e-6:
            lines.append(f"ERROR: the PLL makes {f_out:g} MHz, the target is {target:g} MHz")
            ok = False
    else:
        lines.append("ERROR: no PLL in the netlist")
        ok = False
    lines.append(f"logic cells: {lcs}/{lcs_avail}  block RAMs: {brams}/{brams_avail}  IOs: {ios}")

    core_fmax = None
    for clk, v in sorted(fmax.items()):
        achieved = v.get("achieved")
        constraint = v.get("constraint")
        verdict = "PASS" if achieved is not None and constraint is not None and achieved >= constraint else "FAIL"
        lines.append(f"clock {clk}: Fmax {achieved:.2f} MHz (target {constraint:.2f} MHz) {verdict}")
        if verdict != "PASS":
            ok = False
        core_fmax = achieved if core_fmax is None else min(core_fmax, achieved)
    if core_fmax is None:
        lines.append("ERROR: nextpnr reported no clock (is the core clock unconnected?)")
        ok = False
    else:
        lines.append(f"core clock: {target:g} MHz, worst Fmax {core_fmax:.2f} MHz "
                     f"({core_fmax / target:.2f} x the target)")
        margin_ok = core_fmax >= fmax_margin * target
        lines.append(f"budget: Fmax margin {core_fmax / target:.2f} x (at least {fmax_margin:g} x) "
                     f"{'WITHIN' if margin_ok else 'OVER'}")
    if lcs is not None:
        lines.append(f"budget: logic cells {lcs} (at most {lc_budget}) "
                     f"{'WITHIN' if lcs <= lc_budget else 'OVER'}")

    text = "\n".join(lines) + "\n"
    with open(out_txt, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    figures = {"card_lcs": lcs, "card_brams": brams, "card_ios": ios,
               "card_fmax_mhz": round(core_fmax, 2) if core_fmax else 0.0,
               "card_clock_mhz": target}
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(figures, f, indent=2, sort_keys=True)
        f.write("\n")
    if not ok:
        sys.exit("fpga_report: timing or clock setup not met")


if __name__ == "__main__":
    main()
