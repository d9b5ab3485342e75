/* fs_probe: runs the card's filesystem layer (firmware/fs/) over a card image
 * file the way the firmware will at power-on, and prints what it found, for
 * tests/fs/fs_test.py to check against the Debian tools' view of the card.
 *
 *   fs_probe CARD [--dump DIR]
 *
 * Prints every log line as "log: ...", then "mount: <result>", softhba.ini's
 * settings ("ini N: ..."), and one line per target:
 *   "target N kind K bs B blocks N ro R extents E [lba+sectors ...]".
 * --dump writes DIR/targetN.bin: the image read back through fs_target_map
 * (requests of changing length, so runs split at extent ends) straight from
 * the card file.  Exits 0 when the card was handled (mounted or "no
 * filesystem"), 1 on a failed check, 2 on a usage or I/O error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_file.h"
#include "fs.h"
#include "images.h"
#include "ini.h"

static void print_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("log: %s\n", line);
}

static const char *const kind_names[] = {"none", "disk", "removable", "cdrom"};

static int check_map_limits(const struct fs_target *t, unsigned id)
{
    uint32_t lba, n;
    uint32_t per_block = (uint32_t)t->block_size / FS_SECTOR_BYTES;
    if (fs_target_map(t, t->blocks, 1, 0, &lba, &n) != FS_ERR_RANGE ||
        fs_target_map(t, t->blocks - 1u, 2, 0, &lba, &n) != FS_ERR_RANGE ||
        fs_target_map(t, 0, t->blocks + 1u, 0, &lba, &n) != FS_ERR_RANGE ||
        fs_target_map(t, 0xFFFFFFFFu, 2, 0, &lba, &n) != FS_ERR_RANGE ||
        fs_target_map(t, t->blocks - 1u, 1, per_block, &lba, &n) != FS_ERR_RANGE ||
        fs_target_map(t, 0, 0, 0, &lba, &n) != FS_ERR_PARAM ||
        fs_target_one_run(t, t->blocks, 1, &lba, &n) || fs_target_one_run(t, t->blocks - 1u, 2, &lba, &n) ||
        fs_target_one_run(t, 0xFFFFFFFFu, 2, &lba, &n) || fs_target_one_run(t, 0, 0, &lba, &n)) {
        fprintf(stderr, "fs_probe: target %u: a range past the image was not refused\n", id);
        return -1;
    }
    return 0;
}

/* The card's fast path, fs_target_one_run(), against fs_target_map(): it
 * applies exactly when the target has one extent and the first run of the
 * range is the whole range, and then gives the same run. */
static int check_one_run(const struct fs_target *t, unsigned id, uint32_t block, uint32_t count)
{
    uint32_t lba = 0, n = 0, one_lba = 0, one_n = 0;
    int whole = t->extent_count == 1 && fs_target_map(t, block, count, 0, &lba, &n) == FS_OK &&
                n == count << t->block_shift;
    int one = fs_target_one_run(t, block, count, &one_lba, &one_n);
    if (one != whole || (one && (one_lba != lba || one_n != n))) {
        fprintf(stderr, "fs_probe: target %u block %u+%u: fs_target_one_run says %d (%u+%u), "
                "fs_target_map %d (%u+%u)\n", id, block, count, one, one_lba, one_n, whole, lba, n);
        return -1;
    }
    return 0;
}

