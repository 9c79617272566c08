/* soundtrack.c — see soundtrack.h. */
#include "soundtrack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void soundtrack_free(Soundtrack *s) {
    if (!s) return;
    arc_free(s->arc);
    free(s->scene_pct); free(s->smooth_pct); free(s->song_pct); free(s->picks); free(s->pool); free(s->alts);
    free(s);
}

/* Column map: metric j of sp is metric idx[j] of the domain. */
static int map_metrics(const MatchSpace *sp, const CalibDomain *d, const char *what, int *idx,
                       char *err, size_t errlen) {
    if (d->n_levels < 1) { ms_seterr(err, errlen, "the model has no %s calibration", what); return -1; }
    for (int j = 0; j < sp->n; j++) {
        idx[j] = calib_find(d, sp->name[j]);
        if (idx[j] < 0) { ms_seterr(err, errlen, "the %s calibration has no metric %s", what, sp->name[j]); return -1; }
    }
    return 0;
}

/* Percentile space: the model's weights on 0..1 percentiles. */
static int pct_space(const MatchSpace *sp, MatchSpace *out, char *err, size_t errlen) {
    const char *names[MATCH_MAX_METRICS];
    float zero[MATCH_MAX_METRICS], one[MATCH_MAX_METRICS];
    for (int j = 0; j < sp->n; j++) { names[j] = sp->name[j]; zero[j] = 0; one[j] = 1; }
    return match_space_init(out, sp->n, names, zero, one, sp->weight, err, errlen);
}

static void scene_pcts(const CalibDomain *d, const int *ix, int m, const float *v, double len, float *out) {
    for (int j = 0; j < m; j++) out[j] = (float)calib_domain_pct(d, ix[j], len, v[j]);
}

/* The quick match's pool: avoid_offset >= 0 redraws (deterministically from
 * the seed) until another offset comes up, when one exists. */
static int draw_pool(Soundtrack *s, const SoundtrackOpts *o) {
    int limit = s->n_songs < MATCH_POOL_MAX_RANK ? s->n_songs : MATCH_POOL_MAX_RANK;
    s->pool = malloc(sizeof(int) * MATCH_POOL_SIZE);
    if (!s->pool) return -1;
    uint64_t seed = o->seed, st = o->seed;
    for (int tries = 0; tries < 256; tries++) {
        s->pool_n = match_pool(s->n_songs, MATCH_POOL_SIZE, MATCH_POOL_MAX_RANK, seed, s->pool, &s->pool_offset);
        if (s->pool_n < 0) return -1;
        if (o->avoid_offset < 0 || s->pool_offset != o->avoid_offset || limit <= MATCH_POOL_SIZE) break;
        seed = match_rng_next(&st) >> 11;   /* stays below 2^53, like every seed the page sends */
    }
    s->seed = seed;
    return 0;
}

/* ---- song prices: every song a fair share of the soundtracks -------------
 *
 * The catalog's film segments do not fill the percentile space the way songs
 * do (in films energy and acousticness move together almost exactly, r ~
 * -0.94), so plain nearest-song matching makes hubs: the few songs on that
 * diagonal would be in most films' soundtracks. Each song gets a price
 * pi_s >= 0 added to its squared distance, set so that over the calibration's
 * reference soundtracks (calib.h: catalog films cut into 6 and into 12 segments)
 * every song is in about the same number of them: an ascending auction (the
 * dual of a transport between soundtrack slots and songs with equal
 * capacities). Each of SOUNDTRACK_PRICE_ROUNDS rounds matches every reference
 * film exactly as soundtrack_build does (distinct songs, optimal assignment
 * on sqrt(d^2 + pi)) among its segments' SOUNDTRACK_PRICE_CANDIDATES nearest
 * songs, then raises the price of songs over their share and lowers the
 * others', never below 0: a song nobody wants stays at 0 instead of
 * undercutting every song it never competed with.
 *
 * Why whole soundtracks and not loose segments: balancing each song's share
 * of nearest-song wins still left "middle" songs as everybody's second to
 * sixth choice (12 % of 6-segment soundtracks for one song; measured with
 * tests/bench/soundtrack-stats.mjs). Why two lengths: fitted on 6-segment
 * soundtracks alone, 12-segment ones still had one song in 11.3 % of films
 * (9.2 % with both; 24 segments 21.1 % -> 17.1 %, 6 segments 4.9 % -> 5.1 %).
 * Matching then minimises d^2 + pi_s; the
 * distances reported stay the plain d. Prices depend on the library, the
 * weights and the reference: the last prices are kept (one cache; the engine
 * is single-threaded). */
#define SOUNDTRACK_PRICE_ROUNDS 60
#define SOUNDTRACK_PRICE_CANDIDATES 24

static struct { uint64_t key; int n; float *price; } price_cache;

static uint64_t fnv64(const void *p, size_t n, uint64_t h) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 1099511628211ull; }
    return h;
}

