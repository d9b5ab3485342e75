/* Tests and benchmark of the ISA side on the real RTL (isa_interface),
 * driven by the PC models of sim/pc through the card's pins.
 *
 *   isa_test NAME         run one test (exit 0 = pass)
 *   isa_test bench FILE   run the DMA benchmarks, write a flat JSON object
 *
 * The block runs on the co-simulation kernel as its isa_interface
 * configuration (sim/harness/top_isa_interface.h).  What the card puts on
 * its card side is played by ordinary kernel devices: a bus master for the
 * firmware's CPU bus accesses and a byte stream for the SD engine's end of
 * the FIFO (sim/harness/bus_master.h, byte_stream.h).
 *
 *   isa_test NAME WAVE.fst   the same, with a waveform */
#include "bus_master.h"
#include "byte_stream.h"
#include "cosim.h"
#include "dma8237_program.h"
#include "pc.h"
#include "softhba_regs.h"
#include "top_isa_interface.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define US 1000000ull
#define MS (1000ull * US)
#define HIF(off) (SHBA_HOSTIF_BASE + (off))
#define FIFOR(off) (SHBA_FIFO_BASE + (off))

/* CONFIG reset value used by most tests: WIDE16, DMA16 ch5, DMA8 ch1, IRQ5 */
#define CFG_DEFAULT \
    (SHBA_HOST_CONFIG_WIDE16 | ((unsigned)SHBA_HOST_CONFIG_DMA16_SEL_CODE(5) << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT) | \
     ((unsigned)SHBA_HOST_CONFIG_DMA8_SEL_CODE(1) << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT) | \
     ((unsigned)SHBA_HOST_CONFIG_IRQ_SEL_CODE(5) << SHBA_HOST_CONFIG_IRQ_SEL_SHIFT))

enum { DEMAND = DMA_MODE_DEMAND, SINGLE = DMA_MODE_SINGLE, BLOCK = DMA_MODE_BLOCK };

static struct pc *pc;
static struct bus_master *cpu;        /* the firmware's accesses */
static struct byte_stream *engine;    /* the SD engine's end of the FIFO */
static uint16_t base = SHBA_HOST_IO_BASE_DEFAULT;
static struct pc_config pc_cfg;   /* model options for the next setup() */
static int bus_time_setting = 0;  /* BUS_TIME written by setup(); -1: keep the reset value */
static int failures;
static const char *wave_file;

#define CHECK(cond, ...) do { if (!(cond)) { fail_at(__LINE__, #cond, __VA_ARGS__); } } while (0)

static void fail_at(int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL line %d: %s: ", line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures++;
}

/* The I/O bases the jumper codes select (regmap table IO_BASE). */
static const uint16_t bases[] = SHBA_HOST_IO_BASE_TABLE;

static void setup(uint8_t base_sel, uint8_t resources, FILE *trace)
{
    struct cosim_options opt;
    memset(&opt, 0, sizeof opt);
    opt.max_cycles = 400000000ull;
    opt.cfg_base_sel = base_sel;
    opt.cfg_resources = resources;
    opt.wave_file = wave_file;
    if (cosim_init(&opt) != 0)
        exit(2);
    struct pc_config pcfg = pc_cfg;
    pcfg.trace = trace;
    pc = pc_create(&pcfg);
    struct isa_interface_pins *top = top_isa_interface_pins();
    cpu = bus_master_create(&top->cpu);
    engine = byte_stream_create(&top->fifo, &top->fifo_dir_to_host, 1);
    if (!pc || !cpu || !engine)
        exit(2);
    base = base_sel < SHBA_HOST_IO_BASE_COUNT ? bases[base_sel] : SHBA_HOST_IO_BASE_DEFAULT;
    /* Most tests measure the card against the 8237 alone: no bus-on limit
     * (BUS_TIME.ON = 0) unless the test asks for a setting. */
    if (bus_time_setting >= 0)
        pc_outb(pc, (uint16_t)(base + SHBA_HOST_BUS_TIME), (uint8_t)bus_time_setting);
}

static void teardown(void)
{
    failures += (int)bus_master_errors(cpu);
    pc_destroy(pc);
    bus_master_destroy(cpu);
    byte_stream_destroy(engine);
    pc = NULL;
    cpu = NULL;
    engine = NULL;
    cosim_shutdown();
}

static void cpu_write(uint32_t addr, uint32_t data) { bus_master_write(cpu, addr, data); }
static uint32_t cpu_read(uint32_t addr) { return bus_master_read(cpu, addr); }

static uint8_t rd(unsigned off) { return pc_inb(pc, (uint16_t)(base + off)); }
static void wr(unsigned off, uint8_t v) { pc_outb(pc, (uint16_t)(base + off), v); }

static uint32_t rng = 0x12345678u;
static uint8_t rnd8(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return (uint8_t)(rng >> 11);
}

/* ---- firmware stand-in (CPU bus) ---- */
static void fw_fifo(int to_host, int clear)
{
    cpu_write(FIFOR(SHBA_FIFO_CTRL), (to_host ? SHBA_FIFO_CTRL_DIR_TO_HOST : 0) |
                    (clear ? SHBA_FIFO_CTRL_CLEAR : 0));
}
static void fw_post(uint32_t bits) { cpu_write(HIF(SHBA_HOSTIF_POST), bits); }
static uint32_t fw_events(void) { return cpu_read(HIF(SHBA_HOSTIF_EVENTS)); }

/* ---- host side: 8237 programming through its ports ---- */
static void dma_prog(int ch, int mode, int to_memory, uint32_t phys, uint32_t nbytes, int autoinit)
{
    uint8_t m = (uint8_t)(mode | (to_memory ? DMA_MODE_TO_MEMORY : DMA_MODE_FROM_MEMORY) |
                          (autoinit ? DMA_MODE_AUTOINIT : 0));
    CHECK(dma8237_program(pc, ch, m, phys, nbytes) == 0, "8237 channel %d cannot move %u bytes", ch,
          (unsigned)nbytes);
}

static uint8_t dma_status(int ch)
{
    return dma8237_status(pc, ch);
}

/* The card takes ARM only inside a command (STATUS.BUSY): start one, as
 * the host does before it arms, when none runs.  CONTROL.INT_ENABLE is a
 * level, so it is carried; the firmware stand-in consumes EVENTS.START. */
static void host_start_if_idle(void)
{
    uint8_t st = rd(SHBA_HOST_STATUS);
    if (st & SHBA_HOST_STATUS_BUSY)
        return;
    wr(SHBA_HOST_CONTROL, (uint8_t)(SHBA_HOST_CONTROL_START |
                                    ((st & SHBA_HOST_STATUS_INT_ENABLED) ? SHBA_HOST_CONTROL_INT_ENABLE : 0)));
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), SHBA_HOSTIF_EVENTS_START);
}

/* HwDmaStarted: the card's transfer registers */
static void card_arm(uint32_t count, uint8_t ctrl)
{
    if (ctrl & SHBA_HOST_XFER_CTRL_ARM)
        host_start_if_idle();
    wr(SHBA_HOST_XFER_COUNT0, (uint8_t)count);
    wr(SHBA_HOST_XFER_COUNT1, (uint8_t)(count >> 8));
    wr(SHBA_HOST_XFER_COUNT2, (uint8_t)(count >> 16));
    wr(SHBA_HOST_XFER_CTRL, ctrl);
}

/* Wait (without ISA traffic) until the segment is over and the DMA idle. */
static int wait_segment(uint64_t limit_ps)
{
    uint64_t end = cosim_now_ps() + limit_ps;
    while (cosim_now_ps() < end) {
        pc_idle_ps(pc, 20 * US);
        uint32_t x = cpu_read(HIF(SHBA_HOSTIF_XFER_CTRL));
        if (!(x & SHBA_HOST_XFER_CTRL_ARM) && !pc_dma_busy(pc)) {
            pc_idle_ps(pc, 2 * US);
            return 0;
        }
    }
    return -1;
}

struct xfer_result {
    double kbps;
    uint64_t cycles;
};

