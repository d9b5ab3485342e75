/* A byte stream device on one end of a FIFO (struct fifo_port): a source
 * pushing a buffer and a sink popping into one.  It plays what sits on that
 * end in the block testbenches: the SD engine for tests/isa, the ISA side for
 * tests/sd. */
#ifndef SOFTHBA_BYTE_STREAM_H
#define SOFTHBA_BYTE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "block_ports.h"

#ifdef __cplusplus
extern "C" {
#endif

struct byte_stream;

/* Registers the device on the kernel.  dir is the top's FIFO direction
 * output (fifo_dir_to_host): the source pushes only while *dir == push_dir,
 * the sink pops only while it is not (the FIFO ignores the wrong side). */
struct byte_stream *byte_stream_create(struct fifo_port *port, const uint8_t *dir, int push_dir);
void byte_stream_destroy(struct byte_stream *bs);

/* Push buf whenever the FIFO has room: `burst` bytes then `gap` idle cycles
 * (burst 0: no pauses).  buf NULL: no source. */
void byte_stream_source(struct byte_stream *bs, const uint8_t *buf, size_t len, unsigned burst,
                        unsigned gap);
size_t byte_stream_source_pos(const struct byte_stream *bs);
/* Pop into buf while it has room.  buf NULL: no sink. */
void byte_stream_sink(struct byte_stream *bs, uint8_t *buf, size_t cap);
size_t byte_stream_sink_len(const struct byte_stream *bs);
/* Move at most a byte on every n-th core clock cycle (1: every cycle, the
 * default; 0: never). */
void byte_stream_pace(struct byte_stream *bs, unsigned n);

#ifdef __cplusplus
}
#endif

#endif
