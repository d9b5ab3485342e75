/* The disk class layer on the port driver emulation (class_layer.h). */
#include <string.h>

#include "class_layer.h"
#include "ddk/scsi.h"

#define TIMEOUT_INQUIRY_S 4
#define TIMEOUT_DEFAULT_S 10

void class_build_srb(PSCSI_REQUEST_BLOCK srb, const struct class_target *t, const uint8_t *cdb,
                     UCHAR cdb_len, void *data, uint32_t len, ULONG direction_flags,
                     void *sense, UCHAR sense_len, ULONG timeout_s)
{
    memset(srb, 0, sizeof *srb);
    srb->Length = sizeof *srb;
    srb->Function = SRB_FUNCTION_EXECUTE_SCSI;
    srb->PathId = 0;
    srb->TargetId = t->target;
    srb->Lun = t->lun;
    srb->QueueTag = SP_UNTAGGED;
    srb->CdbLength = cdb_len;
    memcpy(srb->Cdb, cdb, cdb_len);
    srb->DataBuffer = len ? data : NULL;
    srb->DataTransferLength = len;
    srb->SrbFlags = len ? direction_flags : SRB_FLAGS_NO_DATA_TRANSFER;
    srb->SenseInfoBuffer = sense;
    srb->SenseInfoBufferLength = sense_len;
    srb->TimeOutValue = timeout_s;
}

int class_release_queue(const struct class_target *t)
{
    SCSI_REQUEST_BLOCK srb;
    memset(&srb, 0, sizeof srb);
    srb.Length = sizeof srb;
    srb.Function = SRB_FUNCTION_RELEASE_QUEUE;
    srb.TargetId = t->target;
    srb.Lun = t->lun;
    return portdrv_execute(t->adapter, &srb) == SRB_STATUS_SUCCESS ? 0 : -1;
}

/* One command with the class driver's retry policy. */
static int run(const struct class_target *t, const uint8_t *cdb, UCHAR cdb_len, void *data,
               uint32_t len, ULONG dir, ULONG timeout_s, struct class_result *r)
{
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct class_result local;
    if (!r)
        r = &local;
    memset(r, 0, sizeof *r);
    for (;;) {
        UCHAR st;
        memset(sense, 0, sizeof sense);
        class_build_srb(&srb, t, cdb, cdb_len, data, len, dir, sense, sizeof sense, timeout_s);
        r->attempts++;
        st = portdrv_execute(t->adapter, &srb);
        if (srb.SrbStatus & SRB_STATUS_QUEUE_FROZEN)
            (void)class_release_queue(t);     /* as NT's class driver, on every error */
        r->srb_status = st;
        r->scsi_status = srb.ScsiStatus;
        r->transferred = srb.DataTransferLength;
        r->sense_valid = (srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID) != 0;
        if (r->sense_valid) {
            r->sense_key = sense[2] & 0x0F;
            r->asc = sense[12];
            r->ascq = sense[13];
        }
        if (st == SRB_STATUS_SUCCESS || st == SRB_STATUS_DATA_OVERRUN)
            return 0;
        if (r->attempts > CLASS_RETRIES)
            return -1;
        if (st == SRB_STATUS_BUS_RESET || st == SRB_STATUS_TIMEOUT)
            continue;
        /* BUSY: the port driver already retried it once a second, 20 times */
        if (st == SRB_STATUS_ERROR && r->sense_valid) {
            if (r->sense_key == SCSI_SENSE_UNIT_ATTENTION)
                continue;
            if (r->sense_key == SCSI_SENSE_NOT_READY && r->asc == 0x3A)
                return -1;            /* medium not present: retrying cannot help */
            if (r->sense_key == SCSI_SENSE_NOT_READY) {
                for (int i = 0; i < 200; i++)   /* 2 s of simulated time */
                    ScsiPortStallExecution(10000);
                continue;
            }
            if (r->sense_key == SCSI_SENSE_HARDWARE_ERROR)
                continue;
        }
        return -1;                    /* MEDIUM ERROR, ILLEGAL REQUEST, no device... */
    }
}

int class_inquiry(const struct class_target *t, uint8_t *buf, uint32_t len, struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_INQUIRY, 0, 0, 0, (uint8_t)(len > 255 ? 255 : len), 0 };
    return run(t, cdb, 6, buf, cdb[4], SRB_FLAGS_DATA_IN, TIMEOUT_INQUIRY_S, r);
}

