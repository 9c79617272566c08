/* match_json.c — the JSON request layer over the matcher (match.h's
 * match_json_* and soundtrack.h's soundtrack_json): parsing requests,
 * reading songs (JSON or packed floats), and writing results. wasm/api.c and
 * the command-line tools call these, so the page and the tools agree. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "err.h"
#include "match.h"
#include "soundtrack.h"
#include "utf8.h"

/* A metric name in an error message: at most 40 bytes, whole characters. */
static int cut40(const char *name) { return (int)utf8_cut(name, strlen(name), 40); }

/* An integer up to 2^53 written with every digit: cJSON prints numbers with
 * 15 significant digits, which would change a 16-digit seed (a seed must
 * reproduce its pool). */
static void add_exact_int(cJSON *obj, const char *key, unsigned long long v) {
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", v);
    cJSON_AddRawToObject(obj, key, buf);
}

#define ARC_MAX_SCENES_JSON 200000   /* scenes in one request (bounded work) */

/* ---- JSON layer -------------------------------------------------------------*/

/* A strtod with an exact fast path, which the wasm build gives cJSON
 * (-Dstrtod=ms_strtod in wasm/Makefile's EMFLAGS): Emscripten's musl strtod
 * computes in 128-bit long double, which wasm emulates in software, making a
 * request of 10,000 songs take hundreds of milliseconds to parse. Numbers
 * with at most 15 significant digits (engine.js sends float32-precision
 * values, 9 digits) and a decimal exponent within +-22 are converted with one
 * correctly rounded IEEE operation (Clinger's fast path: both the digits and
 * the power of ten are exact doubles), so the result equals strtod's; any
 * other text goes to the real strtod. */
#undef strtod
double strtod(const char *restrict s, char **restrict end);
double ms_strtod(const char *s, char **end);
double ms_strtod(const char *s, char **end) {
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s;
    int neg = 0, digits = 0, any = 0;
    long long e10 = 0;
    uint64_t mant = 0;
    if (*p == '-') { neg = 1; p++; }
    for (; *p >= '0' && *p <= '9'; p++) {
        any = 1;
        if (mant == 0 && *p == '0') continue;            /* leading zeros */
        if (++digits > 15) goto slow;
        mant = mant * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            any = 1;
            e10--;
            if (mant == 0 && *p == '0') continue;
            if (++digits > 15) goto slow;
            mant = mant * 10 + (uint64_t)(*p - '0');
        }
    }
    if (!any) goto slow;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int eneg = 0;
        long long ev = 0;
        if (*q == '+' || *q == '-') eneg = *q++ == '-';
        if (!(*q >= '0' && *q <= '9')) goto slow;
        for (; *q >= '0' && *q <= '9'; q++) { if (ev < 100000) ev = ev * 10 + (*q - '0'); }
        e10 += eneg ? -ev : ev;
        p = q;
    }
    double v;
    if (mant == 0) v = 0;
    else if (e10 >= 0 && e10 <= 22) v = (double)mant * p10[e10];
    else if (e10 < 0 && e10 >= -22) v = (double)mant / p10[-e10];
    else goto slow;
    if (end) *end = (char *)p;
    return neg ? -v : v;
slow:
    return strtod(s, end);
}


char *match_json_error(const char *msg) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "error", msg ? msg : "unknown error");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *json_take(cJSON *o) {
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s ? s : match_json_error("out of memory");
}

/* A finite number field of obj, or NAN when absent / not a finite number. */
static double num_field(const cJSON *obj, const char *key) {
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(it) && isfinite(it->valuedouble) ? it->valuedouble : NAN;
}

/* Optional integer field in [lo, hi]; absent -> def. Returns -1 with err. */
static int int_field(const cJSON *obj, const char *key, long long def, long long lo, long long hi,
                     long long *out, char *err, size_t errlen) {
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it || cJSON_IsNull(it)) { *out = def; return 0; }
    double d = it->valuedouble;
    if (!cJSON_IsNumber(it) || !isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi) {
        ms_seterr(err, errlen, "\"%s\" must be an integer in %lld..%lld", key, lo, hi);
        return -1;
    }
    *out = (long long)d;
    return 0;
}