static float wdist2(const MatchSpace *sp, const float *a, const float *b) {
    float d = 0;
    for (int j = 0; j < sp->n; j++) { float t = a[j] - b[j]; d += sp->weight[j] * t * t; }
    return d;
}

/* The songs' percentiles by metric (psp->n rows of n): the distances to
 * all songs then run over songs, and vectorise. NULL when out of memory. */
static float *by_metric(const float *song_pct, int n, int m) {
    float *t = malloc(sizeof(float) * (size_t)(n ? n : 1) * m);
    if (!t) return NULL;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) t[(size_t)j * n + i] = song_pct[(size_t)i * m + j];
    return t;
}

/* The C nearest songs to y (squared distances ascending, ties by index):
 * every song's wdist2 into d2[n] (the same sums in the same order, metric
 * by metric), then one pass keeping the C best. songT: by_metric's rows. */
static void nearest_songs(const MatchSpace *psp, const float *y, const float *songT, int n, int C, float *d2,
                          int *ci, float *cv) {
    for (int i = 0; i < n; i++) d2[i] = 0;
    for (int j = 0; j < psp->n; j++) {
        const float *col = songT + (size_t)j * n;
        float yj = y[j], wj = psp->weight[j];
        for (int i = 0; i < n; i++) { float t = yj - col[i]; d2[i] += wj * t * t; }
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        float d = d2[i];
        if (k == C && d >= cv[C - 1]) continue;
        int at = k < C ? k++ : C - 1;
        while (at > 0 && cv[at - 1] > d) { cv[at] = cv[at - 1]; ci[at] = ci[at - 1]; at--; }
        cv[at] = d; ci[at] = i;
    }
}

/* One reference film's candidate songs: the union of its G segments'
 * candidate lists (first appearance order), and the G x nc squared distances.
 * Adds each segment's squared distance to its nearest song to *nearest. */
typedef struct { int nc; int *song; float *d2; } FilmCands;

static int film_candidates(const MatchSpace *psp, const float *seg, int G, const float *song_pct, const float *songT,
                           int n, int C, float *d2, int *ci, float *cv, FilmCands *fc, double *nearest) {
    int m = psp->n;
    fc->song = malloc(sizeof(int) * (size_t)G * C);
    fc->nc = 0;
    for (int g = 0; fc->song && g < G; g++) {
        nearest_songs(psp, seg + (size_t)g * m, songT, n, C, d2, ci, cv);
        *nearest += cv[0];
        for (int k = 0; k < C; k++) {
            int q = 0;
            while (q < fc->nc && fc->song[q] != ci[k]) q++;
            if (q == fc->nc) fc->song[fc->nc++] = ci[k];
        }
    }
    fc->d2 = fc->song ? malloc(sizeof(float) * (size_t)G * fc->nc) : NULL;
    if (!fc->d2) return -1;
    for (int g = 0; g < G; g++)
        for (int q = 0; q < fc->nc; q++) fc->d2[(size_t)g * fc->nc + q] = wdist2(psp, seg + (size_t)g * m, song_pct + (size_t)fc->song[q] * m);
    return 0;
}

/* The matching targets of one film's G segments (rows of m percentiles), in
 * place: each segment's difference from the film's mean segment is
 * stretched by SOUNDTRACK_CONTRAST and the result clamped to 0..1, so that
 * what a segment is relative to the rest of its film weighs more than its
 * exact place among all films (soundtrack.h, step 5). */
static void contrast_targets(float *seg, int G, int m) {
    if (G < 2) return;
    for (int j = 0; j < m; j++) {
        double mu = 0;
        for (int g = 0; g < G; g++) mu += seg[(size_t)g * m + j];
        mu /= G;
        for (int g = 0; g < G; g++) {
            double t = mu + SOUNDTRACK_CONTRAST * (seg[(size_t)g * m + j] - mu);
            seg[(size_t)g * m + j] = (float)(t < 0 ? 0 : t > 1 ? 1 : t);
        }
    }
}

/* The reference films (calib.h), in row order: their sizes *fg[F] (loose
 * moods: one row each). Returns F, or -1 when out of memory. */
static int reference_films(const Calib *cal, int **fg) {
    int F = cal->n_ref_blocks ? 0 : cal->n_ref;
    for (int b = 0; b < cal->n_ref_blocks; b++) F += cal->ref_block_films[b];
    if (!(*fg = malloc(sizeof(int) * (size_t)(F ? F : 1)))) return -1;
    for (int f = 0; f < F && !cal->n_ref_blocks; f++) (*fg)[f] = 1;
    for (int b = 0, f = 0; b < cal->n_ref_blocks; b++)
        for (int k = 0; k < cal->ref_block_films[b]; k++) (*fg)[f++] = cal->ref_block_size[b];
    return F;
}

