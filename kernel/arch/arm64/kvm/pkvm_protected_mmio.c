// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host side of pKVM protected MMIO: find the regions the device tree tags
 * with "pkvm,protected-mmio", refuse the whole set if any tag is wrong, and
 * hand the rest to the hypervisor through kvm_nvhe_sym(pkvm_protected_regs).
 *
 * It reads the flattened tree with the parser the pkvm-mmio tool and the
 * tests build too, so that a tag means the same wherever it is checked, and
 * checks the result against the OF core on the live tree, which
 * kvm_hyp_reserve() runs late enough to see.
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kvm_host.h>
#include <linux/memblock.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_fdt.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>

#include <asm/cputype.h>
#include <asm/kernel-pgtable.h>
#include <asm/sections.h>
#include <asm/kvm_mmu.h>
#include <asm/kvm_pkvm.h>
#include <asm/kvm_pkvm_mmio.h>

#include "pkvm_mmio_fdt.h"
#include "pkvm_protected_mmio.h"

/* Longest node path we log or look up; a longer one refuses the set. */
#define PKVM_MMIO_PATH_LEN	512

/*
 * The host's own record of what it handed over: once pKVM is finalized the
 * hypervisor's copy sits in memory the host can no longer read.
 */
struct pkvm_protected_src {
	u64 start;
	u64 size;
	const char *path;
	int reg_index;
	int nr_merged;
};

static struct pkvm_protected_src
	pkvm_protected_srcs[PKVM_PROTECTED_MMIO_MAX_REGIONS] __ro_after_init;
static unsigned int pkvm_protected_nr_srcs __ro_after_init;
static struct resource pkvm_protected_res[PKVM_PROTECTED_MMIO_MAX_REGIONS];

/* Raw tagged entries are gathered here before coalescing. */
static struct pkvm_mmio_region
	pkvm_mmio_found[PKVM_MMIO_SCRATCH_REGIONS(PKVM_PROTECTED_MMIO_MAX_REGIONS)] __initdata;

static bool __init overlaps_memblock(void *ctx, u64 base, u64 size)
{
	return memblock_overlaps_region(&memblock.memory, base, size);
}

/*
 * The first PA the host stage-2 can certainly describe, read off the boot
 * CPU. kvm_get_parange() cannot be used this early (it asks whether LPA2 is
 * enabled, which is only known once the CPU features are final), so 52-bit
 * ranges are only trusted where they need no LPA2: a conservative bound
 * that can refuse a region, never wrongly accept one.
 */
static u32 __init boot_cpu_parange(void)
{
	u64 mmfr0 = read_cpuid(ID_AA64MMFR0_EL1);

	return cpuid_feature_extract_unsigned_field(mmfr0, ID_AA64MMFR0_EL1_PARANGE_SHIFT);
}

static u64 __init host_stage2_pa_limit(void)
{
	u32 parange, max = ID_AA64MMFR0_EL1_PARANGE_48;

	if (IS_ENABLED(CONFIG_ARM64_PA_BITS_52) && PAGE_SHIFT == 16)
		max = ID_AA64MMFR0_EL1_PARANGE_52;
	parange = min(boot_cpu_parange(), max);

	return BIT_ULL(id_aa64mmfr0_parange_to_phys_shift(parange));
}

static void __init report_error(const void *fdt,
				const struct pkvm_mmio_error *err)
{
	static char line[512] __initdata;

	pkvm_mmio_format_error(fdt, err, line, sizeof(line));
	kvm_err("protected MMIO: %s [rule %s]; protected mode not enabled\n",
		line, pkvm_mmio_rule_name(err->rule));
}

/* Log the region and keep where it came from (the FDT goes away). */
static void __init record_region(const void *fdt,
				 const struct pkvm_mmio_region *r, int i)
{
	static char path[PKVM_MMIO_PATH_LEN] __initdata;
	char *saved;

	if (fdt_get_path(fdt, r->node, path, sizeof(path)))
		strscpy(path, "?", sizeof(path));

	saved = memblock_alloc(strlen(path) + 1, sizeof(long));
	if (saved)
		strscpy(saved, path, strlen(path) + 1);
	pkvm_protected_srcs[i] = (struct pkvm_protected_src) {
		.start = r->base,
		.size = r->size,
		.path = saved ?: "?",
		.reg_index = r->reg_index,
		.nr_merged = r->nr_merged,
	};

	kvm_info("protected MMIO: [0x%llx-0x%llx] %llu KiB from %s reg[%d]%s\n",
		 r->base, r->base + r->size - 1, r->size / SZ_1K, path,
		 r->reg_index,
		 r->nr_merged > 1 ? " and coalesced neighbours" : "");
}

