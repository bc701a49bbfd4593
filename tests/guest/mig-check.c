// SPDX-License-Identifier: GPL-2.0-only
/*
 * mig-check: VFIO migration v2 of vGPUs as a VMM drives it, through the
 * uAPI of <linux/vfio.h> only.  X and Y are vGPUs of one type, Z one of
 * another type, W one created while vslice_gpu.precopy was N:
 *
 *  - FEATURE_MIGRATION's flags (W without PRE_COPY), the DMA log (empty,
 *    or absent where the VFIO core cannot report one), MIG_DATA_SIZE;
 *  - a live move X -> Y: X runs with a pattern in its whole slice, a
 *    display mode, interrupt and MSI state; pre-copy is read until ENOMSG
 *    with PRECOPY_INFO checked on the way, pages written after they were
 *    sent (through the BAR0 mapping and through the device fd) are sent
 *    again, STOP_COPY sends only those and the device state; Y loads the
 *    stream in odd chunk sizes and has X's VRAM byte for byte, config
 *    space, BAR2 registers, EDID and display plane;
 *  - refused loads: into Z (another type), a truncated stream, a byte
 *    flipped in each kind of record, bytes after the end: each with its
 *    errno, a kernel log line, Y's state untouched and a good load after
 *    a reset;
 *  - every arc of the state machine (direct and combined) and the
 *    targets the VFIO core refuses;
 *  - a stop-copy-only move back Y -> X;
 *  - data fds after VFIO_DEVICE_RESET and after the device's last close.
 *
 * usage: mig-check SUITE X Y Z W
 *   all four closed; X offers a smaller max_resolution than Y (so that Y
 *   showing X's EDID afterwards proves it came with the state)
 * Prints one VSLICE-RESULT line per check (tests/README.md); figures to
 * stderr.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "lab_result.h"
#include "vfio_util.h"

#define DISPLAY_INDEX	9
#define PAGE		4096u

#define DISPI(i)	(0x500 + 2 * (i))
#define D_XRES		1
#define D_YRES		2
#define D_BPP		3
#define D_ENABLE	4
#define D_BANK		5
#define D_VIRT_WIDTH	6
#define D_VIRT_HEIGHT	7
#define D_X_OFFSET	8
#define D_Y_OFFSET	9
#define ENABLED		0x01
#define LFB		0x40
#define IRQ_STATUS	0x710
#define IRQ_ENABLE	0x714
#define IRQ_RAISE	0x718
#define MMIO_SIZE	4096
#define EDID_WINDOW	1024

#define CFG_SIZE	256
#define CFG_COMMAND	0x04
#define CFG_BAR0	0x10
#define CFG_BAR2	0x18
#define CFG_MSI		0x48

/* The stream's records (the kernel's contract, for the corruptions). */
#define REC_HDR		24
#define REC_HEADER	1
#define REC_VRAM	2
#define REC_DEVICE	3
#define REC_END		4

#define NSTATES		8
#define ST(s)		VFIO_DEVICE_STATE_##s

static const char *const state_names[NSTATES] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P", "PRE_COPY",
	"PRE_COPY_P2P",
};

struct vgpu {
	const char *name;
	const char *uuid;
	char type[32];
	int groupfd, device;
	uint64_t bar0_off, slice, bar2_off, cfg_off;
};

struct stream {
	uint8_t *p;
	size_t len, cap;
};

/* What a vGPU shows besides its VRAM, to compare two of them. */
struct snapshot {
	uint8_t cfg[CFG_SIZE];
	uint8_t mmio[MMIO_SIZE];
	struct vfio_device_gfx_plane_info plane;
	int plane_ret;
};

static struct vgpu X = { .name = "x" }, Y = { .name = "y" }, Z = { .name = "z" },
	W = { .name = "w" };
static uint8_t *shadow;		/* what X's slice holds */
static struct stream good;	/* X's stream of the live move */
static char why[320];
static int kmsg = -1;

static int check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	lab_result(ok, name, why);
	return ok;
}

static const char *err_name(int ret)
{
	return ret ? strerrorname_np(-ret) : "success";
}

static const char *st_name(uint32_t s)
{
	return s < NSTATES ? state_names[s] : "?";
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* --- The device ----------------------------------------------------- */

static uint64_t region_off(struct vgpu *v, unsigned int index, uint64_t *size)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &info))
		return ~0ULL;
	if (size)
		*size = info.size;
	return info.offset;
}

static int open_device(struct vgpu *v)
{
	v->device = ioctl(v->groupfd, VFIO_GROUP_GET_DEVICE_FD, v->uuid);
	if (v->device < 0)
		return -errno;
	if (vfio_enable_memory(v->device)) {
		close(v->device);
		v->device = -1;
		return -errno;
	}
	v->bar0_off = region_off(v, VFIO_PCI_BAR0_REGION_INDEX, &v->slice);
	v->bar2_off = region_off(v, VFIO_PCI_BAR2_REGION_INDEX, NULL);
	v->cfg_off = region_off(v, VFIO_PCI_CONFIG_REGION_INDEX, NULL);
	return 0;
}

static int open_vgpu(struct vgpu *v, const char *uuid)
{
	char group[64], path[256], link[256];
	const char *t;
	ssize_t n;

	v->uuid = uuid;
	v->device = -1;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mdev_type", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	t = strrchr(link, '/');
	t = t ? t + 1 : link;
	snprintf(v->type, sizeof(v->type), "%.31s", strncmp(t, "vslice-", 7) ? t : t + 7);
	v->groupfd = vfio_open_mdev_group(uuid, group, sizeof(group));
	return v->groupfd < 0 ? -ENODEV : open_device(v);
}

static int rd(struct vgpu *v, uint64_t off, void *buf, size_t len)
{
	return pread(v->device, buf, len, off) == (ssize_t)len ? 0 : -errno;
}

static int wr(struct vgpu *v, uint64_t off, const void *buf, size_t len)
{
	return pwrite(v->device, buf, len, off) == (ssize_t)len ? 0 : -errno;
}

static int mmio32(struct vgpu *v, uint32_t at, uint32_t val)
{
	return wr(v, v->bar2_off + at, &val, 4);
}

static uint32_t mmio_rd32(struct vgpu *v, uint32_t at)
{
	uint32_t val = ~0u;

	rd(v, v->bar2_off + at, &val, 4);
	return val;
}

static int dispi(struct vgpu *v, unsigned int index, uint16_t val)
{
	return wr(v, v->bar2_off + DISPI(index), &val, 2);
}

static uint16_t dispi_rd(struct vgpu *v, unsigned int index)
{
	uint16_t val = 0xffff;

	rd(v, v->bar2_off + DISPI(index), &val, 2);
	return val;
}

static int cfg_wr(struct vgpu *v, uint32_t at, uint32_t val, size_t len)
{
	return wr(v, v->cfg_off + at, &val, len);
}

