/* ntmd: the daemon. Loads the plans, serves feeds, sends reminders; one thread, one loop. */
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "date.h"
#include "http.h"
#include "log.h"
#include "remind.h"
#include "setup.h"
#include "store.h"
#include "sync.h"

#define MAX_SLEEP_MS 30000	/* look for changes by ntmctl at least this often */

struct daemon {
	struct config	*config;
	sqlite3		*db;
	struct http	*http;
	struct mailer	*mailer;
	struct workcal	*cal;		/* the working days of the loaded holiday files */
	int		 sigfd;
};

static void
usage(void)
{
	fprintf(stderr, "usage: ntmd [-nv] -c FILE\n"
	    "  -c FILE  configuration (libconfig)\n"
	    "  -n       check the configuration and calendars, then exit\n"
	    "  -v       log debug lines\n");
	exit(EX_USAGE);
}

/* ntmd -n: like nginx -t, every problem as file:line and a non-zero exit. */
static int
check_only(struct config *c)
{
	struct diag d = { 0 };
	struct plan **plans;
	size_t tasks = 0;
	int n, i;

	workcal_free(sync_load_workcal(c, &d));
	n = sync_load_plans(c, &plans, NULL, &d);
	diag_print(&d, stderr);
	if (n < 0 || diag_errors(&d) > 0) {
		if (n >= 0)
			sync_free_plans(plans, (size_t)n);
		diag_free(&d);
		return EX_DATAERR;
	}
	diag_free(&d);
	for (i = 0; i < n; i++)
		tasks += plans[i]->ntasks;
	printf("%s: configuration ok; %d plans, %zu tasks\n", c->path, n, tasks);
	sync_free_plans(plans, (size_t)n);
	return 0;
}

/* Load the calendars into the database; a bad file changes nothing. */
static int
load_calendars(struct daemon *dm, const struct config *c)
{
	struct diag d = { 0 };
	struct workcal *cal;
	struct sync_stats s;
	int rc = sync_calendars(dm->db, c, clock_now(), &s, &cal, &d);

	if (rc < 0) {
		size_t i;

		for (i = 0; i < d.n; i++)
			log_warnx("%s", d.msgs[i]);
	} else {
		log_info("calendars loaded: %zu plans, %zu tasks, %zu occurrences (%zu new, "
		    "%zu changed, %zu cancelled)", s.plans, s.tasks, s.occ_total, s.occ_new,
		    s.occ_changed, s.occ_cancelled);
		workcal_free(dm->cal);
		dm->cal = cal;
	}
	diag_free(&d);
	return rc;
}

/* SIGHUP: read the config and calendars again; swap only if all of it is good. */
static void
reload(struct daemon *dm)
{
	struct diag d = { 0 };
	struct config *c = config_load(dm->config->path, &d);
	size_t i;

	for (i = 0; i < d.n; i++)
		log_warnx("%s", d.msgs[i]);
	diag_free(&d);
	if (c == NULL || load_calendars(dm, c) < 0) {
		log_warnx("reload failed: keeping the running configuration");
		config_free(c);
		zone_set(dm->config->timezone);
		return;
	}
	if (strcmp(c->database, dm->config->database) || strcmp(c->http_host,
	    dm->config->http_host) || c->http_port != dm->config->http_port)
		log_warnx("reload: database and http.listen changes take effect on restart");
	mailer_free(dm->mailer);
	config_free(dm->config);
	dm->config = c;
	dm->mailer = mailer_new(c);
	remind_plan(dm->db, c, dm->cal);
	log_info("reloaded %s", c->path);
}

static int
sleep_ms(struct daemon *dm, time_t now, time_t next, uint64_t watchdog_usec)
{
	int ms = MAX_SLEEP_MS, h = http_timeout_ms(dm->http);

	if (next > 0)
		ms = next <= now ? 1000 : (next - now) * 1000 < ms ? (int)(next - now) * 1000 : ms;
	if (h >= 0 && h < ms)
		ms = h;
	if (watchdog_usec > 0 && (int)(watchdog_usec / 2000) < ms)
		ms = (int)(watchdog_usec / 2000);
	return ms;
}

/* Returns when SIGTERM or SIGINT arrives. */
static void
serve(struct daemon *dm)
{
	struct pollfd fds[2] = { { http_fd(dm->http), POLLIN, 0 }, { dm->sigfd, POLLIN, 0 } };
	struct signalfd_siginfo si;
	uint64_t watchdog = 0;
	time_t now, next;

	if (sd_watchdog_enabled(0, &watchdog) <= 0)
		watchdog = 0;
	sd_notifyf(0, "READY=1\nSTATUS=serving feeds on %s:%d", dm->config->http_host,
	    dm->config->http_port);
	log_info("serving on http://%s:%d", dm->config->http_host, dm->config->http_port);
	for (;;) {
		now = clock_now();
		if (store_changed_elsewhere(dm->db))
			remind_plan(dm->db, dm->config, dm->cal);
		next = remind_next(dm->db);
		if (next > 0 && next <= now) {
			remind_run(dm->db, dm->config, dm->mailer, now);
			next = remind_next(dm->db);
		}
		if (watchdog)
			sd_notify(0, "WATCHDOG=1");
		if (poll(fds, 2, sleep_ms(dm, now, next, watchdog)) < 0)
			continue;
		if (fds[1].revents & POLLIN && read(dm->sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				sd_notify(0, "RELOADING=1");
				reload(dm);
				sd_notify(0, "READY=1");
			} else
				break;
		}
		http_run(dm->http);
	}
	sd_notify(0, "STOPPING=1");
	log_info("stopping on signal %u", si.ssi_signo);
}

static int
open_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		fatal("signalfd");
	return fd;
}

int
main(int argc, char **argv)
{
	struct daemon dm = { 0 };
	const char *conf = NULL;
	int ch, check = 0, verbose = 0;
	char *err = NULL;

	while ((ch = getopt(argc, argv, "c:nv")) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (conf == NULL || optind != argc)
		usage();
	log_init("ntmd", verbose);
	dm.config = setup_config(conf);
	if (check) {
		int rc = check_only(dm.config);

		config_free(dm.config);
		return rc;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	dm.sigfd = open_signals();
	dm.db = setup_database(dm.config);
	if (load_calendars(&dm, dm.config) < 0)
		fatalx("the calendars have errors (see above); ntmd -n -c %s checks them", conf);
	remind_recover(dm.db);
	if (remind_plan(dm.db, dm.config, dm.cal) < 0)
		fatalx("cannot plan reminders");
	dm.mailer = mailer_new(dm.config);
	if ((dm.http = http_start(dm.config, dm.db, &err)) == NULL)
		fatalx("%s", err);
	serve(&dm);
	http_stop(dm.http);
	mailer_free(dm.mailer);
	workcal_free(dm.cal);
	store_close(dm.db);
	close(dm.sigfd);
	config_free(dm.config);
	curl_global_cleanup();
	return 0;
}
