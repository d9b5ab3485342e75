/* The default trap handler: an illegal instruction prints mcause/mepc and
 * ends the run with SHBA_TRAP_EXIT_CODE. */
#include <stdio.h>

int main(void)
{
    printf("about to trap\n");
    __asm__ volatile (".word 0x00000000");     /* all-zero: illegal instruction */
    printf("FAIL: still running\n");
    return 0;
}
