#!/usr/bin/env python3
"""Generate softhba's register headers from the one source of truth.

Reads regmap/*.regs (sorted by name) and writes:
  regmap/softhba_regs.h      C header for the firmware, the miniport and the co-simulation
  regmap/softhba_regs.vh     Verilog macros for the RTL (include once, at file level)
  regmap/softhba_tables.vh   Verilog functions decoding the tables (include inside a module)
  regmap/softhba_regs_asm.h  plain-number macros for assembly and linker scripts (cpp)
  regmap/softhba_regs.mk     make variables (the firmware, CPU test and FPGA builds)
  docs/registers.md          the register reference
With --check nothing is written; the exit status is 1 when any generated
file differs from what the sources give (the build runs this).

Source format, one statement a line ('#' starts a comment):
  block NAME BASE AW "title"      a register block; BASE its base address,
                                  AW the width of its offsets in bits
  text "..."                      a paragraph of documentation for the block
  reg NAME OFFSET ACCESS "desc"   a register; ACCESS is r, w, rw, w1c, ...
  field NAME BITS "desc"          a field of the last register; BITS is N or H:L
  const NAME VALUE "desc"         a named constant of the block
  table NAME CBITS VBITS "desc"   an encoding of the block: CBITS-bit codes select
                                  VBITS-bit values (a jumper setting, a CONFIG field)
  code CODE VALUE "desc" [default]
                                  an entry of the last table; VALUE 'none' means the
                                  code selects nothing; 'default' marks the entry the
                                  hardware decodes every other code to (codes not
                                  listed and 'none' codes)
"""
import glob
import os
import re
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_H = os.path.join(ROOT, "regmap", "softhba_regs.h")
OUT_VH = os.path.join(ROOT, "regmap", "softhba_regs.vh")
OUT_TABLES_VH = os.path.join(ROOT, "regmap", "softhba_tables.vh")
OUT_ASM = os.path.join(ROOT, "regmap", "softhba_regs_asm.h")
OUT_MK = os.path.join(ROOT, "regmap", "softhba_regs.mk")
OUT_MD = os.path.join(ROOT, "docs", "registers.md")
NONE = 0xFFFF   # C value of a code that selects nothing (values are at most 16 bits)
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
        block = reg = table = None
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
                if kw in ("reg", "field", "const", "text", "table", "code") and block is None:
                    raise Error(f"{where}: '{kw}' before any 'block'")
                if kw == "block":
                    if len(args) != 4:
                        raise Error(f"{where}: block NAME BASE AW \"title\"")
                    block = {"name": args[0], "base": parse_int(args[1], where),
                             "aw": parse_int(args[2], where), "title": args[3],
                             "text": [], "regs": [], "consts": [], "tables": [],
                             "src": rel}
                    blocks.append(block)
                    reg = table = None
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
                elif kw == "table":
                    if len(args) != 4:
                        raise Error(f"{where}: table NAME CODE_BITS VALUE_BITS \"desc\"")
                    check_name(args[0], where)
                    table = {"name": args[0], "cbits": parse_int(args[1], where),
                             "vbits": parse_int(args[2], where), "desc": args[3],
                             "codes": [], "where": where}
                    if not 1 <= table["cbits"] <= 8 or not 1 <= table["vbits"] <= 16:
                        raise Error(f"{where}: codes take 1 to 8 bits, values 1 to 16")
                    block["tables"].append(table)
                elif kw == "code":
                    if table is None or len(args) not in (3, 4) or args[3:] not in ([], ["default"]):
                        raise Error(f"{where}: code CODE VALUE|none \"desc\" [default] after a table")
                    table["codes"].append(parse_code(table, args, where))
                else:
                    raise Error(f"{where}: unknown statement '{kw}'")
    for b in blocks:
        for t in b["tables"]:
            check_table(t)
    names = set()
    for b in blocks:
        for item in [b] + b["regs"] + b["consts"] + b["tables"]:
            full = b["name"] if item is b else f"{b['name']}_{item['name']}"
            if full in names:
                raise Error(f"{b['src']}: name {full} defined twice")
            names.add(full)
    return blocks


