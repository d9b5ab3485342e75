# The co-simulation kernel: cosim.cpp (sim/harness/cosim.h), the devices
# every configuration may use (console UART, bus master, byte stream), and
# the configurations -- a Verilated top (built once each, with FST tracing
# compiled in) plus its pin adapter: card (rtl/card/softhba_card.v),
# isa_interface (rtl/isa/isa_interface.v), sd_path (tests/sd/sd_path_top.v).
# Plus the firmware runner build/sim/card-run.
#
# A co-simulation program links the kernel and one configuration with
#
#   $(eval $(call HARNESS_PROGRAM,$(BUILD)/sim/NAME,SOURCES,EXTRA_CFLAGS[,CONFIG]))
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
                  -Iregmap $(addprefix -y ,$(HARNESS_RTL_DIRS))
# The Verilated model's hot code at -O3, set-up code at -O1.
HARNESS_VMAKE_OPT := OPT_FAST=-O3 OPT_SLOW=-O1 OPT_GLOBAL=-O2
# Verilator's runtime, built once (in the card's directory) for every model.
HARNESS_GLOBAL_OBJS := $(addprefix $(HARNESS_MDIR)/,verilated.o verilated_dpi.o verilated_fst_c.o verilated_threads.o)

HARNESS_CC := gcc
HARNESS_CXX := g++
HARNESS_DEFS := -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_COVERAGE=0 -DVM_SC=0
HARNESS_INCS := -Iregmap -Isim/include -Isim/harness -Isim/flash -isystem $(HARNESS_MDIR) \
                -isystem $(HARNESS_VL_INC) -isystem $(HARNESS_VL_INC)/vltstd
HARNESS_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L $(HARNESS_INCS)
HARNESS_CXXFLAGS := -std=gnu++17 -O2 -g -Wall -Wextra -Werror -faligned-new $(HARNESS_DEFS) $(HARNESS_INCS)
HARNESS_LDLIBS := -lz -pthread

# The kernel and the devices every configuration may use: no model in them.
HARNESS_CORE_SRCS := sim/harness/uart_sink.c sim/harness/bus_master.c sim/harness/byte_stream.c
# The SPI flash model (sim/flash) is on every card's flash pins.
HARNESS_FLASH_SRCS := sim/flash/spi_flash.c sim/flash/spi_flash_cosim.c
HARNESS_CORE_OBJS := $(HARNESS_DIR)/harness/cosim.o \
                     $(patsubst sim/harness/%.c,$(HARNESS_DIR)/harness/%.o,$(HARNESS_CORE_SRCS)) \
                     $(patsubst sim/flash/%.c,$(HARNESS_DIR)/flash/%.o,$(HARNESS_FLASH_SRCS))

C_LINT_SRCS += $(HARNESS_CORE_SRCS) $(HARNESS_FLASH_SRCS) sim/harness/card_run.c
C_LINT_INCLUDES += -Iregmap -Isim/include -Isim/harness -Isim/flash

$(HARNESS_DIR)/harness/cosim.o: sim/harness/cosim.cpp $(HARNESS_MDIR)/Vsofthba_card.mk
	@mkdir -p $(@D)
	$(HARNESS_CXX) $(HARNESS_CXXFLAGS) -MMD -MP -c $< -o $@

$(HARNESS_DIR)/harness/%.o: sim/harness/%.c
	@mkdir -p $(@D)
	$(HARNESS_CC) $(HARNESS_CFLAGS) -MMD -MP -c $< -o $@

$(HARNESS_DIR)/flash/%.o: sim/flash/%.c
	@mkdir -p $(@D)
	$(HARNESS_CC) $(HARNESS_CFLAGS) -MMD -MP -c $< -o $@

-include $(HARNESS_CORE_OBJS:.o=.d)

# $(call HARNESS_MODEL,CONFIG,TOP_MODULE,TOP_FILE,EXTRA_VFLAGS): a
# configuration of the kernel -- the Verilated TOP_MODULE (archive
# HARNESS_MODEL_CONFIG) and its pin adapter sim/harness/top_CONFIG.cpp
# (object HARNESS_ADAPTER_CONFIG).
define HARNESS_MODEL
HARNESS_MDIR_$(1) := $(HARNESS_DIR)/obj_$(1)
HARNESS_MODEL_$(1) := $(HARNESS_DIR)/obj_$(1)/V$(2)__ALL.a
HARNESS_ADAPTER_$(1) := $(HARNESS_DIR)/harness/top_$(1).o

