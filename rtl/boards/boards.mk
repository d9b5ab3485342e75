# FPGA flow for the reference board (iCE40-HX8K breakout, docs/hardware.md).
#
#   make bitstream        synthesise, place and route (core clock 36 MHz), pack;
#                         prints LCs, block RAMs, PLL settings, Fmax; fails when
#                         timing is not met
#   make firmware-update  put BRD_FIRMWARE into the built bitstream with icebram
#   make prog             program the breakout with iceprog
#   make wiring           regenerate the pcf, diagram and tables from rtl/boards/hx8k_wiring.py
#
# Not in ALL (slow); the tests in tests/suites/70-fpga.list build it.
# BRD_DIR and BRD_RAM_INIT may be overridden (a second build directory with a
# firmware image compiled into the RAM instead of the placeholder).

BRD_DIR ?= $(BUILD)/fpga
BRD_NAME := hx8k
BRD_TOP := hx8k_breakout_top
BRD_PCF := constraints/hx8k-breakout.pcf
BRD_CLOCK_MHZ := $(shell echo $$(( $(SHBA_SOC_CLK_HZ) / 1000000 )))
BRD_REF_MHZ := 12
BRD_SEED ?= 1
# BRD_RTL_ROOT: where rtl/ and regmap/ are read from (a test builds from a
# snapshot so that edits during its run cannot mix two versions).
BRD_RTL_ROOT ?= .
BRD_SRCS := $(sort $(wildcard $(BRD_RTL_ROOT)/rtl/*/*.v))
BRD_PLACEHOLDER := rtl/soc/soc_ram_placeholder.hex
BRD_RAM_INIT ?= $(BRD_PLACEHOLDER)
# The firmware image to swap in (a $(FW_DIR) .hex: 3072 lines of 8 hex digits,
# the placeholder's shape).  The firmware area's rules build it when they can.
BRD_FIRMWARE ?= $(BUILD)/fw/softhba_fw.hex
BRD_PROG_FLAGS ?=
# BRD_TIMING=report places and routes even when timing fails (for builds that
# check something else, such as the icebram test); the default fails.
BRD_TIMING ?= enforce
BRD_TIMING_FLAGS := $(if $(filter report,$(BRD_TIMING)),--timing-allow-fail,)
BRD_YOSYS := yosys
BRD_NEXTPNR := nextpnr-ice40

.PHONY: bitstream firmware-update prog wiring wiring-check bench-card

# (An .asc placed with BRD_TIMING=report may miss timing: check the report
# again so that an earlier report-mode build never passes for a good one.)
bitstream: $(BRD_DIR)/$(BRD_NAME).bin
	@cat $(BRD_DIR)/report.txt
	@[ "$(BRD_TIMING)" = report ] || ! grep -q "FAIL\|ERROR" $(BRD_DIR)/report.txt \
	  || { echo "bitstream: timing not met"; exit 1; }

# The RAM image's path is part of the synthesis input: remember it so that
# pointing BRD_RAM_INIT elsewhere in the same BRD_DIR resynthesises.
$(BRD_DIR)/ram_init.path: FORCE_BRD
	@mkdir -p $(@D)
	@echo "$(BRD_RAM_INIT)" | cmp -s - $@ || echo "$(BRD_RAM_INIT)" > $@

.PHONY: FORCE_BRD
FORCE_BRD:

BRD_YOSYS_SCRIPT = verilog_defaults -add -DSYNTHESIS -I$(BRD_RTL_ROOT)/regmap; read_verilog $(BRD_SRCS); \
  chparam -set RAM_INIT_FILE "$(BRD_RAM_INIT)" soc; synth_ice40 -top $(BRD_TOP) -json $@.tmp

$(BRD_DIR)/$(BRD_NAME).json: $(BRD_SRCS) $(BRD_RAM_INIT) $(BRD_DIR)/ram_init.path $(BRD_RTL_ROOT)/regmap/softhba_regs.vh \
  $(BRD_RTL_ROOT)/regmap/softhba_tables.vh
	@mkdir -p $(@D)
	@echo "yosys: synth_ice40 -top $(BRD_TOP) (RAM image $(BRD_RAM_INIT))"
	@$(BRD_YOSYS) -q -l $(BRD_DIR)/yosys.log -p '$(BRD_YOSYS_SCRIPT)' \
	  || { grep -A3 ERROR $(BRD_DIR)/yosys.log | tail -20; exit 1; }
	@mv $@.tmp $@

$(BRD_DIR)/$(BRD_NAME).asc: $(BRD_DIR)/$(BRD_NAME).json $(BRD_PCF) rtl/boards/fpga_report.py
	@echo "nextpnr-ice40: --hx8k --package ct256, core clock $(BRD_CLOCK_MHZ) MHz"
	@rm -f $@ $(BRD_DIR)/report.txt
	@$(BRD_NEXTPNR) -q --hx8k --package ct256 --pcf $(BRD_PCF) --json $< \
	  --freq $(BRD_CLOCK_MHZ) --seed $(BRD_SEED) $(BRD_TIMING_FLAGS) --asc $@.tmp \
	  --report $(BRD_DIR)/nextpnr-report.json -l $(BRD_DIR)/nextpnr.log \
	  || { grep -E "ERROR|FAIL" $(BRD_DIR)/nextpnr.log | tail -20; exit 1; }
	@python3 rtl/boards/fpga_report.py $< $(BRD_DIR)/nextpnr-report.json $(BRD_CLOCK_MHZ) \
	  $(BRD_REF_MHZ) $(BRD_DIR)/report.txt $(BRD_DIR)/figures.json > /dev/null \
	  || { cat $(BRD_DIR)/report.txt; [ "$(BRD_TIMING)" = report ]; }
	@mv $@.tmp $@

$(BRD_DIR)/%.bin: $(BRD_DIR)/%.asc
	icepack $< $@

firmware-update: $(BRD_DIR)/$(BRD_NAME)-fw.bin

$(BRD_DIR)/$(BRD_NAME)-fw.asc: $(BRD_DIR)/$(BRD_NAME).asc $(BRD_FIRMWARE) $(BRD_DIR)/ram_init.path
	@test "$(BRD_RAM_INIT)" = "$(BRD_PLACEHOLDER)" || \
	  { echo "firmware-update: $(BRD_DIR) was built with BRD_RAM_INIT=$(BRD_RAM_INIT), not the placeholder"; exit 1; }
	icebram $(BRD_PLACEHOLDER) $(BRD_FIRMWARE) < $< > $@.tmp
	@mv $@.tmp $@

prog:
	@bin=$(BRD_DIR)/$(BRD_NAME)-fw.bin; [ -f $$bin ] || bin=$(BRD_DIR)/$(BRD_NAME).bin; \
	[ -f $$bin ] || { echo "prog: build it first: make bitstream [firmware-update]"; exit 1; }; \
	echo "iceprog $(BRD_PROG_FLAGS) $$bin"; iceprog $(BRD_PROG_FLAGS) $$bin

wiring:
	@python3 rtl/boards/hx8k_wiring.py

wiring-check:
	@python3 rtl/boards/hx8k_wiring.py --check

LINT += wiring-check

# The figures are measured whether or not timing is met (bench reports, the
# tests and `make bitstream` enforce).
BENCH += bench-card
bench-card:
	@$(MAKE) --no-print-directory BRD_TIMING=report $(BRD_DIR)/$(BRD_NAME).bin
	@mkdir -p $(BUILD)/bench
	@cp $(BRD_DIR)/figures.json $(BUILD)/bench/card.json
	@cat $(BRD_DIR)/report.txt
