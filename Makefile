# pKVM protected MMIO: build, demo and tests.
#
#   make demo          build, tag QEMU's DTB, boot, show the host denied
#   make test          every test; ends with "N passed, N failed"
#   make kernel        build/Image, the QEMU virt test kernel (4K pages)
#   make bench         cost of protection (block vs per-page), of reading DTBs
#   make run DTB=F     boot build/Image with your DTB in protected mode
#   make tool          build/tool/pkvm-mmio
#   make series        the patch series, with cover letters, in build/series/
#   make series-check  git am each patch on the base, build each step (W=1,
#                      sparse), checkpatch each patch; part of make test
#   make series-check-full  arm64 defconfig at the end of the core series
#                      and of the whole series, then all of arch/arm64/kvm/
#                      with W=1 and sparse (slow: not in make test)
#
# KSRC=/path/to/linux-7.2.y builds on your tree instead of Debian's
# linux-source-7.2 (the version pinned in configs/base-kernel).

TOP := $(CURDIR)
B := $(TOP)/build
CPU ?= cortex-a72
APPEND ?=

.PHONY: all deps src kernel kernel-16k kernel-64k kernel-its initramfs firmware tool tool-selftest test \
	demo run bench clean series series-check series-check-full

all: kernel tool

deps:
	@$(TOP)/scripts/install-deps.sh

# The base kernel with the series applied, in build/src/linux.
src: deps
	$(TOP)/scripts/prepare-tree.sh $(B)/src/linux

series: src
	$(TOP)/scripts/series.py assemble $(B)/series-git
	$(TOP)/scripts/series.py format $(B)/series-git $(B)/series

series-check: series kernel
	$(TOP)/scripts/series-check.sh

series-check-full: series
	$(TOP)/scripts/series-check.sh -f

# Every test kernel carries the KUnit suite; it only runs with kunit.enable=1.
KFRAGS := $(TOP)/configs/kunit.config

kernel: deps
	$(TOP)/scripts/build-kernel.sh 4 $(B)/kernel-4k $(KFRAGS)
	cp $(B)/kernel-4k/arch/arm64/boot/Image $(B)/Image
	@echo "kernel: $(B)/Image ($$(cat $(B)/src/linux.pristine/.pkvm-mmio-source))"

kernel-16k kernel-64k: kernel-%: deps
	$(TOP)/scripts/build-kernel.sh $(subst k,,$*) $(B)/kernel-$* $(KFRAGS)

# With PCIe and virtio-rng, for the MSI tests through the mediated ITS.
kernel-its: deps
	$(TOP)/scripts/build-kernel.sh 4 $(B)/kernel-its $(TOP)/configs/its.config

$(B)/initramfs.cpio: tests/init/pkvm-probe.c | deps
	mkdir -p $(B)/initramfs/root/proc $(B)/initramfs/root/sys/kernel/debug \
		$(B)/initramfs/root/dev
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
		-o $(B)/initramfs/root/init $<
	cd $(B)/initramfs/root && find . | LC_ALL=C sort | \
		cpio -o -H newc --quiet -R 0:0 > $@

initramfs: $(B)/initramfs.cpio

# Test-only EL3 firmware that speaks FF-A, for the boot test of pKVM's proxy.
firmware: deps
	$(MAKE) -C tests/firmware O=$(B)/firmware

# With the parser of the applied series, the one the kernel builds: a
# later patch (a handler's row) changes it after kernel/'s copy.
tool: src
	$(MAKE) -C kernel/tools/pkvm-mmio O=$(B)/tool \
		KVM_DIR=$(B)/src/linux/arch/arm64/kvm

# The tool as the test kernels see trees: with their EL2 test handler, from
# the applied series' parser. The boot tests compare it with the kernel.
tool-selftest: src
	$(MAKE) -C kernel/tools/pkvm-mmio O=$(B)/tool-selftest \
		KVM_DIR=$(B)/src/linux/arch/arm64/kvm \
		CPPFLAGS=-DCONFIG_PKVM_PROTECTED_MMIO_SELFTEST

# 16K pages need a CPU with the 16K granule: QEMU's max, in hVHE and (with
# VHE hidden from the kernel) nVHE. Its LPA2 is turned off: with 52-bit IPA
# and 16K pages pKVM hangs after init even with no tag (6.12 and 7.2 alike,
# under QEMU 7.2).
test: kernel kernel-16k kernel-64k kernel-its initramfs firmware tool tool-selftest series
	$(TOP)/scripts/run-tests.sh \
		$(TOP)/tests/unit/run.sh -- \
		$(TOP)/tests/tool/run.sh -- \
		$(TOP)/tests/schema/run.sh -- \
		$(TOP)/tests/docs/run.sh -- \
		$(TOP)/tests/findings/run.sh -- \
		$(TOP)/scripts/series-check.sh -- \
		$(TOP)/tests/dtbs/run.sh -- \
		$(TOP)/tests/kunit/run.sh -k $(B)/Image -o $(B)/kunit-4k -- \
		$(TOP)/tests/kunit/run.sh -R -s pkvm_pinned_annotation -n 4 -o $(B)/kunit-4k -- \
		$(TOP)/tests/kunit/run.sh -k $(B)/kernel-16k/arch/arm64/boot/Image \
			-c max,lpa2=off -o $(B)/kunit-16k -- \
		$(TOP)/tests/kunit/run.sh -R -s pkvm_pinned_annotation -n 4 \
			-c max,lpa2=off -o $(B)/kunit-16k -- \
		$(TOP)/tests/kunit/run.sh -k $(B)/kernel-64k/arch/arm64/boot/Image \
			-o $(B)/kunit-64k -- \
		$(TOP)/tests/kunit/run.sh -R -s pkvm_pinned_annotation -n 4 \
			-o $(B)/kunit-64k -- \
		$(TOP)/tests/boot/run.sh -- \
		$(TOP)/tests/boot/run.sh -p 16 -k $(B)/kernel-16k/arch/arm64/boot/Image \
			-c max,lpa2=off -c max,lpa2=off:arm64_sw.hvhe=0+id_aa64mmfr1.vh=0 \
			-o $(B)/boot-tests-16k -- \
		$(TOP)/tests/boot/run.sh -p 64 -k $(B)/kernel-64k/arch/arm64/boot/Image \
			-c cortex-a72 -c max -o $(B)/boot-tests-64k -- \
		$(TOP)/tests/boot/run.sh -k $(B)/kernel-its/arch/arm64/boot/Image \
			-s msi -s its -o $(B)/boot-tests-its

bench: kernel kernel-its initramfs tool
	$(TOP)/scripts/bench.py
	$(TOP)/tests/tool/bench.sh
	$(TOP)/tests/dtbs/run.sh >/dev/null
	$(TOP)/scripts/bench-fdt.sh

demo: kernel initramfs tool
	$(TOP)/scripts/demo.sh

run: initramfs
	@test -n "$(DTB)" || { echo "usage: make run DTB=board.dtb [CPU=max] [APPEND='...']"; exit 2; }
	$(TOP)/scripts/qemu.sh -c $(CPU) -d $(DTB) -i $(B)/initramfs.cpio -t 600 -- \
		rdinit=/init kvm-arm.mode=protected $(APPEND)

clean:
	rm -rf $(B)
