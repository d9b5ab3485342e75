/* The co-simulated PC around the card: AT ISA bus master, 8237 pair with
 * page registers, 8259-like interrupt delivery, 16 MiB of host memory and
 * the decoded bus trace.  See docs/isa.md for the timing it models.
 *
 * Everything that moves pins runs in pc_step(), a device on the kernel
 * called after every rising edge of the card's clock.  It is a time-driven
 * state machine: each phase has the ideal time (in ps) at which the next one
 * starts, so rates are exact even though the pins only change on card clock
 * edges (27.8 ns).  Host calls (pc_inb, ...) post a request and step the
 * kernel until pc_step() has run the cycle. */
#include "pc.h"
#include "cosim.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define BCLK_PS 120000ull          /* 8.33 MHz */
#define DCLK_PS (2ull * BCLK_PS)   /* 8237 clock, BCLK/2 */
#define IO8_CMD_BCLK 5u            /* T2 + 4 wait states: 6 BCLK cycle with T1 */
#define IO16_CMD_BCLK 2u           /* T2 + 1 wait state: 3 BCLK cycle with T1 */
#define IOCHRDY_MAX_BCLK 200u      /* give up (and say so) after 24 us */
#define FLOAT_BYTE 0xFFu           /* an undriven data bus reads all ones */

enum bus_owner { OWN_IDLE, OWN_HOST, OWN_DMA };

enum io_phase { IO_NONE, IO_PENDING, IO_T1, IO_CMD, IO_HOLD, IO_DONE };

struct io_req {
    enum io_phase phase;
    int write;
    int want16;          /* word access requested */
    int is16;            /* the card answered IOCS16# */
    int served;          /* a PC chip answered the read */
    uint16_t port;
    uint16_t data;       /* write data, or read result */
    unsigned wait_bclk;  /* IOCHRDY extension so far */
    uint64_t t_next;
};

struct dma_chan {
    uint16_t base_addr, base_count, cur_addr, cur_count;
    uint8_t mode;
    int masked;
    int sw_req;
};

struct dma_ctl {
    struct dma_chan ch[4];
    int ff;
    uint8_t status_tc;
    uint8_t command;
};

enum dma_state { D_IDLE, D_ACQUIRE, D_S1, D_S2, D_S3, D_SW, D_S4, D_S4_END, D_RELEASE };

struct pc {
    struct card_pins *pins;
    FILE *trace;
    uint8_t *mem;
    enum bus_owner owner;
    struct io_req io;

    struct dma_ctl dmac[2];
    uint8_t page[16];
    enum dma_state ds;
    int dch;                    /* channel in service */
    int dreq_at_s4;
    int tc_this;
    uint64_t d_next;            /* time of the next DMA state */
    uint64_t dclk_next;         /* next 8237 clock edge while idle */
    uint8_t drq_prev, dack_prev;

    uint8_t imr[2];
    int icw_step[2];
    uint16_t irr;
    uint16_t irq_prev;
    uint64_t irq_count[16];
    pc_isr_fn isr[16];
    void *isr_ctx[16];
    int if_enabled;
    int in_isr;

    struct pc_stats stats;

    pc_io_observer_fn io_observer;
    void *io_observer_ctx;
};

static const uint8_t page_port_of[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };

/* ---- trace ---- */

static void trace_line(struct pc *pc, uint64_t t, const char *fmt, ...)
{
    if (!pc->trace)
        return;
    va_list ap;
    fprintf(pc->trace, "[%10llu.%03llu us] ", (unsigned long long)(t / 1000000u),
            (unsigned long long)((t / 1000u) % 1000u));
    va_start(ap, fmt);
    vfprintf(pc->trace, fmt, ap);
    va_end(ap);
    fputc('\n', pc->trace);
}

void pc_trace_note(struct pc *pc, const char *fmt, ...)
{
    if (!pc->trace)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    trace_line(pc, cosim_now_ps(), "NOTE %s", buf);
}

/* ---- 8237 register file ---- */

static struct dma_chan *chan_of(struct pc *pc, int ch)
{
    return &pc->dmac[ch >> 2].ch[ch & 3];
}

static void dma_master_clear(struct dma_ctl *c)
{
    for (int i = 0; i < 4; i++)
        c->ch[i].masked = 1;
    c->ff = 0;
    c->status_tc = 0;
    c->command = 0;
    for (int i = 0; i < 4; i++)
        c->ch[i].sw_req = 0;
}

