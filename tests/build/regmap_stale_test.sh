#!/bin/sh
# The build must notice a generated register header that no longer matches
# regmap/*.regs: edit a copy of the tree's regmap and expect --check to fail.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/regmap" "$tmp/docs"
cp regmap/*.regs regmap/gen_regmap.py regmap/softhba_regs.h regmap/softhba_regs.vh "$tmp/regmap/"
cp docs/registers.md "$tmp/docs/"
python3 "$tmp/regmap/gen_regmap.py" --check
sed -i 's/^const ID_LEN 8/const ID_LEN 9/' "$tmp/regmap/10-host.regs"
if python3 "$tmp/regmap/gen_regmap.py" --check 2>"$tmp/err"; then
    echo "stale header not detected" >&2
    exit 1
fi
grep -q "stale" "$tmp/err"
echo "stale header detected: $(cat "$tmp/err" | head -1)"
