/* Unit tests of the miniport (host_driver/softhba.c, host build) running on
 * the port driver emulation (sim/portdrv) over the recording PC double.
 *
 * TEST DOUBLE NOTICE: the real PC model and card are not runnable yet, so
 * the card's ports are answered by a scripted register file below that
 * follows docs/registers.md, and a scripted "DMA" that reads back what the
 * emulation wrote to the 8237 ports.  What is checked: the argument parser,
 * the result-to-SRB-status mapping, the probe and CONFIG programming, the
 * exact 8237 programming sequence for a buffer/length/channel (8237 rules:
 * mask, clear flip-flop, mode, address low/high, page, count-1 low/high,
 * unmask; word address and word count on 16-bit channels; no transfer
 * across a 64 KiB / 128 KiB page), segment continuation after TC, data
 * integrity through the map buffer, and auto-sense. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recording_pc.h"
#include "portdrv.h"
#include "ddk/scsi.h"
#include "softhba_regs.h"
#include "softhba.h"

ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2);

static int failures;
#define CHECK(c) do { if (!(c)) { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); } } while (0)

/* ---- scripted card + 8237 register tracking --------------------------- */
struct script {
    struct pc *pc;
    uint16_t base;
    uint8_t config;
    unsigned id_idx;
    uint8_t cmd[SHBA_HOST_CMD_BLOCK_LEN];
    unsigned cmd_n;
    int busy, int_enable;
    uint8_t int_status;
    uint32_t xfer_left;
    uint8_t xfer_ctrl;
    uint8_t result[SHBA_HOST_RES_BLOCK_LEN];
    unsigned res_idx;
    uint8_t next_result[SHBA_HOST_RES_BLOCK_LEN];
    /* 8237 */
    int ff[2];
    uint16_t addr[8], count[8];
    uint8_t page[8], mode[8];
    int masked[8];
    /* data phase */
    uint8_t *src;          /* data the "target" returns (DATA_IN) */
    uint8_t *sink;         /* data the "target" received (DATA_OUT) */
    uint32_t len, moved;
    int segments;
};

static int chan_of_port(uint16_t port, int *is_count)
{
    if (port <= 0x07) { *is_count = port & 1; return port >> 1; }
    if (port >= 0xC0 && port <= 0xCE && !(port & 1)) {
        *is_count = (port >> 1) & 1;
        return 4 + ((port - 0xC0) >> 2);
    }
    return -1;
}