/* price[n] for songs song_pct[n][psp->n]; refmap[j]: reference column of metric j. */
static int song_prices(const Calib *cal, const int *refmap, const MatchSpace *psp, const float *song_pct, int n,
                       float *price) {
    for (int i = 0; i < n; i++) price[i] = 0;
    int m = psp->n, *fg = NULL, Gmax = 0;
    int F = reference_films(cal, &fg);
    if (F < 0) return -1;
    for (int f = 0; f < F; f++) if (fg[f] > Gmax) Gmax = fg[f];
    if (F < 1 || n < Gmax + 1) { free(fg); return 0; }   /* no reference, or every song is needed anyway */
    uint64_t key = fnv64(song_pct, sizeof(float) * (size_t)n * m, 1469598103934665603ull);
    key = fnv64(psp->weight, sizeof(float) * (size_t)m, fnv64(&cal->n_ref, sizeof cal->n_ref, key));
    key = fnv64(fg, sizeof(int) * (size_t)F, key);
    /* and the reference itself: another model's calibration with the same
     * library must not reuse these prices */
    key = fnv64(cal->ref, sizeof cal->ref[0] * (size_t)cal->n_ref, fnv64(refmap, sizeof(int) * (size_t)m, key));
    if (price_cache.price && price_cache.key == key && price_cache.n == n) {
        memcpy(price, price_cache.price, sizeof(float) * (size_t)n);
        free(fg);
        return 0;
    }
    int C = SOUNDTRACK_PRICE_CANDIDATES > Gmax ? SOUNDTRACK_PRICE_CANDIDATES : Gmax;
    if (C > n) C = n;
    FilmCands *fc = calloc((size_t)F, sizeof *fc);
    int *ci = malloc(sizeof(int) * (size_t)C), *count = malloc(sizeof(int) * (size_t)n), *pick = malloc(sizeof(int) * (size_t)Gmax);
    float *cv = malloc(sizeof(float) * (size_t)C), *seg = malloc(sizeof(float) * (size_t)Gmax * m);
    float *cost = malloc(sizeof(float) * (size_t)Gmax * Gmax * C), *cprice = malloc(sizeof(float) * (size_t)Gmax * C);
    float *songT = by_metric(song_pct, n, m), *d2 = malloc(sizeof(float) * (size_t)n);
    int rc = -1, rows = 0;
    if (!fc || !ci || !count || !pick || !cv || !seg || !cost || !cprice || !songT || !d2) goto done;
    double scale = 0;                           /* sum of squared distances to the nearest song */
    for (int f = 0; f < F; rows += fg[f++]) {
        int G = fg[f];
        for (int g = 0; g < G; g++)
            for (int j = 0; j < m; j++) seg[(size_t)g * m + j] = cal->ref[rows + g][refmap[j]];
        contrast_targets(seg, G, m);   /* as soundtrack_build matches */
        if (film_candidates(psp, seg, G, song_pct, songT, n, C, d2, ci, cv, &fc[f], &scale)) goto done;
    }
    /* auction rounds: songs in more than their share of soundtrack slots get
     * dearer, the others cheaper (not below 0); the step shrinks linearly */
    double cap = (double)rows / n, step = 0.5 * scale / rows + 1e-6;
    for (int round = 0; round < SOUNDTRACK_PRICE_ROUNDS; round++) {
        memset(count, 0, sizeof(int) * (size_t)n);
        for (int f = 0; f < F; f++) {
            const FilmCands *c = &fc[f];
            int G = fg[f];
            for (int q = 0; q < c->nc; q++) cprice[q] = price[c->song[q]];   /* so the rows below vectorise */
            for (int g = 0; g < G; g++)
                for (int q = 0; q < c->nc; q++)
                    cost[(size_t)g * c->nc + q] = sqrtf(c->d2[(size_t)g * c->nc + q] + cprice[q]);
            if (match_assign(cost, G, c->nc, pick, NULL)) goto done;
            for (int g = 0; g < G; g++) count[c->song[pick[g]]]++;
        }
        double s = step * (1.0 - (double)round / SOUNDTRACK_PRICE_ROUNDS);
        for (int i = 0; i < n; i++) {
            float p = price[i] + (float)(s * (count[i] - cap) / cap);
            price[i] = p > 0 ? p : 0;
        }
    }
    float *keep = realloc(price_cache.price, sizeof(float) * (size_t)n);
    if (keep) {
        memcpy(keep, price, sizeof(float) * (size_t)n);
        price_cache.price = keep; price_cache.key = key; price_cache.n = n;
    }
    rc = 0;
done:
    for (int f = 0; fc && f < F; f++) { free(fc[f].song); free(fc[f].d2); }
    free(fc); free(ci); free(count); free(pick); free(cv); free(seg); free(cost); free(cprice); free(songT); free(d2); free(fg);
    return rc;
}

