/* SD card driver (SPI mode) over the softhba SD stream engine; see sd_driver.h
 * and docs/sd.md. */
#include "sd_driver.h"
#include "sd_hw.h"

#define R1_IDLE      0x01u
#define R1_ILLEGAL   0x04u
#define R1_CRC_ERR   0x08u
#define R1_ADDR_ERR  0x20u
#define R1_PARAM_ERR 0x40u
#define R1_NONE      0xFFu
#define R2_WP_VIOL   0x20u
#define R2_OUT_OF_RANGE 0x80u

#define CMD_RETRIES  3          /* a command refused for CRC, or unanswered */
#define READ_RETRIES 2          /* start token timeouts (nothing reached the FIFO) */

/* ---- CRC ------------------------------------------------------------------ */

uint16_t sd_drv_crc16(const uint8_t *data, unsigned len)
{
    unsigned crc = 0;
    for (unsigned i = 0; i < len; i++) {
        crc ^= (unsigned)data[i] << 8;
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000u) ? ((crc << 1) ^ 0x1021u) : (crc << 1);
        crc &= 0xFFFFu;
    }
    return (uint16_t)crc;
}

/* Bits hi..lo of a 128-bit register stored big-endian. */
static uint32_t reg_bits(const uint8_t *r, unsigned hi, unsigned lo)
{
    uint32_t v = 0;
    for (unsigned bit = hi + 1; bit-- > lo;) {
        unsigned byte = 15u - bit / 8u;
        v = (v << 1) | ((r[byte] >> (bit % 8u)) & 1u);
    }
    return v;
}

uint32_t sd_csd_blocks(const uint8_t *csd)
{
    if (reg_bits(csd, 127, 126) == 1)
        return (reg_bits(csd, 69, 48) + 1u) * 1024u;
    uint32_t c_size = reg_bits(csd, 73, 62);
    uint32_t mult = reg_bits(csd, 49, 47);
    uint32_t bl_len = reg_bits(csd, 83, 80);
    uint32_t bytes_shift = mult + 2u + bl_len;
    return (c_size + 1u) << (bytes_shift - 9u);
}

/* ---- engine access ------------------------------------------------------- */

/* DATA once the engine is idle: the byte received last (or R1 after SEND). */
static uint8_t rx_byte(void)
{
    uint32_t v;
    do
        v = sd_hw_read(SHBA_SD_DATA);
    while (v & SHBA_SD_DATA_BUSY);
    return (uint8_t)v;
}

static uint8_t xfer(uint8_t out)
{
    sd_hw_write(SHBA_SD_DATA, out);
    return rx_byte();
}

static void select_card(int multi_write)
{
    sd_hw_write(SHBA_SD_CTRL, SHBA_SD_CTRL_CS | (multi_write ? SHBA_SD_CTRL_MULTI_WRITE : 0));
}

static void deselect_card(void)
{
    sd_hw_write(SHBA_SD_CTRL, 0);
    (void)xfer(0xFF);        /* the card releases MISO after a clock with CS high */
}

/* Start a command (CS already low): the engine sends the frame with its
 * CRC7 and then polls for R1 by itself (SEND in docs/sd.md); `send` holds
 * the SEND flags and index. */
static void command_start(uint32_t send, uint32_t arg)
{
    sd_hw_write(SHBA_SD_ARG, arg);
    sd_hw_write(SHBA_SD_SEND, send);
}

/* Send a command and return R1 (0xFF: no answer, or the card stayed busy). */
static uint8_t command_once(uint32_t send, uint32_t arg)
{
    command_start(send, arg);
    return rx_byte();
}

/* SEND flags for a command: every command but the first CMD0 waits for the
 * card to end busy first; CMD12 needs a stuff byte. */
static uint32_t send_flags(uint8_t idx)
{
    return SHBA_SD_SEND_WAIT_READY | idx | (idx == 12 ? SHBA_SD_SEND_STUFF : 0u);
}

/* R1 of a command already started, with the retries that are safe: no
 * answer or a CRC error means the card did not act on it. */
