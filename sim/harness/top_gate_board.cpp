// Configuration gate_board: the synthesized reference board, i.e. yosys'
// synth_ice40 netlist of rtl/boards/hx8k_breakout_top.v on yosys' iCE40 cell
// models, inside sim/gate/gate_board_top.v (docs/cosim.md "The synthesized
// card").  The adapter plays the board's parts between the FPGA and the ISA
// edge (docs/hardware.md): the translator U1 (lanes, DIR, OE#), the
// open-drain buffer U3 (IOCHRDY, IOCS16#), the IRQ/DRQ decoders and buffers
// U4-U9, the DACK# multiplexers U10/U11, and the configuration jumpers.
//
// The firmware goes into the SPI flash model on the board's flash pins, as on
// the card configuration (sim/flash): the netlist carries no firmware.
#include <cstdio>

#include "Vgate_board_top.h"
#include "cosim_model.h"
#include "softhba_regs.h"
#include "spi_flash.h"
#include "verilated.h"

namespace {

// hx8k_breakout_top's CFG_DEFAULT: the resources with every jumper open.
const unsigned BOARD_CFG_DEFAULT = 0xAA;

// Select codes as the decoders and multiplexers are wired (code 0: none).
const int IRQ_BY_CODE[8] = {-1, 3, 5, 7, 9, 10, 11, 15};
const int DMA8_BY_CODE[4] = {-1, 0, 1, 3};
const int DMA16_BY_CODE[4] = {-1, 5, 6, 7};

// Jumper pins (fitted = 0), set once from the options.
struct jumpers {
    uint8_t base_n, irq_n, dma8_n, narrow_n;
};
jumpers board_jumpers;

unsigned field(unsigned value, unsigned mask, unsigned shift)
{
    return (value & mask) >> shift;
}

// The jumpers that make the board's CONFIG reset value match resources, or
// false when no setting can: in a 16-bit slot the board always offers its
// CFG_DEFAULT 16-bit channel (no jumper removes it, and the miniport prefers
// it to an 8-bit one), so resources without it are refused too.
bool jumpers_for(unsigned base_sel, unsigned resources, jumpers &j)
{
    const unsigned wide = field(resources, SHBA_HOST_CONFIG_WIDE16_MASK, SHBA_HOST_CONFIG_WIDE16_SHIFT);
    const unsigned dma16 = field(resources, SHBA_HOST_CONFIG_DMA16_SEL_MASK, SHBA_HOST_CONFIG_DMA16_SEL_SHIFT);
    const unsigned dma8 = field(resources, SHBA_HOST_CONFIG_DMA8_SEL_MASK, SHBA_HOST_CONFIG_DMA8_SEL_SHIFT);
    const unsigned irq = field(resources, SHBA_HOST_CONFIG_IRQ_SEL_MASK, SHBA_HOST_CONFIG_IRQ_SEL_SHIFT);
    const unsigned board_dma16 = field(BOARD_CFG_DEFAULT, SHBA_HOST_CONFIG_DMA16_SEL_MASK,
                                       SHBA_HOST_CONFIG_DMA16_SEL_SHIFT);
    if (wide && dma16 != board_dma16)
        return false;
    // board top: cfg_base_sel = ~pins; resources = CFG_DEFAULT ^ ~pins
    j.base_n = static_cast<uint8_t>(~base_sel & 7u);
    j.irq_n = static_cast<uint8_t>(~(irq ^ (BOARD_CFG_DEFAULT & 7u)) & 7u);
    j.dma8_n = static_cast<uint8_t>(~(dma8 ^ ((BOARD_CFG_DEFAULT >> 3) & 3u)) & 3u);
    j.narrow_n = static_cast<uint8_t>(wide);
    return true;
}

// A multiplexer passing the DACK# of the channel its select code names.
uint8_t dack_through(unsigned code, const int *channel_by_code, uint8_t dack_n)
{
    const int ch = channel_by_code[code & 3u];
    return ch < 0 ? 1u : static_cast<uint8_t>((dack_n >> ch) & 1u);
}

// A decoder enabling one buffer; every enabled buffer drives the level.
template <class T>
void line_out(unsigned code, const int *line_by_code, unsigned level, T &lines, T &lines_oe)
{
    const int line = line_by_code[code];
    lines = 0;
    lines_oe = 0;
    if (line >= 0) {
        lines_oe = static_cast<T>(1u << line);
        lines = static_cast<T>((level & 1u) << line);
    }
}

struct gate_board_adapter {
    static void in(const card_pins &p, Vgate_board_top &m)
    {
        m.isa_sa = p.isa_sa & 0x3ffu;
        m.isa_sbhe_n = p.isa_sbhe_n & 1u;
        m.isa_aen = p.isa_aen & 1u;
        m.isa_ior_n = p.isa_ior_n & 1u;
        m.isa_iow_n = p.isa_iow_n & 1u;
        m.isa_reset_drv = p.isa_reset & 1u;
        m.isa_tc = p.isa_tc & 1u;
        m.isa_sd_bus = p.isa_sd_in;
        // U10/U11 follow the select pins the FPGA drives now
        m.isa_dack8_n = dack_through(m.isa_drq8_sel, DMA8_BY_CODE, p.isa_dack_n);
        m.isa_dack16_n = dack_through(m.isa_drq16_sel, DMA16_BY_CODE, p.isa_dack_n);
        m.sd_miso = p.sd_miso & 1u;
        m.uart_rx = p.uart_rx & 1u;
        m.flash_dq1 = p.flash_dq1 & 1u;
        m.flash_dq0_model = p.flash_dq0 & 1u;
        m.flash_dq0_model_oe = p.flash_dq0_drive & 1u;
        m.cfg_base_n = board_jumpers.base_n;
        m.cfg_irq_n = board_jumpers.irq_n;
        m.cfg_dma8_n = board_jumpers.dma8_n;
        m.cfg_narrow_n = board_jumpers.narrow_n;
    }
    static void before_rise(Vgate_board_top &) {}
    static void out(const Vgate_board_top &m, card_pins &p)
    {
        // U1 drives a lane of the bus while it is on, A to B
        const unsigned lanes = m.isa_sd_dir & ~m.isa_sd_oe_n & 3u;
        p.isa_sd_oe = static_cast<uint8_t>(lanes);
        p.isa_sd_out = m.isa_sd_pins;
        p.isa_iochrdy_oe = !m.isa_iochrdy_pull_n;
        p.isa_iocs16_n_oe = !m.isa_iocs16_pull_n;
        line_out<uint16_t>(m.isa_irq_sel, IRQ_BY_CODE, m.isa_irq_level, p.isa_irq, p.isa_irq_oe);
        uint8_t drq8, drq8_oe, drq16, drq16_oe;
        line_out<uint8_t>(m.isa_drq8_sel & 3u, DMA8_BY_CODE, m.isa_drq8_level, drq8, drq8_oe);
        line_out<uint8_t>(m.isa_drq16_sel & 3u, DMA16_BY_CODE, m.isa_drq16_level, drq16, drq16_oe);
        p.isa_drq = drq8 | drq16;
        p.isa_drq_oe = drq8_oe | drq16_oe;
        p.sd_sck = m.sd_sck;
        p.sd_mosi = m.sd_mosi;
        p.sd_cs_n = m.sd_cs_n;
        p.uart_tx = m.uart_tx;
        p.flash_sck = m.flash_sck;
        p.flash_cs_n = m.flash_cs_n;
        p.flash_dq0_out = m.flash_dq0_pin;
        p.flash_dq0_oe = m.flash_dq0_fpga_oe;
        p.led = m.led;
    }
};

// Power-up before the kernel's time 0: the FPGA configures and its PLL
// locks while the PC still holds RESET DRV (an AT holds it until POWER GOOD,
// 100 ms and more, and boots for seconds before a driver loads), so the
// board's own power-on reset (16 clocks to the model's LOCK, 2 to
// synchronise it, 1024 more) is over when the kernel releases RESET DRV.
// Without this the miniport's probe would meet a board that real timing
// never shows it.
void power_up(Vgate_board_top &m)
{
    const int POWER_UP_CYCLES = 4096;
    card_pins idle{};
    idle.isa_sbhe_n = 1;
    idle.isa_ior_n = 1;
    idle.isa_iow_n = 1;
    idle.isa_dack_n = 0xff;
    idle.isa_reset = 1;
    idle.sd_miso = 1;
    idle.uart_rx = 1;
    idle.flash_dq1 = 1;
    idle.flash_cs_n = 1;
    for (int i = 0; i < POWER_UP_CYCLES; i++) {
        gate_board_adapter::in(idle, m);
        m.clk = 0;
        m.eval();
        m.clk = 1;
        m.eval();
    }
    m.clk = 0;
    m.eval();
}

}  // namespace

cosim_model *cosim_model_create(VerilatedContext &ctx, const cosim_options &opt)
{
    if (!opt.firmware_hex) {
        std::fprintf(stderr, "cosim: no firmware image given\n");
        return nullptr;
    }
    if (!jumpers_for(opt.cfg_base_sel, opt.cfg_resources, board_jumpers)) {
        std::fprintf(stderr,
                     "cosim: the reference board's 16-bit DMA channel is fixed to %d (CFG_DEFAULT "
                     "0x%02X), and a 16-bit slot always offers it; no jumper setting gives CONFIG "
                     "0x%02X (an 8-bit channel needs --narrow, PIO --driver-args pio)\n",
                     DMA16_BY_CODE[(BOARD_CFG_DEFAULT >> SHBA_HOST_CONFIG_DMA16_SEL_SHIFT) & 3u],
                     BOARD_CFG_DEFAULT, opt.cfg_resources);
        return nullptr;
    }
    if (!spi_flash_cosim_attach(opt.firmware_hex))
        return nullptr;
    auto *top = new cosim_top<Vgate_board_top, gate_board_adapter>(ctx, "board");
    power_up(top->m);
    return top;
}
