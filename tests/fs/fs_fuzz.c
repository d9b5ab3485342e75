/* fs_fuzz: fixed-seed random corruption of a card image's metadata, run
 * under ASan + UBSan.  Each round patches a few bytes (random values or
 * cluster numbers that matter) in the sectors the layer reads: the MBR/boot
 * sectors, the FAT sectors of each image's chain, the root directory and
 * softhba.ini; then mounts, parses softhba.ini, scans the images and maps
 * every block of every target.  Besides memory errors it checks what the
 * layer promises whatever the card holds: every run it maps lies in the data
 * area and on the card, targets never share a sector, and a target's runs
 * add up to its blocks.
 *
 *   fs_fuzz CARD ROUNDS SEED      prints a summary; exit 1 on a broken promise */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "images.h"
#include "ini.h"

#define MAX_PATCHES 8
#define MAX_HOT 256

struct patch {
    uint32_t offset;
    uint8_t value;
};

struct card {
    const uint8_t *image;
    uint32_t blocks;
    struct patch patches[MAX_PATCHES];
    unsigned npatches;
};

static int card_read(void *ctx, uint32_t lba, uint8_t *buf)
{
    const struct card *c = ctx;
    if (lba >= c->blocks)
        return -1;
    memcpy(buf, c->image + (size_t)lba * FS_SECTOR_BYTES, FS_SECTOR_BYTES);
    for (unsigned i = 0; i < c->npatches; i++)
        if (c->patches[i].offset / FS_SECTOR_BYTES == lba)
            buf[c->patches[i].offset % FS_SECTOR_BYTES] = c->patches[i].value;
    return 0;
}

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void quiet(void *ctx, const char *line)
{
    (void)line;
    (*(unsigned *)ctx)++;
}

static uint32_t hot[MAX_HOT];
static uint32_t clean_root_lba, clean_root_cluster;
static unsigned nhot;

static void add_hot(uint32_t lba)
{
    for (unsigned i = 0; i < nhot; i++)
        if (hot[i] == lba)
            return;
    if (nhot < MAX_HOT)
        hot[nhot++] = lba;
}

static void add_cluster_fat(const struct fs_volume *v, uint32_t lba)
{
    if (lba < v->data_lba)
        return;
    uint32_t cluster = ((lba - v->data_lba) >> v->cluster_shift) + 2u;
    add_hot(v->fat_lba + cluster / 128u);
}

/* The sectors worth corrupting, found on the clean card. */
static int find_hot(struct card *c, struct fs_volume *v, uint8_t *sector)
{
    unsigned lines = 0;
    memset(v, 0, sizeof(*v));
    static struct fs_blockdev dev;
    dev.read = card_read;
    dev.ctx = c;
    dev.blocks = c->blocks;
    v->dev = &dev;
    v->buf = sector;
    v->log.fn = quiet;
    v->log.ctx = &lines;
    if (fs_mount(v) != FS_OK) {
        fprintf(stderr, "fs_fuzz: the clean card does not mount\n");
        return -1;
    }
    /* the boot sector, not the rest of the boot region: a change there only
     * ever breaks the exFAT boot checksum */
    add_hot(0);
    add_hot(v->part_lba);
    add_hot(v->fat_lba);
    for (uint32_t s = 0; s < (1u << v->cluster_shift) && s < 8u; s++)
        add_hot(v->data_lba + ((v->root_cluster - 2u) << v->cluster_shift) + s);
    add_hot(v->fat_lba + v->root_cluster / 128u);
    clean_root_cluster = v->root_cluster;
    clean_root_lba = v->data_lba + ((v->root_cluster - 2u) << v->cluster_shift);
    struct fs_dirent ini = {0};
    if (fs_find(v, "softhba.ini", &ini) == FS_OK && ini.first_cluster >= 2u)
        add_hot(v->data_lba + ((ini.first_cluster - 2u) << v->cluster_shift));
    static struct fs_target targets[FS_MAX_TARGETS];
    if (fs_scan_images(v, 0, targets) <= 0) {
        fprintf(stderr, "fs_fuzz: the clean card has no images\n");
        return -1;
    }
    for (unsigned t = 0; t < FS_MAX_TARGETS; t++)
        for (unsigned e = 0; e < targets[t].extent_count; e++) {
            const struct fs_extent *x = &targets[t].extent[e];
            add_cluster_fat(v, x->lba);
            add_cluster_fat(v, x->lba + x->sectors - 1u);
        }
    return 0;
}

static int overlaps(const struct fs_target *a, const struct fs_target *b)
{
    for (unsigned i = 0; i < a->extent_count; i++)
        for (unsigned j = 0; j < b->extent_count; j++)
            if (a->extent[i].lba < b->extent[j].lba + b->extent[j].sectors &&
                b->extent[j].lba < a->extent[i].lba + a->extent[i].sectors)
                return 1;
    return 0;
}

