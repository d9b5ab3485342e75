/* softhba-sim: the whole system in one program.  The Verilated card (CPU,
 * firmware, ISA side, FIFO, SD engine) sits in a co-simulated PC (ISA bus
 * master, 8237 pair, PIC, 16 MiB of memory) with an SD card model backed by
 * a disk image; the NT miniport -- the shipped softhba.sys in an i386
 * emulator (sim/ntsys), or host_driver/softhba.c built for the host with
 * --driver=native -- runs under the port driver emulation, and a small disk class layer sends it the SRBs NT's disk
 * class driver would.  Every command runs in simulated time and reports it.
 *
 * Flow: cosim_init (firmware) -> pc_create -> SD card model open + attach ->
 * portdrv_init + DriverEntry (ScsiPortInitialize -> HwFindAdapter ->
 * HwInitialize) -> class layer SRBs.  See docs/cosim.md. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "class_layer.h"
#include "cosim.h"
#include "ntsys.h"
#include "pc.h"
#include "portdrv.h"
#include "sd_card_model.h"
#include "softhba_regs.h"
#include "uart_sink.h"

ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2);

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
};

/* ---- small helpers ------------------------------------------------------ */

static const char *prog = "softhba-sim";
static const char *miniport_sys;   /* the .sys in the emulator; NULL: the host build */

static void die_usage(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", prog);
    exit(EXIT_USAGE);
}

static void usage(FILE *to)
{
    fprintf(to,
        "usage: softhba-sim [OPTIONS] COMMAND\n"
        "Commands:\n"
        "  info                 INQUIRY and READ CAPACITY through the miniport\n"
        "  read LBA COUNT       read COUNT blocks: hexdump on stdout, or to --out FILE\n"
        "  write LBA            write the data of --in FILE (default stdin) from LBA\n"
        "  copy-in IMAGE        write a whole image file to the disk through the card\n"
        "  copy-out IMAGE [N]   read the disk (or its first N blocks) into IMAGE\n"
        "  bench                64 KiB READ(10)/WRITE(10) and 4 KiB READ(10) throughput\n"
        "  verify [ROUNDS]      write random data at random LBAs (1 to 160 blocks),\n"
        "                       read it back, compare with the data and the image file\n"
        "Options:\n"
        "  --disk IMG           disk image behind the SD card model (default: a sparse\n"
        "                       32 MiB " DEFAULT_DISK_PATH ", created when missing)\n"
        "  --firmware HEX       card firmware image (default " DEFAULT_FIRMWARE ")\n"
        "  --dma CH             DMA channel: 1 or 3 (8-bit), 5, 6 or 7 (16-bit); default 5\n"
        "  --pio                no DMA: data through the DATA port\n"
        "  --irq N              IRQ: " SHBA_HOST_CONFIG_IRQ_SEL_LIST "; default 11\n"
        "  --base PORT          I/O base: " SHBA_HOST_IO_BASE_LIST "\n"
        "                       (the miniport probes only that one); default: the card\n"
        "                       at the first (every jumper open), scanned\n"
        "  --card-base PORT     set the card's base jumper apart from --base (tests)\n"
        "  --narrow             an 8-bit slot (no 16-bit cycles, no 16-bit DMA)\n"
        "  --single             single-mode 8237 transfers (default demand mode)\n"
        "  --no-isa-check       do not check the card's pins against the ISA timing\n"
        "  --driver-args STR    extra miniport DriverParameter tokens\n"
        "  --driver=sys|native|PATH.sys  the miniport: the shipped softhba.sys in the\n"
        "                       i386 emulator (default: build/driver/softhba.sys), or the\n"
        "                       host build of host_driver/softhba.c (ASan/UBSan, debugging)\n"
        "  --trace FILE         decoded ISA bus trace (I/O, DMA, IRQ, notes)\n"
        "  --wave FILE          FST waveform of the card\n"
        "  --console FILE       the card firmware's UART console\n"
        "  --sd-fault SPEC      SD fault: kind[:skip[:times[:byte_offset]]], kind one of\n"
        "                       read-crc no-token write-reject busy-forever removed out-of-range\n"
        "  --max-time-ms N      stop (exit 4) after N ms of simulated time\n"
        "  --out FILE, --in FILE, --pad (zero-fill a partial last block for write)\n"
        "  --progress           progress bar on stderr even when it is not a terminal\n"
        "  --json FILE          write the command's figures as a JSON object\n"
        "  --seed N             random seed for verify (default 1)\n"
        "  -v, --verbose        port driver log and firmware console on stderr\n"
        "Exit status: 0 ok, 1 command failed, 2 bad command line, 3 no card answered,\n"
        "4 simulated time limit, 5 ISA timing violation, 6 the binary driver faulted,\n"
        "126 set-up error.\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static uint64_t need_number(const char *what, const char *s, uint64_t max)
{
    uint64_t v;
    if (parse_u64(s, &v) != 0 || v > max)
        die_usage("bad %s '%s' (a number from 0 to %" PRIu64 ")", what, s ? s : "", max);
    return v;
}

static int base_index(unsigned port)
{
    return SHBA_HOST_IO_BASE_CODE(port);
}

/* Out of memory ends the program: nothing has been claimed done yet. */
static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "%s: out of memory\n", prog);
        free(p);
        exit(EXIT_HARNESS);
    }
    return q;
}

static void *xmalloc(size_t n) { return xrealloc(NULL, n); }

static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the system --------------------------------------------------------- */

static struct {
    struct options opt;
    struct pc *pc;
    struct sd_card *sd;
    struct uart_sink *console;
    FILE *trace;
    FILE *console_file;
    struct class_target target;
    uint32_t last_lba;
    uint64_t limit_ps;
    /* figures of the running command */
    uint64_t cmd_start_ps, cmd_start_cycles;
    double cmd_start_wall;
    uint64_t bytes;
    int progress_on;
    uint64_t progress_total;
    int progress_shown;
} sys;

/* A device that ends the run at --max-time-ms: the port driver's waits are
 * blocking loops in simulated time, so the limit is enforced from inside. */
static void time_limit_device(void *ctx, uint64_t now_ps)
{
    (void)ctx;
    if (sys.limit_ps && now_ps >= sys.limit_ps) {
        fprintf(stderr, "\n%s: simulated time limit of %" PRIu64 " ms reached\n", prog,
                sys.opt.max_time_ms);
        if (sys.trace)
            fflush(sys.trace);
        fflush(stdout);
        _exit(EXIT_TIME_LIMIT);
    }
}

