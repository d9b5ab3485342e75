/* The NT SCSI port driver emulation: loads a miniport (its DriverEntry calls
 * ScsiPortInitialize), runs HwFindAdapter / HwInitialize, feeds SRBs to
 * HwStartIo, dispatches the card's interrupts to HwInterrupt, programs the
 * co-simulated 8237 for ScsiPortIoMapTransfer and calls HwDmaStarted, runs
 * miniport timers, times requests out through HwResetBus, and checks the
 * miniport's side of the contract (docs/miniport.md).  Everything runs in
 * simulated time on the PC of sim/pc/pc.h.  One port driver per process. */
#ifndef SOFTHBA_PORTDRV_H
#define SOFTHBA_PORTDRV_H

#include <stdint.h>
#include <stdio.h>

#include "ddk/miniport.h"
#include "ddk/srb.h"
#include "pc.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PORTDRV_MAX_ADAPTERS 4
#define PORTDRV_MAX_LOGGED 32

struct portdrv_config {
    struct pc *pc;
    const char *argument_string;  /* the registry's DriverParameter, or NULL */
    FILE *log;                    /* notifications and ScsiPortLogError, or NULL */
    uint32_t map_buffer;          /* physical base of the map (bounce) buffers;
                                   * 0: PORTDRV_MAP_BUFFER_DEFAULT */
};
/* The HAL's map buffers: 128 KiB aligned, below 16 MiB, 256 KiB long (the
 * map registers' pages; a run for one SRB never crosses a DMA page). */
#define PORTDRV_MAP_BUFFER_DEFAULT 0x100000u
#define PORTDRV_MAP_BUFFER_SIZE 0x40000u

/* A contract violation: the message names the rule.  The default handler
 * prints it and aborts; a test may install its own (and return). */
typedef void (*portdrv_violation_fn)(void *ctx, const char *msg);
void portdrv_set_violation_handler(portdrv_violation_fn fn, void *ctx);
uint64_t portdrv_violations(void);

typedef ULONG (*portdrv_driver_entry_fn)(PVOID DriverObject, PVOID Argument2);

/* Sets up the port driver; call before portdrv_load.  0, or -1. */
int portdrv_init(const struct portdrv_config *cfg);
/* Calls the miniport's DriverEntry.  Returns its status (0: at least one
 * adapter found and initialised). */
ULONG portdrv_load(portdrv_driver_entry_fn driver_entry);
void portdrv_shutdown(void);

int portdrv_adapter_count(void);
const PORT_CONFIGURATION_INFORMATION *portdrv_config_info(int adapter);

/* Runs one SRB to completion, as the port driver would: waits until the
 * miniport asked for a request, calls HwStartIo, lets simulated time pass
 * (interrupts, DMA, timers) until the miniport completes it or its
 * TimeOutValue runs out (then HwResetBus).  Returns SRB_STATUS(SrbStatus). */
UCHAR portdrv_execute(int adapter, PSCSI_REQUEST_BLOCK srb);

/* The same in two halves, for tests that act while a request runs (an
 * abort or a reset in mid-transfer).  portdrv_start waits (in simulated
 * time, requests already outstanding going on) until the miniport asked for
 * a request, then calls HwStartIo and returns: 0, or -1 when the SRB could
 * not be started (its SrbStatus says why).  portdrv_wait lets simulated time
 * pass -- interrupts, DMA, miniport timers, HwResetBus for a request past its
 * TimeOutValue -- until srb is no longer outstanding (1) or max_ps passed
 * (0; max_ps 0: no limit).  srb NULL: just let max_ps pass. */
int portdrv_start(int adapter, PSCSI_REQUEST_BLOCK srb);
int portdrv_wait(int adapter, PSCSI_REQUEST_BLOCK srb, uint64_t max_ps);
/* 1 while the miniport holds srb: started (HwStartIo) and not completed. */
int portdrv_outstanding(int adapter, const SCSI_REQUEST_BLOCK *srb);
/* 1 until srb goes back to its caller: with the miniport, or held by the
 * port driver for a BUSY retry or its own REQUEST SENSE (portdrv_wait
 * waits for this). */
int portdrv_pending(int adapter, const SCSI_REQUEST_BLOCK *srb);

/* Asks the miniport to reset the bus (HwResetBus) as the port driver does
 * after a timeout. */
void portdrv_reset_bus(int adapter);

/* What the miniport reported. */
struct portdrv_logged_error {
    ULONG error_code;
    ULONG unique_id;
    UCHAR path_id, target_id, lun;
};
int portdrv_logged_errors(struct portdrv_logged_error *out, int max);
uint64_t portdrv_resets_detected(int adapter);
uint64_t portdrv_spurious_interrupts(int adapter);

/* NT does the map and calls HwDmaStarted from a DPC, below DIRQL, so the
 * card's interrupt can be taken before the map (a ScsiPortFlushDma then
 * cancels it) and between programming the 8237 and HwDmaStarted (a command
 * that failed before its data then completes first).  Both windows are open
 * (interrupts enabled) always; these set how much simulated time passes in
 * each: the map delay (IoMapTransfer asked -> 8237 programmed) and the
 * HwDmaStarted delay (programmed -> HwDmaStarted).  Default for both:
 * PORTDRV_DPC_DELAY_DEFAULT_PS. */
#define PORTDRV_DPC_DELAY_DEFAULT_PS (20ull * 1000000ull)      /* 20 us */
void portdrv_set_dma_started_delay(uint64_t ps);
void portdrv_set_map_delay(uint64_t ps);

