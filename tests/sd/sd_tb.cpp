// Testbench for the SD path on the co-simulation kernel's sd_path
// configuration (tests/sd/sd_path_top.v: the real stream engine and the real
// data FIFO with its routing), the real SD card model on the SPI pins, and
// the real firmware driver compiled for the host (its register accessors
// drive the top's bus port through the kernel's bus master device).  The
// FIFO's far (ISA) end is a byte stream device.
//
//   sd_tb TEST [WAVE.fst]  run one test (sd_tb list shows them); exit 0 = pass
//   sd_tb bench OUT        measure multi-block throughput at 18 MHz, write JSON
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <fcntl.h>
#include <unistd.h>

extern "C" {
#include "bus_master.h"
#include "byte_stream.h"
#include "cosim.h"
#include "sd_card_model.h"
#include "sd_driver.h"
#include "softhba_regs.h"
#include "top_sd_path.h"
}

// ---------------------------------------------------------------- harness
static const uint64_t CLK_HZ = SHBA_SOC_CLK_HZ;
static const char *wave_file;
static sd_card *card;
static sd_path_pins *tp;               // the top's ports beyond card_pins
static bus_master *bus;                // the CPU (the driver's register accesses)
static byte_stream *host;              // the FIFO's far (ISA) side

static const size_t FIFO_DEPTH = SHBA_FIFO_DEPTH;
static const size_t HOST_IN_CAP = 128 * 512;
static uint8_t host_in[HOST_IN_CAP];   // bytes the far side popped (reads)
static std::vector<uint8_t> host_out;  // bytes the far side pushes (writes)
static unsigned drain_every = 1;       // far side moves a byte every N cycles (0: never)
static uint64_t fifo_full_cycles;
static uint64_t total_cycles;          // over every kernel run of the test
static unsigned access_cycles = 2;     // extra cycles per register access (CPU speed)

// wire fault: invert MOSI at the N-th rising SCK edge after arming
static long flip_countdown = -1;
static int flip_on_write_start;        // arm on START_WRITE with this bit offset
static long flip_offset;
static int last_sck;
// wire fault on MISO: invert the bit sent after the N-th falling SCK edge
// counted from START_READ
static long miso_flip_at = -1, miso_falls;
static int miso_flip_on_read_start;
static bool sck_fell;
// SCK period seen on the pins (core clocks between rising edges)
static uint64_t sck_last_rise, sck_period_min = ~0ull, sck_period_max;
static void sck_period_reset() { sck_period_min = ~0ull; sck_period_max = 0; sck_last_rise = 0; }

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

// Device before the SD card model: watches SCK, flips a MOSI bit on request.
static void wire_to_card(void *, uint64_t)
{
    card_pins *p = cosim_pins();
    int sck = p->sd_sck;
    bool rise = sck && !last_sck;
    sck_fell = !sck && last_sck;
    last_sck = sck;
    if (rise && flip_countdown >= 0) {
        if (flip_countdown == 0) p->sd_mosi ^= 1;   // this edge only: the next copies it back
        flip_countdown--;
    }
    if (rise) {
        uint64_t now = cosim_cycles();
        if (sck_last_rise) {
            uint64_t period = now - sck_last_rise;
            if (period < sck_period_min) sck_period_min = period;
            if (period > sck_period_max) sck_period_max = period;
        }
        sck_last_rise = now;
    }
}

// Device after the SD card model: flips a MISO bit on request, and checks the
// engine's side of the FIFO handshake.
static void wire_from_card(void *, uint64_t)
{
    card_pins *p = cosim_pins();
    if (miso_flip_at >= 0) {
        if (sck_fell) miso_falls++;
        if (miso_falls == miso_flip_at) p->sd_miso ^= 1;
        if (miso_falls > miso_flip_at) miso_flip_at = -1;
    }
    if (tp->eng_push && (tp->host.full || !tp->fifo_dir_to_host)) fail("engine pushed into a full FIFO");
    if (tp->eng_pop && (tp->host.empty || tp->fifo_dir_to_host)) fail("engine popped an empty FIFO");
    if (tp->fifo_level >= FIFO_DEPTH) fifo_full_cycles++;
}

static void idle_cycles(unsigned n)
{
    while (n--)
        if (cosim_step() != 0) fail("the kernel stopped (cycle limit)");
}

extern "C" uint32_t sd_hw_read(uint32_t off)
{
    idle_cycles(access_cycles);
    return bus_master_read(bus, SHBA_SD_BASE + off);
}

