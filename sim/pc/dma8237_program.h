/* Programming the AT's 8237 pair from host software, through the PC's I/O
 * ports (pc_outb), as a driver or the HAL does.  One place for the port
 * numbers, the mode bits and the register sequence; used by the port driver
 * emulation (sim/portdrv) and the tests that play the host themselves.
 *
 * Ports and page registers: IBM PC AT Technical Reference (system board I/O
 * address map); register and mode bits: Intel 8237A datasheet.  DMA1 (channels
 * 0-3, 8-bit) decodes its registers one port apart from 0x00, DMA2 (channels
 * 4-7, 16-bit; 4 cascades DMA1) two ports apart from 0xC0.  A 16-bit channel
 * counts words: its address register holds physical address bits 16:1 and its
 * page register bits 23:17 (bit 0 ignored). */
#ifndef SOFTHBA_DMA8237_PROGRAM_H
#define SOFTHBA_DMA8237_PROGRAM_H

#include <stdint.h>

#include "pc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The registers of one 8237, by index: DMA1 decodes index n at port n,
 * DMA2 (wired to address lines A4:A1) at port 0xC0 + 2n. */
#define DMA_REG_ADDRESS(c) (2u * (c))     /* channel c (0-3 of its chip): base/current address */
#define DMA_REG_COUNT(c) (2u * (c) + 1u)  /* base/current count */
#define DMA_REG_STATUS 0x8u               /* read: TC and request bits; write: command */
#define DMA_REG_REQUEST 0x9u
#define DMA_REG_SINGLE_MASK 0xAu
#define DMA_REG_MODE 0xBu
#define DMA_REG_CLEAR_FLIPFLOP 0xCu
#define DMA_REG_MASTER_CLEAR 0xDu
#define DMA_REG_CLEAR_MASK 0xEu
#define DMA_REG_ALL_MASK 0xFu

#define DMA1_PORT(reg) ((uint16_t)(reg))                 /* channels 0-3, 8-bit */
#define DMA2_PORT(reg) ((uint16_t)(0xC0u + 2u * (reg)))  /* channels 4-7, 16-bit */

#define DMA1_STATUS DMA1_PORT(DMA_REG_STATUS)
#define DMA1_REQUEST DMA1_PORT(DMA_REG_REQUEST)
#define DMA1_SINGLE_MASK DMA1_PORT(DMA_REG_SINGLE_MASK)
#define DMA1_MODE DMA1_PORT(DMA_REG_MODE)
#define DMA1_CLEAR_FLIPFLOP DMA1_PORT(DMA_REG_CLEAR_FLIPFLOP)
#define DMA2_STATUS DMA2_PORT(DMA_REG_STATUS)
#define DMA2_REQUEST DMA2_PORT(DMA_REG_REQUEST)
#define DMA2_SINGLE_MASK DMA2_PORT(DMA_REG_SINGLE_MASK)
#define DMA2_MODE DMA2_PORT(DMA_REG_MODE)
#define DMA2_CLEAR_FLIPFLOP DMA2_PORT(DMA_REG_CLEAR_FLIPFLOP)

/* Page registers (74LS612): physical address bits 23:16 */
#define DMA_PAGE_CH0 0x87u
#define DMA_PAGE_CH1 0x83u
#define DMA_PAGE_CH2 0x81u
#define DMA_PAGE_CH3 0x82u
#define DMA_PAGE_CH4 0x8Fu          /* the AT's refresh page: unused by DMA */
#define DMA_PAGE_CH5 0x8Bu
#define DMA_PAGE_CH6 0x89u
#define DMA_PAGE_CH7 0x8Au

/* Mode register: channel in bits 1:0, then */
#define DMA_MODE_VERIFY 0x00u
#define DMA_MODE_TO_MEMORY 0x04u    /* "write transfer": I/O device to memory */
#define DMA_MODE_FROM_MEMORY 0x08u  /* "read transfer": memory to I/O device */
#define DMA_MODE_AUTOINIT 0x10u
#define DMA_MODE_DECREMENT 0x20u
#define DMA_MODE_DEMAND 0x00u
#define DMA_MODE_SINGLE 0x40u
#define DMA_MODE_BLOCK 0x80u
#define DMA_MODE_CASCADE 0xC0u

/* Single mask and request registers: channel in bits 1:0, and set (1) or
 * clear (0) its mask bit / its software request */
#define DMA_MASK_SET 0x04u
#define DMA_REQUEST_SET 0x04u

/* The ports that serve one channel. */
struct dma8237_ports {
    uint16_t address, count, page;
    uint16_t status, single_mask, mode, clear_flipflop;
};

/* 0 and *out filled for channels 0-3 and 5-7; -1 for 4 (the cascade) and
 * anything else. */
int dma8237_ports(int channel, struct dma8237_ports *out);

/* Programs one transfer of length bytes at phys: mask the channel, clear the
 * byte flip-flop, mode (mode_bits: DMA_MODE_* without the channel), address
 * low/high, page, clear the flip-flop again, count-1 low/high, unmask.  A
 * 16-bit channel moves whole words: address bit 0 and an odd length's last
 * byte are dropped, as the registers cannot hold them.  Returns 0, or -1
 * (nothing written) for a bad channel or a length outside one count (1 to
 * 64 KiB; 2 to 128 KiB on a 16-bit channel). */
int dma8237_program(struct pc *pc, int channel, uint8_t mode_bits, uint32_t phys, uint32_t length);

/* Sets the channel's mask bit (no effect for a bad channel). */
void dma8237_mask(struct pc *pc, int channel);

/* The status register of the controller that serves the channel: TC reached
 * in bits 3:0, requests in bits 7:4 (reading clears the TC bits). */
uint8_t dma8237_status(struct pc *pc, int channel);

#ifdef __cplusplus
}
#endif

#endif