/* A bochs-drm mode set, scanning out from byte @fb of the slice. */
static int set_mode(struct vgpu *v, unsigned int w, unsigned int h, uint32_t fb)
{
	return dispi(v, D_ENABLE, 0) || dispi(v, D_BPP, 32) || dispi(v, D_XRES, w) ||
	       dispi(v, D_YRES, h) || dispi(v, D_BANK, 0) || dispi(v, D_VIRT_WIDTH, w) ||
	       dispi(v, D_VIRT_HEIGHT, h) || dispi(v, D_X_OFFSET, 0) ||
	       dispi(v, D_Y_OFFSET, fb / (w * 4)) || dispi(v, D_ENABLE, ENABLED | LFB) ? -1 : 0;
}

static int reset(struct vgpu *v)
{
	return ioctl(v->device, VFIO_DEVICE_RESET) ? -errno : 0;
}

/* One VFIO_DEVICE_FEATURE call with @len bytes of data in and out. */
static int feature(struct vgpu *v, uint32_t flags, void *data, size_t len)
{
	uint64_t buf[(sizeof(struct vfio_device_feature) + 64) / 8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	int ret;

	if (len > 64)
		return -E2BIG;
	f->argsz = sizeof(*f) + len;
	f->flags = flags;
	if (len)
		memcpy(f->data, data, len);
	ret = ioctl(v->device, VFIO_DEVICE_FEATURE, f) ? -errno : 0;
	if (len)
		memcpy(data, f->data, len);
	return ret;
}

static int mig_flags(struct vgpu *v, uint64_t *flags)
{
	struct vfio_device_feature_migration m = { 0 };
	int ret = feature(v, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, &m,
			  sizeof(m));

	*flags = m.flags;
	return ret;
}

/* SET the state; *@fd gets the data fd the kernel returned, or -1. */
static int mig_set(struct vgpu *v, uint32_t state, int *fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = -1 };
	int ret = feature(v, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			  &m, sizeof(m));

	*fd = ret ? -1 : m.data_fd;
	return ret;
}

/* The state, or NSTATES + 1 when it cannot be read. */
static uint32_t mig_get(struct vgpu *v)
{
	struct vfio_device_feature_mig_state m = { .data_fd = -1 };

	if (feature(v, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m,
		    sizeof(m)))
		return NSTATES + 1;
	return m.device_state;
}

static int data_size(struct vgpu *v, uint64_t *len)
{
	struct vfio_device_feature_mig_data_size d = { 0 };
	int ret = feature(v, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &d,
			  sizeof(d));

	*len = d.stop_copy_length;
	return ret;
}

static int precopy_info(int fd, struct vfio_precopy_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, info) ? -errno : 0;
}

/* Moves to @state and closes any data fd; 0 or -errno. */
static int go(struct vgpu *v, uint32_t state)
{
	int fd, ret = mig_set(v, state, &fd);

	if (fd >= 0)
		close(fd);
	return ret;
}

static void snap(struct vgpu *v, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	rd(v, v->cfg_off, s->cfg, CFG_SIZE);
	/* 4 bytes at a time: the widest access the register file takes. */
	for (unsigned int at = 0; at < MMIO_SIZE; at += 4)
		rd(v, v->bar2_off + at, s->mmio + at, 4);
	s->plane.argsz = sizeof(s->plane);
	s->plane.flags = VFIO_GFX_PLANE_TYPE_REGION;
	s->plane_ret = ioctl(v->device, VFIO_DEVICE_QUERY_GFX_PLANE, &s->plane) ? -errno : 0;
}

/* The first differing byte of two buffers plus one, 0 when equal. */
static size_t differ(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return i + 1;
	return 0;
}

static int plane_equal(const struct snapshot *a, const struct snapshot *b)
{
	const struct vfio_device_gfx_plane_info *p = &a->plane, *q = &b->plane;

	return !a->plane_ret && !b->plane_ret && p->drm_format == q->drm_format &&
	       p->width == q->width && p->height == q->height && p->stride == q->stride &&
	       p->size == q->size && p->region_index == q->region_index;
}

/* @prefix/config, /registers, /edid, /plane: @b shows what @a showed. */
static void compare_snapshots(const char *prefix, const struct snapshot *a,
			      const struct snapshot *b)
{
	char name[96];
	size_t d;

	snprintf(name, sizeof(name), "%s/config", prefix);
	d = differ(a->cfg, b->cfg, CFG_SIZE);
	check(!d, name, "config byte %#zx is %#x, want %#x", d ? d - 1 : 0,
	      d ? b->cfg[d - 1] : 0, d ? a->cfg[d - 1] : 0);
	snprintf(name, sizeof(name), "%s/registers", prefix);
	d = differ(a->mmio + EDID_WINDOW, b->mmio + EDID_WINDOW, MMIO_SIZE - EDID_WINDOW);
	check(!d, name, "BAR2 byte %#zx is %#x, want %#x", d ? d - 1 + EDID_WINDOW : 0,
	      d ? b->mmio[d - 1 + EDID_WINDOW] : 0, d ? a->mmio[d - 1 + EDID_WINDOW] : 0);
	snprintf(name, sizeof(name), "%s/edid", prefix);
	d = differ(a->mmio, b->mmio, EDID_WINDOW);
	check(!d && a->mmio[0] == 0 && a->mmio[1] == 0xff, name,
	      "EDID window byte %#zx is %#x, want %#x (header %02x %02x)", d ? d - 1 : 0,
	      d ? b->mmio[d - 1] : 0, d ? a->mmio[d - 1] : 0, a->mmio[0], a->mmio[1]);
	snprintf(name, sizeof(name), "%s/plane", prefix);
	check(plane_equal(a, b) && a->plane.size, name,
	      "%s %ux%u stride %u size %u region %u, want %s %ux%u stride %u size %u region %u",
	      err_name(b->plane_ret), b->plane.width, b->plane.height, b->plane.stride,
	      b->plane.size, b->plane.region_index, err_name(a->plane_ret), a->plane.width,
	      a->plane.height, a->plane.stride, a->plane.size, a->plane.region_index);
}

/* --- The kernel log ------------------------------------------------- */

static void kmsg_mark(void)
{
	if (kmsg < 0)
		kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
}

/*
 * A kernel log record since kmsg_mark() that names the vGPU and holds
 * every one of @words (case-insensitive); copies it to @line.
 */
static int kmsg_find(const struct vgpu *v, const char *const *words, char *line, size_t len)
{
	char rec[1024];
	ssize_t n;
	int found = 0;

	line[0] = '\0';
	if (kmsg < 0)
		return 0;
	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (found || !strstr(rec, v->uuid))
			continue;
		found = 1;
		for (const char *const *w = words; *w; w++)
			if (!strcasestr(rec, *w))
				found = 0;
		if (found) {
			char *msg = strchr(rec, ';');

			msg = msg ? msg + 1 : rec;
			msg[strcspn(msg, "\n")] = '\0';
			if (strlen(msg) >= len)
				msg[len - 1] = '\0';
			memcpy(line, msg, strlen(msg) + 1);
		}
	}
	return found;
}

/* --- Streams -------------------------------------------------------- */

