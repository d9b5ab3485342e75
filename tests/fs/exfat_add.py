#!/usr/bin/env python3
"""Add files to the root directory of an exFAT image made by mkfs.exfat,
without mounting it (exfatprogs has no such writer).  Written from the
Microsoft exFAT specification: boot sector fields (3.1), FAT (4), allocation
bitmap (7.1), up-case table (7.2, for the name hash), File / Stream Extension
/ File Name entries (7.4, 7.6, 7.7) and the entry set checksum (6.3.3).
fsck.exfat checks the result in the tests.

usage: exfat_add.py IMAGE [options] NAME=SOURCE ...
  --layout contiguous   (default) one run of clusters, NoFatChain set, FAT untouched
  --layout chain        one run of clusters described by a FAT chain
  --layout fragmented   FAT chain over --runs runs of clusters with a free cluster
                        left between them (default: one run per cluster)
  --bad-checksum        write a wrong SetChecksum (the set must be ignored)
  --valid-length N      ValidDataLength N instead of the size
  --claim-size N        DataLength and ValidDataLength N, whatever the clusters hold
                        (a corrupt entry: an image larger than the card can address)
Prints each file's clusters as 'NAME first N clusters M runs' on stdout."""
import argparse
import struct
import sys


class Volume:
    def __init__(self, path):
        self.f = open(path, "r+b")
        boot = self.read(0, 512)
        if boot[3:11] != b"EXFAT   ":
            sys.exit(f"exfat_add: {path}: not exFAT")
        self.sector = 1 << boot[108]
        self.cluster = self.sector << boot[109]
        self.fat_off, self.fat_len, self.heap_off, self.count, self.root = struct.unpack_from("<IIIII", boot, 80)
        self.nfats = boot[110]
        self.root_chain = self.chain(self.root)
        self.bitmap_cluster = self.bitmap_len = None
        upcase = None
        for _, e in self.entries():
            if e[0] == 0x81:
                self.bitmap_cluster, self.bitmap_len = struct.unpack_from("<IQ", e, 20)
            elif e[0] == 0x82:
                first, length = struct.unpack_from("<IQ", e, 20)
                upcase = self.read(self.cluster_offset(first), length)
        if self.bitmap_cluster is None or upcase is None:
            sys.exit("exfat_add: no allocation bitmap or up-case table in the root directory")
        self.bitmap = bytearray(self.read(self.cluster_offset(self.bitmap_cluster), self.bitmap_len))
        self.upcase = self.expand_upcase(upcase)

    def read(self, off, n):
        self.f.seek(off)
        return self.f.read(n)

    def write(self, off, data):
        self.f.seek(off)
        self.f.write(data)

    def cluster_offset(self, c):
        return self.heap_off * self.sector + (c - 2) * self.cluster

    def fat_get(self, c):
        return struct.unpack("<I", self.read(self.fat_off * self.sector + 4 * c, 4))[0]

    def fat_set(self, c, value):
        for i in range(self.nfats):
            self.write((self.fat_off + i * self.fat_len) * self.sector + 4 * c, struct.pack("<I", value))

    def chain(self, c):
        out = []
        while c != 0xFFFFFFFF:
            if c < 2 or c > self.count + 1 or len(out) > self.count:
                sys.exit("exfat_add: broken root directory chain")
            out.append(c)
            c = self.fat_get(c)
        return out

    def entries(self):
        """(offset, 32 bytes) of every root directory slot, in order."""
        for c in self.root_chain:
            base = self.cluster_offset(c)
            data = self.read(base, self.cluster)
            for i in range(0, self.cluster, 32):
                yield base + i, data[i:i + 32]

    @staticmethod
    def expand_upcase(raw):
        table = list(range(65536))
        pos = 0
        i = 0
        while i + 1 < len(raw) and pos < 65536:
            v = struct.unpack_from("<H", raw, i)[0]
            i += 2
            if v == 0xFFFF and i + 1 < len(raw):
                pos += struct.unpack_from("<H", raw, i)[0]   # a run of identity mappings
                i += 2
            else:
                table[pos] = v
                pos += 1
        return table

    def is_free(self, c):
        i = c - 2
        return not (self.bitmap[i // 8] >> (i % 8)) & 1

    def mark(self, c):
        i = c - 2
        self.bitmap[i // 8] |= 1 << (i % 8)

    def allocate(self, n, layout, runs=None):
        free = [c for c in range(2, self.count + 2) if self.is_free(c)]
        if layout == "fragmented":
            runs = min(runs or n, n)
            picked = []
            for r in range(runs):
                take = n // runs + (1 if r < n % runs else 0)
                picked += free[:take]
                free = free[take + 1:]         # leave one free cluster as the gap
        else:
            picked = None
            run = []
            for c in free:
                run = run + [c] if run and run[-1] + 1 == c else [c]
                if len(run) == n:
                    picked = run
                    break
        if picked is None or len(picked) < n:
            sys.exit("exfat_add: the volume is full")
        for c in picked:
            self.mark(c)
        return picked

    def name_hash(self, name):
        h = 0
        for ch in name:
            u = self.upcase[ord(ch)]
            for byte in (u & 0xFF, u >> 8):
                h = (((h & 1) << 15) | (h >> 1)) + byte & 0xFFFF
        return h

    def free_slots(self, n):
        run = []
        for off, e in self.entries():
            if e[0] & 0x80:
                run = []
                continue
            run.append(off)
            if len(run) == n:
                return run
        # grow the root directory by one zeroed cluster
        c = self.allocate(1, "chain")[0]
        self.write(self.cluster_offset(c), bytes(self.cluster))
        self.fat_set(self.root_chain[-1], c)
        self.fat_set(c, 0xFFFFFFFF)
        self.root_chain.append(c)
        return self.free_slots(n)

    def add(self, name, data, layout, runs=None, bad_checksum=False, valid_length=None, claim_size=None):
        n = max(1, -(-len(data) // self.cluster)) if data else 0
        clusters = self.allocate(n, layout, runs) if n else []
        for i, c in enumerate(clusters):
            self.write(self.cluster_offset(c), data[i * self.cluster:(i + 1) * self.cluster])
        contiguous = layout == "contiguous"
        if not contiguous:
            for a, b in zip(clusters, clusters[1:] + [0xFFFFFFFF]):
                self.fat_set(a, b)
        name_entries = -(-len(name) // 15)
        stamp = (46 << 25) | (12 << 21) | (3 << 16) | (12 << 11)   # 2026-12-03 12:00:00
        entry = bytearray(struct.pack("<BBHHHIII", 0x85, 1 + name_entries, 0, 0x20, 0,
                                      stamp, stamp, stamp) + bytes(12))
        flags = 0x01 | (0x02 if contiguous else 0)
        size = len(data) if claim_size is None else claim_size
        valid = size if valid_length is None else valid_length
        stream = struct.pack("<BBBBHHQIIQ", 0xC0, flags, 0, len(name), self.name_hash(name), 0,
                             valid, 0, clusters[0] if clusters else 0, size)
        names = []
        for i in range(name_entries):
            part = name[15 * i:15 * i + 15].encode("utf-16-le")
            names.append(struct.pack("<BB", 0xC1, 0) + part + bytes(30 - len(part)))
        entries = [bytes(entry), stream] + names
        s = 0
        for k, e in enumerate(entries):
            for j, byte in enumerate(e):
                if k == 0 and j in (2, 3):
                    continue
                s = (((s & 1) << 15) | (s >> 1)) + byte & 0xFFFF
        if bad_checksum:
            s ^= 0x5A5A
        struct.pack_into("<H", entry, 2, s)
        entries[0] = bytes(entry)
        for off, e in zip(self.free_slots(len(entries)), entries):
            self.write(off, e)
        runs = sum(1 for a, b in zip(clusters, clusters[1:]) if b != a + 1) + (1 if clusters else 0)
        print(f"{name} first {clusters[0] if clusters else 0} clusters {len(clusters)} runs {runs}")

    def close(self):
        self.write(self.cluster_offset(self.bitmap_cluster), bytes(self.bitmap))
        used = sum(bin(b).count("1") for b in self.bitmap)
        self.write(112, bytes([used * 100 // self.count]))    # PercentInUse (not in the checksum)
        self.f.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("files", nargs="+", metavar="NAME=SOURCE")
    ap.add_argument("--layout", choices=("contiguous", "chain", "fragmented"), default="contiguous")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--bad-checksum", action="store_true")
    ap.add_argument("--valid-length", type=int)
    ap.add_argument("--claim-size", type=int)
    args = ap.parse_args()
    vol = Volume(args.image)
    for spec in args.files:
        name, _, src = spec.partition("=")
        with open(src, "rb") as f:
            vol.add(name, f.read(), args.layout, args.runs, args.bad_checksum, args.valid_length,
                    args.claim_size)
    vol.close()


if __name__ == "__main__":
    main()
