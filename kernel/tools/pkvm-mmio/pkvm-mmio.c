// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm-mmio: list, check, tag and untag the MMIO regions that pKVM protects
 * from the host ("pkvm,protected-mmio" in a flattened device tree).
 *
 * Every rule comes from pkvm_mmio_fdt.c, the very file the kernel builds:
 * this tool only adds what a person needs before booting (where each region
 * comes from, what else it overlaps) and the editing of a blob. It reads
 * untrusted input, so the blob is checked with fdt_check_full() before
 * anything else looks at it, and its size is bounded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "pkvm_mmio_fdt.h"

#define PKVM_MMIO_TOOL_VERSION	"1.0"

/* Exit status: documented in pkvm-mmio.1, scripts rely on it. */
#define EXIT_CLEAN		0
#define EXIT_RULES		1
#define EXIT_USAGE		2

/* No real DTB comes near this; it keeps a stray file from eating memory. */
#define MAX_INPUT_SIZE		(64u * 1024 * 1024)
#define MAX_MAX_REGIONS		(1024u * 1024)

/* Node flags, gathered in one walk of the tree. */
enum {
	N_TAGGED	= 0x01,	/* has pkvm,protected-mmio */
	N_INTC		= 0x02,	/* interrupt-controller */
	N_CONSOLE	= 0x04,	/* the /chosen stdout-path node */
	N_RESMEM	= 0x08,	/* child of /reserved-memory */
	N_MEMORY	= 0x10,	/* device_type = "memory" */
	N_UNAVAILABLE	= 0x20,	/* status neither "okay" nor "ok" */
};

struct opts {
	u64 page_size;
	unsigned int pa_bits;
	unsigned int max_regions;
	bool werror;
	bool force;
	bool json;
	bool format_set;
};

struct node_info {
	int offset;
	int parent;		/* index in tree.nodes, -1 for the root */
	int depth;
	unsigned int flags;
};

struct tree {
	struct node_info *nodes;
	int nr;
	int nr_tagged;
};

struct region_vec {
	struct pkvm_mmio_region *r;
	size_t nr;
	size_t cap;
};

/* A reg entry of an untagged node, translated by the parser. */
struct other_reg {
	u64 base;
	u64 size;
	int node;		/* index in tree.nodes */
	int reg_index;
};

struct finding {
	bool error;
	const char *rule;
	int node;		/* index in tree.nodes, -1 for the whole tree */
	int reg_index;		/* -1 when not about one entry */
	bool has_range;
	u64 base;
	u64 size;
	char *message;		/* "<node> reg[i] [range]: <what>" */
};

struct analysis {
	const void *fdt;
	struct tree tree;
	struct pkvm_mmio_region *regions;	/* coalesced, on success */
	int nr_regions;				/* -1 when refused */
	struct region_vec raw;			/* tagged entries, tree order */
	struct region_vec ram;			/* /memory entries */
	bool ram_read;				/* ram[] read off the tree */
	struct other_reg *others;
	size_t nr_others;
	size_t cap_others;
	struct finding *findings;
	size_t nr_findings;
	size_t cap_findings;
	int nr_errors;
	int nr_warnings;
};

static const char *prog = "pkvm-mmio";

static void msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xrealloc_array(void *p, size_t nr, size_t size)
{
	if (size && nr > SIZE_MAX / size)
		return NULL;
	return realloc(p, nr && size ? nr * size : 1);
}

static int vec_push(struct region_vec *v, const struct pkvm_mmio_region *r)
{
	if (v->nr == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		void *n = xrealloc_array(v->r, cap, sizeof(*v->r));

		if (!n)
			return -1;
		v->r = n;
		v->cap = cap;
	}
	v->r[v->nr++] = *r;
	return 0;
}

