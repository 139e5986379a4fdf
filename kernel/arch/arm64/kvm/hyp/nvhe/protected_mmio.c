// SPDX-License-Identifier: GPL-2.0-only
/*
 * pKVM protected MMIO, hypervisor side.
 *
 * The host lists, before it is deprivileged, the MMIO regions the device
 * tree reserves for the hypervisor. At init the hypervisor maps each of them
 * as device memory in its own stage-1, records where, and marks the whole
 * range hyp-owned in the host stage-2 with a pinned annotation, in blocks
 * wherever alignment allows. From then on a host access faults to EL2 and
 * handle_host_mem_abort() hands the host an abort, as for any other page the
 * host does not own.
 *
 * Why blocks rather than pkvm_create_mappings() and fix_host_ownership(),
 * which work page by page: a 1 GiB region would then cost 2 MiB of page
 * tables in each of the two page tables and a walk of 262144 pages at boot,
 * and the hyp linear map does not cover MMIO far from RAM. A region is never
 * transitioned page by page, so nothing is lost by annotating it whole, and
 * the page-table code itself refuses to split or drop a pinned annotation.
 */

#include <linux/kvm_host.h>
#include <linux/nospec.h>

#include <asm/kvm_hyp.h>
#include <asm/kvm_mmu.h>
#include <asm/kvm_pgtable.h>
#include <asm/kvm_pkvm.h>
#include <asm/kvm_pkvm_mmio.h>

#include <nvhe/mem_protect.h>
#include <nvhe/memory.h>
#include <nvhe/mm.h>
#include <nvhe/protected_mmio.h>

struct pkvm_protected_reg pkvm_protected_regs[PKVM_PROTECTED_MMIO_MAX_REGIONS];
unsigned int pkvm_protected_nr_regs;

/* Filled in by the host with the regions, see pkvm_mmio_tables(). */
unsigned long pkvm_protected_hyp_tables_budget;
unsigned long pkvm_protected_host_tables_budget;

/* Host accesses denied so far, per region. */
static atomic64_t pkvm_protected_denied[PKVM_PROTECTED_MMIO_MAX_REGIONS];

/* Table pages that mapping and annotating the regions added at init. */
static u64 pkvm_protected_hyp_tables;
static u64 pkvm_protected_host_tables;

static u64 reg_start(const struct pkvm_protected_reg *reg)
{
	return hyp_pfn_to_phys(reg->pfn);
}

static u64 reg_end(const struct pkvm_protected_reg *reg)
{
	return hyp_pfn_to_phys(reg->pfn + reg->nr_pages);
}

/*
 * Does [start, end) meet memory? With @hyp_va, as addresses of the hyp
 * linear map of memory rather than as physical addresses.
 */
static bool overlaps_memory(u64 start, u64 end, bool hyp_va)
{
	unsigned int i;

	for (i = 0; i < hyp_memblock_nr; i++) {
		struct memblock_region *mem = &hyp_memory[i];
		u64 base = hyp_va ? (u64)hyp_phys_to_virt(mem->base) : mem->base;

		if (start < base + mem->size && base < end)
			return true;
	}

	return false;
}

/*
 * The host wrote the list while it was still trusted, but the page-state
 * machinery relies on these regions never being memory, and the lookups
 * below on the list being sorted and disjoint: refuse to start otherwise.
 */
static int check_protected_regs(void)
{
	u64 pa_end = BIT(host_mmu.pgt.ia_bits);
	unsigned int i;

	if (pkvm_protected_nr_regs > PKVM_PROTECTED_MMIO_MAX_REGIONS)
		return -EINVAL;

	for (i = 0; i < pkvm_protected_nr_regs; i++) {
		struct pkvm_protected_reg *reg = &pkvm_protected_regs[i];

		if (!reg->nr_pages || reg->pfn >= pa_end >> PAGE_SHIFT ||
		    reg->nr_pages > (pa_end >> PAGE_SHIFT) - reg->pfn)
			return -EINVAL;
		if (i && reg_start(reg) < reg_end(reg - 1))
			return -EINVAL;
		if (overlaps_memory(reg_start(reg), reg_end(reg), false))
			return -EINVAL;
	}

	return 0;
}

