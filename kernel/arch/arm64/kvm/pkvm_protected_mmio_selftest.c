// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test hooks for pKVM protected MMIO, for test kernels only: they let host
 * userspace ask the kernel to do what a buggy or hostile host kernel might,
 * so a boot test can check that the hypervisor refuses it.
 *
 * Write one command to /sys/kernel/debug/kvm/protected_mmio_selftest:
 *
 *   share PFN	 __pkvm_host_share_hyp(PFN): must fail for a protected PFN
 *   unshare PFN __pkvm_host_unshare_hyp(PFN): likewise
 *   donate-vm PHYS
 *		 __pkvm_init_vm() with the hypervisor's VM state at PHYS, given
 *		 as its linear-map address: the donation must fail. PHYS must
 *		 be a page between the first and the last byte of RAM that is
 *		 not RAM (a hole between banks). kern_hyp_va() keeps only the
 *		 low bits needed to tell RAM's addresses apart, so an address
 *		 far enough outside RAM wraps onto RAM at EL2, where the
 *		 hypervisor would take pages in use; one inside that span
 *		 always reaches EL2 as itself
 *   donate-pgd PHYS
 *		 __pkvm_init_vm() with the VM state in RAM and the guest
 *		 stage-2 PGD at PHYS: must fail, and hand the RAM back, which
 *		 the command then writes (an abort if the hypervisor kept it)
 *   donate-vcpu PHYS
 *		 __pkvm_init_vcpu() with the vCPU state at PHYS: the donation,
 *		 which comes before the VM lookup, must fail (-ENOMEM; a
 *		 donation that went through would end in -ENOENT, as there is
 *		 no VM 0)
 *   read PHYS	 ioremap() the page and readl() it from the kernel: for a
 *		 protected page the writing task oopses with an external abort
 *   ffa-share PHYS, ffa-lend PHYS
 *		 FF-A MEM_SHARE or MEM_LEND of the page through pKVM's FF-A
 *		 proxy: must be denied for a protected page, and never reach
 *		 the firmware
 *   ffa-share-pair PHYS
 *		 MEM_SHARE of two ranges, a fresh page of RAM then the page at
 *		 PHYS: must be denied as a whole, and the RAM page shared alone
 *		 afterwards, which needs the proxy to have rolled back its share
 *   ffa-share-ram
 *		 MEM_SHARE of a fresh page of RAM, then MEM_RECLAIM, twice: the
 *		 control, and the second share proves the reclaim gave the page
 *		 back to the host
 *
 *   el2-read PHYS
 *		 the hypervisor reads the 32-bit register at PHYS through the
 *		 mapping it made of the protected region: what an EL2 handler
 *		 of the device would see
 *   attack-share PHYS, attack-donate PHYS, attack-hcr 0
 *		 on the next entry into a guest (from any task), act as a
 *		 compromised host kernel would: hand the page of PHYS to the
 *		 guest at IPA SELFTEST_ATTACK_GFN with __pkvm_host_share_guest
 *		 (a normal VM) or __pkvm_host_donate_guest (a protected VM),
 *		 or clear HCR_EL2.VM in the host's copy of the vCPU, so that
 *		 the guest would run without stage-2 if the hypervisor took
 *		 it. The result names what was done and what EL2 returned.
 *
 * And on the command line, kvm-arm.protected_mmio_selftest_claim=PHYS makes a
 * core initcall request the page at PHYS, busy, as early drivers request
 * their registers: the host's claims check must then refuse a region over
 * it when pKVM starts.
 *
 * FF-A needs firmware that speaks it: the boot tests use tests/firmware,
 * whose FW_SIP_FFA_SEEN call counts the MEM_SHARE and MEM_LEND calls that
 * reached EL3 and how often an address was in their ranges.
 *
 * Reading the file returns the outcome of the last share/unshare/ffa command.
 */

#include <linux/arm-smccc.h>
#include <linux/arm_ffa.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kvm_host.h>
#include <linux/memblock.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include <asm/kvm_asm.h>
#include <asm/kvm_emulate.h>
#include <asm/kvm_mmu.h>
#include <asm/kvm_pkvm_mmio.h>

#include "hyp_constants.h"

