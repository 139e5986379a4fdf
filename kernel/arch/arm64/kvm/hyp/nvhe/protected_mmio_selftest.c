// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test kernels only: EL2 handlers that let tests drive the mediation path
 * on devices QEMU has.
 *
 * "pkvm,protected-mmio-selftest" lets the host do one thing: a 32-bit read
 * of the register at offset 0xfe0, the first peripheral ID register of an
 * AMBA PrimeCell, whose value the test knows. Every other access is
 * refused, which is what a real handler does with every register it does
 * not know.
 *
 * "pkvm,protected-mmio-selftest-passthrough" performs every aligned 32-bit
 * access, as a handler that knows every register of a device would: its
 * host driver binds and works unchanged, one access at a time through EL2.
 */

#include <linux/types.h>

#include <nvhe/protected_mmio.h>

#define SELFTEST_ALLOWED_OFFSET		0xfe0

static bool selftest_access(struct pkvm_mmio_access *access)
{
	if (access->write || access->offset != SELFTEST_ALLOWED_OFFSET ||
	    access->size != sizeof(u32))
		return false;

	pkvm_mmio_access_device(access);
	return true;
}

const struct pkvm_mmio_handler pkvm_mmio_selftest_handler = {
	.access	= selftest_access,
};

static bool selftest_passthrough_access(struct pkvm_mmio_access *access)
{
	if (access->size != sizeof(u32))
		return false;

	pkvm_mmio_access_device(access);
	return true;
}

const struct pkvm_mmio_handler pkvm_mmio_selftest_passthrough_handler = {
	.access	= selftest_passthrough_access,
};
