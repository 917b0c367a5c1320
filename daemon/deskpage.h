#ifndef NTM_DESKPAGE_H
#define NTM_DESKPAGE_H

#include "account.h"
#include "desk.h"
#include "donepage.h"
#include "report.h"
#include "xalloc.h"

/* A desk request being answered: desk.c's frame and deskpage.c's pages share it. */
struct desk_page {
	struct desk			*desk;
	sqlite3				*db;
	const struct desk_request	*rq;
	struct desk_response		*rs;
	const char			*prefix;	/* every link's */
	int				 soon_days;
	struct account			 who;		/* signed in; login NULL if not */
	char				 csrf[65];	/* the session's token */
	struct report_scope		 scope;		/* the account's organisation */
};

/* A query argument (or form field) that is not empty, or NULL. */
const char *desk_arg(const struct desk_page *pg, const char *name);
const char *desk_field(const struct desk_page *pg, const char *name);
/* A link to a path of the desk (allocated). */
char *desk_link(const struct desk_page *pg, const char *path);
/* s percent-encoded for a query (allocated). */
char *desk_query_escape(const char *s);
/* Answer with html (taken over), a redirect to a desk path (303), or a message. */
void desk_html(struct desk_page *pg, unsigned int status, char *html);
void desk_redirect(struct desk_page *pg, const char *path);
void desk_message(struct desk_page *pg, unsigned int status, const char *heading,
    const char *text);
/* A page's start: the stylesheet, and when signed in the menu (here: the path that is
 * this page's) and the sign-out form. */
void desk_begin(struct desk_page *pg, struct buf *b, const char *title, const char *here);

/* The pages. */
void deskpage_summary(struct desk_page *pg);
void deskpage_unit(struct desk_page *pg);
void deskpage_overdue(struct desk_page *pg);
void deskpage_item(struct desk_page *pg);
void deskpage_progress(struct desk_page *pg);
void deskpage_assignments(struct desk_page *pg);
void deskpage_calendar(struct desk_page *pg);

/* A meeting on the item's page (deskmeeting.c): its schedule, and the forms that set,
 * move or cancel it when may_schedule. */
void deskmeeting_section(struct desk_page *pg, struct buf *b, sqlite3_int64 id,
    const struct done_item *it, int may_schedule);
/* The schedule or cancel form sent: 303 with *path (a desk path) when done, else the
 * status with *alert (both allocated or NULL; 404: no item), 0 if the database failed. */
unsigned int deskmeeting_post(struct desk_page *pg, sqlite3_int64 id, char **alert,
    char **path);

#endif
