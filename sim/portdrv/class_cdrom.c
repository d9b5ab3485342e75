/* NT 4.0's CD-ROM class driver on the class layer (class_cdrom.h). */
#include <string.h>

#include "class_cdrom.h"
#include "ddk/scsi.h"

#define CDROM_TIMEOUT_S 10            /* SCSI_CDROM_TIMEOUT */
/* MODE SENSE of the read error recovery page: header + block descriptor +
 * MODE_READ_RECOVERY_PAGE (12 bytes), with the 4- or 8-byte header */
#define RECOVERY_LEN6 (4u + 8u + 12u)
#define RECOVERY_LEN10 (8u + 8u + 12u)

/* The power of two at or below bps (cdrom.sys: for drives that report a
 * block size that is not one). */
static uint32_t power_of_two_floor(uint32_t bps)
{
    uint32_t p = 1;
    while (bps >>= 1)
        p <<= 1;
    return p;
}

/* The claim's and CdRomUpdateCapacity's READ CAPACITY: without an answer
 * (no disc) the block size is ISO 9660's. */
static int read_capacity(struct class_cdrom *cd)
{
    uint32_t last = 0;
    int rc = class_read_capacity(&cd->t, &last, &cd->capacity);
    if (rc != 0 || cd->t.block_size == 0) {
        /* cdrom.sys keeps 2048-byte blocks and a 0x7FFFFFFF-byte length;
         * the capacity is unknown here */
        cd->t.block_size = CDROM_BLOCK;
        cd->blocks = 0;
        cd->capacity_valid = 0;
        return -1;
    }
    cd->t.block_size = power_of_two_floor(cd->t.block_size);
    cd->blocks = (uint64_t)last + 1;
    cd->capacity_valid = 1;
    return 0;
}

int class_cdrom_claim(int adapter, UCHAR target, UCHAR lun, int index, struct class_cdrom *cd)
{
    struct class_result r;
    memset(cd, 0, sizeof *cd);
    cd->t.adapter = adapter;
    cd->t.target = target;
    cd->t.lun = lun;
    cd->t.block_size = CDROM_BLOCK;
    cd->t.removable = 1;              /* the class driver's device is FILE_REMOVABLE_MEDIA */
    cd->index = index;
    (void)read_capacity(cd);

    /* The read error recovery page, kept to switch block sizes for raw
     * reads: 6-byte MODE SENSE first; failing that (ATAPI) 10-byte; a short
     * 10-byte answer makes cdrom.sys try READ CD (no data) to use it. */
    cd->xa_flags = CDROM_XA_USE_6_BYTE;
    uint8_t cdb6[6] = { SCSIOP_MODE_SENSE, 0, CDROM_READ_RECOVERY_PAGE, 0, RECOVERY_LEN6, 0 };
    if (class_send(&cd->t, cdb6, 6, cd->recovery, RECOVERY_LEN6, SRB_FLAGS_DATA_IN, CDROM_TIMEOUT_S,
                   CLASS_SYNC, &r) == 0 && r.srb_status == SRB_STATUS_SUCCESS) {
        cd->recovery_len = r.transferred;
        return 0;
    }
    uint8_t cdb10[10] = { SCSIOP_MODE_SENSE10, 0, CDROM_READ_RECOVERY_PAGE, 0, 0, 0, 0, 0,
                          RECOVERY_LEN10, 0 };
    int rc = class_send(&cd->t, cdb10, 10, cd->recovery, RECOVERY_LEN10, SRB_FLAGS_DATA_IN,
                        CDROM_TIMEOUT_S, CLASS_SYNC, &r);
    if (rc == 0 && r.srb_status == SRB_STATUS_DATA_OVERRUN) {
        uint8_t read_cd[12] = { SCSIOP_READ_CD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        struct class_result r2;
        cd->recovery_len = r.transferred;
        cd->xa_flags &= ~CDROM_XA_USE_6_BYTE;
        if (class_send(&cd->t, read_cd, 12, NULL, 0, 0, CDROM_TIMEOUT_S, CLASS_SYNC, &r2) == 0 ||
            r2.status == CLASS_STATUS_NO_MEDIA_IN_DEVICE)
            cd->xa_flags |= CDROM_XA_USE_READ_CD | CDROM_XA_USE_10_BYTE;
        else
            cd->xa_flags |= CDROM_XA_USE_10_BYTE;
    } else if (rc == 0) {
        cd->recovery_len = r.transferred;
        cd->xa_flags = (cd->xa_flags & ~CDROM_XA_USE_6_BYTE) | CDROM_XA_USE_10_BYTE;
    } else {
        cd->xa_flags |= CDROM_XA_NOT_SUPPORTED;
    }
    return 0;
}

int class_cdrom_update_capacity(struct class_cdrom *cd)
{
    cd->capacity_reads++;
    return read_capacity(cd);
}

int class_cdrom_check_verify(struct class_cdrom *cd, struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_TEST_UNIT_READY, 0, 0, 0, 0, 0 };
    return class_send(&cd->t, cdb, 6, NULL, 0, 0, CDROM_TIMEOUT_S, CLASS_OVERRIDE_VERIFY, r);
}

