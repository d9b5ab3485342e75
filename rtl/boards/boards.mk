# FPGA flow for the reference board (iCE40-HX8K breakout, docs/hardware.md).
#
#   make bitstream        synthesise, place and route (core clock 36 MHz), pack;
#                         prints LCs, block RAMs, PLL settings, Fmax; fails when
#                         timing is not met
#   make flash-image      build/fpga/flash.bin: the whole SPI flash image, the
#                         bitstream at 0 and the firmware at SHBA_SOC_FLASH_FW_OFFSET
#   make prog             program the breakout's SPI flash with that image (iceprog)
#   make firmware-update  rewrite only the flash's firmware region (iceprog -o)
#   make wiring           regenerate the pcf, diagram and tables from rtl/boards/hx8k_wiring.py
#
# Not in ALL (slow); the tests in tests/suites/70-fpga.list build it.
# BRD_DIR may be overridden.  The bitstream holds no firmware: the card runs
# it from the flash (docs/soc.md).

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
# The firmware region's image (firmware.mk's .bin: code, rodata, .data's image).
BRD_FIRMWARE ?= $(BUILD)/fw/softhba_fw.bin
BRD_FW_OFFSET := $(SHBA_SOC_FLASH_FW_OFFSET)
BRD_FW_SIZE := $(SHBA_SOC_FLASH_FW_SIZE)
BRD_PROG_FLAGS ?=
# BRD_TIMING=report places and routes even when timing fails (for builds that
# check something else, such as the icebram test); the default fails.
BRD_TIMING ?= enforce
BRD_TIMING_FLAGS := $(if $(filter report,$(BRD_TIMING)),--timing-allow-fail,)
BRD_YOSYS := yosys
BRD_NEXTPNR := nextpnr-ice40

.PHONY: bitstream flash-image firmware-update prog wiring wiring-check bench-card

# (An .asc placed with BRD_TIMING=report may miss timing: check the report
# again so that an earlier report-mode build never passes for a good one.)
bitstream: $(BRD_DIR)/$(BRD_NAME).bin
	@cat $(BRD_DIR)/report.txt
	@[ "$(BRD_TIMING)" = report ] || ! grep -q "FAIL\|ERROR" $(BRD_DIR)/report.txt \
	  || { echo "bitstream: timing not met"; exit 1; }

BRD_YOSYS_SCRIPT = verilog_defaults -add -DSYNTHESIS -I$(BRD_RTL_ROOT)/regmap; read_verilog $(BRD_SRCS); \
  synth_ice40 -top $(BRD_TOP) -json $@.tmp

$(BRD_DIR)/$(BRD_NAME).json: $(BRD_SRCS) $(BRD_RTL_ROOT)/regmap/softhba_regs.vh \
  $(BRD_RTL_ROOT)/regmap/softhba_tables.vh
	@mkdir -p $(@D)
	@echo "yosys: synth_ice40 -top $(BRD_TOP)"
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

# The whole flash: the bitstream at 0, 0xFF up to the firmware region, the
# firmware there (firmware/tools/flash_image.py checks that they fit).
flash-image: $(BRD_DIR)/flash.bin

$(BRD_DIR)/flash.bin: $(BRD_DIR)/$(BRD_NAME).bin $(BRD_FIRMWARE) firmware/tools/flash_image.py
	python3 firmware/tools/flash_image.py $(BRD_DIR)/$(BRD_NAME).bin $(BRD_FIRMWARE) \
	  $(BRD_FW_OFFSET) $(BRD_FW_SIZE) $@

prog: $(BRD_DIR)/flash.bin
	iceprog $(BRD_PROG_FLAGS) $<

# Only the firmware region: iceprog erases and writes the 64 KiB sectors from
# the offset on; the bitstream below it is untouched.
firmware-update: $(BRD_FIRMWARE)
	@size=$$(stat -c %s $<); [ $$size -le $(BRD_FW_SIZE) ] || \
	  { echo "firmware-update: $< is $$size bytes, the region $(BRD_FW_SIZE)"; exit 1; }
	iceprog $(BRD_PROG_FLAGS) -o $(BRD_FW_OFFSET) $<

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
