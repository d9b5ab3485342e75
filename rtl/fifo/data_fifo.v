`default_nettype none
// The data FIFO: 1 KiB x 8 in block RAM, one clock, first word fall through.
// The RAM is read every cycle at the head address (or the next one when
// popping), so pop_data is the head byte while !empty.  A byte written in one
// cycle becomes readable the cycle after (empty ignores a byte pushed in the
// last cycle), which avoids the read-during-write case of the block RAM.
module data_fifo #(
    parameter AW = 10
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          clear,
    input  wire          push,
    input  wire [7:0]    push_data,
    output wire          full,
    input  wire          pop,
    output wire [7:0]    pop_data,
    output wire          empty,
    output wire [AW:0]   level
);
    // Never read where it is written in the same cycle (see above).
    (* no_rw_check *)
    reg [7:0] mem [0:(1<<AW)-1];
    reg [AW:0] wptr, rptr;
    reg        pushed_q;   // a byte was pushed last cycle: not readable yet
    reg [7:0] head_q;

    wire do_push = push && !full;
    wire do_pop = pop && !empty;
    wire [AW:0] rptr_next = do_pop ? rptr + 1'b1 : rptr;

    assign level = wptr - rptr;
    assign full = (level[AW] == 1'b1);
    // rptr never passes the readable bytes, so the unreadable last push is
    // exactly "level 1 instead of 0" (no second write pointer needed).
    assign empty = (level[AW:1] == {AW{1'b0}}) && (level[0] == pushed_q);
    assign pop_data = head_q;

    always @(posedge clk) begin
        if (do_push)
            mem[wptr[AW-1:0]] <= push_data;
        head_q <= mem[rptr_next[AW-1:0]];
    end

    always @(posedge clk) begin
        if (rst || clear) begin
            wptr <= {(AW+1){1'b0}};
            pushed_q <= 1'b0;
            rptr <= {(AW+1){1'b0}};
        end else begin
            if (do_push)
                wptr <= wptr + 1'b1;
            pushed_q <= do_push;
            rptr <= rptr_next;
        end
    end
endmodule
`default_nettype wire