/* Names come from an untrusted blob: never let them drive the terminal. */
static void put_sane(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c >= 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void put_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ---- input and output ---------------------------------------------- */

/*
 * Read a whole file ("-" is stdin) into an 8-byte aligned buffer, as libfdt
 * wants, and make sure it is a sound tree before anything parses it.
 */
static void *load_fdt(const char *name, size_t *lenp)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
	size_t len = 0, cap = 0, n;
	char *buf = NULL;
	int ret;

	if (!f) {
		msg("%s: %s", name, strerror(errno));
		return NULL;
	}
	do {
		if (len == cap) {
			char *b;

			if (cap > MAX_INPUT_SIZE) {
				msg("%s: larger than %u MiB, not a device tree",
				    name, MAX_INPUT_SIZE >> 20);
				goto err;
			}
			cap = cap ? 2 * cap : 65536;
			b = realloc(buf, cap + 1);
			if (!b) {
				msg("%s: out of memory", name);
				goto err;
			}
			buf = b;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		msg("%s: read error", name);
		goto err;
	}
	if (f != stdin)
		fclose(f);
	f = NULL;

	if (len > MAX_INPUT_SIZE) {
		msg("%s: larger than %u MiB, not a device tree", name,
		    MAX_INPUT_SIZE >> 20);
		goto err;
	}
	ret = fdt_check_full(buf, len);
	if (ret) {
		msg("%s: not a valid device tree blob: %s", name,
		    fdt_strerror(ret));
		goto err;
	}
	*lenp = fdt_totalsize(buf);
	return buf;

err:
	if (f && f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}

static int write_fdt(const char *name, const void *fdt)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "wb") : stdout;
	size_t len = fdt_totalsize(fdt);

	if (!f) {
		msg("%s: %s", name, strerror(errno));
		return -1;
	}
	if (fwrite(fdt, 1, len, f) != len || fflush(f)) {
		msg("%s: write error: %s", name, strerror(errno));
		if (f != stdout)
			fclose(f);
		return -1;
	}
	if (f != stdout && fclose(f)) {
		msg("%s: write error: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- the node table ------------------------------------------------ */

static int node_index(const struct tree *t, int offset)
{
	int lo = 0, hi = t->nr;

	/* fdt_next_node() hands nodes out in increasing offset order. */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (t->nodes[mid].offset < offset)
			lo = mid + 1;
		else if (t->nodes[mid].offset > offset)
			hi = mid;
		else
			return mid;
	}
	return -1;
}

/* What build_tree() looks for in every node, in one scan of its properties. */
static unsigned int node_flags(const void *fdt, int node)
{
	unsigned int flags = 0;
	int prop;

	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name, *val;
		int len;

		val = fdt_getprop_by_offset(fdt, prop, &name, &len);
		if (!val)
			continue;
		if (!strcmp(name, PKVM_MMIO_PROP))
			flags |= N_TAGGED;
		else if (!strcmp(name, "interrupt-controller"))
			flags |= N_INTC;
		else if (!strcmp(name, "device_type") &&
			 len >= (int)sizeof("memory") &&
			 !memcmp(val, "memory", sizeof("memory")))
			flags |= N_MEMORY;
		else if (!strcmp(name, "status") &&
			 strncmp(val, "okay", len) && strncmp(val, "ok", len))
			flags |= N_UNAVAILABLE;
	}
	return flags;
}

/*
 * One walk of the tree. What only matters next to a tagged node (the
 * console, /reserved-memory) is looked up only when some node is tagged.
 */
static int build_tree(const void *fdt, struct tree *t)
{
	int *stack = NULL, stack_cap = 0, cap = 0;
	int node, depth = 0, resmem, console, i;

	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		struct node_info *n;

		/* Past the root's END_NODE: the tree is over. */
		if (depth < 0)
			break;
		if (t->nr == cap) {
			void *p;

			cap = cap ? 2 * cap : 256;
			p = xrealloc_array(t->nodes, cap, sizeof(*t->nodes));
			if (!p)
				goto oom;
			t->nodes = p;
		}
		if (depth >= stack_cap) {
			void *p;

			stack_cap = depth + 64;
			p = xrealloc_array(stack, stack_cap, sizeof(*stack));
			if (!p)
				goto oom;
			stack = p;
		}
		stack[depth] = t->nr;

		n = &t->nodes[t->nr++];
		n->offset = node;
		n->depth = depth;
		n->parent = depth ? stack[depth - 1] : -1;
		n->flags = node_flags(fdt, node);
		t->nr_tagged += !!(n->flags & N_TAGGED);
	}
	free(stack);
	if (node < 0 && node != -FDT_ERR_NOTFOUND) {
		msg("cannot walk the tree: %s", fdt_strerror(node));
		return -1;
	}

	if (!t->nr_tagged)
		return 0;
	resmem = fdt_path_offset(fdt, "/reserved-memory");
	console = pkvm_mmio_fdt_console(fdt);
	for (i = 0; i < t->nr; i++) {
		struct node_info *n = &t->nodes[i];

		if (n->offset == console)
			n->flags |= N_CONSOLE;
		if (n->parent >= 0 && t->nodes[n->parent].offset == resmem)
			n->flags |= N_RESMEM;
	}
	return 0;

oom:
	free(stack);
	msg("out of memory");
	return -1;
}

/* Full path of a node; unlike fdt_get_path() no length limit and O(depth). */
static char *node_path(const void *fdt, const struct tree *t, int idx)
{
	size_t len = 0;
	char *path, *p;
	int i;

	if (idx < 0)
		return strdup("");
	if (!t->nodes[idx].depth)
		return strdup("/");
	for (i = idx; t->nodes[i].parent >= 0; i = t->nodes[i].parent)
		len += strlen(fdt_get_name(fdt, t->nodes[i].offset, NULL)) + 1;
	path = malloc(len + 1);
	if (!path)
		return NULL;
	p = path + len;
	*p = '\0';
	for (i = idx; t->nodes[i].parent >= 0; i = t->nodes[i].parent) {
		const char *name = fdt_get_name(fdt, t->nodes[i].offset, NULL);
		size_t n = strlen(name);

		p -= n;
		memcpy(p, name, n);
		*--p = '/';
	}
	return path;
}

