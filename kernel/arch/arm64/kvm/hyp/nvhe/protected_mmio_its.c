// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL2 handler of the GICv3 ITS ("arm,gic-v3-its").
 *
 * The ITS is a DMA master: it reads its command queue, and reads and writes
 * its device table, its collection table and the ITT of each device, all at
 * physical addresses the host programs. A host that programs them can make
 * the ITS write hypervisor or guest memory. With the ITS mediated, the
 * host's driver works unchanged, but the ITS only ever uses:
 *
 * - a command queue and device and collection tables in the hypervisor's
 *   own memory. The host's GITS_CBASER, GITS_BASERn and GITS_CWRITER are
 *   shadowed: the host reads back what it wrote, and its own queue and
 *   tables are never given to the ITS. When the host moves CWRITER, each
 *   new command is copied from the host's queue, checked, and written to
 *   the hypervisor's queue before the real CWRITER moves; a command
 *   rewritten afterwards changes nothing. A refused command is replaced
 *   with a SYNC, so that the ITS, and the host waiting on CREADR, move
 *   past it; it is counted as a denied access of the region.
 * - ITTs in host memory that the hypervisor pins shared for as long as the
 *   ITS may write them: the host can then give them neither to a guest nor
 *   to the hypervisor. An ITT anywhere else refuses its MAPD.
 *
 * GICv4 commands (vPEs and virtual LPIs) are refused: nothing checks their
 * tables yet. Two-level tables are not offered (GITS_BASERn.Indirect reads
 * as 0): the host would write the level-1 entries, pointers the ITS would
 * follow unchecked.
 *
 * The host probes the ITS, and may map devices, before it loses direct
 * access, while it is still trusted. At that moment the hypervisor moves
 * the ITS onto its own queue and tables, and has it run the host's command
 * history again, checked.
 */

#include <linux/irqchip/arm-gic-v3.h>
#include <linux/kvm_host.h>

#include <asm/kvm_mmu.h>
#include <asm/kvm_pkvm_mmio.h>

#include <nvhe/mem_protect.h>
#include <nvhe/memory.h>
#include <nvhe/mm.h>
#include <nvhe/protected_mmio.h>

/* The largest host queue, Linux's: the ITS's queue has the host's size. */
#define ITS_QUEUE_SIZE		SZ_64K
/* Per table: 8192 device IDs or collections with 8-byte entries. */
#define ITS_TABLE_SIZE		SZ_64K
/* The tables the hypervisor gives the ITS: devices and collections. */
#define ITS_NR_TABLES		2
#define ITS_CMD_SIZE		32
#define ITS_MAX_ITTS		128
#define ITS_MAX_RETIRED		16
/* ITSs on one machine the hypervisor can mediate. */
#define PKVM_MAX_ITS		1

#define GITS_CWRITER_OFFSET	GENMASK_ULL(19, 5)
#define GITS_CWRITER_RETRY	BIT_ULL(0)
#define GITS_CBASER_SIZE	GENMASK_ULL(7, 0)
#define GITS_BASER_ADDRESS	GENMASK_ULL(47, 12)
#define GITS_BASER_PAGES	GENMASK_ULL(7, 0)
/* What the ITS decides in GITS_BASERn, whatever the host writes. */
#define GITS_BASER_ITS_FIELDS	(GENMASK_ULL(58, 56) | GITS_BASER_ENTRY_SIZE_MASK | \
				 GITS_BASER_SHAREABILITY_MASK)
#define ITS_CMD_MAPD_SIZE	GENMASK_ULL(4, 0)
#define ITS_CMD_MAPD_ITT	GENMASK_ULL(51, 8)
#define ITS_CMD_MAPD_VALID	BIT_ULL(63)
#define ITS_POLL_LOOPS		1000000

/* Host memory pinned shared, while the ITS may write it. */
struct its_pinned {
	u64 phys;
	u64 size;		/* 0: nothing pinned */
};

