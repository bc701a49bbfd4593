// SPDX-License-Identifier: GPL-2.0-only
/*
 * vsbench: the measurements of the vslice-vs-mbochs/mdpy benchmark
 * (README.md, "Benchmarks"), one per invocation, against whatever mdev
 * stack is loaded.  Everything goes through the ABI a VMM uses (sysfs
 * create/remove, the VFIO container/group path, pread on the device fd,
 * mmap of BAR0), so the same binary measures both stacks the same way.
 *
 * usage:
 *   vsbench lat UUID N                   config-space and dispi ID reads,
 *                                        and the floors (file, /dev/zero)
 *   vsbench bw UUID PASSES [BDF OFFSET]  BAR0 mmap write bandwidth, and
 *                                        the parent's resource0 at OFFSET
 *   vsbench readloop UUID cfg|mmio|gfx N only those reads, or plane queries
 *                                        (for perf record)
 *   vsbench gfx UUID N FRAMES [BDF OFFSET]
 *                                        the plane query, and the read of a
 *                                        1024x768x32 frame through the
 *                                        plane's region (cmd_gfx), and the
 *                                        parent's resource0 at OFFSET
 *   vsbench life TYPE_DIR K              create -> usable fd, remove -> gone
 *                                        (medians of K lives)
 *   vsbench ram TYPE_DIR N               MemAvailable per touched instance
 *   vsbench cycles TYPE_DIRS LIVE K      create+remove rate with LIVE live
 *   vsbench reopen TYPE_DIR MIB BDF|-    close -> next open of a written
 *                                        slice, and the parent's memset
 *
 * TYPE_DIRS is a comma-separated list of mdev_supported_types/<type>
 * directories, filled in order.  Each run prints "METRIC VALUE" lines
 * on stdout (the in-VM driver prefixes stack and round), and what went
 * wrong on stderr with a non-zero exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Latency runs are split into batches; the run reports the best one. */
#define BATCHES 50
#define MAX_DIRS 16
#define MAX_LIVE 128
#define MAX_CYCLES 4096
#define WARMUP_CYCLES 3
/* The dispi ID register (index 0) in the MMIO BAR of both devices. */
#define DISPI_ID 0x500

struct vdev {
	int container, group, device;
};

static const char *prog = "vsbench";

static int die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

/* A failure that is no errno: what was wrong, and exit 1. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One write(2) of @data: the errno of a sysfs store, or 0. */
static int sysfs_store(const char *path, const char *data)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, data, strlen(data));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(data))
		err = EIO;
	close(fd);
	return err;
}

static long sysfs_long(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 0) : -1;
}

/*
 * UUIDs unique across runs and stacks: a random 32-bit stem per process
 * and a counter, so creates never collide with leftovers (EEXIST would
 * be measured as a failed create).
 */
static void next_uuid(char *out, size_t len)
{
	static uint32_t stem;
	static uint64_t counter;

	if (!stem) {
		int fd = open("/dev/urandom", O_RDONLY);

		if (fd < 0 || read(fd, &stem, sizeof(stem)) != sizeof(stem))
			die("/dev/urandom");
		close(fd);
		stem |= 1;
	}
	snprintf(out, len, "%08x-7673-4c69-8ce0-%012llx", stem,
		 (unsigned long long)++counter);
}

static int mdev_create(const char *type_dir, const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/create", type_dir);
	return sysfs_store(path, uuid);
}

static int mdev_remove(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	return sysfs_store(path, "1");
}

static int mdev_exists(const char *uuid)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	return !lstat(path, &st);
}

/*
 * Memory decode on in the command register, as a guest driver's
 * pci_enable_device() does: vslice answers BAR0 and BAR2 only then.
 * The config region is where the device says (mbochs lays its regions
 * out its own way).
 */
static int vfio_enable_memory(int device)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	off_t cmd;
	uint16_t v;

	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &info))
		return -1;
	cmd = (off_t)info.offset + 0x04;

	if (pread(device, &v, 2, cmd) != 2)
		return -1;
	v |= 0x0002;	/* PCI_COMMAND_MEMORY */
	return pwrite(device, &v, 2, cmd) == 2 ? 0 : -1;
}

/*
 * The QEMU-without-iommufd open path (tests/guest/vfio_util.h does the
 * same), keeping every fd so that the instance can be let go of
 * completely before it is removed.  Returns 0 or the failing step.
 */
static const char *vdev_open(const char *uuid, struct vdev *v)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	v->container = v->group = v->device = -1;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "iommu_group link";
	link[n] = '\0';
	v->container = open("/dev/vfio/vfio", O_RDWR);
	if (v->container < 0)
		return "/dev/vfio/vfio";
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	v->group = open(path, O_RDWR);
	if (v->group < 0)
		return "group open";
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return "group status";
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return "VFIO_SET_IOMMU (is vfio_iommu_type1 loaded?)";
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (v->device < 0)
		return "VFIO_GROUP_GET_DEVICE_FD";
	if (vfio_enable_memory(v->device))
		return "enabling memory decode";
	return NULL;
}

static void vdev_close(struct vdev *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	v->container = v->group = v->device = -1;
}

static void vdev_open_or_die(const char *uuid, struct vdev *v)
{
	const char *what = vdev_open(uuid, v);

	if (what)
		die(what);
}

static struct vfio_region_info region(int device, unsigned int index)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &info) || !info.size)
		die("VFIO_DEVICE_GET_REGION_INFO");
	return info;
}

/*
 * The latency figures of one run.  The lab is a TCG VM on a host shared
 * with other VMs: a descheduled vCPU adds milliseconds to whatever batch
 * it hits, and the machine's speed drifts over seconds.  So the four
 * kinds of read take turns, batch by batch, in one process (each sees
 * the same machine), and each reports its best batch (the stall-free
 * cost; stalls only ever add).
 */
