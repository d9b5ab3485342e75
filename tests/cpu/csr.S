/* Zicsr: csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci on every writable
 * machine CSR, the WARL fields (mtvec and mepc low bits, mstatus.MPP, mie),
 * the read-only ones (misa, mhartid, mip), and mcycle/minstret counting. */
#include "test.h"
TEST_BEGIN
    /* mscratch: all six forms */
    li a1, 0x12345678
    csrw mscratch, a1
    li a2, 0xff00ff00
    csrrw a3, mscratch, a2         /* returns the old value */
    CHECK_EQ(1, a3, 0x12345678)
    csrr a3, mscratch
    CHECK_EQ(2, a3, 0xff00ff00)
    li a2, 0x0000f0f0
    csrrs a3, mscratch, a2
    CHECK_EQ(3, a3, 0xff00ff00)
    csrr a3, mscratch
    CHECK_EQ(4, a3, 0xff00fff0)
    li a2, 0xf000000f
    csrrc a3, mscratch, a2
    CHECK_EQ(5, a3, 0xff00fff0)
    csrr a3, mscratch
    CHECK_EQ(6, a3, 0x0f00fff0)
    csrrwi a3, mscratch, 0x15
    CHECK_EQ(7, a3, 0x0f00fff0)
    csrr a3, mscratch
    CHECK_EQ(8, a3, 0x15)
    csrrsi a3, mscratch, 0x0a
    CHECK_EQ(9, a3, 0x15)
    csrr a3, mscratch
    CHECK_EQ(10, a3, 0x1f)
    csrrci a3, mscratch, 0x11
    CHECK_EQ(11, a3, 0x1f)
    csrr a3, mscratch
    CHECK_EQ(12, a3, 0x0e)
    csrrs a3, mscratch, x0         /* rs1 = x0: read only */
    csrrc a3, mscratch, x0
    csrrsi a3, mscratch, 0
    csrrci a3, mscratch, 0
    CHECK_EQ(13, a3, 0x0e)
    csrr a3, mscratch
    CHECK_EQ(14, a3, 0x0e)
    csrrw a3, mscratch, a3         /* rd == rs1 */
    CHECK_EQ(15, a3, 0x0e)
    li a1, -1
    csrrw x0, mscratch, a1         /* rd = x0 still writes */
    csrr a3, mscratch
    CHECK_EQ(16, a3, 0xffffffff)

    /* mtvec: direct mode only, low bits read 0 */
    csrr s0, mtvec
    li a1, 0x00001235
    csrw mtvec, a1
    csrr a3, mtvec
    CHECK_EQ(20, a3, 0x00001234)
    csrw mtvec, s0

    /* mepc: low two bits read 0 */
    li a1, 0xfffffffe
    csrw mepc, a1
    csrr a3, mepc
    CHECK_EQ(21, a3, 0xfffffffc)
    csrci mepc, 0x1c
    csrr a3, mepc
    CHECK_EQ(22, a3, 0xffffffe0)

    /* mcause, mtval */
    li a1, 0x8000000b
    csrw mcause, a1
    csrr a3, mcause
    CHECK_EQ(23, a3, 0x8000000b)
    csrwi mcause, 2
    csrr a3, mcause
    CHECK_EQ(24, a3, 2)
    li a1, 0xcafef00d
    csrw mtval, a1
    csrr a3, mtval
    CHECK_EQ(25, a3, 0xcafef00d)
    csrs mtval, 1
    csrc mtval, 4
    csrr a3, mtval
    CHECK_EQ(26, a3, 0xcafef009)

    /* mstatus: MIE (3), MPIE (7) writable, MPP (12:11) reads 3, rest 0 */
    csrw mstatus, x0
    csrr a3, mstatus
    CHECK_EQ(30, a3, 0x00001800)
    li a1, 0xffffff77
    csrw mstatus, a1               /* everything but MIE and MPIE */
    csrr a3, mstatus
    CHECK_EQ(31, a3, 0x00001800)
    csrsi mstatus, 8               /* MIE (no interrupt is enabled in mie) */
    li a1, 0x80
    csrs mstatus, a1
    csrr a3, mstatus
    CHECK_EQ(32, a3, 0x00001888)
    csrci mstatus, 8
    csrr a3, mstatus
    CHECK_EQ(33, a3, 0x00001880)
    csrw mstatus, x0

    /* mie: MTIE (7) and MEIE (11) */
    li a1, -1
    csrw mie, a1
    csrr a3, mie
    CHECK_EQ(34, a3, 0x00000880)
    csrw mie, x0
    csrr a3, mie
    CHECK_EQ(35, a3, 0)

    /* mip: nothing pending, writes ignored */
    li a1, -1
    csrw mip, a1
    csrr a3, mip
    CHECK_EQ(36, a3, 0)

    /* read-only identification */
    csrr a3, misa
    CHECK_EQ(40, a3, 0x40001100)   /* RV32, I, M */
    csrr a3, mhartid
    CHECK_EQ(41, a3, 0)
    csrw misa, x0                  /* WARL: ignored */
    csrr a3, misa
    CHECK_EQ(42, a3, 0x40001100)
    csrr a3, mvendorid
    CHECK_EQ(43, a3, 0)

    /* minstret counts retired instructions exactly */
    csrr a1, minstret
    nop
    nop
    nop
    nop
    nop
    addi a3, a3, 1
    lw a4, 0(x0)
    sw a4, 0(sp)
    slli a4, a4, 9
    mul a4, a4, a4
    csrr a2, minstret
    sub a3, a2, a1
    CHECK_EQ(50, a3, 11)
    csrr a1, instret               /* user alias */
    csrr a2, minstret
    sub a3, a2, a1
    CHECK_EQ(51, a3, 1)
    /* a csr write sets it */
    li a1, 100
    csrw minstret, a1
    csrr a2, minstret
    addi a2, a2, -100
    li gp, 52
    li t6, 1
    bgtu a2, t6, fail              /* 100 or 101 */
    li a1, 7
    csrw minstreth, a1
    csrr a2, minstreth
    CHECK_EQ(53, a2, 7)
    csrr a2, instreth
    CHECK_EQ(54, a2, 7)

    /* mcycle counts cycles: at least one per instruction, and moves on
       without instructions retiring */
    csrr a1, mcycle
    nop
    nop
    nop
    nop
    csrr a2, mcycle
    sub a3, a2, a1
    li gp, 60
    li t6, 5
    bltu a3, t6, fail
    li t6, 200
    bgeu a3, t6, fail
    csrr a1, cycle
    csrr a2, mcycle
    sub a3, a2, a1
    li gp, 61
    beqz a3, fail
    li t6, 100
    bgeu a3, t6, fail
    li a1, 1000
    csrw mcycle, a1
    csrr a2, mcycle
    sub a3, a2, a1
    li gp, 62
    li t6, 100
    bgeu a3, t6, fail
    li a1, 0x55
    csrw mcycleh, a1
    csrr a2, mcycleh
    CHECK_EQ(63, a2, 0x55)
    csrr a2, cycleh
    CHECK_EQ(64, a2, 0x55)

    /* the low halves carry into the high halves */
    li a1, -2
    li a2, 9
    csrw minstret, a1              /* 0xfffffffe (the write wins) */
    csrw minstreth, a2             /* minstret 0xffffffff */
    nop                            /* wraps to 0 */
    nop
    csrr a3, minstreth
    csrr a4, minstret
    CHECK_EQ(55, a3, 10)
    CHECK_EQ(56, a4, 2)
    li a1, -64
    li a2, 5
    csrw mcycle, a1
    csrw mcycleh, a2
    li t0, 20