/* The priced space: the percentile metrics plus a "price" coordinate (songs
 * sqrt(pi), film moods 0, weight 1), so d'^2 = d^2 + pi. */
static int priced_space(const MatchSpace *psp, MatchSpace *out, char *err, size_t errlen) {
    const char *names[MATCH_MAX_METRICS];
    float zero[MATCH_MAX_METRICS], one[MATCH_MAX_METRICS], w[MATCH_MAX_METRICS];
    if (psp->n + 1 > MATCH_MAX_METRICS) { ms_seterr(err, errlen, "too many metrics"); return -1; }
    for (int j = 0; j < psp->n; j++) { names[j] = psp->name[j]; zero[j] = 0; one[j] = 1; w[j] = psp->weight[j]; }
    names[psp->n] = "price"; zero[psp->n] = 0; one[psp->n] = 1; w[psp->n] = 1;
    return match_space_init(out, psp->n + 1, names, zero, one, w, err, errlen);
}

/* rows[n][m] -> out[n][m + 1] with the extra column extra[i] (NULL: 0). */
static float *with_column(const float *rows, int n, int m, const float *extra) {
    float *o = malloc(sizeof(float) * (size_t)(n ? n : 1) * (m + 1));
    if (!o) return NULL;
    for (int i = 0; i < n; i++) {
        memcpy(o + (size_t)i * (m + 1), rows + (size_t)i * m, sizeof(float) * m);
        o[(size_t)i * (m + 1) + m] = extra ? sqrtf(extra[i]) : 0;
    }
    return o;
}

/* ---- the user's control: locked songs and each segment's next best ------- */

/* The assignment of songs (xsong[n], priced rows) to the G segment targets
 * xseg, with the user's locked songs kept in their segments: the other
 * segments get the optimal distinct assignment among the songs not locked
 * (without locks: match_soundtrack as it is). 0, or -1 with a message. */
static int assign_segments(const MatchSpace *xsp, const float *xsong, int n, const float *xseg, int G,
                           const SoundtrackOpts *o, int *ssong, char *err, size_t errlen) {
    if (o->n_locked <= 0 && o->library)   /* the songs' projection made once */
        return match_soundtrack_songs(xsp, &o->library->proj, xseg, G, 1, 0, ssong, NULL, NULL, err, errlen);
    if (o->n_locked <= 0) return match_soundtrack(xsp, xsong, n, xseg, G, 1, 0, ssong, NULL, NULL, err, errlen);
    int d = xsp->n, rc = -1, nf = 0, ns = 0;
    int *fix = malloc(sizeof(int) * (size_t)G), *fg = malloc(sizeof(int) * (size_t)G), *fs = malloc(sizeof(int) * (size_t)n);
    int *sub = malloc(sizeof(int) * (size_t)G);
    char *used = calloc((size_t)n, 1);
    float *ss = NULL, *sg = NULL;
    if (!fix || !fg || !fs || !sub || !used) { ms_seterr(err, errlen, "out of memory"); goto done; }
    for (int g = 0; g < G; g++) fix[g] = -1;
    for (int q = 0; q < o->n_locked; q++) {
        int g = o->locked_segment[q], i = o->locked_song[q];
        if (g < 0 || g >= G) { ms_seterr(err, errlen, "a locked song's segment %d is not one of this soundtrack's %d", g + 1, G); goto done; }
        if (i < 0 || i >= n) { ms_seterr(err, errlen, "a locked song is not among the songs given"); goto done; }
        if (fix[g] >= 0 || used[i]) { ms_seterr(err, errlen, "each segment and each song can be locked once"); goto done; }
        fix[g] = i;
        used[i] = 1;
    }
    for (int g = 0; g < G; g++) if (fix[g] < 0) fg[nf++] = g;
    for (int i = 0; i < n; i++) if (!used[i]) fs[ns++] = i;
    if (nf > 0) {
        if (ns < nf) { ms_seterr(err, errlen, "not enough songs besides the locked ones"); goto done; }
        ss = malloc(sizeof(float) * (size_t)ns * d);
        sg = malloc(sizeof(float) * (size_t)nf * d);
        if (!ss || !sg) { ms_seterr(err, errlen, "out of memory"); goto done; }
        for (int q = 0; q < ns; q++) memcpy(ss + (size_t)q * d, xsong + (size_t)fs[q] * d, sizeof(float) * d);
        for (int q = 0; q < nf; q++) memcpy(sg + (size_t)q * d, xseg + (size_t)fg[q] * d, sizeof(float) * d);
        if (match_soundtrack(xsp, ss, ns, sg, nf, 1, 0, sub, NULL, NULL, err, errlen)) goto done;
    }
    for (int g = 0; g < G; g++) ssong[g] = fix[g];
    for (int q = 0; q < nf; q++) ssong[fg[q]] = fs[sub[q]];
    rc = 0;
done:
    free(fix); free(fg); free(fs); free(sub); free(used); free(ss); free(sg);
    return rc;
}

