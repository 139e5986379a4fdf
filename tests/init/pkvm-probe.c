// SPDX-License-Identifier: GPL-2.0-only
/*
 * Static /init for the boot tests: tries physical pages through /dev/mem
 * from host userspace and says, one line per step, what happened.
 *
 * The plan comes from the kernel command line, "pkvmtest=STEP,STEP,...":
 *
 *   read:ADDR	 a 32-bit read at ADDR must succeed
 *   deny:ADDR	 a 32-bit read at ADDR must raise SIGSEGV (SEGV_ACCERR) at
 *		 that address: what arm64 Linux sends a task for an abort the
 *		 pKVM hypervisor injects on a host stage-2 fault
 *   denyw:ADDR	 a 32-bit write at ADDR must be denied the same way
 *   storm:ADDR:N N reads in a row at ADDR must each be denied
 *   uaccess:ADDR write(2) to a pipe from, and read(2) from a pipe into, a
 *		 buffer mapped over ADDR through /dev/mem: both must return -1
 *		 with EFAULT (the kernel's exception table, no oops), and the
 *		 kernel's taint flags must not change
 *   uaccessok:ADDR as uaccess, but both must move the 4 bytes
 *   hammer:P:U:N one process per CPU, each alternating N accesses to the
 *		 protected address P (all must fault) and N to the unprotected
 *		 address U (all must complete), all CPUs at once
 *   hvc:OP:PFN	 ask the kernel to issue the share/unshare hypercall OP on
 *		 PFN (test kernels' protected_mmio_selftest); it must fail
 *   donate:WHAT:ADDR ask the kernel for __pkvm_init_vm() with the VM state
 *		 (WHAT vm) or the stage-2 PGD (WHAT pgd) at ADDR, or for
 *		 __pkvm_init_vcpu() with the vCPU state there (WHAT vcpu); the
 *		 donation must fail and leave the kernel's own pages usable
 *   ffa:OP:ADDR ask the kernel for an FF-A MEM_SHARE (OP share) or MEM_LEND
 *		 (OP lend) of the page of ADDR: pKVM's FF-A proxy must deny
 *		 it (FFA_RET_DENIED) and the firmware must never see it
 *		 (needs tests/firmware)
 *   ffapair:ADDR one MEM_SHARE of a page of kernel RAM and the page of ADDR:
 *		 denied as a whole and never forwarded; then the RAM page
 *		 alone must be shared, which needs pKVM to have rolled back
 *		 its part of the denied share
 *   ffaram	 MEM_SHARE and MEM_RECLAIM of a page of kernel RAM, twice:
 *		 both must succeed and reach the firmware
 *   kread:ADDR	 ask the kernel to read ADDR through ioremap(), from a child
 *		 process: for a protected page the child must die (the kernel
 *		 oopses it), for any other it must complete
 *   kreadok:ADDR as kread, but the read must complete
 *   guest:ADDR	 run a KVM guest whose memslot maps the page of ADDR (from
 *		 /dev/mem) and reads it: the guest must not get the page
 *		 (KVM_RUN fails: the hypervisor refused to map it)
 *   guestok:ADDR as guest, but the guest must read it
 *   attack:WHAT:ADDR make the host kernel act as a compromised one would
 *		 (test kernels' protected_mmio_selftest) on the next entry
 *		 of a fresh guest: WHAT share or donate hands the page of ADDR
 *		 to the guest with __pkvm_host_share_guest or
 *		 __pkvm_host_donate_guest (a protected VM), which EL2 must
 *		 refuse; WHAT hcr clears HCR_EL2.VM in the host's copy of the
 *		 vCPU, and the guest, reading IPA ADDR, must still fault to
 *		 the host instead of reaching the device
 *   el2read:ADDR:VAL the hypervisor reads ADDR through its own mapping of
 *		 the protected region and must get VAL
 *   cat:PATH	 copy a file to the console (debugfs, /proc/iomem, ...)
 *   devread:PATH:N read N bytes (at most 4096) from a device: all must come,
 *		 and not all alike (a data test of a driver)
 *   write:PATH:TEXT write TEXT to a file (a sysfs or procfs knob)
 *   itsmapd:BASE:WHERE a hostile MAPD, its ITT in "own" memory or in the
 *		 hypervisor's, at offset WHERE into the kernel image, and a
 *		 MAPTI, queued to the GICv3 ITS at BASE through /dev/mem; the
 *		 hypervisor's memory must be unchanged at EL2, ours written
 *   itsrewrite:BASE:OFF a MAPD, ITT in our memory, rewritten in the host's
 *		 queue to name the hypervisor's (OFF into the kernel image) once
 *		 CWRITER is past it: the ITS must run it as checked
 *   itscbaser:BASE turn the ITS at BASE off, aim GITS_CBASER at the
 *		 hypervisor's memory (must be denied), turn the ITS on again
 *   itsbaser:BASE the same with GITS_BASER0
 *   denyimage:OFF a 64-bit write at OFF into the kernel image (from _text),
 *		 in the hypervisor's memory: denied, and unchanged at EL2
 *   itstime:BASE time a lap of SYNCs posted one by one to the ITS at BASE
 *   denyq:ADDR	 a 64-bit write that must be denied
 *   ls:PATH	 list a directory on the console, one entry a line
 *   ramsum	 checksum 8 MiB of RAM now and again after the last step
 *
 * Lines start with "PKVMTEST " so the harness can pick them out of the
 * console log; the last one is "PKVMTEST end". The test kernel has
 * CONFIG_STRICT_DEVMEM off, so only the hypervisor can stop an access.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sched.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define RAMSUM_SIZE	(8UL << 20)

static sigjmp_buf probe_env;
static volatile sig_atomic_t fault_count;
static volatile uintptr_t fault_addr;
static volatile int fault_signo;
static volatile int fault_code;
static int devmem = -1;
static long page_size;
static int failures;

static void on_fault(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	fault_count++;
	fault_signo = sig;
	fault_addr = (uintptr_t)info->si_addr;
	fault_code = info->si_code;
	siglongjmp(probe_env, 1);
}

static void report(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("PKVMTEST %s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static volatile uint32_t *map_phys(uint64_t addr, void **base)
{
	uint64_t page = addr & ~(uint64_t)(page_size - 1);
	void *p;

	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, devmem,
		 (off_t)page);
	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	return (volatile uint32_t *)((char *)p + (addr - page));
}

/* How try_access() touches the address: what a mediated region must decode. */
enum access_kind {
	ACCESS_READ,		/* ldr w: a 32-bit load the syndrome describes */
	ACCESS_WRITE,		/* str w */
	ACCESS_READ_BYTE,	/* ldrb */
	ACCESS_READ_PAIR,	/* ldp w, w: no syndrome (ISV = 0) */
	ACCESS_WRITE64,		/* str xzr */
	ACCESS_WRITE64_ONES,	/* str of all ones: a write to memory shows */
};

