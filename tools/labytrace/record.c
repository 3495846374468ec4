// SPDX-License-Identifier: GPL-2.0
/* Recordings: written and read back with json-c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "gfp.h"
#include "hist.h"
#include "json_out.h"
#include "record.h"

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *u64(unsigned long long v)
{
	return json_object_new_uint64(v);
}

/* Each line flushed: a recording cut short keeps its whole intervals. */
static int emit(FILE *f, json_object *o)
{
	return json_emit(f, o) || fflush(f) ? -1 : 0;
}

int record_header(FILE *f, const struct out_ctx *c, const struct run_info *ri,
		  unsigned long long start_ns)
{
	json_object *o = json_line(c, "recording", start_ns);

	add(o, "version", json_object_new_int(RECORD_VERSION));
	add(o, "slots", json_object_new_int(LT_NR_SLOTS));
	add(o, "buckets", json_object_new_string(
		"[slot, count]: slot i counts values in (2^(i-1), 2^i] ns; the last is open-ended"));
	json_add_run(o, c, ri);
	return emit(f, o);
}

static json_object *hist(json_object *o, const struct lt_hist *h)
{
	json_object *b = json_object_new_array(), *pair;
	unsigned int i;

	add(o, "count", u64(hist_count(h)));
	add(o, "sum_ns", u64(h->sum));
	for (i = 0; i < LT_NR_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		pair = json_object_new_array();
		json_object_array_add(pair, json_object_new_int(i));
		json_object_array_add(pair, u64(h->slots[i]));
		json_object_array_add(b, pair);
	}
	add(o, "buckets", b);
	return o;
}

/* A (order, class, exclusive, context) key's label fields. */
static json_object *key_fields(const struct out_ctx *c, unsigned int key)
{
	json_object *o = json_object_new_object();
	unsigned int order, cls, excl, ctx;

	lt_key_split(key, &order, &cls, &excl, &ctx);
	add(o, "order", u64(order));
	add(o, "class", json_object_new_string(gfp_class_name(cls)));
	add(o, "exclusive", json_object_new_boolean(excl));
	add(o, "context", json_object_new_string(ctx_name(c, ctx)));
	return o;
}

int record_interval(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		    double seconds)
{
	json_object *o = json_line(c, "interval", d->ts_ns), *a, *e;
	struct out_ctx known = *c;
	unsigned int i;

	add(o, "interval_s", json_num(seconds, 3));
	if (c->have_latency) {
		a = json_object_new_array();
		for (i = 0; i < LT_NR_KEYS; i++)
			if (hist_count(&d->latency[i]))
				json_object_array_add(a, hist(key_fields(c, i), &d->latency[i]));
		add(o, "latency", a);
	}
	if (c->have_violations) {
		/* The kernel names the owner's context: always known. */
		known.ctx_known = true;
		a = json_object_new_array();
		for (i = 0; i < LT_NR_OWNER_CTX; i++) {
			if (!hist_count(&d->hold[i]))
				continue;
			e = json_object_new_object();
			add(e, "context", json_object_new_string(ctx_name(&known, i)));
			json_object_array_add(a, hist(e, &d->hold[i]));
		}
		add(o, "hold", a);
	}
	if (c->have_failures) {
		a = json_object_new_array();
		for (i = 0; i < LT_NR_COUNTS; i++) {
			if (!d->counts[i].allocs && !d->counts[i].fails)
				continue;
			e = key_fields(c, i / 2);
			add(e, "nowarn", json_object_new_boolean(i % 2));
			add(e, "allocs", u64(d->counts[i].allocs));
			add(e, "failures", u64(d->counts[i].fails));
			json_object_array_add(a, e);
		}
		add(o, "allocs", a);
	}
	return emit(f, o);
}

