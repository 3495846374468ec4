/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page * -> pfn.  The tracepoints pass struct page *, and with
 * SPARSEMEM_VMEMMAP pfn = (page - vmemmap) / sizeof(struct page); vmemmap
 * is randomized (vmemmap_base) and rarely in kallsyms, so labytrace learns
 * it: it records the struct page * of a few of its own page allocations and
 * reads their pfns from /proc/self/pagemap.  The base that most pairs agree
 * on wins; with no majority, pfns are not shown.
 */
#ifndef LABYTRACE_PFN_H
#define LABYTRACE_PFN_H

#define PFN_UNKNOWN (~0ULL)

/* 0 and *base set, or -1 if no base is shared by more than half the pfns. */
int pfn_calibrate(const unsigned long long *pages, int nr_pages,
		  const unsigned long long *pfns, int nr_pfns,
		  unsigned int page_size, unsigned long long *base);
/* PFN_UNKNOWN without a base, or for a pointer below it. */
unsigned long long pfn_of(unsigned long long page, unsigned long long base,
			  unsigned int page_size);

#endif
