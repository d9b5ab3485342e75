/* The NT SCSI port driver emulation (see portdrv.h and docs/miniport.md).
 *
 * Model of execution: the miniport's routines run "at DIRQL": while one
 * runs, the PC's interrupt flag is off (so HwInterrupt never re-enters a
 * routine, as KeSynchronizeExecution guarantees on NT).  Work NT defers to
 * its DPC -- programming the DMA controller for ScsiPortIoMapTransfer and
 * calling HwDmaStarted -- runs when the outermost routine returns. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portdrv.h"
#include "cosim.h"
#include "ddk/scsi.h"
#include "dma8237_program.h"

_Static_assert(sizeof(ULONG) == 4 && sizeof(USHORT) == 2 && sizeof(LONGLONG) == 8 &&
               sizeof(ULONG_PTR) == sizeof(void *), "NT integer widths");

#define PS_PER_US 1000000ull
#define PS_PER_S 1000000000000ull
#define MAX_OUTSTANDING 8
#define IO_SPACE 0x10000u
#define POLL_STEP_PS (10ull * PS_PER_US)

struct mapping {
    int active;                   /* programmed, not flushed */
    PSCSI_REQUEST_BLOCK srb;
    PUCHAR va;                    /* where the data lives in the SRB buffer */
    uint32_t phys;                /* where the 8237 moves it */
    uint32_t length;              /* what the 8237 was programmed for */
    int to_memory;                /* DATA_IN: copy back at flush */
};

/* A request the port driver holds between two trips to the miniport: a
 * BUSY one waiting for the next retry tick, or a CHECK CONDITION without
 * sense waiting for (or running) the port driver's own REQUEST SENSE. */
enum held_state { HELD_FREE, HELD_BUSY, HELD_SENSE_WAIT, HELD_SENSE_RUNNING };
struct held_request {
    enum held_state state;
    PSCSI_REQUEST_BLOCK srb;
    uint64_t due_ps;              /* HELD_BUSY: the retry tick */
    ULONG length;                 /* DataTransferLength as the caller gave it */
    int busy_retries;
    SCSI_REQUEST_BLOCK sense_srb; /* HELD_SENSE_*: the port driver's REQUEST SENSE */
    UCHAR sense_data[255];
};

struct adapter {
    int in_use;
    PVOID ext;
    PORT_CONFIGURATION_INFORMATION ci;
    ACCESS_RANGE ranges[4];
    uint32_t io_lo[4], io_hi[4];  /* ports mapped by ScsiPortGetDeviceBase */
    int n_io;
    int ready;                    /* the miniport asked for a request */
    PSCSI_REQUEST_BLOCK outstanding[MAX_OUTSTANDING];
    uint64_t deadline_ps[MAX_OUTSTANDING];   /* TimeOutValue runs out */
    ULONG length[MAX_OUTSTANDING];           /* DataTransferLength at the start */
    int busy_retries[MAX_OUTSTANDING];       /* restarts after BUSY so far */
    struct held_request held[MAX_OUTSTANDING];
    /* The adapter channel (system DMA): one SRB at a time owns it and the
     * map registers for its buffer's pages, from its start to its
     * completion (IoAllocateAdapterChannel .. IoFreeAdapterChannel). */
    ULONG map_registers;          /* HalGetAdapter's NumberOfMapRegisters */
    PSCSI_REQUEST_BLOCK channel_srb;
    uint32_t run_phys;            /* the owner's first map register (4 KiB page) */
    uint32_t run_pages;
    uint64_t hold_until_ps;       /* requests held after a bus reset */
    uint8_t frozen[8][8];         /* LU queues frozen, [target][lun] (path 0) */
    /* A completed SRB is snapshotted and compared after the routine that
     * completed it returns: a write after completion is a violation. */
    PSCSI_REQUEST_BLOCK completed;
    SCSI_REQUEST_BLOCK completed_copy;
    int map_pending;              /* IoMapTransfer asked, DPC not yet run */
    int in_dpc;                   /* the DPC (map + HwDmaStarted) is running */
    PSCSI_REQUEST_BLOCK map_srb;
    PUCHAR map_va;
    ULONG map_len;
    struct mapping map;
    PHW_TIMER timer;
    uint64_t timer_due_ps;
    uint64_t resets_detected;
    uint64_t spurious;
};

static struct {
    struct portdrv_config cfg;
    HW_INITIALIZATION_DATA hw;
    struct adapter adapters[PORTDRV_MAX_ADAPTERS];
    int n_adapters;
    int depth;                    /* nesting of miniport routines */
    struct adapter *current;      /* adapter whose routine runs */
    portdrv_violation_fn on_violation;
    void *violation_ctx;
    uint64_t violations;
    struct portdrv_logged_error logged[PORTDRV_MAX_LOGGED];
    int n_logged;
    uint32_t last_dma_phys, last_dma_len;
    int initialised;
    uint64_t dma_started_delay_ps; /* test hook: ISR window before HwDmaStarted */
    const char *routine;          /* the outermost miniport routine running */
    uint64_t routine_start_ps;
    struct portdrv_routine_time longest;
    uint64_t dma_started_writes;  /* port writes made inside HwDmaStarted */
    uint64_t map_delay_ps;        /* DPC: IoMapTransfer asked -> 8237 programmed */
    uint64_t stall_limit_ps;      /* verifier: longest DIRQL routine call; 0 off */
    uint64_t hostile_seed;        /* 0: fixed NT-like delays */
    uint64_t rng;
    uint64_t timer_phase_ps;      /* where NT's 10 ms clock ticks fall */
    uint64_t irq_latency_max_ps, dpc_delay_max_ps;
    uint64_t reset_hold_ps;       /* new requests held after a bus reset */
    uint64_t busy_interval_ps;    /* the port driver's timer: BUSY retries */
    struct portdrv_counts counts;
    const SCSI_REQUEST_BLOCK *last_final;   /* the last SRB given back to the caller */
    int last_final_busy_retries;
} pd = { .dma_started_delay_ps = PORTDRV_DPC_DELAY_DEFAULT_PS,
         .map_delay_ps = PORTDRV_DPC_DELAY_DEFAULT_PS,
         .stall_limit_ps = PORTDRV_STALL_LIMIT_DEFAULT_PS,
         .reset_hold_ps = PORTDRV_RESET_HOLD_DEFAULT_PS,
         .busy_interval_ps = PORTDRV_BUSY_INTERVAL_DEFAULT_PS };

/* The miniport's I/O port "addresses" point into this array: an offset is
 * a port number, and pointer arithmetic on a base stays well defined. */
static UCHAR io_space[IO_SPACE];

static void violation(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pd.violations++;
    fprintf(stderr, "portdrv: CONTRACT VIOLATION: %s\n", msg);
    if (pd.on_violation) {
        pd.on_violation(pd.violation_ctx, msg);
        return;
    }
    abort();
}

static void pd_log(const char *fmt, ...)
{
    va_list ap;
    if (!pd.cfg.log)
        return;
    va_start(ap, fmt);
    fprintf(pd.cfg.log, "portdrv: ");
    vfprintf(pd.cfg.log, fmt, ap);
    fputc('\n', pd.cfg.log);
    va_end(ap);
}

void portdrv_set_violation_handler(portdrv_violation_fn fn, void *ctx)
{
    pd.on_violation = fn;
    pd.violation_ctx = ctx;
}

uint64_t portdrv_violations(void) { return pd.violations; }

static struct adapter *find_adapter(PVOID ext, const char *who)
{
    for (int i = 0; i < PORTDRV_MAX_ADAPTERS; i++)
        if (pd.adapters[i].in_use && pd.adapters[i].ext == ext)
            return &pd.adapters[i];
    violation("%s: HwDeviceExtension %p is not an adapter's extension", who, ext);
    return NULL;
}

