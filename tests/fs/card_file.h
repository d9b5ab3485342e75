/* A card image file as the filesystem layer's block device (host tests). */
#ifndef CARD_FILE_H
#define CARD_FILE_H

#include <stdint.h>

#include "fs.h"

struct card_file {
    int fd;
    uint32_t reads;
    uint32_t writes;
    struct fs_blockdev dev;
};

/* Opens path; the card's size is the file's size in whole 512-byte blocks.
 * Returns 0, or -1 with a message on stderr. */
int card_file_open(struct card_file *c, const char *path);
/* The same, open for writing too (card_file_pwrite). */
int card_file_open_rw(struct card_file *c, const char *path);
void card_file_close(struct card_file *c);
/* Reads sectors straight from the file (not through the library). */
int card_file_pread(struct card_file *c, uint32_t lba, uint32_t sectors, uint8_t *out);
/* Writes sectors into the file (out 0: zeros). */
int card_file_pwrite(struct card_file *c, uint32_t lba, uint32_t sectors, const uint8_t *in);

#endif
