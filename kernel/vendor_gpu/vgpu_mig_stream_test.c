// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the migration stream: the writer's layout, a round trip
 * through the parser in every chunking, and every way a stream is
 * refused: a destination it does not fit, a version this driver does not
 * read, a flipped bit anywhere, truncation anywhere, records out of
 * order or out of the slice, totals that do not add up, a page never
 * sent, the VRAM callback failing.  A refused stream never reaches the
 * VRAM callback with a record that did not check: the callback compares
 * each record it is given with the well-formed stream's.
 *
 * The stream is built with the writer and edited with this file's own
 * reading of the layout (the contract in vgpu_mig_stream.h), with zlib's
 * CRC32 computed here from the kernel's crc32_le().
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include "vgpu_mig_stream.h"

#define HDR		VGPU_MIG_REC_HDR_SIZE
#define MPAGE		VGPU_MIG_PAGE_SIZE
#define SLICE_MIB	1
#define SLICE		(SLICE_MIB << 20)
#define PAGES		(SLICE / MPAGE)
/* Room for a whole stream with its resent pages and the tests' extras. */
#define STREAM_MAX	(3 * SLICE)
#define MAX_RECS	96

/* Offsets in a record header and in the HEADER payload (the contract). */
#define R_KIND		0
#define R_LEN		4
#define R_OFFSET	8
#define R_CRC		16
#define R_RESERVED	20
#define H_MAJOR		8
#define H_MINOR		10
#define H_TYPE		12
#define H_VRAM		(12 + VGPU_FW_ID_LEN)
/* In the DEVICE payload. */
#define D_DISPI		VGPU_CFG_SIZE
#define D_VGA		(D_DISPI + 2 * DISPI_NR)
#define D_IRQ_STATUS	(D_VGA + 0x20)
#define D_INTX		(D_IRQ_STATUS + 8)
#define D_EDID_LEN	(D_IRQ_STATUS + 12)
#define D_EDID		(D_IRQ_STATUS + 16)

KUNIT_DEFINE_ACTION_WRAPPER(vfree_action, vfree, const void *);

struct mig_rec {
	u32 at;
	u32 kind;
	u32 len;
};

/*
 * A source, its stream, and a destination parsing it.  @stream is the
 * well-formed stream the VRAM callback compares against; tests that
 * corrupt one feed @bad, a copy.
 */
struct mig_t {
	struct kunit *test;
	struct vgpu_mig_ident src;
	struct vgpu_mig_ident dst;
	struct vgpu_mig_device dev;
	struct vgpu_mig_saver saver;
	u8 *vram;
	u8 *dst_vram;
	u8 *stream;
	u8 *bad;
	u32 len;
	struct mig_rec rec[MAX_RECS];
	u32 nrec;
	u32 vram_rec[MAX_RECS];
	u32 nvram;
	u16 run_start[PAGES];
	u16 run_count[PAGES];
	struct vgpu_mig_parser p;
	u8 *buf;
	u8 seen[PAGES / 8];
	/* The VRAM callback: calls so far, the call that fails (0: none). */
	u32 calls;
	u32 fail_at;
	bool wrong_call;
};

static void *vzalloc_test(struct kunit *test, size_t size)
{
	void *p = vzalloc(size);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, vfree_action, p), 0);
	return p;
}

/* zlib's crc32(), chained as zlib chains it. */
static u32 zcrc(u32 crc, const u8 *p, size_t len)
{
	return ~crc32_le(~crc, p, len);
}

static void fill_vram(u8 *vram, u32 from, u32 len, u32 seed)
{
	u32 i;

	for (i = from; i < from + len; i += 4)
		put_unaligned_le32((i / 4 + seed) * 0x9e3779b1U, vram + i);
}

static struct mig_t *new_mig(struct kunit *test)
{
	struct mig_t *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->buf = kunit_kzalloc(test, VGPU_MIG_BUF_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->buf);
	t->vram = vzalloc_test(test, SLICE);
	t->dst_vram = vzalloc_test(test, SLICE);
	t->stream = vzalloc_test(test, STREAM_MAX);
	t->bad = vzalloc_test(test, STREAM_MAX);

	strscpy(t->src.type_id, "s1", sizeof(t->src.type_id));
	t->src.vram_mib = SLICE_MIB;
	t->src.table_revision = 7;
	t->src.max_width = 1920;
	t->src.max_height = 1200;
	t->dst = t->src;

	fill_vram(t->vram, 0, SLICE, 1);
	for (i = 0; i < VGPU_CFG_SIZE; i++)
		t->dev.cfg[i] = i * 3 + 1;
	for (i = 0; i < DISPI_NR; i++)
		t->dev.dispi[i] = 0x1111 * (i + 1) + i;
	for (i = 0; i < sizeof(t->dev.vga); i++)
		t->dev.vga[i] = 0xa0 + i;
	t->dev.irq_status = 1;
	t->dev.irq_enable = 0x80000001;
	t->dev.intx_masked = 1;
	t->dev.edid_len = 256;
	for (i = 0; i < VGPU_EDID_MAX_SIZE; i++)
		t->dev.edid[i] = i < 256 ? 0x55 ^ i : 0;
	return t;
}

