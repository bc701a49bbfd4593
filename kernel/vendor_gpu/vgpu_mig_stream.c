// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration stream of a vGPU: writing it, and checking it as it
 * arrives.  The layout is in vgpu_mig_stream.h.
 *
 * The stream comes from a VMM that may be hostile or broken, so the
 * parser trusts nothing it has not checked: a record is applied only
 * after its CRC matched, VRAM records stay inside the slice, and the
 * device record is only held here; the caller applies it once the end
 * record proved the stream whole.
 */
#include "vgpu_fw_format.h"
#include "vgpu_mig_stream.h"

/* The CRC zlib's crc32() computes, chained the way it chains. */
static u32 mig_crc(u32 crc, const u8 *p, size_t len)
{
	return ~crc32_le(~crc, p, len);
}

static void put_le64(u8 *p, u64 v)
{
	vgpu_fw_put_le32(p, (u32)v);
	vgpu_fw_put_le32(p + 4, (u32)(v >> 32));
}

static u64 get_le64(const u8 *p)
{
	return vgpu_fw_get_le32(p) | (u64)vgpu_fw_get_le32(p + 4) << 32;
}

/* Offsets in a record header. */
#define REC_KIND	0
#define REC_LEN		4
#define REC_OFFSET	8
#define REC_CRC		16
#define REC_RESERVED	20

static u32 rec_crc(const u8 *rec, u32 len)
{
	static const u8 zero[4];
	u32 crc;

	crc = mig_crc(0, rec, REC_CRC);
	crc = mig_crc(crc, zero, sizeof(zero));
	crc = mig_crc(crc, rec + REC_RESERVED, 4);
	return mig_crc(crc, rec + VGPU_MIG_REC_HDR_SIZE, len);
}

/**
 * vgpu_mig_saver_init() - start a stream
 * @s: the totals
 */
void vgpu_mig_saver_init(struct vgpu_mig_saver *s)
{
	s->records = 0;
	s->bytes = 0;
	s->crc = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_saver_init);

/* Fill in a record's header, its payload already at rec + 24, and count it. */
static u32 put_record(struct vgpu_mig_saver *s, u8 *rec, u32 kind, u32 len,
		      u64 offset)
{
	u32 size = VGPU_MIG_REC_HDR_SIZE + len;

	vgpu_fw_put_le32(rec + REC_KIND, kind);
	vgpu_fw_put_le32(rec + REC_LEN, len);
	put_le64(rec + REC_OFFSET, offset);
	vgpu_fw_put_le32(rec + REC_RESERVED, 0);
	vgpu_fw_put_le32(rec + REC_CRC, rec_crc(rec, len));
	s->records++;
	s->bytes += size;
	s->crc = mig_crc(s->crc, rec, size);
	return size;
}

/**
 * vgpu_mig_put_header() - write the HEADER record
 * @s: the totals
 * @out: room for the record
 * @id: what the stream is for
 *
 * Return: the bytes written.
 */
u32 vgpu_mig_put_header(struct vgpu_mig_saver *s, u8 *out,
			const struct vgpu_mig_ident *id)
{
	u8 *p = out + VGPU_MIG_REC_HDR_SIZE;

	memset(p, 0, VGPU_MIG_HEADER_LEN);
	memcpy(p, VGPU_MIG_MAGIC, sizeof(VGPU_MIG_MAGIC));
	vgpu_fw_put_le16(p + 8, VGPU_MIG_MAJOR);
	vgpu_fw_put_le16(p + 10, VGPU_MIG_MINOR);
	strscpy((char *)p + 12, id->type_id, VGPU_FW_ID_LEN);
	p += 12 + VGPU_FW_ID_LEN;
	vgpu_fw_put_le32(p, id->vram_mib);
	vgpu_fw_put_le32(p + 4, id->table_revision);
	vgpu_fw_put_le32(p + 8, id->max_width);
	vgpu_fw_put_le32(p + 12, id->max_height);
	return put_record(s, out, VGPU_MIG_REC_HEADER, VGPU_MIG_HEADER_LEN, 0);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_put_header);

