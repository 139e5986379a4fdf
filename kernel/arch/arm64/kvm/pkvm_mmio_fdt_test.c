// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for "pkvm,protected-mmio": the shared FDT parser and validator
 * (pkvm_mmio_fdt.c) as the kernel builds it, and the page-table budget of
 * the protected regions (pkvm_protected_mmio.h), for the running PAGE_SIZE.
 *
 * Every device tree is built in memory with the kernel's own libfdt, so the
 * tests need no DTB files and no particular board.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/libfdt.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <asm/kvm_asm.h>
#include <asm/kvm_pkvm_mmio.h>

#include "pkvm_mmio_fdt.h"
#include "pkvm_protected_mmio.h"

#define TEST_FDT_SIZE		SZ_8K
#define TEST_PA_LIMIT		BIT_ULL(40)
#define TEST_MAX_FOUND		16

/* --- building trees ------------------------------------------------------ */

static int node_at(struct kunit *test, const void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);

	KUNIT_ASSERT_GE_MSG(test, node, 0, "no node %s", path);
	return node;
}

static void set_u32s(struct kunit *test, void *fdt, const char *path,
		     const char *prop, const u32 *vals, int nr)
{
	fdt32_t *cells = kunit_kcalloc(test, nr ?: 1, sizeof(*cells), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, cells);
	for (i = 0; i < nr; i++)
		cells[i] = cpu_to_fdt32(vals[i]);
	KUNIT_ASSERT_EQ(test, fdt_setprop(fdt, node_at(test, fdt, path), prop,
					  cells, nr * sizeof(*cells)), 0);
}

/* set_cells(test, fdt, "/path", "prop", cell, cell, ...) */
#define set_cells(test, fdt, path, prop, ...)				\
	set_u32s(test, fdt, path, prop, (const u32[]){ __VA_ARGS__ },	\
		 ARRAY_SIZE(((const u32[]){ __VA_ARGS__ })))

static void set_bytes(struct kunit *test, void *fdt, const char *path,
		      const char *prop, const void *val, int len)
{
	KUNIT_ASSERT_EQ(test, fdt_setprop(fdt, node_at(test, fdt, path), prop,
					  val, len), 0);
}

static void set_bus_cells(struct kunit *test, void *fdt, const char *path,
			  u32 ac, u32 sc)
{
	set_cells(test, fdt, path, "#address-cells", ac);
	set_cells(test, fdt, path, "#size-cells", sc);
}

static void add_node(struct kunit *test, void *fdt, const char *parent,
		     const char *name)
{
	KUNIT_ASSERT_GE(test, fdt_add_subnode(fdt, node_at(test, fdt, parent),
					      name), 0);
}

/* A node tagged as a whole: every reg entry is protected. */
static void tag_all(struct kunit *test, void *fdt, const char *path)
{
	KUNIT_ASSERT_EQ(test, fdt_setprop_empty(fdt, node_at(test, fdt, path),
						PKVM_MMIO_PROP), 0);
}

/* An empty tree whose root has the given cells. */
static void *new_fdt(struct kunit *test, u32 ac, u32 sc)
{
	void *fdt = kunit_kzalloc(test, TEST_FDT_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fdt);
	KUNIT_ASSERT_EQ(test, fdt_create_empty_tree(fdt, TEST_FDT_SIZE), 0);
	set_bus_cells(test, fdt, "/", ac, sc);
	return fdt;
}

/* /memory@40000000: 1 GiB of RAM at 1 GiB, as on QEMU virt. */
static void add_memory(struct kunit *test, void *fdt, const char *name,
		       u64 base, u64 size)
{
	char path[64];

	snprintf(path, sizeof(path), "/%s", name);
	add_node(test, fdt, "/", name);
	set_bytes(test, fdt, path, "device_type", "memory", sizeof("memory"));
	set_cells(test, fdt, path, "reg", upper_32_bits(base),
		  lower_32_bits(base), upper_32_bits(size), lower_32_bits(size));
}

/* A tagged device on the root bus (2 address and 2 size cells). */
static void add_tagged(struct kunit *test, void *fdt, const char *name,
		       u64 base, u64 size)
{
	char path[64];

	snprintf(path, sizeof(path), "/%s", name);
	add_node(test, fdt, "/", name);
	set_cells(test, fdt, path, "reg", upper_32_bits(base),
		  lower_32_bits(base), upper_32_bits(size), lower_32_bits(size));
	tag_all(test, fdt, path);
}

/* --- walking trees ------------------------------------------------------- */

struct found {
	struct pkvm_mmio_region r[TEST_MAX_FOUND];
	int nr;
};

static int collect(void *ctx, const struct pkvm_mmio_region *r)
{
	struct found *f = ctx;

	if (f->nr == TEST_MAX_FOUND)
		return -E2BIG;
	f->r[f->nr++] = *r;
	return 0;
}

