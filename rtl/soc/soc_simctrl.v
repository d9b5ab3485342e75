`default_nettype none
// Simulation control (SIMCTRL block of regmap/20-soc.regs).  In the Verilator
// build an EXIT write calls the harness (DPI-C shba_sim_exit) and IRQ drives a
// test level into the CPU's external interrupt.  Elsewhere (the FPGA) the block
// still answers every access, reads 0 and ignores writes.
`include "softhba_regs.vh"

module soc_simctrl (
    input  wire        clk,
    input  wire        rst,
    input  wire        bus_valid,
    input  wire [3:0]  bus_addr,
    input  wire [31:0] bus_wdata,
    input  wire [3:0]  bus_wstrb,
    output reg  [31:0] bus_rdata,
    output reg         bus_ready,
    output wire        test_irq
);
    wire access   = bus_valid && !bus_ready;
    wire is_write = (bus_wstrb != 4'b0000);

`ifdef VERILATOR
    import "DPI-C" function void shba_sim_exit(input int code);

    reg test_irq_level;
    assign test_irq = test_irq_level;

    always @(posedge clk) begin
        if (rst) begin
            bus_ready <= 1'b0;
            bus_rdata <= 32'h0;
            test_irq_level <= 1'b0;
        end else begin
            bus_ready <= access;
            bus_rdata <= 32'h0;
            if (access && bus_addr == `SHBA_SIMCTRL_EXIT && is_write)
                shba_sim_exit(bus_wdata);
            if (access && bus_addr == `SHBA_SIMCTRL_IRQ) begin
                if (is_write) begin
                    if (bus_wstrb[0]) test_irq_level <= bus_wdata[`SHBA_SIMCTRL_IRQ_EXT];
                end else begin
                    bus_rdata <= {31'h0, test_irq_level};
                end
            end
        end
    end
`else
    assign test_irq = 1'b0;

    always @(posedge clk) begin
        if (rst) begin
            bus_ready <= 1'b0;
            bus_rdata <= 32'h0;
        end else begin
            bus_ready <= access;
            bus_rdata <= 32'h0;
        end
    end
`endif
endmodule
`default_nettype wire
