/* The binary driver in an i386 emulator (ntsys.h).
 *
 * Guest memory (all of it host memory mapped into Unicorn, so a guest
 * address has a host pointer and the port driver emulation can work on it):
 *   THUNK_BASE   one page: an entry per SCSIPORT.SYS import, and RET_MAGIC,
 *                where every call into the driver returns to
 *   STACK        a 12 KiB kernel stack (NT's KERNEL_STACK_SIZE), nothing
 *                mapped below it, so an overflow faults
 *   HEAP         the DRIVER_OBJECT stand-in, device extensions, the
 *                PORT_CONFIGURATION_INFORMATION and ACCESS_RANGEs given to
 *                HwFindAdapter, the ArgumentString
 *   image        NTSYS_LOAD_BASE, section by section with their protection
 *   SLOTS        one per outstanding SRB: the 32-bit SCSI_REQUEST_BLOCK, its
 *                sense buffer, SrbExtension and data buffer (at the same
 *                offset in its 4 KiB page as the caller's buffer)
 *
 * An import's entry either runs guest code the HAL would run (the port
 * reads and writes are IN/OUT instructions, which Unicorn hands to
 * hook_in/hook_out without leaving the translated code), or "INT 2Eh; RET
 * n": hook_intr takes the arguments from the guest stack, the native side
 * marshals them and calls the native ScsiPort* routine, and the guest's RET
 * pops the stdcall arguments (a plain RET for the cdecl
 * ScsiPortNotification).  The hook only stops the
 * emulation; the native routine runs after uc_emu_start returns, so that
 * it may call back into the driver (ScsiPortInitialize calls HwFindAdapter
 * and HwInitialize): the nested call saves the suspended context, runs on
 * the stack below it, restores it, and the guest resumes at the RET. */
/* mmap's MAP_ANONYMOUS and MAP_NORESERVE are not POSIX. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <unicorn/unicorn.h>

#include "ntsys.h"
#include "nt32_fields.h"
#include "nt32_layout.h"
#include "portdrv.h"
#include "ddk/srb.h"

#define PAGE 0x1000u
#define THUNK_BASE 0x7FFF0000u
#define THUNK_STRIDE 16u
#define RET_MAGIC (THUNK_BASE + PAGE - 16u)
#define STACK_BASE 0x7FF00000u
#define STACK_SIZE 0x3000u
#define STACK_TOP (STACK_BASE + STACK_SIZE)
#define HEAP_BASE 0x80100000u
#define HEAP_SIZE 0x100000u
#define SLOT_BASE 0x81000000u
#define SLOT_STRIDE 0x110000u        /* 1 MiB of data, plus the rest */
#define SLOT_SENSE 0x100u
#define SLOT_SRB_EXT 0x200u
#define SLOT_DATA 0x1000u
#define SLOT_DATA_MAX (SLOT_STRIDE - SLOT_DATA - PAGE)
#define SLOT_SRB_EXT_MAX (SLOT_DATA - SLOT_SRB_EXT)
#define MAX_SLOTS 16
#define MAX_EXTS 8
#define MAX_IO_MAPS 16
#define MAX_TIMERS 8
#define INT_THUNK 0x2E
#define NT32_MAX_RANGES 16u
/* Values the callee-saved registers carry into every call. */
#define CANARY_EBX 0x0B0B0B0Bu
#define CANARY_ESI 0x05150515u
#define CANARY_EDI 0x0D1D0D1Du
#define CANARY_EBP 0x0B9B0B9Bu

struct region {
    uint32_t base, size;
    uint8_t *host;
};

enum { R_THUNK, R_STACK, R_HEAP, R_IMAGE, R_SLOTS, N_REGIONS };

struct ext_binding {
    PVOID native;
    uint32_t guest;
    /* The segment last given to ScsiPortIoMapTransfer, mirrored into the
     * guest's buffer when the driver flushes it. */
    int map_slot;
    uint32_t map_off, map_len;
    int map_to_memory;
};

struct slot {
    int used;
    int completed;                /* completed in the running routine */
    PSCSI_REQUEST_BLOCK native;
    PVOID native_ext;
    uint32_t guest;               /* the SRB's guest address */
    uint32_t data_len, sense_len; /* as the port driver handed them over */
    int data_in;
    uint32_t dma_lo, dma_hi;      /* data offsets the 8237 moved (native authoritative) */
    uint8_t snapshot[NT32_SRB_SIZEOF];
};

struct io_map {
    uint32_t port, length;
    uint8_t *native;
};

enum import_kind { K_INT, K_IN, K_OUT };

struct import;
typedef void (*thunk_fn)(const uint32_t *args, uint32_t *eax, uint32_t *edx);

struct import {
    const char *name;
    thunk_fn fn;                  /* K_INT: the native side */
    int cdecl_call;
    unsigned arg_bytes;           /* stdcall: what the callee pops */
    unsigned nargs;               /* dwords the thunk reads */
    enum import_kind kind;
    unsigned io_size;             /* K_IN / K_OUT: 1, 2 or 4 */
};

static struct {
    uc_engine *uc;
    int loaded;
    struct region regions[N_REGIONS];
    char name[64];                /* the file's name, for messages */
    struct pe_file pe;
    struct pe_load_report report;
    uint32_t image_size;
    uint32_t heap_used;
    uint32_t drv_object;
    /* HW_INITIALIZATION_DATA the driver gave */
    uint32_t hw_initialize, hw_start_io, hw_interrupt, hw_find_adapter, hw_reset_bus,
        hw_dma_started, hw_adapter_state;
    uint32_t device_extension_size, srb_extension_size;
    HW_INITIALIZATION_DATA native_hid;
    struct ext_binding exts[MAX_EXTS];
    int n_exts;
    struct slot slots[MAX_SLOTS];
    struct io_map io[MAX_IO_MAPS];
    int n_io;
    uint32_t timer_guest[MAX_TIMERS];
    uint32_t pci_guest, ranges_guest, arg_guest, again_guest;
    /* the call into the driver in progress */
    const char *routine;
    int depth;
    uint32_t stack_top;           /* where the next (nested) call's frame starts */
    int in_thunk;                 /* an IN/OUT hook runs (inside uc_emu_start) */
    const struct import *pending; /* an "outside" import waiting to run */
    uint32_t pending_args[8];
    /* the last bad memory access */
    int fault_seen;
    uc_mem_type fault_type;
    uint64_t fault_addr;
    int fault_size;
    uint64_t guest_calls, thunk_calls;
} ns;

static SCSI_REQUEST_BLOCK not_an_srb;  /* stands for an SRB the port driver never gave */

/* ---- errors ------------------------------------------------------------ */

static void describe_address(char *buf, size_t n, uint32_t addr)
{
    if (addr >= NTSYS_LOAD_BASE && addr - NTSYS_LOAD_BASE < ns.image_size)
        snprintf(buf, n, "0x%08x (image RVA 0x%x, ImageBase address 0x%08x)", addr,
                 addr - NTSYS_LOAD_BASE, addr - NTSYS_LOAD_BASE + ns.pe.preferred_base);
    else
        snprintf(buf, n, "0x%08x", addr);
}

static uint32_t reg_read(int reg)
{
    uint32_t v = 0;
    uc_reg_read(ns.uc, reg, &v);
    return v;
}

static void reg_write(int reg, uint32_t v)
{
    uc_reg_write(ns.uc, reg, &v);
}

