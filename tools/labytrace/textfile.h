/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --prometheus FILE: the cumulative counts in the classic text format, the
 * one node_exporter's textfile collector parses, replaced atomically every
 * interval.
 */
#ifndef LABYTRACE_TEXTFILE_H
#define LABYTRACE_TEXTFILE_H

#include <stddef.h>
#include <sys/types.h>
#include "stats.h"

/* "is a directory, not a regular file", or NULL for a regular file. */
const char *file_mode_problem(mode_t mode);
/*
 * Why labytrace will not write @path ("is a character device, not a
 * regular file"), or NULL: it is missing or a regular file.
 */
const char *textfile_target_problem(const char *path);
/*
 * A new temporary file beside @path (same directory, so same file system
 * for rename(); a dot file, ".NAME.XXXXXX", which no *.prom glob takes),
 * O_EXCL, mode @mode: its fd, its name in *@tmp (free() it), or -errno.
 */
int tmp_beside(const char *path, mode_t mode, char **tmp);
/*
 * Write to a temporary file next to @path (O_EXCL, mode 0644), then
 * rename() it over @path, so a reader never sees half a file.  Refuses a
 * @path that exists and is not a regular file.  Returns 0, or -errno with
 * one line in @why.
 */
int textfile_publish(const char *path, const struct out_ctx *c,
		     const struct lt_snapshot *cum, char *why, size_t len);

#endif
