/* The class layer's rules on their own (sim/portdrv/class_layer.c and
 * class_cdrom.c, host C, no simulator): the port driver is a script of SRB
 * outcomes.  Checks class2's ScsiClassInterpretSenseInfo decisions case by
 * case (retry or not, the 2 s wait, the NTSTATUS, the media change count),
 * the retry loops (MAXIMUM_RETRIES 4: five attempts; the synchronous
 * sender's waits, even before giving up; the queue released or flushed
 * after a frozen SRB), ScsiClassReadDriveCapacity's extra try on
 * STATUS_VERIFY_REQUIRED, the split of long reads, and the CD-ROM class:
 * its claim's CDBs, the power-of-two block size, the 10-byte MODE SENSE
 * fallback, READ TOC with the format in byte 9, a media change in a read.
 * Each rule is written out here from docs/miniport.md "The class layer":
 * changing a rule in the code fails a case.
 *
 * usage: class-test; exit 0 when every case passes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_cdrom.h"
#include "class_layer.h"
#include "ddk/scsi.h"

static int failures;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "class-test: FAIL: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

#define EXPECT(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* ---- the port driver, scripted ------------------------------------------ */

struct reply {
    UCHAR srb_status;             /* with SRB_STATUS_AUTOSENSE_VALID / QUEUE_FROZEN */
    UCHAR scsi_status;
    UCHAR sense_key, asc, ascq;
    int ili;
    int32_t transferred;          /* -1: all asked */
    uint8_t data[16];             /* copied to the data buffer (READ CAPACITY's answer) */
    unsigned data_len;
};

#define MAX_SCRIPT 64
static struct {
    struct reply r[MAX_SCRIPT];
    int n, next;
    int repeat_last;              /* the last reply answers every further SRB */
    uint8_t cdb[MAX_SCRIPT * 2][16];
    uint32_t len[MAX_SCRIPT * 2];
    int sent;
    int releases, flushes;
    uint64_t stalled_us;
} pd;

static PORT_CONFIGURATION_INFORMATION config;

static void script_reset(void)
{
    memset(&pd, 0, sizeof pd);
}

static void script(struct reply r)
{
    if (pd.n < MAX_SCRIPT)
        pd.r[pd.n++] = r;
}

const PORT_CONFIGURATION_INFORMATION *portdrv_config_info(int adapter)
{
    return adapter == 0 ? &config : NULL;
}

ULONG portdrv_map_registers(int adapter)
{
    (void)adapter;
    return PORTDRV_ISA_MAP_REGISTERS;
}

VOID ScsiPortStallExecution(ULONG Delay)
{
    pd.stalled_us += Delay;
}

UCHAR portdrv_execute(int adapter, PSCSI_REQUEST_BLOCK srb)
{
    (void)adapter;
    if (srb->Function == SRB_FUNCTION_RELEASE_QUEUE || srb->Function == SRB_FUNCTION_FLUSH_QUEUE) {
        if (srb->Function == SRB_FUNCTION_RELEASE_QUEUE)
            pd.releases++;
        else
            pd.flushes++;
        srb->SrbStatus = SRB_STATUS_SUCCESS;
        return SRB_STATUS_SUCCESS;
    }
    if (pd.sent < MAX_SCRIPT * 2) {
        memcpy(pd.cdb[pd.sent], srb->Cdb, srb->CdbLength);
        pd.len[pd.sent] = srb->DataTransferLength;
    }
    pd.sent++;
    struct reply r = { SRB_STATUS_SUCCESS, 0, 0, 0, 0, 0, -1, { 0 }, 0 };
    if (pd.next < pd.n)
        r = pd.r[pd.next++];
    else if (pd.repeat_last && pd.n)
        r = pd.r[pd.n - 1];
    if (r.data_len && srb->DataBuffer)
        memcpy(srb->DataBuffer, r.data,
               r.data_len < srb->DataTransferLength ? r.data_len : srb->DataTransferLength);
    if (r.transferred >= 0)
        srb->DataTransferLength = (ULONG)r.transferred;
    srb->SrbStatus = r.srb_status;
    srb->ScsiStatus = r.scsi_status;
    if ((r.srb_status & SRB_STATUS_AUTOSENSE_VALID) && srb->SenseInfoBuffer) {
        uint8_t *s = srb->SenseInfoBuffer;
        memset(s, 0, srb->SenseInfoBufferLength);
        s[0] = 0x70;
        s[2] = (uint8_t)(r.sense_key | (r.ili ? 0x20 : 0));
        s[7] = 10;
        s[12] = r.asc;
        s[13] = r.ascq;
    }
    return SRB_STATUS(r.srb_status);
}

