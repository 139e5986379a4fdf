// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the pinned host stage-2 annotations that pKVM protected
 * MMIO rests on: the page-table code itself must refuse to split or drop
 * them, whoever calls it. The same pgtable.c runs here at EL1 on a table of
 * our own, with kernel pages for memory.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include <asm/cpufeature.h>
#include <asm/kvm_host.h>
#include <asm/kvm_pgtable.h>
#include <asm/virt.h>

/* Any annotation payload will do; the type is what the walkers look at. */
#define PINNED_ANNOTATION	BIT(1)
#define PINNED_IPA		SZ_4G

static struct kvm_pgtable_mm_ops pinned_mm_ops;

/* Tables come from the page allocator; the walkers only want a cache. */
static int pinned_cache;

static void *pinned_zalloc_page(void *mc)
{
	return (void *)get_zeroed_page(GFP_KERNEL);
}

static void *pinned_zalloc_pages_exact(size_t size)
{
	return alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
}

static void pinned_free_pages_exact(void *addr, size_t size)
{
	free_pages_exact(addr, size);
}

static void pinned_get_page(void *addr)
{
	get_page(virt_to_page(addr));
}

static void pinned_put_page(void *addr)
{
	put_page(virt_to_page(addr));
}

static int pinned_page_count(void *addr)
{
	return page_count(virt_to_page(addr));
}

static void *pinned_phys_to_virt(phys_addr_t phys)
{
	return __va(phys);
}

static phys_addr_t pinned_virt_to_phys(void *addr)
{
	return __pa(addr);
}

static void pinned_free_unlinked(void *addr, s8 level)
{
	kvm_pgtable_stage2_free_unlinked(&pinned_mm_ops, addr, level);
}

static struct kvm_pgtable_mm_ops pinned_mm_ops = {
	.zalloc_page		= pinned_zalloc_page,
	.zalloc_pages_exact	= pinned_zalloc_pages_exact,
	.free_pages_exact	= pinned_free_pages_exact,
	.free_unlinked_table	= pinned_free_unlinked,
	.get_page		= pinned_get_page,
	.put_page		= pinned_put_page,
	.page_count		= pinned_page_count,
	.phys_to_virt		= pinned_phys_to_virt,
	.virt_to_phys		= pinned_virt_to_phys,
};

struct pinned_table {
	struct kvm_pgtable pgt;
	struct kvm_s2_mmu mmu;
};

static void pinned_exit(void *data)
{
	kvm_pgtable_stage2_destroy(data);
}

/* A 40-bit IPA stage-2 page table, an identity map like the host's. */
static struct kvm_pgtable *pinned_table(struct kunit *test,
					enum kvm_pgtable_stage2_flags flags)
{
	struct pinned_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->mmu.vtcr = kvm_get_vtcr(read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1),
				   read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1),
				   40);
	t->mmu.pgt = &t->pgt;
	KUNIT_ASSERT_EQ(test, __kvm_pgtable_stage2_init(&t->pgt, &t->mmu,
							&pinned_mm_ops, flags,
							NULL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pinned_exit,
							&t->pgt), 0);
	return &t->pgt;
}

static void expect_pinned(struct kunit *test, struct kvm_pgtable *pgt,
			  u64 addr, s8 want_level)
{
	kvm_pte_t pte;
	s8 level;

	KUNIT_ASSERT_EQ(test, kvm_pgtable_get_leaf(pgt, addr, &pte, &level), 0);
	KUNIT_EXPECT_FALSE(test, kvm_pte_valid(pte));
	KUNIT_EXPECT_EQ(test, FIELD_GET(KVM_INVALID_PTE_TYPE_MASK, pte),
			KVM_HOST_INVALID_PTE_TYPE_PINNED);
	KUNIT_EXPECT_EQ(test, level, want_level);
}

/* A pinned block is laid out as a block, and nothing gets inside it. */
static void pinned_block_test(struct kunit *test)
{
	struct kvm_pgtable *pgt = pinned_table(test, KVM_PGTABLE_S2_IDMAP);
	s8 block_level = KVM_PGTABLE_LAST_LEVEL - 1;
	u64 block = kvm_granule_size(block_level);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_annotate(pgt, PINNED_IPA, block,
							  &pinned_cache,
							  KVM_HOST_INVALID_PTE_TYPE_PINNED,
							  PINNED_ANNOTATION), 0);
	expect_pinned(test, pgt, PINNED_IPA, block_level);
	expect_pinned(test, pgt, PINNED_IPA + block - PAGE_SIZE, block_level);

	/* A mapping or a page-level annotation inside would split it. */
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_map(pgt, PINNED_IPA + PAGE_SIZE,
						     PAGE_SIZE, PINNED_IPA + PAGE_SIZE,
						     KVM_PGTABLE_PROT_RW, &pinned_cache, 0),
			-EPERM);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_annotate(pgt, PINNED_IPA, PAGE_SIZE,
							  &pinned_cache,
							  KVM_HOST_INVALID_PTE_TYPE_DONATION,
							  PINNED_ANNOTATION), -EPERM);
	expect_pinned(test, pgt, PINNED_IPA + PAGE_SIZE, block_level);
}