/* The live node of FDT node @node, with a reference; NULL if there is none. */
static struct device_node *__init live_node(const void *fdt, int node)
{
	static char path[PKVM_MMIO_PATH_LEN] __initdata;

	if (fdt_get_path(fdt, node, path, sizeof(path)))
		return NULL;
	return of_find_node_by_path(path);
}

/*
 * Without CONFIG_OF_KOBJ, unflatten_dt_nodes() drops unavailable nodes: a
 * disabled tagged node has no live node to check or mark, and no driver
 * can bind it either.
 */
static bool __init not_unflattened(const void *fdt, int node)
{
	const char *status;
	int len;

	if (IS_ENABLED(CONFIG_OF_KOBJ))
		return false;
	status = fdt_getprop(fdt, node, "status", &len);
	return status && strcmp(status, "okay") && strcmp(status, "ok");
}

/*
 * Two translators must agree: the parser's, run on the flattened tree, and
 * Linux's own OF core on the live one, which is unflattened by now. Any
 * difference refuses the set.
 */
static int __init of_translation_differs(void *ctx,
					 const struct pkvm_mmio_region *r)
{
	struct device_node *np = live_node(initial_boot_params, r->node);
	struct resource res;
	int ret;

	if (!np)
		return !not_unflattened(initial_boot_params, r->node);
	ret = of_address_to_resource(np, r->reg_index, &res);
	of_node_put(np);

	return ret || res.start != r->base || resource_size(&res) != r->size;
}

/* Every tagged node, found in the live tree before any is changed. */
struct reserve_plan {
	struct device_node **np;
	struct property *props;
	int nr;
	int cap;
	int last_node;
};

static int __init count_tagged_node(void *ctx, const struct pkvm_mmio_region *r)
{
	struct reserve_plan *plan = ctx;

	if (r->node != plan->last_node)
		plan->cap++;
	plan->last_node = r->node;
	return 0;
}

static int __init plan_tagged_node(void *ctx, const struct pkvm_mmio_region *r)
{
	struct reserve_plan *plan = ctx;

	if (r->node == plan->last_node)
		return 0;
	plan->last_node = r->node;
	if (plan->nr == plan->cap)
		return -ENOSPC;
	plan->np[plan->nr] = live_node(initial_boot_params, r->node);
	if (!plan->np[plan->nr] && not_unflattened(initial_boot_params, r->node))
		return 0;
	if (!plan->np[plan->nr]) {
		static char path[PKVM_MMIO_PATH_LEN] __initdata;

		if (fdt_get_path(initial_boot_params, r->node, path, sizeof(path)))
			strscpy(path, "?", sizeof(path));
		kvm_err("protected MMIO: %s: not in the live device tree, cannot set status \"reserved\"; protected mode not enabled\n",
			path);
		return -ENOENT;
	}
	plan->nr++;
	return 0;
}

/*
 * Give each tagged node status = "reserved" in the live tree, the devicetree
 * spec's "operational, but controlled by another software component", so no
 * host driver binds it and probes hardware it can no longer reach (an AMBA
 * bus probe alone reads the peripheral ID registers). The tree is already
 * unflattened when kvm_hyp_reserve() runs, but the slab is not up yet.
 *
 * All or nothing: every node is looked up and every property allocated
 * first, and only then are the nodes changed, which cannot fail. A node a
 * driver could still bind would be probed and then lose its device under
 * the driver's feet, so a node that cannot be marked refuses the set.
 */