/*
 * Serialises the commands that use the result buffer and the FF-A
 * mailboxes. Not taken around "read", whose task may die in the read.
 */
static DEFINE_MUTEX(selftest_lock);
static char selftest_result[192];

/* tests/firmware/el3.c: FW_SIP_FFA_SEEN */
#define FW_SIP_FFA_SEEN							\
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64,	\
			   ARM_SMCCC_OWNER_SIP, 0x100)

static void *ffa_tx, *ffa_rx;

/* Negotiate FF-A 1.1 and map our mailboxes through the proxy, once. */
static int selftest_ffa_setup(void)
{
	struct arm_smccc_res res;
	unsigned long tx, rx;
	int ret = -ENOMEM;

	if (ffa_tx)
		return 0;
	/* pKVM's proxy only exists with SMCCC 1.2 firmware. */
	if (arm_smccc_get_version() < ARM_SMCCC_VERSION_1_2)
		return -EOPNOTSUPP;
	arm_smccc_1_1_invoke(FFA_VERSION, FFA_VERSION_1_1, &res);
	if (res.a0 != FFA_VERSION_1_1)
		return -EOPNOTSUPP;

	tx = get_zeroed_page(GFP_KERNEL);
	rx = get_zeroed_page(GFP_KERNEL);
	if (!tx || !rx)
		goto err_free;
	arm_smccc_1_1_invoke(FFA_FN64_RXTX_MAP, virt_to_phys((void *)tx),
			     virt_to_phys((void *)rx), PAGE_SIZE / FFA_PAGE_SIZE,
			     &res);
	ret = -EIO;
	if (res.a0 != FFA_SUCCESS)
		goto err_free;
	ffa_tx = (void *)tx;
	ffa_rx = (void *)rx;
	return 0;

err_free:
	free_page(tx);
	free_page(rx);
	return ret;
}

/*
 * MEM_SHARE or MEM_LEND of the pages at @phys[0..@nr) to a made-up secure
 * endpoint, in one descriptor. Returns 0 and the handle, or the FF-A error
 * (FFA_RET_*), or -EPROTO if the answer was neither success nor error.
 */
static long selftest_ffa_xfer(u32 func_id, const phys_addr_t *phys,
			      unsigned int nr, u64 *handle)
{
	u32 ep_off = sizeof(struct ffa_mem_region);
	u32 composite_off = ep_off + ffa_emad_size_get(FFA_VERSION_1_1);
	u32 len = composite_off + CONSTITUENTS_OFFSET(nr);
	struct ffa_composite_mem_region *composite;
	struct ffa_mem_region_attributes *ep;
	struct ffa_mem_region *desc = ffa_tx;
	struct arm_smccc_res res;
	unsigned int i;

	memset(ffa_tx, 0, PAGE_SIZE);
	*desc = (struct ffa_mem_region) {
		.sender_id	= 0,
		.attributes	= FFA_MEM_NORMAL | FFA_MEM_WRITE_BACK |
				  FFA_MEM_INNER_SHAREABLE,
		.ep_mem_size	= ffa_emad_size_get(FFA_VERSION_1_1),
		.ep_count	= 1,
		.ep_mem_offset	= ep_off,
	};
	ep = ffa_tx + ep_off;
	ep->receiver = 0x8001;
	ep->attrs = FFA_MEM_RW;
	ep->composite_off = composite_off;
	composite = ffa_tx + composite_off;
	composite->total_pg_cnt = nr * (PAGE_SIZE / FFA_PAGE_SIZE);
	composite->addr_range_cnt = nr;
	for (i = 0; i < nr; i++) {
		composite->constituents[i].address = phys[i] & PAGE_MASK;
		composite->constituents[i].pg_cnt = PAGE_SIZE / FFA_PAGE_SIZE;
	}

	arm_smccc_1_1_invoke(func_id, len, len, 0, 0, &res);
	if (res.a0 == FFA_ERROR)
		return (int)res.a2;
	if (res.a0 != FFA_SUCCESS)
		return -EPROTO;
	*handle = PACK_HANDLE(res.a2, res.a3);
	return 0;
}

