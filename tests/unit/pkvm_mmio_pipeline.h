/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's use of the shared parser, for every host-side test: the
 * tree's /memory nodes play memblock, pkvm_mmio_fdt_discover() gives the
 * verdict with the kernel's limits and scratch size. The fixture driver
 * prints the outcome, the fuzzer checks it, so both link
 * pkvm_mmio_driver.c.
 */
#ifndef __PKVM_MMIO_PIPELINE_H__
#define __PKVM_MMIO_PIPELINE_H__

#include <stdio.h>

#include "pkvm_mmio_fdt.h"

struct pkvm_mmio_list {
	struct pkvm_mmio_region *r;
	int nr;
	int cap;
};

struct pkvm_mmio_pipeline {
	/* In: the platform. */
	u64 page_size;
	u64 pa_limit;
	unsigned int max_regions;
	/* Out: the coalesced regions, or the first error. */
	struct pkvm_mmio_list regions;
	struct pkvm_mmio_list ram;
	struct pkvm_mmio_error err;
};

/*
 * Run the pipeline over @len bytes at @fdt (8-byte aligned, as libfdt
 * wants). Returns 0 or -1 with p->err filled in; call
 * pkvm_mmio_pipeline_free() either way.
 */
int pkvm_mmio_pipeline_run(const void *fdt, size_t len,
			   struct pkvm_mmio_pipeline *p);
void pkvm_mmio_pipeline_free(struct pkvm_mmio_pipeline *p);

/* The driver's output lines for the outcome of pkvm_mmio_pipeline_run(). */
void pkvm_mmio_pipeline_print(FILE *out, const void *fdt, int ret,
			      const struct pkvm_mmio_pipeline *p);

#endif /* __PKVM_MMIO_PIPELINE_H__ */