extern "C" void sd_hw_write(uint32_t off, uint32_t val)
{
    idle_cycles(access_cycles);
    if (off == SHBA_SD_CMD && (val & SHBA_SD_CMD_START_READ) && miso_flip_on_read_start) {
        miso_falls = 0;
        miso_flip_at = flip_offset;
        miso_flip_on_read_start = 0;
    }
    if (off == SHBA_SD_CMD && (val & SHBA_SD_CMD_START_WRITE) && flip_on_write_start) {
        flip_countdown = flip_offset;
        flip_on_write_start = 0;
    }
    bus_master_write(bus, SHBA_SD_BASE + off, val);
}

// The far side's buffers: what it pops and what it pushes.
static size_t host_in_len() { return byte_stream_sink_len(host); }
static void host_in_clear() { byte_stream_sink(host, host_in, HOST_IN_CAP); }
static void host_out_set(std::vector<uint8_t> data)
{
    host_out = std::move(data);
    byte_stream_source(host, host_out.empty() ? nullptr : host_out.data(), host_out.size(), 0, 0);
}

static void set_drain(unsigned every)
{
    drain_every = every;
    byte_stream_pace(host, every);
}

// The FIFO direction, as the firmware sets it before starting the engine.
static void fifo_direction(bool to_host)
{
    bus_master_write(bus, SHBA_FIFO_BASE + SHBA_FIFO_CTRL, to_host ? SHBA_FIFO_CTRL_DIR_TO_HOST : 0);
}

static int drv_read(sd_dev *d, uint32_t lba, uint32_t count)
{
    fifo_direction(true);
    return sd_read_blocks(d, lba, count);
}

static int drv_write(sd_dev *d, uint32_t lba, uint32_t count)
{
    fifo_direction(false);
    return sd_write_blocks(d, lba, count);
}

// ---------------------------------------------------------------- image
static std::string image_path;
static uint64_t image_size;

static uint32_t rng_state = 12345;
static uint8_t rnd() { rng_state = rng_state * 1103515245u + 12345u; return (uint8_t)(rng_state >> 16); }

static void make_image(uint64_t size)
{
    image_path = std::string("build/sd/img-") + std::to_string(getpid()) + ".bin";
    FILE *f = fopen(image_path.c_str(), "wb");
    if (!f) fail("cannot create %s", image_path.c_str());
    std::vector<uint8_t> buf(size);
    for (auto &b : buf) b = rnd();
    fwrite(buf.data(), 1, size, f);
    fclose(f);
    image_size = size;
}

static std::vector<uint8_t> read_image()
{
    std::vector<uint8_t> buf(image_size);
    int fd = open(image_path.c_str(), O_RDONLY);
    if (fd < 0 || pread(fd, buf.data(), image_size, 0) != (ssize_t)image_size) fail("reading image");
    close(fd);
    return buf;
}

static std::vector<uint8_t> random_bytes(size_t n)
{
    std::vector<uint8_t> v(n);
    for (auto &b : v) b = rnd();
    return v;
}

// ---------------------------------------------------------------- setup
static sd_dev dev;
static sd_card_options copt;

static void setup(uint64_t img_size, sd_card_type type, void (*tweak)(sd_card_options *) = nullptr)
{
    make_image(img_size);
    sd_card_default_options(&copt);
    copt.image_path = image_path.c_str();
    copt.type = type;
    if (tweak) tweak(&copt);
    copt.verbose = getenv("SD_VERBOSE") != nullptr;
    card = sd_card_open(&copt);
    if (!card) fail("sd_card_open");
    cosim_options opt{};
    opt.wave_file = wave_file;
    if (cosim_init(&opt) != 0) fail("cosim_init");
    tp = top_sd_path_pins();
    last_sck = 0;
    cosim_add_device(wire_to_card, nullptr);
    sd_card_attach_cosim(card);
    cosim_add_device(wire_from_card, nullptr);
    bus = bus_master_create(&tp->bus);
    host = byte_stream_create(&tp->host, &tp->fifo_dir_to_host, 0);
    if (!bus || !host) fail("out of memory");
    byte_stream_pace(host, drain_every);
    host_in_clear();
    idle_cycles(2);
    sd_dev_defaults(&dev);
    dev.token_timeout = 100;   // 2.8 ms: keeps the fault tests short
    dev.busy_timeout = 200;    // 5.7 ms
}

static void teardown()
{
    if (bus_master_errors(bus)) fail("%llu bus accesses never answered", (unsigned long long)bus_master_errors(bus));
    total_cycles += cosim_cycles();
    cosim_shutdown();
    bus_master_destroy(bus);
    byte_stream_destroy(host);
    bus = nullptr;
    host = nullptr;
    sd_card_close(card);
    unlink(image_path.c_str());
}

