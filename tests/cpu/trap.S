/* Synchronous traps: ecall, ebreak, illegal instructions (unknown opcodes,
 * bad funct fields, unknown CSRs, writes to read-only CSRs, sret), and
 * misaligned loads, stores, jumps and taken branches: mcause, mepc, mtval,
 * and that the faulting instruction has no effect. */
#include "test.h"

/* The handler records mcause (s9), mepc (s10), mtval (s11), counts traps in
 * s8 and resumes after the faulting instruction. */
#define EXPECT_TRAP(n, cause, where)              \
    li gp, n;                                     \
    li t6, 1;                                     \
    bne s8, t6, fail;                             \
    li t6, cause;                                 \
    bne s9, t6, fail;                             \
    la t6, where;                                 \
    bne s10, t6, fail;                            \
    li s8, 0

#define EXPECT_TVAL(n, v)                         \
    li gp, n;                                     \
    li t6, v;                                     \
    bne s11, t6, fail

#define EXPECT_NO_TRAP(n)                         \
    li gp, n;                                     \
    bnez s8, fail

TEST_BEGIN
    SET_TRAP(handler)
    li s8, 0

1:  ecall
    EXPECT_TRAP(1, 11, 1b)
    EXPECT_TVAL(2, 0)
2:  ebreak
    EXPECT_TRAP(3, 3, 2b)

    /* illegal instructions; rd (a3) must not change */
    li a3, 0x1234
3:  .word 0x00000000
    EXPECT_TRAP(10, 2, 3b)
4:  .word 0xffffffff
    EXPECT_TRAP(11, 2, 4b)
5:  .word 0x0000006b               /* reserved major opcode */
    EXPECT_TRAP(12, 2, 5b)
6:  .word 0x02069693               /* slli a3, a3, 0 with funct7 0000001 */
    EXPECT_TRAP(13, 2, 6b)
7:  .word 0x0006b683               /* ld a3, 0(a3): funct3 011 */
    EXPECT_TRAP(14, 2, 7b)
8:  .word 0x40d6c6b3               /* xor a3, a3, a3 with funct7 0100000 */
    EXPECT_TRAP(15, 2, 8b)
9:  .word 0x00002063               /* branch with funct3 010 */
    EXPECT_TRAP(16, 2, 9b)
10: .word 0x10200073               /* sret: no S mode */
    EXPECT_TRAP(17, 2, 10b)
11: .word 0x000016e7               /* jalr a3, 0(x0) with funct3 001 */
    EXPECT_TRAP(18, 2, 11b)
12: .word 0x00003023               /* sd x0, 0(x0): store funct3 011 */
    EXPECT_TRAP(19, 2, 12b)
13: csrr a3, 0x7c0                 /* no such CSR */
    EXPECT_TRAP(20, 2, 13b)
14: csrw cycle, a1                 /* read-only CSR */
    EXPECT_TRAP(21, 2, 14b)
15: csrw mhartid, x0
    EXPECT_TRAP(22, 2, 15b)
    li a1, 0
16: csrrs a3, cycle, a1            /* rs1 is not x0: a write, even of 0 */
    EXPECT_TRAP(23, 2, 16b)
17: csrrci a3, instret, 1
    EXPECT_TRAP(24, 2, 17b)
    CHECK_EQ(25, a3, 0x1234)
    /* reads of read-only CSRs are fine */
    csrrs a4, cycle, x0
    csrrsi a4, instret, 0
    csrrc a4, mhartid, x0
    csrr a4, misa
    EXPECT_NO_TRAP(26)
    /* fence, fence.i, wfi execute as no-ops */
    fence
    .word 0x0000100f               /* fence.i */
    wfi
    EXPECT_NO_TRAP(27)

    /* misaligned loads: mcause 4, mtval = address, rd unchanged */
    la s0, data
    li a3, 0x1234
20: lw a3, 1(s0)
    EXPECT_TRAP(30, 4, 20b)
    addi t1, s0, 1
    CHECK_REG(31, s11, t1)
21: lw a3, 2(s0)
    EXPECT_TRAP(32, 4, 21b)
22: lw a3, 3(s0)
    EXPECT_TRAP(33, 4, 22b)
23: lh a3, 1(s0)
    EXPECT_TRAP(34, 4, 23b)
24: lhu a3, 3(s0)
    EXPECT_TRAP(35, 4, 24b)
    addi t1, s0, 3
    CHECK_REG(36, s11, t1)
    CHECK_EQ(37, a3, 0x1234)
    lb a3, 3(s0)                   /* bytes are never misaligned */
    lh a3, 2(s0)
    EXPECT_NO_TRAP(38)

    /* misaligned stores: mcause 6, memory unchanged */
    li a1, -1
25: sw a1, 2(s0)
    EXPECT_TRAP(40, 6, 25b)
    addi t1, s0, 2
    CHECK_REG(41, s11, t1)
26: sh a1, 1(s0)
    EXPECT_TRAP(42, 6, 26b)
27: sw a1, 1(s0)
    EXPECT_TRAP(43, 6, 27b)
28: sh a1, 3(s0)
    EXPECT_TRAP(44, 6, 28b)
    lw a2, 0(s0)
    CHECK_EQ(45, a2, 0x76543210)
    lw a2, 4(s0)
    CHECK_EQ(46, a2, 0x01234567)

    /* misaligned jumps: mcause 0, mtval = target, link not written */
    li ra, 0x1234
    la t1, target
    addi t1, t1, 2
30: jalr ra, 0(t1)
    EXPECT_TRAP(50, 0, 30b)
    CHECK_REG(51, s11, t1)
    CHECK_EQ(52, ra, 0x1234)
    addi t1, t1, 1                 /* target+3: bit 0 dropped, bit 1 still set */
31: jalr ra, 0(t1)
    EXPECT_TRAP(53, 0, 31b)
    addi t1, t1, -1
    CHECK_REG(54, s11, t1)
32: .word 0x006000ef               /* jal ra, . + 6 */
    EXPECT_TRAP(55, 0, 32b)
    la t1, 32b
    addi t1, t1, 6
    CHECK_REG(56, s11, t1)
    CHECK_EQ(57, ra, 0x1234)
33: .word 0x00000363               /* beq x0, x0, . + 6: taken */
    EXPECT_TRAP(58, 0, 33b)
    la t1, 33b
    addi t1, t1, 6
    CHECK_REG(59, s11, t1)
    .word 0x00101363               /* bne x0, x1, . + 6 with ra != 0: taken */
    li gp, 60
    li t6, 1
    bne s8, t6, fail
    li s8, 0
    .word 0x00001363               /* bne x0, x0, . + 6: not taken, no trap */
    EXPECT_NO_TRAP(61)

    /* mstatus after all those traps and mrets: MPP = 3, MIE off */
    csrr a1, mstatus
    li t0, 0x1888
    and a1, a1, t0
    CHECK_EQ(62, a1, 0x1880)
TEST_PASS

target:
    FAIL_HERE(99)

    .balign 4
handler:
    csrr s9, mcause
    csrr s10, mepc
    csrr s11, mtval
    addi s8, s8, 1
    addi s7, s10, 4
    csrw mepc, s7
    mret

    .data
    .balign 4
data:
    .word 0x76543210, 0x01234567