/* ---- the boot pipeline ----------------------------------------------- */

static int collect(void *ctx, const struct pkvm_mmio_region *r)
{
	return vec_push(ctx, r) ? 1 : 0;
}

/*
 * The kernel hands the parser memblock; before boot, /memory is the best
 * stand-in, read the first time a tagged region asks. Compare last bytes,
 * not ends: /memory is not checked and may wrap. A /memory node the parser
 * cannot read leaves the list short; discover walks /memory again and
 * refuses the tree for it.
 */
static bool overlaps_ram(void *ctx, u64 base, u64 size)
{
	struct analysis *a = ctx;
	struct pkvm_mmio_error err;

	if (!a->ram_read) {
		a->ram_read = true;
		pkvm_mmio_fdt_walk_memory(a->fdt, collect, &a->ram, &err);
	}
	return pkvm_mmio_overlaps(a->ram.r, a->ram.nr, base, size);
}

static struct finding *add_finding(struct analysis *a, bool error,
				   const char *rule, int node, int reg_index)
{
	struct finding *f;

	if (a->nr_findings == a->cap_findings) {
		size_t cap = a->cap_findings ? 2 * a->cap_findings : 16;
		void *p = xrealloc_array(a->findings, cap, sizeof(*f));

		if (!p)
			return NULL;
		a->findings = p;
		a->cap_findings = cap;
	}
	f = &a->findings[a->nr_findings++];
	memset(f, 0, sizeof(*f));
	f->error = error;
	f->rule = rule;
	f->node = node;
	f->reg_index = reg_index;
	if (error)
		a->nr_errors++;
	else
		a->nr_warnings++;
	return f;
}

static int add_error(struct analysis *a, const struct pkvm_mmio_error *err)
{
	char line[1024];
	struct finding *f;
	int node = err->node >= 0 ? node_index(&a->tree, err->node) : -1;

	pkvm_mmio_format_error(a->fdt, err, line, sizeof(line));
	f = add_finding(a, true, pkvm_mmio_rule_name(err->rule), node,
			err->reg_index);
	if (!f)
		return -1;
	f->has_range = err->has_range;
	f->base = err->base;
	f->size = err->size;
	f->message = strdup(line);
	return f->message ? 0 : -1;
}

/*
 * What a boot would do: pkvm_mmio_fdt_discover() decides, the rest only
 * explains. The scratch array is sized as the kernel's pkvm_mmio_found[],
 * so that the tool runs out of room exactly where the kernel would.
 */
static int run_pipeline(struct analysis *a, const struct opts *o)
{
	struct pkvm_mmio_limits limits = {
		.page_size = o->page_size,
		.pa_limit = 1ULL << o->pa_bits,
		.max_regions = o->max_regions,
		.overlaps_ram = overlaps_ram,
		.ram_ctx = a,
	};
	struct pkvm_mmio_error err;
	int cap = PKVM_MMIO_SCRATCH_REGIONS(o->max_regions);
	int ret;

	a->regions = xrealloc_array(NULL, cap, sizeof(*a->regions));
	if (!a->regions)
		return -1;
	a->nr_regions = pkvm_mmio_fdt_discover(a->fdt, &limits, a->regions,
					       cap, &err);
	if (a->nr_regions < 0 && add_error(a, &err))
		return -1;
	if (!a->tree.nr_tagged)
		return 0;

	/* Sources and overlaps need the entries before coalescing. */
	ret = pkvm_mmio_fdt_walk_regions(a->fdt, collect, &a->raw, &err);
	return ret > 0 ? -1 : 0;
}

/* ---- untagged nodes, for the overlap warnings ------------------------- */

static int collect_other(void *ctx, const struct pkvm_mmio_region *r)
{
	struct analysis *a = ctx;
	int idx = node_index(&a->tree, r->node);

	if (idx < 0)
		return 1;	/* cannot happen: the parser reports nodes */
	if (a->tree.nodes[idx].flags & (N_TAGGED | N_MEMORY))
		return 0;
	if (a->nr_others == a->cap_others) {
		size_t cap = a->cap_others ? 2 * a->cap_others : 256;
		void *p = xrealloc_array(a->others, cap, sizeof(*a->others));

		if (!p)
			return 1;
		a->others = p;
		a->cap_others = cap;
	}
	a->others[a->nr_others++] = (struct other_reg) {
		.base = r->base,
		.size = r->size,
		.node = idx,
		.reg_index = r->reg_index,
	};
	return 0;
}

