#!/usr/bin/env python3
"""Checks of the board's flash image and bitstream (tests/fpga/bitstream_test.sh).

  check_flash_image.py layout FLASH.bin BITSTREAM.bin FIRMWARE.bin FW_OFFSET
      the whole flash image `make prog` writes: the bitstream at 0, erased
      bytes (0xFF) up to FW_OFFSET, the firmware region's image there, nothing
      after it
  check_flash_image.py no-ram-init BITSTREAM.asc MAX_BLOCKS
      at most MAX_BLOCKS block RAMs carry initial contents (the CPU register
      file's constant words): the SoC's data RAM and the flash cache start
      empty, the firmware is not in the bitstream"""
import sys


def layout(flash, bit, fw, offset):
    image = open(flash, "rb").read()
    bitstream = open(bit, "rb").read()
    firmware = open(fw, "rb").read()
    offset = int(offset, 0)
    if image[:len(bitstream)] != bitstream:
        sys.exit(f"{flash}: does not start with the bitstream {bit}")
    gap = image[len(bitstream):offset]
    if len(gap) != offset - len(bitstream) or gap.strip(b"\xff"):
        sys.exit(f"{flash}: bytes {len(bitstream)}..{offset - 1} are not all erased (0xFF)")
    if image[offset:] != firmware:
        sys.exit(f"{flash}: the region at 0x{offset:x} is not {fw} ({len(image) - offset} bytes "
                 f"there, {len(firmware)} in the firmware)")
    print(f"flash image: bitstream {len(bitstream)} bytes at 0, erased to 0x{offset:x}, "
          f"firmware {len(firmware)} bytes there")


def no_ram_init(asc, max_blocks):
    blocks, nonzero, current = 0, 0, None
    with open(asc, encoding="ascii") as f:
        for line in f:
            if line.startswith("."):
                if current is not None and current:
                    nonzero += 1
                current = None
                if line.startswith(".ram_data"):
                    blocks += 1
                    current = False
            elif current is not None and line.strip().strip("0"):
                current = True
    if current:
        nonzero += 1
    if blocks == 0:
        sys.exit(f"{asc}: no block RAM found")
    if nonzero > int(max_blocks):
        sys.exit(f"{asc}: {nonzero} of {blocks} block RAMs have initial contents, at most {max_blocks} "
                 "expected (the CPU register file's constants)")
    print(f"block RAMs: {nonzero} of {blocks} initialised (the CPU register file's constants); "
          "the data RAM and the cache start empty")


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "layout":
        layout(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "no-ram-init":
        no_ram_init(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
