/* End-to-end SRB tests: the miniport under the port
 * driver emulation, against the Verilated card running the real firmware
 * and the SD card model -- the same parts as softhba-sim -- driven SRB by
 * SRB through portdrv.h so that a test can act while a request runs:
 *
 *   abort-read-single   ABORT_COMMAND in mid READ(10), 8-bit single mode
 *   abort-write-single  ABORT_COMMAND in mid WRITE(10), 8-bit single mode
 *   abort-read-demand   ABORT_COMMAND in mid READ(10), 8-bit demand mode
 *   reset-bus-srb       SRB_FUNCTION_RESET_BUS in mid READ(10), then the
 *                       class layer's unit-attention retry
 *   reset-bus-hw        HwResetBus in mid WRITE(10) (16-bit demand), then
 *                       the unit attention seen field by field
 *   timeout             a request stalls (the 8237 channel is masked under
 *                       it), TimeOutValue runs out, HwResetBus, recovery
 *   autosense           CHECK CONDITION with auto-sense, field by field
 *   underrun            INQUIRY with a 255-byte buffer: DATA_OVERRUN and
 *                       DataTransferLength from the residual
 *   late-dma-started    the card's interrupt taken before HwDmaStarted (as
 *                       NT's DPC allows) for commands that fail before any
 *                       data; the next READ(10)s get all their bytes
 *   routine-time-dma    a mixed workload on channel 1 (single mode): boot,
 *   routine-time-pio    reads/writes of odd sizes, an INQUIRY underrun,
 *                       HwResetBus and RESET_BUS with the commands after
 *                       them held while the card reboots, an abort -- and
 *                       no miniport routine call takes more than 1 ms of
 *                       simulated time (-pio: the same moved by PIO)
 *   dma-one-op(-dma16)  60 KiB SRBs whose buffers cross a 64 KiB line are
 *                       one DMA operation each (HAL map registers)
 *   busy-retry          a TEST UNIT READY during a READ(10): BUSY, retried
 *                       by the port driver on its timer until the card is free
 *   reset-hold          the request hold after RESET_BUS, in simulated time
 *   scan                the bus scan (class_scan): target 0 a disk, 1-6 absent
 *   residual-dma8       READ(10) with an SD CRC error in its 4th block and
 *   residual-dma16      WRITE(10) with its 3rd block rejected, on channel 1,
 *   residual-pio        channel 5 and by PIO: DataTransferLength is exactly
 *                       what reached the host (read), the medium (write)
 *   soak                200 seeds of the port driver's hostile interleaving
 *                       over short mixed workloads (odd sizes and buffer
 *                       offsets, the DMA page cut, aborts, bus resets, SD
 *                       faults), every byte checked, no contract violation
 *
 * The miniport is the shipped build/driver/softhba.sys in the i386 emulator
 * (sim/ntsys); --driver=native runs host_driver/softhba.c built for the
 * host instead, --driver=PATH.sys another binary.
 *
 * usage: srb-test CASE [FIRMWARE_HEX [WORK_DIR]] [--driver=sys|native|PATH.sys];
 * exit 0 when it passes.  SRB_TEST_TRACE=FILE writes the decoded bus trace
 * (docs/cosim.md), SRB_TEST_VERBOSE=1 the port driver's log to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "class_layer.h"
#include "ddk/scsi.h"
#include "dma8237_program.h"
#include "ntsys.h"
#include "softhba_regs.h"
#include "system.h"

#define PS_PER_MS 1000000000ull
/* The reset hold in these tests (NT's 4 s would step the card through 4 s
 * after every reset); driver-portdrv-nt-defaults runs NT's. */
#define SRB_TEST_RESET_HOLD_PS (10 * PS_PER_MS)
#define POLL_SLACK_PS (20 * 1000000ull)       /* the port driver's 10 us wait step, twice */
#define DISK_BLOCKS 4096u
#define BLOCK 512u

static const char *case_name = "?";
static const char *driver = "sys";

static struct system machine;     /* PC, card, SD card, port driver */
static uint64_t pio_data_bytes[2];  /* HOST DATA port bytes read [0], written [1] */
static struct {
    struct class_target t;
    char image[512];
    int fd;
    uint32_t last_lba;
} sys;

static _Noreturn void fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL srb-test %s at %.3f ms: ", case_name, cosim_now_ps() / 1e9);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint8_t rng8(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint8_t)(rng_state >> 24);
}

static void fill_random(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = rng8();
}

/* The cases whose miniport moves data by PIO only. */
static int pio_case(void)
{
    return !strcmp(case_name, "routine-time-pio") || !strcmp(case_name, "residual-pio");
}

/* A disk image of random blocks: nothing matches by accident. */
static void make_image(const char *dir)
{
    static uint8_t buf[DISK_BLOCKS * BLOCK];
    FILE *f;
    snprintf(sys.image, sizeof sys.image, "%s/srb-%s.img", dir, case_name);
    fill_random(buf, sizeof buf);
    f = fopen(sys.image, "wb");
    if (!f || fwrite(buf, 1, sizeof buf, f) != sizeof buf || fclose(f) != 0) {
        fprintf(stderr, "srb-test: %s: %s\n", sys.image, strerror(errno));
        exit(126);
    }
}

/* What the SD card has programmed: the image file itself. */
static void file_blocks(uint32_t lba, uint32_t count, uint8_t *out)
{
    ssize_t n = pread(sys.fd, out, (size_t)count * BLOCK, (off_t)lba * BLOCK);
    if (n != (ssize_t)(count * BLOCK))
        fail("pread of the image failed");
}

/* Counts the bytes the host moved through the card's DATA port (PIO). */
static void io_watch(void *ctx, const struct pc_io_cycle *c)
{
    (void)ctx;
    if (c->port == SHBA_HOST_IO_BASE_DEFAULT + SHBA_HOST_DATA)
        pio_data_bytes[c->write ? 1 : 0] += (uint64_t)c->width / 8u;
}

/* Power on (the card at the default base, IRQ 11, the channel of the case,
 * a 16-bit slot), load the miniport, clear the power-on unit attention. */
static void boot(const char *firmware, int dma, int single)
{
    struct system_config cfg = { 0 };
    struct class_result r;

    cfg.name = "srb-test";
    cfg.firmware_hex = firmware;
    cfg.jumpers.io_base = SHBA_HOST_IO_BASE_DEFAULT;
    cfg.jumpers.irq = 11;
    cfg.jumpers.dma8 = dma < 4 ? dma : SYSTEM_JUMPER_NONE;
    cfg.jumpers.dma16 = dma >= 4 ? dma : SYSTEM_JUMPER_NONE;
    cfg.jumpers.wide16 = 1;
    cfg.disk_image = sys.image;
    cfg.port_driver = 1;
    cfg.io_observer = io_watch;
    if (strcmp(driver, "native") != 0) {   /* the binary in the i386 emulator */
        if (ntsys_load(strcmp(driver, "sys") ? driver : ntsys_default_path()) != 0)
            exit(126);
        cfg.driver_entry = ntsys_driver_entry;
    }
    cfg.driver_args = pio_case() ? "pio" : single ? "single" : NULL;
    cfg.driver_log = getenv("SRB_TEST_VERBOSE") ? stderr : NULL;
    cfg.trace_path = getenv("SRB_TEST_TRACE");   /* decoded bus trace (docs/cosim.md) */
    enum system_status st = system_up(&cfg, &machine);
    if (st == SYSTEM_SETUP_FAILED)
        exit(126);
    CHECK(st == SYSTEM_UP && portdrv_adapter_count() == 1, "no adapter");
    CHECK(portdrv_config_info(0)->DmaChannel ==
          (pio_case() ? SP_UNINITIALIZED_VALUE : (ULONG)dma),
          "DMA channel %u", (unsigned)portdrv_config_info(0)->DmaChannel);
    CHECK(portdrv_config_info(0)->DemandMode == !single, "8237 mode");
    CHECK(portdrv_reset_hold() == PORTDRV_RESET_HOLD_DEFAULT_PS &&
          portdrv_busy_interval() == PORTDRV_BUSY_INTERVAL_DEFAULT_PS, "not NT's defaults");
    portdrv_set_reset_hold(SRB_TEST_RESET_HOLD_PS);
    sys.t.adapter = 0;
    sys.t.target = 0;
    sys.t.lun = 0;
    sys.t.block_size = 512;
    CHECK(class_test_unit_ready(&sys.t, &r) == 0, "TEST UNIT READY after power-on");
    CHECK(class_read_capacity(&sys.t, &sys.last_lba, &r) == 0, "READ CAPACITY");
    CHECK(sys.last_lba == DISK_BLOCKS - 1, "last LBA %u", sys.last_lba);
    sys.fd = open(sys.image, O_RDONLY);
    if (sys.fd < 0)
        exit(126);
}

static void rw_srb(PSCSI_REQUEST_BLOCK srb, int write, uint32_t lba, uint32_t count, uint8_t *buf,
                   uint8_t *sense, ULONG timeout_s)
{
    uint8_t cdb[10] = { write ? SCSIOP_WRITE : SCSIOP_READ, 0,
                        (uint8_t)(lba >> 24), (uint8_t)(lba >> 16), (uint8_t)(lba >> 8),
                        (uint8_t)lba, 0, (uint8_t)(count >> 8), (uint8_t)count, 0 };
    class_build_srb(srb, &sys.t, cdb, 10, buf, count * BLOCK,
                    write ? SRB_FLAGS_DATA_OUT : SRB_FLAGS_DATA_IN, sense, SENSE_BUFFER_SIZE,
                    timeout_s);
}

