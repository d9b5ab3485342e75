# RV32 CPU (rtl/cpu/): size and speed benchmark.  rv32_cpu is synthesised on
# its own for the iCE40 HX8K (CT256: its ~107 ports fit the package's IOs),
# placed and routed with a clock constraint, with and without the M extension.
# Writes build/bench/cpu.json: cpu_lcs, cpu_fmax_mhz (ENABLE_MUL=1) and
# cpu_lcs_no_mul.
CPU_RTL      := rtl/cpu/rv32_cpu.v
CPU_OUT      := build/cpu/synth
CPU_FREQ_MHZ := 60
CPU_SEED     := 1

.PHONY: bench-cpu
BENCH += bench-cpu

# $(1) = variant name, $(2) = ENABLE_MUL
define CPU_SYNTH_RULES
$(CPU_OUT)/$(1).json: $(CPU_RTL)
	@mkdir -p $(CPU_OUT)
	yosys -q -l $(CPU_OUT)/$(1).yosys.log -p 'read_verilog $(CPU_RTL); chparam -set ENABLE_MUL $(2) rv32_cpu; synth_ice40 -top rv32_cpu -json $$@'

$(CPU_OUT)/$(1).pnr.json: $(CPU_OUT)/$(1).json
	nextpnr-ice40 --hx8k --package ct256 --freq $(CPU_FREQ_MHZ) --seed $(CPU_SEED) --timing-allow-fail \
	  --json $$< --report $$@ --log $(CPU_OUT)/$(1).pnr.log --quiet \
	  || { rm -f $$@; echo "bench-cpu: nextpnr-ice40 failed, see $(CPU_OUT)/$(1).pnr.log" >&2; exit 1; }
endef
$(eval $(call CPU_SYNTH_RULES,mul,1))
$(eval $(call CPU_SYNTH_RULES,nomul,0))

bench-cpu: $(CPU_OUT)/mul.pnr.json $(CPU_OUT)/nomul.pnr.json
	@mkdir -p build/bench
	@python3 rtl/cpu/cpu_bench.py $(CPU_OUT)/mul.pnr.json $(CPU_OUT)/nomul.pnr.json build/bench/cpu.json
