// SPDX-License-Identifier: GPL-2.0
/* Strict OpenMetrics text checker (test code); see om_parse.h. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "om_parse.h"

#define MAX_FAMILIES	64
#define MAX_SERIES	512
#define MAX_LABELS	16
#define NAME_LEN	128
#define LABELS_LEN	512

struct series {
	char key[LABELS_LEN];	/* labels without le, canonical */
	double last_le, last_bucket, inf, count, sum;
	bool has_bucket, has_inf, has_count, has_sum;
};

struct parser {
	struct om_result *r;
	bool classic;		/* the 0.0.4 text format */
	char help[NAME_LEN];	/* classic: the HELP line's name, before TYPE */
	int line;
	char fams[MAX_FAMILIES][NAME_LEN];
	int nfams;
	char fam[NAME_LEN];	/* current family */
	char type[32];
	bool fam_has_samples;
	struct series series[MAX_SERIES];
	int nseries;
};

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->r->err, sizeof(p->r->err), "line %d: ", p->line);
	va_start(ap, fmt);
	vsnprintf(p->r->err + n, sizeof(p->r->err) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool valid_name(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return false;
	return true;
}

static bool parse_number(const char *s, double *v)
{
	char *end;

	if (!strcmp(s, "+Inf")) {
		*v = INFINITY;
		return true;
	}
	if (!strcmp(s, "-Inf")) {
		*v = -INFINITY;
		return true;
	}
	if (!strcmp(s, "NaN")) {
		*v = NAN;
		return true;
	}
	if (!*s || isspace((unsigned char)*s))
		return false;
	*v = strtod(s, &end);
	return *end == '\0';
}

/* End of the current family: every histogram series must be complete. */
static int close_family(struct parser *p)
{
	int i;

	if (strcmp(p->type, "histogram"))
		return 0;
	for (i = 0; i < p->nseries; i++) {
		struct series *s = &p->series[i];

		if (!s->has_inf)
			return fail(p, "%s{%s}: no le=\"+Inf\" bucket", p->fam, s->key);
		if (!s->has_count || s->count != s->inf)
			return fail(p, "%s{%s}: _count %g != +Inf bucket %g",
				    p->fam, s->key, s->count, s->inf);
		if (!s->has_sum)
			return fail(p, "%s{%s}: no _sum", p->fam, s->key);
		p->r->histograms++;
	}
	return 0;
}

static int metadata(struct parser *p, char *line)
{
	char kw[8], name[NAME_LEN], rest[256] = "";
	static const char *const types[] = {
		"counter", "gauge", "histogram", "gaugehistogram", "stateset",
		"info", "summary", "unknown",
	};
	unsigned int i;
	int n = 0;

	if (sscanf(line, "# %7s %127s %n", kw, name, &n) < 2 || !n)
		return fail(p, "bad metadata line");
	snprintf(rest, sizeof(rest), "%s", line + n);
	if (!valid_name(name, strlen(name)))
		return fail(p, "bad metric name '%s'", name);
	if (p->classic && !strcmp(kw, "HELP")) {
		/* classic: HELP, then TYPE, of one family */
		if (close_family(p))
			return -1;
		if (p->help[0])
			return fail(p, "HELP for %s without its TYPE", p->help);
		snprintf(p->help, sizeof(p->help), "%s", name);
		p->fam[0] = '\0';
		return 0;
	}
	if (p->classic && !strcmp(kw, "UNIT"))
		return fail(p, "UNIT is not in the classic format");
	if (!strcmp(kw, "TYPE")) {
		if (p->classic && strcmp(p->help, name))
			return fail(p, "TYPE %s not after its HELP", name);
		p->help[0] = '\0';
		if (!p->classic && close_family(p))
			return -1;
		for (i = 0; i < (unsigned int)p->nfams; i++)
			if (!strcmp(p->fams[i], name))
				return fail(p, "family %s declared twice", name);
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(rest, types[i]))
				break;
		if (i == sizeof(types) / sizeof(types[0]))
			return fail(p, "unknown type '%s'", rest);
		if (p->nfams == MAX_FAMILIES)
			return fail(p, "too many families");
		snprintf(p->fams[p->nfams++], NAME_LEN, "%s", name);
		snprintf(p->fam, sizeof(p->fam), "%s", name);
		snprintf(p->type, sizeof(p->type), "%.31s", rest);
		p->fam_has_samples = false;
		p->nseries = 0;
		p->r->families++;
		return 0;
	}
	if (strcmp(name, p->fam))
		return fail(p, "%s for %s outside its family", kw, name);
	if (p->fam_has_samples)
		return fail(p, "%s after samples", kw);
	if (!strcmp(kw, "HELP"))
		return 0;
	if (!strcmp(kw, "UNIT")) {
		size_t nl = strlen(name), ul = strlen(rest);

		if (!ul || nl <= ul + 1 || strcmp(name + nl - ul, rest) ||
		    name[nl - ul - 1] != '_')
			return fail(p, "family %s does not end in its unit %s",
				    name, rest);
		return 0;
	}
	return fail(p, "unknown metadata '%s'", kw);
}

