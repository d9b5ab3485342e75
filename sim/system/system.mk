# The co-simulated system (sim/system/system.h) and what it is built from:
# the PC with its 8237 helper, the SD card model, the port driver emulation
# and class layer, and the miniport (host_driver/softhba.c) compiled for the
# host against the DDK stand-ins.  A program that builds its system there
# links these with the kernel:
#
#   $(eval $(call HARNESS_PROGRAM,$(BUILD)/sim/NAME,NAME.c $(SYSTEM_SRCS),$(SYSTEM_CFLAGS)))
#
# (included before the other fragments: they use SYSTEM_SRCS when they are read)
SYSTEM_SRCS := sim/system/system.c sim/pc/pc.c sim/pc/isa_timing_check.c sim/pc/dma8237_program.c \
               sim/sdcard/sd_card_model.c sim/sdcard/sd_card_cosim.c \
               sim/portdrv/portdrv.c sim/portdrv/class_layer.c sim/portdrv/class_cdrom.c \
               host_driver/softhba.c
SYSTEM_INCLUDES := -Isim/system -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/sdcard \
                   -Isim/harness -Isim/include -Iregmap -Ihost_driver
SYSTEM_CFLAGS := $(SYSTEM_INCLUDES)

C_LINT_SRCS += sim/system/system.c sim/pc/dma8237_program.c
C_LINT_INCLUDES += $(SYSTEM_INCLUDES)
