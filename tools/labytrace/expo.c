// SPDX-License-Identifier: GPL-2.0
/* The classic Prometheus text format and OpenMetrics, line by line. */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expo.h"
#include "hist.h"

#define NS_PER_SEC 1000000000ULL

int expo_seconds(char *buf, size_t len, unsigned long long ns)
{
	unsigned long long frac = ns % NS_PER_SEC;
	int width = 9;

	if (!frac)
		return snprintf(buf, len, "%llu.0", ns / NS_PER_SEC);
	while (frac % 10 == 0) {
		frac /= 10;
		width--;
	}
	return snprintf(buf, len, "%llu.%0*llu", ns / NS_PER_SEC, width, frac);
}

void expo_label(struct expo_labels *l, const char *name, const char *value)
{
	if (l->n >= EXPO_MAX_LABELS)
		return;
	l->name[l->n] = name;
	l->value[l->n++] = value;
}

/*
 * Both formats escape \, " and newline in label values; in HELP the
 * classic format escapes only \ and newline (a \" there would be read as
 * two characters), OpenMetrics all three.
 */
static void escaped(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

void expo_begin(struct expo *e, FILE *f, enum expo_format fmt)
{
	memset(e, 0, sizeof(*e));
	e->f = f;
	e->fmt = fmt;
}

void expo_family(struct expo *e, const char *name, enum expo_type type,
		 const char *unit, const char *help)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };
	/* The classic format names a counter's family after its samples. */
	const char *suffix = type == EXPO_COUNTER && e->fmt == EXPO_CLASSIC ?
			     "_total" : "";

	e->family = name;
	e->type = type;
	if (e->fmt == EXPO_CLASSIC) {
		fprintf(e->f, "# HELP %s%s ", name, suffix);
		escaped(e->f, help, false);
		fprintf(e->f, "\n# TYPE %s%s %s\n", name, suffix, types[type]);
		return;
	}
	fprintf(e->f, "# TYPE %s %s\n", name, types[type]);
	if (unit)
		fprintf(e->f, "# UNIT %s %s\n", name, unit);
	fprintf(e->f, "# HELP %s ", name);
	escaped(e->f, help, true);
	fputc('\n', e->f);
}

/* name{a="x",b="y",le="1.0"}: @le may be NULL; no braces without labels. */
static void series(struct expo *e, const char *suffix,
		   const struct expo_labels *l, const char *le)
{
	const char *sep = "{";
	unsigned int i;

	fprintf(e->f, "%s%s", e->family, suffix);
	for (i = 0; l && i < l->n; i++) {
		fprintf(e->f, "%s%s=\"", sep, l->name[i]);
		escaped(e->f, l->value[i], true);
		fputc('"', e->f);
		sep = ",";
	}
	if (le) {
		fprintf(e->f, "%sle=\"%s\"", sep, le);
		sep = ",";
	}
	if (*sep == ',')
		fputc('}', e->f);
	fputc(' ', e->f);
	e->samples++;
}

void expo_value(struct expo *e, const struct expo_labels *l,
		unsigned long long v)
{
	series(e, e->type == EXPO_COUNTER ? "_total" : "", l, NULL);
	fprintf(e->f, "%llu\n", v);
}

void expo_value_seconds(struct expo *e, const struct expo_labels *l,
			unsigned long long ns)
{
	char buf[32];

	expo_seconds(buf, sizeof(buf), ns);
	series(e, "", l, NULL);
	fprintf(e->f, "%s\n", buf);
}

void expo_histogram(struct expo *e, const struct expo_labels *l,
		    const struct lt_hist *h, const unsigned int *les,
		    unsigned int nles)
{
	unsigned long long cum = 0;
	unsigned int i, slot = 0;
	char le[32];

	for (i = 0; i < nles; i++) {
		for (; slot <= les[i] && slot < LT_NR_SLOTS; slot++)
			cum += h->slots[slot];
		expo_seconds(le, sizeof(le), hist_slot_le(les[i]));
		series(e, "_bucket", l, le);
		fprintf(e->f, "%llu\n", cum);
	}
	cum = hist_count(h);
	series(e, "_bucket", l, "+Inf");
	fprintf(e->f, "%llu\n", cum);
	expo_seconds(le, sizeof(le), h->sum);
	series(e, "_sum", l, NULL);
	fprintf(e->f, "%s\n", le);
	series(e, "_count", l, NULL);
	fprintf(e->f, "%llu\n", cum);
}

int expo_end(struct expo *e)
{
	fputs("# EOF\n", e->f);
	return ferror(e->f) ? -EIO : 0;
}

const char *expo_content_type(enum expo_format fmt)
{
	return fmt == EXPO_OPENMETRICS ?
		"application/openmetrics-text; version=1.0.0; charset=utf-8" :
		"text/plain; version=0.0.4; charset=utf-8";
}

/* One media range of an Accept header: "type/sub;param=v;q=0.5". */
struct accept_entry {
	char type[64];
	char version[16];
	bool has_version;
	double q;
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* 0, or -1 for an entry that does not parse (it is then ignored). */
static int accept_parse(char *s, struct accept_entry *a)
{
	char *param, *eq, *v, *end;

	memset(a, 0, sizeof(*a));
	a->q = 1;
	param = strchr(s, ';');
	if (param)
		*param++ = '\0';
	s = trim(s);
	if (!strchr(s, '/') || strlen(s) >= sizeof(a->type))
		return -1;
	strcpy(a->type, s);
	while (param) {
		s = param;
		param = strchr(s, ';');
		if (param)
			*param++ = '\0';
		eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		s = trim(s);
		v = trim(eq + 1);
		if (*v == '"' && strlen(v) >= 2 && v[strlen(v) - 1] == '"') {
			v[strlen(v) - 1] = '\0';
			v++;
		}
		if (!strcasecmp(s, "q")) {
			a->q = strtod(v, &end);
			if (end == v || *end || a->q < 0 || a->q > 1)
				return -1;
		} else if (!strcasecmp(s, "version")) {
			snprintf(a->version, sizeof(a->version), "%s", v);
			a->has_version = true;
		}
	}
	return 0;
}

/* 1 OpenMetrics, 0 classic, -1 neither (a format we do not write). */
static int accept_format(const struct accept_entry *a)
{
	if (!strcasecmp(a->type, "application/openmetrics-text") &&
	    (!a->has_version || !strcmp(a->version, "1.0.0") ||
	     !strcmp(a->version, "0.0.1")))
		return 1;
	if (!strcasecmp(a->type, "text/plain") &&
	    (!a->has_version || !strcmp(a->version, "0.0.4")))
		return 0;
	return -1;
}

enum expo_format expo_negotiate(const char *accept)
{
	struct accept_entry a;
	double best_q = 0;
	int best = 0, fmt;
	char *copy, *entry, *save = NULL;

	if (!accept || !(copy = strdup(accept)))
		return EXPO_CLASSIC;
	for (entry = strtok_r(copy, ",", &save); entry;
	     entry = strtok_r(NULL, ",", &save)) {
		if (accept_parse(entry, &a) || a.q <= 0)
			continue;
		fmt = accept_format(&a);
		if (fmt >= 0 && a.q > best_q) {
			best_q = a.q;
			best = fmt;
		}
	}
	free(copy);
	return best ? EXPO_OPENMETRICS : EXPO_CLASSIC;
}
