/* SD card model in SPI mode: see sd_card_model.h.
 *
 * Two layers: the bit layer (SCK edges, chip select) assembles received
 * bytes and shifts out transmit bytes (mode 0: a byte's first bit is on MISO
 * before its first rising edge); the byte layer consumes each received byte
 * (commands, write tokens and data) and picks each byte to send (response
 * queue, read data stream, busy). */
#define _POSIX_C_SOURCE 200809L
#include "sd_card_model.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLK 512u
#define PS_PER_US 1000000ull

/* R1 bits */
#define R1_IDLE        0x01u
#define R1_ILLEGAL     0x04u
#define R1_CRC_ERR     0x08u
#define R1_ADDR_ERR    0x20u
#define R1_PARAM_ERR   0x40u
/* second byte of R2 */
#define R2_ERROR       0x04u
#define R2_WP_VIOL     0x20u
#define R2_OUT_OF_RANGE 0x80u
/* data response tokens */
#define DR_ACCEPTED    0x05u
#define DR_CRC_ERR     0x0Bu
#define DR_WRITE_ERR   0x0Du
/* read error token */
#define ET_OUT_OF_RANGE 0x08u

enum tx_mode { TX_IDLE, TX_READ, TX_BUSY };
enum rd_phase { RD_WAIT, RD_TOKEN, RD_DATA, RD_CRC0, RD_CRC1, RD_STALL };
enum rx_mode { RX_CMD, RX_WTOKEN, RX_WDATA };

struct sd_card {
    struct sd_card_options opt;
    int fd;
    int sdhc;
    uint64_t blocks;            /* capacity */
    uint8_t csd[16], cid[16];

    /* power and protocol state */
    int present;                /* inserted and powered */
    unsigned powerup_clocks;    /* SCK cycles seen with CS high since power-up */
    int spi_mode;               /* CMD0 with CS low seen */
    int idle;                   /* in idle state (R1 bit 0) */
    int app_cmd;                /* previous command was CMD55 */
    int crc_on;                 /* CMD59 */
    unsigned acmd41_polls;
    uint8_t r2_status;          /* error bits for CMD13, cleared when read */

    /* bit layer */
    int cs_n, sck;
    uint8_t in_shift;
    unsigned in_bits;
    uint8_t out_byte;
    int out_pos;                /* bit of out_byte on MISO */
    int need_load;
    int miso;

    /* transmit side */
    uint8_t q[32];
    unsigned q_head, q_len;
    enum tx_mode tx;
    uint64_t busy_until;
    int busy_commits;           /* at the end of busy: program wblock */
    int busy_then_wtoken;       /* after busy: back to waiting for a CMD25 token */
    enum rd_phase rd;
    int rd_multi;
    uint64_t rd_lba;
    uint64_t rd_ready_ps;
    unsigned rd_idx;
    uint8_t rd_buf[BLK];
    uint16_t rd_crc;
    int rd_remove_at;           /* data byte where the card is pulled, -1 none */

    /* receive side */
    enum rx_mode rx;
    uint8_t cmd[6];
    unsigned cmd_len;
    int wr_multi;
    uint64_t wr_lba;
    uint8_t wr_buf[BLK + 2];
    unsigned wr_idx;
    int wr_remove_at;
    uint64_t prog_lba;          /* block being programmed */
    uint8_t prog_buf[BLK];

    /* faults */
    struct sd_fault fault;
    unsigned fault_seen;        /* data blocks (or commands) since the fault was set */
    int stuck;                  /* busy forever in progress */

    struct sd_card_stats stats;
};

/* ---- CRCs ---------------------------------------------------------------- */

uint8_t sd_crc7(const uint8_t *data, unsigned len)
{
    uint8_t crc = 0;
    for (unsigned i = 0; i < len; i++) {
        for (int b = 7; b >= 0; b--) {
            unsigned in = (data[i] >> b) & 1u;
            unsigned fb = ((crc >> 6) & 1u) ^ in;
            crc = (uint8_t)((crc << 1) & 0x7Fu);
            if (fb)
                crc ^= 0x09u;
        }
    }
    return crc;
}

