# softhba — top-level Makefile.
#
#   make deps        install the Debian toolchain (idempotent; sudo when not root)
#   make demo        the main job: the co-simulated card serving the miniport
#   make test        build everything, lint, run every test: 'N passed, N failed'
#   make lint        verilator --lint-only -Wall on the RTL, cppcheck on the C
#   make bench       run the benchmarks, print a table, write build/bench.json
#   make regmap      regenerate the register headers from regmap/*.regs
#   make sim         build the co-simulation programs
#   make firmware    build the card firmware
#   make driver      build softhba.sys for Windows NT
#   make bitstream   synthesise, place and route, pack the reference board
#   make firmware-update  swap a new firmware into the built bitstream (icebram)
#   make prog        program the reference board with iceprog
#   make clean       remove build/
#
# Each area keeps its rules in a fragment included below; a fragment appends
# its products to ALL, its lint steps to LINT and its benchmarks to BENCH.

SHELL := /bin/bash
.DEFAULT_GOAL := help
BUILD := build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

ALL :=
LINT :=
BENCH :=

.PHONY: help deps all test lint bench regmap regmap-check clean

help:
	@sed -n '3,15p' Makefile | sed 's/^# //'

deps:
	@scripts/install_deps.sh

regmap:
	@python3 regmap/gen_regmap.py

regmap-check:
	@python3 regmap/gen_regmap.py --check

# The register map's clock, memory map and constants as make variables
# (SHBA_SOC_CLK_HZ, SHBA_SOC_RAM_SIZE, ...), generated like the headers.
include regmap/softhba_regs.mk

# cppcheck runs per area: every make fragment is one area, its C sources
# (C_LINT_SRCS) read with its own include path (C_LINT_INCLUDES), as the
# fragment sets both.  So a header name means the same file to cppcheck as
# to the compiler: tests/scsi's "scsi.h" is firmware/scsi's, and the NT DDK
# stand-ins answer only to <ddk/...>.  C_LINT_TAKE files a fragment's two
# lists under its name (AREA: the fragment's path without .mk) and empties
# them for the next fragment.
C_LINT_SRCS :=
C_LINT_INCLUDES :=
C_LINT_AREAS :=
define C_LINT_TAKE
ifneq ($$(strip $$(C_LINT_SRCS)),)
C_LINT_AREAS += $(1)
C_LINT_SRCS.$(1) := $$(C_LINT_SRCS)
C_LINT_INCLUDES.$(1) := $$(C_LINT_INCLUDES)
endif
C_LINT_SRCS :=
C_LINT_INCLUDES :=
endef
define INCLUDE_FRAGMENT
include $(1)
$$(eval $$(call C_LINT_TAKE,$(basename $(1))))
endef

# The fragments that define reusable rules (firmware programs, harness
# programs, the system's sources) come first so that every other fragment can
# use them.
MK_FIRST := firmware/firmware.mk sim/harness/harness.mk sim/system/system.mk
MK_REST := $(filter-out $(MK_FIRST),$(sort $(wildcard rtl/*.mk rtl/*/*.mk firmware/*.mk firmware/*/*.mk \
          sim/*.mk sim/*/*.mk host_driver/*.mk tests/*.mk tests/*/*.mk constraints/*.mk)))
$(foreach f,$(MK_FIRST) $(MK_REST),$(eval $(call INCLUDE_FRAGMENT,$(f))))

all: regmap-check $(ALL)

lint: regmap-check lint-c $(LINT)

# cppcheck on every C file the fragments registered, area by area (see
# C_LINT_TAKE above); warnings and unresolved project includes are errors.
C_LINT_STEPS := $(addprefix lint-c/,$(C_LINT_AREAS))
.PHONY: lint-c $(C_LINT_STEPS)
lint-c: $(C_LINT_STEPS)
$(C_LINT_STEPS): lint-c/%:
	@missing=$$(cppcheck --check-config --quiet --std=c11 --suppress=missingIncludeSystem \
	  $(C_LINT_INCLUDES.$*) $(C_LINT_SRCS.$*) 2>&1 | grep 'not found'); \
	if [ -n "$$missing" ]; then \
	  echo "lint-c: $* (its C_LINT_INCLUDES) does not reach:"; echo "$$missing"; exit 1; fi
	@cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	  --inline-suppr --suppress=missingIncludeSystem $(C_LINT_INCLUDES.$*) $(C_LINT_SRCS.$*)

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@python3 tests/run_tests.py -j $(JOBS)

bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@rm -rf $(BUILD)/bench && mkdir -p $(BUILD)/bench
	@set -e; for b in $(BENCH); do $(MAKE) --no-print-directory $$b; done
	@python3 scripts/bench_merge.py $(BUILD)/bench $(BUILD)/bench.json

# The main job: the co-simulated card (RTL + firmware + SD card model on a
# default 32 MiB image) serving the NT miniport through the emulated port
# driver, 8237 and ISA bus: identify the disk, then write, read back and
# compare random data through 16-bit DMA.
.PHONY: demo firmware
demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/sim/softhba-sim $(BUILD)/fw/softhba_fw.hex
	$(BUILD)/sim/softhba-sim info
	$(BUILD)/sim/softhba-sim verify 4

firmware: $(BUILD)/fw/softhba_fw.hex

clean:
	rm -rf $(BUILD)
