/* A bus master device: plays the SoC CPU on a block top's bus slave port
 * (struct bus_port), one blocking access at a time, in simulated time.  Used
 * where the block is tested without the CPU (tests/isa, tests/sd). */
#ifndef SOFTHBA_BUS_MASTER_H
#define SOFTHBA_BUS_MASTER_H

#include <stdint.h>
#include "block_ports.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bus_master;

/* Registers the device on the kernel (after cosim_init). */
struct bus_master *bus_master_create(struct bus_port *port);
void bus_master_destroy(struct bus_master *bm);

/* One access; the kernel runs until the slave answers.  A slave that does
 * not answer within 1000 cycles is an error: said on stderr, counted, and
 * the read returns 0. */
uint32_t bus_master_read(struct bus_master *bm, uint32_t addr);
void bus_master_write(struct bus_master *bm, uint32_t addr, uint32_t data);
uint64_t bus_master_errors(const struct bus_master *bm);

#ifdef __cplusplus
}
#endif

#endif