struct label {
	char name[NAME_LEN];
	char value[LABELS_LEN];
};

static int cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->name,
		      ((const struct label *)b)->name);
}

/* Parses {a="x",b="y"} at *s; advances *s past it. */
static int parse_labels(struct parser *p, const char **s, struct label *l,
			int *nl)
{
	const char *c = *s + 1;
	size_t n;
	int i;

	*nl = 0;
	if (*c == '}') {
		*s = c + 1;
		return 0;
	}
	for (;;) {
		if (*nl == MAX_LABELS)
			return fail(p, "too many labels");
		n = strcspn(c, "=");
		if (!valid_name(c, n) || n >= NAME_LEN || c[n] != '=' || c[n + 1] != '"')
			return fail(p, "bad label");
		memcpy(l[*nl].name, c, n);
		l[*nl].name[n] = '\0';
		c += n + 2;
		for (n = 0; *c && *c != '"'; c++) {
			if (*c == '\\') {
				c++;
				if (*c != '\\' && *c != '"' && *c != 'n')
					return fail(p, "bad escape in label value");
			}
			if (n + 1 < LABELS_LEN)
				l[*nl].value[n++] = *c;
		}
		if (*c != '"')
			return fail(p, "unterminated label value");
		l[*nl].value[n] = '\0';
		for (i = 0; i < *nl; i++)
			if (!strcmp(l[i].name, l[*nl].name))
				return fail(p, "label %s repeated", l[i].name);
		(*nl)++;
		c++;
		if (*c == '}')
			break;
		if (*c != ',')
			return fail(p, "expected , or } in labels");
		c++;
	}
	*s = c + 1;
	return 0;
}

static struct series *find_series(struct parser *p, const char *key)
{
	int i;

	for (i = 0; i < p->nseries; i++)
		if (!strcmp(p->series[i].key, key))
			return &p->series[i];
	if (p->nseries == MAX_SERIES)
		return NULL;
	memset(&p->series[p->nseries], 0, sizeof(p->series[0]));
	snprintf(p->series[p->nseries].key, LABELS_LEN, "%s", key);
	p->series[p->nseries].last_le = -INFINITY;
	return &p->series[p->nseries++];
}

static bool suffix(const char *name, const char *fam, const char *suf)
{
	size_t fl = strlen(fam);

	return !strncmp(name, fam, fl) && !strcmp(name + fl, suf);
}

static int histogram_sample(struct parser *p, const char *name,
			    struct label *l, int nl, double v)
{
	char key[LABELS_LEN] = "";
	double le = NAN;
	struct series *s;
	size_t n = 0;
	int i;