static long selftest_ffa_reclaim(u64 handle)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(FFA_MEM_RECLAIM, HANDLE_LOW(handle),
			     HANDLE_HIGH(handle), 0, &res);
	if (res.a0 == FFA_ERROR)
		return (int)res.a2;
	return res.a0 == FFA_SUCCESS ? 0 : -EPROTO;
}

/*
 * What EL3 saw: MEM_SHARE and MEM_LEND calls that reached it, and how often
 * @phys was in their ranges. Both stay 0 without the test firmware.
 */
static void selftest_ffa_seen(phys_addr_t phys, unsigned long *calls,
			      unsigned long *hits)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(FW_SIP_FFA_SEEN, phys, &res);
	*calls = res.a0 ? 0 : res.a1;
	*hits = res.a0 ? 0 : res.a2;
}

static void selftest_ffa(const char *cmd, phys_addr_t phys)
{
	bool lend = !strcmp(cmd, "ffa-lend");
	unsigned long calls, calls_before, hits;
	long ret, reclaim = 0;
	u64 handle = 0;

	selftest_ffa_seen(phys, &calls_before, &hits);
	ret = selftest_ffa_xfer(lend ? FFA_FN64_MEM_LEND : FFA_FN64_MEM_SHARE,
				&phys, 1, &handle);
	if (!ret)
		reclaim = selftest_ffa_reclaim(handle);
	selftest_ffa_seen(phys, &calls, &hits);
	snprintf(selftest_result, sizeof(selftest_result),
		 "%s %pa: %s %ld, handle 0x%llx, reclaim %ld, forwarded %lu, address reached EL3 %lu times\n",
		 cmd, &phys, ret ? "FF-A error" : "shared", ret, handle,
		 reclaim, calls - calls_before, hits);
}

/*
 * Share @page alone and reclaim it: the page must be the host's. Returns
 * the share status; *@still_lent if the reclaim failed.
 */
static long selftest_ffa_share_reclaim(phys_addr_t page, long *reclaim,
				       bool *still_lent)
{
	u64 handle;
	long ret;

	*reclaim = 0;
	ret = selftest_ffa_xfer(FFA_FN64_MEM_SHARE, &page, 1, &handle);
	if (!ret)
		*reclaim = selftest_ffa_reclaim(handle);
	*still_lent |= !ret && *reclaim;
	return ret;
}

static void selftest_ffa_pair(phys_addr_t phys)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	unsigned long calls_before, calls_pair, calls, hits;
	long ret, alone, reclaim, pair_reclaim = 0;
	bool still_lent = false;
	phys_addr_t ranges[2];
	u64 handle = 0;

	if (!page) {
		snprintf(selftest_result, sizeof(selftest_result),
			 "ffa-share-pair: no memory\n");
		return;
	}
	ranges[0] = virt_to_phys((void *)page);
	ranges[1] = phys;
	selftest_ffa_seen(phys, &calls_before, &hits);
	ret = selftest_ffa_xfer(FFA_FN64_MEM_SHARE, ranges, 2, &handle);
	if (!ret) {
		pair_reclaim = selftest_ffa_reclaim(handle);
		still_lent |= !!pair_reclaim;
	}
	selftest_ffa_seen(phys, &calls_pair, &hits);
	alone = selftest_ffa_share_reclaim(ranges[0], &reclaim, &still_lent);
	selftest_ffa_seen(phys, &calls, &hits);
	snprintf(selftest_result, sizeof(selftest_result),
		 "ffa-share-pair %pa after RAM %pa: %s %ld, forwarded %lu; RAM page alone: share %ld, reclaim %ld, forwarded %lu\n",
		 &ranges[1], &ranges[0], ret ? "FF-A error" : "shared", ret,
		 calls_pair - calls_before, alone, reclaim, calls - calls_pair);
	/* A page the secure world may still hold must not be reused. */
	if (!still_lent)
		free_page(page);
}