/* ---- building streams --------------------------------------------------- */

static u8 *next_rec(struct mig_t *t, u32 kind, u32 len)
{
	struct kunit *test = t->test;

	KUNIT_ASSERT_LT(test, t->nrec, (u32)MAX_RECS);
	KUNIT_ASSERT_LE(test, t->len + HDR + len, (u32)STREAM_MAX);
	t->rec[t->nrec++] = (struct mig_rec){ .at = t->len, .kind = kind, .len = len };
	return t->stream + t->len;
}

static void add_header(struct mig_t *t, const struct vgpu_mig_ident *id)
{
	u8 *r = next_rec(t, VGPU_MIG_REC_HEADER, VGPU_MIG_HEADER_LEN);

	t->len += vgpu_mig_put_header(&t->saver, r, id ? id : &t->src);
}

static void add_vram(struct mig_t *t, u32 page, u32 pages)
{
	u8 *r = next_rec(t, VGPU_MIG_REC_VRAM, pages * MPAGE);

	t->vram_rec[t->nvram++] = t->nrec - 1;
	memcpy(r + HDR, t->vram + page * MPAGE, pages * MPAGE);
	t->len += vgpu_mig_put_vram(&t->saver, r, (u64)page * MPAGE, pages * MPAGE);
}

static void add_device(struct mig_t *t)
{
	u8 *r = next_rec(t, VGPU_MIG_REC_DEVICE, VGPU_MIG_DEVICE_LEN);

	t->len += vgpu_mig_put_device(&t->saver, r, &t->dev);
}

static void add_end(struct mig_t *t)
{
	u8 *r = next_rec(t, VGPU_MIG_REC_END, VGPU_MIG_END_LEN);

	t->len += vgpu_mig_put_end(&t->saver, r);
}

/* The guest writes pages after they were sent: they go again. */
static void resend(struct mig_t *t, u32 page, u32 pages, u32 seed)
{
	fill_vram(t->vram, page * MPAGE, pages * MPAGE, seed);
	add_vram(t, page, pages);
}

/*
 * The first pass over the slice, in runs of 1 to 16 pages sent in an
 * order that is neither forwards nor backwards; @skip (if below PAGES)
 * is never sent.
 */
static void first_pass(struct mig_t *t, u32 skip)
{
	static const u8 sizes[] = { 16, 1, 7, 16, 3, 12, 2, 16, 5 };
	u16 *start = t->run_start, *count = t->run_count;
	u32 n = 0, page = 0, i, stride;

	while (page < PAGES) {
		u32 c = min_t(u32, sizes[n % ARRAY_SIZE(sizes)], PAGES - page);

		start[n] = page;
		count[n++] = c;
		page += c;
	}
	stride = n % 7 ? 7 : 11;
	for (i = 0; i < n; i++) {
		u32 r = (i * stride + 3) % n;

		if (skip >= start[r] && skip < start[r] + count[r]) {
			if (skip > start[r])
				add_vram(t, start[r], skip - start[r]);
			if (skip + 1 < start[r] + count[r])
				add_vram(t, skip + 1, start[r] + count[r] - skip - 1);
		} else {
			add_vram(t, start[r], count[r]);
		}
	}
}

/* Pre-copy's second look: pages the guest wrote after they were sent. */
static void resends(struct mig_t *t)
{
	resend(t, 3, 1, 11);
	resend(t, 100, 1, 12);
	resend(t, 32, 16, 13);
	resend(t, 254, 1, 14);
	resend(t, 100, 1, 15);
}

/* The index in rec[] of the record resending page 100 the first time. */
static u32 resend_100(struct mig_t *t)
{
	u32 i;

	for (i = 0; i < t->nrec; i++)
		if (t->rec[i].kind == VGPU_MIG_REC_VRAM && t->rec[i].len == MPAGE &&
		    get_unaligned_le64(t->stream + t->rec[i].at + R_OFFSET) == 100 * MPAGE)
			return i;
	KUNIT_FAIL(t->test, "no resend of page 100");
	return 0;
}

static void build(struct mig_t *t)
{
	vgpu_mig_saver_init(&t->saver);
	add_header(t, NULL);
	first_pass(t, PAGES);
	resends(t);
	add_device(t);
	add_end(t);
}

static u8 *payload(struct mig_t *t, u32 i)
{
	return t->stream + t->rec[i].at + HDR;
}

/* Recompute one record's CRC after an edit of it. */
static void fix_crc(struct mig_t *t, u32 i)
{
	u8 *r = t->stream + t->rec[i].at;
	u32 len = get_unaligned_le32(r + R_LEN), crc;

	put_unaligned_le32(0, r + R_CRC);
	crc = zcrc(0, r, HDR + len);
	put_unaligned_le32(crc, r + R_CRC);
}

/* After edits: every record's CRC, and the END records' totals. */
static void reseal(struct mig_t *t)
{
	u32 i;

	for (i = 0; i < t->nrec; i++) {
		struct mig_rec *r = &t->rec[i];

		if (r->kind == VGPU_MIG_REC_END) {
			put_unaligned_le32(i, payload(t, i));
			put_unaligned_le64(r->at, payload(t, i) + 4);
			put_unaligned_le32(zcrc(0, t->stream, r->at), payload(t, i) + 12);
		}
		fix_crc(t, i);
	}
}

