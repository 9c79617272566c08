/* api.h — the ONE list of the engine's calls (defined in wasm/api.c and
 * its companions api_script.c and api_film.c), each with its contract.
 * Everything else is derived from or checked against this list:
 *   - the wasm's exports: wasm/Makefile writes build/wasm/exports.txt from
 *     the declarations below (each line `TYPE ms_NAME(` is an export);
 *   - the page's wrappers: web/engine/engine.js has one method per call
 *     (reaching mod._ms_NAME), and the Worker finds calls by name on that
 *     object;
 *   - tests/js/api-wiring.test.mjs fails unless every call here is exported
 *     by the built wasm, used by engine.js and called by the API fuzzer
 *     (tests/fuzz/fuzz_api.c), and nothing else is exported or used.
 * Adding a call: define it in api.c (or api_script.c / api_film.c),
 * declare it here (one line, so the export list picks it up), add its
 * method in engine.js and its case in fuzz_api.c.
 *
 * Rules every call keeps:
 *   - a char * result is a malloc'd, NUL-terminated JSON text that the
 *     caller frees with ms_free(); failures come back as {"error": "..."}
 *     (NULL only if even that cannot be allocated);
 *   - inputs are NUL-terminated UTF-8 strings (JSON texts) or (pointer,
 *     length) byte ranges; NULL is accepted everywhere and answered with an
 *     error; a NUL inside a text ("\u0000" in JSON, a 0 byte in a byte
 *     range) is whitespace, never the end of the text;
 *   - nothing exits or aborts, whatever the input;
 *   - answers are valid UTF-8: invalid UTF-8 in a request (a bad byte, an
 *     overlong form, a surrogate, a cut sequence) is read as U+FFFD before
 *     the request is parsed, so it is never echoed; a model whose names,
 *     words or meta are not valid UTF-8 is refused;
 *   - h is a model handle from ms_model_load (1..16); 0 means "no model"
 *     where a model is optional (matching with statistics given in the
 *     request), and is an error elsewhere;
 *   - packed / n_floats: optional float32 song rows for a request with
 *     "packed" instead of "songs" (match.h), NULL / 0 otherwise; n_floats
 *     must cover the rows the request declares.
 * Native builds compile api.c too, so tests/c, tests/fuzz and the tools
 * call the very same entry points. */
#ifndef MS_API_H
#define MS_API_H
#include <stddef.h>

/* Frees any result of the calls below (NULL is fine). */
void ms_free(void *p);
/* Limits and defaults the page should not copy: {"api_version", "max_segments", ...}. */
char *ms_constants(void);
/* Load a weights file (model.h's format) into a new slot:
 * {"model": h, ...the info of ms_model_info} | {"error"}. */
char *ms_model_load(const void *bytes, size_t len);
/* Free slot h: {"ok": true} | {"error"}. */
char *ms_model_free(int h);
/* Model h's header, metrics, mean, std and default matching weights. */
char *ms_model_info(int h);
/* Set model h's default matching weights from {"energy": 1, "tempo": 0.5, ...};
 * names not given keep their weight. Answers the new info. */
char *ms_model_set_weights(int h, const char *json);
/* ["text" | {"id", "text"}, ...] -> [{"id"?, metric: value, ...} | {"id"?, "error"}]:
 * one answer per item, in order (an item's error does not fail the call). */
char *ms_predict(int h, const char *json);
/* The top-k songs nearest to a target mood (match.h's request). */
char *ms_match(int h, const char *json, const float *packed, size_t n_floats);
/* Distinct songs assigned to segments, minimising the total distance (match.h). */
char *ms_soundtrack(int h, const char *json, const float *packed, size_t n_floats);
/* The seed's song pool: {"seed", "n" | "tracks"} -> {"offset", "indices", ...} (match.h). */
char *ms_pool(const char *json);
/* A film's soundtrack, or the quick match, on the calibrated scale: the
 * page's one matching path (soundtrack.h gives the request and the answer).
 * h: a loaded model whose meta carries calibration tables (calib.h), else
 * {"error"} saying how to add them. */
char *ms_film_soundtrack(int h, const char *json, const float *packed, size_t n_floats);
/* Which words moved the prediction most: {"text", "max_words"?, "top"?} (explain.h). */
char *ms_explain(int h, const char *json);
/* A screenplay or subtitles (text, len bytes) -> scenes (scene.h); opts_json:
 * {"format", "filename", "text", "sub_gap", "sub_window", "max_scenes", ...} or NULL. */
char *ms_scenes(const char *text, size_t len, const char *opts_json);
/* Script -> scenes -> per-scene prediction -> mood arc and segments (arc.h);
 * opts_json: the scene options of ms_scenes plus the arc options. */
char *ms_arc(int h, const char *text, size_t len, const char *opts_json);
/* An arc from per-scene metrics already known (a catalog film, or scenes
 * predicted earlier), e.g. to re-split it into another number of segments:
 * {"scenes": [{"energy": .., ...}, ...], "weights": [words, ...]?,
 *  "metrics": [names]?, ...arc options}. Metrics default to the model's
 * outputs (h > 0; the model's std then standardises them) or to the first
 * scene's numeric keys (h == 0; the film's own std). */
char *ms_arc_from_metrics(int h, const char *json);

/* A script read once: its scenes (ms_scenes' answer, with each scene's
 * text) and each scene's predicted mood plus the overall mood, from one parse
 * and one prediction and no arc (api_script.c, "a script read once"). h: a loaded
 * model; text / len: the script (any bytes); opts_json: ms_arc's options or
 * NULL, plus "soundtrack": {"segments", "ranges"} to get in the same call
 * the arc-only ms_film_soundtrack answer for the film made of these moods
 * (api_script.c). Returns a malloc'd JSON text to free with ms_free,
 * {"error"} on failure; never NULL unless out of memory. */
char *ms_read_script(int h, const char *text, size_t len, const char *opts_json);

/* The films a song library fits best, in one call (the Taste tab and
 * `moodspace soundtrack --fit`): every film's ms_film_soundtrack, ranked by
 * the mean distance of its segments to their songs. json: {"segments"?,
 * "top"?, "results"? (how many of the top carry their "result"; default
 * all), "packed": {"metrics", "n": songs}, "films": [{"id", "scenes": n}]};
 * packed / n_floats: the song rows, then each film's scene rows and scene
 * weights (api_film.c gives the layout). Returns a malloc'd JSON text to free
 * with ms_free: {"ranking": [{"id", "score", "result"}], "failed", ...} or
 * {"error": "..."}; never NULL unless out of memory. */
char *ms_film_fit(int h, const char *json, const float *packed, size_t n_floats);
#endif
