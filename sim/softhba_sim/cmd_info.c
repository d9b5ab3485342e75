/* softhba-sim info: the adapter the miniport found, INQUIRY and READ
 * CAPACITY. */
#include <inttypes.h>
#include <string.h>

#include "ntsys.h"
#include "softhba_sim.h"

int cmd_info(void)
{
    uint8_t inq[36];
    struct class_result r;
    char vendor[9], product[17], rev[5];

    cmd_begin();
    if (class_test_unit_ready(&cli.target, &r) != 0) {
        report_failure("TEST UNIT READY", 0, &r);
        return EXIT_FAILED;
    }
    uint64_t ready_ps = cosim_now_ps();   /* the first GOOD TEST UNIT READY since power-on */
    memset(inq, 0, sizeof inq);
    if (class_inquiry(&cli.target, inq, sizeof inq, &r) != 0) {
        report_failure("INQUIRY", 0, &r);
        return EXIT_FAILED;
    }
    cli.bytes += r.transferred;
    if (class_read_capacity(&cli.target, &cli.last_lba, &r) != 0) {
        report_failure("READ CAPACITY", 0, &r);
        return EXIT_FAILED;
    }
    cli.bytes += r.transferred;
    class_inquiry_text(vendor, inq + 8, 8);
    class_inquiry_text(product, inq + 16, 16);
    class_inquiry_text(rev, inq + 32, 4);
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(0);
    uint64_t bytes = disk_blocks() * cli.target.block_size;
    printf("adapter:    softhba at 0x%x, IRQ %u, ",
           (unsigned)ScsiPortConvertPhysicalAddressToUlong((*ci->AccessRanges)[0].RangeStart),
           (unsigned)ci->BusInterruptLevel);
    if (ci->DmaChannel == SP_UNINITIALIZED_VALUE)
        printf("PIO\n");
    else
        printf("DMA channel %u (%s-bit, %s mode)\n", (unsigned)ci->DmaChannel,
               ci->DmaWidth == Width16Bits ? "16" : "8", ci->DemandMode ? "demand" : "single");
    if (cli.miniport_sys) {
        const struct pe_load_report *lr = ntsys_report();
        printf("miniport:   %s (%zu bytes) in the i386 emulator, at 0x%08x (ImageBase 0x%08x, "
               "%u relocations), %u imports\n", cli.miniport_sys, lr->file_size, lr->load_base,
               lr->preferred_base, lr->relocations, lr->imports);
    } else {
        printf("miniport:   host_driver/softhba.c built for the host (--driver=native)\n");
    }
    /* INQUIRY VERSION: 3 = SPC, 4 = SPC-2, 5 = SPC-3, 6 = SPC-4. */
    static const char *const versions[8] = { "no standard", "SCSI-1", "SCSI-2", "SPC",
                                              "SPC-2", "SPC-3", "SPC-4", "SPC-5" };
    printf("device:     type 0x%02x, %s, %s\n", inq[0] & 0x1F,
           (inq[1] & 0x80) ? "removable" : "fixed", versions[inq[2] & 0x07]);
    printf("vendor:     %s\n", vendor);
    printf("product:    %s\n", product);
    printf("revision:   %s\n", rev);
    printf("blocks:     %" PRIu64 " (last LBA %u)\n", disk_blocks(), (unsigned)cli.last_lba);
    printf("block size: %u\n", (unsigned)cli.target.block_size);
    printf("size:       %.2f MiB\n", (double)bytes / (1024.0 * 1024.0));
    printf("ready:      %.3f ms after power-on\n", ready_ps / 1e9);
    fflush(stdout);
    json_write_ready(ready_ps);
    cmd_end("info");
    return 0;
}
