/* calib.c — see calib.h for the scale and why it is quantiles. */
#include "calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* 5 significant digits: the tables stay small in the meta JSON and the
 * rounding (1e-5 relative) is far below the model's error. Knots are kept
 * rounded from the start and queries are rounded the same way, so a table
 * read back from JSON answers exactly as the one just built, and a value
 * sitting on a run of equal knots (liveness: most catalog scenes decode to
 * the same value) finds the run instead of falling just beside it. */
static const double POW10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* pow(10, e) for a whole e: 10^0 .. 10^22 are doubles exactly, and pow
 * (under 1 ulp off) returns them exactly, so the table answers the same
 * for them without the call (calib_pct runs for every segment of every
 * film of a fit). */
static double pow10_whole(double e) {
    return e >= 0 && e <= 22 ? POW10[(int)e] : pow(10, e);
}

static double sig5(double v) {
    if (v == 0 || !isfinite(v)) return 0;
    double p = pow10_whole(4 - floor(log10(fabs(v))));
    return round(v * p) / p;
}

int calib_quantiles(const float *x, size_t n, size_t stride, float *q) {
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        float f = x[i * stride];
        /* beyond ±1e30 counts as not finite, as calib_domain_from_cjson
         * reads it: a table written here always reads back */
        if (isfinite(f) && fabsf(f) <= 1e30f) v[k++] = f;
    }
    if (!k) { free(v); return -1; }
    qsort(v, k, sizeof *v, cmp_float);
    for (int j = 0; j < CALIB_KNOTS; j++) {
        double h = (double)(k - 1) * j / (CALIB_KNOTS - 1);
        size_t lo = (size_t)floor(h);
        size_t hi = lo + 1 < k ? lo + 1 : lo;
        q[j] = (float)sig5(v[lo] + (h - (double)lo) * ((double)v[hi] - v[lo]));
    }
    free(v);
    return 0;
}

double calib_pct(const float *q, double x) {
    const int K = CALIB_KNOTS;
    if (isnan(x)) return 0.5;
    if (isfinite(x)) x = (float)sig5(x);   /* as the knots (see sig5) */
    /* lo = knots < x, hi = knots <= x (binary searches on a sorted array) */
    int a = 0, b = K;
    while (a < b) { int m = (a + b) / 2; if (q[m] < x) a = m + 1; else b = m; }
    int lo = a;
    a = lo; b = K;
    while (a < b) { int m = (a + b) / 2; if (q[m] <= x) a = m + 1; else b = m; }
    int hi = a;
    if (hi > lo) return ((lo + hi - 1) / 2.0) / (K - 1);   /* x equals a run of knots */
    if (lo == 0) return 0;
    if (lo == K) return 1;
    double span = (double)q[lo] - q[lo - 1];
    double t = span > 0 ? (x - q[lo - 1]) / span : 0.5;
    return (lo - 1 + t) / (K - 1);
}

int calib_segment_levels(int *levels) {
    static const int K[] = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64};
    int n = (int)(sizeof K / sizeof K[0]);
    memcpy(levels, K, sizeof K);
    return n;
}

int calib_find(const CalibDomain *d, const char *name) {
    for (int j = 0; j < d->n_metrics; j++) if (!strcmp(d->name[j], name)) return j;
    return -1;
}

double calib_domain_pct(const CalibDomain *d, int m, double key, double x) {
    if (!(key >= 1)) key = 1;
    int i = 0;
    while (i + 1 < d->n_levels && d->level_len[i + 1] <= key) i++;
    double p = calib_pct(d->q[i][m], x);
    if (i + 1 >= d->n_levels || key <= d->level_len[i]) return p;
    double t = (log2(key) - log2(d->level_len[i])) / (log2(d->level_len[i + 1]) - log2(d->level_len[i]));
    return (1 - t) * p + t * calib_pct(d->q[i + 1][m], x);
}

static float clean_weight(const float *w, size_t r) {
    if (!w) return 1;
    float v = w[r];
    return v > 0 && isfinite(v) ? v : 0;
}

