/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel allows, found by looking (BTF, capabilities) and
 * by loading tiny programs -- never by kernel version.
 */
#ifndef LABYTRACE_PROBE_H
#define LABYTRACE_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

/*
 * BPF_PROG_LOAD prog_flags: recursion protection per interrupt context for
 * raw tracepoint programs (raw_tp, tp_btf), a patch of the __GFP_EXCLUSIVE
 * series; kernels without it refuse the flag (EINVAL).
 */
#ifndef BPF_F_RECURSION_PER_CONTEXT
#define BPF_F_RECURSION_PER_CONTEXT (1U << 8)
#endif

struct features {
	struct btf *btf;		/* vmlinux BTF */
	bool tp_latency;		/* kmem:mm_page_alloc_latency */
	bool tp_page_alloc;		/* kmem:mm_page_alloc */
	bool tp_acquire, tp_transfer, tp_release, tp_violation;
	/*
	 * Raw tracepoint programs may nest in another context on their CPU
	 * (BPF_F_RECURSION_PER_CONTEXT); else a program's event that arrives
	 * while it runs on that CPU is skipped, a recursion miss.
	 */
	bool recursion_per_ctx;
	int recursion_err;		/* the probe's -errno, when not */
	const char *alloc_func;		/* fentry target (kbtf_alloc_entry) */
	int fentry_err;			/* 0, or -errno of the fentry probe */
	bool ctx_ksym;			/* per-CPU preempt count loadable */
	const char *ctx_why;		/* why not */
	/* where the preempt count keeps hardirq and NMI (kbtf_ctx_layout) */
	unsigned int ctx_hardirq_mask, ctx_nmi_mask;
	unsigned int page_size;		/* sizeof(struct page) */
};

/* 0, or -EPERM with the missing capabilities named in @why. */
int probe_privileges(char *why, size_t len);
#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/*
 * Loads vmlinux BTF and fills @f; -ENOENT if the kernel has no BTF, another
 * -errno if it cannot be read.
 */
int probe_features(struct features *f);
/* Sets and returns f->fentry_err: can an fentry program attach to alloc_func? */
int probe_fentry_target(struct features *f);
void probe_free(struct features *f);
/* 0 if bpf() works at all here, else -errno. */
int probe_bpf(void);
/*
 * After a failed load: the per-CPU symbol libbpf could not look for in
 * module BTF for want of CAP_SYS_ADMIN, or NULL if that is not the cause.
 */
const char *probe_module_btf_denied(const struct features *f);

#endif