static void expect_err(int got, int want, const char *what)
{
    if (got != want)
        fail("%s: got %d (%s), want %d (%s)", what, got, sd_err_name(got), want, sd_err_name(want));
}

static void init_ok()
{
    expect_err(sd_init(&dev), SD_OK, "sd_init");
}

// read count blocks through the driver and check them against the image file
static void read_check(uint32_t lba, uint32_t count)
{
    host_in_clear();
    host_out_set({});
    int e = drv_read(&dev, lba, count);
    if (e != SD_OK)
        fprintf(stderr, "read lba %u count %u: done %u, engine status %08x crc %04x, %zu bytes out\n",
                lba, count, dev.blocks_done, dev.last_engine_status,
                sd_hw_read(SHBA_SD_CRC), host_in_len() + (size_t)tp->fifo_level);
    expect_err(e, SD_OK, "read");
    idle_cycles(FIFO_DEPTH * (drain_every ? drain_every : 1) + 10);
    if (dev.blocks_done != count) fail("read: %u blocks done, want %u", dev.blocks_done, count);
    if (host_in_len() != (size_t)count * 512) fail("read: %zu bytes through the FIFO, want %u", host_in_len(), count * 512);
    std::vector<uint8_t> img = read_image();
    if (memcmp(host_in, img.data() + (size_t)lba * 512, host_in_len()) != 0)
        fail("read: data differs from the image at lba %u", lba);
}

// write count blocks of fresh random data; check the image file right after
static std::vector<uint8_t> write_check(uint32_t lba, uint32_t count)
{
    std::vector<uint8_t> before = read_image();
    std::vector<uint8_t> data = random_bytes((size_t)count * 512);
    host_in_clear();
    host_out_set(data);
    expect_err(drv_write(&dev, lba, count), SD_OK, "write");
    if (dev.blocks_done != count) fail("write: %u blocks done", dev.blocks_done);
    std::vector<uint8_t> img = read_image();   // reported complete: must be in the file now
    memcpy(before.data() + (size_t)lba * 512, data.data(), data.size());
    if (img != before) fail("write: image differs from what was written (lba %u count %u)", lba, count);
    host_out_set({});
    return data;
}

// Empties the FIFO (CTRL.CLEAR, direction kept) and the far side's buffers.
static void fifo_reset()
{
    host_out_set({});
    bus_master_write(bus, SHBA_FIFO_BASE + SHBA_FIFO_CTRL,
                     SHBA_FIFO_CTRL_CLEAR | (tp->fifo_dir_to_host ? SHBA_FIFO_CTRL_DIR_TO_HOST : 0));
    idle_cycles(2);   // the clear pulse, then the FIFO's reset
    host_in_clear();
}

// ---------------------------------------------------------------- tests
static void t_init_sdsc()
{
    setup(4 << 20, SD_CARD_SDSC);
    sck_period_reset();
    init_ok();
    // 400 kHz all through init: 90 core clocks per SCK period at 36 MHz
    if (sck_period_min != 90) fail("init SCK period %llu clocks, want 90", (unsigned long long)sck_period_min);
    if (dev.sdhc || !dev.v2) fail("SDSC v2 expected: sdhc %d v2 %d", dev.sdhc, dev.v2);
    if (dev.blocks != (4u << 20) / 512) fail("capacity %u blocks", dev.blocks);
    if (dev.cid[1] != 'S' || dev.cid[2] != 'H') fail("CID not read");
    if ((sd_hw_read(SHBA_SD_DIV) & 0xFF) != SHBA_SD_DIV_FAST) fail("not at full speed after init");
    read_check(0, 1);
    read_check(8191, 1);
    teardown();
}

static void t_init_sdhc()
{
    setup(8 << 20, SD_CARD_SDHC);
    init_ok();
    if (!dev.sdhc) fail("SDHC expected");
    if (dev.blocks != (8u << 20) / 512) fail("capacity %u blocks", dev.blocks);
    if (!(dev.ocr & 0x80000000u)) fail("OCR power-up bit");
    read_check(5, 1);
    read_check(16383, 1);
    teardown();
}

static void v1_card(sd_card_options *o) { o->version1 = 1; }
static void t_init_v1()
{
    setup(2 << 20, SD_CARD_SDSC, v1_card);
    init_ok();
    if (dev.v2 || dev.sdhc) fail("v1 card expected");
    read_check(3, 2);
    teardown();
}

