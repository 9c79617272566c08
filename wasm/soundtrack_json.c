/* soundtrack_json.c — soundtrack.h's soundtrack_json: a film's soundtrack
 * request (scenes, songs, segments or the quick match) read, built by
 * soundtrack_build, and written as the answer ms_film_soundtrack gives.
 * Songs are read as every matching request reads them
 * (match_json_internal.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "cJSON.h"
#include "arc.h"
#include "err.h"
#include "match_json_internal.h"
#include "soundtrack.h"

#define ARC_MAX_SCENES_JSON 200000   /* scenes in one request (bounded work) */

static double pct100(float p) { return round(p * 1000.0) / 10.0; }

static cJSON *pct_object(const MatchSpace *sp, const float *p) {
    cJSON *o = cJSON_CreateObject();
    for (int j = 0; o && j < sp->n; j++) cJSON_AddNumberToObject(o, sp->name[j], pct100(p[j]));
    return o;
}

/* {"song": {"index", "id"?}, "song_mood", "song_pct", "distance"} into e */
static void add_song(cJSON *e, const Soundtrack *st, const SoundtrackPick *p, const MatchSpace *sp,
                     const float *vals, const int *orig, const cJSON **src) {
    if (p->song < 0) return;   /* arc only: no songs given */
    cJSON *song = cJSON_AddObjectToObject(e, "song");
    cJSON_AddNumberToObject(song, "index", orig[p->song]);
    const cJSON *id = src[p->song] ? cJSON_GetObjectItemCaseSensitive(src[p->song], "id") : NULL;
    if (id) cJSON_AddItemToObject(song, "id", cJSON_Duplicate(id, 1));
    cJSON_AddItemToObject(e, "song_mood", arc_metrics_cjson(st->arc, vals + (size_t)p->song * sp->n));
    cJSON_AddItemToObject(e, "song_pct", pct_object(sp, p->song_pct));
    cJSON_AddNumberToObject(e, "distance", round(p->distance * 1e5) / 1e5);
}

static int read_scenes(const cJSON *req, const MatchSpace *sp, float **scenes, float **w, int *n_out,
                       char *err, size_t errlen) {
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(req, "scenes");
    if (!cJSON_IsArray(sc)) { ms_seterr(err, errlen, "\"scenes\" must be an array of metric objects"); return -1; }
    int n = cJSON_GetArraySize(sc);
    if (n > ARC_MAX_SCENES_JSON) { ms_seterr(err, errlen, "too many scenes (at most %d)", ARC_MAX_SCENES_JSON); return -1; }
    const cJSON *wa = cJSON_GetObjectItemCaseSensitive(req, "scene_weights");
    if (wa && !cJSON_IsNull(wa) && (!cJSON_IsArray(wa) || cJSON_GetArraySize(wa) != n)) {
        ms_seterr(err, errlen, "\"scene_weights\" must be an array with one number per scene");
        return -1;
    }
    *scenes = malloc((size_t)(n ? n : 1) * sp->n * sizeof **scenes);
    *w = malloc((size_t)(n ? n : 1) * sizeof **w);
    if (!*scenes || !*w) { ms_seterr(err, errlen, "out of memory"); return -1; }
    int i = 0;
    const cJSON *it, *wi = cJSON_IsArray(wa) ? wa->child : NULL;
    cJSON_ArrayForEach(it, sc) {
        char why[96];
        if (read_item(it, sp, *scenes + (size_t)i * sp->n, why, sizeof why)) {
            ms_seterr(err, errlen, "scene %d: %s", i, why);
            return -1;
        }
        (*w)[i] = 1;
        if (wi) { (*w)[i] = cJSON_IsNumber(wi) && isfinite(wi->valuedouble) ? (float)wi->valuedouble : 0; wi = wi->next; }
        i++;
    }
    *n_out = n;
    return 0;
}

/* "locked": [{"segment": g, "song": i}] -> pairs of segment and library row
 * (i is an index among the request's songs; a song the request skipped
 * cannot be locked). Absent or null: none. 0, or -1 with err. */
