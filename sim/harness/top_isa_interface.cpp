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
        isa_pins_in(p, m);
        m.bus_valid = extra.cpu.valid & 1u;
        m.bus_addr = extra.cpu.addr;
        m.bus_wdata = extra.cpu.wdata;
        m.bus_wstrb = extra.cpu.wstrb & 0xfu;
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
        isa_pins_out(m, p);
        p.led = (uint8_t)((m.led_fw_ready ? 1 : 0) | (m.led_busy ? 2 : 0) | (m.led_dma ? 4 : 0));
        extra.cpu.rdata = m.bus_rdata;
        extra.cpu.ready = m.bus_ready;
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
