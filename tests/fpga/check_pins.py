#!/usr/bin/env python3
"""Check the reference board's pin file against its top and its package:
every port bit of hx8k_breakout_top has exactly one set_io, every set_io
names a port bit (no stale constraint), every ball exists in the iCE40HX8K
CT256 package (icestorm's pin database) and no ball is used twice.

Usage: check_pins.py PORTS.json PCF
PORTS.json is a yosys write_json of the elaborated top (ports only needed)."""
import json
import re
import sys

sys.path.insert(0, "/usr/share/fpga-icestorm/python")
import icebox  # noqa: E402  (icestorm's chip and package database)

TOP = "hx8k_breakout_top"


def port_bits(netlist):
    mod = netlist["modules"].get(TOP)
    if mod is None:
        sys.exit(f"check_pins: {TOP} not in the netlist")
    names = set()
    for name, port in mod["ports"].items():
        width = len(port["bits"])
        if width == 1 and not port.get("upto") and "offset" not in port:
            names.add(name)
        else:
            off = port.get("offset", 0)
            names.update(f"{name}[{off + i}]" for i in range(width))
    return names


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        netlist = json.load(f)
    bits = port_bits(netlist)
    # One-bit ports declared as vectors ([0:0]) do not occur here; a scalar
    # port is named plainly, as nextpnr expects in the pcf.
    pcf = {}
    balls = {}
    errors = []
    with open(sys.argv[2], encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.match(r"set_io\s+(?:-\S+\s+)*(\S+)\s+(\S+)$", line)
            if not m:
                errors.append(f"line {lineno}: not understood: {line}")
                continue
            sig, ball = m.groups()
            if sig in pcf:
                errors.append(f"line {lineno}: {sig} constrained twice")
            if ball in balls:
                errors.append(f"line {lineno}: ball {ball} used by {balls[ball]} and {sig}")
            pcf[sig] = ball
            balls[ball] = sig
    package = {p[0] for p in icebox.pinloc_db["8k-ct256"]}
    for sig, ball in sorted(pcf.items()):
        if ball not in package:
            errors.append(f"{sig}: ball {ball} is not a user I/O of the HX8K CT256")
    for sig in sorted(set(pcf) - bits):
        errors.append(f"{sig}: constrained but not a port of {TOP}")
    for sig in sorted(bits - set(pcf)):
        errors.append(f"{sig}: port of {TOP} without a pin")
    if errors:
        sys.exit("check_pins:\n  " + "\n  ".join(errors))
    print(f"check_pins: {len(bits)} port bits, {len(pcf)} constraints, all on CT256 balls, one to one")


if __name__ == "__main__":
    main()
