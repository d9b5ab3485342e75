/* Image files -> SCSI targets (see images.h). */
#include "images.h"

#include <string.h>

#include "fs_log.h"

static char upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }

int fs_parse_image_name(const char *name, struct fs_image_name *out)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot - name < 2)
        return FS_NAME_NOT_IMAGE;
    int disk = upper(name[0]) == 'H' && upper(name[1]) == 'D';
    int cdrom = upper(name[0]) == 'C' && upper(name[1]) == 'D';
    if (!((disk && (fs_name_equal(dot + 1, "img") || fs_name_equal(dot + 1, "hda"))) ||
          (cdrom && fs_name_equal(dot + 1, "iso"))))
        return FS_NAME_NOT_IMAGE;
    memset(out, 0, sizeof(*out));
    out->cdrom = (uint8_t)cdrom;
    const char *id = name + 2;
    const char *underscore = memchr(id, '_', (size_t)(dot - id));
    const char *id_end = underscore ? underscore : dot;
    if (id_end - id != 1 || *id < '0' || *id > '6')
        return FS_NAME_BAD_ID;
    out->id = (uint8_t)(*id - '0');
    if (underscore) {
        uint32_t bs = 0;
        const char *d = underscore + 1;
        if (d == dot || dot - d > 5)
            return FS_NAME_BAD_BLOCK_SIZE;
        for (; d < dot; d++) {
            if (*d < '0' || *d > '9')
                return FS_NAME_BAD_BLOCK_SIZE;
            bs = bs * 10u + (uint32_t)(*d - '0');
        }
        int ok = cdrom ? bs == 2048u : (bs == 512u || bs == 1024u || bs == 2048u || bs == 4096u);
        if (!ok)
            return FS_NAME_BAD_BLOCK_SIZE;
        out->block_size = (uint16_t)bs;
    }
    return FS_NAME_OK;
}

/* What the directory walk keeps of an accepted name until its chain is mapped. */
struct pending {
    uint32_t first_cluster;
    uint32_t size_lo;
    uint32_t size_hi;
    uint16_t name_block_size;
    uint8_t contiguous;
    uint8_t valid_short;
};

struct scan {
    struct fs_volume *v;
    struct fs_target *targets;
    struct pending pending[FS_MAX_TARGETS];
};

__attribute__((noinline)) static void log_file(const struct fs_volume *v, const char *name, const char *why)
{
    struct fs_line l;
    fs_line_start(&l, "fs: ");
    fs_line_add(&l, name);
    fs_line_add(&l, ": ");
    fs_line_add(&l, why);
    fs_line_emit(&v->log, &l);
}

static int scan_visit(void *ctx, const struct fs_dirent *e)
{
    struct scan *s = ctx;
    struct fs_image_name n;
    if (e->is_dir || e->name_too_long)
        return 0;
    int verdict = fs_parse_image_name(e->name, &n);
    if (verdict == FS_NAME_NOT_IMAGE)
        return 0;
    if (verdict == FS_NAME_BAD_ID) {
        log_file(s->v, e->name, "bad SCSI ID (0-6; 7 is the card): refused");
        return 0;
    }
    if (verdict == FS_NAME_BAD_BLOCK_SIZE) {
        log_file(s->v, e->name, n.cdrom ? "a CD-ROM image has 2048-byte blocks: refused"
                                        : "block size not 512, 1024, 2048 or 4096: refused");
        return 0;
    }
    struct fs_target *t = &s->targets[n.id];
    if (t->kind != FS_TARGET_NONE) {
        struct fs_line l;
        fs_line_start(&l, "fs: ");
        fs_line_add(&l, e->name);
        fs_line_add(&l, ": SCSI ID ");
        fs_line_u32(&l, n.id);
        fs_line_add(&l, " already taken by ");
        fs_line_add(&l, t->name);
        fs_line_add(&l, ": refused");
        fs_line_emit(&s->v->log, &l);
        return 0;
    }
    t->kind = n.cdrom ? FS_TARGET_CDROM : FS_TARGET_DISK;
    memcpy(t->name, e->name, strlen(e->name) + 1u);  /* a valid name fits (at most 12) */
    struct pending *p = &s->pending[n.id];
    p->first_cluster = e->first_cluster;
    p->size_lo = e->size_lo;
    p->size_hi = e->size_hi;
    p->name_block_size = n.block_size;
    p->contiguous = e->contiguous;
    p->valid_short = e->valid_short;
    return 0;
}