static int stream_room(struct stream *s, size_t more)
{
	uint8_t *p;
	size_t cap;

	if (s->len + more <= s->cap)
		return 0;
	cap = (s->len + more) * 2;
	p = realloc(s->p, cap);
	if (!p)
		return -ENOMEM;
	s->p = p;
	s->cap = cap;
	return 0;
}

/*
 * Reads @fd in 1 MiB reads, as QEMU does, appending to @s: returns 0 at
 * the end of the stream, or the -errno that stopped it (-ENOMSG: nothing
 * pending in pre-copy).  *@got counts the bytes read.
 */
static int read_stream(int fd, struct stream *s, size_t *got)
{
	const size_t chunk = 1 << 20;
	ssize_t n;

	*got = 0;
	for (;;) {
		/* No stream of these slices comes near: a save fd that never ends. */
		if (s->len > (64u << 20) * 4)
			return -EFBIG;
		if (stream_room(s, chunk))
			return -ENOMEM;
		n = read(fd, s->p + s->len, chunk);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		s->len += n;
		*got += n;
	}
}

/*
 * Writes @len bytes in chunks of odd sizes, taking short writes;
 * returns 0 or the first -errno, with *@at where it failed.
 */
static int write_stream(int fd, const uint8_t *p, size_t len, size_t *at)
{
	static const size_t sizes[] = { 1, 23, 4093, 65537, 131071, 7, 24, 300007 };
	size_t off = 0, k = 0;
	ssize_t n;

	while (off < len) {
		size_t c = sizes[k++ % (sizeof(sizes) / sizeof(sizes[0]))];

		if (c > len - off)
			c = len - off;
		n = write(fd, p + off, c);
		if (n <= 0) {
			*at = off;
			return n < 0 ? -errno : -EIO;
		}
		off += n;
	}
	*at = off;
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/*
 * Byte offset of the @nth (0-based) record of @kind in @p, or -1.  Walks
 * the record headers only; stops at a malformed length.
 */
static long find_record(const uint8_t *p, size_t len, uint32_t kind, unsigned int nth)
{
	size_t off = 0;

	while (off + REC_HDR <= len) {
		uint32_t rlen = le32(p + off + 4);

		if (le32(p + off) == kind && !nth--)
			return off;
		if (off + REC_HDR + rlen > len)
			break;
		off += REC_HDR + rlen;
	}
	return -1;
}

/*
 * The pages of the slice that the VRAM records of @p[0..@len) carry, set
 * in @pages (a byte per page); returns how many bytes of VRAM payload
 * there were, or -1 for a record outside the slice or a broken walk.
 */
static long vram_pages(const uint8_t *p, size_t len, uint8_t *pages, uint64_t slice)
{
	size_t off = 0;
	long bytes = 0;

	while (off + REC_HDR <= len) {
		uint32_t kind = le32(p + off), rlen = le32(p + off + 4);
		uint64_t at = le64(p + off + 8);

		if (off + REC_HDR + rlen > len)
			return -1;
		if (kind == REC_VRAM) {
			if (at % PAGE || rlen % PAGE || at + rlen > slice)
				return -1;
			for (uint64_t pg = at / PAGE; pg < (at + rlen) / PAGE; pg++)
				pages[pg] = 1;
			bytes += rlen;
		}
		off += REC_HDR + rlen;
	}
	return off == len ? bytes : -1;
}

/* --- VRAM ----------------------------------------------------------- */

static uint32_t word(uint32_t seed, size_t i)
{
	return seed ^ (uint32_t)(i * 2654435761u) ^ (uint32_t)(i >> 7);
}

/*
 * BAR0 as QEMU 10's vfio_region_mmap() maps it: at a multiple of the
 * largest power of two dividing its size (at most 1 GiB), so that its
 * faults map 2 MiB PMDs while no write tracking runs; tracking must
 * still see every page written.
 */
static void *map_bar0(struct vgpu *v, int prot)
{
	size_t align = v->slice & -v->slice, span;
	uint8_t *base, *at;
	void *m;

	if (align > (1UL << 30))
		align = 1UL << 30;
	span = v->slice + align;
	base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	at = (uint8_t *)(((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1));
	m = mmap(at, v->slice, prot, MAP_SHARED | MAP_FIXED, v->device, v->bar0_off);
	if (m == MAP_FAILED) {
		munmap(base, span);
		return NULL;
	}
	if (at > base)
		munmap(base, at - base);
	if (base + span > at + v->slice)
		munmap(at + v->slice, base + span - (at + v->slice));
	return m;
}

/* The slice through a fresh read-only mapping against @want; 0 equal. */
static size_t vram_differs(struct vgpu *v, const uint8_t *want)
{
	uint8_t *m = map_bar0(v, PROT_READ);
	size_t d;

	if (!m)
		return (size_t)-1;
	d = differ(want, m, v->slice);
	munmap(m, v->slice);
	return d;
}

static void expect_vram(const char *name, struct vgpu *v, const uint8_t *want)
{
	size_t d = vram_differs(v, want);

	check(!d, name, d == (size_t)-1 ? "cannot map %s's BAR0%.0zu" :
	      "%s's VRAM differs at byte %#zx", v->name, d ? d - 1 : 0);
}

/* Write one word of page @pg through @map and the shadow. */
static void touch(volatile uint32_t *map, uint8_t *sh, size_t pg, uint32_t val)
{
	size_t i = pg * PAGE / 4 + (pg * 37) % (PAGE / 4);

	map[i] = val;
	memcpy(sh + i * 4, &val, 4);
}

/* --- 1. Features ---------------------------------------------------- */

/* Whether the kernel has iova_bitmap (IOMMUFD_DRIVER): 1, 0, or -errno. */
static int core_has_iova_bitmap(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, ' ');

		found = name && !strcmp(name + 1, "iova_bitmap_for_each\n");
	}
	fclose(f);
	return found;
}