/* One segment of n bytes through channel ch; checks it byte by byte. */
static struct xfer_result xfer(int ch, int to_host, int mode, uint32_t phys, uint32_t n,
                               unsigned burst, unsigned gap)
{
    struct xfer_result r = { 0, 0 };
    uint8_t *data = malloc(n);
    uint8_t *sink = calloc(n, 1);
    uint8_t *mem = pc_memory(pc);
    for (uint32_t i = 0; i < n; i++)
        data[i] = rnd8();
    int wide = ch >= 4;
    cpu_write(HIF(SHBA_HOSTIF_XFER_DONE), 0);
    cpu_write(HIF(SHBA_HOSTIF_DMA_STRAY), 0);
    if (to_host) {
        memset(mem + phys, 0x5A, n);
        fw_fifo(1, 1);
        byte_stream_source(engine, data, n, burst, gap);
    } else {
        memcpy(mem + phys, data, n);
        fw_fifo(0, 1);
        byte_stream_sink(engine, sink, n);
    }
    pc_reset_stats(pc);
    dma_prog(ch, mode, to_host, phys, n, 0);
    card_arm(n, (uint8_t)(SHBA_HOST_XFER_CTRL_ARM | (to_host ? SHBA_HOST_XFER_CTRL_DIR_TO_HOST : 0) |
                          (wide ? SHBA_HOST_XFER_CTRL_WIDTH16 : 0)));
    CHECK(wait_segment(2000 * MS) == 0, "segment ch%d did not end", ch);
    pc_idle_ps(pc, 5 * US);
    const uint8_t *got = to_host ? mem + phys : sink;
    uint32_t bad = 0;
    for (uint32_t i = 0; i < n; i++)
        if (got[i] != data[i] && bad++ < 5)
            fprintf(stderr, "  byte %u: 0x%02x, expected 0x%02x\n", i, got[i], data[i]);
    CHECK(bad == 0, "ch%d %s: %u of %u bytes wrong", ch, to_host ? "read" : "write", bad, n);
    if (!to_host)
        CHECK(byte_stream_sink_len(engine) == n, "sink got %zu of %u", byte_stream_sink_len(engine), n);
    uint32_t done = cpu_read(HIF(SHBA_HOSTIF_XFER_DONE));
    CHECK(done == n, "XFER_DONE %u, expected %u", done, n);
    uint32_t stray = cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY));
    CHECK(stray == 0, "%u DACK cycles the card did not want", stray);
    uint32_t ev = fw_events();
    CHECK(ev & SHBA_HOSTIF_EVENTS_SEG_END, "no SEG_END event (events 0x%x)", ev);
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), ev);
    uint8_t st = dma_status(ch);
    CHECK(st & (1u << (ch & 3)), "8237 status 0x%02x lacks TC for ch%d", st, ch);
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_TC_END), "TC_END set on a full segment");
    struct pc_stats s;
    pc_get_stats(pc, &s);
    CHECK(s.dma_bytes[ch] == n, "8237 moved %llu bytes, expected %u", (unsigned long long)s.dma_bytes[ch], n);
    r.cycles = s.dma_cycles[ch];
    if (s.dma_last_ps[ch] > s.dma_first_ps[ch])
        r.kbps = (double)n / ((double)(s.dma_last_ps[ch] - s.dma_first_ps[ch]) * 1e-12) / 1000.0;
    free(data);
    free(sink);
    byte_stream_source(engine, NULL, 0, 0, 0);
    byte_stream_sink(engine, NULL, 0);
    return r;
}

/* ---------------- tests ---------------- */

static void t_regs(void)
{
    bus_time_setting = -1;
    setup(0, CFG_DEFAULT, NULL);
    bus_time_setting = 0;
    CHECK(rd(SHBA_HOST_STATUS) == 0, "STATUS after reset 0x%02x", rd(SHBA_HOST_STATUS));
    CHECK(rd(SHBA_HOST_BUS_TIME) == ((SHBA_HOST_BUS_OFF_DEFAULT << SHBA_HOST_BUS_TIME_OFF_SHIFT) |
                                     SHBA_HOST_BUS_ON_DEFAULT), "BUS_TIME reset value 0x%02x",
          rd(SHBA_HOST_BUS_TIME));
    wr(SHBA_HOST_BUS_TIME, 0xA5);
    CHECK(rd(SHBA_HOST_BUS_TIME) == 0xA5, "BUS_TIME write");
    CHECK(rd(SHBA_HOST_CONFIG) == CFG_DEFAULT, "CONFIG reset value");
    wr(SHBA_HOST_CONFIG, 0x5B);
    CHECK(rd(SHBA_HOST_CONFIG) == 0x5B, "CONFIG write");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_CONFIG)) == 0x5B, "CPU sees CONFIG");
    wr(SHBA_HOST_CONFIG, CFG_DEFAULT);
    card_arm(0x123456, 0);
    CHECK(rd(SHBA_HOST_XFER_COUNT0) == 0x56 && rd(SHBA_HOST_XFER_COUNT1) == 0x34 &&
          rd(SHBA_HOST_XFER_COUNT2) == 0x12, "XFER_COUNT read-back");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_XFER_COUNT)) == 0x123456, "CPU sees XFER_COUNT");
    /* reserved ports read 0, writes change nothing */
    for (unsigned off = 0xC; off <= 0xF; off++) {
        wr(off, 0xFF);
        CHECK(rd(off) == 0x00, "reserved port 0x%x", off);
    }
    CHECK(rd(SHBA_HOST_CONFIG) == CFG_DEFAULT && rd(SHBA_HOST_STATUS) == 0 && rd(SHBA_HOST_BUS_TIME) == 0xA5,
          "reserved writes had effects");

    /* HSTATUS bits shown in STATUS */
    cpu_write(HIF(SHBA_HOSTIF_HSTATUS), 0xFF);
    CHECK(rd(SHBA_HOST_STATUS) == 0x3C, "STATUS from HSTATUS 0x%02x", rd(SHBA_HOST_STATUS));
    cpu_write(HIF(SHBA_HOSTIF_HSTATUS), SHBA_HOSTIF_HSTATUS_READY);
    /* command block: host writes, CPU reads */
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_CMD_PTR_RESET);
    for (unsigned i = 0; i < SHBA_HOST_CMD_BLOCK_LEN + 3; i++)
        wr(SHBA_HOST_COMMAND, (uint8_t)(0xA0 + i));
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    CHECK(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY, "START sets BUSY");
    CHECK(fw_events() & SHBA_HOSTIF_EVENTS_START, "EVENTS.START");
    for (unsigned i = 0; i < SHBA_HOST_CMD_BLOCK_LEN; i++) {
        uint32_t v = cpu_read(HIF(SHBA_HOSTIF_CMD + 4 * i));
        CHECK(v == 0xA0 + i, "CMD[%u] = 0x%x", i, v);
    }
    /* COMMAND ignored while BUSY, START while busy does nothing */
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), 0xF);
    wr(SHBA_HOST_COMMAND, 0x11);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    CHECK(fw_events() == 0, "START while busy raised an event");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_CMD)) == 0xA0, "COMMAND written while busy");
    /* result block: CPU writes, host reads in sequence, past the end 0 */
    for (unsigned i = 0; i < SHBA_HOST_RES_BLOCK_LEN; i++)
        cpu_write(HIF(SHBA_HOSTIF_RESULT + 4 * i), 0x30 + i);
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    CHECK(!(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY), "CMD_DONE clears BUSY");
    CHECK(rd(SHBA_HOST_INT_STATUS) == SHBA_HOST_INT_STATUS_CMD_DONE, "INT_STATUS.CMD_DONE");
    CHECK(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_INTR, "STATUS.INTR");
    for (unsigned i = 0; i < SHBA_HOST_RES_BLOCK_LEN; i++) {
        uint8_t v = rd(SHBA_HOST_RESULT);
        CHECK(v == 0x30 + i, "RESULT[%u] = 0x%02x", i, v);
    }
    CHECK(rd(SHBA_HOST_RESULT) == 0 && rd(SHBA_HOST_RESULT) == 0, "RESULT past the end");
    /* INT_STATUS is write-1-to-clear */
    fw_post(SHBA_HOSTIF_POST_SEG_DONE | SHBA_HOSTIF_POST_RESET_DONE);
    wr(SHBA_HOST_INT_STATUS, SHBA_HOST_INT_STATUS_CMD_DONE);
    CHECK(rd(SHBA_HOST_INT_STATUS) == 6, "W1C 0x%02x", rd(SHBA_HOST_INT_STATUS));
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ACK);
    CHECK(rd(SHBA_HOST_INT_STATUS) == 0, "INT_ACK");
    /* CPU interrupt: EVENTS & EVENT_EN (ABORT is taken only inside a command) */
    cpu_write(HIF(SHBA_HOSTIF_EVENT_EN), SHBA_HOSTIF_EVENTS_ABORT);
    CHECK(!top_isa_interface_pins()->cpu_irq, "cpu_irq without ABORT");
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), SHBA_HOSTIF_EVENTS_START);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_ABORT);
    pc_idle_ps(pc, US);
    CHECK(top_isa_interface_pins()->cpu_irq, "cpu_irq on ABORT");
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), SHBA_HOSTIF_EVENTS_ABORT);
    CHECK(!top_isa_interface_pins()->cpu_irq, "cpu_irq after W1C");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_RESET_CAUSE)) == SHBA_HOSTIF_RESET_CAUSE_POWER_ON, "RESET_CAUSE");
    /* unmapped CPU addresses answer 0 */
    CHECK(cpu_read(SHBA_HOSTIF_BASE + 0x8000) == 0, "unmapped read");
    /* a card reset (CONTROL.RESET) keeps BUS_TIME, like CONFIG */
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_RESET);
    pc_idle_ps(pc, 5 * US);
    CHECK(rd(SHBA_HOST_BUS_TIME) == 0xA5, "BUS_TIME after a card reset 0x%02x", rd(SHBA_HOST_BUS_TIME));
}