static void t_init_nocard()
{
    setup(1 << 20, SD_CARD_SDSC);
    init_ok();
    sd_fault f = {SD_FAULT_REMOVED, 0, 0, 10};     // pulled 10 bytes into the next block
    sd_card_set_fault(card, &f);
    host_in_clear();
    expect_err(drv_read(&dev, 0, 1), SD_ERR_NO_CARD, "read with the card pulled");
    expect_err(sd_init(&dev), SD_ERR_NO_CARD, "init without a card");
    sd_card_clear_fault(card);
    fifo_reset();
    init_ok();
    teardown();
}

static void t_read_single()
{
    for (int hc = 0; hc < 2; hc++) {
        setup(2 << 20, hc ? SD_CARD_SDHC : SD_CARD_SDSC);
        init_ok();
        for (uint32_t lba : {0u, 1u, 77u, 1000u, 4095u}) read_check(lba, 1);
        teardown();
    }
}

static void t_read_multi()
{
    for (int hc = 0; hc < 2; hc++) {
        setup(2 << 20, hc ? SD_CARD_SDHC : SD_CARD_SDSC);
        init_ok();
        read_check(10, 2);
        read_check(100, 37);
        set_drain(40);            // slow far side: the FIFO fills, SCK must pause
        fifo_full_cycles = 0;
        read_check(300, 6);
        if (fifo_full_cycles == 0) fail("FIFO never filled: pause path not exercised");
        set_drain(1);
        read_check(4096 - 5, 5);     // up to the last block
        teardown();
    }
}

static void t_write_single()
{
    for (int hc = 0; hc < 2; hc++) {
        setup(2 << 20, hc ? SD_CARD_SDHC : SD_CARD_SDSC);
        init_ok();
        for (uint32_t lba : {0u, 9u, 4095u}) {
            write_check(lba, 1);
            read_check(lba, 1);
        }
        teardown();
    }
}

static void t_write_multi()
{
    for (int hc = 0; hc < 2; hc++) {
        setup(2 << 20, hc ? SD_CARD_SDHC : SD_CARD_SDSC);
        init_ok();
        write_check(20, 2);
        write_check(200, 33);
        read_check(200, 33);
        set_drain(30);            // slow far side: the FIFO runs empty, SCK must pause
        write_check(500, 5);
        set_drain(1);
        read_check(500, 5);
        write_check(4096 - 3, 3);
        const sd_card_stats *s = sd_card_get_stats(card);
        if (s->blocks_written != 2 + 33 + 5 + 3) fail("card programmed %llu blocks", (unsigned long long)s->blocks_written);
        teardown();
    }
}

// an operation that fails must leave the image as it was, apart from the
// blocks the driver reported done
static void check_image_unchanged(const std::vector<uint8_t> &before, const char *what)
{
    if (read_image() != before) fail("%s: the image changed", what);
}

static void t_fault_read_crc()
{
    setup(1 << 20, SD_CARD_SDHC);
    init_ok();
    sd_fault f = {SD_FAULT_READ_CRC, 2, 0, 0};       // third block on
    sd_card_set_fault(card, &f);
    fifo_reset();
    expect_err(drv_read(&dev, 10, 5), SD_ERR_READ_CRC, "multi read, bad CRC");
    if (dev.blocks_done != 2) fail("blocks done %u, want 2", dev.blocks_done);
    if (!(dev.last_engine_status & SHBA_SD_STATUS_CRC_ERROR)) fail("engine CRC_ERROR bit");
    fifo_reset();
    expect_err(drv_read(&dev, 10, 1), SD_ERR_READ_CRC, "single read, bad CRC");
    uint8_t k, a, q;
    sd_err_sense(SD_ERR_READ_CRC, &k, &a, &q);
    if (k != 3 || a != 0x11) fail("sense for a read CRC error");
    sd_card_clear_fault(card);
    fifo_reset();
    read_check(10, 5);
    teardown();
}

static void t_fault_no_token()
{
    setup(1 << 20, SD_CARD_SDSC);
    init_ok();
    sd_fault f = {SD_FAULT_NO_TOKEN, 0, 0, 0};
    sd_card_set_fault(card, &f);
    fifo_reset();
    expect_err(drv_read(&dev, 3, 1), SD_ERR_READ_TIMEOUT, "no start token");
    if (!(dev.last_engine_status & SHBA_SD_STATUS_TOKEN_TIMEOUT)) fail("engine TOKEN_TIMEOUT bit");
    if (tp->fifo_level != 0 || host_in_len() != 0) fail("data reached the FIFO");
    sd_card_clear_fault(card);
    read_check(3, 1);
    // once: the driver retries from the failed block and succeeds
    f = {SD_FAULT_NO_TOKEN, 3, 1, 0};
    sd_card_set_fault(card, &f);
    uint32_t r = dev.retries;
    read_check(40, 8);
    if (dev.retries != r + 1) fail("expected one retry, got %u", dev.retries - r);
    teardown();
}

