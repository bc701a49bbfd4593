// SPDX-License-Identifier: GPL-2.0-only
/*
 * create-race SUITE TYPE_DIR ROUNDS
 *
 * A remove written while the same device is still being created: the
 * device's remove file appears (device_add) before its create returns.
 * Each round, a child waits for that file and writes 1 to it the moment
 * it exists, while the parent's create is still running.  The remove must
 * wait for the create, then remove the device: it never fails with
 * EAGAIN, and no device is left behind.
 *
 * Prints VSLICE-RESULT lines; exits 1 if any check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab_result.h"
#include "sysfs_str.h"

#define MDEVS "/sys/bus/mdev/devices"

static void new_uuid(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/uuid", "r");

	if (!f || !fgets(buf, len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	unsigned int rounds, i, raced = 0, eagain = 0, other = 0, left = 0, created = 0;
	volatile int *flags;
	char uuid[64], path[512], create[512], why[256];

	if (argc != 4) {
		fprintf(stderr, "usage: %s SUITE TYPE_DIR ROUNDS\n", argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	rounds = strtoul(argv[3], NULL, 0);
	snprintf(create, sizeof(create), "%s/create", argv[2]);
	/* [0]: the parent's create returned; [1]: the child wrote before it. */
	flags = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (flags == MAP_FAILED)
		return 2;

	for (i = 0; i < rounds; i++) {
		int status, err;
		pid_t pid;

		new_uuid(uuid, sizeof(uuid));
		snprintf(path, sizeof(path), MDEVS "/%s/remove", uuid);
		flags[0] = 0;
		flags[1] = 0;
		pid = fork();
		if (pid == 0) {
			/*
			 * The remove file exists from device_add() on; a
			 * create that failed never makes one.
			 */
			while (access(path, W_OK))
				if (flags[0])
					_exit(access(path, W_OK) ? ENOENT : write_str(path, "1"));
			flags[1] = !flags[0];
			_exit(write_str(path, "1"));
		}
		err = write_str(create, uuid);
		flags[0] = 1;
		created += !err;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
			other++;
			continue;
		}
		switch (WEXITSTATUS(status)) {
		case 0:
			break;
		case EAGAIN:
			eagain++;
			break;
		case ENODEV:
		case ENOENT:
			/* Only right if the create itself failed. */
			if (!err)
				other++;
			break;
		default:
			other++;
		}
		snprintf(path, sizeof(path), MDEVS "/%s", uuid);
		if (!access(path, F_OK)) {
			left++;
			snprintf(path, sizeof(path), MDEVS "/%s/remove", uuid);
			write_str(path, "1");
		}
		raced += flags[1];
	}
	snprintf(why, sizeof(why), "%u of %u creates failed", rounds - created, rounds);
	lab_result(created == rounds, "race-creates-succeed", why);
	snprintf(why, sizeof(why), "%u of %u removes failed with EAGAIN", eagain, rounds);
	lab_result(!eagain, "race-remove-never-eagain", why);
	snprintf(why, sizeof(why), "%u of %u removes failed otherwise", other, rounds);
	lab_result(!other, "race-remove-succeeds", why);
	snprintf(why, sizeof(why), "%u of %u devices left behind", left, rounds);
	lab_result(!left, "race-nothing-left", why);
	/* Otherwise the rounds above proved nothing about the race. */
	snprintf(why, sizeof(why), "no remove of %u was written before its create returned", rounds);
	lab_result(raced > 0, "race-window-hit", why);
	printf("create-race: %u rounds, %u removes written while their create ran\n", rounds, raced);
	return lab_failures ? 1 : 0;
}
