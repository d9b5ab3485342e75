`default_nettype none
// Two-flop synchroniser for asynchronous ISA inputs into the clk domain.
// Every bit is an independent level signal (strobes, DACK#, AEN, TC, RESET DRV);
// a multi-bit value that must be coherent never goes through here.
module isa_sync #(
    parameter W = 1,
    parameter [W-1:0] INIT = {W{1'b0}}
) (
    input  wire         clk,
    input  wire [W-1:0] d_async,
    output wire [W-1:0] q_sync
);
    reg [W-1:0] meta_q = INIT;
    reg [W-1:0] sync_q = INIT;
    always @(posedge clk) begin
        meta_q <= d_async;
        sync_q <= meta_q;
    end
    assign q_sync = sync_q;
endmodule
`default_nettype wire