static uint16_t respond(void *ctx, int write, int width, uint16_t port, uint16_t v)
{
    struct script *s = ctx;
    static const uint8_t id[8] = { 'S', 'H', 'B', 'A', 1, 0, 1, 0 };
    static const uint16_t pages[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };
    int is_count, ch;
    (void)width;
    if (port >= s->base && port < s->base + 16) {
        uint16_t r = port - s->base;
        if (!write) {
            switch (r) {
            case SHBA_HOST_STATUS:
                return (uint8_t)(SHBA_HOST_STATUS_READY | (s->busy ? SHBA_HOST_STATUS_BUSY : 0) |
                                 (s->int_status ? SHBA_HOST_STATUS_INTR : 0) |
                                 (s->int_enable ? SHBA_HOST_STATUS_INT_ENABLED : 0));
            case SHBA_HOST_RESULT:
                return s->res_idx < SHBA_HOST_RES_BLOCK_LEN ? s->result[s->res_idx++] : 0;
            case SHBA_HOST_INT_STATUS: return s->int_status;
            case SHBA_HOST_CONFIG: return s->config;
            case SHBA_HOST_XFER_COUNT0: return (uint8_t)s->xfer_left;
            case SHBA_HOST_XFER_COUNT1: return (uint8_t)(s->xfer_left >> 8);
            case SHBA_HOST_XFER_COUNT2: return (uint8_t)(s->xfer_left >> 16);
            case SHBA_HOST_XFER_CTRL: return s->xfer_ctrl;
            case SHBA_HOST_ID: { uint8_t b = id[s->id_idx]; s->id_idx = (s->id_idx + 1) & 7; return b; }
            default: return 0;
            }
        }
        switch (r) {
        case SHBA_HOST_CONTROL:
            s->int_enable = (v & SHBA_HOST_CONTROL_INT_ENABLE) != 0;
            if (v & SHBA_HOST_CONTROL_INT_ACK) s->int_status = 0;
            if (v & (SHBA_HOST_CONTROL_CMD_PTR_RESET | SHBA_HOST_CONTROL_START)) {
                if (v & SHBA_HOST_CONTROL_START) { s->busy = 1; s->moved = 0; s->segments = 0; }
                else s->cmd_n = 0;
            }
            break;
        case SHBA_HOST_COMMAND: if (s->cmd_n < SHBA_HOST_CMD_BLOCK_LEN) s->cmd[s->cmd_n++] = (uint8_t)v; break;
        case SHBA_HOST_INT_STATUS: s->int_status &= (uint8_t)~v; break;
        case SHBA_HOST_CONFIG: s->config = (uint8_t)v; break;
        case SHBA_HOST_XFER_COUNT0: s->xfer_left = (s->xfer_left & 0xFFFF00u) | v; break;
        case SHBA_HOST_XFER_COUNT1: s->xfer_left = (s->xfer_left & 0xFF00FFu) | ((uint32_t)v << 8); break;
        case SHBA_HOST_XFER_COUNT2: s->xfer_left = (s->xfer_left & 0x00FFFFu) | ((uint32_t)v << 16); break;
        case SHBA_HOST_XFER_CTRL: s->xfer_ctrl = (uint8_t)v; break;
        case SHBA_HOST_ID_RESET: s->id_idx = 0; break;
        default: break;
        }
        return 0;
    }
    if (!write)
        return 0xFF;                       /* open bus */
    ch = chan_of_port(port, &is_count);
    if (ch >= 0) {
        int hi = ch >= 4;
        uint16_t *reg = is_count ? &s->count[ch] : &s->addr[ch];
        *reg = s->ff[hi] ? (uint16_t)((*reg & 0xFF) | (v << 8)) : (uint16_t)((*reg & 0xFF00) | v);
        s->ff[hi] ^= 1;
    } else if (port == 0x0A || port == 0xD4) {
        s->masked[(port == 0xD4 ? 4 : 0) + (v & 3)] = (v & 4) != 0;
    } else if (port == 0x0B || port == 0xD6) {
        s->mode[(port == 0xD6 ? 4 : 0) + (v & 3)] = (uint8_t)v;
    } else if (port == 0x0C || port == 0xD8) {
        s->ff[port == 0xD8] = 0;
    } else {
        for (int c = 0; c < 8; c++)
            if (pages[c] == port && c != 4) s->page[c] = (uint8_t)v;
    }
    return 0;
}

static void post(struct script *s, uint8_t cause)
{
    s->int_status |= cause;
    if (s->int_enable)
        rec_raise_irq(s->pc, ShbaIrqFromSelect(s->config & 7));
}

/* When a segment is armed: move what both the card's count and the 8237's
 * programmed count allow (TC ends the segment early), like the real pair. */
static void idle(void *ctx)
{
    struct script *s = ctx;
    if (!s->busy)
        return;
    if ((s->xfer_ctrl & SHBA_HOST_XFER_CTRL_ARM) && !(s->xfer_ctrl & SHBA_HOST_XFER_CTRL_PIO)) {
        int wide = (s->xfer_ctrl & SHBA_HOST_XFER_CTRL_WIDTH16) != 0;
        int ch = wide ? (int)ShbaDma16FromSelect((s->config >> 5) & 3)
                      : (int)ShbaDma8FromSelect((s->config >> 3) & 3);
        uint32_t phys, n8237, n;
        if (s->masked[ch])
            return;
        phys = wide ? (((uint32_t)(s->page[ch] & 0xFE) << 16) | ((uint32_t)s->addr[ch] << 1))
                    : (((uint32_t)s->page[ch] << 16) | s->addr[ch]);
        n8237 = ((uint32_t)s->count[ch] + 1) * (wide ? 2u : 1u);
        n = s->xfer_left < n8237 ? s->xfer_left : n8237;
        if (s->xfer_ctrl & SHBA_HOST_XFER_CTRL_DIR_TO_HOST)
            memcpy(pc_memory(s->pc) + phys, s->src + s->moved, n);
        else
            memcpy(s->sink + s->moved, pc_memory(s->pc) + phys, n);
        s->moved += n;
        s->xfer_left -= n;
        s->segments++;
        s->xfer_ctrl &= (uint8_t)~SHBA_HOST_XFER_CTRL_ARM;
        s->masked[ch] = 1;
        if (s->moved < s->len) { post(s, SHBA_HOST_INT_STATUS_SEG_DONE); return; }
    } else if (s->len != 0 && s->moved < s->len) {
        return;                             /* waiting for the host to arm */
    }
    memcpy(s->result, s->next_result, sizeof s->result);
    s->res_idx = 0;
    s->busy = 0;
    post(s, SHBA_HOST_INT_STATUS_CMD_DONE);
}

