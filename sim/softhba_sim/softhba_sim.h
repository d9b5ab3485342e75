/* softhba-sim: what its files share.  main.c parses the command line and
 * runs one command; setup.c builds the system from the options (through
 * sim/system); disk_io.c moves blocks through the class layer and keeps the
 * running command's figures; cmd_*.c are the commands; bench_json.c writes
 * the --json figures.  See docs/cosim.md. */
#ifndef SOFTHBA_SIM_CLI_H
#define SOFTHBA_SIM_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "class_cdrom.h"
#include "class_layer.h"
#include "system.h"

/* Exit statuses (docs/cosim.md). */
#define EXIT_FAILED 1          /* a SCSI command failed, or verify found a mismatch */
#define EXIT_USAGE 2           /* bad command line */
#define EXIT_NO_CARD 3         /* HwFindAdapter failed, or the card never became ready */
#define EXIT_TIME_LIMIT 4      /* --max-time-ms reached */
#define EXIT_HARNESS 126       /* firmware, image or simulator set-up failed */

#define PS_PER_MS 1000000000ull
#define PS_PER_S 1000000000000ull
#define DEFAULT_DISK_BYTES (32ull << 20)
#define DEFAULT_DISK_PATH "build/sim/default-disk.img"
#define DEFAULT_FIRMWARE "build/fw/softhba_fw.hex"
#define CHUNK_BYTES 0x10000u   /* one READ(10)/WRITE(10) SRB: MaximumTransferLength */

extern const char *const prog;

struct options {
    const char *disk;
    const char *firmware;
    const char *trace;
    const char *wave;
    const char *sd_fault;
    const char *console;
    const char *out;
    const char *in;
    const char *json;
    const char *driver_args;
    const char *driver;        /* "sys", "native" or a .sys path; NULL: sys */
    int dma;                   /* channel, -1 PIO */
    int target;                /* SCSI ID of the commands (--target) */
    int sd_fault_late;         /* --sd-fault-late: arm the fault once the target is ready */
    int irq;
    int base;                  /* -1: not given (the miniport scans) */
    int card_base;             /* -1: the jumper follows --base (0x340 without it) */
    int narrow;                /* 8-bit slot */
    int single;                /* single-mode DMA */
    int no_isa_check;          /* skip the ISA timing checker */
    int progress;
    int pad;
    int verbose;
    uint64_t max_time_ms;
    uint64_t seed;
    int64_t reload_at;         /* --reload-at: the CD's block where it is ejected and loaded; -1 none */
};

/* The run: options, the system, the disk, the running command's figures. */
struct cli {
    struct options opt;
    const char *miniport_sys;  /* the .sys in the i386 emulator; NULL: the host build */
    struct system sys;
    struct class_target target;
    int is_cd;                 /* the target is a CD-ROM: reads go through the cdrom model */
    struct class_cdrom cd;     /* its cdrom.sys state (claim, capacity, media changes) */
    struct sd_fault late_fault;  /* --sd-fault with --sd-fault-late */
    uint32_t last_lba;
    uint64_t limit_ps;
    uint64_t cmd_start_ps, cmd_start_cycles;
    double cmd_start_wall;
    uint64_t bytes;
    int progress_on;
    uint64_t progress_total;
};
extern struct cli cli;

/* options.c: the command line */
void usage(FILE *to);
void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void parse_options(int argc, char **argv, const char **words, int *nwords);
uint64_t need_number(const char *what, const char *s, uint64_t max);

/* alloc.c: out of memory ends the program (nothing has been claimed done yet) */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

/* setup.c */
void cli_system_up(void);
void cli_system_down(void);
void prepare_files(void);      /* default firmware and disk, the disk image checked */
void dump_console_tail(void);
void print_logged_errors(void);

/* disk_io.c */
double now_wall(void);
double kbps(uint64_t bytes, uint64_t ps);
void cmd_begin(void);
void cmd_end(const char *what);
void progress(uint64_t done);
void report_failure(const char *what, uint32_t lba, const struct class_result *r);
int disk_ready(void);
int reload_disc(void);         /* --reload-at: eject and load the CD (START STOP UNIT) */
uint64_t disk_blocks(void);
int read_blocks(uint32_t lba, uint32_t count, uint8_t *buf);
int write_blocks(uint32_t lba, uint32_t count, const uint8_t *buf);
int check_range(uint64_t lba, uint64_t count);

/* bench_json.c: --json */
struct bench_figures {
    int channel;               /* -1: PIO */
    int demand;
    double limit_kbps, read64k_kbps, write64k_kbps, read4k_kbps;
    unsigned bus_on_us, bus_off_us;   /* the card's BUS_TIME as the miniport set it */
    double fair_limit_kbps;           /* the 8237's limit under those on/off times (0: not demand) */
};
void json_write_bench(const struct bench_figures *f);
void json_write_copy(void);
/* info: power-on to the first GOOD TEST UNIT READY */
void json_write_ready(uint64_t ready_ps);

/* card_layout.c: a target's place in the SD card image, found by the card
 * firmware's own set-up (firmware/card/media.c) run on the image file */
struct fs_target;
int card_target_layout(const char *image, unsigned id, struct fs_target *out);
/* count blocks from block of the target, straight from the image file */
int card_target_pread(const char *image, const struct fs_target *t, uint32_t block, uint32_t count,
                      uint8_t *buf);

/* the commands: each returns the exit status */
int cmd_info(void);
int cmd_ls(void);
int cmd_read(uint64_t lba, uint64_t count);
int cmd_write(uint64_t lba);
int cmd_copy_in(const char *image);
int cmd_copy_out(const char *image, const char *count_arg);
int cmd_bench(void);
int cmd_verify(const char *rounds_arg);

#endif
