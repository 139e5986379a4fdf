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

/* The largest host queue taken (Linux's); the ITS's queue has the host's size. */
#define ITS_QUEUE_SIZE		SZ_64K
/* Per table: 8192 device IDs or collections with 8-byte entries. */
#define ITS_TABLE_SIZE		SZ_64K
/* The tables the hypervisor gives the ITS: devices and collections. */
#define ITS_NR_TABLES		2
#define ITS_CMD_BYTES		32
#define ITS_MAX_ITTS		128
#define ITS_MAX_RETIRED		16
/* The largest ITT or host queue pinned: bounds the work of one command. */
#define ITS_MAX_PIN_PAGES	64
/* Pages shared with the hypervisor on the host's behalf, at most. */
#define ITS_MAX_SHARED		256
/* ITSs on one machine the hypervisor can mediate. */
#define PKVM_MAX_ITS		1

#define GITS_CWRITER_OFFSET	GENMASK_ULL(19, 5)
#define GITS_CREADR_STALLED	BIT_ULL(0)
#define GITS_CWRITER_RETRY	BIT_ULL(0)
#define GITS_CBASER_SIZE	GENMASK_ULL(7, 0)
#define GITS_BASER_ADDRESS	GENMASK_ULL(47, 12)
#define GITS_BASER_PAGES	GENMASK_ULL(7, 0)
/* What the ITS decides in GITS_BASERn, whatever the host writes. */
#define GITS_BASER_ITS_FIELDS	(GENMASK_ULL(58, 56) | GITS_BASER_ENTRY_SIZE_MASK | \
				 GITS_BASER_SHAREABILITY_MASK)
#define ITS_CMD_NUMBER		GENMASK_ULL(7, 0)
#define ITS_CMD_DEVICE_ID	GENMASK_ULL(63, 32)
#define ITS_CMD_MAPD_SIZE	GENMASK_ULL(4, 0)
#define ITS_CMD_MAPD_ITT	GENMASK_ULL(51, 8)
#define ITS_CMD_MAPD_VALID	BIT_ULL(63)

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
	u32 nr_device_ids;	/* the hypervisor's device table holds */
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

/*
 * The pages its_pin() shared on the host's behalf, given back once nothing
 * pins them. Under the region lock: there is one ITS.
 */
static u64 its_shared_pfns[ITS_MAX_SHARED];
static unsigned int its_nr_shared;

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
 * Pages the host owns are shared on its behalf first, and given back by
 * its_unpin(); a page shared already (another ITT in it) only gains a pin.
 */
static int its_pin(struct its_pinned *pin, u64 phys, u64 size)
{
	u64 start = ALIGN_DOWN(phys, PAGE_SIZE);
	u64 end = PAGE_ALIGN(phys + size);
	unsigned int nr_shared = its_nr_shared;
	int ret = -EPERM;
	u64 cur;

	if (!size || end <= start || end - start > ITS_MAX_PIN_PAGES * PAGE_SIZE)
		return -EINVAL;

	for (cur = start; cur < end; cur += PAGE_SIZE) {
		if (!addr_is_memory(cur))
			goto unshare;
		if (__pkvm_host_share_hyp(hyp_phys_to_pfn(cur)))
			continue;
		its_shared_pfns[its_nr_shared++] = hyp_phys_to_pfn(cur);
		if (its_nr_shared == ITS_MAX_SHARED)
			goto unshare;
	}

	ret = hyp_pin_shared_mem(hyp_phys_to_virt(start), hyp_phys_to_virt(end));
	if (ret)
		goto unshare;

	pin->phys = start;
	pin->size = end - start;
	return 0;

unshare:
	while (its_nr_shared > nr_shared)
		__pkvm_host_unshare_hyp(its_shared_pfns[--its_nr_shared]);
	return ret;
}

static void its_unpin(struct its_pinned *pin)
{
	u64 first = hyp_phys_to_pfn(pin->phys);
	u64 last = hyp_phys_to_pfn(pin->phys + pin->size);
	unsigned int i = 0;

	if (!pin->size)
		return;
	hyp_unpin_shared_mem(hyp_phys_to_virt(pin->phys),
			     hyp_phys_to_virt(pin->phys + pin->size));
	pin->size = 0;

	/* Unsharing fails while another pin holds the page. */
	while (i < its_nr_shared) {
		u64 pfn = its_shared_pfns[i];

		if (pfn >= first && pfn < last && !__pkvm_host_unshare_hyp(pfn))
			its_shared_pfns[i] = its_shared_pfns[--its_nr_shared];
		else
			i++;
	}
}

