/* NT's SCSI class layer on the port driver emulation: what the disk and
 * CD-ROM class drivers of NT 4.0 share through class2 (the SRBs they build,
 * ScsiClassInterpretSenseInfo's retry rules, ScsiClassSendSrbSynchronous
 * and the read/write completion's retry loops, ScsiClassReadDriveCapacity,
 * the split of long transfers, ScsiClassReleaseQueue) and the bus scan the
 * port driver and the class drivers make.  The CD-ROM class's own parts are
 * in class_cdrom.h.  Sources and the rules themselves: docs/miniport.md
 * "The class layer". */
#ifndef SOFTHBA_CLASS_LAYER_H
#define SOFTHBA_CLASS_LAYER_H

#include <stdint.h>

#include "portdrv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* class2's MAXIMUM_RETRIES: a failed request is sent again at most 4 times. */
#define CLASS_MAX_RETRIES 4
/* ScsiClassSendSrbSynchronous waits 2 s before it sends again a request
 * that failed NOT READY / LOGICAL UNIT NOT READY (ASC 04). */
#define CLASS_NOT_READY_DELAY_PS 2000000000000ull

/* The NTSTATUS ScsiClassInterpretSenseInfo gives a failed request. */
enum class_nt_status {
    CLASS_STATUS_SUCCESS = 0,
    CLASS_STATUS_DEVICE_NOT_READY,
    CLASS_STATUS_NO_MEDIA_IN_DEVICE,
    CLASS_STATUS_MEDIA_WRITE_PROTECTED,
    CLASS_STATUS_DEVICE_DATA_ERROR,
    CLASS_STATUS_IO_DEVICE_ERROR,
    CLASS_STATUS_INVALID_DEVICE_REQUEST,
    CLASS_STATUS_NONEXISTENT_SECTOR,
    CLASS_STATUS_NO_SUCH_DEVICE,
    CLASS_STATUS_VERIFY_REQUIRED,
    CLASS_STATUS_IO_TIMEOUT,
    CLASS_STATUS_DEVICE_NOT_CONNECTED,
    CLASS_STATUS_DATA_OVERRUN,
    CLASS_STATUS_DEVICE_BUSY,
    CLASS_STATUS_INVALID_BLOCK_LENGTH,
};
const char *class_status_name(enum class_nt_status s);   /* "STATUS_DEVICE_NOT_READY" ... */

/* What a failed SRB came back with. */
struct class_outcome {
    UCHAR srb_status;             /* SRB_STATUS() */
    UCHAR scsi_status;
    int sense_valid;              /* SRB_STATUS_AUTOSENSE_VALID */
    UCHAR sense_key, asc, ascq;
    int incorrect_length;         /* sense byte 2 bit 5 (ILI) */
};

/* How the request was sent. */
#define CLASS_SYNC 0x1u              /* ScsiClassSendSrbSynchronous (claim, IOCTL helpers):
                                        the 2 s wait on LUN NOT READY; else a read/write or
                                        a CD-ROM IOCTL completion, retried at once */
#define CLASS_REMOVABLE_MOUNTED 0x2u /* removable medium with a mounted volume: a unit
                                        attention asks for a verify instead of a retry */
#define CLASS_OVERRIDE_VERIFY 0x4u   /* SL_OVERRIDE_VERIFY_VOLUME (the file system's verify):
                                        STATUS_VERIFY_REQUIRED is retried (class_send) */

struct class_decision {
    int retry;                    /* send it again (when retries are left) */
    uint64_t delay_ps;            /* wait this long first (CLASS_SYNC only) */
    enum class_nt_status status;  /* what the request fails with if not retried */
    int media_change;             /* a unit attention: the media change count goes up */
};

/* ScsiClassInterpretSenseInfo for one failed attempt; retries_done is how
 * many times the request was already sent again (class2 passes
 * MAXIMUM_RETRIES - retries left).  The delay is ScsiClassSendSrbSynchronous'
 * (2 s on NOT READY ASC 04 when the request is retried or not). */
void class_interpret(const struct class_outcome *o, unsigned flags, unsigned retries_done,
                     struct class_decision *d);

struct class_target {
    int adapter;
    UCHAR target, lun;
    uint32_t block_size;          /* from READ CAPACITY, 512 until then */
    int removable;                /* INQUIRY RMB: ScsiClassReleaseQueue flushes, not releases */
    int mounted;                  /* a volume is mounted (CLASS_REMOVABLE_MOUNTED with removable) */
    int verify_volume;            /* DO_VERIFY_VOLUME: set by a unit attention on a mounted
                                     removable medium, cleared by the verify */
    unsigned media_change_count;  /* unit attentions seen (MediaChangeCount) */
};

struct class_result {
    UCHAR srb_status;             /* SRB_STATUS() of the last attempt */
    UCHAR scsi_status;
    UCHAR sense_key, asc, ascq;   /* valid when sense_valid */
    int sense_valid;
    uint32_t transferred;         /* bytes the last attempt moved */
    int attempts;
    enum class_nt_status status;  /* CLASS_STATUS_SUCCESS, or why it failed */
    uint64_t delayed_ps;          /* simulated time spent in the 2 s waits */
};

