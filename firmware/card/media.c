/* The card's targets: mount, softhba.ini, image scan, softhba.log; see media.h. */
#include "media.h"

#include <string.h>

#include "fs_log.h"

static void log_line(void *ctx, const char *line)
{
    struct media *m = ctx;
    fs_logfile_add(&m->log, line);
    if (m->echo)
        m->echo(m->echo_ctx, line);
}

/* The whole card as target 0, 512-byte blocks, one extent. */
static void serve_raw(struct media *m)
{
    struct fs_target *t = &m->target[0];
    memset(m->target, 0, sizeof(m->target));
    m->raw = 1;
    m->count = 1;
    t->kind = FS_TARGET_DISK;
    t->block_size = FS_SECTOR_BYTES;
    t->blocks = m->dev.blocks;
    t->extent_count = 1;
    t->extent[0].lba = 0;
    t->extent[0].sectors = m->dev.blocks;
    memcpy(t->name, "card", 5);
}

__attribute__((noinline)) static void log_card(struct media *m, uint32_t blocks)
{
    struct fs_line l;
    fs_line_start(&l, "card: mount, SD card of ");
    fs_line_u32(&l, blocks);
    fs_line_add(&l, " blocks");
    fs_line_emit(&m->vol.log, &l);
}

/* Out of line: the parser's frame is gone before the image scan, the
 * deepest part of the mount (the card's stack, docs/fs.md "RAM"). */
__attribute__((noinline)) static void read_ini(struct media *m)
{
    struct fs_dirent ini_file = {0};
    struct ini_parser parser;
    ini_begin(&parser, &m->ini, m->vol.log);
    if (fs_find(&m->vol, "softhba.ini", &ini_file) == FS_OK && !ini_file.is_dir)
        (void)fs_read_file(&m->vol, &ini_file, MEDIA_INI_MAX_BYTES, ini_feed, &parser);
    (void)ini_end(&parser);
}

unsigned media_mount(struct media *m, fs_read_fn read, fs_write_fn write, void *ctx,
                     uint32_t blocks)
{
    m->dev.read = read;
    m->dev.ctx = ctx;
    m->dev.blocks = blocks;
    m->raw = 0;
    m->count = 0;
    memset(&m->ini, 0, sizeof(m->ini));
    memset(&m->vol, 0, sizeof(m->vol));
    fs_logfile_init(&m->log, write, ctx);
    m->log.may_write = 1;     /* the host waits for READY: the card is idle */
    m->vol.dev = &m->dev;
    m->vol.buf = m->sector;
    m->vol.log.fn = log_line;
    m->vol.log.ctx = m;

    log_card(m, blocks);
    if (blocks == 0 || fs_mount(&m->vol) != FS_OK) {
        serve_raw(m);
        m->log.may_write = 0;
        return m->count;
    }
    (void)fs_logfile_open(&m->log, &m->vol);   /* none: lines go to the console only */

    read_ini(m);
    int found = fs_scan_images(&m->vol, &m->ini, m->target);
    if (found <= 0) {
        log_line(m, found < 0 ? "mount: the root directory cannot be read: the card is one raw disk"
                              : "mount: no image files: the card is one raw disk");
        serve_raw(m);
    } else {
        m->count = (uint8_t)found;
    }
    (void)fs_logfile_flush(&m->log);
    m->log.may_write = 0;
    /* The host now owns the whole card, file system included (it may delete
     * softhba.log): no more log writes. */
    if (m->raw)
        m->log.open = 0;
    return m->count;
}

/* media_runs() when the blocks take more than one run (or are refused). */
__attribute__((noinline)) static int runs_split(const struct fs_target *t, uint32_t block, uint32_t count,
                                                media_run_fn run, void *ctx, uint32_t *sectors_done)
{
    uint32_t total = count << t->block_shift, skip = 0;
    while (skip < total) {
        uint32_t lba, n, done = 0;
        int err = fs_target_map(t, block, count, skip, &lba, &n);
        if (err)
            return err;
        err = run(ctx, lba, n, &done);
        skip += done;
        *sectors_done = skip;
        if (err)
            return err;
    }
    return 0;
}

/* hot: on every READ/WRITE, so the linker script puts it with the command
 * path in the flash (the instruction cache's sets, docs/soc.md). */
__attribute__((hot)) int media_runs(const struct fs_target *t, uint32_t block, uint32_t count,
                                    media_run_fn run, void *ctx, uint32_t *sectors_done)
{
    uint32_t lba, n;
    *sectors_done = 0;
    if (fs_target_one_run(t, block, count, &lba, &n))
        return run(ctx, lba, n, sectors_done);
    return runs_split(t, block, count, run, ctx, sectors_done);
}

const struct fs_target *media_target(const struct media *m, unsigned id)
{
    if (id >= FS_MAX_TARGETS || m->target[id].kind == FS_TARGET_NONE)
        return 0;
    return &m->target[id];
}

void media_log(struct media *m, const char *line)
{
    log_line(m, line);
}

int media_idle(struct media *m)
{
    return fs_logfile_flush(&m->log);
}
