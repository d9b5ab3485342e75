/* The co-simulated PC around the card: ISA bus master, 8237 pair with page
 * registers, 8259-like interrupt delivery, 16 MiB of host memory and the
 * decoded bus trace.  It is a device on the co-simulation kernel
 * (sim/harness/cosim.h): every access below runs real cycles on the card's
 * pins in simulated time.
 *
 * Host software (the port driver emulation, tests) programs the 8237 exactly
 * as PC software does, through pc_outb() to ports 0x00-0x0F, 0x81-0x8F and
 * 0xC0-0xDF; those cycles go to the PC's own chips (AEN low, the card sees
 * them as I/O cycles outside its window and must ignore them). */
#ifndef SOFTHBA_PC_H
#define SOFTHBA_PC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PC_MEM_SIZE (16u * 1024u * 1024u)

struct pc;

/* Exit status of a run the ISA timing checker stopped. */
#define PC_EXIT_ISA_TIMING 5

struct pc_config {
    FILE *trace;          /* decoded bus trace, or NULL for none */
    /* 8237 clock in Hz, 3-8 MHz; 0 = the AT's BCLK/2 (4.1667 MHz) */
    uint32_t dma_clock_hz;
    /* A stricter 8237 than Intel's: in single mode a channel is served again
     * only after its DREQ was seen low (the real 8237A is level-sensitive). */
    int single_dreq_edge;
    /* The ISA timing checker runs in every run unless this is set.  A
     * violation prints the rule, signal, edge and time and ends the process
     * with PC_EXIT_ISA_TIMING, unless isa_check_count_only is set. */
    int no_isa_check;
    int isa_check_count_only;
    /* The AT's other bus users: DRAM refresh every 15.09 us (8254 channel 1),
     * the 18.2 Hz timer tick on IRQ0 with the BIOS handler's bus cycles, and
     * a floppy controller reading a sector on DMA channel 2 (single mode)
     * every 100 ms.  Off by default (the DMA benchmarks measure the card
     * against the 8237 alone); softhba-sim turns them on. */
    int at_bus_users;
};

/* Create the PC and register it as a device on the kernel (cosim_init first). */
struct pc *pc_create(const struct pc_config *cfg);
void pc_destroy(struct pc *pc);

/* I/O cycles on the ISA bus (AT timing: 8-bit I/O with 4 wait states, 16-bit
 * I/O with 1 when the card answers IOCS16#, stretched by IOCHRDY).  A 16-bit
 * access to a card that does not assert IOCS16# is split into two 8-bit
 * cycles, as the AT's bus controller does.  Ports of the 8237s, page
 * registers and 8259 are served by the models, with the same bus timing. */
uint8_t pc_inb(struct pc *pc, uint16_t port);
void pc_outb(struct pc *pc, uint16_t port, uint8_t value);
uint16_t pc_inw(struct pc *pc, uint16_t port);
void pc_outw(struct pc *pc, uint16_t port, uint16_t value);

/* Host memory: 16 MiB, what DMA reads and writes. */
uint8_t *pc_memory(struct pc *pc);

/* Interrupts: the card's IRQ lines go to an 8259-like controller (edge
 * triggered, per-line mask).  The handler runs, in simulated time, as soon as
 * an unmasked line rises while interrupts are enabled; the controller
 * acknowledges the edge before calling it. */
typedef void (*pc_isr_fn)(void *ctx, int irq);
void pc_set_isr(struct pc *pc, int irq, pc_isr_fn fn, void *ctx);
void pc_irq_mask(struct pc *pc, int irq, int masked);
/* Host CPU interrupt flag (cli/sti).  While disabled, edges stay pending. */
void pc_interrupts_enable(struct pc *pc, int enabled);
/* Number of edges seen on an IRQ line since creation (for tests). */
uint64_t pc_irq_count(struct pc *pc, int irq);

/* Let simulated time pass with the host idle (DMA and interrupts run). */
void pc_idle_ps(struct pc *pc, uint64_t ps);

