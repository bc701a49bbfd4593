// SPDX-License-Identifier: GPL-2.0-only
/*
 * kms-flip: the nested guest's KMS client, what a compositor does with a
 * display device, in raw DRM ioctls (no libdrm in the guest).
 *
 *   kms-flip [WxH]
 *
 * Opens /dev/dri/card0 (bochs-drm; the first opener is DRM master), finds
 * the connected connector and prints its modes in the connector's order
 * (the kernel sorts the preferred one first):
 *
 *   VMGUEST-MODES list=<W>x<H>,<W>x<H>,... preferred=<W>x<H> connector=<id> t=<uptime>
 *
 * Then it takes mode WxH (default: the preferred one), creates two dumb
 * buffers of that size (XRGB8888), fills buffer 0 with the pattern of a
 * fresh random seed and buffer 1 with that of another (pattern.h,
 * vmg_pixel: pixel (x, y) = word y*W+x, top byte 0), shows buffer 0 with
 * SETCRTC and reports
 *
 *   VMGUEST-SHOWN buf=0 seed=<16 hex digits> mode=<W>x<H> pitch=<bytes> t=<uptime>
 *
 * Each line "flip" on stdin then shows the other buffer with a page flip
 * and reports, once the flip is done (its completion event arrived),
 *
 *   VMGUEST-FLIPPED buf=<0|1> seed=<16 hex digits> via=page-flip t=<uptime>
 *
 * or via=setcrtc when the driver refused the page flip (the errno is in
 * a field page_flip=<error>).  bochs-drm flips by pointing the display's
 * X/Y offset registers at the new buffer's place in VRAM, so the two
 * buffers are two different scanout bases.
 *
 * "busy" then redraws continuously, as a guest playing video does:
 * each frame fills the buffer not shown with the pattern of a fresh
 * seed and page-flips to it, until the next line on stdin; "calm" (that
 * next line) reports
 *
 *   VMGUEST-CALM frames=<N> buf=<0|1> seed=<16 hex digits> t=<uptime>
 *
 * with the number of frames shown since "busy" and the buffer on screen.
 *
 * "quit" or the end of stdin releases everything (the fbdev emulation
 * takes the display back) and prints "VMGUEST-RELEASED t=<uptime>".
 * It keeps the device open, and so stays DRM master, until then.
 * Errors: "VMGUEST-ERROR kms-flip: <what>: <why>", exit status 1; a
 * bad argument exits 2.
 */
#define _GNU_SOURCE		/* strerrorname_np */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_mode.h>

#include "pattern.h"
#include "seed.h"

#define CARD "/dev/dri/card0"
/* A flip's completion event; nested TCG is slow, but not this slow. */
#define FLIP_TIMEOUT_MS 60000

struct buf {
	uint32_t handle, fb_id, pitch;
	uint64_t size, seed;
	uint8_t *map;
};

static int card = -1;

/* The guest's uptime, as init.sh's lines end with it. */
static const char *uptime(void)
{
	static char t[32];
	FILE *f = fopen("/proc/uptime", "r");

	if (!f || fscanf(f, "%31s", t) != 1)
		strcpy(t, "?");
	if (f)
		fclose(f);
	return t;
}

/* One report line, " t=<uptime>" appended, out at once (a tty or a pipe). */
__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("VMGUEST-", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" t=%s\n", uptime());
	fflush(stdout);
}

static int die(const char *what)
{
	printf("VMGUEST-ERROR kms-flip: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	return 1;
}

/* ioctl, restarted when a signal or the driver asks for it (as libdrm does). */
static int xioctl(unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(card, req, arg);
	} while (r == -1 && (errno == EINTR || errno == EAGAIN));
	return r;
}

/*
 * GETRESOURCES or GETCONNECTOR with arrays: the kernel fills an array only
 * when it is large enough and always returns the current counts, which
 * a hotplug can change between two calls.  These read until stable.
 */
