/* baselines.c — mean, lexicon and TF-IDF ridge baselines (see baselines.h). */
#include "baselines.h"
#include "bow.h"
#include "csv.h"
#include "eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stb_ds.h>

float *bl_idf(const ds_dataset *d, const Vocab *v, int length_features) {
    int V = vocab_size(v), N = 0;
    int *df = ds_doc_freq(d, v, DS_TRAIN, &N);
    float *idf = malloc(sizeof *idf * (size_t)(V ? V : 1));
    if (!df || !idf) { free(df); free(idf); return NULL; }
    for (int i = 0; i < V; i++) idf[i] = (float)(log((1.0 + N) / (1.0 + df[i])) + 1.0);
    if (V > 0) idf[0] = length_features ? BL_LEN_SCALE : 0.0f;
    if (V > 1) idf[1] = length_features ? BL_TTR_SCALE : 0.0f;
    free(df);
    return idf;
}

void bl_sparse_free(bl_sparse *x) {
    if (!x) return;
    free(x->rowptr); free(x->col); free(x->val); free(x);
}

bl_sparse *bl_tfidf_features(const ds_dataset *d, const Vocab *v, const float *idf, int seq_len) {
    int V = vocab_size(v);
    bl_sparse *x = calloc(1, sizeof *x);
    int32_t *ids = malloc(sizeof *ids * (size_t)seq_len), *idx = malloc(sizeof *idx * ((size_t)seq_len + 2));
    float *val = malloc(sizeof *val * ((size_t)seq_len + 2)), *scratch = calloc((size_t)V + 1, sizeof *scratch);
    if (!x || !ids || !idx || !val || !scratch) goto oom;
    x->n = d->n; x->d = V;
    x->rowptr = malloc(sizeof *x->rowptr * (size_t)(d->n + 1));
    if (!x->rowptr) goto oom;
    long cap = 1 << 16, nnz = 0;
    x->col = malloc(sizeof *x->col * (size_t)cap); x->val = malloc(sizeof *x->val * (size_t)cap);
    if (!x->col || !x->val) goto oom;
    x->rowptr[0] = 0;
    for (int i = 0; i < d->n; i++) {
        const char *l = d->songs[i].lyrics;
        text_encode(v, l, strlen(l), ids, seq_len);
        int k = tfidf_sparse(idx, val, ids, idf, seq_len, V, scratch);
        if (nnz + k > cap) {
            while (nnz + k > cap) cap *= 2;
            int32_t *nc = realloc(x->col, sizeof *nc * (size_t)cap);
            if (nc) x->col = nc;
            float *nv = realloc(x->val, sizeof *nv * (size_t)cap);
            if (nv) x->val = nv;
            if (!nc || !nv) goto oom;
        }
        memcpy(x->col + nnz, idx, sizeof *idx * (size_t)k);
        memcpy(x->val + nnz, val, sizeof *val * (size_t)k);
        nnz += k;
        x->rowptr[i + 1] = nnz;
    }
    free(ids); free(idx); free(val); free(scratch);
    return x;
oom:
    free(ids); free(idx); free(val); free(scratch); bl_sparse_free(x);
    return NULL;
}

/* ---- ridge by conjugate gradients ---------------------------------------- */

/* u = Xc v over the chosen rows (Xc = X - 1 mu^T). */
static void xc_mul(const bl_sparse *X, const int *rows, int n, const double *mu, const double *v,
                   double *u) {
    double mv = 0;
    for (int j = 0; j < X->d; j++) mv += mu[j] * v[j];
    for (int i = 0; i < n; i++) {
        int r = rows[i]; double s = 0;
        for (long k = X->rowptr[r]; k < X->rowptr[r + 1]; k++) s += X->val[k] * v[X->col[k]];
        u[i] = s - mv;
    }
}
/* g = Xc^T u (u centred, so the mean term vanishes; subtract it anyway). */
static void xct_mul(const bl_sparse *X, const int *rows, int n, const double *mu, const double *u,
                    double *g) {
    memset(g, 0, sizeof *g * (size_t)X->d);
    double su = 0;
    for (int i = 0; i < n; i++) {
        int r = rows[i]; su += u[i];
        for (long k = X->rowptr[r]; k < X->rowptr[r + 1]; k++) g[X->col[k]] += X->val[k] * u[i];
    }
    for (int j = 0; j < X->d; j++) g[j] -= mu[j] * su;
}

