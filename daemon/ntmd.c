/* ntmd: the daemon. Loads the plans, serves feeds, sends reminders; one thread, one loop. */
#include <curl/curl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "donelink.h"
#include "http.h"
#include "log.h"
#include "remind.h"
#include "setup.h"
#include "state.h"
#include "store.h"
#include "sync.h"
#include "version.h"
#include "xalloc.h"

#define RETRY_MS	1000	/* after the database was busy: try again this soon */
#define STOP_WAIT_MS	5000	/* SIGTERM: how long the mail in flight may take (a stalled
				 * server must not hold the stop past systemd's timeout) */
#define PLAN_SLICE	5000	/* items planned in one pass of the loop during a full plan */
#define MAILER_ASK_MS	1000	/* while mail is in flight, look for ended messages this often */
#define LOOP_BUSY_MS	250	/* SQLite's busy timeout once the loop runs */

struct daemon {
	struct config	*config;
	sqlite3		*db;
	struct http	*http;
	struct mailer	*mailer;
	struct sender	*sender;
	struct workcal	*cal;		/* the working days of the loaded holiday files */
	struct donekey	*linkkey;	/* signs the done links of the mails */
	int		 sigfd;
	int		 dbwatch;	/* inotify on the database's directory: ntmctl's writes */
	char		*dbfile, *walfile;	/* the names to watch for */
	int		 stale;		/* states, reminders and feeds to bring up to date */
	int		 every_state;	/* …all of them, not only the items another writer changed */
	sqlite3_int64	 last_sync;	/* the audit id of the latest sync seen */
	sqlite3_int64	 plan_next, plan_end;	/* a full plan in slices: items still to plan */
	int		 new_mailer;	/* a reload changed the transport: swap when idle */
	int		 stopping;
	ntm_date	 today;
	uint64_t	 watchdog_usec;
	long long	 watchdog_at, retry_at, stop_by;	/* monotonic ms */
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: ntmd [-nv] -c FILE\n"
	    "       ntmd --help | --version\n"
	    "  -c, --config FILE  configuration (libconfig; see ntmd.conf(5))\n"
	    "  -n, --check        check the configuration and calendars, then exit\n"
	    "  -v, --verbose      log debug lines\n"
	    "  -h, --help         this help\n"
	    "  -V, --version      the version\n");
	exit(status);
}

/* ntmd -n: like nginx -t, every problem as file:line and a non-zero exit. */
static int
check_only(struct config *c)
{
	struct diag d = { 0 };
	struct plan **plans;
	size_t tasks = 0;
	int n, i;

	config_read_secrets(c, &d);
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
		if (dm->http)
			http_set_workcal(dm->http, cal);
	}
	diag_free(&d);
	return rc;
}

/* The published states (of every item on a new day or after a sync, else of the items
 * another writer changed) and the changed items' reminders, in one transaction. */
static int
refresh(struct daemon *dm, time_t now)
{
	int every = dm->every_state || date_of(now) != dm->today;

	if (store_exec(dm->db, "BEGIN IMMEDIATE") < 0)
		return -1;
	/* while a full plan runs in slices, the slices plan the noted items too */
	if ((every ? state_refresh(dm->db, now) : state_refresh_changed(dm->db, now)) < 0 ||
	    (dm->plan_next >= dm->plan_end &&
	    remind_plan_changed(dm->db, dm->config, dm->cal, now) < 0) ||
	    store_exec(dm->db, "COMMIT") < 0) {
		store_exec(dm->db, "ROLLBACK");
		return -1;
	}
	return 0;
}

/* What another writer, a reload or a new day changed: the states feeds publish, the
 * reminders to send, the feeds already rendered. A busy database is tried again. */
static void
bring_up_to_date(struct daemon *dm, time_t now)
{
	long long t0 = clock_monotonic_ms();

	if (refresh(dm, now) < 0) {
		log_warnx("database busy or failing: states and reminders are brought up to "
		    "date in %d ms", RETRY_MS);
		dm->retry_at = clock_monotonic_ms() + RETRY_MS;
		return;
	}
	http_forget_feeds(dm->http);
	dm->today = date_of(now);
	dm->stale = 0;
	dm->every_state = 0;
	log_debug("states and reminders brought up to date in %lld ms",
	    clock_monotonic_ms() - t0);
}

/* A sync may have changed any item, lead or address, a reload the reminder policy: every
 * state is published again, and every item's reminders planned again, a slice a pass. */