uint16_t sd_crc16(const uint8_t *data, unsigned len)
{
    uint16_t crc = 0;
    for (unsigned i = 0; i < len; i++) {
        crc ^= (uint16_t)(data[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
    }
    return crc;
}

/* ---- registers ----------------------------------------------------------- */

/* Set bits hi..lo of a 128-bit register stored big-endian (byte 0 = bits 127:120). */
static void reg_set(uint8_t *r, unsigned hi, unsigned lo, uint32_t v)
{
    for (unsigned bit = lo; bit <= hi; bit++, v >>= 1) {
        unsigned byte = 15u - bit / 8u, pos = bit % 8u;
        if (v & 1u)
            r[byte] |= (uint8_t)(1u << pos);
        else
            r[byte] &= (uint8_t)~(1u << pos);
    }
}

static void seal_crc7(uint8_t *r)
{
    r[15] = (uint8_t)((sd_crc7(r, 15) << 1) | 1u);
}

static int build_registers(struct sd_card *c, uint64_t image_blocks)
{
    uint8_t *csd = c->csd;
    memset(csd, 0, 16);
    if (c->sdhc) {
        uint64_t units = image_blocks / 1024u;      /* 512 KiB units */
        if (units == 0 || units > (1u << 22)) {
            fprintf(stderr, "sd_card: SDHC image must be 512 KiB .. 2 TiB\n");
            return -1;
        }
        c->blocks = units * 1024u;
        reg_set(csd, 127, 126, 1);          /* CSD_STRUCTURE 2.0 */
        reg_set(csd, 119, 112, 0x0E);       /* TAAC 1 ms */
        reg_set(csd, 103, 96, 0x32);        /* TRAN_SPEED 25 MHz */
        reg_set(csd, 95, 84, 0x5B5);        /* CCC */
        reg_set(csd, 83, 80, 9);            /* READ_BL_LEN 512 */
        reg_set(csd, 69, 48, (uint32_t)(units - 1));
        reg_set(csd, 46, 46, 1);            /* ERASE_BLK_EN */
        reg_set(csd, 45, 39, 0x7F);         /* SECTOR_SIZE */
        reg_set(csd, 28, 26, 2);            /* R2W_FACTOR */
        reg_set(csd, 25, 22, 9);            /* WRITE_BL_LEN */
    } else {
        unsigned mult = 0;
        while (mult < 7 && image_blocks / (4u << mult) > 4096u)
            mult++;
        uint64_t c_size = image_blocks / (4u << mult);
        if (c_size == 0) {
            fprintf(stderr, "sd_card: image too small (need at least 2 KiB)\n");
            return -1;
        }
        if (c_size > 4096u)
            c_size = 4096u;
        c->blocks = c_size * (4u << mult);
        reg_set(csd, 127, 126, 0);          /* CSD_STRUCTURE 1.0 */
        reg_set(csd, 119, 112, 0x26);       /* TAAC */
        reg_set(csd, 103, 96, 0x32);
        reg_set(csd, 95, 84, 0x5F5);
        reg_set(csd, 83, 80, 9);            /* READ_BL_LEN 512 */
        reg_set(csd, 73, 62, (uint32_t)(c_size - 1));
        reg_set(csd, 61, 50, 0xFFF);        /* VDD currents */
        reg_set(csd, 49, 47, mult);
        reg_set(csd, 46, 46, 1);
        reg_set(csd, 45, 39, 0x1F);
        reg_set(csd, 28, 26, 4);
        reg_set(csd, 25, 22, 9);
    }
    seal_crc7(csd);

    static const uint8_t cid[15] = {
        0x5A, 'S', 'H', 'S', 'O', 'F', 'T', 'H', 0x10,   /* MID, OID, PNM, PRV */
        0x12, 0x34, 0x56, 0x78, 0x01, 0x8A               /* PSN, MDT 2024-10 */
    };
    memcpy(c->cid, cid, 15);
    seal_crc7(c->cid);
    return 0;
}

/* ---- setup --------------------------------------------------------------- */

void sd_card_default_options(struct sd_card_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->type = SD_CARD_AUTO;
    opt->sync_writes = 1;
    opt->read_delay_ps = 10 * PS_PER_US;
    opt->prog_ps = 20 * PS_PER_US;
    opt->stop_busy_ps = 2 * PS_PER_US;
    opt->ncr = 1;
    opt->init_polls = 2;
}

static void power_up(struct sd_card *c)
{
    c->present = 1;
    c->powerup_clocks = 0;
    c->spi_mode = 0;
    c->idle = 1;
    c->app_cmd = 0;
    c->crc_on = 0;
    c->acmd41_polls = 0;
    c->r2_status = 0;
    c->in_bits = 0;
    c->need_load = 1;
    c->out_byte = 0xFF;
    c->out_pos = 7;
    c->miso = 1;
    c->q_len = 0;
    c->tx = TX_IDLE;
    c->busy_commits = 0;
    c->busy_then_wtoken = 0;
    c->rx = RX_CMD;
    c->cmd_len = 0;
    c->stuck = 0;
}

struct sd_card *sd_card_open(const struct sd_card_options *opt)
{
    struct sd_card *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "sd_card: out of memory\n");
        return NULL;
    }
    c->opt = *opt;
    if (c->opt.ncr < 1 || c->opt.ncr > 8)
        c->opt.ncr = 1;
    c->fd = open(opt->image_path, opt->write_protect ? O_RDONLY : O_RDWR);
    if (c->fd < 0) {
        fprintf(stderr, "sd_card: %s: %s\n", opt->image_path, strerror(errno));
        free(c);
        return NULL;
    }
    struct stat st;
    if (fstat(c->fd, &st) != 0) {
        fprintf(stderr, "sd_card: %s: %s\n", opt->image_path, strerror(errno));
        close(c->fd);
        free(c);
        return NULL;
    }
    uint64_t image_blocks = (uint64_t)st.st_size / BLK;
    switch (opt->type) {
    case SD_CARD_SDSC: c->sdhc = 0; break;
    case SD_CARD_SDHC: c->sdhc = 1; break;
    default: c->sdhc = image_blocks > (1u << 21); break;   /* > 1 GiB */
    }
    if (c->sdhc)
        c->opt.version1 = 0;
    if (build_registers(c, image_blocks) != 0) {
        close(c->fd);
        free(c);
        return NULL;
    }
    c->cs_n = 1;
    c->sck = 0;
    c->fault.kind = SD_FAULT_NONE;
    power_up(c);
    return c;
}

