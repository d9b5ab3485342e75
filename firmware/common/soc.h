/* softhba firmware runtime: the SoC's UART, timer and simulation control,
 * and the trap hook.  See docs/soc.md. */
#ifndef SHBA_SOC_H
#define SHBA_SOC_H

/* crt0 paints the RAM between the end of .bss and the stack top with this
 * word at start-up; shba_stack_peak() finds the lowest word changed since. */
#define SHBA_STACK_PAINT 0x5AC3A55C

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "mmio.h"
#include "softhba_regs.h"

/* Console UART.  putc waits (in hardware) while the transmitter is busy. */
void shba_uart_putc(char c);
int shba_uart_getc(void);          /* waits for a byte */
int shba_uart_try_getc(void);      /* a byte, or -1 when none is waiting */
void shba_uart_flush(void);        /* wait until the last byte is on the line */

/* Machine timer: mtime counts core clocks (SHBA_SOC_CLK_HZ). */
uint64_t shba_mtime(void);
void shba_set_mtimecmp(uint64_t when);
/* Busy-waits `us` microseconds on mtime's low half (any wait far shorter
 * than its 119 s wrap).  Inline: no call, and nothing moves in the flash. */
__attribute__((always_inline)) static inline void shba_wait_us(uint32_t us)
{
    uint32_t t0 = mmio_read32(SHBA_REG(TIMER, MTIME_LO));
    while (mmio_read32(SHBA_REG(TIMER, MTIME_LO)) - t0 < SHBA_SOC_CLK_HZ / 1000000u * us)
        ;
}

/* Simulation: end the run with this exit code (the UART drains first).  On
 * the FPGA this does nothing and the CPU spins. */
__attribute__((noreturn)) void shba_sim_exit(int code);

/* Counters (Zicntr: mcycle, minstret), 64 bits read safely on RV32. */
uint64_t shba_rdcycle(void);
uint64_t shba_rdinstret(void);

/* Traps.  shba_trap_entry (crt0.S) saves the caller-saved registers in a
 * frame and calls shba_trap(); the address it returns is where execution
 * resumes (mepc).  The default, weak, shba_trap prints mcause, mepc and mtval
 * and ends the run with SHBA_TRAP_EXIT_CODE; firmware that takes interrupts
 * defines its own. */
struct shba_trap_frame {
    uint32_t ra, t0, t1, t2, a0, a1, a2, a3, a4, a5, a6, a7, t3, t4, t5, t6;
};
#define SHBA_TRAP_EXIT_CODE 120
uintptr_t shba_trap(uint32_t mcause, uintptr_t mepc, uint32_t mtval,
                    struct shba_trap_frame *frame);

#define SHBA_MCAUSE_INTERRUPT 0x80000000u
#define SHBA_IRQ_TIMER 7u
#define SHBA_IRQ_EXTERNAL 11u

/* The deepest the stack has reached since start-up, in bytes below the top
 * of RAM (exact to the word, as long as no code stored the paint word
 * itself).  Scans the painted area: a few thousand cycles, for diagnostics. */
uint32_t shba_stack_peak(void);

#endif /* __ASSEMBLER__ */

#endif
