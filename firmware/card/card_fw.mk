# The card firmware: firmware/card/ (boot, command loop, scsi_ops glue) with
# the SCSI layer and the SD driver, built by firmware/firmware.mk's
# FW_PROGRAM into build/fw/softhba_fw.{elf,bin,hex,map,size}.
#
#   make build/fw/softhba_fw.hex     the image card-run / icebram take
#   make bench-card-fw               build/bench/card_fw.json: fw_code_bytes

CARDFW_SRCS := firmware/card/main.c firmware/card/card_io.c firmware/card/xfer.c \
               firmware/card/media.c firmware/scsi/scsi.c firmware/sd/sd_driver.c \
               firmware/fs/fs.c firmware/fs/fs_log.c firmware/fs/fs_logfile.c \
               firmware/fs/images.c firmware/fs/ini.c
CARDFW_ELF := $(BUILD)/fw/softhba_fw.elf
# -flto -msave-restore: one program with shared prologues (the code runs from
# the SPI flash through the instruction cache: smaller code, fewer misses).
FW_CFLAGS_softhba_fw := -Ifirmware/card -Ifirmware/scsi -Ifirmware/sd -Ifirmware/fs -flto -msave-restore
# Stack reserve: measured, not guessed.  The deepest path is the mount at
# power-on (media_mount -> fs_scan_images -> fs_dir_walk -> a log line ->
# softhba.log written through the SD byte mode): 1168 bytes, measured by
# img-stack-peak (tests/img: a card with softhba.ini's bad lines,
# softhba.log, a refused image, then a write on a pulled card) on
# softhba_fw_stack (below).  The commands' paths are shallower:
# tests/card/stack_peak.sh (card-fw-stack-peak) reads 720 bytes at the
# deepest (the boot on a card without a file system).  1312 keeps 144
# bytes of margin; both tests fail under 128.
FW_STACK_RESERVE_softhba_fw := 1312

# The top Makefile includes the fragments in sorted order, so this file is
# read before firmware/firmware.mk defines FW_PROGRAM: the call is kept in
# CARDFW_RULES and made by tests/card/card_tests.mk, read after both.
CARDFW_RULES = $(call FW_PROGRAM,softhba_fw,$(CARDFW_SRCS))
CARDFW_STACK_RULES = $(call FW_PROGRAM,softhba_fw_stack,$(CARDFW_SRCS))
ALL += $(BUILD)/fw/softhba_fw.hex $(BUILD)/fw/softhba_fw_stack.hex
# The same firmware with CARD_STACK_WATCH: it prints "stack peak N" on the
# console whenever its stack has gone deeper than before (crt0 paints the
# stack at start-up); tests/card/stack_peak.sh runs the system tests on it.
FW_CFLAGS_softhba_fw_stack := $(FW_CFLAGS_softhba_fw) -DCARD_STACK_WATCH
# (its watch code is bigger: it links with less; the depth it reports is
# true as long as it stays within the RAM past .bss, which the test checks)
FW_STACK_RESERVE_softhba_fw_stack := 640
# The same firmware with CARD_LATE_LOOK_US: its command loop looks at EVENTS
# only every 200 us, which widens the race of a late CONTROL.ABORT with
# command completion (tests/cardproto abort-race: the fix is in host_regs.v).
CARDFW_LATE_RULES = $(call FW_PROGRAM,softhba_fw_late,$(CARDFW_SRCS))
ALL += $(BUILD)/fw/softhba_fw_late.hex
FW_CFLAGS_softhba_fw_late := $(FW_CFLAGS_softhba_fw) -DCARD_LATE_LOOK_US=200
FW_STACK_RESERVE_softhba_fw_late := $(FW_STACK_RESERVE_softhba_fw)
BENCH += bench-card-fw
C_LINT_SRCS += firmware/card/main.c firmware/card/card_io.c firmware/card/xfer.c firmware/card/media.c
C_LINT_INCLUDES += -Iregmap -Ifirmware/common -Ifirmware/card -Ifirmware/scsi -Ifirmware/sd -Ifirmware/fs

# Figure: code + read-only data of the whole card image.
.PHONY: bench-card-fw
bench-card-fw: $(CARDFW_ELF)
	@mkdir -p $(BUILD)/bench
	@n=$$(riscv64-unknown-elf-size -A $< | awk '$$1 ~ /^\.(text|rodata|srodata)/ {s += $$2} END {print s}'); \
	  echo "{\"fw_code_bytes\": $$n}" > $(BUILD)/bench/card_fw.json; \
	  echo "card firmware: code + rodata $$n bytes (RAM $(FW_RAM_BYTES))"
