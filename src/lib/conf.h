/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute.conf: one file read by the CLI, the hook and the daemon.
 *
 *   # comment
 *   sysfs-root = /sys
 *   state-dir = /run/usbroute
 *   port front-left = ehci1.3
 *   ss-pair ehci1.1 = 1        # USB2 port ehci1.1 shares USB3 port 1
 *
 * Port words in it are resolved later against the chipset found. */
#ifndef UR_CONF_H
#define UR_CONF_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* libvirt-uri when the config names none: the hook, usbroute domain and
 * usbrouted all connect here. */
#define UR_DEFAULT_URI "qemu:///system"

#include <stdint.h>

#include "chipset.h"
#include "err.h"
#include "key.h"

#define UR_CONF_MAX_NAMES 32
#define UR_CONF_MAX_EXTRA 32
/* hotkey-device lines usbrouted reads at most. */
#define UR_CONF_HOTKEY_DEVICES 8
/* A control-socket path is shorter than this (sun_path's size). */
#define UR_CONF_SOCKET_MAX ((int)sizeof(((struct sockaddr_un *)0)->sun_path))

struct ur_conf_name {
	char name[32];
	char words[64];
	int line;
};

struct ur_conf_pair {
	char word[32];
	int ss_port;		/* 1-based USB3 port */
	int line;
};

struct ur_conf_kv {
	char key[32];
	char value[256];
	int line;
};

struct ur_conf {
	char path[4096];	/* the file read, for messages */
	char sysfs_root[4096];
	char state_dir[4096];
	int lock_timeout_ms;
	int nnames;
	struct ur_conf_name names[UR_CONF_MAX_NAMES];
	int npairs;
	struct ur_conf_pair pairs[UR_MAX_PORTS];
	int nextra;		/* keys of the hook and daemon */
	struct ur_conf_kv extra[UR_CONF_MAX_EXTRA];
};

/* Defaults, then the file.  A missing file is fine when missing_ok (the
 * default path); a named one must exist.  The first line that is wrong
 * (conf.c's table of keys says each key's type) stops it: -1, and err
 * names the file, the line, the key and what to write. */
int ur_conf_load(struct ur_conf *c, const char *path, int missing_ok,
    struct ur_err *err);

void ur_conf_defaults(struct ur_conf *c);

/* A line of the file that is wrong: its number (0: the file as a whole),
 * its key, and one line saying what is wrong and what to write. */
struct ur_conf_problem {
	int line;
	char key[32];
	char msg[512];
};

#define UR_CONF_MAX_PROBLEMS 16

struct ur_conf_problems {
	int n;
	int more;		/* found past the last that fits */
	struct ur_conf_problem p[UR_CONF_MAX_PROBLEMS];
};

/* As ur_conf_load, for `usbroute doctor`: every line that is wrong goes
 * into pr (the same verdict ur_conf_load stops at) and the reading goes
 * on, its key keeping its default; a file that cannot be read is one
 * problem, and the defaults stand.  -1 only for a path too long. */
int ur_conf_load_all(struct ur_conf *c, const char *path, int missing_ok,
    struct ur_conf_problems *pr, struct ur_err *err);

/* What is wrong with name as a port name ("may hold only letters, ..."),
 * or NULL when it is a good one. */
const char *ur_conf_name_problem(const char *name);

/* Value of a key the daemon or hook reads, or NULL. */
const char *ur_conf_get(const struct ur_conf *c, const char *key);

/* Typed values, checked when the file was read (conf.c's table of keys
 * says each key's type, range and default): an integer key's value or
 * its default; whether a yes/no key says yes; an address key's socket
 * address (1), or 0 when it is not set. */
long ur_conf_int(const struct ur_conf *c, const char *key);
int ur_conf_bool(const struct ur_conf *c, const char *key);
int ur_conf_addr(const struct ur_conf *c, const char *key,
    struct sockaddr_storage *ss, socklen_t *len, int *loopback);

/* A group key's group, looked up again now: 1 with its gid, 0 when the
 * key is not set, -1 when the group has gone since the file was read. */
int ur_conf_group(const struct ur_conf *c, const char *key, gid_t *gid,
    struct ur_err *err);

/* A chord key's chord, or its default (checked when the file was read). */
void ur_conf_chord(const struct ur_conf *c, const char *key,
    struct ur_chord *ch);

/* The n-th value (from 0) of a key given on several lines
 * (hotkey-device), or NULL past the last. */
const char *ur_conf_get_nth(const struct ur_conf *c, const char *key, int n);

/* control-socket, or its default /run/usbroute/control. */
const char *ur_conf_control_socket(const struct ur_conf *c);

/* The default config path: $USBROUTE_CONFIG, else SYSCONFDIR/usbroute/usbroute.conf */
const char *ur_conf_default_path(void);

#endif