int bl_ridge_fit(const bl_sparse *X, const int *rows, int n, const float *y, double lambda,
                 bl_ridge *out, const bl_ridge *warm) {
    int D = X->d;
    double *mu = calloc((size_t)D, sizeof *mu), *w = calloc((size_t)D, sizeof *w);
    double *r = malloc(sizeof *r * (size_t)D), *p = malloc(sizeof *p * (size_t)D);
    double *Ap = malloc(sizeof *Ap * (size_t)D), *u = malloc(sizeof *u * (size_t)(n ? n : 1));
    double *yc = malloc(sizeof *yc * (size_t)(n ? n : 1));
    out->w = malloc(sizeof *out->w * (size_t)D);
    if (!mu || !w || !r || !p || !Ap || !u || !yc || !out->w) {
        free(mu); free(w); free(r); free(p); free(Ap); free(u); free(yc); free(out->w); out->w = NULL;
        return -1;
    }
    out->d = D;
    double ym = 0;
    for (int i = 0; i < n; i++) {
        ym += y[i];
        int rr = rows[i];
        for (long k = X->rowptr[rr]; k < X->rowptr[rr + 1]; k++) mu[X->col[k]] += X->val[k];
    }
    if (n) { ym /= n; for (int j = 0; j < D; j++) mu[j] /= n; }
    for (int i = 0; i < n; i++) yc[i] = y[i] - ym;
    if (warm && warm->w && warm->d == D) for (int j = 0; j < D; j++) w[j] = warm->w[j];
    /* r = Xc^T yc - (Xc^T Xc + lambda) w */
    xct_mul(X, rows, n, mu, yc, r);
    double bnorm = 0;
    for (int j = 0; j < D; j++) bnorm += r[j] * r[j];
    xc_mul(X, rows, n, mu, w, u);
    xct_mul(X, rows, n, mu, u, Ap);
    for (int j = 0; j < D; j++) { r[j] -= Ap[j] + lambda * w[j]; p[j] = r[j]; }
    double rs = 0;
    for (int j = 0; j < D; j++) rs += r[j] * r[j];
    for (int it = 0; it < 1000 && rs > 1e-12 * bnorm && bnorm > 0; it++) {
        xc_mul(X, rows, n, mu, p, u);
        xct_mul(X, rows, n, mu, u, Ap);
        double pAp = 0;
        for (int j = 0; j < D; j++) { Ap[j] += lambda * p[j]; pAp += p[j] * Ap[j]; }
        if (pAp <= 0) break;
        double a = rs / pAp, rs2 = 0;
        for (int j = 0; j < D; j++) { w[j] += a * p[j]; r[j] -= a * Ap[j]; rs2 += r[j] * r[j]; }
        double beta = rs2 / rs;
        rs = rs2;
        for (int j = 0; j < D; j++) p[j] = r[j] + beta * p[j];
    }
    double b = ym;
    for (int j = 0; j < D; j++) { out->w[j] = (float)w[j]; b -= mu[j] * w[j]; }
    out->b = (float)b;
    free(mu); free(w); free(r); free(p); free(Ap); free(u); free(yc);
    return 0;
}

float bl_ridge_predict(const bl_ridge *r, const bl_sparse *X, int row) {
    double s = r->b;
    for (long k = X->rowptr[row]; k < X->rowptr[row + 1]; k++) s += (double)X->val[k] * r->w[X->col[k]];
    return (float)s;
}

void bl_ridge_free(bl_ridge *r) { if (r) { free(r->w); r->w = NULL; } }

/* ---- small dense least squares ------------------------------------------- */

