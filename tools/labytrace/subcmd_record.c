// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace record -o FILE: tracing, with every interval's histograms kept
 * in FILE (record.c writes its lines; report.c one an interval).
 *
 * FILE is written as a temporary file beside it, renamed over it once the
 * run has started: a run that cannot start (no privilege, a mode this
 * kernel lacks, a port in use) leaves an earlier recording as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "record.h"
#include "textfile.h"

/* After every check of the run, before any BPF: a file that cannot be, said now. */
int recording_create(struct app *a)
{
	int fd = tmp_beside(a->opts.output, 0644, &a->rec_tmp), err;

	if (fd < 0) {
		err = -fd;
	} else {
		a->rec = fdopen(fd, "w");
		if (a->rec)
			return -1;
		err = errno;
		close(fd);
	}
	note("cannot write %s: %s", a->opts.output, strerror(err));
	recording_abandon(a);
	return EXIT_ERROR;
}

/* Its first line, what runs; then it takes FILE's place. */
int start_recording(struct app *a)
{
	struct run_info ri = {};

	run_info_final(a, &ri);
	if (record_header(a->rec, &a->oc, &ri, mono_ns()) ||
	    rename(a->rec_tmp, a->opts.output)) {
		note("cannot write %s: %s", a->opts.output, strerror(errno ? errno : EIO));
		return -1;
	}
	free(a->rec_tmp);
	a->rec_tmp = NULL;
	return 0;
}

void recording_abandon(struct app *a)
{
	if (a->rec)
		fclose(a->rec);
	a->rec = NULL;
	if (a->rec_tmp)
		unlink(a->rec_tmp);
	free(a->rec_tmp);
	a->rec_tmp = NULL;
}
