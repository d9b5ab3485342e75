/* Host tests of the SCSI command layer as a bus of targets (scsi_execute_bus):
 * disks with 512/1024/2048/4096-byte blocks, a read-only and a removable
 * disk, and a CD-ROM (MMC: READ(12), READ TOC, READ SUB-CHANNEL, READ
 * HEADER, GET CONFIGURATION, eject/load, PREVENT ALLOW). Each target is a
 * RAM disk with fault injection. Prints the number of checks; exits 1 on any
 * failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The bus: IDs 4 and 6 are empty. */
enum { ID_DISK = 0, ID_RO = 1, ID_REM = 2, ID_CD = 3, ID_MID = 5 };
#define CD_BLOCKS 5000u

static const struct layout {
    uint8_t id, type, removable, read_only;
    uint16_t block_size;
    uint32_t blocks;
} layout[] = {
    { ID_DISK, SCSI_TYPE_DISK, 0, 0, 512, 2048 },
    { ID_RO, SCSI_TYPE_DISK, 0, 1, 4096, 300 },
    { ID_REM, SCSI_TYPE_DISK, 1, 0, 1024, 1000 },
    { ID_CD, SCSI_TYPE_CDROM, 1, 1, 2048, CD_BLOCKS },
    { ID_MID, SCSI_TYPE_DISK, 0, 0, 2048, 700 },
};

static struct ramdisk disks[SCSI_TARGETS];
static struct ramdisk *rds[SCSI_TARGETS];
static struct scsi_dev devs[SCSI_TARGETS];
static struct scsi_dev *targets[SCSI_TARGETS];

static void run_bus(const uint8_t *blk, struct scsi_result *r) { scsi_execute_bus(targets, blk, r); }

static void exec(uint8_t id, uint8_t flags, uint32_t data_len, const uint8_t *cdb, unsigned cdb_len,
                 const uint8_t *out, uint32_t out_len)
{
    hx_exec(run_bus, rds, id, 0, flags, data_len, cdb, cdb_len, out, out_len);
}

static void cmd(uint8_t id, uint8_t flags, uint32_t data_len, const uint8_t *cdb, unsigned cdb_len)
{
    exec(id, flags, data_len, cdb, cdb_len, NULL, 0);
}

static void tur(uint8_t id)
{
    static const uint8_t c[6] = { 0 };
    cmd(id, 0, 0, c, 6);
}

static void start_stop(uint8_t id, uint8_t byte4)
{
    const uint8_t c[6] = { 0x1B, 0, 0, 0, byte4, 0 };
    cmd(id, 0, 0, c, 6);
}

static void prevent(uint8_t id, uint8_t on)
{
    const uint8_t c[6] = { 0x1E, 0, 0, 0, on, 0 };
    cmd(id, 0, 0, c, 6);
}

/* Every target of the layout powered on; unit attentions consumed unless keep_ua. */
static void fresh_bus(int keep_ua)
{
    for (unsigned i = 0; i < SCSI_TARGETS; i++) {
        ramdisk_free(&disks[i]);
        rds[i] = NULL;
        targets[i] = NULL;
    }
    for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
        const struct layout *l = &layout[i];
        struct scsi_target_config cfg;
        scsi_config_default(&cfg, l->id, l->type, 0xA0000000u + l->id);
        cfg.removable = l->removable;
        cfg.read_only = l->read_only;
        cfg.block_size = l->block_size;
        ramdisk_init_bs(&disks[l->id], l->blocks, l->block_size);
        EXPECT(scsi_init_target(&devs[l->id], &cfg, &ramdisk_ops, &disks[l->id]) == 0, "init ID %u",
               l->id);
        rds[l->id] = &disks[l->id];
        targets[l->id] = &devs[l->id];
    }
    if (!keep_ua)
        for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++)
            tur(layout[i].id);
}

/* ------------------------------------------------------------------ */
/* The table: command blocks to one target of the bus and the answer each
 * must get. */

enum {
    S_UA = 1,        /* keep the power-on unit attentions */
    S_EJECT = 2,     /* eject the target's medium first */
    S_PREVENT = 4,   /* prevent medium removal first */
    S_NOMEDIUM = 8,  /* the glue reports no medium (no image) */
    S_WP = 16,       /* the glue reports the card write-protected */
};

struct tcase {
    const char *name;
    uint8_t cdb[16];
    uint8_t cdb_len, flags, id;
    uint32_t data_len;
    unsigned setup;
    uint8_t status, hs, sk, asc, ascq;
    int32_t info;
    int32_t residual; /* ANY: not checked */
    int32_t ptr;      /* CDB byte a 5/24/00 must point at, -1: not checked */
};

#define R12(op, b1, lba, n) { op, b1, (lba) >> 24, ((lba) >> 16) & 255, ((lba) >> 8) & 255, (lba) & 255, \
                              (n) >> 24, ((n) >> 16) & 255, ((n) >> 8) & 255, (n) & 255, 0, 0 }
/* READ TOC / SUB-CHANNEL / HEADER / GET CONFIGURATION: allocation length 255. */
#define ALLOC255(op, b1, b2, b3, b6) { op, b1, b2, b3, 0, 0, b6, 0, 255, 0 }

