/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `usbroute status` (and the daemon's status) shows: the machine,
 * the table, and the devices on the ports, as text or as JSON. */
#ifndef UR_REPORT_H
#define UR_REPORT_H

#include <stdio.h>

#include "machine.h"
#include "table.h"

void ur_report_text(FILE *out, const struct ur_machine *m,
    const struct ur_table *t);
void ur_report_json(FILE *out, const struct ur_machine *m,
    const struct ur_table *t);

/* A JSON string literal, escaped. */
void ur_report_json_string(FILE *out, const char *s);

#endif
