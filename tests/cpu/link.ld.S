/* Instruction-level CPU tests: code in the flash region (the register map's
 * SOC FLASH_BASE, where the CPU resets), data in the RAM with its initial
 * image after the code (TEST_BEGIN copies it).  Run through the C
 * preprocessor (tests/cpu/cpu_tests.mk). */
#include "softhba_regs_asm.h"

OUTPUT_ARCH(riscv)
ENTRY(_start)
MEMORY {
    FLASH (rx) : ORIGIN = SHBA_SOC_FLASH_BASE, LENGTH = SHBA_SOC_FLASH_FW_SIZE
    RAM (rwx) : ORIGIN = SHBA_SOC_RAM_BASE, LENGTH = SHBA_SOC_RAM_SIZE
}
SECTIONS
{
    .text : { *(.text.init) *(.text .text.*) . = ALIGN(4); _etext = .; } > FLASH
    .data : ALIGN(4) {
        _data_start = .;
        *(.rodata .rodata.* .data .data.* .sdata .sdata.* .bss .bss.* .sbss .sbss.*)
        . = ALIGN(4);
        _data_end = .;
    } > RAM AT > FLASH
    _data_load = LOADADDR(.data);
    _end = .;
    _stack_top = ORIGIN(RAM) + LENGTH(RAM);
}
