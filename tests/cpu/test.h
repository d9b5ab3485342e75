/* Macros for the instruction-level CPU tests (assembly, run through cpp).
 *
 * A test is:   #include "test.h"
 *              TEST_BEGIN
 *              ... CHECK_EQ / CHECK_REG ... with check numbers 1..199
 *              TEST_PASS
 *
 * gp (x3) holds the number of the check being run and t6 (x31) the expected
 * value, so tests never use those two registers for their own values.  A
 * failing check ends the program by writing its number to SIMCTRL EXIT; an
 * unexpected trap exits with 200 + mcause (250 for an interrupt).  The code
 * runs from the flash region; TEST_BEGIN copies the data (.data's image in
 * the flash) into the RAM first, as the firmware's crt0 does, then reads one
 * word of every cache line of the code, so that the whole program (smaller
 * than the cache) is cached and the cycle-counting checks see the speed of
 * a hit, as they did from block RAM. */
#include "softhba_regs_asm.h"

#define SIMCTRL_EXIT (SHBA_SIMCTRL_BASE + SHBA_SIMCTRL_EXIT)
#define SIMCTRL_IRQ  (SHBA_SIMCTRL_BASE + SHBA_SIMCTRL_IRQ)
#define TIMER_BASE   SHBA_TIMER_BASE

#define TEST_BEGIN                                \
    .section .text.init;                          \
    .globl _start;                                \
_start:                                           \
    li gp, 0;                                     \
    la t0, unexpected_trap;                       \
    csrw mtvec, t0;                               \
    la sp, _stack_top;                            \
    la t0, _data_start;                           \
    la t1, _data_end;                             \
    la t2, _data_load;                            \
3:  bgeu t0, t1, 4f;                              \
    lw t3, 0(t2);                                 \
    sw t3, 0(t0);                                 \
    addi t0, t0, 4;                               \
    addi t2, t2, 4;                               \
    j 3b;                                         \
4:  la t0, _start;                               \
    la t1, _etext;                                \
5:  lw zero, 0(t0);                               \
    addi t0, t0, SHBA_SOC_ICACHE_LINE;            \
    bltu t0, t1, 5b;                              \
    j test_body;                                  \
    .balign 4;                                    \
unexpected_trap:                                  \
    csrr t0, mcause;                              \
    bltz t0, 1f;                                  \
    addi a0, t0, 200;                             \
    j exit_with_a0;                               \
1:  li a0, 250;                                   \
exit_with_a0:                                     \
    li t0, SIMCTRL_EXIT;                          \
    sw a0, 0(t0);                                 \
2:  j 2b;                                         \
fail:                                             \
    mv a0, gp;                                    \
    bnez a0, exit_with_a0;                        \
    li a0, 199;                                   \
    j exit_with_a0;                               \
test_body:

#define TEST_PASS                                 \
    li a0, 0;                                     \
    j exit_with_a0

/* check number n: register r must equal the constant v */
#define CHECK_EQ(n, r, v)                         \
    li gp, n;                                     \
    li t6, v;                                     \
    bne r, t6, fail

/* check number n: register r must equal register s */
#define CHECK_REG(n, r, s)                        \
    li gp, n;                                     \
    bne r, s, fail

/* unconditional failure with number n (for paths that must not be reached) */
#define FAIL_HERE(n)                              \
    li gp, n;                                     \
    j fail

/* point mtvec at label h (handlers end by jumping back or with mret) */
#define SET_TRAP(h)                               \
    la t0, h;                                     \
    csrw mtvec, t0