static struct reply sense_reply(UCHAR key, UCHAR asc, UCHAR ascq)
{
    struct reply r = { SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID | SRB_STATUS_QUEUE_FROZEN,
                       SCSISTAT_CHECK_CONDITION, key, asc, ascq, 0, 0, { 0 }, 0 };
    return r;
}

static struct reply srb_reply(UCHAR srb_status, UCHAR scsi_status)
{
    struct reply r = { (UCHAR)(srb_status | SRB_STATUS_QUEUE_FROZEN), scsi_status, 0, 0, 0, 0, 0,
                       { 0 }, 0 };
    return r;
}

static struct reply capacity_reply(uint32_t last_lba, uint32_t bs)
{
    struct reply r = { SRB_STATUS_SUCCESS, 0, 0, 0, 0, 0, 8,
                       { (uint8_t)(last_lba >> 24), (uint8_t)(last_lba >> 16),
                         (uint8_t)(last_lba >> 8), (uint8_t)last_lba, (uint8_t)(bs >> 24),
                         (uint8_t)(bs >> 16), (uint8_t)(bs >> 8), (uint8_t)bs },
                       8 };
    return r;
}

static struct reply good(void)
{
    struct reply r = { SRB_STATUS_SUCCESS, 0, 0, 0, 0, 0, -1, { 0 }, 0 };
    return r;
}

/* ---- ScsiClassInterpretSenseInfo, case by case --------------------------- */

#define S CLASS_SYNC
#define M CLASS_REMOVABLE_MOUNTED
#define AV SRB_STATUS_AUTOSENSE_VALID
enum { NO = 0, RETRY = 1 };
enum { NOW = 0, WAIT = 1 };

struct rule {
    const char *what;
    UCHAR srb_status;             /* AV: sense valid */
    UCHAR scsi_status;
    UCHAR key, asc, ascq;
    int ili;
    unsigned flags, retries_done;
    int retry, wait;
    enum class_nt_status status;
    int media_change;
};

