/* The console UART as a co-simulation device: decodes the card's uart_tx
 * (8N1) from the pins and can feed bytes into uart_rx.  Bytes are timed in
 * simulated picoseconds at the configured baud rate (the card's divider gives
 * 115384 baud at 36 MHz, within 0.2 % of 115200: sampling mid-bit absorbs it). */
#ifndef SOFTHBA_UART_SINK_H
#define SOFTHBA_UART_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uart_sink;

/* Create the device and add it to the kernel (cosim_init first).  Received
 * bytes are written to out (unbuffered use: each byte is flushed) when out is
 * not NULL, and always kept in a buffer (uart_sink_text). */
struct uart_sink *uart_sink_create(uint32_t baud, FILE *out);
void uart_sink_destroy(struct uart_sink *u);

/* Queue bytes for the card's uart_rx, sent back to back, the first one no
 * earlier than start_ps.  Returns 0, or -1 when out of memory. */
int uart_sink_feed(struct uart_sink *u, const uint8_t *bytes, size_t len, uint64_t start_ps);
/* Bytes queued for uart_rx and not yet completely sent. */
size_t uart_sink_rx_pending(const struct uart_sink *u);

/* Everything received from uart_tx so far (NUL-terminated), and its length. */
const char *uart_sink_text(const struct uart_sink *u, size_t *len);
/* Frames whose stop bit was low (garbled console). */
unsigned uart_sink_framing_errors(const struct uart_sink *u);

#ifdef __cplusplus
}
#endif

#endif
