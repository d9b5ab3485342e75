/* Unit tests of the miniport (host_driver/softhba.c, host build) running on
 * the port driver emulation (sim/portdrv) against the real parts: the PC
 * model (sim/pc), the Verilated card running the firmware, and the SD card
 * model on a disk image of random blocks.  Every I/O cycle the host runs is
 * logged through the PC's I/O observer (pc_set_io_observer).  What is
 * checked: the argument parser, the result-to-SRB-status mapping, the probe
 * and CONFIG programming, the exact 8237 programming sequence for a
 * buffer/length/channel (8237 rules: mask, clear flip-flop, mode, address
 * low/high, page, count-1 low/high, unmask; word address and word count on
 * 16-bit channels; no transfer across a 64 KiB / 128 KiB page), segment
 * continuation after TC, the command block on the bus, data integrity
 * through the map buffer both ways, and auto-sense (the card's power-on
 * UNIT ATTENTION).
 *
 * usage: test_miniport [FIRMWARE_HEX [WORK_DIR]] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddk/scsi.h"
#include "softhba_regs.h"
#include "softhba.h"
#include "system.h"

ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2);

static int failures;
#define CHECK(c) do { if (!(c)) { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); } } while (0)

#define DISK_BLOCKS 4096u
#define BLOCK 512u

/* ---- the I/O cycle log ------------------------------------------------- */
#define IO_LOG_MAX 65536

static struct pc_io_cycle io_log[IO_LOG_MAX];
static int io_log_n;

static void log_io(void *ctx, const struct pc_io_cycle *c)
{
    (void)ctx;
    if (io_log_n < IO_LOG_MAX)
        io_log[io_log_n++] = *c;
}

/* ---- the system: PC, card with firmware, SD card ----------------------- */
static const char *firmware = "build/fw/softhba_fw.hex";
static char image[512];
static struct system machine;
static struct pc *pc;
static int image_fd = -1;

static void make_image(const char *dir)
{
    static uint8_t buf[DISK_BLOCKS * BLOCK];
    uint32_t x = 0x2545F491u;
    FILE *f;
    snprintf(image, sizeof image, "%s/miniport-%ld.img", dir, (long)getpid());
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 7);
    }
    f = fopen(image, "wb");
    if (!f || fwrite(buf, 1, sizeof buf, f) != sizeof buf || fclose(f) != 0) {
        fprintf(stderr, "test_miniport: %s: %s\n", image, strerror(errno));
        exit(126);
    }
    image_fd = open(image, O_RDONLY);
    if (image_fd < 0)
        exit(126);
}

/* What the medium holds: the image file. */
static void medium(uint32_t lba, uint32_t len, uint8_t *out)
{
    if (pread(image_fd, out, len, (off_t)lba * BLOCK) != (ssize_t)len) {
        fprintf(stderr, "test_miniport: pread of the image failed\n");
        exit(126);
    }
}

static void power_off(void)
{
    system_down(&machine);
    pc = NULL;
}

/* Power on with the jumpers (base: the base jumper) and load the miniport
 * with args, every I/O cycle logged from power-on (sim/system). */
static void setup(uint16_t base, struct system_jumpers jumpers, const char *args)
{
    struct system_config cfg = { 0 };
    if (pc)
        power_off();
    cfg.name = "test_miniport";
    cfg.firmware_hex = firmware;
    cfg.jumpers = jumpers;
    cfg.jumpers.io_base = base;
    cfg.disk_image = image;
    cfg.io_observer = log_io;
    cfg.port_driver = 1;
    cfg.driver_args = args;
    io_log_n = 0;
    enum system_status st = system_up(&cfg, &machine);
    if (st == SYSTEM_SETUP_FAILED)
        exit(126);
    pc = machine.pc;
    CHECK(st == SYSTEM_UP);
    CHECK(portdrv_adapter_count() == 1);
}

static void scsi_srb(PSCSI_REQUEST_BLOCK srb, uint8_t op, uint32_t lba, uint32_t len, void *buf,
                     ULONG flags, uint8_t *sense, UCHAR sense_len)
{
    memset(srb, 0, sizeof *srb);
    srb->Length = sizeof *srb;
    srb->Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb->CdbLength = op == SCSIOP_TEST_UNIT_READY ? 6 : 10;
    srb->Cdb[0] = op;
    if (op != SCSIOP_TEST_UNIT_READY) {
        srb->Cdb[2] = (uint8_t)(lba >> 24);
        srb->Cdb[3] = (uint8_t)(lba >> 16);
        srb->Cdb[4] = (uint8_t)(lba >> 8);
        srb->Cdb[5] = (uint8_t)lba;
        srb->Cdb[7] = (uint8_t)(len / BLOCK >> 8);
        srb->Cdb[8] = (uint8_t)(len / BLOCK);
    }
    srb->SrbFlags = flags;
    srb->DataBuffer = buf;
    srb->DataTransferLength = len;
    srb->SenseInfoBuffer = sense;
    srb->SenseInfoBufferLength = sense_len;
    srb->TimeOutValue = 10;
}

