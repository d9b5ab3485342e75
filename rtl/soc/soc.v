`default_nettype none
// The on-card SoC: the RV32 CPU, its bus decode (SOC block of
// regmap/20-soc.regs), the execute-in-place window onto the SPI flash (the
// firmware's code and read-only data, through a block RAM cache; the CPU
// resets there), the data RAM, console UART, machine timer and simulation
// control.  Addresses 0x2000_0000-0x3FFF_FFFF go out through the ext_bus_* port
// (the card top hangs the host register file, FIFO and SD engine there).
//
// Bus: the picorv32-style valid/ready handshake (docs/architecture.md).  Every
// internal slave answers in the cycle after valid (the UART holds a DATA
// write while its transmitter is busy; a flash cache miss waits for the line
// to be read); unmapped addresses read 0.
`include "softhba_regs.vh"

module soc #(
    parameter CLK_HZ = `SHBA_SOC_CLK_HZ,
    parameter RAM_BYTES = `SHBA_SOC_RAM_SIZE,
    parameter ENABLE_MUL = 1
) (
    input  wire        clk,
    input  wire        rst,
    output wire        uart_tx,
    input  wire        uart_rx,

    // SPI flash (the board's configuration flash), SPI mode 0.
    output wire        flash_sck,
    output wire        flash_cs_n,
    output wire        flash_dq0_out,   // DQ0: out to the flash, or
    output wire        flash_dq0_oe,    //   released (oe low) for a dual read's data
    input  wire        flash_dq0_in,
    input  wire        flash_dq1_in,

    // Expansion bus for 0x2000_0000-0x3FFF_FFFF, same handshake.
    output wire        ext_bus_valid,
    output wire [31:0] ext_bus_addr,
    output wire [31:0] ext_bus_wdata,
    output wire [3:0]  ext_bus_wstrb,
    input  wire [31:0] ext_bus_rdata,
    input  wire        ext_bus_ready,
    input  wire        ext_irq
);
    wire        cpu_bus_valid;
    wire        cpu_bus_ready;
    wire [31:0] cpu_bus_addr;
    wire [31:0] cpu_bus_wdata;
    wire [3:0]  cpu_bus_wstrb;
    wire [31:0] cpu_bus_rdata;
    wire        irq_timer;
    wire        test_irq;

    // cpu_bus_instr is not needed: instruction and data space are the same.
    /* verilator lint_off PINCONNECTEMPTY */
    rv32_cpu #(
        .RESET_ADDR(`SHBA_SOC_FLASH_BASE),
        .ENABLE_MUL(ENABLE_MUL)
    ) u_cpu (
        .clk(clk),
        .rst(rst),
        .bus_valid(cpu_bus_valid),
        .bus_instr(),
        .bus_ready(cpu_bus_ready),
        .bus_addr(cpu_bus_addr),
        .bus_wdata(cpu_bus_wdata),
        .bus_wstrb(cpu_bus_wstrb),
        .bus_rdata(cpu_bus_rdata),
        .irq_timer(irq_timer),
        .irq_external(ext_irq | test_irq)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // Address decode: region on bits 31:28, then a 4 KiB page for the I/O blocks.
    localparam [31:0] RAM_BASE     = `SHBA_SOC_RAM_BASE;
    localparam [31:0] FLASH_BASE   = `SHBA_SOC_FLASH_BASE;
    localparam [31:0] UART_BASE    = `SHBA_SOC_UART_BASE;
    localparam [31:0] TIMER_BASE   = `SHBA_SOC_TIMER_BASE;
    localparam [31:0] SIMCTRL_BASE = `SHBA_SOC_SIMCTRL_BASE;
    localparam [31:0] EXT_BASE     = `SHBA_SOC_EXT_BASE;

    // The I/O blocks have 16-byte register windows at the start of their page.
    wire in_io       = (cpu_bus_addr[31:28] == UART_BASE[31:28]) && (cpu_bus_addr[11:4] == 8'h0);
    wire sel_ram     = (cpu_bus_addr[31:28] == RAM_BASE[31:28]);
    wire sel_flash   = (cpu_bus_addr[31:28] == FLASH_BASE[31:28]);
    wire sel_uart    = in_io && (cpu_bus_addr[27:12] == UART_BASE[27:12]);
    wire sel_timer   = in_io && (cpu_bus_addr[27:12] == TIMER_BASE[27:12]);
    wire sel_simctrl = in_io && (cpu_bus_addr[27:12] == SIMCTRL_BASE[27:12]);
    wire sel_ext     = (cpu_bus_addr[31:29] == EXT_BASE[31:29]);
    wire sel_none    = !(sel_ram || sel_flash || sel_uart || sel_timer || sel_simctrl || sel_ext);

    wire [31:0] ram_bus_rdata, flash_bus_rdata, uart_bus_rdata, timer_bus_rdata, simctrl_bus_rdata;
    wire        ram_bus_ready, flash_bus_ready, uart_bus_ready, timer_bus_ready, simctrl_bus_ready;
    reg         none_bus_ready;

    spi_flash_xip #(
        .CACHE_BYTES(`SHBA_SOC_ICACHE_SIZE),
        .LINE_BYTES(`SHBA_SOC_ICACHE_LINE),
        .WINDOW_BYTES(`SHBA_SOC_FLASH_FW_SIZE),
        .FLASH_OFFSET(`SHBA_SOC_FLASH_FW_OFFSET)
    ) u_flash (
        .clk(clk), .rst(rst),
        .bus_valid(cpu_bus_valid && sel_flash), .bus_addr(cpu_bus_addr[27:2]),
        .bus_wstrb(cpu_bus_wstrb),
        .bus_rdata(flash_bus_rdata), .bus_ready(flash_bus_ready),
        .flash_sck(flash_sck), .flash_cs_n(flash_cs_n),
        .flash_dq0_out(flash_dq0_out), .flash_dq0_oe(flash_dq0_oe),
        .flash_dq0_in(flash_dq0_in), .flash_dq1_in(flash_dq1_in)
    );

    soc_ram #(
        .WORDS(RAM_BYTES / 4)
    ) u_ram (
        .clk(clk), .rst(rst),
        .bus_valid(cpu_bus_valid && sel_ram), .bus_word_addr({4'h0, cpu_bus_addr[27:2]}),
        .bus_wdata(cpu_bus_wdata), .bus_wstrb(cpu_bus_wstrb),
        .bus_rdata(ram_bus_rdata), .bus_ready(ram_bus_ready)
    );

    soc_uart #(
        .CLK_HZ(CLK_HZ),
        .BAUD(`SHBA_UART_BAUD)
    ) u_uart (
        .clk(clk), .rst(rst),
        .bus_valid(cpu_bus_valid && sel_uart), .bus_addr(cpu_bus_addr[3:0]),
        .bus_wdata(cpu_bus_wdata), .bus_wstrb(cpu_bus_wstrb),
        .bus_rdata(uart_bus_rdata), .bus_ready(uart_bus_ready),
        .uart_tx(uart_tx), .uart_rx(uart_rx)
    );

    soc_timer u_timer (
        .clk(clk), .rst(rst),
        .bus_valid(cpu_bus_valid && sel_timer), .bus_addr(cpu_bus_addr[3:0]),
        .bus_wdata(cpu_bus_wdata), .bus_wstrb(cpu_bus_wstrb),
        .bus_rdata(timer_bus_rdata), .bus_ready(timer_bus_ready),
        .irq_timer(irq_timer)
    );

    soc_simctrl u_simctrl (
        .clk(clk), .rst(rst),
        .bus_valid(cpu_bus_valid && sel_simctrl), .bus_addr(cpu_bus_addr[3:0]),
        .bus_wdata(cpu_bus_wdata), .bus_wstrb(cpu_bus_wstrb),
        .bus_rdata(simctrl_bus_rdata), .bus_ready(simctrl_bus_ready),
        .test_irq(test_irq)
    );

    // Unmapped: acknowledge, read 0.
    always @(posedge clk) begin
        if (rst)
            none_bus_ready <= 1'b0;
        else
            none_bus_ready <= cpu_bus_valid && sel_none && !none_bus_ready;
    end

    assign ext_bus_valid = cpu_bus_valid && sel_ext;
    assign ext_bus_addr  = cpu_bus_addr;
    assign ext_bus_wdata = cpu_bus_wdata;
    assign ext_bus_wstrb = cpu_bus_wstrb;

    // Each internal slave drives ready only for its own transfer; the
    // expansion bus's ready is qualified by its select.
    assign cpu_bus_ready = ram_bus_ready || flash_bus_ready || uart_bus_ready || timer_bus_ready || simctrl_bus_ready ||
                           none_bus_ready || (sel_ext && ext_bus_ready);
    // The RAM, flash window, UART, timer and SIMCTRL clear their rdata outside the cycle
    // that answers their own access, so they are simply ORed.
    // ext_bus_rdata is 0 outside the cycle that answers an expansion access too
    // (the card's slaves keep to the same rule), so the read data is an OR.
    assign cpu_bus_rdata = ram_bus_rdata | flash_bus_rdata | ext_bus_rdata | uart_bus_rdata | timer_bus_rdata | simctrl_bus_rdata;
endmodule
`default_nettype wire
