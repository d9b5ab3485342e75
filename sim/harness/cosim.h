/* The co-simulation kernel: one Verilated softhba card, simulated time, and
 * the devices around it.  C linkage so that the C models (sim/pc, sim/sdcard,
 * sim/portdrv) and the miniport can call it.
 *
 * Time runs in picoseconds from 0.  The card's core clock period is
 * 1e12 / SHBA_SOC_CLK_HZ ps.  Every step is one core clock cycle: the harness
 * copies card_pins inputs into the model, raises clk, evaluates, copies the
 * outputs back, then calls every registered device with the time of that
 * rising edge; then it lowers clk.  A device reacts to pin changes within one
 * core clock (27.8 ns at 36 MHz), finer than any ISA or SPI timing it models.
 *
 * Host-side code (the port driver emulation, tests) is ordinary blocking C:
 * to wait it calls cosim_run_ps() or cosim_step(), which advance the card
 * and every device. */
#ifndef SOFTHBA_COSIM_H
#define SOFTHBA_COSIM_H

#include <stdint.h>
#include "card_pins.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cosim_options {
    const char *firmware_hex;   /* $readmemh image for the card's RAM */
    const char *wave_file;      /* FST waveform to write, or NULL */
    uint64_t max_cycles;        /* stop with an error after this many cycles (0: no limit) */
    uint8_t cfg_base_sel;       /* board jumpers, see card_pins.h */
    uint8_t cfg_resources;
};

/* Build the card, hold it in reset for a few cycles, release it.
 * Returns 0, or -1 with a message on stderr. */
int cosim_init(const struct cosim_options *opt);
void cosim_shutdown(void);

struct card_pins *cosim_pins(void);
uint64_t cosim_now_ps(void);
uint64_t cosim_cycles(void);
uint64_t cosim_clock_period_ps(void);

/* Called after every rising edge of the core clock, in the order added. */
typedef void (*cosim_device_fn)(void *ctx, uint64_t now_ps);
void cosim_add_device(cosim_device_fn step, void *ctx);

/* One core clock cycle.  Returns 0, or -1 once the run is over (the cycle
 * limit was hit or the firmware wrote SIMCTRL.EXIT). */
int cosim_step(void);
/* Advance by at least ps; same return value. */
int cosim_run_ps(uint64_t ps);

/* 1 once the firmware wrote SIMCTRL.EXIT; *code gets the value. */
int cosim_exited(int *code);
/* 1 once max_cycles passed. */
int cosim_timed_out(void);

#ifdef __cplusplus
}
#endif

#endif
