// SPDX-License-Identifier: GPL-2.0-only
/*
 * pKVM protected MMIO, hypervisor side.
 *
 * The host lists, before it is deprivileged, the MMIO regions the device
 * tree reserves for the hypervisor. At init the hypervisor maps each of them
 * as device memory in its own stage-1 and marks the whole range hyp-owned in
 * the host stage-2, with block-level annotations wherever alignment allows.
 * From then on a host access faults to EL2, where it is turned into a
 * synchronous external abort for the host: the access fails, the host (and
 * the hypervisor) keep running.
 */

#include <linux/kvm_host.h>
#include <linux/nospec.h>

#include <asm/kvm_emulate.h>
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

/*
 * Benchmark kernels only: the per-page design to compare with, and the
 * counter ticks spent in the protection step and in the whole pKVM init.
 */
bool pkvm_protected_mmio_per_page;
static u64 pkvm_protected_ticks;
static u64 pkvm_init_ticks;

static u64 bench_now(void)
{
	if (!IS_ENABLED(CONFIG_PKVM_PROTECTED_MMIO_BENCH))
		return 0;
	isb();
	return read_sysreg(cntpct_el0);
}

void pkvm_protected_mmio_init_begin(void)
{
	pkvm_init_ticks = bench_now();
}

void pkvm_protected_mmio_init_end(void)
{
	pkvm_init_ticks = bench_now() - pkvm_init_ticks;
}

static bool per_page(void)
{
	return IS_ENABLED(CONFIG_PKVM_PROTECTED_MMIO_BENCH) &&
	       pkvm_protected_mmio_per_page;
}

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
	unsigned int i;

	if (pkvm_protected_nr_regs > PKVM_PROTECTED_MMIO_MAX_REGIONS)
		return -EINVAL;

	for (i = 0; i < pkvm_protected_nr_regs; i++) {
		struct pkvm_protected_reg *reg = &pkvm_protected_regs[i];

		if (!reg->nr_pages || reg_end(reg) <= reg_start(reg))
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

/*
 * Map every region as device memory in the hyp stage-1. Called from
 * recreate_hyp_mappings(), while the early allocator hands out the pages
 * reserved by hyp_s1_pgtable_pages().
 *
 * The private VA range hands out addresses with no particular alignment; to
 * let the VA use the same blocks as the PA, the mapping starts at the first
 * VA congruent to the PA modulo the largest block the region can use.
 */
static int hyp_map(unsigned long va, u64 size, u64 phys)
{
	u64 off;
	int ret;

	if (!per_page())
		return kvm_pgtable_hyp_map(&pkvm_pgtable, va, size, phys,
					   PAGE_HYP_DEVICE);

	for (off = 0; off < size; off += PAGE_SIZE) {
		ret = kvm_pgtable_hyp_map(&pkvm_pgtable, va + off, PAGE_SIZE,
					  phys + off, PAGE_HYP_DEVICE);
		if (ret)
			return ret;
	}
	return 0;
}

int pkvm_protected_mmio_map_hyp(void)
{
	u64 base_align = kvm_granule_size(pkvm_pgtable.start_level + 1);
	u64 start = bench_now();
	unsigned long cursor, unused;
	unsigned int i;
	int ret;

	ret = check_protected_regs();
	if (ret || !pkvm_protected_nr_regs)
		return ret;

	/*
	 * Lay the regions out from a fresh, aligned base, as the host assumed
	 * when it sized the budget: this VA range is used by nothing else.
	 */
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

		ret = pkvm_alloc_private_va_range(va + size - cursor, &unused);
		if (ret)
			return ret;
		/*
		 * On a 16K kernel built for 52-bit VA running on a CPU without
		 * LPA2, 6.12 puts the private VA range on the hyp linear map:
		 * a region there would clash with memory later shared with
		 * the hypervisor. Refuse.
		 */
		if (overlaps_memory(va, va + size, true))
			return -EINVAL;

		hyp_spin_lock(&pkvm_pgd_lock);
		pkvm_protected_hyp_tables -= count_tables(&pkvm_pgtable, va, size);
		ret = hyp_map(va, size, phys);
		pkvm_protected_hyp_tables += count_tables(&pkvm_pgtable, va, size);
		hyp_spin_unlock(&pkvm_pgd_lock);
		if (ret)
			return ret;
		cursor = va + size;
	}

	pkvm_protected_ticks += bench_now() - start;

	/* Never eat the slack the other private mappings were given. */
	if (pkvm_protected_hyp_tables > pkvm_protected_hyp_tables_budget)
		return -ENOMEM;
	return 0;
}