static const struct tcase table[] = {
    /* addressing */
    { "id4-empty", { 0x00 }, 6, 0, 4, 0, 0, HS(NO_DEVICE), 0, -1 },
    { "id6-empty-inquiry", { 0x12, 0, 0, 0, 36, 0 }, 6, IN, 6, 36, 0, HS(NO_DEVICE), 36, -1 },
    { "id7-card", { 0x00 }, 6, 0, 7, 0, 0, HS(NO_DEVICE), 0, -1 },
    { "id200", { 0x00 }, 6, 0, 200, 0, 0, HS(NO_DEVICE), 0, -1 },
    { "empty-bad-block-first", { 0x00 }, 5, 0, 4, 0, 0, HS(BAD_BLOCK), 0, -1 },

    /* transfer lengths are the target's blocks */
    { "b4096-read10-short", R10(0x28, 0, 0, 1), 10, IN, ID_RO, 4095, 0, HS(BAD_BLOCK), 4095, -1 },
    { "b4096-read10", R10(0x28, 0, 0, 1), 10, IN, ID_RO, 4096, 0, OK, 0, -1 },
    { "b4096-read6-256-short", R6(0x08, 0, 0), 6, IN, ID_RO, 256 * 4096 - 1, 0, HS(BAD_BLOCK), ANY, -1 },
    { "b4096-read10-longer-data", R10(0x28, 0, 299, 1), 10, IN, ID_RO, 5000, 0, OK, 904, -1 },
    { "b4096-read10-last", R10(0x28, 0, 299, 1), 10, IN, ID_RO, 4096, 0, OK, 0, -1 },
    { "b4096-read10-out", R10(0x28, 0, 300, 1), 10, IN, ID_RO, 4096, 0, SENSE_I(5, 0x21, 0, 300), 4096, -1 },
    { "b1024-write10-short", R10(0x2A, 0, 0, 2), 10, OUT, ID_REM, 2047, 0, HS(BAD_BLOCK), 2047, -1 },
    { "b1024-write10", R10(0x2A, 0, 998, 2), 10, OUT, ID_REM, 2048, 0, OK, 0, -1 },
    { "b1024-write10-straddle", R10(0x2A, 0, 999, 2), 10, OUT, ID_REM, 2048, 0, SENSE_I(5, 0x21, 0, 999), 2048, -1 },
    { "b2048-read10", R10(0x28, 0, 699, 1), 10, IN, ID_MID, 2048, 0, OK, 0, -1 },
    { "b2048-write6-out", R6(0x0A, 700, 1), 6, OUT, ID_MID, 2048, 0, SENSE_I(5, 0x21, 0, 700), 2048, -1 },
    { "b2048-verify-bytchk-short", R10(0x2F, 2, 0, 1), 10, OUT, ID_MID, 2047, 0, HS(BAD_BLOCK), 2047, -1 },
    { "b2048-sync-out", R10(0x35, 0, 699, 2), 10, 0, ID_MID, 0, 0, SENSE_I(5, 0x21, 0, 699), 0, -1 },

    /* read-only disk */
    { "ro-write10", R10(0x2A, 0, 0, 1), 10, OUT, ID_RO, 4096, 0, SENSE(7, 0x27, 0), 4096, -1 },
    { "ro-write6", R6(0x0A, 0, 1), 6, OUT, ID_RO, 4096, 0, SENSE(7, 0x27, 0), 4096, -1 },
    { "ro-format", { 0x04 }, 6, 0, ID_RO, 0, 0, SENSE(7, 0x27, 0), 0, -1 },
    { "ro-verify", R10(0x2F, 0, 0, 300), 10, 0, ID_RO, 0, 0, OK, 0, -1 },
    { "ro-eject-fixed", { 0x1B, 0, 0, 0, 0x02, 0 }, 6, 0, ID_RO, 0, 0, OK, 0, -1 },
    { "ro-ua-first", R10(0x2A, 0, 0, 1), 10, OUT, ID_RO, 4096, S_UA, SENSE(6, 0x29, 0), 4096, -1 },
    { "wp-card-write", R10(0x2A, 0, 0, 1), 10, OUT, ID_REM, 1024, S_WP, SENSE(7, 0x27, 0), 1024, -1 },

    /* removable disk */
    { "rem-eject", { 0x1B, 0, 0, 0, 0x02, 0 }, 6, 0, ID_REM, 0, 0, OK, 0, -1 },
    { "rem-ejected-tur", { 0x00 }, 6, 0, ID_REM, 0, S_EJECT, SENSE(2, 0x3A, 0), 0, -1 },
    { "rem-ejected-write10", R10(0x2A, 0, 0, 1), 10, OUT, ID_REM, 1024, S_EJECT, SENSE(2, 0x3A, 0), 1024, -1 },
    { "rem-ejected-read6", R6(0x08, 0, 1), 6, IN, ID_REM, 1024, S_EJECT, SENSE(2, 0x3A, 0), 1024, -1 },
    { "rem-prevented-eject", { 0x1B, 0, 0, 0, 0x02, 0 }, 6, 0, ID_REM, 0, S_PREVENT, SENSE(5, 0x53, 2), 0, -1 },

    /* CD-ROM: reads */
    { "cd-tur", { 0x00 }, 6, 0, ID_CD, 0, 0, OK, 0, -1 },
    { "cd-read10", R10(0x28, 0, 0, 2), 10, IN, ID_CD, 4096, 0, OK, 0, -1 },
    { "cd-read10-last", R10(0x28, 0, CD_BLOCKS - 1, 1), 10, IN, ID_CD, 2048, 0, OK, 0, -1 },
    { "cd-read10-out", R10(0x28, 0, CD_BLOCKS, 1), 10, IN, ID_CD, 2048, 0, SENSE_I(5, 0x21, 0, CD_BLOCKS), 2048, -1 },
    { "cd-read6", R6(0x08, 16, 1), 6, IN, ID_CD, 2048, 0, OK, 0, -1 },
    { "cd-read12", R12(0xA8, 0, 16, 3), 12, IN, ID_CD, 3 * 2048, 0, OK, 0, -1 },
    { "cd-read12-zero", R12(0xA8, 0, 16, 0), 12, IN, ID_CD, 2048, 0, OK, 2048, -1 },
    { "cd-read12-straddle", R12(0xA8, 0, CD_BLOCKS - 1, 2), 12, IN, ID_CD, 4096, 0, SENSE_I(5, 0x21, 0, CD_BLOCKS - 1), 4096, -1 },
    { "cd-read12-short", R12(0xA8, 0, 0, 2), 12, IN, ID_CD, 4095, 0, HS(BAD_BLOCK), 4095, -1 },
    { "cd-read12-count-wraps-32-bits", R12(0xA8, 0, 0, 0x00200001u), 12, IN, ID_CD, 2048, 0, HS(BAD_BLOCK), 2048, -1 },
    { "cd-read12-data-out", R12(0xA8, 0, 0, 1), 12, OUT, ID_CD, 2048, 0, HS(PHASE_ERROR), 2048, -1 },
    { "cd-read12-rdprotect", R12(0xA8, 0x20, 0, 1), 12, IN, ID_CD, 2048, 0, SENSE(5, 0x24, 0), 2048, 1 },
    { "cd-read12-link", { 0xA8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x01 }, 12, IN, ID_CD, 2048, 0, SENSE(5, 0x24, 0), 2048, 11 },
    { "cd-read10-reladr", R10(0x28, 0x01, 0, 1), 10, IN, ID_CD, 2048, 0, SENSE(5, 0x24, 0), 2048, 1 },
    { "cd-capacity", { 0x25 }, 10, IN, ID_CD, 8, 0, OK, 0, -1 },
    { "cd-verify-bytchk0", R10(0x2F, 0, 0, 1), 10, 0, ID_CD, 0, 0, SENSE(5, 0x20, 0), 0, -1 },
    { "cd-reserve", { 0x16 }, 6, 0, ID_CD, 0, 0, OK, 0, -1 },
    { "cd-release", { 0x17 }, 6, 0, ID_CD, 0, 0, OK, 0, -1 },
    { "cd-send-diag-selftest", { 0x1D, 0x04 }, 6, 0, ID_CD, 0, 0, OK, 0, -1 },
    { "cd-mode-sense-page-01", { 0x1A, 0, 0x01, 0, 255, 0 }, 6, IN, ID_CD, 255, 0, OK, 255 - 24, -1 },

    /* CD-ROM: writes are invalid opcodes, as on a real drive */
    { "cd-write10", R10(0x2A, 0, 0, 1), 10, OUT, ID_CD, 2048, 0, SENSE(5, 0x20, 0), 2048, -1 },
    { "cd-write6", R6(0x0A, 0, 1), 6, OUT, ID_CD, 2048, 0, SENSE(5, 0x20, 0), 2048, -1 },
    { "cd-write12", R12(0xAA, 0, 0, 1), 12, OUT, ID_CD, 2048, 0, SENSE(5, 0x20, 0), 2048, -1 },
    { "cd-format", { 0x04 }, 6, 0, ID_CD, 0, 0, SENSE(5, 0x20, 0), 0, -1 },
    { "cd-sync-cache", R10(0x35, 0, 0, 0), 10, 0, ID_CD, 0, 0, SENSE(5, 0x20, 0), 0, -1 },
    { "cd-write10-ua-first", R10(0x2A, 0, 0, 1), 10, OUT, ID_CD, 2048, S_UA, SENSE(6, 0x29, 0), 2048, -1 },
    { "cd-write10-ejected", R10(0x2A, 0, 0, 1), 10, OUT, ID_CD, 2048, S_EJECT, SENSE(5, 0x20, 0), 2048, -1 },

    /* CD-ROM: commands a disk does not have */
    { "disk-read12", R12(0xA8, 0, 0, 1), 12, IN, ID_DISK, 512, 0, SENSE(5, 0x20, 0), 512, -1 },
    { "disk-read-toc", ALLOC255(0x43, 0, 0, 0, 0), 10, IN, ID_DISK, 255, 0, SENSE(5, 0x20, 0), 255, -1 },
    { "disk-read-subchannel", ALLOC255(0x42, 0, 0x40, 1, 0), 10, IN, ID_MID, 255, 0, SENSE(5, 0x20, 0), 255, -1 },
    { "disk-read-header", ALLOC255(0x44, 0, 0, 0, 0), 10, IN, ID_REM, 255, 0, SENSE(5, 0x20, 0), 255, -1 },
    { "disk-get-configuration", ALLOC255(0x46, 0, 0, 0, 0), 10, IN, ID_DISK, 255, 0, SENSE(5, 0x20, 0), 255, -1 },
    { "disk-mode-sense-page-2a", { 0x1A, 0, 0x2A, 0, 255, 0 }, 6, IN, ID_DISK, 255, 0, SENSE(5, 0x24, 0), 255, 2 },
    { "cd-mode-sense-page-08", { 0x1A, 0, 0x08, 0, 255, 0 }, 6, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 2 },
    { "cd-mode-sense-page-03", { 0x5A, 0, 0x03, 0, 0, 0, 0, 0, 255, 0 }, 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 2 },

    /* CD-ROM: invalid fields */
    { "cd-toc-format-2", ALLOC255(0x43, 0, 2, 0, 0), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 2 },
    { "cd-toc-format-15", ALLOC255(0x43, 0, 15, 0, 0), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 2 },
    { "cd-toc-byte9-format-2", { 0x43, 0, 0, 0, 0, 0, 0, 0, 255, 0x80 }, 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 9 },
    { "cd-toc-track-2", ALLOC255(0x43, 0, 0, 0, 2), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 6 },
    { "cd-toc-track-99", ALLOC255(0x43, 2, 0, 0, 99), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 6 },
    { "cd-toc-naca", { 0x43, 0, 0, 0, 0, 0, 0, 0, 255, 0x44 }, 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 9 },
    { "cd-toc-session-any-track", ALLOC255(0x43, 0, 1, 0, 7), 10, IN, ID_CD, 255, 0, OK, 255 - 12, -1 },
    { "cd-subchannel-format-0", ALLOC255(0x42, 0, 0x40, 0, 0), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 3 },
    { "cd-subchannel-format-4", ALLOC255(0x42, 0, 0x40, 4, 0), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 3 },
    { "cd-subchannel-isrc-track-2", ALLOC255(0x42, 0, 0x40, 3, 2), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 6 },
    { "cd-subchannel-header-only", ALLOC255(0x42, 0, 0, 9, 0), 10, IN, ID_CD, 255, 0, OK, 251, -1 },
    { "cd-read-header-out", { 0x44, 0, 0, 0, CD_BLOCKS >> 8, CD_BLOCKS & 255, 0, 0, 255, 0 }, 10, IN, ID_CD, 255, 0, SENSE_I(5, 0x21, 0, CD_BLOCKS), 255, -1 },
    { "cd-get-configuration-rt3", ALLOC255(0x46, 3, 0, 0, 0), 10, IN, ID_CD, 255, 0, SENSE(5, 0x24, 0), 255, 1 },
    { "cd-start-stop-power-condition", { 0x1B, 0, 0, 0, 0x32, 0 }, 6, 0, ID_CD, 0, 0, SENSE(5, 0x24, 0), 0, 4 },
    { "cd-mode-sense-saved", { 0x1A, 0, 0xCE, 0, 255, 0 }, 6, IN, ID_CD, 255, 0, SENSE(5, 0x39, 0), 255, 2 },
    { "cd-toc-data-out", ALLOC255(0x43, 0, 0, 0, 0), 10, OUT, ID_CD, 255, 0, HS(PHASE_ERROR), 255, -1 },

    /* CD-ROM: medium out, prevented */
    { "cd-ua-tur", { 0x00 }, 6, 0, ID_CD, 0, S_UA, SENSE(6, 0x29, 0), 0, -1 },
    { "cd-no-image-tur", { 0x00 }, 6, 0, ID_CD, 0, S_NOMEDIUM, SENSE(2, 0x3A, 0), 0, -1 },
    { "cd-no-image-toc", ALLOC255(0x43, 0, 0, 0, 0), 10, IN, ID_CD, 255, S_NOMEDIUM, SENSE(2, 0x3A, 0), 255, -1 },
    /* a bad field is reported before the medium is looked at */
    { "cd-no-image-toc-track-2", ALLOC255(0x43, 0, 0, 0, 2), 10, IN, ID_CD, 255, S_NOMEDIUM, SENSE(5, 0x24, 0), 255, 6 },
    { "cd-ejected-subchannel-format-0", ALLOC255(0x42, 0, 0x40, 0, 0), 10, IN, ID_CD, 255, S_EJECT, SENSE(5, 0x24, 0), 255, 3 },
    { "cd-eject", { 0x1B, 0, 0, 0, 0x02, 0 }, 6, 0, ID_CD, 0, 0, OK, 0, -1 },
    { "cd-eject-immed", { 0x1B, 1, 0, 0, 0x02, 0 }, 6, 0, ID_CD, 0, 0, OK, 0, -1 },
    { "cd-prevented-eject", { 0x1B, 0, 0, 0, 0x02, 0 }, 6, 0, ID_CD, 0, S_PREVENT, SENSE(5, 0x53, 2), 0, -1 },
    { "cd-prevented-load", { 0x1B, 0, 0, 0, 0x03, 0 }, 6, 0, ID_CD, 0, S_PREVENT, OK, 0, -1 },
    { "cd-prevented-stop", { 0x1B, 0, 0, 0, 0x00, 0 }, 6, 0, ID_CD, 0, S_PREVENT, OK, 0, -1 },
    { "cd-ejected-tur", { 0x00 }, 6, 0, ID_CD, 0, S_EJECT, SENSE(2, 0x3A, 0), 0, -1 },
    { "cd-ejected-read10", R10(0x28, 0, 0, 1), 10, IN, ID_CD, 2048, S_EJECT, SENSE(2, 0x3A, 0), 2048, -1 },
    { "cd-ejected-read12", R12(0xA8, 0, 0, 1), 12, IN, ID_CD, 2048, S_EJECT, SENSE(2, 0x3A, 0), 2048, -1 },
    { "cd-ejected-capacity", { 0x25 }, 10, IN, ID_CD, 8, S_EJECT, SENSE(2, 0x3A, 0), 8, -1 },
    { "cd-ejected-toc", ALLOC255(0x43, 2, 0, 0, 0), 10, IN, ID_CD, 255, S_EJECT, SENSE(2, 0x3A, 0), 255, -1 },
    { "cd-ejected-subchannel", ALLOC255(0x42, 2, 0x40, 1, 0), 10, IN, ID_CD, 255, S_EJECT, SENSE(2, 0x3A, 0), 255, -1 },
    { "cd-ejected-header", ALLOC255(0x44, 0, 0, 0, 0), 10, IN, ID_CD, 255, S_EJECT, SENSE(2, 0x3A, 0), 255, -1 },
    { "cd-ejected-send-diag", { 0x1D, 0x04 }, 6, 0, ID_CD, 0, S_EJECT, SENSE(2, 0x3A, 0), 0, -1 },
    { "cd-ejected-start", { 0x1B, 0, 0, 0, 0x01, 0 }, 6, 0, ID_CD, 0, S_EJECT, SENSE(2, 0x3A, 0), 0, -1 },
    { "cd-ejected-stop", { 0x1B, 0, 0, 0, 0x00, 0 }, 6, 0, ID_CD, 0, S_EJECT, OK, 0, -1 },
    { "cd-ejected-eject", { 0x1B, 0, 0, 0, 0x02, 0 }, 6, 0, ID_CD, 0, S_EJECT, OK, 0, -1 },
    { "cd-ejected-prevent", { 0x1E, 0, 0, 0, 1, 0 }, 6, 0, ID_CD, 0, S_EJECT, OK, 0, -1 },
    { "cd-ejected-inquiry", { 0x12, 0, 0, 0, 36, 0 }, 6, IN, ID_CD, 36, S_EJECT, OK, 0, -1 },
    { "cd-ejected-mode-sense", { 0x1A, 0, 0x3F, 0, 255, 0 }, 6, IN, ID_CD, 255, S_EJECT, OK, ANY, -1 },
    { "cd-ejected-get-configuration", ALLOC255(0x46, 0, 0, 0, 0), 10, IN, ID_CD, 255, S_EJECT, OK, ANY, -1 },
};