static void t_start_busy(void)
{
    setup(0, CFG_DEFAULT, NULL);
    wr(SHBA_HOST_COMMAND, 0x01);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    CHECK(fw_events() == SHBA_HOSTIF_EVENTS_START, "first START");
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), 0xF);
    for (int i = 0; i < 3; i++)
        wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    CHECK(fw_events() == 0, "START while BUSY was not ignored");
    CHECK(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY, "still busy");
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    CHECK(fw_events() == SHBA_HOSTIF_EVENTS_START, "START after CMD_DONE");
}

/* Drive one raw I/O write cycle with AEN high (as during DMA). */
static void raw_write_aen(uint16_t port, uint8_t v)
{
    struct card_pins *p = cosim_pins();
    p->isa_aen = 1;
    p->isa_sa = port & 0x3FF;
    cosim_run_ps(120000);
    p->isa_sd_in = v;
    p->isa_iow_n = 0;
    cosim_run_ps(600000);
    p->isa_iow_n = 1;
    cosim_run_ps(120000);
    p->isa_aen = 0;
    p->isa_sd_in = 0xFFFF;
}

static void t_decode(void)
{
    for (int sel = 0; sel < (int)SHBA_HOST_IO_BASE_COUNT; sel++) {
        setup((uint8_t)sel, CFG_DEFAULT, NULL);
        CHECK(rd(SHBA_HOST_CONFIG) == CFG_DEFAULT, "base 0x%x: CONFIG", base);
        for (int other = 0; other < (int)SHBA_HOST_IO_BASE_COUNT; other++) {
            if (other == sel)
                continue;
            pc_outb(pc, (uint16_t)(bases[other] + SHBA_HOST_CONFIG), 0x00);
            CHECK(pc_inb(pc, (uint16_t)(bases[other] + SHBA_HOST_CONFIG)) == 0xFF,
                  "card answered at 0x%x while at 0x%x", bases[other], base);
        }
        raw_write_aen((uint16_t)(base + SHBA_HOST_CONFIG), 0x00);
        CHECK(rd(SHBA_HOST_CONFIG) == CFG_DEFAULT, "base 0x%x: write with AEN high taken", base);
        /* the PC's own ports (8237 page register) do not reach the card */
        pc_outb(pc, DMA_PAGE_CH1, 0x12);
        CHECK(pc_inb(pc, DMA_PAGE_CH1) == 0x12, "page register");
        teardown();
    }
}

static void t_id(void)
{
    setup(0, CFG_DEFAULT, NULL);
    cpu_write(HIF(SHBA_HOSTIF_FW_VERSION), 0x0203);
    const uint8_t want[8] = { 'S', 'H', 'B', 'A', 2, 3, SHBA_HOST_RTL_VERSION_MAJOR, SHBA_HOST_RTL_VERSION_MINOR };
    wr(SHBA_HOST_ID_RESET, 0);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 8; i++) {
            uint8_t v = rd(SHBA_HOST_ID);
            CHECK(v == want[i], "ID byte %d round %d: 0x%02x", i, round, v);
        }
    rd(SHBA_HOST_ID);
    rd(SHBA_HOST_ID);
    wr(SHBA_HOST_ID_RESET, 0);
    CHECK(rd(SHBA_HOST_ID) == 'S', "ID_RESET");
}

static void t_dma(int ch, int mode, int to_host, uint32_t n)
{
    uint8_t cfg = CFG_DEFAULT;
    if (ch == 3)
        cfg = (uint8_t)((cfg & ~SHBA_HOST_CONFIG_DMA8_SEL_MASK) |
                        ((unsigned)SHBA_HOST_CONFIG_DMA8_SEL_CODE(3) << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT));
    if (ch == 7)
        cfg = (uint8_t)((cfg & ~SHBA_HOST_CONFIG_DMA16_SEL_MASK) |
                        ((unsigned)SHBA_HOST_CONFIG_DMA16_SEL_CODE(7) << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT));
    setup(0, cfg, NULL);
    xfer(ch, to_host, mode, ch >= 4 ? 0x40000 : 0x20000, n, 0, 0);
}

/* The card side is slow (SD-like bursts with gaps): DRQ must drop and
 * come back without the 8237 ever running an unwanted cycle. */
static void t_dma_slow(void)
{
    setup(0, CFG_DEFAULT, NULL);
    /* the source averages well below the bus rate, so the FIFO runs dry */
    xfer(1, 1, DEMAND, 0x30000, 8192, 512, 60000);
    xfer(5, 1, DEMAND, 0x40000, 8192, 701, 40000);
    xfer(5, 1, SINGLE, 0x60000, 4096, 301, 30000);
}

static void t_tc_early(void)
{
    setup(0, CFG_DEFAULT, NULL);
    const uint32_t n = 3000, first = 1000;
    uint8_t *data = malloc(n);
    for (uint32_t i = 0; i < n; i++)
        data[i] = rnd8();
    uint8_t *mem = pc_memory(pc);
    fw_fifo(1, 1);
    byte_stream_source(engine, data, n, 0, 0);
    /* the card expects 3000 bytes, the 8237 is programmed for 1000 */
    dma_prog(1, DEMAND, 1, 0x10000, first, 0);
    card_arm(n, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    CHECK(wait_segment(100 * MS) == 0, "segment did not end at TC");
    uint8_t x = rd(SHBA_HOST_XFER_CTRL);
    CHECK(!(x & SHBA_HOST_XFER_CTRL_ARM) && (x & SHBA_HOST_XFER_CTRL_TC_END), "XFER_CTRL 0x%02x", x);
    uint32_t left = rd(SHBA_HOST_XFER_COUNT0) | (rd(SHBA_HOST_XFER_COUNT1) << 8);
    CHECK(left == n - first, "remaining %u", left);
    CHECK(fw_events() & SHBA_HOSTIF_EVENTS_SEG_END, "SEG_END");
    struct pc_stats s;
    pc_get_stats(pc, &s);
    CHECK(s.dma_bytes[1] == first, "8237 moved %llu", (unsigned long long)s.dma_bytes[1]);
    /* a new ARM continues where it stopped */
    dma_prog(1, DEMAND, 1, 0x10000 + first, n - first, 0);
    card_arm(n - first, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    CHECK(wait_segment(100 * MS) == 0, "second segment");
    CHECK(memcmp(mem + 0x10000, data, n) == 0, "data across the TC split");
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_TC_END), "TC_END after a full segment");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)) == 0, "stray cycles");
    free(data);
}

/* Several segments in one command, driven by interrupts as a driver would. */
struct seg_ctx {
    uint32_t next, total, seg;
    int done, segs;
};
static struct seg_ctx sc;
static void seg_isr(void *ctx, int irq)
{
    (void)ctx;
    (void)irq;
    uint8_t st = rd(SHBA_HOST_INT_STATUS);
    wr(SHBA_HOST_INT_STATUS, st);
    if (st & SHBA_HOST_INT_STATUS_SEG_DONE) {
        uint32_t n = sc.total - sc.next < sc.seg ? sc.total - sc.next : sc.seg;
        dma_prog(5, DEMAND, 0, 0x80000 + sc.next, n, 0);
        card_arm(n, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_WIDTH16);
        sc.next += n;
        sc.segs++;
    }
    if (st & SHBA_HOST_INT_STATUS_CMD_DONE)
        sc.done = 1;
}

static void t_multi_seg(void)
{
    setup(0, CFG_DEFAULT, NULL);
    const uint32_t total = 10240;
    uint8_t *mem = pc_memory(pc);
    uint8_t *sink = calloc(total, 1);
    for (uint32_t i = 0; i < total; i++)
        mem[0x80000 + i] = rnd8();
    fw_fifo(0, 1);
    byte_stream_sink(engine, sink, total);
    pc_set_isr(pc, 5, seg_isr, NULL);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ENABLE);
    memset(&sc, 0, sizeof sc);
    sc.total = total;
    sc.seg = 4096;
    /* first segment by HwDmaStarted; the firmware stand-in asks for the rest */
    dma_prog(5, DEMAND, 0, 0x80000, sc.seg, 0);
    card_arm(sc.seg, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_WIDTH16);
    sc.next = sc.seg;
    sc.segs = 1;
    uint64_t end = cosim_now_ps() + 200 * MS;
    while (!sc.done && cosim_now_ps() < end) {
        pc_idle_ps(pc, 10 * US);
        uint32_t ev = fw_events();
        if (ev & SHBA_HOSTIF_EVENTS_SEG_END) {
            cpu_write(HIF(SHBA_HOSTIF_EVENTS), ev);
            fw_post(byte_stream_sink_len(engine) < total ? SHBA_HOSTIF_POST_SEG_DONE : SHBA_HOSTIF_POST_CMD_DONE);
        }
    }
    CHECK(sc.done, "command did not complete");
    CHECK(sc.segs == 3, "segments %d", sc.segs);
    CHECK(byte_stream_sink_len(engine) == total && memcmp(sink, mem + 0x80000, total) == 0, "data over 3 segments");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)) == 0, "stray cycles");
    free(sink);
}

/* The 8237 wraps inside its 64 KiB page: a buffer that crosses a page must
 * be split by the host (two segments); a single segment across wraps. */