/* Drive RESET DRV for a while (a PC reset). */
void pc_bus_reset(struct pc *pc, uint64_t ps);

/* Counters for tests and benchmarks. */
struct pc_stats {
    uint64_t io_cycles;
    uint64_t dma_cycles[8];        /* per channel */
    uint64_t dma_bytes[8];
    /* the bytes of those that the card's data moved: to memory, the bytes
     * the card drove onto SD (a cycle the card did not want, the 8237 runs
     * anyway and writes the floating bus, 0xFF); from memory, every byte
     * written to the card (whether it took it is inside the card) */
    uint64_t dma_card_bytes[8];
    uint64_t dma_first_ps[8];      /* time of the first DMA cycle on a channel */
    uint64_t dma_last_ps[8];       /* time the last DMA cycle on a channel ended */
    /* bus monitor */
    uint64_t refresh_requests, refresh_cycles;
    uint64_t refresh_missed;           /* a request came while the last still waited */
    uint64_t refresh_holdoff_max_ps;   /* longest refresh request -> refresh cycle */
    uint64_t cpu_holdoff_max_ps;       /* longest time DMA/refresh kept the bus from the CPU */
    uint64_t dma_hold_max_ps;          /* longest single DMA service (HLDA high) */
    uint64_t timer_ticks;
    uint64_t floppy_bytes, floppy_overruns;
    /* 8237: S1 states run (address bits 8-15 changed, or a new service) */
    uint64_t dma_s1_states;
    /* demand mode: least time between a DRQ drop and the S4 sample that had
     * to see it (0 = no drop seen) */
    uint64_t drq_drop_slack_min_ps;
    /* ISA timing checker */
    uint64_t isa_timing_violations;
    uint64_t isa_timing_edges;
};
void pc_get_stats(struct pc *pc, struct pc_stats *out);
void pc_reset_stats(struct pc *pc);

/* The 8237's throughput limit in kB/s (1000 bytes) for a channel width and
 * mode at this PC's DMA clock: demand 4 clocks per transfer plus one S1
 * every 256 transfers, single 9 clocks (docs/isa.md). */
double pc_dma_limit_kbps(const struct pc *pc, int wide, int demand);

/* The same limit for demand mode under a card's bus-on/bus-off time (HOST
 * BUS_TIME, docs/isa.md): a card that drops DREQ exactly on_us after its
 * DACK# and raises it exactly off_us after DACK# ends.  Per service: S0 and
 * S1 (3.5 clocks), the transfers whose S4 DREQ sample falls inside the
 * on-window plus the one in flight, then the off time (at least the 1.5-clock
 * release).  on_us = 0 is the unbounded demand limit. */
double pc_dma_fair_limit_kbps(const struct pc *pc, int wide, unsigned on_us, unsigned off_us);

/* The ISA timing checker's last message ("" when none). */
const char *pc_isa_check_message(const struct pc *pc);

/* 1 while the DMA controller owns the bus (a service is in progress). */
int pc_dma_busy(struct pc *pc);

/* Deliver pending interrupts now (the blocking calls above do this at every
 * instruction boundary; a test that steps the kernel itself may call it). */
void pc_poll_interrupts(struct pc *pc);

/* Write a line to the bus trace (if tracing), with the simulated time. */
void pc_trace_note(struct pc *pc, const char *fmt, ...);

/* One host I/O cycle as it ran on the bus (DMA cycles are not I/O cycles;
 * a 16-bit access the AT split shows as its two 8-bit cycles). */
struct pc_io_cycle {
    int write;           /* 1 OUT, 0 IN */
    int width;           /* 8 or 16 */
    uint16_t port;
    uint16_t value;      /* written, or read from the bus */
    uint64_t end_ps;
};
typedef void (*pc_io_observer_fn)(void *ctx, const struct pc_io_cycle *cycle);
/* Calls fn after every host I/O cycle (fn NULL: nobody).  For tests that
 * check what software put on the bus. */
void pc_set_io_observer(struct pc *pc, pc_io_observer_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