static int drq_line(const struct pc *pc, int ch)
{
    return ((pc->pins->isa_drq_oe >> ch) & 1) && ((pc->pins->isa_drq >> ch) & 1);
}

/* ctl 0 = channels 0-3 (ports 0x00-0x0F), ctl 1 = channels 4-7 (0xC0-0xDE). */
static uint8_t dma_reg_read(struct pc *pc, int ctl, int reg)
{
    struct dma_ctl *c = &pc->dmac[ctl];
    if (reg < 8) {
        struct dma_chan *ch = &c->ch[reg >> 1];
        uint16_t v = (reg & 1) ? ch->cur_count : ch->cur_addr;
        uint8_t b = c->ff ? (uint8_t)(v >> 8) : (uint8_t)v;
        c->ff ^= 1;
        return b;
    }
    if (reg == 8) {
        uint8_t req = 0;
        for (int i = 0; i < 4; i++)
            if (drq_line(pc, ctl * 4 + i) || c->ch[i].sw_req)
                req |= (uint8_t)(0x10u << i);
        uint8_t s = (uint8_t)(c->status_tc | req);
        c->status_tc = 0;
        return s;
    }
    if (reg == 0xF) {
        uint8_t m = 0xF0;
        for (int i = 0; i < 4; i++)
            m |= (uint8_t)(c->ch[i].masked << i);
        return m;
    }
    return 0x00; /* temporary register (no memory-to-memory on the AT) */
}

static void dma_reg_write(struct pc *pc, int ctl, int reg, uint8_t v)
{
    struct dma_ctl *c = &pc->dmac[ctl];
    if (reg < 8) {
        struct dma_chan *ch = &c->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
        uint16_t *cur = (reg & 1) ? &ch->cur_count : &ch->cur_addr;
        if (c->ff)
            *base = (uint16_t)((*base & 0x00FFu) | ((uint16_t)v << 8));
        else
            *base = (uint16_t)((*base & 0xFF00u) | v);
        *cur = *base;
        c->ff ^= 1;
        return;
    }
    switch (reg) {
    case 0x8: c->command = v; break;
    case 0x9: c->ch[v & 3].sw_req = (v >> 2) & 1; break;
    case 0xA: c->ch[v & 3].masked = (v >> 2) & 1; break;
    case 0xB: c->ch[v & 3].mode = v; break;
    case 0xC: c->ff = 0; break;
    case 0xD: dma_master_clear(c); break;
    case 0xE:
        for (int i = 0; i < 4; i++)
            c->ch[i].masked = 0;
        break;
    case 0xF:
        for (int i = 0; i < 4; i++)
            c->ch[i].masked = (v >> i) & 1;
        break;
    default: break;
    }
}

/* ---- 8259 ports (mask register and the init sequence) ---- */

static int pic_of_port(uint16_t port)
{
    if (port == 0x20 || port == 0x21)
        return 0;
    if (port == 0xA0 || port == 0xA1)
        return 1;
    return -1;
}

/* The PC's own chips answer these ports; returns 1 if served. */
static int pc_port_read(struct pc *pc, uint16_t port, uint8_t *v)
{
    if (port <= 0x0F) {
        *v = dma_reg_read(pc, 0, port);
        return 1;
    }
    if (port >= 0xC0 && port <= 0xDF) {
        *v = dma_reg_read(pc, 1, (port - 0xC0) >> 1);
        return 1;
    }
    if (port >= 0x80 && port <= 0x8F) {
        *v = pc->page[port & 0xF];
        return 1;
    }
    int pic = pic_of_port(port);
    if (pic >= 0) {
        *v = (port & 1) ? pc->imr[pic] : (uint8_t)(pc->irr >> (8 * pic));
        return 1;
    }
    return 0;
}

