// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one parser of "pkvm,protected-mmio".
 *
 * It walks a flattened device tree once, translates every tagged reg entry
 * through the ranges of each ancestor to a CPU physical address, and reports
 * the first rule a tag breaks. It is written against the libfdt API only and
 * is built into the kernel (early boot, over initial_boot_params), into the
 * pkvm-mmio tool, and into the unit tests and fuzzers.
 *
 * The blob may be hostile (the tool reads whatever it is given, fuzzers feed
 * it noise): every length is checked before it is used, and no arithmetic on
 * values from the blob may wrap silently.
 */

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdio.h>
#include <string.h>
#endif

#include "pkvm_mmio_fdt.h"

struct pkvm_mmio_walk {
	const void *fdt;
	int depth;
	int stack[PKVM_MMIO_FDT_MAX_DEPTH];	/* node offsets, root first */
	struct pkvm_mmio_error *err;
};

static int set_error(struct pkvm_mmio_error *err, enum pkvm_mmio_rule rule,
		     int node, int reg_index)
{
	memset(err, 0, sizeof(*err));
	err->rule = rule;
	err->node = node;
	err->reg_index = reg_index;
	return -1;
}

/* An error in how @bus describes the address space of its children. */
static int set_bus_error(struct pkvm_mmio_error *err, enum pkvm_mmio_rule rule,
			 int node, int bus, int reg_index)
{
	set_error(err, rule, node, reg_index);
	err->has_bus = true;
	err->bus = bus;
	return -1;
}

static int set_range_error(struct pkvm_mmio_error *err,
			   enum pkvm_mmio_rule rule,
			   const struct pkvm_mmio_region *r)
{
	set_error(err, rule, r->node, r->reg_index);
	err->has_range = true;
	err->base = r->base;
	err->size = r->size;
	return -1;
}

static u64 read_cells(const fdt32_t *cells, int nr)
{
	u64 val = 0;
	int i;

	for (i = 0; i < nr; i++)
		val = (val << 32) | fdt32_ld(&cells[i]);
	return val;
}

/*
 * #address-cells and #size-cells of a bus node. They are not inherited, and
 * the spec's defaults (2 and 1) are not what Linux assumes when they are
 * missing, so a bus that a tagged region is translated through must state
 * both. Three-cell (PCI-style) addresses and zero-cell sizes cannot describe
 * a memory-mapped region.
 */
static int bus_cells(const void *fdt, int bus, int *ac, int *sc)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, bus, "#address-cells", &len);
	if (!p || len != sizeof(*p))
		return -1;
	*ac = fdt32_ld(p);

	p = fdt_getprop(fdt, bus, "#size-cells", &len);
	if (!p || len != sizeof(*p))
		return -1;
	*sc = fdt32_ld(p);

	if (*ac < 1 || *ac > 2 || *sc < 1 || *sc > 2)
		return -1;
	return 0;
}

/*
 * Translate [*addr, *addr + size) from the address space of the children of
 * walk->stack[level] to the one of its parent, through its ranges.
 */
static int translate_one(struct pkvm_mmio_walk *walk, int level,
			 struct pkvm_mmio_region *r, u64 *addr)
{
	const void *fdt = walk->fdt;
	int bus = walk->stack[level];
	int parent = walk->stack[level - 1];
	int ac, sc, pac, psc, entry_cells, i, len;
	const fdt32_t *ranges;

	ranges = fdt_getprop(fdt, bus, "ranges", &len);
	if (!ranges)
		return set_bus_error(walk->err, PKVM_MMIO_NOT_MMIO, r->node, bus,
				     r->reg_index);
	if (len == 0)
		return 0;	/* identity */

	if (bus_cells(fdt, bus, &ac, &sc))
		return set_bus_error(walk->err, PKVM_MMIO_CELLS, r->node, bus,
				     r->reg_index);
	if (bus_cells(fdt, parent, &pac, &psc))
		return set_bus_error(walk->err, PKVM_MMIO_CELLS, r->node, parent,
				     r->reg_index);

	entry_cells = ac + pac + sc;
	if (len % (entry_cells * (int)sizeof(fdt32_t)))
		return set_bus_error(walk->err, PKVM_MMIO_RANGES_LENGTH, r->node,
				     bus, r->reg_index);