/*
 * One access in a fresh sigsetjmp frame. Returns 0 when it completed,
 * 1 when it raised SIGSEGV at the expected address with SEGV_ACCERR (what
 * arm64 Linux sends a task for an abort pKVM injects after a host stage-2
 * fault, see do_page_fault()), -1 otherwise.
 */
static int try_access(uint64_t addr, int write, uint32_t *val)
{
	volatile uint32_t *p;
	void *base;
	int ret;

	p = map_phys(addr, &base);
	if (!p)
		return -1;

	fault_addr = 0;
	fault_signo = 0;
	fault_code = 0;
	if (sigsetjmp(probe_env, 1) == 0) {
		uint32_t lo, hi;

		switch (write) {
		case ACCESS_WRITE:
			*p = 0;
			break;
		case ACCESS_WRITE64:
			*(volatile uint64_t *)p = 0;
			break;
		case ACCESS_WRITE64_ONES:
			*(volatile uint64_t *)p = ~0ULL;
			break;
		case ACCESS_READ_BYTE:
			*val = *(volatile uint8_t *)p;
			break;
		case ACCESS_READ_PAIR:
			asm volatile("ldp %w0, %w1, [%2]"
				     : "=r"(lo), "=r"(hi) : "r"(p) : "memory");
			*val = lo ^ hi;
			break;
		default:
			*val = *p;
			break;
		}
		ret = 0;
	} else {
		ret = fault_addr == (uintptr_t)p && fault_signo == SIGSEGV &&
		      fault_code == SEGV_ACCERR ? 1 : -1;
	}
	munmap(base, page_size);
	return ret;
}

static void step_read(uint64_t addr)
{
	uint32_t val = 0;
	int ret = try_access(addr, 0, &val);

	report(ret == 0, "read 0x%" PRIx64 " allowed (value 0x%08x)", addr, val);
}

/* A read that must complete and return @want. */
static void step_readval(uint64_t addr, uint32_t want)
{
	uint32_t val = 0;
	int ret = try_access(addr, ACCESS_READ, &val);

	report(ret == 0 && val == want,
	       "read 0x%" PRIx64 " allowed, value 0x%08x (expected 0x%08x)%s",
	       addr, val, want, ret ? " (but it faulted)" : "");
}

/*
 * An access at @addr that must be denied: try_access() returned @ret.
 * @prefix and @where, either may be empty, say more than the address.
 */
static void report_denied(int ret, const char *prefix, enum access_kind kind,
			  uint64_t addr, const char *where)
{
	static const char *const what[] = {
		[ACCESS_READ] = "read",
		[ACCESS_WRITE] = "write",
		[ACCESS_READ_BYTE] = "byte read",
		[ACCESS_READ_PAIR] = "pair read (ldp)",
		[ACCESS_WRITE64] = "64-bit write",
		[ACCESS_WRITE64_ONES] = "64-bit write of all ones",
	};

	report(ret == 1, "%s%s 0x%" PRIx64 "%s denied with SIGSEGV (SEGV_ACCERR)%s",
	       prefix, what[kind], addr, where,
	       ret == 0 ? " (but it completed)" :
	       ret < 0 ? " (mapping failed, or wrong signal, address or code)" : "");
}

static void step_deny(uint64_t addr, int write)
{
	uint32_t val = 0;

	report_denied(try_access(addr, write, &val), "", write, addr, "");
}

/*
 * The cost of @n 32-bit reads of @addr, in ticks of the generic counter
 * (under QEMU's -icount shift=0 the counter follows instructions, which
 * is what the benchmark turns it into). One mapping, one loop: what is
 * left is the access itself and, in a mediated region, its trip to EL2.
 */
static void step_timeread(uint64_t addr, long n)
{
	volatile uint32_t *p;
	uint64_t t0, t1;
	uint32_t val;
	void *base;
	long i;

	p = map_phys(addr, &base);
	if (!p || n <= 0) {
		report(0, "timeread 0x%" PRIx64 ": mapping failed", addr);
		return;
	}
	val = *p;	/* the first access maps an untagged page */
	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t0) :: "memory");
	for (i = 0; i < n; i++)
		val = *p;
	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t1) :: "memory");
	munmap(base, page_size);
	printf("PKVMTEST timeread 0x%" PRIx64 ": %ld reads, %" PRIu64
	       " ticks, value 0x%08x\n", addr, n, t1 - t0, val);
	fflush(stdout);
	report(1, "timeread 0x%" PRIx64 ": %ld reads", addr, n);
}

static void step_storm(uint64_t addr, long n)
{
	sig_atomic_t before = fault_count;
	long i, denied = 0;
	uint32_t val;

	for (i = 0; i < n; i++)
		denied += try_access(addr, i & 1, &val) == 1;
	report(denied == n && fault_count - before == n,
	       "storm 0x%" PRIx64 ": %ld of %ld accesses denied", addr, denied, n);
}

