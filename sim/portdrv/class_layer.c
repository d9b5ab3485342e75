/* NT's class layer on the port driver emulation (class_layer.h). */
#include <stdio.h>
#include <string.h>

#include "class_cdrom.h"
#include "class_layer.h"
#include "ddk/scsi.h"

#define TIMEOUT_INQUIRY_S 4
#define TIMEOUT_DEFAULT_S 10   /* SCSI_DISK_TIMEOUT: a class driver's TimeOutValue */
#define NT_PAGE 4096u

const char *class_status_name(enum class_nt_status s)
{
    static const char *const names[] = {
        [CLASS_STATUS_SUCCESS] = "STATUS_SUCCESS",
        [CLASS_STATUS_DEVICE_NOT_READY] = "STATUS_DEVICE_NOT_READY",
        [CLASS_STATUS_NO_MEDIA_IN_DEVICE] = "STATUS_NO_MEDIA_IN_DEVICE",
        [CLASS_STATUS_MEDIA_WRITE_PROTECTED] = "STATUS_MEDIA_WRITE_PROTECTED",
        [CLASS_STATUS_DEVICE_DATA_ERROR] = "STATUS_DEVICE_DATA_ERROR",
        [CLASS_STATUS_IO_DEVICE_ERROR] = "STATUS_IO_DEVICE_ERROR",
        [CLASS_STATUS_INVALID_DEVICE_REQUEST] = "STATUS_INVALID_DEVICE_REQUEST",
        [CLASS_STATUS_NONEXISTENT_SECTOR] = "STATUS_NONEXISTENT_SECTOR",
        [CLASS_STATUS_NO_SUCH_DEVICE] = "STATUS_NO_SUCH_DEVICE",
        [CLASS_STATUS_VERIFY_REQUIRED] = "STATUS_VERIFY_REQUIRED",
        [CLASS_STATUS_IO_TIMEOUT] = "STATUS_IO_TIMEOUT",
        [CLASS_STATUS_DEVICE_NOT_CONNECTED] = "STATUS_DEVICE_NOT_CONNECTED",
        [CLASS_STATUS_DATA_OVERRUN] = "STATUS_DATA_OVERRUN",
        [CLASS_STATUS_DEVICE_BUSY] = "STATUS_DEVICE_BUSY",
        [CLASS_STATUS_INVALID_BLOCK_LENGTH] = "STATUS_INVALID_BLOCK_LENGTH",
    };
    return (unsigned)s < sizeof names / sizeof names[0] && names[s] ? names[s] : "STATUS_?";
}

/* The sense-data half of ScsiClassInterpretSenseInfo. */
static void interpret_sense(const struct class_outcome *o, unsigned flags, struct class_decision *d)
{
    switch (o->sense_key & 0x0F) {
    case SCSI_SENSE_NOT_READY:
        d->status = CLASS_STATUS_DEVICE_NOT_READY;
        if (o->asc == SCSI_ADSENSE_LUN_NOT_READY) {
            if (o->ascq == SCSI_SENSEQ_MANUAL_INTERVENTION_REQUIRED) {
                d->status = CLASS_STATUS_NO_MEDIA_IN_DEVICE;
                d->retry = 0;
            } else if (o->ascq == SCSI_SENSEQ_FORMAT_IN_PROGRESS) {
                d->retry = 0;
            }
            /* BECOMING READY, INIT COMMAND REQUIRED and the rest: retried (a
             * disk with DEV_SAFE_START_UNIT also gets a START UNIT: not sent here) */
        } else if (o->asc == SCSI_ADSENSE_NO_MEDIA_IN_DEVICE) {
            d->status = CLASS_STATUS_NO_MEDIA_IN_DEVICE;
            d->retry = 0;
        }
        break;
    case SCSI_SENSE_DATA_PROTECT:
        d->status = CLASS_STATUS_MEDIA_WRITE_PROTECTED;
        d->retry = 0;
        break;
    case SCSI_SENSE_MEDIUM_ERROR:
        d->status = CLASS_STATUS_DEVICE_DATA_ERROR;
        d->retry = 0;
        break;
    case SCSI_SENSE_HARDWARE_ERROR:
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        break;
    case SCSI_SENSE_ILLEGAL_REQUEST:
        d->status = CLASS_STATUS_INVALID_DEVICE_REQUEST;
        switch (o->asc) {
        case SCSI_ADSENSE_ILLEGAL_BLOCK:
            d->status = CLASS_STATUS_NONEXISTENT_SECTOR;
            d->retry = 0;
            break;
        case SCSI_ADSENSE_INVALID_LUN:
            d->status = CLASS_STATUS_NO_SUCH_DEVICE;
            d->retry = 0;
            break;
        case SCSI_ADSENSE_ILLEGAL_COMMAND:
        case SCSI_ADSENSE_MUSIC_AREA:
        case SCSI_ADSENSE_DATA_AREA:
        case SCSI_ADSENSE_VOLUME_OVERFLOW:
        case SCSI_ADSENSE_INVALID_CDB:   /* retried only to drop FUA with a write cache on */
            d->retry = 0;
            break;
        default:                         /* any other ASC: retried */
            break;
        }
        break;
    case SCSI_SENSE_UNIT_ATTENTION:
        d->media_change = 1;
        if (flags & CLASS_REMOVABLE_MOUNTED) {
            d->status = CLASS_STATUS_VERIFY_REQUIRED;   /* DO_VERIFY_VOLUME set */
            d->retry = 0;
        } else {
            d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        }
        break;
    case SCSI_SENSE_ABORTED_COMMAND:
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        break;
    case SCSI_SENSE_RECOVERED_ERROR:
        d->status = o->incorrect_length ? CLASS_STATUS_INVALID_BLOCK_LENGTH : CLASS_STATUS_SUCCESS;
        d->retry = 0;
        break;
    case SCSI_SENSE_NO_SENSE:
        if (o->incorrect_length) {
            d->status = CLASS_STATUS_INVALID_BLOCK_LENGTH;
            d->retry = 0;
        } else {
            d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        }
        break;
    default:
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        break;
    }
}

