/* Disk and CD-ROM images as files in the root directory (docs/fs.md):
 *
 *   HD<id>[_<blocksize>].img | .hda   a disk, blocksize 512/1024/2048/4096 (default 512)
 *   CD<id>[_2048].iso                 a CD-ROM, 2048-byte blocks
 *
 * id is the SCSI ID 0-6 (7 is the card).  Names match in any case.  Each
 * accepted file's cluster chain is mapped once into at most FS_MAX_EXTENTS
 * extents; fs_target_map() then turns image blocks into card sectors without
 * reading the card again, and only ever inside the file's clusters. */
#ifndef IMAGES_H
#define IMAGES_H

#include <stdint.h>

#include "fs.h"
#include "ini.h"

#define FS_MAX_TARGETS 7u
/* Runs of consecutive clusters one image may have.  A file copied onto a
 * freshly formatted card is one extent; 16 covers a card that has been
 * written to for a while, at 8 bytes each (FS_MAX_TARGETS * 16 * 8 = 896
 * bytes for the table's extents). */
#define FS_MAX_EXTENTS 16u
/* Longest valid image name: "HD0_4096.img" */
#define FS_IMAGE_NAME_MAX 12u

enum fs_target_kind { FS_TARGET_NONE = 0, FS_TARGET_DISK = 1, FS_TARGET_REMOVABLE = 2, FS_TARGET_CDROM = 3 };

struct fs_target {
    uint8_t kind;                   /* enum fs_target_kind; FS_TARGET_NONE: no target */
    uint8_t read_only;
    uint8_t block_shift;            /* log2(block size / 512) */
    uint8_t extent_count;
    uint16_t block_size;
    uint32_t blocks;                /* capacity in blocks */
    char name[FS_IMAGE_NAME_MAX + 1];
    struct fs_extent extent[FS_MAX_EXTENTS];
};

/* What an image file name says. */
enum fs_name_verdict {
    FS_NAME_NOT_IMAGE = 0,          /* not an image name: ignored */
    FS_NAME_OK = 1,
    FS_NAME_BAD_ID = -1,            /* ID not a single digit 0-6 */
    FS_NAME_BAD_BLOCK_SIZE = -2     /* block size not allowed for the kind */
};

struct fs_image_name {
    uint8_t id;
    uint8_t cdrom;
    uint16_t block_size;            /* 0: the name gives none */
};

int fs_parse_image_name(const char *name, struct fs_image_name *out);

/* Walks the root directory, takes every image file it can and fills
 * targets[0..6] (index = SCSI ID); cfg (may be 0) is softhba.ini's settings.
 * Every refused file gets a log line.  Returns the number of targets, or a
 * negative enum fs_err when the directory cannot be read. */
int fs_scan_images(struct fs_volume *v, const struct ini_config *cfg,
                   struct fs_target targets[FS_MAX_TARGETS]);

/* Card sectors for blocks [block, block + count) of target t: the run of
 * consecutive sectors that starts `skip` sectors into that range, at *lba,
 * *sectors long (at most the rest of the range, cut at an extent's end, which
 * may fall inside a block when clusters are smaller than blocks).  The caller
 * moves that run, adds it to skip and asks again until skip reaches
 * count * block_size / 512.  FS_ERR_RANGE when the blocks are not all in the
 * image or skip is past the range. */
int fs_target_map(const struct fs_target *t, uint32_t block, uint32_t count, uint32_t skip,
                  uint32_t *lba, uint32_t *sectors);

/* fs_target_map()'s usual case, for the card's READ path to test first:
 * blocks [block, block + count) of a target of one extent (the raw card, an
 * image that is not fragmented) are one run of card sectors, *lba and
 * *sectors, the answer fs_target_map() gives for skip 0.  Returns 0 when it
 * does not apply (more extents, or blocks out of range: fs_target_map()
 * sorts them out; tests/fs fs_probe checks the two agree).  Inline, so that
 * the card calls the SD driver with no call level between (each costs the
 * card's CPU about 100 cycles: docs/soc.md). */
__attribute__((always_inline)) static inline int fs_target_one_run(const struct fs_target *t, uint32_t block,
                                                                  uint32_t count, uint32_t *lba,
                                                                  uint32_t *sectors)
{
    uint32_t total = count << t->block_shift, off = block << t->block_shift;
    const struct fs_extent *e = &t->extent[0];
    if (t->extent_count != 1 || t->kind == FS_TARGET_NONE || count == 0 || block >= t->blocks ||
        count > t->blocks - block || off >= e->sectors || total > e->sectors - off)
        return 0;
    *lba = e->lba + off;
    *sectors = total;
    return 1;
}

#endif
