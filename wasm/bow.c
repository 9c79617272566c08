/* bow.c — TF-IDF bag-of-words layer forward (see bow.h). */
#include "bow.h"

#include <math.h>
#include <string.h>

static inline int clamp_id(int32_t id, int V) {
    if (id >= 0 && id < V) return id;
    return V > 1 ? 1 : 0;
}

int tfidf_sparse(int32_t *idx, float *val, const int32_t *ids, const float *idf, int S, int V,
                 float *scratch) {
    int n = 0;
    for (int t = 0; t < S; t++) {
        int v = clamp_id(ids[t], V);
        if (v == 0 || idf[v] == 0.0f) continue;
        if (scratch[v] == 0.0f) idx[n++] = v;
        scratch[v] += 1.0f;
    }
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
    return n;
}

int tfidf_forward(float *out, const int32_t *ids, const float *idf, int S, int V) {
    memset(out, 0, sizeof *out * (size_t)V);
    /* counts go into out, then become weights in place */
    int n = 0;
    for (int t = 0; t < S; t++) {
        int v = clamp_id(ids[t], V);
        if (v == 0 || idf[v] == 0.0f) continue;
        if (out[v] == 0.0f) n++;
        out[v] += 1.0f;
    }
    if (!n) return 0;
    double ss = 0;
    for (int v = 0; v < V; v++) {
        if (out[v] == 0.0f) continue;
        out[v] = (1.0f + logf(out[v])) * idf[v];
        ss += (double)out[v] * out[v];
    }
    float inv = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
    for (int v = 0; v < V; v++) out[v] *= inv;
    return n;
}
