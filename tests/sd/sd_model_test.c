/* Unit test of the SD card model's SPI protocol alone: a bit-banged SPI
 * master in C drives sd_card_pins() directly (no RTL). */
#define _POSIX_C_SOURCE 200809L
#include "sd_card_model.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sd_card *card;
static uint64_t t_ps;
static int cs_n = 1;
static const uint64_t HALF_PS = 50000;     /* 10 MHz SCK */
static int failures;
static uint64_t t_cmd_end;     /* when the last command's last bit was sent */

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)

static uint8_t xfer(uint8_t out)
{
    uint8_t in = 0;
    for (int b = 7; b >= 0; b--) {
        int mosi = (out >> b) & 1;
        sd_card_pins(card, t_ps, 0, mosi, cs_n);
        in = (uint8_t)(in << 1 | sd_card_miso(card));   /* sampled at the rising edge */
        t_ps += HALF_PS;
        sd_card_pins(card, t_ps, 1, mosi, cs_n);
        t_ps += HALF_PS;
        sd_card_pins(card, t_ps, 0, mosi, cs_n);
    }
    return in;
}

static void select_card(int on)
{
    cs_n = !on;
    sd_card_pins(card, t_ps, 0, 1, cs_n);
}

static uint8_t cmd(uint8_t idx, uint32_t arg, int bad_crc)
{
    uint8_t f[6] = {(uint8_t)(0x40 | idx), (uint8_t)(arg >> 24), (uint8_t)(arg >> 16),
                    (uint8_t)(arg >> 8), (uint8_t)arg, 0};
    f[5] = (uint8_t)((sd_crc7(f, 5) << 1) | 1);
    if (bad_crc)
        f[5] ^= 0x02;
    for (int i = 0; i < 6; i++)
        xfer(f[i]);
    t_cmd_end = t_ps;
    for (int i = 0; i < 9; i++) {
        uint8_t r = xfer(0xFF);
        if (!(r & 0x80))
            return r;
    }
    return 0xFF;
}

static struct sd_card *open_card(const char *path, enum sd_card_type type)
{
    struct sd_card_options o;
    sd_card_default_options(&o);
    o.image_path = path;
    o.type = type;
    t_ps = 0;
    cs_n = 1;
    return sd_card_open(&o);
}

static void init_card(int sdhc)
{
    for (int i = 0; i < 10; i++)
        xfer(0xFF);
    select_card(1);
    CHECK(cmd(0, 0, 0) == 0x01, "CMD0");
    CHECK(cmd(8, 0x1AA, 0) == 0x01, "CMD8");
    uint32_t echo = 0;
    for (int i = 0; i < 4; i++)
        echo = echo << 8 | xfer(0xFF);
    CHECK(echo == 0x1AA, "CMD8 echo %08x", echo);
    CHECK(cmd(17, 0, 0) == 0x05, "CMD17 before init must be illegal");
    int polls = 0;
    uint8_t r;
    do {
        cmd(55, 0, 0);
        r = cmd(41, 0x40000000, 0);
    } while (r == 0x01 && ++polls < 100);
    CHECK(r == 0x00 && polls == 2, "ACMD41: r1 %02x after %d polls", r, polls);
    CHECK(cmd(58, 0, 0) == 0x00, "CMD58");
    uint32_t ocr = 0;
    for (int i = 0; i < 4; i++)
        ocr = ocr << 8 | xfer(0xFF);
    CHECK((ocr & 0x80000000u) && !!(ocr & 0x40000000u) == sdhc, "OCR %08x", ocr);
}

