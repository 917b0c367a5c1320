/*
 * Reminder mail: composing and sending. The message text is built here, not by
 * libcurl's MIME API, because the file: spool must hold exactly the bytes that SMTP
 * would carry, and the Message-ID must be ours; libcurl sends it as it is.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void
header(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "%s: ", name);
	if (text_is_ascii(value))
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
	else if (text_is_ascii(name) && strpbrk(name, "()<>[]:;@\\,.\"") == NULL)
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
	size_t col = 0;
	char enc[4];

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int at_eol = s[1] == '\n' || s[1] == '\0';

		if (c == '\n') {
			buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_eol))
			snprintf(enc, sizeof(enc), "%c", c);
		else
			snprintf(enc, sizeof(enc), "=%02X", c);
		if (col + strlen(enc) > 75) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		buf_puts(b, enc);
		col += strlen(enc);
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
	buf_printf(&b, "--%s--\r\n", alt);
	if (m->ics) {
		buf_printf(&b, "\r\n--%s\r\nContent-Type: text/calendar; charset=UTF-8; "
		    "method=PUBLISH;\r\n name=\"%s\"\r\nContent-Disposition: attachment;\r\n "
		    "filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", mixed,
		    m->ics_name, m->ics_name);
		base64_lines(&b, m->ics);
	}
	buf_printf(&b, "\r\n--%s--\r\n", mixed);
	return buf_steal(&b);
}

struct mailer {
	const struct config	*config;
	CURL			*curl;		/* kept between messages: the connection is reused */
};

struct mailer *
mailer_new(const struct config *c)
{
	struct mailer *mr = xcalloc(1, sizeof(*mr));

	mr->config = c;
	return mr;
}

void
mailer_free(struct mailer *mr)
{
	if (mr == NULL)
		return;
	if (mr->curl)
		curl_easy_cleanup(mr->curl);
	free(mr);
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

struct reader {
	const char	*p;
	size_t		 left;
};

static size_t
read_message(char *dst, size_t size, size_t n, void *arg)
{
	struct reader *r = arg;
	size_t k = size * n < r->left ? size * n : r->left;

	memcpy(dst, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

static void
set_transport(struct mailer *mr)
{
	const struct config *c = mr->config;
	static const curl_usessl tls[] = { CURLUSESSL_ALL, CURLUSESSL_TRY, CURLUSESSL_NONE };

	curl_easy_setopt(mr->curl, CURLOPT_URL, c->smtp_url);
	curl_easy_setopt(mr->curl, CURLOPT_USE_SSL, (long)tls[c->starttls]);
	curl_easy_setopt(mr->curl, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(mr->curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, 60L);
	curl_easy_setopt(mr->curl, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(mr->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(mr->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(mr->curl, CURLOPT_READFUNCTION, read_message);
	/* One unknown address must not stop the mail to the others (spelt with three Ls
	 * before libcurl 8.2). */
#if CURL_AT_LEAST_VERSION(8, 2, 0)
	curl_easy_setopt(mr->curl, CURLOPT_MAIL_RCPT_ALLOWFAILS, 1L);
#else
	curl_easy_setopt(mr->curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
#endif
	if (c->smtp_user)
		curl_easy_setopt(mr->curl, CURLOPT_USERNAME, c->smtp_user);
	if (c->smtp_password)
		curl_easy_setopt(mr->curl, CURLOPT_PASSWORD, c->smtp_password);
}

static enum mail_result
smtp(struct mailer *mr, const char *from_addr, const char **to, size_t nto,
    const char *message, char **detail)
{
	struct reader r = { message, strlen(message) };
	struct curl_slist *rcpt = NULL;
	char *from = xasprintf("<%s>", from_addr);
	long code = 0;
	CURLcode rc;
	size_t i;

	if (mr->curl == NULL) {
		if ((mr->curl = curl_easy_init()) == NULL)
			fatalx("libcurl: cannot create a handle");
		set_transport(mr);
	}
	for (i = 0; i < nto; i++)
		rcpt = curl_slist_append(rcpt, to[i]);
	curl_easy_setopt(mr->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(mr->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(mr->curl, CURLOPT_READDATA, &r);
	curl_easy_setopt(mr->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r.left);
	rc = curl_easy_perform(mr->curl);
	curl_easy_getinfo(mr->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	free(from);
	*detail = rc == CURLE_OK ? xasprintf("%ld", code ? code : 250) :
	    xasprintf("%ld %s", code, curl_easy_strerror(rc));
	if (rc == CURLE_OK)
		return MAIL_SENT;
	/* A 5xx is final; everything else (4xx, timeouts, refused) may pass later. */
	return code >= 500 && code <= 599 ? MAIL_REJECTED : MAIL_RETRY;
}

enum mail_result
mailer_send(struct mailer *mr, const char *from_addr, const char **to, size_t nto,
    const char *message, char **detail)
{
	if (!strncmp(mr->config->smtp_url, "file:", 5))
		return spool(mr->config->smtp_url + 5, message, detail);
	return smtp(mr, from_addr, to, nto, message, detail);
}