static void pc_port_write(struct pc *pc, uint16_t port, uint8_t v)
{
    if (port <= 0x0F) {
        dma_reg_write(pc, 0, port, v);
    } else if (port >= 0xC0 && port <= 0xDF) {
        dma_reg_write(pc, 1, (port - 0xC0) >> 1, v);
    } else if (port >= 0x80 && port <= 0x8F) {
        pc->page[port & 0xF] = v;
    } else {
        int pic = pic_of_port(port);
        if (pic < 0)
            return;
        if (!(port & 1)) {
            if (v & 0x10)
                pc->icw_step[pic] = (v & 1) ? 3 : 2; /* ICW2, ICW3, (ICW4) follow */
            /* OCW2/OCW3 (EOI, ...): the model acknowledges edges itself */
        } else if (pc->icw_step[pic] > 0) {
            pc->icw_step[pic]--;
        } else {
            pc->imr[pic] = v;
        }
    }
}

/* ---- host I/O cycles ---- */

static void io_start(struct pc *pc, uint64_t now)
{
    struct card_pins *p = pc->pins;
    struct io_req *io = &pc->io;
    pc->owner = OWN_HOST;
    p->isa_aen = 0;
    p->isa_sa = io->port & 0x3FFu;
    p->isa_sbhe_n = io->want16 || (io->port & 1) ? 0 : 1;
    io->phase = IO_T1;
    io->t_next = now + BCLK_PS;
    io->wait_bclk = 0;
}

static void io_step(struct pc *pc, uint64_t now)
{
    struct card_pins *p = pc->pins;
    struct io_req *io = &pc->io;
    if (now < io->t_next)
        return;
    switch (io->phase) {
    case IO_T1: {
        /* End of T1: the bus controller samples IOCS16# for word accesses. */
        uint8_t v;
        io->is16 = io->want16 && p->isa_iocs16_n_oe && !(io->port & 1);
        if (io->write) {
            p->isa_sd_in = io->is16 ? io->data : (uint16_t)((io->data & 0xFFu) | 0xFF00u);
            p->isa_iow_n = 0;
            pc_port_write(pc, io->port, (uint8_t)io->data);
        } else {
            p->isa_ior_n = 0;
            io->served = pc_port_read(pc, io->port, &v);
            if (io->served)
                io->data = v;
        }
        io->phase = IO_CMD;
        io->t_next += (io->is16 ? IO16_CMD_BCLK : IO8_CMD_BCLK) * BCLK_PS;
        break;
    }
    case IO_CMD:
        if (p->isa_iochrdy_oe && io->wait_bclk < IOCHRDY_MAX_BCLK) {
            io->wait_bclk++;
            io->t_next += BCLK_PS;
            if (io->wait_bclk == IOCHRDY_MAX_BCLK)
                trace_line(pc, now, "ERROR IOCHRDY held low for %u BCLK on port 0x%03x",
                           io->wait_bclk, io->port);
            break;
        }
        if (!io->write) {
            uint16_t bus = 0xFFFFu;
            if (p->isa_sd_oe & 1)
                bus = (uint16_t)((bus & 0xFF00u) | (p->isa_sd_out & 0xFFu));
            if (p->isa_sd_oe & 2)
                bus = (uint16_t)((bus & 0x00FFu) | (p->isa_sd_out & 0xFF00u));
            if (!io->served)
                io->data = io->is16 ? bus : (uint16_t)(bus & 0xFFu);
            p->isa_ior_n = 1;
        } else {
            p->isa_iow_n = 1;
        }
        io->phase = IO_HOLD;
        io->t_next += BCLK_PS;   /* address/data hold and command recovery */
        break;
    case IO_HOLD:
        p->isa_sd_in = 0xFFFFu;
        p->isa_sbhe_n = 1;
        pc->stats.io_cycles++;
        if (io->is16)
            trace_line(pc, now, "IO  %s16 0x%03x %s 0x%04x", io->write ? "WR" : "RD", io->port,
                       io->write ? "<-" : "->", io->data);
        else
            trace_line(pc, now, "IO  %s8  0x%03x %s 0x%02x", io->write ? "WR" : "RD", io->port,
                       io->write ? "<-" : "->", io->data & 0xFFu);
        io->phase = IO_DONE;
        pc->owner = OWN_IDLE;
        if (pc->io_observer) {
            const struct pc_io_cycle c = { io->write, io->is16 ? 16 : 8, io->port,
                                           io->is16 ? io->data : (uint16_t)(io->data & 0xFFu), now };
            pc->io_observer(pc->io_observer_ctx, &c);
        }
        break;
    default:
        break;
    }
}

/* ---- DMA ---- */

