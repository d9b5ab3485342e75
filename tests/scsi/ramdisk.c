/* RAM disk with fault injection behind struct scsi_ops: see ramdisk.h. */
#include "ramdisk.h"

#include <stdlib.h>
#include <string.h>

void ramdisk_init(struct ramdisk *rd, uint32_t stored_blocks)
{
    ramdisk_init_bs(rd, stored_blocks, SCSI_BLOCK_SIZE);
}

void ramdisk_init_bs(struct ramdisk *rd, uint32_t stored_blocks, uint32_t block_size)
{
    memset(rd, 0, sizeof *rd);
    rd->block_size = block_size;
    rd->data = calloc(stored_blocks ? stored_blocks : 1, block_size);
    rd->host_in = calloc(1, RD_HOST_IN_MAX);
    if (!rd->data || !rd->host_in)
        abort();
    rd->stored_blocks = stored_blocks;
    rd->blocks = stored_blocks;
    rd->medium_flags = SCSI_MEDIUM_PRESENT | SCSI_MEDIUM_READY;
    rd->read_err_lba = RD_NONE;
    rd->write_err_lba = RD_NONE;
    rd->read_err = SCSI_IO_READ_ERROR;
    rd->write_err = SCSI_IO_WRITE_ERROR;
}

void ramdisk_free(struct ramdisk *rd)
{
    free(rd->data);
    free(rd->host_in);
    rd->data = NULL;
    rd->host_in = NULL;
}

void ramdisk_host(struct ramdisk *rd, uint32_t data_len, const uint8_t *out, uint32_t out_len)
{
    rd->data_len = data_len;
    rd->in_len = 0;
    rd->host_out = out;
    rd->out_len = out_len;
    rd->out_pos = 0;
    rd->overflow = 0;
    rd->bad_call = 0;
}

static unsigned rd_medium(void *ctx, uint64_t *blocks)
{
    const struct ramdisk *rd = ctx;
    *blocks = rd->blocks;
    return rd->medium_flags;
}

/* Bytes moved so far on the host side, either way. */
static uint32_t moved(const struct ramdisk *rd) { return rd->in_len + rd->out_pos; }

static int host_fails(const struct ramdisk *rd, uint32_t len)
{
    return rd->host_fault != SCSI_IO_OK && (uint64_t)moved(rd) + len > rd->host_fault_at;
}

static int to_host(struct ramdisk *rd, const uint8_t *buf, uint32_t len)
{
    if ((uint64_t)moved(rd) + len > rd->data_len) {
        rd->overflow = 1;
        return 0;
    }
    for (uint32_t i = 0; i < len; i++, rd->in_len++)
        if (rd->in_len < RD_HOST_IN_MAX)
            rd->host_in[rd->in_len] = buf ? buf[i] : 0;
    return 1;
}

static int from_host(struct ramdisk *rd, uint8_t *buf, uint32_t len)
{
    if ((uint64_t)moved(rd) + len > rd->data_len || (uint64_t)rd->out_pos + len > rd->out_len) {
        rd->overflow = 1;
        return 0;
    }
    if (buf)
        memcpy(buf, rd->host_out + rd->out_pos, len);
    rd->out_pos += len;
    return 1;
}

static enum scsi_io rd_send(void *ctx, const uint8_t *buf, uint32_t len)
{
    struct ramdisk *rd = ctx;
    if (len == 0 || !buf)
        rd->bad_call = 1;
    if (host_fails(rd, len))
        return rd->host_fault;
    return to_host(rd, buf, len) ? SCSI_IO_OK : SCSI_IO_OVERRUN;
}

static enum scsi_io rd_receive(void *ctx, uint8_t *buf, uint32_t len)
{
    struct ramdisk *rd = ctx;
    if (len == 0 || !buf)
        rd->bad_call = 1;
    if (host_fails(rd, len))
        return rd->host_fault;
    return from_host(rd, buf, len) ? SCSI_IO_OK : SCSI_IO_OVERRUN;
}