/* Builds the request's space from base and the request's overrides. */
static int space_from_request(const cJSON *req, const MatchSpace *base, MatchSpace *sp, char *err, size_t errlen) {
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(req, "metrics");
    const cJSON *mean = cJSON_GetObjectItemCaseSensitive(req, "mean");
    const cJSON *std = cJSON_GetObjectItemCaseSensitive(req, "std");
    const cJSON *weights = cJSON_GetObjectItemCaseSensitive(req, "weights");
    if (mean && !cJSON_IsObject(mean)) { ms_seterr(err, errlen, "\"mean\" must be an object of numbers"); return -1; }
    if (std && !cJSON_IsObject(std)) { ms_seterr(err, errlen, "\"std\" must be an object of numbers"); return -1; }
    if (weights && !cJSON_IsNull(weights) && !cJSON_IsObject(weights)) {
        ms_seterr(err, errlen, "\"weights\" must be an object of numbers"); return -1;
    }
    const char *names[MATCH_MAX_METRICS];
    int n = 0;
    if (metrics && !cJSON_IsNull(metrics)) {
        if (!cJSON_IsArray(metrics)) { ms_seterr(err, errlen, "\"metrics\" must be an array of names"); return -1; }
        const cJSON *it;
        cJSON_ArrayForEach(it, metrics) {
            if (!cJSON_IsString(it) || !it->valuestring[0]) { ms_seterr(err, errlen, "\"metrics\" must be an array of names"); return -1; }
            if (n == MATCH_MAX_METRICS) { ms_seterr(err, errlen, "at most %d metrics", MATCH_MAX_METRICS); return -1; }
            names[n++] = it->valuestring;
        }
    } else if (base) {
        for (int j = 0; j < base->n; j++) names[n++] = base->name[j];
    } else if (mean) {
        const cJSON *it;
        cJSON_ArrayForEach(it, mean) {
            if (n == MATCH_MAX_METRICS) { ms_seterr(err, errlen, "at most %d metrics", MATCH_MAX_METRICS); return -1; }
            names[n++] = it->string;
        }
    }
    if (n == 0) {
        ms_seterr(err, errlen, "no metrics: load a model or give \"metrics\", \"mean\" and \"std\"");
        return -1;
    }
    float fm[MATCH_MAX_METRICS], fs[MATCH_MAX_METRICS], fw[MATCH_MAX_METRICS];
    for (int j = 0; j < n; j++) {
        int b = base ? match_space_find(base, names[j]) : -1;
        double vm = mean ? num_field(mean, names[j]) : NAN;
        double vs = std ? num_field(std, names[j]) : NAN;
        double vw = weights && cJSON_IsObject(weights) ? num_field(weights, names[j]) : NAN;
        if (mean && cJSON_GetObjectItemCaseSensitive(mean, names[j]) && isnan(vm)) {
            ms_seterr(err, errlen, "mean of %.*s must be a finite number", cut40(names[j]), names[j]); return -1;
        }
        if (std && cJSON_GetObjectItemCaseSensitive(std, names[j]) && isnan(vs)) {
            ms_seterr(err, errlen, "std of %.*s must be a finite number", cut40(names[j]), names[j]); return -1;
        }
        if (isnan(vm)) { if (b < 0) { ms_seterr(err, errlen, "no mean for metric %.*s", cut40(names[j]), names[j]); return -1; } vm = base->mean[b]; }
        if (isnan(vs)) { if (b < 0) { ms_seterr(err, errlen, "no std for metric %.*s", cut40(names[j]), names[j]); return -1; } vs = base->std[b]; }
        if (isnan(vw)) {
            if (weights && cJSON_IsObject(weights) && cJSON_GetObjectItemCaseSensitive(weights, names[j])) {
                ms_seterr(err, errlen, "weight of %.*s must be a finite number >= 0", cut40(names[j]), names[j]); return -1;
            }
            vw = b >= 0 ? base->weight[b] : 1.0;
        }
        if (fabs(vm) > FLT_MAX || fabs(vs) > FLT_MAX || fabs(vw) > FLT_MAX) {
            ms_seterr(err, errlen, "statistics of %.*s out of range", cut40(names[j]), names[j]); return -1;
        }
        fm[j] = (float)vm; fs[j] = (float)vs; fw[j] = (float)vw;
    }
    if (weights && cJSON_IsObject(weights)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, weights) {
            int found = 0;
            for (int j = 0; j < n; j++) if (!strcmp(names[j], it->string)) found = 1;
            if (!found) { ms_seterr(err, errlen, "weight for unknown metric %.*s", cut40(it->string), it->string); return -1; }
        }
    }
    return match_space_init(sp, n, names, fm, fs, fw, err, errlen);
}

