# The host command protocol on the Verilated full card with the real
# firmware (tests/cardproto/cardproto.c): the test plays the host through the
# card's I/O ports and the PC's 8237, against the SD card model's image.  The
# system (no port driver) comes from sim/system.
#
#   build/sim/cardproto NAME        one test (tests/suites/56-cardproto.list)
#   make bench-cardproto            build/bench/cardproto.json:
#                                   cmd_overhead_us, iops_512

CARDPROTO_BIN := $(BUILD)/sim/cardproto

$(eval $(call HARNESS_PROGRAM,$(CARDPROTO_BIN),tests/cardproto/cardproto.c $(SYSTEM_SRCS),$(SYSTEM_CFLAGS)))
ALL += $(CARDPROTO_BIN)
C_LINT_SRCS += tests/cardproto/cardproto.c
C_LINT_INCLUDES += $(SYSTEM_INCLUDES)

BENCH += bench-cardproto
.PHONY: bench-cardproto
bench-cardproto: $(CARDPROTO_BIN) $(BUILD)/fw/softhba_fw.hex
	@mkdir -p $(BUILD)/bench
	$(CARDPROTO_BIN) bench $(BUILD)/bench/cardproto.json

# The flash cache under the READ loop (docs/soc.md "The hot block and the READ path"): the
# cardproto bench again with SHBA_FETCH_TRACE, its reads replayed through the
# cache's geometry (sim/flash/fetch_trace_replay.py):
#   make bench-flash-cache          build/bench/flash_cache.json:
#                                   flash_warm_misses, flash_warm_lines, ...
# The test cardproto-flash-warm (tests/cardproto/flash_warm.sh) fails when a
# warm read misses or falls outside the linker script's hot block.
FLASH_TRACE_DIR := $(BUILD)/flash_trace
BENCH += bench-flash-cache
.PHONY: bench-flash-cache
bench-flash-cache: $(CARDPROTO_BIN) $(BUILD)/fw/softhba_fw.hex sim/flash/fetch_trace_replay.py
	@mkdir -p $(BUILD)/bench $(FLASH_TRACE_DIR)
	SHBA_FETCH_TRACE=$(FLASH_TRACE_DIR)/cardproto.trace CARDPROTO_WINDOWS=$(FLASH_TRACE_DIR)/cardproto.windows \
	  $(CARDPROTO_BIN) bench $(FLASH_TRACE_DIR)/cardproto.json > /dev/null
	python3 sim/flash/fetch_trace_replay.py $(FLASH_TRACE_DIR)/cardproto.trace \
	  $(FLASH_TRACE_DIR)/cardproto.windows --elf $(BUILD)/fw/softhba_fw.elf --json $(BUILD)/bench/flash_cache.json
