// SPDX-License-Identifier: GPL-2.0
/*
 * ndjson_check FILE: is labytrace's -j output valid, and do its numbers add
 * up?  Every line must be one strict JSON object with a known "type"; the
 * last line is the one final summary; the interval summaries sum to it;
 * failure records plus ring buffer drops plus the failures past
 * --failure-records equal the failures counted; and the failures counted by
 * stack, in the intervals and at the end, equal them too.  The same for
 * violations, when they were traced.
 * Prints what host-check.sh asserts on, "ok" last; exits 1 on any error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

static const char *const types[] = {
	"latency", "failure", "failure_stack", "violation", "violation_stack",
	"held", "owner", "lost", "summary",
};
#define NR_TYPES (sizeof(types) / sizeof(types[0]))

static int fail(int line, const char *msg, const char *detail)
{
	printf("error: line %d: %s%s%s\n", line, msg, detail ? ": " : "",
	       detail ? detail : "");
	return 1;
}

static long long num(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	return json_object_get_int64(v);
}

/* The sum of the "count" of each member of @o's object @key. */
static long long sum_counts(json_object *o, const char *key)
{
	json_object *v, *n;
	long long sum = 0;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	json_object_object_foreach(v, k, kind) {
		(void)k;
		if (json_object_object_get_ex(kind, "count", &n))
			sum += json_object_get_int64(n);
	}
	return sum;
}

/* "dropped" or "lost" of the final summary: its @key, -1 if missing. */
static long long final_num(json_object *final, const char *obj, const char *key)
{
	json_object *o;

	return json_object_object_get_ex(final, obj, &o) ? num(o, key) : -1;
}

static void print_strings(json_object *final, const char *key)
{
	json_object *o;

	if (!json_object_object_get_ex(final, key, &o))
		return;
	json_object_object_foreach(o, k, v)
		printf("final.%s.%s %s\n", key, k, json_object_get_string(v));
}

