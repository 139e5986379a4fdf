// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one parser of "pkvm,protected-mmio".
 *
 * It walks a flattened device tree once, translates every tagged reg entry
 * to a CPU physical address exactly as Linux's OF core does
 * (__of_translate_address(), of_bus_default_map()), and reports the first
 * rule a tag breaks. It is written against the libfdt API only and is built
 * into the kernel (early boot, over initial_boot_params), into the
 * pkvm-mmio tool, and into the unit tests and fuzzers.
 *
 * A tree without a tag is only looked at for the tag: no rule, limit or
 * walk of ours may change what pKVM does for it. With tags, rules fire only
 * for what the tagged regions need: their ancestors, the memory and the
 * devices the host cannot do without.
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

/* Linux's OF core translates at most this many address cells. */
#define OF_MAX_ADDR_CELLS	4
/* Nor do we read longer sizes: their high cells would be dropped. */
#define MAX_SIZE_CELLS		4

/* How Linux's of_match_bus() treats a node as the parent of others. */
enum bus_kind {
	BUS_DEFAULT,	/* "default": plain numbers */
	BUS_NONE,	/* no #address-cells: no bus matches */
	BUS_PCI,	/* device_type pci, pciex, vci, ht, or named pcie */
	BUS_ISA,	/* named isa */
	BUS_FLAGS,	/* "default-flags": 3 address cells, one of flags */
};

/* What the walk knows of one node on the path from the root, read once. */
struct level {
	int node;
	u32 ac;		/* #address-cells of its children, as inherited */
	u32 sc;		/* #size-cells of its children, as inherited */
	u8 kind;	/* enum bus_kind */
	bool read;
	s8 irq;		/* IRQ_*, read on demand by the interrupt scan */
};

struct pkvm_mmio_walk {
	const void *fdt;
	int depth;		/* of the node being visited */
	struct level stack[PKVM_MMIO_FDT_MAX_DEPTH];
	struct pkvm_mmio_error *err;
	enum pkvm_mmio_handler_id handler;	/* of the tagged node being visited */
};

static int __pkvm_mmio_init set_error(struct pkvm_mmio_error *err,
				      enum pkvm_mmio_rule rule, int node,
				      int reg_index)
{
	memset(err, 0, sizeof(*err));
	err->rule = rule;
	err->node = node;
	err->reg_index = reg_index;
	return -1;
}

/* An error in how @bus describes the address space of its children. */
static int __pkvm_mmio_init set_bus_error(struct pkvm_mmio_error *err,
					  enum pkvm_mmio_rule rule, int node,
					  int bus, int reg_index)
{
	set_error(err, rule, node, reg_index);
	err->has_bus = true;
	err->bus = bus;
	return -1;
}

static int __pkvm_mmio_init set_range_error(struct pkvm_mmio_error *err,
					    enum pkvm_mmio_rule rule,
					    const struct pkvm_mmio_region *r)
{
	set_error(err, rule, r->node, r->reg_index);
	err->has_range = true;
	err->base = r->base;
	err->size = r->size;
	return -1;
}

/* of_read_number(): the cells as one number, of which the low 64 bits stay. */
static u64 __pkvm_mmio_init read_cells(const fdt32_t *cells, u32 nr)
{
	u64 val = 0;
	u32 i;

	for (i = 0; i < nr; i++)
		val = (val << 32) | fdt32_ld(&cells[i]);
	return val;
}

/* Is the first string of @prop of @node equal to @s? */
static bool __pkvm_mmio_init prop_is(const void *fdt, int node,
				     const char *prop, const char *s)
{
	int len, n = strlen(s) + 1;
	const char *val = fdt_getprop(fdt, node, prop, &len);

	return val && len >= n && !memcmp(val, s, n);
}

/* of_node_name_eq(): the node name up to its unit address. */
static bool __pkvm_mmio_init name_is(const void *fdt, int node, const char *s)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	const char *at;
	size_t n;

	if (!name)
		return false;
	at = strchr(name, '@');
	n = at ? (size_t)(at - name) : strlen(name);
	return n == strlen(s) && !memcmp(name, s, n);
}

/* of_property_read_u32() of a cell count, or -1 when it cannot be read. */
static s64 __pkvm_mmio_init read_count(const void *fdt, int node,
				       const char *prop, bool *present)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (present)
		*present = !!p;
	if (!p || len < (int)sizeof(*p))
		return -1;
	return fdt32_ld(p);
}

/*
 * Read, once, how Linux sees stack[i] as a bus: its kind, as of_match_bus()
 * picks it, and the cell counts of its children, inherited from the
 * ancestors and defaulting to 1 at the root (of_bus_n_addr_cells(),
 * of_bus_n_size_cells()).
 */
static struct level *__pkvm_mmio_init walk_level(struct pkvm_mmio_walk *walk,
						 int i)
{
	struct level *l = &walk->stack[i];
	const void *fdt = walk->fdt;
	bool has_ac;
	s64 v;

	if (l->read)
		return l;

	v = read_count(fdt, l->node, "#address-cells", &has_ac);
	l->ac = v >= 0 ? (u32)v : i ? walk_level(walk, i - 1)->ac : 1;
	v = read_count(fdt, l->node, "#size-cells", NULL);
	l->sc = v >= 0 ? (u32)v : i ? walk_level(walk, i - 1)->sc : 1;

	if (prop_is(fdt, l->node, "device_type", "pci") ||
	    prop_is(fdt, l->node, "device_type", "pciex") ||
	    prop_is(fdt, l->node, "device_type", "vci") ||
	    prop_is(fdt, l->node, "device_type", "ht") ||
	    name_is(fdt, l->node, "pcie"))
		l->kind = BUS_PCI;
	else if (name_is(fdt, l->node, "isa"))
		l->kind = BUS_ISA;
	else if (!has_ac)
		l->kind = BUS_NONE;
	else if (l->ac == 3)
		l->kind = BUS_FLAGS;
	else
		l->kind = BUS_DEFAULT;
	l->read = true;
	return l;
}

