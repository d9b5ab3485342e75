/* softhba SCSI command layer: up to seven targets (IDs 0-6, LUN 0), each a
 * direct-access disk (SBC) or a CD-ROM (MMC) with its own block size.
 *
 * Portable C11: the card firmware and the host tests build the same source.
 * The layer decodes a HOST command block (regmap CMD_*), validates it, runs
 * the command against a medium and a data phase reached through struct
 * scsi_ops, and fills a result (regmap RES_*). It allocates nothing and keeps
 * each target's state in its struct scsi_dev. See docs/scsi.md.
 */
#ifndef SOFTHBA_SCSI_H
#define SOFTHBA_SCSI_H

#include <stdint.h>

#include "softhba_regs.h"

/* The raw card's block size: scsi_init()'s disk, and the smallest a target has. */
#define SCSI_BLOCK_SIZE 512u
#define SCSI_BLOCK_SIZE_MAX 4096u
/* Targets a bus serves: SCSI IDs 0-6 (7 is the card itself). */
#define SCSI_TARGETS 7u

/* Peripheral device types (INQUIRY byte 0). */
#define SCSI_TYPE_DISK 0x00u   /* direct access (SBC) */
#define SCSI_TYPE_CDROM 0x05u  /* CD/DVD (MMC): removable, 2048-byte blocks, read-only */

/* INQUIRY identification lengths (space padded, no NUL). */
#define SCSI_VENDOR_LEN 8u
#define SCSI_PRODUCT_LEN 16u
#define SCSI_REVISION_LEN 4u
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
#define SCSI_MEDIUM_PRESENT 0x1u   /* a card (and the target's image) is there */
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
 * Every function gets the ctx given to scsi_init() / scsi_init_target() (one
 * per target, so the glue can tell the targets apart). Blocks, LBAs and
 * counts are the TARGET's blocks (block_size bytes each: a 2048-byte CD-ROM
 * block is four card sectors, which the glue maps). Data moves in the order
 * the calls are made; a command never moves more than the command block's
 * data length. None of them may be NULL (but read_bytes). */
struct scsi_ops {
    /* SCSI_MEDIUM_* flags; when READY, *blocks = number of the target's blocks. */
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
    /* Copy len bytes from offset within block lba into buf (offset + len <= block size).
     * May be NULL: VERIFY with BYTCHK=1 then answers 5/24/00 (field: byte 1). */
    enum scsi_io (*read_bytes)(void *ctx, uint32_t lba, uint32_t offset, uint8_t *buf, uint32_t len);
};

/* Supplied by the glue, for every target (a function rather than a member
 * of struct scsi_ops: the failure path only).  Called once when a data-phase
 * or medium operation failed, before the result: the bytes of the command's
 * data phase that reached their destination, given the layer's own count
 * `moved` (what the completed operations and the failed one's *done
 * account for, in whole blocks).  The residual is the data length minus
 * the answer (at most the data length).  Return `moved` to keep it. */
uint32_t scsi_glue_moved(void *ctx, uint32_t moved);

/* What a target is. Fill it with scsi_config_default(), change what
 * softhba.ini says (scsi_config_ident() for the strings), then give it to
 * scsi_init_target(). */
struct scsi_target_config {
    uint32_t serial;      /* shown as 8 hex digits in VPD 0x80 and 0x83 */
    uint16_t block_size;  /* 512, 1024, 2048 or 4096; a CD-ROM: 2048 */
    uint8_t id;           /* SCSI ID 0-6: the command block TARGET it answers */
    uint8_t type;         /* SCSI_TYPE_DISK or SCSI_TYPE_CDROM */
    uint8_t removable;    /* RMB: eject/load (START STOP LoEj) and PREVENT ALLOW;
                           * always 1 for a CD-ROM */
    uint8_t read_only;    /* writes get DATA PROTECT 7/27/00, MODE SENSE shows WP;
                           * always 1 for a CD-ROM (its writes are invalid opcodes) */
    char vendor[SCSI_VENDOR_LEN];     /* INQUIRY bytes 8-15, space padded */
    char product[SCSI_PRODUCT_LEN];   /* bytes 16-31 */
    char revision[SCSI_REVISION_LEN]; /* bytes 32-35 */
};