static int find_outstanding(struct adapter *a, PSCSI_REQUEST_BLOCK srb)
{
    for (int i = 0; i < MAX_OUTSTANDING; i++)
        if (a->outstanding[i] == srb)
            return i;
    return -1;
}

/* ---- the 8237 through its I/O ports ---------------------------------- */

/* Programs one transfer as the HAL does (sim/pc/dma8237_program.h). */
static void dma_program(ULONG ch, int to_memory, int demand, uint32_t phys, uint32_t len)
{
    uint8_t mode = (uint8_t)((demand ? DMA_MODE_DEMAND : DMA_MODE_SINGLE) |
                             (to_memory ? DMA_MODE_TO_MEMORY : DMA_MODE_FROM_MEMORY));
    if (ch > 7 || dma8237_program(pd.cfg.pc, (int)ch, mode, phys, len) != 0)
        return;
    pd.last_dma_phys = phys;
    pd.last_dma_len = len;
}

/* IoFlushAdapterBuffers: the map buffer goes back to the SRB's buffer for
 * a transfer to memory, and the channel is masked. */
static void flush_mapping(struct adapter *a)
{
    if (!a->map.active)
        return;
    pd.counts.flushes++;
    if (a->map.to_memory)
        memcpy(a->map.va, pc_memory(pd.cfg.pc) + a->map.phys, a->map.length);
    if (a->ci.DmaChannel <= 7)
        dma8237_mask(pd.cfg.pc, (int)a->ci.DmaChannel);
    a->map.active = 0;
}

/* The map registers are given back without IoFlushAdapterBuffers (the
 * miniport never called ScsiPortFlushDma): what the 8237 wrote to the map
 * buffer never reaches the SRB's buffer, as on NT. */
static void drop_mapping(struct adapter *a, const char *why)
{
    if (!a->map.active)
        return;
    if (a->map.to_memory)
        violation("%s: SRB %p's DMA transfer to memory (%u bytes) was never flushed "
                  "(ScsiPortFlushDma): its data is lost", why, (void *)a->map.srb,
                  a->map.length);
    if (a->ci.DmaChannel <= 7)
        dma8237_mask(pd.cfg.pc, (int)a->ci.DmaChannel);
    a->map.active = 0;
}

/* Hostile mode's generator (xorshift64*): the same seed, the same run. */
static uint64_t hostile_next(void)
{
    pd.rng ^= pd.rng >> 12;
    pd.rng ^= pd.rng << 25;
    pd.rng ^= pd.rng >> 27;
    return pd.rng * 0x2545F4914F6CDD1Dull;
}

/* A delay up to max: in hostile mode often none, often the whole range,
 * else uniform, so that both edges of every window get tried. */
static uint64_t hostile_delay(uint64_t fixed, uint64_t max)
{
    uint64_t r;
    if (!pd.hostile_seed)
        return fixed;
    r = hostile_next();
    switch (r & 3) {
    case 0: return 0;
    case 1: return max;
    default: return (r >> 8) % (max + 1);
    }
}

/* The DMA page an 8237 transfer must stay in: 64 KiB on channels 0-3,
 * 128 KiB on channels 5-7 (the page register holds the address bits above). */
static uint32_t dma_page_size(const struct adapter *a)
{
    return a->ci.DmaChannel >= 4 ? 0x20000u : 0x10000u;
}

/* IoAllocateAdapterChannel for srb: the map registers for the pages its
 * buffer touches (at most the adapter's), as one run of map buffer pages
 * below 16 MiB that does not cross a DMA page -- the HAL leaves such runs
 * out of its map register bitmap.  Hostile mode puts the run anywhere in
 * the map buffer where that holds. */
static void allocate_channel(struct adapter *a, PSCSI_REQUEST_BLOCK srb)
{
    uintptr_t buf = (uintptr_t)srb->DataBuffer;
    uint32_t pages = (uint32_t)(((buf & 0xFFFu) + srb->DataTransferLength + 0xFFFu) >> 12);
    uint32_t page_size = dma_page_size(a);
    a->channel_srb = srb;
    a->run_pages = pages < a->map_registers ? pages : a->map_registers;
    a->run_phys = pd.cfg.map_buffer;
    if (pd.hostile_seed) {
        uint32_t per_page = page_size >> 12;
        uint32_t dma_pages = PORTDRV_MAP_BUFFER_SIZE / page_size;
        uint64_t r = hostile_next();
        a->run_phys += (uint32_t)(r % dma_pages) * page_size +
                       (uint32_t)((r >> 20) % (per_page - a->run_pages + 1)) * 0x1000u;
    }
}

static int owns_channel(const struct adapter *a, const SCSI_REQUEST_BLOCK *srb)
{
    return a->channel_srb == srb;
}

/* The DPC half of ScsiPortIoMapTransfer, IoMapTransfer for a subordinate
 * device without scatter/gather: the whole length is mapped (its Length is
 * not shortened, MapTransfer's docs), through the SRB's map registers.  The
 * data's page i goes to map register i at the same offset in its page, so
 * the transfer is contiguous and within one DMA page, and the 8237 moves it
 * in one operation.  Writes are copied into the map buffer now; reads come
 * back at the flush. */
static void run_map_transfer(struct adapter *a)
{
    PSCSI_REQUEST_BLOCK srb = a->map_srb;
    int to_memory = (srb->SrbFlags & SRB_FLAGS_DATA_IN) != 0;
    uint32_t page_size = dma_page_size(a);
    uintptr_t first_page = (uintptr_t)srb->DataBuffer >> 12, va = (uintptr_t)a->map_va;
    uint32_t page = (uint32_t)((va >> 12) - first_page);
    uint32_t last = (uint32_t)(((va + a->map_len - 1) >> 12) - first_page);
    uint32_t phys = a->run_phys + page * 0x1000u + (uint32_t)(va & 0xFFFu);
    uint32_t len = a->map_len;

    a->map_pending = 0;
    drop_mapping(a, "ScsiPortIoMapTransfer");
    if (!owns_channel(a, srb) || last >= a->run_pages) {
        violation("ScsiPortIoMapTransfer: [%p, +%u) needs map register %u; SRB %p has %u "
                  "(the adapter %u): the class driver sends at most MaximumPhysicalPages",
                  (void *)a->map_va, len, last, (void *)srb,
                  owns_channel(a, srb) ? a->run_pages : 0, a->map_registers);
        return;
    }
    if ((phys & ~(page_size - 1)) != ((phys + len - 1) & ~(page_size - 1))) {
        fprintf(stderr, "portdrv: internal error: map run 0x%06x+%u crosses a DMA page\n", phys,
                len);
        abort();
    }
    if (to_memory)
        memset(pc_memory(pd.cfg.pc) + phys, 0xA5, len);   /* unwritten bytes show */
    else
        memcpy(pc_memory(pd.cfg.pc) + phys, a->map_va, len);
    a->map.active = 1;
    a->map.srb = srb;
    a->map.va = a->map_va;
    a->map.phys = phys;
    a->map.length = len;
    a->map.to_memory = to_memory;
    pd.counts.maps++;
    dma_program(a->ci.DmaChannel, to_memory, a->ci.DemandMode, phys, len);
    pd_log("IoMapTransfer: %u bytes at 0x%06x, channel %u", len, phys, a->ci.DmaChannel);
}

/* ---- calling the miniport ------------------------------------------- */

/* Time in one miniport routine call, from its entry to its return, in
 * simulated time (the port driver's own work around it not counted). */
static void routine_begin(const char *name)
{
    pd.routine = name;
    pd.routine_start_ps = cosim_now_ps();
}

static void routine_end(void)
{
    uint64_t spent = cosim_now_ps() - pd.routine_start_ps;
    if (pd.routine && pd.stall_limit_ps && spent > pd.stall_limit_ps)
        violation("%s ran %.1f us at DIRQL (from %.3f ms), beyond the %.1f us budget", pd.routine,
                  spent / 1e6, pd.routine_start_ps / 1e9, pd.stall_limit_ps / 1e6);
    if (pd.routine && spent > pd.longest.ps) {
        pd.longest.ps = spent;
        pd.longest.routine = pd.routine;
        pd.longest.at_ps = pd.routine_start_ps;
    }
    pd.routine = NULL;
}

