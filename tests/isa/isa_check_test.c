/* The ISA timing checker (sim/pc/isa_timing_check.c) on synthetic pin
 * sequences: for every rule one sequence that keeps it (no violation) and
 * one that breaks it (exactly that rule fires).  No card, no kernel: the
 * samples are fed one card clock (27.8 ns) apart, as the PC model does. */
#include "isa_timing_check.h"

#include <stdio.h>
#include <string.h>

#define CLK_PS 27778ull

static int failures;

struct seq {
    struct isa_check *c;
    struct card_pins p;
    uint64_t t;
    unsigned fired;
    char last[256];
};

static void start(struct seq *s)
{
    struct isa_check_params prm = { 120000u, 240000u };
    memset(s, 0, sizeof *s);
    s->c = isa_check_create(&prm);
    s->p.isa_ior_n = 1;
    s->p.isa_iow_n = 1;
    s->p.isa_dack_n = 0xFF;
    s->p.isa_sbhe_n = 1;
    s->p.isa_sd_in = 0xFFFF;
    s->p.isa_drq_oe = 0x22;          /* the card's channels 1 and 5 */
    s->p.isa_irq_oe = 1u << 5;
    s->t = 1000000;
}

/* n samples with the pins as they are now */
static void run(struct seq *s, unsigned n)
{
    while (n--) {
        if (isa_check_sample(s->c, s->t, &s->p)) {
            s->fired++;
            snprintf(s->last, sizeof s->last, "%s", isa_check_last_message(s->c));
        }
        s->t += CLK_PS;
    }
}

static void finish(struct seq *s, const char *name, const char *rule)
{
    if (!rule) {
        if (s->fired) {
            fprintf(stderr, "FAIL %s: a clean sequence fired: %s\n", name, s->last);
            failures++;
        }
    } else if (!s->fired || !strstr(s->last, rule)) {
        fprintf(stderr, "FAIL %s: expected [%s], got %u violations (%s)\n", name, rule, s->fired,
                s->fired ? s->last : "none");
        failures++;
    } else {
        printf("%-28s fires: %s\n", name, s->last);
    }
    isa_check_destroy(s->c);
}

/* An I/O read of the card: SA, IOR# for 5 BCLK with the card driving SD,
 * IOR# rises; the card lets go release_clocks later. */
static void io_read(const char *name, unsigned release_clocks, const char *rule)
{
    struct seq s;
    start(&s);
    run(&s, 4);
    s.p.isa_sa = 0x340;
    run(&s, 4);
    s.p.isa_ior_n = 0;
    run(&s, 3);
    s.p.isa_sd_oe = 1;
    run(&s, 18);
    s.p.isa_ior_n = 1;
    if (release_clocks)
        run(&s, release_clocks);
    s.p.isa_sd_oe = 0;
    run(&s, 6);
    finish(&s, name, rule);
}

static void sd_rules(void)
{
    io_read("SD released with IOR#", 0, NULL);
    io_read("SD released 1 clock late", 1, NULL);
    io_read("SD released 3 clocks late", 3, "SD release");

    struct seq s;
    start(&s);
    run(&s, 4);
    s.p.isa_sd_oe = 1;                /* no command at all */
    run(&s, 4);
    finish(&s, "SD without IOR#", "SD outside window");

    start(&s);
    s.p.isa_iow_n = 0;
    run(&s, 4);
    s.p.isa_sd_oe = 3;                /* fights the bus's write data */
    run(&s, 2);
    finish(&s, "SD during IOW#", "SD contention");

    /* DMA read: AEN high, IOR# with the card's DACK1# is a window ... */
    start(&s);
    s.p.isa_aen = 1;
    s.p.isa_dack_n = (uint8_t)~0x02u;
    run(&s, 4);
    s.p.isa_ior_n = 0;
    s.p.isa_sd_oe = 1;
    run(&s, 10);
    s.p.isa_ior_n = 1;
    s.p.isa_sd_oe = 0;
    run(&s, 4);
    finish(&s, "SD in a DACK1# cycle", NULL);
    /* ... another channel's DACK is not */
    start(&s);
    s.p.isa_aen = 1;
    s.p.isa_dack_n = (uint8_t)~0x04u;
    run(&s, 4);
    s.p.isa_ior_n = 0;
    s.p.isa_sd_oe = 1;
    run(&s, 4);
    finish(&s, "SD in a DACK2# cycle", "SD outside window");
}

static void iocs16(const char *name, unsigned delay_clocks, int aen, const char *rule)
{
    struct seq s;
    start(&s);
    run(&s, 4);
    s.p.isa_sa = 0x348;
    s.p.isa_aen = (uint8_t)aen;
    if (delay_clocks)
        run(&s, delay_clocks);
    s.p.isa_iocs16_n_oe = 1;
    run(&s, 10);
    s.p.isa_sa = 0x000;
    s.p.isa_iocs16_n_oe = 0;
    run(&s, 4);
    finish(&s, name, rule);
}

