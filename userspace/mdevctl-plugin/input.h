/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the callout's stdin: bounded in size and in time, so that no
 * input can make the callout hang mdevctl or grow without limit.
 */
#ifndef VS_INPUT_H
#define VS_INPUT_H

#include <stddef.h>

/* Largest configuration accepted; a real one is a few hundred bytes. */
#define VS_INPUT_MAX (1024 * 1024)
/* How long mdevctl may take to write it and close the pipe. */
#define VS_INPUT_TIMEOUT_MS 10000

/*
 * Read fd to its end.  The buffer is NUL-terminated (the data may hold
 * NULs too); the caller frees it.  Input beyond max is read and dropped.
 * Return: 0, -EFBIG (more than max bytes), -ETIMEDOUT (no end within
 * timeout_ms), or -errno.
 */
int vs_read_input(int fd, size_t max, int timeout_ms, char **buf, size_t *len);

#endif /* VS_INPUT_H */
