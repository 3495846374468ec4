// SPDX-License-Identifier: GPL-2.0
/* Recordings: written and read back with json-c. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "gfp.h"
#include "hist.h"
#include "json_out.h"
#include "record.h"
#include "textfile.h"

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

/*
 * A label's value as text: a string, a number or a boolean, as json-c
 * prints them ("0", "true"); NULL for anything else (null, an object).
 */
static const char *label_text(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
	case json_type_int:
	case json_type_boolean:
		return json_object_get_string(v);
	default:
		return NULL;
	}
}

/* @v's text if it is a string, else NULL. */
static const char *string_of(json_object *v)
{
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* 1 if @series has every selected label value, 0 if not, -1 if one is no label. */
static int matches(json_object *series, const struct record_select *sel)
{
	const char *text;
	json_object *v;
	unsigned int i;

	for (i = 0; i < sel->n; i++) {
		if (!json_object_object_get_ex(series, sel->name[i], &v))
			return 0;
		text = label_text(v);
		if (!text)
			return -1;
		if (strcmp(text, sel->value[i]))
			return 0;
	}
	return 1;
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
		switch (matches(s, sel)) {
		case -1:
			return -1;
		case 0:
			continue;
		}
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

/* Why a read failed: the stream's error, or EIO if errno lost it. */
static int read_error(int err)
{
	return err ? err : EIO;
}

/*
 * One line of @f into @buf (RECORD_MAX_LINE + 1 bytes), without its
 * newline and NUL-terminated: its length; *@whole says whether a newline
 * ended it.  -1 at the end of the file, -EFBIG for a line longer than
 * RECORD_MAX_LINE, -errno for a read error.
 */
static long read_line(FILE *f, char *buf, bool *whole)
{
	long n = 0;
	int c;

	*whole = false;
	errno = 0;
	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\n') {
			*whole = true;
			break;
		}
		if (n == RECORD_MAX_LINE)
			return -EFBIG;
		buf[n++] = c;
	}
	if (c == EOF && ferror(f))
		return -read_error(errno);
	if (!n && !*whole)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The line as one JSON object with a string "type", or NULL. */
static json_object *parse_line(json_tokener *tok, const char *buf, long n,
			       const char **type)
{
	json_object *o, *t;

	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, buf, n);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != (size_t)n ||
	    !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "type", &t) ||
	    !string_of(t)) {
		json_object_put(o);
		return NULL;
	}
	*type = string_of(t);
	return o;
}

/* A finite number, else 0: an interval's time, whatever the line says. */
static double seconds_of(json_object *v)
{
	double d;

	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return 0;
	d = json_object_get_double(v);
	return isfinite(d) ? d : 0;
}

int record_read(FILE *f, const char *name, const struct record_select *sel,
		struct heat *h, char *why, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = NULL, *v, *src = NULL;
	unsigned long lineno = 0;
	bool header = false, had = false, whole;
	double first = 0, ts;
	size_t cap = 0;
	const char *type, *text;
	char *buf = malloc(RECORD_MAX_LINE + 1), msg[256];
	long n;
	int ret = -EINVAL, err;

	memset(h, 0, sizeof(*h));
	h->metric = sel->metric;
	h->rows = sel->metric == HEAT_LATENCY || sel->metric == HEAT_HOLD ?
		  LT_NR_SLOTS : LT_NR_ORDERS;
	if (!tok || !buf) {
		bad(why, len, name, 0, strerror(ENOMEM));
		ret = -ENOMEM;
		goto out;
	}
	while ((n = read_line(f, buf, &whole)) >= 0) {
		lineno++;
		o = parse_line(tok, buf, n, &type);
		/* record stopped mid-line (a full disk, a kill): keep what is whole */
		if (!o && !whole && header) {
			h->cut_line = lineno;
			break;
		}
		if (!o) {
			bad(why, len, name, lineno, "not a JSON object with a \"type\"");
			goto out;
		}
		if (!header) {
			if (strcmp(type, "recording") ||
			    !json_object_object_get_ex(o, "version", &v) ||
			    !json_object_is_type(v, json_type_int) ||
			    json_object_get_int64(v) != RECORD_VERSION) {
				bad(why, len, name, lineno,
				    "not a labytrace recording (version 1 starts with {\"type\":\"recording\",...})");
				goto out;
			}
			header = true;
			json_object_object_get_ex(o, "time", &v);
			text = string_of(v);
			snprintf(h->started, sizeof(h->started), "%s", text ? text : "");
			json_object_object_get_ex(o, "unavailable", &src);
			src = json_object_is_type(src, json_type_object) ? json_object_get(src) : NULL;
			json_object_put(o);
			o = NULL;
			continue;
		}
		if (!strcmp(type, "interval")) {
			if (grow(h, &cap)) {
				bad(why, len, name, lineno, strerror(ENOMEM));
				ret = -ENOMEM;
				goto out;
			}
			json_object_object_get_ex(o, "ts", &v);
			ts = seconds_of(v);
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
	if (n == -EFBIG) {
		snprintf(msg, sizeof(msg), "a line longer than %d bytes: not a recording",
			 RECORD_MAX_LINE);
		bad(why, len, name, lineno + 1, msg);
		goto out;
	}
	if (n < -1 || (h->cut_line && ferror(f))) {
		err = n < -1 ? (int)-n : read_error(errno);
		snprintf(msg, sizeof(msg), "cannot read: %s", strerror(err));
		bad(why, len, name, 0, msg);
		ret = -err;
		goto out;
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
		text = string_of(v);
		snprintf(msg, sizeof(msg), "no %s in this recording%s%s",
			 metric_arrays[sel->metric], text ? ": unavailable when recorded: " : "",
			 text ? text : "");
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
	if (tok)
		json_tokener_free(tok);
	free(buf);
	if (ret)
		heat_free(h);
	return ret;
}

FILE *record_open(const char *path, char *why, size_t len)
{
	const char *problem;
	struct stat st;
	FILE *f;
	int fd;

	/* O_NONBLOCK: a FIFO is refused below, not waited on for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	/* A directory reads as an error, /dev/zero as one endless line. */
	problem = file_mode_problem(st.st_mode);
	if (problem) {
		snprintf(why, len, "%s %s", path, problem);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}