/* The SRB-status half: no valid sense data. */
static void interpret_srb(const struct class_outcome *o, unsigned retries_done,
                          struct class_decision *d)
{
    switch (o->srb_status) {
    case SRB_STATUS_INVALID_LUN:
    case SRB_STATUS_INVALID_TARGET_ID:
    case SRB_STATUS_NO_DEVICE:
    case SRB_STATUS_NO_HBA:
    case SRB_STATUS_INVALID_PATH_ID:
        d->status = CLASS_STATUS_NO_SUCH_DEVICE;
        d->retry = 0;
        break;
    case SRB_STATUS_COMMAND_TIMEOUT:
    case SRB_STATUS_ABORTED:
    case SRB_STATUS_TIMEOUT:
        d->status = CLASS_STATUS_IO_TIMEOUT;
        break;
    case SRB_STATUS_SELECTION_TIMEOUT:
        d->status = CLASS_STATUS_DEVICE_NOT_CONNECTED;
        d->retry = 0;
        break;
    case SRB_STATUS_DATA_OVERRUN:
        d->status = CLASS_STATUS_DATA_OVERRUN;
        d->retry = 0;
        break;
    case SRB_STATUS_PHASE_SEQUENCE_FAILURE:
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        if (retries_done > 1)
            d->retry = 0;             /* "limit the number of retries" */
        break;
    case SRB_STATUS_REQUEST_FLUSHED:
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;   /* VERIFY_REQUIRED with DO_VERIFY_VOLUME */
        break;
    case SRB_STATUS_INVALID_REQUEST:
        d->status = CLASS_STATUS_INVALID_DEVICE_REQUEST;
        d->retry = 0;
        break;
    case SRB_STATUS_UNEXPECTED_BUS_FREE:
    case SRB_STATUS_PARITY_ERROR:
    case SRB_STATUS_BUS_RESET:
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        break;
    case SRB_STATUS_ERROR:
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        if (o->scsi_status == SCSISTAT_BUSY) {
            d->status = CLASS_STATUS_DEVICE_NOT_READY;
        } else if (o->scsi_status == SCSISTAT_RESERVATION_CONFLICT) {
            d->status = CLASS_STATUS_DEVICE_BUSY;
            d->retry = 0;
        }
        break;
    default:                          /* SRB_STATUS_BUSY among them: logged, retried */
        d->status = CLASS_STATUS_IO_DEVICE_ERROR;
        break;
    }
}