static int get_crtcs(uint32_t **crtcs, uint32_t *n)
{
	struct drm_mode_card_res res;
	uint32_t *ids = NULL, want;

	for (;;) {
		memset(&res, 0, sizeof(res));
		if (xioctl(DRM_IOCTL_MODE_GETRESOURCES, &res))
			return -1;
		want = res.count_crtcs;
		free(ids);
		ids = calloc(want ? want : 1, sizeof(*ids));
		if (!ids)
			return -1;
		memset(&res, 0, sizeof(res));
		res.count_crtcs = want;
		res.crtc_id_ptr = (uintptr_t)ids;
		if (xioctl(DRM_IOCTL_MODE_GETRESOURCES, &res)) {
			free(ids);
			return -1;
		}
		if (res.count_crtcs <= want) {
			*crtcs = ids;
			*n = res.count_crtcs;
			return 0;
		}
	}
}

struct connector {
	struct drm_mode_get_connector c;
	struct drm_mode_modeinfo *modes;
	uint32_t *encoders;
};

static int get_connector(uint32_t id, struct connector *k)
{
	struct drm_mode_get_connector c;

	memset(k, 0, sizeof(*k));
	/* count_modes 0: the kernel probes the modes (we are master). */
	memset(&c, 0, sizeof(c));
	c.connector_id = id;
	if (xioctl(DRM_IOCTL_MODE_GETCONNECTOR, &c))
		return -1;
	for (;;) {
		uint32_t nm = c.count_modes, ne = c.count_encoders;

		free(k->modes);
		free(k->encoders);
		k->modes = calloc(nm ? nm : 1, sizeof(*k->modes));
		k->encoders = calloc(ne ? ne : 1, sizeof(*k->encoders));
		if (!k->modes || !k->encoders)
			return -1;
		memset(&c, 0, sizeof(c));
		c.connector_id = id;
		c.count_modes = nm ? nm : 1;
		c.modes_ptr = (uintptr_t)k->modes;
		c.count_encoders = ne;
		c.encoders_ptr = (uintptr_t)k->encoders;
		/* A non-zero count_modes reads the list without probing again. */
		if (xioctl(DRM_IOCTL_MODE_GETCONNECTOR, &c))
			return -1;
		if (c.count_modes <= (nm ? nm : 1) && c.count_encoders <= ne) {
			k->c = c;
			return 0;
		}
	}
}

/* The CRTC to drive connector k: its encoder's, else one it can use. */
static int pick_crtc(const struct connector *k, uint32_t *crtc)
{
	struct drm_mode_get_encoder e;
	uint32_t *crtcs, n, i, j;

	if (k->c.encoder_id) {
		memset(&e, 0, sizeof(e));
		e.encoder_id = k->c.encoder_id;
		if (!xioctl(DRM_IOCTL_MODE_GETENCODER, &e) && e.crtc_id) {
			*crtc = e.crtc_id;
			return 0;
		}
	}
	if (get_crtcs(&crtcs, &n))
		return -1;
	for (i = 0; i < k->c.count_encoders; i++) {
		memset(&e, 0, sizeof(e));
		e.encoder_id = k->encoders[i];
		if (xioctl(DRM_IOCTL_MODE_GETENCODER, &e))
			continue;
		for (j = 0; j < n && j < 32; j++) {
			if (e.possible_crtcs & (1u << j)) {
				*crtc = crtcs[j];
				free(crtcs);
				return 0;
			}
		}
	}
	free(crtcs);
	errno = ENODEV;
	return -1;
}

/* A W x H XRGB8888 dumb buffer with the pattern of b->seed, as a framebuffer. */
/* The pattern of b->seed over the whole WxH picture. */
static void fill_buf(struct buf *b, uint32_t w, uint32_t h)
{
	uint32_t x, y;

	for (y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)(b->map + (size_t)y * b->pitch);

		for (x = 0; x < w; x++)
			row[x] = vmg_pixel(b->seed, x, y, w);
	}
}

/*
 * A dumb buffer of WxH XRGB8888, mapped (b->map, until free_buf()),
 * holding the pattern of b->seed, with a framebuffer for it.
 */
