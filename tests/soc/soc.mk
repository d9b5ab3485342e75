# SoC tests and the SoC benchmark: firmware under tests/soc/, run by card-run.
SOC_TEST_FW := libc_test echo_test hang_test irq_test trap_test cpi_bench
$(foreach p,$(SOC_TEST_FW),$(eval $(call FW_PROGRAM,$(p),tests/soc/$(p).c)))
ALL += $(foreach p,$(SOC_TEST_FW),$(FW_DIR)/$(p).hex)
C_LINT_SRCS += $(foreach p,$(SOC_TEST_FW),tests/soc/$(p).c)
C_LINT_INCLUDES += -Iregmap -Ifirmware/common

# Built only by the overflow test (tests/soc/toobig.sh): it must fail to link.
$(eval $(call FW_PROGRAM,toobig_test,tests/soc/toobig_test.c))

.PHONY: bench-soc
BENCH += bench-soc
bench-soc: $(BUILD)/sim/card-run $(FW_DIR)/cpi_bench.hex
	@tests/soc/bench_soc.sh
