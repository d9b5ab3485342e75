# The NT SCSI port driver emulation and the class layer (disk, CD-ROM):
# build/portdrv/libportdrv.a, plus the miniport compiled for the host against
# the emulation's headers (build/portdrv/softhba_miniport.o).  The library
# holds the 8237 programming helper (sim/pc/dma8237_program.c) too; the PC
# model itself links later.  The DDK stand-ins live in sim/portdrv/include
# (<ntdef.h>, <ddk/miniport.h>, <ddk/srb.h>, <ddk/scsi.h>).
PD_CC := gcc
PD_OUT := $(BUILD)/portdrv
PD_LIB := $(PD_OUT)/libportdrv.a
PD_MINIPORT := $(PD_OUT)/softhba_miniport.o
PD_SRCS := sim/portdrv/portdrv.c sim/portdrv/class_layer.c sim/portdrv/class_cdrom.c sim/pc/dma8237_program.c
PD_HDRS := sim/portdrv/portdrv.h sim/portdrv/class_layer.h sim/portdrv/class_cdrom.h $(wildcard sim/portdrv/include/*.h sim/portdrv/include/ddk/*.h) \
  sim/pc/pc.h sim/pc/dma8237_program.h sim/harness/cosim.h
PD_INCLUDES := -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/harness -Isim/include \
  -Iregmap -Ihost_driver
PD_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g $(PD_INCLUDES)
PD_OBJS := $(patsubst %.c,$(PD_OUT)/%.o,$(notdir $(PD_SRCS)))

ALL += $(PD_LIB) $(PD_MINIPORT)
C_LINT_SRCS += sim/portdrv/portdrv.c sim/portdrv/class_layer.c sim/portdrv/class_cdrom.c
C_LINT_INCLUDES += $(PD_INCLUDES)

.PHONY: portdrv
portdrv: $(PD_LIB) $(PD_MINIPORT)

$(PD_OUT)/%.o: sim/portdrv/%.c $(PD_HDRS) sim/portdrv/portdrv.mk
	@mkdir -p $(PD_OUT)
	$(PD_CC) $(PD_CFLAGS) -c $< -o $@

$(PD_OUT)/%.o: sim/pc/%.c $(PD_HDRS) sim/portdrv/portdrv.mk
	@mkdir -p $(PD_OUT)
	$(PD_CC) $(PD_CFLAGS) -c $< -o $@

$(PD_LIB): $(PD_OBJS)
	rm -f $@
	ar rcs $@ $^

$(PD_MINIPORT): host_driver/softhba.c host_driver/softhba.h regmap/softhba_regs.h $(PD_HDRS)
	@mkdir -p $(PD_OUT)
	$(PD_CC) $(PD_CFLAGS) -c $< -o $@