enum { RD_FILE, RD_ZERO, RD_CFG, RD_MMIO, RD_KINDS };

struct reader {
	const char *metric;
	int fd;
	off_t off;
	size_t len;
};

static double batch_ns(const struct reader *r, long per)
{
	uint32_t v;
	uint64_t t0 = now_ns();

	for (long i = 0; i < per; i++)
		if (pread(r->fd, &v, r->len, r->off) != (ssize_t)r->len)
			die(r->metric);
	return (double)(now_ns() - t0) / (double)per;
}

/*
 * The floors: the same 4-byte pread on a file in the initramfs (what the
 * issue asks for: a page cache lookup and a copy) and on /dev/zero (the
 * syscall and VFS dispatch with nothing behind them).  The device
 * reads: 4 bytes of config space (the vendor/device ID) and the 2-byte
 * dispi ID register at 0x500 of the MMIO BAR.
 */
static int cmd_lat(const char *uuid, long n)
{
	static const char path[] = "/tmp/vsbench-floor";
	struct vfio_region_info cfg, mmio;
	struct reader rd[RD_KINDS];
	double best[RD_KINDS];
	long per = n / BATCHES > 0 ? n / BATCHES : 1;
	char page[4096];
	uint32_t id = 0;
	struct vdev v;
	int fd;

	memset(page, 0x5a, sizeof(page));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page))
		die(path);
	unlink(path);
	rd[RD_FILE] = (struct reader){ "floor_pread_ns", fd, 0, 4 };
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0)
		die("/dev/zero");
	rd[RD_ZERO] = (struct reader){ "floor_zero_ns", fd, 0, 4 };

	vdev_open_or_die(uuid, &v);
	cfg = region(v.device, VFIO_PCI_CONFIG_REGION_INDEX);
	mmio = region(v.device, VFIO_PCI_BAR2_REGION_INDEX);
	/* Both must be the Bochs display they claim to be, or the numbers are of something else. */
	if (pread(v.device, &id, 4, cfg.offset) != 4 || id != 0x11111234) {
		errno = EPROTO;
		die("config space does not read 1234:1111");
	}
	id = 0;
	if (pread(v.device, &id, 2, mmio.offset + DISPI_ID) != 2 || (id & 0xfff0) != 0xb0c0) {
		errno = EPROTO;
		die("dispi ID register is not 0xb0cX");
	}
	rd[RD_CFG] = (struct reader){ "cfg_read_ns", v.device, (off_t)cfg.offset, 4 };
	rd[RD_MMIO] = (struct reader){ "mmio_read_ns", v.device, (off_t)(mmio.offset + DISPI_ID), 2 };

	for (int k = 0; k < RD_KINDS; k++)
		best[k] = 1e18;
	for (int b = 0; b < BATCHES; b++) {
		for (int k = 0; k < RD_KINDS; k++) {
			double ns = batch_ns(&rd[k], per);

			if (ns < best[k])
				best[k] = ns;
		}
	}
	for (int k = 0; k < RD_KINDS; k++)
		printf("%s %.1f\n", rd[k].metric, best[k]);
	close(rd[RD_FILE].fd);
	close(rd[RD_ZERO].fd);
	vdev_close(&v);
	return 0;
}

/*
 * N reads of one kind and nothing else, for a sampling profiler to
 * watch (the bench's perf step): cfg or mmio, as in cmd_lat (gfx, the
 * plane query, is cmd_gfxloop).
 */
static int cmd_readloop(const char *uuid, const char *kind, long n)
{
	struct vfio_region_info info;
	struct reader r;
	struct vdev v;

	if (strcmp(kind, "cfg") && strcmp(kind, "mmio"))
		fail("readloop: unknown kind '%s' (cfg, mmio or gfx)", kind);
	vdev_open_or_die(uuid, &v);
	if (!strcmp(kind, "cfg")) {
		info = region(v.device, VFIO_PCI_CONFIG_REGION_INDEX);
		r = (struct reader){ "cfg", v.device, (off_t)info.offset, 4 };
	} else {
		info = region(v.device, VFIO_PCI_BAR2_REGION_INDEX);
		r = (struct reader){ "mmio", v.device, (off_t)(info.offset + DISPI_ID), 2 };
	}
	printf("%s_loop_ns %.1f\n", kind, batch_ns(&r, n));
	vdev_close(&v);
	return 0;
}

/*
 * One write pass over the mapping: 64-bit stores, volatile so the
 * compiler neither drops nor turns them into a libc call whose strategy
 * (rep stos, vector stores) would differ from what a guest does.
 */
static void write_pass(volatile uint64_t *p, size_t bytes, uint64_t seed)
{
	size_t words = bytes / 8;

	for (size_t i = 0; i < words; i++)
		p[i] = seed + i;
}

static double pass_MBps(void *p, size_t size, uint64_t seed)
{
	uint64_t t0 = now_ns();

	write_pass(p, size, seed);
	return (double)size * 1e3 / (double)(now_ns() - t0);
}

/*
 * The reference for BAR0: the same bytes of VRAM through the parent's
 * sysfs BAR file, write-combined when the BAR is prefetchable (as vslice
 * maps its slice); needs iomem=relaxed while vslice_gpu owns the BAR.
 */
static int open_resource0(const char *bdf)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0_wc", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
		fd = open(path, O_RDWR);
	}
	if (fd < 0)
		die(path);
	return fd;
}

/*
 * A region mapped read/write the way QEMU 10's vfio_region_mmap() maps
 * it: at a multiple of the largest power of two dividing its size (at
 * most 1 GiB), through a reserved range and MAP_FIXED, so that a driver
 * can map it with PMDs.  MAP_FAILED with errno on failure.
 */
