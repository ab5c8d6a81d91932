/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host-side socket of a domain's guest channel (metachan.c). */
#ifndef UR_METACHAN_H
#define UR_METACHAN_H

#include <stddef.h>

#include "err.h"

/* The unix socket path of the live domain's serial, console or channel
 * device with this alias (type='unix', mode='bind'); an error says why
 * a device found cannot serve as a toggle device. */
int ur_metachan_path(const char *xml, size_t len, const char *alias,
    char *path, size_t size, struct ur_err *err);

/* The same in a defined (inactive) domain's XML, where a device without
 * an <alias> is known by the one libvirt will give it at start (serial0:
 * the first <serial>, channel1: the second <channel>, ...). */
int ur_metachan_path_defined(const char *xml, size_t len, const char *alias,
    char *path, size_t size, struct ur_err *err);

#endif
