/* softhba-sim write LBA: the data of --in (or stdin) to the disk, the last
 * block zero-filled with --pad. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "softhba_sim.h"

/* Whole input into memory (stdin or a file). */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = xmalloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (err) {
        fprintf(stderr, "%s: %s: read error\n", prog, path ? path : "stdin");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int write_buffer(uint64_t lba, const uint8_t *data, uint64_t nblocks)
{
    uint32_t bs = cli.target.block_size, per = CHUNK_BYTES / bs;
    cli.progress_total = nblocks * bs;
    for (uint64_t done = 0; done < nblocks;) {
        uint32_t n = (uint32_t)(nblocks - done < per ? nblocks - done : per);
        if (write_blocks((uint32_t)(lba + done), n, data + done * bs) != 0)
            return EXIT_FAILED;
        done += n;
        progress(done * bs);
    }
    return 0;
}

int cmd_write(uint64_t lba)
{
    size_t len = 0;
    uint8_t *data = slurp(cli.opt.in, &len);
    if (!data)
        return EXIT_HARNESS;
    cmd_begin();
    int rc = EXIT_FAILED;
    if (disk_ready() != 0)
        goto out;
    uint32_t bs = cli.target.block_size;
    if (len == 0) {
        fprintf(stderr, "%s: write: no input data\n", prog);
        rc = EXIT_USAGE;
        goto out;
    }
    if (len % bs) {
        if (!cli.opt.pad) {
            fprintf(stderr, "%s: write: the input is %zu bytes, not a multiple of the %u-byte "
                    "block (--pad zero-fills the last block)\n", prog, len, (unsigned)bs);
            rc = EXIT_USAGE;
            goto out;
        }
        size_t padded = (len + bs - 1) / bs * bs;
        data = xrealloc(data, padded);
        memset(data + len, 0, padded - len);
        len = padded;
    }
    if (check_range(lba, len / bs) != 0)
        goto out;
    rc = write_buffer(lba, data, len / bs);
    if (!rc)
        cmd_end("write");
out:
    free(data);
    return rc;
}