static void *map_region(int fd, off_t off, size_t size)
{
	size_t align = size & -size, span;
	uint8_t *base, *at;
	void *p;

	if (align > (1UL << 30))
		align = 1UL << 30;
	span = size + align;
	base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return MAP_FAILED;
	at = (uint8_t *)(((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1));
	p = mmap(at, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off);
	if (p == MAP_FAILED) {
		int e = errno;

		munmap(base, span);
		errno = e;
		return MAP_FAILED;
	}
	if (at > base)
		munmap(base, at - base);
	if (base + span > at + size)
		munmap(at + size, base + span - (at + size));
	return p;
}

/*
 * Write bandwidth through an mmap of BAR0, whole slice; with @bdf, also
 * through the parent's resource0 at @res_off (the slice's own VRAM).
 * Cold: mmap plus the first pass, page faults included (what a VMM's
 * first guest boot pays), BAR0 mapped as QEMU 10 maps it (map_region()).  Warm: later passes over the established
 * mapping, BAR0 and resource0 taking turns (the same machine for
 * both), each reporting its best pass (see cmd_lat on stalls).
 */
static int cmd_bw(const char *uuid, int passes, const char *bdf, off_t res_off)
{
	struct vfio_region_info bar0;
	double warm[2] = { 0, 0 }, mbps;
	void *map[2] = { NULL, NULL };
	int fds[2] = { -1, -1 }, n = bdf ? 2 : 1;
	static const char *const name[2] = { "bar0", "res0" };
	struct vdev v;
	size_t size;

	vdev_open_or_die(uuid, &v);
	bar0 = region(v.device, VFIO_PCI_BAR0_REGION_INDEX);
	size = bar0.size;
	fds[0] = v.device;
	if (bdf)
		fds[1] = open_resource0(bdf);
	for (int i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		map[i] = i ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], res_off) :
			map_region(v.device, (off_t)bar0.offset, size);
		if (map[i] == MAP_FAILED)
			die(name[i]);
		write_pass(map[i], size, 1);
		printf("%s_cold_MBps %.1f\n", name[i], (double)size * 1e3 / (double)(now_ns() - t0));
	}
	for (int p = 0; p < passes; p++) {
		for (int i = 0; i < n; i++) {
			mbps = pass_MBps(map[i], size, (uint64_t)p + 2);
			if (mbps > warm[i])
				warm[i] = mbps;
		}
	}
	for (int i = 0; i < n; i++) {
		printf("%s_warm_MBps %.1f\n", name[i], warm[i]);
		munmap(map[i], size);
	}
	if (bdf)
		close(fds[1]);
	vdev_close(&v);
	return 0;
}

/* One life: create, open the device fd, close, remove; times in us. */
static void one_life(const char *type_dir, double *to_fd, double *to_gone)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char uuid[40];
	const char *what;
	uint64_t t0, t1;
	struct vdev v;
	int err;

	next_uuid(uuid, sizeof(uuid));
	t0 = now_ns();
	err = mdev_create(type_dir, uuid);
	if (err) {
		errno = err;
		die("create");
	}
	what = vdev_open(uuid, &v);
	if (!what && ioctl(v.device, VFIO_DEVICE_GET_INFO, &info))
		what = "VFIO_DEVICE_GET_INFO";
	t1 = now_ns();
	if (what) {
		vdev_close(&v);
		mdev_remove(uuid);
		die(what);
	}
	*to_fd = (double)(t1 - t0) / 1e3;
	vdev_close(&v);

	t0 = now_ns();
	err = mdev_remove(uuid);
	/* remove is synchronous on both stacks; the poll only guards that claim. */
	while (!err && mdev_exists(uuid))
		usleep(100);
	t1 = now_ns();
	if (err) {
		errno = err;
		die("remove");
	}
	*to_gone = (double)(t1 - t0) / 1e3;
}

/*
 * The median of @k lives: a single one is at the mercy of whatever else
 * the host ran in that moment (a TCG VM on a shared machine), and the
 * figure is compared with the reference's taken the same way.
 */
#define LIFE_MAX 64

static int cmd_life(const char *type_dir, int k)
{
	double fd[LIFE_MAX], gone[LIFE_MAX];

	if (k < 1 || k > LIFE_MAX)
		fail("life: K must be 1 to %d, not %d", LIFE_MAX, k);
	for (int i = 0; i < k; i++)
		one_life(type_dir, &fd[i], &gone[i]);
	printf("create_to_fd_us %.1f\n", median(fd, (size_t)k));
	printf("remove_to_gone_us %.1f\n", median(gone, (size_t)k));
	return 0;
}

static long meminfo_kib(const char *file, const char *key)
{
	char line[256];
	long sum = 0, v;
	FILE *f = fopen(file, "r");

	if (!f)
		die(file);
	while (fgets(line, sizeof(line), f)) {
		char *at = strstr(line, key);

		if (at && sscanf(at + strlen(key), " %ld", &v) == 1)
			sum += v;
	}
	fclose(f);
	return sum;
}

/*
 * MemAvailable as of now, in KiB.  Two things make the raw figure lag
 * by megabytes, far more than the kernel memory a vslice instance
 * costs: per-CPU vmstat deltas not yet folded into the global counters
 * (stat_refresh folds them), and free pages parked on the per-CPU page
 * lists, which NR_FREE_PAGES does not count; their "count:" lines in
 * /proc/zoneinfo are added back.
 */
