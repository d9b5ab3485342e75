# build/sim/class-test: the class layer's rules (sim/portdrv/class_layer.c,
# class_cdrom.c) against a scripted port driver, host C without the
# simulator (tests/e2e/class_test.c, e2e-class-rules in 80-e2e.list).
CLASST_PROGRAM := $(BUILD)/sim/class-test
CLASST_SRCS := tests/e2e/class_test.c sim/portdrv/class_layer.c sim/portdrv/class_cdrom.c
CLASST_INCLUDES := -Isim/portdrv/include -Isim/portdrv -Isim/pc -Isim/harness -Isim/include -Iregmap

$(CLASST_PROGRAM): $(CLASST_SRCS) $(PD_HDRS) tests/e2e/class_test.mk
	@mkdir -p $(dir $@)
	gcc -std=c11 -Wall -Wextra -Werror -O2 -g $(CLASST_INCLUDES) $(CLASST_SRCS) -o $@

ALL += $(CLASST_PROGRAM)
C_LINT_SRCS += tests/e2e/class_test.c
C_LINT_INCLUDES += $(CLASST_INCLUDES)