static int dma_requesting(const struct pc *pc, int ch)
{
    if (ch == 4)
        return 0;
    const struct dma_ctl *c = &pc->dmac[ch >> 2];
    const struct dma_chan *d = &c->ch[ch & 3];
    if ((c->command & 0x04) || d->masked || (d->mode & 0xC0) == 0xC0)
        return 0;
    if (ch < 4) {
        /* channels 0-3 reach the bus through the cascade on channel 4 */
        const struct dma_ctl *m = &pc->dmac[1];
        if ((m->command & 0x04) || m->ch[0].masked || (m->ch[0].mode & 0xC0) != 0xC0)
            return 0;
    }
    return d->sw_req || drq_line(pc, ch);
}

static int dma_pick(const struct pc *pc)
{
    /* Fixed priority: channel 4 (the cascaded 0-3) first, then 5, 6, 7. */
    static const int order[7] = { 0, 1, 2, 3, 5, 6, 7 };
    for (int i = 0; i < 7; i++)
        if (dma_requesting(pc, order[i]))
            return order[i];
    return -1;
}

static uint32_t dma_phys(const struct pc *pc, int ch)
{
    const struct dma_chan *d = &pc->dmac[ch >> 2].ch[ch & 3];
    if (ch < 4)
        return ((uint32_t)pc->page[page_port_of[ch] & 0xF] << 16) | d->cur_addr;
    return ((uint32_t)(pc->page[page_port_of[ch & 7] & 0xF] & 0xFEu) << 16) | ((uint32_t)d->cur_addr << 1);
}

static void dma_set_dack(struct pc *pc, int ch, int active)
{
    if (active)
        pc->pins->isa_dack_n = (uint8_t)(pc->pins->isa_dack_n & ~(1u << ch));
    else
        pc->pins->isa_dack_n = (uint8_t)(pc->pins->isa_dack_n | (1u << ch));
}