/* ---- parsing ------------------------------------------------------------ */

static int mig_vram(void *ctx, u64 offset, const u8 *data, u32 len)
{
	struct mig_t *t = ctx;
	u32 n = t->calls++;
	const struct mig_rec *r;

	/* The n-th VRAM record of the well-formed stream, and nothing else. */
	if (n >= t->nvram) {
		t->wrong_call = true;
		return -EFAULT;
	}
	r = &t->rec[t->vram_rec[n]];
	if (offset != get_unaligned_le64(t->stream + r->at + R_OFFSET) || len != r->len ||
	    memcmp(data, t->stream + r->at + HDR, len) || offset % MPAGE || len % MPAGE ||
	    offset + len > SLICE) {
		t->wrong_call = true;
		return -EFAULT;
	}
	if (t->fail_at && t->calls == t->fail_at)
		return -EIO;
	memcpy(t->dst_vram + offset, data, len);
	return 0;
}

static void start(struct mig_t *t)
{
	vgpu_mig_parser_init(&t->p, &t->dst, t->buf, t->seen, mig_vram, t);
	t->calls = 0;
	t->wrong_call = false;
}

/*
 * Feed @len bytes in pieces of @chunk (0: record by record, as @t's
 * stream is laid out).  Return: 0, or the first error.
 */
static long feed(struct mig_t *t, const u8 *data, u32 len, u32 chunk)
{
	u32 at = 0, r = 0;

	while (at < len) {
		u32 n = chunk;
		long ret;

		if (!chunk) {
			while (r < t->nrec && t->rec[r].at < at)
				r++;
			n = r < t->nrec ? HDR + t->rec[r].len : len - at;
		}
		n = min(n, len - at);
		ret = vgpu_mig_parse(&t->p, data + at, n);
		if (ret < 0)
			return ret;
		if (ret != n) {
			KUNIT_FAIL(t->test, "parse of %u bytes at %u returned %ld", n, at, ret);
			return -ERANGE;
		}
		at += n;
	}
	return 0;
}

/* The whole of @data, then the end of the stream: the verdict. */
static int parse_all(struct mig_t *t, const u8 *data, u32 len)
{
	long ret;

	start(t);
	ret = feed(t, data, len, len);
	if (ret)
		return ret;
	return vgpu_mig_parse_finish(&t->p);
}

/* The parser's reason names what was wrong. */
static void expect_why(struct kunit *test, const struct mig_t *t, const char *what)
{
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(t->p.why, what), "why: %s, not \"%s\"",
				  t->p.why, what);
}

/* ---- the cases ---------------------------------------------------------- */

/* The bytes the contract gives, and zlib's CRC32 over them. */
static void mig_writer_layout(struct kunit *test)
{
	struct mig_t *t = new_mig(test);
	u32 i, crc;
	u8 *h, *r;

	/* The test's CRC is zlib's: its check value. */
	KUNIT_ASSERT_EQ(test, zcrc(0, (const u8 *)"123456789", 9), 0xcbf43926U);
	build(t);

	h = t->stream;
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h + R_KIND), 1U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h + R_LEN), 44U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(h + R_OFFSET), 0ULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h + R_RESERVED), 0U);
	KUNIT_EXPECT_MEMEQ(test, h + HDR, "VSLCMIG", 8);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(h + HDR + H_MAJOR), 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(h + HDR + H_MINOR), 0);
	KUNIT_EXPECT_MEMEQ(test, h + HDR + H_TYPE, "s1\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h + HDR + H_VRAM), (u32)SLICE_MIB);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h + HDR + H_VRAM + 4), 7U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h + HDR + H_VRAM + 8), 1920U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h + HDR + H_VRAM + 12), 1200U);

	for (i = 0; i < t->nrec; i++) {
		r = t->stream + t->rec[i].at;
		KUNIT_EXPECT_EQ_MSG(test, get_unaligned_le32(r + R_KIND), t->rec[i].kind,
				    "record %u", i);
		KUNIT_EXPECT_EQ_MSG(test, get_unaligned_le32(r + R_LEN), t->rec[i].len,
				    "record %u", i);
		crc = get_unaligned_le32(r + R_CRC);
		fix_crc(t, i);
		KUNIT_EXPECT_EQ_MSG(test, get_unaligned_le32(r + R_CRC), crc, "record %u", i);
		if (i + 1 < t->nrec)
			KUNIT_EXPECT_EQ(test, t->rec[i + 1].at, t->rec[i].at + HDR + t->rec[i].len);
	}
	KUNIT_EXPECT_EQ(test, t->rec[t->nrec - 1].at + HDR + VGPU_MIG_END_LEN, t->len);

	/* VRAM: the offset in the header, the pages as first sent after it. */
	r = t->stream + t->rec[t->vram_rec[0]].at;
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(r + R_OFFSET) % MPAGE, 0ULL);
	fill_vram(t->dst_vram, 0, SLICE, 1);
	KUNIT_EXPECT_EQ(test, memcmp(r + HDR, t->dst_vram + get_unaligned_le64(r + R_OFFSET),
				     t->rec[t->vram_rec[0]].len), 0);

	/* DEVICE: config space, dispi, VGA, IRQ status/enable, INTx, EDID. */
	r = payload(t, t->nrec - 2);
	KUNIT_EXPECT_EQ(test, t->rec[t->nrec - 2].kind, (u32)VGPU_MIG_REC_DEVICE);
	KUNIT_EXPECT_MEMEQ(test, r, t->dev.cfg, VGPU_CFG_SIZE);
	for (i = 0; i < DISPI_NR; i++)
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(r + D_DISPI + 2 * i), t->dev.dispi[i]);
	KUNIT_EXPECT_MEMEQ(test, r + D_VGA, t->dev.vga, 0x20);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(r + D_IRQ_STATUS), 1U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(r + D_IRQ_STATUS + 4), 0x80000001U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(r + D_INTX), 1U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(r + D_EDID_LEN), 256U);
	KUNIT_EXPECT_MEMEQ(test, r + D_EDID, t->dev.edid, VGPU_EDID_MAX_SIZE);

	/* END: records and bytes before it, zlib's CRC32 of those bytes. */
	r = payload(t, t->nrec - 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(r), t->nrec - 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(r + 4), (u64)t->rec[t->nrec - 1].at);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(r + 12),
			zcrc(0, t->stream, t->rec[t->nrec - 1].at));
}