void class_interpret(const struct class_outcome *o, unsigned flags, unsigned retries_done,
                     struct class_decision *d)
{
    memset(d, 0, sizeof *d);
    d->retry = 1;
    if (o->sense_valid)
        interpret_sense(o, flags, d);
    else
        interpret_srb(o, retries_done, d);
    /* ScsiClassSendSrbSynchronous: spin-up time before the next try */
    if ((flags & CLASS_SYNC) && d->retry &&
        ((d->status == CLASS_STATUS_DEVICE_NOT_READY && o->sense_valid &&
          o->asc == SCSI_ADSENSE_LUN_NOT_READY) ||
         o->srb_status == SRB_STATUS_SELECTION_TIMEOUT))
        d->delay_ps = CLASS_NOT_READY_DELAY_PS;
}

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
    /* a removable device's queue is flushed, which releases it too */
    srb.Function = t->removable ? SRB_FUNCTION_FLUSH_QUEUE : SRB_FUNCTION_RELEASE_QUEUE;
    srb.TargetId = t->target;
    srb.Lun = t->lun;
    return portdrv_execute(t->adapter, &srb) == SRB_STATUS_SUCCESS ? 0 : -1;
}

static void stall(uint64_t ps)
{
    for (uint64_t done = 0; done < ps; done += 10000000000ull)
        ScsiPortStallExecution(10000);   /* 10 ms steps of simulated time */
}

int class_send(struct class_target *t, const uint8_t *cdb, UCHAR cdb_len, void *data,
               uint32_t len, ULONG direction, ULONG timeout_s, unsigned flags,
               struct class_result *r)
{
    SCSI_REQUEST_BLOCK srb;
    uint8_t sense[SENSE_BUFFER_SIZE];
    struct class_result local;
    unsigned retries_done = 0;
    if (!r)
        r = &local;
    memset(r, 0, sizeof *r);
    if (t->removable && t->mounted)
        flags |= CLASS_REMOVABLE_MOUNTED;
    for (;;) {
        struct class_outcome o;
        struct class_decision d;
        UCHAR st;
        memset(sense, 0, sizeof sense);
        class_build_srb(&srb, t, cdb, cdb_len, data, len, direction, sense, sizeof sense,
                        timeout_s);
        r->attempts++;
        st = portdrv_execute(t->adapter, &srb);
        if (srb.SrbStatus & SRB_STATUS_QUEUE_FROZEN)
            (void)class_release_queue(t);     /* before anything else, on every error */
        r->srb_status = st;
        r->scsi_status = srb.ScsiStatus;
        r->transferred = srb.DataTransferLength;
        r->sense_valid = (srb.SrbStatus & SRB_STATUS_AUTOSENSE_VALID) != 0;
        r->sense_key = r->asc = r->ascq = 0;
        if (r->sense_valid) {
            r->sense_key = sense[2] & 0x0F;
            r->asc = sense[12];
            r->ascq = sense[13];
        }
        if (st == SRB_STATUS_SUCCESS) {
            r->status = CLASS_STATUS_SUCCESS;
            return 0;
        }
        o.srb_status = st;
        o.scsi_status = r->scsi_status;
        o.sense_valid = r->sense_valid;
        o.sense_key = r->sense_key;
        o.asc = r->asc;
        o.ascq = r->ascq;
        o.incorrect_length = r->sense_valid && (sense[2] & 0x20);
        class_interpret(&o, flags, retries_done, &d);
        if (d.media_change)
            t->media_change_count++;
        if (d.status == CLASS_STATUS_VERIFY_REQUIRED) {
            t->verify_volume = 1;     /* DO_VERIFY_VOLUME */
            if (flags & CLASS_OVERRIDE_VERIFY) {
                d.status = CLASS_STATUS_IO_DEVICE_ERROR;   /* ScsiClassIoComplete retries it */
                d.retry = 1;
            }
        }
        r->status = d.status;
        if (st == SRB_STATUS_DATA_OVERRUN)
            return 0;                 /* a short data phase: the caller decides */
        if (d.status == CLASS_STATUS_SUCCESS)
            return 0;                 /* RECOVERED ERROR */
        if (!d.retry)
            return -1;
        if (d.delay_ps) {             /* waited even when no retry is left */
            stall(d.delay_ps);
            r->delayed_ps += d.delay_ps;
        }
        if (retries_done == CLASS_MAX_RETRIES)
            return -1;
        retries_done++;
    }
}