__attribute__((noreturn, format(printf, 1, 2))) static void fatal(const char *fmt, ...)
{
    char eip[96];
    va_list ap;
    fflush(stdout);
    describe_address(eip, sizeof eip, reg_read(UC_X86_REG_EIP));
    fprintf(stderr, "ntsys: %s FAULT in %s: ", ns.name, ns.routine ? ns.routine : "the loader");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " [EIP %s, ESP 0x%08x]\n", eip, reg_read(UC_X86_REG_ESP));
    exit(NTSYS_EXIT_FAULT);
}

/* ---- guest memory ------------------------------------------------------ */

/* The host pointer of guest [addr, addr+len), or NULL. */
static uint8_t *g2h(uint32_t addr, uint32_t len)
{
    for (int i = 0; i < N_REGIONS; i++) {
        const struct region *r = &ns.regions[i];
        if (r->host && addr >= r->base && (uint64_t)addr - r->base + len <= r->size)
            return r->host + (addr - r->base);
    }
    return NULL;
}

static uint8_t *g2h_or_die(uint32_t addr, uint32_t len, const char *what)
{
    uint8_t *p = g2h(addr, len);
    if (!p)
        fatal("%s: [0x%08x, +%u) is not mapped memory", what, addr, len);
    return p;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static int map_region(int idx, uint32_t base, uint32_t size, uint32_t perms)
{
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    uc_err e;
    if (host == MAP_FAILED) {
        fprintf(stderr, "ntsys: cannot reserve %u bytes of guest memory\n", size);
        return -1;
    }
    e = uc_mem_map_ptr(ns.uc, base, size, perms, host);
    if (e != UC_ERR_OK) {
        fprintf(stderr, "ntsys: cannot map guest memory at 0x%08x: %s\n", base, uc_strerror(e));
        munmap(host, size);
        return -1;
    }
    ns.regions[idx] = (struct region){ base, size, host };
    return 0;
}

static uint32_t heap_alloc(uint32_t size)
{
    uint32_t at = (ns.heap_used + 15u) & ~15u;
    if (size > HEAP_SIZE || at > HEAP_SIZE - size)
        fatal("guest heap exhausted (%u bytes asked)", size);
    ns.heap_used = at + size;
    memset(ns.regions[R_HEAP].host + at, 0, size);
    return HEAP_BASE + at;
}

/* Copies an integer (or byte array of equal size) between the layouts. */
static void copy_field(void *dst, size_t dst_size, const void *src, size_t src_size)
{
    uint64_t v = 0;
    if (dst_size == src_size) {
        memcpy(dst, src, dst_size);
        return;
    }
    memcpy(&v, src, src_size < sizeof v ? src_size : sizeof v);
    memcpy(dst, &v, dst_size < sizeof v ? dst_size : sizeof v);
}

#define TO_GUEST(TAG, TYPE, FIELD)                                                        \
    copy_field(g + NT32_##TAG##_##FIELD##_OFF, NT32_##TAG##_##FIELD##_SIZE, &n->FIELD,     \
               sizeof n->FIELD);
#define TO_NATIVE(TAG, TYPE, FIELD)                                                       \
    copy_field(&n->FIELD, sizeof n->FIELD, g + NT32_##TAG##_##FIELD##_OFF,                 \
               NT32_##TAG##_##FIELD##_SIZE);
#define SKIP(TAG, TYPE, FIELD)
#define GPTR(TAG, FIELD) (g + NT32_##TAG##_##FIELD##_OFF)

/* ---- device extensions -------------------------------------------------- */

static struct ext_binding *ext_by_native(PVOID native)
{
    for (int i = 0; i < ns.n_exts; i++)
        if (ns.exts[i].native == native)
            return &ns.exts[i];
    return NULL;
}

static uint32_t guest_ext(PVOID native, const char *routine)
{
    struct ext_binding *b = ext_by_native(native);
    if (!b)
        fatal("the port driver called %s with extension %p, which HwFindAdapter never got", routine,
              native);
    return b->guest;
}

static struct ext_binding *ext_by_guest(uint32_t guest)
{
    for (int i = 0; i < ns.n_exts; i++)
        if (ns.exts[i].guest == guest)
            return &ns.exts[i];
    return NULL;
}

/* A guest HwDeviceExtension as the port driver knows it (NULL if it is
 * none: the port driver then reports the violation). */
static PVOID native_ext(uint32_t guest)
{
    struct ext_binding *b = ext_by_guest(guest);
    return b ? b->native : NULL;
}

/* ---- SRBs ----------------------------------------------------------------- */

static uint32_t slot_addr(int i) { return SLOT_BASE + (uint32_t)i * SLOT_STRIDE; }

static struct slot *slot_by_guest(uint32_t guest)
{
    for (int i = 0; i < MAX_SLOTS; i++)
        if (ns.slots[i].used && !ns.slots[i].completed && ns.slots[i].guest == guest)
            return &ns.slots[i];
    return NULL;
}

static int slot_index(const struct slot *s) { return (int)(s - ns.slots); }

static uint32_t slot_data(const struct slot *s)
{
    return slot_addr(slot_index(s)) + SLOT_DATA + (uint32_t)((uintptr_t)s->native->DataBuffer & 0xFFFu);
}

/* The native SRB for a guest pointer the driver passes back. */
static PSCSI_REQUEST_BLOCK native_srb(uint32_t guest)
{
    struct slot *s;
    if (!guest)
        return NULL;
    s = slot_by_guest(guest);
    return s ? s->native : &not_an_srb;
}

static int still_outstanding(const SCSI_REQUEST_BLOCK *srb)
{
    for (int a = 0; a < portdrv_adapter_count(); a++)
        if (portdrv_outstanding(a, srb))
            return 1;
    return 0;
}

/* Scalar fields the driver may have changed, guest -> native. */
static void srb_fields_to_native(const struct slot *s)
{
    const uint8_t *g = ns.regions[R_SLOTS].host + (s->guest - SLOT_BASE);
    PSCSI_REQUEST_BLOCK n = s->native;
    USHORT length = n->Length;
    NT32_SRB_FIELDS(TO_NATIVE, SKIP)
    n->Length = length;
}

/* The driver's (PIO, auto-sense) writes into its buffers, guest -> native;
 * the bytes the 8237 moved stay as the port driver's flush left them. */
static void srb_data_to_native(const struct slot *s)
{
    const uint8_t *gdata = ns.regions[R_SLOTS].host + (slot_data(s) - SLOT_BASE);
    uint8_t *ndata = s->native->DataBuffer;
    if (s->data_in && ndata && s->data_len) {
        uint32_t lo = s->dma_lo < s->dma_hi ? s->dma_lo : s->data_len;
        uint32_t hi = s->dma_lo < s->dma_hi ? s->dma_hi : s->data_len;
        memcpy(ndata, gdata, lo);
        memcpy(ndata + hi, gdata + hi, s->data_len - hi);
    }
    if (s->native->SenseInfoBuffer && s->sense_len)
        memcpy(s->native->SenseInfoBuffer,
               ns.regions[R_SLOTS].host + (slot_addr(slot_index(s)) + SLOT_SENSE - SLOT_BASE),
               s->sense_len);
}

static uint32_t guest_srb_of(const SCSI_REQUEST_BLOCK *native)
{
    if (!native)
        return 0;
    for (int i = 0; i < MAX_SLOTS; i++)
        if (ns.slots[i].used && !ns.slots[i].completed && ns.slots[i].native == native)
            return ns.slots[i].guest;
    return 0xFFFFFFF0u;           /* no SRB the driver holds: compares unequal to all */
}

/* Frees slots whose SRB the port driver no longer holds (ended by a
 * timeout without the driver completing it). */
static void collect_slots(void)
{
    for (int i = 0; i < MAX_SLOTS; i++)
        if (ns.slots[i].used && !ns.slots[i].completed && !still_outstanding(ns.slots[i].native))
            ns.slots[i].used = 0;
}

/* HwStartIo: the SRB, its buffers and extension into guest memory. */
static uint32_t srb_to_guest(PVOID next_ext, PSCSI_REQUEST_BLOCK n)
{
    struct slot *s = NULL;
    uint8_t *g, *base;
    uint32_t addr;
    collect_slots();
    for (int i = 0; i < MAX_SLOTS; i++)
        if (ns.slots[i].used && ns.slots[i].native == n && !ns.slots[i].completed)
            fatal("HwStartIo: SRB %p is already with the driver", (void *)n);
    for (int i = 0; i < MAX_SLOTS && !s; i++)
        if (!ns.slots[i].used)
            s = &ns.slots[i];
    if (!s)
        fatal("more than %d SRBs with the driver at once", MAX_SLOTS);
    if (n->DataTransferLength > SLOT_DATA_MAX)
        fatal("HwStartIo: DataTransferLength %u is beyond the emulation's %u", n->DataTransferLength,
              SLOT_DATA_MAX);
    if (ns.srb_extension_size > SLOT_SRB_EXT_MAX)
        fatal("SrbExtensionSize %u is beyond the emulation's %u", ns.srb_extension_size,
              SLOT_SRB_EXT_MAX);
    memset(s, 0, sizeof *s);
    s->used = 1;
    s->native = n;
    s->native_ext = next_ext;
    addr = slot_addr(slot_index(s));
    s->guest = addr;
    s->data_len = n->DataBuffer ? n->DataTransferLength : 0;
    s->sense_len = n->SenseInfoBuffer ? n->SenseInfoBufferLength : 0;
    s->data_in = (n->SrbFlags & SRB_FLAGS_DATA_IN) != 0;
    base = ns.regions[R_SLOTS].host + (addr - SLOT_BASE);
    g = base;
    memset(base, 0, SLOT_DATA);
    NT32_SRB_FIELDS(TO_GUEST, SKIP)
    if (n->Length == sizeof *n)
        copy_field(GPTR(SRB, Length), NT32_SRB_Length_SIZE, &(USHORT){ NT32_SRB_SIZEOF }, 2);
    wr32(GPTR(SRB, DataBuffer), n->DataBuffer ? slot_data(s) : 0);
    wr32(GPTR(SRB, SenseInfoBuffer), n->SenseInfoBuffer ? addr + SLOT_SENSE : 0);
    wr32(GPTR(SRB, NextSrb), guest_srb_of(n->NextSrb));
    wr32(GPTR(SRB, OriginalRequest), n->OriginalRequest ? 0xFFFFFFE0u : 0);
    wr32(GPTR(SRB, SrbExtension), ns.srb_extension_size ? addr + SLOT_SRB_EXT : 0);
    if (s->data_len)
        memcpy(base + (slot_data(s) - addr), n->DataBuffer, s->data_len);
    if (s->sense_len)
        memcpy(base + SLOT_SENSE, n->SenseInfoBuffer, s->sense_len);
    return addr;
}

/* Before the port driver completes an SRB: what the driver wrote goes to
 * the caller's SRB and buffers. */
static void before_completion(struct slot *s)
{
    srb_fields_to_native(s);
    srb_data_to_native(s);
}

/* After: the slot waits for the routine's end, where a write to the
 * completed SRB shows as a change the port driver's check sees. */
static void after_completion(struct slot *s)
{
    uint8_t *g = ns.regions[R_SLOTS].host + (s->guest - SLOT_BASE);
    if (still_outstanding(s->native))
        return;
    copy_field(GPTR(SRB, SrbStatus), 1, &s->native->SrbStatus, 1);
    memcpy(s->snapshot, g, NT32_SRB_SIZEOF);
    s->completed = 1;
}

/* At the end of every call into the driver. */
static void after_routine(void)
{
    for (int i = 0; i < MAX_SLOTS; i++) {
        struct slot *s = &ns.slots[i];
        const uint8_t *g;
        if (!s->used)
            continue;
        g = ns.regions[R_SLOTS].host + (s->guest - SLOT_BASE);
        if (s->completed) {
            if (memcmp(g, s->snapshot, NT32_SRB_SIZEOF) != 0)
                srb_fields_to_native(s);   /* the port driver's check reports it */
            s->used = 0;
        } else if (still_outstanding(s->native)) {
            srb_fields_to_native(s);
        }
    }
}

/* ---- calling into the driver --------------------------------------------- */

static const char *mem_type_name(uc_mem_type t)
{
    switch (t) {
    case UC_MEM_READ_UNMAPPED: return "read from unmapped address";
    case UC_MEM_WRITE_UNMAPPED: return "write to unmapped address";
    case UC_MEM_FETCH_UNMAPPED: return "jump or call to unmapped address";
    case UC_MEM_READ_PROT: return "read from protected address";
    case UC_MEM_WRITE_PROT: return "write to read-only address";
    case UC_MEM_FETCH_PROT: return "jump or call to non-executable address";
    default: return "access to";
    }
}

static void run_outside_import(void);

/* Calls guest fn (stdcall) with args; returns EAX.  Any way out but a
 * clean return to RET_MAGIC ends the process. */
static uint32_t guest_call(const char *routine, uint32_t fn, const uint32_t *args, unsigned nargs)
{
    const char *outer_routine = ns.routine;
    uint32_t esp, expected, eax;
    uint8_t *stack;
    uc_context *outer = NULL;
    uint32_t imports = 0;
    if (ns.in_thunk)
        fatal("the port driver called %s from inside an IN/OUT instruction: the emulation does "
              "not nest there", routine);
    if (!fn)
        fatal("%s is NULL in the driver's HW_INITIALIZATION_DATA", routine);
    ns.routine = routine;
    esp = ns.stack_top - 4u * (nargs + 1);
    if (esp < STACK_BASE + 64)
        fatal("kernel stack exhausted before calling %s", routine);
    stack = g2h(esp, 4u * (nargs + 1));
    wr32(stack, RET_MAGIC);
    for (unsigned i = 0; i < nargs; i++)
        wr32(stack + 4 + 4 * i, args[i]);
    expected = esp + 4u * (nargs + 1);
    /* A call from inside an import (ScsiPortInitialize -> HwFindAdapter):
     * the suspended caller's registers come back afterwards. */
    if (ns.depth > 0 &&
        (uc_context_alloc(ns.uc, &outer) != UC_ERR_OK || uc_context_save(ns.uc, outer) != UC_ERR_OK))
        fatal("cannot save the CPU context around %s", routine);
    reg_write(UC_X86_REG_ESP, esp);
    reg_write(UC_X86_REG_EBX, CANARY_EBX);
    reg_write(UC_X86_REG_ESI, CANARY_ESI);
    reg_write(UC_X86_REG_EDI, CANARY_EDI);
    reg_write(UC_X86_REG_EBP, CANARY_EBP);
    reg_write(UC_X86_REG_EFLAGS, 0x202u);
    ns.depth++;
    ns.guest_calls++;
    for (uint32_t pc = fn;;) {
        uc_err e;
        ns.fault_seen = 0;
        e = uc_emu_start(ns.uc, pc, RET_MAGIC, 0, NTSYS_INSN_BUDGET);
        pc = reg_read(UC_X86_REG_EIP);
        if (e != UC_ERR_OK) {
            if (ns.fault_seen) {
                if (ns.fault_type == UC_MEM_FETCH_UNMAPPED || ns.fault_type == UC_MEM_FETCH_PROT) {
                    char from[96];
                    describe_address(from, sizeof from, rd32(g2h_or_die(reg_read(UC_X86_REG_ESP), 4,
                                                                        "the stack")));
                    fatal("%s 0x%08x (return address on the stack: %s)",
                          mem_type_name(ns.fault_type), (uint32_t)ns.fault_addr, from);
                }
                fatal("%s 0x%08x (%d bytes)", mem_type_name(ns.fault_type),
                      (uint32_t)ns.fault_addr, ns.fault_size);
            }
            if (e == UC_ERR_INSN_INVALID)
                fatal("invalid instruction");
            fatal("the CPU emulator stopped: %s", uc_strerror(e));
        }
        if (ns.pending) {
            if (++imports > NTSYS_IMPORT_BUDGET)
                fatal("runaway: more than %u imports called without returning (the last %s)",
                      NTSYS_IMPORT_BUDGET, ns.pending->name);
            run_outside_import();
            continue;
        }
        if (pc == RET_MAGIC)
            break;
        fatal("runaway: more than %u instructions without returning or calling an import",
              NTSYS_INSN_BUDGET);
    }
    ns.depth--;
    if (reg_read(UC_X86_REG_ESP) != expected)
        fatal("stack imbalance: %s (stdcall, %u bytes of arguments) returned with ESP 0x%08x, "
              "expected 0x%08x", routine, 4 * nargs, reg_read(UC_X86_REG_ESP), expected);
    if (reg_read(UC_X86_REG_EBX) != CANARY_EBX || reg_read(UC_X86_REG_ESI) != CANARY_ESI ||
        reg_read(UC_X86_REG_EDI) != CANARY_EDI || reg_read(UC_X86_REG_EBP) != CANARY_EBP)
        fatal("%s did not preserve EBX/ESI/EDI/EBP (stdcall callee-saved registers)", routine);
    eax = reg_read(UC_X86_REG_EAX);
    ns.routine = outer_routine;
    if (outer) {
        uc_context_restore(ns.uc, outer);
        uc_context_free(outer);
    }
    after_routine();
    return eax;
}

/* ---- trampolines: the port driver calls the driver's Hw* routines ---------- */

static BOOLEAN NTAPI tramp_initialize(PVOID ext)
{
    uint32_t a[1] = { guest_ext(ext, "HwInitialize") };
    return (BOOLEAN)guest_call("HwInitialize", ns.hw_initialize, a, 1);
}

static BOOLEAN NTAPI tramp_start_io(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    uint32_t a[2] = { guest_ext(ext, "HwStartIo"), 0 };
    a[1] = srb_to_guest(ext, srb);
    return (BOOLEAN)guest_call("HwStartIo", ns.hw_start_io, a, 2);
}

static BOOLEAN NTAPI tramp_interrupt(PVOID ext)
{
    uint32_t a[1] = { guest_ext(ext, "HwInterrupt") };
    return (BOOLEAN)guest_call("HwInterrupt", ns.hw_interrupt, a, 1);
}

static BOOLEAN NTAPI tramp_reset_bus(PVOID ext, ULONG path_id)
{
    uint32_t a[2] = { guest_ext(ext, "HwResetBus"), path_id };
    return (BOOLEAN)guest_call("HwResetBus", ns.hw_reset_bus, a, 2);
}

static VOID NTAPI tramp_dma_started(PVOID ext)
{
    uint32_t a[1] = { guest_ext(ext, "HwDmaStarted") };
    (void)guest_call("HwDmaStarted", ns.hw_dma_started, a, 1);
}

static BOOLEAN NTAPI tramp_adapter_state(PVOID ext, PVOID context, BOOLEAN save_state)
{
    uint32_t a[3] = { guest_ext(ext, "HwAdapterState"), (uint32_t)(uintptr_t)context, save_state };
    return (BOOLEAN)guest_call("HwAdapterState", ns.hw_adapter_state, a, 3);
}

static ULONG NTAPI tramp_find_adapter(PVOID ext, PVOID hw_context, PVOID bus_information,
                                      PCHAR argument_string, PPORT_CONFIGURATION_INFORMATION n,
                                      PBOOLEAN again)
{
    struct ext_binding *b = ext_by_native(ext);
    uint8_t *g = g2h(ns.pci_guest, NT32_PCI_SIZEOF);
    uint8_t *ranges = g2h(ns.ranges_guest, NT32_MAX_RANGES * NT32_AR_SIZEOF);
    ULONG n_ranges = n->NumberOfAccessRanges;
    uint32_t args[6], rc;
    ACCESS_RANGE *nr = (ACCESS_RANGE *)n->AccessRanges;
    (void)bus_information;

    if (!b) {
        if (ns.n_exts == MAX_EXTS)
            fatal("more than %d device extensions", MAX_EXTS);
        b = &ns.exts[ns.n_exts++];
        b->native = ext;
        b->guest = heap_alloc(ns.device_extension_size ? ns.device_extension_size : 1);
    }
    b->map_slot = -1;
    memset(g2h(b->guest, ns.device_extension_size ? ns.device_extension_size : 1), 0,
           ns.device_extension_size ? ns.device_extension_size : 1);
    if (n_ranges > NT32_MAX_RANGES)
        fatal("NumberOfAccessRanges %u is beyond the emulation's %u", n_ranges, NT32_MAX_RANGES);

    /* PORT_CONFIGURATION_INFORMATION and its ACCESS_RANGEs into the guest. */
    memset(g, 0, NT32_PCI_SIZEOF);
    memset(ranges, 0, NT32_MAX_RANGES * NT32_AR_SIZEOF);
    NT32_PORT_CONFIG_FIELDS(TO_GUEST, SKIP)
    if (n->Length == sizeof *n)
        wr32(GPTR(PCI, Length), NT32_PCI_SIZEOF);
    wr32(GPTR(PCI, AccessRanges), ns.ranges_guest);
    for (ULONG r = 0; r < n_ranges; r++) {
        uint8_t *gr = ranges + r * NT32_AR_SIZEOF;
        copy_field(gr + NT32_AR_RangeStart_OFF, NT32_AR_RangeStart_SIZE, &nr[r].RangeStart,
                   sizeof nr[r].RangeStart);
        copy_field(gr + NT32_AR_RangeLength_OFF, NT32_AR_RangeLength_SIZE, &nr[r].RangeLength,
                   sizeof nr[r].RangeLength);
        copy_field(gr + NT32_AR_RangeInMemory_OFF, NT32_AR_RangeInMemory_SIZE,
                   &nr[r].RangeInMemory, sizeof nr[r].RangeInMemory);
    }
    if (argument_string) {
        size_t len = strlen(argument_string);
        if (len > 1023)
            len = 1023;
        memcpy(g2h(ns.arg_guest, 1024), argument_string, len);
        g2h(ns.arg_guest, 1024)[len] = 0;
    }
    *g2h(ns.again_guest, 1) = *again;

    args[0] = b->guest;
    args[1] = (uint32_t)(uintptr_t)hw_context;
    args[2] = 0;
    args[3] = argument_string ? ns.arg_guest : 0;
    args[4] = ns.pci_guest;
    args[5] = ns.again_guest;
    rc = guest_call("HwFindAdapter", ns.hw_find_adapter, args, 6);

    /* ... and what the driver filled in, back. */
    NT32_PORT_CONFIG_FIELDS(TO_NATIVE, SKIP)
    n->Length = sizeof *n;
    if (rd32(GPTR(PCI, AccessRanges)) != ns.ranges_guest)
        fatal("HwFindAdapter replaced ConfigInfo->AccessRanges (0x%08x)", rd32(GPTR(PCI, AccessRanges)));
    for (ULONG r = 0; r < n_ranges; r++) {
        const uint8_t *gr = ranges + r * NT32_AR_SIZEOF;
        copy_field(&nr[r].RangeStart, sizeof nr[r].RangeStart, gr + NT32_AR_RangeStart_OFF,
                   NT32_AR_RangeStart_SIZE);
        copy_field(&nr[r].RangeLength, sizeof nr[r].RangeLength, gr + NT32_AR_RangeLength_OFF,
                   NT32_AR_RangeLength_SIZE);
        copy_field(&nr[r].RangeInMemory, sizeof nr[r].RangeInMemory,
                   gr + NT32_AR_RangeInMemory_OFF, NT32_AR_RangeInMemory_SIZE);
    }
    *again = *g2h(ns.again_guest, 1);
    return rc;
}

/* HwTimer routines from ScsiPortNotification(RequestTimerCall): one native
 * trampoline per distinct guest routine. */
#define TIMER_TRAMP(K)                                                    \
    static VOID NTAPI tramp_timer_##K(PVOID ext)                          \
    {                                                                     \
        uint32_t a[1] = { guest_ext(ext, "HwTimer") };                    \
        (void)guest_call("HwTimer", ns.timer_guest[K], a, 1);             \
    }
TIMER_TRAMP(0) TIMER_TRAMP(1) TIMER_TRAMP(2) TIMER_TRAMP(3)
TIMER_TRAMP(4) TIMER_TRAMP(5) TIMER_TRAMP(6) TIMER_TRAMP(7)
static const PHW_TIMER timer_tramps[MAX_TIMERS] = {
    tramp_timer_0, tramp_timer_1, tramp_timer_2, tramp_timer_3,
    tramp_timer_4, tramp_timer_5, tramp_timer_6, tramp_timer_7,
};

static PHW_TIMER native_timer(uint32_t guest)
{
    if (!guest)
        return NULL;
    for (int k = 0; k < MAX_TIMERS; k++)
        if (ns.timer_guest[k] == guest)
            return timer_tramps[k];
    for (int k = 0; k < MAX_TIMERS; k++)
        if (!ns.timer_guest[k]) {
            ns.timer_guest[k] = guest;
            return timer_tramps[k];
        }
    fatal("more than %d distinct HwTimer routines", MAX_TIMERS);
}

/* ---- the imports ------------------------------------------------------------ */

static SCSI_PHYSICAL_ADDRESS phys_arg(const uint32_t *lo_hi)
{
    SCSI_PHYSICAL_ADDRESS a;
    a.QuadPart = (LONGLONG)((uint64_t)lo_hi[0] | (uint64_t)lo_hi[1] << 32);
    return a;
}

static void t_complete_request(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    PVOID ext = native_ext(a[0]);
    (void)eax;
    (void)edx;
    for (int i = 0; i < MAX_SLOTS; i++)
        if (ns.slots[i].used && !ns.slots[i].completed && ns.slots[i].native_ext == ext)
            before_completion(&ns.slots[i]);
    ScsiPortCompleteRequest(ext, (UCHAR)a[1], (UCHAR)a[2], (UCHAR)a[3], (UCHAR)a[4]);
    for (int i = 0; i < MAX_SLOTS; i++)
        if (ns.slots[i].used && !ns.slots[i].completed && ns.slots[i].native_ext == ext)
            after_completion(&ns.slots[i]);
}

static void t_convert_ulong(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    SCSI_PHYSICAL_ADDRESS p = ScsiPortConvertUlongToPhysicalAddress((ULONG_PTR)a[0]);
    uint64_t q = (uint64_t)p.QuadPart;
    *eax = (uint32_t)q;
    *edx = (uint32_t)(q >> 32);
}

static void t_flush_dma(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    struct ext_binding *b = ext_by_guest(a[0]);
    (void)eax;
    (void)edx;
    ScsiPortFlushDma(b ? b->native : NULL);
    /* The flush copied the map buffer into the caller's buffer: the driver
     * sees it in its (guest) buffer too. */
    if (b && b->map_slot >= 0) {
        struct slot *s = &ns.slots[b->map_slot];
        if (s->used && !s->completed && b->map_to_memory)
            memcpy(g2h(slot_data(s) + b->map_off, b->map_len),
                   (uint8_t *)s->native->DataBuffer + b->map_off, b->map_len);
        b->map_slot = -1;
    }
}

static void t_free_device_base(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    uint8_t *native = NULL;
    (void)eax;
    (void)edx;
    for (int i = 0; i < ns.n_io; i++)
        if (ns.io[i].port == a[1]) {
            native = ns.io[i].native;
            ns.io[i] = ns.io[--ns.n_io];
            break;
        }
    ScsiPortFreeDeviceBase(native_ext(a[0]), native);
}

static void t_get_device_base(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    SCSI_PHYSICAL_ADDRESS io = phys_arg(a + 3);
    PVOID p = ScsiPortGetDeviceBase(native_ext(a[0]), (INTERFACE_TYPE)a[1], a[2], io, a[5],
                                    (BOOLEAN)a[6]);
    (void)edx;
    *eax = 0;
    if (!p)
        return;
    if (ns.n_io == MAX_IO_MAPS)
        fatal("ScsiPortGetDeviceBase: more than %d mappings", MAX_IO_MAPS);
    /* On x86 the HAL's "mapped address" of an I/O port is the port number:
     * READ_PORT_UCHAR is an IN instruction. */
    ns.io[ns.n_io++] = (struct io_map){ (uint32_t)io.QuadPart, a[5], p };
    *eax = (uint32_t)io.QuadPart;
}

static void t_io_map_transfer(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    struct ext_binding *b = ext_by_guest(a[0]);
    struct slot *s = slot_by_guest(a[1]);
    uint32_t la = a[2], len = a[3];
    PVOID va = NULL;
    (void)eax;
    (void)edx;
    if (!s) {
        ScsiPortIoMapTransfer(b ? b->native : NULL, a[1] ? &not_an_srb : NULL, NULL, len);
        return;
    }
    srb_fields_to_native(s);
    if (s->native->DataBuffer && la >= slot_data(s) && (uint64_t)la - slot_data(s) + len <= s->data_len) {
        uint32_t off = la - slot_data(s);
        va = (uint8_t *)s->native->DataBuffer + off;
        if (!s->data_in)
            memcpy(va, g2h(la, len), len);   /* what the driver's buffer holds goes out */
        if (s->dma_lo >= s->dma_hi) {
            s->dma_lo = off;
            s->dma_hi = off + len;
        } else {
            s->dma_lo = off < s->dma_lo ? off : s->dma_lo;
            s->dma_hi = off + len > s->dma_hi ? off + len : s->dma_hi;
        }
        if (b) {
            b->map_slot = slot_index(s);
            b->map_off = off;
            b->map_len = len;
            b->map_to_memory = s->data_in;
        }
    }
    ScsiPortIoMapTransfer(b ? b->native : NULL, s->native, va, len);
}

static void t_log_error(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)eax;
    (void)edx;
    ScsiPortLogError(native_ext(a[0]), native_srb(a[1]), (UCHAR)a[2], (UCHAR)a[3], (UCHAR)a[4],
                     a[5], a[6]);
}

static void t_move_memory(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)eax;
    (void)edx;
    if (a[2])
        memmove(g2h_or_die(a[0], a[2], "ScsiPortMoveMemory destination"),
                g2h_or_die(a[1], a[2], "ScsiPortMoveMemory source"), a[2]);
}

