/* softhba firmware runtime: UART, timer, exit, counters, default trap. */
#include <stdio.h>
#include <stdlib.h>
#include "soc.h"

void shba_uart_putc(char c)
{
    mmio_write32(SHBA_REG(UART, DATA), (uint8_t)c);
}

int shba_uart_try_getc(void)
{
    if (!(mmio_read32(SHBA_REG(UART, STATUS)) & SHBA_UART_STATUS_RX_VALID))
        return -1;
    return (int)(mmio_read32(SHBA_REG(UART, DATA)) & 0xffu);
}

int shba_uart_getc(void)
{
    int c;
    while ((c = shba_uart_try_getc()) < 0)
        ;
    return c;
}

void shba_uart_flush(void)
{
    while (mmio_read32(SHBA_REG(UART, STATUS)) & SHBA_UART_STATUS_TX_BUSY)
        ;
}

uint64_t shba_mtime(void)
{
    uint32_t hi, lo;
    do {
        hi = mmio_read32(SHBA_REG(TIMER, MTIME_HI));
        lo = mmio_read32(SHBA_REG(TIMER, MTIME_LO));
    } while (hi != mmio_read32(SHBA_REG(TIMER, MTIME_HI)));
    return ((uint64_t)hi << 32) | lo;
}

void shba_set_mtimecmp(uint64_t when)
{
    /* Raise the high half first so that no spurious match happens between. */
    mmio_write32(SHBA_REG(TIMER, MTIMECMP_HI), 0xffffffffu);
    mmio_write32(SHBA_REG(TIMER, MTIMECMP_LO), (uint32_t)when);
    mmio_write32(SHBA_REG(TIMER, MTIMECMP_HI), (uint32_t)(when >> 32));
}

void shba_sim_exit(int code)
{
    shba_uart_flush();
    mmio_write32(SHBA_REG(SIMCTRL, EXIT), (uint32_t)code);
    for (;;)
        ;
}

/* picolibc's exit() ends here. */
void _exit(int code)
{
    shba_sim_exit(code);
}

uint64_t shba_rdcycle(void)
{
    uint32_t hi, lo;
    do {
        hi = csr_read(mcycleh);
        lo = csr_read(mcycle);
    } while (hi != csr_read(mcycleh));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t shba_rdinstret(void)
{
    uint32_t hi, lo;
    do {
        hi = csr_read(minstreth);
        lo = csr_read(minstret);
    } while (hi != csr_read(minstreth));
    return ((uint64_t)hi << 32) | lo;
}

__attribute__((weak)) uintptr_t shba_trap(uint32_t mcause, uintptr_t mepc, uint32_t mtval,
                                          struct shba_trap_frame *frame)
{
    (void)frame;
    printf("\ntrap: mcause 0x%08lx mepc 0x%08lx mtval 0x%08lx\n",
           (unsigned long)mcause, (unsigned long)mepc, (unsigned long)mtval);
    shba_sim_exit(SHBA_TRAP_EXIT_CODE);
}

uint32_t shba_stack_peak(void)
{
    extern uint32_t __bss_end[], __stack_top[];
    /* Addresses as integers: the two symbols bound one region the linker
     * script made, which C cannot say. */
    uintptr_t a = (uintptr_t)__bss_end, top = (uintptr_t)__stack_top;
    while (a < top && *(const volatile uint32_t *)a == SHBA_STACK_PAINT)
        a += 4;
    return (uint32_t)(top - a);
}