/**
 * vgpu_mig_put_vram() - write a VRAM record around pages already in place
 * @s: the totals
 * @out: the record; the caller copied @len bytes of the slice from
 *	@offset to @out + VGPU_MIG_REC_HDR_SIZE
 * @offset: where the pages are in the slice, page aligned
 * @len: bytes, a multiple of VGPU_MIG_PAGE_SIZE, at most VGPU_MIG_CHUNK
 *
 * Return: the bytes of the record.
 */
u32 vgpu_mig_put_vram(struct vgpu_mig_saver *s, u8 *out, u64 offset, u32 len)
{
	return put_record(s, out, VGPU_MIG_REC_VRAM, len, offset);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_put_vram);

/**
 * vgpu_mig_put_device() - write the DEVICE record
 * @s: the totals
 * @out: room for the record
 * @dev: the state
 *
 * Return: the bytes written.
 */
u32 vgpu_mig_put_device(struct vgpu_mig_saver *s, u8 *out,
			const struct vgpu_mig_device *dev)
{
	u8 *p = out + VGPU_MIG_REC_HDR_SIZE;
	unsigned int i;

	memcpy(p, dev->cfg, VGPU_CFG_SIZE);
	p += VGPU_CFG_SIZE;
	for (i = 0; i < DISPI_NR; i++, p += 2)
		vgpu_fw_put_le16(p, dev->dispi[i]);
	memcpy(p, dev->vga, sizeof(dev->vga));
	p += sizeof(dev->vga);
	vgpu_fw_put_le32(p, dev->irq_status);
	vgpu_fw_put_le32(p + 4, dev->irq_enable);
	vgpu_fw_put_le32(p + 8, dev->intx_masked);
	vgpu_fw_put_le32(p + 12, dev->edid_len);
	memcpy(p + 16, dev->edid, VGPU_EDID_MAX_SIZE);
	return put_record(s, out, VGPU_MIG_REC_DEVICE, VGPU_MIG_DEVICE_LEN, 0);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_put_device);

/**
 * vgpu_mig_put_end() - write the END record
 * @s: the totals of everything before it
 * @out: room for the record
 *
 * Return: the bytes written.
 */
u32 vgpu_mig_put_end(struct vgpu_mig_saver *s, u8 *out)
{
	u8 *p = out + VGPU_MIG_REC_HDR_SIZE;

	vgpu_fw_put_le32(p, s->records);
	put_le64(p + 4, s->bytes);
	vgpu_fw_put_le32(p + 12, s->crc);
	return put_record(s, out, VGPU_MIG_REC_END, VGPU_MIG_END_LEN, 0);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_put_end);

/**
 * vgpu_mig_parser_init() - get ready to receive a stream
 * @p: the parser
 * @dst: what the receiving vGPU is; must outlive @p's use
 * @buf: VGPU_MIG_BUF_SIZE bytes
 * @seen: a bit per page of @dst's slice, DIV_ROUND_UP(pages, 8) bytes
 * @vram: applies checked VRAM records
 * @ctx: for @vram
 */
void vgpu_mig_parser_init(struct vgpu_mig_parser *p,
			  const struct vgpu_mig_ident *dst, u8 *buf, u8 *seen,
			  vgpu_mig_vram_fn vram, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->dst = dst;
	p->buf = buf;
	p->seen = seen;
	p->vram = vram;
	p->ctx = ctx;
	memset(seen, 0, ((u64)dst->vram_mib << 20) / VGPU_MIG_PAGE_SIZE / 8);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_parser_init);

static __printf(3, 4) int refuse(struct vgpu_mig_parser *p, int err,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	p->err = err;
	return err;
}

