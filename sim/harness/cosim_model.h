// What the kernel (cosim.cpp) needs of a Verilated top: a configuration is
// the model plus a pin adapter copying its ports to and from struct
// card_pins (and the top's own extra signals).  Every program links exactly
// one configuration (top_card.cpp, top_isa_interface.cpp, top_sd_path.cpp),
// which defines cosim_model_create().  C++ only: the kernel's inside.
#ifndef SOFTHBA_COSIM_MODEL_H
#define SOFTHBA_COSIM_MODEL_H

#include "cosim.h"

class VerilatedContext;
class VerilatedFstC;

class cosim_model {
public:
    virtual ~cosim_model() {}
    // Records the model's signals into an open waveform; false when the
    // model was Verilated without --trace-fst (the gate model by default).
    virtual bool trace(VerilatedFstC &wave) = 0;
    // Copies the inputs in, raises clk, evaluates, copies the outputs back.
    virtual void rise(card_pins &pins) = 0;
    // Lowers clk and evaluates; with copy, also copies inputs in before and
    // outputs back after (needed only when a waveform shows the low phase).
    virtual void fall(card_pins &pins, bool copy) = 0;
    virtual void finish() = 0;
};

// The configuration's model, built in ctx; nullptr (with a message on stderr)
// when opt does not suit it (e.g. the card without a firmware image).
cosim_model *cosim_model_create(VerilatedContext &ctx, const cosim_options &opt);

// The card's ISA pins and board jumpers, for every top that has them under
// the card's port names (the card, isa_interface).
template <class Model>
void isa_pins_in(const card_pins &p, Model &m)
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
    m.cfg_base_sel = p.cfg_base_sel & 7u;
    m.cfg_resources = p.cfg_resources;
}

template <class Model>
void isa_pins_out(const Model &m, card_pins &p)
{
    p.isa_sd_out = m.isa_sd_out;
    p.isa_sd_oe = m.isa_sd_oe;
    p.isa_iochrdy_oe = m.isa_iochrdy_oe;
    p.isa_iocs16_n_oe = m.isa_iocs16_n_oe;
    p.isa_drq = m.isa_drq;
    p.isa_drq_oe = m.isa_drq_oe;
    p.isa_irq = m.isa_irq;
    p.isa_irq_oe = m.isa_irq_oe;
}

// m.trace() exists only in a model Verilated with --trace-fst.
template <class Model>
auto trace_model(Model &m, VerilatedFstC &wave, int) -> decltype(m.trace(&wave, 99), bool())
{
    m.trace(&wave, 99);
    return true;
}
template <class Model>
bool trace_model(Model &, VerilatedFstC &, long)
{
    return false;
}

// The usual adapter shape: A::in(pins, model) and A::out(model, pins) copy
// the ports, A::before_rise(model) runs once per cycle just before the rising
// edge (for what the adapter plays of the card top); the model has `clk`.
template <class Model, class A>
class cosim_top final : public cosim_model {
public:
    explicit cosim_top(VerilatedContext &ctx, const char *name) : m(&ctx, name) {}
    Model m;
    bool trace(VerilatedFstC &wave) override { return trace_model(m, wave, 0); }
    void rise(card_pins &p) override
    {
        A::in(p, m);
        A::before_rise(m);
        m.clk = 1;
        m.eval();
        A::out(m, p);
    }
    void fall(card_pins &p, bool copy) override
    {
        if (copy)
            A::in(p, m);
        m.clk = 0;
        m.eval();
        if (copy)
            A::out(m, p);
    }
    void finish() override { m.final(); }
};

#endif