/*
 * Translate the reg of every untagged node with the parser's own
 * translation, in one walk. Nodes that do not translate (not on a
 * memory-mapped bus) cannot overlap MMIO.
 */
static int translate_others(struct analysis *a)
{
	int skipped;

	return pkvm_mmio_fdt_walk_all_regs(a->fdt, collect_other, a, &skipped);
}

/* ---- warnings ---------------------------------------------------------- */

static int cmp_other(const void *pa, const void *pb)
{
	const struct other_reg *a = pa, *b = pb;

	if (a->base != b->base)
		return a->base < b->base ? -1 : 1;
	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	return a->reg_index - b->reg_index;
}

/* What kind of node a tagged region should not take from the host. */
struct node_kind {
	unsigned int flag;
	const char *tags_rule;
	const char *overlap_rule;
	const char *what;
};

static const struct node_kind node_kinds[] = {
	{ N_INTC, "tags-interrupt-controller", "overlap-interrupt-controller",
	  "the interrupt controller" },
	{ N_RESMEM, "tags-reserved-memory", "overlap-reserved-memory",
	  "a /reserved-memory region" },
	{ 0, NULL, "overlap-node", "node" },
};

static const struct node_kind *kind_of(unsigned int flags)
{
	const struct node_kind *k = node_kinds;

	while (k->flag && !(flags & k->flag))
		k++;
	return k;
}

static char *range_prefix(struct analysis *a, int node, int reg_index,
			  u64 base, u64 size)
{
	char *path = node_path(a->fdt, &a->tree, node), *s = NULL;

	if (!path)
		return NULL;
	if (asprintf(&s, "%s reg[%d] [0x%" PRIx64 "-0x%" PRIx64 "]", path,
		     reg_index, base, base + size - 1) < 0)
		s = NULL;
	free(path);
	return s;
}

static int warn(struct analysis *a, const struct pkvm_mmio_region *r,
		const char *rule, char *what)
{
	char *where = NULL, *line = NULL;
	struct finding *f;
	int node = node_index(&a->tree, r->node);

	if (!what)
		return -1;
	where = range_prefix(a, node, r->reg_index, r->base, r->size);
	if (!where || asprintf(&line, "%s: %s", where, what) < 0)
		goto oom;
	f = add_finding(a, false, rule, node, r->reg_index);
	if (!f)
		goto oom;
	f->has_range = true;
	f->base = r->base;
	f->size = r->size;
	f->message = line;
	free(where);
	free(what);
	return 0;

oom:
	free(line);
	free(where);
	free(what);
	return -1;
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	return ret < 0 ? NULL : s;
}

static bool is_ancestor(const struct tree *t, int anc, int node)
{
	for (node = t->nodes[node].parent; node >= 0; node = t->nodes[node].parent) {
		if (node == anc)
			return true;
	}
	return false;
}

/* What a person should know about one tagged entry before booting. */
static int warn_region(struct analysis *a, const struct pkvm_mmio_region *r,
		       const u64 *max_end)
{
	const struct node_info *n;
	const struct node_kind *k;
	u64 end = r->base + r->size;
	size_t lo = 0, hi = a->nr_others, first;
	int idx = node_index(&a->tree, r->node);

	if (idx < 0 || !r->size || end < r->base)
		return 0;	/* already an error */
	n = &a->tree.nodes[idx];

	k = kind_of(n->flags);
	if (k->flag && warn(a, r, k->tags_rule,
			    xasprintf("the node is %s", k->what)))
		return -1;

	/* others[] is sorted by base: the last one starting before end... */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->others[mid].base < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ...and back while something earlier may still reach base. */
	first = lo;
	while (first > 0 && max_end[first - 1] > r->base)
		first--;
	for (; first < lo; first++) {
		const struct other_reg *o = &a->others[first];
		char *opath, *what;

		if (o->base + o->size <= r->base)
			continue;
		/*
		 * The parser refuses these: the "console" rule, and the
		 * "device" rule for a node the host may drive that is not
		 * the tagged node's bus.
		 */
		if (a->tree.nodes[o->node].flags & N_CONSOLE)
			continue;
		if (!(a->tree.nodes[o->node].flags & (N_UNAVAILABLE | N_RESMEM)) &&
		    !is_ancestor(&a->tree, o->node, idx))
			continue;
		k = kind_of(a->tree.nodes[o->node].flags);
		opath = node_path(a->fdt, &a->tree, o->node);
		if (!opath)
			return -1;
		what = xasprintf("overlaps %s %s reg[%d] [0x%" PRIx64
				 "-0x%" PRIx64 "]", k->what, opath,
				 o->reg_index, o->base,
				 o->base + o->size - 1);
		free(opath);
		if (warn(a, r, k->overlap_rule, what))
			return -1;
	}
	return 0;
}

