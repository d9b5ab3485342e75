/* softhba SCSI command layer: see scsi.h and docs/scsi.md. */
#include "scsi.h"

#include <string.h>

/* Opcodes. */
enum {
    OP_TEST_UNIT_READY = 0x00, OP_REQUEST_SENSE = 0x03, OP_FORMAT_UNIT = 0x04,
    OP_READ6 = 0x08, OP_WRITE6 = 0x0A, OP_INQUIRY = 0x12, OP_MODE_SELECT6 = 0x15,
    OP_RESERVE6 = 0x16, OP_RELEASE6 = 0x17, OP_MODE_SENSE6 = 0x1A,
    OP_START_STOP = 0x1B, OP_SEND_DIAG = 0x1D, OP_PREVENT_ALLOW = 0x1E,
    OP_READ_CAPACITY10 = 0x25, OP_READ10 = 0x28, OP_WRITE10 = 0x2A,
    OP_VERIFY10 = 0x2F, OP_SYNC_CACHE10 = 0x35, OP_READ_SUBCHANNEL = 0x42,
    OP_READ_TOC = 0x43, OP_READ_HEADER = 0x44, OP_GET_CONFIGURATION = 0x46,
    OP_MODE_SENSE10 = 0x5A, OP_REPORT_LUNS = 0xA0, OP_READ12 = 0xA8
};

/* Data phase a command implies. */
enum { DIR_NONE, DIR_IN, DIR_OUT };

/* Handler return: a SCSI status, or HOST_ERR | HS_* for a host status. */
#define HOST_ERR 0x100
#define CHECK SCSI_STATUS_CHECK_CONDITION
/* Sense-key-specific field pointer: in the CDB, or in the parameter list. */
#define PTR_CDB 0x40u
#define PTR_PARAM 0x00u
#define NO_PTR 0xFFu

/* Scratch for CPU-built data phases; the longest is MODE SENSE(10) 0x3F. */
#define SCRATCH_LEN 128u

/* Which targets have an opcode (opcodes[][2]). */
#define FOR_DISK 0x1u
#define FOR_CD 0x2u
#define FOR_ALL (FOR_DISK | FOR_CD)

/* Big-endian fields byte by byte, the bytes read through a volatile
 * pointer: GCC 12 merges adjacent byte loads joined by | or + into a
 * half-word load and a byte swap, which the card's CPU (no Zbb) runs as
 * shifts of 8 and 16 bits at 4 + k cycles each: 100 cycles for a be16
 * instead of 25 (docs/soc.md, the READ path). */
static uint32_t be16(const uint8_t *p)
{
    const volatile uint8_t *v = p;
    return (uint32_t)v[0] << 8 | v[1];
}

__attribute__((always_inline)) static inline uint32_t be32_of(const uint8_t *p)
{
    const volatile uint8_t *v = p;
    return (((uint32_t)v[0] << 8 | v[1]) << 8 | v[2]) << 8 | v[3];
}

/* A call, but in the READ/WRITE fast path (be32_of there). */
static uint32_t be32(const uint8_t *p) { return be32_of(p); }

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Set the pending sense (fixed format) and return CHECK CONDITION. A
 * field pointer is the byte offset of the bad field (NO_PTR: none); where
 * says whether it points into the CDB or the parameter list. */
__attribute__((noinline)) static int check_ptr(struct scsi_dev *d, unsigned key, unsigned asc, unsigned ascq,
                     unsigned where, unsigned ptr)
{
    uint8_t *s = d->sense;
    memset(s, 0, SCSI_SENSE_LEN);
    s[0] = 0x70;
    s[2] = (uint8_t)key;
    s[7] = SCSI_SENSE_LEN - 8;
    s[12] = (uint8_t)asc;
    s[13] = (uint8_t)ascq;
    if (ptr != NO_PTR) {
        s[15] = (uint8_t)(0x80u | where); /* SKSV, C/D */
        s[17] = (uint8_t)ptr;
    }
    return CHECK;
}

static int check(struct scsi_dev *d, unsigned key, unsigned asc, unsigned ascq)
{
    return check_ptr(d, key, asc, ascq, 0, NO_PTR);
}

/* ILLEGAL REQUEST, INVALID FIELD IN CDB, pointing at byte ptr. */
static int bad_cdb(struct scsi_dev *d, unsigned ptr)
{
    return check_ptr(d, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0, PTR_CDB, ptr);
}

/* ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST, pointing at byte ptr. */
static int bad_param(struct scsi_dev *d, unsigned ptr)
{
    return check_ptr(d, SCSI_SK_ILLEGAL_REQUEST, 0x26, 0, PTR_PARAM, ptr);
}

/* Sense with the INFORMATION field (VALID bit) set. */
static int check_info(struct scsi_dev *d, unsigned key, unsigned asc, unsigned ascq, uint32_t info)
{
    check(d, key, asc, ascq);
    d->sense[0] |= 0x80;
    put32(d->sense + 3, info);
    return CHECK;
}

/* Map a failed operation to a sense or a host status; lba is where it failed. */
static int io_fail(struct scsi_dev *d, enum scsi_io io, uint32_t lba)
{
    static const uint8_t sense[SCSI_IO_ABORTED][3] = {
        [SCSI_IO_READ_ERROR] = { SCSI_SK_MEDIUM_ERROR, 0x11, 0 },
        [SCSI_IO_WRITE_ERROR] = { SCSI_SK_MEDIUM_ERROR, 0x0C, 0 },
        [SCSI_IO_NO_MEDIUM] = { SCSI_SK_NOT_READY, 0x3A, 0 },
        [SCSI_IO_WPROTECT] = { SCSI_SK_DATA_PROTECT, 0x27, 0 },
        [SCSI_IO_MEDIUM_HW] = { SCSI_SK_HARDWARE_ERROR, 0x08, 0 },
    };
    static const uint8_t host[SCSI_IO_COUNT_ - SCSI_IO_ABORTED] = {
        SHBA_HOST_HS_ABORTED, SHBA_HOST_HS_RESET, SHBA_HOST_HS_DATA_OVERRUN,
        SHBA_HOST_HS_PHASE_ERROR, SHBA_HOST_HS_HW_ERROR,
    };
    /* The glue knows what really moved: the bytes of a block it delivered in
     * part (docs/scsi.md, residual). */
    uint32_t moved = scsi_glue_moved(d->ctx, d->moved);
    d->moved = moved < d->data_len ? moved : d->data_len;
    if (io == SCSI_IO_OK || io >= SCSI_IO_COUNT_)
        return HOST_ERR | SHBA_HOST_HS_HW_ERROR; /* a glue bug: never report GOOD */
    if (io >= SCSI_IO_ABORTED)
        return HOST_ERR | host[io - SCSI_IO_ABORTED];
    const uint8_t *s = sense[io];
    if (io == SCSI_IO_NO_MEDIUM || io == SCSI_IO_WPROTECT)
        return check(d, s[0], s[1], s[2]);
    return check_info(d, s[0], s[1], s[2], lba);
}