# Verilate: the generated C++ depends on every RTL file the top may pull in.
$(HARNESS_DIR)/obj_$(1)/V$(2).mk: $(3) $(HARNESS_RTL_SRCS) regmap/softhba_regs.vh regmap/softhba_tables.vh sim/harness/harness.mk
	@mkdir -p $$(@D)
	verilator $(HARNESS_VFLAGS) $(4) --top-module $(2) --Mdir $$(@D) $(3)

$(HARNESS_DIR)/obj_$(1)/V$(2)__ALL.a: $(HARNESS_DIR)/obj_$(1)/V$(2).mk
	$$(MAKE) --no-print-directory -C $$(@D) -f V$(2).mk $(HARNESS_VMAKE_OPT) V$(2)__ALL.a
	@touch $$@

$(HARNESS_DIR)/harness/top_$(1).o: sim/harness/top_$(1).cpp $(HARNESS_DIR)/obj_$(1)/V$(2).mk
	@mkdir -p $$(@D)
	$(HARNESS_CXX) $(HARNESS_CXXFLAGS) -isystem $(HARNESS_DIR)/obj_$(1) -MMD -MP -c $$< -o $$@

-include $(HARNESS_DIR)/harness/top_$(1).d
endef

$(eval $(call HARNESS_MODEL,card,softhba_card,rtl/card/softhba_card.v,))
$(eval $(call HARNESS_MODEL,isa_interface,isa_interface,rtl/isa/isa_interface.v,))
$(eval $(call HARNESS_MODEL,sd_path,sd_path_top,tests/sd/sd_path_top.v,-Wall))

# after the model: one sub-make at a time in that directory
$(HARNESS_GLOBAL_OBJS) &: $(HARNESS_MODEL_card)
	$(MAKE) --no-print-directory -C $(HARNESS_MDIR) -f Vsofthba_card.mk $(HARNESS_VMAKE_OPT) \
	  $(notdir $(HARNESS_GLOBAL_OBJS))
	@touch $(HARNESS_GLOBAL_OBJS)

# $(call HARNESS_PROGRAM,OUTPUT,SOURCES,EXTRA_CFLAGS[,CONFIG]): OUTPUT links
# SOURCES with the kernel and configuration CONFIG (default: card).  Objects
# go to $(HARNESS_DIR)/obj/NAME/.
define HARNESS_PROGRAM
HARNESS_OBJS_$(notdir $(1)) := $$(patsubst %,$(HARNESS_DIR)/obj/$(notdir $(1))/%.o,$$(basename $(2)))
HARNESS_CONFIG_$(notdir $(1)) := $(if $(4),$(4),card)

$(HARNESS_DIR)/obj/$(notdir $(1))/%.o: %.c $(HARNESS_MDIR)/Vsofthba_card.mk
	@mkdir -p $$(@D)
	$$(HARNESS_CC) $$(HARNESS_CFLAGS) $(3) -MMD -MP -c $$< -o $$@

$(HARNESS_DIR)/obj/$(notdir $(1))/%.o: %.cpp $(HARNESS_MDIR)/Vsofthba_card.mk
	@mkdir -p $$(@D)
	$$(HARNESS_CXX) $$(HARNESS_CXXFLAGS) $(3) -MMD -MP -c $$< -o $$@

-include $$(HARNESS_OBJS_$(notdir $(1)):.o=.d)

$(1): $$(HARNESS_OBJS_$(notdir $(1))) $$(HARNESS_CORE_OBJS) \
      $$(HARNESS_ADAPTER_$$(HARNESS_CONFIG_$(notdir $(1)))) $$(HARNESS_MODEL_$$(HARNESS_CONFIG_$(notdir $(1)))) \
      $$(HARNESS_GLOBAL_OBJS)
	@mkdir -p $$(@D)
	$$(HARNESS_CXX) -o $$@ $$(HARNESS_OBJS_$(notdir $(1))) $$(HARNESS_CORE_OBJS) \
	  $$(HARNESS_ADAPTER_$$(HARNESS_CONFIG_$(notdir $(1)))) $$(HARNESS_MODEL_$$(HARNESS_CONFIG_$(notdir $(1)))) \
	  $$(HARNESS_GLOBAL_OBJS) $$(HARNESS_LDLIBS)
endef

$(eval $(call HARNESS_PROGRAM,$(HARNESS_DIR)/card-run,sim/harness/card_run.c))
ALL += $(HARNESS_DIR)/card-run

.PHONY: sim
sim: $(HARNESS_DIR)/card-run
