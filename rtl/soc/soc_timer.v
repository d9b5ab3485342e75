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
    // mtime is kept as two halves: the high half steps on a carry that is
    // computed a cycle ahead (lo_ones_q: the low half is all ones now), so it
    // needs no 64-bit carry chain and reads stay exact 64-bit counts.
    reg [31:0] mtime_lo, mtime_hi;
    reg        lo_ones_q;
    // mtimecmp is stored inverted: mtime >= mtimecmp is then the carry out
    // of mtime + ~mtimecmp + 1, a bare carry chain with no per-bit inverter.
    reg [31:0] ncmp_lo, ncmp_hi;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [64:0] cmp_sum = {1'b0, mtime_hi, mtime_lo} + {1'b0, ncmp_hi, ncmp_lo} + 65'd1;
    /* verilator lint_on UNUSEDSIGNAL */
    wire        mtime_ge_cmp = cmp_sum[64];

    wire access   = valid && !ready;
    wire is_write = (wstrb != 4'b0000);
    wire is_read  = access && !is_write;
    wire wr_lo    = access && is_write && (addr == `SHBA_TIMER_MTIME_LO);
    wire wr_hi    = access && is_write && (addr == `SHBA_TIMER_MTIME_HI);
    wire wr_cmp_lo = access && is_write && (addr == `SHBA_TIMER_MTIMECMP_LO);
    wire wr_cmp_hi = access && is_write && (addr == `SHBA_TIMER_MTIMECMP_HI);

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

    wire [31:0] lo_written = merge(mtime_lo, wdata, wstrb);

    always @(posedge clk) begin
        if (rst) begin
            ready <= 1'b0;
            mtime_lo <= 32'h0;
            mtime_hi <= 32'h0;
            lo_ones_q <= 1'b0;
            irq_timer <= 1'b0;
        end else begin
            ready <= access;
            irq_timer <= mtime_ge_cmp;
            if (wr_lo) begin
                mtime_lo <= lo_written;
                lo_ones_q <= (lo_written == 32'hFFFF_FFFF);
            end else begin
                mtime_lo <= mtime_lo + 32'd1;
                lo_ones_q <= (mtime_lo == 32'hFFFF_FFFE);
            end
            if (wr_hi)
                mtime_hi <= merge(mtime_hi, wdata, wstrb);
            else if (lo_ones_q && !wr_lo)
                mtime_hi <= mtime_hi + 32'd1;
        end
    end

    // mtimecmp (inverted): byte-enabled registers, reset to all ones (stored 0).
    always @(posedge clk) begin
        if (rst) begin
            ncmp_lo <= 32'h0;
            ncmp_hi <= 32'h0;
        end else begin
            if (wr_cmp_lo) ncmp_lo <= merge(ncmp_lo, ~wdata, wstrb);
            if (wr_cmp_hi) ncmp_hi <= merge(ncmp_hi, ~wdata, wstrb);
        end
    end

    // Read data: zero outside a read (a synchronous clear, no extra logic).
    always @(posedge clk) begin
        if (rst || !is_read)
            rdata <= 32'h0;
        else
            // mtimecmp reads back as RISC-V specifies (firmware may do mtimecmp += period).
            rdata <= addr[3] ? ~(addr[2] ? ncmp_hi : ncmp_lo) : (addr[2] ? mtime_hi : mtime_lo);
    end
endmodule