static void control_srb(PSCSI_REQUEST_BLOCK srb, UCHAR function, PSCSI_REQUEST_BLOCK victim)
{
    memset(srb, 0, sizeof *srb);
    srb->Length = sizeof *srb;
    srb->Function = function;
    srb->TargetId = sys.t.target;
    srb->Lun = sys.t.lun;
    srb->NextSrb = victim;
    srb->TimeOutValue = 10;
}

/* Reads count blocks through the class layer and compares them with the
 * image file. */
static void check_disk_matches_file(uint32_t lba, uint32_t count, const char *what)
{
    uint8_t *via_card = malloc((size_t)count * BLOCK), *in_file = malloc((size_t)count * BLOCK);
    struct class_result r;
    CHECK(via_card && in_file, "out of memory");
    CHECK(class_read10(&sys.t, lba, count, via_card, &r) == 0,
          "%s: READ(10) of %u blocks failed: SRB status 0x%02x", what, count, r.srb_status);
    file_blocks(lba, count, in_file);
    for (uint32_t i = 0; i < count * BLOCK; i++)
        CHECK(via_card[i] == in_file[i], "%s: byte %u of LBA %u read 0x%02x, the medium holds 0x%02x",
              what, i % BLOCK, lba + i / BLOCK, via_card[i], in_file[i]);
    free(via_card);
    free(in_file);
}

/* Writes fresh data, reads it back through the card, checks the file. */
static void check_write_read(uint32_t lba, uint32_t count, const char *what)
{
    uint8_t *data = malloc((size_t)count * BLOCK), *in_file = malloc((size_t)count * BLOCK);
    struct class_result r;
    CHECK(data && in_file, "out of memory");
    fill_random(data, (size_t)count * BLOCK);
    CHECK(class_write10(&sys.t, lba, count, data, &r) == 0,
          "%s: WRITE(10) of %u blocks failed: SRB status 0x%02x", what, count, r.srb_status);
    file_blocks(lba, count, in_file);
    CHECK(memcmp(data, in_file, (size_t)count * BLOCK) == 0, "%s: the medium differs from the data written", what);
    check_disk_matches_file(lba, count, what);
    free(data);
    free(in_file);
}

/* As NT's class driver: an SRB that came back with its queue frozen
 * (SRB_STATUS_QUEUE_FROZEN, every failed EXECUTE_SCSI) gets the queue
 * released before anything else goes to its logical unit. */
static void thaw(const SCSI_REQUEST_BLOCK *srb)
{
    struct class_target t = { .adapter = 0, .target = srb->TargetId, .lun = srb->Lun,
                              .block_size = 512 };
    if (srb->Function != SRB_FUNCTION_EXECUTE_SCSI)
        return;
    CHECK(SRB_STATUS(srb->SrbStatus) == SRB_STATUS_SUCCESS ||
          (srb->SrbFlags & SRB_FLAGS_NO_QUEUE_FREEZE) ||
          (srb->SrbStatus & SRB_STATUS_QUEUE_FROZEN),
          "SRB status 0x%02x: a failed SRB without SRB_STATUS_QUEUE_FROZEN", srb->SrbStatus);
    if (srb->SrbStatus & SRB_STATUS_QUEUE_FROZEN) {
        CHECK(portdrv_queue_frozen(0, srb->PathId, srb->TargetId, srb->Lun),
              "SRB_STATUS_QUEUE_FROZEN but the queue is not frozen");
        CHECK(class_release_queue(&t) == 0, "RELEASE_QUEUE failed");
    }
}

static void wait_done(PSCSI_REQUEST_BLOCK srb, uint64_t max_ps, const char *what)
{
    CHECK(portdrv_wait(0, srb, max_ps), "%s never completed", what);
}

static void no_violations(void)
{
    CHECK(portdrv_violations() == 0, "%llu contract violations",
          (unsigned long long)portdrv_violations());
}

/* ---- ABORT_COMMAND ------------------------------------------------------- */

#define ABORT_FILL 0xA5u

/* Starts a 64 KiB transfer, lets it run for run_ms, aborts it.  Returns the
 * bytes the aborted SRB reports moved (its final status in *status). */
static uint32_t abort_mid_transfer(int write, uint32_t lba, uint8_t *buf, unsigned run_ms,
                                   UCHAR *status)
{
    SCSI_REQUEST_BLOCK io, ab;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct pc_stats st0, st;
    uint64_t dma_before, cycles, card;
    ULONG ch = portdrv_config_info(0)->DmaChannel;
    const uint32_t unit = ch >= 4 ? 2u : 1u;

    if (!write)
        memset(buf, ABORT_FILL, 65536);   /* shows what the 8237 wrote past the data */
    pc_get_stats(machine.pc, &st0);
    rw_srb(&io, write, lba, 128, buf, sense, 10);
    CHECK(portdrv_start(0, &io) == 0, "could not start the transfer");
    CHECK(!portdrv_wait(0, &io, run_ms * PS_PER_MS), "the transfer ended within %u ms", run_ms);
    pc_get_stats(machine.pc, &st);
    dma_before = st.dma_bytes[ch] - st0.dma_bytes[ch];
    CHECK(dma_before > 0 && dma_before < 65536, "%llu bytes moved before the abort",
          (unsigned long long)dma_before);

    control_srb(&ab, SRB_FUNCTION_ABORT_COMMAND, &io);
    CHECK(portdrv_start(0, &ab) == 0, "the port driver could not send ABORT_COMMAND");
    wait_done(&ab, 10 * PS_PER_MS, "ABORT_COMMAND");
    CHECK(ab.SrbStatus == SRB_STATUS_SUCCESS, "ABORT_COMMAND status 0x%02x", ab.SrbStatus);
    wait_done(&io, 3000 * PS_PER_MS, "the aborted transfer");
    *status = SRB_STATUS(io.SrbStatus);
    thaw(&io);
    pc_get_stats(machine.pc, &st);
    cycles = st.dma_bytes[ch] - st0.dma_bytes[ch];
    card = st.dma_card_bytes[ch] - st0.dma_card_bytes[ch];
    fprintf(stderr, "srb-test %s: abort after %llu bytes of DMA; SRB status 0x%02x, "
            "DataTransferLength %u, %llu bytes of DMA cycles in all, %llu of them the card's\n",
            case_name, (unsigned long long)dma_before, io.SrbStatus,
            (unsigned)io.DataTransferLength, (unsigned long long)cycles,
            (unsigned long long)card);
    CHECK(io.DataTransferLength <= 65536, "DataTransferLength grew");
    /* The bound (docs/isa.md, "ABORT in mid-transfer"): the 8237 may have
     * committed one more unit when the ABORT write ends (single mode: it saw
     * DREQ during the OUT); the card leaves that stray cycle undriven and
     * uncounted.  Never more than one unit. */
    CHECK(cycles >= card && cycles - card <= unit,
          "the 8237 ran %llu bytes of cycles after the card stopped (at most %u)",
          (unsigned long long)(cycles - card), (unsigned)unit);
    if (!write && io.DataTransferLength < 65536) {
        /* ... and that unit is the next slot of the SRB's own buffer: the
         * rest of the buffer is untouched. */
        for (uint32_t i = io.DataTransferLength + unit; i < 65536; i++)
            CHECK(buf[i] == ABORT_FILL, "byte %u of the buffer (past %u moved) was written",
                  i, (unsigned)io.DataTransferLength);
    }
    return io.DataTransferLength;
}

static void case_abort_read(int demand)
{
    /* page aligned: 64 KiB in 16 pages, the adapter's 16 map registers */
    static _Alignas(4096) uint8_t buf[65536];
    static uint8_t file[65536];
    const uint32_t lba = 100;
    UCHAR status;
    uint32_t moved;

    /* 64 KiB at 8 bits is ~80 ms in demand mode, ~140 ms in single mode. */
    struct pc_stats st0, st1;
    ULONG ch = portdrv_config_info(0)->DmaChannel;
    pc_get_stats(machine.pc, &st0);
    moved = abort_mid_transfer(0, lba, buf, 20, &status);
    pc_get_stats(machine.pc, &st1);
    file_blocks(lba, 128, file);
    /* Exact (docs/protocol.md, "Residual"): the bytes the card's DMA moved,
     * also when the abort landed in mid-block. */
    CHECK(moved == st1.dma_card_bytes[ch] - st0.dma_card_bytes[ch],
          "the aborted READ(10) reports %u bytes moved, the card's DMA moved %llu", moved,
          (unsigned long long)(st1.dma_card_bytes[ch] - st0.dma_card_bytes[ch]));
    if (!demand) {
        /* Single mode: the host's CONTROL write gets the bus between two DMA
         * cycles, the card stops the command. */
        CHECK(status == SRB_STATUS_ABORTED, "aborted READ(10) status 0x%02x", status);
        CHECK(moved < 65536, "an aborted READ(10) claims all 64 KiB");
    } else {
        /* Demand mode: the 8237 keeps the bus while the card holds DRQ, the
         * abort lands when the card lets go; it may find the command over. */
        CHECK(status == SRB_STATUS_ABORTED || status == SRB_STATUS_SUCCESS,
              "aborted READ(10) status 0x%02x", status);
        CHECK(status == SRB_STATUS_ABORTED || moved == 65536, "SUCCESS with %u bytes", moved);
    }
    /* What the SRB says it moved is the disk's data. */
    for (uint32_t i = 0; i < moved; i++)
        CHECK(buf[i] == file[i], "byte %u of the aborted read is 0x%02x, the medium holds 0x%02x",
              i, buf[i], file[i]);
    no_violations();
    /* The next commands work and see the same data. */
    check_disk_matches_file(lba, 128, "READ(10) after the abort");
    check_write_read(lba + 200, 9, "WRITE(10) after the abort");

    /* An abort naming a request the miniport does not hold fails. */
    SCSI_REQUEST_BLOCK stale, ab;
    rw_srb(&stale, 0, 0, 1, buf, NULL, 10);
    control_srb(&ab, SRB_FUNCTION_ABORT_COMMAND, &stale);
    CHECK(portdrv_execute(0, &ab) == SRB_STATUS_ABORT_FAILED,
          "ABORT_COMMAND for an idle card: status 0x%02x", ab.SrbStatus);
    check_disk_matches_file(0, 1, "READ(10) after a failed abort");
    no_violations();
}