	qsort(l, nl, sizeof(*l), cmp_label);
	for (i = 0; i < nl; i++) {
		if (!strcmp(l[i].name, "le")) {
			if (!parse_number(l[i].value, &le) || isnan(le))
				return fail(p, "bad le \"%s\"", l[i].value);
			continue;
		}
		n += snprintf(key + n, n < sizeof(key) ? sizeof(key) - n : 0,
			      "%s=%s,", l[i].name, l[i].value);
	}
	s = find_series(p, key);
	if (!s)
		return fail(p, "too many series");
	if (isnan(v) || v < 0)
		return fail(p, "negative or NaN histogram value");
	if (suffix(name, p->fam, "_bucket")) {
		if (isnan(le))
			return fail(p, "bucket without le");
		if (s->has_count || s->has_sum || s->has_inf)
			return fail(p, "bucket after +Inf, _count or _sum");
		if (le <= s->last_le)
			return fail(p, "le %g not increasing", le);
		if (s->has_bucket && v < s->last_bucket)
			return fail(p, "buckets not cumulative (%g < %g)", v,
				    s->last_bucket);
		s->last_le = le;
		s->last_bucket = v;
		s->has_bucket = true;
		if (isinf(le)) {
			s->has_inf = true;
			s->inf = v;
		}
		return 0;
	}
	if (!isnan(le))
		return fail(p, "le on a non-bucket sample");
	if (suffix(name, p->fam, "_count")) {
		if (s->has_count || v != floor(v))
			return fail(p, "bad or repeated _count");
		s->has_count = true;
		s->count = v;
		return 0;
	}
	if (suffix(name, p->fam, "_sum")) {
		if (s->has_sum)
			return fail(p, "repeated _sum");
		s->has_sum = true;
		s->sum = v;
		return 0;
	}
	if (suffix(name, p->fam, "_created"))
		return 0;
	return fail(p, "sample %s does not belong to histogram %s", name, p->fam);
}

static int sample(struct parser *p, const char *line)
{
	struct label l[MAX_LABELS];
	char name[NAME_LEN], value[64];
	const char *s = line;
	size_t n = strcspn(s, "{ ");
	double v;
	int nl = 0;

	if (!p->fam[0])
		return fail(p, "sample before any TYPE");
	if (!valid_name(s, n) || n >= NAME_LEN)
		return fail(p, "bad sample name");
	memcpy(name, s, n);
	name[n] = '\0';
	s += n;
	if (*s == '{' && parse_labels(p, &s, l, &nl))
		return -1;
	if (*s != ' ')
		return fail(p, "expected a space before the value");
	s++;
	n = strcspn(s, " ");
	if (n >= sizeof(value))
		return fail(p, "value too long");
	memcpy(value, s, n);
	value[n] = '\0';
	if (!parse_number(value, &v))
		return fail(p, "bad value '%s'", value);
	if (s[n] == ' ' && !parse_number(s + n + 1, &v))
		return fail(p, "bad timestamp");
	p->fam_has_samples = true;
	p->r->samples++;

	if (!strcmp(p->type, "histogram"))
		return histogram_sample(p, name, l, nl, v);
	if (!strcmp(p->type, "counter") && p->classic) {
		/* The family is named after its samples: what node_exporter needs. */
		if (strcmp(name, p->fam))
			return fail(p, "counter sample %s outside family %s", name, p->fam);
		if (isnan(v) || v < 0)
			return fail(p, "negative counter");
		return 0;
	}
	if (!strcmp(p->type, "counter")) {
		if (!suffix(name, p->fam, "_total") && !suffix(name, p->fam, "_created"))
			return fail(p, "counter sample %s is not %s_total", name, p->fam);
		if (isnan(v) || v < 0)
			return fail(p, "negative counter");
		return 0;
	}
	if (strcmp(name, p->fam))
		return fail(p, "sample %s outside family %s", name, p->fam);
	return 0;
}

static int parse(const char *text, bool classic, struct om_result *r)
{
	struct parser *p = calloc(1, sizeof(*p));
	const char *line = text, *nl;
	char buf[1024];
	size_t len;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!p) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	p->r = r;
	p->classic = classic;
	for (;;) {
		p->line++;
		nl = strchr(line, '\n');
		if (!nl) {
			fail(p, *line ? "last line not terminated" : "no # EOF");
			goto out;
		}
		len = nl - line;
		if (len >= sizeof(buf)) {
			fail(p, "line too long");
			goto out;
		}
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl + 1;
		if (!len) {
			fail(p, "empty line");
			goto out;
		}
		if (!strcmp(buf, "# EOF")) {
			if (*line) {
				fail(p, "text after # EOF");
				goto out;
			}
			ret = close_family(p);
			if (!ret && p->help[0])
				ret = fail(p, "HELP for %s without its TYPE", p->help);
			goto out;
		}
		if (buf[0] == '#' ? metadata(p, buf) : sample(p, buf))
			goto out;
	}
out:
	free(p);
	return ret;
}

int om_parse(const char *text, struct om_result *r)
{
	return parse(text, false, r);
}

int prom_parse(const char *text, struct om_result *r)
{
	return parse(text, true, r);
}
