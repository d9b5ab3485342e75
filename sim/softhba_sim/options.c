/* softhba-sim's command line: the usage text, the options, numbers. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "softhba_regs.h"
#include "softhba_sim.h"

void die_usage(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", prog);
    exit(EXIT_USAGE);
}

void usage(FILE *to)
{
    fprintf(to,
        "usage: softhba-sim [OPTIONS] COMMAND\n"
        "Commands:\n"
        "  info                 INQUIRY and READ CAPACITY through the miniport\n"
        "  ls                   the bus scan (IDs 0-6) and the class drivers' claims: NT\n"
        "                       name, type, INQUIRY strings, block size, capacity, or\n"
        "                       the sense of a target that is not ready\n"
        "  read LBA COUNT       read COUNT blocks: hexdump on stdout, or to --out FILE\n"
        "  write LBA            write the data of --in FILE (default stdin) from LBA\n"
        "  copy-in IMAGE        write a whole image file to the disk through the card\n"
        "  copy-out IMAGE [N]   read the disk (or its first N blocks) into IMAGE\n"
        "  bench                64 KiB READ(10)/WRITE(10) and 4 KiB READ(10) throughput\n"
        "  verify [ROUNDS]      write random data at random LBAs (1 to 160 blocks),\n"
        "                       read it back, compare with the data and the image file\n"
        "Options:\n"
        "  --sd IMG, --disk IMG the whole SD card behind the SD card model (default: a\n"
        "                       sparse 32 MiB " DEFAULT_DISK_PATH ", created when\n"
        "                       missing): a FAT32/exFAT card's image files are the\n"
        "                       targets, any other card is one raw disk at target 0\n"
        "  --target N           the SCSI ID the commands use (0-6, default 0)\n"
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
        "  --sd-fault-late      arm --sd-fault once the target answered READ CAPACITY,\n"
        "                       not at power-on (its skip counts the command's blocks,\n"
        "                       not the mount's)\n"
        "  --reload-at N        read of a CD-ROM: eject and load the disc before block N\n"
        "                       (START STOP UNIT; the next READ gets the media change)\n"
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

uint64_t need_number(const char *what, const char *s, uint64_t max)
{
    uint64_t v;
    if (parse_u64(s, &v) != 0 || v > max)
        die_usage("bad %s '%s' (a number from 0 to %" PRIu64 ")", what, s ? s : "", max);
    return v;
}

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

/* Fills cli.opt; the other arguments (the command and its own) go to words
 * (at most 4).  --help prints the usage and exits 0. */
void parse_options(int argc, char **argv, const char **words, int *nwords)
{
    struct options *o = &cli.opt;
    o->dma = 5;
    o->irq = 11;
    o->base = -1;
    o->card_base = -1;
    o->seed = 1;
    o->reload_at = -1;
    int pio = 0, dma_given = 0;
    *nwords = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* "-3" is a (bad) number for the command, not an option */
        if (a[0] != '-' || a[1] == 0 || (a[1] >= '0' && a[1] <= '9')) {
            if (*nwords == 4)
                die_usage("too many arguments ('%s')", a);
            words[(*nwords)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            while (++i < argc) {
                if (*nwords == 4)
                    die_usage("too many arguments ('%s')", argv[i]);
                words[(*nwords)++] = argv[i];
            }
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (opt_is(a, "--disk") || opt_is(a, "--sd")) {
            /* one thing under two names: the card's whole contents */
            const char *v = take_value(argc, argv, &i);
            if (o->disk && strcmp(o->disk, v) != 0)
                die_usage("--sd and --disk both name the SD card's image: give one ('%s', '%s')",
                          o->disk, v);
            o->disk = v;
        } else if (opt_is(a, "--target")) {
            o->target = (int)need_number("--target (a SCSI ID 0-6; 7 is the card)",
                                         take_value(argc, argv, &i), 6);
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
            if (parse_u64(v, &port) != 0 || port > 0xFFFF ||
                system_io_base_code((unsigned)port) < 0)
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
        } else if (strcmp(a, "--sd-fault-late") == 0) {
            o->sd_fault_late = 1;
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
        } else if (opt_is(a, "--reload-at")) {
            o->reload_at = (int64_t)need_number("--reload-at", take_value(argc, argv, &i), UINT32_MAX);
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
    if (o->sd_fault_late && !o->sd_fault)
        die_usage("--sd-fault-late needs --sd-fault");
    if (pio && dma_given)
        die_usage("--pio and --dma exclude each other");
    if (pio)
        o->dma = -1;
    if (o->narrow && o->dma >= 5)
        die_usage("DMA channel %d is a 16-bit channel; an 8-bit slot (--narrow) has only "
                  "1 and 3", o->dma);
}