static void case_abort_write(void)
{
    static _Alignas(4096) uint8_t data[65536];
    static uint8_t before[65536], after[65536];
    const uint32_t lba = 300;
    UCHAR status;
    uint32_t moved, full;

    file_blocks(lba, 128, before);
    fill_random(data, sizeof data);
    moved = abort_mid_transfer(1, lba, data, 30, &status);
    CHECK(status == SRB_STATUS_ABORTED, "aborted WRITE(10) status 0x%02x", status);
    CHECK(moved < 65536, "an aborted WRITE(10) claims all 64 KiB");
    no_violations();
    /* Every block the residual counts as written is on the medium; at most
     * one more (the block being programmed at the abort) may be; none past
     * that. */
    file_blocks(lba, 128, after);
    full = moved / BLOCK;
    for (uint32_t b = 0; b < 128; b++) {
        const uint8_t *got = after + b * BLOCK;
        int is_new = memcmp(got, data + b * BLOCK, BLOCK) == 0;
        int is_old = memcmp(got, before + b * BLOCK, BLOCK) == 0;
        if (b < full)
            CHECK(is_new, "block %u of %u reported written is not on the medium", b, full);
        else if (b <= full + 1)
            CHECK(is_new || is_old, "block %u is neither the old nor the new data", b);
        else
            CHECK(is_old, "block %u past the abort (%u written) was changed", b, full);
    }
    check_disk_matches_file(lba, 128, "READ(10) after the aborted write");
    check_write_read(lba, 24, "WRITE(10) after the aborted write");
    no_violations();
}

/* ---- bus reset ----------------------------------------------------------- */

static void case_reset_bus_srb(void)
{
    /* page aligned: 64 KiB in 16 pages stays one SRB in the class layer,
     * whose attempts then count the unit attention's retry */
    static _Alignas(4096) uint8_t buf[65536];
    SCSI_REQUEST_BLOCK io, rs;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct class_result r;
    const uint32_t lba = 700;
    uint64_t resets = portdrv_resets_detected(0);

    rw_srb(&io, 0, lba, 128, buf, sense, 10);
    CHECK(portdrv_start(0, &io) == 0, "could not start READ(10)");
    CHECK(!portdrv_wait(0, &io, 20 * PS_PER_MS), "READ(10) ended within 20 ms");
    control_srb(&rs, SRB_FUNCTION_RESET_BUS, NULL);
    CHECK(portdrv_start(0, &rs) == 0, "the port driver could not send RESET_BUS");
    wait_done(&rs, 10 * PS_PER_MS, "RESET_BUS");
    CHECK(rs.SrbStatus == SRB_STATUS_SUCCESS, "RESET_BUS status 0x%02x", rs.SrbStatus);
    CHECK(!portdrv_pending(0, &io), "the READ(10) outlived the bus reset");
    CHECK(SRB_STATUS(io.SrbStatus) == SRB_STATUS_BUS_RESET, "READ(10) status 0x%02x after the reset",
          io.SrbStatus);
    thaw(&io);
    CHECK(portdrv_resets_detected(0) == resets + 1, "ResetDetected not notified");
    no_violations();
    /* The class layer's next READ gets the reset's unit attention and
     * retries; the data then is byte-exact. */
    CHECK(class_read10(&sys.t, lba, 128, buf, &r) == 0, "READ(10) after the reset: 0x%02x",
          r.srb_status);
    CHECK(r.attempts >= 2, "no unit attention after the bus reset (%d attempt)", r.attempts);
    check_disk_matches_file(lba, 128, "READ(10) after the reset");
    check_write_read(lba, 16, "WRITE(10) after the reset");
    no_violations();
}

static void check_unit_attention_once(void)
{
    SCSI_REQUEST_BLOCK tur;
    uint8_t sense[SENSE_BUFFER_SIZE];
    const uint8_t cdb[6] = { SCSIOP_TEST_UNIT_READY, 0, 0, 0, 0, 0 };
    UCHAR st;
    memset(sense, 0, sizeof sense);
    class_build_srb(&tur, &sys.t, cdb, 6, NULL, 0, 0, sense, sizeof sense, 10);
    /* The card may still be booting: the miniport holds the command. */
    st = portdrv_execute(0, &tur);
    CHECK(st == SRB_STATUS_ERROR &&
          tur.SrbStatus == (SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID | SRB_STATUS_QUEUE_FROZEN),
          "TEST UNIT READY after the reset: SRB status 0x%02x", tur.SrbStatus);
    thaw(&tur);
    CHECK(tur.ScsiStatus == SCSISTAT_CHECK_CONDITION, "ScsiStatus 0x%02x", tur.ScsiStatus);
    CHECK((sense[0] & 0x7F) == 0x70 && (sense[2] & 0x0F) == SCSI_SENSE_UNIT_ATTENTION &&
          sense[12] == 0x29 && sense[13] == 0x00,
          "sense %02x key %x ASC %02x ASCQ %02x, want 70 6/29/00", sense[0], sense[2] & 0x0F,
          sense[12], sense[13]);
    class_build_srb(&tur, &sys.t, cdb, 6, NULL, 0, 0, sense, sizeof sense, 10);
    CHECK(portdrv_execute(0, &tur) == SRB_STATUS_SUCCESS && tur.SrbStatus == SRB_STATUS_SUCCESS,
          "the unit attention is reported twice (SRB status 0x%02x)", tur.SrbStatus);
}

static void case_reset_bus_hw(void)
{
    static _Alignas(4096) uint8_t data[65536];
    SCSI_REQUEST_BLOCK io;
    uint8_t sense[SENSE_BUFFER_SIZE];
    const uint32_t lba = 900;
    uint64_t resets = portdrv_resets_detected(0);

    fill_random(data, sizeof data);
    rw_srb(&io, 1, lba, 128, data, sense, 10);
    CHECK(portdrv_start(0, &io) == 0, "could not start WRITE(10)");
    CHECK(!portdrv_wait(0, &io, 12 * PS_PER_MS), "WRITE(10) ended within 12 ms");
    portdrv_reset_bus(0);      /* as the port driver does after a timeout */
    CHECK(!portdrv_pending(0, &io), "the WRITE(10) outlived HwResetBus");
    CHECK(SRB_STATUS(io.SrbStatus) == SRB_STATUS_BUS_RESET,
          "WRITE(10) status 0x%02x after HwResetBus", io.SrbStatus);
    thaw(&io);
    CHECK(portdrv_resets_detected(0) == resets + 1, "ResetDetected not notified");
    no_violations();
    check_unit_attention_once();
    check_disk_matches_file(lba, 128, "READ(10) after HwResetBus");
    check_write_read(lba, 24, "WRITE(10) after HwResetBus");
    no_violations();
}

/* ---- timeout ------------------------------------------------------------- */

static void case_timeout(void)
{
    static uint8_t buf[32768];
    SCSI_REQUEST_BLOCK io;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct class_result r;
    const uint32_t lba = 1200;
    uint64_t start, resets = portdrv_resets_detected(0);

    rw_srb(&io, 0, lba, 64, buf, sense, 1);    /* TimeOutValue 1 s */
    start = cosim_now_ps();
    CHECK(portdrv_start(0, &io) == 0, "could not start READ(10)");
    CHECK(!portdrv_wait(0, &io, 3 * PS_PER_MS), "READ(10) ended within 3 ms");
    /* The data phase stalls: the 8237 channel is masked under it (as a
     * misbehaving driver sharing the controller would do).  The card waits
     * for data (its own stall limit is 2 s); the SRB times out first. */
    dma8237_mask(machine.pc, 1);
    wait_done(&io, 3000 * PS_PER_MS, "the stalled READ(10)");
    CHECK(cosim_now_ps() - start >= 1000 * PS_PER_MS, "completed before its TimeOutValue");
    CHECK(SRB_STATUS(io.SrbStatus) == SRB_STATUS_BUS_RESET ||
          SRB_STATUS(io.SrbStatus) == SRB_STATUS_TIMEOUT, "stalled READ(10) status 0x%02x",
          io.SrbStatus);
    thaw(&io);
    CHECK(portdrv_resets_detected(0) == resets + 1, "no HwResetBus/ResetDetected on the timeout");
    no_violations();
    CHECK(class_read10(&sys.t, lba, 64, buf, &r) == 0, "READ(10) after the timeout: 0x%02x",
          r.srb_status);
    CHECK(r.attempts >= 2, "no unit attention after the timeout's reset");
    check_disk_matches_file(lba, 64, "READ(10) after the timeout");
    check_write_read(lba, 16, "WRITE(10) after the timeout");
    no_violations();
}

