#!/usr/bin/env python3
"""Write the SCSI fuzzer's seed corpus (tests/scsi/corpus/): one file per
scenario, each a sequence of records in the format scsi_fuzz.c describes."""
import os
import struct
import sys

IN, OUT = 1, 2


def rec(cdb, flags=0, data_len=0, out=b"", medium=0, fault=0, cap=0, sel=0, target=0, lun=0):
    assert len(out) % 16 == 0 and len(out) // 16 < 256
    blk = bytes([target, lun, len(cdb), flags]) + struct.pack("<I", data_len) + cdb.ljust(16, b"\0")
    return bytes([medium, fault, cap, sel]) + blk + bytes([len(out) // 16]) + out


def r10(op, lba, n, b1=0):
    return bytes([op, b1]) + struct.pack(">I", lba) + bytes([0]) + struct.pack(">H", n) + b"\0"


def r12(op, lba, n, b1=0):
    return bytes([op, b1]) + struct.pack(">II", lba, n) + b"\0\0"


def cd(cdb, flags=0, data_len=0, out=b""):
    """A record for the CD-ROM, SCSI ID 3 (the fuzzer's bus, byte [3] bits 2:0)."""
    return rec(cdb, flags, data_len, out, sel=3)


TUR = bytes(6)
SEEDS = {
    "bus-scan": rec(bytes([0x12, 0, 0, 0, 36, 0]), IN, 36) + rec(TUR) + rec(TUR)
    + rec(bytes([0x25]) + bytes(9), IN, 8) + rec(bytes([0x1A, 0, 0x3F, 0, 192, 0]), IN, 192),
    "read-write": rec(TUR) + rec(r10(0x2A, 3, 2), OUT, 1024, bytes(range(256)) * 4)
    + rec(r10(0x28, 3, 2), IN, 1024) + rec(bytes([0x08, 0, 0, 1, 0, 0]), IN, 256 * 512, cap=3),
    "faults": rec(TUR) + rec(r10(0x28, 0, 8), IN, 4096, medium=4, fault=5)
    + rec(r10(0x2A, 0, 4), OUT, 2048, b"\xa5" * 2048, medium=0x20, fault=2)
    + rec(bytes([0x03, 0, 0, 0, 18, 0]), IN, 18),
    "mode-select": rec(TUR) + rec(bytes([0x15, 0x10, 0, 0, 16, 0]), OUT, 16,
                                  bytes([0, 0, 0, 0, 1, 10]) + bytes(10)),
    "verify": rec(TUR) + rec(r10(0x2F, 0, 2, 2), OUT, 1024, bytes(1024))
    + rec(r10(0x2F, 0, 60, 0), 0, 0, fault=0x84, medium=4),
    "misc": rec(bytes([0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0]), IN, 16, sel=0x40, lun=1)
    + rec(bytes([0x12, 1, 0x83, 0, 255, 0]), IN, 255)
    + rec(bytes([0x04, 0x10, 0, 0, 0, 0]), OUT, 4, bytes([0, 2, 0, 0]) + bytes(12))
    + rec(bytes([0x1D, 0x04, 0, 0, 0, 0])) + rec(r10(0x35, 0, 0)) + rec(bytes([0x5A, 0, 0x08]) + bytes(5) + bytes([255, 0]), IN, 255),
    # NT 4.0's cdrom.sys at start-up and on IOCTLs, then eject/prevent play.
    "cdrom": cd(bytes([0x12, 0, 0, 0, 36, 0]), IN, 36) + cd(TUR) + cd(TUR)
    + cd(bytes([0x25]) + bytes(9), IN, 8) + cd(bytes([0x1A, 0, 0x01, 0, 24, 0]), IN, 24)
    + cd(bytes([0x43, 2, 0, 0, 0, 0, 0, 3, 0x24, 0]), IN, 804)
    + cd(bytes([0x43, 0, 0, 0, 0, 0, 0, 3, 0x24, 0x40]), IN, 804)
    + cd(r12(0xA8, 16, 2), IN, 4096) + cd(r10(0x28, 0, 1), IN, 2048)
    + cd(bytes([0x46, 0, 0, 0, 0, 0, 0, 0, 255, 0]), IN, 255)
    + cd(bytes([0x42, 2, 0x40, 1, 0, 0, 0, 0, 16, 0]), IN, 16)
    + cd(bytes([0x44, 2, 0, 0, 0, 16, 0, 0, 8, 0]), IN, 8)
    + cd(bytes([0x1E, 0, 0, 0, 1, 0])) + cd(bytes([0x1B, 0, 0, 0, 2, 0]))
    + cd(bytes([0x1E, 0, 0, 0, 0, 0])) + cd(bytes([0x1B, 0, 0, 0, 2, 0])) + cd(TUR)
    + cd(bytes([0x1B, 0, 0, 0, 3, 0])) + cd(TUR) + cd(r10(0x2A, 0, 1), OUT, 2048, bytes(2048)),
    # Every ID of the bus: block sizes 512, 4096 (read-only), 1024 (removable), 2048; 4, 6, 7 empty.
    "bus": b"".join(rec(TUR, sel=i) + rec(TUR, sel=i) + rec(r10(0x28, 1, 2), IN, 8192, sel=i)
                    + rec(r10(0x2A, 1, 1), OUT, 4096, bytes(range(256)) * 8, sel=i) for i in range(8)),
}

out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
os.makedirs(out_dir, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)