static const char *default_firmware(void)
{
    /* Next to the program (build/sim/../fw/), else from the repository root. */
    static char path[4096];
    char exe[4000];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(path, sizeof path, "%s/../fw/softhba_fw.hex", exe);
            if (access(path, R_OK) == 0)
                return path;
        }
    }
    return DEFAULT_FIRMWARE;
}

/* The default disk: a sparse 32 MiB file, made once. */
static const char *default_disk(void)
{
    static char tmpl[] = "/tmp/softhba-sim-disk-XXXXXX";
    const char *path = DEFAULT_DISK_PATH;
    struct stat st;
    if (stat(path, &st) == 0 && (uint64_t)st.st_size == DEFAULT_DISK_BYTES)
        return path;
    int fd = -1;
    if (stat("build/sim", &st) == 0 && S_ISDIR(st.st_mode))
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fd = mkstemp(tmpl);
        if (fd < 0) {
            fprintf(stderr, "%s: cannot create a default disk image: %s\n", prog, strerror(errno));
            exit(EXIT_HARNESS);
        }
        path = tmpl;
        fprintf(stderr, "%s: default disk %s\n", prog, path);
    }
    if (ftruncate(fd, (off_t)DEFAULT_DISK_BYTES) != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        close(fd);
        exit(EXIT_HARNESS);
    }
    close(fd);
    return path;
}

static void check_disk(const char *path)
{
    struct stat st;
    int fd = open(path, O_RDWR);
    if (fd < 0) {
        fprintf(stderr, "%s: disk image %s: %s\n", prog, path, strerror(errno));
        exit(EXIT_HARNESS);
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "%s: disk image %s: not a regular file\n", prog, path);
        close(fd);
        exit(EXIT_HARNESS);
    }
    close(fd);
    if (st.st_size < 64 * 512 || st.st_size % 512) {
        fprintf(stderr, "%s: disk image %s: %lld bytes; it must be a multiple of 512 bytes "
                "and at least 32 KiB\n", prog, path, (long long)st.st_size);
        exit(EXIT_HARNESS);
    }
}

static uint8_t jumper_resources(const struct options *o)
{
    /* main() accepted only IRQs and channels the tables have codes for */
    uint8_t r = (uint8_t)(SHBA_HOST_CONFIG_IRQ_SEL_CODE((unsigned)o->irq) << SHBA_HOST_CONFIG_IRQ_SEL_SHIFT);
    if (o->dma >= 0) {
        int dma8 = SHBA_HOST_CONFIG_DMA8_SEL_CODE((unsigned)o->dma);
        if (dma8 >= 0)
            r |= (uint8_t)((unsigned)dma8 << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT);
        else
            r |= (uint8_t)(SHBA_HOST_CONFIG_DMA16_SEL_CODE((unsigned)o->dma) << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT);
    }
    if (!o->narrow)
        r |= SHBA_HOST_CONFIG_WIDE16;
    return r;
}

static void dump_console_tail(void)
{
    size_t len = 0;
    const char *text = sys.console ? uart_sink_text(sys.console, &len) : NULL;
    if (text && len)
        fprintf(stderr, "card console:\n%s%s", text, text[len - 1] == '\n' ? "" : "\n");
    else
        fprintf(stderr, "card console: (nothing)\n");
}

static void print_logged_errors(void)
{
    struct portdrv_logged_error e[PORTDRV_MAX_LOGGED];
    int n = portdrv_logged_errors(e, PORTDRV_MAX_LOGGED);
    for (int i = 0; i < n; i++)
        fprintf(stderr, "  miniport logged error 0x%08x unique id 0x%08x\n",
                (unsigned)e[i].error_code, (unsigned)e[i].unique_id);
}

