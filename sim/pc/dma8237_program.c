/* Programming the AT's 8237 pair through the PC's I/O ports
 * (dma8237_program.h). */
#include "dma8237_program.h"

int dma8237_ports(int channel, struct dma8237_ports *out)
{
    static const uint16_t page[8] = { DMA_PAGE_CH0, DMA_PAGE_CH1, DMA_PAGE_CH2, DMA_PAGE_CH3,
                                      DMA_PAGE_CH4, DMA_PAGE_CH5, DMA_PAGE_CH6, DMA_PAGE_CH7 };
    if (channel >= 0 && channel <= 3) {
        out->address = DMA1_ADDRESS((unsigned)channel);
        out->count = DMA1_COUNT((unsigned)channel);
        out->status = DMA1_STATUS;
        out->single_mask = DMA1_SINGLE_MASK;
        out->mode = DMA1_MODE;
        out->clear_flipflop = DMA1_CLEAR_FLIPFLOP;
    } else if (channel >= 5 && channel <= 7) {
        out->address = DMA2_ADDRESS((unsigned)channel);
        out->count = DMA2_COUNT((unsigned)channel);
        out->status = DMA2_STATUS;
        out->single_mask = DMA2_SINGLE_MASK;
        out->mode = DMA2_MODE;
        out->clear_flipflop = DMA2_CLEAR_FLIPFLOP;
    } else {
        return -1;
    }
    out->page = page[channel];
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
    return pc_inb(pc, channel < 4 ? DMA1_STATUS : DMA2_STATUS);
}
