/* SD card model, SPI mode, backed by a disk image file.
 *
 * The core is a pure SPI state machine: feed it the pins (or the individual
 * SCK edges and chip-select changes) with the simulated time, read MISO back.
 * It does not know about the co-simulation kernel; sd_card_cosim.c registers
 * it there as a device, and tests can drive it from any testbench.
 *
 * Time is simulated picoseconds.  Latencies (read access, programming busy)
 * are in simulated time, so they look the same at 400 kHz and at 18 MHz.
 * The image file holds exactly what the card has programmed: a written block
 * reaches the file (pwrite + fdatasync) only when the card's busy time for it
 * has ended. */
#ifndef SD_CARD_MODEL_H
#define SD_CARD_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sd_card_type {
    SD_CARD_AUTO = 0,   /* SDSC for images up to 1 GiB, SDHC above */
    SD_CARD_SDSC,       /* byte addressing, CSD version 1 */
    SD_CARD_SDHC        /* block addressing, CSD version 2 (SDHC/SDXC) */
};

struct sd_card_options {
    const char *image_path;     /* backing file; its size sets the capacity */
    enum sd_card_type type;
    int version1;               /* SDSC only: a v1.x card (CMD8 is illegal) */
    int write_protect;          /* writes answer 'write error' + WP_VIOLATION */
    int sync_writes;            /* fdatasync after every programmed block (default 1) */
    uint64_t read_delay_ps;     /* Nac: command (or previous block) to start token; default 10 us */
    uint64_t prog_ps;           /* busy time per written block; default 20 us */
    uint64_t stop_busy_ps;      /* busy after CMD12 and after the stop token; default 2 us */
    unsigned ncr;               /* bytes of 0xFF before a response, 1..8; default 1 */
    unsigned init_polls;        /* ACMD41 answers 'idle' this many times first; default 2 */
    int verbose;                /* log commands to stderr */
};

void sd_card_default_options(struct sd_card_options *opt);

enum sd_fault_kind {
    SD_FAULT_NONE = 0,
    SD_FAULT_READ_CRC,       /* read data blocks carry a wrong CRC16 */
    SD_FAULT_NO_TOKEN,       /* read: R1 is fine but the start token never comes */
    SD_FAULT_WRITE_REJECT,   /* write: data response 'write error' (0x0D), block not programmed */
    SD_FAULT_BUSY_FOREVER,   /* write: accepted, then busy until the fault is cleared;
                                clearing it abandons the block (never programmed) */
    SD_FAULT_REMOVED,        /* the card disappears at byte_offset of a data block:
                                MISO floats high; clearing it re-inserts a powered-down card */
    SD_FAULT_OUT_OF_RANGE    /* the next read/write command answers R1 'parameter error'
                                with OUT_OF_RANGE status, as for an address beyond the card */
};

struct sd_fault {
    enum sd_fault_kind kind;
    unsigned skip;          /* data blocks (commands for OUT_OF_RANGE) that pass first */
    unsigned times;         /* blocks/commands it hits, 0 = until cleared */
    unsigned byte_offset;   /* SD_FAULT_REMOVED: data byte of the block where it happens */
};

struct sd_card_stats {
    uint64_t commands;
    uint64_t blocks_read;        /* data blocks sent */
    uint64_t blocks_written;     /* blocks programmed into the image */
    uint64_t blocks_rejected;    /* write blocks answered with an error response */
    uint64_t blocks_abandoned;   /* accepted blocks never programmed (busy forever, removal) */
    uint64_t cmd_crc_errors;     /* commands refused for a bad CRC7 */
    uint64_t data_crc_errors;    /* write blocks refused for a bad CRC16 */
    uint64_t faults_hit;
};

struct sd_card;

/* NULL with a message on stderr when the image cannot be used. */
struct sd_card *sd_card_open(const struct sd_card_options *opt);
void sd_card_close(struct sd_card *card);

/* The SPI pins.  Call with the current pin levels whenever they may have
 * changed (once per core clock is fine); it finds the edges itself.
 * Returns the MISO level. */
int sd_card_pins(struct sd_card *card, uint64_t now_ps, int sck, int mosi, int cs_n);

/* The same, one event at a time. */
void sd_card_cs(struct sd_card *card, uint64_t now_ps, int cs_n);
void sd_card_sck_rise(struct sd_card *card, uint64_t now_ps, int mosi);
void sd_card_sck_fall(struct sd_card *card, uint64_t now_ps);
int sd_card_miso(const struct sd_card *card);
/* Let time pass without an edge (ends programming on time). */
void sd_card_tick(struct sd_card *card, uint64_t now_ps);

/* Fault injection; a new fault replaces the old one.  SD_FAULT_NONE clears. */
void sd_card_set_fault(struct sd_card *card, const struct sd_fault *fault);
void sd_card_clear_fault(struct sd_card *card);
/* "kind[:skip[:times[:byte_offset]]]", kind one of read-crc, no-token,
 * write-reject, busy-forever, removed, out-of-range, none.  0 or -1. */
int sd_card_parse_fault(const char *spec, struct sd_fault *fault);

uint64_t sd_card_capacity_blocks(const struct sd_card *card);
int sd_card_is_sdhc(const struct sd_card *card);
int sd_card_is_busy(const struct sd_card *card);
const struct sd_card_stats *sd_card_get_stats(const struct sd_card *card);

/* CRCs of the SD protocol (also used by tests). */
uint8_t sd_crc7(const uint8_t *data, unsigned len);          /* 7-bit value */
uint16_t sd_crc16(const uint8_t *data, unsigned len);

/* Register the card as a device of the co-simulation kernel (sd_card_cosim.c):
 * it follows sd_sck/sd_mosi/sd_cs_n in struct card_pins and drives sd_miso. */
void sd_card_attach_cosim(struct sd_card *card);

#ifdef __cplusplus
}
#endif

#endif