/* ---- auto-sense ---------------------------------------------------------- */

static void expect_check(const uint8_t *cdb, UCHAR cdb_len, uint32_t len, uint8_t *data,
                         ULONG dir, uint8_t key, uint8_t asc, uint8_t ascq, const char *what)
{
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[32];
    memset(sense, 0xEE, sizeof sense);
    class_build_srb(&srb, &sys.t, cdb, cdb_len, data, len, dir, sense, SENSE_BUFFER_SIZE, 10);
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_ERROR, "%s: SRB status 0x%02x", what,
          srb.SrbStatus);
    CHECK(srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID, "%s: no SRB_STATUS_AUTOSENSE_VALID", what);
    CHECK(srb.ScsiStatus == SCSISTAT_CHECK_CONDITION, "%s: ScsiStatus 0x%02x", what,
          srb.ScsiStatus);
    CHECK(srb.SenseInfoBuffer == sense, "%s: SenseInfoBuffer moved", what);
    CHECK((sense[0] & 0x7F) == 0x70, "%s: response code 0x%02x", what, sense[0]);
    CHECK((sense[2] & 0x0F) == key && sense[12] == asc && sense[13] == ascq,
          "%s: sense %x/%02x/%02x, want %x/%02x/%02x", what, sense[2] & 0x0F, sense[12],
          sense[13], key, asc, ascq);
    CHECK(sense[7] >= 10 && sense[7] <= SENSE_BUFFER_SIZE - 8, "%s: additional length %u", what,
          sense[7]);
    for (unsigned i = SENSE_BUFFER_SIZE; i < sizeof sense; i++)
        CHECK(sense[i] == 0xEE, "%s: sense written past SenseInfoBufferLength", what);
    CHECK(srb.DataTransferLength == 0, "%s: DataTransferLength %u for a command that moved nothing",
          what, (unsigned)srb.DataTransferLength);
    thaw(&srb);
}

static void case_autosense(void)
{
    static uint8_t buf[4096];
    const uint32_t end = sys.last_lba + 1;
    const uint8_t read_end[10] = { SCSIOP_READ, 0, (uint8_t)(end >> 24), (uint8_t)(end >> 16),
                                   (uint8_t)(end >> 8), (uint8_t)end, 0, 0, 1, 0 };
    const uint8_t read_over[10] = { SCSIOP_READ, 0, 0, 0, (uint8_t)((end - 2) >> 8),
                                    (uint8_t)(end - 2), 0, 0, 4, 0 };
    const uint8_t unknown[6] = { 0x06, 0, 0, 0, 0, 0 };
    const uint8_t tur[6] = { SCSIOP_TEST_UNIT_READY, 0, 0, 0, 0, 0 };
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[32];
    struct portdrv_counts counts;

    expect_check(read_end, 10, BLOCK, buf, SRB_FLAGS_DATA_IN, 5, 0x21, 0x00, "READ(10) past the end");
    expect_check(read_over, 10, 4 * BLOCK, buf, SRB_FLAGS_DATA_IN, 5, 0x21, 0x00,
                 "READ(10) across the end");
    expect_check(unknown, 6, 0, NULL, 0, 5, 0x20, 0x00, "opcode 0x06");
    no_violations();

    /* A short sense buffer gets what fits, and nothing past it. */
    memset(sense, 0xEE, sizeof sense);
    class_build_srb(&srb, &sys.t, unknown, 6, NULL, 0, 0, sense, 8, 10);
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_ERROR &&
          (srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID), "8-byte sense: SRB status 0x%02x",
          srb.SrbStatus);
    CHECK((sense[0] & 0x7F) == 0x70 && (sense[2] & 0x0F) == 5, "8-byte sense: %02x %02x",
          sense[0], sense[2]);
    for (unsigned i = 8; i < sizeof sense; i++)
        CHECK(sense[i] == 0xEE, "8-byte sense buffer: byte %u written", i);
    thaw(&srb);

    /* SRB_FLAGS_DISABLE_AUTOSENSE: the status alone, the buffer untouched. */
    memset(sense, 0xEE, sizeof sense);
    class_build_srb(&srb, &sys.t, unknown, 6, NULL, 0, 0, sense, SENSE_BUFFER_SIZE, 10);
    srb.SrbFlags |= SRB_FLAGS_DISABLE_AUTOSENSE;
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_ERROR, "no auto-sense: status 0x%02x",
          srb.SrbStatus);
    CHECK(!(srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID), "AUTOSENSE_VALID though disabled");
    CHECK(srb.ScsiStatus == SCSISTAT_CHECK_CONDITION, "no auto-sense: ScsiStatus 0x%02x",
          srb.ScsiStatus);
    for (unsigned i = 0; i < sizeof sense; i++)
        CHECK(sense[i] == 0xEE, "sense buffer written with auto-sense disabled");
    thaw(&srb);
    portdrv_get_counts(&counts);
    CHECK(counts.request_senses == 0,
          "the port driver sent REQUEST SENSE though the miniport gave auto-sense");

    /* No sense left behind: the next command is GOOD and reads the disk. */
    class_build_srb(&srb, &sys.t, tur, 6, NULL, 0, 0, sense, SENSE_BUFFER_SIZE, 10);
    CHECK(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS && srb.ScsiStatus == SCSISTAT_GOOD,
          "TEST UNIT READY after the errors: 0x%02x", srb.SrbStatus);
    check_disk_matches_file(end - 8, 8, "READ(10) of the last blocks");
    no_violations();
}

/* ---- HwDmaStarted after the command ended ---------------------------------- */

#define CARD_BASE SHBA_HOST_IO_BASE_DEFAULT   /* where boot() put the card */

static uint32_t card_xfer_count(void)
{
    return pc_inb(machine.pc, CARD_BASE + SHBA_HOST_XFER_COUNT0) |
           (uint32_t)pc_inb(machine.pc, CARD_BASE + SHBA_HOST_XFER_COUNT1) << 8 |
           (uint32_t)pc_inb(machine.pc, CARD_BASE + SHBA_HOST_XFER_COUNT2) << 16;
}

/* Runs an SRB that the card fails before any data, with the interrupt
 * taken between the DMA programming and HwDmaStarted: the SRB is complete
 * when HwStartIo's DPC returns, and neither the miniport (XFER_COUNT left
 * alone) nor the card (XFER_CTRL.ARM) holds a segment afterwards. */
static void fail_before_data(PSCSI_REQUEST_BLOCK srb, UCHAR want, const char *what)
{
    uint32_t count_before = card_xfer_count();
    uint64_t writes_before = portdrv_dma_started_port_writes();
    int logged_before = portdrv_logged_errors(NULL, 0);
    CHECK(portdrv_start(0, srb) == 0, "%s: not started", what);
    CHECK(!portdrv_pending(0, srb),
          "%s: still outstanding after the DPC window (the interleaving did not happen)", what);
    CHECK(SRB_STATUS(srb->SrbStatus) == want, "%s: SRB status 0x%02x, want 0x%02x", what,
          srb->SrbStatus, want);
    CHECK(srb->DataTransferLength == 0, "%s: DataTransferLength %u", what,
          (unsigned)srb->DataTransferLength);
    CHECK(portdrv_dma_started_port_writes() == writes_before,
          "%s: HwDmaStarted wrote to the card after the command ended", what);
    CHECK(card_xfer_count() == count_before,
          "%s: the miniport wrote XFER_COUNT %u after the command ended (was %u)", what,
          card_xfer_count(), count_before);
    CHECK(!(pc_inb(machine.pc, CARD_BASE + SHBA_HOST_XFER_CTRL) & SHBA_HOST_XFER_CTRL_ARM),
          "%s: a segment is armed with no command", what);
    CHECK(portdrv_logged_errors(NULL, 0) == logged_before, "%s: the miniport logged an error", what);
    thaw(srb);
}

