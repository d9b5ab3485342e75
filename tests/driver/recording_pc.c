/* A recording implementation of sim/pc/pc.h and of cosim_now_ps(), for the
 * driver unit tests.
 *
 * TEST DOUBLE: the real PC model (sim/pc/) and the card RTL are being
 * written concurrently and cannot run yet.  This double exists only so the
 * port driver emulation and the miniport can be tested now: it records
 * every I/O cycle, keeps a 16 MiB host memory and a simulated clock, and
 * hands the card's ports to a responder the test provides (a scripted
 * register file, not the card).  Replace its uses with the real PC and card
 * once they run end to end. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "recording_pc.h"

struct pc {
    uint8_t *mem;
    uint64_t now_ps;
    struct rec_io log[REC_MAX_IO];
    int n_log;
    rec_responder_fn responder;
    void *responder_ctx;
    rec_idle_fn idle;
    void *idle_ctx;
    pc_isr_fn isr[16];
    void *isr_ctx[16];
    int masked[16];
    int pending[16];
    int if_enabled;
    uint64_t irq_count[16];
};

static struct pc *the_pc;

uint64_t cosim_now_ps(void) { return the_pc ? the_pc->now_ps : 0; }

struct pc *pc_create(const struct pc_config *cfg)
{
    struct pc *pc = calloc(1, sizeof *pc);
    (void)cfg;
    pc->mem = calloc(1, PC_MEM_SIZE);
    pc->if_enabled = 1;
    for (int i = 0; i < 16; i++)
        pc->masked[i] = 1;
    the_pc = pc;
    return pc;
}

void pc_destroy(struct pc *pc)
{
    if (the_pc == pc)
        the_pc = NULL;
    free(pc->mem);
    free(pc);
}

void rec_set_responder(struct pc *pc, rec_responder_fn fn, void *ctx)
{
    pc->responder = fn;
    pc->responder_ctx = ctx;
}

const struct rec_io *rec_log(struct pc *pc, int *n)
{
    *n = pc->n_log;
    return pc->log;
}

void rec_clear(struct pc *pc) { pc->n_log = 0; }

static void record(struct pc *pc, int write, int width, uint16_t port, uint16_t value)
{
    if (pc->n_log < REC_MAX_IO) {
        struct rec_io *r = &pc->log[pc->n_log++];
        r->write = write;
        r->width = width;
        r->port = port;
        r->value = value;
    }
    pc->now_ps += width == 16 ? 360000u : 720000u;   /* AT I/O cycle lengths */
}

static void deliver(struct pc *pc)
{
    for (int irq = 0; irq < 16 && pc->if_enabled; irq++) {
        if (pc->pending[irq] && !pc->masked[irq] && pc->isr[irq]) {
            pc->pending[irq] = 0;
            pc->isr[irq](pc->isr_ctx[irq], irq);
        }
    }
}

void rec_raise_irq(struct pc *pc, int irq)
{
    pc->pending[irq] = 1;
    pc->irq_count[irq]++;
    deliver(pc);
}

uint8_t pc_inb(struct pc *pc, uint16_t port)
{
    uint16_t v = pc->responder ? pc->responder(pc->responder_ctx, 0, 8, port, 0) : 0xFF;
    record(pc, 0, 8, port, v & 0xFF);
    return (uint8_t)v;
}

void pc_outb(struct pc *pc, uint16_t port, uint8_t value)
{
    record(pc, 1, 8, port, value);
    if (pc->responder)
        pc->responder(pc->responder_ctx, 1, 8, port, value);
}

uint16_t pc_inw(struct pc *pc, uint16_t port)
{
    uint16_t v = pc->responder ? pc->responder(pc->responder_ctx, 0, 16, port, 0) : 0xFFFF;
    record(pc, 0, 16, port, v);
    return v;
}

void pc_outw(struct pc *pc, uint16_t port, uint16_t value)
{
    record(pc, 1, 16, port, value);
    if (pc->responder)
        pc->responder(pc->responder_ctx, 1, 16, port, value);
}

uint8_t *pc_memory(struct pc *pc) { return pc->mem; }

void pc_set_isr(struct pc *pc, int irq, pc_isr_fn fn, void *ctx)
{
    pc->isr[irq & 15] = fn;
    pc->isr_ctx[irq & 15] = ctx;
}

void pc_irq_mask(struct pc *pc, int irq, int masked)
{
    pc->masked[irq & 15] = masked;
    deliver(pc);
}

void pc_interrupts_enable(struct pc *pc, int enabled)
{
    pc->if_enabled = enabled;
    deliver(pc);
}

uint64_t pc_irq_count(struct pc *pc, int irq) { return pc->irq_count[irq & 15]; }

void rec_set_idle_hook(struct pc *pc, rec_idle_fn fn, void *ctx)
{
    pc->idle = fn;
    pc->idle_ctx = ctx;
}

void pc_idle_ps(struct pc *pc, uint64_t ps)
{
    pc->now_ps += ps;
    if (pc->idle)
        pc->idle(pc->idle_ctx);
    deliver(pc);
}

void pc_bus_reset(struct pc *pc, uint64_t ps) { pc->now_ps += ps; }

void pc_get_stats(struct pc *pc, struct pc_stats *out)
{
    (void)pc;
    memset(out, 0, sizeof *out);
}

void pc_reset_stats(struct pc *pc) { (void)pc; }

void pc_trace_note(struct pc *pc, const char *fmt, ...)
{
    (void)pc;
    (void)fmt;
}