/* What the target's medium is: the glue's medium() with the target's own
 * state on top (an ejected medium is absent, a read-only target protected).
 * *blocks is 0 unless the medium is ready.  Inlined into the READ/WRITE
 * path (do_read_write), a call elsewhere. */
__attribute__((always_inline)) static inline unsigned medium_of(struct scsi_dev *d, uint64_t *blocks)
{
    *blocks = 0;
    if (d->ejected)
        return 0;
    unsigned m = d->ops->medium(d->ctx, blocks);
    if ((m & (SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY)) != (SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY))
        *blocks = 0;
    return d->cfg.read_only ? m | SCSI_MEDIUM_WPROTECT : m;
}

static unsigned medium(struct scsi_dev *d, uint64_t *blocks)
{
    return medium_of(d, blocks);
}

/* The sense for what medium() reported: NOT READY / DATA PROTECT, or 0. */
__attribute__((noinline)) static int medium_sense(struct scsi_dev *d, int write, unsigned m,
                                                  uint64_t blocks)
{
    if (!(m & SCSI_MEDIUM_PRESENT))
        return check(d, SCSI_SK_NOT_READY, 0x3A, 0);
    if (!(m & SCSI_MEDIUM_READY) || blocks == 0)
        return check(d, SCSI_SK_NOT_READY, 0x04, 0);
    if (write && (m & SCSI_MEDIUM_WPROTECT))
        return check(d, SCSI_SK_DATA_PROTECT, 0x27, 0);
    return 0;
}

/* Medium needed by the command: NOT READY / DATA PROTECT, or 0 and *blocks. */
static int need_medium(struct scsi_dev *d, int write, uint64_t *blocks)
{
    unsigned m = medium(d, blocks);
    return medium_sense(d, write, m, *blocks);
}

/* LOGICAL BLOCK ADDRESS OUT OF RANGE when lba..lba+count-1 is not on the medium. */
static int range(struct scsi_dev *d, uint32_t lba, uint32_t count, uint64_t blocks)
{
    if ((uint64_t)lba + count > blocks)
        return check_info(d, SCSI_SK_ILLEGAL_REQUEST, 0x21, 0, lba);
    return 0;
}

/* Send a CPU-built data-in: at most alloc bytes and what the host's data length has left. */
static int send_in(struct scsi_dev *d, const uint8_t *buf, uint32_t len, uint32_t alloc)
{
    uint32_t n = min32(min32(len, alloc), d->data_len - d->moved);
    if (n == 0)
        return SCSI_STATUS_GOOD;
    enum scsi_io io = d->ops->send(d->ctx, buf, n);
    if (io != SCSI_IO_OK)
        return io_fail(d, io, 0);
    d->moved += n;
    return SCSI_STATUS_GOOD;
}

static int receive(struct scsi_dev *d, uint8_t *buf, uint32_t len)
{
    enum scsi_io io = d->ops->receive(d->ctx, buf, len);
    if (io != SCSI_IO_OK)
        return io_fail(d, io, 0);
    d->moved += len;
    return SCSI_STATUS_GOOD;
}

/* ---- INQUIRY ---- */

static void hex8(uint8_t *out, uint32_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 4)
        out[i] = (uint8_t)"0123456789ABCDEF"[v & 15];
}

static int cmd_inquiry(struct scsi_dev *d, const uint8_t *cdb, int lun_ok)
{
    uint8_t b[36];
    unsigned len;
    if (cdb[1] & 0x1E)
        return bad_cdb(d, 1); /* CmdDt (obsolete) and reserved bits; 7:5 is the SCSI-2 LUN */
    if (!(cdb[1] & 1)) {
        if (cdb[2])
            return bad_cdb(d, 2);
        /* Type, RMB, SPC-3, response format 2, additional length 31; then
         * vendor, product and revision. */
        b[0] = d->cfg.type;
        b[1] = d->cfg.removable ? 0x80 : 0;
        b[2] = 0x05;
        b[3] = 0x02;
        b[4] = 36 - 5;
        b[5] = b[6] = b[7] = 0;
        memcpy(b + 8, d->cfg.vendor, SCSI_VENDOR_LEN);
        memcpy(b + 16, d->cfg.product, SCSI_PRODUCT_LEN);
        memcpy(b + 32, d->cfg.revision, SCSI_REVISION_LEN);
        len = 36;
    } else {
        memset(b, 0, 4);
        b[1] = cdb[2];
        if (cdb[2] == 0x00) {
            b[4] = 0x00;
            b[5] = 0x80;
            b[6] = 0x83;
            len = 7;
        } else if (cdb[2] == 0x80) {
            hex8(b + 4, d->cfg.serial);
            len = 12;
        } else if (cdb[2] == 0x83) {
            /* One designator: T10 vendor ID (ASCII), vendor id + serial. */
            b[4] = 0x02;
            b[5] = 0x01;
            b[6] = 0;
            b[7] = 16;
            memcpy(b + 8, d->cfg.vendor, SCSI_VENDOR_LEN);
            hex8(b + 16, d->cfg.serial);
            len = 24;
        } else {
            return bad_cdb(d, 2);
        }
        b[3] = (uint8_t)(len - 4);
    }
    if (!lun_ok)
        b[0] = 0x7F; /* peripheral qualifier 3, type 0x1F: no LU here */
    return send_in(d, b, len, be16(cdb + 3));
}

/* ---- REQUEST SENSE ---- */

static int cmd_request_sense(struct scsi_dev *d, const uint8_t *cdb, int lun_ok)
{
    uint8_t s[SCSI_SENSE_LEN];
    if (cdb[1] & 1)
        return bad_cdb(d, 1); /* descriptor format not supported */
    if (!lun_ok)
        check(d, SCSI_SK_ILLEGAL_REQUEST, 0x25, 0);
    else if (d->sense[0] == 0 && d->ua)
        check(d, SCSI_SK_UNIT_ATTENTION, d->ua, 0);
    else if (d->sense[0] == 0)
        check(d, SCSI_SK_NO_SENSE, 0, 0);
    d->ua = 0;
    memcpy(s, d->sense, sizeof s);
    d->sense[0] = 0; /* reported: cleared */
    return send_in(d, s, sizeof s, cdb[4]);
}

/* ---- mode pages ---- */

/* Geometry for pages 0x03/0x04: 64 heads x 32 sectors up to 2^21 blocks
 * (1 GiB of 512-byte blocks), then 255 x 63; cylinders rounded up so that
 * C*H*S covers the capacity. */
static void geometry(uint64_t blocks, uint32_t *cyl, unsigned *heads, unsigned *sectors)
{
    uint32_t b = blocks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)blocks;
    unsigned h = 64, s = 32;
    if (b > 64u * 32u * 1024u) {
        h = 255;
        s = 63;
    }
    uint32_t c = b / (h * s) + (b % (h * s) != 0);
    *cyl = c > 0xFFFFFFu ? 0xFFFFFFu : c;
    *heads = h;
    *sectors = s;
}

