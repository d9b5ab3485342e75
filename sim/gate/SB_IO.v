// Gate-level co-simulation only (sim/gate, docs/cosim.md): the iCE40 I/O
// cell for the pin types the board top uses.  yosys' own model
// (cells_sim.v) tests a port against 1'bz, which Verilator 5.006 cannot
// simulate ("tristate in top-level IO"), so this one replaces it.
//
// From the iCE40 Technology Library (Lattice, SB_IO): PIN_TYPE[1:0] = 01 is
// PIN_INPUT (D_IN_0 follows the pad, unregistered); PIN_TYPE[5:2] = 0000 is
// PIN_NO_OUTPUT, 0110 PIN_OUTPUT (pad = D_OUT_0) and 1010
// PIN_OUTPUT_TRISTATE (pad = D_OUT_0 while OUTPUT_ENABLE is high, else high
// impedance).  The registered and DDR types are not modelled: a netlist that
// uses one fails to elaborate (no module sb_io_pin_type_not_modelled).
// PULLUP is the pin's business: the adapter (top_gate_board.cpp) drives
// every input pad with what the pull-up or the far end gives.
module SB_IO #(
    // Parameters of the cell that only the silicon or unmodelled types use.
    /* verilator lint_off UNUSEDPARAM */
    parameter [5:0] PIN_TYPE = 6'b000000,
    parameter [0:0] PULLUP = 1'b0,
    parameter [0:0] NEG_TRIGGER = 1'b0,
    parameter IO_STANDARD = "SB_LVCMOS"
    /* verilator lint_on UNUSEDPARAM */
) (
    inout  wire PACKAGE_PIN,
    input  wire LATCH_INPUT_VALUE,
    input  wire CLOCK_ENABLE,
    input  wire INPUT_CLK,
    input  wire OUTPUT_CLK,
    input  wire OUTPUT_ENABLE,
    input  wire D_OUT_0,
    input  wire D_OUT_1,
    output wire D_IN_0,
    output wire D_IN_1
);
    localparam [3:0] OUT_NONE = 4'b0000;
    localparam [3:0] OUT_PLAIN = 4'b0110;
    localparam [3:0] OUT_TRISTATE = 4'b1010;
    localparam [1:0] IN_PLAIN = 2'b01;

    generate
        if (PIN_TYPE[1:0] != IN_PLAIN) begin : bad_input_type
            sb_io_pin_type_not_modelled unsupported_input ();
        end
        if (PIN_TYPE[5:2] == OUT_PLAIN) begin : plain_out
            assign PACKAGE_PIN = D_OUT_0;
        end else if (PIN_TYPE[5:2] == OUT_TRISTATE) begin : tristate_out
            assign PACKAGE_PIN = OUTPUT_ENABLE ? D_OUT_0 : 1'bz;
        end else if (PIN_TYPE[5:2] != OUT_NONE) begin : bad_output_type
            sb_io_pin_type_not_modelled unsupported_output ();
        end
    endgenerate

    assign D_IN_0 = PACKAGE_PIN;
    assign D_IN_1 = 1'b0;

    // Clocks, latch and DDR inputs serve only the types not modelled here
    // (and an input-only pad uses no output pin).
    wire unused = &{1'b0, PULLUP, NEG_TRIGGER, LATCH_INPUT_VALUE, CLOCK_ENABLE,
                    INPUT_CLK, OUTPUT_CLK, OUTPUT_ENABLE, D_OUT_0, D_OUT_1};
endmodule
