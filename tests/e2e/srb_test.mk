# build/sim/srb-test: end-to-end SRB tests (abort, bus reset, timeout,
# auto-sense, underrun) on the same parts as softhba-sim, driven through the
# port driver emulation (tests/e2e/srb_test.c, tests/suites/80-e2e.list).
SRBT_PROGRAM := $(BUILD)/sim/srb-test
SRBT_SRCS := tests/e2e/srb_test.c sim/pc/pc.c sim/pc/isa_timing_check.c sim/sdcard/sd_card_model.c sim/sdcard/sd_card_cosim.c \
             sim/portdrv/portdrv.c sim/portdrv/class_layer.c host_driver/softhba.c
SRBT_CFLAGS := -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/sdcard -Ihost_driver

$(eval $(call HARNESS_PROGRAM,$(SRBT_PROGRAM),$(SRBT_SRCS),$(SRBT_CFLAGS)))
ALL += $(SRBT_PROGRAM)
C_LINT_SRCS += tests/e2e/srb_test.c

# interleave_seeds_passed: the soak's seeds of the port driver's hostile
# interleaving that passed (a failed seed fails the bench).
BENCH += bench-interleave
.PHONY: bench-interleave
bench-interleave: $(SRBT_PROGRAM) $(BUILD)/fw/softhba_fw.hex
	@mkdir -p $(BUILD)/bench
	@$(SRBT_PROGRAM) soak $(BUILD)/fw/softhba_fw.hex $(BUILD)/bench-soak > $(BUILD)/bench-soak.out
	@awk '$$1 == "interleave_seeds_passed" { printf "{\"interleave_seeds_passed\": %d}\n", $$2 }' \
	    $(BUILD)/bench-soak.out > $(BUILD)/bench/interleave.json
	@cat $(BUILD)/bench/interleave.json
