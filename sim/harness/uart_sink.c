/* Console UART device: see uart_sink.h. */
#include "uart_sink.h"

#include <stdlib.h>
#include <string.h>

#include "cosim.h"

struct uart_sink {
    uint64_t bit_ps;
    FILE *out;

    /* uart_tx decoder */
    int rx_busy;              /* inside a frame */
    uint64_t frame_start_ps;  /* time the start bit's falling edge was seen */
    int next_sample;          /* 0 start, 1-8 data, 9 stop */
    uint8_t shift;
    uint8_t last_tx;
    char *text;
    size_t text_len, text_cap;
    unsigned framing_errors;

    /* uart_rx feeder */
    uint8_t *feed;
    size_t feed_len, feed_pos;
    uint64_t feed_start_ps;   /* earliest start of the next byte */
    int feeding;              /* a byte is on the line */
    uint64_t byte_start_ps;
};

static void keep_byte(struct uart_sink *u, uint8_t byte)
{
    if (u->text_len + 2 > u->text_cap) {
        size_t cap = u->text_cap ? u->text_cap * 2 : 4096;
        char *grown = realloc(u->text, cap);
        if (!grown)
            return;
        u->text = grown;
        u->text_cap = cap;
    }
    u->text[u->text_len++] = (char)byte;
    u->text[u->text_len] = '\0';
    if (u->out) {
        fputc(byte, u->out);
        fflush(u->out);
    }
}

static void decode_tx(struct uart_sink *u, uint8_t tx, uint64_t now)
{
    if (!u->rx_busy) {
        if (u->last_tx && !tx) {
            u->rx_busy = 1;
            u->frame_start_ps = now;
            u->next_sample = 0;
            u->shift = 0;
        }
    } else {
        /* Sample n is taken in the middle of bit n. */
        uint64_t when = u->frame_start_ps + u->bit_ps * (uint64_t)u->next_sample + u->bit_ps / 2;
        if (now >= when) {
            if (u->next_sample == 0) {
                if (tx)              /* a glitch, not a start bit */
                    u->rx_busy = 0;
            } else if (u->next_sample <= 8) {
                u->shift = (uint8_t)((u->shift >> 1) | (tx ? 0x80 : 0));
            } else {
                if (tx)
                    keep_byte(u, u->shift);
                else
                    u->framing_errors++;
                u->rx_busy = 0;
            }
            u->next_sample++;
        }
    }
    u->last_tx = tx;
}

static uint8_t drive_rx(struct uart_sink *u, uint64_t now)
{
    if (!u->feeding) {
        if (u->feed_pos >= u->feed_len || now < u->feed_start_ps)
            return 1;
        u->feeding = 1;
        u->byte_start_ps = now;
    }
    uint64_t bit = (now - u->byte_start_ps) / u->bit_ps;
    uint8_t byte = u->feed[u->feed_pos];
    if (bit == 0)
        return 0;
    if (bit <= 8)
        return (uint8_t)((byte >> (bit - 1)) & 1u);
    if (bit == 9)
        return 1;
    /* Frame done: the next byte starts now, back to back. */
    u->feeding = 0;
    u->feed_pos++;
    u->feed_start_ps = now;
    return drive_rx(u, now);
}

static void uart_sink_step(void *ctx, uint64_t now_ps)
{
    struct uart_sink *u = ctx;
    struct card_pins *pins = cosim_pins();
    decode_tx(u, pins->uart_tx, now_ps);
    pins->uart_rx = drive_rx(u, now_ps);
}

struct uart_sink *uart_sink_create(uint32_t baud, FILE *out)
{
    struct uart_sink *u = calloc(1, sizeof *u);
    if (!u || baud == 0) {
        free(u);
        return NULL;
    }
    u->bit_ps = 1000000000000ull / baud;
    u->out = out;
    u->last_tx = 1;
    cosim_pins()->uart_rx = 1;
    cosim_add_device(uart_sink_step, u);
    return u;
}

void uart_sink_destroy(struct uart_sink *u)
{
    if (!u)
        return;
    free(u->text);
    free(u->feed);
    free(u);
}

int uart_sink_feed(struct uart_sink *u, const uint8_t *bytes, size_t len, uint64_t start_ps)
{
    size_t left = u->feed_len - u->feed_pos;
    uint8_t *queue = malloc(left + len + 1);
    if (!queue)
        return -1;
    if (left)
        memcpy(queue, u->feed + u->feed_pos, left);
    if (len)
        memcpy(queue + left, bytes, len);
    free(u->feed);
    u->feed = queue;
    u->feed_len = left + len;
    u->feed_pos = 0;
    if (!u->feeding && start_ps > u->feed_start_ps)
        u->feed_start_ps = start_ps;
    return 0;
}

size_t uart_sink_rx_pending(const struct uart_sink *u)
{
    return u->feed_len - u->feed_pos;
}

const char *uart_sink_text(const struct uart_sink *u, size_t *len)
{
    if (len)
        *len = u->text_len;
    return u->text ? u->text : "";
}

unsigned uart_sink_framing_errors(const struct uart_sink *u)
{
    return u->framing_errors;
}
