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
 *   read PHYS	 ioremap() the page and readl() it from the kernel: for a
 *		 protected page the writing task oopses with an external abort
 *   ffa-share PHYS, ffa-lend PHYS
 *		 FF-A MEM_SHARE or MEM_LEND of the page through pKVM's FF-A
 *		 proxy: must be denied for a protected page, and never reach
 *		 the firmware
 *   ffa-share-ram
 *		 the same for a fresh page of host RAM, which must be shared,
 *		 then reclaimed, twice (the second share proves the reclaim gave
 *		 the page back to the host); counts only this command's trips
 *		 to EL3, where the others count every trip since boot
 *
 * FF-A needs firmware that speaks it: the boot tests use tests/firmware,
 * whose FW_SIP_FFA_SEEN call says how often an address reached EL3.
 *
 * Reading the file returns the outcome of the last share/unshare/ffa command.
 */

#include <linux/arm-smccc.h>
#include <linux/arm_ffa.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kvm_host.h>
#include <linux/uaccess.h>

#include <asm/kvm_asm.h>
#include <asm/kvm_pkvm_mmio.h>

static char selftest_result[160];

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
	if (res.a0 != FFA_SUCCESS)
		goto err_free;
	ffa_tx = (void *)tx;
	ffa_rx = (void *)rx;
	return 0;

err_free:
	free_page(tx);
	free_page(rx);
	return -EIO;
}

/*
 * One MEM_SHARE or MEM_LEND of the page at @phys for a made-up secure
 * endpoint. Returns 0 and the handle, or the FF-A error (negative).
 */
static long selftest_ffa_xfer(u32 func_id, phys_addr_t phys, u64 *handle)
{
	struct ffa_mem_region *desc = ffa_tx;
	struct ffa_mem_region_attributes *ep;
	struct ffa_composite_mem_region *composite;
	u32 ep_off = sizeof(*desc);
	u32 composite_off = ep_off + ffa_emad_size_get(FFA_VERSION_1_1);
	u32 len = composite_off + CONSTITUENTS_OFFSET(1);
	struct arm_smccc_res res;

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
	composite->total_pg_cnt = PAGE_SIZE / FFA_PAGE_SIZE;
	composite->addr_range_cnt = 1;
	composite->constituents[0].address = phys & PAGE_MASK;
	composite->constituents[0].pg_cnt = PAGE_SIZE / FFA_PAGE_SIZE;

	arm_smccc_1_1_invoke(func_id, len, len, 0, 0, &res);
	if (res.a0 != FFA_SUCCESS)
		return res.a0 == FFA_ERROR ? (long)(int)res.a2 : -EIO;
	*handle = PACK_HANDLE(res.a2, res.a3);
	return 0;
}

static long selftest_ffa_reclaim(u64 handle)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(FFA_MEM_RECLAIM, HANDLE_LOW(handle),
			     HANDLE_HIGH(handle), 0, &res);
	return res.a0 == FFA_SUCCESS ? 0 : (long)(int)res.a2;
}

/* How many forwarded shares or lends contained @phys, as EL3 saw them. */
static unsigned long selftest_ffa_seen(phys_addr_t phys)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(FW_SIP_FFA_SEEN, phys, &res);
	return res.a1;
}

static void selftest_ffa(const char *cmd, phys_addr_t phys)
{
	u32 func_id = strcmp(cmd, "ffa-lend") ? FFA_FN64_MEM_SHARE :
						FFA_FN64_MEM_LEND;
	long ret, reclaim = 0;
	u64 handle = 0;

	ret = selftest_ffa_setup();
	if (ret) {
		snprintf(selftest_result, sizeof(selftest_result),
			 "%s: no FF-A proxy (%ld)\n", cmd, ret);
		return;
	}
	ret = selftest_ffa_xfer(func_id, phys, &handle);
	if (!ret)
		reclaim = selftest_ffa_reclaim(handle);
	snprintf(selftest_result, sizeof(selftest_result),
		 "%s 0x%llx: %s %ld, handle 0x%llx, reclaim %ld, reached EL3 %lu times\n",
		 cmd, (unsigned long long)phys, ret ? "FF-A error" : "shared",
		 ret, handle, reclaim, selftest_ffa_seen(phys));
}

static void selftest_ffa_ram(void)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	phys_addr_t phys;
	long ret[2], reclaim[2] = { 0, 0 };
	u64 handle[2] = { 0, 0 };
	unsigned long seen;
	bool still_lent = false;
	int i;

	if (!page || selftest_ffa_setup()) {
		snprintf(selftest_result, sizeof(selftest_result),
			 "ffa-share-ram: no page or no FF-A proxy\n");
		free_page(page);
		return;
	}
	phys = virt_to_phys((void *)page);
	seen = selftest_ffa_seen(phys);
	for (i = 0; i < 2; i++) {
		ret[i] = selftest_ffa_xfer(FFA_FN64_MEM_SHARE, phys, &handle[i]);
		if (!ret[i])
			reclaim[i] = selftest_ffa_reclaim(handle[i]);
		still_lent |= !ret[i] && reclaim[i];
	}
	snprintf(selftest_result, sizeof(selftest_result),
		 "ffa-share-ram 0x%llx: share %ld/%ld, handles 0x%llx/0x%llx, reclaim %ld/%ld, reached EL3 %lu times\n",
		 (unsigned long long)phys, ret[0], ret[1], handle[0], handle[1],
		 reclaim[0], reclaim[1], selftest_ffa_seen(phys) - seen);
	/* A page the secure world may still hold must not be reused. */
	if (!still_lent)
		free_page(page);
}

static ssize_t selftest_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[64], cmd[16];
	unsigned long long arg;
	void __iomem *va;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %llx", cmd, &arg) == 1 &&
	    !strcmp(cmd, "ffa-share-ram")) {
		selftest_ffa_ram();
		kvm_info("protected MMIO selftest: %s", selftest_result);
		return len;
	}
	if (sscanf(buf, "%15s %llx", cmd, &arg) != 2)
		return -EINVAL;

	if (!strcmp(cmd, "ffa-share") || !strcmp(cmd, "ffa-lend")) {
		selftest_ffa(cmd, arg);
		kvm_info("protected MMIO selftest: %s", selftest_result);
		return len;
	}

	if (!strcmp(cmd, "share") || !strcmp(cmd, "unshare")) {
		if (!strcmp(cmd, "share"))
			ret = kvm_call_hyp_nvhe(__pkvm_host_share_hyp, arg);
		else
			ret = kvm_call_hyp_nvhe(__pkvm_host_unshare_hyp, arg);
		snprintf(selftest_result, sizeof(selftest_result),
			 "%s 0x%llx: %d\n", cmd, arg, ret);
		kvm_info("protected MMIO selftest: %s", selftest_result);
		return len;
	}

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