static void t_notification(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    struct ext_binding *b = ext_by_guest(a[1]);
    PVOID ext = b ? b->native : NULL;
    (void)eax;
    (void)edx;
    switch ((SCSI_NOTIFICATION_TYPE)a[0]) {
    case RequestComplete: {
        struct slot *s = slot_by_guest(a[2]);
        if (!s) {
            ScsiPortNotification(RequestComplete, ext, &not_an_srb);
            return;
        }
        before_completion(s);
        ScsiPortNotification(RequestComplete, ext, s->native);
        after_completion(s);
        return;
    }
    case NextLuRequest:
        ScsiPortNotification(NextLuRequest, ext, (int)a[2], (int)a[3], (int)a[4]);
        return;
    case RequestTimerCall:
        ScsiPortNotification(RequestTimerCall, ext, native_timer(a[2]), (ULONG)a[3]);
        return;
    default:
        ScsiPortNotification((SCSI_NOTIFICATION_TYPE)a[0], ext);
        return;
    }
}

static void t_stall(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)eax;
    (void)edx;
    ScsiPortStallExecution(a[0]);
}

static void t_validate_range(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)edx;
    *eax = ScsiPortValidateRange(native_ext(a[0]), (INTERFACE_TYPE)a[1], a[2], phys_arg(a + 3), a[5],
                                 (BOOLEAN)a[6]);
}