static unsigned block_shift(uint16_t block_size)
{
    unsigned shift = 0;
    while ((FS_SECTOR_BYTES << shift) < block_size)
        shift++;
    return shift;
}

/* softhba.ini's type and block size, the name's block size and the kind's
 * own rules decide a target's kind and block size. */
__attribute__((noinline)) static void apply_settings(const struct fs_volume *v, struct fs_target *t, uint16_t name_bs,
                           const struct ini_target *ini)
{
    static const uint8_t kind_of[] = {FS_TARGET_NONE, FS_TARGET_DISK, FS_TARGET_REMOVABLE,
                                      FS_TARGET_CDROM};
    if (ini && (ini->set & INI_SET_TYPE)) {
        uint8_t kind = kind_of[ini->kind];
        if (name_bs && name_bs != 2048u && kind == FS_TARGET_CDROM)
            log_file(v, t->name, "softhba.ini makes it a CD-ROM: 2048-byte blocks, not the name's");
        t->kind = kind;
    }
    t->read_only = (uint8_t)(t->kind == FS_TARGET_CDROM ||
                             (ini && (ini->set & INI_SET_READONLY) && ini->read_only));
    uint16_t bs = t->kind == FS_TARGET_CDROM ? 2048u : 512u;
    int ini_bs = ini && (ini->set & INI_SET_BLOCKSIZE);
    if (t->kind == FS_TARGET_CDROM) {
        if (ini_bs && ini->block_size != 2048u)
            log_file(v, t->name, "a CD-ROM has 2048-byte blocks: softhba.ini's blocksize ignored");
    } else if (name_bs) {
        bs = name_bs;
        if (ini_bs && ini->block_size != name_bs)
            log_file(v, t->name, "the name sets the block size: softhba.ini's blocksize ignored");
    } else if (ini_bs) {
        bs = ini->block_size;
    }
    t->block_size = bs;
    t->block_shift = (uint8_t)block_shift(bs);
}

static int extents_meet(const struct fs_extent *a, unsigned na, const struct fs_extent *b, unsigned nb)
{
    for (unsigned i = 0; i < na; i++)
        for (unsigned j = 0; j < nb; j++)
            if (a[i].lba < b[j].lba + b[j].sectors && b[j].lba < a[i].lba + a[i].sectors)
                return 1;
    return 0;
}

static int cross_linked(const struct fs_volume *v, const struct fs_target *targets, unsigned id)
{
    const struct fs_target *t = &targets[id];
    if (v->reserved && extents_meet(t->extent, t->extent_count, v->reserved, v->reserved_count))
        return 1;
    for (unsigned o = 0; o < id; o++) {
        const struct fs_target *u = &targets[o];
        if (u->kind == FS_TARGET_NONE)
            continue;
        if (extents_meet(t->extent, t->extent_count, u->extent, u->extent_count))
            return 1;
    }
    return 0;
}

__attribute__((noinline)) static int map_target(struct fs_volume *v, struct fs_target *t, const struct pending *p)
{
    if (p->valid_short)
        return FS_ERR_VALID_LENGTH;
    unsigned shift = 9u + t->block_shift;
    uint64_t size = (uint64_t)p->size_hi << 32 | p->size_lo;
    uint64_t blocks = size >> shift;
    if (blocks > 0xFFFFFFFFu)
        return FS_ERR_TOO_LARGE;
    if (blocks == 0)
        return FS_ERR_EMPTY;
    t->blocks = (uint32_t)blocks;
    struct fs_dirent d;
    memset(&d, 0, sizeof(d));
    d.first_cluster = p->first_cluster;
    d.size_lo = p->size_lo;
    d.size_hi = p->size_hi;
    d.contiguous = p->contiguous;
    unsigned count = 0;
    int err = fs_map_file(v, &d, t->extent, FS_MAX_EXTENTS, &count);
    t->extent_count = (uint8_t)count;
    if (err)
        return err;
    uint32_t tail = (uint32_t)(size & ((1u << shift) - 1u));
    if (tail) {
        struct fs_line l;
        fs_line_start(&l, "fs: ");
        fs_line_add(&l, t->name);
        fs_line_add(&l, ": the last ");
        fs_line_u32(&l, tail);
        fs_line_add(&l, " bytes are not a whole block and are not used");
        fs_line_emit(&v->log, &l);
    }
    return FS_OK;
}