static void selftest_ffa_ram(void)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	unsigned long calls_before, calls, hits_before, hits;
	long ret[2], reclaim[2];
	bool still_lent = false;
	phys_addr_t phys;
	int i;

	if (!page) {
		snprintf(selftest_result, sizeof(selftest_result),
			 "ffa-share-ram: no memory\n");
		return;
	}
	phys = virt_to_phys((void *)page);
	selftest_ffa_seen(phys, &calls_before, &hits_before);
	for (i = 0; i < 2; i++)
		ret[i] = selftest_ffa_share_reclaim(phys, &reclaim[i], &still_lent);
	selftest_ffa_seen(phys, &calls, &hits);
	snprintf(selftest_result, sizeof(selftest_result),
		 "ffa-share-ram %pa: share %ld/%ld, reclaim %ld/%ld, forwarded %lu, address reached EL3 %lu times\n",
		 &phys, ret[0], ret[1], reclaim[0], reclaim[1],
		 calls - calls_before, hits - hits_before);
	if (!still_lent)
		free_page(page);
}

/* The largest stage-2 PGD: 16 concatenated pages. */
#define SELFTEST_PGD_SIZE	(16 * PAGE_SIZE)

/* Only a page in a hole between RAM banks reaches EL2 as itself. */
static bool selftest_in_ram_hole(phys_addr_t phys)
{
	return PAGE_ALIGNED(phys) && !memblock_is_memory(phys) &&
	       phys >= memblock_start_of_DRAM() &&
	       phys < memblock_end_of_DRAM();
}

/*
 * The donations __pkvm_init_vm() makes, at a physical address that is not
 * the host's to give. Returns its status; -EBUSY if the hypervisor created
 * the VM anyway, in which case it keeps the struct kvm pinned and the
 * pages, which are all leaked (the test reports the failure).
 */