/* Reads one item's metrics into out (sp->n floats). Missing metrics with
 * weight 0 get the mean. Returns 0, or -1 with the reason. */
static int read_item(const cJSON *item, const MatchSpace *sp, float *out, char *err, size_t errlen) {
    if (!cJSON_IsObject(item)) { ms_seterr(err, errlen, "not an object"); return -1; }
    const cJSON *nested = cJSON_GetObjectItemCaseSensitive(item, "metrics");
    for (int j = 0; j < sp->n; j++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, sp->name[j]);
        if (!v && cJSON_IsObject(nested)) v = cJSON_GetObjectItemCaseSensitive(nested, sp->name[j]);
        if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && fabs(v->valuedouble) <= 1e30) {
            out[j] = (float)v->valuedouble;
        } else if (sp->weight[j] > 0) {
            ms_seterr(err, errlen, "missing or not a finite number: %s", sp->name[j]);
            return -1;
        } else {
            out[j] = sp->mean[j];
        }
    }
    return 0;
}

/* Packed songs: rows of float32 metric values in a caller buffer, columns
 * named by the request's "packed": {"metrics": [...], "n": rows}. */
typedef struct { const float *data; size_t n_floats; } Packed;

/* Reads the songs, from "songs" or from the packed buffer: valid ones into
 * *vals (n * sp->n) and their original indices into *orig (with their JSON
 * item, or NULL when packed, in *src); invalid ones into skipped. Returns the
 * count or -1. */
