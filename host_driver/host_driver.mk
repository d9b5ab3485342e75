# The miniport for real Windows NT: build/driver/softhba.sys, a PE32 i386
# kernel-mode image (native subsystem, entry DriverEntry) importing
# SCSIPORT.SYS only.  See docs/miniport.md and docs/nt-install.md.
DRV_CC := i686-w64-mingw32-gcc
DRV_OUT := $(BUILD)/driver
DRV_SYS := $(DRV_OUT)/softhba.sys
DRV_SRCS := host_driver/softhba.c
DRV_HDRS := host_driver/softhba.h regmap/softhba_regs.h
# Kernel code: no C runtime, no builtins turned into memset/memcpy calls
# (SCSIPORT.SYS does not export them), no stack probes, no unwind tables.
DRV_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -march=i386 -mtune=i486 \
  -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
  -fno-stack-protector -fno-asynchronous-unwind-tables -mno-stack-arg-probe \
  -Iregmap -Ihost_driver
# A driver is a relocatable image (the kernel loader rebases it: .reloc kept) with the
# native subsystem, loaded at the classic driver base; nothing exported.
DRV_LDFLAGS := -nostdlib -nostartfiles \
  -Wl,--subsystem,native -Wl,--entry,_DriverEntry@8 \
  -Wl,--image-base,0x10000 -Wl,--file-alignment,0x200 -Wl,--section-alignment,0x1000 \
  -Wl,--enable-reloc-section -Wl,--disable-nxcompat -Wl,--no-insert-timestamp \
  -Wl,-Map,$(DRV_OUT)/softhba.map
DRV_LIBS := -lscsiport

# What NT's setup reads from the driver floppy, shipped next to softhba.sys:
# txtsetup.oem (text-mode setup, F6/S), oemsetup.inf (NT 4.0 Control Panel
# Have Disk), softhba.inf (Windows 2000/XP).  CRLF line endings, byte for
# byte (.gitattributes); oemsetup.inf gets softhba.sys's size in SIZE=.
DRV_INSTALL := $(DRV_OUT)/txtsetup.oem $(DRV_OUT)/softhba.inf $(DRV_OUT)/oemsetup.inf

ALL += $(DRV_SYS) $(DRV_INSTALL)
C_LINT_SRCS += $(DRV_SRCS)
# cppcheck reads the DDK stand-ins the host build of the miniport compiles
# against (sim/portdrv/include), not mingw-w64's.
C_LINT_INCLUDES += -Iregmap -Ihost_driver -Isim/portdrv/include

.PHONY: driver
driver: $(DRV_SYS) $(DRV_INSTALL)

$(DRV_OUT)/txtsetup.oem $(DRV_OUT)/softhba.inf: $(DRV_OUT)/%: host_driver/%
	@mkdir -p $(DRV_OUT)
	cp $< $@

$(DRV_OUT)/oemsetup.inf: host_driver/oemsetup.inf $(DRV_SYS)
	@mkdir -p $(DRV_OUT)
	sed -e "s/SIZE=0\r\$$/SIZE=$$(stat -c %s $(DRV_SYS))\r/" $< >$@.tmp
	mv $@.tmp $@

$(DRV_OUT)/softhba.o: $(DRV_SRCS) $(DRV_HDRS) host_driver/host_driver.mk
	@mkdir -p $(DRV_OUT)
	$(DRV_CC) $(DRV_CFLAGS) -c $< -o $@

# NT checks the image checksum of drivers; ld leaves it 0, so it is filled in.
$(DRV_SYS): $(DRV_OUT)/softhba.o host_driver/pe_checksum.py
	$(DRV_CC) $(DRV_LDFLAGS) -o $@.tmp $< $(DRV_LIBS)
	python3 host_driver/pe_checksum.py $@.tmp
	mv $@.tmp $@
