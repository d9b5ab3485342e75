/* FAT32 / exFAT volume, root directory and cluster chains (see fs.h).
 * "FAT <name>" below is a section of the FAT spec 1.03 (its sections are not
 * numbered), "exFAT <n>" a section of the exFAT specification; docs/fs.md
 * lists the facts used. */
#include "fs.h"

#include <string.h>

#include "fs_log.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

const char *fs_err_text(int err)
{
    switch (err) {
    case FS_OK: return "ok";
    case FS_ERR_IO: return "card read error";
    case FS_ERR_NO_FILESYSTEM: return "no filesystem";
    case FS_ERR_SIGNATURE: return "bad boot sector signature";
    case FS_ERR_SECTOR_SIZE: return "bytes per sector is not 512";
    case FS_ERR_CLUSTER_SIZE: return "bad sectors per cluster";
    case FS_ERR_RESERVED: return "bad reserved sector count";
    case FS_ERR_FAT_COUNT: return "bad number of FATs";
    case FS_ERR_ROOT_ENTRIES: return "FAT32 with a fixed root directory";
    case FS_ERR_TOTAL_SECTORS: return "bad total sector count";
    case FS_ERR_FAT_SIZE: return "bad FAT size";
    case FS_ERR_CLUSTER_COUNT: return "cluster count out of range for the type";
    case FS_ERR_ROOT_CLUSTER: return "root directory cluster outside the data area";
    case FS_ERR_VERSION: return "unknown file system version";
    case FS_ERR_LAYOUT: return "exFAT regions overlap or leave the volume";
    case FS_ERR_CHECKSUM: return "exFAT boot checksum wrong";
    case FS_ERR_NOT_FAT32: return "FAT12/FAT16 volume (not supported)";
    case FS_ERR_CHAIN_SHORT: return "cluster chain ends before the file (corrupt FAT)";
    case FS_ERR_CHAIN_LONG: return "cluster chain longer than the file (corrupt FAT)";
    case FS_ERR_CHAIN_BAD: return "cluster chain points outside the data area (corrupt FAT)";
    case FS_ERR_CHAIN_LOOP: return "cluster chain loops (corrupt FAT)";
    case FS_ERR_FRAGMENTED: return "too fragmented";
    case FS_ERR_BEYOND_CARD: return "clusters past the end of the card";
    case FS_ERR_CROSS_LINKED: return "shares clusters with another image or softhba.log (corrupt FAT)";
    case FS_ERR_EMPTY: return "smaller than one block";
    case FS_ERR_TOO_LARGE: return "too large for 32-bit block addresses";
    case FS_ERR_VALID_LENGTH: return "valid data length below the file size";
    case FS_ERR_NOT_FOUND: return "not found";
    case FS_ERR_RANGE: return "block range outside the image";
    case FS_ERR_PARAM: return "bad call";
    case FS_ERR_METADATA: return "shares clusters with the file system's own structures (corrupt FAT)";
    default: return "unknown error";
    }
}

int fs_name_equal(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = (*a >= 'a' && *a <= 'z') ? (char)(*a - 32) : *a;
        char cb = (*b >= 'a' && *b <= 'z') ? (char)(*b - 32) : *b;
        if (ca != cb)
            return 0;
        if (!ca)
            return 1;
    }
}

static int read_sector(struct fs_volume *v, uint32_t lba)
{
    if (v->buf_lba == lba)
        return FS_OK;
    v->buf_lba = FS_NO_SECTOR;
    if (lba >= v->dev->blocks || v->dev->read(v->dev->ctx, lba, v->buf) != 0)
        return FS_ERR_IO;
    v->buf_lba = lba;
    return FS_OK;
}

/* Log helpers are out of line: their line buffers are then on the stack
 * only while a line is made, not in every caller's frame (the card's stack). */
__attribute__((noinline)) static void log_text(struct fs_volume *v, const char *text)
{
    struct fs_line l;
    fs_line_start(&l, text);
    fs_line_emit(&v->log, &l);
}

__attribute__((noinline)) static void log_error(struct fs_volume *v, const char *what, int err)
{
    struct fs_line l;
    fs_line_start(&l, "fs: ");
    fs_line_add(&l, what);
    fs_line_add(&l, ": ");
    fs_line_add(&l, fs_err_text(err));
    fs_line_emit(&v->log, &l);
}

/* ---- boot sectors ---- */

enum boot_kind { BOOT_NONE, BOOT_FAT, BOOT_EXFAT };

/* What sector 0 of a volume looks like.  A FAT boot sector is told from an
 * MBR by its jump instruction (FAT Boot Sector and BPB: EB xx 90 or E9 xx xx) together with a
 * plausible sector size or the "FAT32   " type string. */
