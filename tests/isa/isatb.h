/* Test-only bench for the ISA block (tests/isa): the co-simulation kernel of
 * sim/harness/cosim.h implemented around a Verilated rtl/isa/isa_interface
 * (not the full card), plus a simulation-only stand-in for the card side:
 * it plays the SD engine on the FIFO stream ports and the firmware on the
 * CPU bus port.  Nothing here is part of the card. */
#ifndef ISATB_H
#define ISATB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CPU bus accesses at 0x2000_0000 + offset (blocking; the kernel runs). */
void isatb_cpu_write(uint32_t addr, uint32_t data);
uint32_t isatb_cpu_read(uint32_t addr);
int isatb_cpu_irq(void);

/* Card-side data source (card to host): push buf into the FIFO whenever it
 * has room, `burst` bytes then `gap` idle cycles (burst 0 = no pauses). */
void isatb_source(const uint8_t *buf, size_t len, unsigned burst, unsigned gap);
size_t isatb_source_pos(void);
/* Card-side data sink (host to card): pop into buf while it has room. */
void isatb_sink(uint8_t *buf, size_t cap);
size_t isatb_sink_len(void);

/* Card outputs not in card_pins. */
int isatb_host_reset_req(void);
unsigned isatb_fifo_level(void);

#ifdef __cplusplus
}
#endif

#endif
