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
#include "isa_timing_check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define BCLK_PS 120000ull          /* 8.33 MHz */
#define DCLK_PS (2ull * BCLK_PS)   /* the AT's 8237 clock, BCLK/2 */
#define DCLK_MIN_HZ 3000000u
#define DCLK_MAX_HZ 8000000u
#define MEM_CYCLE_CMD_BCLK 2u      /* AT 16-bit memory cycle: T1 + 2 BCLK (one wait) */
/* DRAM refresh: 8254 channel 1 at 1.19318 MHz with count 18 = 15.0857 us
 * (the AT BIOS setting); the refresh cycle holds the bus for 5 BCLK
 * (REFRESH#, then a MEMR# with one wait state and recovery; an estimate on
 * the long side, docs/isa.md). */
#define REFRESH_PERIOD_PS 15085700ull
#define REFRESH_CYCLE_BCLK 5u
/* Timer tick: 8254 channel 0, count 65536: 18.2065 Hz. */
#define TICK_PERIOD_PS 54925493000ull
/* The BIOS INT 08h handler as bus cycles: interrupt entry and IRET (vector,
 * FLAGS/CS/IP), pushes and pops, the tick count and motor timeout updates,
 * INT 1Ch, and code fetches: about 60 memory cycles, plus the EOI to 0x20. */
#define TICK_ISR_MEM_CYCLES 60u
/* Floppy: a 512-byte sector at 500 kbit/s (a byte every 16 us) on channel 2,
 * single mode, into a buffer in conventional memory, every 100 ms. */
#define FDC_CHANNEL 2
#define FDC_BYTE_PS 16000000ull
#define FDC_SECTOR_PERIOD_PS 100000000000ull
#define FDC_SECTOR_BYTES 512u
#define FDC_BUFFER 0x09F000u
#define IO8_CMD_BCLK 5u            /* T2 + 4 wait states: 6 BCLK cycle with T1 */
#define IO16_CMD_BCLK 2u           /* T2 + 1 wait state: 3 BCLK cycle with T1 */
#define IOCHRDY_MAX_BCLK 200u      /* give up (and say so) after 24 us */
#define FLOAT_BYTE 0xFFu           /* an undriven data bus reads all ones */

enum bus_owner { OWN_IDLE, OWN_HOST, OWN_DMA, OWN_REFRESH };

enum io_phase { IO_NONE, IO_PENDING, IO_T1, IO_CMD, IO_HOLD, IO_DONE };

struct io_req {
    enum io_phase phase;
    int mem;             /* a memory cycle (no I/O command on the card's pins) */
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

enum dma_state { D_IDLE, D_S1, D_S2, D_S2_CMD, D_S3, D_SW, D_S4, D_S4_END, D_RELEASE };

struct pc {
    struct card_pins *pins;
    FILE *trace;
    uint8_t *mem;
    struct isa_check *check;
    struct io_req io;
    struct dma_ctl dmac[2];
    struct pc_stats stats;

    /* 8237 pair */
    uint64_t dclk_ps;           /* 8237 clock period */
    uint64_t d_next;            /* time of the next DMA state */
    uint64_t t_s2;              /* start of the transfer's S2 */
    uint64_t t_service;         /* HLDA: the service began */
    uint64_t dclk_next;         /* next 8237 clock edge while idle */
    uint64_t t_drq_fall[8];
    enum bus_owner owner;
    enum dma_state ds;
    int single_dreq_edge;
    int dch;                    /* channel in service */
    int dreq_at_s4;
    int tc_this;
    int tc_on;
    uint8_t page[16];
    uint8_t last_hi;            /* address bits 8-15 the last S1 put out */
    uint8_t drq_prev, dack_prev;
    uint8_t need_fall;          /* single_dreq_edge: DREQ must be seen low first */
    uint8_t drq_level;          /* DRQ lines as last sampled */

    /* the AT's other bus users */
    uint64_t ref_next, ref_req_t, ref_end;
    uint64_t away_since, away_end;   /* the bus away from the CPU (DMA or refresh) */
    uint64_t tick_next;
    uint64_t fdc_next_byte, fdc_next_sector;
    int bus_users;
    int ref_pending;
    int away;
    int fdc_drq, fdc_active;
    unsigned fdc_left;
    uint8_t ref_row;
    uint8_t fdc_data;

