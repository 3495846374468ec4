/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gfp flag names.  The bits come from the running kernel's BTF (the
 * ___GFP_*_BIT enumerators, 6.10+), so a flag that moves between versions is
 * still decoded right; older kernels get a built-in table that names only
 * the bits whose meaning is known for their version.
 */
#ifndef LABYTRACE_GFP_H
#define LABYTRACE_GFP_H

#include <stdbool.h>
#include <stddef.h>

#define GFP_MAX_FLAGS	64
#define GFP_NAME_LEN	32

struct gfp_flag {
	char name[GFP_NAME_LEN];	/* "__GFP_HIGH" */
	unsigned long long mask;
};

struct gfp_table {
	struct gfp_flag flags[GFP_MAX_FLAGS];	/* in bit order */
	int nr;
	bool from_btf;
};

void gfp_table_init(struct gfp_table *t);
/* Add "___GFP_<NAME>_BIT" = bit; other enumerators are ignored (returns 0). */
int gfp_table_add_bit(struct gfp_table *t, const char *enumerator, long long bit);
/* Kernel version as a number, from uname's release ("6.1.0-18-amd64"). */
#define KVER(major, minor) ((major) << 8 | (minor))
/* 0 if @release does not start with "MAJOR.MINOR". */
unsigned int kver_parse(const char *release);
/*
 * For kernels without the ___GFP_*_BIT enum: the layout of version @kver
 * (0: unknown), with __GFP_EXCLUSIVE only if @exclusive (the kernel has
 * the page_exclusive tracepoints).  Bits whose meaning is not known for
 * @kver stay unnamed, and print as numbers.
 */
void gfp_table_fallback(struct gfp_table *t, unsigned int kver, bool exclusive);
/* Mask of a flag by name ("__GFP_HIGH"), 0 if this kernel has no such flag. */
unsigned long long gfp_mask(const struct gfp_table *t, const char *name);

/* "GFP_ATOMIC|__GFP_NOWARN": composite names first, as show_gfp_flags(). */
size_t gfp_format(const struct gfp_table *t, unsigned long long gfp,
		  char *buf, size_t len);
/* The single flags set in @gfp, in bit order; @unknown gets the rest. */
int gfp_flag_names(const struct gfp_table *t, unsigned long long gfp,
		   const char **names, int max, unsigned long long *unknown);

/* Has the caller said it expects failure (__GFP_NOWARN)? */
bool gfp_is_nowarn(const struct gfp_table *t, unsigned long long gfp);

const char *gfp_class_name(unsigned int cls);
/* "atomic", "nowait", "kernel" (or "may-sleep"): enum lt_class, or -1. */
int gfp_class_parse(const char *s);

#endif