/* Walk the tagged regions of @fdt; returns what the walker returned. */
static int walk(struct kunit *test, const void *fdt, struct found **f,
		struct pkvm_mmio_error *err)
{
	*f = kunit_kzalloc(test, sizeof(**f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *f);
	return pkvm_mmio_fdt_walk_regions(fdt, collect, *f, err);
}

static void expect_region(struct kunit *test, const void *fdt,
			  const struct pkvm_mmio_region *r, const char *path,
			  int reg_index, u64 base, u64 size)
{
	KUNIT_EXPECT_EQ(test, r->node, node_at(test, fdt, path));
	KUNIT_EXPECT_EQ(test, r->reg_index, reg_index);
	KUNIT_EXPECT_EQ(test, r->base, base);
	KUNIT_EXPECT_EQ(test, r->size, size);
}

static void expect_error(struct kunit *test, const void *fdt,
			 const struct pkvm_mmio_error *err,
			 enum pkvm_mmio_rule rule, const char *path,
			 int reg_index)
{
	KUNIT_EXPECT_STREQ(test, pkvm_mmio_rule_name(err->rule),
			   pkvm_mmio_rule_name(rule));
	if (path)
		KUNIT_EXPECT_EQ(test, err->node, node_at(test, fdt, path));
	else
		KUNIT_EXPECT_EQ(test, err->node, -1);
	KUNIT_EXPECT_EQ(test, err->reg_index, reg_index);
}

/* A bus error names the tagged node and, in @bus, the ancestor at fault. */
static void expect_bus_error(struct kunit *test, const void *fdt,
			     const struct pkvm_mmio_error *err,
			     enum pkvm_mmio_rule rule, const char *path,
			     int reg_index, const char *bus)
{
	expect_error(test, fdt, err, rule, path, reg_index);
	KUNIT_EXPECT_TRUE(test, err->has_bus);
	KUNIT_EXPECT_EQ(test, err->bus, node_at(test, fdt, bus));
}

/* pkvm_mmio_format_error() gives exactly @want. */
static void expect_line(struct kunit *test, const void *fdt,
			const struct pkvm_mmio_error *err, const char *want)
{
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, pkvm_mmio_format_error(fdt, err, buf, 512),
			(int)strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static struct pkvm_mmio_limits test_limits(void)
{
	return (struct pkvm_mmio_limits) {
		.page_size = PAGE_SIZE,
		.pa_limit = TEST_PA_LIMIT,
		.max_regions = 8,
	};
}

/* --- translation --------------------------------------------------------- */

/* An empty ranges is the identity, whatever the bus's own cells. */
static void translate_identity_test(struct kunit *test)
{
	void *fdt = new_fdt(test, 2, 2);
	struct pkvm_mmio_error err;
	struct found *f;

	add_node(test, fdt, "/", "soc");
	set_bus_cells(test, fdt, "/soc", 1, 1);
	set_bytes(test, fdt, "/soc", "ranges", NULL, 0);
	add_node(test, fdt, "/soc", "rng@9010000");
	set_cells(test, fdt, "/soc/rng@9010000", "reg", 0x9010000, 0x1000);
	tag_all(test, fdt, "/soc/rng@9010000");

	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	expect_region(test, fdt, &f->r[0], "/soc/rng@9010000", 0,
		      0x9010000, 0x1000);
	KUNIT_EXPECT_EQ(test, f->r[0].nr_merged, 1);
}

/* Ranges move a child window; the second entry lands above 4 GiB. */
static void translate_moving_test(struct kunit *test)
{
	void *fdt = new_fdt(test, 2, 2);
	struct pkvm_mmio_error err;
	struct found *f;

	add_node(test, fdt, "/", "soc@9000000");
	set_bus_cells(test, fdt, "/soc@9000000", 1, 1);
	/* child 0x0 -> 0x9000000 (1 MiB); child 0x200000 -> 0x1_0000_0000 */
	set_cells(test, fdt, "/soc@9000000", "ranges",
		  0x0, 0x0, 0x9000000, 0x100000,
		  0x200000, 0x1, 0x0, 0x100000);
	add_node(test, fdt, "/soc@9000000", "rng@10000");
	set_cells(test, fdt, "/soc@9000000/rng@10000", "reg", 0x10000, 0x1000);
	tag_all(test, fdt, "/soc@9000000/rng@10000");
	add_node(test, fdt, "/soc@9000000", "wdt@210000");
	set_cells(test, fdt, "/soc@9000000/wdt@210000", "reg", 0x210000, 0x2000);
	tag_all(test, fdt, "/soc@9000000/wdt@210000");

	/* fdt_add_subnode() adds a node before its older siblings. */
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 2);
	expect_region(test, fdt, &f->r[0], "/soc@9000000/wdt@210000", 0,
		      0x100010000ULL, 0x2000);
	expect_region(test, fdt, &f->r[1], "/soc@9000000/rng@10000", 0,
		      0x9010000, 0x1000);
}

/* Two buses deep: every ancestor's ranges apply, innermost first. */
static void translate_nested_test(struct kunit *test)
{
	const char *dev = "/bus@10000000/sub@200000/dev@2000";
	void *fdt = new_fdt(test, 2, 2);
	struct pkvm_mmio_error err;
	struct found *f;

	add_node(test, fdt, "/", "bus@10000000");
	set_bus_cells(test, fdt, "/bus@10000000", 1, 1);
	/* child 0x0 -> CPU 0x10000000, 16 MiB */
	set_cells(test, fdt, "/bus@10000000", "ranges",
		  0x0, 0x0, 0x10000000, 0x1000000);
	add_node(test, fdt, "/bus@10000000", "sub@200000");
	set_bus_cells(test, fdt, "/bus@10000000/sub@200000", 1, 1);
	/* child 0x1000 -> parent 0x200000, 64 KiB */
	set_cells(test, fdt, "/bus@10000000/sub@200000", "ranges",
		  0x1000, 0x200000, 0x10000);
	add_node(test, fdt, "/bus@10000000/sub@200000", "dev@2000");
	set_cells(test, fdt, dev, "reg", 0x2000, 0x1000);
	tag_all(test, fdt, dev);

	/* 0x2000 -> 0x201000 on bus@10000000 -> 0x10201000 on the CPU */
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	expect_region(test, fdt, &f->r[0], dev, 0, 0x10201000, 0x1000);
}

/* What cannot be translated is an error naming the bus, never a guess. */
static void translate_errors_test(struct kunit *test)
{
	const char *dev = "/soc@9000000/dev";
	struct pkvm_mmio_error err;
	struct found *f;
	void *fdt;

	/* No ranges at all: not a memory-mapped bus. */
	fdt = new_fdt(test, 2, 2);
	add_node(test, fdt, "/", "soc@9000000");
	set_bus_cells(test, fdt, "/soc@9000000", 1, 1);
	add_node(test, fdt, "/soc@9000000", "dev");
	set_cells(test, fdt, dev, "reg", 0x10000, 0x1000);
	tag_all(test, fdt, dev);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_NOT_MMIO, dev, 0,
			 "/soc@9000000");
	KUNIT_EXPECT_EQ(test, f->nr, 0);

