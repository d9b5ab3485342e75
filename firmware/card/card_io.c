/* struct scsi_ops on the card: the FIFO CPU port for the small data phases,
 * the SD stream engine for block data, the host's segments and ABORT seen
 * through HOSTIF.  Protocol: docs/protocol.md. */
#include "card.h"

#include "fs_log.h"
#include "sd_hw.h"
#include "soc.h"

#define HIF(reg) SHBA_REG(HOSTIF, reg)
#define FIFO(reg) SHBA_REG(FIFO, reg)
#define STALE_EVENTS (SHBA_HOSTIF_EVENTS_ARM | SHBA_HOSTIF_EVENTS_SEG_END | SHBA_HOSTIF_EVENTS_ABORT)

void card_hstatus(struct card *c, uint32_t set, uint32_t clear)
{
    c->hstatus = (c->hstatus | set) & ~clear;
    mmio_write32(HIF(HSTATUS), c->hstatus);
}

static void fifo_ctrl(uint32_t bits)
{
    mmio_write32(FIFO(CTRL), bits);
}

static uint32_t fifo_level(void)
{
    return mmio_read32(FIFO(STATUS)) & SHBA_FIFO_STATUS_LEVEL_MASK;
}

/* Bytes moved on the ISA side since card_begin.  The register keeps only
 * the low 17 bits: add what it moved since the last look.  Every wait loop
 * looks at least once per FIFO load (1 KiB), far below its 128 KiB wrap. */
static uint32_t isa_done(struct card *c)
{
    c->done += (mmio_read32(HIF(XFER_DONE)) - c->done) & SHBA_HOSTIF_XFER_DONE_COUNT_MASK;
    return c->done;
}

/* One look at the host side: events, segments, abort, stall.  *reached is
 * set when `need` bytes of the command have moved on the ISA side. */
static enum scsi_io service(struct card *c, uint32_t need, int *reached)
{
    struct xfer_view v;
    unsigned act;
    v.events = mmio_read32(HIF(EVENTS));
    v.ctrl = mmio_read32(HIF(XFER_CTRL));
    v.done = isa_done(c);
    v.remain = mmio_read32(HIF(XFER_REMAIN));
    if (v.events & (SHBA_HOSTIF_EVENTS_ARM | SHBA_HOSTIF_EVENTS_SEG_END))
        mmio_write32(HIF(EVENTS), v.events & (SHBA_HOSTIF_EVENTS_ARM | SHBA_HOSTIF_EVENTS_SEG_END));
    enum xfer_verdict r = xfer_step(&c->xfer, &v, need, &act);
    if (act & XFER_ACT_ARMED)
        card_hstatus(c, 0, SHBA_HOSTIF_HSTATUS_XFER_WAIT);
    if (act & XFER_ACT_REQUEST) {
        card_hstatus(c, SHBA_HOSTIF_HSTATUS_XFER_WAIT, 0);
        mmio_write32(HIF(POST), SHBA_HOSTIF_POST_SEG_DONE);
    }
    *reached = (r == XFER_REACHED);
    switch (r) {
    case XFER_ABORTED: return SCSI_IO_ABORTED;
    case XFER_PHASE: return SCSI_IO_PHASE;
    case XFER_OVERRUN: return SCSI_IO_OVERRUN;
    default: break;
    }
    uint32_t sig = v.done + (sd_hw_read(SHBA_SD_BLK_DONE) << 24);
    /* mtime's low half: CARD_STALL_MS is far shorter than its 119 s wrap. */
    uint32_t now = mmio_read32(SHBA_REG(TIMER, MTIME_LO));
    if (sig != c->stall_sig) {
        c->stall_sig = sig;
        c->stall_since = now;
    } else if (now - c->stall_since > SHBA_SOC_CLK_HZ / 1000u * CARD_STALL_MS) {
        return SCSI_IO_HOST_HW;
    }
    return SCSI_IO_OK;
}

/* Wait until `need` bytes of the command have moved on the ISA side. */
static enum scsi_io wait_moved(struct card *c, uint32_t need)
{
    int reached = 0;
    while (!reached) {
        enum scsi_io e = service(c, need, &reached);
        if (e != SCSI_IO_OK)
            return e;
    }
    return SCSI_IO_OK;
}