/* The mode pages a target has, in the order page 0x3F returns them: code,
 * length, and which targets have it. */
static const uint8_t mode_pages[][3] = {
    { 0x01, 12, FOR_ALL },  /* read(-write) error recovery */
    { 0x03, 24, FOR_DISK }, /* format device */
    { 0x04, 24, FOR_DISK }, /* rigid disk geometry */
    { 0x08, 20, FOR_DISK }, /* caching */
    { 0x0D, 8, FOR_CD },    /* CD device parameters */
    { 0x0E, 16, FOR_CD },   /* CD audio control */
    { 0x2A, 20, FOR_CD },   /* CD capabilities and mechanical status */
};

static unsigned type_bit(const struct scsi_dev *d)
{
    return d->cfg.type == SCSI_TYPE_CDROM ? FOR_CD : FOR_DISK;
}

/* Write page `page` with page control pc (0 current, 1 changeable, 2
 * default) at p; returns its length, 0 for a page the target does not have. */
static unsigned mode_page(const struct scsi_dev *d, unsigned page, unsigned pc, uint64_t blocks,
                          uint8_t *p)
{
    unsigned i = 0, len;
    while (mode_pages[i][0] != page || !(mode_pages[i][2] & type_bit(d)))
        if (++i == sizeof mode_pages / sizeof mode_pages[0])
            return 0;
    len = mode_pages[i][1];
    memset(p, 0, len);
    p[0] = (uint8_t)page;
    p[1] = (uint8_t)(len - 2);
    if (pc == 1)
        return len; /* nothing is changeable */
    uint32_t cyl;
    unsigned heads, sectors;
    geometry(blocks, &cyl, &heads, &sectors);
    switch (page) {
    case 0x03:
        p[3] = (uint8_t)heads;          /* tracks per zone: a zone is a cylinder */
        p[11] = (uint8_t)sectors;       /* sectors per track */
        p[12] = (uint8_t)(d->cfg.block_size >> 8); /* data bytes per physical sector */
        p[15] = 1;                      /* interleave */
        p[20] = 0x40;                   /* HSEC */
        break;
    case 0x04:
        p[2] = (uint8_t)(cyl >> 16);
        p[3] = (uint8_t)(cyl >> 8);
        p[4] = (uint8_t)cyl;
        p[5] = (uint8_t)heads;
        p[21] = 1;                      /* medium rotation rate 1: not rotating */
        break;
    case 0x08:
        p[2] = 0x01;                    /* WCE=0 (writes go through), RCD=1 */
        break;
    case 0x0D:
        p[5] = 60;                      /* S units per M */
        p[7] = 75;                      /* F units per S */
        break;
    case 0x0E:
        p[2] = 0x04;                    /* IMMED: the way audio commands would end */
        p[8] = 0x01;                    /* port 0: channel 0, full volume */
        p[9] = 0xFF;
        p[10] = 0x02;                   /* port 1: channel 1, full volume */
        p[11] = 0xFF;
        break;
    case 0x2A:
        /* Reads CD-ROM only (no audio, no mode 2, no CD-R/RW media bits);
         * tray loader (1 << 5), Eject, Lock, and the Lock state. */
        p[6] = (uint8_t)(0x20 | 0x08 | 0x01 | (d->prevent ? 0x02 : 0));
        break;
    default: /* 0x01: no retries or reporting options to set */
        break;
    }
    return len;
}

static int cmd_mode_sense(struct scsi_dev *d, const uint8_t *cdb)
{
    uint8_t b[SCRATCH_LEN];
    int ten = cdb[0] == OP_MODE_SENSE10;
    unsigned dbd = cdb[1] & 0x08, pc = cdb[2] >> 6, page = cdb[2] & 0x3Fu;
    unsigned hl = ten ? 8 : 4;
    uint64_t blocks;
    unsigned m = medium(d, &blocks);
    if (pc == 3)
        return check_ptr(d, SCSI_SK_ILLEGAL_REQUEST, 0x39, 0, PTR_CDB, 2);
    if (cdb[3] && !(page == 0x3F && cdb[3] == 0xFF))
        return bad_cdb(d, 3);
    memset(b, 0, hl);
    uint8_t *p = b + hl;
    if (!dbd) {
        put32(p, blocks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)blocks);
        put32(p + 4, d->cfg.block_size); /* density 0, block length */
        p += 8;
    }
    if (page == 0x3F) {
        for (unsigned i = 0; i < sizeof mode_pages / sizeof mode_pages[0]; i++)
            p += mode_page(d, mode_pages[i][0], pc, blocks, p);
    } else {
        unsigned n = mode_page(d, page, pc, blocks, p);
        if (n == 0)
            return bad_cdb(d, 2);
        p += n;
    }
    unsigned total = (unsigned)(p - b);
    /* WP: a disk that must not be written (MMC has no WP bit for a CD). */
    uint8_t dsp = d->cfg.type == SCSI_TYPE_DISK && (m & SCSI_MEDIUM_PRESENT) &&
                  (m & SCSI_MEDIUM_WPROTECT) ? 0x80 : 0;
    if (ten) {
        b[1] = (uint8_t)(total - 2);
        b[3] = dsp;
        b[7] = dbd ? 0 : 8;
    } else {
        b[0] = (uint8_t)(total - 1);
        b[2] = dsp;
        b[3] = dbd ? 0 : 8;
    }
    return send_in(d, b, total, ten ? be16(cdb + 7) : cdb[4]);
}

/* MODE SELECT(6): nothing is changeable, so a list is accepted when every
 * field it carries equals the current value. */
static int cmd_mode_select(struct scsi_dev *d, const uint8_t *cdb)
{
    uint8_t b[SCRATCH_LEN], cur[24];
    unsigned len = cdb[4];
    int rc;
    if (cdb[1] & 0x01)
        return bad_cdb(d, 1); /* SP: no saved pages */
    if (len == 0)
        return SCSI_STATUS_GOOD;
    if (len > sizeof b)
        return bad_cdb(d, 4); /* longer than header + descriptor + every page */
    if ((rc = receive(d, b, len)) != SCSI_STATUS_GOOD)
        return rc;
    uint64_t blocks;
    medium(d, &blocks);
    unsigned bdl = len >= 4 ? b[3] : 0;
    if (len < 4 || 4 + bdl > len)
        return check(d, SCSI_SK_ILLEGAL_REQUEST, 0x1A, 0); /* PARAMETER LIST LENGTH ERROR */
    if (b[1])
        return bad_param(d, 1); /* medium type */
    if (bdl != 0 && bdl != 8)
        return bad_param(d, 3);
    if (bdl) {
        uint32_t nb = be32(b + 4);
        uint32_t cur_nb = blocks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)blocks;
        if (nb != 0 && nb != cur_nb)
            return bad_param(d, 4);
        if (be32(b + 8) != d->cfg.block_size)
            return bad_param(d, 8); /* density code and block length */
    }
    for (unsigned off = 4 + bdl; off < len;) {
        if (off + 2 > len)
            return check(d, SCSI_SK_ILLEGAL_REQUEST, 0x1A, 0);
        unsigned n = (b[off] & 0xC0) ? 0 : mode_page(d, b[off], 0, blocks, cur);
        if (n == 0)
            return bad_param(d, off); /* PS/SPF set, or a page we lack */
        if (b[off + 1] != n - 2)
            return bad_param(d, off + 1);
        if (off + n > len)
            return check(d, SCSI_SK_ILLEGAL_REQUEST, 0x1A, 0);
        for (unsigned i = 2; i < n; i++)
            if (b[off + i] != cur[i])
                return bad_param(d, off + i);
        off += n;
    }
    return SCSI_STATUS_GOOD;
}

