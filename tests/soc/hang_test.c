/* Never ends: the harness's cycle limit must stop it. */
#include <stdio.h>

int main(void)
{
    printf("spinning\n");
    for (;;)
        __asm__ volatile ("");
}