    /* 8259 pair */
    uint64_t irq_count[16];
    pc_isr_fn isr[16];
    void *isr_ctx[16];
    int icw_step[2];
    int if_enabled;
    int in_isr;


    pc_io_observer_fn io_observer;
    void *io_observer_ctx;
    int check_count_only;
    uint16_t irr;
    uint16_t irq_prev;
    uint8_t imr[2];
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
    if (ch == FDC_CHANNEL && pc->fdc_drq)
        return 1;
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
    p->isa_sa = io->port & 0x3FFu;   /* for a memory cycle: the address's low bits */
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
    if (io->mem) {
        /* a CPU memory cycle: the bus is busy, no I/O command for the card */
        if (io->phase == IO_T1) {
            io->phase = IO_CMD;
            io->t_next += MEM_CYCLE_CMD_BCLK * BCLK_PS;
        } else {
            p->isa_sbhe_n = 1;
            io->phase = IO_DONE;
            pc->owner = OWN_IDLE;
        }
        return;
    }
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
    if (d->sw_req)
        return 1;
    return drq_line(pc, ch) && !((pc->need_fall >> ch) & 1);
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

static uint16_t bus_read_data(const struct pc *pc, int ch)
{
    const struct card_pins *p = pc->pins;
    if (ch == FDC_CHANNEL && pc->bus_users)
        return (uint16_t)(0xFF00u | pc->fdc_data);   /* the floppy controller drives SD */
    uint16_t bus = 0xFFFFu;
    if (p->isa_sd_oe & 1)
        bus = (uint16_t)((bus & 0xFF00u) | (p->isa_sd_out & 0xFFu));
    if (p->isa_sd_oe & 2)
        bus = (uint16_t)((bus & 0x00FFu) | (p->isa_sd_out & 0xFF00u));
    return bus;
}

static void fdc_dack(struct pc *pc);
static void bus_away(struct pc *pc, uint64_t t0, uint64_t t1);

/* End of S4's first edge: the commands end, data moves, counters step. */
static void dma_commands_end(struct pc *pc, int ch, int type, int wide)
{
    struct card_pins *p = pc->pins;
    struct dma_chan *d = chan_of(pc, ch);
    uint32_t a = dma_phys(pc, ch);
    uint16_t v = 0;
    int fdc = ch == FDC_CHANNEL && pc->bus_users;
    if (type == 1) {
        v = bus_read_data(pc, ch);
        if (!fdc)
            pc->stats.dma_card_bytes[ch] += (p->isa_sd_oe & 1u) + (wide ? (p->isa_sd_oe >> 1) & 1u : 0u);
        pc->mem[a & (PC_MEM_SIZE - 1)] = (uint8_t)v;
        if (wide)
            pc->mem[(a + 1) & (PC_MEM_SIZE - 1)] = (uint8_t)(v >> 8);
    } else if (type == 2) {
        v = p->isa_sd_in;
        if (!fdc)
            pc->stats.dma_card_bytes[ch] += wide ? 2u : 1u;
    }
    p->isa_ior_n = 1;
    p->isa_iow_n = 1;
    p->isa_tc = 0;
    pc->tc_on = 0;
    p->isa_sd_in = 0xFFFFu;
    if (pc->trace) {
        static const char *const dir[4] = { "VERIFY", "IOR->MEMW", "MEMR->IOW", "?" };
        trace_line(pc, pc->d_next, "DMA ch%d %s addr=0x%06x data=0x%0*x%s", ch, dir[type],
                   (unsigned)(a & (PC_MEM_SIZE - 1)), wide ? 4 : 2, wide ? v : (v & 0xFFu),
                   pc->tc_this ? " TC" : "");
    }
    pc->stats.dma_cycles[ch]++;
    pc->stats.dma_bytes[ch] += wide ? 2u : 1u;
    if (ch == FDC_CHANNEL && pc->bus_users)
        pc->stats.floppy_bytes++;
    /* address and count; the address counter wraps inside its page */
    d->cur_addr = (uint16_t)((d->mode & 0x20) ? d->cur_addr - 1u : d->cur_addr + 1u);
    d->cur_count = (uint16_t)(d->cur_count - 1u);
    if (pc->tc_this) {
        pc->dmac[ch >> 2].status_tc |= (uint8_t)(1u << (ch & 3));
        d->sw_req = 0;
        if (d->mode & 0x10) {
            d->cur_addr = d->base_addr;
            d->cur_count = d->base_count;
        } else {
            d->masked = 1;
        }
    }
}

/* One state of the 8237 (datasheet state names; timing in docs/isa.md).
 * Runs at the state's ideal time t = pc->d_next. */
static void dma_state(struct pc *pc)
{
    struct card_pins *p = pc->pins;
    const uint64_t T = pc->dclk_ps;
    int ch = pc->dch;
    struct dma_chan *d = chan_of(pc, ch);
    int type = (d->mode >> 2) & 3;      /* 0 verify, 1 write (to memory), 2 read (from memory) */
    int mode = (d->mode >> 6) & 3;      /* 0 demand, 1 single, 2 block */
    int wide = ch >= 4;

    switch (pc->ds) {
    case D_S1:
        /* S1: the upper address byte goes to the latch (A8-A15); AEN is high */
        p->isa_aen = 1;
        pc->last_hi = (uint8_t)(d->cur_addr >> 8);
        pc->stats.dma_s1_states++;
        if (pc->stats.dma_first_ps[ch] == 0)
            pc->stats.dma_first_ps[ch] = pc->d_next;
        pc->ds = D_S2;
        pc->d_next += T;
        break;
    case D_S2:
        /* S2: address A0-A7 out, DACK active (it stays through a demand or
         * block service); the read command follows half a clock later */
        pc->t_s2 = pc->d_next;
        p->isa_sa = (uint16_t)(dma_phys(pc, ch) & 0x3FFu);
        dma_set_dack(pc, ch, 1);
        if (ch == FDC_CHANNEL && pc->bus_users)
            fdc_dack(pc);
        pc->tc_this = (d->cur_count == 0);
        if (pc->single_dreq_edge && mode == 1)
            pc->need_fall |= (uint8_t)(1u << ch);   /* served: wait for DREQ to fall */
        pc->ds = D_S2_CMD;
        pc->d_next += T / 2;
        break;
    case D_S2_CMD:
        /* read command: IOR# (to memory) or MEMR# (memory data onto SD) */
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
        pc->d_next = pc->t_s2 + T;
        break;
    case D_S3:
        /* S3: the write command (late write: IOW# or MEMW#) */
        if (type == 2)
            p->isa_iow_n = 0;
        pc->ds = D_SW;
        pc->d_next += T;
        break;
    case D_SW:
        /* the AT's DMA wait state (READY sampled); TC is out for the clock
         * before S4 and ends with the commands; IOCHRDY adds more waits */
        if (pc->tc_this && !pc->tc_on) {
            p->isa_tc = 1;
            pc->tc_on = 1;
        }
        if (p->isa_iochrdy_oe) {
            pc->d_next += T;
            break;
        }
        pc->ds = D_S4;
        pc->d_next += T;
        break;
    case D_S4: {
        /* S4: commands end; in demand mode DREQ must be low by now to stop
         * the next transfer (Intel 8237A datasheet) */
        dma_commands_end(pc, ch, type, wide);
        pc->dreq_at_s4 = drq_line(pc, ch);
        if (!pc->dreq_at_s4 && mode == 0 && ((p->isa_drq_oe >> ch) & 1) &&
            pc->t_drq_fall[ch] >= pc->t_s2) {
            uint64_t slack = pc->d_next - pc->t_drq_fall[ch];
            if (!pc->stats.drq_drop_slack_min_ps || slack < pc->stats.drq_drop_slack_min_ps)
                pc->stats.drq_drop_slack_min_ps = slack;
        }
        pc->ds = D_S4_END;
        pc->d_next += T;
        break;
    }
    case D_S4_END: {
        pc->stats.dma_last_ps[ch] = pc->d_next;
        int tc = pc->tc_this;
        int more = !tc && ((mode == 2) || (mode == 0 && pc->dreq_at_s4));
        if (more) {
            /* S1 again only when A8-A15 change */
            pc->ds = ((uint8_t)(d->cur_addr >> 8) != pc->last_hi) ? D_S1 : D_S2;
            break;
        }
        dma_set_dack(pc, ch, 0);
        uint64_t hold = pc->d_next - pc->t_service;
        if (hold > pc->stats.dma_hold_max_ps)
            pc->stats.dma_hold_max_ps = hold;
        pc->ds = D_RELEASE;
        pc->d_next += (3 * T) / 2;   /* about 1.5 clocks to give the bus back */
        bus_away(pc, pc->t_service, pc->d_next);
        break;
    }
    case D_RELEASE:
        p->isa_aen = 0;
        pc->owner = OWN_IDLE;
        pc->ds = D_IDLE;
        /* the 8237 is back in SI and looks at DREQ straight away */
        pc->dclk_next = pc->d_next;
        break;
    default:
        break;
    }
}

static int refresh_wants_bus(const struct pc *pc);

static void dma_step(struct pc *pc, uint64_t now)
{
    for (;;) {
        if (pc->ds == D_IDLE) {
            if (now < pc->dclk_next)
                return;
            /* the 8237 clock edge being handled (ideal time, not the step's) */
            while (pc->dclk_next + pc->dclk_ps <= now)
                pc->dclk_next += pc->dclk_ps;
            uint64_t t_edge = pc->dclk_next;
            pc->dclk_next += pc->dclk_ps;
            if (pc->owner != OWN_IDLE || pc->io.phase == IO_PENDING || refresh_wants_bus(pc))
                return;
            int ch = dma_pick(pc);
            if (ch < 0)
                return;
            /* HRQ -> HLDA: about 2.5 DMA clocks to take the bus (S0) */
            pc->owner = OWN_DMA;
            pc->dch = ch;
            pc->ds = D_S1;
            pc->d_next = t_edge + (5 * pc->dclk_ps) / 2;
            pc->t_service = pc->d_next;
            return;
        }
        if (now < pc->d_next)
            return;
        dma_state(pc);
    }
}

/* ---- the AT's other bus users: refresh, timer tick, floppy ---- */

static int refresh_wants_bus(const struct pc *pc)
{
    return pc->ref_pending || pc->owner == OWN_REFRESH;
}

static void refresh_step(struct pc *pc, uint64_t now)
{
    struct card_pins *p = pc->pins;
    if (now >= pc->ref_next) {
        pc->stats.refresh_requests++;
        if (pc->ref_pending)
            pc->stats.refresh_missed++;   /* the request latch holds one */
        else
            pc->ref_req_t = pc->ref_next;
        pc->ref_pending = 1;
        pc->ref_next += REFRESH_PERIOD_PS;
    }
    if (pc->owner == OWN_REFRESH && now >= pc->ref_end) {
        p->isa_aen = 0;
        pc->owner = OWN_IDLE;
    }
    if (pc->ref_pending && pc->owner == OWN_IDLE && pc->ds == D_IDLE) {
        /* refresh gets the bus at the first cycle boundary */
        uint64_t wait = now - pc->ref_req_t;
        if (wait > pc->stats.refresh_holdoff_max_ps)
            pc->stats.refresh_holdoff_max_ps = wait;
        pc->ref_pending = 0;
        pc->owner = OWN_REFRESH;
        pc->ref_end = now + REFRESH_CYCLE_BCLK * BCLK_PS;
        bus_away(pc, now, pc->ref_end);
        pc->stats.refresh_cycles++;
        p->isa_aen = 1;
        p->isa_sa = pc->ref_row++;   /* the refresh row address on SA0-SA7 */
    }
}

/* The floppy controller drops DRQ when it sees DACK. */
static void fdc_dack(struct pc *pc)
{
    pc->fdc_drq = 0;
}

static void fdc_program(struct pc *pc)
{
    /* as the BIOS diskette code leaves channel 2: single mode, write to
     * memory, autoinit, one sector at FDC_BUFFER */
    struct dma_chan *d = chan_of(pc, FDC_CHANNEL);
    d->mode = 0x40 | 0x10 | 0x04 | FDC_CHANNEL;
    d->base_addr = d->cur_addr = (uint16_t)FDC_BUFFER;
    d->base_count = d->cur_count = (uint16_t)(FDC_SECTOR_BYTES - 1u);
    d->masked = 0;
    pc->page[page_port_of[FDC_CHANNEL] & 0xF] = (uint8_t)(FDC_BUFFER >> 16);
}

static void fdc_step(struct pc *pc, uint64_t now)
{
    if (!pc->fdc_active) {
        if (now < pc->fdc_next_sector)
            return;
        /* the BIOS programs channel 2 for every sector it reads */
        fdc_program(pc);
        pc->fdc_active = 1;
        pc->fdc_left = FDC_SECTOR_BYTES;
        pc->fdc_next_byte = pc->fdc_next_sector + FDC_BYTE_PS;
        pc->fdc_next_sector += FDC_SECTOR_PERIOD_PS;
        return;
    }
    if (now < pc->fdc_next_byte)
        return;
    if (pc->fdc_drq) {
        pc->stats.floppy_overruns++;   /* the last byte was not taken in time */
    } else {
        pc->fdc_drq = 1;
        pc->fdc_data = (uint8_t)(pc->fdc_left * 7u);
    }
    pc->fdc_next_byte += FDC_BYTE_PS;
    if (--pc->fdc_left == 0)
        pc->fdc_active = 0;
}

static void tick_step(struct pc *pc, uint64_t now)
{
    if (now < pc->tick_next)
        return;
    pc->tick_next += TICK_PERIOD_PS;
    pc->stats.timer_ticks++;
    pc->irq_count[0]++;
    pc->irr |= 1u;
}

/* The bus was away from the CPU (DMA from HLDA to release, or refresh) from
 * t0 to t1; intervals less than a BCLK apart leave the CPU no bus cycle in
 * between and count as one. */
static void bus_away(struct pc *pc, uint64_t t0, uint64_t t1)
{
    if (!pc->away || t0 > pc->away_end + BCLK_PS)
        pc->away_since = t0;
    pc->away = 1;
    pc->away_end = t1;
    if (t1 - pc->away_since > pc->stats.cpu_holdoff_max_ps)
        pc->stats.cpu_holdoff_max_ps = t1 - pc->away_since;
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

static void check_step(struct pc *pc, uint64_t now)
{
    unsigned n = isa_check_sample(pc->check, now, pc->pins);
    if (!n)
        return;
    pc->stats.isa_timing_violations += n;
    const char *msg = isa_check_last_message(pc->check);
    fprintf(stderr, "%s\n", msg);
    trace_line(pc, now, "ERROR %s", msg);
    if (!pc->check_count_only) {
        fflush(NULL);
        exit(PC_EXIT_ISA_TIMING);
    }
}

/* DRQ levels as the 8237 sees them: fall times (for the demand-mode slack)
 * and the single_dreq_edge variant's "seen low" condition. */
static void drq_track(struct pc *pc, uint64_t now)
{
    uint8_t lvl = (uint8_t)(pc->pins->isa_drq & pc->pins->isa_drq_oe);
    if (pc->fdc_drq)
        lvl |= 1u << FDC_CHANNEL;
    uint8_t fell = (uint8_t)(pc->drq_level & ~lvl);
    for (int n = 0; fell && n < 8; n++)
        if (fell & (1u << n))
            pc->t_drq_fall[n] = now;
    pc->need_fall &= lvl;
    pc->drq_level = lvl;
}

static void pc_step(void *ctx, uint64_t now)
{
    struct pc *pc = ctx;
    if (pc->check)
        check_step(pc, now);
    drq_track(pc, now);
    if (pc->bus_users) {
        refresh_step(pc, now);
        tick_step(pc, now);
        fdc_step(pc, now);
    }
    if (pc->owner == OWN_IDLE && pc->io.phase == IO_PENDING && pc->ds == D_IDLE &&
        !refresh_wants_bus(pc)) {
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
    struct pc_config none;
    memset(&none, 0, sizeof none);
    if (!cfg)
        cfg = &none;
    uint32_t hz = cfg->dma_clock_hz;
    if (hz && (hz < DCLK_MIN_HZ || hz > DCLK_MAX_HZ)) {
        fprintf(stderr, "pc: DMA clock %u Hz outside the 8237's %u-%u Hz\n", (unsigned)hz,
                DCLK_MIN_HZ, DCLK_MAX_HZ);
        free(pc->mem);
        free(pc);
        return NULL;
    }
    pc->dclk_ps = hz ? (1000000000000ull + hz / 2) / hz : DCLK_PS;
    pc->single_dreq_edge = cfg->single_dreq_edge;
    if (!cfg->no_isa_check) {
        struct isa_check_params cp = { BCLK_PS, pc->dclk_ps };
        pc->check = isa_check_create(&cp);
        if (!pc->check) {
            free(pc->mem);
            free(pc);
            return NULL;
        }
        pc->check_count_only = cfg->isa_check_count_only;
    }
    pc->pins = cosim_pins();
    pc->trace = cfg->trace;
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
    pc->bus_users = cfg->at_bus_users;
    if (pc->bus_users) {
        uint64_t now = cosim_now_ps();
        pc->ref_next = now + REFRESH_PERIOD_PS;
        pc->tick_next = now + TICK_PERIOD_PS;
        pc->fdc_next_sector = now + FDC_SECTOR_PERIOD_PS / 10;
        fdc_program(pc);
    }
    cosim_add_device(pc_step, pc);
    return pc;
}

void pc_destroy(struct pc *pc)
{
    if (!pc)
        return;
    isa_check_destroy(pc->check);
    free(pc->mem);
    free(pc);
}

static void run_cycle(struct pc *pc, uint16_t port, int write, int want16, uint16_t data, int mem)
{
    struct io_req *io = &pc->io;
    memset(io, 0, sizeof *io);
    io->mem = mem;
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

static void run_io(struct pc *pc, uint16_t port, int write, int want16, uint16_t data)
{
    run_cycle(pc, port, write, want16, data, 0);
}

/* The BIOS timer tick handler (INT 08h) as the bus sees it: its memory
 * cycles one by one (DMA and refresh may take the bus between them, as the
 * 286 grants HOLD between bus cycles) and the EOI. */
static void bios_tick_isr(struct pc *pc)
{
    for (unsigned i = 0; i < TICK_ISR_MEM_CYCLES; i++)
        run_cycle(pc, (uint16_t)(0x46Cu + 2u * (i & 7u)), i & 1u, 1, 0, 1);
    run_io(pc, 0x20, 1, 0, 0x20);
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
        } else if (n == 0 && pc->bus_users) {
            pc->in_isr = 1;
            bios_tick_isr(pc);
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
    if (pc->check)
        out->isa_timing_edges = isa_check_edges(pc->check);
}

double pc_dma_limit_kbps(const struct pc *pc, int wide, int demand)
{
    double hz = 1e12 / (double)pc->dclk_ps;
    double clocks = demand ? 4.0 + 1.0 / 256.0 : 9.0;
    return (wide ? 2.0 : 1.0) * hz / clocks / 1000.0;
}

double pc_dma_fair_limit_kbps(const struct pc *pc, int wide, unsigned on_us, unsigned off_us)
{
    if (on_us == 0)
        return pc_dma_limit_kbps(pc, wide, 1);
    uint64_t t = pc->dclk_ps, on = (uint64_t)on_us * 1000000ull, off = (uint64_t)off_us * 1000000ull;
    /* transfer k's S4 sample is 4k+3 clocks after DACK#; DREQ still high
     * there means transfer k+1 follows */
    uint64_t transfers = 1;
    if (on > 3 * t)
        transfers += (on - 3 * t + 4 * t - 1) / (4 * t);
    uint64_t gap = off > 3 * t / 2 ? off : 3 * t / 2;
    uint64_t period_ps = 7 * t / 2 + 4 * t * transfers + gap;
    return (wide ? 2.0 : 1.0) * (double)transfers / ((double)period_ps * 1e-12) / 1000.0;
}

const char *pc_isa_check_message(const struct pc *pc)
{
    return pc->check ? isa_check_last_message(pc->check) : "";
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
