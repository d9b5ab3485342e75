#!/usr/bin/env python3
"""Replay a flash-window fetch trace through the XIP cache's geometry.

The trace is what SHBA_FETCH_TRACE=FILE makes any co-simulation program
write (rtl/soc/spi_flash_xip.v): one line per cache hit, "WORDADDR CLOCK",
the word address (hex) within the flash window and the core clock.  A miss
fills the line and then hits, so the trace holds every read of the window,
instruction fetches and read-only data alike, in order.  This replays them
through a direct-mapped cache (CACHE_BYTES, LINE_BYTES, cold at the start as
after reset) and counts the misses inside windows of core clocks that the
cardproto bench writes (CARDPROTO_WINDOWS: "cmd START DRQ" per warm command,
"loop START END" for its whole warm part).

    fetch_trace_replay.py TRACE WINDOWS [--json OUT] [--max-misses N]
                          [--elf ELF [--require-hot]] [--profile]
                          [--cache-bytes B] [--line-bytes L]

Figures (--json): flash_warm_misses (misses in the loop window: every read
the card makes from the first warm READ(10) to the end of the bench's iops
loop, idle loop included), flash_warm_cmd_misses (those between a warm
command's START and its first DRQ), flash_warm_lines (distinct lines the loop
window reads; a direct-mapped cache can hold them without conflicts only if
no two share a set) and flash_warm_cmd_clocks (mean START-to-DRQ clocks).
--max-misses N exits 1 when flash_warm_misses > N, naming the functions
whose lines missed (--elf) so that a layout regression is seen at once.
With --elf, flash_warm_outside_hot counts the warm loop's reads outside the
linker script's hot block (__flash_hot_start .. __flash_hot_end,
firmware/common/link.ld.S), naming their functions: a READ-path function
left out of the block may not miss today, but the next change elsewhere
can put it onto a hot line's set.  --require-hot exits 1 when there is any.
--profile (with --elf) prints where the clocks of the warm commands go, by
function: the clocks from each read to the next are charged to the function
of the last instruction read (a read-only data read counts for the code
that made it).
"""
import argparse
import bisect
import collections
import json
import subprocess
import sys


def read_windows(path):
    cmds, loop = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "cmd":
                cmds.append((int(w[1]), int(w[2])))
            elif w[0] == "loop":
                loop = (int(w[1]), int(w[2]))
    if loop is None or not cmds:
        sys.exit(f"{path}: no 'loop' or 'cmd' window (run the cardproto bench with CARDPROTO_WINDOWS)")
    return cmds, loop