def parse_code(table, args, where):
    code = parse_int(args[0], where)
    if not 0 <= code < 1 << table["cbits"]:
        raise Error(f"{where}: code {code} does not fit {table['cbits']} bits")
    if any(c["code"] == code for c in table["codes"]):
        raise Error(f"{where}: code {code} listed twice")
    value = None
    if args[1] != "none":
        value = parse_int(args[1], where)
        if not 0 <= value < 1 << table["vbits"]:
            raise Error(f"{where}: value {args[1]} does not fit {table['vbits']} bits")
        if any(c["value"] == value for c in table["codes"]):
            raise Error(f"{where}: value {args[1]} listed twice (a value has one code)")
    elif any(c["value"] is None for c in table["codes"]):
        raise Error(f"{where}: a table has at most one 'none' code")
    # the value as the source spells it (hex stays hex in lists and docs)
    text = args[1] if value is None else (args[1] if args[1].startswith("0x") else str(value))
    return {"code": code, "value": value, "text": text, "desc": args[2],
            "default": args[3:] == ["default"]}


def check_table(t):
    codes = t["codes"]
    if not codes:
        raise Error(f"{t['where']}: table {t['name']} has no codes")
    defaults = [c for c in codes if c["default"]]
    if len(defaults) != 1 or defaults[0]["value"] is None:
        raise Error(f"{t['where']}: table {t['name']} needs one 'default' code with a value")
    # C tables are indexed by code: keep them dense.
    if sorted(c["code"] for c in codes) != list(range(len(codes))):
        raise Error(f"{t['where']}: table {t['name']} must list codes 0 to {len(codes) - 1}")
    codes.sort(key=lambda c: c["code"])


def table_default(t):
    return next(c for c in t["codes"] if c["default"])


def table_none(t):
    return next((c for c in t["codes"] if c["value"] is None), None)


def table_list(t):
    """The values a table can select, as text: '0x340, 0x330 or 0x130'."""
    vals = [c["text"] for c in t["codes"] if c["value"] is not None]
    return vals[0] if len(vals) == 1 else ", ".join(vals[:-1]) + " or " + vals[-1]


def check_name(name, where):
    if not NAME_RE.match(name):
        raise Error(f"{where}: '{name}' must be UPPER_CASE")


HEADER_NOTE = "generated by regmap/gen_regmap.py from the regmap/NN-name.regs sources; do not edit"


def gen_c(blocks):
    out = [f"/* softhba register map: {HEADER_NOTE}. */",
           "#ifndef SOFTHBA_REGS_H", "#define SOFTHBA_REGS_H", "",
           "#ifndef __ASSEMBLER__",
           "#include <stdint.h>",
           "",
           "/* Encoding tables (docs/registers.md): SHBA_<T>_TABLE initialises a",
           " * uint16_t array of the value of each code 0 .. SHBA_<T>_COUNT - 1,",
           " * SHBA_TABLE_NONE where the code selects nothing; SHBA_<T>_VALUE(code) and",
           " * SHBA_<T>_CODE(value) look up either way (C only: compound literals). */",
           f"#define SHBA_TABLE_NONE 0x{NONE:x}u",
           "",
           "/* The value of a code; SHBA_TABLE_NONE for 'none' and codes not listed. */",
           "static inline unsigned shba_table_value(const uint16_t *table, unsigned count, unsigned code)",
           "{",
           "    return code < count ? table[code] : SHBA_TABLE_NONE;",
           "}",
           "",
           "/* The code that selects a value, or -1 when none does. */",
           "static inline int shba_table_code(const uint16_t *table, unsigned count, unsigned value)",
           "{",
           "    for (unsigned code = 0; value != SHBA_TABLE_NONE && code < count; code++)",
           "        if (table[code] == value)",
           "            return (int)code;",
           "    return -1;",
           "}",
           "#endif", ""]
    for b in blocks:
        p = f"SHBA_{b['name']}"
        out.append(f"/* {b['title']} */")
        if b["regs"]:
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
        for t in b["tables"]:
            out += c_table(f"{p}_{t['name']}", t)
        out.append("")
    out.append("#endif /* SOFTHBA_REGS_H */")
    return "\n".join(out) + "\n"


