/* err.h — the engine's one convention for errors.
 *
 * A function that can fail on bad input or out of memory:
 *   - takes the caller's buffer as its last two parameters, `char *err,
 *     size_t errlen` (err may be NULL: no message);
 *   - returns NULL (or -1) and fills err with ms_seterr, once, at the place
 *     the problem is found; on success it leaves err alone;
 *   - never aborts, exits or prints (only tools in wasm/tools/ do that).
 * A message says what was wrong and what is expected, lower case, no final
 * period: "\"segments\" must be an integer in 1..12". It names the input
 * part, not the C function. The JSON entry points (api.c) return it as
 * {"error": "..."}; tools print it after their name.
 *
 *   char err[200];
 *   Model *m = model_load_file(path, err, sizeof err);
 *   if (!m) { fprintf(stderr, "moodspace info: %s\n", err); return 1; }
 *
 * and inside the function:
 *
 *   if (n < 1) { ms_seterr(err, errlen, "need at least one %s", what); return NULL; }
 *
 * Buffers of 200-256 bytes are usual. A longer message is cut on a UTF-8
 * character boundary (utf8.h), so a message is always valid UTF-8 when its
 * parts are. No malloc'ed messages and no `char **err`. */
#ifndef MOODSPACE_ERR_H
#define MOODSPACE_ERR_H
#include <stddef.h>

/* printf into err[0..errlen), always NUL-terminated and cut on a character
 * boundary. Does nothing when err is NULL or errlen is 0. */
void ms_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* {"error": msg} as a malloc'd JSON text, the answer of a JSON entry point
 * that failed (api.h; msg NULL: "unknown error"). NULL only when out of
 * memory. msg is written as given: api.c first makes a message that quotes
 * the input valid UTF-8. */
char *ms_error_json(const char *msg);

#endif
