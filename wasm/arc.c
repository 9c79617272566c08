/* arc.c — mood arcs from per-scene metrics (see arc.h). */
#include "err.h"
#include "arc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>


ArcOpts arc_default_opts(void) {
    ArcOpts o;
    memset(&o, 0, sizeof o);
    o.smooth = 0;
    o.n_segments = 4;
    o.equal = 0;
    o.action_weight = 1.0f;
    o.dialogue_weight = 1.0f;
    return o;
}

void arc_free(MoodArc *a) {
    if (!a) return;
    for (int i = 0; a->names && i < a->n_metrics; i++) free(a->names[i]);
    free(a->names);
    free(a->raw);
    free(a->smooth);
    free(a->weight);
    free(a->segments);
    free(a);
}

/* ---- segmentation --------------------------------------------------------- */

/* Prefix sums over blocks of standardised metrics, for the weighted
 * within-segment squared distance of blocks [i, j):
 * sum w x^2 - (sum w x)^2 / sum w (seg_costs). */
typedef struct {
    int nb, nm;
    double *W;    /* [nb+1] prefix sums of weights */
    double *S;    /* [nm][nb+1] of w x (by metric: seg_costs runs over starts) */
    double *Q;    /* [nb+1] of w |x|^2 */
} Prefix;

/* Split n_scenes into K contiguous segments; writes first scene of each into
 * starts[K]. z: standardised metrics [n][nm]; w: weights. 0 or -1 (memory). */
/* Equal shares of total weight (of scenes when all weights are 0). */
static void equal_shares(const float *w, int n, int K, double total, int *starts) {
    int k = 1;
    double acc = 0;
    starts[0] = 0;
    for (int i = 0; i < n && k < K; i++) {
        double wi = total > 0 ? w[i] : 1.0;
        double tot = total > 0 ? total : (double)n;
        if (acc + wi / 2 >= tot * k / K && i > starts[k - 1] && n - i >= K - k) starts[k++] = i;
        acc += wi;
    }
    for (; k < K; k++) starts[k] = n - (K - k);
}

/* The prefix sums of the blocks (weights of 0 everywhere: every scene counts 1). */
static void block_prefix(Prefix *p, const float *z, const float *w, const int *bstart, double total) {
    int nb = p->nb, nm = p->nm;
    for (int b = 0; b < nb; b++) {
        double W = 0, Q = 0, S[ARC_MAX_METRICS];
        for (int k = 0; k < nm; k++) S[k] = p->S[(size_t)k * (nb + 1) + b];
        for (int i = bstart[b]; i < bstart[b + 1]; i++) {
            double wi = total > 0 ? w[i] : 1.0;
            W += wi;
            for (int k = 0; k < nm; k++) {
                double x = z[(size_t)i * nm + k];
                S[k] += wi * x;
                Q += wi * x * x;
            }
        }
        for (int k = 0; k < nm; k++) p->S[(size_t)k * (nb + 1) + b + 1] = S[k];
        p->W[b + 1] = p->W[b] + W;
        p->Q[b + 1] = p->Q[b] + Q;
    }
}

#define DP_INF 1e300
/* D and arg are [K + 1][nb + 1]: one row per segment count, so the
 * programme's scan over starts reads consecutive entries. */
#define AT(j, k) ((size_t)(k) * (size_t)(nb + 1) + (size_t)(j))

static int seg_ok(const Prefix *p, const int *bstart, int i, int j, double wmin, double wmax, double nmax) {
    double sw = p->W[j] - p->W[i];
    return !(sw > wmax * (1 + 1e-9) || sw < wmin * (1 - 1e-9) || bstart[j] - bstart[i] > nmax + 1e-9);
}

/* The starts each end allows in one pass: for each end j, the starts i that
 * pass the pass's bounds (seg_ok) with at least minlen blocks are one run
 * [lo[j], hi[j]] (empty: hi < lo). A start that fails at end j for weighing
 * or holding too much fails at every later end too; one that weighs too
 * little fails for every later start: the run of j begins at or after the
 * run of j - 1. 0, or -1 when out of memory. */
typedef struct { int *lo, *hi; } Runs;

static int runs_init(Runs *r, const Prefix *p, const int *bstart, int minlen, double wmin, double wmax, double nmax) {
    int nb = p->nb, from = 0, prev_hi = -1;
    r->lo = malloc(sizeof(int) * (size_t)(nb + 1));
    r->hi = malloc(sizeof(int) * (size_t)(nb + 1));
    if (!r->lo || !r->hi) return -1;
    for (int j = 0; j <= nb; j++) {
        int last = j - minlen, lo = from;
        while (lo <= last && !seg_ok(p, bstart, lo, j, wmin, wmax, nmax)) lo++;
        int hi = lo - 1;
        if (lo <= last) {
            from = lo;
            /* the starts lo .. the previous run's end pass here too (they
             * weigh at least as much as they did there, and from lo on
             * no more than lo does): the scan goes on from there */
            if (prev_hi > hi) hi = prev_hi;
            while (hi < last && seg_ok(p, bstart, hi + 1, j, wmin, wmax, nmax)) hi++;
            prev_hi = hi;
        }
        r->lo[j] = lo;
        r->hi[j] = hi;
    }
    return 0;
}