/* As a class driver: runs srb; an error freezes the LU's queue
 * (SRB_STATUS_QUEUE_FROZEN), which is then released.  SRB_STATUS(). */
static UCHAR execute(PSCSI_REQUEST_BLOCK srb)
{
    UCHAR st = portdrv_execute(0, srb);
    if (st != SRB_STATUS_SUCCESS && srb->Function == SRB_FUNCTION_EXECUTE_SCSI) {
        SCSI_REQUEST_BLOCK rel;
        CHECK(srb->SrbStatus & SRB_STATUS_QUEUE_FROZEN);
        CHECK(portdrv_queue_frozen(0, srb->PathId, srb->TargetId, srb->Lun));
        memset(&rel, 0, sizeof rel);
        rel.Function = SRB_FUNCTION_RELEASE_QUEUE;
        rel.TargetId = srb->TargetId;
        rel.Lun = srb->Lun;
        CHECK(portdrv_execute(0, &rel) == SRB_STATUS_SUCCESS);
        CHECK(!portdrv_queue_frozen(0, srb->PathId, srb->TargetId, srb->Lun));
    }
    return st;
}

/* The card reports the power-on UNIT ATTENTION once: take it. */
static void clear_unit_attention(void)
{
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[18];
    scsi_srb(&srb, SCSIOP_TEST_UNIT_READY, 0, 0, NULL, 0, sense, sizeof sense);
    CHECK(execute(&srb) == SRB_STATUS_ERROR && sense[2] == SCSI_SENSE_UNIT_ATTENTION);
    scsi_srb(&srb, SCSIOP_TEST_UNIT_READY, 0, 0, NULL, 0, sense, sizeof sense);
    CHECK(execute(&srb) == SRB_STATUS_SUCCESS);
}

