/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The port map `usbroute map` builds: a name for each physical socket
 * (one USB2 port) and the USB3 port that shares its connector, started
 * from the config's own lines and written back into the config as
 * `port NAME = WORD` and `ss-pair WORD = N` lines beside the ones there,
 * every other line and comment kept, the old file kept as FILE.bak. */
#ifndef UR_PORTMAP_H
#define UR_PORTMAP_H

#include <stdint.h>

#include "chipset.h"
#include "conf.h"
#include "err.h"
#include "route.h"

struct ur_portmap {
	const struct ur_chipset *cs;
	uint16_t switchable;		/* what the progress counts */
	char name[UR_MAX_PORTS][32];	/* "": no name yet */
	uint16_t named_before;		/* names the config had */
	int8_t ss[UR_MAX_PORTS];	/* 1-based USB3 port, 0: none known */
	uint16_t paired_before;		/* ss-pairs the config had */
	char taken[UR_CONF_MAX_NAMES][32];	/* every name the config
					 * uses, single port or not */
	int ntaken;
};

/* From the config's names (those that are one port) and resolved pairs. */
void ur_portmap_init(struct ur_portmap *pm, const struct ur_conf *conf,
    const struct ur_chipset *cs, uint16_t switchable,
    const struct ur_pairs *pairs);

/* Switchable ports with a name, and how many there are. */
int ur_portmap_mapped(const struct ur_portmap *pm);
int ur_portmap_total(const struct ur_portmap *pm);

/* "socket-N", the first N no name uses. */
void ur_portmap_default(const struct ur_portmap *pm, char *buf, size_t len);

/* Names port bit; refuses (err: why, what to do) a bad name or one in
 * use. */
int ur_portmap_name(struct ur_portmap *pm, int bit, const char *name,
    struct ur_err *err);

/* The USB2 port that shares its connector with USB3 port ss (1-based),
 * or -1. */
int ur_portmap_bit_of_ss(const struct ur_portmap *pm, int ss);

/* Records that bit and USB3 port ss share a connector. */
void ur_portmap_pair(struct ur_portmap *pm, int bit, int ss);

/* Ports named and pairs learned since init. */
int ur_portmap_news(const struct ur_portmap *pm);

/* The config text old (may be "") with the new lines: port lines after
 * the last port line, ss-pair lines after the last ss-pair line, else
 * at the end.  NULL when out of memory; the caller frees. */
char *ur_portmap_render(const struct ur_portmap *pm, const char *old);

/* Writes the new lines into the config at path (created with its
 * directory when missing; the old one copied to path.bak first). */
int ur_portmap_write(const struct ur_portmap *pm, const char *path,
    struct ur_err *err);

#endif