static void enter(struct adapter *a, const char *routine)
{
    if (pd.depth++ == 0) {
        pc_interrupts_enable(pd.cfg.pc, 0);
        pd.current = a;
        routine_begin(routine);
    }
}

static void check_completed(struct adapter *a)
{
    if (a->completed && memcmp(a->completed, &a->completed_copy, sizeof(SCSI_REQUEST_BLOCK)) != 0)
        violation("SRB %p was written after the miniport completed it", (void *)a->completed);
    a->completed = NULL;
}

/* ps of simulated time in the DPC, interrupts on (the pending one is
 * taken at once, even for 0). */
static void dpc_window(struct adapter *a, uint64_t ps)
{
    pd.current = NULL;
    pc_interrupts_enable(pd.cfg.pc, 1);
    if (ps)
        pc_idle_ps(pd.cfg.pc, ps);
    pc_interrupts_enable(pd.cfg.pc, 0);
    pd.current = a;
}

static void leave(struct adapter *a)
{
    if (--pd.depth != 0)
        return;
    routine_end();
    check_completed(a);
    if (a->in_dpc) {
        /* the ISR taken in the DPC's window (below): the DPC goes on */
        pd.current = NULL;
        pc_interrupts_enable(pd.cfg.pc, 1);
        return;
    }
    a->in_dpc = 1;
    while (a->map_pending) {
        /* NT's DPC runs below DIRQL: the card's interrupt can be taken
         * before the adapter channel is mapped (a ScsiPortFlushDma from the
         * ISR then cancels the map) and between programming the DMA
         * controller and HwDmaStarted. */
        dpc_window(a, hostile_delay(pd.map_delay_ps, pd.dpc_delay_max_ps));
        if (!a->map_pending)
            break;
        run_map_transfer(a);
        if (!a->map.active)
            continue;             /* refused (a violation): no HwDmaStarted */
        dpc_window(a, hostile_delay(pd.dma_started_delay_ps, pd.dpc_delay_max_ps));
        pd.counts.dma_started++;
        pd.depth++;
        routine_begin("HwDmaStarted");
        pd.hw.HwDmaStarted(a->ext);
        routine_end();
        pd.depth--;
        check_completed(a);
    }
    a->in_dpc = 0;
    pd.current = NULL;
    pc_interrupts_enable(pd.cfg.pc, 1);
}

static void isr(void *ctx, int irq)
{
    struct adapter *a = ctx;
    BOOLEAN ours;
    (void)irq;
    if (pd.hostile_seed && pd.irq_latency_max_ps) {
        /* the edge waited behind other devices' ISRs and higher IRQLs */
        uint64_t late = hostile_delay(0, pd.irq_latency_max_ps);
        if (late)
            pc_idle_ps(pd.cfg.pc, late);
    }
    enter(a, "HwInterrupt");
    ours = pd.hw.HwInterrupt(a->ext);
    leave(a);
    if (!ours)
        a->spurious++;
}

/* ---- ScsiPort* routines ---------------------------------------------- */

static uint16_t port_of(const void *p, unsigned width, const char *who)
{
    const UCHAR *b = p;
    if (b < io_space || b + width > io_space + IO_SPACE) {
        violation("%s: %p is not a port address from ScsiPortGetDeviceBase", who, p);
        return 0;
    }
    uint16_t port = (uint16_t)(b - io_space);
    struct adapter *a = pd.current;
    if (pd.routine && !strcmp(pd.routine, "HwDmaStarted") && !strncmp(who, "ScsiPortWrite", 13))
        pd.dma_started_writes++;
    if (a) {
        for (int i = 0; i < a->n_io; i++)
            if (port >= a->io_lo[i] && port + width - 1 <= a->io_hi[i])
                return port;
        violation("%s: port 0x%x is outside the ranges the miniport mapped", who, port);
    }
    return port;
}

UCHAR ScsiPortReadPortUchar(PUCHAR Port)
{
    return pc_inb(pd.cfg.pc, port_of(Port, 1, "ScsiPortReadPortUchar"));
}

USHORT ScsiPortReadPortUshort(PUSHORT Port)
{
    return pc_inw(pd.cfg.pc, port_of(Port, 2, "ScsiPortReadPortUshort"));
}

ULONG ScsiPortReadPortUlong(PULONG Port)
{
    uint16_t p = port_of(Port, 4, "ScsiPortReadPortUlong");
    return pc_inw(pd.cfg.pc, p) | ((ULONG)pc_inw(pd.cfg.pc, (uint16_t)(p + 2)) << 16);
}

VOID ScsiPortReadPortBufferUchar(PUCHAR Port, PUCHAR Buffer, ULONG Count)
{
    uint16_t p = port_of(Port, 1, "ScsiPortReadPortBufferUchar");
    while (Count--)
        *Buffer++ = pc_inb(pd.cfg.pc, p);
}

VOID ScsiPortReadPortBufferUshort(PUSHORT Port, PUSHORT Buffer, ULONG Count)
{
    uint16_t p = port_of(Port, 2, "ScsiPortReadPortBufferUshort");
    while (Count--)
        *Buffer++ = pc_inw(pd.cfg.pc, p);
}

VOID ScsiPortWritePortUchar(PUCHAR Port, UCHAR Value)
{
    pc_outb(pd.cfg.pc, port_of(Port, 1, "ScsiPortWritePortUchar"), Value);
}

VOID ScsiPortWritePortUshort(PUSHORT Port, USHORT Value)
{
    pc_outw(pd.cfg.pc, port_of(Port, 2, "ScsiPortWritePortUshort"), Value);
}

VOID ScsiPortWritePortUlong(PULONG Port, ULONG Value)
{
    uint16_t p = port_of(Port, 4, "ScsiPortWritePortUlong");
    pc_outw(pd.cfg.pc, p, (uint16_t)Value);
    pc_outw(pd.cfg.pc, (uint16_t)(p + 2), (uint16_t)(Value >> 16));
}

VOID ScsiPortWritePortBufferUchar(PUCHAR Port, PUCHAR Buffer, ULONG Count)
{
    uint16_t p = port_of(Port, 1, "ScsiPortWritePortBufferUchar");
    while (Count--)
        pc_outb(pd.cfg.pc, p, *Buffer++);
}

VOID ScsiPortWritePortBufferUshort(PUSHORT Port, PUSHORT Buffer, ULONG Count)
{
    uint16_t p = port_of(Port, 2, "ScsiPortWritePortBufferUshort");
    while (Count--)
        pc_outw(pd.cfg.pc, p, *Buffer++);
}

SCSI_PHYSICAL_ADDRESS ScsiPortConvertUlongToPhysicalAddress(ULONG_PTR UlongAddress)
{
    SCSI_PHYSICAL_ADDRESS a;
    a.QuadPart = (LONGLONG)UlongAddress;
    return a;
}

/* Ports 0x000-0x0FF belong to the motherboard (DMA, PIC, timer...). */
BOOLEAN ScsiPortValidateRange(PVOID HwDeviceExtension, INTERFACE_TYPE BusType,
                              ULONG SystemIoBusNumber, SCSI_PHYSICAL_ADDRESS IoAddress,
                              ULONG NumberOfBytes, BOOLEAN InIoSpace)
{
    uint64_t lo = (uint64_t)IoAddress.QuadPart, hi = lo + NumberOfBytes - 1;
    struct adapter *self = find_adapter(HwDeviceExtension, "ScsiPortValidateRange");
    (void)SystemIoBusNumber;
    if (BusType != Isa || !InIoSpace || NumberOfBytes == 0 || hi >= IO_SPACE || lo < 0x100)
        return FALSE;
    for (int i = 0; i < PORTDRV_MAX_ADAPTERS; i++) {
        struct adapter *a = &pd.adapters[i];
        if (!a->in_use || a == self)
            continue;
        for (int r = 0; r < a->n_io; r++)
            if (lo <= a->io_hi[r] && hi >= a->io_lo[r])
                return FALSE;
    }
    return TRUE;
}

