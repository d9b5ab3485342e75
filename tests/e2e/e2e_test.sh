#!/bin/bash
# End-to-end tests of softhba-sim: the miniport under the port driver
# emulation, the co-simulated PC and the Verilated card running the real
# firmware on the SD card model.  Usage: tests/e2e/e2e_test.sh CASE
# (run from the repository root; build/sim/softhba-sim is built by make all).
set -u
SIM=${SIM:-build/sim/softhba-sim}
FW=${FW:-build/fw/softhba_fw.hex}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/softhba-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# A generous simulated-time limit: a hang fails instead of running forever
# (E2E_MAX_TIME_MS: a slower simulator, e.g. tests/gate, sets its own).
LIMIT=(--max-time-ms "${E2E_MAX_TIME_MS:-60000}")

fail() { echo "FAIL: $*" >&2; exit 1; }

# run EXPECTED_STATUS CMD...: stdout to $WORK/out, stderr to $WORK/err.
run() {
    local want=$1; shift
    "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "--- stdout"; cat "$WORK/out"; echo "--- stderr"; cat "$WORK/err"
        fail "'$*' exited $got, expected $want"
    fi
}

expect_in() {   # expect_in FILE REGEX
    grep -Eq -- "$2" "$1" || { cat "$1"; fail "no '$2' in $(basename "$1")"; }
}

disk() {        # disk PATH MiB: a sparse zero image
    truncate -s "${2}M" "$1"
}

case_info() {
    disk "$WORK/d.img" 2
    run 0 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" info
    expect_in "$WORK/out" '^adapter: +softhba at 0x340, IRQ 11, DMA channel 5 \(16-bit, demand mode\)'
    expect_in "$WORK/out" '^vendor: +SOFTHBA$'
    expect_in "$WORK/out" '^miniport: +build/driver/softhba.sys \([0-9]+ bytes\) in the i386 emulator, at 0x80400000 \(ImageBase 0x00010000, [1-9][0-9]* relocations\)'
    expect_in "$WORK/out" '^product: +[^ ].*'
    expect_in "$WORK/out" '^revision: +[^ ].*'
    expect_in "$WORK/out" '^blocks: +4096 \(last LBA 4095\)$'
    expect_in "$WORK/out" '^block size: +512$'
    expect_in "$WORK/out" '^size: +2\.00 MiB$'
    expect_in "$WORK/err" 'info: simulated [0-9.]+ ms .* kB/s'
    # other resources: the jumpers follow the options, the miniport finds them
    run 0 "$SIM" --disk "$WORK/d.img" --base 0x130 --irq 5 --dma 3 "${LIMIT[@]}" info
    expect_in "$WORK/out" '^adapter: +softhba at 0x130, IRQ 5, DMA channel 3 \(8-bit, demand mode\)'
    run 0 "$SIM" --disk "$WORK/d.img" --card-base 0x230 --irq 15 --pio "${LIMIT[@]}" info
    expect_in "$WORK/out" '^adapter: +softhba at 0x230, IRQ 15, PIO'
    run 0 "$SIM" --disk "$WORK/d.img" --dma 7 --single "${LIMIT[@]}" info
    expect_in "$WORK/out" 'DMA channel 7 \(16-bit, single mode\)'
}

case_default_disk() {
    # no --disk: a 32 MiB default image is made, the whole system answers
    run 0 "$SIM" "${LIMIT[@]}" info
    expect_in "$WORK/out" '^blocks: +65536 '
    expect_in "$WORK/out" '^size: +32\.00 MiB$'
}

case_verify() {  # case_verify ROUNDS SEED OPTIONS...
    local rounds=$1 seed=$2; shift 2
    disk "$WORK/d.img" 2
    run 0 "$SIM" --disk "$WORK/d.img" --seed "$seed" "$@" "${LIMIT[@]}" verify "$rounds"
    expect_in "$WORK/out" "^verify: $rounds rounds of write \+ read back, all data matches$"
    # with the driver's defaults (bus-on/bus-off time in demand mode) the
    # card never keeps refresh or the CPU off the bus over 15 us
    expect_in "$WORK/err" 'verify: bus: refresh wait max'
    awk '/verify: bus: refresh wait max/ {
            r = $7; m = $9; c = $14; d = $19; gsub(/\(/, "", m)
            if (r > 15 || m != 0 || c > 15 || d > 15) { print "bus held too long: " $0; bad = 1 }
         } END { exit bad }' "$WORK/err" || fail "the card held the AT's bus too long"
}