static uint8_t *native_port(uint32_t port, const char *who);

static void t_read_buffer_uchar(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)eax;
    (void)edx;
    ScsiPortReadPortBufferUchar(native_port(a[0], "ScsiPortReadPortBufferUchar"),
                                g2h_or_die(a[1], a[2], "ScsiPortReadPortBufferUchar"), a[2]);
}

static void t_read_buffer_ushort(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)eax;
    (void)edx;
    ScsiPortReadPortBufferUshort(
        (PUSHORT)(void *)native_port(a[0], "ScsiPortReadPortBufferUshort"),
        (PUSHORT)(void *)g2h_or_die(a[1], a[2] * 2, "ScsiPortReadPortBufferUshort"), a[2]);
}

static void t_write_buffer_uchar(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)eax;
    (void)edx;
    ScsiPortWritePortBufferUchar(native_port(a[0], "ScsiPortWritePortBufferUchar"),
                                 g2h_or_die(a[1], a[2], "ScsiPortWritePortBufferUchar"), a[2]);
}

static void t_write_buffer_ushort(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    (void)eax;
    (void)edx;
    ScsiPortWritePortBufferUshort(
        (PUSHORT)(void *)native_port(a[0], "ScsiPortWritePortBufferUshort"),
        (PUSHORT)(void *)g2h_or_die(a[1], a[2] * 2, "ScsiPortWritePortBufferUshort"), a[2]);
}

