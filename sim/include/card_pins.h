/* The card's top-level pins as the co-simulation sees them.
 *
 * One field per port of rtl/card/softhba_card.v, named after it.  The harness
 * (sim/harness) copies the PC-driven and SD-driven inputs into the Verilated
 * card before every clock edge and the card's outputs back after it; devices
 * (the PC models in sim/pc, the SD card model in sim/sdcard, the UART sink)
 * read the outputs and write the inputs.  Active-low signals keep their _n. */
#ifndef SOFTHBA_CARD_PINS_H
#define SOFTHBA_CARD_PINS_H

#include <stdint.h>

struct card_pins {
    /* ISA, driven by the PC */
    uint16_t isa_sa;          /* SA[9:0] */
    uint8_t isa_sbhe_n;
    uint16_t isa_sd_in;       /* SD[15:0] as the bus carries it */
    uint8_t isa_aen;
    uint8_t isa_ior_n;
    uint8_t isa_iow_n;
    uint8_t isa_dack_n;       /* bit n = DACKn# (1 = inactive) */
    uint8_t isa_tc;
    uint8_t isa_reset;        /* RESET DRV, active high */

    /* ISA, driven by the card */
    uint16_t isa_sd_out;
    uint8_t isa_sd_oe;        /* bit 0: card drives SD[7:0], bit 1: SD[15:8] */
    uint8_t isa_iochrdy_oe;   /* 1 = card pulls IOCHRDY low (not ready) */
    uint8_t isa_iocs16_n_oe;  /* 1 = card pulls IOCS16# low */
    uint8_t isa_drq;          /* bit n = DRQn level */
    uint8_t isa_drq_oe;       /* bit n = card drives DRQn */
    uint16_t isa_irq;         /* bit n = IRQn level */
    uint16_t isa_irq_oe;      /* bit n = card drives IRQn */

    /* SD card (SPI mode) */
    uint8_t sd_sck;
    uint8_t sd_mosi;
    uint8_t sd_miso;          /* driven by the SD card model */
    uint8_t sd_cs_n;

    /* SPI flash (the board's configuration flash; the firmware runs from it) */
    uint8_t flash_sck;
    uint8_t flash_cs_n;
    uint8_t flash_dq0_out;    /* DQ0 (D) as the card drives it ... */
    uint8_t flash_dq0_oe;     /* ... while this is 1 (dual reads release it) */
    uint8_t flash_dq0;        /* DQ0 as the flash model drives it ... */
    uint8_t flash_dq0_drive;  /* ... while this is 1 (a dual read's data) */
    uint8_t flash_dq1;        /* DQ1 (Q), driven by the flash model (sim/flash) */

    /* Console UART */
    uint8_t uart_tx;
    uint8_t uart_rx;          /* driven by the harness (idle 1) */

    /* Board: configuration jumpers and LEDs */
    uint8_t cfg_base_sel;     /* 0 0x340, 1 0x330, 2 0x230, 3 0x140, 4 0x130 */
    uint8_t cfg_resources;    /* reset value of the HOST CONFIG register */
    uint8_t led;
};

#endif
