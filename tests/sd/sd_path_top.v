`default_nettype none
// Test top for the SD testbench (tests/sd): the SD stream engine and the real
// data FIFO with its routing (rtl/fifo/fifo_ports.v), wired as in
// rtl/card/softhba_card.v.  The bus reaches the FIFO's registers at
// SHBA_FIFO_BASE and the engine's everywhere else; the FIFO's ISA end is the
// far side a test device plays.  eng_push/eng_pop show the engine's requests
// so that a test can check it never pushes into a full FIFO or pops an empty
// one.  Simulation only: not part of the card.
`include "softhba_regs.vh"
module sd_path_top (
    input  wire        clk,
    input  wire        rst,
    input  wire        bus_valid,
    input  wire [31:0] bus_addr,
    input  wire [31:0] bus_wdata,
    input  wire [3:0]  bus_wstrb,
    output wire [31:0] bus_rdata,
    output wire        bus_ready,
    output wire        irq,
    // the FIFO's far (ISA) end
    input  wire        host_push,
    input  wire [7:0]  host_push_data,
    input  wire        host_pop,
    output wire [7:0]  fifo_pop_data,
    output wire        fifo_full,
    output wire        fifo_empty,
    output wire [10:0] fifo_level,
    output wire        fifo_dir_to_host,
    output wire        eng_push,
    output wire        eng_pop,
    // SD card
    output wire        sd_sck,
    output wire        sd_mosi,
    output wire        sd_cs_n,
    input  wire        sd_miso
);
    localparam [31:0] FIFO_BASE = `SHBA_FIFO_BASE;
    wire sel_fifo = (bus_addr[31:8] == FIFO_BASE[31:8]);
    wire [31:0] sd_rdata, fifo_rdata;
    wire sd_ready, fifo_ready;
    wire [7:0] eng_push_data;
    wire fifo_clear;

    sd_spi_engine u_sd (
        .clk(clk), .rst(rst),
        .bus_valid(bus_valid && !sel_fifo), .bus_addr(bus_addr), .bus_wdata(bus_wdata),
        .bus_wstrb(bus_wstrb), .bus_rdata(sd_rdata), .bus_ready(sd_ready), .irq(irq),
        .fifo_push(eng_push), .fifo_push_data(eng_push_data), .fifo_full(fifo_full),
        .fifo_pop(eng_pop), .fifo_pop_data(fifo_pop_data), .fifo_empty(fifo_empty),
        .sd_sck(sd_sck), .sd_mosi(sd_mosi), .sd_cs_n(sd_cs_n), .sd_miso(sd_miso),
        /* verilator lint_off PINCONNECTEMPTY */
        .active());
        /* verilator lint_on PINCONNECTEMPTY */

    fifo_ports u_fifo (
        .clk(clk), .rst(rst),
        .bus_valid(bus_valid && sel_fifo), .bus_addr(bus_addr[7:0]), .bus_wdata(bus_wdata[7:0]),
        .bus_wstrb(bus_wstrb), .bus_rdata(fifo_rdata), .bus_ready(fifo_ready),
        .fifo_push(eng_push), .fifo_push_data(eng_push_data), .fifo_full(fifo_full),
        .fifo_pop(eng_pop), .fifo_pop_data(fifo_pop_data), .fifo_empty(fifo_empty),
        .fifo_level(fifo_level),
        .isa_push(host_push), .isa_push_data(host_push_data), .isa_pop(host_pop),
        .dir_to_host(fifo_dir_to_host), .clear_pulse(fifo_clear));

    // the read buses are 0 outside the answering cycle: ORed as in the SoC
    assign bus_rdata = sd_rdata | fifo_rdata;
    assign bus_ready = sd_ready | fifo_ready;

    wire unused_ok = &{1'b0, fifo_clear};
endmodule
`default_nettype wire