static void t_page_cross(void)
{
    setup(0, CFG_DEFAULT, NULL);
    uint8_t *mem = pc_memory(pc);
    const uint32_t start = 0x2F000, n = 8192;   /* crosses 0x30000 */
    uint8_t *data = malloc(n);
    for (uint32_t i = 0; i < n; i++)
        data[i] = rnd8();
    /* (a) what the 8237 does with one segment: the address wraps to 0x20000 */
    memset(mem + 0x20000, 0, 0x20000);
    fw_fifo(1, 1);
    byte_stream_source(engine, data, n, 0, 0);
    dma_prog(1, DEMAND, 1, start, n, 0);
    card_arm(n, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    CHECK(wait_segment(100 * MS) == 0, "wrapping segment");
    CHECK(memcmp(mem + start, data, 0x1000) == 0, "bytes before the boundary");
    CHECK(memcmp(mem + 0x20000, data + 0x1000, n - 0x1000) == 0, "8237 wrap to the page start");
    CHECK(mem[0x30000] == 0, "wrote past the page");
    /* (b) what the host must do: split at the boundary into two segments */
    memset(mem + 0x20000, 0, 0x20000);
    fw_fifo(1, 1);
    byte_stream_source(engine, data, n, 0, 0);
    uint32_t part1 = 0x30000 - start;
    dma_prog(1, DEMAND, 1, start, part1, 0);
    card_arm(part1, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    CHECK(wait_segment(100 * MS) == 0, "part 1");
    dma_prog(1, DEMAND, 1, 0x30000, n - part1, 0);
    card_arm(n - part1, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    CHECK(wait_segment(100 * MS) == 0, "part 2");
    CHECK(memcmp(mem + start, data, n) == 0, "split transfer across the page");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)) == 0, "stray cycles");
    /* 16-bit channel: 128 KiB pages, word addresses */
    for (uint32_t i = 0; i < n; i++)
        mem[0x5F000 + i] = data[i];
    uint8_t *sink = calloc(n, 1);
    fw_fifo(0, 1);
    byte_stream_sink(engine, sink, n);
    dma_prog(5, DEMAND, 0, 0x5F000, n, 0);   /* crosses 0x60000, the end of page 0x40000-0x5FFFF */
    card_arm(n, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_WIDTH16);
    CHECK(wait_segment(100 * MS) == 0, "16-bit wrapping segment");
    CHECK(memcmp(sink, mem + 0x5F000, 0x1000) == 0 && memcmp(sink + 0x1000, mem + 0x40000, n - 0x1000) == 0,
          "16-bit wrap at the 128 KiB page");
    free(sink);
    free(data);
}

static int isr_calls;
static void count_isr(void *ctx, int irq)
{
    (void)ctx;
    (void)irq;
    isr_calls++;
}

static void t_irq(void)
{
    setup(0, CFG_DEFAULT, NULL);
    const struct card_pins *p = cosim_pins();
    CHECK(p->isa_irq_oe == (1u << 5), "irq_oe 0x%04x", p->isa_irq_oe);
    pc_set_isr(pc, 5, count_isr, NULL);
    /* interrupt enable clear: no edge */
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    pc_idle_ps(pc, 5 * US);
    CHECK(pc_irq_count(pc, 5) == 0 && p->isa_irq == 0, "IRQ without INT_ENABLE");
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ACK);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ENABLE);
    CHECK(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_INT_ENABLED, "INT_ENABLED");
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    pc_idle_ps(pc, 5 * US);
    CHECK(pc_irq_count(pc, 5) == 1 && isr_calls == 1, "edge %llu isr %d",
          (unsigned long long)pc_irq_count(pc, 5), isr_calls);
    CHECK(p->isa_irq & (1u << 5), "line held until acknowledged");
    /* a second cause while pending gives a fresh edge */
    fw_post(SHBA_HOSTIF_POST_SEG_DONE);
    pc_idle_ps(pc, 5 * US);
    CHECK(pc_irq_count(pc, 5) == 2, "re-edge for a new cause: %llu", (unsigned long long)pc_irq_count(pc, 5));
    /* same cause again: no new edge */
    fw_post(SHBA_HOSTIF_POST_SEG_DONE);
    pc_idle_ps(pc, 5 * US);
    CHECK(pc_irq_count(pc, 5) == 2, "edge for an already pending cause");
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ACK | SHBA_HOST_CONTROL_INT_ENABLE);
    pc_idle_ps(pc, US);
    CHECK(!(p->isa_irq & (1u << 5)), "INT_ACK drops the line");
    /* masked at the 8259: edge latched, handler runs on unmask */
    pc_irq_mask(pc, 5, 1);
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    pc_idle_ps(pc, 5 * US);
    CHECK(pc_irq_count(pc, 5) == 3 && isr_calls == 2, "masked line ran the ISR");
    pc_irq_mask(pc, 5, 0);
    pc_idle_ps(pc, US);
    CHECK(isr_calls == 3, "pending edge after unmask");
    wr(SHBA_HOST_INT_STATUS, 0x7);
    pc_idle_ps(pc, US);
    CHECK(!(p->isa_irq & (1u << 5)), "W1C drops the line");
    /* every code of the IRQ_SEL table drives its line (the 'none' code none) */
    for (unsigned code = 0; code < SHBA_HOST_CONFIG_IRQ_SEL_COUNT; code++) {
        unsigned line = SHBA_HOST_CONFIG_IRQ_SEL_VALUE(code);
        wr(SHBA_HOST_CONFIG, (uint8_t)((CFG_DEFAULT & ~SHBA_HOST_CONFIG_IRQ_SEL_MASK) | code));
        pc_idle_ps(pc, US);
        CHECK(p->isa_irq_oe == (line == SHBA_TABLE_NONE ? 0u : 1u << line), "IRQ_SEL %u: irq_oe 0x%04x",
              code, p->isa_irq_oe);
    }
    wr(SHBA_HOST_CONFIG, (uint8_t)(CFG_DEFAULT & ~SHBA_HOST_CONFIG_IRQ_SEL_MASK));
    /* DRQ lines driven only on the configured channels */
    CHECK(p->isa_drq_oe == ((1u << 1) | (1u << 5)), "drq_oe 0x%02x", p->isa_drq_oe);
    wr(SHBA_HOST_CONFIG, 0x00);
    pc_idle_ps(pc, US);
    CHECK(p->isa_drq_oe == 0 && p->isa_irq_oe == 0, "nothing configured");
}

static void t_reset_mid(void)
{
    setup(0, CFG_DEFAULT, NULL);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ENABLE);
    const uint32_t n = 16384;
    uint8_t *data = malloc(n);
    for (uint32_t i = 0; i < n; i++)
        data[i] = rnd8();
    fw_fifo(1, 1);
    byte_stream_source(engine, data, n, 0, 0);
    dma_prog(1, SINGLE, 1, 0x20000, n, 0);
    card_arm(n, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    pc_idle_ps(pc, 2 * MS);
    struct pc_stats s;
    pc_get_stats(pc, &s);
    CHECK(s.dma_bytes[1] > 0 && s.dma_bytes[1] < n, "transfer under way (%llu)", (unsigned long long)s.dma_bytes[1]);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_RESET | SHBA_HOST_CONTROL_INT_ENABLE);
    pc_idle_ps(pc, 10 * US);
    const struct card_pins *p = cosim_pins();
    CHECK(!(p->isa_drq & 2), "DRQ after reset");
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "ARM after reset");
    CHECK(rd(SHBA_HOST_CONFIG) == CFG_DEFAULT, "CONFIG survives");
    CHECK(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_INT_ENABLED, "INT_ENABLE survives");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_RESET_CAUSE)) == SHBA_HOSTIF_RESET_CAUSE_HOST_RESET, "RESET_CAUSE");
    CHECK(top_isa_interface_pins()->fifo_level == 0, "FIFO emptied");
    pc_get_stats(pc, &s);
    uint64_t stopped = s.dma_bytes[1];
    pc_idle_ps(pc, MS);
    pc_get_stats(pc, &s);
    CHECK(s.dma_bytes[1] == stopped, "8237 kept running after the card reset");
    /* firmware comes back; the host masks the channel and starts over */
    fw_post(SHBA_HOSTIF_POST_RESET_DONE);
    CHECK(rd(SHBA_HOST_INT_STATUS) == SHBA_HOST_INT_STATUS_RESET_DONE, "RESET_DONE");
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ACK | SHBA_HOST_CONTROL_INT_ENABLE);
    xfer(1, 1, SINGLE, 0x20000, 2048, 0, 0);
    xfer(1, 0, DEMAND, 0x20000, 2048, 0, 0);
    free(data);
}

