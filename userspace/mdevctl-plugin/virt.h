/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libvirt, loaded at run time (dlopen of libvirt.so.0): the tool works on
 * hosts without libvirt, and "list" works without libvirtd.
 */
#ifndef VS_VIRT_H
#define VS_VIRT_H

#include <stdbool.h>
#include <stddef.h>

struct vs_virt;

/*
 * Connect to uri (NULL: $LIBVIRT_DEFAULT_URI, else qemu:///system).
 * Return: a connection, or NULL with err saying why (no libvirt.so, no
 * daemon, ...).
 */
struct vs_virt *vs_virt_open(const char *uri, bool readonly, char *err,
			     size_t errlen);
void vs_virt_close(struct vs_virt *v);

/* A libvirt domain that names an mdev. */
struct vs_vm_use {
	char name[256];
	bool active;		/* the domain runs */
	bool live;		/* it runs with the mdev (its live XML has it) */
	bool config;		/* its persistent definition names the mdev */
};

#define VS_MAX_VM_USES 16

/*
 * Every domain whose live XML (running domains) or persistent definition
 * names the mdev, sorted by name; the first max into u.
 * Return: how many there are (more than max: only max filled), or -1
 * with err.
 */
int vs_virt_mdev_users(struct vs_virt *v, const char *uuid,
		       struct vs_vm_use *u, size_t max, char *err, size_t errlen);

/*
 * Add the mdev to the persistent definition of domain.
 * Return: 1 added, 0 already there, -1 error (err), -2 no such domain.
 */
int vs_virt_assign(struct vs_virt *v, const char *uuid, const char *domain,
		   char *err, size_t errlen);

/*
 * Remove the mdev from the persistent definition of domain.
 * Return: 1 removed, 0 was not there, -1 error (err), -2 no such domain.
 */
int vs_virt_unassign(struct vs_virt *v, const char *uuid, const char *domain,
		     char *err, size_t errlen);

#endif /* VS_VIRT_H */
