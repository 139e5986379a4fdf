/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMIO regions that the pKVM hypervisor takes from the host at init, as
 * discovered from "pkvm,protected-mmio" in the device tree.
 *
 * The host fills kvm_nvhe_sym(pkvm_protected_regs)[] from early boot code,
 * before it is deprivileged; the hypervisor maps the regions for itself and
 * marks them hyp-owned in the host stage-2. Both sides size their page-table
 * reservations with the same helpers below, so the memory the host sets
 * aside is exactly what the hypervisor will carve out of it.
 */
#ifndef __ARM64_KVM_PKVM_MMIO_H__
#define __ARM64_KVM_PKVM_MMIO_H__

#include <linux/align.h>
#include <linux/init.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <asm/kvm_pgtable.h>

#define PKVM_PROTECTED_MMIO_MAX_REGIONS	CONFIG_PKVM_PROTECTED_MMIO_MAX_REGIONS

struct pkvm_protected_reg {
	u64 pfn;
	u64 nr_pages;
};

/* Figures __pkvm_protected_mmio_stat() reports to the host. */
enum pkvm_protected_mmio_stat {
	PKVM_PROTECTED_MMIO_STAT_DENIED,	/* host accesses denied, per region */
	PKVM_PROTECTED_MMIO_STAT_HYP_TABLES,	/* hyp stage-1 table pages added */
	PKVM_PROTECTED_MMIO_STAT_HOST_TABLES,	/* host stage-2 table pages added */
	PKVM_PROTECTED_MMIO_STAT_PROTECT_TICKS,	/* counter ticks, bench kernels */
	PKVM_PROTECTED_MMIO_STAT_INIT_TICKS,	/* counter ticks, bench kernels */
};

extern struct pkvm_protected_reg
	kvm_nvhe_sym(pkvm_protected_regs)[PKVM_PROTECTED_MMIO_MAX_REGIONS];
extern unsigned int kvm_nvhe_sym(pkvm_protected_nr_regs);
extern bool kvm_nvhe_sym(pkvm_protected_mmio_per_page);

/* Benchmark kernels can ask for the per-page design to compare with. */
static inline bool pkvm_protected_mmio_bench_per_page(void)
{
	return IS_ENABLED(CONFIG_PKVM_PROTECTED_MMIO_BENCH) &&
	       kvm_nvhe_sym(pkvm_protected_mmio_per_page);
}

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

/*
 * The deepest root either page table can have: the host stage-2 covers the
 * PA range, the hyp stage-1 at most VA_BITS. Counting from here is an upper
 * bound for a shallower (or concatenated) root.
 */
#define PKVM_PROTECTED_MMIO_FIRST_LEVEL					\
	(KVM_PGTABLE_LAST_LEVEL + 1 -					\
	 ARM64_HW_PGTABLE_LEVELS(max(PHYS_MASK_SHIFT, VA_BITS)))

/*
 * Page-table pages needed below the root to map or annotate [base, end) with
 * the largest blocks its alignment allows, starting from empty tables.
 *
 * At a level that supports blocks, every whole aligned block inside the
 * range is a leaf at that level, so the next level only needs a table for
 * the unaligned head and tail, one each. At a level that does not, or when
 * no whole block fits, every window the range touches needs a table below.
 * When @congruent is false the range may sit anywhere relative to windows
 * bigger than pkvm_mmio_va_align(), so those levels are counted for the
 * worst placement.
 */
static inline unsigned long pkvm_mmio_level_tables(u64 base, u64 size, s8 level,
						   bool congruent)
{
	u64 granule = kvm_granule_size(level);
	u64 end = base + size;
	u64 head = ALIGN(base, granule);
	u64 tail = ALIGN_DOWN(end, granule);

	if (!congruent && granule > pkvm_mmio_va_align(base, size))
		return DIV_ROUND_UP(size, granule) + 1;
	if (kvm_level_supports_block_mapping(level) && head < tail)
		return (base < head) + (tail < end);
	return (ALIGN(end, granule) - ALIGN_DOWN(base, granule)) / granule;
}

