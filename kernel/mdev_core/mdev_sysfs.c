// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysfs ABI of the mdev core, as upstream Linux defines it and as
 * mdevctl, libvirt and QEMU read it:
 *
 *   <parent>/mdev_supported_types/<driver>-<id>/{create,name,description,
 *                                     available_instances,device_api,devices/}
 *   /sys/bus/mdev/devices/<uuid>/{remove,mdev_type}
 */
#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "mdev_private.h"
#include "mdev_uuid.h"

struct mdev_type_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdev_type *type, char *buf);
	ssize_t (*store)(struct mdev_type *type, const char *buf,
			 size_t count);
};

#define to_mdev_type_attr(_attr) \
	container_of(_attr, struct mdev_type_attribute, attr)
#define to_mdev_type(_kobj) container_of(_kobj, struct mdev_type, kobj)

static ssize_t mdev_type_attr_show(struct kobject *kobj,
				   struct attribute *attr, char *buf)
{
	struct mdev_type_attribute *tattr = to_mdev_type_attr(attr);

	return tattr->show ? tattr->show(to_mdev_type(kobj), buf) : -EIO;
}

static ssize_t mdev_type_attr_store(struct kobject *kobj,
				    struct attribute *attr,
				    const char *buf, size_t count)
{
	struct mdev_type_attribute *tattr = to_mdev_type_attr(attr);

	return tattr->store ? tattr->store(to_mdev_type(kobj), buf, count) :
			      -EIO;
}

static const struct sysfs_ops mdev_type_sysfs_ops = {
	.show = mdev_type_attr_show,
	.store = mdev_type_attr_store,
};

static ssize_t create_store(struct mdev_type *type, const char *buf,
			    size_t count)
{
	u8 uuid[16];
	int ret;

	ret = mdev_uuid_parse(buf, count, uuid);
	if (ret) {
		dev_warn_ratelimited(type->parent->dev,
				     "%s: create: not a UUID (want 36 characters, 8-4-4-4-12 hex digits, optional newline; got %zu bytes)\n",
				     kobject_name(&type->kobj), count);
		return ret;
	}
	ret = mdev_device_create(type, uuid);
	return ret ? ret : count;
}

static struct mdev_type_attribute mdev_type_attr_create = __ATTR_WO(create);

static ssize_t device_api_show(struct mdev_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", type->parent->ops->device_api);
}

static struct mdev_type_attribute mdev_type_attr_device_api =
	__ATTR_RO(device_api);

static ssize_t name_show(struct mdev_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", type->pretty_name ? type->pretty_name :
							   type->sysfs_name);
}

static struct mdev_type_attribute mdev_type_attr_name = __ATTR_RO(name);

static ssize_t available_instances_show(struct mdev_type *type, char *buf)
{
	return sysfs_emit(buf, "%u\n", type->parent->ops->get_available(type));
}

static struct mdev_type_attribute mdev_type_attr_available_instances =
	__ATTR_RO(available_instances);

static ssize_t description_show(struct mdev_type *type, char *buf)
{
	return type->parent->ops->show_description(type, buf);
}

static struct mdev_type_attribute mdev_type_attr_description =
	__ATTR_RO(description);

static struct attribute *mdev_type_attrs[] = {
	&mdev_type_attr_create.attr,
	&mdev_type_attr_device_api.attr,
	&mdev_type_attr_name.attr,
	&mdev_type_attr_available_instances.attr,
	&mdev_type_attr_description.attr,
	NULL,
};

static umode_t mdev_type_attr_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	struct mdev_type *type = to_mdev_type(kobj);

	if (attr == &mdev_type_attr_description.attr &&
	    !type->parent->ops->show_description)
		return 0;
	return attr->mode;
}

static const struct attribute_group mdev_type_group = {
	.attrs = mdev_type_attrs,
	.is_visible = mdev_type_attr_visible,
};

static const struct attribute_group *mdev_type_groups[] = {
	&mdev_type_group,
	NULL,
};

static void mdev_type_release(struct kobject *kobj)
{
	struct mdev_type *type = to_mdev_type(kobj);

	kfree(type->sysfs_name);
	kfree(type->pretty_name);
	mdev_parent_put(type->parent);
	kfree(type);
	mdev_object_put();
}

static const struct kobj_type mdev_type_ktype = {
	.sysfs_ops = &mdev_type_sysfs_ops,
	.release = mdev_type_release,
	.default_groups = mdev_type_groups,
};

/*
 * A type id becomes part of a sysfs directory name and of mdevctl's JSON;
 * keep it to characters that need no quoting anywhere.
 */
static bool mdev_type_id_valid(const char *id)
{
	size_t len = id ? strlen(id) : 0;
	size_t i;

	if (!len || len > 32)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(id[i]) && !strchr("-_.", id[i]))
			return false;
	return true;
}

