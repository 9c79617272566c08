/* bow.c — TF-IDF bag-of-words layer forward (see bow.h). */
#include "bow.h"

#include <math.h>
#include <string.h>

static inline int clamp_id(int32_t id, int V) {
    if (id >= 0 && id < V) return id;
    return V > 1 ? 1 : 0;
}

/* The two dense slots: ln(1 + tokens) and distinct words / tokens. */
static void dense_slots(float *f0, float *f1, int n_tokens, int n_distinct, const float *idf, int V) {
    *f0 = V > 0 ? idf[0] * logf(1.0f + (float)n_tokens) : 0.0f;
    *f1 = V > 1 && n_tokens > 0 ? idf[1] * (float)n_distinct / (float)n_tokens : 0.0f;
}

int tfidf_sparse(int32_t *idx, float *val, const int32_t *ids, const float *idf, int S, int V,
                 float *scratch) {
    int n = 0, ntok = 0, ndist = 0;
    for (int t = 0; t < S; t++) {
        int v = clamp_id(ids[t], V);
        if (v == 0) continue;
        ntok++;
        if (v == 1) continue;
        if (scratch[v] == 0.0f) { ndist++; if (idf[v] != 0.0f) idx[n++] = v; }
        scratch[v] += 1.0f;
    }
    /* clear counts of zero-idf words too */
    for (int t = 0; t < S; t++) { int v = clamp_id(ids[t], V); if (v > 1 && idf[v] == 0.0f) scratch[v] = 0.0f; }
    double ss = 0;
    for (int k = 0; k < n; k++) {
        int v = idx[k];
        float x = (1.0f + logf(scratch[v])) * idf[v];
        scratch[v] = 0.0f;
        val[k] = x;
        ss += (double)x * x;
    }
    float inv = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
    for (int k = 0; k < n; k++) val[k] *= inv;
    float f0, f1;
    dense_slots(&f0, &f1, ntok, ndist, idf, V);
    if (f0 != 0.0f) { idx[n] = 0; val[n] = f0; n++; }
    if (f1 != 0.0f) { idx[n] = 1; val[n] = f1; n++; }
    return n;
}

int tfidf_forward(float *out, const int32_t *ids, const float *idf, int S, int V) {
    memset(out, 0, sizeof *out * (size_t)V);
    /* counts go into out, then become weights in place */
    int n = 0, ntok = 0, ndist = 0;
    for (int t = 0; t < S; t++) {
        int v = clamp_id(ids[t], V);
        if (v == 0) continue;
        ntok++;
        if (v == 1) continue;
        if (out[v] == 0.0f) { ndist++; if (idf[v] != 0.0f) n++; }
        out[v] += 1.0f;
    }
    double ss = 0;
    for (int v = 2; v < V; v++) {
        if (out[v] == 0.0f) continue;
        out[v] = (1.0f + logf(out[v])) * idf[v];
        ss += (double)out[v] * out[v];
    }
    float inv = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
    for (int v = 2; v < V; v++) out[v] *= inv;
    float f0, f1;
    dense_slots(&f0, &f1, ntok, ndist, idf, V);
    if (V > 0) out[0] = f0;
    if (V > 1) out[1] = f1;
    return n + (f0 != 0.0f) + (f1 != 0.0f);
}

int wordmean_forward(float *out, const int32_t *ids, const float *table, int S, int V, int K) {
    memset(out, 0, sizeof *out * (size_t)K);
    int n = 0;
    for (int t = 0; t < S; t++) {
        int32_t v = ids[t];
        if (v < 2 || v >= V) continue;
        const float *row = table + (size_t)v * K;
        for (int k = 0; k < K; k++) out[k] += row[k];
        n++;
    }
    if (n) for (int k = 0; k < K; k++) out[k] /= (float)n;
    return n;
}
