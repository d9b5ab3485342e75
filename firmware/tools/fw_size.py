#!/usr/bin/env python3
"""Print a firmware image's budgets: code (text + rodata) and .data's load
image against the SPI flash's firmware region; data, bss and the stack
reserve against the RAM, and what is left of each.  Reads the output of
`size -A ELF` on stdin.
Usage: fw_size.py NAME RAM_BYTES STACK_RESERVE FLASH_BYTES < size-A-output"""
import sys

TEXT = (".text", ".rodata")
DATA = (".data", ".tdata")
BSS = (".tbss_space", ".bss")


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: fw_size.py NAME RAM_BYTES STACK_RESERVE FLASH_BYTES < size -A output")
    name, ram, reserve = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
    flash = int(sys.argv[4], 0)
    sizes = {}
    for line in sys.stdin:
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    text = sum(sizes.get(s, 0) for s in TEXT)
    data = sum(sizes.get(s, 0) for s in DATA)
    bss = sum(sizes.get(s, 0) for s in BSS)
    free = ram - data - bss - reserve
    flash_free = flash - text - data
    print(f"{name}: code {text} data {data} bss {bss} stack reserve {reserve}: "
          f"{free} of {ram} RAM bytes free, {flash_free} of {flash} flash bytes free")
    if free < 0:
        sys.exit(f"{name}: does not fit the RAM: {-free} bytes too many")
    if flash_free < 0:
        sys.exit(f"{name}: does not fit the flash region: {-flash_free} bytes too many")


if __name__ == "__main__":
    main()