/* Called by the SD driver while the engine runs: non-zero stops it. */
static int engine_wait(void *ctx)
{
    struct card *c = ctx;
    int reached;
    c->stop = service(c, c->need, &reached);
    return c->stop != SCSI_IO_OK;
}

static enum scsi_io from_sd(const struct card *c, int err)
{
    switch (err) {
    case SD_OK: return SCSI_IO_OK;
    case SD_ERR_NO_CARD: return SCSI_IO_NO_MEDIUM;
    case SD_ERR_READ_TIMEOUT:
    case SD_ERR_READ_CRC:
    case SD_ERR_READ_TOKEN: return SCSI_IO_READ_ERROR;
    case SD_ERR_WRITE: return SCSI_IO_WRITE_ERROR;
    case SD_ERR_WRITE_PROTECTED: return SCSI_IO_WPROTECT;
    case SD_ERR_ABORTED: return c->stop != SCSI_IO_OK ? c->stop : SCSI_IO_ABORTED;
    default: return SCSI_IO_MEDIUM_HW;
    }
}

void card_init(struct card *c)
{
    sd_dev_defaults(&c->sd);
    c->sd.wait_cb = engine_wait;
    c->sd.wait_ctx = c;
    c->sd_err = sd_init(&c->sd);
    card_hstatus(c, c->sd_err != SD_OK ? SHBA_HOSTIF_HSTATUS_ERROR : 0, 0);
}

/* The file system's sectors.  While mounting (HSTATUS.READY not set yet, so
 * the host starts no command and arms nothing) through the stream engine
 * and the FIFO, the CPU popping the sector: the mount reads a FAT sector per
 * 128 clusters of every image, and this is the fast way.  Later (softhba.log
 * between commands) through the CPU's byte mode, never the FIFO, which a
 * command may claim at any moment (sd_driver.h). */
static int sector_read(void *ctx, uint32_t lba, uint8_t *buf)
{
    struct card *c = ctx;
    if (c->hstatus & SHBA_HOSTIF_HSTATUS_READY)
        return sd_read_block_cpu(&c->sd, lba, buf);
    int (*wait_cb)(void *) = c->sd.wait_cb;
    c->sd.wait_cb = 0;      /* no command: nothing to serve while the engine runs */
    fifo_ctrl(SHBA_FIFO_CTRL_CLEAR | SHBA_FIFO_CTRL_DIR_TO_HOST);
    int err = sd_read_blocks(&c->sd, lba, 1);
    c->sd.wait_cb = wait_cb;
    /* The engine pushes only in the to-host direction and the CPU pops only
     * in the other: turn it, then pop (unrolled: the loop's branch costs as
     * much as a pop). */
    fifo_ctrl(0);
    if (err == SD_OK) {
        for (uint8_t *b = buf; b < buf + FS_SECTOR_BYTES; b += 4) {
            b[0] = (uint8_t)mmio_read32(FIFO(DATA));
            b[1] = (uint8_t)mmio_read32(FIFO(DATA));
            b[2] = (uint8_t)mmio_read32(FIFO(DATA));
            b[3] = (uint8_t)mmio_read32(FIFO(DATA));
        }
    }
    fifo_ctrl(SHBA_FIFO_CTRL_CLEAR | SHBA_FIFO_CTRL_DIR_TO_HOST);
    return err;
}

static int sector_write(void *ctx, uint32_t lba, const uint8_t *buf)
{
    struct card *c = ctx;
    return sd_write_block_cpu(&c->sd, lba, buf);
}

__attribute__((noinline, cold)) unsigned card_mount(struct card *c, fs_log_fn echo)
{
    c->media.echo = echo;
    unsigned n = media_mount(&c->media, sector_read, sector_write, c,
                             c->sd.initialized ? c->sd.blocks : 0u);
    c->mounted_serial = card_serial(c);
    for (unsigned id = 0; id < FS_MAX_TARGETS; id++) {
        c->target[id].card = c;
        c->target[id].t = &c->media.target[id];
        c->target[id].id = (uint8_t)id;
    }
    return n;
}

void card_idle(struct card *c)
{
    /* open too: without a softhba.log the text stays pending for good, and
     * the idle loop, which the host's START waits for, would call the
     * flush on every turn (docs/soc.md) */
    if (c->media.log.dirty && c->media.log.open)
        (void)media_idle(&c->media);
}