def c_table(p, t):
    values = ", ".join("SHBA_TABLE_NONE" if c["value"] is None else c["text"] for c in t["codes"])
    out = [f"/* {t['desc']} */",
           f"#define {p}_COUNT {len(t['codes'])}u",
           f"#define {p}_TABLE {{ {values} }}",
           f"#define {p}_DEFAULT {table_default(t)['text']}u /* what the hardware decodes other codes to */",
           f"#define {p}_LIST \"{table_list(t)}\""]
    none = table_none(t)
    if none:
        out.append(f"#define {p}_NONE {none['code']}u /* the code that selects nothing */")
    lookup = f"(const uint16_t[]){p}_TABLE, {p}_COUNT"
    out.append(f"#define {p}_VALUE(code) shba_table_value({lookup}, (code))")
    out.append(f"#define {p}_CODE(value) shba_table_code({lookup}, (value))")
    return out


def gen_vh(blocks):
    out = [f"// softhba register map: {HEADER_NOTE}.",
           "`ifndef SOFTHBA_REGS_VH", "`define SOFTHBA_REGS_VH", ""]
    for b in blocks:
        p = f"SHBA_{b['name']}"
        aw = b["aw"]
        out.append(f"// {b['title']}")
        if b["regs"]:
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
        for t in b["tables"]:
            out.append(f"`define {p}_{t['name']}_COUNT {len(t['codes'])}")
            none = table_none(t)
            if none:
                out.append(f"`define {p}_{t['name']}_NONE {t['cbits']}'d{none['code']}")
        out.append("")
    out.append("`endif")
    return "\n".join(out) + "\n"


def gen_tables_vh(blocks):
    """One function per table (and a one-hot encoder for tables with a 'none'
    code).  No include guard: every module that decodes includes it."""
    out = [f"// softhba encoding tables: {HEADER_NOTE}.",
           "// Include inside a module body: it declares functions.", ""]
    for b in blocks:
        for t in b["tables"]:
            fn = f"shba_{b['name']}_{t['name']}".lower()
            cb, vb = t["cbits"], t["vbits"]
            dflt = table_default(t)
            out.append(f"// {t['desc']}")
            out.append(f"function [{vb - 1}:0] {fn}_value;")
            out.append(f"    input [{cb - 1}:0] code;")
            out.append(f"    case (code)")
            for c in t["codes"]:
                if c["value"] is not None and c is not dflt:
                    out.append(f"        {cb}'d{c['code']}: {fn}_value = {vlit(vb, c)};")
            out.append(f"        default: {fn}_value = {vlit(vb, dflt)};")
            out.append("    endcase")
            out.append("endfunction")
            none = table_none(t)
            if none:
                out.append(f"// the code of the first listed value set in a one-hot vector ({none['code']}: none)")
                out.append(f"function [{cb - 1}:0] {fn}_code;")
                out.append("    /* verilator lint_off UNUSEDSIGNAL */  // lines no code selects")
                out.append(f"    input [{(1 << vb) - 1}:0] onehot;")
                out.append("    /* verilator lint_on UNUSEDSIGNAL */")
                out.append(f"    {fn}_code =")
                for c in t["codes"]:
                    if c["value"] is not None:
                        out.append(f"        onehot[{c['value']}] ? {cb}'d{c['code']} :")
                out.append(f"        {cb}'d{none['code']};")
                out.append("endfunction")
            out.append("")
    return "\n".join(out)


def vlit(bits, c):
    """A Verilog literal of a table value, hex where the source writes hex."""
    if c["text"].startswith("0x"):
        return f"{bits}'h{c['value']:x}"
    return f"{bits}'d{c['value']}"


def plain_consts(blocks):
    """(name, value) of every block base, register offset and constant."""
    for b in blocks:
        p = f"SHBA_{b['name']}"
        if b["regs"]:
            yield f"{p}_BASE", b["base"]
        for r in b["regs"]:
            yield f"{p}_{r['name']}", r["off"]
        for c in b["consts"]:
            yield f"{p}_{c['name']}", c["value"]


def gen_asm(blocks):
    out = [f"/* softhba register map for assembly and linker scripts (run through cpp): {HEADER_NOTE}.",
           " * Plain numbers (no C suffixes); C code includes softhba_regs.h instead. */",
           "#ifndef SOFTHBA_REGS_ASM_H", "#define SOFTHBA_REGS_ASM_H", ""]
    out += [f"#define {n} 0x{v:x}" for n, v in plain_consts(blocks)]
    out += ["", "#endif /* SOFTHBA_REGS_ASM_H */"]
    return "\n".join(out) + "\n"


