/* Host tests of the SCSI command layer (firmware/scsi/) on a RAM disk with
 * fault injection. Prints the number of checks; exits 1 on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CAP 2048u /* blocks of the test disk */

static struct ramdisk rd;
static struct scsi_dev dev;

static void fresh(uint32_t blocks)
{
    ramdisk_free(&rd);
    ramdisk_init(&rd, blocks);
    scsi_init(&dev, &ramdisk_ops, &rd, 0x1234ABCDu);
}

/* The compatibility path: scsi_init()'s one disk at ID 0, scsi_execute(). */
static void run_one(const uint8_t *blk, struct scsi_result *r) { scsi_execute(&dev, blk, r); }

static void exec(uint8_t target, uint8_t lun, uint8_t flags, uint32_t data_len,
                 const uint8_t *cdb, unsigned cdb_len, const uint8_t *out, uint32_t out_len)
{
    struct ramdisk *const rds[SCSI_TARGETS] = { &rd };
    hx_exec(run_one, rds, target, lun, flags, data_len, cdb, cdb_len, out, out_len);
}

static void cmd(uint8_t flags, uint32_t data_len, const uint8_t *cdb, unsigned cdb_len)
{
    exec(0, 0, flags, data_len, cdb, cdb_len, NULL, 0);
}

static void tur(void)
{
    static const uint8_t c[6] = { 0 };
    cmd(0, 0, c, 6);
}

/* ------------------------------------------------------------------ */
/* The table: command blocks and the answer each must get. */

enum {
    S_UA = 1,        /* keep the power-on unit attention */
    S_NOMEDIUM = 2,
    S_NOTREADY = 4,
    S_WP = 8,
    S_RDERR = 16,    /* read error at err_lba */
    S_WRERR = 32,    /* write error at err_lba */
    S_HW = 64,       /* the read error is an SD command failure */
    S_ABORT = 128,   /* the host aborts at the first data byte */
    S_GONE = 256,    /* the card vanishes at err_lba */
};

struct tcase {
    const char *name;
    uint8_t cdb[16];
    uint8_t cdb_len, flags, target, lun;
    uint32_t data_len;
    unsigned setup;
    uint32_t err_lba;
    uint8_t status, hs, sk, asc, ascq;
    long long info;
    long long residual; /* ANY: not checked */
};


