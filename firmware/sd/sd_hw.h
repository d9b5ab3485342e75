/* Register access for the SD driver: the one seam between the driver and
 * the hardware.  On the card it is volatile MMIO at SHBA_SD_BASE; built with
 * -DSD_HW_HOST the accessors are ordinary functions that a host testbench
 * implements (for instance by driving the Verilated engine's bus port). */
#ifndef SD_HW_H
#define SD_HW_H

#include <stdint.h>
#include "softhba_regs.h"

#ifdef SD_HW_HOST
uint32_t sd_hw_read(uint32_t off);
void sd_hw_write(uint32_t off, uint32_t val);
#else
static inline uint32_t sd_hw_read(uint32_t off)
{
    return *(volatile uint32_t *)(uintptr_t)(SHBA_SD_BASE + off);
}

static inline void sd_hw_write(uint32_t off, uint32_t val)
{
    *(volatile uint32_t *)(uintptr_t)(SHBA_SD_BASE + off) = val;
}
#endif

#endif
