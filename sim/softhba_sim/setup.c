/* softhba-sim's system: the files it needs, the options turned into a
 * system configuration (sim/system), the time limit, the report when no
 * card answers. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ntsys.h"
#include "softhba_regs.h"
#include "softhba_sim.h"

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

void prepare_files(void)
{
    struct options *o = &cli.opt;
    if (!o->firmware)
        o->firmware = default_firmware();
    if (access(o->firmware, R_OK) != 0) {
        fprintf(stderr, "%s: firmware %s: %s (build it with 'make %s')\n", prog, o->firmware,
                strerror(errno), DEFAULT_FIRMWARE);
        exit(EXIT_HARNESS);
    }
    if (!o->disk)
        o->disk = default_disk();
    check_disk(o->disk);
}

/* A device that ends the run at --max-time-ms: the port driver's waits are
 * blocking loops in simulated time, so the limit is enforced from inside. */
static void time_limit_device(void *ctx, uint64_t now_ps)
{
    (void)ctx;
    if (cli.limit_ps && now_ps >= cli.limit_ps) {
        fprintf(stderr, "\n%s: simulated time limit of %" PRIu64 " ms reached\n", prog,
                cli.opt.max_time_ms);
        if (cli.sys.trace)
            fflush(cli.sys.trace);
        fflush(stdout);
        _exit(EXIT_TIME_LIMIT);
    }
}

void dump_console_tail(void)
{
    size_t len = 0;
    const char *text = cli.sys.console ? uart_sink_text(cli.sys.console, &len) : NULL;
    if (text && len)
        fprintf(stderr, "card console:\n%s%s", text, text[len - 1] == '\n' ? "" : "\n");
    else
        fprintf(stderr, "card console: (nothing)\n");
}

void print_logged_errors(void)
{
    struct portdrv_logged_error e[PORTDRV_MAX_LOGGED];
    int n = portdrv_logged_errors(e, PORTDRV_MAX_LOGGED);
    for (int i = 0; i < n; i++)
        fprintf(stderr, "  miniport logged error 0x%08x unique id 0x%08x\n",
                (unsigned)e[i].error_code, (unsigned)e[i].unique_id);
}

/* The card's jumpers: the base follows --card-base, else --base, else the
 * default (every jumper open); the IRQ and the channel of the options; a
 * 16-bit slot unless --narrow. */
static struct system_jumpers jumpers(const struct options *o)
{
    struct system_jumpers j;
    j.io_base = o->card_base >= 0 ? (unsigned)o->card_base
              : o->base >= 0 ? (unsigned)o->base : SHBA_HOST_IO_BASE_DEFAULT;
    j.irq = o->irq;
    j.dma8 = o->dma >= 0 && o->dma < 4 ? o->dma : SYSTEM_JUMPER_NONE;
    j.dma16 = o->dma >= 4 ? o->dma : SYSTEM_JUMPER_NONE;
    j.wide16 = !o->narrow;
    return j;
}

void cli_system_up(void)
{
    const struct options *o = &cli.opt;
    static char args[512];
    struct sd_fault fault;
    struct system_config cfg = { 0 };

    cfg.name = prog;
    cfg.firmware_hex = o->firmware;
    cfg.wave_file = o->wave;
    cfg.jumpers = jumpers(o);
    cfg.trace_path = o->trace;
    cfg.at_bus_users = 1;   /* an AT: refresh, timer tick, floppy DMA share the bus */
    cfg.no_isa_check = o->no_isa_check;
    cfg.console_path = o->console;
    cfg.console_echo = o->verbose ? stderr : NULL;
    cfg.disk_image = o->disk;
    cfg.sync_writes = 0;  /* fsync per block only slows the host; the file is synced at exit */
    if (o->sd_fault) {
        if (sd_card_parse_fault(o->sd_fault, &fault) != 0)
            die_usage("bad --sd-fault '%s'", o->sd_fault);
        if (o->sd_fault_late)
            cli.late_fault = fault;   /* armed by disk_ready() */
        else
            cfg.sd_fault = &fault;
    }
    if (o->max_time_ms) {
        cli.limit_ps = o->max_time_ms * PS_PER_MS;
        cfg.first_device = time_limit_device;
    }

    args[0] = 0;
    if (o->base >= 0)
        snprintf(args + strlen(args), sizeof args - strlen(args), "base=0x%x ", (unsigned)o->base);
    if (o->single)
        snprintf(args + strlen(args), sizeof args - strlen(args), "single ");
    if (o->driver_args)
        snprintf(args + strlen(args), sizeof args - strlen(args), "%s", o->driver_args);
    cfg.port_driver = 1;
    /* The miniport: the shipped binary in the i386 emulator (a fault in it
     * ends the run with NTSYS_EXIT_FAULT), or the host build. */
    if (!o->driver || strcmp(o->driver, "native") != 0) {
        const char *path = !o->driver || !strcmp(o->driver, "sys") ? ntsys_default_path() : o->driver;
        if (ntsys_load(path) != 0)
            exit(EXIT_HARNESS);
        cfg.driver_entry = ntsys_driver_entry;
        cli.miniport_sys = path;
    }
    cfg.driver_args = args;
    cfg.driver_log = o->verbose ? stderr : NULL;

    enum system_status st = system_up(&cfg, &cli.sys);
    if (st == SYSTEM_SETUP_FAILED)
        exit(EXIT_HARNESS);
    if (st == SYSTEM_NO_ADAPTER) {
        fprintf(stderr, "%s: no softhba card answered (DriverEntry status 0x%08x): ", prog,
                (unsigned)cli.sys.driver_status);
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
    cli.target.adapter = 0;
    cli.target.target = (UCHAR)cli.opt.target;
    cli.target.lun = 0;
    cli.target.block_size = 512;
}

void cli_system_down(void)
{
    system_down(&cli.sys);
    ntsys_unload();
}