/* Had the ITS run every command it was given, none in error, at @creadr? */
static bool its_drained_at(const struct pkvm_its *its, u64 creadr)
{
	return !(creadr & GITS_CREADR_STALLED) &&
	       (creadr & GITS_CWRITER_OFFSET) ==
	       (readq_relaxed(its->base + GITS_CWRITER) & GITS_CWRITER_OFFSET);
}

static bool its_drained(const struct pkvm_its *its)
{
	return its_drained_at(its, readq_relaxed(its->base + GITS_CREADR));
}

/*
 * Unpin the retired ITTs if the ITS had run every command it was given at
 * @creadr, the value the host is about to see: the host frees an ITT once
 * it sees the unmap done.
 */
static void its_release_retired(struct pkvm_its *its, u64 creadr)
{
	unsigned int i;

	if (!its->nr_retired || !its_drained_at(its, creadr))
		return;

	for (i = 0; i < ITS_MAX_RETIRED; i++)
		its_unpin(&its->retired[i]);
	its->nr_retired = 0;
}

/*
 * An ITT the ITS may still use until it has run the commands queued so
 * far. With no slot left (a replayed history unmaps many devices before
 * anything drains), it stays pinned for good: safe, and only the host's
 * loss.
 */
static void its_retire(struct pkvm_its *its, struct its_pinned *pin)
{
	unsigned int i;

	for (i = 0; i < ITS_MAX_RETIRED; i++) {
		if (!its->retired[i].size) {
			its->retired[i] = *pin;
			its->nr_retired++;
			break;
		}
	}
	pin->size = 0;
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
	u32 device_id = FIELD_GET(ITS_CMD_DEVICE_ID, cmd[0]);
	u32 bits = FIELD_GET(ITS_CMD_MAPD_SIZE, cmd[1]) + 1;
	u64 itt = cmd[2] & ITS_CMD_MAPD_ITT;
	struct its_itt *old = its_find_itt(its, device_id);
	struct its_itt *slot = old;
	struct its_pinned pin = {};
	unsigned int i;

	if (!(cmd[2] & ITS_CMD_MAPD_VALID)) {
		if (old)
			its_retire(its, &old->mem);
		return true;
	}

	if (bits > its->id_bits || device_id >= its->nr_device_ids)
		return false;
	for (i = 0; !slot && i < ITS_MAX_ITTS; i++) {
		if (!its->itts[i].mem.size)
			slot = &its->itts[i];
	}
	if (!slot || its_pin(&pin, itt, (u64)its->ite_size << bits))
		return false;
	if (old)
		its_retire(its, &old->mem);

	slot->device_id = device_id;
	slot->mem = pin;
	return true;
}

