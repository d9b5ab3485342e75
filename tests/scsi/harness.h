/* What the SCSI layer's host tests share: counting checks, running one
 * command block against RAM disks and checking what every answer must
 * satisfy, and expecting a status and sense. */
#ifndef SOFTHBA_TESTS_HARNESS_H
#define SOFTHBA_TESTS_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#include "ramdisk.h"
#include "scsi.h"

#define NO_INFO (-1)
#define ANY (-2)

extern unsigned checks, failures;
extern const char *current;  /* name of the case running, for FAIL lines */
extern struct scsi_result res; /* the last command's */

#define EXPECT(cond, ...)                                                  \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            printf("FAIL %s (line %d): ", current, __LINE__);              \
            printf(__VA_ARGS__);                                           \
            printf("\n");                                                  \
        }                                                                  \
    } while (0)

/* Runs a command block to its result (scsi_execute or scsi_execute_bus). */
typedef void (*hx_run_fn)(const uint8_t *block, struct scsi_result *res);

/* Build a command block, run it, and check the answer is well formed. rds[id]
 * is the RAM disk behind SCSI ID id (NULL: none): the addressed one plays the
 * host side of the data phase, every other one must not be touched. */
void hx_exec(hx_run_fn run, struct ramdisk *const rds[SCSI_TARGETS], uint8_t target, uint8_t lun,
             uint8_t flags, uint32_t data_len, const uint8_t *cdb, unsigned cdb_len,
             const uint8_t *out, uint32_t out_len);

/* Expect a status, host status, sense key/ASC/ASCQ and INFORMATION (NO_INFO:
 * VALID clear, ANY: not checked). */
void expect(unsigned status, unsigned hs, unsigned sk, unsigned asc, unsigned ascq, long long inf);
void good(void);
/* Expect a sense-key-specific field pointer: cdb 1 (C/D) or 0, byte offset. */
void expect_ptr(int cdb, unsigned byte);
uint32_t info(void);
uint32_t be32(const uint8_t *p);
uint32_t be16(const uint8_t *p);

/* Shorthand for the case tables: data direction, the expected outcome
 * (status, host status, sense key, ASC, ASCQ, INFORMATION) and CDBs. */
#define IN SHBA_HOST_CMD_FLAG_DATA_IN
#define OUT SHBA_HOST_CMD_FLAG_DATA_OUT
#define CC SCSI_STATUS_CHECK_CONDITION
#define HS(x) 0, SHBA_HOST_HS_##x, 0, 0, 0, NO_INFO
#define OK 0, 0, 0, 0, 0, NO_INFO
#define SENSE(k, a, q) CC, 0, k, a, q, NO_INFO
#define SENSE_I(k, a, q, i) CC, 0, k, a, q, i
#define R10(op, b1, lba, n) { op, b1, (lba) >> 24, ((lba) >> 16) & 255, ((lba) >> 8) & 255, (lba) & 255, 0, (n) >> 8, (n) & 255, 0 }
#define R6(op, lba, n) { op, ((lba) >> 16) & 31, ((lba) >> 8) & 255, (lba) & 255, n, 0 }

#endif