/* Which entries the programme works out. D[j][k] (k segments ending at j)
 * is needed only when j can be reached from 0 in k segments and nb from j
 * in K - k more; every other entry is DP_INF or never read (the backtrack
 * starts at D[nb][K]). act[k] is a span of j holding every such end (a
 * hull, so it may hold more), and D[j][k]'s scan over starts i runs over
 * scan_span(j, k), the end's run within act[k - 1]: what it leaves out is
 * DP_INF, so the minimum and its first argument are the same as over the
 * whole run. full = 1: every end and start of the plain programme (the
 * spans cut nothing), for the backtrack of a programme with no split. */
typedef struct { int lo, hi; } Span;

static Span scan_span(const Runs *r, const Span *act, int j, int k) {
    Span s = { r->lo[j] > act[k - 1].lo ? r->lo[j] : act[k - 1].lo, r->hi[j] < act[k - 1].hi ? r->hi[j] : act[k - 1].hi };
    return s;
}

static void dp_spans(const Runs *r, int nb, int K, int minlen, int full, Span *act) {
    act[0] = (Span){0, 0};
    for (int k = 1; k <= K; k++) {   /* forward: ends some start of act[k - 1] reaches */
        Span s = { k * minlen, nb - (K - k) * minlen };
        act[k] = s;
        if (full) continue;
        act[k] = (Span){ s.hi + 1, s.lo - 1 };
        for (int j = s.lo; j <= s.hi; j++) {
            Span t = scan_span(r, act, j, k);
            if (t.lo > t.hi) continue;
            if (j < act[k].lo) act[k].lo = j;
            act[k].hi = j;
        }
    }
    if (full) return;
    if (act[K].hi < nb) act[K] = (Span){ 1, 0 };   /* nb not reached */
    else act[K].lo = nb;
    for (int k = K; k >= 1; k--) {   /* backward: the starts the ends of act[k] scan */
        Span need = { nb + 1, -1 };
        for (int j = act[k].lo; j <= act[k].hi; j++) {
            Span t = scan_span(r, act, j, k);
            if (t.lo > t.hi) continue;
            if (t.lo < need.lo) need.lo = t.lo;
            if (t.hi > need.hi) need.hi = t.hi;
        }
        if (need.lo > act[k - 1].lo) act[k - 1].lo = need.lo;
        if (need.hi < act[k - 1].hi) act[k - 1].hi = need.hi;
    }
}

/* The segment costs the programme asks for, each worked out once: the
 * cost of blocks [i, j) does not depend on the segment count k, and the
 * programme asks for it once per k. c[at[j] + i - first[j]] is it for i
 * in [first[j], last[j]], the union of j's scans. Without memory for it,
 * c stays NULL and the programme computes each pair as it goes: the same
 * numbers. */
typedef struct {
    int *first, *last;
    size_t *at;
    double *c;
} CostCache;

static void cost_cache_free(CostCache *cc) {
    free(cc->first); free(cc->last); free(cc->at); free(cc->c);
    memset(cc, 0, sizeof *cc);
}

/* The costs of the segments of blocks [i, j) for i in [i0, i1] into
 * out[0 ..]: q - |s|^2 / w from the prefix sums' differences, 0 for an
 * empty or weightless segment or a rounding below 0. */
static void seg_costs(const Prefix *p, int i0, int i1, int j, double *out) {
    size_t nb1 = (size_t)p->nb + 1;
    for (int i = i0; i <= i1; i++) out[i - i0] = 0;   /* |s|^2, metric by metric (the loops vectorise) */
    for (int k = 0; k < p->nm; k++) {
        const double *Sk = p->S + (size_t)k * nb1;
        double sj = Sk[j];
        for (int i = i0; i <= i1; i++) {
            double s = sj - Sk[i];
            out[i - i0] += s * s;
        }
    }
    for (int i = i0; i <= i1; i++) {
        double w = p->W[j] - p->W[i];
        double q = p->Q[j] - p->Q[i];
        double c = q - out[i - i0] / w;
        out[i - i0] = w <= 0 ? 0 : c > 0 ? c : 0;
    }
}

