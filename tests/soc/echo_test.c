/* UART receive: echo every byte the harness feeds (card-run --uart-in) in
 * upper case until a '.' arrives, then report the count and exit with it.
 * One byte out per byte in, so the echo keeps pace with back-to-back input. */
#include <ctype.h>
#include <stdio.h>
#include "soc.h"

int main(void)
{
    int count = 0;
    /* A prompt before the input starts: the code runs from the flash, and
     * its first pass through putchar fills the cache lines the echo loop
     * needs, which takes longer than one character time (86.8 us) cold. */
    putchar(toupper('>'));
    for (;;) {
        int c = getchar();
        if (c == EOF)
            return 99;
        count++;
        if (c == '.')
            break;
        putchar(toupper(c));
    }
    unsigned status = mmio_read32(SHBA_REG(UART, STATUS));
    printf("\n%d bytes, overrun %u\n", count, (status & SHBA_UART_STATUS_RX_OVERRUN) ? 1u : 0u);
    return count;
}