static int feature_checks(void)
{
	const uint64_t all = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
			     VFIO_MIGRATION_PRE_COPY;
	struct vfio_device_feature_dma_logging_range range = { .iova = 0, .length = 1 << 30 };
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = PAGE, .num_ranges = 1, .ranges = (uintptr_t)&range,
	};
	uint64_t bitmap[(1 << 30) / PAGE / 64];
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = 0, .length = 1 << 30, .page_size = PAGE, .bitmap = (uintptr_t)bitmap,
	};
	static const char no_bitmap[] = "this kernel's VFIO core cannot report a DMA log "
					"(no iova_bitmap, IOMMUFD_DRIVER unset)";
	uint64_t flags = 0, len = 0;
	size_t set = 0;
	int ret, bitmap_core;

	ret = mig_flags(&X, &flags);
	if (!check(!ret && flags == all, "feature-migration", "%s, flags %#llx, want %#llx",
		   err_name(ret), (unsigned long long)flags, (unsigned long long)all))
		return ret;
	ret = mig_flags(&Y, &flags);
	check(!ret && flags == all, "feature-migration-y", "%s, flags %#llx", err_name(ret),
	      (unsigned long long)flags);
	ret = W.device >= 0 ? mig_flags(&W, &flags) : -ENODEV;
	check(!ret && flags == (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P),
	      "feature-migration-no-precopy", "%s, flags %#llx, want STOP_COPY|P2P",
	      err_name(ret), (unsigned long long)flags);

	/*
	 * The empty DMA log: what QEMU 10 probes before it raises a dirty
	 * tracking blocker, and reads at every dirty sync.  The VFIO core
	 * reads a log through iova_bitmap, which a kernel without
	 * IOMMUFD_DRIVER lacks (Debian's 6.12): there a log could be started
	 * but never read, so the device must offer none (ENOTTY), and QEMU
	 * migrates with enable-migration=on and the type1 log.
	 */
	bitmap_core = core_has_iova_bitmap();
	if (bitmap_core < 0) {
		for (int i = 0; i < 4; i++)
			check(0, "dma-logging", "cannot read /proc/kallsyms: %s", strerror(-bitmap_core));
	} else if (!bitmap_core) {
		ret = feature(&X, VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0);
		check(ret == -ENOTTY, "dma-logging-probe", "%s, want ENOTTY: %s", err_name(ret),
		      no_bitmap);
		ret = feature(&X, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			      &ctl, sizeof(ctl));
		check(ret == -ENOTTY, "dma-logging-start", "%s, want ENOTTY: %s", err_name(ret),
		      no_bitmap);
		ret = feature(&X, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
			      &rep, sizeof(rep));
		check(ret == -ENOTTY, "dma-logging-report-empty", "%s, want ENOTTY: %s",
		      err_name(ret), no_bitmap);
		ret = feature(&X, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
			      NULL, 0);
		check(ret == -ENOTTY, "dma-logging-stop", "%s, want ENOTTY: %s", err_name(ret),
		      no_bitmap);
	} else {
		ret = feature(&X, VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0);
		check(!ret, "dma-logging-probe", "%s", err_name(ret));
		ret = feature(&X, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			      &ctl, sizeof(ctl));
		check(!ret, "dma-logging-start", "%s", err_name(ret));
		memset(bitmap, 0, sizeof(bitmap));
		ret = feature(&X, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
			      &rep, sizeof(rep));
		for (size_t i = 0; i < sizeof(bitmap) / 8; i++)
			set += __builtin_popcountll(bitmap[i]);
		check(!ret && !set, "dma-logging-report-empty", "%s, %zu pages reported dirty",
		      err_name(ret), set);
		ret = feature(&X, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
			      NULL, 0);
		check(!ret, "dma-logging-stop", "%s", err_name(ret));
	}

	ret = data_size(&X, &len);
	check(!ret && len >= X.slice, "data-size-running", "%s, %llu bytes for a %llu-byte slice",
	      err_name(ret), (unsigned long long)len, (unsigned long long)X.slice);
	fprintf(stderr, "mig-check: MIG_DATA_SIZE running: %llu\n", (unsigned long long)len);

	/* W has no PRE_COPY: the core refuses both pre-copy states. */
	if (W.device >= 0) {
		ret = go(&W, ST(PRE_COPY));
		check(ret == -EINVAL && mig_get(&W) == ST(RUNNING), "no-precopy/running-to-pre_copy",
		      "%s, state %s", err_name(ret), st_name(mig_get(&W)));
		ret = go(&W, ST(STOP));
		if (!ret)
			ret = go(&W, ST(PRE_COPY));
		check(ret == -EINVAL && mig_get(&W) == ST(STOP), "no-precopy/stop-to-pre_copy",
		      "%s, state %s", err_name(ret), st_name(mig_get(&W)));
		ret = go(&W, ST(RUNNING_P2P));
		if (!ret)
			ret = go(&W, ST(PRE_COPY_P2P));
		check(ret == -EINVAL && mig_get(&W) == ST(RUNNING_P2P),
		      "no-precopy/running_p2p-to-pre_copy_p2p", "%s, state %s", err_name(ret),
		      st_name(mig_get(&W)));
		go(&W, ST(RUNNING));
	} else {
		for (int i = 0; i < 3; i++)
			check(0, "no-precopy/refusals", "no vGPU created with precopy=N");
	}
	return 0;
}

/* --- 3. The live move X -> Y ---------------------------------------- */

/* X as a running guest leaves it: pattern, mode, interrupts, MSI. */
static int setup_x(volatile uint32_t *map)
{
	for (size_t i = 0; i < X.slice / 4; i++) {
		uint32_t v = word(0x5eed0001, i);

		memcpy(shadow + i * 4, &v, 4);
	}
	memcpy((void *)map, shadow, X.slice);
	return cfg_wr(&X, CFG_COMMAND, 0x0006, 2) || cfg_wr(&X, CFG_BAR0, 0xe0000000, 4) ||
	       cfg_wr(&X, CFG_BAR2, 0xfebf0000, 4) ||
	       cfg_wr(&X, CFG_MSI + 4, 0xfee00000, 4) || cfg_wr(&X, CFG_MSI + 8, 0, 4) ||
	       cfg_wr(&X, CFG_MSI + 12, 0x4041, 2) || cfg_wr(&X, CFG_MSI + 2, 0x0081, 2) ||
	       set_mode(&X, 1024, 768, 0x100000) || mmio32(&X, IRQ_ENABLE, 1) ||
	       mmio32(&X, IRQ_RAISE, 1) ? -1 : 0;
}