	for (i = 0; i < len / (int)sizeof(fdt32_t); i += entry_cells) {
		u64 child = read_cells(&ranges[i], ac);
		u64 pbase = read_cells(&ranges[i + ac], pac);
		u64 rsize = read_cells(&ranges[i + ac + pac], sc);
		u64 off;

		if (*addr < child || *addr - child >= rsize)
			continue;
		off = *addr - child;
		/* The whole region must sit in this one window. */
		if (r->size > rsize - off)
			continue;
		if (pbase + off < pbase)
			break;
		*addr = pbase + off;
		return 0;
	}

	set_bus_error(walk->err, PKVM_MMIO_UNTRANSLATABLE, r->node, bus,
		      r->reg_index);
	walk->err->has_range = true;
	walk->err->base = *addr;
	walk->err->size = r->size;
	return -1;
}

/* Translate to a CPU physical address through every ancestor's ranges. */
static int translate(struct pkvm_mmio_walk *walk, struct pkvm_mmio_region *r)
{
	u64 addr = r->base;
	int level;

	/* stack[depth] is the node itself, stack[depth - 1] its bus. */
	for (level = walk->depth - 1; level > 0; level--) {
		if (translate_one(walk, level, r, &addr))
			return -1;
	}
	r->base = addr;
	return 0;
}

static bool index_tagged(const fdt32_t *tag, int nr_tags, int index)
{
	int i;

	if (!nr_tags)
		return true;	/* empty value: every entry */
	for (i = 0; i < nr_tags; i++) {
		if (fdt32_ld(&tag[i]) == (u32)index)
			return true;
	}
	return false;
}

static int check_tag(struct pkvm_mmio_walk *walk, int node,
		     const fdt32_t *tag, int nr_tags, int nr_regs)
{
	int i, j;

	for (i = 0; i < nr_tags; i++) {
		u32 idx = fdt32_ld(&tag[i]);

		if (idx >= (u32)nr_regs) {
			set_error(walk->err, PKVM_MMIO_TAG_INDEX, node, -1);
			walk->err->found = idx;
			walk->err->limit = nr_regs;
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (fdt32_ld(&tag[j]) == idx)
				return set_error(walk->err,
						 PKVM_MMIO_TAG_DUPLICATE,
						 node, idx);
		}
	}
	return 0;
}

/*
 * Report the reg entries of @node that @tag selects (all of them when @tag
 * is NULL, as for /memory nodes).
 */
