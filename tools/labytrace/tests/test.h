/* SPDX-License-Identifier: GPL-2.0 */
/* What every unit test needs: cmocka and a way to capture a FILE. */
#ifndef LABYTRACE_TEST_H
#define LABYTRACE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Output captured in memory; free(buf) after mem_close(). */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

static inline void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static inline char *mem_close(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

#endif