static void dma_step(struct pc *pc, uint64_t now)
{
    struct card_pins *p = pc->pins;
    switch (pc->ds) {
    case D_IDLE: {
        if (now < pc->dclk_next)
            return;
        /* the 8237 clock edge being handled (ideal time, not the step's) */
        while (pc->dclk_next + DCLK_PS <= now)
            pc->dclk_next += DCLK_PS;
        uint64_t t_edge = pc->dclk_next;
        pc->dclk_next += DCLK_PS;
        if (pc->owner != OWN_IDLE || pc->io.phase == IO_PENDING)
            return;
        int ch = dma_pick(pc);
        if (ch < 0)
            return;
        /* HRQ -> HLDA: about 2.5 DMA clocks to take the bus. */
        pc->owner = OWN_DMA;
        pc->dch = ch;
        pc->ds = D_ACQUIRE;
        pc->d_next = t_edge + (5 * DCLK_PS) / 2;
        return;
    }
    case D_RELEASE:
        if (now < pc->d_next)
            return;
        p->isa_aen = 0;
        pc->owner = OWN_IDLE;
        pc->ds = D_IDLE;
        /* the 8237 is back in SI and looks at DREQ straight away */
        pc->dclk_next = pc->d_next;
        dma_step(pc, now);
        return;
    default:
        break;
    }
    if (now < pc->d_next)
        return;

    int ch = pc->dch;
    struct dma_chan *d = chan_of(pc, ch);
    int type = (d->mode >> 2) & 3;      /* 0 verify, 1 write (to memory), 2 read (from memory) */
    int mode = (d->mode >> 6) & 3;      /* 0 demand, 1 single, 2 block */
    int wide = ch >= 4;

    switch (pc->ds) {
    case D_ACQUIRE:
    case D_S1:
        /* S1: address out, AEN high, DACK# active */
        p->isa_aen = 1;
        p->isa_sa = (uint16_t)(dma_phys(pc, ch) & 0x3FFu);
        dma_set_dack(pc, ch, 1);
        pc->tc_this = (d->cur_count == 0);
        if (pc->stats.dma_first_ps[ch] == 0)
            pc->stats.dma_first_ps[ch] = pc->d_next;
        pc->ds = D_S2;
        pc->d_next += DCLK_PS;
        break;
    case D_S2: {
        /* S2: read command (IOR# or MEMR#); TC on the last transfer */
        if (pc->tc_this)
            p->isa_tc = 1;
        if (type == 1) {
            p->isa_ior_n = 0;
        } else if (type == 2) {
            uint32_t a = dma_phys(pc, ch);
            uint16_t v = pc->mem[a & (PC_MEM_SIZE - 1)];
            if (wide)
                v = (uint16_t)(v | (pc->mem[(a + 1) & (PC_MEM_SIZE - 1)] << 8));
            else
                v = (uint16_t)(v | 0xFF00u);
            p->isa_sd_in = v;
        }
        pc->ds = D_S3;
        pc->d_next += DCLK_PS;
        break;
    }
    case D_S3:
        /* S3: write command (MEMW# or IOW#), normal timing */
        if (type == 2)
            p->isa_iow_n = 0;
        pc->ds = D_SW;
        pc->d_next += DCLK_PS;
        break;
    case D_SW:
        /* the AT's one DMA wait state; IOCHRDY adds more */
        if (p->isa_iochrdy_oe) {
            pc->d_next += DCLK_PS;
            break;
        }
        pc->ds = D_S4;
        pc->d_next += DCLK_PS;
        break;
    case D_S4:
        /* S4: DREQ sampled for the demand-mode decision */
        pc->dreq_at_s4 = drq_line(pc, ch);
        pc->ds = D_S4_END;
        pc->d_next += DCLK_PS;
        break;
    case D_S4_END: {
        /* end of S4: commands end, data moves, counters step */
        uint32_t a = dma_phys(pc, ch);
        uint16_t v = 0;
        if (type == 1) {
            uint16_t bus = 0xFFFFu;
            if (p->isa_sd_oe & 1)
                bus = (uint16_t)((bus & 0xFF00u) | (p->isa_sd_out & 0xFFu));
            if (p->isa_sd_oe & 2)
                bus = (uint16_t)((bus & 0x00FFu) | (p->isa_sd_out & 0xFF00u));
            v = bus;
            pc->mem[a & (PC_MEM_SIZE - 1)] = (uint8_t)bus;
            if (wide)
                pc->mem[(a + 1) & (PC_MEM_SIZE - 1)] = (uint8_t)(bus >> 8);
        } else if (type == 2) {
            v = p->isa_sd_in;
        }
        p->isa_ior_n = 1;
        p->isa_iow_n = 1;
        p->isa_tc = 0;
        p->isa_sd_in = 0xFFFFu;
        if (pc->trace) {
            static const char *const dir[4] = { "VERIFY", "IOR->MEMW", "MEMR->IOW", "?" };
            trace_line(pc, pc->d_next, "DMA ch%d %s addr=0x%06x data=0x%0*x%s", ch, dir[type],
                       (unsigned)(a & (PC_MEM_SIZE - 1)), wide ? 4 : 2,
                       wide ? v : (v & 0xFFu), pc->tc_this ? " TC" : "");
        }
        pc->stats.dma_cycles[ch]++;
        pc->stats.dma_bytes[ch] += wide ? 2u : 1u;
        pc->stats.dma_last_ps[ch] = pc->d_next;
        /* address and count; the address counter wraps inside its page */
        d->cur_addr = (uint16_t)((d->mode & 0x20) ? d->cur_addr - 1u : d->cur_addr + 1u);
        d->cur_count = (uint16_t)(d->cur_count - 1u);
        int tc = pc->tc_this;
        if (tc) {
            pc->dmac[ch >> 2].status_tc |= (uint8_t)(1u << (ch & 3));
            d->sw_req = 0;
            if (d->mode & 0x10) {
                d->cur_addr = d->base_addr;
                d->cur_count = d->base_count;
            } else {
                d->masked = 1;
            }
        }
        int more = !tc && ((mode == 2) || (mode == 0 && pc->dreq_at_s4));
        if (more) {
            pc->ds = D_S1;   /* DACK# stays active through the service */
        } else {
            dma_set_dack(pc, ch, 0);
            pc->ds = D_RELEASE;
            pc->d_next += (3 * DCLK_PS) / 2;   /* about 1.5 clocks to give the bus back */
            return;
        }
        break;
    }
    default:
        break;
    }
}

/* ---- interrupts ---- */

