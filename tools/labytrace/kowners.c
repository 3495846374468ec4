// SPDX-License-Identifier: GPL-2.0
/* The kernel's own lists of owners and owned pages (debugfs), parsed. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "hist.h"
#include "kowners.h"
#include "owners.h"

static struct kowner *find(struct kowners *k, unsigned int kind, int id)
{
	struct kowner *o;
	unsigned int i;

	for (i = 0; i < k->n; i++)
		if (k->v[i].kind == kind && k->v[i].id == id)
			return &k->v[i];
	o = realloc(k->v, (k->n + 1) * sizeof(*k->v));
	if (!o)
		return NULL;
	k->v = o;
	o = &k->v[k->n++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->id = id;
	o->listed_pages = -1;
	o->oldest = calloc(k->top ? k->top : 1, sizeof(*o->oldest));
	if (!o->oldest) {
		k->n--;
		return NULL;
	}
	return o;
}

/* "task:123", "softirq:cpu1", "hardirq:cpu0", "object:7 (eth0 rx0)". */
static int parse_owner(const char *s, unsigned int *kind, int *id, char *name)
{
	static const char *const kinds[] = { "task:", "softirq:cpu", "hardirq:cpu" };
	const char *open, *end;
	unsigned int i;
	char *rest;
	long v;

	name[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (strncmp(s, kinds[i], strlen(kinds[i])))
			continue;
		v = strtol(s + strlen(kinds[i]), &rest, 10);
		if (rest == s + strlen(kinds[i]) || *rest)
			return -1;
		*kind = i == 0 ? LT_TASK : i == 1 ? LT_SOFTIRQ : LT_HARDIRQ;
		*id = v;
		return 0;
	}
	if (strncmp(s, "object:", 7))
		return -1;
	v = strtol(s + 7, &rest, 10);
	if (rest == s + 7 || strncmp(rest, " (", 2))
		return -1;
	/* The name may hold anything, parentheses too: up to the last ')'. */
	open = rest + 2;
	end = s + strlen(s);
	if (end == open || end[-1] != ')')
		return -1;
	snprintf(name, LT_OWNER_NAME_LEN, "%.*s", (int)(end - 1 - open), open);
	*kind = LT_OBJECT;
	*id = v;
	return 0;
}

/* Keep @p among @o's k->top oldest; the slot it took, or NULL. */
static struct kpage *keep(struct kowners *k, struct kowner *o,
			  const struct kpage *p)
{
	unsigned int i;

	if (!k->top)
		return NULL;
	if (o->nr_oldest == k->top) {
		if (o->oldest[k->top - 1].age_ms >= p->age_ms)
			return NULL;
		free(o->oldest[k->top - 1].acquired);
		free(o->oldest[k->top - 1].transferred);
		o->nr_oldest--;
	}
	/* The kernel lists pages by pfn: insert by age, ties in pfn order. */
	for (i = o->nr_oldest; i > 0 && o->oldest[i - 1].age_ms < p->age_ms; i--)
		o->oldest[i] = o->oldest[i - 1];
	o->oldest[i] = *p;
	o->nr_oldest++;
	return &o->oldest[i];
}

/* Append @line (a frame) to *@text. */
static int append(char **text, const char *line)
{
	size_t old = *text ? strlen(*text) : 0, add = strlen(line);
	char *t = realloc(*text, old + add + 2);

	if (!t)
		return -1;
	memcpy(t + old, line, add);
	t[old + add] = '\n';
	t[old + add + 1] = '\0';
	*text = t;
	return 0;
}

static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == '\n' || e[-1] == ' '))
		*--e = '\0';
	return s;
}

static int cmp_owner(const void *a, const void *b)
{
	const struct kowner *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int parse_owners(FILE *f, struct kowners *k, char *why, size_t len)
{
	char line[256], *name;
	struct kowner *o;
	long long pages;
	int id, n, lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		lineno++;
		n = -1;
		if (sscanf(line, "id=%d pages=%lld name=%n", &id, &pages, &n) != 2 ||
		    n < 0) {
			snprintf(why, len, "owners line %d does not parse: %.60s",
				 lineno, trim(line));
			return -1;
		}
		name = line + n;
		name[strcspn(name, "\n")] = '\0';
		o = find(k, LT_OBJECT, id);
		if (!o)
			goto nomem;
		snprintf(o->name, sizeof(o->name), "%s", name);
		o->listed_pages = pages;
	}
	return 0;
nomem:
	snprintf(why, len, "out of memory");
	return -1;
}

int kowners_parse(FILE *owners, FILE *pages, unsigned int top,
		  struct kowners *k, char *why, size_t len)
{
	char line[512], ostr[128], name[LT_OWNER_NAME_LEN], *age, **stack = NULL;
	struct kpage p, *slot = NULL;
	unsigned int kind;
	struct kowner *o;
	int id, n, lineno = 0;

