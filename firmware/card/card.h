/* The card firmware's glue between the SCSI layer (firmware/scsi/), the SD
 * driver (firmware/sd/) and the host register file: one struct card holds
 * the state, card_scsi_ops implements struct scsi_ops on the hardware.
 * The host protocol is in docs/protocol.md. */
#ifndef CARD_H
#define CARD_H

#include <stdint.h>

#include "media.h"
#include "scsi.h"
#include "sd_driver.h"
#include "xfer.h"

#define CARD_FW_VERSION_MAJOR 1u
#define CARD_FW_VERSION_MINOR 0u

/* A data phase that makes no progress for this long is given up
 * (host status HS_HW_ERROR): the host stopped arming or moving data. */
#define CARD_STALL_MS 2000u
/* Longest a DMA or PIO cycle already on the ISA bus can take to end (a
 * DMA cycle is under 1 us at the slowest 3 MHz DMA clock, a PIO read of
 * the DATA port about 1 us; docs/isa.md): after that, XFER_DONE is final. */
#define CARD_CYCLE_END_US 5u

struct card;

/* The scsi_ops context of one target: the SCSI layer's per-target behaviour
 * (firmware/scsi) reaches the card and its image through it. */
struct card_target {
    struct card *card;
    struct fs_target *t;   /* &card->media.target[id]: no index multiply per command */
    uint8_t id;
};

struct card {
    struct sd_dev sd;
    struct xfer_state xfer;
    int sd_err;             /* result of the last sd_init */
    uint32_t hstatus;       /* shadow of HOSTIF HSTATUS */
    uint32_t need;          /* ISA bytes the running block operation waits for */
    enum scsi_io stop;      /* why the wait callback stopped the SD engine */
    uint32_t done;          /* ISA bytes moved, XFER_DONE extended to 32 bits */
    uint32_t stall_sig;     /* progress seen last (XFER_DONE, SD BLK_DONE) */
    uint32_t stall_since;   /* mtime (low half) when it was seen */
    uint32_t mounted_serial;/* card_serial() of the card the images were mapped on */
    int run_err;            /* SD result of the last run media_runs() moved */
    uint32_t run_lba;       /* card sector where that run stopped */
    uint8_t card_changed;   /* another SD card is in the slot than at mount (logged) */
    uint32_t pad_end;       /* a failed send pushed a 16-bit pad byte after this
                             * command offset (0: none); scsi_glue_moved() takes it */
    struct media media;     /* the targets: image files, or the raw card at 0 */
    struct card_target target[FS_MAX_TARGETS];
};

extern const struct scsi_ops card_scsi_ops;

/* Boot: SD card init, HSTATUS.ERROR when it fails. */
void card_init(struct card *c);
/* Boot, after card_init: mount the card's file system and map the images
 * (media.h); log lines also go to echo (the console).  Returns the number
 * of targets. */
unsigned card_mount(struct card *c, fs_log_fn echo);
/* Between commands: softhba.log's pending text to the card. */
void card_idle(struct card *c);
/* SD card serial number (CID PSN), 0 without a card. */
uint32_t card_serial(const struct card *c);
/* HSTATUS bits the firmware owns. */
void card_hstatus(struct card *c, uint32_t set, uint32_t clear);
/* Around scsi_execute(): open and close the data phase of a command block
 * (its data length and flags). */
void card_begin(struct card *c, uint32_t len, unsigned flags);
void card_end(struct card *c);

#endif