static void system_up(void)
{
    const struct options *o = &sys.opt;
    char args[512];
    struct cosim_options co = { 0 };
    int jumper = o->card_base >= 0 ? o->card_base : (o->base >= 0 ? o->base : (int)SHBA_HOST_IO_BASE_DEFAULT);

    co.firmware_hex = o->firmware;
    co.wave_file = o->wave;
    co.max_cycles = 0;
    co.cfg_base_sel = (uint8_t)base_index((unsigned)jumper);
    co.cfg_resources = jumper_resources(o);
    if (cosim_init(&co) != 0)
        exit(EXIT_HARNESS);
    if (o->max_time_ms) {
        sys.limit_ps = o->max_time_ms * PS_PER_MS;
        cosim_add_device(time_limit_device, NULL);
    }

    if (o->console) {
        sys.console_file = fopen(o->console, "w");
        if (!sys.console_file) {
            fprintf(stderr, "%s: %s: %s\n", prog, o->console, strerror(errno));
            exit(EXIT_HARNESS);
        }
    }
    sys.console = uart_sink_create(SHBA_UART_BAUD,
                                   sys.console_file ? sys.console_file : o->verbose ? stderr : NULL);
    if (o->trace) {
        sys.trace = fopen(o->trace, "w");
        if (!sys.trace) {
            fprintf(stderr, "%s: %s: %s\n", prog, o->trace, strerror(errno));
            exit(EXIT_HARNESS);
        }
    }
    /* an AT with its other bus users (refresh, timer tick, floppy DMA) */
    struct pc_config pcc = { .trace = sys.trace, .at_bus_users = 1, .no_isa_check = o->no_isa_check };
    sys.pc = pc_create(&pcc);
    if (!sys.pc) {
        fprintf(stderr, "%s: cannot create the PC model\n", prog);
        exit(EXIT_HARNESS);
    }

    struct sd_card_options so;
    sd_card_default_options(&so);
    so.image_path = o->disk;
    so.sync_writes = 0;  /* fsync per block only slows the host; the file is synced at exit */
    sys.sd = sd_card_open(&so);
    if (!sys.sd)
        exit(EXIT_HARNESS);
    if (o->sd_fault) {
        struct sd_fault f;
        if (sd_card_parse_fault(o->sd_fault, &f) != 0)
            die_usage("bad --sd-fault '%s'", o->sd_fault);
        sd_card_set_fault(sys.sd, &f);
    }
    sd_card_attach_cosim(sys.sd);

    args[0] = 0;
    if (o->base >= 0)
        snprintf(args + strlen(args), sizeof args - strlen(args), "base=0x%x ", (unsigned)o->base);
    if (o->single)
        snprintf(args + strlen(args), sizeof args - strlen(args), "single ");
    if (o->driver_args)
        snprintf(args + strlen(args), sizeof args - strlen(args), "%s", o->driver_args);
    struct portdrv_config pdc = {
        .pc = sys.pc,
        .argument_string = args[0] ? args : NULL,
        .log = o->verbose ? stderr : sys.trace,
        .map_buffer = 0,
    };
    /* The miniport: the shipped binary in the i386 emulator, or the host build. */
    portdrv_driver_entry_fn entry = DriverEntry;
    if (!o->driver || strcmp(o->driver, "native") != 0) {
        const char *path = !o->driver || !strcmp(o->driver, "sys") ? ntsys_default_path() : o->driver;
        if (ntsys_load(path) != 0)
            exit(EXIT_HARNESS);
        entry = ntsys_driver_entry;
        miniport_sys = path;
    }
    if (portdrv_init(&pdc) != 0)
        exit(EXIT_HARNESS);
    pc_trace_note(sys.pc, "softhba-sim: DriverEntry (argument string \"%s\")", args);
    ULONG st = portdrv_load(entry);
    if (st != 0 || portdrv_adapter_count() < 1) {
        fprintf(stderr, "%s: no softhba card answered (DriverEntry status 0x%08x): ", prog,
                (unsigned)st);
        if (o->base >= 0)
            fprintf(stderr, "nothing at base 0x%x", (unsigned)o->base);
        else
            fprintf(stderr, "HwFindAdapter found no card at " SHBA_HOST_IO_BASE_LIST
                    ", or HwInitialize failed");
        fprintf(stderr, " after %.3f ms simulated\n", cosim_now_ps() / 1e9);
        print_logged_errors();
        dump_console_tail();
        exit(EXIT_NO_CARD);
    }
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(0);
    if (o->verbose) {
        fprintf(stderr, "%s: adapter at 0x%x, irq %u, ", prog,
                (unsigned)ScsiPortConvertPhysicalAddressToUlong((*ci->AccessRanges)[0].RangeStart),
                (unsigned)ci->BusInterruptLevel);
        if (ci->DmaChannel == SP_UNINITIALIZED_VALUE)
            fprintf(stderr, "PIO\n");
        else
            fprintf(stderr, "DMA %u (%s mode)\n", (unsigned)ci->DmaChannel,
                    ci->DemandMode ? "demand" : "single");
    }
    sys.target.adapter = 0;
    sys.target.target = 0;
    sys.target.lun = 0;
    sys.target.block_size = 512;
}

static void system_down(void)
{
    portdrv_shutdown();
    ntsys_unload();
    cosim_shutdown();
    if (sys.sd)
        sd_card_close(sys.sd);
    if (sys.trace)
        fclose(sys.trace);
    if (sys.console_file)
        fclose(sys.console_file);
}

/* ---- command bookkeeping ------------------------------------------------ */

static void cmd_begin(void)
{
    sys.cmd_start_ps = cosim_now_ps();
    sys.cmd_start_cycles = cosim_cycles();
    sys.cmd_start_wall = now_wall();
    sys.bytes = 0;
}

static double kbps(uint64_t bytes, uint64_t ps)
{
    return ps ? (double)bytes / 1000.0 / ((double)ps / (double)PS_PER_S) : 0.0;
}

static void cmd_end(const char *what)
{
    uint64_t ps = cosim_now_ps() - sys.cmd_start_ps;
    uint64_t cycles = cosim_cycles() - sys.cmd_start_cycles;
    double wall = now_wall() - sys.cmd_start_wall;
    fprintf(stderr, "%s: %s: simulated %.3f ms (%.3f ms since power-on), %" PRIu64
            " bytes, %.1f kB/s; %.1f M core cycles in %.2f s wall (%.2f M cycles/s)\n",
            prog, what, ps / 1e9, cosim_now_ps() / 1e9, sys.bytes, kbps(sys.bytes, ps),
            cycles / 1e6, wall, wall > 0 ? cycles / 1e6 / wall : 0.0);
}

static void report_failure(const char *what, uint32_t lba, const struct class_result *r)
{
    if (r->srb_status == SRB_STATUS_SELECTION_TIMEOUT) {
        /* Target 0 is the card's own disk: the miniport answers it so only
         * for a card that never became READY (docs/miniport.md). */
        fprintf(stderr, "%s: no softhba card answered: %s got SELECTION_TIMEOUT, the card "
                "never became ready (%.3f ms simulated)\n", prog, what, cosim_now_ps() / 1e9);
        print_logged_errors();
        exit(EXIT_NO_CARD);
    }
    fprintf(stderr, "%s: %s at LBA %u failed: SRB status 0x%02x, SCSI status 0x%02x", prog, what,
            (unsigned)lba, r->srb_status, r->scsi_status);
    if (r->sense_valid)
        fprintf(stderr, ", sense key 0x%x ASC 0x%02x ASCQ 0x%02x", r->sense_key, r->asc, r->ascq);
    if (r->srb_status == SRB_STATUS_SUCCESS || r->srb_status == SRB_STATUS_DATA_OVERRUN)
        fprintf(stderr, ", short data phase: %u bytes moved", (unsigned)r->transferred);
    fprintf(stderr, " (after %d attempts, %.3f ms simulated)\n", r->attempts, cosim_now_ps() / 1e9);
    print_logged_errors();
}

static void progress(uint64_t done)
{
    if (!sys.progress_on || !sys.progress_total)
        return;
    int width = 40;
    int fill = (int)(done * (uint64_t)width / sys.progress_total);
    double pct = 100.0 * (double)done / (double)sys.progress_total;
    double sim_s = (cosim_now_ps() - sys.cmd_start_ps) / 1e12;
    fprintf(stderr, "\r[%.*s%*s] %5.1f%% %" PRIu64 "/%" PRIu64 " KiB  %.2f s simulated",
            fill, "########################################", width - fill, "", pct,
            done >> 10, sys.progress_total >> 10, sim_s);
    sys.progress_shown = 1;
    if (done >= sys.progress_total)
        fputc('\n', stderr);
}