static const uint8_t *block_at(const struct ramdisk *rd, uint64_t lba)
{
    return lba < rd->stored_blocks ? rd->data + lba * rd->block_size : NULL;
}

static int args_ok(struct ramdisk *rd, uint32_t lba, uint32_t count)
{
    if (count == 0 || (uint64_t)lba + count > rd->blocks) {
        rd->bad_call = 1;
        return 0;
    }
    return 1;
}

static enum scsi_io rd_read_blocks(void *ctx, uint32_t lba, uint32_t count, uint32_t *done)
{
    struct ramdisk *rd = ctx;
    *done = 0;
    if (!args_ok(rd, lba, count))
        return SCSI_IO_HOST_HW;
    for (uint32_t i = 0; i < count; i++) {
        if ((uint64_t)lba + i == rd->read_err_lba)
            return rd->read_err;
        if (host_fails(rd, rd->block_size))
            return rd->host_fault;
        if (!to_host(rd, block_at(rd, (uint64_t)lba + i), rd->block_size))
            return SCSI_IO_OVERRUN;
        rd->blocks_read++;
        *done = i + 1;
    }
    return SCSI_IO_OK;
}

static enum scsi_io rd_write_blocks(void *ctx, uint32_t lba, uint32_t count, uint32_t *done)
{
    struct ramdisk *rd = ctx;
    uint8_t block[SCSI_BLOCK_SIZE_MAX];
    *done = 0;
    if (!args_ok(rd, lba, count))
        return SCSI_IO_HOST_HW;
    for (uint32_t i = 0; i < count; i++) {
        if (host_fails(rd, rd->block_size))
            return rd->host_fault;
        if (!from_host(rd, block, rd->block_size))
            return SCSI_IO_OVERRUN;
        if ((uint64_t)lba + i == rd->write_err_lba)
            return rd->write_err; /* this block is not programmed */
        uint8_t *dst = (uint8_t *)block_at(rd, (uint64_t)lba + i);
        if (dst)
            memcpy(dst, block, rd->block_size);
        rd->blocks_written++;
        *done = i + 1;
    }
    return SCSI_IO_OK;
}

static enum scsi_io rd_verify_blocks(void *ctx, uint32_t lba, uint32_t count, uint32_t *done)
{
    struct ramdisk *rd = ctx;
    *done = 0;
    if (!args_ok(rd, lba, count))
        return SCSI_IO_HOST_HW;
    for (uint32_t i = 0; i < count; i++) {
        if ((uint64_t)lba + i == rd->read_err_lba)
            return rd->read_err;
        *done = i + 1;
    }
    return SCSI_IO_OK;
}

static enum scsi_io rd_read_bytes(void *ctx, uint32_t lba, uint32_t offset, uint8_t *buf, uint32_t len)
{
    struct ramdisk *rd = ctx;
    if (!args_ok(rd, lba, 1) || len == 0 || offset + len > rd->block_size)
        return SCSI_IO_HOST_HW;
    if (lba == rd->read_err_lba)
        return rd->read_err;
    const uint8_t *src = block_at(rd, lba);
    if (src)
        memcpy(buf, src + offset, len);
    else
        memset(buf, 0, len);
    return SCSI_IO_OK;
}

const struct scsi_ops ramdisk_ops = {
    .medium = rd_medium,
    .send = rd_send,
    .receive = rd_receive,
    .read_blocks = rd_read_blocks,
    .write_blocks = rd_write_blocks,
    .verify_blocks = rd_verify_blocks,
    .read_bytes = rd_read_bytes,
};

/* The glue's count after a failure (scsi.h): the RAM disk moves whole blocks
 * and whole sends, so the layer's own count is what reached the host. */
uint32_t scsi_glue_moved(void *ctx, uint32_t moved)
{
    (void)ctx;
    return moved;
}
