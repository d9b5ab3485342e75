# Disk images as files on the SD card, end to end (tests/img/): the tests are
# in tests/suites/85-img.list; the figures come from bench_img.sh.
#
#   make bench-img      build/bench/img.json: img_read64k_ratio_dma16,
#                       img_write64k_ratio_dma16, card_ready_ms

BENCH += bench-img

.PHONY: bench-img
bench-img: $(SIM_PROGRAM) $(BUILD)/fw/softhba_fw.hex
	@mkdir -p $(BUILD)/bench
	@tests/img/bench_img.sh $(BUILD)/bench/img.json