static int __init reserve_tagged_nodes(const void *fdt)
{
	struct reserve_plan plan = { .last_node = -1 };
	struct pkvm_mmio_error err;
	int i, ret = -ENOMEM;

	pkvm_mmio_fdt_walk_regions(fdt, count_tagged_node, &plan, &err);
	plan.np = memblock_alloc(plan.cap * sizeof(*plan.np), SMP_CACHE_BYTES);
	plan.props = memblock_alloc(plan.cap * sizeof(*plan.props),
				    SMP_CACHE_BYTES);
	if (!plan.np || !plan.props) {
		kvm_err("protected MMIO: no memory to mark %d nodes \"reserved\"; protected mode not enabled\n",
			plan.cap);
		goto out_free;
	}

	plan.last_node = -1;
	ret = pkvm_mmio_fdt_walk_regions(fdt, plan_tagged_node, &plan, &err);
	if (ret)
		goto out_put;

	for (i = 0; i < plan.nr; i++) {
		plan.props[i] = (struct property) {
			.name	= "status",
			.value	= "reserved",
			.length	= sizeof("reserved"),
		};
		of_update_property(plan.np[i], &plan.props[i]);
		kvm_info("protected MMIO: %pOF is now status \"reserved\" for the hypervisor\n",
			 plan.np[i]);
	}
	plan.props = NULL;	/* in the live tree now */
out_put:
	for (i = 0; i < plan.nr; i++)
		of_node_put(plan.np[i]);
out_free:
	if (plan.props)
		memblock_free(plan.props, plan.cap * sizeof(*plan.props));
	if (plan.np)
		memblock_free(plan.np, plan.cap * sizeof(*plan.np));
	return ret;
}

/*
 * The parser knows the console /chosen names; an earlycon= on the command
 * line may name another one by address ("earlycon=pl011,0x9000000",
 * "earlycon=uart8250,mmio32,0x..."): the first number after the driver's
 * name. Taking it would oops printk. Returns true after logging the refusal.
 */
static bool __init earlycon_overlaps(const void *fdt, int nr)
{
	static char path[PKVM_MMIO_PATH_LEN] __initdata;
	static char arg[64] __initdata;
	char *p = strstr(boot_command_line, "earlycon="), *tok, *cur;
	const struct pkvm_mmio_region *r;
	u64 addr;
	int i;

	if (!p || (p != boot_command_line && p[-1] != ' '))
		return false;
	strscpy(arg, p + strlen("earlycon="), sizeof(arg));
	arg[strcspn(arg, " ")] = '\0';
	cur = strchr(arg, ',');
	while (cur && (tok = strsep(&cur, ","))) {
		if (!*tok || kstrtou64(tok, 0, &addr))
			continue;
		i = pkvm_mmio_find_overlap(pkvm_mmio_found, nr, addr, 1);
		if (i < 0)
			return false;
		r = &pkvm_mmio_found[i];
		if (fdt_get_path(fdt, r->node, path, sizeof(path)))
			strscpy(path, "?", sizeof(path));
		kvm_err("protected MMIO: %s reg[%d] [0x%llx-0x%llx]: region overlaps the console (earlycon=%s) [rule %s]; protected mode not enabled\n",
			path, r->reg_index, r->base, r->base + r->size - 1, arg,
			pkvm_mmio_rule_name(PKVM_MMIO_CONSOLE));
		return true;
	}
	return false;
}

/* The level of the hyp stage-1 root, as kvm_mmu_init() will size it. */
static s8 __init hyp_s1_root_level(void)
{
	u32 hyp_va_bits = max_t(u32, IDMAP_VA_BITS, vabits_actual);

	return KVM_PGTABLE_LAST_LEVEL + 1 - ARM64_HW_PGTABLE_LEVELS(hyp_va_bits);
}

/*
 * The level of the host stage-2 root, as kvm_get_vtcr() will size it from
 * the boot CPU's PA range: a CPU with a smaller range only makes the root
 * shallower. Whether LPA2 will be in use is not known yet; a deeper root is
 * an upper bound.
 */
static s8 __init host_s2_root_level(void)
{
	u32 parange = min_t(u32, boot_cpu_parange(), ID_AA64MMFR0_EL1_PARANGE_MAX);
	u32 phys_shift, levels;

	phys_shift = id_aa64mmfr0_parange_to_phys_shift(parange);
	levels = max_t(u32, ARM64_HW_PGTABLE_LEVELS(phys_shift - 4), 2);

	return KVM_PGTABLE_LAST_LEVEL + 1 - levels;
}

/*
 * Size the page tables the regions need, for the hyp memory reservation.
 * The hyp text is mapped page by page in the host stage-2 before the
 * regions are annotated, so the tables on its path are there already.
 */
static void __init size_page_tables(unsigned int nr)
{
	struct pkvm_protected_reg *regs = kvm_nvhe_sym(pkvm_protected_regs);
	unsigned long s1, s2;

	s1 = pkvm_mmio_tables(regs, nr, hyp_s1_root_level(), true, false, 0);
	s2 = pkvm_mmio_tables(regs, nr, host_s2_root_level(), false, true,
			      __pa_symbol(__hyp_text_start));

	kvm_nvhe_sym(pkvm_protected_hyp_tables_budget) = s1;
	kvm_nvhe_sym(pkvm_protected_host_tables_budget) = s2;
}

