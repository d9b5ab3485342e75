#!/bin/sh
# Install (idempotently) the Debian packages softhba builds and tests with,
# then check the tool versions the project relies on.
# Uses apt-get directly as root, through sudo otherwise.
set -eu

PACKAGES="make gcc g++ python3 zlib1g-dev
verilator yosys nextpnr-ice40 fpga-icestorm
gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
gcc-mingw-w64-i686 mingw-w64-i686-dev binutils-mingw-w64-i686
clang libclang-rt-14-dev clang-tidy cppcheck
dosfstools mtools exfatprogs xorriso
libunicorn-dev"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "deps: installing:$missing"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

fail=0
need() { # need TOOL MIN_MAJOR MIN_MINOR VERSION_STRING
    tool=$1; want_major=$2; want_minor=$3; have=$4
    major=$(echo "$have" | sed -E 's/^([0-9]+).*/\1/')
    minor=$(echo "$have" | sed -E 's/^[0-9]+\.([0-9]+).*/\1/; t; s/.*/0/')
    if [ -z "$major" ] || [ "$major" -lt "$want_major" ] ||
       { [ "$major" -eq "$want_major" ] && [ "$minor" -lt "$want_minor" ]; }; then
        echo "deps: $tool $have is too old (need >= $want_major.$want_minor)" >&2
        fail=1
    fi
}
need verilator 5 6 "$(verilator --version | awk '{print $2}')"
need yosys 0 23 "$(yosys -V | awk '{print $2}')"
need riscv64-unknown-elf-gcc 12 0 "$(riscv64-unknown-elf-gcc -dumpversion)"
need i686-w64-mingw32-gcc 10 0 "$(i686-w64-mingw32-gcc -dumpversion | sed 's/-.*//')"
for t in nextpnr-ice40 icepack icebram icetime clang cppcheck mkfs.fat fsck.fat mcopy mkfs.exfat fsck.exfat xorriso; do
    command -v "$t" >/dev/null || { echo "deps: $t not found" >&2; fail=1; }
done
[ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ] ||
    { echo "deps: picolibc specs not found" >&2; fail=1; }
[ "$fail" -eq 0 ] || exit 1
echo "deps: ok"