static int read_tainted(unsigned long *taint)
{
	char buf[32];
	ssize_t n;
	int fd = open("/proc/sys/kernel/tainted", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*taint = strtoul(buf, NULL, 0);
	return 0;
}

/*
 * The kernel copies from and to a user buffer that is a /dev/mem mapping of
 * ADDR: write(2) to a pipe reads the page, read(2) from the pipe writes it
 * (the same 4 bytes it holds, so a device sees its own value back).
 */
static void step_uaccess(uint64_t addr, int must_fault)
{
	unsigned long taint_before = ~0UL, taint_after = ~0UL;
	uint32_t word = 0;
	volatile uint32_t *p;
	ssize_t w, r = -1;
	int fds[2], werr, rerr = 0;
	void *base;

	p = map_phys(addr, &base);
	if (!p || pipe(fds)) {
		report(0, "uaccess 0x%" PRIx64 ": no mapping or pipe", addr);
		return;
	}
	read_tainted(&taint_before);
	errno = 0;
	w = write(fds[1], (const void *)p, sizeof(word));
	werr = errno;
	if (w != (ssize_t)sizeof(word) && must_fault) {
		/* Give read(2) something to copy into the page. */
		if (write(fds[1], &word, sizeof(word)) != (ssize_t)sizeof(word))
			werr = -1;
	}
	if (w == (ssize_t)sizeof(word) || must_fault) {
		errno = 0;
		r = read(fds[0], (void *)p, sizeof(word));
		rerr = errno;
	}
	read_tainted(&taint_after);
	close(fds[0]);
	close(fds[1]);
	munmap(base, page_size);

	if (must_fault)
		report(w == -1 && werr == EFAULT && r == -1 && rerr == EFAULT &&
		       taint_before == taint_after && taint_before != ~0UL,
		       "uaccess 0x%" PRIx64 ": write(2) from it %zd (%s), read(2) into it %zd (%s), taint 0x%lx -> 0x%lx",
		       addr, w, strerror(werr), r, strerror(rerr), taint_before,
		       taint_after);
	else
		report(w == (ssize_t)sizeof(word) && r == (ssize_t)sizeof(word) &&
		       taint_before == taint_after,
		       "uaccess 0x%" PRIx64 ": write(2) from it %zd, read(2) into it %zd",
		       addr, w, r);
}

/* The child's side of hammer: exit status 0 iff every access went right. */
static int hammer_one(int cpu, uint64_t prot, uint64_t unprot, long n)
{
	cpu_set_t set;
	long i, bad = 0;
	uint32_t val;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return 2;
	for (i = 0; i < n; i++) {
		bad += try_access(prot, i & 1, &val) != 1;
		bad += try_access(unprot, 0, &val) != 0;
	}
	return bad ? 1 : 0;
}

static void step_hammer(uint64_t prot, uint64_t unprot, long n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu, status, good = 0;
	pid_t pid;

	for (cpu = 0; cpu < cpus; cpu++) {
		pid = fork();
		if (pid == 0)
			_exit(hammer_one(cpu, prot, unprot, n));
	}
	while ((pid = wait(&status)) > 0)
		good += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	report(good == cpus && cpus > 1,
	       "hammer on %d of %ld CPUs at once: %ld accesses each to 0x%" PRIx64
	       " denied and to 0x%" PRIx64 " served", good, cpus, n, prot, unprot);
}

#define SELFTEST "/sys/kernel/debug/kvm/protected_mmio_selftest"

static int selftest_command(const char *cmd)
{
	int fd = open(SELFTEST, O_RDWR);
	int ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		ret = -1;
	close(fd);
	return ret;
}

/* Runs a selftest command and reads back its one-line result. */
static int selftest_result(const char *cmd, char *result, size_t size)
{
	int fd, n;

	result[0] = '\0';
	if (selftest_command(cmd)) {
		snprintf(result, size, "%s", strerror(errno));
		return -1;
	}
	fd = open(SELFTEST, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, result, size - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	result[n] = '\0';
	result[strcspn(result, "\n")] = '\0';
	return 0;
}

static void step_hvc(const char *op, const char *pfn)
{
	char cmd[64], result[192];
	int ok;

	snprintf(cmd, sizeof(cmd), "%s %s", op, pfn);
	ok = !selftest_result(cmd, result, sizeof(result));
	report(ok && strstr(result, ": -"),
	       "hypercall %s refused by the hypervisor (%s)", cmd, result);
}

static void step_donate(const char *what, const char *addr)
{
	char cmd[64], result[192];
	int ok;

	snprintf(cmd, sizeof(cmd), "donate-%s %s", what, addr);
	ok = !selftest_result(cmd, result, sizeof(result));
	/* -ENOMEM is how __pkvm_init_vm() reports a failed donation. */
	report(ok && strstr(result, ": ") && !strcmp(strstr(result, ": "), ": -12"),
	       "%s with the %s at %s refused (%s)",
	       strcmp(what, "vcpu") ? "__pkvm_init_vm" : "__pkvm_init_vcpu",
	       what, addr, result);
}

static void step_ffa(const char *op, const char *addr)
{
	char cmd[64], result[192];
	int ok;

	snprintf(cmd, sizeof(cmd), "ffa-%s %s", op, addr);
	ok = !selftest_result(cmd, result, sizeof(result));
	report(ok && strstr(result, ": FF-A error -6,") &&
	       strstr(result, "forwarded 0,") &&
	       strstr(result, "address reached EL3 0 times"),
	       "FF-A %s of %s denied by pKVM, never forwarded (%s)", op, addr,
	       result);
}

static void step_ffa_pair(const char *addr)
{
	char cmd[64], result[192];
	int ok;

	snprintf(cmd, sizeof(cmd), "ffa-share-pair %s", addr);
	ok = !selftest_result(cmd, result, sizeof(result));
	report(ok && strstr(result, ": FF-A error -6, forwarded 0;") &&
	       strstr(result, "RAM page alone: share 0, reclaim 0, forwarded 1"),
	       "FF-A share of a RAM page and %s denied whole, RAM page rolled back (%s)",
	       addr, result);
}

static void step_ffa_ram(void)
{
	char result[192];
	int ok;

	ok = !selftest_result("ffa-share-ram", result, sizeof(result));
	report(ok && strstr(result, ": share 0/0,") &&
	       strstr(result, "reclaim 0/0,") && strstr(result, "forwarded 2,") &&
	       strstr(result, "address reached EL3 2 times"),
	       "FF-A share of a RAM page forwarded and reclaimed twice (%s)", result);
}

static void step_kread(const char *addr, int must_die)
{
	char cmd[64];
	int status;
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "read %s", addr);
	pid = fork();
	if (pid == 0)
		_exit(selftest_command(cmd) ? 2 : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		report(0, "kernel read of %s: no child", addr);
		return;
	}
	if (must_die)
		report(WIFSIGNALED(status),
		       "kernel read of %s killed the reading task (%s %d)", addr,
		       WIFSIGNALED(status) ? "signal" : "exit status",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	else
		report(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "kernel read of %s completed", addr);
}

static void step_el2read(const char *addr, const char *want)
{
	char cmd[64], result[192], expect[64];
	int ok;

	snprintf(cmd, sizeof(cmd), "el2-read %s", addr);
	ok = !selftest_result(cmd, result, sizeof(result));
	snprintf(expect, sizeof(expect), ": 0x%08lx", strtoul(want, NULL, 0));
	report(ok && strstr(result, expect) &&
	       !strcmp(strstr(result, expect), expect),
	       "the hypervisor reads %s through its own mapping (%s, want %s)",
	       addr, result, want);
}

#define GUEST_CODE	0x10000UL
#define GUEST_DEV	0x100000UL
#define GUEST_EXIT	0x200000UL
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(__u32)))

static int set_reg(int vcpu, __u64 id, __u64 val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (__u64)&val };

	return ioctl(vcpu, KVM_SET_ONE_REG, &reg);
}

#ifndef KVM_VM_TYPE_ARM_PROTECTED
#define KVM_VM_TYPE_ARM_PROTECTED	(1UL << 31)
#endif

