// SPDX-License-Identifier: GPL-2.0-only
/*
 * stall-check: no host path waits on the VMM that uses a vGPU (issue 12,
 * "No host path waits on a VMM").
 *
 * usage:
 *   stall-check SUITE hang UUID TYPE_DIR CALLOUT
 *	Trapped accesses (config space and BAR2, write and read) and BAR0
 *	region accesses whose user buffer is a userfaultfd page that is not
 *	resolved: while each access hangs in its page fault, other
 *	processes read every file of the device's vslice/ directory, write
 *	each writable one, call VFIO_DEVICE_RESET, run the mdevctl
 *	callout's "get attributes" (CALLOUT, or "-" when the image has
 *	none) and create and remove another instance of TYPE_DIR (a type
 *	of the same GPU); each must answer within a second (or five times
 *	what it takes just before, while nothing hangs, if that is longer).  Then the
 *	fault is resolved and the access must complete with the right data.
 *   stall-check SUITE kill UUID
 *	A pread and a pwrite of the whole BAR0 in one call, each in a child
 *	killed shortly after the call starts: the child must be gone long
 *	before the call could have finished, and within a second.
 *   stall-check SUITE partial UUID
 *	Region reads and writes whose user buffer ends part-way in an
 *	inaccessible page return the bytes done, as read(2)/write(2) do.
 *   stall-check SUITE isolate X_UUID Y_UUID TYPE_DIR
 *	X's last user writes its whole BAR0 and closes it; while X's slice
 *	is cleared, opening Y, closing another open instance, creating one
 *	and removing one (instances of TYPE_DIR, all on X's GPU) take their
 *	usual time (a baseline measured first, in the same run).
 *
 * Prints one VSLICE-RESULT line per check (tests/README.md) and exits 1
 * when one failed.  Needs root (userfaultfd handling kernel-mode faults).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "lab_result.h"
#include "vfio_util.h"

#define MDEVS "/sys/bus/mdev/devices"
#define NSEC 1000000000LL
/* The bound for any host path while a VMM's access hangs. */
#define ANSWER_NS NSEC
#define MAX_PROBES 32

static long page;
static char why[512];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static double ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static uint64_t region_offset(int dev, unsigned int index, uint64_t *size)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &info)) {
		perror("VFIO_DEVICE_GET_REGION_INFO");
		exit(1);
	}
	if (size)
		*size = info.size;
	return info.offset;
}

/* Whole-file read into @buf (NUL-terminated); bytes read or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* One write(2) of @data; 0 or the errno. */
static int write_file(const char *path, const char *data, size_t len)
{
	ssize_t n;
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	n = write(fd, data, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	close(fd);
	return err;
}

/* ---- userfaultfd ---- */

/*
 * A userfaultfd that also handles faults taken in the kernel (the
 * copies of pread/pwrite): the syscall, or /dev/userfaultfd where the
 * syscall is refused.  Both need root unless vm.unprivileged_userfaultfd
 * is set.
 */
static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd, dfd;

	fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		dfd = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
		if (dfd >= 0) {
			fd = ioctl(dfd, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
			close(dfd);
		}
	}
	if (fd < 0) {
		perror("userfaultfd");
		return -1;
	}
	if (ioctl(fd, UFFDIO_API, &api)) {
		perror("UFFDIO_API");
		close(fd);
		return -1;
	}
	return fd;
}

/* A fresh page, registered for missing-page faults on @uffd. */
static void *uffd_page(int uffd)
{
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	reg.range.start = (unsigned long)p;
	reg.range.len = page;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		perror("UFFDIO_REGISTER");
		munmap(p, page);
		return NULL;
	}
	return p;
}

/* Waits up to @timeout_ms for a fault on @p; whether one came. */
static int uffd_wait_fault(int uffd, void *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		return 0;
	return msg.event == UFFD_EVENT_PAGEFAULT &&
	       (msg.arg.pagefault.address & ~(uint64_t)(page - 1)) == (uintptr_t)p;
}

/* Resolves the fault on @p with @src's contents, or the zero page. */
static int uffd_resolve(int uffd, void *p, const void *src)
{
	if (src) {
		struct uffdio_copy c = {
			.dst = (uintptr_t)p, .src = (uintptr_t)src, .len = page,
		};

		return ioctl(uffd, UFFDIO_COPY, &c);
	} else {
		struct uffdio_zeropage z = {
			.range = { .start = (uintptr_t)p, .len = page },
		};

		return ioctl(uffd, UFFDIO_ZEROPAGE, &z);
	}
}

/* ---- the access that hangs ---- */

struct access {
	int dev;
	void *buf;
	size_t len;
	uint64_t pos;
	int write;
	ssize_t ret;
	int err;
	int done;	/* set with __atomic once the call returned */
};