static struct pc *pc;
static struct script card;

static void setup(uint16_t base, uint8_t config, const char *args)
{
    struct portdrv_config cfg = { 0 };
    portdrv_shutdown();
    memset(&card, 0, sizeof card);
    card.pc = pc;
    card.base = base;
    card.config = config;
    for (int i = 0; i < 8; i++) card.masked[i] = 1;
    rec_set_responder(pc, respond, &card);
    rec_set_idle_hook(pc, idle, &card);
    rec_clear(pc);
    cfg.pc = pc;
    cfg.argument_string = args;
    CHECK(portdrv_init(&cfg) == 0);
    CHECK(portdrv_load(DriverEntry) == 0);
    CHECK(portdrv_adapter_count() == 1);
}

/* ---- tests --------------------------------------------------------------- */

static void test_arguments(void)
{
    struct shba_options o;
    CHECK(ShbaParseArguments(NULL, &o) == 0 && o.base == SHBA_OPT_UNSET && o.irq == SHBA_OPT_UNSET);
    CHECK(ShbaParseArguments("   ", &o) == 0 && o.dma == SHBA_OPT_UNSET);
    CHECK(ShbaParseArguments("base=0x330 irq=11 dma=5 pio", &o) == 0);
    CHECK(o.base == 0x330 && o.irq == 11 && o.dma == 5 && o.pio == 1);
    CHECK(ShbaParseArguments("BASE=230h,IRQ=5;Dma=1\tsingle narrow", &o) == 0);
    CHECK(o.base == 0x230 && o.irq == 5 && o.dma == 1 && o.demand == 0 && o.wide == 0);
    CHECK(ShbaParseArguments("dma=none", &o) == 0 && o.pio == 1);
    CHECK(ShbaParseArguments("irq=4", &o) == 1);            /* IRQ4 is not selectable */
    CHECK(ShbaParseArguments("irq=11 dma=2", &o) == 8);     /* position of the bad token */
    CHECK(ShbaParseArguments("base=0x300", &o) == 1);
    CHECK(ShbaParseArguments("irq=", &o) == 1);
    CHECK(ShbaParseArguments("irq=0x", &o) == 1);
    CHECK(ShbaParseArguments("irq=1x", &o) == 1);
    CHECK(ShbaParseArguments("fast", &o) == 1);
    CHECK(ShbaParseArguments("irq=99999999999", &o) == 1);
}

static void test_translate(void)
{
    uint8_t r[8] = { 0 };
    ULONG t;
    CHECK(ShbaTranslateResult(r, 512, &t) == SRB_STATUS_SUCCESS && t == 512);
    r[SHBA_HOST_RES_RESIDUAL] = 100;
    CHECK(ShbaTranslateResult(r, 512, &t) == SRB_STATUS_DATA_OVERRUN && t == 412);
    r[SHBA_HOST_RES_RESIDUAL + 1] = 0x10;                    /* residual > requested */
    CHECK(ShbaTranslateResult(r, 512, &t) == SRB_STATUS_DATA_OVERRUN && t == 0);
    memset(r, 0, sizeof r);
    r[SHBA_HOST_RES_SCSI_STATUS] = SCSISTAT_CHECK_CONDITION;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_ERROR);
    r[SHBA_HOST_RES_SCSI_STATUS] = SCSISTAT_BUSY;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_ERROR);
    r[SHBA_HOST_RES_SCSI_STATUS] = 0;
    r[SHBA_HOST_RES_HOST_STATUS] = SHBA_HOST_HS_NO_DEVICE;
    CHECK(ShbaTranslateResult(r, 36, &t) == SRB_STATUS_SELECTION_TIMEOUT);
    r[SHBA_HOST_RES_HOST_STATUS] = SHBA_HOST_HS_ABORTED;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_ABORTED);
    r[SHBA_HOST_RES_HOST_STATUS] = SHBA_HOST_HS_RESET;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_BUS_RESET);
    r[SHBA_HOST_RES_HOST_STATUS] = SHBA_HOST_HS_PHASE_ERROR;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_PHASE_SEQUENCE_FAILURE);
    r[SHBA_HOST_RES_HOST_STATUS] = SHBA_HOST_HS_BAD_BLOCK;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_INVALID_REQUEST);
    r[SHBA_HOST_RES_HOST_STATUS] = SHBA_HOST_HS_HW_ERROR;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_ERROR);
    r[SHBA_HOST_RES_HOST_STATUS] = 0x42;
    CHECK(ShbaTranslateResult(r, 0, &t) == SRB_STATUS_ERROR);
}

