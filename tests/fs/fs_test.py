#!/usr/bin/env python3
"""Tests of the card's filesystem layer (firmware/fs/) over SD card images
built here with Debian tools: mkfs.fat + mtools for FAT32, mkfs.exfat +
tests/fs/exfat_add.py (checked by fsck.exfat) for exFAT, xorriso for the ISO.
build/fs/fs_probe_san (or $FS_PROBE) mounts each card as the firmware will
and reads every target back through its extents; the bytes must equal the
file's bytes as mtools (mcopy) or the exFAT builder's input has them.

usage: fs_test.py SCENARIO   (fs_test.py --list names them)"""
import os
import random
import re
import shutil
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build", "fs")
PROBE = os.environ.get("FS_PROBE", os.path.join(BUILD, "fs_probe_san"))
FUZZ = os.path.join(BUILD, "fs_fuzz")
MEDIA = os.path.join(BUILD, "media_probe_san")
EXFAT_ADD = os.path.join(ROOT, "tests", "fs", "exfat_add.py")
MIB = 1 << 20
# Fixed timestamps and serial numbers: the same card bytes on every run.
ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", SOURCE_DATE_EPOCH="1796299200")

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(cmd, ok=(0,), **kw):
    r = subprocess.run(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode not in ok:
        raise Failure(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}")
    return r.stdout


def data(seed, size):
    return random.Random(seed).randbytes(size)


def write(path, content):
    with open(path, "wb") as f:
        f.write(content)
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def patch(path, offset, content):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(content)


class Probe:
    """What fs_probe said about a card."""

    def __init__(self, card, work):
        self.dump = os.path.join(work, "dump")
        shutil.rmtree(self.dump, ignore_errors=True)
        os.makedirs(self.dump)
        self.out = run([PROBE, card, "--dump", self.dump])
        print(self.out)
        self.logs = [l[5:] for l in self.out.splitlines() if l.startswith("log: ")]
        self.mount = re.search(r"^mount: (.*)$", self.out, re.M).group(1)
        self.targets = {}
        for m in re.finditer(r"^target (\d) (\S+) kind (\S+) bs (\d+) blocks (\d+) ro (\d) extents (\d+)(.*)$",
                             self.out, re.M):
            self.targets[int(m.group(1))] = dict(name=m.group(2), kind=m.group(3), bs=int(m.group(4)),
                                                 blocks=int(m.group(5)), ro=int(m.group(6)),
                                                 extents=int(m.group(7)))
        v = re.search(r"^volume: (\S+) part_lba (\d+) clusters (\d+) cluster_sectors (\d+) data_lba (\d+)",
                      self.out, re.M)
        self.volume = v and dict(type=v.group(1), part_lba=int(v.group(2)), clusters=int(v.group(3)),
                                 cluster_sectors=int(v.group(4)), data_lba=int(v.group(5)))

    def log(self, pattern):
        check(any(re.search(pattern, l) for l in self.logs), f"no log line matches {pattern!r}")

    def bytes_of(self, tid):
        return read(os.path.join(self.dump, f"target{tid}.bin"))

    def expect(self, tid, name, kind, bs, content, extents=None):
        """Target tid serves content (cut to whole blocks) with these settings."""
        check(tid in self.targets, f"target {tid} ({name}) missing")
        t = self.targets[tid]
        check(t["name"] == name and t["kind"] == kind and t["bs"] == bs,
              f"target {tid}: {t}, expected {name} {kind} {bs}")
        check(t["blocks"] == len(content) // bs, f"target {tid}: {t['blocks']} blocks, file has {len(content)} bytes")
        if extents is not None:
            check(t["extents"] == extents, f"target {tid}: {t['extents']} extents, expected {extents}")
        got = self.bytes_of(tid)
        check(got == content[:t["blocks"] * bs], f"target {tid} ({name}): bytes read through the extents differ")


# ---- card builders ----

def fat32_card(work, size=64 * MIB, name="card.img", offset_sectors=0):
    card = os.path.join(work, name)
    if os.path.exists(card):
        os.remove(card)
    with open(card, "wb") as f:
        f.truncate(size)
    opts = ["--offset", str(offset_sectors)] if offset_sectors else []
    run(["mkfs.fat", "--invariant", "-F", "32", "-s", "1", "-n", "SOFTHBA"] + opts + [card] +
        ([str((size - offset_sectors * 512) // 1024)] if offset_sectors else []))
    return card


def mtarget(card, offset_sectors=0):
    return f"{card}@@{offset_sectors * 512}" if offset_sectors else card


def mcopy(card, src, name, offset_sectors=0):
    run(["mcopy", "-i", mtarget(card, offset_sectors), src, "::" + name])


def mcopy_out(card, name, work, offset_sectors=0):
    out = os.path.join(work, "mcopy.out")
    if os.path.exists(out):
        os.remove(out)
    run(["mcopy", "-n", "-i", mtarget(card, offset_sectors), "::" + name, out])
    return read(out)


def fsck_fat(path):
    run(["fsck.fat", "-n", path])


def fat_image(work, name, kib):
    """An HD image that is itself a FAT file system holding a file."""
    img = os.path.join(work, name)
    if os.path.exists(img):
        os.remove(img)
    run(["mkfs.fat", "--invariant", "-C", img, str(kib)])
    inner = write(os.path.join(work, name + ".inner"), data(name, 70000))
    run(["mcopy", "-i", img, inner, "::INNER.BIN"])
    return img


def iso_image(work):
    tree = os.path.join(work, "iso-tree")
    os.makedirs(tree, exist_ok=True)
    write(os.path.join(tree, "readme.txt"), b"softhba CD-ROM test\n")
    write(os.path.join(tree, "data.bin"), data("iso", 300000))
    iso = os.path.join(work, "cd.iso")
    run(["xorriso", "-as", "mkisofs", "-quiet", "-V", "SOFTHBA", "-o", iso, tree])
    return iso


def exfat_card(work, size=64 * MIB):
    card = os.path.join(work, "card.img")
    if os.path.exists(card):
        os.remove(card)
    with open(card, "wb") as f:
        f.truncate(size)
    run(["mkfs.exfat", "-L", "SOFTHBA", card])
    # mkfs.exfat picks the serial number from the clock: fix it, then the
    # boot checksum (exFAT 3.4) and the backup boot region (sectors 12-23).
    region = bytearray(read(card)[:12 * 512])
    struct.pack_into("<I", region, 100, 0x50F7B0A5)
    s = 0
    for i, byte in enumerate(region[:11 * 512]):
        if i not in (106, 107, 112):
            s = ((s >> 1) | ((s & 1) << 31)) + byte & 0xFFFFFFFF
    region[11 * 512:] = struct.pack("<I", s) * 128
    patch(card, 0, bytes(region) * 2)
    return card


def exfat_add(card, files, *opts):
    return run([sys.executable, EXFAT_ADD, card] + list(opts) + [f"{n}={p}" for n, p in files])


def mshowfat_runs(card, name):
    """[(first, last)] cluster runs of a file, as mtools sees them."""
    out = run(["mshowfat", "-i", card, "::" + name])
    return [(int(a), int(b or a)) for a, b in re.findall(r"<(\d+)(?:-(\d+))?>", out)]


def fat32_layout(card):
    b = read(card)[:512]
    bps, spc, rsvd, nfats = struct.unpack_from("<HBHB", b, 11)
    fatsz = struct.unpack_from("<I", b, 36)[0]
    return dict(fat=rsvd * bps, fatsz=fatsz * bps, nfats=nfats)


def set_fat_entry(card, cluster, value):
    lay = fat32_layout(card)
    for i in range(lay["nfats"]):
        patch(card, lay["fat"] + i * lay["fatsz"] + 4 * cluster, struct.pack("<I", value))


INI = b"""vendor = EARLY
; softhba.ini written by the test
# both comment styles
[target3]
type = removable
vendor = ACME
product = "Big Disk  "
revision = 2.1
[TARGET1]
readonly = yes
blocksize = 512
[target5]
blocksize = 2048
product = This name is far too long for SCSI
colour = blue
[target7]
vendor = NOPE
[target0]
readonly = maybe
just words
""" + b"x" * 90 + b"""
[disk1]
vendor = Y
"""
# The same file as Notepad writes it: byte-order mark, CR LF.
INI_DOS = b"\xef\xbb\xbf" + INI.replace(b"\n", b"\r\n")


def check_ini(p):
    check("ini: read ok, 8 bad lines" in p.out, "softhba.ini: expected 8 bad lines")
    check("ini 3: vendor=[ACME] product=[Big Disk  ] revision=[2.1] type=removable" in p.out, "ini target3")
    check("ini 1: readonly=1 blocksize=512" in p.out, "ini target1")
    check("ini 5: blocksize=2048\n" in p.out, "ini target5")
    check(not re.search(r"^ini [0246]", p.out, re.M), "settings only for targets 1, 3, 5")
    p.log(r"^softhba.ini:1: key outside a \[targetN\] section: 'vendor'$")
    p.log(r"^softhba.ini:14: product longer than 16 characters: 'This name is far too long for SCSI'$")
    p.log(r"^softhba.ini:15: unknown key 'colour'$")
    p.log(r"^softhba.ini:16: SCSI ID 7 is the card itself; targets are 0-6: 'target7'$")
    p.log(r"^softhba.ini:19: readonly is yes or no, not 'maybe'$")
    p.log(r"^softhba.ini:20: expected 'key = value', not 'just words'$")
    p.log(r"^softhba.ini:21: line longer than 80 characters$")
    p.log(r"^softhba.ini:22: unknown section \(target0 .. target6\): 'disk1'$")
    check(not any(re.match(r"softhba.ini:(17|23):", l) for l in p.logs), "a key under a refused section was reported")


# ---- scenarios ----

@scenario
def fat32_images(work):
    """Several images of each kind and block size on a FAT32 card, softhba.ini."""
    card = fat32_card(work)
    hd0 = fat_image(work, "hd0.img", 4096)
    files = {
        "HD0_512.img": read(hd0),
        "HD1_1024.hda": data(1, 3 * MIB),
        "Hd2_2048.Img": data(2, 2 * MIB + 100),       # mixed case: a long file name entry
        "HD3_4096.img": data(3, MIB),
        "CD4.iso": read(iso_image(work)),
        "hd5.IMG": data(5, 700 * 1024),
        "A long name that is not an image.txt": b"hello\n",
    }
    for name, content in files.items():
        mcopy(card, write(os.path.join(work, "src"), content), name)
    mcopy(card, write(os.path.join(work, "ini"), INI), "softhba.ini")
    p = Probe(card, work)
    check(p.mount == "ok" and p.volume["type"] == "fat32" and p.volume["part_lba"] == 0, "mount")
    check_ini(p)
    p.expect(0, "HD0_512.img", "disk", 512, files["HD0_512.img"], extents=1)
    p.expect(1, "HD1_1024.hda", "disk", 1024, files["HD1_1024.hda"])
    p.expect(2, "Hd2_2048.Img", "disk", 2048, files["Hd2_2048.Img"])
    p.expect(3, "HD3_4096.img", "removable", 4096, files["HD3_4096.img"])
    p.expect(4, "CD4.iso", "cdrom", 2048, files["CD4.iso"])
    p.expect(5, "hd5.IMG", "disk", 2048, files["hd5.IMG"])    # blocksize from softhba.ini
    check(p.targets[1]["ro"] == 1 and p.targets[4]["ro"] == 1 and p.targets[0]["ro"] == 0, "read-only flags")
    check(len(p.targets) == 6, "only six targets")
    for tid, name in [(0, "HD0_512.img"), (1, "HD1_1024.hda"), (2, "Hd2_2048.Img"), (4, "CD4.iso")]:
        t = p.targets[tid]
        check(p.bytes_of(tid) == mcopy_out(card, name, work)[:t["blocks"] * t["bs"]], f"{name}: differs from mcopy")
    p.log(r"^fs: Hd2_2048.Img: the last 100 bytes are not a whole block and are not used$")
    # The disk image read back is a FAT file system with its file intact.
    inner_fs = write(os.path.join(work, "hd0.back"), p.bytes_of(0))
    fsck_fat(inner_fs)
    check(mcopy_out(inner_fs, "INNER.BIN", work) == read(hd0 + ".inner"), "HD0's inner file")
    # The ISO read back is the ISO.
    check("readme.txt" in run(["xorriso", "-indev", write(os.path.join(work, "cd.back"), p.bytes_of(4)),
                               "-ls", "/"]).lower(), "the ISO read back lists its files")
    fsck_fat(card)


@scenario
def fat32_mbr(work):
    """An MBR card: a Linux partition first, then the FAT32 one at LBA 2048+."""
    start, linux = 4096, 2048
    card = fat32_card(work, offset_sectors=start)
    mbr = bytearray(512)
    struct.pack_into("<B3xB3xII", mbr, 446, 0, 0x83, linux, start - linux)
    struct.pack_into("<B3xB3xII", mbr, 462, 0, 0x0C, start, 64 * MIB // 512 - start)
    mbr[510:512] = b"\x55\xaa"
    patch(card, 0, bytes(mbr))
    img = data("mbr", 1500000)
    mcopy(card, write(os.path.join(work, "src"), img), "HD6.hda", start)
    p = Probe(card, work)
    check(p.mount == "ok" and p.volume["part_lba"] == start, "mounted the second partition")
    p.log(r"^fs: partition 1 \(type 0x83\): not FAT32 or exFAT$")
    p.expect(6, "HD6.hda", "disk", 512, img, extents=1)
    check(p.bytes_of(6) == mcopy_out(card, "HD6.hda", work, start)[:len(p.bytes_of(6))], "mcopy view")


@scenario
def fat32_fragmented(work):
    """Images in the holes left by deleted files: split into extents, or too many."""
    card = fat32_card(work)
    hole = write(os.path.join(work, "hole"), data("hole", 4096))
    for i in range(60):
        mcopy(card, hole, f"F{i:02d}.BIN")
    for i in range(0, 60, 2):
        run(["mdel", "-i", card, f"::F{i:02d}.BIN"])
    patch(card, 512 + 492, struct.pack("<I", 2))   # FSInfo next-free hint: mtools fills the holes
    small = data("frag", 10 * 4096 + 1500)          # 5 holes of 8 clusters and 3 of the 6th
    mcopy(card, write(os.path.join(work, "src"), small), "HD1.img")
    blocks = data("blocks", 8 * 2048)                # 5 clusters, then whole holes: splits inside blocks
    mcopy(card, write(os.path.join(work, "src"), blocks), "HD3_2048.img")
    big = data("big", 25 * 4096)                     # needs more than 16 holes
    mcopy(card, write(os.path.join(work, "src"), big), "HD2.img")
    runs1, runs2, runs3 = (mshowfat_runs(card, n) for n in ("HD1.img", "HD2.img", "HD3_2048.img"))
    check(len(runs1) > 1 and len(runs2) > 16, f"mtools did not fragment: {runs1} {runs2}")
    check(runs3[0][1] - runs3[0][0] + 1 == 5, f"HD3's first run is not 5 clusters: {runs3}")
    fsck_fat(card)
    p = Probe(card, work)
    p.expect(1, "HD1.img", "disk", 512, small, extents=len(runs1))
    p.expect(3, "HD3_2048.img", "disk", 2048, blocks, extents=len(runs3))
    p.log(r"^fs: HD2.img: refused: too fragmented \(more than 16 extents\)$")
    check(2 not in p.targets, "HD2 refused")


@scenario
def fat32_names(work):
    """Bad IDs, bad block sizes, duplicate IDs, names that are not images."""
    card = fat32_card(work)
    src = write(os.path.join(work, "src"), data("names", 64 * 1024))
    for name in ["HD7.img", "HD9.img", "HDx.img", "HD12.img", "HD.img", "HD1_300.img", "HD1_256.img",
                 "HD1_.img", "HD1_5x2.hda", "CD2_512.iso", "HD3.img", "HD3_1024.hda", "cd3.ISO",
                 "HD4.txt", "notes.txt", "CD5_2048.iso"]:
        mcopy(card, src, name)
    run(["mmd", "-i", card, "::HD6.img"])               # a directory, not an image
    p = Probe(card, work)
    for name in ["HD7.img", "HD9.img", "HDx.img", "HD12.img", "HD.img"]:
        p.log(rf"^fs: {re.escape(name)}: bad SCSI ID \(0-6; 7 is the card\): refused$")
    for name in ["HD1_300.img", "HD1_256.img", "HD1_.img", "HD1_5x2.hda"]:
        p.log(rf"^fs: {re.escape(name)}: block size not 512, 1024, 2048 or 4096: refused$")
    p.log(r"^fs: CD2_512.iso: a CD-ROM image has 2048-byte blocks: refused$")
    p.log(r"^fs: HD3_1024.hda: SCSI ID 3 already taken by HD3.img: refused$")
    p.log(r"^fs: cd3.ISO: SCSI ID 3 already taken by HD3.img: refused$")
    check(sorted(p.targets) == [3, 5], f"targets {sorted(p.targets)}")
    p.expect(3, "HD3.img", "disk", 512, read(src))
    p.expect(5, "CD5_2048.iso", "cdrom", 2048, read(src))
    check(not any("HD4.txt" in l or "notes" in l or "HD6" in l for l in p.logs), "non-images are ignored quietly")


@scenario
def fat32_lfn_checksum(work):
    """A long-name entry whose checksum does not fit its 8.3 entry is not used."""
    card = fat32_card(work)
    mcopy(card, write(os.path.join(work, "src"), data("lfn", 8192)), "Hd4_1024.Img")
    raw = read(card)
    p = Probe(card, work)
    check(p.targets[4]["name"] == "Hd4_1024.Img", "long name used")
    root = p.volume["data_lba"] * 512          # root directory: cluster 2
    lfn = raw.index(b"H\x00d\x004\x00", root) - 1
    check(raw[lfn + 11] == 0x0F, "found the long-name entry")
    patch(card, lfn + 13, bytes([raw[lfn + 13] ^ 0xFF]))
    p = Probe(card, work)
    check(p.targets[4]["name"] == "HD4_1024.IMG", f"8.3 name expected, got {p.targets[4]['name']}")


@scenario
def fat32_corrupt_fat(work):
    """Chains that end early, go on, leave the data area, loop, or cross-link."""
    card = fat32_card(work)
    for i in range(7):
        mcopy(card, write(os.path.join(work, "src"), data(i, 8 * 512)), f"HD{i}.img")
    run_of = {i: mshowfat_runs(card, f"HD{i}.img") for i in range(7)}
    check(all(r == [(r[0][0], r[0][0] + 7)] for r in run_of.values()), f"8-cluster files: {run_of}")
    first = {i: run_of[i][0][0] for i in range(7)}
    set_fat_entry(card, first[0] + 3, 0x0FFFFFFF)         # ends after 4 clusters
    set_fat_entry(card, first[1] + 7, 60000)              # goes on past the size
    set_fat_entry(card, first[2] + 2, 0)                  # a free cluster in the chain
    set_fat_entry(card, first[3] + 5, first[3] + 1)       # loops back
    set_fat_entry(card, first[4] + 1, 0x0FFFFFF7)         # a bad cluster
    set_fat_entry(card, first[5] + 4, 0x0FFFFFF0)         # past the last cluster
    # HD6's directory entry points into HD5's chain
    raw = read(card)
    ent = raw.index(b"HD6     IMG")
    patch(card, ent + 26, struct.pack("<H", first[5] & 0xFFFF))
    patch(card, ent + 20, struct.pack("<H", first[5] >> 16))
    set_fat_entry(card, first[5] + 4, first[5] + 5)       # HD5 repaired: HD6 now shares it
    p = Probe(card, work)
    p.log(r"^fs: HD0.img: refused: cluster chain ends before the file \(corrupt FAT\)$")
    p.log(r"^fs: HD1.img: refused: cluster chain longer than the file \(corrupt FAT\)$")
    p.log(r"^fs: HD2.img: refused: cluster chain points outside the data area \(corrupt FAT\)$")
    p.log(r"^fs: HD3.img: refused: cluster chain loops \(corrupt FAT\)$")
    p.log(r"^fs: HD4.img: refused: cluster chain points outside the data area \(corrupt FAT\)$")
    p.log(r"^fs: HD6.img: refused: shares clusters with another image or softhba.log \(corrupt FAT\)$")
    check(sorted(p.targets) == [5], f"only HD5 survives: {sorted(p.targets)}")
    p.expect(5, "HD5.img", "disk", 512, data(5, 8 * 512))
    set_fat_entry(card, first[5] + 4, 0x0FFFFFF0)
    p = Probe(card, work)
    p.log(r"^fs: HD5.img: refused: cluster chain points outside the data area \(corrupt FAT\)$")
    # HD6's entry now names the root directory's cluster (2) as a one-cluster file.
    patch(card, ent + 26, struct.pack("<H", 2))
    patch(card, ent + 20, struct.pack("<H", 0))
    patch(card, ent + 28, struct.pack("<I", 512))
    p = Probe(card, work)
    p.log(r"^fs: HD6.img: refused: shares clusters with the file system's own structures \(corrupt FAT\)$")


@scenario
def fat32_beyond_card(work):
    """A card smaller than its file system: an image past the card's end is refused."""
    card = fat32_card(work)
    early = data("early", 200000)
    mcopy(card, write(os.path.join(work, "src"), early), "HD0.img")
    mcopy(card, write(os.path.join(work, "src"), data("fill", 40 * MIB)), "FILL.BIN")
    mcopy(card, write(os.path.join(work, "src"), data("late", 4 * MIB)), "HD1.img")
    last = mshowfat_runs(card, "HD1.img")[-1][1]
    p = Probe(card, work)
    check(1 in p.targets, "HD1 present on the whole card")
    cut = (p.volume["data_lba"] + last - 2 - 100) * 512      # 100 clusters before HD1's end
    with open(card, "r+b") as f:
        f.truncate(cut)
    p = Probe(card, work)
    p.log(r"^fs: the volume is larger than the card \(\d+ blocks\): files past its end are refused$")
    p.log(r"^fs: HD1.img: refused: clusters past the end of the card$")
    p.expect(0, "HD0.img", "disk", 512, early)


@scenario
def fat32_bpb(work):
    """Each inconsistency of a FAT32 boot sector has its own error."""
    clean = fat32_card(work, name="clean.img")
    cases = [
        (510, b"\x00\x00", "bad boot sector signature"),
        (11, struct.pack("<H", 1024), "bytes per sector is not 512"),
        (13, b"\x03", "bad sectors per cluster"),
        (13, b"\x00", "bad sectors per cluster"),
        (14, struct.pack("<H", 0), "bad reserved sector count"),
        (16, b"\x03", "bad number of FATs"),
        (16, b"\x00", "bad number of FATs"),
        (22, struct.pack("<H", 200), r"FAT12/FAT16 volume \(not supported\)"),
        (17, struct.pack("<H", 512), "FAT32 with a fixed root directory"),
        (19, struct.pack("<H", 5000), "bad total sector count"),
        (32, struct.pack("<I", 0), "bad total sector count"),
        (32, struct.pack("<I", 60000), "cluster count out of range for the type"),
        (36, struct.pack("<I", 100), "bad FAT size"),
        (42, struct.pack("<H", 1), "unknown file system version"),
        (44, struct.pack("<I", 1), "root directory cluster outside the data area"),
        (44, struct.pack("<I", 10000000), "root directory cluster outside the data area"),
        (40, struct.pack("<H", 0x83), "bad number of FATs"),            # active FAT 3 of 2
    ]
    for off, content, err in cases:
        card = os.path.join(work, "card.img")
        shutil.copyfile(clean, card)
        patch(card, off, content)
        p = Probe(card, work)
        check(re.fullmatch(err, p.mount), f"offset {off} = {content.hex()}: mount says {p.mount!r}, want {err!r}")
        p.log(rf"^fs: FAT volume at LBA 0 refused: {err}$")
    # A FAT16 volume is named and not used; the card then has no file system.
    card = os.path.join(work, "card.img")
    os.remove(card)
    with open(card, "wb") as f:
        f.truncate(64 * MIB)
    run(["mkfs.fat", "--invariant", "-F", "16", card])
    p = Probe(card, work)
    check(p.mount == r"FAT12/FAT16 volume (not supported)", p.mount)


@scenario
def no_filesystem(work):
    """Blank, random and non-FAT partitioned cards: 'no filesystem' (raw disk)."""
    card = os.path.join(work, "card.img")
    write(card, bytes(4 * MIB))
    for label, content in [("blank", None), ("random", data("raw", 4 * MIB))]:
        if content:
            write(card, content)
        p = Probe(card, work)
        check(p.mount == "no filesystem", f"{label}: {p.mount}")
        p.log(r"^fs: no filesystem: the card is one raw disk$")
    mbr = bytearray(512)
    struct.pack_into("<B3xB3xII", mbr, 446, 0, 0x83, 2048, 4096)
    mbr[510:512] = b"\x55\xaa"
    write(card, bytes(mbr) + bytes(4 * MIB))
    p = Probe(card, work)
    check(p.mount == "no filesystem", f"linux partition: {p.mount}")
    p.log(r"^fs: partition 1 \(type 0x83\): not FAT32 or exFAT$")
    struct.pack_into("<B3xB3xII", mbr, 446, 0, 0xEE, 1, 8191)
    write(card, bytes(mbr) + bytes(4 * MIB))
    p = Probe(card, work)
    check(p.mount == "no filesystem", f"GPT: {p.mount}")
    p.log(r"^fs: GPT partition table \(not supported\)$")


@scenario
def exfat_images(work):
    """exFAT: contiguous (NoFatChain), FAT-chained and fragmented images, ini."""
    card = exfat_card(work)
    hd0 = fat_image(work, "hd0.img", 3072)
    files = {
        "HD0_512.img": read(hd0),
        "HD1_1024.hda": data(11, 3 * MIB + 512),
        "hd2_2048.IMG": data(12, 2 * MIB),
        "HD3_4096.img": data(13, MIB),
        "CD4.iso": read(iso_image(work)),
        "HD5.img": data(15, 100000),
        "HD6.img": data(16, 300000),
    }
    srcs = {n: write(os.path.join(work, f"src-{n}"), c) for n, c in files.items()}
    exfat_add(card, [("HD0_512.img", srcs["HD0_512.img"]), ("CD4.iso", srcs["CD4.iso"]),
                     ("softhba.ini", write(os.path.join(work, "ini"), INI_DOS))])
    exfat_add(card, [("HD1_1024.hda", srcs["HD1_1024.hda"])], "--layout", "chain")
    exfat_add(card, [("hd2_2048.IMG", srcs["hd2_2048.IMG"])], "--layout", "fragmented", "--runs", "5")
    exfat_add(card, [("HD3_4096.img", srcs["HD3_4096.img"])], "--layout", "fragmented", "--runs", "40")
    exfat_add(card, [("HD6.img", srcs["HD6.img"])], "--valid-length", "4096")
    run(["fsck.exfat", "-n", card])
    exfat_add(card, [("HD5.img", srcs["HD5.img"])], "--bad-checksum")    # fsck.exfat rightly objects
    # An entry claiming 2 TiB + 512 bytes: more 512-byte blocks than 32 bits number.
    small = write(os.path.join(work, "small"), data(17, 4096))
    exfat_add(card, [("HD5_512.img", small)], "--claim-size", str((1 << 41) + 512))
    p = Probe(card, work)
    check(p.mount == "ok" and p.volume["type"] == "exfat", "mount")
    check_ini(p)
    p.expect(0, "HD0_512.img", "disk", 512, files["HD0_512.img"], extents=1)
    p.expect(1, "HD1_1024.hda", "disk", 1024, files["HD1_1024.hda"], extents=1)
    p.expect(2, "hd2_2048.IMG", "disk", 2048, files["hd2_2048.IMG"], extents=5)
    p.expect(4, "CD4.iso", "cdrom", 2048, files["CD4.iso"], extents=1)
    p.log(r"^fs: HD3_4096.img: refused: too fragmented \(more than 16 extents\)$")
    p.log(r"^fs: exFAT entry set with a bad checksum or layout skipped: HD5.img$")
    p.log(r"^fs: HD6.img: refused: valid data length below the file size$")
    p.log(r"^fs: HD5_512.img: refused: too large for 32-bit block addresses$")
    check(sorted(p.targets) == [0, 1, 2, 4], f"targets {sorted(p.targets)}")
    inner_fs = write(os.path.join(work, "hd0.back"), p.bytes_of(0))
    fsck_fat(inner_fs)
    check(mcopy_out(inner_fs, "INNER.BIN", work) == read(hd0 + ".inner"), "HD0's inner file")


@scenario
def exfat_corrupt(work):
    """exFAT boot sector errors, the boot checksum, a broken FAT chain, a short card."""
    clean = os.path.join(work, "clean.img")
    card = exfat_card(work)
    exfat_add(card, [("HD0.img", write(os.path.join(work, "a"), data("x0", 64 * 1024)))], "--layout", "chain")
    exfat_add(card, [("HD1.img", write(os.path.join(work, "b"), data("x1", 64 * 1024)))])
    run(["fsck.exfat", "-n", card])
    # 2 TiB + 512 bytes in 4096-byte blocks: 2^29 blocks, but more sectors than 32 bits number.
    exfat_add(card, [("HD2_4096.img", write(os.path.join(work, "c"), data("x2", 4096)))],
              "--claim-size", str((1 << 41) + 512))
    os.replace(card, clean)
    cases = [
        (510, b"\x00\x00", "bad boot sector signature"),
        (20, b"\x01", "bad boot sector signature"),          # MustBeZero
        (108, b"\x0a", "bytes per sector is not 512"),
        (109, b"\x11", "bad sectors per cluster"),
        (110, b"\x03", "bad number of FATs"),
        (105, b"\x02", "unknown file system version"),
        (72, struct.pack("<Q", 1 << 40), "bad total sector count"),
        (80, struct.pack("<I", 8), "bad reserved sector count"),
        (84, struct.pack("<I", 1), "bad FAT size"),
        (88, struct.pack("<I", 100), "exFAT regions overlap or leave the volume"),
        (92, None, "cluster count out of range for the type"),     # one more than the heap holds
        (96, struct.pack("<I", 1), "root directory cluster outside the data area"),
        (100, b"\x42", "exFAT boot checksum wrong"),         # VolumeSerialNumber
        (512 * 9 + 7, b"\x42", "exFAT boot checksum wrong"),  # an OEM parameter sector
    ]
    boot = read(clean)[:512]
    vol_len, = struct.unpack_from("<Q", boot, 72)
    heap_off, = struct.unpack_from("<I", boot, 88)
    too_many = ((vol_len - heap_off) >> boot[109]) + 1
    for off, content, err in cases:
        shutil.copyfile(clean, card)
        patch(card, off, content or struct.pack("<I", too_many))
        p = Probe(card, work)
        check(re.fullmatch(err, p.mount), f"offset {off}: mount says {p.mount!r}, want {err!r}")
        p.log(rf"^fs: exFAT volume at LBA 0 refused: {err}$")
    # VolumeFlags and PercentInUse are outside the checksum.
    shutil.copyfile(clean, card)
    patch(card, 112, b"\x63")
    check(Probe(card, work).mount == "ok", "PercentInUse is not checksummed")
    # A FAT entry of HD0's chain ends it early.
    shutil.copyfile(clean, card)
    p = Probe(card, work)
    check(sorted(p.targets) == [0, 1], "both images on the clean card")
    p.log(r"^fs: HD2_4096.img: refused: too large for 32-bit block addresses$")
    boot = read(card)[:512]
    fat_off, _, heap_off = struct.unpack_from("<III", boot, 80)
    spc = 1 << boot[109]
    lba0 = int(re.search(r"^target 0 .* extents 1 (\d+)\+", p.out, re.M).group(1))
    c0 = (lba0 - heap_off) // spc + 2
    patch(card, fat_off * 512 + 4 * (c0 + 2), struct.pack("<I", 0xFFFFFFFF))
    p = Probe(card, work)
    p.log(r"^fs: HD0.img: refused: cluster chain ends before the file \(corrupt FAT\)$")
    check(sorted(p.targets) == [1], "HD1 still served")
    p.expect(1, "HD1.img", "disk", 512, data("x1", 64 * 1024))
    # HD0's chain ends in the allocation bitmap's (one) cluster instead.
    sys.path.insert(0, os.path.dirname(EXFAT_ADD))
    from exfat_add import Volume     # pylint: disable=import-outside-toplevel
    vol = Volume(card)
    bitmap, bitmap_bytes = vol.bitmap_cluster, vol.bitmap_len
    vol.f.close()
    check(bitmap_bytes <= 1 << (9 + spc.bit_length() - 1), "a one-cluster bitmap")
    patch(card, fat_off * 512 + 4 * (c0 + 2), struct.pack("<I", c0 + 3))
    patch(card, fat_off * 512 + 4 * (c0 + 14), struct.pack("<I", bitmap))
    p = Probe(card, work)
    p.log(r"^fs: HD0.img: refused: shares clusters with the file system's own structures \(corrupt FAT\)$")


def fuzz(card, rounds, seed, images):
    out = run([FUZZ, card, str(rounds), str(seed)])
    print(out)
    m = re.search(r"(\d+) mounted, (\d+) targets served", out)
    mounted, served = int(m.group(1)), int(m.group(2))
    # The corruption must reach both outcomes, or the test proves nothing.
    check(0 < mounted < rounds, f"{mounted} of {rounds} corrupted cards mounted")
    check(0 < served < mounted * images, f"{served} targets served on {mounted} cards of {images} images")


@scenario
def fuzz_fat32(work):
    """Fixed-seed random corruption of a FAT32 card's metadata (ASan + UBSan)."""
    card = fat32_card(work, size=40 * MIB)
    mcopy(card, write(os.path.join(work, "ini"), INI), "softhba.ini")
    for i, bs in enumerate([512, 1024, 2048]):
        mcopy(card, write(os.path.join(work, "src"), data(i, 300000)), f"HD{i}_{bs}.img")
    mcopy(card, write(os.path.join(work, "src"), data(9, 100000)), "CD5.iso")
    mcopy(card, write(os.path.join(work, "src"), data(8, 50000)), "HD9.img")
    fuzz(card, 3000, 1, 5)


@scenario
def fuzz_exfat(work):
    """Fixed-seed random corruption of an exFAT card's metadata (ASan + UBSan)."""
    card = exfat_card(work, size=16 * MIB)
    exfat_add(card, [("softhba.ini", write(os.path.join(work, "ini"), INI)),
                     ("HD0.img", write(os.path.join(work, "a"), data(0, 300000)))])
    exfat_add(card, [("HD1_1024.img", write(os.path.join(work, "b"), data(1, 300000)))], "--layout", "chain")
    exfat_add(card, [("CD2.iso", write(os.path.join(work, "c"), data(2, 200000)))],
              "--layout", "fragmented", "--runs", "6")
    fuzz(card, 3000, 2, 3)


# ---- the card firmware's set-up (firmware/card/media.c) over a writable card ----

class Media:
    """What media_probe said and did."""

    def __init__(self, card, *args, ok=(0,)):
        self.out = run([MEDIA, card] + [str(a) for a in args], ok=ok)
        print(self.out)
        self.logs = [l[5:] for l in self.out.splitlines() if l.startswith("log: ")]
        self.raw = re.search(r"^raw: (\d)", self.out, re.M).group(1) == "1"
        self.targets = {}
        for m in re.finditer(r"^target (\d) (\S+) kind (\S+) bs (\d+) blocks (\d+) ro (\d) extents \d+(.*)$",
                             self.out, re.M):
            self.targets[int(m.group(1))] = dict(name=m.group(2), kind=m.group(3), bs=int(m.group(4)),
                                                 blocks=int(m.group(5)), extents=runs_of(m.group(7)))
        m = re.search(r"^logfile: sectors (\d+) cur (\d+) extents(.*)$", self.out, re.M)
        self.logfile = m and dict(sectors=int(m.group(1)), extents=runs_of(m.group(3)))

    def log(self, pattern):
        check(any(re.search(pattern, l) for l in self.logs), f"no log line matches {pattern!r}")

    def owned(self):
        """Card sectors the images and softhba.log own."""
        sectors = set()
        for t in self.targets.values():
            for lba, n in t["extents"]:
                sectors.update(range(lba, lba + n))
        for lba, n in (self.logfile or {}).get("extents", []):
            sectors.update(range(lba, lba + n))
        return sectors


def runs_of(text):
    return [(int(a), int(b)) for a, b in re.findall(r"(\d+)\+(\d+)", text)]


def same_outside(before, after, owned):
    """The card's bytes outside the owned sectors are unchanged."""
    check(len(before) == len(after), "card size changed")
    for s in range(len(before) // 512):
        if s not in owned and before[s * 512:(s + 1) * 512] != after[s * 512:(s + 1) * 512]:
            raise Failure(f"sector {s} outside every image and softhba.log changed")


def log_text(content):
    """softhba.log's text: the runs between NUL bytes, newest last (the run
    before the hole is the newest; a wrapped log has older text after it)."""
    runs = [r for r in content.split(b"\0") if r]
    return [r.decode() for r in runs]


def media_card(work, exfat=False):
    card = exfat_card(work) if exfat else fat32_card(work)
    hd0 = fat_image(work, "hd0.img", 4096)
    files = {
        "HD0.img": read(hd0),
        "HD1_1024.hda": data("m1", 2 * MIB + 3072),
        "HD2_2048.img": data("m2", MIB),
        "CD3.iso": read(iso_image(work)),
    }
    srcs = [(n, write(os.path.join(work, "src-" + n), c)) for n, c in files.items()]
    srcs.append(("softhba.log", write(os.path.join(work, "log0"), bytes(32768))))
    if exfat:
        exfat_add(card, srcs)
    else:
        for n, src in srcs:
            mcopy(card, src, n)
    return card, hd0, files


def media_round_trip(work, exfat):
    card, hd0, files = media_card(work, exfat)
    before = read(card)
    args = []
    for tid, name in enumerate(files):
        args += ["--read", tid, os.path.join(work, f"back{tid}")]
    new1 = data("m1-new", len(files["HD1_1024.hda"]))
    args += ["--write", 1, write(os.path.join(work, "new1"), new1), "--log", "test: after the write"]
    m = Media(card, *args)
    check(not m.raw and sorted(m.targets) == [0, 1, 2, 3], f"targets {sorted(m.targets)}")
    check(m.targets[3]["kind"] == "cdrom" and m.targets[3]["bs"] == 2048, "CD3 is a CD-ROM")
    check(m.logfile is not None, "softhba.log not opened")
    for tid, name in enumerate(files):
        bs = m.targets[tid]["bs"]
        want = files[name][:len(files[name]) // bs * bs]
        check(read(os.path.join(work, f"back{tid}")) == want, f"target {tid} ({name}) read back differs")
    after = read(card)
    same_outside(before, after, m.owned())
    # the HD image holding a FAT file system: it and the card pass fsck, its
    # file round-trips; the image written through the extents is the file
    inner = write(os.path.join(work, "hd0.back"), read(os.path.join(work, "back0")))
    fsck_fat(inner)
    check(mcopy_out(inner, "INNER.BIN", work) == read(hd0 + ".inner"), "HD0's inner file")
    if exfat:
        run(["fsck.exfat", "-n", card])
        check(after[m.targets[1]["extents"][0][0] * 512:][:len(new1)] == new1, "HD1 written")
    else:
        fsck_fat(card)
        check(mcopy_out(card, "HD1_1024.hda", work) == new1, "HD1 on the card after the write")
        text = "".join(log_text(mcopy_out(card, "softhba.log", work)))
        for line in ("card: mount, SD card of", "fs: target 1: HD1_1024.hda, disk, 2051 blocks of 1024 bytes",
                     "fs: target 3: CD3.iso, CD-ROM (read-only), ", "test: after the write"):
            check(line in text, f"softhba.log lacks {line!r}:\n{text}")
    # a second power-on appends after the first one's text
    Media(card, "--log", "test: second boot")
    after2 = read(card)
    same_outside(after, after2, m.owned())
    lo = sorted(m.logfile["extents"])[0][0] * 512
    content = b"".join(after2[lba * 512:(lba + n) * 512] for lba, n in m.logfile["extents"])
    runs = log_text(content[:32768])
    check(len(runs) == 1 and runs[0].count("card: mount") == 2 and runs[0].endswith("test: second boot\n"),
          f"softhba.log after two boots: {runs}")
    check(lo > 0, "log extents")


@scenario
def media_fat32(work):
    """The firmware's set-up on FAT32: targets read back, a write lands in the file, softhba.log appended, fsck clean."""
    media_round_trip(work, exfat=False)


@scenario
def media_exfat(work):
    """The same on exFAT (fsck.exfat clean after the writes)."""
    media_round_trip(work, exfat=True)


@scenario
def media_log_wrap(work):
    """softhba.log wraps inside its clusters; the newest line is found again after a reboot."""
    card = fat32_card(work)
    mcopy(card, write(os.path.join(work, "hd"), data("w", 64 * 1024)), "HD0.img")
    mcopy(card, write(os.path.join(work, "log0"), bytes(2048)), "softhba.log")   # 4 sectors
    before = read(card)
    args = []
    for i in range(60):
        args += ["--log", f"test: line {i:02d} " + "x" * 40]
    m = Media(card, *args)
    check(m.logfile["sectors"] == 4, "log of 4 sectors")
    same_outside(before, read(card), m.owned())
    runs = log_text(mcopy_out(card, "softhba.log", work))
    check(runs[0].rstrip().endswith("test: line 59 " + "x" * 40), f"newest text first after the wrap: {runs}")
    Media(card, "--log", "test: after reboot")
    runs = log_text(mcopy_out(card, "softhba.log", work))
    check("test: line 59" in runs[0] and runs[0].endswith("test: after reboot\n"),
          f"the reboot did not go on after the newest line: {runs}")
    fsck_fat(card)


@scenario
def media_raw(work):
    """No file system, or no image on it: the whole card is target 0; a FAT card's softhba.log is not written after mount."""
    blank = os.path.join(work, "blank.img")
    write(blank, data("blank", 4 * MIB))
    m = Media(blank, "--read", 0, os.path.join(work, "back"), "--log", "test: raw")
    check(m.raw and list(m.targets) == [0] and m.targets[0]["blocks"] == 8192, "blank card: one raw disk")
    check(read(os.path.join(work, "back")) == read(blank), "raw read-back")
    card = fat32_card(work)
    mcopy(card, write(os.path.join(work, "log0"), bytes(4096)), "softhba.log")
    mcopy(card, write(os.path.join(work, "notes"), b"notes\n"), "notes.txt")
    m = Media(card, "--log", "test: while raw")
    check(m.raw and m.targets[0]["blocks"] == 64 * MIB // 512, "FAT card without images: one raw disk")
    text = "".join(log_text(mcopy_out(card, "softhba.log", work)))
    check("mount: no image files: the card is one raw disk" in text, f"mount lines in softhba.log: {text!r}")
    check("test: while raw" not in text, "softhba.log written while the host owns the raw card")
    fsck_fat(card)


@scenario
def media_log_refused(work):
    """A fragmented or cross-linked softhba.log is not used; a log that cannot be written loses lines, never the card."""
    card = fat32_card(work)
    hd = data("r", 64 * 1024)
    mcopy(card, write(os.path.join(work, "hd"), hd), "HD0.img")
    mcopy(card, write(os.path.join(work, "log0"), bytes(4096)), "softhba.log")
    before = read(card)
    m = Media(card, "--fail-writes-after", 0, "--log", "test: lost")
    check("write errors 2" in m.out or "write errors 1" in m.out, "failed log writes counted")
    check(read(card) == before, "a failed write changed the card")
    # softhba.log's chain through HD0's clusters: the image is refused, not written over
    runs = mshowfat_runs(card, "softhba.log")
    hd_runs = mshowfat_runs(card, "HD0.img")
    set_fat_entry(card, runs[0][1], hd_runs[0][0])        # log's last cluster -> HD0's first
    m = Media(card, ok=(0,))
    check(0 not in m.targets or m.logfile is None, "a cross-linked image and log both in use")
    check(any("corrupt FAT" in l for l in m.logs), "no log line for the cross-link")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        names = "\n  ".join(f"{n}: {f.__doc__}" for n, f in SCENARIOS.items())
        print(f"usage: fs_test.py SCENARIO\n  {names}")
        sys.exit(0 if sys.argv[1:] == ["--list"] else 2)
    name = sys.argv[1]
    work = os.path.join(BUILD, "work", name + ("-plain" if "FS_PROBE" in os.environ else ""))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        SCENARIOS[name](work)
    except Failure as e:
        print(f"fs_test {name}: FAIL: {e}")
        sys.exit(1)
    print(f"fs_test {name}: ok")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