/* Per segment, the k songs nearest its target by the assignment's own
 * measure (the priced distance) that no segment uses, best first, ties by
 * index: alt[g * k + r], -1 past the library's end. 0, or -1 (memory). */
static int next_best(const MatchSpace *xsp, const float *xsong, int n, const float *xseg, int G,
                     const int *ssong, int k, int *alt) {
    char *used = calloc((size_t)(n ? n : 1), 1);
    float *dv = malloc(sizeof(float) * (size_t)k);
    if (!used || !dv) { free(used); free(dv); return -1; }
    for (int g = 0; g < G; g++) if (ssong[g] >= 0 && ssong[g] < n) used[ssong[g]] = 1;
    for (int g = 0; g < G; g++) {
        int *ci = alt + (size_t)g * k, got = 0;
        for (int r = 0; r < k; r++) ci[r] = -1;
        for (int i = 0; i < n; i++) {
            if (used[i]) continue;
            float dd = wdist2(xsp, xseg + (size_t)g * xsp->n, xsong + (size_t)i * xsp->n);
            if (got == k && dd >= dv[k - 1]) continue;
            int at = got < k ? got++ : k - 1;
            while (at > 0 && dv[at - 1] > dd) { dv[at] = dv[at - 1]; ci[at] = ci[at - 1]; at--; }
            dv[at] = dd; ci[at] = i;
        }
    }
    free(used); free(dv);
    return 0;
}

/* The last library's percentiles, kept like its prices (one slot): the
 * Taste tab ranks the catalog in parts, each call with the same songs, and
 * each metric's ranks take a sort. The key covers all that song_pcts reads
 * besides the count and width: the rows and each metric's table. */
static struct { uint64_t key; int n, m; float *pct; } pct_cache;

static uint64_t pcts_key(const Calib *cal, const int *gix, const float *songs, int n_songs, int m) {
    uint64_t h = fnv64(songs, sizeof(float) * (size_t)n_songs * m, 1469598103934665603ull);
    for (int j = 0; j < m; j++) h = fnv64(cal->songs.q[0][gix[j]], sizeof(float) * CALIB_KNOTS, h);
    return h;
}

/* Each song's percentile per metric (step 3): out[n][m]; gix maps metric j
 * to the song calibration's column. 0, or -1 when out of memory. */
static int song_pcts(const Calib *cal, const int *gix, const float *songs, int n_songs, int m, float *out) {
    size_t size = sizeof(float) * (size_t)n_songs * m;
    uint64_t key = pcts_key(cal, gix, songs, n_songs, m);
    if (pct_cache.pct && pct_cache.key == key && pct_cache.n == n_songs && pct_cache.m == m) {
        memcpy(out, pct_cache.pct, size);
        return 0;
    }
    double share = n_songs / (n_songs + SOUNDTRACK_PRIOR);
    double *rank = malloc(sizeof(double) * (size_t)(n_songs ? n_songs : 1));
    if (!rank) return -1;
    for (int j = 0; j < m; j++) {
        if (calib_rank_pct(songs + j, n_songs, m, rank)) { free(rank); return -1; }
        for (int i = 0; i < n_songs; i++) {
            double ref = calib_pct(cal->songs.q[0][gix[j]], songs[(size_t)i * m + j]);
            out[(size_t)i * m + j] = (float)(share * rank[i] + (1 - share) * ref);
        }
    }
    free(rank);
    float *keep = realloc(pct_cache.pct, size ? size : 1);
    if (keep) {
        memcpy(keep, out, size);
        pct_cache.pct = keep; pct_cache.key = key; pct_cache.n = n_songs; pct_cache.m = m;
    }
    return 0;
}

int soundtrack_song_pcts(const MatchSpace *sp, const Calib *cal, const float *songs, int n_songs, float *out,
                         char *err, size_t errlen) {
    int gix[MATCH_MAX_METRICS];
    if (!cal) { ms_seterr(err, errlen, "the model has no calibration (run `moodspace calibrate`)"); return -1; }
    if (map_metrics(sp, &cal->songs, "song", gix, err, errlen)) return -1;
    if (song_pcts(cal, gix, songs, n_songs, sp->n, out)) { ms_seterr(err, errlen, "out of memory"); return -1; }
    return 0;
}

int soundtrack_song_prices(const MatchSpace *sp, const Calib *cal, const float *song_pct, int n_songs, float *price,
                           char *err, size_t errlen) {
    int kix[MATCH_MAX_METRICS];
    MatchSpace psp;
    if (!cal) { ms_seterr(err, errlen, "the model has no calibration (run `moodspace calibrate`)"); return -1; }
    if (map_metrics(sp, &cal->segments, "segment", kix, err, errlen) || pct_space(sp, &psp, err, errlen)) return -1;
    if (song_prices(cal, kix, &psp, song_pct, n_songs, price)) { ms_seterr(err, errlen, "out of memory"); return -1; }
    return 0;
}