static uint8_t command_finish(struct sd_dev *dev, uint32_t send, uint32_t arg)
{
    uint8_t r1 = rx_byte();
    for (int attempt = 1; attempt < CMD_RETRIES && (r1 == R1_NONE || (r1 & R1_CRC_ERR)); attempt++) {
        dev->retries++;
        r1 = command_once(send, arg);
    }
    dev->last_r1 = r1;
    return r1;
}

static uint8_t command(struct sd_dev *dev, uint8_t idx, uint32_t arg)
{
    uint32_t send = send_flags(idx);
    command_start(send, arg);
    return command_finish(dev, send, arg);
}

static uint8_t app_command(struct sd_dev *dev, uint8_t idx, uint32_t arg)
{
    uint8_t r1 = command(dev, 55, 0);
    if (r1 & ~R1_IDLE)
        return r1;
    return command(dev, idx, arg);
}

/* Read a 16-byte register (CSD/CID) through byte mode. */
static int read_reg16(struct sd_dev *dev, uint8_t idx, uint8_t *out)
{
    uint8_t r1 = command(dev, idx, 0);
    if (r1 == R1_NONE)
        return SD_ERR_NO_CARD;
    if (r1)
        return SD_ERR_CMD;
    uint8_t t = 0xFF;
    for (int i = 0; i < 2000 && t == 0xFF; i++)
        t = xfer(0xFF);
    if (t != 0xFE)
        return SD_ERR_READ_TIMEOUT;
    for (int i = 0; i < 16; i++)
        out[i] = xfer(0xFF);
    uint16_t crc = (uint16_t)(xfer(0xFF) << 8);
    crc |= xfer(0xFF);
    return crc == sd_drv_crc16(out, 16) ? SD_OK : SD_ERR_READ_CRC;
}

/* Start a block operation and wait for it to end; returns STATUS. */
static uint32_t run_engine(struct sd_dev *dev, uint32_t cmd, uint32_t count)
{
    sd_hw_write(SHBA_SD_BLK_COUNT, count);
    sd_hw_write(SHBA_SD_CMD, cmd);
    uint32_t st;
    for (;;) {
        st = sd_hw_read(SHBA_SD_STATUS);
        if (st & SHBA_SD_STATUS_DONE)
            break;
        if (dev->wait_cb && dev->wait_cb(dev->wait_ctx)) {
            sd_hw_write(SHBA_SD_CMD, SHBA_SD_CMD_ABORT);
            st = sd_hw_read(SHBA_SD_STATUS);
            break;
        }
    }
    dev->blocks_done += sd_hw_read(SHBA_SD_BLK_DONE) & SHBA_SD_BLK_DONE_COUNT_MASK;
    dev->last_token = (uint8_t)((st & SHBA_SD_STATUS_TOKEN_MASK) >> SHBA_SD_STATUS_TOKEN_SHIFT);
    dev->last_engine_status = st;
    sd_hw_write(SHBA_SD_STATUS, st);      /* clear DONE and the error bits */
    return st;
}

/* ---- init ---------------------------------------------------------------- */

void sd_dev_defaults(struct sd_dev *dev)
{
    uint8_t *p = (uint8_t *)dev;
    for (unsigned i = 0; i < sizeof *dev; i++)
        p[i] = 0;
    dev->div_fast = SHBA_SD_DIV_FAST;
    dev->token_timeout = 3516;    /* 100 ms */
    dev->busy_timeout = 8789;     /* 250 ms */
    dev->init_polls = 4000;       /* ~1.3 s of ACMD41 at 400 kHz */
}

