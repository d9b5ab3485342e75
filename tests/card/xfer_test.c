/* Host test of the card firmware's data-phase bookkeeping
 * (firmware/card/xfer.c): when the firmware asks the host for a segment,
 * when a wait ends, and which host mistakes end a command.  Each case feeds
 * xfer_step() the HOSTIF values the hardware would show at that moment
 * (docs/protocol.md). */
#include <stdio.h>
#include <stdlib.h>

#include "softhba_regs.h"
#include "xfer.h"

#define EV_ARM SHBA_HOSTIF_EVENTS_ARM
#define EV_END SHBA_HOSTIF_EVENTS_SEG_END
#define EV_ABORT SHBA_HOSTIF_EVENTS_ABORT
#define ARM SHBA_HOST_XFER_CTRL_ARM
#define TO_HOST SHBA_HOST_XFER_CTRL_DIR_TO_HOST

static int failures;

static void step(const char *what, struct xfer_state *s, uint32_t events, uint32_t ctrl,
                 uint32_t done, uint32_t remain, uint32_t need,
                 enum xfer_verdict want, unsigned want_act)
{
    struct xfer_view v = { events, ctrl, done, remain };
    unsigned act = 0xFFu;
    enum xfer_verdict got = xfer_step(s, &v, need, &act);
    if (got != want || act != want_act) {
        printf("FAIL %s: verdict %d actions %u, want %d %u\n", what, got, act, want, want_act);
        failures++;
    }
}

/* Data-in of 36 bytes (INQUIRY) in one segment armed for the whole
 * data length (255): no SEG_DONE at any point, the wait ends at 36. */
static void one_segment_underrun(void)
{
    struct xfer_state s;
    xfer_begin(&s, 255, 1);
    step("before the host arms: wait, ask nothing", &s, 0, TO_HOST, 0, 0, 36, XFER_WAIT, 0);
    step("arm seen", &s, EV_ARM, TO_HOST | ARM, 0, 255, 36, XFER_WAIT, XFER_ACT_ARMED);
    step("moving", &s, 0, TO_HOST | ARM, 20, 235, 36, XFER_WAIT, 0);
    step("all 36 delivered", &s, 0, TO_HOST | ARM, 36, 219, 36, XFER_REACHED, 0);
}

/* A 2048-byte read in segments of 512 (TC at DMA page boundaries): one
 * SEG_DONE per ended segment while data remains, none after the last. */
static void multi_segment(void)
{
    struct xfer_state s;
    xfer_begin(&s, 2048, 1);
    uint32_t done = 0;
    step("first arm", &s, EV_ARM, TO_HOST | ARM, 0, 512, 2048, XFER_WAIT, XFER_ACT_ARMED);
    for (int seg = 0; seg < 4; seg++) {
        done += 512;
        int last = seg == 3;
        step("segment ended", &s, EV_END, TO_HOST, done, 0, 2048,
             last ? XFER_REACHED : XFER_WAIT, last ? 0u : XFER_ACT_REQUEST);
        if (last)
            break;
        step("asked once only", &s, 0, TO_HOST, done, 0, 2048, XFER_WAIT, 0);
        step("next arm", &s, EV_ARM, TO_HOST | ARM, done, 512, 2048, XFER_WAIT, XFER_ACT_ARMED);
    }
}

/* A segment so short that it ended before the firmware looked: the arm and
 * the end are seen together, and the next segment is asked for at once. */
static void arm_and_end_together(void)
{
    struct xfer_state s;
    xfer_begin(&s, 1024, 0);
    step("arm+end in one look", &s, EV_ARM | EV_END, 0, 16, 0, 1024, XFER_WAIT,
         XFER_ACT_ARMED | XFER_ACT_REQUEST);
    step("no second request", &s, 0, 0, 16, 0, 1024, XFER_WAIT, 0);
}

/* Data-out through several operations of one command (VERIFY slices):
 * `need` grows, the state carries over. */
static void several_operations(void)
{
    struct xfer_state s;
    xfer_begin(&s, 128, 0);
    step("arm 128", &s, EV_ARM, ARM, 0, 128, 64, XFER_WAIT, XFER_ACT_ARMED);
    step("first 64", &s, 0, ARM, 64, 64, 64, XFER_REACHED, 0);
    step("second op, still armed", &s, 0, ARM, 100, 28, 128, XFER_WAIT, 0);
    step("second 64", &s, EV_END, 0, 128, 0, 128, XFER_REACHED, 0);
}

static void host_errors(void)
{
    struct xfer_state s;
    xfer_begin(&s, 512, 1);
    step("abort wins over everything", &s, EV_ABORT | EV_ARM, ARM, 0, 4096, 512, XFER_ABORTED, 0);
    xfer_begin(&s, 512, 1);
    step("armed host-to-card for data-in", &s, EV_ARM, ARM, 0, 512, 512, XFER_PHASE, XFER_ACT_ARMED);
    xfer_begin(&s, 512, 0);
    step("armed card-to-host for data-out, segment already over", &s, EV_ARM, TO_HOST, 0, 0, 512,
         XFER_PHASE, XFER_ACT_ARMED);
    xfer_begin(&s, 512, 1);
    step("armed past the data length", &s, EV_ARM, TO_HOST | ARM, 0, 1024, 512, XFER_OVERRUN,
         XFER_ACT_ARMED);
    xfer_begin(&s, 1024, 1);
    step("second segment past the data length", &s, EV_ARM, TO_HOST | ARM, 512, 513, 1024,
         XFER_OVERRUN, XFER_ACT_ARMED);
    xfer_begin(&s, 1024, 1);
    step("exactly the data length", &s, EV_ARM, TO_HOST | ARM, 512, 512, 1024, XFER_WAIT,
         XFER_ACT_ARMED);
    xfer_begin(&s, 0xFFFFFFu, 0);
    step("count wrap", &s, 0, ARM, 0xFFFFFFF0u, 0x20, 0xFFFFFFu, XFER_OVERRUN, 0);
}

/* No data phase (verify_blocks): need 0 is reached at once, no request. */
static void no_data_phase(void)
{
    struct xfer_state s;
    xfer_begin(&s, 0, 0);
    step("nothing to move", &s, 0, 0, 0, 0, 0, XFER_REACHED, 0);
    step("abort still seen", &s, EV_ABORT, 0, 0, 0, 0, XFER_ABORTED, 0);
}

static void blocks_delivered(void)
{
    static const struct { uint32_t done, base, blocks, want; } t[] = {
        { 0, 0, 4, 0 }, { 511, 0, 4, 0 }, { 512, 0, 4, 1 }, { 2047, 0, 4, 3 },
        { 4096, 0, 4, 4 }, { 9999, 0, 4, 4 }, { 100, 200, 4, 0 }, { 1224, 200, 4, 2 },
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint32_t got = xfer_blocks_delivered(t[i].done, t[i].base, t[i].blocks);
        if (got != t[i].want) {
            printf("FAIL blocks_delivered(%u, %u, %u) = %u, want %u\n", (unsigned)t[i].done,
                   (unsigned)t[i].base, (unsigned)t[i].blocks, (unsigned)got, (unsigned)t[i].want);
            failures++;
        }
    }
}

int main(void)
{
    one_segment_underrun();
    multi_segment();
    arm_and_end_together();
    several_operations();
    host_errors();
    no_data_phase();
    blocks_delivered();
    if (failures) {
        printf("xfer_test: %d failures\n", failures);
        return 1;
    }
    printf("xfer_test: all passed\n");
    return 0;
}
