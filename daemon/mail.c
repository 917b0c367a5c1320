/*
 * Reminder mail: composing and sending. The message text is built here, not by
 * libcurl's MIME API, because the file: spool must hold exactly the bytes that SMTP
 * would carry, and the Message-ID must be ours; libcurl sends it as it is.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mail.h"
#include "text.h"
#include "token.h"
#include "xalloc.h"

static char *
base64(const unsigned char *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* Length of the UTF-8 sequence starting with byte c. */
static size_t
utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* RFC 2047 §2: encoded-words of at most 75 characters, split between characters. */
static void
encoded_words(struct buf *b, const char *s)
{
	size_t n = strlen(s), chunk, k;
	char *enc;
	int first = 1;

	while (n > 0) {
		for (chunk = 0; chunk < n; chunk += k) {
			k = utf8_len((unsigned char)s[chunk]);
			if (chunk + k > 45)	/* 45 bytes → 60 base64 chars + 12 of framing */
				break;
		}
		enc = base64((const unsigned char *)s, chunk);
		buf_printf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", enc);
		free(enc);
		first = 0;
		s += chunk;
		n -= chunk;
	}
}

/* Whether s may stand in a header as it is: printable ASCII only (a CR or LF from a
 * plan would end the header and start another). */
static int
header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static void
header(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "%s: ", name);
	if (header_safe(value))
		buf_puts(b, value);
	else
		encoded_words(b, value);
	buf_puts(b, "\r\n");
}

/* "Name <addr>" with the name encoded when it is not ASCII. */
static void
mailbox(struct buf *b, const char *name, const char *addr)
{
	if (name == NULL || *name == '\0')
		buf_puts(b, addr);
	else if (header_safe(name) && strpbrk(name, "()<>[]:;@\\,.\"") == NULL)
		buf_printf(b, "%s <%s>", name, addr);
	else {
		encoded_words(b, name);
		buf_printf(b, " <%s>", addr);
	}
}

static void
from_header(struct buf *b, const char *from)
{
	const char *lt = strrchr(from, '<');
	char *name, *addr;
	size_t n;

	buf_puts(b, "From: ");
	if (lt == NULL)
		buf_puts(b, from);
	else {
		n = (size_t)(lt - from);
		while (n > 0 && from[n - 1] == ' ')
			n--;
		name = xasprintf("%.*s", (int)n, from);
		addr = xasprintf("%.*s", (int)strcspn(lt + 1, ">"), lt + 1);
		mailbox(b, name, addr);
		free(name);
		free(addr);
	}
	buf_puts(b, "\r\n");
}

/* RFC 2045 §6.7 quoted-printable, lines of at most 76 characters. */
static void
quoted_printable(struct buf *b, const char *s)
{
	static const char hexdigit[] = "0123456789ABCDEF";
	size_t col = 0, n;
	char enc[3];

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int at_eol = s[1] == '\n' || s[1] == '\0';

		if (c == '\n') {
			buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_eol)) {
			enc[0] = (char)c;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hexdigit[c >> 4];
			enc[2] = hexdigit[c & 15];
			n = 3;
		}
		if (col + n > 75) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		buf_append(b, enc, n);
		col += n;
	}
	buf_puts(b, "\r\n");
}

static void
base64_lines(struct buf *b, const char *s)
{
	char *enc = base64((const unsigned char *)s, strlen(s));
	size_t i, n = strlen(enc);

	for (i = 0; i < n; i += 76) {
		buf_append(b, enc + i, n - i < 76 ? n - i : 76);
		buf_puts(b, "\r\n");
	}
	free(enc);
}

int
mail_address_ok(const char *addr)
{
	const char *at = strchr(addr, '@');
	const unsigned char *p;

	if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p >= 127 || strchr("<>()[],;:\\\"", *p))
			return 0;
	return 1;
}