static int visit_node(struct pkvm_mmio_walk *walk, int node,
		      const fdt32_t *tag, int tag_len,
		      pkvm_mmio_visit_t fn, void *ctx)
{
	const void *fdt = walk->fdt;
	int ac, sc, len, nr_regs, nr_tags = 0, i, ret, bus;
	const fdt32_t *reg;

	if (tag && tag_len % (int)sizeof(fdt32_t))
		return set_error(walk->err, PKVM_MMIO_TAG_LENGTH, node, -1);
	if (tag)
		nr_tags = tag_len / sizeof(fdt32_t);

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return set_error(walk->err, PKVM_MMIO_NO_REG, node, -1);

	if (walk->depth < 1)
		return set_error(walk->err, PKVM_MMIO_ROOT, node, -1);
	bus = walk->stack[walk->depth - 1];
	if (bus_cells(fdt, bus, &ac, &sc))
		return set_bus_error(walk->err, PKVM_MMIO_CELLS, node, bus, -1);

	if (len == 0 || len % ((ac + sc) * (int)sizeof(fdt32_t)))
		return set_error(walk->err, PKVM_MMIO_REG_LENGTH, node, -1);
	nr_regs = len / ((ac + sc) * sizeof(fdt32_t));

	if (check_tag(walk, node, tag, nr_tags, nr_regs))
		return -1;

	for (i = 0; i < nr_regs; i++) {
		struct pkvm_mmio_region r = {
			.node = node,
			.reg_index = i,
			.nr_merged = 1,
		};

		if (!index_tagged(tag, nr_tags, i))
			continue;

		r.base = read_cells(&reg[i * (ac + sc)], ac);
		r.size = read_cells(&reg[i * (ac + sc) + ac], sc);
		if (translate(walk, &r))
			return -1;

		ret = fn(ctx, &r);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * As early_init_dt_scan_memory() sees it: the first string of device_type
 * is "memory", and a node without reg describes no RAM. Linux only looks at
 * the root's children and skips disabled ones; counting more nodes as RAM
 * can only refuse a region, never accept a wrong one.
 */
static bool is_memory_node(const void *fdt, int node)
{
	const char *type;
	int len;

	type = fdt_getprop(fdt, node, "device_type", &len);
	if (!type || len < (int)sizeof("memory") ||
	    memcmp(type, "memory", sizeof("memory")))
		return false;

	return !!fdt_getprop(fdt, node, "reg", &len);
}

static int walk_tree(const void *fdt, bool memory, pkvm_mmio_visit_t fn,
		     void *ctx, struct pkvm_mmio_error *err)
{
	struct pkvm_mmio_walk walk = { .fdt = fdt, .err = err };
	int node = 0, depth = 0, ret;

	set_error(err, PKVM_MMIO_OK, -1, -1);
	if (fdt_check_header(fdt))
		return set_error(err, PKVM_MMIO_BAD_FDT, -1, -1);

	/* fdt_next_node() returns the offset past the root when depth drops below 0. */
	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		const fdt32_t *tag = NULL;
		int tag_len = 0;

		if (depth >= PKVM_MMIO_FDT_MAX_DEPTH)
			return set_error(err, PKVM_MMIO_TOO_DEEP, node, -1);
		walk.stack[depth] = node;
		walk.depth = depth;

		if (memory) {
			if (depth == 0 || !is_memory_node(fdt, node))
				continue;
		} else {
			tag = fdt_getprop(fdt, node, PKVM_MMIO_PROP, &tag_len);
			if (!tag) {
				if (tag_len != -FDT_ERR_NOTFOUND)
					return set_error(err, PKVM_MMIO_BAD_FDT,
							 node, -1);
				continue;
			}
			if (depth == 0)
				return set_error(err, PKVM_MMIO_ROOT, node, -1);
		}

		ret = visit_node(&walk, node, memory ? NULL : tag, tag_len,
				 fn, ctx);
		if (ret)
			return ret;
	}

	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return set_error(err, PKVM_MMIO_BAD_FDT, -1, -1);
	return 0;
}

/**
 * pkvm_mmio_fdt_walk_regions() - Report every tagged reg entry.
 * @fdt:	the flattened device tree
 * @fn:		called for each entry, translated to a CPU physical address
 * @ctx:	passed to @fn
 * @err:	filled in when a tag is malformed or cannot be translated
 *
 * Regions are reported in tree order and are not yet checked against the
 * platform (see pkvm_mmio_check_region()).
 *
 * Return: 0 when the whole tree was walked, -1 on a rule violation described
 * in @err, or the first non-zero value returned by @fn.
 */
int pkvm_mmio_fdt_walk_regions(const void *fdt, pkvm_mmio_visit_t fn,
			       void *ctx, struct pkvm_mmio_error *err)
{
	return walk_tree(fdt, false, fn, ctx, err);
}

/**
 * pkvm_mmio_fdt_walk_memory() - Report every reg entry of /memory nodes.
 * @fdt:	the flattened device tree
 * @fn:		called for each entry, translated to a CPU physical address
 * @ctx:	passed to @fn
 * @err:	filled in when a memory node cannot be understood
 *
 * Return: as pkvm_mmio_fdt_walk_regions().
 */
int pkvm_mmio_fdt_walk_memory(const void *fdt, pkvm_mmio_visit_t fn,
			      void *ctx, struct pkvm_mmio_error *err)
{
	return walk_tree(fdt, true, fn, ctx, err);
}

/**
 * pkvm_mmio_check_region() - Check one translated region against a platform.
 * @r:		the region
 * @limits:	page size, PA limit and RAM of the platform
 * @err:	filled in with the first rule @r breaks
 *
 * Nothing is rounded: a region that is not exactly page aligned is refused,
 * since protecting more than was asked for could take a neighbour's MMIO and
 * protecting less would leave part of the device reachable.
 *
 * Return: 0 or -1.
 */
int pkvm_mmio_check_region(const struct pkvm_mmio_region *r,
			   const struct pkvm_mmio_limits *limits,
			   struct pkvm_mmio_error *err)
{
	if (!r->size)
		return set_range_error(err, PKVM_MMIO_SIZE_ZERO, r);
	if (r->base + r->size < r->base)
		return set_range_error(err, PKVM_MMIO_WRAPS, r);
	if ((r->base | r->size) & (limits->page_size - 1)) {
		set_range_error(err, PKVM_MMIO_UNALIGNED, r);
		err->limit = limits->page_size;
		return -1;
	}
	if (r->base >= limits->pa_limit ||
	    r->size > limits->pa_limit - r->base) {
		set_range_error(err, PKVM_MMIO_PA_RANGE, r);
		err->limit = limits->pa_limit;
		return -1;
	}
	if (limits->overlaps_ram &&
	    limits->overlaps_ram(limits->ram_ctx, r->base, r->size))
		return set_range_error(err, PKVM_MMIO_RAM, r);
	return 0;
}

static void swap_regions(struct pkvm_mmio_region *a,
			 struct pkvm_mmio_region *b)
{
	struct pkvm_mmio_region t = *a;

	*a = *b;
	*b = t;
}

static bool region_before(const struct pkvm_mmio_region *a,
			  const struct pkvm_mmio_region *b)
{
	return a->base < b->base || (a->base == b->base && a->size < b->size);
}

static void sift_down(struct pkvm_mmio_region *r, int root, int nr)
{
	int child;

	while ((child = 2 * root + 1) < nr) {
		if (child + 1 < nr && region_before(&r[child], &r[child + 1]))
			child++;
		if (!region_before(&r[root], &r[child]))
			return;
		swap_regions(&r[root], &r[child]);
		root = child;
	}
}

/*
 * Heapsort: no allocation, no recursion, O(n log n) on any input, which is
 * what early boot code and a tool reading untrusted blobs both need.
 */
static void sort_regions(struct pkvm_mmio_region *r, int nr)
{
	int i;

	for (i = nr / 2 - 1; i >= 0; i--)
		sift_down(r, i, nr);
	for (i = nr - 1; i > 0; i--) {
		swap_regions(&r[0], &r[i]);
		sift_down(r, 0, i);
	}
}

/**
 * pkvm_mmio_coalesce() - Sort regions and merge overlapping or adjacent ones.
 * @regions:	checked regions (no wrap-around), modified in place
 * @nr:		number of entries in @regions
 *
 * A merged entry keeps the node and reg index of its lowest member and
 * counts its members in nr_merged.
 *
 * Return: the number of regions left.
 */
int pkvm_mmio_coalesce(struct pkvm_mmio_region *regions, int nr)
{
	int i, out = 0;

	if (nr <= 0)
		return 0;

	sort_regions(regions, nr);
	for (i = 1; i < nr; i++) {
		struct pkvm_mmio_region *cur = &regions[out];
		u64 end = cur->base + cur->size;

		if (regions[i].base <= end) {
			u64 new_end = regions[i].base + regions[i].size;

			if (new_end > end)
				cur->size = new_end - cur->base;
			cur->nr_merged += regions[i].nr_merged;
			continue;
		}
		regions[++out] = regions[i];
	}
	return out + 1;
}

/**
 * pkvm_mmio_overlaps() - Does [@base, @base + @size) meet one of @regions?
 * @regions:	ranges in any order, for instance RAM read off /memory nodes
 * @nr:		number of entries in @regions
 * @base:	start of the range to test
 * @size:	its size, not zero
 *
 * Ranges that wrap are taken to run to the end of the address space.
 *
 * Return: true on any overlap.
 */
bool pkvm_mmio_overlaps(const struct pkvm_mmio_region *regions, size_t nr,
			u64 base, u64 size)
{
	u64 last = base + size - 1;
	size_t i;

	for (i = 0; i < nr; i++) {
		u64 r_last = regions[i].base + regions[i].size - 1;

		if (!regions[i].size)
			continue;
		if (r_last < regions[i].base)
			r_last = ~0ULL;
		if (base <= r_last && regions[i].base <= last)
			return true;
	}
	return false;
}

struct discover_ctx {
	const struct pkvm_mmio_limits *limits;
	struct pkvm_mmio_region *regions;
	int cap;
	int nr;
	struct pkvm_mmio_error *err;
};

static int discover_one(void *ctx, const struct pkvm_mmio_region *r)
{
	struct discover_ctx *d = ctx;

	if (pkvm_mmio_check_region(r, d->limits, d->err))
		return -1;

	if (d->nr == d->cap) {
		d->nr = pkvm_mmio_coalesce(d->regions, d->nr);
		if (d->nr == d->cap) {
			set_error(d->err, PKVM_MMIO_TOO_MANY, -1, -1);
			d->err->found = d->cap + 1;
			d->err->found_at_least = true;
			d->err->limit = d->limits->max_regions;
			return -1;
		}
	}
	d->regions[d->nr++] = *r;
	return 0;
}

/**
 * pkvm_mmio_find_overlap() - Which of sorted, disjoint @regions meets a range?
 * @regions:	ranges sorted by base and disjoint, as coalesced
 * @nr:		number of entries in @regions
 * @base:	start of the range to look for
 * @size:	its size
 *
 * Return: the index of a region that meets [@base, @base + @size), or -1 if
 * none does or the range is empty or wraps.
 */
int pkvm_mmio_find_overlap(const struct pkvm_mmio_region *regions, int nr,
			   u64 base, u64 size)
{
	int lo = 0, hi = nr;

	if (!size || base + size < base)
		return -1;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct pkvm_mmio_region *r = &regions[mid];

		if (r->base + r->size <= base)
			lo = mid + 1;
		else if (r->base >= base + size)
			hi = mid;
		else
			return mid;
	}
	return -1;
}

