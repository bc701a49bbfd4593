// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslice mediated device core: parent registration, and creation,
 * removal and release of mdevs (their sysfs attributes are mdev_sysfs.c's).
 *
 * The bus ("mdev"), the class ("mdev_bus") and the sysfs layout are the
 * upstream ABI, so this module and the in-tree mdev.ko cannot be loaded
 * at the same time.
 */
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <kunit/visibility.h>

#include "mdev_private.h"

/*
 * mdev_list_lock protects mdev_list (every mdev from the start of its
 * create to the end of its remove, so that UUIDs are unique across all
 * parents), the ->active flag of every mdev, and parent_list.  It is never
 * held across a call into a driver or the driver core.
 */
static DEFINE_MUTEX(mdev_list_lock);
static LIST_HEAD(mdev_list);
/* Woken whenever a create ends; see mdev_device_remove(). */
static DECLARE_WAIT_QUEUE_HEAD(mdev_create_wq);

struct mdev_parent_entry {
	struct list_head next;
	struct mdev_parent *parent;
};

static LIST_HEAD(parent_list);

static struct class_compat *mdev_bus_compat_class;

/*
 * Types and mdevs are released by this module's code, possibly well after
 * their last user let go (DEBUG_KOBJECT_RELEASE delays releases by
 * seconds).  Module exit waits until none is left.
 */
static atomic_t mdev_objects = ATOMIC_INIT(0);

void mdev_object_get(void)
{
	atomic_inc(&mdev_objects);
}

void mdev_object_put(void)
{
	if (atomic_dec_and_test(&mdev_objects))
		wake_up_var(&mdev_objects);
}

static void mdev_parent_release(struct kref *ref)
{
	struct mdev_parent *parent = container_of(ref, struct mdev_parent, ref);

	put_device(parent->dev);
	kfree(parent->types);
	kfree(parent);
}

void mdev_parent_put(struct mdev_parent *parent)
{
	kref_put(&parent->ref, mdev_parent_release);
}

/* mdevctl's udev rule starts defined devices on MDEV_STATE=registered. */
static void mdev_parent_uevent(struct device *dev, const char *state)
{
	char *envp[2] = { (char *)state, NULL };

	kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, envp);
}

static bool mdev_parent_ops_valid(const struct mdev_parent_ops *ops)
{
	return ops && ops->device_api && ops->get_available && ops->create &&
	       ops->remove;
}

static int mdev_parent_list_add(struct mdev_parent *parent)
{
	struct mdev_parent_entry *entry, *tmp;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;
	entry->parent = parent;

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(tmp, &parent_list, next) {
		if (tmp->parent->dev == parent->dev) {
			mutex_unlock(&mdev_list_lock);
			kfree(entry);
			return -EEXIST;
		}
	}
	list_add_tail(&entry->next, &parent_list);
	mutex_unlock(&mdev_list_lock);
	return 0;
}

static void mdev_parent_list_del(struct mdev_parent *parent)
{
	struct mdev_parent_entry *entry;

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(entry, &parent_list, next) {
		if (entry->parent == parent) {
			list_del(&entry->next);
			kfree(entry);
			break;
		}
	}
	mutex_unlock(&mdev_list_lock);
}

/**
 * vslice_mdev_register_parent() - make a device an mdev parent
 * @dev: the parent device; the core keeps a reference until it is done
 * @ops: the parent driver's ops; must stay valid until unregistration
 * @types: the types to publish; copied, so may be temporary
 * @nr_types: number of entries in @types (at least one)
 * @driver_data: the parent driver's state, see mdev_parent_drvdata()
 *
 * Publishes mdev_supported_types/ under @dev, the /sys/class/mdev_bus
 * link, and sends a change uevent with MDEV_STATE=registered, which is
 * what mdevctl's udev rule starts defined devices on.
 *
 * Return: the parent, or an ERR_PTR(): -EINVAL for bad @ops or @types,
 * -EEXIST when @dev is a parent already, -ENOMEM.
 */
