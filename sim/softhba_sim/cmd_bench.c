/* softhba-sim bench: sustained 64 KiB READ(10)/WRITE(10) and 4 KiB READ(10)
 * throughput in simulated time, against the modelled 8237's limit. */
#include <stdlib.h>

#include "softhba_sim.h"

/* The datasheet 8237's limit for the channel and mode in use (docs/isa.md). */
static double dma_limit_kbps(void)
{
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(0);
    if (ci->DmaChannel == SP_UNINITIALIZED_VALUE)
        return 0.0;
    return pc_dma_limit_kbps(cli.sys.pc, ci->DmaWidth == Width16Bits, ci->DemandMode != 0);
}

/* Sustained throughput: back-to-back SRBs, time from the first command's
 * StartIo to the last completion (command overhead included). */
int cmd_bench(void)
{
    const uint32_t reps64 = 6, reps4 = 24;
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    uint32_t bs = cli.target.block_size, n64 = CHUNK_BYTES / bs, n4 = 4096 / bs;
    if (disk_blocks() < (uint64_t)n64 * reps64) {
        fprintf(stderr, "%s: bench needs a disk of at least %u blocks\n", prog, n64 * reps64);
        return EXIT_USAGE;
    }
    uint8_t *save = xmalloc((size_t)CHUNK_BYTES * reps64);
    uint64_t t0, rd64_ps, wr64_ps, rd4_ps;
    int rc = 0;

    cli.bytes = 0;
    t0 = cosim_now_ps();
    for (uint32_t i = 0; i < reps64 && !rc; i++)
        if (read_blocks(i * n64, n64, save + (size_t)i * CHUNK_BYTES) != 0)
            rc = EXIT_FAILED;
    rd64_ps = cosim_now_ps() - t0;
    /* writes put back what was read: the bench leaves the disk as it was */
    t0 = cosim_now_ps();
    for (uint32_t i = 0; i < reps64 && !rc; i++)
        if (write_blocks(i * n64, n64, save + (size_t)i * CHUNK_BYTES) != 0)
            rc = EXIT_FAILED;
    wr64_ps = cosim_now_ps() - t0;
    t0 = cosim_now_ps();
    for (uint32_t i = 0; i < reps4 && !rc; i++)
        if (read_blocks(i * n4 * 3, n4, save) != 0)
            rc = EXIT_FAILED;
    rd4_ps = cosim_now_ps() - t0;
    free(save);
    if (rc)
        return rc;

    uint64_t b64 = (uint64_t)CHUNK_BYTES * reps64, b4 = 4096ull * reps4;
    double rd64 = kbps(b64, rd64_ps), wr64 = kbps(b64, wr64_ps), rd4 = kbps(b4, rd4_ps);
    double limit = dma_limit_kbps();
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(0);
    if (ci->DmaChannel == SP_UNINITIALIZED_VALUE)
        printf("bench: PIO (%s cycles)\n", cli.opt.narrow ? "8-bit" : "16-bit");
    else
        printf("bench: DMA channel %u, %s-bit, %s mode (8237 limit %.1f kB/s)\n",
               (unsigned)ci->DmaChannel, ci->DmaWidth == Width16Bits ? "16" : "8",
               ci->DemandMode ? "demand" : "single", limit);
    printf("  READ(10)  64 KiB x %u: %8.1f kB/s", reps64, rd64);
    if (limit > 0)
        printf("  (%.3f of the 8237 limit)", rd64 / limit);
    printf("\n  WRITE(10) 64 KiB x %u: %8.1f kB/s", reps64, wr64);
    if (limit > 0)
        printf("  (%.3f of the 8237 limit)", wr64 / limit);
    printf("\n  READ(10)   4 KiB x %u: %8.1f kB/s, %.3f ms per command\n", reps4, rd4,
           rd4_ps / 1e9 / reps4);
    fflush(stdout);
    cmd_end("bench");
    struct bench_figures f = {
        .channel = ci->DmaChannel == SP_UNINITIALIZED_VALUE ? -1 : (int)ci->DmaChannel,
        .demand = ci->DemandMode ? 1 : 0,
        .limit_kbps = limit,
        .read64k_kbps = rd64,
        .write64k_kbps = wr64,
        .read4k_kbps = rd4,
    };
    json_write_bench(&f);
    return 0;
}
