// SPDX-License-Identifier: GPL-2.0
/* log2 histogram arithmetic and printing. */
#include <string.h>

#include "hist.h"

unsigned long long hist_count(const struct lt_hist *h)
{
	unsigned long long n = 0;
	unsigned int i;

	for (i = 0; i < LT_NR_SLOTS; i++)
		n += h->slots[i];
	return n;
}

unsigned long long hist_slot_le(unsigned int slot)
{
	if (slot >= LT_NR_SLOTS - 1)
		return ~0ULL;
	return 1ULL << slot;
}

void hist_add_value(struct lt_hist *h, unsigned long long ns)
{
	h->slots[lt_slot(ns)]++;
	h->sum += ns;
	if (ns > h->max)
		h->max = ns;
}

void hist_merge(struct lt_hist *dst, const struct lt_hist *src)
{
	unsigned int i;

	for (i = 0; i < LT_NR_SLOTS; i++)
		dst->slots[i] += src->slots[i];
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

static unsigned long long sub(unsigned long long a, unsigned long long b)
{
	return a > b ? a - b : 0;
}

void hist_delta(const struct lt_hist *cur, const struct lt_hist *prev,
		struct lt_hist *out)
{
	int i, top = -1;

	for (i = 0; i < LT_NR_SLOTS; i++) {
		out->slots[i] = sub(cur->slots[i], prev->slots[i]);
		if (out->slots[i])
			top = i;
	}
	out->sum = sub(cur->sum, prev->sum);
	if (top < 0)
		out->max = 0;
	else if (cur->max > prev->max)
		out->max = cur->max;
	else if (hist_slot_le(top) < cur->max)
		out->max = hist_slot_le(top);
	else
		out->max = cur->max;
}

unsigned long long hist_percentile(const struct lt_hist *h, unsigned int ppm)
{
	unsigned long long n = hist_count(h), rank, seen = 0, le;
	unsigned int i;

	if (!n)
		return 0;
	/* The smallest rank covering ppm/1e6 of the samples, at least 1. */
	rank = (unsigned long long)(((unsigned __int128)n * ppm + 999999) / 1000000);
	if (!rank)
		rank = 1;
	for (i = 0; i < LT_NR_SLOTS; i++) {
		seen += h->slots[i];
		if (seen >= rank)
			break;
	}
	le = hist_slot_le(i < LT_NR_SLOTS ? i : LT_NR_SLOTS - 1);
	return h->max && h->max < le ? h->max : le;
}

int fmt_duration(char *buf, size_t len, unsigned long long ns)
{
	if (ns < 1000)
		return snprintf(buf, len, "%lluns", ns);
	if (ns < 9950)
		return snprintf(buf, len, "%.1fus", ns / 1e3);
	if (ns < 999500)
		return snprintf(buf, len, "%lluus", (ns + 500) / 1000);
	if (ns < 9950000)
		return snprintf(buf, len, "%.1fms", ns / 1e6);
	if (ns < 999500000)
		return snprintf(buf, len, "%llums", (ns + 500000) / 1000000);
	if (ns < 9950000000ULL)
		return snprintf(buf, len, "%.1fs", ns / 1e9);
	return snprintf(buf, len, "%llus", (ns + 500000000) / 1000000000);
}

#define STARS 30

void hist_print(FILE *f, const struct lt_hist *h, const char *indent,
		const char *what)
{
	unsigned long long peak = 0, lo, le;
	char slo[16], shi[16], bar[STARS + 1];
	int i, first = -1, last = -1, w;

	for (i = 0; i < LT_NR_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (h->slots[i] > peak)
			peak = h->slots[i];
	}
	if (first < 0)
		return;
	fprintf(f, "%s%18s : %-9s distribution\n", indent, what, "count");
	for (i = first; i <= last; i++) {
		lo = i ? hist_slot_le(i - 1) : 0;
		le = hist_slot_le(i);
		fmt_duration(slo, sizeof(slo), lo);
		if (le == ~0ULL)
			snprintf(shi, sizeof(shi), "inf");
		else
			fmt_duration(shi, sizeof(shi), le);
		w = (int)(h->slots[i] * STARS / peak);
		memset(bar, '*', w);
		bar[w] = '\0';
		fprintf(f, "%s%7s -> %-7s : %-9llu |%-*s|\n", indent, slo, shi,
			h->slots[i], STARS, bar);
	}
}
