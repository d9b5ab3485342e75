/* softhba-sim ls: the targets on the card's bus as NT finds them: the
 * class layer's bus scan (class_scan: the port driver's INQUIRY at each ID
 * 0-6, then what the disk and CD-ROM class drivers send when they claim a
 * device).  One line a device: its NT name (HarddiskN, CdRomN), type,
 * INQUIRY strings, and the capacity, or why READ CAPACITY failed. */
#include <inttypes.h>
#include <string.h>

#include "softhba_sim.h"

static const char *type_name(unsigned type)
{
    switch (type) {
    case 0x00: return "disk";
    case 0x05: return "cdrom";
    default: return "other";
    }
}

static void print_entry(const struct class_scan_entry *e)
{
    printf("%u  %-9s %-5s %-9s %-8s %-16s %-4s ", (unsigned)e->target,
           e->nt_name[0] ? e->nt_name : "-", type_name(e->peripheral_type),
           e->removable ? "removable" : "fixed", e->vendor, e->product, e->revision);
    if (e->claim == CLASS_UNCLAIMED) {
        printf("not claimed (no class driver for type %u)\n", (unsigned)e->peripheral_type);
        return;
    }
    if (!e->ready) {
        const struct class_result *r = &e->capacity;
        if (r->sense_valid)
            printf("not ready (sense %x/%02x/%02x, %s, %d attempt%s)\n", r->sense_key, r->asc,
                   r->ascq, class_status_name(r->status), r->attempts, r->attempts == 1 ? "" : "s");
        else
            printf("not ready (SRB status 0x%02x, %s)\n", r->srb_status,
                   class_status_name(r->status));
        return;
    }
    printf("%5u %10" PRIu64 " %9.2f MiB\n", (unsigned)e->block_size, e->blocks,
           (double)(e->blocks * e->block_size) / (1024.0 * 1024.0));
}

int cmd_ls(void)
{
    static struct class_scan_result scan;
    cmd_begin();
    if (class_scan(cli.target.adapter, &scan) != 0) {
        fprintf(stderr, "%s: ls: no adapter to scan\n", prog);
        return EXIT_FAILED;
    }
    printf("ID device    type  media     vendor   product          rev  block     blocks      size\n");
    for (int i = 0; i < scan.count; i++)
        print_entry(&scan.dev[i]);     /* the card answers LUN 0 only */
    printf("%d target%s (%d disk%s, %d CD-ROM%s)\n", scan.count, scan.count == 1 ? "" : "s",
           scan.disks, scan.disks == 1 ? "" : "s", scan.cdroms, scan.cdroms == 1 ? "" : "s");
    fflush(stdout);
    cmd_end("ls");
    return scan.count ? 0 : EXIT_FAILED;
}