static int init_once(struct sd_dev *dev)
{
    dev->initialized = 0;
    sd_hw_write(SHBA_SD_CMD, SHBA_SD_CMD_ABORT);
    sd_hw_write(SHBA_SD_STATUS, 0xFFFFFFFFu);
    sd_hw_write(SHBA_SD_DIV, SHBA_SD_DIV_400K);
    sd_hw_write(SHBA_SD_TIMEOUT, (uint32_t)dev->busy_timeout << 16 | dev->token_timeout);
    sd_hw_write(SHBA_SD_CTRL, 0);
    for (int i = 0; i < 10; i++)          /* 80 clocks with CS high */
        (void)xfer(0xFF);

    select_card(0);
    uint8_t r1 = R1_NONE;
    for (int i = 0; i < 10 && r1 != R1_IDLE; i++)
        r1 = command_once(0, 0);
    if (r1 == R1_NONE)
        return SD_ERR_NO_CARD;
    if (r1 != R1_IDLE)
        return SD_ERR_INIT;

    r1 = command(dev, 8, 0x1AA);
    if (r1 == R1_NONE)
        return SD_ERR_NO_CARD;
    dev->v2 = !(r1 & R1_ILLEGAL);
    if (dev->v2) {
        uint32_t echo = 0;
        for (int i = 0; i < 4; i++)
            echo = echo << 8 | xfer(0xFF);
        if ((echo & 0xFFFu) != 0x1AAu)
            return SD_ERR_INIT;           /* wrong voltage range or a broken card */
    }

    uint32_t polls = 0;
    do {
        r1 = app_command(dev, 41, dev->v2 ? 0x40000000u : 0);
        if (r1 == R1_NONE)
            return SD_ERR_NO_CARD;
        if (r1 & ~R1_IDLE)
            return SD_ERR_INIT;
    } while (r1 != 0 && ++polls < dev->init_polls);
    if (r1 != 0)
        return SD_ERR_INIT;

    r1 = command(dev, 58, 0);
    if (r1 != 0)
        return r1 == R1_NONE ? SD_ERR_NO_CARD : SD_ERR_INIT;
    dev->ocr = 0;
    for (int i = 0; i < 4; i++)
        dev->ocr = dev->ocr << 8 | xfer(0xFF);
    dev->sdhc = dev->v2 && (dev->ocr & 0x40000000u);
    if (!dev->sdhc && command(dev, 16, 512) != 0)
        return SD_ERR_INIT;
    /* CRC on: the card checks commands and write data, we check read data */
    if (command(dev, 59, 1) != 0)
        return SD_ERR_INIT;

    int e = read_reg16(dev, 9, dev->csd);
    if (e == SD_OK)
        e = read_reg16(dev, 10, dev->cid);
    if (e != SD_OK)
        return e;
    dev->blocks = sd_csd_blocks(dev->csd);
    deselect_card();
    sd_hw_write(SHBA_SD_DIV, dev->div_fast);
    dev->initialized = 1;
    return SD_OK;
}

int sd_init(struct sd_dev *dev)
{
    int e = init_once(dev);
    if (e != SD_OK && e != SD_ERR_NO_CARD) {
        dev->retries++;
        e = init_once(dev);
    }
    if (e != SD_OK)
        deselect_card();
    return e;
}

static int ensure_init(struct sd_dev *dev)
{
    if (dev->initialized)
        return SD_OK;
    dev->reinits++;
    return sd_init(dev);
}

/* ---- status and error classification -------------------------------------- */

static int status_locked(struct sd_dev *dev, uint8_t *r2)
{
    uint8_t r1 = command(dev, 13, 0);
    if (r1 == R1_NONE)
        return SD_ERR_NO_CARD;
    dev->last_r2 = xfer(0xFF);
    if (r2)
        *r2 = dev->last_r2;
    return (r1 & ~R1_IDLE) ? SD_ERR_CMD : SD_OK;
}

int sd_status(struct sd_dev *dev, uint8_t *r2)
{
    int e = ensure_init(dev);
    if (e != SD_OK)
        return e;
    select_card(0);
    e = status_locked(dev, r2);
    deselect_card();
    if (e == SD_ERR_NO_CARD)
        dev->initialized = 0;
    return e;
}

/* R1 of a data command that was not 0. */
static int r1_error(struct sd_dev *dev, uint8_t r1)
{
    if (r1 == R1_NONE) {
        dev->initialized = 0;
        return SD_ERR_NO_CARD;
    }
    /* read (and so clear) the card's status bits the refusal set */
    (void)status_locked(dev, 0);
    if (r1 & (R1_ADDR_ERR | R1_PARAM_ERR))
        return SD_ERR_OUT_OF_RANGE;
    if (r1 & (R1_IDLE | R1_ILLEGAL))
        dev->initialized = 0;            /* the card lost its state: init again */
    return SD_ERR_CMD;
}

