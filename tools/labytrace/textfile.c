// SPDX-License-Identifier: GPL-2.0
/* The textfile for node_exporter, published atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "textfile.h"

const char *file_mode_problem(mode_t mode)
{
	switch (mode & S_IFMT) {
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

const char *textfile_target_problem(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return NULL;	/* missing is fine; other errors show at write */
	return file_mode_problem(st.st_mode);
}

int textfile_publish(const char *path, const struct out_ctx *c,
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
	problem = textfile_target_problem(path);
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
	err = metrics_write(f, EXPO_CLASSIC, c, cum);
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
