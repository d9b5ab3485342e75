/* The port driver emulation's contract checker must catch a misbehaving
 * miniport.  This file is that miniport: each mode breaks one rule of the
 * NT SCSI miniport contract (docs/miniport.md); a well-behaved mode is the
 * control.  Runs on the real PC model (sim/pc) with the card's Verilated
 * ISA side (the kernel's isa_interface configuration) on the bus at 0x340:
 * the misbehaving miniport claims its ports but never drives it. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "class_layer.h"
#include "ddk/scsi.h"
#include "cosim.h"
#include "pc.h"
#include "portdrv.h"

enum mode { GOOD, DOUBLE_COMPLETE, MAP_NO_DATA, MAP_TOO_LONG, MAP_OUTSIDE_BUFFER,
            TOUCH_AFTER, BAD_PORT, NO_NEXT_REQUEST,
            /* the NT-like port driver's verifier rules */
            DMA_FLUSHED, DMA_NO_FLUSH, MAP_TWICE, MAP_OVER_UNFLUSHED, FLUSH_CANCELS_MAP,
            STALL_LONG, STALL_SHORT, TIMER_TICK, PAGE_SPLIT,
            /* NT's port driver: retries, sense, freeze, reset hold */
            BUSY_THEN_GOOD, SCSI_BUSY_THEN_GOOD, PORT_SENSE, RESET_HOLD };
static enum mode mode;
static PUCHAR base;
static PSCSI_REQUEST_BLOCK active;
static int dma_started_calls;
static uint64_t timer_asked_ps, timer_ran_ps;
static ULONG srb_lengths[8];
static int srbs_started;
static uint64_t start_ps[32];         /* when HwStartIo got each SRB */
static ULONG start_flags[32];
static UCHAR start_op[32];
static int busy_left;                 /* BUSY answers still to give */

static void finish(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    srb->SrbStatus = SRB_STATUS_SUCCESS;
    ScsiPortNotification(RequestComplete, ext, srb);
    ScsiPortNotification(NextRequest, ext);
    active = NULL;
}

static VOID NTAPI timer(PVOID ext)
{
    timer_ran_ps = cosim_now_ps();
    if (active)
        finish(ext, active);
}

static ULONG NTAPI find(PVOID ext, PVOID ctx, PVOID bus, PCHAR arg,
                        PPORT_CONFIGURATION_INFORMATION ci, PBOOLEAN again)
{
    (void)ctx; (void)bus; (void)arg;
    *again = FALSE;
    base = ScsiPortGetDeviceBase(ext, Isa, 0, ScsiPortConvertUlongToPhysicalAddress(0x340), 16, TRUE);
    (*ci->AccessRanges)[0].RangeStart = ScsiPortConvertUlongToPhysicalAddress(0x340);
    (*ci->AccessRanges)[0].RangeLength = 16;
    ci->BusInterruptLevel = 5;
    ci->DmaChannel = 1;
    ci->DmaWidth = Width8Bits;
    ci->MaximumTransferLength = mode == PAGE_SPLIT ? 0x10000 : 0x1000;
    ci->NumberOfBuses = 1;
    ci->InitiatorBusId[0] = 7;
    return SP_RETURN_FOUND;
}

static BOOLEAN NTAPI init(PVOID ext) { (void)ext; return TRUE; }
static BOOLEAN NTAPI isr(PVOID ext) { (void)ext; return FALSE; }
static BOOLEAN NTAPI reset(PVOID ext, ULONG path)
{
    ScsiPortCompleteRequest(ext, (UCHAR)path, SP_UNTAGGED, SP_UNTAGGED, SRB_STATUS_BUS_RESET);
    ScsiPortNotification(NextRequest, ext);
    return TRUE;
}
/* HwDmaStarted: the "transfer" ends at once (the card is not driven); the
 * modes differ in how the miniport ends it. */
