/* api_film.c — the engine's film soundtrack calls (api.h): one film's
 * soundtrack from a song library (ms_film_soundtrack, soundtrack.h) and the
 * films a library fits best (ms_film_fit). Models and matching are in
 * api.c; the helpers these calls share with it in api_internal.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "api.h"
#include "api_internal.h"
#include "arc.h"
#include "match.h"
#include "soundtrack.h"

char *ms_film_soundtrack(int h, const char *json, const float *packed, size_t n_floats) {
    Slot *s = api_slot(h);
    if (!s) return api_err("no such model");
    if (!s->space_ok) return api_err(s->space_err);
    if (!s->calib) return api_err(s->calib_err);
    char *owned;
    if (api_request_text(json, &owned, &json)) return api_err("out of memory");
    char *r = soundtrack_json(json, &s->space, s->calib, packed, n_floats);
    free(owned);
    return r;
}

/* ---- ms_film_fit: the films a library fits best, in one call ----------------
 *
 * The Taste tab's "film your library fits best" and `moodspace soundtrack
 * --fit`: every film's soundtrack from the library, exactly as
 * ms_film_soundtrack builds it (soundtrack_build, with the songs'
 * percentiles and prices worked out once for all films), ranked by
 * the mean distance of its segments to their songs. The films and the songs
 * travel as float32 rows, not JSON numbers: a catalog is ~10^5 scene moods.
 *
 * Request: {"segments": 6, "top": 5, "results": 5 (0..top: how many of the
 *           top films come with their "result"; default top),
 *           "packed": {"metrics": [names], "n": songs},
 *           "films": [{"id": "...", "scenes": n}, ...]}
 * packed / n_floats: the songs' rows [songs][metrics], then for each film in
 * order its scene rows [n][metrics] and its n scene weights (words; 1 when
 * unknown). A song or scene value that is not finite is missing: a song
 * missing a weighted metric is left out (as ms_film_soundtrack skips it), a
 * film with such a scene fails; a missing unweighted metric is its mean.
 * Answer: {"segments", "songs": used, "films": scored, "failed": k,
 *          "ranking": [{"id", "score", "result": ms_film_soundtrack's answer
 *          for that film (the first "results" films only)}]} best first.
 *          A film's score and result do not depend on the other films: a
 *          caller may rank a catalog in parts without results, then ask
 *          for the winners' results (web/engine/worker.js). score = the mean over the segments of
 * the distances as ms_film_soundtrack reports them (5 decimals); ties by id
 * (byte order). */
#define FIT_DEFAULT_SEGMENTS 6
#define FIT_MAX_TOP 100
#define FIT_MAX_FILMS 100000
#define FIT_MAX_SCENES 200000

typedef struct { const char *id; double score; int film; } FitScore;

static int fit_cmp(const void *a, const void *b) {
    const FitScore *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* An integer field in lo..hi (default when absent); -1 + message otherwise. */
static int fit_int(const cJSON *req, const char *key, int def, int lo, int hi, int *out, char *err, size_t errlen) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
    *out = def;
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi) {
        snprintf(err, errlen, "\"%s\" must be an integer in %d..%d", key, lo, hi);
        return -1;
    }
    *out = (int)v->valuedouble;
    return 0;
}

/* One film's ms_film_soundtrack request (scenes as JSON, the songs still packed). */
static char *fit_film_request(const MatchSpace *sp, const float *rows, const float *w, int n, int segments,
                              const cJSON *packed_desc) {
    cJSON *req = cJSON_CreateObject();
    cJSON *sc = cJSON_AddArrayToObject(req, "scenes"), *sw = cJSON_AddArrayToObject(req, "scene_weights");
    for (int i = 0; req && sc && sw && i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        for (int j = 0; o && j < sp->n; j++) cJSON_AddNumberToObject(o, sp->name[j], rows[(size_t)i * sp->n + j]);
        cJSON_AddItemToArray(sc, o);
        cJSON_AddItemToArray(sw, cJSON_CreateNumber(w[i]));
    }
    cJSON_AddNumberToObject(req, "segments", segments);
    cJSON_AddItemToObject(req, "packed", cJSON_Duplicate(packed_desc, 1));
    char *s = req ? cJSON_PrintUnformatted(req) : NULL;
    cJSON_Delete(req);
    return s;
}