void sd_card_close(struct sd_card *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c);
}

uint64_t sd_card_capacity_blocks(const struct sd_card *c) { return c->blocks; }
int sd_card_is_sdhc(const struct sd_card *c) { return c->sdhc; }
int sd_card_is_busy(const struct sd_card *c) { return c->tx == TX_BUSY; }
const struct sd_card_stats *sd_card_get_stats(const struct sd_card *c) { return &c->stats; }
int sd_card_miso(const struct sd_card *c) { return c->miso; }

/* ---- faults -------------------------------------------------------------- */

static void abandon_programming(struct sd_card *c)
{
    if (c->tx == TX_BUSY && c->busy_commits)
        c->stats.blocks_abandoned++;
    c->busy_commits = 0;
}

void sd_card_set_fault(struct sd_card *c, const struct sd_fault *f)
{
    sd_card_clear_fault(c);
    if (f && f->kind != SD_FAULT_NONE) {
        c->fault = *f;
        c->fault_seen = 0;
    }
}

void sd_card_clear_fault(struct sd_card *c)
{
    if (c->stuck) {
        /* the card gives up the block it could not program */
        abandon_programming(c);
        c->tx = TX_IDLE;
        c->stuck = 0;
        c->rx = RX_CMD;
    }
    if (!c->present)
        power_up(c);        /* re-inserted: powered down, needs a new init */
    c->fault.kind = SD_FAULT_NONE;
}

int sd_card_parse_fault(const char *spec, struct sd_fault *f)
{
    static const struct { const char *name; enum sd_fault_kind kind; } kinds[] = {
        {"none", SD_FAULT_NONE}, {"read-crc", SD_FAULT_READ_CRC}, {"no-token", SD_FAULT_NO_TOKEN},
        {"write-reject", SD_FAULT_WRITE_REJECT}, {"busy-forever", SD_FAULT_BUSY_FOREVER},
        {"removed", SD_FAULT_REMOVED}, {"out-of-range", SD_FAULT_OUT_OF_RANGE},
    };
    memset(f, 0, sizeof *f);
    size_t n = strcspn(spec, ":");
    unsigned i;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == n && strncmp(spec, kinds[i].name, n) == 0)
            break;
    if (i == sizeof kinds / sizeof kinds[0])
        return -1;
    f->kind = kinds[i].kind;
    unsigned *fields[3] = {&f->skip, &f->times, &f->byte_offset};
    const char *p = spec + n;
    for (int k = 0; k < 3 && *p == ':'; k++) {
        char *end;
        unsigned long v = strtoul(p + 1, &end, 0);
        if (end == p + 1)
            return -1;
        *fields[k] = (unsigned)v;
        p = end;
    }
    return *p ? -1 : 0;
}