/* One corrupted card: returns 0, or -1 when a promise is broken. */
static int round_trip(struct card *c, uint8_t *sector, unsigned *mounted,
                      unsigned *served)
{
    unsigned lines = 0;
    static struct fs_blockdev dev;
    dev.read = card_read;
    dev.ctx = c;
    dev.blocks = c->blocks;
    struct fs_volume v;
    memset(&v, 0, sizeof(v));
    v.dev = &dev;
    v.buf = sector;
    v.log.fn = quiet;
    v.log.ctx = &lines;
    if (fs_mount(&v) != FS_OK)
        return 0;
    (*mounted)++;
    struct ini_config cfg;
    struct ini_parser parser;
    struct fs_dirent ini = {0};
    ini_begin(&parser, &cfg, v.log);
    if (fs_find(&v, "softhba.ini", &ini) == FS_OK)
        fs_read_file(&v, &ini, 4096, ini_feed, &parser);
    ini_end(&parser);
    static struct fs_target targets[FS_MAX_TARGETS];
    if (fs_scan_images(&v, &cfg, targets) < 0)
        return 0;
    uint32_t data_end = v.data_lba + (v.cluster_count << v.cluster_shift);
    /* the clean card's root directory cluster: never part of an image */
    uint32_t root_lba = clean_root_lba;
    uint32_t root_sectors = v.root_cluster == clean_root_cluster ? 1u << v.cluster_shift : 0u;
    for (unsigned id = 0; id < FS_MAX_TARGETS; id++) {
        const struct fs_target *t = &targets[id];
        if (t->kind == FS_TARGET_NONE)
            continue;
        (*served)++;
        for (unsigned o = 0; o < id; o++)
            if (targets[o].kind != FS_TARGET_NONE && overlaps(t, &targets[o])) {
                fprintf(stderr, "fs_fuzz: targets %u and %u share sectors\n", o, id);
                return -1;
            }
        uint64_t total = 0;
        uint32_t block = 0;
        while (block < t->blocks) {
            uint32_t want = t->blocks - block < 37u ? t->blocks - block : 37u;
            for (uint32_t skip = 0; skip < want << t->block_shift;) {
                uint32_t lba, n;
                if (fs_target_map(t, block, want, skip, &lba, &n) != FS_OK || n == 0 ||
                    n > (want << t->block_shift) - skip) {
                    fprintf(stderr, "fs_fuzz: target %u block %u+%u does not map\n", id, block, skip);
                    return -1;
                }
                if (lba < v.data_lba || (uint64_t)lba + n > data_end || (uint64_t)lba + n > c->blocks ||
                    (lba < root_lba + root_sectors && root_lba < lba + n)) {
                    fprintf(stderr, "fs_fuzz: target %u block %u maps outside the data area: %u+%u\n", id,
                            block, lba, n);
                    return -1;
                }
                total += n;
                skip += n;
            }
            block += want;
        }
        if (total != (uint64_t)t->blocks << t->block_shift) {
            fprintf(stderr, "fs_fuzz: target %u: runs do not add up\n", id);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: fs_fuzz CARD ROUNDS SEED\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *image = size > 0 ? malloc((size_t)size) : 0;
    size_t got = image ? fread(image, 1, (size_t)size, f) : 0;
    fclose(f);
    if (!image || got != (size_t)size) {
        fprintf(stderr, "fs_fuzz: cannot read %s\n", argv[1]);
        free(image);
        return 2;
    }
    struct card c = {image, (uint32_t)(size / FS_SECTOR_BYTES), {{0, 0}}, 0};
    unsigned long rounds = strtoul(argv[2], 0, 10);
    rng_state = strtoull(argv[3], 0, 10) * 0x9E3779B97F4A7C15ull + 1u;

    static _Alignas(4) uint8_t sector[FS_SECTOR_BYTES];
    struct fs_volume clean;
    if (find_hot(&c, &clean, sector) != 0) {
        free(image);
        return 2;
    }
    /* Values that steer chains to the edges: free, reserved, bad, end, last cluster, beyond. */
    const uint32_t cluster_values[] = {0, 1, 2, 3, clean.cluster_count, clean.cluster_count + 1u,
                                       clean.cluster_count + 2u, 0x0FFFFFF7u, 0x0FFFFFFFu,
                                       0xFFFFFFF7u, 0xFFFFFFFFu, 0x10000000u};
    unsigned mounted = 0, served = 0;
    for (unsigned long r = 0; r < rounds; r++) {
        c.npatches = 1u + rng() % MAX_PATCHES;
        for (unsigned i = 0; i < c.npatches;) {
            uint32_t base = hot[rng() % nhot] * FS_SECTOR_BYTES;
            uint32_t at = rng() % FS_SECTOR_BYTES;
            if ((rng() & 3u) == 0 && i + 4u <= c.npatches) {
                /* a whole 32-bit word: a FAT entry or a cluster field */
                uint32_t val = (rng() & 1u) ? cluster_values[rng() % 12u] : rng() % (clean.cluster_count + 3u);
                at &= ~3u;
                for (unsigned b = 0; b < 4; b++, i++) {
                    c.patches[i].offset = base + at + b;
                    c.patches[i].value = (uint8_t)(val >> (8 * b));
                }
            } else {
                c.patches[i].offset = base + at;
                c.patches[i].value = (uint8_t)rng();
                i++;
            }
        }
        if (round_trip(&c, sector, &mounted, &served) != 0) {
            fprintf(stderr, "fs_fuzz: round %lu failed; patches:", r);
            for (unsigned i = 0; i < c.npatches; i++)
                fprintf(stderr, " %u=0x%02x", c.patches[i].offset, c.patches[i].value);
            fprintf(stderr, "\n");
            free(image);
            return 1;
        }
    }
    printf("fs_fuzz: %lu rounds over %u sectors: %u mounted, %u targets served, no broken promise\n",
           rounds, nhot, mounted, served);
    free(image);
    return 0;
}
