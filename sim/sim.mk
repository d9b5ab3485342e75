# softhba-sim: the end-to-end co-simulation command (sim/softhba_sim.c,
# docs/cosim.md).  The Verilated card and the kernel come from
# sim/harness/harness.mk's HARNESS_PROGRAM; with them: the PC (sim/pc), the SD
# card model (sim/sdcard), the port driver emulation and class layer
# (sim/portdrv) and the miniport: the shipped build/driver/softhba.sys run in
# the i386 emulator of sim/ntsys (the default), or host_driver/softhba.c built
# against the emulation's headers (--driver=native).
#
#   make build/sim/softhba-sim
#   make bench-e2e      build/bench/e2e.json (tests/e2e/bench_e2e.sh)

SIM_PROGRAM := $(BUILD)/sim/softhba-sim
SIM_SRCS := sim/softhba_sim.c sim/pc/pc.c sim/pc/isa_timing_check.c sim/sdcard/sd_card_model.c sim/sdcard/sd_card_cosim.c \
            sim/portdrv/portdrv.c sim/portdrv/class_layer.c host_driver/softhba.c $(NTSYS_SRCS)
SIM_CFLAGS := -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/sdcard -Ihost_driver $(NTSYS_CFLAGS)

$(eval $(call HARNESS_PROGRAM,$(SIM_PROGRAM),$(SIM_SRCS),$(SIM_CFLAGS)))
$(eval $(call NTSYS_PROGRAM,$(SIM_PROGRAM)))
ALL += $(SIM_PROGRAM)
C_LINT_SRCS += sim/softhba_sim.c
C_LINT_INCLUDES += -Isim/sdcard -Isim/harness

BENCH += bench-e2e

.PHONY: softhba-sim bench-e2e
softhba-sim: $(SIM_PROGRAM)
sim: $(SIM_PROGRAM)

bench-e2e: $(SIM_PROGRAM) $(BUILD)/fw/softhba_fw.hex
	@mkdir -p $(BUILD)/bench
	@tests/e2e/bench_e2e.sh $(BUILD)/bench/e2e.json