static void *access_thread(void *arg)
{
	struct access *a = arg;

	a->ret = a->write ? pwrite(a->dev, a->buf, a->len, a->pos) :
			    pread(a->dev, a->buf, a->len, a->pos);
	a->err = errno;
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- probes: other processes doing host work while the access hangs ---- */

enum group { G_READ, G_WRITE, G_RESET, G_CALLOUT, G_OTHER, G_NR };

static const char *const group_name[G_NR] = {
	"read-attrs", "write-attrs", "reset", "callout-get-attributes",
	"create-remove-other",
};

struct probe {
	enum group group;
	char what[PATH_MAX + 256];
	pid_t pid;
	int fd;		/* read end of its report pipe */
	int answered;
	int64_t ns;	/* how long its operation took, as it measured */
	int ok;
	char detail[160];
};

struct hang_ctx {
	const char *uuid;
	const char *type_dir;
	const char *callout;
	const char *type;	/* the device's mdev type name */
	const char *parent;	/* its GPU */
	int dev;
	struct probe probes[MAX_PROBES];
	int nprobes;
	int64_t limit[G_NR];	/* the bound of each kind of probe */
};

/* Runs in the probe's process: the operation, timed; returns ok. */
static int probe_run(struct hang_ctx *c, struct probe *p, char *detail,
		     size_t dlen, int64_t *ns)
{
	char buf[4096], path[PATH_MAX];
	int64_t t0 = now_ns();
	ssize_t n;
	int err, ok = 0;

	switch (p->group) {
	case G_READ:
		n = read_file(p->what, buf, sizeof(buf));
		*ns = now_ns() - t0;
		ok = n >= 0;
		snprintf(detail, dlen, "%s", n >= 0 ? "" : strerror((int)-n));
		break;
	case G_WRITE:
		/* Write back what it holds: the answer matters, not a change. */
		n = read_file(p->what, buf, sizeof(buf));
		t0 = now_ns();
		err = n > 0 ? write_file(p->what, buf, (size_t)n) : EIO;
		*ns = now_ns() - t0;
		/* max_resolution refuses while the device is open: an answer. */
		ok = !err || err == EBUSY;
		snprintf(detail, dlen, "%s", err ? strerror(err) : "");
		break;
	case G_RESET:
		err = ioctl(c->dev, VFIO_DEVICE_RESET) ? errno : 0;
		*ns = now_ns() - t0;
		/*
		 * A reset leaves memory decode off; turn it back on, as the
		 * VMM's guest would, before answering: the hung access still
		 * has BAR0 or BAR2 to reach once it goes on.
		 */
		if (!err && vfio_enable_memory(c->dev))
			err = errno;
		ok = !err;
		snprintf(detail, dlen, "%s", err ? strerror(err) : "");
		break;
	case G_CALLOUT: {
		int out[2], status;
		pid_t pid;

		if (pipe(out))
			return 0;
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);

			dup2(null, 0);
			dup2(out[1], 1);
			dup2(null, 2);
			execl(c->callout, c->callout, "-t", c->type, "-e", "get",
			      "-a", "attributes", "-s", "none", "-u", c->uuid,
			      "-p", c->parent, (char *)NULL);
			_exit(127);
		}
		close(out[1]);
		n = 0;
		while (pid > 0 && n < (ssize_t)sizeof(buf) - 1) {
			ssize_t r = read(out[0], buf + n, sizeof(buf) - 1 - n);

			if (r <= 0)
				break;
			n += r;
		}
		buf[n] = '\0';
		status = -1;
		if (pid > 0)
			waitpid(pid, &status, 0);
		*ns = now_ns() - t0;
		close(out[0]);
		ok = WIFEXITED(status) && !WEXITSTATUS(status) && strstr(buf, "vslice/");
		snprintf(detail, dlen, "exit status 0x%x, output '%.60s'", status, buf);
		break;
	}
	case G_OTHER: {
		char uuid[40];

		read_file("/proc/sys/kernel/random/uuid", uuid, sizeof(uuid));
		uuid[36] = '\0';
		snprintf(path, sizeof(path), "%s/create", c->type_dir);
		err = write_file(path, uuid, strlen(uuid));
		if (!err) {
			snprintf(path, sizeof(path), MDEVS "/%s/remove", uuid);
			err = write_file(path, "1", 1);
		}
		*ns = now_ns() - t0;
		ok = !err;
		snprintf(detail, dlen, "%s", err ? strerror(err) : "");
		break;
	}
	default:
		break;
	}
	return ok;
}

static void probe_add(struct hang_ctx *c, enum group g, const char *what)
{
	struct probe *p;

	if (c->nprobes == MAX_PROBES)
		return;
	p = &c->probes[c->nprobes++];
	memset(p, 0, sizeof(*p));
	p->group = g;
	snprintf(p->what, sizeof(p->what), "%s", what);
	p->pid = -1;
	p->fd = -1;
}

/* The probes: every file of vslice/, each writable one, and the rest. */
static int probes_plan(struct hang_ctx *c)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *e;
	struct stat st;
	DIR *d;

	c->nprobes = 0;
	snprintf(dir, sizeof(dir), MDEVS "/%s/vslice", c->uuid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (st.st_mode & 0444)
			probe_add(c, G_READ, path);
		if (st.st_mode & 0222)
			probe_add(c, G_WRITE, path);
	}
	closedir(d);
	probe_add(c, G_RESET, "VFIO_DEVICE_RESET");
	if (strcmp(c->callout, "-"))
		probe_add(c, G_CALLOUT, c->callout);
	probe_add(c, G_OTHER, c->type_dir);
	return 0;
}

