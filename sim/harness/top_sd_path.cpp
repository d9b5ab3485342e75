// Configuration: the SD path test top (tests/sd/sd_path_top.v).
#include "Vsd_path_top.h"
#include "cosim_model.h"
#include "top_sd_path.h"
#include "verilated.h"

namespace {

sd_path_pins extra;

struct sd_path_adapter {
    static void in(const card_pins &p, Vsd_path_top &m)
    {
        m.rst = p.isa_reset & 1u;
        m.sd_miso = p.sd_miso & 1u;
        m.bus_valid = extra.bus.valid & 1u;
        m.bus_addr = extra.bus.addr;
        m.bus_wdata = extra.bus.wdata;
        m.bus_wstrb = extra.bus.wstrb & 0xfu;
        m.host_push = extra.host.push & 1u;
        m.host_push_data = extra.host.push_data;
        m.host_pop = extra.host.pop & 1u;
    }
    static void before_rise(Vsd_path_top &) {}
    static void out(const Vsd_path_top &m, card_pins &p)
    {
        p.sd_sck = m.sd_sck;
        p.sd_mosi = m.sd_mosi;
        p.sd_cs_n = m.sd_cs_n;
        extra.bus.rdata = m.bus_rdata;
        extra.bus.ready = m.bus_ready;
        extra.host.full = m.fifo_full;
        extra.host.empty = m.fifo_empty;
        extra.host.pop_data = m.fifo_pop_data;
        extra.fifo_level = m.fifo_level;
        extra.fifo_dir_to_host = m.fifo_dir_to_host;
        extra.eng_push = m.eng_push;
        extra.eng_pop = m.eng_pop;
        extra.irq = m.irq;
    }
};

}  // namespace

extern "C" struct sd_path_pins *top_sd_path_pins(void)
{
    return &extra;
}

cosim_model *cosim_model_create(VerilatedContext &ctx, const cosim_options &)
{
    extra = {};
    return new cosim_top<Vsd_path_top, sd_path_adapter>(ctx, "sd_path");
}
