/* Data-phase bookkeeping of the host protocol (docs/protocol.md), as pure
 * functions: the glue (card_io.c) reads the host register file into a
 * struct xfer_view, asks xfer_step() what to do, and does it.  No MMIO here,
 * so the host tests (tests/card/) build this very file. */
#ifndef CARD_XFER_H
#define CARD_XFER_H

#include <stdint.h>

/* One command's data phase. */
struct xfer_state {
    uint32_t data_len;    /* the command block's data length */
    uint32_t moved;       /* bytes the completed operations moved on the ISA side */
    uint8_t dir_in;       /* 1 = card to host */
    uint8_t awaiting_arm; /* the host owes us a segment (the first one, or one we asked for) */
};

/* A snapshot of HOSTIF, read in this order: EVENTS, XFER_CTRL, XFER_DONE,
 * XFER_REMAIN (the order makes done + remain never overestimate). */
struct xfer_view {
    uint32_t events;      /* HOSTIF EVENTS */
    uint32_t ctrl;        /* HOSTIF XFER_CTRL */
    uint32_t done;        /* HOSTIF XFER_DONE: bytes moved since the command started */
    uint32_t remain;      /* HOSTIF XFER_REMAIN */
};

enum xfer_verdict {
    XFER_WAIT = 0,        /* keep going: need not reached yet */
    XFER_REACHED,         /* done >= need */
    XFER_ABORTED,         /* the host wrote CONTROL.ABORT */
    XFER_PHASE,           /* the host armed the other direction */
    XFER_OVERRUN          /* the host armed past the data length */
};

/* What the glue must do after a step (bits). */
#define XFER_ACT_ARMED 0x1u   /* a segment was armed: clear HSTATUS.XFER_WAIT */
#define XFER_ACT_REQUEST 0x2u /* set HSTATUS.XFER_WAIT, then POST.SEG_DONE */

/* Start a command's data phase. */
void xfer_begin(struct xfer_state *s, uint32_t data_len, int dir_in);

/* One look at the hardware while waiting until `need` bytes (counted from
 * the start of the command) have moved on the ISA side.  *actions gets the
 * XFER_ACT_* bits to carry out.  A segment is asked for only when the host
 * owes none, the armed one has ended, and `need` is not reached. */
enum xfer_verdict xfer_step(struct xfer_state *s, const struct xfer_view *v,
                            uint32_t need, unsigned *actions);

/* Whole 512-byte blocks delivered of `blocks` started at byte `base`. */
uint32_t xfer_blocks_delivered(uint32_t done, uint32_t base, uint32_t blocks);

#endif
