/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces of the vslice mdev core, shared by its files and
 * its KUnit suite.
 */
#ifndef VSLICE_MDEV_PRIVATE_H
#define VSLICE_MDEV_PRIVATE_H

#include <vslice/mdev.h>

extern const struct bus_type mdev_bus_type;
extern const struct attribute_group *mdev_device_groups[];

static inline struct mdev_driver *to_mdev_driver(const struct device_driver *drv)
{
	return container_of(drv, struct mdev_driver, driver);
}

int mdev_bus_register(void);
void mdev_bus_unregister(void);

int mdev_types_add(struct mdev_parent *parent,
		   const struct mdev_type_desc *descs, unsigned int nr);
void mdev_types_remove(struct mdev_parent *parent);
int mdev_device_links_add(struct mdev_device *mdev);
void mdev_device_links_remove(struct mdev_device *mdev);

void mdev_parent_put(struct mdev_parent *parent);
void mdev_object_get(void);
void mdev_object_put(void);
int mdev_device_create(struct mdev_type *type, const u8 uuid[16]);
int mdev_device_remove(struct mdev_device *mdev);

#endif /* VSLICE_MDEV_PRIVATE_H */