/* Runs with the emulation stopped (it calls HwFindAdapter and
 * HwInitialize).  The HW_INITIALIZATION_DATA goes native with trampolines
 * for the Hw* routines. */
static void t_initialize(const uint32_t *a, uint32_t *eax, uint32_t *edx)
{
    const uint8_t *g = g2h_or_die(a[2], NT32_HID_SIZEOF, "ScsiPortInitialize HwInitializationData");
    HW_INITIALIZATION_DATA *n = &ns.native_hid;
    uint32_t size = rd32(GPTR(HID, HwInitializationDataSize));
    (void)edx;
    memset(n, 0, sizeof *n);
    NT32_HW_INIT_FIELDS(TO_NATIVE, SKIP)
    /* The structure's revision, by its size in the guest's layout. */
    if (size == NT32_HID_SIZEOF)
        n->HwInitializationDataSize = sizeof *n;
    else if (size == NT32_HID_HwAdapterControl_OFF)
        n->HwInitializationDataSize = offsetof(HW_INITIALIZATION_DATA, HwAdapterControl);
    else
        n->HwInitializationDataSize = size > NT32_HID_SIZEOF ? (ULONG)sizeof *n + 1 : 1;
    ns.hw_initialize = rd32(GPTR(HID, HwInitialize));
    ns.hw_start_io = rd32(GPTR(HID, HwStartIo));
    ns.hw_interrupt = rd32(GPTR(HID, HwInterrupt));
    ns.hw_find_adapter = rd32(GPTR(HID, HwFindAdapter));
    ns.hw_reset_bus = rd32(GPTR(HID, HwResetBus));
    ns.hw_dma_started = rd32(GPTR(HID, HwDmaStarted));
    ns.hw_adapter_state = rd32(GPTR(HID, HwAdapterState));
    n->HwInitialize = ns.hw_initialize ? tramp_initialize : NULL;
    n->HwStartIo = ns.hw_start_io ? tramp_start_io : NULL;
    n->HwInterrupt = ns.hw_interrupt ? tramp_interrupt : NULL;
    n->HwFindAdapter = ns.hw_find_adapter ? tramp_find_adapter : NULL;
    n->HwResetBus = ns.hw_reset_bus ? tramp_reset_bus : NULL;
    n->HwDmaStarted = ns.hw_dma_started ? tramp_dma_started : NULL;
    n->HwAdapterState = ns.hw_adapter_state ? tramp_adapter_state : NULL;
    ns.device_extension_size = n->DeviceExtensionSize;
    ns.srb_extension_size = n->SrbExtensionSize;
    *eax = ScsiPortInitialize((PVOID)(uintptr_t)a[0], (PVOID)(uintptr_t)a[1], n,
                              (PVOID)(uintptr_t)a[3]);
}