uint32_t card_serial(const struct card *c)
{
    const uint8_t *p = &c->sd.cid[9];   /* PSN, CID bits 55:24 */
    return c->sd.initialized ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                               (uint32_t)p[2] << 8 | p[3] : 0u;
}

__attribute__((hot)) void card_begin(struct card *c, uint32_t len, unsigned flags)
{
    int in = (flags & SHBA_HOST_CMD_FLAG_DATA_IN) != 0;
    /* The FIFO rests in the card-to-host direction with nothing in it, so no
     * host data-out could enter it before this point: XFER_DONE counts from 0. */
    mmio_write32(HIF(XFER_DONE), 0);
    c->done = 0;
    fifo_ctrl(SHBA_FIFO_CTRL_CLEAR | (in ? SHBA_FIFO_CTRL_DIR_TO_HOST : 0));
    xfer_begin(&c->xfer, len, in);
    card_hstatus(c, (in ? SHBA_HOSTIF_HSTATUS_DATA_IN : 0) |
                 (len ? SHBA_HOSTIF_HSTATUS_XFER_WAIT : 0), 0);
}

__attribute__((hot)) void card_end(struct card *c)
{
    fifo_ctrl(SHBA_FIFO_CTRL_CLEAR | SHBA_FIFO_CTRL_DIR_TO_HOST);
    card_hstatus(c, 0, SHBA_HOSTIF_HSTATUS_XFER_WAIT | SHBA_HOSTIF_HSTATUS_DATA_IN);
    mmio_write32(HIF(EVENTS), STALE_EVENTS);
}

/* The SCSI layer's failure path (scsi.h): the bytes of the data phase that
 * reached their destination (docs/protocol.md, "Residual").  Data-out: the
 * layer's count, what reached the medium (or the CPU).  Data-in: what
 * reached the host, counted on the bus, not the layer's whole blocks: the
 * bytes of a partly delivered block (an ABORT or a stall in mid-block) and
 * those of a block that failed its CRC after the DMA had taken it are in the
 * host's buffer.  The failed operation has stopped what fed the FIFO (the SD
 * engine, the CPU's pushes); emptying the FIFO and the DMA prefetch ends
 * the data phase, and once a cycle already on the bus has ended XFER_DONE
 * is final.  Only a failure comes here: cold, and placed after all other
 * code (link.ld.S) so that the command path's cache sets stay as they are
 * (docs/soc.md). */
__attribute__((noinline, section(".text_fail.scsi_glue_moved")))
uint32_t scsi_glue_moved(void *ctx, uint32_t moved)
{
    struct card *c = ((const struct card_target *)ctx)->card;
    uint32_t pad_end = c->pad_end;
    c->pad_end = 0;
    if (!c->xfer.dir_in)
        return moved;
    fifo_ctrl(SHBA_FIFO_CTRL_CLEAR | SHBA_FIFO_CTRL_DIR_TO_HOST);
    shba_wait_us(CARD_CYCLE_END_US);
    moved = isa_done(c);
    return pad_end && moved > pad_end ? pad_end : moved;
}

/* ---- struct scsi_ops ---- */

/* Each operation starts its own stall watch: time spent between operations
 * (an SD re-initialisation in medium(), say) is not a stalled data phase. */
static void op_start(struct card *c)
{
    c->stop = SCSI_IO_OK;
    c->stall_sig = ~0u;
}

/* A log line about target id: "target N: what at card sector S: why". */
static void log_fault(struct card *c, unsigned id, const char *what, uint32_t lba, const char *why)
{
    struct fs_line l;
    fs_line_start(&l, "card: target ");
    fs_line_u32(&l, id);
    fs_line_add(&l, what);
    fs_line_u32(&l, lba);
    fs_line_add(&l, ": ");
    fs_line_add(&l, why);
    media_log(&c->media, l.text);
}

/* A card that failed or was pulled: try to initialise it again (a card
 * inserted or fixed since).  The raw card's target follows the card; image
 * targets stay only on the card they were mapped on. */
