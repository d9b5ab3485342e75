/* ISA timing checker (API and the meaning of a sample: isa_timing_check.h;
 * the rules, limits and their sources: docs/isa.md). */
#include "isa_timing_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IOCHRDY_HOLD_MAX_PS 2500000ull   /* IBM AT Technical Reference: 2.5 us */
#define IRQ_MIN_LOW_PS 100000ull         /* 8259A: IR low width before a new edge */

struct isa_check {
    struct isa_check_limits lim;
    struct card_pins prev;
    int have_prev;
    uint64_t violations, edges;
    char msg[256];
    struct isa_check_worst worst;

    int window;                  /* IOR# low with AEN low, or with the card's DACK# */
    uint64_t t_window_close;
    int drive_from_window;       /* the current SD drive began inside a window */
    int drive_flagged;           /* one message per drive */
    int iochrdy_flagged;         /* one message per IOCHRDY low */
    int cmd;                     /* IOR# or IOW# low */
    uint64_t t_cmd_start;
    uint64_t t_addr_change;
    int iocs16_aen_flagged;
    uint64_t t_iochrdy_low;
    uint64_t t_drq_rise[8];
    uint8_t dack_since_rise;     /* bit n: DACKn# seen since DRQn rose */
    uint8_t tc_xfer;             /* bit n: the command in progress carries TC on channel n */
    uint8_t tc_drop_pending;     /* bit n: waiting for DRQn to fall after TC */
    uint64_t t_tc_end[8];
    uint64_t t_irq_fall[16], t_irq_rise[16];
    uint16_t irq_seen_fall;
};