/* How a guest's read went. */
struct guest_outcome {
	int run_errno;		/* KVM_RUN failed with this, or 0 */
	int read_exited;	/* the load itself exited to us as MMIO */
	int served;		/* the guest read a value and reported it */
	uint32_t val;
	uint64_t exit_addr;
};

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * Run a fresh guest that loads from IPA @ipa and stores the value to an
 * address with no memslot, which exits to us as MMIO carrying the value.
 * With @dev_addr, a memslot at GUEST_DEV maps the page of @dev_addr from
 * /dev/mem. @vm_type picks a normal or a protected VM. @before_run runs
 * once the vCPU exists, before KVM_RUN (to arm the selftest's attacks).
 * Returns 0 when the guest ran, -1 when it could not be set up.
 */
static int run_guest(unsigned long vm_type, uint64_t ipa, int map_dev,
		     uint64_t dev_addr, const char *before_run,
		     struct guest_outcome *out)
{
	static const uint32_t code[] = {
		0xb9400020,	/* ldr w0, [x1] */
		0xb9000040,	/* str w0, [x2] */
		0x14000000,	/* b . */
	};
	uint64_t page = dev_addr & ~(uint64_t)(page_size - 1);
	struct sigaction sa = { .sa_handler = on_alarm };
	struct kvm_userspace_memory_region slot;
	struct kvm_vcpu_init init;
	struct kvm_run *run;
	int kvm, vm, vcpu, ret = -1;
	void *mem, *dev = NULL;
	long run_size;

	memset(out, 0, sizeof(*out));
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		return -1;
	vm = ioctl(kvm, KVM_CREATE_VM, vm_type);
	mem = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		goto out;
	memcpy(mem, code, sizeof(code));

	slot = (struct kvm_userspace_memory_region){ .slot = 0,
		.guest_phys_addr = GUEST_CODE, .memory_size = page_size,
		.userspace_addr = (__u64)mem };
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
		goto out;
	if (map_dev) {
		dev = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   devmem, (off_t)page);
		if (dev == MAP_FAILED)
			goto out;
		slot = (struct kvm_userspace_memory_region){ .slot = 1,
			.guest_phys_addr = GUEST_DEV, .memory_size = page_size,
			.userspace_addr = (__u64)dev };
		if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
			goto out;
	}

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		goto out;
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED ||
	    set_reg(vcpu, CORE_REG(regs.pc), GUEST_CODE) ||
	    set_reg(vcpu, CORE_REG(regs.pstate), 0x3c5) ||
	    set_reg(vcpu, CORE_REG(regs.regs[1]), ipa) ||
	    set_reg(vcpu, CORE_REG(regs.regs[2]), GUEST_EXIT))
		goto out;
	if (before_run && selftest_command(before_run))
		goto out;

	/* A guest that got the device would spin at "b ." for ever. */
	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	if (ioctl(vcpu, KVM_RUN, 0)) {
		out->run_errno = errno;
	} else if (run->exit_reason == KVM_EXIT_MMIO) {
		out->exit_addr = run->mmio.phys_addr;
		if (run->mmio.phys_addr == GUEST_EXIT && run->mmio.is_write) {
			memcpy(&out->val, run->mmio.data, sizeof(out->val));
			out->served = 1;
		} else if (run->mmio.phys_addr == ipa && !run->mmio.is_write) {
			out->read_exited = 1;
		}
	}
	alarm(0);
	ret = 0;
out:
	if (dev && dev != MAP_FAILED)
		munmap(dev, page_size);
	close(kvm);
	return ret;
}

/* Old interface of the guest steps: 0 read, 1 refused, -1 otherwise. */
static int guest_read(uint64_t addr, uint32_t *val)
{
	struct guest_outcome out;

	if (run_guest(0, GUEST_DEV + (addr & (page_size - 1)), 1, addr, NULL, &out))
		return -1;
	*val = out.val;
	if (out.served)
		return 0;
	return out.run_errno ? 1 : -1;
}

static void step_guest(uint64_t addr, int must_refuse)
{
	uint32_t val = 0;
	int ret = guest_read(addr, &val);

	if (must_refuse)
		report(ret == 1, "guest read of 0x%" PRIx64 " through a memslot refused (%s)",
		       addr, ret == 0 ? "but the guest read it" :
		       ret == 1 ? "KVM_RUN failed" : "the guest did not run");
	else
		report(ret == 0, "guest read of 0x%" PRIx64 " served (value 0x%08x)",
		       addr, val);
}

/*
 * The selftest's attacks on a fresh guest: see the plan's "attack" step.
 * share and hcr use a normal VM, donate a protected one.
 */
static void step_attack(const char *what, const char *addr)
{
	int donate = !strcmp(what, "donate"), hcr = !strcmp(what, "hcr");
	uint64_t phys = strtoull(addr, NULL, 0);
	char cmd[64], result[192] = "";
	struct guest_outcome out;
	uint64_t ipa;
	int ret;

	if (hcr) {
		snprintf(cmd, sizeof(cmd), "attack-hcr 0");
		ipa = phys;
	} else {
		snprintf(cmd, sizeof(cmd), "attack-%s %s", what, addr);
		ipa = GUEST_DEV + (phys & (page_size - 1));
	}
	ret = run_guest(donate ? KVM_VM_TYPE_ARM_PROTECTED : 0, ipa, 0, 0, cmd, &out);
	if (!ret) {
		int fd = open(SELFTEST, O_RDONLY);
		int n = fd < 0 ? -1 : read(fd, result, sizeof(result) - 1);

		if (fd >= 0)
			close(fd);
		result[n > 0 ? n : 0] = '\0';
		result[strcspn(result, "\n")] = '\0';
	}

	if (hcr)
		report(!ret && strstr(result, "HCR_EL2.VM cleared") &&
		       out.read_exited && !out.served,
		       "guest with HCR_EL2.VM cleared by the host cannot reach 0x%" PRIx64 " (%s; guest %s)",
		       phys, result, out.served ? "read the device" :
		       out.read_exited ? "faulted to the host" :
		       out.run_errno ? "did not run" : "stuck");
	else
		report(!ret && strstr(result, ": -1 ") && !out.served,
		       "__pkvm_host_%s_guest of 0x%" PRIx64 " refused at EL2 (%s; guest %s)",
		       what, phys, result,
		       out.served ? "read the page" :
		       out.read_exited ? "faulted to the host" :
		       out.run_errno ? "stopped" : "stuck");
}

static void step_cat(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		report(0, "cat %s: %s", path, strerror(errno));
		return;
	}
	printf("PKVMTEST cat %s\n", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *line = buf, *nl;

		buf[n < (ssize_t)sizeof(buf) ? n : n - 1] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			printf("PKVMTEST | %s\n", line);
			line = nl + 1;
		}
		if (*line)
			printf("PKVMTEST | %s\n", line);
	}
	printf("PKVMTEST endcat\n");
	fflush(stdout);
	close(fd);
}