static const u32 chunkings[] = { 1, 7, 0, STREAM_MAX };

static void chunking_desc(const u32 *c, char *desc)
{
	if (*c == 0)
		strscpy(desc, "record by record", KUNIT_PARAM_DESC_SIZE);
	else if (*c == STREAM_MAX)
		strscpy(desc, "whole", KUNIT_PARAM_DESC_SIZE);
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u-byte pieces", *c);
}

KUNIT_ARRAY_PARAM(chunking, chunkings, chunking_desc);

/*
 * A slice sent in any order with pages resent arrives whole, the last
 * copy of each page winning, whatever the pieces the VMM writes.
 */
static void mig_round_trip(struct kunit *test)
{
	const u32 *chunk = test->param_value;
	struct mig_t *t = new_mig(test);
	u32 i;

	build(t);
	start(t);
	KUNIT_ASSERT_EQ(test, feed(t, t->stream, t->len, *chunk), 0L);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.err, 0);
	KUNIT_EXPECT_TRUE(test, t->p.done);
	KUNIT_EXPECT_FALSE(test, t->wrong_call);
	KUNIT_EXPECT_EQ(test, t->calls, t->nvram);
	KUNIT_EXPECT_EQ(test, memcmp(t->dst_vram, t->vram, SLICE), 0);
	for (i = 0; i < sizeof(t->seen); i++)
		KUNIT_EXPECT_EQ_MSG(test, t->seen[i], 0xff, "seen byte %u", i);
	KUNIT_EXPECT_MEMEQ(test, &t->p.dev, &t->dev, sizeof(t->dev));
	/* A write of nothing after the end is no error. */
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse(&t->p, t->stream, 0), 0L);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), 0);
}

/* A destination the stream does not fit, field by field. */
struct mig_dst_case {
	const char *name;
	const char *type_id;
	u32 vram_mib;
	int revision;
	int width;
	int height;
	int err;
	const char *why;
};

static const struct mig_dst_case dst_cases[] = {
	{ "other type", "s2", SLICE_MIB, 0, 0, 0, -EINVAL, "type s2" },
	{ "type a prefix", "s", SLICE_MIB, 0, 0, 0, -EINVAL, "type s " },
	{ "type longer", "s10", SLICE_MIB, 0, 0, 0, -EINVAL, "type s10" },
	{ "other VRAM size", "s1", 2, 0, 0, 0, -EINVAL, "(2 MiB)" },
	{ "other table revision", "s1", SLICE_MIB, 1, 0, 0, -EINVAL, "revision 8" },
	{ "wider source", "s1", SLICE_MIB, 0, 1, 0, -EINVAL, "max_resolution" },
	{ "taller source", "s1", SLICE_MIB, 0, 0, 1, -EINVAL, "max_resolution" },
	{ "smaller source", "s1", SLICE_MIB, 0, -640, -8, 0, NULL },
};

static void dst_desc(const struct mig_dst_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dst, dst_cases, dst_desc);

static void mig_destination_mismatch(struct kunit *test)
{
	const struct mig_dst_case *c = test->param_value;
	struct mig_t *t = new_mig(test);
	long ret;

	strscpy(t->src.type_id, c->type_id, sizeof(t->src.type_id));
	t->src.vram_mib = c->vram_mib;
	t->src.table_revision += c->revision;
	t->src.max_width += c->width;
	t->src.max_height += c->height;
	build(t);
	start(t);
	/* Refused as soon as the header record is whole. */
	ret = feed(t, t->stream, t->len, 5);
	if (!ret)
		ret = vgpu_mig_parse_finish(&t->p);
	KUNIT_EXPECT_EQ(test, ret, (long)c->err);
	if (c->err) {
		KUNIT_EXPECT_EQ(test, t->p.bytes, 0ULL);
		KUNIT_EXPECT_EQ(test, t->calls, 0U);
		expect_why(test, t, c->why);
	} else {
		KUNIT_EXPECT_EQ(test, memcmp(t->dst_vram, t->vram, SLICE), 0);
	}
}

