/* The byte stream device (byte_stream.h). */
#include "byte_stream.h"
#include "cosim.h"

#include <stdlib.h>

struct byte_stream {
    struct fifo_port *port;
    const uint8_t *dir;
    int push_dir;
    unsigned pace;
    const uint8_t *src;
    size_t src_len, src_pos;
    unsigned burst, gap, in_burst, wait;
    uint8_t *sink;
    size_t sink_cap, sink_len;
};

/* Decides the requests for the next edge from the state after this one. */
static void byte_stream_step(void *ctx, uint64_t now_ps)
{
    struct byte_stream *bs = ctx;
    struct fifo_port *p = bs->port;
    (void)now_ps;
    p->push = 0;
    p->pop = 0;
    if (bs->pace == 0 || cosim_cycles() % bs->pace != 0)
        return;
    if (*bs->dir == bs->push_dir) {
        if (!bs->src || bs->src_pos >= bs->src_len || p->full)
            return;
        if (bs->wait) {
            bs->wait--;
            return;
        }
        p->push = 1;
        p->push_data = bs->src[bs->src_pos++];
        if (bs->burst && ++bs->in_burst == bs->burst) {
            bs->in_burst = 0;
            bs->wait = bs->gap;
        }
    } else if (bs->sink && bs->sink_len < bs->sink_cap && !p->empty) {
        p->pop = 1;
        bs->sink[bs->sink_len++] = p->pop_data;
    }
}

struct byte_stream *byte_stream_create(struct fifo_port *port, const uint8_t *dir, int push_dir)
{
    struct byte_stream *bs = calloc(1, sizeof *bs);
    if (!bs)
        return NULL;
    bs->port = port;
    bs->dir = dir;
    bs->push_dir = push_dir;
    bs->pace = 1;
    cosim_add_device(byte_stream_step, bs);
    return bs;
}

void byte_stream_destroy(struct byte_stream *bs)
{
    free(bs);
}

void byte_stream_source(struct byte_stream *bs, const uint8_t *buf, size_t len, unsigned burst,
                        unsigned gap)
{
    bs->src = buf;
    bs->src_len = buf ? len : 0;
    bs->src_pos = 0;
    bs->burst = burst;
    bs->gap = gap;
    bs->in_burst = 0;
    bs->wait = 0;
}

size_t byte_stream_source_pos(const struct byte_stream *bs)
{
    return bs->src_pos;
}

void byte_stream_sink(struct byte_stream *bs, uint8_t *buf, size_t cap)
{
    bs->sink = buf;
    bs->sink_cap = buf ? cap : 0;
    bs->sink_len = 0;
}

size_t byte_stream_sink_len(const struct byte_stream *bs)
{
    return bs->sink_len;
}

void byte_stream_pace(struct byte_stream *bs, unsigned n)
{
    bs->pace = n;
}
