// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the kernel's discovery costs on real device trees, in instructions:
 * run under callgrind (scripts/bench-fdt.sh), it measures, for each DTB
 * given, a bare libfdt walk asking every node for one property, and
 * pkvm_mmio_fdt_discover() as kvm_hyp_reserve() calls it, and dumps one
 * callgrind profile per measurement named "bare <dtb>" / "discover <dtb>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include "pkvm_mmio_fdt.h"

static char *load(const char *name)
{
	FILE *f = fopen(name, "rb");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len + 8);
	if (buf && fread(buf, 1, len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The floor: visit every node and ask it for one property. */
static int __attribute__((noinline)) bare_walk(const void *fdt)
{
	int node, depth = 0, found = 0, len;

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth))
		found += !!fdt_getprop(fdt, node, PKVM_MMIO_PROP, &len);
	return found;
}

int main(int argc, char **argv)
{
	static struct pkvm_mmio_region regions[PKVM_MMIO_SCRATCH_REGIONS(16)];
	const struct pkvm_mmio_limits limits = {
		.page_size = 4096,
		.pa_limit = 1ULL << 48,
		.max_regions = 16,
	};
	struct pkvm_mmio_error err;
	char name[4096];
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		char *fdt = load(argv[i]);
		int found, nr;

		if (!fdt || fdt_check_header(fdt)) {
			fprintf(stderr, "%s: not a DTB\n", argv[i]);
			ret = 1;
			continue;
		}

		CALLGRIND_ZERO_STATS;
		CALLGRIND_TOGGLE_COLLECT;
		found = bare_walk(fdt);
		CALLGRIND_TOGGLE_COLLECT;
		snprintf(name, sizeof(name), "bare %s", argv[i]);
		CALLGRIND_DUMP_STATS_AT(name);

		CALLGRIND_ZERO_STATS;
		CALLGRIND_TOGGLE_COLLECT;
		nr = pkvm_mmio_fdt_discover(fdt, &limits, regions,
					    sizeof(regions) / sizeof(regions[0]),
					    &err);
		CALLGRIND_TOGGLE_COLLECT;
		snprintf(name, sizeof(name), "discover %s", argv[i]);
		CALLGRIND_DUMP_STATS_AT(name);

		printf("%s: %d tagged nodes, discover %d (%s)\n", argv[i],
		       found, nr, pkvm_mmio_rule_name(err.rule));
		free(fdt);
	}
	return ret;
}
