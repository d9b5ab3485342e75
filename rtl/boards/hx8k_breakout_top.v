`default_nettype none
// softhba on the iCE40-HX8K breakout board (CT256), wired to a 16-bit ISA edge
// through 3.3 V/5 V translators and buffers (docs/hardware.md has the wiring
// pin by pin; constraints/hx8k-breakout.pcf the balls).
//
// - 12 MHz oscillator -> PLL -> 36 MHz core clock; power-on reset until the
//   PLL has been locked a while; RESET DRV ORed in (the card synchronises it).
// - SD[15:0] through a 74ALVC164245 whose DIR/OE# per byte this top sequences
//   (isa_data_turnaround) from the card's isa_sd_oe.
// - IOCHRDY and IOCS16# through an open-drain 74LVC2G07: a pin low pulls the
//   line low.  Pins idle high (and an external pull-up keeps them high while
//   the FPGA is unconfigured); IOCHRDY is also time-limited (iochrdy_guard).
// - IRQ and DRQ lines: 74HCT125 buffers, one per line, enabled one at a time
//   by 74HCT138/139 decoders from a select code; every enabled buffer of a
//   group shares one level pin.  This top encodes the card's one-hot
//   isa_irq_oe / isa_drq_oe into the codes (code 0 = no line driven) and the
//   same DMA selects steer 74LVC153 multiplexers that return the chosen
//   channel's DACK#.  So at most one IRQ line, one 8-bit and one 16-bit DRQ
//   line can be driven, which is what the card's CONFIG register allows.
// - Jumpers to GND with internal pull-ups: open jumpers give the defaults
//   (base 0x340, CFG_DEFAULT resources); a fitted jumper flips its bit.
`include "softhba_regs.vh"

