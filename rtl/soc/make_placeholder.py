#!/usr/bin/env python3
"""Write the synthesis placeholder for the SoC RAM (soc_ram_placeholder.hex).

icebram finds the RAM's block RAMs in a bitstream by their contents, so the
placeholder must be distinctive: every word comes from a xorshift32 sequence
with a fixed seed (no zero words, no repeated 16-bit patterns across blocks).
Usage: make_placeholder.py OUT.hex WORDS"""
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_placeholder.py OUT.hex WORDS")
    words = int(sys.argv[2], 0)
    x = 0x5348_4241  # 'SHBA'
    with open(sys.argv[1], "w", encoding="ascii") as f:
        for _ in range(words):
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
            f.write(f"{x:08x}\n")


if __name__ == "__main__":
    main()