static const uint8_t CONFIG_PINS = SHBA_HOST_CONFIG_WIDE16 | (1u << 5) | (1u << 3) | 6u;

static void test_probe(void)
{
    const PORT_CONFIGURATION_INFORMATION *ci;
    const struct rec_io *io;
    int n;
    setup(0x330, CONFIG_PINS, NULL);
    ci = portdrv_config_info(0);
    io = rec_log(pc, &n);
    CHECK(n > 0 && io[0].write && io[0].port == 0x340 + SHBA_HOST_ID_RESET);  /* 0x340 first */
    CHECK((*ci->AccessRanges)[0].RangeStart.QuadPart == 0x330);
    CHECK((*ci->AccessRanges)[0].RangeLength == 16 && !(*ci->AccessRanges)[0].RangeInMemory);
    CHECK(ci->BusInterruptLevel == 11 && ci->InterruptMode == Latched);
    CHECK(ci->DmaChannel == 5 && ci->DmaWidth == Width16Bits && ci->DmaSpeed == Compatible);
    CHECK(ci->MaximumTransferLength == 0x10000 && ci->InitiatorBusId[0] == 7);
    CHECK(ci->NumberOfBuses == 1 && ci->MaximumNumberOfTargets == 8 && !ci->Master);
    CHECK(!ci->ScatterGather && ci->AlignmentMask == 1);
    /* CONFIG programmed with exactly what is used: no 8-bit channel. */
    CHECK(card.config == (SHBA_HOST_CONFIG_WIDE16 | (1u << 5) | 6u));
    CHECK(card.int_enable);

    setup(0x340, CONFIG_PINS, "dma=1 irq=5 narrow");
    ci = portdrv_config_info(0);
    CHECK(ci->DmaChannel == 1 && ci->DmaWidth == Width8Bits && ci->BusInterruptLevel == 5);
    CHECK(card.config == ((1u << 3) | 2u));

    /* A bad argument: the adapter is not taken, the error is logged. */
    {
        struct portdrv_config cfg = { 0 };
        struct portdrv_logged_error e[PORTDRV_MAX_LOGGED];
        portdrv_shutdown();
        cfg.pc = pc;
        cfg.argument_string = "irq=4";
        CHECK(portdrv_init(&cfg) == 0);
        CHECK(portdrv_load(DriverEntry) != 0);
        CHECK(portdrv_logged_errors(e, PORTDRV_MAX_LOGGED) >= 1);
    }
}

/* Finds the i-th write in the log at or after *from; returns its index. */
static int next_write(const struct rec_io *io, int n, int from, uint16_t port)
{
    for (int i = from; i < n; i++)
        if (io[i].write && io[i].port == port)
            return i;
    return -1;
}