static void case_late_dma_started(void)
{
    static uint8_t buf[65536];
    const uint32_t end = sys.last_lba + 1;
    const uint8_t read_end[10] = { SCSIOP_READ, 0, (uint8_t)(end >> 24), (uint8_t)(end >> 16),
                                   (uint8_t)(end >> 8), (uint8_t)end, 0, 0, 1, 0 };
    const uint8_t inquiry[6] = { SCSIOP_INQUIRY, 0, 0, 0, 36, 0 };
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct class_target absent = sys.t;

    /* Room for the firmware to reject a command (~50 us) before HwDmaStarted. */
    portdrv_set_dma_started_delay(500 * 1000000ull);
    uint64_t writes = portdrv_dma_started_port_writes();
    check_disk_matches_file(20, 4, "READ(10) with HwDmaStarted late");
    CHECK(portdrv_dma_started_port_writes() == writes + 4, "HwDmaStarted made %llu port writes "
          "for one segment, want 4 (XFER_COUNT0-2, XFER_CTRL)",
          (unsigned long long)(portdrv_dma_started_port_writes() - writes));
    for (int round = 0; round < 2; round++) {
        class_build_srb(&srb, &sys.t, read_end, 10, buf, BLOCK, SRB_FLAGS_DATA_IN, sense,
                        sizeof sense, 10);
        fail_before_data(&srb, SRB_STATUS_ERROR, "READ(10) past the end");
        CHECK(srb.ScsiStatus == SCSISTAT_CHECK_CONDITION && (sense[2] & 0x0F) == 5 &&
              sense[12] == 0x21, "READ(10) past the end: sense %x/%02x", sense[2] & 0x0F, sense[12]);
        check_disk_matches_file(100 + 200 * (uint32_t)round, 128, "READ(10) after the failed READ");
        /* The bus scan: INQUIRY of an absent target. */
        absent.target = 3;
        class_build_srb(&srb, &absent, inquiry, 6, buf, 36, SRB_FLAGS_DATA_IN, sense,
                        sizeof sense, 4);
        fail_before_data(&srb, SRB_STATUS_SELECTION_TIMEOUT, "INQUIRY of target 3");
        check_disk_matches_file(7, 9, "READ(10) after the bus scan");
        check_write_read(900 + 20 * (uint32_t)round, 8, "WRITE(10) after the bus scan");
    }
    no_violations();
}

/* ---- time in each miniport routine ---------------------------------------- */

#define ROUTINE_LIMIT_PS (1000 * 1000000ull)     /* 1 ms: docs/miniport.md */

static void case_routine_time(int pio)
{
    static _Alignas(4096) uint8_t buf[65536];
    static const uint32_t sizes[] = { 1, 7, 33, 128 };
    const uint32_t len = pio ? 8 : 128;   /* blocks per big transfer (PIO: ~50 KB/s on NT's tick) */
    uint8_t inq[256];
    SCSI_REQUEST_BLOCK io, rs;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct class_result r;
    struct portdrv_routine_time t;
    UCHAR status;

    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint32_t n = sizes[i] < len ? sizes[i] : len;
        check_write_read(120 + 131 * i, n, "WRITE(10)/READ(10)");
    }
    {
        const uint8_t cdb[6] = { SCSIOP_INQUIRY, 0, 0, 0, 255, 0 };
        class_build_srb(&io, &sys.t, cdb, 6, inq, 255, SRB_FLAGS_DATA_IN, sense, sizeof sense, 4);
        CHECK(portdrv_execute(0, &io) == SRB_STATUS_DATA_OVERRUN, "INQUIRY 255: 0x%02x",
              io.SrbStatus);
        thaw(&io);
    }
    /* HwResetBus with the card idle: the next command is held until the
     * firmware is back, and gets the reset's unit attention. */
    portdrv_reset_bus(0);
    check_unit_attention_once();
    check_disk_matches_file(600, len, "READ(10) after HwResetBus");
    /* RESET_BUS in mid-READ(10), then the class layer's retry. */
    rw_srb(&io, 0, 700, len, buf, sense, 10);
    CHECK(portdrv_start(0, &io) == 0, "could not start READ(10)");
    CHECK(!portdrv_wait(0, &io, 2 * PS_PER_MS), "READ(10) ended within 2 ms");
    control_srb(&rs, SRB_FUNCTION_RESET_BUS, NULL);
    CHECK(portdrv_start(0, &rs) == 0, "RESET_BUS not sent");
    wait_done(&rs, 10 * PS_PER_MS, "RESET_BUS");
    CHECK(SRB_STATUS(io.SrbStatus) == SRB_STATUS_BUS_RESET, "READ(10) status 0x%02x", io.SrbStatus);
    thaw(&io);
    CHECK(class_read10(&sys.t, 700, len, buf, &r) == 0, "READ(10) after RESET_BUS: 0x%02x",
          r.srb_status);
    check_disk_matches_file(700, len, "READ(10) after RESET_BUS");
    if (!pio) {
        pc_reset_stats(machine.pc);       /* abort_mid_transfer counts this transfer's DMA */
        (void)abort_mid_transfer(0, 800, buf, 20, &status);
        CHECK(status == SRB_STATUS_ABORTED, "aborted READ(10) status 0x%02x", status);
        check_write_read(800, 16, "WRITE(10) after the abort");
    }
    no_violations();
    t = portdrv_longest_routine();
    fprintf(stderr, "srb-test %s: longest miniport routine call %s, %.1f us (at %.3f ms)\n",
            case_name, t.routine ? t.routine : "-", t.ps / 1e6, t.at_ps / 1e9);
    CHECK(t.ps > 0, "no routine call measured");
    CHECK(t.ps <= ROUTINE_LIMIT_PS, "%s took %.1f us at %.3f ms, more than 1 ms at DIRQL",
          t.routine, t.ps / 1e6, t.at_ps / 1e9);
}

/* ---- underrun ------------------------------------------------------------ */

/* ---- exact residual of a failed command ------------------------------------ */

/* Bytes the card moved to (dir 0) or from (dir 1) the host so far: its DMA
 * channel's card bytes, or the DATA port accesses by PIO. */
static uint64_t card_bytes(int dir)
{
    struct pc_stats st;
    ULONG ch = portdrv_config_info(0)->DmaChannel;
    if (ch == SP_UNINITIALIZED_VALUE)
        return pio_data_bytes[dir];
    pc_get_stats(machine.pc, &st);
    return st.dma_card_bytes[ch];
}

static void case_residual(void)
{
    static _Alignas(4096) uint8_t buf[8 * BLOCK];
    static uint8_t file[8 * BLOCK], before[6 * BLOCK];
    SCSI_REQUEST_BLOCK io;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct sd_fault f = { 0 };
    const uint32_t lba = 1000;
    uint64_t b0;
    UCHAR st;

    /* READ(10) of 8 blocks, the 4th fails its CRC: the blocks before it and
     * what the card had sent of the bad one (its bytes are the medium's:
     * only the CRC is wrong) reached the host, and DataTransferLength says
     * exactly that much. */
    memset(buf, 0xA5, sizeof buf);
    memset(sense, 0, sizeof sense);
    f.kind = SD_FAULT_READ_CRC;
    f.skip = 3;
    f.times = 1;
    sd_card_set_fault(machine.sd, &f);
    rw_srb(&io, 0, lba, 8, buf, sense, 10);
    b0 = card_bytes(0);
    st = portdrv_execute(0, &io);
    sd_card_clear_fault(machine.sd);
    CHECK(SRB_STATUS(st) == SRB_STATUS_ERROR && (io.SrbStatus & SRB_STATUS_AUTOSENSE_VALID) &&
          io.ScsiStatus == SCSISTAT_CHECK_CONDITION && (sense[2] & 0xF) == SCSI_SENSE_MEDIUM_ERROR &&
          sense[12] == 0x11, "READ(10) with a CRC error: SRB status 0x%02x, sense %x/%02x",
          io.SrbStatus, sense[2] & 0xF, sense[12]);
    thaw(&io);
    fprintf(stderr, "srb-test %s: READ(10) CRC error: DataTransferLength %u, the card moved %llu\n",
            case_name, (unsigned)io.DataTransferLength, (unsigned long long)(card_bytes(0) - b0));
    CHECK(io.DataTransferLength == card_bytes(0) - b0,
          "READ(10) with a CRC error: DataTransferLength %u, the card moved %llu bytes",
          (unsigned)io.DataTransferLength, (unsigned long long)(card_bytes(0) - b0));
    CHECK(io.DataTransferLength >= 3 * BLOCK, "DataTransferLength %u: the 3 good blocks",
          (unsigned)io.DataTransferLength);
    file_blocks(lba, 8, file);
    CHECK(memcmp(buf, file, io.DataTransferLength) == 0, "the bytes reported moved are not the medium's");

    /* WRITE(10) of 6 blocks, the 3rd rejected: 2 blocks reached the medium,
     * DataTransferLength is 2 blocks although more crossed the bus. */
    fill_random(buf, 6 * BLOCK);
    file_blocks(lba, 6, before);
    f.kind = SD_FAULT_WRITE_REJECT;
    f.skip = 2;
    sd_card_set_fault(machine.sd, &f);
    rw_srb(&io, 1, lba, 6, buf, sense, 10);
    b0 = card_bytes(1);
    st = portdrv_execute(0, &io);
    sd_card_clear_fault(machine.sd);
    CHECK(SRB_STATUS(st) == SRB_STATUS_ERROR && io.ScsiStatus == SCSISTAT_CHECK_CONDITION &&
          (sense[2] & 0xF) == SCSI_SENSE_MEDIUM_ERROR, "WRITE(10) with a rejected block: SRB status 0x%02x",
          io.SrbStatus);
    thaw(&io);
    fprintf(stderr, "srb-test %s: WRITE(10) rejected: DataTransferLength %u, the card took %llu\n",
            case_name, (unsigned)io.DataTransferLength, (unsigned long long)(card_bytes(1) - b0));
    CHECK(io.DataTransferLength == 2 * BLOCK, "WRITE(10) with its 3rd block rejected: DataTransferLength %u",
          (unsigned)io.DataTransferLength);
    CHECK(card_bytes(1) - b0 > 2 * BLOCK, "only %llu bytes crossed the bus",
          (unsigned long long)(card_bytes(1) - b0));
    file_blocks(lba, 6, file);
    CHECK(memcmp(file, buf, 2 * BLOCK) == 0 && memcmp(file + 2 * BLOCK, before + 2 * BLOCK, 4 * BLOCK) == 0,
          "the medium after the rejected write: not exactly the 2 blocks reported");
    check_write_read(lba, 6, "WRITE(10) after the rejected one");

    /* ABORT_COMMAND in mid READ(10): it lands wherever the data is, in
     * mid-block as likely as not; what the SRB reports moved is exactly
     * what the card moved (demand mode: the command may be over by then). */
    static _Alignas(4096) uint8_t big[64 * BLOCK];
    static uint8_t big_file[64 * BLOCK];
    SCSI_REQUEST_BLOCK ab;
    memset(big, 0xA5, sizeof big);
    rw_srb(&io, 0, lba, 64, big, sense, 10);
    b0 = card_bytes(0);
    CHECK(portdrv_start(0, &io) == 0, "could not start READ(10)");
    /* PIO moves about 0.5 KiB per HwTimer tick, from the first NT tick on */
    unsigned run_ms = portdrv_config_info(0)->DmaChannel == SP_UNINITIALIZED_VALUE ? 25 : 3;
    CHECK(!portdrv_wait(0, &io, run_ms * PS_PER_MS), "READ(10) of 32 KiB ended within %u ms", run_ms);
    control_srb(&ab, SRB_FUNCTION_ABORT_COMMAND, &io);
    CHECK(portdrv_start(0, &ab) == 0, "the port driver could not send ABORT_COMMAND");
    wait_done(&ab, 10 * PS_PER_MS, "ABORT_COMMAND");
    wait_done(&io, 1000 * PS_PER_MS, "the aborted READ(10)");
    thaw(&io);
    fprintf(stderr, "srb-test %s: aborted READ(10): SRB status 0x%02x, DataTransferLength %u, the card moved %llu\n",
            case_name, io.SrbStatus, (unsigned)io.DataTransferLength, (unsigned long long)(card_bytes(0) - b0));
    CHECK(SRB_STATUS(io.SrbStatus) == SRB_STATUS_ABORTED || SRB_STATUS(io.SrbStatus) == SRB_STATUS_SUCCESS,
          "aborted READ(10): SRB status 0x%02x", io.SrbStatus);
    CHECK(card_bytes(0) - b0 != 0, "nothing moved before the abort");
    CHECK(io.DataTransferLength == card_bytes(0) - b0,
          "aborted READ(10): DataTransferLength %u, the card moved %llu bytes", (unsigned)io.DataTransferLength,
          (unsigned long long)(card_bytes(0) - b0));
    file_blocks(lba, 64, big_file);
    CHECK(memcmp(big, big_file, io.DataTransferLength) == 0, "the bytes reported moved are not the medium's");
    check_disk_matches_file(lba, 8, "READ(10) after the abort");
    no_violations();
}

