/* softhba-sim copy-out IMAGE [N]: the disk (or its first N blocks) into an
 * image file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "softhba_sim.h"

int cmd_copy_out(const char *image, const char *count_arg)
{
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    uint64_t count = disk_blocks();
    if (count_arg) {
        count = need_number("block count", count_arg, UINT32_MAX);
        if (count == 0 || check_range(0, count) != 0)
            return EXIT_USAGE;
    }
    int fd = open(image, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "%s: copy-out: %s: %s\n", prog, image, strerror(errno));
        return EXIT_HARNESS;
    }
    uint32_t bs = cli.target.block_size, per = CHUNK_BYTES / bs;
    uint8_t *buf = xmalloc(CHUNK_BYTES);
    int rc = 0;
    cli.progress_total = count * bs;
    for (uint64_t done = 0; done < count && !rc;) {
        uint32_t n = (uint32_t)(count - done < per ? count - done : per);
        if (read_blocks((uint32_t)done, n, buf) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        if (pwrite(fd, buf, (size_t)n * bs, (off_t)(done * bs)) != (ssize_t)((size_t)n * bs)) {
            fprintf(stderr, "%s: copy-out: %s: %s\n", prog, image, strerror(errno));
            rc = EXIT_HARNESS;
        }
        done += n;
        progress(done * bs);
    }
    free(buf);
    if (close(fd) != 0 && !rc) {
        fprintf(stderr, "%s: copy-out: %s: %s\n", prog, image, strerror(errno));
        rc = EXIT_HARNESS;
    }
    if (!rc)
        cmd_end("copy-out");
    return rc;
}