int class_test_unit_ready(const struct class_target *t, struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_TEST_UNIT_READY, 0, 0, 0, 0, 0 };
    return run(t, cdb, 6, NULL, 0, 0, TIMEOUT_DEFAULT_S, r);
}

int class_read_capacity(struct class_target *t, uint32_t *last_lba, struct class_result *r)
{
    uint8_t cdb[10] = { SCSIOP_READ_CAPACITY, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    uint8_t data[8] = { 0 };
    if (run(t, cdb, 10, data, sizeof data, SRB_FLAGS_DATA_IN, TIMEOUT_DEFAULT_S, r) != 0)
        return -1;
    *last_lba = ((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) |
                ((uint32_t)data[2] << 8) | data[3];
    t->block_size = ((uint32_t)data[4] << 24) | ((uint32_t)data[5] << 16) |
                    ((uint32_t)data[6] << 8) | data[7];
    return 0;
}

int class_request_sense(const struct class_target *t, uint8_t *buf, uint32_t len,
                        struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_REQUEST_SENSE, 0, 0, 0, (uint8_t)(len > 255 ? 255 : len), 0 };
    return run(t, cdb, 6, buf, cdb[4], SRB_FLAGS_DATA_IN, TIMEOUT_DEFAULT_S, r);
}

int class_mode_sense6(const struct class_target *t, uint8_t page, uint8_t *buf, uint32_t len,
                      struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_MODE_SENSE, 0, page, 0, (uint8_t)(len > 255 ? 255 : len), 0 };
    return run(t, cdb, 6, buf, cdb[4], SRB_FLAGS_DATA_IN, TIMEOUT_DEFAULT_S, r);
}

#define NT_PAGE 4096u

/* Pages a buffer touches. */
static uint32_t pages_spanned(const uint8_t *buf, uint32_t len)
{
    return (uint32_t)((((uintptr_t)buf & (NT_PAGE - 1)) + len + NT_PAGE - 1) / NT_PAGE);
}

/* As NT's disk class driver: a transfer longer than MaximumTransferLength,
 * or touching more pages than the port driver's MaximumPhysicalPages
 * (NumberOfPhysicalBreaks + 1; for an adapter without scatter/gather the
 * map registers of its channel), is split into pieces of at most
 * min(MaximumTransferLength, (pages - 1) * 4 KiB), which fit however the
 * piece is aligned. */
static uint32_t blocks_per_transfer(const PORT_CONFIGURATION_INFORMATION *ci,
                                    uint32_t map_registers, const uint8_t *buf, uint32_t count,
                                    uint32_t bs)
{
    uint32_t pages = ci->NumberOfPhysicalBreaks && ci->NumberOfPhysicalBreaks != SP_UNINITIALIZED_VALUE
                         ? ci->NumberOfPhysicalBreaks + 1 : map_registers;
    uint32_t piece = ci->MaximumTransferLength;
    if ((uint64_t)count * bs <= piece && pages_spanned(buf, count * bs) <= pages)
        return count;
    if (pages > 1 && (pages - 1) * NT_PAGE < piece)
        piece = (pages - 1) * NT_PAGE;
    return count < piece / bs ? count : piece / bs;
}

static int rw10(const struct class_target *t, uint8_t op, uint32_t lba, uint32_t count,
                uint8_t *buf, ULONG dir, struct class_result *r)
{
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(t->adapter);
    uint32_t bs = t->block_size ? t->block_size : 512;
    ULONG map_registers = portdrv_map_registers(t->adapter);
    struct class_result local;
    if (!r)
        r = &local;
    if (!ci)
        return -1;
    if (ci->MaximumTransferLength / bs == 0)
        return -1;
    if (!map_registers)
        map_registers = PORTDRV_ISA_MAP_REGISTERS;   /* PIO: no channel, same bound */
    while (count) {
        uint32_t n = blocks_per_transfer(ci, map_registers, buf, count, bs);
        if (n == 0)
            return -1;
        uint8_t cdb[10] = { op, 0, (uint8_t)(lba >> 24), (uint8_t)(lba >> 16),
                            (uint8_t)(lba >> 8), (uint8_t)lba, 0,
                            (uint8_t)(n >> 8), (uint8_t)n, 0 };
        if (run(t, cdb, 10, buf, n * bs, dir, TIMEOUT_DEFAULT_S, r) != 0)
            return -1;
        if (r->transferred != n * bs)
            return -1;                /* a short read or write is an error here */
        lba += n;
        count -= n;
        buf += (size_t)n * bs;
    }
    return 0;
}

