// SPDX-License-Identifier: GPL-2.0-only
/*
 * el3-ffa-stub: test-only EL3 firmware for QEMU virt (secure=on), so that
 * the boot tests can drive pKVM's FF-A proxy, which 6.12 only brings up
 * when firmware answers SMCCC 1.2 and FF-A.
 *
 * It is not an SPMC and nothing here protects anything. It implements what
 * the kernel and pKVM call at EL3 on this machine:
 *
 *  - PSCI 1.0 (CPU_SUSPEND as standby, CPU_ON/OFF, AFFINITY_INFO,
 *    SYSTEM_OFF/RESET through QEMU's secure GPIO) and SMCCC_VERSION 1.2;
 *  - the FF-A calls pKVM's proxy forwards (VERSION, ID_GET, FEATURES,
 *    RXTX_MAP/UNMAP, PARTITION_INFO_GET, MEM_SHARE/LEND, RETRIEVE_REQ,
 *    RX_RELEASE, MEM_RECLAIM) with one partition-less "secure world" that
 *    accepts every share and logs what it was given;
 *  - one SiP call for the tests, FW_SIP_FFA_SEEN: how many MEM_SHARE and
 *    MEM_LEND calls have reached EL3 (counted on arrival, well-formed or
 *    not), and how often a physical address was in their ranges.
 *
 * The point of the counts: when pKVM refuses to share a protected page, the
 * test can check that the request never left EL2, as well as what the
 * host was told.
 *
 * EL3 runs with its MMU off, so every access here is to Device memory: keep
 * accesses aligned (built with -mstrict-align). The buffers pKVM writes
 * through cacheable mappings are read here uncached, which is only sound
 * because QEMU does not model caches; firmware for hardware would map them
 * cacheable or clean them first. CNTFRQ_EL0 keeps the value QEMU resets it
 * to, the frequency of its counter.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;

#define BIT(n)			(1UL << (n))
#define __noreturn		__attribute__((noreturn))
#define __aligned(x)		__attribute__((aligned(x)))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* QEMU virt (hw/arm/virt.c) */
#define UART_BASE		0x09000000UL
#define SECURE_GPIO_BASE	0x090b0000UL
#define GPIO_POWEROFF		0
#define GPIO_RESET		1
#define GICD_BASE		0x08000000UL
#define GICR_BASE		0x080a0000UL

/* Device and buffer accesses, by physical address (the MMU is off). */
static inline u32 readl(u64 addr)
{
	return *(volatile u32 *)addr;
}

static inline void writel(u32 val, u64 addr)
{
	*(volatile u32 *)addr = val;
}

static inline u64 readq(u64 addr)
{
	return *(volatile u64 *)addr;
}

static inline void writeq(u64 val, u64 addr)
{
	*(volatile u64 *)addr = val;
}

