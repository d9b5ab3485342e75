/* softhba.ini parser (see ini.h). */
#include "ini.h"

#include <string.h>

#include "fs_log.h"

void ini_begin(struct ini_parser *p, struct ini_config *cfg, struct fs_logger log)
{
    memset(p, 0, sizeof(*p));
    memset(cfg, 0, sizeof(*cfg));
    p->cfg = cfg;
    p->log = log;
    p->section = -1;
    p->line_no = 1;
}

static void bad_line(struct ini_parser *p, const char *why, const char *what)
{
    struct fs_line l;
    fs_line_start(&l, "softhba.ini:");
    fs_line_u32(&l, p->line_no);
    fs_line_add(&l, ": ");
    fs_line_add(&l, why);
    if (what) {
        fs_line_add(&l, " '");
        fs_line_add(&l, what);
        fs_line_add(&l, "'");
    }
    fs_line_emit(&p->log, &l);
    p->bad_lines++;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = 0;
    return s;
}

/* Copies a printable ASCII value of at most max characters. */
static int set_text(struct ini_parser *p, char *dst, unsigned max, const char *value,
                    const char *too_long)
{
    size_t n = strlen(value);
    if (n > max) {
        bad_line(p, too_long, value);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (value[i] < 0x20 || value[i] > 0x7E) {
            bad_line(p, "not printable ASCII:", value);
            return 0;
        }
    }
    memcpy(dst, value, n + 1u);
    return 1;
}

static int parse_bool(const char *v, uint8_t *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (unsigned i = 0; i < 4; i++) {
        if (fs_name_equal(v, yes[i])) {
            *out = 1;
            return 1;
        }
        if (fs_name_equal(v, no[i])) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

static uint16_t parse_block_size(const char *v)
{
    static const char *const sizes[] = {"512", "1024", "2048", "4096"};
    for (unsigned i = 0; i < 4; i++)
        if (strcmp(v, sizes[i]) == 0)
            return (uint16_t)(512u << i);
    return 0;
}

static void key_value(struct ini_parser *p, char *key, char *value)
{
    if (p->section == -2)
        return;                         /* under a bad section, already reported */
    if (p->section < 0) {
        bad_line(p, "key outside a [targetN] section:", key);
        return;
    }
    size_t n = strlen(value);
    if (n >= 2 && value[0] == '"' && value[n - 1u] == '"') {
        value[n - 1u] = 0;              /* quotes keep leading/trailing spaces */
        value++;
    }
    struct ini_target *t = &p->cfg->target[p->section];
    if (fs_name_equal(key, "vendor")) {
        if (set_text(p, t->vendor, INI_VENDOR_MAX, value, "vendor longer than 8 characters:"))
            t->set |= INI_SET_VENDOR;
    } else if (fs_name_equal(key, "product")) {
        if (set_text(p, t->product, INI_PRODUCT_MAX, value, "product longer than 16 characters:"))
            t->set |= INI_SET_PRODUCT;
    } else if (fs_name_equal(key, "revision")) {
        if (set_text(p, t->revision, INI_REVISION_MAX, value, "revision longer than 4 characters:"))
            t->set |= INI_SET_REVISION;
    } else if (fs_name_equal(key, "readonly")) {
        if (parse_bool(value, &t->read_only))
            t->set |= INI_SET_READONLY;
        else
            bad_line(p, "readonly is yes or no, not", value);
    } else if (fs_name_equal(key, "blocksize")) {
        uint16_t bs = parse_block_size(value);
        if (bs) {
            t->block_size = bs;
            t->set |= INI_SET_BLOCKSIZE;
        } else {
            bad_line(p, "blocksize is 512, 1024, 2048 or 4096, not", value);
        }
    } else if (fs_name_equal(key, "type")) {
        if (fs_name_equal(value, "disk"))
            t->kind = INI_KIND_DISK;
        else if (fs_name_equal(value, "removable"))
            t->kind = INI_KIND_REMOVABLE;
        else if (fs_name_equal(value, "cdrom"))
            t->kind = INI_KIND_CDROM;
        else {
            bad_line(p, "type is disk, removable or cdrom, not", value);
            return;
        }
        t->set |= INI_SET_TYPE;
    } else {
        bad_line(p, "unknown key", key);
    }
}

/* "[targetN]", N the SCSI ID 0-6, any case. */
static void section(struct ini_parser *p, char *s)
{
    size_t n = strlen(s);
    p->section = -2;
    if (n < 2 || s[n - 1u] != ']') {
        bad_line(p, "section without a closing ']':", s);
        return;
    }
    s[n - 1u] = 0;
    char *name = trim(s + 1);
    char id = strlen(name) == 7 ? name[6] : 0;
    char word[7] = {0};
    if (id)
        memcpy(word, name, 6);
    if (id == 0 || !fs_name_equal(word, "target") || id < '0' || id > '9') {
        bad_line(p, "unknown section (target0 .. target6):", name);
    } else if (id > '6') {
        bad_line(p, "SCSI ID 7 is the card itself; targets are 0-6:", name);
    } else {
        p->section = (int8_t)(id - '0');
    }
}

static void end_line(struct ini_parser *p)
{
    p->line[p->len] = 0;
    char *s = p->line;
    if (p->line_no == 1 && (uint8_t)s[0] == 0xEF && (uint8_t)s[1] == 0xBB && (uint8_t)s[2] == 0xBF)
        s += 3;                         /* UTF-8 byte order mark, as Notepad writes it */
    if (p->too_long) {
        bad_line(p, "line longer than 80 characters", 0);
    } else {
        s = trim(s);
        if (s[0] == 0 || s[0] == ';' || s[0] == '#') {
            /* blank or comment */
        } else if (s[0] == '[') {
            section(p, s);
        } else {
            char *eq = strchr(s, '=');
            if (!eq) {
                bad_line(p, "expected 'key = value', not", s);
            } else {
                *eq = 0;
                char *key = trim(s);
                if (key[0] == 0)
                    bad_line(p, "no key before '='", 0);
                else
                    key_value(p, key, trim(eq + 1));
            }
        }
    }
    p->len = 0;
    p->too_long = 0;
    p->line_no++;
}

int ini_feed(void *parser, const uint8_t *data, unsigned len)
{
    struct ini_parser *p = parser;
    for (unsigned i = 0; i < len; i++) {
        uint8_t c = data[i];
        if (p->skip_lf) {
            p->skip_lf = 0;
            if (c == '\n')
                continue;
        }
        if (c == '\r' || c == '\n') {
            p->skip_lf = c == '\r';
            end_line(p);
        } else if (p->len < INI_LINE_MAX) {
            p->line[p->len++] = c == 0 ? (char)0x7F : (char)c;  /* a NUL is not the line's end */
        } else {
            p->too_long = 1;
        }
    }
    return 0;
}

uint32_t ini_end(struct ini_parser *p)
{
    if (p->len > 0 || p->too_long)
        end_line(p);
    return p->bad_lines;
}
