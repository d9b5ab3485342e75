/* Instruction-level CPU tests: everything in the card's RAM (the register
 * map's SOC RAM_BASE/RAM_SIZE).  Run through the C preprocessor
 * (tests/cpu/cpu_tests.mk). */
#include "softhba_regs_asm.h"

OUTPUT_ARCH(riscv)
ENTRY(_start)
MEMORY { RAM (rwx) : ORIGIN = SHBA_SOC_RAM_BASE, LENGTH = SHBA_SOC_RAM_SIZE }
SECTIONS
{
    .text : { *(.text.init) *(.text .text.*) } > RAM
    .data : { *(.rodata .rodata.* .data .data.* .sdata .sdata.* .bss .bss.* .sbss .sbss.*) } > RAM
    _end = .;
    _stack_top = ORIGIN(RAM) + LENGTH(RAM);
}
