/* match.c — see match.h for the distance, the pool, the assignment and the
 * exactness argument for pruning. The JSON requests are in match_json.c. */
#include "match.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "utf8.h"


/* ---- space ----------------------------------------------------------------*/

int match_space_check(const MatchSpace *sp, char *err, size_t errlen) {
    if (!sp || sp->n < 1 || sp->n > MATCH_MAX_METRICS) {
        ms_seterr(err, errlen, "need 1..%d metrics", MATCH_MAX_METRICS);
        return -1;
    }
    int positive = 0;
    for (int j = 0; j < sp->n; j++) {
        if (!isfinite(sp->mean[j])) { ms_seterr(err, errlen, "mean of %s is not a finite number", sp->name[j]); return -1; }
        if (!(sp->std[j] > 0) || !isfinite(sp->std[j])) {
            ms_seterr(err, errlen, "std of %s must be a positive finite number", sp->name[j]);
            return -1;
        }
        if (!(sp->weight[j] >= 0) || !isfinite(sp->weight[j])) {
            ms_seterr(err, errlen, "weight of %s must be a finite number >= 0", sp->name[j]);
            return -1;
        }
        if (sp->weight[j] > 0) positive++;
    }
    if (!positive) { ms_seterr(err, errlen, "all metric weights are 0: nothing to compare"); return -1; }
    return 0;
}

int match_space_init(MatchSpace *sp, int n, const char *const *names,
                     const float *mean, const float *std, const float *weight,
                     char *err, size_t errlen) {
    if (!sp || !names || !mean || !std || n < 1 || n > MATCH_MAX_METRICS) {
        ms_seterr(err, errlen, "need 1..%d metrics with names, means and stds", MATCH_MAX_METRICS);
        return -1;
    }
    MatchSpace s;
    memset(&s, 0, sizeof s);
    s.n = n;
    for (int j = 0; j < n; j++) {
        if (!names[j] || !names[j][0]) { ms_seterr(err, errlen, "metric %d has no name", j); return -1; }
        snprintf(s.name[j], MATCH_NAME_LEN, "%.*s", (int)utf8_cut(names[j], strlen(names[j]), MATCH_NAME_LEN - 1), names[j]);
        for (int i = 0; i < j; i++)
            if (!strcmp(s.name[i], s.name[j])) { ms_seterr(err, errlen, "metric %s listed twice", s.name[j]); return -1; }
        s.mean[j] = mean[j];
        s.std[j] = std[j];
        s.weight[j] = weight ? weight[j] : 1.0f;
    }
    if (match_space_check(&s, err, errlen)) return -1;
    *sp = s;
    return 0;
}

int match_space_find(const MatchSpace *sp, const char *name) {
    if (!sp || !name) return -1;
    for (int j = 0; j < sp->n; j++)
        if (!strcmp(sp->name[j], name)) return j;
    return -1;
}

int match_space_set_weight(MatchSpace *sp, const char *name, float w) {
    int j = match_space_find(sp, name);
    if (j < 0 || !(w >= 0) || !isfinite(w)) return -1;
    sp->weight[j] = w;
    return 0;
}

void match_standardize(const MatchSpace *sp, const float *raw, float *z) {
    for (int j = 0; j < sp->n; j++) z[j] = (raw[j] - sp->mean[j]) / sp->std[j];
}

/* Everything below compares "projected" vectors: only the metrics with a
 * positive weight, y_j = z_j * sqrt(w_j), so the distance is plain Euclidean
 * and each path (distance, top-k, soundtrack) rounds the same way. */
typedef struct {
    int m;                          /* metrics with weight > 0 */
    int col[MATCH_MAX_METRICS];     /* their index in the space */
    float mean[MATCH_MAX_METRICS], scale[MATCH_MAX_METRICS];
} Proj;

static void proj_init(Proj *p, const MatchSpace *sp) {
    p->m = 0;
    for (int j = 0; j < sp->n; j++) {
        if (!(sp->weight[j] > 0)) continue;
        p->col[p->m] = j;
        p->mean[p->m] = sp->mean[j];
        p->scale[p->m] = sqrtf(sp->weight[j]) / sp->std[j];
        p->m++;
    }
}

static void proj_apply(const Proj *p, const float *raw, float *y) {
    for (int k = 0; k < p->m; k++) y[k] = (raw[p->col[k]] - p->mean[k]) * p->scale[k];
}

static float proj_dist(const float *a, const float *b, int m) {
    float s = 0;
    for (int k = 0; k < m; k++) { float d = a[k] - b[k]; s += d * d; }
    float r = sqrtf(s);
    return r <= FLT_MAX ? r : INFINITY;   /* NaN (from non-finite input) sorts last */
}