static int count_writes(uint16_t port, uint8_t mask)
{
    int n = 0;
    for (int i = 0; i < io_log_n; i++)
        if (io_log[i].write && io_log[i].port == port && (io_log[i].value & mask))
            n++;
    return n;
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
    /* bus-on/bus-off time (us): unset by default, range-checked */
    CHECK(ShbaParseArguments("dma=5", &o) == 0 && o.bus_on == SHBA_OPT_UNSET && o.bus_off == SHBA_OPT_UNSET);
    CHECK(ShbaParseArguments("BusOnTime=8 busofftime=0xF", &o) == 0 && o.bus_on == 8 && o.bus_off == 15);
    CHECK(ShbaParseArguments("busontime=1 busofftime=1", &o) == 0 && o.bus_on == 1 && o.bus_off == 1);
    CHECK(ShbaParseArguments("busontime=12", &o) == 0 && o.bus_on == 12);
    CHECK(ShbaParseArguments("busontime=13", &o) == 1);     /* would hold the bus over 15 us */
    CHECK(ShbaParseArguments("busontime=0", &o) == 1);      /* the card's "no limit" is not offered */
    CHECK(ShbaParseArguments("dma=5 busofftime=0", &o) == 7);
    CHECK(ShbaParseArguments("busofftime=16", &o) == 1);
    CHECK(ShbaParseArguments("busontime=", &o) == 1);
    CHECK(ShbaParseArguments("busontime", &o) == 1);
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

    /* A failed command's residual gives the bytes moved as they are, not
     * rounded to blocks: a READ(10) of 4 blocks whose CRC failed in block 3
     * after 1 byte of it had reached the host, an ABORT after 1 byte, a stall,
     * a failed WRITE that programmed 2 of 6 blocks. */
    static const struct { uint8_t scsi, hs; uint32_t resid, requested; UCHAR srb; } fail[] = {
        { SCSISTAT_CHECK_CONDITION, SHBA_HOST_HS_OK, 2048 - 1025, 2048, SRB_STATUS_ERROR },
        { 0, SHBA_HOST_HS_ABORTED, 2047, 2048, SRB_STATUS_ABORTED },
        { 0, SHBA_HOST_HS_HW_ERROR, 2047, 2048, SRB_STATUS_ERROR },
        { 0, SHBA_HOST_HS_PHASE_ERROR, 4096, 4096, SRB_STATUS_PHASE_SEQUENCE_FAILURE },
        { SCSISTAT_CHECK_CONDITION, SHBA_HOST_HS_OK, 4 * 512, 6 * 512, SRB_STATUS_ERROR },
    };
    for (unsigned i = 0; i < sizeof fail / sizeof fail[0]; i++) {
        memset(r, 0, sizeof r);
        r[SHBA_HOST_RES_SCSI_STATUS] = fail[i].scsi;
        r[SHBA_HOST_RES_HOST_STATUS] = fail[i].hs;
        for (int b = 0; b < 4; b++)
            r[SHBA_HOST_RES_RESIDUAL + b] = (uint8_t)(fail[i].resid >> (8 * b));
        CHECK(ShbaTranslateResult(r, fail[i].requested, &t) == fail[i].srb &&
              t == fail[i].requested - fail[i].resid);
    }

    /* What is logged: the host and the card disagreeing about the data phase
     * is a protocol error, a card fault an adapter error, the rest nothing. */
    static const struct { uint8_t hs; ULONG code; } log[] = {
        { SHBA_HOST_HS_OK, 0 }, { SHBA_HOST_HS_BAD_BLOCK, 0 }, { SHBA_HOST_HS_NO_DEVICE, 0 },
        { SHBA_HOST_HS_ABORTED, 0 }, { SHBA_HOST_HS_RESET, 0 },
        { SHBA_HOST_HS_DATA_OVERRUN, SP_PROTOCOL_ERROR }, { SHBA_HOST_HS_PHASE_ERROR, SP_PROTOCOL_ERROR },
        { SHBA_HOST_HS_HW_ERROR, SP_INTERNAL_ADAPTER_ERROR }, { 0x42, SP_INTERNAL_ADAPTER_ERROR },
    };
    for (unsigned i = 0; i < sizeof log / sizeof log[0]; i++) {
        memset(r, 0, sizeof r);
        r[SHBA_HOST_RES_HOST_STATUS] = log[i].hs;
        CHECK(ShbaResultErrorCode(r) == log[i].code);
    }
}

/* CONFIG's reset value: WIDE16, 16-bit DMA channel 5, 8-bit channel 1, IRQ 11 */
static const struct system_jumpers CONFIG_PINS = { .irq = 11, .dma8 = 1, .dma16 = 5, .wide16 = 1 };

static int next_write(int from, uint16_t port);

static void test_probe(void)
{
    const PORT_CONFIGURATION_INFORMATION *ci;
    setup(0x330, CONFIG_PINS, NULL);
    ci = portdrv_config_info(0);
    /* 0x340 first: nothing there, the bus floats */
    CHECK(io_log_n > 1 && io_log[0].write && io_log[0].port == 0x340 + SHBA_HOST_ID_RESET);
    CHECK(!io_log[1].write && io_log[1].port == 0x340 + SHBA_HOST_ID && io_log[1].value == 0xFF);
    CHECK((*ci->AccessRanges)[0].RangeStart.QuadPart == 0x330);
    CHECK((*ci->AccessRanges)[0].RangeLength == 16 && !(*ci->AccessRanges)[0].RangeInMemory);
    CHECK(ci->BusInterruptLevel == 11 && ci->InterruptMode == Latched);
    CHECK(ci->DmaChannel == 5 && ci->DmaWidth == Width16Bits && ci->DmaSpeed == Compatible);
    CHECK(ci->MaximumTransferLength == 0x10000 && ci->InitiatorBusId[0] == 7);
    CHECK(ci->NumberOfBuses == 1 && ci->MaximumNumberOfTargets == 8 && !ci->Master);
    CHECK(!ci->ScatterGather && ci->AlignmentMask == 1);
    /* CONFIG programmed with exactly what is used: no 8-bit channel; the
     * card's interrupt enabled. */
    CHECK(pc_inb(pc, 0x330 + SHBA_HOST_CONFIG) == (SHBA_HOST_CONFIG_WIDE16 | (1u << 5) | 6u));
    CHECK(pc_inb(pc, 0x330 + SHBA_HOST_STATUS) & SHBA_HOST_STATUS_INT_ENABLED);
    /* BUS_TIME: the defaults, written even though they equal the reset value */
    CHECK(next_write(0, 0x330 + SHBA_HOST_BUS_TIME) >= 0);
    CHECK(pc_inb(pc, 0x330 + SHBA_HOST_BUS_TIME) ==
          ((SHBA_HOST_BUS_OFF_DEFAULT << SHBA_HOST_BUS_TIME_OFF_SHIFT) | SHBA_HOST_BUS_ON_DEFAULT));

    setup(0x340, CONFIG_PINS, "dma=1 irq=5 narrow busontime=6 busofftime=9");
    ci = portdrv_config_info(0);
    CHECK(ci->DmaChannel == 1 && ci->DmaWidth == Width8Bits && ci->BusInterruptLevel == 5);
    CHECK(pc_inb(pc, 0x340 + SHBA_HOST_CONFIG) == ((1u << 3) | 2u));
    CHECK(pc_inb(pc, 0x340 + SHBA_HOST_BUS_TIME) == ((9u << SHBA_HOST_BUS_TIME_OFF_SHIFT) | 6u));

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
        /* an out-of-range bus-on time: refused and logged, the card untouched */
        portdrv_shutdown();
        cfg.argument_string = "dma=5 busontime=20";
        CHECK(portdrv_init(&cfg) == 0);
        CHECK(portdrv_load(DriverEntry) != 0);
        int n = portdrv_logged_errors(e, PORTDRV_MAX_LOGGED);
        /* SHBA_ERR_BAD_ARGUMENT | position of the bad token (7) */
        CHECK(n >= 1 && e[n - 1].unique_id == 0x53480107u);
        CHECK(pc_inb(pc, 0x340 + SHBA_HOST_BUS_TIME) == ((9u << SHBA_HOST_BUS_TIME_OFF_SHIFT) | 6u));
    }
}