/* READ TOC as cdrom.sys builds it: 10-byte CDB, starting track 0, the
 * allocation at most a CDROM_TOC, Format in the CDB's last byte bits 7:6
 * (its READ_TOC layout: Control:6, Format:2). */
static int read_toc(struct class_cdrom *cd, int msf, unsigned format, uint8_t *buf, uint32_t len,
                    struct class_result *r)
{
    uint32_t alloc = len > CDROM_TOC_SIZE ? CDROM_TOC_SIZE : len;
    uint8_t cdb[10] = { SCSIOP_READ_TOC, (uint8_t)(msf ? 0x02 : 0), 0, 0, 0, 0, 0,
                        (uint8_t)(alloc >> 8), (uint8_t)alloc, (uint8_t)(format << 6) };
    /* a TOC shorter than the allocation is what the disc has */
    return class_send(&cd->t, cdb, 10, buf, alloc, SRB_FLAGS_DATA_IN, CDROM_TIMEOUT_S, 0, r);
}

int class_cdrom_read_toc(struct class_cdrom *cd, uint8_t *buf, uint32_t len, struct class_result *r)
{
    return read_toc(cd, 1, 0, buf, len, r);
}

int class_cdrom_last_session(struct class_cdrom *cd, uint8_t *buf, uint32_t len,
                             struct class_result *r)
{
    return read_toc(cd, 0, 1, buf, len, r);   /* GET_LAST_SESSION */
}

int class_cdrom_get_volume(struct class_cdrom *cd, uint8_t *buf, uint32_t len,
                           struct class_result *r)
{
    uint32_t n = len < CDROM_MODE_DATA_SIZE ? len : CDROM_MODE_DATA_SIZE;
    if (cd->xa_flags & CDROM_XA_USE_6_BYTE) {
        uint8_t cdb[6] = { SCSIOP_MODE_SENSE, 0, CDROM_AUDIO_CONTROL_PAGE, 0, (uint8_t)n, 0 };
        return class_send(&cd->t, cdb, 6, buf, n, SRB_FLAGS_DATA_IN, CDROM_TIMEOUT_S, 0, r);
    }
    uint8_t cdb[10] = { SCSIOP_MODE_SENSE10, 0, CDROM_AUDIO_CONTROL_PAGE, 0, 0, 0, 0,
                        (uint8_t)(n >> 8), (uint8_t)n, 0 };
    return class_send(&cd->t, cdb, 10, buf, n, SRB_FLAGS_DATA_IN, CDROM_TIMEOUT_S, 0, r);
}

int class_cdrom_read(struct class_cdrom *cd, uint32_t lba, uint32_t count, uint8_t *buf,
                     struct class_result *r)
{
    struct class_result local;
    int verified = 0;
    if (!r)
        r = &local;
    cd->t.mounted = 1;                /* a read of a CD goes through a mounted volume */
    for (;;) {
        if (cd->t.verify_volume) {
            /* The medium may have changed (DO_VERIFY_VOLUME): the file
             * system verifies the volume (CHECK_VERIFY goes past the flag),
             * cdrom.sys reads the capacity again, then the read is sent
             * (again).  Once a read. */
            if (verified) {
                r->status = CLASS_STATUS_VERIFY_REQUIRED;
                return -1;
            }
            verified = 1;
            cd->verifies++;
            if (class_cdrom_check_verify(cd, r) != 0)
                return -1;
            if (class_cdrom_update_capacity(cd) != 0) {
                *r = cd->capacity;
                return -1;
            }
            cd->t.verify_volume = 0;
        }
        if (class_read10(&cd->t, lba, count, buf, r) == 0)
            return 0;
        if (r->status != CLASS_STATUS_VERIFY_REQUIRED)
            return -1;
    }
}
