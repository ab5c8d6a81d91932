/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute toggle [DOMAIN] | guest [DOMAIN [PROFILE]] | host [DOMAIN] |
 * profile DOMAIN NAME: ask usbrouted, which owns run-time switching (a
 * hotkey binds `usbroute toggle`). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sock.h"
#include "usbroute.h"

/*
 * A user's hotkey meets a root-only socket: say what to do.  The socket's
 * group says which group to join; a socket of group root means the daemon
 * has no control-group yet.
 */
static void
say_denied(const struct cli *cli, const char *path)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *user = pw != NULL ? pw->pw_name : "$USER";
	const struct group *gr;
	struct stat st;

	if (stat(path, &st) == 0 && st.st_gid != 0 &&
	    (gr = getgrgid(st.st_gid)) != NULL) {
		fprintf(stderr, "usbroute: cannot reach usbrouted at %s: "
		    "Permission denied; it lets in group %s: join it (sudo "
		    "usermod -aG %s %s) and log in again\n", path,
		    gr->gr_name, gr->gr_name, user);
		return;
	}
	fprintf(stderr, "usbroute: cannot reach usbrouted at %s: Permission "
	    "denied; it is root's only: put 'control-group = usbroute' in %s "
	    "(after 'sudo groupadd usbroute'), restart usbrouted, join the "
	    "group (sudo usermod -aG usbroute %s) and log in again\n", path,
	    cli->conf.path, user);
}

static int
ask(const struct cli *cli, const char *request, char *reply, size_t len)
{
	const char *path = ur_conf_control_socket(&cli->conf);
	size_t n = 0;
	ssize_t r;
	int fd;

	fd = ur_sock_connect(path, 0);
	if (fd < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "usbroute: usbrouted is not running "
			    "(nothing listens on %s); start it with "
			    "'systemctl start usbrouted'\n", path);
		else if (errno == EACCES || errno == EPERM)
			say_denied(cli, path);
		else
			fprintf(stderr, "usbroute: cannot reach usbrouted at "
			    "%s: %s\n", path, strerror(errno));
		return EXIT_FAIL;
	}
	if (send(fd, request, strlen(request), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "usbroute: cannot talk to usbrouted: %s\n",
		    strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	while (n < len - 1 && (n == 0 || reply[n - 1] != '\n')) {
		r = read(fd, reply + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	reply[n] = '\0';
	if (n == 0 || reply[n - 1] != '\n') {
		fprintf(stderr, "usbroute: usbrouted closed the connection "
		    "without a reply\n");
		return EXIT_FAIL;
	}
	reply[n - 1] = '\0';
	return EXIT_OK;
}

/* Every control command: its name and words are the request. */
static int
cmd_control(struct cli *cli, const struct cmd_args *a)
{
	const char *verb = a->cmd->name;
	char request[512], reply[16384], **argv = a->argv;
	size_t n;
	int i, rc, argc = a->argc;

	n = (size_t)snprintf(request, sizeof(request), "%s", verb);
	for (i = 0; i < argc; i++) {
		if (strchr(argv[i], '\n') != NULL || strchr(argv[i], ' '))
			return usage_error(verb, "'%s': names hold no blanks",
			    argv[i]);
		n += (size_t)snprintf(request + n, sizeof(request) - n, " %s",
		    argv[i]);
		if (n >= sizeof(request))
			return usage_error(verb, "arguments too long");
	}
	if ((rc = ask(cli, request, reply, sizeof(reply))) != EXIT_OK)
		return rc;
	/* The daemon's line as it is: scripts and the protocol agree. */
	if (strncmp(reply, "ok", 2) == 0) {
		printf("%s\n", reply);
		return EXIT_OK;
	}
	fprintf(stderr, "usbroute: %s\n", strncmp(reply, "error: ", 7) == 0 ?
	    reply + 7 : reply);
	return EXIT_FAIL;
}

const struct cmd cmd_toggle_entry = {
	.name = "toggle", .run = cmd_control, .args = "[DOMAIN]", .min = 0,
	.max = 1,
	.help = "usbrouted: a running domain's ports to the host, or back",
};

const struct cmd cmd_guest_entry = {
	.name = "guest", .run = cmd_control, .args = "[DOMAIN [PROFILE]]",
	.min = 0, .max = 2,
	.help = "usbrouted: a running domain's ports (or a profile's) to the "
	    "guest",
};

const struct cmd cmd_host_entry = {
	.name = "host", .run = cmd_control, .args = "[DOMAIN]", .min = 0,
	.max = 1, .help = "usbrouted: a running domain's ports lent to the host",
};

const struct cmd cmd_profile_entry = {
	.name = "profile", .run = cmd_control, .args = "DOMAIN NAME",
	.min = 2, .max = 2,
	.help = "usbrouted: switch a running domain to another profile",
};