/* Rebuild @t's stream with a header of another version and length. */
static void set_version(struct mig_t *t, u16 major, u16 minor, u32 extra)
{
	u32 i;

	t->nrec = 0;
	t->nvram = 0;
	t->len = 0;
	build(t);
	put_unaligned_le16(major, payload(t, 0) + H_MAJOR);
	put_unaligned_le16(minor, payload(t, 0) + H_MINOR);
	if (extra) {
		/* A later minor's fields after the known ones. */
		memmove(t->stream + HDR + VGPU_MIG_HEADER_LEN + extra,
			t->stream + HDR + VGPU_MIG_HEADER_LEN, t->len - HDR - VGPU_MIG_HEADER_LEN);
		memset(t->stream + HDR + VGPU_MIG_HEADER_LEN, 0x5a, extra);
		put_unaligned_le32(VGPU_MIG_HEADER_LEN + extra, t->stream + R_LEN);
		t->rec[0].len += extra;
		for (i = 1; i < t->nrec; i++)
			t->rec[i].at += extra;
		t->len += extra;
	}
	reseal(t);
}

static void mig_version_skew(struct kunit *test)
{
	struct mig_t *t = new_mig(test);

	set_version(t, 2, 0, 0);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EPROTONOSUPPORT);
	expect_why(test, t, "version 2.0");
	KUNIT_EXPECT_EQ(test, t->calls, 0U);

	set_version(t, 0, 9, 0);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EPROTONOSUPPORT);
	expect_why(test, t, "version 0.9");

	/* A major version this driver does not read, with its longer header. */
	set_version(t, 2, 1, 64);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EPROTONOSUPPORT);

	/* A later minor version adds fields this driver skips. */
	set_version(t, 1, 1, 64);
	start(t);
	KUNIT_EXPECT_EQ(test, feed(t, t->stream, t->len, 7), 0L);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), 0);
	KUNIT_EXPECT_EQ(test, memcmp(t->dst_vram, t->vram, SLICE), 0);
	KUNIT_EXPECT_MEMEQ(test, &t->p.dev, &t->dev, sizeof(t->dev));
	set_version(t, 1, 7, 0);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), 0);

	/* A header shorter than version 1.0's, or longer than a page. */
	set_version(t, 1, 0, 0);
	put_unaligned_le32(VGPU_MIG_HEADER_LEN - 4, t->stream + R_LEN);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EINVAL);
	expect_why(test, t, "header record at byte 0 has length 40");
	set_version(t, 1, 1, MPAGE + 1 - VGPU_MIG_HEADER_LEN);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EINVAL);
	set_version(t, 1, 1, MPAGE - VGPU_MIG_HEADER_LEN);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), 0);

	/* Not a vslice stream at all. */
	set_version(t, 1, 0, 0);
	payload(t, 0)[3] ^= 0x20;
	reseal(t);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EINVAL);
	expect_why(test, t, "magic");

	/* A type id that fills its field without a NUL. */
	set_version(t, 1, 0, 0);
	memset(payload(t, 0) + H_TYPE, 's', VGPU_FW_ID_LEN);
	reseal(t);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EINVAL);
	expect_why(test, t, "not terminated");
}

static const u32 flip_kinds[] = {
	VGPU_MIG_REC_HEADER, VGPU_MIG_REC_VRAM, VGPU_MIG_REC_DEVICE, VGPU_MIG_REC_END,
};

static void flip_desc(const u32 *k, char *desc)
{
	static const char * const names[] = { "", "header", "VRAM", "device", "end" };

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "a bit of the %s record", names[*k]);
}

KUNIT_ARRAY_PARAM(flip, flip_kinds, flip_desc);

/*
 * Every bit of a record's header, and of its payload (a spread of bits
 * for a 64 KiB VRAM record), flipped in turn: the stream is refused with
 * EBADMSG or EINVAL (EBADMSG for any payload bit: only the CRC can tell),
 * and the record never reaches the VRAM callback.  The records before it
 * are parsed once; each flip starts from a copy of that parser.
 */
