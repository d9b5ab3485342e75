/* Tests of the SPI flash model (sim/flash/spi_flash.c) at its pins: a
 * bit-banged SPI master in simulated time drives CS#, C and DQ0 and reads
 * DQ1 (and DQ0 in a dual output read).
 *
 *   flash_test commands     read, fast read, dual read, ID, status, write
 *                           enable, program (page wrap, 1 -> 0 only), erases,
 *                           busy and WEL rules
 *   flash_test timing       clock, setup, hold and deselect violations are
 *                           found (counted)
 *   flash_test dq0          DQ0's turnaround in a dual output read: the
 *                           card's sequence is clean; contention (the host
 *                           still driving in the data, or again within
 *                           tSHQZ) and a float read (released too early, or
 *                           outside a dual read's data) are found (counted)
 *   flash_test exit         a violation ends the process with
 *                           SPI_FLASH_EXIT_TIMING (the test runner checks it)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spi_flash.h"

static int failures;
#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            failures++;                                   \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
            printf(__VA_ARGS__);                          \
            printf("\n");                                 \
        }                                                 \
    } while (0)

struct master {
    struct spi_flash *f;
    uint64_t now;        /* ps */
    uint64_t half;       /* half an SCK period, ps */
    uint64_t cs_setup;   /* S# fall to the first C rise */
    uint64_t cs_hold;    /* last C rise to S# rise */
    uint64_t deselect;   /* S# high between commands */
    int oe;              /* the master drives DQ0 */
};

static unsigned pins(struct master *m, int cs_n, int sck, int dq0)
{
    return spi_flash_sample(m->f, m->now, cs_n, sck, dq0, m->oe);
}

/* One SCK period with CS# low and dq0 on DQ0 (when the master drives it):
 * the flash samples at the rise and drives at the fall.  Returns the lines
 * as they were before the rise (the value driven since the last fall). */
static unsigned clock_bit(struct master *m, int dq0)
{
    unsigned dq = pins(m, 0, 0, dq0);
    m->now += m->half;
    pins(m, 0, 1, dq0);
    m->now += m->half;
    pins(m, 0, 0, dq0);
    return dq;
}

/* One command: out bytes, dummy clocks, then n_in bytes in (dual: 2 bits a
 * clock; DQ0 released from the first dummy clock until the next command, as
 * the card's reader does). */
static void command(struct master *m, const uint8_t *out, size_t n_out, unsigned dummy, uint8_t *in,
                    size_t n_in, int dual)
{
    m->oe = 1;
    pins(m, 0, 0, 1);
    m->now += m->cs_setup;
    for (size_t i = 0; i < n_out; i++)
        for (int b = 7; b >= 0; b--)
            clock_bit(m, (out[i] >> b) & 1);
    if (dual)
        m->oe = 0;
    for (unsigned d = 0; d < dummy; d++) {
        m->now += m->half;
        pins(m, 0, 1, 0);
        m->now += m->half;
        pins(m, 0, 0, 0);
    }
    for (size_t i = 0; i < n_in; i++) {
        uint8_t v = 0;
        for (int b = 0; b < (dual ? 4 : 8); b++) {
            unsigned dq = clock_bit(m, 0);
            v = dual ? (uint8_t)((v << 2) | (dq & 3u)) : (uint8_t)((v << 1) | ((dq >> 1) & 1u));
        }
        in[i] = v;
    }
    m->now += m->cs_hold;
    pins(m, 1, 0, 1);
    m->now += m->deselect;
    pins(m, 1, 0, 1);
}

static void simple(struct master *m, uint8_t op)
{
    command(m, &op, 1, 0, NULL, 0, 0);
}

static uint8_t status(struct master *m)
{
    uint8_t op = 0x05, s = 0;
    command(m, &op, 1, 0, &s, 1, 0);
    return s;
}

static void read_cmd(struct master *m, uint8_t op, uint32_t addr, uint8_t *buf, size_t n)
{
    uint8_t cmd[4] = { op, (uint8_t)(addr >> 16), (uint8_t)(addr >> 8), (uint8_t)addr };
    command(m, cmd, 4, op == 0x03 ? 0 : 8, buf, n, op == 0x3B);
}

