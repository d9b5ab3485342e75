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
 * unexpected trap exits with 200 + mcause (250 for an interrupt). */
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