static int host_protect(u64 addr, u64 size)
{
	u64 off;
	int ret;

	if (!per_page())
		return host_stage2_protect_mmio_locked(addr, size, true);

	for (off = 0; off < size; off += PAGE_SIZE) {
		ret = host_stage2_protect_mmio_locked(addr + off, PAGE_SIZE,
						      false);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Take every region away from the host: the host stage-2 says "owned by
 * hyp" for the whole range. Called once the host stage-2 exists and before
 * any CPU runs the host under it, so the ranges hold no host mappings yet.
 *
 * Running out of table pages here means the reservation was miscomputed;
 * it fails pKVM init instead of leaving part of a region reachable.
 */
int pkvm_protected_mmio_take_from_host(void)
{
	u64 start = bench_now();
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

	pkvm_protected_ticks += bench_now() - start;
	if (!ret && pkvm_protected_host_tables > pkvm_protected_host_tables_budget)
		ret = -ENOMEM;
	return ret;
}

/*
 * Unmap the host's MMIO mappings in [start, end) to recycle table pages,
 * stepping over the protected regions: their annotations are the only
 * record that the host may not map them, and unmapping would erase it.
 */
int host_stage2_unmap_dev_range(struct kvm_pgtable *pgt, u64 start, u64 end)
{
	unsigned int i;
	int ret;

	for (i = 0; i < pkvm_protected_nr_regs && start < end; i++) {
		struct pkvm_protected_reg *reg = &pkvm_protected_regs[i];

		if (reg_end(reg) <= start)
			continue;
		if (reg_start(reg) >= end)
			break;
		if (reg_start(reg) > start) {
			ret = kvm_pgtable_stage2_unmap(pgt, start,
						       reg_start(reg) - start);
			if (ret)
				return ret;
		}
		start = reg_end(reg);
	}

	if (start >= end)
		return 0;

	return kvm_pgtable_stage2_unmap(pgt, start, end - start);
}

/*
 * True when any page of [start, end) is protected. The table is sorted and
 * disjoint: find the first region that ends after @start. This runs on
 * every host stage-2 fault.
 */
bool pkvm_protected_mmio_overlaps(u64 start, u64 end)
{
	unsigned int lo = 0, hi = pkvm_protected_nr_regs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (reg_end(&pkvm_protected_regs[mid]) <= start)
			lo = mid + 1;
		else
			hi = mid;
	}

	return lo < pkvm_protected_nr_regs &&
	       reg_start(&pkvm_protected_regs[lo]) < end;
}

/*
 * Deliver a synchronous external abort to the host at the level it was
 * running at, as the hardware would for a bus error: the host's own fault
 * handling then sends SIGBUS to a task or oopses a kernel access. Reflecting
 * the stage-2 fault unchanged would show the host a translation fault on a
 * valid stage-1 mapping, which it would retry forever.
 */
static void host_inject_sea(u64 esr_el2, u64 far)
{
	u64 spsr = read_sysreg_el2(SYS_SPSR);
	u64 mode = spsr & (PSR_MODE_MASK | PSR_MODE32_BIT);
	u64 sctlr = read_sysreg_el1(SYS_SCTLR);
	bool iabt = ESR_ELx_EC(esr_el2) == ESR_ELx_EC_IABT_LOW;
	u64 esr, offset, pstate;

	if (mode == PSR_MODE_EL1h || mode == PSR_MODE_EL1t) {
		esr = iabt ? ESR_ELx_EC_IABT_CUR : ESR_ELx_EC_DABT_CUR;
		offset = mode == PSR_MODE_EL1h ? CURRENT_EL_SP_ELx_VECTOR :
						 CURRENT_EL_SP_EL0_VECTOR;
	} else {
		esr = iabt ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_DABT_LOW;
		offset = (mode & PSR_MODE32_BIT) ? LOWER_EL_AArch32_VECTOR :
						   LOWER_EL_AArch64_VECTOR;
	}

	esr = (esr << ESR_ELx_EC_SHIFT) | ESR_ELx_IL | ESR_ELx_FSC_EXTABT;
	if (!iabt)
		esr |= esr_el2 & (ESR_ELx_WNR | ESR_ELx_CM);
	if (esr_el2 & ESR_ELx_FnV)
		esr |= ESR_ELx_FnV;
	else
		write_sysreg_el1(far, SYS_FAR);

	write_sysreg_el1(esr, SYS_ESR);
	write_sysreg_el1(read_sysreg_el2(SYS_ELR), SYS_ELR);
	write_sysreg_el1(spsr, SYS_SPSR);

	/* PSTATE on exception entry to EL1, as enter_exception64() builds it. */
	pstate = spsr & (PSR_N_BIT | PSR_Z_BIT | PSR_C_BIT | PSR_V_BIT |
			 PSR_DIT_BIT | PSR_PAN_BIT);
	if (!(sctlr & SCTLR_EL1_SPAN))
		pstate |= PSR_PAN_BIT;
	if (sctlr & SCTLR_ELx_DSSBS)
		pstate |= PSR_SSBS_BIT;
	if (cpus_have_final_cap(ARM64_MTE))
		pstate |= PSR_TCO_BIT;
	pstate |= PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | PSR_MODE_EL1h;

	write_sysreg_el2(read_sysreg_el1(SYS_VBAR) + offset, SYS_ELR);
	write_sysreg_el2(pstate, SYS_SPSR);
}

/**
 * host_protected_mmio_abort() - Handle a host stage-2 fault on protected MMIO.
 * @esr:	ESR_EL2 of the fault
 * @far:	FAR_EL2 of the fault
 * @addr:	faulting physical address
 *
 * Return: true when @addr is protected and the host was handed an abort.
 */
bool host_protected_mmio_abort(u64 esr, u64 far, u64 addr)
{
	int i = find_protected_reg(addr);

	if (i < 0)
		return false;

	atomic64_inc(&pkvm_protected_denied[i]);
	host_inject_sea(esr, far);
	return true;
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
	case PKVM_PROTECTED_MMIO_STAT_PROTECT_TICKS:
		return pkvm_protected_ticks;
	case PKVM_PROTECTED_MMIO_STAT_INIT_TICKS:
		return pkvm_init_ticks;
	default:
		return 0;
	}
}
