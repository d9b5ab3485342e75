// The co-simulation kernel (cosim.h): time, devices, reset, exit, cycle
// limit and waveform, for whichever Verilated top the program links
// (cosim_model.h: the model and its pin adapter).
#include "cosim.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "cosim_model.h"
#include "softhba_regs.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace {

struct device {
    cosim_device_fn step;
    void *ctx;
};

struct kernel {
    std::unique_ptr<VerilatedContext> context;
    std::unique_ptr<cosim_model> top;
    std::unique_ptr<VerilatedFstC> wave;
    struct card_pins pins;
    std::vector<device> devices;
    uint64_t cycles = 0;
    // Rising edge `cycles` is at now_ps + (frac / clk_hz) ps: kept by
    // addition, so that no per-cycle 128-bit division is needed.
    uint64_t next_edge_ps = 0;
    uint64_t next_edge_frac = 0;
    uint64_t last_edge_ps = 0;
    uint64_t max_cycles = 0;
    bool exited = false;
    int exit_code = 0;
    bool timed_out = false;
};

kernel *k = nullptr;

const uint64_t clk_hz = SHBA_SOC_CLK_HZ;
const uint64_t ps_per_s = 1000000000000ull;
// Cycles the harness holds RESET DRV high before releasing the card.
const int reset_cycles = 8;


const uint64_t period_whole = ps_per_s / clk_hz;
const uint64_t period_frac = ps_per_s % clk_hz;

void advance_edge(kernel &kn)
{
    kn.last_edge_ps = kn.next_edge_ps;
    kn.next_edge_ps += period_whole;
    kn.next_edge_frac += period_frac;
    if (kn.next_edge_frac >= clk_hz) {
        kn.next_edge_frac -= clk_hz;
        kn.next_edge_ps++;
    }
}

}  // namespace

extern "C" {

int cosim_init(const struct cosim_options *opt)
{
    if (k) {
        std::fprintf(stderr, "cosim: already initialised\n");
        return -1;
    }
    if (!opt) {
        std::fprintf(stderr, "cosim: no options given\n");
        return -1;
    }

    k = new kernel();
    k->context.reset(new VerilatedContext);
    k->context->traceEverOn(opt->wave_file != nullptr);
    k->top.reset(cosim_model_create(*k->context, *opt));
    if (!k->top) {
        cosim_shutdown();
        return -1;
    }
    if (opt->wave_file) {
        k->wave.reset(new VerilatedFstC);
        if (!k->top->trace(*k->wave)) {
            std::fprintf(stderr, "cosim: this model was built without waveform support "
                                 "(the gate-level one: make gate-sim GATE_TRACE=1)\n");
            k->wave.reset();
            cosim_shutdown();
            return -1;
        }
        k->wave->open(opt->wave_file);
        if (!k->wave->isOpen()) {
            std::fprintf(stderr, "cosim: cannot write waveform '%s'\n", opt->wave_file);
            cosim_shutdown();
            return -1;
        }
    }
    k->max_cycles = opt->max_cycles;

    card_pins &p = k->pins;
    std::memset(&p, 0, sizeof p);
    p.isa_sbhe_n = 1;
    p.isa_sd_in = 0xffff;
    p.isa_ior_n = 1;
    p.isa_iow_n = 1;
    p.isa_dack_n = 0xff;
    p.sd_miso = 1;
    p.flash_dq1 = 1;
    p.flash_cs_n = 1;
    p.uart_rx = 1;
    p.isa_reset = 1;
    p.cfg_base_sel = opt->cfg_base_sel;
    p.cfg_resources = opt->cfg_resources;

    k->top->fall(p, true);

    // RESET DRV as the PC gives it at power-up; devices are not added yet.
    for (int i = 0; i < reset_cycles; i++)
        cosim_step();
    k->pins.isa_reset = 0;
    return 0;
}

void cosim_shutdown(void)
{
    if (!k)
        return;
    if (k->top)
        k->top->finish();
    if (k->wave)
        k->wave->close();
    k->top.reset();
    delete k;
    k = nullptr;
}

void cosim_exit(int code)
{
    if (k && !k->exited) {
        k->exited = true;
        k->exit_code = code;
    }
}

struct card_pins *cosim_pins(void)
{
    return k ? &k->pins : nullptr;
}

uint64_t cosim_now_ps(void)
{
    return k ? k->last_edge_ps : 0;
}

uint64_t cosim_cycles(void)
{
    return k ? k->cycles : 0;
}

uint64_t cosim_clock_period_ps(void)
{
    return (ps_per_s + clk_hz / 2) / clk_hz;
}

void cosim_add_device(cosim_device_fn step, void *ctx)
{
    if (k && step)
        k->devices.push_back(device{step, ctx});
}

int cosim_step(void)
{
    if (!k || k->exited || k->timed_out)
        return -1;
    if (k->max_cycles && k->cycles >= k->max_cycles) {
        k->timed_out = true;
        return -1;
    }
    cosim_model &m = *k->top;
    const uint64_t rise = k->next_edge_ps;

    m.rise(k->pins);
    advance_edge(*k);
    k->cycles++;
    if (k->wave) {
        k->wave->dump(rise);
        for (const device &d : k->devices)
            d.step(d.ctx, rise);
        // Inputs the devices changed show from the falling edge on.
        m.fall(k->pins, true);
        k->wave->dump(rise + (k->next_edge_ps - rise) / 2);
        return k->exited ? -1 : 0;
    }
    for (const device &d : k->devices)
        d.step(d.ctx, rise);
    // Every flip-flop of every top is on posedge clk (no negedge, no other
    // clock in rtl/): the falling edge changes nothing a device can see
    // before the next rising edge, where the inputs the devices changed are
    // copied in and settle before the flops sample them (Verilator evaluates
    // the input-driven logic first).  So the falling edge only has to be seen
    // by the model's edge detection: no pin copies, and no waveform sample.
    m.fall(k->pins, false);
    return k->exited ? -1 : 0;
}

int cosim_run_ps(uint64_t ps)
{
    if (!k)
        return -1;
    const uint64_t until = cosim_now_ps() + ps;
    do {
        if (cosim_step() != 0)
            return -1;
    } while (cosim_now_ps() < until);
    return 0;
}

int cosim_exited(int *code)
{
    if (!k || !k->exited)
        return 0;
    if (code)
        *code = k->exit_code;
    return 1;
}

int cosim_timed_out(void)
{
    return (k && k->timed_out) ? 1 : 0;
}

}  // extern "C"
