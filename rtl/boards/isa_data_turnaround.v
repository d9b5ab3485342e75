`default_nettype none
// Direction control for one byte lane of a 74ALVC164245-type translator
// between the FPGA (A side) and the ISA data bus (B side).  Normally the lane
// passes the bus to the FPGA (DIR low, OE# low) so the card always sees
// SD[]; when the card wants to drive, the translator is first switched off,
// then turned round, then switched on with the FPGA driving, so that neither
// side ever fights the translator (three-step turnaround, one core clock per
// step; release is immediate: the first step switches the lane off).
module isa_data_turnaround (
    input  wire clk,
    input  wire rst,
    input  wire want_drive,     // the card's isa_sd_oe bit for this lane
    output wire xcvr_dir,       // 1 = A to B (card drives the bus)
    output wire xcvr_oe_n,      // 0 = translator enabled
    output wire fpga_drive      // FPGA output enable on the A side
);
    // All state resets to 0 = "lane off, direction bus-to-FPGA"; iCE40
    // flip-flops also start at 0, so the lane is off from configuration on.
    reg dir_q = 1'b0;
    reg on_q = 1'b0;

    always @(posedge clk) begin
        if (rst) begin
            dir_q <= 1'b0;
            on_q <= 1'b0;
        end else if (want_drive != dir_q) begin
            // step 1: switch off; step 2: turn round (on_q already 0)
            if (on_q)
                on_q <= 1'b0;
            else
                dir_q <= want_drive;
        end else begin
            // step 3: switch on in the settled direction
            on_q <= 1'b1;
        end
    end

    assign xcvr_dir   = dir_q;
    assign xcvr_oe_n  = !on_q;
    assign fpga_drive = on_q && dir_q;
endmodule
`default_nettype wire