static void __pkvm_mmio_init walk_push(struct pkvm_mmio_walk *walk, int depth,
				       int node)
{
	walk->stack[depth] = (struct level){ .node = node, .irq = -1 };
	walk->depth = depth;
}

/*
 * Can the children of stack[i] be translated the way this parser does it,
 * the way of Linux's "default" bus? Returns its cells, or -1 with the rule.
 */
static int __pkvm_mmio_init bus_ok(struct pkvm_mmio_walk *walk, int i, int node,
				   int reg_index, u32 *ac, u32 *sc)
{
	struct level *l = walk_level(walk, i);

	switch (l->kind) {
	case BUS_NONE:
		return set_bus_error(walk->err, PKVM_MMIO_CELLS, node, l->node,
				     reg_index);
	case BUS_PCI:
	case BUS_ISA:
	case BUS_FLAGS:
		return set_bus_error(walk->err, PKVM_MMIO_SPECIAL_BUS, node,
				     l->node, reg_index);
	case BUS_DEFAULT:
		break;
	}
	if (l->ac < 1 || l->ac > OF_MAX_ADDR_CELLS || l->sc < 1 ||
	    l->sc > MAX_SIZE_CELLS)
		return set_bus_error(walk->err, PKVM_MMIO_CELLS, node, l->node,
				     reg_index);
	*ac = l->ac;
	*sc = l->sc;
	return 0;
}

/*
 * Translate @r, a reg entry of the node at walk->depth, to a CPU physical
 * address, as __of_translate_address() does: at each bus, the first ranges
 * entry that holds the base decides, and an empty ranges is the identity.
 * Linux only translates the base; the region must also fit in each entry
 * that translated it, or part of it would be somewhere else.
 */
static int __pkvm_mmio_init translate(struct pkvm_mmio_walk *walk,
				      struct pkvm_mmio_region *r)
{
	const void *fdt = walk->fdt;
	u64 addr = r->base;
	u32 na, ns, pna, pns;
	int i;

	if (bus_ok(walk, walk->depth - 1, r->node, r->reg_index, &na, &ns))
		return -1;

	/* stack[i] is the bus the address is on, stack[i - 1] its parent. */
	for (i = walk->depth - 1; i > 0; i--) {
		int bus = walk->stack[i].node;
		const fdt32_t *ranges;
		u32 one, j, cells;
		int len;

		if (bus_ok(walk, i - 1, r->node, r->reg_index, &pna, &pns))
			return -1;

		ranges = fdt_getprop(fdt, bus, "ranges", &len);
		if (!ranges)
			return set_bus_error(walk->err, PKVM_MMIO_NOT_MMIO,
					     r->node, bus, r->reg_index);
		if (len > 0) {
			one = na + pna + ns;
			if (len % (one * sizeof(fdt32_t)))
				return set_bus_error(walk->err,
						     PKVM_MMIO_RANGES_LENGTH,
						     r->node, bus, r->reg_index);
			cells = len / sizeof(fdt32_t);
			for (j = 0; j < cells; j += one) {
				u64 child = read_cells(&ranges[j], na);
				u64 size = read_cells(&ranges[j + na + pna], ns);

				/* of_bus_default_map(), overflow and all. */
				if (addr >= child && addr < child + size)
					break;
			}
			if (j == cells) {
				set_bus_error(walk->err,
					      PKVM_MMIO_UNTRANSLATABLE,
					      r->node, bus, r->reg_index);
				goto bus_range;
			}
			if (r->size > read_cells(&ranges[j + na + pna], ns) -
				      (addr - read_cells(&ranges[j], na))) {
				set_bus_error(walk->err,
					      PKVM_MMIO_RANGES_STRADDLE,
					      r->node, bus, r->reg_index);
				goto bus_range;
			}
			addr = read_cells(&ranges[j + na], pna) +
			       (addr - read_cells(&ranges[j], na));
		}
		/*
		 * of_bus_default_translate() writes the address back into the
		 * parent's cells: a 1-cell parent keeps 32 bits of it.
		 */
		if (pna == 1)
			addr = (u32)addr;
		na = pna;
		ns = pns;
	}
	r->base = addr;
	return 0;

bus_range:
	/* The region as the failing bus sees it. */
	walk->err->has_range = true;
	walk->err->base = addr;
	walk->err->size = r->size;
	return -1;
}

static bool __pkvm_mmio_init index_tagged(const fdt32_t *tag, int nr_tags,
					  int index)
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

static int __pkvm_mmio_init check_tag(struct pkvm_mmio_walk *walk, int node,
				      const fdt32_t *tag, int nr_tags,
				      int nr_regs)
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
 * Report the reg entries of the node at walk->depth that @tag selects (all
 * of them when @tag is NULL), translated; with no @fn, only translate them.
 */
