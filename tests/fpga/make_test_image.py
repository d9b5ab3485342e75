#!/usr/bin/env python3
"""Write a RAM image shaped like a firmware image (WORDS lines of 8 hex
digits): CODE_WORDS pseudo-random words (a seed other than the placeholder's),
then zeros as bin2memh pads a real program.
Usage: make_test_image.py OUT.hex WORDS CODE_WORDS"""
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    words, code = int(sys.argv[2], 0), int(sys.argv[3], 0)
    x = 0x0F1E_2D3C
    with open(sys.argv[1], "w", encoding="ascii") as f:
        for i in range(words):
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
            f.write(f"{x if i < code else 0:08x}\n")


if __name__ == "__main__":
    main()