/* Projects n rows of raw metric vectors into a new array (n * p->m). */
static float *proj_rows(const Proj *p, const float *raw, int n, int stride) {
    float *y = malloc((size_t)(n ? n : 1) * (size_t)(p->m ? p->m : 1) * sizeof *y);
    if (!y) return NULL;
    for (int i = 0; i < n; i++) proj_apply(p, raw + (size_t)i * stride, y + (size_t)i * p->m);
    return y;
}

float match_distance(const MatchSpace *sp, const float *a, const float *b) {
    Proj p;
    proj_init(&p, sp);
    float ya[MATCH_MAX_METRICS], yb[MATCH_MAX_METRICS];
    proj_apply(&p, a, ya);
    proj_apply(&p, b, yb);
    return proj_dist(ya, yb, p.m);
}

/* ---- top-k ------------------------------------------------------------------
 * A bounded max-heap of (distance, index): O(n log k) worst case, about n
 * comparisons when the input is in random order. Keys are totally ordered
 * (distance, then index), which makes every tie deterministic. */
typedef struct { float d; int i; } Cand;

static int cand_less(Cand a, Cand b) { return a.d < b.d || (a.d == b.d && a.i < b.i); }

static void heap_sift_down(Cand *h, int n, int at) {
    for (;;) {
        int l = 2 * at + 1, r = l + 1, big = at;
        if (l < n && cand_less(h[big], h[l])) big = l;
        if (r < n && cand_less(h[big], h[r])) big = r;
        if (big == at) return;
        Cand t = h[at]; h[at] = h[big]; h[big] = t;
        at = big;
    }
}

static void heap_push(Cand *h, int *n, Cand c) {
    int at = (*n)++;
    h[at] = c;
    while (at > 0) {
        int up = (at - 1) / 2;
        if (!cand_less(h[up], h[at])) break;
        Cand t = h[at]; h[at] = h[up]; h[up] = t;
        at = up;
    }
}

static int cand_cmp(const void *a, const void *b) {
    Cand x = *(const Cand *)a, y = *(const Cand *)b;
    return cand_less(x, y) ? -1 : cand_less(y, x) ? 1 : 0;
}

/* The k nearest rows of ys (n x m) to y, unsorted, into heap (room for k). */
static int nearest_k(const float *ys, int n, int m, const float *y, int k, Cand *heap) {
    int hn = 0;
    for (int i = 0; i < n; i++) {
        Cand c = { proj_dist(ys + (size_t)i * m, y, m), i };
        if (hn < k) heap_push(heap, &hn, c);
        else if (cand_less(c, heap[0])) { heap[0] = c; heap_sift_down(heap, hn, 0); }
    }
    return hn;
}

int match_topk(const MatchSpace *sp, const float *songs, int n_songs,
               const float *target, int k, int *out_idx, float *out_dist) {
    if (!sp || sp->n < 1 || (!songs && n_songs > 0) || !target || n_songs < 0 || k < 0 || (k > 0 && !out_idx)) return -1;
    if (k > n_songs) k = n_songs;
    if (k == 0) return 0;
    Proj p;
    proj_init(&p, sp);
    float yt[MATCH_MAX_METRICS];
    proj_apply(&p, target, yt);
    float *ys = proj_rows(&p, songs, n_songs, sp->n);
    Cand *heap = malloc((size_t)k * sizeof *heap);
    if (!ys || !heap) { free(ys); free(heap); return -1; }
    int got = nearest_k(ys, n_songs, p.m, yt, k, heap);
    qsort(heap, (size_t)got, sizeof *heap, cand_cmp);
    for (int r = 0; r < got; r++) {
        out_idx[r] = heap[r].i;
        if (out_dist) out_dist[r] = heap[r].d;
    }
    free(ys);
    free(heap);
    return got;
}

/* ---- pool -------------------------------------------------------------------*/

uint64_t match_rng_next(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform integer in [0, bound) without modulo bias (bound >= 1). */
static uint64_t rng_below(uint64_t *state, uint64_t bound) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do x = match_rng_next(state); while (x >= limit);
    return x % bound;
}

int match_pool(int n_tracks, int size, int max_rank, uint64_t seed,
               int *out_idx, int *out_offset) {
    if (n_tracks < 0 || size < 1 || max_rank < 0 || !out_idx) return -1;
    int limit = n_tracks < max_rank ? n_tracks : max_rank;
    int offset = 0, count = limit;
    if (limit > size) {
        uint64_t st = seed;
        offset = (int)rng_below(&st, (uint64_t)(limit - size) + 1);
        count = size;
    }
    for (int r = 0; r < count; r++) out_idx[r] = offset + r;
    if (out_offset) *out_offset = offset;
    return count;
}

