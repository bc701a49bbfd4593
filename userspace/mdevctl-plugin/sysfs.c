// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs attribute access under a root directory (see sysfs.h).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"

int vs_pathf(char *buf, size_t n, const char *root, const char *fmt, ...)
{
	size_t rlen = root ? strlen(root) : 0;
	va_list ap;
	int len;

	while (rlen && root[rlen - 1] == '/')
		rlen--;
	if (rlen >= n)
		return -ENAMETOOLONG;
	if (rlen)
		memcpy(buf, root, rlen);
	va_start(ap, fmt);
	len = vsnprintf(buf + rlen, n - rlen, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n - rlen)
		return -ENAMETOOLONG;
	return 0;
}

int vs_read_text(const char *path, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;
	int fd;

	if (!n)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == n)
			break;
	}
	if (r < 0) {
		r = -errno;
		close(fd);
		return (int)r;
	}
	close(fd);
	if (got == n)
		return -EFBIG;
	if (got && buf[got - 1] == '\n')
		got--;
	buf[got] = '\0';
	return 0;
}

int vs_read_ulong(const char *path, unsigned long *val)
{
	char buf[64], *end;
	int ret;

	ret = vs_read_text(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtoul(buf, &end, 0);
	if (errno || end == buf || *end || buf[0] == '-')
		return -EINVAL;
	return 0;
}

int vs_write_text(const char *path, const char *val, size_t len)
{
	ssize_t w;
	int fd, ret = 0;

	/* O_TRUNC as a shell redirection: sysfs ignores it, files do not. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		w = write(fd, val, len);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		ret = -errno;
	else if ((size_t)w != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int vs_link_base(const char *path, char *buf, size_t n)
{
	char target[4096];
	const char *base;
	ssize_t len;

	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return -errno;
	target[len] = '\0';
	while (len > 1 && target[len - 1] == '/')
		target[--len] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= n)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

bool vs_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool vs_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vs_list_dir(const char *path, struct vs_names *names)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;

	names->name = NULL;
	names->n = 0;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (names->n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(names->name, cap * sizeof(*grown));
			if (!grown)
				goto nomem;
			names->name = grown;
		}
		names->name[names->n] = strdup(de->d_name);
		if (!names->name[names->n])
			goto nomem;
		names->n++;
	}
	closedir(dir);
	if (names->n)
		qsort(names->name, names->n, sizeof(*names->name), cmp_names);
	return 0;
nomem:
	closedir(dir);
	vs_names_free(names);
	return -ENOMEM;
}

void vs_names_free(struct vs_names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->name[i]);
	free(names->name);
	names->name = NULL;
	names->n = 0;
}