static void t_fault_write_reject()
{
    setup(1 << 20, SD_CARD_SDHC);
    init_ok();
    std::vector<uint8_t> before = read_image();
    sd_fault f = {SD_FAULT_WRITE_REJECT, 0, 0, 0};
    sd_card_set_fault(card, &f);
    host_out_set(random_bytes(512));
    expect_err(drv_write(&dev, 7, 1), SD_ERR_WRITE, "single write rejected");
    if (!(dev.last_engine_status & SHBA_SD_STATUS_DATA_REJECTED) || (dev.last_token & 0x1F) != 0x0D)
        fail("engine DATA_REJECTED with token 0x0D (token %02x)", dev.last_token);
    check_image_unchanged(before, "rejected single write");
    // multi: the third block is rejected, the first two are programmed
    fifo_reset();
    f = {SD_FAULT_WRITE_REJECT, 2, 0, 0};
    sd_card_set_fault(card, &f);
    host_out_set(random_bytes(6 * 512));
    expect_err(drv_write(&dev, 50, 6), SD_ERR_WRITE, "multi write rejected");
    if (dev.blocks_done != 2) fail("blocks done %u, want 2", dev.blocks_done);
    memcpy(before.data() + 50 * 512, host_out.data(), 2 * 512);
    check_image_unchanged(before, "rejected multi write");
    sd_card_clear_fault(card);
    fifo_reset();
    write_check(50, 6);
    read_check(50, 6);
    teardown();
}

static void t_fault_busy_forever()
{
    setup(1 << 20, SD_CARD_SDSC);
    init_ok();
    std::vector<uint8_t> before = read_image();
    sd_fault f = {SD_FAULT_BUSY_FOREVER, 1, 0, 0};
    sd_card_set_fault(card, &f);
    host_out_set(random_bytes(3 * 512));
    expect_err(drv_write(&dev, 30, 3), SD_ERR_BUSY_TIMEOUT, "busy forever");
    if (!(dev.last_engine_status & SHBA_SD_STATUS_BUSY_TIMEOUT)) fail("engine BUSY_TIMEOUT bit");
    if (dev.blocks_done != 1) fail("blocks done %u, want 1", dev.blocks_done);
    memcpy(before.data() + 30 * 512, host_out.data(), 512);
    check_image_unchanged(before, "busy forever");
    sd_card_clear_fault(card);       // the card gives up the stuck block
    check_image_unchanged(before, "busy forever, abandoned");
    fifo_reset();
    write_check(30, 3);
    read_check(30, 3);
    teardown();
}

static void t_fault_removed()
{
    setup(1 << 20, SD_CARD_SDHC);
    init_ok();
    std::vector<uint8_t> before = read_image();
    // pulled in the middle of the second block of a multi-block read
    sd_fault f = {SD_FAULT_REMOVED, 1, 0, 200};
    sd_card_set_fault(card, &f);
    fifo_reset();
    expect_err(drv_read(&dev, 0, 4), SD_ERR_NO_CARD, "removed during read");
    if (dev.blocks_done != 1) fail("blocks done %u, want 1", dev.blocks_done);
    uint8_t k, a, q;
    sd_err_sense(SD_ERR_NO_CARD, &k, &a, &q);
    if (k != 2 || a != 0x3A) fail("sense for no card");
    expect_err(drv_read(&dev, 0, 1), SD_ERR_NO_CARD, "read with no card");
    sd_card_clear_fault(card);       // re-inserted: the driver initialises it again
    fifo_reset();
    uint32_t ri = dev.reinits;
    read_check(0, 4);
    if (dev.reinits == ri) fail("no re-initialisation");
    // pulled in the middle of a write block
    f = {SD_FAULT_REMOVED, 0, 0, 300};
    sd_card_set_fault(card, &f);
    fifo_reset();
    host_out_set(random_bytes(2 * 512));
    expect_err(drv_write(&dev, 60, 2), SD_ERR_NO_CARD, "removed during write");
    check_image_unchanged(before, "removed during write");
    sd_card_clear_fault(card);
    fifo_reset();
    write_check(60, 2);
    teardown();
}