/* After a data-phase failure: is the card still there? */
static int classify(struct sd_dev *dev, int err)
{
    uint8_t r2 = 0;
    int e = status_locked(dev, &r2);
    if (e == SD_ERR_NO_CARD) {
        dev->initialized = 0;
        return SD_ERR_NO_CARD;
    }
    if (r2 & R2_OUT_OF_RANGE)
        return SD_ERR_OUT_OF_RANGE;
    if (r2 & R2_WP_VIOL)
        return SD_ERR_WRITE_PROTECTED;
    return err;
}

/* ---- data ------------------------------------------------------------------ */

/* Inlined: sd_read_blocks() runs it before the command of every READ. */
__attribute__((always_inline)) static inline int check_range(const struct sd_dev *dev, uint32_t lba,
                                                             uint32_t count)
{
    if (count == 0 || count > 0xFFFFu)
        return SD_ERR_PARAM;
    if (lba >= dev->blocks || count > dev->blocks - lba)
        return SD_ERR_OUT_OF_RANGE;
    return SD_OK;
}

/* The read of sd_read_blocks(); `started`: its first CMD17/18 is on the
 * wire already (the card was ready and the range good). */
__attribute__((noinline)) static int read_run(struct sd_dev *dev, uint32_t lba, uint32_t count,
                                              int started)
{
    int e;
    if (!started) {
        if ((e = ensure_init(dev)) != SD_OK)
            return e;
        if ((e = check_range(dev, lba, count)) != SD_OK)
            return e;
    }
    int timeouts = 0;
    while (dev->blocks_done < count) {
        uint32_t at = lba + dev->blocks_done, n = count - dev->blocks_done;
        int multi = n > 1;
        uint32_t send = send_flags(multi ? 18 : 17), arg = dev->sdhc ? at : at * 512u;
        if (!started) {
            select_card(0);
            command_start(send, arg);
        }
        started = 0;
        uint8_t r1 = command_finish(dev, send, arg);
        if (r1 != 0) {
            e = r1_error(dev, r1);
            break;
        }
        uint32_t st = run_engine(dev, SHBA_SD_CMD_START_READ, n);
        if (multi && command(dev, 12, 0) == R1_NONE)
            st |= SHBA_SD_STATUS_TOKEN_TIMEOUT;   /* no answer at all: classify below */
        if (st & SHBA_SD_STATUS_ABORTED) {
            e = SD_ERR_ABORTED;
        } else if (st & SHBA_SD_STATUS_CRC_ERROR) {
            /* the block's bytes are in the FIFO already: no retry here */
            e = classify(dev, SD_ERR_READ_CRC);
        } else if (st & SHBA_SD_STATUS_ERROR_TOKEN) {
            e = classify(dev, (dev->last_token & 0x08u) ? SD_ERR_OUT_OF_RANGE : SD_ERR_READ_TOKEN);
        } else if (st & SHBA_SD_STATUS_TOKEN_TIMEOUT) {
            e = classify(dev, SD_ERR_READ_TIMEOUT);
            if (e == SD_ERR_READ_TIMEOUT && ++timeouts <= READ_RETRIES) {
                /* nothing of the failed block reached the FIFO: resume there */
                dev->retries++;
                deselect_card();
                continue;
            }
        } else {
            e = SD_OK;
        }
        break;
    }
    deselect_card();
    return e;
}

int sd_read_blocks(struct sd_dev *dev, uint32_t lba, uint32_t count)
{
    dev->blocks_done = 0;
    /* The usual case puts the command on the wire first (no registers to
     * save on the way); read_run() sets itself up while the card answers. */
    int started = dev->initialized && check_range(dev, lba, count) == SD_OK;
    if (started) {
        select_card(0);
        command_start(send_flags(count > 1 ? 18 : 17), dev->sdhc ? lba : lba * 512u);
    }
    return read_run(dev, lba, count, started);
}