static int read_songs(const cJSON *req, const MatchSpace *sp, const Packed *pk, float **vals, int **orig,
                      const cJSON ***src, cJSON *skipped, char *err, size_t errlen) {
    const cJSON *songs = cJSON_GetObjectItemCaseSensitive(req, "songs");
    const cJSON *pdesc = cJSON_GetObjectItemCaseSensitive(req, "packed");
    int total, pm = 0, pcol[MATCH_MAX_METRICS];
    if (pdesc) {
        if (songs) { ms_seterr(err, errlen, "give \"songs\" or \"packed\", not both"); return -1; }
        const cJSON *pn = cJSON_GetObjectItemCaseSensitive(pdesc, "metrics");
        const cJSON *pc = cJSON_GetObjectItemCaseSensitive(pdesc, "n");
        if (!pk || !pk->data || !cJSON_IsArray(pn) || !cJSON_IsNumber(pc)) {
            ms_seterr(err, errlen, "\"packed\" needs {\"metrics\": [names], \"n\": rows} and a buffer");
            return -1;
        }
        pm = cJSON_GetArraySize(pn);
        double rows = pc->valuedouble;
        if (pm < 1 || pm > 64 || !(rows >= 0 && rows <= MATCH_MAX_SONGS) || rows != floor(rows) ||
            (size_t)rows * (size_t)pm > pk->n_floats) {
            ms_seterr(err, errlen, "\"packed\" does not fit its buffer");
            return -1;
        }
        total = (int)rows;
        for (int j = 0; j < sp->n; j++) {
            pcol[j] = -1;
            int c = 0;
            const cJSON *it;
            cJSON_ArrayForEach(it, pn) {
                if (cJSON_IsString(it) && !strcmp(it->valuestring, sp->name[j])) { pcol[j] = c; break; }
                c++;
            }
        }
    } else {
        if (!cJSON_IsArray(songs)) { ms_seterr(err, errlen, "\"songs\" must be an array"); return -1; }
        total = cJSON_GetArraySize(songs);
    }
    if (total > MATCH_MAX_SONGS) { ms_seterr(err, errlen, "too many songs (at most %d)", MATCH_MAX_SONGS); return -1; }
    *vals = malloc((size_t)(total ? total : 1) * sp->n * sizeof **vals);
    *orig = malloc((size_t)(total ? total : 1) * sizeof **orig);
    *src = malloc((size_t)(total ? total : 1) * sizeof **src);
    if (!*vals || !*orig || !*src) { ms_seterr(err, errlen, "out of memory"); return -1; }
    int n = 0;
    const cJSON *it = pdesc ? NULL : songs->child;
    for (int idx = 0; idx < total; idx++) {
        char why[96];
        int ok = 0;
        float *row = *vals + (size_t)n * sp->n;
        if (pdesc) {
            const float *in = pk->data + (size_t)idx * pm;
            ok = 1;
            for (int j = 0; j < sp->n && ok; j++) {
                float v = pcol[j] >= 0 ? in[pcol[j]] : NAN;
                if (isfinite(v) && fabsf(v) <= 1e30f) row[j] = v;
                else if (sp->weight[j] > 0) { ms_seterr(why, sizeof why, "missing or not a finite number: %s", sp->name[j]); ok = 0; }
                else row[j] = sp->mean[j];
            }
        } else {
            ok = read_item(it, sp, row, why, sizeof why) == 0;
        }
        if (ok) {
            (*src)[n] = it;
            (*orig)[n++] = idx;
        } else {
            cJSON *s = cJSON_CreateObject();
            cJSON_AddNumberToObject(s, "index", idx);
            const cJSON *id = cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "id") : NULL;
            if (id) cJSON_AddItemToObject(s, "id", cJSON_Duplicate(id, 1));
            cJSON_AddStringToObject(s, "reason", why);
            cJSON_AddItemToArray(skipped, s);
        }
        if (it) it = it->next;
    }
    return n;
}

static void add_space(cJSON *out, const MatchSpace *sp) {
    cJSON *names = cJSON_AddArrayToObject(out, "metrics");
    cJSON *w = cJSON_AddObjectToObject(out, "weights");
    for (int j = 0; j < sp->n; j++) {
        cJSON_AddItemToArray(names, cJSON_CreateString(sp->name[j]));
        cJSON_AddNumberToObject(w, sp->name[j], sp->weight[j]);
    }
}

/* {"index": i, "id": .., "distance": d, "diff": {metric: z_song - z_target}} */
static cJSON *match_entry(const cJSON *src, int index, float dist, const MatchSpace *sp,
                          const float *song, const float *target) {
    cJSON *e = cJSON_CreateObject();
    if (!e) return NULL;
    cJSON_AddNumberToObject(e, "index", index);
    const cJSON *id = src ? cJSON_GetObjectItemCaseSensitive(src, "id") : NULL;
    if (id) cJSON_AddItemToObject(e, "id", cJSON_Duplicate(id, 1));
    cJSON_AddNumberToObject(e, "distance", dist);
    cJSON *diff = cJSON_AddObjectToObject(e, "diff");
    float zs[MATCH_MAX_METRICS], zt[MATCH_MAX_METRICS];
    match_standardize(sp, song, zs);
    match_standardize(sp, target, zt);
    for (int j = 0; j < sp->n; j++)
        if (sp->weight[j] > 0) cJSON_AddNumberToObject(diff, sp->name[j], zs[j] - zt[j]);
    return e;
}

char *match_json_topk(const char *request, const MatchSpace *base) {
    return match_json_topk_packed(request, base, NULL, 0);
}

char *match_json_soundtrack(const char *request, const MatchSpace *base) {
    return match_json_soundtrack_packed(request, base, NULL, 0);
}

/* ---- requests over songs: topk, soundtrack, soundtrack_json ----------------*/