static void cost_cache_init(CostCache *cc, const Prefix *p, const Runs *r, const Span *act, int K) {
    int nb = p->nb;
    memset(cc, 0, sizeof *cc);
    cc->first = malloc(sizeof(int) * (size_t)(nb + 1));
    cc->last = malloc(sizeof(int) * (size_t)(nb + 1));
    cc->at = malloc(sizeof(size_t) * (size_t)(nb + 1));
    if (!cc->first || !cc->last || !cc->at) { cost_cache_free(cc); return; }
    for (int j = 0; j <= nb; j++) { cc->first[j] = nb + 1; cc->last[j] = -1; }
    for (int k = 1; k <= K; k++)
        for (int j = act[k].lo; j <= act[k].hi; j++) {
            Span t = scan_span(r, act, j, k);
            if (t.lo > t.hi) continue;
            if (t.lo < cc->first[j]) cc->first[j] = t.lo;
            if (t.hi > cc->last[j]) cc->last[j] = t.hi;
        }
    size_t total = 0;
    for (int j = 0; j <= nb; j++) {
        cc->at[j] = total;
        if (cc->last[j] >= cc->first[j]) total += (size_t)(cc->last[j] - cc->first[j] + 1);
    }
    cc->c = malloc(sizeof(double) * (total ? total : 1));
    if (!cc->c) return;
    for (int j = 0; j <= nb; j++)
        if (cc->last[j] >= cc->first[j]) seg_costs(p, cc->first[j], cc->last[j], j, cc->c + cc->at[j]);
}

/* The i in [0, n) minimising D[i] + c[i] (D at DP_INF: no split reaches
 * that start), the first on ties, into *best (DP_INF and -1 when none).
 * Two independent runs over the even and the odd i, each keeping its own
 * first minimum, then the lower of the two (on a tie the lower i): the
 * same answer as one run, with twice the work in flight. The sums are
 * never NaN (costs are >= 0), and one from an unreached start is >=
 * DP_INF, never below a best that starts there. */
static int cheapest_start(const double *D, const double *c, int n, double *best) {
    double b0 = DP_INF, b1 = DP_INF;
    int i0 = -1, i1 = -1, i = 0;
    for (; i + 1 < n; i += 2) {
        double t0 = D[i] + c[i], t1 = D[i + 1] + c[i + 1];
        if (t0 < b0) { b0 = t0; i0 = i; }
        if (t1 < b1) { b1 = t1; i1 = i + 1; }
    }
    if (i < n) {
        double t0 = D[i] + c[i];
        if (t0 < b0) { b0 = t0; i0 = i; }
    }
    if (b1 < b0 || (b1 == b0 && i1 >= 0 && (i0 < 0 || i1 < i0))) { *best = b1; return i1; }
    *best = b0;
    return i0;
}

/* One pass of the programme over the spans: D[j][k] = the cheapest split
 * of blocks 0..j into k segments, arg its last segment's start (the first
 * such start on ties). */
static void dp_pass(const Prefix *p, const Runs *r, const Span *act, const CostCache *cc, int K, double *D, int *arg) {
    int nb = p->nb;
    for (size_t q = 0; q < (size_t)(nb + 1) * (size_t)(K + 1); q++) { D[q] = DP_INF; arg[q] = -1; }
    D[AT(0, 0)] = 0;
    double row[ARC_MAX_BLOCKS + 1];
    for (int k = 1; k <= K; k++) {
        const double *Dk1 = D + AT(0, k - 1);
        for (int j = act[k].lo; j <= act[k].hi; j++) {
            Span s = scan_span(r, act, j, k);
            if (s.lo > s.hi) continue;
            const double *c = row;   /* the cost of start i is c[i - from] */
            int from = s.lo;
            if (cc->c) { c = cc->c + cc->at[j]; from = cc->first[j]; }
            else seg_costs(p, s.lo, s.hi, j, row);
            int bi = cheapest_start(Dk1 + s.lo, c + (s.lo - from), s.hi - s.lo + 1, &D[AT(j, k)]);
            if (bi >= 0) bi += s.lo;
            arg[AT(j, k)] = bi;
        }
    }
}

/* The cheapest split of blocks 0..nb into K segments of at least minlen
 * blocks, each within the balance bounds (arc.h): weight in [share /
 * ARC_BALANCE_MIN_DIV, ARC_BALANCE_MAX * share], scenes at most
 * ARC_BALANCE_MAX times n / K; when no split satisfies them (a few huge
 * scenes), again with the length floor alone (and, should that find none
 * either, once more over every entry, as the backtrack then expects).
 * D, arg: [K + 1][nb + 1]. 0, or -1 when out of memory. */