static inline unsigned long pkvm_mmio_pgtable_pages(u64 base, u64 size,
						    bool congruent)
{
	unsigned long pages = 0;
	s8 level;

	for (level = PKVM_PROTECTED_MMIO_FIRST_LEVEL;
	     level < KVM_PGTABLE_LAST_LEVEL; level++)
		pages += pkvm_mmio_level_tables(base, size, level, congruent);

	return pages;
}

/*
 * The per-page design maps and annotates page by page, so it needs what
 * the generic worst-case estimate gives for that many pages.
 */
static inline unsigned long pkvm_mmio_per_page_pgtable_pages(u64 nr_pages)
{
	unsigned long total = 0;
	s8 level;

	for (level = PKVM_PROTECTED_MMIO_FIRST_LEVEL;
	     level < KVM_PGTABLE_LAST_LEVEL; level++) {
		nr_pages = DIV_ROUND_UP(nr_pages, PTRS_PER_PTE);
		total += nr_pages + 1;
	}

	return total;
}

/*
 * The regions share tables wherever they are close, so at each level the
 * sum over the regions is capped by the windows their whole span touches:
 * [first base, last end) in the host stage-2 idmap (the table is sorted),
 * and in the hyp stage-1 the private VA the regions are allocated in, one
 * after the other, each padded for its alignment.
 */
static inline unsigned long __pkvm_protected_mmio_pgtable_pages(bool congruent)
{
	struct pkvm_protected_reg *regs = kvm_nvhe_sym(pkvm_protected_regs);
	unsigned int i, nr = kvm_nvhe_sym(pkvm_protected_nr_regs);
	unsigned long res = 0;
	u64 va_span = 0;
	s8 level;

	if (!nr)
		return 0;

	if (pkvm_protected_mmio_bench_per_page()) {
		for (i = 0; i < nr; i++)
			res += pkvm_mmio_per_page_pgtable_pages(regs[i].nr_pages);
		return res;
	}

	for (i = 0; i < nr; i++) {
		u64 base = regs[i].pfn << PAGE_SHIFT;
		u64 size = regs[i].nr_pages << PAGE_SHIFT;

		va_span += size + pkvm_mmio_va_align(base, size) - PAGE_SIZE;
	}

	for (level = PKVM_PROTECTED_MMIO_FIRST_LEVEL;
	     level < KVM_PGTABLE_LAST_LEVEL; level++) {
		u64 granule = kvm_granule_size(level);
		u64 first = regs[0].pfn << PAGE_SHIFT;
		u64 last = (regs[nr - 1].pfn + regs[nr - 1].nr_pages) << PAGE_SHIFT;
		unsigned long sum = 0, span;

		for (i = 0; i < nr; i++)
			sum += pkvm_mmio_level_tables(regs[i].pfn << PAGE_SHIFT,
						      regs[i].nr_pages << PAGE_SHIFT,
						      level, congruent);

		if (congruent)
			span = (ALIGN(last, granule) - ALIGN_DOWN(first, granule)) / granule;
		else
			span = DIV_ROUND_UP(va_span, granule) + 1;
		res += min(sum, span);
	}

	return res;
}

/* Tables for the hyp stage-1 mappings of the protected regions. */
static inline unsigned long pkvm_protected_mmio_hyp_pgtable_pages(void)
{
	return __pkvm_protected_mmio_pgtable_pages(false);
}

/* Tables for the ownership annotations in the host stage-2 (an idmap). */
static inline unsigned long pkvm_protected_mmio_host_pgtable_pages(void)
{
	return __pkvm_protected_mmio_pgtable_pages(true);
}

#ifndef __KVM_NVHE_HYPERVISOR__
int __init pkvm_protected_mmio_discover(void);
void __init pkvm_protected_mmio_report_ignored(void);
void __init pkvm_protected_mmio_finalize(void);
void __init pkvm_protected_mmio_selftest_init(void);
#endif

#endif /* __ARM64_KVM_PKVM_MMIO_H__ */