/* Is the fault `kind` due for this data block (or command)?  Counts it. */
static int fault_hits(struct sd_card *c, enum sd_fault_kind kind)
{
    if (c->fault.kind != kind)
        return 0;
    if (c->fault_seen++ < c->fault.skip)
        return 0;
    c->stats.faults_hit++;
    if (c->fault.times) {
        if (--c->fault.times == 0)
            c->fault.kind = SD_FAULT_NONE;
    }
    return 1;
}

static void card_removed(struct sd_card *c)
{
    abandon_programming(c);
    c->present = 0;
    c->tx = TX_IDLE;
    c->q_len = 0;
    c->rx = RX_CMD;
    c->miso = 1;
    if (c->opt.verbose)
        fprintf(stderr, "sd_card: card removed\n");
}

/* ---- transmit side ------------------------------------------------------- */

static void q_push(struct sd_card *c, uint8_t b)
{
    if (c->q_len < sizeof c->q)
        c->q[(c->q_head + c->q_len++) % sizeof c->q] = b;
}

static void q_response(struct sd_card *c, uint8_t r1)
{
    c->q_len = 0;
    for (unsigned i = 0; i < c->opt.ncr; i++)
        q_push(c, 0xFF);
    q_push(c, r1);
}

static void q_block16(struct sd_card *c, const uint8_t *reg)
{
    q_push(c, 0xFF);
    q_push(c, 0xFE);
    for (int i = 0; i < 16; i++)
        q_push(c, reg[i]);
    uint16_t crc = sd_crc16(reg, 16);
    q_push(c, (uint8_t)(crc >> 8));
    q_push(c, (uint8_t)crc);
}

static void program_block(struct sd_card *c)
{
    off_t off = (off_t)(c->prog_lba * BLK);
    if (pwrite(c->fd, c->prog_buf, BLK, off) != (ssize_t)BLK) {
        fprintf(stderr, "sd_card: writing the image: %s\n", strerror(errno));
        c->r2_status |= R2_ERROR;
        return;
    }
    if (c->opt.sync_writes)
        (void)fdatasync(c->fd);
    c->stats.blocks_written++;
}

static void start_busy(struct sd_card *c, uint64_t until, int commits, int then_wtoken)
{
    c->tx = TX_BUSY;
    c->busy_until = until;
    c->busy_commits = commits;
    c->busy_then_wtoken = then_wtoken;
}

static void end_busy(struct sd_card *c)
{
    if (c->busy_commits)
        program_block(c);
    c->busy_commits = 0;
    c->tx = TX_IDLE;
    c->rx = c->busy_then_wtoken ? RX_WTOKEN : RX_CMD;
}

void sd_card_tick(struct sd_card *c, uint64_t now)
{
    if (c->present && c->tx == TX_BUSY && !c->stuck && now >= c->busy_until)
        end_busy(c);
}

/* Prepare the read block at rd_lba: data, CRC, faults. */
static void read_block_begin(struct sd_card *c, uint64_t now)
{
    c->rd_idx = 0;
    c->rd_remove_at = -1;
    c->rd_ready_ps = now + c->opt.read_delay_ps;
    if (c->rd_lba >= c->blocks) {
        /* a multi-block read ran off the end of the card */
        c->rd = RD_STALL;
        c->r2_status |= R2_OUT_OF_RANGE;
        q_push(c, ET_OUT_OF_RANGE);
        return;
    }
    if (pread(c->fd, c->rd_buf, BLK, (off_t)(c->rd_lba * BLK)) != (ssize_t)BLK) {
        memset(c->rd_buf, 0, BLK);
        c->rd = RD_STALL;
        q_push(c, 0x04);        /* error token: card ECC failed */
        return;
    }
    c->rd_crc = sd_crc16(c->rd_buf, BLK);
    c->rd = RD_WAIT;
    if (fault_hits(c, SD_FAULT_READ_CRC))
        c->rd_crc ^= 0x0100u;
    if (fault_hits(c, SD_FAULT_NO_TOKEN))
        c->rd = RD_STALL;
    if (fault_hits(c, SD_FAULT_REMOVED))
        c->rd_remove_at = (int)(c->fault.byte_offset % BLK);
}