/* ---- assignment -------------------------------------------------------------
 * Shortest augmenting paths (Jonker–Volgenant; the rectangular form of
 * D. F. Crouse, "On implementing 2D rectangular assignment algorithms", 2016).
 * Rows are added one at a time; each addition runs Dijkstra on reduced costs
 * cost[i][j] - u[i] - v[j] >= 0 to the nearest free column, then flips the
 * path and updates the potentials so reduced costs stay non-negative. Ties
 * prefer a free column, then the earliest column scanned. */

/* match_assign's working arrays, in one allocation. */
typedef struct {
    double *u, *v, *spc;
    int *path, *row4col, *col4row, *remaining;
    int *rows, *cols;        /* the rows reached and the columns labelled by one row's Dijkstra */
    void *block;
} AssignWork;

static int assign_work_init(AssignWork *w, int nr, int nc) {
    size_t nd = (size_t)nr + 2 * (size_t)nc, ni = 4 * (size_t)nc + 2 * (size_t)nr;
    w->block = malloc(nd * sizeof(double) + ni * sizeof(int));
    if (!w->block) return -1;
    double *d = w->block;
    int *k = (int *)(d + nd);
    w->u = d; w->v = d + nr; w->spc = d + nr + nc;
    w->path = k; w->row4col = k + nc; w->remaining = k + 2 * (size_t)nc; w->cols = k + 3 * (size_t)nc;
    w->col4row = k + 4 * (size_t)nc; w->rows = k + 4 * (size_t)nc + nr;
    for (int i = 0; i < nr; i++) { w->u[i] = 0; w->col4row[i] = -1; }
    for (int j = 0; j < nc; j++) { w->v[j] = 0; w->row4col[j] = -1; }
    return 0;
}

/* Dijkstra's step from row i: each remaining column's shortest path through
 * i, then the remaining column nearest (ties: a free one, else the first
 * scanned). first: the row's first step, when every column remains in its
 * starting order nc - 1 .. 0 with no path yet (spc = INFINITY), set here.
 * The position in remaining, or -1 when none is finite. */
static int dijkstra_step(AssignWork *w, const float *cost, int nc, int i, double minv, int nrem, int first,
                         double *lowest_out) {
    const float *ci = cost + (size_t)i * nc;
    double ui = w->u[i], lowest = INFINITY, *spc = w->spc, *v = w->v;
    int best = -1, *remaining = w->remaining, *row4col = w->row4col, *path = w->path;
    if (first)
        for (int it = 0; it < nrem; it++) { remaining[it] = nc - it - 1; spc[nc - it - 1] = INFINITY; }
    for (int it = 0; it < nrem; it++) {
        int j = remaining[it];
        double r = minv + (double)ci[j] - ui - v[j];
        if (r < spc[j]) { path[j] = i; spc[j] = r; }
        if (spc[j] < lowest || (spc[j] == lowest && row4col[j] < 0)) { lowest = spc[j]; best = it; }
    }
    *lowest_out = lowest;
    return best < 0 || !isfinite(lowest) ? -1 : best;
}

/* Row cur added: Dijkstra to the nearest free column, the potentials of
 * the rows reached and the columns labelled, then the path flipped. 0, or
 * -1 when no finite path exists (cannot happen with finite costs). */
static int assign_row(AssignWork *w, const float *cost, int nc, int cur) {
    double minv = 0;
    int nrem = nc, sink = -1, i = cur, n_rows = 0, n_cols = 0;
    while (sink < 0) {
        double lowest;
        w->rows[n_rows++] = i;
        int best = dijkstra_step(w, cost, nc, i, minv, nrem, n_cols == 0, &lowest);
        if (best < 0) return -1;
        minv = lowest;
        int j = w->remaining[best];
        if (w->row4col[j] < 0) sink = j; else i = w->row4col[j];
        w->cols[n_cols++] = j;
        w->remaining[best] = w->remaining[--nrem];
    }
    w->u[cur] += minv;
    for (int q = 1; q < n_rows; q++) w->u[w->rows[q]] += minv - w->spc[w->col4row[w->rows[q]]];
    for (int q = 0; q < n_cols; q++) w->v[w->cols[q]] -= minv - w->spc[w->cols[q]];
    for (int j = sink;;) {
        int r = w->path[j];
        w->row4col[j] = r;
        int t = w->col4row[r]; w->col4row[r] = j; j = t;
        if (r == cur) break;
    }
    return 0;
}

