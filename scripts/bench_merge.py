#!/usr/bin/env python3
"""Merge build/bench/*.json (one flat object per area) into build/bench.json
and print the figures as a table. Fails on a duplicate figure name or a
value that is not a number or a string."""
import glob
import json
import os
import sys


def main(src_dir, out_path):
    merged = {}
    origin = {}
    for path in sorted(glob.glob(os.path.join(src_dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict):
            sys.exit(f"bench: {path} is not a JSON object")
        for k, v in data.items():
            if k in merged:
                sys.exit(f"bench: figure {k} in both {origin[k]} and {path}")
            if isinstance(v, (dict, list)):
                sys.exit(f"bench: figure {k} in {path} is not flat")
            merged[k] = v
            origin[k] = os.path.basename(path)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(merged, f, indent=2, sort_keys=True)
        f.write("\n")
    width = max([len(k) for k in merged] + [6])
    print(f"{'figure':<{width}}  {'value':>14}  from")
    for k in sorted(merged):
        v = merged[k]
        shown = f"{v:.3f}" if isinstance(v, float) else str(v)
        print(f"{k:<{width}}  {shown:>14}  {origin[k]}")
    print(f"bench: {len(merged)} figures written to {out_path}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench_merge.py BENCH_DIR OUT.json")
    main(sys.argv[1], sys.argv[2])