#define STDCALL(NAME, NARGS, KIND, IO, FN)                                        \
    { .name = #NAME, .fn = FN, .cdecl_call = NT32_CDECL_##NAME,                            \
      .arg_bytes = NT32_ARGBYTES_##NAME, .nargs = NARGS, .kind = KIND, .io_size = IO         \
    },
/* Argument dwords as the thunks read them; checked against the DDK
 * prototypes' decorated sizes below. */
static const struct import imports[] = {
    STDCALL(ScsiPortCompleteRequest, 5, K_INT, 0, t_complete_request)
    STDCALL(ScsiPortConvertUlongToPhysicalAddress, 1, K_INT, 0, t_convert_ulong)
    STDCALL(ScsiPortFlushDma, 1, K_INT, 0, t_flush_dma)
    STDCALL(ScsiPortFreeDeviceBase, 2, K_INT, 0, t_free_device_base)
    STDCALL(ScsiPortGetDeviceBase, 7, K_INT, 0, t_get_device_base)
    STDCALL(ScsiPortInitialize, 4, K_INT, 0, t_initialize)
    STDCALL(ScsiPortIoMapTransfer, 4, K_INT, 0, t_io_map_transfer)
    STDCALL(ScsiPortLogError, 7, K_INT, 0, t_log_error)
    STDCALL(ScsiPortMoveMemory, 3, K_INT, 0, t_move_memory)
    STDCALL(ScsiPortNotification, 5, K_INT, 0, t_notification)
    STDCALL(ScsiPortReadPortUchar, 1, K_IN, 1, NULL)
    STDCALL(ScsiPortReadPortUshort, 1, K_IN, 2, NULL)
    STDCALL(ScsiPortReadPortUlong, 1, K_IN, 4, NULL)
    STDCALL(ScsiPortReadPortBufferUchar, 3, K_INT, 0, t_read_buffer_uchar)
    STDCALL(ScsiPortReadPortBufferUshort, 3, K_INT, 0, t_read_buffer_ushort)
    STDCALL(ScsiPortStallExecution, 1, K_INT, 0, t_stall)
    STDCALL(ScsiPortValidateRange, 7, K_INT, 0, t_validate_range)
    STDCALL(ScsiPortWritePortUchar, 2, K_OUT, 1, NULL)
    STDCALL(ScsiPortWritePortUshort, 2, K_OUT, 2, NULL)
    STDCALL(ScsiPortWritePortUlong, 2, K_OUT, 4, NULL)
    STDCALL(ScsiPortWritePortBufferUchar, 3, K_INT, 0, t_write_buffer_uchar)
    STDCALL(ScsiPortWritePortBufferUshort, 3, K_INT, 0, t_write_buffer_ushort)
};
#define N_IMPORTS (sizeof imports / sizeof imports[0])

