/* softhba-sim verify [ROUNDS]: random data at random LBAs, read back and
 * compared with what was written and with the image file (at the target's
 * place in it: the raw card, or the image file's clusters). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "images.h"
#include "softhba_sim.h"

/* xorshift64*: reproducible data and LBAs. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

int cmd_verify(const char *rounds_arg)
{
    uint64_t rounds = rounds_arg ? need_number("round count", rounds_arg, 100000) : 8;
    rng_state = cli.opt.seed * 0x9E3779B97F4A7C15ull + 1;
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    uint32_t bs = cli.target.block_size;
    const uint32_t max_blocks = 160;   /* 80 KiB: more than one SRB, crosses DMA pages */
    uint8_t *data = xmalloc((size_t)max_blocks * bs);
    uint8_t *back = xmalloc((size_t)max_blocks * bs);
    uint8_t *file = xmalloc((size_t)max_blocks * bs);
    /* the target's place in the image file: the raw card, or an image file's extents */
    static struct fs_target layout;
    int rc = 0;
    if (card_target_layout(cli.opt.disk, (unsigned)cli.opt.target, &layout) != 0 ||
        layout.block_size != bs) {
        fprintf(stderr, "%s: verify: target %d is not where the card image says it is\n", prog,
                cli.opt.target);
        rc = EXIT_FAILED;
    }
    if (!rc && disk_blocks() < max_blocks) {
        fprintf(stderr, "%s: verify needs a disk of at least %u blocks\n", prog, max_blocks);
        rc = EXIT_USAGE;
    }
    for (uint64_t i = 0; i < rounds && !rc; i++) {
        /* sizes: 1 block, small, around 64 KiB, beyond it */
        uint32_t n;
        switch (i % 4) {
        case 0: n = 1; break;
        case 1: n = 2 + (uint32_t)(rng() % 15); break;
        case 2: n = 120 + (uint32_t)(rng() % 9); break;
        default: n = 129 + (uint32_t)(rng() % (max_blocks - 128)); break;
        }
        uint32_t lba = (uint32_t)(rng() % (disk_blocks() - n + 1));
        for (uint32_t k = 0; k < n * bs; k += 8) {
            uint64_t v = rng();
            memcpy(data + k, &v, 8);
        }
        if (write_blocks(lba, n, data) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        memset(back, 0x5A, (size_t)n * bs);
        if (read_blocks(lba, n, back) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        int got = card_target_pread(cli.opt.disk, &layout, lba, n, file);
        for (uint32_t k = 0; k < n * bs; k++) {
            if (back[k] != data[k]) {
                fprintf(stderr, "%s: verify round %" PRIu64 ": LBA %u + %u blocks: byte %u read "
                        "back 0x%02x, wrote 0x%02x\n", prog, i, (unsigned)lba, (unsigned)n,
                        (unsigned)k, back[k], data[k]);
                rc = EXIT_FAILED;
                break;
            }
        }
        if (!rc && (got != 0 || memcmp(file, data, (size_t)n * bs) != 0)) {
            fprintf(stderr, "%s: verify round %" PRIu64 ": LBA %u + %u blocks: the image file "
                    "does not hold what was written\n", prog, i, (unsigned)lba, (unsigned)n);
            rc = EXIT_FAILED;
        }
        if (!rc && cli.opt.verbose)
            fprintf(stderr, "verify round %" PRIu64 ": LBA %u, %u blocks ok\n", i, (unsigned)lba,
                    (unsigned)n);
    }
    free(data);
    free(back);
    free(file);
    if (!rc) {
        printf("verify: %" PRIu64 " rounds of write + read back, all data matches\n", rounds);
        fflush(stdout);
        cmd_end("verify");
    }
    return rc;
}