static uint8_t read_stream_byte(struct sd_card *c, uint64_t now)
{
    switch (c->rd) {
    case RD_WAIT:
        if (now < c->rd_ready_ps)
            return 0xFF;
        c->rd = RD_DATA;
        c->rd_idx = 0;
        return 0xFE;
    case RD_DATA: {
        if ((int)c->rd_idx == c->rd_remove_at) {
            card_removed(c);
            return 0xFF;
        }
        uint8_t b = c->rd_buf[c->rd_idx++];
        if (c->rd_idx == BLK)
            c->rd = RD_CRC0;
        return b;
    }
    case RD_CRC0:
        c->rd = RD_CRC1;
        return (uint8_t)(c->rd_crc >> 8);
    case RD_CRC1: {
        uint8_t lo = (uint8_t)c->rd_crc;
        c->stats.blocks_read++;
        if (c->rd_multi) {
            c->rd_lba++;
            read_block_begin(c, now);
        } else {
            c->tx = TX_IDLE;
        }
        return lo;
    }
    default:
        return 0xFF;
    }
}

static uint8_t next_out(struct sd_card *c, uint64_t now)
{
    if (!c->present || c->cs_n)
        return 0xFF;
    sd_card_tick(c, now);
    if (c->q_len) {
        uint8_t b = c->q[c->q_head];
        c->q_head = (c->q_head + 1) % sizeof c->q;
        c->q_len--;
        return b;
    }
    switch (c->tx) {
    case TX_READ:
        return read_stream_byte(c, now);
    case TX_BUSY:
        return 0x00;
    default:
        return 0xFF;
    }
}

/* ---- commands ------------------------------------------------------------ */

static uint8_t r1_base(const struct sd_card *c)
{
    return c->idle ? R1_IDLE : 0;
}

/* Block number of a data command's argument; sets *r1 on a bad address. */
static uint64_t data_address(struct sd_card *c, uint32_t arg, uint8_t *r1)
{
    uint64_t lba;
    if (c->sdhc) {
        lba = arg;
    } else {
        if (arg % BLK) {
            *r1 |= R1_ADDR_ERR;
            return 0;
        }
        lba = arg / BLK;
    }
    if (lba >= c->blocks || fault_hits(c, SD_FAULT_OUT_OF_RANGE)) {
        *r1 |= R1_PARAM_ERR;
        c->r2_status |= R2_OUT_OF_RANGE;
    }
    return lba;
}

