/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __KVM_NVHE_PROTECTED_MMIO_H__
#define __KVM_NVHE_PROTECTED_MMIO_H__

#include <linux/types.h>

int pkvm_protected_mmio_init(void);
unsigned long pkvm_protected_mmio_hyp_va(phys_addr_t phys);
void pkvm_protected_mmio_note_denied(phys_addr_t phys);
u64 __pkvm_protected_mmio_stat(u64 stat, u64 idx);

#endif /* __KVM_NVHE_PROTECTED_MMIO_H__ */