1:  addi t0, t0, -1
    bnez t0, 1b                    /* well over 64 cycles */
    csrr a3, mcycleh
    csrr a4, mcycle
    CHECK_EQ(65, a3, 6)
    li gp, 66
    li t6, 200
    bgeu a4, t6, fail

    /* A write of a high half wins over a carry of the writing instruction's
       own increment (privileged spec: the write comes after it). */
    li a1, -1
    csrw minstret, a1              /* 0xffffffff (the write wins) */
    csrwi minstreth, 7             /* its increment carries into minstreth */
    csrr a3, minstreth
    csrr a4, minstret
    CHECK_EQ(57, a3, 7)
    CHECK_EQ(58, a4, 1)
    /* mcycle = -K wraps K cycles after the write.  The next instruction
       writes mcycleh 4 cycles after it at the earliest (fetch 2, EXECUTE,
       CSRW), so for K = 1..4 the wrap is before or at the write, whatever
       the bus latency: the 7 must win.  K = 3 and 4 carry inside the
       writing instruction itself. */
    li t1, 4
3:  sub a1, x0, t1
    csrw mcycle, a1
    csrwi mcycleh, 7
    csrr a3, mcycleh
    CHECK_EQ(67, a3, 7)
    addi t1, t1, -1
    bnez t1, 3b

    csrw mcycleh, x0
    csrw minstreth, x0
TEST_PASS
