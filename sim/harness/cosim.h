/* The co-simulation kernel: one Verilated top, simulated time, and the
 * devices around it.  The top is the card (rtl/card/softhba_card.v) or, for
 * the block testbenches, rtl/isa/isa_interface.v or the SD path
 * (tests/sd/sd_path_top.v): each program links one configuration, the model
 * plus a pin adapter to struct card_pins (sim/harness/top_*.cpp; a top's
 * ports outside card_pins are in its own header, e.g. top_isa_interface.h).
 * C linkage so that the C models (sim/pc, sim/sdcard, sim/portdrv) and the
 * miniport can call it.
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
    const char *firmware_hex;   /* $readmemh image for the card's RAM (card only) */
    const char *wave_file;      /* FST waveform to write, or NULL */
    uint64_t max_cycles;        /* stop with an error after this many cycles (0: no limit) */
    uint8_t cfg_base_sel;       /* board jumpers, see card_pins.h */
    uint8_t cfg_resources;
};

/* Build the top, hold RESET DRV (card_pins.isa_reset) for 8 cycles, release it.
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

/* End the run after this cycle (the card's firmware does it by writing
 * SIMCTRL.EXIT); the first code given is kept. */
void cosim_exit(int code);
/* 1 once the run was ended by cosim_exit(); *code gets the value. */
int cosim_exited(int *code);
/* 1 once max_cycles passed. */
int cosim_timed_out(void);

#ifdef __cplusplus
}
#endif

#endif