static void probe_start(struct hang_ctx *c, int i)
{
	struct probe *p = &c->probes[i];
	int fds[2];

	if (pipe(fds))
		return;
	p->pid = fork();
	if (p->pid == 0) {
		char line[256], detail[160] = "";
		int64_t ns = 0;
		int ok;

		close(fds[0]);
		ok = probe_run(c, p, detail, sizeof(detail), &ns);
		snprintf(line, sizeof(line), "%d %lld %s", ok, (long long)ns, detail);
		if (write(fds[1], line, strlen(line)) < 0)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	p->fd = p->pid > 0 ? fds[0] : -1;
	if (p->pid < 0)
		close(fds[0]);
}

/* Collects the answers that come within @limit_ns of now. */
static void probes_collect(struct hang_ctx *c, int64_t limit_ns)
{
	int64_t end = now_ns() + limit_ns;

	for (;;) {
		struct pollfd pfd[MAX_PROBES];
		int idx[MAX_PROBES], n = 0;
		int64_t left = end - now_ns();

		for (int i = 0; i < c->nprobes; i++) {
			if (c->probes[i].fd >= 0 && !c->probes[i].answered) {
				pfd[n].fd = c->probes[i].fd;
				pfd[n].events = POLLIN;
				idx[n++] = i;
			}
		}
		if (!n || left <= 0)
			return;
		if (poll(pfd, n, (int)(left / 1000000) + 1) <= 0)
			continue;
		for (int j = 0; j < n; j++) {
			struct probe *p = &c->probes[idx[j]];
			char line[256];
			long long ns;
			ssize_t r;
			int ok, off = 0;

			if (!(pfd[j].revents & (POLLIN | POLLHUP)))
				continue;
			r = read(p->fd, line, sizeof(line) - 1);
			p->answered = 1;
			line[r > 0 ? r : 0] = '\0';
			if (sscanf(line, "%d %lld %n", &ok, &ns, &off) < 2) {
				snprintf(p->detail, sizeof(p->detail), "the probe died");
				continue;
			}
			p->ok = ok;
			p->ns = ns;
			snprintf(p->detail, sizeof(p->detail), "%s", line + off);
		}
	}
}

/* Reaps the probes, killing any still stuck after @limit_ns. */
static void probes_reap(struct hang_ctx *c, int64_t limit_ns)
{
	int64_t end = now_ns() + limit_ns;

	for (int i = 0; i < c->nprobes; i++) {
		struct probe *p = &c->probes[i];

		if (p->pid <= 0)
			continue;
		while (waitpid(p->pid, NULL, WNOHANG) == 0) {
			if (now_ns() > end) {
				kill(p->pid, SIGKILL);
				waitpid(p->pid, NULL, 0);
				break;
			}
			usleep(10000);
		}
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		p->pid = -1;
	}
}

/* One result per probe group: each operation answered within its bound. */
static void probes_report(struct hang_ctx *c, const char *name)
{
	for (int g = 0; g < G_NR; g++) {
		char res[128];
		int n = 0, bad = 0;
		size_t at = 0;

		why[0] = '\0';
		for (int i = 0; i < c->nprobes; i++) {
			struct probe *p = &c->probes[i];
			const char *base = strrchr(p->what, '/');

			if (p->group != (enum group)g)
				continue;
			n++;
			base = base ? base + 1 : p->what;
			printf("stall-check: %s: %s %s: %s%.1f ms (bound %.1f ms) %s\n", name,
			       group_name[g], base, p->answered ? "" : "no answer after ",
			       ms(p->answered ? p->ns : c->limit[g] + ANSWER_NS / 2),
			       ms(c->limit[g]), p->detail);
			if (p->answered && p->ok && p->ns <= c->limit[g])
				continue;
			bad++;
			if (at < sizeof(why) - 1)
				at += snprintf(why + at, sizeof(why) - at, "%s%s %s %.1f ms%s%s",
					       bad > 1 ? "; " : "", base,
					       !p->answered ? "did not answer within" :
					       p->ns > c->limit[g] ? "took over" : "failed in",
					       ms(p->answered ? p->ns : c->limit[g] + ANSWER_NS / 2),
					       p->detail[0] ? ": " : "", p->detail);
		}
		snprintf(res, sizeof(res), "%s/%s", name, group_name[g]);
		if (g == G_CALLOUT && !n)
			printf("VSLICE-RESULT: SKIP %s/%s: the image has no mdevctl callout\n",
			       lab_suite, res);
		else if (!n)
			lab_result(0, res, "no probe of this kind ran");
		else
			lab_result(!bad, res, why);
	}
}

/*
 * The bound of each kind of probe: the second, or five times its
 * slowest run while nothing hangs, measured just before, whichever is
 * longer (a loaded machine or a sanitizer kernel starts the callout
 * slowly; a probe that waits on a hung access never answers at all).
 */
static void probes_bounds(struct hang_ctx *c, const char *name)
{
	int i;

	probes_plan(c);
	for (i = 0; i < c->nprobes; i++) {
		probe_start(c, i);
		probes_collect(c, 30 * NSEC);
	}
	for (i = 0; i < G_NR; i++)
		c->limit[i] = ANSWER_NS;
	for (i = 0; i < c->nprobes; i++) {
		struct probe *p = &c->probes[i];

		if (p->answered && 5 * p->ns > c->limit[p->group])
			c->limit[p->group] = 5 * p->ns;
	}
	for (i = 0; i < G_NR; i++)
		printf("stall-check: %s: %s: bound %.1f ms\n", name, group_name[i],
		       ms(c->limit[i]));
	probes_reap(c, 5 * ANSWER_NS);
}

/* ---- hang: one case ---- */

struct hang_case {
	const char *name;
	unsigned int index;	/* region */
	uint64_t pos;		/* in the region */
	size_t len;
	int write;
};

static const struct hang_case hang_cases[] = {
	/* Cache line size and latency timer: plain read/write bytes. */
	{ "cfg-write", VFIO_PCI_CONFIG_REGION_INDEX, 0x0c, 2, 1 },
	/* Dispi XRES. */
	{ "bar2-write", VFIO_PCI_BAR2_REGION_INDEX, 0x502, 2, 1 },
	{ "cfg-read", VFIO_PCI_CONFIG_REGION_INDEX, 0x00, 4, 0 },
	{ "bar2-read", VFIO_PCI_BAR2_REGION_INDEX, 0x500, 2, 0 },
	{ "bar0-write", VFIO_PCI_BAR0_REGION_INDEX, 0x1000, 0, 1 },
	{ "bar0-read", VFIO_PCI_BAR0_REGION_INDEX, 0x2000, 0, 0 },
};

static void hang_case(struct hang_ctx *c, int uffd, const struct hang_case *hc)
{
	struct access a = { .dev = c->dev, .write = hc->write };
	uint64_t off = region_offset(c->dev, hc->index, NULL) + hc->pos;
	unsigned char *src, *want, *got;
	char name[64];
	pthread_t t;
	int hung, i;

	snprintf(name, sizeof(name), "%s", hc->name);
	a.len = hc->len ? hc->len : (size_t)page;
	a.pos = off;
	src = calloc(1, page);
	want = calloc(1, page);
	got = calloc(1, page);
	if (!src || !want || !got)
		exit(1);
	/* What the access must move once its fault is resolved. */
	if (hc->write) {
		for (i = 0; i < page; i++)
			src[i] = (unsigned char)(i * 7 + 0x5a);
		if (hc->index == VFIO_PCI_BAR2_REGION_INDEX) {
			src[0] = 0x20;	/* XRES 800 */
			src[1] = 0x03;
		}
		memcpy(want, src, a.len);
	} else if (hc->index == VFIO_PCI_BAR0_REGION_INDEX) {
		for (i = 0; i < page; i++)
			want[i] = (unsigned char)(i * 13 + 0xa5);
		if (pwrite(c->dev, want, page, off) != page)
			perror("pwrite BAR0 pattern");
	} else if (pread(c->dev, want, a.len, off) != (ssize_t)a.len) {
		perror("pread");
	}

	probes_bounds(c, hc->name);
	a.buf = uffd_page(uffd);
	if (!a.buf || pthread_create(&t, NULL, access_thread, &a)) {
		lab_result(0, "hang-setup", "no userfaultfd page or thread");
		exit(1);
	}
	hung = uffd_wait_fault(uffd, a.buf, 5000) &&
	       !__atomic_load_n(&a.done, __ATOMIC_ACQUIRE);
	snprintf(why, sizeof(why), "the %s did not fault on the registered page (returned %zd: %s)",
		 hc->write ? "pwrite" : "pread", a.ret, strerror(a.err));
	lab_result(hung, strcat(name, "/hangs"), why);

	if (hung) {
		/*
		 * One after the other, so that each is timed on a machine
		 * not busy with the others; one that does not answer stays
		 * behind, blocked, while the next runs.  Each has its bound,
		 * plus half a second for its process to start.
		 */
		probes_plan(c);
		for (i = 0; i < c->nprobes; i++) {
			probe_start(c, i);
			probes_collect(c, c->limit[c->probes[i].group] + ANSWER_NS / 2);
		}
		probes_report(c, hc->name);
	} else {
		for (i = 0; i < G_NR; i++)
			printf("VSLICE-RESULT: SKIP %s/%s/%s: the access did not hang\n",
			       lab_suite, hc->name, group_name[i]);
	}

	/* Let the access go: it must now complete, with the right bytes. */
	if (uffd_resolve(uffd, a.buf, hc->write ? src : NULL))
		perror("resolving the fault");
	for (i = 0; i < 500 && !__atomic_load_n(&a.done, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
	snprintf(name, sizeof(name), "%s/completes", hc->name);
	if (!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE)) {
		lab_result(0, name, "still blocked 5 s after its fault was resolved");
		/* The thread cannot be cancelled out of the kernel. */
		exit(1);
	}
	pthread_join(t, NULL);
	/* A reset still queued behind the access would undo what it wrote. */
	probes_collect(c, 5 * ANSWER_NS);
	probes_reap(c, 5 * ANSWER_NS);
	if (a.ret != (ssize_t)a.len) {
		snprintf(why, sizeof(why), "returned %zd (%s), want %zu", a.ret,
			 a.ret < 0 ? strerror(a.err) : "short", a.len);
		lab_result(0, name, why);
	} else {
		if (!hc->write)
			memcpy(got, a.buf, a.len);
		else if (pread(c->dev, got, a.len, off) != (ssize_t)a.len)
			perror("reading back");
		snprintf(why, sizeof(why), "%s bytes differ (first: got 0x%02x, want 0x%02x)",
			 hc->write ? "read back" : "read", got[0], want[0]);
		lab_result(!memcmp(got, want, a.len), name, why);
	}
	munmap(a.buf, page);
	free(src);
	free(want);
	free(got);
}

static void type_of(const char *uuid, char *type, size_t tlen, char *parent, size_t plen)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), MDEVS "/%s/mdev_type", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(type, tlen, "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : "");
	snprintf(path, sizeof(path), MDEVS "/%s", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	/* .../devices/pci0000:00/0000:00:04.0/<uuid> */
	*strrchr(link, '/') = '\0';
	snprintf(parent, plen, "%s", strrchr(link, '/') + 1);
}

static int cmd_hang(const char *uuid, const char *type_dir, const char *callout)
{
	struct hang_ctx *c = calloc(1, sizeof(*c));
	char group[64], type[64], parent[64];
	unsigned int i;
	int uffd;

	c->uuid = uuid;
	c->type_dir = type_dir;
	c->callout = callout;
	type_of(uuid, type, sizeof(type), parent, sizeof(parent));
	c->type = type;
	c->parent = parent;
	c->dev = vfio_open_mdev(uuid, group, sizeof(group));
	uffd = uffd_open();
	lab_result(c->dev >= 0 && uffd >= 0, "hang-setup",
		   "cannot open the device or a userfaultfd (see above)");
	if (c->dev < 0 || uffd < 0)
		return 1;

	for (i = 0; i < sizeof(hang_cases) / sizeof(hang_cases[0]); i++)
		hang_case(c, uffd, &hang_cases[i]);
	close(uffd);
	close(c->dev);
	return lab_failures ? 1 : 0;
}

/* ---- kill ---- */

/* A whole-BAR0 call in a child; returns its pid, @sync says when it starts. */
static pid_t bar0_child(int dev, uint64_t off, size_t size, int wr, int sync[2])
{
	pid_t pid;

	if (pipe(sync))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		char line[64];
		int64_t t0;
		ssize_t r;

		close(sync[0]);
		if (buf == MAP_FAILED)
			_exit(1);
		if (write(sync[1], "S", 1) != 1)
			_exit(1);
		t0 = now_ns();
		r = wr ? pwrite(dev, buf, size, off) : pread(dev, buf, size, off);
		snprintf(line, sizeof(line), "D %zd %lld", r, (long long)(now_ns() - t0));
		if (write(sync[1], line, strlen(line)) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	return pid;
}

/* Waits up to @limit_ns for @pid to be reaped; the time it took or -1. */
static int64_t reap_within(pid_t pid, int64_t limit_ns)
{
	int64_t t0 = now_ns();

	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (now_ns() - t0 > limit_ns)
			return -1;
		usleep(1000);
	}
	return now_ns() - t0;
}

static void kill_case(int dev, uint64_t off, size_t size, int wr)
{
	const char *call = wr ? "pwrite" : "pread";
	char name[64], line[128] = "";
	long long full_ns = 0, ns;
	int64_t delay, gone;
	int sync[2];
	ssize_t r;
	pid_t pid;
	char c;

	/* How long the whole call takes when nobody interrupts it. */
	pid = bar0_child(dev, off, size, wr, sync);
	if (pid < 0 || read(sync[0], &c, 1) != 1)
		goto setup_failed;
	r = read(sync[0], line, sizeof(line) - 1);
	line[r > 0 ? r : 0] = '\0';
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(sync[0]);
	if (sscanf(line, "D %zd %lld", &r, &full_ns) != 2 || r != (ssize_t)size) {
		snprintf(why, sizeof(why), "an uninterrupted %s of %zu bytes answered '%s'",
			 call, size, line);
		snprintf(name, sizeof(name), "bar0-%s-whole", call);
		lab_result(0, name, why);
		return;
	}
	printf("stall-check: an uninterrupted %s of the whole BAR0 (%zu MiB) took %.1f ms\n",
	       call, size >> 20, ms(full_ns));

	/*
	 * The same call, killed early: a tenth of the way in, at most 200 ms,
	 * so that most of the copy would still be ahead.
	 */
	pid = bar0_child(dev, off, size, wr, sync);
	if (pid < 0 || read(sync[0], &c, 1) != 1)
		goto setup_failed;
	delay = full_ns / 10 < NSEC / 5 ? full_ns / 10 : NSEC / 5;
	usleep(delay / 1000);
	kill(pid, SIGKILL);
	gone = reap_within(pid, 120 * NSEC);
	fcntl(sync[0], F_SETFL, O_NONBLOCK);
	r = read(sync[0], line, sizeof(line) - 1);
	close(sync[0]);
	snprintf(name, sizeof(name), "bar0-%s-killable", call);
	printf("stall-check: killed %.1f ms into the %s, the child was gone %.1f ms later\n",
	       ms(delay), call, ms(gone));
	if (r > 0) {
		line[r] = '\0';
		sscanf(line, "D %zd %lld", &r, &ns);
		snprintf(why, sizeof(why), "the call ended (%zd after %.1f ms) before the kill %.1f ms in; nothing was tested",
			 r, ms(ns), ms(delay));
		lab_result(0, name, why);
		return;
	}
	/*
	 * Killable means gone about as soon as the signal came: within a
	 * second, and well before an uninterrupted call would have ended.
	 */
	snprintf(why, sizeof(why), "the child was gone %.1f ms after SIGKILL (%.1f ms into a call that takes %.1f ms): the copy loop does not stop on a fatal signal",
		 ms(gone), ms(delay), ms(full_ns));
	lab_result(gone >= 0 && gone <= ANSWER_NS && gone < (full_ns - delay) / 2, name, why);
	return;

setup_failed:
	snprintf(name, sizeof(name), "bar0-%s-killable", call);
	lab_result(0, name, "could not start the child");
}

static int cmd_kill(const char *uuid)
{
	uint32_t id = 0, word = 0x5a5aa5a5, back = 0;
	char group[64];
	uint64_t off, size;
	int dev = vfio_open_mdev(uuid, group, sizeof(group));

	if (dev < 0) {
		lab_result(0, "kill-setup", "cannot open the device");
		return 1;
	}
	off = region_offset(dev, VFIO_PCI_BAR0_REGION_INDEX, &size);
	printf("stall-check: BAR0 of %s: %llu MiB\n", uuid, (unsigned long long)size >> 20);
	kill_case(dev, off, size, 1);
	kill_case(dev, off, size, 0);
	/* The device still answers after its users were killed mid-copy. */
	lab_result(pread(dev, &id, 4, region_offset(dev, VFIO_PCI_CONFIG_REGION_INDEX, NULL)) == 4 &&
		   id == 0x11111234 && pwrite(dev, &word, 4, off + 64) == 4 &&
		   pread(dev, &back, 4, off + 64) == 4 && back == word,
		   "device-works-after-kill", "config space or BAR0 does not answer");
	close(dev);
	return lab_failures ? 1 : 0;
}

/* ---- partial ---- */

/* @n pages, readable and writable but for page @hole (no access). */
static unsigned char *holed(int n, int hole)
{
	unsigned char *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + hole * page, page, PROT_NONE)) {
		perror("holed buffer");
		exit(1);
	}
	return p;
}