#define read_sysreg(r) ({					\
	u64 __v;						\
	asm volatile("mrs %0, " #r : "=r" (__v));		\
	__v;							\
})
#define write_sysreg(v, r)					\
	do {							\
		asm volatile("msr " #r ", %0" : : "r" ((u64)(v)));	\
	} while (0)
#define isb()	do { asm volatile("isb" : : : "memory"); } while (0)
#define dsb()	do { asm volatile("dsb sy" : : : "memory"); } while (0)

struct smc_frame {
	u64 x[19];
	u64 lr;
};

struct entry {
	u64 pc;
	u64 arg;
};

void __noreturn el3_enter_el2(u64 pc, u64 arg);
void __noreturn el3_cpu_off(u64 cpu);

/* --- console and power --------------------------------------------------- */

static void uart_putc(char c)
{
	while (readl(UART_BASE + 0x18) & BIT(5))	/* UARTFR.TXFF */
		;
	writel(c, UART_BASE);
}

static void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

static void uart_puthex(u64 v)
{
	int i;

	uart_puts("0x");
	for (i = 60; i > 0 && !(v >> i); i -= 4)
		;
	for (; i >= 0; i -= 4)
		uart_putc("0123456789abcdef"[(v >> i) & 0xf]);
}

/* QEMU's gpio-pwr acts on a rising edge of these secure PL061 lines. */
static void __noreturn gpio_power(int line)
{
	writel(readl(SECURE_GPIO_BASE + 0x400) | BIT(line),
	       SECURE_GPIO_BASE + 0x400);			/* GPIODIR */
	writel(BIT(line), SECURE_GPIO_BASE + (BIT(line) << 2));	/* GPIODATA */
	for (;;)
		asm volatile("wfi");
}

/* --- CPU and GIC setup ------------------------------------------------- */

#define SCR_NS			BIT(0)
#define SCR_RES1		(BIT(4) | BIT(5))
#define SCR_HCE			BIT(8)
#define SCR_RW			BIT(10)
#define SCR_APK			BIT(16)
#define SCR_API			BIT(17)
#define SCR_ENSCXT		BIT(25)
#define SCR_ATA			BIT(26)
#define SCR_FGTEN		BIT(27)
#define SCR_ECVEN		BIT(28)
#define SCR_HXEN		BIT(38)
#define SCR_ENTP2		BIT(41)

#define CPTR_EZ			BIT(8)
#define CPTR_ESM		BIT(12)

/*
 * Lower ELs get every feature the CPU model has: QEMU ignores the enable
 * bits of features it does not implement, and a trap to EL3 here would be
 * a firmware bug, not a test result.
 */
void el3_cpu_setup(u64 cpu)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);

	(void)cpu;
	write_sysreg(SCR_NS | SCR_RES1 | SCR_HCE | SCR_RW | SCR_APK | SCR_API |
		     SCR_ENSCXT | SCR_ATA | SCR_FGTEN | SCR_ECVEN | SCR_HXEN |
		     SCR_ENTP2, scr_el3);
	write_sysreg(CPTR_EZ | CPTR_ESM, cptr_el3);
	write_sysreg(0, mdcr_el3);
	isb();
	if ((pfr0 >> 32) & 0xf)				/* SVE */
		write_sysreg(0xf, s3_6_c1_c2_0);	/* ZCR_EL3: longest VL */
	/* SMCR_EL3: longest SVL, and FA64 as booting.rst asks for it */
	if ((pfr1 >> 24) & 0xf)				/* SME */
		write_sysreg(BIT(31) | 0xf, s3_6_c1_c2_6);
	/* ICC_SRE_EL3: system registers for the GIC at every EL. */
	write_sysreg(0xf, s3_6_c12_c12_5);
	write_sysreg(0x30c50830, sctlr_el2);		/* RES1, MMU off */
	isb();
}

/*
 * With security extensions every interrupt resets to Group 0 (secure).
 * Hand them all to the normal world as Group 1 NS, as TF-A does.
 */
static u32 nr_cpus;

static void gic_setup(void)
{
	u32 lines = (readl(GICD_BASE + 0x4) & 0x1f) + 1;	/* GICD_TYPER */
	u64 rd = GICR_BASE;
	u32 i;

	writel(BIT(4) | BIT(5), GICD_BASE);		/* GICD_CTLR: ARE_S, ARE_NS */
	while (readl(GICD_BASE) & BIT(31))		/* RWP */
		;
	for (i = 1; i < lines; i++)
		writel(~0U, GICD_BASE + 0x80 + 4 * i);	/* GICD_IGROUPR<i> */
	/* One redistributor per CPU, CPU n's at frame n on QEMU virt. */
	for (i = 0; i < FW_MAX_CPUS; i++, rd += 0x20000) {
		writel(~0U, rd + 0x10000 + 0x80);	/* GICR_IGROUPR0 */
		/* GICR_WAKER: clear ProcessorSleep, wait for ChildrenAsleep */
		writel(readl(rd + 0x14) & ~BIT(1), rd + 0x14);
		while (readl(rd + 0x14) & BIT(2))
			;
		if (readq(rd + 0x8) & BIT(4))		/* GICR_TYPER.Last */
			break;
	}
	nr_cpus = i < FW_MAX_CPUS ? i + 1 : FW_MAX_CPUS;
}

