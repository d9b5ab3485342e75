# The SD card path: stream engine + FIFO testbench (a configuration of the
# co-simulation kernel), card model unit test, the driver built for the card,
# and the SD benchmark.
SDT_BUILD := $(BUILD)/sd
SDT_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -Iregmap -Isim/sdcard -Ifirmware/sd
SDT_RV_CC := riscv64-unknown-elf-gcc
SDT_RV_CFLAGS := --specs=picolibc.specs -march=rv32im_zicsr -mabi=ilp32 -Os -Wall -Wextra -Werror -std=c11 -Iregmap

SDT_TB := $(SDT_BUILD)/sd_tb
SDT_MODEL_TEST := $(SDT_BUILD)/sd_model_test
ALL += $(SDT_TB) $(SDT_MODEL_TEST) $(SDT_BUILD)/sd_driver_rv32.o $(SDT_BUILD)/sd_card_cosim.o
C_LINT_SRCS += sim/sdcard/sd_card_model.c sim/sdcard/sd_card_cosim.c firmware/sd/sd_driver.c \
               tests/sd/sd_model_test.c
C_LINT_INCLUDES += -Iregmap -Isim/sdcard -Ifirmware/sd -Isim/harness -Isim/include
BENCH += bench-sd

$(SDT_BUILD)/sd_card_model.o: sim/sdcard/sd_card_model.c sim/sdcard/sd_card_model.h
	@mkdir -p $(@D)
	gcc $(SDT_CFLAGS) -c $< -o $@

$(SDT_BUILD)/sd_card_cosim.o: sim/sdcard/sd_card_cosim.c sim/sdcard/sd_card_model.h sim/harness/cosim.h
	@mkdir -p $(@D)
	gcc $(SDT_CFLAGS) -Isim/harness -Isim/include -c $< -o $@

$(SDT_BUILD)/sd_driver_rv32.o: firmware/sd/sd_driver.c firmware/sd/sd_driver.h firmware/sd/sd_hw.h regmap/softhba_regs.h
	@mkdir -p $(@D)
	$(SDT_RV_CC) $(SDT_RV_CFLAGS) -c $< -o $@

$(SDT_MODEL_TEST): tests/sd/sd_model_test.c $(SDT_BUILD)/sd_card_model.o
	gcc $(SDT_CFLAGS) $^ -o $@

# The testbench: the kernel's sd_path configuration (tests/sd/sd_path_top.v,
# sim/harness/top_sd_path.cpp) with the SD card model and the driver.
$(eval $(call HARNESS_PROGRAM,$(SDT_TB),tests/sd/sd_tb.cpp sim/sdcard/sd_card_model.c \
  sim/sdcard/sd_card_cosim.c firmware/sd/sd_driver.c,-DSD_HW_HOST -Isim/sdcard -Ifirmware/sd,sd_path))

.PHONY: bench-sd
bench-sd: $(SDT_TB)
	@mkdir -p $(BUILD)/bench
	$(SDT_TB) bench $(BUILD)/bench/sd.json
