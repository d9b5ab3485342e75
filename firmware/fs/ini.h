/* softhba.ini: per-target settings (docs/fs.md, "softhba.ini").
 *
 *   ; comment            # comment
 *   [target3]            sections target0 .. target6
 *   vendor = ACME        8 printable ASCII characters at most
 *   product = Big Disk   16 at most
 *   revision = 1.0       4 at most
 *   readonly = yes       yes/no, true/false, on/off, 1/0
 *   blocksize = 2048     512, 1024, 2048, 4096
 *   type = cdrom         disk, removable, cdrom
 *
 * The parser is fed the file in pieces (any size) and keeps one line; it
 * allocates nothing.  A bad line is logged ("softhba.ini:LINE: why") and
 * ignored; every other line still counts. */
#ifndef INI_H
#define INI_H

#include <stdint.h>

#include "fs.h"

#define INI_TARGETS 7u
#define INI_LINE_MAX 80u           /* characters in a line, without the line end */
#define INI_VENDOR_MAX 8u
#define INI_PRODUCT_MAX 16u
#define INI_REVISION_MAX 4u

enum ini_kind { INI_KIND_UNSET = 0, INI_KIND_DISK = 1, INI_KIND_REMOVABLE = 2, INI_KIND_CDROM = 3 };

/* Bits of ini_target.set: which keys the file gave. */
#define INI_SET_VENDOR 0x01u
#define INI_SET_PRODUCT 0x02u
#define INI_SET_REVISION 0x04u
#define INI_SET_READONLY 0x08u
#define INI_SET_BLOCKSIZE 0x10u
#define INI_SET_TYPE 0x20u

struct ini_target {
    uint8_t set;
    uint8_t read_only;
    uint8_t kind;                   /* enum ini_kind */
    uint16_t block_size;
    char vendor[INI_VENDOR_MAX + 1];
    char product[INI_PRODUCT_MAX + 1];
    char revision[INI_REVISION_MAX + 1];
};

struct ini_config {
    struct ini_target target[INI_TARGETS];
};

struct ini_parser {
    struct ini_config *cfg;
    struct fs_logger log;
    uint32_t line_no;
    uint32_t bad_lines;
    int8_t section;                 /* target number, -1: none yet, -2: a bad section */
    uint8_t too_long;               /* the current line went past INI_LINE_MAX */
    uint8_t skip_lf;                /* a CR ended the last line: a LF right after it is the same end */
    uint16_t len;
    char line[INI_LINE_MAX + 1];
};

/* Clears cfg and starts a parse into it. */
void ini_begin(struct ini_parser *p, struct ini_config *cfg, struct fs_logger log);
/* Takes the next piece of the file; always 0 (fits fs_sink_fn). */
int ini_feed(void *parser, const uint8_t *data, unsigned len);
/* Ends the parse (a last line without a line end counts); returns the
 * number of bad lines. */
uint32_t ini_end(struct ini_parser *p);

#endif