static void run_table(void)
{
    static uint8_t out[256 * 4096];
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct tcase *t = &table[i];
        current = t->name;
        fresh_bus(t->setup & S_UA);
        if (t->setup & S_PREVENT)
            prevent(t->id, 1);
        if (t->setup & S_EJECT)
            start_stop(t->id, 0x02);
        if (t->setup & (S_PREVENT | S_EJECT))
            good();
        if (t->setup & S_NOMEDIUM)
            disks[t->id].medium_flags = 0;
        if (t->setup & S_WP)
            disks[t->id].medium_flags |= SCSI_MEDIUM_WPROTECT;
        exec(t->id, t->flags, t->data_len, t->cdb, t->cdb_len, out,
             t->data_len < sizeof out ? t->data_len : sizeof out);
        expect(t->status, t->hs, t->sk, t->asc, t->ascq, t->info);
        if (t->residual != ANY)
            EXPECT(res.residual == (uint32_t)t->residual, "residual %u, expected %d", res.residual,
                   (int)t->residual);
        if (t->ptr >= 0)
            expect_ptr(1, (unsigned)t->ptr);
    }
}

/* ------------------------------------------------------------------ */
/* Configuration. */

/* The three INQUIRY strings of cfg, as the 28 bytes INQUIRY shows. */
static int ident_is(const struct scsi_target_config *cfg, const char *want)
{
    return memcmp(cfg->vendor, want, SCSI_VENDOR_LEN) == 0 &&
           memcmp(cfg->product, want + 8, SCSI_PRODUCT_LEN) == 0 &&
           memcmp(cfg->revision, want + 24, SCSI_REVISION_LEN) == 0;
}

