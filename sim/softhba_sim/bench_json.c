/* softhba-sim --json: the command's figures as one flat JSON object
 * (tests/e2e/bench_e2e.sh merges them into build/bench/e2e.json). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "softhba_sim.h"

static FILE *json_open(void)
{
    if (!cli.opt.json)
        return NULL;
    FILE *f = fopen(cli.opt.json, "w");
    if (!f)
        fprintf(stderr, "%s: %s: %s\n", prog, cli.opt.json, strerror(errno));
    return f;
}

/* The simulator's own speed over the running command. */
static double mcycles_per_s(void)
{
    uint64_t cycles = cosim_cycles() - cli.cmd_start_cycles;
    double wall = now_wall() - cli.cmd_start_wall;
    return wall > 0 ? cycles / 1e6 / wall : 0.0;
}

void json_write_bench(const struct bench_figures *f)
{
    FILE *j = json_open();
    if (!j)
        return;
    struct pc_stats st;   /* the bus monitor and the ISA timing checker over the run */
    pc_get_stats(cli.sys.pc, &st);
    fprintf(j, "{\"channel\": %d, \"demand\": %d, \"limit_kbps\": %.1f, "
            "\"read64k_kbps\": %.1f, \"write64k_kbps\": %.1f, \"read4k_kbps\": %.1f, "
            "\"read64k_ratio\": %.4f, \"write64k_ratio\": %.4f, \"cosim_mcycles_per_s\": %.3f, "
            "\"refresh_holdoff_max_us\": %.3f, \"refresh_missed\": %llu, \"cpu_holdoff_max_us\": %.3f, "
            "\"floppy_overruns\": %llu, \"isa_timing_violations\": %llu, \"isa_timing_edges\": %llu, "
            "\"bus_on_us\": %u, \"bus_off_us\": %u, \"fair_limit_kbps\": %.1f, \"read64k_ratio_fair\": %.4f}\n",
            f->channel, f->demand, f->limit_kbps, f->read64k_kbps, f->write64k_kbps,
            f->read4k_kbps, f->limit_kbps > 0 ? f->read64k_kbps / f->limit_kbps : 0.0,
            f->limit_kbps > 0 ? f->write64k_kbps / f->limit_kbps : 0.0, mcycles_per_s(),
            st.refresh_holdoff_max_ps / 1e6, (unsigned long long)st.refresh_missed,
            st.cpu_holdoff_max_ps / 1e6, (unsigned long long)st.floppy_overruns,
            (unsigned long long)st.isa_timing_violations, (unsigned long long)st.isa_timing_edges,
            f->bus_on_us, f->bus_off_us, f->fair_limit_kbps,
            f->fair_limit_kbps > 0 ? f->read64k_kbps / f->fair_limit_kbps : 0.0);
    fclose(j);
}

void json_write_copy(void)
{
    FILE *j = json_open();
    if (!j)
        return;
    fprintf(j, "{\"copy_bytes\": %" PRIu64 ", \"copy_kbps\": %.1f, "
            "\"cosim_mcycles_per_s\": %.3f}\n", cli.bytes,
            kbps(cli.bytes, cosim_now_ps() - cli.cmd_start_ps), mcycles_per_s());
    fclose(j);
}

void json_write_ready(uint64_t ready_ps)
{
    FILE *j = json_open();
    if (!j)
        return;
    fprintf(j, "{\"card_ready_ms\": %.3f, \"cosim_mcycles_per_s\": %.3f}\n", ready_ps / 1e9,
            mcycles_per_s());
    fclose(j);
}
