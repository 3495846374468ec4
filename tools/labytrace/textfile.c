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

int tmp_beside(const char *path, mode_t mode, char **tmp)
{
	const char *slash = strrchr(path, '/');
	int fd, err;

	if (asprintf(tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0,
		     path, slash ? slash + 1 : path) < 0) {
		*tmp = NULL;
		return -ENOMEM;
	}
	/* mkostemp() makes it 0600; the reader may be another user. */
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, mode)) {
		err = -errno;
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return err;
	}
	return fd;
}

int textfile_publish(const char *path, const struct out_ctx *c,
	       const struct lt_snapshot *cum, char *why, size_t len)
{
	const char *problem;
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
	fd = tmp_beside(path, 0644, &tmp);
	if (fd < 0) {
		snprintf(why, len, "cannot write %s: %s", path, strerror(-fd));
		return fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
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