static void live_move(void)
{
	struct snapshot sx, sy_before, sy;
	struct vfio_precopy_info info, info0;
	volatile uint32_t *map;
	uint8_t *pages = calloc(X.slice / PAGE, 1), *again = calloc(X.slice / PAGE, 1);
	const size_t last = X.slice / PAGE - 1, pwrite_page = 2000;
	const size_t set1[] = { 0, 1, 300, last / 2 }, set2[] = { 2, 301, 1000 };
	size_t got = 0, first = 0, at = 0, npages = 0;
	uint64_t len = 0;
	long bytes;
	double t0, t_pre, t_stop;
	int fd = -1, fd2 = -1, yfd = -1, ret;
	uint32_t v;

	map = map_bar0(&X, PROT_READ | PROT_WRITE);
	if (!check(map && pages && again, "x-setup-map", "%s", strerror(errno)))
		return;
	if (!check(!setup_x(map) && mmio_rd32(&X, IRQ_STATUS) == 1, "x-setup",
		   "a write to X's config or registers failed, or IRQ_STATUS is %#x",
		   mmio_rd32(&X, IRQ_STATUS)))
		return;
	snap(&X, &sx);
	snap(&Y, &sy_before);
	/* Y's own EDID is not X's: seeing X's on Y later proves it came along. */
	check(differ(sx.mmio, sy_before.mmio, EDID_WINDOW) != 0, "edids-differ-before",
	      "X and Y show the same EDID; X must offer another max_resolution");

	t0 = now();
	ret = mig_set(&X, ST(PRE_COPY), &fd);
	if (!check(!ret && fd >= 0 && mig_get(&X) == ST(PRE_COPY), "pre-copy-enter",
		   "%s, data fd %d, state %s", err_name(ret), fd, st_name(mig_get(&X))))
		goto out;
	ret = precopy_info(fd, &info0);
	check(!ret && info0.initial_bytes >= X.slice && !info0.dirty_bytes, "precopy-info-start",
	      "%s: initial %llu dirty %llu", err_name(ret),
	      (unsigned long long)info0.initial_bytes, (unsigned long long)info0.dirty_bytes);
	ret = data_size(&X, &len);
	check(!ret && len > 0, "data-size-pre-copy", "%s, %llu", err_name(ret),
	      (unsigned long long)len);

	/* One read, then PRECOPY_INFO must have fallen by about that much. */
	{
		ssize_t n = read(fd, good.p, 1 << 20);
		int r;

		ret = n > 0 ? 0 : n < 0 ? -errno : -ENODATA;
		good.len = first = n > 0 ? n : 0;
		r = precopy_info(fd, &info);
		check(!ret && !r && info.initial_bytes < info0.initial_bytes &&
		      info.initial_bytes + first >= info0.initial_bytes, "precopy-info-falls",
		      "read %s (%zu bytes), info %s: initial %llu, was %llu", err_name(ret), first,
		      err_name(r), (unsigned long long)info.initial_bytes,
		      (unsigned long long)info0.initial_bytes);
	}
	ret = read_stream(fd, &good, &got);
	check(ret == -ENOMSG && first + got >= X.slice, "pre-copy-drain-enomsg",
	      "reading ended with %s after %zu bytes (slice %llu)", err_name(ret), first + got,
	      (unsigned long long)X.slice);
	ret = precopy_info(fd, &info);
	check(!ret && !info.initial_bytes && !info.dirty_bytes, "precopy-info-drained",
	      "%s: initial %llu dirty %llu", err_name(ret), (unsigned long long)info.initial_bytes,
	      (unsigned long long)info.dirty_bytes);
	ret = read(fd, &v, 4) < 0 ? -errno : 0;
	check(ret == -ENOMSG, "pre-copy-empty-enomsg", "read gave %s", err_name(ret));
	bytes = vram_pages(good.p, good.len, pages, X.slice);
	for (size_t pg = 0; pg <= last; pg++)
		npages += pages[pg];
	check(bytes >= 0 && npages == last + 1 && find_record(good.p, good.len, REC_HEADER, 0) == 0,
	      "pre-copy-sent-every-page", "%ld VRAM bytes, %zu of %zu pages, first record %s",
	      bytes, npages, last + 1, good.len >= 4 && le32(good.p) == REC_HEADER ? "header" : "not the header");

	/* Pages already sent, written again: through the mapping and pwrite. */
	for (size_t i = 0; i < sizeof(set1) / sizeof(set1[0]); i++)
		touch(map, shadow, set1[i], 0xd1e70000 + i);
	touch(map, shadow, last, 0xd1e7ffff);
	v = 0xfeedf00d;
	ret = wr(&X, X.bar0_off + pwrite_page * PAGE + 8, &v, 4);
	memcpy(shadow + pwrite_page * PAGE + 8, &v, 4);
	check(!ret, "pre-copy-pwrite", "%s", err_name(ret));
	ret = precopy_info(fd, &info);
	check(!ret && info.dirty_bytes >= 6 * PAGE && info.dirty_bytes <= X.slice / 100 &&
	      !info.initial_bytes, "precopy-info-dirty",
	      "%s: dirty %llu for 6 pages written (at most 1%% of the slice), initial %llu",
	      err_name(ret), (unsigned long long)info.dirty_bytes,
	      (unsigned long long)info.initial_bytes);
	{
		size_t before = good.len;

		memset(again, 0, X.slice / PAGE);
		ret = read_stream(fd, &good, &got);
		bytes = vram_pages(good.p + before, good.len - before, again, X.slice);
		npages = 0;
		for (size_t pg = 0; pg <= last; pg++)
			npages += again[pg];
		check(ret == -ENOMSG && bytes == 6 * PAGE && again[0] && again[1] && again[300] &&
		      again[last / 2] && again[last] && again[pwrite_page],
		      "pre-copy-resends-written-pages",
		      "%s after %zu bytes: %ld VRAM bytes in %zu pages, want the 6 written",
		      err_name(ret), got, bytes, npages);
	}
	t_pre = now();

	/* Written after the last pre-copy read: these go at STOP_COPY. */
	for (size_t i = 0; i < sizeof(set2) / sizeof(set2[0]); i++)
		touch(map, shadow, set2[i], 0x5e7b0000 + i);
	ret = precopy_info(fd, &info);
	check(!ret && info.dirty_bytes >= 3 * PAGE, "precopy-info-dirty-again",
	      "%s: dirty %llu", err_name(ret), (unsigned long long)info.dirty_bytes);
	snap(&X, &sx);

	ret = mig_set(&X, ST(STOP_COPY), &fd2);
	if (fd2 >= 0)
		close(fd2);
	if (!check(!ret && mig_get(&X) == ST(STOP_COPY), "stop-copy-from-pre-copy",
		   "%s, state %s", err_name(ret), st_name(mig_get(&X))))
		goto out;
	/*
	 * The saving states share one session: QEMU keeps reading the
	 * pre-copy fd and fails the migration ("data_fd out of sync") when
	 * this arc hands it another.
	 */
	check(fd2 < 0, "stop-copy-from-pre-copy-no-new-fd",
	      "the kernel returned a data fd (%d) for PRE_COPY -> STOP_COPY", fd2);
	ret = data_size(&X, &len);
	check(!ret && len > 0 && len <= X.slice / 100, "data-size-stop-copy",
	      "%s, %llu bytes (at most 1%% of the slice after pre-copy)", err_name(ret),
	      (unsigned long long)len);
	fprintf(stderr, "mig-check: MIG_DATA_SIZE at STOP_COPY after pre-copy: %llu\n",
		(unsigned long long)len);
	ret = precopy_info(fd, &info);
	check(ret == -EINVAL, "precopy-info-stop-copy-einval", "%s", err_name(ret));
	{
		size_t before = good.len;

		memset(again, 0, X.slice / PAGE);
		ret = read_stream(fd, &good, &got);
		bytes = vram_pages(good.p + before, good.len - before, again, X.slice);
		npages = 0;
		for (size_t pg = 0; pg <= last; pg++)
			npages += again[pg];
		check(!ret && got > 0, "stop-copy-eof", "%s after %zu bytes", err_name(ret), got);
		check(bytes == 3 * PAGE && again[2] && again[301] && again[1000],
		      "stop-copy-sends-only-written-pages",
		      "%ld VRAM bytes in %zu pages, want the 3 written after pre-copy", bytes, npages);
		check(find_record(good.p + before, good.len - before, REC_DEVICE, 0) >= 0 &&
		      find_record(good.p + before, good.len - before, REC_END, 0) >= 0,
		      "stop-copy-device-and-end", "no device or end record after pre-copy");
		fprintf(stderr, "mig-check: stop-copy bytes %zu of a %zu-byte stream (slice %llu)\n",
			got, good.len, (unsigned long long)X.slice);
	}
	t_stop = now();
	close(fd);
	fd = -1;
	ret = go(&X, ST(STOP));
	check(!ret && mig_get(&X) == ST(STOP), "x-stop", "%s", err_name(ret));

	/* Y takes it. */
	ret = mig_set(&Y, ST(RESUMING), &yfd);
	if (!check(!ret && yfd >= 0 && mig_get(&Y) == ST(RESUMING), "resuming-enter",
		   "%s, data fd %d", err_name(ret), yfd))
		goto out;
	ret = write_stream(yfd, good.p, good.len, &at);
	check(!ret, "resume-write-odd-chunks", "%s at byte %zu of %zu", err_name(ret), at,
	      good.len);
	ret = go(&Y, ST(STOP));
	check(!ret && mig_get(&Y) == ST(STOP), "resuming-to-stop", "%s, state %s", err_name(ret),
	      st_name(mig_get(&Y)));
	ret = go(&Y, ST(RUNNING));
	check(!ret && mig_get(&Y) == ST(RUNNING), "y-running", "%s, state %s", err_name(ret),
	      st_name(mig_get(&Y)));
	fprintf(stderr, "mig-check: live move: pre-copy %.2f s, stop-copy %.3f s, load %.2f s\n",
		t_pre - t0, t_stop - t_pre, now() - t_stop);
	close(yfd);
	yfd = -1;
	expect_vram("y-vram", &Y, shadow);
	expect_vram("x-vram-kept", &X, shadow);
	snap(&Y, &sy);
	compare_snapshots("y-state", &sx, &sy);

	/* The guest draws on in Y. */
	v = 0xa11fe000;
	ret = wr(&Y, Y.bar0_off + 5 * PAGE, &v, 4);
	if (!ret) {
		uint32_t back = 0;

		ret = rd(&Y, Y.bar0_off + 5 * PAGE, &back, 4);
		if (!ret && back != v)
			ret = -EIO;
		ret = ret ? ret : wr(&Y, Y.bar0_off + 5 * PAGE, shadow + 5 * PAGE, 4);
	}
	check(!ret, "y-runs-on", "a VRAM write and read back on Y: %s", err_name(ret));
out:
	if (fd >= 0)
		close(fd);
	if (yfd >= 0)
		close(yfd);
	if (map)
		munmap((void *)map, X.slice);
	free(pages);
	free(again);
}

