// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace record -o FILE: tracing, with every interval's histograms kept
 * in FILE (record.c writes its lines; report.c one an interval).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "record.h"

/* record -o FILE: its first line, what runs (opened in setup()). */
int start_recording(struct app *a)
{
	struct run_info ri = {};

	run_info_final(a, &ri);
	if (record_header(a->rec, &a->oc, &ri, mono_ns())) {
		note("cannot write %s: %s", a->opts.output, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