static const char *kind_name(u32 kind)
{
	switch (kind) {
	case VGPU_MIG_REC_HEADER:
		return "header";
	case VGPU_MIG_REC_VRAM:
		return "VRAM";
	case VGPU_MIG_REC_DEVICE:
		return "device";
	default:
		return "end";
	}
}

static u64 slice_bytes(const struct vgpu_mig_parser *p)
{
	return (u64)p->dst->vram_mib << 20;
}

/* A record header is complete in buf: is it one that may come now? */
static int check_rec_hdr(struct vgpu_mig_parser *p)
{
	u32 kind = vgpu_fw_get_le32(p->buf + REC_KIND);
	u32 len = vgpu_fw_get_le32(p->buf + REC_LEN);
	u64 offset = get_le64(p->buf + REC_OFFSET);
	u32 want = 0;

	if (kind < VGPU_MIG_REC_HEADER || kind > VGPU_MIG_REC_END)
		return refuse(p, -EINVAL, "record %u at byte %llu has unknown kind %u",
			      p->records, p->bytes, kind);
	if (vgpu_fw_get_le32(p->buf + REC_RESERVED))
		return refuse(p, -EINVAL, "record %u at byte %llu has a non-zero reserved field",
			      p->records, p->bytes);
	if (!p->got_header && kind != VGPU_MIG_REC_HEADER)
		return refuse(p, -EINVAL, "the stream does not start with a header record");
	if (p->got_header && kind == VGPU_MIG_REC_HEADER)
		return refuse(p, -EINVAL, "a second header record at byte %llu", p->bytes);
	if (p->got_device && kind != VGPU_MIG_REC_END)
		return refuse(p, -EINVAL, "a %s record after the device record at byte %llu",
			      kind_name(kind), p->bytes);
	if (!p->got_device && kind == VGPU_MIG_REC_END)
		return refuse(p, -EINVAL,
			      "the end record at byte %llu came before the device record",
			      p->bytes);

	switch (kind) {
	case VGPU_MIG_REC_HEADER:
		/*
		 * A later minor version may add fields at the end; its
		 * major version is checked once the record is whole.
		 */
		want = VGPU_MIG_HEADER_LEN;
		if (len > want && len <= VGPU_MIG_PAGE_SIZE)
			want = len;
		break;
	case VGPU_MIG_REC_DEVICE:
		want = VGPU_MIG_DEVICE_LEN;
		break;
	case VGPU_MIG_REC_END:
		want = VGPU_MIG_END_LEN;
		break;
	default:
		if (!len || len > VGPU_MIG_CHUNK || len % VGPU_MIG_PAGE_SIZE ||
		    offset % VGPU_MIG_PAGE_SIZE || offset >= slice_bytes(p) ||
		    len > slice_bytes(p) - offset)
			return refuse(p, -EINVAL,
				      "VRAM record at byte %llu: %u bytes at %llu do not fit the %u MiB slice in whole pages",
				      p->bytes, len, offset, p->dst->vram_mib);
		return 0;
	}
	if (len != want || offset)
		return refuse(p, -EINVAL,
			      "%s record at byte %llu has length %u offset %llu, not %u and 0",
			      kind_name(kind), p->bytes, len, offset, want);
	return 0;
}

