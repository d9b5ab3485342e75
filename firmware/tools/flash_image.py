#!/usr/bin/env python3
"""Build the whole SPI flash image the board boots from: the FPGA bitstream
at offset 0, erased bytes (0xFF) up to the firmware region, the firmware
region's image at FW_OFFSET.  Fails, saying by how much, when the bitstream
runs into the firmware region or the firmware is larger than the region.
Usage: flash_image.py BITSTREAM.bin FIRMWARE.bin FW_OFFSET FW_SIZE OUT.bin"""
import sys


def main():
    if len(sys.argv) != 6:
        sys.exit("usage: flash_image.py BITSTREAM.bin FIRMWARE.bin FW_OFFSET FW_SIZE OUT.bin")
    bit = open(sys.argv[1], "rb").read()
    fw = open(sys.argv[2], "rb").read()
    offset, size = int(sys.argv[3], 0), int(sys.argv[4], 0)
    if len(bit) > offset:
        sys.exit(f"flash_image: the bitstream is {len(bit)} bytes, {len(bit) - offset} more than "
                 f"the {offset} bytes before the firmware region")
    if len(fw) > size:
        sys.exit(f"flash_image: the firmware is {len(fw)} bytes, {len(fw) - size} more than the "
                 f"{size}-byte region")
    image = bit + b"\xff" * (offset - len(bit)) + fw
    with open(sys.argv[5], "wb") as f:
        f.write(image)
    print(f"flash_image: {sys.argv[5]}: bitstream {len(bit)} bytes at 0, firmware {len(fw)} bytes "
          f"at 0x{offset:x}")


if __name__ == "__main__":
    main()
