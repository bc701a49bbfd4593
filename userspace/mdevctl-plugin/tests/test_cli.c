// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the installed programs, run as mdevctl runs them: the
 * callout with hostile stdin (no crash, a message, the right exit
 * status), the invocation sequences of mdevctl 1.2.0 and 1.3, and
 * vslicectl's exit codes and JSON.  $VSLICE_BIN_DIR holds the binaries.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fakesys.h"

#define GPU0 "0000:00:04.0"
#define U1 "8c2c3a4e-5b1d-4c8e-9f00-0123456789ab"
#define U_NEW "11111111-2222-4333-8444-555555555555"

struct proc {
	int status;		/* exit status, or -signal */
	char out[65536], err[65536];
};

static char *slurp(int fd, char *buf, size_t n)
{
	ssize_t r;
	size_t got = 0;

	lseek(fd, 0, SEEK_SET);
	while (got + 1 < n && (r = read(fd, buf + got, n - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	close(fd);
	return buf;
}

/* Run bin with argv; stdin gets len bytes of input (NULL: closed at once). */
static int spawn(struct proc *p, const char *root, const char *input, size_t len,
		 const char *bin, ...)
{
	char path[4096], tmpl_o[] = "/tmp/vslice-cli.XXXXXX", tmpl_e[] = "/tmp/vslice-cli.XXXXXX";
	const char *dir = getenv("VSLICE_BIN_DIR");
	char *argv[24];
	int in[2], fo, fe, argc = 0, st;
	pid_t child, writer = -1;
	va_list ap;

	if (!dir)
		fail_msg("VSLICE_BIN_DIR is not set");
	snprintf(path, sizeof(path), "%s/%s", dir, bin);
	argv[argc++] = path;
	va_start(ap, bin);
	while ((argv[argc] = va_arg(ap, char *)) && argc < 23)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	fo = mkstemp(tmpl_o);
	fe = mkstemp(tmpl_e);
	unlink(tmpl_o);
	unlink(tmpl_e);
	assert_int_equal(pipe(in), 0);
	if (input) {
		writer = fork();
		if (!writer) {
			size_t done = 0;

			signal(SIGPIPE, SIG_IGN);
			close(in[0]);
			while (done < len) {
				ssize_t w = write(in[1], input + done, len - done);

				if (w <= 0)
					break;
				done += (size_t)w;
			}
			_exit(0);
		}
	}
	child = fork();
	if (!child) {
		dup2(in[0], 0);
		dup2(fo, 1);
		dup2(fe, 2);
		close(in[1]);
		setenv("VSLICE_ROOT", root, 1);
		setenv("VSLICE_CALLOUT_LOG_STDERR", "1", 1);
		setenv("LIBVIRT_DEFAULT_URI", "vslice-none:///", 1);
		execv(path, argv);
		_exit(127);
	}
	close(in[0]);
	close(in[1]);
	waitpid(child, &st, 0);
	if (writer > 0)
		waitpid(writer, NULL, 0);
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
	slurp(fo, p->out, sizeof(p->out));
	slurp(fe, p->err, sizeof(p->err));
	return p->status;
}

#define CALLOUT(p, in, len, ev, act, uuid) \
	spawn(p, *state, in, len, "vslice-callout", "-t", "vslice-s32", "-e", ev, "-a", act, \
	      "-s", "none", "-u", uuid, "-p", GPU0, NULL)

static int setup(void **state)
{
	char *root = fake_new();

	fake_gpu(root, GPU0, 0x1234, 0x1111, 256, true);
	fake_type(root, GPU0, "s32", 32, 8, 1920, 1200, 7);
	fake_inst(root, GPU0, "vslice-s32", U1, 12, 32);
	fake_module(root, 0);
	*state = root;
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

/* Refused with one "refusing ..." first line and no crash. */
static void expect_refused(void **state, const char *in, size_t len, const char *text)
{
	struct proc *p = malloc(sizeof(*p));

	CALLOUT(p, in, len, "pre", "define", U_NEW);
	if (p->status != 1 || !strstr(p->err, "refusing to define " U_NEW) ||
	    (text && !strstr(p->err, text)))
		fail_msg("status %d, stderr: %.300s", p->status, p->err);
	free(p);
}

static void hostile_stdin(void **state)
{
	static const char nuls[] = "{\"attrs\":[{\"vslice/owner\":\"1\"}\0\0\0]}";
	size_t big = 32 * 1024 * 1024, i;
	char *buf = malloc(big);

	expect_refused(state, "{", 1, "ends early");
	expect_refused(state, "{\"attrs\": 1}", 12, "\"attrs\" must be an array");
	expect_refused(state, "{\"attrs\": [{\"vslice/owner\": 5}]}", 32, "must be a string");
	expect_refused(state, nuls, sizeof(nuls) - 1, "NUL byte at offset 30");
	expect_refused(state, "\xff\xfe\x00\x01", 4, NULL);
	/* A million levels of nesting. */
	memset(buf, '[', 1000000);
	expect_refused(state, buf, 1000000, "nests deeper than 16");
	/* 32 MiB: read, dropped, refused. */
	memset(buf, ' ', big);
	buf[0] = '{';
	buf[big - 1] = '}';
	expect_refused(state, buf, big, "larger than 1048576 bytes");
	/* Random bytes. */
	srand(1);
	for (i = 0; i < 4096; i++)
		buf[i] = (char)rand();
	expect_refused(state, buf, 4096, NULL);
	free(buf);
}

static void not_ours_ignores_stdin(void **state)
{
	struct proc *p = malloc(sizeof(*p));
	size_t big = 8 * 1024 * 1024;
	char *buf = calloc(1, big);

	assert_int_equal(spawn(p, *state, buf, big, "vslice-callout", "-t", "i915-GVTg_V5_4",
			       "-e", "pre", "-a", "start", "-s", "none", "-u", U1, "-p",
			       "0000:00:02.0", NULL), 2);
	assert_string_equal(p->err, "");
	assert_int_equal(spawn(p, *state, NULL, 0, "vslice-callout", "-x", NULL), 2);
	assert_int_equal(spawn(p, *state, NULL, 0, "vslice-callout", "-t", "vslice-s32", "-z",
			       NULL), 1);
	assert_int_equal(spawn(p, *state, NULL, 0, "vslice-callout", "--help", NULL), 0);
	assert_non_null(strstr(p->out, "Usage: vslice-callout -t TYPE"));
	free(buf);
	free(p);
}

/* What mdevctl 1.2.0 does for "define", "start" and "list". */
static void mdevctl_1_2_sequence(void **state)
{
	const char conf[] = "{\"mdev_type\":\"vslice-s32\",\"start\":\"auto\",\"attrs\":[{\"vslice/owner\":\"vm-250\"}]}";
	struct proc *p = malloc(sizeof(*p));

	assert_int_equal(CALLOUT(p, conf, sizeof(conf) - 1, "pre", "define", U_NEW), 0);
	assert_int_equal(CALLOUT(p, conf, sizeof(conf) - 1, "post", "define", U_NEW), 0);
	assert_int_equal(CALLOUT(p, conf, sizeof(conf) - 1, "pre", "start", U_NEW), 0);
	assert_int_equal(CALLOUT(p, conf, sizeof(conf) - 1, "post", "start", U_NEW), 0);
	/* "get" gets no stdin (a pipe closed at once). */
	assert_int_equal(CALLOUT(p, NULL, 0, "get", "attributes", U1), 0);
	{
		struct json_object *a = json_tokener_parse(p->out);

		assert_non_null(a);
		assert_true(json_object_is_type(a, json_type_array));
		/* max_resolution; the default (empty) owner is left out. */
		assert_int_equal(json_object_array_length(a), 1);
		json_object_put(a);
	}
	free(p);
}

/* mdevctl 1.3: the version handshake, then live modify. */
static void mdevctl_1_3_sequence(void **state)
{
	const char provides[] = "{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\",\"define\","
				"\"undefine\",\"modify\",\"attributes\",\"capabilities\"],"
				"\"events\":[\"pre\",\"post\",\"notify\",\"get\",\"live\"]}}";
	const char conf[] = "{\"mdev_type\":\"vslice-s32\",\"start\":\"manual\",\"attrs\":[{\"vslice/owner\":\"vm-24\"}]}";
	struct proc *p = malloc(sizeof(*p));
	struct json_object *o, *sup, *ver, *events;
	bool live = false;
	size_t i;

	assert_int_equal(CALLOUT(p, provides, sizeof(provides) - 1, "get", "capabilities", U1), 0);
	o = json_tokener_parse(p->out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "supports", &sup));
	assert_true(json_object_object_get_ex(sup, "version", &ver));
	assert_int_equal(json_object_get_int(ver), 2);
	assert_true(json_object_object_get_ex(sup, "events", &events));
	for (i = 0; i < json_object_array_length(events); i++)
		live |= !strcmp(json_object_get_string(json_object_array_get_idx(events, i)), "live");
	assert_true(live);
	json_object_put(o);
	assert_int_equal(CALLOUT(p, conf, sizeof(conf) - 1, "live", "modify", U1), 0);
	assert_string_equal(fake_read(*state, "sys/devices/pci0000:00/" GPU0 "/" U1
				      "/vslice/owner"), "vm-24");
	/* 1.3 notifies with no stdin at all. */
	assert_int_equal(CALLOUT(p, NULL, 0, "notify", "modify", U1), 0);
	free(p);
}

static void tool_exit_codes_and_json(void **state)
{
	struct proc *p = malloc(sizeof(*p));
	char root[4200];
	struct json_object *o;

	snprintf(root, sizeof(root), "--root=%s", (char *)*state);
	assert_int_equal(spawn(p, *state, NULL, 0, "vslicectl", "--version", NULL), 0);
	assert_int_equal(spawn(p, *state, NULL, 0, "vslicectl", "nope", NULL), 2);
	assert_int_equal(spawn(p, *state, NULL, 0, "vslicectl", root, "--json", "list", NULL), 0);
	o = json_tokener_parse(p->out);
	assert_non_null(o);
	json_object_put(o);
	assert_int_equal(spawn(p, *state, NULL, 0, "vslicectl", root, "--json", "list",
			       U_NEW, NULL), 3);
	o = json_tokener_parse(p->out);
	assert_non_null(o);
	json_object_put(o);
	assert_int_equal(spawn(p, *state, NULL, 0, "vslicectl", root, "assign", U1, "vm", NULL), 6);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(hostile_stdin),
		T(not_ours_ignores_stdin),
		T(mdevctl_1_2_sequence),
		T(mdevctl_1_3_sequence),
		T(tool_exit_codes_and_json),
#undef T
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
