/* SD card driver (SPI mode) over the softhba SD stream engine.
 *
 * Commands go through the engine's command mode (ARG, SEND: the engine adds
 * the CRC7 and waits for R1), further response bytes through its DATA
 * register; data blocks go between the card and the data FIFO through the engine's
 * block mode.  The caller decides where the FIFO leads (ISA DMA, PIO, or the
 * CPU's own FIFO port) and sets the FIFO direction before a transfer.
 *
 * Every function returns SD_OK (0) or a negative enum sd_err; sd_err_sense()
 * turns an error into SCSI sense data (docs/sd.md lists the mapping). */
#ifndef SD_DRIVER_H
#define SD_DRIVER_H

#include <stdint.h>

enum sd_err {
    SD_OK = 0,
    SD_ERR_NO_CARD = -1,          /* no response: card absent or removed */
    SD_ERR_INIT = -2,             /* card answers but does not initialise */
    SD_ERR_CMD = -3,              /* command refused (illegal, CRC after retries) */
    SD_ERR_READ_TIMEOUT = -4,     /* no start token for a read block */
    SD_ERR_READ_CRC = -5,         /* CRC16 of a read block wrong */
    SD_ERR_READ_TOKEN = -6,       /* card sent a read error token (ECC, CC error) */
    SD_ERR_WRITE = -7,            /* data response 'write error' or status error */
    SD_ERR_WRITE_CRC = -8,        /* data response 'CRC error' */
    SD_ERR_BUSY_TIMEOUT = -9,     /* card stayed busy after a write */
    SD_ERR_WRITE_PROTECTED = -10, /* write to a write-protected card */
    SD_ERR_OUT_OF_RANGE = -11,    /* address beyond the card */
    SD_ERR_PARAM = -12,           /* bad call (count 0, not initialised...) */
    SD_ERR_ABORTED = -13          /* the caller's wait callback asked to stop */
};

struct sd_dev {
    /* set by the caller before sd_init (sd_dev_defaults fills them) */
    uint8_t div_fast;             /* DIV after init: 0 = 18 MHz */
    uint16_t token_timeout;       /* engine units (1024 core clocks) */
    uint16_t busy_timeout;
    uint32_t init_polls;          /* ACMD41 attempts before giving up */
    /* optional: called while waiting for the engine; non-zero aborts */
    int (*wait_cb)(void *ctx);
    void *wait_ctx;

    /* filled by sd_init */
    int initialized;
    int sdhc;                     /* block addressing */
    int v2;                       /* answered CMD8 */
    uint32_t ocr;
    uint32_t blocks;              /* capacity in 512-byte blocks */
    uint8_t csd[16];
    uint8_t cid[16];

    /* about the last operation */
    uint32_t blocks_done;         /* blocks moved completely */
    uint8_t last_r1;
    uint8_t last_r2;              /* second status byte of the last CMD13 */
    uint8_t last_token;           /* last data/error token the engine saw */
    uint32_t last_engine_status;

    /* counters */
    uint32_t retries;
    uint32_t reinits;
};

void sd_dev_defaults(struct sd_dev *dev);

/* Power-up sequence at 400 kHz, then the fast clock. */
int sd_init(struct sd_dev *dev);

/* count blocks from lba: card -> FIFO (read), FIFO -> card (write).
 * Multi-block commands (CMD18/CMD25) are used for count > 1. A write
 * returns SD_OK only once the card has finished programming every block. */
int sd_read_blocks(struct sd_dev *dev, uint32_t lba, uint32_t count);
int sd_write_blocks(struct sd_dev *dev, uint32_t lba, uint32_t count);

/* One block between the card and buf through the CPU's byte mode, never
 * through the data FIFO (the host's path): the firmware's own sectors (the
 * file system, softhba.log).  buf 0 writes zeros. */
int sd_read_block_cpu(struct sd_dev *dev, uint32_t lba, uint8_t *buf);
int sd_write_block_cpu(struct sd_dev *dev, uint32_t lba, const uint8_t *buf);

/* CMD13: *r2 gets the second status byte (may be NULL). */
int sd_status(struct sd_dev *dev, uint8_t *r2);

const char *sd_err_name(int err);

/* SCSI sense key / ASC / ASCQ for an error. */
void sd_err_sense(int err, uint8_t *key, uint8_t *asc, uint8_t *ascq);

/* Utilities (also used by tests). */
uint16_t sd_drv_crc16(const uint8_t *data, unsigned len);
uint32_t sd_csd_blocks(const uint8_t *csd);

#endif
