// SPDX-License-Identifier: GPL-2.0
/* Owners: their rows, what they hold now, their order and their names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "owners.h"

const char *owner_kind_name(unsigned int kind)
{
	static const char *const names[LT_NR_OWNER_CTX] = {
		"task", "softirq", "hardirq", "nmi", "object",
	};

	return kind < LT_NR_OWNER_CTX ? names[kind] : "?";
}

void owner_safe_name(const char *name, char *out)
{
	int i;

	for (i = 0; name && i < LT_OWNER_NAME_LEN && name[i]; i++)
		out[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	out[i] = '\0';
}

void owner_format(char *buf, size_t len, unsigned int kind, int id,
		  const char *name)
{
	char safe[LT_OWNER_NAME_LEN + 1];

	owner_safe_name(name, safe);
	if (kind == LT_OBJECT)
		/* A name the kernel did not pass (a full table): the id says who. */
		snprintf(buf, len, "%s (object %d)", safe[0] ? safe : "?", id);
	else if (kind != LT_TASK)
		snprintf(buf, len, "%s@cpu%d", owner_kind_name(kind), id);
	else if (safe[0])
		snprintf(buf, len, "task:%d(%.15s)", id, safe);
	else
		snprintf(buf, len, "task:%d", id);
}

void owner_row_format(const struct owner_row *r, char *buf, size_t len)
{
	if (r->other) {
		snprintf(buf, len, "other");
		return;
	}
	owner_format(buf, len, lt_owner_kind(r->key), lt_owner_id(r->key),
		     r->o.name);
}

void owner_metric_label(const struct owner_row *r, char *buf, size_t len)
{
	unsigned int kind = lt_owner_kind(r->key);

	if (r->other || kind != LT_TASK) {
		owner_row_format(r, buf, len);
		return;
	}
	owner_format(buf, len, kind, lt_owner_id(r->key), NULL);
}

static int cmp_key(const void *a, const void *b)
{
	const struct owner_row *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

void owners_sort_key(struct owner_table *t)
{
	unsigned int i;

	qsort(t->rows, t->n, sizeof(t->rows[0]), cmp_key);
	for (i = 0; i < t->n; i++)
		t->view[i] = i;
}

const struct owner_row *owners_find(const struct owner_table *t,
				    unsigned long long key)
{
	struct owner_row probe = { .key = key };

	return bsearch(&probe, t->rows, t->n, sizeof(t->rows[0]), cmp_key);
}

void owners_keep(struct owner_table *t, const struct owner_table *prev)
{
	const struct owner_row *old;
	struct owner_row *r;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		r = &t->rows[i];
		old = owners_find(prev, r->key);
		if (!old)
			continue;
		if (!r->o.name[0])
			memcpy(r->o.name, old->o.name, sizeof(old->o.name));
		r->ranked = old->ranked;
		r->exported = old->exported;
	}
}

const struct owner_row *owners_at(const struct owner_table *t, unsigned int i)
{
	return &t->rows[t->view[i]];
}

int owners_add_held(struct owner_table *t, unsigned int kind, int id,
		    unsigned int order, unsigned long long age_ns)
{
	unsigned long long key = lt_owner_key(kind, id);
	struct owner_row *r = (struct owner_row *)owners_find(t, key);
	unsigned int i;

	if (!r) {
		if (t->n >= LT_MAX_OWNERS)
			return -1;
		/* Rare (the BPF table was full): insert in key order. */
		for (i = t->n; i > 0 && t->rows[i - 1].key > key; i--)
			t->rows[i] = t->rows[i - 1];
		r = &t->rows[i];
		memset(r, 0, sizeof(*r));
		r->key = key;
		t->n++;
	}
	r->held++;
	r->held_pages += 1ULL << (order < 63 ? order : 63);
	if (age_ns > r->oldest_ns)
		r->oldest_ns = age_ns;
	return 0;
}

static int cmp_view(const void *a, const void *b, void *arg)
{
	const struct owner_table *t = arg;
	const struct owner_row *x = &t->rows[*(const unsigned int *)a];
	const struct owner_row *y = &t->rows[*(const unsigned int *)b];

	if (x->held != y->held)
		return x->held > y->held ? -1 : 1;
	if (x->o.acquired != y->o.acquired)
		return x->o.acquired > y->o.acquired ? -1 : 1;
	return cmp_key(x, y);
}

void owners_sort_view(struct owner_table *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		t->view[i] = i;
	qsort_r(t->view, t->n, sizeof(t->view[0]), cmp_view, t);
}

void owners_export_new(struct owner_table *t)
{
	unsigned int i, n = 0;
	struct owner_row *r;

	for (i = 0; i < t->n; i++)
		n += t->rows[i].exported;
	for (i = 0; i < t->n; i++) {
		r = &t->rows[t->view[i]];
		if (r->ranked)
			continue;
		r->ranked = true;
		if (n < OWNERS_EXPORTED) {
			r->exported = true;
			n++;
		}
	}
}

unsigned long long owner_violations(const struct owner_row *r)
{
	unsigned long long n = 0;
	unsigned int i;

	for (i = 0; i < LT_NR_KINDS; i++)
		n += r->o.violations[i];
	return n;
}

static void other_begin(struct owner_row *other)
{
	memset(other, 0, sizeof(*other));
	other->other = true;
}

static void other_add(struct owner_row *other, const struct owner_row *r)
{
	unsigned int k;

	other->o.acquired += r->o.acquired;
	other->o.released += r->o.released;
	other->o.xfer_in += r->o.xfer_in;
	other->o.xfer_out += r->o.xfer_out;
	for (k = 0; k < LT_NR_KINDS; k++)
		other->o.violations[k] += r->o.violations[k];
	hist_merge(&other->o.hold, &r->o.hold);
	other->held += r->held;
	other->held_pages += r->held_pages;
	if (r->oldest_ns > other->oldest_ns)
		other->oldest_ns = r->oldest_ns;
}

unsigned int owners_rest(const struct owner_table *t, unsigned int max,
			 struct owner_row *other)
{
	unsigned int i;

	other_begin(other);
	for (i = max; i < t->n; i++)
		other_add(other, owners_at(t, i));
	return t->n > max ? t->n - max : 0;
}

unsigned int owners_unexported(const struct owner_table *t,
			       struct owner_row *other)
{
	unsigned int i, n = 0;

	other_begin(other);
	for (i = 0; i < t->n; i++) {
		if (t->rows[i].exported)
			continue;
		other_add(other, &t->rows[i]);
		n++;
	}
	return n;
}
