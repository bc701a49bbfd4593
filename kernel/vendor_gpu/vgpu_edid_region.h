/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VFIO EDID region of a vGPU (VFIO_REGION_SUBTYPE_GFX_EDID): where a
 * VMM may replace the monitor the guest sees.  Pure logic: the caller
 * serialises accesses and shows the guest what the region says.
 */
#ifndef VSLICE_VGPU_EDID_REGION_H
#define VSLICE_VGPU_EDID_REGION_H

#include <vslice/pure_env.h>
#ifdef __KERNEL__
#include <uapi/linux/vfio.h>
#else
#include <linux/vfio.h>
#endif

#include "vgpu_edid.h"

/* The blob follows struct vfio_region_gfx_edid, at the next 256 bytes. */
#define VGPU_EDID_REGION_BLOB	0x100
#define VGPU_EDID_REGION_SIZE	(VGPU_EDID_REGION_BLOB + VGPU_EDID_MAX_SIZE)

/**
 * struct vgpu_edid_region - state behind the region
 * @max_xres: the instance's maximum width, read-only to the VMM
 * @max_yres: the instance's maximum height, read-only to the VMM
 * @edid_size: bytes of @blob that are the EDID
 * @link_state: VFIO_DEVICE_GFX_LINK_STATE_UP or _DOWN; while up the
 *	guest sees @blob, while down no monitor
 * @blob: the EDID; changed only while the link is down, so the guest
 *	never reads a half-written one
 */
struct vgpu_edid_region {
	u32 max_xres;
	u32 max_yres;
	u32 edid_size;
	u32 link_state;
	u8 blob[VGPU_EDID_MAX_SIZE];
};

/**
 * enum vgpu_edid_region_change - what a write did to the guest's view
 * @VGPU_EDID_REGION_SAME: nothing the guest sees
 * @VGPU_EDID_REGION_LINK_UP: the link went up: show @blob
 * @VGPU_EDID_REGION_LINK_DOWN: the link went down: show no monitor
 */
enum vgpu_edid_region_change {
	VGPU_EDID_REGION_SAME,
	VGPU_EDID_REGION_LINK_UP,
	VGPU_EDID_REGION_LINK_DOWN,
};

void vgpu_edid_region_init(struct vgpu_edid_region *r, u32 max_xres,
			   u32 max_yres, const u8 *edid, u32 edid_size);
int vgpu_edid_region_read(const struct vgpu_edid_region *r, u32 offset,
			  u8 *buf, u32 count);
int vgpu_edid_region_write(struct vgpu_edid_region *r, u32 offset,
			   const u8 *buf, u32 count,
			   enum vgpu_edid_region_change *change);

#endif /* VSLICE_VGPU_EDID_REGION_H */