static void test_config(void)
{
    struct scsi_target_config cfg;
    struct scsi_dev d;
    struct ramdisk rd;
    static const struct { uint8_t id, type, removable, read_only; uint16_t bs; int ok; } cases[] = {
        { 0, SCSI_TYPE_DISK, 0, 0, 512, 0 },    { 6, SCSI_TYPE_DISK, 1, 1, 4096, 0 },
        { 3, SCSI_TYPE_DISK, 0, 0, 1024, 0 },   { 2, SCSI_TYPE_CDROM, 1, 1, 2048, 0 },
        { 7, SCSI_TYPE_DISK, 0, 0, 512, -1 },   { 0, SCSI_TYPE_DISK, 0, 0, 256, -1 },
        { 0, SCSI_TYPE_DISK, 0, 0, 8192, -1 },  { 0, SCSI_TYPE_DISK, 0, 0, 3072, -1 },
        { 0, SCSI_TYPE_DISK, 0, 0, 0, -1 },     { 0, 0x01, 0, 0, 512, -1 },
        { 0, SCSI_TYPE_CDROM, 1, 1, 512, -1 },  { 0, SCSI_TYPE_CDROM, 0, 1, 2048, -1 },
        { 0, SCSI_TYPE_CDROM, 1, 0, 2048, -1 },
    };
    current = "config-validation";
    ramdisk_init(&rd, 16);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scsi_config_default(&cfg, cases[i].id, cases[i].type == SCSI_TYPE_CDROM ? SCSI_TYPE_CDROM : 0, 1);
        cfg.type = cases[i].type;
        cfg.removable = cases[i].removable;
        cfg.read_only = cases[i].read_only;
        cfg.block_size = cases[i].bs;
        EXPECT(scsi_init_target(&d, &cfg, &ramdisk_ops, &rd) == cases[i].ok, "case %zu", i);
        if (cases[i].ok != 0) {
            /* A refused configuration answers nothing: no device. */
            targets[cases[i].id < SCSI_TARGETS ? cases[i].id : 0] = &d;
            uint8_t blk[SHBA_HOST_CMD_BLOCK_LEN] = { 0 };
            blk[SHBA_HOST_CMD_TARGET] = cases[i].id;
            blk[SHBA_HOST_CMD_CDB_LEN] = 6;
            scsi_execute(&d, blk, &res);
            EXPECT(res.host_status == SHBA_HOST_HS_NO_DEVICE, "scsi_execute on a refused dev");
            scsi_execute_bus(targets, blk, &res);
            EXPECT(res.host_status == SHBA_HOST_HS_NO_DEVICE, "scsi_execute_bus on a refused dev");
        }
    }
    fresh_bus(0); /* targets[] again */

    current = "config-defaults";
    scsi_config_default(&cfg, 4, SCSI_TYPE_CDROM, 7);
    EXPECT(cfg.id == 4 && cfg.type == 5 && cfg.removable && cfg.read_only && cfg.block_size == 2048 &&
               cfg.serial == 7 && ident_is(&cfg, "SOFTHBA SD CDROM        0100"),
           "CD-ROM defaults");
    scsi_config_default(&cfg, 1, SCSI_TYPE_DISK, 7);
    EXPECT(cfg.type == 0 && !cfg.removable && !cfg.read_only && cfg.block_size == 512 &&
               ident_is(&cfg, "SOFTHBA SD DISK         0100"),
           "disk defaults");

    current = "config-ident";
    scsi_config_ident(&cfg, "ACME", NULL, "2.5b7");
    EXPECT(ident_is(&cfg, "ACME    SD DISK         2.5b"), "cut, padded, NULL kept");
    scsi_config_ident(&cfg, "A\tB\x80" "C", "A very long product name", "");
    EXPECT(ident_is(&cfg, "A B C   A very long prod    "), "non-printables, empty");

    /* scsi_execute() serves the ID of its dev's configuration. */
    current = "compat-other-id";
    scsi_config_default(&cfg, 3, SCSI_TYPE_DISK, 7);
    EXPECT(scsi_init_target(&d, &cfg, &ramdisk_ops, &rd) == 0, "init");
    uint8_t blk[SHBA_HOST_CMD_BLOCK_LEN] = { 0 };
    blk[SHBA_HOST_CMD_CDB_LEN] = 6;
    ramdisk_host(&rd, 0, NULL, 0);
    scsi_execute(&d, blk, &res);
    EXPECT(res.host_status == SHBA_HOST_HS_NO_DEVICE, "ID 0 is not this dev's");
    blk[SHBA_HOST_CMD_TARGET] = 3;
    scsi_execute(&d, blk, &res);
    EXPECT(res.scsi_status == CC && res.sense[2] == 6 && res.sense[12] == 0x29, "ID 3: its unit attention");
    ramdisk_free(&rd);
}

/* ------------------------------------------------------------------ */
/* What each target says about itself. */

