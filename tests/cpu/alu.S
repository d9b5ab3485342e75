/* Register-register and register-immediate ALU instructions (add, sub, and,
 * or, xor, slt, sltu and the immediate forms), LUI, AUIPC, and writes to x0. */
#include "test.h"
TEST_BEGIN
    /* add / sub / addi with wrap-around */
    li a1, 0x7fffffff
    li a2, 1
    add a3, a1, a2
    CHECK_EQ(1, a3, 0x80000000)
    sub a3, a2, a1
    CHECK_EQ(2, a3, 0x80000002)
    li a1, 0
    sub a3, a1, a2
    CHECK_EQ(3, a3, 0xffffffff)
    addi a3, a1, -2048
    CHECK_EQ(4, a3, 0xfffff800)
    addi a3, a1, 2047
    CHECK_EQ(5, a3, 0x7ff)
    li a1, 0xffffffff
    addi a3, a1, 1
    CHECK_EQ(6, a3, 0)
    li a1, 0x80000000
    sub a3, a1, a2
    CHECK_EQ(7, a3, 0x7fffffff)
    add a1, a1, a1              /* rd == rs1 == rs2 */
    CHECK_EQ(8, a1, 0)

    /* logic, register and immediate (immediates sign-extend) */
    li a1, 0xff00ff00
    li a2, 0x0ff00ff0
    and a3, a1, a2
    CHECK_EQ(10, a3, 0x0f000f00)
    or a3, a1, a2
    CHECK_EQ(11, a3, 0xfff0fff0)
    xor a3, a1, a2
    CHECK_EQ(12, a3, 0xf0f0f0f0)
    andi a3, a1, -16            /* 0xfffffff0 */
    CHECK_EQ(13, a3, 0xff00ff00)
    andi a3, a1, 0x7f0
    CHECK_EQ(14, a3, 0x00000700)
    ori a3, a1, -1
    CHECK_EQ(15, a3, 0xffffffff)
    ori a3, a1, 0x0ff
    CHECK_EQ(16, a3, 0xff00ffff)
    xori a3, a1, -1             /* not */
    CHECK_EQ(17, a3, 0x00ff00ff)
    xori a3, a1, 0x7ff
    CHECK_EQ(18, a3, 0xff00f8ff)

    /* slt / sltu at the extremes */
    li s0, 0x80000000
    li s1, 0x7fffffff
    li s2, -1
    li s3, 0
    slt a3, s0, s1
    CHECK_EQ(20, a3, 1)
    slt a3, s1, s0
    CHECK_EQ(21, a3, 0)
    sltu a3, s0, s1
    CHECK_EQ(22, a3, 0)
    sltu a3, s1, s0
    CHECK_EQ(23, a3, 1)
    slt a3, s2, s3
    CHECK_EQ(24, a3, 1)
    sltu a3, s2, s3
    CHECK_EQ(25, a3, 0)
    sltu a3, s3, s2
    CHECK_EQ(26, a3, 1)
    slt a3, s0, s0
    CHECK_EQ(27, a3, 0)
    sltu a3, s2, s2
    CHECK_EQ(28, a3, 0)
    slt a3, s0, s2
    CHECK_EQ(29, a3, 1)
    slt a3, s2, s1
    CHECK_EQ(30, a3, 1)
    sltu a3, s3, s3
    CHECK_EQ(31, a3, 0)
    slti a3, s3, -1
    CHECK_EQ(32, a3, 0)
    slti a3, s2, 0
    CHECK_EQ(33, a3, 1)
    slti a3, s0, -2048
    CHECK_EQ(34, a3, 1)
    slti a3, s1, 2047
    CHECK_EQ(35, a3, 0)
    sltiu a3, s3, -1            /* 0 < 0xffffffff */
    CHECK_EQ(36, a3, 1)
    sltiu a3, s2, -1
    CHECK_EQ(37, a3, 0)
    sltiu a3, s3, 1             /* seqz */
    CHECK_EQ(38, a3, 1)
    sltiu a3, s0, 2047
    CHECK_EQ(39, a3, 0)
    sltu a3, x0, s1             /* snez */
    CHECK_EQ(40, a3, 1)
    slti a3, s3, 1
    CHECK_EQ(41, a3, 1)

    /* lui / auipc */
    lui a3, 0xfffff
    CHECK_EQ(50, a3, 0xfffff000)
    lui a3, 0x80000
    CHECK_EQ(51, a3, 0x80000000)
    lui a3, 0
    CHECK_EQ(52, a3, 0)
1:  auipc a3, 0
    la a4, 1b
    CHECK_REG(53, a3, a4)
2:  auipc a3, 0x12345
    la a4, 2b
    li a5, 0x12345000
    add a4, a4, a5
    CHECK_REG(54, a3, a4)
3:  auipc a3, 0xfffff           /* pc - 4096 */
    la a4, 3b
    li a5, -4096
    add a4, a4, a5
    CHECK_REG(55, a3, a4)

    /* x0 stays 0 whatever writes it */
    li a1, 0x5a5a5a5a
    add x0, a1, a1
    CHECK_EQ(60, x0, 0)
    addi x0, x0, 1
    CHECK_EQ(61, x0, 0)
    lui x0, 0x12345
    CHECK_EQ(62, x0, 0)
    auipc x0, 1
    CHECK_EQ(63, x0, 0)
    jal x0, 4f
4:  CHECK_EQ(64, x0, 0)
    la t0, scratch
    sw a1, 0(t0)
    lw x0, 0(t0)
    CHECK_EQ(65, x0, 0)
    csrr x0, mscratch
    CHECK_EQ(66, x0, 0)
    mul x0, a1, a1
    CHECK_EQ(67, x0, 0)
    add a2, x0, x0
    CHECK_EQ(68, a2, 0)
    ori a2, x0, 0x123
    CHECK_EQ(69, a2, 0x123)
TEST_PASS

    .data
    .balign 4
scratch: .word 0