static int read_locked(const cJSON *req, const int *orig, int n, int **seg, int **row, int *n_out,
                       char *err, size_t errlen) {
    const cJSON *lk = cJSON_GetObjectItemCaseSensitive(req, "locked"), *it;
    *n_out = 0;
    if (!lk || cJSON_IsNull(lk)) return 0;
    int c = cJSON_IsArray(lk) ? cJSON_GetArraySize(lk) : -1;
    if (c < 0 || c > ARC_MAX_SEGMENTS) {
        ms_seterr(err, errlen, "\"locked\" must be up to %d {\"segment\": g, \"song\": i} objects", ARC_MAX_SEGMENTS);
        return -1;
    }
    *seg = malloc(sizeof(int) * (size_t)(c ? c : 1));
    *row = malloc(sizeof(int) * (size_t)(c ? c : 1));
    if (!*seg || !*row) { ms_seterr(err, errlen, "out of memory"); return -1; }
    cJSON_ArrayForEach(it, lk) {
        long long g, i;
        if (!cJSON_IsObject(it) || int_field(it, "segment", -1, 0, ARC_MAX_SEGMENTS - 1, &g, err, errlen) ||
            int_field(it, "song", -1, 0, MATCH_MAX_SONGS, &i, err, errlen) || g < 0 || i < 0) {
            ms_seterr(err, errlen, "each of \"locked\" must be {\"segment\": g, \"song\": i} (indices from 0)");
            return -1;
        }
        int r = 0;
        while (r < n && orig[r] != (int)i) r++;
        if (r == n) { ms_seterr(err, errlen, "locked song %lld is not among the songs with a mood", i); return -1; }
        (*seg)[*n_out] = (int)g;
        (*row)[*n_out] = r;
        (*n_out)++;
    }
    return 0;
}

/* The request's options: "segments", "quick": {"seed", "avoid_offset"}
 * and "alternatives" into so. 0, or -1 with err. */
static int read_options(const cJSON *req, SoundtrackOpts *so, char *err, size_t errlen) {
    long long segs, seed = 0, avoid = -1, alts = 0;
    if (int_field(req, "segments", arc_default_opts().n_segments, 1, ARC_MAX_SEGMENTS, &segs, err, errlen)) return -1;
    const cJSON *quick = cJSON_GetObjectItemCaseSensitive(req, "quick");
    if (quick && !cJSON_IsNull(quick)) {
        if (!cJSON_IsObject(quick)) { ms_seterr(err, errlen, "\"quick\" must be {\"seed\": S}"); return -1; }
        if (int_field(quick, "seed", -1, 0, 9007199254740992LL, &seed, err, errlen)) return -1;
        if (seed < 0) { ms_seterr(err, errlen, "\"quick\" needs \"seed\" (an integer 0..2^53)"); return -1; }
        if (int_field(quick, "avoid_offset", -1, -1, MATCH_MAX_SONGS, &avoid, err, errlen)) return -1;
        so->quick = 1;
    }
    so->n_segments = (int)segs;
    so->seed = (uint64_t)seed;
    so->avoid_offset = (int)avoid;
    if (int_field(req, "alternatives", 0, 0, SOUNDTRACK_MAX_ALTERNATIVES, &alts, err, errlen)) return -1;
    so->alternatives = (int)alts;
    return 0;
}

/* "quick": {"seed", "offset", "pool": [song indices], "picks": [songs]} */
static void add_quick(cJSON *out, const Soundtrack *st, const SongsRequest *r) {
    cJSON *q = cJSON_AddObjectToObject(out, "quick");
    add_exact_int(q, "seed", (unsigned long long)st->seed);
    cJSON_AddNumberToObject(q, "offset", st->pool_offset);
    cJSON *pool = cJSON_AddArrayToObject(q, "pool");
    for (int i = 0; i < st->pool_n; i++) cJSON_AddItemToArray(pool, cJSON_CreateNumber(r->orig[st->pool[i]]));
    cJSON *picks = cJSON_AddArrayToObject(q, "picks");
    for (int i = 0; i < st->n_picks; i++) {
        cJSON *e = cJSON_CreateObject();
        add_song(e, st, &st->picks[i], &r->sp, r->vals, r->orig, r->src);
        cJSON_AddItemToArray(picks, e);
    }
}

/* "segments": [{"first_scene", "last_scene", "mood", "pct", song...,
 * "locked"?, "alternatives"?}] */
