// Simulation control (SIMCTRL block of regmap/20-soc.regs).  In the Verilator
// build an EXIT write calls the harness (DPI-C shba_sim_exit) and IRQ drives a
// test level into the CPU's external interrupt.  Elsewhere (the FPGA) the block
// still answers every access, reads 0 and ignores writes.
`include "softhba_regs.vh"

module soc_simctrl (
    input  wire        clk,
    input  wire        rst,
    input  wire        valid,
    input  wire [3:0]  addr,
    input  wire [31:0] wdata,
    input  wire [3:0]  wstrb,
    output reg  [31:0] rdata,
    output reg         ready,
    output wire        test_irq
);
    wire access   = valid && !ready;
    wire is_write = (wstrb != 4'b0000);

`ifdef VERILATOR
    import "DPI-C" function void shba_sim_exit(input int code);

    reg test_irq_level;
    assign test_irq = test_irq_level;

    always @(posedge clk) begin
        if (rst) begin
            ready <= 1'b0;
            rdata <= 32'h0;
            test_irq_level <= 1'b0;
        end else begin
            ready <= access;
            rdata <= 32'h0;
            if (access && addr == `SHBA_SIMCTRL_EXIT && is_write)
                shba_sim_exit(wdata);
            if (access && addr == `SHBA_SIMCTRL_IRQ) begin
                if (is_write) begin
                    if (wstrb[0]) test_irq_level <= wdata[`SHBA_SIMCTRL_IRQ_EXT];
                end else begin
                    rdata <= {31'h0, test_irq_level};
                end
            end
        end
    end
`else
    assign test_irq = 1'b0;

    always @(posedge clk) begin
        if (rst) begin
            ready <= 1'b0;
            rdata <= 32'h0;
        end else begin
            ready <= access;
            rdata <= 32'h0;
        end
    end
`endif
endmodule
