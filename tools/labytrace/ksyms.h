/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel text symbols from /proc/kallsyms, for symbolizing stacks: sorted
 * once, then a binary search per address.  An address further than
 * KSYM_MAX_OFF past its symbol (a gap between text regions) stays hex.
 */
#ifndef LABYTRACE_KSYMS_H
#define LABYTRACE_KSYMS_H

#include <stdbool.h>
#include <stddef.h>

#define KSYM_MAX_OFF	(128 * 1024)

struct ksym {
	unsigned long long addr;
	const char *name;
	const char *module;	/* NULL for vmlinux */
};

struct ksyms {
	struct ksym *syms;
	size_t nr;
	char *strs;
	bool hidden;		/* all addresses 0: kptr_restrict */
};

struct ksyms *ksyms_load(const char *path);
void ksyms_free(struct ksyms *ks);
const struct ksym *ksyms_find(const struct ksyms *ks, unsigned long long addr,
			      unsigned long long *off);
/* "func+0x1a", "func+0x1a [mod]", or "0xffffffff81234567". */
int ksyms_format(const struct ksyms *ks, unsigned long long addr, char *buf,
		 size_t len);
/*
 * Index of the first frame worth showing: a stack taken from a BPF program
 * starts with the program and the tracing glue that called it.
 */
int ksyms_skip_tracing(const struct ksyms *ks, const unsigned long long *ip,
		       int nr);

/*
 * The addresses of @n symbols by name, read in one pass without keeping the
 * table; 0 for one not found or hidden (kptr_restrict).  Returns how many
 * were found, or -errno.
 */
int ksyms_addrs(const char *path, const char *const *names, int n,
		unsigned long long *addrs);

#endif
