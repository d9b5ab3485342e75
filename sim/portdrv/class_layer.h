/* A small SCSI disk class layer on the port driver emulation: builds the
 * SRBs NT's disk class driver sends (INQUIRY, TEST UNIT READY, READ
 * CAPACITY, READ(10)/WRITE(10), REQUEST SENSE, MODE SENSE(6)) and retries
 * as it does: unit attention, bus reset and BUSY are retried at once, NOT
 * READY after 2 s (simulated), a short data phase is success. */
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

/* Builds an EXECUTE_SCSI SRB (exposed for tests). */
void class_build_srb(PSCSI_REQUEST_BLOCK srb, const struct class_target *t, const uint8_t *cdb,
                     UCHAR cdb_len, void *data, uint32_t len, ULONG direction_flags,
                     void *sense, UCHAR sense_len, ULONG timeout_s);

#ifdef __cplusplus
}
#endif

#endif