	/* Outside every window. */
	set_cells(test, fdt, "/soc@9000000", "ranges",
		  0x0, 0x0, 0x9000000, 0x10000);
	set_cells(test, fdt, dev, "reg", 0x10000, 0x1000);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_UNTRANSLATABLE, dev, 0,
			 "/soc@9000000");
	KUNIT_EXPECT_TRUE(test, err.has_range);
	KUNIT_EXPECT_EQ(test, err.base, 0x10000);
	KUNIT_EXPECT_EQ(test, err.size, 0x1000);

	/* Starts inside the window, ends past it. */
	set_cells(test, fdt, dev, "reg", 0xf000, 0x2000);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_RANGES_STRADDLE, dev, 0,
			 "/soc@9000000");

	/* Fits exactly at the end of the window. */
	set_cells(test, fdt, dev, "reg", 0xf000, 0x1000);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	KUNIT_EXPECT_EQ(test, f->r[0].base, 0x900f000);

	/* ranges is not a whole number of (1 + 2 + 1)-cell entries. */
	set_cells(test, fdt, "/soc@9000000", "ranges", 0x0, 0x0, 0x9000000);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_RANGES_LENGTH, dev, 0,
			 "/soc@9000000");

	/*
	 * The bus's parent lacks #address-cells: no translator for it, and
	 * the parent is the culprit. (Without #size-cells it would be 1.)
	 */
	set_cells(test, fdt, "/soc@9000000", "ranges",
		  0x0, 0x0, 0x9000000, 0x10000);
	KUNIT_ASSERT_EQ(test, fdt_delprop(fdt, 0, "#address-cells"), 0);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_CELLS, dev, 0, "/");
}

/*
 * The first ranges entry that holds the base decides, as in Linux's
 * of_bus_default_map(): a region that only fits a later window is refused.
 */
static void first_window_test(struct kunit *test)
{
	const char *dev = "/bus@1500000/dev@0";
	struct pkvm_mmio_error err;
	struct found *f;
	void *fdt;

	fdt = new_fdt(test, 2, 2);
	add_node(test, fdt, "/", "bus@1500000");
	set_bus_cells(test, fdt, "/bus@1500000", 1, 1);
	set_cells(test, fdt, "/bus@1500000", "ranges",
		  0x0, 0x0, 0x1500000, 0x1000, 0x0, 0x0, 0x1600000, 0x10000);
	add_node(test, fdt, "/bus@1500000", "dev@0");
	set_cells(test, fdt, dev, "reg", 0x0, 0x2000);
	tag_all(test, fdt, dev);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_RANGES_STRADDLE, dev, 0,
			 "/bus@1500000");

	set_cells(test, fdt, dev, "reg", 0x0, 0x1000);
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	expect_region(test, fdt, &f->r[0], dev, 0, 0x1500000, 0x1000);
}

/* 1- and 2-cell addresses and sizes, and buses that cannot be MMIO. */
static void cells_test(struct kunit *test)
{
	struct pkvm_mmio_error err;
	struct found *f;
	void *fdt;

	fdt = new_fdt(test, 1, 1);
	add_node(test, fdt, "/", "dev");
	set_cells(test, fdt, "/dev", "reg", 0x9010000, 0x1000);
	tag_all(test, fdt, "/dev");
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	expect_region(test, fdt, &f->r[0], "/dev", 0, 0x9010000, 0x1000);

	set_bus_cells(test, fdt, "/", 2, 1);
	set_cells(test, fdt, "/dev", "reg", 0x80, 0x10000, 0x10000);
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	expect_region(test, fdt, &f->r[0], "/dev", 0, 0x8000010000ULL, 0x10000);

	set_bus_cells(test, fdt, "/", 2, 2);
	set_cells(test, fdt, "/dev", "reg", 0x80, 0x0, 0x1, 0x0);
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	expect_region(test, fdt, &f->r[0], "/dev", 0, 0x8000000000ULL, SZ_4G);

	/*
	 * 3-cell addresses: Linux's "default-flags" bus, refused by name;
	 * zero-cell sizes: Linux does not translate them.
	 */
	set_bus_cells(test, fdt, "/", 3, 2);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_SPECIAL_BUS, "/dev", -1, "/");
	set_bus_cells(test, fdt, "/", 2, 0);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_bus_error(test, fdt, &err, PKVM_MMIO_CELLS, "/dev", -1, "/");
}

/* --- reg entries and the index form -------------------------------------- */

/* A /flash@0 with three 1-page banks on a 1-cell root. */
static void *three_banks(struct kunit *test)
{
	void *fdt = new_fdt(test, 1, 1);

	add_node(test, fdt, "/", "flash@0");
	set_cells(test, fdt, "/flash@0", "reg",
		  0x0, 0x1000, 0x4000000, 0x2000, 0x8000000, 0x3000);
	return fdt;
}

static void multiple_reg_test(struct kunit *test)
{
	void *fdt = three_banks(test);
	struct pkvm_mmio_error err;
	struct found *f;

	tag_all(test, fdt, "/flash@0");
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 3);
	expect_region(test, fdt, &f->r[0], "/flash@0", 0, 0x0, 0x1000);
	expect_region(test, fdt, &f->r[1], "/flash@0", 1, 0x4000000, 0x2000);
	expect_region(test, fdt, &f->r[2], "/flash@0", 2, 0x8000000, 0x3000);
}

static void index_select_test(struct kunit *test)
{
	void *fdt = three_banks(test);
	struct pkvm_mmio_error err;
	struct found *f;

	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 1);
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 1);
	expect_region(test, fdt, &f->r[0], "/flash@0", 1, 0x4000000, 0x2000);

	/* Listed out of order: still reported in reg order. */
	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 2, 0);
	KUNIT_ASSERT_EQ(test, walk(test, fdt, &f, &err), 0);
	KUNIT_ASSERT_EQ(test, f->nr, 2);
	expect_region(test, fdt, &f->r[0], "/flash@0", 0, 0x0, 0x1000);
	expect_region(test, fdt, &f->r[1], "/flash@0", 2, 0x8000000, 0x3000);
}

