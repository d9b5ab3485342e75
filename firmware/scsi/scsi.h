/* softhba SCSI command layer: one direct-access disk (SBC) at target 0, LUN 0.
 *
 * Portable C11: the card firmware and the host tests build the same source.
 * The layer decodes a HOST command block (regmap CMD_*), validates it, runs
 * the command against a medium and a data phase reached through struct
 * scsi_ops, and fills a result (regmap RES_*). It allocates nothing and keeps
 * its state in struct scsi_dev. See docs/scsi.md.
 */
#ifndef SOFTHBA_SCSI_H
#define SOFTHBA_SCSI_H

#include <stdint.h>

#include "softhba_regs.h"

#define SCSI_BLOCK_SIZE 512u
#define SCSI_SENSE_LEN 18u /* fixed format, additional length 10 */

/* SCSI status bytes (RES_SCSI_STATUS). */
#define SCSI_STATUS_GOOD 0x00u
#define SCSI_STATUS_CHECK_CONDITION 0x02u
#define SCSI_STATUS_RESERVATION_CONFLICT 0x18u

/* Sense keys. */
#define SCSI_SK_NO_SENSE 0x0u
#define SCSI_SK_NOT_READY 0x2u
#define SCSI_SK_MEDIUM_ERROR 0x3u
#define SCSI_SK_HARDWARE_ERROR 0x4u
#define SCSI_SK_ILLEGAL_REQUEST 0x5u
#define SCSI_SK_UNIT_ATTENTION 0x6u
#define SCSI_SK_DATA_PROTECT 0x7u
#define SCSI_SK_MISCOMPARE 0xEu

/* What scsi_ops.medium() reports (flags). */
#define SCSI_MEDIUM_PRESENT 0x1u   /* a card is in the slot */
#define SCSI_MEDIUM_READY 0x2u     /* ... and it initialised: blocks is valid */
#define SCSI_MEDIUM_WPROTECT 0x4u  /* ... and it must not be written */

/* What a data-phase or medium operation returns. */
enum scsi_io {
    SCSI_IO_OK = 0,
    /* Medium failures: the block operation stopped at lba + *done. */
    SCSI_IO_READ_ERROR,   /* unrecoverable read: MEDIUM ERROR 3/11/00 */
    SCSI_IO_WRITE_ERROR,  /* write not programmed: MEDIUM ERROR 3/0C/00 */
    SCSI_IO_NO_MEDIUM,    /* card removed: NOT READY 2/3A/00 */
    SCSI_IO_WPROTECT,     /* write protected: DATA PROTECT 7/27/00 */
    SCSI_IO_MEDIUM_HW,    /* SD command failed or timed out: HARDWARE ERROR 4/08/00 */
    /* Host-side failures of the data phase: reported as a host status. */
    SCSI_IO_ABORTED,      /* CONTROL.ABORT: HS_ABORTED */
    SCSI_IO_RESET,        /* card or bus reset: HS_RESET */
    SCSI_IO_OVERRUN,      /* the host armed more than the command moves: HS_DATA_OVERRUN */
    SCSI_IO_PHASE,        /* the host armed the other direction: HS_PHASE_ERROR */
    SCSI_IO_HOST_HW,      /* data path fault on the card: HS_HW_ERROR */
    SCSI_IO_COUNT_
};

/* The medium and the data phase, supplied by the card glue (or a test).
 * Every function gets the ctx given to scsi_init(). Data moves in the order
 * the calls are made; a command never moves more than the command block's
 * data length. None of them may be NULL. */
struct scsi_ops {
    /* SCSI_MEDIUM_* flags; when READY, *blocks = number of 512-byte blocks. */
    unsigned (*medium)(void *ctx, uint64_t *blocks);
    /* Data-in built by the CPU (INQUIRY, MODE SENSE, ...): len bytes to the host. */
    enum scsi_io (*send)(void *ctx, const uint8_t *buf, uint32_t len);
    /* Data-out into the CPU (MODE SELECT, VERIFY compare): len bytes from the host. */
    enum scsi_io (*receive)(void *ctx, uint8_t *buf, uint32_t len);
    /* Stream count blocks medium -> host from lba. *done = blocks fully sent. */
    enum scsi_io (*read_blocks)(void *ctx, uint32_t lba, uint32_t count, uint32_t *done);
    /* Stream count blocks host -> medium from lba. Returns only when every
     * block reported done is programmed on the medium; on failure *done is
     * the number of blocks programmed, and nothing after them was written. */
    enum scsi_io (*write_blocks)(void *ctx, uint32_t lba, uint32_t count, uint32_t *done);
    /* Read count blocks and discard them (medium check, no data phase). */
    enum scsi_io (*verify_blocks)(void *ctx, uint32_t lba, uint32_t count, uint32_t *done);
    /* Copy len bytes from offset within block lba into buf (offset + len <= 512).
     * May be NULL: VERIFY with BYTCHK=1 then answers 5/24/00 (field: byte 1). */
    enum scsi_io (*read_bytes)(void *ctx, uint32_t lba, uint32_t offset, uint8_t *buf, uint32_t len);
};

/* One emulated disk. Fields are private to scsi.c; the glue only allocates it. */
struct scsi_dev {
    const struct scsi_ops *ops;
    void *ctx;
    uint32_t serial;    /* shown as 8 hex digits in VPD 0x80 and 0x83 */
    uint32_t data_len;  /* of the command running */
    uint32_t moved;     /* bytes of data phase done by the command running */
    uint8_t ua;         /* a unit attention (29/00) is pending */
    uint8_t sense[SCSI_SENSE_LEN]; /* pending sense (REQUEST SENSE), key 0 = none */
};

/* A result block (RES_*), before encoding. */
struct scsi_result {
    uint8_t scsi_status;  /* SCSI_STATUS_* */
    uint8_t host_status;  /* SHBA_HOST_HS_* */
    uint32_t residual;    /* data length minus bytes moved */
    uint8_t sense_len;    /* 0, or SCSI_SENSE_LEN with CHECK CONDITION */
    uint8_t sense[SCSI_SENSE_LEN];
};

/* Power-on state; a unit attention (POWER ON, RESET 29/00) is pending. */
void scsi_init(struct scsi_dev *dev, const struct scsi_ops *ops, void *ctx, uint32_t serial);
/* A reset seen without restarting the firmware: unit attention again. */
void scsi_reset(struct scsi_dev *dev);
/* Run one command block (SHBA_HOST_CMD_BLOCK_LEN bytes) to completion. */
void scsi_execute(struct scsi_dev *dev, const uint8_t *block, struct scsi_result *res);
/* Lay a result out as the RES_* bytes; returns the bytes used (7 + sense_len),
 * the only ones written. */
unsigned scsi_result_encode(const struct scsi_result *res, uint8_t out[SHBA_HOST_RES_BLOCK_LEN]);

#endif