PVOID ScsiPortGetDeviceBase(PVOID HwDeviceExtension, INTERFACE_TYPE BusType,
                            ULONG SystemIoBusNumber, SCSI_PHYSICAL_ADDRESS IoAddress,
                            ULONG NumberOfBytes, BOOLEAN InIoSpace)
{
    struct adapter *a = find_adapter(HwDeviceExtension, "ScsiPortGetDeviceBase");
    uint64_t lo = (uint64_t)IoAddress.QuadPart;
    (void)SystemIoBusNumber;
    if (!a)
        return NULL;
    if (BusType != Isa || !InIoSpace) {
        violation("ScsiPortGetDeviceBase: only ISA I/O space is emulated");
        return NULL;
    }
    if (NumberOfBytes == 0 || lo + NumberOfBytes > IO_SPACE || a->n_io == 4)
        return NULL;
    a->io_lo[a->n_io] = (uint32_t)lo;
    a->io_hi[a->n_io] = (uint32_t)(lo + NumberOfBytes - 1);
    a->n_io++;
    return &io_space[lo];
}

VOID ScsiPortFreeDeviceBase(PVOID HwDeviceExtension, PVOID MappedAddress)
{
    struct adapter *a = find_adapter(HwDeviceExtension, "ScsiPortFreeDeviceBase");
    const UCHAR *b = MappedAddress;
    if (!a)
        return;
    for (int i = 0; i < a->n_io; i++) {
        if (b == &io_space[a->io_lo[i]]) {
            a->io_lo[i] = a->io_lo[a->n_io - 1];
            a->io_hi[i] = a->io_hi[a->n_io - 1];
            a->n_io--;
            return;
        }
    }
    violation("ScsiPortFreeDeviceBase: %p was not mapped", MappedAddress);
}

VOID ScsiPortStallExecution(ULONG Delay)
{
    pc_idle_ps(pd.cfg.pc, (uint64_t)Delay * PS_PER_US);
}

VOID ScsiPortMoveMemory(PVOID WriteBuffer, PVOID ReadBuffer, ULONG Length)
{
    memmove(WriteBuffer, ReadBuffer, Length);
}

VOID ScsiPortLogError(PVOID HwDeviceExtension, PSCSI_REQUEST_BLOCK Srb, UCHAR PathId,
                      UCHAR TargetId, UCHAR Lun, ULONG ErrorCode, ULONG UniqueId)
{
    (void)HwDeviceExtension;
    (void)Srb;
    fprintf(pd.cfg.log ? pd.cfg.log : stderr,
            "portdrv: miniport logged error 0x%x (unique id 0x%08x) at %u:%u:%u\n",
            ErrorCode, UniqueId, PathId, TargetId, Lun);
    if (pd.n_logged < PORTDRV_MAX_LOGGED) {
        struct portdrv_logged_error *e = &pd.logged[pd.n_logged++];
        e->error_code = ErrorCode;
        e->unique_id = UniqueId;
        e->path_id = PathId;
        e->target_id = TargetId;
        e->lun = Lun;
    }
}

int portdrv_logged_errors(struct portdrv_logged_error *out, int max)
{
    int n = pd.n_logged < max ? pd.n_logged : max;
    if (out && n > 0)
        memcpy(out, pd.logged, (size_t)n * sizeof *out);
    return pd.n_logged;
}

static struct held_request *free_held(struct adapter *a)
{
    for (int i = 0; i < MAX_OUTSTANDING; i++)
        if (a->held[i].state == HELD_FREE)
            return &a->held[i];
    return NULL;                  /* cannot be: held + outstanding <= MAX_OUTSTANDING */
}

static int is_busy(const SCSI_REQUEST_BLOCK *srb)
{
    return SRB_STATUS(srb->SrbStatus) == SRB_STATUS_BUSY ||
           (SRB_STATUS(srb->SrbStatus) == SRB_STATUS_ERROR && srb->ScsiStatus == SCSISTAT_BUSY);
}

/* The CHECK CONDITION the port driver requests sense for itself: the
 * miniport gave no auto-sense, the caller wants it and gave a buffer. */
static int needs_port_sense(const SCSI_REQUEST_BLOCK *srb)
{
    return srb->Function == SRB_FUNCTION_EXECUTE_SCSI &&
           SRB_STATUS(srb->SrbStatus) == SRB_STATUS_ERROR &&
           srb->ScsiStatus == SCSISTAT_CHECK_CONDITION &&
           !(srb->SrbStatus & SRB_STATUS_AUTOSENSE_VALID) &&
           !(srb->SrbFlags & SRB_FLAGS_DISABLE_AUTOSENSE) && srb->SenseInfoBuffer &&
           srb->SenseInfoBufferLength;
}

/* The SRB goes back to its caller: an EXECUTE_SCSI that failed freezes its
 * logical unit's queue unless SRB_FLAGS_NO_QUEUE_FREEZE. */
static void give_back(struct adapter *a, PSCSI_REQUEST_BLOCK srb, int busy_retries)
{
    if (srb->Function == SRB_FUNCTION_EXECUTE_SCSI &&
        SRB_STATUS(srb->SrbStatus) != SRB_STATUS_SUCCESS &&
        !(srb->SrbFlags & SRB_FLAGS_NO_QUEUE_FREEZE) && srb->TargetId < 8 && srb->Lun < 8) {
        srb->SrbStatus |= SRB_STATUS_QUEUE_FROZEN;
        a->frozen[srb->TargetId][srb->Lun] = 1;
        pd.counts.queue_freezes++;
    }
    pd.last_final = srb;
    pd.last_final_busy_retries = busy_retries;
}

static int is_port_sense(struct adapter *a, const SCSI_REQUEST_BLOCK *srb)
{
    for (int i = 0; i < MAX_OUTSTANDING; i++)
        if (a->held[i].state == HELD_SENSE_RUNNING && &a->held[i].sense_srb == srb)
            return 1;
    return 0;
}

static void complete_srb(struct adapter *a, PSCSI_REQUEST_BLOCK srb, const char *who)
{
    int i = find_outstanding(a, srb);
    struct held_request *h;
    if (i < 0) {
        violation("%s: SRB %p is not outstanding (completed twice, or never started)",
                  who, (void *)srb);
        return;
    }
    if (SRB_STATUS(srb->SrbStatus) == SRB_STATUS_PENDING)
        violation("%s: SRB %p completed with SRB_STATUS_PENDING", who, (void *)srb);
    if (a->map.active && a->map.srb == srb)
        drop_mapping(a, who);      /* the port driver frees the map registers */
    if (a->map_pending && a->map_srb == srb) {
        violation("%s: SRB %p completed with an IoMapTransfer still pending", who, (void *)srb);
        a->map_pending = 0;
    }
    if (owns_channel(a, srb))
        a->channel_srb = NULL;     /* IoFreeAdapterChannel */
    a->outstanding[i] = NULL;
    a->completed = srb;
    pd_log("RequestComplete: SRB %p status 0x%02x scsi 0x%02x length %u", (void *)srb,
         srb->SrbStatus, srb->ScsiStatus, srb->DataTransferLength);
    if (!is_port_sense(a, srb)) {
        if (srb->Function == SRB_FUNCTION_EXECUTE_SCSI && is_busy(srb) &&
            a->busy_retries[i] < PORTDRV_BUSY_RETRIES && (h = free_held(a)) != NULL) {
            /* retried on the port driver's next timer tick */
            h->state = HELD_BUSY;
            h->srb = srb;
            h->length = a->length[i];
            h->busy_retries = a->busy_retries[i] + 1;
            h->due_ps = (cosim_now_ps() / pd.busy_interval_ps + 1) * pd.busy_interval_ps;
        } else if (needs_port_sense(srb) && (h = free_held(a)) != NULL) {
            h->state = HELD_SENSE_WAIT;
            h->srb = srb;
            h->length = a->length[i];
            h->busy_retries = a->busy_retries[i];
        } else {
            give_back(a, srb, a->busy_retries[i]);
        }
    }
    memcpy(&a->completed_copy, srb, sizeof *srb);
}

