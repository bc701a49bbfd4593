// SPDX-License-Identifier: GPL-2.0-only
/*
 * uevent-listen: print every kernel uevent as one line,
 * "ACTION@DEVPATH KEY=VALUE ...", flushed at once, until killed.
 * Tests start it in the background and grep its output.
 */
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,
	};
	char buf[8192];
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("uevent-listen: netlink");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		ssize_t i;

		if (n <= 0)
			continue;
		buf[n] = '\0';
		for (i = 0; i < n - 1; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		printf("%s\n", buf);
		fflush(stdout);
	}
}
