/* SPDX-License-Identifier: GPL-2.0 */
/*
 * labytrace owners: who owns exclusive pages now, as the kernel itself
 * lists them in debugfs (page_exclusive/owners and page_exclusive/pages),
 * with each owner's oldest allocations and the stacks that acquired and
 * last transferred them.  The kernel's lists, not labytrace's held table:
 * a one-shot command must see pages acquired before it started, and the
 * kernel kept their stacks (stack depot) when they were.  Parsing is pure,
 * for the unit tests.
 */
#ifndef LABYTRACE_KOWNERS_H
#define LABYTRACE_KOWNERS_H

#include <stdio.h>
#include "labytrace.h"

#define KOWNERS_DIR "/sys/kernel/debug/page_exclusive"
#define KOWNERS_TOP_MAX 1000	/* oldest allocations kept per owner */

/* One allocation owned now, with its stacks as the kernel printed them. */
struct kpage {
	unsigned long long pfn;
	unsigned int order;
	unsigned long long age_ms;
	char *acquired;		/* frames, one a line; NULL if none */
	char *transferred;
};

struct kowner {
	unsigned int kind;		/* enum lt_ctx */
	int id;				/* tgid, CPU or object id */
	char name[LT_OWNER_NAME_LEN];	/* objects */
	unsigned long long allocations;	/* in "pages" */
	unsigned long long pages;
	long long listed_pages;		/* "owners" says; -1: not listed */
	unsigned int nr_oldest;
	struct kpage *oldest;		/* oldest first, up to top */
};

struct kowners {
	unsigned int n, top;
	struct kowner *v;
	unsigned long long allocations, pages;	/* all owners */
};

/*
 * Parse "owners" (may be NULL: a kernel without owner objects) and
 * "pages", keeping each owner's @top oldest allocations.  Owners end up
 * most pages first.  0, or -1 with a one-line reason in @why.
 */
int kowners_parse(FILE *owners, FILE *pages, unsigned int top,
		  struct kowners *k, char *why, size_t len);
void kowners_free(struct kowners *k);
/* Text; with stacks unless @brief. */
int kowners_print(FILE *f, const struct kowners *k, int brief);
/* NDJSON: one "kernel_owner" line per owner. */
int kowners_json(FILE *f, const struct kowners *k);

#endif
