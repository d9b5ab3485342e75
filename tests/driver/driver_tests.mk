# Driver unit tests on the real parts (the PC model, the Verilated card with
# the firmware, the SD card model; sim/system puts them together): the
# miniport (host build) under the port driver emulation, logging the bus
# through the PC's I/O observer; and a misbehaving miniport the contract
# checker must catch.
DRVT_OUT := $(BUILD)/driver-tests
DRVT_CFLAGS := -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/sdcard -Ihost_driver
DRVT_PARTS := sim/pc/pc.c sim/pc/isa_timing_check.c sim/pc/dma8237_program.c sim/portdrv/portdrv.c sim/portdrv/class_layer.c \
              sim/portdrv/class_cdrom.c
DRVT_BINS := $(DRVT_OUT)/test_miniport $(DRVT_OUT)/test_contract

$(eval $(call HARNESS_PROGRAM,$(DRVT_OUT)/test_miniport,tests/driver/test_miniport.c $(SYSTEM_SRCS),$(SYSTEM_CFLAGS)))
# The contract test's miniport claims the card's ports but never drives the
# card: the card's ISA side (the isa_interface configuration) is enough on the
# bus, and steps several times faster than the whole card through the
# 1 s request timeout it waits out.
$(eval $(call HARNESS_PROGRAM,$(DRVT_OUT)/test_contract,tests/driver/test_contract.c $(DRVT_PARTS),$(DRVT_CFLAGS),isa_interface))

ALL += $(DRVT_BINS)
C_LINT_SRCS += tests/driver/test_miniport.c tests/driver/test_contract.c
C_LINT_INCLUDES += $(SYSTEM_INCLUDES)
