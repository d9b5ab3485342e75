// Configuration: the whole card, rtl/card/softhba_card.v.  Its ports are
// exactly struct card_pins; the firmware image goes to the RAM as
// +firmware=PATH, and the firmware's SIMCTRL EXIT (DPI-C) ends the run.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "Vsofthba_card.h"
#include "Vsofthba_card__Dpi.h"
#include "cosim_model.h"
#include "verilated.h"

namespace {

struct card_adapter {
    static void in(const card_pins &p, Vsofthba_card &m)
    {
        m.isa_sa = p.isa_sa & 0x3ffu;
        m.isa_sbhe_n = p.isa_sbhe_n & 1u;
        m.isa_sd_in = p.isa_sd_in;
        m.isa_aen = p.isa_aen & 1u;
        m.isa_ior_n = p.isa_ior_n & 1u;
        m.isa_iow_n = p.isa_iow_n & 1u;
        m.isa_dack_n = p.isa_dack_n;
        m.isa_tc = p.isa_tc & 1u;
        m.isa_reset = p.isa_reset & 1u;
        m.sd_miso = p.sd_miso & 1u;
        m.uart_rx = p.uart_rx & 1u;
        m.cfg_base_sel = p.cfg_base_sel & 7u;
        m.cfg_resources = p.cfg_resources;
    }
    static void before_rise(Vsofthba_card &) {}
    static void out(const Vsofthba_card &m, card_pins &p)
    {
        p.isa_sd_out = m.isa_sd_out;
        p.isa_sd_oe = m.isa_sd_oe;
        p.isa_iochrdy_oe = m.isa_iochrdy_oe;
        p.isa_iocs16_n_oe = m.isa_iocs16_n_oe;
        p.isa_drq = m.isa_drq;
        p.isa_drq_oe = m.isa_drq_oe;
        p.isa_irq = m.isa_irq;
        p.isa_irq_oe = m.isa_irq_oe;
        p.sd_sck = m.sd_sck;
        p.sd_mosi = m.sd_mosi;
        p.sd_cs_n = m.sd_cs_n;
        p.uart_tx = m.uart_tx;
        p.led = m.led;
    }
};

}  // namespace

// SIMCTRL EXIT (rtl/soc/soc_simctrl.v) calls this during the rising edge.
void shba_sim_exit(int code)
{
    cosim_exit(code);
}

cosim_model *cosim_model_create(VerilatedContext &ctx, const cosim_options &opt)
{
    if (!opt.firmware_hex) {
        std::fprintf(stderr, "cosim: no firmware image given\n");
        return nullptr;
    }
    FILE *image = std::fopen(opt.firmware_hex, "r");
    if (!image) {
        std::fprintf(stderr, "cosim: cannot open firmware image '%s': %s\n",
                     opt.firmware_hex, std::strerror(errno));
        return nullptr;
    }
    std::fclose(image);
    std::string plusarg = std::string("+firmware=") + opt.firmware_hex;
    const char *argv[] = {"cosim", plusarg.c_str()};
    ctx.commandArgs(2, argv);
    return new cosim_top<Vsofthba_card, card_adapter>(ctx, "card");
}
