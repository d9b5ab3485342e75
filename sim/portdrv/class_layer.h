/* A small SCSI disk class layer on the port driver emulation: builds the
 * SRBs NT's disk class driver sends (INQUIRY, TEST UNIT READY, READ
 * CAPACITY, READ(10)/WRITE(10), REQUEST SENSE, MODE SENSE(6)) and retries
 * as it does: unit attention and bus reset at once, NOT READY after 2 s
 * (simulated), a short data phase is success; BUSY is the port driver's
 * (it retries once a second, 20 times).  A failed SRB comes back with its
 * queue frozen (SRB_STATUS_QUEUE_FROZEN): the class layer releases it
 * (SRB_FUNCTION_RELEASE_QUEUE) before anything else.  class_scan finds the
 * devices on the bus as NT's port driver and class drivers do. */
#ifndef SOFTHBA_CLASS_LAYER_H
#define SOFTHBA_CLASS_LAYER_H

#include <stdint.h>

#include "portdrv.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLASS_RETRIES 4

struct class_target {
    int adapter;
    UCHAR target, lun;
    uint32_t block_size;          /* from READ CAPACITY, 512 until then */
};

struct class_result {
    UCHAR srb_status;             /* SRB_STATUS() of the last attempt */
    UCHAR scsi_status;
    UCHAR sense_key, asc, ascq;   /* valid when sense_valid */
    int sense_valid;
    uint32_t transferred;         /* bytes the last attempt moved */
    int attempts;
};

/* 0: the command succeeded (perhaps after retries); -1: it failed, see r. */
int class_inquiry(const struct class_target *t, uint8_t *buf, uint32_t len, struct class_result *r);
int class_test_unit_ready(const struct class_target *t, struct class_result *r);
int class_read_capacity(struct class_target *t, uint32_t *last_lba, struct class_result *r);
int class_request_sense(const struct class_target *t, uint8_t *buf, uint32_t len,
                        struct class_result *r);
int class_mode_sense6(const struct class_target *t, uint8_t page, uint8_t *buf, uint32_t len,
                      struct class_result *r);
/* Reads or writes count blocks at lba, split as NT's class driver does:
 * by MaximumTransferLength and by the pages the buffer touches (at most
 * NumberOfPhysicalBreaks + 1, or 16 map registers without scatter/gather). */
int class_read10(const struct class_target *t, uint32_t lba, uint32_t count, uint8_t *buf,
                 struct class_result *r);
int class_write10(const struct class_target *t, uint32_t lba, uint32_t count, const uint8_t *buf,
                  struct class_result *r);

/* SRB_FUNCTION_RELEASE_QUEUE for t's logical unit.  0, or -1. */
int class_release_queue(const struct class_target *t);

/* The bus scan.  NT's port driver sends INQUIRY to every target id on
 * path 0 but the initiator's (0-6 for initiator 7), LUN 0 first and, for a
 * target that answers, LUNs 1-7; the disk class driver claims peripheral
 * type 0 (direct access), the CD-ROM class driver type 5, each its own list
 * of devices.  A claimed device gets READ CAPACITY (a CD-ROM without a
 * disc reports 0 blocks). */
#define CLASS_SCAN_MAX 56             /* 7 targets x 8 LUNs */
enum class_claim { CLASS_UNCLAIMED = 0, CLASS_DISK, CLASS_CDROM };
struct class_scan_entry {
    UCHAR target, lun;
    uint8_t peripheral_type;          /* INQUIRY byte 0 bits 4-0 */
    int removable;                    /* INQUIRY byte 1 bit 7 */
    char vendor[9], product[17], revision[5];   /* blank-trimmed, NUL-ended */
    enum class_claim claim;
    int index;                        /* position in its class's list (disk 0, 1, ...; CD-ROM 0, ...) */
    uint32_t block_size;              /* from READ CAPACITY; 0 when it failed */
    uint64_t blocks;                  /* last LBA + 1; 0 when READ CAPACITY failed */
};
struct class_scan_result {
    int count;                        /* entries used */
    int disks, cdroms;                /* claimed by each class */
    int targets_probed;               /* INQUIRYs sent to LUN 0 */
    struct class_scan_entry dev[CLASS_SCAN_MAX];
};
/* Scans adapter's bus into *out.  0 (even with no device), -1 without an adapter. */
int class_scan(int adapter, struct class_scan_result *out);

/* Builds an EXECUTE_SCSI SRB (exposed for tests). */
void class_build_srb(PSCSI_REQUEST_BLOCK srb, const struct class_target *t, const uint8_t *cdb,
                     UCHAR cdb_len, void *data, uint32_t len, ULONG direction_flags,
                     void *sense, UCHAR sense_len, ULONG timeout_s);

#ifdef __cplusplus
}
#endif

#endif
