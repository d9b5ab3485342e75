/* Configuration: the SD path test top (tests/sd/sd_path_top.v: the SD stream
 * engine and the data FIFO).  Its SD pins are card_pins (sd_*); RESET DRV
 * (card_pins.isa_reset) is its reset; its other ports are here. */
#ifndef SOFTHBA_TOP_SD_PATH_H
#define SOFTHBA_TOP_SD_PATH_H

#include <stdint.h>
#include "block_ports.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sd_path_pins {
    struct bus_port bus;        /* SD engine registers; FIFO registers at SHBA_FIFO_BASE */
    struct fifo_port host;      /* the FIFO's far (ISA) end */
    /* outputs */
    uint16_t fifo_level;
    uint8_t fifo_dir_to_host;
    uint8_t eng_push;           /* the engine asks to push / pop this cycle */
    uint8_t eng_pop;
    uint8_t irq;
};

struct sd_path_pins *top_sd_path_pins(void);

#ifdef __cplusplus
}
#endif

#endif
