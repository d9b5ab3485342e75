`default_nettype none
// The card's ISA side: synchronisers, I/O slave, host register file, DMA/PIO
// engine and the data FIFO with its routing.  Dropped into the card top
// (rtl/card/softhba_card.v); port list and timing in docs/isa.md.
module isa_interface (
    input  wire        clk,
    input  wire        rst,              // sys_rst (power-on or RESET DRV), NOT the soft reset
    // ISA pins, named as the card top
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
    // board configuration
    input  wire [2:0]  cfg_base_sel,
    input  wire [7:0]  cfg_resources,
    // CPU bus slave for 0x2000_0000-0x2FFF_FFFF (HOSTIF at +0x0000, FIFO at +0x1000)
    input  wire        bus_valid,
    input  wire [31:0] bus_addr,
    input  wire [31:0] bus_wdata,
    input  wire [3:0]  bus_wstrb,
    output wire [31:0] bus_rdata,
    output wire        bus_ready,
    // FIFO card-side stream (SD engine)
    input  wire        fifo_push,
    input  wire [7:0]  fifo_push_data,
    output wire        fifo_full,
    input  wire        fifo_pop,
    output wire [7:0]  fifo_pop_data,
    output wire        fifo_empty,
    output wire [10:0] fifo_level,
    output wire        fifo_dir_to_host,
    // to the card
    output wire        cpu_irq,          // HOSTIF EVENTS & EVENT_EN
    output wire        host_reset_req,   // CONTROL.RESET, stretched 16 clocks
    output wire        isa_reset_sync,   // RESET DRV synchronised (for sys_rst)
    output wire        led_busy,
    output wire        led_dma,
    output wire        led_fw_ready
);
    // ---- named crossings: ISA control into clk ----
    // ctrl_sync bits: {RESET DRV, TC, AEN, IOW#, IOR#}; dack_sync: DACK#[7:0]
    wire [4:0] ctrl_sync;
    isa_sync #(.W(5), .INIT(5'b00011)) u_sync_isa_ctrl (
        .clk(clk), .d_async({isa_reset, isa_tc, isa_aen, isa_iow_n, isa_ior_n}), .q_sync(ctrl_sync));
    wire [7:0] dack_n_sync;
    isa_sync #(.W(8), .INIT(8'hFF)) u_sync_isa_dack (
        .clk(clk), .d_async(isa_dack_n), .q_sync(dack_n_sync));
    wire ior_n_sync = ctrl_sync[0];
    wire iow_n_sync = ctrl_sync[1];
    wire aen_sync = ctrl_sync[2];
    wire tc_sync = ctrl_sync[3];
    assign isa_reset_sync = ctrl_sync[4];

    wire soft_rst = rst || host_reset_req;

    // ---- I/O slave ----
    wire rd_start, rd_end, wr_stb, reg_word;
    wire [3:0] reg_off;
    wire [15:0] wr_data, rd_data;
    wire [15:0] io_sd_out;
    wire [1:0] io_sd_oe;
    wire io_active;
    wire [7:0] config_q;
    isa_slave u_slave (
        .clk(clk), .rst(rst),
        .isa_sa(isa_sa), .isa_sbhe_n(isa_sbhe_n), .isa_sd_in(isa_sd_in),
        .isa_aen(isa_aen), .isa_ior_n(isa_ior_n),
        .ior_n_sync(ior_n_sync), .iow_n_sync(iow_n_sync), .aen_sync(aen_sync),
        .cfg_base_sel(cfg_base_sel), .wide16(config_q[7]),
        .rd_start(rd_start), .rd_end(rd_end), .wr_stb(wr_stb),
        .reg_off(reg_off), .reg_word(reg_word), .wr_data(wr_data), .rd_data(rd_data),
        .sd_out(io_sd_out), .sd_oe(io_sd_oe), .iocs16_n_oe(isa_iocs16_n_oe),
        .io_active(io_active));

    // ---- CPU bus decode ----
    wire sel_local = (bus_addr[27:13] == 15'd0);
    wire sel_fifo = sel_local && bus_addr[12];
    wire sel_hif = sel_local && !bus_addr[12];
    wire [31:0] hif_bus_rdata, fifo_bus_rdata;
    wire hif_bus_ready, fifo_bus_ready;
    reg nomap_bus_ready;
    always @(posedge clk)
        nomap_bus_ready <= bus_valid && !sel_local && !nomap_bus_ready && !rst;
    assign bus_ready = hif_bus_ready || fifo_bus_ready || nomap_bus_ready;
    // Both slaves drive 0 outside their answering cycle, so an OR is enough.
    assign bus_rdata = hif_bus_rdata | fifo_bus_rdata;

    // ---- register file ----
    wire [15:0] pio_rd_data;
    wire pio_ready, moved, tc_hit, stray, pio_rd_start, pio_rd_end, pio_wr;
    wire [1:0] moved_bytes;
    wire xfer_armed, xfer_dir_to_host, xfer_width16, xfer_pio, xfer_flush;
    wire [23:0] xfer_remaining;
    wire xfer_rem_small;
    host_regs u_regs (
        .clk(clk), .rst(rst), .isa_reset_sync(isa_reset_sync), .cfg_resources(cfg_resources),
        .rd_start(rd_start), .rd_end(rd_end), .wr_stb(wr_stb), .reg_off(reg_off),
        .reg_word(reg_word), .wr_data(wr_data[7:0]), .rd_data(rd_data),
        .pio_rd_data(pio_rd_data), .pio_ready(pio_ready), .moved(moved),
        .moved_bytes(moved_bytes), .tc_hit(tc_hit), .stray(stray),
        .pio_rd_start(pio_rd_start), .pio_rd_end(pio_rd_end), .pio_wr(pio_wr),
        .config_q(config_q), .xfer_armed(xfer_armed), .xfer_dir_to_host(xfer_dir_to_host),
        .xfer_width16(xfer_width16), .xfer_pio(xfer_pio), .xfer_remaining(xfer_remaining),
        .xfer_rem_small(xfer_rem_small), .xfer_flush(xfer_flush), .isa_irq(isa_irq), .isa_irq_oe(isa_irq_oe),
        .bus_valid(bus_valid && sel_hif), .bus_addr(bus_addr[11:0]), .bus_wdata(bus_wdata),
        .bus_wstrb(bus_wstrb), .bus_rdata(hif_bus_rdata), .bus_ready(hif_bus_ready),
        .cpu_irq(cpu_irq), .host_reset_req(host_reset_req), .busy(led_busy),
        .fw_ready(led_fw_ready));

    // ---- FIFO ----
    wire isa_push, isa_pop, fifo_clear;
    wire [7:0] isa_push_data;
    fifo_ports u_fifo (
        .clk(clk), .rst(soft_rst),
        .bus_valid(bus_valid && sel_fifo), .bus_addr(bus_addr[7:0]), .bus_wdata(bus_wdata[7:0]),
        .bus_wstrb(bus_wstrb), .bus_rdata(fifo_bus_rdata), .bus_ready(fifo_bus_ready),
        .fifo_push(fifo_push), .fifo_push_data(fifo_push_data), .fifo_full(fifo_full),
        .fifo_pop(fifo_pop), .fifo_pop_data(fifo_pop_data), .fifo_empty(fifo_empty),
        .fifo_level(fifo_level),
        .isa_push(isa_push), .isa_push_data(isa_push_data), .isa_pop(isa_pop),
        .dir_to_host(fifo_dir_to_host), .clear_pulse(fifo_clear));

    // ---- DMA / PIO data engine ----
    wire [15:0] dma_sd_out;
    wire [1:0] dma_sd_oe;
    isa_dma u_dma (
        .clk(clk), .rst(soft_rst),
        .cfg_dma8_sel(config_q[4:3]), .cfg_dma16_sel(config_q[6:5]), .cfg_wide16(config_q[7]),
        .xfer_armed(xfer_armed), .xfer_dir_to_host(xfer_dir_to_host),
        .xfer_width16(xfer_width16), .xfer_pio(xfer_pio), .xfer_remaining(xfer_remaining[2:0]),
        .xfer_rem_small(xfer_rem_small), .flush(xfer_flush || fifo_clear), .fifo_dir_to_host(fifo_dir_to_host),
        .isa_dack_n(isa_dack_n), .isa_ior_n(isa_ior_n),
        .dack_n_sync(dack_n_sync), .ior_n_sync(ior_n_sync), .iow_n_sync(iow_n_sync),
        .tc_sync(tc_sync), .wr_data_cap(wr_data),
        .pio_rd_start(pio_rd_start), .pio_rd_end(pio_rd_end), .pio_wr(pio_wr),
        .pio_word(reg_word), .pio_rd_data(pio_rd_data), .pio_ready(pio_ready),
        .fifo_head(fifo_pop_data), .fifo_empty(fifo_empty), .fifo_level(fifo_level),
        .fifo_pop(isa_pop), .fifo_push(isa_push), .fifo_push_data(isa_push_data),
        .isa_drq(isa_drq), .isa_drq_oe(isa_drq_oe), .sd_out(dma_sd_out), .sd_oe(dma_sd_oe),
        .moved(moved), .moved_bytes(moved_bytes), .tc_hit(tc_hit), .stray(stray),
        .dma_active(led_dma));

    // I/O reads and DMA reads never overlap (AEN separates them).
    assign isa_sd_out = (dma_sd_oe != 2'b00) ? dma_sd_out : io_sd_out;
    assign isa_sd_oe = io_sd_oe | dma_sd_oe;
    // The card never stretches a cycle (see docs/isa.md): IOCHRDY is left alone.
    assign isa_iochrdy_oe = 1'b0;

    wire unused_ok = &{1'b0, io_active, bus_addr[31:28], bus_wdata[31:8], config_q[2:0],
                        xfer_remaining[23:3]};   // isa_dma gets xfer_rem_small instead
endmodule
`default_nettype wire