static int count_tables_walker(const struct kvm_pgtable_visit_ctx *ctx,
			       enum kvm_pgtable_walk_flags visit)
{
	u64 *nr_tables = ctx->arg;

	(*nr_tables)++;
	return 0;
}

/* Number of tables below the root that a walk of [addr, addr + size) meets. */
static u64 count_tables(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	u64 nr_tables = 0;
	struct kvm_pgtable_walker walker = {
		.cb	= count_tables_walker,
		.flags	= KVM_PGTABLE_WALK_TABLE_PRE,
		.arg	= &nr_tables,
	};

	kvm_pgtable_walk(pgt, addr, size, &walker);
	return nr_tables;
}

/* The region holding @addr, or -1. The table is sorted and disjoint. */
static int find_protected_reg(u64 addr)
{
	int lo = 0, hi = pkvm_protected_nr_regs;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		struct pkvm_protected_reg *reg = &pkvm_protected_regs[mid];

		if (addr < reg_start(reg))
			hi = mid;
		else if (addr >= reg_end(reg))
			lo = mid + 1;
		else
			return mid;
	}

	return -1;
}

/* Map one region for EL2, in the largest blocks the alignment allows. */
static int hyp_map(unsigned long va, u64 size, u64 phys)
{
	return kvm_pgtable_hyp_map(&pkvm_pgtable, va, size, phys,
				   PAGE_HYP_DEVICE);
}

/*
 * Map every region as device memory in the hyp stage-1 and record its VA.
 *
 * The private VA range hands out addresses with no particular alignment; to
 * let the VA use the same blocks as the PA, each mapping starts at the first
 * VA congruent to the PA modulo the largest block the region can use, from
 * a base aligned as pkvm_mmio_tables() assumed when the host sized the
 * budget. This VA range is used by nothing else.
 */
static int map_hyp(void)
{
	u64 base_align = kvm_granule_size(pkvm_pgtable.start_level + 1);
	unsigned long cursor, unused;
	unsigned int i;
	int ret;

	ret = pkvm_alloc_private_va_range(0, &cursor);
	if (!ret && !IS_ALIGNED(cursor, base_align))
		ret = pkvm_alloc_private_va_range(ALIGN(cursor, base_align) - cursor,
						  &unused);
	if (ret)
		return ret;
	cursor = ALIGN(cursor, base_align);

	for (i = 0; i < pkvm_protected_nr_regs; i++) {
		struct pkvm_protected_reg *reg = &pkvm_protected_regs[i];
		u64 phys = reg_start(reg);
		u64 size = reg_end(reg) - phys;
		unsigned long va = pkvm_mmio_va_place(cursor, phys, size);

		/* The layout the budget assumed: nothing else allocates here. */
		ret = pkvm_alloc_private_va_range(va + size - cursor, &unused);
		if (!ret && unused != cursor)
			ret = -EINVAL;
		if (ret)
			return ret;
		/* A region there would alias memory shared with us later. */
		if (overlaps_memory(va, va + size, true))
			return -EINVAL;

		hyp_spin_lock(&pkvm_pgd_lock);
		pkvm_protected_hyp_tables -= count_tables(&pkvm_pgtable, va, size);
		ret = hyp_map(va, size, phys);
		pkvm_protected_hyp_tables += count_tables(&pkvm_pgtable, va, size);
		hyp_spin_unlock(&pkvm_pgd_lock);
		if (ret)
			return ret;
		reg->hyp_va = va;
		cursor = va + size;
	}

	/* Never eat the slack the other private mappings were given. */
	if (pkvm_protected_hyp_tables > pkvm_protected_hyp_tables_budget)
		return -ENOMEM;
	return 0;
}

