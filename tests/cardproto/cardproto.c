/* The host command protocol (docs/protocol.md) on the Verilated full card
 * with the real firmware: this program plays the host through the card's
 * I/O ports, programs the PC's 8237 through its ports, takes the card's IRQ
 * and checks every data byte against the SD card model's backing image.
 *
 *   cardproto NAME          run one test (exit 0 = pass); `cardproto list`
 *   cardproto bench FILE    figures: cmd_overhead_us (warm), cmd_overhead_cold_us,
 *                           iops_512 (flat JSON)
 *
 * Environment: CARDPROTO_FW (firmware image, default build/fw/softhba_fw.hex),
 * CARDPROTO_VERBOSE=1 (card console and notes on stderr), CARDPROTO_WINDOWS=FILE
 * (bench: the core clocks of its warm commands, for replaying a fetch trace
 * taken with SHBA_FETCH_TRACE through the flash cache: sim/flash/fetch_trace_replay.py). */
#include "dma8237_program.h"
#include "softhba_regs.h"
#include "system.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define US 1000000ull
#define MS (1000ull * US)
#define IMG_BLOCKS 8192u            /* 4 MiB image */
#define IRQ_LINE 5
/* What CONFIG must read after power-on with the jumpers of setup(): WIDE16,
 * 16-bit DMA channel 5, 8-bit DMA channel 1, IRQ_LINE */
#define CFG_RESOURCES \
    (SHBA_HOST_CONFIG_WIDE16 | ((unsigned)SHBA_HOST_CONFIG_DMA16_SEL_CODE(5) << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT) | \
     ((unsigned)SHBA_HOST_CONFIG_DMA8_SEL_CODE(1) << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT) | \
     ((unsigned)SHBA_HOST_CONFIG_IRQ_SEL_CODE(IRQ_LINE) << SHBA_HOST_CONFIG_IRQ_SEL_SHIFT))
#define CMD_TIMEOUT_PS (400 * MS)
#define BUF_PHYS 0x100000u          /* host buffers from 1 MiB up */

enum { CH_NONE = -1, CH_PIO8 = -2, CH_PIO16 = -3 };

static struct system machine;       /* PC, card and SD card; no port driver */
static struct pc *pc;
static struct sd_card *sd;
static const uint16_t base = SHBA_HOST_IO_BASE_DEFAULT;
static char img_path[256];
static uint8_t *shadow;             /* what the image must hold */
static int failures;
static int verbose;
static unsigned int_bits;           /* INT_STATUS causes the ISR saw */
static unsigned irq_count;
static uint32_t rng = 0x2468ace1u;

/* DRQ watch (cosim device): time of the latest rise per channel */
static uint64_t drq_rise_ps[8];
static uint8_t drq_prev;

#define CHECK(cond, ...) do { if (!(cond)) fail_at(__LINE__, #cond, __VA_ARGS__); } while (0)

static void fail_at(int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL line %d (%.3f ms): %s: ", line, (double)cosim_now_ps() / 1e9, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures++;
}