static void t_stray_dack(void)
{
    setup(0, CFG_DEFAULT, NULL);
    uint8_t *mem = pc_memory(pc);
    memset(mem + 0x20000, 0x77, 64);
    fw_fifo(1, 1);
    static uint8_t data[64];
    for (int i = 0; i < 64; i++)
        data[i] = (uint8_t)i;
    byte_stream_source(engine, data, 64, 0, 0);
    pc_idle_ps(pc, 5 * US);
    unsigned level = top_isa_interface_pins()->fifo_level;
    /* the 8237 runs 16 cycles on channel 1 by software request; nothing is armed */
    dma_prog(1, BLOCK, 1, 0x20000, 16, 0);
    pc_outb(pc, DMA1_REQUEST, DMA_REQUEST_SET | 1);
    pc_idle_ps(pc, 200 * US);
    struct pc_stats s;
    pc_get_stats(pc, &s);
    CHECK(s.dma_cycles[1] == 16, "8237 ran %llu cycles", (unsigned long long)s.dma_cycles[1]);
    CHECK(cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)) == 16, "stray count %u",
          cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)));
    CHECK(top_isa_interface_pins()->fifo_level == level, "FIFO touched by stray DACK");
    CHECK(mem[0x20000] == 0xFF, "card drove the bus in a stray cycle (0x%02x)", mem[0x20000]);
    CHECK(cpu_read(HIF(SHBA_HOSTIF_XFER_DONE)) == 0, "counted");
    /* and the card still works */
    cpu_write(HIF(SHBA_HOSTIF_DMA_STRAY), 0);
    xfer(1, 1, DEMAND, 0x21000, 1024, 0, 0);
    /* stray memory-to-card cycles too */
    cpu_write(HIF(SHBA_HOSTIF_DMA_STRAY), 0);
    fw_fifo(0, 1);
    dma_prog(1, BLOCK, 0, 0x20000, 8, 0);
    pc_outb(pc, DMA1_REQUEST, DMA_REQUEST_SET | 1);
    pc_idle_ps(pc, 100 * US);
    CHECK(top_isa_interface_pins()->fifo_level == 0, "stray write pushed into the FIFO");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)) == 8, "stray writes counted");
}

static void t_arm_zero(void)
{
    setup(0, CFG_DEFAULT, NULL);
    fw_fifo(1, 1);
    static uint8_t data[16];
    byte_stream_source(engine, data, 16, 0, 0);
    card_arm(0, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    pc_idle_ps(pc, 10 * US);
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "ARM with count 0 stays armed");
    CHECK(!(cosim_pins()->isa_drq & 2), "DRQ with count 0");
    uint32_t ev = fw_events();
    CHECK(ev == (SHBA_HOSTIF_EVENTS_ARM | SHBA_HOSTIF_EVENTS_SEG_END), "events 0x%x", ev);
    /* ARM while armed is ignored, ARM=0 withdraws */
    dma_prog(1, DEMAND, 1, 0x20000, 16, 0);
    dma8237_mask(pc, 1);   /* keep the 8237 masked: DRQ stays up */
    card_arm(16, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    pc_idle_ps(pc, 5 * US);
    CHECK(cosim_pins()->isa_drq & 2, "DRQ after ARM");
    card_arm(5, SHBA_HOST_XFER_CTRL_ARM);
    CHECK(rd(SHBA_HOST_XFER_COUNT0) == 16 && (rd(SHBA_HOST_XFER_CTRL) & 3) == 3, "re-ARM changed the segment");
    wr(SHBA_HOST_XFER_CTRL, 0);
    pc_idle_ps(pc, US);
    CHECK(!(cosim_pins()->isa_drq & 2), "DRQ after withdraw");
}

/* A late ARM: after CMD_DONE (the host's HwDmaStarted ran after the ISR had
 * completed a command that failed before its data) the card is idle and
 * ignores ARM: XFER_CTRL reads ARM 0, no event, no DRQ.  The next command
 * arms and moves its data as usual. */
static void t_late_arm(void)
{
    setup(0, CFG_DEFAULT, NULL);
    static uint8_t data[64];
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);            /* failed before any data */
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), 0xF);
    CHECK(!(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY), "BUSY after CMD_DONE");
    fw_fifo(1, 1);
    byte_stream_source(engine, data, sizeof data, 0, 0);
    dma_prog(1, DEMAND, 1, 0x20000, 64, 0);
    wr(SHBA_HOST_XFER_COUNT0, 64);
    wr(SHBA_HOST_XFER_COUNT1, 0);
    wr(SHBA_HOST_XFER_COUNT2, 0);
    wr(SHBA_HOST_XFER_CTRL, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    pc_idle_ps(pc, 20 * US);
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "late ARM taken: XFER_CTRL 0x%02x",
          rd(SHBA_HOST_XFER_CTRL));
    CHECK(!(cpu_read(HIF(SHBA_HOSTIF_XFER_CTRL)) & SHBA_HOST_XFER_CTRL_ARM), "CPU sees ARM");
    CHECK(fw_events() == 0, "late ARM raised events 0x%x", fw_events());
    CHECK(!(cosim_pins()->isa_drq & 2), "DRQ without a command");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_XFER_DONE)) == 0, "bytes moved without a command");
    /* an empty segment is not taken either (it would post SEG_END) */
    card_arm(0, 0);
    wr(SHBA_HOST_XFER_CTRL, SHBA_HOST_XFER_CTRL_ARM);
    CHECK(fw_events() == 0, "late empty ARM raised events 0x%x", fw_events());
    dma8237_mask(pc, 1);
    byte_stream_source(engine, NULL, 0, 0, 0);
    /* the next command's segment takes and moves every byte */
    xfer(1, 1, DEMAND, 0x21000, 1024, 0, 0);
    xfer(5, 0, DEMAND, 0x22000, 512, 0, 0);
}

/* ABORT and completion (docs/protocol.md): CONTROL.ABORT is taken only while
 * BUSY, and POST.CMD_DONE clears the command's events (ARM, SEG_END, ABORT),
 * so an ABORT that races the completion -- written after the firmware's
 * last look, or after BUSY fell -- never reaches the next command. */
static void t_abort_idle(void)
{
    setup(0, CFG_DEFAULT, NULL);
    const struct isa_interface_pins *top = top_isa_interface_pins();
    const uint32_t per_cmd = SHBA_HOSTIF_EVENTS_ARM | SHBA_HOSTIF_EVENTS_SEG_END | SHBA_HOSTIF_EVENTS_ABORT;
    cpu_write(HIF(SHBA_HOSTIF_EVENT_EN), SHBA_HOSTIF_EVENTS_ABORT);
    /* idle since power-on: ignored */
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_ABORT);
    pc_idle_ps(pc, US);
    CHECK(fw_events() == 0 && !top->cpu_irq, "ABORT while idle: events 0x%x", fw_events());
    /* inside a command it is taken */
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), SHBA_HOSTIF_EVENTS_START);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_ABORT);
    pc_idle_ps(pc, US);
    CHECK(fw_events() == SHBA_HOSTIF_EVENTS_ABORT && top->cpu_irq, "ABORT while BUSY: events 0x%x",
          fw_events());
    /* the firmware completes it without clearing the event (the ABORT came
     * after its last look), an empty segment's ARM and SEG_END pending too */
    card_arm(0, SHBA_HOST_XFER_CTRL_ARM);
    CHECK(fw_events() == per_cmd, "ABORT, ARM, SEG_END pending: events 0x%x", fw_events());
    for (unsigned i = 0; i < SHBA_HOST_RES_BLOCK_LEN; i++)
        cpu_write(HIF(SHBA_HOSTIF_RESULT + 4 * i), 0x40 + i);
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    pc_idle_ps(pc, US);
    CHECK(fw_events() == 0 && !top->cpu_irq, "CMD_DONE left events 0x%x", fw_events());
    /* ABORT after BUSY fell, before the host read the result (a miniport's
     * ABORT_COMMAND while the CMD_DONE interrupt is pending): ignored; the
     * result and INT_STATUS are untouched */
    CHECK(!(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY), "BUSY after CMD_DONE");
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_ABORT);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_ABORT | SHBA_HOST_CONTROL_INT_ACK);
    pc_idle_ps(pc, US);
    CHECK(fw_events() == 0 && !top->cpu_irq, "late ABORT: events 0x%x", fw_events());
    CHECK(rd(SHBA_HOST_INT_STATUS) == 0, "INT_ACK with ABORT not taken");
    for (unsigned i = 0; i < SHBA_HOST_RES_BLOCK_LEN; i++) {
        uint8_t v = rd(SHBA_HOST_RESULT);
        CHECK(v == 0x40 + i, "RESULT[%u] = 0x%02x after a late ABORT", i, v);
    }
    /* the next command sees START alone, and its segment moves every byte */
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START);
    CHECK(fw_events() == SHBA_HOSTIF_EVENTS_START, "next command: events 0x%x", fw_events());
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), SHBA_HOSTIF_EVENTS_START);
    xfer(1, 1, SINGLE, 0x21000, 1024, 0, 0);
    CHECK((fw_events() & SHBA_HOSTIF_EVENTS_ABORT) == 0, "next command: ABORT 0x%x", fw_events());
    /* START and ABORT in one write while idle: the command starts, the
     * ABORT (decoded while not yet BUSY) is not taken */
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_START | SHBA_HOST_CONTROL_ABORT);
    CHECK(fw_events() == SHBA_HOSTIF_EVENTS_START && (rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY),
          "START|ABORT while idle: events 0x%x", fw_events());
}

