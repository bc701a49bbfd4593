// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-cdev: a vGPU opened the way QEMU does with iommufd, through the
 * VFIO device cdev (/dev/vfio/devices/vfioN) and /dev/iommu instead of a
 * container and group.  It proves that an mdev of vslice_vfio_mdev is a
 * working emulated-IOMMU iommufd device: nothing works before
 * VFIO_DEVICE_BIND_IOMMUFD, bind and attach to an IOAS work (the IOAS then
 * takes the emulated device's page alignment), BAR0 mapped through the
 * cdev is the instance's slice of the parent's VRAM and of no other
 * instance, detach and close release the device, and while the cdev holds
 * the device the group path cannot have it, nor the other way round.
 * Every refused call fails with the errno of Linux 6.12's
 * drivers/vfio/device_cdev.c, group.c and drivers/iommu/iommufd/.
 *
 * usage: vfio-cdev SUITE UUID PARENT_BDF OTHER_UUID
 * OTHER_UUID is another live, unopened instance on the same parent.
 * Prints one VSLICE-RESULT line per check (tests/README.md).  The parent's
 * VRAM is read through its sysfs resource0 (iomem=relaxed).
 */
#include <dirent.h>
#include <linux/iommufd.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "lab_result.h"
#include "vfio_util.h"

#define IOVA		0x10000000ULL	/* where the test buffer is mapped */
#define MAP_LEN		(2 * 4096UL)
#define PATTERN_WORDS	512		/* one 4 KiB page of u64 */
#define BIND_SZ		sizeof(struct vfio_device_bind_iommufd)

static const char *uuid;
static char why[512];

static const char *errname(int err)
{
	static char buf[16];

	switch (err) {
	case 0: return "success";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EBADF: return "EBADF";
	case EBADFD: return "EBADFD";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case ENOTTY: return "ENOTTY";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* @ret (negative on failure, errno @err) must be a failure with @want. */
static void expect_errno(const char *name, long ret, int err, int want)
{
	if (ret < 0 && err == want) {
		lab_result(1, name, "");
		return;
	}
	snprintf(why, sizeof(why), "want %s, got %s", errname(want),
		 ret < 0 ? errname(err) : "success");
	lab_result(0, name, why);
}

/* @ret (negative on failure, errno @err) must be a success. */
static int expect_ok(const char *name, long ret, int err)
{
	snprintf(why, sizeof(why), "failed with %s", errname(err));
	lab_result(ret >= 0, name, why);
	return ret >= 0 ? 0 : -1;
}

/* Evaluates CALL, then reads errno: the order the checks need. */
#define EXPECT_ERRNO(name, want, call) do {			\
	long ret_ = (call);					\
	expect_errno(name, ret_, errno, want);			\
} while (0)
#define EXPECT_OK(name, call) ({				\
	long ret_ = (call);					\
	expect_ok(name, ret_, errno);				\
})

static unsigned long long sysfs_ull(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strtoull(buf, NULL, 0);
}

static unsigned long long slice_attr(const char *id, const char *attr)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vslice/%s", id, attr);
	return sysfs_ull(path);
}

/* The name (vfioN) of the device's cdev, from sysfs. */
static int find_cdev(char *name, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	int found = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(name, len, "%s", e->d_name);
			found = 0;
			break;
		}
	closedir(d);
	return found;
}

/* Whether the node @fd is open on has the "MAJ:MIN" of sysfs' dev file. */
static int same_devt(int fd, const char *cdev)
{
	char path[PATH_MAX];
	unsigned int maj, min;
	struct stat st;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev/%s/dev", uuid, cdev);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%u:%u", &maj, &min);
	fclose(f);
	return n == 2 && !fstat(fd, &st) && S_ISCHR(st.st_mode) &&
	       major(st.st_rdev) == maj && minor(st.st_rdev) == min;
}

/* Opens the device's VFIO group node: the group path's first step. */
static int open_group(void)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	return open(path, O_RDWR);
}

