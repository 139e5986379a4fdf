/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __KVM_NVHE_PROTECTED_MMIO_H__
#define __KVM_NVHE_PROTECTED_MMIO_H__

#include <asm/kvm_pgtable.h>

int pkvm_protected_mmio_map_hyp(void);
int pkvm_protected_mmio_take_from_host(void);
int host_stage2_unmap_dev_range(struct kvm_pgtable *pgt, u64 start, u64 end);
bool pkvm_protected_mmio_overlaps(u64 start, u64 end);
bool host_protected_mmio_abort(u64 esr, u64 far, u64 addr);
u64 __pkvm_protected_mmio_stat(u64 stat, u64 idx);
void pkvm_protected_mmio_init_begin(void);
void pkvm_protected_mmio_init_end(void);

/* In mem_protect.c, which owns the host stage-2 page-table pool. */
int host_stage2_protect_mmio_locked(phys_addr_t addr, u64 size, bool blocks);

#endif /* __KVM_NVHE_PROTECTED_MMIO_H__ */