int record_end(FILE *f, const struct out_ctx *c, const struct lt_snapshot *cum,
	       unsigned long intervals, double seconds)
{
	json_object *o = json_line(c, "end", cum->ts_ns);
	unsigned long long n = 0;
	unsigned int i, j;

	add(o, "duration_s", json_num(seconds, 3));
	add(o, "intervals", u64(intervals));
	if (c->have_failures) {
		add(o, "allocs", u64(snapshot_allocs(cum)));
		add(o, "failures", u64(snapshot_fails(cum)));
	}
	if (c->have_latency) {
		for (i = 0; i < LT_NR_KEYS; i++)
			n += hist_count(&cum->latency[i]);
		add(o, "latency_count", u64(n));
	}
	if (c->have_violations) {
		n = 0;
		for (i = 0; i < LT_NR_OWNER_CTX; i++)
			n += hist_count(&cum->hold[i]);
		add(o, "hold_count", u64(n));
		n = 0;
		for (i = 0; i < LT_NR_KINDS; i++)
			for (j = 0; j < 2; j++)
				n += cum->violations[i][j];
		add(o, "violations", u64(n));
	}
	return emit(f, o);
}

/* --- reading ------------------------------------------------------------ */

void record_select_add(struct record_select *s, const char *name,
		       const char *value)
{
	if (s->n >= RECORD_MAX_SELECT)
		return;
	s->name[s->n] = name;
	snprintf(s->value[s->n++], sizeof(s->value[0]), "%s", value);
}

void heat_free(struct heat *h)
{
	free(h->cells);
	free(h->start_s);
	h->cells = NULL;
	h->start_s = NULL;
}

static const char *const metric_arrays[] = {
	[HEAT_LATENCY] = "latency", [HEAT_HOLD] = "hold",
	[HEAT_ALLOCS] = "allocs", [HEAT_FAILURES] = "allocs",
};

static bool matches(json_object *series, const struct record_select *sel)
{
	json_object *v;
	unsigned int i;

	for (i = 0; i < sel->n; i++) {
		if (!json_object_object_get_ex(series, sel->name[i], &v) ||
		    strcmp(json_object_get_string(v), sel->value[i]))
			return false;
	}
	return true;
}

/* @v as a count: a non-negative integer, else -1. */
static long long count_of(json_object *v)
{
	if (!v || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return -1;
	return json_object_get_int64(v);
}

/* Add the selected series of one interval to @cell (h->rows of them). */
static int add_interval(json_object *o, const struct record_select *sel,
			struct heat *h, unsigned long long *cell, bool *had)
{
	const char *field = sel->metric == HEAT_FAILURES ? "failures" : "allocs";
	json_object *a, *s, *b, *pair, *v;
	long long row, n;
	size_t i, j;

	if (!json_object_object_get_ex(o, metric_arrays[sel->metric], &a))
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return -1;
	*had = true;
	for (i = 0; i < json_object_array_length(a); i++) {
		s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_object))
			return -1;
		if (!matches(s, sel))
			continue;
		if (sel->metric == HEAT_ALLOCS || sel->metric == HEAT_FAILURES) {
			json_object_object_get_ex(s, "order", &v);
			row = count_of(v);
			json_object_object_get_ex(s, field, &v);
			n = count_of(v);
			if (row < 0 || n < 0)
				return -1;
			row = lt_order_slot(row);
			cell[row] += n;
			h->total += n;
			continue;
		}
		if (!json_object_object_get_ex(s, "buckets", &b) ||
		    !json_object_is_type(b, json_type_array))
			return -1;
		for (j = 0; j < json_object_array_length(b); j++) {
			pair = json_object_array_get_idx(b, j);
			if (!json_object_is_type(pair, json_type_array) ||
			    json_object_array_length(pair) != 2)
				return -1;
			row = count_of(json_object_array_get_idx(pair, 0));
			n = count_of(json_object_array_get_idx(pair, 1));
			if (row < 0 || row >= LT_NR_SLOTS || n < 0)
				return -1;
			cell[row] += n;
			h->total += n;
		}
	}
	return 0;
}

static int bad(char *why, size_t len, const char *name, unsigned long line,
	       const char *what)
{
	if (line)
		snprintf(why, len, "%s:%lu: %s", name, line, what);
	else
		snprintf(why, len, "%s: %s", name, what);
	return -1;
}