static void expect_ret(const char *name, ssize_t got, ssize_t want, int extra_ok,
		       const char *extra)
{
	if (got != want)
		snprintf(why, sizeof(why), "returned %zd%s%s, want %zd (the bytes done)", got,
			 got < 0 ? " " : "", got < 0 ? strerror(errno) : "", want);
	else
		snprintf(why, sizeof(why), "%s", extra);
	lab_result(got == want && extra_ok, name, why);
}

static int cmd_partial(const char *uuid)
{
	const int n = 8, k = 3;
	unsigned char *buf, *back, zero[8] = { 0 };
	uint64_t bar0, cfg, bar2;
	uint32_t id = 0;
	char group[64];
	ssize_t r;
	int dev = vfio_open_mdev(uuid, group, sizeof(group)), i, ok;

	if (dev < 0) {
		lab_result(0, "partial-setup", "cannot open the device");
		return 1;
	}
	bar0 = region_offset(dev, VFIO_PCI_BAR0_REGION_INDEX, NULL);
	cfg = region_offset(dev, VFIO_PCI_CONFIG_REGION_INDEX, NULL);
	bar2 = region_offset(dev, VFIO_PCI_BAR2_REGION_INDEX, NULL);
	back = calloc(n, page);
	if (!back || pwrite(dev, back, n * page, bar0) != n * page) {
		lab_result(0, "partial-setup", "cannot clear BAR0's first pages");
		return 1;
	}

	/* A write from N pages whose page k is inaccessible: k pages done. */
	buf = holed(n, k);
	for (i = 0; i < k * page; i++)
		buf[i] = (unsigned char)(i * 31 + 7);
	r = pwrite(dev, buf, n * page, bar0);
	ok = pread(dev, back, n * page, bar0) == n * page &&
	     !memcmp(back, buf, k * page) && !back[k * page] && !back[n * page - 1];
	expect_ret("bar0-pwrite-partial", r, k * page, ok,
		   "BAR0 does not hold exactly the pages before the hole");

	/* A read into N pages whose page k+2 is inaccessible: k+2 pages done. */
	munmap(buf, n * page);
	buf = holed(n, k + 2);
	memset(buf, 0xee, (k + 2) * page);
	r = pread(dev, buf, n * page, bar0);
	ok = !memcmp(buf, back, (k + 2) * page);
	expect_ret("bar0-pread-partial", r, (k + 2) * page, ok,
		   "the pages before the hole do not hold BAR0's bytes");

	/* Nothing done at all is an error, not 0. */
	r = pwrite(dev, buf + (k + 2) * page, page, bar0);
	lab_result(r < 0 && errno == EFAULT, "bar0-pwrite-nothing-done-efault",
		   "a write from an inaccessible buffer did not fail with EFAULT");

	/*
	 * Trapped registers: an 8-byte read split into two 4-byte accesses,
	 * the second landing in the hole.
	 */
	r = pread(dev, buf + (k + 2) * page - 4, 8, cfg);
	memcpy(&id, buf + (k + 2) * page - 4, 4);
	expect_ret("cfg-pread-partial", r, 4, id == 0x11111234,
		   "the 4 bytes done are not the vendor and device ID");
	/* Dispi XRES and YRES: two 2-byte accesses. */
	ok = pread(dev, zero, 2, bar2 + 0x502) == 2;
	r = pread(dev, buf + (k + 2) * page - 2, 4, bar2 + 0x502);
	expect_ret("bar2-pread-partial", r, 2,
		   ok && !memcmp(buf + (k + 2) * page - 2, zero, 2),
		   "the 2 bytes done are not dispi XRES");
	/* Interrupt line (writable) and pin, then the hole for 0x3e. */
	buf[(k + 2) * page - 2] = 0x5a;
	buf[(k + 2) * page - 1] = 1;
	r = pwrite(dev, buf + (k + 2) * page - 2, 3, cfg + 0x3c);
	ok = pread(dev, zero, 1, cfg + 0x3c) == 1 && zero[0] == 0x5a;
	expect_ret("cfg-pwrite-partial", r, 2, ok,
		   "the interrupt line does not hold the byte written");
	munmap(buf, n * page);
	free(back);
	close(dev);
	return lab_failures ? 1 : 0;
}

