/* Configuration: rtl/isa/isa_interface.v alone (tests/isa).  Its ISA pins
 * and board jumpers are card_pins; its card-side ports are here. */
#ifndef SOFTHBA_TOP_ISA_INTERFACE_H
#define SOFTHBA_TOP_ISA_INTERFACE_H

#include <stdint.h>
#include "block_ports.h"

#ifdef __cplusplus
extern "C" {
#endif

struct isa_interface_pins {
    struct bus_port cpu;        /* HOSTIF and FIFO registers */
    struct fifo_port fifo;      /* the card-side end of the data FIFO */
    /* outputs */
    uint16_t fifo_level;
    uint8_t fifo_dir_to_host;
    uint8_t cpu_irq;
    uint8_t host_reset_req;
};

/* The top's own ports (valid after cosim_init). */
struct isa_interface_pins *top_isa_interface_pins(void);

#ifdef __cplusplus
}
#endif

#endif
