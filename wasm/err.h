/* err.h — the engine's one way to fill a caller's error buffer.
 *
 *   char err[200];
 *   if (!thing) ms_seterr(err, sizeof err, "bad %s", what);
 *
 * Does nothing when err is NULL or errlen is 0; always NUL-terminates. */
#ifndef MOODSPACE_ERR_H
#define MOODSPACE_ERR_H
#include <stddef.h>

void ms_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
