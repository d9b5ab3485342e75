`default_nettype none
// Small simple-dual-port block RAM (one write port, one registered read port)
// for the command and result mailboxes between the host and the card's CPU.
module mailbox_ram #(
    parameter AW = 5
) (
    input  wire          clk,
    input  wire          we,
    input  wire [AW-1:0] waddr,
    input  wire [7:0]    wdata,
    input  wire [AW-1:0] raddr,
    output reg  [7:0]    rdata
);
    // A read of the byte being written in the same cycle may return either
    // value (the host reads a block only after the CPU posted it, and the CPU
    // reads the command only while BUSY locks the host out): no bypass logic.
    (* no_rw_check *)
    reg [7:0] mem [0:(1<<AW)-1];
    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        rdata <= mem[raddr];
    end
endmodule
`default_nettype wire
