/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What "pkvm,protected-mmio" means, for every user of the tag: the kernel's
 * early boot code, the pkvm-mmio tool, the unit tests and the fuzzers all
 * compile pkvm_mmio_fdt.c, so there is one definition of a tagged region.
 *
 * The parser only uses the libfdt API and a handful of C library calls that
 * the kernel also provides, so it builds unchanged in both worlds.
 */
#ifndef __ARM64_KVM_PKVM_MMIO_FDT_H__
#define __ARM64_KVM_PKVM_MMIO_FDT_H__

#ifdef __KERNEL__
#include <linux/init.h>
#include <linux/libfdt.h>
#include <linux/types.h>
#else
#include <libfdt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef int8_t s8;
typedef uint32_t u32;
typedef int64_t s64;
typedef uint64_t u64;
#endif

#define PKVM_MMIO_PROP			"pkvm,protected-mmio"

/*
 * In the kernel the parser only runs at boot, unless the KUnit suite calls
 * it later: keep its code in init memory otherwise.
 */
#if defined(__KERNEL__) && !defined(CONFIG_PKVM_PROTECTED_MMIO_KUNIT_TEST)
#define __pkvm_mmio_init	__init
#else
#define __pkvm_mmio_init
#endif

/*
 * Entries of scratch space pkvm_mmio_fdt_discover() is given for a limit of
 * @max regions: it coalesces in place when full, so this only overflows
 * when far more than @max regions remain after merging.
 */
#define PKVM_MMIO_SCRATCH_REGIONS(max)	(4 * (max) + 64)

/*
 * Linux unflattens nodes down to this depth, not below
 * (unflatten_dt_nodes()): a tagged node deeper than that has no live node,
 * an untagged one is nothing to us.
 */
#define PKVM_MMIO_FDT_MAX_DEPTH		63

/* Every rule a tagged region can break; the order is the checking order. */
enum pkvm_mmio_rule {
	PKVM_MMIO_OK = 0,
	PKVM_MMIO_BAD_FDT,
	PKVM_MMIO_TOO_DEEP,
	PKVM_MMIO_TAG_LENGTH,
	PKVM_MMIO_TAG_INDEX,
	PKVM_MMIO_TAG_DUPLICATE,
	PKVM_MMIO_NO_REG,
	PKVM_MMIO_ROOT,
	PKVM_MMIO_CELLS,
	PKVM_MMIO_SPECIAL_BUS,
	PKVM_MMIO_REG_LENGTH,
	PKVM_MMIO_NOT_MMIO,
	PKVM_MMIO_RANGES_LENGTH,
	PKVM_MMIO_UNTRANSLATABLE,
	PKVM_MMIO_RANGES_STRADDLE,
	PKVM_MMIO_SIZE_ZERO,
	PKVM_MMIO_WRAPS,
	PKVM_MMIO_UNALIGNED,
	PKVM_MMIO_PA_RANGE,
	PKVM_MMIO_RAM,
	PKVM_MMIO_OF_DIFFERS,
	PKVM_MMIO_HANDLERS,
	PKVM_MMIO_CONSOLE,
	PKVM_MMIO_INTC,
	PKVM_MMIO_DEVICE,
	PKVM_MMIO_TOO_MANY,
	PKVM_MMIO_CLAIMED,
	PKVM_MMIO_NO_MEMORY,
	PKVM_MMIO_NR_RULES,
};

/*
 * The EL2 handlers a tagged node can have, chosen by its compatible. A region
 * without one is denied to the host; a region with one is mediated: the
 * host's driver keeps the device, and the handler checks and performs each
 * access at EL2.
 */
enum pkvm_mmio_handler_id {
	PKVM_MMIO_HANDLER_NONE = 0,
	PKVM_MMIO_NR_HANDLERS,
};

/* One tagged reg entry after translation to a CPU physical address. */
struct pkvm_mmio_region {
	u64 base;
	u64 size;
	int node;		/* FDT offset of the tagged node */
	int reg_index;		/* index into its reg property */
	int nr_merged;		/* entries coalesced into this one, >= 1 */
	enum pkvm_mmio_handler_id handler;
};

/*
 * Where and why parsing or validation stopped. @node is the tagged node, or
 * -1 when the error is not about one node (a bad blob, too many regions);
 * @bus, when @has_bus, is the ancestor whose cells or ranges are at fault.
 * @base and @size are the region as far as it was understood; @limit carries
 * the bound that was broken (page size, PA limit, region limit) when there
 * is one, and @found what was found instead (@found_at_least when the walk
 * stopped counting).
 */
struct pkvm_mmio_error {
	enum pkvm_mmio_rule rule;
	int node;
	int reg_index;
	bool has_bus;
	int bus;
	bool has_range;
	u64 base;
	u64 size;
	u64 limit;
	u64 found;
	bool found_at_least;
};

/* The platform's bounds a region is checked against. */
struct pkvm_mmio_limits {
	u64 page_size;
	u64 pa_limit;			/* first PA the host stage-2 cannot cover */
	unsigned int max_regions;	/* after coalescing */
	/* Returns true when [base, base + size) overlaps RAM. */
	bool (*overlaps_ram)(void *ctx, u64 base, u64 size);
	void *ram_ctx;
	/*
	 * Optional: non-zero when the OS translates the tagged entry @r (as
	 * read off the tree) to anything else than @r->base, @r->size.
	 */
	int (*translate_check)(void *ctx, const struct pkvm_mmio_region *r);
	void *translate_ctx;
};

/*
 * The walkers call @fn once per tagged (or, for the memory walker, /memory)
 * reg entry, after translation. A non-zero return stops the walk and is
 * passed back.
 */
typedef int (*pkvm_mmio_visit_t)(void *ctx,
				 const struct pkvm_mmio_region *region);

int pkvm_mmio_fdt_walk_regions(const void *fdt, pkvm_mmio_visit_t fn,
			       void *ctx, struct pkvm_mmio_error *err);
int pkvm_mmio_fdt_walk_memory(const void *fdt, pkvm_mmio_visit_t fn,
			      void *ctx, struct pkvm_mmio_error *err);
int pkvm_mmio_fdt_walk_all_regs(const void *fdt, pkvm_mmio_visit_t fn,
				void *ctx, int *skipped);
int pkvm_mmio_check_region(const struct pkvm_mmio_region *region,
			   const struct pkvm_mmio_limits *limits,
			   struct pkvm_mmio_error *err);
int pkvm_mmio_coalesce(struct pkvm_mmio_region *regions, int nr);
bool pkvm_mmio_overlaps(const struct pkvm_mmio_region *regions, size_t nr,
			u64 base, u64 size);
int pkvm_mmio_find_overlap(const struct pkvm_mmio_region *regions, int nr,
			   u64 base, u64 size);
int pkvm_mmio_fdt_discover(const void *fdt,
			   const struct pkvm_mmio_limits *limits,
			   struct pkvm_mmio_region *regions, int cap,
			   struct pkvm_mmio_error *err);
int pkvm_mmio_fdt_console(const void *fdt);
enum pkvm_mmio_handler_id pkvm_mmio_fdt_handler(const void *fdt, int node);
const char *pkvm_mmio_handler_name(enum pkvm_mmio_handler_id handler);
const char *pkvm_mmio_rule_str(enum pkvm_mmio_rule rule);
const char *pkvm_mmio_rule_name(enum pkvm_mmio_rule rule);
int pkvm_mmio_format_error(const void *fdt, const struct pkvm_mmio_error *err,
			   char *buf, size_t len);

#endif /* __ARM64_KVM_PKVM_MMIO_FDT_H__ */