/* Parses a request that must be a JSON object; NULL with err set otherwise. */
static cJSON *parse_request(const char *request, char *err, size_t errlen) {
    if (!request) { ms_seterr(err, errlen, "no request"); return NULL; }
    cJSON *req = cJSON_Parse(request);
    if (!cJSON_IsObject(req)) { cJSON_Delete(req); ms_seterr(err, errlen, "request is not a JSON object"); return NULL; }
    return req;
}

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
static int songs_request_open(SongsRequest *r, const char *request, const MatchSpace *base) {
    memset(r, 0, sizeof *r);
    r->req = parse_request(request, r->err, sizeof r->err);
    if (!r->req) return -1;
    r->out = cJSON_CreateObject();
    r->skipped = cJSON_CreateArray();
    if (!r->out || !r->skipped) { ms_seterr(r->err, sizeof r->err, "out of memory"); return -1; }
    return space_from_request(r->req, base, &r->sp, r->err, sizeof r->err);
}

/* The songs, after the handler's own fields were checked (so errors keep their order). */
static int songs_request_read(SongsRequest *r, const Packed *pk) {
    r->n = read_songs(r->req, &r->sp, pk, &r->vals, &r->orig, &r->src, r->skipped, r->err, sizeof r->err);
    return r->n < 0 ? -1 : 0;
}

/* "metrics" and "weights" at this point of the answer (else they follow "skipped"). */
static void songs_request_add_space(SongsRequest *r) {
    add_space(r->out, &r->sp);
    r->space_added = 1;
}

/* ok: the answer = what the handler added, "skipped", then the space unless
 * already added; else {"error": r->err}. Frees the request either way. */
static char *songs_request_finish(SongsRequest *r, int ok) {
    char *result = NULL;
    if (ok) {
        cJSON_AddItemToObject(r->out, "skipped", r->skipped);
        r->skipped = NULL;
        if (!r->space_added) add_space(r->out, &r->sp);
        result = json_take(r->out);
        r->out = NULL;
    }
    cJSON_Delete(r->req); cJSON_Delete(r->out); cJSON_Delete(r->skipped);
    free(r->vals); free(r->orig); free(r->src);
    return result ? result : match_json_error(r->err[0] ? r->err : "failed");
}

char *match_json_topk_packed(const char *request, const MatchSpace *base, const float *packed, size_t n_floats) {
    Packed pk = { packed, n_floats };
    SongsRequest r;
    float target[MATCH_MAX_METRICS], *dist = NULL;
    int *idx = NULL, ok = 0;
    long long k;
    char why[96];
    if (songs_request_open(&r, request, base)) goto done;
    if (int_field(r.req, "k", 3, 1, MATCH_MAX_SONGS, &k, r.err, sizeof r.err)) goto done;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(r.req, "target");
    if (!t) { ms_seterr(r.err, sizeof r.err, "missing \"target\""); goto done; }
    if (read_item(t, &r.sp, target, why, sizeof why)) { ms_seterr(r.err, sizeof r.err, "target: %s", why); goto done; }
    if (songs_request_read(&r, &pk)) goto done;
    idx = malloc((size_t)k * sizeof *idx);
    dist = malloc((size_t)k * sizeof *dist);
    if (!idx || !dist) { ms_seterr(r.err, sizeof r.err, "out of memory"); goto done; }
    int got = match_topk(&r.sp, r.vals, r.n, target, (int)k, idx, dist);
    if (got < 0) { ms_seterr(r.err, sizeof r.err, "out of memory"); goto done; }
    for (int i = 0; i < got; i++)
        if (!isfinite(dist[i])) { ms_seterr(r.err, sizeof r.err, "metric values out of range (distances overflow)"); goto done; }
    cJSON *arr = cJSON_AddArrayToObject(r.out, "matches");
    for (int i = 0; i < got; i++)
        cJSON_AddItemToArray(arr, match_entry(r.src[idx[i]], r.orig[idx[i]], dist[i], &r.sp,
                                              r.vals + (size_t)idx[i] * r.sp.n, target));
    ok = 1;
done:
    free(idx); free(dist);
    return songs_request_finish(&r, ok);
}

