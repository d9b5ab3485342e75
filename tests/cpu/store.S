/* sb, sh, sw at every legal offset: only the addressed bytes change. */
#include "test.h"

/* fill the test word with a background, store, read the word back */
#define ST(n, op, off, val, expect)               \
    li gp, n;                                     \
    li t0, 0xa5a5a5a5;                            \
    sw t0, 0(s0);                                 \
    sw t0, 4(s0);                                 \
    li t1, val;                                   \
    op t1, off(s0);                               \
    lw a1, 0(s0);                                 \
    li t6, expect;                                \
    bne a1, t6, fail;                             \
    lw a1, 4(s0);                                 \
    bne a1, t0, fail

TEST_BEGIN
    la s0, data
    ST(1, sb, 0, 0x12345601, 0xa5a5a501)
    ST(2, sb, 1, 0x12345602, 0xa5a502a5)
    ST(3, sb, 2, 0x12345603, 0xa503a5a5)
    ST(4, sb, 3, 0x123456f4, 0xf4a5a5a5)
    ST(5, sh, 0, 0x1234beef, 0xa5a5beef)
    ST(6, sh, 2, 0x1234beef, 0xbeefa5a5)
    ST(7, sw, 0, 0xdeadbeef, 0xdeadbeef)
    ST(8, sb, 0, 0, 0xa5a5a500)
    ST(9, sh, 2, 0, 0x0000a5a5)

    /* negative offsets, and stores then loads of what was stored */
    addi s1, s0, 8
    li t1, 0x11223344
    sw t1, -8(s1)
    li t1, 0x99
    sb t1, -5(s1)
    lw a1, 0(s0)
    CHECK_EQ(20, a1, 0x99223344)
    lbu a1, 3(s0)
    CHECK_EQ(21, a1, 0x99)
    lb a1, 3(s0)
    CHECK_EQ(22, a1, 0xffffff99)
    li t1, 0x8001
    sh t1, 2(s0)
    lh a1, 2(s0)
    CHECK_EQ(23, a1, 0xffff8001)
    lhu a1, 2(s0)
    CHECK_EQ(24, a1, 0x8001)
    lw a1, 0(s0)
    CHECK_EQ(25, a1, 0x80013344)

    /* store x0 */
    sw x0, 0(s0)
    lw a1, 0(s0)
    CHECK_EQ(26, a1, 0)

    /* a block of words written and read back (also exercises back-to-back
       bus transfers) */
    li t0, 0
    li t1, 16
1:  slli t2, t0, 2
    add t2, t2, s0
    sw t0, 8(t2)
    addi t0, t0, 1
    bne t0, t1, 1b
    li t0, 0
    li gp, 30
2:  slli t2, t0, 2
    add t2, t2, s0
    lw a1, 8(t2)
    bne a1, t0, fail
    addi t0, t0, 1
    bne t0, t1, 2b
TEST_PASS

    .data
    .balign 4
data:
    .skip 80