/* NT's timers expire on its clock interrupt (every 10 ms): the first tick
 * at or after the due time.  Hostile mode moves the ticks (the phase). */
static uint64_t clock_tick_at_or_after(uint64_t due)
{
    uint64_t phase = pd.timer_phase_ps % PORTDRV_CLOCK_TICK_PS;
    if (due <= phase)
        return phase;
    return phase + (due - phase + PORTDRV_CLOCK_TICK_PS - 1) / PORTDRV_CLOCK_TICK_PS *
                       PORTDRV_CLOCK_TICK_PS;
}

VOID ScsiPortNotification(SCSI_NOTIFICATION_TYPE NotificationType, PVOID HwDeviceExtension, ...)
{
    struct adapter *a = find_adapter(HwDeviceExtension, "ScsiPortNotification");
    va_list ap;
    if (!a)
        return;
    va_start(ap, HwDeviceExtension);
    switch (NotificationType) {
    case RequestComplete:
        complete_srb(a, va_arg(ap, PSCSI_REQUEST_BLOCK), "RequestComplete");
        break;
    case NextRequest:
        a->ready = 1;
        break;
    case NextLuRequest:
        (void)va_arg(ap, int);
        (void)va_arg(ap, int);
        (void)va_arg(ap, int);
        a->ready = 1;
        break;
    case ResetDetected:
        a->resets_detected++;
        a->hold_until_ps = cosim_now_ps() + pd.reset_hold_ps;
        pd.counts.reset_holds++;
        pd_log("ResetDetected: requests held %.3f ms", pd.reset_hold_ps / 1e9);
        break;
    case RequestTimerCall: {
        PHW_TIMER fn = va_arg(ap, PHW_TIMER);
        ULONG us = va_arg(ap, ULONG);
        a->timer = us ? fn : NULL;
        a->timer_due_ps = clock_tick_at_or_after(cosim_now_ps() + (uint64_t)us * PS_PER_US);
        break;
    }
    default:
        violation("ScsiPortNotification: type %d is not emulated", (int)NotificationType);
        break;
    }
    va_end(ap);
}

VOID ScsiPortCompleteRequest(PVOID HwDeviceExtension, UCHAR PathId, UCHAR TargetId,
                             UCHAR Lun, UCHAR SrbStatus)
{
    struct adapter *a = find_adapter(HwDeviceExtension, "ScsiPortCompleteRequest");
    if (!a)
        return;
    for (int i = 0; i < MAX_OUTSTANDING; i++) {
        PSCSI_REQUEST_BLOCK s = a->outstanding[i];
        if (!s || (PathId != SP_UNTAGGED && s->PathId != PathId) ||
            (TargetId != SP_UNTAGGED && s->TargetId != TargetId) ||
            (Lun != SP_UNTAGGED && s->Lun != Lun))
            continue;
        s->SrbStatus = SrbStatus;
        complete_srb(a, s, "ScsiPortCompleteRequest");
    }
}

VOID ScsiPortIoMapTransfer(PVOID HwDeviceExtension, PSCSI_REQUEST_BLOCK Srb,
                           PVOID LogicalAddress, ULONG Length)
{
    struct adapter *a = find_adapter(HwDeviceExtension, "ScsiPortIoMapTransfer");
    const UCHAR *va = LogicalAddress, *buf;
    if (!a)
        return;
    buf = Srb ? Srb->DataBuffer : NULL;
    if (a->ci.DmaChannel == SP_UNINITIALIZED_VALUE || a->ci.Master) {
        violation("ScsiPortIoMapTransfer: the adapter has no system DMA channel");
        return;
    }
    if (!Srb || find_outstanding(a, Srb) < 0) {
        violation("ScsiPortIoMapTransfer: SRB %p is not outstanding", (void *)Srb);
        return;
    }
    if (Srb->DataTransferLength == 0 || !(Srb->SrbFlags & SRB_FLAGS_UNSPECIFIED_DIRECTION) ||
        (Srb->SrbFlags & SRB_FLAGS_UNSPECIFIED_DIRECTION) == SRB_FLAGS_UNSPECIFIED_DIRECTION) {
        violation("ScsiPortIoMapTransfer: SRB %p has no data phase with one direction", (void *)Srb);
        return;
    }
    if (Length == 0 || Length > a->ci.MaximumTransferLength) {
        violation("ScsiPortIoMapTransfer: length %u is 0 or beyond MaximumTransferLength %u",
                  Length, a->ci.MaximumTransferLength);
        return;
    }
    if (va < buf || va + Length > buf + Srb->DataTransferLength) {
        violation("ScsiPortIoMapTransfer: [%p, +%u) is outside the SRB's data buffer",
                  LogicalAddress, Length);
        return;
    }
    if (a->ci.DmaChannel >= 4 && ((Length & 1u) || ((uintptr_t)va & 1u))) {
        violation("ScsiPortIoMapTransfer: odd address or length on 16-bit channel %u",
                  a->ci.DmaChannel);
        return;
    }
    if (a->map_pending) {
        violation("ScsiPortIoMapTransfer: called again before HwDmaStarted");
        return;
    }
    if (pd.depth == 0) {
        violation("ScsiPortIoMapTransfer: called outside a miniport routine");
        return;
    }
    a->map_pending = 1;
    a->map_srb = Srb;
    a->map_va = (PUCHAR)LogicalAddress;
    a->map_len = Length;
}

VOID ScsiPortFlushDma(PVOID HwDeviceExtension)
{
    struct adapter *a = find_adapter(HwDeviceExtension, "ScsiPortFlushDma");
    if (!a)
        return;
    if (a->map_pending) {
        /* before the transfer started: the flush cancels it, and
         * HwDmaStarted is not called for it (ScsiPortFlushDma's docs) */
        a->map_pending = 0;
        pd_log("ScsiPortFlushDma: cancelled the pending IoMapTransfer");
        return;
    }
    flush_mapping(a);
}

/* ---- initialisation ---------------------------------------------------- */

static int check_config(const PORT_CONFIGURATION_INFORMATION *ci)
{
    if (ci->NumberOfBuses < 1 || ci->InitiatorBusId[0] >= 8) {
        violation("HwFindAdapter: NumberOfBuses %u / InitiatorBusId %u invalid",
                  ci->NumberOfBuses, ci->InitiatorBusId[0]);
        return 0;
    }
    if (ci->MaximumTransferLength == 0 || ci->MaximumTransferLength == SP_UNINITIALIZED_VALUE) {
        violation("HwFindAdapter: MaximumTransferLength not set");
        return 0;
    }
    if (ci->BusInterruptLevel == 0 || ci->BusInterruptLevel > 15) {
        violation("HwFindAdapter: BusInterruptLevel %u is not an ISA IRQ", ci->BusInterruptLevel);
        return 0;
    }
    if (ci->DmaChannel != SP_UNINITIALIZED_VALUE && !ci->Master) {
        int wide = ci->DmaChannel >= 5 && ci->DmaChannel <= 7;
        if (!(ci->DmaChannel <= 3 || wide) ||
            ci->DmaWidth != (wide ? Width16Bits : Width8Bits)) {
            violation("HwFindAdapter: DMA channel %u with width %d", ci->DmaChannel,
                      (int)ci->DmaWidth);
            return 0;
        }
        if (ci->MaximumTransferLength > (wide ? 0x20000u : 0x10000u)) {
            violation("HwFindAdapter: MaximumTransferLength %u beyond the 8237's count",
                      ci->MaximumTransferLength);
            return 0;
        }
    }
    return 1;
}