char *match_json_soundtrack_packed(const char *request, const MatchSpace *base, const float *packed,
                                   size_t n_floats) {
    Packed pk = { packed, n_floats };
    SongsRequest r;
    float *segv = NULL, *sdist = NULL;
    int *ssong = NULL, ok = 0;
    long long max_uses, prune_k;
    if (songs_request_open(&r, request, base)) goto done;
    if (int_field(r.req, "max_uses", 1, 1, MATCH_MAX_SEGMENTS, &max_uses, r.err, sizeof r.err)) goto done;
    if (int_field(r.req, "prune_k", 0, -1, MATCH_MAX_SONGS, &prune_k, r.err, sizeof r.err)) goto done;
    const cJSON *reuse = cJSON_GetObjectItemCaseSensitive(r.req, "reuse");
    if (reuse && !cJSON_IsBool(reuse) && !cJSON_IsNull(reuse)) { ms_seterr(r.err, sizeof r.err, "\"reuse\" must be true or false"); goto done; }
    const cJSON *segs = cJSON_GetObjectItemCaseSensitive(r.req, "segments");
    if (!cJSON_IsArray(segs)) { ms_seterr(r.err, sizeof r.err, "\"segments\" must be an array"); goto done; }
    int n_segs = cJSON_GetArraySize(segs);
    if (n_segs > MATCH_MAX_SEGMENTS) { ms_seterr(r.err, sizeof r.err, "too many segments (at most %d)", MATCH_MAX_SEGMENTS); goto done; }
    segv = malloc((size_t)(n_segs ? n_segs : 1) * r.sp.n * sizeof *segv);
    ssong = malloc((size_t)(n_segs ? n_segs : 1) * sizeof *ssong);
    sdist = malloc((size_t)(n_segs ? n_segs : 1) * sizeof *sdist);
    if (!segv || !ssong || !sdist) { ms_seterr(r.err, sizeof r.err, "out of memory"); goto done; }
    int g = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, segs) {
        char why[96];
        if (read_item(it, &r.sp, segv + (size_t)g * r.sp.n, why, sizeof why)) {
            ms_seterr(r.err, sizeof r.err, "segment %d: %s", g, why);
            goto done;
        }
        g++;
    }
    if (songs_request_read(&r, &pk)) goto done;
    int n = r.n;
    if (cJSON_IsTrue(reuse) && n > 0 && (long long)n * max_uses < n_segs) max_uses = (n_segs + n - 1) / n;
    double total = 0;
    if (match_soundtrack(&r.sp, r.vals, n, segv, n_segs, (int)max_uses, (int)prune_k, ssong, sdist, &total,
                         r.err, sizeof r.err)) goto done;
    cJSON *arr = cJSON_AddArrayToObject(r.out, "assignment");
    for (int s = 0; s < n_segs; s++) {
        cJSON *e = match_entry(r.src[ssong[s]], r.orig[ssong[s]], sdist[s], &r.sp,
                               r.vals + (size_t)ssong[s] * r.sp.n, segv + (size_t)s * r.sp.n);
        cJSON_AddNumberToObject(e, "segment", s);
        cJSON_AddItemToArray(arr, e);
    }
    cJSON_AddNumberToObject(r.out, "total", total);
    cJSON_AddNumberToObject(r.out, "max_uses", (double)max_uses);
    ok = 1;
done:
    free(segv); free(ssong); free(sdist);
    return songs_request_finish(&r, ok);
}

