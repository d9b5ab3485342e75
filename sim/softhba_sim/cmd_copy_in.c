/* softhba-sim copy-in IMAGE: a whole image file onto the disk through the
 * card. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "softhba_sim.h"

int cmd_copy_in(const char *image)
{
    int fd = open(image, O_RDONLY);
    struct stat st;
    if (fd < 0) {
        fprintf(stderr, "%s: copy-in: %s: %s\n", prog, image, strerror(errno));
        return EXIT_HARNESS;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "%s: copy-in: %s: not a regular file\n", prog, image);
        close(fd);
        return EXIT_HARNESS;
    }
    cmd_begin();
    if (disk_ready() != 0) {
        close(fd);
        return EXIT_FAILED;
    }
    uint32_t bs = cli.target.block_size;
    uint64_t size = (uint64_t)st.st_size;
    if (size == 0 || size % bs) {
        fprintf(stderr, "%s: copy-in: %s is %" PRIu64 " bytes, not a whole number of %u-byte "
                "blocks\n", prog, image, size, (unsigned)bs);
        close(fd);
        return EXIT_USAGE;
    }
    if (size / bs > disk_blocks()) {
        fprintf(stderr, "%s: copy-in: %s (%" PRIu64 " blocks) does not fit the disk (%" PRIu64
                " blocks)\n", prog, image, size / bs, disk_blocks());
        close(fd);
        return EXIT_USAGE;
    }
    uint8_t *buf = xmalloc(CHUNK_BYTES);
    int rc = 0;
    cli.progress_total = size;
    for (uint64_t off = 0; off < size && !rc;) {
        uint32_t n = (uint32_t)(size - off < CHUNK_BYTES ? size - off : CHUNK_BYTES);
        ssize_t got = pread(fd, buf, n, (off_t)off);
        if (got != (ssize_t)n) {
            fprintf(stderr, "%s: copy-in: %s: short read\n", prog, image);
            rc = EXIT_HARNESS;
            break;
        }
        if (write_blocks((uint32_t)(off / bs), n / bs, buf) != 0)
            rc = EXIT_FAILED;
        off += n;
        progress(off);
    }
    free(buf);
    close(fd);
    if (!rc) {
        cmd_end("copy-in");
        json_write_copy();
    }
    return rc;
}
