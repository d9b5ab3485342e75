// Machine timer (TIMER block of regmap/20-soc.regs): mtime counts core clocks,
// the timer interrupt is pending while mtime >= mtimecmp.  mtimecmp resets to
// all ones so that nothing fires before the firmware sets it.
`include "softhba_regs.vh"

module soc_timer (
    input  wire        clk,
    input  wire        rst,
    input  wire        valid,
    input  wire [3:0]  addr,
    input  wire [31:0] wdata,
    input  wire [3:0]  wstrb,
    output reg  [31:0] rdata,
    output reg         ready,
    output reg         irq_timer
);
    reg [63:0] mtime;
    reg [63:0] mtimecmp;

    wire access   = valid && !ready;
    wire is_write = (wstrb != 4'b0000);

    // Byte-lane merge of a write into one 32-bit half.
    function [31:0] merge;
        input [31:0] old;
        input [31:0] data;
        input [3:0]  strb;
        begin
            merge = {strb[3] ? data[31:24] : old[31:24],
                     strb[2] ? data[23:16] : old[23:16],
                     strb[1] ? data[15:8]  : old[15:8],
                     strb[0] ? data[7:0]   : old[7:0]};
        end
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            ready <= 1'b0;
            rdata <= 32'h0;
            mtime <= 64'h0;
            mtimecmp <= {64{1'b1}};
            irq_timer <= 1'b0;
        end else begin
            ready <= access;
            rdata <= 32'h0;
            mtime <= mtime + 64'd1;
            irq_timer <= (mtime >= mtimecmp);
            if (access) begin
                case (addr)
                `SHBA_TIMER_MTIME_LO:
                    if (is_write) mtime[31:0] <= merge(mtime[31:0], wdata, wstrb);
                    else rdata <= mtime[31:0];
                `SHBA_TIMER_MTIME_HI:
                    if (is_write) mtime[63:32] <= merge(mtime[63:32], wdata, wstrb);
                    else rdata <= mtime[63:32];
                `SHBA_TIMER_MTIMECMP_LO:
                    if (is_write) mtimecmp[31:0] <= merge(mtimecmp[31:0], wdata, wstrb);
                    else rdata <= mtimecmp[31:0];
                `SHBA_TIMER_MTIMECMP_HI:
                    if (is_write) mtimecmp[63:32] <= merge(mtimecmp[63:32], wdata, wstrb);
                    else rdata <= mtimecmp[63:32];
                default: ;
                endcase
            end
        end
    end
endmodule