int main(void)
{
    /* CRCs against the values every SD document quotes */
    uint8_t cmd0[5] = {0x40, 0, 0, 0, 0}, cmd8[5] = {0x48, 0, 0, 1, 0xAA};
    CHECK(((sd_crc7(cmd0, 5) << 1) | 1) == 0x95, "CRC7 CMD0");
    CHECK(((sd_crc7(cmd8, 5) << 1) | 1) == 0x87, "CRC7 CMD8");
    uint8_t ff[512];
    memset(ff, 0xFF, sizeof ff);
    CHECK(sd_crc16(ff, 512) == 0x7FA1, "CRC16 of 512 x 0xFF: %04x", sd_crc16(ff, 512));

    struct sd_fault pf;
    CHECK(sd_card_parse_fault("removed:1:0:200", &pf) == 0 && pf.kind == SD_FAULT_REMOVED &&
          pf.skip == 1 && pf.times == 0 && pf.byte_offset == 200, "parse fault");
    CHECK(sd_card_parse_fault("read-crc", &pf) == 0 && pf.kind == SD_FAULT_READ_CRC, "parse fault");
    CHECK(sd_card_parse_fault("bogus", &pf) != 0 && sd_card_parse_fault("no-token:x", &pf) != 0,
          "bad fault spec accepted");

    char path[64];
    snprintf(path, sizeof path, "build/sd/model-test-%d.bin", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create image");
    static uint8_t img[1 << 20];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7 + (i >> 9));
    CHECK(write(fd, img, sizeof img) == (ssize_t)sizeof img, "write image");

    for (int sdhc = 0; sdhc < 2; sdhc++) {
        card = open_card(path, sdhc ? SD_CARD_SDHC : SD_CARD_SDSC);
        CHECK(card != NULL, "open");
        /* no answer before 74 clocks with CS high */
        select_card(1);
        CHECK(cmd(0, 0, 0) == 0xFF, "CMD0 answered without the power-up clocks");
        select_card(0);
        /* CMD0's CRC is always checked */
        for (int i = 0; i < 10; i++)
            xfer(0xFF);
        select_card(1);
        CHECK(cmd(0, 0, 1) == 0x08 || cmd(0, 0, 1) == 0x09, "CMD0 with a bad CRC");
        select_card(0);
        init_card(sdhc);
        CHECK(sd_card_capacity_blocks(card) == 2048, "capacity");
        /* CRC checking only after CMD59 */
        CHECK(cmd(13, 0, 1) == 0x00, "bad CRC with CRC off");
        xfer(0xFF);
        CHECK(cmd(59, 1, 0) == 0x00, "CMD59");
        CHECK(cmd(13, 0, 1) == 0x08, "bad CRC with CRC on");

        /* read block 3: token no earlier than the read delay, data, CRC */
        uint32_t addr = sdhc ? 3 : 3 * 512;
        CHECK(cmd(17, addr, 0) == 0x00, "CMD17");
        uint64_t t0 = t_cmd_end;
        uint8_t tok;
        while ((tok = xfer(0xFF)) == 0xFF && t_ps - t0 < 1000000000ull) {}
        CHECK(tok == 0xFE, "start token %02x", tok);
        CHECK(t_ps - t0 >= 10000000ull, "token after %llu ps, before the 10 us read delay",
              (unsigned long long)(t_ps - t0));
        uint8_t blk[514];
        for (int i = 0; i < 514; i++)
            blk[i] = xfer(0xFF);
        CHECK(memcmp(blk, img + 3 * 512, 512) == 0, "read data");
        CHECK(sd_crc16(blk, 514) == 0, "read CRC");
        /* out of range */
        CHECK(cmd(17, sdhc ? 5000 : 5000 * 512, 0) == 0x40, "read beyond the card");
        CHECK(cmd(13, 0, 0) == 0x00 && xfer(0xFF) == 0x80, "R2 out of range");

        /* write block 9: the image changes only when busy ends */
        CHECK(cmd(24, sdhc ? 9 : 9 * 512, 0) == 0x00, "CMD24");
        xfer(0xFF);
        xfer(0xFE);
        uint8_t data[512];
        for (int i = 0; i < 512; i++)
            data[i] = (uint8_t)(0xA5 ^ i ^ sdhc);
        for (int i = 0; i < 512; i++)
            xfer(data[i]);
        uint16_t crc = sd_crc16(data, 512);
        xfer((uint8_t)(crc >> 8));
        xfer((uint8_t)crc);
        uint8_t resp = xfer(0xFF);
        CHECK((resp & 0x1F) == 0x05, "data response %02x", resp);
        CHECK(xfer(0xFF) == 0x00, "busy after the data response");
        uint8_t back[512];
        CHECK(pread(fd, back, 512, 9 * 512) == 512 && memcmp(back, img + 9 * 512, 512) == 0,
              "image written before programming ended");
        int busy_bytes = 1;
        while (xfer(0xFF) == 0x00 && busy_bytes < 100000)
            busy_bytes++;
        CHECK(busy_bytes > 10, "busy only %d bytes", busy_bytes);
        CHECK(pread(fd, back, 512, 9 * 512) == 512 && memcmp(back, data, 512) == 0,
              "image not written after programming");
        memcpy(img + 9 * 512, data, 512);

        /* a write with a bad data CRC is refused and not programmed */
        CHECK(cmd(24, sdhc ? 10 : 10 * 512, 0) == 0x00, "CMD24");
        xfer(0xFF);
        xfer(0xFE);
        for (int i = 0; i < 512; i++)
            xfer(0x11);
        xfer(0);
        xfer(0);
        resp = xfer(0xFF);
        CHECK((resp & 0x1F) == 0x0B, "data response to a bad CRC %02x", resp);
        CHECK(pread(fd, back, 512, 10 * 512) == 512 && memcmp(back, img + 10 * 512, 512) == 0,
              "bad-CRC block reached the image");
        select_card(0);
        sd_card_close(card);
    }
    close(fd);
    unlink(path);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("PASS sd_model_test\n");
    return 0;
}
