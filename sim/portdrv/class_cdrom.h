/* NT 4.0's CD-ROM class driver (cdrom.sys) on the class layer: what it
 * sends when it claims a CD-ROM (READ CAPACITY, the 2048-byte default and
 * the power-of-two block size, MODE SENSE of the read error recovery page,
 * 6-byte first, then 10-byte), the READ TOC of IOCTL_CDROM_READ_TOC and
 * IOCTL_CDROM_GET_LAST_SESSION (the format in CDB byte 9 bits 7:6), the
 * audio control page of IOCTL_CDROM_GET_VOLUME, reads split by the
 * adapter's capabilities, and a media change: the unit attention 6/28/00 on
 * a mounted disc fails the read with STATUS_VERIFY_REQUIRED, the volume is
 * verified (CHECK_VERIFY: TEST UNIT READY), the capacity read again
 * (CdRomUpdateCapacity) and the read sent again.  Sources and limits:
 * docs/miniport.md "The class layer". */
#ifndef SOFTHBA_CLASS_CDROM_H
#define SOFTHBA_CLASS_CDROM_H

#include <stdint.h>

#include "class_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CDROM_BLOCK 2048u             /* ISO 9660's, the default without a capacity */
#define CDROM_TOC_SIZE 804u           /* sizeof(CDROM_TOC): 4 + 100 track descriptors */
#define CDROM_MODE_DATA_SIZE 64u      /* MODE_DATA_SIZE of the audio control IOCTLs */
#define CDROM_AUDIO_CONTROL_PAGE 0x0E
#define CDROM_READ_RECOVERY_PAGE 0x01

/* cdrom.sys's XAFlags: which MODE SENSE/SELECT the drive takes */
#define CDROM_XA_USE_6_BYTE 0x01u
#define CDROM_XA_USE_10_BYTE 0x02u
#define CDROM_XA_USE_READ_CD 0x04u
#define CDROM_XA_NOT_SUPPORTED 0x08u

struct class_cdrom {
    struct class_target t;            /* removable; mounted once a volume is read */
    int index;                        /* \Device\CdRomN */
    int capacity_valid;               /* the last READ CAPACITY succeeded */
    uint64_t blocks;                  /* capacity in t.block_size blocks */
    struct class_result capacity;     /* the last READ CAPACITY */
    unsigned xa_flags;
    uint8_t recovery[28];             /* the read error recovery page's MODE SENSE data */
    uint32_t recovery_len;
    unsigned capacity_reads;          /* READ CAPACITYs since the claim's (CdRomUpdateCapacity) */
    unsigned verifies;                /* volume verifies after a media change */
};

/* Claims the CD-ROM at target/lun as CdRom<index>.  0 (a drive without a
 * disc is claimed too: capacity_valid 0, 2048-byte blocks). */
int class_cdrom_claim(int adapter, UCHAR target, UCHAR lun, int index, struct class_cdrom *cd);
/* CdRomUpdateCapacity: READ CAPACITY again.  0, or -1. */
int class_cdrom_update_capacity(struct class_cdrom *cd);
/* IOCTL_CDROM_CHECK_VERIFY: TEST UNIT READY.  0, or -1. */
int class_cdrom_check_verify(struct class_cdrom *cd, struct class_result *r);
/* IOCTL_CDROM_READ_TOC: READ TOC, MSF, from track 0, allocation
 * min(len, CDROM_TOC_SIZE).  IOCTL_CDROM_GET_LAST_SESSION: format 1 in CDB
 * byte 9, LBA.  Bytes returned in r->transferred.  0, or -1. */
int class_cdrom_read_toc(struct class_cdrom *cd, uint8_t *buf, uint32_t len, struct class_result *r);
int class_cdrom_last_session(struct class_cdrom *cd, uint8_t *buf, uint32_t len,
                             struct class_result *r);
/* IOCTL_CDROM_GET_VOLUME's MODE SENSE: the audio control page, 6- or
 * 10-byte as the claim found, CDROM_MODE_DATA_SIZE bytes.  0, or -1. */
int class_cdrom_get_volume(struct class_cdrom *cd, uint8_t *buf, uint32_t len,
                           struct class_result *r);
/* An IRP_MJ_READ of count blocks at lba on the mounted disc: READ(10)s
 * split by the adapter, each with the completion's retries; a media change
 * verifies the volume once and sends the read again.  0, or -1. */
int class_cdrom_read(struct class_cdrom *cd, uint32_t lba, uint32_t count, uint8_t *buf,
                     struct class_result *r);

#ifdef __cplusplus
}
#endif

#endif