int class_read10(const struct class_target *t, uint32_t lba, uint32_t count, uint8_t *buf,
                 struct class_result *r)
{
    return rw10(t, SCSIOP_READ, lba, count, buf, SRB_FLAGS_DATA_IN, r);
}

int class_write10(const struct class_target *t, uint32_t lba, uint32_t count, const uint8_t *buf,
                  struct class_result *r)
{
    /* The SRB's buffer is not const, but a write only reads it. */
    uint8_t *p;
    memcpy(&p, &buf, sizeof p);
    return rw10(t, SCSIOP_WRITE, lba, count, p, SRB_FLAGS_DATA_OUT, r);
}

/* Copies an INQUIRY text field, trailing blanks dropped. */
static void inquiry_text(char *out, const uint8_t *in, unsigned n)
{
    unsigned len = n;
    while (len && (in[len - 1] == ' ' || in[len - 1] == 0))
        len--;
    for (unsigned i = 0; i < len; i++)
        out[i] = (in[i] >= 0x20 && in[i] < 0x7F) ? (char)in[i] : '?';
    out[len] = 0;
}

/* The port driver's scan INQUIRY: no retries, no queue freeze (an empty id
 * answers SELECTION_TIMEOUT at once and the scan moves on).  1 when a
 * device is connected at t (peripheral qualifier 0), with its data. */
static int scan_inquiry(const struct class_target *t, uint8_t *inq)
{
    static const uint8_t cdb[6] = { SCSIOP_INQUIRY, 0, 0, 0, INQUIRYDATABUFFERSIZE, 0 };
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[SENSE_BUFFER_SIZE];
    UCHAR st;
    memset(inq, 0, INQUIRYDATABUFFERSIZE);
    class_build_srb(&srb, t, cdb, 6, inq, INQUIRYDATABUFFERSIZE, SRB_FLAGS_DATA_IN, sense,
                    sizeof sense, TIMEOUT_INQUIRY_S);
    srb.SrbFlags |= SRB_FLAGS_NO_QUEUE_FREEZE;
    st = portdrv_execute(t->adapter, &srb);
    if (st != SRB_STATUS_SUCCESS && st != SRB_STATUS_DATA_OVERRUN)
        return 0;
    return srb.DataTransferLength >= 5 && (inq[0] >> 5) == 0;
}

int class_scan(int adapter, struct class_scan_result *out)
{
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(adapter);
    unsigned max_targets;
    memset(out, 0, sizeof *out);
    if (!ci)
        return -1;
    max_targets = ci->MaximumNumberOfTargets && ci->MaximumNumberOfTargets <= 8
                      ? ci->MaximumNumberOfTargets : 8;
    for (unsigned target = 0; target < max_targets; target++) {
        if (target == ci->InitiatorBusId[0])
            continue;                 /* the adapter itself */
        for (unsigned lun = 0; lun < 8; lun++) {
            struct class_target t = { adapter, (UCHAR)target, (UCHAR)lun, 512 };
            uint8_t inq[INQUIRYDATABUFFERSIZE];
            struct class_scan_entry *e;
            struct class_result r;
            uint32_t last_lba;
            if (lun == 0)
                out->targets_probed++;
            if (!scan_inquiry(&t, inq)) {
                if (lun == 0)
                    break;            /* nothing at LUN 0: the target is not there */
                continue;
            }
            if (out->count == CLASS_SCAN_MAX)
                return 0;
            e = &out->dev[out->count++];
            e->target = (UCHAR)target;
            e->lun = (UCHAR)lun;
            e->peripheral_type = inq[0] & 0x1F;
            e->removable = (inq[1] & 0x80) != 0;
            inquiry_text(e->vendor, inq + 8, 8);
            inquiry_text(e->product, inq + 16, 16);
            inquiry_text(e->revision, inq + 32, 4);
            if (e->peripheral_type == 0) {
                e->claim = CLASS_DISK;
                e->index = out->disks++;
            } else if (e->peripheral_type == 5) {
                e->claim = CLASS_CDROM;
                e->index = out->cdroms++;
            } else {
                continue;
            }
            /* the class driver's first commands: the power-on unit
             * attention goes with TEST UNIT READY, then the capacity */
            (void)class_test_unit_ready(&t, &r);
            if (class_read_capacity(&t, &last_lba, &r) == 0) {
                e->block_size = t.block_size;
                e->blocks = (uint64_t)last_lba + 1;
            }
        }
    }
    return 0;
}
