# build/sim/srb-test: end-to-end SRB tests (abort, bus reset, timeout,
# auto-sense, underrun) on the same parts as softhba-sim, driven through the
# port driver emulation (tests/e2e/srb_test.c, tests/suites/80-e2e.list), with
# the shipped softhba.sys in the i386 emulator (sim/ntsys) unless --driver=native.
SRBT_PROGRAM := $(BUILD)/sim/srb-test
SRBT_SRCS := tests/e2e/srb_test.c sim/pc/pc.c sim/pc/isa_timing_check.c sim/sdcard/sd_card_model.c sim/sdcard/sd_card_cosim.c \
             sim/portdrv/portdrv.c sim/portdrv/class_layer.c host_driver/softhba.c $(NTSYS_SRCS)
SRBT_CFLAGS := -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/sdcard -Ihost_driver $(NTSYS_CFLAGS)

$(eval $(call HARNESS_PROGRAM,$(SRBT_PROGRAM),$(SRBT_SRCS),$(SRBT_CFLAGS)))
$(eval $(call NTSYS_PROGRAM,$(SRBT_PROGRAM)))
ALL += $(SRBT_PROGRAM)
C_LINT_SRCS += tests/e2e/srb_test.c
