/* Programming the AT's 8237 pair through the PC's I/O ports
 * (dma8237_program.h). */
#include "dma8237_program.h"

/* Port of register reg of the chip that serves the channel. */
static uint16_t chip_port(int channel, unsigned reg)
{
    return channel < 4 ? DMA1_PORT(reg) : DMA2_PORT(reg);
}

int dma8237_ports(int channel, struct dma8237_ports *out)
{
    static const uint16_t page[8] = { DMA_PAGE_CH0, DMA_PAGE_CH1, DMA_PAGE_CH2, DMA_PAGE_CH3,
                                      DMA_PAGE_CH4, DMA_PAGE_CH5, DMA_PAGE_CH6, DMA_PAGE_CH7 };
    if (channel < 0 || channel > 7 || channel == 4)
        return -1;
    unsigned c = (unsigned)channel & 3u;
    out->address = chip_port(channel, DMA_REG_ADDRESS(c));
    out->count = chip_port(channel, DMA_REG_COUNT(c));
    out->page = page[channel];
    out->status = chip_port(channel, DMA_REG_STATUS);
    out->single_mask = chip_port(channel, DMA_REG_SINGLE_MASK);
    out->mode = chip_port(channel, DMA_REG_MODE);
    out->clear_flipflop = chip_port(channel, DMA_REG_CLEAR_FLIPFLOP);
    return 0;
}

int dma8237_program(struct pc *pc, int channel, uint8_t mode_bits, uint32_t phys, uint32_t length)
{
    struct dma8237_ports p;
    uint32_t address, count;
    uint8_t page, sel = (uint8_t)(channel & 3);
    if (dma8237_ports(channel, &p) != 0)
        return -1;
    if (channel >= 4) {
        if (length < 2 || length > 0x20000u)
            return -1;
        address = (phys >> 1) & 0xFFFFu;
        page = (uint8_t)((phys >> 16) & 0xFEu);
        count = length / 2 - 1;
    } else {
        if (length < 1 || length > 0x10000u)
            return -1;
        address = phys & 0xFFFFu;
        page = (uint8_t)(phys >> 16);
        count = length - 1;
    }
    /* Masked while the registers change: a half-written address must never
     * meet a DRQ.  The flip-flop picks the low or high byte of the 16-bit
     * registers; it is cleared before each pair. */
    pc_outb(pc, p.single_mask, (uint8_t)(DMA_MASK_SET | sel));
    pc_outb(pc, p.clear_flipflop, 0);
    pc_outb(pc, p.mode, (uint8_t)((mode_bits & ~3u) | sel));
    pc_outb(pc, p.address, (uint8_t)address);
    pc_outb(pc, p.address, (uint8_t)(address >> 8));
    pc_outb(pc, p.page, page);
    pc_outb(pc, p.clear_flipflop, 0);
    pc_outb(pc, p.count, (uint8_t)count);
    pc_outb(pc, p.count, (uint8_t)(count >> 8));
    pc_outb(pc, p.single_mask, sel);
    return 0;
}

void dma8237_mask(struct pc *pc, int channel)
{
    struct dma8237_ports p;
    if (dma8237_ports(channel, &p) == 0)
        pc_outb(pc, p.single_mask, (uint8_t)(DMA_MASK_SET | (channel & 3)));
}

uint8_t dma8237_status(struct pc *pc, int channel)
{
    return pc_inb(pc, chip_port(channel, DMA_REG_STATUS));
}
