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
#include "pc.h"
#include "softhba_regs.h"
#include "top_isa_interface.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1000000ull
#define MS (1000ull * US)
#define HIF(off) (SHBA_HOSTIF_BASE + (off))
#define FIFOR(off) (SHBA_FIFO_BASE + (off))

/* CONFIG reset value used by most tests: WIDE16, DMA16 ch5, DMA8 ch1, IRQ5 */
#define CFG_DEFAULT \
    (SHBA_HOST_CONFIG_WIDE16 | ((unsigned)SHBA_HOST_CONFIG_DMA16_SEL_CODE(5) << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT) | \
     ((unsigned)SHBA_HOST_CONFIG_DMA8_SEL_CODE(1) << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT) | \
     ((unsigned)SHBA_HOST_CONFIG_IRQ_SEL_CODE(5) << SHBA_HOST_CONFIG_IRQ_SEL_SHIFT))

enum { DEMAND = 0x00, SINGLE = 0x40, BLOCK = 0x80 };

static struct pc *pc;
static struct bus_master *cpu;        /* the firmware's accesses */
static struct byte_stream *engine;    /* the SD engine's end of the FIFO */
static uint16_t base = SHBA_HOST_IO_BASE_DEFAULT;
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
    struct pc_config pcfg = { trace };
    pc = pc_create(&pcfg);
    struct isa_interface_pins *top = top_isa_interface_pins();
    cpu = bus_master_create(&top->cpu);
    engine = byte_stream_create(&top->fifo, &top->fifo_dir_to_host, 1);
    if (!pc || !cpu || !engine)
        exit(2);
    base = base_sel < SHBA_HOST_IO_BASE_COUNT ? bases[base_sel] : SHBA_HOST_IO_BASE_DEFAULT;
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
    uint8_t m = (uint8_t)(mode | (to_memory ? 0x04 : 0x08) | (autoinit ? 0x10 : 0) | (ch & 3));
    static const uint8_t page_port[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };
    if (ch < 4) {
        uint16_t addr = (uint16_t)phys, count = (uint16_t)(nbytes - 1);
        pc_outb(pc, 0x0A, (uint8_t)(0x04 | ch));
        pc_outb(pc, 0x0C, 0);
        pc_outb(pc, 0x0B, m);
        pc_outb(pc, (uint16_t)(ch * 2), (uint8_t)addr);
        pc_outb(pc, (uint16_t)(ch * 2), (uint8_t)(addr >> 8));
        pc_outb(pc, (uint16_t)(ch * 2 + 1), (uint8_t)count);
        pc_outb(pc, (uint16_t)(ch * 2 + 1), (uint8_t)(count >> 8));
        pc_outb(pc, page_port[ch], (uint8_t)(phys >> 16));
        pc_outb(pc, 0x0A, (uint8_t)ch);
    } else {
        int c = ch - 4;
        uint16_t addr = (uint16_t)(phys >> 1), count = (uint16_t)(nbytes / 2 - 1);
        pc_outb(pc, 0xD4, (uint8_t)(0x04 | c));
        pc_outb(pc, 0xD8, 0);
        pc_outb(pc, 0xD6, m);
        pc_outb(pc, (uint16_t)(0xC0 + c * 4), (uint8_t)addr);
        pc_outb(pc, (uint16_t)(0xC0 + c * 4), (uint8_t)(addr >> 8));
        pc_outb(pc, (uint16_t)(0xC2 + c * 4), (uint8_t)count);
        pc_outb(pc, (uint16_t)(0xC2 + c * 4), (uint8_t)(count >> 8));
        pc_outb(pc, page_port[ch & 7], (uint8_t)((phys >> 16) & 0xFE));
        pc_outb(pc, 0xD4, (uint8_t)c);
    }
}