static int discover_memory(void *ctx, const struct pkvm_mmio_region *mem)
{
	struct discover_ctx *d = ctx;
	int i = pkvm_mmio_find_overlap(d->regions, d->nr, mem->base, mem->size);

	if (i < 0)
		return 0;
	return set_range_error(d->err, PKVM_MMIO_RAM, &d->regions[i]);
}

/**
 * pkvm_mmio_fdt_console() - The console node, as the kernel finds it.
 * @fdt:	the flattened device tree
 *
 * Return: the offset of the node /chosen stdout-path (or linux,stdout-path)
 * names, through /aliases and without its options, or a negative value.
 */
int pkvm_mmio_fdt_console(const void *fdt)
{
	const char *path, *colon;
	int chosen, len;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return -1;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path || len <= 0)
		return -1;
	len = strnlen(path, len);
	colon = memchr(path, ':', len);
	if (colon)
		len = colon - path;
	return fdt_path_offset_namelen(fdt, path, len);
}

/* Report every reg entry of any @node, translated like a tagged one. */
static int walk_node_regs(const void *fdt, int node, pkvm_mmio_visit_t fn,
			  void *ctx, struct pkvm_mmio_error *err)
{
	struct pkvm_mmio_walk walk = { .fdt = fdt, .err = err };
	int depth = fdt_node_depth(fdt, node), i;

	if (depth < 1 || depth >= PKVM_MMIO_FDT_MAX_DEPTH)
		return -1;
	for (i = 0; i <= depth; i++) {
		walk.stack[i] = fdt_supernode_atdepth_offset(fdt, node, i, NULL);
		if (walk.stack[i] < 0)
			return -1;
	}
	walk.depth = depth;
	return visit_node(&walk, node, NULL, 0, fn, ctx);
}