char *match_json_pool(const char *request) {
    char err[160] = "";
    cJSON *req = parse_request(request, err, sizeof err);
    if (!req) return match_json_error(err);
    cJSON *out = NULL;
    char *result = NULL;
    int *idx = NULL;
    long long n, size, max_rank, seed;
    const cJSON *tracks = cJSON_GetObjectItemCaseSensitive(req, "tracks");
    if (tracks && !cJSON_IsArray(tracks)) { snprintf(err, sizeof err, "\"tracks\" must be an array"); goto fail; }
    if (tracks) n = cJSON_GetArraySize(tracks);
    else if (int_field(req, "n", -1, 0, MATCH_MAX_SONGS, &n, err, sizeof err)) goto fail;
    if (n < 0) { snprintf(err, sizeof err, "give \"n\" (number of ranked tracks) or \"tracks\""); goto fail; }
    if (int_field(req, "size", MATCH_POOL_SIZE, 1, 10000, &size, err, sizeof err)) goto fail;
    if (int_field(req, "max_rank", MATCH_POOL_MAX_RANK, 0, MATCH_MAX_SONGS, &max_rank, err, sizeof err)) goto fail;
    if (int_field(req, "seed", -1, 0, 9007199254740992LL, &seed, err, sizeof err)) goto fail;
    if (seed < 0) { snprintf(err, sizeof err, "\"seed\" is required (an integer 0..2^53)"); goto fail; }
    int offset = 0;
    idx = malloc((size_t)size * sizeof *idx);
    if (!idx) { snprintf(err, sizeof err, "out of memory"); goto fail; }
    int got = match_pool((int)n, (int)size, (int)max_rank, (uint64_t)seed, idx, &offset);
    if (got < 0) { snprintf(err, sizeof err, "bad pool arguments"); goto fail; }
    out = cJSON_CreateObject();
    if (!out) goto fail;
    cJSON_AddNumberToObject(out, "offset", offset);
    add_exact_int(out, "seed", (unsigned long long)seed);
    cJSON *ia = cJSON_AddArrayToObject(out, "indices");
    cJSON *ta = tracks ? cJSON_AddArrayToObject(out, "tracks") : NULL;
    /* the pool is consecutive ranks: walk the list once to the offset
     * (cJSON_GetArrayItem per index would be quadratic in the pool size) */
    const cJSON *t = tracks ? tracks->child : NULL;
    for (int r = 0; t && r < offset; r++) t = t->next;
    for (int r = 0; r < got; r++) {
        cJSON_AddItemToArray(ia, cJSON_CreateNumber(idx[r]));
        if (ta && t) { cJSON_AddItemToArray(ta, cJSON_Duplicate(t, 1)); t = t->next; }
    }
    result = json_take(out);
    out = NULL;
fail:
    cJSON_Delete(req); cJSON_Delete(out); free(idx);
    return result ? result : match_json_error(err[0] ? err : "failed");
}

/* ---- soundtrack_json (soundtrack.h) ----------------------------------------*/

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

