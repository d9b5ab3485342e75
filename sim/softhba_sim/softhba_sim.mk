# softhba-sim: the end-to-end co-simulation command (sim/softhba_sim/,
# docs/cosim.md): main and the command line, one file per command, the
# system built by sim/system from the options; the miniport is the shipped
# softhba.sys in the i386 emulator of sim/ntsys (the default), or
# host_driver/softhba.c (--driver=native).
#
#   make build/sim/softhba-sim
#   make bench-e2e      build/bench/e2e.json (tests/e2e/bench_e2e.sh)

SIM_PROGRAM := $(BUILD)/sim/softhba-sim
SIM_CLI_SRCS := $(wildcard sim/softhba_sim/*.c)
# The card firmware's target set-up, built for the host: verify finds a
# target's place in the card image with it (card_layout.c).
SIM_FS_SRCS := firmware/card/media.c firmware/fs/fs.c firmware/fs/fs_log.c firmware/fs/fs_logfile.c \
               firmware/fs/images.c firmware/fs/ini.c
SIM_FS_CFLAGS := -Ifirmware/card -Ifirmware/fs

$(eval $(call HARNESS_PROGRAM,$(SIM_PROGRAM),$(SIM_CLI_SRCS) $(SIM_FS_SRCS) $(SYSTEM_SRCS) $(NTSYS_SRCS),-Isim/softhba_sim $(SIM_FS_CFLAGS) $(SYSTEM_CFLAGS) $(NTSYS_CFLAGS)))
$(eval $(call NTSYS_PROGRAM,$(SIM_PROGRAM)))
ALL += $(SIM_PROGRAM)
C_LINT_SRCS += $(SIM_CLI_SRCS)
C_LINT_INCLUDES += -Isim/softhba_sim $(SIM_FS_CFLAGS) $(SYSTEM_INCLUDES) -Isim/ntsys -I$(NTSYS_OUT)

BENCH += bench-e2e

.PHONY: softhba-sim bench-e2e
softhba-sim: $(SIM_PROGRAM)
sim: $(SIM_PROGRAM)

bench-e2e: $(SIM_PROGRAM) $(BUILD)/fw/softhba_fw.hex
	@mkdir -p $(BUILD)/bench
	@tests/e2e/bench_e2e.sh $(BUILD)/bench/e2e.json

# The same program against the synthesized board top (sim/gate/gate.mk).
$(eval $(call HARNESS_PROGRAM,$(GATE_SIM_PROGRAM),$(SIM_CLI_SRCS) $(SIM_FS_SRCS) $(SYSTEM_SRCS) $(NTSYS_SRCS),-Isim/softhba_sim $(SIM_FS_CFLAGS) $(SYSTEM_CFLAGS) $(NTSYS_CFLAGS),gate_board))
$(eval $(call NTSYS_PROGRAM,$(GATE_SIM_PROGRAM)))