/* The hypervisor's memory, as the host's log gives it ("Reserved N MiB at"). */
static uint64_t hyp_memory_base(void)
{
	static char log[1 << 17];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log) - 1);
	char *p;

	if (n <= 0)
		return 0;
	log[n] = '\0';
	p = strstr(log, "]: Reserved ");
	p = p ? strstr(p, " MiB at 0x") : NULL;
	return p ? strtoull(p + strlen(" MiB at "), NULL, 0) : 0;
}

/*
 * The physical address of the kernel image at @offset from _text: /proc/iomem
 * starts "Kernel code" there. A host kernel knows its own symbols, the
 * hypervisor's .bss among them.
 */
static uint64_t kernel_image_phys(uint64_t offset)
{
	FILE *f = fopen("/proc/iomem", "r");
	uint64_t text = 0;
	char line[256];

	if (!f)
		return 0;
	while (!text && fgets(line, sizeof(line), f)) {
		if (strstr(line, " : Kernel code"))
			text = strtoull(line + strspn(line, " "), NULL, 16);
	}
	fclose(f);
	return text ? text + offset : 0;
}

/* The hypervisor's checksum of the page of @phys (the selftest's el2-sum). */
static int el2_sum(uint64_t phys, uint32_t *sum)
{
	char cmd[64], result[192], *p;

	snprintf(cmd, sizeof(cmd), "el2-sum 0x%" PRIx64, phys & ~(uint64_t)(page_size - 1));
	if (selftest_result(cmd, result, sizeof(result)))
		return -1;
	p = strstr(result, ": 0x");
	if (!p)
		return -1;
	*sum = (uint32_t)strtoul(p + 2, NULL, 16);
	return 0;
}

/* A page of ours, locked in RAM: an ITT the ITS may write. */
static char own_page[65536] __attribute__((aligned(65536)));

/* The physical address of own_page. */
static uint64_t own_page_phys(void)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	own_page[0] = 1;
	if (fd < 0 || mlock(own_page, page_size) ||
	    pread(fd, &entry, sizeof(entry),
		  (off_t)((uintptr_t)own_page / page_size * sizeof(entry))) != sizeof(entry))
		entry = 0;
	if (fd >= 0)
		close(fd);
	if (!(entry >> 63))
		return 0;
	return (entry & ((1ULL << 55) - 1)) * page_size;
}

/*
 * The GICv3 ITS, driven through /dev/mem as the host kernel could drive it:
 * its registers, the host's command queue, where the host's driver believes
 * CWRITER is, and the slot the next command goes to.
 */
#define GITS_CTLR		0x0
#define GITS_CBASER		0x80
#define GITS_CWRITER		0x88
#define GITS_CREADR		0x90
#define GITS_BASER0		0x100
#define GITS_CTLR_ENABLED	1U
#define GITS_CTLR_QUIESCENT	(1U << 31)
#define GITS_OFFSET		0xfffe0ULL
#define ITS_QUEUE_SIZE		0x10000
#define ITS_CMD_SIZE		32
#define ITS_POLLS		1000000
/* A device no device has, one of its events, and an LPI for it. */
#define ITS_SPARE_DEVICE	0x1fffULL
#define ITS_SPARE_LPI		16192ULL
/* The bytes of an entry of an ITT: GITS_TYPER.ITT_entry_size is 12 or less. */
#define ITS_ITE_BYTES		12

struct its {
	volatile uint8_t *regs;
	volatile uint64_t *queue;
	uint64_t start;
	uint64_t next;
};

static uint64_t its_read64(const struct its *its, unsigned int reg)
{
	return *(volatile uint64_t *)(its->regs + reg);
}

static uint32_t its_read32(const struct its *its, unsigned int reg)
{
	return *(volatile uint32_t *)(its->regs + reg);
}

static void its_write32(const struct its *its, unsigned int reg, uint32_t val)
{
	*(volatile uint32_t *)(its->regs + reg) = val;
}

static int its_map(struct its *its, uint64_t base, const char *step)
{
	void *p = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED, devmem,
		       (off_t)base);

	if (p == MAP_FAILED) {
		report(0, "%s: map the ITS: %s", step, strerror(errno));
		return -1;
	}
	its->regs = p;
	p = mmap(NULL, ITS_QUEUE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, devmem,
		 (off_t)(its_read64(its, GITS_CBASER) & 0xffffffffff000ULL));
	if (p == MAP_FAILED) {
		report(0, "%s: map the host's queue: %s", step, strerror(errno));
		munmap((void *)its->regs, 0x10000);
		return -1;
	}
	its->queue = p;
	its->start = its_read64(its, GITS_CWRITER) & GITS_OFFSET;
	its->next = its->start;
	return 0;
}

static void its_unmap(struct its *its)
{
	munmap((void *)its->queue, ITS_QUEUE_SIZE);
	munmap((void *)its->regs, 0x10000);
}

/* Put a command in the host's queue, in the next slot. */
static void its_queue_cmd(struct its *its, uint64_t c0, uint64_t c1, uint64_t c2)
{
	volatile uint64_t *slot = its->queue + its->next / sizeof(uint64_t);

	slot[0] = c0;
	slot[1] = c1;
	slot[2] = c2;
	slot[3] = 0;
	its->next = (its->next + ITS_CMD_SIZE) % ITS_QUEUE_SIZE;
}

/* MAPD of the spare device, 32 events, its ITT at @itt (valid), or unmapped. */
static void its_mapd(struct its *its, uint64_t itt, int valid)
{
	its_queue_cmd(its, 0x08 | ITS_SPARE_DEVICE << 32, 4,
		      valid ? itt | 1ULL << 63 : 0);
}

/* MAPTI of the spare device's event 0 to the spare LPI, collection 0. */
static void its_mapti(struct its *its)
{
	its_queue_cmd(its, 0x0a | ITS_SPARE_DEVICE << 32, ITS_SPARE_LPI << 32, 0);
}

/* Move CWRITER past the commands queued. */
static void its_kick(const struct its *its)
{
	__sync_synchronize();
	its_write32(its, GITS_CWRITER, (uint32_t)its->next);
}

/* Wait for the ITS to have run every command queued: 0, or -1. */
static int its_caught_up(const struct its *its)
{
	long i;

	for (i = 0; i < ITS_POLLS; i++) {
		if ((its_read64(its, GITS_CREADR) & GITS_OFFSET) == its->next)
			return 0;
	}
	return -1;
}

