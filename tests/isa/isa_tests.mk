# The ISA side (rtl/isa, rtl/fifo, sim/pc) tested on its own: the kernel's
# isa_interface configuration (sim/harness/top_isa_interface.cpp), the real
# PC models (sim/pc), the bus master and byte stream devices playing the
# card side, and the tests (isa_test.c).
ISAT_DIR := $(BUILD)/isa
ISAT_BIN := $(ISAT_DIR)/isa_test
ISAT_CSRCS := sim/pc/pc.c sim/pc/isa_timing_check.c sim/pc/dma8237_program.c tests/isa/isa_test.c

$(eval $(call HARNESS_PROGRAM,$(ISAT_BIN),$(ISAT_CSRCS),-Isim/pc,isa_interface))
ALL += $(ISAT_BIN)
C_LINT_SRCS += $(ISAT_CSRCS)
C_LINT_INCLUDES += -Isim/harness -Isim/include -Isim/pc -Iregmap

.PHONY: bench-isa
BENCH += bench-isa
bench-isa: $(ISAT_BIN)
	@mkdir -p $(BUILD)/bench
	$(ISAT_BIN) bench $(BUILD)/bench/isa.json

# The ISA timing checker on synthetic pin sequences (no card, no Verilator).
ISACHK_BIN := $(ISAT_DIR)/isa_check_test
ISACHK_SRCS := tests/isa/isa_check_test.c sim/pc/isa_timing_check.c
ALL += $(ISACHK_BIN)
C_LINT_SRCS += tests/isa/isa_check_test.c

$(ISACHK_BIN): $(ISACHK_SRCS) sim/pc/isa_timing_check.h sim/include/card_pins.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Isim/pc -Isim/include -Iregmap $(ISACHK_SRCS) -o $@