char *soundtrack_json(const char *request, const MatchSpace *base, const Calib *cal,
                      const float *packed, size_t n_floats) {
    Packed pk = { packed, n_floats };
    SongsRequest r;
    float *scenes = NULL, *w = NULL;
    int n_scenes = 0, ok = 0;
    Soundtrack *st = NULL;
    long long segs, seed = 0, avoid = -1, alts = 0;
    SoundtrackOpts so = {0};
    int *lock_seg = NULL, *lock_song = NULL;
    if (songs_request_open(&r, request, base)) goto done;
    const cJSON *req = r.req;
    const MatchSpace *sp = &r.sp;
    if (int_field(req, "segments", arc_default_opts().n_segments, 1, ARC_MAX_SEGMENTS, &segs, r.err, sizeof r.err)) goto done;
    const cJSON *quick = cJSON_GetObjectItemCaseSensitive(req, "quick");
    if (quick && !cJSON_IsNull(quick)) {
        if (!cJSON_IsObject(quick)) { ms_seterr(r.err, sizeof r.err, "\"quick\" must be {\"seed\": S}"); goto done; }
        if (int_field(quick, "seed", -1, 0, 9007199254740992LL, &seed, r.err, sizeof r.err)) goto done;
        if (seed < 0) { ms_seterr(r.err, sizeof r.err, "\"quick\" needs \"seed\" (an integer 0..2^53)"); goto done; }
        if (int_field(quick, "avoid_offset", -1, -1, MATCH_MAX_SONGS, &avoid, r.err, sizeof r.err)) goto done;
        so.quick = 1;
    }
    so.n_segments = (int)segs;
    so.seed = (uint64_t)seed;
    so.avoid_offset = (int)avoid;
    if (int_field(req, "alternatives", 0, 0, SOUNDTRACK_MAX_ALTERNATIVES, &alts, r.err, sizeof r.err)) goto done;
    so.alternatives = (int)alts;
    if (read_scenes(req, sp, &scenes, &w, &n_scenes, r.err, sizeof r.err)) goto done;
    if (songs_request_read(&r, &pk)) goto done;
    const float *vals = r.vals;
    const int *orig = r.orig;
    const cJSON **src = r.src;
    if (read_locked(req, orig, r.n, &lock_seg, &lock_song, &so.n_locked, r.err, sizeof r.err)) goto done;
    so.locked_segment = lock_seg;
    so.locked_song = lock_song;
    st = soundtrack_build(sp, cal, scenes, w, n_scenes, vals, r.n, &so, r.err, sizeof r.err);
    if (!st) goto done;
    cJSON *out = r.out;
    songs_request_add_space(&r);
    cJSON_AddNumberToObject(out, "sigma", round(st->arc->sigma * 1e4) / 1e4);
    cJSON_AddNumberToObject(out, "library_share", round(st->library_share * 1e4) / 1e4);
    cJSON *ov = cJSON_AddObjectToObject(out, "overall");
    cJSON_AddItemToObject(ov, "mood", arc_metrics_cjson(st->arc, st->arc->overall));
    cJSON_AddItemToObject(ov, "pct", pct_object(sp, st->overall_pct));
    if (st->quick) {
        cJSON *q = cJSON_AddObjectToObject(out, "quick");
        add_exact_int(q, "seed", (unsigned long long)st->seed);
        cJSON_AddNumberToObject(q, "offset", st->pool_offset);
        cJSON *pool = cJSON_AddArrayToObject(q, "pool");
        for (int i = 0; i < st->pool_n; i++) cJSON_AddItemToArray(pool, cJSON_CreateNumber(orig[st->pool[i]]));
        cJSON *picks = cJSON_AddArrayToObject(q, "picks");
        for (int i = 0; i < st->n_picks; i++) {
            cJSON *e = cJSON_CreateObject();
            add_song(e, st, &st->picks[i], sp, vals, orig, src);
            cJSON_AddItemToArray(picks, e);
        }
    } else {
        cJSON *sa = cJSON_AddArrayToObject(out, "segments");
        for (int g = 0; g < st->n_picks; g++) {
            const SoundtrackPick *p = &st->picks[g];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "first_scene", p->first);
            cJSON_AddNumberToObject(e, "last_scene", p->last);
            cJSON_AddItemToObject(e, "mood", arc_metrics_cjson(st->arc, p->mood));
            cJSON_AddItemToObject(e, "pct", pct_object(sp, p->pct));
            add_song(e, st, p, sp, vals, orig, src);
            for (int q = 0; q < so.n_locked; q++) if (lock_seg[q] == g) cJSON_AddTrueToObject(e, "locked");
            if (st->n_alt > 0) {
                cJSON *al = cJSON_AddArrayToObject(e, "alternatives");
                for (int k = 0; al && k < st->n_alt; k++) {
                    const SoundtrackPick *q = &st->alts[(size_t)g * st->n_alt + k];
                    if (q->song < 0) continue;
                    cJSON *x = cJSON_CreateObject();
                    add_song(x, st, q, sp, vals, orig, src);
                    cJSON_AddItemToArray(al, x);
                }
            }
            cJSON_AddItemToArray(sa, e);
        }
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "detail"))) {
        cJSON *sc = cJSON_AddArrayToObject(out, "scenes");
        for (int i = 0; i < st->n_scenes; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToObject(e, "pct", pct_object(sp, st->scene_pct + (size_t)i * sp->n));
            cJSON_AddItemToObject(e, "smooth_pct", pct_object(sp, st->smooth_pct + (size_t)i * sp->n));
            cJSON_AddItemToArray(sc, e);
        }
    }
    ok = 1;
done:
    soundtrack_free(st);
    free(scenes); free(w);
    free(lock_seg); free(lock_song);
    return songs_request_finish(&r, ok);
}