static void execute(struct sd_card *c, uint64_t now)
{
    const uint8_t *k = c->cmd;
    unsigned idx = k[0] & 0x3Fu;
    uint32_t arg = (uint32_t)k[1] << 24 | (uint32_t)k[2] << 16 | (uint32_t)k[3] << 8 | k[4];
    int app = c->app_cmd;
    c->app_cmd = 0;
    c->stats.commands++;
    if (c->opt.verbose)
        fprintf(stderr, "sd_card: %sCMD%u %08x\n", app ? "A" : "", idx, (unsigned)arg);

    if (!c->spi_mode) {
        /* SD mode after power-up: only CMD0 with CS low (after >= 74 clocks) counts */
        if (idx != 0 || c->powerup_clocks < 74)
            return;
    }
    uint8_t crc = (uint8_t)((sd_crc7(k, 5) << 1) | 1u);
    if ((c->crc_on || idx == 0 || idx == 8) && crc != k[5]) {
        c->stats.cmd_crc_errors++;
        q_response(c, r1_base(c) | R1_CRC_ERR);
        return;
    }

    /* CMD12 stops a read stream: a stuff byte, then R1b */
    if (idx == 12) {
        if (c->tx == TX_READ) {
            uint8_t stuff = (c->rd == RD_DATA) ? c->rd_buf[c->rd_idx % BLK] : 0x00;
            c->tx = TX_IDLE;
            c->q_len = 0;
            q_push(c, stuff);
            q_push(c, r1_base(c));
            start_busy(c, now + c->opt.stop_busy_ps, 0, 0);
        } else {
            q_response(c, r1_base(c));
        }
        return;
    }
    if (c->tx == TX_READ)
        c->tx = TX_IDLE;        /* any other command ends a read too */

    if (app) {
        if (idx == 41) {
            if (c->idle) {
                int hcs = (arg >> 30) & 1u;
                if (!(c->sdhc && !hcs) && ++c->acmd41_polls > c->opt.init_polls)
                    c->idle = 0;
            }
            q_response(c, r1_base(c));
        } else {
            q_response(c, r1_base(c) | R1_ILLEGAL);
        }
        return;
    }

    uint8_t r1 = r1_base(c);
    switch (idx) {
    case 0:
        c->spi_mode = 1;
        c->idle = 1;
        c->crc_on = 0;
        c->acmd41_polls = 0;
        c->tx = TX_IDLE;
        q_response(c, R1_IDLE);
        return;
    case 8:
        if (c->opt.version1) {
            q_response(c, r1 | R1_ILLEGAL);
            return;
        }
        q_response(c, r1);
        q_push(c, 0x00);
        q_push(c, 0x00);
        q_push(c, (uint8_t)((arg >> 8) & 0x0Fu));
        q_push(c, (uint8_t)arg);
        return;
    case 55:
        c->app_cmd = 1;
        q_response(c, r1);
        return;
    case 58: {
        uint32_t ocr = 0x00FF8000u;
        if (!c->idle)
            ocr |= 0x80000000u | (c->sdhc ? 0x40000000u : 0);
        q_response(c, r1);
        for (int s = 24; s >= 0; s -= 8)
            q_push(c, (uint8_t)(ocr >> s));
        return;
    }
    case 59:
        c->crc_on = arg & 1u;
        q_response(c, r1);
        return;
    case 13:
        q_response(c, r1);
        q_push(c, c->r2_status);
        c->r2_status = 0;
        return;
    default:
        break;
    }

    /* everything below needs an initialised card */
    if (c->idle) {
        q_response(c, r1 | R1_ILLEGAL);
        return;
    }
    switch (idx) {
    case 9:
    case 10:
        q_response(c, r1);
        q_block16(c, idx == 9 ? c->csd : c->cid);
        return;
    case 16:
        q_response(c, arg == BLK ? r1 : (uint8_t)(r1 | R1_PARAM_ERR));
        return;
    case 17:
    case 18: {
        uint64_t lba = data_address(c, arg, &r1);
        q_response(c, r1);
        if (r1)
            return;
        c->tx = TX_READ;
        c->rd_multi = idx == 18;
        c->rd_lba = lba;
        read_block_begin(c, now);
        return;
    }
    case 24:
    case 25: {
        uint64_t lba = data_address(c, arg, &r1);
        q_response(c, r1);
        if (r1)
            return;
        c->rx = RX_WTOKEN;
        c->wr_multi = idx == 25;
        c->wr_lba = lba;
        return;
    }
    default:
        q_response(c, r1 | R1_ILLEGAL);
        return;
    }
}

/* A write data block (and its CRC) has arrived. */
static void write_block_end(struct sd_card *c, uint64_t now)
{
    uint16_t got = (uint16_t)(c->wr_buf[BLK] << 8 | c->wr_buf[BLK + 1]);
    uint8_t resp = DR_ACCEPTED;
    if (c->crc_on && got != sd_crc16(c->wr_buf, BLK)) {
        resp = DR_CRC_ERR;
        c->stats.data_crc_errors++;
    } else if (c->opt.write_protect) {
        resp = DR_WRITE_ERR;
        c->r2_status |= R2_WP_VIOL;
    } else if (c->wr_lba >= c->blocks) {
        resp = DR_WRITE_ERR;
        c->r2_status |= R2_OUT_OF_RANGE;
    } else if (fault_hits(c, SD_FAULT_WRITE_REJECT)) {
        resp = DR_WRITE_ERR;
        c->r2_status |= R2_ERROR;
    }
    c->q_len = 0;
    q_push(c, resp);
    if (resp != DR_ACCEPTED) {
        c->stats.blocks_rejected++;
        c->rx = c->wr_multi ? RX_WTOKEN : RX_CMD;
        return;
    }
    c->prog_lba = c->wr_lba++;
    memcpy(c->prog_buf, c->wr_buf, BLK);
    if (fault_hits(c, SD_FAULT_BUSY_FOREVER)) {
        c->stuck = 1;
        start_busy(c, UINT64_MAX, 1, c->wr_multi);
    } else {
        start_busy(c, now + c->opt.prog_ps, 1, c->wr_multi);
    }
    c->rx = RX_CMD;     /* input is ignored while busy anyway */
}

