/* softhba-sim: the whole system in one program.  The Verilated card (CPU,
 * firmware, ISA side, FIFO, SD engine) sits in a co-simulated PC (ISA bus
 * master, 8237 pair, PIC, 16 MiB of memory) with an SD card model backed by
 * a disk image; the NT miniport -- the shipped softhba.sys in an i386
 * emulator (sim/ntsys), or host_driver/softhba.c built for the host with
 * --driver=native -- runs under the port driver emulation, and the class layer sends it the SRBs NT's disk and CD-ROM
 * class drivers would.  Every command runs in simulated time and reports it.
 *
 * main: the command line (options.c), the command and its arguments checked
 * before anything runs, the system built (setup.c, sim/system), one command
 * (cmd_*.c), the system taken down.  See docs/cosim.md. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "softhba_sim.h"

const char *const prog = "softhba-sim";
struct cli cli;

int main(int argc, char **argv)
{
    const struct options *o = &cli.opt;
    const char *words[4] = { 0 };
    int nwords = 0;

    parse_options(argc, argv, words, &nwords);

    /* The command and its arguments, checked before anything runs. */
    if (nwords == 0)
        die_usage("no command (info, ls, read, write, copy-in, copy-out, bench, verify)");
    const char *cmd = words[0];
    int want_min, want_max;
    if (!strcmp(cmd, "info") || !strcmp(cmd, "bench") || !strcmp(cmd, "ls")) {
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

    prepare_files();
    cli.progress_on = o->progress || isatty(2);

    cli_system_up();
    int rc;
    if (!strcmp(cmd, "info"))
        rc = cmd_info();
    else if (!strcmp(cmd, "ls"))
        rc = cmd_ls();
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
    if (rc && o->verbose)
        dump_console_tail();
    cli_system_down();
    return rc;
}
