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
        isa_pins_in(p, m);
        m.sd_miso = p.sd_miso & 1u;
        m.uart_rx = p.uart_rx & 1u;
    }
    static void before_rise(Vsofthba_card &) {}
    static void out(const Vsofthba_card &m, card_pins &p)
    {
        isa_pins_out(m, p);
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