/**
 * pkvm_protected_mmio_discover() - Fill the hypervisor's protected regions.
 *
 * Called by kvm_hyp_reserve() in protected mode, after the memblocks were
 * registered and before the hypervisor's memory is sized: the page tables
 * the regions need are part of that size.
 *
 * Return: 0 when every tag is valid (possibly none), or a negative error
 * code after logging the one line that names the node and the rule. On
 * error nothing is handed to the hypervisor and the caller must not bring
 * up protected mode: protecting part of what the platform asked for would
 * be worse than protecting nothing, because it looks like success.
 */
int __init pkvm_protected_mmio_discover(void)
{
	struct pkvm_protected_reg *regs = kvm_nvhe_sym(pkvm_protected_regs);
	const void *fdt = initial_boot_params;
	struct pkvm_mmio_limits limits = {
		.page_size = PAGE_SIZE,
		.pa_limit = host_stage2_pa_limit(),
		.max_regions = PKVM_PROTECTED_MMIO_MAX_REGIONS,
		.overlaps_ram = overlaps_memblock,
		.translate_check = of_translation_differs,
	};
	struct pkvm_mmio_error err;
	u64 nr_pages = 0;
	int nr, i, merged = 0;

	kvm_nvhe_sym(pkvm_protected_nr_regs) = 0;
	kvm_nvhe_sym(pkvm_protected_hyp_tables_budget) = 0;
	kvm_nvhe_sym(pkvm_protected_host_tables_budget) = 0;
	if (!fdt)
		return 0;

	nr = pkvm_mmio_fdt_discover(fdt, &limits, pkvm_mmio_found,
				    ARRAY_SIZE(pkvm_mmio_found), &err);
	if (nr < 0) {
		report_error(fdt, &err);
		return -EINVAL;
	}

	if (nr && (earlycon_overlaps(fdt, nr) || reserve_tagged_nodes(fdt)))
		return -EINVAL;

	for (i = 0; i < nr; i++) {
		const struct pkvm_mmio_region *r = &pkvm_mmio_found[i];

		regs[i].pfn = r->base >> PAGE_SHIFT;
		regs[i].nr_pages = r->size >> PAGE_SHIFT;
		nr_pages += regs[i].nr_pages;
		merged += r->nr_merged - 1;
		record_region(fdt, r, i);
	}

	kvm_nvhe_sym(pkvm_protected_nr_regs) = nr;
	pkvm_protected_nr_srcs = nr;
	size_page_tables(nr);

	if (merged)
		kvm_info("protected MMIO: coalesced %d overlapping or adjacent entries\n",
			 merged);
	if (nr)
		kvm_info("protected MMIO: %d regions, %llu pages, page tables: %lu hyp stage-1 + %lu host stage-2 pages\n",
			 nr, nr_pages, pkvm_protected_mmio_hyp_pgtable_pages(),
			 pkvm_protected_mmio_host_pgtable_pages());
	return 0;
}

static int __init count_region(void *ctx, const struct pkvm_mmio_region *r)
{
	(*(int *)ctx)++;
	return 0;
}

/**
 * pkvm_protected_mmio_report_ignored() - Say once when tags have no effect.
 *
 * Outside protected mode nothing takes the regions away from the host; a
 * board that relies on them should learn that from the log.
 */
void __init pkvm_protected_mmio_report_ignored(void)
{
	struct pkvm_mmio_error err;
	int nr = 0;

	if (!initial_boot_params ||
	    (is_hyp_mode_available() && !is_kernel_in_hyp_mode() &&
	     kvm_get_mode() == KVM_MODE_PROTECTED))
		return;

	pkvm_mmio_fdt_walk_regions(initial_boot_params, count_region, &nr, &err);
	if (nr)
		kvm_info("protected MMIO: %d tagged regions ignored: pKVM is not in protected mode\n",
			 nr);
}

static u64 protected_mmio_stat(enum pkvm_protected_mmio_stat stat, u64 idx)
{
	return kvm_call_hyp_nvhe(__pkvm_protected_mmio_stat, stat, idx);
}

