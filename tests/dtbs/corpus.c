// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared parser against every arm64 DTB the base kernel builds.
 *
 *   corpus [-m MOD] [-w EVERY] [-o OUTDIR] LIST
 *
 * LIST names one DTB per line. For each DTB:
 *  - untagged, pkvm_mmio_fdt_discover() must protect nothing and refuse
 *    nothing: no rule of ours may fire on a tree without a tag;
 *  - every node with reg whose hash (of the DTB name and node path) is 0
 *    modulo MOD, and the one with the smallest hash, so that every DTB and
 *    every vendor is in the sample, is tagged alone, and the verdict must
 *    be an acceptance or a named rule.
 * With -o, every EVERYth tagged tree is written there, with its verdict in
 * OUTDIR/verdicts (for the tool to reach the same one), and the smallest
 * tree that drew each rule goes to OUTDIR/seeds (for the fuzzer).
 *
 * Prints TAP-style lines and the counts by rule. Built with ASan/UBSan by
 * tests/dtbs/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkvm_mmio_fdt.h"

#define MAX_REGIONS	16

static struct pkvm_mmio_region regions[PKVM_MMIO_SCRATCH_REGIONS(MAX_REGIONS)];
static const struct pkvm_mmio_limits limits = {
	.page_size = 4096,
	.pa_limit = 1ULL << 48,
	.max_regions = MAX_REGIONS,
};

static unsigned long verdicts[PKVM_MMIO_NR_RULES];
static unsigned long accepted, sampled, tree_failures, written;
static unsigned int write_every = 10;
static char vendors[64][32];
static unsigned int nr_vendors;

/* The directory under arch/arm64/boot/dts: the vendor. */
static void note_vendor(const char *dtb)
{
	const char *v = strstr(dtb, "/dts/");
	unsigned int i, n;

	if (!v)
		return;
	v += strlen("/dts/");
	n = strcspn(v, "/");
	if (n >= sizeof(vendors[0]))
		n = sizeof(vendors[0]) - 1;
	for (i = 0; i < nr_vendors; i++) {
		if (!strncmp(vendors[i], v, n) && !vendors[i][n])
			return;
	}
	if (nr_vendors < sizeof(vendors) / sizeof(vendors[0])) {
		memcpy(vendors[nr_vendors], v, n);
		vendors[nr_vendors++][n] = '\0';
	}
}
static char seed_name[PKVM_MMIO_NR_RULES][8200];
static size_t seed_size[PKVM_MMIO_NR_RULES];

static char *load(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = n;
out:
	fclose(f);
	return buf;
}

