/* Linker script for softhba firmware.  Run through the C preprocessor with
 * regmap/ on the include path (firmware/firmware.mk), so the RAM's base and
 * size come from the register map, the one source of truth (its plain-number
 * header for assembly and linker scripts).
 *
 * Everything lives in the one block RAM: the $readmemh/icebram image holds
 * .text, .rodata, .data and .tdata in place (nothing is copied at start-up);
 * crt0 clears .tbss and .bss.  The stack grows down from the end of RAM; the
 * .stack section reserves SHBA_SOC_STACK_RESERVE bytes (or the program's
 * own __stack_reserve) for it so that a
 * program too big for the RAM fails to link ("region `ram' overflowed by N
 * bytes"). */
#include "softhba_regs_asm.h"

OUTPUT_ARCH("riscv")
ENTRY(_start)

MEMORY
{
    ram (rwx) : ORIGIN = SHBA_SOC_RAM_BASE, LENGTH = SHBA_SOC_RAM_SIZE
}

SECTIONS
{
    .text : {
        KEEP(*(.text.start))
        *(.text.unlikely .text.unlikely.*)
        *(.text .text.*)
    } > ram

    .rodata : ALIGN(4) {
        *(.rodata .rodata.*)
        *(.srodata .srodata.*)
    } > ram

    .data : ALIGN(4) {
        __data_start = .;
        *(.data .data.*)
        __global_pointer$ = . + 0x800;
        *(.sdata .sdata.*)
    } > ram

    .tdata : ALIGN(4) {
        *(.tdata .tdata.*)
    } > ram
    PROVIDE(__tls_base = ADDR(.tdata));

    .tbss (NOLOAD) : ALIGN(4) {
        *(.tbss .tbss.*)
        *(.tcommon)
    } > ram

    /* The linker does not advance '.' over .tbss: make room for it. */
    .tbss_space (NOLOAD) : ALIGN(4) {
        __bss_start = .;
        . = . + SIZEOF(.tbss);
    } > ram

    .bss (NOLOAD) : ALIGN(4) {
        *(.sbss .sbss.*)
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4);
        __bss_end = .;
    } > ram

    /* A program may keep a reserve of its own, measured for it
     * (firmware.mk: FW_STACK_RESERVE_NAME, passed as --defsym). */
    PROVIDE(__stack_reserve = SHBA_SOC_STACK_RESERVE);
    __stack_top = ORIGIN(ram) + LENGTH(ram);
    PROVIDE(__heap_start = __bss_end);
    PROVIDE(__heap_end = __stack_top - __stack_reserve);

    .stack (NOLOAD) : {
        . = . + __stack_reserve;
    } > ram

    /DISCARD/ : {
        *(.comment)
        *(.note .note.*)
    }
}
