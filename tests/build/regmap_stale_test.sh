#!/bin/sh
# The build must notice a generated file that no longer matches regmap/*.regs:
# in a copy of the tree's regmap, (1) edit a source and expect --check to fail
# naming the outputs it changes, (2) edit each generated output by hand and
# expect --check to name exactly that output.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
outputs="regmap/softhba_regs.h regmap/softhba_regs.vh regmap/softhba_tables.vh
regmap/softhba_regs_asm.h regmap/softhba_regs.mk docs/registers.md"
mkdir -p "$tmp/regmap" "$tmp/docs"
cp regmap/*.regs regmap/gen_regmap.py "$tmp/regmap/"
for f in $outputs; do cp "$f" "$tmp/$f"; done
python3 "$tmp/regmap/gen_regmap.py" --check

expect_stale() {   # $1: what was changed; the rest: outputs --check must name
    what=$1; shift
    if python3 "$tmp/regmap/gen_regmap.py" --check 2>"$tmp/err"; then
        echo "$what: stale output not detected" >&2
        exit 1
    fi
    for f in "$@"; do
        grep -q "stale.*$f" "$tmp/err" || { echo "$what: $f not named: $(cat "$tmp/err")" >&2; exit 1; }
    done
    echo "$what: detected ($(head -1 "$tmp/err"))"
}

# A source edit: a constant and a table code.
cp "$tmp/regmap/10-host.regs" "$tmp/host.regs.orig"
sed -i 's/^const ID_LEN 8/const ID_LEN 9/' "$tmp/regmap/10-host.regs"
expect_stale "const ID_LEN" regmap/softhba_regs.h regmap/softhba_regs_asm.h regmap/softhba_regs.mk
cp "$tmp/host.regs.orig" "$tmp/regmap/10-host.regs"
sed -i 's/^code 6 11 "IRQ11"/code 6 12 "IRQ12"/' "$tmp/regmap/10-host.regs"
expect_stale "table CONFIG_IRQ_SEL" regmap/softhba_regs.h regmap/softhba_tables.vh docs/registers.md
cp "$tmp/host.regs.orig" "$tmp/regmap/10-host.regs"
python3 "$tmp/regmap/gen_regmap.py" --check

# A hand edit of each output.
for f in $outputs; do
    cp "$tmp/$f" "$tmp/out.orig"
    echo "hand edit" >> "$tmp/$f"
    expect_stale "edited $f" "$f"
    head -1 "$tmp/err" | grep -qx "regmap: generated files are stale: $f" \
        || { echo "edited $f: other outputs named too" >&2; exit 1; }
    cp "$tmp/out.orig" "$tmp/$f"
done
python3 "$tmp/regmap/gen_regmap.py" --check
