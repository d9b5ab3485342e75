# Tests of the binary driver in the i386 emulator (sim/ntsys,
# tests/suites/65-ntsys.list): build/sim/ntsys-test (tests/ntsys/ntsys_test.c
# on the same parts as softhba-sim, with softhba.sys instead of the
# host-compiled miniport) and build/ntsys/fault.sys, a miniport that faults
# on purpose, built like softhba.sys.
NTSYS_TEST := $(BUILD)/sim/ntsys-test
NTSYS_TEST_SRCS := tests/ntsys/ntsys_test.c sim/pc/pc.c sim/pc/isa_timing_check.c sim/pc/dma8237_program.c sim/sdcard/sd_card_model.c \
  sim/sdcard/sd_card_cosim.c sim/portdrv/portdrv.c sim/portdrv/class_layer.c sim/portdrv/class_cdrom.c \
  $(NTSYS_SRCS)
NTSYS_FAULT_SYS := $(BUILD)/ntsys/fault.sys
NTSYS_COMMA := ,

$(eval $(call HARNESS_PROGRAM,$(NTSYS_TEST),$(NTSYS_TEST_SRCS),-Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/sdcard $(NTSYS_CFLAGS)))
$(eval $(call NTSYS_PROGRAM,$(NTSYS_TEST)))
ALL += $(NTSYS_TEST) $(NTSYS_FAULT_SYS)
C_LINT_SRCS += tests/ntsys/ntsys_test.c

$(NTSYS_FAULT_SYS): tests/ntsys/fault_driver.c tests/ntsys/ntsys_tests.mk
	@mkdir -p $(@D)
	$(DRV_CC) $(DRV_CFLAGS) $(filter-out -Wl$(NTSYS_COMMA)-Map%,$(DRV_LDFLAGS)) -o $@ $< $(DRV_LIBS)

BENCH += bench-ntsys
.PHONY: bench-ntsys
bench-ntsys: $(SIM_PROGRAM) $(BUILD)/fw/softhba_fw.hex $(DRV_SYS)
	@mkdir -p $(BUILD)/bench
	@tests/ntsys/bench_ntsys.sh $(BUILD)/bench/ntsys.json
C_LINT_INCLUDES += $(SYSTEM_INCLUDES) -Isim/ntsys -I$(NTSYS_OUT)