static VOID NTAPI dma_started(PVOID ext)
{
    dma_started_calls++;
    if (!active)
        return;
    switch (mode) {
    case DMA_FLUSHED:
        ScsiPortFlushDma(ext);
        finish(ext, active);
        break;
    case DMA_NO_FLUSH:
        finish(ext, active);
        break;
    case MAP_OVER_UNFLUSHED:
        if (dma_started_calls == 1) {   /* the next segment, the first never flushed */
            ScsiPortIoMapTransfer(ext, active, active->DataBuffer, 0x800);
        } else {
            ScsiPortFlushDma(ext);
            finish(ext, active);
        }
        break;
    default:
        break;
    }
}

static BOOLEAN NTAPI start(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    if (srbs_started < 8)
        srb_lengths[srbs_started] = srb->DataTransferLength;
    if (srbs_started < 32) {
        start_ps[srbs_started] = cosim_now_ps();
        start_flags[srbs_started] = srb->SrbFlags;
        start_op[srbs_started] = srb->Cdb[0];
    }
    srbs_started++;
    switch (mode) {
    case BUSY_THEN_GOOD:
    case SCSI_BUSY_THEN_GOOD:
        if (busy_left > 0) {
            busy_left--;
            if (mode == BUSY_THEN_GOOD) {
                srb->SrbStatus = SRB_STATUS_BUSY;
            } else {
                srb->SrbStatus = SRB_STATUS_ERROR;
                srb->ScsiStatus = SCSISTAT_BUSY;
            }
            ScsiPortNotification(RequestComplete, ext, srb);
            ScsiPortNotification(NextRequest, ext);
            return TRUE;
        }
        break;
    case PORT_SENSE:
        /* A target with sense pending and a miniport without auto-sense:
         * CHECK CONDITION alone; REQUEST SENSE then returns MEDIUM ERROR,
         * unrecovered read error (3/11/00). */
        if (srb->Cdb[0] == SCSIOP_REQUEST_SENSE) {
            static const UCHAR sense[18] = { 0x70, 0, 0x03, 0, 0, 0x12, 0x34, 10, 0, 0, 0, 0,
                                             0x11, 0x00 };
            ULONG n = srb->DataTransferLength < sizeof sense ? srb->DataTransferLength
                                                              : (ULONG)sizeof sense;
            ScsiPortMoveMemory(srb->DataBuffer, (PVOID)sense, n);
            srb->DataTransferLength = n;
            break;
        }
        if (srb->Cdb[0] == SCSIOP_READ) {
            srb->SrbStatus = SRB_STATUS_ERROR;
            srb->ScsiStatus = SCSISTAT_CHECK_CONDITION;
            srb->DataTransferLength = 0;
            ScsiPortNotification(RequestComplete, ext, srb);
            ScsiPortNotification(NextRequest, ext);
            return TRUE;
        }
        break;
    case RESET_HOLD:
        if (srb->Cdb[0] == SCSIOP_START_STOP_UNIT)   /* stands for "the bus was reset" */
            ScsiPortNotification(ResetDetected, ext);
        break;
    case MAP_NO_DATA:
    case MAP_TOO_LONG:
        ScsiPortIoMapTransfer(ext, srb, srb->DataBuffer, srb->DataTransferLength);
        break;
    case MAP_OUTSIDE_BUFFER:
        ScsiPortIoMapTransfer(ext, srb, (PUCHAR)srb->DataBuffer + 16, srb->DataTransferLength);
        break;
    case BAD_PORT:
        (void)ScsiPortReadPortUchar(base + 0x40);
        break;
    case DMA_FLUSHED:
    case DMA_NO_FLUSH:
    case MAP_OVER_UNFLUSHED:
        active = srb;
        ScsiPortIoMapTransfer(ext, srb, srb->DataBuffer, 0x800);
        return TRUE;                  /* HwDmaStarted completes it */
    case MAP_TWICE:
        active = srb;
        ScsiPortIoMapTransfer(ext, srb, srb->DataBuffer, 0x800);
        ScsiPortIoMapTransfer(ext, srb, srb->DataBuffer, 0x800);
        ScsiPortFlushDma(ext);
        break;
    case FLUSH_CANCELS_MAP:
        /* the documented way to give up a transfer not yet started */
        ScsiPortIoMapTransfer(ext, srb, srb->DataBuffer, 0x800);
        ScsiPortFlushDma(ext);
        break;
    case STALL_LONG:
        ScsiPortStallExecution(1500);
        break;
    case STALL_SHORT:
        ScsiPortStallExecution(900);
        break;
    case TIMER_TICK:
        active = srb;
        timer_asked_ps = cosim_now_ps();
        ScsiPortNotification(RequestTimerCall, ext, timer, (ULONG)1000);
        return TRUE;                  /* the timer completes it */
    default:
        break;
    }
    if (mode == NO_NEXT_REQUEST)
        return TRUE;                  /* never completes: the timeout resets */
    srb->SrbStatus = SRB_STATUS_SUCCESS;
    ScsiPortNotification(RequestComplete, ext, srb);
    if (mode == DOUBLE_COMPLETE)
        ScsiPortNotification(RequestComplete, ext, srb);
    if (mode == TOUCH_AFTER)
        srb->ScsiStatus = 0x55;
    ScsiPortNotification(NextRequest, ext);
    return TRUE;
}

ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2)
{
    HW_INITIALIZATION_DATA hw;
    memset(&hw, 0, sizeof hw);
    hw.HwInitializationDataSize = sizeof hw;
    hw.AdapterInterfaceType = Isa;
    hw.HwInitialize = init;
    hw.HwStartIo = start;
    hw.HwInterrupt = isr;
    hw.HwFindAdapter = find;
    hw.HwResetBus = reset;
    hw.HwDmaStarted = dma_started;
    hw.DeviceExtensionSize = 16;
    hw.NumberOfAccessRanges = 1;
    hw.MapBuffers = TRUE;
    return ScsiPortInitialize(DriverObject, Argument2, &hw, NULL);
}