struct its_itt {
	u32 device_id;
	struct its_pinned mem;
};

struct pkvm_its {
	enum { ITS_TAKEN = 1, ITS_BROKEN } state;
	void __iomem *base;
	unsigned int region;
	u32 ite_size;
	u32 id_bits;
	u64 cbaser;		/* the host's GITS_CBASER */
	u64 queue_size;		/* of the host's queue */
	u64 cwriter;		/* the host's GITS_CWRITER: copied up to here */
	struct its_pinned host_queue;
	u64 baser[GITS_BASER_NR_REGS];	/* the host's GITS_BASERn */
	struct its_itt itts[ITS_MAX_ITTS];
	/* ITTs unmapped by commands the ITS may not have run yet. */
	struct its_pinned retired[ITS_MAX_RETIRED];
	unsigned int nr_retired;
};

static struct pkvm_its pkvm_its[PKVM_MAX_ITS];
static struct pkvm_its *its_of_region[PKVM_PROTECTED_MMIO_MAX_REGIONS];
static unsigned int pkvm_nr_its;

/* The ITS wants them aligned to its 4 KiB pages. */
static u8 its_queue[PKVM_MAX_ITS][ITS_QUEUE_SIZE] __aligned(SZ_4K);
static u8 its_tables[PKVM_MAX_ITS][ITS_NR_TABLES][ITS_TABLE_SIZE] __aligned(SZ_4K);

static unsigned int its_index(const struct pkvm_its *its)
{
	return its - pkvm_its;
}

static void *its_hyp_queue(const struct pkvm_its *its)
{
	return its_queue[its_index(its)];
}

/* The hypervisor's table for GITS_BASERn, if it has one for its type. */
static void *its_hyp_table(const struct pkvm_its *its, unsigned int n)
{
	u64 val = readq_relaxed(its->base + GITS_BASER + n * sizeof(u64));

	switch (GITS_BASER_TYPE(val)) {
	case GITS_BASER_TYPE_DEVICE:
		return its_tables[its_index(its)][0];
	case GITS_BASER_TYPE_COLLECTION:
		return its_tables[its_index(its)][1];
	default:
		return NULL;
	}
}

/*
 * Pin [@phys, @phys + @size) shared with the hypervisor: host memory that
 * the host keeps using, but can no longer donate or lend while pinned.
 * Pages the host owns are shared on its behalf first; a page shared
 * already (another ITT in it) only gains a pin.
 */
static int its_pin(struct its_pinned *pin, u64 phys, u64 size)
{
	u64 start = ALIGN_DOWN(phys, PAGE_SIZE);
	u64 end = PAGE_ALIGN(phys + size);
	u64 cur;
	int ret;

	if (!size || end <= start)
		return -EINVAL;

	for (cur = start; cur < end; cur += PAGE_SIZE) {
		if (!addr_is_memory(cur))
			return -EPERM;
		/* Fails for a page shared already, which the pin accepts. */
		__pkvm_host_share_hyp(hyp_phys_to_pfn(cur));
	}

	ret = hyp_pin_shared_mem(hyp_phys_to_virt(start), hyp_phys_to_virt(end));
	if (ret)
		return ret;

	pin->phys = start;
	pin->size = end - start;
	return 0;
}

static void its_unpin(struct its_pinned *pin)
{
	if (!pin->size)
		return;
	hyp_unpin_shared_mem(hyp_phys_to_virt(pin->phys),
			     hyp_phys_to_virt(pin->phys + pin->size));
	pin->size = 0;
}

static bool its_drained(const struct pkvm_its *its)
{
	return (readq_relaxed(its->base + GITS_CREADR) & GITS_CWRITER_OFFSET) ==
	       (readq_relaxed(its->base + GITS_CWRITER) & GITS_CWRITER_OFFSET);
}