static void irq_step(struct pc *pc, uint64_t now)
{
    const struct card_pins *p = pc->pins;
    uint16_t level = (uint16_t)(p->isa_irq & p->isa_irq_oe);
    uint16_t rise = (uint16_t)(level & ~pc->irq_prev);
    uint16_t fall = (uint16_t)(~level & pc->irq_prev);
    for (int n = 0; n < 16; n++) {
        if (rise & (1u << n)) {
            pc->irq_count[n]++;
            pc->irr |= (uint16_t)(1u << n);
            trace_line(pc, now, "IRQ%d rise", n);
        }
        if (fall & (1u << n))
            trace_line(pc, now, "IRQ%d fall", n);
    }
    pc->irq_prev = level;
}

static void pins_trace(struct pc *pc, uint64_t now)
{
    const struct card_pins *p = pc->pins;
    uint8_t drq = (uint8_t)(p->isa_drq & p->isa_drq_oe);
    uint8_t dack = (uint8_t)~p->isa_dack_n;
    uint8_t d = (uint8_t)(drq ^ pc->drq_prev);
    uint8_t k = (uint8_t)(dack ^ pc->dack_prev);
    for (int n = 0; n < 8; n++) {
        if (d & (1u << n))
            trace_line(pc, now, "DRQ%d %d", n, (drq >> n) & 1);
        if (k & (1u << n))
            trace_line(pc, now, "DACK%d %s", n, (dack >> n) & 1 ? "on" : "off");
    }
    pc->drq_prev = drq;
    pc->dack_prev = dack;
}

static void pc_step(void *ctx, uint64_t now)
{
    struct pc *pc = ctx;
    if (pc->owner == OWN_IDLE && pc->io.phase == IO_PENDING && pc->ds == D_IDLE) {
        /* a host cycle is waiting and the bus is free */
        io_start(pc, now);
    } else if (pc->owner == OWN_HOST) {
        io_step(pc, now);
    }
    dma_step(pc, now);
    irq_step(pc, now);
    if (pc->trace)
        pins_trace(pc, now);
}

/* ---- public API ---- */

struct pc *pc_create(const struct pc_config *cfg)
{
    struct pc *pc = calloc(1, sizeof *pc);
    if (!pc)
        return NULL;
    pc->mem = calloc(PC_MEM_SIZE, 1);
    if (!pc->mem) {
        free(pc);
        return NULL;
    }
    pc->pins = cosim_pins();
    pc->trace = cfg ? cfg->trace : NULL;
    struct card_pins *p = pc->pins;
    p->isa_sa = 0;
    p->isa_sbhe_n = 1;
    p->isa_sd_in = 0xFFFFu;
    p->isa_aen = 0;
    p->isa_ior_n = 1;
    p->isa_iow_n = 1;
    p->isa_dack_n = 0xFF;
    p->isa_tc = 0;
    p->isa_reset = 0;
    dma_master_clear(&pc->dmac[0]);
    dma_master_clear(&pc->dmac[1]);
    /* as the BIOS leaves it: channel 4 is the cascade, unmasked */
    pc->dmac[1].ch[0].mode = 0xC0;
    pc->dmac[1].ch[0].masked = 0;
    pc->if_enabled = 1;
    pc->dclk_next = cosim_now_ps();
    cosim_add_device(pc_step, pc);
    return pc;
}

void pc_destroy(struct pc *pc)
{
    if (!pc)
        return;
    free(pc->mem);
    free(pc);
}

static void run_io(struct pc *pc, uint16_t port, int write, int want16, uint16_t data)
{
    struct io_req *io = &pc->io;
    memset(io, 0, sizeof *io);
    io->port = port;
    io->write = write;
    io->want16 = want16;
    io->data = data;
    io->phase = IO_PENDING;       /* until the bus is free */
    io->t_next = UINT64_MAX;
    while (io->phase != IO_DONE) {
        if (cosim_step() < 0) {
            io->data = 0xFFFFu;
            break;
        }
    }
    io->phase = IO_NONE;
    if (pc->owner == OWN_HOST)
        pc->owner = OWN_IDLE;
}

uint8_t pc_inb(struct pc *pc, uint16_t port)
{
    run_io(pc, port, 0, 0, 0);
    uint8_t v = (uint8_t)pc->io.data;
    pc_poll_interrupts(pc);
    return v;
}

