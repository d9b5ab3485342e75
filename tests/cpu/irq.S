/* Machine timer and external interrupts: masked by mstatus.MIE and by mie,
 * visible in mip, taken between two instructions (none lost or repeated),
 * mcause/mepc, mstatus.MIE/MPIE on entry and after mret, priority. */
#include "test.h"

/* Handler registers: s4 = count, s5 = mcause, s6 = mepc, s7 = mstatus at
 * entry, s3 = the block counter s0 at entry.  It silences the source: the
 * timer (mcause 7) by pushing mtimecmp to the maximum, the external line
 * (mcause 11) by writing 0 to SIMCTRL IRQ (s1 and s2 hold those addresses). */
TEST_BEGIN
    SET_TRAP(handler)
    li s1, TIMER_BASE
    li s2, SIMCTRL_IRQ
    li s4, 0
    li t0, -1
    sw t0, 12(s1)                  /* mtimecmp = max: no timer interrupt */
    sw t0, 8(s1)
    sw zero, 0(s2)

    /* --- timer pending, masked by mstatus.MIE --- */
    csrw mstatus, x0
    li t0, 0x80
    csrw mie, t0                   /* MTIE */
    sw zero, 8(s1)                 /* mtimecmp = 0 (hi is max) */
    sw zero, 12(s1)                /* now pending */
    nop
    nop
    nop
    csrr a1, mip
    CHECK_EQ(1, a1, 0x80)
    CHECK_EQ(2, s4, 0)

    /* --- masked by mie --- */
    csrw mie, x0
    csrsi mstatus, 8
    nop
    nop
    nop
    CHECK_EQ(3, s4, 0)
    csrr a1, mip
    CHECK_EQ(4, a1, 0x80)

    /* --- enabling it in mie traps right after the csr write --- */
    li t0, 0x80
    csrs mie, t0
1:  nop
    CHECK_EQ(5, s4, 1)
    li t0, 0x80000007
    CHECK_REG(6, s5, t0)
    la t0, 1b
    CHECK_REG(7, s6, t0)
    li t0, 0x1888
    and a1, s7, t0
    CHECK_EQ(8, a1, 0x1880)        /* in the handler: MIE 0, MPIE 1 */
    csrr a1, mstatus
    and a1, a1, t0
    CHECK_EQ(9, a1, 0x1888)        /* after mret: MIE 1 again */
    csrr a1, mip
    CHECK_EQ(10, a1, 0)

    /* --- timer fires in the middle of straight-line code --- */
    li s4, 0
    li s0, 0
    lw t0, 0(s1)                   /* mtime lo */
    addi t0, t0, 60
    sw t0, 8(s1)
    sw zero, 12(s1)                /* mtimecmp = now + 60 (mtime hi is 0) */
block1:
    .rept 64
    addi s0, s0, 1
    .endr
    CHECK_EQ(11, s0, 64)           /* nothing lost, nothing repeated */
    CHECK_EQ(12, s4, 1)
    /* the handler saw exactly the instructions before mepc done */
    la t0, block1
    sub t0, s6, t0
    srli t0, t0, 2
    CHECK_REG(13, t0, s3)
    li gp, 14
    beqz s3, fail                  /* really in the middle */
    li t0, 64
    bgeu s3, t0, fail

    /* --- external interrupt: masked, then taken mid-block --- */
    csrw mie, x0
    li t0, 1
    sw t0, 0(s2)                   /* raise it */
    nop
    csrr a1, mip
    CHECK_EQ(20, a1, 0x800)
    CHECK_EQ(21, s4, 1)
    csrci mstatus, 8
    li t0, 0x800
    csrs mie, t0
    nop
    CHECK_EQ(22, s4, 1)            /* MIE off */
    sw zero, 0(s2)                 /* drop it */
    csrsi mstatus, 8
    li s4, 0
    li s0, 0
    li t1, 1
block2:                            /* the store raises it part-way */
    .rept 20
    addi s0, s0, 1
    .endr
    sw t1, 0(s2)
    .rept 44
    addi s0, s0, 1
    .endr
    CHECK_EQ(23, s4, 1)
    li t0, 0x8000000b
    CHECK_REG(24, s5, t0)
    CHECK_EQ(25, s0, 64)           /* nothing lost, nothing repeated */
    la t0, block2
    sub t0, s6, t0
    srli t0, t0, 2                 /* index of the interrupted instruction */
    li gp, 26
    li t6, 21
    bltu t0, t6, fail              /* taken after the store, not before */
    addi t0, t0, -1                /* minus the store */
    CHECK_REG(27, t0, s3)

    /* --- both pending: external first --- */
    csrci mstatus, 8
    li t0, 0x880
    csrw mie, t0
    sw zero, 8(s1)
    sw zero, 12(s1)                /* timer pending */
    li t0, 1
    sw t0, 0(s2)                   /* external pending */
    li s4, 0
    csrsi mstatus, 8
    nop
    nop
    CHECK_EQ(30, s4, 2)            /* both taken, one after the other */
    li t0, 0x8000000b
    CHECK_REG(31, s8, t0)          /* first one */
    li t0, 0x80000007
    CHECK_REG(32, s5, t0)          /* last one */
    csrw mie, x0
TEST_PASS

    .balign 4
handler:
    csrr s5, mcause
    csrr s6, mepc
    csrr s7, mstatus
    mv s3, s0
    bnez s4, 1f
    mv s8, s5                      /* the first cause */
1:  addi s4, s4, 1
    bltz s5, 2f
    li a0, 240                     /* an exception here is a failure */
    j exit_with_a0
2:  andi s9, s5, 0xf
    addi s9, s9, -7
    bnez s9, 3f
    li s9, -1
    sw s9, 12(s1)                  /* timer: mtimecmp = max */
    sw s9, 8(s1)
    mret
3:  sw zero, 0(s2)                 /* external: drop the line */
    mret