static enum boot_kind boot_kind(const uint8_t *b)
{
    if (memcmp(b + 3, "EXFAT   ", 8) == 0)
        return BOOT_EXFAT;
    if ((b[0] == 0xEB && b[2] == 0x90) || b[0] == 0xE9) {
        uint16_t bps = rd16(b + 11);
        if (bps == 512 || bps == 1024 || bps == 2048 || bps == 4096 ||
            memcmp(b + 82, "FAT32   ", 8) == 0)
            return BOOT_FAT;
    }
    return BOOT_NONE;
}

static unsigned log2_pow2(uint32_t n)
{
    unsigned s = 0;
    while (n > 1u) {
        n >>= 1;
        s++;
    }
    return s;
}

/* FAT Boot Sector and BPB, FAT Type Determination: the FAT32 BPB, field by field. */
static int mount_fat32(struct fs_volume *v, uint32_t lba, uint32_t size)
{
    const uint8_t *b = v->buf;
    if (rd16(b + 510) != 0xAA55u)
        return FS_ERR_SIGNATURE;
    if (rd16(b + 11) != FS_SECTOR_BYTES)
        return FS_ERR_SECTOR_SIZE;
    uint8_t spc = b[13];
    if (spc == 0 || (spc & (spc - 1u)) != 0)
        return FS_ERR_CLUSTER_SIZE;
    uint16_t reserved = rd16(b + 14);
    if (reserved == 0)
        return FS_ERR_RESERVED;
    uint8_t fats = b[16];
    if (fats == 0 || fats > 2)
        return FS_ERR_FAT_COUNT;
    if (rd16(b + 22) != 0)
        return FS_ERR_NOT_FAT32;        /* BPB_FATSz16 set: a FAT12/16 volume */
    if (rd16(b + 17) != 0)
        return FS_ERR_ROOT_ENTRIES;
    uint32_t fat_size = rd32(b + 36);
    if (fat_size == 0)
        return FS_ERR_FAT_SIZE;
    if (rd16(b + 19) != 0)
        return FS_ERR_TOTAL_SECTORS;    /* FAT32 keeps the count in BPB_TotSec32 only */
    uint32_t total = rd32(b + 32);
    uint64_t meta = (uint64_t)reserved + (uint64_t)fats * fat_size;
    if (total == 0 || meta >= total || total > size)
        return FS_ERR_TOTAL_SECTORS;
    unsigned shift = log2_pow2(spc);
    uint32_t clusters = (total - (uint32_t)meta) >> shift;
    /* FAT Type Determination: the cluster count alone sets the type; FAT32 starts at 65525.
     * 0x0FFFFFF5 clusters is the most 28-bit entries can number. */
    if (clusters < 65525u || clusters > 0x0FFFFFF5u)
        return FS_ERR_CLUSTER_COUNT;
    if ((uint64_t)fat_size * (FS_SECTOR_BYTES / 4u) < (uint64_t)clusters + 2u)
        return FS_ERR_FAT_SIZE;
    if (rd16(b + 42) != 0)
        return FS_ERR_VERSION;
    uint32_t root = rd32(b + 44);
    if (root < 2u || root > clusters + 1u)
        return FS_ERR_ROOT_CLUSTER;
    /* BPB_ExtFlags bit 7: mirroring off, bits 0-3 name the one active FAT. */
    uint16_t ext_flags = rd16(b + 40);
    unsigned active = (ext_flags & 0x80u) ? (ext_flags & 0x0Fu) : 0u;
    if (active >= fats)
        return FS_ERR_FAT_COUNT;

    v->type = FS_TYPE_FAT32;
    v->cluster_shift = (uint8_t)shift;
    v->part_lba = lba;
    v->part_sectors = total;
    v->fat_lba = lba + reserved + active * fat_size;
    v->fat_sectors = fat_size;
    v->data_lba = lba + (uint32_t)meta;
    v->cluster_count = clusters;
    v->root_cluster = root;
    return FS_OK;
}

/* exFAT 3.1: the main boot sector; exFAT 3.4: the boot checksum over sectors
 * 0-10 (VolumeFlags and PercentInUse left out), repeated in sector 11. */