int bl_lstsq(const double *F, const double *y, int n, int p, double *coef) {
    int q = p + 1;
    double *A = calloc((size_t)q * (size_t)(q + 1), sizeof *A);
    if (!A) return -1;
    for (int i = 0; i < n; i++) {
        for (int a = 0; a < q; a++) {
            double fa = a < p ? F[(size_t)i * p + a] : 1.0;
            for (int b = 0; b < q; b++) A[a * (q + 1) + b] += fa * (b < p ? F[(size_t)i * p + b] : 1.0);
            A[a * (q + 1) + q] += fa * y[i];
        }
    }
    for (int a = 0; a < p; a++) A[a * (q + 1) + a] += 1e-6 * (n ? n : 1);
    /* Gauss-Jordan with partial pivoting */
    for (int c = 0; c < q; c++) {
        int piv = c;
        for (int r = c + 1; r < q; r++) if (fabs(A[r * (q + 1) + c]) > fabs(A[piv * (q + 1) + c])) piv = r;
        if (fabs(A[piv * (q + 1) + c]) < 1e-300) { free(A); return -1; }
        if (piv != c) for (int k = 0; k <= q; k++) { double t = A[c * (q + 1) + k]; A[c * (q + 1) + k] = A[piv * (q + 1) + k]; A[piv * (q + 1) + k] = t; }
        for (int r = 0; r < q; r++) {
            if (r == c) continue;
            double f = A[r * (q + 1) + c] / A[c * (q + 1) + c];
            for (int k = c; k <= q; k++) A[r * (q + 1) + k] -= f * A[c * (q + 1) + k];
        }
    }
    for (int c = 0; c < q; c++) coef[c] = A[c * (q + 1) + q] / A[c * (q + 1) + c];
    free(A);
    return 0;
}

/* ---- lexicon ------------------------------------------------------------- */

typedef struct { float v[3]; } vad3;
struct bl_lexicon { struct { char *key; vad3 value; } *map; };

bl_lexicon *bl_lexicon_load(const char *path, char *err, size_t errlen) {
    csv_reader *r = csv_open(path, 1, err, errlen);
    if (!r) return NULL;
    int cw = csv_column(r, "word"), cv = csv_column(r, "valence"), ca = csv_column(r, "arousal"), cd = csv_column(r, "dominance");
    if (cw < 0 || cv < 0 || ca < 0 || cd < 0) {
        snprintf(err, errlen, "%s: needs columns word, valence, arousal, dominance", path);
        csv_free(r); return NULL;
    }
    bl_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx) { csv_free(r); snprintf(err, errlen, "out of memory"); return NULL; }
    sh_new_strdup(lx->map);
    while (csv_next(r) == 1) {
        const char *w = csv_field(r, cw);
        char *clean = text_clean(w, strlen(w), 0, NULL);
        if (!clean) continue;
        if (clean[0] && !strchr(clean, ' ') && shgeti(lx->map, clean) < 0) {
            vad3 v = {{ (float)atof(csv_field(r, cv)), (float)atof(csv_field(r, ca)), (float)atof(csv_field(r, cd)) }};
            shput(lx->map, clean, v);
        }
        free(clean);
    }
    csv_free(r);
    if (shlen(lx->map) == 0) { snprintf(err, errlen, "%s: no lexicon entries", path); bl_lexicon_free(lx); return NULL; }
    return lx;
}

void bl_lexicon_free(bl_lexicon *lx) {
    if (!lx) return;
    shfree(lx->map);
    free(lx);
}

typedef struct { bl_lexicon *lx; double sum[3]; int known, total; } lex_acc;

static int lex_cb(const char *tok, size_t len, void *user) {
    lex_acc *a = user;
    (void)len;
    a->total++;
    long i = shgeti(a->lx->map, tok);
    if (i >= 0) { for (int k = 0; k < 3; k++) a->sum[k] += a->lx->map[i].value.v[k]; a->known++; }
    return 0;
}

int bl_lexicon_features(const bl_lexicon *lx, const char *text, double *f) {
    lex_acc a = { (bl_lexicon *)lx, {0, 0, 0}, 0, 0 };   /* stb_ds lookups write a temp slot */
    text_tokenize(text, strlen(text), DS_MAX_TOKENS, lex_cb, &a);
    for (int k = 0; k < 3; k++) f[k] = a.known ? a.sum[k] / a.known : 0.5;
    f[3] = log(1.0 + a.total);
    return a.known;
}

long bl_lexicon_accumulate(const bl_lexicon *lx, const char *text, size_t len, double sum[3], long *tokens) {
    lex_acc a = { (bl_lexicon *)lx, {0, 0, 0}, 0, 0 };
    text_tokenize(text, len, 0, lex_cb, &a);
    for (int k = 0; k < 3; k++) sum[k] += a.sum[k];
    *tokens += a.total;
    return a.known;
}

/* ---- suite ---------------------------------------------------------------- */

const double bl_lambdas[BL_N_LAMBDAS] = { 30, 10, 5, 3, 1, 0.3 };

