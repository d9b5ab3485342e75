# RTL lint: every Verilog file under rtl/ (board tops excepted: they use iCE40
# primitives and are checked by the FPGA flow) is linted as its own top with
# verilator --lint-only -Wall; modules it instantiates are found in rtl/*/.
RTL_DIRS := $(sort $(dir $(wildcard rtl/*/*.v)))
RTL_LINT_FILES := $(filter-out rtl/boards/%,$(wildcard rtl/*/*.v))
RTL_LINT_FLAGS := --lint-only -Wall -Iregmap $(addprefix -y ,$(RTL_DIRS))

.PHONY: lint-rtl
LINT += lint-rtl
lint-rtl:
	@set -e; for f in $(RTL_LINT_FILES); do \
	  verilator $(RTL_LINT_FLAGS) --top-module $$(basename $$f .v) $$f || { echo "lint-rtl: $$f"; exit 1; }; \
	done; echo "lint-rtl: $(words $(RTL_LINT_FILES)) files clean"