static char last[256];
static int caught;
static void on_violation(void *ctx, const char *msg)
{
    (void)ctx;
    caught++;
    snprintf(last, sizeof last, "%s", msg);
}

static int failures;

static void run(struct pc *pc, enum mode m, uint32_t len, const char *expect)
{
    static uint8_t buf[0x2000];
    SCSI_REQUEST_BLOCK srb;
    struct portdrv_config cfg = { 0 };
    portdrv_shutdown();
    cfg.pc = pc;
    portdrv_init(&cfg);
    portdrv_set_violation_handler(on_violation, NULL);
    if (portdrv_load(DriverEntry) != 0) {
        fprintf(stderr, "mode %d: load failed\n", m);
        failures++;
        return;
    }
    mode = m;
    active = NULL;
    dma_started_calls = 0;
    caught = 0;
    last[0] = 0;
    memset(&srb, 0, sizeof srb);
    srb.Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb.CdbLength = 6;
    srb.DataBuffer = len ? buf : NULL;
    srb.DataTransferLength = len;
    srb.SrbFlags = len ? SRB_FLAGS_DATA_IN : 0;
    srb.TimeOutValue = 1;
    portdrv_execute(0, &srb);
    if (expect == NULL ? caught != 0 : (caught == 0 || strstr(last, expect) == NULL)) {
        fprintf(stderr, "mode %d: caught %d, last '%s', expected '%s'\n", m, caught, last,
                expect ? expect : "(none)");
        failures++;
    } else {
        printf("mode %d: %s\n", m, expect ? last : "clean");
    }
}

/* The class layer splits by pages as NT's class driver does: 64 KiB from a
 * page-aligned buffer (16 pages) is one SRB; from a buffer 512 bytes into
 * its page (17 pages, more than the 16 map registers) it is 60 KiB + 4 KiB. */