static void case_underrun(void)
{
    uint8_t ref[36], buf[256];
    struct class_result r;
    static const uint32_t lens[] = { 255, 254 };
    const ULONG ch = portdrv_config_info(0)->DmaChannel;

    CHECK(class_inquiry(&sys.t, ref, sizeof ref, &r) == 0, "INQUIRY 36");
    for (unsigned k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        const uint8_t cdb[6] = { SCSIOP_INQUIRY, 0, 0, 0, (uint8_t)lens[k], 0 };
        SCSI_REQUEST_BLOCK srb;
        uint8_t sense[SENSE_BUFFER_SIZE];
        uint32_t want;
        memset(buf, 0x5A, sizeof buf);
        class_build_srb(&srb, &sys.t, cdb, 6, buf, lens[k], SRB_FLAGS_DATA_IN, sense,
                        sizeof sense, 4);
        CHECK(portdrv_execute(0, &srb) == SRB_STATUS_DATA_OVERRUN,
              "INQUIRY %u (channel %u): SRB status 0x%02x", lens[k], (unsigned)ch, srb.SrbStatus);
        CHECK(!(srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID), "INQUIRY %u: auto-sense", lens[k]);
        CHECK(srb.ScsiStatus == SCSISTAT_GOOD, "INQUIRY %u: ScsiStatus 0x%02x", lens[k],
              srb.ScsiStatus);
        want = 5u + buf[4];
        CHECK(want >= 36 && want < lens[k], "INQUIRY %u: additional length %u", lens[k], buf[4]);
        CHECK(srb.DataTransferLength == want, "INQUIRY %u: DataTransferLength %u, the data is %u",
              lens[k], (unsigned)srb.DataTransferLength, want);
        CHECK(memcmp(buf, ref, sizeof ref) == 0, "INQUIRY %u: data differs from INQUIRY 36",
              lens[k]);
        CHECK(buf[lens[k]] == 0x5A, "INQUIRY %u: byte past the buffer written", lens[k]);
        thaw(&srb);
    }
    check_disk_matches_file(10, 3, "READ(10) after the underruns");
    no_violations();
}

/* ---- the HAL's DMA: one operation per SRB ---------------------------------- */

/* A READ(10) and a WRITE(10) of 60 KiB (16 pages) whose buffer crosses a
 * 64 KiB line of the host's address space: the HAL maps all of it into
 * its map buffer, whose run of 16 map registers stays inside one DMA page,
 * so each SRB is one DMA operation (one map, one HwDmaStarted, one flush,
 * the 8237 programmed once for the whole length).  Then 64 KiB through the
 * class layer from a buffer 512 bytes into its page: 17 pages, two SRBs,
 * two operations. */
static void case_dma_one_operation(void)
{
    static _Alignas(65536) uint8_t area[0x30000];
    uint8_t *buf = area + 0x10000 - 0x3000 + 0x200;     /* crosses area + 0x10000 */
    uint8_t *data = area + 0x20000 - 0x5000 + 0x600;    /* crosses area + 0x20000 */
    const uint32_t len = 0xF000, blocks = 0xF000 / BLOCK;
    const uint32_t page = portdrv_config_info(0)->DmaChannel >= 4 ? 0x20000u : 0x10000u;
    static uint8_t in_file[0xF000];
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct portdrv_counts before, after;
    struct class_result r;
    uint32_t phys, dma_len;

    CHECK(portdrv_map_registers(0) == PORTDRV_ISA_MAP_REGISTERS, "map registers %u",
          (unsigned)portdrv_map_registers(0));
    for (int write = 0; write < 2; write++) {
        uint8_t *p = write ? data : buf;
        const uint32_t lba = write ? 2000 : 1500;
        if (write)
            fill_random(p, len);
        rw_srb(&srb, write, lba, blocks, p, sense, 10);
        portdrv_get_counts(&before);
        CHECK(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS, "%s of 60 KiB: 0x%02x",
              write ? "WRITE(10)" : "READ(10)", srb.SrbStatus);
        portdrv_get_counts(&after);
        portdrv_last_dma(&phys, &dma_len);
        fprintf(stderr, "srb-test %s: %s 60 KiB from %p: %llu map, %llu HwDmaStarted, %llu flush; "
                "8237 0x%06x + 0x%x\n", case_name, write ? "WRITE" : "READ", (void *)p,
                (unsigned long long)(after.maps - before.maps),
                (unsigned long long)(after.dma_started - before.dma_started),
                (unsigned long long)(after.flushes - before.flushes), phys, dma_len);
        CHECK(after.maps - before.maps == 1 && after.dma_started - before.dma_started == 1 &&
              after.flushes - before.flushes == 1, "not one DMA operation");
        CHECK(dma_len == len, "the 8237 was programmed for %u bytes, not the SRB's %u", dma_len, len);
        CHECK(phys < 0x1000000u && phys / page == (phys + len - 1) / page,
              "map buffer 0x%06x + 0x%x crosses a DMA page or is above 16 MiB", phys, len);
        CHECK((phys & 0xFFFu) == ((uintptr_t)p & 0xFFFu), "map buffer at another page offset");
        file_blocks(lba, blocks, in_file);
        CHECK(memcmp(p, in_file, len) == 0, "%s: data differs from the medium",
              write ? "WRITE(10)" : "READ(10)");
    }
    no_violations();
    portdrv_get_counts(&before);
    CHECK(class_read10(&sys.t, 40, 128, area + 0x200, &r) == 0, "class READ(10) of 64 KiB: 0x%02x",
          r.srb_status);
    portdrv_get_counts(&after);
    CHECK(after.maps - before.maps == 2 && after.dma_started - before.dma_started == 2,
          "64 KiB in 17 pages: %llu operations, want 2 (two SRBs)",
          (unsigned long long)(after.maps - before.maps));
    check_disk_matches_file(40, 128, "READ(10) after the one-operation SRBs");
    no_violations();
}

/* ---- NT's port driver around the card ------------------------------------- */