static long mem_available_kib(void)
{
	long pcp_pages;

	if (sysfs_store("/proc/sys/vm/stat_refresh", "1"))
		fprintf(stderr, "%s: stat_refresh failed; MemAvailable may lag\n", prog);
	pcp_pages = meminfo_kib("/proc/zoneinfo", "count:");
	return meminfo_kib("/proc/meminfo", "MemAvailable:") + pcp_pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * Host RAM an instance costs once a user has touched all of its VRAM:
 * MemAvailable before creating @n instances minus MemAvailable while
 * all of them are open, mapped and touched, per instance.  One store per
 * page is a touch: it is what makes mbochs allocate the page.
 */
static int cmd_ram(const char *type_dir, int n)
{
	static char uuids[MAX_LIVE][40];
	static struct vdev devs[MAX_LIVE];
	static void *maps[MAX_LIVE];
	static size_t sizes[MAX_LIVE];
	long before, after;
	int i, err;

	if (n < 1 || n > MAX_LIVE) {
		errno = EINVAL;
		die("instance count");
	}
	sync();
	before = mem_available_kib();
	for (i = 0; i < n; i++) {
		struct vfio_region_info bar0;
		volatile uint64_t *p;

		next_uuid(uuids[i], sizeof(uuids[i]));
		err = mdev_create(type_dir, uuids[i]);
		if (err) {
			errno = err;
			die("create");
		}
		vdev_open_or_die(uuids[i], &devs[i]);
		bar0 = region(devs[i].device, VFIO_PCI_BAR0_REGION_INDEX);
		sizes[i] = bar0.size;
		maps[i] = mmap(NULL, bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			       devs[i].device, (off_t)bar0.offset);
		if (maps[i] == MAP_FAILED)
			die("mmap");
		p = maps[i];
		for (size_t off = 0; off < bar0.size; off += 4096)
			p[off / 8] = off | 1;
	}
	after = mem_available_kib();
	printf("ram_kib_per_instance %.1f\n", (double)(before - after) / n);
	for (i = 0; i < n; i++) {
		munmap(maps[i], sizes[i]);
		vdev_close(&devs[i]);
		mdev_remove(uuids[i]);
	}
	return 0;
}

/* Whether @bytes of @p read as zero. */
static int all_zero(const volatile uint64_t *p, size_t bytes)
{
	for (size_t i = 0; i < bytes / 8; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * The tenant boundary's cost: a user maps BAR0 of a new instance of
 * TYPE_DIR, writes all of it and closes every fd (the last user); the
 * next user's open returns after reopen_us@MIB, and BAR0's first and
 * last words read zero reopen_zero_us@MIB after the close (the whole
 * slice is then checked to be zero: the figure counts only if the
 * clearing was done).  With a BDF, the reference: a userspace memset of
 * the same VRAM through the parent's resource0 (res0_memset_us@MIB,
 * the "parent" stack's); "-" for none (mbochs: no VRAM behind it; it
 * frees a device's pages at close and gives the next user zeroed pages
 * as they are touched).
 */
static int cmd_reopen(const char *type_dir, int mib, const char *bdf)
{
	struct vfio_region_info bar0;
	uint64_t t0, t1, t2, first, last;
	char uuid[40];
	struct vdev v;
	void *p;
	int err;

	next_uuid(uuid, sizeof(uuid));
	err = mdev_create(type_dir, uuid);
	if (err) {
		errno = err;
		die("create");
	}
	vdev_open_or_die(uuid, &v);
	bar0 = region(v.device, VFIO_PCI_BAR0_REGION_INDEX);
	if (bar0.size != (uint64_t)mib << 20) {
		errno = EINVAL;
		die("BAR0 is not the size asked for");
	}
	p = mmap(NULL, bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, v.device,
		 (off_t)bar0.offset);
	if (p == MAP_FAILED)
		die("mmap");
	write_pass(p, bar0.size, 0x7673);
	munmap(p, bar0.size);
	vdev_close(&v);

	t0 = now_ns();
	vdev_open_or_die(uuid, &v);
	t1 = now_ns();
	printf("reopen_us@%d %.1f\n", mib, (double)(t1 - t0) / 1e3);
	{
		/*
		 * Polled through a mapping, as a VMM's guest reads BAR0, and
		 * not through the region: 6.12's mbochs takes its MMIO BAR's
		 * offset, not BAR0's, off a BAR0 region access, so a read of
		 * BAR0's last page indexes past its page array (an oops).
		 */
		volatile uint64_t *map = mmap(NULL, bar0.size, PROT_READ, MAP_SHARED, v.device,
					      (off_t)bar0.offset);

		if (map == MAP_FAILED)
			die("mmap");
		do {
			first = map[0];
			last = map[bar0.size / 8 - 1];
			t2 = now_ns();
			if (first || last)
				usleep(1000);
		} while ((first || last) && t2 - t0 < 10 * 1000000000ULL);
		p = (void *)map;
		if (first || last || !all_zero(p, bar0.size)) {
			errno = EIO;
			die("the next user's BAR0 still holds the last user's data (10 s after the close)");
		}
		munmap(p, bar0.size);
		printf("reopen_zero_us@%d %.1f\n", mib, (double)(t2 - t0) / 1e3);
	}
	vdev_close(&v);

	if (bdf) {
		char path[PATH_MAX];
		off_t off;
		int fd;

		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vslice/vram_offset", uuid);
		off = sysfs_long(path);
		fd = open_resource0(bdf);
		p = mmap(NULL, bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
		if (off < 0 || p == MAP_FAILED)
			die("mmap resource0");
		t0 = now_ns();
		memset(p, 0, bar0.size);
		t1 = now_ns();
		printf("res0_memset_us@%d %.1f\n", mib, (double)(t1 - t0) / 1e3);
		munmap(p, bar0.size);
		close(fd);
	}
	err = mdev_remove(uuid);
	if (err) {
		errno = err;
		die("remove");
	}
	return 0;
}

/*
 * The display interface (VFIO_DEVICE_QUERY_GFX_PLANE and the plane's
 * region), as QEMU's vfio display uses it (hw/vfio/display.c).  The
 * mode: 1024x768, 32 bpp, the frame every stack compares.
 */
#define FRAME_W 1024
#define FRAME_H 768
/* DRM_FORMAT_XRGB8888 ("XR24"): drm_fourcc.h is no part of the lab's uAPI headers. */
#define FORMAT_XRGB8888 0x34325258u
#define DRM_PLANE_PRIMARY 1
/* Bochs dispi register indexes and ENABLE bits (both Bochs-compatible stacks). */
enum { VBE_ID, VBE_XRES, VBE_YRES, VBE_BPP, VBE_ENABLE, VBE_BANK, VBE_VIRT_WIDTH,
       VBE_VIRT_HEIGHT, VBE_X_OFFSET, VBE_Y_OFFSET, VBE_NR };
#define VBE_ENABLED 0x01
#define VBE_LFB_ENABLED 0x40

struct gfx {
	int device;
	/* The plane type the device's probe took, and QEMU's drm_plane_type on that path. */
	uint32_t flags, plane_type;
	/* Device-fd offset of the dispi registers, or -1 (mdpy: its mode is its type's). */
	off_t dispi;
};

/* One query, its input set up the way QEMU sets it up before each call. */
static int gfx_query(const struct gfx *g, uint32_t flags, struct vfio_device_gfx_plane_info *p)
{
	memset(p, 0, sizeof(*p));
	p->argsz = sizeof(*p);
	p->flags = flags;
	p->drm_plane_type = g->plane_type;
	return ioctl(g->device, VFIO_DEVICE_QUERY_GFX_PLANE, p);
}

static void dispi_set(const struct gfx *g, int index, uint16_t val)
{
	if (pwrite(g->device, &val, 2, g->dispi + 2 * index) != 2)
		die("dispi register write");
}

static uint16_t dispi_get(const struct gfx *g, int index)
{
	uint16_t val;

	if (pread(g->device, &val, 2, g->dispi + 2 * index) != 2)
		die("dispi register read");
	return val;
}

/*
 * The plane type the device offers, found as QEMU finds it (dma-buf
 * first, then region), and its dispi registers when it has them: an
 * MMIO BAR2 whose dispi ID reads 0xb0cX.
 */
static void gfx_open(struct gfx *g, int device)
{
	struct vfio_region_info bar2 = { .argsz = sizeof(bar2), .index = VFIO_PCI_BAR2_REGION_INDEX };
	struct vfio_device_gfx_plane_info p;
	uint16_t id = 0;

	g->device = device;
	g->plane_type = DRM_PLANE_PRIMARY;
	g->flags = VFIO_GFX_PLANE_TYPE_DMABUF;
	if (gfx_query(g, VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF, &p)) {
		/* The region path leaves drm_plane_type 0 (hw/vfio/display.c). */
		g->plane_type = 0;
		g->flags = VFIO_GFX_PLANE_TYPE_REGION;
		if (gfx_query(g, VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION, &p))
			die("VFIO_DEVICE_QUERY_GFX_PLANE probe (neither dma-buf nor region)");
	}
	g->dispi = -1;
	if (!ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &bar2) &&
	    bar2.size >= DISPI_ID + 2 * VBE_NR &&
	    pread(device, &id, 2, (off_t)bar2.offset + DISPI_ID) == 2 && (id & 0xfff0) == 0xb0c0)
		g->dispi = (off_t)bar2.offset + DISPI_ID;
}

/*
 * FRAME_W x FRAME_H x 32, enabled with the linear framebuffer, scanning
 * out from VRAM offset 0, set the way bochs-drm sets a mode; room for a
 * second frame below it (VIRT_HEIGHT) for the flips.
 */
static void gfx_set_mode(const struct gfx *g)
{
	dispi_set(g, VBE_ENABLE, 0);
	dispi_set(g, VBE_XRES, FRAME_W);
	dispi_set(g, VBE_YRES, FRAME_H);
	dispi_set(g, VBE_BPP, 32);
	dispi_set(g, VBE_VIRT_WIDTH, FRAME_W);
	dispi_set(g, VBE_VIRT_HEIGHT, 2 * FRAME_H);
	dispi_set(g, VBE_X_OFFSET, 0);
	dispi_set(g, VBE_Y_OFFSET, 0);
	dispi_set(g, VBE_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
	if (dispi_get(g, VBE_XRES) != FRAME_W || dispi_get(g, VBE_YRES) != FRAME_H ||
	    dispi_get(g, VBE_BPP) != 32 || !(dispi_get(g, VBE_ENABLE) & VBE_ENABLED))
		fail("the device did not take the mode %dx%dx32 (reads %ux%ux%u, enable 0x%x)",
		     FRAME_W, FRAME_H, dispi_get(g, VBE_XRES), dispi_get(g, VBE_YRES),
		     dispi_get(g, VBE_BPP), dispi_get(g, VBE_ENABLE));
}

/* The plane must be the frame compared, or the numbers are of something else. */
static void gfx_check_plane(const struct vfio_device_gfx_plane_info *p)
{
	if (p->drm_format != FORMAT_XRGB8888 || p->width != FRAME_W || p->height != FRAME_H ||
	    p->stride < FRAME_W * 4 || p->size < (uint64_t)p->stride * p->height)
		fail("the plane is not %dx%d XRGB8888: format 0x%x %ux%u stride %u size %llu",
		     FRAME_W, FRAME_H, p->drm_format, p->width, p->height, p->stride,
		     (unsigned long long)p->size);
}

/*
 * The whole frame, row by row, into a frame of the reader's own: the
 * copy QEMU's VNC server makes of each changed row of the guest surface,
 * a pixman image wrapped around the mapping (ui/vnc.c,
 * vnc_refresh_server_surface), when the formats match (XRGB8888 both).
 */
static __attribute__((noinline)) void read_frame(uint8_t *dst, const uint8_t *src, uint32_t stride)
{
	for (int y = 0; y < FRAME_H; y++)
		memcpy(dst + (size_t)y * FRAME_W * 4, src + (size_t)y * stride, FRAME_W * 4);
}

static double frame_us(uint8_t *dst, const uint8_t *src, uint32_t stride)
{
	uint64_t t0 = now_ns();

	read_frame(dst, src, stride);
	return (double)(now_ns() - t0) / 1e3;
}

/* Pixel values unique to a frame (tag) and a position in it. */
static uint32_t pixel(uint32_t tag, int x, int y)
{
	return tag << 24 ^ (uint32_t)(y * FRAME_W + x);
}

static void fill_frame(uint8_t *base, uint32_t stride, uint32_t tag)
{
	for (int y = 0; y < FRAME_H; y++) {
		uint32_t *row = (uint32_t *)(base + (size_t)y * stride);

		for (int x = 0; x < FRAME_W; x++)
			row[x] = pixel(tag, x, y);
	}
}

static void check_frame(const uint8_t *frame, uint32_t tag, const char *when)
{
	const uint32_t *px = (const uint32_t *)frame;

	for (int y = 0; y < FRAME_H; y++)
		for (int x = 0; x < FRAME_W; x++)
			if (px[y * FRAME_W + x] != pixel(tag, x, y))
				fail("%s: pixel (%d,%d) reads 0x%08x, not the 0x%08x written through BAR0",
				     when, x, y, px[y * FRAME_W + x], pixel(tag, x, y));
}

/*
 * Open the display interface of @device, set the mode, and make the
 * first query, whose plane must be the frame compared.
 */
static void gfx_setup(struct gfx *g, int device, struct vfio_device_gfx_plane_info *p)
{
	gfx_open(g, device);
	if (g->dispi >= 0)
		gfx_set_mode(g);
	/*
	 * 6.12's mbochs drops the dma-buf it allocates for a mode it has
	 * not seen (mbochs_query_gfx_plane: the result of
	 * mbochs_dmabuf_alloc() is not assigned) and fails that first
	 * query with ENOMEM; the dma-buf is on its list, so the next query
	 * finds it.
	 */
	if (gfx_query(g, g->flags, p) &&
	    !(errno == ENOMEM && g->flags == VFIO_GFX_PLANE_TYPE_DMABUF && !gfx_query(g, g->flags, p)))
		die("VFIO_DEVICE_QUERY_GFX_PLANE");
	gfx_check_plane(p);
}

/*
 * @len bytes of anonymous memory in 4 KiB pages, touched.  Not a
 * transparent huge page: seen in the lab, the 2 MiB page of a buffer
 * like this one stayed allocated for a moment after the process had
 * exited, and its freeing fell into the next step's RAM measurement
 * (cmd_ram) as 2 MiB gained.
 */
static uint8_t *small_pages(size_t len)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap of a buffer");
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	memset(p, 0, len);
	return p;
}

/*
 * The frame read through the plane's region (see cmd_gfx).  The frames
 * are written through an mmap of BAR0: frame A at VRAM offset 0, and on
 * a device with dispi registers frame B right below it (Y_OFFSET =
 * FRAME_H), page aligned as bochs-drm's framebuffers are.
 */
static void gfx_frames(const struct gfx *g, const struct vdev *v,
		       const struct vfio_device_gfx_plane_info *plane, int frames,
		       const char *bdf, off_t res_off)
{
	struct vfio_region_info disp = { .argsz = sizeof(disp), .index = plane->region_index };
	struct vfio_region_info bar0 = region(v->device, VFIO_PCI_BAR0_REGION_INDEX);
	const uint32_t stride = plane->stride, tag_a = 0xa1, tag_b = 0xb2;
	const size_t fb = (size_t)stride * FRAME_H;
	const int flips = g->dispi >= 0;
	const size_t written = flips ? 2 * fb : fb;
	double cold, best_read = 1e18, best_floor = 1e18, best_flip = 1e18, us;
	struct vfio_device_gfx_plane_info p;
	double best_res = 1e18;
	uint8_t *dst, *anon, *bar, *map, *res = NULL;
	int res_fd = -1;
	uint64_t t0;

	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &disp))
		die("VFIO_DEVICE_GET_REGION_INFO of the plane's region");
	if (!(disp.flags & VFIO_REGION_INFO_FLAG_MMAP) || disp.size < plane->size)
		fail("region %u: flags 0x%x size %llu: not an mmappable region of the plane's %llu bytes",
		     plane->region_index, disp.flags, (unsigned long long)disp.size,
		     (unsigned long long)plane->size);
	if (fb % 4096 || bar0.size < written)
		fail("BAR0 (%llu bytes) has no room for %zu bytes of page-aligned frames",
		     (unsigned long long)bar0.size, written);

	bar = mmap(NULL, written, PROT_READ | PROT_WRITE, MAP_SHARED, v->device, (off_t)bar0.offset);
	if (bar == MAP_FAILED)
		die("mmap of BAR0");
	fill_frame(bar, stride, tag_a);
	if (flips)
		fill_frame(bar + fb, stride, tag_b);
	munmap(bar, written);

	/* Both touched before any timing: no page fault is measured but the mapping's. */
	dst = small_pages((size_t)FRAME_W * FRAME_H * 4);
	anon = small_pages(fb);
	fill_frame(anon, stride, tag_a);

	t0 = now_ns();
	map = mmap(NULL, disp.size, PROT_READ, MAP_SHARED, v->device, (off_t)disp.offset);
	if (map == MAP_FAILED)
		die("mmap of the plane's region");
	read_frame(dst, map, stride);
	cold = (double)(now_ns() - t0) / 1e3;
	check_frame(dst, tag_a, "the first read of the display region");
	if (bdf) {
		res_fd = open_resource0(bdf);
		res = mmap(NULL, fb, PROT_READ, MAP_SHARED, res_fd, res_off);
		if (res == MAP_FAILED)
			die("mmap of resource0");
		read_frame(dst, res, stride);
		check_frame(dst, tag_a, "the first read of the frame through resource0");
	}

	for (int f = 0; f < frames; f++) {
		us = frame_us(dst, map, stride);
		if (us < best_read)
			best_read = us;
		us = frame_us(dst, anon, stride);
		if (us < best_floor)
			best_floor = us;
		if (res) {
			us = frame_us(dst, res, stride);
			if (us < best_res)
				best_res = us;
		}
	}
	printf("frame_cold_us %.1f\nframe_read_us %.1f\nframe_floor_us %.1f\n", cold, best_read,
	       best_floor);
	if (res) {
		printf("res0_frame_read_us %.1f\n", best_res);
		munmap(res, fb);
		close(res_fd);
	}

	for (int f = 0; flips && f < frames; f++) {
		int to_b = !(f % 2);

		dispi_set(g, VBE_Y_OFFSET, to_b ? FRAME_H : 0);
		t0 = now_ns();
		if (gfx_query(g, g->flags, &p))
			die("VFIO_DEVICE_QUERY_GFX_PLANE after a flip");
		read_frame(dst, map, stride);
		us = (double)(now_ns() - t0) / 1e3;
		if (us < best_flip)
			best_flip = us;
		if (p.region_index != plane->region_index)
			fail("the plane moved to region %u after a flip; QEMU would map it anew",
			     p.region_index);
		if (f < 2)
			check_frame(dst, to_b ? tag_b : tag_a,
				    to_b ? "the read after a flip to the second frame" :
					   "the read after the flip back");
	}
	if (flips) {
		dispi_set(g, VBE_Y_OFFSET, 0);
		if (gfx_query(g, g->flags, &p))
			die("VFIO_DEVICE_QUERY_GFX_PLANE after the flips");
		printf("frame_flip_us %.1f\n", best_flip);
	}
	munmap(map, disp.size);
	munmap(anon, fb);
	munmap(dst, (size_t)FRAME_W * FRAME_H * 4);
}

