/* M extension: mul, mulh, mulhsu, mulhu, div, divu, rem, remu, with the
 * sign combinations, division by zero and the signed overflow case. */
#include "test.h"

#define MD(n, op, a, b, expect)                   \
    li gp, n;                                     \
    li a1, a;                                     \
    li a2, b;                                     \
    op a3, a1, a2;                                \
    li t6, expect;                                \
    bne a3, t6, fail

TEST_BEGIN
    MD(1, mul, 7, 6, 42)
    MD(2, mul, -7, 6, -42)
    MD(3, mul, 0x80000000, -1, 0x80000000)
    MD(4, mul, 0x12345678, 0x9abcdef0, 0x242d2080)
    MD(5, mul, 0xffffffff, 0xffffffff, 1)
    MD(6, mul, 0, 0x12345678, 0)

    MD(10, mulh, 7, 6, 0)
    MD(11, mulh, -7, 6, 0xffffffff)
    MD(12, mulh, 0x80000000, 0x80000000, 0x40000000)
    MD(13, mulh, 0x80000000, 0x7fffffff, 0xc0000000)
    MD(14, mulh, -1, -1, 0)
    MD(15, mulh, 0x12345678, 0x9abcdef0, 0xf8cc93d6)
    MD(16, mulh, 0x7fffffff, 0x7fffffff, 0x3fffffff)

    MD(20, mulhu, 0xffffffff, 0xffffffff, 0xfffffffe)
    MD(21, mulhu, 0x80000000, 0x80000000, 0x40000000)
    MD(22, mulhu, 0x12345678, 0x9abcdef0, 0x0b00ea4e)
    MD(23, mulhu, 7, 6, 0)

    MD(30, mulhsu, -1, 0xffffffff, 0xffffffff)
    MD(31, mulhsu, 0x80000000, 0xffffffff, 0x80000000)
    MD(32, mulhsu, 0x7fffffff, 0xffffffff, 0x7ffffffe)
    MD(33, mulhsu, 0x12345678, 0x9abcdef0, 0x0b00ea4e)
    MD(34, mulhsu, -2, 3, 0xffffffff)

    MD(40, div, 20, 6, 3)
    MD(41, div, -20, 6, -3)
    MD(42, div, 20, -6, -3)
    MD(43, div, -20, -6, 3)
    MD(44, div, 0x80000000, -1, 0x80000000)   /* overflow */
    MD(45, div, 5, 0, -1)                     /* by zero */
    MD(46, div, -5, 0, -1)
    MD(47, div, 0x80000000, 1, 0x80000000)
    MD(48, div, 0x7fffffff, 0x80000000, 0)
    MD(49, div, 0x80000000, 0x80000000, 1)

    MD(50, divu, 20, 6, 3)
    MD(51, divu, -20, 6, 0x2aaaaaa7)
    MD(52, divu, 5, 0, 0xffffffff)
    MD(53, divu, 0xffffffff, 1, 0xffffffff)
    MD(54, divu, 0xffffffff, 0xffffffff, 1)
    MD(55, divu, 0x80000000, 0xffffffff, 0)

    MD(60, rem, 20, 6, 2)
    MD(61, rem, -20, 6, -2)
    MD(62, rem, 20, -6, 2)
    MD(63, rem, -20, -6, -2)
    MD(64, rem, 0x80000000, -1, 0)            /* overflow */
    MD(65, rem, 5, 0, 5)                      /* by zero: the dividend */
    MD(66, rem, -5, 0, -5)
    MD(67, rem, 0x80000000, 0x7fffffff, -1)

    MD(70, remu, 20, 6, 2)
    MD(71, remu, -20, 6, 2)
    MD(72, remu, 5, 0, 5)
    MD(73, remu, 0xffffffff, 0, 0xffffffff)
    MD(74, remu, 0xffffffff, 0x80000000, 0x7fffffff)
    /* remainders and quotients with bit 31 set in the last divide step */
    MD(75, remu, 0xfffffffe, 0xffffffff, 0xfffffffe)
    MD(76, remu, 0xc0000001, 0x80000001, 0x40000000)
    MD(77, divu, 0xfffffffe, 0xffffffff, 0)
    MD(78, divu, 0xffffffff, 0x7fffffff, 2)
    MD(79, remu, 0xffffffff, 0x7fffffff, 1)

    /* rd == rs1 == rs2, and the result used straight away */
    li a1, 9
    mul a1, a1, a1
    CHECK_EQ(80, a1, 81)
    div a1, a1, a1
    addi a1, a1, 1
    CHECK_EQ(81, a1, 2)
TEST_PASS