static void index_out_of_range_test(struct kunit *test)
{
	void *fdt = three_banks(test);
	struct pkvm_mmio_error err;
	struct found *f;

	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 0, 3);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_TAG_INDEX, "/flash@0", -1);
	KUNIT_EXPECT_EQ(test, err.found, 3);
	KUNIT_EXPECT_EQ(test, err.limit, 3);
	/* Nothing is reported before the whole tag is known to be good. */
	KUNIT_EXPECT_EQ(test, f->nr, 0);

	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 0xffffffff);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_TAG_INDEX, "/flash@0", -1);
	KUNIT_EXPECT_EQ(test, err.found, 0xffffffff);
}

static void index_duplicate_test(struct kunit *test)
{
	void *fdt = three_banks(test);
	struct pkvm_mmio_error err;
	struct found *f;

	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 1, 2, 1);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_TAG_DUPLICATE, "/flash@0", 1);
	KUNIT_EXPECT_EQ(test, f->nr, 0);
}

static void bad_length_test(struct kunit *test)
{
	static const u8 six[6] = { 0, 0, 0, 1, 0, 0 };
	void *fdt = three_banks(test);
	struct pkvm_mmio_error err;
	struct found *f;

	/* The tag is not a list of u32 cells. */
	set_bytes(test, fdt, "/flash@0", PKVM_MMIO_PROP, six, sizeof(six));
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_TAG_LENGTH, "/flash@0", -1);

	/* reg is not a whole number of (1 + 1)-cell entries. */
	tag_all(test, fdt, "/flash@0");
	set_cells(test, fdt, "/flash@0", "reg", 0x0, 0x1000, 0x4000000);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_REG_LENGTH, "/flash@0", -1);

	/* An empty reg describes nothing to protect. */
	set_bytes(test, fdt, "/flash@0", "reg", NULL, 0);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_REG_LENGTH, "/flash@0", -1);

	/* No reg at all, and a tagged root. */
	KUNIT_ASSERT_EQ(test, fdt_delprop(fdt, node_at(test, fdt, "/flash@0"),
					  "reg"), 0);
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_NO_REG, "/flash@0", -1);
	fdt = new_fdt(test, 1, 1);
	tag_all(test, fdt, "/");
	KUNIT_EXPECT_EQ(test, walk(test, fdt, &f, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_ROOT, "/", -1);
}

/* --- pkvm_mmio_check_region() -------------------------------------------- */

static int check(u64 base, u64 size, const struct pkvm_mmio_limits *limits,
		 struct pkvm_mmio_error *err)
{
	const struct pkvm_mmio_region r = {
		.base = base,
		.size = size,
		.node = 42,
		.reg_index = 3,
		.nr_merged = 1,
	};

	memset(err, 0xa5, sizeof(*err));
	return pkvm_mmio_check_region(&r, limits, err);
}

#define EXPECT_RULE(test, err, r)					\
	KUNIT_EXPECT_STREQ(test, pkvm_mmio_rule_name((err)->rule),	\
			   pkvm_mmio_rule_name(r))

