/* model_reader.c — the script head's reader of word order (model_reader.h). */
#include "model_reader.h"

#include "err.h"
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ModelReader *model_reader_new(int V, int P, int F, int K, int max_len, char *err, size_t errlen) {
    if (V < 3 || V > VOCAB_MAX_WORDS + 2 || P < 1 || P > MODEL_READER_MAX_P || F < 1 || F > MODEL_READER_MAX_F || K < 1 ||
        K > MODEL_READER_MAX_K || max_len < 1 || max_len > MODEL_READER_MAX_LEN) {
        ms_seterr(err, errlen, "reader: sizes out of range (words %d, numbers a word %d (1..%d), filters %d (1..%d), width %d (1..%d), words read %d (1..%d))",
                  V, P, MODEL_READER_MAX_P, F, MODEL_READER_MAX_F, K, MODEL_READER_MAX_K, max_len, MODEL_READER_MAX_LEN);
        return NULL;
    }
    ModelReader *r = calloc(1, sizeof *r);
    if (r) {
        r->V = V; r->P = P; r->F = F; r->K = K; r->max_len = max_len;
        r->out[0] = 0; r->out[1] = 1;
        r->a_lin = 1; r->a_seq = 0;
        r->q = calloc((size_t)V * P, 1);
        for (int v = 0; r->q && v < V; v++) r->q[(size_t)v * P] = MODEL_READER_NO_ROW;
        r->kernel = calloc((size_t)K * P * F, sizeof(float));
        r->bias = calloc((size_t)F, sizeof(float));
        r->dense = calloc((size_t)F * 4, sizeof(float));
        r->dense_b = calloc(2, sizeof(float));
    }
    if (!r || !r->q || !r->kernel || !r->bias || !r->dense || !r->dense_b) {
        model_reader_free(r);
        ms_seterr(err, errlen, "reader: out of memory");
        return NULL;
    }
    return r;
}

void model_reader_free(ModelReader *r) {
    if (!r) return;
    free(r->q); free(r->kernel); free(r->bias); free(r->dense); free(r->dense_b);
    free(r);
}

static int all_finite(const float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

int model_reader_check(const ModelReader *r, const Model *m, char *err, size_t errlen) {
    if (!r || !m) { ms_seterr(err, errlen, "reader: no reader or model"); return -1; }
    if (r->V < 3 || r->V > vocab_size(m->vocab) || r->P < 1 || r->P > MODEL_READER_MAX_P || r->F < 1 ||
        r->F > MODEL_READER_MAX_F || r->K < 1 || r->K > MODEL_READER_MAX_K || r->max_len < 1 || r->max_len > MODEL_READER_MAX_LEN) {
        ms_seterr(err, errlen, "reader: sizes out of range (words %d of a vocabulary of %d, numbers a word %d, filters %d, width %d, words read %d)",
                  r->V, vocab_size(m->vocab), r->P, r->F, r->K, r->max_len);
        return -1;
    }
    if (m->n_heads < 2) { ms_seterr(err, errlen, "reader: the model has no script head"); return -1; }
    if (r->out[0] < 0 || r->out[1] < 0 || r->out[0] >= m->n_outputs || r->out[1] >= m->n_outputs || r->out[0] == r->out[1]) {
        ms_seterr(err, errlen, "reader: outputs %d and %d (must be distinct, below %d)", r->out[0], r->out[1], m->n_outputs);
        return -1;
    }
    if (!isfinite(r->a_lin) || !isfinite(r->a_seq) || !all_finite(r->scale, (size_t)r->P) ||
        !all_finite(r->kernel, (size_t)r->K * r->P * r->F) || !all_finite(r->bias, (size_t)r->F) ||
        !all_finite(r->dense, (size_t)r->F * 4) || !all_finite(r->dense_b, 2)) {
        ms_seterr(err, errlen, "reader: a non-finite number");
        return -1;
    }
    return 0;
}

int model_set_reader(Model *m, const ModelReader *r, char *err, size_t errlen) {
    if (!m) { ms_seterr(err, errlen, "reader: no model"); return -1; }
    if (!r) { model_reader_free(m->reader); m->reader = NULL; return 0; }
    if (model_reader_check(r, m, err, errlen)) return -1;
    ModelReader *c = model_reader_new(r->V, r->P, r->F, r->K, r->max_len, err, errlen);
    if (!c) return -1;
    c->out[0] = r->out[0]; c->out[1] = r->out[1];
    c->a_lin = r->a_lin; c->a_seq = r->a_seq;
    memcpy(c->scale, r->scale, sizeof(float) * (size_t)r->P);
    memcpy(c->q, r->q, (size_t)r->V * r->P);
    memcpy(c->kernel, r->kernel, sizeof(float) * (size_t)r->K * r->P * r->F);
    memcpy(c->bias, r->bias, sizeof(float) * (size_t)r->F);
    memcpy(c->dense, r->dense, sizeof(float) * (size_t)r->F * 4);
    memcpy(c->dense_b, r->dense_b, sizeof(float) * 2);
    model_reader_free(m->reader);
    m->reader = c;
    return 0;
}

void model_reader_read(const ModelReader *r, const int32_t *ids, int n, int32_t *work, float out[2]) {
    const int P = r->P, F = r->F, K = r->K;
    int T = 0;
    for (int i = 0; i < n && T < r->max_len; i++) {
        int32_t v = ids[i];
        if (v >= 2 && v < r->V && r->q[(size_t)v * r->P] != MODEL_READER_NO_ROW) work[T++] = v;
    }
    int Tp = T < K ? K : T, To = Tp - K + 1;
    float mx[MODEL_READER_MAX_F], sum[MODEL_READER_MAX_F], h[MODEL_READER_MAX_F], x[MODEL_READER_MAX_P];
    for (int f = 0; f < F; f++) { mx[f] = -INFINITY; sum[f] = 0; }
    for (int t = 0; t < To; t++) {
        memcpy(h, r->bias, sizeof(float) * (size_t)F);
        for (int k = 0; k < K; k++) {
            if (t + k >= T) break;   /* the padding's rows are zero */
            int32_t v = work[t + k];
            const signed char *q = r->q + (size_t)v * P;
            for (int p = 0; p < P; p++) x[p] = r->scale[p] * (float)q[p];
            const float *W = r->kernel + (size_t)k * P * F;
            for (int p = 0; p < P; p++) {
                const float xp = x[p], *w = W + (size_t)p * F;
                for (int f = 0; f < F; f++) h[f] += xp * w[f];
            }
        }
        for (int f = 0; f < F; f++) {
            float a = h[f] > 0 ? h[f] : 0;
            if (a > mx[f]) mx[f] = a;
            sum[f] += a;
        }
    }
    for (int j = 0; j < 2; j++) {
        double o = r->dense_b[j];
        for (int f = 0; f < F; f++) o += (double)mx[f] * r->dense[(size_t)f * 2 + j] + (double)(sum[f] / (float)To) * r->dense[(size_t)(F + f) * 2 + j];
        out[j] = (float)o;
    }
}