/* --- 4. Refusals ---------------------------------------------------- */

/*
 * Loads @p into @v and expects it refused with one of @errs (0-ended):
 * the first error, at a write or at RESUMING -> STOP, is one of them,
 * RESUMING -> STOP fails with it, the device stays in RESUMING, its
 * config space and registers are as before, and the kernel logged a line
 * naming the vGPU and every one of @words.  Unless @applied is -1, the
 * VRAM records that ended before byte @applied of @p went into the slice
 * before the refusal and must be zero now, and the rest of the slice as
 * X left it: nothing of a refused stream stays.
 */
static int refused(const char *name, struct vgpu *v, const uint8_t *p, size_t len,
		   const int *errs, const char *const *words, long applied)
{
	struct snapshot before, after;
	char n[96], line[200];
	size_t at = 0;
	int fd, ret, stop, first, ok = 0;

	snap(v, &before);
	kmsg_mark();
	ret = mig_set(v, ST(RESUMING), &fd);
	if (ret || fd < 0) {
		snprintf(n, sizeof(n), "%s/refused", name);
		check(0, n, "RESUMING: %s", err_name(ret));
		return -1;
	}
	ret = write_stream(fd, p, len, &at);
	stop = go(v, ST(STOP));
	first = ret ? ret : stop;
	for (const int *e = errs; *e; e++)
		ok |= first == -*e;
	snprintf(n, sizeof(n), "%s/refused", name);
	check(ok && stop == first && mig_get(v) == ST(RESUMING), n,
	      "write: %s at byte %zu of %zu; RESUMING -> STOP: %s; state %s", err_name(ret), at,
	      len, err_name(stop), st_name(mig_get(v)));
	snap(v, &after);
	snprintf(n, sizeof(n), "%s/state-unchanged", name);
	{
		size_t dc = differ(before.cfg, after.cfg, CFG_SIZE);
		size_t dm = differ(before.mmio, after.mmio, MMIO_SIZE);

		check(!dc && !dm, n, "config byte %#zx, BAR2 byte %#zx changed (0: none)",
		      dc ? dc - 1 : 0, dm ? dm - 1 : 0);
	}
	snprintf(n, sizeof(n), "%s/logged", name);
	check(kmsg_find(v, words, line, sizeof(line)), n,
	      "no kernel log line naming %s and the refusal%s%s", v->uuid, line[0] ? ": " : "",
	      line);
	if (applied >= 0) {
		uint8_t *want = malloc(v->slice);
		size_t off = 0;

		snprintf(n, sizeof(n), "%s/vram-zeroed", name);
		if (want) {
			memcpy(want, shadow, v->slice);
			while (off + REC_HDR <= (size_t)applied) {
				uint32_t rlen = le32(p + off + 4);
				uint64_t at = le64(p + off + 8);

				if (off + REC_HDR + rlen > (size_t)applied)
					break;
				if (le32(p + off) == REC_VRAM && at + rlen <= v->slice)
					memset(want + at, 0, rlen);
				off += REC_HDR + rlen;
			}
			expect_vram(n, v, want);
			free(want);
		} else {
			check(0, n, "out of memory");
		}
	}
	close(fd);
	return 0;
}

/* After a refusal: reset, and the good stream loads into Y. */
static void retry_good(const char *name)
{
	char n[96];
	size_t at = 0;
	int fd = -1, ret;

	ret = reset(&Y);
	if (!ret && mig_get(&Y) != ST(RUNNING))
		ret = -EPROTO;
	if (!ret)
		ret = mig_set(&Y, ST(RESUMING), &fd);
	if (!ret)
		ret = write_stream(fd, good.p, good.len, &at);
	if (!ret)
		ret = go(&Y, ST(STOP));
	if (!ret)
		ret = go(&Y, ST(RUNNING));
	if (fd >= 0)
		close(fd);
	snprintf(n, sizeof(n), "%s/retry-good", name);
	if (check(!ret, n, "reset, then the good stream: %s (state %s)", err_name(ret),
		  st_name(mig_get(&Y)))) {
		snprintf(n, sizeof(n), "%s/retry-vram", name);
		expect_vram(n, &Y, shadow);
	}
}

static void flip_case(const char *name, long rec, size_t at_in_rec, const int *errs)
{
	static const char *const words[] = { "migration stream refused", "CRC mismatch", NULL };
	char n[96];
	size_t at = rec + at_in_rec;

	if (rec < 0 || at >= good.len) {
		snprintf(n, sizeof(n), "%s/refused", name);
		check(0, n, "the good stream has no such record");
		return;
	}
	good.p[at] ^= 0x10;
	refused(name, &Y, good.p, good.len, errs, words, rec);
	good.p[at] ^= 0x10;
	retry_good(name);
}

