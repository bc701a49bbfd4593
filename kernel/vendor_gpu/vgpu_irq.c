// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of a vGPU, delivered the way vfio-pci delivers a physical
 * function's: through eventfds that userspace (QEMU) hands over with
 * VFIO_DEVICE_SET_IRQS.
 *
 * INTx is level triggered and automasked: while the line is asserted and
 * INTx unmasked, the trigger is signalled once and INTx masked, until
 * userspace unmasks it (SET_IRQS, or the resample eventfd that KVM
 * signals at the guest's EOI); a line still asserted then signals again.
 * MSI is signalled on each rising edge of the line.  INTx and MSI exclude
 * each other, as on a real function.  REQ is signalled while the device
 * is being removed and still open, to ask its user to let it go.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vgpu_irq.h"

#define VGPU_IRQ_NONE VFIO_PCI_NUM_IRQS

/* Why a SET_IRQS was refused; any device fd user can trigger these. */
#define vgpu_refuse(dev, fmt, ...) dev_notice_ratelimited(dev, fmt, ##__VA_ARGS__)

static const char * const vgpu_irq_names[VFIO_PCI_NUM_IRQS + 1] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "INTx",
	[VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "MSI-X",
	[VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
	[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
	[VGPU_IRQ_NONE] = "none",
};

/* Vectors per index: no MSI-X, and no AER to report errors through. */
static u32 vgpu_irq_count(u32 index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/**
 * vgpu_irq_init() - no interrupt enabled, line low
 * @irq: the state to initialise
 */
void vgpu_irq_init(struct vgpu_irq *irq)
{
	mutex_init(&irq->igate);
	mutex_init(&irq->lock);
	irq->type = VGPU_IRQ_NONE;
	irq->intx_ok = true;
}

/**
 * vgpu_irq_destroy() - release everything, before the instance is freed
 * @irq: the state
 */
void vgpu_irq_destroy(struct vgpu_irq *irq)
{
	vgpu_irq_release(irq);
	mutex_destroy(&irq->lock);
	mutex_destroy(&irq->igate);
}

/* Signal INTx if the line asks for it.  Called with irq->lock held. */
static void vgpu_intx_deliver(struct vgpu_irq *irq)
{
	lockdep_assert_held(&irq->lock);
	if (irq->type == VFIO_PCI_INTX_IRQ_INDEX && irq->level &&
	    irq->intx_ok && !irq->masked) {
		irq->masked = true;
		eventfd_signal(irq->intx);
	}
}

/**
 * vgpu_irq_set_line() - the device's interrupt line after a state change
 * @irq: the state
 * @level: whether the device asserts its interrupt
 * @intx_ok: whether the guest allows INTx (command register)
 *
 * Called under the instance's register lock after every write that can
 * move the line: a register, the command register, reset.
 */
void vgpu_irq_set_line(struct vgpu_irq *irq, bool level, bool intx_ok)
{
	mutex_lock(&irq->lock);
	if (irq->type == VFIO_PCI_MSI_IRQ_INDEX && level && !irq->level)
		eventfd_signal(irq->msi);
	irq->level = level;
	irq->intx_ok = intx_ok;
	vgpu_intx_deliver(irq);
	mutex_unlock(&irq->lock);
}

/* The resample eventfd fired (KVM: the guest's EOI).  Runs from a work item. */
static void vgpu_intx_resample(void *opaque, void *unused)
{
	struct vgpu_irq *irq = opaque;

	mutex_lock(&irq->lock);
	irq->masked = false;
	vgpu_intx_deliver(irq);
	mutex_unlock(&irq->lock);
}

/**
 * vgpu_irq_request() - ask the device's user to release it
 * @irq: the state
 * @dev: the mdev's device, for the log
 * @count: how many times VFIO has asked so far
 *
 * VFIO calls this while a removal waits for the device's file
 * descriptors to close, again every 10 seconds.
 */
void vgpu_irq_request(struct vgpu_irq *irq, struct device *dev,
		      unsigned int count)
{
	mutex_lock(&irq->lock);
	if (irq->req) {
		if (!(count % 10))
			dev_notice(dev, "removal: asking the device's user to release it (request %u)\n",
				   count);
		eventfd_signal(irq->req);
	} else if (!count) {
		dev_notice(dev, "removal waits until the device is closed: its user registered no REQ eventfd\n");
	}
	mutex_unlock(&irq->lock);
}

/**
 * vgpu_irq_release() - drop every eventfd; the device fd is closing
 * @irq: the state
 *
 * INTx and MSI end up disabled and unmasked; the line state stays, as
 * the device's registers do.
 */
void vgpu_irq_release(struct vgpu_irq *irq)
{
	struct eventfd_ctx **slots[] = { &irq->intx, &irq->msi, &irq->req };
	unsigned int i;

	mutex_lock(&irq->igate);
	mutex_lock(&irq->lock);
	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		if (*slots[i])
			eventfd_ctx_put(*slots[i]);
		*slots[i] = NULL;
	}
	irq->type = VGPU_IRQ_NONE;
	irq->masked = false;
	mutex_unlock(&irq->lock);
	/* Waits for a running resample, which takes irq->lock. */
	vfio_virqfd_disable(&irq->unmask);
	mutex_unlock(&irq->igate);
}

/* An eventfd from SET_IRQS data: -1 means none, other negatives are bad. */
static int vgpu_irq_fdget(struct device *dev, const void *data,
			  struct eventfd_ctx **ctx)
{
	s32 fd = *(const s32 *)data;

	*ctx = NULL;
	if (fd == -1)
		return 0;
	if (fd < 0) {
		vgpu_refuse(dev, "SET_IRQS: %d is not a file descriptor\n", fd);
		return -EINVAL;
	}
	*ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(*ctx)) {
		int ret = PTR_ERR(*ctx);

		*ctx = NULL;
		vgpu_refuse(dev, "SET_IRQS: fd %d is not an eventfd (%d)\n", fd, ret);
		return ret;
	}
	return 0;
}

static struct eventfd_ctx **vgpu_irq_slot(struct vgpu_irq *irq, u32 index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return &irq->intx;
	case VFIO_PCI_MSI_IRQ_INDEX:
		return &irq->msi;
	default:
		return &irq->req;
	}
}

/*
 * ACTION_TRIGGER: an eventfd (or -1) sets (or clears) the index's
 * trigger; DATA_NONE with count 0 disables the index; DATA_NONE or a true
 * DATA_BOOL on its vector signals the trigger, as a loopback test.
 */
static int vgpu_irq_set_trigger(struct vgpu_irq *irq, struct device *dev,
				u32 index, u32 dtype, u32 count,
				const void *data)
{
	struct eventfd_ctx **slot = vgpu_irq_slot(irq, index);
	bool typed = index != VFIO_PCI_REQ_IRQ_INDEX;
	struct eventfd_ctx *ctx = NULL, *old;
	int ret;

	if (!count && dtype != VFIO_IRQ_SET_DATA_NONE) {
		vgpu_refuse(dev, "SET_IRQS: %s: count 0 only disables, with DATA_NONE\n",
			    vgpu_irq_names[index]);
		return -EINVAL;
	}
	if (count && dtype != VFIO_IRQ_SET_DATA_EVENTFD) {
		if (dtype == VFIO_IRQ_SET_DATA_BOOL && !*(const u8 *)data)
			return 0;
		mutex_lock(&irq->lock);
		if (*slot && (!typed || irq->type == index))
			eventfd_signal(*slot);
		mutex_unlock(&irq->lock);
		return 0;
	}
	if (count) {
		ret = vgpu_irq_fdget(dev, data, &ctx);
		if (ret)
			return ret;
	}

	mutex_lock(&irq->lock);
	if (typed && irq->type != VGPU_IRQ_NONE && irq->type != index) {
		u32 other = irq->type;

		mutex_unlock(&irq->lock);
		if (ctx)
			eventfd_ctx_put(ctx);
		vgpu_refuse(dev, "SET_IRQS: %s is enabled; disable it before %s\n",
			    vgpu_irq_names[other], vgpu_irq_names[index]);
		return -EINVAL;
	}
	old = *slot;
	*slot = ctx;
	if (typed) {
		if (irq->type != index || !ctx)
			irq->masked = false;
		irq->type = ctx ? index : VGPU_IRQ_NONE;
	}
	if (index == VFIO_PCI_INTX_IRQ_INDEX)
		vgpu_intx_deliver(irq);
	mutex_unlock(&irq->lock);

	if (old)
		eventfd_ctx_put(old);
	if (index == VFIO_PCI_INTX_IRQ_INDEX && !ctx)
		vfio_virqfd_disable(&irq->unmask);
	return 0;
}

/* ACTION_MASK and ACTION_UNMASK of INTx, the one maskable index. */
static int vgpu_intx_set_mask(struct vgpu_irq *irq, struct device *dev,
			      bool mask, u32 dtype, u32 count,
			      const void *data)
{
	struct eventfd_ctx *probe;
	bool enabled;
	s32 fd;
	int ret;

	if (!count) {
		vgpu_refuse(dev, "SET_IRQS: INTx %s with count 0\n", mask ? "mask" : "unmask");
		return -EINVAL;
	}
	mutex_lock(&irq->lock);
	enabled = irq->type == VFIO_PCI_INTX_IRQ_INDEX;
	mutex_unlock(&irq->lock);
	if (!enabled) {
		vgpu_refuse(dev, "SET_IRQS: INTx is not enabled\n");
		return -EINVAL;
	}

	if (dtype == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (mask) {
			vgpu_refuse(dev, "SET_IRQS: INTx cannot be masked by an eventfd\n");
			return -ENOTTY;
		}
		/* Checked first, so that a bad fd leaves the old one. */
		ret = vgpu_irq_fdget(dev, data, &probe);
		if (ret)
			return ret;
		if (probe)
			eventfd_ctx_put(probe);
		vfio_virqfd_disable(&irq->unmask);
		fd = *(const s32 *)data;
		if (fd == -1)
			return 0;
		return vfio_virqfd_enable(irq, NULL, vgpu_intx_resample, NULL,
					  &irq->unmask, fd);
	}
	if (dtype == VFIO_IRQ_SET_DATA_BOOL && !*(const u8 *)data)
		return 0;

	mutex_lock(&irq->lock);
	irq->masked = mask;
	vgpu_intx_deliver(irq);
	mutex_unlock(&irq->lock);
	return 0;
}

/**
 * vgpu_irq_ioctl_get_info() - VFIO_DEVICE_GET_IRQ_INFO
 * @arg: the user's struct vfio_irq_info
 *
 * Return: 0, -EFAULT, or -EINVAL for a short argsz, an index past
 * VFIO_PCI_NUM_IRQS, or the ERR index.  MSI-X answers with count 0.
 */
long vgpu_irq_ioctl_get_info(unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	/*
	 * Error reporting exists only on PCIe functions; like vfio-pci for
	 * a conventional PCI device, say the index does not exist (QEMU
	 * takes that quietly, and warns about a count of 0).
	 */
	if (info.index == VFIO_PCI_ERR_IRQ_INDEX)
		return -EINVAL;

	info.count = vgpu_irq_count(info.index);
	info.flags = 0;
	if (info.count) {
		info.flags = VFIO_IRQ_INFO_EVENTFD;
		if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
			info.flags |= VFIO_IRQ_INFO_MASKABLE |
				      VFIO_IRQ_INFO_AUTOMASKED;
		else
			info.flags |= VFIO_IRQ_INFO_NORESIZE;
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/**
 * vgpu_irq_ioctl_set() - VFIO_DEVICE_SET_IRQS
 * @irq: the state
 * @dev: the mdev's device, for the log
 * @arg: the user's struct vfio_irq_set and its data
 *
 * Return: 0, -EFAULT, -ENOMEM, -EINVAL for a request the uAPI does not
 * allow (bad index, range, flags or argsz; INTx and MSI at once), -ENOTTY
 * for masking what cannot be masked, or the errno of a bad eventfd.  A
 * refused request changes nothing.
 */
long vgpu_irq_ioctl_set(struct vgpu_irq *irq, struct device *dev,
			unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	u32 dtype, action;
	int ret;

	if (copy_from_user(&hdr, (void __user *)arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, vgpu_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret) {
		vgpu_refuse(dev, "SET_IRQS: bad index %u start %u count %u flags %#x argsz %u\n",
			    hdr.index, hdr.start, hdr.count, hdr.flags, hdr.argsz);
		return ret;
	}
	if (data_size) {
		data = memdup_user((void __user *)(arg + minsz), data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	dtype = hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	action = hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;

	mutex_lock(&irq->igate);
	switch (action) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = vgpu_irq_set_trigger(irq, dev, hdr.index, dtype,
					   hdr.count, data);
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
	case VFIO_IRQ_SET_ACTION_UNMASK:
		if (hdr.index == VFIO_PCI_INTX_IRQ_INDEX) {
			ret = vgpu_intx_set_mask(irq, dev,
						 action == VFIO_IRQ_SET_ACTION_MASK,
						 dtype, hdr.count, data);
		} else {
			vgpu_refuse(dev, "SET_IRQS: %s cannot be masked\n",
				    vgpu_irq_names[hdr.index]);
			ret = -ENOTTY;
		}
		break;
	default:
		vgpu_refuse(dev, "SET_IRQS: flags %#x name no single action\n", hdr.flags);
		ret = -EINVAL;
	}
	mutex_unlock(&irq->igate);
	kfree(data);
	return ret;
}

/**
 * vgpu_irq_intx_masked() - whether INTx is masked
 * @irq: the state
 *
 * Return: the mask, as migration saves it.
 */
bool vgpu_irq_intx_masked(struct vgpu_irq *irq)
{
	bool masked;

	mutex_lock(&irq->lock);
	masked = irq->masked;
	mutex_unlock(&irq->lock);
	return masked;
}

/**
 * vgpu_irq_set_intx_masked() - take a saved INTx mask
 * @irq: the state
 * @masked: the mask
 *
 * Called under the instance's register lock before the line is set
 * from the restored registers, which delivers what the mask lets through.
 */
void vgpu_irq_set_intx_masked(struct vgpu_irq *irq, bool masked)
{
	mutex_lock(&irq->lock);
	irq->masked = masked;
	mutex_unlock(&irq->lock);
}