/* One ms_film_fit request as it is worked through, step by step. */
typedef struct {
    const MatchSpace *sp;
    const Calib *calib;
    const float *packed;     /* the caller's buffer (songs, then each film) */
    size_t n_floats;
    const cJSON *pd;         /* the request's "packed" description */
    int segments, top, results;
    int pm;                  /* the buffer's metrics per row */
    int pcol[MATCH_MAX_METRICS];   /* the model's metric j is the buffer's column pcol[j] (-1: not there) */
    int n_total;             /* song rows in the buffer */
    int n_films, maxn;       /* films, and the most scenes one has */
    size_t *at;              /* [n_films + 1]: where each film's rows start */
    FitScore *sc;            /* [n_films] */
    float *songs;            /* [n_songs][m] the usable songs, model order */
    int n_songs;
    float *rows, *w;         /* one film's scene rows [maxn][m] and weights */
    SoundtrackLibrary lib;   /* the songs' percentiles, prices and matching rows, once */
    int scored, failed;
} FitRun;

static void fit_run_free(FitRun *r) {
    free(r->songs); free(r->rows); free(r->w); free(r->sc); free(r->at);
    soundtrack_library_free(&r->lib);
}

/* One packed row (pm values) in the model's order into out: a missing or
 * non-finite value of an unweighted metric is its mean; of a weighted one
 * the row cannot be used (0). 1 when the row can be used. */
static int fit_row(const FitRun *r, const float *in, float *out) {
    const MatchSpace *sp = r->sp;
    for (int j = 0; j < sp->n; j++) {
        float v = r->pcol[j] >= 0 ? in[r->pcol[j]] : NAN;
        if (isfinite(v) && fabsf(v) <= 1e30f) out[j] = v;
        else if (sp->weight[j] > 0) return 0;
        else out[j] = sp->mean[j];
    }
    return 1;
}

/* The request's numbers and its "packed" description: segments, top, the
 * buffer's metrics and song rows. 0, or -1 + message. */
static int fit_read_packed(FitRun *r, const cJSON *req, char *err, size_t errlen) {
    if (fit_int(req, "segments", FIT_DEFAULT_SEGMENTS, 1, ARC_MAX_SEGMENTS, &r->segments, err, errlen) ||
        fit_int(req, "top", 5, 1, FIT_MAX_TOP, &r->top, err, errlen) ||
        fit_int(req, "results", r->top, 0, r->top, &r->results, err, errlen)) return -1;
    r->pd = cJSON_GetObjectItemCaseSensitive(req, "packed");
    const cJSON *pn = cJSON_GetObjectItemCaseSensitive(r->pd, "metrics"), *pc = cJSON_GetObjectItemCaseSensitive(r->pd, "n");
    if (!r->packed || !cJSON_IsArray(pn) || !cJSON_IsNumber(pc)) {
        snprintf(err, errlen, "\"packed\" needs {\"metrics\": [names], \"n\": songs} and a buffer");
        return -1;
    }
    r->pm = cJSON_GetArraySize(pn);
    double rows_d = pc->valuedouble;
    if (r->pm < 1 || r->pm > 64 || !(rows_d >= 0 && rows_d <= MATCH_MAX_SONGS) || rows_d != floor(rows_d) ||
        (size_t)rows_d * (size_t)r->pm > r->n_floats) {
        snprintf(err, errlen, "\"packed\" does not fit its buffer");
        return -1;
    }
    r->n_total = (int)rows_d;
    for (int j = 0; j < r->sp->n; j++) {
        r->pcol[j] = -1;
        int c = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, pn) {
            if (cJSON_IsString(it) && !strcmp(it->valuestring, r->sp->name[j])) { r->pcol[j] = c; break; }
            c++;
        }
    }
    return 0;
}