module hx8k_breakout_top #(
    // CONFIG with every jumper open: WIDE16, DMA16 channel 5, DMA8 channel 1,
    // IRQ5 (codes from the regmap tables, softhba_tables.vh)
    parameter [7:0] CFG_DEFAULT = {1'b1, shba_host_config_dma16_sel_code(8'd1 << 5),
                                   shba_host_config_dma8_sel_code(8'd1 << 1),
                                   shba_host_config_irq_sel_code(16'd1 << 5)}
) (
    input  wire       clk_12m,

    // ISA through U2 (inputs)
    input  wire [9:0] isa_sa,
    input  wire       isa_sbhe_n,
    input  wire       isa_aen,
    input  wire       isa_ior_n,
    input  wire       isa_iow_n,
    input  wire       isa_reset_drv,
    input  wire       isa_tc,

    // ISA data through U1
    inout  wire [15:0] isa_sd,
    output wire [1:0] isa_sd_dir,
    output wire [1:0] isa_sd_oe_n,

    // open-drain buffer U3 (low = pull the ISA line low)
    output wire       isa_iochrdy_pull_n,
    output wire       isa_iocs16_pull_n,

    // IRQ: decoder U4, buffers U5/U6
    output reg        isa_irq_level,
    output reg  [2:0] isa_irq_sel,

    // DMA: decoder U7, buffers U8/U9, DACK# multiplexers U10/U11
    output reg        isa_drq8_level,
    output reg  [1:0] isa_drq8_sel,
    output reg        isa_drq16_level,
    output reg  [1:0] isa_drq16_sel,
    input  wire       isa_dack8_n,
    input  wire       isa_dack16_n,

    // SD card (3.3 V, direct)
    output wire       sd_sck,
    output wire       sd_mosi,
    input  wire       sd_miso,
    output wire       sd_cs_n,

    // the configuration flash, where the firmware runs from (docs/hardware.md)
    output wire       flash_sck,
    output wire       flash_cs_n,
    inout  wire       flash_dq0,     // D: out, or in during a dual read's data
    input  wire       flash_dq1,     // Q

    // console on the FT2232H's second channel
    output wire       uart_tx,
    input  wire       uart_rx,

    // configuration jumpers (fitted = 0)
    input  wire [2:0] cfg_base_n,
    input  wire [2:0] cfg_irq_n,
    input  wire [1:0] cfg_dma8_n,
    input  wire       cfg_narrow_n,

    output wire [7:0] led
);
`include "softhba_tables.vh"

    // ------------------------------------------------------------ clock, reset
    wire clk;
    wire pll_locked;
    wire por_active;

    ice40_pll #(
        .DIVR(4'd0), .DIVF(7'd47), .DIVQ(3'd4), .FILTER_RANGE(3'd1)
    ) u_pll (
        .ref_clk(clk_12m),
        .clk_out(clk),
        .locked(pll_locked)
    );

    wire heartbeat;
    wire led_tick;

    board_timebase u_timebase (
        .clk(clk),
        .pll_locked(pll_locked),
        .por_active(por_active),
        .heartbeat(heartbeat),
        .tick(led_tick)
    );

    // ------------------------------------------------------------ pads with pull-ups
    wire [2:0] base_pin;
    wire [2:0] irq_pin;
    wire [1:0] dma8_pin;
    wire       narrow_pin;
    wire       miso_pin;

    ice40_pullup_in #(.WIDTH(10)) u_pullups (
        .pad({cfg_base_n, cfg_irq_n, cfg_dma8_n, cfg_narrow_n, sd_miso}),
        .value({base_pin, irq_pin, dma8_pin, narrow_pin, miso_pin})
    );

    wire       wide16 = CFG_DEFAULT[7] & narrow_pin;
    wire [7:0] cfg_resources = {wide16,
                                wide16 ? CFG_DEFAULT[6:5] : 2'b00,
                                CFG_DEFAULT[4:3] ^ ~dma8_pin,
                                CFG_DEFAULT[2:0] ^ ~irq_pin};
    wire [2:0] cfg_base_sel = ~base_pin;

    // ------------------------------------------------------------ the card
    wire [15:0] sd_in;
    wire [15:0] sd_out;
    wire [1:0]  sd_oe;
    wire        iochrdy_oe;
    wire        iocs16_n_oe;
    wire [7:0]  drq;
    wire [7:0]  drq_oe;
    reg  [7:0]  dack_n;
    wire [15:0] irq;
    wire [15:0] irq_oe;
    wire [3:0]  card_led;
    wire        flash_dq0_out;
    wire        flash_dq0_oe;
    wire        flash_dq0_in;

    // board_timebase holds isa_reset for 1024 clocks after PLL lock, so the
    // card needs no power-on counter of its own.
    softhba_card #(
        .CLK_HZ(`SHBA_SOC_CLK_HZ),
        .POR_CYCLES(1)
    ) u_card (
        .clk(clk),
        .isa_sa(isa_sa),
        .isa_sbhe_n(isa_sbhe_n),
        .isa_sd_in(sd_in),
        .isa_sd_out(sd_out),
        .isa_sd_oe(sd_oe),
        .isa_aen(isa_aen),
        .isa_ior_n(isa_ior_n),
        .isa_iow_n(isa_iow_n),
        .isa_iochrdy_oe(iochrdy_oe),
        .isa_iocs16_n_oe(iocs16_n_oe),
        .isa_drq(drq),
        .isa_drq_oe(drq_oe),
        .isa_dack_n(dack_n),
        .isa_tc(isa_tc),
        .isa_irq(irq),
        .isa_irq_oe(irq_oe),
        .isa_reset(isa_reset_drv | por_active),
        .sd_sck(sd_sck),
        .sd_mosi(sd_mosi),
        .sd_miso(miso_pin),
        .sd_cs_n(sd_cs_n),
        .flash_sck(flash_sck),
        .flash_cs_n(flash_cs_n),
        .flash_dq0_out(flash_dq0_out),
        .flash_dq0_oe(flash_dq0_oe),
        .flash_dq0_in(flash_dq0_in),
        .flash_dq1_in(flash_dq1),
        .uart_tx(uart_tx),
        .uart_rx(uart_rx),
        .cfg_base_sel(cfg_base_sel),
        .cfg_resources(cfg_resources),
        .led(card_led)
    );

    // ------------------------------------------------------------ data bus
    wire [1:0] lane_drive;

    isa_data_turnaround u_lane0 (
        .clk(clk), .rst(por_active), .want_drive(sd_oe[0]),
        .xcvr_dir(isa_sd_dir[0]), .xcvr_oe_n(isa_sd_oe_n[0]), .fpga_drive(lane_drive[0])
    );
    isa_data_turnaround u_lane1 (
        .clk(clk), .rst(por_active), .want_drive(sd_oe[1]),
        .xcvr_dir(isa_sd_dir[1]), .xcvr_oe_n(isa_sd_oe_n[1]), .fpga_drive(lane_drive[1])
    );

    ice40_tristate #(.WIDTH(8)) u_sd_low (
        .pad(isa_sd[7:0]), .out(sd_out[7:0]), .oe(lane_drive[0]), .in(sd_in[7:0])
    );
    ice40_tristate #(.WIDTH(8)) u_sd_high (
        .pad(isa_sd[15:8]), .out(sd_out[15:8]), .oe(lane_drive[1]), .in(sd_in[15:8])
    );

    // ------------------------------------------------------------ flash DQ0
    // Bidirectional for dual output reads (spi_flash_reader.v sequences the
    // turnaround).  The pull-up holds the line while neither side drives it
    // (CS# high, dummy clocks).  sim/gate/gate_board_top.v reads this cell's
    // OUTPUT_ENABLE by name.
    SB_IO #(
        .PIN_TYPE(6'b1010_01),
        .PULLUP(1'b1)
    ) u_flash_dq0 (
        .PACKAGE_PIN(flash_dq0),
        .OUTPUT_ENABLE(flash_dq0_oe),
        .D_OUT_0(flash_dq0_out),
        .D_IN_0(flash_dq0_in)
    );

    // ------------------------------------------------------------ open-drain lines
    wire iochrdy_pull;

    iochrdy_guard u_guard (
        .clk(clk), .rst(por_active), .pull_request(iochrdy_oe), .pull(iochrdy_pull)
    );

    assign isa_iochrdy_pull_n = !iochrdy_pull;
    assign isa_iocs16_pull_n  = !(iocs16_n_oe && !por_active);

    // ------------------------------------------------------------ IRQ / DRQ / DACK
    // Select codes as the decoders are wired (docs/hardware.md): 0 = none.
    always @(posedge clk) begin
        if (por_active) begin
            isa_irq_sel <= 3'd0;
            isa_irq_level <= 1'b0;
            isa_drq8_sel <= 2'd0;
            isa_drq8_level <= 1'b0;
            isa_drq16_sel <= 2'd0;
            isa_drq16_level <= 1'b0;
        end else begin
            isa_irq_sel <= shba_host_config_irq_sel_code(irq_oe);
            isa_irq_level <= |(irq & irq_oe);
            isa_drq8_sel <= shba_board_drq8_sel_code(drq_oe);
            isa_drq8_level <= |(drq[3:0] & drq_oe[3:0]);
            isa_drq16_sel <= shba_host_config_dma16_sel_code(drq_oe);
            isa_drq16_level <= |(drq[7:5] & drq_oe[7:5]);
        end
    end

    // The multiplexers pass the DACK# of the channel the selects point at.
    // (The loops unroll into one compare per code with a constant channel.)
    integer code;
    always @(*) begin
        dack_n = 8'hFF;
        for (code = 0; code < `SHBA_BOARD_DRQ8_SEL_COUNT; code = code + 1)
            if (code[1:0] != `SHBA_BOARD_DRQ8_SEL_NONE && isa_drq8_sel == code[1:0])
                dack_n[shba_board_drq8_sel_value(code[1:0])] = isa_dack8_n;
        for (code = 0; code < `SHBA_HOST_CONFIG_DMA16_SEL_COUNT; code = code + 1)
            if (code[1:0] != `SHBA_HOST_CONFIG_DMA16_SEL_NONE && isa_drq16_sel == code[1:0])
                dack_n[shba_host_config_dma16_sel_value(code[1:0])] = isa_dack16_n;
    end

    // ------------------------------------------------------------ LEDs
    // The bus-drive LED shows whether the card drove SD[15:0] during the
    // last timebase tick (58 ms), so one short cycle is still visible.
    reg drive_seen = 1'b0;
    reg drive_led = 1'b0;

    always @(posedge clk) begin
        drive_seen <= (drive_seen && !led_tick) || (|lane_drive);
        if (led_tick)
            drive_led <= drive_seen;
    end

    assign led = {drive_led, por_active | isa_reset_drv, heartbeat,
                  pll_locked, card_led};
endmodule
`default_nettype wire
