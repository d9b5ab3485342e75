#!/usr/bin/env python3
"""sim/gate/SB_LUT4.v computes yosys' SB_LUT4 (docs/cosim.md "The synthesized card").

The gate-level model uses the project's indexed SB_LUT4 instead of the one in
yosys' cells_sim.v (yosys-config --datdir/ice40/cells_sim.v), which stays the
reference.  This proves, with yosys' SAT solver, that both give the same O for
every LUT_INIT and every I0..I3 (2^20 cases): in each model the LUT_INIT
parameter becomes a 16-bit input (the model's text otherwise as is), a miter
compares the two, and `sat -prove` must find no input that tells them apart.
A deliberately wrong LUT (inputs in reverse order) must be told apart, so the
check cannot pass by comparing nothing.

Usage: tests/gate/lut4_equiv_test.py [CELLS_SIM]
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OWN_LUT = os.path.join(ROOT, "sim", "gate", "SB_LUT4.v")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def yosys_cells_sim():
    try:
        datdir = subprocess.run(["yosys-config", "--datdir"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        datdir = "/usr/share/yosys"
    return os.path.join(datdir, "ice40", "cells_sim.v")


def lut_init_as_input(text, new_name):
    """text with module SB_LUT4 renamed new_name and its LUT_INIT parameter
    turned into the first port, a 16-bit input, after the file's preamble
(the text before its first module); the other modules left out."""
    match = re.search(r"^module\s+SB_LUT4\s*\((.*?)^endmodule", text, re.S | re.M)
    if not match:
        fail("no module SB_LUT4 in the model")
    body = match.group(0)
    body, n_param = re.subn(r"parameter\s*\[15:0\]\s*LUT_INIT\s*=\s*[^;]+;", "", body)
    if n_param != 1:
        fail(f"{n_param} 'parameter [15:0] LUT_INIT = ...;' declarations in SB_LUT4, expected 1")
    body = re.sub(r"^module\s+SB_LUT4\s*\(", f"module {new_name} (input [15:0] LUT_INIT,", body,
                  count=1, flags=re.M)
    # what precedes the first module: the library's `timescale and `defines
    first_module = re.search(r"^module\s", text, re.M)
    return text[:first_module.start()] + body + "\n"


def equivalent(workdir, reference, candidate, name):
    """True when yosys proves lut_ref and lut_own equal, False when it finds
    a counterexample; fails the test on anything else."""
    ref_path = os.path.join(workdir, "ref.v")
    own_path = os.path.join(workdir, f"{name}.v")
    with open(ref_path, "w", encoding="utf-8") as f:
        f.write(reference)
    with open(own_path, "w", encoding="utf-8") as f:
        f.write(candidate)
    script = (f"read_verilog -DNO_ICE40_DEFAULT_ASSIGNMENTS {ref_path}; read_verilog {own_path}; "
              "proc; miter -equiv -flatten -make_outputs lut_ref lut_own miter; "
              "hierarchy -top miter; sat -verify -prove trigger 0 -show-inputs miter")
    log = os.path.join(workdir, f"{name}.log")
    rc = subprocess.run(["yosys", "-q", "-l", log, "-p", script], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL).returncode
    with open(log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if rc == 0 and "SAT proof finished - no model found: SUCCESS!" in text:
        return True
    if "SAT proof finished - model found: FAIL!" in text:
        return False
    print(text[-3000:])
    fail(f"yosys gave no SAT result for {name} (exit {rc})")
    return False


def main(argv):
    cells_sim = argv[1] if len(argv) > 1 else yosys_cells_sim()
    try:
        with open(cells_sim, encoding="utf-8") as f:
            yosys_text = f.read()
        with open(OWN_LUT, encoding="utf-8") as f:
            own_text = f.read()
    except OSError as err:
        fail(str(err))
    reference = lut_init_as_input(yosys_text, "lut_ref")
    own = lut_init_as_input(own_text, "lut_own")
    wrong_index = "LUT_INIT[{I3, I2, I1, I0}]"
    if wrong_index not in own_text:
        fail(f"{OWN_LUT} no longer reads {wrong_index}: update the wrong-LUT check")
    wrong = lut_init_as_input(own_text.replace(wrong_index, "LUT_INIT[{I0, I1, I2, I3}]"), "lut_own")
    with tempfile.TemporaryDirectory(prefix="softhba-lut4.") as workdir:
        if equivalent(workdir, reference, wrong, "wrong"):
            fail("a LUT with its inputs reversed was proven equal to yosys' SB_LUT4: the check is void")
        if not equivalent(workdir, reference, own, "own"):
            fail(f"{OWN_LUT} differs from yosys' SB_LUT4 ({cells_sim}) for some LUT_INIT and input")
    print(f"ok: sim/gate/SB_LUT4.v equals yosys' SB_LUT4 ({cells_sim}) for all 2^16 LUT_INIT "
          "and 2^4 inputs; a reversed-input LUT is told apart")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