__attribute__((noinline)) static void log_target(const struct fs_volume *v, unsigned id, const struct fs_target *t)
{
    static const char *const kinds[] = {"", "disk", "removable disk", "CD-ROM"};
    struct fs_line l;
    fs_line_start(&l, "fs: target ");
    fs_line_u32(&l, id);
    fs_line_add(&l, ": ");
    fs_line_add(&l, t->name);
    fs_line_add(&l, ", ");
    fs_line_add(&l, kinds[t->kind]);
    fs_line_add(&l, t->read_only ? " (read-only), " : ", ");
    fs_line_u32(&l, t->blocks);
    fs_line_add(&l, " blocks of ");
    fs_line_u32(&l, t->block_size);
    fs_line_add(&l, " bytes, ");
    fs_line_u32(&l, t->extent_count);
    fs_line_add(&l, t->extent_count == 1 ? " extent" : " extents");
    fs_line_emit(&v->log, &l);
}

__attribute__((noinline)) static void log_refused(const struct fs_volume *v, const struct fs_target *t, int err)
{
    struct fs_line l;
    fs_line_start(&l, "fs: ");
    fs_line_add(&l, t->name);
    fs_line_add(&l, ": refused: ");
    fs_line_add(&l, fs_err_text(err));
    if (err == FS_ERR_FRAGMENTED) {
        fs_line_add(&l, " (more than ");
        fs_line_u32(&l, FS_MAX_EXTENTS);
        fs_line_add(&l, " extents)");
    }
    fs_line_emit(&v->log, &l);
}

int fs_scan_images(struct fs_volume *v, const struct ini_config *cfg,
                   struct fs_target targets[FS_MAX_TARGETS])
{
    if (!v || v->type == FS_TYPE_NONE || !targets)
        return FS_ERR_PARAM;
    struct scan s;
    memset(&s, 0, sizeof(s));
    s.v = v;
    s.targets = targets;
    memset(targets, 0, sizeof(struct fs_target) * FS_MAX_TARGETS);
    int err = fs_dir_walk(v, scan_visit, &s);
    if (err) {
        memset(targets, 0, sizeof(struct fs_target) * FS_MAX_TARGETS);
        return err;
    }
    int found = 0;
    for (unsigned id = 0; id < FS_MAX_TARGETS; id++) {
        struct fs_target *t = &targets[id];
        if (t->kind == FS_TARGET_NONE)
            continue;
        apply_settings(v, t, s.pending[id].name_block_size, cfg ? &cfg->target[id] : 0);
        err = map_target(v, t, &s.pending[id]);
        if (!err && cross_linked(v, targets, id))
            err = FS_ERR_CROSS_LINKED;
        if (!err)
            err = fs_check_metadata(v, t->extent, t->extent_count);
        if (err) {
            log_refused(v, t, err);
            memset(t, 0, sizeof(*t));
            continue;
        }
        log_target(v, id, t);
        found++;
    }
    return found;
}

/* hot: on every READ/WRITE of the card (the flash cache, docs/soc.md) */
__attribute__((hot)) int fs_target_map(const struct fs_target *t, uint32_t block, uint32_t count, uint32_t skip,
                  uint32_t *lba, uint32_t *sectors)
{
    if (!t || t->kind == FS_TARGET_NONE || count == 0 || !lba || !sectors)
        return FS_ERR_PARAM;
    if (block >= t->blocks || count > t->blocks - block)
        return FS_ERR_RANGE;
    /* blocks << block_shift fits 32 bits: the extents hold them */
    uint32_t want = count << t->block_shift;
    if (skip >= want)
        return FS_ERR_RANGE;
    uint32_t offset = (block << t->block_shift) + skip;
    want -= skip;
    for (unsigned i = 0; i < t->extent_count; i++) {
        const struct fs_extent *e = &t->extent[i];
        if (offset < e->sectors) {
            uint32_t room = e->sectors - offset;
            *lba = e->lba + offset;
            *sectors = want < room ? want : room;
            return FS_OK;
        }
        offset -= e->sectors;
    }
    return FS_ERR_RANGE;
}
