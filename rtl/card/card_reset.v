`default_nettype none
// The card's system reset (sys_rst, docs/architecture.md "Clock and reset"):
// held after configuration until a power-on counter runs out, and while ISA
// RESET DRV is high.  RESET DRV arrives already synchronised: it crosses into
// clk once, in isa_interface's u_sync_isa_ctrl, so that sys_rst and
// RESET_CAUSE see the same edge.
module card_reset #(
    parameter POR_CYCLES = 64
) (
    input  wire clk,
    input  wire isa_reset_sync,
    output reg  sys_rst
);
    localparam CW = $clog2(POR_CYCLES + 1);
    localparam [CW-1:0] POR_LAST = POR_CYCLES[CW-1:0];

    // Power-on: FPGA flip-flops start at 0 after configuration.
    reg [CW-1:0] por_count = {CW{1'b0}};
    wire         por_done = (por_count == POR_LAST);

    always @(posedge clk) begin
        if (!por_done)
            por_count <= por_count + {{(CW-1){1'b0}}, 1'b1};
        sys_rst <= !por_done || isa_reset_sync;
    end
endmodule
`default_nettype wire
