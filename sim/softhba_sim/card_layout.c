/* Where a target's blocks lie in the SD card image: the card firmware's own
 * set-up (firmware/card/media.c over firmware/fs, built for the host) run
 * on the image file, read-only.  verify uses it to check that the written
 * data reached the image file at the target's place. */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media.h"
#include "softhba_sim.h"

static int image_read(void *ctx, uint32_t lba, uint8_t *buf)
{
    int fd = *(int *)ctx;
    return pread(fd, buf, FS_SECTOR_BYTES, (off_t)lba * FS_SECTOR_BYTES) == FS_SECTOR_BYTES ? 0 : -1;
}

/* softhba.log stays as the card left it: the host never writes the image. */
static int image_write_refused(void *ctx, uint32_t lba, const uint8_t *buf)
{
    (void)ctx;
    (void)lba;
    (void)buf;
    return -1;
}

int card_target_layout(const char *image, unsigned id, struct fs_target *out)
{
    static struct media m;
    struct stat st;
    int fd = open(image, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    memset(&m, 0, sizeof m);
    media_mount(&m, image_read, image_write_refused, &fd, (uint32_t)(st.st_size / FS_SECTOR_BYTES));
    close(fd);
    const struct fs_target *t = media_target(&m, id);
    if (!t)
        return -1;
    *out = *t;
    return 0;
}

int card_target_pread(const char *image, const struct fs_target *t, uint32_t block, uint32_t count,
                      uint8_t *buf)
{
    int fd = open(image, O_RDONLY);
    if (fd < 0)
        return -1;
    uint32_t total = count << t->block_shift, skip = 0;
    int rc = 0;
    while (skip < total && rc == 0) {
        uint32_t lba, n;
        if (fs_target_map(t, block, count, skip, &lba, &n) != FS_OK ||
            pread(fd, buf + (size_t)skip * FS_SECTOR_BYTES, (size_t)n * FS_SECTOR_BYTES,
                  (off_t)lba * FS_SECTOR_BYTES) != (ssize_t)((size_t)n * FS_SECTOR_BYTES))
            rc = -1;
        skip += n;
    }
    close(fd);
    return rc;
}