static int its_post(const struct its *its)
{
	its_kick(its);
	return its_caught_up(its);
}

/*
 * The host's driver posts its next command where it believes CWRITER is:
 * fill the rest of the lap with SYNCs (RDbase 0), so that CWRITER is back
 * there once the ITS has run them.
 */
static int its_finish_lap(struct its *its)
{
	do {
		its_queue_cmd(its, 0x05, 0, 0);
	} while (its->next != its->start);
	return its_post(its);
}

/* Turn the ITS off and wait until it is quiescent; @ctlr: as it was. */
static int its_stop(const struct its *its, uint32_t *ctlr)
{
	long i;

	*ctlr = its_read32(its, GITS_CTLR);
	its_write32(its, GITS_CTLR, *ctlr & ~GITS_CTLR_ENABLED);
	for (i = 0; i < ITS_POLLS; i++) {
		if (its_read32(its, GITS_CTLR) & GITS_CTLR_QUIESCENT)
			return 0;
	}
	return -1;
}

/* Whether the ITS wrote the spare event's entry into own_page. */
static int own_page_ite_written(void)
{
	int i;

	for (i = 0; i < ITS_ITE_BYTES; i++) {
		if (((volatile char *)own_page)[i])
			return 1;
	}
	return 0;
}

/* An EL2 checksum of the page of @phys, taken before a step's attack. */
static int el2_sum_before(const char *step, uint64_t phys, uint32_t *sum)
{
	if (!el2_sum(phys, sum))
		return 0;
	report(0, "%s: no EL2 checksum of 0x%" PRIx64, step, phys);
	return -1;
}

/* ... and after it: the hypervisor's page must be as it was. */
static void el2_sum_after(const char *step, uint64_t phys, uint32_t before)
{
	uint32_t after = 0;
	int ret = el2_sum(phys, &after);

	report(!ret && after == before,
	       "%s: the hypervisor's page at 0x%" PRIx64 " is unchanged (EL2 checksum 0x%08x, then 0x%08x%s)",
	       step, phys, before, after, ret ? ", not read" : "");
}

/*
 * A hostile host's commands to the GICv3 ITS at @base, put in the host's
 * queue at the host's CWRITER: MAPD of an unused device ID whose ITT is
 * @where ("own": a page of ours; otherwise an offset into the kernel image
 * of the hypervisor's memory), then a MAPTI, which has the ITS write the
 * event's entry into that ITT. The ITS must run past both either way
 * (CREADR catches up). The hypervisor refuses one MAPD and counts it, and
 * its page is as it was; it forwards the other, and the ITS writes our
 * page, which shows that the attempt on the hypervisor's page would have
 * been seen. That device is then unmapped.
 */
static void step_itsmapd(uint64_t base, const char *where)
{
	int own = !strcmp(where, "own");
	uint64_t itt = own ? own_page_phys() :
		       kernel_image_phys(strtoull(where, NULL, 0));
	uint32_t before = 0;
	struct its its;
	int ok;

	if (!itt) {
		report(0, "itsmapd %s: no address for the ITT", where);
		return;
	}
	if (its_map(&its, base, "itsmapd"))
		return;
	if (own)
		memset(own_page, 0, ITS_ITE_BYTES);
	else if (el2_sum_before("itsmapd", itt, &before))
		goto out;

	its_mapd(&its, itt, 1);
	ok = !its_post(&its);
	its_mapti(&its);
	ok = !its_post(&its) && ok;
	if (own) {
		its_mapd(&its, 0, 0);
		ok = !its_post(&its) && ok;
	}
	ok = !its_finish_lap(&its) && ok;
	report(ok, "itsmapd: MAPD with its ITT at 0x%" PRIx64 " (%s memory), and MAPTI, run past by the ITS",
	       itt, own ? "own" : "hyp");
	if (own)
		report(own_page_ite_written(), "itsmapd: the ITS wrote the event's entry into our ITT");
	else
		el2_sum_after("itsmapd", itt, before);
out:
	its_unmap(&its);
}

/*
 * A command the host rewrites once CWRITER has moved past it: the ITS must
 * run it as the hypervisor checked it, not as rewritten. QEMU's ITS runs
 * commands inside the CWRITER write, so the ITS is turned off first, and
 * the commands wait for it to be turned on again: MAPD of the spare device
 * with its ITT in our page, and a MAPTI. Then the host's copy of the MAPD
 * is made to name the hypervisor's memory instead, at @offset into the
 * kernel image, and the ITS turned on. The ITS must write our page, and
 * the hypervisor's must be as it was.
 */
static void step_itsrewrite(uint64_t base, uint64_t offset)
{
	uint64_t own = own_page_phys(), hyp = kernel_image_phys(offset), slot;
	uint32_t before = 0, ctlr = 0;
	struct its its;
	int ok;

	if (!own || !hyp) {
		report(0, "itsrewrite: no address for the ITTs");
		return;
	}
	if (its_map(&its, base, "itsrewrite"))
		return;
	if (el2_sum_before("itsrewrite", hyp, &before))
		goto out;
	memset(own_page, 0, ITS_ITE_BYTES);

	ok = !its_stop(&its, &ctlr);
	slot = its.next;
	its_mapd(&its, own, 1);
	its_mapti(&its);
	its_kick(&its);
	its.queue[slot / sizeof(uint64_t) + 2] = hyp | 1ULL << 63;
	__sync_synchronize();
	its_write32(&its, GITS_CTLR, ctlr);
	ok = !its_caught_up(&its) && ok;
	its_mapd(&its, 0, 0);
	ok = !its_post(&its) && ok;
	ok = !its_finish_lap(&its) && ok;
	report(ok, "itsrewrite: MAPD rewritten to an ITT at 0x%" PRIx64 " (hyp memory) after CWRITER, run past by the ITS",
	       hyp);
	report(own_page_ite_written(),
	       "itsrewrite: the ITS ran the MAPD as the hypervisor checked it: the event's entry is in our ITT");
	el2_sum_after("itsrewrite", hyp, before);
out:
	its_unmap(&its);
}

/*
 * A hostile host aims GITS_CBASER (@reg GITS_CBASER, step @step) or
 * GITS_BASER0 at the hypervisor's memory, on an ITS it has turned off (as
 * it must, for the write to mean anything): the write must abort, and the
 * ITS, turned on again, must go on as before.
 */