static void check_size_zero_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_error err;

	KUNIT_EXPECT_EQ(test, check(SZ_1G, 0, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_SIZE_ZERO);
	KUNIT_EXPECT_EQ(test, err.node, 42);
	KUNIT_EXPECT_EQ(test, err.reg_index, 3);
	KUNIT_EXPECT_TRUE(test, err.has_range);
	KUNIT_EXPECT_EQ(test, err.base, SZ_1G);
	KUNIT_EXPECT_EQ(test, err.size, 0);

	/* Size zero is reported before the (also broken) alignment. */
	KUNIT_EXPECT_EQ(test, check(1, 0, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_SIZE_ZERO);
}

static void check_wraps_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	u64 last_page = ~0ULL & PAGE_MASK;
	struct pkvm_mmio_error err;

	KUNIT_EXPECT_EQ(test, check(last_page, 2 * PAGE_SIZE, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_WRAPS);
	KUNIT_EXPECT_EQ(test, err.base, last_page);

	/* Wrapping is reported before alignment. */
	KUNIT_EXPECT_EQ(test, check(~0ULL, 2, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_WRAPS);
}

/* Alignment is to the running kernel's PAGE_SIZE, whatever it is. */
static void check_unaligned_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	u64 base = 16 * PAGE_SIZE;
	struct pkvm_mmio_error err;

	KUNIT_EXPECT_EQ(test, check(base, PAGE_SIZE, &limits, &err), 0);
	KUNIT_EXPECT_EQ(test, check(base, 64 * PAGE_SIZE, &limits, &err), 0);

	KUNIT_EXPECT_EQ(test, check(base + PAGE_SIZE / 2, PAGE_SIZE, &limits,
				    &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_UNALIGNED);
	KUNIT_EXPECT_EQ(test, err.limit, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, err.base, base + PAGE_SIZE / 2);
	KUNIT_EXPECT_EQ(test, err.size, PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, check(base, PAGE_SIZE + 8, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_UNALIGNED);
	KUNIT_EXPECT_EQ(test, check(base, PAGE_SIZE - 8, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_UNALIGNED);

	/*
	 * One 4 KiB page at 64 KiB + 4 KiB: a whole page with 4K pages, never
	 * rounded up to one with 16K or 64K pages.
	 */
	if (PAGE_SIZE == SZ_4K) {
		KUNIT_EXPECT_EQ(test, check(SZ_64K + SZ_4K, SZ_4K, &limits,
					    &err), 0);
	} else {
		KUNIT_EXPECT_EQ(test, check(SZ_64K + SZ_4K, SZ_4K, &limits,
					    &err), -1);
		EXPECT_RULE(test, &err, PKVM_MMIO_UNALIGNED);
	}

	/* 64 KiB aligned is page aligned for every page size. */
	KUNIT_EXPECT_EQ(test, check(0x9010000, SZ_64K, &limits, &err), 0);
}

static void check_pa_limit_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	u64 last = TEST_PA_LIMIT - PAGE_SIZE;
	struct pkvm_mmio_error err;

	/* The last page below the limit, and all of the PA range. */
	KUNIT_EXPECT_EQ(test, check(last, PAGE_SIZE, &limits, &err), 0);
	KUNIT_EXPECT_EQ(test, check(0, TEST_PA_LIMIT, &limits, &err), 0);

	/* One page too many. */
	KUNIT_EXPECT_EQ(test, check(last, 2 * PAGE_SIZE, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_PA_RANGE);
	KUNIT_EXPECT_EQ(test, err.limit, TEST_PA_LIMIT);
	KUNIT_EXPECT_EQ(test, err.base, last);

	/* Starting at the limit. */
	KUNIT_EXPECT_EQ(test, check(TEST_PA_LIMIT, PAGE_SIZE, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_PA_RANGE);

	/* A huge size that does not wrap. */
	KUNIT_EXPECT_EQ(test, check(last, ~0ULL & PAGE_MASK & ~BIT_ULL(63),
				    &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_PA_RANGE);
}

struct ram_bank {
	u64 base;
	u64 size;
};

static bool overlaps_bank(void *ctx, u64 base, u64 size)
{
	const struct ram_bank *bank = ctx;

	return base < bank->base + bank->size && bank->base < base + size;
}

static void check_ram_test(struct kunit *test)
{
	struct ram_bank bank = { .base = SZ_1G, .size = SZ_1G };
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_error err;

	limits.overlaps_ram = overlaps_bank;
	limits.ram_ctx = &bank;

	KUNIT_EXPECT_EQ(test, check(SZ_1G + SZ_64K, SZ_64K, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_RAM);
	KUNIT_EXPECT_EQ(test, err.base, SZ_1G + SZ_64K);

	/* Straddling either end of the bank. */
	KUNIT_EXPECT_EQ(test, check(SZ_1G - SZ_64K, SZ_128K, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_RAM);
	KUNIT_EXPECT_EQ(test, check(SZ_2G - SZ_64K, SZ_128K, &limits, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_RAM);

	/* Adjacent on either side is fine. */
	KUNIT_EXPECT_EQ(test, check(SZ_1G - SZ_64K, SZ_64K, &limits, &err), 0);
	KUNIT_EXPECT_EQ(test, check(SZ_2G, SZ_64K, &limits, &err), 0);
}

/* --- pkvm_mmio_fdt_discover() -------------------------------------------- */

static int discover(struct kunit *test, const void *fdt,
		    const struct pkvm_mmio_limits *limits, int cap,
		    struct pkvm_mmio_region **regions,
		    struct pkvm_mmio_error *err)
{
	*regions = kunit_kcalloc(test, cap, sizeof(**regions), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *regions);
	return pkvm_mmio_fdt_discover(fdt, limits, *regions, cap, err);
}

/* A QEMU-virt-like tree: RAM at 1 GiB, two flash banks, a bus. */
static void *virt_like(struct kunit *test)
{
	void *fdt = new_fdt(test, 2, 2);

	add_memory(test, fdt, "memory@40000000", SZ_1G, SZ_1G);
	add_node(test, fdt, "/", "flash@0");
	set_cells(test, fdt, "/flash@0", "reg",
		  0x0, 0x0, 0x0, 0x4000000, 0x0, 0x4000000, 0x0, 0x4000000);
	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 1);
	add_tagged(test, fdt, "pl031@9010000", 0x9010000, SZ_64K);
	add_node(test, fdt, "/", "soc@20000000");
	set_bus_cells(test, fdt, "/soc@20000000", 1, 1);
	set_cells(test, fdt, "/soc@20000000", "ranges",
		  0x0, 0x0, 0x20000000, 0x1000000);
	add_node(test, fdt, "/soc@20000000", "wdt@30000");
	set_cells(test, fdt, "/soc@20000000/wdt@30000", "reg", 0x30000, 0x20000);
	tag_all(test, fdt, "/soc@20000000/wdt@30000");
	return fdt;
}

static void discover_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_region *r;
	struct pkvm_mmio_error err;
	void *fdt = virt_like(test);

	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), 3);
	KUNIT_EXPECT_EQ(test, err.rule, PKVM_MMIO_OK);
	expect_region(test, fdt, &r[0], "/flash@0", 1, 0x4000000, 0x4000000);
	expect_region(test, fdt, &r[1], "/pl031@9010000", 0, 0x9010000, SZ_64K);
	expect_region(test, fdt, &r[2], "/soc@20000000/wdt@30000", 0,
		      0x20030000, 0x20000);

	/* No tag at all: nothing to protect, and no error. */
	fdt = new_fdt(test, 2, 2);
	add_memory(test, fdt, "memory@40000000", SZ_1G, SZ_1G);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), 0);

	/* Not a device tree. */
	memset(fdt, 0x5a, 64);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	EXPECT_RULE(test, &err, PKVM_MMIO_BAD_FDT);
	KUNIT_EXPECT_EQ(test, err.node, -1);
}

/* The rules apply per region in the whole pipeline, for this PAGE_SIZE. */
static void discover_rules_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_region *r;
	struct pkvm_mmio_error err;
	void *fdt;

	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@a000000", 0xa000000 + PAGE_SIZE / 2, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_UNALIGNED, "/dev@a000000", 0);
	KUNIT_EXPECT_EQ(test, err.limit, PAGE_SIZE);

	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@ff00000000", TEST_PA_LIMIT - PAGE_SIZE,
		   2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_PA_RANGE, "/dev@ff00000000", 0);

	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@a000000", 0xa000000, 0);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_SIZE_ZERO, "/dev@a000000", 0);
}

/* RAM as /memory describes it, with no platform callback. */
static void discover_ram_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_region *r;
	struct pkvm_mmio_error err;
	void *fdt;

	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@40010000", SZ_1G + SZ_64K, SZ_64K);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_RAM, "/dev@40010000", 0);
	KUNIT_EXPECT_TRUE(test, err.has_range);
	KUNIT_EXPECT_EQ(test, err.base, SZ_1G + SZ_64K);
	KUNIT_EXPECT_EQ(test, err.size, SZ_64K);

	/* In a second bank, above 4 GiB. */
	fdt = virt_like(test);
	add_memory(test, fdt, "memory@100000000", SZ_4G, SZ_1G);
	add_tagged(test, fdt, "dev@100200000", SZ_4G + SZ_2M, SZ_64K);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_RAM, "/dev@100200000", 0);

	/* Just below and just above RAM is not RAM. */
	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@3fff0000", SZ_1G - SZ_64K, SZ_64K);
	add_tagged(test, fdt, "dev@80000000", SZ_2G, SZ_64K);
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), 5);
}

