/* Data-phase bookkeeping of the host protocol; see xfer.h. */
#include "xfer.h"

#include "softhba_regs.h"

void xfer_begin(struct xfer_state *s, uint32_t data_len, int dir_in)
{
    s->data_len = data_len;
    s->moved = 0;
    s->dir_in = dir_in ? 1u : 0u;
    s->awaiting_arm = 1;    /* the host arms the first segment unasked */
}

enum xfer_verdict xfer_step(struct xfer_state *s, const struct xfer_view *v,
                            uint32_t need, unsigned *actions)
{
    *actions = 0;
    if (v->events & SHBA_HOSTIF_EVENTS_ABORT)
        return XFER_ABORTED;
    int armed = (v->ctrl & SHBA_HOST_XFER_CTRL_ARM) != 0;
    if (v->events & SHBA_HOSTIF_EVENTS_ARM) {
        s->awaiting_arm = 0;
        *actions |= XFER_ACT_ARMED;
    }
    if (armed || (*actions & XFER_ACT_ARMED)) {
        int to_host = (v->ctrl & SHBA_HOST_XFER_CTRL_DIR_TO_HOST) != 0;
        if (to_host != s->dir_in)
            return XFER_PHASE;
    }
    uint32_t reach = v->done + (armed ? v->remain : 0u);
    if (reach < v->done || reach > s->data_len)
        return XFER_OVERRUN;
    if (v->done >= need)
        return XFER_REACHED;
    if (!armed && !s->awaiting_arm) {
        s->awaiting_arm = 1;
        *actions |= XFER_ACT_REQUEST;
    }
    return XFER_WAIT;
}

uint32_t xfer_blocks_delivered(uint32_t done, uint32_t base, uint32_t blocks)
{
    uint32_t n = done > base ? (done - base) / 512u : 0u;
    return n < blocks ? n : blocks;
}
