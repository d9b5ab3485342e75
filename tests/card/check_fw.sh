#!/bin/bash
# The card firmware image as built by `make all`: its data fits the RAM with
# its stack reserve and its code the flash's firmware region, it starts at the
# flash base (where the CPU resets) with _start, carries the pieces it must
# (command loop, SCSI layer, SD driver, its own trap handler) and not
# picolibc's printf, and its .hex is the firmware region's image (the .bin as
# words) that the co-simulation's flash model takes.
set -u
elf=build/fw/softhba_fw.elf
hex=build/fw/softhba_fw.hex
regs=regmap/softhba_regs.h
fail() { echo "card-fw-size: $*" >&2; exit 1; }

[ -f "$elf" ] && [ -f "$hex" ] || fail "missing $elf or $hex (run make all)"
val() { printf '%d' "$(sed -n "s/.*define $1 \(0x[0-9a-f]*\)u.*/\1/p" "$regs")"; }
ram=$(val SHBA_SOC_RAM_SIZE)
base=$(val SHBA_SOC_FLASH_BASE)
flash=$(val SHBA_SOC_FLASH_FW_SIZE)
bin=build/fw/softhba_fw.bin
# The stack reserve the image was linked with (its .stack section: the
# measured one, FW_STACK_RESERVE_softhba_fw in firmware/card/card_fw.mk).
reserve=$(riscv64-unknown-elf-size -A "$elf" | awk '$1 == ".stack" {print $2}')
[ -n "$reserve" ] && [ "$reserve" -ge 512 ] || fail "stack reserve '${reserve}' missing or under 512 bytes"

read -r text data bss < <(riscv64-unknown-elf-size -A "$elf" | awk '
  $1 ~ /^\.(text|rodata|text_rest)$/ {t += $2} $1 ~ /^\.(data|tdata)$/ {d += $2}
  $1 ~ /^\.(bss|tbss_space)$/ {b += $2} END {print t+0, d+0, b+0}')
used=$((data + bss + reserve))
code=$((text + data))
echo "softhba_fw: RAM: data $data bss $bss + stack reserve $reserve = $used of $ram; flash: text+rodata $text + data image $data = $code of $flash"
[ "$used" -le "$ram" ] || fail "does not fit the RAM: $used > $ram bytes"
[ "$code" -le "$flash" ] || fail "does not fit the flash region: $code > $flash bytes"

entry=$(riscv64-unknown-elf-readelf -h "$elf" | awk '/Entry point/ {print $4}')
[ "$((entry))" -eq "$base" ] || fail "entry $entry is not the flash base $base"
syms=$(riscv64-unknown-elf-nm "$elf")
start=$(awk '$3 == "_start" {print $1}' <<<"$syms")
[ -n "$start" ] && [ "$((16#$start))" -eq "$base" ] || fail "_start is not at the entry"
for s in main shba_trap engine_wait op_medium op_send op_receive op_read_blocks op_write_blocks op_verify_blocks; do
  grep -qE " [Tt] $s\$" <<<"$syms" || fail "symbol $s missing from the image"
done
# (LTO inlines much; the scsi_ops functions and the SD wait callback are
# reached through pointers, so they stay out of line under their names.)
for s in __i_vfprintf vfprintf_ printf; do
  if grep -qE " [Tt] $s\$" <<<"$syms"; then fail "$s is linked (the default trap's printf?)"; fi
done

lines=$(wc -l <"$hex")
size=$(stat -c %s "$bin")
[ "$lines" -eq $(((size + 3) / 4)) ] || fail "$hex has $lines lines, want $(((size + 3) / 4)) (the .bin's words)"
grep -qvE '^[0-9a-f]{8}$' "$hex" && fail "$hex has a line that is not 8 hex digits"
first=$(head -1 "$hex")
want=$(riscv64-unknown-elf-objdump -d "$elf" --start-address="$base" --stop-address=$((base + 4)) |
       awk '/^ *[0-9a-f]+:/ {print $2; exit}')
[ "$first" = "$want" ] || fail "$hex word 0 is $first, the ELF has $want"
echo "card-fw-size: ok"
