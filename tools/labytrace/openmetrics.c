// SPDX-License-Identifier: GPL-2.0
/* OpenMetrics text writer and atomic publication. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gfp.h"
#include "hist.h"
#include "openmetrics.h"

#define NS_PER_SEC 1000000000ULL

int om_seconds(char *buf, size_t len, unsigned long long ns)
{
	unsigned long long frac = ns % NS_PER_SEC;
	int n, width = 9;

	if (!frac)
		return snprintf(buf, len, "%llu.0", ns / NS_PER_SEC);
	while (frac % 10 == 0) {
		frac /= 10;
		width--;
	}
	n = snprintf(buf, len, "%llu.%0*llu", ns / NS_PER_SEC, width, frac);
	return n;
}

static void family(FILE *f, const char *name, const char *type,
		   const char *unit, const char *help)
{
	fprintf(f, "# TYPE %s %s\n", name, type);
	if (unit)
		fprintf(f, "# UNIT %s %s\n", name, unit);
	fprintf(f, "# HELP %s %s\n", name, help);
}

/* All buckets, so that every series has the same le set. */
static void histogram(FILE *f, const char *name, const char *labels,
		      const struct lt_hist *h)
{
	unsigned long long cum = 0;
	char le[32];
	unsigned int i;

	for (i = 0; i < LT_NR_SLOTS - 1; i++) {
		cum += h->slots[i];
		om_seconds(le, sizeof(le), hist_slot_le(i));
		fprintf(f, "%s_bucket{%s,le=\"%s\"} %llu\n", name, labels, le, cum);
	}
	cum += h->slots[LT_NR_SLOTS - 1];
	fprintf(f, "%s_bucket{%s,le=\"+Inf\"} %llu\n", name, labels, cum);
	om_seconds(le, sizeof(le), h->sum);
	fprintf(f, "%s_sum{%s} %s\n", name, labels, le);
	fprintf(f, "%s_count{%s} %llu\n", name, labels, cum);
}

static void key_labels(const struct out_ctx *c, unsigned int key, char *buf,
		       size_t len)
{
	unsigned int order, cls, excl, ctx;

	lt_key_split(key, &order, &cls, &excl, &ctx);
	snprintf(buf, len, "order=\"%u\",class=\"%s\",exclusive=\"%s\",context=\"%s\"",
		 order, gfp_class_name(cls), excl ? "true" : "false",
		 ctx_name(c, ctx));
}

static void latency(FILE *f, const struct out_ctx *c,
		    const struct lt_snapshot *s)
{
	static const char name[] = "labytrace_page_alloc_latency_seconds";
	char labels[160];
	unsigned int key;

	family(f, name, "histogram", "seconds",
	       "Page allocation latency (order 11 counts all orders above 10).");
	for (key = 0; key < LT_NR_KEYS; key++) {
		if (!hist_count(&s->latency[key]))
			continue;
		key_labels(c, key, labels, sizeof(labels));
		histogram(f, name, labels, &s->latency[key]);
	}
}

/* The labels of a counts key: key_labels() and nowarn. */
static void count_labels(const struct out_ctx *c, unsigned int ckey, char *buf,
			 size_t len)
{
	size_t n;

	key_labels(c, ckey / 2, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, ",nowarn=\"%s\"", ckey % 2 ? "true" : "false");
}

static void failures(FILE *f, const struct out_ctx *c,
		     const struct lt_snapshot *s)
{
	char labels[192];
	unsigned int ckey;

	family(f, "labytrace_page_allocs", "counter", NULL,
	       "Page allocations seen (nowarn: with __GFP_NOWARN).");
	for (ckey = 0; ckey < LT_NR_COUNTS; ckey++) {
		if (!s->counts[ckey].allocs)
			continue;
		count_labels(c, ckey, labels, sizeof(labels));
		fprintf(f, "labytrace_page_allocs_total{%s} %llu\n", labels,
			s->counts[ckey].allocs);
	}
	family(f, "labytrace_page_alloc_failures", "counter", NULL,
	       "Page allocations that failed (nowarn: expected by the caller, "
	       "with __GFP_NOWARN).");
	for (ckey = 0; ckey < LT_NR_COUNTS; ckey++) {
		if (!s->counts[ckey].allocs)
			continue;
		count_labels(c, ckey, labels, sizeof(labels));
		fprintf(f, "labytrace_page_alloc_failures_total{%s} %llu\n",
			labels, s->counts[ckey].fails);
	}
}

static void counter1(FILE *f, const char *name, const char *help,
		     unsigned long long v)
{
	family(f, name, "counter", NULL, help);
	fprintf(f, "%s_total %llu\n", name, v);
}

static void gauge1(FILE *f, const char *name, const char *help,
		   unsigned long long v)
{
	family(f, name, "gauge", NULL, help);
	fprintf(f, "%s %llu\n", name, v);
}