static int find_warnings(struct analysis *a)
{
	u64 *max_end = NULL;
	size_t i, j;

	if (!a->raw.nr)
		return 0;
	if (translate_others(a))
		return -1;

	/* Drop entries that cannot overlap anything: empty or wrapping. */
	for (i = 0, j = 0; i < a->nr_others; i++) {
		const struct other_reg *o = &a->others[i];

		if (o->size && o->base + o->size >= o->base)
			a->others[j++] = *o;
	}
	a->nr_others = j;
	if (a->nr_others)
		qsort(a->others, a->nr_others, sizeof(*a->others), cmp_other);

	max_end = xrealloc_array(NULL, a->nr_others, sizeof(*max_end));
	if (!max_end)
		return -1;
	for (i = 0; i < a->nr_others; i++) {
		u64 e = a->others[i].base + a->others[i].size;

		max_end[i] = i && max_end[i - 1] > e ? max_end[i - 1] : e;
	}
	for (i = 0; i < a->raw.nr; i++) {
		if (warn_region(a, &a->raw.r[i], max_end)) {
			free(max_end);
			return -1;
		}
	}
	free(max_end);
	return 0;
}

static int analyze(const void *fdt, const struct opts *o, bool warnings,
		   struct analysis *a)
{
	memset(a, 0, sizeof(*a));
	a->fdt = fdt;
	a->nr_regions = -1;
	if (build_tree(fdt, &a->tree))
		return -1;
	if (run_pipeline(a, o) || (warnings && find_warnings(a))) {
		msg("out of memory");
		return -1;
	}
	return 0;
}

static void analysis_free(struct analysis *a)
{
	size_t i;

	for (i = 0; i < a->nr_findings; i++)
		free(a->findings[i].message);
	free(a->findings);
	free(a->tree.nodes);
	free(a->regions);
	free(a->raw.r);
	free(a->ram.r);
	free(a->others);
}

/* ---- output ------------------------------------------------------------ */

struct source {
	int region;
	size_t raw;
};

static int cmp_source(const void *pa, const void *pb)
{
	const struct source *a = pa, *b = pb;

	if (a->region != b->region)
		return a->region - b->region;
	return a->raw < b->raw ? -1 : a->raw > b->raw;
}

/*
 * Which tagged entries make up each coalesced region: the coalesced list
 * only keeps its lowest member, so map every entry back by address.
 */
static struct source *map_sources(const struct analysis *a, size_t *nr)
{
	struct source *src;
	size_t i, n = 0;

	src = xrealloc_array(NULL, a->raw.nr, sizeof(*src));
	if (!src)
		return NULL;
	for (i = 0; i < a->raw.nr; i++) {
		int region = pkvm_mmio_find_overlap(a->regions, a->nr_regions,
						    a->raw.r[i].base, 1);

		if (region >= 0)
			src[n++] = (struct source){ region, i };
	}
	qsort(src, n, sizeof(*src), cmp_source);
	*nr = n;
	return src;
}

static void print_finding_human(FILE *f, const struct finding *fi)
{
	fputs(fi->error ? "error: " : "warning: ", f);
	put_sane(f, fi->message);
	fputc('\n', f);
}

static int print_json(const struct analysis *a, const struct opts *o,
		      bool ok)
{
	struct source *src = NULL;
	size_t nr_src = 0, s = 0, i;
	int r;

	if (a->nr_regions > 0) {
		src = map_sources(a, &nr_src);
		if (!src)
			return -1;
	}
	printf("{\n  \"ok\": %s,\n  \"accepted\": %s,\n",
	       ok ? "true" : "false", a->nr_regions >= 0 ? "true" : "false");
	printf("  \"page_size\": %" PRIu64 ",\n  \"pa_bits\": %u,\n"
	       "  \"max_regions\": %u,\n", o->page_size, o->pa_bits,
	       o->max_regions);
	printf("  \"regions\": [");
	for (r = 0; r < a->nr_regions; r++) {
		const struct pkvm_mmio_region *reg = &a->regions[r];
		bool first = true;

		printf("%s\n    {\"base\": \"0x%" PRIx64 "\", \"size\": \"0x%"
		       PRIx64 "\", \"pages\": %" PRIu64 ", \"handler\": \"%s\", \"sources\": [",
		       r ? "," : "", reg->base, reg->size,
		       reg->size / o->page_size,
		       pkvm_mmio_handler_name(reg->handler));
		for (; s < nr_src && src[s].region == r; s++) {
			const struct pkvm_mmio_region *m = &a->raw.r[src[s].raw];
			char *path = node_path(a->fdt, &a->tree,
					       node_index(&a->tree, m->node));

			if (!path) {
				free(src);
				return -1;
			}
			printf("%s{\"node\": ", first ? "" : ", ");
			put_json_str(stdout, path);
			printf(", \"reg_index\": %d}", m->reg_index);
			free(path);
			first = false;
		}
		printf("]}");
	}
	free(src);
	printf("%s],\n  \"findings\": [", a->nr_regions > 0 ? "\n  " : "");
	for (i = 0; i < a->nr_findings; i++) {
		const struct finding *fi = &a->findings[i];
		char *path = fi->node >= 0 ?
			node_path(a->fdt, &a->tree, fi->node) : NULL;

		if (fi->node >= 0 && !path)
			return -1;
		printf("%s\n    {\"severity\": \"%s\", \"rule\": \"%s\", \"node\": ",
		       i ? "," : "",
		       fi->error ? "error" : "warning", fi->rule);
		if (path)
			put_json_str(stdout, path);
		else
			printf("null");
		free(path);
		if (fi->reg_index >= 0)
			printf(", \"reg_index\": %d", fi->reg_index);
		else
			printf(", \"reg_index\": null");
		if (fi->has_range)
			printf(", \"base\": \"0x%" PRIx64 "\", \"size\": \"0x%"
			       PRIx64 "\"", fi->base, fi->size);
		else
			printf(", \"base\": null, \"size\": null");
		printf(", \"message\": ");
		put_json_str(stdout, fi->message);
		printf("}");
	}
	printf("%s],\n  \"errors\": %d,\n  \"warnings\": %d\n}\n",
	       a->nr_findings ? "\n  " : "", a->nr_errors, a->nr_warnings);
	return 0;
}

