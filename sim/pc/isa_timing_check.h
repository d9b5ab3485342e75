/* ISA timing checker: watches the card's side of the bus once per card clock
 * and flags every edge that breaks the AT's bus timing (limits and their
 * sources: docs/isa.md, "ISA timing checker").  The PC model feeds it in
 * every co-simulation run; tests feed it synthetic pin sequences.
 *
 * A sample is the pins as the card saw them during one clock (the inputs the
 * PC drove) together with what the card drove back, stamped with the time of
 * that clock edge; so the checker's resolution is one card clock. */
#ifndef SOFTHBA_ISA_TIMING_CHECK_H
#define SOFTHBA_ISA_TIMING_CHECK_H

#include <stdint.h>
#include "card_pins.h"

#ifdef __cplusplus
extern "C" {
#endif

struct isa_check_params {
    uint64_t bclk_ps;    /* ISA bus clock period (the AT: 120 ns) */
    uint64_t dclk_ps;    /* 8237 clock period (the AT: 240 ns) */
};

/* Worst values seen, for the margins in docs/isa.md (ps; 0 = never seen). */
struct isa_check_worst {
    uint64_t sd_release_ps;      /* command (or DACK#) end -> SD released */
    uint64_t iocs16_decode_ps;   /* address change -> IOCS16# edge */
    uint64_t iochrdy_assert_ps;  /* command start -> IOCHRDY low */
    uint64_t iochrdy_hold_ps;    /* IOCHRDY low time */
    uint64_t drq_tc_drop_ps;     /* end of the TC transfer -> DRQ low */
    uint64_t irq_low_min_ps;     /* shortest IRQ low time between two rises */
};

struct isa_check;

struct isa_check *isa_check_create(const struct isa_check_params *params);
void isa_check_destroy(struct isa_check *c);

/* Check one sample.  Returns the number of violations it found (0 almost
 * always); isa_check_last_message() describes the last one: rule, signal,
 * edge and time. */
unsigned isa_check_sample(struct isa_check *c, uint64_t t_ps, const struct card_pins *p);

const char *isa_check_last_message(const struct isa_check *c);
uint64_t isa_check_violations(const struct isa_check *c);
/* Card-side edges checked so far (so a run can show the checker saw traffic). */
uint64_t isa_check_edges(const struct isa_check *c);
void isa_check_get_worst(const struct isa_check *c, struct isa_check_worst *out);

/* The limits, in ps, for the given bus (the table of docs/isa.md). */
struct isa_check_limits {
    uint64_t sd_release_max;     /* SD floated after IOR#/DACK# end */
    uint64_t iocs16_decode_max;  /* IOCS16# follows SA/AEN within */
    uint64_t iochrdy_assert_max; /* IOCHRDY low after the command starts, at most */
    uint64_t iochrdy_hold_max;   /* IOCHRDY low for at most */
    uint64_t drq_tc_drop_max;    /* DRQ low after the TC transfer, at most */
    uint64_t drq_min_high;       /* a DRQ withdrawn before its DACK# lasted at least */
    uint64_t irq_min_low;        /* IRQ low between two rising edges, at least */
    uint64_t irq_min_high;       /* IRQ high pulse, at least */
};
void isa_check_get_limits(const struct isa_check *c, struct isa_check_limits *out);

#ifdef __cplusplus
}
#endif

#endif
