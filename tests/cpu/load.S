/* lb, lbu, lh, lhu, lw at every legal byte offset: the right lanes, sign
 * and zero extension. */
#include "test.h"
TEST_BEGIN
    la s0, data
    lb a1, 0(s0)
    CHECK_EQ(1, a1, 0xffffff81)
    lb a1, 1(s0)
    CHECK_EQ(2, a1, 0x00000042)
    lb a1, 2(s0)
    CHECK_EQ(3, a1, 0xffffffc3)
    lb a1, 3(s0)
    CHECK_EQ(4, a1, 0x00000074)
    lbu a1, 0(s0)
    CHECK_EQ(5, a1, 0x81)
    lbu a1, 1(s0)
    CHECK_EQ(6, a1, 0x42)
    lbu a1, 2(s0)
    CHECK_EQ(7, a1, 0xc3)
    lbu a1, 3(s0)
    CHECK_EQ(8, a1, 0x74)
    lh a1, 0(s0)
    CHECK_EQ(9, a1, 0x00004281)
    lh a1, 2(s0)
    CHECK_EQ(10, a1, 0x000074c3)
    lhu a1, 0(s0)
    CHECK_EQ(11, a1, 0x4281)
    lhu a1, 2(s0)
    CHECK_EQ(12, a1, 0x74c3)
    lw a1, 0(s0)
    CHECK_EQ(13, a1, 0x74c34281)

    /* second word: the other sign pattern */
    lb a1, 4(s0)
    CHECK_EQ(20, a1, 0x7f)
    lb a1, 5(s0)
    CHECK_EQ(21, a1, 0xffffff80)
    lb a1, 6(s0)
    CHECK_EQ(22, a1, 0)
    lb a1, 7(s0)
    CHECK_EQ(23, a1, 0xffffffff)
    lbu a1, 7(s0)
    CHECK_EQ(24, a1, 0xff)
    lbu a1, 5(s0)
    CHECK_EQ(25, a1, 0x80)
    lh a1, 4(s0)
    CHECK_EQ(26, a1, 0xffff807f)
    lh a1, 6(s0)
    CHECK_EQ(27, a1, 0xffffff00)
    lhu a1, 4(s0)
    CHECK_EQ(28, a1, 0x807f)
    lhu a1, 6(s0)
    CHECK_EQ(29, a1, 0xff00)
    lw a1, 4(s0)
    CHECK_EQ(30, a1, 0xff00807f)

    /* negative offsets and rd == rs1 */
    addi s1, s0, 8
    lw a1, -4(s1)
    CHECK_EQ(40, a1, 0xff00807f)
    lbu a1, -1(s1)
    CHECK_EQ(41, a1, 0xff)
    lh a1, -8(s1)
    CHECK_EQ(42, a1, 0x4281)
    mv a2, s0
    lw a2, 8(a2)
    CHECK_EQ(43, a2, 0x12345678)
    /* a load's result is usable by the next instruction */
    lw a3, 8(s0)
    addi a3, a3, 1
    CHECK_EQ(44, a3, 0x12345679)
    lb a3, 0(s0)
    lb a4, 5(s0)
    add a3, a3, a4
    CHECK_EQ(45, a3, 0xffffff01)
TEST_PASS

    .data
    .balign 4
data:
    .byte 0x81, 0x42, 0xc3, 0x74
    .byte 0x7f, 0x80, 0x00, 0xff
    .word 0x12345678
