# Driver unit tests: the miniport (host build) on the port driver emulation
# over the recording PC double (tests/driver/recording_pc.c), and a
# misbehaving miniport the contract checker must catch.
DRVT_OUT := $(BUILD)/driver-tests
DRVT_CFLAGS := -std=c11 -Wall -Wextra -Werror -O1 -g $(PD_INCLUDES) -Itests/driver
DRVT_BINS := $(DRVT_OUT)/test_miniport $(DRVT_OUT)/test_contract

ALL += $(DRVT_BINS)
C_LINT_SRCS += tests/driver/recording_pc.c tests/driver/test_miniport.c tests/driver/test_contract.c
C_LINT_INCLUDES += $(PD_INCLUDES) -Itests/driver

$(DRVT_OUT)/test_miniport: tests/driver/test_miniport.c tests/driver/recording_pc.c \
    tests/driver/recording_pc.h $(PD_MINIPORT) $(PD_LIB)
	@mkdir -p $(DRVT_OUT)
	$(PD_CC) $(DRVT_CFLAGS) -o $@ tests/driver/test_miniport.c tests/driver/recording_pc.c \
	  $(PD_MINIPORT) $(PD_LIB)

$(DRVT_OUT)/test_contract: tests/driver/test_contract.c tests/driver/recording_pc.c \
    tests/driver/recording_pc.h $(PD_LIB)
	@mkdir -p $(DRVT_OUT)
	$(PD_CC) $(DRVT_CFLAGS) -o $@ tests/driver/test_contract.c tests/driver/recording_pc.c $(PD_LIB)