static struct mdev_type *mdev_type_add(struct mdev_parent *parent,
				       const struct mdev_type_desc *desc)
{
	struct mdev_type *type;
	int ret;

	if (!mdev_type_id_valid(desc->sysfs_name)) {
		dev_err(parent->dev, "invalid mdev type id \"%s\"\n",
			desc->sysfs_name ? desc->sysfs_name : "(null)");
		return ERR_PTR(-EINVAL);
	}

	type = kzalloc(sizeof(*type), GFP_KERNEL);
	if (!type)
		return ERR_PTR(-ENOMEM);
	type->sysfs_name = kstrdup(desc->sysfs_name, GFP_KERNEL);
	type->pretty_name = kstrdup(desc->pretty_name, GFP_KERNEL);
	if (!type->sysfs_name || (desc->pretty_name && !type->pretty_name)) {
		kfree(type->sysfs_name);
		kfree(type->pretty_name);
		kfree(type);
		return ERR_PTR(-ENOMEM);
	}
	type->driver_data = desc->driver_data;
	type->parent = parent;
	kref_get(&parent->ref);
	mdev_object_get();

	/* From here on the kobject release frees the type and its strings. */
	type->kobj.kset = parent->types_kset;
	ret = kobject_init_and_add(&type->kobj, &mdev_type_ktype, NULL,
				   "%s-%s", dev_driver_string(parent->dev),
				   type->sysfs_name);
	if (ret)
		goto err_put;

	type->devices_kobj = kobject_create_and_add("devices", &type->kobj);
	if (!type->devices_kobj) {
		ret = -ENOMEM;
		goto err_del;
	}
	return type;

err_del:
	kobject_del(&type->kobj);
err_put:
	kobject_put(&type->kobj);
	return ERR_PTR(ret);
}

static void mdev_type_remove(struct mdev_type *type)
{
	kobject_put(type->devices_kobj);
	kobject_del(&type->kobj);
	kobject_put(&type->kobj);
}

/**
 * mdev_types_add() - publish a parent's types in sysfs
 * @parent: the parent; @parent->types has room for @nr entries
 * @descs: the types
 * @nr: number of types
 *
 * Return: 0, or a negative errno with nothing left behind.
 */
int mdev_types_add(struct mdev_parent *parent,
		   const struct mdev_type_desc *descs, unsigned int nr)
{
	unsigned int i;

	parent->types_kset = kset_create_and_add("mdev_supported_types", NULL,
						 &parent->dev->kobj);
	if (!parent->types_kset)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		struct mdev_type *type = mdev_type_add(parent, &descs[i]);

		if (IS_ERR(type)) {
			mdev_types_remove(parent);
			return PTR_ERR(type);
		}
		parent->types[parent->nr_types++] = type;
	}
	return 0;
}

/**
 * mdev_types_remove() - withdraw every type of a parent from sysfs
 * @parent: the parent
 *
 * The types themselves are freed when their last reference goes, which
 * may be after an mdev of the type is released.
 */
void mdev_types_remove(struct mdev_parent *parent)
{
	while (parent->nr_types)
		mdev_type_remove(parent->types[--parent->nr_types]);
	kset_unregister(parent->types_kset);
	parent->types_kset = NULL;
}

static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned long val;
	int ret;

	if (kstrtoul(buf, 0, &val) < 0 || !val) {
		dev_warn_ratelimited(dev, "remove: write 1 to remove the device\n");
		return -EINVAL;
	}

	/* Only the writer that removes the file goes on to remove the mdev. */
	if (device_remove_file_self(dev, attr)) {
		ret = mdev_device_remove(to_mdev_device(dev));
		if (ret)
			return ret;
	}
	return count;
}

static DEVICE_ATTR_WO(remove);

static struct attribute *mdev_device_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};

static const struct attribute_group mdev_device_group = {
	.attrs = mdev_device_attrs,
};

/* The attributes of every mdev; mdev_core.c gives them to its device type. */
const struct attribute_group *mdev_device_groups[] = {
	&mdev_device_group,
	NULL,
};

/**
 * mdev_device_links_add() - link an mdev and its type both ways
 * @mdev: the device, already added
 *
 * Return: 0, or a negative errno with no link left.
 */
int mdev_device_links_add(struct mdev_device *mdev)
{
	struct mdev_type *type = mdev->type;
	int ret;

	ret = sysfs_create_link(type->devices_kobj, &mdev->dev.kobj,
				dev_name(&mdev->dev));
	if (ret)
		return ret;
	ret = sysfs_create_link(&mdev->dev.kobj, &type->kobj, "mdev_type");
	if (ret)
		sysfs_remove_link(type->devices_kobj, dev_name(&mdev->dev));
	return ret;
}

void mdev_device_links_remove(struct mdev_device *mdev)
{
	sysfs_remove_link(&mdev->dev.kobj, "mdev_type");
	sysfs_remove_link(mdev->type->devices_kobj, dev_name(&mdev->dev));
}