/* ---- isolate ---- */

enum { OP_OPEN, OP_CLOSE, OP_CREATE, OP_REMOVE, OP_NR };
static const char *const op_name[OP_NR] = { "open", "close", "create", "remove" };

struct devfds {
	int container, group, device;
};

static int dev_open(const char *uuid, struct devfds *d)
{
	char group[64];

	d->group = vfio_open_mdev_group(uuid, group, sizeof(group));
	if (d->group < 0)
		return -1;
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	return d->device < 0 || vfio_enable_memory(d->device) ? -1 : 0;
}

/* The last fds of the device and its group: the device is released. */
static void dev_close(struct devfds *d)
{
	close(d->device);
	close(d->group);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void new_uuid(char *uuid)
{
	read_file("/proc/sys/kernel/random/uuid", uuid, 40);
	uuid[36] = '\0';
}

static int create_in(const char *type_dir, const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/create", type_dir);
	return write_file(path, uuid, strlen(uuid));
}

static int remove_mdev(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEVS "/%s/remove", uuid);
	return write_file(path, "1", 1);
}

/*
 * The other vGPUs of one round: Y is opened, Z (open beforehand) closed,
 * C1 created or C2 (created beforehand) removed, by a process of its own
 * that starts as X is closed.
 */
struct others {
	const char *y, *type_dir;
	char z[40], c1[40], c2[40];
};