static void byte_in(struct sd_card *c, uint8_t b, uint64_t now)
{
    if (!c->present)
        return;
    sd_card_tick(c, now);
    if (c->tx == TX_BUSY)
        return;         /* the host only polls while we are busy */
    switch (c->rx) {
    case RX_WTOKEN:
        if ((!c->wr_multi && b == 0xFE) || (c->wr_multi && b == 0xFC)) {
            c->rx = RX_WDATA;
            c->wr_idx = 0;
            c->wr_remove_at = fault_hits(c, SD_FAULT_REMOVED) ? (int)(c->fault.byte_offset % BLK) : -1;
            return;
        }
        if (c->wr_multi && b == 0xFD) {
            /* stop token: one byte later the card is busy for a while */
            c->q_len = 0;
            q_push(c, 0xFF);
            start_busy(c, now + c->opt.stop_busy_ps, 0, 0);
            c->rx = RX_CMD;
            return;
        }
        if ((b & 0xC0u) != 0x40u)
            return;
        c->rx = RX_CMD;     /* a command instead of data: give up the write */
        break;
    case RX_WDATA:
        if ((int)c->wr_idx == c->wr_remove_at) {
            card_removed(c);
            return;
        }
        c->wr_buf[c->wr_idx++] = b;
        if (c->wr_idx == BLK + 2)
            write_block_end(c, now);
        return;
    default:
        break;
    }
    /* RX_CMD */
    if (c->cmd_len == 0 && (b & 0xC0u) != 0x40u)
        return;
    c->cmd[c->cmd_len++] = b;
    if (c->cmd_len == 6) {
        c->cmd_len = 0;
        execute(c, now);
    }
}

/* ---- bit layer ----------------------------------------------------------- */

void sd_card_cs(struct sd_card *c, uint64_t now, int cs_n)
{
    cs_n = !!cs_n;
    if (cs_n == c->cs_n)
        return;
    c->cs_n = cs_n;
    c->in_bits = 0;
    if (cs_n) {
        /* deselected: partial commands and read streams are dropped, a write
         * in progress is given up; programming goes on */
        c->cmd_len = 0;
        c->q_len = 0;
        if (c->tx == TX_READ)
            c->tx = TX_IDLE;
        if (c->rx == RX_WDATA || c->rx == RX_WTOKEN)
            c->rx = RX_CMD;
        c->miso = 1;
    } else {
        c->out_byte = next_out(c, now);
        c->out_pos = 7;
        c->need_load = 0;
        c->miso = c->present ? (c->out_byte >> 7) & 1 : 1;
    }
}

void sd_card_sck_rise(struct sd_card *c, uint64_t now, int mosi)
{
    if (c->cs_n) {
        if (c->present && c->powerup_clocks < 1000)
            c->powerup_clocks++;
        return;
    }
    c->in_shift = (uint8_t)(c->in_shift << 1 | (mosi & 1));
    if (++c->in_bits == 8) {
        c->in_bits = 0;
        c->need_load = 1;
        byte_in(c, c->in_shift, now);
    }
}

void sd_card_sck_fall(struct sd_card *c, uint64_t now)
{
    if (c->cs_n)
        return;
    if (c->need_load) {
        c->out_byte = next_out(c, now);
        c->out_pos = 7;
        c->need_load = 0;
    } else if (c->out_pos > 0) {
        c->out_pos--;
    }
    c->miso = c->present ? (c->out_byte >> c->out_pos) & 1 : 1;
}

int sd_card_pins(struct sd_card *c, uint64_t now, int sck, int mosi, int cs_n)
{
    sck = !!sck;
    sd_card_tick(c, now);
    if (!!cs_n != c->cs_n)
        sd_card_cs(c, now, cs_n);
    if (sck != c->sck) {
        c->sck = sck;
        if (sck)
            sd_card_sck_rise(c, now, mosi);
        else
            sd_card_sck_fall(c, now);
    }
    return c->miso;
}
