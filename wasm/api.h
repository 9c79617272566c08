/* api.h — the exported ms_* entry points of api.c (the contract is at the
 * top of api.c). The page reaches them through wasm/exports.txt; native
 * callers (tests/c, tests/fuzz) include this header. */
#ifndef MS_API_H
#define MS_API_H
#include <stddef.h>

void ms_free(void *p);
char *ms_constants(void);
char *ms_model_load(const void *bytes, size_t len);
char *ms_model_free(int h);
char *ms_model_info(int h);
char *ms_model_set_weights(int h, const char *json);
char *ms_predict(int h, const char *json);
char *ms_match(int h, const char *json, const float *packed, size_t n_floats);
char *ms_soundtrack(int h, const char *json, const float *packed, size_t n_floats);
char *ms_pool(const char *json);
/* A film's soundtrack, or the quick match, on the calibrated scale: the
 * page's one matching path (soundtrack.h gives the request and the answer).
 * h: a loaded model whose meta carries calibration tables (calib.h), else
 * {"error"} saying how to add them. json: the request (NUL-terminated);
 * packed / n_floats: float32 song rows for a request with "packed" instead
 * of "songs" (match.h), NULL / 0 otherwise; n_floats must cover the rows the
 * request declares. Returns a malloc'd JSON text to free with ms_free: the
 * soundtrack or {"error": "..."}; never NULL unless out of memory. Invalid
 * UTF-8 in the request is read as U+FFFD and never echoed. */
char *ms_film_soundtrack(int h, const char *json, const float *packed, size_t n_floats);
char *ms_explain(int h, const char *json);
char *ms_scenes(const char *text, size_t len, const char *opts_json);
char *ms_arc(int h, const char *text, size_t len, const char *opts_json);
char *ms_arc_from_metrics(int h, const char *json);
/* The films a song library fits best, in one call (the Taste tab and
 * `moodspace soundtrack --fit`): every film's ms_film_soundtrack, ranked by
 * the mean distance of its segments to their songs. json: {"segments"?,
 * "top"?, "packed": {"metrics", "n": songs}, "films": [{"id", "scenes": n}]};
 * packed / n_floats: the song rows, then each film's scene rows and scene
 * weights (api.c gives the layout). Returns a malloc'd JSON text to free
 * with ms_free: {"ranking": [{"id", "score", "result"}], "failed", ...} or
 * {"error": "..."}; never NULL unless out of memory. */
char *ms_film_fit(int h, const char *json, const float *packed, size_t n_floats);
#endif