int match_assign(const float *cost, int nr, int nc, int *row_to_col, double *total) {
    if (nr < 0 || nc < 0 || nr > nc || (nr > 0 && (!cost || !row_to_col))) return -1;
    if (nr == 0) { if (total) *total = 0; return 0; }
    for (size_t q = 0; q < (size_t)nr * nc; q++)
        if (!isfinite(cost[q])) return -1;
    AssignWork w;
    if (assign_work_init(&w, nr, nc)) return -1;
    for (int cur = 0; cur < nr; cur++)
        if (assign_row(&w, cost, nc, cur)) { free(w.block); return -1; }
    double sum = 0;
    for (int i = 0; i < nr; i++) { row_to_col[i] = w.col4row[i]; sum += cost[(size_t)i * nc + w.col4row[i]]; }
    if (total) *total = sum;
    free(w.block);
    return 0;
}

/* Sparse rectangular assignment on a bipartite graph given as rows with edge
 * lists (CSR: row r's edges are e_col/e_cost[row_start[r] .. row_start[r+1])).
 * The same shortest-augmenting-path method as match_assign, but Dijkstra
 * only visits columns adjacent to the rows it reaches and keeps them in a
 * binary heap, so a row whose best candidate is free costs O(its edges), not
 * O(all columns), and crowded cases (all segments wanting the same songs)
 * cost O(E log E) per row at worst. Returns 0, or -1 when some row cannot be
 * matched (no perfect matching of the rows) or out of memory.
 * Ties: the lower reduced cost, then a free column, then the lower column. */
typedef struct { double d; int j, taken; } HeapItem;

static int hi_less(const HeapItem *a, const HeapItem *b) {
    if (a->d != b->d) return a->d < b->d;
    if (a->taken != b->taken) return a->taken < b->taken;
    return a->j < b->j;
}

static void hi_push(HeapItem *h, int *n, HeapItem it) {
    int at = (*n)++;
    while (at > 0) {
        int up = (at - 1) / 2;
        if (!hi_less(&it, &h[up])) break;
        h[at] = h[up];
        at = up;
    }
    h[at] = it;
}

static HeapItem hi_pop(HeapItem *h, int *n) {
    HeapItem top = h[0], last = h[--*n];
    int at = 0;
    for (;;) {
        int l = 2 * at + 1, r = l + 1, small = -1;
        if (l < *n) small = l;
        if (r < *n && hi_less(&h[r], &h[l])) small = r;
        if (small < 0 || !hi_less(&h[small], &last)) break;
        h[at] = h[small];
        at = small;
    }
    if (*n > 0) h[at] = last;
    return top;
}

static int assign_sparse(int nr, int nc, const int *row_start, const int *e_col, const float *e_cost,
                         int *col4row_out) {
    size_t n_edges = (size_t)row_start[nr];
    double *u = calloc((size_t)nr, sizeof *u), *v = calloc((size_t)nc, sizeof *v);
    double *d = malloc((size_t)nc * sizeof *d);
    int *pred = malloc((size_t)nc * sizeof *pred), *row4col = malloc((size_t)nc * sizeof *row4col);
    int *col4row = malloc((size_t)nr * sizeof *col4row), *touched = malloc((size_t)nc * sizeof *touched);
    int *scanned = malloc((size_t)nc * sizeof *scanned), *rows = malloc((size_t)nr * sizeof *rows);
    HeapItem *heap = malloc((n_edges ? n_edges : 1) * sizeof *heap);
    char *state = calloc((size_t)nc, 1);   /* 0 untouched, 1 labelled, 2 scanned */
    int rc = -1;
    if (!u || !v || !d || !pred || !row4col || !col4row || !touched || !scanned || !rows || !heap || !state) goto done;
    for (int j = 0; j < nc; j++) { row4col[j] = -1; d[j] = INFINITY; }
    for (int i = 0; i < nr; i++) col4row[i] = -1;
    for (int cur = 0; cur < nr; cur++) {
        int n_heap = 0, n_touched = 0, n_scanned = 0, n_rows = 0, sink = -1, i = cur;
        double minv = 0;
        while (sink < 0) {
            rows[n_rows++] = i;
            double ui = u[i];
            for (int e = row_start[i]; e < row_start[i + 1]; e++) {
                int j = e_col[e];
                if (state[j] == 2) continue;
                double r = minv + (double)e_cost[e] - ui - v[j];
                if (r < d[j]) {
                    if (state[j] == 0) { state[j] = 1; touched[n_touched++] = j; }
                    d[j] = r;
                    pred[j] = i;
                    HeapItem it = { r, j, row4col[j] >= 0 };
                    hi_push(heap, &n_heap, it);   /* at most one push per edge */
                }
            }
            int j = -1;
            while (n_heap > 0) {   /* lazy deletion: skip stale entries */
                HeapItem it = hi_pop(heap, &n_heap);
                if (state[it.j] == 1 && it.d == d[it.j]) { j = it.j; break; }
            }
            if (j < 0) goto done;   /* no augmenting path */
            state[j] = 2;
            scanned[n_scanned++] = j;
            minv = d[j];
            if (row4col[j] < 0) sink = j; else i = row4col[j];
        }
        u[cur] += minv;
        for (int q = 1; q < n_rows; q++) u[rows[q]] += minv - d[col4row[rows[q]]];
        for (int q = 0; q < n_scanned; q++) v[scanned[q]] -= minv - d[scanned[q]];
        for (int j = sink;;) {
            int r = pred[j];
            row4col[j] = r;
            int t = col4row[r]; col4row[r] = j; j = t;
            if (r == cur) break;
        }
        for (int q = 0; q < n_touched; q++) { d[touched[q]] = INFINITY; state[touched[q]] = 0; }
    }
    memcpy(col4row_out, col4row, (size_t)nr * sizeof *col4row);
    rc = 0;
done:
    free(u); free(v); free(d); free(pred); free(row4col); free(col4row); free(touched); free(scanned);
    free(rows); free(heap); free(state);
    return rc;
}