static void step_itsbase(uint64_t base, unsigned int reg, const char *step)
{
	const char *name = reg == GITS_CBASER ? "GITS_CBASER" : "GITS_BASER0";
	uint64_t hyp = hyp_memory_base();
	uint32_t ctlr = 0;
	struct its its;
	int ret, stopped;

	if (!hyp) {
		report(0, "%s: no address for the hypervisor's memory", step);
		return;
	}
	if (its_map(&its, base, step))
		return;
	stopped = !its_stop(&its, &ctlr);

	fault_addr = 0;
	fault_signo = 0;
	fault_code = 0;
	if (sigsetjmp(probe_env, 1) == 0) {
		/* Valid, at the hypervisor's memory: 16 pages of 4 KiB, or 1. */
		*(volatile uint64_t *)(its.regs + reg) =
			1ULL << 63 | hyp | (reg == GITS_CBASER ? 15 : 0);
		ret = 0;
	} else {
		ret = fault_addr == (uintptr_t)(its.regs + reg) &&
		      fault_signo == SIGSEGV && fault_code == SEGV_ACCERR ? 1 : -1;
	}
	its_write32(&its, GITS_CTLR, ctlr);
	report(ret == 1 && stopped,
	       "%s: %s at 0x%" PRIx64 " (hyp memory), ITS off, denied with SIGSEGV (SEGV_ACCERR)%s",
	       step, name, hyp, ret == 0 ? " (but it completed)" :
	       ret < 0 ? " (wrong signal, address or code)" :
	       !stopped ? " (but the ITS did not stop)" : "");
	its_unmap(&its);
}

/*
 * The cost of ITS commands: a whole lap of the host's queue (2048 SYNCs,
 * so that CWRITER ends where the host's driver left it), posted one at a
 * time as the driver does (the command, CWRITER, then CREADR until the
 * ITS has run it), in ticks of the generic counter.
 */
static void step_itstime(uint64_t base)
{
	uint64_t cw, t0, t1, polls = 0;
	struct its its;
	long n;

	if (its_map(&its, base, "itstime"))
		return;
	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t0) :: "memory");
	for (n = 0, cw = its.start; n < ITS_QUEUE_SIZE / ITS_CMD_SIZE; n++) {
		its.queue[cw / 8] = 0x05;		/* SYNC, RDbase 0 */
		its.queue[cw / 8 + 1] = 0;
		its.queue[cw / 8 + 2] = 0;
		its.queue[cw / 8 + 3] = 0;
		asm volatile("dsb st" ::: "memory");
		cw = (cw + ITS_CMD_SIZE) % ITS_QUEUE_SIZE;
		its_write32(&its, GITS_CWRITER, (uint32_t)cw);
		do {
			polls++;
		} while ((its_read32(&its, GITS_CREADR) & GITS_OFFSET) != cw &&
			 polls < 100000000);
	}
	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t1) :: "memory");
	printf("PKVMTEST itstime 0x%" PRIx64 ": %ld commands, %" PRIu64 " ticks, %" PRIu64
	       " polls\n", base, n, t1 - t0, polls);
	fflush(stdout);
	report(cw == its.start && polls < 100000000, "itstime 0x%" PRIx64 ": %ld commands", base, n);
	its_unmap(&its);
}

/*
 * A 64-bit write at @offset into the kernel image, in the hypervisor's
 * .bss (the harness reads the offset from System.map): it must be denied,
 * and the page, as the hypervisor sees it, must be as it was.
 */
static void step_denyimage(uint64_t offset)
{
	uint64_t phys = kernel_image_phys(offset);
	uint32_t before = 0, val;
	char where[48];
	int ret;

	if (!phys) {
		report(0, "denyimage: no \"Kernel code\" in /proc/iomem");
		return;
	}
	if (el2_sum_before("denyimage", phys, &before))
		return;
	ret = try_access(phys, ACCESS_WRITE64_ONES, &val);
	snprintf(where, sizeof(where), " (_text + 0x%" PRIx64 ")", offset);
	report_denied(ret, "denyimage: ", ACCESS_WRITE64_ONES, phys, where);
	el2_sum_after("denyimage", phys, before);
}

/*
 * Read @n bytes from a character device, as a data test of its driver: the
 * read must return them all, and they must not all be the same byte.
 */
static void step_devread(const char *path, long n)
{
	unsigned char buf[4096];
	long got = 0, i, same = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || n <= 0 || n > (long)sizeof(buf)) {
		report(0, "devread %s: %s", path, fd < 0 ? strerror(errno) : "bad size");
		if (fd >= 0)
			close(fd);
		return;
	}
	while (got < n && (r = read(fd, buf + got, n - got)) > 0)
		got += r;
	close(fd);
	for (i = 1; i < got; i++)
		same += buf[i] == buf[0];
	report(got == n && same < got - 1, "devread %s: %ld of %ld bytes, not all alike",
	       path, got, n);
}

/* Write @text to a file (a sysfs or procfs knob). */
static void step_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	report(n == (ssize_t)strlen(text), "write '%s' to %s%s%s", text, path,
	       n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
	if (fd >= 0)
		close(fd);
}