/* Finds the first write to port in the log at or after from; its index. */
static int next_write(int from, uint16_t port)
{
    for (int i = from; i < io_log_n; i++)
        if (io_log[i].write && io_log[i].port == port)
            return i;
    return -1;
}

static struct portdrv_counts counts_before, counts_after;

/* READ(10) of len bytes at lba into a buffer page_offset into a 64 KiB
 * aligned area; the log then holds this request's cycles alone, the
 * counts before and after it are kept. */
static void run_read(const char *args, uint32_t lba, uint32_t len, uint32_t page_offset)
{
    static uint8_t sense[18];
    SCSI_REQUEST_BLOCK srb;
    /* 64 KiB aligned: page_offset also says where 64 KiB lines fall */
    uint8_t *mem = aligned_alloc(0x10000, (len + page_offset + 0xFFFFu) & ~0xFFFFu);
    uint8_t *want = malloc(len);
    uint8_t *buf = mem + page_offset;
    setup(0x340, CONFIG_PINS, args);
    clear_unit_attention();
    medium(lba, len, want);
    memset(buf, 0, len);
    scsi_srb(&srb, SCSIOP_READ, lba, len, buf, SRB_FLAGS_DATA_IN, sense, sizeof sense);
    io_log_n = 0;
    portdrv_get_counts(&counts_before);
    CHECK(execute(&srb) == SRB_STATUS_SUCCESS);
    portdrv_get_counts(&counts_after);
    CHECK(memcmp(buf, want, len) == 0);
    CHECK(srb.DataTransferLength == len);
    free(want);
    free(mem);
}

/* The command block as the miniport wrote it to COMMAND. */
static unsigned command_block(uint16_t base, uint8_t *cmd)
{
    unsigned n = 0;
    for (int i = 0; i < io_log_n && n < SHBA_HOST_CMD_BLOCK_LEN; i++)
        if (io_log[i].write && io_log[i].port == base + SHBA_HOST_COMMAND)
            cmd[n++] = (uint8_t)io_log[i].value;
    return n;
}

