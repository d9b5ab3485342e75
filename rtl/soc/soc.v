// The on-card SoC: the RV32 CPU, its bus decode (SOC block of
// regmap/20-soc.regs), block RAM, console UART, machine timer and simulation
// control.  Addresses 0x2000_0000-0x3FFF_FFFF go out through the ext_* port
// (the card top hangs the host register file, FIFO and SD engine there).
//
// Bus: the picorv32-style valid/ready handshake (docs/architecture.md).  Every
// internal slave answers in the cycle after valid (the UART holds a DATA
// write while its transmitter is busy); unmapped addresses read 0.
`include "softhba_regs.vh"

module soc #(
    parameter CLK_HZ = `SHBA_SOC_CLK_HZ,
    parameter RAM_BYTES = `SHBA_SOC_RAM_SIZE,
    parameter ENABLE_MUL = 1,
    parameter RAM_INIT_FILE = "rtl/soc/soc_ram_placeholder.hex"
) (
    input  wire        clk,
    input  wire        rst,
    output wire        uart_tx,
    input  wire        uart_rx,

    // Expansion bus for 0x2000_0000-0x3FFF_FFFF, same handshake.
    output wire        ext_valid,
    output wire [31:0] ext_addr,
    output wire [31:0] ext_wdata,
    output wire [3:0]  ext_wstrb,
    input  wire [31:0] ext_rdata,
    input  wire        ext_ready,
    input  wire        ext_irq
);
    wire        mem_valid;
    wire        mem_ready;
    wire [31:0] mem_addr;
    wire [31:0] mem_wdata;
    wire [3:0]  mem_wstrb;
    wire [31:0] mem_rdata;
    wire        irq_timer;
    wire        test_irq;

    // mem_instr is not needed: instruction and data space are the same.
    /* verilator lint_off PINCONNECTEMPTY */
    rv32_cpu #(
        .RESET_ADDR(`SHBA_SOC_RAM_BASE),
        .ENABLE_MUL(ENABLE_MUL)
    ) cpu (
        .clk(clk),
        .rst(rst),
        .mem_valid(mem_valid),
        .mem_instr(),
        .mem_ready(mem_ready),
        .mem_addr(mem_addr),
        .mem_wdata(mem_wdata),
        .mem_wstrb(mem_wstrb),
        .mem_rdata(mem_rdata),
        .irq_timer(irq_timer),
        .irq_external(ext_irq | test_irq)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // Address decode: region on bits 31:28, then a 4 KiB page for the I/O blocks.
    localparam [31:0] RAM_BASE     = `SHBA_SOC_RAM_BASE;
    localparam [31:0] UART_BASE    = `SHBA_SOC_UART_BASE;
    localparam [31:0] TIMER_BASE   = `SHBA_SOC_TIMER_BASE;
    localparam [31:0] SIMCTRL_BASE = `SHBA_SOC_SIMCTRL_BASE;
    localparam [31:0] EXT_BASE     = `SHBA_SOC_EXT_BASE;

    // The I/O blocks have 16-byte register windows at the start of their page.
    wire in_io       = (mem_addr[31:28] == UART_BASE[31:28]) && (mem_addr[11:4] == 8'h0);
    wire sel_ram     = (mem_addr[31:28] == RAM_BASE[31:28]);
    wire sel_uart    = in_io && (mem_addr[27:12] == UART_BASE[27:12]);
    wire sel_timer   = in_io && (mem_addr[27:12] == TIMER_BASE[27:12]);
    wire sel_simctrl = in_io && (mem_addr[27:12] == SIMCTRL_BASE[27:12]);
    wire sel_ext     = (mem_addr[31:29] == EXT_BASE[31:29]);
    wire sel_none    = !(sel_ram || sel_uart || sel_timer || sel_simctrl || sel_ext);

    wire [31:0] ram_rdata, uart_rdata, timer_rdata, simctrl_rdata;
    wire        ram_ready, uart_ready, timer_ready, simctrl_ready;
    reg         none_ready;

    soc_ram #(
        .WORDS(RAM_BYTES / 4),
        .INIT_FILE(RAM_INIT_FILE)
    ) ram (
        .clk(clk), .rst(rst),
        .valid(mem_valid && sel_ram), .word_addr({4'h0, mem_addr[27:2]}),
        .wdata(mem_wdata), .wstrb(mem_wstrb),
        .rdata(ram_rdata), .ready(ram_ready)
    );

    soc_uart #(
        .CLK_HZ(CLK_HZ),
        .BAUD(`SHBA_UART_BAUD)
    ) uart (
        .clk(clk), .rst(rst),
        .valid(mem_valid && sel_uart), .addr(mem_addr[3:0]),
        .wdata(mem_wdata), .wstrb(mem_wstrb),
        .rdata(uart_rdata), .ready(uart_ready),
        .uart_tx(uart_tx), .uart_rx(uart_rx)
    );

    soc_timer timer (
        .clk(clk), .rst(rst),
        .valid(mem_valid && sel_timer), .addr(mem_addr[3:0]),
        .wdata(mem_wdata), .wstrb(mem_wstrb),
        .rdata(timer_rdata), .ready(timer_ready),
        .irq_timer(irq_timer)
    );

    soc_simctrl simctrl (
        .clk(clk), .rst(rst),
        .valid(mem_valid && sel_simctrl), .addr(mem_addr[3:0]),
        .wdata(mem_wdata), .wstrb(mem_wstrb),
        .rdata(simctrl_rdata), .ready(simctrl_ready),
        .test_irq(test_irq)
    );

    // Unmapped: acknowledge, read 0.
    always @(posedge clk) begin
        if (rst)
            none_ready <= 1'b0;
        else
            none_ready <= mem_valid && sel_none && !none_ready;
    end

    assign ext_valid = mem_valid && sel_ext;
    assign ext_addr  = mem_addr;
    assign ext_wdata = mem_wdata;
    assign ext_wstrb = mem_wstrb;

    // Each internal slave drives ready only for its own transfer; the
    // expansion bus's ready is qualified by its select.
    assign mem_ready = ram_ready || uart_ready || timer_ready || simctrl_ready ||
                       none_ready || (sel_ext && ext_ready);
    // The RAM, UART, timer and SIMCTRL clear their rdata outside the cycle
    // that answers their own access, so they are simply ORed.
    // ext_rdata is 0 outside the cycle that answers an expansion access too
    // (the card's slaves keep to the same rule), so the read data is an OR.
    assign mem_rdata = ram_rdata | ext_rdata | uart_rdata | timer_rdata | simctrl_rdata;
endmodule