/* A TEST UNIT READY while a 64 KiB READ(10) runs: the miniport answers
 * SRB_STATUS_BUSY (one command at a time), the port driver retries it on
 * a tick of its timer once the miniport asks for a request again, and the
 * TUR then succeeds (N retries until GOOD: driver-portdrv-nt). */
static void case_busy_retry(void)
{
    static _Alignas(4096) uint8_t buf[65536];
    const uint8_t cdb[6] = { SCSIOP_TEST_UNIT_READY, 0, 0, 0, 0, 0 };
    SCSI_REQUEST_BLOCK io, tur;
    uint8_t sense[SENSE_BUFFER_SIZE], tsense[SENSE_BUFFER_SIZE];
    const uint64_t tick = 5 * PS_PER_MS;
    uint64_t t0;
    int retries;

    portdrv_set_busy_interval(tick);
    rw_srb(&io, 0, 1000, 128, buf, sense, 10);
    CHECK(portdrv_start(0, &io) == 0, "READ(10) not started");
    class_build_srb(&tur, &sys.t, cdb, 6, NULL, 0, 0, tsense, sizeof tsense, 10);
    t0 = cosim_now_ps();
    CHECK(portdrv_start(0, &tur) == 0, "TEST UNIT READY not started");
    wait_done(&tur, 2000 * PS_PER_MS, "TEST UNIT READY");
    wait_done(&io, 10 * PS_PER_MS, "the READ(10)");
    retries = portdrv_busy_retries_of(&tur);
    fprintf(stderr, "srb-test %s: TEST UNIT READY done after %d BUSY retries, %.3f ms\n",
            case_name, retries, (cosim_now_ps() - t0) / 1e9);
    CHECK(tur.SrbStatus == SRB_STATUS_SUCCESS, "TEST UNIT READY: 0x%02x", tur.SrbStatus);
    /* the miniport asks for no request while the READ(10) runs, so the
     * retry waits for its NextRequest after the READ(10) ends */
    CHECK(retries >= 1 && retries < PORTDRV_BUSY_RETRIES, "%d BUSY retries", retries);
    CHECK(io.SrbStatus == SRB_STATUS_SUCCESS, "READ(10): 0x%02x", io.SrbStatus);
    {
        static uint8_t in_file[65536];
        file_blocks(1000, 128, in_file);
        CHECK(memcmp(buf, in_file, sizeof buf) == 0, "the READ(10) under the retries differs");
    }
    portdrv_set_busy_interval(0);
    no_violations();
}

/* RESET_BUS: the port driver holds the next request for the reset hold;
 * measured in simulated time (a short hold here: driver-portdrv-nt-defaults
 * shows NT's 4 s). */
static void case_reset_hold(void)
{
    const uint64_t hold = 150 * PS_PER_MS;
    SCSI_REQUEST_BLOCK rs;
    struct portdrv_counts before, after;
    struct class_result r;
    uint64_t t_reset;

    portdrv_set_reset_hold(hold);
    portdrv_get_counts(&before);
    control_srb(&rs, SRB_FUNCTION_RESET_BUS, NULL);
    CHECK(portdrv_execute(0, &rs) == SRB_STATUS_SUCCESS, "RESET_BUS: 0x%02x", rs.SrbStatus);
    t_reset = cosim_now_ps();
    CHECK(class_test_unit_ready(&sys.t, &r) == 0, "TEST UNIT READY after the reset: 0x%02x",
          r.srb_status);
    portdrv_get_counts(&after);
    fprintf(stderr, "srb-test %s: requests held %.3f ms after the reset (hold %.3f ms); TUR done "
            "%.3f ms after it\n", case_name, (after.held_ps - before.held_ps) / 1e9, hold / 1e9,
            (cosim_now_ps() - t_reset) / 1e9);
    CHECK(after.reset_holds - before.reset_holds == 1, "%llu reset holds",
          (unsigned long long)(after.reset_holds - before.reset_holds));
    CHECK(after.held_ps - before.held_ps >= hold - POLL_SLACK_PS &&
          cosim_now_ps() - t_reset >= hold - POLL_SLACK_PS, "the next request was not held %.3f ms",
          hold / 1e9);
    CHECK(r.attempts >= 2, "no unit attention after the reset");
    check_disk_matches_file(50, 8, "READ(10) after the hold");
    portdrv_set_reset_hold(SRB_TEST_RESET_HOLD_PS);
    no_violations();
}

/* The bus scan: INQUIRY to targets 0-6 (not the initiator's 7); the card
 * answers target 0 (a disk, claimed by the disk class) and selection
 * timeout elsewhere, which the scan passes over at once. */
static void case_scan(void)
{
    static struct class_scan_result res;
    uint64_t t0 = cosim_now_ps();
    CHECK(class_scan(0, &res) == 0, "class_scan failed");
    fprintf(stderr, "srb-test %s: %d target ids probed in %.3f ms; %d device(s)\n", case_name,
            res.targets_probed, (cosim_now_ps() - t0) / 1e9, res.count);
    for (int i = 0; i < res.count; i++)
        fprintf(stderr, "  %u:%u type %u '%s' '%s' '%s' claim %d/%d, %llu blocks of %u\n",
                res.dev[i].target, res.dev[i].lun, res.dev[i].peripheral_type, res.dev[i].vendor,
                res.dev[i].product, res.dev[i].revision, (int)res.dev[i].claim, res.dev[i].index,
                (unsigned long long)res.dev[i].blocks, res.dev[i].block_size);
    CHECK(res.targets_probed == 7, "%d target ids probed, want 7 (0-6)", res.targets_probed);
    CHECK(res.count == 1 && res.disks == 1 && res.cdroms == 0, "%d devices, %d disks, %d CD-ROMs",
          res.count, res.disks, res.cdroms);
    CHECK(res.dev[0].target == 0 && res.dev[0].lun == 0 && res.dev[0].peripheral_type == 0 &&
          res.dev[0].claim == CLASS_DISK && res.dev[0].index == 0, "target 0 is not disk 0");
    CHECK(res.dev[0].vendor[0] && res.dev[0].product[0], "no vendor/product");
    CHECK(res.dev[0].blocks == DISK_BLOCKS && res.dev[0].block_size == BLOCK,
          "capacity %llu x %u", (unsigned long long)res.dev[0].blocks, res.dev[0].block_size);
    /* the disk class driver's claim: Harddisk0, READ CAPACITY at once (the
     * boot's commands took the power-on unit attention) */
    CHECK(res.dev[0].ready && !strcmp(res.dev[0].nt_name, "Harddisk0") &&
          res.dev[0].capacity.attempts == 1, "claim: ready %d, '%s', %d attempts", res.dev[0].ready,
          res.dev[0].nt_name, res.dev[0].capacity.attempts);
    CHECK(cosim_now_ps() - t0 < 100 * PS_PER_MS, "the scan took %.3f ms",
          (cosim_now_ps() - t0) / 1e9);
    for (UCHAR t = 0; t < 8; t++)
        CHECK(!portdrv_queue_frozen(0, 0, t, 0), "the scan left target %u's queue frozen", t);
    check_disk_matches_file(0, 8, "READ(10) after the scan");
    no_violations();
}

/* ---- hostile-interleaving soak ------------------------------------------- */

#define SOAK_SEEDS 200u
#define SOAK_MAX_BLOCKS 8u

static uint32_t soak_rand(uint32_t n)
{
    uint32_t v = (uint32_t)rng8() | (uint32_t)rng8() << 8 | (uint32_t)rng8() << 16;
    return n ? v % n : 0;
}

/* Reads count blocks into buf and checks every byte against the medium. */
static void soak_read_check(uint32_t lba, uint32_t count, uint8_t *buf, const char *what)
{
    static uint8_t in_file[SOAK_MAX_BLOCKS * BLOCK];
    struct class_result r;
    CHECK(class_read10(&sys.t, lba, count, buf, &r) == 0, "%s: READ(10) of %u blocks at %u: 0x%02x",
          what, count, lba, r.srb_status);
    file_blocks(lba, count, in_file);
    for (uint32_t i = 0; i < count * BLOCK; i++)
        CHECK(buf[i] == in_file[i], "%s: byte %u of LBA %u read 0x%02x, the medium holds 0x%02x",
              what, i % BLOCK, lba + i / BLOCK, buf[i], in_file[i]);
}

/* One seed: a short mixed workload under hostile interleaving.  Buffers sit
 * at odd offsets in their 4 KiB page; the map registers' pages move, so the
 * 64 KiB DMA page cut falls inside transfers. */
