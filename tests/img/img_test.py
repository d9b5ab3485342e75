#!/usr/bin/env python3
"""Disk and CD-ROM images as files on the SD card, end to end: cards built
here with Debian tools (mkfs.fat + mtools, mkfs.exfat + tests/fs/exfat_add.py,
xorriso), served by the co-simulated card running the real firmware, read
and written through the shipped miniport by softhba-sim (--sd CARD --target
N).  Every target must read back byte-identical to its file, writes must land
in the file and nowhere else (the card is compared outside the image files'
and softhba.log's clusters before and after), the card's own file system and
a FAT file system inside an image must pass fsck, and each refused image or
SD fault must leave a clear line in softhba.log / on the console.

usage: img_test.py SCENARIO   (img_test.py --list names them)"""
import os
import re
import shutil
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "fs"))
import fs_test as fs  # noqa: E402  (the card builders of the filesystem tests)
from fs_test import Failure, check, data, read, write, MIB  # noqa: E402

SIM = os.environ.get("SIM", os.path.join(ROOT, "build", "sim", "softhba-sim"))
MEDIA = os.path.join(ROOT, "build", "fs", "media_probe_san")
LIMIT = ["--max-time-ms", os.environ.get("E2E_MAX_TIME_MS", "60000")]
SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


class Sim:
    """One softhba-sim run on a card."""

    def __init__(self, work, card, *args, status=0):
        self.console = os.path.join(work, "console.txt")
        cmd = [SIM, "--sd", card, "--console", self.console] + LIMIT + [str(a) for a in args]
        r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out, self.err = r.stdout, r.stderr
        self.log = read(self.console).decode(errors="replace") if os.path.exists(self.console) else ""
        if r.returncode != status:
            raise Failure(f"{' '.join(cmd)} exited {r.returncode}, expected {status}\n--- stdout\n{self.out}"
                          f"--- stderr\n{self.err}--- console\n{self.log}")

    def targets(self):
        """ls: {id: (NT name, type, media, vendor, product, rev, block, blocks)} of the ready ones"""
        t = {}
        for m in re.finditer(r"^(\d)  (\S+) +(\S+) +(\S+) +(\S+) +(.+?) +(\S+) +(\d+) +(\d+) +[\d.]+ MiB$",
                             self.out, re.M):
            t[int(m.group(1))] = dict(name=m.group(2), type=m.group(3), media=m.group(4), vendor=m.group(5),
                                      product=m.group(6), rev=m.group(7), bs=int(m.group(8)),
                                      blocks=int(m.group(9)))
        return t

    def console_has(self, pattern):
        check(re.search(pattern, self.log, re.M), f"no console line matches {pattern!r}:\n{self.log}")


# ---- which card sectors belong to files (mtools' view, not the firmware's) ----

def fat32_sectors(card, names):
    b = read(card)[:512]
    spc = b[13]
    rsvd, nfats = struct.unpack_from("<HB", b, 14)
    fatsz = struct.unpack_from("<I", b, 36)[0]
    data_lba = rsvd + nfats * fatsz
    owned = set()
    for name in names:
        for first, last in fs.mshowfat_runs(card, name):
            owned.update(range(data_lba + (first - 2) * spc, data_lba + (last - 1) * spc))
    return owned


def media_sectors(card):
    """The sectors the firmware's own set-up maps (exFAT: no mtools)."""
    out = subprocess.run([MEDIA, card], stdout=subprocess.PIPE, text=True, check=True).stdout
    owned = set()
    for lba, n in re.findall(r" (\d+)\+(\d+)", "\n".join(l for l in out.splitlines()
                                                          if l.startswith(("target", "logfile")))):
        owned.update(range(int(lba), int(lba) + int(n)))
    return owned