static int mount_exfat(struct fs_volume *v, uint32_t lba, uint32_t size)
{
    const uint8_t *b = v->buf;
    if (rd16(b + 510) != 0xAA55u || b[0] != 0xEB || b[1] != 0x76 || b[2] != 0x90)
        return FS_ERR_SIGNATURE;
    for (unsigned i = 11; i < 64; i++)
        if (b[i] != 0)
            return FS_ERR_SIGNATURE;    /* MustBeZero: where a FAT BPB would be */
    if (b[108] != 9)
        return FS_ERR_SECTOR_SIZE;
    unsigned shift = b[109];
    if (shift > 25u - 9u)
        return FS_ERR_CLUSTER_SIZE;
    uint8_t fats = b[110];
    if (fats != 1 && fats != 2)
        return FS_ERR_FAT_COUNT;
    if (b[105] != 1)
        return FS_ERR_VERSION;          /* FileSystemRevision major 1 */
    uint32_t vol_hi = rd32(b + 76);
    uint32_t vol_len = rd32(b + 72);
    if (vol_hi != 0 || vol_len < (1u << 20) / FS_SECTOR_BYTES || vol_len > size)
        return FS_ERR_TOTAL_SECTORS;
    uint32_t fat_off = rd32(b + 80);
    uint32_t fat_len = rd32(b + 84);
    uint32_t heap_off = rd32(b + 88);
    uint32_t clusters = rd32(b + 92);
    uint32_t root = rd32(b + 96);
    if (fat_off < 24u)
        return FS_ERR_RESERVED;
    if (clusters == 0 || clusters > 0xFFFFFFF5u)
        return FS_ERR_CLUSTER_COUNT;
    if ((uint64_t)fat_len * (FS_SECTOR_BYTES / 4u) < (uint64_t)clusters + 2u)
        return FS_ERR_FAT_SIZE;
    if ((uint64_t)fat_off + (uint64_t)fat_len * fats > heap_off || heap_off >= vol_len)
        return FS_ERR_LAYOUT;
    if (clusters > ((vol_len - heap_off) >> shift))
        return FS_ERR_CLUSTER_COUNT;
    if (root < 2u || root > clusters + 1u)
        return FS_ERR_ROOT_CLUSTER;
    unsigned active = (rd16(b + 106) & 1u);
    if (active >= fats)
        return FS_ERR_FAT_COUNT;

    uint32_t sum = 0;
    for (uint32_t s = 0; s < 11u; s++) {
        int err = read_sector(v, lba + s);
        if (err)
            return err;
        for (unsigned i = 0; i < FS_SECTOR_BYTES; i++) {
            if (s == 0 && (i == 106 || i == 107 || i == 112))
                continue;
            sum = ((sum & 1u) ? 0x80000000u : 0u) + (sum >> 1) + v->buf[i];
        }
    }
    int err = read_sector(v, lba + 11u);
    if (err)
        return err;
    for (unsigned i = 0; i < FS_SECTOR_BYTES; i += 4)
        if (rd32(v->buf + i) != sum)
            return FS_ERR_CHECKSUM;

    v->type = FS_TYPE_EXFAT;
    v->cluster_shift = (uint8_t)shift;
    v->part_lba = lba;
    v->part_sectors = vol_len;
    v->fat_lba = lba + fat_off + active * fat_len;
    v->fat_sectors = fat_len;
    v->data_lba = lba + heap_off;
    v->cluster_count = clusters;
    v->root_cluster = root;
    return FS_OK;
}

static int mount_at(struct fs_volume *v, uint32_t lba, uint32_t size, enum boot_kind kind)
{
    if ((uint64_t)lba + size > 0x100000000ull)
        size = (uint32_t)(0x100000000ull - lba);
    int err = kind == BOOT_EXFAT ? mount_exfat(v, lba, size) : mount_fat32(v, lba, size);
    struct fs_line l;
    if (err) {
        fs_line_start(&l, kind == BOOT_EXFAT ? "fs: exFAT" : "fs: FAT");
        fs_line_add(&l, " volume at LBA ");
        fs_line_u32(&l, lba);
        fs_line_add(&l, " refused: ");
        fs_line_add(&l, fs_err_text(err));
        fs_line_emit(&v->log, &l);
        return err;
    }
    fs_line_start(&l, v->type == FS_TYPE_EXFAT ? "fs: exFAT" : "fs: FAT32");
    fs_line_add(&l, " volume at LBA ");
    fs_line_u32(&l, lba);
    fs_line_add(&l, ", ");
    fs_line_u32(&l, v->cluster_count);
    fs_line_add(&l, " clusters of ");
    fs_line_u32(&l, FS_SECTOR_BYTES << v->cluster_shift);
    fs_line_add(&l, " bytes");
    fs_line_emit(&v->log, &l);
    if ((uint64_t)v->part_lba + v->part_sectors > v->dev->blocks) {
        fs_line_start(&l, "fs: the volume is larger than the card (");
        fs_line_u32(&l, v->dev->blocks);
        fs_line_add(&l, " blocks): files past its end are refused");
        fs_line_emit(&v->log, &l);
    }
    return FS_OK;
}