__attribute__((noinline)) static unsigned medium_retry(struct card *c, const struct card_target *ct,
                                                       uint64_t *blocks)
{
    c->sd_err = sd_init(&c->sd);
    card_hstatus(c, c->sd_err != SD_OK ? SHBA_HOSTIF_HSTATUS_ERROR : 0,
                 c->sd_err == SD_OK ? SHBA_HOSTIF_HSTATUS_ERROR : 0);
    if (!c->sd.initialized)
        return c->sd_err == SD_ERR_NO_CARD ? 0u : SCSI_MEDIUM_PRESENT;
    struct fs_target *t = &c->media.target[ct->id];
    if (c->media.raw) {
        t->blocks = t->extent[0].sectors = c->sd.blocks;
        c->mounted_serial = card_serial(c);
    } else if (card_serial(c) != c->mounted_serial) {
        if (!c->card_changed)
            media_log(&c->media, "card: another SD card was put in: its images are served after a reset");
        c->card_changed = 1;
        c->sd.initialized = 0;   /* checked again on the next command: not ready until a reset */
        return SCSI_MEDIUM_PRESENT;
    }
    *blocks = t->blocks;
    return SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY | (t->read_only ? SCSI_MEDIUM_WPROTECT : 0u);
}

/* A leaf when the card is up: every medium command passes here. */
static unsigned op_medium(void *ctx, uint64_t *blocks)
{
    const struct card_target *ct = ctx;
    struct card *c = ct->card;
    if (!c->sd.initialized)
        return medium_retry(c, ct, blocks);
    const struct fs_target *t = ct->t;
    *blocks = t->blocks;
    return SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY | (t->read_only ? SCSI_MEDIUM_WPROTECT : 0u);
}

static enum scsi_io op_send(void *ctx, const uint8_t *buf, uint32_t len)
{
    struct card *c = ((const struct card_target *)ctx)->card;
    uint32_t base = c->xfer.moved, i = 0, end = len;
    int reached = 0;
    op_start(c);
    while (!reached) {
        uint32_t room = SHBA_FIFO_DEPTH - fifo_level();
        /* A 16-bit channel moves words: an odd last byte with more of the
         * segment armed would wait for a partner forever.  Push a pad byte;
         * it lands in the host's buffer past the data (the residual says so). */
        if (end == len && ((base + len) & 1u) && base + len < c->xfer.data_len &&
            (mmio_read32(HIF(XFER_CTRL)) & SHBA_HOST_XFER_CTRL_WIDTH16))
            end++;
        for (; room != 0 && i < end; room--, i++)
            mmio_write32(FIFO(DATA), i < len ? buf[i] : 0u);
        enum scsi_io e = service(c, base + len, &reached);
        if (e != SCSI_IO_OK) {
            if (end > len)
                c->pad_end = base + len;   /* the pad is no data: scsi_glue_moved() */
            return e;
        }
    }
    c->xfer.moved = base + len;
    return SCSI_IO_OK;
}

static enum scsi_io op_receive(void *ctx, uint8_t *buf, uint32_t len)
{
    struct card *c = ((const struct card_target *)ctx)->card;
    uint32_t base = c->xfer.moved, i = 0;
    int reached;
    op_start(c);
    for (;;) {
        uint32_t have = fifo_level();
        while (have-- != 0 && i < len)
            buf[i++] = (uint8_t)mmio_read32(FIFO(DATA));
        if (i == len)
            break;
        enum scsi_io e = service(c, base + len, &reached);
        if (e != SCSI_IO_OK)
            return e;
    }
    c->xfer.moved = base + len;
    return SCSI_IO_OK;
}

/* media_runs() callbacks: one run of consecutive card sectors through the
 * stream engine (the FIFO is set up by the caller).  The read also inlined
 * into op_read_blocks (one call level less on the READ path). */
__attribute__((always_inline)) static inline int read_sectors(struct card *c, uint32_t lba, uint32_t n,
                                                              uint32_t *done)
{
    c->run_err = sd_read_blocks(&c->sd, lba, n);
    *done = c->sd.blocks_done;
    c->run_lba = lba + *done;
    return c->run_err;
}

static int run_read(void *ctx, uint32_t lba, uint32_t n, uint32_t *done)
{
    return read_sectors(ctx, lba, n, done);
}

__attribute__((hot)) static int run_write(void *ctx, uint32_t lba, uint32_t n, uint32_t *done)
{
    struct card *c = ctx;
    c->run_err = sd_write_blocks(&c->sd, lba, n);
    *done = c->sd.blocks_done;
    c->run_lba = lba + *done;
    return c->run_err;
}

/* What a failed media_runs() ended with, as scsi_io; a medium fault is
 * logged.  Cold: the callers test for success themselves. */
