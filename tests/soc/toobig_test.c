/* Does not fit the RAM: the firmware build must refuse it, saying by how much. */
#include <stdio.h>

static volatile char too_big[16384];

int main(void)
{
    too_big[0] = 1;
    return too_big[0] == 1 ? 0 : 1;
}
