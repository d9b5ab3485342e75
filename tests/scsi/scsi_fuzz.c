/* libFuzzer harness for the SCSI command layer: random command blocks, CDBs,
 * data-out bytes and medium/host faults, several commands per input against
 * a bus of targets (a 512-byte disk, a read-only 4096-byte disk, a removable
 * 1024-byte disk, a CD-ROM, a 2048-byte disk; IDs 4 and 6 empty), so sense,
 * unit attention, eject and prevent state carry over. Every answer must be
 * well formed; anything else aborts.
 *
 * An input is a sequence of records:
 *   [0] medium: bits 1:0 ready / no medium / not ready / write-protected,
 *       bits 4:2 read fault kind, bits 6:5 write fault kind, bit 7 host fault
 *   [1] fault LBA (small) and host fault position (x 64 bytes)
 *   [2] capacity choice
 *   [3] bit 7: raw target (otherwise bits 2:0); bit 6: raw LUN (otherwise 0)
 *   [4..27] the command block (data length taken modulo 1 MiB + 1)
 *   [28] data-out bytes that follow (x 16), then those bytes
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ramdisk.h"
#include "scsi.h"

#define STORED 64u
#define REC_HDR 29u
#define MAX_DATA (1u << 20)

/* The bus: ID, type, block size, removable, read-only. */
static const struct { uint8_t id, type; uint16_t block_size; uint8_t removable, read_only; } bus[] = {
    { 0, SCSI_TYPE_DISK, 512, 0, 0 },   { 1, SCSI_TYPE_DISK, 4096, 0, 1 },
    { 2, SCSI_TYPE_DISK, 1024, 1, 0 },  { 3, SCSI_TYPE_CDROM, 2048, 1, 1 },
    { 5, SCSI_TYPE_DISK, 2048, 0, 0 },
};

static struct ramdisk disks[SCSI_TARGETS];
static struct ramdisk *rds[SCSI_TARGETS];
static int rd_ready;
static uint8_t host_out[MAX_DATA]; /* the host's data-out buffer: zeros past the input's bytes */

static void require(int cond)
{
    if (!cond)
        abort();
}

static const uint64_t capacities[8] = {
    STORED, 1, 2, 4096, 0xFFFFFFFFull, 0x100000000ull, 0x100000000ull + 12345, 64u * 32u * 1024u + 1,
};

static const enum scsi_io faults[8] = {
    SCSI_IO_OK, SCSI_IO_READ_ERROR, SCSI_IO_WRITE_ERROR, SCSI_IO_NO_MEDIUM,
    SCSI_IO_WPROTECT, SCSI_IO_MEDIUM_HW, SCSI_IO_ABORTED, SCSI_IO_COUNT_ + 3, /* a glue bug */
};

/* Allocation length of a CPU-built data-in, or UINT32_MAX when not one. */
static uint32_t alloc_len(const uint8_t *cdb)
{
    switch (cdb[0]) {
    case 0x12: return (uint32_t)cdb[3] << 8 | cdb[4];
    case 0x03: case 0x1A: return cdb[4];
    case 0x5A: case 0x42: case 0x43: case 0x44: case 0x46: return (uint32_t)cdb[7] << 8 | cdb[8];
    case 0x25: return 8;
    case 0xA0: return (uint32_t)cdb[6] << 24 | cdb[7] << 16 | cdb[8] << 8 | cdb[9];
    default: return UINT32_MAX;
    }
}

