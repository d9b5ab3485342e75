// Gate-level co-simulation only (sim/gate, docs/cosim.md): the post-synthesis
// netlist of the board top (hx8k_breakout_top, yosys synth_ice40) with what
// stands around the FPGA on the board, as far as the pin adapter
// (sim/harness/top_gate_board.cpp) cannot play it from outside the model:
//
// - clk: the kernel's clock is the 36 MHz core clock.  It goes in at the
//   board's clk_12m pin and the PLL model (SB_PLL40_CORE.v) passes it on
//   unchanged; the PLL's division is not simulated.
// - SD[15:0]: the FPGA's pins are the A side of the 74ALVC164245 (U1).  A
//   byte lane that U1 has on in the bus-to-FPGA direction (DIR low, OE# low)
//   drives the bus value onto the pins; otherwise only the FPGA's own SB_IO
//   tristates drive them.  isa_sd_pins is what the pins carry, for the
//   adapter to pass to the bus while U1 has a lane on towards it.
//
// - flash DQ0: the pad net between the FPGA and the flash model (below).
//
// Every other board pin is a port of this wrapper under the same name.
module gate_board_top (
    input  wire        clk,

    input  wire [9:0]  isa_sa,
    input  wire        isa_sbhe_n,
    input  wire        isa_aen,
    input  wire        isa_ior_n,
    input  wire        isa_iow_n,
    input  wire        isa_reset_drv,
    input  wire        isa_tc,

    input  wire [15:0] isa_sd_bus,     // SD[15:0] on the ISA side of U1
    output wire [15:0] isa_sd_pins,    // the FPGA's SD pins (U1's A side)
    output wire [1:0]  isa_sd_dir,
    output wire [1:0]  isa_sd_oe_n,

    output wire        isa_iochrdy_pull_n,
    output wire        isa_iocs16_pull_n,
    output wire        isa_irq_level,
    output wire [2:0]  isa_irq_sel,
    output wire        isa_drq8_level,
    output wire [1:0]  isa_drq8_sel,
    output wire        isa_drq16_level,
    output wire [1:0]  isa_drq16_sel,
    input  wire        isa_dack8_n,
    input  wire        isa_dack16_n,

    output wire        sd_sck,
    output wire        sd_mosi,
    input  wire        sd_miso,
    output wire        sd_cs_n,

    output wire        flash_sck,
    output wire        flash_cs_n,
    input  wire        flash_dq0_model,     // DQ0 as the flash model drives it
    input  wire        flash_dq0_model_oe,  //   while this is high
    output wire        flash_dq0_pin,       // DQ0 as the FPGA's pad carries it
    output wire        flash_dq0_fpga_oe,   // the FPGA's DQ0 SB_IO drives the pad
    input  wire        flash_dq1,

    output wire        uart_tx,
    input  wire        uart_rx,

    input  wire [2:0]  cfg_base_n,
    input  wire [2:0]  cfg_irq_n,
    input  wire [1:0]  cfg_dma8_n,
    input  wire        cfg_narrow_n,

    output wire [7:0]  led
);
    wire [15:0] sd_pins;

    // U1 towards the FPGA, per byte lane
    wire [1:0] lane_to_fpga = ~isa_sd_dir & ~isa_sd_oe_n;
    assign sd_pins[7:0]  = lane_to_fpga[0] ? isa_sd_bus[7:0]  : 8'bz;
    assign sd_pins[15:8] = lane_to_fpga[1] ? isa_sd_bus[15:8] : 8'bz;
    assign isa_sd_pins = sd_pins;

    // Flash DQ0: the flash model drives the pad during a dual read's data, the
    // FPGA's SB_IO (u_flash_dq0 in the board top, kept by name in the
    // netlist) otherwise; the model checks that they never overlap and that
    // nobody reads a float, so it needs the cell's output enable.
    wire dq0_pad;
    assign dq0_pad = flash_dq0_model_oe ? flash_dq0_model : 1'bz;
    assign flash_dq0_pin = dq0_pad;
    assign flash_dq0_fpga_oe = board.u_flash_dq0.OUTPUT_ENABLE;

    // Input-only pads: SB_IO's pad port is inout, so they are nets here.
    wire       miso_pad = sd_miso;
    wire [2:0] base_pads = cfg_base_n;
    wire [2:0] irq_pads = cfg_irq_n;
    wire [1:0] dma8_pads = cfg_dma8_n;
    wire       narrow_pad = cfg_narrow_n;

    hx8k_breakout_top board (
        .clk_12m(clk),
        .isa_sa(isa_sa),
        .isa_sbhe_n(isa_sbhe_n),
        .isa_aen(isa_aen),
        .isa_ior_n(isa_ior_n),
        .isa_iow_n(isa_iow_n),
        .isa_reset_drv(isa_reset_drv),
        .isa_tc(isa_tc),
        .isa_sd(sd_pins),
        .isa_sd_dir(isa_sd_dir),
        .isa_sd_oe_n(isa_sd_oe_n),
        .isa_iochrdy_pull_n(isa_iochrdy_pull_n),
        .isa_iocs16_pull_n(isa_iocs16_pull_n),
        .isa_irq_level(isa_irq_level),
        .isa_irq_sel(isa_irq_sel),
        .isa_drq8_level(isa_drq8_level),
        .isa_drq8_sel(isa_drq8_sel),
        .isa_drq16_level(isa_drq16_level),
        .isa_drq16_sel(isa_drq16_sel),
        .isa_dack8_n(isa_dack8_n),
        .isa_dack16_n(isa_dack16_n),
        .sd_sck(sd_sck),
        .sd_mosi(sd_mosi),
        .sd_miso(miso_pad),
        .sd_cs_n(sd_cs_n),
        .flash_sck(flash_sck),
        .flash_cs_n(flash_cs_n),
        .flash_dq0(dq0_pad),
        .flash_dq1(flash_dq1),
        .uart_tx(uart_tx),
        .uart_rx(uart_rx),
        .cfg_base_n(base_pads),
        .cfg_irq_n(irq_pads),
        .cfg_dma8_n(dma8_pads),
        .cfg_narrow_n(narrow_pad),
        .led(led)
    );
endmodule
