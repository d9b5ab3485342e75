/* beq, bne, blt, bge, bltu, bgeu: taken and not taken at the extremes
 * (0x80000000, 0x7fffffff, -1, 0), forward and backward targets. */
#include "test.h"

/* check n: "br a, b" must be taken (t=1) or not taken (t=0) */
#define BR(n, br, a, b, t)                        \
    li gp, n;                                     \
    li a1, a;                                     \
    li a2, b;                                     \
    br a1, a2, 1f;                                \
    li a3, 0;                                     \
    j 2f;                                         \
1:  li a3, 1;                                     \
2:  li t6, t;                                     \
    bne a3, t6, fail

TEST_BEGIN
    BR(1, beq, 0, 0, 1)
    BR(2, beq, 0x80000000, 0x80000000, 1)
    BR(3, beq, 0x80000000, 0, 0)
    BR(4, beq, -1, 0x7fffffff, 0)
    BR(5, bne, 0, 0, 0)
    BR(6, bne, -1, -1, 0)
    BR(7, bne, 0x80000000, 0x7fffffff, 1)
    BR(8, bne, 1, 0x80000001, 1)

    BR(10, blt, 0x80000000, 0x7fffffff, 1)
    BR(11, blt, 0x7fffffff, 0x80000000, 0)
    BR(12, blt, -1, 0, 1)
    BR(13, blt, 0, -1, 0)
    BR(14, blt, 0, 0, 0)
    BR(15, blt, 0x80000000, 0x80000000, 0)
    BR(16, blt, 0x80000000, -1, 1)
    BR(17, blt, 0x7ffffffe, 0x7fffffff, 1)

    BR(20, bge, 0x80000000, 0x7fffffff, 0)
    BR(21, bge, 0x7fffffff, 0x80000000, 1)
    BR(22, bge, -1, 0, 0)
    BR(23, bge, 0, -1, 1)
    BR(24, bge, 0, 0, 1)
    BR(25, bge, 0x80000000, 0x80000000, 1)
    BR(26, bge, -1, 0x80000000, 1)

    BR(30, bltu, 0x80000000, 0x7fffffff, 0)
    BR(31, bltu, 0x7fffffff, 0x80000000, 1)
    BR(32, bltu, -1, 0, 0)
    BR(33, bltu, 0, -1, 1)
    BR(34, bltu, 0, 0, 0)
    BR(35, bltu, -1, -1, 0)
    BR(36, bltu, 0xfffffffe, -1, 1)

    BR(40, bgeu, 0x80000000, 0x7fffffff, 1)
    BR(41, bgeu, 0x7fffffff, 0x80000000, 0)
    BR(42, bgeu, -1, 0, 1)
    BR(43, bgeu, 0, -1, 0)
    BR(44, bgeu, 0, 0, 1)
    BR(45, bgeu, -1, -1, 1)
    BR(46, bgeu, 0xfffffffe, -1, 0)

    /* backward branch: a loop of 10 */
    li gp, 50
    li a1, 0
    li a2, 10
3:  addi a1, a1, 1
    blt a1, a2, 3b
    CHECK_EQ(51, a1, 10)

    /* instructions after a taken branch do not execute */
    li a1, 0
    beq x0, x0, 4f
    addi a1, a1, 1
    addi a1, a1, 2
4:  CHECK_EQ(52, a1, 0)
    /* and after a not-taken branch they do */
    bne x0, x0, 5f
    addi a1, a1, 1
5:  CHECK_EQ(53, a1, 1)

    /* branch to itself + 4 (next instruction) in either case */
    beq x0, x0, 6f
6:  CHECK_EQ(54, a1, 1)

    /* long forward and backward branches */
    j 8f
7:  li a1, 77
    j 9f
    .skip 2000
8:  beq a1, a1, 7b
    FAIL_HERE(55)
9:  CHECK_EQ(56, a1, 77)
TEST_PASS