static void test_identity(void)
{
    static const uint8_t inq[6] = { 0x12, 0, 0, 0, 36, 0 }, cap[10] = { 0x25 };
    fresh_bus(0);
    for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
        const struct layout *l = &layout[i];
        struct ramdisk *rd = &disks[l->id];
        current = "inquiry-per-target";
        cmd(l->id, IN, 36, inq, 6);
        good();
        EXPECT(rd->in_len == 36 && rd->host_in[0] == l->type &&
                   rd->host_in[1] == (l->removable ? 0x80 : 0) && rd->host_in[4] == 31,
               "ID %u: type %02x RMB %02x", l->id, rd->host_in[0], rd->host_in[1]);
        EXPECT(memcmp(rd->host_in + 8, l->type == 5 ? "SOFTHBA SD CDROM        0100" :
                                                     "SOFTHBA SD DISK         0100", 28) == 0,
               "ID %u: strings", l->id);
        current = "vpd-80-per-target";
        static const uint8_t v80[6] = { 0x12, 1, 0x80, 0, 255, 0 };
        cmd(l->id, IN, 255, v80, 6);
        char serial[9];
        snprintf(serial, sizeof serial, "%08X", 0xA0000000u + l->id);
        EXPECT(rd->in_len == 12 && memcmp(rd->host_in + 4, serial, 8) == 0, "ID %u: serial", l->id);
        current = "read-capacity-per-target";
        cmd(l->id, IN, 8, cap, 10);
        good();
        EXPECT(be32(rd->host_in) == l->blocks - 1 && be32(rd->host_in + 4) == l->block_size,
               "ID %u: last LBA %u, block %u", l->id, be32(rd->host_in), be32(rd->host_in + 4));
        current = "mode-sense-descriptor-per-target";
        static const uint8_t ms[10] = { 0x5A, 0, 0x01, 0, 0, 0, 0, 0, 255, 0 };
        cmd(l->id, IN, 255, ms, 10);
        good();
        const uint8_t *b = rd->host_in;
        EXPECT(b[7] == 8 && be32(b + 8) == l->blocks && be32(b + 12) == l->block_size &&
                   b[16] == 0x01 && b[17] == 10 && rd->in_len == 8 + 8 + 12,
               "ID %u: header, descriptor, page 1", l->id);
        EXPECT(b[3] == (l->read_only && l->type == 0 ? 0x80 : 0), "ID %u: WP %02x", l->id, b[3]);
    }

    current = "ident-from-config";
    struct scsi_target_config cfg = devs[ID_MID].cfg;
    scsi_config_ident(&cfg, "QUANTUM", "FIREBALL1080S", "1Q09");
    scsi_init_target(&devs[ID_MID], &cfg, &ramdisk_ops, &disks[ID_MID]);
    cmd(ID_MID, IN, 36, inq, 6);
    EXPECT(memcmp(disks[ID_MID].host_in + 8, "QUANTUM FIREBALL1080S   1Q09", 28) == 0, "INQUIRY");
    static const uint8_t v83[6] = { 0x12, 1, 0x83, 0, 255, 0 };
    cmd(ID_MID, IN, 255, v83, 6);
    EXPECT(memcmp(disks[ID_MID].host_in + 8, "QUANTUM A0000005", 16) == 0, "VPD 0x83 vendor");
}

/* ------------------------------------------------------------------ */
/* Data in the target's blocks. */

static void fill(uint8_t *b, uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        b[i] = (uint8_t)((i * 7u + seed * 13u + (i >> 9)) ^ (seed >> 3));
}

static void test_round_trips(void)
{
    static uint8_t data[8 * 4096];
    fresh_bus(0);
    for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
        const struct layout *l = &layout[i];
        struct ramdisk *rd = &disks[l->id];
        uint32_t bs = l->block_size, lba = l->blocks - 3;
        current = "read-per-target";
        fill(rd->data + lba * bs, 3 * bs, l->id);
        uint32_t reads = rd->blocks_read;
        const uint8_t r10[10] = R10(0x28, 0, lba, 3);
        cmd(l->id, IN, 3 * bs, r10, 10);
        good();
        EXPECT(rd->in_len == 3 * bs && memcmp(rd->host_in, rd->data + lba * bs, 3 * bs) == 0 &&
                   rd->blocks_read - reads == 3,
               "ID %u: 3 blocks of %u from LBA %u", l->id, bs, lba);
        const uint8_t r6[6] = R6(0x08, lba, 2);
        cmd(l->id, IN, 2 * bs, r6, 6);
        good();
        EXPECT(memcmp(rd->host_in, rd->data + lba * bs, 2 * bs) == 0, "ID %u: READ(6)", l->id);
        if (l->read_only)
            continue;
        current = "write-per-target";
        fill(data, 2 * bs, 100 + l->id);
        const uint8_t w10[10] = R10(0x2A, 0, 1, 2);
        exec(l->id, OUT, 2 * bs, w10, 10, data, 2 * bs);
        good();
        EXPECT(memcmp(rd->data + bs, data, 2 * bs) == 0, "ID %u: at LBA 1 x %u bytes", l->id, bs);
        current = "write-error-per-target";
        rd->write_err_lba = 3;
        const uint8_t w4[10] = R10(0x2A, 0, 2, 3);
        fill(data, 3 * bs, 200);
        exec(l->id, OUT, 3 * bs, w4, 10, data, 3 * bs);
        expect(CC, 0, 3, 0x0C, 0, 3);
        EXPECT(res.residual == 2 * bs, "ID %u: residual two blocks (%u)", l->id, res.residual);
        rd->write_err_lba = RD_NONE;
    }

    current = "cd-read12-data";
    struct ramdisk *cd = &disks[ID_CD];
    fill(cd->data + 16 * 2048, 4 * 2048, 77);
    static const uint8_t r12[12] = R12(0xA8, 0, 16, 4);
    cmd(ID_CD, IN, 4 * 2048, r12, 12);
    good();
    EXPECT(cd->in_len == 4 * 2048 && memcmp(cd->host_in, cd->data + 16 * 2048, 4 * 2048) == 0,
           "ISO blocks 16-19");
    current = "cd-read-error";
    cd->read_err_lba = 18;
    cmd(ID_CD, IN, 4 * 2048, r12, 12);
    expect(CC, 0, 3, 0x11, 0, 18);
    EXPECT(res.residual == 2 * 2048 && cd->in_len == 2 * 2048, "two blocks delivered");
    cd->read_err_lba = RD_NONE;

    current = "verify-bytchk-1024";
    struct ramdisk *rem = &disks[ID_REM];
    fill(rem->data + 10 * 1024, 2 * 1024, 9);
    memcpy(data, rem->data + 10 * 1024, 2 * 1024);
    static const uint8_t v[10] = R10(0x2F, 0x02, 10, 2);
    exec(ID_REM, OUT, 2048, v, 10, data, 2048);
    good();
    EXPECT(rem->out_pos == 2048, "both blocks compared");
    data[1500] ^= 0x10;
    exec(ID_REM, OUT, 2048, v, 10, data, 2048);
    expect(CC, 0, 0xE, 0x1D, 0, 1500);
}

/* ------------------------------------------------------------------ */
/* Sense and unit attention are each target's own. */

static void test_per_target_state(void)
{
    static const uint8_t rs[6] = { 0x03, 0, 0, 0, 18, 0 };
    current = "ua-per-target";
    fresh_bus(1);
    tur(ID_DISK);
    expect(CC, 0, 6, 0x29, 0, NO_INFO);
    tur(ID_DISK);
    good();
    tur(ID_CD);
    expect(CC, 0, 6, 0x29, 0, NO_INFO); /* still pending there */
    cmd(ID_REM, IN, 18, rs, 6);
    EXPECT(disks[ID_REM].host_in[2] == 6 && disks[ID_REM].host_in[12] == 0x29, "REQUEST SENSE returns it");
    tur(ID_REM);
    good();

    current = "sense-per-target";
    static const uint8_t bad[10] = R10(0x28, 0, 5000, 1);
    tur(ID_RO);
    tur(ID_MID);
    cmd(ID_MID, IN, 2048, bad, 10);
    expect(CC, 0, 5, 0x21, 0, 5000);
    cmd(ID_RO, IN, 18, rs, 6);
    EXPECT(disks[ID_RO].in_len == 18 && disks[ID_RO].host_in[2] == 6 && disks[ID_RO].host_in[12] == 0x29,
           "ID 1: its own last sense (the unit attention), not ID 5's");
    cmd(ID_RO, IN, 18, rs, 6);
    EXPECT(disks[ID_RO].host_in[2] == 0, "then none");
    cmd(ID_MID, IN, 18, rs, 6);
    EXPECT(disks[ID_MID].host_in[2] == 5 && disks[ID_MID].host_in[12] == 0x21, "ID 5: its sense");

    current = "reset-one-target";
    scsi_reset(&devs[ID_MID]);
    tur(ID_DISK);
    good();
    tur(ID_MID);
    expect(CC, 0, 6, 0x29, 0, NO_INFO);
}