static void run_read(const char *args, uint32_t len, uint32_t page_offset, uint8_t **out_buf,
                     PSCSI_REQUEST_BLOCK srb)
{
    static uint8_t sense[18];
    uint8_t *mem = aligned_alloc(4096, len + 8192);
    uint8_t *buf = mem + page_offset;
    setup(0x340, CONFIG_PINS, args);
    card.src = malloc(len);
    for (uint32_t i = 0; i < len; i++)
        card.src[i] = (uint8_t)(i * 7 + (i >> 8));
    card.len = len;
    memset(card.next_result, 0, sizeof card.next_result);
    memset(buf, 0, len);
    memset(srb, 0, sizeof *srb);
    srb->Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb->TargetId = 0;
    srb->CdbLength = 10;
    srb->Cdb[0] = SCSIOP_READ;
    srb->Cdb[8] = (uint8_t)(len / 512);
    srb->Cdb[7] = (uint8_t)(len / 512 >> 8);
    srb->SrbFlags = SRB_FLAGS_DATA_IN;
    srb->DataBuffer = buf;
    srb->DataTransferLength = len;
    srb->SenseInfoBuffer = sense;
    srb->SenseInfoBufferLength = sizeof sense;
    srb->TimeOutValue = 10;
    rec_clear(pc);
    CHECK(portdrv_execute(0, srb) == SRB_STATUS_SUCCESS);
    CHECK(memcmp(buf, card.src, len) == 0);
    CHECK(srb->DataTransferLength == len);
    *out_buf = mem;
}

static void test_dma8_read_crossing_64k(void)
{
    SCSI_REQUEST_BLOCK srb;
    uint8_t *mem;
    const struct rec_io *io;
    int n, i;
    /* 8-bit channel 1, 64 KiB from page offset 0x200: the map buffer sits at
     * 0x100200, so the 8237 transfer stops at the 64 KiB page (0xFE00 bytes)
     * and the rest comes in a second segment. */
    run_read("dma=1 narrow", 0x10000, 0x200, &mem, &srb);
    CHECK(card.segments == 2);
    io = rec_log(pc, &n);
    /* The command block as docs/registers.md lays it out. */
    CHECK(card.cmd[SHBA_HOST_CMD_FLAGS] == SHBA_HOST_CMD_FLAG_DATA_IN);
    CHECK(card.cmd[SHBA_HOST_CMD_DATA_LEN + 2] == 1 && card.cmd[SHBA_HOST_CMD_CDB] == SCSIOP_READ);
    /* First 8237 programming, byte by byte. */
    {
        static const uint16_t want[][2] = {
            { 0x0A, 0x05 }, { 0x0C, 0x00 }, { 0x0B, 0x05 },      /* mask ch1, ff, demand write ch1 */
            { 0x02, 0x00 }, { 0x02, 0x02 }, { 0x83, 0x10 },      /* address 0x0200, page 0x10 */
            { 0x0C, 0x00 }, { 0x03, 0xFF }, { 0x03, 0xFD },      /* count 0xFE00 - 1 */
            { 0x0A, 0x01 },                                      /* unmask ch1 */
        };
        int k = 0;
        i = next_write(io, n, 0, 0x0A);
        CHECK(i >= 0);
        for (; i >= 0 && i < n && k < 10; i++) {
            if (!io[i].write || io[i].port >= 0x100)
                continue;
            CHECK(io[i].port == want[k][0] && io[i].value == want[k][1]);
            if (io[i].port != want[k][0] || io[i].value != want[k][1])
                fprintf(stderr, "  step %d: out 0x%02x,0x%02x want 0x%02x,0x%02x\n", k,
                        io[i].port, io[i].value, want[k][0], want[k][1]);
            k++;
        }
        CHECK(k == 10);
        /* Then HwDmaStarted: XFER_COUNT (0x010000) and XFER_CTRL ARM|DIR_TO_HOST. */
        i = next_write(io, n, i, 0x344);
        CHECK(i >= 0 && io[i].value == 0x00 && io[i + 1].port == 0x345 && io[i + 1].value == 0x00 &&
              io[i + 2].port == 0x346 && io[i + 2].value == 0x01 && io[i + 3].port == 0x347 &&
              io[i + 3].value == (SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST));
        /* Second segment: from 0x100000, 0x200 bytes. */
        i = next_write(io, n, i + 4, 0x02);
        CHECK(i >= 0 && io[i].value == 0x00 && io[i + 1].value == 0x00);
        i = next_write(io, n, i, 0x03);
        CHECK(i >= 0 && io[i].value == 0xFF && io[i + 1].value == 0x01);
    }
    free(mem);
    free(card.src);
}

