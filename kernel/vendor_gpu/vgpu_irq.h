/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts of a vGPU as a VFIO PCI device: INTx, MSI and the device
 * request (REQ), each delivered to userspace through an eventfd.
 */
#ifndef VSLICE_VGPU_IRQ_H
#define VSLICE_VGPU_IRQ_H

#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/mutex.h>
#include <linux/vfio.h>

/**
 * struct vgpu_irq - interrupt state of one vGPU
 * @igate: serialises SET_IRQS and release, which enable and disable
 *	@unmask; held across vfio_virqfd_disable(), so never taken by
 *	anything that runs from the unmask eventfd
 * @lock: protects the eventfds, @type, @masked, @level and @intx_ok;
 *	held while signalling.  Taken after the instance's register lock
 *	and after @igate; the unmask work takes it alone
 * @type: VFIO_PCI_INTX_IRQ_INDEX or VFIO_PCI_MSI_IRQ_INDEX while one is
 *	enabled, VFIO_PCI_NUM_IRQS when neither is
 * @intx: INTx trigger, set while @type is INTx
 * @msi: MSI trigger, set while @type is MSI
 * @req: device request trigger, independent of @type
 * @unmask: the resample eventfd whose signal unmasks INTx (KVM's EOI)
 * @masked: INTx is masked, by userspace or automatically on delivery
 * @level: the device asserts its interrupt
 * @intx_ok: the guest has not set Interrupt Disable in the command
 *	register
 */
struct vgpu_irq {
	struct mutex igate;	/* SET_IRQS and release; see above */
	struct mutex lock;	/* eventfds and line state; see above */
	unsigned int type;
	struct eventfd_ctx *intx;
	struct eventfd_ctx *msi;
	struct eventfd_ctx *req;
	struct virqfd *unmask;
	bool masked;
	bool level;
	bool intx_ok;
};

void vgpu_irq_init(struct vgpu_irq *irq);
void vgpu_irq_destroy(struct vgpu_irq *irq);
void vgpu_irq_release(struct vgpu_irq *irq);
void vgpu_irq_set_line(struct vgpu_irq *irq, bool level, bool intx_ok);
void vgpu_irq_request(struct vgpu_irq *irq, struct device *dev,
		      unsigned int count);
bool vgpu_irq_intx_masked(struct vgpu_irq *irq);
void vgpu_irq_set_intx_masked(struct vgpu_irq *irq, bool masked);
long vgpu_irq_ioctl_get_info(unsigned long arg);
long vgpu_irq_ioctl_set(struct vgpu_irq *irq, struct device *dev,
			unsigned long arg);

#endif /* VSLICE_VGPU_IRQ_H */