int class_inquiry(struct class_target *t, uint8_t *buf, uint32_t len, struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_INQUIRY, 0, 0, 0, (uint8_t)(len > 255 ? 255 : len), 0 };
    return class_send(t, cdb, 6, buf, cdb[4], SRB_FLAGS_DATA_IN, TIMEOUT_INQUIRY_S, CLASS_SYNC, r);
}

int class_test_unit_ready(struct class_target *t, struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_TEST_UNIT_READY, 0, 0, 0, 0, 0 };
    return class_send(t, cdb, 6, NULL, 0, 0, TIMEOUT_DEFAULT_S, CLASS_SYNC, r);
}

int class_read_capacity(struct class_target *t, uint32_t *last_lba, struct class_result *r)
{
    uint8_t cdb[10] = { SCSIOP_READ_CAPACITY, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    struct class_result local;
    int retries = 1;                  /* once more on STATUS_VERIFY_REQUIRED */
    if (!r)
        r = &local;
    for (;;) {
        uint8_t data[8] = { 0 };
        int rc = class_send(t, cdb, 10, data, sizeof data, SRB_FLAGS_DATA_IN, TIMEOUT_DEFAULT_S,
                            CLASS_SYNC, r);
        if (rc == 0 && r->srb_status == SRB_STATUS_SUCCESS) {
            *last_lba = ((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) |
                        ((uint32_t)data[2] << 8) | data[3];
            t->block_size = ((uint32_t)data[4] << 24) | ((uint32_t)data[5] << 16) |
                            ((uint32_t)data[6] << 8) | data[7];
            return 0;
        }
        if (r->status == CLASS_STATUS_VERIFY_REQUIRED && retries--)
            continue;
        /* the class driver's defaults when READ CAPACITY failed (a short
         * answer, DATA_OVERRUN, too) */
        t->block_size = 512;
        *last_lba = 0;
        return -1;
    }
}

int class_request_sense(struct class_target *t, uint8_t *buf, uint32_t len, struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_REQUEST_SENSE, 0, 0, 0, (uint8_t)(len > 255 ? 255 : len), 0 };
    return class_send(t, cdb, 6, buf, cdb[4], SRB_FLAGS_DATA_IN, TIMEOUT_DEFAULT_S, CLASS_SYNC, r);
}

int class_mode_sense6(struct class_target *t, uint8_t page, uint8_t *buf, uint32_t len,
                      struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_MODE_SENSE, 0, page, 0, (uint8_t)(len > 255 ? 255 : len), 0 };
    return class_send(t, cdb, 6, buf, cdb[4], SRB_FLAGS_DATA_IN, TIMEOUT_DEFAULT_S, CLASS_SYNC, r);
}

int class_start_stop(struct class_target *t, int load, struct class_result *r)
{
    uint8_t cdb[6] = { SCSIOP_START_STOP_UNIT, 0, 0, 0, (uint8_t)(0x02 | (load ? 0x01 : 0)), 0 };
    return class_send(t, cdb, 6, NULL, 0, 0, TIMEOUT_DEFAULT_S, CLASS_SYNC, r);
}

/* Pages a buffer touches (ADDRESS_AND_SIZE_TO_SPAN_PAGES). */
static uint32_t pages_spanned(const uint8_t *buf, uint32_t len)
{
    return (uint32_t)((((uintptr_t)buf & (NT_PAGE - 1)) + len + NT_PAGE - 1) / NT_PAGE);
}

uint32_t class_blocks_per_transfer(int adapter, const uint8_t *buf, uint32_t count, uint32_t bs)
{
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(adapter);
    uint32_t pages, piece;
    if (!ci || bs == 0)
        return 0;
    /* MaximumPhysicalPages: NumberOfPhysicalBreaks + 1, or for an adapter
     * without scatter/gather the map registers of its channel (PIO: the
     * same bound) */
    if (ci->NumberOfPhysicalBreaks && ci->NumberOfPhysicalBreaks != SP_UNINITIALIZED_VALUE) {
        pages = ci->NumberOfPhysicalBreaks + 1;
    } else {
        pages = portdrv_map_registers(adapter);
        if (!pages)
            pages = PORTDRV_ISA_MAP_REGISTERS;
    }
    piece = ci->MaximumTransferLength;
    if ((uint64_t)count * bs <= piece && pages_spanned(buf, count * bs) <= pages)
        return count;
    if (piece > (pages - 1) * NT_PAGE)
        piece = (pages - 1) * NT_PAGE;
    if (piece == 0)
        piece = NT_PAGE;
    return count < piece / bs ? count : piece / bs;
}