static void t_fault_out_of_range()
{
    setup(1 << 20, SD_CARD_SDSC);
    init_ok();
    std::vector<uint8_t> before = read_image();
    // the driver refuses what it knows is beyond the card
    expect_err(drv_read(&dev, 2048, 1), SD_ERR_OUT_OF_RANGE, "read past the end (driver)");
    expect_err(drv_write(&dev, 2047, 2), SD_ERR_OUT_OF_RANGE, "write past the end (driver)");
    // the card refuses it too
    dev.blocks += 64;
    fifo_reset();
    expect_err(drv_read(&dev, 2050, 1), SD_ERR_OUT_OF_RANGE, "read past the end (card)");
    expect_err(drv_write(&dev, 2050, 1), SD_ERR_OUT_OF_RANGE, "write past the end (card)");
    fifo_reset();
    expect_err(drv_read(&dev, 2046, 4), SD_ERR_OUT_OF_RANGE, "multi read running off the end");
    if (dev.blocks_done != 2) fail("blocks done %u, want 2", dev.blocks_done);
    if (!(dev.last_engine_status & SHBA_SD_STATUS_ERROR_TOKEN)) fail("engine ERROR_TOKEN bit");
    dev.blocks -= 64;
    // injected: the card says out of range for an address that is fine
    sd_fault f = {SD_FAULT_OUT_OF_RANGE, 0, 1, 0};
    sd_card_set_fault(card, &f);
    fifo_reset();
    expect_err(drv_read(&dev, 5, 1), SD_ERR_OUT_OF_RANGE, "injected out of range");
    sd_card_set_fault(card, &f);
    host_out_set(random_bytes(512));
    expect_err(drv_write(&dev, 5, 1), SD_ERR_OUT_OF_RANGE, "injected out of range (write)");
    check_image_unchanged(before, "out of range");
    fifo_reset();
    read_check(5, 1);
    write_check(5, 1);
    teardown();
}

static void write_protected(sd_card_options *o) { o->write_protect = 1; }
static void t_write_protect()
{
    setup(1 << 20, SD_CARD_SDHC, write_protected);
    init_ok();
    std::vector<uint8_t> before = read_image();
    host_out_set(random_bytes(512 * 2));
    expect_err(drv_write(&dev, 1, 2), SD_ERR_WRITE_PROTECTED, "write protected");
    uint8_t k, a, q;
    sd_err_sense(SD_ERR_WRITE_PROTECTED, &k, &a, &q);
    if (k != 7 || a != 0x27) fail("sense for write protect");
    check_image_unchanged(before, "write protected");
    fifo_reset();
    read_check(1, 2);
    teardown();
}

static void t_wire_crc()
{
    setup(1 << 20, SD_CARD_SDHC);
    init_ok();
    // a data bit flipped on MOSI: the card answers 'CRC error'
    std::vector<uint8_t> before = read_image();
    flip_on_write_start = 1;
    flip_offset = 8 + 8 + 1000;        // gap byte, start token, then inside the data
    host_out_set(random_bytes(512));
    expect_err(drv_write(&dev, 9, 1), SD_ERR_WRITE_CRC, "write with a flipped bit");
    if ((dev.last_token & 0x1F) != 0x0B) fail("data response %02x, want CRC error", dev.last_token);
    if (sd_card_get_stats(card)->data_crc_errors != 1) fail("card saw no data CRC error");
    check_image_unchanged(before, "write with a flipped bit");
    fifo_reset();
    write_check(9, 1);
    // a command bit flipped on MOSI: R1 says CRC error, the driver sends it again
    uint32_t r = dev.retries;
    flip_countdown = 8 + 20;           // wait-ready byte, then inside CMD17
    read_check(9, 1);
    if (dev.retries != r + 1) fail("command CRC error not retried");
    if (sd_card_get_stats(card)->cmd_crc_errors != 1) fail("card saw no command CRC error");
    // a data bit flipped on MISO: the engine's CRC16 check catches it
    miso_flip_on_read_start = 1;
    flip_offset = 1500;                // past the token wait (10 us = 180 bits), inside the data
    fifo_reset();
    expect_err(drv_read(&dev, 9, 1), SD_ERR_READ_CRC, "read with a flipped MISO bit");
    if (!(dev.last_engine_status & SHBA_SD_STATUS_CRC_ERROR)) fail("engine CRC_ERROR bit");
    fifo_reset();
    read_check(9, 1);
    teardown();
}

// the divider: transfers at other SCK rates, and DIV readback
static void t_divider()
{
    for (uint8_t div : {1, 2, 5}) {
        setup(1 << 20, SD_CARD_SDHC);
        dev.div_fast = div;
        init_ok();
        if ((sd_hw_read(SHBA_SD_DIV) & 0xFF) != div) fail("DIV %u", div);
        sck_period_reset();
        write_check(100, 3);
        read_check(100, 3);
        read_check(7, 1);
        if (sck_period_min != 2u * (div + 1)) fail("SCK period %llu clocks at DIV %u",
                                                  (unsigned long long)sck_period_min, div);
        teardown();
    }
}