class Symbols:
    """Function symbols of the ELF, as window offsets (the flash base off)."""

    def __init__(self, elf, base):
        out = subprocess.run(["riscv64-unknown-elf-nm", "-S", "--defined-only", "-n", elf],
                             check=True, capture_output=True, text=True).stdout
        self.starts, self.ends, self.names = [], [], []
        self.hot = None
        marks = {}
        for line in out.splitlines():
            w = line.split()
            if len(w) == 3 and w[2] in ("__flash_hot_start", "__flash_hot_end"):
                marks[w[2]] = int(w[0], 16) - base
            if len(w) != 4 or w[2] not in "tTwW":
                continue
            addr, size = int(w[0], 16), int(w[1], 16)
            if addr < base:
                continue
            self.starts.append(addr - base)
            self.ends.append(addr - base + size)
            self.names.append(w[3])
        if len(marks) == 2:
            self.hot = (marks["__flash_hot_start"], marks["__flash_hot_end"])

    def name(self, off):
        i = bisect.bisect_right(self.starts, off) - 1
        if i >= 0 and off < self.ends[i]:
            return self.names[i]
        return "?"  # read-only data, or code without a symbol size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace")
    ap.add_argument("windows")
    ap.add_argument("--json")
    ap.add_argument("--max-misses", type=int)
    ap.add_argument("--elf")
    ap.add_argument("--flash-base", type=lambda s: int(s, 0), default=0x40000000)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--require-hot", action="store_true")
    ap.add_argument("--cache-bytes", type=int, default=4096)
    ap.add_argument("--line-bytes", type=int, default=32)
    a = ap.parse_args()

    cmds, (loop0, loop1) = read_windows(a.windows)
    sym = Symbols(a.elf, a.flash_base) if a.elf else None
    sets = a.cache_bytes // a.line_bytes
    tags = [None] * sets
    misses = cmd_misses = 0
    lines = set()
    missed = collections.Counter()      # function -> misses in the loop window
    outside = collections.Counter()     # function -> warm reads outside the hot block
    if a.require_hot and (not sym or not sym.hot):
        sys.exit("fetch trace: --require-hot needs --elf with __flash_hot_start/__flash_hot_end")
    prof = collections.Counter()        # function -> clocks in the warm commands
    ci = 0                              # the command window being looked at
    prev_clk = None                     # clock of the read before
    cur_fn = "?"                        # the function the last named read was in
    with open(a.trace, encoding="ascii") as f:
        for line in f:
            addr_s, clk_s = line.split()
            off = int(addr_s, 16) * 4
            clk = int(clk_s)
            line_no = off // a.line_bytes
            s = line_no % sets
            hit = tags[s] == line_no
            tags[s] = line_no
            if loop0 <= clk <= loop1:
                lines.add(line_no)
                if not hit:
                    misses += 1
                    if sym:
                        missed[sym.name(off)] += 1
                if sym and sym.hot and not sym.hot[0] <= off < sym.hot[1]:
                    outside[sym.name(off)] += 1
            while ci < len(cmds) and clk > cmds[ci][1]:
                ci += 1
            in_cmd = ci < len(cmds) and cmds[ci][0] <= clk <= cmds[ci][1]
            if in_cmd and not hit:
                cmd_misses += 1
            if a.profile and sym:
                if prev_clk is not None and in_cmd:
                    prof[cur_fn] += clk - prev_clk
                n = sym.name(off)
                if n != "?":
                    cur_fn = n
            prev_clk = clk

    cmd_clocks = sum(e - s for s, e in cmds) / len(cmds)
    fig = {
        "flash_warm_misses": misses,
        "flash_warm_cmd_misses": cmd_misses,
        "flash_warm_lines": len(lines),
        "flash_warm_cmd_clocks": round(cmd_clocks, 1),
    }
    if sym and sym.hot:
        fig["flash_warm_outside_hot"] = sum(outside.values())
        fig["flash_hot_bytes"] = sym.hot[1] - sym.hot[0]
    print(f"fetch trace: {len(lines)} lines read in the warm loop, {misses} misses "
          f"({cmd_misses} between START and DRQ); START to DRQ {cmd_clocks:.0f} clocks")
    if missed:
        print("  misses by function: " + ", ".join(f"{n} {c}" for n, c in missed.most_common()))
    if sym and sym.hot:
        print(f"  hot block {sym.hot[1] - sym.hot[0]} bytes; warm reads outside it: {sum(outside.values())}"
              + "".join(f", {n} {c}" for n, c in outside.most_common()))
    if a.profile and sym:
        total = sum(prof.values())
        print(f"  clocks of the {len(cmds)} warm commands (START to DRQ) by function, per command:")
        for n, c in prof.most_common():
            print(f"    {c / len(cmds):8.1f}  {100.0 * c / total:5.1f} %  {n}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(fig, f)
            f.write("\n")
    if a.max_misses is not None and misses > a.max_misses:
        print(f"fetch trace: {misses} warm misses, more than {a.max_misses}: the READ path's "
              "code shares cache sets (firmware/common/link.ld.S, docs/soc.md)", file=sys.stderr)
        return 1
    if a.require_hot and outside:
        print("fetch trace: the warm loop reads outside the hot block: "
              + ", ".join(outside) + " (name them in firmware/common/link.ld.S)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
