# softhba-sim: the end-to-end co-simulation command (sim/softhba_sim/,
# docs/cosim.md): main and the command line, one file per command, the
# system built by sim/system from the options.
#
#   make build/sim/softhba-sim
#   make bench-e2e      build/bench/e2e.json (tests/e2e/bench_e2e.sh)

SIM_PROGRAM := $(BUILD)/sim/softhba-sim
SIM_CLI_SRCS := $(wildcard sim/softhba_sim/*.c)

$(eval $(call HARNESS_PROGRAM,$(SIM_PROGRAM),$(SIM_CLI_SRCS) $(SYSTEM_SRCS),-Isim/softhba_sim $(SYSTEM_CFLAGS)))
ALL += $(SIM_PROGRAM)
C_LINT_SRCS += $(SIM_CLI_SRCS)
C_LINT_INCLUDES += -Isim/softhba_sim $(SYSTEM_INCLUDES)

BENCH += bench-e2e

.PHONY: softhba-sim bench-e2e
softhba-sim: $(SIM_PROGRAM)
sim: $(SIM_PROGRAM)

bench-e2e: $(SIM_PROGRAM) $(BUILD)/fw/softhba_fw.hex
	@mkdir -p $(BUILD)/bench
	@tests/e2e/bench_e2e.sh $(BUILD)/bench/e2e.json