#define CHECK_ARGS(NAME, NARGS)                                                             \
    _Static_assert(NT32_CDECL_##NAME || NT32_ARGBYTES_##NAME == 4 * (NARGS),                \
                   #NAME ": the thunk reads other arguments than the DDK prototype has");
CHECK_ARGS(ScsiPortCompleteRequest, 5)
CHECK_ARGS(ScsiPortConvertUlongToPhysicalAddress, 1)
CHECK_ARGS(ScsiPortFlushDma, 1)
CHECK_ARGS(ScsiPortFreeDeviceBase, 2)
CHECK_ARGS(ScsiPortGetDeviceBase, 7)
CHECK_ARGS(ScsiPortInitialize, 4)
CHECK_ARGS(ScsiPortIoMapTransfer, 4)
CHECK_ARGS(ScsiPortLogError, 7)
CHECK_ARGS(ScsiPortMoveMemory, 3)
CHECK_ARGS(ScsiPortReadPortUchar, 1)
CHECK_ARGS(ScsiPortReadPortUshort, 1)
CHECK_ARGS(ScsiPortReadPortUlong, 1)
CHECK_ARGS(ScsiPortReadPortBufferUchar, 3)
CHECK_ARGS(ScsiPortReadPortBufferUshort, 3)
CHECK_ARGS(ScsiPortStallExecution, 1)
CHECK_ARGS(ScsiPortValidateRange, 7)
CHECK_ARGS(ScsiPortWritePortUchar, 2)
CHECK_ARGS(ScsiPortWritePortUshort, 2)
CHECK_ARGS(ScsiPortWritePortUlong, 2)
CHECK_ARGS(ScsiPortWritePortBufferUchar, 3)
CHECK_ARGS(ScsiPortWritePortBufferUshort, 3)
_Static_assert(NT32_CDECL_ScsiPortNotification, "ScsiPortNotification is cdecl (variadic)");
_Static_assert(N_IMPORTS * THUNK_STRIDE <= RET_MAGIC - THUNK_BASE, "thunk page");

/* The port driver's pointer for an I/O port the driver addresses. */
static uint8_t *native_port(uint32_t port, const char *who)
{
    for (int i = 0; i < ns.n_io; i++)
        if (port >= ns.io[i].port && port - ns.io[i].port < ns.io[i].length)
            return ns.io[i].native + (port - ns.io[i].port);
    /* Outside every mapping: the same pointer arithmetic the native build
     * would do, so that the port driver names the violation. */
    if (ns.n_io && port < 0x10000u)
        return ns.io[0].native - ns.io[0].port + port;
    fatal("%s: I/O port 0x%x before any ScsiPortGetDeviceBase", who, port);
}

/* An import's native side, with the guest stopped at the thunk's RET. */
static void run_outside_import(void)
{
    const struct import *imp = ns.pending;
    const char *routine = ns.routine;
    uint32_t args[8], eax = 0, edx = reg_read(UC_X86_REG_EDX), top = ns.stack_top;
    memcpy(args, ns.pending_args, sizeof args);
    ns.pending = NULL;
    ns.stack_top = reg_read(UC_X86_REG_ESP) - 16u;   /* nested calls run below this frame */
    ns.routine = imp->name;
    imp->fn(args, &eax, &edx);
    ns.routine = routine;
    ns.stack_top = top;
    reg_write(UC_X86_REG_EAX, eax);
    reg_write(UC_X86_REG_EDX, edx);
}

/* ---- hooks --------------------------------------------------------------- */

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    uint32_t eip = reg_read(UC_X86_REG_EIP), at = eip - 2u, esp, args[8] = { 0 };
    const struct import *imp;
    uint8_t *stack;
    (void)uc;
    (void)user;
    if (intno != INT_THUNK || at < THUNK_BASE || (at - THUNK_BASE) % THUNK_STRIDE ||
        (at - THUNK_BASE) / THUNK_STRIDE >= N_IMPORTS) {
        if (intno == 3 && eip - 1u >= THUNK_BASE && eip - 1u < THUNK_BASE + PAGE)
            fatal("the driver called 0x%08x, inside the import thunks but no import's entry",
                  eip - 1u);
        fatal("the driver raised interrupt 0x%x (INT or exception) at 0x%08x", intno, eip);
    }
    imp = &imports[(at - THUNK_BASE) / THUNK_STRIDE];
    esp = reg_read(UC_X86_REG_ESP);
    stack = g2h(esp, 4u + 4u * imp->nargs);
    if (!stack)
        fatal("%s: its arguments at ESP 0x%08x are not on the stack", imp->name, esp);
    for (unsigned i = 0; i < imp->nargs; i++)
        args[i] = rd32(stack + 4 + 4 * i);
    ns.thunk_calls++;
    /* The native routine runs once uc_emu_start has returned, so that it
     * may call back into the driver (nested calls get a fresh emulation). */
    ns.pending = imp;
    memcpy(ns.pending_args, args, sizeof args);
    uc_emu_stop(ns.uc);
}

static uint32_t hook_in(uc_engine *uc, uint32_t port, int size, void *user)
{
    (void)uc;
    (void)user;
    uint32_t v;
    ns.thunk_calls++;
    ns.in_thunk = 1;
    switch (size) {
    case 1: v = ScsiPortReadPortUchar(native_port(port, "IN")); break;
    case 2: v = ScsiPortReadPortUshort((PUSHORT)(void *)native_port(port, "IN")); break;
    default: v = ScsiPortReadPortUlong((PULONG)(void *)native_port(port, "IN")); break;
    }
    ns.in_thunk = 0;
    return v;
}

static void hook_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user)
{
    (void)uc;
    (void)user;
    ns.thunk_calls++;
    ns.in_thunk = 1;
    switch (size) {
    case 1: ScsiPortWritePortUchar(native_port(port, "OUT"), (UCHAR)value); break;
    case 2: ScsiPortWritePortUshort((PUSHORT)(void *)native_port(port, "OUT"), (USHORT)value); break;
    default: ScsiPortWritePortUlong((PULONG)(void *)native_port(port, "OUT"), value); break;
    }
    ns.in_thunk = 0;
}

static bool hook_bad_memory(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                            int64_t value, void *user)
{
    (void)uc;
    (void)value;
    (void)user;
    ns.fault_seen = 1;
    ns.fault_type = type;
    ns.fault_addr = address;
    ns.fault_size = size;
    return false;
}

/* ---- loading ------------------------------------------------------------------ */

