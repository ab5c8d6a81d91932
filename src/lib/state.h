/* The ownership table on disk: STATE_DIR/owners, replaced atomically,
 * under an exclusive flock on STATE_DIR/lock. */
#ifndef UR_STATE_H
#define UR_STATE_H

#include "err.h"
#include "owners.h"

struct ur_lock {
	int fd;
};

/* Takes the lock, waiting at most timeout_ms; creates the directory. */
int ur_state_lock(const char *dir, int timeout_ms, struct ur_lock *lk,
    struct ur_err *err);
void ur_state_unlock(struct ur_lock *lk);

/* A missing file is an empty table; a malformed one is an error that
 * names the file and line. */
int ur_state_load(const char *dir, struct ur_table *t, struct ur_err *err);
int ur_state_save(const char *dir, const struct ur_table *t,
    struct ur_err *err);

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