static double col_pearson(const float *pred, const ds_dataset *d, const int *rows, int n, int k) {
    float *a = malloc(sizeof *a * (size_t)(n ? n : 1)), *b = malloc(sizeof *b * (size_t)(n ? n : 1));
    if (!a || !b) { free(a); free(b); return 0; }
    for (int i = 0; i < n; i++) { a[i] = pred[i]; b[i] = d->songs[rows[i]].y[k]; }
    double r = 0;
    r = ev_pearson(a, b, n);
    free(a); free(b);
    return r;
}

/* Target k's TF-IDF ridge: lambdas from large to small with warm starts,
 * the best on validation r kept in s->ridge[k] and its predictions in
 * s->pred_ridge. y, pv: room for ntr and nva floats. 0, or -1 + message. */
static int ridge_target(bl_suite *s, const ds_dataset *d, const int *tr, int ntr, const int *va, int nva, int k,
                        float *y, float *pv, FILE *log, char *err, size_t errlen) {
    int N = d->n, K = DS_NTARGETS;
    for (int i = 0; i < ntr; i++) y[i] = (d->songs[tr[i]].y[k] - s->st.mean[k]) / s->st.std[k];
    bl_ridge prev = {0, NULL, 0}, best = {0, NULL, 0};
    double best_r = -2;
    for (int li = 0; li < BL_N_LAMBDAS; li++) {
        bl_ridge r;
        if (bl_ridge_fit(s->X, tr, ntr, y, bl_lambdas[li], &r, prev.w ? &prev : NULL)) {
            snprintf(err, errlen, "out of memory (ridge)"); bl_ridge_free(&prev); bl_ridge_free(&best); return -1;
        }
        for (int i = 0; i < nva; i++) pv[i] = bl_ridge_predict(&r, s->X, va[i]);
        double rv = col_pearson(pv, d, va, nva, k);
        if (rv > best_r) {
            best_r = rv; s->lambda[k] = bl_lambdas[li];
            bl_ridge_free(&best);
            best.d = r.d; best.b = r.b; best.w = malloc(sizeof(float) * (size_t)r.d);
            if (best.w) memcpy(best.w, r.w, sizeof(float) * (size_t)r.d);
        }
        bl_ridge_free(&prev);
        prev = r;
    }
    bl_ridge_free(&prev);
    if (!best.w) { snprintf(err, errlen, "out of memory (ridge)"); return -1; }
    s->ridge[k] = best;
    for (int i = 0; i < N; i++)
        s->pred_ridge[(size_t)i * K + k] = bl_ridge_predict(&best, s->X, i) * s->st.std[k] + s->st.mean[k];
    if (log) fprintf(log, "tfidf ridge %-13s lambda %-4g validation r %.3f\n", ds_target_names[k], s->lambda[k], best_r);
    return 0;
}

/* The lexicon baseline: NRC-VAD features plus log length, least squares
 * per target on the training split, into s->pred_lex (skipped, and said,
 * when the lexicon cannot be read). 0, or -1 + message. */
static int lexicon_baseline(bl_suite *s, const ds_dataset *d, const int *tr, int ntr, const char *lexicon_path,
                            FILE *log, char *err, size_t errlen) {
    int N = d->n, K = DS_NTARGETS;
    char lerr[256];
    bl_lexicon *lx = bl_lexicon_load(lexicon_path, lerr, sizeof lerr);
    if (!lx) { if (log) fprintf(log, "lexicon baseline skipped: %s\n", lerr); return 0; }
    double *F = malloc(sizeof(double) * (size_t)N * 4), *yy = malloc(sizeof(double) * (size_t)ntr), *Ft = malloc(sizeof(double) * (size_t)ntr * 4);
    s->pred_lex = malloc(sizeof(float) * (size_t)N * K);
    if (!F || !yy || !Ft || !s->pred_lex) { free(F); free(yy); free(Ft); bl_lexicon_free(lx); snprintf(err, errlen, "out of memory"); return -1; }
    long known = 0; double toks = 0;
    for (int i = 0; i < N; i++) {
        int kn = bl_lexicon_features(lx, d->songs[i].lyrics, F + (size_t)i * 4);
        if (d->songs[i].split == DS_TRAIN) { known += kn; toks += exp(F[(size_t)i * 4 + 3]) - 1; }
    }
    s->lex_known_pct = toks > 0 ? (int)(100.0 * known / toks + 0.5) : 0;
    for (int i = 0; i < ntr; i++) memcpy(Ft + (size_t)i * 4, F + (size_t)tr[i] * 4, sizeof(double) * 4);
    for (int k = 0; k < K; k++) {
        double coef[5] = {0, 0, 0, 0, s->st.mean[k]};
        for (int i = 0; i < ntr; i++) yy[i] = d->songs[tr[i]].y[k];
        if (bl_lstsq(Ft, yy, ntr, 4, coef)) { coef[0] = coef[1] = coef[2] = coef[3] = 0; coef[4] = s->st.mean[k]; }
        for (int i = 0; i < N; i++) {
            double p = coef[4];
            for (int j = 0; j < 4; j++) p += coef[j] * F[(size_t)i * 4 + j];
            s->pred_lex[(size_t)i * K + k] = (float)p;
        }
    }
    free(F); free(yy); free(Ft);
    bl_lexicon_free(lx);
    return 0;
}