/* ---- block commands ---- */

/* The transfer of a decoded READ/WRITE: medium and range checks, then the
 * blocks.  One out-of-line copy serves cmd_read_write() and the fast path
 * in scsi_execute(). */
__attribute__((noinline)) static int do_read_write(struct scsi_dev *d, int write, uint32_t lba,
                                                   uint32_t count)
{
    uint32_t done = 0;
    uint64_t blocks = 0;
    int rc;
    /* need_medium() spelled out: a ready card costs one test here. */
    unsigned m = medium_of(d, &blocks);
    if ((m & (SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY)) != (SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY) ||
        (write && (m & SCSI_MEDIUM_WPROTECT)) || blocks == 0)
        return medium_sense(d, write, m, blocks);
    if ((rc = range(d, lba, count, blocks)) != 0)
        return rc;
    if (count == 0)
        return SCSI_STATUS_GOOD;

    enum scsi_io io = write ? d->ops->write_blocks(d->ctx, lba, count, &done)
                            : d->ops->read_blocks(d->ctx, lba, count, &done);
    if (done > count)
        done = count;
    d->moved += done << d->block_shift;
    if (io != SCSI_IO_OK)
        return io_fail(d, io, lba + done);
    return SCSI_STATUS_GOOD;
}

static int cmd_read_write(struct scsi_dev *d, const uint8_t *cdb)
{
    uint32_t lba, count;
    if (cdb[0] == OP_READ6 || cdb[0] == OP_WRITE6) {
        lba = (uint32_t)(cdb[1] & 0x1F) << 16 | be16(cdb + 2);
        count = cdb[4] ? cdb[4] : 256;
    } else {
        if (cdb[1] & 0xE1)
            return bad_cdb(d, 1); /* RD/WRPROTECT without protection, RELADR */
        lba = be32(cdb + 2);
        count = cdb[0] == OP_READ12 ? be32(cdb + 6) : be16(cdb + 7);
    }
    /* WRITE(6) 0x0A, WRITE(10) 0x2A; READ(12) 0xA8 has bit 1 clear too. */
    return do_read_write(d, cdb[0] & 0x02, lba, count);
}

static int cmd_verify(struct scsi_dev *d, const uint8_t *cdb)
{
    uint32_t lba = be32(cdb + 2), count = be16(cdb + 7), done = 0;
    uint64_t blocks;
    int rc;
    if (cdb[1] & 0xE1)
        return bad_cdb(d, 1); /* VRPROTECT, RELADR */
    if ((rc = need_medium(d, 0, &blocks)) != 0 || (rc = range(d, lba, count, blocks)) != 0)
        return rc;
    if (!(cdb[1] & 0x02)) {
        if (count == 0)
            return SCSI_STATUS_GOOD;
        enum scsi_io io = d->ops->verify_blocks(d->ctx, lba, count, &done);
        if (done > count)
            done = count;
        return io == SCSI_IO_OK ? (int)SCSI_STATUS_GOOD : io_fail(d, io, lba + done);
    }
    /* BYTCHK=1: compare the data-out with the medium, a slice at a time.
     * A medium without byte reads (ops->read_bytes NULL) cannot compare. */
    if (!d->ops->read_bytes)
        return bad_cdb(d, 1);
    enum { SLICE = 64 };
    uint8_t host[SLICE], med[SLICE];
    for (uint32_t i = 0; i < count; i++) {
        for (uint32_t off = 0; off < d->cfg.block_size; off += SLICE) {
            if ((rc = receive(d, host, SLICE)) != SCSI_STATUS_GOOD)
                return rc;
            enum scsi_io io = d->ops->read_bytes(d->ctx, lba + i, off, med, SLICE);
            if (io != SCSI_IO_OK)
                return io_fail(d, io, lba + i);
            for (uint32_t j = 0; j < SLICE; j++)
                if (host[j] != med[j]) /* INFORMATION: offset in the data-out */
                    return check_info(d, SCSI_SK_MISCOMPARE, 0x1D, 0,
                                      (i << d->block_shift) + off + j);
        }
    }
    return SCSI_STATUS_GOOD;
}

static int cmd_read_capacity(struct scsi_dev *d, const uint8_t *cdb)
{
    uint8_t b[8];
    uint64_t blocks;
    int rc;
    if (!(cdb[8] & 1) && be32(cdb + 2))
        return bad_cdb(d, 2); /* an LBA without PMI */
    if ((rc = need_medium(d, 0, &blocks)) != 0)
        return rc;
    put32(b, blocks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)(blocks - 1));
    put32(b + 4, d->cfg.block_size);
    return send_in(d, b, sizeof b, sizeof b);
}

static int cmd_sync_cache(struct scsi_dev *d, const uint8_t *cdb)
{
    uint32_t lba = be32(cdb + 2), count = be16(cdb + 7);
    uint64_t blocks;
    int rc;
    if ((rc = need_medium(d, 0, &blocks)) != 0)
        return rc;
    /* Writes go through, so there is nothing to flush; 0 blocks = to the end. */
    return range(d, lba, count ? count : 1, blocks);
}

static int cmd_format(struct scsi_dev *d, const uint8_t *cdb)
{
    uint64_t blocks;
    uint8_t h[4];
    int rc;
    if (cdb[1] & 0xE0)
        return bad_cdb(d, 1); /* FMTPINFO, LONGLIST: no protection information */
    if ((rc = need_medium(d, 1, &blocks)) != 0)
        return rc;
    if (!(cdb[1] & 0x10))
        return SCSI_STATUS_GOOD; /* FMTDATA=0: an SD card needs no low-level format */
    if ((rc = receive(d, h, sizeof h)) != SCSI_STATUS_GOOD)
        return rc;
    /* Short header: no protection usage, no initialization pattern, and
     * FOV=0 with its option bits clear; no defect list (we keep none). */
    if (h[0])
        return bad_param(d, 0);
    if ((h[1] & 0x08) || (!(h[1] & 0x80) && (h[1] & 0x7C)))
        return bad_param(d, 1);
    if (h[2] || h[3])
        return bad_param(d, 2);
    return SCSI_STATUS_GOOD;
}

