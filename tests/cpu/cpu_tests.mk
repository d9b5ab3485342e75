# Instruction-level CPU tests (tests/cpu/): assembly programs built into
# $readmemh images of the flash's firmware region, and a stand-alone testbench
# (tests/cpu/tb) that runs them on rv32_cpu alone with randomised bus latency.
CPUT_SRC_DIR := tests/cpu
CPUT_OUT     := build/cpu/tests
CPUT_CC      := riscv64-unknown-elf-gcc
CPUT_OBJCOPY := riscv64-unknown-elf-objcopy
CPUT_CFLAGS  := -march=rv32im_zicsr -mabi=ilp32 -nostdlib -nostartfiles -Wl,--no-warn-rwx-segments \
                -T $(CPUT_OUT)/link.ld -I$(CPUT_SRC_DIR) -Iregmap
CPUT_SRCS    := $(filter-out %/link.ld.S,$(wildcard $(CPUT_SRC_DIR)/*.S))
CPUT_NAMES   := $(patsubst $(CPUT_SRC_DIR)/%.S,%,$(CPUT_SRCS))
CPUT_HEX     := $(addprefix $(CPUT_OUT)/,$(addsuffix .hex,$(CPUT_NAMES)))
CPUT_TB_DIR  := build/cpu/tb
CPUT_TB      := $(CPUT_TB_DIR)/cpu_tb
CPUT_TB_SRCS := $(CPUT_SRC_DIR)/tb/cpu_tb.v rtl/cpu/rv32_cpu.v

ALL += $(CPUT_HEX) $(CPUT_TB)

.PHONY: cpu-tests
cpu-tests: $(CPUT_HEX) $(CPUT_TB)

# The memory map comes from the register map (regmap/softhba_regs_asm.h).
$(CPUT_OUT)/link.ld: $(CPUT_SRC_DIR)/link.ld.S regmap/softhba_regs_asm.h
	@mkdir -p $(@D)
	$(CPUT_CC) -E -P -x c -Iregmap $< > $@.tmp
	mv $@.tmp $@

$(CPUT_OUT)/%.elf: $(CPUT_SRC_DIR)/%.S $(CPUT_SRC_DIR)/test.h $(CPUT_OUT)/link.ld regmap/softhba_regs_asm.h
	@mkdir -p $(@D)
	$(CPUT_CC) $(CPUT_CFLAGS) -o $@ $<

$(CPUT_OUT)/%.bin: $(CPUT_OUT)/%.elf
	$(CPUT_OBJCOPY) -O binary $< $@

$(CPUT_OUT)/%.hex: $(CPUT_OUT)/%.bin firmware/tools/bin2memh.py
	python3 firmware/tools/bin2memh.py --no-pad $< $@ $(shell echo $$(( $(SHBA_SOC_FLASH_FW_SIZE) / 4 )))

$(CPUT_TB): $(CPUT_TB_SRCS) $(CPUT_SRC_DIR)/tb/cpu_tb_main.cpp regmap/softhba_regs.vh
	@mkdir -p $(CPUT_TB_DIR)
	verilator --cc --exe --build -j 1 -Wall -Iregmap --top-module cpu_tb \
	  -Mdir $(CPUT_TB_DIR)/obj -o ../cpu_tb $(CPUT_TB_SRCS) \
	  $(abspath $(CPUT_SRC_DIR)/tb/cpu_tb_main.cpp) >$(CPUT_TB_DIR)/build.log 2>&1 \
	  || { tail -30 $(CPUT_TB_DIR)/build.log; exit 1; }

.SECONDARY: $(patsubst %.hex,%.elf,$(CPUT_HEX)) $(patsubst %.hex,%.bin,$(CPUT_HEX))