int fs_mount(struct fs_volume *v)
{
    if (!v || !v->dev || !v->dev->read || !v->buf || ((uintptr_t)v->buf & 3u))
        return FS_ERR_PARAM;
    v->type = FS_TYPE_NONE;
    v->buf_lba = FS_NO_SECTOR;
    v->bitmap_cluster = v->bitmap_bytes = v->upcase_cluster = v->upcase_bytes = 0;
    int err = read_sector(v, 0);
    if (err) {
        log_error(v, "reading LBA 0", err);
        return err;
    }
    enum boot_kind kind = boot_kind(v->buf);
    if (kind != BOOT_NONE)
        return mount_at(v, 0, 0xFFFFFFFFu, kind);   /* no partition: the card's size only warns */

    /* MBR: four 16-byte entries at 446, signature at 510. */
    uint8_t type[4];
    uint32_t start[4], count[4];
    if (rd16(v->buf + 510) == 0xAA55u) {
        for (unsigned i = 0; i < 4; i++) {
            const uint8_t *e = v->buf + 446 + 16 * i;
            type[i] = e[4];
            start[i] = rd32(e + 8);
            count[i] = rd32(e + 12);
        }
        for (unsigned i = 0; i < 4; i++) {
            struct fs_line l;
            if (type[i] == 0xEE) {
                fs_line_start(&l, "fs: GPT partition table (not supported)");
                fs_line_emit(&v->log, &l);
                break;
            }
            /* empty, or an extended partition (0x05, 0x0F, 0x85): not looked into */
            if (type[i] == 0 || type[i] == 0x05 || type[i] == 0x0F || type[i] == 0x85 ||
                start[i] == 0 || count[i] == 0)
                continue;
            err = read_sector(v, start[i]);
            if (err) {
                log_error(v, "reading a partition's boot sector", err);
                return err;
            }
            kind = boot_kind(v->buf);
            if (kind == BOOT_NONE) {
                fs_line_start(&l, "fs: partition ");
                fs_line_u32(&l, i + 1u);
                fs_line_add(&l, " (type ");
                fs_line_hex8(&l, type[i]);
                fs_line_add(&l, "): not FAT32 or exFAT");
                fs_line_emit(&v->log, &l);
                continue;
            }
            err = mount_at(v, start[i], count[i], kind);
            if (err != FS_ERR_NOT_FAT32)
                return err;
        }
    }
    struct fs_line l;
    fs_line_start(&l, "fs: no filesystem: the card is one raw disk");
    fs_line_emit(&v->log, &l);
    return FS_ERR_NO_FILESYSTEM;
}

/* ---- clusters and the FAT ---- */

static int cluster_valid(const struct fs_volume *v, uint32_t c)
{
    return c >= 2u && c <= v->cluster_count + 1u;
}

static uint32_t cluster_lba(const struct fs_volume *v, uint32_t c)
{
    return v->data_lba + ((c - 2u) << v->cluster_shift);
}

/* FAT Data Structure: FAT32 entries are 28 bits, >= 0x0FFFFFF8 ends a chain.
 * exFAT 4.1: 32-bit entries, 0xFFFFFFFF ends a chain. */
static int fat_next(struct fs_volume *v, uint32_t c, uint32_t *next)
{
    int err = read_sector(v, v->fat_lba + (c >> 7));
    if (err)
        return err;
    uint32_t val = rd32(v->buf + (c & 127u) * 4u);
    if (v->type == FS_TYPE_FAT32) {
        val &= 0x0FFFFFFFu;
        if (val >= 0x0FFFFFF8u)
            val = 0xFFFFFFFFu;
    }
    *next = val;
    return FS_OK;
}

#define FS_CHAIN_END 0xFFFFFFFFu

/* The usual case of a chain, a file copied onto the card: cluster c follows
 * the one before it (merged into *e already) and its entry is in the FAT
 * sector in buf.  Takes c and the clusters after it for as long as that
 * holds and the file needs them (index *i < last), adding them to *e; returns
 * the next cluster as fat_next() gives it.  No shift in the loop (4 + k
 * cycles each on the card's CPU) and nothing but locals: about 30 cycles a
 * cluster instead of about 500 through fat_next().  FAT and exFAT are
 * little-endian like the card's CPU and the test hosts; fs.h asks for an
 * aligned buffer. */
