/* softhba firmware start-up: the CPU resets to FLASH_BASE, the start of the
 * firmware region in the SPI flash, where this sits (.text.start is placed
 * first by link.ld.S). */

#include "soc.h"

    .section .text.start, "ax", @progbits
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      tp, __tls_base
    la      t0, shba_trap_entry
    csrw    mtvec, t0

    /* Copy .data and .tdata from their image in the flash into the RAM
     * (word aligned by the linker script). */
    la      t0, __data_start
    la      t1, __data_end
    la      t2, __data_load
6:  bgeu    t0, t1, 7f
    lw      t3, 0(t2)
    sw      t3, 0(t0)
    addi    t0, t0, 4
    addi    t2, t2, 4
    j       6b
7:
    /* Clear .tbss and .bss (word aligned by the linker script). */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:
    /* Paint the rest of the RAM (free bytes and the stack) with
     * SHBA_STACK_PAINT, so that a firmware can find how deep its stack has
     * ever reached (the lowest word no longer painted). */
    li      t2, SHBA_STACK_PAINT
3:  bgeu    t0, sp, 4f
    sw      t2, 0(t0)
    addi    t0, t0, 4
    j       3b
4:
    li      a0, 0
    li      a1, 0
    call    main
    /* exit() flushes stdio and ends in _exit (runtime.c): SIMCTRL EXIT. */
    call    exit
5:  j       5b

/* Trap entry: save the caller-saved registers, call the C handler
 * shba_trap(mcause, mepc, mtval, frame), resume at the address it returns.
 * The frame is struct shba_trap_frame (soc.h). */
    .section .text.shba_trap_entry, "ax", @progbits
    .globl shba_trap_entry
    .balign 4
shba_trap_entry:
    addi    sp, sp, -64
    sw      ra, 0(sp)
    sw      t0, 4(sp)
    sw      t1, 8(sp)
    sw      t2, 12(sp)
    sw      a0, 16(sp)
    sw      a1, 20(sp)
    sw      a2, 24(sp)
    sw      a3, 28(sp)
    sw      a4, 32(sp)
    sw      a5, 36(sp)
    sw      a6, 40(sp)
    sw      a7, 44(sp)
    sw      t3, 48(sp)
    sw      t4, 52(sp)
    sw      t5, 56(sp)
    sw      t6, 60(sp)
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    mv      a3, sp
    call    shba_trap
    csrw    mepc, a0
    lw      ra, 0(sp)
    lw      t0, 4(sp)
    lw      t1, 8(sp)
    lw      t2, 12(sp)
    lw      a0, 16(sp)
    lw      a1, 20(sp)
    lw      a2, 24(sp)
    lw      a3, 28(sp)
    lw      a4, 32(sp)
    lw      a5, 36(sp)
    lw      a6, 40(sp)
    lw      a7, 44(sp)
    lw      t3, 48(sp)
    lw      t4, 52(sp)
    lw      t5, 56(sp)
    lw      t6, 60(sp)
    addi    sp, sp, 64
    mret
