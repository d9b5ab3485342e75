#!/usr/bin/env bash
# Checks that build/driver/softhba.sys is an image Windows NT can load as a
# SCSI miniport: PE32 for i386, native subsystem, entry point DriverEntry
# (stdcall, 8 bytes of arguments), base relocations present, a non-zero
# image checksum, and an import table naming SCSIPORT.SYS alone with only
# ScsiPort* functions; the object has no undefined symbol but those imports.
# Usage: tests/driver/check_sys.sh [SYS]   (default build/driver/softhba.sys)
set -u
SYS=${1:-build/driver/softhba.sys}
DIR=$(dirname "$SYS")
MAP="$DIR/softhba.map"
OBJ="$DIR/softhba.o"
OBJDUMP=i686-w64-mingw32-objdump
NM=i686-w64-mingw32-nm
fail=0
bad() { echo "check_sys: FAIL: $*"; fail=1; }

[ -f "$SYS" ] || { echo "check_sys: $SYS missing (run make driver)"; exit 1; }
hdr=$($OBJDUMP -p "$SYS") || { echo "check_sys: objdump cannot read $SYS"; exit 1; }
field() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$hdr"; }

# The PE machine field, read from the file itself: 0x14c is i386.
pe_off=$(od -An -tu4 -j60 -N4 "$SYS" | tr -d ' ')
machine=$(od -An -tx2 -j$((pe_off + 4)) -N2 "$SYS" | tr -d ' ')
sig=$(od -An -c -j"$pe_off" -N4 "$SYS" | tr -d ' ')
[ "$sig" = 'PE\0\0' ] || bad "no PE signature (got '$sig')"
[ "$machine" = "014c" ] || bad "machine is 0x$machine, not i386 (0x014c)"
[ "$(field Magic)" = "010b" ] || bad "optional header magic $(field Magic), not PE32 (010b)"
[ "$(field Subsystem)" = "00000001" ] || bad "subsystem $(field Subsystem), not native (1)"
[ "$(field CheckSum)" != "00000000" ] || bad "image checksum is 0"
grep -q "Base Relocation Directory" <<<"$hdr" &&
  ! grep -q "^Entry 5 00000000 00000000" <<<"$hdr" || bad "no base relocations"
grep -q "Characteristics.*" <<<"$hdr"
if grep -qx $'\tDLL' <<<"$hdr"; then bad "image is marked DLL"; fi

# Entry point: ImageBase + AddressOfEntryPoint is DriverEntry@8 in the link map.
entry=$(( 0x$(field ImageBase) + 0x$(field AddressOfEntryPoint) ))
if [ -f "$MAP" ]; then
  de=$(awk '$2 == "DriverEntry@8" || $2 == "_DriverEntry@8" { print $1; exit }' "$MAP")
  if [ -z "$de" ]; then bad "DriverEntry@8 not in $MAP"
  elif [ $((de)) -ne $entry ]; then bad "entry 0x$(printf %x $entry) is not DriverEntry@8 ($de)"; fi
else
  bad "link map $MAP missing"
fi

# Imports: exactly one DLL, SCSIPORT.SYS, and only ScsiPort* names from it.
dlls=$(awk '/DLL Name:/ { print toupper($3) }' <<<"$hdr")
[ "$dlls" = "SCSIPORT.SYS" ] || bad "imported DLLs are '$(echo $dlls)', want SCSIPORT.SYS alone"
imports=$(awk '/DLL Name:/ { on = 1; next } on && NF == 0 { on = 0 }
               on && $1 ~ /^[0-9a-f]+$/ && NF >= 3 { print $3 }' <<<"$hdr")
[ -n "$imports" ] || bad "no imported functions found"
for f in $imports; do
  case "$f" in ScsiPort*) ;; *) bad "imported symbol $f is not a ScsiPort* function" ;; esac
done

# Undefined symbols of the object: only the SCSIPORT imports.
if [ -f "$OBJ" ]; then
  while read -r _ sym; do
    case "$sym" in __imp__ScsiPort*) ;; *) bad "undefined symbol $sym in $OBJ" ;; esac
  done < <($NM -u "$OBJ")
else
  bad "object $OBJ missing"
fi

if [ $fail -eq 0 ]; then
  echo "check_sys: $SYS: PE32 i386 native, entry DriverEntry@8, imports $(wc -w <<<"$imports") ScsiPort* functions from SCSIPORT.SYS"
fi
exit $fail
