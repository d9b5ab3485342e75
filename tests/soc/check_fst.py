#!/usr/bin/env python3
"""Check that a file is an FST waveform covering at least MIN_PS picoseconds
with at least MIN_VARS signals (reads the FST header block).
Usage: check_fst.py FILE MIN_PS MIN_VARS"""
import struct
import sys


def main():
    path, min_ps, min_vars = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, "rb") as f:
        head = f.read(1 + 8 + 8 * 8)
    if len(head) < 1 + 8 + 8 * 8 or head[0] != 0:
        sys.exit(f"{path}: not an FST file (no header block)")
    start, end, _endian, _mem, scopes, _hier_vars, nvars, _blocks = \
        struct.unpack(">QQdQQQQQ", head[9:9 + 64])
    print(f"{path}: time {start}..{end} ps, {scopes} scopes, {nvars} vars")
    if end - start < min_ps:
        sys.exit(f"{path}: covers {end - start} ps, expected at least {min_ps}")
    if nvars < min_vars:
        sys.exit(f"{path}: {nvars} signals, expected at least {min_vars}")


if __name__ == "__main__":
    main()
