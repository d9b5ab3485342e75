#!/usr/bin/env python3
"""Checks the NT install files make driver ships next to softhba.sys
(build/driver/): txtsetup.oem, oemsetup.inf and softhba.inf.

- every line of each ends in CRLF (NT's setup parsers read them as is);
- every file they name (txtsetup.oem [Disks] tag files and [Files.*]
  entries, oemsetup.inf TAGFILE and [Files-*] entries, softhba.inf
  [SourceDisksFiles] and CopyFiles lists) is in the shipped set, with an 8.3
  name (text-mode setup and the NT 4.0 floppy need one);
- oemsetup.inf's SIZE= is softhba.sys's size, and it has the shell sections
  NT 4.0 calls ([Identify], [ReturnOptions], [InstallOption]) and
  OptionType = SCSI; txtsetup.oem has the sections text-mode setup needs.

usage: check_install.py [DIR]   (default build/driver)
       check_install.py --selftest   (broken copies must be caught)"""
import os
import re
import shutil
import sys
import tempfile

NT_FILES = ("txtsetup.oem", "oemsetup.inf", "softhba.inf")


def sections(text):
    """{lower-case section name: [lines]} without comments and blank lines."""
    out, cur = {}, None
    for raw in text.split("\r\n"):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        m = re.fullmatch(r"\[([^\]]+)\]", line)
        if m:
            cur = m.group(1).strip().lower()
            out.setdefault(cur, [])
        elif cur is not None:
            out[cur].append(line)
    return out


def fields(line):
    """The comma-separated fields after '=' (or the whole line), unquoted."""
    value = line.split("=", 1)[1] if "=" in line and not line.startswith('"') else line
    return [f.strip().strip('"') for f in value.split(",")]


def is_83(name):
    return re.fullmatch(r"[A-Za-z0-9_$~!#%&'()@^{}-]{1,8}(\.[A-Za-z0-9_$~!#%&'()@^{}-]{1,3})?",
                        name) is not None