/* ABORT while DRQ is up and the 8237 not serving it (masked here; in a real
 * run the CPU's OUT holds the bus): the card withdraws DRQ at once.  The
 * 16-clock DRQ minimum (docs/isa.md) only keeps up a DRQ younger than that;
 * it used to keep an old one up to 444 ns more in 16 of every 36 clocks (the
 * microsecond prescaler wraps), long enough for the 8237 to take the bus
 * after the OUT and run a cycle the card no longer served
 * (e2e-srb-abort-read-single: one 0xFF byte).  The ABORT's timing steps
 * through a whole prescaler period, one card clock at a time. */
static void t_abort_drq(void)
{
    setup(0, CFG_DEFAULT, NULL);
    static uint8_t data[16];
    const uint64_t clk_ps = 1000000000000ull / SHBA_SOC_CLK_HZ;
    uint64_t worst = 0;
    for (unsigned k = 0; k < SHBA_SOC_CLK_HZ / 1000000u; k++) {
        fw_fifo(1, 1);
        byte_stream_source(engine, data, sizeof data, 0, 0);
        dma8237_mask(pc, 1);
        card_arm(sizeof data, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
        pc_idle_ps(pc, 2 * US + k * clk_ps);
        CHECK(cosim_pins()->isa_drq & 2, "no DRQ before the ABORT (step %u)", k);
        wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_ABORT);
        /* pc_outb returns when the OUT gives the bus back (IOW# rose 1 BCLK earlier) */
        uint64_t t_free = cosim_now_ps();
        while ((cosim_pins()->isa_drq & 2) && cosim_now_ps() < t_free + US)
            pc_idle_ps(pc, 5000);
        uint64_t late = cosim_now_ps() - t_free;
        if (late > worst)
            worst = late;
        fw_post(SHBA_HOSTIF_POST_CMD_DONE);
        pc_idle_ps(pc, US);
    }
    printf("abort_drq: DRQ fell at most %.0f ns after the ABORT's OUT gave the bus back\n",
           worst / 1000.0);
    /* 120 ns: IOW# rise + 240 ns, the card's synchroniser and two clocks. */
    CHECK(worst <= 120000, "DRQ fell %.0f ns after the bus was free (at most 120)", worst / 1000.0);
    CHECK(cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)) == 0, "stray DACK# cycles");
}

static void t_pio(void)
{
    setup(0, CFG_DEFAULT, NULL);
    static uint8_t data[64];
    for (int i = 0; i < 64; i++)
        data[i] = rnd8();
    fw_fifo(1, 1);
    byte_stream_source(engine, data, 64, 0, 0);
    card_arm(64, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST | SHBA_HOST_XFER_CTRL_PIO);
    pc_idle_ps(pc, 5 * US);
    CHECK(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_PIO_READY, "PIO_READY");
    for (int i = 0; i < 32; i++) {
        uint8_t v = rd(SHBA_HOST_DATA);
        CHECK(v == data[i], "PIO byte %d", i);
    }
    for (int i = 32; i < 64; i += 2) {
        uint16_t v = pc_inw(pc, (uint16_t)(base + SHBA_HOST_DATA));
        CHECK(v == (data[i] | (data[i + 1] << 8)), "PIO word %d: 0x%04x", i, v);
    }
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "PIO segment end");
    CHECK(rd(SHBA_HOST_DATA) == 0, "read past the segment");
    /* host to card, 16-bit and (WIDE16 off) split cycles */
    static uint8_t sink[64];
    fw_fifo(0, 1);
    byte_stream_sink(engine, sink, 64);
    card_arm(64, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_PIO);
    for (int i = 0; i < 32; i += 2)
        pc_outw(pc, (uint16_t)(base + SHBA_HOST_DATA), (uint16_t)(data[i] | (data[i + 1] << 8)));
    wr(SHBA_HOST_CONFIG, CFG_DEFAULT & ~SHBA_HOST_CONFIG_WIDE16);
    for (int i = 32; i < 64; i += 2)
        pc_outw(pc, (uint16_t)(base + SHBA_HOST_DATA), (uint16_t)(data[i] | (data[i + 1] << 8)));
    pc_idle_ps(pc, 5 * US);
    CHECK(byte_stream_sink_len(engine) == 64 && memcmp(sink, data, 64) == 0, "PIO write data");
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "PIO write segment end");
}

static void t_trace(void)
{
    const char *path = "build/isa/trace_test.log";
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    setup(0, CFG_DEFAULT, f);
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_INT_ENABLE);
    rd(SHBA_HOST_ID);
    pc_inw(pc, (uint16_t)(base + SHBA_HOST_DATA));
    xfer(1, 1, SINGLE, 0x20000, 4, 0, 0);
    fw_post(SHBA_HOSTIF_POST_CMD_DONE);
    pc_idle_ps(pc, 5 * US);
    pc_trace_note(pc, "end");
    fclose(f);
    f = fopen(path, "r");
    char line[256];
    int io = 0, io16 = 0, dma = 0, drq = 0, dack = 0, tc = 0, irq = 0, note = 0;
    while (f && fgets(line, sizeof line, f)) {
        io += strstr(line, "IO  WR8  0x340 <- 0x10") != NULL;
        io16 += strstr(line, "IO  RD16 0x348") != NULL;
        dma += strstr(line, "DMA ch1 IOR->MEMW addr=0x020000") != NULL;
        drq += strstr(line, "DRQ1 1") != NULL;
        dack += strstr(line, "DACK1 on") != NULL;
        tc += strstr(line, " TC") != NULL && strstr(line, "addr=0x020003") != NULL;
        irq += strstr(line, "IRQ5 rise") != NULL;
        note += strstr(line, "NOTE end") != NULL;
    }
    if (f)
        fclose(f);
    CHECK(io == 1 && io16 == 1 && dma == 1 && drq >= 1 && dack >= 1 && tc == 1 && irq == 1 && note == 1,
          "trace lines io %d io16 %d dma %d drq %d dack %d tc %d irq %d note %d", io, io16, dma, drq, dack,
          tc, irq, note);
}

/* The 8237 clock swept from 3 to 8 MHz: at every clock the data must be
 * right and the card must never get a DACK# it did not want, with a card
 * side that keeps up (throughput against the datasheet limit) and with one
 * that starves the FIFO (DRQ must drop before the S4 sample).  Prints the
 * table docs/isa.md quotes; fails if the card falls behind the 8237 inside
 * the AT's range (up to 5 MHz). */
static void t_dma_clock_sweep(void)
{
    static const uint32_t clocks[] = { 3000000, 4166667, 5000000, 6000000, 7000000, 8000000 };
    uint32_t first_behind = 0;
    printf("%8s %9s %9s %9s %9s %9s %12s\n", "DMA MHz", "d8 ratio", "d16 ratio", "s8 ratio", "s16 ratio",
           "worst", "DRQ slack ns");
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        pc_cfg.dma_clock_hz = clocks[i];
        setup(0, CFG_DEFAULT, NULL);
        double d8 = pc_dma_limit_kbps(pc, 0, 1), d16 = pc_dma_limit_kbps(pc, 1, 1);
        double s8 = pc_dma_limit_kbps(pc, 0, 0), s16 = pc_dma_limit_kbps(pc, 1, 0);
        double r[4], worst = 1e9;
        struct xfer_result a = xfer(1, 1, DEMAND, 0x20000, 16384, 0, 0);
        struct xfer_result b = xfer(1, 0, DEMAND, 0x20000, 16384, 0, 0);
        r[0] = (a.kbps < b.kbps ? a.kbps : b.kbps) / d8;
        a = xfer(5, 1, DEMAND, 0x40000, 16384, 0, 0);
        b = xfer(5, 0, DEMAND, 0x40000, 16384, 0, 0);
        r[1] = (a.kbps < b.kbps ? a.kbps : b.kbps) / d16;
        a = xfer(1, 1, SINGLE, 0x20000, 4096, 0, 0);
        b = xfer(1, 0, SINGLE, 0x20000, 4096, 0, 0);
        r[2] = (a.kbps < b.kbps ? a.kbps : b.kbps) / s8;
        a = xfer(5, 1, SINGLE, 0x40000, 4096, 0, 0);
        b = xfer(5, 0, SINGLE, 0x40000, 4096, 0, 0);
        r[3] = (a.kbps < b.kbps ? a.kbps : b.kbps) / s16;
        for (int k = 0; k < 4; k++)
            worst = r[k] < worst ? r[k] : worst;
        /* a starving card side: DRQ drops in the middle of demand services */
        uint64_t slack = UINT64_MAX;
        struct pc_stats s;
        xfer(1, 1, DEMAND, 0x30000, 8192, 512, 60000);
        pc_get_stats(pc, &s);
        if (s.drq_drop_slack_min_ps)
            slack = s.drq_drop_slack_min_ps;
        xfer(5, 1, DEMAND, 0x40000, 8192, 701, 40000);
        pc_get_stats(pc, &s);
        if (s.drq_drop_slack_min_ps && s.drq_drop_slack_min_ps < slack)
            slack = s.drq_drop_slack_min_ps;
        CHECK(slack != UINT64_MAX, "no DRQ drop inside a demand service at %u Hz", clocks[i]);
        printf("%8.3f %9.4f %9.4f %9.4f %9.4f %9.4f %12.1f\n", clocks[i] / 1e6, r[0], r[1], r[2], r[3], worst,
               slack == UINT64_MAX ? 0.0 : slack / 1000.0);
        if (worst < 0.99 && !first_behind)
            first_behind = clocks[i];
        if (clocks[i] <= 5000000)
            CHECK(worst >= 0.99, "the card falls behind the 8237 at %u Hz (ratio %.4f)", clocks[i], worst);
        teardown();
    }
    if (first_behind)
        printf("the card first falls behind the 8237 at %.3f MHz\n", first_behind / 1e6);
    else
        printf("the card keeps up with the 8237 at every clock up to 8 MHz\n");
    pc_cfg.dma_clock_hz = 0;
}