/* Take one region from the host, in blocks where the alignment allows. */
static int host_protect(u64 addr, u64 size)
{
	return host_stage2_protect_mmio_locked(addr, size);
}

/*
 * Take every region away from the host. Called before any CPU runs the
 * host under its stage-2, so the ranges hold no host mappings yet.
 *
 * Running out of table pages here means the reservation was miscomputed;
 * it fails pKVM init instead of leaving part of a region reachable.
 */
static int take_from_host(void)
{
	unsigned int i;
	int ret = 0;

	hyp_spin_lock(&host_mmu.lock);
	for (i = 0; i < pkvm_protected_nr_regs; i++) {
		struct pkvm_protected_reg *reg = &pkvm_protected_regs[i];
		u64 size = reg_end(reg) - reg_start(reg);

		pkvm_protected_host_tables -= count_tables(&host_mmu.pgt,
							   reg_start(reg), size);
		ret = host_protect(reg_start(reg), size);
		pkvm_protected_host_tables += count_tables(&host_mmu.pgt,
							   reg_start(reg), size);
		if (ret)
			break;
	}
	hyp_spin_unlock(&host_mmu.lock);

	if (!ret && pkvm_protected_host_tables > pkvm_protected_host_tables_budget)
		ret = -ENOMEM;
	return ret;
}

/**
 * pkvm_protected_mmio_init() - Map the regions for EL2, take them from the host.
 *
 * Called from __pkvm_init_finalise() once the hypervisor runs on its own
 * page tables and the host stage-2 reflects the hypervisor's memory, before
 * any CPU runs the host under that stage-2. Any failure fails pKVM init:
 * protecting part of what the platform asked for is not an option. Nothing
 * is unwound then: the host never runs under these page tables.
 *
 * Return: 0 on success, a negative error code otherwise.
 */
int pkvm_protected_mmio_init(void)
{
	int ret;

	ret = check_protected_regs();
	if (ret || !pkvm_protected_nr_regs)
		return ret;

	ret = map_hyp();
	if (!ret)
		ret = take_from_host();
	return ret;
}

/**
 * pkvm_protected_mmio_hyp_va() - Where the hypervisor mapped a protected page.
 * @phys:	a physical address
 *
 * Return: the hyp VA of @phys, or 0 when @phys is not protected.
 */
unsigned long pkvm_protected_mmio_hyp_va(phys_addr_t phys)
{
	int i = find_protected_reg(phys);

	if (i < 0)
		return 0;

	return pkvm_protected_regs[i].hyp_va + (phys - reg_start(&pkvm_protected_regs[i]));
}

/**
 * pkvm_protected_mmio_note_denied() - Count a host access the host stage-2 refused.
 * @phys:	the faulting physical address
 *
 * Called from handle_host_mem_abort() for every fault it turns into an
 * abort for the host; only those in a protected region are counted.
 */
void pkvm_protected_mmio_note_denied(phys_addr_t phys)
{
	int i = find_protected_reg(phys);

	if (i >= 0)
		atomic64_inc(&pkvm_protected_denied[i]);
}

/**
 * __pkvm_protected_mmio_stat() - What the host may know about the regions.
 * @stat:	which figure
 * @idx:	region index, for per-region figures
 *
 * Return: the figure, or 0 for an unknown @stat or @idx.
 */
u64 __pkvm_protected_mmio_stat(u64 stat, u64 idx)
{
	switch (stat) {
	case PKVM_PROTECTED_MMIO_STAT_DENIED:
		if (idx >= pkvm_protected_nr_regs)
			return 0;
		idx = array_index_nospec(idx, pkvm_protected_nr_regs);
		return atomic64_read(&pkvm_protected_denied[idx]);
	case PKVM_PROTECTED_MMIO_STAT_HYP_TABLES:
		return pkvm_protected_hyp_tables;
	case PKVM_PROTECTED_MMIO_STAT_HOST_TABLES:
		return pkvm_protected_host_tables;
	default:
		return 0;
	}
}