static int discover_console(void *ctx, const struct pkvm_mmio_region *con)
{
	struct discover_ctx *d = ctx;
	int i = pkvm_mmio_find_overlap(d->regions, d->nr, con->base,
				       con->size);

	if (i < 0)
		return 0;
	set_range_error(d->err, PKVM_MMIO_CONSOLE, &d->regions[i]);
	return 1;
}

/**
 * pkvm_mmio_fdt_discover() - What a boot would protect, or why it would not.
 * @fdt:	the flattened device tree
 * @limits:	the platform's bounds
 * @regions:	scratch array, holds the coalesced regions on success
 * @cap:	number of entries in @regions, PKVM_MMIO_SCRATCH_REGIONS() of
 *		@limits->max_regions: the raw entries are coalesced whenever
 *		the array fills up, and a set that only fits once later
 *		entries merge it is refused if the array fills up first
 * @err:	the first rule broken
 *
 * Every tagged reg entry is translated and checked, overlapping and
 * adjacent regions are coalesced, the result is checked against the RAM
 * that /memory nodes describe, the console /chosen names, and the region
 * limit. This is the whole boot-time pipeline: the kernel and the tool
 * both call it, so they cannot disagree on what a tree protects.
 *
 * Return: the number of regions (>= 0), or -1 with @err filled in.
 */