/* ------------------------------------------------------------------ */
/* Eject, load, prevent, medium changes. */

static void test_eject_prevent(void)
{
    static const uint8_t r10[10] = R10(0x28, 0, 0, 1);
    current = "eject-load";
    fresh_bus(0);
    start_stop(ID_CD, 0x02);
    good();
    EXPECT(scsi_medium_ejected(&devs[ID_CD]), "ejected");
    EXPECT(!scsi_medium_ejected(&devs[ID_REM]), "the other removable target is not");
    tur(ID_CD);
    expect(CC, 0, 2, 0x3A, 0, NO_INFO);
    tur(ID_REM);
    good();
    start_stop(ID_CD, 0x03); /* load */
    good();
    EXPECT(!scsi_medium_ejected(&devs[ID_CD]), "loaded");
    cmd(ID_CD, IN, 2048, r10, 10);
    expect(CC, 0, 6, 0x28, 0, NO_INFO); /* the medium may have changed */
    EXPECT(disks[ID_CD].in_len == 0, "no data with the unit attention");
    cmd(ID_CD, IN, 2048, r10, 10);
    good();

    current = "load-when-loaded";
    start_stop(ID_CD, 0x03);
    good();
    tur(ID_CD);
    good(); /* nothing changed: no unit attention */

    current = "prevent-allow";
    prevent(ID_CD, 1);
    good();
    start_stop(ID_CD, 0x02);
    expect(CC, 0, 5, 0x53, 2, NO_INFO);
    EXPECT(!scsi_medium_ejected(&devs[ID_CD]), "still in");
    tur(ID_CD);
    good();
    prevent(ID_CD, 3); /* persistent prevention too */
    good();
    start_stop(ID_CD, 0x02);
    expect(CC, 0, 5, 0x53, 2, NO_INFO);
    prevent(ID_CD, 0);
    good();
    start_stop(ID_CD, 0x02);
    good();
    tur(ID_CD);
    expect(CC, 0, 2, 0x3A, 0, NO_INFO);

    current = "prevent-while-ejected";
    prevent(ID_CD, 1);
    good();
    start_stop(ID_CD, 0x03); /* loading is never prevented */
    good();
    tur(ID_CD);
    expect(CC, 0, 6, 0x28, 0, NO_INFO);
    start_stop(ID_CD, 0x02);
    expect(CC, 0, 5, 0x53, 2, NO_INFO);

    current = "reset-allows-removal";
    scsi_reset(&devs[ID_CD]);
    tur(ID_CD);
    expect(CC, 0, 6, 0x29, 0, NO_INFO); /* 29/00 supersedes the pending 28/00 */
    tur(ID_CD);
    good();
    start_stop(ID_CD, 0x02);
    good();

    current = "reset-keeps-ejected";
    scsi_reset(&devs[ID_CD]);
    tur(ID_CD);
    expect(CC, 0, 6, 0x29, 0, NO_INFO);
    tur(ID_CD);
    expect(CC, 0, 2, 0x3A, 0, NO_INFO);

    current = "medium-changed-loads";
    scsi_medium_changed(&devs[ID_CD]);
    EXPECT(!scsi_medium_ejected(&devs[ID_CD]), "loaded");
    tur(ID_CD);
    expect(CC, 0, 6, 0x28, 0, NO_INFO);
    tur(ID_CD);
    good();

    current = "medium-changed-after-reset";
    scsi_reset(&devs[ID_DISK]);
    scsi_medium_changed(&devs[ID_DISK]);
    tur(ID_DISK);
    expect(CC, 0, 6, 0x29, 0, NO_INFO);
    tur(ID_DISK);
    good();

    current = "medium-changed-request-sense";
    scsi_medium_changed(&devs[ID_REM]);
    static const uint8_t rs[6] = { 0x03, 0, 0, 0, 18, 0 };
    cmd(ID_REM, IN, 18, rs, 6);
    EXPECT(disks[ID_REM].host_in[2] == 6 && disks[ID_REM].host_in[12] == 0x28, "6/28/00 in the data");
    tur(ID_REM);
    good();

    current = "fixed-disk-eject";
    prevent(ID_DISK, 1);
    good();
    start_stop(ID_DISK, 0x02);
    good(); /* nothing to eject, nothing to prevent */
    tur(ID_DISK);
    good();

    current = "removable-disk-eject";
    start_stop(ID_REM, 0x02);
    good();
    static const uint8_t w10[10] = R10(0x2A, 0, 0, 1);
    static uint8_t blk[1024];
    exec(ID_REM, OUT, 1024, w10, 10, blk, 1024);
    expect(CC, 0, 2, 0x3A, 0, NO_INFO);
    EXPECT(disks[ID_REM].blocks_written == 0 || disks[ID_REM].out_pos == 0, "nothing written");
    start_stop(ID_REM, 0x03);
    tur(ID_REM);
    expect(CC, 0, 6, 0x28, 0, NO_INFO);
    exec(ID_REM, OUT, 1024, w10, 10, blk, 1024);
    good();
}

/* ------------------------------------------------------------------ */
/* READ TOC, READ SUB-CHANNEL, READ HEADER. */

static void msf_of(uint32_t lba, uint8_t out[4])
{
    uint32_t f = lba + 150;
    out[0] = 0;
    out[1] = (uint8_t)(f / 4500);
    out[2] = (uint8_t)(f / 75 % 60);
    out[3] = (uint8_t)(f % 75);
}