static int print_list_human(const struct analysis *a, const struct opts *o)
{
	struct source *src = NULL;
	size_t nr_src = 0, s = 0;
	int r;

	if (a->nr_regions > 0) {
		src = map_sources(a, &nr_src);
		if (!src)
			return -1;
		printf("%-37s  %-12s  %-8s  %s\n", "RANGE", "SIZE", "PAGES",
		       "SOURCE");
	}
	for (r = 0; r < a->nr_regions; r++) {
		const struct pkvm_mmio_region *reg = &a->regions[r];
		char size[24], pages[24];
		bool first = true;

		snprintf(size, sizeof(size), "0x%" PRIx64, reg->size);
		snprintf(pages, sizeof(pages), "%" PRIu64,
			 reg->size / o->page_size);
		printf("0x%016" PRIx64 "-0x%016" PRIx64 "  %-12s  %-8s  ",
		       reg->base, reg->base + reg->size - 1, size, pages);
		for (; s < nr_src && src[s].region == r; s++) {
			const struct pkvm_mmio_region *m = &a->raw.r[src[s].raw];
			char *path = node_path(a->fdt, &a->tree,
					       node_index(&a->tree, m->node));

			if (!path) {
				free(src);
				return -1;
			}
			if (!first)
				printf("%*s", 37 + 2 + 12 + 2 + 8 + 2, "");
			put_sane(stdout, path);
			printf(" reg[%d]", m->reg_index);
			if (first && reg->handler != PKVM_MMIO_HANDLER_NONE)
				printf(" (mediated by the EL2 handler %s)",
				       pkvm_mmio_handler_name(reg->handler));
			printf("\n");
			free(path);
			first = false;
		}
		if (first)
			printf("?\n");
	}
	free(src);
	printf("%d region%s, page size 0x%" PRIx64 "\n", a->nr_regions,
	       a->nr_regions == 1 ? "" : "s", o->page_size);
	return 0;
}

static void print_summary(FILE *f, const struct analysis *a)
{
	char mediated[48] = "";
	int r, nr = 0;

	for (r = 0; r < a->nr_regions; r++)
		nr += a->regions[r].handler != PKVM_MMIO_HANDLER_NONE;
	if (nr)
		snprintf(mediated, sizeof(mediated),
			 " (%d mediated by an EL2 handler)", nr);
	fprintf(f,
		"summary: %d region%s%s, %d error%s, %d warning%s: the kernel would %s this tree\n",
		a->nr_regions > 0 ? a->nr_regions : 0,
		a->nr_regions == 1 ? "" : "s", mediated,
		a->nr_errors, a->nr_errors == 1 ? "" : "s",
		a->nr_warnings, a->nr_warnings == 1 ? "" : "s",
		a->nr_regions >= 0 ? "accept" : "refuse");
}

static int status_of(const struct analysis *a, const struct opts *o)
{
	if (a->nr_errors || (o->werror && a->nr_warnings))
		return EXIT_RULES;
	return EXIT_CLEAN;
}

/* ---- commands ------------------------------------------------------------ */

