// SPDX-License-Identifier: GPL-2.0-only
/*
 * qmp: one QMP command to a QEMU, for the lab image (busybox has no
 * socat and there is no Python).
 *
 *   qmp [-t SECONDS] SOCKET 'JSON-COMMAND'
 *
 * Connects to QEMU's QMP server at the unix socket SOCKET (waiting for it
 * to appear while QEMU starts), reads the greeting, sends
 * {"execute":"qmp_capabilities"}, then JSON-COMMAND (e.g.
 * {"execute":"screendump","arguments":{"filename":"/tmp/a.ppm","device":"hostdev0"}}),
 * and prints QEMU's reply to it, one line.  Events that come in between
 * are skipped.  SECONDS (default 60) bounds the whole exchange.
 *
 * Exit status: 0 when the reply is {"return": ...}, 1 when it is
 * {"error": ...}, 2 for a usage error, no connection, a timeout or a
 * connection closed before the reply (message on standard error).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "qmp";
static int sock = -1;
static struct timespec deadline;

static char in[1 << 16];
static size_t in_len;

static long ms_left(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline.tv_sec - now.tv_sec) * 1000 +
	       (deadline.tv_nsec - now.tv_nsec) / 1000000;
}

static int fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	return 2;
}

/*
 * The next message QEMU sent: QMP ends each with CR LF.  Returns its
 * length (NUL-terminated in line), or -1 with errno set.
 */
static int read_line(char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(in, '\n', in_len);
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;
		long left;

		if (nl) {
			size_t len = nl - in + 1, copy = len;

			if (copy >= size)
				copy = size - 1;
			memcpy(line, in, copy);
			line[copy] = 0;
			memmove(in, nl + 1, in_len - len);
			in_len -= len;
			line[strcspn(line, "\r\n")] = 0;
			return (int)strlen(line);
		}
		if (in_len == sizeof(in)) {
			errno = EMSGSIZE;
			return -1;
		}
		left = ms_left();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			continue;
		n = read(sock, in + in_len, sizeof(in) - in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		in_len += n;
	}
}

static int send_all(const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = send(sock, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		s += n;
		len -= n;
	}
	return 0;
}

/* 1 for {"return"...}, 2 for {"error"...}, 0 for anything else (an event). */
static int reply_kind(const char *l)
{
	l += strspn(l, " \t");
	if (!strncmp(l, "{\"return\"", 9))
		return 1;
	if (!strncmp(l, "{\"error\"", 8))
		return 2;
	return 0;
}

/* The reply to the command just sent: 1 (return) or 2 (error), or -1. */
static int reply(char *line, size_t size)
{
	int k;

	do {
		if (read_line(line, size) < 0)
			return -1;
		k = reply_kind(line);
	} while (!k);
	return k;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char line[1 << 16];
	long secs = 60;
	char *end;
	int k;

	if (argc == 5 && !strcmp(argv[1], "-t")) {
		errno = 0;
		secs = strtol(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || secs < 1 || secs > 86400) {
			fprintf(stderr, "%s: -t wants seconds from 1 to 86400, not '%s'\n", prog,
				argv[2]);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s [-t SECONDS] SOCKET 'JSON-COMMAND'\n", prog);
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path '%s' is longer than %zu bytes\n", prog, argv[1],
			sizeof(sa.sun_path) - 1);
		return 2;
	}
	if (argv[2][strspn(argv[2], " \t")] != '{' || strchr(argv[2], '\n')) {
		fprintf(stderr, "%s: the command must be one JSON object on one line, not '%s'\n",
			prog, argv[2]);
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += secs;

	/* QEMU creates the socket during its start-up: wait for it. */
	for (;;) {
		sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sock < 0)
			return fail("socket");
		if (!connect(sock, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		if ((errno != ENOENT && errno != ECONNREFUSED) || ms_left() <= 0)
			return fail(argv[1]);
		close(sock);
		usleep(200000);
	}

	if (read_line(line, sizeof(line)) < 0)
		return fail("reading the greeting");
	if (!strstr(line, "\"QMP\"")) {
		fprintf(stderr, "%s: %s does not greet as a QMP server: %s\n", prog, argv[1], line);
		return 2;
	}
	if (send_all("{\"execute\":\"qmp_capabilities\"}\r\n"))
		return fail("sending qmp_capabilities");
	k = reply(line, sizeof(line));
	if (k < 0)
		return fail("reading the reply to qmp_capabilities");
	if (k != 1) {
		fprintf(stderr, "%s: qmp_capabilities refused: %s\n", prog, line);
		return 2;
	}
	if (send_all(argv[2]) || send_all("\r\n"))
		return fail("sending the command");
	k = reply(line, sizeof(line));
	if (k < 0)
		return fail("reading the reply");
	puts(line);
	return k == 1 ? 0 : 1;
}