/* The k-th smallest (0-based) of a[0..n) by quickselect (median-of-three
 * Hoare partitions); reorders a. Falls back to sorting the remaining range
 * after 64 rounds, so the worst case is O(n log n). */
static int flt_cmp(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}
static float kth_smallest(float *a, int n, int k) {
    int lo = 0, hi = n - 1;
    for (int round = 0; lo < hi; round++) {
        if (round == 64) { qsort(a + lo, (size_t)(hi - lo + 1), sizeof *a, flt_cmp); break; }
        float x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi];
        float pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { float t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return a[k];
    }
    return a[k];
}

/* The k smallest of d2[0..n) by (value, index) into out[0..k), in
 * ascending index order: one pass keeping the best so far sorted (a later
 * song enters only when strictly nearer than the k-th, as its index is
 * higher), then sorted by index. For small k: no selection over all songs. */
#define NEAREST_INSERT_MAX 16

static void nearest_k_insert(const float *d2, int n, int k, Cand *out) {
    Cand best[NEAREST_INSERT_MAX];
    int got = 0;
    for (int i = 0; i < n; i++) {
        float d = d2[i];
        if (got == k && !(d < best[k - 1].d)) continue;
        int at = got < k ? got++ : k - 1;
        while (at > 0 && best[at - 1].d > d) { best[at] = best[at - 1]; at--; }
        best[at] = (Cand){ d, i };
    }
    for (int r = 1; r < got; r++) {
        Cand c = best[r];
        int at = r;
        while (at > 0 && best[at - 1].i > c.i) { best[at] = best[at - 1]; at--; }
        best[at] = c;
    }
    memcpy(out, best, sizeof *out * (size_t)got);
}

/* The k songs nearest to one segment, by (squared distance, index), written
 * to out[0..k) in ascending index order with their squared distances.
 * ysT is the songs' projected metrics transposed (m rows of n), so the
 * distance loop runs over songs and vectorises. d2 and tmp hold n floats.
 * Squared distances order songs as distances do (sqrt is monotonic), so a
 * kept song is never farther than a dropped one: the pruning argument holds. */