static int cmd_send_diag(struct scsi_dev *d, const uint8_t *cdb)
{
    uint64_t blocks;
    uint32_t done;
    int rc;
    if (cdb[1] & 0xE0)
        return bad_cdb(d, 1); /* self-test codes */
    if (be16(cdb + 3))
        return bad_cdb(d, 3); /* no diagnostic pages */
    if (!(cdb[1] & 0x04))
        return SCSI_STATUS_GOOD;
    if ((rc = need_medium(d, 0, &blocks)) != 0)
        return rc;
    /* Self-test: the card must read both ends of the medium. */
    for (int i = 0; i < 2; i++) {
        uint32_t lba = i ? (uint32_t)(blocks > 0xFFFFFFFFu ? 0xFFFFFFFFu : blocks - 1) : 0;
        enum scsi_io io = d->ops->verify_blocks(d->ctx, lba, 1, &done);
        if (io == SCSI_IO_READ_ERROR || io == SCSI_IO_MEDIUM_HW)
            return check(d, SCSI_SK_HARDWARE_ERROR, 0x3E, 0x03); /* LU FAILED SELF-TEST */
        if (io != SCSI_IO_OK)
            return io_fail(d, io, lba);
    }
    return SCSI_STATUS_GOOD;
}

static int cmd_report_luns(struct scsi_dev *d, const uint8_t *cdb)
{
    uint8_t b[16];
    uint32_t alloc = be32(cdb + 6);
    if (cdb[2] > 2)
        return bad_cdb(d, 2);
    if (alloc < 16)
        return bad_cdb(d, 6);
    memset(b, 0, sizeof b);
    b[3] = 8; /* one LUN: 0 */
    return send_in(d, b, sizeof b, alloc);
}

/* ---- removable medium ---- */

/* START STOP UNIT: a fixed disk has nothing to start or stop; a removable
 * target ejects (LoEj=1 Start=0) unless removal is prevented, and loads
 * (LoEj=1 Start=1) with a unit attention: the medium may have changed. */
static int cmd_start_stop(struct scsi_dev *d, const uint8_t *cdb)
{
    unsigned op = cdb[4];
    if (op & 0xF0)
        return bad_cdb(d, 4); /* power conditions */
    if (!d->cfg.removable)
        return SCSI_STATUS_GOOD;
    if (op & 0x02) {
        if (op & 0x01) {
            if (d->ejected) {
                d->ejected = 0;
                d->ua = 0x28; /* reported on the next command */
            }
            return SCSI_STATUS_GOOD;
        }
        if (d->prevent)
            return check(d, SCSI_SK_ILLEGAL_REQUEST, 0x53, 0x02); /* MEDIUM REMOVAL PREVENTED */
        d->ejected = 1;
        return SCSI_STATUS_GOOD;
    }
    if (op & 0x01) { /* start: there must be a medium to spin */
        uint64_t blocks;
        return need_medium(d, 0, &blocks);
    }
    return SCSI_STATUS_GOOD;
}

/* ---- CD-ROM (MMC) ---- */

/* A CD address: LBA, or MSF (0, M, S, F) for LBA + 150 (the 2 s pre-gap),
 * held at 255:59:74 past what MSF can say (an image bigger than a CD). */
static void cd_address(uint8_t *p, uint32_t lba, int msf)
{
    if (!msf) {
        put32(p, lba);
        return;
    }
    uint32_t f = lba + 150;
    if (lba >= 256u * 60u * 75u - 150u)
        f = 256u * 60u * 75u - 1u;
    p[0] = 0;
    p[1] = (uint8_t)(f / (60u * 75u));
    p[2] = (uint8_t)(f / 75u % 60u);
    p[3] = (uint8_t)(f % 75u);
}

/* A TOC track descriptor: ADR 1 (Q sub-channel position), control 4 (data
 * track, copy not permitted). */
static void toc_track(uint8_t *p, unsigned track, uint32_t lba, int msf)
{
    p[0] = 0;
    p[1] = 0x14;
    p[2] = (uint8_t)track;
    p[3] = 0;
    cd_address(p + 4, lba, msf);
}

/* READ TOC/PMA/ATIP, formats 0 (TOC) and 1 (session information) of a
 * one-session disc holding one data track, the image. The format is in
 * byte 2 (MMC) or, when that is 0, in byte 9 bits 7:6 (where NT's cdrom.sys
 * puts it, the SFF-8020 place). */
static int cmd_read_toc(struct scsi_dev *d, const uint8_t *cdb)
{
    uint8_t b[4 + 8 + 8];
    uint64_t blocks;
    int msf = cdb[1] & 0x02, rc;
    unsigned format = cdb[2] & 0x0F, where = 2, track = cdb[6], len;
    if (format == 0 && (cdb[9] >> 6)) {
        format = cdb[9] >> 6;
        where = 9;
    }
    if (format > 1)
        return bad_cdb(d, where); /* full TOC, PMA, ATIP: not a pressed one-track CD's */
    if (format == 0 && track > 1 && track != 0xAA)
        return bad_cdb(d, 6); /* no such track */
    if ((rc = need_medium(d, 0, &blocks)) != 0)
        return rc;
    b[2] = 1; /* first and last track, or session */
    b[3] = 1;
    if (format == 0) {
        len = 4;
        if (track != 0xAA) {
            toc_track(b + len, 1, 0, msf);
            len += 8;
        }
        toc_track(b + len, 0xAA, blocks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)blocks, msf);
        len += 8;
    } else {
        toc_track(b + 4, 1, 0, msf); /* first track of the last session */
        len = 12;
    }
    b[0] = 0;
    b[1] = (uint8_t)(len - 2);
    return send_in(d, b, len, be16(cdb + 7));
}

/* READ SUB-CHANNEL: no audio ever plays, so the position is the start of
 * track 1; there is no media catalog number or ISRC. */
static int cmd_read_subchannel(struct scsi_dev *d, const uint8_t *cdb)
{
    uint8_t b[24];
    uint64_t blocks;
    unsigned format = cdb[3], len = 4;
    int rc;
    if ((cdb[2] & 0x40) && (format == 0 || format > 3))
        return bad_cdb(d, 3);
    if ((cdb[2] & 0x40) && format == 3 && cdb[6] != 1)
        return bad_cdb(d, 6); /* ISRC of a track the disc lacks */
    if ((rc = need_medium(d, 0, &blocks)) != 0)
        return rc;
    memset(b, 0, sizeof b);
    b[1] = 0x15; /* audio status: none to report */
    if (cdb[2] & 0x40) { /* SubQ: the data, not only the header */
        b[4] = (uint8_t)format;
        if (format != 2) {
            b[5] = 0x14;
            b[6] = 1;
        }
        if (format == 1) {
            b[7] = 1; /* index */
            cd_address(b + 8, 0, cdb[1] & 0x02);
            len = 16; /* track-relative address 0 (in MSF too: no pre-gap there) */
        } else {
            len = 24; /* MCVal / TCVal 0: not valid */
        }
    }
    b[3] = (uint8_t)(len - 4);
    return send_in(d, b, len, be16(cdb + 7));
}

