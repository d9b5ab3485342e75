// Test-only co-simulation kernel (cosim.h API) for the ISA block alone:
// Verilated isa_interface, one step per core clock, devices after every
// rising edge, and the card-side stand-in of isatb.h.
#include "Visa_interface.h"
#include "verilated.h"

#include <cstdio>
#include <vector>

extern "C" {
#include "cosim.h"
#include "isatb.h"
#include "softhba_regs.h"
}

namespace {

struct Device {
    cosim_device_fn fn;
    void *ctx;
};

struct Kernel {
    VerilatedContext *ctx = nullptr;
    Visa_interface *top = nullptr;
    card_pins pins{};
    std::vector<Device> devices;
    uint64_t cycles = 0;
    uint64_t max_cycles = 0;
    uint64_t period_ps = 0;
    int timed_out = 0;
    unsigned por = 0;
    // card-side stand-in
    const uint8_t *src = nullptr;
    size_t src_len = 0, src_pos = 0;
    unsigned src_burst = 0, src_gap = 0, src_in_burst = 0, src_wait = 0;
    uint8_t *sink = nullptr;
    size_t sink_cap = 0, sink_len = 0;
    int cpu_done = 0;
    uint32_t cpu_rdata = 0;
};

Kernel K;

void inputs_to_model()
{
    Visa_interface *t = K.top;
    t->isa_sa = K.pins.isa_sa & 0x3FF;
    t->isa_sbhe_n = K.pins.isa_sbhe_n;
    t->isa_sd_in = K.pins.isa_sd_in;
    t->isa_aen = K.pins.isa_aen;
    t->isa_ior_n = K.pins.isa_ior_n;
    t->isa_iow_n = K.pins.isa_iow_n;
    t->isa_dack_n = K.pins.isa_dack_n;
    t->isa_tc = K.pins.isa_tc;
    t->isa_reset = K.pins.isa_reset;
    t->cfg_base_sel = K.pins.cfg_base_sel;
    t->cfg_resources = K.pins.cfg_resources;
    // the card top's sys_rst: power-on or RESET DRV (synchronised)
    t->rst = (K.por != 0) || t->isa_reset_sync;
}

void outputs_from_model()
{
    Visa_interface *t = K.top;
    K.pins.isa_sd_out = t->isa_sd_out;
    K.pins.isa_sd_oe = t->isa_sd_oe;
    K.pins.isa_iochrdy_oe = t->isa_iochrdy_oe;
    K.pins.isa_iocs16_n_oe = t->isa_iocs16_n_oe;
    K.pins.isa_drq = t->isa_drq;
    K.pins.isa_drq_oe = t->isa_drq_oe;
    K.pins.isa_irq = t->isa_irq;
    K.pins.isa_irq_oe = t->isa_irq_oe;
    K.pins.led = (uint8_t)((t->led_fw_ready ? 1 : 0) | (t->led_busy ? 2 : 0) | (t->led_dma ? 4 : 0));
}

// The stand-in decides its inputs for the next edge from the state after this one.
void card_side()
{
    Visa_interface *t = K.top;
    if (t->bus_valid && t->bus_ready) {
        K.cpu_rdata = t->bus_rdata;
        t->bus_valid = 0;
        K.cpu_done = 1;
    }
    t->fifo_push = 0;
    if (K.src && K.src_pos < K.src_len && t->fifo_dir_to_host && !t->fifo_full) {
        if (K.src_wait) {
            K.src_wait--;
        } else {
            t->fifo_push = 1;
            t->fifo_push_data = K.src[K.src_pos++];
            if (K.src_burst && ++K.src_in_burst == K.src_burst) {
                K.src_in_burst = 0;
                K.src_wait = K.src_gap;
            }
        }
    }
    t->fifo_pop = 0;
    if (K.sink && K.sink_len < K.sink_cap && !t->fifo_dir_to_host && !t->fifo_empty) {
        t->fifo_pop = 1;
        K.sink[K.sink_len++] = t->fifo_pop_data;
    }
}

} // namespace

