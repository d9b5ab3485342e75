`default_nettype none
// softhba: the board-independent card top (ports: docs/architecture.md "The
// card's top"; sim/include/card_pins.h mirrors them).  The board tops in
// rtl/boards/ map these ports to pins and tri-state buffers; the
// co-simulation drives them directly.
//
// The data path reads left to right: ISA pins -> isa_interface (ISA slave,
// host register file, subordinate DMA, data FIFO) -> SD stream engine -> SD
// card.  The SoC (RV32 CPU, RAM, UART, timer) controls both through its
// expansion bus: 0x2xxx_xxxx the host register file and FIFO port,
// 0x3xxx_xxxx the SD engine.
`include "softhba_regs.vh"

module softhba_card #(
    parameter CLK_HZ = `SHBA_SOC_CLK_HZ,
    // Power-on hold in clocks; a board top that holds isa_reset after
    // configuration itself (hx8k_breakout_top) sets 1.
    parameter POR_CYCLES = 64
) (
    input  wire        clk,

    // ISA bus
    input  wire [9:0]  isa_sa,
    input  wire        isa_sbhe_n,
    input  wire [15:0] isa_sd_in,
    output wire [15:0] isa_sd_out,
    output wire [1:0]  isa_sd_oe,
    input  wire        isa_aen,
    input  wire        isa_ior_n,
    input  wire        isa_iow_n,
    output wire        isa_iochrdy_oe,
    output wire        isa_iocs16_n_oe,
    output wire [7:0]  isa_drq,
    output wire [7:0]  isa_drq_oe,
    input  wire [7:0]  isa_dack_n,
    input  wire        isa_tc,
    output wire [15:0] isa_irq,
    output wire [15:0] isa_irq_oe,
    input  wire        isa_reset,

    // SD card, SPI mode 0
    output wire        sd_sck,
    output wire        sd_mosi,
    input  wire        sd_miso,
    output wire        sd_cs_n,

    // SPI flash: the firmware runs from it (the board's configuration flash)
    output wire        flash_sck,
    output wire        flash_cs_n,
    output wire        flash_dq0_out,   // DQ0 is bidirectional (dual output reads):
    output wire        flash_dq0_oe,    //   the card drives it while oe is high
    input  wire        flash_dq0_in,
    input  wire        flash_dq1_in,

    // Console
    output wire        uart_tx,
    input  wire        uart_rx,

    // Board
    input  wire [2:0]  cfg_base_sel,
    input  wire [7:0]  cfg_resources,
    output wire [3:0]  led
);
    // ---------------------------------------------------------------- reset
    // sys_rst: power-on or ISA RESET DRV; resets everything.
    // soft_rst: sys_rst or the host's CONTROL.RESET; resets the CPU, the SoC
    // and the SD engine (isa_interface resets its own FIFO and DMA on it and
    // keeps CONFIG and the interrupt enable).
    wire sys_rst;
    wire host_reset_req;
    wire isa_reset_sync;

    card_reset #(
        .POR_CYCLES(POR_CYCLES)
    ) u_reset (
        .clk(clk),
        .isa_reset_sync(isa_reset_sync),
        .sys_rst(sys_rst)
    );

    reg soft_rst;
    always @(posedge clk)
        soft_rst <= sys_rst || host_reset_req;

    // ---------------------------------------------------------------- SoC
    wire        ext_bus_valid;
    wire [31:0] ext_bus_addr;
    wire [31:0] ext_bus_wdata;
    wire [3:0]  ext_bus_wstrb;
    wire [31:0] ext_bus_rdata;
    wire        ext_bus_ready;
    wire        ext_irq;

    soc #(
        .CLK_HZ(CLK_HZ)
    ) u_soc (
        .clk(clk),
        .rst(soft_rst),
        .uart_tx(uart_tx),
        .uart_rx(uart_rx),
        .flash_sck(flash_sck),
        .flash_cs_n(flash_cs_n),
        .flash_dq0_out(flash_dq0_out),
        .flash_dq0_oe(flash_dq0_oe),
        .flash_dq0_in(flash_dq0_in),
        .flash_dq1_in(flash_dq1_in),
        .ext_bus_valid(ext_bus_valid),
        .ext_bus_addr(ext_bus_addr),
        .ext_bus_wdata(ext_bus_wdata),
        .ext_bus_wstrb(ext_bus_wstrb),
        .ext_bus_rdata(ext_bus_rdata),
        .ext_bus_ready(ext_bus_ready),
        .ext_irq(ext_irq)
    );

    // ---------------------------------------------------------------- expansion bus
    // The SoC passes only 0x2000_0000-0x3FFF_FFFF here, so bit 28 picks the
    // slave: 0 = host register file and FIFO port, 1 = SD engine.
    wire        sel_sd        = ext_bus_addr[28];
    wire        isa_bus_valid = ext_bus_valid && !sel_sd;
    wire        sd_bus_valid  = ext_bus_valid && sel_sd;
    wire [31:0] isa_bus_rdata, sd_bus_rdata;
    wire        isa_bus_ready, sd_bus_ready;
    wire        isa_cpu_irq, sd_irq;

    // Both slaves drive 0 outside their answering cycle (the SoC ORs the read buses).
    assign ext_bus_rdata = sd_bus_rdata | isa_bus_rdata;
    assign ext_bus_ready = sel_sd ? sd_bus_ready : isa_bus_ready;
    assign ext_irq   = isa_cpu_irq || sd_irq;

    // ---------------------------------------------------------------- ISA side and FIFO
    wire       fifo_push, fifo_pop, fifo_full, fifo_empty;
    wire [7:0] fifo_push_data, fifo_pop_data;
    wire       led_busy, led_dma, led_fw_ready, sd_active;

    /* verilator lint_off PINCONNECTEMPTY */
    isa_interface u_isa (
        .clk(clk),
        .rst(sys_rst),
        .isa_sa(isa_sa),
        .isa_sbhe_n(isa_sbhe_n),
        .isa_sd_in(isa_sd_in),
        .isa_sd_out(isa_sd_out),
        .isa_sd_oe(isa_sd_oe),
        .isa_aen(isa_aen),
        .isa_ior_n(isa_ior_n),
        .isa_iow_n(isa_iow_n),
        .isa_iochrdy_oe(isa_iochrdy_oe),
        .isa_iocs16_n_oe(isa_iocs16_n_oe),
        .isa_drq(isa_drq),
        .isa_drq_oe(isa_drq_oe),
        .isa_dack_n(isa_dack_n),
        .isa_tc(isa_tc),
        .isa_irq(isa_irq),
        .isa_irq_oe(isa_irq_oe),
        .isa_reset(isa_reset),
        .cfg_base_sel(cfg_base_sel),
        .cfg_resources(cfg_resources),
        .bus_valid(isa_bus_valid),
        .bus_addr(ext_bus_addr),
        .bus_wdata(ext_bus_wdata),
        .bus_wstrb(ext_bus_wstrb),
        .bus_rdata(isa_bus_rdata),
        .bus_ready(isa_bus_ready),
        .fifo_push(fifo_push),
        .fifo_push_data(fifo_push_data),
        .fifo_full(fifo_full),
        .fifo_pop(fifo_pop),
        .fifo_pop_data(fifo_pop_data),
        .fifo_empty(fifo_empty),
        .fifo_level(),             // the SD engine paces itself on full/empty
        .fifo_dir_to_host(),       // the firmware sets the direction before starting the engine
        .cpu_irq(isa_cpu_irq),
        .host_reset_req(host_reset_req),
        .isa_reset_sync(isa_reset_sync),
        .led_busy(led_busy),
        .led_dma(led_dma),
        .led_fw_ready(led_fw_ready)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // ---------------------------------------------------------------- SD card
    sd_spi_engine u_sd (
        .clk(clk),
        .rst(soft_rst),
        .bus_valid(sd_bus_valid),
        .bus_addr(ext_bus_addr),
        .bus_wdata(ext_bus_wdata),
        .bus_wstrb(ext_bus_wstrb),
        .bus_rdata(sd_bus_rdata),
        .bus_ready(sd_bus_ready),
        .irq(sd_irq),
        .fifo_push(fifo_push),
        .fifo_push_data(fifo_push_data),
        .fifo_full(fifo_full),
        .fifo_pop(fifo_pop),
        .fifo_pop_data(fifo_pop_data),
        .fifo_empty(fifo_empty),
        .sd_sck(sd_sck),
        .sd_mosi(sd_mosi),
        .sd_cs_n(sd_cs_n),
        .sd_miso(sd_miso),
        .active(sd_active)
    );

    assign led = {sd_active, led_dma, led_busy, led_fw_ready};
endmodule
`default_nettype wire