static void mig_bit_flips(struct kunit *test)
{
	const u32 *kind = test->param_value;
	struct mig_t *t = new_mig(test);
	struct vgpu_mig_parser *snap = kunit_kzalloc(test, sizeof(*snap), GFP_KERNEL);
	u8 seen[PAGES / 8];
	u32 i, r = 0, bits, bit, calls, flips = 0;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	build(t);
	memcpy(t->bad, t->stream, t->len);
	/* The record: for VRAM a whole chunk in the middle of the stream. */
	for (i = 0; i < t->nrec; i++) {
		if (t->rec[i].kind != *kind)
			continue;
		r = i;
		if (*kind != VGPU_MIG_REC_VRAM || (t->rec[i].len == VGPU_MIG_CHUNK && i > 4))
			break;
	}
	start(t);
	KUNIT_ASSERT_EQ(test, feed(t, t->stream, t->rec[r].at, 4096), 0L);
	*snap = t->p;
	memcpy(seen, t->seen, sizeof(seen));
	calls = t->calls;

	bits = 8 * (HDR + t->rec[r].len);
	for (bit = 0; bit < bits; bit++) {
		u8 *b = t->bad + t->rec[r].at + bit / 8;
		bool in_payload = bit >= 8 * HDR;
		long ret;

		/* Of a VRAM payload: its first and last bytes, a spread between. */
		if (*kind == VGPU_MIG_REC_VRAM && in_payload && bit >= 8 * HDR + 64 &&
		    bit < bits - 64 && bit % 8191)
			continue;
		t->p = *snap;
		memcpy(t->seen, seen, sizeof(seen));
		t->calls = calls;
		*b ^= 1 << (bit % 8);
		ret = feed(t, t->bad + t->rec[r].at, t->len - t->rec[r].at, t->len);
		if (!ret)
			ret = vgpu_mig_parse_finish(&t->p);
		*b ^= 1 << (bit % 8);
		flips++;
		if (in_payload)
			KUNIT_EXPECT_EQ_MSG(test, ret, (long)-EBADMSG, "payload bit %u: %s",
					    bit - 8 * HDR, t->p.why);
		else
			KUNIT_EXPECT_TRUE_MSG(test, ret == -EBADMSG || ret == -EINVAL,
					      "header bit %u: %ld", bit, ret);
		KUNIT_EXPECT_EQ_MSG(test, t->calls, calls, "bit %u reached the callback", bit);
		KUNIT_EXPECT_FALSE(test, t->wrong_call);
		KUNIT_EXPECT_NE(test, t->p.why[0], 0);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	kunit_info(test, "%u flips of record %u", flips, r);
}

/*
 * Cut anywhere, the stream is refused at its end: at every record
 * boundary, and inside each record's header and payload.  One parser
 * takes the stream; each cut is judged on a copy of it.
 */
static void mig_truncated(struct kunit *test)
{
	struct mig_t *t = new_mig(test);
	struct vgpu_mig_parser *cut = kunit_kzalloc(test, sizeof(*cut), GFP_KERNEL);
	u32 i, j, at = 0, cuts = 0;

	KUNIT_ASSERT_NOT_NULL(test, cut);
	build(t);
	start(t);
	for (i = 0; i < t->nrec; i++) {
		u32 r = t->rec[i].at, len = t->rec[i].len;
		const u32 points[] = {
			r, r + 1, r + HDR - 1, r + HDR, r + HDR + 1, r + HDR + len / 2,
			r + HDR + len - 1,
		};

		for (j = 0; j < ARRAY_SIZE(points); j++) {
			if (points[j] < at)
				continue;
			KUNIT_ASSERT_EQ(test, feed(t, t->stream + at, points[j] - at, 4096), 0L);
			at = points[j];
			*cut = t->p;
			KUNIT_EXPECT_EQ_MSG(test, vgpu_mig_parse_finish(cut), -EINVAL,
					    "cut at byte %u", at);
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(cut->why, "without its end record"),
						  "cut at %u: %s", at, cut->why);
			cuts++;
		}
	}
	KUNIT_ASSERT_EQ(test, feed(t, t->stream + at, t->len - at, 4096), 0L);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), 0);
	kunit_info(test, "%u cuts", cuts);
}

/* Bytes after the end record, in the same write or a later one. */
static void mig_bytes_after_end(struct kunit *test)
{
	struct mig_t *t = new_mig(test);

	build(t);
	KUNIT_ASSERT_LE(test, 2 * t->len, (u32)STREAM_MAX);
	memcpy(t->stream + t->len, t->stream, t->len);

	start(t);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse(&t->p, t->stream, t->len + 1), (long)-EINVAL);
	expect_why(test, t, "1 bytes after the end record");
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), -EINVAL);

	start(t);
	KUNIT_EXPECT_EQ(test, feed(t, t->stream, t->len, 0), 0L);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse(&t->p, t->stream + t->len, 1), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), -EINVAL);

	/* The same stream twice. */
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, 2 * t->len), -EINVAL);
	expect_why(test, t, "after the end record");
	KUNIT_EXPECT_EQ(test, t->calls, t->nvram);
}

/* Streams whose records are each well-formed but whose whole is not. */
enum mig_whole {
	END_RECORDS, END_BYTES, END_CRC, END_OFFSET, NO_PAGE_0, NO_PAGE_77, NO_PAGE_255,
	VRAM_FIRST, HEADER_TWICE, VRAM_AFTER_DEVICE, DEVICE_TWICE, END_BEFORE_DEVICE,
	END_TWICE, KIND_0, KIND_5, RESERVED, INTX_2, EDID_1025, EDID_1024, DEVICE_SHORT,
};

struct mig_whole_case {
	const char *name;
	enum mig_whole what;
	int err;
	const char *why;
};