static int dp_fill(const Prefix *p, const int *bstart, int n, int K, int minlen, double *D, int *arg) {
    int nb = p->nb;
    double share = p->W[nb] / K, nshare = (double)n / K;
    Span act[ARC_MAX_SEGMENTS + 1];
    for (int pass = 0; pass < 3; pass++) {
        double wmin = pass == 0 ? share / ARC_BALANCE_MIN_DIV : -1, wmax = pass == 0 ? share * ARC_BALANCE_MAX : DP_INF;
        double nmax = pass == 0 ? nshare * ARC_BALANCE_MAX : DP_INF;
        Runs r = {0};
        CostCache cc;
        if (runs_init(&r, p, bstart, minlen, wmin, wmax, nmax)) { free(r.lo); free(r.hi); return -1; }
        dp_spans(&r, nb, K, minlen, pass == 2, act);
        cost_cache_init(&cc, p, &r, act, K);
        dp_pass(p, &r, act, &cc, K, D, arg);
        cost_cache_free(&cc);
        free(r.lo); free(r.hi);
        if (D[AT(nb, K)] < DP_INF) break;
    }
    return 0;
}

/* Steps: blocks of scenes, equal shares (equal or K == 1) or the block
 * prefix sums, the dynamic programme and its backtrack into starts. */
static int segment_dp(const float *z, const float *w, int n, int nm, int K, int equal, int *starts) {
    /* blocks: contiguous groups of scenes */
    int nb = n < ARC_MAX_BLOCKS ? n : ARC_MAX_BLOCKS;
    int *bstart = malloc(sizeof(int) * (size_t)(nb + 1));
    if (!bstart) return -1;
    for (int b = 0; b <= nb; b++) bstart[b] = (int)((long long)b * n / nb);
    double total = 0;
    for (int i = 0; i < n; i++) total += w[i];
    if (equal || K == 1) {
        equal_shares(w, n, K, total, starts);
        free(bstart);
        return 0;
    }
    Prefix p = {nb, nm, NULL, NULL, NULL};
    p.W = calloc((size_t)nb + 1, sizeof(double));
    p.S = calloc(((size_t)nb + 1) * (size_t)nm, sizeof(double));
    p.Q = calloc((size_t)nb + 1, sizeof(double));
    double *D = malloc(sizeof(double) * (size_t)(nb + 1) * (size_t)(K + 1));
    int *arg = malloc(sizeof(int) * (size_t)(nb + 1) * (size_t)(K + 1));
    int rc = -1;
    if (!p.W || !p.S || !p.Q || !D || !arg) goto done;
    block_prefix(&p, z, w, bstart, total);
    /* minimum segment length in blocks */
    int minlen = nb / (3 * K);
    if (minlen < 1) minlen = 1;
    if (minlen * K > nb) minlen = nb / K;
    if (minlen < 1) minlen = 1;
    if (dp_fill(&p, bstart, n, K, minlen, D, arg)) goto done;
    int j = nb;
    for (int k = K; k >= 1; k--) {
        int i = arg[AT(j, k)];
        if (i < 0) i = (k - 1) * minlen;   /* unreachable with valid minlen */
        starts[k - 1] = bstart[i];
        j = i;
    }
    starts[0] = 0;
    rc = 0;
done:
    free(p.W); free(p.S); free(p.Q); free(D); free(arg); free(bstart);
    return rc;
}
#undef AT

/* ---- smoothing ------------------------------------------------------------ */

/* a->smooth from a->raw: Gaussian kernel (sigma scenes, cut at 3 sigma) times
 * scene weight (all 1 when !use_w). Within ARC_SMOOTH_TAPS neighbours each
 * side the sum is exact; beyond, neighbours are taken in blocks of s scenes
 * (s = reach / ARC_SMOOTH_TAPS rounded up, s << sigma) with the kernel at the
 * block's centre, from prefix sums, so the work is O(n * taps * metrics)
 * whatever sigma (200,000 scenes at sigma 1000 included). 0 or -1 (memory). */