static void iochrdy(const char *name, unsigned delay_clocks, unsigned hold_clocks, int with_cmd,
                    const char *rule)
{
    struct seq s;
    start(&s);
    s.p.isa_sa = 0x340;
    run(&s, 4);
    s.p.isa_ior_n = (uint8_t)!with_cmd;
    if (delay_clocks)
        run(&s, delay_clocks);
    s.p.isa_iochrdy_oe = 1;
    run(&s, hold_clocks);
    s.p.isa_iochrdy_oe = 0;
    run(&s, 4);
    s.p.isa_ior_n = 1;
    run(&s, 4);
    finish(&s, name, rule);
}

/* A DMA transfer on channel 1 carrying TC; DRQ falls drop_clocks after the
 * command ends. */
static void drq_tc(const char *name, unsigned drop_clocks, const char *rule)
{
    struct seq s;
    start(&s);
    run(&s, 2);
    s.p.isa_drq = 0x02;
    run(&s, 20);
    s.p.isa_aen = 1;
    s.p.isa_dack_n = (uint8_t)~0x02u;
    run(&s, 4);
    s.p.isa_ior_n = 0;
    s.p.isa_sd_oe = 1;
    run(&s, 8);
    s.p.isa_tc = 1;
    run(&s, 8);
    s.p.isa_tc = 0;
    s.p.isa_ior_n = 1;
    s.p.isa_sd_oe = 0;
    if (drop_clocks)
        run(&s, drop_clocks);
    s.p.isa_drq = 0;
    run(&s, 4);
    s.p.isa_dack_n = 0xFF;
    s.p.isa_aen = 0;
    run(&s, 4);
    finish(&s, name, rule);
}

static void drq_pulse(const char *name, unsigned high_clocks, const char *rule)
{
    struct seq s;
    start(&s);
    run(&s, 2);
    s.p.isa_drq = 0x20;
    run(&s, high_clocks);
    s.p.isa_drq = 0;
    run(&s, 4);
    finish(&s, name, rule);
}

static void irq(const char *name, unsigned high_clocks, unsigned low_clocks, const char *rule)
{
    struct seq s;
    start(&s);
    run(&s, 2);
    s.p.isa_irq = 1u << 5;
    run(&s, high_clocks);
    s.p.isa_irq = 0;
    run(&s, low_clocks);
    s.p.isa_irq = 1u << 5;
    run(&s, 40);
    s.p.isa_irq = 0;
    run(&s, 4);
    finish(&s, name, rule);
}

static void iochrdy_past_command(void)
{
    struct seq s;
    start(&s);
    s.p.isa_sa = 0x340;
    run(&s, 4);
    s.p.isa_ior_n = 0;
    run(&s, 2);
    s.p.isa_iochrdy_oe = 1;
    run(&s, 10);
    s.p.isa_ior_n = 1;           /* the command ends, IOCHRDY stays low */
    run(&s, 3);
    s.p.isa_iochrdy_oe = 0;
    run(&s, 4);
    finish(&s, "IOCHRDY after the command", "IOCHRDY past command");
}

int main(void)
{
    sd_rules();
    iocs16("IOCS16# with the address", 0, 0, NULL);
    iocs16("IOCS16# 3 clocks after SA", 3, 0, NULL);
    iocs16("IOCS16# 5 clocks after SA", 5, 0, "IOCS16# decode");
    iocs16("IOCS16# in a DMA cycle", 0, 1, "IOCS16# with AEN");
    iochrdy("IOCHRDY early, short", 2, 20, 1, NULL);
    iochrdy("IOCHRDY 6 clocks in", 6, 20, 1, "IOCHRDY late");
    iochrdy("IOCHRDY held 2.6 us", 1, 94, 1, "IOCHRDY hold");
    iochrdy("IOCHRDY without command", 0, 4, 0, "IOCHRDY outside command");
    iochrdy_past_command();
    drq_tc("DRQ drops with TC", 3, NULL);
    drq_tc("DRQ 10 clocks after TC", 10, "DRQ after TC");
    drq_pulse("DRQ held until DACK", 200, NULL);
    drq_pulse("DRQ pulse of 3 clocks", 3, "DRQ pulse");
    irq("IRQ re-edge after 12 clocks", 40, 12, NULL);
    irq("IRQ re-edge after 2 clocks", 40, 2, "IRQ re-edge");
    irq("IRQ high 2 clocks", 2, 40, "IRQ glitch");
    printf("isa_check_test: %s (%d failures)\n", failures ? "FAIL" : "pass", failures);
    return failures ? 1 : 0;
}