static const struct tcase table[] = {
    /* command block validation */
    { "cdb-len-5", { 0x00 }, 5, 0, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "cdb-len-17", { 0x00 }, 17, 0, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "cdb-len-0", { 0x00 }, 0, 0, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "group1-len-6", R10(0x28, 0, 0, 1), 6, IN, 0, 0, 512, 0, 0, HS(BAD_BLOCK), 512 },
    { "group0-len-10", { 0x00 }, 10, 0, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "group5-len-10", { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 16 }, 10, IN, 0, 0, 16, 0, 0, HS(BAD_BLOCK), 16 },
    { "group4-len-12", { 0x88 }, 12, 0, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "both-directions", { 0x12, 0, 0, 0, 36, 0 }, 6, IN | OUT, 0, 0, 36, 0, 0, HS(BAD_BLOCK), 36 },
    { "unknown-flag", { 0x12, 0, 0, 0, 36, 0 }, 6, IN | 4, 0, 0, 36, 0, 0, HS(BAD_BLOCK), 36 },
    { "data-without-direction", { 0x12, 0, 0, 0, 36, 0 }, 6, 0, 0, 0, 36, 0, 0, HS(BAD_BLOCK), 36 },
    { "read10-short-data", R10(0x28, 0, 0, 2), 10, IN, 0, 0, 512, 0, 0, HS(BAD_BLOCK), 512 },
    { "read10-no-data", R10(0x28, 0, 0, 2), 10, 0, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "read6-256-short", R6(0x08, 0, 0), 6, IN, 0, 0, 255 * 512, 0, 0, HS(BAD_BLOCK), 255 * 512 },
    { "write10-short-data", R10(0x2A, 0, 0, 2), 10, OUT, 0, 0, 1000, 0, 0, HS(BAD_BLOCK), 1000 },
    { "read10-data-out", R10(0x28, 0, 0, 2), 10, OUT, 0, 0, 1024, 0, 0, HS(PHASE_ERROR), 1024 },
    { "write10-data-in", R10(0x2A, 0, 0, 1), 10, IN, 0, 0, 512, 0, 0, HS(PHASE_ERROR), 512 },
    { "write6-data-in", R6(0x0A, 0, 1), 6, IN, 0, 0, 512, 0, 0, HS(PHASE_ERROR), 512 },
    { "inquiry-data-out", { 0x12, 0, 0, 0, 36, 0 }, 6, OUT, 0, 0, 36, 0, 0, HS(PHASE_ERROR), 36 },
    { "mode-sense-data-out", { 0x1A, 0, 0x3F, 0, 192, 0 }, 6, OUT, 0, 0, 192, 0, 0, HS(PHASE_ERROR), 192 },
    { "mode-select-data-in", { 0x15, 0x10, 0, 0, 12, 0 }, 6, IN, 0, 0, 12, 0, 0, HS(PHASE_ERROR), 12 },
    { "mode-select-short", { 0x15, 0x10, 0, 0, 12, 0 }, 6, OUT, 0, 0, 4, 0, 0, HS(BAD_BLOCK), 4 },
    { "verify-bytchk-short", R10(0x2F, 2, 0, 1), 10, OUT, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "format-fmtdata-no-data", { 0x04, 0x10, 0, 0, 0, 0 }, 6, 0, 0, 0, 0, 0, 0, HS(BAD_BLOCK), 0 },
    { "target-1", { 0x00 }, 6, 0, 1, 0, 0, 0, 0, HS(NO_DEVICE), 0 },
    { "target-7-inquiry", { 0x12, 0, 0, 0, 36, 0 }, 6, IN, 7, 0, 36, 0, 0, HS(NO_DEVICE), 36 },
    { "read10-longer-data", R10(0x28, 0, 0, 1), 10, IN, 0, 0, 1024, 0, 0, OK, 512 },
    { "tur-with-data-in", { 0x00 }, 6, IN, 0, 0, 10, 0, 0, OK, 10 },
    { "read10-zero-blocks", R10(0x28, 0, 0, 0), 10, IN, 0, 0, 512, 0, 0, OK, 512 },
    { "write10-zero-blocks", R10(0x2A, 0, 0, 0), 10, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "inquiry-alloc-0", { 0x12, 0, 0, 0, 0, 0 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },

    /* LUN other than 0 */
    { "lun1-tur", { 0x00 }, 6, 0, 0, 1, 0, 0, 0, SENSE(5, 0x25, 0), 0 },
    { "lun1-read10", R10(0x28, 0, 0, 1), 10, IN, 0, 1, 512, 0, 0, SENSE(5, 0x25, 0), 512 },
    { "lun1-unknown-op", { 0xC1 }, 6, 0, 0, 1, 0, 0, 0, SENSE(5, 0x25, 0), 0 },
    { "lun1-ua-not-reported", { 0x00 }, 6, 0, 0, 7, 0, S_UA, 0, SENSE(5, 0x25, 0), 0 },

    /* unit attention */
    { "ua-tur", { 0x00 }, 6, 0, 0, 0, 0, S_UA, 0, SENSE(6, 0x29, 0), 0 },
    { "ua-read10", R10(0x28, 0, 0, 1), 10, IN, 0, 0, 512, S_UA, 0, SENSE(6, 0x29, 0), 512 },
    { "ua-unknown-op", { 0x3B }, 10, 0, 0, 0, 0, S_UA, 0, SENSE(6, 0x29, 0), 0 },
    { "ua-inquiry", { 0x12, 0, 0, 0, 36, 0 }, 6, IN, 0, 0, 36, S_UA, 0, OK, 0 },
    { "ua-report-luns", { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0 }, 12, IN, 0, 0, 16, S_UA, 0, OK, 0 },

    /* opcodes we do not implement */
    { "op-0x02", { 0x02 }, 6, 0, 0, 0, 0, 0, 0, SENSE(5, 0x20, 0), 0 },
    { "op-write-buffer", { 0x3B }, 10, OUT, 0, 0, 100, 0, 0, SENSE(5, 0x20, 0), 100 },
    { "op-mode-select10", { 0x55, 0x10 }, 10, 0, 0, 0, 0, 0, 0, SENSE(5, 0x20, 0), 0 },
    { "op-read16", { 0x88 }, 16, IN, 0, 0, 512, 0, 0, SENSE(5, 0x20, 0), 512 },
    { "op-read12", { 0xA8 }, 12, IN, 0, 0, 512, 0, 0, SENSE(5, 0x20, 0), 512 },
    { "op-vendor-group6-len-8", { 0xC0 }, 8, 0, 0, 0, 0, 0, 0, SENSE(5, 0x20, 0), 0 },
    { "op-read-capacity16", { 0x9E, 0x10 }, 16, IN, 0, 0, 32, 0, 0, SENSE(5, 0x20, 0), 32 },

    /* medium state */
    { "tur-no-medium", { 0x00 }, 6, 0, 0, 0, 0, S_NOMEDIUM, 0, SENSE(2, 0x3A, 0), 0 },
    { "tur-not-ready", { 0x00 }, 6, 0, 0, 0, 0, S_NOTREADY, 0, SENSE(2, 0x04, 0), 0 },
    { "read10-no-medium", R10(0x28, 0, 0, 1), 10, IN, 0, 0, 512, S_NOMEDIUM, 0, SENSE(2, 0x3A, 0), 512 },
    { "capacity-no-medium", { 0x25 }, 10, IN, 0, 0, 8, S_NOMEDIUM, 0, SENSE(2, 0x3A, 0), 8 },
    { "capacity-not-ready", { 0x25 }, 10, IN, 0, 0, 8, S_NOTREADY, 0, SENSE(2, 0x04, 0), 8 },
    { "verify-no-medium", R10(0x2F, 0, 0, 1), 10, 0, 0, 0, 0, S_NOMEDIUM, 0, SENSE(2, 0x3A, 0), 0 },
    { "sync-no-medium", R10(0x35, 0, 0, 0), 10, 0, 0, 0, 0, S_NOMEDIUM, 0, SENSE(2, 0x3A, 0), 0 },
    { "inquiry-no-medium", { 0x12, 0, 0, 0, 36, 0 }, 6, IN, 0, 0, 36, S_NOMEDIUM, 0, OK, 0 },
    { "mode-sense-no-medium", { 0x1A, 0, 0x3F, 0, 192, 0 }, 6, IN, 0, 0, 192, S_NOMEDIUM, 0, OK, 100 },
    { "write10-wp", R10(0x2A, 0, 0, 1), 10, OUT, 0, 0, 512, S_WP, 0, SENSE(7, 0x27, 0), 512 },
    { "write6-wp", R6(0x0A, 0, 1), 6, OUT, 0, 0, 512, S_WP, 0, SENSE(7, 0x27, 0), 512 },
    { "format-wp", { 0x04 }, 6, 0, 0, 0, 0, S_WP, 0, SENSE(7, 0x27, 0), 0 },
    { "read10-wp-ok", R10(0x28, 0, 0, 1), 10, IN, 0, 0, 512, S_WP, 0, OK, 0 },

    /* LBA range */
    { "read10-lba-cap", R10(0x28, 0, CAP, 1), 10, IN, 0, 0, 512, 0, 0, SENSE_I(5, 0x21, 0, CAP), 512 },
    { "read10-straddle", R10(0x28, 0, CAP - 1, 2), 10, IN, 0, 0, 1024, 0, 0, SENSE_I(5, 0x21, 0, CAP - 1), 1024 },
    { "read10-last", R10(0x28, 0, CAP - 1, 1), 10, IN, 0, 0, 512, 0, 0, OK, 0 },
    { "read10-lba-max", R10(0x28, 0, 0xFFFFFFFFu, 1), 10, IN, 0, 0, 512, 0, 0, SENSE_I(5, 0x21, 0, 0xFFFFFFFFu), 512 },
    { "read6-out", R6(0x08, CAP, 1), 6, IN, 0, 0, 512, 0, 0, SENSE_I(5, 0x21, 0, CAP), 512 },
    { "read6-256-straddle", R6(0x08, CAP - 255, 0), 6, IN, 0, 0, 256 * 512, 0, 0, SENSE_I(5, 0x21, 0, CAP - 255), 256 * 512 },
    { "write10-out", R10(0x2A, 0, CAP, 1), 10, OUT, 0, 0, 512, 0, 0, SENSE_I(5, 0x21, 0, CAP), 512 },
    { "write6-out", R6(0x0A, CAP + 5, 1), 6, OUT, 0, 0, 512, 0, 0, SENSE_I(5, 0x21, 0, CAP + 5), 512 },
    { "verify-out", R10(0x2F, 0, CAP - 2, 3), 10, 0, 0, 0, 0, 0, 0, SENSE_I(5, 0x21, 0, CAP - 2), 0 },
    { "sync-in", R10(0x35, 0, CAP - 2, 2), 10, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "sync-whole", R10(0x35, 0, 0, 0), 10, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "sync-out", R10(0x35, 0, CAP - 2, 3), 10, 0, 0, 0, 0, 0, 0, SENSE_I(5, 0x21, 0, CAP - 2), 0 },
    { "sync-to-end-out", R10(0x35, 0, CAP, 0), 10, 0, 0, 0, 0, 0, 0, SENSE_I(5, 0x21, 0, CAP), 0 },

    /* medium failures */
    { "read10-error", R10(0x28, 0, 3, 4), 10, IN, 0, 0, 2048, S_RDERR, 5, SENSE_I(3, 0x11, 0, 5), 1024 },
    { "read10-error-first", R10(0x28, 0, 3, 4), 10, IN, 0, 0, 2048, S_RDERR, 3, SENSE_I(3, 0x11, 0, 3), 2048 },
    { "read6-error", R6(0x08, 100, 0), 6, IN, 0, 0, 256 * 512, S_RDERR, 355, SENSE_I(3, 0x11, 0, 355), 512 },
    { "read10-sd-failure", R10(0x28, 0, 3, 4), 10, IN, 0, 0, 2048, S_RDERR | S_HW, 4, SENSE_I(4, 0x08, 0, 4), 1536 },
    { "read10-card-removed", R10(0x28, 0, 3, 4), 10, IN, 0, 0, 2048, S_RDERR | S_GONE, 4, SENSE(2, 0x3A, 0), 1536 },
    { "write10-error", R10(0x2A, 0, 10, 4), 10, OUT, 0, 0, 2048, S_WRERR, 12, SENSE_I(3, 0x0C, 0, 12), 1024 },
    { "write6-error", R6(0x0A, 7, 2), 6, OUT, 0, 0, 1024, S_WRERR, 7, SENSE_I(3, 0x0C, 0, 7), 1024 },
    { "verify-error", R10(0x2F, 0, 0, 100), 10, 0, 0, 0, 0, S_RDERR, 42, SENSE_I(3, 0x11, 0, 42), 0 },
    { "read10-aborted", R10(0x28, 0, 0, 4), 10, IN, 0, 0, 2048, S_ABORT, 0, HS(ABORTED), 2048 },
    { "write10-aborted", R10(0x2A, 0, 0, 4), 10, OUT, 0, 0, 2048, S_ABORT, 0, HS(ABORTED), 2048 },
    { "inquiry-aborted", { 0x12, 0, 0, 0, 36, 0 }, 6, IN, 0, 0, 36, S_ABORT, 0, HS(ABORTED), 36 },

    /* invalid fields */
    { "inquiry-page-without-evpd", { 0x12, 0, 0x80, 0, 36, 0 }, 6, IN, 0, 0, 36, 0, 0, SENSE(5, 0x24, 0), 36 },
    { "inquiry-cmddt", { 0x12, 2, 0, 0, 36, 0 }, 6, IN, 0, 0, 36, 0, 0, SENSE(5, 0x24, 0), 36 },
    { "inquiry-evpd-cmddt", { 0x12, 3, 0, 0, 36, 0 }, 6, IN, 0, 0, 36, 0, 0, SENSE(5, 0x24, 0), 36 },
    { "inquiry-unknown-vpd", { 0x12, 1, 0xB0, 0, 36, 0 }, 6, IN, 0, 0, 36, 0, 0, SENSE(5, 0x24, 0), 36 },
    { "inquiry-naca", { 0x12, 0, 0, 0, 36, 4 }, 6, IN, 0, 0, 36, 0, 0, SENSE(5, 0x24, 0), 36 },
    { "inquiry-link", { 0x12, 0, 0, 0, 36, 1 }, 6, IN, 0, 0, 36, 0, 0, SENSE(5, 0x24, 0), 36 },
    { "request-sense-desc", { 0x03, 1, 0, 0, 18, 0 }, 6, IN, 0, 0, 18, 0, 0, SENSE(5, 0x24, 0), 18 },
    { "capacity-lba-without-pmi", { 0x25, 0, 0, 0, 0, 5 }, 10, IN, 0, 0, 8, 0, 0, SENSE(5, 0x24, 0), 8 },
    { "mode-sense-saved", { 0x1A, 0, 0xFF, 0, 192, 0 }, 6, IN, 0, 0, 192, 0, 0, SENSE(5, 0x39, 0), 192 },
    { "mode-sense10-saved", { 0x5A, 0, 0xC8, 0, 0, 0, 0, 0, 192, 0 }, 10, IN, 0, 0, 192, 0, 0, SENSE(5, 0x39, 0), 192 },
    { "mode-sense-page-02", { 0x1A, 0, 0x02, 0, 192, 0 }, 6, IN, 0, 0, 192, 0, 0, SENSE(5, 0x24, 0), 192 },
    { "mode-sense-page-00", { 0x1A, 0, 0x00, 0, 192, 0 }, 6, IN, 0, 0, 192, 0, 0, SENSE(5, 0x24, 0), 192 },
    { "mode-sense-subpage", { 0x1A, 0, 0x08, 1, 192, 0 }, 6, IN, 0, 0, 192, 0, 0, SENSE(5, 0x24, 0), 192 },
    { "mode-sense-3f-subpage-ff", { 0x1A, 0, 0x3F, 0xFF, 192, 0 }, 6, IN, 0, 0, 192, 0, 0, OK, 100 },
    { "mode-select-sp", { 0x15, 0x11, 0, 0, 4, 0 }, 6, OUT, 0, 0, 4, 0, 0, SENSE(5, 0x24, 0), 4 },
    { "report-luns-short-alloc", { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0 }, 12, IN, 0, 0, 8, 0, 0, SENSE(5, 0x24, 0), 8 },
    { "report-luns-select-3", { 0xA0, 0, 3, 0, 0, 0, 0, 0, 0, 16, 0, 0 }, 12, IN, 0, 0, 16, 0, 0, SENSE(5, 0x24, 0), 16 },
    { "read10-rdprotect", R10(0x28, 0x20, 0, 1), 10, IN, 0, 0, 512, 0, 0, SENSE(5, 0x24, 0), 512 },
    { "write10-wrprotect", R10(0x2A, 0x40, 0, 1), 10, OUT, 0, 0, 512, 0, 0, SENSE(5, 0x24, 0), 512 },
    { "verify-vrprotect", R10(0x2F, 0x80, 0, 1), 10, 0, 0, 0, 0, 0, 0, SENSE(5, 0x24, 0), 0 },
    { "start-stop-power-condition", { 0x1B, 0, 0, 0, 0x11, 0 }, 6, 0, 0, 0, 0, 0, 0, SENSE(5, 0x24, 0), 0 },
    { "format-fmtpinfo", { 0x04, 0x80 }, 6, 0, 0, 0, 0, 0, 0, SENSE(5, 0x24, 0), 0 },
    { "send-diag-params", { 0x1D, 0x10, 0, 0, 4, 0 }, 6, OUT, 0, 0, 4, 0, 0, SENSE(5, 0x24, 0), 4 },
    { "send-diag-code", { 0x1D, 0xA0 }, 6, 0, 0, 0, 0, 0, 0, SENSE(5, 0x24, 0), 0 },

    /* commands that simply succeed */
    { "tur", { 0x00 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "start", { 0x1B, 1, 0, 0, 1, 0 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "stop-eject", { 0x1B, 0, 0, 0, 2, 0 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "prevent", { 0x1E, 0, 0, 0, 1, 0 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "allow", { 0x1E }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "reserve", { 0x16 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "release", { 0x17 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "format", { 0x04 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "send-diag-nothing", { 0x1D, 0x10 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "send-diag-selftest", { 0x1D, 0x04 }, 6, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "send-diag-selftest-fails", { 0x1D, 0x04 }, 6, 0, 0, 0, 0, S_RDERR, CAP - 1, SENSE(4, 0x3E, 3), 0 },
    { "send-diag-selftest-no-medium", { 0x1D, 0x04 }, 6, 0, 0, 0, 0, S_NOMEDIUM, 0, SENSE(2, 0x3A, 0), 0 },
    { "verify", R10(0x2F, 0, 0, CAP), 10, 0, 0, 0, 0, 0, 0, OK, 0 },
    { "verify-zero", R10(0x2F, 0, 0, 0), 10, 0, 0, 0, 0, 0, 0, OK, 0 },
};

static void run_table(void)
{
    static uint8_t out[256 * 512];
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct tcase *t = &table[i];
        current = t->name;
        fresh(CAP);
        if (!(t->setup & S_UA))
            scsi_reset(&dev), tur(); /* consume the unit attention */
        if (t->setup & S_NOMEDIUM)
            rd.medium_flags = 0;
        if (t->setup & S_NOTREADY)
            rd.medium_flags = SCSI_MEDIUM_PRESENT;
        if (t->setup & S_WP)
            rd.medium_flags |= SCSI_MEDIUM_WPROTECT;
        if (t->setup & S_RDERR)
            rd.read_err_lba = t->err_lba;
        if (t->setup & S_WRERR)
            rd.write_err_lba = t->err_lba;
        if (t->setup & S_HW)
            rd.read_err = SCSI_IO_MEDIUM_HW;
        if (t->setup & S_GONE)
            rd.read_err = SCSI_IO_NO_MEDIUM;
        if (t->setup & S_ABORT)
            rd.host_fault = SCSI_IO_ABORTED;
        exec(t->target, t->lun, t->flags, t->data_len, t->cdb, t->cdb_len, out,
             t->data_len < sizeof out ? t->data_len : sizeof out);
        expect(t->status, t->hs, t->sk, t->asc, t->ascq, t->info);
        if (t->residual != ANY)
            EXPECT(res.residual == (uint32_t)t->residual, "residual %u, expected %lld", res.residual,
                   t->residual);
    }
}

/* ------------------------------------------------------------------ */
/* Data checks. */

static void test_inquiry(void)
{
    static const uint8_t c36[6] = { 0x12, 0, 0, 0, 36, 0 };
    current = "inquiry-standard";
    fresh(CAP);
    cmd(IN, 36, c36, 6);
    good();
    EXPECT(rd.in_len == 36 && res.residual == 0, "36 bytes");
    const uint8_t *b = rd.host_in;
    EXPECT(b[0] == 0 && b[1] == 0 && (b[2] == 4 || b[2] == 5) && (b[3] & 0x0F) == 2 && b[4] == 31,
           "header %02x %02x %02x %02x %02x", b[0], b[1], b[2], b[3], b[4]);
    EXPECT(memcmp(b + 8, "SOFTHBA ", 8) == 0, "vendor");
    for (int i = 8; i < 36; i++)
        EXPECT(b[i] >= 0x20 && b[i] < 0x7F, "byte %d not printable ASCII", i);
    tur();
    expect(CC, 0, 6, 0x29, 0, NO_INFO); /* INQUIRY left the unit attention */

    current = "inquiry-truncated";
    static const uint8_t c5[6] = { 0x12, 0, 0, 0, 5, 0 };
    cmd(IN, 5, c5, 6);
    good();
    EXPECT(rd.in_len == 5 && rd.host_in[4] == 31, "5 bytes, additional length still 31");
    current = "inquiry-data-len-smaller";
    cmd(IN, 10, c36, 6);
    good();
    EXPECT(rd.in_len == 10 && res.residual == 0, "truncated to the data length");
    current = "inquiry-big-alloc";
    static const uint8_t cbig[6] = { 0x12, 0, 0, 0x01, 0x00, 0 };
    cmd(IN, 256, cbig, 6);
    good();
    EXPECT(rd.in_len == 36 && res.residual == 220, "36 bytes, residual 220 (got %u, %u)", rd.in_len,
           res.residual);

    current = "inquiry-lun1";
    exec(0, 1, IN, 36, c36, 6, NULL, 0);
    good();
    EXPECT(rd.in_len == 36 && rd.host_in[0] == 0x7F, "PQ 3 type 1F (0x%02x)", rd.host_in[0]);
    current = "inquiry-lun1-scsi2-lun-bits";
    static const uint8_t c36l[6] = { 0x12, 0x20, 0, 0, 36, 0 };
    exec(0, 1, IN, 36, c36l, 6, NULL, 0);
    good();
    EXPECT(rd.host_in[0] == 0x7F, "PQ 3");

    current = "vpd-00";
    static const uint8_t v0[6] = { 0x12, 1, 0x00, 0, 255, 0 };
    cmd(IN, 255, v0, 6);
    good();
    static const uint8_t e0[] = { 0, 0, 0, 3, 0x00, 0x80, 0x83 };
    EXPECT(rd.in_len == sizeof e0 && memcmp(rd.host_in, e0, sizeof e0) == 0, "supported pages");
    current = "vpd-80";
    static const uint8_t v80[6] = { 0x12, 1, 0x80, 0, 255, 0 };
    cmd(IN, 255, v80, 6);
    good();
    EXPECT(rd.in_len == 12 && rd.host_in[1] == 0x80 && rd.host_in[3] == 8 &&
               memcmp(rd.host_in + 4, "1234ABCD", 8) == 0,
           "serial");
    current = "vpd-83";
    static const uint8_t v83[6] = { 0x12, 1, 0x83, 0, 255, 0 };
    cmd(IN, 255, v83, 6);
    good();
    const uint8_t *p = rd.host_in;
    EXPECT(p[1] == 0x83 && (uint32_t)(p[2] << 8 | p[3]) + 4 == rd.in_len, "page length");
    EXPECT((p[4] & 0x0F) == 2 && (p[5] & 0x0F) == 1 && (p[5] & 0x30) == 0 && p[7] + 8u == rd.in_len,
           "one T10 vendor id designator, ASCII, LU association");
    EXPECT(memcmp(p + 8, "SOFTHBA ", 8) == 0 && memcmp(p + 16, "1234ABCD", 8) == 0, "designator");
    current = "vpd-83-lun1";
    exec(0, 2, IN, 255, v83, 6, NULL, 0);
    good();
    EXPECT(rd.host_in[0] == 0x7F && rd.host_in[1] == 0x83, "PQ 3");
}

static void test_request_sense(void)
{
    static const uint8_t rs[6] = { 0x03, 0, 0, 0, 18, 0 };
    current = "request-sense-ua";
    fresh(CAP);
    cmd(IN, 18, rs, 6);
    good();
    EXPECT(rd.in_len == 18 && rd.host_in[0] == 0x70 && rd.host_in[2] == 6 && rd.host_in[7] == 10 &&
               rd.host_in[12] == 0x29 && rd.host_in[13] == 0,
           "unit attention in the data");
    tur();
    good(); /* REQUEST SENSE cleared the unit attention */

    current = "request-sense-after-check";
    static const uint8_t rd10[10] = { 0x28, 0, 0, 0, 0x10, 0, 0, 0, 1, 0 };
    cmd(IN, 512, rd10, 10);
    expect(CC, 0, 5, 0x21, 0, 0x1000);
    cmd(IN, 18, rs, 6);
    good();
    EXPECT(rd.in_len == 18 && rd.host_in[0] == 0xF0 && rd.host_in[2] == 5 && rd.host_in[12] == 0x21 &&
               rd.host_in[6] == 0x00 && rd.host_in[5] == 0x10,
           "the pending sense with INFORMATION");
    cmd(IN, 18, rs, 6);
    good();
    EXPECT(rd.in_len == 18 && rd.host_in[0] == 0x70 && rd.host_in[2] == 0 && rd.host_in[12] == 0 &&
               rd.host_in[7] == 10,
           "cleared: NO SENSE");

    current = "request-sense-cleared-by-next-command";
    cmd(IN, 512, rd10, 10);
    tur();
    good();
    cmd(IN, 18, rs, 6);
    EXPECT(rd.host_in[2] == 0, "a new command drops the old sense");

    current = "request-sense-truncated";
    cmd(IN, 512, rd10, 10);
    static const uint8_t rs8[6] = { 0x03, 0, 0, 0, 8, 0 };
    cmd(IN, 18, rs8, 6);
    good();
    EXPECT(rd.in_len == 8 && res.residual == 10 && rd.host_in[2] == 5, "8 bytes");
    cmd(IN, 18, rs, 6);
    EXPECT(rd.host_in[2] == 0, "truncated REQUEST SENSE still clears");

    current = "request-sense-alloc-0";
    static const uint8_t rs0[6] = { 0x03, 0, 0, 0, 0, 0 };
    cmd(0, 0, rs0, 6);
    good();
    EXPECT(rd.in_len == 0, "no data");

    current = "request-sense-lun1";
    exec(0, 3, IN, 18, rs, 6, NULL, 0);
    good();
    EXPECT(rd.in_len == 18 && rd.host_in[2] == 5 && rd.host_in[12] == 0x25, "LU not supported");

    current = "field-pointer";
    static const uint8_t bad[6] = { 0x12, 0, 0x80, 0, 36, 0 };
    cmd(IN, 36, bad, 6);
    EXPECT(res.sense[15] == 0xC0 && res.sense[16] == 0 && res.sense[17] == 2, "SKSV C/D byte 2");

    current = "reset-ua";
    scsi_reset(&dev);
    tur();
    expect(CC, 0, 6, 0x29, 0, NO_INFO);
    tur();
    good();
}


static void test_capacity(void)
{
    static const uint8_t c[10] = { 0x25 };
    static const struct { uint64_t blocks; uint32_t last; } cases[] = {
        { CAP, CAP - 1 },
        { 0xFFFFFFFFull, 0xFFFFFFFEu },
        { 0x100000000ull, 0xFFFFFFFFu },
        { 0x100000005ull, 0xFFFFFFFFu },
        { 1, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        current = "read-capacity";
        fresh(CAP);
        rd.blocks = cases[i].blocks;
        scsi_reset(&dev);
        tur();
        cmd(IN, 8, c, 10);
        good();
        EXPECT(rd.in_len == 8 && be32(rd.host_in) == cases[i].last && be32(rd.host_in + 4) == 512,
               "%llu blocks: last %08x", (unsigned long long)cases[i].blocks, be32(rd.host_in));
    }
    current = "read-capacity-pmi";
    static const uint8_t pmi[10] = { 0x25, 0, 0, 0, 0, 9, 0, 0, 1, 0 };
    cmd(IN, 8, pmi, 10);
    good();
    current = "read-capacity-short";
    cmd(IN, 4, c, 10);
    good();
    EXPECT(rd.in_len == 4 && res.residual == 0, "4 bytes");
}

/* MODE SENSE: parse pages out of the reply and check their fields. */
static void check_pages(const uint8_t *p, unsigned len, uint64_t blocks, int changeable)
{
    static const uint8_t order[4] = { 1, 3, 4, 8 }, plen[4] = { 12, 24, 24, 20 };
    unsigned off = 0;
    for (int i = 0; i < 4; i++) {
        EXPECT(off + 2 <= len && p[off] == order[i] && p[off + 1] + 2 == plen[i], "page %02x header",
               order[i]);
        const uint8_t *q = p + off;
        if (changeable) {
            for (int j = 2; j < plen[i]; j++)
                EXPECT(q[j] == 0, "page %02x byte %d changeable", order[i], j);
        } else if (order[i] == 4) {
            uint32_t cyl = (uint32_t)q[2] << 16 | q[3] << 8 | q[4], h = q[5];
            uint64_t s = h == 64 ? 32 : 63;
            EXPECT(h == 64 || h == 255, "heads %u", h);
            EXPECT(cyl * h * s >= blocks && (cyl - 1) * h * s < blocks, "C*H*S covers %llu: %u*%u*%llu",
                   (unsigned long long)blocks, cyl, h, (unsigned long long)s);
            EXPECT(blocks > 64u * 32u * 1024u ? h == 255 : h == 64, "64x32 up to 1 GiB, then 255x63");
        } else if (order[i] == 3) {
            EXPECT(q[10] == 0 && q[11] == (q[3] == 64 ? 32 : 63) && q[12] == 2 && q[13] == 0,
                   "sectors per track, 512 bytes per sector");
        } else if (order[i] == 8) {
            EXPECT((q[2] & 0x04) == 0, "WCE=0");
        }
        off += plen[i];
    }
    EXPECT(off == len, "nothing after the pages");
}

static void test_mode_sense(void)
{
    static const uint64_t caps[] = { CAP, 64u * 32u * 1024u, 64u * 32u * 1024u + 1, 3000000, 62333952,
                                     0x100000000ull + 7 };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        current = "mode-sense6-3f";
        fresh(CAP);
        rd.blocks = caps[i];
        scsi_reset(&dev);
        tur();
        static const uint8_t c[6] = { 0x1A, 0, 0x3F, 0, 192, 0 };
        cmd(IN, 192, c, 6);
        good();
        const uint8_t *b = rd.host_in;
        EXPECT(rd.in_len == 4 + 8 + 80 && res.residual == 192 - 92, "92 bytes (%u)", rd.in_len);
        EXPECT(b[0] == 91 && b[1] == 0 && b[2] == 0 && b[3] == 8, "header %02x %02x %02x %02x", b[0],
               b[1], b[2], b[3]);
        uint32_t nb = caps[i] > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)caps[i];
        EXPECT(be32(b + 4) == nb && be32(b + 8) == 512, "block descriptor");
        check_pages(b + 12, rd.in_len - 12, caps[i], 0);
    }
    current = "mode-sense10-3f-dbd";
    static const uint8_t c10[10] = { 0x5A, 0x08, 0x3F, 0, 0, 0, 0, 0, 192, 0 };
    cmd(IN, 192, c10, 10);
    good();
    EXPECT(rd.in_len == 88 && rd.host_in[0] == 0 && rd.host_in[1] == 86 && rd.host_in[7] == 0, "header");
    check_pages(rd.host_in + 8, rd.in_len - 8, rd.blocks, 0);

    current = "mode-sense10-bd";
    static const uint8_t c10b[10] = { 0x5A, 0, 0x08, 0, 0, 0, 0, 0, 192, 0 };
    cmd(IN, 192, c10b, 10);
    good();
    EXPECT(rd.in_len == 8 + 8 + 20 && rd.host_in[1] == 34 && rd.host_in[7] == 8 && rd.host_in[16] == 8,
           "header, descriptor, caching page");

    current = "mode-sense-changeable";
    fresh(CAP);
    scsi_reset(&dev);
    tur();
    static const uint8_t ch[6] = { 0x1A, 0x08, 0x7F, 0, 255, 0 };
    cmd(IN, 255, ch, 6);
    good();
    check_pages(rd.host_in + 4, rd.in_len - 4, CAP, 1);

    current = "mode-sense-default-is-current";
    static const uint8_t cur[6] = { 0x1A, 0, 0x3F, 0, 255, 0 }, def[6] = { 0x1A, 0, 0xBF, 0, 255, 0 };
    uint8_t a[128];
    cmd(IN, 255, cur, 6);
    memcpy(a, rd.host_in, rd.in_len);
    unsigned alen = rd.in_len;
    cmd(IN, 255, def, 6);
    EXPECT(rd.in_len == alen && memcmp(a, rd.host_in, alen) == 0, "same bytes");

    current = "mode-sense-truncated";
    static const uint8_t t10[6] = { 0x1A, 0, 0x3F, 0, 10, 0 };
    cmd(IN, 192, t10, 6);
    good();
    EXPECT(rd.in_len == 10 && res.residual == 182 && rd.host_in[0] == 91, "10 bytes, full length in header");

    current = "mode-sense-single-pages";
    static const uint8_t pages[4] = { 1, 3, 4, 8 }, plen[4] = { 12, 24, 24, 20 };
    for (int i = 0; i < 4; i++) {
        uint8_t c[6] = { 0x1A, 0x08, pages[i], 0, 255, 0 };
        cmd(IN, 255, c, 6);
        good();
        EXPECT(rd.in_len == 4u + plen[i] && rd.host_in[4] == pages[i] && memcmp(rd.host_in + 4, a + 12 + (i ? 12 : 0) + (i > 1 ? 24 : 0) + (i > 2 ? 24 : 0), plen[i]) == 0,
               "page %02x alone equals its part of 0x3F", pages[i]);
    }

    current = "mode-sense-wp";
    rd.medium_flags |= SCSI_MEDIUM_WPROTECT;
    cmd(IN, 255, cur, 6);
    EXPECT(rd.host_in[2] == 0x80, "WP bit");
    static const uint8_t cur10[10] = { 0x5A, 0, 0x3F, 0, 0, 0, 0, 0, 255, 0 };
    cmd(IN, 255, cur10, 10);
    EXPECT(rd.host_in[3] == 0x80, "WP bit (10)");
}

static void test_mode_select(void)
{
    static const uint8_t sense[6] = { 0x1A, 0, 0x3F, 0, 255, 0 };
    uint8_t list[128];
    current = "mode-select-echo";
    fresh(CAP);
    scsi_reset(&dev);
    tur();
    cmd(IN, 255, sense, 6);
    unsigned n = rd.in_len;
    memcpy(list, rd.host_in, n);
    list[0] = 0; /* mode data length is reserved in MODE SELECT */
    uint8_t sel[6] = { 0x15, 0x10, 0, 0, (uint8_t)n, 0 };
    exec(0, 0, OUT, n, sel, 6, list, n);
    good();
    EXPECT(rd.out_pos == n && res.residual == 0, "list taken");

    current = "mode-select-header-only";
    static const uint8_t hdr[4] = { 0, 0, 0, 0 };
    uint8_t sel4[6] = { 0x15, 0x10, 0, 0, 4, 0 };
    exec(0, 0, OUT, 4, sel4, 6, hdr, 4);
    good();

    current = "mode-select-zero-length";
    uint8_t sel0[6] = { 0x15, 0x10, 0, 0, 0, 0 };
    exec(0, 0, 0, 0, sel0, 6, NULL, 0);
    good();

    current = "mode-select-wce";
    uint8_t l2[128];
    memcpy(l2, list, n);
    unsigned wce = 12 + 12 + 24 + 24 + 2; /* page 8 byte 2 */
    EXPECT(l2[wce - 2] == 8, "page 8 where expected");
    l2[wce] |= 0x04;
    exec(0, 0, OUT, n, sel, 6, l2, n);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);
    EXPECT(res.sense[15] == 0x80 && res.sense[17] == wce, "field pointer at the changed byte");

    current = "mode-select-block-length";
    memcpy(l2, list, n);
    l2[10] = 4; /* 1024 */
    exec(0, 0, OUT, n, sel, 6, l2, n);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-block-count-0";
    memcpy(l2, list, n);
    memset(l2 + 4, 0, 4);
    exec(0, 0, OUT, n, sel, 6, l2, n);
    good();

    current = "mode-select-block-count";
    l2[7] = 1;
    exec(0, 0, OUT, n, sel, 6, l2, n);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-medium-type";
    memcpy(l2, list, n);
    l2[1] = 1;
    exec(0, 0, OUT, n, sel, 6, l2, n);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-geometry";
    memcpy(l2, list, n);
    l2[12 + 12 + 24 + 5] = 16; /* heads */
    exec(0, 0, OUT, n, sel, 6, l2, n);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-unknown-page";
    static const uint8_t unk[4 + 8] = { 0, 0, 0, 0, 0x02, 6, 0, 0, 0, 0, 0, 0 };
    uint8_t selu[6] = { 0x15, 0x10, 0, 0, 12, 0 };
    exec(0, 0, OUT, 12, selu, 6, unk, 12);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-ps-bit";
    uint8_t l3[4 + 12];
    memcpy(l3, hdr, 4);
    memcpy(l3 + 4, list + 12, 12);
    l3[4] |= 0x80;
    uint8_t sel16[6] = { 0x15, 0x10, 0, 0, 16, 0 };
    exec(0, 0, OUT, 16, sel16, 6, l3, 16);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-page-1-alone";
    l3[4] &= 0x3F;
    exec(0, 0, OUT, 16, sel16, 6, l3, 16);
    good();

    current = "mode-select-page-length";
    l3[5] = 8;
    exec(0, 0, OUT, 16, sel16, 6, l3, 16);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-truncated-page";
    l3[5] = 10;
    uint8_t sel10[6] = { 0x15, 0x10, 0, 0, 10, 0 };
    exec(0, 0, OUT, 10, sel10, 6, l3, 10);
    expect(CC, 0, 5, 0x1A, 0, NO_INFO);

    current = "mode-select-short-header";
    uint8_t sel2[6] = { 0x15, 0x10, 0, 0, 2, 0 };
    exec(0, 0, OUT, 2, sel2, 6, hdr, 2);
    expect(CC, 0, 5, 0x1A, 0, NO_INFO);

    current = "mode-select-descriptor-length";
    uint8_t bdl[12] = { 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 2, 0 };
    exec(0, 0, OUT, 12, selu, 6, bdl, 12);
    good();
    bdl[3] = 16;
    exec(0, 0, OUT, 12, selu, 6, bdl, 12);
    expect(CC, 0, 5, 0x1A, 0, NO_INFO); /* descriptors run past the list */
    bdl[3] = 4;
    exec(0, 0, OUT, 12, selu, 6, bdl, 12);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);

    current = "mode-select-long-list";
    static uint8_t big[200];
    uint8_t selb[6] = { 0x15, 0x10, 0, 0, 200, 0 };
    exec(0, 0, OUT, 200, selb, 6, big, 200);
    EXPECT(res.scsi_status == CC && (res.sense[2] & 15) == 5, "rejected");
}

static void fill(uint8_t *b, uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        b[i] = (uint8_t)((i * 7u + seed * 13u + (i >> 9)) ^ (seed >> 3));
}

static void test_read_write(void)
{
    static uint8_t data[256 * 512], copy[CAP * 512];
    current = "write10-read10";
    fresh(CAP);
    scsi_reset(&dev);
    tur();
    fill(data, 4 * 512, 1);
    static const uint8_t w10[10] = { 0x2A, 0, 0, 0, 0, 10, 0, 0, 4, 0 };
    exec(0, 0, OUT, 2048, w10, 10, data, 2048);
    good();
    EXPECT(rd.out_pos == 2048 && memcmp(rd.data + 10 * 512, data, 2048) == 0, "on the medium");
    static const uint8_t r10[10] = { 0x28, 0, 0, 0, 0, 10, 0, 0, 4, 0 };
    cmd(IN, 2048, r10, 10);
    good();
    EXPECT(rd.in_len == 2048 && memcmp(rd.host_in, data, 2048) == 0, "read back");

    current = "write6-read6-256";
    fill(data, sizeof data, 2);
    static const uint8_t w6[6] = { 0x0A, 0, 1, 0, 0, 0 }; /* LBA 256, 256 blocks */
    exec(0, 0, OUT, sizeof data, w6, 6, data, sizeof data);
    good();
    EXPECT(memcmp(rd.data + 256 * 512, data, sizeof data) == 0, "256 blocks written");
    static const uint8_t r6[6] = { 0x08, 0, 1, 0, 0, 0 };
    cmd(IN, sizeof data, r6, 6);
    good();
    EXPECT(rd.in_len == sizeof data && memcmp(rd.host_in, data, sizeof data) == 0, "256 blocks read");

    current = "read6-high-lba-bits";
    static const uint8_t r6h[6] = { 0x08, 0xE0, 0, 10, 1, 0 }; /* SCSI-2 LUN bits ignored */
    cmd(IN, 512, r6h, 6);
    good();
    EXPECT(memcmp(rd.host_in, rd.data + 10 * 512, 512) == 0, "LBA 10");

    current = "write-error-stops";
    memcpy(copy, rd.data, sizeof copy);
    rd.write_err_lba = 12;
    fill(data, 4 * 512, 3);
    exec(0, 0, OUT, 2048, w10, 10, data, 2048);
    expect(CC, 0, 3, 0x0C, 0, 12);
    EXPECT(res.residual == 1024, "residual: the two blocks not written");
    EXPECT(memcmp(rd.data + 10 * 512, data, 1024) == 0, "blocks before the failure written");
    EXPECT(memcmp(rd.data + 12 * 512, copy + 12 * 512, (CAP - 12) * 512) == 0,
           "nothing at or after the failing LBA changed");
    EXPECT(memcmp(rd.data, copy, 10 * 512) == 0, "nothing before changed");

    current = "read-error-data";
    rd.write_err_lba = RD_NONE;
    rd.read_err_lba = 11;
    cmd(IN, 2048, r10, 10);
    expect(CC, 0, 3, 0x11, 0, 11);
    EXPECT(rd.in_len == 512 && memcmp(rd.host_in, rd.data + 10 * 512, 512) == 0 && res.residual == 1536,
           "the good block came first");

    current = "write-host-abort";
    rd.read_err_lba = RD_NONE;
    memcpy(copy, rd.data, sizeof copy);
    rd.host_fault = SCSI_IO_ABORTED;
    rd.host_fault_at = 1024;
    fill(data, 2048, 9);
    exec(0, 0, OUT, 2048, w10, 10, data, 2048);
    expect(0, SHBA_HOST_HS_ABORTED, 0, 0, 0, NO_INFO);
    EXPECT(res.residual == 1024 && memcmp(rd.data + 12 * 512, copy + 12 * 512, 1024) == 0,
           "two blocks written, the rest untouched");
    rd.host_fault = SCSI_IO_RESET;
    exec(0, 0, OUT, 2048, w10, 10, data, 2048);
    expect(0, SHBA_HOST_HS_RESET, 0, 0, 0, NO_INFO);
    rd.host_fault = SCSI_IO_OVERRUN;
    cmd(IN, 2048, r10, 10);
    expect(0, SHBA_HOST_HS_DATA_OVERRUN, 0, 0, 0, NO_INFO);
    rd.host_fault = SCSI_IO_PHASE;
    cmd(IN, 2048, r10, 10);
    expect(0, SHBA_HOST_HS_PHASE_ERROR, 0, 0, 0, NO_INFO);
    rd.host_fault = SCSI_IO_HOST_HW;
    cmd(IN, 2048, r10, 10);
    expect(0, SHBA_HOST_HS_HW_ERROR, 0, 0, 0, NO_INFO);
    rd.host_fault = SCSI_IO_OK;

    current = "write-protect-late";
    rd.write_err = SCSI_IO_WPROTECT;
    rd.write_err_lba = 10;
    exec(0, 0, OUT, 2048, w10, 10, data, 2048);
    expect(CC, 0, 7, 0x27, 0, NO_INFO);
}

static void test_verify(void)
{
    static uint8_t data[3 * 512];
    current = "verify-compare";
    fresh(CAP);
    scsi_reset(&dev);
    tur();
    fill(rd.data + 20 * 512, 3 * 512, 5);
    memcpy(data, rd.data + 20 * 512, sizeof data);
    static const uint8_t v[10] = { 0x2F, 0x02, 0, 0, 0, 20, 0, 0, 3, 0 };
    exec(0, 0, OUT, sizeof data, v, 10, data, sizeof data);
    good();
    EXPECT(rd.out_pos == sizeof data && res.residual == 0, "all data compared");

    current = "verify-miscompare";
    data[700] ^= 1;
    exec(0, 0, OUT, sizeof data, v, 10, data, sizeof data);
    expect(CC, 0, 0xE, 0x1D, 0, 700);
    EXPECT(rd.out_pos <= 1024 && res.residual == sizeof data - rd.out_pos, "stopped at the miscompare");
    data[700] ^= 1;

    current = "verify-compare-read-error";
    rd.read_err_lba = 21;
    exec(0, 0, OUT, sizeof data, v, 10, data, sizeof data);
    expect(CC, 0, 3, 0x11, 0, 21);

    current = "verify-compare-zero";
    static const uint8_t v0[10] = { 0x2F, 0x02, 0, 0, 0, 20, 0, 0, 0, 0 };
    exec(0, 0, 0, 0, v0, 10, NULL, 0);
    good();

    /* A medium without byte reads (the card's SD path) cannot compare:
     * INVALID FIELD IN CDB, and no data-out is taken. */
    current = "verify-compare-unsupported";
    static struct scsi_ops no_bytes;
    no_bytes = ramdisk_ops;
    no_bytes.read_bytes = NULL;
    scsi_init(&dev, &no_bytes, &rd, 0x1234ABCDu);
    scsi_reset(&dev);
    tur();
    exec(0, 0, OUT, sizeof data, v, 10, data, sizeof data);
    expect(CC, 0, 5, 0x24, 0, NO_INFO);
    EXPECT(rd.out_pos == 0 && res.residual == sizeof data, "no data-out taken");
    scsi_init(&dev, &ramdisk_ops, &rd, 0x1234ABCDu);
}

static void test_report_luns_and_format(void)
{
    current = "report-luns";
    fresh(CAP);
    scsi_reset(&dev);
    tur();
    static const uint8_t c[12] = { 0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 };
    cmd(IN, 256, c, 12);
    good();
    static const uint8_t e[16] = { 0, 0, 0, 8 };
    EXPECT(rd.in_len == 16 && memcmp(rd.host_in, e, 16) == 0 && res.residual == 240, "one LUN 0");
    current = "report-luns-lun5";
    exec(0, 5, IN, 16, c, 12, NULL, 0);
    good();
    EXPECT(rd.in_len == 16, "answered on any LUN");

    current = "format-fmtdata";
    static const uint8_t f[6] = { 0x04, 0x10, 0, 0, 0, 0 };
    static const uint8_t h_ok[4] = { 0, 0x02, 0, 0 }, h_defects[4] = { 0, 0, 0, 8 },
                         h_ip[4] = { 0, 0x88, 0, 0 }, h_fov0[4] = { 0, 0x20, 0, 0 },
                         h_fov[4] = { 0, 0xA2, 0, 0 };
    exec(0, 0, OUT, 4, f, 6, h_ok, 4);
    good();
    exec(0, 0, OUT, 4, f, 6, h_fov, 4);
    good();
    exec(0, 0, OUT, 12, f, 6, h_defects, 4);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);
    EXPECT(res.residual == 8, "header taken, residual 8");
    exec(0, 0, OUT, 4, f, 6, h_ip, 4);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);
    exec(0, 0, OUT, 4, f, 6, h_fov0, 4);
    expect(CC, 0, 5, 0x26, 0, NO_INFO);
}

int main(void)
{
    run_table();
    test_inquiry();
    test_request_sense();
    test_capacity();
    test_mode_sense();
    test_mode_select();
    test_read_write();
    test_verify();
    test_report_luns_and_format();
    ramdisk_free(&rd);
    printf("scsi: %u checks, %u failed\n", checks, failures);
    return failures ? 1 : 0;
}
