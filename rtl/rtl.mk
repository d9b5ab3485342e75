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

# Every Verilog file opens with `default_nettype none (a mistyped net is an
# error, not a new 1-bit wire) and closes with `default_nettype wire (files
# read after it, such as the tools' cell libraries, keep the default).
RTL_NETTYPE_FILES := $(wildcard rtl/*/*.v tests/*/tb/*.v)

.PHONY: lint-rtl-nettype
LINT += lint-rtl-nettype
lint-rtl-nettype:
	@set -e; for f in $(RTL_NETTYPE_FILES); do \
	  [ "$$(grep -v '^\s*$$' $$f | head -n 1)" = '`default_nettype none' ] \
	    || { echo "lint-rtl-nettype: $$f: first line must be \`default_nettype none"; exit 1; }; \
	  [ "$$(grep -v '^\s*$$' $$f | tail -n 1)" = '`default_nettype wire' ] \
	    || { echo "lint-rtl-nettype: $$f: last line must be \`default_nettype wire"; exit 1; }; \
	done; echo "lint-rtl-nettype: $(words $(RTL_NETTYPE_FILES)) files open with none, close with wire"