static void refusal_checks(void)
{
	static const int einval[] = { EINVAL, 0 }, ebadmsg[] = { EBADMSG, 0 };
	static const int either[] = { EBADMSG, EINVAL, 0 };
	static const char *const cut[] = { "migration stream refused", "without its end record",
					   NULL };
	static const char *const after[] = { "migration stream refused",
					     "after the end record", NULL };
	const char *type_words[] = { "migration stream refused", X.type, Z.type, NULL };
	long end = find_record(good.p, good.len, REC_END, 0);
	long dev = find_record(good.p, good.len, REC_DEVICE, 0);
	long vram = find_record(good.p, good.len, REC_VRAM, 3);
	struct stream extra = { 0 };
	uint32_t v = 0;
	int ret;

	if (!check(good.len && end > 0 && dev > 0 && vram > 0, "good-stream",
		   "no whole stream from the live move (%zu bytes)", good.len))
		return;
	check((size_t)end + REC_HDR + le32(good.p + end + 4) == good.len && dev < end,
	      "good-stream-layout", "end record at %ld, device record at %ld, %zu bytes", end,
	      dev, good.len);

	/* Another type: refused at the header, and Z works on. */
	refused("other-type", &Z, good.p, good.len, einval, type_words, -1);
	ret = reset(&Z);
	check(!ret && mig_get(&Z) == ST(RUNNING), "other-type/reset", "%s, state %s",
	      err_name(ret), st_name(mig_get(&Z)));
	ret = vfio_enable_memory(Z.device) ? -errno : dispi(&Z, D_XRES, 800);
	check(!ret && dispi_rd(&Z, D_XRES) == 800, "other-type/works-after", "%s, XRES %u",
	      err_name(ret), dispi_rd(&Z, D_XRES));
	ret = mmio32(&Z, IRQ_ENABLE, 1);
	v = mmio_rd32(&Z, IRQ_ENABLE);
	check(!ret && v == 1, "other-type/irq-register-after", "%s, IRQ_ENABLE %#x",
	      err_name(ret), v);

	/* Truncated: in the middle of a VRAM record, and just before END. */
	refused("truncated-mid-record", &Y, good.p, vram + REC_HDR + 1000, einval, cut,
		vram + REC_HDR + 1000);
	retry_good("truncated-mid-record");
	refused("truncated-before-end", &Y, good.p, end, einval, cut, end);
	retry_good("truncated-before-end");

	/* A byte flipped: in each kind of record. */
	flip_case("flip-header", 0, REC_HDR + 2, either);
	flip_case("flip-vram", vram, REC_HDR + 777, ebadmsg);
	flip_case("flip-device", dev, REC_HDR + 5, ebadmsg);
	flip_case("flip-end", end, REC_HDR + 1, ebadmsg);
	flip_case("flip-record-crc", vram, 16, ebadmsg);

	/* A whole good record after the end. */
	if (!stream_room(&extra, good.len + REC_HDR + PAGE * 16)) {
		size_t rlen = REC_HDR + le32(good.p + vram + 4);

		memcpy(extra.p, good.p, good.len);
		memcpy(extra.p + good.len, good.p + vram, rlen);
		refused("after-end", &Y, extra.p, good.len + rlen, einval, after, good.len);
		retry_good("after-end");
	}
	free(extra.p);
}

/* --- 2. Every arc of the state machine ------------------------------ */

static int saving(uint32_t s)
{
	return s == ST(PRE_COPY) || s == ST(PRE_COPY_P2P) || s == ST(STOP_COPY);
}

/*
 * From @from to @to on Y: RESUMING gets the good stream before it is
 * left.  A data fd comes exactly when the move starts a session: into
 * the saving group from outside it, or into RESUMING.
 */
static void arc(uint32_t from, uint32_t to)
{
	char n[64];
	size_t at = 0;
	int fd = -1, fd2 = -1, ret, want_fd;
	uint32_t got;

	snprintf(n, sizeof(n), "fsm/%s-to-%s", st_name(from), st_name(to));
	ret = reset(&Y);
	if (!ret && from != ST(RUNNING))
		ret = mig_set(&Y, from, &fd);
	if (!ret && from == ST(RESUMING) && to != ST(RESUMING))
		ret = write_stream(fd, good.p, good.len, &at);
	if (ret || mig_get(&Y) != from) {
		check(0, n, "getting to %s: %s, state %s", st_name(from), err_name(ret),
		      st_name(mig_get(&Y)));
		goto out;
	}
	want_fd = (saving(to) && !saving(from)) || (to == ST(RESUMING) && from != to);
	ret = mig_set(&Y, to, &fd2);
	got = mig_get(&Y);
	check(!ret && got == to && (fd2 >= 0) == want_fd, n, "%s, state %s, data fd %d (want %s)",
	      err_name(ret), st_name(got), fd2, want_fd ? "one" : "none");
out:
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
}

static void invalid(const char *name, uint32_t from, uint32_t to)
{
	int fd = -1, fd2 = -1, ret = reset(&Y);
	uint32_t got;

	if (!ret && from != ST(RUNNING))
		ret = mig_set(&Y, from, &fd);
	if (ret || mig_get(&Y) != from) {
		check(0, name, "getting to %s: %s", st_name(from), err_name(ret));
	} else {
		ret = mig_set(&Y, to, &fd2);
		got = mig_get(&Y);
		check(ret == -EINVAL && got == from && fd2 < 0, name,
		      "target %u: %s, state %s (want EINVAL, still %s)", to, err_name(ret),
		      st_name(got), st_name(from));
	}
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
}

static void fsm_checks(void)
{
	char n[64];

	if (!good.len) {
		check(0, "fsm/arcs", "no good stream to leave RESUMING with");
		return;
	}
	for (uint32_t from = ST(STOP); from < NSTATES; from++)
		for (uint32_t to = ST(STOP); to < NSTATES; to++)
			if (from != ST(STOP_COPY) || (to != ST(PRE_COPY) && to != ST(PRE_COPY_P2P)))
				arc(from, to);	/* the two blocked ones are below */
	for (uint32_t from = ST(STOP); from < NSTATES; from++) {
		if (from == ST(RESUMING))
			continue;	/* leaving it needs a stream: covered by the arcs */
		snprintf(n, sizeof(n), "fsm-invalid/%s-to-ERROR", st_name(from));
		invalid(n, from, ST(ERROR));
	}
	invalid("fsm-invalid/RUNNING-to-8", ST(RUNNING), NSTATES);
	invalid("fsm-invalid/STOP-to-0xffffffff", ST(STOP), 0xffffffff);
	invalid("fsm-invalid/STOP_COPY-to-PRE_COPY", ST(STOP_COPY), ST(PRE_COPY));
	invalid("fsm-invalid/STOP_COPY-to-PRE_COPY_P2P", ST(STOP_COPY), ST(PRE_COPY_P2P));
	invalid("fsm-invalid/RESUMING-to-ERROR", ST(RESUMING), ST(ERROR));
	reset(&Y);
}

