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
    /* The hot block: everything the card runs (and reads from the flash)
     * between two READ(10)s -- the command loop, the READ path and the idle
     * loop -- together at the start of the window, so that no two of its
     * lines share a set of the 4 KiB direct-mapped flash cache and a warm
     * READ(10) never misses (docs/soc.md "The hot block and the READ
     * path").  The functions by name, as the fetch trace of the READ loop
     * finds them (tests/cardproto/flash_warm.sh fails when a warm read
     * falls outside the block, naming the function to add here);
     * per-function sections also under LTO (FW_LDFLAGS has
     * -ffunction-sections).  HOT(f) takes f whatever section GCC gave it:
     * plain, hot, unlikely (main), or a clone (f.isra.0, f.constprop.0).
     * A name that no longer exists (inlined) matches nothing.  The ASSERT
     * below keeps the block within the cache. */
#define HOT(f) *(.text.f .text.f.* .text.hot.f .text.hot.f.* .text.unlikely.f .text.unlikely.f.* .text.startup.f)
    .text : {
        KEEP(*(.text.start))
        __flash_hot_start = .;
        /* the command loop: main (run_command, the SCSI layer's READ/WRITE
         * fast path and card_begin/card_end inlined), the idle loop */
        HOT(main)
        /* the SCSI layer and the card's ops */
        HOT(do_read_write) HOT(op_medium) HOT(op_read_blocks)
        *(.rodata.card_scsi_ops)
        /* (media_runs and run_read: a fragmented image's READ) */
        HOT(media_runs) HOT(run_read)
        /* the SD driver's read */
        HOT(sd_read_blocks) HOT(check_range) HOT(read_run) HOT(command_finish) HOT(rx_byte)
        HOT(run_engine) HOT(deselect_card) HOT(xfer)
        /* what the engine's wait runs: the host side of the data phase */
        HOT(engine_wait) HOT(service) HOT(isa_done) HOT(xfer_step) HOT(card_hstatus)
        HOT(memcpy)
        /* the prologue helpers of -msave-restore */
        *libgcc.a:save-restore.o(.text .text.*)
        __flash_hot_end = .;
    } > flash
    ASSERT(__flash_hot_end - __flash_hot_start <= 4096,
           "the hot block is larger than the flash cache (4 KiB): a warm READ(10) would miss (docs/soc.md)")

    /* The read-only data (what a READ reads, card_scsi_ops, is in the hot
     * block), then the rest of the code. */
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