/* --- PSCI -------------------------------------------------------------- */

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMS	-2
#define PSCI_ALREADY_ON		-4
#define PSCI_ON_PENDING		-5

enum cpu_power { CPU_OFF, CPU_ON, CPU_ON_PENDING };

static volatile u32 cpu_power[FW_MAX_CPUS];
static volatile u64 cpu_entry_pc[FW_MAX_CPUS];
static volatile u64 cpu_entry_arg[FW_MAX_CPUS];

struct entry el3_boot_primary(void)
{
	const u32 *image = (const u32 *)KERNEL_ADDR;

	uart_puts("el3-ffa-stub: test firmware (PSCI 1.0, SMCCC 1.2, FF-A 1.1 stub), kernel at ");
	uart_puthex(KERNEL_ADDR);
	uart_puts(", DTB at ");
	uart_puthex(DTB_ADDR);
	uart_puts("\n");
	if (image[14] != 0x644d5241) {			/* "ARM\x64" */
		uart_puts("el3-ffa-stub: no arm64 Image at the kernel address\n");
		gpio_power(GPIO_POWEROFF);
	}
	gic_setup();
	cpu_power[0] = CPU_ON;
	return (struct entry){ .pc = KERNEL_ADDR, .arg = DTB_ADDR };
}

struct entry el3_wait_cpu_on(u64 cpu)
{
	while (cpu_power[cpu] != CPU_ON_PENDING)
		asm volatile("wfe" : : : "memory");
	cpu_power[cpu] = CPU_ON;
	return (struct entry){ .pc = cpu_entry_pc[cpu], .arg = cpu_entry_arg[cpu] };
}

static u64 this_cpu(void)
{
	return read_sysreg(mpidr_el1) & 0xff;
}

/* QEMU virt numbers its CPUs 0..n-1 in Aff0 (up to 16 per cluster). */
static int mpidr_to_cpu(u64 mpidr)
{
	u64 cpu = mpidr & 0xff;

	if ((mpidr & 0xff00ffff00UL) || cpu >= nr_cpus)
		return -1;
	return cpu;
}

/* Linux and pKVM never race two CPU_ONs for one CPU: no lock needed. */
static s64 psci_cpu_on(u64 mpidr, u64 pc, u64 arg)
{
	int cpu = mpidr_to_cpu(mpidr);

	if (cpu < 0)
		return PSCI_INVALID_PARAMS;
	if (cpu_power[cpu] == CPU_ON_PENDING)
		return PSCI_ON_PENDING;
	if (cpu_power[cpu] != CPU_OFF)
		return PSCI_ALREADY_ON;
	cpu_entry_pc[cpu] = pc;
	cpu_entry_arg[cpu] = arg;
	dsb();
	cpu_power[cpu] = CPU_ON_PENDING;
	dsb();
	asm volatile("sev");
	return PSCI_SUCCESS;
}

static s64 psci_affinity_info(u64 mpidr, u64 lowest_level)
{
	int cpu = mpidr_to_cpu(mpidr);

	if (cpu < 0 || lowest_level)
		return PSCI_INVALID_PARAMS;
	return cpu_power[cpu] == CPU_ON ? 0 : cpu_power[cpu] == CPU_OFF ? 1 : 2;
}

#define PSCI_VERSION		0x84000000
#define PSCI_CPU_SUSPEND	0x84000001
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON		0x84000003
#define PSCI_AFFINITY_INFO	0x84000004
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a
#define SMC64			0x40000000
#define SMCCC_VERSION		0x80000000

static s64 psci_features(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND | SMC64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | SMC64:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | SMC64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return PSCI_SUCCESS;
	}
	return PSCI_NOT_SUPPORTED;
}

/* --- FF-A -------------------------------------------------------------- */