int soundtrack_library_init(SoundtrackLibrary *L, const MatchSpace *sp, const Calib *cal, const float *songs, int n,
                            char *err, size_t errlen) {
    MatchSpace psp, xsp;
    memset(L, 0, sizeof *L);
    L->n = n;
    L->m = sp->n;
    L->pct = malloc(sizeof(float) * (size_t)(n ? n : 1) * sp->n);
    L->price = malloc(sizeof(float) * (size_t)(n ? n : 1));
    if (!L->pct || !L->price) { soundtrack_library_free(L); ms_seterr(err, errlen, "out of memory"); return -1; }
    if (soundtrack_song_pcts(sp, cal, songs, n, L->pct, err, errlen) ||
        soundtrack_song_prices(sp, cal, L->pct, n, L->price, err, errlen) ||
        pct_space(sp, &psp, err, errlen) || priced_space(&psp, &xsp, err, errlen)) {
        soundtrack_library_free(L);
        return -1;
    }
    if (!(L->priced = with_column(L->pct, n, sp->n, L->price))) {
        soundtrack_library_free(L);
        ms_seterr(err, errlen, "out of memory");
        return -1;
    }
    if (match_songs_init(&L->proj, &xsp, L->priced, n, err, errlen)) { soundtrack_library_free(L); return -1; }
    return 0;
}

void soundtrack_library_free(SoundtrackLibrary *L) {
    free(L->pct); free(L->price); free(L->priced);
    match_songs_free(&L->proj);
    memset(L, 0, sizeof *L);
}

/* The request's checks; *K the number of segments to cut (1 for quick).
 * The metric maps of the three calibration domains into six, gix, kix. */
static int check_request(const MatchSpace *sp, const Calib *cal, int n_scenes, int n_songs, const SoundtrackOpts *o,
                         int *six, int *gix, int *kix, int *K, char *err, size_t errlen) {
    if (!cal) { ms_seterr(err, errlen, "the model has no calibration (run `moodspace calibrate`)"); return -1; }
    if (map_metrics(sp, &cal->scenes, "scene", six, err, errlen) || map_metrics(sp, &cal->songs, "song", gix, err, errlen) ||
        map_metrics(sp, &cal->segments, "segment", kix, err, errlen)) return -1;
    if (n_scenes < 1) { ms_seterr(err, errlen, "no scenes: the film has nothing to match"); return -1; }
    if (n_songs < 1 && o->quick) { ms_seterr(err, errlen, "no songs with a predicted mood in the library"); return -1; }
    if (!o->quick && (o->n_segments < 1 || o->n_segments > ARC_MAX_SEGMENTS)) {
        ms_seterr(err, errlen, "segments must be 1..%d", ARC_MAX_SEGMENTS);
        return -1;
    }
    *K = o->quick ? 1 : (o->n_segments < n_scenes ? o->n_segments : n_scenes);
    if (!o->quick && n_songs > 0 && n_songs < *K) {
        ms_seterr(err, errlen, "a %d-segment soundtrack needs at least %d songs with a predicted mood; the library has %d",
                  *K, *K, n_songs);
        return -1;
    }
    return 0;
}

/* The film's arc in K segments, then its scenes on the calibrated scale
 * (percentiles of single catalog scenes), smoothed like the arc so the
 * chart's curve and points share a scale (only for the chart: a ranking of
 * films, lean, goes without), and the whole film among whole catalog films.
 * -1 with err set. */
static int place_scenes(Soundtrack *s, const MatchSpace *sp, const Calib *cal, const int *six, const int *kix,
                        const float *scenes, const float *weights, int K, int lean, char *err, size_t errlen) {
    int m = sp->n, n_scenes = s->n_scenes;
    const char *names[MATCH_MAX_METRICS];
    float scale[MATCH_MAX_METRICS];
    for (int j = 0; j < m; j++) { names[j] = sp->name[j]; scale[j] = sp->std[j]; }
    ArcOpts ao = arc_default_opts();
    ao.n_segments = K;
    ao.no_smooth = 1;   /* the arc's segments and overall mood; the chart's curve is pa's below */
    s->arc = arc_build(scenes, weights, n_scenes, m, names, scale, &ao, err, errlen);
    if (!s->arc) return -1;
    const MoodArc *a = s->arc;
    scene_pcts(&cal->segments, kix, m, a->overall, 1, s->overall_pct);   /* K = 1 */
    if (lean) return 0;
    s->scene_pct = malloc(sizeof(float) * (size_t)n_scenes * m);
    s->smooth_pct = malloc(sizeof(float) * (size_t)n_scenes * m);
    if (!s->scene_pct || !s->smooth_pct) { ms_seterr(err, errlen, "out of memory"); return -1; }
    for (int i = 0; i < n_scenes; i++)
        scene_pcts(&cal->scenes, six, m, a->raw + (size_t)i * m, 1, s->scene_pct + (size_t)i * m);
    ArcOpts so = arc_default_opts();
    so.smooth = a->sigma;
    so.n_segments = 1;
    MoodArc *pa = arc_build(s->scene_pct, weights, n_scenes, m, names, NULL, &so, err, errlen);
    if (!pa) return -1;
    memcpy(s->smooth_pct, pa->smooth, sizeof(float) * (size_t)n_scenes * m);
    arc_free(pa);
    return 0;
}

