#!/usr/bin/env python3
"""Turn a raw binary into a $readmemh image: one 32-bit little-endian word per
line as 8 hex digits, padded with zeros to WORDS lines (or, with --no-pad, to
a whole word only: the flash model takes any length).  Fails, saying by how
much, when the binary is larger than WORDS words."""
import sys


def main():
    args = sys.argv[1:]
    pad = True
    if args and args[0] == "--no-pad":
        pad = False
        args = args[1:]
    if len(args) != 3:
        sys.exit("usage: bin2memh.py [--no-pad] IN.bin OUT.hex WORDS")
    src, dst, words = args[0], args[1], int(args[2], 0)
    data = open(src, "rb").read()
    if len(data) > words * 4:
        sys.exit(f"bin2memh: {src} is {len(data)} bytes, {len(data) - words * 4} "
                 f"bytes more than the {words * 4}-byte memory")
    size = words * 4 if pad else (len(data) + 3) // 4 * 4
    data += b"\0" * (size - len(data))
    with open(dst, "w", encoding="ascii") as f:
        for i in range(0, len(data), 4):
            f.write(f"{int.from_bytes(data[i:i + 4], 'little'):08x}\n")


if __name__ == "__main__":
    main()
