/* match_json_internal.h — the request reading that match_json.c (match.h's
 * match_json_*) and soundtrack_json.c (soundtrack.h's soundtrack_json)
 * share. Private to those two files. */
#ifndef MOODSPACE_MATCH_JSON_INTERNAL_H
#define MOODSPACE_MATCH_JSON_INTERNAL_H
#include <stddef.h>

#include "cJSON.h"
#include "match.h"

/* Packed songs: rows of float32 metric values in a caller buffer, columns
 * named by the request's "packed": {"metrics": [...], "n": rows}. */
typedef struct { const float *data; size_t n_floats; } Packed;

/* What every request over songs shares, from the parsed request to the
 * answer: its space, its songs, the songs skipped and the result object the
 * handler fills. songs_request_open, then the handler's own fields,
 * songs_request_read, the work, and songs_request_finish, which answers and
 * frees everything (also after a failure at any step). */
typedef struct {
    cJSON *req, *out, *skipped;
    MatchSpace sp;
    float *vals;            /* n rows of sp.n metric values */
    int *orig;              /* each row's index among the request's songs */
    const cJSON **src;      /* each row's JSON item (NULL when packed) */
    int n;
    int space_added;        /* "metrics" and "weights" already in out */
    char err[200];
} SongsRequest;

/* Parses the request and builds its space. 0, or -1 with r->err set. */
int songs_request_open(SongsRequest *r, const char *request, const MatchSpace *base);
/* The songs, after the handler's own fields were checked (so errors keep their order). */
int songs_request_read(SongsRequest *r, const Packed *pk);
/* "metrics" and "weights" at this point of the answer (else they follow "skipped"). */
void songs_request_add_space(SongsRequest *r);
/* ok: the answer = what the handler added, "skipped", then the space unless
 * already added; else {"error": r->err}. Frees the request either way. */
char *songs_request_finish(SongsRequest *r, int ok);

/* Optional integer field in [lo, hi]; absent -> def. Returns -1 with err. */
int int_field(const cJSON *obj, const char *key, long long def, long long lo, long long hi,
              long long *out, char *err, size_t errlen);
/* Reads one item's metrics into out (sp->n floats). Missing metrics with
 * weight 0 get the mean. Returns 0, or -1 with the reason. */
int read_item(const cJSON *item, const MatchSpace *sp, float *out, char *err, size_t errlen);
/* An integer up to 2^53 written with every digit (a seed must reproduce its pool). */
void add_exact_int(cJSON *obj, const char *key, unsigned long long v);

#endif
