#ifndef NTM_DONELINK_H
#define NTM_DONELINK_H

#include <sqlite3.h>
#include <time.h>

#include "config.h"
#include "date.h"

/*
 * The links a reminder mail gives for each item: /done/ITEM.UNIT.EXPIRY.MAC, where MAC
 * is the first 128 bits, in hex, of HMAC-SHA256 over "done:ITEM:UNIT:EXPIRY" under a
 * key only ntmd holds. Whoever has the link may report the item done for that unit
 * until EXPIRY (seconds since the epoch).
 */
struct donekey;

/* The key file: c->link_key_file, else link.key beside the database. Allocated. */
char *donelink_key_path(const struct config *c);
/* Read the key (64 hex digits) from path; if it does not exist and create is set,
 * make one from 32 random bytes, mode 0600. NULL with *err (allocated) if the file
 * cannot be read or made, is malformed, or others may read it. */
struct donekey *donelink_key_load(const char *path, int create, char **err);
void donelink_key_free(struct donekey *k);

/* When a link for an item whose latest day is `latest` stops working: the end of the
 * 30th day after it. */
time_t donelink_expiry(ntm_date latest);
/* "/done/ITEM.UNIT.EXPIRY.MAC". Allocated. */
char *donelink_path(const struct donekey *k, sqlite3_int64 item, sqlite3_int64 unit,
    time_t expiry);

enum donelink_check { LINK_VALID, LINK_FORGED, LINK_EXPIRED };
struct donelink {
	sqlite3_int64	item, unit;
	time_t		expiry;
};
/* Check s, the part of the path after "/done/". LINK_FORGED for anything malformed,
 * not canonical or not signed by k (the MAC compared in constant time); LINK_EXPIRED
 * for a genuine link past its expiry. *out is filled for both of the latter two. */
enum donelink_check donelink_verify(const struct donekey *k, const char *s, time_t now,
    struct donelink *out);
/* The form's anti-forgery token for the link s (as verified): 32 hex digits into
 * out[33]; and its check, in constant time. */
void donelink_csrf(const struct donekey *k, const char *s, char out[33]);
int donelink_csrf_ok(const struct donekey *k, const char *s, const char *token);

#endif