static int make_buf(struct buf *b, uint32_t w, uint32_t h, const char **what)
{
	struct drm_mode_create_dumb cd = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb md = { 0 };
	struct drm_mode_fb_cmd2 fb = { 0 };
	uint8_t *map;
	uint32_t x, y;

	b->map = NULL;
	*what = "CREATE_DUMB";
	if (xioctl(DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		return -1;
	b->handle = cd.handle;
	b->pitch = cd.pitch;
	b->size = cd.size;
	if (cd.pitch < w * 4 || cd.size < (uint64_t)cd.pitch * h) {
		*what = "CREATE_DUMB returned a buffer too small for the mode";
		errno = EPROTO;
		return -1;
	}
	*what = "MAP_DUMB";
	md.handle = b->handle;
	if (xioctl(DRM_IOCTL_MODE_MAP_DUMB, &md))
		return -1;
	*what = "mmap of the dumb buffer";
	map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, card, md.offset);
	if (map == MAP_FAILED)
		return -1;
	b->map = map;
	fill_buf(b, w, h);
	/* Read it back: a buffer that does not hold the pattern is no test. */
	for (y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(map + (size_t)y * b->pitch);

		for (x = 0; x < w; x++) {
			if (row[x] != vmg_pixel(b->seed, x, y, w)) {
				*what = "the dumb buffer did not read back what was written";
				errno = EIO;
				return -1;
			}
		}
	}
	*what = "ADDFB2 XRGB8888";
	fb.width = w;
	fb.height = h;
	fb.pixel_format = DRM_FORMAT_XRGB8888;
	fb.handles[0] = b->handle;
	fb.pitches[0] = b->pitch;
	if (xioctl(DRM_IOCTL_MODE_ADDFB2, &fb))
		return -1;
	b->fb_id = fb.fb_id;
	return 0;
}

static void free_buf(struct buf *b)
{
	struct drm_mode_destroy_dumb dd = { .handle = b->handle };

	if (b->map)
		munmap(b->map, b->size);
	if (b->fb_id)
		xioctl(DRM_IOCTL_MODE_RMFB, &b->fb_id);
	if (b->handle)
		xioctl(DRM_IOCTL_MODE_DESTROY_DUMB, &dd);
}

static int set_crtc(uint32_t crtc, uint32_t conn, const struct drm_mode_modeinfo *mode,
		    uint32_t fb_id)
{
	struct drm_mode_crtc sc = { 0 };

	sc.crtc_id = crtc;
	sc.fb_id = fb_id;
	sc.set_connectors_ptr = (uintptr_t)&conn;
	sc.count_connectors = 1;
	sc.mode = *mode;
	sc.mode_valid = 1;
	return xioctl(DRM_IOCTL_MODE_SETCRTC, &sc);
}

/*
 * Page flip to fb_id and wait for its completion event: the atomic
 * helpers commit a page flip in a worker, after the ioctl returned, and
 * send the event once the driver has programmed the new buffer (bochs-drm
 * has no vblank interrupt; the helpers send the event at once then).
 * Only after that may the host look at the screen.
 */
static int page_flip(uint32_t crtc, uint32_t fb_id, uint64_t cookie)
{
	struct drm_mode_crtc_page_flip pf = { 0 };
	struct pollfd p = { .fd = card, .events = POLLIN };
	char ev[1024];
	ssize_t n, at;

	pf.crtc_id = crtc;
	pf.fb_id = fb_id;
	pf.flags = DRM_MODE_PAGE_FLIP_EVENT;
	pf.user_data = cookie;
	if (xioctl(DRM_IOCTL_MODE_PAGE_FLIP, &pf))
		return -1;
	for (;;) {
		int r = poll(&p, 1, FLIP_TIMEOUT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -2;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -2;
		}
		n = read(card, ev, sizeof(ev));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -2;
		for (at = 0; at + (ssize_t)sizeof(struct drm_event) <= n;) {
			struct drm_event e;
			struct drm_event_vblank vb;

			memcpy(&e, ev + at, sizeof(e));
			if (e.length < sizeof(e) || at + (ssize_t)e.length > n) {
				errno = EPROTO;
				return -2;
			}
			if (e.type == DRM_EVENT_FLIP_COMPLETE && e.length >= sizeof(vb)) {
				memcpy(&vb, ev + at, sizeof(vb));
				if (vb.user_data == cookie)
					return 0;
			}
			at += e.length;
		}
	}
}

/* Why the last show() fell back to SETCRTC. */
static const char *flip_err = "?";

/*
 * Show the other buffer: a page flip, waited for; SETCRTC when the driver
 * refuses the flip.  Returns 1 (flipped), 0 (SETCRTC) or -1 after an
 * error line; *cur is the buffer on screen.
 */
static int show(uint32_t crtc, const struct connector *k,
		const struct drm_mode_modeinfo *mode, struct buf bufs[2], uint32_t *cur,
		uint64_t cookie)
{
	uint32_t next = *cur ^ 1;
	int r = page_flip(crtc, bufs[next].fb_id, cookie), err;

	if (r == 0) {
		*cur = next;
		return 1;
	}
	if (r == -2) {
		die("waiting for the page flip's completion event");
		return -1;
	}
	/* Refused outright: show the buffer the blocking way. */
	err = errno;
	if (set_crtc(crtc, k->c.connector_id, mode, bufs[next].fb_id)) {
		die("SETCRTC after a refused page flip");
		return -1;
	}
	flip_err = strerrorname_np(err) ? strerrorname_np(err) : "?";
	*cur = next;
	return 0;
}

static int parse_mode(const char *s, uint32_t *w, uint32_t *h)
{
	unsigned long a, b;
	char *end;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || end == s || *end != 'x')
		return -1;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (errno || end == s || *end || !a || !b || a > 16384 || b > 16384)
		return -1;
	*w = a;
	*h = b;
	return 0;
}

