// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "mdev" bus and the registration of mdev bus drivers.
 *
 * Binding is explicit: the core attaches the driver it picked when it
 * creates a device, so that a probe failure fails the create.  The bus
 * match therefore never matches, which also keeps userspace "bind" from
 * attaching a driver behind the core's back.
 */
#include <linux/device.h>
#include <linux/module.h>

#include "mdev_private.h"

static int mdev_bus_probe(struct device *dev)
{
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	return drv->probe(to_mdev_device(dev));
}

static void mdev_bus_remove(struct device *dev)
{
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	drv->remove(to_mdev_device(dev));
}

static int mdev_bus_match(struct device *dev, const struct device_driver *drv)
{
	return 0;
}

const struct bus_type mdev_bus_type = {
	.name = "mdev",
	.probe = mdev_bus_probe,
	.remove = mdev_bus_remove,
	.match = mdev_bus_match,
};

int mdev_bus_register(void)
{
	return bus_register(&mdev_bus_type);
}

void mdev_bus_unregister(void)
{
	bus_unregister(&mdev_bus_type);
}

/**
 * vslice_mdev_register_driver() - register an mdev bus driver
 * @drv: the driver; @drv->probe and @drv->remove are mandatory
 *
 * Devices created after this call may be bound to @drv.
 *
 * Return: 0 or a negative errno.
 */
int vslice_mdev_register_driver(struct mdev_driver *drv)
{
	if (!drv->probe || !drv->remove)
		return -EINVAL;
	drv->driver.bus = &mdev_bus_type;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(vslice_mdev_register_driver);

/**
 * vslice_mdev_unregister_driver() - unregister an mdev bus driver
 * @drv: the driver
 *
 * Unbinds @drv from every device first; that waits for userspace to
 * release devices it holds open.
 */
void vslice_mdev_unregister_driver(struct mdev_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(vslice_mdev_unregister_driver);