static bool its_check_command(struct pkvm_its *its, const u64 *cmd)
{
	switch (FIELD_GET(ITS_CMD_NUMBER, cmd[0])) {
	case GITS_CMD_MAPD:
		return its_check_mapd(its, cmd);
	/*
	 * These name IDs, which the ITS checks against its tables, and a
	 * redistributor by number (GITS_TYPER.PTA is 0): no memory.
	 */
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

static u64 its_next(const struct pkvm_its *its, u64 offset)
{
	offset += ITS_CMD_BYTES;
	return offset == its->queue_size ? 0 : offset;
}

/*
 * Copy the host's commands from the shadowed CWRITER up to @val into the
 * ITS's queue, each read once, then checked; then let the ITS run them.
 * Never over one the ITS has not run yet: it may be the unmap that lets
 * an ITT go.
 */
static bool its_write_cwriter(struct pkvm_its *its, u64 val)
{
	u64 offset = val & GITS_CWRITER_OFFSET;
	u64 cur = its->cwriter & GITS_CWRITER_OFFSET;
	u64 *host_queue, *queue = its_hyp_queue(its);
	u64 creadr, room;

	if (!(its->cbaser & GITS_CBASER_VALID) || offset >= its->queue_size)
		return false;
	creadr = readq_relaxed(its->base + GITS_CREADR) & GITS_CWRITER_OFFSET;
	room = (creadr + its->queue_size - cur - ITS_CMD_BYTES) % its->queue_size;
	if ((offset + its->queue_size - cur) % its->queue_size > room)
		return false;

	host_queue = hyp_phys_to_virt(GITS_CBASER_ADDRESS(its->cbaser));
	for (; cur != offset; cur = its_next(its, cur)) {
		u64 *dst = queue + cur / sizeof(u64);
		u64 cmd[ITS_CMD_BYTES / sizeof(u64)];
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(cmd); i++)
			cmd[i] = READ_ONCE(host_queue[cur / sizeof(u64) + i]);
		if (!its_check_command(its, cmd)) {
			pkvm_protected_mmio_refused(its->region);
			/* SYNC to processor 0: a command that does nothing. */
			memset(cmd, 0, sizeof(cmd));
			cmd[0] = GITS_CMD_SYNC;
		}
		memcpy(dst, cmd, sizeof(cmd));
		kvm_flush_dcache_to_poc(dst, sizeof(cmd));
	}

	its->cwriter = val & (GITS_CWRITER_OFFSET | GITS_CWRITER_RETRY);
	writeq(its->cwriter, its->base + GITS_CWRITER);
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
 * Point the ITS at the hypervisor's queue, emptied, with the attributes
 * the host asked for. The ITS resets GITS_CREADR to 0; so is GITS_CWRITER,
 * or the ITS would run the old queue's commands again.
 */
static void its_load_cbaser(struct pkvm_its *its)
{
	u64 val = its->cbaser & ~(GITS_CBASER_SIZE | GENMASK_ULL(51, 12));

	memset(its_hyp_queue(its), 0, ITS_QUEUE_SIZE);
	kvm_flush_dcache_to_poc(its_hyp_queue(its), ITS_QUEUE_SIZE);
	val |= __hyp_pa(its_hyp_queue(its));
	val |= FIELD_PREP(GITS_CBASER_SIZE, its->queue_size / SZ_4K - 1);
	writeq_relaxed(val, its->base + GITS_CBASER);
	writeq_relaxed(0, its->base + GITS_CWRITER);
}

static bool its_write_cbaser(struct pkvm_its *its, u64 val)
{
	struct its_pinned pin = {};
	u64 size = its_cbaser_size(val);

	/* Abandoned commands may be the unmap that lets an ITT go. */
	if (!its_quiescent(its) || !its_drained(its))
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

/* The device table starts empty: no ITT is the ITS's any more. */
static void its_forget_devices(struct pkvm_its *its)
{
	unsigned int i;

	for (i = 0; i < ITS_MAX_ITTS; i++)
		its_unpin(&its->itts[i].mem);
	for (i = 0; i < ITS_MAX_RETIRED; i++)
		its_unpin(&its->retired[i]);
	its->nr_retired = 0;
}

/*
 * The ITS's table n, on an ITS that is off: the hypervisor's own, empty,
 * flat, in 4 KiB pages, with the attributes and validity the host asked
 * for. A table of another type (GICv4's vPE table), or on an ITS that
 * takes no 4 KiB pages, is left invalid: the host asking for a valid one
 * is refused.
 */
static bool its_load_baser(struct pkvm_its *its, unsigned int n, u64 val)
{
	void __iomem *reg = its->base + GITS_BASER + n * sizeof(u64);
	void *table = its_hyp_table(its, n);
	u64 real = val & ~(GITS_BASER_INDIRECT | GITS_BASER_ADDRESS |
			   GITS_BASER_PAGE_SIZE_MASK | GITS_BASER_PAGES);

	writeq_relaxed(0, reg);
	if (!table)
		return !(val & GITS_BASER_VALID);

	memset(table, 0, ITS_TABLE_SIZE);
	kvm_flush_dcache_to_poc(table, ITS_TABLE_SIZE);
	real |= __hyp_pa(table) | GITS_BASER_PAGE_SIZE_4K |
		FIELD_PREP(GITS_BASER_PAGES, ITS_TABLE_SIZE / SZ_4K - 1);
	writeq_relaxed(real, reg);
	real = readq_relaxed(reg);
	if ((real & GITS_BASER_PAGE_SIZE_MASK) != GITS_BASER_PAGE_SIZE_4K) {
		writeq_relaxed(0, reg);
		return !(val & GITS_BASER_VALID);
	}

	if (GITS_BASER_TYPE(real) == GITS_BASER_TYPE_DEVICE) {
		its->nr_device_ids = (real & GITS_BASER_VALID) ?
				     ITS_TABLE_SIZE / GITS_BASER_ENTRY_SIZE(real) : 0;
		its_forget_devices(its);
	}
	return true;
}

/*
 * The size of the table a GITS_BASERn value names, at @phys; 0 for a
 * reserved page size. With 64 KiB pages, bits [15:12] are address bits
 * [51:48].
 */
static u64 its_baser_table(u64 val, u64 *phys)
{
	switch (val & GITS_BASER_PAGE_SIZE_MASK) {
	case GITS_BASER_PAGE_SIZE_4K:
		*phys = val & GITS_BASER_ADDRESS;
		return GITS_BASER_NR_PAGES(val) * SZ_4K;
	case GITS_BASER_PAGE_SIZE_16K:
		*phys = val & GENMASK_ULL(47, 14);
		return GITS_BASER_NR_PAGES(val) * SZ_16K;
	case GITS_BASER_PAGE_SIZE_64K:
		*phys = GITS_BASER_ADDR_48_to_52(val);
		return GITS_BASER_NR_PAGES(val) * SZ_64K;
	default:
		return 0;
	}
}

/*
 * The ITS only ever gets the hypervisor's table, but a valid table the
 * host names must be memory it owns when it writes the register: one it
 * could have given the ITS. A table in the hypervisor's memory is
 * refused, not just ignored.
 */
static bool its_write_baser(struct pkvm_its *its, unsigned int n, u64 val)
{
	u64 phys, size;

	if (!its_quiescent(its) || !its_drained(its))
		return false;
	if (val & GITS_BASER_VALID) {
		size = its_baser_table(val, &phys);
		if (!size || !host_owns_range_exclusive(phys, size))
			return false;
	}
	if (!its_load_baser(its, n, val))
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
		val = readq_relaxed(its->base + GITS_CREADR);
		its_release_retired(its, val);
		return val;
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

/* Wait at most 10 ms of the generic counter for @done. */
static bool its_wait(struct pkvm_its *its, bool (*done)(const struct pkvm_its *))
{
	u64 end = read_sysreg(cntpct_el0) + read_sysreg(cntfrq_el0) / 100;

	while (!done(its)) {
		if (read_sysreg(cntpct_el0) > end)
			return false;
		cpu_relax();
	}
	return true;
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
	/* The history is replayed from offset 0, into a queue as large. */

	if (its->queue_size > ITS_QUEUE_SIZE)
		return -E2BIG;
	ret = its_pin(&its->host_queue, GITS_CBASER_ADDRESS(cbaser), its->queue_size);
	if (ret)
		return ret;
	if (!its_history_complete(its, cwriter)) {
		its_unpin(&its->host_queue);
		return -ENODATA;
	}

	its_load_cbaser(its);
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

	/* The SYNC that stands for a refused command names processor 0. */
	if (typer & GITS_TYPER_PTA)
		return -EOPNOTSUPP;
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
		/* A vPE table (GICv4) is turned off: GICv4 is refused. */
		if (!its_load_baser(its, n, val) && its_hyp_table(its, n))
			return -EINVAL;
	}

	ret = its_take_over_queue(its);
	if (ret)
		return ret;

	writel_relaxed(ctlr, its->base + GITS_CTLR);
	return 0;
}

/*
 * Fail closed: an ITS not taken over whole is turned off, its tables and
 * queue invalid (they may still be host memory), and refused to the host.
 */
static void its_disable(void __iomem *base)
{
	u64 end = read_sysreg(cntpct_el0) + read_sysreg(cntfrq_el0) / 100;
	unsigned int n;

	writel_relaxed(0, base + GITS_CTLR);
	/* An ITS that does not stop may go on using memory the host can give away. */
	while (!(readl_relaxed(base + GITS_CTLR) & GITS_CTLR_QUIESCENT)) {
		if (read_sysreg(cntpct_el0) > end)
			hyp_panic();
		cpu_relax();
	}
	for (n = 0; n < GITS_BASER_NR_REGS; n++)
		writeq_relaxed(0, base + GITS_BASER + n * sizeof(u64));
	writeq_relaxed(0, base + GITS_CBASER);
}

static void pkvm_its_take_over(unsigned int region)
{
	void __iomem *base = pkvm_protected_mmio_regs(region);
	struct pkvm_its *its;

	if (pkvm_nr_its >= PKVM_MAX_ITS) {
		its_disable(base);
		return;
	}

	its = &pkvm_its[pkvm_nr_its++];
	its->region = region;
	its->base = base;
	its_of_region[region] = its;
	if (its_take_over(its)) {
		its->state = ITS_BROKEN;
		its_disable(base);
		return;
	}
	its->state = ITS_TAKEN;
}

static bool its_mem_has(const void *mem, size_t size, phys_addr_t addr)
{
	phys_addr_t start = __hyp_pa(mem);

	return addr >= start && addr - start < size;
}

/*
 * The hypervisor's queue and tables for this ITS, taken over or refused:
 * the host has no business with either.
 */
static bool pkvm_its_holds(unsigned int region, phys_addr_t addr)
{
	const struct pkvm_its *its = its_of_region[region];

	if (!its)
		return false;
	return its_mem_has(its_hyp_queue(its), ITS_QUEUE_SIZE, addr) ||
	       its_mem_has(its_tables[its_index(its)], sizeof(its_tables[0]), addr);
}

const struct pkvm_mmio_handler pkvm_mmio_its_handler = {
	.take_over = pkvm_its_take_over,
	.access	= pkvm_its_access,
	.holds	= pkvm_its_holds,
};