static uint32_t fnv1a(uint32_t h, const char *s)
{
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static int write_file(const char *name, const void *buf, size_t len)
{
	FILE *f = fopen(name, "wb");
	int ret;

	if (!f)
		return -1;
	ret = fwrite(buf, 1, len, f) == len ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

/* Tag @node of @fdt alone and run the boot pipeline on the result. */
static int tag_one(const char *dtb, const void *fdt, int node, const char *path,
		   const char *outdir, FILE *verdict_file)
{
	size_t size = fdt_totalsize(fdt) + 256;
	struct pkvm_mmio_error err;
	char *copy = malloc(size);
	int nr, ret = 0;

	if (!copy || fdt_open_into(fdt, copy, size) ||
	    fdt_setprop_empty(copy, node, PKVM_MMIO_PROP) || fdt_pack(copy)) {
		free(copy);
		return -1;
	}

	nr = pkvm_mmio_fdt_discover(copy, &limits, regions,
				    sizeof(regions) / sizeof(regions[0]), &err);
	sampled++;
	if (nr > 0) {
		accepted++;
	} else if (nr < 0 && err.rule > PKVM_MMIO_OK &&
		   err.rule < PKVM_MMIO_NR_RULES) {
		verdicts[err.rule]++;
		if (!seed_size[err.rule] ||
		    fdt_totalsize(copy) < seed_size[err.rule]) {
			seed_size[err.rule] = fdt_totalsize(copy);
			snprintf(seed_name[err.rule], sizeof(seed_name[0]),
				 "%s %s", dtb, path);
			if (outdir) {
				char name[8400];

				snprintf(name, sizeof(name), "%s/seeds/%s.dtb",
					 outdir, pkvm_mmio_rule_name(err.rule));
				write_file(name, copy, fdt_totalsize(copy));
			}
		}
	} else {
		printf("not ok - %s %s: verdict %d, rule %d\n", dtb, path, nr,
		       err.rule);
		ret = -1;
	}

	note_vendor(dtb);
	if (outdir && verdict_file && sampled % write_every == 0) {
		char name[8400];

		snprintf(name, sizeof(name), "%s/tagged/%lu.dtb", outdir,
			 written);
		if (!write_file(name, copy, fdt_totalsize(copy))) {
			fprintf(verdict_file, "%lu.dtb %s %s %s\n", written,
				nr >= 0 ? "accept" : pkvm_mmio_rule_name(err.rule),
				dtb, path);
			written++;
		}
	}
	free(copy);
	return ret;
}

static int one_dtb(const char *dtb, unsigned int mod, const char *outdir,
		   FILE *verdict_file)
{
	struct pkvm_mmio_error err;
	char path[4096];
	size_t len;
	char *fdt = load(dtb, &len);
	int node, depth = 0, nr, ret = 0, min_node = -1;
	uint32_t min_hash = UINT32_MAX;

	if (!fdt || len < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > len) {
		printf("not ok - %s: not a DTB\n", dtb);
		free(fdt);
		return -1;
	}

	nr = pkvm_mmio_fdt_discover(fdt, &limits, regions,
				    sizeof(regions) / sizeof(regions[0]), &err);
	if (nr != 0 || err.rule != PKVM_MMIO_OK) {
		printf("not ok - %s untagged: %d regions, rule %s\n", dtb, nr,
		       pkvm_mmio_rule_name(err.rule));
		ret = -1;
	}

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		uint32_t hash;

		if (!depth || !fdt_getprop(fdt, node, "reg", NULL) ||
		    fdt_get_path(fdt, node, path, sizeof(path)))
			continue;
		hash = fnv1a(fnv1a(2166136261u, strrchr(dtb, '/') ?: dtb), path);
		if (hash % mod) {
			if (hash < min_hash) {
				min_hash = hash;
				min_node = node;
			}
			continue;
		}
		if (tag_one(dtb, fdt, node, path, outdir, verdict_file))
			ret = -1;
	}
	if (min_node >= 0 &&
	    !fdt_get_path(fdt, min_node, path, sizeof(path)) &&
	    tag_one(dtb, fdt, min_node, path, outdir, verdict_file))
		ret = -1;
	free(fdt);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int mod = 256, nr_dtbs = 0, i;
	const char *outdir = NULL;
	FILE *list, *verdict_file = NULL;
	char line[4096];
	int opt;

	while ((opt = getopt(argc, argv, "m:o:w:")) != -1) {
		if (opt == 'm')
			mod = strtoul(optarg, NULL, 0);
		else if (opt == 'w')
			write_every = strtoul(optarg, NULL, 0);
		else if (opt == 'o')
			outdir = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || !mod || !write_every)
		return 2;
	list = fopen(argv[optind], "r");
	if (!list)
		return 2;
	if (outdir) {
		snprintf(line, sizeof(line), "%s/verdicts", outdir);
		verdict_file = fopen(line, "w");
	}

	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		nr_dtbs++;
		if (one_dtb(line, mod, outdir, verdict_file))
			tree_failures++;
	}
	fclose(list);
	if (verdict_file)
		fclose(verdict_file);

	printf("%s - %u DTBs untagged: nothing protected, nothing refused, and %lu tagged nodes (1 in %u of those with reg and 1 more per DTB, %u vendors) each an acceptance or a named rule\n",
	       tree_failures ? "not ok" : "ok", nr_dtbs, sampled, mod,
	       nr_vendors);
	printf("# verdicts: %lu accepted", accepted);
	for (i = 1; i < PKVM_MMIO_NR_RULES; i++) {
		if (verdicts[i])
			printf(", %lu %s", verdicts[i], pkvm_mmio_rule_name(i));
	}
	printf("\n");
	for (i = 1; i < PKVM_MMIO_NR_RULES; i++) {
		if (verdicts[i])
			printf("# smallest tree for %s: %s\n",
			       pkvm_mmio_rule_name(i), seed_name[i]);
	}
	return tree_failures ? 1 : 0;
}