#define FFA_ERROR		0x84000060
#define FFA_SUCCESS		0x84000061
#define FFA_VERSION		0x84000063
#define FFA_FEATURES		0x84000064
#define FFA_RX_RELEASE		0x84000065
#define FFA_RXTX_MAP		0x84000066
#define FFA_RXTX_UNMAP		0x84000067
#define FFA_PARTITION_INFO_GET	0x84000068
#define FFA_ID_GET		0x84000069
#define FFA_MEM_LEND		0x84000072
#define FFA_MEM_SHARE		0x84000073
#define FFA_MEM_RETRIEVE_REQ	0x84000074
#define FFA_MEM_RETRIEVE_RESP	0x84000075
#define FFA_MEM_RECLAIM		0x84000077
#define FFA_VERSION_1_1		0x10001

#define FFA_RET_NOT_SUPPORTED	-1
#define FFA_RET_INVALID_PARAMETERS -2
#define FFA_RET_NO_MEMORY	-3
#define FFA_RET_DENIED		-6

#define FFA_MBOX_MAX		4096	/* what this stub accepts per message */
#define FW_TRANSACTIONS		8
#define FW_LOG_RANGES		64

/* FF-A 1.1 memory transaction descriptor, the parts read here. */
#define DESC_SIZE		48
#define DESC_HANDLE		8
#define DESC_EP_COUNT		28
#define DESC_EP_OFFSET		32
#define EMAD_COMPOSITE_OFF	4
#define COMPOSITE_RANGE_CNT	4
#define COMPOSITE_RANGES	16
#define RANGE_SIZE		16

struct transaction {
	u64 handle;			/* 0: free */
	u32 len;
	u64 desc[FFA_MBOX_MAX / 8];
};

struct range_log {
	u64 addr;
	u64 bytes;
};

static u64 ffa_tx, ffa_rx;		/* the proxy's buffers, as PAs */
static struct transaction transactions[FW_TRANSACTIONS];
static u64 last_handle;
static struct range_log range_log[FW_LOG_RANGES];
static u64 nr_ranges_seen, nr_transfers_seen;

static u32 get32(const void *base, u64 off)
{
	return readl((u64)base + off);
}

static u64 get64(const void *base, u64 off)
{
	return readq((u64)base + off);
}

static void ffa_ret(struct smc_frame *f, u64 a0, u64 a1, u64 a2, u64 a3)
{
	f->x[0] = a0;
	f->x[1] = a1;
	f->x[2] = a2;
	f->x[3] = a3;
}

static void ffa_error(struct smc_frame *f, s64 err)
{
	ffa_ret(f, FFA_ERROR, 0, (u64)err, 0);
}

static void ffa_copy(u64 *dst, u64 src_pa, u32 len)
{
	u32 i;

	for (i = 0; i < len / 8; i++)
		dst[i] = get64((const void *)src_pa, 8 * i);
}

/* Log the ranges of a share or lend the proxy forwarded; 0 if malformed. */
static int log_ranges(const u64 *desc, u32 len)
{
	u32 ep_off, comp, n, i;

	if (len < DESC_SIZE)
		return 0;
	ep_off = get32(desc, DESC_EP_OFFSET);
	if (get32(desc, DESC_EP_COUNT) != 1 || ep_off % 16 || ep_off > len - 16)
		return 0;
	comp = get32(desc, ep_off + EMAD_COMPOSITE_OFF);
	if (comp % 16 || comp > len - COMPOSITE_RANGES)
		return 0;
	n = get32(desc, comp + COMPOSITE_RANGE_CNT);
	if (n > (len - comp - COMPOSITE_RANGES) / RANGE_SIZE)
		return 0;
	for (i = 0; i < n; i++) {
		u64 r = comp + COMPOSITE_RANGES + i * RANGE_SIZE;
		struct range_log *log = &range_log[nr_ranges_seen % FW_LOG_RANGES];

		log->addr = get64(desc, r);
		log->bytes = (u64)get32(desc, r + 8) * 4096;
		nr_ranges_seen++;
	}
	return 1;
}