/*
 * vsbench gfx UUID N FRAMES: the display interface of one instance.
 *
 * gfx_query_ns: one VFIO_DEVICE_QUERY_GFX_PLANE reporting the primary
 * plane, the call QEMU makes on every display refresh.  Each device is
 * asked the way QEMU asks it: flags REGION and drm_plane_type 0 on a
 * region device (vslice, mdpy), DMABUF and PRIMARY on a dma-buf device
 * (mbochs: its query finds the dma-buf of the current mode and fills in
 * its id; QEMU exports it with VFIO_DEVICE_GET_GFX_DMABUF only for an id
 * it has not seen, so the query alone is the per-refresh cost).  Best of
 * BATCHES batches, taking turns with a 4-byte pread of /dev/zero
 * (gfx_floor_ns, the same machine for both; see cmd_lat).
 *
 * On a region device with FRAMES > 0, through an mmap of the plane's
 * whole region, PROT_READ and MAP_SHARED as QEMU maps it: frame_cold_us
 * (mmap plus the first read, page faults included), frame_read_us (the
 * best of FRAMES reads of the mapped frame, taking turns with the same
 * copy out of anonymous memory, frame_floor_us, and with BDF the same
 * frame through the parent GPU's resource0 at OFFSET, the slice's VRAM
 * without vslice's mapping in between, res0_frame_read_us).  With dispi registers
 * also frame_flip_us: a flip between two frames (Y_OFFSET), the query
 * that follows the scanout base, and the read of the new frame through
 * the same mapping; best of FRAMES flips.  The frames read must show the
 * pixels written through BAR0 at the scanout base.
 *
 * The mode is set through the dispi registers where the device has them;
 * mdpy's is its type's (mdpy-xga: 1024x768).
 */
