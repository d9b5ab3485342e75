/* softhba-sim ls: the targets on the card's bus, as a bus scan finds them:
 * INQUIRY at each ID 0-6 (SELECTION_TIMEOUT: nothing there), then TEST UNIT
 * READY and READ CAPACITY for the ones that answer. */
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

/* One ID: 1 when a target answered (and was printed), 0 when none is there,
 * -1 when a command failed in another way. */
static int list_target(unsigned id)
{
    struct class_target t = cli.target;
    struct class_result r;
    uint8_t inq[36];
    t.target = (UCHAR)id;
    t.block_size = 512;
    memset(inq, 0, sizeof inq);
    if (class_inquiry(&t, inq, sizeof inq, &r) != 0) {
        if (r.srb_status == SRB_STATUS_SELECTION_TIMEOUT)
            return 0;
        report_failure("INQUIRY", 0, &r);
        return -1;
    }
    char vendor[9], product[17], rev[5];
    inquiry_text(vendor, inq + 8, 8);
    inquiry_text(product, inq + 16, 16);
    inquiry_text(rev, inq + 32, 4);
    unsigned type = inq[0] & 0x1Fu;
    printf("%u  %-5s %-9s %-8s %-16s %-4s ", id, type_name(type), (inq[1] & 0x80) ? "removable" : "fixed",
           vendor, product, rev);
    uint32_t last = 0;
    if (class_test_unit_ready(&t, &r) != 0 || class_read_capacity(&t, &last, &r) != 0) {
        if (r.sense_valid)
            printf("not ready (sense %x/%02x/%02x)\n", r.sense_key, r.asc, r.ascq);
        else
            printf("not ready (SRB status 0x%02x)\n", r.srb_status);
        return 1;
    }
    uint64_t blocks = (uint64_t)last + 1;
    printf("%5u %10" PRIu64 " %9.2f MiB\n", (unsigned)t.block_size, blocks,
           (double)(blocks * t.block_size) / (1024.0 * 1024.0));
    return 1;
}

int cmd_ls(void)
{
    cmd_begin();
    printf("ID type  media     vendor   product          rev  block     blocks      size\n");
    unsigned found = 0;
    for (unsigned id = 0; id < 7; id++) {
        int rc = list_target(id);
        if (rc < 0)
            return EXIT_FAILED;
        found += (unsigned)rc;
    }
    printf("%u target%s\n", found, found == 1 ? "" : "s");
    fflush(stdout);
    cmd_end("ls");
    return found ? 0 : EXIT_FAILED;
}
