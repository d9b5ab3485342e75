/* Log line building for the filesystem layer (see fs_log.h). */
#include "fs_log.h"

void fs_line_start(struct fs_line *l, const char *s)
{
    l->len = 0;
    l->text[0] = 0;
    fs_line_add(l, s);
}

void fs_line_add(struct fs_line *l, const char *s)
{
    while (*s && l->len < FS_LINE_MAX)
        l->text[l->len++] = *s++;
    l->text[l->len] = 0;
}

void fs_line_u32(struct fs_line *l, uint32_t n)
{
    char digits[11];
    unsigned i = sizeof(digits) - 1;
    digits[i] = 0;
    do {
        digits[--i] = (char)('0' + n % 10u);
        n /= 10u;
    } while (n);
    fs_line_add(l, &digits[i]);
}

void fs_line_hex8(struct fs_line *l, uint8_t n)
{
    static const char hex[] = "0123456789abcdef";
    char s[5] = {'0', 'x', hex[n >> 4], hex[n & 15u], 0};
    fs_line_add(l, s);
}

void fs_line_emit(const struct fs_logger *log, struct fs_line *l)
{
    if (log->fn)
        log->fn(log->ctx, l->text);
}