/* Unit attention after the card's reset, then the capacity. */
static int disk_ready(void)
{
    struct class_result r;
    if (class_test_unit_ready(&sys.target, &r) != 0) {
        report_failure("TEST UNIT READY", 0, &r);
        return -1;
    }
    if (class_read_capacity(&sys.target, &sys.last_lba, &r) != 0) {
        report_failure("READ CAPACITY", 0, &r);
        return -1;
    }
    return 0;
}

static uint64_t disk_blocks(void) { return (uint64_t)sys.last_lba + 1; }

static int read_blocks(uint32_t lba, uint32_t count, uint8_t *buf)
{
    struct class_result r;
    pc_trace_note(sys.pc, "softhba-sim: READ(10) LBA %u, %u blocks", (unsigned)lba, (unsigned)count);
    if (class_read10(&sys.target, lba, count, buf, &r) != 0) {
        report_failure("READ(10)", lba, &r);
        return -1;
    }
    /* class_read10/class_write10 fail on a short data phase of any piece */
    sys.bytes += (uint64_t)count * sys.target.block_size;
    return 0;
}

static int write_blocks(uint32_t lba, uint32_t count, const uint8_t *buf)
{
    struct class_result r;
    pc_trace_note(sys.pc, "softhba-sim: WRITE(10) LBA %u, %u blocks", (unsigned)lba, (unsigned)count);
    if (class_write10(&sys.target, lba, count, buf, &r) != 0) {
        report_failure("WRITE(10)", lba, &r);
        return -1;
    }
    /* class_read10/class_write10 fail on a short data phase of any piece */
    sys.bytes += (uint64_t)count * sys.target.block_size;
    return 0;
}

static int check_range(uint64_t lba, uint64_t count)
{
    if (lba >= disk_blocks() || count > disk_blocks() - lba) {
        fprintf(stderr, "%s: blocks %" PRIu64 "..%" PRIu64 " are beyond the disk's %" PRIu64
                " blocks\n", prog, lba, lba + count - 1, disk_blocks());
        return -1;
    }
    return 0;
}

static FILE *json_open(void)
{
    if (!sys.opt.json)
        return NULL;
    FILE *f = fopen(sys.opt.json, "w");
    if (!f)
        fprintf(stderr, "%s: %s: %s\n", prog, sys.opt.json, strerror(errno));
    return f;
}

/* ---- commands ----------------------------------------------------------- */

static void trim_copy(char *dst, const uint8_t *src, int n)
{
    int i;
    for (i = 0; i < n; i++)
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7F) ? (char)src[i] : '.';
    while (i > 0 && dst[i - 1] == ' ')
        i--;
    dst[i] = 0;
}

static int cmd_info(void)
{
    uint8_t inq[36];
    struct class_result r;
    char vendor[9], product[17], rev[5];

    cmd_begin();
    if (class_test_unit_ready(&sys.target, &r) != 0) {
        report_failure("TEST UNIT READY", 0, &r);
        return EXIT_FAILED;
    }
    memset(inq, 0, sizeof inq);
    if (class_inquiry(&sys.target, inq, sizeof inq, &r) != 0) {
        report_failure("INQUIRY", 0, &r);
        return EXIT_FAILED;
    }
    sys.bytes += r.transferred;
    if (class_read_capacity(&sys.target, &sys.last_lba, &r) != 0) {
        report_failure("READ CAPACITY", 0, &r);
        return EXIT_FAILED;
    }
    sys.bytes += r.transferred;
    trim_copy(vendor, inq + 8, 8);
    trim_copy(product, inq + 16, 16);
    trim_copy(rev, inq + 32, 4);
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(0);
    uint64_t bytes = disk_blocks() * sys.target.block_size;
    printf("adapter:    softhba at 0x%x, IRQ %u, ",
           (unsigned)ScsiPortConvertPhysicalAddressToUlong((*ci->AccessRanges)[0].RangeStart),
           (unsigned)ci->BusInterruptLevel);
    if (ci->DmaChannel == SP_UNINITIALIZED_VALUE)
        printf("PIO\n");
    else
        printf("DMA channel %u (%s-bit, %s mode)\n", (unsigned)ci->DmaChannel,
               ci->DmaWidth == Width16Bits ? "16" : "8", ci->DemandMode ? "demand" : "single");
    if (miniport_sys) {
        const struct pe_load_report *lr = ntsys_report();
        printf("miniport:   %s (%zu bytes) in the i386 emulator, at 0x%08x (ImageBase 0x%08x, "
               "%u relocations), %u imports\n", miniport_sys, lr->file_size, lr->load_base,
               lr->preferred_base, lr->relocations, lr->imports);
    } else {
        printf("miniport:   host_driver/softhba.c built for the host (--driver=native)\n");
    }
    /* INQUIRY VERSION: 3 = SPC, 4 = SPC-2, 5 = SPC-3, 6 = SPC-4. */
    static const char *const versions[8] = { "no standard", "SCSI-1", "SCSI-2", "SPC",
                                              "SPC-2", "SPC-3", "SPC-4", "SPC-5" };
    printf("device:     type 0x%02x, %s, %s\n", inq[0] & 0x1F,
           (inq[1] & 0x80) ? "removable" : "fixed", versions[inq[2] & 0x07]);
    printf("vendor:     %s\n", vendor);
    printf("product:    %s\n", product);
    printf("revision:   %s\n", rev);
    printf("blocks:     %" PRIu64 " (last LBA %u)\n", disk_blocks(), (unsigned)sys.last_lba);
    printf("block size: %u\n", (unsigned)sys.target.block_size);
    printf("size:       %.2f MiB\n", (double)bytes / (1024.0 * 1024.0));
    fflush(stdout);
    cmd_end("info");
    return 0;
}

static void hexdump(FILE *to, uint64_t offset, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 16) {
        fprintf(to, "%08" PRIx64 " ", offset + i);
        for (size_t j = 0; j < 16; j++) {
            if (j == 8)
                fputc(' ', to);
            if (i + j < n)
                fprintf(to, " %02x", p[i + j]);
            else
                fputs("   ", to);
        }
        fputs("  |", to);
        for (size_t j = 0; j < 16 && i + j < n; j++)
            fputc(p[i + j] >= 0x20 && p[i + j] < 0x7F ? p[i + j] : '.', to);
        fputs("|\n", to);
    }
}