static void note(const char *fmt, ...)
{
    if (!verbose)
        return;
    va_list ap;
    fprintf(stderr, "[%9.3f ms] ", (double)cosim_now_ps() / 1e9);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static uint8_t rnd8(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return (uint8_t)(rng >> 7);
}

static uint8_t rd(unsigned off) { return pc_inb(pc, (uint16_t)(base + off)); }
static void wr(unsigned off, uint8_t v) { pc_outb(pc, (uint16_t)(base + off), v); }
static void control(uint8_t bits) { wr(SHBA_HOST_CONTROL, (uint8_t)(bits | SHBA_HOST_CONTROL_INT_ENABLE)); }

/* ---- devices ---- */

/* SPI watch for the overhead breakdown (verbose bench): the bytes the card
 * sends to the SD card, with the time of their last bit. */
#define SPI_LOG_MAX 64
static struct { uint64_t ps; uint8_t mosi, miso; } spi_log[SPI_LOG_MAX];
static unsigned spi_log_n, spi_bits;
static uint8_t spi_mosi, spi_miso, sck_prev;
static int spi_logging;

static void drq_watch(void *ctx, uint64_t now_ps)
{
    (void)ctx;
    struct card_pins *p = cosim_pins();
    if (spi_logging && p->sd_sck && !sck_prev && !p->sd_cs_n) {
        spi_mosi = (uint8_t)(spi_mosi << 1 | (p->sd_mosi & 1));
        spi_miso = (uint8_t)(spi_miso << 1 | (p->sd_miso & 1));
        if (++spi_bits == 8) {
            spi_bits = 0;
            if (spi_log_n < SPI_LOG_MAX) {
                spi_log[spi_log_n].ps = now_ps;
                spi_log[spi_log_n].mosi = spi_mosi;
                spi_log[spi_log_n].miso = spi_miso;
                spi_log_n++;
            }
        }
    }
    sck_prev = p->sd_sck;
    uint8_t d = (uint8_t)(p->isa_drq & p->isa_drq_oe);
    uint8_t rise = (uint8_t)(d & ~drq_prev);
    /* the first rise since the bench cleared it (DRQ may drop and rise
     * again during the transfer: FIFO empty, bus-off) */
    for (int ch = 0; rise; ch++, rise >>= 1)
        if ((rise & 1u) && drq_rise_ps[ch] == 0)
            drq_rise_ps[ch] = now_ps;
    drq_prev = d;
}

static void isr(void *ctx, int irq)
{
    (void)ctx;
    (void)irq;
    uint8_t st = rd(SHBA_HOST_INT_STATUS);
    if (st)
        wr(SHBA_HOST_INT_STATUS, st);
    int_bits |= st;
    irq_count++;
}

/* ---- set-up ---- */

static void write_image(void)
{
    size_t n = (size_t)IMG_BLOCKS * 512u;
    shadow = malloc(n);
    if (!shadow)
        exit(2);
    for (size_t i = 0; i < n; i++)
        shadow[i] = rnd8();
    FILE *f = fopen(img_path, "wb");
    if (!f || fwrite(shadow, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", img_path, strerror(errno));
        exit(2);
    }
}

/* The whole image file against the shadow copy; returns the bad bytes. */
static size_t compare_image(void)
{
    size_t n = (size_t)IMG_BLOCKS * 512u, bad = 0;
    uint8_t *buf = malloc(n);
    int fd = open(img_path, O_RDONLY);
    if (!buf || fd < 0 || pread(fd, buf, n, 0) != (ssize_t)n) {
        fprintf(stderr, "cannot read %s\n", img_path);
        exit(2);
    }
    close(fd);
    for (size_t i = 0; i < n; i++)
        if (buf[i] != shadow[i] && bad++ < 4)
            fprintf(stderr, "  image byte %zu (block %zu): 0x%02x, expected 0x%02x\n",
                    i, i / 512, buf[i], shadow[i]);
    free(buf);
    return bad;
}

static int wait_int(unsigned mask, uint64_t limit_ps)
{
    uint64_t end = cosim_now_ps() + limit_ps;
    while (!(int_bits & mask)) {
        if (cosim_now_ps() >= end || cosim_timed_out())
            return -1;
        pc_idle_ps(pc, 1 * US);
    }
    return 0;
}

/* Power-on on a fresh image of random blocks: the card at the default base
 * in a 16-bit slot, IRQ 5, 8-bit DMA channel 1 and 16-bit channel 5; the
 * test takes the card's IRQ itself. */
static void setup(const char *name)
{
    mkdir("build", 0777);
    mkdir("build/cardproto", 0777);
    /* One image per process: tests/card/stack_peak.sh runs the same tests
     * while the suite runs them, in parallel. */
    snprintf(img_path, sizeof img_path, "build/cardproto/%s.%ld.img", name, (long)getpid());
    write_image();
    struct system_config cfg = { 0 };
    cfg.name = "cardproto";
    cfg.firmware_hex = getenv("CARDPROTO_FW") ? getenv("CARDPROTO_FW") : "build/fw/softhba_fw.hex";
    cfg.max_cycles = 40ull * SHBA_SOC_CLK_HZ;   /* 40 simulated seconds: a hang fails, never blocks */
    cfg.jumpers = (struct system_jumpers){ .io_base = base, .irq = IRQ_LINE, .dma8 = 1, .dma16 = 5,
                                           .wide16 = 1 };
    cfg.console_echo = verbose ? stderr : NULL;
    cfg.disk_image = img_path;
    cfg.sync_writes = 0;    /* the test reads the file back through the page cache */
    if (system_up(&cfg, &machine) != SYSTEM_UP)
        exit(2);
    pc = machine.pc;
    sd = machine.sd;
    cosim_add_device(drq_watch, NULL);
    pc_set_isr(pc, IRQ_LINE, isr, NULL);
    pc_irq_mask(pc, IRQ_LINE, 0);
    pc_interrupts_enable(pc, 1);
}

static void teardown(void)
{
    /* CARDPROTO_CONSOLE=FILE: append the card's console to FILE (the stack
     * measurement, tests/card/stack_peak.sh, reads it). */
    const char *cpath = getenv("CARDPROTO_CONSOLE");
    if (cpath && *cpath) {
        pc_idle_ps(pc, 5 * MS);     /* let the last console line out */
        size_t len;
        const char *text = uart_sink_text(machine.console, &len);
        FILE *f = fopen(cpath, "a");
        if (!f || (len && fwrite(text, 1, len, f) != len) || fclose(f) != 0)
            fprintf(stderr, "cannot write %s\n", cpath);
    }
    system_down(&machine);
    free(shadow);
    unlink(img_path);
}

static int boot(void)
{
    uint64_t end = cosim_now_ps() + 200 * MS;
    /* While the card is in reset nothing drives the bus: reads float to 0xFF. */
    for (;;) {
        uint8_t st = rd(SHBA_HOST_INT_STATUS);
        if (st != 0xFF && (st & SHBA_HOST_INT_STATUS_RESET_DONE))
            break;
        if (cosim_now_ps() >= end)
            return -1;
        pc_idle_ps(pc, 20 * US);
    }
    note("RESET_DONE");
    wr(SHBA_HOST_INT_STATUS, SHBA_HOST_INT_STATUS_RESET_DONE);
    control(0);
    return 0;
}

/* ---- the host side of one command ---- */

struct cmd {
    uint8_t cdb[16];
    uint8_t cdb_len;
    uint8_t flags;            /* CMD_FLAG_* */
    uint8_t target;
    uint32_t data_len;
    int ch;                   /* 1, 5 (DMA), CH_PIO8, CH_PIO16, CH_NONE */
    int dma_mode;             /* DMA_MODE_DEMAND or DMA_MODE_SINGLE */
    uint32_t phys;            /* host buffer */
    uint32_t seg_max;         /* largest segment to arm (0: the data length) */
    uint32_t abort_after;     /* CONTROL.ABORT once this many bytes moved (0: never) */
    int abort_at_end;         /* CONTROL.ABORT abort_end_us after the data phase ended ... */
    uint32_t abort_end_us;    /* ... (STATUS.DATA_IN fell), even after CMD_DONE */
    uint32_t reset_after;     /* CONTROL.RESET once this many bytes moved (0: never) */
    uint32_t stall_after;     /* stop moving data (8237 channel masked, no more PIO)
                               * once this many bytes moved (0: never) */
    uint64_t timeout_ps;      /* no CMD_DONE within this: timed out (0: CMD_TIMEOUT_PS) */
    int no_arm;               /* do not arm anything */
    int arm_flip;             /* arm the segment in the other direction than the flags */
    uint32_t arm_extra;       /* arm this many bytes more than the data length */
};

struct result {
    uint8_t scsi, hs;
    uint32_t resid;
    uint8_t sense_len;
    uint8_t sense[SHBA_HOST_RES_SENSE_MAX];
    unsigned segments;        /* segments armed */
    unsigned tc_ends;         /* segments the 8237's TC ended early */
    uint64_t start_ps;        /* end of the START write */
    uint64_t done_ps;         /* CMD_DONE seen */
    int timed_out;
    int reset;                /* ended by the reset (no result) */
    uint32_t host_bytes;      /* bytes that reached the host (data-in) or the card
                               * (data-out), as the PC saw them: DMA, the bytes the
                               * card's data moved (pc_stats.dma_card_bytes); PIO,
                               * the DATA port accesses made while PIO_READY */
    int abort_busy;           /* abort_at_end: STATUS.BUSY just before the ABORT write */
};

static void dma_program(int ch, int mode, int to_memory, uint32_t phys, uint32_t n)
{
    uint8_t m = (uint8_t)(mode | (to_memory ? DMA_MODE_TO_MEMORY : DMA_MODE_FROM_MEMORY));
    CHECK(dma8237_program(pc, ch, m, phys, n) == 0, "8237 channel %d cannot move %u bytes", ch, n);
}

static uint32_t xfer_count(void)
{
    return rd(SHBA_HOST_XFER_COUNT0) | (uint32_t)rd(SHBA_HOST_XFER_COUNT1) << 8 |
           (uint32_t)rd(SHBA_HOST_XFER_COUNT2) << 16;
}

/* HwDmaStarted for the segment at `off`: the 8237 runs up to the end of its
 * DMA page (64 KiB, 128 KiB for 16-bit channels); the card is armed for the
 * whole segment, so a page boundary ends it early by TC and the card asks
 * for the rest. */
static uint32_t arm_segment(const struct cmd *c, uint32_t off)
{
    uint32_t n = c->data_len - off;
    if (c->seg_max && n > c->seg_max)
        n = c->seg_max;
    n += c->arm_extra;
    int in = ((c->flags & SHBA_HOST_CMD_FLAG_DATA_IN) != 0) ^ (c->arm_flip != 0);
    uint8_t ctrl = (uint8_t)(SHBA_HOST_XFER_CTRL_ARM | (in ? SHBA_HOST_XFER_CTRL_DIR_TO_HOST : 0));
    if (c->ch >= 0) {
        uint32_t phys = c->phys + off, page = c->ch < 4 ? 0x10000u : 0x20000u;
        uint32_t dn = n, to_page = page - (phys & (page - 1));
        if (dn > to_page)
            dn = to_page;
        dma_program(c->ch, c->dma_mode, in, phys, dn);
        if (c->ch >= 4)
            ctrl |= SHBA_HOST_XFER_CTRL_WIDTH16;
    } else {
        ctrl |= SHBA_HOST_XFER_CTRL_PIO;
    }
    wr(SHBA_HOST_XFER_COUNT0, (uint8_t)n);
    wr(SHBA_HOST_XFER_COUNT1, (uint8_t)(n >> 8));
    wr(SHBA_HOST_XFER_COUNT2, (uint8_t)(n >> 16));
    wr(SHBA_HOST_XFER_CTRL, ctrl);
    return n;
}

static void read_result(struct result *r)
{
    r->scsi = rd(SHBA_HOST_RESULT);
    r->hs = rd(SHBA_HOST_RESULT);
    r->resid = 0;
    for (int i = 0; i < 4; i++)
        r->resid |= (uint32_t)rd(SHBA_HOST_RESULT) << (8 * i);
    r->sense_len = rd(SHBA_HOST_RESULT);
    for (unsigned i = 0; i < r->sense_len && i < sizeof r->sense; i++)
        r->sense[i] = rd(SHBA_HOST_RESULT);
}

static uint32_t dma_moved(int ch)
{
    struct pc_stats s;
    pc_get_stats(pc, &s);
    return (uint32_t)s.dma_bytes[ch];
}

static uint32_t dma_card_moved(int ch)
{
    struct pc_stats s;
    pc_get_stats(pc, &s);
    return (uint32_t)s.dma_card_bytes[ch];
}

/* Run one command; the data phase moves host memory at c->phys. */
static void run(const struct cmd *c, struct result *r)
{
    memset(r, 0, sizeof *r);
    uint8_t block[SHBA_HOST_CMD_BLOCK_LEN] = { 0 };
    block[SHBA_HOST_CMD_TARGET] = c->target;
    block[SHBA_HOST_CMD_CDB_LEN] = c->cdb_len;
    block[SHBA_HOST_CMD_FLAGS] = c->flags;
    for (int i = 0; i < 4; i++)
        block[SHBA_HOST_CMD_DATA_LEN + i] = (uint8_t)(c->data_len >> (8 * i));
    memcpy(block + SHBA_HOST_CMD_CDB, c->cdb, sizeof c->cdb);

    CHECK((rd(SHBA_HOST_STATUS) & (SHBA_HOST_STATUS_BUSY | SHBA_HOST_STATUS_READY)) ==
          SHBA_HOST_STATUS_READY, "card not ready for a command");
    int_bits = 0;
    control(SHBA_HOST_CONTROL_CMD_PTR_RESET);
    for (unsigned i = 0; i < sizeof block; i++)
        wr(SHBA_HOST_COMMAND, block[i]);
    control(SHBA_HOST_CONTROL_START);
    r->start_ps = cosim_now_ps();

    uint32_t off = 0, armed = 0;
    int pio = c->ch == CH_PIO8 || c->ch == CH_PIO16;
    int in = (c->flags & SHBA_HOST_CMD_FLAG_DATA_IN) != 0;
    uint8_t *mem = pc_memory(pc);
    uint32_t pio_pos = 0, card_before = c->ch >= 0 ? dma_card_moved(c->ch) : 0;
    if (c->data_len && c->ch != CH_NONE && !c->no_arm) {
        armed = arm_segment(c, off);
        r->segments++;
        if (spi_logging && verbose)
            note("  +%7.2f us  armed", (double)(cosim_now_ps() - r->start_ps) / 1e6);
    }
    int stopped = 0;
    uint8_t last_status = 0;
    uint64_t end = cosim_now_ps() + (c->timeout_ps ? c->timeout_ps : CMD_TIMEOUT_PS);
    /* abort_at_end: card_end() clears HSTATUS.DATA_IN just before the
     * firmware's last clear of EVENTS, the result and POST.CMD_DONE, so its
     * fall is a marker the host can time an ABORT from, to the microsecond. */
    int seen_in = 0;
    uint64_t abort_ps = 0;
    for (;;) {
        if (c->abort_at_end && !stopped) {
            uint8_t st = rd(SHBA_HOST_STATUS);
            if (st & SHBA_HOST_STATUS_DATA_IN)
                seen_in = 1;
            else if (seen_in && !abort_ps)
                abort_ps = cosim_now_ps() + c->abort_end_us * US;
            if (abort_ps && cosim_now_ps() >= abort_ps) {
                r->abort_busy = (st & SHBA_HOST_STATUS_BUSY) != 0;
                control(SHBA_HOST_CONTROL_ABORT);
                stopped = 1;
            }
        }
        if (int_bits & SHBA_HOST_INT_STATUS_CMD_DONE)
            break;
        if (cosim_now_ps() >= end || cosim_timed_out()) {
            r->timed_out = 1;
            break;
        }
        if (c->reset_after && !stopped && c->ch >= 0 && dma_moved(c->ch) >= c->reset_after) {
            note("CONTROL.RESET after %u bytes", dma_moved(c->ch));
            control(SHBA_HOST_CONTROL_RESET);
            dma8237_mask(pc, c->ch);
            r->reset = 1;
            return;
        }
        uint32_t so_far = c->ch >= 0 ? dma_moved(c->ch) : pio_pos;
        if (c->abort_after && !stopped && so_far >= c->abort_after) {
            note("CONTROL.ABORT after %u bytes", so_far);
            control(SHBA_HOST_CONTROL_ABORT);
            stopped = 1;
        }
        if (c->stall_after && !stopped && so_far >= c->stall_after) {
            note("the host stops moving data after %u bytes", so_far);
            if (c->ch >= 0)
                dma8237_mask(pc, c->ch);
            stopped = 1;
        }
        if (int_bits & SHBA_HOST_INT_STATUS_SEG_DONE) {
            int_bits &= ~SHBA_HOST_INT_STATUS_SEG_DONE;
            uint32_t left = xfer_count();
            if (rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_TC_END)
                r->tc_ends++;
            CHECK(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_XFER_WAIT, "SEG_DONE without XFER_WAIT");
            CHECK(left <= armed, "XFER_COUNT %u after a segment of %u", left, armed);
            off += armed - left;
            note("SEG_DONE: %u left of %u, next at %u", left, armed, off);
            CHECK(off < c->data_len, "SEG_DONE with the whole data length moved");
            if (off >= c->data_len || stopped)
                continue;
            armed = arm_segment(c, off);
            r->segments++;
            continue;
        }
        if (pio && !stopped) {
            uint8_t st = rd(SHBA_HOST_STATUS);
            if (st & SHBA_HOST_STATUS_PIO_READY) {
                if (c->ch == CH_PIO16 && c->data_len - pio_pos >= 2) {
                    if (in) {
                        uint16_t w = pc_inw(pc, (uint16_t)(base + SHBA_HOST_DATA));
                        mem[c->phys + pio_pos] = (uint8_t)w;
                        mem[c->phys + pio_pos + 1] = (uint8_t)(w >> 8);
                    } else {
                        pc_outw(pc, (uint16_t)(base + SHBA_HOST_DATA),
                                (uint16_t)(mem[c->phys + pio_pos] | mem[c->phys + pio_pos + 1] << 8));
                    }
                    pio_pos += 2;
                } else {
                    if (in)
                        mem[c->phys + pio_pos] = rd(SHBA_HOST_DATA);
                    else
                        wr(SHBA_HOST_DATA, mem[c->phys + pio_pos]);
                    pio_pos++;
                }
                continue;
            }
        }
        if (spi_logging && verbose) {   /* overhead breakdown: STATUS changes as the firmware goes */
            uint8_t st = rd(SHBA_HOST_STATUS);
            if (st != last_status)
                note("  +%7.2f us  STATUS %02x", (double)(cosim_now_ps() - r->start_ps) / 1e6, st);
            last_status = st;
            continue;
        }
        pc_idle_ps(pc, 1 * US);
    }
    r->done_ps = cosim_now_ps();
    dma8237_mask(pc, c->ch);
    r->host_bytes = c->ch >= 0 ? dma_card_moved(c->ch) - card_before : pio_pos;
    if (r->timed_out) {
        fprintf(stderr, "  command 0x%02x: no CMD_DONE (STATUS 0x%02x)\n", c->cdb[0], rd(SHBA_HOST_STATUS));
        return;
    }
    CHECK(!(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY), "BUSY after CMD_DONE");
    if (c->abort_at_end && !stopped) {
        /* The ABORT comes after the card posted the result, before the host
         * reads it: a miniport whose ABORT_COMMAND ran while the CMD_DONE
         * interrupt was pending. */
        CHECK(seen_in, "STATUS.DATA_IN never seen during the command");
        if (!abort_ps)
            abort_ps = cosim_now_ps() + c->abort_end_us * US;
        if (abort_ps > cosim_now_ps())
            pc_idle_ps(pc, abort_ps - cosim_now_ps());
        r->abort_busy = (rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY) != 0;
        control(SHBA_HOST_CONTROL_ABORT);
    }
    read_result(r);
    note("cmd 0x%02x: status 0x%02x hs %u resid %u sense %u %x/%02x/%02x, %u segments",
         c->cdb[0], r->scsi, r->hs, r->resid, r->sense_len, r->sense[2] & 0xF, r->sense[12], r->sense[13],
         r->segments);
}

/* ---- command builders ---- */

static struct cmd cmd_plain(uint8_t op, uint8_t cdb_len)
{
    struct cmd c;
    memset(&c, 0, sizeof c);
    c.cdb[0] = op;
    c.cdb_len = cdb_len;
    c.ch = CH_NONE;
    c.phys = BUF_PHYS;
    return c;
}

static struct cmd cmd_rw10(int write, uint32_t lba, uint16_t blocks, int ch)
{
    struct cmd c = cmd_plain(write ? 0x2A : 0x28, 10);
    c.cdb[2] = (uint8_t)(lba >> 24);
    c.cdb[3] = (uint8_t)(lba >> 16);
    c.cdb[4] = (uint8_t)(lba >> 8);
    c.cdb[5] = (uint8_t)lba;
    c.cdb[7] = (uint8_t)(blocks >> 8);
    c.cdb[8] = (uint8_t)blocks;
    c.flags = write ? SHBA_HOST_CMD_FLAG_DATA_OUT : SHBA_HOST_CMD_FLAG_DATA_IN;
    c.data_len = (uint32_t)blocks * 512u;
    c.ch = ch;
    return c;
}

static void expect_good(const struct result *r, uint32_t resid, const char *what)
{
    CHECK(!r->timed_out && r->scsi == 0 && r->hs == SHBA_HOST_HS_OK && r->resid == resid &&
          r->sense_len == 0, "%s: status 0x%02x hs %u resid %u (expected %u) sense %u",
          what, r->scsi, r->hs, r->resid, resid, r->sense_len);
}

static void expect_sense(const struct result *r, unsigned key, unsigned asc, int ascq, const char *what)
{
    CHECK(!r->timed_out && r->scsi == 0x02 && r->hs == SHBA_HOST_HS_OK && r->sense_len == 18 &&
          (r->sense[0] & 0x7F) == 0x70 && (r->sense[2] & 0xF) == key && r->sense[12] == asc &&
          (ascq < 0 || r->sense[13] == ascq),
          "%s: status 0x%02x hs %u sense %u: %x/%02x/%02x, expected %x/%02x/%02x", what, r->scsi, r->hs,
          r->sense_len, r->sense[2] & 0xF, r->sense[12], r->sense[13], key, asc, ascq < 0 ? 0 : ascq);
}

static uint32_t sense_info(const struct result *r)
{
    return (uint32_t)r->sense[3] << 24 | (uint32_t)r->sense[4] << 16 | (uint32_t)r->sense[5] << 8 |
           r->sense[6];
}

/* The first medium command after a reset reports it (6/29/00). */
static void clear_unit_attention(void)
{
    struct cmd c = cmd_plain(0x00, 6);
    struct result r;
    run(&c, &r);
    expect_sense(&r, 0x6, 0x29, 0x00, "TEST UNIT READY after reset");
    run(&c, &r);
    expect_good(&r, 0, "TEST UNIT READY");
}

/* READ(10) into host memory, compared with the image. */
static void read_check(uint32_t lba, uint16_t blocks, int ch, int mode, uint32_t phys, uint32_t seg_max,
                       struct result *r)
{
    struct cmd c = cmd_rw10(0, lba, blocks, ch);
    c.dma_mode = mode;
    c.phys = phys;
    c.seg_max = seg_max;
    uint32_t n = c.data_len;
    uint8_t *mem = pc_memory(pc);
    memset(mem + phys, 0xA5, n);
    run(&c, r);
    expect_good(r, 0, "READ(10)");
    size_t bad = 0;
    for (uint32_t i = 0; i < n; i++)
        if (mem[phys + i] != shadow[(size_t)lba * 512u + i] && bad++ < 4)
            fprintf(stderr, "  read byte %u: 0x%02x, expected 0x%02x\n", i, mem[phys + i],
                    shadow[(size_t)lba * 512u + i]);
    CHECK(bad == 0, "READ(10) lba %u x%u ch %d: %zu of %u bytes wrong", lba, blocks, ch, bad, n);
}

/* WRITE(10) of random data, then the file must hold it (and nothing else changed). */
static void write_check(uint32_t lba, uint16_t blocks, int ch, int mode, uint32_t phys, uint32_t seg_max,
                        struct result *r)
{
    struct cmd c = cmd_rw10(1, lba, blocks, ch);
    c.dma_mode = mode;
    c.phys = phys;
    c.seg_max = seg_max;
    uint8_t *mem = pc_memory(pc);
    for (uint32_t i = 0; i < c.data_len; i++)
        mem[phys + i] = rnd8();
    run(&c, r);
    expect_good(r, 0, "WRITE(10)");
    if (!r->timed_out && r->scsi == 0 && r->hs == 0)
        memcpy(shadow + (size_t)lba * 512u, mem + phys, c.data_len);
    CHECK(compare_image() == 0, "image after WRITE(10) lba %u x%u ch %d", lba, blocks, ch);
}

/* ---------------- tests ---------------- */

static void t_boot(void)
{
    uint8_t st = rd(SHBA_HOST_STATUS);
    CHECK(st & SHBA_HOST_STATUS_READY, "STATUS 0x%02x lacks READY", st);
    CHECK(!(st & (SHBA_HOST_STATUS_BUSY | SHBA_HOST_STATUS_ERROR)), "STATUS 0x%02x", st);
    CHECK(st & SHBA_HOST_STATUS_INT_ENABLED, "INT_ENABLE did not take (STATUS 0x%02x)", st);
    wr(SHBA_HOST_ID_RESET, 0);
    uint8_t id[2 * SHBA_HOST_ID_LEN];
    for (unsigned i = 0; i < sizeof id; i++)
        id[i] = rd(SHBA_HOST_ID);
    CHECK(id[0] == SHBA_HOST_ID_SIG0 && id[1] == SHBA_HOST_ID_SIG1 && id[2] == SHBA_HOST_ID_SIG2 &&
          id[3] == SHBA_HOST_ID_SIG3, "ID signature %02x %02x %02x %02x", id[0], id[1], id[2], id[3]);
    CHECK(id[4] == 1 && id[5] == 0, "firmware version %u.%u", id[4], id[5]);
    CHECK(id[6] == SHBA_HOST_RTL_VERSION_MAJOR && id[7] == SHBA_HOST_RTL_VERSION_MINOR,
          "RTL version %u.%u", id[6], id[7]);
    CHECK(memcmp(id, id + SHBA_HOST_ID_LEN, SHBA_HOST_ID_LEN) == 0, "ID sequence does not repeat");
    CHECK(rd(SHBA_HOST_CONFIG) == CFG_RESOURCES, "CONFIG 0x%02x", rd(SHBA_HOST_CONFIG));
    /* the console line says the SD card was found with the image's size */
    size_t len;
    const char *text = uart_sink_text(machine.console, &len);
    char want[64];
    snprintf(want, sizeof want, "blocks %08x", IMG_BLOCKS);
    CHECK(text && strstr(text, "softhba fw") && strstr(text, want), "console: %.*s", (int)len, text ? text : "");
    unsigned before = irq_count;
    clear_unit_attention();
    CHECK(irq_count >= before + 2, "no IRQ per command (%u)", irq_count - before);
}

static void t_inquiry(void)
{
    struct cmd c = cmd_plain(0x12, 6);
    c.cdb[4] = 96;
    c.flags = SHBA_HOST_CMD_FLAG_DATA_IN;
    c.data_len = 255;   /* underrun: the buffer is larger than the allocation length */
    c.ch = 1;
    uint8_t *mem = pc_memory(pc) + c.phys;
    memset(mem, 0xEE, 256);
    struct result r;
    run(&c, &r);
    unsigned n = 5u + mem[4];
    expect_good(&r, 255 - (n < 96 ? n : 96), "INQUIRY");
    CHECK(mem[0] == 0x00 && (mem[2] >= 4) && (mem[3] & 0x0F) == 2, "peripheral/version/format %02x %02x %02x",
          mem[0], mem[2], mem[3]);
    CHECK(n >= 36, "additional length %u", mem[4]);
    CHECK(memcmp(mem + 8, "SOFTHBA ", 8) == 0, "vendor '%.8s'", (const char *)mem + 8);
    CHECK(mem[n < 96 ? n : 96] == 0xEE, "INQUIRY wrote past its data");
    /* 16-bit DMA and the EVPD page list too: 7 bytes into a 64-byte buffer,
     * an odd count with more of the segment armed (the firmware pads the last
     * word, else the channel waits for a partner byte forever) */
    struct cmd v = cmd_plain(0x12, 6);
    v.cdb[1] = 1;
    v.cdb[4] = 64;
    v.flags = SHBA_HOST_CMD_FLAG_DATA_IN;
    v.data_len = 64;
    v.ch = 5;
    memset(mem, 0xEE, 64);
    run(&v, &r);
    expect_good(&r, 64u - (4u + mem[3]), "INQUIRY VPD 0");
    CHECK(mem[1] == 0x00 && mem[3] >= 3 && memchr(mem + 4, 0x80, mem[3]) && memchr(mem + 4, 0x83, mem[3]),
          "VPD page list");
}

static void t_capacity(void)
{
    clear_unit_attention();
    struct cmd c = cmd_plain(0x25, 10);
    c.flags = SHBA_HOST_CMD_FLAG_DATA_IN;
    c.data_len = 8;
    c.ch = CH_PIO8;
    uint8_t *mem = pc_memory(pc) + c.phys;
    struct result r;
    run(&c, &r);
    expect_good(&r, 0, "READ CAPACITY");
    uint32_t last = (uint32_t)mem[0] << 24 | (uint32_t)mem[1] << 16 | (uint32_t)mem[2] << 8 | mem[3];
    uint32_t bl = (uint32_t)mem[4] << 24 | (uint32_t)mem[5] << 16 | (uint32_t)mem[6] << 8 | mem[7];
    CHECK(last == IMG_BLOCKS - 1 && bl == 512, "capacity: last LBA %u, block %u", last, bl);
    CHECK(sd_card_capacity_blocks(sd) == IMG_BLOCKS, "model capacity");
    /* a read of the last block works, one past it is refused */
    read_check(IMG_BLOCKS - 1, 1, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
    struct cmd o = cmd_rw10(0, IMG_BLOCKS - 1, 2, 1);
    run(&o, &r);
    expect_sense(&r, 0x5, 0x21, 0x00, "READ past the end");
}

static void t_rw(int ch, int mode)
{
    clear_unit_attention();
    struct result r;
    read_check(0, 1, ch, mode, BUF_PHYS, 0, &r);
    read_check(1000, 16, ch, mode, BUF_PHYS, 0, &r);
    CHECK(r.segments == 1, "one segment expected (%u)", r.segments);
    write_check(2000, 9, ch, mode, BUF_PHYS + 0x4000, 0, &r);
    write_check(5, 1, ch, mode, BUF_PHYS, 0, &r);
    /* what was written reads back */
    read_check(1998, 12, ch, mode, BUF_PHYS + 0x8000, 0, &r);
}

static void t_pio(void)
{
    clear_unit_attention();
    struct result r;
    read_check(300, 3, CH_PIO8, 0, BUF_PHYS, 0, &r);
    read_check(303, 2, CH_PIO16, 0, BUF_PHYS, 0, &r);
    write_check(400, 2, CH_PIO8, 0, BUF_PHYS, 0, &r);
    write_check(402, 3, CH_PIO16, 0, BUF_PHYS, 0, &r);
    read_check(399, 7, CH_PIO16, 0, BUF_PHYS, 0, &r);
}

static void t_multiseg(void)
{
    clear_unit_attention();
    struct result r;
    /* 64 KiB in four 16 KiB segments, both directions, both widths */
    read_check(1024, 128, 1, DMA_MODE_DEMAND, BUF_PHYS, 16384, &r);
    CHECK(r.segments == 4 && r.tc_ends == 0, "read: %u segments, %u TC ends", r.segments, r.tc_ends);
    write_check(3000, 128, 5, DMA_MODE_DEMAND, BUF_PHYS, 16384, &r);
    CHECK(r.segments == 4 && r.tc_ends == 0, "write: %u segments, %u TC ends", r.segments, r.tc_ends);
    /* a 64 KiB page boundary 1 KiB into a 4 KiB buffer: TC ends the first segment */
    read_check(50, 8, 1, DMA_MODE_DEMAND, 0x2FC00, 0, &r);
    CHECK(r.segments == 2 && r.tc_ends == 1, "page cut read: %u segments, %u TC ends", r.segments, r.tc_ends);
    write_check(60, 8, 1, DMA_MODE_SINGLE, 0x3FE00, 0, &r);
    CHECK(r.segments == 2 && r.tc_ends == 1, "page cut write: %u segments, %u TC ends", r.segments, r.tc_ends);
    /* a 128 KiB page on channel 5, with odd-sized (but even) segments */
    read_check(70, 10, 5, DMA_MODE_DEMAND, 0x5FA00, 1024, &r);
    CHECK(r.tc_ends == 1, "ch5 page cut read: %u segments, %u TC ends", r.segments, r.tc_ends);
}

static void t_abort(void)
{
    clear_unit_attention();
    struct result r;
    /* a read: 64 KiB, abort after 8 KiB reached the host */
    /* Single mode: in demand mode the 8237 keeps the bus as long as the card
     * keeps DRQ up, and the host's ABORT write would wait for the whole
     * segment. */
    struct cmd c = cmd_rw10(0, 100, 128, 1);
    c.dma_mode = DMA_MODE_SINGLE;
    c.abort_after = 8192;
    pc_reset_stats(pc);
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_ABORTED && r.scsi == 0 && r.sense_len == 0,
          "aborted read: status 0x%02x hs %u", r.scsi, r.hs);
    CHECK(r.resid >= c.data_len / 2 && r.resid <= c.data_len - 8192, "aborted read residual %u", r.resid);
    CHECK(dma_moved(1) < c.data_len / 2, "the 8237 moved %u bytes after the abort", dma_moved(1));
    note("abort: residual %u", r.resid);
    read_check(7, 2, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
    /* a write: blocks before the abort may be written, the rest not */
    struct cmd w = cmd_rw10(1, 500, 64, 5);
    uint8_t *mem = pc_memory(pc);
    for (uint32_t i = 0; i < w.data_len; i++)
        mem[w.phys + i] = rnd8();
    w.dma_mode = DMA_MODE_SINGLE;
    w.abort_after = 4096;
    pc_reset_stats(pc);
    run(&w, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_ABORTED, "aborted write: status 0x%02x hs %u", r.scsi, r.hs);
    /* whole blocks reached the medium up to some point, none after it */
    uint32_t written = 0;
    int fd = open(img_path, O_RDONLY);
    uint8_t blk[512];
    for (uint32_t b = 0; b < 64; b++) {
        CHECK(pread(fd, blk, 512, (off_t)(500 + b) * 512) == 512, "pread");
        if (memcmp(blk, mem + w.phys + b * 512u, 512) == 0 && written == b)
            written++;
    }
    close(fd);
    memcpy(shadow + 500u * 512u, mem + w.phys, written * 512u);
    CHECK(compare_image() == 0, "image after an aborted write (%u blocks written)", written);
    /* what the card reports moved is on the medium; a block whose programming
     * the abort overtook may be there too */
    CHECK(written * 512u >= w.data_len - r.resid && written < 64, "%u blocks written, residual %u", written,
          r.resid);
    note("abort: %u blocks written, residual %u", written, r.resid);
    write_check(510, 2, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}

/* A late CONTROL.ABORT against the command's completion (docs/protocol.md,
 * "ABORT and completion"): a one-block READ(10), then an ABORT d us after its
 * data phase ended (STATUS.DATA_IN fell), from before the firmware's last look
 * at EVENTS to well after BUSY fell, each followed at once by a fresh
 * READ(10).  The aborted command may end GOOD or HS_ABORTED; the next one
 * must be GOOD with the right data.  Run on build/fw/softhba_fw_late.hex too,
 * whose command loop looks at EVENTS only every 200 us (CARD_LATE_LOOK_US),
 * which widens the window of the race that once made e2e-srb-soak's READ
 * after an abort come back ABORTED. */
static void t_abort_race(void)
{
    clear_unit_attention();
    struct result r;
    uint8_t *mem = pc_memory(pc);
    unsigned n = 0, n_busy = 0, n_aborted = 0, next_bad = 0;
    uint32_t lba = 3000;
    /* 1 us steps through the end of the command, coarser after it */
    for (uint32_t d = 0; d <= 260; d += d < 40 ? 1 : 5, n++) {
        struct cmd c = cmd_rw10(0, lba, 1, 1);
        c.abort_at_end = 1;
        c.abort_end_us = d;
        memset(mem + c.phys, 0xA5, 512);
        run(&c, &r);
        CHECK(!r.timed_out && r.scsi == 0 && r.sense_len == 0 &&
              (r.hs == SHBA_HOST_HS_OK || r.hs == SHBA_HOST_HS_ABORTED),
              "ABORT %u us after the data: status 0x%02x hs %u", d, r.scsi, r.hs);
        if (r.hs == SHBA_HOST_HS_ABORTED)
            n_aborted++;
        else
            CHECK(r.resid == 0 && memcmp(mem + c.phys, shadow + (size_t)lba * 512u, 512) == 0,
                  "ABORT %u us after the data: GOOD with residual %u or wrong data", d, r.resid);
        int busy = r.abort_busy;
        n_busy += busy != 0;
        lba += 7;
        int before = failures;
        read_check(lba, 2, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
        if (failures != before) {
            next_bad++;
            fprintf(stderr, "  ^ the READ(10) after an ABORT %u us after the data (written %s BUSY fell)\n", d,
                    busy ? "before" : "after");
        }
        lba += 7;
    }
    fprintf(stderr, "abort-race: %u ABORTs, %u while BUSY, %u after BUSY fell; %u commands aborted; "
                    "%u next READs failed\n", n, n_busy, n - n_busy, n_aborted, next_bad);
    /* the sweep must straddle the completion, or it proves nothing */
    CHECK(n_busy > 0 && n_busy < n, "every ABORT on one side of BUSY's fall (%u of %u while BUSY)", n_busy, n);
}

static void t_reset(void)
{
    clear_unit_attention();
    struct result r;
    struct cmd c = cmd_rw10(0, 200, 128, 1);
    c.dma_mode = DMA_MODE_SINGLE;
    c.reset_after = 4096;
    pc_reset_stats(pc);
    run(&c, &r);
    CHECK(r.reset, "the reset did not happen");
    uint32_t at_reset = dma_moved(1);
    int_bits = 0;
    CHECK(wait_int(SHBA_HOST_INT_STATUS_RESET_DONE, 200 * MS) == 0, "no RESET_DONE after CONTROL.RESET");
    CHECK(!(int_bits & SHBA_HOST_INT_STATUS_CMD_DONE), "the command in progress got a CMD_DONE");
    CHECK(dma_moved(1) <= at_reset + 2, "DMA went on after the reset: %u, %u", at_reset, dma_moved(1));
    uint8_t st = rd(SHBA_HOST_STATUS);
    CHECK((st & (SHBA_HOST_STATUS_READY | SHBA_HOST_STATUS_BUSY | SHBA_HOST_STATUS_ERROR |
                 SHBA_HOST_STATUS_INT_ENABLED)) == (SHBA_HOST_STATUS_READY | SHBA_HOST_STATUS_INT_ENABLED),
          "STATUS after reset 0x%02x", st);
    /* INQUIRY does not take the unit attention; the next medium command does */
    struct cmd q = cmd_plain(0x12, 6);
    q.cdb[4] = 36;
    q.flags = SHBA_HOST_CMD_FLAG_DATA_IN;
    q.data_len = 36;
    q.ch = 1;
    run(&q, &r);
    expect_good(&r, 0, "INQUIRY after reset");
    struct cmd rd1 = cmd_rw10(0, 200, 1, 1);
    run(&rd1, &r);
    expect_sense(&r, 0x6, 0x29, 0x00, "READ after reset");
    CHECK(r.resid == 512, "residual %u", r.resid);
    read_check(200, 8, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
    write_check(210, 2, 5, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}

static void set_fault(const char *spec)
{
    struct sd_fault f;
    if (sd_card_parse_fault(spec, &f) != 0) {
        fprintf(stderr, "bad fault %s\n", spec);
        exit(2);
    }
    sd_card_set_fault(sd, &f);
}

/* The residual of a failed data-in command is exact (docs/protocol.md,
 * "Residual"): the data length minus the bytes that reached the host, which
 * need not be whole blocks; those bytes are where the host expects them. */
static void check_residual_in(const struct cmd *c, const struct result *r, const char *what)
{
    CHECK(r->host_bytes <= c->data_len && r->resid == c->data_len - r->host_bytes,
          "%s: residual %u, but %u of %u bytes reached the host", what, r->resid, r->host_bytes, c->data_len);
    note("%s: residual %u, %u bytes reached the host", what, r->resid, r->host_bytes);
}

static void t_read_error(const char *fault, uint32_t lba, uint16_t blocks, uint32_t bad_lba, int ch)
{
    clear_unit_attention();
    struct result r;
    struct cmd c = cmd_rw10(0, lba, blocks, ch);
    uint8_t *mem = pc_memory(pc);
    memset(mem + c.phys, 0xA5, c.data_len);
    set_fault(fault);
    run(&c, &r);
    sd_card_clear_fault(sd);
    expect_sense(&r, 0x3, 0x11, 0x00, "READ with a medium error");
    CHECK(r.sense[0] & 0x80, "INFORMATION not valid");
    CHECK(sense_info(&r) == bad_lba, "INFORMATION %u, expected %u", sense_info(&r), bad_lba);
    uint32_t good = (bad_lba - lba) * 512u;
    /* the blocks before the bad one reached the host, and maybe some of the
     * bad one's bytes (the DMA takes them before the CRC at its end fails) */
    CHECK(r.host_bytes >= good, "%u bytes reached the host, %u good", r.host_bytes, good);
    check_residual_in(&c, &r, "READ with a medium error");
    CHECK(memcmp(mem + c.phys, shadow + (size_t)lba * 512u, good) == 0, "the good blocks before the error");
    /* the card goes on */
    read_check(lba, blocks, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}

static void t_write_error(void)
{
    clear_unit_attention();
    struct result r;
    struct cmd c = cmd_rw10(1, 700, 6, 5);
    uint8_t *mem = pc_memory(pc);
    for (uint32_t i = 0; i < c.data_len; i++)
        mem[c.phys + i] = rnd8();
    set_fault("write-reject:2:0");
    run(&c, &r);
    sd_card_clear_fault(sd);
    expect_sense(&r, 0x3, 0x0C, -1, "WRITE with a write fault");
    CHECK(r.sense[0] & 0x80, "INFORMATION not valid");
    CHECK(sense_info(&r) == 702, "INFORMATION %u, expected 702", sense_info(&r));
    memcpy(shadow + 700u * 512u, mem + c.phys, 2 * 512u);
    CHECK(compare_image() == 0, "image after the write fault: blocks 700-701 new, 702-705 old");
    /* Data-out counts what reached the medium (docs/protocol.md, "Residual"):
     * the bytes the DMA had brought into the FIFO past block 701 are not
     * written, and not moved. */
    CHECK(r.resid == 4 * 512u, "residual %u, expected %u", r.resid, 4 * 512u);
    CHECK(r.host_bytes > 2 * 512u, "%u bytes crossed the bus", r.host_bytes);
    note("write fault: residual %u, %u bytes crossed the bus", r.resid, r.host_bytes);
    write_check(702, 4, 5, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}

static void t_malformed(void)
{
    struct result r;
    struct cmd c = cmd_rw10(0, 0, 1, 1);
    c.cdb_len = 3;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_BAD_BLOCK && r.resid == 512, "CDB length 3: hs %u resid %u",
          r.hs, r.resid);
    c = cmd_rw10(0, 0, 1, 1);
    c.cdb_len = 17;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_BAD_BLOCK, "CDB length 17: hs %u", r.hs);
    c = cmd_rw10(0, 0, 1, 1);
    c.flags = SHBA_HOST_CMD_FLAG_DATA_IN | SHBA_HOST_CMD_FLAG_DATA_OUT;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_BAD_BLOCK, "both direction flags: hs %u", r.hs);
    c = cmd_rw10(0, 0, 4, 1);
    c.data_len = 1024;      /* shorter than the CDB implies */
    c.no_arm = 1;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_BAD_BLOCK, "short data length: hs %u", r.hs);
    c = cmd_rw10(0, 0, 1, 1);
    c.target = 1;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_NO_DEVICE, "target 1: hs %u", r.hs);
    /* the host arms the wrong direction */
    c = cmd_rw10(0, 0, 1, 1);
    c.flags = SHBA_HOST_CMD_FLAG_DATA_OUT;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_PHASE_ERROR, "READ with data-out flags: hs %u", r.hs);
    /* the host's own data-phase mistakes (after the unit attention, which
     * would end the command before its data phase) */
    clear_unit_attention();
    c = cmd_rw10(0, 0, 1, 1);
    c.arm_flip = 1;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_PHASE_ERROR, "READ armed host-to-card: hs %u", r.hs);
    /* more armed than the data length */
    c = cmd_rw10(0, 0, 1, 1);
    c.arm_extra = 512;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_DATA_OVERRUN, "1 KiB armed for 512 bytes: hs %u", r.hs);
    /* the card still works */
    read_check(0, 2, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
    CHECK(compare_image() == 0, "image changed");
}

static void t_unknown_opcode(void)
{
    clear_unit_attention();
    struct result r;
    static const uint8_t ops[] = { 0xC7, 0x02, 0x3E };
    for (unsigned i = 0; i < sizeof ops; i++) {
        struct cmd c = cmd_plain(ops[i], ops[i] >= 0xC0 ? 10 : (ops[i] >= 0x20 ? 10 : 6));
        run(&c, &r);
        expect_sense(&r, 0x5, 0x20, 0x00, "unknown opcode");
    }
    struct cmd c = cmd_plain(0xC7, 10);
    c.flags = SHBA_HOST_CMD_FLAG_DATA_IN;
    c.data_len = 512;
    c.ch = 1;
    run(&c, &r);
    expect_sense(&r, 0x5, 0x20, 0x00, "unknown opcode with a data phase");
    CHECK(r.resid == 512, "residual %u", r.resid);
    read_check(9, 1, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}

/* ---------------- figures ---------------- */

/* The core clock (the count SHBA_FETCH_TRACE writes) at simulated time ps,
 * which is now or earlier. */
static uint64_t clock_at(uint64_t ps)
{
    return cosim_cycles() - (cosim_now_ps() - ps) / cosim_clock_period_ps();
}

static int bench(const char *out)
{
    clear_unit_attention();
    struct result r;
    /* cmd_overhead_cold_us: the same for the first READ(10) after boot, its
     * code not yet in the flash cache (docs/soc.md) */
    {
        struct cmd c = cmd_rw10(0, 999u, 1, 1);
        drq_rise_ps[1] = 0;
        run(&c, &r);
        expect_good(&r, 0, "READ(10)");
        CHECK(drq_rise_ps[1] > r.start_ps, "no DRQ");
    }
    double ovh_cold = (double)(drq_rise_ps[1] - r.start_ps) / 1e6;
    /* cmd_overhead_us: end of the START write to the first DRQ of a one-block READ(10) */
    double ovh_sum = 0, bd[5] = { 0, 0, 0, 0, 0 };
    const int n_ovh = 8;
    /* CARDPROTO_WINDOWS: "cmd START DRQ" for each warm command, then "loop
     * START END" from the first one's START to the end of the iops loop,
     * in core clocks. */
    const char *wpath = getenv("CARDPROTO_WINDOWS");
    FILE *wf = wpath && *wpath ? fopen(wpath, "w") : NULL;
    if (wpath && *wpath && !wf) {
        fprintf(stderr, "%s: %s\n", wpath, strerror(errno));
        return 2;
    }
    uint64_t loop_start = 0;
    for (int i = 0; i < n_ovh; i++) {
        struct cmd c = cmd_rw10(0, 1000u + 37u * (uint32_t)i, 1, 1);
        drq_rise_ps[1] = 0;
        spi_log_n = spi_bits = 0;
        spi_logging = i == 0;
        run(&c, &r);
        spi_logging = 0;
        for (unsigned k = 0; k < spi_log_n; k++)
            note("  +%7.2f us  SPI out %02x in %02x", (double)(spi_log[k].ps - r.start_ps) / 1e6,
                 spi_log[k].mosi, spi_log[k].miso);
        if (i == 0) {
            /* where the time goes: the SD bus shows the firmware's steps */
            unsigned k_cmd = 0, k_r1 = 0, k_tok = 0;
            while (k_cmd < spi_log_n && spi_log[k_cmd].mosi != 0x51)
                k_cmd++;
            for (k_r1 = k_cmd + 6; k_r1 < spi_log_n && spi_log[k_r1].miso == 0xFF; k_r1++)
                ;
            for (k_tok = k_r1 + 1; k_tok < spi_log_n && spi_log[k_tok].miso != 0xFE; k_tok++)
                ;
            CHECK(spi_log_n > 0 && k_tok < spi_log_n, "CMD17 and its start token not seen on the SD bus");
            if (k_tok < spi_log_n) {
                double t0 = (double)r.start_ps;
                bd[0] = ((double)spi_log[0].ps - t0) / 1e6;
                bd[1] = ((double)spi_log[k_cmd].ps - (double)spi_log[0].ps) / 1e6;
                bd[2] = ((double)spi_log[k_r1].ps - (double)spi_log[k_cmd].ps) / 1e6;
                bd[3] = ((double)spi_log[k_tok].ps - (double)spi_log[k_r1].ps) / 1e6;
                bd[4] = ((double)drq_rise_ps[1] - (double)spi_log[k_tok].ps) / 1e6;
            }
        }
        expect_good(&r, 0, "READ(10)");
        CHECK(drq_rise_ps[1] > r.start_ps, "no DRQ");
        ovh_sum += (double)(drq_rise_ps[1] - r.start_ps) / 1e6;
        if (i == 0)
            loop_start = clock_at(r.start_ps);
        if (wf)
            fprintf(wf, "cmd %llu %llu\n", (unsigned long long)clock_at(r.start_ps),
                    (unsigned long long)clock_at(drq_rise_ps[1]));
    }
    double ovh = ovh_sum / n_ovh;
    /* iops_512: back-to-back one-block READ(10), 8-bit DMA */
    const int n_iops = 60;
    uint64_t t0 = cosim_now_ps();
    for (int i = 0; i < n_iops; i++) {
        struct cmd c = cmd_rw10(0, (uint32_t)(i * 97) % IMG_BLOCKS, 1, 1);
        run(&c, &r);
        expect_good(&r, 0, "READ(10)");
    }
    double secs = (double)(cosim_now_ps() - t0) / 1e12;
    double iops = n_iops / secs;
    if (wf) {
        fprintf(wf, "loop %llu %llu\n", (unsigned long long)loop_start, (unsigned long long)cosim_cycles());
        fclose(wf);
    }
    /* the same for 8-block reads: data rate with the command cost */
    const int n_seq = 10;
    t0 = cosim_now_ps();
    for (int i = 0; i < n_seq; i++) {
        struct cmd c = cmd_rw10(0, (uint32_t)i * 8u, 8, 5);
        run(&c, &r);
        expect_good(&r, 0, "READ(10)");
    }
    double kbps_4k = n_seq * 4096.0 / ((double)(cosim_now_ps() - t0) / 1e12) / 1000.0;
    printf("cardproto: cmd_overhead_us %.1f (target <= 50), cold %.1f, iops_512 %.0f, read_4k_dma16_kBps %.0f\n",
           ovh, ovh_cold, iops, kbps_4k);
    FILE *f = fopen(out, "w");
    if (!f) {
        fprintf(stderr, "%s: %s\n", out, strerror(errno));
        return 2;
    }
    printf("cardproto: overhead of the first: START to the first SD byte %.1f us, to CMD17 %.1f us more, "
           "CMD17 + R1 %.1f us, read access %.1f us, start token to DRQ %.1f us\n",
           bd[0], bd[1], bd[2], bd[3], bd[4]);
    fprintf(f, "{\"cmd_overhead_us\": %.2f, \"cmd_overhead_cold_us\": %.2f, \"cmd_overhead_target_us\": 50, "
               "\"iops_512\": %.0f, "
               "\"read_4k_dma16_kBps\": %.0f, \"ovh_start_to_sd_us\": %.2f, \"ovh_sd_cmd_build_us\": %.2f, "
               "\"ovh_sd_cmd_r1_us\": %.2f, \"ovh_sd_read_access_us\": %.2f, \"ovh_token_to_drq_us\": %.2f}\n",
            ovh, ovh_cold, iops, kbps_4k, bd[0], bd[1], bd[2], bd[3], bd[4]);
    fclose(f);
    return failures ? 1 : 0;
}

/* ---------------- main ---------------- */

static void t_rw8(void) { t_rw(1, DMA_MODE_DEMAND); }
/* A late ARM (issue 11): NT may run the ISR between ScsiPortIoMapTransfer
 * and HwDmaStarted, so a host can arm a segment after a command that failed
 * before any data has already ended.  The card ignores an ARM while no
 * command is busy; the next READ(10) then gets all its bytes. */
static void t_late_arm(void)
{
    clear_unit_attention();
    struct result r;
    struct cmd past = cmd_rw10(0, IMG_BLOCKS, 1, 1);
    past.no_arm = 1;                  /* the ISR took CMD_DONE before HwDmaStarted */
    run(&past, &r);
    expect_sense(&r, 0x5, 0x21, 0x00, "READ(10) past the end");
    CHECK(r.resid == 512, "residual %u", r.resid);
    /* HwDmaStarted, late: the 8237 programmed, XFER_COUNT, XFER_CTRL.ARM. */
    uint32_t moved_before = dma_moved(1);
    dma_program(1, DMA_MODE_DEMAND, 1, BUF_PHYS, 512);
    wr(SHBA_HOST_XFER_COUNT0, 0x00);
    wr(SHBA_HOST_XFER_COUNT1, 0x02);
    wr(SHBA_HOST_XFER_COUNT2, 0x00);
    wr(SHBA_HOST_XFER_CTRL, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    pc_idle_ps(pc, 50 * US);
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "a late ARM was taken (XFER_CTRL 0x%02x)",
          rd(SHBA_HOST_XFER_CTRL));
    CHECK(dma_moved(1) == moved_before, "DMA moved %u bytes with no command",
          dma_moved(1) - moved_before);
    dma8237_mask(pc, 1);
    read_check(17, 8, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
    read_check(18, 2, 5, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}
static void t_rw8_single(void) { t_rw(1, DMA_MODE_SINGLE); }
static void t_rw16(void) { t_rw(5, DMA_MODE_DEMAND); }
static void t_read_crc(void) { t_read_error("read-crc:3:0", 100, 8, 103, 1); }
static void t_read_notoken(void) { t_read_error("no-token:0:0", 40, 4, 40, 1); }
static void t_residual_crc16(void) { t_read_error("read-crc:2:0", 300, 6, 302, 5); }
static void t_residual_crc_pio(void) { t_read_error("read-crc:1:0", 320, 4, 321, CH_PIO16); }

/* The SD card pulled 100 bytes into the 4th block of a READ(10) on the
 * 16-bit channel: NOT READY 2/3A/00, the residual exact; put back, the card
 * serves again. */
static void t_residual_removed(void)
{
    clear_unit_attention();
    struct result r;
    struct cmd c = cmd_rw10(0, 400, 8, 5);
    uint8_t *mem = pc_memory(pc);
    memset(mem + c.phys, 0xA5, c.data_len);
    set_fault("removed:3:1:100");
    run(&c, &r);
    sd_card_clear_fault(sd);
    expect_sense(&r, 0x2, 0x3A, 0x00, "READ with the card pulled");
    CHECK(r.host_bytes >= 3 * 512u, "%u bytes reached the host", r.host_bytes);
    check_residual_in(&c, &r, "READ with the card pulled");
    CHECK(memcmp(mem + c.phys, shadow + 400u * 512u, 3 * 512u) == 0, "the blocks before the removal");
    /* the card is initialised again by the next medium command */
    read_check(400, 8, 5, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}

/* CONTROL.ABORT in mid-block: the residual counts the bytes of the block the
 * DMA (or the host's PIO reads) had moved, not whole blocks. */
static void t_residual_abort(void)
{
    static const struct { int ch; uint32_t after; } runs[] = {
        { 1, 8192u + 77u },      /* single mode: the host gets the bus between two cycles */
        { 5, 4096u + 300u },
        { CH_PIO8, 1500u },
    };
    clear_unit_attention();
    for (unsigned i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct result r;
        struct cmd c = cmd_rw10(0, 1000 + 200 * i, runs[i].ch >= 0 ? 64 : 8, runs[i].ch);
        uint8_t *mem = pc_memory(pc);
        memset(mem + c.phys, 0xA5, c.data_len);
        c.dma_mode = DMA_MODE_SINGLE;
        c.abort_after = runs[i].after;
        run(&c, &r);
        CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_ABORTED, "ch %d: aborted read: status 0x%02x hs %u",
              runs[i].ch, r.scsi, r.hs);
        CHECK(r.host_bytes >= runs[i].after && r.host_bytes < c.data_len, "ch %d: %u bytes reached the host",
              runs[i].ch, r.host_bytes);
        check_residual_in(&c, &r, "aborted READ");
        CHECK(memcmp(mem + c.phys, shadow + (size_t)(1000 + 200 * i) * 512u, r.host_bytes) == 0,
              "ch %d: the bytes that reached the host are not the medium's", runs[i].ch);
    }
    read_check(7, 2, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &(struct result){ 0 });
}

/* The host stops the 8237 in mid-block: after CARD_STALL_MS (2 s) without
 * progress the card gives up, HS_HW_ERROR, and the residual counts the
 * bytes that did move. */
static void t_residual_stall(void)
{
    clear_unit_attention();
    struct result r;
    struct cmd c = cmd_rw10(0, 1500, 16, 1);
    uint8_t *mem = pc_memory(pc);
    memset(mem + c.phys, 0xA5, c.data_len);
    c.dma_mode = DMA_MODE_SINGLE;
    c.stall_after = 2500;
    c.timeout_ps = 3000 * MS;
    run(&c, &r);
    CHECK(!r.timed_out && r.hs == SHBA_HOST_HS_HW_ERROR, "stalled read: status 0x%02x hs %u", r.scsi, r.hs);
    CHECK(r.host_bytes >= 2500 && r.host_bytes < c.data_len, "%u bytes reached the host", r.host_bytes);
    check_residual_in(&c, &r, "stalled READ");
    CHECK(memcmp(mem + c.phys, shadow + 1500u * 512u, r.host_bytes) == 0,
          "the bytes that reached the host are not the medium's");
    read_check(1500, 16, 1, DMA_MODE_DEMAND, BUF_PHYS, 0, &r);
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    { "boot", t_boot },
    { "inquiry", t_inquiry },
    { "capacity", t_capacity },
    { "rw-dma8", t_rw8 },
    { "rw-dma8-single", t_rw8_single },
    { "rw-dma16", t_rw16 },
    { "pio", t_pio },
    { "multi-segment", t_multiseg },
    { "abort", t_abort },
    { "abort-race", t_abort_race },
    { "reset", t_reset },
    { "read-crc-error", t_read_crc },
    { "read-no-token", t_read_notoken },
    { "write-error", t_write_error },
    { "malformed", t_malformed },
    { "unknown-opcode", t_unknown_opcode },
    { "late-arm", t_late_arm },
    { "residual-crc-dma16", t_residual_crc16 },
    { "residual-crc-pio", t_residual_crc_pio },
    { "residual-removed", t_residual_removed },
    { "residual-abort", t_residual_abort },
    { "residual-stall", t_residual_stall },
};

int main(int argc, char **argv)
{
    const char *v = getenv("CARDPROTO_VERBOSE");
    verbose = v && *v == '1';
    if (argc == 2 && !strcmp(argv[1], "list")) {
        for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
            puts(tests[i].name);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "bench")) {
        setup("bench");
        int rc = boot() == 0 ? bench(argv[2]) : 1;
        teardown();
        return rc;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: cardproto NAME | list | bench FILE.json\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (strcmp(argv[1], tests[i].name) != 0)
            continue;
        setup(tests[i].name);
        if (boot() != 0) {
            fprintf(stderr, "FAIL: no RESET_DONE within 200 ms of power-on\n");
            failures++;
        } else {
            tests[i].fn();
        }
        fprintf(stderr, "%s: %s (%.2f ms simulated, %d failures)\n", tests[i].name,
                failures ? "FAIL" : "pass", (double)cosim_now_ps() / 1e9, failures);
        teardown();
        return failures ? 1 : 0;
    }
    fprintf(stderr, "cardproto: unknown test '%s'\n", argv[1]);
    return 2;
}