static int smooth_scenes(MoodArc *a, double sigma, int use_w) {
    int n = a->n_scenes, m = a->n_metrics;
    int reach = (int)ceil(3 * sigma);
    if (reach > n) reach = n;
    int s = (reach + ARC_SMOOTH_TAPS - 1) / ARC_SMOOTH_TAPS;
    if (s < 1) s = 1;
    int taps = (reach + s - 1) / s;
    double *PW = malloc(sizeof(double) * ((size_t)n + 1));
    double *PX = malloc(sizeof(double) * ((size_t)n + 1) * (size_t)m);
    double *kern = malloc(sizeof(double) * ((size_t)taps + 1));
    if (!PW || !PX || !kern) { free(PW); free(PX); free(kern); return -1; }
    PW[0] = 0;
    for (int k = 0; k < m; k++) PX[k] = 0;
    for (int i = 0; i < n; i++) {
        double w = use_w ? a->weight[i] : 1.0;
        PW[i + 1] = PW[i] + w;
        for (int k = 0; k < m; k++) PX[(size_t)(i + 1) * m + k] = PX[(size_t)i * m + k] + w * a->raw[(size_t)i * m + k];
    }
    for (int t = 0; t <= taps; t++) { double d = (double)t * s / sigma; kern[t] = exp(-0.5 * d * d); }
    int half = s / 2;
    for (int i = 0; i < n; i++) {
        double acc[ARC_MAX_METRICS] = {0}, sw = 0;
        for (int t = -taps; t <= taps; t++) {
            long lo = (long)i + (long)t * s - half, hi = lo + s;   /* block [lo, hi) */
            if (lo < 0) lo = 0;
            if (hi > n) hi = n;
            if (lo >= hi) continue;
            double kw = kern[t < 0 ? -t : t];
            double bw = PW[hi] - PW[lo];
            if (!(kw * bw > 0)) continue;
            sw += kw * bw;
            for (int k = 0; k < m; k++) acc[k] += kw * (PX[(size_t)hi * m + k] - PX[(size_t)lo * m + k]);
        }
        for (int k = 0; k < m; k++)
            a->smooth[(size_t)i * m + k] = sw > 0 ? (float)(acc[k] / sw) : a->raw[(size_t)i * m + k];
    }
    free(PW); free(PX); free(kern);
    return 0;
}

/* ---- building ------------------------------------------------------------- */

/* A MoodArc for n scenes of m metrics with its names ("m<k>" where none),
 * raw, smooth and weight buffers. NULL when out of memory. */
static MoodArc *arc_alloc(int n, int m, const char *const *names) {
    MoodArc *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->n_scenes = n;
    a->n_metrics = m;
    a->names = calloc((size_t)m, sizeof(char *));
    a->raw = malloc(sizeof(float) * ((size_t)n * m + 1));
    a->smooth = malloc(sizeof(float) * ((size_t)n * m + 1));
    a->weight = malloc(sizeof(float) * ((size_t)n + 1));
    if (!a->names || !a->raw || !a->smooth || !a->weight) { arc_free(a); return NULL; }
    for (int k = 0; k < m; k++) {
        char buf[32];
        const char *nm = names && names[k] ? names[k] : NULL;
        if (!nm) { snprintf(buf, sizeof buf, "m%d", k); nm = buf; }
        a->names[k] = malloc(strlen(nm) + 1);
        if (!a->names[k]) { arc_free(a); return NULL; }
        strcpy(a->names[k], nm);
    }
    return a;
}

double arc_overall(const float *raw, const float *weights, int n, int m, float *weight, float *overall, float *filled) {
    double wsum = 0;
    for (int i = 0; i < n; i++) {
        float w = weights ? weights[i] : 1.0f;
        if (!(w > 0) || !isfinite(w)) w = 0;
        weight[i] = w;
        wsum += w;
    }
    for (int k = 0; k < m; k++) {
        double s = 0, sw = 0;
        for (int i = 0; i < n; i++) {
            float x = raw[(size_t)i * m + k];
            if (!isfinite(x)) continue;
            double w = wsum > 0 ? weight[i] : 1.0;
            s += w * x;
            sw += w;
        }
        overall[k] = sw > 0 ? (float)(s / sw) : 0.0f;
        for (int i = 0; i < n; i++) {
            float x = raw[(size_t)i * m + k];
            filled[(size_t)i * m + k] = isfinite(x) ? x : overall[k];
        }
    }
    return wsum;
}

void arc_scene_weights(const ScriptScenes *ss, float *w) {
    for (int i = 0; i < ss->n_scenes; i++) {
        const Scene *s = &ss->scenes[i];
        w[i] = s->start >= 0 && s->end > s->start ? (float)(s->end - s->start) : (float)s->words;
    }
}

/* Scene weights into a->weight, the overall mean and the raw values with a
 * missing one as that mean (arc_overall). Returns the weights' sum. */
static double weigh_scenes(MoodArc *a, const float *raw, const float *weights) {
    return arc_overall(raw, weights, a->n_scenes, a->n_metrics, a->weight, a->overall, a->raw);
}

/* The raw values standardised for segmentation into z: by scale where
 * given, else by the film's own weighted std. */
static void standardise(const MoodArc *a, const float *scale, double wsum, float *z) {
    int n = a->n_scenes, m = a->n_metrics;
    for (int k = 0; k < m; k++) {
        double sd = scale && scale[k] > 0 && isfinite(scale[k]) ? scale[k] : 0;
        if (sd <= 0) {
            double v = 0, sw = 0;
            for (int i = 0; i < n; i++) {
                double w = wsum > 0 ? a->weight[i] : 1.0;
                double d = a->raw[(size_t)i * m + k] - a->overall[k];
                v += w * d * d;
                sw += w;
            }
            sd = sw > 0 ? sqrt(v / sw) : 1;
            if (!(sd > 1e-9)) sd = 1;
        }
        for (int i = 0; i < n; i++) z[(size_t)i * m + k] = (float)((a->raw[(size_t)i * m + k] - a->overall[k]) / sd);
    }
}

