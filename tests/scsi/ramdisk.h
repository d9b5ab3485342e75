/* A RAM disk behind struct scsi_ops, with fault injection, for the SCSI
 * layer's host tests and fuzzer. It also plays the host side of the data
 * phase: data-in lands in host_in, data-out comes from host_out, and any
 * attempt to move more than the command's data length is recorded. */
#ifndef SOFTHBA_TESTS_RAMDISK_H
#define SOFTHBA_TESTS_RAMDISK_H

#include <stdint.h>

#include "scsi.h"

#define RD_NONE UINT64_MAX
#define RD_HOST_IN_MAX (300u * 1024u) /* data-in kept; more is counted, not stored */

struct ramdisk {
    uint8_t *data;           /* stored_blocks * block_size bytes */
    uint32_t block_size;     /* bytes per block: the target's */
    uint32_t stored_blocks;  /* blocks backed by data; beyond reads 0, writes drop */
    uint64_t blocks;         /* capacity reported */
    unsigned medium_flags;   /* SCSI_MEDIUM_* */
    /* Faults: the medium operation touching this LBA fails with this code. */
    uint64_t read_err_lba;
    enum scsi_io read_err;
    uint64_t write_err_lba;
    enum scsi_io write_err;
    /* Host fault: the data phase fails with host_fault once host_fault_at
     * bytes have moved (SCSI_IO_OK = none). */
    enum scsi_io host_fault;
    uint32_t host_fault_at;
    /* The host side of the data phase. */
    uint32_t data_len;       /* the command's data length */
    uint8_t *host_in;        /* RD_HOST_IN_MAX bytes */
    uint32_t in_len;         /* bytes sent to the host */
    const uint8_t *host_out;
    uint32_t out_len, out_pos;
    int overflow;            /* the layer moved more than data_len, or past host_out */
    int bad_call;            /* an operation was called with bad arguments */
    uint32_t blocks_written, blocks_read;
};

extern const struct scsi_ops ramdisk_ops;

/* Allocates storage; capacity = stored_blocks, medium present and ready. */
void ramdisk_init(struct ramdisk *rd, uint32_t stored_blocks);
/* The same with block_size-byte blocks. */
void ramdisk_init_bs(struct ramdisk *rd, uint32_t stored_blocks, uint32_t block_size);
void ramdisk_free(struct ramdisk *rd);
/* Prepare the host side for one command. */
void ramdisk_host(struct ramdisk *rd, uint32_t data_len, const uint8_t *out, uint32_t out_len);

#endif