static int selftest_init_vm(bool pgd_at_phys, phys_addr_t phys)
{
	size_t vm_size = PAGE_ALIGN(PKVM_HYP_VM_SIZE + sizeof(void *));
	void *vm, *pgd, *target = phys_to_virt(phys);
	struct kvm *kvm;
	int ret = -ENOMEM;

	kvm = kzalloc_obj(*kvm);
	vm = alloc_pages_exact(vm_size, GFP_KERNEL | __GFP_ZERO);
	pgd = alloc_pages_exact(SELFTEST_PGD_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (!kvm || !vm || !pgd)
		goto out_free;
	/* What the hypervisor reads of the host's struct kvm. */
	kvm->created_vcpus = 1;
	ret = kvm_call_hyp_nvhe(__pkvm_reserve_vm);
	if (ret < 0)
		goto out_free;
	kvm->arch.pkvm.handle = ret;
	ret = kvm_share_hyp(kvm, kvm + 1);
	if (ret)
		goto out_unreserve;

	ret = kvm_call_hyp_nvhe(__pkvm_init_vm, kvm, pgd_at_phys ? vm : target,
				pgd_at_phys ? target : pgd);
	if (ret >= 0)
		return -EBUSY;
	kvm_unshare_hyp(kvm, kvm + 1);
out_unreserve:
	kvm_call_hyp_nvhe(__pkvm_unreserve_vm, kvm->arch.pkvm.handle);

	/* Both must be the host's again. */
	memset(vm, 0x5a, vm_size);
	memset(pgd, 0x5a, SELFTEST_PGD_SIZE);
out_free:
	if (pgd)
		free_pages_exact(pgd, SELFTEST_PGD_SIZE);
	if (vm)
		free_pages_exact(vm, vm_size);
	kfree(kvm);
	return ret;
}

/* Where the attacks put a page in the guest: the probe's GUEST_DEV. */
#define SELFTEST_ATTACK_GFN	(SZ_1M >> PAGE_SHIFT)

enum selftest_attack {
	SELFTEST_ATTACK_NONE,
	SELFTEST_ATTACK_SHARE,
	SELFTEST_ATTACK_DONATE,
	SELFTEST_ATTACK_HCR,
};

static int selftest_attack;
static phys_addr_t selftest_attack_phys;

/**
 * pkvm_protected_mmio_selftest_vcpu_enter() - Act as a compromised host.
 * @vcpu:	the vCPU about to enter the guest, loaded, IRQs off
 *
 * Carries out the attack armed through debugfs, once.
 */
void pkvm_protected_mmio_selftest_vcpu_enter(struct kvm_vcpu *vcpu)
{
	/* Fully ordered: pairs with the release that armed the attack. */
	int attack = xchg(&selftest_attack, SELFTEST_ATTACK_NONE);
	phys_addr_t phys = selftest_attack_phys;
	int ret;

	switch (attack) {
	case SELFTEST_ATTACK_SHARE:
		ret = kvm_call_hyp_nvhe(__pkvm_host_share_guest,
					phys >> PAGE_SHIFT, SELFTEST_ATTACK_GFN,
					1, KVM_PGTABLE_PROT_RWX);
		snprintf(selftest_result, sizeof(selftest_result),
			 "attack-share %pa: %d at EL2\n", &phys, ret);
		break;
	case SELFTEST_ATTACK_DONATE:
		ret = kvm_call_hyp_nvhe(__pkvm_host_donate_guest,
					phys >> PAGE_SHIFT, SELFTEST_ATTACK_GFN);
		snprintf(selftest_result, sizeof(selftest_result),
			 "attack-donate %pa: %d at EL2 (protected VM: %d)\n",
			 &phys, ret, kvm_vm_is_protected(vcpu->kvm));
		break;
	case SELFTEST_ATTACK_HCR:
		vcpu->arch.hcr_el2 &= ~HCR_VM;
		snprintf(selftest_result, sizeof(selftest_result),
			 "attack-hcr: HCR_EL2.VM cleared in the host's vCPU (hcr_el2 0x%llx)\n",
			 vcpu->arch.hcr_el2);
		break;
	default:
		return;
	}
}

static int selftest_attack_command(const char *cmd, phys_addr_t arg)
{
	int attack;

	if (!strcmp(cmd, "attack-share"))
		attack = SELFTEST_ATTACK_SHARE;
	else if (!strcmp(cmd, "attack-donate"))
		attack = SELFTEST_ATTACK_DONATE;
	else if (!strcmp(cmd, "attack-hcr"))
		attack = SELFTEST_ATTACK_HCR;
	else
		return -ENOENT;

	mutex_lock(&selftest_lock);
	snprintf(selftest_result, sizeof(selftest_result),
		 "%s: armed, no guest entered yet\n", cmd);
	selftest_attack_phys = arg;
	/* The vCPU that takes the attack must see its address with it. */
	smp_store_release(&selftest_attack, attack);
	mutex_unlock(&selftest_lock);
	return 0;
}

static int selftest_el2_read(phys_addr_t phys)
{
	u64 ret = kvm_call_hyp_nvhe(__pkvm_protected_mmio_stat,
				    PKVM_PROTECTED_MMIO_STAT_SELFTEST_READ, phys);

	mutex_lock(&selftest_lock);
	if (ret & PKVM_PROTECTED_MMIO_SELFTEST_READ_OK)
		snprintf(selftest_result, sizeof(selftest_result),
			 "el2-read %pa: 0x%08x\n", &phys, (u32)ret);
	else
		snprintf(selftest_result, sizeof(selftest_result),
			 "el2-read %pa: not a protected register\n", &phys);
	mutex_unlock(&selftest_lock);
	return 0;
}

static int selftest_ffa_command(const char *cmd, int nargs, phys_addr_t arg)
{
	bool ram = !strcmp(cmd, "ffa-share-ram") && nargs == 1;
	bool pair = !strcmp(cmd, "ffa-share-pair") && nargs == 2;
	bool one = (!strcmp(cmd, "ffa-share") || !strcmp(cmd, "ffa-lend")) &&
		   nargs == 2;
	int ret;

	if (!ram && !pair && !one)
		return -EINVAL;

	mutex_lock(&selftest_lock);
	ret = selftest_ffa_setup();
	if (ret)
		snprintf(selftest_result, sizeof(selftest_result),
			 "%s: cannot set up FF-A through pKVM (%d)\n", cmd, ret);
	else if (ram)
		selftest_ffa_ram();
	else if (pair)
		selftest_ffa_pair(arg);
	else
		selftest_ffa(cmd, arg);
	kvm_info("protected MMIO selftest: %s", selftest_result);
	mutex_unlock(&selftest_lock);
	return 0;
}

/*
 * The commands that make one hypercall and report its status. -ENOENT if
 * @cmd is not one of them, -EINVAL if @arg is not a page it may use.
 */
static int selftest_hypercall(const char *cmd, phys_addr_t arg)
{
	bool donate_vcpu = !strcmp(cmd, "donate-vcpu");
	bool donate_vm = !strcmp(cmd, "donate-vm") || !strcmp(cmd, "donate-pgd");
	int ret;

	if (strcmp(cmd, "share") && strcmp(cmd, "unshare") && !donate_vcpu &&
	    !donate_vm)
		return -ENOENT;
	if ((donate_vcpu || donate_vm) && !selftest_in_ram_hole(arg))
		return -EINVAL;

	mutex_lock(&selftest_lock);
	if (!strcmp(cmd, "share"))
		ret = kvm_call_hyp_nvhe(__pkvm_host_share_hyp, arg);
	else if (!strcmp(cmd, "unshare"))
		ret = kvm_call_hyp_nvhe(__pkvm_host_unshare_hyp, arg);
	else if (donate_vcpu)
		ret = kvm_call_hyp_nvhe(__pkvm_init_vcpu, 0, NULL,
					phys_to_virt(arg));
	else
		ret = selftest_init_vm(!strcmp(cmd, "donate-pgd"), arg);
	snprintf(selftest_result, sizeof(selftest_result), "%s 0x%llx: %d\n",
		 cmd, (unsigned long long)arg, ret);
	kvm_info("protected MMIO selftest: %s", selftest_result);
	mutex_unlock(&selftest_lock);
	return 0;
}

static ssize_t selftest_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[64], cmd[16];
	unsigned long long arg = 0;
	void __iomem *va;
	int nargs, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	nargs = sscanf(buf, "%15s %llx", cmd, &arg);
	if (nargs < 1)
		return -EINVAL;

	if (!strncmp(cmd, "ffa-", 4)) {
		ret = selftest_ffa_command(cmd, nargs, arg);
		return ret ? ret : len;
	}
	if (nargs != 2)
		return -EINVAL;

	ret = selftest_hypercall(cmd, arg);
	if (ret == -ENOENT)
		ret = selftest_attack_command(cmd, arg);
	if (ret != -ENOENT)
		return ret ? ret : len;

	if (!strcmp(cmd, "el2-read"))
		return selftest_el2_read(arg) ?: len;

	if (!strcmp(cmd, "read")) {
		va = ioremap(arg & PAGE_MASK, PAGE_SIZE);
		if (!va)
			return -ENOMEM;
		kvm_info("protected MMIO selftest: kernel read of 0x%llx\n", arg);
		ret = readl(va + offset_in_page(arg));
		kvm_info("protected MMIO selftest: kernel read of 0x%llx returned 0x%x\n",
			 arg, ret);
		iounmap(va);
		return len;
	}

	return -EINVAL;
}