struct mdev_parent *
vslice_mdev_register_parent(struct device *dev,
			    const struct mdev_parent_ops *ops,
			    const struct mdev_type_desc *types,
			    unsigned int nr_types, void *driver_data)
{
	struct mdev_parent *parent;
	int ret;

	if (!mdev_parent_ops_valid(ops) || !types || !nr_types)
		return ERR_PTR(-EINVAL);

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return ERR_PTR(-ENOMEM);
	parent->types = kcalloc(nr_types, sizeof(*parent->types), GFP_KERNEL);
	if (!parent->types) {
		kfree(parent);
		return ERR_PTR(-ENOMEM);
	}
	parent->dev = get_device(dev);
	parent->ops = ops;
	parent->driver_data = driver_data;
	init_rwsem(&parent->unreg_sem);
	kref_init(&parent->ref);

	ret = mdev_parent_list_add(parent);
	if (ret)
		goto err_put;

	ret = mdev_types_add(parent, types, nr_types);
	if (ret)
		goto err_list;

	ret = class_compat_create_link(mdev_bus_compat_class, dev, NULL);
	if (ret)
		goto err_types;

	mdev_parent_uevent(dev, "MDEV_STATE=registered");
	return parent;

err_types:
	mdev_types_remove(parent);
err_list:
	mdev_parent_list_del(parent);
err_put:
	mdev_parent_put(parent);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vslice_mdev_register_parent);

static void mdev_unlist(struct mdev_device *mdev)
{
	mutex_lock(&mdev_list_lock);
	list_del(&mdev->next);
	WRITE_ONCE(mdev->creating, false);
	mutex_unlock(&mdev_list_lock);
	wake_up_all(&mdev_create_wq);
}

/*
 * Tear down a device that is fully created.  The caller holds
 * unreg_sem (read for a single remove, write for unregistration) and has
 * cleared ->active.  device_del() unbinds the bus driver, which waits
 * until userspace closes the device.
 */
static void mdev_device_remove_common(struct mdev_device *mdev)
{
	const struct mdev_parent_ops *ops = mdev_parent_of(mdev)->ops;

	mdev_device_links_remove(mdev);
	device_del(&mdev->dev);
	ops->remove(mdev);
	mdev_unlist(mdev);
	put_device(&mdev->dev);
}

static int mdev_remove_child(struct device *dev, void *data)
{
	struct mdev_device *mdev;

	if (dev->bus != &mdev_bus_type)
		return 0;
	mdev = to_mdev_device(dev);
	if (mdev_parent_of(mdev) != data)
		return 0;

	mutex_lock(&mdev_list_lock);
	mdev->active = false;
	mutex_unlock(&mdev_list_lock);
	mdev_device_remove_common(mdev);
	return 0;
}

/**
 * vslice_mdev_unregister_parent() - withdraw a parent
 * @parent: from vslice_mdev_register_parent()
 *
 * Refuses new creates, removes every instance of @parent (waiting for
 * userspace to release open ones), withdraws the types and sends
 * MDEV_STATE=unregistered.  No op of @parent is called after this
 * returns, and @parent must not be used again.
 */
void vslice_mdev_unregister_parent(struct mdev_parent *parent)
{
	struct device *dev = parent->dev;

	down_write(&parent->unreg_sem);
	class_compat_remove_link(mdev_bus_compat_class, dev, NULL);
	device_for_each_child(dev, parent, mdev_remove_child);
	mdev_types_remove(parent);
	up_write(&parent->unreg_sem);

	mdev_parent_uevent(dev, "MDEV_STATE=unregistered");
	mdev_parent_list_del(parent);
	mdev_parent_put(parent);
}
EXPORT_SYMBOL_GPL(vslice_mdev_unregister_parent);

struct mdev_driver_pick {
	struct mdev_device *mdev;
	struct mdev_driver *drv;
};

static int mdev_pick_driver(struct device_driver *driver, void *data)
{
	struct mdev_driver *drv = to_mdev_driver(driver);
	struct mdev_driver_pick *pick = data;

	if (drv->match && !drv->match(pick->mdev))
		return 0;
	if (!try_module_get(driver->owner))
		return 0;
	pick->drv = drv;
	return 1;
}