case_read_write() {
    disk "$WORK/d.img" 1
    head -c 5000 /dev/urandom > "$WORK/data"
    # a partial block is refused unless --pad
    run 2 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" --in "$WORK/data" write 100
    expect_in "$WORK/err" 'not a multiple of the 512-byte block'
    run 0 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" --pad --in "$WORK/data" write 100
    expect_in "$WORK/err" 'write: simulated'
    run 0 "$SIM" --disk "$WORK/d.img" --dma 1 "${LIMIT[@]}" --out "$WORK/back" read 100 10
    [ "$(stat -c %s "$WORK/back")" = 5120 ] || fail "read 10 blocks gave $(stat -c %s "$WORK/back") bytes"
    cmp -n 5000 "$WORK/data" "$WORK/back" || fail "read back differs"
    cmp -n 120 "$WORK/back" /dev/zero -i 5000:0 || fail "pad bytes are not zero"
    # the medium holds it at the right place
    cmp -n 5000 -i 51200:0 "$WORK/d.img" "$WORK/data" || fail "image file differs at LBA 100"
    # stdin, then the hexdump
    printf 'softhba end-to-end %s' "$(printf '%0493d' 0)" | \
        "$SIM" --disk "$WORK/d.img" --pio "${LIMIT[@]}" write 7 2>"$WORK/err" || \
        { cat "$WORK/err"; fail "write from stdin"; }
    run 0 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" read 7 1
    expect_in "$WORK/out" '^00000e00  73 6f 66 74 68 62 61 20  65 6e 64 2d 74 6f 2d 65  \|softhba end-to-e\|$'
    [ "$(wc -l < "$WORK/out")" = 32 ] || fail "hexdump of one block is not 32 lines"
    # beyond the end
    run 1 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" read 2040 9
    expect_in "$WORK/err" 'beyond the disk'
}