/* Segment g of a, scenes first..last: its weighted mean mood (a plain mean
 * for a segment of empty scenes). */
static void segment_mean(const MoodArc *a, ArcSegment *g, double wsum) {
    int m = a->n_metrics;
    double sw = 0, acc[ARC_MAX_METRICS] = {0};
    for (int i = g->first; i <= g->last; i++) {
        double w = wsum > 0 ? a->weight[i] : 1.0;
        sw += w;
        for (int k = 0; k < m; k++) acc[k] += w * a->raw[(size_t)i * m + k];
    }
    for (int k = 0; k < m; k++) {
        if (sw > 0) g->mean[k] = (float)(acc[k] / sw);
        else {
            double t = 0;
            for (int i = g->first; i <= g->last; i++) t += a->raw[(size_t)i * m + k];
            g->mean[k] = (float)(t / (g->last - g->first + 1));
        }
    }
}

/* Steps: checks, weights and the overall mean, smoothing, standardising,
 * the segments and their means. */
MoodArc *arc_build(const float *raw, const float *weights, int n_scenes, int n_metrics,
                   const char *const *names, const float *scale, const ArcOpts *opts,
                   char *err, size_t errlen) {
    ArcOpts o = opts ? *opts : arc_default_opts();
    if (n_metrics < 1 || n_metrics > ARC_MAX_METRICS) { ms_seterr(err, errlen, "arc: %d metrics (must be 1..%d)", n_metrics, ARC_MAX_METRICS); return NULL; }
    if (n_scenes < 0 || (n_scenes > 0 && !raw)) { ms_seterr(err, errlen, "arc: no metrics given"); return NULL; }
    if (n_scenes > 10000000) { ms_seterr(err, errlen, "arc: too many scenes (%d)", n_scenes); return NULL; }
    int n = n_scenes, m = n_metrics;
    MoodArc *a = arc_alloc(n, m, names);
    float *z = malloc(sizeof(float) * ((size_t)n * m + 1));
    if (!a || !z) goto oom;
    double wsum = weigh_scenes(a, raw, weights);
    /* smoothing: Gaussian over positions, times scene weight (arc.h) */
    double sigma = o.smooth > 0 ? o.smooth : n / 25.0;
    if (o.smooth <= 0 && sigma > 100) sigma = 100;   /* auto: bounded work for huge scene counts */
    if (sigma < ARC_MIN_SIGMA) sigma = ARC_MIN_SIGMA;
    if (sigma > 1000) sigma = 1000;
    a->sigma = sigma;
    if (o.no_smooth) memcpy(a->smooth, a->raw, sizeof(float) * (size_t)n * m);
    else if (smooth_scenes(a, sigma, wsum > 0)) goto oom;
    standardise(a, scale, wsum, z);
    int K = o.n_segments < 1 ? 1 : o.n_segments;
    if (K > ARC_MAX_SEGMENTS) K = ARC_MAX_SEGMENTS;
    if (K > n) K = n;
    a->n_segments = K;
    if (K > 0) {
        int starts[ARC_MAX_SEGMENTS];
        a->segments = calloc((size_t)K, sizeof(ArcSegment));
        if (!a->segments || segment_dp(z, a->weight, n, m, K, o.equal, starts)) goto oom;
        for (int s = 0; s < K; s++) {
            ArcSegment *g = &a->segments[s];
            g->first = starts[s];
            g->last = s + 1 < K ? starts[s + 1] - 1 : n - 1;
            g->start = g->end = -1;
            segment_mean(a, g, wsum);
        }
    }
    free(z);
    return a;
oom:
    free(z);
    arc_free(a);
    ms_seterr(err, errlen, "out of memory");
    return NULL;
}

/* ---- prediction ----------------------------------------------------------- */

#define ARC_MAX_CHUNKS 16   /* windows predicted per scene part (evenly spread) */

typedef struct {
    const char **texts;   /* stb_ds */
    size_t *lens;         /* stb_ds */
    float *wts;           /* stb_ds: words in each chunk */
} Chunks;

/* Cut text into windows of about `win` words (the model reads seq_len
 * tokens); at most ARC_MAX_CHUNKS evenly spread windows. Returns how many
 * were added (at least 1, an empty text counts as one empty window). */