static int mdev_bind_driver(struct mdev_device *mdev)
{
	struct mdev_driver_pick pick = { .mdev = mdev };
	int ret;

	bus_for_each_drv(&mdev_bus_type, NULL, &pick, mdev_pick_driver);
	if (!pick.drv) {
		dev_warn(mdev->dev.parent,
			 "create: no mdev bus driver serves %s devices (is vslice_vfio_mdev loaded?)\n",
			 mdev_parent_of(mdev)->ops->device_api);
		return -ENODEV;
	}
	ret = device_driver_attach(&pick.drv->driver, &mdev->dev);
	module_put(pick.drv->driver.owner);
	return ret;
}

/*
 * The last reference to an mdev went: it is off mdev_list already (its
 * removal, or the failed create, took it off), so only the memory that
 * mdev_device_create() allocated and the type reference it took remain.
 */
static void mdev_device_release(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);

	kobject_put(&mdev->type->kobj);
	kfree(mdev);
	mdev_object_put();
}

/*
 * No name: a named type puts DEVTYPE= in every uevent of the device, and
 * libvirt's udev backend ignores devices with a DEVTYPE it does not know
 * (virsh then shows a running vGPU as inactive).  The in-tree mdev core
 * sends none either.
 */
static const struct device_type mdev_device_type = {
	.groups = mdev_device_groups,
	.release = mdev_device_release,
};

/**
 * mdev_device_create() - create an mdev of a type
 * @type: the type
 * @uuid: the new device's UUID, 16 bytes in text order
 *
 * Return: 0, or -EEXIST (the UUID exists on any parent), -ENOSPC (no
 * room, from the parent driver), -ENODEV (the parent is going away, or
 * no bus driver), or another -errno.  On failure nothing is left behind.
 */
int mdev_device_create(struct mdev_type *type, const u8 uuid[16])
{
	struct mdev_parent *parent = type->parent;
	struct mdev_device *mdev, *tmp;
	int ret;

	if (!down_read_trylock(&parent->unreg_sem)) {
		dev_warn(parent->dev, "create: parent is being unregistered\n");
		return -ENODEV;
	}

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(tmp, &mdev_list, next) {
		if (!memcmp(tmp->uuid, uuid, sizeof(tmp->uuid))) {
			mutex_unlock(&mdev_list_lock);
			dev_warn(parent->dev, "create: %pUb already exists\n",
				 uuid);
			ret = -EEXIST;
			goto out_up;
		}
	}
	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL);
	if (!mdev) {
		mutex_unlock(&mdev_list_lock);
		ret = -ENOMEM;
		goto out_up;
	}
	memcpy(mdev->uuid, uuid, sizeof(mdev->uuid));
	mdev->creating = true;
	list_add(&mdev->next, &mdev_list);
	mutex_unlock(&mdev_list_lock);
	mdev_object_get();

	/* From device_initialize() on, the release frees mdev. */
	kobject_get(&type->kobj);
	mdev->type = type;
	device_initialize(&mdev->dev);
	mdev->dev.parent = parent->dev;
	mdev->dev.bus = &mdev_bus_type;
	mdev->dev.type = &mdev_device_type;
	mdev->dev.groups = parent->ops->dev_groups;
	ret = dev_set_name(&mdev->dev, "%pUb", uuid);
	if (ret)
		goto out_put;

	ret = parent->ops->create(mdev);
	if (ret) {
		if (ret == -ENOSPC)
			dev_warn(parent->dev, "create: no room for another %s\n",
				 kobject_name(&type->kobj));
		else
			dev_warn(parent->dev, "create: %s failed: %d\n",
				 kobject_name(&type->kobj), ret);
		goto out_put;
	}

	ret = device_add(&mdev->dev);
	if (ret)
		goto out_remove;
	ret = mdev_bind_driver(mdev);
	if (ret)
		goto out_del;
	ret = mdev_device_links_add(mdev);
	if (ret)
		goto out_del;

	mutex_lock(&mdev_list_lock);
	mdev->active = true;
	WRITE_ONCE(mdev->creating, false);
	mutex_unlock(&mdev_list_lock);
	wake_up_all(&mdev_create_wq);
	up_read(&parent->unreg_sem);
	return 0;