static void page_split(struct pc *pc)
{
    static uint8_t area[0x10000 + 2 * 4096];
    uint8_t *aligned = area + (4096 - ((uintptr_t)area & 4095));
    struct class_target t = { .adapter = 0, .target = 0, .lun = 0, .block_size = 512 };
    struct class_result r;
    static const struct { uint32_t offset; int srbs; ULONG first; } cases[] = {
        { 0, 1, 0x10000 }, { 512, 2, 0xF000 } };
    struct portdrv_config cfg = { 0 };
    portdrv_shutdown();
    cfg.pc = pc;
    mode = PAGE_SPLIT;
    portdrv_init(&cfg);
    portdrv_set_violation_handler(on_violation, NULL);
    if (portdrv_load(DriverEntry) != 0) {
        fprintf(stderr, "page split: load failed\n");
        failures++;
        return;
    }
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        srbs_started = 0;
        if (class_read10(&t, 0, 128, aligned + cases[i].offset, &r) != 0 ||
            srbs_started != cases[i].srbs || srb_lengths[0] != cases[i].first) {
            fprintf(stderr, "page split: 64 KiB at page offset %u: %d SRBs, first %u bytes; "
                    "want %d, %u\n", cases[i].offset, srbs_started, (unsigned)srb_lengths[0],
                    cases[i].srbs, (unsigned)cases[i].first);
            failures++;
        } else {
            printf("page split: 64 KiB at page offset %u: %d SRB(s)\n", cases[i].offset,
                   srbs_started);
        }
    }
}

/* ---- NT's port driver: BUSY retries, REQUEST SENSE, freeze, reset hold ---- */

#define PS_PER_MS 1000000000ull

static void expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    } else {
        printf("ok: %s\n", what);
    }
}

static int load(struct pc *pc, enum mode m)
{
    struct portdrv_config cfg = { 0 };
    portdrv_shutdown();
    cfg.pc = pc;
    portdrv_init(&cfg);
    portdrv_set_violation_handler(on_violation, NULL);
    mode = m;
    if (portdrv_load(DriverEntry) != 0) {
        fprintf(stderr, "mode %d: load failed\n", m);
        failures++;
        return -1;
    }
    srbs_started = 0;
    caught = 0;
    return 0;
}

static void cdb_srb(PSCSI_REQUEST_BLOCK srb, UCHAR op, PVOID sense, UCHAR sense_len)
{
    memset(srb, 0, sizeof *srb);
    srb->Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb->CdbLength = op >= 0x20 ? 10 : 6;
    srb->Cdb[0] = op;
    srb->SenseInfoBuffer = sense;
    srb->SenseInfoBufferLength = sense_len;
    srb->TimeOutValue = 10;
}

static UCHAR release(void)
{
    SCSI_REQUEST_BLOCK rel;
    memset(&rel, 0, sizeof rel);
    rel.Function = SRB_FUNCTION_RELEASE_QUEUE;
    return portdrv_execute(0, &rel);
}

/* BUSY retried on the ticks of the port driver's timer: every interval_ps
 * (0: the default, which must be NT's 1 s), busy times, then GOOD. */
static void busy_retried(struct pc *pc, uint64_t interval_ps, int busy)
{
    SCSI_REQUEST_BLOCK srb;
    struct portdrv_counts c;
    int ticks_ok = 1;
    if (load(pc, BUSY_THEN_GOOD) != 0)
        return;
    if (interval_ps) {
        portdrv_set_busy_interval(interval_ps);
    } else {
        expect(portdrv_busy_interval() == 1000 * PS_PER_MS, "the BUSY retry interval is NT's 1 s");
        interval_ps = portdrv_busy_interval();
    }
    busy_left = busy;
    cdb_srb(&srb, SCSIOP_TEST_UNIT_READY, NULL, 0);
    expect(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS && srb.SrbStatus == SRB_STATUS_SUCCESS,
           "SRB_STATUS_BUSY, then GOOD: SUCCESS");
    portdrv_get_counts(&c);
    expect(srbs_started == busy + 1 && portdrv_busy_retries_of(&srb) == busy &&
           c.busy_retries == (uint64_t)busy, "the port driver restarted it after each BUSY");
    for (int k = 1; k <= busy && k < 32; k++) {
        printf("  HwStartIo %d at %.3f ms\n", k, start_ps[k] / 1e9);
        /* on a tick of the timer, the first tick after the BUSY */
        if (start_ps[k] <= start_ps[k - 1] || start_ps[k] - start_ps[k - 1] > interval_ps ||
            start_ps[k] % interval_ps >= PS_PER_MS / 10 ||
            (k > 1 && start_ps[k] - start_ps[k - 1] < interval_ps))
            ticks_ok = 0;
    }
    expect(ticks_ok, "each retry on the next tick of the port driver's timer");
    portdrv_set_busy_interval(0);
    expect(caught == 0, "no contract violation");
}