static int take_header(struct vgpu_mig_parser *p, const u8 *h)
{
	const struct vgpu_mig_ident *dst = p->dst;
	struct vgpu_mig_ident src;
	u32 major = vgpu_fw_get_le16(h + 8);
	const u8 *q = h + 12 + VGPU_FW_ID_LEN;

	if (memcmp(h, VGPU_MIG_MAGIC, sizeof(VGPU_MIG_MAGIC)))
		return refuse(p, -EINVAL, "not a vslice migration stream (bad magic)");
	if (major != VGPU_MIG_MAJOR)
		return refuse(p, -EPROTONOSUPPORT, "stream version %u.%u; this driver reads %u.x",
			      major, vgpu_fw_get_le16(h + 10), VGPU_MIG_MAJOR);
	memcpy(src.type_id, h + 12, VGPU_FW_ID_LEN);
	if (src.type_id[VGPU_FW_ID_LEN - 1])
		return refuse(p, -EINVAL, "the stream's type id is not terminated");
	src.vram_mib = vgpu_fw_get_le32(q);
	src.table_revision = vgpu_fw_get_le32(q + 4);
	src.max_width = vgpu_fw_get_le32(q + 8);
	src.max_height = vgpu_fw_get_le32(q + 12);

	if (strcmp(src.type_id, dst->type_id) || src.vram_mib != dst->vram_mib)
		return refuse(p, -EINVAL, "it is for type %.15s (%u MiB), this vGPU is %s (%u MiB)",
			      src.type_id, src.vram_mib, dst->type_id, dst->vram_mib);
	if (src.table_revision != dst->table_revision)
		return refuse(p, -EINVAL, "it is from type table revision %u, this vGPU's is %u",
			      src.table_revision, dst->table_revision);
	if (src.max_width > dst->max_width || src.max_height > dst->max_height)
		return refuse(p, -EINVAL,
			      "its guest was offered up to %ux%u, this vGPU's max_resolution is %ux%u",
			      src.max_width, src.max_height, dst->max_width, dst->max_height);
	p->got_header = true;
	return 0;
}

static int take_device(struct vgpu_mig_parser *p, const u8 *d)
{
	struct vgpu_mig_device *dev = &p->dev;
	unsigned int i;

	memcpy(dev->cfg, d, VGPU_CFG_SIZE);
	d += VGPU_CFG_SIZE;
	for (i = 0; i < DISPI_NR; i++, d += 2)
		dev->dispi[i] = vgpu_fw_get_le16(d);
	memcpy(dev->vga, d, sizeof(dev->vga));
	d += sizeof(dev->vga);
	dev->irq_status = vgpu_fw_get_le32(d);
	dev->irq_enable = vgpu_fw_get_le32(d + 4);
	dev->intx_masked = vgpu_fw_get_le32(d + 8);
	dev->edid_len = vgpu_fw_get_le32(d + 12);
	memcpy(dev->edid, d + 16, VGPU_EDID_MAX_SIZE);
	if (dev->intx_masked > 1)
		return refuse(p, -EINVAL, "device record: INTx mask %u is not 0 or 1",
			      dev->intx_masked);
	if (dev->edid_len > VGPU_EDID_MAX_SIZE)
		return refuse(p, -EINVAL, "device record: EDID of %u bytes, at most %u",
			      dev->edid_len, VGPU_EDID_MAX_SIZE);
	p->got_device = true;
	return 0;
}

static int take_vram(struct vgpu_mig_parser *p, u64 offset, const u8 *data,
		     u32 len)
{
	u64 page;
	int ret;

	ret = p->vram(p->ctx, offset, data, len);
	if (ret)
		return refuse(p, ret, "VRAM record at byte %llu could not be applied", p->bytes);
	for (page = offset / VGPU_MIG_PAGE_SIZE;
	     page < (offset + len) / VGPU_MIG_PAGE_SIZE; page++)
		p->seen[page / 8] |= 1 << (page % 8);
	return 0;
}

static int take_end(struct vgpu_mig_parser *p, const u8 *e)
{
	u64 pages = slice_bytes(p) / VGPU_MIG_PAGE_SIZE, page;

	if (vgpu_fw_get_le32(e) != p->records || get_le64(e + 4) != p->bytes)
		return refuse(p, -EINVAL,
			      "the end record counts %u records and %llu bytes; %u and %llu came",
			      vgpu_fw_get_le32(e), get_le64(e + 4), p->records, p->bytes);
	if (vgpu_fw_get_le32(e + 12) != p->crc)
		return refuse(p, -EBADMSG,
			      "the stream's checksum is %08x, the end record says %08x",
			      p->crc, vgpu_fw_get_le32(e + 12));
	for (page = 0; page < pages; page++)
		if (!(p->seen[page / 8] & (1 << (page % 8))))
			return refuse(p, -EINVAL, "VRAM page %llu of the slice never came", page);
	p->done = true;
	return 0;
}