char *
mail_compose(const struct mail *m)
{
	struct buf b = { 0 };
	char date[64], hash[65], mixed[48], alt[48];
	struct tm tm;
	size_t i;

	token_sha256_hex(m->message_id, strlen(m->message_id), hash);
	snprintf(mixed, sizeof(mixed), "=_ntmd_m_%.24s", hash);
	snprintf(alt, sizeof(alt), "=_ntmd_a_%.24s", hash);
	localtime_r(&m->date, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	buf_printf(&b, "Date: %s\r\n", date);
	from_header(&b, m->from);
	buf_puts(&b, "To: ");
	for (i = 0; i < m->nto; i++) {
		buf_puts(&b, i ? ",\r\n " : "");
		mailbox(&b, m->to_name, m->to[i]);
	}
	buf_puts(&b, "\r\n");
	if (m->reply_to && mail_address_ok(m->reply_to)) {
		buf_puts(&b, "Reply-To: ");
		mailbox(&b, m->reply_to_name, m->reply_to);
		buf_puts(&b, "\r\n");
	}
	header(&b, "Subject", m->subject);
	buf_printf(&b, "Message-ID: <%s>\r\n", m->message_id);
	/* RFC 3834: no auto-replies to this; Outlook's own switch for the same. */
	buf_puts(&b, "Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\n");
	buf_printf(&b, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n"
	    "\r\n--%s\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
	    mixed, mixed, alt);
	buf_printf(&b, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", alt);
	quoted_printable(&b, m->text);
	buf_printf(&b, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", alt);
	quoted_printable(&b, m->html);
	if (m->ics && m->ics_method) {
		buf_printf(&b, "--%s\r\nContent-Type: text/calendar; charset=UTF-8; "
		    "method=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n", alt,
		    m->ics_method);
		base64_lines(&b, m->ics);
	}
	buf_printf(&b, "--%s--\r\n", alt);
	if (m->ics) {
		buf_printf(&b, "\r\n--%s\r\nContent-Type: %s; charset=UTF-8; "
		    "method=%s;\r\n name=\"%s\"\r\nContent-Disposition: attachment;\r\n "
		    "filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", mixed,
		    m->ics_method ? "application/ics" : "text/calendar",
		    m->ics_method ? m->ics_method : "PUBLISH", m->ics_name, m->ics_name);
		base64_lines(&b, m->ics);
	}
	buf_printf(&b, "\r\n--%s--\r\n", mixed);
	return buf_steal(&b);
}

/*
 * Sending. libcurl's multi interface still waits inside SMTP's DONE phase for the reply
 * to the final dot (curl issue 8555; libcurl-multi(3), BLOCKING), so a stalled server
 * would stall the caller's loop. Each of smtp.connections workers is therefore a thread
 * that owns one easy handle (and so one connection, kept between messages) and nothing
 * else: no SQLite, no logging. The loop hands messages over through a queue and hears of
 * their end through an eventfd, then calls the done functions itself.
 */
struct transfer {
	struct curl_slist	*rcpt;
	char			*from, *message;
	size_t			 sent, len;
	mail_done_fn		*done;
	void			*arg;
	enum mail_result	 result;
	char			*detail;
	const char		*refused;	/* MAIL_CONFIG: config_problem()'s words */
	struct transfer		*next;
};

/* Messages handed over per connection: composed while the ones before them are sent. */
#define QUEUE_PER_WORKER 8

struct worker {
	struct mailer	*mr;
	pthread_t	 thread;
	CURL		*easy;
};

struct mailer {
	char		*url, *user, *password;
	enum starttls	 starttls;
	int		 timeout;	/* smtp.timeout, seconds */
	unsigned	 serial;
	struct worker	*workers;
	size_t		 nworkers;
	int		 wakefd;	/* eventfd: a transfer has ended */
	pthread_mutex_t	 lock;		/* guards what follows */
	pthread_cond_t	 work;
	struct transfer	*todo, **todo_tail, *ended;
	const char	*refused;	/* the server refused the configuration (config_problem()):
					 * nothing more is tried until mailer_try_again() */
	size_t		 queued;	/* in todo */
	size_t		 busy;		/* handed over, not yet reported */
	int		 quit, abort;
};

static void
transfer_free(struct transfer *t)
{
	curl_slist_free_all(t->rcpt);
	free(t->from);
	free(t->message);
	free(t->detail);
	free(t);
}

/* file:DIR — one .eml a message, written whole or not at all. */
static enum mail_result
spool(const char *dir, const char *message, char **detail)
{
	char hash[65], *tmp, *path;
	size_t len = strlen(message);
	int fd, ok;

	token_sha256_hex(message, len, hash);
	mkdir(dir, 0750);
	tmp = xasprintf("%s/.%.32s.tmp", dir, hash);
	path = xasprintf("%s/%.32s.eml", dir, hash);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	ok = fd >= 0 && write(fd, message, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	ok = ok && rename(tmp, path) == 0;
	*detail = ok ? xasprintf("file %s", path) : xasprintf("%s: %s", path, strerror(errno));
	if (!ok)
		unlink(tmp);
	free(tmp);
	free(path);
	return ok ? MAIL_SENT : MAIL_RETRY;
}

static size_t
read_message(char *dst, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t k = size * n < t->len - t->sent ? size * n : t->len - t->sent;

	memcpy(dst, t->message + t->sent, k);
	t->sent += k;
	return k;
}

/* libcurl calls this about once a second even while it waits for a reply: the way to
 * end a stalled transfer when ntmd must stop. */
static int
check_abort(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct mailer *mr = arg;
	int stop;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	pthread_mutex_lock(&mr->lock);
	stop = mr->abort;
	pthread_mutex_unlock(&mr->lock);
	return stop;
}

static void
set_transport(const struct mailer *mr, CURL *easy)
{
	static const curl_usessl tls[] = { CURLUSESSL_ALL, CURLUSESSL_TRY, CURLUSESSL_NONE };

	curl_easy_setopt(easy, CURLOPT_URL, mr->url);
	curl_easy_setopt(easy, CURLOPT_USE_SSL, (long)tls[mr->starttls]);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, (long)mr->timeout);
	curl_easy_setopt(easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)mr->timeout);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, 10L * mr->timeout);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, check_abort);
	curl_easy_setopt(easy, CURLOPT_XFERINFODATA, mr);
	/* One unknown address must not stop the mail to the others (spelt with three Ls
	 * before libcurl 8.2). */
#if CURL_AT_LEAST_VERSION(8, 2, 0)
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT_ALLOWFAILS, 1L);
#else
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
#endif
	if (mr->user)
		curl_easy_setopt(easy, CURLOPT_USERNAME, mr->user);
	if (mr->password)
		curl_easy_setopt(easy, CURLOPT_PASSWORD, mr->password);
}