__attribute__((cold)) static enum scsi_io runs_result(struct card *c, const struct card_target *ct, int err, const char *what)
{
    if (err == 0)
        return SCSI_IO_OK;
    if (c->run_err == SD_OK) {
        /* the SCSI layer checked the range: the map refusing it is a bug */
        log_fault(c, ct->id, ": blocks outside the image at card sector ", c->run_lba, fs_err_text(err));
        return SCSI_IO_MEDIUM_HW;
    }
    enum scsi_io e = from_sd(c, c->run_err);
    if (e < SCSI_IO_ABORTED)
        log_fault(c, ct->id, what, c->run_lba, sd_err_name(c->run_err));
    return e;
}

static enum scsi_io op_read_blocks(void *ctx, uint32_t lba, uint32_t count, uint32_t *done)
{
    const struct card_target *ct = ctx;
    struct card *c = ct->card;
    const struct fs_target *t = ct->t;
    uint32_t base = c->xfer.moved, good;
    op_start(c);
    c->need = base + (count << t->block_shift) * SCSI_BLOCK_SIZE;
    c->run_err = SD_OK;
    uint32_t sector, n;
    /* one run: the SD driver straight away (images.h) */
    int err = fs_target_one_run(t, lba, count, &sector, &n) ? read_sectors(c, sector, n, &good)
                                                       : media_runs(t, lba, count, run_read, c, &good);
    enum scsi_io e = err ? runs_result(c, ct, err, ": read failed at card sector ") : SCSI_IO_OK;
    /* Deliver what the card read well before reporting anything. */
    enum scsi_io w = wait_moved(c, base + good * SCSI_BLOCK_SIZE);
    if (e == SCSI_IO_OK)
        e = w;
    *done = xfer_blocks_delivered(isa_done(c), base, good) >> t->block_shift;
    c->xfer.moved = base + (*done << t->block_shift) * SCSI_BLOCK_SIZE;
    return e;
}

static enum scsi_io op_write_blocks(void *ctx, uint32_t lba, uint32_t count, uint32_t *done)
{
    const struct card_target *ct = ctx;
    struct card *c = ct->card;
    const struct fs_target *t = ct->t;
    uint32_t good;
    op_start(c);
    c->need = c->xfer.moved + (count << t->block_shift) * SCSI_BLOCK_SIZE;
    c->run_err = SD_OK;
    uint32_t sector, n;
    int err = fs_target_one_run(t, lba, count, &sector, &n) ? run_write(c, sector, n, &good)
                                                       : media_runs(t, lba, count, run_write, c, &good);
    enum scsi_io e = err ? runs_result(c, ct, err, ": write failed at card sector ") : SCSI_IO_OK;
    *done = good >> t->block_shift;   /* programmed (the driver waited out busy and CMD13) */
    c->xfer.moved += (*done << t->block_shift) * SCSI_BLOCK_SIZE;
    return e;
}

static enum scsi_io op_verify_blocks(void *ctx, uint32_t lba, uint32_t count, uint32_t *done)
{
    const struct card_target *ct = ctx;
    struct card *c = ct->card;
    const struct fs_target *t = ct->t;
    uint32_t good;
    op_start(c);
    c->need = 0;    /* no data phase: the wait only watches ABORT and stalls */
    c->run_err = SD_OK;
    /* With the FIFO turned host-to-card it ignores the engine's pushes: the
     * blocks are read and CRC-checked, and go nowhere. */
    uint32_t ctrl = mmio_read32(FIFO(CTRL));
    fifo_ctrl(0);
    int err = media_runs(t, lba, count, run_read, c, &good);
    enum scsi_io e = err ? runs_result(c, ct, err, ": verify failed at card sector ") : SCSI_IO_OK;
    fifo_ctrl(ctrl & SHBA_FIFO_CTRL_DIR_TO_HOST);
    *done = good >> t->block_shift;
    return e;
}

const struct scsi_ops card_scsi_ops = {
    .medium = op_medium,
    .send = op_send,
    .receive = op_receive,
    .read_blocks = op_read_blocks,
    .write_blocks = op_write_blocks,
    .verify_blocks = op_verify_blocks,
    /* No .read_bytes: the only path for SD data is the FIFO, which carries a
     * VERIFY's data-out at the same time, so BYTCHK=1 is refused
     * (docs/protocol.md, "Limits"). */
};