static int cmd_read(uint64_t lba, uint64_t count)
{
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    if (check_range(lba, count) != 0)
        return EXIT_FAILED;
    FILE *out = stdout;
    if (sys.opt.out) {
        out = fopen(sys.opt.out, "wb");
        if (!out) {
            fprintf(stderr, "%s: %s: %s\n", prog, sys.opt.out, strerror(errno));
            return EXIT_HARNESS;
        }
    }
    uint32_t bs = sys.target.block_size, per = CHUNK_BYTES / bs;
    uint8_t *buf = xmalloc(CHUNK_BYTES);
    int rc = 0;
    sys.bytes = 0;
    sys.progress_total = count * bs;
    for (uint64_t done = 0; done < count && !rc;) {
        uint32_t n = (uint32_t)(count - done < per ? count - done : per);
        if (read_blocks((uint32_t)(lba + done), n, buf) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        if (sys.opt.out) {
            if (fwrite(buf, bs, n, out) != n) {
                fprintf(stderr, "%s: %s: write error\n", prog, sys.opt.out);
                rc = EXIT_HARNESS;
            }
        } else {
            hexdump(out, (lba + done) * bs, buf, (size_t)n * bs);
        }
        done += n;
        progress(done * bs);
    }
    free(buf);
    if (out != stdout && fclose(out) != 0 && !rc) {
        fprintf(stderr, "%s: %s: %s\n", prog, sys.opt.out, strerror(errno));
        rc = EXIT_HARNESS;
    }
    fflush(stdout);
    if (!rc)
        cmd_end("read");
    return rc;
}

/* Whole input into memory (stdin or a file). */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = xmalloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (err) {
        fprintf(stderr, "%s: %s: read error\n", prog, path ? path : "stdin");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int write_buffer(uint64_t lba, const uint8_t *data, uint64_t nblocks)
{
    uint32_t bs = sys.target.block_size, per = CHUNK_BYTES / bs;
    sys.progress_total = nblocks * bs;
    for (uint64_t done = 0; done < nblocks;) {
        uint32_t n = (uint32_t)(nblocks - done < per ? nblocks - done : per);
        if (write_blocks((uint32_t)(lba + done), n, data + done * bs) != 0)
            return EXIT_FAILED;
        done += n;
        progress(done * bs);
    }
    return 0;
}

static int cmd_write(uint64_t lba)
{
    size_t len = 0;
    uint8_t *data = slurp(sys.opt.in, &len);
    if (!data)
        return EXIT_HARNESS;
    cmd_begin();
    int rc = EXIT_FAILED;
    if (disk_ready() != 0)
        goto out;
    uint32_t bs = sys.target.block_size;
    if (len == 0) {
        fprintf(stderr, "%s: write: no input data\n", prog);
        rc = EXIT_USAGE;
        goto out;
    }
    if (len % bs) {
        if (!sys.opt.pad) {
            fprintf(stderr, "%s: write: the input is %zu bytes, not a multiple of the %u-byte "
                    "block (--pad zero-fills the last block)\n", prog, len, (unsigned)bs);
            rc = EXIT_USAGE;
            goto out;
        }
        size_t padded = (len + bs - 1) / bs * bs;
        data = xrealloc(data, padded);
        memset(data + len, 0, padded - len);
        len = padded;
    }
    if (check_range(lba, len / bs) != 0)
        goto out;
    rc = write_buffer(lba, data, len / bs);
    if (!rc)
        cmd_end("write");
out:
    free(data);
    return rc;
}

static int cmd_copy_in(const char *image)
{
    int fd = open(image, O_RDONLY);
    struct stat st;
    if (fd < 0) {
        fprintf(stderr, "%s: copy-in: %s: %s\n", prog, image, strerror(errno));
        return EXIT_HARNESS;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "%s: copy-in: %s: not a regular file\n", prog, image);
        close(fd);
        return EXIT_HARNESS;
    }
    cmd_begin();
    if (disk_ready() != 0) {
        close(fd);
        return EXIT_FAILED;
    }
    uint32_t bs = sys.target.block_size;
    uint64_t size = (uint64_t)st.st_size;
    if (size == 0 || size % bs) {
        fprintf(stderr, "%s: copy-in: %s is %" PRIu64 " bytes, not a whole number of %u-byte "
                "blocks\n", prog, image, size, (unsigned)bs);
        close(fd);
        return EXIT_USAGE;
    }
    if (size / bs > disk_blocks()) {
        fprintf(stderr, "%s: copy-in: %s (%" PRIu64 " blocks) does not fit the disk (%" PRIu64
                " blocks)\n", prog, image, size / bs, disk_blocks());
        close(fd);
        return EXIT_USAGE;
    }
    uint8_t *buf = xmalloc(CHUNK_BYTES);
    int rc = 0;
    sys.progress_total = size;
    for (uint64_t off = 0; off < size && !rc;) {
        uint32_t n = (uint32_t)(size - off < CHUNK_BYTES ? size - off : CHUNK_BYTES);
        ssize_t got = pread(fd, buf, n, (off_t)off);
        if (got != (ssize_t)n) {
            fprintf(stderr, "%s: copy-in: %s: short read\n", prog, image);
            rc = EXIT_HARNESS;
            break;
        }
        if (write_blocks((uint32_t)(off / bs), n / bs, buf) != 0)
            rc = EXIT_FAILED;
        off += n;
        progress(off);
    }
    free(buf);
    close(fd);
    if (!rc) {
        cmd_end("copy-in");
        FILE *j = json_open();
        if (j) {
            uint64_t cycles = cosim_cycles() - sys.cmd_start_cycles;
            double wall = now_wall() - sys.cmd_start_wall;
            fprintf(j, "{\"copy_bytes\": %" PRIu64 ", \"copy_kbps\": %.1f, "
                    "\"cosim_mcycles_per_s\": %.3f}\n", sys.bytes,
                    kbps(sys.bytes, cosim_now_ps() - sys.cmd_start_ps),
                    wall > 0 ? cycles / 1e6 / wall : 0.0);
            fclose(j);
        }
    }
    return rc;
}

static int cmd_copy_out(const char *image, const char *count_arg)
{
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    uint64_t count = disk_blocks();
    if (count_arg) {
        count = need_number("block count", count_arg, UINT32_MAX);
        if (count == 0 || check_range(0, count) != 0)
            return EXIT_USAGE;
    }
    int fd = open(image, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "%s: copy-out: %s: %s\n", prog, image, strerror(errno));
        return EXIT_HARNESS;
    }
    uint32_t bs = sys.target.block_size, per = CHUNK_BYTES / bs;
    uint8_t *buf = xmalloc(CHUNK_BYTES);
    int rc = 0;
    sys.progress_total = count * bs;
    for (uint64_t done = 0; done < count && !rc;) {
        uint32_t n = (uint32_t)(count - done < per ? count - done : per);
        if (read_blocks((uint32_t)done, n, buf) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        if (pwrite(fd, buf, (size_t)n * bs, (off_t)(done * bs)) != (ssize_t)((size_t)n * bs)) {
            fprintf(stderr, "%s: copy-out: %s: %s\n", prog, image, strerror(errno));
            rc = EXIT_HARNESS;
        }
        done += n;
        progress(done * bs);
    }
    free(buf);
    if (close(fd) != 0 && !rc) {
        fprintf(stderr, "%s: copy-out: %s: %s\n", prog, image, strerror(errno));
        rc = EXIT_HARNESS;
    }
    if (!rc)
        cmd_end("copy-out");
    return rc;
}

/* xorshift64*: reproducible data and LBAs for verify and bench. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static int cmd_verify(const char *rounds_arg)
{
    uint64_t rounds = rounds_arg ? need_number("round count", rounds_arg, 100000) : 8;
    rng_state = sys.opt.seed * 0x9E3779B97F4A7C15ull + 1;
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    uint32_t bs = sys.target.block_size;
    const uint32_t max_blocks = 160;   /* 80 KiB: more than one SRB, crosses DMA pages */
    uint8_t *data = xmalloc((size_t)max_blocks * bs);
    uint8_t *back = xmalloc((size_t)max_blocks * bs);
    uint8_t *file = xmalloc((size_t)max_blocks * bs);
    int fd = open(sys.opt.disk, O_RDONLY);
    int rc = 0;
    if (disk_blocks() < max_blocks || fd < 0) {
        fprintf(stderr, "%s: verify needs a disk of at least %u blocks\n", prog, max_blocks);
        rc = EXIT_USAGE;
    }
    for (uint64_t i = 0; i < rounds && !rc; i++) {
        /* sizes: 1 block, small, around 64 KiB, beyond it */
        uint32_t n;
        switch (i % 4) {
        case 0: n = 1; break;
        case 1: n = 2 + (uint32_t)(rng() % 15); break;
        case 2: n = 120 + (uint32_t)(rng() % 9); break;
        default: n = 129 + (uint32_t)(rng() % (max_blocks - 128)); break;
        }
        uint32_t lba = (uint32_t)(rng() % (disk_blocks() - n + 1));
        for (uint32_t k = 0; k < n * bs; k += 8) {
            uint64_t v = rng();
            memcpy(data + k, &v, 8);
        }
        if (write_blocks(lba, n, data) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        memset(back, 0x5A, (size_t)n * bs);
        if (read_blocks(lba, n, back) != 0) {
            rc = EXIT_FAILED;
            break;
        }
        ssize_t got = pread(fd, file, (size_t)n * bs, (off_t)lba * bs);
        for (uint32_t k = 0; k < n * bs; k++) {
            if (back[k] != data[k]) {
                fprintf(stderr, "%s: verify round %" PRIu64 ": LBA %u + %u blocks: byte %u read "
                        "back 0x%02x, wrote 0x%02x\n", prog, i, (unsigned)lba, (unsigned)n,
                        (unsigned)k, back[k], data[k]);
                rc = EXIT_FAILED;
                break;
            }
        }
        if (!rc && (got != (ssize_t)((size_t)n * bs) || memcmp(file, data, (size_t)n * bs) != 0)) {
            fprintf(stderr, "%s: verify round %" PRIu64 ": LBA %u + %u blocks: the image file "
                    "does not hold what was written\n", prog, i, (unsigned)lba, (unsigned)n);
            rc = EXIT_FAILED;
        }
        if (!rc && sys.opt.verbose)
            fprintf(stderr, "verify round %" PRIu64 ": LBA %u, %u blocks ok\n", i, (unsigned)lba,
                    (unsigned)n);
    }
    if (fd >= 0)
        close(fd);
    free(data);
    free(back);
    free(file);
    if (!rc) {
        printf("verify: %" PRIu64 " rounds of write + read back, all data matches\n", rounds);
        fflush(stdout);
        cmd_end("verify");
    }
    return rc;
}

static double dma_limit_kbps(void)
{
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(0);
    if (ci->DmaChannel == SP_UNINITIALIZED_VALUE)
        return 0.0;
    return pc_dma_limit_kbps(sys.pc, ci->DmaWidth == Width16Bits, ci->DemandMode != 0);
}

/* Sustained throughput: back-to-back SRBs, time from the first command's
 * StartIo to the last completion (command overhead included). */
static int cmd_bench(void)
{
    const uint32_t reps64 = 6, reps4 = 24;
    cmd_begin();
    if (disk_ready() != 0)
        return EXIT_FAILED;
    uint32_t bs = sys.target.block_size, n64 = CHUNK_BYTES / bs, n4 = 4096 / bs;
    if (disk_blocks() < (uint64_t)n64 * reps64) {
        fprintf(stderr, "%s: bench needs a disk of at least %u blocks\n", prog, n64 * reps64);
        return EXIT_USAGE;
    }
    uint8_t *save = xmalloc((size_t)CHUNK_BYTES * reps64);
    uint64_t t0, rd64_ps, wr64_ps, rd4_ps;
    int rc = 0;

    sys.bytes = 0;
    t0 = cosim_now_ps();
    for (uint32_t i = 0; i < reps64 && !rc; i++)
        if (read_blocks(i * n64, n64, save + (size_t)i * CHUNK_BYTES) != 0)
            rc = EXIT_FAILED;
    rd64_ps = cosim_now_ps() - t0;
    /* writes put back what was read: the bench leaves the disk as it was */
    t0 = cosim_now_ps();
    for (uint32_t i = 0; i < reps64 && !rc; i++)
        if (write_blocks(i * n64, n64, save + (size_t)i * CHUNK_BYTES) != 0)
            rc = EXIT_FAILED;
    wr64_ps = cosim_now_ps() - t0;
    t0 = cosim_now_ps();
    for (uint32_t i = 0; i < reps4 && !rc; i++)
        if (read_blocks(i * n4 * 3, n4, save) != 0)
            rc = EXIT_FAILED;
    rd4_ps = cosim_now_ps() - t0;
    free(save);
    if (rc)
        return rc;

    uint64_t b64 = (uint64_t)CHUNK_BYTES * reps64, b4 = 4096ull * reps4;
    double rd64 = kbps(b64, rd64_ps), wr64 = kbps(b64, wr64_ps), rd4 = kbps(b4, rd4_ps);
    double limit = dma_limit_kbps();
    const PORT_CONFIGURATION_INFORMATION *ci = portdrv_config_info(0);
    if (ci->DmaChannel == SP_UNINITIALIZED_VALUE)
        printf("bench: PIO (%s cycles)\n", sys.opt.narrow ? "8-bit" : "16-bit");
    else
        printf("bench: DMA channel %u, %s-bit, %s mode (8237 limit %.1f kB/s)\n",
               (unsigned)ci->DmaChannel, ci->DmaWidth == Width16Bits ? "16" : "8",
               ci->DemandMode ? "demand" : "single", limit);
    printf("  READ(10)  64 KiB x %u: %8.1f kB/s", reps64, rd64);
    if (limit > 0)
        printf("  (%.3f of the 8237 limit)", rd64 / limit);
    printf("\n  WRITE(10) 64 KiB x %u: %8.1f kB/s", reps64, wr64);
    if (limit > 0)
        printf("  (%.3f of the 8237 limit)", wr64 / limit);
    printf("\n  READ(10)   4 KiB x %u: %8.1f kB/s, %.3f ms per command\n", reps4, rd4,
           rd4_ps / 1e9 / reps4);
    fflush(stdout);
    cmd_end("bench");
    FILE *j = json_open();
    if (j) {
        uint64_t cycles = cosim_cycles() - sys.cmd_start_cycles;
        double wall = now_wall() - sys.cmd_start_wall;
        struct pc_stats st;
        pc_get_stats(sys.pc, &st);
        fprintf(j, "{\"channel\": %d, \"demand\": %d, \"limit_kbps\": %.1f, "
                "\"read64k_kbps\": %.1f, \"write64k_kbps\": %.1f, \"read4k_kbps\": %.1f, "
                "\"read64k_ratio\": %.4f, \"write64k_ratio\": %.4f, \"cosim_mcycles_per_s\": %.3f, "
                "\"refresh_holdoff_max_us\": %.3f, \"refresh_missed\": %llu, \"cpu_holdoff_max_us\": %.3f, "
                "\"floppy_overruns\": %llu, \"isa_timing_violations\": %llu, \"isa_timing_edges\": %llu}\n",
                ci->DmaChannel == SP_UNINITIALIZED_VALUE ? -1 : (int)ci->DmaChannel,
                ci->DemandMode ? 1 : 0, limit, rd64, wr64, rd4,
                limit > 0 ? rd64 / limit : 0.0, limit > 0 ? wr64 / limit : 0.0,
                wall > 0 ? cycles / 1e6 / wall : 0.0, st.refresh_holdoff_max_ps / 1e6,
                (unsigned long long)st.refresh_missed, st.cpu_holdoff_max_ps / 1e6,
                (unsigned long long)st.floppy_overruns, (unsigned long long)st.isa_timing_violations,
                (unsigned long long)st.isa_timing_edges);
        fclose(j);
    }
    return 0;
}

/* ---- command line ------------------------------------------------------- */

static const char *take_value(int argc, char **argv, int *i)
{
    const char *name = argv[*i];
    const char *eq = strchr(name, '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc)
        die_usage("option %s needs a value", name);
    return argv[++*i];
}

static int opt_is(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

int main(int argc, char **argv)
{
    struct options *o = &sys.opt;
    const char *words[4] = { 0 };
    int nwords = 0;

    o->dma = 5;
    o->irq = 11;
    o->base = -1;
    o->card_base = -1;
    o->seed = 1;
    int pio = 0, dma_given = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* "-3" is a (bad) number for the command, not an option */
        if (a[0] != '-' || a[1] == 0 || (a[1] >= '0' && a[1] <= '9')) {
            if (nwords == 4)
                die_usage("too many arguments ('%s')", a);
            words[nwords++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            while (++i < argc) {
                if (nwords == 4)
                    die_usage("too many arguments ('%s')", argv[i]);
                words[nwords++] = argv[i];
            }
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (opt_is(a, "--disk")) {
            o->disk = take_value(argc, argv, &i);
        } else if (opt_is(a, "--firmware")) {
            o->firmware = take_value(argc, argv, &i);
        } else if (opt_is(a, "--dma")) {
            const char *v = take_value(argc, argv, &i);
            uint64_t ch;
            if (parse_u64(v, &ch) != 0 || !(ch == 1 || ch == 3 || (ch >= 5 && ch <= 7)))
                die_usage("bad DMA channel '%s': 8-bit channels are 1 and 3, 16-bit 5, 6 and 7 "
                          "(0 is the PC's refresh, 2 the floppy, 4 the cascade)", v);
            o->dma = (int)ch;
            dma_given = 1;
        } else if (opt_is(a, "--pio")) {
            if (strchr(a, '='))
                die_usage("option --pio takes no value");
            pio = 1;
        } else if (opt_is(a, "--irq")) {
            const char *v = take_value(argc, argv, &i);
            uint64_t irq;
            if (parse_u64(v, &irq) != 0 || irq >= SHBA_TABLE_NONE ||
                SHBA_HOST_CONFIG_IRQ_SEL_CODE((unsigned)irq) < 0)
                die_usage("bad IRQ '%s': the card can use " SHBA_HOST_CONFIG_IRQ_SEL_LIST, v);
            o->irq = (int)irq;
        } else if (opt_is(a, "--base") || opt_is(a, "--card-base")) {
            const char *v = take_value(argc, argv, &i);
            uint64_t port;
            if (parse_u64(v, &port) != 0 || port > 0xFFFF || base_index((unsigned)port) < 0)
                die_usage("bad I/O base '%s': the card's jumpers select " SHBA_HOST_IO_BASE_LIST, v);
            if (opt_is(a, "--base"))
                o->base = (int)port;
            else
                o->card_base = (int)port;
        } else if (opt_is(a, "--narrow")) {
            o->narrow = 1;
        } else if (strcmp(a, "--no-isa-check") == 0) {
            o->no_isa_check = 1;
        } else if (opt_is(a, "--single")) {
            o->single = 1;
        } else if (opt_is(a, "--driver-args")) {
            o->driver_args = take_value(argc, argv, &i);
        } else if (opt_is(a, "--driver")) {
            o->driver = take_value(argc, argv, &i);
            if (strcmp(o->driver, "sys") != 0 && strcmp(o->driver, "native") != 0 &&
                (strlen(o->driver) < 5 || strcmp(o->driver + strlen(o->driver) - 4, ".sys") != 0))
                die_usage("bad --driver '%s': sys, native or a PATH.sys", o->driver);
        } else if (opt_is(a, "--trace")) {
            o->trace = take_value(argc, argv, &i);
        } else if (opt_is(a, "--wave")) {
            o->wave = take_value(argc, argv, &i);
        } else if (opt_is(a, "--console")) {
            o->console = take_value(argc, argv, &i);
        } else if (opt_is(a, "--sd-fault")) {
            struct sd_fault f;
            o->sd_fault = take_value(argc, argv, &i);
            if (sd_card_parse_fault(o->sd_fault, &f) != 0)
                die_usage("bad --sd-fault '%s': kind[:skip[:times[:byte_offset]]], kind one of "
                          "read-crc no-token write-reject busy-forever removed out-of-range none",
                          o->sd_fault);
        } else if (opt_is(a, "--max-time-ms")) {
            o->max_time_ms = need_number("--max-time-ms", take_value(argc, argv, &i),
                                         UINT64_MAX / PS_PER_MS);
        } else if (opt_is(a, "--out")) {
            o->out = take_value(argc, argv, &i);
        } else if (opt_is(a, "--in")) {
            o->in = take_value(argc, argv, &i);
        } else if (opt_is(a, "--json")) {
            o->json = take_value(argc, argv, &i);
        } else if (opt_is(a, "--seed")) {
            o->seed = need_number("--seed", take_value(argc, argv, &i), UINT64_MAX);
        } else if (opt_is(a, "--pad")) {
            o->pad = 1;
        } else if (opt_is(a, "--progress")) {
            o->progress = 1;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = 1;
        } else {
            die_usage("unknown option '%s'", a);
        }
    }
    if (pio && dma_given)
        die_usage("--pio and --dma exclude each other");
    if (pio)
        o->dma = -1;
    if (o->narrow && o->dma >= 5)
        die_usage("DMA channel %d is a 16-bit channel; an 8-bit slot (--narrow) has only "
                  "1 and 3", o->dma);

    /* The command and its arguments, checked before anything runs. */
    if (nwords == 0)
        die_usage("no command (info, read, write, copy-in, copy-out, bench, verify)");
    const char *cmd = words[0];
    int want_min, want_max;
    if (!strcmp(cmd, "info") || !strcmp(cmd, "bench")) {
        want_min = want_max = 0;
    } else if (!strcmp(cmd, "read")) {
        want_min = want_max = 2;
    } else if (!strcmp(cmd, "write") || !strcmp(cmd, "copy-in")) {
        want_min = want_max = 1;
    } else if (!strcmp(cmd, "copy-out")) {
        want_min = 1;
        want_max = 2;
    } else if (!strcmp(cmd, "verify")) {
        want_min = 0;
        want_max = 1;
    } else {
        die_usage("unknown command '%s'", cmd);
        return EXIT_USAGE;
    }
    if (nwords - 1 < want_min || nwords - 1 > want_max)
        die_usage("command '%s' takes %s%d argument%s", cmd,
                  want_min == want_max ? "" : "up to ", want_max, want_max == 1 ? "" : "s");
    uint64_t lba = 0, count = 0;
    if (!strcmp(cmd, "read")) {
        lba = need_number("LBA", words[1], UINT32_MAX);
        count = need_number("block count", words[2], UINT32_MAX);
        if (count == 0)
            die_usage("read: COUNT must be at least 1");
    } else if (!strcmp(cmd, "write")) {
        lba = need_number("LBA", words[1], UINT32_MAX);
    } else if (!strcmp(cmd, "copy-out") && words[2]) {
        need_number("block count", words[2], UINT32_MAX);
    } else if (!strcmp(cmd, "verify") && words[1]) {
        need_number("round count", words[1], 100000);
    }
    if (!strcmp(cmd, "copy-in") && access(words[1], R_OK) != 0) {
        fprintf(stderr, "%s: copy-in: %s: %s\n", prog, words[1], strerror(errno));
        return EXIT_HARNESS;
    }
    if (o->in && access(o->in, R_OK) != 0) {
        fprintf(stderr, "%s: --in %s: %s\n", prog, o->in, strerror(errno));
        return EXIT_HARNESS;
    }

    if (!o->firmware)
        o->firmware = default_firmware();
    if (access(o->firmware, R_OK) != 0) {
        fprintf(stderr, "%s: firmware %s: %s (build it with 'make %s')\n", prog, o->firmware,
                strerror(errno), DEFAULT_FIRMWARE);
        return EXIT_HARNESS;
    }
    if (!o->disk)
        o->disk = default_disk();
    check_disk(o->disk);
    sys.progress_on = o->progress || isatty(2);

    system_up();
    int rc;
    if (!strcmp(cmd, "info"))
        rc = cmd_info();
    else if (!strcmp(cmd, "read"))
        rc = cmd_read(lba, count);
    else if (!strcmp(cmd, "write"))
        rc = cmd_write(lba);
    else if (!strcmp(cmd, "copy-in"))
        rc = cmd_copy_in(words[1]);
    else if (!strcmp(cmd, "copy-out"))
        rc = cmd_copy_out(words[1], words[2]);
    else if (!strcmp(cmd, "bench"))
        rc = cmd_bench();
    else
        rc = cmd_verify(words[1]);
    if (rc && sys.opt.verbose)
        dump_console_tail();
    system_down();
    return rc;
}
