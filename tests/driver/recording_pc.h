/* The recording PC test double (see recording_pc.c for why it exists). */
#ifndef SOFTHBA_RECORDING_PC_H
#define SOFTHBA_RECORDING_PC_H

#include <stdint.h>

#include "pc.h"

uint64_t cosim_now_ps(void);

#define REC_MAX_IO 65536

struct rec_io {
    int write;       /* 1 out, 0 in */
    int width;       /* 8 or 16 */
    uint16_t port;
    uint16_t value;
};

/* Answers an I/O cycle (write: the value is given, the return is ignored). */
typedef uint16_t (*rec_responder_fn)(void *ctx, int write, int width, uint16_t port,
                                     uint16_t value);
void rec_set_responder(struct pc *pc, rec_responder_fn fn, void *ctx);
const struct rec_io *rec_log(struct pc *pc, int *n);
void rec_clear(struct pc *pc);
/* Called whenever simulated time passes with the host idle. */
typedef void (*rec_idle_fn)(void *ctx);
void rec_set_idle_hook(struct pc *pc, rec_idle_fn fn, void *ctx);
/* An edge on an IRQ line (delivered when unmasked and interrupts are on). */
void rec_raise_irq(struct pc *pc, int irq);

#endif