static void t_irq_abort()
{
    setup(1 << 20, SD_CARD_SDHC);
    init_ok();
    // irq follows DONE when enabled
    sd_hw_write(SHBA_SD_IRQ_EN, SHBA_SD_IRQ_EN_DONE);
    read_check(0, 1);
    if (tp->irq) fail("irq still up after the driver cleared DONE");
    sd_hw_write(SHBA_SD_CTRL, SHBA_SD_CTRL_CS);
    sd_hw_write(SHBA_SD_BLK_COUNT, 1);
    sd_hw_write(SHBA_SD_CMD, SHBA_SD_CMD_START_READ);   // no command sent: times out
    while (!(sd_hw_read(SHBA_SD_STATUS) & SHBA_SD_STATUS_DONE)) {}
    if (!tp->irq) fail("no irq on DONE");
    sd_hw_write(SHBA_SD_STATUS, SHBA_SD_STATUS_DONE | SHBA_SD_STATUS_TOKEN_TIMEOUT);
    if (sd_hw_read(SHBA_SD_STATUS) & (SHBA_SD_STATUS_DONE | SHBA_SD_STATUS_TOKEN_TIMEOUT)) fail("w1c");
    idle_cycles(2);
    if (tp->irq) fail("irq after clearing DONE");
    sd_hw_write(SHBA_SD_IRQ_EN, 0);
    sd_hw_write(SHBA_SD_CTRL, 0);
    // the far side never reads: the FIFO fills, the engine waits, the
    // caller gives up through the wait callback
    set_drain(0);
    static int polls;
    polls = 0;
    dev.wait_cb = [](void *) -> int { return ++polls > 20000; };
    fifo_reset();
    expect_err(drv_read(&dev, 0, 8), SD_ERR_ABORTED, "aborted read");
    if (!(dev.last_engine_status & SHBA_SD_STATUS_ABORTED)) fail("engine ABORTED bit");
    if (tp->fifo_level != FIFO_DEPTH) fail("FIFO not full when aborted (%u)", (unsigned)tp->fifo_level);
    dev.wait_cb = nullptr;
    set_drain(1);
    fifo_reset();
    read_check(0, 3);
    teardown();
}

// ---------------------------------------------------------------- bench
static void bench(const char *out)
{
    setup(16 << 20, SD_CARD_SDHC);
    init_ok();
    access_cycles = 6;       // a modest RV32 core: a few cycles per load/store loop
    const uint32_t N = 64;
    sck_period_reset();
    const double f_sck = CLK_HZ / 2.0;
    // read
    uint64_t t0 = cosim_now_ps();
    read_check(1000, N);
    uint64_t t_read = cosim_now_ps() - t0;
    // write
    t0 = cosim_now_ps();
    write_check(3000, N);
    uint64_t t_write = cosim_now_ps() - t0;
    if (sck_period_min != 2) fail("SCK period %llu at DIV 0", (unsigned long long)sck_period_min);
    double bytes = N * 512.0;
    double rd_kbps = bytes / (t_read * 1e-12) / 1000.0;
    double wr_kbps = bytes / (t_write * 1e-12) / 1000.0;
    // wire limit: every byte the protocol needs besides the data, at f_sck/8
    // read:  CMD18 6 + R1 1 + N*(token 1 + CRC 2) + CMD12 6 + stuff 1 + R1 1
    // write: CMD25 6 + R1 1 + N*(token 1 + CRC 2 + data response 1) + stop token 1
    double rd_wire_bytes = 6 + 1 + N * (512 + 3) + 6 + 1 + 1;
    double wr_wire_bytes = 6 + 1 + N * (512 + 4) + 1;
    double rd_limit = bytes / (rd_wire_bytes * 8 / f_sck) / 1000.0;
    double wr_limit = bytes / (wr_wire_bytes * 8 / f_sck) / 1000.0;
    FILE *f = fopen(out, "w");
    if (!f) fail("cannot write %s", out);
    fprintf(f, "{\"sd_read_kbps\": %.1f, \"sd_write_kbps\": %.1f, \"sd_read_ratio\": %.3f, "
               "\"sd_write_ratio\": %.3f, \"sd_read_limit_kbps\": %.1f, \"sd_write_limit_kbps\": %.1f, "
               "\"sd_spi_mhz\": %.1f, \"sd_blocks_per_transfer\": %u, \"sd_model_prog_us\": %.1f, "
               "\"sd_model_read_delay_us\": %.1f}\n",
            rd_kbps, wr_kbps, rd_kbps / rd_limit, wr_kbps / wr_limit, rd_limit, wr_limit,
            f_sck / 1e6, N, copt.prog_ps / 1e6, copt.read_delay_ps / 1e6);
    fclose(f);
    printf("SD %u-block transfers at %.0f MHz SCK: read %.1f kB/s (limit %.1f, ratio %.3f), "
           "write %.1f kB/s (limit %.1f, ratio %.3f)\n", N, f_sck / 1e6, rd_kbps, rd_limit,
           rd_kbps / rd_limit, wr_kbps, wr_limit, wr_kbps / wr_limit);
    teardown();
}