static uint32_t fat_run(const struct fs_volume *v, uint32_t c, uint32_t last, uint32_t *i,
                        struct fs_extent *e)
{
    const uint32_t *fat = (const uint32_t *)(const void *)v->buf;
    uint32_t top = v->cluster_count + 1u, per_cluster = 1u << v->cluster_shift;
    uint32_t mask = v->type == FS_TYPE_FAT32 ? 0x0FFFFFFFu : 0xFFFFFFFFu;
    uint32_t n = *i, added = 0, prev = c - 1u;
    while (n < last && c == prev + 1u && (c & 127u) != 0u && c <= top) {
        added += per_cluster;
        n++;
        prev = c;
        c = fat[c & 127u] & mask;
    }
    e->sectors += added;
    *i = n;
    if (mask != 0xFFFFFFFFu && c >= 0x0FFFFFF8u)
        c = 0xFFFFFFFFu;   /* FAT32's end marks */
    return c;
}

/* ---- root directory ---- */

struct walk {
    struct fs_volume *v;
    struct fs_dirent ent;
    unsigned name_len;          /* characters in the whole name */
    /* FAT Long Directory Entries */
    uint8_t lfn_next;           /* order number expected next; 0 = complete */
    uint8_t lfn_sum;
    uint8_t lfn_active;
    /* exFAT entry sets (exFAT 6.3, 7.4-7.7) */
    uint8_t set_left;           /* secondary entries still to come */
    uint8_t set_index;
    uint8_t set_ok;
    uint16_t set_sum;
    uint16_t set_want;
    unsigned name_pos;
};

static void put_char(struct walk *w, unsigned pos, uint16_t ch)
{
    if (pos < FS_NAME_MAX)
        w->ent.name[pos] = (ch >= 0x20u && ch < 0x7Fu) ? (char)ch : '?';
}

static void name_done(struct walk *w)
{
    w->ent.name_too_long = w->name_len > FS_NAME_MAX;
    w->ent.name[w->name_len < FS_NAME_MAX ? w->name_len : FS_NAME_MAX] = 0;
}

enum { ENTRY_SKIP, ENTRY_FILE, ENTRY_END, ENTRY_BROKEN };

static const uint8_t lfn_offsets[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

static int fat_entry(struct walk *w, const uint8_t *p)
{
    if (p[0] == 0x00)
        return ENTRY_END;
    if (p[0] == 0xE5) {
        w->lfn_active = 0;
        return ENTRY_SKIP;
    }
    uint8_t attr = p[11];
    if ((attr & 0x3Fu) == 0x0Fu) {
        uint8_t ord = p[0] & 0x1Fu;
        if (p[0] & 0x40u) {
            /* the last part of the name comes first */
            w->lfn_active = ord >= 1u && ord <= 20u;
            w->lfn_sum = p[13];
            w->name_len = (unsigned)(ord - 1u) * 13u;
            for (unsigned i = 0; i < 13; i++) {
                if (rd16(p + lfn_offsets[i]) == 0)
                    break;
                w->name_len++;
            }
        } else if (!w->lfn_active || ord != w->lfn_next || p[13] != w->lfn_sum) {
            w->lfn_active = 0;
        }
        if (w->lfn_active) {
            for (unsigned i = 0; i < 13; i++) {
                unsigned pos = (unsigned)(ord - 1u) * 13u + i;
                if (pos < w->name_len)
                    put_char(w, pos, rd16(p + lfn_offsets[i]));
            }
            w->lfn_next = (uint8_t)(ord - 1u);
        }
        return ENTRY_SKIP;
    }
    if (attr & 0x08u) {                 /* volume label */
        w->lfn_active = 0;
        return ENTRY_SKIP;
    }
    uint8_t sum = 0;
    for (unsigned i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1u) << 7) + (sum >> 1) + p[i]);
    if (!(w->lfn_active && w->lfn_next == 0 && sum == w->lfn_sum)) {
        /* FAT Directory Structure: the 8.3 name; NTRes bits 3/4 (a Windows NT
         * convention) ask for a lower-case base/extension */
        unsigned n = 0;
        for (unsigned i = 0; i < 8 && p[i] != ' '; i++) {
            uint8_t c = (i == 0 && p[0] == 0x05) ? 0xE5 : p[i];
            if ((p[12] & 0x08u) && c >= 'A' && c <= 'Z')
                c = (uint8_t)(c + 32);
            put_char(w, n++, c);
        }
        if (p[8] != ' ') {
            put_char(w, n++, '.');
            for (unsigned i = 8; i < 11 && p[i] != ' '; i++) {
                uint8_t c = p[i];
                if ((p[12] & 0x10u) && c >= 'A' && c <= 'Z')
                    c = (uint8_t)(c + 32);
                put_char(w, n++, c);
            }
        }
        w->name_len = n;
    }
    w->lfn_active = 0;
    name_done(w);
    w->ent.is_dir = (attr & 0x10u) != 0;
    w->ent.contiguous = 0;
    w->ent.valid_short = 0;
    w->ent.first_cluster = ((uint32_t)rd16(p + 20) << 16) | rd16(p + 26);
    w->ent.size_lo = rd32(p + 28);
    w->ent.size_hi = 0;
    return ENTRY_FILE;
}

