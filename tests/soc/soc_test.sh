#!/bin/bash
# SoC and harness tests, run from the repository root after `make all`.
# Usage: tests/soc/soc_test.sh TEST   (see the cases below)
set -u
RUN=build/sim/card-run
FW=build/fw
OUT=build/soc-test
mkdir -p "$OUT"

fail() { echo "FAIL: $*"; exit 1; }

case "${1:-}" in
libc)
    # picolibc printf/string functions: console must match exactly.
    $RUN --firmware $FW/libc_test.hex --max-cycles 20000000 > $OUT/libc.out
    rc=$?
    [ $rc -eq 0 ] || fail "exit $rc"
    diff -u tests/soc/libc_test.expected $OUT/libc.out || fail "console differs"
    ;;
uart-rx)
    # Bytes fed into uart_rx come back (upper case); exit code = bytes seen.
    $RUN --firmware $FW/echo_test.hex --max-cycles 20000000 \
         --uart-in 'softhba echo\x21\n\ttab.' > $OUT/echo.out
    rc=$?
    [ $rc -eq 19 ] || fail "exit $rc, expected 19"
    printf '>SOFTHBA ECHO!\n\tTAB\n19 bytes, overrun 0\n' | diff -u - $OUT/echo.out || fail "echo differs"
    ;;
cycle-limit)
    # A firmware that never ends is stopped by the cycle limit: exit 125 + message.
    $RUN --firmware $FW/hang_test.hex --max-cycles 200000 > $OUT/hang.out 2> $OUT/hang.err
    rc=$?
    [ $rc -eq 125 ] || fail "exit $rc, expected 125"
    grep -q '^card-run: cycle limit 200000 reached at [0-9.]* us$' $OUT/hang.err || fail "no cycle-limit message: $(cat $OUT/hang.err)"
    grep -q '^spinning$' $OUT/hang.out || fail "firmware did not run"
    ;;
missing-firmware)
    # A missing image is refused with a message naming it: exit 126.
    $RUN --firmware $OUT/no-such-image.hex > $OUT/missing.out 2> $OUT/missing.err
    rc=$?
    [ $rc -eq 126 ] || fail "exit $rc, expected 126"
    grep -q "no-such-image.hex" $OUT/missing.err || fail "message does not name the file: $(cat $OUT/missing.err)"
    ;;
bad-cmdline)
    # Bad command lines get a usage message and exit 2.
    for args in "" "--firmware" "--bogus x" "--firmware $FW/hang_test.hex --max-cycles lots" \
                "--firmware $FW/hang_test.hex --uart-in \\q"; do
        # shellcheck disable=SC2086
        $RUN $args > $OUT/bad.out 2> $OUT/bad.err
        rc=$?
        [ $rc -eq 2 ] || fail "'$args': exit $rc, expected 2"
        grep -q "card-run: " $OUT/bad.err || fail "'$args': no message"
    done
    $RUN --help | grep -q '^usage: card-run --firmware' || fail "--help"
    ;;
wave)
    # --wave writes an FST covering the run (200000 cycles = 5.5 ms).
    rm -f $OUT/wave.fst
    $RUN --firmware $FW/hang_test.hex --max-cycles 200000 --wave $OUT/wave.fst > /dev/null 2>&1
    rc=$?
    [ $rc -eq 125 ] || fail "exit $rc, expected 125"
    python3 tests/soc/check_fst.py $OUT/wave.fst 5000000000 50 || fail "bad waveform"
    ;;
irq)
    # Timer and SIMCTRL test interrupts reach the CPU; mtime counts core clocks.
    $RUN --firmware $FW/irq_test.hex --max-cycles 5000000 > $OUT/irq.out
    rc=$?
    cat $OUT/irq.out
    [ $rc -eq 0 ] || fail "exit $rc"
    grep -q '^irq test passed$' $OUT/irq.out || fail "no pass line"
    ;;
trap)
    # The default trap handler reports an illegal instruction and exits 120.
    $RUN --firmware $FW/trap_test.hex --max-cycles 5000000 > $OUT/trap.out
    rc=$?
    [ $rc -eq 120 ] || fail "exit $rc, expected 120"
    grep -q '^trap: mcause 0x00000002 mepc 0x[0-9a-f]* mtval' $OUT/trap.out || fail "no trap report: $(cat $OUT/trap.out)"
    grep -q 'FAIL' $OUT/trap.out && fail "ran past the trap"
    ;;
fw-overflow)
    # A firmware bigger than the RAM fails to build, saying by how many bytes.
    rm -f $FW/toobig_test.elf
    make --no-print-directory $FW/toobig_test.elf > $OUT/toobig.log 2>&1 && fail "toobig_test linked"
    grep -q "region \`ram' overflowed by [0-9]* bytes" $OUT/toobig.log || fail "no overflow size: $(cat $OUT/toobig.log)"
    grep -q "firmware toobig_test: link failed" $OUT/toobig.log || fail "no firmware message"
    [ ! -e $FW/toobig_test.elf ] || fail "an ELF was left behind"
    ;;
*)
    echo "usage: $0 libc|uart-rx|cycle-limit|missing-firmware|bad-cmdline|wave|irq|trap|fw-overflow" >&2
    exit 2
    ;;
esac
echo "PASS: $1"