int calib_build(CalibDomain *d, int n_metrics, const char *const *names,
                const float *values, const float *w, const int *counts, int n_films,
                const int *levels, int n_levels, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    if (n_metrics < 1 || n_metrics > CALIB_MAX_METRICS || n_levels < 1 || n_levels > CALIB_MAX_LEVELS ||
        n_films < 1 || !values || !counts || !names) {
        ms_seterr(err, errlen, "calibration: bad arguments (%d metrics, %d levels, %d films)", n_metrics, n_levels, n_films);
        return -1;
    }
    size_t rows = 0;
    for (int f = 0; f < n_films; f++) {
        if (counts[f] < 0) { ms_seterr(err, errlen, "calibration: negative count"); return -1; }
        rows += (size_t)counts[f];
    }
    for (int l = 0; l < n_levels; l++) {
        if (levels[l] < 1 || (l && levels[l] <= levels[l - 1])) {
            ms_seterr(err, errlen, "calibration: levels must be increasing lengths >= 1");
            return -1;
        }
    }
    d->n_metrics = n_metrics;
    d->n_levels = n_levels;
    for (int j = 0; j < n_metrics; j++) {
        strncpy(d->name[j], names[j], CALIB_NAME_LEN - 1);
        d->name[j][CALIB_NAME_LEN - 1] = 0;
    }
    /* at most `rows` windows per level (one per scene at L = 1) */
    float *win = malloc((rows ? rows : 1) * (size_t)n_metrics * sizeof *win);
    if (!win) { ms_seterr(err, errlen, "out of memory"); return -1; }
    int rc = 0;
    for (int l = 0; l < n_levels && rc == 0; l++) {
        int L = levels[l];
        d->level_len[l] = L;
        size_t nw = 0, start = 0;
        for (int f = 0; f < n_films; f++) {
            int n = counts[f];
            /* windows of L consecutive rows; a film shorter than L is one window */
            for (int a = 0; a < n; a += L) {
                int b = a + L < n ? a + L : n;
                if (b - a < L && a > 0) break;          /* drop a short tail window */
                double sw = 0, acc[CALIB_MAX_METRICS] = {0};
                for (int r = a; r < b; r++) {
                    float wr = clean_weight(w, start + (size_t)r);
                    const float *v = values + (start + (size_t)r) * (size_t)n_metrics;
                    for (int j = 0; j < n_metrics; j++) acc[j] += (double)wr * v[j];
                    sw += wr;
                }
                if (!(sw > 0)) continue;
                for (int j = 0; j < n_metrics; j++) win[nw * (size_t)n_metrics + (size_t)j] = (float)(acc[j] / sw);
                nw++;
            }
            start += (size_t)n;
        }
        for (int j = 0; j < n_metrics && rc == 0; j++) {
            if (calib_quantiles(win + j, nw, (size_t)n_metrics, d->q[l][j])) {
                ms_seterr(err, errlen, "calibration: no values for %s at length %d", d->name[j], L);
                rc = -1;
            }
        }
    }
    free(win);
    if (rc) memset(d, 0, sizeof *d);
    return rc;
}

int calib_build_groups(CalibDomain *d, int n_metrics, const char *const *names,
                       const float *values, const int *group, int n, const int *levels, int n_levels,
                       char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    if (n_metrics < 1 || n_metrics > CALIB_MAX_METRICS || n_levels < 1 || n_levels > CALIB_MAX_LEVELS || n < 0 ||
        (n && (!values || !group)) || !names) {
        ms_seterr(err, errlen, "calibration: bad arguments");
        return -1;
    }
    float *col = malloc(sizeof(float) * (size_t)(n ? n : 1));
    if (!col) { ms_seterr(err, errlen, "out of memory"); return -1; }
    d->n_metrics = n_metrics;
    d->n_levels = n_levels;
    for (int j = 0; j < n_metrics; j++) {
        strncpy(d->name[j], names[j], CALIB_NAME_LEN - 1);
        d->name[j][CALIB_NAME_LEN - 1] = 0;
    }
    int rc = 0;
    for (int l = 0; l < n_levels && rc == 0; l++) {
        if (levels[l] < 1 || (l && levels[l] <= levels[l - 1])) {
            ms_seterr(err, errlen, "calibration: levels must be increasing and >= 1");
            rc = -1;
            break;
        }
        d->level_len[l] = levels[l];
        for (int j = 0; j < n_metrics && rc == 0; j++) {
            size_t k = 0;
            for (int r = 0; r < n; r++) if (group[r] == l) col[k++] = values[(size_t)r * n_metrics + j];
            if (calib_quantiles(col, k, 1, d->q[l][j])) {
                ms_seterr(err, errlen, "calibration: no values for %s at level %d", d->name[j], levels[l]);
                rc = -1;
            }
        }
    }
    free(col);
    if (rc) memset(d, 0, sizeof *d);
    return rc;
}


cJSON *calib_domain_to_cjson(const CalibDomain *d) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON *lv = cJSON_AddArrayToObject(o, "levels");
    cJSON *nm = cJSON_AddArrayToObject(o, "metrics");
    cJSON *q = cJSON_AddArrayToObject(o, "q");
    for (int l = 0; l < d->n_levels; l++) {
        cJSON_AddItemToArray(lv, cJSON_CreateNumber(d->level_len[l]));
        cJSON *per = cJSON_CreateArray();
        for (int j = 0; j < d->n_metrics; j++) {
            cJSON *k = cJSON_CreateArray();
            for (int t = 0; t < CALIB_KNOTS; t++) cJSON_AddItemToArray(k, cJSON_CreateNumber(sig5(d->q[l][j][t])));
            cJSON_AddItemToArray(per, k);
        }
        cJSON_AddItemToArray(q, per);
    }
    for (int j = 0; j < d->n_metrics; j++) cJSON_AddItemToArray(nm, cJSON_CreateString(d->name[j]));
    return o;
}