/* Unpin the retired ITTs once the ITS has run every command it was given. */
static void its_release_retired(struct pkvm_its *its)
{
	unsigned int i;

	if (!its->nr_retired || !its_drained(its))
		return;

	for (i = 0; i < ITS_MAX_RETIRED; i++)
		its_unpin(&its->retired[i]);
	its->nr_retired = 0;
}

static bool its_retire(struct pkvm_its *its, struct its_pinned *pin)
{
	unsigned int i;

	for (i = 0; i < ITS_MAX_RETIRED; i++) {
		if (!its->retired[i].size) {
			its->retired[i] = *pin;
			its->nr_retired++;
			pin->size = 0;
			return true;
		}
	}
	return false;
}

static struct its_itt *its_find_itt(struct pkvm_its *its, u32 device_id)
{
	unsigned int i;

	for (i = 0; i < ITS_MAX_ITTS; i++) {
		if (its->itts[i].mem.size && its->itts[i].device_id == device_id)
			return &its->itts[i];
	}
	return NULL;
}

/*
 * MAPD: the ITS will write the ITT, so it must be host memory, pinned
 * until the device is unmapped and the ITS has run the unmap. Unmapping
 * or remapping retires the old ITT.
 */
static bool its_check_mapd(struct pkvm_its *its, const u64 *cmd)
{
	u32 device_id = upper_32_bits(cmd[0]);
	u32 bits = FIELD_GET(ITS_CMD_MAPD_SIZE, cmd[1]) + 1;
	u64 itt = cmd[2] & ITS_CMD_MAPD_ITT;
	struct its_itt *old = its_find_itt(its, device_id);
	struct its_itt *slot = old;
	struct its_pinned pin = {};
	unsigned int i;

	if (!(cmd[2] & ITS_CMD_MAPD_VALID))
		return !old || its_retire(its, &old->mem);

	if (bits > its->id_bits)
		return false;
	for (i = 0; !slot && i < ITS_MAX_ITTS; i++) {
		if (!its->itts[i].mem.size)
			slot = &its->itts[i];
	}
	if (!slot || its_pin(&pin, itt, (u64)its->ite_size << bits))
		return false;
	if (old && !its_retire(its, &old->mem)) {
		its_unpin(&pin);
		return false;
	}

	slot->device_id = device_id;
	slot->mem = pin;
	return true;
}

static bool its_check_command(struct pkvm_its *its, const u64 *cmd)
{
	switch (cmd[0] & 0xff) {
	case GITS_CMD_MAPD:
		return its_check_mapd(its, cmd);
	/* These name IDs only; the ITS checks them against its tables. */
	case GITS_CMD_MAPC:
	case GITS_CMD_MAPTI:
	case GITS_CMD_MAPI:
	case GITS_CMD_MOVI:
	case GITS_CMD_DISCARD:
	case GITS_CMD_INV:
	case GITS_CMD_MOVALL:
	case GITS_CMD_INVALL:
	case GITS_CMD_INT:
	case GITS_CMD_CLEAR:
	case GITS_CMD_SYNC:
		return true;
	default:
		return false;
	}
}

/*
 * Copy the host's commands from the shadowed CWRITER up to @offset into
 * the ITS's queue, each read once, then checked; then let the ITS run them.
 */