/* Every film's place in the buffer, checked before any work. 0, or -1 + message. */
static int fit_read_films(FitRun *r, const cJSON *films, char *err, size_t errlen) {
    if (!cJSON_IsArray(films)) { snprintf(err, errlen, "\"films\" must be an array of {\"id\", \"scenes\"}"); return -1; }
    r->n_films = cJSON_GetArraySize(films);
    if (r->n_films > FIT_MAX_FILMS) { snprintf(err, errlen, "too many films (at most %d)", FIT_MAX_FILMS); return -1; }
    r->maxn = 1;
    r->at = malloc(sizeof(size_t) * (size_t)(r->n_films + 1));
    r->sc = malloc(sizeof *r->sc * (size_t)(r->n_films ? r->n_films : 1));
    if (!r->at || !r->sc) { snprintf(err, errlen, "out of memory"); return -1; }
    r->at[0] = (size_t)r->n_total * r->pm;
    int f = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, films) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id"), *n = cJSON_GetObjectItemCaseSensitive(it, "scenes");
        if (!cJSON_IsString(id) || !cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble) ||
            n->valuedouble < 1 || n->valuedouble > FIT_MAX_SCENES) {
            snprintf(err, errlen, "film %d: needs {\"id\": string, \"scenes\": 1..%d}", f, FIT_MAX_SCENES);
            return -1;
        }
        int k = (int)n->valuedouble;
        if (k > r->maxn) r->maxn = k;
        size_t need = (size_t)k * (size_t)(r->pm + 1);
        if (r->at[f] > r->n_floats || need > r->n_floats - r->at[f]) { snprintf(err, errlen, "\"films\" do not fit the buffer"); return -1; }
        r->at[f + 1] = r->at[f] + need;
        r->sc[f] = (FitScore){ id->valuestring, 0, f };
        f++;
    }
    return 0;
}

/* The songs a soundtrack can use (ms_film_soundtrack's rule), prepared
 * once for all films (percentiles, prices, the matching's rows), and room
 * for one film. 0, or -1 + message. */
static int fit_prepare_songs(FitRun *r, char *err, size_t errlen) {
    int m = r->sp->n;
    r->songs = malloc(sizeof(float) * (size_t)(r->n_total ? r->n_total : 1) * m);
    if (!r->songs) { snprintf(err, errlen, "out of memory"); return -1; }
    for (int i = 0; i < r->n_total; i++)
        r->n_songs += fit_row(r, r->packed + (size_t)i * r->pm, r->songs + (size_t)r->n_songs * m);
    if (r->n_songs < 1) { snprintf(err, errlen, "no songs with a predicted mood in the library"); return -1; }
    r->rows = malloc(sizeof(float) * (size_t)r->maxn * m);
    r->w = malloc(sizeof(float) * (size_t)r->maxn);
    if (!r->rows || !r->w) { snprintf(err, errlen, "out of memory"); return -1; }
    return soundtrack_library_init(&r->lib, r->sp, r->calib, r->songs, r->n_songs, err, errlen);
}

/* Film f's scene count, and its rows in the buffer. */
static int fit_film_scenes(const FitRun *r, int f, const float **in) {
    *in = r->packed + r->at[f];
    return (int)((r->at[f + 1] - r->at[f]) / (size_t)(r->pm + 1));
}

/* Every film's soundtrack and its score: the mean over the segments of the
 * distances as ms_film_soundtrack reports them (5 decimals); a film with
 * no soundtrack (a scene missing a weighted metric, or no picks) scores
 * infinity and counts as failed. */