extern "C" {

int cosim_init(const struct cosim_options *opt)
{
    K.ctx = new VerilatedContext;
    K.top = new Visa_interface{K.ctx};
    K.period_ps = (1000000000000ull + SHBA_SOC_CLK_HZ / 2) / SHBA_SOC_CLK_HZ;
    K.max_cycles = opt->max_cycles;
    K.pins.cfg_base_sel = opt->cfg_base_sel;
    K.pins.cfg_resources = opt->cfg_resources;
    K.pins.isa_sbhe_n = 1;
    K.pins.isa_sd_in = 0xFFFF;
    K.pins.isa_ior_n = 1;
    K.pins.isa_iow_n = 1;
    K.pins.isa_dack_n = 0xFF;
    K.pins.uart_rx = 1;
    K.por = 8;
    K.top->clk = 0;
    inputs_to_model();
    K.top->eval();
    for (int i = 0; i < 10; i++) {
        cosim_step();
        if (K.por)
            K.por--;
    }
    return 0;
}

void cosim_shutdown(void)
{
    if (K.top) {
        K.top->final();
        delete K.top;
        delete K.ctx;
    }
    K = Kernel{};
}

struct card_pins *cosim_pins(void) { return &K.pins; }
uint64_t cosim_cycles(void) { return K.cycles; }
uint64_t cosim_clock_period_ps(void) { return K.period_ps; }
uint64_t cosim_now_ps(void) { return K.cycles * K.period_ps; }
void cosim_add_device(cosim_device_fn step, void *ctx) { K.devices.push_back({step, ctx}); }
int cosim_exited(int *code) { (void)code; return 0; }
int cosim_timed_out(void) { return K.timed_out; }

int cosim_step(void)
{
    if (K.max_cycles && K.cycles >= K.max_cycles) {
        if (!K.timed_out)
            std::fprintf(stderr, "cosim: cycle limit %llu reached\n", (unsigned long long)K.max_cycles);
        K.timed_out = 1;
        return -1;
    }
    inputs_to_model();
    K.top->clk = 1;
    K.top->eval();
    outputs_from_model();
    K.cycles++;
    const uint64_t now = K.cycles * K.period_ps;
    for (const Device &d : K.devices)
        d.fn(d.ctx, now);
    card_side();
    inputs_to_model();
    K.top->clk = 0;
    K.top->eval();
    outputs_from_model();
    return 0;
}

int cosim_run_ps(uint64_t ps)
{
    const uint64_t end = cosim_now_ps() + ps;
    while (cosim_now_ps() < end)
        if (cosim_step() < 0)
            return -1;
    return 0;
}

static uint32_t cpu_access(uint32_t addr, uint32_t data, unsigned wstrb)
{
    Visa_interface *t = K.top;
    t->bus_addr = addr;
    t->bus_wdata = data;
    t->bus_wstrb = wstrb;
    t->bus_valid = 1;
    K.cpu_done = 0;
    for (int i = 0; i < 1000 && !K.cpu_done; i++)
        if (cosim_step() < 0)
            break;
    if (!K.cpu_done) {
        std::fprintf(stderr, "isatb: CPU bus access to 0x%08x never answered\n", addr);
        t->bus_valid = 0;
    }
    return K.cpu_rdata;
}

void isatb_cpu_write(uint32_t addr, uint32_t data) { cpu_access(addr, data, 0xF); }
uint32_t isatb_cpu_read(uint32_t addr) { return cpu_access(addr, 0, 0); }
int isatb_cpu_irq(void) { return K.top->cpu_irq; }

void isatb_source(const uint8_t *buf, size_t len, unsigned burst, unsigned gap)
{
    K.src = buf;
    K.src_len = len;
    K.src_pos = 0;
    K.src_burst = burst;
    K.src_gap = gap;
    K.src_in_burst = 0;
    K.src_wait = 0;
}
size_t isatb_source_pos(void) { return K.src_pos; }
void isatb_sink(uint8_t *buf, size_t cap)
{
    K.sink = buf;
    K.sink_cap = cap;
    K.sink_len = 0;
}
size_t isatb_sink_len(void) { return K.sink_len; }
int isatb_host_reset_req(void) { return K.top->host_reset_req; }
unsigned isatb_fifo_level(void) { return K.top->fifo_level; }

} // extern "C"
