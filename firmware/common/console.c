/* picolibc tinystdio on the console UART: stdin, stdout and stderr are one
 * unbuffered stream.  Bytes go out as written (no CR is added). */
#include <stdio.h>
#include "soc.h"

static int console_put(char c, FILE *file)
{
    (void)file;
    shba_uart_putc(c);
    return (unsigned char)c;
}

static int console_get(FILE *file)
{
    (void)file;
    return shba_uart_getc();
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, NULL, _FDEV_SETUP_RW);

FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;
