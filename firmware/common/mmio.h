/* Memory-mapped register access for softhba firmware. */
#ifndef SHBA_MMIO_H
#define SHBA_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile const uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

static inline uint8_t mmio_read8(uintptr_t addr)
{
    return *(volatile const uint8_t *)addr;
}

static inline void mmio_write8(uintptr_t addr, uint8_t value)
{
    *(volatile uint8_t *)addr = value;
}

/* A block's register: SHBA_REG(UART, STATUS) is the address of UART STATUS. */
#define SHBA_REG(block, reg) ((uintptr_t)(SHBA_##block##_BASE + SHBA_##block##_##reg))

#define csr_read(name) ({ uint32_t v_; __asm__ volatile ("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write(name, v) __asm__ volatile ("csrw " #name ", %0" :: "r"((uint32_t)(v)))
#define csr_set(name, v) __asm__ volatile ("csrs " #name ", %0" :: "r"((uint32_t)(v)))
#define csr_clear(name, v) __asm__ volatile ("csrc " #name ", %0" :: "r"((uint32_t)(v)))

#endif
