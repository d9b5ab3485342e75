#!/usr/bin/env python3
"""Turn a raw firmware binary into a $readmemh image for the card's RAM:
one 32-bit little-endian word per line as 8 hex digits, padded with zeros to
WORDS lines. Fails, saying by how much, when the binary does not fit."""
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: bin2memh.py IN.bin OUT.hex WORDS")
    src, dst, words = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
    data = open(src, "rb").read()
    if len(data) > words * 4:
        sys.exit(f"bin2memh: {src} is {len(data)} bytes, {len(data) - words * 4} "
                 f"bytes more than the {words * 4}-byte RAM")
    data += b"\0" * (words * 4 - len(data))
    with open(dst, "w", encoding="ascii") as f:
        for i in range(0, len(data), 4):
            f.write(f"{int.from_bytes(data[i:i + 4], 'little'):08x}\n")


if __name__ == "__main__":
    main()
