# The NT SCSI port driver emulation and the disk class layer:
# build/portdrv/libportdrv.a, plus the miniport compiled for the host against
# the emulation's headers (build/portdrv/softhba_miniport.o).  Needs only
# headers (sim/pc/pc.h, sim/harness/cosim.h); the PC model links later.
PD_CC := gcc
PD_OUT := $(BUILD)/portdrv
PD_LIB := $(PD_OUT)/libportdrv.a
PD_MINIPORT := $(PD_OUT)/softhba_miniport.o
PD_SRCS := sim/portdrv/portdrv.c sim/portdrv/class_layer.c
PD_HDRS := sim/portdrv/portdrv.h sim/portdrv/class_layer.h $(wildcard sim/portdrv/include/*.h) \
  sim/pc/pc.h sim/harness/cosim.h
PD_INCLUDES := -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/harness -Isim/include \
  -Iregmap -Ihost_driver
PD_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g $(PD_INCLUDES)
PD_OBJS := $(patsubst sim/portdrv/%.c,$(PD_OUT)/%.o,$(PD_SRCS))

ALL += $(PD_LIB) $(PD_MINIPORT)
C_LINT_SRCS += $(PD_SRCS)
C_LINT_INCLUDES += -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/harness

.PHONY: portdrv
portdrv: $(PD_LIB) $(PD_MINIPORT)

$(PD_OUT)/%.o: sim/portdrv/%.c $(PD_HDRS) sim/portdrv/portdrv.mk
	@mkdir -p $(PD_OUT)
	$(PD_CC) $(PD_CFLAGS) -c $< -o $@

$(PD_LIB): $(PD_OBJS)
	rm -f $@
	ar rcs $@ $^

$(PD_MINIPORT): host_driver/softhba.c host_driver/softhba.h regmap/softhba_regs.h $(PD_HDRS)
	@mkdir -p $(PD_OUT)
	$(PD_CC) $(PD_CFLAGS) -c $< -o $@
