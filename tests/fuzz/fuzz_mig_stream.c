// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the migration stream parser, compiled from
 * kernel/vendor_gpu/vgpu_mig_stream.c, with the checks the kernel runs on
 * an accepted stream's device record (vgpu_cfg.c, vgpu_regs.c).
 *
 * The input's first byte picks the mode.  Raw: the rest of the input is
 * the stream.  Structured: the input describes a source (its VRAM, the
 * order and sizes of the VRAM records, pages resent, guest writes to its
 * config space and registers), the writer makes a valid stream of it,
 * and the rest of the input mutates that stream record by record (flip a
 * bit, set a field with or without fixing the CRC, drop, duplicate or
 * swap records, truncate, append) before the END totals are optionally
 * recomputed, so that mutations reach the checks behind the CRCs (and
 * then maybe made wrong again, by one).
 *
 * The stream goes to the parser in pieces the input chooses, and again
 * whole to a second parser.  Checked on every input:
 * - the VRAM callback only sees page-aligned, in-slice ranges of at most
 *   a chunk, and only a record whose header and CRC this file checks
 *   again itself (zlib's crc32);
 * - both parsers come to the same verdict, reason and device record;
 * - an error is one the contract names, and stays: later calls return it;
 * - an accepted stream (parse_finish() == 0) covered every page, left
 *   the slice as a replay of its VRAM records leaves it, and its device
 *   record passes vgpu_cfg_check_saved() and vgpu_regs_check_saved() when
 *   it is the writer's; whenever those accept it, the loaded state is one
 *   a guest could have made.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "vgpu_cfg.h"
#include "vgpu_mig_stream.h"
#include "vgpu_regs.h"

#define HDR		VGPU_MIG_REC_HDR_SIZE
#define MPAGE		VGPU_MIG_PAGE_SIZE
#define SLICE_MIB	1
#define SLICE		(SLICE_MIB << 20)
#define PAGES		(SLICE / MPAGE)
#define STREAM_MAX	(3 * SLICE)
#define MAX_RECS	256
/* In the DEVICE payload: INTx mask, then the EDID length. */
#define D_INTX		(VGPU_CFG_SIZE + 2 * DISPI_NR + 0x20 + 8)

static const struct vgpu_mig_ident dst_id = {
	.type_id = "s1", .vram_mib = SLICE_MIB, .table_revision = 7,
	.max_width = 1920, .max_height = 1200,
};

static const struct vgpu_cfg_ids cfg_ids = {
	.vendor = 0x1234, .device = 0x1111, .subsystem_vendor = 0x1234,
	.subsystem_device = 0x5602, .revision = 2, .class = 0x030000,
};

static const struct vgpu_regs_limits regs_limits = {
	.vram_size = SLICE, .max_width = 1920, .max_height = 1200, .type_index = 3,
};

/* A record as laid out in the stream: where, and its bytes with header. */
struct rec {
	u32 at;
	u32 size;
};

static u8 stream[STREAM_MAX], moved[STREAM_MAX];
static u32 slen;
static struct rec recs[MAX_RECS];
static u32 nrec;
static u8 vram[SLICE], dst_vram[SLICE], model[SLICE];

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u64 le64(const u8 *p)
{
	return le32(p) | (u64)le32(p + 4) << 32;
}

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put64(u8 *p, u64 v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

/* zlib's CRC32 of a record: its header with the crc field zero, then the payload. */
static u32 record_crc(const u8 *r, const u8 *payload, u32 len)
{
	static const u8 zero[4];
	u32 crc;

	crc = crc32(0, r, 16);
	crc = crc32(crc, zero, 4);
	crc = crc32(crc, r + 20, 4);
	return crc32(crc, payload, len);
}

static u32 rng(u32 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * The input, read a few bytes at a time; once it is used up, bytes from
 * a generator seeded with the whole input, so that a short input (and
 * libFuzzer starts short) still makes a source of any shape and several
 * mutations.
 */
struct input {
	const u8 *p;
	size_t n;
	u32 x;
};

static u32 take(struct input *in, unsigned int bytes)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		u8 c = in->n ? *in->p : (u8)rng(&in->x);

		if (in->n) {
			in->p++;
			in->n--;
		}
		v |= (u32)c << (8 * i);
	}
	return v;
}

/* ---- the callback -------------------------------------------------------- */

struct sink {
	const struct vgpu_mig_parser *p;
	u8 *vram;		/* where pages go; NULL: counted only */
	u8 covered[PAGES / 8];
	u32 calls;
	u32 fail_at;		/* the call that fails with -EIO; 0: none */
};

static int sink_vram(void *ctx, u64 offset, const u8 *data, u32 len)
{
	struct sink *s = ctx;
	const u8 *b = s->p->buf;
	u64 page;

	if (!len || len % MPAGE || len > VGPU_MIG_CHUNK || offset % MPAGE ||
	    offset >= SLICE || len > SLICE - offset)
		abort();
	/* The record, whole in the parser's buffer: a VRAM record that checks. */
	if (data != b + HDR || le32(b) != VGPU_MIG_REC_VRAM || le32(b + 4) != len ||
	    le64(b + 8) != offset || le32(b + 20) || record_crc(b, data, len) != le32(b + 16))
		abort();
	if (++s->calls == s->fail_at)
		return -EIO;
	if (s->vram)
		memcpy(s->vram + offset, data, len);
	for (page = offset / MPAGE; page < (offset + len) / MPAGE; page++)
		s->covered[page / 8] |= 1 << (page % 8);
	return 0;
}

/* ---- the source and its stream ------------------------------------------ */

static u8 *next_rec(u32 payload)
{
	if (nrec == MAX_RECS || slen + HDR + payload > STREAM_MAX)
		abort();
	recs[nrec].at = slen;
	recs[nrec++].size = HDR + payload;
	return stream + slen;
}

static void add_vram(struct vgpu_mig_saver *sv, u32 page, u32 pages)
{
	u8 *r = next_rec(pages * MPAGE);

	memcpy(r + HDR, vram + page * MPAGE, pages * MPAGE);
	slen += vgpu_mig_put_vram(sv, r, (u64)page * MPAGE, pages * MPAGE);
}

/* A guest's writes to the source's config space and registers. */
static void guest_writes(struct input *in, struct vgpu_cfg *cfg, struct vgpu_regs *regs)
{
	u32 n = take(in, 1) % 12, i;

	for (i = 0; i < n; i++) {
		u32 what = take(in, 1), off = take(in, 2), val = take(in, 4);
		u32 len = 1 << (what % 3);

		if (what & 0x80)
			vgpu_regs_write(regs, VGPU_MMIO_VGA + off % 0x320, len, val);
		else
			vgpu_cfg_write(cfg, off % VGPU_CFG_SIZE, len, val);
	}
}

/*
 * The source: VRAM, the device state, and the stream the writer makes of
 * them, its VRAM sent in runs of the input's sizes in the input's order,
 * some pages sent again after the guest wrote them.
 */
static void build(struct input *in, struct vgpu_mig_device *dev)
{
	static struct vgpu_cfg cfg;
	static struct vgpu_regs regs;
	static u16 start[PAGES], count[PAGES];
	struct vgpu_mig_saver sv;
	u32 x = take(in, 4) | 1, n = 0, page = 0, i, resends, edid_len;
	u8 edid[VGPU_EDID_MAX_SIZE];

	for (page = 0; page < PAGES; page++)
		memset(vram + page * MPAGE, (u8)(page ^ x), MPAGE);
	for (page = 0; page < PAGES; page += count[n++]) {
		start[n] = page;
		count[n] = 1 + rng(&x) % 16;
		if (count[n] > PAGES - page)
			count[n] = PAGES - page;
	}
	/* Shuffle the runs. */
	for (i = n - 1; i > 0; i--) {
		u32 j = rng(&x) % (i + 1);
		u16 s = start[i], c = count[i];

		start[i] = start[j];
		count[i] = count[j];
		start[j] = s;
		count[j] = c;
	}

	vgpu_cfg_init(&cfg, &cfg_ids, SLICE, VGPU_MMIO_SIZE);
	vgpu_regs_init(&regs, &regs_limits);
	guest_writes(in, &cfg, &regs);
	edid_len = take(in, 2) % (VGPU_EDID_MAX_SIZE + 1);
	for (i = 0; i < edid_len; i++)
		edid[i] = rng(&x);
	vgpu_regs_set_edid(&regs, edid, edid_len);
	memset(dev, 0, sizeof(*dev));
	memcpy(dev->cfg, cfg.regs, sizeof(dev->cfg));
	memcpy(dev->dispi, regs.dispi, sizeof(dev->dispi));
	memcpy(dev->vga, regs.vga, sizeof(dev->vga));
	dev->irq_status = regs.irq_status;
	dev->irq_enable = regs.irq_enable;
	dev->intx_masked = take(in, 1) & 1;
	dev->edid_len = regs.edid_len;
	memcpy(dev->edid, regs.edid, regs.edid_len);

	slen = 0;
	nrec = 0;
	vgpu_mig_saver_init(&sv);
	slen += vgpu_mig_put_header(&sv, next_rec(VGPU_MIG_HEADER_LEN), &dst_id);
	for (i = 0; i < n; i++)
		add_vram(&sv, start[i], count[i]);
	resends = take(in, 1) % 16;
	for (i = 0; i < resends; i++) {
		u32 at = rng(&x) % PAGES, pages = 1 + rng(&x) % 16;

		if (pages > PAGES - at)
			pages = PAGES - at;
		memset(vram + at * MPAGE, (u8)rng(&x), pages * MPAGE);
		add_vram(&sv, at, pages);
	}
	slen += vgpu_mig_put_device(&sv, next_rec(VGPU_MIG_DEVICE_LEN), dev);
	slen += vgpu_mig_put_end(&sv, next_rec(VGPU_MIG_END_LEN));
}

static void fix_crc(const struct rec *r)
{
	u8 *b = stream + r->at;

	put32(b + 16, record_crc(b, b + HDR, r->size - HDR));
}

/* Every END record counts what is before it again, as a writer would. */
static void reseal_ends(void)
{
	u32 i;

	for (i = 0; i < nrec; i++) {
		u8 *b = stream + recs[i].at;

		if (le32(b) != VGPU_MIG_REC_END || recs[i].size != HDR + VGPU_MIG_END_LEN)
			continue;
		put32(b + HDR, i);
		put64(b + HDR + 4, recs[i].at);
		put32(b + HDR + 12, crc32(0, stream, recs[i].at));
		fix_crc(&recs[i]);
	}
}

static void relayout(void)
{
	u32 i, at = 0;

	for (i = 0; i < nrec; i++) {
		recs[i].at = at;
		at += recs[i].size;
	}
	slen = at;
}

/* Remove record @i, or (@dup) put a copy of it after it. */
static void drop_or_dup(u32 i, bool dup)
{
	struct rec r = recs[i];
	u32 tail = slen - r.at - r.size;

	if (dup) {
		if (nrec == MAX_RECS || slen + r.size > STREAM_MAX)
			return;
		memmove(stream + r.at + 2 * r.size, stream + r.at + r.size, tail);
		memmove(&recs[i + 2], &recs[i + 1], (nrec - i - 1) * sizeof(*recs));
		recs[i + 1] = r;
		nrec++;
	} else {
		memmove(stream + r.at, stream + r.at + r.size, tail);
		memmove(&recs[i], &recs[i + 1], (nrec - i - 1) * sizeof(*recs));
		nrec--;
	}
	relayout();
}

/* Give record @i a payload of @len bytes (new ones from the input's seed). */
static void resize(u32 i, u32 len)
{
	struct rec *r = &recs[i];
	u32 tail = slen - r->at - r->size;

	if (slen - r->size + HDR + len > STREAM_MAX)
		return;
	memmove(stream + r->at + HDR + len, stream + r->at + r->size, tail);
	if (HDR + len > r->size)
		memset(stream + r->at + r->size, (u8)len, HDR + len - r->size);
	put32(stream + r->at + 4, len);
	r->size = HDR + len;
	relayout();
}

static void swap_recs(u32 i)
{
	struct rec a = recs[i], b = recs[i + 1];

	memcpy(moved, stream + b.at, b.size);
	memmove(stream + a.at + b.size, stream + a.at, a.size);
	memcpy(stream + a.at, moved, b.size);
	recs[i] = b;
	recs[i + 1] = a;
	relayout();
}

/* Values a length or offset field is worth trying. */
static u64 interesting(u32 pick, u32 raw)
{
	static const u64 values[] = {
		0, 1, MPAGE - 1, MPAGE, MPAGE + 1, 2 * MPAGE, VGPU_MIG_CHUNK,
		VGPU_MIG_CHUNK + MPAGE, VGPU_MIG_HEADER_LEN, VGPU_MIG_HEADER_LEN + 4,
		VGPU_MIG_DEVICE_LEN, VGPU_MIG_END_LEN, SLICE - MPAGE, SLICE, SLICE + MPAGE,
		0xffffffff, 1ULL << 32, ~0ULL - MPAGE + 1, ~0ULL,
	};

	if (pick % 4 == 3)
		return (u64)(raw % PAGES) * MPAGE;
	if (pick % 4 == 2)
		return raw;
	return values[raw % ARRAY_SIZE(values)];
}

/* Values of the device record's words at the edges of what it may hold. */
static const u32 edges[] = {
	0, 1, 2, 3, 128, VGPU_EDID_MAX_SIZE - 1, VGPU_EDID_MAX_SIZE, VGPU_EDID_MAX_SIZE + 1,
	VGPU_EDID_MAX_SIZE + 128, 0x80000000, 0xffffffff,
};

/* Type ids near the destination's. */
static const char * const type_ids[] = { "s", "s10", "s2", "S1", "s1 ", "" };

/* A type id field: the id, NUL-padded. */
static void set_type_id(u8 *field, const char *id)
{
	memset(field, 0, VGPU_FW_ID_LEN);
	memcpy(field, id, strlen(id));
}

/* The last END record counts or sums wrong, its own CRC right. */
static void edit_end(u32 a)
{
	u32 i = nrec;
	u8 *e;

	while (i-- > 0)
		if (le32(stream + recs[i].at) == VGPU_MIG_REC_END &&
		    recs[i].size == HDR + VGPU_MIG_END_LEN)
			break;
	if (i >= nrec)
		return;
	e = stream + recs[i].at + HDR;
	if (a % 6 < 2)
		put32(e, le32(e) + (a % 6 ? 1 : -1));
	else if (a % 6 < 4)
		put64(e + 4, le64(e + 4) + (a % 6 == 2 ? MPAGE : -1ULL));
	else
		put32(e + 12, le32(e + 12) ^ 1U << (a >> 8) % 32);
	fix_crc(&recs[i]);
}

/* Apply the input's mutations; END totals after them if the input asks. */
static void mutate(struct input *in, bool reseal)
{
	u32 trunc = 0, append = 0, end_edit = 0, ops = 0, least = take(in, 1) % 6;

	while ((in->n || ops < least) && ops++ < 32 && nrec) {
		u32 op = take(in, 1), i = take(in, 1) % nrec, a = take(in, 4);
		bool fix = op & 0x80;
		struct rec *r;
		u8 *b;

		/* The header and device fields go to the first such record. */
		if (op % 12 == 6 || op % 12 == 7) {
			for (i = 0; i < nrec - 1; i++)
				if (le32(stream + recs[i].at) == (op % 12 == 6 ?
				    VGPU_MIG_REC_DEVICE : VGPU_MIG_REC_HEADER))
					break;
		}
		r = &recs[i];
		b = stream + r->at;

		switch (op % 12) {
		case 0:
			b[(a / 8) % r->size] ^= 1 << (a % 8);
			fix = false;
			break;
		case 1:
			put32(b, a % 7);
			break;
		case 2:
			/* A length, the record made that long (or just said to be). */
			if (op & 0x40)
				resize(i, interesting(op >> 4, a) % (VGPU_MIG_CHUNK + 2 * MPAGE));
			else
				put32(b + 4, interesting(op >> 4, a));
			break;
		case 3:
			/* An offset, and maybe a length to go with it. */
			put64(b + 8, interesting(op >> 4, a) + (op & 0x10 ? a % 8 : 0));
			if (op & 0x40)
				resize(i, MPAGE << (a >> 24) % 5);
			break;
		case 4:
			put32(b + 20, a | 1);
			break;
		case 5:
			if (r->size > HDR + 4)
				put32(b + HDR + a % (r->size - HDR - 4), take(in, 4));
			break;
		case 6:
			/*
			 * The device record's fields, where its checks look:
			 * config space, dispi, the IRQ words, INTx, EDID length.
			 */
			if (le32(b) != VGPU_MIG_REC_DEVICE || r->size != HDR + VGPU_MIG_DEVICE_LEN)
				break;
			b += HDR;
			if (a % 4 == 0)
				b[(a >> 8) % VGPU_CFG_SIZE] ^= a >> 16;
			else if (a % 4 == 1)
				b[VGPU_CFG_SIZE + (a >> 8) % (2 * DISPI_NR)] ^= a >> 16;
			else if (a % 4 == 2)
				put32(b + VGPU_CFG_SIZE + 2 * DISPI_NR + 0x20 + 4 * ((a >> 8) % 4),
				      edges[(a >> 16) % ARRAY_SIZE(edges)]);
			else
				put32(b + VGPU_CFG_SIZE + 2 * DISPI_NR + 0x20 + 4 * ((a >> 8) % 4),
				      1U << (a >> 16) % 32);
			b -= HDR;
			break;
		case 7:
			/* The header record's fields: version, type, sizes. */
			if (le32(b) != VGPU_MIG_REC_HEADER || r->size < HDR + VGPU_MIG_HEADER_LEN)
				break;
			if (a % 4 == 0)
				put32(b + HDR + 8, (a >> 8) % 3 | ((a >> 16) % 3) << 16);
			else if (a % 4 == 1 && a & 0x100)
				b[HDR + 12 + (a >> 16) % VGPU_FW_ID_LEN] = a >> 24;
			else if (a % 4 == 1)
				set_type_id(b + HDR + 12,
					    type_ids[(a >> 16) % ARRAY_SIZE(type_ids)]);
			else
				put32(b + HDR + 12 + VGPU_FW_ID_LEN + 4 * ((a >> 8) % 4),
				      le32(b + HDR + 12 + VGPU_FW_ID_LEN + 4 * ((a >> 8) % 4)) +
				      (int)(signed char)(a >> 16));
			break;
		case 8:
			drop_or_dup(i, false);
			fix = false;
			break;
		case 9:
			drop_or_dup(i, true);
			fix = false;
			break;
		case 10:
			if (i + 1 < nrec)
				swap_recs(i);
			fix = false;
			break;
		default:
			if (op & 0x20)
				end_edit = a | 1;
			else if (op & 0x40)
				append = 1 + a % 64;
			else
				trunc = a % slen;
			fix = false;
			break;
		}
		if (fix)
			fix_crc(r);
	}
	if (reseal)
		reseal_ends();
	if (end_edit)
		edit_end(end_edit);
	if (trunc)
		slen = trunc;
	if (append && slen + append <= STREAM_MAX) {
		memset(stream + slen, (u8)append, append);
		slen += append;
	}
}

/* ---- parsing and judging ------------------------------------------------ */

/*
 * The contract (vgpu_mig_stream.h) read over the whole stream at once,
 * with no state carried between pieces: the verdict the parser must come
 * to.  Each record's header is judged before its payload is needed, its
 * CRC before its contents, as the parser must to refuse a stream as soon
 * as it can.
 */
static int reference(void)
{
	u32 at = 0, records = 0, crc = 0, i;
	bool header = false, device = false;
	static u8 sent[PAGES];

	memset(sent, 0, sizeof(sent));
	while (at < slen) {
		const u8 *h = stream + at, *d = h + HDR;
		bool is_header, is_end;
		u32 kind, len, want;
		u64 offset;

		if (slen - at < HDR)
			return -EINVAL;
		kind = le32(h);
		len = le32(h + 4);
		offset = le64(h + 8);
		if (kind < VGPU_MIG_REC_HEADER || kind > VGPU_MIG_REC_END || le32(h + 20))
			return -EINVAL;
		/* A header first and once, the device record last but the end. */
		is_header = kind == VGPU_MIG_REC_HEADER;
		is_end = kind == VGPU_MIG_REC_END;
		if (!header != is_header || device != is_end)
			return -EINVAL;
		if (kind == VGPU_MIG_REC_VRAM) {
			if (!len || len > VGPU_MIG_CHUNK || len % MPAGE || offset % MPAGE ||
			    offset >= SLICE || len > SLICE - offset)
				return -EINVAL;
		} else {
			want = kind == VGPU_MIG_REC_HEADER ? VGPU_MIG_HEADER_LEN :
			       kind == VGPU_MIG_REC_DEVICE ? VGPU_MIG_DEVICE_LEN : VGPU_MIG_END_LEN;
			/* A later minor version's header may be longer, up to a page. */
			if (kind == VGPU_MIG_REC_HEADER && len > want && len <= MPAGE)
				want = len;
			if (len != want || offset)
				return -EINVAL;
		}
		if (slen - at - HDR < len)
			return -EINVAL;
		if (record_crc(h, d, len) != le32(h + 16))
			return -EBADMSG;
		switch (kind) {
		case VGPU_MIG_REC_HEADER:
			if (memcmp(d, "VSLCMIG", 8))
				return -EINVAL;
			if (d[8] != 1 || d[9])
				return -EPROTONOSUPPORT;
			/* The type id, VRAM, revision, largest resolution. */
			d += 12;
			if (d[VGPU_FW_ID_LEN - 1] || strcmp((const char *)d, dst_id.type_id))
				return -EINVAL;
			d += VGPU_FW_ID_LEN;
			if (le32(d) != dst_id.vram_mib || le32(d + 4) != dst_id.table_revision ||
			    le32(d + 8) > dst_id.max_width || le32(d + 12) > dst_id.max_height)
				return -EINVAL;
			header = true;
			break;
		case VGPU_MIG_REC_VRAM:
			for (i = 0; i < len / MPAGE; i++)
				sent[offset / MPAGE + i] = 1;
			break;
		case VGPU_MIG_REC_DEVICE:
			if (le32(d + D_INTX) > 1 || le32(d + D_INTX + 4) > VGPU_EDID_MAX_SIZE)
				return -EINVAL;
			device = true;
			break;
		default:
			if (le32(d) != records || le64(d + 4) != at)
				return -EINVAL;
			if (le32(d + 12) != crc)
				return -EBADMSG;
			for (i = 0; i < PAGES; i++)
				if (!sent[i])
					return -EINVAL;
			/* Nothing may follow. */
			return at + HDR + len == slen ? 0 : -EINVAL;
		}
		crc = crc32(crc, h, HDR + len);
		records++;
		at += HDR + len;
	}
	return -EINVAL;
}

static int expected_err(int err, const struct sink *s)
{
	return err == -EINVAL || err == -EBADMSG || err == -EPROTONOSUPPORT ||
	       (err == -EIO && s->fail_at && s->calls == s->fail_at);
}

/* Feed @stream in @chunk-byte pieces: the first error, or 0. */
static long feed(struct vgpu_mig_parser *p, u32 chunk)
{
	u32 at = 0;

	while (at < slen) {
		u32 n = slen - at < chunk ? slen - at : chunk;
		long ret = vgpu_mig_parse(p, stream + at, n);

		if (ret < 0)
			return ret;
		if (ret != (long)n)
			abort();
		at += n;
	}
	return 0;
}

/* What the kernel does with an accepted device record, and what it leaves. */
static void judge_device(const struct vgpu_mig_device *dev, const struct vgpu_mig_device *src)
{
	static struct vgpu_cfg cfg;
	static struct vgpu_regs regs;
	struct vgpu_scanout so;
	u32 bad = ~0U, at;
	int ret;

	vgpu_cfg_init(&cfg, &cfg_ids, SLICE, VGPU_MMIO_SIZE);
	vgpu_regs_init(&regs, &regs_limits);
	if (dev->intx_masked > 1 || dev->edid_len > VGPU_EDID_MAX_SIZE)
		abort();
	ret = vgpu_cfg_check_saved(&cfg, dev->cfg, &bad);
	if (!ret)
		ret = vgpu_regs_check_saved(&regs, dev->dispi, dev->irq_status,
					    dev->irq_enable, &bad);
	/* The writer's record of a state a guest made is always taken. */
	if (src && ret)
		abort();
	if (ret) {
		if (ret != -EINVAL || (bad >= VGPU_CFG_SIZE && bad > DISPI_NR))
			abort();
		return;
	}
	vgpu_cfg_load_saved(&cfg, dev->cfg);
	vgpu_regs_load_saved(&regs, dev->dispi, dev->vga, dev->irq_status, dev->irq_enable);
	vgpu_regs_set_edid(&regs, dev->edid, dev->edid_len);
	for (at = 0; at < VGPU_CFG_SIZE; at++) {
		u8 mine = cfg.wmask[at] | cfg.w1cmask[at];

		if (at == PCI_STATUS)
			mine |= PCI_STATUS_INTERRUPT;
		/* Read-only bits are this function's, the rest the record's. */
		if ((cfg.regs[at] ^ cfg.reset[at]) & ~mine)
			abort();
		if ((cfg.regs[at] ^ dev->cfg[at]) & mine & ~(at == PCI_STATUS ?
							     PCI_STATUS_INTERRUPT : 0))
			abort();
	}
	if (vgpu_cfg_power_state(&cfg) != VGPU_CFG_D0 &&
	    vgpu_cfg_power_state(&cfg) != VGPU_CFG_D3HOT)
		abort();
	if (regs.dispi[DISPI_ID] != DISPI_ID5 ||
	    regs.dispi[DISPI_VIDEO_MEMORY_64K] != SLICE / 65536 ||
	    regs.dispi[DISPI_XRES] > regs_limits.max_width ||
	    regs.dispi[DISPI_YRES] > regs_limits.max_height ||
	    regs.dispi[DISPI_VIRT_WIDTH] > regs_limits.max_width ||
	    (regs.irq_status | regs.irq_enable) & ~VSLICE_IRQ_ALL)
		abort();
	if (memcmp(&regs.limits, &regs_limits, sizeof(regs_limits)))
		abort();
	/* A mode it scans out lies in the slice. */
	if (!vgpu_regs_scanout(&regs, &so) &&
	    so.offset + (u64)(so.height - 1) * so.stride + (u64)so.width * ((so.bpp + 7) / 8) >
	    SLICE)
		abort();
}

/* The stream was accepted: replay its VRAM records as laid out. */
static void judge_accepted(const struct sink *s)
{
	u32 at = 0, i;

	memset(model, 0, sizeof(model));
	while (at < slen) {
		u32 kind = le32(stream + at), len = le32(stream + at + 4);

		if (kind == VGPU_MIG_REC_VRAM)
			memcpy(model + le64(stream + at + 8), stream + at + HDR, len);
		at += HDR + len;
		if (kind == VGPU_MIG_REC_END && at != slen)
			abort();
	}
	if (at != slen || memcmp(model, dst_vram, SLICE))
		abort();
	for (i = 0; i < sizeof(s->covered); i++)
		if (s->covered[i] != 0xff)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vgpu_mig_parser p, whole;
	static u8 buf[VGPU_MIG_BUF_SIZE], buf2[VGPU_MIG_BUF_SIZE];
	static u8 seen[PAGES / 8], seen2[PAGES / 8];
	static struct vgpu_mig_device src;
	static struct sink s, s2;
	struct input in = { data, size, (u32)crc32(0, data, size) | 1 };
	u32 mode = take(&in, 1), chunk;
	bool structured = mode & 1;
	char why[sizeof(p.why)];
	long ret, ret2;

	if (structured) {
		build(&in, &src);
		mutate(&in, mode & 2);
	} else {
		slen = in.n;
		memcpy(stream, in.p, in.n);
		nrec = 0;
	}
	/* Pieces of any size, but not a million calls for a whole slice. */
	chunk = 1 + (mode >> 2) * (mode & 0x80 ? 1031 : 1);
	if (chunk < slen / 1024)
		chunk += slen / 1024;

	memset(&s, 0, sizeof(s));
	memset(dst_vram, 0, sizeof(dst_vram));
	s.p = &p;
	s.vram = dst_vram;
	s.fail_at = mode & 2 && !structured ? 1 : (mode >> 3) % 8 == 7 ? 3 : 0;
	vgpu_mig_parser_init(&p, &dst_id, buf, seen, sink_vram, &s);
	ret = feed(&p, chunk);
	if (!ret)
		ret = vgpu_mig_parse_finish(&p);

	/* The same stream in one piece: the same verdict. */
	memset(&s2, 0, sizeof(s2));
	s2.p = &whole;
	s2.fail_at = s.fail_at;
	vgpu_mig_parser_init(&whole, &dst_id, buf2, seen2, sink_vram, &s2);
	ret2 = feed(&whole, STREAM_MAX);
	if (!ret2)
		ret2 = vgpu_mig_parse_finish(&whole);
	/* (How many bytes came after the end depends on the pieces.) */
	if (ret != ret2 || (!p.done && strcmp(p.why, whole.why)) || s.calls != s2.calls ||
	    p.done != whole.done || memcmp(s.covered, s2.covered, sizeof(s.covered)))
		abort();

	/* The contract's verdict, unless the callback failed it first. */
	if (ret != -EIO && ret != reference())
		abort();
	if (ret) {
		if (!expected_err(ret, &s) || !p.why[0] || p.err != ret)
			abort();
		/* It stays, and says the same. */
		memcpy(why, p.why, sizeof(why));
		if (vgpu_mig_parse(&p, stream, slen < 64 ? slen : 64) != ret ||
		    vgpu_mig_parse(&p, stream, 0) != ret || vgpu_mig_parse_finish(&p) != ret ||
		    strcmp(why, p.why))
			abort();
		return 0;
	}
	if (!p.done || memcmp(&p.dev, &whole.dev, sizeof(p.dev)))
		abort();
	judge_accepted(&s);
	judge_device(&p.dev, structured && !memcmp(&p.dev, &src, sizeof(src)) ? &src : NULL);
	return 0;
}