static void one(struct scsi_dev *const targets[SCSI_TARGETS], const uint8_t *rec, const uint8_t *out,
                uint32_t out_len)
{
    uint8_t blk[SHBA_HOST_CMD_BLOCK_LEN], enc[SHBA_HOST_RES_BLOCK_LEN];
    struct scsi_result res;
    memcpy(blk, rec + 4, sizeof blk);
    if (!(rec[3] & 0x80))
        blk[SHBA_HOST_CMD_TARGET] = rec[3] & 7;
    if (!(rec[3] & 0x40))
        blk[SHBA_HOST_CMD_LUN] = 0;
    uint32_t data_len = ((uint32_t)blk[4] | (uint32_t)blk[5] << 8 | (uint32_t)blk[6] << 16 |
                         (uint32_t)blk[7] << 24) % (MAX_DATA + 1);
    for (int i = 0; i < 4; i++)
        blk[SHBA_HOST_CMD_DATA_LEN + i] = (uint8_t)(data_len >> (8 * i));

    unsigned id = blk[SHBA_HOST_CMD_TARGET];
    static struct ramdisk nobody; /* for an ID with no target: takes the faults, moves nothing */
    struct ramdisk *addressed = id < SCSI_TARGETS ? rds[id] : NULL;
    struct ramdisk *rd = addressed ? addressed : &nobody;
    unsigned m = rec[0] & 3;
    rd->medium_flags = m == 1 ? 0 : m == 2 ? SCSI_MEDIUM_PRESENT
                    : SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY | (m == 3 ? SCSI_MEDIUM_WPROTECT : 0);
    rd->read_err = faults[(rec[0] >> 2) & 7];
    rd->read_err_lba = rd->read_err == SCSI_IO_OK ? RD_NONE : rec[1] & 0x3F;
    rd->write_err = faults[(rec[0] >> 5) & 3 ? 1 + ((rec[0] >> 5) & 3) : 0];
    rd->write_err_lba = rd->write_err == SCSI_IO_OK ? RD_NONE : rec[1] & 0x3F;
    rd->host_fault = (rec[0] & 0x80) ? (enum scsi_io)(SCSI_IO_ABORTED + (rec[1] >> 6) % 5) : SCSI_IO_OK;
    rd->host_fault_at = (uint32_t)(rec[1] & 0x3F) * 64;
    rd->blocks = capacities[rec[2] & 7];

    if (out_len > data_len)
        out_len = data_len;
    memcpy(host_out, out, out_len);
    /* Every target but the addressed one gets a data length of 0: any move
     * there is an overflow. */
    for (unsigned i = 0; i < SCSI_TARGETS; i++)
        if (rds[i])
            ramdisk_host(rds[i], rds[i] == addressed ? data_len : 0, host_out,
                         rds[i] == addressed ? data_len : 0);
    ramdisk_host(&nobody, 0, NULL, 0);
    uint32_t written_before = rd->blocks_written;
    scsi_execute_bus(targets, blk, &res);

    /* Data phase within bounds, operations called with sane arguments, on
     * the addressed target only. */
    for (unsigned i = 0; i < SCSI_TARGETS; i++)
        if (rds[i])
            require(!rds[i]->overflow && !rds[i]->bad_call);
    if (!addressed)
        require(res.host_status != SHBA_HOST_HS_OK);
    uint32_t host_moved = rd->in_len + rd->out_pos;
    require(res.residual <= data_len && data_len - res.residual <= host_moved);
    const uint8_t *cdb = blk + SHBA_HOST_CMD_CDB;
    uint32_t alloc = alloc_len(cdb);
    if (alloc != UINT32_MAX)
        require(rd->in_len <= alloc);
    /* Result well formed. */
    require(res.host_status <= SHBA_HOST_HS_HW_ERROR);
    if (res.host_status != SHBA_HOST_HS_OK) {
        require(res.scsi_status == 0 && res.sense_len == 0);
    } else if (res.scsi_status == SCSI_STATUS_CHECK_CONDITION) {
        const uint8_t *s = res.sense;
        require(res.sense_len == SCSI_SENSE_LEN && (s[0] & 0x7F) == 0x70 && s[7] == 10);
        require((s[2] & 0x0F) != 0 && (s[2] & 0xF0) == 0 && s[12] != 0);
        if (s[15] & 0x80) /* a field pointer points inside what it names */
            require((s[15] & 0x40) ? s[17] < blk[SHBA_HOST_CMD_CDB_LEN] : s[17] < data_len);
    } else {
        require(res.scsi_status == SCSI_STATUS_GOOD && res.sense_len == 0);
        require(data_len - res.residual == host_moved);
    }
    /* Writes: GOOD means every block programmed; a write error at LBA X
     * means exactly the blocks before X were programmed. */
    unsigned op = cdb[0];
    /* A CD-ROM and a read-only disk are never written. */
    if (addressed && (targets[id]->cfg.read_only))
        require(rd->blocks_written == written_before);
    if (res.host_status == 0 && (op == 0x0A || op == 0x2A)) {
        uint32_t lba = op == 0x0A ? (uint32_t)(cdb[1] & 0x1F) << 16 | cdb[2] << 8 | cdb[3]
                                  : (uint32_t)cdb[2] << 24 | cdb[3] << 16 | cdb[4] << 8 | cdb[5];
        uint32_t count = op == 0x0A ? (cdb[4] ? cdb[4] : 256u) : (uint32_t)cdb[7] << 8 | cdb[8];
        uint32_t written = rd->blocks_written - written_before;
        const uint8_t *s = res.sense;
        if (res.scsi_status == SCSI_STATUS_GOOD)
            require(written == count);
        else if ((s[2] & 0x0F) == SCSI_SK_MEDIUM_ERROR && s[12] == 0x0C)
            require((s[0] & 0x80) && written == ((uint32_t)s[3] << 24 | s[4] << 16 | s[5] << 8 | s[6]) - lba);
    }
    /* A GOOD read moves the blocks asked for, in the target's block size. */
    if (addressed && res.host_status == 0 && res.scsi_status == SCSI_STATUS_GOOD &&
        (op == 0x08 || op == 0x28 || op == 0xA8)) {
        uint64_t count = op == 0x08 ? (cdb[4] ? cdb[4] : 256u)
                       : op == 0x28 ? (uint32_t)cdb[7] << 8 | cdb[8]
                                    : (uint32_t)cdb[6] << 24 | cdb[7] << 16 | cdb[8] << 8 | cdb[9];
        require((uint64_t)rd->in_len == count * targets[id]->cfg.block_size);
    }
    unsigned n = scsi_result_encode(&res, enc);
    require(n == SHBA_HOST_RES_SENSE + res.sense_len && n <= SHBA_HOST_RES_BLOCK_LEN);
    memset(host_out, 0, out_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct scsi_dev devs[SCSI_TARGETS];
    struct scsi_dev *targets[SCSI_TARGETS] = { 0 };
    if (!rd_ready) { /* RAM disks for the whole run: their blocks persist between inputs */
        for (size_t i = 0; i < sizeof bus / sizeof bus[0]; i++) {
            ramdisk_init_bs(&disks[bus[i].id], STORED, bus[i].block_size);
            rds[bus[i].id] = &disks[bus[i].id];
        }
        rd_ready = 1;
    }
    for (size_t i = 0; i < sizeof bus / sizeof bus[0]; i++) {
        struct scsi_target_config cfg;
        scsi_config_default(&cfg, bus[i].id, bus[i].type, 0xC0FFEE00u + bus[i].id);
        cfg.block_size = bus[i].block_size;
        cfg.removable = bus[i].removable;
        cfg.read_only = bus[i].read_only;
        require(scsi_init_target(&devs[bus[i].id], &cfg, &ramdisk_ops, &disks[bus[i].id]) == 0);
        targets[bus[i].id] = &devs[bus[i].id];
        disks[bus[i].id].blocks_written = 0;
    }
    while (size >= REC_HDR) {
        const uint8_t *rec = data;
        uint32_t out_len = (uint32_t)rec[REC_HDR - 1] * 16;
        data += REC_HDR;
        size -= REC_HDR;
        if (out_len > size)
            out_len = (uint32_t)size;
        one(targets, rec, data, out_len);
        data += out_len;
        size -= out_len;
    }
    return 0;
}