/* Single mode and DREQ: the 8237A is level-sensitive, and the card holds
 * DRQ between single transfers (the next one follows after the 9-clock
 * minimum).  A stricter 8237 that wants DREQ to fall between services gets
 * one transfer and then nothing: the card does not work with it, and says so
 * without harm (no stray cycle, nothing moved twice). */
static void t_single_dreq(void)
{
    setup(0, CFG_DEFAULT, NULL);
    struct xfer_result r = xfer(1, 1, SINGLE, 0x20000, 2048, 0, 0);
    struct pc_stats s;
    pc_get_stats(pc, &s);
    double limit = pc_dma_limit_kbps(pc, 0, 0);
    CHECK(r.kbps >= 0.99 * limit, "single mode %.1f kB/s, 8237 limit %.1f", r.kbps, limit);
    teardown();

    pc_cfg.single_dreq_edge = 1;
    setup(0, CFG_DEFAULT, NULL);
    uint8_t data[64];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = rnd8();
    uint8_t *mem = pc_memory(pc);
    memset(mem + 0x20000, 0x5A, sizeof data);
    fw_fifo(1, 1);
    byte_stream_source(engine, data, sizeof data, 0, 0);
    pc_reset_stats(pc);
    dma_prog(1, SINGLE, 1, 0x20000, sizeof data, 0);
    card_arm(sizeof data, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    pc_idle_ps(pc, 2 * MS);
    pc_get_stats(pc, &s);
    CHECK(s.dma_bytes[1] == 1, "edge-triggered 8237 moved %llu bytes, expected 1 (the card holds DRQ)",
          (unsigned long long)s.dma_bytes[1]);
    CHECK(mem[0x20000] == data[0] && mem[0x20001] == 0x5A, "memory 0x%02x 0x%02x", mem[0x20000],
          mem[0x20001]);
    CHECK(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM, "segment still armed");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_DMA_STRAY)) == 0, "stray cycles");
    /* withdrawing the segment ends it cleanly */
    wr(SHBA_HOST_XFER_CTRL, 0);
    pc_idle_ps(pc, 10 * US);
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "disarm");
    byte_stream_source(engine, NULL, 0, 0, 0);
    pc_cfg.single_dreq_edge = 0;
}

/* The AT's other bus users: refresh every 15.09 us, the timer tick and a
 * floppy sector on channel 2.  A demand-mode segment holds the bus and so
 * holds refresh off for longer than 15 us (the 8237 does not give the bus up
 * while DREQ stays high); single mode lets refresh in after every transfer. */
static void t_bus_users(void)
{
    pc_cfg.at_bus_users = 1;
    setup(0, CFG_DEFAULT, NULL);
    pc_idle_ps(pc, 9 * MS);        /* the first floppy sector starts at 10 ms */
    struct pc_stats s;
    /* channel 5: the cascaded channels 0-3 (the floppy on 2) come first */
    xfer(5, 1, SINGLE, 0x40000, 16384, 0, 0);
    pc_get_stats(pc, &s);
    CHECK(s.refresh_cycles > 0 && s.refresh_missed == 0, "single: %llu refreshes, %llu missed",
          (unsigned long long)s.refresh_cycles, (unsigned long long)s.refresh_missed);
    CHECK(s.refresh_holdoff_max_ps < 15000000ull, "single mode held refresh off for %.3f us",
          s.refresh_holdoff_max_ps / 1e6);
    CHECK(s.cpu_holdoff_max_ps < 15000000ull, "single mode held the CPU off for %.3f us",
          s.cpu_holdoff_max_ps / 1e6);
    CHECK(s.floppy_bytes > 0 && s.floppy_overruns == 0, "floppy alongside single mode: %llu bytes, %llu overruns",
          (unsigned long long)s.floppy_bytes, (unsigned long long)s.floppy_overruns);
    printf("single: refresh holdoff max %.3f us, CPU holdoff max %.3f us, floppy %llu bytes, %llu overruns\n",
           s.refresh_holdoff_max_ps / 1e6, s.cpu_holdoff_max_ps / 1e6, (unsigned long long)s.floppy_bytes,
           (unsigned long long)s.floppy_overruns);
    /* channel 1 in demand mode: one service for the whole segment; the
     * floppy on channel 2 (lower priority) waits too */
    xfer(1, 1, DEMAND, 0x20000, 32768, 0, 0);
    pc_get_stats(pc, &s);
    CHECK(s.refresh_holdoff_max_ps > 15000000ull, "demand mode: refresh holdoff only %.3f us",
          s.refresh_holdoff_max_ps / 1e6);
    CHECK(s.dma_hold_max_ps > 30000000ull, "demand mode: longest service %.3f us",
          s.dma_hold_max_ps / 1e6);
    printf("demand: refresh holdoff max %.3f us (%llu missed), CPU holdoff max %.3f us\n",
           s.refresh_holdoff_max_ps / 1e6, (unsigned long long)s.refresh_missed, s.cpu_holdoff_max_ps / 1e6);
    pc_idle_ps(pc, 110 * MS);   /* a tick, and a floppy sector with the bus to itself */
    pc_get_stats(pc, &s);
    CHECK(s.timer_ticks >= 1 && pc_irq_count(pc, 0) >= 1, "timer ticks %llu",
          (unsigned long long)s.timer_ticks);
    /* the floppy's sector landed in its buffer (channel 2, autoinit) */
    const uint8_t *fb = pc_memory(pc) + 0x09F000;
    CHECK(fb[0] == (uint8_t)(512u * 7u) && fb[1] == (uint8_t)(511u * 7u), "floppy buffer 0x%02x 0x%02x", fb[0],
          fb[1]);
    pc_cfg.at_bus_users = 0;
}

/* Bus-on/bus-off (BUS_TIME) with the AT's bus users: demand-mode segments
 * on an 8-bit and a 16-bit channel, both ways, with the card's reset value
 * (11 us on, 4 us off).  Every DMA service, every refresh wait and every
 * stretch the CPU waited stay within the ISA's 15 us, the data is right
 * (xfer() checks each byte, the count and DMA_STRAY), and the throughput is
 * close to the limit of the same on/off times.  Then the edge settings:
 * ON = 1 with OFF = 15 (the shortest window, the longest pause), OFF = 0, and
 * ON = 0 (no limit: one service for the segment) move everything and end. */