void pc_outb(struct pc *pc, uint16_t port, uint8_t value)
{
    run_io(pc, port, 1, 0, value);
    pc_poll_interrupts(pc);
}

uint16_t pc_inw(struct pc *pc, uint16_t port)
{
    run_io(pc, port, 0, 1, 0);
    uint16_t v = pc->io.data;
    if (!pc->io.is16) {
        /* the AT splits it: second byte from port+1, swapped onto SD[7:0] */
        v &= 0xFFu;
        run_io(pc, (uint16_t)(port + 1u), 0, 0, 0);
        v = (uint16_t)(v | ((pc->io.data & 0xFFu) << 8));
    }
    pc_poll_interrupts(pc);
    return v;
}

void pc_outw(struct pc *pc, uint16_t port, uint16_t value)
{
    run_io(pc, port, 1, 1, value);
    if (!pc->io.is16)
        run_io(pc, (uint16_t)(port + 1u), 1, 0, (uint16_t)(value >> 8));
    pc_poll_interrupts(pc);
}

uint8_t *pc_memory(struct pc *pc)
{
    return pc->mem;
}

void pc_set_isr(struct pc *pc, int irq, pc_isr_fn fn, void *ctx)
{
    if (irq < 0 || irq > 15)
        return;
    pc->isr[irq] = fn;
    pc->isr_ctx[irq] = ctx;
}

void pc_irq_mask(struct pc *pc, int irq, int masked)
{
    if (irq < 0 || irq > 15)
        return;
    uint8_t bit = (uint8_t)(1u << (irq & 7));
    if (masked)
        pc->imr[irq >> 3] |= bit;
    else
        pc->imr[irq >> 3] = (uint8_t)(pc->imr[irq >> 3] & ~bit);
}

void pc_interrupts_enable(struct pc *pc, int enabled)
{
    pc->if_enabled = enabled;
    pc_poll_interrupts(pc);
}

uint64_t pc_irq_count(struct pc *pc, int irq)
{
    return (irq < 0 || irq > 15) ? 0 : pc->irq_count[irq];
}

void pc_poll_interrupts(struct pc *pc)
{
    /* called after every cycle: nothing pending is the common case */
    if (!pc->irr || !pc->if_enabled || pc->in_isr)
        return;
    for (int n = 0; n < 16; n++) {
        uint16_t bit = (uint16_t)(1u << n);
        if (!(pc->irr & bit))
            continue;
        int masked = (pc->imr[n >> 3] >> (n & 7)) & 1;
        if (n >= 8)
            masked |= (pc->imr[0] >> 2) & 1;   /* the slave hangs off IRQ2 */
        if (masked)
            continue;
        pc->irr = (uint16_t)(pc->irr & ~bit);   /* acknowledged before the handler */
        if (pc->isr[n]) {
            pc->in_isr = 1;
            trace_line(pc, cosim_now_ps(), "ISR%d enter", n);
            pc->isr[n](pc->isr_ctx[n], n);
            trace_line(pc, cosim_now_ps(), "ISR%d leave", n);
            pc->in_isr = 0;
        }
    }
}

void pc_idle_ps(struct pc *pc, uint64_t ps)
{
    uint64_t end = cosim_now_ps() + ps;
    while (cosim_now_ps() < end) {
        if (cosim_step() < 0)
            break;
        pc_poll_interrupts(pc);
    }
}

void pc_bus_reset(struct pc *pc, uint64_t ps)
{
    trace_line(pc, cosim_now_ps(), "RESET DRV on");
    pc->pins->isa_reset = 1;
    uint64_t end = cosim_now_ps() + ps;
    while (cosim_now_ps() < end)
        if (cosim_step() < 0)
            break;
    pc->pins->isa_reset = 0;
    trace_line(pc, cosim_now_ps(), "RESET DRV off");
}

int pc_dma_busy(struct pc *pc)
{
    return pc->ds != D_IDLE;
}

void pc_get_stats(struct pc *pc, struct pc_stats *out)
{
    *out = pc->stats;
}

void pc_reset_stats(struct pc *pc)
{
    memset(&pc->stats, 0, sizeof pc->stats);
}

void pc_set_io_observer(struct pc *pc, pc_io_observer_fn fn, void *ctx)
{
    pc->io_observer = fn;
    pc->io_observer_ctx = ctx;
}
