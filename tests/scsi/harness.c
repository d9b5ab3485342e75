/* The SCSI host tests' shared checks: see harness.h. */
#include "harness.h"

#include <string.h>

unsigned checks, failures;
const char *current = "";
struct scsi_result res;

void hx_exec(hx_run_fn run, struct ramdisk *const rds[SCSI_TARGETS], uint8_t target, uint8_t lun,
             uint8_t flags, uint32_t data_len, const uint8_t *cdb, unsigned cdb_len,
             const uint8_t *out, uint32_t out_len)
{
    uint8_t blk[SHBA_HOST_CMD_BLOCK_LEN] = { 0 }, enc[SHBA_HOST_RES_BLOCK_LEN];
    struct ramdisk *rd = target < SCSI_TARGETS ? rds[target] : NULL;
    blk[SHBA_HOST_CMD_TARGET] = target;
    blk[SHBA_HOST_CMD_LUN] = lun;
    blk[SHBA_HOST_CMD_CDB_LEN] = (uint8_t)cdb_len;
    blk[SHBA_HOST_CMD_FLAGS] = flags;
    for (int i = 0; i < 4; i++)
        blk[SHBA_HOST_CMD_DATA_LEN + i] = (uint8_t)(data_len >> (8 * i));
    memcpy(blk + SHBA_HOST_CMD_CDB, cdb, cdb_len > 16 ? 16 : cdb_len);
    /* Every other target gets a data length of 0: any move there overflows. */
    for (unsigned i = 0; i < SCSI_TARGETS; i++)
        if (rds[i])
            ramdisk_host(rds[i], rds[i] == rd ? data_len : 0, rds[i] == rd ? out : NULL,
                         rds[i] == rd ? out_len : 0);
    run(blk, &res);
    for (unsigned i = 0; i < SCSI_TARGETS; i++)
        if (rds[i]) {
            EXPECT(!rds[i]->overflow, "the layer moved more than the data length (ID %u)", i);
            EXPECT(!rds[i]->bad_call, "an operation got bad arguments (ID %u)", i);
        }
    /* The residual counts what reached its destination: a block the host
     * sent but the medium failed to program is not transferred. */
    uint32_t host_moved = rd ? rd->in_len + rd->out_pos : 0;
    EXPECT(res.residual <= data_len && data_len - res.residual <= host_moved &&
               (res.scsi_status != SCSI_STATUS_GOOD || res.host_status != SHBA_HOST_HS_OK ||
                data_len - res.residual == host_moved),
           "residual %u, moved %u of %u", res.residual, host_moved, data_len);
    if (res.host_status != SHBA_HOST_HS_OK)
        EXPECT(res.scsi_status == 0 && res.sense_len == 0, "host error with a SCSI answer");
    if (res.scsi_status == SCSI_STATUS_CHECK_CONDITION)
        EXPECT(res.sense_len == 18 && res.sense[0] == 0x70 + (res.sense[0] & 0x80) &&
                   res.sense[7] == 10 && (res.sense[2] & 0x0F) != 0,
               "malformed sense");
    else
        EXPECT(res.sense_len == 0, "sense without CHECK CONDITION");
    unsigned n = scsi_result_encode(&res, enc);
    EXPECT(n == 7u + res.sense_len && enc[0] == res.scsi_status && enc[1] == res.host_status &&
               (enc[2] | enc[3] << 8 | enc[4] << 16 | (uint32_t)enc[5] << 24) == res.residual &&
               enc[6] == res.sense_len && memcmp(enc + 7, res.sense, res.sense_len) == 0,
           "result block encoding");
}

uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

uint32_t info(void) { return be32(res.sense + 3); }

void expect(unsigned status, unsigned hs, unsigned sk, unsigned asc, unsigned ascq, long long inf)
{
    EXPECT(res.host_status == hs, "host status %u, expected %u", res.host_status, hs);
    EXPECT(res.scsi_status == status, "status 0x%02x, expected 0x%02x", res.scsi_status, status);
    if (status == SCSI_STATUS_CHECK_CONDITION) {
        EXPECT((res.sense[2] & 0x0F) == sk && res.sense[12] == asc && res.sense[13] == ascq,
               "sense %x/%02x/%02x, expected %x/%02x/%02x", res.sense[2] & 0x0F, res.sense[12],
               res.sense[13], sk, asc, ascq);
        if (inf == NO_INFO)
            EXPECT(!(res.sense[0] & 0x80), "VALID set");
        else if (inf != ANY)
            EXPECT((res.sense[0] & 0x80) && info() == (uint32_t)inf, "information %u, expected %lld",
                   info(), inf);
    }
}

void good(void) { expect(0, 0, 0, 0, 0, NO_INFO); }

void expect_ptr(int cdb, unsigned byte)
{
    EXPECT(res.sense[15] == (cdb ? 0xC0 : 0x80) && res.sense[16] == 0 && res.sense[17] == byte,
           "field pointer %02x %02x %02x, expected %s byte %u", res.sense[15], res.sense[16],
           res.sense[17], cdb ? "CDB" : "parameter list", byte);
}