/* Room for one more column; 0 or -1. */
static int grow(struct heat *h, size_t *cap)
{
	unsigned long long *cells;
	double *start;
	size_t n = *cap ? *cap * 2 : 64;

	if (h->cols < *cap)
		return 0;
	cells = realloc(h->cells, n * h->rows * sizeof(*cells));
	if (!cells)
		return -1;
	h->cells = cells;
	start = realloc(h->start_s, n * sizeof(*start));
	if (!start)
		return -1;
	h->start_s = start;
	*cap = n;
	return 0;
}

int record_read(FILE *f, const char *name, const struct record_select *sel,
		struct heat *h, char *why, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = NULL, *t, *v, *src = NULL;
	unsigned long lineno = 0;
	bool header = false, had = false;
	double first = 0, ts;
	size_t cap = 0, llen = 0;
	ssize_t n;
	char *buf = NULL, msg[256];
	int ret = -1;

	memset(h, 0, sizeof(*h));
	h->metric = sel->metric;
	h->rows = sel->metric == HEAT_LATENCY || sel->metric == HEAT_HOLD ?
		  LT_NR_SLOTS : LT_NR_ORDERS;
	if (!tok)
		return bad(why, len, name, 0, strerror(ENOMEM));
	while ((n = getline(&buf, &llen, f)) > 0) {
		lineno++;
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, buf, buf[n - 1] == '\n' ? n - 1 : n);
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    !json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, "type", &t)) {
			bad(why, len, name, lineno, "not a JSON object with a \"type\"");
			goto out;
		}
		if (!header) {
			if (strcmp(json_object_get_string(t), "recording") ||
			    !json_object_object_get_ex(o, "version", &v) ||
			    json_object_get_int(v) != RECORD_VERSION) {
				bad(why, len, name, lineno,
				    "not a labytrace recording (version 1 starts with {\"type\":\"recording\",...})");
				goto out;
			}
			header = true;
			if (json_object_object_get_ex(o, "time", &v))
				snprintf(h->started, sizeof(h->started), "%s",
					 json_object_get_string(v));
			json_object_object_get_ex(o, "unavailable", &src);
			src = src ? json_object_get(src) : NULL;
			json_object_put(o);
			o = NULL;
			continue;
		}
		if (!strcmp(json_object_get_string(t), "interval")) {
			if (grow(h, &cap)) {
				bad(why, len, name, lineno, strerror(ENOMEM));
				goto out;
			}
			ts = json_object_object_get_ex(o, "ts", &v) ?
			     json_object_get_double(v) : 0;
			if (!h->cols)
				first = ts;
			h->start_s[h->cols] = ts - first;
			memset(&h->cells[h->cols * h->rows], 0,
			       h->rows * sizeof(*h->cells));
			if (add_interval(o, sel, h, &h->cells[h->cols * h->rows], &had)) {
				bad(why, len, name, lineno, "an interval whose series do not parse");
				goto out;
			}
			h->cols++;
		}
		json_object_put(o);
		o = NULL;
	}
	if (!header) {
		bad(why, len, name, 0, "an empty recording (no header line)");
		goto out;
	}
	if (!h->cols) {
		bad(why, len, name, 0, "an empty recording (no interval)");
		goto out;
	}
	if (!had) {
		v = NULL;
		if (src)
			json_object_object_get_ex(src, sel->metric == HEAT_HOLD ? "violations" :
						  sel->metric == HEAT_LATENCY ? "latency" :
						  "failures", &v);
		snprintf(msg, sizeof(msg), "no %s in this recording%s%s",
			 metric_arrays[sel->metric], v ? ": unavailable when recorded: " : "",
			 v ? json_object_get_string(v) : "");
		bad(why, len, name, 0, msg);
		goto out;
	}
	if (!h->total) {
		bad(why, len, name, 0, "nothing selected: no sample in this recording matches");
		goto out;
	}
	ret = 0;
out:
	json_object_put(o);
	json_object_put(src);
	json_tokener_free(tok);
	free(buf);
	if (ret)
		heat_free(h);
	return ret;
}
