// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs-write: write exact bytes to a file in one write(2) and report
 * the result as an errno name, so that tests can assert on errno (a
 * shell's "echo >" reports only a message).
 *
 * usage: sysfs-write PATH DATA
 * DATA takes the escapes \n, \0, \\ and \xHH.  Prints "OK" or the errno
 * name (e.g. "EEXIST") on stdout; exits 0 only on a full write.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (*in != '\\') {
			out[n++] = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case 'n':
			out[n++] = '\n';
			in++;
			break;
		case '0':
			out[n++] = '\0';
			in++;
			break;
		case 'x':
			if (hexval(in[1]) >= 0 && hexval(in[2]) >= 0) {
				out[n++] = (char)(hexval(in[1]) << 4 | hexval(in[2]));
				in += 3;
				break;
			}
			/* fall through */
		default:
			out[n++] = '\\';
			if (*in)
				out[n++] = *in++;
			break;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	char *buf;
	size_t len;
	ssize_t ret;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s PATH DATA\n", argv[0]);
		return 2;
	}
	buf = malloc(strlen(argv[2]) + 1);
	if (!buf)
		return 2;
	len = unescape(argv[2], buf);

	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	ret = write(fd, buf, len);
	if (ret < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	close(fd);
	if ((size_t)ret != len) {
		printf("SHORT %zd of %zu\n", ret, len);
		return 1;
	}
	printf("OK\n");
	return 0;
}
