/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Feeds files to a fuzz target's LLVMFuzzerTestOneInput without
 * libFuzzer, so that `make check` replays the corpora with the normal
 * compiler and flags.  Arguments are files or directories (every regular
 * file in them); with none, the directory FUZZ_CORPUS the program was
 * built with.  A broken invariant traps, which fails the test.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define INPUT_MAX (1u << 20)

static int
replay_file(const char *path)
{
	FILE *f;
	uint8_t *buf;
	size_t n;
	int rc = 0;

	if ((f = fopen(path, "rbe")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(INPUT_MAX)) == NULL) {
		fprintf(stderr, "replay: out of memory\n");
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, INPUT_MAX, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "replay: %s: %s\n", path, ferror(f) ?
		    "read error" : "larger than 1 MiB");
		rc = -1;
	} else {
		/* An exact-size copy, so overreads show under ASan. */
		uint8_t *exact = malloc(n > 0 ? n : 1);

		if (exact == NULL)
			abort();
		memcpy(exact, buf, n);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	free(buf);
	fclose(f);
	return rc;
}

static int
replay_dir(const char *dir, int *count)
{
	struct dirent *e;
	struct stat st;
	char path[4096];
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    e->d_name) >= sizeof(path) || stat(path, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) < 0)
			rc = -1;
		else
			(*count)++;
	}
	closedir(d);
	return rc;
}

static int
replay(const char *arg, int *count)
{
	struct stat st;

	if (stat(arg, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", arg, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(arg, count);
	if (replay_file(arg) < 0)
		return -1;
	(*count)++;
	return 0;
}

int
main(int argc, char **argv)
{
	int count = 0, i, rc = 0;

	if (argc < 2) {
#ifdef FUZZ_CORPUS
		rc = replay(FUZZ_CORPUS, &count);
#else
		fprintf(stderr, "usage: %s file-or-directory ...\n", argv[0]);
		return 2;
#endif
	}
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &count) < 0)
			rc = -1;
	printf("%s: %d inputs replayed\n", argv[0], count);
	if (rc == 0 && count == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	return rc == 0 ? 0 : 1;
}
