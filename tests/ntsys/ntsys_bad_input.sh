#!/bin/bash
# Bad binary drivers given to softhba-sim --driver=PATH.sys: each must end
# the run with a clear message (naming the field, the import, the
# relocation or the address) and a non-zero exit status, never a hang.
#   bad-option       --driver=softhba (neither sys, native nor a .sys)
#   missing-file     --driver=PATH.sys that does not exist
#   truncated        the first 700 bytes of softhba.sys
#   truncated-data   the headers whole, the sections cut off
#   corrupt-header   the PE signature overwritten
#   corrupt-machine  the COFF Machine field says x64
#   missing-import   an import renamed (ScsiPortMoveMemory -> ...Memorx)
#   other-dll        the import names NTOSKRNL.EXE instead of SCSIPORT.SYS
#   bad-relocation   a HIGHLOW relocation turned into DIR64
#   fault-null fault-invalid fault-runaway fault-poll fault-call fault-int fault-thunk
#   fault-stack
#                    build/ntsys/fault.sys (tests/ntsys/fault_driver.c)
#                    misbehaving inside HwFindAdapter / HwInitialize
# Usage: tests/ntsys/ntsys_bad_input.sh CASE (from the repository root).
set -u
SIM=${SIM:-build/sim/softhba-sim}
SYS=${SYS:-build/driver/softhba.sys}
FAULT_SYS=${FAULT_SYS:-build/ntsys/fault.sys}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/softhba-ntsys.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect STATUS REGEX SIM-ARGS...: softhba-sim exits STATUS and says REGEX.
expect() {
    local want=$1 re=$2; shift 2
    truncate -s 1M "$WORK/d.img"
    timeout 120 "$SIM" --disk "$WORK/d.img" --max-time-ms 10000 "$@" info >"$WORK/out" 2>"$WORK/err"
    local got=$?
    cat "$WORK/err"
    [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want"
    grep -Eq -- "$re" "$WORK/err" || fail "no '$re' in the error output"
}

# patch OUT PYTHON: a copy of softhba.sys changed by a Python snippet that
# edits the bytearray d (helpers: u16, u32 read; sect_off(rva) file offset).
patch() {
    python3 - "$SYS" "$1" "$2" <<'PY'
import struct, sys
src, out, code = sys.argv[1], sys.argv[2], sys.argv[3]
d = bytearray(open(src, "rb").read())
u16 = lambda o: struct.unpack_from("<H", d, o)[0]
u32 = lambda o: struct.unpack_from("<I", d, o)[0]
pe = u32(0x3C); opt = pe + 24; sect = opt + u16(pe + 20)
def sect_off(rva):
    for i in range(u16(pe + 6)):
        h = sect + 40 * i
        va, raw, ptr = u32(h + 12), u32(h + 16), u32(h + 20)
        if va <= rva < va + raw:
            return ptr + rva - va
    raise SystemExit(f"RVA {rva:#x} not in a section")
exec(code)
open(out, "wb").write(d)
PY
}

c=${1:-}
case "$c" in
    bad-option)
        expect 2 "bad --driver 'softhba': sys, native or a PATH.sys" --driver=softhba ;;
    missing-file)
        expect 126 "ntsys: $WORK/none.sys: No such file or directory" --driver="$WORK/none.sys" ;;
    truncated)
        head -c 700 "$SYS" >"$WORK/t.sys"
        expect 126 'truncated: the headers \(SizeOfHeaders at offset 0x[0-9a-f]+ = 0x400\) end past the end of the file \(700 bytes\)' --driver="$WORK/t.sys" ;;
    truncated-data)
        head -c 9000 "$SYS" >"$WORK/t.sys"
        expect 126 'truncated: section \.[a-z]+ .*PointerToRawData' --driver="$WORK/t.sys" ;;
    corrupt-header)
        patch "$WORK/c.sys" 'd[pe:pe+4] = b"XX\0\0"'
        expect 126 'signature at offset 0x[0-9a-f]+ \(e_lfanew\) is not "PE' --driver="$WORK/c.sys" ;;
    corrupt-machine)
        patch "$WORK/c.sys" 'struct.pack_into("<H", d, pe + 4, 0x8664)'
        expect 126 'COFF Machine \(offset 0x[0-9a-f]+\) is 0x8664, not i386' --driver="$WORK/c.sys" ;;
    missing-import)
        patch "$WORK/m.sys" 'i = d.index(b"ScsiPortMoveMemory\0"); d[i+17:i+18] = b"x"'
        expect 126 'import scsiport.sys!ScsiPortMoveMemorx is not provided' --driver="$WORK/m.sys" ;;
    other-dll)
        patch "$WORK/o.sys" 'i = d.index(b"scsiport.sys\0"); d[i:i+12] = b"ntoskrnl.exe"'
        expect 126 'imports from ntoskrnl.exe: the emulation provides SCSIPORT.SYS only' --driver="$WORK/o.sys" ;;
    bad-relocation)
        patch "$WORK/r.sys" '
o = sect_off(u32(opt + 96 + 8 * 5)) + 8
struct.pack_into("<H", d, o, 0xA000 | (u16(o) & 0xFFF))'
        expect 126 'relocation type 10 \(IMAGE_REL_BASED_DIR64\) at RVA 0x[0-9a-f]+ \(address 0x[0-9a-f]+\) is not supported' \
            --driver="$WORK/r.sys" ;;
    fault-null)
        expect 6 'FAULT in HwFindAdapter: write to unmapped address 0x00000010 \(4 bytes\) \[EIP 0x[0-9a-f]+ \(image RVA' \
            --driver="$FAULT_SYS" --driver-args=null ;;
    fault-invalid)
        expect 6 'FAULT in HwFindAdapter: invalid instruction \[EIP 0x[0-9a-f]+ \(image RVA' \
            --driver="$FAULT_SYS" --driver-args=invalid ;;
    fault-runaway)
        expect 6 'FAULT in HwFindAdapter: runaway: more than [0-9]+ instructions' \
            --driver="$FAULT_SYS" --driver-args=runaway ;;
    fault-poll)
        expect 6 'FAULT in HwFindAdapter: runaway: more than [0-9]+ imports called without returning \(the last ScsiPortStallExecution\)' \
            --driver="$FAULT_SYS" --driver-args=poll ;;
    fault-call)
        expect 6 'FAULT in HwFindAdapter: jump or call to unmapped address 0x12345678 \(return address on the stack: 0x[0-9a-f]+ \(image RVA' \
            --driver="$FAULT_SYS" --driver-args=call ;;
    fault-int)
        expect 6 'FAULT in HwFindAdapter: the driver raised interrupt 0x21' \
            --driver="$FAULT_SYS" --driver-args=int ;;
    fault-thunk)
        expect 6 'FAULT in HwFindAdapter: the driver called 0x[0-9a-f]+, inside the import thunks but no import.s entry' \
            --driver="$FAULT_SYS" --driver-args=thunk ;;
    fault-stack)
        expect 6 'FAULT in HwInitialize: stack imbalance: HwInitialize \(stdcall, 4 bytes of arguments\) returned with ESP 0x[0-9a-f]+, expected 0x[0-9a-f]+' \
            --driver="$FAULT_SYS" --driver-args=stack ;;
    *) fail "unknown case '$c'" ;;
esac
echo "ok: ntsys bad input $c"