/* Steps: splits and target statistics, the vocabulary and TF-IDF
 * features, the mean baseline, the ridge per target, the lexicon. */
int bl_suite_run(bl_suite *s, const ds_dataset *d, int max_words, int length_features,
                 const char *lexicon_path, FILE *log, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    int N = d->n, K = DS_NTARGETS;
    int *tr = NULL, *va = NULL;
    int ntr = ds_split_indices(d, DS_TRAIN, &tr), nva = ds_split_indices(d, DS_VAL, &va);
    if (ntr <= 0 || nva <= 0) { snprintf(err, errlen, "need songs in both the train and validation splits (have %d, %d)", ntr, nva); free(tr); free(va); return -1; }
    s->st = ds_target_stats(d, DS_TRAIN);
    s->n_words = ds_count_words(d, DS_TRAIN, max_words, 2, &s->words, &s->counts, &s->total_tokens);
    if (s->n_words < 0) { snprintf(err, errlen, "out of memory counting words"); goto fail; }
    s->vocab = vocab_build((const char *const *)s->words, s->n_words, err, errlen);
    if (!s->vocab) goto fail;
    s->idf = bl_idf(d, s->vocab, length_features);
    if (!s->idf) { snprintf(err, errlen, "out of memory (idf)"); goto fail; }
    s->X = bl_tfidf_features(d, s->vocab, s->idf, DS_MAX_TOKENS);
    if (!s->X) { snprintf(err, errlen, "out of memory (features)"); goto fail; }
    if (log) fprintf(log, "vocabulary: %d words (train split, seen >= 2 times), %ld train tokens; TF-IDF nnz %ld\n",
                     s->n_words, s->total_tokens, s->X->rowptr[N]);
    s->pred_mean = malloc(sizeof(float) * (size_t)N * K);
    s->pred_ridge = malloc(sizeof(float) * (size_t)N * K);
    float *y = malloc(sizeof(float) * (size_t)ntr), *pv = malloc(sizeof(float) * (size_t)nva);
    if (!s->pred_mean || !s->pred_ridge || !y || !pv) { free(y); free(pv); snprintf(err, errlen, "out of memory"); goto fail; }
    for (int i = 0; i < N; i++) for (int k = 0; k < K; k++) s->pred_mean[(size_t)i * K + k] = s->st.mean[k];
    for (int k = 0; k < K; k++)
        if (ridge_target(s, d, tr, ntr, va, nva, k, y, pv, log, err, errlen)) { free(y); free(pv); goto fail; }
    free(y); free(pv);
    if (lexicon_path && lexicon_baseline(s, d, tr, ntr, lexicon_path, log, err, errlen)) goto fail;
    free(tr); free(va);
    return 0;
fail:
    free(tr); free(va);
    bl_suite_free(s);
    return -1;
}

void bl_suite_free(bl_suite *s) {
    if (!s) return;
    ds_words_free(s->words, s->n_words > 0 ? s->n_words : 0);
    free(s->counts);
    vocab_free(s->vocab);
    free(s->idf);
    bl_sparse_free(s->X);
    for (int k = 0; k < DS_NTARGETS; k++) bl_ridge_free(&s->ridge[k]);
    free(s->pred_mean); free(s->pred_lex); free(s->pred_ridge);
    memset(s, 0, sizeof *s);
}