int sd_write_blocks(struct sd_dev *dev, uint32_t lba, uint32_t count)
{
    dev->blocks_done = 0;
    int e = ensure_init(dev);
    if (e != SD_OK)
        return e;
    if ((e = check_range(dev, lba, count)) != SD_OK)
        return e;
    int multi = count > 1;
    select_card(multi);
    uint8_t r1 = command(dev, multi ? 25 : 24, dev->sdhc ? lba : lba * 512u);
    if (r1 != 0) {
        e = r1_error(dev, r1);
        deselect_card();
        return e;
    }
    uint32_t st = run_engine(dev, SHBA_SD_CMD_START_WRITE, count);
    if (multi && (st & (SHBA_SD_STATUS_ABORTED | SHBA_SD_STATUS_DATA_REJECTED))) {
        (void)xfer(0xFD);                 /* end the CMD25 transfer */
        (void)xfer(0xFF);
    }
    if (st & SHBA_SD_STATUS_ABORTED) {
        e = SD_ERR_ABORTED;
    } else if (st & SHBA_SD_STATUS_DATA_REJECTED) {
        unsigned resp = dev->last_token & 0x1Fu;
        e = classify(dev, resp == 0x0Bu ? SD_ERR_WRITE_CRC :
                          resp == 0x0Du ? SD_ERR_WRITE :
                          SD_ERR_NO_CARD);  /* no valid response at all */
    } else if (st & SHBA_SD_STATUS_BUSY_TIMEOUT) {
        e = SD_ERR_BUSY_TIMEOUT;
    } else {
        /* programmed: the status tells about errors found while programming */
        uint8_t r2 = 0;
        e = status_locked(dev, &r2);
        if (e == SD_OK && (r2 & ~0x01u))
            e = (r2 & R2_WP_VIOL) ? SD_ERR_WRITE_PROTECTED :
                (r2 & R2_OUT_OF_RANGE) ? SD_ERR_OUT_OF_RANGE : SD_ERR_WRITE;
        else if (e == SD_ERR_NO_CARD)
            dev->initialized = 0;
    }
    deselect_card();
    return e;
}

/* ---- one block through the CPU ------------------------------------------ */

/* Byte mode for both: the data FIFO is the host's path, which a command may
 * claim at any moment (the host arms its first segment right after START);
 * these blocks never enter it. */
static int cpu_block_start(struct sd_dev *dev, uint8_t idx, uint32_t lba)
{
    dev->blocks_done = 0;
    int e = ensure_init(dev);
    if (e == SD_OK)
        e = check_range(dev, lba, 1);
    if (e != SD_OK)
        return e;
    select_card(0);
    uint8_t r1 = command(dev, idx, dev->sdhc ? lba : lba * 512u);
    if (r1 != 0) {
        e = r1_error(dev, r1);
        deselect_card();
    }
    return e;
}

int sd_read_block_cpu(struct sd_dev *dev, uint32_t lba, uint8_t *buf)
{
    int e = cpu_block_start(dev, 17, lba);
    if (e != SD_OK)
        return e;
    /* the start token within the engine's token timeout: at most one byte
     * per 8 SCK periods, so this many bytes take at least that long */
    uint32_t t = 0xFF, tries = (uint32_t)dev->token_timeout * 1024u / 16u / (dev->div_fast + 1u);
    while (t == 0xFF && tries-- != 0)
        t = xfer(0xFF);
    if (t == 0xFE) {
        for (unsigned i = 0; i < 512; i++)
            buf[i] = xfer(0xFF);
        uint16_t crc = (uint16_t)(xfer(0xFF) << 8);
        crc |= xfer(0xFF);
        e = crc == sd_drv_crc16(buf, 512) ? SD_OK : SD_ERR_READ_CRC;
    } else {
        dev->last_token = (uint8_t)t;
        e = t == 0xFF ? SD_ERR_READ_TIMEOUT : SD_ERR_READ_TOKEN;
    }
    if (e != SD_OK)
        e = classify(dev, e);
    else
        dev->blocks_done = 1;
    deselect_card();
    return e;
}

