// SPDX-License-Identifier: GPL-2.0
/* labytrace owners: who owns exclusive pages now, from the kernel's lists. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "kowners.h"

/*
 * labytrace owners: the kernel's lists, read once.  "owners" is missing on
 * kernels from before owner objects: the pages alone still say who.
 */
int list_owners(const struct options *o)
{
	unsigned int top = o->held_top_set ? o->held_top : 3;
	FILE *owners, *pages;
	struct kowners k;
	char why[256];
	int err, werr;

	pages = fopen(KOWNERS_DIR "/pages", "re");
	if (!pages) {
		err = errno;
		if (err == EACCES || err == EPERM) {
			note("cannot read %s/pages: %s (needs root)", KOWNERS_DIR,
			     strerror(err));
			return EXIT_PRIVILEGE;
		}
		note("cannot read %s/pages: %s (not a __GFP_EXCLUSIVE kernel, page_exclusive=off, or debugfs not mounted)",
		     KOWNERS_DIR, strerror(err));
		return err == ENOENT ? EXIT_UNAVAILABLE : EXIT_ERROR;
	}
	owners = fopen(KOWNERS_DIR "/owners", "re");
	err = kowners_parse(owners, pages, top, &k, why, sizeof(why));
	if (owners)
		fclose(owners);
	fclose(pages);
	if (err) {
		note("%s/%s", KOWNERS_DIR, why);
		kowners_free(&k);
		return EXIT_ERROR;
	}
	err = o->json ? kowners_json(stdout, &k) : kowners_print(stdout, &k, 0);
	if (!err)
		err = fflush(stdout);
	werr = errno ? errno : EIO;
	kowners_free(&k);
	/* A reader that had enough (| head -1) is no error, as for tracing. */
	if (err && werr != EPIPE) {
		note("cannot write to standard output: %s", strerror(werr));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