/* Songs on the calibrated scale: library rank blended with the training
 * songs (see top), or as the caller worked them out once for many films
 * (o->library). -1 when out of memory. */
static int place_songs(Soundtrack *s, const Calib *cal, const int *gix, const float *songs, const SoundtrackOpts *o) {
    int m = s->n_metrics, n_songs = s->n_songs;
    s->library_share = n_songs / (n_songs + SOUNDTRACK_PRIOR);
    s->song_pct = malloc(sizeof(float) * (size_t)(n_songs ? n_songs : 1) * m);
    if (!s->song_pct) return -1;
    if (o->library) {
        if (n_songs > 0) memcpy(s->song_pct, o->library->pct, sizeof(float) * (size_t)n_songs * m);
        return 0;
    }
    return song_pcts(cal, gix, songs, n_songs, m, s->song_pct);
}

/* The quick match: the seed's pool, and the SOUNDTRACK_QUICK_K songs of it
 * nearest the whole film in the priced space. -1 when out of memory. */
static int pick_quick(Soundtrack *s, const SoundtrackOpts *o, const MatchSpace *psp, const MatchSpace *xsp,
                      const float *xsong) {
    int m = s->n_metrics;
    if (draw_pool(s, o)) return -1;
    float *pv = malloc(sizeof(float) * (size_t)(s->pool_n ? s->pool_n : 1) * (m + 1));
    int idx[SOUNDTRACK_QUICK_K];
    float dist[SOUNDTRACK_QUICK_K], target[MATCH_MAX_METRICS] = {0};
    if (!pv) return -1;
    for (int r = 0; r < s->pool_n; r++) memcpy(pv + (size_t)r * (m + 1), xsong + (size_t)s->pool[r] * (m + 1), sizeof(float) * (m + 1));
    memcpy(target, s->overall_pct, sizeof(float) * m);
    int got = match_topk(xsp, pv, s->pool_n, target, SOUNDTRACK_QUICK_K, idx, dist);
    free(pv);
    if (got < 0) return -1;
    s->picks = calloc((size_t)(got ? got : 1), sizeof *s->picks);
    if (!s->picks) return -1;
    s->n_picks = got;
    for (int r = 0; r < got; r++) {
        SoundtrackPick *p = &s->picks[r];
        p->first = 0; p->last = s->n_scenes - 1;
        memcpy(p->mood, s->arc->overall, sizeof(float) * m);
        memcpy(p->pct, s->overall_pct, sizeof(float) * m);
        p->song = s->pool[idx[r]];
        memcpy(p->song_pct, s->song_pct + (size_t)p->song * m, sizeof(float) * m);
        p->distance = match_distance(psp, p->pct, p->song_pct);   /* the plain distance, without the price */
    }
    return 0;
}

/* The segments' moods among the catalog's films cut into as many segments
 * (segp), their contrasted targets, and one distinct song each by the
 * optimal assignment in the priced space (none without songs: arc only),
 * the user's locked songs kept; with o->alternatives, each segment's next
 * best songs. -1 with err set. */
