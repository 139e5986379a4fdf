/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How many page-table pages the protected MMIO regions need, as the host
 * computes it before the hypervisor exists (pkvm_protected_mmio.c), and as
 * the KUnit suite checks it. The hypervisor counts what it really used.
 */
#ifndef __ARM64_KVM_PKVM_PROTECTED_MMIO_H__
#define __ARM64_KVM_PKVM_PROTECTED_MMIO_H__

#include <linux/math.h>
#include <linux/minmax.h>
#include <asm/kvm_pgtable.h>
#include <asm/kvm_pkvm_mmio.h>

/*
 * The deepest root either page table can have: the host stage-2 covers the
 * PA range, the hyp stage-1 at most VA_BITS. Counting from here is an upper
 * bound for a shallower (or concatenated) root.
 */
#define PKVM_PROTECTED_MMIO_FIRST_LEVEL					\
	(KVM_PGTABLE_LAST_LEVEL + 1 -					\
	 ARM64_HW_PGTABLE_LEVELS(max(PHYS_MASK_SHIFT, VA_BITS)))

static inline void pkvm_mmio_count_window(u64 w, u64 *last, bool resident,
					  u64 resident_w, unsigned long *tables)
{
	if (w != *last && !(resident && w == resident_w))
		(*tables)++;
	*last = w;
}

/*
 * The table pages, each counted once, that mapping (or annotating) the
 * sorted, disjoint @regs with the largest blocks their alignment allows
 * needs below a root at level @root.
 *
 * A window of a level needs a table below it when a region touches it
 * without covering it whole, or covers it but the level has no blocks.
 * With @hyp_va the regions are laid out as the hypervisor's map_hyp()
 * (nvhe/protected_mmio.c) lays them out in its private VA range: one after the other from a
 * base aligned to the granule below the root, each at the VA
 * pkvm_mmio_va_place() gives, with blocks only where both the VA and the
 * PA are aligned. Where that base falls within its root entry is not
 * known, so the tables under the root are counted for the worst case.
 * Without @hyp_va the regions are idmapped (host stage-2), and the tables
 * of the windows that contain @resident (a PA the table already maps at
 * page granularity) are not counted.
 */
static inline unsigned long pkvm_mmio_tables(const struct pkvm_protected_reg *regs,
					     unsigned int nr, s8 root,
					     bool hyp_va, bool has_resident,
					     u64 resident)
{
	unsigned long tables = 0;
	s8 level;

	for (level = root; level < KVM_PGTABLE_LAST_LEVEL; level++) {
		u64 granule = kvm_granule_size(level);
		u64 cursor = 0, last = U64_MAX;
		unsigned int i;

		for (i = 0; i < nr; i++) {
			u64 phys = regs[i].pfn << PAGE_SHIFT;
			u64 size = regs[i].nr_pages << PAGE_SHIFT;
			u64 start = hyp_va ? pkvm_mmio_va_place(cursor, phys, size) : phys;
			u64 end = start + size;
			u64 first_w = start / granule, last_w = (end - 1) / granule;
			bool blocks = kvm_level_supports_block_mapping(level) &&
				      (!hyp_va || granule <= pkvm_mmio_va_align(phys, size));
			u64 w;

			cursor = end;
			if (hyp_va && level == root)
				continue;
			if (!blocks) {
				for (w = first_w; w <= last_w; w++)
					pkvm_mmio_count_window(w, &last, has_resident && !hyp_va,
							       resident / granule, &tables);
				continue;
			}
			if (start % granule || (first_w == last_w && end % granule))
				pkvm_mmio_count_window(first_w, &last, has_resident && !hyp_va,
						       resident / granule, &tables);
			if (last_w != first_w && end % granule)
				pkvm_mmio_count_window(last_w, &last, has_resident && !hyp_va,
						       resident / granule, &tables);
		}

		/* The whole layout fits in at most this many root entries. */
		if (hyp_va && level == root)
			tables += DIV_ROUND_UP(cursor, granule) + 1;
	}

	return tables;
}

#endif /* __ARM64_KVM_PKVM_PROTECTED_MMIO_H__ */