static int is_ws(char ch) { return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r'; }

static int add_chunks(Chunks *c, const char *t, int win) {
    size_t n = strlen(t);
    long words = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_ws(t[i]) && (i == 0 || is_ws(t[i - 1]))) words++;
    long nch = words <= win ? 1 : (words + win - 1) / win;
    if (nch == 1) {
        arrput(c->texts, t); arrput(c->lens, n); arrput(c->wts, (float)(words > 0 ? words : 1));
        return 1;
    }
    int take = nch > ARC_MAX_CHUNKS ? ARC_MAX_CHUNKS : (int)nch;
    int added = 0;
    long w = -1;          /* index of the current word */
    size_t cs = 0;
    long want = 0;        /* chunk index wanted next */
    int open = 0;
    for (size_t i = 0; i <= n && added < take; i++) {
        int start = i < n && !is_ws(t[i]) && (i == 0 || is_ws(t[i - 1]));
        if (!start && i < n) continue;
        if (i < n) w++;
        if (open && (i == n || w % win == 0)) {       /* the open chunk ends here */
            long cw = (i == n ? w + 1 : w) - want * win;
            if (i == n) cw = words - want * win;
            arrput(c->texts, t + cs); arrput(c->lens, i - cs); arrput(c->wts, (float)(cw > 0 ? cw : 1));
            added++;
            open = 0;
            want = take > 1 ? (long)((long long)added * (nch - 1) / (take - 1)) : nch;   /* first and last kept */
        }
        if (i < n && !open && added < take && w == want * win) { cs = i; open = 1; }
    }
    if (!added) { arrput(c->texts, t); arrput(c->lens, n); arrput(c->wts, 1.0f); added = 1; }
    return added;
}

int arc_predict_scenes(const Model *m, const ScriptScenes *ss, const ArcOpts *opts, float *out,
                       char *err, size_t errlen) {
    ArcOpts o = opts ? *opts : arc_default_opts();
    if (!m || !ss || (!out && ss->n_scenes)) { ms_seterr(err, errlen, "arc: no model or scenes"); return -1; }
    int no = m->n_outputs, n = ss->n_scenes;
    float wa = o.action_weight >= 0 && isfinite(o.action_weight) ? o.action_weight : 1;
    float wd = o.dialogue_weight >= 0 && isfinite(o.dialogue_weight) ? o.dialogue_weight : 1;
    int split = wa != wd;
    int win = m->seq_len > 0 ? m->seq_len : 500;
    Chunks c = {0};
    /* per scene: [first chunk, count] for each part (whole text, or action, dialogue) */
    int *span = malloc(sizeof(int) * 4 * ((size_t)n + 1));
    float *pred = NULL;
    int rc = -1;
    if (!span) { ms_seterr(err, errlen, "out of memory"); return -1; }
    for (int i = 0; i < n; i++) {
        const Scene *s = &ss->scenes[i];
        int use_split = split && (s->action_words > 0 || s->dialogue_words > 0) &&
                        (wa * s->action_words + wd * s->dialogue_words) > 0;
        if (!use_split) {
            span[4 * i] = (int)arrlen(c.texts);
            span[4 * i + 1] = add_chunks(&c, s->text ? s->text : "", win);
            span[4 * i + 2] = -1;
            span[4 * i + 3] = 0;
        } else {
            span[4 * i] = (int)arrlen(c.texts);
            span[4 * i + 1] = add_chunks(&c, s->action ? s->action : "", win);
            span[4 * i + 2] = (int)arrlen(c.texts);
            span[4 * i + 3] = add_chunks(&c, s->dialogue ? s->dialogue : "", win);
        }
    }
    int nt = (int)arrlen(c.texts);
    pred = malloc(sizeof(float) * ((size_t)nt * no + 1));
    if (!pred) { ms_seterr(err, errlen, "out of memory"); goto done; }
    /* scenes are script text: the network's script head (model.h, Heads) */
    if (nt && model_predict_texts_domain(m, MODEL_SCRIPT, c.texts, c.lens, nt, pred)) { ms_seterr(err, errlen, "arc: prediction failed"); goto done; }
    for (int i = 0; i < n; i++) {
        const Scene *s = &ss->scenes[i];
        double acc[MODEL_MAX_OUTPUTS] = {0}, tw = 0;
        for (int part = 0; part < 2; part++) {
            int first = span[4 * i + 2 * part], cnt = span[4 * i + 2 * part + 1];
            if (first < 0 || cnt <= 0) continue;
            double pw = 1;
            if (span[4 * i + 2] >= 0) pw = part == 0 ? wa * s->action_words : wd * s->dialogue_words;
            if (pw <= 0) continue;
            double cw = 0;
            for (int j = first; j < first + cnt; j++) cw += c.wts[j];
            for (int j = first; j < first + cnt; j++)
                for (int k = 0; k < no; k++) acc[k] += pw * (c.wts[j] / cw) * pred[(size_t)j * no + k];
            tw += pw;
        }
        for (int k = 0; k < no; k++) out[(size_t)i * no + k] = tw > 0 ? (float)(acc[k] / tw) : pred[(size_t)span[4 * i] * no + k];
    }
    rc = 0;
done:
    free(pred);
    free(span);
    arrfree(c.texts); arrfree(c.lens); arrfree(c.wts);
    return rc;
}

