#ifndef NTM_DONEPAGE_H
#define NTM_DONEPAGE_H

#include <sqlite3.h>
#include <time.h>

#include "date.h"
#include "xalloc.h"

/* What a done link's page shows of an item, and of the link's unit. Strings allocated
 * ("" for none); free with donepage_free(). */
struct done_item {
	char		*status, *kind, *period, *ref, *section, *title;
	char		*plan_number, *plan_title, *direct, *lead, *support;
	char		*done_by;		/* the reporting unit's name, else who */
	char		*note, *link;		/* as reported */
	char		*unit_code, *unit_name;	/* the link's unit */
	ntm_date	 start, due, latest;
	ntm_date	 day;			/* a meeting's day, as set */
	int		 tentative;		/* a meeting whose day is not set */
	int		 meeting_cancelled;	/* by a coordinator */
	int		 campaign;		/* weekly, no deadline (occurrence.rrule) */
	time_t		 done_at;
};

/* Item id and unit: 1, 0 if there is no such item, -1 (logged) on a database error. */
int donepage_load(sqlite3 *db, sqlite3_int64 id, sqlite3_int64 unit, struct done_item *it);
void donepage_free(struct done_item *it);

/* How the item's page is drawn. */
struct donepage_view {
	time_t		 now;
	int		 soon_days;		/* "sắp đến hạn" this many days before */
	const char	*heading, *text;	/* a notice above the item (heading, text) */
	int		 alert;			/* the notice is a refusal */
	const char	*csrf;			/* the form's token: no form when NULL */
	const char	*note, *link;		/* the form's values, as sent */
};

/* The item's page: the notice, the item and where it stands, the form. Allocated. */
char *donepage_item(const struct done_item *it, const struct donepage_view *v);
/* The item and where it stands, as the page shows it (a heading and a list). */
void donepage_describe(struct buf *b, const struct done_item *it,
    const struct donepage_view *v);
/* A page saying only text under heading. Allocated. */
char *donepage_message(const char *heading, const char *text);
/* An item's period ("2018-03", "2023-Q1", "2024", "2018-07..2018-08") in Vietnamese
 * ("tháng 3/2018", "quý I/2023", "năm 2024", "tháng 7/2018 – tháng 8/2018"); other text
 * as it is. Allocated. */
char *donepage_period(const char *period);

#endif
