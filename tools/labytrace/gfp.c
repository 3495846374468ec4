// SPDX-License-Identifier: GPL-2.0
/* gfp flag names from the kernel's BTF, and their decoding. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gfp.h"
#include "labytrace.h"

void gfp_table_init(struct gfp_table *t)
{
	memset(t, 0, sizeof(*t));
}

static int add_flag(struct gfp_table *t, const char *name, size_t len,
		    unsigned int bit)
{
	int i, pos;

	if (bit >= 64 || len == 0 || len + 2 >= GFP_NAME_LEN)
		return -EINVAL;
	if (t->nr == GFP_MAX_FLAGS)
		return -ENOSPC;
	/* Keep bit order, which is the order flags are printed in. */
	for (pos = 0; pos < t->nr; pos++) {
		if (t->flags[pos].mask == 1ULL << bit)
			return -EEXIST;
		if (t->flags[pos].mask > 1ULL << bit)
			break;
	}
	for (i = t->nr; i > pos; i--)
		t->flags[i] = t->flags[i - 1];
	snprintf(t->flags[pos].name, GFP_NAME_LEN, "__GFP_%.*s", (int)len, name);
	t->flags[pos].mask = 1ULL << bit;
	t->nr++;
	return 0;
}

int gfp_table_add_bit(struct gfp_table *t, const char *enumerator, long long bit)
{
	static const char prefix[] = "___GFP_", suffix[] = "_BIT";
	size_t len = strlen(enumerator), plen = strlen(prefix), slen = strlen(suffix);
	const char *name;

	if (len <= plen + slen || strncmp(enumerator, prefix, plen) ||
	    strcmp(enumerator + len - slen, suffix))
		return 0;
	name = enumerator + plen;
	len -= plen + slen;
	/* Markers, not flags. */
	if ((len == 4 && !strncmp(name, "LAST", 4)) ||
	    (len == 6 && !strncmp(name, "UNUSED", 6)))
		return 0;
	if (bit < 0)
		return -EINVAL;
	return add_flag(t, name, len, bit);
}

/*
 * Kernels whose BTF has no ___GFP_*_BIT enum (before 6.10).  Bits 0-8 and
 * 10-22 have meant the same since 4.x; the rest is named only for the
 * versions where its meaning is known: bit 9 was ___GFP_ATOMIC up to 6.2
 * (GFP_ATOMIC is 0xa20 there) and unused from 6.3, and bit 23 is
 * ___GFP_ZEROTAGS from 5.15 on (earlier it could be ___GFP_NOLOCKDEP).
 * __GFP_EXCLUSIVE exists only where the kernel says so: @exclusive, its
 * page_exclusive tracepoints.  Anything unnamed is printed as a number.
 */
void gfp_table_fallback(struct gfp_table *t, unsigned int kver, bool exclusive)
{
	static const char *const names[] = {
		"DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE", "HIGH",
		"IO", "FS", "ZERO", NULL, "DIRECT_RECLAIM",
		"KSWAPD_RECLAIM", "WRITE", "NOWARN", "RETRY_MAYFAIL", "NOFAIL",
		"NORETRY", "MEMALLOC", "COMP", "NOMEMALLOC", "HARDWALL",
		"THISNODE", "ACCOUNT", NULL,
	};
	unsigned int bit;

	gfp_table_init(t);
	for (bit = 0; bit < sizeof(names) / sizeof(names[0]); bit++)
		if (names[bit])
			add_flag(t, names[bit], strlen(names[bit]), bit);
	if (exclusive)
		add_flag(t, "EXCLUSIVE", 9, 9);
	else if (kver && kver < KVER(6, 3))
		add_flag(t, "ATOMIC", 6, 9);
	if (kver >= KVER(5, 15))
		add_flag(t, "ZEROTAGS", 8, 23);
}

unsigned int kver_parse(const char *release)
{
	unsigned int major, minor;

	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2 ||
	    major > 255 || minor > 255)
		return 0;
	return KVER(major, minor);
}

unsigned long long gfp_mask(const struct gfp_table *t, const char *name)
{
	int i;

	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->flags[i].name, name))
			return t->flags[i].mask;
	return 0;
}

/*
 * Composite names, in the order of the kernel's __def_gfpflag_names, made
 * of flag names (not bits) so they follow the BTF table.  A composite whose
 * flags this kernel lacks is skipped.
 */
struct gfp_composite {
	const char *name;
	const char *set[10];
	const char *clear[3];
};

#define RECLAIM "__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM"
#define USER RECLAIM, "__GFP_IO", "__GFP_FS", "__GFP_HARDWALL"
#define THP_LIGHT "__GFP_HARDWALL", "__GFP_IO", "__GFP_FS", "__GFP_HIGHMEM", \
	"__GFP_MOVABLE", "__GFP_COMP", "__GFP_NOMEMALLOC", "__GFP_NOWARN"

