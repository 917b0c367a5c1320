#ifndef NTM_FEED_H
#define NTM_FEED_H

#include <sqlite3.h>
#include <time.h>

/* Which occurrences a rendering holds. */
struct feed_query {
	sqlite3_int64	 plan_id;	/* > 0: everything in this plan */
	sqlite3_int64	 unit_id;	/* > 0: what this unit directs, leads or supports */
	const char	*message_id;	/* else: the items of the reminder mail with this id */
	const char	*organizer;	/* mail attachments: ORGANIZER mailto address */
	const char	*method;	/* with organizer: "REQUEST" or "CANCEL" (an
					 * invitation), else PUBLISH */
	char *const	*attendees;	/* an invitation's ATTENDEEs: addresses */
	size_t		 nattendees;
	time_t		 now;		/* cancelled items stay this long after cancelling */
};

/* Render an iCalendar text (RFC 5545/7986, CRLF, folded) for q; allocated, free(); NULL
 * (logged) on a database error. It only reads: the items' published states are as the
 * last state_refresh() left them. *last_modified is the newest change among the items,
 * 0 if there are none. */
char *feed_render(sqlite3 *db, const struct feed_query *q, time_t *last_modified);

/* How long a cancelled item stays in feeds so that subscribed clients remove it. */
#define FEED_KEEP_CANCELLED (30 * 86400)

#endif