static ssize_t selftest_read(struct file *file, char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	return simple_read_from_buffer(ubuf, len, ppos, selftest_result,
				       strlen(selftest_result));
}

static const struct file_operations selftest_fops = {
	.owner	= THIS_MODULE,
	.write	= selftest_write,
	.read	= selftest_read,
	.llseek	= default_llseek,
};

static phys_addr_t selftest_claim_phys __initdata;

static int __init early_selftest_claim(char *arg)
{
	return arg ? kstrtoull(arg, 0, &selftest_claim_phys) : -EINVAL;
}
early_param("kvm-arm.protected_mmio_selftest_claim", early_selftest_claim);

static int __init selftest_claim(void)
{
	if (selftest_claim_phys &&
	    !request_mem_region(selftest_claim_phys, PAGE_SIZE,
				"pkvm-mmio selftest claim"))
		pr_err("protected MMIO selftest: cannot claim %pa\n",
		       &selftest_claim_phys);
	return 0;
}
core_initcall(selftest_claim);

/* Called once pKVM owns the regions, after the debugfs listing exists. */
void __init pkvm_protected_mmio_selftest_init(void)
{
	struct dentry *kvm_dir = debugfs_lookup("kvm", NULL);

	if (!kvm_dir)
		return;
	debugfs_create_file("protected_mmio_selftest", 0600, kvm_dir, NULL,
			    &selftest_fops);
	dput(kvm_dir);
}