static void worker(struct others *o, int op, int ready, int go, int rep)
{
	struct devfds d;
	int64_t t[2];
	char c;

	if (op == OP_CLOSE && dev_open(o->z, &d))
		_exit(1);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	/* X's close (and its clearing, if the close does it) has begun. */
	usleep(5000);
	t[1] = 0;
	t[0] = now_ns();
	switch (op) {
	case OP_OPEN:
		t[1] = dev_open(o->y, &d) ? EIO : 0;
		break;
	case OP_CLOSE:
		dev_close(&d);
		break;
	case OP_CREATE:
		t[1] = create_in(o->type_dir, o->c1);
		break;
	case OP_REMOVE:
		t[1] = remove_mdev(o->c2);
		break;
	}
	t[0] = now_ns() - t[0];
	if (write(rep, t, sizeof(t)) != sizeof(t))
		_exit(1);
	if (op == OP_OPEN && !t[1])
		dev_close(&d);
	_exit(0);
}

/*
 * One round of one operation @op on another vGPU.  With @x, X's user
 * writes all of X's slice and closes X while the worker runs (started
 * first, so that it holds none of X's fds), and X's next open, which
 * waits for X's own slice, sets @tclear; without, the worker runs alone
 * (the baseline).  @t gets the operation's time.
 */