static void nearest_k_sq(const float *ysT, int n, int m, const float *y, int k, float *d2, float *tmp,
                         int *idx, Cand *out) {
    for (int i = 0; i < n; i++) d2[i] = 0;
    for (int q = 0; q < m; q++) {
        const float *col = ysT + (size_t)q * n;
        float yq = y[q];
        for (int i = 0; i < n; i++) { float d = col[i] - yq; d2[i] += d * d; }
    }
    if (k <= NEAREST_INSERT_MAX) { nearest_k_insert(d2, n, k, out); return; }
    /* Candidates: songs at or below a threshold guessed from an evenly spaced
     * sample (generous rank), which usually leaves a few times k songs; when
     * it leaves fewer than k, all songs. Either way the exact k smallest are
     * among them, so the result does not depend on the guess. */
    int nc = n;
    const int S = 1024;
    if (n > 4 * S) {
        for (int t = 0; t < S; t++) tmp[t] = d2[(size_t)t * n / S];
        long r = (long)((double)k * S / n * 2.0) + 16;
        if (r < S) {
            float guess = kth_smallest(tmp, S, (int)r);
            nc = 0;
            for (int i = 0; i < n; i++) { idx[nc] = i; nc += d2[i] <= guess; }
            if (nc < k) nc = n;
        }
    }
    if (nc == n) for (int i = 0; i < n; i++) idx[i] = i;
    for (int c = 0; c < nc; c++) tmp[c] = d2[idx[c]];
    float thr = kth_smallest(tmp, nc, k - 1);
    int below = 0;
    for (int c = 0; c < nc; c++) below += d2[idx[c]] < thr;
    int ties = k - below, got = 0;   /* songs at exactly thr that fit, lowest index first */
    for (int c = 0; c < nc && got < k; c++) {
        int i = idx[c];
        if (d2[i] < thr || (d2[i] == thr && ties-- > 0)) { out[got].d = d2[i]; out[got].i = i; got++; }
    }
}

/* Dense cost matrices and edge lists above this many entries are refused
 * (memory bound: about 4 to 8 bytes each). */
#define MATCH_MAX_COST_ENTRIES (32u * 1024u * 1024u)

#define OVERFLOW_MSG "metric values out of range (distances overflow)"

/* Every song a candidate: a dense cost matrix whose columns are the songs
 * repeated max_uses times, solved exactly. 0, or -1 with err set. */
static int assign_dense(const float *ysong, int n_songs, const float *yseg, int n_segs, int m, int max_uses,
                        int *assign, int *out_song, float *out_dist, double *sum, char *err, size_t errlen) {
    size_t n_cols = (size_t)n_songs * (size_t)max_uses;
    if (n_cols > MATCH_MAX_COST_ENTRIES / (size_t)n_segs) {
        ms_seterr(err, errlen, "too large: %d segments x %zu song slots without pruning", n_segs, n_cols);
        return -1;
    }
    float *cost = malloc((size_t)n_segs * n_cols * sizeof *cost);
    if (!cost) { ms_seterr(err, errlen, "out of memory"); return -1; }
    for (int g = 0; g < n_segs; g++) {
        float *row = cost + (size_t)g * n_cols;
        for (int s = 0; s < n_songs; s++) {
            float dd = proj_dist(ysong + (size_t)s * m, yseg + (size_t)g * m, m);
            if (!isfinite(dd)) { free(cost); ms_seterr(err, errlen, OVERFLOW_MSG); return -1; }
            for (int r = 0; r < max_uses; r++) row[(size_t)s * max_uses + r] = dd;
        }
    }
    if (match_assign(cost, n_segs, (int)n_cols, assign, NULL)) { free(cost); ms_seterr(err, errlen, "out of memory"); return -1; }
    for (int g = 0; g < n_segs; g++) {
        float dd = cost[(size_t)g * n_cols + assign[g]];
        out_song[g] = assign[g] / max_uses;
        if (out_dist) out_dist[g] = dd;
        *sum += dd;
    }
    free(cost);
    return 0;
}

/* The pruned problem's buffers (assign_pruned). */
typedef struct {
    Cand *heap;                 /* [n_segs][k] each segment's nearest songs */
    int *col_song;              /* candidate column -> song, ascending */
    int *row_start, *e_col;     /* the edge lists, one row per segment */
    float *cost, *d2, *tmp;
    int *idx;
} Pruned;

static void pruned_free(Pruned *P) {
    free(P->heap); free(P->col_song); free(P->row_start); free(P->e_col);
    free(P->cost); free(P->d2); free(P->tmp); free(P->idx);
}

static int int_cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The candidate columns: every segment's kept songs, ascending and each
 * once, into P->col_song. Returns their count. */
static int candidate_columns(Pruned *P, int n_segs, int k) {
    int n = 0;
    for (size_t q = 0; q < (size_t)n_segs * k; q++) P->col_song[q] = P->heap[q].i;
    qsort(P->col_song, (size_t)n_segs * k, sizeof *P->col_song, int_cmp);
    for (size_t q = 0; q < (size_t)n_segs * k; q++)
        if (n == 0 || P->col_song[n - 1] != P->col_song[q]) P->col_song[n++] = P->col_song[q];
    return n;
}