static void test_toc(void)
{
    struct ramdisk *cd = &disks[ID_CD];
    uint8_t e[20], m[4];
    fresh_bus(0);

    current = "toc-lba";
    static const uint8_t t0[10] = { 0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24, 0 }; /* allocation 804 */
    cmd(ID_CD, IN, 804, t0, 10);
    good();
    static const uint8_t lba_toc[20] = { 0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0,
                                         0, 0x14, 0xAA, 0, 0, 0, CD_BLOCKS >> 8, CD_BLOCKS & 255 };
    EXPECT(cd->in_len == 20 && memcmp(cd->host_in, lba_toc, 20) == 0 && res.residual == 784,
           "track 1 at 0, lead-out at %u", CD_BLOCKS);

    current = "toc-msf"; /* what NT's IOCTL_CDROM_READ_TOC sends */
    static const uint8_t t0m[10] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0x03, 0x24, 0 };
    cmd(ID_CD, IN, 804, t0m, 10);
    good();
    memcpy(e, lba_toc, 20);
    msf_of(0, e + 8);
    msf_of(CD_BLOCKS, e + 16);
    EXPECT(cd->in_len == 20 && memcmp(cd->host_in, e, 20) == 0 && e[9] == 0 && e[10] == 2 &&
               e[17] == 1 && e[18] == 8 && e[19] == 50,
           "00:02:00 and 01:08:50");

    current = "toc-track-1";
    static const uint8_t t1[10] = { 0x43, 0, 0, 0, 0, 0, 1, 0, 255, 0 };
    cmd(ID_CD, IN, 255, t1, 10);
    EXPECT(cd->in_len == 20 && memcmp(cd->host_in, lba_toc, 20) == 0, "same as track 0");

    current = "toc-lead-out-only";
    static const uint8_t taa[10] = { 0x43, 0, 0, 0, 0, 0, 0xAA, 0, 255, 0 };
    cmd(ID_CD, IN, 255, taa, 10);
    good();
    EXPECT(cd->in_len == 12 && cd->host_in[1] == 10 && cd->host_in[2] == 1 && cd->host_in[3] == 1 &&
               memcmp(cd->host_in + 4, lba_toc + 12, 8) == 0,
           "header and lead-out");

    current = "toc-truncated";
    static const uint8_t t4[10] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 4, 0 };
    cmd(ID_CD, IN, 255, t4, 10);
    good();
    EXPECT(cd->in_len == 4 && cd->host_in[1] == 18 && res.residual == 251, "4 bytes, full length");

    current = "toc-session-byte2"; /* MMC's place for the format */
    static const uint8_t s2[10] = { 0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0 };
    static const uint8_t sess[12] = { 0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0 };
    cmd(ID_CD, IN, 12, s2, 10);
    good();
    EXPECT(cd->in_len == 12 && memcmp(cd->host_in, sess, 12) == 0, "session 1, track 1 at 0");

    current = "toc-session-byte9"; /* NT's IOCTL_CDROM_GET_LAST_SESSION */
    static const uint8_t s9[10] = { 0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24, 0x40 };
    cmd(ID_CD, IN, 804, s9, 10);
    good();
    EXPECT(cd->in_len == 12 && memcmp(cd->host_in, sess, 12) == 0, "same answer");

    current = "toc-session-msf";
    static const uint8_t sm[10] = { 0x43, 0x02, 1, 0, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, sm, 10);
    memcpy(e, sess, 12);
    msf_of(0, e + 8);
    EXPECT(cd->in_len == 12 && memcmp(cd->host_in, e, 12) == 0, "00:02:00");

    current = "toc-msf-big-image";
    cd->blocks = 4000000; /* a DVD-sized image: past what MSF can say */
    cmd(ID_CD, IN, 804, t0m, 10);
    EXPECT(cd->host_in[17] == 255 && cd->host_in[18] == 59 && cd->host_in[19] == 74, "held at 255:59:74");
    cmd(ID_CD, IN, 804, t0, 10);
    EXPECT(be32(cd->host_in + 16) == 4000000, "LBA form exact");
    cd->blocks = 256u * 60u * 75u - 151u; /* the last lead-out MSF can say */
    cmd(ID_CD, IN, 804, t0m, 10);
    msf_of(256u * 60u * 75u - 151u, m);
    EXPECT(memcmp(cd->host_in + 16, m, 4) == 0 && m[1] == 255 && m[2] == 59 && m[3] == 74, "255:59:74 exactly");
    cd->blocks = CD_BLOCKS;

    current = "subchannel-position";
    static const uint8_t q1[10] = { 0x42, 0, 0x40, 1, 0, 0, 0, 0, 16, 0 };
    cmd(ID_CD, IN, 16, q1, 10);
    good();
    static const uint8_t pos[16] = { 0, 0x15, 0, 12, 1, 0x14, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
    EXPECT(cd->in_len == 16 && memcmp(cd->host_in, pos, 16) == 0, "no audio status, track 1 index 1 at 0");
    static const uint8_t q1m[10] = { 0x42, 0x02, 0x40, 1, 0, 0, 0, 0, 16, 0 };
    cmd(ID_CD, IN, 16, q1m, 10);
    EXPECT(cd->host_in[9] == 0 && cd->host_in[10] == 2 && cd->host_in[11] == 0 && cd->host_in[15] == 0,
           "absolute 00:02:00, relative 0");

    current = "subchannel-catalog-isrc";
    static const uint8_t q2[10] = { 0x42, 0, 0x40, 2, 0, 0, 0, 0, 24, 0 },
                         q3[10] = { 0x42, 0, 0x40, 3, 0, 0, 1, 0, 24, 0 };
    cmd(ID_CD, IN, 24, q2, 10);
    good();
    EXPECT(cd->in_len == 24 && cd->host_in[3] == 20 && cd->host_in[4] == 2 && !(cd->host_in[8] & 0x80),
           "no media catalog number");
    cmd(ID_CD, IN, 24, q3, 10);
    good();
    EXPECT(cd->in_len == 24 && cd->host_in[4] == 3 && cd->host_in[6] == 1 && !(cd->host_in[8] & 0x80),
           "no ISRC");

    current = "subchannel-header-only";
    static const uint8_t q0[10] = { 0x42, 0, 0, 1, 0, 0, 0, 0, 16, 0 };
    cmd(ID_CD, IN, 16, q0, 10);
    good();
    EXPECT(cd->in_len == 4 && cd->host_in[1] == 0x15 && cd->host_in[3] == 0, "SubQ=0: header");

    current = "read-header";
    static const uint8_t h[10] = { 0x44, 0, 0, 0, 0x10, 0x00, 0, 0, 8, 0 };
    cmd(ID_CD, IN, 8, h, 10);
    good();
    static const uint8_t hl[8] = { 1, 0, 0, 0, 0, 0, 0x10, 0x00 };
    EXPECT(cd->in_len == 8 && memcmp(cd->host_in, hl, 8) == 0, "mode 1, LBA 4096");
    static const uint8_t hm[10] = { 0x44, 0x02, 0, 0, 0x10, 0x00, 0, 0, 8, 0 };
    cmd(ID_CD, IN, 8, hm, 10);
    msf_of(4096, m);
    EXPECT(cd->host_in[0] == 1 && memcmp(cd->host_in + 4, m, 4) == 0, "MSF");
}

/* ------------------------------------------------------------------ */
/* GET CONFIGURATION. */

/* Walk the features of a GET CONFIGURATION answer; list their numbers. */
static unsigned features(const uint8_t *b, unsigned len, unsigned *nums, uint8_t *flags)
{
    unsigned n = 0;
    memset(flags, 0, 8);
    EXPECT(len >= 8 && be32(b) + 4 == len, "data length %u of %u", be32(b), len);
    for (unsigned off = 8; off + 4 <= len && n < 8; off += 4u + b[off + 3]) {
        nums[n] = be16(b + off);
        flags[n] = b[off + 2];
        EXPECT((b[off + 3] & 3) == 0 && off + 4u + b[off + 3] <= len, "feature %04x length", nums[n]);
        n++;
    }
    return n;
}