/* Whether the group node opens now (and closes it again). */
static long group_opens(void)
{
	int fd = open_group();

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/*
 * A child that opens the device through the group path
 * (vfio_open_mdev()) and keeps it open until killed; *@pid is set when the
 * child got the device.
 */
static int hold_by_group(pid_t *pid)
{
	int p[2];
	char c = 'n';

	if (pipe(p))
		return -1;
	fflush(stdout);
	*pid = fork();
	if (*pid == 0) {
		char group[64];

		close(p[0]);
		if (vfio_open_mdev(uuid, group, sizeof(group)) >= 0)
			c = 'y';
		if (write(p[1], &c, 1) == 1 && c == 'y')
			for (;;)
				pause();
		_exit(0);
	}
	close(p[1]);
	if (*pid < 0 || read(p[0], &c, 1) != 1)
		c = 'n';
	close(p[0]);
	return c == 'y' ? 0 : -1;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static long bind_iommufd(int dev, int iommufd, __u32 argsz, __u32 flags, __u32 *devid)
{
	struct vfio_device_bind_iommufd b = {
		.argsz = argsz, .flags = flags, .iommufd = iommufd,
		.out_devid = ~0U,
	};
	long ret = ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (devid)
		*devid = b.out_devid;
	return ret;
}

static long attach(int dev, __u32 *pt_id)
{
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = *pt_id };
	long ret = ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	*pt_id = a.pt_id;
	return ret;
}

static long detach(int dev)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

	return ioctl(dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

static long ioas_map(int iommufd, __u32 ioas, void *buf, __u64 iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = MAP_LEN,
		.iova = iova,
	};

	return ioctl(iommufd, IOMMU_IOAS_MAP, &m);
}

static long ioas_unmap(int iommufd, __u32 ioas, __u64 *length)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = IOVA, .length = MAP_LEN,
	};
	long ret = ioctl(iommufd, IOMMU_IOAS_UNMAP, &u);

	*length = u.length;
	return ret;
}

static long destroy(int iommufd, __u32 id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return ioctl(iommufd, IOMMU_DESTROY, &d);
}

/* An mmap of one page of @fd at @off, undone; negative if refused. */
static long map_probe(int fd, off_t off)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, off);

	if (p == MAP_FAILED)
		return -1;
	munmap(p, 4096);
	return 0;
}

static uint64_t seed;

static uint64_t pattern(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL ^ seed;
}

/* How many words of the first and the last page of the @size bytes at @p carry it. */
static size_t pattern_words(const volatile uint64_t *p, size_t size)
{
	const volatile uint64_t *last = p + size / 8 - PATTERN_WORDS;
	size_t i, n = 0;

	for (i = 0; i < PATTERN_WORDS; i++)
		n += (p[i] == pattern(i)) + (last[i] == pattern(PATTERN_WORDS + i));
	return n;
}

static int has_pattern(const volatile uint64_t *p, size_t size)
{
	return pattern_words(p, size) == 2 * PATTERN_WORDS;
}

static void put_pattern(volatile uint64_t *p, size_t size)
{
	volatile uint64_t *last = p + size / 8 - PATTERN_WORDS;
	size_t i;

	for (i = 0; i < PATTERN_WORDS; i++) {
		p[i] = pattern(i);
		last[i] = pattern(PATTERN_WORDS + i);
	}
}

/* @size bytes of the parent's VRAM at @offset, read-only. */
static void *map_parent_vram(const char *bdf, off_t offset, size_t size)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDONLY | O_SYNC);
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, offset);
	close(fd);
	return p;
}

/* BAR0 through the bound cdev: the instance's slice of the parent. */
static void check_bar0(int dev, const char *parent, const char *other, volatile uint64_t **slice,
		       size_t *slice_size)
{
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0), .index = 0 };
	unsigned long long size = slice_attr(uuid, "vram_size");
	unsigned long long offset = slice_attr(uuid, "vram_offset");
	unsigned long long osize = slice_attr(other, "vram_size");
	unsigned long long ooffset = slice_attr(other, "vram_offset");
	struct timespec now;
	uint64_t word = 0;
	void *p, *vram;

	*slice = NULL;
	lab_result(!ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) && size &&
		   bar0.size == size && bar0.flags & VFIO_REGION_INFO_FLAG_MMAP,
		   "bar0-region-info", "BAR0 is not an mmap-able region of vslice/vram_size");
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dev, bar0.offset);
	if (expect_ok("bar0-mmap", p == MAP_FAILED ? -1 : 0, errno))
		return;
	*slice = p;
	*slice_size = size;

	/* Unique per run, so that an old run's bytes cannot pass. */
	clock_gettime(CLOCK_REALTIME, &now);
	seed = (uint64_t)now.tv_nsec << 32 ^ (uint64_t)now.tv_sec ^ (uint64_t)getpid() << 16;
	put_pattern(*slice, size);
	lab_result(has_pattern(*slice, size), "bar0-mmap-readback", "pattern not read back");
	lab_result(pread(dev, &word, 8, bar0.offset + 8) == 8 && word == pattern(1),
		   "bar0-pread-sees-mmap", "pread of BAR0 does not see the pattern");

	vram = map_parent_vram(parent, offset, size);
	if (vram == MAP_FAILED) {
		snprintf(why, sizeof(why), "mmap %s resource0 at 0x%llx: %s (iomem=relaxed?)",
			 parent, offset, strerror(errno));
		lab_result(0, "bar0-is-parent-vram", why);
	} else {
		snprintf(why, sizeof(why), "pattern not in %s's VRAM at 0x%llx", parent, offset);
		lab_result(has_pattern(vram, size), "bar0-is-parent-vram", why);
		munmap(vram, size);
	}
	vram = osize ? map_parent_vram(parent, ooffset, osize) : MAP_FAILED;
	snprintf(why, sizeof(why), "%s (slice at 0x%llx)",
		 vram == MAP_FAILED ? "cannot map the other slice" : "pattern in the other slice",
		 ooffset);
	lab_result(vram != MAP_FAILED && !pattern_words(vram, osize), "bar0-not-in-other-slice",
		   why);
	if (vram != MAP_FAILED)
		munmap(vram, osize);

	/* Reset zaps mappings made through the cdev too; they fault back. */
	EXPECT_OK("reset", ioctl(dev, VFIO_DEVICE_RESET));
	EXPECT_OK("reset-memory-reenabled", vfio_enable_memory(dev));
	lab_result(has_pattern(*slice, size), "bar0-refault-after-reset",
		   "the cdev mapping does not see the slice after reset");
}

