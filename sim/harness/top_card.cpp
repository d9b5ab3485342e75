// Configuration: the whole card, rtl/card/softhba_card.v.  Its ports are
// exactly struct card_pins; the firmware image goes into the SPI flash model
// (sim/flash) at the firmware region's offset, as `make prog` puts it on the
// board, and the card boots from there.  The firmware's SIMCTRL EXIT (DPI-C)
// ends the run.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "Vsofthba_card.h"
#include "Vsofthba_card__Dpi.h"
#include "cosim_model.h"
#include "spi_flash.h"
#include "verilated.h"

namespace {

struct card_adapter {
    static void in(const card_pins &p, Vsofthba_card &m)
    {
        isa_pins_in(p, m);
        m.sd_miso = p.sd_miso & 1u;
        m.uart_rx = p.uart_rx & 1u;
        m.flash_dq1_in = p.flash_dq1 & 1u;
        // DQ0 as the pad sees it: the flash's output while it drives, else
        // the card's own, else the board top's pull-up (a float that is read
        // is the flash model's error).
        m.flash_dq0_in = p.flash_dq0_drive ? p.flash_dq0 & 1u : p.flash_dq0_oe ? p.flash_dq0_out & 1u : 1u;
    }
    static void before_rise(Vsofthba_card &) {}
    static void out(const Vsofthba_card &m, card_pins &p)
    {
        isa_pins_out(m, p);
        p.sd_sck = m.sd_sck;
        p.sd_mosi = m.sd_mosi;
        p.sd_cs_n = m.sd_cs_n;
        p.uart_tx = m.uart_tx;
        p.flash_sck = m.flash_sck;
        p.flash_cs_n = m.flash_cs_n;
        p.flash_dq0_out = m.flash_dq0_out;
        p.flash_dq0_oe = m.flash_dq0_oe;
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
    if (!spi_flash_cosim_attach(opt.firmware_hex))
        return nullptr;
    // SHBA_FETCH_TRACE=FILE: the flash window's hits, one word address a
    // line (rtl/soc/spi_flash_xip.v), for sizing the cache.
    std::string trace_arg;
    const char *trace = std::getenv("SHBA_FETCH_TRACE");
    if (trace)
        trace_arg = std::string("+fetch_trace=") + trace;
    const char *argv[] = {"cosim", trace_arg.c_str()};
    ctx.commandArgs(trace ? 2 : 1, argv);
    return new cosim_top<Vsofthba_card, card_adapter>(ctx, "card");
}
