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
#include "cosim.h"
#include "pc.h"
#include "portdrv.h"

enum mode { GOOD, DOUBLE_COMPLETE, MAP_NO_DATA, MAP_TOO_LONG, MAP_OUTSIDE_BUFFER,
            TOUCH_AFTER, BAD_PORT, NO_NEXT_REQUEST,
            /* the NT-like port driver's verifier rules */
            DMA_FLUSHED, DMA_NO_FLUSH, MAP_TWICE, MAP_OVER_UNFLUSHED, FLUSH_CANCELS_MAP,
            STALL_LONG, STALL_SHORT, TIMER_TICK, PAGE_SPLIT };
static enum mode mode;
static PUCHAR base;
static PSCSI_REQUEST_BLOCK active;
static int dma_started_calls;
static uint64_t timer_asked_ps, timer_ran_ps;
static ULONG srb_lengths[8];
static int srbs_started;

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
    srbs_started++;
    switch (mode) {
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
    struct class_target t = { 0, 0, 0, 512 };
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

int main(void)
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
