// SPDX-License-Identifier: GPL-2.0-only
/*
 * The primary plane of a vGPU.
 *
 * The plane info of VFIO_DEVICE_QUERY_GFX_PLANE has no offset: a VMM
 * shows the picture from byte 0 of the region it names (QEMU builds its
 * surface on the start of the region's mapping).  The display region
 * therefore starts at the plane's base, and since it is mapped in whole
 * pages the base must be page aligned.  bochs-drm's framebuffers are
 * page-aligned buffer objects and it pans to them with X/Y_OFFSET, so a
 * guest that flips between them always has an aligned base; a guest
 * panning by lines may not, and then no plane is shown rather than a
 * picture shifted by the part of a page the region cannot express.
 */
#include "vgpu_plane.h"

/**
 * vgpu_plane_compute() - the plane the guest's mode scans out
 * @regs: the register state
 * @page_size: the unit of the display region's mappings
 * @plane: receives the plane when the return is %VGPU_PLANE_SHOWN; zeroed
 *	otherwise
 *
 * Return: %VGPU_PLANE_SHOWN, or why there is no plane.  @plane->bpp is
 * set in every case but %VGPU_PLANE_DISABLED, for the caller's log.
 */
enum vgpu_plane_status vgpu_plane_compute(const struct vgpu_regs *regs,
					  u32 page_size,
					  struct vgpu_plane *plane)
{
	struct vgpu_scanout so;
	u32 format;
	u64 size;
	int ret;

	memset(plane, 0, sizeof(*plane));
	ret = vgpu_regs_scanout(regs, &so);
	if (ret == -ENODATA)
		return VGPU_PLANE_DISABLED;
	plane->bpp = regs->dispi[DISPI_BPP];
	if (ret)
		return VGPU_PLANE_BAD_MODE;

	switch (so.bpp) {
	case 32:
		format = DRM_FORMAT_XRGB8888;
		break;
	case 24:
		/* Bochs packs 24 bpp as B, G, R bytes: DRM's RGB888. */
		format = DRM_FORMAT_RGB888;
		break;
	default:
		return VGPU_PLANE_BAD_FORMAT;
	}
	/* A VMM may read whole lines, the last one's padding included. */
	size = (u64)so.stride * so.height;
	if (so.offset + size > regs->limits.vram_size)
		return VGPU_PLANE_BAD_MODE;
	if (!page_size || so.offset % page_size)
		return VGPU_PLANE_UNALIGNED;

	plane->drm_format = format;
	plane->width = so.width;
	plane->height = so.height;
	plane->stride = so.stride;
	plane->size = size;
	plane->base = so.offset;
	return VGPU_PLANE_SHOWN;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_plane_compute);