static void add_segments(cJSON *out, const Soundtrack *st, const SongsRequest *r, const SoundtrackOpts *so) {
    const MatchSpace *sp = &r->sp;
    cJSON *sa = cJSON_AddArrayToObject(out, "segments");
    for (int g = 0; g < st->n_picks; g++) {
        const SoundtrackPick *p = &st->picks[g];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "first_scene", p->first);
        cJSON_AddNumberToObject(e, "last_scene", p->last);
        cJSON_AddItemToObject(e, "mood", arc_metrics_cjson(st->arc, p->mood));
        cJSON_AddItemToObject(e, "pct", pct_object(sp, p->pct));
        add_song(e, st, p, sp, r->vals, r->orig, r->src);
        for (int q = 0; q < so->n_locked; q++) if (so->locked_segment[q] == g) cJSON_AddTrueToObject(e, "locked");
        if (st->n_alt > 0) {
            cJSON *al = cJSON_AddArrayToObject(e, "alternatives");
            for (int k = 0; al && k < st->n_alt; k++) {
                const SoundtrackPick *q = &st->alts[(size_t)g * st->n_alt + k];
                if (q->song < 0) continue;
                cJSON *x = cJSON_CreateObject();
                add_song(x, st, q, sp, r->vals, r->orig, r->src);
                cJSON_AddItemToArray(al, x);
            }
        }
        cJSON_AddItemToArray(sa, e);
    }
}

/* "scenes": [{"pct", "smooth_pct"}] per scene (the request's "detail") */
static void add_scene_detail(cJSON *out, const Soundtrack *st, const MatchSpace *sp) {
    cJSON *sc = cJSON_AddArrayToObject(out, "scenes");
    for (int i = 0; i < st->n_scenes; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "pct", pct_object(sp, st->scene_pct + (size_t)i * sp->n));
        cJSON_AddItemToObject(e, "smooth_pct", pct_object(sp, st->smooth_pct + (size_t)i * sp->n));
        cJSON_AddItemToArray(sc, e);
    }
}

char *soundtrack_json(const char *request, const MatchSpace *base, const Calib *cal,
                      const float *packed, size_t n_floats) {
    Packed pk = { packed, n_floats };
    SongsRequest r;
    float *scenes = NULL, *w = NULL;
    int n_scenes = 0, ok = 0;
    Soundtrack *st = NULL;
    SoundtrackOpts so = {0};
    int *lock_seg = NULL, *lock_song = NULL;
    if (songs_request_open(&r, request, base)) goto done;
    const cJSON *req = r.req;
    const MatchSpace *sp = &r.sp;
    if (read_options(req, &so, r.err, sizeof r.err)) goto done;
    if (read_scenes(req, sp, &scenes, &w, &n_scenes, r.err, sizeof r.err)) goto done;
    if (songs_request_read(&r, &pk)) goto done;
    if (read_locked(req, r.orig, r.n, &lock_seg, &lock_song, &so.n_locked, r.err, sizeof r.err)) goto done;
    so.locked_segment = lock_seg;
    so.locked_song = lock_song;
    st = soundtrack_build(sp, cal, scenes, w, n_scenes, r.vals, r.n, &so, r.err, sizeof r.err);
    if (!st) goto done;
    cJSON *out = r.out;
    songs_request_add_space(&r);
    cJSON_AddNumberToObject(out, "sigma", round(st->arc->sigma * 1e4) / 1e4);
    cJSON_AddNumberToObject(out, "library_share", round(st->library_share * 1e4) / 1e4);
    cJSON *ov = cJSON_AddObjectToObject(out, "overall");
    cJSON_AddItemToObject(ov, "mood", arc_metrics_cjson(st->arc, st->arc->overall));
    cJSON_AddItemToObject(ov, "pct", pct_object(sp, st->overall_pct));
    if (st->quick) add_quick(out, st, &r);
    else add_segments(out, st, &r, &so);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "detail"))) add_scene_detail(out, st, sp);
    ok = 1;
done:
    soundtrack_free(st);
    free(scenes); free(w);
    free(lock_seg); free(lock_song);
    return songs_request_finish(&r, ok);
}