static const struct gfp_composite composites[] = {
	{ .name = "GFP_TRANSHUGE", .set = { THP_LIGHT, "__GFP_DIRECT_RECLAIM" },
	  .clear = { "__GFP_KSWAPD_RECLAIM" } },
	{ .name = "GFP_TRANSHUGE_LIGHT", .set = { THP_LIGHT },
	  .clear = { RECLAIM } },
	{ .name = "GFP_HIGHUSER_MOVABLE",
	  .set = { USER, "__GFP_HIGHMEM", "__GFP_MOVABLE" } },
	{ .name = "GFP_HIGHUSER", .set = { USER, "__GFP_HIGHMEM" } },
	{ .name = "GFP_USER", .set = { USER } },
	{ .name = "GFP_KERNEL_ACCOUNT",
	  .set = { RECLAIM, "__GFP_IO", "__GFP_FS", "__GFP_ACCOUNT" } },
	{ .name = "GFP_KERNEL", .set = { RECLAIM, "__GFP_IO", "__GFP_FS" } },
	{ .name = "GFP_NOFS", .set = { RECLAIM, "__GFP_IO" } },
	/* Up to 6.2, GFP_ATOMIC had __GFP_ATOMIC too. */
	{ .name = "GFP_ATOMIC",
	  .set = { "__GFP_HIGH", "__GFP_ATOMIC", "__GFP_KSWAPD_RECLAIM" } },
	{ .name = "GFP_ATOMIC", .set = { "__GFP_HIGH", "__GFP_KSWAPD_RECLAIM" } },
	{ .name = "GFP_NOIO", .set = { RECLAIM } },
	{ .name = "GFP_NOWAIT", .set = { "__GFP_KSWAPD_RECLAIM", "__GFP_NOWARN" } },
	{ .name = "GFP_DMA", .set = { "__GFP_DMA" } },
	{ .name = "GFP_DMA32", .set = { "__GFP_DMA32" } },
};

/* All of the composite's flags, or 0 if this kernel lacks one. */
static unsigned long long composite_mask(const struct gfp_table *t,
					 const struct gfp_composite *c,
					 unsigned long long *clear)
{
	unsigned long long mask = 0, m;
	int i;

	for (i = 0; i < 10 && c->set[i]; i++) {
		m = gfp_mask(t, c->set[i]);
		if (!m)
			return 0;
		mask |= m;
	}
	*clear = 0;
	for (i = 0; i < 3 && c->clear[i]; i++)
		*clear |= gfp_mask(t, c->clear[i]);
	return mask;
}

static void append(char *buf, size_t len, size_t *pos, const char *s)
{
	char *dst = *pos < len ? buf + *pos : NULL;
	int n = snprintf(dst, dst ? len - *pos : 0, "%s%s", *pos ? "|" : "", s);

	if (n > 0)
		*pos += n;
}

size_t gfp_format(const struct gfp_table *t, unsigned long long gfp,
		  char *buf, size_t len)
{
	unsigned long long rest = gfp, mask, clear;
	char hex[24];
	size_t pos = 0;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	if (!gfp) {
		append(buf, len, &pos, "0");
		return pos;
	}
	for (i = 0; i < sizeof(composites) / sizeof(composites[0]); i++) {
		mask = composite_mask(t, &composites[i], &clear);
		if (mask && (rest & mask) == mask && !(gfp & clear)) {
			append(buf, len, &pos, composites[i].name);
			rest &= ~mask;
		}
	}
	for (i = 0; i < (unsigned int)t->nr; i++) {
		if (rest & t->flags[i].mask) {
			append(buf, len, &pos, t->flags[i].name);
			rest &= ~t->flags[i].mask;
		}
	}
	if (rest) {
		snprintf(hex, sizeof(hex), "%#llx", rest);
		append(buf, len, &pos, hex);
	}
	return pos;
}

int gfp_flag_names(const struct gfp_table *t, unsigned long long gfp,
		   const char **names, int max, unsigned long long *unknown)
{
	int i, n = 0;

	for (i = 0; i < t->nr; i++) {
		if (!(gfp & t->flags[i].mask))
			continue;
		gfp &= ~t->flags[i].mask;
		if (n < max)
			names[n++] = t->flags[i].name;
	}
	*unknown = gfp;
	return n;
}

bool gfp_is_nowarn(const struct gfp_table *t, unsigned long long gfp)
{
	return gfp & gfp_mask(t, "__GFP_NOWARN");
}

const char *gfp_class_name(unsigned int cls)
{
	switch (cls) {
	case LT_ATOMIC:
		return "atomic";
	case LT_NOWAIT:
		return "nowait";
	case LT_MAYSLEEP:
		return "may-sleep";
	}
	return "?";
}

int gfp_class_parse(const char *s)
{
	if (!strcasecmp(s, "atomic"))
		return LT_ATOMIC;
	if (!strcasecmp(s, "nowait") || !strcasecmp(s, "no-wait"))
		return LT_NOWAIT;
	if (!strcasecmp(s, "kernel") || !strcasecmp(s, "may-sleep") ||
	    !strcasecmp(s, "maysleep"))
		return LT_MAYSLEEP;
	return -1;
}
