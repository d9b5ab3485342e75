/* The "asm-offsets" step for the binary driver's emulation: compiled with
 * i686-w64-mingw32-gcc -S against the mingw DDK headers that build
 * softhba.sys, never linked.  Each field of nt32_fields.h becomes an
 * assembler line "@NT32 NAME OFFSET SIZE", each structure "@NT32SIZE NAME
 * SIZE", and each import a reference the compiler decorates with its
 * calling convention; gen_nt32_layout.py turns the assembler text into
 * build/ntsys/nt32_layout.h.  So no offset is typed by hand. */
#include <ntdef.h>
#include <ddk/miniport.h>
#include <ddk/srb.h>
#include <stddef.h>

#include "nt32_fields.h"

#define EMIT_FIELD(TAG, TYPE, FIELD)                                        \
    __asm__ volatile("\n@NT32 " #TAG "_" #FIELD " %c0 %c1"                  \
                     : : "i"(offsetof(TYPE, FIELD)), "i"(sizeof(((TYPE *)0)->FIELD)));
#define EMIT_SIZE(TAG, TYPE)                                                \
    __asm__ volatile("\n@NT32SIZE " #TAG " %c0" : : "i"(sizeof(TYPE)));

void nt32_layout(void);
void nt32_layout(void)
{
    NT32_ACCESS_RANGE_FIELDS(EMIT_FIELD, EMIT_FIELD)
    NT32_PORT_CONFIG_FIELDS(EMIT_FIELD, EMIT_FIELD)
    NT32_HW_INIT_FIELDS(EMIT_FIELD, EMIT_FIELD)
    NT32_SRB_FIELDS(EMIT_FIELD, EMIT_FIELD)
    EMIT_SIZE(AR, ACCESS_RANGE)
    EMIT_SIZE(PCI, PORT_CONFIGURATION_INFORMATION)
    EMIT_SIZE(HID, HW_INITIALIZATION_DATA)
    EMIT_SIZE(SRB, SCSI_REQUEST_BLOCK)
}

#define REFERENCE(NAME) (void *)&NAME,
void *const nt32_imports[] = { NT32_IMPORTS(REFERENCE) };