static int rw10(struct class_target *t, uint8_t op, uint32_t lba, uint32_t count, uint8_t *buf,
                ULONG dir, struct class_result *r)
{
    uint32_t bs = t->block_size ? t->block_size : 512;
    struct class_result local;
    if (!r)
        r = &local;
    memset(r, 0, sizeof *r);
    /* ScsiClassSplitRequest: one piece size for the whole request */
    uint32_t per = class_blocks_per_transfer(t->adapter, buf, count, bs);
    if (per == 0) {
        r->status = CLASS_STATUS_INVALID_DEVICE_REQUEST;
        return -1;
    }
    while (count) {
        uint32_t n = count < per ? count : per;
        uint8_t cdb[10] = { op, 0, (uint8_t)(lba >> 24), (uint8_t)(lba >> 16),
                            (uint8_t)(lba >> 8), (uint8_t)lba, 0,
                            (uint8_t)(n >> 8), (uint8_t)n, 0 };
        /* ScsiClassBuildRequest: TimeOutValue per started 64 KiB */
        ULONG timeout = ((n * bs + 0xFFFFu) >> 16) * TIMEOUT_DEFAULT_S;
        if (class_send(t, cdb, 10, buf, n * bs, dir, timeout, 0, r) != 0)
            return -1;
        if (r->transferred != n * bs) {
            r->status = CLASS_STATUS_DATA_OVERRUN;
            return -1;                /* a short read or write is an error here */
        }
        lba += n;
        count -= n;
        buf += (size_t)n * bs;
    }
    return 0;
}

int class_read10(struct class_target *t, uint32_t lba, uint32_t count, uint8_t *buf,
                 struct class_result *r)
{
    return rw10(t, SCSIOP_READ, lba, count, buf, SRB_FLAGS_DATA_IN, r);
}

int class_write10(struct class_target *t, uint32_t lba, uint32_t count, const uint8_t *buf,
                  struct class_result *r)
{
    /* The SRB's buffer is not const, but a write only reads it. */
    uint8_t *p;
    memcpy(&p, &buf, sizeof p);
    return rw10(t, SCSIOP_WRITE, lba, count, p, SRB_FLAGS_DATA_OUT, r);
}

void class_inquiry_text(char *out, const uint8_t *in, unsigned n)
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

/* What the disk class driver sends when it claims a disk. */
static void claim_disk(struct class_target *t, struct class_scan_entry *e)
{
    uint32_t last_lba = 0;
    if (class_read_capacity(t, &last_lba, &e->capacity) == 0) {
        e->ready = 1;
        e->block_size = t->block_size;
        e->blocks = (uint64_t)last_lba + 1;
    }
}

static void claim_cdrom(int adapter, struct class_scan_entry *e, int index)
{
    static struct class_cdrom cd;     /* large enough to keep off the stack */
    class_cdrom_claim(adapter, e->target, e->lun, index, &cd);
    e->capacity = cd.capacity;
    if (cd.capacity_valid) {
        e->ready = 1;
        e->block_size = cd.t.block_size;
        e->blocks = cd.blocks;
    }
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
            struct class_target t = { .adapter = adapter, .target = (UCHAR)target,
                                      .lun = (UCHAR)lun, .block_size = 512 };
            uint8_t inq[INQUIRYDATABUFFERSIZE];
            struct class_scan_entry *e;
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
            t.removable = e->removable;
            class_inquiry_text(e->vendor, inq + 8, 8);
            class_inquiry_text(e->product, inq + 16, 16);
            class_inquiry_text(e->revision, inq + 32, 4);
            if (e->peripheral_type == 0) {
                e->claim = CLASS_DISK;
                e->index = out->disks++;
                snprintf(e->nt_name, sizeof e->nt_name, "Harddisk%d", e->index);
                claim_disk(&t, e);
            } else if (e->peripheral_type == 5) {
                e->claim = CLASS_CDROM;
                e->index = out->cdroms++;
                snprintf(e->nt_name, sizeof e->nt_name, "CdRom%d", e->index);
                claim_cdrom(adapter, e, e->index);
            }
        }
    }
    return 0;
}