/* Reads the whole image through the extents into DIR/targetN.bin. */
static int dump_target(struct card_file *card, const struct fs_target *t, unsigned id, const char *dir)
{
    static const uint32_t lengths[] = {1, 3, 8, 2, 17, 5, 64, 7};
    char path[4096];
    snprintf(path, sizeof(path), "%s/target%u.bin", dir, id);
    FILE *out = fopen(path, "wb");
    if (!out) {
        perror(path);
        return -1;
    }
    uint8_t *buf = malloc((size_t)64 * 8 * FS_SECTOR_BYTES);
    uint32_t block = 0;
    unsigned k = 0;
    int rc = 0;
    while (rc == 0 && block < t->blocks) {
        uint32_t count = lengths[k++ % 8u];
        if (count > t->blocks - block)
            count = t->blocks - block;
        uint32_t done = 0;     /* sectors of this request */
        if (check_one_run(t, id, block, count) != 0) {
            rc = -1;
            break;
        }
        while (done < count << t->block_shift) {
            uint32_t lba, n;
            int err = fs_target_map(t, block, count, done, &lba, &n);
            if (err || n == 0 || n > (count << t->block_shift) - done) {
                fprintf(stderr, "fs_probe: target %u block %u+%u: map failed (%d, %u sectors)\n", id, block,
                        done, err, n);
                rc = -1;
                break;
            }
            if (card_file_pread(card, lba, n, buf + (size_t)done * FS_SECTOR_BYTES) != 0) {
                fprintf(stderr, "fs_probe: target %u: card read at %u failed\n", id, lba);
                rc = -1;
                break;
            }
            done += n;
        }
        if (rc == 0 && fwrite(buf, FS_SECTOR_BYTES, done, out) != done)
            rc = -1;
        block += count;
    }
    free(buf);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

static void print_ini(const struct ini_config *cfg)
{
    for (unsigned i = 0; i < INI_TARGETS; i++) {
        const struct ini_target *t = &cfg->target[i];
        if (!t->set)
            continue;
        printf("ini %u:", i);
        if (t->set & INI_SET_VENDOR)
            printf(" vendor=[%s]", t->vendor);
        if (t->set & INI_SET_PRODUCT)
            printf(" product=[%s]", t->product);
        if (t->set & INI_SET_REVISION)
            printf(" revision=[%s]", t->revision);
        if (t->set & INI_SET_READONLY)
            printf(" readonly=%u", t->read_only);
        if (t->set & INI_SET_BLOCKSIZE)
            printf(" blocksize=%u", t->block_size);
        if (t->set & INI_SET_TYPE)
            printf(" type=%s", kind_names[t->kind]);
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    const char *dump_dir = 0;
    if (argc == 4 && strcmp(argv[2], "--dump") == 0)
        dump_dir = argv[3];
    else if (argc != 2) {
        fprintf(stderr, "usage: fs_probe CARD [--dump DIR]\n");
        return 2;
    }
    struct card_file card;
    if (card_file_open(&card, argv[1]) != 0)
        return 2;
    static _Alignas(4) uint8_t sector[FS_SECTOR_BYTES];
    struct fs_volume vol;
    memset(&vol, 0, sizeof(vol));
    vol.dev = &card.dev;
    vol.buf = sector;
    vol.log.fn = print_log;

    int err = fs_mount(&vol);
    printf("mount: %s\n", fs_err_text(err));
    if (err) {
        card_file_close(&card);
        return err == FS_ERR_NO_FILESYSTEM || err < FS_ERR_IO ? 0 : 2;
    }
    printf("volume: %s part_lba %u clusters %u cluster_sectors %u data_lba %u\n",
           vol.type == FS_TYPE_EXFAT ? "exfat" : "fat32", vol.part_lba, vol.cluster_count,
           1u << vol.cluster_shift, vol.data_lba);

    struct ini_config cfg;
    struct ini_parser parser;
    struct fs_dirent ini_file = {0};
    ini_begin(&parser, &cfg, vol.log);
    err = fs_find(&vol, "softhba.ini", &ini_file);
    if (err == FS_OK) {
        err = fs_read_file(&vol, &ini_file, 16384, ini_feed, &parser);
        printf("ini: read %s, %u bad lines\n", fs_err_text(err), ini_end(&parser));
        print_ini(&cfg);
    } else {
        printf("ini: %s\n", fs_err_text(err));
    }

    static struct fs_target targets[FS_MAX_TARGETS];
    int found = fs_scan_images(&vol, &cfg, targets);
    printf("targets: %d\n", found);
    int rc = found < 0 ? 2 : 0;
    for (unsigned id = 0; id < FS_MAX_TARGETS && rc == 0; id++) {
        const struct fs_target *t = &targets[id];
        if (t->kind == FS_TARGET_NONE)
            continue;
        printf("target %u %s kind %s bs %u blocks %u ro %u extents %u", id, t->name,
               kind_names[t->kind], t->block_size, t->blocks, t->read_only, t->extent_count);
        for (unsigned e = 0; e < t->extent_count; e++)
            printf(" %u+%u", t->extent[e].lba, t->extent[e].sectors);
        printf("\n");
        if (check_map_limits(t, id) != 0)
            rc = 1;
        else if (dump_dir && dump_target(&card, t, id, dump_dir) != 0)
            rc = 1;
    }
    printf("card reads: %u\n", card.reads);
    card_file_close(&card);
    return rc;
}
