/* SPI NOR flash model: the iCE40-HX8K breakout's configuration flash, a
 * Micron N25Q032A (32 Mbit, 3 V), in extended SPI mode 0/3, written from its
 * datasheet (n25q_32mb_3v_65nm.pdf; docs/soc.md "The SPI flash model" lists
 * the commands, times and limits and where they come from).
 *
 * Commands: READ 03h, FAST READ 0Bh (8 dummy clocks), DUAL OUTPUT FAST READ
 * 3Bh (8 dummy clocks, data on DQ0 and DQ1), READ STATUS 05h, READ FLAG
 * STATUS 70h, WRITE ENABLE 06h, WRITE DISABLE 04h, PAGE PROGRAM 02h (wraps
 * within its 256-byte page, only clears bits), SUBSECTOR ERASE 20h (4 KiB),
 * SECTOR ERASE D8h (64 KiB), BULK ERASE C7h, READ ID 9Fh/9Eh.  Program and
 * erase run only with WEL set and only when CS# rises on a byte boundary;
 * while WIP is set every command but the status reads is ignored.  Other
 * opcodes are ignored (the part does not decode them).
 *
 * Timing: every SCK period is checked against the command's maximum clock
 * (READ 03h 54 MHz, the others 108 MHz), and CS# against its setup, hold and
 * deselect times.  DQ0, which a dual output read turns around: contention
 * (the host drives it while the flash does, or within tSHQZ after S# rose
 * from a dual read) and a float read (a C rise with S# low, outside the
 * dummy clocks, while neither side drives it).  A violation prints a message
 * naming the rule, the command and the time and ends the process with
 * SPI_FLASH_EXIT_TIMING (or is only counted with count_only). */
#ifndef SOFTHBA_SPI_FLASH_H
#define SOFTHBA_SPI_FLASH_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SPI_FLASH_BYTES (4u * 1024u * 1024u)
#define SPI_FLASH_EXIT_TIMING 7

struct spi_flash;

struct spi_flash *spi_flash_create(void);
void spi_flash_destroy(struct spi_flash *f);

/* A violation is counted and reported, but does not end the process. */
void spi_flash_set_count_only(struct spi_flash *f, int count_only);
uint64_t spi_flash_violations(const struct spi_flash *f);

/* Load bytes at offset, as the programmer (iceprog) would have written them:
 * a raw binary, or a $readmemh image of 32-bit little-endian words (one word
 * of 8 hex digits a line, as firmware/tools/bin2memh.py writes).  Returns 0,
 * or -1 with a message on stderr (unreadable, malformed, past the end). */
int spi_flash_load_bin(struct spi_flash *f, const char *path, uint32_t offset);
int spi_flash_load_hex(struct spi_flash *f, const char *path, uint32_t offset);

/* The array as it is now (SPI_FLASH_BYTES bytes). */
const uint8_t *spi_flash_data(const struct spi_flash *f);

/* One sample of the pins at time now_ps (call at least at every change).
 * dq0 is the host's output on DQ0 (D), dq0_oe whether the host drives it;
 * the return value is what the flash drives on DQ1 (Q) in bit 1 and, in a
 * dual output read, on DQ0 in bit 0; bit 2 says DQ0 is driven by the flash. */
unsigned spi_flash_sample(struct spi_flash *f, uint64_t now_ps, int cs_n, int sck, int dq0, int dq0_oe);

/* The co-simulation device: samples the card's flash_* pins (cosim_pins())
 * after every core clock edge and drives flash_dq1, flash_dq0 and
 * flash_dq0_drive.  ctx is the flash. */
void spi_flash_cosim_step(void *ctx, uint64_t now_ps);

/* The board's flash for a co-simulation run (sim/harness top_card.cpp,
 * top_gate_board.cpp): a new erased flash (the previous run's is freed) with
 * the firmware image (a $readmemh file) at SHBA_SOC_FLASH_FW_OFFSET, as
 * `make prog` puts it, added as a device.  NULL with a message on error. */
struct spi_flash *spi_flash_cosim_attach(const char *firmware_hex);

#ifdef __cplusplus
}
#endif

#endif