int pkvm_mmio_fdt_discover(const void *fdt,
			   const struct pkvm_mmio_limits *limits,
			   struct pkvm_mmio_region *regions, int cap,
			   struct pkvm_mmio_error *err)
{
	struct discover_ctx d = {
		.limits = limits,
		.regions = regions,
		.cap = cap,
		.err = err,
	};
	struct pkvm_mmio_error console_err;
	int console;

	if (pkvm_mmio_fdt_walk_regions(fdt, discover_one, &d, err))
		return -1;

	d.nr = pkvm_mmio_coalesce(regions, d.nr);

	/* RAM that cannot be read off /memory cannot be proven disjoint. */
	if (pkvm_mmio_fdt_walk_memory(fdt, discover_memory, &d, err))
		return -1;

	/*
	 * Taking the console away would turn every line the host prints into
	 * an abort that prints more lines. A console node that cannot be
	 * translated is not on a memory-mapped bus, so it cannot overlap.
	 */
	console = pkvm_mmio_fdt_console(fdt);
	if (console >= 0 &&
	    walk_node_regs(fdt, console, discover_console, &d, &console_err) == 1)
		return -1;

	if (d.nr > (int)limits->max_regions) {
		set_error(err, PKVM_MMIO_TOO_MANY, -1, -1);
		err->found = d.nr;
		err->limit = limits->max_regions;
		return -1;
	}
	return d.nr;
}

static const char *const rule_names[PKVM_MMIO_NR_RULES] = {
	[PKVM_MMIO_OK]			= "ok",
	[PKVM_MMIO_BAD_FDT]		= "bad-fdt",
	[PKVM_MMIO_TOO_DEEP]		= "too-deep",
	[PKVM_MMIO_TAG_LENGTH]		= "tag-length",
	[PKVM_MMIO_TAG_INDEX]		= "tag-index",
	[PKVM_MMIO_TAG_DUPLICATE]	= "tag-duplicate",
	[PKVM_MMIO_NO_REG]		= "no-reg",
	[PKVM_MMIO_ROOT]		= "root",
	[PKVM_MMIO_CELLS]		= "cells",
	[PKVM_MMIO_REG_LENGTH]		= "reg-length",
	[PKVM_MMIO_NOT_MMIO]		= "not-mmio",
	[PKVM_MMIO_RANGES_LENGTH]	= "ranges-length",
	[PKVM_MMIO_UNTRANSLATABLE]	= "untranslatable",
	[PKVM_MMIO_SIZE_ZERO]		= "size-zero",
	[PKVM_MMIO_WRAPS]		= "wraps",
	[PKVM_MMIO_UNALIGNED]		= "unaligned",
	[PKVM_MMIO_PA_RANGE]		= "pa-range",
	[PKVM_MMIO_RAM]			= "ram",
	[PKVM_MMIO_CONSOLE]		= "console",
	[PKVM_MMIO_TOO_MANY]		= "too-many",
	[PKVM_MMIO_NO_MEMORY]		= "no-memory",
};

static const char *const rule_text[PKVM_MMIO_NR_RULES] = {
	[PKVM_MMIO_OK]			= "no error",
	[PKVM_MMIO_BAD_FDT]		= "not a valid flattened device tree",
	[PKVM_MMIO_TOO_DEEP]		= "node nesting is too deep",
	[PKVM_MMIO_TAG_LENGTH]		= "pkvm,protected-mmio is not a list of u32 cells",
	[PKVM_MMIO_TAG_INDEX]		= "pkvm,protected-mmio index is beyond the reg entries",
	[PKVM_MMIO_TAG_DUPLICATE]	= "pkvm,protected-mmio lists an index twice",
	[PKVM_MMIO_NO_REG]		= "tagged node has no reg",
	[PKVM_MMIO_ROOT]		= "the root node cannot be protected",
	[PKVM_MMIO_CELLS]		= "bus lacks #address-cells/#size-cells of 1 or 2",
	[PKVM_MMIO_REG_LENGTH]		= "reg length is not a multiple of the bus cells",
	[PKVM_MMIO_NOT_MMIO]		= "ancestor has no ranges: not on a memory-mapped bus",
	[PKVM_MMIO_RANGES_LENGTH]	= "ranges length is not a multiple of its entry size",
	[PKVM_MMIO_UNTRANSLATABLE]	= "no ranges entry of the bus covers the region",
	[PKVM_MMIO_SIZE_ZERO]		= "region size is zero",
	[PKVM_MMIO_WRAPS]		= "region wraps around the address space",
	[PKVM_MMIO_UNALIGNED]		= "region is not aligned to the page size",
	[PKVM_MMIO_PA_RANGE]		= "region is beyond the host stage-2 PA range",
	[PKVM_MMIO_RAM]			= "region overlaps RAM",
	[PKVM_MMIO_CONSOLE]		= "region overlaps the console (/chosen stdout-path)",
	[PKVM_MMIO_TOO_MANY]		= "too many regions after coalescing",
	[PKVM_MMIO_NO_MEMORY]		= "out of memory",
};