static int isolate_round(const char *x, struct others *o, int op, int64_t *t,
			 int64_t *tclear, uint64_t *size)
{
	int ready[2], go[2], rep[2], ret = -1;
	volatile uint64_t *map;
	int64_t tclose, r[2];
	struct devfds d;
	uint64_t off;
	pid_t pid;
	char c;

	new_uuid(o->z);
	new_uuid(o->c1);
	new_uuid(o->c2);
	if ((op == OP_CLOSE && create_in(o->type_dir, o->z)) ||
	    (op == OP_REMOVE && create_in(o->type_dir, o->c2)))
		return -1;
	if (pipe(ready) || pipe(go) || pipe(rep))
		return -1;
	pid = fork();
	if (pid == 0)
		worker(o, op, ready[1], go[0], rep[1]);
	close(ready[1]);
	close(go[0]);
	close(rep[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		goto out;
	if (x) {
		if (dev_open(x, &d))
			goto out;
		off = region_offset(d.device, VFIO_PCI_BAR0_REGION_INDEX, size);
		map = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, d.device, off);
		if (map == MAP_FAILED)
			goto out;
		for (size_t i = 0; i < *size / 8; i++)
			map[i] = 0x7673000000000000ULL + i;
		munmap((void *)map, *size);
	}
	/* Go before the close: a close that clears in place blocks. */
	if (write(go[1], "g", 1) != 1)
		goto out;
	tclose = now_ns();
	if (x) {
		dev_close(&d);
		if (dev_open(x, &d))
			goto out;
		*tclear = now_ns() - tclose;
		dev_close(&d);
	}
	if (read(rep[0], r, sizeof(r)) == sizeof(r) && !r[1]) {
		*t = r[0];
		ret = 0;
	}
out:
	close(go[1]);
	close(ready[0]);
	if (pid > 0) {
		if (ret)
			kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(rep[0]);
	if (op == OP_CLOSE)
		remove_mdev(o->z);
	if (op == OP_CREATE)
		remove_mdev(o->c1);
	if (op == OP_REMOVE && ret)
		remove_mdev(o->c2);
	return ret;
}

static int cmd_isolate(const char *x, const char *y, const char *type_dir)
{
	struct others o = { .y = y, .type_dir = type_dir };
	int64_t rounds[5], base, during, tclear, tc, t;
	uint64_t size = 0;
	char name[64];

	for (int op = 0; op < OP_NR; op++) {
		int round;

		/* Baseline: the median of five rounds after a warm-up round. */
		for (round = 0; round < 6; round++) {
			if (isolate_round(NULL, &o, op, &t, NULL, NULL))
				goto failed;
			if (round)
				rounds[round - 1] = t;
			usleep(50000);
		}
		qsort(rounds, 5, sizeof(rounds[0]), cmp_i64);
		base = rounds[2];

		/*
		 * Three rounds while X is let go of, the fastest: a wait for
		 * X's clearing slows every round down, a descheduled vCPU of
		 * the shared machine only some.
		 */
		during = tclear = INT64_MAX;
		for (round = 0; round < 3; round++) {
			if (isolate_round(x, &o, op, &t, &tc, &size))
				goto failed;
			printf("stall-check: %s of another vGPU: %.2f ms while X (%llu MiB) was closed and opened again in %.1f ms\n",
			       op_name[op], ms(t), (unsigned long long)size >> 20, ms(tc));
			during = t < during ? t : during;
			tclear = tc < tclear ? tc : tclear;
		}

		/*
		 * Generous: three times the baseline, or, when X's clearing
		 * is long, a third of it on top of the baseline.  Waiting for
		 * X's clearing costs about all of it.
		 */
		{
			int64_t limit = 3 * base;

			if (base + tclear / 3 > limit)
				limit = base + tclear / 3;
			printf("stall-check: %s of another vGPU: baseline %.2f ms (rounds %.2f to %.2f), while X is let go of %.2f ms at best, limit %.2f ms\n",
			       op_name[op], ms(base), ms(rounds[0]), ms(rounds[4]), ms(during),
			       ms(limit));
			snprintf(name, sizeof(name), "other-%s-while-clearing", op_name[op]);
			snprintf(why, sizeof(why), "%.2f ms at best while X's slice was let go of (baseline %.2f ms, X's close to reopen %.1f ms at best)",
				 ms(during), ms(base), ms(tclear));
			lab_result(during <= limit, name, why);
		}
	}
	return lab_failures ? 1 : 0;
failed:
	lab_result(0, "isolate-setup", "a round of the operations on the other vGPUs failed");
	return 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);
	if (argc >= 3) {
		lab_suite = argv[1];
		if (!strcmp(argv[2], "hang") && argc == 6)
			return cmd_hang(argv[3], argv[4], argv[5]);
		if (!strcmp(argv[2], "kill") && argc == 4)
			return cmd_kill(argv[3]);
		if (!strcmp(argv[2], "partial") && argc == 4)
			return cmd_partial(argv[3]);
		if (!strcmp(argv[2], "isolate") && argc == 6)
			return cmd_isolate(argv[3], argv[4], argv[5]);
	}
	fprintf(stderr, "usage: see the comment at the top of tests/guest/stall-check.c\n");
	return 2;
}
