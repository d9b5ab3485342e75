#!/usr/bin/env python3
"""Compare the block RAM initialisation of two iCE40 designs.

Each side is a placed .asc bitstream (its .ram_data blocks) or a Yosys JSON
netlist from synth_ice40 (the INIT_0..INIT_F parameters of its SB_RAM40_4K
cells; undefined bits count as 0, as in the bitstream).  Place and route
never changes a block's contents, so a synthesis-only netlist says what a
bitstream built from it holds.

Two builds of one design may place its block RAMs on different tiles
(nextpnr's placement is not invariant under a change of initial contents), so
the blocks are compared as a multiset of contents: exits 0 when both
bitstreams hold the same block contents, 1 otherwise, printing how many blocks
have no match (and how many differ tile by tile, for information).
--expect-differ inverts the verdict.
Usage: compare_bram.py [--expect-differ] A.asc|A.json B.asc|B.json"""
import json
import sys


def ram_blocks(path):
    blocks = {}
    key = None
    with open(path, encoding="ascii") as f:
        for line in f:
            if line.startswith("."):
                key = line.split()[1:3] if line.startswith(".ram_data") else None
                if key is not None:
                    key = tuple(key)
                    blocks[key] = []
            elif key is not None and line.strip():
                blocks[key].append(line.strip().lower())
    return blocks


def netlist_blocks(path):
    """SB_RAM40_4K INIT_0..F of a Yosys JSON netlist as .asc-style lines:
    line i of a block is INIT_i as 64 hex digits, most significant first."""
    with open(path, encoding="ascii") as f:
        design = json.load(f)
    blocks = {}
    for mod_name, mod in design["modules"].items():
        for cell_name, cell in mod.get("cells", {}).items():
            if cell["type"] != "SB_RAM40_4K":
                continue
            params = cell.get("parameters", {})
            lines = []
            for i in range(16):
                bits = params.get(f"INIT_{i:X}", "0" * 256)
                if isinstance(bits, int):
                    value = bits
                else:
                    value = int(bits.replace("x", "0").replace("z", "0"), 2)
                lines.append(f"{value:064x}")
            blocks[(mod_name, cell_name)] = lines
    return blocks


def load(path):
    return netlist_blocks(path) if path.endswith(".json") else ram_blocks(path)


def main():
    args = sys.argv[1:]
    expect_differ = "--expect-differ" in args
    args = [a for a in args if a != "--expect-differ"]
    if len(args) != 2:
        sys.exit(__doc__)
    a, b = load(args[0]), load(args[1])
    # (tile by tile only means something between two bitstreams)
    by_tile = sum(1 for k in set(a) | set(b) if a.get(k) != b.get(k))
    left = sorted("\n".join(v) for v in a.values())
    right = sorted("\n".join(v) for v in b.values())
    unmatched = 0
    i = j = 0
    while i < len(left) or j < len(right):
        if j >= len(right) or (i < len(left) and left[i] < right[j]):
            unmatched += 1
            i += 1
        elif i >= len(left) or right[j] < left[i]:
            unmatched += 1
            j += 1
        else:
            i += 1
            j += 1
    print(f"compare_bram: {len(a)} and {len(b)} RAM blocks, {unmatched} without an equal "
          f"block in the other ({by_tile} differ tile by tile)")
    same = unmatched == 0 and len(a) > 0
    sys.exit(0 if same != expect_differ else 1)


if __name__ == "__main__":
    main()
