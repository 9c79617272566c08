/* baselines.c — mean, lexicon and TF-IDF ridge baselines (see baselines.h). */
#include "baselines.h"
#include "bow.h"
#include "csv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stb_ds.h>

float *bl_idf(const ds_dataset *d, const Vocab *v) {
    int V = vocab_size(v), N = 0;
    int *df = ds_doc_freq(d, v, DS_TRAIN, &N);
    float *idf = malloc(sizeof *idf * (size_t)(V ? V : 1));
    if (!df || !idf) { free(df); free(idf); return NULL; }
    for (int i = 0; i < V; i++) idf[i] = (float)(log((1.0 + N) / (1.0 + df[i])) + 1.0);
    if (V > 0) idf[0] = 0;
    if (V > 1) idf[1] = 0;
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
    int32_t *ids = malloc(sizeof *ids * (size_t)seq_len), *idx = malloc(sizeof *idx * (size_t)seq_len);
    float *val = malloc(sizeof *val * (size_t)seq_len), *scratch = calloc((size_t)V + 1, sizeof *scratch);
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
