/* jal and jalr: link values, targets forward and backward, jalr clearing the
 * low bit of the target, rd == rs1, negative offsets, x0 as link. */
#include "test.h"
TEST_BEGIN
    /* jal forward: link = address after the jal */
    li a1, 0
1:  jal ra, 2f
    addi a1, a1, 1              /* skipped */
2:  la a2, 1b
    addi a2, a2, 4
    CHECK_REG(1, ra, a2)
    CHECK_EQ(2, a1, 0)

    /* jal backward */
    j 4f
3:  li a1, 33
    j 5f
4:  jal t0, 3b
    FAIL_HERE(3)
5:  CHECK_EQ(4, a1, 33)
    la a2, 4b
    addi a2, a2, 4
    CHECK_REG(5, t0, a2)

    /* jalr: target = (rs1 + imm) & ~1 */
    la a3, 6f
    addi a3, a3, 1              /* odd: the low bit must be dropped */
7:  jalr ra, 0(a3)
    FAIL_HERE(6)
6:  la a2, 7b
    addi a2, a2, 4
    CHECK_REG(7, ra, a2)

    la a3, 8f
    addi a3, a3, 100
    jalr ra, -100(a3)
    FAIL_HERE(8)
8:  la a3, 9f
    addi a3, a3, -7             /* imm 7 gives an odd target */
    jalr x0, 7(a3)
    FAIL_HERE(9)

    /* rd == rs1: the link must not disturb the target */
9:  la a4, 10f
11: jalr a4, 0(a4)
    FAIL_HERE(10)
10: la a2, 11b
    addi a2, a2, 4
    CHECK_REG(11, a4, a2)

    /* call and return */
    li a1, 5
    call double_it
    CHECK_EQ(12, a1, 10)
    call double_it
    CHECK_EQ(13, a1, 20)

    /* jalr with x0 link leaves x0 0; jal with x0 too */
    la a3, 12f
    jalr x0, 0(a3)
    FAIL_HERE(14)
12: CHECK_EQ(15, x0, 0)
TEST_PASS

double_it:
    add a1, a1, a1
    ret
