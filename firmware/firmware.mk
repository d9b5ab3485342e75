# Firmware build: RV32IM + Zicsr, picolibc (tinystdio, integer printf), the
# common runtime in firmware/common/, the linker script made from the register
# map.  Build a program with
#
#   $(eval $(call FW_PROGRAM,NAME,SOURCES))
#   ALL += $(FW_DIR)/NAME.hex
#
# which gives $(FW_DIR)/NAME.elf, .bin (the firmware region's image: code,
# rodata and .data's load image, as it goes into the SPI flash at
# SHBA_SOC_FLASH_FW_OFFSET), .hex (the same as 32-bit words, one a line: what
# the co-simulation's flash model loads), .map and .size (the budgets, also
# printed).  A program whose code does not fit the firmware region, or whose
# data + bss + stack reserve does not fit the RAM, fails to link, saying by how
# many bytes.
# Per-program extra C flags: FW_CFLAGS_NAME.  Per-program stack reserve in
# bytes (instead of the SoC's SHBA_SOC_STACK_RESERVE): FW_STACK_RESERVE_NAME,
# for a program whose stack depth has been measured (crt0 paints the stack;
# shba_stack_peak() reads the high-water mark).

FW_DIR := $(BUILD)/fw
FW_CC := riscv64-unknown-elf-gcc
FW_OBJCOPY := riscv64-unknown-elf-objcopy
FW_SIZE_TOOL := riscv64-unknown-elf-size
# Integer-only printf/scanf keeps the image small (no floating point).
FW_PRINTF := -DPICOLIBC_INTEGER_PRINTF_SCANF
FW_CFLAGS := -march=rv32im_zicsr -mabi=ilp32 --specs=picolibc.specs -Os -g \
             -Wall -Wextra -Werror -std=c11 -ffunction-sections -fdata-sections \
             -Iregmap -Ifirmware/common $(FW_PRINTF)
# Linking names the plain ISA so gcc picks picolibc's rv32im/ilp32 multilib
# (gcc 12 does not match "_zicsr" against its multilib list).
# -ffunction-sections again at the link: LTO's output then keeps a section
# per function, which the linker script orders (the command path first).
FW_LDFLAGS := -march=rv32im -mabi=ilp32 --specs=picolibc.specs -nostartfiles -ffunction-sections -fdata-sections \
              -T $(FW_DIR)/link.ld -Wl,--gc-sections -Wl,--no-warn-rwx-segments $(FW_PRINTF)
FW_COMMON_SRCS := firmware/common/crt0.S firmware/common/runtime.c firmware/common/console.c
# The RAM, the flash region and the stack reserve come from the register map
# (regmap/softhba_regs.mk).
FW_RAM_BYTES := $(SHBA_SOC_RAM_SIZE)
FW_FLASH_BYTES := $(SHBA_SOC_FLASH_FW_SIZE)
FW_FLASH_WORDS := $(shell echo $$(( $(FW_FLASH_BYTES) / 4 )))
FW_STACK_RESERVE := $(SHBA_SOC_STACK_RESERVE)

C_LINT_SRCS += firmware/common/runtime.c firmware/common/console.c
C_LINT_INCLUDES += -Iregmap -Ifirmware/common

# The linker script takes the memory map from the register map's plain-number
# header (ld does not read C's 'u' suffixes).
$(FW_DIR)/link.ld: firmware/common/link.ld.S regmap/softhba_regs_asm.h
	@mkdir -p $(@D)
	$(FW_CC) -E -P -x c -Iregmap $< > $@.tmp
	mv $@.tmp $@

# $(call FW_PROGRAM,NAME,SOURCES): rules for $(FW_DIR)/NAME.{elf,bin,hex}.
define FW_PROGRAM
FW_OBJS_$(1) := $$(patsubst %,$(FW_DIR)/obj/$(1)/%.o,$$(basename $(2) $$(FW_COMMON_SRCS)))

$(FW_DIR)/obj/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(FW_CC) $$(FW_CFLAGS) $$(FW_CFLAGS_$(1)) -MMD -MP -c $$< -o $$@

$(FW_DIR)/obj/$(1)/%.o: %.S
	@mkdir -p $$(@D)
	$$(FW_CC) $$(FW_CFLAGS) $$(FW_CFLAGS_$(1)) -MMD -MP -c $$< -o $$@

-include $$(FW_OBJS_$(1):.o=.d)

FW_RESERVE_$(1) = $$(or $$(FW_STACK_RESERVE_$(1)),$(FW_STACK_RESERVE))

$(FW_DIR)/$(1).elf: $$(FW_OBJS_$(1)) $(FW_DIR)/link.ld
	@mkdir -p $$(@D)
	@$$(FW_CC) $$(FW_LDFLAGS) -Wl,--defsym=__stack_reserve=$$(FW_RESERVE_$(1)) -Wl,-Map=$(FW_DIR)/$(1).map $$(FW_OBJS_$(1)) -o $$@ || \
	  { echo "firmware $(1): link failed (an overflow above says by how many bytes; the RAM is $(FW_RAM_BYTES) bytes with $$(FW_RESERVE_$(1)) kept for the stack, the flash region $(FW_FLASH_BYTES) bytes)" >&2; exit 1; }
	@$$(FW_SIZE_TOOL) -A $$@ | python3 firmware/tools/fw_size.py $(1) $(FW_RAM_BYTES) $$(FW_RESERVE_$(1)) $(FW_FLASH_BYTES) | tee $(FW_DIR)/$(1).size

$(FW_DIR)/$(1).bin: $(FW_DIR)/$(1).elf
	$$(FW_OBJCOPY) -O binary $$< $$@

$(FW_DIR)/$(1).hex: $(FW_DIR)/$(1).bin firmware/tools/bin2memh.py
	python3 firmware/tools/bin2memh.py --no-pad $$< $$@ $(FW_FLASH_WORDS)
endef

# Figures (make bench): the card firmware's budgets, from its .size line:
# fw_ram_free_bytes (data RAM left after .data, .bss and the stack reserve)
# and fw_flash_free_bytes (the firmware region left after code, rodata and
# .data's image).  fw_code_bytes is firmware/card/card_fw.mk's.
BENCH += bench-fw-budget
.PHONY: bench-fw-budget
bench-fw-budget: $(FW_DIR)/softhba_fw.elf
	@mkdir -p $(BUILD)/bench
	@python3 firmware/tools/fw_size.py --json softhba_fw $(FW_RAM_BYTES) $(FW_STACK_RESERVE_softhba_fw) \
	  $(FW_FLASH_BYTES) < <($(FW_SIZE_TOOL) -A $<) > $(BUILD)/bench/fw_budget.json
	@cat $(BUILD)/bench/fw_budget.json