static void addr_cmd(struct master *m, uint8_t op, uint32_t addr, const uint8_t *data, size_t n)
{
    uint8_t cmd[4 + 300];
    cmd[0] = op;
    cmd[1] = (uint8_t)(addr >> 16);
    cmd[2] = (uint8_t)(addr >> 8);
    cmd[3] = (uint8_t)addr;
    if (n > 0)
        memcpy(cmd + 4, data, n);
    command(m, cmd, 4 + n, 0, NULL, 0, 0);
}

/* Wait for WIP to clear, polling RDSR; returns the time it took. */
static uint64_t wait_ready(struct master *m)
{
    uint64_t t0 = m->now;
    while (status(m) & 1)
        m->now += 1000000;   /* 1 us between polls */
    return m->now - t0;
}

static struct master new_master(struct spi_flash *f)
{
    struct master m = { f, 1000000, 27778, 27778, 27778, 55556, 1 };   /* 18 MHz, as the card */
    return m;
}

static int t_commands(void)
{
    struct spi_flash *f = spi_flash_create();
    struct master m = new_master(f);
    uint8_t buf[64];

    uint8_t op = 0x9F;
    command(&m, &op, 1, 0, buf, 4, 0);
    CHECK(buf[0] == 0x20 && buf[1] == 0xBA && buf[2] == 0x16, "RDID %02x %02x %02x", buf[0], buf[1], buf[2]);

    read_cmd(&m, 0x03, 0x1000, buf, 8);
    CHECK(buf[0] == 0xFF && buf[7] == 0xFF, "erased flash reads %02x", buf[0]);

    /* program without WREN: ignored */
    uint8_t data[300];
    for (int i = 0; i < 300; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    addr_cmd(&m, 0x02, 0x1000, data, 16);
    CHECK(status(&m) == 0, "status %02x after PP without WREN", status(&m));
    read_cmd(&m, 0x03, 0x1000, buf, 4);
    CHECK(buf[0] == 0xFF, "PP without WREN programmed");

    /* WREN, WRDI */
    simple(&m, 0x06);
    CHECK(status(&m) == 0x02, "WEL not set: %02x", status(&m));
    simple(&m, 0x04);
    CHECK(status(&m) == 0x00, "WEL not cleared by WRDI");

    /* program: busy for tPP (at most 5 ms), then WEL clear, data there */
    simple(&m, 0x06);
    addr_cmd(&m, 0x02, 0x10F8, data, 16);        /* 8 bytes to the page end, 8 wrap to its start */
    CHECK((status(&m) & 3) == 3, "WIP|WEL not set during PP");
    read_cmd(&m, 0x03, 0x10F8, buf, 8);          /* ignored while busy: DQ1 stays high */
    CHECK(buf[0] == 0xFF, "READ answered while busy");
    uint64_t busy = wait_ready(&m);
    CHECK(busy >= 4900000000ull && busy <= 5100000000ull, "PP busy %.3f ms", (double)busy / 1e9);
    CHECK(status(&m) == 0, "status %02x after PP", status(&m));
    read_cmd(&m, 0x03, 0x10F8, buf, 8);
    CHECK(memcmp(buf, data, 8) == 0, "page end not programmed");
    read_cmd(&m, 0x03, 0x1000, buf, 8);
    CHECK(memcmp(buf, data + 8, 8) == 0, "PP did not wrap within the page");
    read_cmd(&m, 0x03, 0x1100, buf, 1);
    CHECK(buf[0] == 0xFF, "PP wrote past its page");

    /* programming only clears bits */
    uint8_t ones[1] = { 0xF0 };
    simple(&m, 0x06);
    addr_cmd(&m, 0x02, 0x10F8, ones, 1);
    wait_ready(&m);
    read_cmd(&m, 0x03, 0x10F8, buf, 1);
    CHECK(buf[0] == (data[0] & 0xF0), "PP set bits: %02x", buf[0]);

    /* fast read and dual output fast read */
    read_cmd(&m, 0x0B, 0x10F8, buf, 8);
    CHECK(buf[0] == (data[0] & 0xF0) && memcmp(buf + 1, data + 1, 7) == 0, "FAST READ differs");
    read_cmd(&m, 0x3B, 0x10F8, buf, 8);
    CHECK(buf[0] == (data[0] & 0xF0) && memcmp(buf + 1, data + 1, 7) == 0, "DUAL OUTPUT FAST READ differs");

    /* a program whose CS# rises off a byte boundary is not run */
    simple(&m, 0x06);
    uint8_t cmd[5] = { 0x02, 0x00, 0x20, 0x00, 0x00 };
    pins(&m, 0, 0, 1);
    m.now += m.cs_setup;
    for (int i = 0; i < 5 * 8 - 3; i++)
        clock_bit(&m, (cmd[i / 8] >> (7 - i % 8)) & 1);
    m.now += m.cs_hold;
    pins(&m, 1, 0, 1);
    m.now += m.deselect;
    CHECK((status(&m) & 1) == 0, "PP ended off a byte boundary ran");
    read_cmd(&m, 0x03, 0x2000, buf, 1);
    CHECK(buf[0] == 0xFF, "PP ended off a byte boundary programmed");
    simple(&m, 0x04);

    /* subsector erase: 4 KiB, at most 0.8 s */
    simple(&m, 0x06);
    addr_cmd(&m, 0x02, 0x3000, data, 4);
    wait_ready(&m);
    simple(&m, 0x06);
    addr_cmd(&m, 0x02, 0x4000, data, 4);
    wait_ready(&m);
    simple(&m, 0x06);
    addr_cmd(&m, 0x20, 0x3123, NULL, 0);
    busy = wait_ready(&m);
    CHECK(busy >= 790000000000ull && busy <= 810000000000ull, "SSE busy %.3f s", (double)busy / 1e12);
    read_cmd(&m, 0x03, 0x3000, buf, 4);
    CHECK(buf[0] == 0xFF && buf[3] == 0xFF, "SSE did not erase");
    read_cmd(&m, 0x03, 0x4000, buf, 4);
    CHECK(memcmp(buf, data, 4) == 0, "SSE erased the next subsector");
    read_cmd(&m, 0x03, 0x10F9, buf, 1);
    CHECK(buf[0] == data[1], "SSE erased another subsector");

    /* sector erase: 64 KiB */
    simple(&m, 0x06);
    addr_cmd(&m, 0xD8, 0x0000, NULL, 0);
    busy = wait_ready(&m);
    CHECK(busy >= 2990000000000ull && busy <= 3010000000000ull, "SE busy %.3f s", (double)busy / 1e12);
    read_cmd(&m, 0x03, 0x4000, buf, 4);
    CHECK(buf[0] == 0xFF, "SE did not erase the sector");

    /* erase without WREN: ignored */
    simple(&m, 0x06);
    addr_cmd(&m, 0x02, 0x20000, data, 4);
    wait_ready(&m);
    addr_cmd(&m, 0x20, 0x20000, NULL, 0);
    CHECK((status(&m) & 1) == 0, "SSE without WREN ran");
    read_cmd(&m, 0x03, 0x20000, buf, 4);
    CHECK(memcmp(buf, data, 4) == 0, "SSE without WREN erased");

    /* bulk erase */
    simple(&m, 0x06);
    simple(&m, 0xC7);
    CHECK((status(&m) & 1) == 1, "BE not busy");
    simple(&m, 0x06);                            /* ignored while busy */
    m.now += 60000000000000ull;
    CHECK(status(&m) == 0, "status %02x after BE", status(&m));
    read_cmd(&m, 0x03, 0x20000, buf, 4);
    CHECK(buf[0] == 0xFF, "BE did not erase");
    const uint8_t *mem = spi_flash_data(f);
    int all = 1;
    for (uint32_t i = 0; i < SPI_FLASH_BYTES; i++)
        all &= mem[i] == 0xFF;
    CHECK(all, "BE left bytes programmed");

    CHECK(spi_flash_violations(f) == 0, "%llu violations at 18 MHz", (unsigned long long)spi_flash_violations(f));
    spi_flash_destroy(f);
    return failures ? 1 : 0;
}

static int t_timing(void)
{
    struct spi_flash *f = spi_flash_create();
    spi_flash_set_count_only(f, 1);
    struct master m = new_master(f);
    uint8_t buf[4];

    /* READ is limited to 54 MHz, FAST READ to 108 MHz */
    m.half = 8000;                               /* 62.5 MHz */
    read_cmd(&m, 0x03, 0, buf, 1);
    CHECK(spi_flash_violations(f) > 0, "READ at 62.5 MHz not found");
    uint64_t before = spi_flash_violations(f);
    read_cmd(&m, 0x0B, 0, buf, 1);
    CHECK(spi_flash_violations(f) == before, "FAST READ at 62.5 MHz refused");
    m.half = 4000;                               /* 125 MHz */
    read_cmd(&m, 0x0B, 0, buf, 1);
    CHECK(spi_flash_violations(f) > before, "FAST READ at 125 MHz not found");
    m.half = 27778;

    /* C rising 1 ns after S# falls; S# rising 1 ns after C rises */
    before = spi_flash_violations(f);
    pins(&m, 0, 0, 0);
    m.now += 1000;
    pins(&m, 0, 1, 0);
    m.now += m.half;
    pins(&m, 0, 0, 0);
    m.now += m.half;
    pins(&m, 0, 1, 0);
    m.now += 1000;
    pins(&m, 1, 1, 0);
    CHECK(spi_flash_violations(f) == before + 2, "S# setup and hold: %llu violations, want 2",
          (unsigned long long)(spi_flash_violations(f) - before));
    m.now += m.deselect;
    pins(&m, 1, 0, 1);
    m.now += m.deselect;

    before = spi_flash_violations(f);
    m.deselect = 30000;                          /* 30 ns: enough after a read, not after WREN */
    read_cmd(&m, 0x03, 0, buf, 1);
    read_cmd(&m, 0x03, 0, buf, 1);
    CHECK(spi_flash_violations(f) == before, "20 ns deselect after a read refused");
    simple(&m, 0x06);
    simple(&m, 0x04);
    CHECK(spi_flash_violations(f) > before, "50 ns deselect after WREN not checked");
    spi_flash_destroy(f);
    return failures ? 1 : 0;
}

/* A dual output read (3Bh) of n bytes at addr with DQ0 released before C
 * rise release_rise (1-based; the card: 33, the first dummy clock) and taken
 * again redrive_ps after S# rises; returns the violations it caused. */
static uint64_t dual_read(struct master *m, uint32_t addr, uint8_t *buf, size_t n, unsigned release_rise,
                          uint64_t redrive_ps)
{
    uint64_t before = spi_flash_violations(m->f);
    uint8_t cmd[4] = { 0x3B, (uint8_t)(addr >> 16), (uint8_t)(addr >> 8), (uint8_t)addr };
    unsigned rises = 32 + 8 + 4 * (unsigned)n;
    m->oe = 1;
    pins(m, 0, 0, 1);
    m->now += m->cs_setup;
    for (unsigned r = 1; r <= rises; r++) {
        int bit = r <= 32 ? (cmd[(r - 1) / 8] >> (7 - (r - 1) % 8)) & 1 : 0;
        if (r == release_rise)
            m->oe = 0;
        unsigned dq = clock_bit(m, bit);
        if (r > 40) {
            size_t i = (r - 41) / 4;
            buf[i] = (uint8_t)((buf[i] << 2) | (dq & 3u));
        }
    }
    m->now += m->cs_hold;
    pins(m, 1, 0, 1);
    m->now += redrive_ps;
    m->oe = 1;
    pins(m, 1, 0, 1);
    m->now += m->deselect;
    pins(m, 1, 0, 1);
    return spi_flash_violations(m->f) - before;
}

static int t_dq0(void)
{
    struct spi_flash *f = spi_flash_create();
    spi_flash_set_count_only(f, 1);
    struct master m = new_master(f);
    uint8_t buf[8];

    /* programmed data to read back: WREN, PAGE PROGRAM, wait */
    const uint8_t data[8] = { 0x5A, 0xC3, 0x01, 0x80, 0xFF, 0x00, 0x96, 0x69 };
    simple(&m, 0x06);
    addr_cmd(&m, 0x02, 0x100, data, 8);
    wait_ready(&m);

    /* the card's sequence: release at the first dummy clock, take DQ0 again
     * at the next command (55 ns and more after S# rises) */
    uint64_t v = dual_read(&m, 0x100, buf, 8, 33, 55556);
    CHECK(v == 0, "the card's turnaround: %llu violations", (unsigned long long)v);
    CHECK(memcmp(buf, data, 8) == 0, "dual read data differs");
    /* released at the last dummy clock: still before the flash drives */
    v = dual_read(&m, 0x100, buf, 8, 40, 55556);
    CHECK(v == 0, "released at the 8th dummy clock: %llu violations", (unsigned long long)v);

    /* never released: contention from the first data bit on */
    v = dual_read(&m, 0x100, buf, 8, 0, 55556);
    CHECK(v > 0, "DQ0 driven by both sides not found");
    /* released one clock too early: the flash reads the last address bit floating */
    v = dual_read(&m, 0x100, buf, 8, 32, 55556);
    CHECK(v == 1, "DQ0 released before the last address bit: %llu violations, want 1", (unsigned long long)v);
    /* taken again 4 ns after S# rose: the flash may drive for tSHQZ (8 ns) */
    v = dual_read(&m, 0x100, buf, 8, 33, 4000);
    CHECK(v == 1, "DQ0 driven within tSHQZ: %llu violations, want 1", (unsigned long long)v);
    /* ... 10 ns after: fine */
    v = dual_read(&m, 0x100, buf, 8, 33, 10000);
    CHECK(v == 0, "DQ0 driven 10 ns after S# rose: %llu violations", (unsigned long long)v);

    /* a single-output READ with DQ0 released in the data: the host reads
     * DQ0 where the flash does not drive it, once per data clock */
    uint64_t before = spi_flash_violations(f);
    uint8_t cmd[4] = { 0x03, 0x00, 0x01, 0x00 };
    m.oe = 1;
    pins(&m, 0, 0, 1);
    m.now += m.cs_setup;
    for (unsigned r = 1; r <= 32 + 8; r++) {
        int bit = r <= 32 ? (cmd[(r - 1) / 8] >> (7 - (r - 1) % 8)) & 1 : 0;
        if (r == 33)
            m.oe = 0;
        clock_bit(&m, bit);
    }
    m.now += m.cs_hold;
    pins(&m, 1, 0, 1);
    m.now += m.deselect;
    m.oe = 1;
    CHECK(spi_flash_violations(f) - before == 8, "READ 03h with DQ0 floating: %llu violations, want 8",
          (unsigned long long)(spi_flash_violations(f) - before));
    spi_flash_destroy(f);
    return failures ? 1 : 0;
}

static int t_exit(void)
{
    struct spi_flash *f = spi_flash_create();
    struct master m = new_master(f);
    uint8_t buf[1];
    m.half = 5000;                               /* 100 MHz READ: ends the process */
    read_cmd(&m, 0x03, 0, buf, 1);
    printf("FAIL: the violation did not end the process\n");
    spi_flash_destroy(f);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "commands"))
        return t_commands();
    if (argc == 2 && !strcmp(argv[1], "timing"))
        return t_timing();
    if (argc == 2 && !strcmp(argv[1], "dq0"))
        return t_dq0();
    if (argc == 2 && !strcmp(argv[1], "exit"))
        return t_exit();
    fprintf(stderr, "usage: flash_test commands|timing|dq0|exit\n");
    return 2;
}
