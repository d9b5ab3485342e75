/* media_probe: the card firmware's target set-up (firmware/card/media.c:
 * mount, softhba.ini, images, softhba.log) over a card image file opened for
 * writing, for tests/fs/media_test.py.
 *
 *   media_probe CARD [--read ID OUT] [--write ID IN] [--log TEXT] [--fail-writes-after N]
 *
 * Prints the log lines as "log: ...", "raw: 0|1", one line per target
 * ("target N NAME kind K bs B blocks N ro R extents E LBA+SECTORS..."),
 * "logfile: sectors N cur C extents LBA+SECTORS..." when softhba.log is
 * written, then does the
 * actions in order: --read copies target ID into OUT, --write copies IN into
 * target ID (whole blocks from block 0), both through media_runs() in
 * requests of changing length; --log adds a line while "busy" and then
 * writes it when "idle"; --fail-writes-after N makes every card write after
 * the first N fail (a card pulled).  Exits 0, 1 on a failed action, 2 on a
 * usage or I/O error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_file.h"
#include "media.h"

struct probe_card {
    struct card_file file;
    long writes_left;   /* <0: no limit */
    uint8_t *data;      /* the buffer a run moves to or from */
    int writing;
};

static void print_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("log: %s\n", line);
}

static int card_read(void *ctx, uint32_t lba, uint8_t *buf)
{
    struct probe_card *c = ctx;
    return card_file_pread(&c->file, lba, 1, buf);
}

static int card_write(void *ctx, uint32_t lba, const uint8_t *buf)
{
    struct probe_card *c = ctx;
    if (c->writes_left == 0)
        return -1;
    if (c->writes_left > 0)
        c->writes_left--;
    return card_file_pwrite(&c->file, lba, 1, buf);
}

static int run_sectors(void *ctx, uint32_t lba, uint32_t n, uint32_t *done)
{
    struct probe_card *c = ctx;
    *done = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *p = c->data + (size_t)i * FS_SECTOR_BYTES;
        int err = c->writing ? card_write(c, lba + i, p) : card_read(c, lba + i, p);
        if (err)
            return FS_ERR_IO;
        *done = i + 1u;
    }
    c->data += (size_t)n * FS_SECTOR_BYTES;
    return 0;
}

static const char *const kind_names[] = {"none", "disk", "removable", "cdrom"};

/* The whole target through media_runs, in requests of changing length. */
static int move_target(struct probe_card *c, const struct fs_target *t, uint8_t *image, int writing)
{
    static const uint32_t lengths[] = {1, 3, 8, 2, 17, 5, 64, 7};
    uint32_t block = 0;
    unsigned k = 0;
    c->writing = writing;
    c->data = image;
    while (block < t->blocks) {
        uint32_t count = lengths[k++ % 8u];
        if (count > t->blocks - block)
            count = t->blocks - block;
        uint32_t done;
        int err = media_runs(t, block, count, run_sectors, c, &done);
        if (err || done != count << t->block_shift) {
            fprintf(stderr, "media_probe: blocks %u+%u: %s after %u sectors\n", block, count,
                    fs_err_text(err), done);
            return -1;
        }
        block += count;
    }
    /* a range past the image moves nothing */
    uint32_t done = 1;
    if (media_runs(t, t->blocks - 1u, 2, run_sectors, c, &done) != FS_ERR_RANGE || done != 0) {
        fprintf(stderr, "media_probe: a range past the image was not refused\n");
        return -1;
    }
    return 0;
}

static int target_file(struct probe_card *c, const struct media *m, const char *id_arg,
                       const char *path, int writing)
{
    const struct fs_target *t = media_target(m, (unsigned)atoi(id_arg));
    if (!t) {
        fprintf(stderr, "media_probe: no target %s\n", id_arg);
        return -1;
    }
    size_t bytes = (size_t)t->blocks * t->block_size;
    uint8_t *image = calloc(1, bytes);
    int rc = -1;
    FILE *f = fopen(path, writing ? "rb" : "wb");
    if (!image || !f) {
        perror(path);
    } else if (writing) {
        if (fread(image, 1, bytes, f) == bytes)
            rc = move_target(c, t, image, 1);
        else
            fprintf(stderr, "media_probe: %s is shorter than target %s\n", path, id_arg);
    } else if (move_target(c, t, image, 0) == 0 && fwrite(image, 1, bytes, f) == bytes) {
        rc = 0;
    }
    if (f && fclose(f) != 0)
        rc = -1;
    free(image);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: media_probe CARD [--read ID OUT] [--write ID IN] [--log TEXT] "
                        "[--fail-writes-after N]\n");
        return 2;
    }
    static struct probe_card card;
    static struct media m;
    card.writes_left = -1;
    for (int i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], "--fail-writes-after") == 0)
            card.writes_left = atol(argv[i + 1]);
    if (card_file_open_rw(&card.file, argv[1]) != 0)
        return 2;
    m.echo = print_log;
    unsigned n = media_mount(&m, card_read, card_write, &card, card.file.dev.blocks);
    printf("raw: %u\ntargets: %u\n", m.raw, n);
    for (unsigned id = 0; id < FS_MAX_TARGETS; id++) {
        const struct fs_target *t = media_target(&m, id);
        if (t)
        {
            printf("target %u %s kind %s bs %u blocks %u ro %u extents %u", id, t->name,
                   kind_names[t->kind], t->block_size, t->blocks, t->read_only, t->extent_count);
            for (unsigned e = 0; e < t->extent_count; e++)
                printf(" %u+%u", t->extent[e].lba, t->extent[e].sectors);
            printf("\n");
        }
    }
    if (m.log.open) {
        printf("logfile: sectors %u cur %u extents", m.log.sectors, m.log.cur);
        for (unsigned e = 0; e < m.log.ext_count; e++)
            printf(" %u+%u", m.log.ext[e].lba, m.log.ext[e].sectors);
        printf("\n");
    }
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (i + 2 < argc && strcmp(a, "--read") == 0) {
            rc = target_file(&card, &m, argv[i + 1], argv[i + 2], 0) ? 1 : 0;
            i += 2;
        } else if (i + 2 < argc && strcmp(a, "--write") == 0) {
            rc = target_file(&card, &m, argv[i + 1], argv[i + 2], 1) ? 1 : 0;
            i += 2;
        } else if (i + 1 < argc && strcmp(a, "--log") == 0) {
            media_log(&m, argv[++i]);
            int err = media_idle(&m);
            printf("idle: %d, lost %u, write errors %u\n", err, m.log.lost, m.log.write_errors);
        } else if (i + 1 < argc && strcmp(a, "--fail-writes-after") == 0) {
            i++;
        } else {
            fprintf(stderr, "media_probe: bad argument '%s'\n", a);
            rc = 2;
        }
    }
    card_file_close(&card.file);
    return rc;
}
