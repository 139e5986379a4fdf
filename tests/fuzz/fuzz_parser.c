// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: arbitrary bytes as a DTB through the kernel's pipeline
 * (tests/unit/pkvm_mmio_driver.c) and through the region walk on its own,
 * since the pipeline stops at the first /memory error and would otherwise
 * hide the tag parser behind it.
 *
 * Beyond "no crash", it checks what the kernel relies on: a success leaves
 * sorted, disjoint, non-adjacent, aligned regions inside the PA range and
 * within max_regions; a failure names a real rule.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkvm_mmio_pipeline.h"

/* A roomy 4K platform, and a tight 64K one that reaches "too-many". */
static const struct pkvm_mmio_pipeline platforms[] = {
	{ .page_size = 0x1000, .pa_limit = 1ULL << 48, .max_regions = 16 },
	{ .page_size = 0x10000, .pa_limit = 1ULL << 40, .max_regions = 2 },
};

static FILE *devnull;

static void check_success(const struct pkvm_mmio_pipeline *p)
{
	const struct pkvm_mmio_region *r = p->regions.r;
	u64 pa = p->pa_limit;
	int i;

	if (p->regions.nr < 0 || (unsigned int)p->regions.nr > p->max_regions)
		abort();
	for (i = 0; i < p->regions.nr; i++) {
		if (!r[i].size ||
		    ((r[i].base | r[i].size) & (p->page_size - 1)))
			abort();
		if (r[i].base >= pa || r[i].size > pa - r[i].base)
			abort();
		if (r[i].nr_merged < 1)
			abort();
		/* coalescing leaves a gap between neighbours */
		if (i && r[i].base <= r[i - 1].base + r[i - 1].size)
			abort();
	}
}

static int ignore_region(void *ctx, const struct pkvm_mmio_region *r)
{
	(void)ctx;
	(void)r;
	return 0;
}

static void run_pipeline(const void *fdt, size_t size,
			 const struct pkvm_mmio_pipeline *platform)
{
	struct pkvm_mmio_pipeline p = *platform;
	int ret;

	ret = pkvm_mmio_pipeline_run(fdt, size, &p);
	if (ret && (p.err.rule <= PKVM_MMIO_OK ||
		    p.err.rule >= PKVM_MMIO_NR_RULES))
		abort();
	if (!ret)
		check_success(&p);
	pkvm_mmio_pipeline_print(devnull, fdt, ret, &p);
	pkvm_mmio_pipeline_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkvm_mmio_error err;
	char line[512];
	unsigned int i;
	void *fdt;

	if (!devnull)
		devnull = fopen("/dev/null", "w");

	/*
	 * An exactly sized heap copy: libfdt wants 8-byte alignment, and
	 * ASan then catches any read past the end of the input.
	 */
	fdt = malloc(size ? size : 1);
	if (!fdt)
		return 0;
	memcpy(fdt, data, size);

	for (i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		run_pipeline(fdt, size, &platforms[i]);

	/* The pipeline checked the size; the walks trust the header. */
	if (size >= sizeof(struct fdt_header) && fdt_totalsize(fdt) <= size) {
		int skipped;

		if (pkvm_mmio_fdt_walk_regions(fdt, ignore_region, NULL, &err))
			pkvm_mmio_format_error(fdt, &err, line, sizeof(line));
		pkvm_mmio_fdt_walk_all_regs(fdt, ignore_region, NULL, &skipped);
	}

	free(fdt);
	return 0;
}