static uint16_t set_checksum(uint16_t sum, const uint8_t *p, int first)
{
    for (unsigned i = 0; i < 32; i++) {
        if (first && (i == 2 || i == 3))
            continue;
        sum = (uint16_t)(((sum & 1u) ? 0x8000u : 0u) + (sum >> 1) + p[i]);
    }
    return sum;
}

static int exfat_entry(struct walk *w, const uint8_t *p)
{
    uint8_t type = p[0];
    if (type == 0x00)
        return ENTRY_END;
    if (type == 0x85) {                 /* File: opens a set */
        w->set_left = p[1];
        w->set_ok = p[1] >= 2u && p[1] <= 18u;
        w->set_want = rd16(p + 2);
        w->set_sum = set_checksum(0, p, 1);
        w->set_index = 0;
        w->name_pos = 0;
        w->ent.is_dir = (rd16(p + 4) & 0x10u) != 0;
        return ENTRY_SKIP;
    }
    if (type == 0x81 || type == 0x82) { /* Allocation Bitmap, Up-case Table */
        uint32_t first = rd32(p + 20), bytes = rd32(p + 24);
        if (type == 0x81 && w->v->bitmap_cluster == 0) {
            w->v->bitmap_cluster = first;
            w->v->bitmap_bytes = bytes;
        } else if (type == 0x82) {
            w->v->upcase_cluster = first;
            w->v->upcase_bytes = bytes;
        }
    }
    if (w->set_left == 0)
        return ENTRY_SKIP;              /* other primaries and stray secondaries */
    if (!(type & 0x80u) || !(type & 0x40u)) {
        w->set_left = 0;                /* a set cut short by a deleted or primary entry */
        return ENTRY_SKIP;
    }
    w->set_sum = set_checksum(w->set_sum, p, 0);
    w->set_index++;
    if (w->set_index == 1) {
        if (type != 0xC0) {
            w->set_ok = 0;
        } else {                        /* Stream Extension */
            w->ent.contiguous = (p[1] & 0x02u) != 0;
            w->name_len = p[3];
            uint32_t valid_lo = rd32(p + 8), valid_hi = rd32(p + 12);
            w->ent.first_cluster = rd32(p + 20);
            w->ent.size_lo = rd32(p + 24);
            w->ent.size_hi = rd32(p + 28);
            w->ent.valid_short = valid_hi < w->ent.size_hi ||
                                 (valid_hi == w->ent.size_hi && valid_lo < w->ent.size_lo);
            if (w->name_len == 0)
                w->set_ok = 0;
        }
    } else if (type == 0xC1) {          /* File Name: 15 characters each */
        for (unsigned i = 0; i < 15; i++, w->name_pos++)
            if (w->name_pos < w->name_len)
                put_char(w, w->name_pos, rd16(p + 2 + 2 * i));
    }
    if (--w->set_left != 0)
        return ENTRY_SKIP;
    if (!w->set_ok || w->set_sum != w->set_want || w->name_pos < w->name_len)
        return ENTRY_BROKEN;            /* not a file: logged */
    name_done(w);
    return ENTRY_FILE;
}

/* Out of line, so that its line buffer is not in fs_dir_walk's frame while
 * the visitor runs (the card's stack: docs/fs.md, "RAM"). */
__attribute__((noinline)) static void log_broken_set(struct walk *w)
{
    struct fs_line l;
    fs_line_start(&l, "fs: exFAT entry set with a bad checksum or layout skipped: ");
    if (w->name_pos < w->name_len)
        w->name_len = w->name_pos;    /* only what this set wrote */
    name_done(w);
    fs_line_add(&l, w->ent.name);
    fs_line_emit(&w->v->log, &l);
}