static int cmd_gfx(const char *uuid, long n, int frames, const char *bdf, off_t res_off)
{
	long per = n / BATCHES > 0 ? n / BATCHES : 1;
	struct vfio_device_gfx_plane_info p;
	struct reader zero;
	double best_q = 1e18, best_z = 1e18;
	struct vdev v;
	struct gfx g;

	if (n < 1 || frames < 0)
		fail("gfx: N must be at least 1 and FRAMES at least 0");
	vdev_open_or_die(uuid, &v);
	gfx_setup(&g, v.device, &p);

	zero.metric = "/dev/zero";
	zero.fd = open("/dev/zero", O_RDONLY);
	zero.off = 0;
	zero.len = 4;
	if (zero.fd < 0)
		die("/dev/zero");
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = now_ns();
		double ns;

		for (long i = 0; i < per; i++)
			if (gfx_query(&g, g.flags, &p))
				die("VFIO_DEVICE_QUERY_GFX_PLANE");
		ns = (double)(now_ns() - t0) / (double)per;
		if (ns < best_q)
			best_q = ns;
		if (!p.size)
			fail("the plane went away during the latency run");
		ns = batch_ns(&zero, per);
		if (ns < best_z)
			best_z = ns;
	}
	close(zero.fd);
	printf("gfx_query_ns %.1f\ngfx_floor_ns %.1f\n", best_q, best_z);

	if (frames > 0) {
		if (g.flags != VFIO_GFX_PLANE_TYPE_REGION) {
			errno = EINVAL;
			die("frames: the device's plane is a dma-buf, not a region");
		}
		gfx_frames(&g, &v, &p, frames, bdf, res_off);
	}
	vdev_close(&v);
	return 0;
}