/* READ HEADER: every block is a mode 1 data block. */
static int cmd_read_header(struct scsi_dev *d, const uint8_t *cdb)
{
    uint8_t b[8];
    uint64_t blocks;
    uint32_t lba = be32(cdb + 2);
    int rc;
    if ((rc = need_medium(d, 0, &blocks)) != 0 || (rc = range(d, lba, 1, blocks)) != 0)
        return rc;
    memset(b, 0, 4);
    b[0] = 1; /* CD data mode 1 */
    cd_address(b + 4, lba, cdb[1] & 0x02);
    return send_in(d, b, sizeof b, be16(cdb + 7));
}

/* GET CONFIGURATION: the CD-ROM profile and the features it needs at the
 * least (MMC): profile list, core, morphing, removable medium, random
 * readable (current only with a disc in). */
static int cmd_get_configuration(struct scsi_dev *d, const uint8_t *cdb)
{
    static const uint8_t features[] = { 0x00, 0x01, 0x02, 0x03, 0x10 };
    uint8_t b[8 + 8 * 4 + 12];
    uint64_t blocks;
    unsigned rt = cdb[1] & 0x03, start = be16(cdb + 2), len = 8;
    if (rt == 3)
        return bad_cdb(d, 1);
    medium(d, &blocks);
    int loaded = blocks != 0;
    memset(b, 0, sizeof b);
    b[7] = loaded ? 0x08 : 0; /* current profile: CD-ROM, or none without a disc */
    for (unsigned i = 0; i < sizeof features; i++) {
        unsigned f = features[i], current = f != 0x10 || loaded;
        if (rt == 2 ? f != start : f < start || (rt == 1 && !current))
            continue;
        uint8_t *p = b + len;
        p[1] = (uint8_t)f;
        /* version 0; persistent (but random readable), current */
        p[2] = (uint8_t)((f != 0x10 ? 0x02 : 0) | current);
        p[3] = f == 0x10 ? 8 : 4;
        switch (f) {
        case 0x00: p[5] = 0x08; p[6] = (uint8_t)loaded; break; /* profile CD-ROM, CurrentP */
        case 0x01: p[7] = 0x01; break;                         /* physical interface: SCSI */
        case 0x03: p[4] = 0x20 | 0x08 | 0x01; break;           /* tray, Eject, Lock */
        case 0x10:
            put32(p + 4, d->cfg.block_size);                   /* logical block size */
            p[9] = 1;                                          /* blocking */
            break;
        default: break;                                        /* morphing: no events */
        }
        len += 4u + p[3];
    }
    put32(b, len - 4);
    return send_in(d, b, len, be16(cdb + 7));
}

/* ---- command block ---- */

/* Implemented opcodes and where the length of their data phase comes from. */
enum { K_NONE, K_IN_B4, K_IN_B3, K_IN_B7, K_IN_8, K_IN_B6, K_RW6, K_RW10, K_RW12, K_VERIFY,
       K_OUT_B4, K_FORMAT, K_OUT_B3 };
/* Opcode, kind, targets that have it.  The block transfers first: plan()
 * scans in order, and they are the commands whose latency counts. */
static const uint8_t opcodes[][3] = {
    { OP_READ10, K_RW10, FOR_ALL }, { OP_WRITE10, K_RW10, FOR_DISK },
    { OP_TEST_UNIT_READY, K_NONE, FOR_ALL }, { OP_REQUEST_SENSE, K_IN_B4, FOR_ALL },
    { OP_FORMAT_UNIT, K_FORMAT, FOR_DISK }, { OP_READ6, K_RW6, FOR_ALL },
    { OP_WRITE6, K_RW6, FOR_DISK }, { OP_INQUIRY, K_IN_B3, FOR_ALL },
    { OP_MODE_SELECT6, K_OUT_B4, FOR_ALL }, { OP_RESERVE6, K_NONE, FOR_ALL },
    { OP_RELEASE6, K_NONE, FOR_ALL }, { OP_MODE_SENSE6, K_IN_B4, FOR_ALL },
    { OP_START_STOP, K_NONE, FOR_ALL }, { OP_SEND_DIAG, K_OUT_B3, FOR_ALL },
    { OP_PREVENT_ALLOW, K_NONE, FOR_ALL }, { OP_READ_CAPACITY10, K_IN_8, FOR_ALL },
    { OP_VERIFY10, K_VERIFY, FOR_DISK }, { OP_SYNC_CACHE10, K_NONE, FOR_DISK },
    { OP_READ_SUBCHANNEL, K_IN_B7, FOR_CD }, { OP_READ_TOC, K_IN_B7, FOR_CD },
    { OP_READ_HEADER, K_IN_B7, FOR_CD }, { OP_GET_CONFIGURATION, K_IN_B7, FOR_CD },
    { OP_MODE_SENSE10, K_IN_B7, FOR_ALL }, { OP_REPORT_LUNS, K_IN_B6, FOR_ALL },
    { OP_READ12, K_RW12, FOR_CD },
};

/* The data phase an opcode implies on target d: direction, bytes, and
 * whether the host must supply all of them (block transfers and parameter
 * lists) or may take fewer (CPU-built data-in, truncated to the data
 * length). Returns 0 for an opcode the target does not implement. */
static int plan(const struct scsi_dev *d, const uint8_t *cdb, unsigned *dir, uint64_t *len,
                int *exact)
{
    unsigned i = 0, kind;
    uint64_t n = 0;
    while (opcodes[i][0] != cdb[0] || !(opcodes[i][2] & type_bit(d)))
        if (++i == sizeof opcodes / sizeof opcodes[0])
            return 0;
    kind = opcodes[i][1];
    *dir = kind < K_RW6 ? DIR_IN : DIR_OUT;
    *exact = kind >= K_RW6;
    switch (kind) {
    case K_NONE: *dir = DIR_NONE; break;
    case K_IN_B4: case K_OUT_B4: n = cdb[4]; break;
    case K_IN_B3: case K_OUT_B3: n = be16(cdb + 3); break;
    case K_IN_B7: n = be16(cdb + 7); break;
    case K_IN_8: n = 8; break;
    case K_IN_B6: n = be32(cdb + 6); break;
    case K_RW6: n = cdb[4] ? cdb[4] : 256u; goto blocks;
    case K_RW10: n = be16(cdb + 7); goto blocks;
    case K_RW12: n = be32(cdb + 6);
    blocks:
        n <<= d->block_shift;
        if (!(cdb[0] & 0x02)) /* READ(6) 0x08, READ(10) 0x28, READ(12) 0xA8; writes have bit 1 */
            *dir = DIR_IN;
        break;
    case K_VERIFY: n = (cdb[1] & 0x02) ? (uint64_t)be16(cdb + 7) << d->block_shift : 0; break;
    default: n = (cdb[1] & 0x10) ? 4 : 0; break; /* K_FORMAT */
    }
    *len = n;
    return 1;
}

