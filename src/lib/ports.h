/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Port words <-> register bit masks, and the explanation of a mask. */
#ifndef UR_PORTS_H
#define UR_PORTS_H

#include <stdint.h>
#include <stdio.h>

#include "chipset.h"
#include "conf.h"
#include "err.h"

/*
 * Parses port words separated by blanks or commas: "ehci1.3",
 * "ehci2.1-6", "p9", "usbr", "all", a name from the config's port map,
 * or a raw mask "0x00ff".  present: ports that exist on this part;
 * switchable: what firmware lets us move (USB2PRM & present).  Words that
 * name a port outside switchable fail, naming the word and the range.
 */
int ur_ports_parse(const char *words, const struct ur_chipset *cs,
    const struct ur_conf *conf, uint16_t present, uint16_t switchable,
    uint16_t *mask, struct ur_err *err);

/* A raw register value, in hex as setpci writes it: "0x00ff", "00ff". */
int ur_ports_mask(const char *s, uint32_t *value, struct ur_err *err);

/* "ehci1.1-4 ehci2.2 usbr"; "none" for 0. */
void ur_ports_format(uint16_t mask, const struct ur_chipset *cs, char *buf,
    size_t len);

/* The configured name of a single port, or NULL. */
const char *ur_ports_alias(const struct ur_conf *conf,
    const struct ur_chipset *cs, int bit);

/* The seed's diagram: which bits are which EHCI ports and which side
 * each port is on for XUSB2PR = value. */
void ur_ports_explain(FILE *out, uint32_t value, const struct ur_chipset *cs,
    const struct ur_conf *conf, uint16_t present, uint16_t switchable);

#endif