/* A table holding a pinned page is never replaced by a block. */
static void pinned_table_test(struct kunit *test)
{
	struct kvm_pgtable *pgt = pinned_table(test, KVM_PGTABLE_S2_IDMAP);
	u64 block = kvm_granule_size(KVM_PGTABLE_LAST_LEVEL - 1);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_annotate(pgt, PINNED_IPA + PAGE_SIZE,
							  PAGE_SIZE, &pinned_cache,
							  KVM_HOST_INVALID_PTE_TYPE_PINNED,
							  PINNED_ANNOTATION), 0);
	expect_pinned(test, pgt, PINNED_IPA + PAGE_SIZE, KVM_PGTABLE_LAST_LEVEL);

	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_map(pgt, PINNED_IPA, block,
						     PINNED_IPA, KVM_PGTABLE_PROT_RW,
						     &pinned_cache, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_annotate(pgt, PINNED_IPA, block,
							  &pinned_cache,
							  KVM_HOST_INVALID_PTE_TYPE_PINNED,
							  PINNED_ANNOTATION), -EPERM);
	expect_pinned(test, pgt, PINNED_IPA + PAGE_SIZE, KVM_PGTABLE_LAST_LEVEL);
}

/*
 * An unmap, as host_stage2_unmap_dev_all() does to recycle table pages,
 * leaves pinned entries and the tables above them in place. The range
 * holds no valid entry, so no TLB maintenance is due, except for the
 * deferred range invalidation of CPUs with range TLBIs and FWB, which at
 * EL1 on nVHE would hand EL2 a table it does not map: skipped there.
 */
static void pinned_unmap_test(struct kunit *test)
{
	struct kvm_pgtable *pgt = pinned_table(test, KVM_PGTABLE_S2_IDMAP);
	s8 block_level = KVM_PGTABLE_LAST_LEVEL - 1;
	u64 block = kvm_granule_size(block_level);

	if (!has_vhe() && system_supports_tlb_range() &&
	    cpus_have_final_cap(ARM64_HAS_STAGE2_FWB))
		kunit_skip(test, "a deferred TLB invalidation would reach EL2");

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_annotate(pgt, PINNED_IPA, block,
							  &pinned_cache,
							  KVM_HOST_INVALID_PTE_TYPE_PINNED,
							  PINNED_ANNOTATION), 0);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_annotate(pgt,
							  PINNED_IPA + 2 * block,
							  PAGE_SIZE, &pinned_cache,
							  KVM_HOST_INVALID_PTE_TYPE_PINNED,
							  PINNED_ANNOTATION), 0);

	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_unmap(pgt, PINNED_IPA, 4 * block), 0);
	expect_pinned(test, pgt, PINNED_IPA, block_level);
	expect_pinned(test, pgt, PINNED_IPA + 2 * block, KVM_PGTABLE_LAST_LEVEL);
}

/* Only an identity map (the host's) may hold pinned annotations. */
static void pinned_idmap_only_test(struct kunit *test)
{
	struct kvm_pgtable *pgt = pinned_table(test, 0);

	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_annotate(pgt, PINNED_IPA, PAGE_SIZE,
							  &pinned_cache,
							  KVM_HOST_INVALID_PTE_TYPE_PINNED,
							  PINNED_ANNOTATION), -EINVAL);
}

static struct kunit_case pinned_cases[] = {
	KUNIT_CASE(pinned_block_test),
	KUNIT_CASE(pinned_table_test),
	KUNIT_CASE(pinned_unmap_test),
	KUNIT_CASE(pinned_idmap_only_test),
	{}
};

static struct kunit_suite pinned_suite = {
	.name = "pkvm_pinned_annotation",
	.test_cases = pinned_cases,
};

kunit_test_suite(pinned_suite);

MODULE_DESCRIPTION("KUnit tests of pinned host stage-2 annotations");
MODULE_LICENSE("GPL");