int main(int argc, char **argv)
{
	long long allocs = 0, fails = 0, records = 0, drops = 0, unrecorded = 0;
	long long by_stack = 0, by_stack_final = 0, unaggregated = 0;
	long long viol_records = 0, viol_by_stack = 0, viol_by_stack_final = 0;
	long long viols;
	int counts[NR_TYPES] = {}, line = 0, finals = 0;
	json_tokener *tok = json_tokener_new();
	json_object *o, *t, *final = NULL, *lost;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned int i;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: ndjson_check FILE\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	while ((len = getline(&buf, &cap, f)) > 0) {
		line++;
		if (final)
			return fail(line, "output after the final summary", NULL);
		if (buf[len - 1] != '\n')
			return fail(line, "not newline-terminated", NULL);
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, buf, len - 1);
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    json_tokener_get_parse_end(tok) != (size_t)len - 1)
			return fail(line, "not one JSON value",
				    json_tokener_error_desc(json_tokener_get_error(tok)));
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, "type", &t) ||
		    !json_object_is_type(t, json_type_string))
			return fail(line, "not an object with a string \"type\"", NULL);
		for (i = 0; i < NR_TYPES; i++)
			if (!strcmp(json_object_get_string(t), types[i]))
				break;
		if (i == NR_TYPES)
			return fail(line, "unknown type", json_object_get_string(t));
		counts[i]++;
		if (!strcmp(types[i], "failure"))
			records++;
		if (!strcmp(types[i], "violation"))
			viol_records++;
		if (!strcmp(types[i], "failure_stack") ||
		    !strcmp(types[i], "violation_stack")) {
			bool viol = types[i][0] == 'v';
			json_object *fin;

			if (!json_object_object_get_ex(o, "final", &fin) || num(o, "count") <= 0)
				return fail(line, "a count by stack without \"final\" or a count",
					    types[i]);
			if (json_object_get_boolean(fin))
				*(viol ? &viol_by_stack_final : &by_stack_final) += num(o, "count");
			else
				*(viol ? &viol_by_stack : &by_stack) += num(o, "count");
		}
		if (!strcmp(types[i], "summary")) {
			json_object *fin;

			if (!json_object_object_get_ex(o, "final", &fin))
				return fail(line, "summary without \"final\"", NULL);
			if (json_object_get_boolean(fin)) {
				finals++;
				final = json_object_get(o);
			} else if (num(o, "failures") >= 0) {
				/* no "allocs" with --no-rates */
				allocs += num(o, "allocs") > 0 ? num(o, "allocs") : 0;
				fails += num(o, "failures");
			}
		}
		json_object_put(o);
	}
	fclose(f);
	free(buf);
	json_tokener_free(tok);
	if (!line)
		return fail(0, "no output", NULL);
	if (finals != 1 || !final)
		return fail(line, "the last line is not the one final summary", NULL);

	printf("lines %d\n", line);
	for (i = 0; i < NR_TYPES; i++)
		printf("type %s %d\n", types[i], counts[i]);
	if (num(final, "failures") >= 0) {
		if (num(final, "allocs") >= 0)
			printf("final.allocs %lld\n", num(final, "allocs"));
		printf("final.failures %lld\n", num(final, "failures"));
		if ((num(final, "allocs") >= 0 && allocs != num(final, "allocs")) ||
		    fails != num(final, "failures"))
			return fail(line, "interval summaries do not add up to the final one", NULL);
		printf("check intervals-sum-to-final ok\n");
		drops = final_num(final, "dropped", "ringbuf_full_failure");
		unaggregated = final_num(final, "lost", "failure_unaggregated");
		unrecorded = num(final, "failures_unrecorded");
		if (records + drops + unrecorded != num(final, "failures"))
			return fail(line, "failure records + ring buffer drops + unrecorded != failures", NULL);
		printf("check failure-records ok (%lld records, %lld dropped, %lld unrecorded)\n",
		       records, drops, unrecorded);
		if (by_stack + unaggregated != num(final, "failures") ||
		    by_stack_final != by_stack)
			return fail(line, "failures by stack do not add up to the failures", NULL);
		printf("check failure-stacks ok (%lld by stack, %lld unaggregated)\n",
		       by_stack, unaggregated);
	}
	viols = sum_counts(final, "violations");
	if (viols >= 0) {
		drops = final_num(final, "dropped", "ringbuf_full_violation");
		unrecorded = num(final, "violations_unrecorded");
		unaggregated = final_num(final, "lost", "violation_unaggregated");
		printf("final.violations %lld\n", viols);
		if (drops < 0 || unrecorded < 0 || viol_records + drops + unrecorded != viols)
			return fail(line, "violation records + ring buffer drops + unrecorded != violations", NULL);
		printf("check violation-records ok (%lld records, %lld dropped, %lld unrecorded)\n",
		       viol_records, drops, unrecorded);
		if (viol_by_stack + unaggregated != viols || viol_by_stack_final != viol_by_stack)
			return fail(line, "violations by stack do not add up to the violations", NULL);
		printf("check violation-stacks ok (%lld by stack, %lld unaggregated)\n",
		       viol_by_stack, unaggregated);
	}
	if (json_object_object_get_ex(final, "lost", &lost))
		printf("final.lost.total %lld\n", num(lost, "total"));
	printf("final.dropped.total %lld\n", final_num(final, "dropped", "total"));
	/* final.row ORDER CLASS EXCLUSIVE CONTEXT NOWARN ALLOCS FAILURES */
	if (json_object_object_get_ex(final, "classes", &t)) {
		for (i = 0; i < json_object_array_length(t); i++) {
			json_object *r = json_object_array_get_idx(t, i), *v;
			const char *keys[] = { "class", "exclusive", "context", "nowarn" };
			unsigned int k;

			printf("final.row %lld", num(r, "order"));
			for (k = 0; k < 4; k++)
				printf(" %s", json_object_object_get_ex(r, keys[k], &v) ?
				       json_object_get_string(v) : "?");
			printf(" %lld %lld\n", num(r, "allocs"), num(r, "failures"));
		}
	}
	print_strings(final, "sources");
	print_strings(final, "unavailable");
	if (json_object_object_get_ex(final, "contexts_known", &t))
		printf("final.contexts_known %s\n", json_object_get_string(t));
	if (json_object_object_get_ex(final, "recursion_per_context", &t))
		printf("final.recursion_per_context %s\n", json_object_get_string(t));
	json_object_put(final);
	printf("ok\n");
	return 0;
}
