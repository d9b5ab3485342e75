/* The whole co-simulated system, put together in one place: the kernel with
 * the Verilated card (sim/harness/cosim.h) and its board jumpers, the card's
 * console UART, the PC around it (sim/pc/pc.h), the SD card model on a disk
 * image (sim/sdcard), and -- when asked -- the NT port driver emulation
 * (sim/portdrv) with a miniport loaded through its DriverEntry.
 *
 * softhba-sim, the SRB tests (tests/e2e) and the card protocol tests
 * (tests/cardproto) all build their system here.  One system per process
 * (the kernel and the port driver are one per process). */
#ifndef SOFTHBA_SYSTEM_H
#define SOFTHBA_SYSTEM_H

#include <stdint.h>
#include <stdio.h>

#include "cosim.h"
#include "pc.h"
#include "portdrv.h"
#include "sd_card_model.h"
#include "uart_sink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The card's jumpers, as a person sets them on the board: values, which
 * the register map's tables (regmap/, docs/registers.md: the I/O base
 * table, CONFIG's IRQ and DMA selects) turn into codes. */
#define SYSTEM_JUMPER_NONE (-1)
struct system_jumpers {
    unsigned io_base;     /* SHBA_HOST_IO_BASE_LIST; 0: SHBA_HOST_IO_BASE_DEFAULT */
    int irq;              /* SHBA_HOST_CONFIG_IRQ_SEL_LIST, or SYSTEM_JUMPER_NONE */
    int dma8;             /* SHBA_HOST_CONFIG_DMA8_SEL_LIST, or SYSTEM_JUMPER_NONE */
    int dma16;            /* SHBA_HOST_CONFIG_DMA16_SEL_LIST, or SYSTEM_JUMPER_NONE */
    int wide16;           /* a 16-bit slot */
};

/* The base jumper's code for an I/O base (card_pins.h cfg_base_sel), or -1
 * when the card cannot sit there. */
int system_io_base_code(unsigned io_base);
/* The reset value of CONFIG for the jumpers; -1 for an IRQ or channel the
 * card cannot use (0 for dma16 included: set SYSTEM_JUMPER_NONE). */
int system_jumper_resources(const struct system_jumpers *j, uint8_t *cfg_resources);

struct system_config {
    const char *name;            /* prefix of set-up error messages */
    const char *firmware_hex;    /* the card firmware ($readmemh image) */
    const char *wave_file;       /* FST waveform of the card, or NULL */
    uint64_t max_cycles;         /* the kernel's cycle limit (0: none) */
    struct system_jumpers jumpers;

    const char *trace_path;      /* decoded ISA bus trace to this file, or NULL */
    int at_bus_users;            /* the AT's refresh, timer tick and floppy DMA on the bus */
    int no_isa_check;            /* skip the ISA timing checker (sim/pc/isa_timing_check.h) */
    const char *console_path;    /* the firmware's console to this file, or NULL */
    FILE *console_echo;          /* without console_path: to this stream, or NULL
                                  * (the text is kept in memory either way) */

    const char *disk_image;      /* the SD card's backing file */
    int sync_writes;             /* fdatasync every programmed block (slow) */
    const struct sd_fault *sd_fault;   /* armed before power-on, or NULL */

    /* Sees every I/O cycle the PC runs from power-on (pc_set_io_observer),
     * DriverEntry's probing included; NULL: none. */
    pc_io_observer_fn io_observer;
    void *io_observer_ctx;

    /* A device of the caller's, added to the kernel before any other: it
     * sees every cycle from power-on, DriverEntry's included.  NULL: none. */
    cosim_device_fn first_device;
    void *first_device_ctx;

    /* The port driver emulation with a miniport, or (0) the bare PC. */
    int port_driver;
    portdrv_driver_entry_fn driver_entry;  /* NULL: host_driver/softhba.c, linked in */
    const char *driver_args;               /* the DriverParameter string, or NULL */
    FILE *driver_log;                      /* NULL: into the bus trace, if any */
};

struct system {
    struct pc *pc;
    struct sd_card *sd;
    struct uart_sink *console;
    FILE *trace;                 /* the open bus trace, or NULL */
    FILE *console_file;
    int port_driver;             /* the port driver is loaded */
    ULONG driver_status;         /* what DriverEntry returned */
};

enum system_status {
    SYSTEM_UP = 0,
    SYSTEM_SETUP_FAILED = -1,    /* kernel, files, PC or SD model: message on stderr */
    SYSTEM_NO_ADAPTER = -2       /* all built, but DriverEntry found no adapter
                                  * (driver_status says why); system_down still due */
};

/* Builds the system: the kernel powers the card on with the firmware, then
 * the console, the PC, the SD card, and the port driver calls the
 * miniport's DriverEntry (HwFindAdapter, HwInitialize).  On
 * SYSTEM_SETUP_FAILED nothing is left to tear down. */
enum system_status system_up(const struct system_config *cfg, struct system *sys);
/* Tears everything down: the port driver, the kernel (closing the waveform),
 * the SD card (syncing its image), the PC, the console, the files. */
void system_down(struct system *sys);

#ifdef __cplusplus
}
#endif

#endif
