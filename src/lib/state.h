/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ownership table on disk: STATE_DIR/owners, replaced atomically,
 * under an exclusive flock on STATE_DIR/lock. */
#ifndef UR_STATE_H
#define UR_STATE_H

#include "err.h"
#include "table.h"

struct ur_lock {
	int fd;
};

/*
 * The one decision on whether a state directory may be believed: it is a
 * real directory (not a link), owned by root or by the running user, and
 * writable by nobody else.  Anyone else who can write there can forge the
 * ownership table root acts on, or plant links.  Returns 0 or -1.
 */
int ur_state_dir_trusted(const char *dir, struct ur_err *err);

/* Takes the lock, waiting at most timeout_ms; creates the directory, and
 * refuses one ur_state_dir_trusted does not trust. */
int ur_state_lock(const char *dir, int timeout_ms, struct ur_lock *lk,
    struct ur_err *err);
void ur_state_unlock(struct ur_lock *lk);

/* For a process that locks often (the daemon): ur_state_unlock_keep
 * drops the lock but keeps the file open, and ur_state_relock takes it
 * again on that file while it is still the one at the path (else opens
 * it anew, as ur_state_lock).  lk->fd -1: nothing kept yet. */
int ur_state_relock(const char *dir, int timeout_ms, struct ur_lock *lk,
    struct ur_err *err);
void ur_state_unlock_keep(struct ur_lock *lk);

/* A missing file is an empty table; a malformed one is an error that
 * names the file and line. */
int ur_state_load(const char *dir, struct ur_table *t, struct ur_err *err);
int ur_state_save(const char *dir, const struct ur_table *t,
    struct ur_err *err);

/* STATE_DIR/pm-saved: power/control's value before usbroute held it,
 * recorded before it is changed and forgotten once it is put back;
 * ur_state_load fills pm_saved from it when the table lacks it. */
int ur_state_pm_record(const char *dir, const char *value,
    struct ur_err *err);
void ur_state_pm_forget(const char *dir);

/* Does owner id hold anything in dir's table?  1 yes, 0 no (or no table
 * yet: the directory is not created), -1 on an error.  Read under the
 * lock; links libc only, for the hook's front. */
int ur_state_holds(const char *dir, const char *id, int timeout_ms,
    struct ur_err *err);

/* Text form, for tests and the fuzzer. */
int ur_state_parse(const char *text, const char *name, struct ur_table *t,
    struct ur_err *err);
int ur_state_format(const struct ur_table *t, char *buf, size_t len);

#endif