static void test_dma8_read_crossing_64k(void)
{
    uint8_t cmd[SHBA_HOST_CMD_BLOCK_LEN] = { 0 };
    int i;
    /* 8-bit channel 1, 60 KiB (16 pages, the 16 map registers) whose buffer
     * crosses a 64 KiB line: 0xD200 into a 64 KiB aligned area.  The HAL
     * maps it whole into its map buffer (0x100200: no DMA page inside), so
     * it is one DMA operation: one map, one HwDmaStarted, one flush, one
     * ARM, the 8237 programmed once for all of it. */
    run_read("dma=1 narrow", 300, 0xF000, 0xD200);
    CHECK(portdrv_map_registers(0) == 16);
    CHECK(counts_after.maps - counts_before.maps == 1);
    CHECK(counts_after.dma_started - counts_before.dma_started == 1);
    CHECK(counts_after.flushes - counts_before.flushes == 1);
    CHECK(count_writes(0x340 + SHBA_HOST_XFER_CTRL, SHBA_HOST_XFER_CTRL_ARM) == 1);
    /* The command block as docs/registers.md lays it out. */
    CHECK(command_block(0x340, cmd) == SHBA_HOST_CMD_CDB + 10);   /* up to the 10-byte CDB */
    CHECK(cmd[SHBA_HOST_CMD_FLAGS] == SHBA_HOST_CMD_FLAG_DATA_IN);
    CHECK(cmd[SHBA_HOST_CMD_DATA_LEN + 1] == 0xF0 && cmd[SHBA_HOST_CMD_CDB] == SCSIOP_READ);
    CHECK(cmd[SHBA_HOST_CMD_CDB + 4] == (300 >> 8) && cmd[SHBA_HOST_CMD_CDB + 5] == (300 & 0xFF));
    /* The 8237 programming, byte by byte. */
    {
        static const uint16_t want[][2] = {
            { 0x0A, 0x05 }, { 0x0C, 0x00 }, { 0x0B, 0x05 },      /* mask ch1, ff, demand write ch1 */
            { 0x02, 0x00 }, { 0x02, 0x02 }, { 0x83, 0x10 },      /* address 0x0200, page 0x10 */
            { 0x0C, 0x00 }, { 0x03, 0xFF }, { 0x03, 0xEF },      /* count 0xF000 - 1 */
            { 0x0A, 0x01 },                                      /* unmask ch1 */
        };
        const struct pc_io_cycle *io = io_log;
        int k = 0;
        i = next_write(0, 0x0A);
        CHECK(i >= 0);
        for (; i >= 0 && i < io_log_n && k < 10; i++) {
            if (!io[i].write || io[i].port >= 0x100)
                continue;
            CHECK(io[i].port == want[k][0] && io[i].value == want[k][1]);
            if (io[i].port != want[k][0] || io[i].value != want[k][1])
                fprintf(stderr, "  step %d: out 0x%02x,0x%02x want 0x%02x,0x%02x\n", k,
                        io[i].port, io[i].value, want[k][0], want[k][1]);
            k++;
        }
        CHECK(k == 10);
        /* Then HwDmaStarted: XFER_COUNT (0x00F000) and XFER_CTRL ARM|DIR_TO_HOST. */
        i = next_write(i, 0x344);
        CHECK(i >= 0 && io[i].value == 0x00 && io[i + 1].port == 0x345 && io[i + 1].value == 0xF0 &&
              io[i + 2].port == 0x346 && io[i + 2].value == 0x00 && io[i + 3].port == 0x347 &&
              io[i + 3].value == (SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST));
        /* No second programming of the address. */
        CHECK(next_write(i + 4, 0x02) < 0);
    }
}

/* An SRB whose buffer touches more pages than the adapter's map registers
 * (64 KiB from 0x200 into a page: 17) is not one a class driver sends: the
 * verifier stops the map of its 17th page. */
static char last_violation[256];
static void note_violation(void *ctx, const char *msg)
{
    (void)ctx;
    snprintf(last_violation, sizeof last_violation, "%s", msg);
}

static void test_too_many_pages(void)
{
    static uint8_t sense[18];
    SCSI_REQUEST_BLOCK srb;
    uint8_t *mem = aligned_alloc(4096, 0x12000);
    uint64_t v = portdrv_violations();
    setup(0x340, CONFIG_PINS, "dma=1 narrow");
    clear_unit_attention();
    portdrv_set_violation_handler(note_violation, NULL);
    scsi_srb(&srb, SCSIOP_READ, 300, 0x10000, mem + 0x200, SRB_FLAGS_DATA_IN, sense, sizeof sense);
    CHECK(portdrv_start(0, &srb) == 0);           /* the map is refused in its DPC */
    CHECK(portdrv_violations() > v);
    CHECK(strstr(last_violation, "needs map register 16") != NULL);
    portdrv_reset_bus(0);                          /* no data will come: end it */
    CHECK(!portdrv_pending(0, &srb));
    portdrv_set_violation_handler(NULL, NULL);
    free(mem);
}