/* CDB length of an opcode's group; 0 = any (reserved and vendor groups). */
static unsigned group_len(unsigned op)
{
    static const uint8_t len[8] = { 6, 10, 10, 0, 16, 12, 0, 0 };
    return len[op >> 5];
}

/* Host-level validation of the block; returns an HS_* code (HS_OK = fine).
 * d: the target addressed (NULL: none there); known, dir, len, exact:
 * plan() of its CDB on d. */
static unsigned validate(const struct scsi_dev *d, const uint8_t *blk, uint32_t data_len, int known,
                         unsigned dir, uint64_t len, int exact)
{
    unsigned cdb_len = blk[SHBA_HOST_CMD_CDB_LEN], flags = blk[SHBA_HOST_CMD_FLAGS];
    const uint8_t *cdb = blk + SHBA_HOST_CMD_CDB;
    unsigned glen;
    if (cdb_len < 6 || cdb_len > SHBA_HOST_CMD_CDB_MAX)
        return SHBA_HOST_HS_BAD_BLOCK;
    glen = group_len(cdb[0]);
    if (glen && glen != cdb_len)
        return SHBA_HOST_HS_BAD_BLOCK;
    if (flags & ~(SHBA_HOST_CMD_FLAG_DATA_IN | SHBA_HOST_CMD_FLAG_DATA_OUT) ||
        flags == (SHBA_HOST_CMD_FLAG_DATA_IN | SHBA_HOST_CMD_FLAG_DATA_OUT) ||
        (data_len && !flags))
        return SHBA_HOST_HS_BAD_BLOCK;
    if (!d)
        return SHBA_HOST_HS_NO_DEVICE;
    if (!known || len == 0)
        return SHBA_HOST_HS_OK;
    if ((dir == DIR_IN && flags == SHBA_HOST_CMD_FLAG_DATA_OUT) ||
        (dir == DIR_OUT && flags == SHBA_HOST_CMD_FLAG_DATA_IN))
        return SHBA_HOST_HS_PHASE_ERROR;
    if (exact && data_len < len)
        return SHBA_HOST_HS_BAD_BLOCK;
    return SHBA_HOST_HS_OK;
}

static int dispatch(struct scsi_dev *d, const uint8_t *cdb, unsigned cdb_len, int lun_ok, int known)
{
    unsigned op = cdb[0];
    if (known && (cdb[cdb_len - 1] & 0x05))
        return bad_cdb(d, cdb_len - 1); /* NACA, LINK */
    if (op == OP_REQUEST_SENSE)
        return cmd_request_sense(d, cdb, lun_ok);
    d->sense[0] = 0; /* a new command: the old sense is gone */
    if (op == OP_INQUIRY)
        return cmd_inquiry(d, cdb, lun_ok); /* neither reports nor clears a UA */
    if (!lun_ok && op != OP_REPORT_LUNS)
        return check(d, SCSI_SK_ILLEGAL_REQUEST, 0x25, 0); /* LU NOT SUPPORTED */
    if (d->ua && op != OP_REPORT_LUNS) {
        unsigned asc = d->ua;
        d->ua = 0;
        return check(d, SCSI_SK_UNIT_ATTENTION, asc, 0);
    }
    if (!known)
        return check(d, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0); /* INVALID COMMAND OPERATION CODE */
    switch (op) {
    case OP_TEST_UNIT_READY: {
        uint64_t blocks;
        return need_medium(d, 0, &blocks);
    }
    case OP_FORMAT_UNIT: return cmd_format(d, cdb);
    case OP_READ6: case OP_WRITE6: case OP_READ10: case OP_WRITE10: case OP_READ12:
        return cmd_read_write(d, cdb);
    case OP_MODE_SELECT6: return cmd_mode_select(d, cdb);
    case OP_MODE_SENSE6: case OP_MODE_SENSE10: return cmd_mode_sense(d, cdb);
    case OP_START_STOP: return cmd_start_stop(d, cdb);
    case OP_SEND_DIAG: return cmd_send_diag(d, cdb);
    case OP_PREVENT_ALLOW:
        d->prevent = (uint8_t)(d->cfg.removable && (cdb[4] & 0x01));
        return SCSI_STATUS_GOOD;
    case OP_READ_CAPACITY10: return cmd_read_capacity(d, cdb);
    case OP_VERIFY10: return cmd_verify(d, cdb);
    case OP_SYNC_CACHE10: return cmd_sync_cache(d, cdb);
    case OP_READ_SUBCHANNEL: return cmd_read_subchannel(d, cdb);
    case OP_READ_TOC: return cmd_read_toc(d, cdb);
    case OP_READ_HEADER: return cmd_read_header(d, cdb);
    case OP_GET_CONFIGURATION: return cmd_get_configuration(d, cdb);
    case OP_REPORT_LUNS: return cmd_report_luns(d, cdb);
    default: return SCSI_STATUS_GOOD; /* RESERVE, RELEASE: one initiator */
    }
}

/* ---- targets ---- */

