/* A card image file as the filesystem layer's block device (host tests). */
#define _XOPEN_SOURCE 700
#include "card_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int card_read(void *ctx, uint32_t lba, uint8_t *buf)
{
    struct card_file *c = ctx;
    c->reads++;
    return card_file_pread(c, lba, 1, buf);
}

static int open_mode(struct card_file *c, const char *path, int mode)
{
    struct stat st;
    c->fd = open(path, mode);
    if (c->fd < 0 || fstat(c->fd, &st) != 0) {
        perror(path);
        return -1;
    }
    c->reads = 0;
    c->writes = 0;
    c->dev.read = card_read;
    c->dev.ctx = c;
    c->dev.blocks = (uint32_t)(st.st_size / FS_SECTOR_BYTES);
    return 0;
}

int card_file_open(struct card_file *c, const char *path)
{
    return open_mode(c, path, O_RDONLY);
}

int card_file_open_rw(struct card_file *c, const char *path)
{
    return open_mode(c, path, O_RDWR);
}

void card_file_close(struct card_file *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

int card_file_pread(struct card_file *c, uint32_t lba, uint32_t sectors, uint8_t *out)
{
    if (lba >= c->dev.blocks || sectors > c->dev.blocks - lba)
        return -1;
    size_t want = (size_t)sectors * FS_SECTOR_BYTES;
    ssize_t got = pread(c->fd, out, want, (off_t)lba * FS_SECTOR_BYTES);
    return got == (ssize_t)want ? 0 : -1;
}

int card_file_pwrite(struct card_file *c, uint32_t lba, uint32_t sectors, const uint8_t *in)
{
    static const uint8_t zeros[FS_SECTOR_BYTES];
    if (lba >= c->dev.blocks || sectors > c->dev.blocks - lba)
        return -1;
    for (uint32_t i = 0; i < sectors; i++) {
        const uint8_t *src = in ? in + (size_t)i * FS_SECTOR_BYTES : zeros;
        if (pwrite(c->fd, src, FS_SECTOR_BYTES, (off_t)(lba + i) * FS_SECTOR_BYTES) != FS_SECTOR_BYTES)
            return -1;
        c->writes++;
    }
    return 0;
}
