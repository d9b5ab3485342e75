/* card-run: run a firmware image on the co-simulated card and show its
 * console.  Exits with the firmware's exit code (SIMCTRL EXIT), 125 when the
 * cycle limit stops it, 126 on a harness error, 2 on a bad command line. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cosim.h"
#include "softhba_regs.h"
#include "uart_sink.h"

#define EXIT_CYCLE_LIMIT 125
#define EXIT_HARNESS 126
#define EXIT_USAGE 2
#define DEFAULT_MAX_CYCLES 2000000000ull
#define DEFAULT_TRACE_FILE "build/sim/card-run.fst"
/* --uart-in bytes start 5 ms after reset: the firmware is up by then (it
 * boots from the SPI flash with a cold cache: about 3 ms for picolibc's stdio). */
#define UART_IN_START_PS 5000000000ull

static void usage(FILE *to)
{
    fprintf(to,
            "usage: card-run --firmware FILE.hex [--max-cycles N] [--wave FILE.fst]\n"
            "                [--uart-in STRING] [--stats]\n"
            "  --firmware FILE   $readmemh image for the card's RAM (required)\n"
            "  --max-cycles N    stop after N core cycles, exit 125 (default %llu, 0 = none)\n"
            "  --wave FILE       write an FST waveform (TRACE=1 in the environment: %s)\n"
            "  --uart-in STRING  bytes for the card's UART RX; C escapes \\n \\r \\t \\\\ \\xHH\n"
            "  --stats           print cycles, simulated and wall-clock time on stderr\n"
            "Exit status: the firmware's exit code; 125 cycle limit; 126 harness error;\n"
            "2 bad command line.\n",
            (unsigned long long)DEFAULT_MAX_CYCLES, DEFAULT_TRACE_FILE);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode C escapes of s into out (at least strlen(s) bytes); -1 if malformed. */
static long unescape(const char *s, uint8_t *out)
{
    long n = 0;
    while (*s) {
        if (*s != '\\') {
            out[n++] = (uint8_t)*s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'n': out[n++] = '\n'; s++; break;
        case 'r': out[n++] = '\r'; s++; break;
        case 't': out[n++] = '\t'; s++; break;
        case '\\': out[n++] = '\\'; s++; break;
        case 'x': {
            int hi = hex_digit(s[1]);
            int lo = hi >= 0 ? hex_digit(s[2]) : -1;
            if (lo < 0)
                return -1;
            out[n++] = (uint8_t)(hi * 16 + lo);
            s += 3;
            break;
        }
        default:
            return -1;
        }
    }
    return n;
}

static int parse_u64(const char *s, uint64_t *value)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *value = v;
    return 0;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    struct cosim_options opt;
    memset(&opt, 0, sizeof opt);
    opt.max_cycles = DEFAULT_MAX_CYCLES;
    const char *uart_in = NULL;
    int stats = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--stats")) {
            stats = 1;
        } else if (!v) {
            fprintf(stderr, "card-run: %s\n", !strncmp(a, "--", 2) ? "missing value" : "unexpected argument");
            fprintf(stderr, "card-run: at '%s'\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else if (!strcmp(a, "--firmware")) {
            opt.firmware_hex = v;
            i++;
        } else if (!strcmp(a, "--wave")) {
            opt.wave_file = v;
            i++;
        } else if (!strcmp(a, "--uart-in")) {
            uart_in = v;
            i++;
        } else if (!strcmp(a, "--max-cycles")) {
            if (parse_u64(v, &opt.max_cycles) != 0) {
                fprintf(stderr, "card-run: --max-cycles wants a number, not '%s'\n", v);
                usage(stderr);
                return EXIT_USAGE;
            }
            i++;
        } else {
            fprintf(stderr, "card-run: unknown option '%s'\n", a);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!opt.firmware_hex) {
        fprintf(stderr, "card-run: --firmware FILE.hex is required\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *trace = getenv("TRACE");
    if (!opt.wave_file && trace && !strcmp(trace, "1"))
        opt.wave_file = DEFAULT_TRACE_FILE;

    uint8_t *feed = NULL;
    long feed_len = 0;
    if (uart_in) {
        feed = malloc(strlen(uart_in) + 1);
        if (!feed) {
            fprintf(stderr, "card-run: out of memory\n");
            return EXIT_HARNESS;
        }
        feed_len = unescape(uart_in, feed);
        if (feed_len < 0) {
            fprintf(stderr, "card-run: bad escape in --uart-in '%s'\n", uart_in);
            free(feed);
            return EXIT_USAGE;
        }
    }

    if (cosim_init(&opt) != 0) {
        fprintf(stderr, "card-run: cannot start the simulation\n");
        free(feed);
        return EXIT_HARNESS;
    }
    struct uart_sink *console = uart_sink_create(SHBA_UART_BAUD, stdout);
    if (!console || (feed && uart_sink_feed(console, feed, (size_t)feed_len, UART_IN_START_PS) != 0)) {
        fprintf(stderr, "card-run: cannot set up the console\n");
        cosim_shutdown();
        free(feed);
        return EXIT_HARNESS;
    }
    free(feed);

    double start = wall_seconds();
    while (cosim_step() == 0)
        ;
    double wall = wall_seconds() - start;
    fflush(stdout);

    uint64_t cycles = cosim_cycles();
    double sim_us = (double)cosim_now_ps() / 1e6;
    int code = 0;
    int status;
    if (cosim_exited(&code)) {
        status = code & 0xff;
    } else if (cosim_timed_out()) {
        fprintf(stderr, "card-run: cycle limit %" PRIu64 " reached at %.1f us\n", opt.max_cycles, sim_us);
        status = EXIT_CYCLE_LIMIT;
    } else {
        fprintf(stderr, "card-run: simulation stopped unexpectedly\n");
        status = EXIT_HARNESS;
    }
    if (uart_sink_framing_errors(console))
        fprintf(stderr, "card-run: %u garbled console frames\n", uart_sink_framing_errors(console));
    if (stats)
        fprintf(stderr, "card-run: %" PRIu64 " cycles, %.1f us simulated, %.3f s wall, %.3f Mcycles/s, exit %d\n",
                cycles, sim_us, wall, wall > 0 ? (double)cycles / wall / 1e6 : 0.0, status);
    uart_sink_destroy(console);
    cosim_shutdown();
    return status;
}
