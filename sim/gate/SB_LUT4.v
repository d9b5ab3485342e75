// Gate-level co-simulation only (sim/gate, docs/cosim.md): the iCE40 4-input
// look-up table as an indexed bit of LUT_INIT.  yosys' cells_sim.v builds the
// same function as a tree of 2:1 multiplexers whose intermediate vectors stay
// variables in the Verilated model; the indexed form becomes one shift and
// mask per LUT and makes the model about twice as fast.
// tests/gate/lut4_equiv_test.py proves with yosys' SAT solver that it is the
// function of yosys' SB_LUT4 for every LUT_INIT and every input.  Ports and
// parameter as yosys declares them (no default input values: the gate build
// defines NO_ICE40_DEFAULT_ASSIGNMENTS, and the netlist connects every input).
module SB_LUT4 (
    output O,
    input  I0,
    input  I1,
    input  I2,
    input  I3
);
    parameter [15:0] LUT_INIT = 0;
    assign O = LUT_INIT[{I3, I2, I1, I0}];
endmodule
