/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The EDID a vGPU serves its guest: the modes it may set, up to the
 * instance's maximum resolution.  Pure logic.
 */
#ifndef VSLICE_VGPU_EDID_H
#define VSLICE_VGPU_EDID_H

#include <vslice/pure_env.h>

#define VGPU_EDID_BLOCK_SIZE	128
/* What the guest can read: the EDID window of BAR2 (0x000-0x3ff). */
#define VGPU_EDID_MAX_SIZE	1024

/* The largest mode a detailed timing descriptor can describe. */
#define VGPU_EDID_DTD_MAX_ACTIVE	4095
#define VGPU_EDID_DTD_MAX_CLOCK_KHZ	655350

/**
 * struct vgpu_edid_params - what the EDID describes
 * @max_width: largest horizontal resolution, at least 640
 * @max_height: largest vertical resolution, at least 480
 * @product: product code (the vGPU type's index)
 * @serial: serial number (from the instance's UUID), so that a guest
 *	tells two vGPUs apart
 */
struct vgpu_edid_params {
	u32 max_width;
	u32 max_height;
	u16 product;
	u32 serial;
};

/**
 * struct vgpu_edid_timing - a mode's timing, as a detailed timing holds it
 * @clock_khz: pixel clock
 * @hactive: visible pixels per line
 * @hblank: blanking pixels per line
 * @hfront: pixels from the end of the visible line to the sync pulse
 * @hsync: sync pulse width in pixels
 * @vactive: visible lines
 * @vblank: blanking lines
 * @vfront: lines from the end of the visible frame to the sync pulse
 * @vsync: sync pulse width in lines
 */
struct vgpu_edid_timing {
	u32 clock_khz;
	u32 hactive, hblank, hfront, hsync;
	u32 vactive, vblank, vfront, vsync;
};

void vgpu_edid_cvt_rb(u32 width, u32 height, struct vgpu_edid_timing *t);
int vgpu_edid_build(u8 *buf, u32 len, const struct vgpu_edid_params *p);

#endif /* VSLICE_VGPU_EDID_H */