static void test_dma16_read(void)
{
    const struct pc_io_cycle *io = io_log;
    int i;
    run_read(NULL, 1000, 0x10000, 0);              /* channel 5 from the pins, 16 pages */
    CHECK(count_writes(0x340 + SHBA_HOST_XFER_CTRL, SHBA_HOST_XFER_CTRL_ARM) == 1);  /* one operation */
    i = next_write(0, 0xD4);
    CHECK(i >= 0 && io[i].value == 0x05);                              /* mask ch5 */
    CHECK(io[i + 1].port == 0xD8 && io[i + 2].port == 0xD6 && io[i + 2].value == 0x05);
    CHECK(io[i + 3].port == 0xC4 && io[i + 3].value == 0x00);         /* word address 0x80000 */
    CHECK(io[i + 4].port == 0xC4 && io[i + 4].value == 0x00);
    CHECK(io[i + 5].port == 0x8B && io[i + 5].value == 0x10);         /* page, bit 0 clear */
    CHECK(io[i + 7].port == 0xC6 && io[i + 7].value == 0xFF);         /* 0x8000 words - 1 */
    CHECK(io[i + 8].port == 0xC6 && io[i + 8].value == 0x7F);
    CHECK(io[i + 9].port == 0xD4 && io[i + 9].value == 0x01);
    i = next_write(i, 0x347);
    CHECK(i >= 0 && io[i].value == (SHBA_HOST_XFER_CTRL_ARM | SHBA_HOST_XFER_CTRL_DIR_TO_HOST |
                                    SHBA_HOST_XFER_CTRL_WIDTH16));
}

static void test_write_and_sense(void)
{
    SCSI_REQUEST_BLOCK srb;
    static uint8_t data[4096], back[4096], on_medium[4096];
    uint8_t sense[18];
    setup(0x340, CONFIG_PINS, "dma=3 narrow");

    /* CHECK CONDITION with sense: the power-on UNIT ATTENTION (power on or
     * reset, ASC 0x29); auto-sense valid, sense copied. */
    memset(sense, 0, sizeof sense);
    scsi_srb(&srb, SCSIOP_TEST_UNIT_READY, 0, 0, NULL, 0, sense, sizeof sense);
    CHECK(execute(&srb) == SRB_STATUS_ERROR);
    CHECK(srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID);
    CHECK(srb.ScsiStatus == SCSISTAT_CHECK_CONDITION && sense[0] == 0x70 &&
          sense[2] == SCSI_SENSE_UNIT_ATTENTION && sense[12] == 0x29);

    /* WRITE(10) through channel 3: on the medium, and read back. */
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i ^ 0x5A);
    scsi_srb(&srb, SCSIOP_WRITE, 77, sizeof data, data, SRB_FLAGS_DATA_OUT, NULL, 0);
    io_log_n = 0;
    CHECK(execute(&srb) == SRB_STATUS_SUCCESS);
    {
        int i = next_write(0, 0x0B);
        CHECK(i >= 0 && io_log[i].value == 0x0B);       /* demand, read (memory to card), ch3 */
    }
    medium(77, sizeof data, on_medium);
    CHECK(memcmp(on_medium, data, sizeof data) == 0);
    scsi_srb(&srb, SCSIOP_READ, 77, sizeof back, back, SRB_FLAGS_DATA_IN, NULL, 0);
    CHECK(execute(&srb) == SRB_STATUS_SUCCESS);
    CHECK(memcmp(back, data, sizeof data) == 0);

    /* Unsupported function: INVALID_REQUEST at once. */
    memset(&srb, 0, sizeof srb);
    srb.Function = SRB_FUNCTION_SHUTDOWN;
    CHECK(execute(&srb) == SRB_STATUS_INVALID_REQUEST);
    /* The initiator's own id: selection timeout. */
    memset(&srb, 0, sizeof srb);
    srb.Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb.TargetId = 7;
    srb.CdbLength = 6;
    CHECK(execute(&srb) == SRB_STATUS_SELECTION_TIMEOUT);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 2 ? argv[2] : "build/driver-tests";
    if (argc > 1)
        firmware = argv[1];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "test_miniport: %s: %s\n", dir, strerror(errno));
        return 126;
    }
    make_image(dir);
    test_arguments();
    test_translate();
    test_probe();
    test_dma8_read_crossing_64k();
    test_dma16_read();
    test_write_and_sense();
    CHECK(portdrv_violations() == 0);
    test_too_many_pages();
    portdrv_shutdown();
    power_off();
    close(image_fd);
    unlink(image);
    if (failures) {
        fprintf(stderr, "test_miniport: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_miniport: all checks passed\n");
    return 0;
}