static void step_ls(const char *path)
{
	struct dirent *e;
	DIR *d = opendir(path);

	if (!d) {
		report(0, "ls %s: %s", path, strerror(errno));
		return;
	}
	printf("PKVMTEST ls %s\n", path);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			printf("PKVMTEST | %s\n", e->d_name);
	printf("PKVMTEST endls\n");
	fflush(stdout);
	closedir(d);
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static unsigned char *ram_buffer;

/*
 * 8 MiB of RAM the test owns, filled with a pattern. (Kernel text would be
 * a nicer target, but the hyp sections sit inside it, and the host cannot
 * read hyp-owned memory.)
 */
static uint64_t ram_checksum(void)
{
	return fnv1a(0xcbf29ce484222325ULL, ram_buffer, RAMSUM_SIZE);
}

static void run_plan(char *plan)
{
	uint64_t sum_before = 0;
	int have_sum = 0;
	char *step, *save;

	for (step = strtok_r(plan, ",", &save); step;
	     step = strtok_r(NULL, ",", &save)) {
		char *arg = strchr(step, ':');

		if (arg)
			*arg++ = '\0';
		if (!strcmp(step, "read") && arg) {
			step_read(strtoull(arg, NULL, 0));
		} else if (!strcmp(step, "deny") && arg) {
			step_deny(strtoull(arg, NULL, 0), 0);
		} else if (!strcmp(step, "denyw") && arg) {
			step_deny(strtoull(arg, NULL, 0), ACCESS_WRITE);
		} else if (!strcmp(step, "denyb") && arg) {
			step_deny(strtoull(arg, NULL, 0), ACCESS_READ_BYTE);
		} else if (!strcmp(step, "denyq") && arg) {
			step_deny(strtoull(arg, NULL, 0), ACCESS_WRITE64);
		} else if (!strcmp(step, "itscbaser") && arg) {
			step_itsbase(strtoull(arg, NULL, 0), GITS_CBASER, step);
		} else if (!strcmp(step, "itsbaser") && arg) {
			step_itsbase(strtoull(arg, NULL, 0), GITS_BASER0, step);
		} else if (!strcmp(step, "itstime") && arg) {
			step_itstime(strtoull(arg, NULL, 0));
		} else if (!strcmp(step, "itsrewrite") && arg && strchr(arg, ':')) {
			char *offset = strchr(arg, ':');

			*offset++ = '\0';
			step_itsrewrite(strtoull(arg, NULL, 0), strtoull(offset, NULL, 0));
		} else if (!strcmp(step, "denyimage") && arg) {
			step_denyimage(strtoull(arg, NULL, 0));
		} else if (!strcmp(step, "itsmapd") && arg && strchr(arg, ':')) {
			char *itt = strchr(arg, ':');

			*itt++ = '\0';
			step_itsmapd(strtoull(arg, NULL, 0), itt);
		} else if (!strcmp(step, "denyldp") && arg) {
			step_deny(strtoull(arg, NULL, 0), ACCESS_READ_PAIR);
		} else if (!strcmp(step, "readval") && arg && strchr(arg, ':')) {
			char *val = strchr(arg, ':');

			*val++ = '\0';
			step_readval(strtoull(arg, NULL, 0), strtoul(val, NULL, 0));
		} else if (!strcmp(step, "timeread") && arg) {
			char *n = strchr(arg, ':');

			step_timeread(strtoull(arg, NULL, 0), n ? atol(n + 1) : 1);
		} else if (!strcmp(step, "storm") && arg) {
			char *n = strchr(arg, ':');

			step_storm(strtoull(arg, NULL, 0), n ? atol(n + 1) : 1);
		} else if (!strcmp(step, "hammer") && arg) {
			char *u = strchr(arg, ':');
			char *n = u ? strchr(u + 1, ':') : NULL;

			if (!n) {
				report(0, "hammer needs P:U:N");
				continue;
			}
			step_hammer(strtoull(arg, NULL, 0), strtoull(u + 1, NULL, 0),
				    atol(n + 1));
		} else if (!strcmp(step, "hvc") && arg && strchr(arg, ':')) {
			char *pfn = strchr(arg, ':');

			*pfn++ = '\0';
			step_hvc(arg, pfn);
		} else if (!strcmp(step, "donate") && arg && strchr(arg, ':')) {
			char *addr = strchr(arg, ':');

			*addr++ = '\0';
			step_donate(arg, addr);
		} else if (!strcmp(step, "ffa") && arg && strchr(arg, ':')) {
			char *addr = strchr(arg, ':');

			*addr++ = '\0';
			step_ffa(arg, addr);
		} else if (!strcmp(step, "ffapair") && arg) {
			step_ffa_pair(arg);
		} else if (!strcmp(step, "ffaram")) {
			step_ffa_ram();
		} else if (!strcmp(step, "kread") && arg) {
			step_kread(arg, 1);
		} else if (!strcmp(step, "kreadok") && arg) {
			step_kread(arg, 0);
		} else if (!strcmp(step, "guest") && arg) {
			step_guest(strtoull(arg, NULL, 0), 1);
		} else if (!strcmp(step, "guestok") && arg) {
			step_guest(strtoull(arg, NULL, 0), 0);
		} else if (!strcmp(step, "uaccess") && arg) {
			step_uaccess(strtoull(arg, NULL, 0), 1);
		} else if (!strcmp(step, "uaccessok") && arg) {
			step_uaccess(strtoull(arg, NULL, 0), 0);
		} else if (!strcmp(step, "el2read") && arg && strchr(arg, ':')) {
			char *val = strchr(arg, ':');

			*val++ = '\0';
			step_el2read(arg, val);
		} else if (!strcmp(step, "attack") && arg && strchr(arg, ':')) {
			char *addr = strchr(arg, ':');

			*addr++ = '\0';
			step_attack(arg, addr);
		} else if (!strcmp(step, "cat") && arg) {
			step_cat(arg);
		} else if (!strcmp(step, "devread") && arg && strchr(arg, ':')) {
			char *len = strchr(arg, ':');

			*len++ = '\0';
			step_devread(arg, strtol(len, NULL, 0));
		} else if (!strcmp(step, "write") && arg && strchr(arg, ':')) {
			char *text = strchr(arg, ':');

			*text++ = '\0';
			step_write(arg, text);
		} else if (!strcmp(step, "ls") && arg) {
			step_ls(arg);
		} else if (!strcmp(step, "ramsum")) {
			size_t i;

			ram_buffer = malloc(RAMSUM_SIZE);
			if (!ram_buffer) {
				report(0, "ramsum: out of memory");
				continue;
			}
			for (i = 0; i < RAMSUM_SIZE; i++)
				ram_buffer[i] = (unsigned char)(i * 2654435761U >> 13);
			sum_before = ram_checksum();
			have_sum = sum_before != 0;
			report(have_sum, "ramsum taken (0x%016" PRIx64 ")", sum_before);
		} else {
			report(0, "unknown step '%s'", step);
		}
	}

	if (have_sum) {
		uint64_t after = ram_checksum();

		report(after == sum_before, "ramsum unchanged (0x%016" PRIx64 ")",
		       after);
	}
}

static char *plan_from_cmdline(void)
{
	static char cmdline[4096];
	char *p, *end;
	ssize_t n;
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd < 0)
		return NULL;
	n = read(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	cmdline[n] = '\0';
	p = strstr(cmdline, "pkvmtest=");
	if (!p)
		return NULL;
	p += strlen("pkvmtest=");
	end = p + strcspn(p, " \n");
	*end = '\0';
	return p;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	cpu_set_t boot_cpu;
	char *plan;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	page_size = sysconf(_SC_PAGESIZE);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	printf("PKVMTEST start (page size %ld)\n", page_size);

	devmem = open("/dev/mem", O_RDWR | O_SYNC);
	if (devmem < 0) {
		report(0, "open /dev/mem: %s", strerror(errno));
	} else {
		plan = plan_from_cmdline();
		if (plan)
			run_plan(plan);
	}

	printf("PKVMTEST end (%d failures)\n", failures);
	fflush(stdout);
	sync();
	/*
	 * Power off from the boot CPU: the one whose EL2 a failed pKVM init
	 * leaves behind, so that the PSCI call goes through it every time.
	 */
	CPU_ZERO(&boot_cpu);
	CPU_SET(0, &boot_cpu);
	sched_setaffinity(0, sizeof(boot_cpu), &boot_cpu);
	reboot(RB_POWER_OFF);
	return 0;
}