int calib_domain_from_cjson(CalibDomain *d, const cJSON *j, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    const cJSON *lv = cJSON_GetObjectItemCaseSensitive(j, "levels");
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(j, "metrics");
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "q");
    int nl = cJSON_GetArraySize(lv), nmet = cJSON_GetArraySize(nm);
    if (!cJSON_IsArray(lv) || !cJSON_IsArray(nm) || !cJSON_IsArray(q) || nl < 1 || nl > CALIB_MAX_LEVELS ||
        nmet < 1 || nmet > CALIB_MAX_METRICS || cJSON_GetArraySize(q) != nl) {
        ms_seterr(err, errlen, "calibration: expected {\"levels\", \"metrics\", \"q\"} with matching sizes");
        return -1;
    }
    int l = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, lv) {
        if (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > 1e6 ||
            (l && it->valuedouble <= d->level_len[l - 1])) {
            ms_seterr(err, errlen, "calibration: levels must be increasing lengths >= 1");
            return -1;
        }
        d->level_len[l++] = (int)it->valuedouble;
    }
    int m = 0;
    cJSON_ArrayForEach(it, nm) {
        if (!cJSON_IsString(it)) { ms_seterr(err, errlen, "calibration: metric names must be strings"); return -1; }
        strncpy(d->name[m], it->valuestring, CALIB_NAME_LEN - 1);
        m++;
    }
    l = 0;
    const cJSON *per;
    cJSON_ArrayForEach(per, q) {
        if (!cJSON_IsArray(per) || cJSON_GetArraySize(per) != nmet) {
            ms_seterr(err, errlen, "calibration: level %d needs one knot list per metric", l);
            return -1;
        }
        int jj = 0;
        const cJSON *k;
        cJSON_ArrayForEach(k, per) {
            if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) != CALIB_KNOTS) {
                ms_seterr(err, errlen, "calibration: each metric needs %d knots", CALIB_KNOTS);
                return -1;
            }
            int t = 0;
            const cJSON *v;
            cJSON_ArrayForEach(v, k) {
                if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e30 ||
                    (t && (float)v->valuedouble < d->q[l][jj][t - 1])) {
                    ms_seterr(err, errlen, "calibration: knots must be finite and non-decreasing");
                    return -1;
                }
                d->q[l][jj][t++] = (float)v->valuedouble;
            }
            jj++;
        }
        l++;
    }
    d->n_levels = nl;
    d->n_metrics = nmet;
    return 0;
}

int calib_from_meta(Calib *c, const char *meta_json, char *err, size_t errlen) {
    cJSON *meta = meta_json && meta_json[0] ? cJSON_Parse(meta_json) : NULL;
    int rc = calib_from_meta_cjson(c, meta, err, errlen);
    cJSON_Delete(meta);
    return rc;
}

int calib_from_meta_cjson(Calib *c, const cJSON *meta, char *err, size_t errlen) {
    memset(c, 0, sizeof *c);
    const cJSON *cal = cJSON_GetObjectItemCaseSensitive(meta, "calibration");
    int rc = 0;
    if (!cJSON_IsObject(cal)) {
        ms_seterr(err, errlen, "the model has no calibration (run `moodspace calibrate`)");
    } else {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(cal, "songs");
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(cal, "scenes");
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(cal, "segments");
        if (!s || !f || !g) {
            ms_seterr(err, errlen, "the model's calibration lacks %s (run `moodspace calibrate%s`)",
                      s ? "scenes and segments" : "songs", s ? " --catalog weights/catalog.json" : " --csv SONGS.csv");
        } else if (calib_domain_from_cjson(&c->songs, s, err, errlen) ||
                   calib_domain_from_cjson(&c->scenes, f, err, errlen) ||
                   calib_domain_from_cjson(&c->segments, g, err, errlen)) {
            rc = -1;
        } else {
            rc = 1;
            const cJSON *ref = cJSON_GetObjectItemCaseSensitive(cal, "reference");
            if (ref && calib_ref_from_cjson(c, ref, err, errlen)) rc = -1;
        }
    }
    if (rc != 1) memset(c, 0, sizeof *c);
    return rc;
}

typedef struct { float v; int i; } RankItem;

/* NaNs after every number (a consistent order: with v != v the old
 * comparator answered 1 both ways), then by index */