static void fit_score_films(FitRun *r) {
    int m = r->sp->n;
    SoundtrackOpts so = { .n_segments = r->segments, .quick = 0, .seed = 0, .avoid_offset = -1, .lean = 1,
                          .library = &r->lib };
    for (int f = 0; f < r->n_films; f++) {
        const float *in;
        int n = fit_film_scenes(r, f, &in), ok = 1;
        const float *win = in + (size_t)n * r->pm;
        for (int i = 0; i < n && ok; i++) {
            ok = fit_row(r, in + (size_t)i * r->pm, r->rows + (size_t)i * m);
            r->w[i] = isfinite(win[i]) ? win[i] : 0;
        }
        char why[200];
        Soundtrack *st = ok ? soundtrack_build(r->sp, r->calib, r->rows, r->w, n, r->songs, r->n_songs, &so, why, sizeof why) : NULL;
        if (!st || st->n_picks < 1) { soundtrack_free(st); r->failed++; r->sc[f].score = INFINITY; continue; }
        double sum = 0;
        for (int g = 0; g < st->n_picks; g++) sum += round(st->picks[g].distance * 1e5) / 1e5;
        r->sc[f].score = sum / st->n_picks;
        r->scored++;
        soundtrack_free(st);
    }
}

/* The answer: the films best first (ties by id), the top ones with their
 * full ms_film_soundtrack answer. NULL when memory ran out. */
static cJSON *fit_answer(FitRun *r) {
    const MatchSpace *sp = r->sp;
    int m = sp->n;
    qsort(r->sc, (size_t)r->n_films, sizeof *r->sc, fit_cmp);
    cJSON *out = cJSON_CreateObject(), *rank = cJSON_CreateArray();
    if (!out || !rank) { cJSON_Delete(out); cJSON_Delete(rank); return NULL; }
    cJSON_AddNumberToObject(out, "segments", r->segments);
    cJSON_AddNumberToObject(out, "songs", r->n_songs);
    cJSON_AddNumberToObject(out, "films", r->scored);
    cJSON_AddNumberToObject(out, "failed", r->failed);
    cJSON_AddItemToObject(out, "ranking", rank);
    for (int k = 0; k < r->top && k < r->scored; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", r->sc[k].id);
        char num[40];   /* all 17 digits: cJSON's own printing may drop the last bit */
        snprintf(num, sizeof num, "%.17g", r->sc[k].score);
        cJSON_AddRawToObject(e, "score", num);
        cJSON_AddItemToArray(rank, e);
        if (k >= r->results) continue;
        const float *in;
        int f = r->sc[k].film, n = fit_film_scenes(r, f, &in);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) r->rows[(size_t)i * m + j] = r->pcol[j] >= 0 ? in[(size_t)i * r->pm + r->pcol[j]] : NAN;
        for (int i = 0; i < n; i++) r->w[i] = in[(size_t)n * r->pm + i];
        char *one = fit_film_request(sp, r->rows, r->w, n, r->segments, r->pd);
        char *res = one ? soundtrack_json(one, sp, r->calib, r->packed, r->n_floats) : NULL;
        cJSON_AddItemToObject(e, "result", res ? cJSON_Parse(res) : cJSON_CreateNull());
        free(one); free(res);
    }
    return out;
}

char *ms_film_fit(int h, const char *json, const float *packed, size_t n_floats) {
    Slot *s = api_slot(h);
    if (!s) return api_err("no such model");
    if (!s->space_ok) return api_err(s->space_err);
    if (!s->calib) return api_err(s->calib_err);
    FitRun r = { .sp = &s->space, .calib = s->calib, .packed = packed, .n_floats = n_floats };
    char err[200] = "";
    cJSON *req = api_parse(json), *out = NULL;
    if (!cJSON_IsObject(req)) snprintf(err, sizeof err, "the request is not a JSON object");
    else if (!fit_read_packed(&r, req, err, sizeof err) &&
             !fit_read_films(&r, cJSON_GetObjectItemCaseSensitive(req, "films"), err, sizeof err) &&
             !fit_prepare_songs(&r, err, sizeof err)) {
        fit_score_films(&r);
        if (!(out = fit_answer(&r))) snprintf(err, sizeof err, "out of memory");
    }
    fit_run_free(&r);
    if (out) { cJSON_Delete(req); return api_take(out); }
    cJSON_Delete(req);
    return api_err(err[0] ? err : "could not rank the films");
}
