# pKVM protected MMIO: build, demo and tests.
#
#   make demo          build, tag QEMU's DTB, boot, show the host denied
#   make test          every test; ends with "N passed, N failed"
#   make kernel        build/Image, the QEMU virt test kernel (4K pages)
#   make run DTB=F     boot build/Image with your DTB in protected mode
#   make tool          build/tool/pkvm-mmio
#
# KSRC=/path/to/linux-6.12.y builds on your tree instead of Debian's
# linux-source-6.12.

TOP := $(CURDIR)
B := $(TOP)/build
CPU ?= cortex-a72
APPEND ?=

.PHONY: all deps kernel initramfs tool test demo run clean

all: kernel tool

deps:
	@$(TOP)/scripts/install-deps.sh

kernel: deps
	$(TOP)/scripts/build-kernel.sh 4 $(B)/kernel-4k
	cp $(B)/kernel-4k/arch/arm64/boot/Image $(B)/Image
	@echo "kernel: $(B)/Image ($$(cat $(B)/src/linux-6.12.pristine/.pkvm-mmio-source))"

$(B)/initramfs.cpio: tests/init/pkvm-probe.c | deps
	mkdir -p $(B)/initramfs/root/proc $(B)/initramfs/root/sys/kernel/debug \
		$(B)/initramfs/root/dev
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
		-o $(B)/initramfs/root/init $<
	cd $(B)/initramfs/root && find . | LC_ALL=C sort | \
		cpio -o -H newc --quiet -R 0:0 > $@

initramfs: $(B)/initramfs.cpio

tool: deps
	$(MAKE) -C kernel/tools/pkvm-mmio O=$(B)/tool

test: kernel initramfs
	$(TOP)/scripts/run-tests.sh \
		$(TOP)/tests/unit/run.sh -- \
		$(TOP)/tests/tool/run.sh -- \
		$(TOP)/tests/schema/run.sh -- \
		$(TOP)/tests/boot/run.sh

demo: kernel initramfs tool
	$(TOP)/scripts/demo.sh

run: initramfs
	@test -n "$(DTB)" || { echo "usage: make run DTB=board.dtb [CPU=max] [APPEND='...']"; exit 2; }
	$(TOP)/scripts/qemu.sh -c $(CPU) -d $(DTB) -i $(B)/initramfs.cpio -t 600 -- \
		rdinit=/init kvm-arm.mode=protected $(APPEND)

clean:
	rm -rf $(B)