/* A short stable identifier of @rule, for machine-readable output. */
const char *pkvm_mmio_rule_name(enum pkvm_mmio_rule rule)
{
	if ((unsigned int)rule >= PKVM_MMIO_NR_RULES)
		return "unknown";
	return rule_names[rule];
}

/* What @rule means, for people. */
const char *pkvm_mmio_rule_str(enum pkvm_mmio_rule rule)
{
	if ((unsigned int)rule >= PKVM_MMIO_NR_RULES)
		return "unknown error";
	return rule_text[rule];
}

/**
 * pkvm_mmio_format_error() - The one-line diagnostic for @err.
 * @fdt:	the tree @err refers to
 * @err:	the error
 * @buf:	output buffer
 * @len:	size of @buf
 *
 * The line names the node path, the reg index, the range and the rule, in
 * the same words in the kernel log and in the tool's output.
 *
 * Return: the snprintf() result.
 */
int pkvm_mmio_format_error(const void *fdt, const struct pkvm_mmio_error *err,
			   char *buf, size_t len)
{
	char path[256] = "";
	char bus[256 + 8] = "";
	char index[24] = "";
	char range[64] = "";
	char extra[64] = "";

	if (err->node >= 0 && fdt_get_path(fdt, err->node, path, sizeof(path)))
		snprintf(path, sizeof(path), "<node at offset %d>", err->node);
	if (err->has_bus && err->bus != err->node) {
		char bus_path[256];

		if (fdt_get_path(fdt, err->bus, bus_path, sizeof(bus_path)))
			snprintf(bus_path, sizeof(bus_path),
				 "<node at offset %d>", err->bus);
		snprintf(bus, sizeof(bus), " (at %s)", bus_path);
	}
	if (err->reg_index >= 0)
		snprintf(index, sizeof(index), " reg[%d]", err->reg_index);
	if (err->has_range && err->size)
		snprintf(range, sizeof(range), " [0x%llx-0x%llx]",
			 (unsigned long long)err->base,
			 (unsigned long long)(err->base + err->size - 1));
	else if (err->has_range)
		snprintf(range, sizeof(range), " [0x%llx, empty]",
			 (unsigned long long)err->base);

	switch (err->rule) {
	case PKVM_MMIO_TAG_INDEX:
		snprintf(extra, sizeof(extra), " (index %llu, %llu entries)",
			 (unsigned long long)err->found,
			 (unsigned long long)err->limit);
		break;
	case PKVM_MMIO_UNALIGNED:
		snprintf(extra, sizeof(extra), " (page size 0x%llx)",
			 (unsigned long long)err->limit);
		break;
	case PKVM_MMIO_PA_RANGE:
		snprintf(extra, sizeof(extra), " (limit 0x%llx)",
			 (unsigned long long)err->limit);
		break;
	case PKVM_MMIO_TOO_MANY:
		snprintf(extra, sizeof(extra), " (%s%llu found, limit %llu)",
			 err->found_at_least ? "at least " : "",
			 (unsigned long long)err->found,
			 (unsigned long long)err->limit);
		break;
	default:
		break;
	}

	return snprintf(buf, len, "%s%s%s%s: %s%s%s",
			err->node >= 0 ? "" : "device tree",
			path, index, range, pkvm_mmio_rule_str(err->rule),
			extra, bus);
}
