`default_nettype none
// iCE40 PLL in "simple" feedback mode: the reference clock comes from the
// fabric (a global input pin such as the breakout's 12 MHz oscillator on J3)
// and the divided VCO drives a global net.  Divider values from
// `icepll -i 12 -o 36`: F_PFD = 12 MHz / (DIVR+1), F_VCO = F_PFD * (DIVF+1),
// F_OUT = F_VCO / 2^DIVQ.  The defaults make 36 MHz from 12 MHz.
module ice40_pll #(
    parameter [3:0] DIVR = 4'd0,
    parameter [6:0] DIVF = 7'd47,
    parameter [2:0] DIVQ = 3'd4,
    parameter [2:0] FILTER_RANGE = 3'd1
) (
    input  wire ref_clk,
    output wire clk_out,
    output wire locked
);
    SB_PLL40_CORE #(
        .FEEDBACK_PATH("SIMPLE"),
        .PLLOUT_SELECT("GENCLK"),
        .DIVR(DIVR),
        .DIVF(DIVF),
        .DIVQ(DIVQ),
        .FILTER_RANGE(FILTER_RANGE)
    ) u_pll (
        .REFERENCECLK(ref_clk),
        .PLLOUTCORE(),
        .PLLOUTGLOBAL(clk_out),
        .LOCK(locked),
        .RESETB(1'b1),
        .BYPASS(1'b0),
        .EXTFEEDBACK(1'b0),
        .DYNAMICDELAY(8'h00),
        .LATCHINPUTVALUE(1'b0),
        .SDI(1'b0),
        .SCLK(1'b0),
        .SDO()
    );
endmodule
`default_nettype wire