/* Song s's candidate column (it is one). */
static int column_of(const int *col_song, int n_cand, int s) {
    int lo = 0, hi = n_cand - 1;
    while (lo < hi) { int mid = (lo + hi) / 2; if (col_song[mid] < s) lo = mid + 1; else hi = mid; }
    return lo;
}

/* Each segment keeps its k nearest songs; columns are the union of those
 * songs (ascending index), each repeated max_uses times; solved on the
 * edge lists. 0, or -1 with err set. */
static int assign_pruned(const MatchSongs *S, const float *yseg, int n_segs, int max_uses, int k,
                         int *assign, int *out_song, float *out_dist, double *sum, char *err, size_t errlen) {
    int n_songs = S->n, m = S->m;
    size_t n_edges = (size_t)n_segs * k * max_uses;
    if (n_edges > MATCH_MAX_COST_ENTRIES) {
        ms_seterr(err, errlen, "too large: %d segments x %d candidates x %d uses", n_segs, k, max_uses);
        return -1;
    }
    Pruned P = {0};
    int big = k > NEAREST_INSERT_MAX;   /* nearest_k_sq's selection needs tmp and idx */
    P.heap = malloc((size_t)n_segs * k * sizeof *P.heap);
    P.col_song = malloc((size_t)n_segs * k * sizeof *P.col_song);
    P.d2 = malloc((size_t)n_songs * sizeof *P.d2);
    P.tmp = big ? malloc((size_t)n_songs * sizeof *P.tmp) : NULL;
    P.idx = big ? malloc((size_t)n_songs * sizeof *P.idx) : NULL;
    P.row_start = malloc((size_t)(n_segs + 1) * sizeof *P.row_start);
    P.e_col = malloc(n_edges * sizeof *P.e_col);
    P.cost = malloc(n_edges * sizeof *P.cost);
    if (!P.d2 || (big && (!P.tmp || !P.idx)) || !P.heap || !P.col_song || !P.row_start || !P.e_col || !P.cost) goto oom;
    for (int g = 0; g < n_segs; g++)
        nearest_k_sq(S->yT, n_songs, m, yseg + (size_t)g * m, k, P.d2, P.tmp, P.idx, P.heap + (size_t)g * k);
    int n_cand = candidate_columns(&P, n_segs, k);
    size_t e = 0;
    for (int g = 0; g < n_segs; g++) {
        P.row_start[g] = (int)e;
        const Cand *h = P.heap + (size_t)g * k;
        for (int r = 0; r < k; r++) {
            float dd = sqrtf(h[r].d);
            if (!isfinite(dd)) { pruned_free(&P); ms_seterr(err, errlen, OVERFLOW_MSG); return -1; }
            int col = column_of(P.col_song, n_cand, h[r].i);
            for (int u = 0; u < max_uses; u++) {
                P.e_col[e] = col * max_uses + u;
                P.cost[e] = dd;
                e++;
            }
        }
    }
    P.row_start[n_segs] = (int)e;
    if (assign_sparse(n_segs, n_cand * max_uses, P.row_start, P.e_col, P.cost, assign)) goto oom;
    for (int g = 0; g < n_segs; g++) {
        int s = P.col_song[assign[g] / max_uses];
        float dd = proj_dist(S->y + (size_t)s * m, yseg + (size_t)g * m, m);
        out_song[g] = s;
        if (out_dist) out_dist[g] = dd;
        *sum += dd;
    }
    pruned_free(&P);
    return 0;
oom:
    pruned_free(&P);
    ms_seterr(err, errlen, "out of memory");
    return -1;
}

/* ---- soundtrack ---------------------------------------------------------- */

int match_songs_init(MatchSongs *ms, const MatchSpace *sp, const float *songs, int n_songs, char *err, size_t errlen) {
    Proj p;
    proj_init(&p, sp);
    memset(ms, 0, sizeof *ms);
    ms->n = n_songs;
    ms->m = p.m;
    ms->y = proj_rows(&p, songs, n_songs, sp->n);
    ms->yT = malloc((size_t)(n_songs ? n_songs : 1) * (size_t)(p.m ? p.m : 1) * sizeof *ms->yT);
    if (!ms->y || !ms->yT) { match_songs_free(ms); ms_seterr(err, errlen, "out of memory"); return -1; }
    for (size_t q = 0; q < (size_t)n_songs * p.m; q++)
        if (!isfinite(ms->y[q])) {
            match_songs_free(ms);
            ms_seterr(err, errlen, "song %zu has a non-finite metric", q / (size_t)p.m);
            return -1;
        }
    for (int s = 0; s < n_songs; s++)
        for (int q = 0; q < p.m; q++) ms->yT[(size_t)q * n_songs + s] = ms->y[(size_t)s * p.m + q];
    return 0;
}

