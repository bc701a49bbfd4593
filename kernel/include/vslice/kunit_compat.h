/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MODULE_IMPORT_NS() takes a bare token up to 6.12 and a string from
 * 6.13 on; the KUnit suites import the namespace of EXPORT_SYMBOL_IF_KUNIT
 * through this one macro.
 */
#ifndef VSLICE_KUNIT_COMPAT_H
#define VSLICE_KUNIT_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define VSLICE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define VSLICE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

#endif /* VSLICE_KUNIT_COMPAT_H */
