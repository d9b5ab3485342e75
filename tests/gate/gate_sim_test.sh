#!/bin/bash
# The synthesized card end to end (docs/cosim.md "The synthesized card"):
# builds build/gate/softhba-sim-gate once (make gate-sim: yosys synth_ice40 of
# the board top with the firmware in its block RAMs, Verilated on yosys'
# iCE40 cell models), then runs the e2e cases through it: `verify` on 16-bit
# demand-mode DMA and the FAT round trip (copy-in on DMA 5, copy-out on
# DMA 1, fsck.fat and every file compared), both as tests/e2e/e2e_test.sh
# runs them against the RTL.
# Usage: tests/gate/gate_sim_test.sh [--bench JSON]   (--bench: verify only,
# writes {"gate_sim_verify_pass": 1 or 0} and exits 0 either way)
set -u
bench=""
[ "${1:-}" = --bench ] && bench=${2:?--bench needs a file}

make --no-print-directory -j2 gate-sim > build/gate-sim-make.log 2>&1 \
    || { tail -30 build/gate-sim-make.log; echo "FAIL: make gate-sim"; exit 1; }

export SIM=build/gate/softhba-sim-gate
# The gate-level model runs about 100 k core cycles per second: bound the
# simulated time so that a card that never gets ready fails in a minute
# (verify: 20 ms against the RTL; each FAT copy: about 0.7 s).
verify() { E2E_MAX_TIME_MS=100 tests/e2e/e2e_test.sh verify 2 7 --dma 5; }
fat() { E2E_MAX_TIME_MS=3000 tests/e2e/e2e_test.sh fat; }

if [ -n "$bench" ]; then
    pass=0
    verify && pass=1
    mkdir -p "$(dirname "$bench")"
    printf '{"gate_sim_verify_pass": %d}\n' "$pass" > "$bench"
    exit 0
fi
verify || exit 1
fat || exit 1
echo "ok: the synthesized card passes verify and the FAT round trip"