static void soak_seed(uint32_t seed)
{
    static uint8_t area[2][SOAK_MAX_BLOCKS * BLOCK + 4096];
    char what[64];
    rng_state = 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed << 17);
    portdrv_set_hostile(seed);
    for (int op = 0; op < 2; op++) {
        uint32_t count = 1 + soak_rand(SOAK_MAX_BLOCKS);
        uint32_t lba = soak_rand(DISK_BLOCKS - count);
        uint8_t *data = area[0] + soak_rand(4096), *back = area[1] + soak_rand(4096);
        uint32_t kind = soak_rand(16);
        struct class_result r;
        snprintf(what, sizeof what, "seed %u op %d", seed, op);
        if (kind < 8) {                       /* write, read back, check the medium */
            static uint8_t in_file[SOAK_MAX_BLOCKS * BLOCK];
            fill_random(data, (size_t)count * BLOCK);
            CHECK(class_write10(&sys.t, lba, count, data, &r) == 0,
                  "%s: WRITE(10) of %u blocks at %u: 0x%02x", what, count, lba, r.srb_status);
            file_blocks(lba, count, in_file);
            CHECK(memcmp(in_file, data, (size_t)count * BLOCK) == 0,
                  "%s: the medium differs from the data written", what);
            soak_read_check(lba, count, back, what);
        } else if (kind < 11) {               /* read only */
            soak_read_check(lba, count, back, what);
        } else if (kind < 13) {               /* abort in mid READ(10) */
            SCSI_REQUEST_BLOCK io, ab;
            uint8_t sense[SENSE_BUFFER_SIZE];
            static uint8_t in_file[SOAK_MAX_BLOCKS * BLOCK];
            rw_srb(&io, 0, lba, count, back, sense, 10);
            CHECK(portdrv_start(0, &io) == 0, "%s: READ(10) not started", what);
            (void)portdrv_wait(0, &io, (uint64_t)soak_rand(3000) * 1000000ull);
            if (portdrv_pending(0, &io)) {
                control_srb(&ab, SRB_FUNCTION_ABORT_COMMAND, &io);
                CHECK(portdrv_start(0, &ab) == 0, "%s: ABORT_COMMAND not sent", what);
                wait_done(&ab, 100 * PS_PER_MS, "ABORT_COMMAND");
            }
            wait_done(&io, 3000 * PS_PER_MS, "the aborted READ(10)");
            CHECK(SRB_STATUS(io.SrbStatus) == SRB_STATUS_ABORTED ||
                  io.SrbStatus == SRB_STATUS_SUCCESS, "%s: aborted READ(10) status 0x%02x", what,
                  io.SrbStatus);
            thaw(&io);
            CHECK(io.DataTransferLength <= count * BLOCK, "%s: DataTransferLength grew", what);
            file_blocks(lba, count, in_file);
            CHECK(memcmp(back, in_file, io.DataTransferLength) == 0,
                  "%s: the %u bytes the aborted READ(10) reports differ from the medium", what,
                  (unsigned)io.DataTransferLength);
            soak_read_check(lba, count, back, what);
        } else if (kind < 14) {               /* bus reset, idle or in mid-transfer */
            SCSI_REQUEST_BLOCK io, rs;
            uint8_t sense[SENSE_BUFFER_SIZE];
            rw_srb(&io, 0, lba, count, back, sense, 10);
            CHECK(portdrv_start(0, &io) == 0, "%s: READ(10) not started", what);
            (void)portdrv_wait(0, &io, (uint64_t)soak_rand(2000) * 1000000ull);
            control_srb(&rs, SRB_FUNCTION_RESET_BUS, NULL);
            CHECK(portdrv_start(0, &rs) == 0, "%s: RESET_BUS not sent", what);
            wait_done(&rs, 100 * PS_PER_MS, "RESET_BUS");
            wait_done(&io, 100 * PS_PER_MS, "the READ(10) under the reset");
            thaw(&io);
            soak_read_check(lba, count, back, what);   /* unit attention retried */
        } else {                              /* SD fault on one block, then recovery */
            struct sd_fault f = { 0 };
            f.kind = kind == 14 ? SD_FAULT_READ_CRC : SD_FAULT_WRITE_REJECT;
            f.skip = soak_rand(count);
            f.times = 1;
            sd_card_set_fault(machine.sd, &f);
            if (f.kind == SD_FAULT_READ_CRC) {
                static uint8_t in_file[SOAK_MAX_BLOCKS * BLOCK];
                if (class_read10(&sys.t, lba, count, back, &r) == 0) {
                    file_blocks(lba, count, in_file);
                    CHECK(memcmp(back, in_file, (size_t)count * BLOCK) == 0,
                          "%s: a READ(10) through a CRC error succeeded with wrong data", what);
                }
            } else {
                fill_random(data, (size_t)count * BLOCK);
                (void)class_write10(&sys.t, lba, count, data, &r);
            }
            sd_card_clear_fault(machine.sd);
            soak_read_check(lba, count, back, what);
        }
    }
    no_violations();
}

static void case_soak(void)
{
    uint32_t passed = 0;
    for (uint32_t seed = 1; seed <= SOAK_SEEDS; seed++) {
        soak_seed(seed);                      /* a failure exits naming the seed */
        passed++;
    }
    portdrv_set_hostile(0);
    check_disk_matches_file(0, 64, "READ(10) after the soak");
    no_violations();
    printf("interleave_seeds_passed %u\n", passed);
}

int main(int argc, char **argv)
{
    /* --driver=... may stand anywhere; the rest are positional. */
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--driver=", 9) == 0)
            driver = argv[i] + 9;
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    const char *firmware = argc > 2 ? argv[2] : "build/fw/softhba_fw.hex";
    const char *dir = argc > 3 ? argv[3] : "build/e2e-srb";
    int dma = 1, single = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: srb-test CASE [FIRMWARE_HEX [WORK_DIR]]\n");
        return 2;
    }
    case_name = argv[1];
    if (!strcmp(case_name, "abort-read-demand") || !strcmp(case_name, "underrun") ||
        !strcmp(case_name, "dma-one-op"))
        single = 0;
    if (!strcmp(case_name, "reset-bus-hw") || !strcmp(case_name, "autosense")) {
        dma = 5;
        single = 0;
    }
    if (strcmp(case_name, "abort-read-single") && strcmp(case_name, "abort-write-single") &&
        strcmp(case_name, "abort-read-demand") && strcmp(case_name, "reset-bus-srb") &&
        strcmp(case_name, "reset-bus-hw") && strcmp(case_name, "timeout") &&
        strcmp(case_name, "autosense") && strcmp(case_name, "underrun") &&
        strcmp(case_name, "underrun-dma16") && strcmp(case_name, "late-dma-started") &&
        strcmp(case_name, "routine-time-dma") && strcmp(case_name, "routine-time-pio") &&
        strcmp(case_name, "soak") && strcmp(case_name, "dma-one-op") &&
        strcmp(case_name, "dma-one-op-dma16") && strcmp(case_name, "busy-retry") &&
        strcmp(case_name, "reset-hold") && strcmp(case_name, "scan") &&
        strcmp(case_name, "residual-dma8") && strcmp(case_name, "residual-dma16") &&
        strcmp(case_name, "residual-pio")) {
        fprintf(stderr, "srb-test: unknown case '%s'\n", case_name);
        return 2;
    }
    if (!strncmp(case_name, "residual-dma", 12))
        single = 0;
    if (!strcmp(case_name, "underrun-dma16") || !strcmp(case_name, "dma-one-op-dma16") ||
        !strcmp(case_name, "residual-dma16")) {
        dma = 5;
        single = 0;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "srb-test: %s: %s\n", dir, strerror(errno));
        return 126;
    }
    make_image(dir);
    boot(firmware, dma, single);
    if (!strcmp(case_name, "abort-read-demand") || !strcmp(case_name, "reset-bus-hw"))
        /* In demand mode the CONTROL write of an abort or reset in mid-read
         * waits until the 8237 lets go of the bus (docs/protocol.md rule 7):
         * the bus, not the miniport, holds the CPU there for the rest of the
         * segment, so the 1 ms routine budget is not checked in these two. */
        portdrv_set_stall_limit(0);

    if (!strcmp(case_name, "abort-read-single"))
        case_abort_read(0);
    else if (!strcmp(case_name, "abort-read-demand"))
        case_abort_read(1);
    else if (!strcmp(case_name, "abort-write-single"))
        case_abort_write();
    else if (!strcmp(case_name, "reset-bus-srb"))
        case_reset_bus_srb();
    else if (!strcmp(case_name, "reset-bus-hw"))
        case_reset_bus_hw();
    else if (!strcmp(case_name, "timeout"))
        case_timeout();
    else if (!strcmp(case_name, "autosense"))
        case_autosense();
    else if (!strcmp(case_name, "late-dma-started"))
        case_late_dma_started();
    else if (!strcmp(case_name, "soak"))
        case_soak();
    else if (!strncmp(case_name, "dma-one-op", 10))
        case_dma_one_operation();
    else if (!strcmp(case_name, "busy-retry"))
        case_busy_retry();
    else if (!strcmp(case_name, "reset-hold"))
        case_reset_hold();
    else if (!strcmp(case_name, "scan"))
        case_scan();
    else if (!strncmp(case_name, "residual-", 9))
        case_residual();
    else if (!strncmp(case_name, "routine-time-", 13))
        case_routine_time(!strcmp(case_name, "routine-time-pio"));
    else
        case_underrun();

    fprintf(stderr, "ok: srb-test %s (%.3f ms simulated, %.1f M cycles; longest routine call "
            "%s %.1f us)\n", case_name, cosim_now_ps() / 1e9, cosim_cycles() / 1e6,
            portdrv_longest_routine().routine ? portdrv_longest_routine().routine : "-",
            portdrv_longest_routine().ps / 1e6);
    close(sys.fd);
    system_down(&machine);
    ntsys_unload();
    unlink(sys.image);
    return 0;
}