// ---------------------------------------------------------------- main
// One block through the CPU's byte mode (the firmware's own sectors): the
// bytes land in the image, come back, and never pass through the FIFO.
static void t_cpu_block()
{
    for (int hc = 0; hc < 2; hc++) {
        setup(1 << 20, hc ? SD_CARD_SDHC : SD_CARD_SDSC);
        init_ok();
        host_in_clear();
        for (uint32_t lba : {0u, 7u, 2047u}) {
            std::vector<uint8_t> before = read_image(), data = random_bytes(512), back(512);
            expect_err(sd_write_block_cpu(&dev, lba, data.data()), SD_OK, "cpu write");
            memcpy(before.data() + (size_t)lba * 512, data.data(), 512);
            if (read_image() != before) fail("cpu write: image differs (lba %u)", lba);
            expect_err(sd_read_block_cpu(&dev, lba, back.data()), SD_OK, "cpu read");
            if (back != data) fail("cpu read: data differs (lba %u)", lba);
        }
        std::vector<uint8_t> back(512, 0xAA);
        expect_err(sd_write_block_cpu(&dev, 7, nullptr), SD_OK, "cpu write of zeros");
        expect_err(sd_read_block_cpu(&dev, 7, back.data()), SD_OK, "cpu read of zeros");
        if (back != std::vector<uint8_t>(512, 0)) fail("zeros written");
        expect_err(sd_read_block_cpu(&dev, 2048, back.data()), SD_ERR_OUT_OF_RANGE, "cpu read past the end");
        if (tp->fifo_level != 0 || host_in_len() != 0) fail("CPU blocks went through the FIFO");
        sd_fault f = {SD_FAULT_READ_CRC, 0, 0, 0};
        sd_card_set_fault(card, &f);
        expect_err(sd_read_block_cpu(&dev, 3, back.data()), SD_ERR_READ_CRC, "cpu read, bad CRC");
        sd_card_clear_fault(card);
        std::vector<uint8_t> before = read_image();
        f = {SD_FAULT_REMOVED, 0, 0, 100};   // pulled 100 bytes into the block
        sd_card_set_fault(card, &f);
        std::vector<uint8_t> data = random_bytes(512);
        int e = sd_write_block_cpu(&dev, 9, data.data());
        if (e == SD_OK) fail("cpu write with the card pulled succeeded");
        check_image_unchanged(before, "cpu write, card pulled");
        sd_card_clear_fault(card);
        teardown();
    }
}

struct test { const char *name; void (*fn)(); };
static const test tests[] = {
    {"init-sdsc", t_init_sdsc}, {"init-sdhc", t_init_sdhc}, {"init-v1", t_init_v1},
    {"init-nocard", t_init_nocard},
    {"read-single", t_read_single}, {"read-multi", t_read_multi},
    {"write-single", t_write_single}, {"write-multi", t_write_multi},
    {"fault-read-crc", t_fault_read_crc}, {"fault-no-token", t_fault_no_token},
    {"fault-write-reject", t_fault_write_reject}, {"fault-busy-forever", t_fault_busy_forever},
    {"fault-removed", t_fault_removed}, {"fault-out-of-range", t_fault_out_of_range},
    {"write-protect", t_write_protect}, {"wire-crc", t_wire_crc}, {"irq-abort", t_irq_abort}, {"divider", t_divider},
    {"cpu-block", t_cpu_block},
};

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "list")) {
        for (const test &t : tests) printf("%s\n", t.name);
        return 0;
    }
    if (argc >= 3 && !strcmp(argv[1], "bench")) {
        bench(argv[2]);
        return 0;
    }
    for (const test &t : tests) {
        if (argc >= 2 && !strcmp(argv[1], t.name)) {
            if (argc >= 3) wave_file = argv[2];
            t.fn();
            printf("PASS %s (%llu cycles)\n", t.name, (unsigned long long)total_cycles);
            return 0;
        }
    }
    fprintf(stderr, "usage: %s TEST [WAVE.fst] | list | bench OUT.json\n", argv[0]);
    return 2;
}