/* N plane queries and nothing else, for the bench's perf step. */
static int cmd_gfxloop(const char *uuid, long n)
{
	struct vfio_device_gfx_plane_info p;
	struct vdev v;
	struct gfx g;
	uint64_t t0;

	vdev_open_or_die(uuid, &v);
	gfx_setup(&g, v.device, &p);
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (gfx_query(&g, g.flags, &p))
			die("VFIO_DEVICE_QUERY_GFX_PLANE");
	printf("gfx_loop_ns %.1f\n", (double)(now_ns() - t0) / (double)(n > 0 ? n : 1));
	vdev_close(&v);
	return 0;
}

static int split_dirs(char *list, char **dirs)
{
	int n = 0;

	for (char *tok = strtok(list, ","); tok && n < MAX_DIRS; tok = strtok(NULL, ","))
		dirs[n++] = tok;
	return n;
}

static long type_available(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/available_instances", dir);
	return sysfs_long(path);
}

/*
 * With @live instances alive (@live - 1 idle ones plus the one being
 * cycled), @k create+remove cycles of one instance through sysfs.  The
 * idle ones fill the type directories in order; the cycled one goes
 * where room is left.  The rate is the inverse of the median cycle: on
 * a TCG host shared with other VMs, a mean lets one descheduled vCPU
 * decide the figure.  Also prints the median create and remove times.
 */
