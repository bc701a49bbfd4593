/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mdev hostdevs of a libvirt domain definition, through libxml2:
 *
 *   <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
 *     <source><address uuid='...'/></source>
 *   </hostdev>
 */
#ifndef VS_DOMXML_H
#define VS_DOMXML_H

#include <stdbool.h>

/* Return: 1 if the domain XML uses the mdev, 0 if not, -1 if unparsable. */
int vs_domxml_has_mdev(const char *xml, const char *uuid);

/*
 * The domain XML with an mdev hostdev added (*out, caller frees), or
 * unchanged (*out NULL) when it has it already.  Return: 0, or -1 with
 * err filled.
 */
int vs_domxml_add_mdev(const char *xml, const char *uuid, char **out,
		       char *err, size_t errlen);

/*
 * The domain XML without the hostdevs of the mdev (*out, caller frees),
 * *out NULL when it had none.  Return: 0, or -1 with err filled.
 */
int vs_domxml_remove_mdev(const char *xml, const char *uuid, char **out,
			  char *err, size_t errlen);

#endif /* VS_DOMXML_H */
