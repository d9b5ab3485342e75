# The co-simulation kernel: the Verilated softhba_card (built once, with FST
# tracing compiled in), cosim.cpp (sim/harness/cosim.h) and the console UART
# device, plus the firmware runner build/sim/card-run.
#
# Another co-simulation program links the same model and kernel with
#
#   $(eval $(call HARNESS_PROGRAM,$(BUILD)/sim/NAME,SOURCES,EXTRA_CFLAGS))
#   ALL += $(BUILD)/sim/NAME
#
# SOURCES are .c (C11, -Wall -Wextra -Werror) and .cpp files; see
# sim/harness/README.md.

HARNESS_DIR := $(BUILD)/sim
HARNESS_MDIR := $(HARNESS_DIR)/obj_card
HARNESS_VL_INC := $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)/include
HARNESS_RTL_SRCS := $(filter-out rtl/boards/%,$(wildcard rtl/*/*.v))
HARNESS_RTL_DIRS := $(sort $(dir $(HARNESS_RTL_SRCS)))
HARNESS_VFLAGS := --cc -O3 --x-assign fast --x-initial fast --trace-fst --timescale 1ps/1ps \
                  -Iregmap $(addprefix -y ,$(HARNESS_RTL_DIRS)) --top-module softhba_card
# The Verilated model's hot code at -O3, set-up code at -O1.
HARNESS_VMAKE_OPT := OPT_FAST=-O3 OPT_SLOW=-O1 OPT_GLOBAL=-O2
HARNESS_GLOBAL_OBJS := $(addprefix $(HARNESS_MDIR)/,verilated.o verilated_dpi.o verilated_fst_c.o verilated_threads.o)
HARNESS_MODEL := $(HARNESS_MDIR)/Vsofthba_card__ALL.a

HARNESS_CC := gcc
HARNESS_CXX := g++
HARNESS_DEFS := -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_COVERAGE=0 -DVM_SC=0
HARNESS_INCS := -Iregmap -Isim/include -Isim/harness -isystem $(HARNESS_MDIR) \
                -isystem $(HARNESS_VL_INC) -isystem $(HARNESS_VL_INC)/vltstd
HARNESS_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L $(HARNESS_INCS)
HARNESS_CXXFLAGS := -std=gnu++17 -O2 -g -Wall -Wextra -Werror -faligned-new $(HARNESS_DEFS) $(HARNESS_INCS)
HARNESS_LDLIBS := -lz -pthread

HARNESS_CORE_OBJS := $(HARNESS_DIR)/harness/cosim.o $(HARNESS_DIR)/harness/uart_sink.o

C_LINT_SRCS += sim/harness/uart_sink.c sim/harness/card_run.c
C_LINT_INCLUDES += -Iregmap -Isim/include -Isim/harness

# Verilate: the generated C++ depends on every RTL file the top may pull in.
$(HARNESS_MDIR)/Vsofthba_card.mk: $(HARNESS_RTL_SRCS) regmap/softhba_regs.vh sim/harness/harness.mk
	@mkdir -p $(@D)
	verilator $(HARNESS_VFLAGS) --Mdir $(HARNESS_MDIR) rtl/card/softhba_card.v

$(HARNESS_MODEL) $(HARNESS_GLOBAL_OBJS) &: $(HARNESS_MDIR)/Vsofthba_card.mk
	$(MAKE) --no-print-directory -C $(HARNESS_MDIR) -f Vsofthba_card.mk $(HARNESS_VMAKE_OPT) \
	  Vsofthba_card__ALL.a $(notdir $(HARNESS_GLOBAL_OBJS))
	@touch $(HARNESS_MODEL) $(HARNESS_GLOBAL_OBJS)

# Everything that includes the model's headers waits for them.
$(HARNESS_DIR)/harness/cosim.o: sim/harness/cosim.cpp $(HARNESS_MDIR)/Vsofthba_card.mk
	@mkdir -p $(@D)
	$(HARNESS_CXX) $(HARNESS_CXXFLAGS) -MMD -MP -c $< -o $@

$(HARNESS_DIR)/harness/uart_sink.o: sim/harness/uart_sink.c
	@mkdir -p $(@D)
	$(HARNESS_CC) $(HARNESS_CFLAGS) -MMD -MP -c $< -o $@

-include $(HARNESS_CORE_OBJS:.o=.d)

# $(call HARNESS_PROGRAM,OUTPUT,SOURCES,EXTRA_CFLAGS): OUTPUT links SOURCES with
# the kernel and the Verilated card.  Objects go to $(HARNESS_DIR)/obj/NAME/.
define HARNESS_PROGRAM
HARNESS_OBJS_$(notdir $(1)) := $$(patsubst %,$(HARNESS_DIR)/obj/$(notdir $(1))/%.o,$$(basename $(2)))

$(HARNESS_DIR)/obj/$(notdir $(1))/%.o: %.c $(HARNESS_MDIR)/Vsofthba_card.mk
	@mkdir -p $$(@D)
	$$(HARNESS_CC) $$(HARNESS_CFLAGS) $(3) -MMD -MP -c $$< -o $$@

$(HARNESS_DIR)/obj/$(notdir $(1))/%.o: %.cpp $(HARNESS_MDIR)/Vsofthba_card.mk
	@mkdir -p $$(@D)
	$$(HARNESS_CXX) $$(HARNESS_CXXFLAGS) $(3) -MMD -MP -c $$< -o $$@

-include $$(HARNESS_OBJS_$(notdir $(1)):.o=.d)

$(1): $$(HARNESS_OBJS_$(notdir $(1))) $$(HARNESS_CORE_OBJS) $$(HARNESS_MODEL) $$(HARNESS_GLOBAL_OBJS)
	@mkdir -p $$(@D)
	$$(HARNESS_CXX) -o $$@ $$(HARNESS_OBJS_$(notdir $(1))) $$(HARNESS_CORE_OBJS) \
	  $$(HARNESS_MODEL) $$(HARNESS_GLOBAL_OBJS) $$(HARNESS_LDLIBS)
endef

$(eval $(call HARNESS_PROGRAM,$(HARNESS_DIR)/card-run,sim/harness/card_run.c))
ALL += $(HARNESS_DIR)/card-run

.PHONY: sim
sim: $(HARNESS_DIR)/card-run