/* 20 retries, then the BUSY goes back, with the queue frozen; SCSI status
 * BUSY is retried the same way (10 ms interval to keep it short). */
static void busy_exhausted(struct pc *pc)
{
    SCSI_REQUEST_BLOCK srb;
    UCHAR st;
    if (load(pc, BUSY_THEN_GOOD) != 0)
        return;
    portdrv_set_busy_interval(10 * PS_PER_MS);
    busy_left = 1000;
    cdb_srb(&srb, SCSIOP_TEST_UNIT_READY, NULL, 0);
    st = portdrv_execute(0, &srb);
    expect(st == SRB_STATUS_BUSY && (srb.SrbStatus & SRB_STATUS_QUEUE_FROZEN) &&
           portdrv_busy_retries_of(&srb) == PORTDRV_BUSY_RETRIES &&
           srbs_started == PORTDRV_BUSY_RETRIES + 1,
           "always BUSY: 20 retries, then BUSY with the queue frozen");
    busy_left = 0;
    expect(portdrv_queue_frozen(0, 0, 0, 0), "the LU's queue is frozen");
    cdb_srb(&srb, SCSIOP_TEST_UNIT_READY, NULL, 0);
    expect(portdrv_start(0, &srb) == -1 && srb.SrbStatus == SRB_STATUS_REQUEST_FLUSHED &&
           srbs_started == PORTDRV_BUSY_RETRIES + 1, "a new SRB is not started while frozen");
    cdb_srb(&srb, SCSIOP_TEST_UNIT_READY, NULL, 0);
    srb.SrbFlags |= SRB_FLAGS_BYPASS_FROZEN_QUEUE;
    expect(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS, "SRB_FLAGS_BYPASS_FROZEN_QUEUE goes");
    expect(release() == SRB_STATUS_SUCCESS && !portdrv_queue_frozen(0, 0, 0, 0),
           "SRB_FUNCTION_RELEASE_QUEUE thaws it");
    cdb_srb(&srb, SCSIOP_TEST_UNIT_READY, NULL, 0);
    expect(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS, "the next SRB goes after the release");

    if (load(pc, SCSI_BUSY_THEN_GOOD) != 0)
        return;
    portdrv_set_busy_interval(10 * PS_PER_MS);
    busy_left = 2;
    cdb_srb(&srb, SCSIOP_TEST_UNIT_READY, NULL, 0);
    expect(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS && portdrv_busy_retries_of(&srb) == 2 &&
           !portdrv_queue_frozen(0, 0, 0, 0), "SCSI status BUSY twice: retried, then GOOD");
    portdrv_set_busy_interval(0);       /* back to the default */
    expect(caught == 0, "no contract violation");
}

