// Gate-level co-simulation only (sim/gate, docs/cosim.md): a stand-in for
// the iCE40 PLL, which has no behavioural model in yosys' cells_sim.v (the
// cell there has ports and parameters only).  The kernel's clock is the
// board's 36 MHz core clock, fed to the board top's clk_12m pin; this model
// passes it through as PLLOUTGLOBAL/PLLOUTCORE, so it does not divide or
// multiply (the divider settings are checked by icepll and nextpnr, not
// here).  LOCK rises after LOCK_CYCLES reference clocks, like the real PLL's
// lock some time after configuration (iCE40 sysCLOCK PLL Design and Usage
// Guide, TN1251: LOCK goes high once the output is stable), so the board's
// power-on reset runs its full sequence.
module SB_PLL40_CORE #(
    // The PLL's settings act only in the silicon.
    /* verilator lint_off UNUSEDPARAM */
    parameter FEEDBACK_PATH = "SIMPLE",
    parameter DELAY_ADJUSTMENT_MODE_FEEDBACK = "FIXED",
    parameter DELAY_ADJUSTMENT_MODE_RELATIVE = "FIXED",
    parameter SHIFTREG_DIV_MODE = 1'b0,
    parameter FDA_FEEDBACK = 4'b0000,
    parameter FDA_RELATIVE = 4'b0000,
    parameter PLLOUT_SELECT = "GENCLK",
    parameter DIVR = 4'b0000,
    parameter DIVF = 7'b0000000,
    parameter DIVQ = 3'b000,
    parameter FILTER_RANGE = 3'b000,
    parameter ENABLE_ICEGATE = 1'b0,
    parameter TEST_MODE = 1'b0,
    parameter EXTERNAL_DIVIDE_FACTOR = 1,
    /* verilator lint_on UNUSEDPARAM */
    parameter LOCK_CYCLES = 16
) (
    input  wire       REFERENCECLK,
    output wire       PLLOUTCORE,
    output wire       PLLOUTGLOBAL,
    input  wire       EXTFEEDBACK,
    input  wire [7:0] DYNAMICDELAY,
    output wire       LOCK,
    input  wire       BYPASS,
    input  wire       RESETB,
    input  wire       LATCHINPUTVALUE,
    output wire       SDO,
    input  wire       SDI,
    input  wire       SCLK
);
    reg [7:0] lock_count = 8'd0;

    always @(posedge REFERENCECLK)
        if (!RESETB)
            lock_count <= 8'd0;
        else if (lock_count != LOCK_CYCLES[7:0])
            lock_count <= lock_count + 8'd1;

    assign PLLOUTCORE = REFERENCECLK;
    assign PLLOUTGLOBAL = REFERENCECLK;
    assign LOCK = (lock_count == LOCK_CYCLES[7:0]);
    assign SDO = 1'b0;

    // The settings and the unused inputs only matter in the silicon.
    wire unused = &{1'b0, EXTFEEDBACK, DYNAMICDELAY, BYPASS, LATCHINPUTVALUE, SDI, SCLK};
endmodule
