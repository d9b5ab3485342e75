`default_nettype none
// Machine timer (TIMER block of regmap/20-soc.regs): mtime counts core clocks,
// the timer interrupt is pending while mtime >= mtimecmp.  mtimecmp resets to
// all ones so that nothing fires before the firmware sets it.
`include "softhba_regs.vh"

module soc_timer (
    input  wire        clk,
    input  wire        rst,
    input  wire        bus_valid,
    input  wire [3:0]  bus_addr,
    input  wire [31:0] bus_wdata,
    input  wire [3:0]  bus_wstrb,
    output reg  [31:0] bus_rdata,
    output reg         bus_ready,
    output reg         irq_timer
);
    // mtime is stored inverted (nmtime = ~mtime, counting down) so that the
    // compare needs no inverter on either side: cmp + ~mtime carries out
    // exactly when cmp > mtime, so mtime >= cmp is that carry's complement.
    // The inversion folds into the write-merge and read-mux LUTs for free,
    // and mtimecmp takes bus_wdata straight into byte-enabled flops (no LUTs).
    reg [31:0] nmtime_lo, nmtime_hi;
    reg [31:0] cmp_lo, cmp_hi;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [64:0] cmp_sum = {1'b0, cmp_hi, cmp_lo} + {1'b0, nmtime_hi, nmtime_lo};
    /* verilator lint_on UNUSEDSIGNAL */
    wire        mtime_ge_cmp = !cmp_sum[64];

    // The low half's decrement: its carry out is 0 only when nmtime_lo is 0
    // (mtime_lo all ones), which is when the high half steps this cycle.
    wire [32:0] lo_dec = {1'b0, nmtime_lo} + 33'h0_FFFF_FFFF;
    wire        lo_wraps = !lo_dec[32];

    wire access   = bus_valid && !bus_ready;
    wire is_write = (bus_wstrb != 4'b0000);
    wire is_read  = access && !is_write;
    wire wr_lo    = access && is_write && (bus_addr == `SHBA_TIMER_MTIME_LO);
    wire wr_hi    = access && is_write && (bus_addr == `SHBA_TIMER_MTIME_HI);
    wire wr_cmp_lo = access && is_write && (bus_addr == `SHBA_TIMER_MTIMECMP_LO);
    wire wr_cmp_hi = access && is_write && (bus_addr == `SHBA_TIMER_MTIMECMP_HI);

    // Byte-lane merge of a write (stored inverted) into one 32-bit half.
    function [31:0] merge_inv;
        input [31:0] old;
        input [31:0] data;
        input [3:0]  strb;
        begin
            merge_inv = {strb[3] ? ~data[31:24] : old[31:24],
                         strb[2] ? ~data[23:16] : old[23:16],
                         strb[1] ? ~data[15:8]  : old[15:8],
                         strb[0] ? ~data[7:0]   : old[7:0]};
        end
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            bus_ready <= 1'b0;
            nmtime_lo <= 32'hFFFF_FFFF;   // mtime = 0
            nmtime_hi <= 32'hFFFF_FFFF;
            irq_timer <= 1'b0;
        end else begin
            bus_ready <= access;
            irq_timer <= mtime_ge_cmp;
            if (wr_lo)
                nmtime_lo <= merge_inv(nmtime_lo, bus_wdata, bus_wstrb);
            else
                nmtime_lo <= lo_dec[31:0];
            if (wr_hi)
                nmtime_hi <= merge_inv(nmtime_hi, bus_wdata, bus_wstrb);
            else if (lo_wraps && !wr_lo)
                nmtime_hi <= nmtime_hi - 32'd1;
        end
    end

    // mtimecmp: one enable per byte lane, reset to all ones.
    always @(posedge clk) begin
        if (rst) begin
            cmp_lo <= 32'hFFFF_FFFF;
            cmp_hi <= 32'hFFFF_FFFF;
        end else begin
            if (wr_cmp_lo && bus_wstrb[0]) cmp_lo[7:0]   <= bus_wdata[7:0];
            if (wr_cmp_lo && bus_wstrb[1]) cmp_lo[15:8]  <= bus_wdata[15:8];
            if (wr_cmp_lo && bus_wstrb[2]) cmp_lo[23:16] <= bus_wdata[23:16];
            if (wr_cmp_lo && bus_wstrb[3]) cmp_lo[31:24] <= bus_wdata[31:24];
            if (wr_cmp_hi && bus_wstrb[0]) cmp_hi[7:0]   <= bus_wdata[7:0];
            if (wr_cmp_hi && bus_wstrb[1]) cmp_hi[15:8]  <= bus_wdata[15:8];
            if (wr_cmp_hi && bus_wstrb[2]) cmp_hi[23:16] <= bus_wdata[23:16];
            if (wr_cmp_hi && bus_wstrb[3]) cmp_hi[31:24] <= bus_wdata[31:24];
        end
    end

    // Read data: zero outside a read (a synchronous clear, no extra logic).
    always @(posedge clk) begin
        if (rst || !is_read)
            bus_rdata <= 32'h0;
        else
            bus_rdata <= bus_addr[3] ? (bus_addr[2] ? cmp_hi : cmp_lo) : ~(bus_addr[2] ? nmtime_hi : nmtime_lo);
    end
endmodule
`default_nettype wire