int sd_write_block_cpu(struct sd_dev *dev, uint32_t lba, const uint8_t *buf)
{
    int e = cpu_block_start(dev, 24, lba);
    if (e != SD_OK)
        return e;
    (void)xfer(0xFF);
    (void)xfer(0xFE);
    for (unsigned i = 0; i < 512; i++)
        (void)xfer(buf ? buf[i] : 0u);
    uint16_t crc = buf ? sd_drv_crc16(buf, 512) : 0;   /* CRC16 of zeros is 0 */
    (void)xfer((uint8_t)(crc >> 8));
    (void)xfer((uint8_t)crc);
    uint8_t resp = 0xFF;
    for (int i = 0; i < 8 && resp == 0xFF; i++)
        resp = xfer(0xFF);
    dev->last_token = resp;
    if ((resp & 0x1Fu) != 0x05u) {
        e = classify(dev, (resp & 0x1Fu) == 0x0Bu ? SD_ERR_WRITE_CRC :
                          (resp & 0x1Fu) == 0x0Du ? SD_ERR_WRITE : SD_ERR_NO_CARD);
    } else {
        /* busy (MISO low) until programmed, within the busy timeout */
        uint32_t tries = (uint32_t)dev->busy_timeout * 1024u / 16u / (dev->div_fast + 1u);
        uint8_t b = 0;
        while (b == 0 && tries-- != 0)
            b = xfer(0xFF);
        if (b == 0) {
            e = SD_ERR_BUSY_TIMEOUT;
        } else {
            uint8_t r2 = 0;
            e = status_locked(dev, &r2);
            if (e == SD_OK && (r2 & ~0x01u))
                e = (r2 & R2_WP_VIOL) ? SD_ERR_WRITE_PROTECTED :
                    (r2 & R2_OUT_OF_RANGE) ? SD_ERR_OUT_OF_RANGE : SD_ERR_WRITE;
            else if (e == SD_ERR_NO_CARD)
                dev->initialized = 0;
            if (e == SD_OK)
                dev->blocks_done = 1;
        }
    }
    deselect_card();
    return e;
}

/* ---- errors ---------------------------------------------------------------- */

const char *sd_err_name(int err)
{
    switch (err) {
    case SD_OK: return "ok";
    case SD_ERR_NO_CARD: return "no card";
    case SD_ERR_INIT: return "card does not initialise";
    case SD_ERR_CMD: return "command refused";
    case SD_ERR_READ_TIMEOUT: return "read start token timeout";
    case SD_ERR_READ_CRC: return "read CRC error";
    case SD_ERR_READ_TOKEN: return "read error token";
    case SD_ERR_WRITE: return "write error";
    case SD_ERR_WRITE_CRC: return "write CRC error";
    case SD_ERR_BUSY_TIMEOUT: return "busy timeout";
    case SD_ERR_WRITE_PROTECTED: return "write protected";
    case SD_ERR_OUT_OF_RANGE: return "address out of range";
    case SD_ERR_PARAM: return "bad parameter";
    case SD_ERR_ABORTED: return "aborted";
    default: return "unknown";
    }
}

void sd_err_sense(int err, uint8_t *key, uint8_t *asc, uint8_t *ascq)
{
    uint8_t k, a, q = 0;
    switch (err) {
    case SD_OK:                  k = 0x0; a = 0x00; break;
    case SD_ERR_NO_CARD:         k = 0x2; a = 0x3A; break;          /* medium not present */
    case SD_ERR_INIT:            k = 0x2; a = 0x04; q = 0x01; break; /* becoming ready */
    case SD_ERR_READ_TIMEOUT:
    case SD_ERR_READ_CRC:
    case SD_ERR_READ_TOKEN:      k = 0x3; a = 0x11; break;          /* unrecovered read error */
    case SD_ERR_WRITE:           k = 0x3; a = 0x0C; q = 0x02; break; /* write error */
    case SD_ERR_WRITE_PROTECTED: k = 0x7; a = 0x27; break;
    case SD_ERR_OUT_OF_RANGE:    k = 0x5; a = 0x21; break;
    case SD_ERR_PARAM:           k = 0x5; a = 0x24; break;
    case SD_ERR_ABORTED:         k = 0xB; a = 0x00; q = 0x06; break; /* I/O process terminated */
    case SD_ERR_CMD:
    case SD_ERR_WRITE_CRC:
    case SD_ERR_BUSY_TIMEOUT:
    default:                     k = 0x4; a = 0x08; break;          /* LUN communication failure */
    }
    *key = k;
    *asc = a;
    *ascq = q;
}
