# The SPI flash model's own test (sim/flash/flash_test.c): the model alone,
# driven at its pins in simulated time (no Verilated card).  The model itself
# is linked into every co-simulation program by sim/harness/harness.mk.
FLASH_TEST := $(BUILD)/sim/flash_test
ALL += $(FLASH_TEST)
C_LINT_SRCS += sim/flash/flash_test.c

$(FLASH_TEST): sim/flash/flash_test.c sim/flash/spi_flash.c sim/flash/spi_flash.h
	@mkdir -p $(@D)
	$(HARNESS_CC) -std=c11 -O2 -g -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Isim/flash \
	  sim/flash/flash_test.c sim/flash/spi_flash.c -o $@