/* The record in buf is complete: check it, take it, count it. */
static int take_record(struct vgpu_mig_parser *p)
{
	u32 kind = vgpu_fw_get_le32(p->buf + REC_KIND);
	u32 len = vgpu_fw_get_le32(p->buf + REC_LEN);
	const u8 *payload = p->buf + VGPU_MIG_REC_HDR_SIZE;
	int ret;

	if (rec_crc(p->buf, len) != vgpu_fw_get_le32(p->buf + REC_CRC))
		return refuse(p, -EBADMSG, "%s record %u at byte %llu: CRC mismatch",
			      kind_name(kind), p->records, p->bytes);
	switch (kind) {
	case VGPU_MIG_REC_HEADER:
		ret = take_header(p, payload);
		break;
	case VGPU_MIG_REC_VRAM:
		ret = take_vram(p, get_le64(p->buf + REC_OFFSET), payload, len);
		break;
	case VGPU_MIG_REC_DEVICE:
		ret = take_device(p, payload);
		break;
	default:
		ret = take_end(p, payload);
		break;
	}
	if (ret)
		return ret;
	p->crc = mig_crc(p->crc, p->buf, VGPU_MIG_REC_HDR_SIZE + len);
	p->bytes += VGPU_MIG_REC_HDR_SIZE + len;
	p->records++;
	p->have = 0;
	return 0;
}

/**
 * vgpu_mig_parse() - take the next bytes of a stream
 * @p: the parser
 * @data: the bytes
 * @len: how many
 *
 * Records may be split anywhere between calls.  Each VRAM record goes to
 * the parser's callback once it is complete and its CRC matched; the
 * device record is kept in @p->dev.
 *
 * Return: @len, or a negative errno (and @p->why says what was wrong):
 * -EBADMSG for a checksum that does not match, -EPROTONOSUPPORT for a
 * stream version this driver does not read, -EINVAL for anything else,
 * bytes after the end record included.  After an error every call
 * returns the same error.
 */
long vgpu_mig_parse(struct vgpu_mig_parser *p, const u8 *data, size_t len)
{
	size_t used = 0;

	while (!p->err && used < len) {
		u32 need = VGPU_MIG_REC_HDR_SIZE, n;

		if (p->done)
			return refuse(p, -EINVAL, "%zu bytes after the end record",
				      len - used);
		if (p->have >= VGPU_MIG_REC_HDR_SIZE)
			need += vgpu_fw_get_le32(p->buf + REC_LEN);
		n = need - p->have;
		if (n > len - used)
			n = len - used;
		memcpy(p->buf + p->have, data + used, n);
		p->have += n;
		used += n;
		if (p->have < need)
			break;
		if (need == VGPU_MIG_REC_HDR_SIZE) {
			if (check_rec_hdr(p))
				break;
			/* A record without payload: none has one. */
			continue;
		}
		take_record(p);
	}
	return p->err ? p->err : (long)len;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_parse);

/**
 * vgpu_mig_parse_finish() - the stream is over: is it whole?
 * @p: the parser
 *
 * Return: 0 when the end record came and checked; the stream's error, or
 * -EINVAL for a stream that stopped before its end record.
 */
int vgpu_mig_parse_finish(struct vgpu_mig_parser *p)
{
	if (p->err)
		return p->err;
	if (!p->done)
		return refuse(p, -EINVAL,
			      "the stream stopped after %llu bytes, without its end record",
			      p->bytes + p->have);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_mig_parse_finish);