static const struct rule rules[] = {
    /* NOT READY */
    { "2/04/01 becoming ready, sync", AV, 2, 2, 0x04, 0x01, 0, S, 0, RETRY, WAIT, CLASS_STATUS_DEVICE_NOT_READY, 0 },
    { "2/04/01 becoming ready, I/O", AV, 2, 2, 0x04, 0x01, 0, 0, 0, RETRY, NOW, CLASS_STATUS_DEVICE_NOT_READY, 0 },
    { "2/04/00 not ready, sync", AV, 2, 2, 0x04, 0x00, 0, S, 3, RETRY, WAIT, CLASS_STATUS_DEVICE_NOT_READY, 0 },
    { "2/04/02 init command required", AV, 2, 2, 0x04, 0x02, 0, S, 0, RETRY, WAIT, CLASS_STATUS_DEVICE_NOT_READY, 0 },
    { "2/04/03 manual intervention", AV, 2, 2, 0x04, 0x03, 0, S, 0, NO, NOW, CLASS_STATUS_NO_MEDIA_IN_DEVICE, 0 },
    { "2/04/04 format in progress", AV, 2, 2, 0x04, 0x04, 0, S, 0, NO, NOW, CLASS_STATUS_DEVICE_NOT_READY, 0 },
    { "2/3A/00 medium not present", AV, 2, 2, 0x3A, 0x00, 0, S, 0, NO, NOW, CLASS_STATUS_NO_MEDIA_IN_DEVICE, 0 },
    { "2/05/00 other NOT READY", AV, 2, 2, 0x05, 0x00, 0, S, 0, RETRY, NOW, CLASS_STATUS_DEVICE_NOT_READY, 0 },
    /* errors that retrying cannot mend */
    { "7/27/00 write protected", AV, 2, 7, 0x27, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_MEDIA_WRITE_PROTECTED, 0 },
    { "3/11/00 medium error", AV, 2, 3, 0x11, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_DEVICE_DATA_ERROR, 0 },
    { "4/08/00 hardware error", AV, 2, 4, 0x08, 0x00, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    /* ILLEGAL REQUEST: these ASCs are final, any other is retried */
    { "5/20/00 invalid opcode", AV, 2, 5, 0x20, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_INVALID_DEVICE_REQUEST, 0 },
    { "5/21/00 LBA out of range", AV, 2, 5, 0x21, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_NONEXISTENT_SECTOR, 0 },
    { "5/24/00 invalid field in CDB", AV, 2, 5, 0x24, 0x00, 0, S, 0, NO, NOW, CLASS_STATUS_INVALID_DEVICE_REQUEST, 0 },
    { "5/25/00 LUN not supported", AV, 2, 5, 0x25, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_NO_SUCH_DEVICE, 0 },
    { "5/A0 music area", AV, 2, 5, 0xA0, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_INVALID_DEVICE_REQUEST, 0 },
    { "5/A1 data area", AV, 2, 5, 0xA1, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_INVALID_DEVICE_REQUEST, 0 },
    { "5/A7 volume overflow", AV, 2, 5, 0xA7, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_INVALID_DEVICE_REQUEST, 0 },
    { "5/26/00 invalid field in parameter list", AV, 2, 5, 0x26, 0x00, 0, 0, 0, RETRY, NOW, CLASS_STATUS_INVALID_DEVICE_REQUEST, 0 },
    /* UNIT ATTENTION */
    { "6/29/00 reset", AV, 2, 6, 0x29, 0x00, 0, S, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 1 },
    { "6/28/00 medium changed, not mounted", AV, 2, 6, 0x28, 0x00, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 1 },
    { "6/28/00 medium changed, mounted removable", AV, 2, 6, 0x28, 0x00, 0, M, 0, NO, NOW, CLASS_STATUS_VERIFY_REQUIRED, 1 },
    { "6/29/00 reset, mounted removable", AV, 2, 6, 0x29, 0x00, 0, M | S, 0, NO, NOW, CLASS_STATUS_VERIFY_REQUIRED, 1 },
    /* the other keys */
    { "B/47/00 aborted command", AV, 2, 0xB, 0x47, 0x00, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "1/17/00 recovered", AV, 2, 1, 0x17, 0x00, 0, 0, 0, NO, NOW, CLASS_STATUS_SUCCESS, 0 },
    { "1 recovered, ILI", AV, 2, 1, 0x00, 0x00, 1, 0, 0, NO, NOW, CLASS_STATUS_INVALID_BLOCK_LENGTH, 0 },
    { "0 no sense", AV, 2, 0, 0x00, 0x00, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "0 no sense, ILI", AV, 2, 0, 0x00, 0x00, 1, 0, 0, NO, NOW, CLASS_STATUS_INVALID_BLOCK_LENGTH, 0 },
    { "8 blank check", AV, 2, 8, 0x00, 0x00, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    /* no sense data: the SRB status decides */
    { "SELECTION_TIMEOUT", SRB_STATUS_SELECTION_TIMEOUT, 0, 0, 0, 0, 0, S, 0, NO, NOW, CLASS_STATUS_DEVICE_NOT_CONNECTED, 0 },
    { "NO_DEVICE", SRB_STATUS_NO_DEVICE, 0, 0, 0, 0, 0, 0, 0, NO, NOW, CLASS_STATUS_NO_SUCH_DEVICE, 0 },
    { "INVALID_LUN", SRB_STATUS_INVALID_LUN, 0, 0, 0, 0, 0, 0, 0, NO, NOW, CLASS_STATUS_NO_SUCH_DEVICE, 0 },
    { "TIMEOUT", SRB_STATUS_TIMEOUT, 0, 0, 0, 0, 0, S, 0, RETRY, NOW, CLASS_STATUS_IO_TIMEOUT, 0 },
    { "ABORTED", SRB_STATUS_ABORTED, 0, 0, 0, 0, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_TIMEOUT, 0 },
    { "BUS_RESET", SRB_STATUS_BUS_RESET, 0, 0, 0, 0, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "PARITY_ERROR", SRB_STATUS_PARITY_ERROR, 0, 0, 0, 0, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "DATA_OVERRUN", SRB_STATUS_DATA_OVERRUN, 0, 0, 0, 0, 0, 0, 0, NO, NOW, CLASS_STATUS_DATA_OVERRUN, 0 },
    { "INVALID_REQUEST", SRB_STATUS_INVALID_REQUEST, 0, 0, 0, 0, 0, 0, 0, NO, NOW, CLASS_STATUS_INVALID_DEVICE_REQUEST, 0 },
    { "REQUEST_FLUSHED", SRB_STATUS_REQUEST_FLUSHED, 0, 0, 0, 0, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "PHASE_SEQUENCE_FAILURE, 1 retry done", SRB_STATUS_PHASE_SEQUENCE_FAILURE, 0, 0, 0, 0, 0, 0, 1, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "PHASE_SEQUENCE_FAILURE, 2 retries done", SRB_STATUS_PHASE_SEQUENCE_FAILURE, 0, 0, 0, 0, 0, 0, 2, NO, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "BUSY (SRB status)", SRB_STATUS_BUSY, 0, 0, 0, 0, 0, S, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
    { "ERROR, SCSI BUSY", SRB_STATUS_ERROR, SCSISTAT_BUSY, 0, 0, 0, 0, S, 0, RETRY, NOW, CLASS_STATUS_DEVICE_NOT_READY, 0 },
    { "ERROR, RESERVATION CONFLICT", SRB_STATUS_ERROR, SCSISTAT_RESERVATION_CONFLICT, 0, 0, 0, 0, 0, 0, NO, NOW, CLASS_STATUS_DEVICE_BUSY, 0 },
    { "ERROR, no status", SRB_STATUS_ERROR, 0, 0, 0, 0, 0, 0, 0, RETRY, NOW, CLASS_STATUS_IO_DEVICE_ERROR, 0 },
};

static void test_rules(void)
{
    for (unsigned i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const struct rule *c = &rules[i];
        struct class_outcome o = { (UCHAR)SRB_STATUS(c->srb_status == AV ? SRB_STATUS_ERROR : c->srb_status),
                                   c->scsi_status, c->srb_status == AV, c->key, c->asc, c->ascq, c->ili };
        struct class_decision d;
        class_interpret(&o, c->flags, c->retries_done, &d);
        EXPECT(d.retry == c->retry, "%s: retry %d, want %d", c->what, d.retry, c->retry);
        EXPECT(d.delay_ps == (c->wait ? CLASS_NOT_READY_DELAY_PS : 0), "%s: delay %llu ps, want %s",
               c->what, (unsigned long long)d.delay_ps, c->wait ? "2 s" : "none");
        EXPECT(d.status == c->status, "%s: %s, want %s", c->what, class_status_name(d.status),
               class_status_name(c->status));
        EXPECT(d.media_change == c->media_change, "%s: media change %d, want %d", c->what,
               d.media_change, c->media_change);
    }
    EXPECT(CLASS_MAX_RETRIES == 4, "MAXIMUM_RETRIES is 4, not %d", CLASS_MAX_RETRIES);
    EXPECT(CLASS_NOT_READY_DELAY_PS == 2000000000000ull, "the NOT READY wait is 2 s");
}

/* ---- the retry loops ------------------------------------------------------ */

static struct class_target disk(void)
{
    struct class_target t = { .adapter = 0, .target = 1, .lun = 0, .block_size = 512 };
    return t;
}

static void test_loops(void)
{
    struct class_target t = disk();
    struct class_result r;
    uint32_t last = 0;
    static uint8_t buf[256 * 1024];

    /* becoming ready for ever, synchronously: 5 attempts, 2 s before each
     * retry and once more before giving up (10 s) */
    script_reset();
    script(sense_reply(2, 0x04, 0x01));
    pd.repeat_last = 1;
    EXPECT(class_test_unit_ready(&t, &r) != 0, "TUR on a unit never ready succeeded");
    EXPECT(r.attempts == 5, "sync NOT READY: %d attempts, want 5", r.attempts);
    EXPECT(pd.stalled_us == 10000000ull && r.delayed_ps == 10 * 1000000000000ull,
           "sync NOT READY: waited %llu us, want 10 s", (unsigned long long)pd.stalled_us);
    EXPECT(pd.releases == 5 && pd.flushes == 0, "a fixed disk's frozen queue: %d releases, %d flushes",
           pd.releases, pd.flushes);
    EXPECT(r.status == CLASS_STATUS_DEVICE_NOT_READY, "sync NOT READY: %s", class_status_name(r.status));

    /* the same on a read: the completion retries at once */
    script_reset();
    script(sense_reply(2, 0x04, 0x01));
    pd.repeat_last = 1;
    EXPECT(class_read10(&t, 0, 8, buf, &r) != 0, "a read of a unit never ready succeeded");
    EXPECT(r.attempts == 5 && pd.stalled_us == 0, "I/O NOT READY: %d attempts, %llu us waited",
           r.attempts, (unsigned long long)pd.stalled_us);

    /* the power-on unit attention, then GOOD */
    script_reset();
    script(sense_reply(6, 0x29, 0x00));
    EXPECT(class_read10(&t, 0, 8, buf, &r) == 0 && r.attempts == 2, "UA then GOOD: %d attempts",
           r.attempts);
    EXPECT(t.media_change_count == 1, "UA: media change count %u", t.media_change_count);

    /* a write to a read-only target: once, 7/27/00 */
    script_reset();
    script(sense_reply(7, 0x27, 0x00));
    pd.repeat_last = 1;
    EXPECT(class_write10(&t, 0, 1, buf, &r) != 0 && r.attempts == 1 && pd.sent == 1,
           "write protected: %d attempts", r.attempts);
    EXPECT(r.sense_key == 7 && r.asc == 0x27 && r.status == CLASS_STATUS_MEDIA_WRITE_PROTECTED,
           "write protected: %x/%02x %s", r.sense_key, r.asc, class_status_name(r.status));

    /* medium not present: once, no wait even synchronously */
    script_reset();
    script(sense_reply(2, 0x3A, 0x00));
    pd.repeat_last = 1;
    EXPECT(class_test_unit_ready(&t, &r) != 0 && r.attempts == 1 && pd.stalled_us == 0,
           "medium not present: %d attempts", r.attempts);

    /* BUSY left by the port driver: retried by the class driver */
    script_reset();
    script(srb_reply(SRB_STATUS_BUSY, 0));
    pd.repeat_last = 1;
    EXPECT(class_read10(&t, 0, 1, buf, &r) != 0 && r.attempts == 5, "BUSY: %d attempts", r.attempts);

    /* ILLEGAL REQUEST, LBA out of range: once */
    script_reset();
    script(sense_reply(5, 0x21, 0x00));
    pd.repeat_last = 1;
    EXPECT(class_read10(&t, 1000, 1, buf, &r) != 0 && r.attempts == 1, "5/21: %d attempts", r.attempts);

    /* ScsiClassReadDriveCapacity: STATUS_VERIFY_REQUIRED (a mounted
     * removable medium's unit attention) gets one more READ CAPACITY */
    struct class_target rm = disk();
    rm.removable = rm.mounted = 1;
    script_reset();
    script(sense_reply(6, 0x28, 0x00));
    script(capacity_reply(99, 512));
    EXPECT(class_read_capacity(&rm, &last, &r) == 0 && last == 99 && pd.sent == 2,
           "READ CAPACITY after VERIFY_REQUIRED: %d sent, last LBA %u", pd.sent, last);
    EXPECT(pd.flushes == 1 && pd.releases == 0, "a removable device's queue is flushed: %d/%d",
           pd.flushes, pd.releases);
    script_reset();
    script(sense_reply(6, 0x28, 0x00));
    pd.repeat_last = 1;
    EXPECT(class_read_capacity(&rm, &last, &r) != 0 && pd.sent == 2 && rm.block_size == 512,
           "READ CAPACITY, VERIFY_REQUIRED twice: %d sent (want 2)", pd.sent);

    /* The split: 64 KiB MaximumTransferLength, 16 map registers: 100
     * 2048-byte blocks from a page-aligned buffer go as 30+30+30+10 (15
     * pages each); 32 blocks from 512 bytes into a page (17 pages) as 30+2. */
    struct class_target cd = disk();
    cd.block_size = 2048;
    uint8_t *aligned = buf + (4096 - ((uintptr_t)buf & 4095)) % 4096;
    static const unsigned want1[] = { 30, 30, 30, 10 }, want2[] = { 30, 2 };
    script_reset();
    EXPECT(class_read10(&cd, 0, 100, aligned, &r) == 0 && pd.sent == 4, "split 100: %d SRBs", pd.sent);
    for (int i = 0; i < pd.sent && i < 4; i++)
        EXPECT(pd.cdb[i][0] == SCSIOP_READ && pd.cdb[i][8] == want1[i] && pd.len[i] == want1[i] * 2048u,
               "split 100: SRB %d of %u blocks, want %u", i, pd.cdb[i][8], want1[i]);
    script_reset();
    EXPECT(class_read10(&cd, 0, 32, aligned + 512, &r) == 0 && pd.sent == 2, "split 32: %d SRBs", pd.sent);
    for (int i = 0; i < pd.sent && i < 2; i++)
        EXPECT(pd.cdb[i][8] == want2[i], "split 32: SRB %d of %u blocks, want %u", i, pd.cdb[i][8],
               want2[i]);
    script_reset();
    EXPECT(class_read10(&cd, 0, 32, aligned, &r) == 0 && pd.sent == 1,
           "64 KiB from a page boundary (16 pages) is one SRB: %d", pd.sent);
}

/* ---- the CD-ROM class ------------------------------------------------------ */

static int cdb_is(int i, const uint8_t *want, unsigned n)
{
    return i < pd.sent && memcmp(pd.cdb[i], want, n) == 0;
}

static void test_cdrom(void)
{
    static struct class_cdrom cd;
    static uint8_t buf[64 * 1024];
    struct class_result r;
    static const uint8_t read_capacity[10] = { 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t mode_sense6[6] = { 0x1A, 0, 0x01, 0, 24, 0 };
    static const uint8_t mode_sense10[10] = { 0x5A, 0, 0x01, 0, 0, 0, 0, 0, 28, 0 };
    static const uint8_t toc[10] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0x03, 0x24, 0x00 };
    static const uint8_t session[10] = { 0x43, 0x00, 0, 0, 0, 0, 0, 0x00, 0x0C, 0x40 };
    static const uint8_t volume6[6] = { 0x1A, 0, 0x0E, 0, 64, 0 };
    static const uint8_t tur[6] = { 0, 0, 0, 0, 0, 0 };

    /* the claim: READ CAPACITY (the power-on UA retried), MODE SENSE(6) page 1 */
    script_reset();
    script(sense_reply(6, 0x29, 0x00));
    script(capacity_reply(143, 2048));
    class_cdrom_claim(0, 3, 0, 0, &cd);
    EXPECT(pd.sent == 3 && cdb_is(0, read_capacity, 10) && cdb_is(1, read_capacity, 10) &&
           cdb_is(2, mode_sense6, 6), "claim: %d CDBs (%02x %02x %02x)", pd.sent, pd.cdb[0][0],
           pd.cdb[1][0], pd.cdb[2][0]);
    EXPECT(cd.capacity_valid && cd.blocks == 144 && cd.t.block_size == 2048 && cd.t.removable,
           "claim: %llu blocks of %u", (unsigned long long)cd.blocks, cd.t.block_size);
    EXPECT(cd.xa_flags == CDROM_XA_USE_6_BYTE, "claim: XA flags %x", cd.xa_flags);

    /* a block size that is not a power of two: the one below */
    script_reset();
    script(capacity_reply(99, 2352));
    class_cdrom_claim(0, 3, 0, 0, &cd);
    EXPECT(cd.t.block_size == 2048, "2352-byte blocks claimed as %u", cd.t.block_size);

    /* no disc: 2048 bytes a block, no capacity, still claimed; MODE SENSE(6)
     * refused, (10) taken: 10-byte from then on */
    script_reset();
    script(sense_reply(2, 0x3A, 0x00));
    script(sense_reply(5, 0x20, 0x00));
    script(good());
    class_cdrom_claim(0, 3, 0, 0, &cd);
    EXPECT(!cd.capacity_valid && cd.t.block_size == 2048 && cd.capacity.sense_key == 2 &&
           cd.capacity.asc == 0x3A && cd.capacity.attempts == 1,
           "no disc: valid %d, %u bytes, sense %x/%02x after %d", cd.capacity_valid,
           cd.t.block_size, cd.capacity.sense_key, cd.capacity.asc, cd.capacity.attempts);
    EXPECT(pd.sent == 3 && cdb_is(1, mode_sense6, 6) && cdb_is(2, mode_sense10, 10) &&
           cd.xa_flags == CDROM_XA_USE_10_BYTE, "MODE SENSE(10) fallback: %d CDBs, XA %x", pd.sent,
           cd.xa_flags);

    /* READ TOC (MSF, track 0, at most a CDROM_TOC) and the last session
     * (format 1 in byte 9 bits 7:6); a short TOC is the disc's */
    script_reset();
    script(capacity_reply(143, 2048));
    class_cdrom_claim(0, 3, 0, 0, &cd);
    script_reset();
    struct reply short_toc = { SRB_STATUS_DATA_OVERRUN, 0, 0, 0, 0, 0, 20, { 0 }, 0 };
    script(short_toc);
    EXPECT(class_cdrom_read_toc(&cd, buf, 2048, &r) == 0 && r.transferred == 20 && cdb_is(0, toc, 10),
           "READ TOC: %02x %02x .. %02x %02x %02x", pd.cdb[0][0], pd.cdb[0][1], pd.cdb[0][7],
           pd.cdb[0][8], pd.cdb[0][9]);
    EXPECT(class_cdrom_last_session(&cd, buf, 12, &r) == 0 && cdb_is(1, session, 10),
           "last session: byte 9 %02x", pd.cdb[1][9]);
    EXPECT(class_cdrom_get_volume(&cd, buf, 256, &r) == 0 && cdb_is(2, volume6, 6),
           "GET_VOLUME: %02x %02x %02x", pd.cdb[2][0], pd.cdb[2][2], pd.cdb[2][4]);

    /* a media change in a read of the mounted disc: VERIFY_REQUIRED, the
     * verify (TEST UNIT READY), the capacity again, the read again */
    script_reset();
    script(sense_reply(6, 0x28, 0x00));
    script(good());
    script(capacity_reply(199, 2048));
    unsigned changes = cd.t.media_change_count;
    EXPECT(class_cdrom_read(&cd, 10, 4, buf, &r) == 0, "read across a media change failed");
    EXPECT(pd.sent == 4 && pd.cdb[0][0] == SCSIOP_READ && cdb_is(1, tur, 6) &&
           cdb_is(2, read_capacity, 10) && pd.cdb[3][0] == SCSIOP_READ,
           "media change: %d CDBs (%02x %02x %02x %02x)", pd.sent, pd.cdb[0][0], pd.cdb[1][0],
           pd.cdb[2][0], pd.cdb[3][0]);
    EXPECT(cd.verifies == 1 && cd.capacity_reads == 1 && cd.blocks == 200 &&
           cd.t.media_change_count == changes + 1 && !cd.t.verify_volume,
           "media change: %u verifies, %u capacity reads, %llu blocks", cd.verifies,
           cd.capacity_reads, (unsigned long long)cd.blocks);
    /* the verify's CHECK_VERIFY goes past DO_VERIFY_VOLUME: a unit
     * attention there is retried (SL_OVERRIDE_VERIFY_VOLUME) */
    script_reset();
    script(sense_reply(6, 0x28, 0x00));
    EXPECT(class_cdrom_check_verify(&cd, &r) == 0 && pd.sent == 2 && r.attempts == 2 &&
           cd.t.verify_volume, "CHECK_VERIFY across a UA: %d sent, verify flag %d", pd.sent,
           cd.t.verify_volume);
    /* a read while DO_VERIFY_VOLUME is set (the unit attention went to
     * another request, here a READ TOC): verify first, then the read */
    cd.t.verify_volume = 0;
    script_reset();
    script(sense_reply(6, 0x28, 0x00));
    EXPECT(class_cdrom_read_toc(&cd, buf, 804, &r) != 0 && r.status == CLASS_STATUS_VERIFY_REQUIRED &&
           r.attempts == 1 && cd.t.verify_volume, "READ TOC on a changed disc: %s after %d",
           class_status_name(r.status), r.attempts);
    unsigned verifies = cd.verifies;
    script_reset();
    script(good());
    script(capacity_reply(199, 2048));
    EXPECT(class_cdrom_read(&cd, 0, 2, buf, &r) == 0 && pd.sent == 3 && cdb_is(0, tur, 6) &&
           cdb_is(1, read_capacity, 10) && pd.cdb[2][0] == SCSIOP_READ &&
           cd.verifies == verifies + 1 && !cd.t.verify_volume,
           "read with DO_VERIFY_VOLUME set: %d CDBs (%02x %02x %02x)", pd.sent, pd.cdb[0][0],
           pd.cdb[1][0], pd.cdb[2][0]);
    /* a second change in the same read is not verified again */
    script_reset();
    script(sense_reply(6, 0x28, 0x00));
    script(good());
    script(capacity_reply(199, 2048));
    script(sense_reply(6, 0x28, 0x00));
    EXPECT(class_cdrom_read(&cd, 10, 4, buf, &r) != 0 && r.status == CLASS_STATUS_VERIFY_REQUIRED,
           "two media changes in one read: %s", class_status_name(r.status));
}

int main(void)
{
    config.MaximumTransferLength = 0x10000;
    config.NumberOfPhysicalBreaks = SP_UNINITIALIZED_VALUE;
    config.MaximumNumberOfTargets = 8;
    config.InitiatorBusId[0] = 7;
    test_rules();
    test_loops();
    test_cdrom();
    if (failures) {
        fprintf(stderr, "class-test: %d failure%s\n", failures, failures == 1 ? "" : "s");
        return 1;
    }
    printf("class-test: %u sense/SRB rules, the retry loops, the split and the CD-ROM class: ok\n",
           (unsigned)(sizeof rules / sizeof rules[0]));
    return 0;
}