/* NT's clock: RequestTimerCall timers fire on the first tick at or after
 * their due time. */
#define PORTDRV_CLOCK_TICK_PS (10ull * 1000000000ull)          /* 10 ms */

/* Verifier: a DIRQL routine call (every Hw routine but HwFindAdapter)
 * longer than this in simulated time is a contract violation.  0: off. */
#define PORTDRV_STALL_LIMIT_DEFAULT_PS (1000ull * 1000000ull)   /* 1 ms */
void portdrv_set_stall_limit(uint64_t ps);

/* Hostile interleaving (like Driver Verifier): from seed (0: off, the
 * fixed delays above), every DPC window takes 0, the maximum or a uniform
 * delay up to PORTDRV_HOSTILE_DPC_MAX_PS, every interrupt is taken up to
 * PORTDRV_HOSTILE_IRQ_LATENCY_MAX_PS after its edge, NT's clock ticks fall
 * at a seeded phase, and each SRB's run of map registers sits anywhere in
 * the map buffer where it stays inside one DMA page.  The same seed gives
 * the same run. */
#define PORTDRV_HOSTILE_DPC_MAX_PS (300ull * 1000000ull)       /* 300 us */
#define PORTDRV_HOSTILE_IRQ_LATENCY_MAX_PS (100ull * 1000000ull) /* 100 us */
void portdrv_set_hostile(uint64_t seed);
/* Port writes the miniport made from HwDmaStarted (for that test). */
uint64_t portdrv_dma_started_port_writes(void);

/* The longest single call of a miniport routine at DIRQL (every Hw routine
 * but HwFindAdapter), in simulated time from entry to return.  The
 * documented budget is well under 1 ms per call (docs/miniport.md). */
struct portdrv_routine_time {
    uint64_t ps;                  /* 0: no call yet */
    const char *routine;          /* "HwStartIo", "HwInterrupt", ... */
    uint64_t at_ps;               /* when that call began */
};
struct portdrv_routine_time portdrv_longest_routine(void);
void portdrv_reset_longest_routine(void);

/* The physical address and length of the last 8237 transfer programmed for
 * ScsiPortIoMapTransfer (for tests). */
void portdrv_last_dma(uint32_t *phys, uint32_t *length);

/* The HAL's map registers for a system (subordinate) DMA adapter: one per
 * 4 KiB page, BYTES_TO_PAGES(MaximumTransferLength) + 1, at most 16 on ISA
 * (HalGetAdapter's NumberOfMapRegisters).  0 for an adapter without a
 * system DMA channel. */
#define PORTDRV_ISA_MAP_REGISTERS 16u
ULONG portdrv_map_registers(int adapter);

/* What the port driver did, counted since portdrv_init (for tests). */
struct portdrv_counts {
    uint64_t maps;                /* IoMapTransfer carried out (8237 programmed) */
    uint64_t dma_started;         /* HwDmaStarted calls */
    uint64_t flushes;             /* ScsiPortFlushDma of a carried-out map */
    uint64_t busy_retries;        /* SRBs restarted after BUSY */
    uint64_t request_senses;      /* REQUEST SENSE the port driver issued itself */
    uint64_t queue_freezes;       /* SRBs completed with SRB_STATUS_QUEUE_FROZEN */
    uint64_t queue_releases;      /* SRB_FUNCTION_RELEASE_QUEUE and FLUSH_QUEUE handled */
    uint64_t reset_holds;         /* bus resets that held the request queue */
    uint64_t held_ps;             /* simulated time requests waited for a hold */
};
void portdrv_get_counts(struct portdrv_counts *out);

/* NT's port driver holds every new request to the bus for this long after
 * a bus reset (ResetDetected, or its own HwResetBus call).  Default: NT's
 * 4 s; tests that reset often may shorten it (simulated time costs wall
 * time: the card is stepped through it). */
#define PORTDRV_RESET_HOLD_DEFAULT_PS (4ull * 1000000000000ull)
void portdrv_set_reset_hold(uint64_t ps);
uint64_t portdrv_reset_hold(void);

/* SRB_STATUS_BUSY, and SCSI status BUSY, are retried by the port driver
 * on its once-a-second timer, up to PORTDRV_BUSY_RETRIES times; after
 * that the SRB completes with its BUSY status.  The interval can be
 * shortened for tests (default 1 s). */
#define PORTDRV_BUSY_RETRIES 20
#define PORTDRV_BUSY_INTERVAL_DEFAULT_PS (1000000000000ull)
void portdrv_set_busy_interval(uint64_t ps);
uint64_t portdrv_busy_interval(void);
/* Times the port driver restarted srb after BUSY (valid after it completed). */
int portdrv_busy_retries_of(const SCSI_REQUEST_BLOCK *srb);

/* 1 while the logical unit's queue is frozen: an EXECUTE_SCSI SRB ended
 * with an error (SRB_STATUS_QUEUE_FROZEN in its status) and no
 * SRB_FUNCTION_RELEASE_QUEUE came since.  A new EXECUTE_SCSI SRB for it
 * without SRB_FLAGS_BYPASS_FROZEN_QUEUE is not started (NT keeps it queued
 * until the release; here portdrv_start refuses it, loudly). */
int portdrv_queue_frozen(int adapter, UCHAR path, UCHAR target, UCHAR lun);

#ifdef __cplusplus
}
#endif

#endif
