# build/sim/srb-test: end-to-end SRB tests (abort, bus reset, timeout,
# auto-sense, underrun) on the same system as softhba-sim (sim/system),
# driven through the port driver emulation (tests/e2e/srb_test.c,
# tests/suites/80-e2e.list), with the shipped softhba.sys in the i386
# emulator (sim/ntsys) unless --driver=native.
SRBT_PROGRAM := $(BUILD)/sim/srb-test

$(eval $(call HARNESS_PROGRAM,$(SRBT_PROGRAM),tests/e2e/srb_test.c $(SYSTEM_SRCS) $(NTSYS_SRCS),$(SYSTEM_CFLAGS) $(NTSYS_CFLAGS)))
$(eval $(call NTSYS_PROGRAM,$(SRBT_PROGRAM)))
ALL += $(SRBT_PROGRAM)
C_LINT_SRCS += tests/e2e/srb_test.c
C_LINT_INCLUDES += $(SYSTEM_INCLUDES) -Isim/ntsys -I$(NTSYS_OUT)

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