/* Close the handle's kept connection at once: libcurl would otherwise wait for the
 * server's reply (to QUIT, or, after a timeout, a late reply read as the next command's). */
static void
drop_connection(CURL *easy)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
	    fd != CURL_SOCKET_BAD)
		shutdown(fd, SHUT_RDWR);
}

/* Why no message can pass with this configuration, for the errors an operator must
 * mend (libcurl's own words say what failed, not which setting); NULL for the others. */
static const char *
config_problem(CURLcode rc)
{
	switch (rc) {
	case CURLE_USE_SSL_FAILED:
		return "smtp.starttls is \"required\" and the server offers no STARTTLS";
	case CURLE_LOGIN_DENIED:
		return "the server refused smtp.user and its password";
	case CURLE_PEER_FAILED_VERIFICATION:
		return "the server's TLS certificate is not trusted for its name";
	default:
		return NULL;
	}
}

/* One SMTP transaction on the worker's connection (opened again if the server closed it). */
static void
deliver(struct worker *w, struct transfer *t)
{
	long code = 0;
	CURLcode rc;

	curl_easy_setopt(w->easy, CURLOPT_MAIL_FROM, t->from);
	curl_easy_setopt(w->easy, CURLOPT_MAIL_RCPT, t->rcpt);
	curl_easy_setopt(w->easy, CURLOPT_READDATA, t);
	curl_easy_setopt(w->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)t->len);
	rc = curl_easy_perform(w->easy);
	curl_easy_getinfo(w->easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		t->result = MAIL_SENT;
		t->detail = xasprintf("%ld", code ? code : 250);
		return;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK) {	/* cut off by a stop: not an attempt */
		t->detail = xasprintf("not sent: ntmd stopped (%ld)", code);
		t->result = MAIL_NOT_SENT;
	} else if ((t->refused = config_problem(rc)) != NULL) {
		t->detail = xasprintf("%s (%ld %s)", t->refused, code, curl_easy_strerror(rc));
		t->result = MAIL_CONFIG;
	} else {
		t->detail = xasprintf("%ld %s", code, curl_easy_strerror(rc));
		/* A 5xx is final; everything else (4xx, timeouts, refused) may pass later. */
		t->result = code >= 500 && code <= 599 ? MAIL_REJECTED : MAIL_RETRY;
	}
	/* after a failure the connection may be out of step with the server */
	drop_connection(w->easy);
}

