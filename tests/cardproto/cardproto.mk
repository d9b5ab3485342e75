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
