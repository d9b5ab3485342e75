/* One log line built in a small fixed buffer (no printf: the card's printf is
 * not linked into every image, and a line needs only text and numbers). */
#ifndef FS_LOG_H
#define FS_LOG_H

#include <stdint.h>

#include "fs.h"

#define FS_LINE_MAX 95u

struct fs_line {
    char text[FS_LINE_MAX + 1];
    unsigned len;
};

void fs_line_start(struct fs_line *l, const char *s);
void fs_line_add(struct fs_line *l, const char *s);
void fs_line_u32(struct fs_line *l, uint32_t n);
void fs_line_hex8(struct fs_line *l, uint8_t n);
/* Hands the line to the logger (if any). */
void fs_line_emit(const struct fs_logger *log, struct fs_line *l);

#endif
