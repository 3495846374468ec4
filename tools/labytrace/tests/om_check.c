// SPDX-License-Identifier: GPL-2.0
/*
 * om_check [--classic] FILE: is FILE strict OpenMetrics text (or, with
 * --classic, the classic text format node_exporter reads)?  For the host
 * and exporter checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "om_parse.h"

int main(int argc, char **argv)
{
	struct om_result r;
	char *text = NULL;
	size_t cap = 0, len = 0, n;
	int classic = argc == 3 && !strcmp(argv[1], "--classic");
	FILE *f;

	if (argc != 2 + classic) {
		fprintf(stderr, "usage: om_check [--classic] FILE\n");
		return 2;
	}
	f = fopen(argv[1 + classic], "r");
	if (!f) {
		perror(argv[1 + classic]);
		return 1;
	}
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			text = realloc(text, cap);
			if (!text)
				return 1;
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
	} while (n);
	fclose(f);
	text[len] = '\0';
	if ((classic ? prom_parse : om_parse)(text, &r)) {
		printf("error: %s\n", r.err);
		free(text);
		return 1;
	}
	printf("ok families=%d samples=%d histograms=%d\n", r.families,
	       r.samples, r.histograms);
	free(text);
	return 0;
}