void match_songs_free(MatchSongs *ms) {
    free(ms->y); free(ms->yT);
    ms->y = ms->yT = NULL;
}

/* The checks both entries share: the space, the counts (no segments
 * always passes). 0, or -1 with err set. */
static int soundtrack_checks(const MatchSpace *sp, int n_songs, int have_songs, const float *segs, int n_segs,
                             int max_uses, const int *out_song, char *err, size_t errlen) {
    if (!sp || match_space_check(sp, err, errlen)) return -1;
    if (n_songs < 0 || n_segs < 0 || max_uses < 1 || (n_songs && !have_songs) || (n_segs && (!segs || !out_song))) {
        ms_seterr(err, errlen, "bad arguments");
        return -1;
    }
    if ((long long)n_songs * max_uses < n_segs) {
        ms_seterr(err, errlen, "%d segments need at least %d songs (have %d); allow reuse to repeat songs",
                n_segs, (n_segs + max_uses - 1) / max_uses, n_songs);
        return -1;
    }
    return 0;
}

/* After soundtrack_checks: the segments projected (finite), then the
 * dense or the pruned assignment. */
static int soundtrack_assign(const MatchSpace *sp, const MatchSongs *S, const float *segs, int n_segs, int max_uses,
                             int prune_k, int *out_song, float *out_dist, double *total, char *err, size_t errlen) {
    int n_songs = S->n;
    if (n_segs < 1) { if (total) *total = 0; return 0; }   /* no segments (soundtrack_checks refused negative counts) */
    if (max_uses > n_segs) max_uses = n_segs;          /* more copies can never be used */
    Proj p;
    proj_init(&p, sp);
    int m = p.m, rc = -1;
    int kmin = (n_segs + max_uses - 1) / max_uses;
    int k = prune_k > kmin ? prune_k : kmin;
    if (k > n_songs) k = n_songs;
    int dense = prune_k < 0 || (prune_k == 0 && k >= n_songs);
    float *yseg = proj_rows(&p, segs, n_segs, sp->n);
    int *assign = NULL;
    double sum = 0;
    if (!yseg) { ms_seterr(err, errlen, "out of memory"); goto done; }
    for (size_t q = 0; q < (size_t)n_segs * m; q++)
        if (!isfinite(yseg[q])) { ms_seterr(err, errlen, "segment %zu has a non-finite metric", q / (size_t)m); goto done; }
    assign = malloc((size_t)n_segs * sizeof *assign);
    if (!assign) { ms_seterr(err, errlen, "out of memory"); goto done; }
    rc = dense ? assign_dense(S->y, n_songs, yseg, n_segs, m, max_uses, assign, out_song, out_dist, &sum, err, errlen)
               : assign_pruned(S, yseg, n_segs, max_uses, k, assign, out_song, out_dist, &sum, err, errlen);
    if (rc == 0 && total) *total = sum;
done:
    free(yseg); free(assign);
    return rc;
}

/* The checks come first, so that no segments or too few songs answer as
 * before the songs are looked at; then the songs projected (finite) and
 * the rest as match_soundtrack_songs. */
int match_soundtrack(const MatchSpace *sp, const float *songs, int n_songs,
                     const float *segs, int n_segs, int max_uses, int prune_k,
                     int *out_song, float *out_dist, double *total,
                     char *err, size_t errlen) {
    if (soundtrack_checks(sp, n_songs, songs != NULL, segs, n_segs, max_uses, out_song, err, errlen)) return -1;
    if (n_segs == 0) { if (total) *total = 0; return 0; }   /* before the songs are read */
    MatchSongs S;
    if (match_songs_init(&S, sp, songs, n_songs, err, errlen)) return -1;
    int rc = soundtrack_assign(sp, &S, segs, n_segs, max_uses, prune_k, out_song, out_dist, total, err, errlen);
    match_songs_free(&S);
    return rc;
}

int match_soundtrack_songs(const MatchSpace *sp, const MatchSongs *songs,
                           const float *segs, int n_segs, int max_uses, int prune_k,
                           int *out_song, float *out_dist, double *total,
                           char *err, size_t errlen) {
    if (!songs) { ms_seterr(err, errlen, "bad arguments"); return -1; }
    if (soundtrack_checks(sp, songs->n, songs->y != NULL, segs, n_segs, max_uses, out_song, err, errlen)) return -1;
    return soundtrack_assign(sp, songs, segs, n_segs, max_uses, prune_k, out_song, out_dist, total, err, errlen);
}
