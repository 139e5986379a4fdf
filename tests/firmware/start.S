/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reset entry and EL3 vectors of the test firmware (see el3.c).
 *
 * QEMU virt with secure=on starts every CPU here, at EL3, MMU off. Each CPU
 * gets its own stack in secure RAM; CPU 0 sets the machine up and enters
 * the kernel at EL2, the others wait for PSCI CPU_ON.
 */

#define STACK_SIZE	4096

	.section .text.boot, "ax"
	.globl	_start
_start:
	mrs	x0, mpidr_el1
	and	x19, x0, #0xff
	cmp	x19, #FW_MAX_CPUS
	b.hs	park_forever

	adr	x1, el3_vectors
	msr	vbar_el3, x1
	isb

	bl	set_stack
	mov	x0, x19
	bl	el3_cpu_setup
	cbnz	x19, 1f
	bl	el3_boot_primary	/* x0 = entry, x1 = argument */
	b	el3_enter_el2
1:	mov	x0, x19
	bl	el3_wait_cpu_on		/* x0 = entry, x1 = argument */
	b	el3_enter_el2

/* x19 = CPU index; sets sp to the top of that CPU's stack. */
set_stack:
	ldr	x1, =fw_stacks
	add	x2, x19, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	ret

park_forever:
	wfe
	b	park_forever

/*
 * el3_enter_el2(entry, arg): drop to EL2h with all exceptions masked, as
 * the arm64 boot protocol and PSCI CPU_ON want, x0 = arg, x1-x3 = 0.
 */
	.globl	el3_enter_el2
el3_enter_el2:
	msr	elr_el3, x0
	mov	x2, #0x3c9		/* EL2h, DAIF masked */
	msr	spsr_el3, x2
	mov	x0, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	isb
	eret

/*
 * el3_cpu_off(cpu): PSCI CPU_OFF never returns to its caller: throw the
 * SMC frame away and wait for the next CPU_ON like a CPU fresh from reset.
 */
	.globl	el3_cpu_off
el3_cpu_off:
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	el3_wait_cpu_on
	b	el3_enter_el2

/* 19 caller-saved registers and x30, as struct smc_frame in el3.c. */
#define FRAME_SIZE	(20 * 8)

.macro	save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
.endm

.macro	restore_frame
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #FRAME_SIZE
.endm

.macro	vector handler
	.balign	0x80
	save_frame
	mov	x0, sp
	bl	\handler
	restore_frame
	eret
.endm

	.balign	0x800
el3_vectors:
	vector	el3_unexpected		/* current EL, SP0 */
	vector	el3_unexpected
	vector	el3_unexpected
	vector	el3_unexpected
	vector	el3_unexpected		/* current EL, SPx */
	vector	el3_unexpected
	vector	el3_unexpected
	vector	el3_unexpected
	vector	el3_sync_lower		/* lower EL, AArch64 */
	vector	el3_unexpected
	vector	el3_unexpected
	vector	el3_unexpected
	vector	el3_unexpected		/* lower EL, AArch32 */
	vector	el3_unexpected
	vector	el3_unexpected
	vector	el3_unexpected

	.ltorg