static int cmp_rank(const void *a, const void *b) {
    const RankItem *x = a, *y = b;
    int xn = isnan(x->v), yn = isnan(y->v);
    if (xn != yn) return xn - yn;
    if (!xn && x->v != y->v) return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

int calib_rank_pct(const float *x, int n, int stride, double *out) {
    if (n <= 0) return 0;
    RankItem *r = malloc((size_t)n * sizeof *r);
    if (!r) return -1;
    for (int i = 0; i < n; i++) { r[i].v = x[(size_t)i * stride]; r[i].i = i; }
    qsort(r, (size_t)n, sizeof *r, cmp_rank);
    for (int a = 0; a < n;) {
        int b = a + 1;   /* a NaN (equal to nothing) is a run of one, not an endless loop */
        while (b < n && r[b].v == r[a].v) b++;
        double p = (a + (b - a) / 2.0) / n;
        for (int k = a; k < b; k++) out[r[k].i] = p;
        a = b;
    }
    free(r);
    return 0;
}

cJSON *calib_ref_to_cjson(const Calib *c) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON *nm = cJSON_AddArrayToObject(o, "metrics");
    for (int j = 0; j < c->segments.n_metrics; j++) cJSON_AddItemToArray(nm, cJSON_CreateString(c->segments.name[j]));
    if (c->n_ref_blocks > 0) {
        cJSON_AddItemToObject(o, "segments_per_film", cJSON_CreateIntArray(c->ref_block_size, c->n_ref_blocks));
        cJSON_AddItemToObject(o, "films", cJSON_CreateIntArray(c->ref_block_films, c->n_ref_blocks));
    }
    cJSON *p = cJSON_AddArrayToObject(o, "p");
    for (int i = 0; i < c->n_ref; i++)
        for (int j = 0; j < c->segments.n_metrics; j++) cJSON_AddItemToArray(p, cJSON_CreateNumber(round(c->ref[i][j] * 1000)));
    return o;
}

/* The blocks of whole films (calib.h): -1 when malformed or not matching rows. */
static int ref_blocks_from_cjson(Calib *c, const cJSON *sizes, const cJSON *films, int rows) {
    c->n_ref_blocks = 0;
    if (!sizes && !films) return 0;
    int nb = cJSON_GetArraySize(sizes), total = 0;
    if (!cJSON_IsArray(sizes) || !cJSON_IsArray(films) || nb < 1 || nb > CALIB_MAX_REF_BLOCKS || cJSON_GetArraySize(films) != nb) return -1;
    for (int b = 0; b < nb; b++) {
        const cJSON *g = cJSON_GetArrayItem(sizes, b), *f = cJSON_GetArrayItem(films, b);
        if (!cJSON_IsNumber(g) || !(g->valuedouble >= 1 && g->valuedouble <= 64) || !cJSON_IsNumber(f) ||
            !(f->valuedouble >= 0 && f->valuedouble <= CALIB_MAX_REF)) return -1;
        c->ref_block_size[b] = (int)g->valuedouble;
        c->ref_block_films[b] = (int)f->valuedouble;
        total += c->ref_block_size[b] * c->ref_block_films[b];
    }
    if (total != rows) return -1;
    c->n_ref_blocks = nb;
    return 0;
}

int calib_ref_from_cjson(Calib *c, const cJSON *j, char *err, size_t errlen) {
    c->n_ref = 0;
    c->n_ref_blocks = 0;
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(j, "metrics"), *p = cJSON_GetObjectItemCaseSensitive(j, "p");
    int m = c->segments.n_metrics, n = cJSON_GetArraySize(p);
    int ok = cJSON_IsArray(nm) && cJSON_IsArray(p) && cJSON_GetArraySize(nm) == m && m > 0 && n % m == 0 && n / m <= CALIB_MAX_REF &&
             ref_blocks_from_cjson(c, cJSON_GetObjectItemCaseSensitive(j, "segments_per_film"),
                                   cJSON_GetObjectItemCaseSensitive(j, "films"), n / (m ? m : 1)) == 0;
    for (int q = 0; ok && q < m; q++) {
        const cJSON *s = cJSON_GetArrayItem(nm, q);
        ok = cJSON_IsString(s) && !strcmp(s->valuestring, c->segments.name[q]);
    }
    if (!ok) {
        ms_seterr(err, errlen, "calibration: the reference needs the segments' metrics, at most %d rows, and blocks of whole "
                  "films (1..64 segments each) that add up to the rows", CALIB_MAX_REF);
        c->n_ref_blocks = 0;
        return -1;
    }
    int k = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, p) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1000)) {
            ms_seterr(err, errlen, "calibration: reference values must be permille 0..1000");
            c->n_ref = 0;
            c->n_ref_blocks = 0;
            return -1;
        }
        c->ref[k / m][k % m] = (float)(v->valuedouble / 1000);
        k++;
    }
    c->n_ref = n / m;
    return 0;
}
