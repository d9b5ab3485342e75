# Card firmware tests (tests/card/) and the firmware's build rules.
#
#   build/card/xfer_test    host test of the segment bookkeeping (firmware/card/xfer.c)

# firmware/card/card_fw.mk is read before firmware/firmware.mk; by now both are.
$(eval $(CARDFW_RULES))
$(eval $(CARDFW_STACK_RULES))
$(eval $(CARDFW_LATE_RULES))

CARDT_DIR := $(BUILD)/card
ALL += $(CARDT_DIR)/xfer_test
C_LINT_SRCS += tests/card/xfer_test.c
C_LINT_INCLUDES += -Iregmap -Ifirmware/card

$(CARDT_DIR)/xfer_test: tests/card/xfer_test.c firmware/card/xfer.c firmware/card/xfer.h regmap/softhba_regs.h
	@mkdir -p $(@D)
	gcc -std=c11 -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -Iregmap -Ifirmware/card tests/card/xfer_test.c firmware/card/xfer.c -o $@