static void
after_sync(struct daemon *dm)
{
	dm->last_sync = store_last_sync(dm->db);
	dm->every_state = 1;
	dm->stale = 1;
	dm->plan_next = 0;
	if ((dm->plan_end = remind_last_item(dm->db)) < 0)
		dm->plan_end = INT64_MAX;	/* planned to the end of whatever is there */
}

/* One slice of a full plan, in its own transaction, so that feeds are served between. */
static int
plan_slice(struct daemon *dm)
{
	sqlite3_int64 upto = dm->plan_end - dm->plan_next > PLAN_SLICE ?
	    dm->plan_next + PLAN_SLICE : dm->plan_end;

	if (store_exec(dm->db, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (remind_plan_range(dm->db, dm->config, dm->cal, dm->plan_next, upto,
	    clock_now()) < 0 ||
	    store_exec(dm->db, "COMMIT") < 0) {
		store_exec(dm->db, "ROLLBACK");
		return -1;
	}
	if ((dm->plan_next = upto) >= dm->plan_end)
		dm->stale = 1;	/* items noted since, beyond the end or behind the slices */
	return 0;
}

/* SIGHUP: read the config and calendars again; swap only if all of it is good. */
/* Whether c differs from the running configuration in what only a restart applies. */
static int
needs_restart(const struct config *c, const struct config *run)
{
	return strcmp(c->database, run->database) || strcmp(c->http_host, run->http_host) ||
	    c->http_port != run->http_port ||
	    c->http_max_connections != run->http_max_connections ||
	    c->http_max_per_ip != run->http_max_per_ip ||
	    c->http_max_header_kb != run->http_max_header_kb ||
	    c->http_idle_timeout != run->http_idle_timeout ||
	    c->http_total_timeout != run->http_total_timeout;
}

static void
reload(struct daemon *dm)
{
	struct diag d = { 0 };
	struct config *c = config_load(dm->config->path, &d);
	size_t i;
	int rc;

	for (i = 0; i < d.n; i++)
		log_warnx("%s", d.msgs[i]);
	diag_free(&d);
	if (c && config_read_secrets(c, &d) < 0) {
		for (i = 0; i < d.n; i++)
			log_warnx("%s", d.msgs[i]);
		diag_free(&d);
		config_free(c);
		c = NULL;
	}
	sqlite3_busy_timeout(dm->db, 5000);
	rc = c == NULL ? -1 : load_calendars(dm, c);
	sqlite3_busy_timeout(dm->db, LOOP_BUSY_MS);
	if (rc < 0) {
		log_warnx("reload failed: keeping the running configuration");
		config_free(c);
		zone_set(dm->config->timezone);
		return;
	}
	if (needs_restart(c, dm->config))
		log_warnx("reload: changes to database, http.listen and the http limits "
		    "(max_connections, max_connections_per_ip, max_header_kb, idle_timeout, "
		    "total_timeout) take effect on restart");
	config_free(dm->config);
	dm->config = c;
	http_set_cache_mb(dm->http, c->feed_cache_mb);
	dm->new_mailer = !mailer_same(dm->mailer, c);
	after_sync(dm);
	log_info("reloaded %s", c->path);
}

/* Watch the database's directory: ntmctl writing the database or its WAL wakes ntmd,
 * which then asks SQLite whether the data changed. No polling. */
static void
watch_database(struct daemon *dm)
{
	char *copy = xstrdup(dm->config->database), *dir = dirname(copy);

	dm->dbwatch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (dm->dbwatch < 0 || inotify_add_watch(dm->dbwatch, dir, IN_MODIFY | IN_CREATE |
	    IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
		fatal("inotify on %s", dir);
	free(copy);
	copy = xstrdup(dm->config->database);
	dm->dbfile = xstrdup(basename(copy));
	dm->walfile = xasprintf("%s-wal", dm->dbfile);
	free(copy);
}

/* Drain the events; whether one was about the database. */
static int
database_touched(struct daemon *dm)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	int touched = 0, reads = 0;
	char *p;

	/* bounded: a busy neighbour in the directory must not keep the loop here */
	while (reads++ < 16 && (n = read(dm->dbwatch, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->len && (!strcmp(ev->name, dm->dbfile) ||
			    !strcmp(ev->name, dm->walfile)))
				touched = 1;
		}
	return touched;
}

static void
min_ms(int *ms, long long candidate)
{
	if (candidate < 0)
		return;
	if (candidate > INT_MAX)
		candidate = INT_MAX;
	if (*ms < 0 || candidate < *ms)
		*ms = (int)candidate;
}

/* Until the next thing to do: a reminder, midnight, the watchdog, libcurl's or
 * libmicrohttpd's timers, a retry. -1 (sleep until an event) when there is none. */
static int
sleep_ms(struct daemon *dm, time_t now)
{
	long long mono = clock_monotonic_ms();
	time_t next = remind_next(dm->db, dm->config, now);
	int ms = -1;

	/* with every connection busy, the mailer's eventfd is what wakes the loop */
	if (!dm->stopping && !dm->new_mailer && mailer_free_slots(dm->mailer) > 0)
		min_ms(&ms, remind_ready_in_ms(dm->sender, next, now));
	else if (next > now)
		min_ms(&ms, (long long)(next - now) * 1000);
	min_ms(&ms, (long long)(date_at(dm->today + 1, 0) - now) * 1000);
	min_ms(&ms, http_timeout_ms(dm->http));
	min_ms(&ms, remind_settle_in_ms(dm->sender));
	if (mailer_busy(dm->mailer) > 0)	/* a lost wake-up must not stall the mail */
		min_ms(&ms, MAILER_ASK_MS);
	if (dm->watchdog_usec)
		min_ms(&ms, dm->watchdog_at - mono < 0 ? 0 : dm->watchdog_at - mono);
	if (dm->stale || dm->plan_next < dm->plan_end)
		min_ms(&ms, dm->retry_at - mono < 0 ? 0 : dm->retry_at - mono);
	if (dm->stopping)
		min_ms(&ms, dm->stop_by - mono < 0 ? 0 : dm->stop_by - mono);
	return ms;
}

static void
on_signal(struct daemon *dm)
{
	struct signalfd_siginfo si;

	if (read(dm->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP && !dm->stopping) {
		sd_notify(0, "RELOADING=1");
		reload(dm);
		sd_notify(0, "READY=1");
	} else if (si.ssi_signo != SIGHUP && !dm->stopping) {
		log_info("stopping on signal %u", si.ssi_signo);
		sd_notify(0, "STOPPING=1");
		dm->stopping = 1;
		dm->stop_by = clock_monotonic_ms() + STOP_WAIT_MS;
		mailer_finish(dm->mailer);	/* wait for what is on the wire only */
	}
}

/* One pass of the loop's work, none of it waiting. */
static void
work(struct daemon *dm, time_t now)
{
	long long mono = clock_monotonic_ms();

	if (dm->watchdog_usec && mono >= dm->watchdog_at) {
		sd_notify(0, "WATCHDOG=1");
		/* a third of WatchdogSec: a late pass of the loop still leaves a margin */
		dm->watchdog_at = mono + (long long)(dm->watchdog_usec / 3000);
	}
	if (date_of(now) != dm->today)
		dm->stale = 1;
	if (dm->stale && mono >= dm->retry_at)
		bring_up_to_date(dm, now);
	if (dm->plan_next < dm->plan_end && mono >= dm->retry_at && plan_slice(dm) < 0)
		dm->retry_at = clock_monotonic_ms() + RETRY_MS;
	if (dm->new_mailer && !dm->stopping && mailer_busy(dm->mailer) == 0) {
		struct mailer *mr = mailer_new(dm->config);

		if (mr == NULL)
			log_warnx("reload: keeping the previous mail transport");
		else {
			mailer_free(dm->mailer, 0);
			dm->mailer = mr;
		}
		dm->new_mailer = 0;
	}
	remind_work(dm->sender, dm->config, dm->cal, dm->new_mailer ? NULL : dm->mailer, now,
	    dm->stopping);
}

/* Returns when SIGTERM or SIGINT has come and the mail in flight has ended (or had
 * STOP_WAIT_MS to). */
static void
serve(struct daemon *dm)
{
	struct pollfd fds[4];
	time_t now;

	if (sd_watchdog_enabled(0, &dm->watchdog_usec) <= 0)
		dm->watchdog_usec = 0;
	sd_notifyf(0, "READY=1\nSTATUS=serving feeds on %s:%d", dm->config->http_host,
	    dm->config->http_port);
	log_info("serving on http://%s:%d", dm->config->http_host, dm->config->http_port);
	for (;;) {
		now = clock_now();
		work(dm, now);
		if (dm->stopping && (remind_in_flight(dm->sender) == 0 ||
		    clock_monotonic_ms() >= dm->stop_by))
			break;
		fds[0] = (struct pollfd){ dm->sigfd, POLLIN, 0 };
		fds[1] = (struct pollfd){ http_fd(dm->http), POLLIN, 0 };
		fds[2] = (struct pollfd){ dm->dbwatch, POLLIN, 0 };
		fds[3] = (struct pollfd){ mailer_fd(dm->mailer), POLLIN, 0 };
		if (poll(fds, 4, sleep_ms(dm, now)) < 0)
			continue;
		if (fds[0].revents & POLLIN)
			on_signal(dm);
		/* before serving: a GET that follows ntmctl's write must show it */
		if (fds[2].revents & POLLIN && database_touched(dm) &&
		    store_changed_elsewhere(dm->db)) {
			http_forget_feeds(dm->http);
			dm->stale = 1;
			if (store_last_sync(dm->db) != dm->last_sync)
				after_sync(dm);
		}
		mailer_run(dm->mailer);
		http_run(dm->http);
	}
	if (remind_in_flight(dm->sender) > 0)
		log_warnx("stopping with %zu mails still in flight: they are sent again, with the "
		    "same Message-ID, on the next start", remind_in_flight(dm->sender));
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
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct daemon dm = { 0 };
	struct diag d = { 0 };
	const char *conf = NULL;
	int ch, check = 0, verbose = 0;
	char *err = NULL, *keyfile;

	while ((ch = getopt_long(argc, argv, "c:nvhV", options, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("ntmd %s\n", NTM_VERSION); return 0;
		default: usage(stderr, EX_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ntmd: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr, EX_USAGE);
	}
	if (conf == NULL) {
		fprintf(stderr, "ntmd: -c FILE is needed\n");
		usage(stderr, EX_USAGE);
	}
	log_init("ntmd", verbose);
	dm.config = setup_config(conf);
	if (check) {
		int rc = check_only(dm.config);

		config_free(dm.config);
		return rc;
	}
	if (config_read_secrets(dm.config, &d) < 0) {
		diag_print(&d, stderr);
		return EX_CONFIG;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	dm.sigfd = open_signals();
	dm.db = setup_database(dm.config);
	if (load_calendars(&dm, dm.config) < 0)
		fatalx("the calendars have errors (see above); ntmd -n -c %s checks them", conf);
	remind_recover(dm.db);
	after_sync(&dm);
	while (dm.plan_next < dm.plan_end)
		if (plan_slice(&dm) < 0)
			fatalx("cannot plan reminders");
	if (refresh(&dm, clock_now()) < 0)
		fatalx("cannot plan reminders");
	dm.today = date_of(clock_now());
	dm.stale = dm.every_state = 0;
	watch_database(&dm);
	store_changed_elsewhere(dm.db);
	/* In the loop ntmd never waits long for ntmctl's transactions: a busy write is
	 * tried again (start-up and reloads keep SQLite's 5 s). */
	sqlite3_busy_timeout(dm.db, LOOP_BUSY_MS);
	if ((dm.mailer = mailer_new(dm.config)) == NULL)
		fatalx("cannot start the mail transport");
	keyfile = donelink_key_path(dm.config);
	if ((dm.linkkey = donelink_key_load(keyfile, 1, &err)) == NULL)
		fatalx("the done links' key: %s", err);
	free(keyfile);
	dm.sender = remind_sender_new(dm.db, dm.linkkey);
	if ((dm.http = http_start(dm.config, dm.db, dm.linkkey, &err)) == NULL)
		fatalx("%s", err);
	http_set_workcal(dm.http, dm.cal);
	serve(&dm);
	http_stop(dm.http);
	mailer_free(dm.mailer, 1);	/* what is still in flight ends as deferred… */
	remind_work(dm.sender, dm.config, dm.cal, NULL, clock_now(), 1);	/* …and is recorded */
	remind_sender_free(dm.sender);
	donelink_key_free(dm.linkkey);
	workcal_free(dm.cal);
	store_close(dm.db);
	close(dm.dbwatch);
	close(dm.sigfd);
	free(dm.dbfile);
	free(dm.walfile);
	config_free(dm.config);
	curl_global_cleanup();
	return 0;
}
