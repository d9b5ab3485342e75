/* softhba.log inside the file's own clusters; see fs_logfile.h. */
#include "fs_logfile.h"

#include <string.h>

#include "fs_log.h"

void fs_logfile_init(struct fs_logfile *l, fs_write_fn write, void *write_ctx)
{
    memset(l, 0, sizeof(*l));
    l->write = write;
    l->write_ctx = write_ctx;
}

/* Card address of file sector s (s < l->sectors, which the extents cover). */
static uint32_t file_lba(const struct fs_logfile *l, uint32_t s)
{
    for (unsigned i = 0; i < l->ext_count; i++) {
        if (s < l->ext[i].sectors)
            return l->ext[i].lba + s;
        s -= l->ext[i].sectors;
    }
    return FS_NO_SECTOR;   /* not reached: open() limits sectors to the extents */
}

static void log_refused(struct fs_volume *v, int err)
{
    struct fs_line line;
    fs_line_start(&line, "fs: " FS_LOG_FILE_NAME ": not used: ");
    fs_line_add(&line, fs_err_text(err));
    fs_line_emit(&v->log, &line);
}

/* Where the text ends: the first sector starting with NUL is the hole; the
 * text goes on in the sector before it when that one has room. */
static int find_end(struct fs_logfile *l, struct fs_volume *v, uint32_t *cur, uint32_t *text)
{
    const struct fs_blockdev *dev = v->dev;
    uint32_t hole = 0;
    v->buf_lba = FS_NO_SECTOR;
    for (; hole < l->sectors; hole++) {
        if (dev->read(dev->ctx, file_lba(l, hole), v->buf) != 0)
            return FS_ERR_IO;
        if (v->buf[0] == 0)
            break;
    }
    *cur = hole == l->sectors ? 0u : hole;
    *text = 0;
    /* no hole at all (a file of text, or a torn wrap): start over at 0, and
     * make the hole after it before the first text goes there */
    l->need_hole = hole == l->sectors;
    if (hole == 0 || hole == l->sectors)
        return FS_OK;
    if (dev->read(dev->ctx, file_lba(l, hole - 1u), v->buf) != 0)
        return FS_ERR_IO;
    uint32_t t = 0;
    while (t < FS_SECTOR_BYTES && v->buf[t] != 0)
        t++;
    if (t < FS_SECTOR_BYTES) {
        *cur = hole - 1u;
        *text = t;
    } else {
        l->need_hole = 1;   /* hole + 1 may hold older, wrapped text */
    }
    return FS_OK;
}

int fs_logfile_open(struct fs_logfile *l, struct fs_volume *v)
{
    struct fs_dirent f = {0};
    unsigned n = 0;
    int err = fs_find(v, FS_LOG_FILE_NAME, &f);
    if (err == FS_OK && f.is_dir)
        err = FS_ERR_NOT_FOUND;
    if (err)
        return err;
    uint32_t sectors = f.size_hi ? FS_LOG_MAX_SECTORS : f.size_lo / FS_SECTOR_BYTES;
    if (sectors < 2u) {
        log_refused(v, FS_ERR_EMPTY);   /* the hole needs a second sector */
        return FS_ERR_EMPTY;
    }
    err = fs_map_file(v, &f, l->ext, FS_LOG_MAX_EXTENTS, &n);
    if (err == FS_OK)
        err = fs_check_metadata(v, l->ext, n);
    if (err) {
        log_refused(v, err);
        return err;
    }
    l->ext_count = (uint8_t)n;
    l->sectors = sectors < FS_LOG_MAX_SECTORS ? sectors : FS_LOG_MAX_SECTORS;

    uint32_t cur, text;
    err = find_end(l, v, &cur, &text);
    if (err) {
        log_refused(v, err);
        return err;
    }
    /* Lines logged before the file was open are in buf: put the old text of
     * the current sector in front of them, or start the next sector when
     * both do not fit. */
    if (text + l->fill > FS_SECTOR_BYTES) {
        cur = (cur + 1u) % l->sectors;
        text = 0;
        l->need_hole = 1;
    }
    uint16_t staged = l->fill;
    memmove(l->buf + text, l->buf, staged);
    memcpy(l->buf, v->buf, text);
    l->fill = (uint16_t)(staged + text);
    memset(l->buf + l->fill, 0, FS_SECTOR_BYTES - l->fill);
    l->cur = cur;
    l->dirty = staged != 0;
    l->open = 1;
    v->buf_lba = FS_NO_SECTOR;
    v->reserved = l->ext;
    v->reserved_count = l->ext_count;
    return FS_OK;
}

void fs_logfile_add(struct fs_logfile *l, const char *line)
{
    uint32_t len = (uint32_t)strlen(line) + 1u;
    int writes = l->open && l->may_write;
    uint32_t room = FS_SECTOR_BYTES - l->fill;
    if (l->open && !writes)
        room += FS_LOG_SPILL - l->spill_len;
    if (!writes && len > room) {
        l->lost++;
        return;
    }
    for (uint32_t i = 0; i < len; i++) {
        uint8_t ch = i + 1u < len ? (uint8_t)line[i] : (uint8_t)'\n';
        if (l->fill == FS_SECTOR_BYTES && writes && fs_logfile_flush(l) != 0) {
            l->lost++;   /* the rest of this line */
            return;
        }
        if (l->fill < FS_SECTOR_BYTES)
            l->buf[l->fill++] = ch;
        else
            l->spill[l->spill_len++] = ch;
        l->dirty = 1;
    }
}

/* One sector: the hole after it first when needed, then the text. */
static int write_current(struct fs_logfile *l)
{
    /* The hole first: a power cut after it leaves the new text unwritten,
     * never text with no hole after it. */
    if (l->need_hole) {
        int err = l->write(l->write_ctx, file_lba(l, (l->cur + 1u) % l->sectors), 0);
        if (err)
            return err;
        l->need_hole = 0;
    }
    return l->write(l->write_ctx, file_lba(l, l->cur), l->buf);
}

int fs_logfile_flush(struct fs_logfile *l)
{
    while (l->open && l->dirty) {
        int err = write_current(l);
        if (err) {
            l->write_errors++;
            return err;
        }
        l->dirty = 0;
        if (l->fill == FS_SECTOR_BYTES) {
            /* the hole written before becomes the current sector, and takes
             * the spilled text */
            l->cur = (l->cur + 1u) % l->sectors;
            l->need_hole = 1;
            memset(l->buf, 0, FS_SECTOR_BYTES);
            memcpy(l->buf, l->spill, l->spill_len);
            l->fill = l->spill_len;
            l->dirty = l->spill_len != 0;
            l->spill_len = 0;
        }
    }
    return 0;
}