static void default_config(PORT_CONFIGURATION_INFORMATION *ci, ACCESS_RANGE *ranges)
{
    memset(ci, 0, sizeof *ci);
    ci->Length = sizeof *ci;
    ci->AdapterInterfaceType = Isa;
    ci->InterruptMode = Latched;
    ci->MaximumTransferLength = SP_UNINITIALIZED_VALUE;
    ci->NumberOfPhysicalBreaks = SP_UNINITIALIZED_VALUE;
    ci->DmaChannel = SP_UNINITIALIZED_VALUE;
    ci->DmaPort = SP_UNINITIALIZED_VALUE;
    ci->NumberOfAccessRanges = pd.hw.NumberOfAccessRanges;
    ci->AccessRanges = (ACCESS_RANGE (*)[])ranges;
    for (int i = 0; i < 8; i++)
        ci->InitiatorBusId[i] = SP_UNTAGGED;
    ci->MapBuffers = pd.hw.MapBuffers;
    ci->NeedPhysicalAddresses = pd.hw.NeedPhysicalAddresses;
    ci->TaggedQueuing = pd.hw.TaggedQueuing;
    ci->AutoRequestSense = pd.hw.AutoRequestSense;
    ci->MultipleRequestPerLu = pd.hw.MultipleRequestPerLu;
    ci->MaximumNumberOfTargets = 8;
    ci->DeviceExtensionSize = pd.hw.DeviceExtensionSize;
    ci->SrbExtensionSize = pd.hw.SrbExtensionSize;
}

#define STATUS_SUCCESS 0x00000000u
#define STATUS_REVISION_MISMATCH 0xC0000059u
#define STATUS_NO_SUCH_DEVICE 0xC000000Eu
#define STATUS_INVALID_PARAMETER 0xC000000Du

ULONG ScsiPortInitialize(PVOID Argument1, PVOID Argument2,
                         PHW_INITIALIZATION_DATA HwInitializationData, PVOID HwContext)
{
    PHW_INITIALIZATION_DATA hw = HwInitializationData;
    BOOLEAN again = TRUE;
    (void)Argument1;
    (void)Argument2;
    if (!pd.initialised) {
        violation("ScsiPortInitialize: portdrv_init was not called");
        return STATUS_INVALID_PARAMETER;
    }
    if (hw->HwInitializationDataSize > sizeof(HW_INITIALIZATION_DATA) ||
        hw->HwInitializationDataSize < offsetof(HW_INITIALIZATION_DATA, HwAdapterControl))
        return STATUS_REVISION_MISMATCH;
    if (!hw->HwInitialize || !hw->HwStartIo || !hw->HwFindAdapter || !hw->HwResetBus ||
        !hw->HwInterrupt) {
        violation("ScsiPortInitialize: a required Hw routine is missing");
        return STATUS_INVALID_PARAMETER;
    }
    if (hw->AdapterInterfaceType != Isa)
        return STATUS_NO_SUCH_DEVICE;
    if (hw->NumberOfAccessRanges == 0 || hw->NumberOfAccessRanges > 4) {
        violation("ScsiPortInitialize: NumberOfAccessRanges %u", hw->NumberOfAccessRanges);
        return STATUS_INVALID_PARAMETER;
    }
    pd.hw = *hw;

    while (again && pd.n_adapters < PORTDRV_MAX_ADAPTERS) {
        struct adapter *a = &pd.adapters[pd.n_adapters];
        char arg[256];
        ULONG rc;
        memset(a, 0, sizeof *a);
        a->ext = calloc(1, hw->DeviceExtensionSize ? hw->DeviceExtensionSize : 1);
        a->in_use = 1;
        default_config(&a->ci, a->ranges);
        snprintf(arg, sizeof arg, "%s", pd.cfg.argument_string ? pd.cfg.argument_string : "");
        again = FALSE;
        enter(a, NULL);          /* PASSIVE_LEVEL: not held to the DIRQL bound */
        rc = hw->HwFindAdapter(a->ext, HwContext, NULL,
                               pd.cfg.argument_string ? arg : NULL, &a->ci, &again);
        leave(a);
        if (rc != SP_RETURN_FOUND || !check_config(&a->ci)) {
            if (rc != SP_RETURN_NOT_FOUND)
                pd_log("HwFindAdapter returned %u", rc);
            free(a->ext);
            a->in_use = 0;
            if (rc != SP_RETURN_NOT_FOUND)
                break;
            continue;
        }
        if (a->ci.DmaChannel != SP_UNINITIALIZED_VALUE && !hw->HwDmaStarted) {
            violation("ScsiPortInitialize: system DMA without HwDmaStarted");
            free(a->ext);
            a->in_use = 0;
            break;
        }
        pd_log("adapter %d: irq %u dma %d", pd.n_adapters, a->ci.BusInterruptLevel,
             a->ci.DmaChannel == SP_UNINITIALIZED_VALUE ? -1 : (int)a->ci.DmaChannel);
        pc_set_isr(pd.cfg.pc, (int)a->ci.BusInterruptLevel, isr, a);
        pc_irq_mask(pd.cfg.pc, (int)a->ci.BusInterruptLevel, 0);
        enter(a, "HwInitialize");
        if (!hw->HwInitialize(a->ext)) {
            leave(a);
            pd_log("adapter %d: HwInitialize failed", pd.n_adapters);
            pc_irq_mask(pd.cfg.pc, (int)a->ci.BusInterruptLevel, 1);
            free(a->ext);
            a->in_use = 0;
            continue;
        }
        leave(a);
        a->ready = 1;
        if (a->ci.DmaChannel != SP_UNINITIALIZED_VALUE && !a->ci.Master) {
            /* HalGetAdapter: a page more than MaximumLength spans, for a
             * transfer that does not start on a page; at most 16 on ISA */
            ULONG regs = (a->ci.MaximumTransferLength + 0xFFFu) / 0x1000u + 1;
            a->map_registers = regs < PORTDRV_ISA_MAP_REGISTERS ? regs : PORTDRV_ISA_MAP_REGISTERS;
        }
        pd.n_adapters++;
    }
    return pd.n_adapters ? STATUS_SUCCESS : STATUS_NO_SUCH_DEVICE;
}

int portdrv_init(const struct portdrv_config *cfg)
{
    if (!cfg || !cfg->pc)
        return -1;
    memset(&pd.adapters, 0, sizeof pd.adapters);
    pd.cfg = *cfg;
    if (!pd.cfg.map_buffer)
        pd.cfg.map_buffer = PORTDRV_MAP_BUFFER_DEFAULT;
    if ((pd.cfg.map_buffer & 0x1FFFFu) ||
        pd.cfg.map_buffer + PORTDRV_MAP_BUFFER_SIZE > PC_MEM_SIZE) {
        fprintf(stderr, "portdrv: map buffer 0x%x must be 128 KiB aligned below 16 MiB\n",
                pd.cfg.map_buffer);
        return -1;
    }
    pd.n_adapters = 0;
    pd.depth = 0;
    pd.n_logged = 0;
    memset(&pd.longest, 0, sizeof pd.longest);
    pd.dma_started_writes = 0;
    memset(&pd.counts, 0, sizeof pd.counts);
    pd.last_final = NULL;
    pd.initialised = 1;
    return 0;
}

ULONG portdrv_load(portdrv_driver_entry_fn driver_entry)
{
    static int driver_object;     /* an opaque token, as NT's DRIVER_OBJECT is to the miniport */
    return driver_entry(&driver_object, NULL);
}

