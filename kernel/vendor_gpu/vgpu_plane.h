/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The primary plane of a vGPU as VFIO_DEVICE_QUERY_GFX_PLANE reports it:
 * what the guest's programmed mode scans out, in a form a VMM can show
 * through a mapping of the display region.  Pure logic.
 */
#ifndef VSLICE_VGPU_PLANE_H
#define VSLICE_VGPU_PLANE_H

#include <vslice/pure_env.h>
#include <drm/drm_fourcc.h>

#include "vgpu_regs.h"

/**
 * enum vgpu_plane_status - whether a plane is shown, and if not why
 * @VGPU_PLANE_SHOWN: the plane is valid
 * @VGPU_PLANE_DISABLED: the guest's display is off
 * @VGPU_PLANE_BAD_MODE: the programmed mode is not a linear mode inside
 *	the slice (including its last line's padding)
 * @VGPU_PLANE_BAD_FORMAT: the depth has no format a VMM can show
 *	(8, 15 and 16 bpp)
 * @VGPU_PLANE_UNALIGNED: the scan-out base is not at a page boundary, so
 *	no mapping can start there
 */
enum vgpu_plane_status {
	VGPU_PLANE_SHOWN,
	VGPU_PLANE_DISABLED,
	VGPU_PLANE_BAD_MODE,
	VGPU_PLANE_BAD_FORMAT,
	VGPU_PLANE_UNALIGNED,
};

/**
 * struct vgpu_plane - a shown plane
 * @drm_format: DRM fourcc of the pixels
 * @width: visible width in pixels
 * @height: visible height in pixels
 * @stride: bytes from one line to the next
 * @size: @stride * @height, all inside the slice from @base
 * @base: byte offset of the first visible pixel in the slice
 * @bpp: bits per pixel, for the log
 */
struct vgpu_plane {
	u32 drm_format;
	u32 width;
	u32 height;
	u32 stride;
	u32 size;
	u32 base;
	u32 bpp;
};

enum vgpu_plane_status vgpu_plane_compute(const struct vgpu_regs *regs,
					  u32 page_size,
					  struct vgpu_plane *plane);

#endif /* VSLICE_VGPU_PLANE_H */
