/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMIO regions that the pKVM hypervisor takes from the host at init, as
 * discovered from "pkvm,protected-mmio" in the device tree.
 *
 * The host fills kvm_nvhe_sym(pkvm_protected_regs)[] from early boot code,
 * before it is deprivileged; the hypervisor maps the regions for itself and
 * marks them hyp-owned in the host stage-2. Both sides size their page-table
 * reservations with the same budgets (kvm_pkvm.h), so the memory the host
 * sets aside is exactly what the hypervisor will carve out of it.
 */
#ifndef __ARM64_KVM_PKVM_MMIO_H__
#define __ARM64_KVM_PKVM_MMIO_H__

#include <linux/align.h>
#include <linux/init.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <asm/kvm_pgtable.h>

#define PKVM_PROTECTED_MMIO_MAX_REGIONS	CONFIG_PKVM_PROTECTED_MMIO_MAX_REGIONS

/*
 * One region: the host fills in @pfn and @nr_pages, the hypervisor @hyp_va,
 * where it mapped the region for itself.
 */
struct pkvm_protected_reg {
	u64 pfn;
	u64 nr_pages;
	u64 hyp_va;
};

/* Figures __pkvm_protected_mmio_stat() reports to the host. */
enum pkvm_protected_mmio_stat {
	PKVM_PROTECTED_MMIO_STAT_DENIED,	/* host accesses denied, per region */
	PKVM_PROTECTED_MMIO_STAT_HYP_TABLES,	/* hyp stage-1 table pages added */
	PKVM_PROTECTED_MMIO_STAT_HOST_TABLES,	/* host stage-2 table pages added */
};

extern struct pkvm_protected_reg
	kvm_nvhe_sym(pkvm_protected_regs)[PKVM_PROTECTED_MMIO_MAX_REGIONS];
extern unsigned int kvm_nvhe_sym(pkvm_protected_nr_regs);

/*
 * The largest block [base, base + size) can use. The hyp stage-1 maps the
 * region at a private VA congruent to its PA modulo this size, so that the
 * VA uses exactly the blocks the PA allows, and a region too small for any
 * block costs no VA alignment at all.
 */
static inline u64 pkvm_mmio_va_align(u64 base, u64 size)
{
	s8 level;

	for (level = KVM_PGTABLE_MIN_BLOCK_LEVEL;
	     level < KVM_PGTABLE_LAST_LEVEL; level++) {
		u64 granule = kvm_granule_size(level);
		u64 first = ALIGN(base, granule);

		if (first >= base && size >= granule &&
		    first - base <= size - granule)
			return granule;
	}

	return PAGE_SIZE;
}

/* Where the hyp stage-1 maps a region laid out after VA @cursor. */
static inline u64 pkvm_mmio_va_place(u64 cursor, u64 phys, u64 size)
{
	return cursor + ((phys - cursor) & (pkvm_mmio_va_align(phys, size) - 1));
}

#endif /* __ARM64_KVM_PKVM_MMIO_H__ */
