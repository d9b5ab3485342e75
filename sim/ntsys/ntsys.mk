# The shipped softhba.sys in an i386 emulator (sim/ntsys, docs/cosim.md "The
# binary driver"): the PE32 loader, the import thunks and Hw* trampolines on
# Unicorn (libunicorn-dev), and the 32-bit NT layouts generated from the
# mingw DDK headers that build the driver ("asm-offsets": nt32_layout.c
# compiled with -S, gen_nt32_layout.py turns the assembler text into
# build/ntsys/nt32_layout.h).
#
# A program that runs the binary driver adds $(NTSYS_SRCS) to its sources,
# $(NTSYS_CFLAGS) to its flags, and:
#   $(call NTSYS_PROGRAM,PROGRAM,SOURCES_WITH_NTSYS)
# (the generated header before its objects, -lunicorn when linking, and
# the driver `make driver` ships built with the program).
NTSYS_OUT := $(BUILD)/ntsys
NTSYS_LAYOUT := $(NTSYS_OUT)/nt32_layout.h
NTSYS_SRCS := sim/ntsys/ntsys.c sim/ntsys/pe_loader.c
NTSYS_CFLAGS := -I$(NTSYS_OUT) -Isim/ntsys

$(NTSYS_OUT)/nt32_layout.s: sim/ntsys/nt32_layout.c sim/ntsys/nt32_fields.h sim/ntsys/ntsys.mk
	@mkdir -p $(@D)
	$(DRV_CC) -std=c11 -Wall -Wextra -Werror -O2 -S -Isim/ntsys $< -o $@

$(NTSYS_LAYOUT): $(NTSYS_OUT)/nt32_layout.s sim/ntsys/gen_nt32_layout.py
	python3 sim/ntsys/gen_nt32_layout.py $< $@

ALL += $(NTSYS_LAYOUT)
C_LINT_SRCS += $(NTSYS_SRCS)
C_LINT_INCLUDES += -Isim/ntsys -I$(NTSYS_OUT) $(SYSTEM_INCLUDES)

define NTSYS_PROGRAM
$$(filter %/ntsys.o,$$(HARNESS_OBJS_$(notdir $(1)))): $(NTSYS_LAYOUT)
$(1): HARNESS_LDLIBS += -lunicorn
$(1): | $(DRV_SYS)
endef
