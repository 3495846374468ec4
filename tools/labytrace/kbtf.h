/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel's BTF says, as pure functions of a struct btf
 * so that the unit tests can hand them BTF built to the shape of any
 * kernel: the allocator's entry point for fentry/fexit, and the gfp bits.
 */
#ifndef LABYTRACE_KBTF_H
#define LABYTRACE_KBTF_H

#include <stdbool.h>

struct btf;
struct gfp_table;

/*
 * The function every page allocation goes through, for fentry/fexit
 * latency: the first of __alloc_frozen_pages_noprof (6.15+, where
 * alloc_pages_mpol() and slab call it and __alloc_pages_noprof only wraps
 * it), __alloc_pages_noprof (6.10-6.14), __alloc_pages (5.13-6.9) and
 * __alloc_pages_nodemask (older) that @btf has with the prototype the
 * programs read: (gfp_t, unsigned int order, int nid, nodemask_t *)
 * returning struct page *.  NULL if none.
 */
const char *kbtf_alloc_entry(const struct btf *btf);
/* gfp names from the ___GFP_*_BIT enumerators (6.10+); false if none. */
bool kbtf_gfp(const struct btf *btf, struct gfp_table *t);
/* Does @btf have the tracepoint @tp (its btf_trace_@tp typedef)? */
bool kbtf_has_tp(const struct btf *btf, const char *tp);
/*
 * Where the preempt count keeps hardirq and NMI.  Since 7.x counted
 * interrupt disabling takes bits 16-23, moving hardirq to 24-27 and NMI
 * above it: to bit 28 alone, or bits 28-31 where the count is a 64-bit
 * word with PREEMPT_NEED_RESCHED elsewhere (x86-64).  That change came with
 * the per-CPU local_interrupt_disable_state, whose presence says which
 * layout @btf's kernel has.
 */
void kbtf_ctx_layout(const struct btf *btf, unsigned int *hardirq_mask,
		     unsigned int *nmi_mask);

#endif
