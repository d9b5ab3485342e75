#!/usr/bin/env python3
"""Generate softhba's register headers from the one source of truth.

Reads regmap/*.regs (sorted by name) and writes:
  regmap/softhba_regs.h   C header for the firmware, the miniport and the co-simulation
  regmap/softhba_regs.vh  Verilog include for the RTL
  docs/registers.md       the register reference
With --check nothing is written; the exit status is 1 when any generated
file differs from what the sources give (the build runs this).

Source format, one statement a line ('#' starts a comment):
  block NAME BASE AW "title"      a register block; BASE its base address,
                                  AW the width of its offsets in bits
  text "..."                      a paragraph of documentation for the block
  reg NAME OFFSET ACCESS "desc"   a register; ACCESS is r, w, rw, w1c, ...
  field NAME BITS "desc"          a field of the last register; BITS is N or H:L
  const NAME VALUE "desc"         a named constant of the block
"""
import glob
import os
import re
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_H = os.path.join(ROOT, "regmap", "softhba_regs.h")
OUT_VH = os.path.join(ROOT, "regmap", "softhba_regs.vh")
OUT_MD = os.path.join(ROOT, "docs", "registers.md")
NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


class Error(Exception):
    pass


def parse_int(tok, where):
    try:
        return int(tok, 0)
    except ValueError:
        raise Error(f"{where}: '{tok}' is not a number") from None


def parse(paths):
    blocks = []
    for path in paths:
        rel = os.path.relpath(path, ROOT)
        block = reg = None
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                where = f"{rel}:{n}"
                try:
                    toks = shlex.split(raw, comments=True)
                except ValueError as e:
                    raise Error(f"{where}: {e}") from None
                if not toks:
                    continue
                kw, args = toks[0], toks[1:]
                if kw in ("reg", "field", "const", "text") and block is None:
                    raise Error(f"{where}: '{kw}' before any 'block'")
                if kw == "block":
                    if len(args) != 4:
                        raise Error(f"{where}: block NAME BASE AW \"title\"")
                    block = {"name": args[0], "base": parse_int(args[1], where),
                             "aw": parse_int(args[2], where), "title": args[3],
                             "text": [], "regs": [], "consts": [], "src": rel}
                    blocks.append(block)
                    reg = None
                    check_name(args[0], where)
                elif kw == "text":
                    block["text"].append(" ".join(args))
                elif kw == "reg":
                    if len(args) != 4:
                        raise Error(f"{where}: reg NAME OFFSET ACCESS \"desc\"")
                    check_name(args[0], where)
                    off = parse_int(args[1], where)
                    if off >= 1 << block["aw"]:
                        raise Error(f"{where}: offset {off:#x} does not fit {block['aw']} bits")
                    reg = {"name": args[0], "off": off, "access": args[2],
                           "desc": args[3], "fields": []}
                    block["regs"].append(reg)
                elif kw == "field":
                    if reg is None or len(args) != 3:
                        raise Error(f"{where}: field NAME BITS \"desc\" after a reg")
                    check_name(args[0], where)
                    m = re.fullmatch(r"(\d+)(?::(\d+))?", args[1])
                    if not m:
                        raise Error(f"{where}: bits must be N or H:L")
                    hi = int(m.group(1))
                    lo = int(m.group(2)) if m.group(2) is not None else hi
                    if lo > hi or hi > 31:
                        raise Error(f"{where}: bad bit range {args[1]}")
                    for f2 in reg["fields"]:
                        if not (hi < f2["lo"] or lo > f2["hi"]):
                            raise Error(f"{where}: {args[0]} overlaps {f2['name']}")
                    reg["fields"].append({"name": args[0], "hi": hi, "lo": lo,
                                          "desc": args[2]})
                elif kw == "const":
                    if len(args) != 3:
                        raise Error(f"{where}: const NAME VALUE \"desc\"")
                    check_name(args[0], where)
                    block["consts"].append({"name": args[0],
                                            "value": parse_int(args[1], where),
                                            "desc": args[2]})
                else:
                    raise Error(f"{where}: unknown statement '{kw}'")
    names = set()
    for b in blocks:
        for item in [b] + b["regs"] + b["consts"]:
            full = b["name"] if item is b else f"{b['name']}_{item['name']}"
            if full in names:
                raise Error(f"{b['src']}: name {full} defined twice")
            names.add(full)
    return blocks


def check_name(name, where):
    if not NAME_RE.match(name):
        raise Error(f"{where}: '{name}' must be UPPER_CASE")


HEADER_NOTE = "generated by regmap/gen_regmap.py from the regmap/NN-name.regs sources; do not edit"