static void discover_coalesce_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_region *r;
	struct pkvm_mmio_error err;
	void *fdt = new_fdt(test, 2, 2);

	/* In tree order: separate, overlapping, lowest, adjacent. */
	add_tagged(test, fdt, "d@c000000", 0xc000000, SZ_64K);
	add_tagged(test, fdt, "c@a010000", 0xa010000, 2 * SZ_64K);
	add_tagged(test, fdt, "a@a000000", 0xa000000, 2 * SZ_64K);
	add_tagged(test, fdt, "b@a030000", 0xa030000, SZ_64K);
	/* Wholly inside a@a000000. */
	add_tagged(test, fdt, "e@a000000", 0xa000000, SZ_64K);

	/* The lowest member (lowest base, then smallest size) names the region. */
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), 2);
	expect_region(test, fdt, &r[0], "/e@a000000", 0, 0xa000000, 4 * SZ_64K);
	KUNIT_EXPECT_EQ(test, r[0].nr_merged, 4);
	expect_region(test, fdt, &r[1], "/d@c000000", 0, 0xc000000, SZ_64K);
	KUNIT_EXPECT_EQ(test, r[1].nr_merged, 1);

	/* The limit is on regions after coalescing: 5 entries, 2 regions. */
	limits.max_regions = 2;
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), 2);
	/* A scratch array smaller than the entries is coalesced as it fills. */
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 3, &r, &err), 2);
}

static void discover_too_many_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_region *r;
	struct pkvm_mmio_error err;
	void *fdt = new_fdt(test, 2, 2);

	add_tagged(test, fdt, "a@a000000", 0xa000000, SZ_64K);
	add_tagged(test, fdt, "b@b000000", 0xb000000, SZ_64K);
	add_tagged(test, fdt, "c@c000000", 0xc000000, SZ_64K);

	limits.max_regions = 3;
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), 3);

	limits.max_regions = 2;
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_TOO_MANY, NULL, -1);
	KUNIT_EXPECT_EQ(test, err.found, 3);
	KUNIT_EXPECT_FALSE(test, err.found_at_least);
	KUNIT_EXPECT_EQ(test, err.limit, 2);

	/* Overflowing the scratch array stops counting: "at least 3". */
	KUNIT_EXPECT_EQ(test, discover(test, fdt, &limits, 2, &r, &err), -1);
	expect_error(test, fdt, &err, PKVM_MMIO_TOO_MANY, NULL, -1);
	KUNIT_EXPECT_EQ(test, err.found, 3);
	KUNIT_EXPECT_TRUE(test, err.found_at_least);
	KUNIT_EXPECT_EQ(test, err.limit, 2);
	expect_line(test, fdt, &err,
		    "device tree: too many regions after coalescing (at least 3 found, limit 2)");
}

/* --- pkvm_mmio_format_error() -------------------------------------------- */

static void format_error_test(struct kunit *test)
{
	struct pkvm_mmio_limits limits = test_limits();
	struct pkvm_mmio_error err = { };
	struct pkvm_mmio_region *r;
	char small[16];
	void *fdt;

	/* Page size set here so that the text is the same for every kernel. */
	fdt = virt_like(test);
	set_cells(test, fdt, "/soc@20000000/wdt@30000", "reg", 0x30000, 0x1000);
	limits.page_size = SZ_64K;
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "/soc@20000000/wdt@30000 reg[0] [0x20030000-0x20030fff]: region is not aligned to the page size (page size 0x10000)");

	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@40010000", SZ_1G + SZ_64K, SZ_64K);
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "/dev@40010000 reg[0] [0x40010000-0x4001ffff]: region overlaps RAM");

	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@ffffff0000", TEST_PA_LIMIT - SZ_64K, SZ_128K);
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "/dev@ffffff0000 reg[0] [0xffffff0000-0x1000000ffff]: region is beyond the host stage-2 PA range (limit 0x10000000000)");

	fdt = virt_like(test);
	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 2);
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "/flash@0: pkvm,protected-mmio index is beyond the reg entries (index 2, 2 entries)");

	set_cells(test, fdt, "/flash@0", PKVM_MMIO_PROP, 0, 0);
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "/flash@0 reg[0]: pkvm,protected-mmio lists an index twice");

	fdt = virt_like(test);
	limits.max_regions = 2;
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "device tree: too many regions after coalescing (3 found, limit 2)");

	/* A bus error names the tagged node, then the bus. */
	set_cells(test, fdt, "/soc@20000000", "ranges", 0x0, 0x0, 0x20000000, 0x10000);
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "/soc@20000000/wdt@30000 reg[0] [0x30000-0x4ffff]: no ranges entry of the bus holds the region's base (at /soc@20000000)");

	/* An empty region has no last byte. */
	fdt = virt_like(test);
	add_tagged(test, fdt, "dev@a000000", 0xa000000, 0);
	KUNIT_ASSERT_EQ(test, discover(test, fdt, &limits, 8, &r, &err), -1);
	expect_line(test, fdt, &err,
		    "/dev@a000000 reg[0] [0xa000000, empty]: region size is zero");

	/* An offset that is not a node still gives a line. */
	memset(&err, 0, sizeof(err));
	err.rule = PKVM_MMIO_NO_REG;
	err.node = 3;
	err.reg_index = -1;
	expect_line(test, fdt, &err,
		    "<node at offset 3>: tagged node has no reg");

	/* snprintf() semantics: truncated, terminated, full length returned. */
	err.node = -1;
	err.rule = PKVM_MMIO_BAD_FDT;
	KUNIT_EXPECT_EQ(test, pkvm_mmio_format_error(fdt, &err, small,
						     sizeof(small)),
			(int)strlen("device tree: not a valid flattened device tree"));
	KUNIT_EXPECT_STREQ(test, small, "device tree: no");
}

