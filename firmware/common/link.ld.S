/* Linker script for softhba firmware.  Run through the C preprocessor with
 * regmap/ on the include path (firmware/firmware.mk), so the memory map comes
 * from the register map, the one source of truth (its plain-number header
 * for assembly and linker scripts).
 *
 * The code runs in place from the SPI flash's firmware region (FLASH_BASE,
 * where the CPU resets): .text and .rodata there, and the load image of
 * .data/.tdata right after them, which crt0 copies into the RAM.  .tbss,
 * .bss and the stack are in the RAM; crt0 clears .tbss and .bss.  The stack
 * grows down from the end of RAM; the .stack section reserves
 * SHBA_SOC_STACK_RESERVE bytes (or the program's own __stack_reserve) for it
 * so that a program whose data does not fit fails to link ("region `ram'
 * overflowed by N bytes"), and one whose code does not fit the firmware
 * region fails with "region `flash' overflowed". */
#include "softhba_regs_asm.h"

OUTPUT_ARCH("riscv")
ENTRY(_start)

MEMORY
{
    flash (rx) : ORIGIN = SHBA_SOC_FLASH_BASE, LENGTH = SHBA_SOC_FLASH_FW_SIZE
    ram (rwx) : ORIGIN = SHBA_SOC_RAM_BASE, LENGTH = SHBA_SOC_RAM_SIZE
}

SECTIONS
{
    .text : {
        KEEP(*(.text.start))
        /* The code the card runs for every command together, so that it
         * shares the flash cache's sets less (docs/soc.md "Choice and
         * measurements"): functions marked hot, the card firmware's command
         * path as its fetch trace shows it (SHBA_FETCH_TRACE; per-function
         * sections also under LTO: FW_LDFLAGS has -ffunction-sections), the
         * prologue helpers of -msave-restore; then the read-only data (the
         * SCSI ops and tables are read on every command), then main (the
         * command loop, with the SCSI layer inlined) and the rest.  Measured
         * orders: docs/soc.md.  A name that no longer exists matches
         * nothing. */
        /* The write path's run_write first: the end of this section wraps
         * onto the cache sets of the start code and of run_write, which a
         * READ does not run (docs/soc.md "Choice and measurements"). */
        *(.text.hot.run_write)
        *(.rodata.card_scsi_ops)
        *(.text.hot .text.hot.*)
        *(.text.service .text.read_run .text.do_read_write* .text.op_read_blocks)
        *(.text.run_engine .text.sd_read_blocks .text.from_sd .text.command_finish)
        *(.text.engine_wait .text.deselect_card .text.rx_byte .text.op_medium .text.command)
        *(.text.memcpy)
        *(.text.check_range .text.xfer .text.xfer.* .text.fs_logfile_flush)
        *libgcc.a:save-restore.o(.text .text.*)
        /* main: the command loop (the SCSI layer's READ/WRITE fast path
         * inlined; the rest of the layer is cold and out of line). */
        *(.text.main .text.startup.main .text.unlikely.main)
    } > flash

    /* Read-only data next to the command path (the command table and the
     * SCSI ops are read on every command), the rest of the code after it. */
    .rodata : ALIGN(4) {
        *(.rodata .rodata.*)
        *(.srodata .srodata.*)
    } > flash

    .text_rest : ALIGN(4) {
        *(.text.startup .text.startup.*)
        *(.text.unlikely .text.unlikely.*)
        *(.text .text.*)
        /* Failure-only code (section .text_fail, e.g. card_io.c's
         * scsi_glue_moved) last, so that it moves
         * none of the code above, which the command path uses, in the cache. */
        *(.text_fail .text_fail.*)
    } > flash

    /* .data and .tdata: one block in the RAM, its image in the flash. */
    .data : ALIGN(4) {
        __data_start = .;
        *(.data .data.*)
        __global_pointer$ = . + 0x800;
        *(.sdata .sdata.*)
    } > ram AT > flash
    __data_load = LOADADDR(.data);

    .tdata : ALIGN(4) {
        *(.tdata .tdata.*)
        . = ALIGN(4);
        __data_end = .;
    } > ram AT > flash
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
