// SPDX-License-Identifier: GPL-2.0-only
/*
 * fixture-check: run the kernel's protected-MMIO pipeline over a DTB file.
 *
 *   fixture-check [--page-size BYTES] [--pa-bits N] [--max-regions N] DTB
 *
 * Prints one "region" line per coalesced region and "ok <count>", or a
 * single "error <rule-name> <message>" line. Exits 0, 1 on a rule violation,
 * 2 when the input cannot be read or the options make no sense.
 *
 * It calls pkvm_mmio_fdt_discover() as pkvm_protected_mmio_discover() does,
 * with memblock played by the tree's own /memory nodes. Built with
 * -DPKVM_MMIO_PIPELINE_NO_MAIN, this file is what the fuzzer drives, so the
 * two can never disagree about what the kernel does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkvm_mmio_pipeline.h"

static int list_add(struct pkvm_mmio_list *l, const struct pkvm_mmio_region *r)
{
	if (l->nr == l->cap) {
		int cap = l->cap ? 2 * l->cap : 16;
		void *n = realloc(l->r, cap * sizeof(*l->r));

		if (!n)
			return -1;
		l->r = n;
		l->cap = cap;
	}
	l->r[l->nr++] = *r;
	return 0;
}

static void set_error(struct pkvm_mmio_error *err, enum pkvm_mmio_rule rule)
{
	memset(err, 0, sizeof(*err));
	err->rule = rule;
	err->node = -1;
	err->reg_index = -1;
}

/* Returns 1, which no walker error can be, when memory runs out. */
static int add_ram(void *ctx, const struct pkvm_mmio_region *r)
{
	struct pkvm_mmio_pipeline *p = ctx;

	return list_add(&p->ram, r) ? 1 : 0;
}

/* Compare last bytes, not ends: /memory is not checked and may wrap. */
static bool overlaps_ram(void *ctx, u64 base, u64 size)
{
	const struct pkvm_mmio_pipeline *p = ctx;

	return pkvm_mmio_overlaps(p->ram.r, p->ram.nr, base, size);
}

int pkvm_mmio_pipeline_run(const void *fdt, size_t len,
			   struct pkvm_mmio_pipeline *p)
{
	struct pkvm_mmio_limits limits = {
		.page_size = p->page_size,
		.pa_limit = p->pa_limit,
		.max_regions = p->max_regions,
		.overlaps_ram = overlaps_ram,
		.ram_ctx = p,
	};
	/* The kernel's scratch array: PKVM_MMIO_SCRATCH_REGIONS. */
	int nr, cap = PKVM_MMIO_SCRATCH_REGIONS(p->max_regions);

	/*
	 * The parser takes no length: it trusts the header's totalsize, as
	 * the kernel may for its boot blob. A file may lie, so check here.
	 */
	if (len < sizeof(struct fdt_header) || fdt_totalsize(fdt) > len) {
		set_error(&p->err, PKVM_MMIO_BAD_FDT);
		return -1;
	}

	/*
	 * memblock is whatever the kernel made of /memory, which never
	 * fails: keep what was read, and leave the verdict on a /memory
	 * node the parser cannot read to pkvm_mmio_fdt_discover().
	 */
	if (pkvm_mmio_fdt_walk_memory(fdt, add_ram, p, &p->err) == 1)
		goto nomem;

	p->regions.r = calloc(cap, sizeof(*p->regions.r));
	if (!p->regions.r)
		goto nomem;
	p->regions.cap = cap;

	nr = pkvm_mmio_fdt_discover(fdt, &limits, p->regions.r, cap, &p->err);
	if (nr < 0)
		return -1;
	p->regions.nr = nr;
	return 0;

nomem:
	set_error(&p->err, PKVM_MMIO_NO_MEMORY);
	return -1;
}

void pkvm_mmio_pipeline_free(struct pkvm_mmio_pipeline *p)
{
	free(p->regions.r);
	free(p->ram.r);
	memset(&p->regions, 0, sizeof(p->regions));
	memset(&p->ram, 0, sizeof(p->ram));
}

void pkvm_mmio_pipeline_print(FILE *out, const void *fdt, int ret,
			      const struct pkvm_mmio_pipeline *p)
{
	char buf[512];
	int i;

	if (ret) {
		pkvm_mmio_format_error(fdt, &p->err, buf, sizeof(buf));
		fprintf(out, "error %s %s\n", pkvm_mmio_rule_name(p->err.rule),
			buf);
		return;
	}

	for (i = 0; i < p->regions.nr; i++) {
		const struct pkvm_mmio_region *r = &p->regions.r[i];

		if (fdt_get_path(fdt, r->node, buf, sizeof(buf)))
			snprintf(buf, sizeof(buf), "<node at offset %d>",
				 r->node);
		fprintf(out, "region 0x%llx 0x%llx %s reg[%d] merged=%d\n",
			(unsigned long long)r->base,
			(unsigned long long)r->size, buf, r->reg_index,
			r->nr_merged);
	}
	fprintf(out, "ok %d\n", p->regions.nr);
}

#ifndef PKVM_MMIO_PIPELINE_NO_MAIN

static void *read_file(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	size_t cap = 0, n;
	char *buf = NULL;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len == cap) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int parse_u64(const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 0);
	return errno || !*s || *end || *val < min || *val > max ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: fixture-check [--page-size BYTES] [--pa-bits N] [--max-regions N] DTB\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct pkvm_mmio_pipeline p = { 0 };
	unsigned long long page_size = 4096, pa_bits = 48, max_regions = 16;
	const char *name = NULL;
	size_t len;
	void *fdt;
	int i, ret;

	for (i = 1; i < argc; i++) {
		unsigned long long *opt = NULL, min = 1, max = 0;

		if (!strcmp(argv[i], "--page-size")) {
			opt = &page_size;
			max = 1ULL << 30;
		} else if (!strcmp(argv[i], "--pa-bits")) {
			opt = &pa_bits;
			max = 63;	/* the limit is 1 << pa_bits */
		} else if (!strcmp(argv[i], "--max-regions")) {
			opt = &max_regions;
			max = 1 << 20;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
			continue;
		}
		if (!opt || ++i == argc || parse_u64(argv[i], min, max, opt))
			return usage();
	}
	if (!name || (page_size & (page_size - 1)))
		return usage();

	fdt = read_file(name, &len);
	if (!fdt) {
		fprintf(stderr, "fixture-check: %s: %s\n", name,
			strerror(errno));
		return 2;
	}

	p.page_size = page_size;
	p.pa_limit = 1ULL << pa_bits;
	p.max_regions = max_regions;
	ret = pkvm_mmio_pipeline_run(fdt, len, &p);
	pkvm_mmio_pipeline_print(stdout, fdt, ret, &p);
	pkvm_mmio_pipeline_free(&p);
	free(fdt);
	return ret ? 1 : 0;
}

#endif /* PKVM_MMIO_PIPELINE_NO_MAIN */