/* --- 5. Stop-copy only, back Y -> X --------------------------------- */

static void move_back(void)
{
	struct stream s = { 0 };
	struct snapshot sy, sx;
	uint8_t *want = malloc(Y.slice);
	volatile uint32_t *map = map_bar0(&Y, PROT_READ | PROT_WRITE);
	uint64_t len = 0;
	size_t got = 0, at = 0;
	int fd = -1, ret;
	double t0;

	if (!check(map && want && Y.slice == X.slice, "back/setup", "cannot map Y: %s",
		   strerror(errno)))
		goto out;
	/* Y as its guest left it: another picture, another mode. */
	if (vfio_enable_memory(Y.device))
		check(0, "back/y-decode", "%s", strerror(errno));
	for (size_t i = 0; i < Y.slice / 4; i++) {
		uint32_t v = word(0x0b0c0002, i);

		memcpy(want + i * 4, &v, 4);
	}
	memcpy((void *)map, want, Y.slice);
	/* 800 x 4 bytes a line: 640 lines is a page-aligned 2000 KiB in. */
	ret = set_mode(&Y, 800, 600, 640 * 3200) ||
	      mmio32(&Y, IRQ_ENABLE, 1) ? -1 : 0;
	check(!ret, "back/y-setup", "a register write failed");
	snap(&Y, &sy);

	t0 = now();
	ret = go(&Y, ST(STOP));
	if (!ret)
		ret = mig_set(&Y, ST(STOP_COPY), &fd);
	if (!check(!ret && fd >= 0, "back/stop-copy-enter", "RUNNING -> STOP -> STOP_COPY: %s",
		   err_name(ret)))
		goto out;
	ret = data_size(&Y, &len);
	check(!ret && len >= Y.slice, "back/data-size-stop-copy",
	      "%s, %llu bytes (without pre-copy: the whole slice, at least %llu)", err_name(ret),
	      (unsigned long long)len, (unsigned long long)Y.slice);
	ret = read_stream(fd, &s, &got);
	check(!ret && got > Y.slice, "back/stop-copy-eof", "%s after %zu bytes", err_name(ret),
	      got);
	close(fd);
	fd = -1;
	go(&Y, ST(STOP));

	ret = reset(&X);
	if (!ret)
		ret = mig_set(&X, ST(RESUMING), &fd);
	if (!ret)
		ret = write_stream(fd, s.p, s.len, &at);
	if (!ret)
		ret = go(&X, ST(STOP));
	if (!ret)
		ret = go(&X, ST(RUNNING));
	check(!ret && mig_get(&X) == ST(RUNNING), "back/x-loads", "%s at byte %zu, state %s",
	      err_name(ret), at, st_name(mig_get(&X)));
	fprintf(stderr, "mig-check: stop-copy-only move back: %zu bytes in %.2f s\n", s.len,
		now() - t0);
	expect_vram("back/x-vram", &X, want);
	snap(&X, &sx);
	compare_snapshots("back/x-state", &sy, &sx);
out:
	if (fd >= 0)
		close(fd);
	if (map)
		munmap((void *)map, Y.slice);
	free(want);
	free(s.p);
}

/* --- 6. Data fds after reset and close ------------------------------ */

static void stale_fd_checks(void)
{
	struct vfio_precopy_info info;
	uint8_t b[64];
	int fd = -1, ret, r2;

	ret = reset(&X);
	if (!ret)
		ret = mig_set(&X, ST(PRE_COPY), &fd);
	if (check(!ret && fd >= 0, "stale/pre-copy", "%s", err_name(ret))) {
		reset(&X);
		ret = read(fd, b, sizeof(b)) < 0 ? -errno : 0;
		r2 = precopy_info(fd, &info);
		check(ret == -ENODEV && r2 == -ENODEV && mig_get(&X) == ST(RUNNING),
		      "stale/save-fd-after-reset", "read %s, PRECOPY_INFO %s, state %s",
		      err_name(ret), err_name(r2), st_name(mig_get(&X)));
		close(fd);
	}
	fd = -1;
	ret = reset(&Y);
	if (!ret)
		ret = mig_set(&Y, ST(RESUMING), &fd);
	if (check(!ret && fd >= 0, "stale/resuming", "%s", err_name(ret))) {
		reset(&Y);
		ret = write(fd, good.p, 64) < 0 ? -errno : 0;
		check(ret == -ENODEV && mig_get(&Y) == ST(RUNNING), "stale/resume-fd-after-reset",
		      "write %s, state %s", err_name(ret), st_name(mig_get(&Y)));
		close(fd);
	}
	fd = -1;
	ret = mig_set(&X, ST(STOP_COPY), &fd);
	if (check(!ret && fd >= 0, "stale/stop-copy", "%s", err_name(ret))) {
		close(X.device);
		X.device = -1;
		ret = read(fd, b, sizeof(b)) < 0 ? -errno : 0;
		check(ret == -ENODEV, "stale/save-fd-after-close", "read %s", err_name(ret));
		close(fd);
		ret = open_device(&X);
		check(!ret && mig_get(&X) == ST(RUNNING), "stale/reopen-running", "%s, state %s",
		      err_name(ret), ret ? "?" : st_name(mig_get(&X)));
	}
}

int main(int argc, char **argv)
{
	int ret;

	if (argc != 6) {
		fprintf(stderr, "usage: %s SUITE X Y Z W\n", argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	/* Every line out at once: a client killed part-way still shows how far it got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (open_vgpu(&X, argv[2]) || open_vgpu(&Y, argv[3]) || open_vgpu(&Z, argv[4])) {
		lab_result(0, "open", "cannot open X, Y or Z (see stderr)");
		return 1;
	}
	if (open_vgpu(&W, argv[5]))
		fprintf(stderr, "mig-check: cannot open W %s\n", argv[5]);
	if (!check(X.slice && X.slice == Y.slice && Z.slice != X.slice &&
		   !strcmp(X.type, Y.type) && strcmp(X.type, Z.type), "vgpus",
		   "X %s %llu, Y %s %llu, Z %s %llu bytes: X and Y must be of one type, Z another",
		   X.type, (unsigned long long)X.slice, Y.type, (unsigned long long)Y.slice,
		   Z.type, (unsigned long long)Z.slice))
		return 1;
	shadow = malloc(X.slice);
	if (!shadow || stream_room(&good, X.slice + (X.slice >> 4))) {
		lab_result(0, "memory", "cannot allocate the shadow and stream buffers");
		return 1;
	}
	ret = feature_checks();
	if (ret == -ENOTTY) {
		/* No migration in this kernel: nothing further can run. */
		lab_result(0, "migration-support", "FEATURE_MIGRATION is not implemented (ENOTTY)");
		return 1;
	}
	live_move();
	refusal_checks();
	fsm_checks();
	move_back();
	stale_fd_checks();
	return lab_failures != 0;
}
