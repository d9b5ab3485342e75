// Configuration: rtl/isa/isa_interface.v alone.  rst is the card top's
// sys_rst as rtl/card/card_reset.v makes it: a registered OR of a power-on
// count and RESET DRV synchronised by the block itself (isa_reset_sync); the
// power-on count is as long as the kernel's RESET DRV (8 cycles), so that
// the block is out of reset as soon as the bus is, and RESET_CAUSE says
// POWER_ON after it, as on the card.
#include "Visa_interface.h"
#include "cosim_model.h"
#include "top_isa_interface.h"
#include "verilated.h"

namespace {

isa_interface_pins extra;
const unsigned por_cycles = 8;
unsigned por_count;
uint8_t sys_rst_q;

struct isa_adapter {
    static void in(const card_pins &p, Visa_interface &m)
    {
        m.rst = sys_rst_q;
        m.isa_sa = p.isa_sa & 0x3ffu;
        m.isa_sbhe_n = p.isa_sbhe_n & 1u;
        m.isa_sd_in = p.isa_sd_in;
        m.isa_aen = p.isa_aen & 1u;
        m.isa_ior_n = p.isa_ior_n & 1u;
        m.isa_iow_n = p.isa_iow_n & 1u;
        m.isa_dack_n = p.isa_dack_n;
        m.isa_tc = p.isa_tc & 1u;
        m.isa_reset = p.isa_reset & 1u;
        m.cfg_base_sel = p.cfg_base_sel & 7u;
        m.cfg_resources = p.cfg_resources;
        m.cpu_valid = extra.cpu.valid & 1u;
        m.cpu_addr = extra.cpu.addr;
        m.cpu_wdata = extra.cpu.wdata;
        m.cpu_wstrb = extra.cpu.wstrb & 0xfu;
        m.fifo_push = extra.fifo.push & 1u;
        m.fifo_push_data = extra.fifo.push_data;
        m.fifo_pop = extra.fifo.pop & 1u;
    }
    static void before_rise(Visa_interface &m)
    {
        const bool por = por_count < por_cycles;
        if (por)
            por_count++;
        sys_rst_q = por || m.isa_reset_sync;
    }
    static void out(const Visa_interface &m, card_pins &p)
    {
        p.isa_sd_out = m.isa_sd_out;
        p.isa_sd_oe = m.isa_sd_oe;
        p.isa_iochrdy_oe = m.isa_iochrdy_oe;
        p.isa_iocs16_n_oe = m.isa_iocs16_n_oe;
        p.isa_drq = m.isa_drq;
        p.isa_drq_oe = m.isa_drq_oe;
        p.isa_irq = m.isa_irq;
        p.isa_irq_oe = m.isa_irq_oe;
        p.led = (uint8_t)((m.led_fw_ready ? 1 : 0) | (m.led_busy ? 2 : 0) | (m.led_dma ? 4 : 0));
        extra.cpu.rdata = m.cpu_rdata;
        extra.cpu.ready = m.cpu_ready;
        extra.fifo.full = m.fifo_full;
        extra.fifo.empty = m.fifo_empty;
        extra.fifo.pop_data = m.fifo_pop_data;
        extra.fifo_level = m.fifo_level;
        extra.fifo_dir_to_host = m.fifo_dir_to_host;
        extra.cpu_irq = m.cpu_irq;
        extra.host_reset_req = m.host_reset_req;
    }
};

}  // namespace

extern "C" struct isa_interface_pins *top_isa_interface_pins(void)
{
    return &extra;
}

cosim_model *cosim_model_create(VerilatedContext &ctx, const cosim_options &)
{
    extra = {};
    por_count = 0;
    sys_rst_q = 0;
    return new cosim_top<Visa_interface, isa_adapter>(ctx, "isa");
}
