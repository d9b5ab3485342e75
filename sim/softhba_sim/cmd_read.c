/* softhba-sim read LBA COUNT: blocks as a hexdump on stdout, or raw to
 * --out.  A CD-ROM target is read through the cdrom model; --reload-at N
 * ejects and loads its disc before block N (a media change mid-read). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "softhba_sim.h"

static void hexdump(FILE *to, uint64_t offset, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 16) {
        fprintf(to, "%08" PRIx64 " ", offset + i);
        for (size_t j = 0; j < 16; j++) {
            if (j == 8)
                fputc(' ', to);
            if (i + j < n)
                fprintf(to, " %02x", p[i + j]);
            else
                fputs("   ", to);
        }
        fputs("  |", to);
        for (size_t j = 0; j < 16 && i + j < n; j++)
            fputc(p[i + j] >= 0x20 && p[i + j] < 0x7F ? p[i + j] : '.', to);
        fputs("|\n", to);
    }
}

int cmd_read(uint64_t lba, uint64_t count)
{
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    if (check_range(lba, count) != 0)
        return EXIT_FAILED;
    FILE *out = stdout;
    if (cli.opt.out) {
        out = fopen(cli.opt.out, "wb");
        if (!out) {
            fprintf(stderr, "%s: %s: %s\n", prog, cli.opt.out, strerror(errno));
            return EXIT_HARNESS;
        }
    }
    uint32_t bs = cli.target.block_size, per = CHUNK_BYTES / bs;
    uint8_t *buf = xmalloc(CHUNK_BYTES);
    int rc = 0;
    cli.bytes = 0;
    cli.progress_total = count * bs;
    int reload = cli.opt.reload_at >= 0;
    if (reload && !cli.is_cd) {
        fprintf(stderr, "%s: --reload-at: target %u is not a CD-ROM\n", prog,
                (unsigned)cli.target.target);
        free(buf);
        return EXIT_FAILED;
    }
    for (uint64_t done = 0; done < count && !rc;) {
        uint32_t n = (uint32_t)(count - done < per ? count - done : per);
        uint64_t at = (uint64_t)cli.opt.reload_at;
        if (reload && lba + done >= at) {
            if (reload_disc() != 0) {
                rc = EXIT_FAILED;
                break;
            }
            reload = 0;
        } else if (reload && lba + done + n > at) {
            n = (uint32_t)(at - (lba + done));   /* the disc changes after this piece */
        }
        if (read_blocks((uint32_t)(lba + done), n, buf) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        if (cli.opt.out) {
            if (fwrite(buf, bs, n, out) != n) {
                fprintf(stderr, "%s: %s: write error\n", prog, cli.opt.out);
                rc = EXIT_HARNESS;
            }
        } else {
            hexdump(out, (lba + done) * bs, buf, (size_t)n * bs);
        }
        done += n;
        progress(done * bs);
    }
    free(buf);
    if (cli.is_cd)
        fprintf(stderr, "%s: CdRom: media change count %u (every unit attention), %u volume "
                "verif%s, %u capacity re-read%s: %llu blocks\n", prog, cli.cd.t.media_change_count,
                cli.cd.verifies, cli.cd.verifies == 1 ? "y" : "ies", cli.cd.capacity_reads,
                cli.cd.capacity_reads == 1 ? "" : "s", (unsigned long long)cli.cd.blocks);
    if (out != stdout && fclose(out) != 0 && !rc) {
        fprintf(stderr, "%s: %s: %s\n", prog, cli.opt.out, strerror(errno));
        rc = EXIT_HARNESS;
    }
    fflush(stdout);
    if (!rc)
        cmd_end("read");
    return rc;
}
