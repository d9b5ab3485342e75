/* sll, srl, sra and the immediate forms: amounts 0, 1, 31, and register
 * amounts that use only their low five bits. */
#include "test.h"
TEST_BEGIN
    li a1, 0x80000001
    li a2, 0x4c3b2a19

    slli a3, a1, 0
    CHECK_EQ(1, a3, 0x80000001)
    slli a3, a1, 1
    CHECK_EQ(2, a3, 0x00000002)
    slli a3, a1, 31
    CHECK_EQ(3, a3, 0x80000000)
    slli a3, a2, 4
    CHECK_EQ(4, a3, 0xc3b2a190)
    srli a3, a1, 0
    CHECK_EQ(5, a3, 0x80000001)
    srli a3, a1, 1
    CHECK_EQ(6, a3, 0x40000000)
    srli a3, a1, 31
    CHECK_EQ(7, a3, 1)
    srli a3, a2, 4
    CHECK_EQ(8, a3, 0x04c3b2a1)
    srai a3, a1, 0
    CHECK_EQ(9, a3, 0x80000001)
    srai a3, a1, 1
    CHECK_EQ(10, a3, 0xc0000000)
    srai a3, a1, 31
    CHECK_EQ(11, a3, 0xffffffff)
    srai a3, a2, 31
    CHECK_EQ(12, a3, 0)
    srai a3, a2, 5
    CHECK_EQ(13, a3, 0x0261d950)

    /* register forms */
    li t0, 0
    sll a3, a2, t0
    CHECK_EQ(20, a3, 0x4c3b2a19)
    li t0, 31
    sll a3, a1, t0
    CHECK_EQ(21, a3, 0x80000000)
    srl a3, a1, t0
    CHECK_EQ(22, a3, 1)
    sra a3, a1, t0
    CHECK_EQ(23, a3, 0xffffffff)
    li t0, 32                   /* low five bits: 0 */
    sll a3, a2, t0
    CHECK_EQ(24, a3, 0x4c3b2a19)
    srl a3, a2, t0
    CHECK_EQ(25, a3, 0x4c3b2a19)
    sra a3, a1, t0
    CHECK_EQ(26, a3, 0x80000001)
    li t0, -1                   /* low five bits: 31 */
    sll a3, a1, t0
    CHECK_EQ(27, a3, 0x80000000)
    srl a3, a1, t0
    CHECK_EQ(28, a3, 1)
    sra a3, a1, t0
    CHECK_EQ(29, a3, 0xffffffff)
    li t0, 0xffffffe4           /* low five bits: 4 */
    sll a3, a2, t0
    CHECK_EQ(30, a3, 0xc3b2a190)
    srl a3, a2, t0
    CHECK_EQ(31, a3, 0x04c3b2a1)
    li t0, 33                   /* low five bits: 1 */
    sra a3, a1, t0
    CHECK_EQ(32, a3, 0xc0000000)
    srl a3, a1, t0
    CHECK_EQ(33, a3, 0x40000000)
    sll a3, a1, t0
    CHECK_EQ(34, a3, 2)

    /* every amount 0..31 of a walking one, left and right */
    li t0, 0
    li a4, 1
    li a5, 0x80000000
    li gp, 40
1:  sll a3, a4, t0
    srl a6, a5, t0
    li a7, 31
    sub a7, a7, t0
    srl a7, a5, a7              /* 1 << t0 computed the other way */
    bne a3, a7, fail
    li a7, 31                   /* srl by t0 == 1 << (31 - t0) */
    sub a7, a7, t0
    sll a7, a4, a7
    bne a6, a7, fail
    sra a6, a5, t0              /* sign fill: 31 - t0 + 1 high bits set */
    li a7, 31
    sub a7, a7, t0
    li a2, -1
    sll a7, a2, a7
    bne a6, a7, fail
    addi t0, t0, 1
    li a7, 32
    bne t0, a7, 1b

    /* rd == rs1 / rd == rs2 */
    li a3, 3
    sll a3, a3, a3
    CHECK_EQ(50, a3, 24)
    li a3, 0x80
    li a4, 4
    srl a4, a3, a4
    CHECK_EQ(51, a4, 8)
    li x0, 5
    sll x0, a3, a3
    CHECK_EQ(52, x0, 0)
TEST_PASS