static void violation(struct isa_check *c, uint64_t t, const char *rule, const char *fmt, ...)
{
    char detail[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(c->msg, sizeof c->msg, "ISA timing violation [%s] at %llu.%03llu us: %s", rule,
             (unsigned long long)(t / 1000000u), (unsigned long long)((t / 1000u) % 1000u), detail);
    c->violations++;
}

static void worst_max(uint64_t *w, uint64_t v)
{
    if (v > *w)
        *w = v;
}

struct isa_check *isa_check_create(const struct isa_check_params *params)
{
    struct isa_check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    uint64_t bclk = params && params->bclk_ps ? params->bclk_ps : 120000u;
    uint64_t dclk = params && params->dclk_ps ? params->dclk_ps : 2 * bclk;
    /* the earliest another driver can own SD after a read command: half a
     * BCLK (the AT drives write data from the next T1 on) */
    c->lim.sd_release_max = bclk / 2;
    /* the AT samples IOCS16# at the end of T1, one BCLK after SA is valid */
    c->lim.iocs16_decode_max = bclk;
    /* the first IOCHRDY sample of the shortest (16-bit, one wait) command is
     * one BCLK after the command starts */
    c->lim.iochrdy_assert_max = bclk;
    c->lim.iochrdy_hold_max = IOCHRDY_HOLD_MAX_PS;
    /* after TC the 8237 is back in SI and samples DREQ at its next clock */
    c->lim.drq_tc_drop_max = dclk;
    /* 8237A: DREQ must stay active until DACK; anything shorter than one
     * DMA clock can be seen by the 8237 and then withdrawn */
    c->lim.drq_min_high = dclk;
    c->lim.irq_min_low = IRQ_MIN_LOW_PS;
    c->lim.irq_min_high = IRQ_MIN_LOW_PS;
    return c;
}

void isa_check_destroy(struct isa_check *c)
{
    free(c);
}

const char *isa_check_last_message(const struct isa_check *c)
{
    return c->msg;
}

uint64_t isa_check_violations(const struct isa_check *c)
{
    return c->violations;
}

uint64_t isa_check_edges(const struct isa_check *c)
{
    return c->edges;
}

void isa_check_get_worst(const struct isa_check *c, struct isa_check_worst *out)
{
    *out = c->worst;
}

void isa_check_get_limits(const struct isa_check *c, struct isa_check_limits *out)
{
    *out = c->lim;
}

static void check_sd(struct isa_check *c, uint64_t t, const struct card_pins *p)
{
    uint8_t card_dack = (uint8_t)(~p->isa_dack_n & p->isa_drq_oe);
    int window = !p->isa_ior_n && (!p->isa_aen || card_dack);
    if (c->window && !window)
        c->t_window_close = t;
    int drive = p->isa_sd_oe != 0;
    int was_drive = c->prev.isa_sd_oe != 0;
    if (drive && !was_drive) {
        c->drive_from_window = window;
        c->drive_flagged = 0;
    }
    if (drive != was_drive)
        c->edges++;
    if (drive && !p->isa_iow_n && !c->drive_flagged) {
        violation(c, t, "SD contention", "SD 0x%x driven while IOW# is low (the bus drives the data)",
                  p->isa_sd_oe);
        c->drive_flagged = 1;
    } else if (drive && !window && !c->drive_flagged) {
        if (!c->drive_from_window) {
            violation(c, t, "SD outside window", "SD 0x%x driven with IOR#=%d AEN=%d DACK#=0x%02x",
                      p->isa_sd_oe, p->isa_ior_n, p->isa_aen, p->isa_dack_n);
            c->drive_flagged = 1;
        } else if (t - c->t_window_close > c->lim.sd_release_max) {
            violation(c, t, "SD release", "SD still driven %llu ns after IOR#/DACK# rose (limit %llu ns)",
                      (unsigned long long)((t - c->t_window_close) / 1000u),
                      (unsigned long long)(c->lim.sd_release_max / 1000u));
            c->drive_flagged = 1;
        }
    }
    if (!drive && was_drive && c->drive_from_window && !window) {
        uint64_t d = t - c->t_window_close;
        worst_max(&c->worst.sd_release_ps, d);
        if (d > c->lim.sd_release_max && !c->drive_flagged)
            violation(c, t, "SD release", "SD released %llu ns after IOR#/DACK# rose (limit %llu ns)",
                      (unsigned long long)(d / 1000u), (unsigned long long)(c->lim.sd_release_max / 1000u));
    }
    c->window = window;
}

static void check_cmd_and_address(struct isa_check *c, uint64_t t, const struct card_pins *p)
{
    int cmd = !p->isa_ior_n || !p->isa_iow_n;
    if (cmd && !c->cmd)
        c->t_cmd_start = t;
    c->cmd = cmd;
    if (p->isa_sa != c->prev.isa_sa || p->isa_aen != c->prev.isa_aen ||
        p->isa_sbhe_n != c->prev.isa_sbhe_n)
        c->t_addr_change = t;

    /* IOCS16#: a decode of SA and AEN, so it moves only shortly after them */
    if (p->isa_iocs16_n_oe != c->prev.isa_iocs16_n_oe) {
        c->edges++;
        uint64_t d = t - c->t_addr_change;
        worst_max(&c->worst.iocs16_decode_ps, d);
        if (d > c->lim.iocs16_decode_max)
            violation(c, t, "IOCS16# decode", "IOCS16# %s %llu ns after the last SA/AEN change (limit %llu ns)",
                      p->isa_iocs16_n_oe ? "fell" : "rose", (unsigned long long)(d / 1000u),
                      (unsigned long long)(c->lim.iocs16_decode_max / 1000u));
    }
    if (p->isa_iocs16_n_oe && p->isa_aen && t - c->t_addr_change > c->lim.iocs16_decode_max) {
        if (!c->iocs16_aen_flagged)
            violation(c, t, "IOCS16# with AEN", "IOCS16# low while AEN is high (a DMA or refresh cycle)");
        c->iocs16_aen_flagged = 1;
    } else {
        c->iocs16_aen_flagged = 0;
    }

    /* IOCHRDY: only inside a command, early, and not for long */
    int rdy_low = p->isa_iochrdy_oe != 0;
    int was_low = c->prev.isa_iochrdy_oe != 0;
    if (rdy_low && !was_low) {
        c->edges++;
        c->t_iochrdy_low = t;
        c->iochrdy_flagged = 0;
        if (!cmd) {
            violation(c, t, "IOCHRDY outside command", "IOCHRDY pulled low with no IOR#/IOW# active");
            c->iochrdy_flagged = 1;
        } else {
            uint64_t d = t - c->t_cmd_start;
            worst_max(&c->worst.iochrdy_assert_ps, d);
            if (d > c->lim.iochrdy_assert_max)
                violation(c, t, "IOCHRDY late", "IOCHRDY fell %llu ns into the command (limit %llu ns)",
                          (unsigned long long)(d / 1000u),
                          (unsigned long long)(c->lim.iochrdy_assert_max / 1000u));
        }
    } else if (!rdy_low && was_low) {
        c->edges++;
        worst_max(&c->worst.iochrdy_hold_ps, t - c->t_iochrdy_low);
    }
    if (rdy_low && t - c->t_iochrdy_low > c->lim.iochrdy_hold_max) {
        violation(c, t, "IOCHRDY hold", "IOCHRDY low for over %llu ns",
                  (unsigned long long)(c->lim.iochrdy_hold_max / 1000u));
        worst_max(&c->worst.iochrdy_hold_ps, t - c->t_iochrdy_low);
        c->t_iochrdy_low = t;   /* once per limit period */
    }
    if (rdy_low && was_low && !cmd && !c->iochrdy_flagged) {
        violation(c, t, "IOCHRDY past command", "IOCHRDY still low after the command ended");
        c->iochrdy_flagged = 1;
    }
}

static void check_drq(struct isa_check *c, uint64_t t, const struct card_pins *p)
{
    uint8_t drq = (uint8_t)(p->isa_drq & p->isa_drq_oe);
    uint8_t pdrq = (uint8_t)(c->prev.isa_drq & c->prev.isa_drq_oe);
    uint8_t dack = (uint8_t)~p->isa_dack_n;
    int cmd = !p->isa_ior_n || !p->isa_iow_n;
    int pcmd = !c->prev.isa_ior_n || !c->prev.isa_iow_n;
    c->dack_since_rise |= dack;
    for (int n = 0; n < 8; n++) {
        uint8_t b = (uint8_t)(1u << n);
        if ((drq & b) && !(pdrq & b)) {
            c->edges++;
            c->t_drq_rise[n] = t;
            c->dack_since_rise = (uint8_t)(c->dack_since_rise & ~b);
        } else if (!(drq & b) && (pdrq & b)) {
            c->edges++;
            if (!(c->dack_since_rise & b) && t - c->t_drq_rise[n] < c->lim.drq_min_high)
                violation(c, t, "DRQ pulse", "DRQ%d fell %llu ns after rising, before any DACK%d# (min %llu ns)",
                          n, (unsigned long long)((t - c->t_drq_rise[n]) / 1000u), n,
                          (unsigned long long)(c->lim.drq_min_high / 1000u));
        }
        /* TC: the card must withdraw DRQ once the transfer carrying it ends */
        if (cmd && p->isa_tc && (dack & b) && (p->isa_drq_oe & b))
            c->tc_xfer |= b;
        if ((c->tc_xfer & b) && pcmd && !cmd) {
            c->tc_xfer = (uint8_t)(c->tc_xfer & ~b);
            c->tc_drop_pending |= b;
            c->t_tc_end[n] = t;
        }
        if (c->tc_drop_pending & b) {
            if (!(drq & b)) {
                worst_max(&c->worst.drq_tc_drop_ps, t - c->t_tc_end[n]);
                c->tc_drop_pending = (uint8_t)(c->tc_drop_pending & ~b);
            } else if (t - c->t_tc_end[n] > c->lim.drq_tc_drop_max) {
                violation(c, t, "DRQ after TC", "DRQ%d still high %llu ns after the TC transfer (limit %llu ns)", n,
                          (unsigned long long)((t - c->t_tc_end[n]) / 1000u),
                          (unsigned long long)(c->lim.drq_tc_drop_max / 1000u));
                c->tc_drop_pending = (uint8_t)(c->tc_drop_pending & ~b);
            }
        }
    }
}

static void check_irq(struct isa_check *c, uint64_t t, const struct card_pins *p)
{
    uint16_t lvl = (uint16_t)(p->isa_irq & p->isa_irq_oe);
    uint16_t plvl = (uint16_t)(c->prev.isa_irq & c->prev.isa_irq_oe);
    for (int n = 0; n < 16; n++) {
        uint16_t b = (uint16_t)(1u << n);
        if ((lvl & b) && !(plvl & b)) {
            c->edges++;
            if (c->irq_seen_fall & b) {
                uint64_t low = t - c->t_irq_fall[n];
                if (!c->worst.irq_low_min_ps || low < c->worst.irq_low_min_ps)
                    c->worst.irq_low_min_ps = low;
                if (low < c->lim.irq_min_low)
                    violation(c, t, "IRQ re-edge", "IRQ%d rose %llu ns after falling (min %llu ns)", n,
                              (unsigned long long)(low / 1000u),
                              (unsigned long long)(c->lim.irq_min_low / 1000u));
            }
            c->t_irq_rise[n] = t;
        } else if (!(lvl & b) && (plvl & b)) {
            c->edges++;
            if (t - c->t_irq_rise[n] < c->lim.irq_min_high)
                violation(c, t, "IRQ glitch", "IRQ%d high for only %llu ns (min %llu ns)", n,
                          (unsigned long long)((t - c->t_irq_rise[n]) / 1000u),
                          (unsigned long long)(c->lim.irq_min_high / 1000u));
            c->t_irq_fall[n] = t;
            c->irq_seen_fall |= b;
        }
    }
}

/* The ISA pins the rules look at are as in the last sample. */
static int isa_pins_same(const struct card_pins *a, const struct card_pins *b)
{
    return a->isa_sa == b->isa_sa && a->isa_sbhe_n == b->isa_sbhe_n && a->isa_aen == b->isa_aen &&
           a->isa_ior_n == b->isa_ior_n && a->isa_iow_n == b->isa_iow_n && a->isa_dack_n == b->isa_dack_n &&
           a->isa_tc == b->isa_tc && a->isa_sd_oe == b->isa_sd_oe && a->isa_iochrdy_oe == b->isa_iochrdy_oe &&
           a->isa_iocs16_n_oe == b->isa_iocs16_n_oe && a->isa_drq == b->isa_drq &&
           a->isa_drq_oe == b->isa_drq_oe && a->isa_irq == b->isa_irq && a->isa_irq_oe == b->isa_irq_oe;
}

unsigned isa_check_sample(struct isa_check *c, uint64_t t_ps, const struct card_pins *p)
{
    /* nothing moved and no rule is waiting for time to pass: nothing to do
     * (most clocks; keeps the checker cheap in long runs) */
    if (c->have_prev && isa_pins_same(p, &c->prev) && !(p->isa_sd_oe && !c->window) &&
        !p->isa_iochrdy_oe && !c->tc_drop_pending && !(p->isa_iocs16_n_oe && p->isa_aen))
        return 0;
    uint64_t before = c->violations;
    if (!c->have_prev) {
        c->prev = *p;
        c->have_prev = 1;
        c->t_addr_change = t_ps;
        c->window = !p->isa_ior_n && (!p->isa_aen || (uint8_t)(~p->isa_dack_n & p->isa_drq_oe));
        c->drive_from_window = c->window;
        c->cmd = !p->isa_ior_n || !p->isa_iow_n;
        return 0;
    }
    check_sd(c, t_ps, p);
    check_cmd_and_address(c, t_ps, p);
    check_drq(c, t_ps, p);
    check_irq(c, t_ps, p);
    c->prev = *p;
    return (unsigned)(c->violations - before);
}
