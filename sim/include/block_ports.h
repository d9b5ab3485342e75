/* Ports of the block-level tops (rtl/isa/isa_interface.v, the SD path of
 * tests/sd/sd_path_top.v) that are not card pins: the SoC bus slave port and
 * one end of the data FIFO.  The pin adapters (sim/harness/top_*.cpp) copy
 * them like card_pins; the devices sim/harness/bus_master.c and
 * byte_stream.c drive them. */
#ifndef SOFTHBA_BLOCK_PORTS_H
#define SOFTHBA_BLOCK_PORTS_H

#include <stdint.h>

/* A bus slave port: valid/ready handshake, one access at a time. */
struct bus_port {
    /* driven by the master (device) */
    uint8_t valid;
    uint32_t addr;
    uint32_t wdata;
    uint8_t wstrb;       /* 0: read */
    /* driven by the model */
    uint32_t rdata;
    uint8_t ready;
};

/* One end of a byte FIFO. */
struct fifo_port {
    /* driven by the device */
    uint8_t push;
    uint8_t push_data;
    uint8_t pop;
    /* driven by the model */
    uint8_t full;
    uint8_t empty;
    uint8_t pop_data;    /* the head byte while !empty */
};

#endif