int main(int argc, char **argv)
{
	struct drm_mode_card_res res = { 0 };
	struct connector k = { 0 };
	const struct drm_mode_modeinfo *mode = NULL;
	struct buf bufs[2] = { 0 };
	uint32_t *conns = NULL, crtc, want_w = 0, want_h = 0, i, cur = 0, frames = 0;
	uint64_t flips = 0;
	const char *what;
	char line[128];
	int found = 0, rc = 0, r = 0;

	if (argc > 2 || (argc == 2 && parse_mode(argv[1], &want_w, &want_h))) {
		printf("VMGUEST-ERROR kms-flip: usage: kms-flip [WxH] (got '%s')\n",
		       argc > 1 ? argv[1] : "");
		return 2;
	}
	card = open(CARD, O_RDWR | O_CLOEXEC);
	if (card < 0)
		return die("open " CARD);

	/* The connectors (only their ids; the CRTCs come with the encoder). */
	for (;;) {
		uint32_t want;

		memset(&res, 0, sizeof(res));
		if (xioctl(DRM_IOCTL_MODE_GETRESOURCES, &res))
			return die("GETRESOURCES");
		want = res.count_connectors;
		free(conns);
		conns = calloc(want ? want : 1, sizeof(*conns));
		if (!conns)
			return die("calloc");
		memset(&res, 0, sizeof(res));
		res.count_connectors = want;
		res.connector_id_ptr = (uintptr_t)conns;
		if (xioctl(DRM_IOCTL_MODE_GETRESOURCES, &res))
			return die("GETRESOURCES");
		if (res.count_connectors <= want)
			break;
	}
	for (i = 0; i < res.count_connectors && !found; i++) {
		free(k.modes);
		free(k.encoders);
		if (get_connector(conns[i], &k))
			return die("GETCONNECTOR");
		found = k.c.connection == 1 && k.c.count_modes > 0;
	}
	if (!found) {
		errno = ENODEV;
		return die("no connected connector with modes");
	}

	/* The list as the kernel orders it: preferred first, then by size. */
	{
		char *list = calloc(k.c.count_modes, 24);
		const struct drm_mode_modeinfo *pref = NULL;
		size_t len = 0;

		if (!list)
			return die("calloc");
		for (i = 0; i < k.c.count_modes; i++) {
			const struct drm_mode_modeinfo *m = &k.modes[i];

			len += sprintf(list + len, "%s%ux%u", i ? "," : "", m->hdisplay, m->vdisplay);
			if (!pref && (m->type & DRM_MODE_TYPE_PREFERRED))
				pref = m;
		}
		if (!pref)
			pref = &k.modes[0];
		say("MODES list=%s preferred=%ux%u connector=%u", list,
		    pref->hdisplay, pref->vdisplay, k.c.connector_id);
		free(list);
		if (!want_w) {
			mode = pref;
		} else {
			for (i = 0; i < k.c.count_modes && !mode; i++)
				if (k.modes[i].hdisplay == want_w && k.modes[i].vdisplay == want_h)
					mode = &k.modes[i];
		}
		if (!mode) {
			printf("VMGUEST-ERROR kms-flip: the connector has no mode %ux%u\n",
			       want_w, want_h);
			return 1;
		}
	}
	if (pick_crtc(&k, &crtc))
		return die("no CRTC for the connector");

	if (vmg_new_seed(&bufs[0].seed))
		return die("/dev/urandom");
	do {
		if (vmg_new_seed(&bufs[1].seed))
			return die("/dev/urandom");
	} while (bufs[1].seed == bufs[0].seed);
	for (i = 0; i < 2; i++)
		if (make_buf(&bufs[i], mode->hdisplay, mode->vdisplay, &what))
			return die(what);

	if (set_crtc(crtc, k.c.connector_id, mode, bufs[0].fb_id))
		return die("SETCRTC");
	say("SHOWN buf=0 seed=%016" PRIx64 " mode=%ux%u pitch=%u", bufs[0].seed,
	    mode->hdisplay, mode->vdisplay, bufs[0].pitch);

	/*
	 * Unbuffered: "busy" polls fd 0 for the line that ends it, which
	 * stdio must not have read ahead into its buffer.
	 */
	setvbuf(stdin, NULL, _IONBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strcmp(line, "quit"))
			break;
		if (!strcmp(line, "flip")) {
			r = show(crtc, &k, mode, bufs, &cur, ++flips);
			if (r > 0)
				say("FLIPPED buf=%u seed=%016" PRIx64 " via=page-flip", cur,
				    bufs[cur].seed);
			else if (r == 0)
				say("FLIPPED buf=%u seed=%016" PRIx64 " via=setcrtc page_flip=%s",
				    cur, bufs[cur].seed, flip_err);
			else
				break;
		} else if (!strcmp(line, "busy")) {
			struct pollfd in = { .fd = 0, .events = POLLIN };

			frames = 0;
			do {
				struct buf *back = &bufs[cur ^ 1];

				if (vmg_new_seed(&back->seed)) {
					r = -1;
					rc = die("/dev/urandom");
					break;
				}
				fill_buf(back, mode->hdisplay, mode->vdisplay);
				r = show(crtc, &k, mode, bufs, &cur, ++flips);
				if (r < 0)
					break;
				frames++;
			} while (poll(&in, 1, 0) == 0);
			if (r < 0)
				break;
		} else if (!strcmp(line, "calm")) {
			say("CALM frames=%u buf=%u seed=%016" PRIx64, frames, cur, bufs[cur].seed);
			frames = 0;
		} else {
			printf("VMGUEST-ERROR kms-flip: unknown command '%s' (flip, busy, calm, quit)\n",
			       line);
			fflush(stdout);
		}
	}
	if (r < 0 && !rc)
		rc = 1;
	for (i = 0; i < 2; i++)
		free_buf(&bufs[i]);
	close(card);
	if (!rc)
		say("RELEASED");
	return rc;
}