static int __pkvm_mmio_init visit_node(struct pkvm_mmio_walk *walk,
				       const fdt32_t *tag, int tag_len,
				       pkvm_mmio_visit_t fn, void *ctx)
{
	int node = walk->stack[walk->depth].node;
	int len, nr_regs, nr_tags = 0, i, ret;
	const fdt32_t *reg;
	u32 ac, sc;

	if (tag && tag_len % (int)sizeof(fdt32_t))
		return set_error(walk->err, PKVM_MMIO_TAG_LENGTH, node, -1);
	if (tag)
		nr_tags = tag_len / sizeof(fdt32_t);

	reg = fdt_getprop(walk->fdt, node, "reg", &len);
	if (!reg)
		return set_error(walk->err, PKVM_MMIO_NO_REG, node, -1);
	if (walk->depth < 1)
		return set_error(walk->err, PKVM_MMIO_ROOT, node, -1);
	if (bus_ok(walk, walk->depth - 1, node, -1, &ac, &sc))
		return -1;

	if (len == 0 || len % ((ac + sc) * sizeof(fdt32_t)))
		return set_error(walk->err, PKVM_MMIO_REG_LENGTH, node, -1);
	nr_regs = len / ((ac + sc) * sizeof(fdt32_t));

	if (check_tag(walk, node, tag, nr_tags, nr_regs))
		return -1;

	for (i = 0; i < nr_regs; i++) {
		struct pkvm_mmio_region r = {
			.node = node,
			.reg_index = i,
			.nr_merged = 1,
			.handler = walk->handler,
		};

		if (!index_tagged(tag, nr_tags, i))
			continue;

		r.base = read_cells(&reg[i * (ac + sc)], ac);
		r.size = read_cells(&reg[i * (ac + sc) + ac], sc);
		if (translate(walk, &r))
			return -1;

		ret = fn ? fn(ctx, &r) : 0;
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * As early_init_dt_scan_memory() sees it: a child of the root whose
 * device_type is "memory". Linux skips disabled ones; counting more nodes
 * as RAM can only refuse a region, never accept a wrong one.
 */
static bool __pkvm_mmio_init is_memory_node(const void *fdt, int node)
{
	return prop_is(fdt, node, "device_type", "memory");
}

/* Tagged interrupt controllers, found on the way. */
#define MAX_TAGGED_INTC		16

struct tag_scan {
	pkvm_mmio_visit_t fn;
	void *ctx;
	int nr_tagged;
	int intc[MAX_TAGGED_INTC];
	int nr_intc;		/* more than MAX_TAGGED_INTC: not kept */
};

/*
 * The one walk every boot pays: each node is asked for the tag and nothing
 * else; only a tagged node and its ancestors are read further.
 */
static int __pkvm_mmio_init scan_tags(const void *fdt, struct tag_scan *s,
				      struct pkvm_mmio_error *err)
{
	struct pkvm_mmio_walk walk = { .fdt = fdt, .err = err };
	int node, depth = 0, ret;

	set_error(err, PKVM_MMIO_OK, -1, -1);
	if (fdt_check_header(fdt))
		return set_error(err, PKVM_MMIO_BAD_FDT, -1, -1);

	/* fdt_next_node() returns the offset past the root when depth drops below 0. */
	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		const fdt32_t *tag;
		int tag_len, len;

		if (depth < PKVM_MMIO_FDT_MAX_DEPTH)
			walk_push(&walk, depth, node);

		tag = fdt_getprop(fdt, node, PKVM_MMIO_PROP, &tag_len);
		if (!tag) {
			/* A blob it cannot read is not a tree without tags. */
			if (tag_len != -FDT_ERR_NOTFOUND)
				return set_error(err, PKVM_MMIO_BAD_FDT, node, -1);
			continue;
		}

		s->nr_tagged++;
		walk.handler = pkvm_mmio_fdt_handler(fdt, node);
		/* A mediated controller stays usable: the host may keep it. */
		if (!walk.handler &&
		    fdt_getprop(fdt, node, "interrupt-controller", &len)) {
			if (s->nr_intc < MAX_TAGGED_INTC)
				s->intc[s->nr_intc] = node;
			s->nr_intc++;
		}
		/* Linux does not unflatten it: no live node to check against. */
		if (depth >= PKVM_MMIO_FDT_MAX_DEPTH)
			return set_error(err, PKVM_MMIO_TOO_DEEP, node, -1);
		if (depth == 0)
			return set_error(err, PKVM_MMIO_ROOT, node, -1);

		ret = visit_node(&walk, tag, tag_len, s->fn, s->ctx);
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
int __pkvm_mmio_init pkvm_mmio_fdt_walk_regions(const void *fdt,
						pkvm_mmio_visit_t fn, void *ctx,
						struct pkvm_mmio_error *err)
{
	struct tag_scan s = { .fn = fn, .ctx = ctx };

	return scan_tags(fdt, &s, err);
}

/* Report the memory entries of one node, read with the root's cells. */
static int __pkvm_mmio_init visit_memory(const void *fdt, int node, u32 ac,
					 u32 sc, pkvm_mmio_visit_t fn,
					 void *ctx)
{
	const fdt32_t *reg;
	int len, i, ret;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 0)
		return 0;
	/* A trailing part entry is ignored, as Linux ignores it. */
	for (i = 0; i + (int)(ac + sc) <= len / (int)sizeof(fdt32_t);
	     i += ac + sc) {
		struct pkvm_mmio_region r = {
			.base = read_cells(&reg[i], ac),
			.size = read_cells(&reg[i + ac], sc),
			.node = node,
			.reg_index = i / (ac + sc),
			.nr_merged = 1,
		};

		if (!r.size)
			continue;
		ret = fn(ctx, &r);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The root's cells as early_init_dt_scan_root() reads them for /memory,
 * defaulting to 1. Counts Linux could not read memory with are refused.
 */
static int __pkvm_mmio_init root_cells(const void *fdt, u32 *ac, u32 *sc,
				       struct pkvm_mmio_error *err)
{
	s64 a = read_count(fdt, 0, "#address-cells", NULL);
	s64 s = read_count(fdt, 0, "#size-cells", NULL);

	*ac = a >= 0 ? (u32)a : 1;
	*sc = s >= 0 ? (u32)s : 1;
	if (*ac < 1 || *ac > OF_MAX_ADDR_CELLS || *sc < 1 ||
	    *sc > MAX_SIZE_CELLS)
		return set_bus_error(err, PKVM_MMIO_CELLS, -1, 0, -1);
	return 0;
}

static int __pkvm_mmio_init walk_memory(const void *fdt, pkvm_mmio_visit_t fn,
					void *ctx, struct pkvm_mmio_error *err)
{
	int node, ret;
	u32 ac, sc;

	if (root_cells(fdt, &ac, &sc, err))
		return -1;

	fdt_for_each_subnode(node, fdt, 0) {
		if (!is_memory_node(fdt, node))
			continue;
		ret = visit_memory(fdt, node, ac, sc, fn, ctx);
		if (ret)
			return ret;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return set_error(err, PKVM_MMIO_BAD_FDT, -1, -1);
	return 0;
}

/**
 * pkvm_mmio_fdt_walk_memory() - Report every reg entry of /memory nodes.
 * @fdt:	the flattened device tree
 * @fn:		called for each entry
 * @ctx:	passed to @fn
 * @err:	filled in when memory cannot be read off the tree
 *
 * Entries are read as early_init_dt_scan_memory() reads them: with the
 * root's cells, a trailing part entry and empty entries skipped.
 *
 * Return: as pkvm_mmio_fdt_walk_regions().
 */
int __pkvm_mmio_init pkvm_mmio_fdt_walk_memory(const void *fdt,
					       pkvm_mmio_visit_t fn, void *ctx,
					       struct pkvm_mmio_error *err)
{
	set_error(err, PKVM_MMIO_OK, -1, -1);
	if (fdt_check_header(fdt))
		return set_error(err, PKVM_MMIO_BAD_FDT, -1, -1);
	return walk_memory(fdt, fn, ctx, err);
}

/* Set up @walk for @node, wherever it is, reading its ancestors. */
static int __pkvm_mmio_init walk_to(struct pkvm_mmio_walk *walk, int node)
{
	int depth = fdt_node_depth(walk->fdt, node), i;

	if (depth < 1 || depth >= PKVM_MMIO_FDT_MAX_DEPTH)
		return -1;
	for (i = 0; i <= depth; i++) {
		int n = fdt_supernode_atdepth_offset(walk->fdt, node, i, NULL);

		if (n < 0)
			return -1;
		walk_push(walk, i, n);
	}
	return 0;
}

/* Report every reg entry of any @node, translated like a tagged one. */
static int __pkvm_mmio_init walk_node_regs(const void *fdt, int node,
					   pkvm_mmio_visit_t fn, void *ctx,
					   struct pkvm_mmio_error *err)
{
	struct pkvm_mmio_walk walk = { .fdt = fdt, .err = err };

	if (walk_to(&walk, node))
		return -1;
	return visit_node(&walk, NULL, 0, fn, ctx);
}

/**
 * pkvm_mmio_fdt_walk_all_regs() - Report the reg entries of every node.
 * @fdt:	the flattened device tree
 * @fn:		called for each entry, translated to a CPU physical address
 * @ctx:	passed to @fn
 * @skipped:	set to the number of nodes with reg that were not reported
 *		because their address does not translate (not on a
 *		memory-mapped bus, malformed, or nested too deep)
 *
 * Tagged or not, in tree order, with the tagged nodes' own translation:
 * what the tool sets the tagged regions against, and what the interrupt
 * scan reads controllers with. A node is reported whole or not at all.
 *
 * Return: 0, -1 if the blob is not valid, or the first non-zero value
 * returned by @fn.
 */
int __pkvm_mmio_init pkvm_mmio_fdt_walk_all_regs(const void *fdt,
						 pkvm_mmio_visit_t fn,
						 void *ctx, int *skipped)
{
	struct pkvm_mmio_error err;
	struct pkvm_mmio_walk walk = { .fdt = fdt, .err = &err };
	int node, depth = 0, ret;

	*skipped = 0;
	if (fdt_check_header(fdt))
		return -1;

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		int len;

		if (depth < PKVM_MMIO_FDT_MAX_DEPTH)
			walk_push(&walk, depth, node);
		if (!depth || !fdt_getprop(fdt, node, "reg", &len))
			continue;
		if (depth >= PKVM_MMIO_FDT_MAX_DEPTH) {
			(*skipped)++;
			continue;
		}

		/* Translate the whole node first: it is reported whole or not at all. */
		if (visit_node(&walk, NULL, 0, NULL, NULL)) {
			(*skipped)++;
			continue;
		}
		ret = visit_node(&walk, NULL, 0, fn, ctx);
		if (ret)
			return ret;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return -1;
	return 0;
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
int __pkvm_mmio_init pkvm_mmio_check_region(const struct pkvm_mmio_region *r,
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

static void __pkvm_mmio_init swap_regions(struct pkvm_mmio_region *a,
					  struct pkvm_mmio_region *b)
{
	struct pkvm_mmio_region t = *a;

	*a = *b;
	*b = t;
}

static bool __pkvm_mmio_init region_before(const struct pkvm_mmio_region *a,
					   const struct pkvm_mmio_region *b)
{
	return a->base < b->base || (a->base == b->base && a->size < b->size);
}

static void __pkvm_mmio_init sift_down(struct pkvm_mmio_region *r, int root,
				       int nr)
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
static void __pkvm_mmio_init sort_regions(struct pkvm_mmio_region *r, int nr)
{
	int i;

	for (i = nr / 2 - 1; i >= 0; i--)
		sift_down(r, i, nr);
	for (i = nr - 1; i > 0; i--) {
		swap_regions(&r[0], &r[i]);
		sift_down(r, 0, i);
	}
}

/*
 * Denied regions merge freely. A mediated region is one reg entry of one
 * node to its handler, which finds registers by their offset in it: it
 * never merges.
 */
static bool __pkvm_mmio_init mergeable(const struct pkvm_mmio_region *a,
				       const struct pkvm_mmio_region *b)
{
	return a->handler == PKVM_MMIO_HANDLER_NONE &&
	       b->handler == PKVM_MMIO_HANDLER_NONE;
}

/**
 * pkvm_mmio_coalesce() - Sort regions and merge overlapping or adjacent ones.
 * @regions:	checked regions (no wrap-around), modified in place
 * @nr:		number of entries in @regions
 *
 * A merged entry keeps the node and reg index of its lowest member and
 * counts its members in nr_merged. Entries that mergeable() keeps apart stay
 * apart even when they overlap: pkvm_mmio_fdt_discover() refuses that.
 *
 * Return: the number of regions left.
 */
int __pkvm_mmio_init pkvm_mmio_coalesce(struct pkvm_mmio_region *regions,
					int nr)
{
	int i, out = 0;

	if (nr <= 0)
		return 0;

	sort_regions(regions, nr);
	for (i = 1; i < nr; i++) {
		struct pkvm_mmio_region *cur = &regions[out];
		u64 end = cur->base + cur->size;

		if (regions[i].base <= end && mergeable(cur, &regions[i])) {
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
bool __pkvm_mmio_init pkvm_mmio_overlaps(const struct pkvm_mmio_region *regions,
					 size_t nr, u64 base, u64 size)
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
int __pkvm_mmio_init pkvm_mmio_find_overlap(const struct pkvm_mmio_region *regions,
					    int nr, u64 base, u64 size)
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

struct discover_ctx {
	const struct pkvm_mmio_limits *limits;
	struct pkvm_mmio_region *regions;
	int cap;
	int nr;
	struct pkvm_mmio_error *err;
};

/*
 * The first of the sorted regions of @d that meets [@base, @base + @size),
 * or -1: pkvm_mmio_find_overlap() finds one of them, the first is found
 * walking back from it.
 */
static int __pkvm_mmio_init first_overlap(const struct discover_ctx *d,
					  u64 base, u64 size)
{
	int i = pkvm_mmio_find_overlap(d->regions, d->nr, base, size);

	while (i > 0 && d->regions[i - 1].base + d->regions[i - 1].size > base)
		i--;
	return i;
}

static int __pkvm_mmio_init discover_one(void *ctx,
					 const struct pkvm_mmio_region *r)
{
	struct discover_ctx *d = ctx;
	const struct pkvm_mmio_limits *limits = d->limits;

	if (pkvm_mmio_check_region(r, limits, d->err))
		return -1;
	if (limits->translate_check &&
	    limits->translate_check(limits->translate_ctx, r))
		return set_range_error(d->err, PKVM_MMIO_OF_DIFFERS, r);

	if (d->nr == d->cap) {
		d->nr = pkvm_mmio_coalesce(d->regions, d->nr);
		if (d->nr == d->cap) {
			set_error(d->err, PKVM_MMIO_TOO_MANY, -1, -1);
			d->err->found = d->cap + 1;
			d->err->found_at_least = true;
			d->err->limit = limits->max_regions;
			return -1;
		}
	}
	d->regions[d->nr++] = *r;
	return 0;
}

static int __pkvm_mmio_init discover_memory(void *ctx,
					    const struct pkvm_mmio_region *mem)
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
int __pkvm_mmio_init pkvm_mmio_fdt_console(const void *fdt)
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

/* A mediated console stays usable: only a denied region may not meet it. */
static int __pkvm_mmio_init discover_console(void *ctx,
					     const struct pkvm_mmio_region *con)
{
	struct discover_ctx *d = ctx;
	int i;

	for (i = first_overlap(d, con->base, con->size);
	     i >= 0 && i < d->nr && d->regions[i].base < con->base + con->size; i++) {
		if (d->regions[i].handler != PKVM_MMIO_HANDLER_NONE)
			continue;
		set_range_error(d->err, PKVM_MMIO_CONSOLE, &d->regions[i]);
		return 1;
	}
	return 0;
}

/*
 * Coalesced regions that still overlap are a mediated one and another
 * region: no access to the overlap can be handled both ways. Sorted by
 * base, any overlap shows between neighbours.
 */
static int __pkvm_mmio_init check_handlers(const struct discover_ctx *d)
{
	int i;

	for (i = 1; i < d->nr; i++) {
		const struct pkvm_mmio_region *prev = &d->regions[i - 1];

		if (d->regions[i].base < prev->base + prev->size) {
			set_range_error(d->err, PKVM_MMIO_HANDLERS, &d->regions[i]);
			d->err->has_bus = true;
			d->err->bus = prev->node;
			return -1;
		}
	}
	return 0;
}

/*
 * The interrupt controllers the host routes interrupts through: the targets
 * of every interrupt-parent, interrupts-extended and interrupt-map, and, for a node with
 * interrupts and no interrupt-parent on its way up, the nearest ancestor
 * with #interrupt-cells (of_irq_find_parent()). Controllers' own parents
 * are found the same way, so whole chains are covered. Kept as phandles and
 * offsets; past the bounds every controller counts as used.
 */
#define MAX_IRQ_PARENTS		32

struct irq_scan {
	u32 phandles[MAX_IRQ_PARENTS];
	int nr_phandles;
	int implicit[MAX_IRQ_PARENTS];
	int nr_implicit;
	bool overflow;
	u32 last_phandle;
	int last_node;		/* of last_phandle; 0 before the first lookup */
};

enum {
	IRQ_PARENT	= 1 << 0,	/* has interrupt-parent */
	IRQ_CELLS	= 1 << 1,	/* has #interrupt-cells */
};

static void __pkvm_mmio_init add_phandle(struct irq_scan *s, u32 phandle)
{
	int i;

	for (i = 0; i < s->nr_phandles; i++) {
		if (s->phandles[i] == phandle)
			return;
	}
	if (s->nr_phandles == MAX_IRQ_PARENTS)
		s->overflow = true;
	else
		s->phandles[s->nr_phandles++] = phandle;
}

static void __pkvm_mmio_init add_implicit(struct irq_scan *s, int node)
{
	int i;

	for (i = 0; i < s->nr_implicit; i++) {
		if (s->implicit[i] == node)
			return;
	}
	if (s->nr_implicit == MAX_IRQ_PARENTS)
		s->overflow = true;
	else
		s->implicit[s->nr_implicit++] = node;
}

static int __pkvm_mmio_init level_irq(struct pkvm_mmio_walk *walk, int i)
{
	struct level *l = &walk->stack[i];
	int len;

	if (l->irq < 0) {
		l->irq = 0;
		if (fdt_getprop(walk->fdt, l->node, "interrupt-parent", &len))
			l->irq |= IRQ_PARENT;
		if (fdt_getprop(walk->fdt, l->node, "#interrupt-cells", &len))
			l->irq |= IRQ_CELLS;
	}
	return l->irq;
}

/* A phandle's node, remembering the last one: lists repeat the same parent. */
static int __pkvm_mmio_init phandle_node(const void *fdt, struct irq_scan *s,
					 u32 phandle)
{
	if (!s->last_node || s->last_phandle != phandle) {
		s->last_phandle = phandle;
		s->last_node = fdt_node_offset_by_phandle(fdt, phandle);
	}
	return s->last_node;
}

/*
 * interrupts-extended: <phandle specifier...>; interrupt-map: <child-address
 * child-specifier phandle parent-address parent-specifier...>, as
 * of_irq_parse_raw() and of_irq_parse_imap_parent() read them. The lengths
 * come from the targets; one that cannot be followed counts every
 * controller as used.
 */
static void __pkvm_mmio_init scan_irq_list(const void *fdt, const fdt32_t *p,
					   int len, int child_cells,
					   bool with_address,
					   struct irq_scan *s)
{
	int i, n = len / (int)sizeof(*p);

	for (i = child_cells; i < n; i += child_cells) {
		u32 phandle = fdt32_ld(&p[i]);
		int target = phandle_node(fdt, s, phandle);
		s64 cells, address = 0;

		add_phandle(s, phandle);
		cells = target < 0 ? -1 :
			read_count(fdt, target, "#interrupt-cells", NULL);
		if (with_address && target >= 0)
			address = read_count(fdt, target, "#address-cells", NULL);
		if (cells < 0 || cells > n || address < 0 || address > n) {
			s->overflow = true;
			return;
		}
		i += 1 + address + cells;
	}
}

static int __pkvm_mmio_init scan_irqs(const void *fdt, struct irq_scan *s)
{
	struct pkvm_mmio_walk walk = { .fdt = fdt };
	int node, depth = 0;

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		const fdt32_t *p;
		int len, i;

		if (depth >= PKVM_MMIO_FDT_MAX_DEPTH)
			continue;	/* not unflattened, not routed */
		walk_push(&walk, depth, node);

		p = fdt_getprop(fdt, node, "interrupt-parent", &len);
		if (p && len >= (int)sizeof(*p))
			add_phandle(s, fdt32_ld(p));
		p = fdt_getprop(fdt, node, "interrupts-extended", &len);
		if (p)
			scan_irq_list(fdt, p, len, 0, false, s);
		p = fdt_getprop(fdt, node, "interrupt-map", &len);
		if (p) {
			s64 irq_cells = read_count(fdt, node, "#interrupt-cells", NULL);
			s64 addr_cells = 2;

			/* The nexus's #address-cells, inherited, 2 if none. */
			for (i = depth; i >= 0; i--) {
				s64 v = read_count(fdt, walk.stack[i].node,
						   "#address-cells", NULL);

				if (v >= 0) {
					addr_cells = v;
					break;
				}
			}
			if (irq_cells < 0 || addr_cells + irq_cells > 64)
				s->overflow = true;
			else
				scan_irq_list(fdt, p, len, addr_cells + irq_cells,
					      true, s);
		}
		if (!fdt_getprop(fdt, node, "interrupts", &len) ||
		    (level_irq(&walk, depth) & IRQ_PARENT))
			continue;
		for (i = depth - 1; i >= 0; i--) {
			int irq = level_irq(&walk, i);

			if (irq & IRQ_CELLS) {
				add_implicit(s, walk.stack[i].node);
				break;
			}
			if (irq & IRQ_PARENT)
				break;
		}
	}
	return node < 0 && node != -FDT_ERR_NOTFOUND ? -1 : 0;
}

static bool __pkvm_mmio_init irq_used(const void *fdt, const struct irq_scan *s,
				      int node)
{
	u32 phandle = fdt_get_phandle(fdt, node);
	int i;

	if (s->overflow)
		return true;
	for (i = 0; phandle && i < s->nr_phandles; i++) {
		if (s->phandles[i] == phandle)
			return true;
	}
	for (i = 0; i < s->nr_implicit; i++) {
		if (s->implicit[i] == node)
			return true;
	}
	return false;
}

/*
 * A tagged interrupt controller is refused when the host routes interrupts
 * through it. The scan of the whole tree for that is only paid by trees
 * that tag one.
 */
static int __pkvm_mmio_init check_intc(const void *fdt,
				       const struct tag_scan *scan,
				       struct pkvm_mmio_error *err)
{
	struct irq_scan irqs = { 0 };
	int node, depth = 0, i;

	if (!scan->nr_intc)
		return 0;
	if (scan_irqs(fdt, &irqs))
		return set_error(err, PKVM_MMIO_BAD_FDT, -1, -1);

	if (scan->nr_intc <= MAX_TAGGED_INTC) {
		for (i = 0; i < scan->nr_intc; i++) {
			if (irq_used(fdt, &irqs, scan->intc[i]))
				return set_error(err, PKVM_MMIO_INTC,
						 scan->intc[i], -1);
		}
		return 0;
	}

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		int len;

		if (fdt_getprop(fdt, node, PKVM_MMIO_PROP, &len) &&
		    fdt_getprop(fdt, node, "interrupt-controller", &len) &&
		    !pkvm_mmio_fdt_handler(fdt, node) &&
		    irq_used(fdt, &irqs, node))
			return set_error(err, PKVM_MMIO_INTC, node, -1);
	}
	return 0;
}

/* of_fdt_device_is_available(): no status, "okay" or "ok". */
static bool __pkvm_mmio_init node_available(const void *fdt, int node)
{
	int len;

	return !fdt_getprop(fdt, node, "status", &len) ||
	       prop_is(fdt, node, "status", "okay") ||
	       prop_is(fdt, node, "status", "ok");
}

struct device_check {
	const void *fdt;
	const struct discover_ctx *d;
	int depth;		/* of the node being checked */
	struct pkvm_mmio_error *err;
};

static int __pkvm_mmio_init device_overlap(void *ctx,
					   const struct pkvm_mmio_region *r)
{
	const struct device_check *c = ctx;
	const struct discover_ctx *d = c->d;
	int i;

	for (i = first_overlap(d, r->base, r->size);
	     i >= 0 && i < d->nr && d->regions[i].base < r->base + r->size; i++) {
		const struct pkvm_mmio_region *t = &d->regions[i];

		/* A bus's reg may cover its children's: no conflict there. */
		if (fdt_supernode_atdepth_offset(c->fdt, t->node, c->depth,
						 NULL) == r->node)
			continue;
		set_range_error(c->err, PKVM_MMIO_DEVICE, t);
		c->err->has_bus = true;
		c->err->bus = r->node;
		return 1;
	}
	return 0;
}

/*
 * A node the host may still bind, available and untagged, whose reg meets
 * a tagged region: its driver would reach into the region and fault. Not
 * counted: memory and /reserved-memory (the RAM rule's), nodes that do not
 * translate (not memory-mapped), and the tagged node's own ancestors.
 */
static int __pkvm_mmio_init check_devices(const void *fdt,
					  const struct discover_ctx *d,
					  struct pkvm_mmio_error *err)
{
	struct pkvm_mmio_error node_err;
	struct pkvm_mmio_walk walk = { .fdt = fdt, .err = &node_err };
	struct device_check c = { .fdt = fdt, .d = d, .err = err };
	int resmem = fdt_path_offset(fdt, "/reserved-memory");
	int node, depth = 0, len;

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= PKVM_MMIO_FDT_MAX_DEPTH)
			continue;
		walk_push(&walk, depth, node);
		if (!depth || !fdt_getprop(fdt, node, "reg", &len) ||
		    fdt_getprop(fdt, node, PKVM_MMIO_PROP, &len) ||
		    !node_available(fdt, node) || is_memory_node(fdt, node) ||
		    (depth == 2 && walk.stack[1].node == resmem))
			continue;
		c.depth = depth;
		if (visit_node(&walk, NULL, 0, device_overlap, &c) > 0)
			return -1;
	}
	return 0;
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
 * that /memory nodes describe, the console /chosen names, the interrupt
 * controllers the host uses, the devices it may drive, and the region
 * limit. This is the whole
 * boot-time pipeline: the kernel and the tool both call it, so they cannot
 * disagree on what a tree protects. A tree without a tag costs one walk
 * asking each node for the tag, and nothing else of it is checked.
 *
 * Return: the number of regions (>= 0), or -1 with @err filled in.
 */
int __pkvm_mmio_init pkvm_mmio_fdt_discover(const void *fdt,
					    const struct pkvm_mmio_limits *limits,
					    struct pkvm_mmio_region *regions,
					    int cap,
					    struct pkvm_mmio_error *err)
{
	struct discover_ctx d = {
		.limits = limits,
		.regions = regions,
		.cap = cap,
		.err = err,
	};
	struct tag_scan scan = { .fn = discover_one, .ctx = &d };
	struct pkvm_mmio_error console_err;
	int console;

	if (scan_tags(fdt, &scan, err))
		return -1;
	if (!scan.nr_tagged)
		return 0;

	d.nr = pkvm_mmio_coalesce(regions, d.nr);
	if (check_handlers(&d))
		return -1;

	/* RAM that cannot be read off /memory cannot be proven disjoint. */
	if (walk_memory(fdt, discover_memory, &d, err))
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

	/* Nor can it run without the controllers its interrupts go through. */
	if (check_intc(fdt, &scan, err))
		return -1;

	/* Nor can a driver of another device work with part of it gone. */
	if (check_devices(fdt, &d, err))
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
	[PKVM_MMIO_SPECIAL_BUS]		= "special-bus",
	[PKVM_MMIO_REG_LENGTH]		= "reg-length",
	[PKVM_MMIO_NOT_MMIO]		= "not-mmio",
	[PKVM_MMIO_RANGES_LENGTH]	= "ranges-length",
	[PKVM_MMIO_UNTRANSLATABLE]	= "untranslatable",
	[PKVM_MMIO_RANGES_STRADDLE]	= "ranges-straddle",
	[PKVM_MMIO_SIZE_ZERO]		= "size-zero",
	[PKVM_MMIO_WRAPS]		= "wraps",
	[PKVM_MMIO_UNALIGNED]		= "unaligned",
	[PKVM_MMIO_PA_RANGE]		= "pa-range",
	[PKVM_MMIO_RAM]			= "ram",
	[PKVM_MMIO_OF_DIFFERS]		= "of-differs",
	[PKVM_MMIO_HANDLERS]		= "handlers",
	[PKVM_MMIO_CONSOLE]		= "console",
	[PKVM_MMIO_INTC]		= "interrupt-controller",
	[PKVM_MMIO_DEVICE]		= "device",
	[PKVM_MMIO_TOO_MANY]		= "too-many",
	[PKVM_MMIO_CLAIMED]		= "claimed",
	[PKVM_MMIO_NO_MEMORY]		= "no-memory",
};

static const char *const rule_text[PKVM_MMIO_NR_RULES] = {
	[PKVM_MMIO_OK]			= "no error",
	[PKVM_MMIO_BAD_FDT]		= "not a valid flattened device tree",
	[PKVM_MMIO_TOO_DEEP]		= "tagged node is nested deeper than Linux unflattens",
	[PKVM_MMIO_TAG_LENGTH]		= "pkvm,protected-mmio is not a list of u32 cells",
	[PKVM_MMIO_TAG_INDEX]		= "pkvm,protected-mmio index is beyond the reg entries",
	[PKVM_MMIO_TAG_DUPLICATE]	= "pkvm,protected-mmio lists an index twice",
	[PKVM_MMIO_NO_REG]		= "tagged node has no reg",
	[PKVM_MMIO_ROOT]		= "the root node cannot be protected",
	[PKVM_MMIO_CELLS]		= "bus lacks #address-cells, or has invalid cell counts",
	[PKVM_MMIO_SPECIAL_BUS]		= "bus is PCI or ISA, or has a flags cell",
	[PKVM_MMIO_REG_LENGTH]		= "reg length is not a multiple of the bus cells",
	[PKVM_MMIO_NOT_MMIO]		= "ancestor has no ranges: not on a memory-mapped bus",
	[PKVM_MMIO_RANGES_LENGTH]	= "ranges length is not a multiple of its entry size",
	[PKVM_MMIO_UNTRANSLATABLE]	= "no ranges entry of the bus holds the region's base",
	[PKVM_MMIO_RANGES_STRADDLE]	= "region runs past the ranges entry that holds its base",
	[PKVM_MMIO_SIZE_ZERO]		= "region size is zero",
	[PKVM_MMIO_WRAPS]		= "region wraps around the address space",
	[PKVM_MMIO_UNALIGNED]		= "region is not aligned to the page size",
	[PKVM_MMIO_PA_RANGE]		= "region is beyond the host stage-2 PA range",
	[PKVM_MMIO_RAM]			= "region overlaps RAM",
	[PKVM_MMIO_OF_DIFFERS]		= "of_address_to_resource() translates the entry elsewhere",
	[PKVM_MMIO_HANDLERS]		= "region overlaps a region of another node or handler",
	[PKVM_MMIO_CONSOLE]		= "region overlaps the console (/chosen stdout-path)",
	[PKVM_MMIO_INTC]		= "tagged node is an interrupt controller the host uses",
	[PKVM_MMIO_DEVICE]		= "region overlaps a device the host may drive",
	[PKVM_MMIO_TOO_MANY]		= "too many regions after coalescing",
	[PKVM_MMIO_CLAIMED]		= "region is already claimed by the host",
	[PKVM_MMIO_NO_MEMORY]		= "out of memory",
};

/*
 * The EL2 handler of each compatible; a node gets the first, in this
 * table's order, that it is compatible with.
 */
static const struct {
	const char *compatible;
	const char *name;
} handlers[PKVM_MMIO_NR_HANDLERS] = {
	[PKVM_MMIO_HANDLER_NONE]	= { NULL, "none" },
};

/**
 * pkvm_mmio_fdt_handler() - The EL2 handler a tagged node gets.
 * @fdt:	the flattened device tree
 * @node:	the tagged node
 *
 * Return: the first handler, in table order, whose compatible @node lists,
 * or PKVM_MMIO_HANDLER_NONE.
 */
enum pkvm_mmio_handler_id __pkvm_mmio_init
pkvm_mmio_fdt_handler(const void *fdt, int node)
{
	int h;

	for (h = PKVM_MMIO_HANDLER_NONE + 1; h < PKVM_MMIO_NR_HANDLERS; h++) {
		if (!fdt_node_check_compatible(fdt, node, handlers[h].compatible))
			return h;
	}
	return PKVM_MMIO_HANDLER_NONE;
}

/*
 * A short stable name of @handler, for logs and machine-readable output.
 * Not init code: the host's debugfs file names handlers at run time.
 */
const char *pkvm_mmio_handler_name(enum pkvm_mmio_handler_id handler)
{
	if ((unsigned int)handler >= PKVM_MMIO_NR_HANDLERS)
		return "unknown";
	return handlers[handler].name;
}

/* A short stable identifier of @rule, for machine-readable output. */
const char *__pkvm_mmio_init pkvm_mmio_rule_name(enum pkvm_mmio_rule rule)
{
	if ((unsigned int)rule >= PKVM_MMIO_NR_RULES)
		return "unknown";
	return rule_names[rule];
}

/* What @rule means, for people. */
const char *__pkvm_mmio_init pkvm_mmio_rule_str(enum pkvm_mmio_rule rule)
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
int __pkvm_mmio_init pkvm_mmio_format_error(const void *fdt,
					    const struct pkvm_mmio_error *err,
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
