`default_nettype none
// Board timebase: one free-running counter that serves the power-on reset,
// the heartbeat LED and the LED stretch tick, so the board top needs no other
// counter.
//
// por_active: from configuration until the PLL has been locked for
// 2^HOLD_LOG2 core clocks, and again whenever lock is lost.  LOCK is
// asynchronous to the core clock, so it crosses through the two-flop
// synchroniser lock_sync1/lock_sync2 first; the counter is held at 0 while
// lock is low, so its bits also count from a clean start.
// heartbeat: the counter's top bit (a square wave of 2^WIDTH clocks).
// tick: one pulse every 2^TICK_LOG2 clocks, for LEDs that must stay visible
// after a short event.
module board_timebase #(
    parameter WIDTH = 25,       // heartbeat period 2^25 / 36 MHz = 0.93 s
    parameter HOLD_LOG2 = 10,   // 1024 clocks of reset after lock
    parameter TICK_LOG2 = 21    // 58 ms at 36 MHz
) (
    input  wire clk,
    input  wire pll_locked,
    output wire por_active,
    output wire heartbeat,
    output wire tick
);
    // iCE40 flip-flops start at 0 after configuration: por_active must come up
    // asserted, so it is kept inverted in por_done_q.
    reg             lock_sync1 = 1'b0;
    reg             lock_sync2 = 1'b0;
    reg [WIDTH-1:0] count = {WIDTH{1'b0}};
    reg             por_done_q = 1'b0;
    reg             tick_bit_q = 1'b0;

    always @(posedge clk) begin
        lock_sync1 <= pll_locked;
        lock_sync2 <= lock_sync1;
        if (!lock_sync2)
            count <= {WIDTH{1'b0}};
        else
            count <= count + {{(WIDTH-1){1'b0}}, 1'b1};
        // sticky once the hold bit has been reached, until lock is lost
        por_done_q <= lock_sync2 && (por_done_q || count[HOLD_LOG2]);
        tick_bit_q <= count[TICK_LOG2-1];
    end

    assign por_active = !por_done_q;
    assign heartbeat = count[WIDTH-1];
    // the tick bit falls when the low TICK_LOG2 bits wrap
    assign tick = tick_bit_q && !count[TICK_LOG2-1];
endmodule
`default_nettype wire
