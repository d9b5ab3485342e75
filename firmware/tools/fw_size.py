#!/usr/bin/env python3
"""Print a firmware image's budgets: code (text + rodata) and .data's load
image against the SPI flash's firmware region; data, bss and the stack
reserve against the RAM, and what is left of each.  Reads the output of
`size -A ELF` on stdin.
Usage: fw_size.py [--json] NAME RAM_BYTES STACK_RESERVE FLASH_BYTES < size-A-output
(--json: the figures as one flat JSON object instead)"""
import json
import sys

TEXT = (".text", ".rodata", ".text_rest")
DATA = (".data", ".tdata")
BSS = (".tbss_space", ".bss")


def main():
    args = sys.argv[1:]
    as_json = bool(args) and args[0] == "--json"
    if as_json:
        args = args[1:]
    if len(args) != 4:
        sys.exit("usage: fw_size.py [--json] NAME RAM_BYTES STACK_RESERVE FLASH_BYTES < size -A output")
    name, ram, reserve = args[0], int(args[1], 0), int(args[2], 0)
    flash = int(args[3], 0)
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
    if as_json:
        print(json.dumps({"fw_ram_free_bytes": free, "fw_ram_bytes": ram, "fw_flash_code_bytes": text + data,
                          "fw_flash_free_bytes": flash_free}))
        return
    print(f"{name}: code {text} data {data} bss {bss} stack reserve {reserve}: "
          f"{free} of {ram} RAM bytes free, {flash_free} of {flash} flash bytes free")
    if free < 0:
        sys.exit(f"{name}: does not fit the RAM: {-free} bytes too many")
    if flash_free < 0:
        sys.exit(f"{name}: does not fit the flash region: {-flash_free} bytes too many")


if __name__ == "__main__":
    main()