static void set_field(char *dst, unsigned len, const char *src)
{
    unsigned i = 0;
    if (!src)
        return;
    for (; i < len && src[i]; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7F ? src[i] : ' ';
    for (; i < len; i++)
        dst[i] = ' ';
}

void scsi_config_ident(struct scsi_target_config *cfg, const char *vendor, const char *product,
                       const char *revision)
{
    set_field(cfg->vendor, SCSI_VENDOR_LEN, vendor);
    set_field(cfg->product, SCSI_PRODUCT_LEN, product);
    set_field(cfg->revision, SCSI_REVISION_LEN, revision);
}

void scsi_config_default(struct scsi_target_config *cfg, unsigned id, unsigned type, uint32_t serial)
{
    int cd = type == SCSI_TYPE_CDROM;
    memset(cfg, 0, sizeof *cfg);
    cfg->serial = serial;
    cfg->id = (uint8_t)id;
    cfg->type = cd ? SCSI_TYPE_CDROM : SCSI_TYPE_DISK;
    cfg->removable = (uint8_t)cd;
    cfg->read_only = (uint8_t)cd;
    cfg->block_size = cd ? 2048 : 512;
    scsi_config_ident(cfg, "SOFTHBA", cd ? "SD CDROM" : "SD DISK", "0100");
}

int scsi_init_target(struct scsi_dev *dev, const struct scsi_target_config *cfg,
                     const struct scsi_ops *ops, void *ctx)
{
    unsigned shift = 9;
    memset(dev, 0, sizeof *dev);
    while (shift < 12 && (1u << shift) != cfg->block_size)
        shift++;
    if (cfg->id >= SCSI_TARGETS || (1u << shift) != cfg->block_size ||
        (cfg->type != SCSI_TYPE_DISK && cfg->type != SCSI_TYPE_CDROM) ||
        (cfg->type == SCSI_TYPE_CDROM &&
         (cfg->block_size != 2048 || !cfg->removable || !cfg->read_only)))
        return -1; /* dev->ops stays NULL: no device */
    dev->ops = ops;
    dev->ctx = ctx;
    dev->cfg = *cfg;
    dev->block_shift = (uint8_t)shift;
    dev->ua = 0x29;
    return 0;
}

void scsi_init(struct scsi_dev *dev, const struct scsi_ops *ops, void *ctx, uint32_t serial)
{
    struct scsi_target_config cfg;
    scsi_config_default(&cfg, 0, SCSI_TYPE_DISK, serial);
    scsi_init_target(dev, &cfg, ops, ctx);
}

void scsi_reset(struct scsi_dev *dev)
{
    dev->sense[0] = 0;
    dev->ua = 0x29; /* POWER ON, RESET: it supersedes a pending 28/00 */
    dev->prevent = 0;
}

void scsi_medium_changed(struct scsi_dev *dev)
{
    dev->ejected = 0;
    if (dev->ua != 0x29)
        dev->ua = 0x28;
}

int scsi_medium_ejected(const struct scsi_dev *dev) { return dev->ejected; }

/* READ(10) and WRITE(10) as a host sends them: the direction flag that fits,
 * enough data length, LUN 0, no unit attention, no bits the general way
 * would refuse, a target that has the opcode.  Such a block passes
 * validate() and dispatch() unchanged, so it may skip them (their table
 * scan and switch cost more than the SD command itself); anything else goes
 * the general way.  The checks are ordered cheapest first. */
static int plain_rw10(const struct scsi_dev *d, const uint8_t *blk, uint32_t data_len, uint32_t count)
{
    const uint8_t *cdb = blk + SHBA_HOST_CMD_CDB;
    unsigned op = cdb[0];
    unsigned flags = (op & 0x02) ? SHBA_HOST_CMD_FLAG_DATA_OUT : SHBA_HOST_CMD_FLAG_DATA_IN;
    return (op & 0xFD) == OP_READ10 && blk[SHBA_HOST_CMD_CDB_LEN] == 10 &&
           blk[SHBA_HOST_CMD_FLAGS] == flags && (blk[SHBA_HOST_CMD_LUN] | d->ua) == 0 &&
           !(cdb[1] & 0xE1) && !(cdb[9] & 0x05) &&
           !((op & 0x02) && d->cfg.type != SCSI_TYPE_DISK) &&
           data_len >> d->block_shift >= count;
}

/* Every command but a plain READ(10)/WRITE(10): cold and out of line, so
 * that the fast path above stays small in the flash cache (docs/soc.md). */
__attribute__((cold, noinline)) static int execute_general(struct scsi_dev *d, const uint8_t *blk,
                                                           uint32_t data_len, uint32_t *moved)
{
    const uint8_t *cdb = blk + SHBA_HOST_CMD_CDB;
    unsigned dir = DIR_NONE;
    uint64_t len = 0;
    int exact = 0, known = d ? plan(d, cdb, &dir, &len, &exact) : 0;
    unsigned hs = validate(d, blk, data_len, known, dir, len, exact);
    if (hs)
        return HOST_ERR | (int)hs;
    d->data_len = data_len;
    d->moved = 0;
    int rc = dispatch(d, cdb, blk[SHBA_HOST_CMD_CDB_LEN], blk[SHBA_HOST_CMD_LUN] == 0, known);
    *moved = d->moved;
    return rc;
}

/* One command block on target d (NULL: no device at that ID). */
static void execute(struct scsi_dev *d, const uint8_t *blk, struct scsi_result *res)
{
    const uint8_t *p = blk + SHBA_HOST_CMD_DATA_LEN;
    uint32_t data_len = (((uint32_t)p[3] << 8 | p[2]) << 8 | p[1]) << 8 | p[0];
    const uint8_t *cdb = blk + SHBA_HOST_CMD_CDB;
    uint32_t moved = 0, count = be16(cdb + 7); /* READ(10)/WRITE(10)'s */
    int rc;
    if (d && plain_rw10(d, blk, data_len, count)) {
        d->data_len = data_len;
        d->moved = 0;
        d->sense[0] = 0; /* as dispatch() does for a new command */
        rc = do_read_write(d, cdb[0] & 0x02, be32_of(cdb + 2), count);
        moved = d->moved;
    } else {
        rc = execute_general(d, blk, data_len, &moved);
    }
    /* Every field is set (no memset): the sense bytes only count with
     * sense_len, and they are copied only for CHECK CONDITION. */
    res->residual = data_len - moved;
    res->scsi_status = 0;
    res->host_status = 0;
    res->sense_len = 0;
    if (rc & HOST_ERR) {
        res->host_status = (uint8_t)rc;
        return;
    }
    res->scsi_status = (uint8_t)rc;
    if (rc == CHECK) {
        res->sense_len = SCSI_SENSE_LEN;
        memcpy(res->sense, d->sense, SCSI_SENSE_LEN);
    }
}

void scsi_execute(struct scsi_dev *d, const uint8_t *blk, struct scsi_result *res)
{
    execute(d->ops && blk[SHBA_HOST_CMD_TARGET] == d->cfg.id ? d : NULL, blk, res);
}

void scsi_execute_bus(struct scsi_dev *const targets[SCSI_TARGETS], const uint8_t *blk,
                      struct scsi_result *res)
{
    unsigned id = blk[SHBA_HOST_CMD_TARGET];
    struct scsi_dev *d = id < SCSI_TARGETS ? targets[id] : NULL;
    execute(d && d->ops && d->cfg.id == id ? d : NULL, blk, res);
}

unsigned scsi_result_encode(const struct scsi_result *res, uint8_t out[SHBA_HOST_RES_BLOCK_LEN])
{
    unsigned n = res->sense_len > SCSI_SENSE_LEN ? SCSI_SENSE_LEN : res->sense_len;
    out[SHBA_HOST_RES_SCSI_STATUS] = res->scsi_status;
    out[SHBA_HOST_RES_HOST_STATUS] = res->host_status;
    for (unsigned i = 0; i < 4; i++)
        out[SHBA_HOST_RES_RESIDUAL + i] = (uint8_t)(res->residual >> (8 * i));
    out[SHBA_HOST_RES_SENSE_LEN] = (uint8_t)n;
    memcpy(out + SHBA_HOST_RES_SENSE, res->sense, n);
    return SHBA_HOST_RES_SENSE + n;
}
