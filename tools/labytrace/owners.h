/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who owns exclusive pages: the owners table the BPF side counts in (one
 * row per task, interrupt context and owner object), what each holds now
 * (from the held table), the order the views list them in, and how an
 * owner is named everywhere labytrace shows one: "eth0 rx0 (object 7)",
 * "task:1234(comm)", "softirq@cpu3".
 */
#ifndef LABYTRACE_OWNERS_H
#define LABYTRACE_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include "labytrace.h"

/* One owner: its counts since labytrace started, and what it holds now. */
struct owner_row {
	unsigned long long key;		/* lt_owner_key() */
	struct lt_owner o;
	unsigned long long held;	/* allocations owned now */
	unsigned long long held_pages;	/* pages in them */
	unsigned long long oldest_ns;	/* age of the oldest; 0: none held */
	bool other;			/* the sum of the rows not shown */
	bool ranked;			/* owners_export_new() has seen it */
	bool exported;			/* series of its own, for the whole run */
};

/*
 * Owners with series of their own in the metrics: the first ones ranked,
 * for the whole run; those after them are summed as owner="other".
 */
#define OWNERS_EXPORTED	32

/* Rows sorted by key; view[] lists them in the order the views show. */
struct owner_table {
	unsigned int n;
	struct owner_row rows[LT_MAX_OWNERS];
	unsigned int view[LT_MAX_OWNERS];
};

/* "eth0 rx0 (object 7)", "task:1234(comm)", "task:1234", "softirq@cpu3". */
void owner_format(char *buf, size_t len, unsigned int kind, int id,
		  const char *name);
/* The same for a row. */
void owner_row_format(const struct owner_row *r, char *buf, size_t len);
/* "task", "softirq", "hardirq", "nmi", "object"; "?" past them. */
const char *owner_kind_name(unsigned int kind);
/* @name as printable ASCII, '?' for anything else; @out has LT_OWNER_NAME_LEN + 1. */
void owner_safe_name(const char *name, char *out);

/* Rows as read from the BPF map, into key order (view order too, for now). */
void owners_sort_key(struct owner_table *t);
/*
 * What @prev knew of the rows of @t: a name for those that have none (a
 * comm found in /proc stays when the task exits, so that an owner keeps
 * its label), and whether each was ranked and exported.
 */
void owners_keep(struct owner_table *t, const struct owner_table *prev);
/* The row of @key, or NULL. */
const struct owner_row *owners_find(const struct owner_table *t,
				    unsigned long long key);
/* The @i-th row in view order. */
const struct owner_row *owners_at(const struct owner_table *t, unsigned int i);
/*
 * An allocation of @order that @kind/@id owns now, for @age_ns: counted
 * into its row, made (with zero counts) if the owners table had none,
 * which happens only when it was full.  Call owners_sort_view() after the
 * last.  Returns -1 if there is no room for a new row.
 */
int owners_add_held(struct owner_table *t, unsigned int kind, int id,
		    unsigned int order, unsigned long long age_ns);
/* view[]: most held first, then most acquired, then by key. */
void owners_sort_view(struct owner_table *t);
/*
 * The owners ranked for the first time, in view order, join the exported
 * set while it has room for them (OWNERS_EXPORTED), and stay in it; those
 * ranked once it is full never join.  So every exported counter is an
 * owner's own, and owner="other" sums a set of owners that only grows:
 * no counter ever goes back, as the view's order changes.
 */
void owners_export_new(struct owner_table *t);
/*
 * The owner label of the metrics: as the views name it, but a task
 * without its comm ("task:1234"), which may change or be learnt late and
 * would split its series.
 */
void owner_metric_label(const struct owner_row *r, char *buf, size_t len);
/* Sum of @r's violations. */
unsigned long long owner_violations(const struct owner_row *r);
/*
 * Rows past the first @max in view order summed into @other, named
 * "other"; returns how many were summed.
 */
unsigned int owners_rest(const struct owner_table *t, unsigned int max,
			 struct owner_row *other);
/* The rows not exported summed into @other; returns how many were summed. */
unsigned int owners_unexported(const struct owner_table *t,
			       struct owner_row *other);

#endif