static bool its_write_cwriter(struct pkvm_its *its, u64 val)
{
	u64 offset = val & GITS_CWRITER_OFFSET;
	u64 *host_queue, *queue = its_hyp_queue(its);
	u64 cur;

	if (!(its->cbaser & GITS_CBASER_VALID) || offset >= its->queue_size)
		return false;

	host_queue = hyp_phys_to_virt(GITS_CBASER_ADDRESS(its->cbaser));
	for (cur = its->cwriter & GITS_CWRITER_OFFSET; cur != offset;
	     cur = (cur + ITS_CMD_SIZE) & (its->queue_size - 1)) {
		u64 *dst = queue + cur / sizeof(u64);
		u64 cmd[ITS_CMD_SIZE / sizeof(u64)];
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(cmd); i++)
			cmd[i] = READ_ONCE(host_queue[cur / sizeof(u64) + i]);
		if (!its_check_command(its, cmd)) {
			pkvm_protected_mmio_refused(its->region);
			memset(cmd, 0, sizeof(cmd));
			cmd[0] = GITS_CMD_SYNC;
			/* RDbase 0: the first redistributor, or CPU 0. */
		}
		memcpy(dst, cmd, sizeof(cmd));
		kvm_flush_dcache_to_poc(dst, sizeof(cmd));
	}

	its->cwriter = val & (GITS_CWRITER_OFFSET | GITS_CWRITER_RETRY);
	writeq(val & (GITS_CWRITER_OFFSET | GITS_CWRITER_RETRY),
	       its->base + GITS_CWRITER);
	return true;
}

static bool its_quiescent(const struct pkvm_its *its)
{
	u32 ctlr = readl_relaxed(its->base + GITS_CTLR);

	return !(ctlr & GITS_CTLR_ENABLE) && (ctlr & GITS_CTLR_QUIESCENT);
}

static u64 its_cbaser_size(u64 cbaser)
{
	return (FIELD_GET(GITS_CBASER_SIZE, cbaser) + 1) * SZ_4K;
}

/*
 * Point the ITS at the hypervisor's queue, with the attributes the host
 * asked for. The ITS resets GITS_CREADR to 0.
 */
static void its_load_cbaser(struct pkvm_its *its)
{
	u64 val = its->cbaser & ~(GITS_CBASER_SIZE | GENMASK_ULL(51, 12));

	val |= __hyp_pa(its_hyp_queue(its));
	val |= FIELD_PREP(GITS_CBASER_SIZE, its->queue_size / SZ_4K - 1);
	writeq_relaxed(val, its->base + GITS_CBASER);
}

static bool its_write_cbaser(struct pkvm_its *its, u64 val)
{
	struct its_pinned pin = {};
	u64 size = its_cbaser_size(val);

	if (!its_quiescent(its))
		return false;
	if (val & GITS_CBASER_VALID) {
		if (size > ITS_QUEUE_SIZE ||
		    its_pin(&pin, GITS_CBASER_ADDRESS(val), size))
			return false;
	}

	its_unpin(&its->host_queue);
	its->host_queue = pin;
	its->cbaser = val;
	its->queue_size = size;
	its->cwriter = 0;
	its_load_cbaser(its);
	return true;
}

/*
 * The ITS's table n: the hypervisor's own, flat, in 4 KiB pages, with the
 * attributes and validity the host asked for. A table of another type
 * (GICv4's vPE table), or on an ITS that takes no 4 KiB pages, is never
 * valid: the host asking for one is refused.
 */
static bool its_load_baser(struct pkvm_its *its, unsigned int n, u64 val)
{
	void __iomem *reg = its->base + GITS_BASER + n * sizeof(u64);
	void *table = its_hyp_table(its, n);
	u64 real = val & ~(GITS_BASER_INDIRECT | GITS_BASER_ADDRESS |
			   GITS_BASER_PAGE_SIZE_MASK | GITS_BASER_PAGES);

	if (table) {
		real |= __hyp_pa(table) | GITS_BASER_PAGE_SIZE_4K |
			FIELD_PREP(GITS_BASER_PAGES, ITS_TABLE_SIZE / SZ_4K - 1);
		writeq_relaxed(real, reg);
		if ((readq_relaxed(reg) & GITS_BASER_PAGE_SIZE_MASK) ==
		    GITS_BASER_PAGE_SIZE_4K)
			return true;
	}

	writeq_relaxed(0, reg);
	return !(val & GITS_BASER_VALID);
}

static bool its_write_baser(struct pkvm_its *its, unsigned int n, u64 val)
{
	if (!its_quiescent(its) || !its_load_baser(its, n, val))
		return false;

	its->baser[n] = val & ~GITS_BASER_INDIRECT;
	return true;
}

