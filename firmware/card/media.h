/* What the card serves (docs/fs.md, "The card's targets"): the image files
 * of the SD card's FAT32/exFAT volume as targets 0-6, or the whole card as
 * one disk at target 0 when it holds no volume or no image.  Mounted once at
 * power-on and after every reset.  No MMIO here: the card glue (card_io.c)
 * passes its sector read/write functions, the host tests (tests/fs) a card
 * image file. */
#ifndef CARD_MEDIA_H
#define CARD_MEDIA_H

#include <stdint.h>

#include "fs.h"
#include "fs_logfile.h"
#include "images.h"
#include "ini.h"

/* softhba.ini is read up to this many bytes. */
#define MEDIA_INI_MAX_BYTES 16384u

struct media {
    struct fs_blockdev dev;
    struct fs_volume vol;
    struct fs_logfile log;
    struct ini_config ini;          /* INQUIRY strings per target */
    struct fs_target target[FS_MAX_TARGETS];
    fs_log_fn echo;                 /* every log line also goes here (console); may be 0 */
    void *echo_ctx;
    uint8_t raw;                    /* the whole card is target 0 */
    uint8_t count;                  /* targets served */
    _Alignas(4) uint8_t sector[FS_SECTOR_BYTES];   /* the filesystem layer's scratch */
};

/* Mounts the card (blocks 512-byte sectors; 0 when it did not initialise)
 * and fills the target table; the log lines of the mount go to softhba.log
 * (when the card has one) and to echo.  Returns the number of targets. */
unsigned media_mount(struct media *m, fs_read_fn read, fs_write_fn write, void *ctx,
                     uint32_t blocks);

/* The target at SCSI ID id, or 0 when there is none. */
const struct fs_target *media_target(const struct media *m, unsigned id);

/* Moves a run of n card sectors from lba; *done = sectors moved completely
 * (all of them when it returns 0). */
typedef int (*media_run_fn)(void *ctx, uint32_t lba, uint32_t n, uint32_t *done);

/* Blocks [block, block + count) of target t as runs of consecutive card
 * sectors, cut where the image's extents end (never a sector outside them):
 * run() for each in order, until one fails.  *sectors_done = sectors moved.
 * Returns 0, FS_ERR_RANGE (blocks outside the image: nothing moved) or the
 * first run's error. */
int media_runs(const struct fs_target *t, uint32_t block, uint32_t count, media_run_fn run,
               void *ctx, uint32_t *sectors_done);

/* A line for the log while a command runs: kept in RAM (or counted as lost
 * when the pending sector is full) until media_idle() writes it. */
void media_log(struct media *m, const char *line);

/* Between commands: writes pending log text to softhba.log.  Returns 0 or
 * the card write's error. */
int media_idle(struct media *m);

#endif