static int cmd_cycles(char *list, int live, int k)
{
	static char idle[MAX_LIVE][40];
	static double cyc[MAX_CYCLES], cre[MAX_CYCLES], rem[MAX_CYCLES];
	char *dirs[MAX_DIRS], uuid[40];
	const char *where = NULL;
	int nd, d = 0, i, nidle = 0, err = 0;
	uint64_t t0, t1, t2;

	nd = split_dirs(list, dirs);
	if (live < 1 || live > MAX_LIVE || k < 1 || k > MAX_CYCLES || !nd) {
		errno = EINVAL;
		die("arguments");
	}
	while (nidle < live - 1 && d < nd) {
		if (type_available(dirs[d]) <= 0) {
			d++;
			continue;
		}
		next_uuid(idle[nidle], sizeof(idle[nidle]));
		err = mdev_create(dirs[d], idle[nidle]);
		if (err)
			break;
		nidle++;
	}
	for (; d < nd && !where; d++)
		if (type_available(dirs[d]) > 0)
			where = dirs[d];
	if (err || nidle < live - 1 || !where) {
		fprintf(stderr, "%s: room for only %d live instances\n", prog, nidle + !!where);
		err = ENOSPC;
		goto out;
	}
	/*
	 * A few unmeasured cycles first: the first creates after a module
	 * load or a scan step run code TCG has not translated yet.
	 */
	for (i = 0; i < WARMUP_CYCLES && !err; i++) {
		next_uuid(uuid, sizeof(uuid));
		err = mdev_create(where, uuid);
		if (!err)
			err = mdev_remove(uuid);
	}
	for (i = 0; i < k && !err; i++) {
		next_uuid(uuid, sizeof(uuid));
		t0 = now_ns();
		err = mdev_create(where, uuid);
		t1 = now_ns();
		if (!err)
			err = mdev_remove(uuid);
		t2 = now_ns();
		cre[i] = (double)(t1 - t0) / 1e3;
		rem[i] = (double)(t2 - t1) / 1e3;
		cyc[i] = (double)(t2 - t0) / 1e3;
	}
	if (!err) {
		printf("cycle_rate@%d %.2f\n", live, 1e6 / median(cyc, (size_t)k));
		printf("cycle_create_us@%d %.1f\n", live, median(cre, (size_t)k));
		printf("cycle_remove_us@%d %.1f\n", live, median(rem, (size_t)k));
	}
out:
	for (i = 0; i < nidle; i++)
		mdev_remove(idle[i]);
	if (err) {
		errno = err;
		die("cycles");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "lat") && argc == 4)
		return cmd_lat(argv[2], atol(argv[3]));
	if (!strcmp(cmd, "bw") && argc == 4)
		return cmd_bw(argv[2], atoi(argv[3]), NULL, 0);
	if (!strcmp(cmd, "bw") && argc == 6)
		return cmd_bw(argv[2], atoi(argv[3]), argv[4], (off_t)strtoull(argv[5], NULL, 0));
	if (!strcmp(cmd, "gfx") && argc == 5)
		return cmd_gfx(argv[2], atol(argv[3]), atoi(argv[4]), NULL, 0);
	if (!strcmp(cmd, "gfx") && argc == 7)
		return cmd_gfx(argv[2], atol(argv[3]), atoi(argv[4]), argv[5],
			       (off_t)strtoull(argv[6], NULL, 0));
	if (!strcmp(cmd, "readloop") && argc == 5 && !strcmp(argv[3], "gfx"))
		return cmd_gfxloop(argv[2], atol(argv[4]));
	if (!strcmp(cmd, "readloop") && argc == 5)
		return cmd_readloop(argv[2], argv[3], atol(argv[4]));
	if (!strcmp(cmd, "life") && argc == 4)
		return cmd_life(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "ram") && argc == 4)
		return cmd_ram(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "cycles") && argc == 5)
		return cmd_cycles(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(cmd, "reopen") && argc == 5)
		return cmd_reopen(argv[2], atoi(argv[3]), strcmp(argv[4], "-") ? argv[4] : NULL);
	fprintf(stderr, "usage: see the comment at the top of tests/bench/vsbench.c\n");
	return 2;
}
