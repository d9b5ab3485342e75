#!/bin/sh
# The pin file, the wiring diagram and the wiring tables in docs/hardware.md
# are what rtl/boards/hx8k_wiring.py makes from its table, and an edited copy
# of any of them is reported stale.
set -eu
python3 rtl/boards/hx8k_wiring.py --check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in constraints/hx8k-breakout.pcf docs/img/wiring.svg docs/hardware.md; do
    rm -rf "$tmp/root"; mkdir -p "$tmp/root/constraints" "$tmp/root/docs/img"
    for g in constraints/hx8k-breakout.pcf docs/img/wiring.svg docs/hardware.md; do cp "$g" "$tmp/root/$g"; done
    # an edit inside the generated part of each file (the doc's prose is free)
    sed -i 's/B12/B13/; s/T14/T16/' "$tmp/root/$f"
    if python3 rtl/boards/hx8k_wiring.py --check "$tmp/root" 2>"$tmp/err"; then
        echo "edited $f not noticed" >&2; exit 1
    fi
    grep -q "stale.*$f" "$tmp/err"
done
echo "wiring: generated files current; edits to each are detected"