static void build_thunks(void)
{
    uint8_t *page = ns.regions[R_THUNK].host;
    memset(page, 0xCC, PAGE);     /* INT3: a call between entries is caught */
    for (unsigned i = 0; i < N_IMPORTS; i++) {
        const struct import *imp = &imports[i];
        uint8_t *p = page + i * THUNK_STRIDE;
        if (imp->kind == K_INT) {
            *p++ = 0xCD;          /* INT 2Eh */
            *p++ = INT_THUNK;
        } else {
            static const uint8_t mov_edx_arg1[] = { 0x8B, 0x54, 0x24, 0x04 };
            static const uint8_t mov_eax_arg2[] = { 0x8B, 0x44, 0x24, 0x08 };
            memcpy(p, mov_edx_arg1, 4);
            p += 4;
            if (imp->kind == K_OUT) {
                memcpy(p, mov_eax_arg2, 4);
                p += 4;
            }
            if (imp->io_size == 2)
                *p++ = 0x66;      /* operand-size prefix */
            if (imp->kind == K_IN)
                *p++ = imp->io_size == 1 ? 0xEC : 0xED;   /* IN AL/AX/EAX, DX */
            else
                *p++ = imp->io_size == 1 ? 0xEE : 0xEF;   /* OUT DX, AL/AX/EAX */
        }
        if (imp->cdecl_call) {
            *p++ = 0xC3;          /* RET: the caller pops */
        } else {
            *p++ = 0xC2;          /* RET imm16: the callee pops */
            *p++ = (uint8_t)imp->arg_bytes;
            *p++ = (uint8_t)(imp->arg_bytes >> 8);
        }
    }
    page[RET_MAGIC - THUNK_BASE] = 0xF4;   /* never run: emulation stops on reaching it */
}

uint32_t ntsys_import_address(const char *name)
{
    for (unsigned i = 0; i < N_IMPORTS; i++)
        if (strcmp(imports[i].name, name) == 0)
            return THUNK_BASE + i * THUNK_STRIDE;
    return 0;
}

static uint32_t resolve(void *ctx, const char *dll, const char *name)
{
    (void)ctx;
    (void)dll;
    return ntsys_import_address(name);
}

static uint32_t section_perms(uint32_t characteristics)
{
    uint32_t p = 0;
    if (characteristics & 0x40000000u)
        p |= UC_PROT_READ;
    if (characteristics & 0x80000000u)
        p |= UC_PROT_WRITE | UC_PROT_READ;
    if (characteristics & 0x20000000u)
        p |= UC_PROT_EXEC | UC_PROT_READ;
    return p ? p : UC_PROT_READ;
}

const char *ntsys_default_path(void)
{
    static char path[4096];
    ssize_t n;
    char *slash;
    if (access(NTSYS_DEFAULT_PATH, R_OK) == 0)
        return NTSYS_DEFAULT_PATH;
    n = readlink("/proc/self/exe", path, sizeof path - 32);
    if (n <= 0)
        return NTSYS_DEFAULT_PATH;
    path[n] = 0;
    slash = strrchr(path, '/');
    if (!slash)
        return NTSYS_DEFAULT_PATH;
    strcpy(slash, "/../driver/softhba.sys");
    return access(path, R_OK) == 0 ? path : NTSYS_DEFAULT_PATH;
}

int ntsys_load(const char *path)
{
    char err[PE_ERR_LEN];
    uc_hook h;
    uc_err e;
    if (ns.loaded) {
        fprintf(stderr, "ntsys: a driver is already loaded\n");
        return -1;
    }
    memset(&ns, 0, sizeof ns);
    snprintf(ns.name, sizeof ns.name, "%s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    if (pe_open(path, &ns.pe, err) != 0) {
        fprintf(stderr, "ntsys: %s\n", err);
        pe_close(&ns.pe, NULL);
        return -1;
    }
    if (ns.pe.subsystem != 1) {
        fprintf(stderr, "ntsys: %s: Subsystem is %u, not native (1): not a kernel-mode driver\n",
                path, ns.pe.subsystem);
        pe_close(&ns.pe, NULL);
        return -1;
    }
    e = uc_open(UC_ARCH_X86, UC_MODE_32, &ns.uc);
    if (e != UC_ERR_OK) {
        fprintf(stderr, "ntsys: cannot open the i386 emulator: %s\n", uc_strerror(e));
        pe_close(&ns.pe, NULL);
        return -1;
    }
    ns.image_size = ns.pe.size_of_image;
    if (map_region(R_THUNK, THUNK_BASE, PAGE, UC_PROT_READ | UC_PROT_EXEC) != 0 ||
        map_region(R_STACK, STACK_BASE, STACK_SIZE, UC_PROT_READ | UC_PROT_WRITE) != 0 ||
        map_region(R_HEAP, HEAP_BASE, HEAP_SIZE, UC_PROT_READ | UC_PROT_WRITE) != 0 ||
        map_region(R_IMAGE, NTSYS_LOAD_BASE, ns.image_size, UC_PROT_ALL) != 0 ||
        map_region(R_SLOTS, SLOT_BASE, MAX_SLOTS * SLOT_STRIDE, UC_PROT_READ | UC_PROT_WRITE) != 0)
        goto fail;
    build_thunks();
    if (pe_map(&ns.pe, ns.regions[R_IMAGE].host, NTSYS_LOAD_BASE, resolve, NULL, &ns.report,
               err) != 0) {
        fprintf(stderr, "ntsys: %s: %s\n", path, err);
        goto fail;
    }
    /* The headers read-only, each section as its characteristics say. */
    uc_mem_protect(ns.uc, NTSYS_LOAD_BASE, (ns.pe.size_of_headers + PAGE - 1) & ~(PAGE - 1),
                   UC_PROT_READ);
    for (unsigned i = 0; i < ns.pe.n_sections; i++) {
        const struct pe_section *s = &ns.pe.sections[i];
        uint32_t size = s->virtual_size > s->raw_size ? s->virtual_size : s->raw_size;
        if (size)
            uc_mem_protect(ns.uc, NTSYS_LOAD_BASE + s->rva, (size + PAGE - 1) & ~(PAGE - 1),
                           section_perms(s->characteristics));
    }
    uc_hook_add(ns.uc, &h, UC_HOOK_INTR, (void *)hook_intr, NULL, 1, 0);
    uc_hook_add(ns.uc, &h, UC_HOOK_INSN, (void *)hook_in, NULL, 1, 0, UC_X86_INS_IN);
    uc_hook_add(ns.uc, &h, UC_HOOK_INSN, (void *)hook_out, NULL, 1, 0, UC_X86_INS_OUT);
    uc_hook_add(ns.uc, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT, (void *)hook_bad_memory, NULL,
                1, 0);
    ns.drv_object = heap_alloc(0x100);
    ns.pci_guest = heap_alloc(NT32_PCI_SIZEOF);
    ns.ranges_guest = heap_alloc(NT32_MAX_RANGES * NT32_AR_SIZEOF);
    ns.arg_guest = heap_alloc(1024);
    ns.again_guest = heap_alloc(4);
    ns.stack_top = STACK_TOP;
    ns.loaded = 1;
    return 0;
fail:
    ntsys_unload();
    return -1;
}

ULONG ntsys_driver_entry(PVOID DriverObject, PVOID Argument2)
{
    uint32_t args[2] = { ns.drv_object, 0 };
    (void)DriverObject;
    (void)Argument2;          /* the native build gets NULL as its RegistryPath too */
    if (!ns.loaded) {
        fprintf(stderr, "ntsys: DriverEntry before ntsys_load\n");
        exit(NTSYS_EXIT_FAULT);
    }
    return guest_call("DriverEntry", NTSYS_LOAD_BASE + ns.pe.entry_rva, args, 2);
}

const struct pe_load_report *ntsys_report(void) { return &ns.report; }

const uint8_t *ntsys_image(uint32_t *size)
{
    *size = ns.image_size;
    return ns.regions[R_IMAGE].host;
}

uint64_t ntsys_guest_calls(void) { return ns.guest_calls; }
uint64_t ntsys_thunk_calls(void) { return ns.thunk_calls; }

void ntsys_unload(void)
{
    if (ns.uc)
        uc_close(ns.uc);
    for (int i = 0; i < N_REGIONS; i++)
        if (ns.regions[i].host)
            munmap(ns.regions[i].host, ns.regions[i].size);
    pe_close(&ns.pe, &ns.report);
    memset(&ns, 0, sizeof ns);
}