out_del:
	device_del(&mdev->dev);
out_remove:
	parent->ops->remove(mdev);
out_put:
	mdev_unlist(mdev);
	put_device(&mdev->dev);
out_up:
	up_read(&parent->unreg_sem);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_device_create);

static bool mdev_listed(struct mdev_device *mdev)
{
	struct mdev_device *tmp;

	lockdep_assert_held(&mdev_list_lock);
	list_for_each_entry(tmp, &mdev_list, next)
		if (tmp == mdev)
			return true;
	return false;
}

/*
 * The condition of a wait_event(): it runs with the task no longer
 * TASK_RUNNING, so it may not sleep on mdev_list_lock.  ->creating only
 * ever goes from true to false, and the waker clears it before wake_up_all().
 */
static bool mdev_create_ended(struct mdev_device *mdev)
{
	return !READ_ONCE(mdev->creating);
}

/**
 * mdev_device_remove() - remove an mdev
 * @mdev: the device
 *
 * Its remove file exists from device_add() on, before the create is
 * complete: a remove that comes then waits for the create to end, and
 * removes the device if the create succeeded.
 *
 * Return: 0; -EAGAIN when the device is being removed already; -ENODEV
 * when it is gone (its create failed) or its parent is being unregistered
 * (which removes it).
 */
int mdev_device_remove(struct mdev_device *mdev)
{
	struct mdev_parent *parent;

	/*
	 * A racing parent unregistration may have freed @mdev already: only
	 * a device still on the list may be touched, and the reference
	 * taken here keeps it, its type and its parent alive until the end.
	 */
	mutex_lock(&mdev_list_lock);
	if (!mdev_listed(mdev)) {
		mutex_unlock(&mdev_list_lock);
		return -ENODEV;
	}
	get_device(&mdev->dev);
	if (mdev->creating) {
		mutex_unlock(&mdev_list_lock);
		wait_event(mdev_create_wq, mdev_create_ended(mdev));
		mutex_lock(&mdev_list_lock);
		if (!mdev_listed(mdev)) {
			mutex_unlock(&mdev_list_lock);
			put_device(&mdev->dev);
			return -ENODEV;
		}
	}
	if (!mdev->active) {
		mutex_unlock(&mdev_list_lock);
		put_device(&mdev->dev);
		return -EAGAIN;
	}
	mdev->active = false;
	mutex_unlock(&mdev_list_lock);

	parent = mdev_parent_of(mdev);
	if (!down_read_trylock(&parent->unreg_sem)) {
		put_device(&mdev->dev);
		return -ENODEV;
	}
	mdev_device_remove_common(mdev);
	up_read(&parent->unreg_sem);
	put_device(&mdev->dev);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_device_remove);

/*
 * The bus and class names are ABI and cannot be shared with the in-tree
 * mdev.ko.  Registering a duplicate bus makes sysfs dump a stack; say
 * what is wrong instead.
 */
static bool mdev_bus_taken(void)
{
	struct path path;

	if (kern_path("/sys/bus/mdev", LOOKUP_FOLLOW, &path))
		return false;
	path_put(&path);
	return true;
}

static int __init mdev_init(void)
{
	int ret;

	if (mdev_bus_taken()) {
		pr_err("vslice_mdev: bus \"mdev\" exists already: the in-tree mdev module (or another mdev core) is loaded; remove it first (modprobe -r mdev)\n");
		return -EBUSY;
	}

	ret = mdev_bus_register();
	if (ret)
		return ret;

	mdev_bus_compat_class = class_compat_register("mdev_bus");
	if (!mdev_bus_compat_class) {
		mdev_bus_unregister();
		return -ENOMEM;
	}
	return 0;
}

static void __exit mdev_exit(void)
{
	wait_var_event(&mdev_objects, !atomic_read(&mdev_objects));
	class_compat_unregister(mdev_bus_compat_class);
	mdev_bus_unregister();
}

module_init(mdev_init);
module_exit(mdev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vslice mediated device core (replaces mdev.ko)");
MODULE_AUTHOR("The vslice authors");