int fs_dir_walk(struct fs_volume *v, fs_visit_fn visit, void *ctx)
{
    if (!v || v->type == FS_TYPE_NONE || !visit)
        return FS_ERR_PARAM;
    v->buf_lba = FS_NO_SECTOR;
    struct walk w;
    memset(&w, 0, sizeof(w));
    w.v = v;
    uint32_t cluster = v->root_cluster;
    uint32_t entries = 0;
    for (;;) {
        if (!cluster_valid(v, cluster)) {
            log_error(v, "root directory", FS_ERR_CHAIN_BAD);
            return FS_ERR_CHAIN_BAD;
        }
        for (uint32_t s = 0; s < (1u << v->cluster_shift); s++) {
            int err = read_sector(v, cluster_lba(v, cluster) + s);
            if (err) {
                log_error(v, "root directory", err);
                return err;
            }
            for (unsigned e = 0; e < FS_SECTOR_BYTES; e += 32) {
                int r = v->type == FS_TYPE_FAT32 ? fat_entry(&w, v->buf + e)
                                                 : exfat_entry(&w, v->buf + e);
                if (r == ENTRY_END)
                    return FS_OK;
                if (r == ENTRY_BROKEN)
                    log_broken_set(&w);
                if (r == ENTRY_FILE) {
                    int stop = visit(ctx, &w.ent);
                    if (stop)
                        return stop;
                }
                if (++entries >= FS_DIR_MAX_ENTRIES) {
                    log_text(v, "fs: root directory longer than 65536 entries: the rest is not read");
                    return FS_OK;
                }
            }
        }
        int err = fat_next(v, cluster, &cluster);
        if (err) {
            log_error(v, "root directory", err);
            return err;
        }
        if (cluster == FS_CHAIN_END)
            return FS_OK;
    }
}

struct find_ctx {
    const char *name;
    struct fs_dirent *out;
};

static int find_visit(void *ctx, const struct fs_dirent *e)
{
    struct find_ctx *f = ctx;
    if (e->is_dir || e->name_too_long || !fs_name_equal(e->name, f->name))
        return 0;
    *f->out = *e;
    return 1;
}

int fs_find(struct fs_volume *v, const char *name, struct fs_dirent *out)
{
    struct find_ctx f = {name, out};
    int r = fs_dir_walk(v, find_visit, &f);
    if (r == 1)
        return FS_OK;
    return r ? r : FS_ERR_NOT_FOUND;
}

/* ---- files ---- */

/* Sectors the file's size covers, or FS_ERR_TOO_LARGE past 32 bits. */
static int file_sectors(const struct fs_dirent *f, uint32_t *sectors)
{
    if (f->size_hi >= (1u << 9))
        return FS_ERR_TOO_LARGE;
    uint64_t n = (((uint64_t)f->size_hi << 32 | f->size_lo) + FS_SECTOR_BYTES - 1u) / FS_SECTOR_BYTES;
    if (n > 0xFFFFFFFFu)
        return FS_ERR_TOO_LARGE;
    *sectors = (uint32_t)n;
    return FS_OK;
}

static int extents_overlap(const struct fs_extent *ext, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        for (unsigned j = i + 1u; j < count; j++)
            if (ext[i].lba < ext[j].lba + ext[j].sectors && ext[j].lba < ext[i].lba + ext[i].sectors)
                return 1;
    return 0;
}

int fs_map_file(struct fs_volume *v, const struct fs_dirent *f, struct fs_extent *ext,
                unsigned max, unsigned *count)
{
    if (!v || v->type == FS_TYPE_NONE || !f || !ext || !count || max == 0)
        return FS_ERR_PARAM;
    v->buf_lba = FS_NO_SECTOR;
    *count = 0;
    uint32_t sectors;
    int err = file_sectors(f, &sectors);
    if (err)
        return err;
    if (sectors == 0)
        return FS_ERR_EMPTY;
    uint32_t per_cluster = 1u << v->cluster_shift;
    uint32_t clusters = (uint32_t)(((uint64_t)sectors + per_cluster - 1u) >> v->cluster_shift);
    uint32_t c = f->first_cluster;
    if (f->contiguous) {
        /* exFAT NoFatChain (exFAT 7.6.2): the FAT is not consulted */
        if (!cluster_valid(v, c) || clusters - 1u > v->cluster_count + 1u - c)
            return FS_ERR_CHAIN_BAD;
        ext[0].lba = cluster_lba(v, c);
        ext[0].sectors = clusters << v->cluster_shift;
        *count = 1;
    } else {
        unsigned n = 0;
        for (uint32_t i = 0;; i++) {
            if (!cluster_valid(v, c))
                return FS_ERR_CHAIN_BAD;
            uint32_t lba = cluster_lba(v, c);
            if (n > 0 && ext[n - 1u].lba + ext[n - 1u].sectors == lba) {
                ext[n - 1u].sectors += per_cluster;
            } else {
                if (extents_overlap(ext, n))
                    return FS_ERR_CHAIN_LOOP;
                if (n == max)
                    return FS_ERR_FRAGMENTED;
                ext[n].lba = lba;
                ext[n].sectors = per_cluster;
                n++;
            }
            uint32_t prev = c;
            err = fat_next(v, c, &c);
            if (err)
                return err;
            /* The usual case, a file copied onto the card: the next cluster
             * is the one after, and its own entry is in the same FAT sector
             * (in buf now).  Taken here with no shift (4 + k cycles each on
             * the card's CPU): about 50 cycles a cluster instead of 500. */
            if (c == prev + 1u && (c & 127u) != 0u)
                c = fat_run(v, c, clusters - 1u, &i, &ext[n - 1u]);
            if (i + 1u == clusters) {
                if (extents_overlap(ext, n))
                    return FS_ERR_CHAIN_LOOP;
                if (c != FS_CHAIN_END)
                    return FS_ERR_CHAIN_LONG;
                break;
            }
            if (c == FS_CHAIN_END)
                return FS_ERR_CHAIN_SHORT;
        }
        *count = n;
    }
    for (unsigned i = 0; i < *count; i++) {
        if ((uint64_t)ext[i].lba + ext[i].sectors > v->dev->blocks) {
            *count = 0;
            return FS_ERR_BEYOND_CARD;
        }
    }
    return FS_OK;
}