static const struct mig_whole_case whole_cases[] = {
	{ "end counts a record more", END_RECORDS, -EINVAL, "records" },
	{ "end counts a byte less", END_BYTES, -EINVAL, "bytes" },
	{ "end has another checksum", END_CRC, -EBADMSG, "checksum" },
	{ "end has an offset", END_OFFSET, -EINVAL, "end record at byte" },
	{ "page 0 never sent", NO_PAGE_0, -EINVAL, "page 0 " },
	{ "page 77 never sent", NO_PAGE_77, -EINVAL, "page 77 " },
	{ "page 255 never sent", NO_PAGE_255, -EINVAL, "page 255 " },
	{ "VRAM before the header", VRAM_FIRST, -EINVAL, "start with a header" },
	{ "a second header", HEADER_TWICE, -EINVAL, "second header" },
	{ "VRAM after the device record", VRAM_AFTER_DEVICE, -EINVAL,
	  "VRAM record after the device record" },
	{ "a second device record", DEVICE_TWICE, -EINVAL,
	  "device record after the device record" },
	{ "end before the device record", END_BEFORE_DEVICE, -EINVAL,
	  "came before the device record" },
	{ "a second end record", END_TWICE, -EINVAL, "after the end record" },
	{ "record kind 0", KIND_0, -EINVAL, "unknown kind 0" },
	{ "record kind 5", KIND_5, -EINVAL, "unknown kind 5" },
	{ "reserved field set", RESERVED, -EINVAL, "reserved" },
	{ "INTx mask 2", INTX_2, -EINVAL, "INTx" },
	{ "EDID of 1025 bytes", EDID_1025, -EINVAL, "EDID of 1025" },
	{ "EDID of 1024 bytes", EDID_1024, 0, NULL },
	{ "device record too short", DEVICE_SHORT, -EINVAL, "device record at byte" },
};

static void whole_desc(const struct mig_whole_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(whole, whole_cases, whole_desc);

static void build_whole(struct mig_t *t, enum mig_whole what)
{
	u32 last;

	vgpu_mig_saver_init(&t->saver);
	if (what == VRAM_FIRST)
		add_vram(t, 0, 1);
	add_header(t, NULL);
	if (what == HEADER_TWICE)
		add_header(t, NULL);
	first_pass(t, what == NO_PAGE_0 ? 0 : what == NO_PAGE_77 ? 77 :
		   what == NO_PAGE_255 ? 255 : PAGES);
	resends(t);
	if (what != END_BEFORE_DEVICE)
		add_device(t);
	if (what == VRAM_AFTER_DEVICE)
		add_vram(t, 5, 1);
	if (what == DEVICE_TWICE)
		add_device(t);
	add_end(t);
	if (what == END_TWICE)
		add_end(t);

	last = t->nrec - 1;
	switch (what) {
	case END_RECORDS:
		reseal(t);
		put_unaligned_le32(last + 1, payload(t, last));
		fix_crc(t, last);
		break;
	case END_BYTES:
		reseal(t);
		put_unaligned_le64(t->rec[last].at - 1, payload(t, last) + 4);
		fix_crc(t, last);
		break;
	case END_CRC:
		reseal(t);
		payload(t, last)[12] ^= 0x80;
		fix_crc(t, last);
		break;
	case END_OFFSET:
		put_unaligned_le64(MPAGE, t->stream + t->rec[last].at + R_OFFSET);
		reseal(t);
		break;
	case KIND_0:
	case KIND_5:
		put_unaligned_le32(what == KIND_0 ? 0 : 5, t->stream + t->rec[resend_100(t)].at);
		reseal(t);
		break;
	case RESERVED:
		put_unaligned_le32(1 << 24, t->stream + t->rec[resend_100(t)].at + R_RESERVED);
		reseal(t);
		break;
	case INTX_2:
		put_unaligned_le32(2, payload(t, last - 1) + D_INTX);
		reseal(t);
		break;
	case EDID_1025:
	case EDID_1024:
		put_unaligned_le32(what == EDID_1025 ? 1025 : 1024,
				   payload(t, last - 1) + D_EDID_LEN);
		reseal(t);
		break;
	case DEVICE_SHORT:
		put_unaligned_le32(VGPU_MIG_DEVICE_LEN - 1,
				   t->stream + t->rec[last - 1].at + R_LEN);
		break;
	default:
		break;
	}
}

static void mig_refused_whole(struct kunit *test)
{
	const struct mig_whole_case *c = test->param_value;
	struct mig_t *t = new_mig(test);

	build_whole(t, c->what);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), c->err);
	KUNIT_EXPECT_FALSE(test, t->wrong_call);
	if (c->err) {
		/* Only a second end record comes after a first that checked. */
		KUNIT_EXPECT_EQ(test, t->p.done, c->what == END_TWICE);
		expect_why(test, t, c->why);
	} else {
		KUNIT_EXPECT_EQ(test, t->p.dev.edid_len, 1024U);
		KUNIT_EXPECT_EQ(test, memcmp(t->dst_vram, t->vram, SLICE), 0);
	}
}

/* A VRAM record outside the slice or not in whole pages. */
struct mig_vram_case {
	const char *name;
	u64 offset;
	u32 len;
};

static const struct mig_vram_case vram_cases[] = {
	{ "offset not page aligned", 100 * MPAGE + 1, MPAGE },
	{ "offset half a page in", 100 * MPAGE + 2048, MPAGE },
	{ "offset at the slice's end", SLICE, MPAGE },
	{ "last page and one more", SLICE - MPAGE, 2 * MPAGE },
	{ "offset past 4 GiB", 1ULL << 32, MPAGE },
	{ "offset and length wrap", ~0ULL - MPAGE + 1, 2 * MPAGE },
	{ "no pages", 100 * MPAGE, 0 },
	{ "part of a page", 100 * MPAGE, MPAGE - 1 },
	{ "a page and a byte", 100 * MPAGE, MPAGE + 1 },
	{ "more than a chunk", 0, VGPU_MIG_CHUNK + MPAGE },
};