/* One SRB with class2's retry loop around it: ScsiClassSendSrbSynchronous
 * (flags CLASS_SYNC) or the I/O completion's.  A short data phase
 * (SRB_STATUS_DATA_OVERRUN) is not retried and counts as done here; the
 * caller checks r->transferred where it matters.  0 done, -1 failed. */
int class_send(struct class_target *t, const uint8_t *cdb, UCHAR cdb_len, void *data,
               uint32_t len, ULONG direction, ULONG timeout_s, unsigned flags,
               struct class_result *r);

/* 0: the command succeeded (perhaps after retries); -1: it failed, see r. */
int class_inquiry(struct class_target *t, uint8_t *buf, uint32_t len, struct class_result *r);
/* An INQUIRY text field (vendor, product, revision) as a C string: trailing
 * blanks and NULs dropped, unprintable bytes as '?'; out holds n + 1 bytes. */
void class_inquiry_text(char *out, const uint8_t *in, unsigned n);
int class_test_unit_ready(struct class_target *t, struct class_result *r);
/* ScsiClassReadDriveCapacity: READ CAPACITY sent synchronously, once more
 * on STATUS_VERIFY_REQUIRED; sets t->block_size.  On failure the class
 * driver's defaults stand (512 bytes, 0 blocks) and -1 is returned. */
int class_read_capacity(struct class_target *t, uint32_t *last_lba, struct class_result *r);
int class_request_sense(struct class_target *t, uint8_t *buf, uint32_t len,
                        struct class_result *r);
int class_mode_sense6(struct class_target *t, uint8_t page, uint8_t *buf, uint32_t len,
                      struct class_result *r);
/* START STOP UNIT as IOCTL_STORAGE_EJECT_MEDIA (load 0) and LOAD_MEDIA
 * (load 1) send it: LoEj set, Start = load. */
int class_start_stop(struct class_target *t, int load, struct class_result *r);

/* The split of a read or write, as ScsiClassSplitRequest's callers do: a
 * transfer longer than MaximumTransferLength or touching more pages than
 * MaximumPhysicalPages goes in pieces of at most min(MaximumTransferLength,
 * (MaximumPhysicalPages - 1) pages).  Blocks of bs bytes in the next piece
 * of count blocks at buf; 0 when the adapter cannot take one block. */
uint32_t class_blocks_per_transfer(int adapter, const uint8_t *buf, uint32_t count, uint32_t bs);

/* Reads or writes count blocks at lba (READ(10)/WRITE(10)), split as above,
 * each piece with the I/O completion's retries.  A short piece fails. */
int class_read10(struct class_target *t, uint32_t lba, uint32_t count, uint8_t *buf,
                 struct class_result *r);
int class_write10(struct class_target *t, uint32_t lba, uint32_t count, const uint8_t *buf,
                  struct class_result *r);

/* ScsiClassReleaseQueue: SRB_FUNCTION_FLUSH_QUEUE for a removable device,
 * SRB_FUNCTION_RELEASE_QUEUE otherwise.  0, or -1. */
int class_release_queue(const struct class_target *t);

/* The bus scan.  NT's port driver sends INQUIRY to every target id on
 * path 0 but the initiator's (0-6 for initiator 7), LUN 0 first and, for a
 * target that answers, LUNs 1-7; the disk class driver claims peripheral
 * type 0 (direct access) as \Device\HarddiskN, the CD-ROM class driver
 * type 5 as \Device\CdRomN, each its own list.  A claimed device gets what
 * its class driver sends at claim time: the disk ScsiClassReadDriveCapacity,
 * the CD-ROM class_cdrom_claim (READ CAPACITY, MODE SENSE page 1).  When
 * READ CAPACITY failed the entry keeps why (ready 0, its sense). */
#define CLASS_SCAN_MAX 56             /* 7 targets x 8 LUNs */
enum class_claim { CLASS_UNCLAIMED = 0, CLASS_DISK, CLASS_CDROM };
struct class_scan_entry {
    UCHAR target, lun;
    uint8_t peripheral_type;          /* INQUIRY byte 0 bits 4-0 */
    int removable;                    /* INQUIRY byte 1 bit 7 */
    char vendor[9], product[17], revision[5];   /* blank-trimmed, NUL-ended */
    enum class_claim claim;
    int index;                        /* position in its class's list (disk 0, 1, ...; CD-ROM 0, ...) */
    char nt_name[16];                 /* "Harddisk0", "CdRom0"; "" when unclaimed */
    int ready;                        /* READ CAPACITY succeeded */
    uint32_t block_size;              /* from READ CAPACITY; 0 when it failed */
    uint64_t blocks;                  /* last LBA + 1; 0 when READ CAPACITY failed */
    struct class_result capacity;     /* the claim's READ CAPACITY: status, sense, attempts */
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