def same_outside(before, after, owned):
    check(len(before) == len(after), "the card changed size")
    for s in range(len(before) // 512):
        if s not in owned and before[s * 512:(s + 1) * 512] != after[s * 512:(s + 1) * 512]:
            raise Failure(f"card sector {s}, outside every image and softhba.log, changed")


def log_text(card, work):
    return b"".join(r for r in fs.mcopy_out(card, "softhba.log", work).split(b"\0")).decode(errors="replace")


def small_iso(work, extra=0):
    """An ISO 9660 image of a few sectors (xorriso, no padding); extra: bytes of one more file."""
    tree = os.path.join(work, "iso-tree")
    os.makedirs(tree, exist_ok=True)
    write(os.path.join(tree, "readme.txt"), b"softhba CD-ROM test\n")
    write(os.path.join(tree, "data.bin"), data("iso", 20000))
    if extra:
        write(os.path.join(tree, "more.bin"), data("iso-more", extra))
    iso = os.path.join(work, "cd.iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-no-pad", "-V", "SOFTHBA", "-o", iso, tree],
                   env=fs.ENV, check=True)
    check(len(read(iso)) % 2048 == 0, "ISO size")
    return iso


def read_target(work, card, tid, blocks, name):
    out = os.path.join(work, f"{name}.back")
    Sim(work, card, "--target", tid, "--out", out, "read", 0, blocks)
    return read(out)


# ---- scenarios ----

INI = b"""; softhba.ini written by the test
[target1]
vendor = ACME
product = "Big Disk"
revision = 2.1
[target4]
readonly = yes
"""


def fat32_card_with_images(work):
    card = fs.fat32_card(work)
    hd0 = fs.fat_image(work, "hd0.img", 256)
    files = {
        "HD0.img": read(hd0),
        "HD1_1024.hda": data("i1", 170 * 1024 + 100),       # not a whole number of blocks
        "HD2_2048.img": data("i2", 64 * 1024),
        "CD3.iso": read(small_iso(work)),
        "HD4_4096.img": data("i4", 32 * 1024),
    }
    for n, c in files.items():
        fs.mcopy(card, write(os.path.join(work, "src-" + n), c), n)
    fs.mcopy(card, write(os.path.join(work, "ini"), INI), "softhba.ini")
    fs.mcopy(card, write(os.path.join(work, "log0"), bytes(16384)), "softhba.log")
    fs.fsck_fat(card)
    return card, hd0, files


