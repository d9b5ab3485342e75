# The gate-level co-simulation (docs/cosim.md "The synthesized card"):
# softhba-sim against yosys' synth_ice40 netlist of the reference board top
# (rtl/boards/hx8k_breakout_top.v), the firmware in the SPI flash model on
# its flash pins (as in the RTL co-simulation), simulated on yosys' iCE40 cell models (cells_sim.v) through the
# kernel's gate_board configuration (sim/harness/top_gate_board.cpp).
#
#   make gate-sim    build/gate/softhba-sim-gate (synthesis about 1.5 min,
#                    Verilator and the C++ build a few minutes more)
#
# Not in ALL (slow); the test in tests/suites/75-gate.list builds it.

GATE_DIR := $(BUILD)/gate
GATE_SIM_PROGRAM := $(GATE_DIR)/softhba-sim-gate
GATE_CELLS_SIM ?= $(shell yosys-config --datdir 2>/dev/null || echo /usr/share/yosys)/ice40/cells_sim.v
GATE_RTL_SRCS := $(sort $(wildcard rtl/*/*.v))
GATE_OWN_CELLS := sim/gate/SB_IO.v sim/gate/SB_PLL40_CORE.v

# The board top as the bitstream flow synthesises it (rtl/boards/boards.mk):
# the netlist carries no firmware (the card runs it from the flash).
GATE_YOSYS_SCRIPT = verilog_defaults -add -DSYNTHESIS -Iregmap; read_verilog $(GATE_RTL_SRCS); \
  synth_ice40 -top hx8k_breakout_top; write_verilog -noattr $@.tmp

$(GATE_DIR)/hx8k_netlist.v: $(GATE_RTL_SRCS) regmap/softhba_regs.vh
	@mkdir -p $(@D)
	@echo "yosys: synth_ice40 -top hx8k_breakout_top, write_verilog"
	@yosys -q -l $(GATE_DIR)/yosys.log -p '$(GATE_YOSYS_SCRIPT)' \
	  || { grep -A3 ERROR $(GATE_DIR)/yosys.log | tail -20; exit 1; }
	@mv $@.tmp $@

$(GATE_DIR)/gate_netlist.v: $(GATE_DIR)/hx8k_netlist.v sim/gate/gate_sources.py
	python3 sim/gate/gate_sources.py netlist $< $@

$(GATE_DIR)/ice40_cells_sim.v: $(GATE_CELLS_SIM) sim/gate/gate_sources.py
	@mkdir -p $(@D)
	python3 sim/gate/gate_sources.py cells $< $@

# The configuration: the wrapper is the top; the netlist, the project's own
# cells and yosys' library (-v: only the cells used) come with it.
$(eval $(call HARNESS_MODEL,gate_board,gate_board_top,sim/gate/gate_board_top.v,\
  -DNO_ICE40_DEFAULT_ASSIGNMENTS $(GATE_DIR)/gate_netlist.v $(GATE_OWN_CELLS) -v $(GATE_DIR)/ice40_cells_sim.v))
$(HARNESS_DIR)/obj_gate_board/Vgate_board_top.mk: $(GATE_DIR)/gate_netlist.v $(GATE_DIR)/ice40_cells_sim.v \
  $(GATE_OWN_CELLS)


.PHONY: gate-sim
gate-sim: $(GATE_SIM_PROGRAM)

# The project's own cells, clean under -Wall (the generated netlist and
# yosys' library are Verilated with their own warnings off, see gate_sources.py).
LINT += lint-gate
.PHONY: lint-gate
lint-gate:
	@verilator --lint-only -Wall --top-module SB_PLL40_CORE sim/gate/SB_PLL40_CORE.v
	@verilator --lint-only -Wall --top-module SB_IO -GPIN_TYPE=6\'b101001 sim/gate/SB_IO.v
	@verilator --lint-only -Wall --top-module SB_IO -GPIN_TYPE=6\'b000001 sim/gate/SB_IO.v
	@echo "lint-gate: sim/gate cells clean"

# gate_sim_verify_pass: 1 when `verify` passes through the synthesized card.
BENCH += bench-gate
.PHONY: bench-gate
bench-gate:
	@mkdir -p $(BUILD)/bench
	@tests/gate/gate_sim_test.sh --bench $(BUILD)/bench/gate.json
	@cat $(BUILD)/bench/gate.json