int main(int argc, char **argv)
{
	struct vfio_region_info cfg = {
		.argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char cdev[256], path[PATH_MAX];
	int dev, dev2, iommufd, nullfd, closedfd;
	__u32 devid = 0, pt_id, ioas;
	volatile uint64_t *slice;
	size_t slice_size = 0;
	uint32_t ids = 0;
	__u64 length;
	void *buf;
	pid_t pid = -1;

	if (argc != 5) {
		fprintf(stderr, "usage: %s SUITE UUID PARENT_BDF OTHER_UUID\n", argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	uuid = argv[2];

	/* Find and open the cdev and /dev/iommu, as QEMU's iommufd backend does. */
	if (find_cdev(cdev, sizeof(cdev))) {
		lab_result(0, "cdev-in-sysfs", "no vfio-dev/vfioN under the mdev");
		return 1;
	}
	lab_result(1, "cdev-in-sysfs", "");
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", cdev);
	dev = open(path, O_RDWR | O_CLOEXEC);
	snprintf(why, sizeof(why), "/dev/vfio/devices/%s: %s", cdev, strerror(errno));
	lab_result(dev >= 0, "cdev-open", why);
	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	snprintf(why, sizeof(why), "/dev/iommu: %s", strerror(errno));
	lab_result(iommufd >= 0, "iommufd-open", why);
	if (dev < 0 || iommufd < 0)
		return 1;
	lab_result(same_devt(dev, cdev), "cdev-node-is-sysfs-devt",
		   "the node's device number differs from vfio-dev/vfioN/dev");

	/* Before BIND_IOMMUFD the fd grants nothing (access_granted). */
	EXPECT_ERRNO("ioctl-before-bind-einval", EINVAL, ioctl(dev, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_ERRNO("read-before-bind-einval", EINVAL, pread(dev, &ids, 4, (off_t)7 << 40));
	EXPECT_ERRNO("mmap-before-bind-einval", EINVAL, map_probe(dev, 0));
	pt_id = 1;
	EXPECT_ERRNO("attach-before-bind-einval", EINVAL, attach(dev, &pt_id));

	/* Bad binds, each undone completely. */
	EXPECT_ERRNO("bind-small-argsz-einval", EINVAL,
		     bind_iommufd(dev, iommufd, BIND_SZ - 4, 0, NULL));
	EXPECT_ERRNO("bind-flags-einval", EINVAL,
		     bind_iommufd(dev, iommufd, BIND_SZ, 1, NULL));
	EXPECT_ERRNO("bind-negative-fd-einval", EINVAL,
		     bind_iommufd(dev, -1, BIND_SZ, 0, NULL));
	closedfd = dup(iommufd);
	close(closedfd);
	EXPECT_ERRNO("bind-closed-fd-ebadf", EBADF,
		     bind_iommufd(dev, closedfd, BIND_SZ, 0, NULL));
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	EXPECT_ERRNO("bind-not-iommufd-ebadfd", EBADFD,
		     bind_iommufd(dev, nullfd, BIND_SZ, 0, NULL));
	EXPECT_ERRNO("bind-device-fd-ebadfd", EBADFD,
		     bind_iommufd(dev, dev, BIND_SZ, 0, NULL));
	close(nullfd);
	EXPECT_ERRNO("unbound-after-bad-binds", EINVAL, ioctl(dev, VFIO_DEVICE_GET_INFO, &info));

	/*
	 * An open but unbound cdev does not block the group path; a group
	 * that has the device open blocks BIND.
	 */
	EXPECT_OK("group-path-while-cdev-unbound", hold_by_group(&pid));
	EXPECT_ERRNO("bind-while-group-holds-ebusy", EBUSY,
		     bind_iommufd(dev, iommufd, BIND_SZ, 0, NULL));
	reap(pid);

	/* The bind QEMU does. */
	if (EXPECT_OK("bind", bind_iommufd(dev, iommufd, BIND_SZ, 0, &devid)))
		return 1;
	snprintf(why, sizeof(why), "out_devid %u", devid);
	lab_result(devid && devid != ~0U, "bind-out-devid", why);
	EXPECT_ERRNO("bind-twice-einval", EINVAL,
		     bind_iommufd(dev, iommufd, BIND_SZ, 0, NULL));
	dev2 = open(path, O_RDWR | O_CLOEXEC);
	EXPECT_ERRNO("bind-second-fd-einval", EINVAL,
		     dev2 < 0 ? -1 : bind_iommufd(dev2, iommufd, BIND_SZ, 0, NULL));
	if (dev2 >= 0)
		close(dev2);
	EXPECT_ERRNO("group-open-while-bound-ebusy", EBUSY, group_opens());

	/* An IOAS, attach (bad ids first), and a DMA mapping in it. */
	if (EXPECT_OK("ioas-alloc", ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc)))
		return 1;
	ioas = alloc.out_ioas_id;
	pt_id = ioas + 1000;
	EXPECT_ERRNO("attach-missing-pt-enoent", ENOENT, attach(dev, &pt_id));
	pt_id = devid;
	EXPECT_ERRNO("attach-devid-as-pt-enoent", ENOENT, attach(dev, &pt_id));
	pt_id = ioas;
	EXPECT_OK("attach-ioas", attach(dev, &pt_id));
	snprintf(why, sizeof(why), "pt_id %u, IOAS %u", pt_id, ioas);
	lab_result(pt_id == ioas, "attach-returns-ioas", why);

	buf = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 0x5a, MAP_LEN);
	/*
	 * The emulated device's access needs page-aligned IOVAs, which its
	 * attach imposes on the IOAS (and its detach lifts, below).
	 */
	EXPECT_ERRNO("ioas-map-unaligned-iova-einval", EINVAL,
		     ioas_map(iommufd, ioas, buf, IOVA + 0x800));
	EXPECT_OK("ioas-map-fixed-iova", ioas_map(iommufd, ioas, buf, IOVA));
	EXPECT_ERRNO("ioas-map-again-eexist", EEXIST, ioas_map(iommufd, ioas, buf, IOVA));
	length = 0;
	EXPECT_OK("ioas-unmap", ioas_unmap(iommufd, ioas, &length));
	snprintf(why, sizeof(why), "unmapped %llu bytes of %lu", (unsigned long long)length,
		 MAP_LEN);
	lab_result(length == MAP_LEN, "ioas-unmap-length", why);
	EXPECT_ERRNO("ioas-unmap-again-enoent", ENOENT, ioas_unmap(iommufd, ioas, &length));

	/* The device through the bound cdev. */
	EXPECT_OK("get-info", ioctl(dev, VFIO_DEVICE_GET_INFO, &info));
	snprintf(why, sizeof(why), "flags 0x%x regions %u", info.flags, info.num_regions);
	lab_result(info.flags == (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET) &&
		   info.num_regions == VFIO_PCI_NUM_REGIONS + 2, "get-info-pci-reset", why);
	lab_result(!ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg) &&
		   pread(dev, &ids, 4, cfg.offset) == 4 && ids == 0x11111234,
		   "config-ids", "config space does not read 1234:1111");
	EXPECT_OK("memory-decode-on", vfio_enable_memory(dev));
	check_bar0(dev, argv[3], argv[4], &slice, &slice_size);

	/* What holds what: the IOAS by the attach, the devid by the bind. */
	EXPECT_ERRNO("destroy-attached-ioas-ebusy", EBUSY, destroy(iommufd, ioas));
	EXPECT_ERRNO("destroy-bound-devid-ebusy", EBUSY, destroy(iommufd, devid));
	EXPECT_OK("detach", detach(dev));
	EXPECT_OK("detach-again-is-noop", detach(dev));
	EXPECT_OK("ioas-map-unaligned-after-detach", ioas_map(iommufd, ioas, buf, IOVA + 0x800));
	EXPECT_OK("destroy-ioas-after-detach", destroy(iommufd, ioas));
	munmap(buf, MAP_LEN);

	/*
	 * close() does not unbind while a BAR0 mapping holds the file; the
	 * last munmap does.
	 */
	close(dev);
	if (slice) {
		EXPECT_ERRNO("still-bound-while-mapped-ebusy", EBUSY, group_opens());
		munmap((void *)slice, slice_size);
	}
	EXPECT_OK("group-opens-after-close", group_opens());
	EXPECT_ERRNO("devid-gone-after-close-enoent", ENOENT, destroy(iommufd, devid));
	close(iommufd);
	return lab_failures ? 1 : 0;
}