static void rule_names_test(struct kunit *test)
{
	int i, j;

	for (i = 0; i < PKVM_MMIO_NR_RULES; i++) {
		KUNIT_EXPECT_STRNEQ(test, pkvm_mmio_rule_name(i), "unknown");
		KUNIT_EXPECT_STRNEQ(test, pkvm_mmio_rule_str(i), "unknown error");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, pkvm_mmio_rule_name(i),
					    pkvm_mmio_rule_name(j));
	}
	KUNIT_EXPECT_STREQ(test, pkvm_mmio_rule_name(PKVM_MMIO_NR_RULES), "unknown");
	KUNIT_EXPECT_STREQ(test, pkvm_mmio_rule_str(-1), "unknown error");
}

/* --- pkvm_mmio_tables() ------------------------------------------------- */

/*
 * Table pages below the root for one region, derived by hand for each page
 * size with 48-bit PA and VA and the root at the deepest level either page
 * table can have. Levels and the size each entry maps:
 *
 *   4K:  L0 512G (table only), L1 1G (block), L2 2M (block), L3 4K
 *   16K: L0 128T (table only), L1 64G (table only), L2 32M (block), L3 16K
 *   64K:                       L1 4T (table only), L2 512M (block), L3 64K
 *
 * Host stage-2 (an idmap, nothing resident): at a table-only level, one
 * table below for each window the range touches; at a block level, one
 * for the unaligned head and one for the unaligned tail, if any.
 *
 * Hyp stage-1: the region sits at VA "PA modulo A" from a base at VA 0,
 * where A = pkvm_mmio_va_align() is the largest block the range can use
 * (the page size if none). Below the root it counts like the host, with
 * blocks only at levels no bigger than A; under the root it counts the
 * worst placement of the base, DIV_ROUND_UP(end, root granule) + 1 = 2
 * for every case here.
 *
 * With 52-bit PA or VA the root can be one level higher (4K only: 16K and
 * 64K keep theirs): that level is table-only and every range here sits in
 * one window of it, so it adds 1 to both columns.
 */
struct pgtable_case {
	const char *what;
	u64 base;
	u64 size;
	/* host stage-2, hyp stage-1, for 4K, 16K, 64K */
	unsigned long host[3];
	unsigned long hyp[3];
};

static const struct pgtable_case pgtable_cases[] = {
	/*
	 * One page at 0x9010000: one window per level. Hyp: no block
	 * fits, so VA 0 (A = page size).
	 * 4K:  host L0 1, L1 1, L2 1 = 3;  hyp 2 + L1 1 + L2 1 = 4
	 * 16K: host L0 1, L1 1, L2 1 = 3;  hyp 2 + L1 1 + L2 1 = 4
	 * 64K: host L1 1, L2 1 = 2;        hyp 2 + L2 1 = 3
	 */
	{ "one page", 0x9010000, PAGE_SIZE, { 3, 3, 2 }, { 4, 4, 3 } },
	/*
	 * 64 MiB at 0x10200000 (2 MiB aligned, not 32 MiB aligned), end
	 * 0x14200000.
	 * 4K:  host L0 1, L1 1 (no whole 1G), L2 0 (all 2M blocks) = 2;
	 *      A = 2M, VA [0, 64M): hyp 2 + L1 1 + L2 0 = 3
	 * 16K: host L0 1, L1 1, L2 head and tail 2 = 4; A = 32M, VA
	 *      [2M, 66M): hyp 2 + L1 1 + L2 head and tail 2 = 5
	 * 64K: host L1 1, L2 1 (no whole 512M) = 2; A = 64K, VA [0, 64M):
	 *      hyp 2 + L2 1 = 3
	 */
	{ "64M at 2M", 0x10200000, SZ_64M, { 2, 4, 2 }, { 3, 5, 3 } },
	/*
	 * 1 GiB at 1 GiB: whole blocks from the first block level down,
	 * and A-aligned, so VA [0, 1G).
	 * 4K:  host L0 1 = 1;              hyp 2
	 * 16K: host L0 1, L1 1 = 2;        hyp 2 + L1 1 = 3
	 * 64K: host L1 1 = 1;              hyp 2
	 */
	{ "1G at 1G", SZ_1G, SZ_1G, { 1, 2, 1 }, { 2, 3, 2 } },
	/*
	 * [1G - 64K, 2G + 2M + 64K): unaligned head and tail at every block
	 * level; A is the largest block, 1G / 32M / 512M.
	 * 4K:  host L0 1, L1 2, L2 2 = 5;  VA [1G - 64K, ...): hyp 2 + 2 + 2 = 6
	 * 16K: host L0 1, L1 1, L2 2 = 4;  VA [32M - 64K, ...): hyp 2 + 1 + 2 = 5
	 * 64K: host L1 1, L2 2 = 3;        VA [512M - 64K, ...): hyp 2 + 2 = 4
	 */
	{ "head and tail", SZ_1G - SZ_64K, SZ_1G + SZ_2M + 2 * SZ_64K,
	  { 5, 4, 3 }, { 6, 5, 4 } },
	/*
	 * Two pages across a last-level table boundary (2M, 32M, 512M): two
	 * windows at L2 for the host. The hyp VA is [0, 2 pages): one.
	 * 4K: host 1 + 1 + 2 = 4, hyp 2 + 1 + 1 = 4; 16K: the same;
	 * 64K: host 1 + 2 = 3, hyp 2 + 1 = 3
	 */
	{ "two pages across L2", 0, 0, { 4, 4, 3 }, { 4, 4, 3 } },
};