/* CHECK CONDITION without auto-sense: the port driver's REQUEST SENSE. */
static void port_sense(struct pc *pc)
{
    SCSI_REQUEST_BLOCK srb;
    UCHAR sense[32];
    struct portdrv_counts c;
    if (load(pc, PORT_SENSE) != 0)
        return;
    memset(sense, 0xEE, sizeof sense);
    cdb_srb(&srb, SCSIOP_READ, sense, 18);
    expect(portdrv_execute(0, &srb) == SRB_STATUS_ERROR &&
           srb.SrbStatus == (SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID | SRB_STATUS_QUEUE_FROZEN) &&
           srb.ScsiStatus == SCSISTAT_CHECK_CONDITION,
           "CHECK CONDITION: ERROR | AUTOSENSE_VALID | QUEUE_FROZEN");
    expect(sense[0] == 0x70 && sense[2] == 0x03 && sense[5] == 0x12 && sense[6] == 0x34 &&
           sense[12] == 0x11 && sense[13] == 0x00 && sense[18] == 0xEE,
           "the port driver's REQUEST SENSE data is the SRB's sense (3/11/00), not past 18 bytes");
    portdrv_get_counts(&c);
    expect(srbs_started == 2 && start_op[1] == SCSIOP_REQUEST_SENSE &&
           (start_flags[1] & SRB_FLAGS_DISABLE_AUTOSENSE) && (start_flags[1] & SRB_FLAGS_DATA_IN) &&
           c.request_senses == 1, "one REQUEST SENSE, itself without auto-sense");
    expect(release() == SRB_STATUS_SUCCESS, "released");

    memset(sense, 0xEE, sizeof sense);
    cdb_srb(&srb, SCSIOP_READ, sense, 18);
    srb.SrbFlags |= SRB_FLAGS_DISABLE_AUTOSENSE;
    expect(portdrv_execute(0, &srb) == SRB_STATUS_ERROR && !(srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID) &&
           srbs_started == 3 && sense[0] == 0xEE, "DISABLE_AUTOSENSE: no REQUEST SENSE");
    expect(release() == SRB_STATUS_SUCCESS, "released");

    cdb_srb(&srb, SCSIOP_READ, sense, 18);
    srb.SrbFlags |= SRB_FLAGS_NO_QUEUE_FREEZE;
    expect(portdrv_execute(0, &srb) == SRB_STATUS_ERROR && !(srb.SrbStatus & SRB_STATUS_QUEUE_FROZEN) &&
           !portdrv_queue_frozen(0, 0, 0, 0), "NO_QUEUE_FREEZE: the queue goes on");
    expect(caught == 0, "no contract violation");
}

/* After ResetDetected, new requests wait for the reset hold: 4 s by default. */
static void reset_hold(struct pc *pc, uint64_t hold_ps)
{
    SCSI_REQUEST_BLOCK srb;
    struct portdrv_counts c;
    char what[128];
    if (load(pc, RESET_HOLD) != 0)
        return;
    if (hold_ps)
        portdrv_set_reset_hold(hold_ps);
    else
        expect(portdrv_reset_hold() == 4000 * PS_PER_MS, "the reset hold is NT's 4 s");
    hold_ps = portdrv_reset_hold();
    cdb_srb(&srb, SCSIOP_START_STOP_UNIT, NULL, 0);
    expect(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS, "the SRB that reports the reset");
    cdb_srb(&srb, SCSIOP_TEST_UNIT_READY, NULL, 0);
    expect(portdrv_execute(0, &srb) == SRB_STATUS_SUCCESS, "the SRB after it");
    portdrv_get_counts(&c);
    snprintf(what, sizeof what, "the next HwStartIo %.3f ms after ResetDetected (hold %.3f ms)",
             (start_ps[1] - start_ps[0]) / 1e9, hold_ps / 1e9);
    expect(srbs_started == 2 && start_ps[1] - start_ps[0] >= hold_ps &&
           start_ps[1] - start_ps[0] < hold_ps + PS_PER_MS / 10 && c.reset_holds == 1, what);
    portdrv_set_reset_hold(PORTDRV_RESET_HOLD_DEFAULT_PS);
    expect(caught == 0, "no contract violation");
}

