/* FAT32 and exFAT reader for the card firmware, over a 512-byte block device.
 *
 * Written from the Microsoft specifications ("FAT: General Overview of On-Disk
 * Format" 1.03 and the "exFAT File System Specification"; docs/fs.md cites the
 * sections).  The library keeps no static data: the caller owns the volume
 * state, one 512-byte sector buffer and the result tables, so its RAM cost is
 * exactly what the caller declares.  Only the root directory is read.
 *
 * Every function returns FS_OK (0) or a negative enum fs_err; fs_err_text()
 * names it.  What a person needs to know (the mounted volume, each refused
 * file) also goes to the log callback as one line of text. */
#ifndef FS_H
#define FS_H

#include <stdint.h>

#define FS_SECTOR_BYTES 512u
/* Longest file name kept in a directory entry (ASCII; longer names are
 * marked too long and can never match an image or softhba.ini). */
#define FS_NAME_MAX 32u
/* Root directory entries read at most (FAT's own limit for a directory, FAT
 * spec "FAT Directory Structure"): also what ends a directory whose chain loops. */
#define FS_DIR_MAX_ENTRIES 65536u

enum fs_err {
    FS_OK = 0,
    FS_ERR_IO = -1,               /* the block device failed a read */
    FS_ERR_NO_FILESYSTEM = -2,    /* no FAT32/exFAT boot sector or partition */
    FS_ERR_SIGNATURE = -3,        /* 0x55AA / jump / exFAT name wrong */
    FS_ERR_SECTOR_SIZE = -4,      /* bytes per sector is not 512 */
    FS_ERR_CLUSTER_SIZE = -5,     /* sectors per cluster not a power of two in range */
    FS_ERR_RESERVED = -6,         /* reserved sector count 0 / FAT offset too small */
    FS_ERR_FAT_COUNT = -7,        /* number of FATs not 1 or 2 */
    FS_ERR_ROOT_ENTRIES = -8,     /* FAT32 with a fixed root directory (FAT12/16 layout) */
    FS_ERR_TOTAL_SECTORS = -9,    /* total sectors 0, too small, or larger than the partition */
    FS_ERR_FAT_SIZE = -10,        /* FAT too small for the clusters, or 16-bit FAT size set */
    FS_ERR_CLUSTER_COUNT = -11,   /* cluster count out of range for the type */
    FS_ERR_ROOT_CLUSTER = -12,    /* root directory cluster outside the data area */
    FS_ERR_VERSION = -13,         /* unknown file system version */
    FS_ERR_LAYOUT = -14,          /* exFAT regions overlap or leave the volume */
    FS_ERR_CHECKSUM = -15,        /* exFAT boot region checksum wrong */
    FS_ERR_NOT_FAT32 = -16,       /* a FAT12/FAT16 volume (not supported) */
    FS_ERR_CHAIN_SHORT = -17,     /* cluster chain ends before the file does */
    FS_ERR_CHAIN_LONG = -18,      /* cluster chain goes on past the file's end */
    FS_ERR_CHAIN_BAD = -19,       /* chain points outside the data area (free, bad, reserved) */
    FS_ERR_CHAIN_LOOP = -20,      /* chain uses a cluster twice */
    FS_ERR_FRAGMENTED = -21,      /* more extents than the target table holds */
    FS_ERR_BEYOND_CARD = -22,     /* file's clusters lie past the end of the card */
    FS_ERR_CROSS_LINKED = -23,    /* file shares clusters with another image */
    FS_ERR_EMPTY = -24,           /* file smaller than one block */
    FS_ERR_TOO_LARGE = -25,       /* more blocks than a 32-bit block address reaches */
    FS_ERR_VALID_LENGTH = -26,    /* exFAT valid data length below the file size */
    FS_ERR_NOT_FOUND = -27,       /* no such file */
    FS_ERR_RANGE = -28,           /* block range outside the image */
    FS_ERR_PARAM = -29,           /* bad call */
    FS_ERR_METADATA = -30         /* file's clusters hold the root directory or exFAT bitmap/up-case table */
};

const char *fs_err_text(int err);

/* Reads one 512-byte block at absolute card address lba into buf; 0 = done. */
typedef int (*fs_read_fn)(void *ctx, uint32_t lba, uint8_t *buf);
/* One log line, no newline. */
typedef void (*fs_log_fn)(void *ctx, const char *line);

struct fs_blockdev {
    fs_read_fn read;
    void *ctx;
    uint32_t blocks;              /* card size in 512-byte blocks */
};

