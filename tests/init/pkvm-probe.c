// SPDX-License-Identifier: GPL-2.0-only
/*
 * Static /init for the boot tests: tries physical pages through /dev/mem
 * from host userspace and says, one line per step, what happened.
 *
 * The plan comes from the kernel command line, "pkvmtest=STEP,STEP,...":
 *
 *   read:ADDR	 a 32-bit read at ADDR must succeed
 *   deny:ADDR	 a 32-bit read at ADDR must raise SIGBUS at that address
 *   denyw:ADDR	 a 32-bit write at ADDR must raise SIGBUS at that address
 *   storm:ADDR:N N reads in a row at ADDR must each raise SIGBUS
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
 *		 /dev/mem) and reads it: the host must refuse to map it
 *   guestok:ADDR as guest, but the guest must read it
 *   cat:PATH	 copy a file to the console (debugfs, /proc/iomem, ...)
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
#include <sys/ioctl.h>
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
static volatile sig_atomic_t sigbus_count;
static volatile uintptr_t sigbus_addr;
static volatile int sigbus_code;
static int devmem = -1;
static long page_size;
static int failures;

static void on_sigbus(int sig, siginfo_t *info, void *uctx)
{
	(void)sig;
	(void)uctx;
	sigbus_count++;
	sigbus_addr = (uintptr_t)info->si_addr;
	sigbus_code = info->si_code;
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

/*
 * One access in a fresh sigsetjmp frame. Returns 0 when it completed,
 * 1 when it raised SIGBUS at the expected address with BUS_OBJERR (what
 * arm64 Linux sends for a synchronous external abort), -1 otherwise.
 */
static int try_access(uint64_t addr, int write, uint32_t *val)
{
	volatile uint32_t *p;
	void *base;
	int ret;

	p = map_phys(addr, &base);
	if (!p)
		return -1;

	sigbus_addr = 0;
	sigbus_code = 0;
	if (sigsetjmp(probe_env, 1) == 0) {
		if (write)
			*p = 0;
		else
			*val = *p;
		ret = 0;
	} else {
		ret = sigbus_addr == (uintptr_t)p &&
		      sigbus_code == BUS_OBJERR ? 1 : -1;
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

static void step_deny(uint64_t addr, int write)
{
	uint32_t val = 0;
	int ret = try_access(addr, write, &val);

	report(ret == 1, "%s 0x%" PRIx64 " denied with SIGBUS (external abort)%s",
	       write ? "write" : "read", addr,
	       ret == 0 ? " (but it completed)" :
	       ret < 0 ? " (mapping failed, or wrong fault address or code)" : "");
}

static void step_storm(uint64_t addr, long n)
{
	sig_atomic_t before = sigbus_count;
	long i, denied = 0;
	uint32_t val;

	for (i = 0; i < n; i++)
		denied += try_access(addr, i & 1, &val) == 1;
	report(denied == n && sigbus_count - before == n,
	       "storm 0x%" PRIx64 ": %ld of %ld accesses denied", addr, denied, n);
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

/*
 * A guest with two memslots: its code, and the page of ADDR mapped from
 * /dev/mem. It loads from the page and stores the value to an address
 * with no memslot, which exits to us as MMIO carrying the value.
 * Returns 0 with *val set when the guest read the page, 1 when KVM_RUN
 * failed with EFAULT (the host refused to map it), -1 otherwise.
 */
static int guest_read(uint64_t addr, uint32_t *val)
{
	static const uint32_t code[] = {
		0xb9400020,	/* ldr w0, [x1] */
		0xb9000040,	/* str w0, [x2] */
		0x14000000,	/* b . */
	};
	uint64_t page = addr & ~(uint64_t)(page_size - 1);
	struct kvm_userspace_memory_region slot;
	struct kvm_vcpu_init init;
	struct kvm_run *run;
	int kvm, vm, vcpu, ret = -1;
	void *mem, *dev;
	long run_size;

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		return -1;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dev = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, devmem,
		   (off_t)page);
	if (vm < 0 || mem == MAP_FAILED || dev == MAP_FAILED)
		goto out;
	memcpy(mem, code, sizeof(code));

	slot = (struct kvm_userspace_memory_region){ .slot = 0,
		.guest_phys_addr = GUEST_CODE, .memory_size = page_size,
		.userspace_addr = (__u64)mem };
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
		goto out;
	slot = (struct kvm_userspace_memory_region){ .slot = 1,
		.guest_phys_addr = GUEST_DEV, .memory_size = page_size,
		.userspace_addr = (__u64)dev };
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
		goto out;

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		goto out;
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED ||
	    set_reg(vcpu, CORE_REG(regs.pc), GUEST_CODE) ||
	    set_reg(vcpu, CORE_REG(regs.pstate), 0x3c5) ||
	    set_reg(vcpu, CORE_REG(regs.regs[1]), GUEST_DEV + (addr - page)) ||
	    set_reg(vcpu, CORE_REG(regs.regs[2]), GUEST_EXIT))
		goto out;

	if (ioctl(vcpu, KVM_RUN, 0)) {
		ret = errno == EFAULT ? 1 : -1;
	} else if (run->exit_reason == KVM_EXIT_MMIO &&
		   run->mmio.phys_addr == GUEST_EXIT && run->mmio.is_write) {
		memcpy(val, run->mmio.data, sizeof(*val));
		ret = 0;
	}
out:
	close(kvm);
	return ret;
}

static void step_guest(uint64_t addr, int must_refuse)
{
	uint32_t val = 0;
	int ret = guest_read(addr, &val);

	if (must_refuse)
		report(ret == 1, "guest read of 0x%" PRIx64 " refused by the host (%s)",
		       addr, ret == 0 ? "but the guest read it" :
		       ret == 1 ? "KVM_RUN: EFAULT" : "the guest did not run");
	else
		report(ret == 0, "guest read of 0x%" PRIx64 " served (value 0x%08x)",
		       addr, val);
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
 * a nicer target, but the hyp sections sit inside it, and a host read of
 * hyp-owned memory is a hypervisor panic in 6.12 by design.)
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
			step_deny(strtoull(arg, NULL, 0), 1);
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
		} else if (!strcmp(step, "cat") && arg) {
			step_cat(arg);
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
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	cpu_set_t boot_cpu;
	char *plan;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	page_size = sysconf(_SC_PAGESIZE);
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
