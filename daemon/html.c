/* HTML pages: values escaped as they are written, one stylesheet. */
#include <stdarg.h>
#include <string.h>

#include "html.h"
#include "log.h"

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
	"max-width:40em;margin:0 auto;padding:1em;line-height:1.5;color:#1a1a1a}"
	"h1{font-size:1.3em;margin:.2em 0 .6em}h2{font-size:1.1em}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}"
	"dt{font-weight:600}dd{margin:0;min-width:0;overflow-wrap:anywhere}"
	".state{display:inline-block;padding:.1em .5em;border:1px solid;border-radius:.3em}"
	".late{color:#9a3412}.overdue{color:#b91c1c;font-weight:600}.done{color:#166534}"
	".notice{padding:.6em 1em;border-left:.3em solid #2563eb;background:#eff6ff}"
	".alert{border-left-color:#b91c1c;background:#fef2f2}"
	"label{display:block;margin-top:1em;font-weight:600}"
	"textarea,input{width:100%;box-sizing:border-box;font:inherit;padding:.4em}"
	"label.check{display:flex;gap:.5em;align-items:baseline}"
	"label.check input{width:auto;flex:none}"
	"button{margin-top:1em;font:inherit;padding:.6em 1.2em;background:#166534;color:#fff;"
	"border:0;border-radius:.3em}"
	".small{font-size:.9em;color:#555}"
	/* the desk */
	"body.wide{max-width:80em}"
	"nav{display:flex;flex-wrap:wrap;gap:.3em 1.2em;align-items:center;"
	"border-bottom:1px solid #d1d5db;padding-bottom:.5em;margin-bottom:1em}"
	"nav a{color:#1d4ed8;text-decoration:none}nav a.here{color:#111;font-weight:700}"
	"nav .who{margin-left:auto;font-size:.9em;color:#555}"
	"nav form{display:inline}nav button,.inline button{margin:0 0 0 .5em;"
	"padding:.2em .7em;background:#4b5563}"
	".scroll{overflow-x:auto}"
	"table.data{border-collapse:collapse;width:100%;font-size:.95em;margin:.5em 0}"
	".data th,.data td{border:1px solid #d1d5db;padding:.3em .5em;text-align:left;"
	"vertical-align:top}.data th{background:#f3f4f6}.data th a{color:inherit}"
	".data .num{text-align:right}.data td.num{white-space:nowrap}"
	".data tfoot td{font-weight:700;background:#f9fafb}"
	".good{background:#dcfce7;color:#166534}.warn{background:#ffedd5;color:#9a3412}"
	".bad{background:#fee2e2;color:#991b1b}.data td.role{white-space:nowrap}"
	".data th.role{font-size:.85em}.data td{min-width:3em}"
	"form.filters{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:flex-end}"
	".filters label{margin:0;font-weight:400}.filters input,.filters select{width:auto;"
	"display:block;font:inherit;padding:.3em}.filters button{margin:0}"
	".quick a,.downloads a{margin-right:1em}"
	".chart{max-width:100%;height:auto}.chart text{font-size:12px;fill:#1a1a1a}"
	".filters select{max-width:90vw}button.secondary{background:#9a3412}"
	"@media (max-width:40em){.data .code{display:none}.data{font-size:.85em}"
	".data th,.data td{padding:.2em .3em}}"
	"@media print{nav,form,form.filters,.quick,.downloads,.noprint{display:none!important}"
	"body,body.wide{max-width:none;padding:0;font-size:9pt}a{color:inherit;"
	"text-decoration:none}.scroll{overflow:visible}.data th,.data td{padding:.15em .3em}"
	".data .code{display:table-cell!important}@page{size:A4 landscape;margin:12mm}}";

static void
escape(struct buf *b, const char *s)
{
	const char *run;

	while (s && *s) {
		for (run = s; *s && !strchr("&<>\"'", *s); s++)
			;
		buf_append(b, run, (size_t)(s - run));
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: continue;
		}
		s++;
	}
}

/* A path within the site: "/…" but not "//…", which would leave it. */
static void
path(struct buf *b, const char *s)
{
	if (s && s[0] == '/' && s[1] != '/' && s[1] != '\\')
		escape(b, s);
	else
		buf_puts(b, "#");
}

static void
url(struct buf *b, const char *s)
{
	if (s && (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8)))
		escape(b, s);
	else
		buf_puts(b, "#");
}

void
html_printf(struct buf *b, const char *fmt, ...)
{
	const char *run;
	va_list ap;

	va_start(ap, fmt);
	while (*fmt) {
		for (run = fmt; *fmt && *fmt != '%'; fmt++)
			;
		buf_append(b, run, (size_t)(fmt - run));
		if (*fmt == '\0')
			break;
		if (fmt[1] == 's')
			escape(b, va_arg(ap, const char *));
		else if (fmt[1] == 'u')
			url(b, va_arg(ap, const char *));
		else if (fmt[1] == 'p')
			path(b, va_arg(ap, const char *));
		else if (fmt[1] == 'd')
			buf_printf(b, "%d", va_arg(ap, int));
		else if (fmt[1] == '%')
			buf_puts(b, "%");
		else if (!strncmp(fmt + 1, "lld", 3)) {
			buf_printf(b, "%lld", va_arg(ap, long long));
			fmt += 2;
		} else
			fatalx("html_printf: %%%c in \"%s\"", fmt[1], fmt);
		fmt += 2;
	}
	va_end(ap);
}

void
html_begin(struct buf *b, const char *title, const char *body_class)
{
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>%s</title>\n<style>", title);
	buf_puts(b, style);
	buf_puts(b, "</style>\n</head>");
	if (body_class)
		html_printf(b, "<body class=\"%s\">\n", body_class);
	else
		buf_puts(b, "<body>\n");
}

char *
html_end(struct buf *b)
{
	buf_puts(b, "</body></html>\n");
	return buf_steal(b);
}