case_bad_cmdline() {
    disk "$WORK/d.img" 1
    local -a cases=(
        "unknown option '--frobnicate'|--frobnicate info"
        "bad DMA channel '2'|--dma 2 info"
        "bad DMA channel '0'|--dma 0 info"
        "bad DMA channel '4'|--dma 4 info"
        "bad DMA channel 'x'|--dma x info"
        "bad IRQ '4'|--irq 4 info"
        "bad IRQ '12abc'|--irq 12abc info"
        "bad I/O base '0x300'|--base 0x300 info"
        "bad I/O base '-1'|--base -1 info"
        "option --disk needs a value|info --disk"
        "unknown command 'format'|format"
        "no command|--dma 1"
        "command 'read' takes 2 arguments|read 1"
        "bad LBA 'ten'|read ten 1"
        "bad block count '-3'|read 0 -3"
        "COUNT must be at least 1|read 0 0"
        "bad --max-time-ms 'soon'|--max-time-ms soon info"
        "bad --sd-fault 'gremlins'|--sd-fault gremlins info"
        "--pio and --dma exclude each other|--pio --dma 5 info"
        "8-bit slot|--narrow --dma 6 info"
        "too many arguments|read 1 2 3 4"
    )
    local c
    for c in "${cases[@]}"; do
        local msg=${c%%|*} args=${c#*|}
        # shellcheck disable=SC2086
        run 2 "$SIM" --disk "$WORK/d.img" $args
        grep -qF -- "$msg" "$WORK/err" || { cat "$WORK/err"; fail "'$args': no '$msg'"; }
    done
    run 0 "$SIM" --help
    expect_in "$WORK/out" '^usage: softhba-sim'
    # missing or unusable files
    run 126 "$SIM" --disk "$WORK/nope.img" info
    expect_in "$WORK/err" 'nope.img: No such file'
    head -c 1000 /dev/zero > "$WORK/odd.img"
    run 126 "$SIM" --disk "$WORK/odd.img" info
    expect_in "$WORK/err" 'multiple of 512'
    run 126 "$SIM" --disk "$WORK/d.img" --firmware "$WORK/none.hex" info
    expect_in "$WORK/err" 'firmware .*none.hex'
    run 126 "$SIM" --disk "$WORK/d.img" copy-in "$WORK/missing.img"
    expect_in "$WORK/err" 'missing.img: No such file'
    if [ "$(id -u)" != 0 ]; then
        cp "$WORK/d.img" "$WORK/ro.img"; chmod 0444 "$WORK/ro.img"
        run 126 "$SIM" --disk "$WORK/ro.img" info
        expect_in "$WORK/err" 'ro.img: Permission denied'
    fi
    # a copy-in image larger than the disk
    truncate -s 2M "$WORK/big.img"
    run 2 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" copy-in "$WORK/big.img"
    expect_in "$WORK/err" 'does not fit the disk'
}

case_no_card() {
    disk "$WORK/d.img" 1
    # the miniport probes 0x330, the card's jumpers say 0x340: FindAdapter fails
    run 3 "$SIM" --disk "$WORK/d.img" --base 0x330 --card-base 0x340 "${LIMIT[@]}" info
    expect_in "$WORK/err" 'no softhba card answered .*nothing at base 0x330'
}

case_not_ready() {
    disk "$WORK/d.img" 1
    # a firmware that never reports READY: the miniport's HwTimer gives the
    # card up after 2 s, a reset and 2 s more (4 s simulated, the slowest e2e
    # test); the held TEST UNIT READY then answers SELECTION_TIMEOUT
    [ -f build/fw/hang_test.hex ] || fail "build/fw/hang_test.hex not built"
    run 3 "$SIM" --disk "$WORK/d.img" --firmware build/fw/hang_test.hex "${LIMIT[@]}" info
    expect_in "$WORK/err" 'no softhba card answered'
    expect_in "$WORK/err" 'miniport logged error'
}

case_ls() {
    disk "$WORK/d.img" 2
    # the bus scan: target 0 claimed as Harddisk0 with its capacity, 1-6 empty
    run 0 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" ls
    expect_in "$WORK/out" '^0  Harddisk0 disk  fixed     SOFTHBA  SD DISK +[^ ]+ +512 +4096 +2\.00 MiB$'
    expect_in "$WORK/out" '^1 target \(1 disk, 0 CD-ROMs\)$'
    # a card without its SD card: the target answers INQUIRY, the disk class
    # driver's READ CAPACITY gets the power-on unit attention (retried), then
    # MEDIUM NOT PRESENT (not retried), and ls prints that sense
    run 0 "$SIM" --disk "$WORK/d.img" --sd-fault removed "${LIMIT[@]}" ls
    expect_in "$WORK/out" '^0  Harddisk0 disk  fixed .* not ready \(sense 2/3a/00, STATUS_NO_MEDIA_IN_DEVICE, 2 attempts\)$'
}

case_time_limit() {
    disk "$WORK/d.img" 1
    run 4 "$SIM" --disk "$WORK/d.img" --max-time-ms 3 info
    expect_in "$WORK/err" 'simulated time limit of 3 ms reached'
}

case_trace() {
    disk "$WORK/d.img" 1
    run 0 "$SIM" --disk "$WORK/d.img" --dma 1 --trace "$WORK/bus.trace" --console "$WORK/console" \
        --wave "$WORK/card.fst" "${LIMIT[@]}" read 0 1
    expect_in "$WORK/bus.trace" 'NOTE softhba-sim: DriverEntry'
    expect_in "$WORK/bus.trace" 'IO  RD8  0x34[0-9a-f] '
    expect_in "$WORK/bus.trace" 'NOTE softhba-sim: READ\(10\) LBA 0, 1 blocks'
    expect_in "$WORK/bus.trace" 'DMA ch1 '
    expect_in "$WORK/bus.trace" 'IRQ11 rise'
    expect_in "$WORK/console" 'softhba fw'
    [ -s "$WORK/card.fst" ] || fail "no waveform"
}

case_sd_fault() {
    disk "$WORK/d.img" 1
    head -c 4096 /dev/urandom > "$WORK/data"
    # a write the card rejects: the command fails with sense, nothing is claimed
    run 1 "$SIM" --disk "$WORK/d.img" --sd-fault write-reject "${LIMIT[@]}" --in "$WORK/data" write 8
    expect_in "$WORK/err" 'WRITE\(10\) at LBA 8 failed: .*sense key 0x3'
    run 0 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" --in "$WORK/data" write 8
    # a bad CRC on every read: MEDIUM ERROR, never wrong data
    run 1 "$SIM" --disk "$WORK/d.img" --sd-fault read-crc "${LIMIT[@]}" --out "$WORK/back" read 8 8
    expect_in "$WORK/err" 'READ\(10\) at LBA 8 failed: .*sense key 0x3 ASC 0x11'
    run 0 "$SIM" --disk "$WORK/d.img" "${LIMIT[@]}" --out "$WORK/back" read 8 8
    cmp "$WORK/data" "$WORK/back" || fail "data after the faults differs"
}

# A real FAT file system through the card: mkfs.fat + mcopy build it,
# copy-in writes it, copy-out reads it back, fsck.fat and mtools check it.
case_fat() {
    export MTOOLS_SKIP_CHECK=1
    head -c 300000 /dev/urandom > "$WORK/random.bin"
    seq 1 20000 > "$WORK/numbers.txt"
    printf 'hello from softhba\n' > "$WORK/hello.txt"
    head -c 70000 /dev/urandom > "$WORK/over64k.bin"
    mkfs.fat -C -n SOFTHBA "$WORK/fs.img" 1024 >/dev/null || fail "mkfs.fat"
    mmd -i "$WORK/fs.img" ::/dir || fail "mmd"
    mcopy -i "$WORK/fs.img" "$WORK/random.bin" "$WORK/numbers.txt" ::/ || fail "mcopy"
    mcopy -i "$WORK/fs.img" "$WORK/hello.txt" "$WORK/over64k.bin" ::/dir/ || fail "mcopy"
    # the disk starts as garbage so that nothing passes by accident
    head -c $((2 * 1024 * 1024)) /dev/urandom > "$WORK/disk.img"
    run 0 "$SIM" --disk "$WORK/disk.img" --dma 5 "${LIMIT[@]}" copy-in "$WORK/fs.img"
    expect_in "$WORK/err" 'copy-in: simulated .* 1048576 bytes'
    run 0 "$SIM" --disk "$WORK/disk.img" --dma 1 "${LIMIT[@]}" copy-out "$WORK/back.img" 2048
    [ "$(stat -c %s "$WORK/back.img")" = 1048576 ] || fail "copy-out size"
    fsck.fat -n "$WORK/back.img" > "$WORK/fsck" 2>&1 || { cat "$WORK/fsck"; fail "fsck.fat -n"; }
    mdir -i "$WORK/back.img" -b ::/ > "$WORK/list" 2>&1 || fail "mdir"
    mdir -i "$WORK/back.img" -b ::/dir >> "$WORK/list" 2>&1 || fail "mdir dir"
    for f in RANDOM.BIN NUMBERS.TXT HELLO.TXT OVER64K.BIN; do
        grep -qi "$f" "$WORK/list" || { cat "$WORK/list"; fail "$f not listed"; }
    done
    mkdir "$WORK/x"
    mcopy -i "$WORK/back.img" ::/random.bin ::/numbers.txt ::/dir/hello.txt ::/dir/over64k.bin \
        "$WORK/x/" || fail "mcopy out"
    for f in random.bin numbers.txt hello.txt over64k.bin; do
        cmp "$WORK/$f" "$WORK/x/$f" || fail "$f differs after the round trip"
    done
    cmp "$WORK/fs.img" "$WORK/back.img" || fail "image differs after the round trip"
}

[ -x "$SIM" ] || fail "$SIM not built (make all)"
[ -f "$FW" ] || fail "$FW not built (make all)"
c=${1:-}
shift || true
case "$c" in
    info) case_info ;;
    default-disk) case_default_disk ;;
    verify) case_verify "$@" ;;
    read-write) case_read_write ;;
    bad-cmdline) case_bad_cmdline ;;
    no-card) case_no_card ;;
    not-ready) case_not_ready ;;
    ls) case_ls ;;
    time-limit) case_time_limit ;;
    trace) case_trace ;;
    sd-fault) case_sd_fault ;;
    fat) case_fat ;;
    *) fail "unknown case '$c'" ;;
esac
echo "ok: e2e $c $*"