def check(d):
    errors = []
    texts = {}
    for name in NT_FILES:
        path = os.path.join(d, name)
        if not os.path.isfile(path):
            errors.append(f"{name}: missing from {d}")
            continue
        data = open(path, "rb").read()
        for n, line in enumerate(data.split(b"\n")[:-1], 1):
            if not line.endswith(b"\r"):
                errors.append(f"{name}: line {n} ends in LF, not CRLF")
                break
        if data and not data.endswith(b"\r\n"):
            errors.append(f"{name}: last line has no CRLF")
        texts[name] = data.decode("latin-1")
    if errors:
        return errors
    shipped = {f.lower() for f in os.listdir(d)}

    def named(who, fname):
        fname = fname.lstrip("\\")
        if not is_83(fname):
            errors.append(f"{who}: '{fname}' is not an 8.3 name")
        if fname.lower() not in shipped:
            errors.append(f"{who}: names '{fname}', which is not shipped in {d}")

    # txtsetup.oem (NT 4.0 DDK A.2 / TxtSetup.oem File Format)
    t = sections(texts["txtsetup.oem"])
    for s in ("disks", "defaults", "scsi"):
        if s not in t:
            errors.append(f"txtsetup.oem: no [{s}] section")
    for line in t.get("disks", []):
        f = fields(line)
        if len(f) != 3:
            errors.append(f"txtsetup.oem: [Disks] '{line}' needs description, tagfile, directory")
            continue
        named("txtsetup.oem [Disks] tag file", f[1])
    ids = [line.split("=", 1)[0].strip() for line in t.get("scsi", [])]
    for line in t.get("scsi", []):
        if len(fields(line)) != 2:
            errors.append(f"txtsetup.oem: [scsi] '{line}' needs description and key name")
    for i in ids:
        files = t.get(f"files.scsi.{i.lower()}")
        if files is None:
            errors.append(f"txtsetup.oem: no [Files.scsi.{i}] section")
            continue
        for line in files:
            kind = line.split("=", 1)[0].strip().lower()
            f = fields(line)
            named(f"txtsetup.oem [Files.scsi.{i}] {kind}", f[1])
            if kind == "driver":
                if len(f) < 3 or f"config.{f[2].lower()}" not in t:
                    errors.append(f"txtsetup.oem: driver line '{line}' has no [Config.key] section")

    # oemsetup.inf (NT 4.0 DDK A.2.1 / A.3 INF script language)
    o = sections(texts["oemsetup.inf"])
    for s in ("identification", "options", "source media descriptions", "identify",
              "returnoptions", "installoption"):
        if s not in o:
            errors.append(f"oemsetup.inf: no [{s}] section")
    if "optiontype = scsi" not in [x.lower() for x in o.get("identification", [])]:
        errors.append("oemsetup.inf: [Identification] is not OptionType = SCSI")
    for line in o.get("source media descriptions", []):
        m = re.search(r"TAGFILE\s*=\s*([^\s,]+)", line, re.I)
        if m:
            named("oemsetup.inf TAGFILE", m.group(1))
    file_lines = [x for s, lines in o.items() if s.startswith("files-") for x in lines]
    if not file_lines:
        errors.append("oemsetup.inf: no [Files-...] section")
    for line in file_lines:
        f = [x.strip() for x in line.split(",")]
        named("oemsetup.inf [Files-...]", f[1])
        size = [x for x in f if x.upper().startswith("SIZE=")]
        real = os.path.getsize(os.path.join(d, f[1])) if f[1].lower() in shipped else -1
        if not size or int(size[0][5:]) != real:
            errors.append(f"oemsetup.inf: '{line}' SIZE is not {f[1]}'s size {real}")

    # softhba.inf (Windows 2000/XP INF)
    w = sections(texts["softhba.inf"])
    for line in w.get("sourcedisksfiles", []):
        named("softhba.inf [SourceDisksFiles]", line.split("=", 1)[0].strip())
    for s, lines in w.items():
        for line in lines:
            if line.lower().startswith("copyfiles"):
                for sec in fields(line):
                    for fl in w.get(sec.lower(), []):
                        named(f"softhba.inf [{sec}]", fields(fl)[0])
    return errors


def selftest():
    src = "build/driver"
    bad = 0
    cases = (
        ("LF line ending", "txtsetup.oem", lambda b: b.replace(b"\r\n", b"\n", 1)),
        ("file not shipped", "oemsetup.inf", lambda b: b.replace(b"softhba.sys, SIZE", b"softhbb.sys, SIZE")),
        ("wrong SIZE", "oemsetup.inf", lambda b: re.sub(rb"SIZE=\d+", b"SIZE=1", b)),
        ("long name", "txtsetup.oem", lambda b: b.replace(b"inf    = d1, softhba.inf", b"inf    = d1, softhba_setup.inf")),
    )
    for what, name, change in cases:
        with tempfile.TemporaryDirectory() as tmp:
            for f in os.listdir(src):
                if os.path.isfile(os.path.join(src, f)):
                    shutil.copy(os.path.join(src, f), tmp)
            p = os.path.join(tmp, name)
            before = open(p, "rb").read()
            after = change(before)
            if after == before:
                print(f"check_install: selftest '{what}': the change did not apply")
                bad += 1
                continue
            open(p, "wb").write(after)
            if not check(tmp):
                print(f"check_install: selftest '{what}' in {name}: not caught")
                bad += 1
    return bad


def main():
    if sys.argv[1:] == ["--selftest"]:
        errs = check("build/driver")
        bad = selftest()
        for e in errs:
            print(f"check_install: FAIL: {e}")
        if errs or bad:
            return 1
        print("check_install: the shipped files pass; 4 broken copies are caught")
        return 0
    d = sys.argv[1] if len(sys.argv) > 1 else "build/driver"
    errs = check(d)
    for e in errs:
        print(f"check_install: FAIL: {e}")
    if not errs:
        print(f"check_install: {d}: {', '.join(NT_FILES)} CRLF, every named file shipped")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