static int protected_mmio_show(struct seq_file *m, void *v)
{
	u64 pages = 0, denied = 0;
	unsigned int i;

	for (i = 0; i < pkvm_protected_nr_srcs; i++) {
		const struct pkvm_protected_src *src = &pkvm_protected_srcs[i];
		u64 n = protected_mmio_stat(PKVM_PROTECTED_MMIO_STAT_DENIED, i);

		seq_printf(m, "0x%016llx-0x%016llx %12llu KiB %s reg[%d]",
			   src->start, src->start + src->size - 1,
			   src->size / SZ_1K, src->path, src->reg_index);
		if (src->nr_merged > 1)
			seq_printf(m, " (+%d coalesced)", src->nr_merged - 1);
		seq_printf(m, " denied %llu\n", n);
		pages += src->size >> PAGE_SHIFT;
		denied += n;
	}

	seq_printf(m, "total: %u regions, %llu pages, %llu denied host accesses, page tables: %llu hyp stage-1 + %llu host stage-2 pages\n",
		   pkvm_protected_nr_srcs, pages, denied,
		   protected_mmio_stat(PKVM_PROTECTED_MMIO_STAT_HYP_TABLES, 0),
		   protected_mmio_stat(PKVM_PROTECTED_MMIO_STAT_HOST_TABLES, 0));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(protected_mmio);

/*
 * @res is a copy of the claim, cut to the range asked about: find the claim
 * itself among its parent's children, for its name.
 */
static int __init note_claim(struct resource *res, void *arg)
{
	const char **name = arg;
	struct resource *p;

	*name = "?";
	for (p = res->parent ? res->parent->child : NULL; p; p = p->sibling) {
		if ((p->flags & IORESOURCE_BUSY) && p->start <= res->start &&
		    res->end <= p->end) {
			*name = p->name ?: "?";
			break;
		}
	}
	return 1;
}

/**
 * pkvm_protected_mmio_check_claims() - Refuse regions the host has claimed.
 *
 * Called right before the hypervisor takes the regions (__pkvm_init). A
 * region some host code has already requested (the interrupt controller's
 * driver, an early console) is one the host runs with: taking it would
 * break the host, so pKVM does not come up, as for any other refusal. The
 * tagged nodes stay "reserved".
 *
 * Return: 0, or -EBUSY after logging the one line that names the region
 * and its claimant.
 */
int __init pkvm_protected_mmio_check_claims(void)
{
	unsigned int i;

	for (i = 0; i < pkvm_protected_nr_srcs; i++) {
		const struct pkvm_protected_src *src = &pkvm_protected_srcs[i];
		u64 end = src->start + src->size - 1;
		const char *claimant;

		if (walk_iomem_res_desc(IORES_DESC_NONE,
					IORESOURCE_MEM | IORESOURCE_BUSY,
					src->start, end, &claimant, note_claim) <= 0)
			continue;
		kvm_err("protected MMIO: %s reg[%d] [0x%llx-0x%llx]: %s (%s) [rule %s]; protected mode not enabled\n",
			src->path, src->reg_index, src->start, end,
			pkvm_mmio_rule_str(PKVM_MMIO_CLAIMED), claimant,
			pkvm_mmio_rule_name(PKVM_MMIO_CLAIMED));
		return -EBUSY;
	}
	return 0;
}

/**
 * pkvm_protected_mmio_finalize() - Host bookkeeping once pKVM owns the regions.
 *
 * Called when the host has dropped its privileges. Claims every region in
 * iomem, so /proc/iomem shows who owns it and a driver's
 * request_mem_region() fails, and lists the regions in debugfs.
 */
void __init pkvm_protected_mmio_finalize(void)
{
	struct dentry *kvm_dir;
	unsigned int i;

	for (i = 0; i < pkvm_protected_nr_srcs; i++) {
		const struct pkvm_protected_src *src = &pkvm_protected_srcs[i];
		struct resource *res = &pkvm_protected_res[i];

		res->name = "pKVM protected MMIO";
		res->start = src->start;
		res->end = src->start + src->size - 1;
		res->flags = IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_EXCLUSIVE;
		if (insert_resource(&iomem_resource, res))
			kvm_err("protected MMIO: %pR already claimed by the host; the hypervisor owns it regardless\n",
				res);
	}

	/* kvm_debugfs_dir is kvm_main.c's own: find the directory by name. */
	kvm_dir = debugfs_lookup("kvm", NULL);
	if (kvm_dir) {
		debugfs_create_file("protected_mmio", 0400, kvm_dir, NULL,
				    &protected_mmio_fops);
		dput(kvm_dir);
	}

	if (pkvm_protected_nr_srcs)
		kvm_info("protected MMIO: %u regions owned by the hypervisor\n",
			 pkvm_protected_nr_srcs);
}
