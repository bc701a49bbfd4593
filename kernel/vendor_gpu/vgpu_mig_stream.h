/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The migration stream of a vGPU: what the save side writes to a VFIO
 * migration data fd and the resume side checks before anything of it is
 * applied.  Pure logic (no locking, no allocation: the caller gives the
 * buffers), so that KUnit and a userspace fuzzer run the same parser.
 *
 * A stream is a sequence of records, each a 24-byte header and a payload,
 * all little endian:
 *
 *   header   kind, payload length, VRAM offset (0 unless VRAM), CRC32 of
 *            the header (its crc field zero) and the payload, reserved 0
 *   HEADER   first and once: magic, version, and what a destination must
 *            be to hold the state (type, VRAM size, table revision,
 *            the largest resolution the guest was offered)
 *   VRAM     page-aligned pages of the slice, at most one chunk each; a
 *            page may come again (pre-copy resends what the guest wrote)
 *   DEVICE   once, after the last VRAM record: config space, the BAR2
 *            registers, the EDID the guest sees, the INTx mask
 *   END      last: the count of records and bytes before it and the CRC32
 *            of all those bytes
 */
#ifndef VSLICE_VGPU_MIG_STREAM_H
#define VSLICE_VGPU_MIG_STREAM_H

#include <vslice/pure_env.h>

#include "vgpu_cfg.h"
#include "vgpu_fw.h"
#include "vgpu_regs.h"

#define VGPU_MIG_MAGIC		"VSLCMIG"	/* 8 bytes with its NUL */
#define VGPU_MIG_MAJOR		1
#define VGPU_MIG_MINOR		0

#define VGPU_MIG_REC_HDR_SIZE	24
#define VGPU_MIG_PAGE_SIZE	4096
#define VGPU_MIG_CHUNK		65536
/* The largest payload: a VRAM chunk; the device record is smaller. */
#define VGPU_MIG_MAX_PAYLOAD	VGPU_MIG_CHUNK
#define VGPU_MIG_BUF_SIZE	(VGPU_MIG_REC_HDR_SIZE + VGPU_MIG_MAX_PAYLOAD)

enum vgpu_mig_kind {
	VGPU_MIG_REC_HEADER = 1,
	VGPU_MIG_REC_VRAM = 2,
	VGPU_MIG_REC_DEVICE = 3,
	VGPU_MIG_REC_END = 4,
};

#define VGPU_MIG_HEADER_LEN	(8 + 2 + 2 + VGPU_FW_ID_LEN + 4 * 4)
#define VGPU_MIG_DEVICE_LEN	(VGPU_CFG_SIZE + 2 * DISPI_NR + 0x20 + 4 * 3 + \
				 VGPU_EDID_MAX_SIZE + 4)
#define VGPU_MIG_END_LEN	(4 + 8 + 4)

/**
 * struct vgpu_mig_ident - what a stream is for, and what a vGPU is
 * @type_id: the type's sysfs id
 * @vram_mib: the slice size
 * @table_revision: the revision of the type table the type came from
 * @max_width: the largest horizontal resolution offered to the guest
 * @max_height: the largest vertical resolution offered to the guest
 */
struct vgpu_mig_ident {
	char type_id[VGPU_FW_ID_LEN];
	u32 vram_mib;
	u32 table_revision;
	u32 max_width;
	u32 max_height;
};

/**
 * struct vgpu_mig_device - the state of a vGPU besides its VRAM
 * @cfg: configuration space as the guest reads it
 * @dispi: the dispi registers
 * @vga: the VGA port bytes
 * @irq_status: pending interrupt causes
 * @irq_enable: enabled interrupt causes
 * @intx_masked: INTx is masked (automatically on delivery, or by the VMM)
 * @edid: the EDID the guest reads at BAR2
 * @edid_len: bytes of @edid
 */
struct vgpu_mig_device {
	u8 cfg[VGPU_CFG_SIZE];
	u16 dispi[DISPI_NR];
	u8 vga[0x20];
	u32 irq_status;
	u32 irq_enable;
	u32 intx_masked;
	u8 edid[VGPU_EDID_MAX_SIZE];
	u32 edid_len;
};

/**
 * struct vgpu_mig_saver - the running totals of a stream being written
 * @records: records written
 * @bytes: bytes written
 * @crc: CRC32 of those bytes
 */
struct vgpu_mig_saver {
	u32 records;
	u64 bytes;
	u32 crc;
};

void vgpu_mig_saver_init(struct vgpu_mig_saver *s);
u32 vgpu_mig_put_header(struct vgpu_mig_saver *s, u8 *out,
			const struct vgpu_mig_ident *id);
u32 vgpu_mig_put_vram(struct vgpu_mig_saver *s, u8 *out, u64 offset, u32 len);
u32 vgpu_mig_put_device(struct vgpu_mig_saver *s, u8 *out,
			const struct vgpu_mig_device *dev);
u32 vgpu_mig_put_end(struct vgpu_mig_saver *s, u8 *out);

/**
 * typedef vgpu_mig_vram_fn - apply one checked VRAM record
 * @ctx: the parser's @ctx
 * @offset: byte offset in the slice, page aligned
 * @data: the pages
 * @len: bytes, a multiple of VGPU_MIG_PAGE_SIZE
 *
 * Return: 0, or a negative errno that fails the stream.
 */
typedef int (*vgpu_mig_vram_fn)(void *ctx, u64 offset, const u8 *data, u32 len);

/**
 * struct vgpu_mig_parser - a stream being received
 * @dst: what the receiving vGPU is
 * @vram: called for each VRAM record once its CRC checked
 * @ctx: for @vram
 * @buf: VGPU_MIG_BUF_SIZE bytes, for the record being received
 * @seen: a bit per slice page, set once the page came; the caller gives
 *	DIV_ROUND_UP(pages, 8) bytes
 * @have: bytes of the current record in @buf
 * @crc: CRC32 of the stream's bytes before the current record
 * @bytes: bytes before the current record
 * @records: records before the current record
 * @err: 0, or the errno that failed the stream; once set every call
 *	returns it
 * @got_header: the HEADER record came
 * @got_device: the DEVICE record came
 * @done: the END record came and checked
 * @dev: the DEVICE record, decoded
 * @why: what was wrong, for the log, when @err is set
 */
struct vgpu_mig_parser {
	const struct vgpu_mig_ident *dst;
	vgpu_mig_vram_fn vram;
	void *ctx;
	u8 *buf;
	u8 *seen;
	u32 have;
	u32 crc;
	u64 bytes;
	u32 records;
	int err;
	bool got_header;
	bool got_device;
	bool done;
	struct vgpu_mig_device dev;
	char why[128];
};

void vgpu_mig_parser_init(struct vgpu_mig_parser *p,
			  const struct vgpu_mig_ident *dst, u8 *buf, u8 *seen,
			  vgpu_mig_vram_fn vram, void *ctx);
long vgpu_mig_parse(struct vgpu_mig_parser *p, const u8 *data, size_t len);
int vgpu_mig_parse_finish(struct vgpu_mig_parser *p);

#endif /* VSLICE_VGPU_MIG_STREAM_H */