void portdrv_shutdown(void)
{
    for (int i = 0; i < PORTDRV_MAX_ADAPTERS; i++) {
        if (pd.adapters[i].in_use) {
            pc_set_isr(pd.cfg.pc, (int)pd.adapters[i].ci.BusInterruptLevel, NULL, NULL);
            free(pd.adapters[i].ext);
            pd.adapters[i].in_use = 0;
        }
    }
    pd.n_adapters = 0;
    pd.initialised = 0;
}

int portdrv_adapter_count(void) { return pd.n_adapters; }

const PORT_CONFIGURATION_INFORMATION *portdrv_config_info(int adapter)
{
    if (adapter < 0 || adapter >= pd.n_adapters)
        return NULL;
    return &pd.adapters[adapter].ci;
}

uint64_t portdrv_resets_detected(int adapter)
{
    return (adapter >= 0 && adapter < pd.n_adapters) ? pd.adapters[adapter].resets_detected : 0;
}

uint64_t portdrv_spurious_interrupts(int adapter)
{
    return (adapter >= 0 && adapter < pd.n_adapters) ? pd.adapters[adapter].spurious : 0;
}

void portdrv_set_dma_started_delay(uint64_t ps)
{
    pd.dma_started_delay_ps = ps;
}

void portdrv_set_map_delay(uint64_t ps)
{
    pd.map_delay_ps = ps;
}

void portdrv_set_stall_limit(uint64_t ps)
{
    pd.stall_limit_ps = ps;
}

void portdrv_set_hostile(uint64_t seed)
{
    pd.hostile_seed = seed;
    pd.rng = seed ? seed * 0x9E3779B97F4A7C15ull | 1u : 0;
    pd.timer_phase_ps = 0;
    pd.dpc_delay_max_ps = PORTDRV_HOSTILE_DPC_MAX_PS;
    pd.irq_latency_max_ps = PORTDRV_HOSTILE_IRQ_LATENCY_MAX_PS;
    if (seed)
        pd.timer_phase_ps = hostile_next() % PORTDRV_CLOCK_TICK_PS;
}

uint64_t portdrv_dma_started_port_writes(void)
{
    return pd.dma_started_writes;
}

struct portdrv_routine_time portdrv_longest_routine(void)
{
    return pd.longest;
}

void portdrv_reset_longest_routine(void)
{
    memset(&pd.longest, 0, sizeof pd.longest);
}

void portdrv_last_dma(uint32_t *phys, uint32_t *length)
{
    *phys = pd.last_dma_phys;
    *length = pd.last_dma_len;
}

ULONG portdrv_map_registers(int adapter)
{
    return (adapter >= 0 && adapter < pd.n_adapters) ? pd.adapters[adapter].map_registers : 0;
}

void portdrv_get_counts(struct portdrv_counts *out)
{
    *out = pd.counts;
}

void portdrv_set_reset_hold(uint64_t ps) { pd.reset_hold_ps = ps; }
uint64_t portdrv_reset_hold(void) { return pd.reset_hold_ps; }

void portdrv_set_busy_interval(uint64_t ps)
{
    pd.busy_interval_ps = ps ? ps : PORTDRV_BUSY_INTERVAL_DEFAULT_PS;
}

uint64_t portdrv_busy_interval(void) { return pd.busy_interval_ps; }

int portdrv_busy_retries_of(const SCSI_REQUEST_BLOCK *srb)
{
    return srb == pd.last_final ? pd.last_final_busy_retries : 0;
}

int portdrv_queue_frozen(int adapter, UCHAR path, UCHAR target, UCHAR lun)
{
    if (adapter < 0 || adapter >= pd.n_adapters || path != 0 || target >= 8 || lun >= 8)
        return 0;
    return pd.adapters[adapter].frozen[target][lun];
}

/* ---- running requests -------------------------------------------------- */

static void run_timer(struct adapter *a)
{
    if (a->timer && cosim_now_ps() >= a->timer_due_ps) {
        PHW_TIMER fn = a->timer;
        a->timer = NULL;
        enter(a, "HwTimer");
        fn(a->ext);
        leave(a);
    }
}

void portdrv_reset_bus(int adapter)
{
    struct adapter *a;
    uint64_t reported;
    if (adapter < 0 || adapter >= pd.n_adapters)
        return;
    a = &pd.adapters[adapter];
    reported = a->resets_detected;
    enter(a, "HwResetBus");
    pd.hw.HwResetBus(a->ext, 0);
    leave(a);
    /* the port driver's own reset holds the queue as a reported one does */
    if (a->resets_detected == reported) {
        a->hold_until_ps = cosim_now_ps() + pd.reset_hold_ps;
        pd.counts.reset_holds++;
    }
    for (int i = 0; i < MAX_OUTSTANDING; i++)
        if (a->outstanding[i])
            violation("HwResetBus left SRB %p outstanding", (void *)a->outstanding[i]);
}

static uint64_t timeout_ps(const SCSI_REQUEST_BLOCK *srb)
{
    return (uint64_t)(srb->TimeOutValue ? srb->TimeOutValue : 10) * PS_PER_S;
}

/* Hands srb to HwStartIo (the caller checked the miniport is ready). */
static void start_io(struct adapter *a, PSCSI_REQUEST_BLOCK srb, ULONG length, int busy_retries)
{
    int slot = -1;
    for (int i = 0; i < MAX_OUTSTANDING && slot < 0; i++)
        if (!a->outstanding[i])
            slot = i;
    if (slot < 0) {
        violation("more than %d SRBs outstanding", MAX_OUTSTANDING);
        srb->SrbStatus = SRB_STATUS_BUSY;
        return;
    }
    srb->SrbStatus = SRB_STATUS_PENDING;
    a->outstanding[slot] = srb;
    a->deadline_ps[slot] = cosim_now_ps() + timeout_ps(srb);
    a->length[slot] = length;
    a->busy_retries[slot] = busy_retries;
    if (srb->DataTransferLength && a->map_registers)
        allocate_channel(a, srb);
    a->ready = 0;
    enter(a, "HwStartIo");
    pd.hw.HwStartIo(a->ext, srb);
    leave(a);
}

/* Whether a new request may go to HwStartIo now: the miniport asked for
 * one, no reset hold, and (for data on a system DMA channel) the adapter
 * channel is free. */
static int can_start(const struct adapter *a, const SCSI_REQUEST_BLOCK *srb)
{
    if (!a->ready || cosim_now_ps() < a->hold_until_ps)
        return 0;
    return !(srb->DataTransferLength && a->map_registers && a->channel_srb);
}

/* The requests the port driver holds: a BUSY one is restarted on its tick
 * (the data length restored), a CHECK CONDITION without sense gets the
 * port driver's REQUEST SENSE, whose data then becomes the SRB's
 * auto-sense (SRB_STATUS_AUTOSENSE_VALID), and the SRB goes back. */
