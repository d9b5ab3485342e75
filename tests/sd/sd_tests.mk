# The SD card path: stream engine testbench (Verilator), card model unit test,
# the driver built for the host and for the card, and the SD benchmark.
SDT_BUILD := $(BUILD)/sd
SDT_RTL := rtl/sd/sd_spi_engine.v rtl/sd/sd_spi_shifter.v rtl/sd/sd_crc16.v
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

$(SDT_BUILD)/sd_driver_host.o: firmware/sd/sd_driver.c firmware/sd/sd_driver.h firmware/sd/sd_hw.h regmap/softhba_regs.h
	@mkdir -p $(@D)
	gcc $(SDT_CFLAGS) -DSD_HW_HOST -c $< -o $@

$(SDT_BUILD)/sd_driver_rv32.o: firmware/sd/sd_driver.c firmware/sd/sd_driver.h firmware/sd/sd_hw.h regmap/softhba_regs.h
	@mkdir -p $(@D)
	$(SDT_RV_CC) $(SDT_RV_CFLAGS) -c $< -o $@

$(SDT_MODEL_TEST): tests/sd/sd_model_test.c $(SDT_BUILD)/sd_card_model.o
	gcc $(SDT_CFLAGS) $^ -o $@

$(SDT_TB): tests/sd/sd_tb.cpp $(SDT_RTL) regmap/softhba_regs.vh regmap/softhba_regs.h \
           $(SDT_BUILD)/sd_card_model.o $(SDT_BUILD)/sd_driver_host.o
	@# The Verilated makefile's VPATH reaches $(SDT_BUILD): drop the old binary so it relinks.
	@mkdir -p $(SDT_BUILD)/obj && rm -f $(SDT_BUILD)/obj/sd_tb $@
	MAKEFLAGS= nice verilator --cc --exe --build -j 1 -Wall -Iregmap --top-module sd_spi_engine \
	  --Mdir $(SDT_BUILD)/obj -o sd_tb \
	  -CFLAGS "-O1 -I$(CURDIR)/regmap -I$(CURDIR)/sim/sdcard -I$(CURDIR)/firmware/sd" \
	  $(SDT_RTL) $(CURDIR)/tests/sd/sd_tb.cpp \
	  $(CURDIR)/$(SDT_BUILD)/sd_card_model.o $(CURDIR)/$(SDT_BUILD)/sd_driver_host.o >/dev/null
	cp $(SDT_BUILD)/obj/sd_tb $@

.PHONY: bench-sd
bench-sd: $(SDT_TB)
	@mkdir -p $(BUILD)/bench
	$(SDT_TB) bench $(BUILD)/bench/sd.json