static void test_dma16_read(void)
{
    SCSI_REQUEST_BLOCK srb;
    uint8_t *mem;
    const struct rec_io *io;
    int n, i;
    run_read(NULL, 0x10000, 0x200, &mem, &srb);     /* channel 5 from the pins */
    CHECK(card.segments == 1);                       /* 128 KiB page: no cut */
    io = rec_log(pc, &n);
    i = next_write(io, n, 0, 0xD4);
    CHECK(i >= 0 && io[i].value == 0x05);                              /* mask ch5 */
    CHECK(io[i + 1].port == 0xD8 && io[i + 2].port == 0xD6 && io[i + 2].value == 0x05);
    CHECK(io[i + 3].port == 0xC4 && io[i + 3].value == 0x00);         /* word address 0x80100 */
    CHECK(io[i + 4].port == 0xC4 && io[i + 4].value == 0x01);
    CHECK(io[i + 5].port == 0x8B && io[i + 5].value == 0x10);         /* page, bit 0 clear */
    CHECK(io[i + 7].port == 0xC6 && io[i + 7].value == 0xFF);         /* 0x8000 words - 1 */
    CHECK(io[i + 8].port == 0xC6 && io[i + 8].value == 0x7F);
    CHECK(io[i + 9].port == 0xD4 && io[i + 9].value == 0x01);
    i = next_write(io, n, i, 0x347);
    CHECK(i >= 0 && io[i].value == (SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST |
                                    SHBA_HOST_XFER_CTRL_WIDTH16));
    free(mem);
    free(card.src);
}

static void test_write_and_sense(void)
{
    SCSI_REQUEST_BLOCK srb;
    uint8_t data[4096], sense[18];
    setup(0x340, CONFIG_PINS, "dma=3 narrow");
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i ^ 0x5A);
    card.sink = calloc(1, sizeof data);
    card.len = sizeof data;
    memset(card.next_result, 0, sizeof card.next_result);
    memset(&srb, 0, sizeof srb);
    srb.Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb.CdbLength = 10;
    srb.Cdb[0] = SCSIOP_WRITE;
    srb.SrbFlags = SRB_FLAGS_DATA_OUT;
    srb.DataBuffer = data;
    srb.DataTransferLength = sizeof data;
    srb.TimeOutValue = 10;
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS);
    CHECK(memcmp(card.sink, data, sizeof data) == 0);
    free(card.sink);

    /* CHECK CONDITION with sense: auto-sense valid, sense copied. */
    card.len = 0;
    card.next_result[SHBA_HOST_RES_SCSI_STATUS] = SCSISTAT_CHECK_CONDITION;
    card.next_result[SHBA_HOST_RES_SENSE_LEN] = 18;
    card.next_result[SHBA_HOST_RES_SENSE] = 0x70;
    card.next_result[SHBA_HOST_RES_SENSE + 2] = SCSI_SENSE_UNIT_ATTENTION;
    card.next_result[SHBA_HOST_RES_SENSE + 12] = 0x29;
    memset(&srb, 0, sizeof srb);
    memset(sense, 0, sizeof sense);
    srb.Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb.CdbLength = 6;
    srb.SenseInfoBuffer = sense;
    srb.SenseInfoBufferLength = sizeof sense;
    srb.TimeOutValue = 10;
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_ERROR);
    CHECK(srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID);
    CHECK(srb.ScsiStatus == SCSISTAT_CHECK_CONDITION && sense[0] == 0x70 && sense[2] == 6 &&
          sense[12] == 0x29);

    /* Unsupported function: INVALID_REQUEST at once. */
    memset(&srb, 0, sizeof srb);
    srb.Function = SRB_FUNCTION_SHUTDOWN;
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_INVALID_REQUEST);
    /* The initiator's own id: selection timeout. */
    memset(&srb, 0, sizeof srb);
    srb.Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb.TargetId = 7;
    srb.CdbLength = 6;
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_SELECTION_TIMEOUT);
}

int main(void)
{
    pc = pc_create(NULL);
    test_arguments();
    test_translate();
    test_probe();
    test_dma8_read_crossing_64k();
    test_dma16_read();
    test_write_and_sense();
    portdrv_shutdown();
    CHECK(portdrv_violations() == 0);
    pc_destroy(pc);
    if (failures) {
        fprintf(stderr, "test_miniport: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_miniport: all checks passed\n");
    return 0;
}
