/* softhba card firmware: boot, then one SCSI command at a time from the host
 * register file's mailbox (docs/protocol.md). */
#include "card.h"

#include "soc.h"

#define HIF(reg) SHBA_REG(HOSTIF, reg)

static struct card card;
static struct scsi_dev disk;

static void put_str(const char *s)
{
    while (*s)
        shba_uart_putc(*s++);
}

static void put_hex(uint32_t v)
{
    for (int sh = 28; sh >= 0; sh -= 4)
        shba_uart_putc("0123456789abcdef"[(v >> sh) & 0xFu]);
}

/* No trap is expected: say so, drop READY, show ERROR, stop. */
uintptr_t shba_trap(uint32_t mcause, uintptr_t mepc, uint32_t mtval, struct shba_trap_frame *frame)
{
    (void)frame;
    card_hstatus(&card, SHBA_HOSTIF_HSTATUS_ERROR, SHBA_HOSTIF_HSTATUS_READY);
    put_str("fw trap ");
    put_hex(mcause);
    shba_uart_putc(' ');
    put_hex(mepc);
    shba_uart_putc(' ');
    put_hex(mtval);
    shba_uart_putc('\n');
    shba_sim_exit(SHBA_TRAP_EXIT_CODE);
}

static void run_command(void)
{
    uint8_t block[SHBA_HOST_CMD_BLOCK_LEN];
    uint8_t out[SHBA_HOST_RES_BLOCK_LEN];
    struct scsi_result res;

    /* The mailbox has one byte per word: copy it four bytes a turn (the loop
     * overhead costs as much as the reads on this CPU). */
    const volatile uint32_t *mbox = (const volatile uint32_t *)HIF(CMD);
    for (unsigned i = 0; i < SHBA_HOST_CMD_BLOCK_LEN; i += 4) {
        block[i] = (uint8_t)mbox[i];
        block[i + 1] = (uint8_t)mbox[i + 1];
        block[i + 2] = (uint8_t)mbox[i + 2];
        block[i + 3] = (uint8_t)mbox[i + 3];
    }
    card_begin(&card, block);
    scsi_execute(&disk, block, &res);
    card_end(&card);
    unsigned n = scsi_result_encode(&res, out);
    for (unsigned i = 0; i < n; i++)
        mmio_write32(HIF(RESULT) + 4u * i, out[i]);
    mmio_write32(HIF(POST), SHBA_HOSTIF_POST_CMD_DONE);
}

int main(void)
{
    uint32_t cause = mmio_read32(HIF(RESET_CAUSE));
    mmio_write32(HIF(FW_VERSION), CARD_FW_VERSION_MAJOR << 8 | CARD_FW_VERSION_MINOR);
    mmio_write32(SHBA_REG(FIFO, CTRL), SHBA_FIFO_CTRL_CLEAR | SHBA_FIFO_CTRL_DIR_TO_HOST);
    card_init(&card);
    /* After any reset (power-on, RESET DRV, CONTROL.RESET) the disk starts
     * with its unit attention pending. */
    scsi_init(&disk, &card_scsi_ops, &card, card_serial(&card));

    put_str("softhba fw 1.0 reset ");
    put_hex(cause);
    put_str(" sd ");
    put_hex((uint32_t)card.sd_err);
    put_str(" blocks ");
    put_hex(card.sd.blocks);
    shba_uart_putc('\n');

    card_hstatus(&card, SHBA_HOSTIF_HSTATUS_READY, 0);
    mmio_write32(HIF(POST), SHBA_HOSTIF_POST_RESET_DONE);

    for (;;) {
        uint32_t ev = mmio_read32(HIF(EVENTS));
        if (ev & SHBA_HOSTIF_EVENTS_START) {
            mmio_write32(HIF(EVENTS), SHBA_HOSTIF_EVENTS_START);
            run_command();
        } else if (ev != 0) {
            /* ABORT, ARM or SEG_END with no command: a late ABORT of a
             * command already done, or a host error.  Drop them so that
             * they do not hit the next command. */
            mmio_write32(HIF(EVENTS), ev);
        }
    }
}