static uint8_t dma_status(int ch)
{
    return pc_inb(pc, ch < 4 ? 0x08 : 0xD0);
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
    isatb_cpu_write(HIF(SHBA_HOSTIF_EVENTS), SHBA_HOSTIF_EVENTS_START);
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
    setup(0, CFG_DEFAULT, NULL);
    CHECK(rd(SHBA_HOST_STATUS) == 0, "STATUS after reset 0x%02x", rd(SHBA_HOST_STATUS));
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
    for (unsigned off = 0xB; off <= 0xF; off++) {
        wr(off, 0xFF);
        CHECK(rd(off) == 0x00, "reserved port 0x%x", off);
    }
    CHECK(rd(SHBA_HOST_CONFIG) == CFG_DEFAULT && rd(SHBA_HOST_STATUS) == 0, "reserved writes had effects");
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
    /* CPU interrupt: EVENTS & EVENT_EN */
    cpu_write(HIF(SHBA_HOSTIF_EVENT_EN), SHBA_HOSTIF_EVENTS_ABORT);
    CHECK(!top_isa_interface_pins()->cpu_irq, "cpu_irq without ABORT");
    wr(SHBA_HOST_CONTROL, SHBA_HOST_CONTROL_ABORT);
    pc_idle_ps(pc, US);
    CHECK(top_isa_interface_pins()->cpu_irq, "cpu_irq on ABORT");
    cpu_write(HIF(SHBA_HOSTIF_EVENTS), SHBA_HOSTIF_EVENTS_ABORT);
    CHECK(!top_isa_interface_pins()->cpu_irq, "cpu_irq after W1C");
    CHECK(cpu_read(HIF(SHBA_HOSTIF_RESET_CAUSE)) == SHBA_HOSTIF_RESET_CAUSE_POWER_ON, "RESET_CAUSE");
    /* unmapped CPU addresses answer 0 */
    CHECK(cpu_read(SHBA_HOSTIF_BASE + 0x8000) == 0, "unmapped read");
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
        pc_outb(pc, 0x83, 0x12);
        CHECK(pc_inb(pc, 0x83) == 0x12, "page register");
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
    pc_outb(pc, 0x09, 0x04 | 1);
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
    pc_outb(pc, 0x09, 0x04 | 1);
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
    pc_outb(pc, 0x0A, 0x04 | 1);   /* keep the 8237 masked: DRQ stays up */
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
    isatb_cpu_write(HIF(SHBA_HOSTIF_EVENTS), 0xF);
    CHECK(!(rd(SHBA_HOST_STATUS) & SHBA_HOST_STATUS_BUSY), "BUSY after CMD_DONE");
    fw_fifo(1, 1);
    isatb_source(data, sizeof data, 0, 0);
    dma_prog(1, DEMAND, 1, 0x20000, 64, 0);
    wr(SHBA_HOST_XFER_COUNT0, 64);
    wr(SHBA_HOST_XFER_COUNT1, 0);
    wr(SHBA_HOST_XFER_COUNT2, 0);
    wr(SHBA_HOST_XFER_CTRL, SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST);
    pc_idle_ps(pc, 20 * US);
    CHECK(!(rd(SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM), "late ARM taken: XFER_CTRL 0x%02x",
          rd(SHBA_HOST_XFER_CTRL));
    CHECK(!(isatb_cpu_read(HIF(SHBA_HOSTIF_XFER_CTRL)) & SHBA_HOST_XFER_CTRL_ARM), "CPU sees ARM");
    CHECK(fw_events() == 0, "late ARM raised events 0x%x", fw_events());
    CHECK(!(cosim_pins()->isa_drq & 2), "DRQ without a command");
    CHECK(isatb_cpu_read(HIF(SHBA_HOSTIF_XFER_DONE)) == 0, "bytes moved without a command");
    /* an empty segment is not taken either (it would post SEG_END) */
    card_arm(0, 0);
    wr(SHBA_HOST_XFER_CTRL, SHBA_HOST_XFER_CTRL_ARM);
    CHECK(fw_events() == 0, "late empty ARM raised events 0x%x", fw_events());
    pc_outb(pc, 0x0A, 0x04 | 1);
    isatb_source(NULL, 0, 0, 0);
    /* the next command's segment takes and moves every byte */
    xfer(1, 1, DEMAND, 0x21000, 1024, 0, 0);
    xfer(5, 0, DEMAND, 0x22000, 512, 0, 0);
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

/* ---------------- benchmark ---------------- */

static void bench(const char *out)
{
    /* limits of the modelled 8237 timing (DMA clock = BCLK/2 = 4.1667 MHz):
     * demand: 5 clocks per transfer; single: 5 + 1.5 + 2.5 = 9 clocks */
    const double dclk_hz = 1e12 / (2.0 * 120000.0);
    struct {
        const char *name;
        int ch, mode;
        double clocks;
    } runs[4] = {
        { "dma8_single", 1, SINGLE, 9.0 },
        { "dma8_demand", 1, DEMAND, 5.0 },
        { "dma16_demand", 5, DEMAND, 5.0 },
        { "dma16_single", 5, SINGLE, 9.0 },
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
        double limit = (wide ? 2.0 : 1.0) * dclk_hz / runs[i].clocks / 1000.0;
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
    } else if (!strcmp(t, "pio")) {
        t_pio();
    } else if (!strcmp(t, "trace")) {
        t_trace();
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