static void t_bus_time(void)
{
    static const struct { int ch, to_host; uint32_t n; } runs[] = {
        { 1, 1, 16384 }, { 1, 0, 16384 }, { 5, 1, 32768 }, { 5, 0, 32768 },
    };
    pc_cfg.at_bus_users = 1;
    bus_time_setting = -1;
    setup(0, CFG_DEFAULT, NULL);
    bus_time_setting = 0;
    CHECK(rd(SHBA_HOST_BUS_TIME) == ((SHBA_HOST_BUS_OFF_DEFAULT << SHBA_HOST_BUS_TIME_OFF_SHIFT) |
                                     SHBA_HOST_BUS_ON_DEFAULT), "BUS_TIME reset value");
    pc_idle_ps(pc, 9 * MS);
    struct pc_stats s;
    for (unsigned i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        int ch = runs[i].ch, wide = ch >= 4;
        struct xfer_result r = xfer(ch, runs[i].to_host, DEMAND, 0x40000, runs[i].n, 0, 0);
        pc_get_stats(pc, &s);
        double fair = pc_dma_fair_limit_kbps(pc, wide, SHBA_HOST_BUS_ON_DEFAULT, SHBA_HOST_BUS_OFF_DEFAULT);
        printf("ch%d %s %u bytes: %.1f kB/s, %.4f of the %u/%u us limit %.1f; longest service %.3f us, "
               "refresh wait %.3f us (%llu missed), CPU wait %.3f us, floppy overruns %llu\n",
               ch, runs[i].to_host ? "read" : "write", runs[i].n, r.kbps, r.kbps / fair,
               SHBA_HOST_BUS_ON_DEFAULT, SHBA_HOST_BUS_OFF_DEFAULT, fair, s.dma_hold_max_ps / 1e6,
               s.refresh_holdoff_max_ps / 1e6, (unsigned long long)s.refresh_missed,
               s.cpu_holdoff_max_ps / 1e6, (unsigned long long)s.floppy_overruns);
        CHECK(s.dma_hold_max_ps <= 15 * US, "ch%d: a DMA service held the bus %.3f us",
              ch, s.dma_hold_max_ps / 1e6);
        CHECK(s.refresh_holdoff_max_ps <= 15 * US && s.refresh_missed == 0, "ch%d: refresh waited %.3f us",
              ch, s.refresh_holdoff_max_ps / 1e6);
        CHECK(s.cpu_holdoff_max_ps <= 15 * US, "ch%d: the CPU waited %.3f us", ch, s.cpu_holdoff_max_ps / 1e6);
        CHECK(r.kbps >= 0.95 * fair, "ch%d: %.1f kB/s, under 0.95 of the bounded limit %.1f", ch, r.kbps, fair);
    }
    static const struct { uint8_t bus_time; int bounded; } edges[] = {
        { 0xF1, 1 },     /* 1 us on, 15 us off */
        { 0x0F, 0 },     /* 15 us on, no off time: holds can exceed 15 us by the 8237's reaction */
        { 0x40, 0 },     /* ON = 0: no limit */
    };
    for (unsigned i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        wr(SHBA_HOST_BUS_TIME, edges[i].bus_time);
        struct xfer_result r = xfer(5, 1, DEMAND, 0x40000, 16384, 0, 0);
        pc_get_stats(pc, &s);
        printf("BUS_TIME 0x%02x: %.1f kB/s, longest service %.3f us\n", edges[i].bus_time, r.kbps,
               s.dma_hold_max_ps / 1e6);
        if (edges[i].bounded)
            CHECK(s.dma_hold_max_ps <= 5 * US, "BUS_TIME 0x%02x: service %.3f us", edges[i].bus_time,
                  s.dma_hold_max_ps / 1e6);
        if (edges[i].bus_time == 0x40)
            CHECK(s.dma_hold_max_ps > 1000 * US, "no limit: longest service only %.3f us",
                  s.dma_hold_max_ps / 1e6);
    }
    pc_cfg.at_bus_users = 0;
}

/* A violation ends the run: a device ahead of the PC model puts a 55 ns
 * pulse on the card's DRQ1 (as a card that raised DRQ and took it back
 * before DACK would); the child process must end with PC_EXIT_ISA_TIMING
 * and name the rule, the signal, the edge and the time. */
static unsigned glitch_steps;
static void drq_glitch(void *ctx, uint64_t now)
{
    (void)ctx;
    (void)now;
    if (glitch_steps > 0 && glitch_steps-- <= 2)
        cosim_pins()->isa_drq |= 0x02;
}

static void t_check_ends_run(void)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        exit(2);
    }
    if (child == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        struct cosim_options opt;
        memset(&opt, 0, sizeof opt);
        opt.max_cycles = 1000000ull;
        opt.cfg_resources = CFG_DEFAULT;
        if (cosim_init(&opt) != 0)
            _exit(2);
        cosim_add_device(drq_glitch, NULL);
        struct pc_config pcfg;
        memset(&pcfg, 0, sizeof pcfg);
        pc = pc_create(&pcfg);
        if (!pc)
            _exit(2);
        glitch_steps = 200;
        pc_idle_ps(pc, 20 * US);
        _exit(0);   /* the checker did not stop the run */
    }
    close(fds[1]);
    char out[1024];
    size_t len = 0;
    ssize_t got;
    while (len < sizeof out - 1 && (got = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = 0;
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == PC_EXIT_ISA_TIMING, "child status 0x%x, stderr: %s",
          status, out);
    CHECK(strstr(out, "[DRQ pulse]") && strstr(out, "DRQ1 fell") && strstr(out, " us: "),
          "message: %s", out);
    printf("the run ended with: %s", out);
}

/* ---------------- benchmark ---------------- */

static void bench(const char *out)
{
    /* limits of the datasheet 8237 at the AT's DMA clock (BCLK/2 =
     * 4.1667 MHz): demand 4 clocks per transfer plus an S1 every 256,
     * single 9 clocks (pc_dma_limit_kbps, docs/isa.md) */
    struct {
        const char *name;
        int ch, mode;
    } runs[4] = {
        { "dma8_single", 1, SINGLE },
        { "dma8_demand", 1, DEMAND },
        { "dma16_demand", 5, DEMAND },
        { "dma16_single", 5, SINGLE },
    };
    FILE *f = fopen(out, "w");
    if (!f) {
        perror(out);
        exit(2);
    }
    setup(0, CFG_DEFAULT, NULL);
    fprintf(f, "{\n");
    for (int i = 0; i < 4; i++) {
        int wide = runs[i].ch >= 4;
        double limit = pc_dma_limit_kbps(pc, wide, runs[i].mode == DEMAND);
        struct xfer_result rd_r = xfer(runs[i].ch, 1, runs[i].mode, 0x20000, 65536, 0, 0);
        struct xfer_result wr_r = xfer(runs[i].ch, 0, runs[i].mode, 0x20000, 65536, 0, 0);
        double slower = rd_r.kbps < wr_r.kbps ? rd_r.kbps : wr_r.kbps;
        fprintf(f, "  \"%s_kbps\": %.1f,\n  \"%s_read_kbps\": %.1f,\n  \"%s_write_kbps\": %.1f,\n"
                   "  \"%s_limit_kbps\": %.1f,\n  \"%s_ratio\": %.4f%s\n",
                runs[i].name, slower, runs[i].name, rd_r.kbps, runs[i].name, wr_r.kbps,
                runs[i].name, limit, runs[i].name, slower / limit, i == 3 ? "" : ",");
        printf("%-13s read %7.1f kB/s  write %7.1f kB/s  limit %7.1f kB/s  ratio %.4f\n", runs[i].name,
               rd_r.kbps, wr_r.kbps, limit, slower / limit);
    }
    fprintf(f, "}\n");
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: isa_test TEST [WAVE.fst] | bench FILE\n");
        return 2;
    }
    const char *t = argv[1];
    if (strcmp(t, "bench") != 0 && argc > 2)
        wave_file = argv[2];
    if (!strcmp(t, "bench")) {
        bench(argc > 2 ? argv[2] : "build/bench/isa.json");
    } else if (!strcmp(t, "regs")) {
        t_regs();
    } else if (!strcmp(t, "start_busy")) {
        t_start_busy();
    } else if (!strcmp(t, "decode")) {
        t_decode();
    } else if (!strcmp(t, "id")) {
        t_id();
    } else if (!strcmp(t, "dma8_single")) {
        t_dma(1, SINGLE, 1, 65536);
        teardown();
        t_dma(3, SINGLE, 0, 65536);
    } else if (!strcmp(t, "dma8_demand")) {
        t_dma(1, DEMAND, 1, 65536);
        teardown();
        t_dma(1, DEMAND, 0, 65536);
    } else if (!strcmp(t, "dma16_demand")) {
        t_dma(5, DEMAND, 1, 65536);
        teardown();
        t_dma(7, DEMAND, 0, 65536);
    } else if (!strcmp(t, "dma16_single")) {
        t_dma(5, SINGLE, 1, 16384);
        teardown();
        t_dma(5, SINGLE, 0, 16384);
    } else if (!strcmp(t, "dma_slow_source")) {
        t_dma_slow();
    } else if (!strcmp(t, "tc_early")) {
        t_tc_early();
    } else if (!strcmp(t, "multi_seg")) {
        t_multi_seg();
    } else if (!strcmp(t, "page_cross")) {
        t_page_cross();
    } else if (!strcmp(t, "irq")) {
        t_irq();
    } else if (!strcmp(t, "reset_mid")) {
        t_reset_mid();
    } else if (!strcmp(t, "stray_dack")) {
        t_stray_dack();
    } else if (!strcmp(t, "arm_zero")) {
        t_arm_zero();
    } else if (!strcmp(t, "late_arm")) {
        t_late_arm();
    } else if (!strcmp(t, "abort_idle")) {
        t_abort_idle();
    } else if (!strcmp(t, "abort_drq")) {
        t_abort_drq();
    } else if (!strcmp(t, "pio")) {
        t_pio();
    } else if (!strcmp(t, "trace")) {
        t_trace();
    } else if (!strcmp(t, "dma_clock_sweep")) {
        t_dma_clock_sweep();
    } else if (!strcmp(t, "single_dreq")) {
        t_single_dreq();
    } else if (!strcmp(t, "bus_users")) {
        t_bus_users();
    } else if (!strcmp(t, "bus_time")) {
        t_bus_time();
    } else if (!strcmp(t, "check_ends_run")) {
        t_check_ends_run();
    } else {
        fprintf(stderr, "isa_test: unknown test %s\n", t);
        return 2;
    }
    if (cosim_timed_out()) {
        fprintf(stderr, "isa_test: cycle limit reached\n");
        failures++;
    }
    if (cpu)
        teardown();   /* closes the waveform */
    printf("%s: %s (%d failures)\n", t, failures ? "FAIL" : "pass", failures);
    return failures ? 1 : 0;
}