def gen_c(blocks):
    out = [f"/* softhba register map: {HEADER_NOTE}. */",
           "#ifndef SOFTHBA_REGS_H", "#define SOFTHBA_REGS_H", ""]
    for b in blocks:
        p = f"SHBA_{b['name']}"
        out.append(f"/* {b['title']} */")
        out.append(f"#define {p}_BASE 0x{b['base']:08x}u")
        for r in b["regs"]:
            out.append(f"#define {p}_{r['name']} 0x{r['off']:x}u /* {r['access']}: {r['desc']} */")
            for f in r["fields"]:
                fp = f"{p}_{r['name']}_{f['name']}"
                width = f["hi"] - f["lo"] + 1
                mask = ((1 << width) - 1) << f["lo"]
                if width == 1:
                    out.append(f"#define {fp} 0x{mask:x}u")
                out.append(f"#define {fp}_SHIFT {f['lo']}u")
                out.append(f"#define {fp}_MASK 0x{mask:x}u")
        for c in b["consts"]:
            out.append(f"#define {p}_{c['name']} 0x{c['value']:x}u /* {c['desc']} */")
        out.append("")
    out.append("#endif /* SOFTHBA_REGS_H */")
    return "\n".join(out) + "\n"


def gen_vh(blocks):
    out = [f"// softhba register map: {HEADER_NOTE}.",
           "`ifndef SOFTHBA_REGS_VH", "`define SOFTHBA_REGS_VH", ""]
    for b in blocks:
        p = f"SHBA_{b['name']}"
        aw = b["aw"]
        out.append(f"// {b['title']}")
        out.append(f"`define {p}_BASE 32'h{b['base']:08x}")
        for r in b["regs"]:
            out.append(f"`define {p}_{r['name']} {aw}'h{r['off']:x}")
            for f in r["fields"]:
                fp = f"{p}_{r['name']}_{f['name']}"
                if f["hi"] == f["lo"]:
                    out.append(f"`define {fp} {f['lo']}")
                else:
                    out.append(f"`define {fp}_MSB {f['hi']}")
                    out.append(f"`define {fp}_LSB {f['lo']}")
        for c in b["consts"]:
            out.append(f"`define {p}_{c['name']} {c['value']}")
        out.append("")
    out.append("`endif")
    return "\n".join(out) + "\n"


def gen_md(blocks):
    out = ["# Register reference", "",
           f"<!-- {HEADER_NOTE} -->", "",
           "Every register of the card, from the one source of truth in `regmap/*.regs`. "
           "C code includes `regmap/softhba_regs.h` (names `SHBA_<BLOCK>_<REG>` for offsets, "
           "`..._<FIELD>` for one-bit masks, `..._SHIFT`/`..._MASK` for every field); "
           "RTL includes `regmap/softhba_regs.vh` (same names as Verilog macros, bit numbers for "
           "fields). `make test` fails when a generated file is stale.", ""]
    for b in blocks:
        out.append(f"## {b['name']}: {b['title']}")
        out.append("")
        out.append(f"Base `0x{b['base']:08x}`, {b['aw']}-bit offsets (source `{b['src']}`).")
        out.append("")
        for t in b["text"]:
            out.append(t)
            out.append("")
        if b["regs"]:
            out.append("| offset | register | access | description |")
            out.append("| --- | --- | --- | --- |")
            for r in b["regs"]:
                out.append(f"| 0x{r['off']:x} | {r['name']} | {r['access']} | {r['desc']} |")
            out.append("")
        for r in b["regs"]:
            if not r["fields"]:
                continue
            out.append(f"**{r['name']}** (0x{r['off']:x})")
            out.append("")
            out.append("| bits | field | description |")
            out.append("| --- | --- | --- |")
            for f in sorted(r["fields"], key=lambda f: -f["hi"]):
                bits = str(f["hi"]) if f["hi"] == f["lo"] else f"{f['hi']}:{f['lo']}"
                out.append(f"| {bits} | {f['name']} | {f['desc']} |")
            out.append("")
        if b["consts"]:
            out.append("| constant | value | meaning |")
            out.append("| --- | --- | --- |")
            for c in b["consts"]:
                out.append(f"| {c['name']} | 0x{c['value']:x} | {c['desc']} |")
            out.append("")
    return "\n".join(out)


def main():
    check = "--check" in sys.argv[1:]
    sources = sorted(glob.glob(os.path.join(ROOT, "regmap", "*.regs")))
    try:
        blocks = parse(sources)
    except Error as e:
        print(f"regmap: {e}", file=sys.stderr)
        return 1
    outputs = {OUT_H: gen_c(blocks), OUT_VH: gen_vh(blocks), OUT_MD: gen_md(blocks)}
    stale = []
    for path, text in outputs.items():
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(os.path.relpath(path, ROOT))
            if not check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    if check and stale:
        print("regmap: generated files are stale: " + ", ".join(stale) +
              "\nregmap: run 'make regmap' and commit the result", file=sys.stderr)
        return 1
    if not check:
        for s in stale:
            print(f"regmap: wrote {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
