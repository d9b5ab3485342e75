# SCSI command layer (firmware/scsi/): host unit tests, libFuzzer harness,
# code-size figure for the card build.
#
#   build/scsi/scsi_test      table-driven tests on a RAM disk (ASan + UBSan):
#                             the one-disk compatibility path
#   build/scsi/scsi_targets_test  the same for a bus of targets: block sizes,
#                             read-only and removable disks, the CD-ROM
#   build/scsi/scsi_fuzz      libFuzzer harness (clang, ASan + UBSan)
#   build/scsi/scsi_rv32.o    the layer as the card builds it (size figure)
#

SCSIT_DIR := $(BUILD)/scsi
SCSIT_LAYER := firmware/scsi/scsi.c
SCSIT_HDRS := firmware/scsi/scsi.h tests/scsi/ramdisk.h tests/scsi/harness.h regmap/softhba_regs.h
SCSIT_HARNESS := tests/scsi/harness.c tests/scsi/ramdisk.c
SCSIT_INC := -Iregmap -Ifirmware/scsi -Itests/scsi
SCSIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 $(SCSIT_INC)
SCSIT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SCSIT_RV_CFLAGS := -march=rv32im_zicsr -mabi=ilp32 --specs=picolibc.specs -Os -std=c11 \
                   -Wall -Wextra -Werror -ffunction-sections -fdata-sections $(SCSIT_INC)

ALL += $(SCSIT_DIR)/scsi_test $(SCSIT_DIR)/scsi_targets_test $(SCSIT_DIR)/scsi_fuzz \
       $(SCSIT_DIR)/scsi_rv32.o
BENCH += bench-scsi
C_LINT_SRCS += $(SCSIT_LAYER) tests/scsi/ramdisk.c tests/scsi/harness.c tests/scsi/scsi_test.c \
               tests/scsi/scsi_targets_test.c tests/scsi/scsi_fuzz.c
C_LINT_INCLUDES += $(SCSIT_INC)

$(SCSIT_DIR)/scsi_test: tests/scsi/scsi_test.c $(SCSIT_HARNESS) $(SCSIT_LAYER) $(SCSIT_HDRS)
	@mkdir -p $(@D)
	gcc $(SCSIT_CFLAGS) $(SCSIT_SAN) tests/scsi/scsi_test.c $(SCSIT_HARNESS) $(SCSIT_LAYER) -o $@

$(SCSIT_DIR)/scsi_targets_test: tests/scsi/scsi_targets_test.c $(SCSIT_HARNESS) $(SCSIT_LAYER) $(SCSIT_HDRS)
	@mkdir -p $(@D)
	gcc $(SCSIT_CFLAGS) $(SCSIT_SAN) tests/scsi/scsi_targets_test.c $(SCSIT_HARNESS) $(SCSIT_LAYER) -o $@

$(SCSIT_DIR)/scsi_fuzz: tests/scsi/scsi_fuzz.c tests/scsi/ramdisk.c $(SCSIT_LAYER) $(SCSIT_HDRS)
	@mkdir -p $(@D)
	clang $(SCSIT_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  tests/scsi/scsi_fuzz.c tests/scsi/ramdisk.c $(SCSIT_LAYER) -o $@

$(SCSIT_DIR)/scsi_rv32.o: $(SCSIT_LAYER) firmware/scsi/scsi.h regmap/softhba_regs.h
	@mkdir -p $(@D)
	riscv64-unknown-elf-gcc $(SCSIT_RV_CFLAGS) -c $< -o $@

# The size of one target's state on the card (struct scsi_dev), read from
# the RV32 compiler: the card keeps one per target.
$(SCSIT_DIR)/scsi_dev_size.s: firmware/scsi/scsi.h regmap/softhba_regs.h
	@mkdir -p $(@D)
	echo '#include "scsi.h"' > $(SCSIT_DIR)/scsi_dev_size.c
	echo 'const unsigned scsi_dev_size = sizeof(struct scsi_dev);' >> $(SCSIT_DIR)/scsi_dev_size.c
	riscv64-unknown-elf-gcc $(SCSIT_RV_CFLAGS) -S $(SCSIT_DIR)/scsi_dev_size.c -o $@

# Figures: bytes of code + read-only data the layer adds to the card image,
# and bytes of RAM per target.
.PHONY: bench-scsi
bench-scsi: $(SCSIT_DIR)/scsi_rv32.o $(SCSIT_DIR)/scsi_dev_size.s
	@mkdir -p $(BUILD)/bench
	@n=$$(riscv64-unknown-elf-size -A $< | awk '$$1 ~ /^\.(text|rodata|srodata)/ {s += $$2} END {print s}'); \
	  d=$$(awk '$$1 == ".word" {print $$2; exit}' $(SCSIT_DIR)/scsi_dev_size.s); \
	  test -n "$$d"; \
	  echo "{\"scsi_layer_code_bytes\": $$n, \"scsi_target_state_bytes\": $$d}" > $(BUILD)/bench/scsi.json; \
	  echo "scsi: layer code + rodata for RV32 -Os: $$n bytes; state per target: $$d bytes"