/* The host's view of a 64-bit register. */
static u64 its_read_reg64(struct pkvm_its *its, u64 reg)
{
	u64 val;

	switch (reg) {
	case GITS_CBASER:
		val = readq_relaxed(its->base + GITS_CBASER);
		return (val & GITS_CBASER_SHAREABILITY_MASK) |
		       (its->cbaser & ~GITS_CBASER_SHAREABILITY_MASK);
	case GITS_CWRITER:
		return its->cwriter;
	case GITS_CREADR:
		its_release_retired(its);
		return readq_relaxed(its->base + GITS_CREADR);
	case GITS_TYPER:
		return readq_relaxed(its->base + GITS_TYPER);
	default:
		/* GITS_BASERn: what the host wrote, with what the ITS decides. */
		val = readq_relaxed(its->base + reg);
		reg = (reg - GITS_BASER) / sizeof(u64);
		return (val & GITS_BASER_ITS_FIELDS) |
		       (its->baser[reg] & ~GITS_BASER_ITS_FIELDS);
	}
}

static bool its_reg64(u64 reg)
{
	return reg == GITS_TYPER || reg == GITS_CBASER || reg == GITS_CWRITER ||
	       reg == GITS_CREADR ||
	       (reg >= GITS_BASER &&
		reg < GITS_BASER + GITS_BASER_NR_REGS * sizeof(u64));
}

static bool its_reg32(u64 offset)
{
	return offset == GITS_CTLR || offset == GITS_IIDR ||
	       (offset >= GITS_IDREGS_BASE && offset < SZ_64K);
}

static bool its_read(struct pkvm_its *its, struct pkvm_mmio_access *access)
{
	u64 reg = ALIGN_DOWN(access->offset, sizeof(u64));

	if (its_reg64(reg) && (access->size == sizeof(u64) ||
			       access->size == sizeof(u32))) {
		u64 val = its_read_reg64(its, reg);

		if (access->offset != reg)
			val = upper_32_bits(val);
		access->val = val;
		return true;
	}

	if (access->size != sizeof(u32) || !its_reg32(access->offset))
		return false;
	pkvm_mmio_access_device(access);
	return true;
}

static bool its_write(struct pkvm_its *its, struct pkvm_mmio_access *access)
{
	u64 offset = access->offset;

	if (offset == GITS_CTLR || offset == GITS_TRANSLATER) {
		if (access->size != sizeof(u32))
			return false;
		pkvm_mmio_access_device(access);
		return true;
	}

	/* Linux posts commands with a 32-bit write, but sets up with 64. */
	if (offset == GITS_CWRITER && access->size >= sizeof(u32))
		return its_write_cwriter(its, access->val);

	if (access->size != sizeof(u64))
		return false;
	if (offset == GITS_CBASER)
		return its_write_cbaser(its, access->val);
	if (offset >= GITS_BASER &&
	    offset < GITS_BASER + GITS_BASER_NR_REGS * sizeof(u64))
		return its_write_baser(its, (offset - GITS_BASER) / sizeof(u64),
				       access->val);
	return false;
}

static bool pkvm_its_access(struct pkvm_mmio_access *access)
{
	struct pkvm_its *its = its_of_region[access->region];

	if (!its || its->state != ITS_TAKEN)
		return false;
	if (access->write)
		return its_write(its, access);
	return its_read(its, access);
}

static bool its_wait(struct pkvm_its *its, bool (*done)(const struct pkvm_its *))
{
	unsigned int i;

	for (i = 0; i < ITS_POLL_LOOPS; i++) {
		if (done(its))
			return true;
	}
	return false;
}


/*
 * Linux's queue starts zeroed and at offset 0: until it wraps, it holds
 * every command the host has given the ITS. It has wrapped when a slot
 * past CWRITER holds one.
 */