static void pgtable_region_test(struct kunit *test)
{
	static const s8 first_level_48[3] = { 0, 0, 1 };
	int psz = (PAGE_SHIFT - 12) / 2;	/* 4K, 16K, 64K */
	int extra = first_level_48[psz] - PKVM_PROTECTED_MMIO_FIRST_LEVEL;
	int i;

	KUNIT_ASSERT_GE(test, extra, 0);
	KUNIT_ASSERT_LE(test, extra, 1);
	kunit_info(test, "%lu KiB pages, first level %d\n", PAGE_SIZE / SZ_1K,
		   PKVM_PROTECTED_MMIO_FIRST_LEVEL);

	for (i = 0; i < ARRAY_SIZE(pgtable_cases); i++) {
		const struct pgtable_case *c = &pgtable_cases[i];
		u64 base = c->base, size = c->size;
		struct pkvm_protected_reg reg;

		if (!size) {
			base = kvm_granule_size(KVM_PGTABLE_LAST_LEVEL - 1) -
			       PAGE_SIZE;
			size = 2 * PAGE_SIZE;
		}
		reg = (struct pkvm_protected_reg){ base >> PAGE_SHIFT,
						   size >> PAGE_SHIFT };
		KUNIT_EXPECT_EQ_MSG(test,
				    pkvm_mmio_tables(&reg, 1, PKVM_PROTECTED_MMIO_FIRST_LEVEL,
						     false, false, 0),
				    c->host[psz] + extra, "%s, host stage-2", c->what);
		KUNIT_EXPECT_EQ_MSG(test,
				    pkvm_mmio_tables(&reg, 1, PKVM_PROTECTED_MMIO_FIRST_LEVEL,
						     true, false, 0),
				    c->hyp[psz] + extra, "%s, hyp stage-1", c->what);
	}
}

/*
 * pkvm_mmio_tables() for region sets, 4K pages, a root at level 0 in both
 * page tables and the hyp text at 0x40200000 (so the host stage-2 already
 * has the level-1 table of the low 512G window):
 *
 * - one page at 0x9010000: host L1 table skipped (resident), L2 table of
 *   the first 1G, L3 table of its 2M window = 2. Hyp: the page at VA 0;
 *   under the root the worst case, DIV_ROUND_UP(4K, 512G) + 1 = 2, then
 *   one L2 and one L3 table = 4.
 * - 16 pages 8K apart from 0x100000: the same tables, once = 2; hyp: 16
 *   pages in one 2M window = 4.
 * - 1G at 512G: host L1 table of the second 512G window, then one block =
 *   1; hyp: 2 under the root, then one block = 2.
 */
static void pgtable_set_test(struct kunit *test)
{
	struct pkvm_protected_reg one = { 0x9010, 1 }, gib = { 0x8000000, SZ_1G >> 12 };
	struct pkvm_protected_reg many[16];
	int i;

	if (PAGE_SIZE != SZ_4K)
		kunit_skip(test, "hand-derived for 4K pages");

	for (i = 0; i < 16; i++)
		many[i] = (struct pkvm_protected_reg){ 0x100 + 2 * i, 1 };

	KUNIT_EXPECT_EQ(test, pkvm_mmio_tables(&one, 1, 0, false, true, 0x40200000), 2);
	KUNIT_EXPECT_EQ(test, pkvm_mmio_tables(&one, 1, 0, true, false, 0), 4);
	KUNIT_EXPECT_EQ(test, pkvm_mmio_tables(many, 16, 0, false, true, 0x40200000), 2);
	KUNIT_EXPECT_EQ(test, pkvm_mmio_tables(many, 16, 0, true, false, 0), 4);
	KUNIT_EXPECT_EQ(test, pkvm_mmio_tables(&gib, 1, 0, false, true, 0x40200000), 1);
	KUNIT_EXPECT_EQ(test, pkvm_mmio_tables(&gib, 1, 0, true, false, 0), 2);
	/* Without the resident hyp text the host needs the L1 table too. */
	KUNIT_EXPECT_EQ(test, pkvm_mmio_tables(&one, 1, 0, false, false, 0), 3);
}

static struct kunit_case pkvm_protected_mmio_test_cases[] = {
	KUNIT_CASE(translate_identity_test),
	KUNIT_CASE(translate_moving_test),
	KUNIT_CASE(translate_nested_test),
	KUNIT_CASE(translate_errors_test),
	KUNIT_CASE(first_window_test),
	KUNIT_CASE(cells_test),
	KUNIT_CASE(multiple_reg_test),
	KUNIT_CASE(index_select_test),
	KUNIT_CASE(index_out_of_range_test),
	KUNIT_CASE(index_duplicate_test),
	KUNIT_CASE(bad_length_test),
	KUNIT_CASE(check_size_zero_test),
	KUNIT_CASE(check_wraps_test),
	KUNIT_CASE(check_unaligned_test),
	KUNIT_CASE(check_pa_limit_test),
	KUNIT_CASE(check_ram_test),
	KUNIT_CASE(discover_test),
	KUNIT_CASE(discover_rules_test),
	KUNIT_CASE(discover_ram_test),
	KUNIT_CASE(discover_coalesce_test),
	KUNIT_CASE(discover_too_many_test),
	KUNIT_CASE(format_error_test),
	KUNIT_CASE(rule_names_test),
	KUNIT_CASE(pgtable_region_test),
	KUNIT_CASE(pgtable_set_test),
	{}
};

static struct kunit_suite pkvm_protected_mmio_test_suite = {
	.name = "pkvm_protected_mmio",
	.test_cases = pkvm_protected_mmio_test_cases,
};

kunit_test_suite(pkvm_protected_mmio_test_suite);

MODULE_DESCRIPTION("KUnit tests for pKVM protected MMIO");
MODULE_LICENSE("GPL");
