#ifndef NTM_VERSION_H
#define NTM_VERSION_H

/* The release, as ntmd --version and ntmctl --version print it and debian/changelog
 * names it. */
#define NTM_VERSION "0.1.0"

#endif