def gen_mk(blocks):
    out = [f"# softhba register map for make (decimal numbers): {HEADER_NOTE}.", ""]
    out += [f"{n} := {v}" for n, v in plain_consts(blocks)]
    return "\n".join(out) + "\n"


def md_table(out, head, rows):
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + " --- |" * len(head))
    out += ["| " + " | ".join(row) + " |" for row in rows]
    out.append("")


def gen_md(blocks):
    out = ["# Register reference", "",
           f"<!-- {HEADER_NOTE} -->", "",
           "Every register of the card, from the one source of truth in `regmap/*.regs`. "
           "C code includes `regmap/softhba_regs.h` (names `SHBA_<BLOCK>_<REG>` for offsets, "
           "`..._<FIELD>` for one-bit masks, `..._SHIFT`/`..._MASK` for every field); "
           "RTL includes `regmap/softhba_regs.vh` (same names as Verilog macros, bit numbers for "
           "fields). Encoding tables (a code selects a value) become, for table T of block B: "
           "in C `SHBA_B_T_TABLE` (an initializer list indexed by code, `SHBA_TABLE_NONE` for a code "
           "that selects nothing), `SHBA_B_T_COUNT`, `SHBA_B_T_DEFAULT`, `SHBA_B_T_NONE` (the "
           "'none' code), `SHBA_B_T_LIST` (the values as text, for messages) and the lookups "
           "`SHBA_B_T_VALUE(code)` and `SHBA_B_T_CODE(value)` (-1: no code); in Verilog the "
           "functions `shba_b_t_value(code)` and, for tables with a 'none' code, `shba_b_t_code(onehot)` "
           "from `regmap/softhba_tables.vh` (included inside a module). Assembly and linker scripts "
           "include `regmap/softhba_regs_asm.h` (bases, offsets and constants as plain numbers), "
           "make includes `regmap/softhba_regs.mk` (the same in decimal). "
           "`make test` fails when a generated file is stale.", ""]
    for b in blocks:
        out.append(f"## {b['name']}: {b['title']}")
        out.append("")
        if b["regs"]:
            out.append(f"Base `0x{b['base']:08x}`, {b['aw']}-bit offsets (source `{b['src']}`).")
        else:
            out.append(f"Source `{b['src']}`.")
        out.append("")
        for t in b["text"]:
            out.append(t)
            out.append("")
        if b["regs"]:
            md_table(out, ["offset", "register", "access", "description"],
                     [[f"0x{r['off']:x}", r["name"], r["access"], r["desc"]] for r in b["regs"]])
        for r in b["regs"]:
            if not r["fields"]:
                continue
            out.append(f"**{r['name']}** (0x{r['off']:x})")
            out.append("")
            md_table(out, ["bits", "field", "description"],
                     [[str(f["hi"]) if f["hi"] == f["lo"] else f"{f['hi']}:{f['lo']}", f["name"], f["desc"]]
                      for f in sorted(r["fields"], key=lambda f: -f["hi"])])
        if b["consts"]:
            md_table(out, ["constant", "value", "meaning"],
                     [[c["name"], f"0x{c['value']:x}", c["desc"]] for c in b["consts"]])
        for t in b["tables"]:
            out.append(f"**Table {t['name']}**: {t['desc']} ({t['cbits']}-bit code, "
                       f"{t['vbits']}-bit value; the hardware decodes codes not listed, and 'none', as the default)")
            out.append("")
            md_table(out, ["code", "value", "meaning"],
                     [[str(c["code"]), c["text"], c["desc"] + (" (default)" if c["default"] else "")]
                      for c in t["codes"]])
    return "\n".join(out)


def main():
    check = "--check" in sys.argv[1:]
    sources = sorted(glob.glob(os.path.join(ROOT, "regmap", "*.regs")))
    try:
        blocks = parse(sources)
    except Error as e:
        print(f"regmap: {e}", file=sys.stderr)
        return 1
    outputs = {OUT_H: gen_c(blocks), OUT_VH: gen_vh(blocks), OUT_TABLES_VH: gen_tables_vh(blocks),
               OUT_ASM: gen_asm(blocks), OUT_MK: gen_mk(blocks), OUT_MD: gen_md(blocks)}
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