/* The messages waiting, not started, end now as r: why is their detail. Called with the
 * lock held. */
static void
end_waiting(struct mailer *mr, enum mail_result r, const char *why)
{
	uint64_t one = 1;
	struct transfer *t;

	while ((t = mr->todo) != NULL) {
		mr->todo = t->next;
		mr->queued--;
		t->result = r;
		t->detail = xstrdup(why);
		t->next = mr->ended;
		mr->ended = t;
	}
	mr->todo_tail = &mr->todo;
	(void)!write(mr->wakefd, &one, sizeof(one));
}

/* The server refused the configuration: the messages waiting are not tried with it.
 * Called with the lock held. */
static void
hold_waiting(struct mailer *mr)
{
	char *why = xasprintf("%s (not tried)", mr->refused);

	end_waiting(mr, MAIL_CONFIG, why);
	free(why);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct mailer *mr = w->mr;
	struct transfer *t;
	uint64_t one = 1;
	ssize_t done;

	pthread_mutex_lock(&mr->lock);
	for (;;) {
		while (mr->todo == NULL && !mr->quit)
			pthread_cond_wait(&mr->work, &mr->lock);
		if (mr->todo == NULL)
			break;
		t = mr->todo;
		if ((mr->todo = t->next) == NULL)
			mr->todo_tail = &mr->todo;
		mr->queued--;
		pthread_mutex_unlock(&mr->lock);
		deliver(w, t);
		pthread_mutex_lock(&mr->lock);
		t->next = mr->ended;
		mr->ended = t;
		if (t->result == MAIL_CONFIG) {
			mr->refused = t->refused;
			hold_waiting(mr);
		}
		/* Wake the loop at every message, which records it at once: a crash must find
		 * no more than the messages on the wire unrecorded. Only a full counter fails,
		 * and then the loop is awake anyway. */
		done = write(mr->wakefd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&mr->lock);
	(void)done;
	return NULL;
}

struct mailer *
mailer_new(const struct config *c)
{
	static unsigned made;
	struct mailer *mr = xcalloc(1, sizeof(*mr));
	size_t i;

	mr->url = xstrdup(c->smtp_url);
	mr->user = c->smtp_user ? xstrdup(c->smtp_user) : NULL;
	mr->password = c->smtp_password ? xstrdup(c->smtp_password) : NULL;
	mr->starttls = c->starttls;
	mr->timeout = c->smtp_timeout;
	mr->serial = ++made;
	mr->todo_tail = &mr->todo;
	pthread_mutex_init(&mr->lock, NULL);
	pthread_cond_init(&mr->work, NULL);
	if ((mr->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		log_warn("mail: eventfd");
		mailer_free(mr, 0);
		return NULL;
	}
	if (!strncmp(mr->url, "file:", 5))
		return mr;	/* the spool is written by the caller, at once */
	mr->workers = xcalloc((size_t)c->smtp_connections, sizeof(*mr->workers));
	for (i = 0; i < (size_t)c->smtp_connections; i++) {
		struct worker *w = &mr->workers[i];

		w->mr = mr;
		if ((w->easy = curl_easy_init()) == NULL) {
			log_warnx("mail: libcurl cannot create a handle");
			break;
		}
		set_transport(mr, w->easy);
		if ((errno = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
			log_warn("mail: cannot start a worker");
			curl_easy_cleanup(w->easy);
			break;
		}
		mr->nworkers++;
	}
	if (mr->nworkers < (size_t)c->smtp_connections) {
		mailer_free(mr, 0);
		return NULL;
	}
	return mr;
}

void
mailer_send(struct mailer *mr, const char *from_addr, const char **to, size_t nto,
    char *message, mail_done_fn *done, void *arg)
{
	struct transfer *t;
	char *detail = NULL;
	enum mail_result r;
	size_t i;

	if (!strncmp(mr->url, "file:", 5)) {
		r = spool(mr->url + 5, message, &detail);
		free(message);
		done(arg, r, detail);
		free(detail);
		return;
	}
	t = xcalloc(1, sizeof(*t));
	t->message = message;
	t->len = strlen(message);
	t->from = xasprintf("<%s>", from_addr);
	t->done = done;
	t->arg = arg;
	for (i = 0; i < nto; i++)
		t->rcpt = curl_slist_append(t->rcpt, to[i]);
	pthread_mutex_lock(&mr->lock);
	*mr->todo_tail = t;
	mr->todo_tail = &t->next;
	mr->queued++;
	mr->busy++;
	if (mr->refused != NULL)
		hold_waiting(mr);
	else
		pthread_cond_signal(&mr->work);
	pthread_mutex_unlock(&mr->lock);
}

size_t
mailer_free_slots(const struct mailer *mr)
{
	size_t depth = QUEUE_PER_WORKER * mr->nworkers;

	if (mr->nworkers == 0)
		return 1;	/* file: a message is written before mailer_send returns */
	return mr->busy < depth ? depth - mr->busy : 0;
}

unsigned
mailer_serial(const struct mailer *mr)
{
	return mr->serial;
}

void
mailer_try_again(struct mailer *mr)
{
	pthread_mutex_lock(&mr->lock);
	mr->refused = NULL;
	pthread_mutex_unlock(&mr->lock);
}

int
mailer_same(const struct mailer *mr, const struct config *c)
{
	return !strcmp(mr->url, c->smtp_url) && mr->starttls == c->starttls &&
	    mr->timeout == c->smtp_timeout &&
	    mr->nworkers == (size_t)(strncmp(c->smtp_url, "file:", 5) ? c->smtp_connections : 0) &&
	    !strcmp(mr->user ? mr->user : "", c->smtp_user ? c->smtp_user : "") &&
	    !strcmp(mr->password ? mr->password : "", c->smtp_password ? c->smtp_password : "");
}

size_t
mailer_busy(const struct mailer *mr)
{
	return mr->busy;
}

int
mailer_fd(const struct mailer *mr)
{
	return mr->wakefd;
}

static struct transfer *
reversed(struct transfer *list)
{
	struct transfer *r = NULL, *t;

	while ((t = list) != NULL) {
		list = t->next;
		t->next = r;
		r = t;
	}
	return r;
}

void
mailer_run(struct mailer *mr)
{
	struct transfer *ended, *t;
	uint64_t count;
	ssize_t n = mr->wakefd < 0 ? 0 : read(mr->wakefd, &count, sizeof(count));	/* resets it */

	(void)n;
	pthread_mutex_lock(&mr->lock);
	ended = mr->ended;
	mr->ended = NULL;
	pthread_mutex_unlock(&mr->lock);
	ended = reversed(ended);	/* told in the order they ended */
	while ((t = ended) != NULL) {
		ended = t->next;
		mr->busy--;
		t->done(t->arg, t->result, t->detail);
		transfer_free(t);
	}
}

/* No message more is started: those waiting go back to the caller, to be sent later,
 * and the workers end once the ones on the wire have. Called with the lock held. */
static void
stop_taking(struct mailer *mr)
{
	mr->quit = 1;
	end_waiting(mr, MAIL_NOT_SENT, "not sent: ntmd stopped");
	pthread_cond_broadcast(&mr->work);
}

void
mailer_finish(struct mailer *mr)
{
	pthread_mutex_lock(&mr->lock);
	stop_taking(mr);
	pthread_mutex_unlock(&mr->lock);
}

void
mailer_free(struct mailer *mr, int now)
{
	size_t i;

	if (mr == NULL)
		return;
	pthread_mutex_lock(&mr->lock);
	mr->abort = now;
	stop_taking(mr);
	pthread_mutex_unlock(&mr->lock);
	for (i = 0; i < mr->nworkers; i++) {
		pthread_join(mr->workers[i].thread, NULL);
		drop_connection(mr->workers[i].easy);
		curl_easy_cleanup(mr->workers[i].easy);
	}
	mailer_run(mr);
	pthread_mutex_destroy(&mr->lock);
	pthread_cond_destroy(&mr->work);
	if (mr->wakefd >= 0)
		close(mr->wakefd);
	free(mr->workers);
	free(mr->url);
	free(mr->user);
	free(mr->password);
	free(mr);
}