static int extents_hold(const struct fs_extent *ext, unsigned count, uint32_t lba, uint32_t sectors)
{
    for (unsigned i = 0; i < count; i++)
        if (lba < ext[i].lba + ext[i].sectors && ext[i].lba < lba + sectors)
            return 1;
    return 0;
}

/* Whether a FAT chain of at most max clusters touches the extents (a chain
 * that breaks off simply ends the check: it was read as far as it goes). */
static int chain_touches(struct fs_volume *v, uint32_t c, uint32_t max, const struct fs_extent *ext,
                         unsigned count, int *err)
{
    for (uint32_t i = 0; i < max && cluster_valid(v, c); i++) {
        if (extents_hold(ext, count, cluster_lba(v, c), 1u << v->cluster_shift))
            return 1;
        *err = fat_next(v, c, &c);
        if (*err)
            return 0;
    }
    return 0;
}

int fs_check_metadata(struct fs_volume *v, const struct fs_extent *ext, unsigned count)
{
    if (!v || v->type == FS_TYPE_NONE || (!ext && count))
        return FS_ERR_PARAM;
    v->buf_lba = FS_NO_SECTOR;
    uint32_t cluster_bytes = FS_SECTOR_BYTES << v->cluster_shift;
    uint32_t root_max = (FS_DIR_MAX_ENTRIES * 32u + cluster_bytes - 1u) / cluster_bytes;
    int err = FS_OK;
    if (chain_touches(v, v->root_cluster, root_max, ext, count, &err))
        return FS_ERR_METADATA;
    if (!err && v->type == FS_TYPE_EXFAT) {
        if (chain_touches(v, v->bitmap_cluster, v->bitmap_bytes / cluster_bytes + 1u, ext, count, &err) ||
            (!err && chain_touches(v, v->upcase_cluster, v->upcase_bytes / cluster_bytes + 1u, ext, count, &err)))
            return FS_ERR_METADATA;
    }
    return err;
}

int fs_read_file(struct fs_volume *v, const struct fs_dirent *f, uint32_t limit,
                 fs_sink_fn sink, void *ctx)
{
    if (!v || v->type == FS_TYPE_NONE || !f || !sink)
        return FS_ERR_PARAM;
    v->buf_lba = FS_NO_SECTOR;
    uint32_t left = limit;
    if (f->size_hi == 0 && f->size_lo < left)
        left = f->size_lo;
    uint32_t c = f->first_cluster;
    while (left > 0) {
        if (!cluster_valid(v, c))
            return FS_ERR_CHAIN_BAD;
        for (uint32_t s = 0; s < (1u << v->cluster_shift) && left > 0; s++) {
            int err = read_sector(v, cluster_lba(v, c) + s);
            if (err)
                return err;
            unsigned n = left < FS_SECTOR_BYTES ? (unsigned)left : FS_SECTOR_BYTES;
            err = sink(ctx, v->buf, n);
            if (err)
                return err;
            left -= n;
        }
        if (left == 0)
            break;
        if (f->contiguous) {
            c++;
        } else {
            int err = fat_next(v, c, &c);
            if (err)
                return err;
            if (c == FS_CHAIN_END)
                return FS_ERR_CHAIN_SHORT;
        }
    }
    return FS_OK;
}
