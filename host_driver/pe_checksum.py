#!/usr/bin/env python3
"""Fill in the CheckSum field of a PE image's optional header, in place.

The PE checksum is the one's-complement-style sum of the file as 16-bit
little-endian words (with the CheckSum field itself counted as zero), carries
folded back into 16 bits, plus the file length.  GNU ld leaves the field 0;
Windows NT verifies it for kernel-mode images.

Usage: pe_checksum.py IMAGE
"""
import struct
import sys


def pe_checksum(data: bytes, checksum_offset: int) -> int:
    total = 0
    padded = data + (b"\0" if len(data) % 2 else b"")
    for i in range(0, len(padded), 2):
        if checksum_offset <= i < checksum_offset + 4:
            continue
        total += padded[i] | (padded[i + 1] << 8)
        total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return (total + len(data)) & 0xFFFFFFFF


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    path = sys.argv[1]
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:2] != b"MZ":
        print(f"pe_checksum: {path}: not an MZ/PE image", file=sys.stderr)
        return 1
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        print(f"pe_checksum: {path}: no PE signature", file=sys.stderr)
        return 1
    # CheckSum sits at offset 64 of the optional header (PE32 and PE32+).
    checksum_offset = pe + 4 + 20 + 64
    value = pe_checksum(bytes(data), checksum_offset)
    struct.pack_into("<I", data, checksum_offset, value)
    with open(path, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