static void ffa_mem_xfer(struct smc_frame *f)
{
	u32 len = f->x[1], fraglen = f->x[2];
	struct transaction *t = 0;
	u32 i;

	nr_transfers_seen++;
	if (!ffa_tx || len != fraglen || len > FFA_MBOX_MAX || len % 8 ||
	    f->x[3] || f->x[4])
		return ffa_error(f, FFA_RET_INVALID_PARAMETERS);
	for (i = 0; i < FW_TRANSACTIONS && !t; i++)
		if (!transactions[i].handle)
			t = &transactions[i];
	if (!t)
		return ffa_error(f, FFA_RET_NO_MEMORY);
	ffa_copy(t->desc, ffa_tx, len);
	if (!log_ranges(t->desc, len))
		return ffa_error(f, FFA_RET_INVALID_PARAMETERS);
	t->len = len;
	t->handle = ++last_handle;
	ffa_ret(f, FFA_SUCCESS, 0, t->handle & 0xffffffff, t->handle >> 32);
}

static struct transaction *find_transaction(u64 handle)
{
	u32 i;

	for (i = 0; handle && i < FW_TRANSACTIONS; i++)
		if (transactions[i].handle == handle)
			return &transactions[i];
	return 0;
}

/* The proxy asks for the descriptor back before a reclaim. */
static void ffa_retrieve(struct smc_frame *f)
{
	struct transaction *t;
	u32 i;

	if (!ffa_tx || !ffa_rx)
		return ffa_error(f, FFA_RET_INVALID_PARAMETERS);
	t = find_transaction(get64((const void *)ffa_tx, DESC_HANDLE));
	if (!t)
		return ffa_error(f, FFA_RET_INVALID_PARAMETERS);
	for (i = 0; i < t->len / 8; i++)
		writeq(t->desc[i], ffa_rx + 8 * i);
	ffa_ret(f, FFA_MEM_RETRIEVE_RESP, t->len, t->len, 0);
}

static void ffa_reclaim(struct smc_frame *f)
{
	struct transaction *t = find_transaction((f->x[2] << 32) |
						 (f->x[1] & 0xffffffff));

	if (!t)
		return ffa_error(f, FFA_RET_INVALID_PARAMETERS);
	t->handle = 0;
	ffa_ret(f, FFA_SUCCESS, 0, 0, 0);
}

static void ffa_call(struct smc_frame *f, u32 fid)
{
	switch (fid & ~SMC64) {
	case FFA_VERSION:
		return ffa_ret(f, FFA_VERSION_1_1, 0, 0, 0);
	case FFA_ID_GET:
		return ffa_ret(f, FFA_SUCCESS, 0, 0, 0);
	case FFA_FEATURES:
		switch ((u32)f->x[1] & ~SMC64) {
		case FFA_RXTX_MAP:	/* minimum buffer size: 4 KiB */
		case FFA_MEM_SHARE:
		case FFA_MEM_LEND:
		case FFA_MEM_RETRIEVE_REQ:
		case FFA_MEM_RECLAIM:
			return ffa_ret(f, FFA_SUCCESS, 0, 0, 0);
		}
		return ffa_error(f, FFA_RET_NOT_SUPPORTED);
	case FFA_RXTX_MAP:
		if (ffa_tx)
			return ffa_error(f, FFA_RET_DENIED);
		ffa_tx = f->x[1];
		ffa_rx = f->x[2];
		return ffa_ret(f, FFA_SUCCESS, 0, 0, 0);
	case FFA_RXTX_UNMAP:
		ffa_tx = 0;
		ffa_rx = 0;
		return ffa_ret(f, FFA_SUCCESS, 0, 0, 0);
	case FFA_PARTITION_INFO_GET:	/* no partitions */
	case FFA_RX_RELEASE:
		return ffa_ret(f, FFA_SUCCESS, 0, 0, 0);
	case FFA_MEM_SHARE:
	case FFA_MEM_LEND:
		return ffa_mem_xfer(f);
	case FFA_MEM_RETRIEVE_REQ:
		return ffa_retrieve(f);
	case FFA_MEM_RECLAIM:
		return ffa_reclaim(f);
	}
	ffa_error(f, FFA_RET_NOT_SUPPORTED);
}