static int cmd_list_check(const struct opts *o, const char *name, bool check)
{
	struct analysis a;
	size_t len;
	void *fdt;
	int ret = EXIT_USAGE;
	size_t i;

	fdt = load_fdt(name, &len);
	if (!fdt)
		return EXIT_USAGE;
	if (analyze(fdt, o, check, &a))
		goto out;

	ret = check ? status_of(&a, o) :
		      a.nr_errors ? EXIT_RULES : EXIT_CLEAN;
	if (o->json) {
		if (print_json(&a, o, ret == EXIT_CLEAN))
			goto oom;
	} else if (check) {
		for (i = 0; i < a.nr_findings; i++)
			print_finding_human(stdout, &a.findings[i]);
		print_summary(stdout, &a);
	} else if (a.nr_errors) {
		print_finding_human(stdout, &a.findings[0]);
	} else if (print_list_human(&a, o)) {
		goto oom;
	}
	if (fflush(stdout)) {
		msg("write error: %s", strerror(errno));
		ret = EXIT_USAGE;
	}
	goto out;

oom:
	msg("out of memory");
	ret = EXIT_USAGE;
out:
	analysis_free(&a);
	free(fdt);
	return ret;
}

/* An unsigned number in C notation, signs refused; *end after it. */
static int parse_number(const char *s, unsigned long long *v, char **end)
{
	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		return -1;
	*v = strtoull(s, end, 0);
	return errno ? -1 : 0;
}

static int parse_u32(const char *s, u32 *val)
{
	unsigned long long v;
	char *end;

	if (parse_number(s, &v, &end) || *end || v > UINT32_MAX)
		return -1;
	*val = v;
	return 0;
}

/*
 * fdt_delprop() leaves the property name in the strings block. When tag
 * appended it there and nothing else uses it, drop it again so that
 * untag restores the blob tag was given, byte for byte.
 */
static void trim_tag_string(void *fdt)
{
	const size_t n = sizeof(PKVM_MMIO_PROP);
	const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
	size_t size = fdt_size_dt_strings(fdt);
	const char *tail = strings + size - n;
	int node, depth = 0, prop;

	if (size < n || memcmp(tail, PKVM_MMIO_PROP, n) ||
	    (size > n && tail[-1]) ||
	    fdt_off_dt_strings(fdt) + size != fdt_totalsize(fdt))
		return;
	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		fdt_for_each_property_offset(prop, fdt, node) {
			const char *name;

			if (fdt_getprop_by_offset(fdt, prop, &name, NULL) &&
			    name >= tail)
				return;
		}
	}
	fdt_set_size_dt_strings(fdt, size - n);
	fdt_set_totalsize(fdt, fdt_totalsize(fdt) - n);
}

static int cmd_tag(const struct opts *o, char **argv, int argc, bool untag)
{
	const char *in = argv[0], *out = argv[1], *path = argv[2];
	fdt32_t *cells = NULL;
	int nr = argc - 3, i, node, ret = EXIT_USAGE, err;
	struct analysis a;
	bool analyzed = false;
	void *fdt, *buf = NULL;
	size_t len, size;

	fdt = load_fdt(in, &len);
	if (!fdt)
		return EXIT_USAGE;
	cells = xrealloc_array(NULL, nr ? nr : 1, sizeof(*cells));
	if (!cells)
		goto oom;
	for (i = 0; i < nr; i++) {
		u32 v;

		if (parse_u32(argv[3 + i], &v)) {
			msg("%s: not a reg index", argv[3 + i]);
			goto out;
		}
		cells[i] = cpu_to_fdt32(v);
	}

	size = len + nr * sizeof(*cells) + sizeof(PKVM_MMIO_PROP) + 64;
	buf = malloc(size);
	if (!buf)
		goto oom;
	err = fdt_open_into(fdt, buf, size);
	if (err) {
		msg("%s: %s", in, fdt_strerror(err));
		goto out;
	}
	node = fdt_path_offset(buf, path);
	if (node < 0) {
		msg("%s: no node %s: %s", in, path, fdt_strerror(node));
		goto out;
	}
	if (untag) {
		if (!fdt_getprop(buf, node, PKVM_MMIO_PROP, NULL)) {
			msg("%s: %s is not tagged", in, path);
			goto out;
		}
		err = fdt_delprop(buf, node, PKVM_MMIO_PROP);
	} else {
		err = fdt_setprop(buf, node, PKVM_MMIO_PROP, cells,
				  nr * sizeof(*cells));
	}
	if (!err)
		err = fdt_pack(buf);
	if (err) {
		msg("%s: cannot edit %s: %s", in, path, fdt_strerror(err));
		goto out;
	}
	if (untag)
		trim_tag_string(buf);

	/* What the result means, on stderr: OUT may be stdout. */
	analyzed = true;	/* analyze() leaves @a safe to free */
	if (analyze(buf, o, true, &a))
		goto out;
	for (i = 0; i < (int)a.nr_findings; i++)
		print_finding_human(stderr, &a.findings[i]);
	print_summary(stderr, &a);

	ret = status_of(&a, o);
	if (ret != EXIT_CLEAN && !o->force) {
		msg("not writing %s: the result breaks the rules above (--force writes it anyway)",
		    out);
		goto out;
	}
	if (write_fdt(out, buf))
		ret = EXIT_USAGE;
	goto out;

oom:
	msg("out of memory");
out:
	if (analyzed)
		analysis_free(&a);
	free(buf);
	free(cells);
	free(fdt);
	return ret;
}

