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
 * Request: {"segments": 6, "top": 5,
 *           "packed": {"metrics": [names], "n": songs},
 *           "films": [{"id": "...", "scenes": n}, ...]}
 * packed / n_floats: the songs' rows [songs][metrics], then for each film in
 * order its scene rows [n][metrics] and its n scene weights (words; 1 when
 * unknown). A song or scene value that is not finite is missing: a song
 * missing a weighted metric is left out (as ms_film_soundtrack skips it), a
 * film with such a scene fails; a missing unweighted metric is its mean.
 * Answer: {"segments", "songs": used, "films": scored, "failed": k,
 *          "ranking": [{"id", "score", "result": ms_film_soundtrack's answer
 *          for that film}]} best first. score = the mean over the segments of
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

char *ms_film_fit(int h, const char *json, const float *packed, size_t n_floats) {
    Slot *s = api_slot(h);
    if (!s) return api_err("no such model");
    if (!s->space_ok) return api_err(s->space_err);
    if (!s->calib) return api_err(s->calib_err);
    const MatchSpace *sp = &s->space;
    int m = sp->n;
    char err[200] = "";
    cJSON *req = api_parse(json), *out = NULL;
    float *songs = NULL, *rows = NULL, *w = NULL, *spct = NULL, *price = NULL;
    FitScore *sc = NULL;
    size_t *at = NULL;
    int segments, top, n_films = 0, n_songs = 0, pm = 0, pcol[MATCH_MAX_METRICS], failed = 0, scored = 0;
    if (!cJSON_IsObject(req)) { snprintf(err, sizeof err, "the request is not a JSON object"); goto done; }
    if (fit_int(req, "segments", FIT_DEFAULT_SEGMENTS, 1, ARC_MAX_SEGMENTS, &segments, err, sizeof err) ||
        fit_int(req, "top", 5, 1, FIT_MAX_TOP, &top, err, sizeof err)) goto done;
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(req, "packed");
    const cJSON *pn = cJSON_GetObjectItemCaseSensitive(pd, "metrics"), *pc = cJSON_GetObjectItemCaseSensitive(pd, "n");
    const cJSON *films = cJSON_GetObjectItemCaseSensitive(req, "films");
    if (!packed || !cJSON_IsArray(pn) || !cJSON_IsNumber(pc)) {
        snprintf(err, sizeof err, "\"packed\" needs {\"metrics\": [names], \"n\": songs} and a buffer");
        goto done;
    }
    pm = cJSON_GetArraySize(pn);
    double rows_d = pc->valuedouble;
    if (pm < 1 || pm > 64 || !(rows_d >= 0 && rows_d <= MATCH_MAX_SONGS) || rows_d != floor(rows_d) ||
        (size_t)rows_d * (size_t)pm > n_floats) {
        snprintf(err, sizeof err, "\"packed\" does not fit its buffer");
        goto done;
    }
    for (int j = 0; j < m; j++) {
        pcol[j] = -1;
        int c = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, pn) {
            if (cJSON_IsString(it) && !strcmp(it->valuestring, sp->name[j])) { pcol[j] = c; break; }
            c++;
        }
    }
    if (!cJSON_IsArray(films)) { snprintf(err, sizeof err, "\"films\" must be an array of {\"id\", \"scenes\"}"); goto done; }
    n_films = cJSON_GetArraySize(films);
    if (n_films > FIT_MAX_FILMS) { snprintf(err, sizeof err, "too many films (at most %d)", FIT_MAX_FILMS); goto done; }
    /* every film's place in the buffer, checked before any work */
    int total = (int)rows_d, maxn = 1;
    at = malloc(sizeof(size_t) * (size_t)(n_films + 1));
    sc = malloc(sizeof *sc * (size_t)(n_films ? n_films : 1));
    songs = malloc(sizeof(float) * (size_t)(total ? total : 1) * m);
    if (!at || !sc || !songs) { snprintf(err, sizeof err, "out of memory"); goto done; }
    at[0] = (size_t)total * pm;
    {
        int f = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, films) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id"), *n = cJSON_GetObjectItemCaseSensitive(it, "scenes");
            if (!cJSON_IsString(id) || !cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble) ||
                n->valuedouble < 1 || n->valuedouble > FIT_MAX_SCENES) {
                snprintf(err, sizeof err, "film %d: needs {\"id\": string, \"scenes\": 1..%d}", f, FIT_MAX_SCENES);
                goto done;
            }
            int k = (int)n->valuedouble;
            if (k > maxn) maxn = k;
            size_t need = (size_t)k * (size_t)(pm + 1);
            if (at[f] > n_floats || need > n_floats - at[f]) { snprintf(err, sizeof err, "\"films\" do not fit the buffer"); goto done; }
            at[f + 1] = at[f] + need;
            sc[f] = (FitScore){ id->valuestring, 0, f };
            f++;
        }
    }
    /* the songs a soundtrack can use (ms_film_soundtrack's rule) */
    for (int i = 0; i < total; i++) {
        const float *in = packed + (size_t)i * pm;
        float *row = songs + (size_t)n_songs * m;
        int ok = 1;
        for (int j = 0; j < m && ok; j++) {
            float v = pcol[j] >= 0 ? in[pcol[j]] : NAN;
            if (isfinite(v) && fabsf(v) <= 1e30f) row[j] = v;
            else if (sp->weight[j] > 0) ok = 0;
            else row[j] = sp->mean[j];
        }
        n_songs += ok;
    }
    if (n_songs < 1) { snprintf(err, sizeof err, "no songs with a predicted mood in the library"); goto done; }
    rows = malloc(sizeof(float) * (size_t)maxn * m);
    w = malloc(sizeof(float) * (size_t)maxn);
    if (!rows || !w) { snprintf(err, sizeof err, "out of memory"); goto done; }
    /* the songs' percentiles once, not per film; no per-scene percentiles */
    spct = malloc(sizeof(float) * (size_t)n_songs * m);
    price = malloc(sizeof(float) * (size_t)n_songs);
    if (!spct || !price) { snprintf(err, sizeof err, "out of memory"); goto done; }
    if (soundtrack_song_pcts(sp, s->calib, songs, n_songs, spct, err, sizeof err) ||
        soundtrack_song_prices(sp, s->calib, spct, n_songs, price, err, sizeof err)) goto done;
    SoundtrackOpts so = { .n_segments = segments, .quick = 0, .seed = 0, .avoid_offset = -1, .lean = 1,
                          .song_pct = spct, .price = price };
    for (int f = 0; f < n_films; f++) {
        int n = (int)((at[f + 1] - at[f]) / (size_t)(pm + 1)), ok = 1;
        const float *in = packed + at[f], *win = in + (size_t)n * pm;
        for (int i = 0; i < n && ok; i++) {
            for (int j = 0; j < m && ok; j++) {
                float v = pcol[j] >= 0 ? in[(size_t)i * pm + pcol[j]] : NAN;
                if (isfinite(v) && fabsf(v) <= 1e30f) rows[(size_t)i * m + j] = v;
                else if (sp->weight[j] > 0) ok = 0;
                else rows[(size_t)i * m + j] = sp->mean[j];
            }
            w[i] = isfinite(win[i]) ? win[i] : 0;
        }
        char why[200];
        Soundtrack *st = ok ? soundtrack_build(sp, s->calib, rows, w, n, songs, n_songs, &so, why, sizeof why) : NULL;
        if (!st || st->n_picks < 1) { soundtrack_free(st); failed++; sc[f].score = INFINITY; continue; }
        double sum = 0;
        for (int g = 0; g < st->n_picks; g++) sum += round(st->picks[g].distance * 1e5) / 1e5;
        sc[f].score = sum / st->n_picks;
        scored++;
        soundtrack_free(st);
    }
    qsort(sc, (size_t)n_films, sizeof *sc, fit_cmp);
    out = cJSON_CreateObject();
    cJSON *rank = cJSON_CreateArray();
    if (!out || !rank) { cJSON_Delete(rank); snprintf(err, sizeof err, "out of memory"); goto done; }
    cJSON_AddNumberToObject(out, "segments", segments);
    cJSON_AddNumberToObject(out, "songs", n_songs);
    cJSON_AddNumberToObject(out, "films", scored);
    cJSON_AddNumberToObject(out, "failed", failed);
    cJSON_AddItemToObject(out, "ranking", rank);
    for (int r = 0; r < top && r < scored; r++) {
        int f = sc[r].film, n = (int)((at[f + 1] - at[f]) / (size_t)(pm + 1));
        const float *in = packed + at[f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) rows[(size_t)i * m + j] = pcol[j] >= 0 ? in[(size_t)i * pm + pcol[j]] : NAN;
        for (int i = 0; i < n; i++) w[i] = in[(size_t)n * pm + i];
        char *one = fit_film_request(sp, rows, w, n, segments, pd);
        char *res = one ? soundtrack_json(one, sp, s->calib, packed, n_floats) : NULL;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", sc[r].id);
        char num[40];   /* all 17 digits: cJSON's own printing may drop the last bit */
        snprintf(num, sizeof num, "%.17g", sc[r].score);
        cJSON_AddRawToObject(e, "score", num);
        cJSON_AddItemToObject(e, "result", res ? cJSON_Parse(res) : cJSON_CreateNull());
        cJSON_AddItemToArray(rank, e);
        free(one); free(res);
    }
done:
    free(songs); free(rows); free(w); free(sc); free(at); free(spct); free(price);
    if (out) { cJSON_Delete(req); return api_take(out); }
    cJSON_Delete(req);
    return api_err(err[0] ? err : "could not rank the films");
}