/*
 * FW_SIP_FFA_SEEN(pa): x0 = 0 (success), x1 = MEM_SHARE and MEM_LEND calls
 * that reached EL3, x2 = how many of the ranges they carried contained pa
 * (of the last FW_LOG_RANGES ranges), x3 = ranges logged in all.
 */
#define FW_SIP_FFA_SEEN		0xc2000100

static void sip_ffa_seen(struct smc_frame *f)
{
	u64 pa = f->x[1], hits = 0, i;

	for (i = 0; i < nr_ranges_seen && i < FW_LOG_RANGES; i++)
		if (pa - range_log[i].addr < range_log[i].bytes)
			hits++;
	ffa_ret(f, 0, nr_transfers_seen, hits, nr_ranges_seen);
}

/* --- dispatch ---------------------------------------------------------- */

static int is_ffa(u32 fid)
{
	u32 fn = fid & ~SMC64;

	return fn >= FFA_ERROR && fn <= 0x8400008f;
}

static void smc(struct smc_frame *f)
{
	u32 fid = f->x[0];
	s64 ret;

	if (is_ffa(fid))
		return ffa_call(f, fid);

	/* SMC32 arguments are the low halves of the registers. */
	if (!(fid & SMC64)) {
		f->x[1] &= 0xffffffff;
		f->x[2] &= 0xffffffff;
		f->x[3] &= 0xffffffff;
	}

	switch (fid) {
	case PSCI_VERSION:
		ret = 0x10000;
		break;
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND | SMC64:
		/*
		 * Every state is standby: wake on the next interrupt. A
		 * powerdown request that returns SUCCESS is allowed and
		 * means no context was lost.
		 */
		dsb();
		asm volatile("wfi");
		ret = PSCI_SUCCESS;
		break;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | SMC64:
		ret = psci_cpu_on(f->x[1], f->x[2], f->x[3]);
		break;
	case PSCI_CPU_OFF:
		cpu_power[this_cpu()] = CPU_OFF;
		dsb();
		el3_cpu_off(this_cpu());
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | SMC64:
		ret = psci_affinity_info(f->x[1], f->x[2]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = 2;			/* no trusted OS to migrate */
		break;
	case PSCI_SYSTEM_OFF:
		gpio_power(GPIO_POWEROFF);
	case PSCI_SYSTEM_RESET:
		gpio_power(GPIO_RESET);
	case PSCI_FEATURES:
		ret = psci_features(f->x[1]);
		break;
	case SMCCC_VERSION:
		ret = 0x10002;
		break;
	case FW_SIP_FFA_SEEN:
		return sip_ffa_seen(f);
	default:
		/* SMCCC_RET_NOT_SUPPORTED, also for every SMCCC_ARCH_FEATURES query */
		ret = PSCI_NOT_SUPPORTED;
	}
	f->x[0] = (u64)ret;
}

void el3_sync_lower(struct smc_frame *f)
{
	u64 esr = read_sysreg(esr_el3);

	if (esr >> 26 == 0x17) {			/* SMC from AArch64 */
		smc(f);
		return;
	}
	uart_puts("el3-ffa-stub: unexpected trap to EL3, ESR ");
	uart_puthex(esr);
	uart_puts(" ELR ");
	uart_puthex(read_sysreg(elr_el3));
	uart_puts("\n");
	gpio_power(GPIO_POWEROFF);
}

void el3_unexpected(struct smc_frame *f)
{
	(void)f;
	uart_puts("el3-ffa-stub: unexpected exception at EL3, ESR ");
	uart_puthex(read_sysreg(esr_el3));
	uart_puts(" ELR ");
	uart_puthex(read_sysreg(elr_el3));
	uart_puts("\n");
	gpio_power(GPIO_POWEROFF);
}

/* Stacks for start.S, in secure RAM. */
unsigned char fw_stacks[FW_MAX_CPUS * 4096] __aligned(16);