static bool its_history_complete(const struct pkvm_its *its, u64 cwriter)
{
	const u64 *host_queue = hyp_phys_to_virt(GITS_CBASER_ADDRESS(its->cbaser));
	u64 i;

	for (i = cwriter / sizeof(u64); i < its->queue_size / sizeof(u64); i++) {
		if (READ_ONCE(host_queue[i]))
			return false;
	}
	return true;
}

static int its_take_over_queue(struct pkvm_its *its)
{
	u64 cbaser = readq_relaxed(its->base + GITS_CBASER);
	u64 cwriter = readq_relaxed(its->base + GITS_CWRITER) & GITS_CWRITER_OFFSET;
	int ret;

	its->cbaser = cbaser;
	its->queue_size = its_cbaser_size(cbaser);
	its->cwriter = 0;
	if (!(cbaser & GITS_CBASER_VALID)) {
		its_load_cbaser(its);
		return 0;
	}

	if (its->queue_size > ITS_QUEUE_SIZE)
		return -E2BIG;
	ret = its_pin(&its->host_queue, GITS_CBASER_ADDRESS(cbaser), its->queue_size);
	if (ret)
		return ret;
	if (!its_history_complete(its, cwriter))
		return -ENODATA;

	its_load_cbaser(its);
	writeq_relaxed(0, its->base + GITS_CWRITER);
	return its_write_cwriter(its, cwriter) ? 0 : -EINVAL;
}

/*
 * Take the ITS over, the moment the host loses direct access to it: its
 * driver has set it up, and may have mapped devices, while it was still
 * trusted. The ITS gets the hypervisor's empty tables and queue, and runs
 * the host's whole command history again, through the same checks as any
 * later command: the collections and devices are mapped again, with the
 * ITTs pinned, and the ITTs still hold their events.
 */
static int its_take_over(struct pkvm_its *its)
{
	u64 typer = readq_relaxed(its->base + GITS_TYPER);
	u32 ctlr = readl_relaxed(its->base + GITS_CTLR);
	unsigned int n;
	int ret;

	its->ite_size = FIELD_GET(GITS_TYPER_ITT_ENTRY_SIZE, typer) + 1;
	its->id_bits = FIELD_GET(GITS_TYPER_IDBITS, typer) + 1;

	if (!its_wait(its, its_drained))
		return -EBUSY;
	writel_relaxed(ctlr & ~GITS_CTLR_ENABLE, its->base + GITS_CTLR);
	if (!its_wait(its, its_quiescent))
		return -EBUSY;

	for (n = 0; n < GITS_BASER_NR_REGS; n++) {
		u64 val = readq_relaxed(its->base + GITS_BASER + n * sizeof(u64));

		if (GITS_BASER_TYPE(val) == GITS_BASER_TYPE_NONE)
			continue;
		its->baser[n] = val & ~GITS_BASER_INDIRECT;
		if (!its_load_baser(its, n, val))
			return -EINVAL;
	}

	ret = its_take_over_queue(its);
	if (ret)
		return ret;

	writel_relaxed(ctlr, its->base + GITS_CTLR);
	return 0;
}

/*
 * Fail closed: an ITS not taken over whole is turned off, and refused to
 * the host. Its tables and queue may still be host memory.
 */
static void pkvm_its_take_over(unsigned int region)
{
	void __iomem *base = pkvm_protected_mmio_regs(region);
	struct pkvm_its *its;

	if (pkvm_nr_its >= PKVM_MAX_ITS)
		goto disable;
	its = &pkvm_its[pkvm_nr_its++];
	its->region = region;
	its->base = base;
	its_of_region[region] = its;
	if (!its_take_over(its)) {
		its->state = ITS_TAKEN;
		return;
	}
	its->state = ITS_BROKEN;
disable:
	writel_relaxed(0, base + GITS_CTLR);
}

const struct pkvm_mmio_handler pkvm_mmio_its_handler = {
	.take_over = pkvm_its_take_over,
	.access	= pkvm_its_access,
};