/* defaults: NT's values, used by a run (5 s of simulated time) */
static int nt_port_driver(struct pc *pc, int defaults)
{
    if (defaults) {
        busy_retried(pc, 0, 1);
        reset_hold(pc, 0);
    } else {
        busy_retried(pc, 10 * PS_PER_MS, 3);
        busy_exhausted(pc);
        port_sense(pc);
        reset_hold(pc, 20 * PS_PER_MS);
    }
    portdrv_shutdown();
    pc_destroy(pc);
    cosim_shutdown();
    if (failures) {
        fprintf(stderr, "test_contract nt: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_contract nt: the port driver retries, senses, freezes and holds as NT\n");
    return 0;
}

int main(int argc, char **argv)
{
    struct cosim_options co = { 0 };
    struct pc *pc;
    int status;
    pid_t child;

    if (cosim_init(&co) != 0)
        return 126;
    pc = pc_create(NULL);
    if (!pc)
        return 126;
    if (argc > 1 && (!strcmp(argv[1], "nt") || !strcmp(argv[1], "nt-defaults")))
        return nt_port_driver(pc, !strcmp(argv[1], "nt-defaults"));

    run(pc, GOOD, 0, NULL);
    run(pc, GOOD, 0x1000, NULL);
    run(pc, DOUBLE_COMPLETE, 0, "not outstanding");
    run(pc, MAP_NO_DATA, 0, "no data phase");
    run(pc, MAP_TOO_LONG, 0x2000, "beyond MaximumTransferLength");
    run(pc, MAP_OUTSIDE_BUFFER, 0x1000, "outside the SRB's data buffer");
    run(pc, TOUCH_AFTER, 0, "written after the miniport completed it");
    run(pc, BAD_PORT, 0, "outside the ranges the miniport mapped");
    run(pc, NO_NEXT_REQUEST, 0, NULL);   /* a timeout is handled, not a violation */
    run(pc, DMA_FLUSHED, 0x1000, NULL);
    run(pc, DMA_NO_FLUSH, 0x1000, "was never flushed");
    run(pc, MAP_TWICE, 0x1000, "called again before HwDmaStarted");
    run(pc, MAP_OVER_UNFLUSHED, 0x1000, "was never flushed");
    run(pc, FLUSH_CANCELS_MAP, 0x1000, NULL);
    if (dma_started_calls != 0) {
        fprintf(stderr, "HwDmaStarted called %d times for a map the flush cancelled\n",
                dma_started_calls);
        failures++;
    }
    run(pc, STALL_LONG, 0, "beyond the 1000.0 us budget");
    run(pc, STALL_SHORT, 0, NULL);
    run(pc, TIMER_TICK, 0, NULL);
    page_split(pc);
    /* RequestTimerCall(1 ms) fires on NT's next 10 ms clock tick */
    if (timer_ran_ps < timer_asked_ps + 1000000000ull ||
        timer_ran_ps % PORTDRV_CLOCK_TICK_PS > 20000000ull ||
        timer_ran_ps - timer_asked_ps > PORTDRV_CLOCK_TICK_PS + 20000000ull) {
        fprintf(stderr, "RequestTimerCall(1000 us) at %.3f ms ran at %.3f ms, not on the next "
                "10 ms tick\n", timer_asked_ps / 1e9, timer_ran_ps / 1e9);
        failures++;
    }

    /* Without a handler a violation is loud: message and abort(). */
    fflush(stdout);
    child = fork();
    if (child == 0) {
        portdrv_set_violation_handler(NULL, NULL);
        mode = DOUBLE_COMPLETE;
        {
            SCSI_REQUEST_BLOCK srb;
            memset(&srb, 0, sizeof srb);
            srb.Function = SRB_FUNCTION_EXECUTE_SCSI;
            srb.CdbLength = 6;
            srb.TimeOutValue = 1;
            portdrv_execute(0, &srb);
        }
        _exit(0);
    }
    waitpid(child, &status, 0);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT) {
        fprintf(stderr, "default violation handler did not abort\n");
        failures++;
    }
    portdrv_shutdown();
    pc_destroy(pc);
    cosim_shutdown();
    if (failures) {
        fprintf(stderr, "test_contract: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_contract: every violation caught\n");
    return 0;
}
