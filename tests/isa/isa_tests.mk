# The ISA side (rtl/isa, rtl/fifo, sim/pc) tested on its own: a Verilated
# isa_interface, a test-only kernel with a card-side stand-in (tests/isa/
# isatb_kernel.cpp), the real PC models (sim/pc) and the tests (isa_test.c).
ISAT_DIR := $(BUILD)/isa
ISAT_BIN := $(ISAT_DIR)/isa_test
ISAT_RTL := $(wildcard rtl/isa/*.v rtl/fifo/*.v) regmap/softhba_regs.vh
ISAT_CSRCS := sim/pc/pc.c sim/pc/dma8237_program.c tests/isa/isa_test.c
ISAT_COBJS := $(patsubst %.c,$(ISAT_DIR)/c/%.o,$(ISAT_CSRCS))
ISAT_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Isim/harness -Isim/include -Isim/pc -Iregmap -Itests/isa
ISAT_CXXFLAGS := -O2 -Wall -Wextra -Werror -I$(CURDIR)/sim/harness -I$(CURDIR)/sim/include \
                 -I$(CURDIR)/regmap -I$(CURDIR)/tests/isa

ALL += $(ISAT_BIN)
C_LINT_SRCS += $(ISAT_CSRCS)
C_LINT_INCLUDES += -Isim/harness -Isim/include -Isim/pc -Iregmap -Itests/isa

$(ISAT_DIR)/c/%.o: %.c sim/pc/pc.h sim/pc/dma8237_program.h sim/harness/cosim.h sim/include/card_pins.h tests/isa/isatb.h regmap/softhba_regs.h
	@mkdir -p $(dir $@)
	$(CC) $(ISAT_CFLAGS) -c $< -o $@

$(ISAT_BIN): $(ISAT_RTL) tests/isa/isatb_kernel.cpp tests/isa/isatb.h $(ISAT_COBJS)
	@mkdir -p $(ISAT_DIR)
	nice verilator --cc --exe --build -j 2 -O2 --Mdir $(ISAT_DIR)/obj --prefix Visa_interface \
	  -Iregmap -y rtl/isa -y rtl/fifo --top-module isa_interface rtl/isa/isa_interface.v \
	  $(CURDIR)/tests/isa/isatb_kernel.cpp $(addprefix $(CURDIR)/,$(ISAT_COBJS)) \
	  -CFLAGS "$(ISAT_CXXFLAGS)" -o isa_test >$(ISAT_DIR)/verilator.log 2>&1 \
	  || { tail -30 $(ISAT_DIR)/verilator.log; exit 1; }
	cp $(ISAT_DIR)/obj/isa_test $@

.PHONY: bench-isa
BENCH += bench-isa
bench-isa: $(ISAT_BIN)
	@mkdir -p $(BUILD)/bench
	$(ISAT_BIN) bench $(BUILD)/bench/isa.json
