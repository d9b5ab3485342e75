// Board power-on reset: active from configuration until the PLL has been
// locked for HOLD_CYCLES core clocks, and again whenever lock is lost.  LOCK
// is asynchronous to the core clock, so it crosses through the two-flop
// synchroniser lock_sync1/lock_sync2 first.
module board_por #(
    parameter HOLD_CYCLES = 1024
) (
    input  wire clk,
    input  wire pll_locked,
    output wire por_active
);
    localparam CW = $clog2(HOLD_CYCLES + 1);
    localparam [CW-1:0] LAST = HOLD_CYCLES[CW-1:0];

    // iCE40 flip-flops start at 0 after configuration: por_active must come up
    // asserted, so it is kept inverted in por_done_q.
    reg          lock_sync1 = 1'b0;
    reg          lock_sync2 = 1'b0;
    reg [CW-1:0] count = {CW{1'b0}};
    reg          por_done_q = 1'b0;

    always @(posedge clk) begin
        lock_sync1 <= pll_locked;
        lock_sync2 <= lock_sync1;
        if (!lock_sync2) begin
            count <= {CW{1'b0}};
            por_done_q <= 1'b0;
        end else if (count != LAST) begin
            count <= count + {{(CW-1){1'b0}}, 1'b1};
        end else begin
            por_done_q <= 1'b1;
        end
    end

    assign por_active = !por_done_q;
endmodule