static void vram_desc(const struct mig_vram_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vram, vram_cases, vram_desc);

static void mig_vram_bounds(struct kunit *test)
{
	const struct mig_vram_case *c = test->param_value;
	struct mig_t *t = new_mig(test);
	u32 r, before = 0;
	u8 *h;

	build(t);
	r = resend_100(t);
	while (t->vram_rec[before] != r)
		before++;
	h = t->stream + t->rec[r].at;
	put_unaligned_le64(c->offset, h + R_OFFSET);
	put_unaligned_le32(c->len, h + R_LEN);
	/* Refused from the header: its CRC and what follows do not matter. */
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EINVAL);
	expect_why(test, t, "do not fit the 1 MiB slice in whole pages");
	KUNIT_EXPECT_EQ(test, t->calls, before);
	KUNIT_EXPECT_EQ(test, t->p.bytes, (u64)t->rec[r].at);
	fix_crc(t, r);
	KUNIT_EXPECT_EQ(test, parse_all(t, t->stream, t->len), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->calls, before);
}

/* The callback's error fails the stream, and nothing after it is applied. */
static void mig_vram_callback_error(struct kunit *test)
{
	struct mig_t *t = new_mig(test);
	u32 r, page;

	build(t);
	t->fail_at = 3;
	start(t);
	r = t->vram_rec[2];
	page = get_unaligned_le64(t->stream + t->rec[r].at + R_OFFSET) / MPAGE;
	KUNIT_EXPECT_EQ(test, feed(t, t->stream, t->len, 0), (long)-EIO);
	expect_why(test, t, "could not be applied");
	KUNIT_EXPECT_EQ(test, t->p.bytes, (u64)t->rec[r].at);
	KUNIT_EXPECT_EQ(test, t->calls, 3U);
	/* Its pages are not counted as sent. */
	KUNIT_EXPECT_EQ(test, t->seen[page / 8] & BIT(page % 8), 0UL);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse(&t->p, t->stream + t->rec[r + 1].at, 24),
			(long)-EIO);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), -EIO);
	KUNIT_EXPECT_EQ(test, t->calls, 3U);
}

/* After an error every call returns it, says the same, and applies nothing. */
static void mig_error_sticks(struct kunit *test)
{
	struct mig_t *t = new_mig(test);
	char why[sizeof(t->p.why)];
	u32 r, calls;

	build(t);
	memcpy(t->bad, t->stream, t->len);
	r = t->vram_rec[4];
	t->bad[t->rec[r].at + HDR + 100] ^= 4;
	start(t);
	KUNIT_EXPECT_EQ(test, feed(t, t->bad, t->len, 1000), (long)-EBADMSG);
	expect_why(test, t, "CRC mismatch");
	strscpy(why, t->p.why, sizeof(why));
	calls = t->calls;
	KUNIT_EXPECT_EQ(test, calls, 4U);
	/* The rest of the stream, well-formed, from the next record on. */
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse(&t->p, t->stream + t->rec[r + 1].at,
					     t->len - t->rec[r + 1].at), (long)-EBADMSG);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse(&t->p, t->stream, 0), (long)-EBADMSG);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), -EBADMSG);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), -EBADMSG);
	KUNIT_EXPECT_STREQ(test, t->p.why, why);
	KUNIT_EXPECT_EQ(test, t->calls, calls);
	KUNIT_EXPECT_FALSE(test, t->wrong_call);

	/* A stream refused at its end stays refused. */
	start(t);
	KUNIT_EXPECT_EQ(test, feed(t, t->stream, t->len - 1, 0), 0L);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse(&t->p, t->stream + t->len - 1, 1), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_mig_parse_finish(&t->p), -EINVAL);
	KUNIT_EXPECT_FALSE(test, t->p.done);
}

static struct kunit_case vgpu_mig_stream_cases[] = {
	KUNIT_CASE(mig_writer_layout),
	KUNIT_CASE_PARAM(mig_round_trip, chunking_gen_params),
	KUNIT_CASE_PARAM(mig_destination_mismatch, dst_gen_params),
	KUNIT_CASE(mig_version_skew),
	KUNIT_CASE_PARAM(mig_bit_flips, flip_gen_params),
	KUNIT_CASE(mig_truncated),
	KUNIT_CASE(mig_bytes_after_end),
	KUNIT_CASE_PARAM(mig_refused_whole, whole_gen_params),
	KUNIT_CASE_PARAM(mig_vram_bounds, vram_gen_params),
	KUNIT_CASE(mig_vram_callback_error),
	KUNIT_CASE(mig_error_sticks),
	{}
};

static struct kunit_suite vgpu_mig_stream_suite = {
	.name = "vslice_vgpu_mig_stream",
	.test_cases = vgpu_mig_stream_cases,
};

kunit_test_suite(vgpu_mig_stream_suite);
