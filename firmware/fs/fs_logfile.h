/* softhba.log: the card's log on its own SD card (docs/fs.md, "softhba.log").
 *
 * The firmware never changes the file system's structures: it writes only
 * sectors inside the clusters an existing softhba.log already owns (the
 * person creates the file once, e.g. 32 KiB of zeros), never its directory
 * entry, its size or the FAT.  A power cut during a write can garble at most
 * the one log sector being written; the file system stays as fsck found it.
 *
 * Layout of the used part (the first FS_LOG_MAX_SECTORS whole sectors): text
 * lines ending in '\n', then NUL bytes.  The sector after the newest text
 * always starts with NUL (the "hole"): at mount, the first sector starting
 * with NUL is where the log goes on.  When the used part is full, the log
 * wraps to its first sector; older lines then follow the hole. */
#ifndef FS_LOGFILE_H
#define FS_LOGFILE_H

#include <stdint.h>

#include "fs.h"

#define FS_LOG_FILE_NAME "softhba.log"
/* At most 32 KiB of the file are used: the mount-time scan for the hole
 * reads at most this many sectors. */
#define FS_LOG_MAX_SECTORS 64u
/* Text that went past the pending sector while a command ran waits here
 * for the next flush (a line of FS_LINE_MAX and its end). */
#define FS_LOG_SPILL 96u
/* The log may be in this many runs of clusters (more: refused). */
#define FS_LOG_MAX_EXTENTS 4u

/* Writes one 512-byte block at absolute card address lba (buf 0: zeros);
 * 0 = done. */
typedef int (*fs_write_fn)(void *ctx, uint32_t lba, const uint8_t *buf);

struct fs_logfile {
    struct fs_extent ext[FS_LOG_MAX_EXTENTS];
    uint8_t ext_count;
    uint8_t open;          /* the file was found, mapped and scanned */
    uint8_t dirty;         /* buf holds text not on the card yet */
    uint8_t may_write;     /* add() may write a full sector itself (not during a command) */
    uint8_t need_hole;     /* the sector after cur may not start with NUL yet */
    uint16_t fill;         /* bytes of text in buf */
    uint16_t spill_len;    /* bytes in spill (buf is full when not 0) */
    uint32_t sectors;      /* sectors of the file used */
    uint32_t cur;          /* file sector (0-based) buf stands for */
    uint32_t lost;         /* lines dropped while writing was not allowed */
    uint32_t write_errors; /* card writes that failed */
    fs_write_fn write;
    void *write_ctx;
    uint8_t buf[FS_SECTOR_BYTES];
    uint8_t spill[FS_LOG_SPILL];
};

/* Empties the log; lines added before fs_logfile_open are kept and go to the
 * file after the text already there. */
void fs_logfile_init(struct fs_logfile *l, fs_write_fn write, void *write_ctx);

/* Finds softhba.log in the root directory, maps it (at most
 * FS_LOG_MAX_EXTENTS runs, the chain checked as an image's), refuses it when
 * it shares clusters with the file system's structures, and finds where the
 * text ends.  Uses the volume's sector buffer.  Called before the image scan,
 * with v->reserved then pointing at l->ext: an image sharing the log's
 * clusters is refused.  FS_ERR_NOT_FOUND: no log file (not an error). */
int fs_logfile_open(struct fs_logfile *l, struct fs_volume *v);

/* Appends line + '\n'.  When the sector fills: written at once if may_write,
 * else the text goes on in spill until a flush; a line that fits neither is
 * dropped (lost counts it).  Before open, lines wait in buf only. */
void fs_logfile_add(struct fs_logfile *l, const char *line);

/* Writes the pending sector (the hole after it first when needed), and the
 * spilled text into the next sector.  Returns 0, or the write function's
 * error (the text stays pending). */
int fs_logfile_flush(struct fs_logfile *l);

#endif
