/* softhba-sim's disk: blocks through the class layer (NT's disk class
 * driver's SRBs, or the CD-ROM class's for a CD-ROM), failures reported, and the running command's figures:
 * simulated time, bytes, the progress bar. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
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
    fprintf(stderr, ", %s (after %d attempt%s, %.3f ms simulated)\n", class_status_name(r->status),
            r->attempts, r->attempts == 1 ? "" : "s", cosim_now_ps() / 1e9);
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

/* A CD-ROM: cdrom.sys's claim, then what a file system's mount reads
 * first, the TOC (and the last session). */
static int cd_ready(void)
{
    struct class_result r;
    uint8_t toc[CDROM_TOC_SIZE];
    class_cdrom_claim(cli.target.adapter, cli.target.target, cli.target.lun, 0, &cli.cd);
    if (!cli.cd.capacity_valid) {
        report_failure("READ CAPACITY", 0, &cli.cd.capacity);
        return -1;
    }
    memset(toc, 0, sizeof toc);
    if (class_cdrom_read_toc(&cli.cd, toc, sizeof toc, &r) != 0) {
        report_failure("READ TOC", 0, &r);
        return -1;
    }
    unsigned toc_len = r.transferred;
    /* the lead-out's MSF address (track 0xAA, the last descriptor): LBA + 150 frames */
    uint32_t lead_out = 0;
    for (unsigned off = 4; off + 8 <= toc_len; off += 8)
        if (toc[off + 2] == 0xAA)
            lead_out = ((uint32_t)toc[off + 5] * 60u + toc[off + 6]) * 75u + toc[off + 7] - 150u;
    uint8_t ses[12];
    memset(ses, 0, sizeof ses);
    if (class_cdrom_last_session(&cli.cd, ses, sizeof ses, &r) != 0) {
        report_failure("READ TOC (last session)", 0, &r);
        return -1;
    }
    fprintf(stderr, "%s: CdRom at target %u: %u-byte blocks, %llu blocks; TOC %u bytes, tracks "
            "%u-%u, lead-out at LBA %u; last session %u starts at LBA %u; MODE SENSE(%s) of "
            "page 1: %u bytes\n", prog, (unsigned)cli.target.target, (unsigned)cli.cd.t.block_size,
            (unsigned long long)cli.cd.blocks, toc_len, toc[2], toc[3], (unsigned)lead_out, ses[3],
            ((uint32_t)ses[8] << 24) | ((uint32_t)ses[9] << 16) | ((uint32_t)ses[10] << 8) | ses[11],
            (cli.cd.xa_flags & CDROM_XA_USE_6_BYTE) ? "6" : "10", (unsigned)cli.cd.recovery_len);
    cli.is_cd = 1;
    cli.target.block_size = cli.cd.t.block_size;
    cli.last_lba = (uint32_t)(cli.cd.blocks - 1);
    return 0;
}

/* What the target is (INQUIRY), then, for a disk, the unit attention after
 * the card's reset and the capacity; for a CD-ROM, the cdrom model. */
int disk_ready(void)
{
    struct class_result r;
    uint8_t inq[36];
    memset(inq, 0, sizeof inq);
    if (class_inquiry(&cli.target, inq, sizeof inq, &r) != 0) {
        report_failure("INQUIRY", 0, &r);
        return -1;
    }
    cli.target.removable = (inq[1] & 0x80) != 0;
    if ((inq[0] & 0x1F) == 0x05) {
        if (cd_ready() != 0)
            return -1;
    } else {
        if (class_test_unit_ready(&cli.target, &r) != 0) {
            report_failure("TEST UNIT READY", 0, &r);
            return -1;
        }
        if (class_read_capacity(&cli.target, &cli.last_lba, &r) != 0) {
            report_failure("READ CAPACITY", 0, &r);
            return -1;
        }
    }
    if (cli.opt.sd_fault_late)
        sd_card_set_fault(cli.sys.sd, &cli.late_fault);
    return 0;
}

int reload_disc(void)
{
    struct class_result r;
    pc_trace_note(cli.sys.pc, "softhba-sim: the disc ejected and loaded (START STOP UNIT)");
    if (class_start_stop(&cli.cd.t, 0, &r) != 0) {
        report_failure("START STOP UNIT (eject)", 0, &r);
        return -1;
    }
    if (class_start_stop(&cli.cd.t, 1, &r) != 0) {
        report_failure("START STOP UNIT (load)", 0, &r);
        return -1;
    }
    return 0;
}

uint64_t disk_blocks(void) { return (uint64_t)cli.last_lba + 1; }

int read_blocks(uint32_t lba, uint32_t count, uint8_t *buf)
{
    struct class_result r;
    pc_trace_note(cli.sys.pc, "softhba-sim: READ(10) LBA %u, %u blocks", (unsigned)lba,
                  (unsigned)count);
    if (cli.is_cd ? class_cdrom_read(&cli.cd, lba, count, buf, &r) != 0
                  : class_read10(&cli.target, lba, count, buf, &r) != 0) {
        report_failure("READ(10)", lba, &r);
        return -1;
    }
    /* the reads fail on a short data phase of any piece */
    cli.bytes += (uint64_t)count * cli.target.block_size;
    return 0;
}

int write_blocks(uint32_t lba, uint32_t count, const uint8_t *buf)
{
    struct class_result r;
    if (cli.is_cd) {
        fprintf(stderr, "%s: target %u is a CD-ROM: NT's cdrom class driver has no writes\n",
                prog, (unsigned)cli.target.target);
        return -1;
    }
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
