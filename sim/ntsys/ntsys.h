/* The shipped softhba.sys (PE32 i386, built by `make driver`) run in an
 * i386 CPU emulator (Unicorn) against the port driver emulation of
 * sim/portdrv: the image is loaded at a base that is not its preferred one
 * and relocated (pe_loader.h), its SCSIPORT.SYS imports are bound to thunks
 * that marshal NT's 32-bit structures (layouts from the mingw DDK headers,
 * build/ntsys/nt32_layout.h) to the native ScsiPort* routines, and the
 * miniport's Hw* routines reach it through native trampolines.  See
 * docs/cosim.md ("The binary driver").
 *
 * A fault inside the driver (bad memory access, invalid instruction, more
 * than NTSYS_INSN_BUDGET instructions between two imports, or more than
 * NTSYS_IMPORT_BUDGET imports in one call), a stack or register
 * imbalance across a stdcall routine or a call to an unknown address ends
 * the process: a message naming the routine, the address and the import,
 * and exit status NTSYS_EXIT_FAULT. */
#ifndef SOFTHBA_NTSYS_H
#define SOFTHBA_NTSYS_H

#include <stdint.h>

#include "ddk/miniport.h"
#include "pe_loader.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTSYS_EXIT_FAULT 6
/* Instructions one call into the driver may run (a routine that spins
 * longer is a runaway: NT routines run at raised IRQL and must return). */
#define NTSYS_INSN_BUDGET 50000000u
/* ... and imports it may call (the instruction budget restarts after
 * each): a poll loop around ScsiPortStallExecution that never ends. */
#define NTSYS_IMPORT_BUDGET 1000000u
/* Where the image goes: a system-space address, not its ImageBase. */
#define NTSYS_LOAD_BASE 0x80400000u
/* The file `make driver` ships. */
#define NTSYS_DEFAULT_PATH "build/driver/softhba.sys"

/* NTSYS_DEFAULT_PATH if it exists from the working directory, else the
 * same file found from the running program (PROGRAM_DIR/../driver/
 * softhba.sys, as build/sim/PROGRAM sits beside build/driver/). */
const char *ntsys_default_path(void);
/* Loads and relocates path and binds its imports.  0, or -1 after printing
 * "ntsys: PATH: why" on stderr.  One driver per process. */
int ntsys_load(const char *path);
/* A DriverEntry for portdrv_load (portdrv_driver_entry_fn): runs the
 * loaded image's entry point. */
ULONG ntsys_driver_entry(PVOID DriverObject, PVOID Argument2);
/* What the loader did. */
const struct pe_load_report *ntsys_report(void);
/* The image as mapped in guest memory (size_of_image bytes). */
const uint8_t *ntsys_image(uint32_t *size);
/* The guest address of an import's thunk, 0 if not provided. */
uint32_t ntsys_import_address(const char *name);
/* Calls into the driver so far, and thunk calls out of it. */
uint64_t ntsys_guest_calls(void);
uint64_t ntsys_thunk_calls(void);
void ntsys_unload(void);

#ifdef __cplusplus
}
#endif

#endif
