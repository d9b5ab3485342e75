/* The flash model as a co-simulation device on the card's flash_* pins
 * (spi_flash.h). */
#include <stdio.h>

#include "cosim.h"
#include "softhba_regs.h"
#include "spi_flash.h"

/* The board's flash, one per run (a program may run the card more than once). */
static struct spi_flash *board_flash;

void spi_flash_cosim_step(void *ctx, uint64_t now_ps)
{
    struct spi_flash *f = ctx;
    struct card_pins *p = cosim_pins();
    unsigned dq = spi_flash_sample(f, now_ps, p->flash_cs_n, p->flash_sck, p->flash_dq0_out, p->flash_dq0_oe);
    p->flash_dq1 = (uint8_t)((dq >> 1) & 1u);
    p->flash_dq0 = (uint8_t)(dq & 1u);
    p->flash_dq0_drive = (uint8_t)((dq >> 2) & 1u);
}

struct spi_flash *spi_flash_cosim_attach(const char *firmware_hex)
{
    spi_flash_destroy(board_flash);
    board_flash = spi_flash_create();
    if (!board_flash) {
        fprintf(stderr, "cosim: out of memory for the flash model\n");
        return NULL;
    }
    if (spi_flash_load_hex(board_flash, firmware_hex, SHBA_SOC_FLASH_FW_OFFSET) != 0) {
        fprintf(stderr, "cosim: cannot load firmware image '%s' into the flash\n", firmware_hex);
        spi_flash_destroy(board_flash);
        board_flash = NULL;
        return NULL;
    }
    cosim_add_device(spi_flash_cosim_step, board_flash);
    return board_flash;
}