static void violations(FILE *f, const struct out_ctx *c,
		       const struct lt_snapshot *s)
{
	static const char hold[] = "labytrace_exclusive_hold_seconds";
	struct out_ctx known = *c;
	char labels[64];
	unsigned int i, d;

	family(f, "labytrace_exclusive_violations", "counter", NULL,
	       "__GFP_EXCLUSIVE ownership violations, by kind and whether refused.");
	for (i = 0; i < LT_NR_KINDS; i++)
		for (d = 0; d < 2; d++)
			fprintf(f, "labytrace_exclusive_violations_total{kind=\"%s\",denied=\"%s\"} %llu\n",
				kind_name(i), d ? "true" : "false",
				s->violations[i][d]);
	counter1(f, "labytrace_exclusive_acquired", "Exclusive allocations.",
		 s->stats[LT_STAT_ACQUIRE]);
	counter1(f, "labytrace_exclusive_released",
		 "Ends of ownership (release or free).", s->stats[LT_STAT_RELEASE]);
	counter1(f, "labytrace_exclusive_transferred", "Ownership transfers.",
		 s->stats[LT_STAT_TRANSFER]);
	gauge1(f, "labytrace_exclusive_held_pages",
	       "Exclusive allocations owned now (acquired while labytrace ran).",
	       s->held_now);
	gauge1(f, "labytrace_exclusive_held_over_threshold_pages",
	       "Exclusive allocations held longer than --held-over.",
	       s->held_over);
	/* The kernel names the owner's context: always known. */
	known.ctx_known = true;
	family(f, hold, "histogram", "seconds",
	       "How long exclusive pages were owned, by the owner's context.");
	for (i = 0; i < LT_NR_CTX; i++) {
		snprintf(labels, sizeof(labels), "context=\"%s\"",
			 ctx_name(&known, i));
		histogram(f, hold, labels, &s->hold[i]);
	}
}

static void lost(FILE *f, const struct lt_snapshot *s)
{
	static const struct {
		const char *reason;
		int stat;
	} reasons[] = {
		{ "ringbuf_full_failure", LT_STAT_RB_FULL_FAILURE },
		{ "ringbuf_full_violation", LT_STAT_RB_FULL_VIOLATION },
		{ "latency_unmatched", LT_STAT_LAT_UNMATCHED },
		{ "latency_table_full", LT_STAT_LAT_START_FULL },
		{ "acquire_untracked", LT_STAT_ACQUIRE_UNTRACKED },
		{ "stack_unrecorded", LT_STAT_STACK_UNRECORDED },
		{ "failure_unaggregated", LT_STAT_FAIL_UNAGGREGATED },
	};
	unsigned int i;

	family(f, "labytrace_lost_events", "counter", NULL,
	       "Events or data labytrace could not record, by reason.");
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		fprintf(f, "labytrace_lost_events_total{reason=\"%s\"} %llu\n",
			reasons[i].reason, s->stats[reasons[i].stat]);
	fprintf(f, "labytrace_lost_events_total{reason=\"bpf_recursion_misses\"} %llu\n",
		s->bpf_misses);
}

int om_write(FILE *f, const struct out_ctx *c, const struct lt_snapshot *cum)
{
	if (c->have_latency)
		latency(f, c, cum);
	if (c->have_failures)
		failures(f, c, cum);
	if (c->have_violations)
		violations(f, c, cum);
	lost(f, cum);
	fprintf(f, "# EOF\n");
	return ferror(f) ? -EIO : 0;
}

const char *om_target_problem(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return NULL;	/* missing is fine; other errors show at write */
	switch (st.st_mode & S_IFMT) {
	case S_IFREG:
		return NULL;
	case S_IFLNK:
		return "is a symbolic link, not a regular file";
	case S_IFCHR:
		return "is a character device, not a regular file";
	case S_IFBLK:
		return "is a block device, not a regular file";
	case S_IFIFO:
		return "is a FIFO, not a regular file";
	case S_IFSOCK:
		return "is a socket, not a regular file";
	case S_IFDIR:
		return "is a directory, not a regular file";
	}
	return "is not a regular file";
}

int om_publish(const char *path, const struct out_ctx *c,
	       const struct lt_snapshot *cum, char *why, size_t len)
{
	const char *slash = strrchr(path, '/'), *problem;
	char *tmp;
	FILE *f;
	int fd, err;

	/*
	 * rename() replaces whatever @path names, and labytrace runs as
	 * root: only ever a regular file.  Checked at every publication,
	 * since the path may change under us (a window remains between this
	 * check and the rename; only root can use it).
	 */
	problem = om_target_problem(path);
	if (problem) {
		snprintf(why, len, "not replacing %s: it %s", path, problem);
		return -EEXIST;
	}
	/* A dot file in the same directory: same file system, and not *.prom. */
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0,
		     path, slash ? slash + 1 : path) < 0) {
		snprintf(why, len, "cannot write %s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	/* O_EXCL, mode 0600; then 0644, as the collector may be another user. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		snprintf(why, len, "cannot write %s: %s", path, strerror(-err));
		return err;
	}
	f = NULL;
	err = fchmod(fd, 0644) ? -errno : 0;
	if (!err) {
		f = fdopen(fd, "w");
		if (!f)
			err = -errno;
	}
	if (!f) {
		close(fd);
		goto out;
	}
	err = om_write(f, c, cum);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
out:
	if (err) {
		unlink(tmp);
		snprintf(why, len, "cannot write %s: %s", path, strerror(-err));
	}
	free(tmp);
	return err;
}