/* One emulated target. Fields are private to scsi.c; the glue only allocates it. */
struct scsi_dev {
    const struct scsi_ops *ops;
    void *ctx;
    struct scsi_target_config cfg;
    uint32_t data_len;  /* of the command running */
    uint32_t moved;     /* bytes of data phase done by the command running */
    uint8_t block_shift; /* log2(cfg.block_size) */
    uint8_t ua;         /* pending unit attention's ASC: 0x29 reset, 0x28 medium changed, 0 none */
    uint8_t ejected;    /* a removable target's medium was ejected (START STOP LoEj) */
    uint8_t prevent;    /* PREVENT ALLOW MEDIUM REMOVAL: removal prevented */
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

/* Defaults for a target: vendor "SOFTHBA ", product "SD DISK" / "SD CDROM",
 * revision "0100"; a disk: 512-byte blocks, fixed, writable; a CD-ROM:
 * 2048-byte blocks, removable, read-only. type other than the two: a disk. */
void scsi_config_default(struct scsi_target_config *cfg, unsigned id, unsigned type, uint32_t serial);
/* Set the INQUIRY strings from C strings (NULL: keep): cut to length, space
 * padded; a byte outside printable ASCII becomes a space. */
void scsi_config_ident(struct scsi_target_config *cfg, const char *vendor, const char *product,
                       const char *revision);
/* Power-on state of a target; a unit attention (POWER ON, RESET 29/00) is
 * pending and a removable medium is loaded. Returns 0, or -1 (dev unusable:
 * it answers nothing but HS_NO_DEVICE) when cfg is not valid: id > 6, an
 * unknown type, a block size not 512/1024/2048/4096, a CD-ROM not 2048-byte,
 * not removable or not read-only. */
int scsi_init_target(struct scsi_dev *dev, const struct scsi_target_config *cfg,
                     const struct scsi_ops *ops, void *ctx);
/* Compatibility (one raw-card disk): scsi_config_default(cfg, 0, disk,
 * serial) and scsi_init_target(). */
void scsi_init(struct scsi_dev *dev, const struct scsi_ops *ops, void *ctx, uint32_t serial);
/* A reset seen without restarting the firmware: unit attention again,
 * medium removal allowed again (an ejected medium stays out). */
void scsi_reset(struct scsi_dev *dev);
/* The glue changed what is behind the target (another image): a removable
 * medium counts as loaded, and a unit attention 28/00 (NOT READY TO READY
 * CHANGE, MEDIUM MAY HAVE CHANGED) is pending unless a 29/00 already is. */
void scsi_medium_changed(struct scsi_dev *dev);
/* 1 while a removable target's medium is ejected (START STOP LoEj). */
int scsi_medium_ejected(const struct scsi_dev *dev);
/* Run one command block (SHBA_HOST_CMD_BLOCK_LEN bytes) to completion on the
 * target dev is: a block for any other TARGET gets HS_NO_DEVICE. */
void scsi_execute(struct scsi_dev *dev, const uint8_t *block, struct scsi_result *res);
/* The same, for a bus of targets: targets[id] serves SCSI ID id (NULL: no
 * device there, HS_NO_DEVICE, as for IDs 7 and up). targets[id]'s cfg.id
 * must be id. */
void scsi_execute_bus(struct scsi_dev *const targets[SCSI_TARGETS], const uint8_t *block,
                      struct scsi_result *res);
/* Lay a result out as the RES_* bytes; returns the bytes used (7 + sense_len),
 * the only ones written. */
unsigned scsi_result_encode(const struct scsi_result *res, uint8_t out[SHBA_HOST_RES_BLOCK_LEN]);

#endif