@scenario
def fat32_ls(work):
    """ls on a FAT32 card: each image its own target with its type, block size, capacity and softhba.ini strings."""
    card, hd0, files = fat32_card_with_images(work)
    s = Sim(work, card, "ls")
    t = s.targets()
    check(sorted(t) == [0, 1, 2, 3, 4], f"targets {sorted(t)}:\n{s.out}")
    check(t[0]["type"] == "disk" and t[0]["bs"] == 512 and t[0]["blocks"] == 512, f"HD0: {t[0]}")
    check(t[1]["bs"] == 1024 and t[1]["blocks"] == 170 and t[1]["vendor"] == "ACME"
          and t[1]["product"] == "Big Disk" and t[1]["rev"] == "2.1", f"HD1: {t[1]}")
    check(t[2]["bs"] == 2048 and t[2]["blocks"] == 32, f"HD2: {t[2]}")
    check(t[3]["type"] == "cdrom" and t[3]["media"] == "removable" and t[3]["bs"] == 2048
          and t[3]["blocks"] == len(files["CD3.iso"]) // 2048, f"CD3: {t[3]}")
    check(t[4]["bs"] == 4096 and t[4]["blocks"] == 8, f"HD4: {t[4]}")
    check("5 targets" in s.out, "count")
    text = log_text(card, work)
    for line in ("fs: target 3: CD3.iso, CD-ROM (read-only), ",
                 "fs: target 0: HD0.img, disk, 512 blocks of 512 bytes, 1 extent",
                 "fs: HD1_1024.hda: the last 100 bytes are not a whole block and are not used",
                 "fs: target 4: HD4_4096.img, disk (read-only), 8 blocks of 4096 bytes"):
        check(line in text, f"softhba.log lacks {line!r}:\n{text}")
    fs.fsck_fat(card)


@scenario
def fat32_read(work):
    """Every target of a FAT32 card reads back byte-identical through the card and the miniport (the ISO in 2048-byte blocks)."""
    card, hd0, files = fat32_card_with_images(work)
    for tid, (name, bs) in enumerate([("HD0.img", 512), ("HD1_1024.hda", 1024), ("HD2_2048.img", 2048),
                                      ("CD3.iso", 2048), ("HD4_4096.img", 4096)]):
        blocks = len(files[name]) // bs
        got = read_target(work, card, tid, blocks, f"t{tid}")
        check(got == files[name][:blocks * bs], f"target {tid} ({name}) reads back different bytes")


@scenario
def fat32_fs_round_trip(work):
    """HD0 holds a FAT file system: copied out, a file added, copied back in through the card; fsck clean inside and out, nothing outside the images written."""
    card, hd0, files = fat32_card_with_images(work)
    owned = fat32_sectors(card, list(files) + ["softhba.log"])
    before = read(card)
    back = os.path.join(work, "hd0.back")
    Sim(work, card, "--target", 0, "copy-out", back)
    check(read(back) == files["HD0.img"], "HD0 copy-out")
    new = write(os.path.join(work, "new.txt"), data("new", 50000))
    subprocess.run(["mcopy", "-i", back, new, "::NEW.TXT"], env=fs.ENV, check=True)
    Sim(work, card, "--target", 0, "copy-in", back)
    Sim(work, card, "--target", 1, "verify", 2)
    after = read(card)
    same_outside(before, after, owned)
    fs.fsck_fat(card)
    inner = write(os.path.join(work, "hd0.card"), fs.mcopy_out(card, "HD0.img", work))
    fs.fsck_fat(inner)
    check(fs.mcopy_out(inner, "NEW.TXT", work) == read(new), "NEW.TXT inside HD0 on the card")
    check(fs.mcopy_out(inner, "INNER.BIN", work) == read(hd0 + ".inner"), "INNER.BIN inside HD0")


@scenario
def exfat(work):
    """An exFAT card: contiguous, FAT-chained and fragmented images and an ISO read back; a write lands in its file; fsck.exfat clean."""
    card = fs.exfat_card(work)
    files = {
        "HD0.img": data("e0", 48 * 1024),
        "HD1_2048.img": data("e1", 64 * 1024),
        "HD2.img": data("e2", 60 * 1024),
        "CD5.iso": read(small_iso(work)),
    }
    srcs = {n: write(os.path.join(work, "src-" + n), c) for n, c in files.items()}
    fs.exfat_add(card, [("HD0.img", srcs["HD0.img"]), ("CD5.iso", srcs["CD5.iso"]),
                        ("softhba.log", write(os.path.join(work, "log0"), bytes(8192)))])
    fs.exfat_add(card, [("HD1_2048.img", srcs["HD1_2048.img"])], "--layout", "chain")
    fs.exfat_add(card, [("HD2.img", srcs["HD2.img"])], "--layout", "fragmented", "--runs", "5")
    subprocess.run(["fsck.exfat", "-n", card], check=True, stdout=subprocess.DEVNULL)
    owned = media_sectors(card)
    t = Sim(work, card, "ls").targets()
    check(sorted(t) == [0, 1, 2, 5] and t[5]["type"] == "cdrom", f"targets {t}")
    for tid, (name, bs) in {0: ("HD0.img", 512), 1: ("HD1_2048.img", 2048), 2: ("HD2.img", 512),
                            5: ("CD5.iso", 2048)}.items():
        got = read_target(work, card, tid, len(files[name]) // bs, f"t{tid}")
        check(got == files[name], f"target {tid} ({name}) reads back different bytes")
    before = read(card)
    new = data("e2-new", 60 * 1024)
    Sim(work, card, "--target", 2, "--in", write(os.path.join(work, "new2"), new), "write", 0)
    check(read_target(work, card, 2, 120, "t2b") == new, "HD2 after the write")
    same_outside(before, read(card), owned)
    subprocess.run(["fsck.exfat", "-n", card], check=True, stdout=subprocess.DEVNULL)


@scenario
def refused(work):
    """Refused images (too fragmented, bad ID, duplicate ID, corrupt FAT) each get a log line and no target; a fragmented image within 16 extents works; nothing outside the images is written."""
    card = fs.fat32_card(work)
    hole = write(os.path.join(work, "hole"), data("hole", 4096))
    for i in range(60):
        fs.mcopy(card, hole, f"F{i:02d}.BIN")
    for i in range(0, 60, 2):
        subprocess.run(["mdel", "-i", card, f"::F{i:02d}.BIN"], env=fs.ENV, check=True)
    fs.patch(card, 512 + 492, struct.pack("<I", 2))   # FSInfo next-free hint: mtools fills the holes
    frag = data("frag", 10 * 4096 + 1536)             # 83 clusters: 11 holes of 8 or fewer
    fs.mcopy(card, write(os.path.join(work, "f3"), frag), "HD3.img")
    fs.mcopy(card, write(os.path.join(work, "f1"), data("big", 25 * 4096)), "HD1.img")   # > 16 runs
    plain = data("plain", 64 * 1024)
    for name in ("HD0.img", "HD9.img", "HD3_1024.hda", "HD5.img"):
        fs.mcopy(card, write(os.path.join(work, "p"), plain), name)
    fs.mcopy(card, write(os.path.join(work, "log0"), bytes(8192)), "softhba.log")
    runs3 = fs.mshowfat_runs(card, "HD3.img")
    check(1 < len(runs3) <= 16 and len(fs.mshowfat_runs(card, "HD1.img")) > 16,
          f"mtools did not fragment as planned: {runs3}")
    r5 = fs.mshowfat_runs(card, "HD5.img")
    fs.set_fat_entry(card, r5[0][0] + 3, 0x0FFFFFFF)   # HD5's chain ends early: a corrupt FAT
    owned = fat32_sectors(card, ["HD0.img", "HD3.img", "softhba.log"])
    before = read(card)
    s = Sim(work, card, "ls")
    check(sorted(s.targets()) == [0, 3], f"targets {sorted(s.targets())}:\n{s.out}")
    text = log_text(card, work)
    for line in ("fs: HD1.img: refused: too fragmented (more than 16 extents)",
                 "fs: HD9.img: bad SCSI ID (0-6; 7 is the card): refused",
                 "fs: HD3_1024.hda: SCSI ID 3 already taken by HD3.img: refused",
                 "fs: HD5.img: refused: cluster chain ends before the file (corrupt FAT)",
                 f"fs: target 3: HD3.img, disk, 83 blocks of 512 bytes, {len(runs3)} extents"):
        check(line in text, f"softhba.log lacks {line!r}:\n{text}")
    s = Sim(work, card, "--target", 1, "read", 0, 1, status=1)
    check("no device at target 1" in s.err, f"a refused target answered:\n{s.err}")
    check(read_target(work, card, 3, 83, "t3") == frag[:83 * 512], "HD3 (6 extents) reads back different bytes")
    new = data("frag-new", 83 * 512)
    Sim(work, card, "--target", 3, "--in", write(os.path.join(work, "n3"), new), "write", 0)
    check(fs.mcopy_out(card, "HD3.img", work)[:83 * 512] == new, "HD3 on the card after the write")
    same_outside(before, read(card), owned)


@scenario
def beyond_card(work):
    """A volume larger than the card: the image past the card's end is refused with a log line, the one before it served."""
    card = fs.fat32_card(work)
    hd0 = data("b0", 64 * 1024)
    fs.mcopy(card, write(os.path.join(work, "b0"), hd0), "HD0.img")
    fs.mcopy(card, write(os.path.join(work, "log0"), bytes(4096)), "softhba.log")
    fs.mcopy(card, write(os.path.join(work, "fill"), bytes(48 * MIB)), "FILL.BIN")
    fs.mcopy(card, write(os.path.join(work, "b1"), data("b1", 4 * MIB)), "HD1.img")
    last = fs.mshowfat_runs(card, "HD1.img")[-1][1]
    with open(card, "r+b") as f:
        f.truncate(50 * MIB)                      # HD1's clusters end past 50 MiB
    check(last * 512 > 50 * MIB, "HD1 does not lie past the cut")
    s = Sim(work, card, "ls")
    check(sorted(s.targets()) == [0], f"targets {sorted(s.targets())}")
    text = log_text(card, work)
    for line in ("fs: HD1.img: refused: clusters past the end of the card", "fs: the volume is larger than the card"):
        check(line in text, f"softhba.log lacks {line!r}:\n{text}")
    check(read_target(work, card, 0, 128, "t0") == hd0, "HD0 reads back different bytes")


@scenario
def pulled(work):
    """The SD card pulled in the middle of a write to an image: the WRITE fails with sense data, the console says where, nothing outside the image is written, the file system stays clean."""
    card, hd0, files = fat32_card_with_images(work)
    owned = fat32_sectors(card, list(files) + ["softhba.log"])
    before = read(card)
    new = write(os.path.join(work, "new1"), data("pulled", 16 * 1024))
    s = Sim(work, card, "--target", 1, "--sd-fault", "removed:5:0:100", "--sd-fault-late",
            "--in", new, "write", 8, status=1)
    check(re.search(r"WRITE\(10\) at LBA 8 failed: .*sense key 0x[234]", s.err), f"no sense data:\n{s.err}")
    s.console_has(r"^card: target 1: write failed at card sector \d+: ")
    same_outside(before, read(card), owned)
    fs.fsck_fat(card)
    # the card back in: the image serves again
    check(read_target(work, card, 1, 8, "t1") == files["HD1_1024.hda"][:8 * 1024],
          "HD1 before the failed write changed")


@scenario
def stack_peak(work):
    """The firmware's stack high-water mark through a mount (softhba.ini with bad lines, softhba.log, a refused image) and a write failing on a pulled card stays 128 bytes inside softhba_fw's stack reserve."""
    card, hd0, files = fat32_card_with_images(work)
    fs.mcopy(card, write(os.path.join(work, "hd9"), data("hd9", 4096)), "HD9.img")
    subprocess.run(["mdel", "-i", card, "::softhba.ini"], env=fs.ENV, check=True)
    fs.mcopy(card, write(os.path.join(work, "ini2"), INI + fs.INI), "softhba.ini")
    new = write(os.path.join(work, "new1"), data("stack", 8192))
    s = Sim(work, card, "--firmware", os.path.join(ROOT, "build", "fw", "softhba_fw_stack.hex"), "--target", 1,
            "--sd-fault", "removed:3:0:100", "--sd-fault-late", "--in", new, "write", 0, status=1)
    peaks = [int(h, 16) for h in re.findall(r"^stack peak ([0-9a-f]{8})$", s.log, re.M)]
    check(peaks, f"no 'stack peak' line on the console:\n{s.log}")
    size = subprocess.run(["riscv64-unknown-elf-size", "-A", os.path.join(ROOT, "build", "fw", "softhba_fw.elf")],
                          stdout=subprocess.PIPE, text=True, check=True).stdout
    reserve = int(re.search(r"^\.stack\s+(\d+)", size, re.M).group(1))
    print(f"stack peak {max(peaks)} bytes, softhba_fw's reserve {reserve}")
    check(max(peaks) + 128 <= reserve, f"stack peak {max(peaks)} + 128 > reserve {reserve}")


INI_RO5 = b"""[target5]
readonly = yes
"""


@scenario
def multi_target(work):
    """HD0, HD1 with 4096-byte blocks, CD3.iso and a read-only HD5: the bus scan claims Harddisk0-2 and CdRom0 with their capacities; the CD read through the cdrom model (TOC, a media change mid-read) comes back byte-identical; a write to HD5 gets 7/27/00, not retried."""
    card = fs.fat32_card(work)
    iso = read(small_iso(work, extra=200 * 1024))          # > 64 KiB: READ(10)s split
    files = {"HD0.img": data("m0", 96 * 1024), "HD1_4096.img": data("m1", 40 * 4096),
             "CD3.iso": iso, "HD5.img": data("m5", 48 * 1024)}
    for n, c in files.items():
        fs.mcopy(card, write(os.path.join(work, "src-" + n), c), n)
    fs.mcopy(card, write(os.path.join(work, "ini"), INI_RO5), "softhba.ini")
    fs.mcopy(card, write(os.path.join(work, "log0"), bytes(8192)), "softhba.log")
    s = Sim(work, card, "ls")
    t = s.targets()
    check(sorted(t) == [0, 1, 3, 5], f"targets {sorted(t)}:\n{s.out}")
    want = {0: ("Harddisk0", "disk", 512, 192), 1: ("Harddisk1", "disk", 4096, 40),
            3: ("CdRom0", "cdrom", 2048, len(iso) // 2048), 5: ("Harddisk2", "disk", 512, 96)}
    for tid, (name, typ, bs, blocks) in want.items():
        got = t[tid]
        check((got["name"], got["type"], got["bs"], got["blocks"]) == (name, typ, bs, blocks),
              f"target {tid}: {got}, want {name} {typ} {blocks} x {bs}")
    check(t[3]["media"] == "removable", f"CD3: {t[3]}")
    check("4 targets (3 disks, 1 CD-ROM)" in s.out, f"count:\n{s.out}")
    blocks = len(iso) // 2048
    check(blocks > 64, f"the ISO is {blocks} blocks: too small to split")
    out = os.path.join(work, "cd.back")
    s = Sim(work, card, "--target", 3, "--out", out, "--reload-at", 40, "read", 0, blocks)
    check(read(out) == iso, "CD3 read through the cdrom model differs from CD3.iso")
    m = re.search(r"CdRom at target 3: 2048-byte blocks, (\d+) blocks; TOC (\d+) bytes, tracks 1-1, "
                  r"lead-out at LBA (\d+); last session 1 starts at LBA 0; MODE SENSE\(6\) of page 1: 24 bytes",
                  s.err)
    check(m and int(m.group(1)) == blocks and int(m.group(3)) == blocks and int(m.group(2)) == 20,
          f"claim/TOC line:\n{s.err}")
    # the power-on 6/29/00 at the claim (retried) and the 6/28/00 of the reload (a verify)
    check(re.search(r"CdRom: media change count 2 \(every unit attention\), 1 volume verify, 1 capacity re-read: "
                    r"%d blocks" % blocks, s.err), f"media change:\n{s.err}")
    before = read(card)
    s = Sim(work, card, "--target", 5, "--in", write(os.path.join(work, "w5"), data("w5", 4096)), "write", 0,
            status=1)
    check(re.search(r"WRITE\(10\) at LBA 0 failed: SRB status 0x04, SCSI status 0x02, sense key 0x7 ASC 0x27 "
                    r"ASCQ 0x00, STATUS_MEDIA_WRITE_PROTECTED \(after 1 attempt,", s.err), f"HD5 write:\n{s.err}")
    check(fs.mcopy_out(card, "HD5.img", work) == files["HD5.img"], "HD5 changed")
    same_outside(before, read(card), fat32_sectors(card, ["softhba.log"]))


@scenario
def no_images(work):
    """A FAT32 card without image files is one raw disk at target 0, the whole card."""
    card = fs.fat32_card(work)
    fs.mcopy(card, write(os.path.join(work, "n"), b"notes\n"), "notes.txt")
    t = Sim(work, card, "ls").targets()
    check(sorted(t) == [0] and t[0]["blocks"] == 64 * MIB // 512 and t[0]["bs"] == 512, f"targets {t}")
    head = read_target(work, card, 0, 8, "raw")
    check(head == read(card)[:4096], "raw card read")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        names = "\n  ".join(f"{n}: {f.__doc__}" for n, f in SCENARIOS.items())
        print(f"usage: img_test.py SCENARIO\n  {names}")
        sys.exit(0 if sys.argv[1:] == ["--list"] else 2)
    name = sys.argv[1]
    work = os.path.join(ROOT, "build", "img", "work", name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        SCENARIOS[name](work)
    except (Failure, subprocess.CalledProcessError) as e:
        print(f"img_test {name}: FAIL: {e}")
        sys.exit(1)
    print(f"img_test {name}: ok")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