static int pick_segments(Soundtrack *s, const Calib *cal, const int *kix, const MatchSpace *psp,
                         const MatchSpace *xsp, const float *xsong, const SoundtrackOpts *o, char *err, size_t errlen) {
    const MoodArc *a = s->arc;
    int m = s->n_metrics, n_songs = s->n_songs, nseg = a->n_segments;
    float *segp = malloc(sizeof(float) * (size_t)nseg * m), *sdist = malloc(sizeof(float) * (size_t)nseg);
    int *ssong = malloc(sizeof(int) * (size_t)nseg);
    s->picks = calloc((size_t)nseg, sizeof *s->picks);
    if (!segp || !sdist || !ssong || !s->picks) {
        free(segp); free(sdist); free(ssong);
        ms_seterr(err, errlen, "out of memory");
        return -1;
    }
    for (int g = 0; g < nseg; g++) scene_pcts(&cal->segments, kix, m, a->segments[g].mean, nseg, segp + (size_t)g * m);
    int rc = 0;
    float *target = malloc(sizeof(float) * (size_t)nseg * m), *xseg = NULL;
    if (target) {
        memcpy(target, segp, sizeof(float) * (size_t)nseg * m);
        contrast_targets(target, nseg, m);
        xseg = with_column(target, nseg, m, NULL);
        free(target);
    }
    if (!xseg) rc = -1, ms_seterr(err, errlen, "out of memory");
    else if (n_songs > 0) rc = assign_segments(xsp, xsong, n_songs, xseg, nseg, o, ssong, err, errlen);
    else for (int g = 0; g < nseg; g++) { ssong[g] = -1; sdist[g] = 0; }   /* arc only */
    int *alt = NULL, k = o->alternatives > SOUNDTRACK_MAX_ALTERNATIVES ? SOUNDTRACK_MAX_ALTERNATIVES : o->alternatives;
    if (rc == 0 && n_songs > 0 && k > 0) {
        alt = malloc(sizeof(int) * (size_t)nseg * k);
        s->alts = calloc((size_t)nseg * k, sizeof *s->alts);
        if (!alt || !s->alts || next_best(xsp, xsong, n_songs, xseg, nseg, ssong, k, alt)) rc = -1, ms_seterr(err, errlen, "out of memory");
        else s->n_alt = k;
    }
    free(xseg);
    if (rc == 0) {
        s->n_picks = nseg;
        for (int g = 0; g < nseg; g++) {
            SoundtrackPick *p = &s->picks[g];
            p->first = a->segments[g].first;
            p->last = a->segments[g].last;
            memcpy(p->mood, a->segments[g].mean, sizeof(float) * m);
            memcpy(p->pct, segp + (size_t)g * m, sizeof(float) * m);
            p->song = ssong[g];
            if (p->song >= 0) memcpy(p->song_pct, s->song_pct + (size_t)p->song * m, sizeof(float) * m);
            p->distance = p->song >= 0 ? match_distance(psp, p->pct, p->song_pct) : 0;   /* without the price */
            for (int r = 0; r < s->n_alt; r++) {
                SoundtrackPick *q = &s->alts[(size_t)g * s->n_alt + r];
                *q = *p;
                q->song = alt[(size_t)g * s->n_alt + r];
                if (q->song >= 0) memcpy(q->song_pct, s->song_pct + (size_t)q->song * m, sizeof(float) * m);
                q->distance = q->song >= 0 ? match_distance(psp, q->pct, q->song_pct) : 0;
            }
        }
    }
    free(alt);
    free(segp); free(sdist); free(ssong);
    return rc;
}

/* Steps: the checks, the film on the calibrated scale, the songs on it,
 * their prices and the priced space, then the quick match or the segments. */
Soundtrack *soundtrack_build(const MatchSpace *sp, const Calib *cal, const float *scenes,
                             const float *weights, int n_scenes, const float *songs, int n_songs,
                             const SoundtrackOpts *o, char *err, size_t errlen) {
    int m = sp->n, K = 0, six[MATCH_MAX_METRICS], gix[MATCH_MAX_METRICS], kix[MATCH_MAX_METRICS];
    if (o->library && (o->library->n != n_songs || o->library->m != m)) {
        ms_seterr(err, errlen, "the prepared library is not these songs");
        return NULL;
    }
    if (check_request(sp, cal, n_scenes, n_songs, o, six, gix, kix, &K, err, errlen)) return NULL;
    MatchSpace psp, xsp;
    if (pct_space(sp, &psp, err, errlen)) return NULL;
    Soundtrack *s = calloc(1, sizeof *s);
    if (!s) goto oom;
    s->n_metrics = m;
    s->n_scenes = n_scenes;
    s->n_songs = n_songs;
    s->quick = o->quick;
    if (place_scenes(s, sp, cal, six, kix, scenes, weights, K, o->lean, err, errlen)) { soundtrack_free(s); return NULL; }
    if (place_songs(s, cal, gix, songs, o)) goto oom;

    /* prices (see above) and the priced space the matching runs in; a
     * prepared library has its priced rows */
    if (priced_space(&psp, &xsp, err, errlen)) { soundtrack_free(s); return NULL; }
    float *own = NULL;
    const float *xsong = o->library ? o->library->priced : NULL;
    if (!xsong) {
        float *price = malloc(sizeof(float) * (size_t)(n_songs ? n_songs : 1));
        if (!price || song_prices(cal, kix, &psp, s->song_pct, n_songs, price) ||
            !(own = with_column(s->song_pct, n_songs, m, price))) {
            free(price);
            goto oom;
        }
        free(price);
        xsong = own;
    }

    int rc = o->quick ? pick_quick(s, o, &psp, &xsp, xsong) : pick_segments(s, cal, kix, &psp, &xsp, xsong, o, err, errlen);
    free(own);
    if (rc && o->quick) goto oom;
    if (rc) { soundtrack_free(s); return NULL; }
    return s;
oom:
    soundtrack_free(s);
    ms_seterr(err, errlen, "out of memory");
    return NULL;
}