/* ---- options ------------------------------------------------------------- */

static void print_usage(FILE *f)
{
	fprintf(f, "usage: %s [OPTIONS] list FILE\n"
		   "       %s [OPTIONS] check FILE\n"
		   "       %s [OPTIONS] tag IN OUT NODE-PATH [INDEX...]\n"
		   "       %s [OPTIONS] untag IN OUT NODE-PATH\n"
		   "\n"
		   "List, check and edit the pkvm,protected-mmio regions of a device tree\n"
		   "blob, with the parser and rules the kernel uses. FILE, IN and OUT may be\n"
		   "'-' for stdin or stdout.\n"
		   "\n"
		   "  -p, --page-size SIZE   4K, 16K, 64K or bytes (default 4K)\n"
		   "  -b, --pa-bits N        host stage-2 PA size in bits, 32-52 (default 48)\n"
		   "  -m, --max-regions N    regions after coalescing (default 16)\n"
		   "  -W, --werror           treat warnings as errors\n"
		   "  -f, --format FMT       human (default) or json, for list and check\n"
		   "      --force            tag/untag: write OUT even if it breaks the rules\n"
		   "  -h, --help             this text\n"
		   "  -V, --version          the version\n"
		   "\n"
		   "Exit status: 0 clean, 1 rules broken (or warnings with --werror),\n"
		   "2 usage error or unreadable or invalid input.\n",
		   prog, prog, prog, prog);
}

static int parse_size(const char *s, u64 *val)
{
	unsigned long long v;
	char *end;

	if (parse_number(s, &v, &end))
		return -1;
	if ((*end == 'K' || *end == 'k') && !end[1] && v <= (1ULL << 20))
		v <<= 10;
	else if (*end)
		return -1;
	*val = v;
	return 0;
}

static int parse_uint(const char *s, unsigned int min, unsigned int max,
		      unsigned int *val)
{
	u32 v;

	if (parse_u32(s, &v) || v < min || v > max)
		return -1;
	*val = v;
	return 0;
}

enum { OPT_FORCE = 256 };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "page-size",   required_argument, NULL, 'p' },
		{ "pa-bits",     required_argument, NULL, 'b' },
		{ "max-regions", required_argument, NULL, 'm' },
		{ "werror",      no_argument,       NULL, 'W' },
		{ "format",      required_argument, NULL, 'f' },
		{ "force",       no_argument,       NULL, OPT_FORCE },
		{ "help",        no_argument,       NULL, 'h' },
		{ "version",     no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.page_size = 4096,
		.pa_bits = 48,
		.max_regions = 16,
	};
	const char *cmd;
	int c, nargs;

	while ((c = getopt_long(argc, argv, "p:b:m:Wf:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_size(optarg, &o.page_size) ||
			    (o.page_size != 4096 && o.page_size != 16384 &&
			     o.page_size != 65536)) {
				msg("--page-size: %s: not 4K, 16K or 64K",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'b':
			if (parse_uint(optarg, 32, 52, &o.pa_bits)) {
				msg("--pa-bits: %s: not in 32-52", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			if (parse_uint(optarg, 0, MAX_MAX_REGIONS,
				       &o.max_regions)) {
				msg("--max-regions: %s: not in 0-%u", optarg,
				    MAX_MAX_REGIONS);
				return EXIT_USAGE;
			}
			break;
		case 'W':
			o.werror = true;
			break;
		case 'f':
			if (!strcmp(optarg, "json")) {
				o.json = true;
			} else if (strcmp(optarg, "human")) {
				msg("--format: %s: not human or json", optarg);
				return EXIT_USAGE;
			}
			o.format_set = true;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_CLEAN;
		case 'V':
			printf("pkvm-mmio %s\n", PKVM_MMIO_TOOL_VERSION);
			return EXIT_CLEAN;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}

	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	nargs = argc - optind;

	if (!strcmp(cmd, "list") || !strcmp(cmd, "check")) {
		if (nargs != 1 || o.force) {
			print_usage(stderr);
			return EXIT_USAGE;
		}
		return cmd_list_check(&o, argv[optind], !strcmp(cmd, "check"));
	}
	if (!strcmp(cmd, "tag") || !strcmp(cmd, "untag")) {
		bool untag = !strcmp(cmd, "untag");

		if (nargs < 3 || (untag && nargs != 3) || o.format_set) {
			print_usage(stderr);
			return EXIT_USAGE;
		}
		return cmd_tag(&o, argv + optind, nargs, untag);
	}
	msg("%s: unknown command", cmd);
	print_usage(stderr);
	return EXIT_USAGE;
}
