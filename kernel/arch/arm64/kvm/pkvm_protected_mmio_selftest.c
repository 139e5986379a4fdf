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
 *
 * Reading the file returns the outcome of the last share/unshare command.
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kvm_host.h>
#include <linux/uaccess.h>

#include <asm/kvm_asm.h>
#include <asm/kvm_pkvm_mmio.h>

static char selftest_result[96];

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
	if (sscanf(buf, "%15s %llx", cmd, &arg) != 2)
		return -EINVAL;

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