MoodArc *arc_from_script(const Model *m, const ScriptScenes *ss, const ArcOpts *o,
                         char *err, size_t errlen) {
    if (!m || !ss) { ms_seterr(err, errlen, "arc: no model or scenes"); return NULL; }
    int n = ss->n_scenes, no = m->n_outputs;
    if (no > ARC_MAX_METRICS) { ms_seterr(err, errlen, "arc: model has %d outputs (max %d)", no, ARC_MAX_METRICS); return NULL; }
    float *raw = malloc(sizeof(float) * ((size_t)n * no + 1));
    float *w = malloc(sizeof(float) * ((size_t)n + 1));
    MoodArc *a = NULL;
    if (!raw || !w) { ms_seterr(err, errlen, "out of memory"); goto done; }
    if (arc_predict_scenes(m, ss, o, raw, err, errlen)) goto done;
    arc_scene_weights(ss, w);
    a = arc_build(raw, w, n, no, (const char *const *)m->output_names, m->target_std, o, err, errlen);
    if (a) {
        for (int g = 0; g < a->n_segments; g++) {
            ArcSegment *sg = &a->segments[g];
            const Scene *f = &ss->scenes[sg->first], *l = &ss->scenes[sg->last];
            sg->start_line = f->start_line;
            sg->end_line = l->end_line;
            sg->start = f->start;
            sg->end = l->end;
        }
    }
done:
    free(raw);
    free(w);
    return a;
}

/* ---- JSON ----------------------------------------------------------------- */

static double sig4(double x) {
    if (!isfinite(x) || x == 0) return 0;
    double mag = pow(10, 3 - floor(log10(fabs(x))));
    return round(x * mag) / mag;
}

cJSON *arc_metrics_cjson(const MoodArc *a, const float *v) {
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; o && k < a->n_metrics; k++) cJSON_AddNumberToObject(o, a->names[k], sig4(v[k]));
    return o;
}

char *arc_to_json(const MoodArc *a, const ScriptScenes *ss, int flags) {
    if (!a) return NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON *names = cJSON_AddArrayToObject(o, "metrics");
    for (int k = 0; names && k < a->n_metrics; k++) cJSON_AddItemToArray(names, cJSON_CreateString(a->names[k]));
    cJSON_AddNumberToObject(o, "sigma", sig4(a->sigma));
    cJSON_AddItemToObject(o, "overall", arc_metrics_cjson(a, a->overall));
    cJSON *segs = cJSON_AddArrayToObject(o, "segments");
    for (int g = 0; segs && g < a->n_segments; g++) {
        const ArcSegment *s = &a->segments[g];
        cJSON *j = cJSON_CreateObject();
        if (!j) break;
        cJSON_AddNumberToObject(j, "first", s->first);
        cJSON_AddNumberToObject(j, "last", s->last);
        if (s->start_line) { cJSON_AddNumberToObject(j, "start_line", s->start_line); cJSON_AddNumberToObject(j, "end_line", s->end_line); }
        if (s->start >= 0) { cJSON_AddNumberToObject(j, "start", round(s->start * 1000) / 1000); cJSON_AddNumberToObject(j, "end", round(s->end * 1000) / 1000); }
        if (ss && s->first < ss->n_scenes) cJSON_AddStringToObject(j, "heading", ss->scenes[s->first].heading);
        cJSON_AddItemToObject(j, "mood", arc_metrics_cjson(a, s->mean));
        cJSON_AddItemToArray(segs, j);
    }
    if (flags & ARC_JSON_SCENES) {
        cJSON *sc = cJSON_AddArrayToObject(o, "scenes");
        for (int i = 0; sc && i < a->n_scenes; i++) {
            cJSON *j = cJSON_CreateObject();
            if (!j) break;
            cJSON_AddNumberToObject(j, "index", i);
            if (ss && i < ss->n_scenes) cJSON_AddStringToObject(j, "heading", ss->scenes[i].heading);
            cJSON_AddNumberToObject(j, "weight", sig4(a->weight[i]));
            cJSON_AddItemToObject(j, "mood", arc_metrics_cjson(a, a->raw + (size_t)i * a->n_metrics));
            cJSON_AddItemToObject(j, "smooth", arc_metrics_cjson(a, a->smooth + (size_t)i * a->n_metrics));
            cJSON_AddItemToArray(sc, j);
        }
    }
    char *r = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return r;
}
