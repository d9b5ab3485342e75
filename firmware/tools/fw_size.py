#!/usr/bin/env python3
"""Print a firmware image's RAM budget: text, data, bss, the stack reserve and
what is left of the RAM.  Reads the output of `size -A ELF` on stdin.
Usage: fw_size.py NAME RAM_BYTES STACK_RESERVE < size-A-output"""
import sys

TEXT = (".text", ".rodata")
DATA = (".data", ".tdata")
BSS = (".tbss_space", ".bss")


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: fw_size.py NAME RAM_BYTES STACK_RESERVE < size -A output")
    name, ram, reserve = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
    sizes = {}
    for line in sys.stdin:
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    text = sum(sizes.get(s, 0) for s in TEXT)
    data = sum(sizes.get(s, 0) for s in DATA)
    bss = sum(sizes.get(s, 0) for s in BSS)
    free = ram - text - data - bss - reserve
    print(f"{name}: text {text} data {data} bss {bss} stack reserve {reserve}: "
          f"{free} of {ram} RAM bytes free")
    if free < 0:
        sys.exit(f"{name}: does not fit the RAM: {-free} bytes too many")


if __name__ == "__main__":
    main()