	memset(k, 0, sizeof(*k));
	k->top = top < KOWNERS_TOP_MAX ? top : KOWNERS_TOP_MAX;
	if (owners && parse_owners(owners, k, why, len))
		return -1;
	while (fgets(line, sizeof(line), pages)) {
		lineno++;
		if (line[0] == ' ' || line[0] == '\t') {
			/* " acquired by:", " last transferred by:", or a frame */
			char *t = trim(line);

			if (!slot)
				continue;
			if (!strcmp(t, "acquired by:"))
				stack = &slot->acquired;
			else if (!strcmp(t, "last transferred by:"))
				stack = &slot->transferred;
			else if (*t && stack && append(stack, t))
				goto nomem;
			continue;
		}
		slot = NULL;
		stack = NULL;
		n = -1;
		memset(&p, 0, sizeof(p));
		age = strstr(line, " age_ms=");
		if (sscanf(line, "pfn=%llx order=%u owner=%n", &p.pfn, &p.order, &n) != 2 ||
		    n < 0 || !age || age < line + n ||
		    sscanf(age, " age_ms=%llu", &p.age_ms) != 1) {
			snprintf(why, len, "pages line %d does not parse: %.60s",
				 lineno, trim(line));
			return -1;
		}
		snprintf(ostr, sizeof(ostr), "%.*s", (int)(age - (line + n)), line + n);
		if (parse_owner(ostr, &kind, &id, name)) {
			snprintf(why, len, "pages line %d: unknown owner '%s'", lineno, ostr);
			return -1;
		}
		o = find(k, kind, id);
		if (!o)
			goto nomem;
		if (name[0] && !o->name[0])
			snprintf(o->name, sizeof(o->name), "%s", name);
		o->allocations++;
		o->pages += 1ULL << (p.order < 63 ? p.order : 63);
		k->allocations++;
		k->pages += 1ULL << (p.order < 63 ? p.order : 63);
		slot = keep(k, o, &p);
	}
	if (k->n > 1)
		qsort(k->v, k->n, sizeof(*k->v), cmp_owner);
	return 0;
nomem:
	snprintf(why, len, "out of memory");
	return -1;
}

void kowners_free(struct kowners *k)
{
	unsigned int i, j;

	for (i = 0; i < k->n; i++) {
		for (j = 0; j < k->v[i].nr_oldest; j++) {
			free(k->v[i].oldest[j].acquired);
			free(k->v[i].oldest[j].transferred);
		}
		free(k->v[i].oldest);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static void print_frames(FILE *f, const char *what, const char *frames)
{
	const char *s = frames, *nl;

	if (!frames)
		return;
	fprintf(f, "      %s:\n", what);
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		fprintf(f, "        %.*s\n", (int)(nl - s), s);
	}
}

int kowners_print(FILE *f, const struct kowners *k, int brief)
{
	char label[96], age[8];
	unsigned int i, j;

	fprintf(f, "%-36s %10s %10s %7s\n", "OWNER", "ALLOCS", "PAGES", "OLDEST");
	for (i = 0; i < k->n; i++) {
		const struct kowner *o = &k->v[i];

		owner_format(label, sizeof(label), o->kind, o->id, o->name);
		fmt_duration(age, sizeof(age), o->nr_oldest ?
			     o->oldest[0].age_ms * 1000000ULL : 0);
		fprintf(f, "%-36s %10llu %10llu %7s\n", label, o->allocations,
			o->pages, o->nr_oldest ? age : "-");
		for (j = 0; j < o->nr_oldest; j++) {
			const struct kpage *p = &o->oldest[j];

			fmt_duration(age, sizeof(age), p->age_ms * 1000000ULL);
			fprintf(f, "    pfn %#llx order %u held %s\n", p->pfn, p->order, age);
			if (brief)
				continue;
			print_frames(f, "acquired by", p->acquired);
			print_frames(f, "last transferred by", p->transferred);
		}
	}
	fprintf(f, "%u owners, %llu allocations, %llu pages\n", k->n,
		k->allocations, k->pages);
	return ferror(f) ? -1 : 0;
}

static json_object *frames(const char *text)
{
	json_object *a = json_object_new_array();
	const char *s = text, *nl;
	char buf[256];

	for (; s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		snprintf(buf, sizeof(buf), "%.*s", (int)(nl - s), s);
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

int kowners_json(FILE *f, const struct kowners *k)
{
	char label[96], safe[LT_OWNER_NAME_LEN + 1];
	unsigned int i, j;
	int err = 0;

	for (i = 0; i < k->n && !err; i++) {
		const struct kowner *o = &k->v[i];
		json_object *j_o = json_object_new_object(), *own, *a, *pg;

		json_object_object_add(j_o, "type", json_object_new_string("kernel_owner"));
		own = json_object_new_object();
		json_object_object_add(own, "context",
				       json_object_new_string(owner_kind_name(o->kind)));
		if (o->kind == LT_OBJECT) {
			owner_safe_name(o->name, safe);
			json_object_object_add(own, "id", json_object_new_int(o->id));
			json_object_object_add(own, "name", json_object_new_string(safe));
		} else {
			json_object_object_add(own, o->kind == LT_TASK ? "pid" : "cpu",
					       json_object_new_int(o->id));
		}
		json_object_object_add(j_o, "owner", own);
		owner_format(label, sizeof(label), o->kind, o->id, o->name);
		json_object_object_add(j_o, "label", json_object_new_string(label));
		json_object_object_add(j_o, "allocations", json_object_new_uint64(o->allocations));
		json_object_object_add(j_o, "pages", json_object_new_uint64(o->pages));
		if (o->listed_pages >= 0)
			json_object_object_add(j_o, "registry_pages",
					       json_object_new_int64(o->listed_pages));
		a = json_object_new_array();
		for (j = 0; j < o->nr_oldest; j++) {
			const struct kpage *p = &o->oldest[j];

			pg = json_object_new_object();
			json_object_object_add(pg, "pfn", json_object_new_uint64(p->pfn));
			json_object_object_add(pg, "order", json_object_new_uint64(p->order));
			json_object_object_add(pg, "held_ns",
					       json_object_new_uint64(p->age_ms * 1000000ULL));
			json_object_object_add(pg, "acquired_stack", frames(p->acquired));
			json_object_object_add(pg, "transferred_stack",
					       p->transferred ? frames(p->transferred) : NULL);
			json_object_array_add(a, pg);
		}
		json_object_object_add(j_o, "oldest", a);
		err = fprintf(f, "%s\n", json_object_to_json_string_ext(j_o,
			      JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
		json_object_put(j_o);
	}
	return err || ferror(f) ? -1 : 0;
}