static void test_get_configuration(void)
{
    struct ramdisk *cd = &disks[ID_CD];
    unsigned nums[8] = { 0 }, n;
    uint8_t fl[8] = { 0 };
    fresh_bus(0);

    current = "get-configuration-all";
    static const uint8_t all[10] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, all, 10);
    good();
    const uint8_t *b = cd->host_in;
    n = features(b, cd->in_len, nums, fl);
    EXPECT(be16(b + 6) == 0x0008, "current profile CD-ROM");
    EXPECT(n == 5 && nums[0] == 0 && nums[1] == 1 && nums[2] == 2 && nums[3] == 3 && nums[4] == 0x10,
           "profile list, core, morphing, removable, random readable (%u)", n);
    EXPECT(fl[0] == 3 && fl[1] == 3 && fl[2] == 3 && fl[3] == 3 && fl[4] == 1, "persistent/current bits");
    EXPECT(b[11] == 4 && be16(b + 12) == 0x0008 && (b[14] & 1), "one profile: CD-ROM, current");
    EXPECT(b[19] == 4 && be32(b + 20) == 1, "core: SCSI");
    EXPECT(b[35] == 4 && b[36] == 0x29, "removable: tray, eject, lock");
    EXPECT(b[43] == 8 && be32(b + 44) == 2048 && be16(b + 48) == 1, "random readable: 2048, blocking 1");

    current = "get-configuration-one";
    static const uint8_t one[10] = { 0x46, 2, 0, 3, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, one, 10);
    good();
    n = features(cd->host_in, cd->in_len, nums, fl);
    EXPECT(n == 1 && nums[0] == 3, "removable medium only");
    static const uint8_t none[10] = { 0x46, 2, 0, 4, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, none, 10);
    good();
    EXPECT(cd->in_len == 8 && be32(cd->host_in) == 4, "header only for a feature it lacks");

    current = "get-configuration-from";
    static const uint8_t from2[10] = { 0x46, 0, 0, 2, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, from2, 10);
    n = features(cd->host_in, cd->in_len, nums, fl);
    EXPECT(n == 3 && nums[0] == 2 && nums[2] == 0x10, "features 2, 3, 0x10");
    static const uint8_t from11[10] = { 0x46, 0, 0, 0x11, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, from11, 10);
    EXPECT(cd->in_len == 8, "none from 0x11");

    current = "get-configuration-truncated";
    static const uint8_t tr[10] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0 };
    cmd(ID_CD, IN, 255, tr, 10);
    good();
    EXPECT(cd->in_len == 8 && be32(cd->host_in) == 52 - 4, "8 bytes, full data length");

    current = "get-configuration-ejected";
    start_stop(ID_CD, 0x02);
    cmd(ID_CD, IN, 255, all, 10);
    good();
    n = features(cd->host_in, cd->in_len, nums, fl);
    EXPECT(be16(cd->host_in + 6) == 0 && !(cd->host_in[14] & 1), "no current profile");
    EXPECT(n == 5 && fl[4] == 0, "random readable not current");
    static const uint8_t cur[10] = { 0x46, 1, 0, 0, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, cur, 10);
    n = features(cd->host_in, cd->in_len, nums, fl);
    EXPECT(n == 4 && nums[3] == 3, "RT=1: the current ones");
}

/* ------------------------------------------------------------------ */
/* CD-ROM mode pages, and MODE SELECT with other block sizes. */

static void test_cd_mode_pages(void)
{
    struct ramdisk *cd = &disks[ID_CD];
    fresh_bus(0);
    current = "cd-mode-sense-3f";
    static const uint8_t all[6] = { 0x1A, 0, 0x3F, 0, 255, 0 };
    cmd(ID_CD, IN, 255, all, 6);
    good();
    const uint8_t *b = cd->host_in;
    static const uint8_t pages[] = { 0x01, 0x0D, 0x0E, 0x2A }, lens[] = { 12, 8, 16, 20 };
    EXPECT(cd->in_len == 4 + 8 + 12 + 8 + 16 + 20 && b[0] == cd->in_len - 1 && b[2] == 0 && b[3] == 8,
           "header (%u bytes)", cd->in_len);
    EXPECT(be32(b + 4) == CD_BLOCKS && be32(b + 8) == 2048, "block descriptor");
    unsigned off = 12;
    for (int i = 0; i < 4; i++) {
        EXPECT(b[off] == pages[i] && b[off + 1] == lens[i] - 2, "page %02x at %u", pages[i], off);
        off += lens[i];
    }
    const uint8_t *p0d = b + 24, *p0e = b + 32, *p2a = b + 48;
    EXPECT(be16(p0d + 4) == 60 && be16(p0d + 6) == 75, "page 0D: 60 S per M, 75 F per S");
    EXPECT(p0e[8] == 1 && p0e[9] == 0xFF && p0e[10] == 2 && p0e[11] == 0xFF, "page 0E: ports 0 and 1");
    EXPECT(p2a[6] == 0x29 && p2a[2] == 0 && p2a[3] == 0, "page 2A: tray, eject, lock, unlocked; reads CD-ROM");

    current = "cd-mode-sense-lock-state";
    prevent(ID_CD, 1);
    static const uint8_t p2a_only[6] = { 0x1A, 0x08, 0x2A, 0, 255, 0 };
    cmd(ID_CD, IN, 255, p2a_only, 6);
    EXPECT(cd->in_len == 24 && cd->host_in[4 + 6] == 0x2B, "lock state set");
    prevent(ID_CD, 0);

    current = "cd-mode-sense-audio-nt"; /* IOCTL_CDROM_GET_VOLUME: page 0E, DBD, 64 bytes */
    static const uint8_t vol[6] = { 0x1A, 0x08, 0x0E, 0, 64, 0 };
    cmd(ID_CD, IN, 64, vol, 6);
    good();
    EXPECT(cd->in_len == 20 && cd->host_in[0] == 19 && cd->host_in[3] == 0 && cd->host_in[4] == 0x0E,
           "header and page 0E");

    current = "cd-mode-sense-changeable";
    static const uint8_t ch[10] = { 0x5A, 0x08, 0x7F, 0, 0, 0, 0, 0, 255, 0 };
    cmd(ID_CD, IN, 255, ch, 10);
    good();
    off = 8;
    for (int i = 0; i < 4; i++, off += lens[i - 1])
        for (unsigned j = 2; j < lens[i]; j++)
            EXPECT(cd->host_in[off + j] == 0, "page %02x byte %u changeable", pages[i], j);

    /* NT 4.0's cdrom.sys keeps MODE SENSE(6) page 1 with the descriptor and
     * sends it back to switch block sizes: 2048 is what we have, 2352 (raw)
     * is not. */
    current = "cd-mode-select-nt-cooked";
    static const uint8_t p1[6] = { 0x1A, 0, 0x01, 0, 24, 0 };
    cmd(ID_CD, IN, 24, p1, 6);
    uint8_t list[32];
    memcpy(list, cd->host_in, 24);
    list[0] = 0;
    static const uint8_t sel[6] = { 0x15, 0x10, 0, 0, 24, 0 };
    exec(ID_CD, OUT, 24, sel, 6, list, 24);
    good();
    current = "cd-mode-select-nt-raw";
    list[9] = 0x09;
    list[10] = 0x30;
    list[11] = 0x00; /* 2352 */
    exec(ID_CD, OUT, 24, sel, 6, list, 24);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);
    expect_ptr(0, 8);

    current = "mode-select-4096";
    static const uint8_t p8[6] = { 0x1A, 0, 0x08, 0, 32, 0 };
    cmd(ID_RO, IN, 32, p8, 6);
    memcpy(list, disks[ID_RO].host_in, 32);
    list[0] = 0;
    list[2] = 0; /* device-specific: WP is not for MODE SELECT */
    static const uint8_t sel32[6] = { 0x15, 0x10, 0, 0, 32, 0 };
    exec(ID_RO, OUT, 32, sel32, 6, list, 32);
    good();
    list[10] = 0x02; /* 512 */
    exec(ID_RO, OUT, 32, sel32, 6, list, 32);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "geometry-page-block-size";
    static const uint8_t p3[6] = { 0x1A, 0x08, 0x03, 0, 255, 0 };
    cmd(ID_REM, IN, 255, p3, 6);
    EXPECT(be16(disks[ID_REM].host_in + 4 + 12) == 1024, "data bytes per physical sector 1024");
}

int main(void)
{
    run_table();
    test_config();
    test_identity();
    test_round_trips();
    test_per_target_state();
    test_eject_prevent();
    test_toc();
    test_get_configuration();
    test_cd_mode_pages();
    for (unsigned i = 0; i < SCSI_TARGETS; i++)
        ramdisk_free(&disks[i]);
    printf("scsi targets: %u checks, %u failed\n", checks, failures);
    return failures ? 1 : 0;
}
