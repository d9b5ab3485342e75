#!/bin/bash
# bench-img: disk images as files on the SD card (docs/fs.md).  Writes the
# flat JSON object $1 (default build/bench/img.json):
#   img_read64k_ratio_dma16, img_write64k_ratio_dma16: softhba-sim bench
#     (64 KiB READ(10)/WRITE(10), DMA channel 5) on a file-backed target
#     divided by the same on the raw card.  The image is fragmented into
#     runs of 80 KiB, so three of the six 64 KiB transfers span two extents
#     (two SD multi-block commands each).
#   card_ready_ms: power-on to the first GOOD TEST UNIT READY with 7 image
#     targets of 16 MiB on a sparse 1 GiB FAT32 card (mkfs.fat's default
#     cluster size): the mount maps every image's cluster chain.
set -euo pipefail
OUT=${1:-build/bench/img.json}
SIM=${SIM:-build/sim/softhba-sim}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/softhba-bench-img.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export MTOOLS_SKIP_CHECK=1 SOURCE_DATE_EPOCH=1796299200

# the raw card
truncate -s 64M "$WORK/raw.img"
"$SIM" --sd "$WORK/raw.img" --driver=native --dma 5 --json "$WORK/raw.json" --max-time-ms 60000 bench

# a FAT32 card whose HD0.img lies in 80 KiB runs between other files
truncate -s 64M "$WORK/card.img"
mkfs.fat --invariant -F 32 -s 1 -n SOFTHBA "$WORK/card.img" >/dev/null
head -c $((80 * 1024)) /dev/zero > "$WORK/hole"
for i in $(seq -w 0 19); do mcopy -i "$WORK/card.img" "$WORK/hole" "::F$i.BIN"; done
for i in $(seq -w 0 2 19); do mdel -i "$WORK/card.img" "::F$i.BIN"; done
# FSInfo's next-free hint back to the start, so mtools fills the holes
printf '\x02\x00\x00\x00' | dd of="$WORK/card.img" bs=1 seek=$((512 + 492)) conv=notrunc status=none
head -c $((640 * 1024)) /dev/urandom > "$WORK/hd0"
mcopy -i "$WORK/card.img" "$WORK/hd0" ::HD0.img
runs=$(mshowfat -i "$WORK/card.img" ::HD0.img | grep -o '<[0-9-]*>' | wc -l)
"$SIM" --sd "$WORK/card.img" --driver=native --dma 5 --json "$WORK/img.json" --max-time-ms 60000 bench

# 7 targets on a sparse 1 GiB FAT32 card
truncate -s 1G "$WORK/big.img"
mkfs.fat --invariant -F 32 -n SOFTHBA "$WORK/big.img" >/dev/null
truncate -s 16M "$WORK/img16"
for id in 0 1 2 3 4 5 6; do mcopy -i "$WORK/big.img" "$WORK/img16" "::HD$id.img"; done
"$SIM" --sd "$WORK/big.img" --driver=native --dma 5 --json "$WORK/ready.json" --max-time-ms 60000 info

python3 - "$WORK" "$OUT" "$runs" <<'PY'
import json, sys
w, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
raw, img, ready = (json.load(open(f"{w}/{n}.json")) for n in ("raw", "img", "ready"))
figures = {
    "img_read64k_ratio_dma16": round(img["read64k_kbps"] / raw["read64k_kbps"], 4),
    "img_write64k_ratio_dma16": round(img["write64k_kbps"] / raw["write64k_kbps"], 4),
    "img_read64k_kbps_dma16": img["read64k_kbps"],
    "img_write64k_kbps_dma16": img["write64k_kbps"],
    "img_bench_extents": runs,
    "card_ready_ms": ready["card_ready_ms"],
}
json.dump(figures, open(out, "w"), indent=1, sort_keys=True)
print("img:", ", ".join(f"{k} {v}" for k, v in figures.items()))
PY
