# Filesystem layer (firmware/fs/: FAT32/exFAT reader, image targets,
# softhba.ini): host programs over card images the tests build with Debian
# tools (tests/fs/fs_test.py), and the layer's size as the card builds it.
#
#   build/fs/fs_probe        mount + ini + image scan + read-back (-O2, no sanitizers)
#   build/fs/fs_probe_san    the same with ASan + UBSan (what the tests run)
#   build/fs/fs_fuzz         fixed-seed random corruption of a card image (ASan + UBSan)
#   build/fs/fs_rv32.o       the layer compiled as the card firmware compiles it
#   make bench-fs            build/bench/fs.json: fs_code_bytes, fs_static_ram_bytes,
#                            fs_target_table_bytes

FS_DIR := $(BUILD)/fs
FS_LIB_SRCS := firmware/fs/fs.c firmware/fs/fs_log.c firmware/fs/images.c firmware/fs/ini.c \
               firmware/fs/fs_logfile.c
FS_LIB_HDRS := firmware/fs/fs.h firmware/fs/fs_log.h firmware/fs/images.h firmware/fs/ini.h \
               firmware/fs/fs_logfile.h
# The card firmware's target set-up over the layer (firmware/card/media.c).
FS_MEDIA_SRCS := firmware/card/media.c
FS_MEDIA_HDRS := firmware/card/media.h
FS_TEST_COMMON := tests/fs/card_file.c
FS_HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -Ifirmware/fs -Itests/fs
FS_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The firmware's own flags (firmware/firmware.mk FW_CFLAGS, without -g).
FS_RV_CFLAGS := -march=rv32im_zicsr -mabi=ilp32 --specs=picolibc.specs -Os -std=c11 \
                -Wall -Wextra -Werror -ffunction-sections -fdata-sections -Ifirmware/fs

ALL += $(FS_DIR)/fs_probe $(FS_DIR)/fs_probe_san $(FS_DIR)/fs_fuzz $(FS_DIR)/fs_rv32.o \
       $(FS_DIR)/media_probe_san
BENCH += bench-fs
C_LINT_SRCS += $(FS_LIB_SRCS) $(FS_TEST_COMMON) tests/fs/fs_probe.c tests/fs/fs_fuzz.c \
               tests/fs/media_probe.c
C_LINT_INCLUDES += -Ifirmware/fs -Itests/fs -Ifirmware/card

$(FS_DIR)/fs_probe: tests/fs/fs_probe.c $(FS_TEST_COMMON) tests/fs/card_file.h $(FS_LIB_SRCS) $(FS_LIB_HDRS)
	@mkdir -p $(@D)
	gcc $(FS_HOST_CFLAGS) -O2 tests/fs/fs_probe.c $(FS_TEST_COMMON) $(FS_LIB_SRCS) -o $@

$(FS_DIR)/fs_probe_san: tests/fs/fs_probe.c $(FS_TEST_COMMON) tests/fs/card_file.h $(FS_LIB_SRCS) $(FS_LIB_HDRS)
	@mkdir -p $(@D)
	gcc $(FS_HOST_CFLAGS) -O1 $(FS_SAN) tests/fs/fs_probe.c $(FS_TEST_COMMON) $(FS_LIB_SRCS) -o $@

#   build/fs/media_probe_san  firmware/card/media.c (mount, targets, softhba.log) over a
#                             writable card file (ASan + UBSan)
$(FS_DIR)/media_probe_san: tests/fs/media_probe.c $(FS_TEST_COMMON) tests/fs/card_file.h $(FS_LIB_SRCS) \
                           $(FS_LIB_HDRS) $(FS_MEDIA_SRCS) $(FS_MEDIA_HDRS)
	@mkdir -p $(@D)
	gcc $(FS_HOST_CFLAGS) -Ifirmware/card -O1 $(FS_SAN) tests/fs/media_probe.c $(FS_TEST_COMMON) \
	  $(FS_LIB_SRCS) $(FS_MEDIA_SRCS) -o $@

$(FS_DIR)/fs_fuzz: tests/fs/fs_fuzz.c $(FS_LIB_SRCS) $(FS_LIB_HDRS)
	@mkdir -p $(@D)
	gcc $(FS_HOST_CFLAGS) -O1 $(FS_SAN) tests/fs/fs_fuzz.c $(FS_LIB_SRCS) -o $@

# One object (-r) so the size figure counts the whole layer once.
$(FS_DIR)/fs_rv32.o: $(FS_LIB_SRCS) $(FS_LIB_HDRS)
	@mkdir -p $(FS_DIR)/rv32
	@set -e; for f in $(FS_LIB_SRCS); do \
	  riscv64-unknown-elf-gcc $(FS_RV_CFLAGS) -c $$f -o $(FS_DIR)/rv32/$$(basename $$f .c).o; done
	riscv64-unknown-elf-ld -m elf32lriscv -r $(patsubst firmware/fs/%.c,$(FS_DIR)/rv32/%.o,$(FS_LIB_SRCS)) -o $@

# Figures: code + read-only data, static RAM (data + bss: the layer keeps
# none), and the RAM the caller's target table takes (sizeof, from the RV32
# compiler).
.PHONY: bench-fs
bench-fs: $(FS_DIR)/fs_rv32.o
	@mkdir -p $(BUILD)/bench
	@code=$$(riscv64-unknown-elf-size -A $< | awk '$$1 ~ /^\.(text|rodata|srodata)/ {s += $$2} END {print s + 0}'); \
	  ram=$$(riscv64-unknown-elf-size -A $< | awk '$$1 ~ /^\.(data|sdata|bss|sbss)/ {s += $$2} END {print s + 0}'); \
	  table_hex=$$(printf '#include "images.h"\nchar fs_table_size[sizeof(struct fs_target) * FS_MAX_TARGETS];\n' | \
	    riscv64-unknown-elf-gcc $(FS_RV_CFLAGS) -fno-common -x c -c - -o $(FS_DIR)/table.o && \
	    riscv64-unknown-elf-nm -S $(FS_DIR)/table.o | awk '$$4 == "fs_table_size" {print $$2}'); \
	  table=$$((16#$$table_hex)); \
	  echo "{\"fs_code_bytes\": $$code, \"fs_static_ram_bytes\": $$ram, \"fs_target_table_bytes\": $$table}" > $(BUILD)/bench/fs.json; \
	  echo "fs: code + rodata for RV32 -Os: $$code bytes, static RAM $$ram bytes, target table $$table bytes"