struct fs_logger {
    fs_log_fn fn;                 /* may be 0: no log */
    void *ctx;
};

enum fs_type { FS_TYPE_NONE = 0, FS_TYPE_FAT32 = 1, FS_TYPE_EXFAT = 2 };

struct fs_volume {
    /* set by the caller before fs_mount */
    const struct fs_blockdev *dev;
    uint8_t *buf;                 /* one 512-byte sector buffer, 4-byte aligned (FAT entries
                                   * are read as words), the library's only scratch */
    struct fs_logger log;
    /* may be set before fs_scan_images: card sectors no image may share
     * (softhba.log's clusters) */
    const struct fs_extent *reserved;
    uint32_t reserved_count;

    /* filled by fs_mount */
    uint8_t type;                 /* enum fs_type */
    uint8_t cluster_shift;        /* log2(sectors per cluster) */
    uint32_t part_lba;            /* first sector of the volume */
    uint32_t part_sectors;        /* volume length in sectors */
    uint32_t fat_lba;             /* first sector of the active FAT */
    uint32_t fat_sectors;
    uint32_t data_lba;            /* first sector of cluster 2 */
    uint32_t cluster_count;       /* clusters 2 .. cluster_count + 1 exist */
    uint32_t root_cluster;
    /* exFAT: the allocation bitmap's and up-case table's clusters, as the
     * root directory walk found them (no image may share them) */
    uint32_t bitmap_cluster, bitmap_bytes;
    uint32_t upcase_cluster, upcase_bytes;
    uint32_t buf_lba;             /* sector now in buf (FS_NO_SECTOR: none) */
};

#define FS_NO_SECTOR 0xFFFFFFFFu

/* A root directory entry (a file or a directory). */
struct fs_dirent {
    char name[FS_NAME_MAX + 1];   /* ASCII; characters beyond 0x7E read as '?' */
    uint8_t name_too_long;        /* the name had more than FS_NAME_MAX characters */
    uint8_t is_dir;
    uint8_t contiguous;           /* exFAT NoFatChain: clusters follow one another, no FAT */
    uint8_t valid_short;          /* exFAT valid data length < size */
    uint32_t first_cluster;       /* 0 for an empty file */
    uint32_t size_lo;             /* size in bytes */
    uint32_t size_hi;             /* exFAT only: bits 32-63 of the size */
};

/* One run of consecutive card sectors belonging to a file. */
struct fs_extent {
    uint32_t lba;
    uint32_t sectors;
};

/* Finds and checks the first FAT32 or exFAT volume: a superfloppy (boot sector
 * at LBA 0) or the first usable MBR partition.  FS_ERR_NO_FILESYSTEM when the
 * card holds neither (the caller then serves it as one raw disk). */
int fs_mount(struct fs_volume *v);

/* Calls visit(ctx, entry) for each file and directory of the root directory,
 * in directory order, until visit returns non-zero (that value is returned).
 * visit must not use the volume's buffer. */
typedef int (*fs_visit_fn)(void *ctx, const struct fs_dirent *entry);
int fs_dir_walk(struct fs_volume *v, fs_visit_fn visit, void *ctx);

/* Looks up a root directory file by name, ASCII case-insensitively. */
int fs_find(struct fs_volume *v, const char *name, struct fs_dirent *out);

/* Maps the first `sectors` sectors of a file's clusters into at most max
 * extents (whole clusters), checking the chain against the FAT and the card:
 * FS_ERR_CHAIN_*, FS_ERR_FRAGMENTED, FS_ERR_BEYOND_CARD.  The chain must end
 * exactly after the clusters the file's size needs. */
int fs_map_file(struct fs_volume *v, const struct fs_dirent *f, struct fs_extent *ext,
                unsigned max, unsigned *count);

/* FS_ERR_METADATA when an extent covers a cluster of the root directory or
 * (exFAT) of the allocation bitmap or up-case table; FS_OK when none does. */
int fs_check_metadata(struct fs_volume *v, const struct fs_extent *ext, unsigned count);

/* Hands the file's bytes (at most limit) to sink, one sector at a time. */
typedef int (*fs_sink_fn)(void *ctx, const uint8_t *data, unsigned len);
int fs_read_file(struct fs_volume *v, const struct fs_dirent *f, uint32_t limit,
                 fs_sink_fn sink, void *ctx);

/* ASCII case-insensitive comparison; 1 when equal. */
int fs_name_equal(const char *a, const char *b);

#endif