static void run_held(struct adapter *a)
{
    for (int i = 0; i < MAX_OUTSTANDING; i++) {
        struct held_request *h = &a->held[i];
        PSCSI_REQUEST_BLOCK srb = h->srb;
        switch (h->state) {
        case HELD_BUSY:
            if (cosim_now_ps() < h->due_ps || !can_start(a, srb))
                break;
            h->state = HELD_FREE;
            pd.counts.busy_retries++;
            pd_log("SRB %p: BUSY retry %d", (void *)srb, h->busy_retries);
            srb->DataTransferLength = h->length;
            srb->ScsiStatus = 0;
            start_io(a, srb, h->length, h->busy_retries);
            return;               /* one HwStartIo per pass: the miniport said ready once */
        case HELD_SENSE_WAIT: {
            PSCSI_REQUEST_BLOCK rs = &h->sense_srb;
            UCHAR len = srb->SenseInfoBufferLength;
            if (!a->ready || cosim_now_ps() < a->hold_until_ps || a->channel_srb)
                break;
            memset(rs, 0, sizeof *rs);
            memset(h->sense_data, 0, sizeof h->sense_data);
            rs->Length = sizeof *rs;
            rs->Function = SRB_FUNCTION_EXECUTE_SCSI;
            rs->PathId = srb->PathId;
            rs->TargetId = srb->TargetId;
            rs->Lun = srb->Lun;
            rs->QueueTag = SP_UNTAGGED;
            rs->CdbLength = 6;
            rs->Cdb[0] = SCSIOP_REQUEST_SENSE;
            rs->Cdb[4] = len;
            rs->DataBuffer = h->sense_data;
            rs->DataTransferLength = len;
            rs->SrbFlags = SRB_FLAGS_DATA_IN | SRB_FLAGS_DISABLE_AUTOSENSE |
                           SRB_FLAGS_BYPASS_FROZEN_QUEUE | SRB_FLAGS_NO_QUEUE_FREEZE;
            rs->TimeOutValue = 2;
            h->state = HELD_SENSE_RUNNING;
            pd.counts.request_senses++;
            pd_log("SRB %p: CHECK CONDITION without sense: REQUEST SENSE", (void *)srb);
            start_io(a, rs, len, 0);
            return;
        }
        case HELD_SENSE_RUNNING: {
            PSCSI_REQUEST_BLOCK rs = &h->sense_srb;
            UCHAR st;
            if (find_outstanding(a, rs) >= 0)
                break;
            st = SRB_STATUS(rs->SrbStatus);
            if ((st == SRB_STATUS_SUCCESS || st == SRB_STATUS_DATA_OVERRUN) &&
                rs->DataTransferLength) {
                memcpy(srb->SenseInfoBuffer, h->sense_data, rs->DataTransferLength);
                srb->SrbStatus |= SRB_STATUS_AUTOSENSE_VALID;
            }
            h->state = HELD_FREE;
            give_back(a, srb, h->busy_retries);
            break;
        }
        case HELD_FREE:
            break;
        }
    }
}

/* What the port driver does while it waits: miniport timers, and HwResetBus
 * for a request past its TimeOutValue (a request the reset did not complete
 * ends with SRB_STATUS_TIMEOUT after the violation). */
static void service(int adapter)
{
    struct adapter *a = &pd.adapters[adapter];
    uint64_t now = cosim_now_ps();
    for (int i = 0; i < MAX_OUTSTANDING; i++) {
        PSCSI_REQUEST_BLOCK s = a->outstanding[i];
        if (!s || now <= a->deadline_ps[i])
            continue;
        pd_log("SRB %p timed out after %u s: HwResetBus", (void *)s, s->TimeOutValue);
        portdrv_reset_bus(adapter);
        for (int j = 0; j < MAX_OUTSTANDING; j++) {
            PSCSI_REQUEST_BLOCK left = a->outstanding[j];
            if (left) {
                left->SrbStatus = SRB_STATUS_TIMEOUT;
                a->outstanding[j] = NULL;
                if (owns_channel(a, left))
                    a->channel_srb = NULL;
                if (!is_port_sense(a, left))
                    give_back(a, left, a->busy_retries[j]);
            }
        }
        a->ready = 1;
        break;
    }
    run_timer(a);
    run_held(a);
}

int portdrv_start(int adapter, PSCSI_REQUEST_BLOCK srb)
{
    struct adapter *a;
    uint64_t not_ready_ps = 0, limit, hold_from = 0;
    if (adapter < 0 || adapter >= pd.n_adapters) {
        srb->SrbStatus = SRB_STATUS_NO_HBA;
        return -1;
    }
    a = &pd.adapters[adapter];
    srb->Length = sizeof *srb;
    limit = timeout_ps(srb);
    if (srb->Function == SRB_FUNCTION_RELEASE_QUEUE || srb->Function == SRB_FUNCTION_FLUSH_QUEUE) {
        /* the port driver's own: the LU's queue goes on (a flush would first
         * complete the requests queued behind the freeze: a frozen LU here
         * refuses new ones, so there are none) */
        if (srb->TargetId < 8 && srb->Lun < 8)
            a->frozen[srb->TargetId][srb->Lun] = 0;
        pd.counts.queue_releases++;
        srb->SrbStatus = SRB_STATUS_SUCCESS;
        return 0;
    }
    if (srb->Function == SRB_FUNCTION_EXECUTE_SCSI && srb->TargetId < 8 && srb->Lun < 8 &&
        a->frozen[srb->TargetId][srb->Lun] && !(srb->SrbFlags & SRB_FLAGS_BYPASS_FROZEN_QUEUE)) {
        fprintf(stderr, "portdrv: SRB %p for %u:%u:%u while its queue is frozen: NT keeps it "
                "queued until SRB_FUNCTION_RELEASE_QUEUE, which never came\n", (void *)srb,
                srb->PathId, srb->TargetId, srb->Lun);
        srb->SrbStatus = SRB_STATUS_REQUEST_FLUSHED;
        return -1;
    }
    srb->SrbStatus = SRB_STATUS_PENDING;

    /* Wait until the miniport asks for a request, the reset hold is over
     * and the adapter channel is free (requests already outstanding go on
     * meanwhile).  Only the time the miniport keeps the port driver
     * waiting counts against the SRB's TimeOutValue. */
    while (!can_start(a, srb)) {
        int ready = a->ready;
        uint64_t before = cosim_now_ps();
        if (not_ready_ps > limit) {
            violation("the miniport never asked for a request (NextRequest)");
            srb->SrbStatus = SRB_STATUS_TIMEOUT;
            return -1;
        }
        if (before < a->hold_until_ps && !hold_from)
            hold_from = before;
        service(adapter);
        if (!can_start(a, srb))
            pc_idle_ps(pd.cfg.pc, POLL_STEP_PS);
        if (!ready)
            not_ready_ps += cosim_now_ps() - before;
    }
    if (hold_from)
        pd.counts.held_ps += cosim_now_ps() - hold_from;
    start_io(a, srb, srb->DataTransferLength, 0);
    return 0;
}

int portdrv_outstanding(int adapter, const SCSI_REQUEST_BLOCK *srb)
{
    if (adapter < 0 || adapter >= pd.n_adapters)
        return 0;
    return find_outstanding(&pd.adapters[adapter], (PSCSI_REQUEST_BLOCK)srb) >= 0;
}

int portdrv_pending(int adapter, const SCSI_REQUEST_BLOCK *srb)
{
    struct adapter *a;
    if (adapter < 0 || adapter >= pd.n_adapters)
        return 0;
    a = &pd.adapters[adapter];
    for (int i = 0; i < MAX_OUTSTANDING; i++)
        if (a->held[i].state != HELD_FREE && a->held[i].srb == srb)
            return 1;                 /* the port driver holds it (BUSY, sense) */
    return portdrv_outstanding(adapter, srb);
}

int portdrv_wait(int adapter, PSCSI_REQUEST_BLOCK srb, uint64_t max_ps)
{
    uint64_t start = cosim_now_ps();
    if (adapter < 0 || adapter >= pd.n_adapters)
        return 1;
    for (;;) {
        uint64_t spent;
        service(adapter);
        if (srb && !portdrv_pending(adapter, srb))
            return 1;
        spent = cosim_now_ps() - start;
        if (max_ps && spent >= max_ps)
            return srb ? !portdrv_pending(adapter, srb) : 0;
        pc_idle_ps(pd.cfg.pc, max_ps && max_ps - spent < POLL_STEP_PS ? max_ps - spent
                                                                      : POLL_STEP_PS);
    }
}

UCHAR portdrv_execute(int adapter, PSCSI_REQUEST_BLOCK srb)
{
    if (portdrv_start(adapter, srb) != 0)
        return SRB_STATUS(srb->SrbStatus);
    (void)portdrv_wait(adapter, srb, 0);
    return SRB_STATUS(srb->SrbStatus);
}
