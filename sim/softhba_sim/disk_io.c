/* softhba-sim's disk: blocks through the class layer (NT's disk class
 * driver's SRBs), failures reported, and the running command's figures:
 * simulated time, bytes, the progress bar. */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "softhba_sim.h"

double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double kbps(uint64_t bytes, uint64_t ps)
{
    return ps ? (double)bytes / 1000.0 / ((double)ps / (double)PS_PER_S) : 0.0;
}

void cmd_begin(void)
{
    cli.cmd_start_ps = cosim_now_ps();
    cli.cmd_start_cycles = cosim_cycles();
    cli.cmd_start_wall = now_wall();
    cli.bytes = 0;
}

void cmd_end(const char *what)
{
    uint64_t ps = cosim_now_ps() - cli.cmd_start_ps;
    uint64_t cycles = cosim_cycles() - cli.cmd_start_cycles;
    double wall = now_wall() - cli.cmd_start_wall;
    fprintf(stderr, "%s: %s: simulated %.3f ms (%.3f ms since power-on), %" PRIu64
            " bytes, %.1f kB/s; %.1f M core cycles in %.2f s wall (%.2f M cycles/s)\n",
            prog, what, ps / 1e9, cosim_now_ps() / 1e9, cli.bytes, kbps(cli.bytes, ps),
            cycles / 1e6, wall, wall > 0 ? cycles / 1e6 / wall : 0.0);
    /* The AT's bus users since power-on: what the card's bus holds cost them. */
    struct pc_stats st;
    pc_get_stats(cli.sys.pc, &st);
    fprintf(stderr, "%s: %s: bus: refresh wait max %.3f us (%llu missed), CPU wait max %.3f us, "
            "longest DMA service %.3f us, floppy overruns %llu\n", prog, what,
            st.refresh_holdoff_max_ps / 1e6, (unsigned long long)st.refresh_missed,
            st.cpu_holdoff_max_ps / 1e6, st.dma_hold_max_ps / 1e6, (unsigned long long)st.floppy_overruns);
}

/* An INQUIRY text field as printable text (others as '.'), trailing blanks
 * dropped; dst holds n + 1 bytes. */
void inquiry_text(char *dst, const uint8_t *src, int n)
{
    int i;
    for (i = 0; i < n; i++)
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7F) ? (char)src[i] : '.';
    while (i > 0 && dst[i - 1] == ' ')
        i--;
    dst[i] = 0;
}

void report_failure(const char *what, uint32_t lba, const struct class_result *r)
{
    if (r->srb_status == SRB_STATUS_SELECTION_TIMEOUT && cli.target.target != 0) {
        fprintf(stderr, "%s: %s: no device at target %u (SELECTION_TIMEOUT; 'ls' lists the "
                "targets)\n", prog, what, (unsigned)cli.target.target);
        exit(EXIT_FAILED);
    }
    if (r->srb_status == SRB_STATUS_SELECTION_TIMEOUT) {
        /* Target 0 is the card's own disk, or an image: the miniport answers
         * it so for a card that never became READY (docs/miniport.md), and
         * the card for a file system without an HD0/CD0 image. */
        fprintf(stderr, "%s: no softhba card answered: %s got SELECTION_TIMEOUT, the card "
                "never became ready, or its SD card has no image at ID 0 (%.3f ms simulated)\n",
                prog, what, cosim_now_ps() / 1e9);
        print_logged_errors();
        exit(EXIT_NO_CARD);
    }
    fprintf(stderr, "%s: %s at LBA %u failed: SRB status 0x%02x, SCSI status 0x%02x", prog, what,
            (unsigned)lba, r->srb_status, r->scsi_status);
    if (r->sense_valid)
        fprintf(stderr, ", sense key 0x%x ASC 0x%02x ASCQ 0x%02x", r->sense_key, r->asc, r->ascq);
    if (r->srb_status == SRB_STATUS_SUCCESS || r->srb_status == SRB_STATUS_DATA_OVERRUN)
        fprintf(stderr, ", short data phase: %u bytes moved", (unsigned)r->transferred);
    fprintf(stderr, " (after %d attempts, %.3f ms simulated)\n", r->attempts, cosim_now_ps() / 1e9);
    print_logged_errors();
}

void progress(uint64_t done)
{
    if (!cli.progress_on || !cli.progress_total)
        return;
    int width = 40;
    int fill = (int)(done * (uint64_t)width / cli.progress_total);
    double pct = 100.0 * (double)done / (double)cli.progress_total;
    double sim_s = (cosim_now_ps() - cli.cmd_start_ps) / 1e12;
    fprintf(stderr, "\r[%.*s%*s] %5.1f%% %" PRIu64 "/%" PRIu64 " KiB  %.2f s simulated",
            fill, "########################################", width - fill, "", pct,
            done >> 10, cli.progress_total >> 10, sim_s);
    if (done >= cli.progress_total)
        fputc('\n', stderr);
}

/* Unit attention after the card's reset, then the capacity. */
int disk_ready(void)
{
    struct class_result r;
    if (class_test_unit_ready(&cli.target, &r) != 0) {
        report_failure("TEST UNIT READY", 0, &r);
        return -1;
    }
    if (class_read_capacity(&cli.target, &cli.last_lba, &r) != 0) {
        report_failure("READ CAPACITY", 0, &r);
        return -1;
    }
    if (cli.opt.sd_fault_late)
        sd_card_set_fault(cli.sys.sd, &cli.late_fault);
    return 0;
}

uint64_t disk_blocks(void) { return (uint64_t)cli.last_lba + 1; }

int read_blocks(uint32_t lba, uint32_t count, uint8_t *buf)
{
    struct class_result r;
    pc_trace_note(cli.sys.pc, "softhba-sim: READ(10) LBA %u, %u blocks", (unsigned)lba,
                  (unsigned)count);
    if (class_read10(&cli.target, lba, count, buf, &r) != 0) {
        report_failure("READ(10)", lba, &r);
        return -1;
    }
    /* class_read10/class_write10 fail on a short data phase of any piece */
    cli.bytes += (uint64_t)count * cli.target.block_size;
    return 0;
}

int write_blocks(uint32_t lba, uint32_t count, const uint8_t *buf)
{
    struct class_result r;
    pc_trace_note(cli.sys.pc, "softhba-sim: WRITE(10) LBA %u, %u blocks", (unsigned)lba,
                  (unsigned)count);
    if (class_write10(&cli.target, lba, count, buf, &r) != 0) {
        report_failure("WRITE(10)", lba, &r);
        return -1;
    }
    cli.bytes += (uint64_t)count * cli.target.block_size;
    return 0;
}

int check_range(uint64_t lba, uint64_t count)
{
    if (lba >= disk_blocks() || count > disk_blocks() - lba) {
        fprintf(stderr, "%s: blocks %" PRIu64 "..%" PRIu64 " are beyond the disk's %" PRIu64
                " blocks\n", prog, lba, lba + count - 1, disk_blocks());
        return -1;
    }
    return 0;
}
