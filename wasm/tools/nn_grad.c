/* nn_grad.c — backward passes (see nn_grad.h). Native only. */
#include "nn_grad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bow.h"

static float act_grad(float out, int act) {
    switch (act) {
    case NN_ACT_RELU: return out > 0.0f ? 1.0f : 0.0f;
    case NN_ACT_TANH: return 1.0f - out * out;
    case NN_ACT_SIGMOID: return out * (1.0f - out);
    default: return 1.0f;
    }
}

void nn_activation_backward(float *d, const float *out, size_t n, int act) {
    if (act == NN_ACT_LINEAR) return;
    for (size_t i = 0; i < n; i++) d[i] *= act_grad(out[i], act);
}

void embedding_backward(float *d_table, const float *d_out, const int32_t *ids, int T, int V, int D) {
    for (int t = 0; t < T; t++) {
        int id = ids[t];
        if (id < 0 || id >= V) id = V > 1 ? 1 : 0;
        float *g = d_table + (size_t)id * D;
        const float *d = d_out + (size_t)t * D;
        for (int k = 0; k < D; k++) g[k] += d[k];
    }
}

void conv1d_backward(float *d_in, float *d_kernel, float *d_bias, const float *d_out,
                     const float *out, const float *in, const float *kernel,
                     int T, int C, int F, int K, int act) {
    /* With the kernel and its gradient transposed to [F][K*C], both updates
     * of a time step are axpys over the contiguous input window in[t..t+K-1]
     * (which vectorise), and a filter whose gradient is zero at t (after
     * max-pooling and ReLU, most of them) is skipped. Same sums as the plain
     * loops, in a different order. */
    int To = T - K + 1, KC = K * C;
    float *wt = malloc((size_t)KC * F * 2 * sizeof(float) + (size_t)F * sizeof(float));
    int *nz = malloc((size_t)F * sizeof(int));
    if (!wt || !nz) { free(wt); free(nz); return; }   /* cannot happen for sane sizes */
    float *dwt = wt + (size_t)KC * F, *g = dwt + (size_t)KC * F;
    for (int j = 0; j < KC; j++)
        for (int f = 0; f < F; f++) wt[(size_t)f * KC + j] = kernel[(size_t)j * F + f];
    memset(dwt, 0, (size_t)KC * F * sizeof(float));
    for (int t = 0; t < To; t++) {
        const float *d = d_out + (size_t)t * F, *o = out + (size_t)t * F;
        int n = 0;
        for (int f = 0; f < F; f++) {
            g[f] = d[f] * act_grad(o[f], act);
            if (g[f] != 0.0f) nz[n++] = f;
        }
        if (d_bias) for (int f = 0; f < F; f++) d_bias[f] += g[f];
        const float *x = in + (size_t)t * C;
        float *dx = d_in ? d_in + (size_t)t * C : NULL;
        for (int q = 0; q < n; q++) {
            int f = nz[q];
            float gv = g[f];
            float *dw = dwt + (size_t)f * KC;
            const float *w = wt + (size_t)f * KC;
            for (int j = 0; j < KC; j++) dw[j] += gv * x[j];
            if (dx) for (int j = 0; j < KC; j++) dx[j] += gv * w[j];
        }
    }
    for (int j = 0; j < KC; j++)
        for (int f = 0; f < F; f++) d_kernel[(size_t)j * F + f] += dwt[(size_t)f * KC + j];
    free(wt);
    free(nz);
}

void maxpool1d_backward(float *d_in, const float *d_out, const int32_t *argmax, int To, int C) {
    for (int to = 0; to < To; to++)
        for (int c = 0; c < C; c++) {
            size_t k = (size_t)to * C + c;
            d_in[(size_t)argmax[k] * C + c] += d_out[k];
        }
}

/* sum_j a[j]*b[j] with 8 partial sums, so the compiler can vectorise it
 * without reassociating (-ffast-math is not used). */
static float dot8(const float *a, const float *b, int n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int j = 0;
    for (; j + 8 <= n; j += 8)
        for (int k = 0; k < 8; k++) s[k] += a[j + k] * b[j + k];
    float r = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; j < n; j++) r += a[j] * b[j];
    return r;
}

void lstm_backward(float *d_in, float *d_kernel, float *d_recurrent, float *d_bias,
                   const float *d_out, const float *in, const float *cache,
                   const float *kernel, const float *recurrent,
                   int T, int C, int H, int return_sequences, int reverse, float *scratch) {
    int G = 4 * H, S = LSTM_CACHE_PER_UNIT * H;
    float *dz = scratch, *dh = scratch + G, *dc = dh + H, *dhp = dc + H;
    memset(dh, 0, (size_t)H * sizeof(float));
    memset(dc, 0, (size_t)H * sizeof(float));
    if (!return_sequences) memcpy(dh, d_out, (size_t)H * sizeof(float));
    for (int s = T - 1; s >= 0; s--) {
        int t = reverse ? T - 1 - s : s;
        const float *cs = cache + (size_t)s * S;
        const float *gi = cs, *gf = cs + H, *gg = cs + 2 * H, *go = cs + 3 * H, *c = cs + 4 * H;
        const float *cprev = s > 0 ? cache + (size_t)(s - 1) * S + 4 * H : NULL;
        const float *hprev = s > 0 ? cache + (size_t)(s - 1) * S + 5 * H : NULL;
        if (return_sequences) {
            const float *d = d_out + (size_t)t * H;
            for (int j = 0; j < H; j++) dh[j] += d[j];
        }
        for (int j = 0; j < H; j++) {
            float tc = tanhf(c[j]);
            float dcj = dc[j] + dh[j] * go[j] * (1.0f - tc * tc);
            float dzo = dh[j] * tc * go[j] * (1.0f - go[j]);
            float dzi = dcj * gg[j] * gi[j] * (1.0f - gi[j]);
            float dzg = dcj * gi[j] * (1.0f - gg[j] * gg[j]);
            float dzf = cprev ? dcj * cprev[j] * gf[j] * (1.0f - gf[j]) : 0.0f;
            dz[j] = dzi; dz[H + j] = dzf; dz[2 * H + j] = dzg; dz[3 * H + j] = dzo;
            dc[j] = dcj * gf[j];   /* to step s-1 */
        }
        for (int j = 0; j < G; j++) d_bias[j] += dz[j];
        const float *x = in + (size_t)t * C;
        float *dx = d_in ? d_in + (size_t)t * C : NULL;
        for (int k = 0; k < C; k++) {
            float xv = x[k];
            float *dw = d_kernel + (size_t)k * G;
            if (xv != 0.0f) for (int j = 0; j < G; j++) dw[j] += xv * dz[j];
            if (dx) dx[k] += dot8(kernel + (size_t)k * G, dz, G);
        }
        for (int k = 0; k < H; k++) {
            float *dw = d_recurrent + (size_t)k * G;
            if (hprev) { float hv = hprev[k]; for (int j = 0; j < G; j++) dw[j] += hv * dz[j]; }
            dhp[k] = dot8(recurrent + (size_t)k * G, dz, G);
        }
        memcpy(dh, dhp, (size_t)H * sizeof(float));
    }
}

void dense_backward(float *d_in, float *d_kernel, float *d_bias, const float *d_out,
                    const float *out, const float *in, const float *kernel,
                    int N, int I, int O, int act) {
    float *g = malloc((size_t)O * sizeof(float));
    if (!g) return;
    for (int n = 0; n < N; n++) {
        const float *d = d_out + (size_t)n * O, *o = out + (size_t)n * O;
        for (int j = 0; j < O; j++) g[j] = d[j] * act_grad(o[j], act);
        if (d_bias) for (int j = 0; j < O; j++) d_bias[j] += g[j];
        const float *x = in + (size_t)n * I;
        float *dx = d_in ? d_in + (size_t)n * I : NULL;
        for (int i = 0; i < I; i++) {
            float xv = x[i], acc = 0.0f;
            float *dw = d_kernel + (size_t)i * O;
            const float *w = kernel + (size_t)i * O;
            for (int j = 0; j < O; j++) { dw[j] += xv * g[j]; acc += w[j] * g[j]; }
            if (dx) dx[i] += acc;
        }
    }
    free(g);
}

void gap1d_backward(float *d_in, const float *d_out, int T, int C) {
    float inv = 1.0f / (float)T;
    for (int t = 0; t < T; t++)
        for (int c = 0; c < C; c++) d_in[(size_t)t * C + c] += d_out[c] * inv;
}

void gmp1d_backward(float *d_in, const float *d_out, const int32_t *argmax, int T, int C) {
    (void)T;
    for (int c = 0; c < C; c++) d_in[(size_t)argmax[c] * C + c] += d_out[c];
}

void meanpool_masked_backward(float *d_in, const float *d_out, const int32_t *ids, int T, int C) {
    int n = 0;
    for (int t = 0; t < T; t++) n += ids[t] != 0;
    if (!n) return;
    float inv = 1.0f / (float)n;
    for (int t = 0; t < T; t++) {
        if (!ids[t]) continue;
        for (int c = 0; c < C; c++) d_in[(size_t)t * C + c] += d_out[c] * inv;
    }
}

void dropout_backward(float *d_in, const float *d_out, const float *mask, size_t n) {
    for (size_t i = 0; i < n; i++) d_in[i] += d_out[i] * mask[i];
}

/* ---- whole model --------------------------------------------------------- */

struct ModelCache {
    int n_layers;
    size_t n_params, seq_len;
    float **act;       /* [l] output of layer l */
    float **dact;      /* [l] gradient w.r.t. output of layer l */
    size_t *size;      /* [l] floats in act[l] */
    float **mask;      /* dropout masks */
    int32_t **argmax;  /* maxpool / gmp */
    float **lcache;    /* LSTM caches: [2*l] forward, [2*l+1] backward direction */
    float **seqtmp;    /* BILSTM: [2*l], [2*l+1] per-direction outputs / grads */
    float *lscratch;   /* lstm_forward / lstm_backward scratch */
    int32_t *ids;      /* copy of the last input */
    float *block;      /* all float buffers, one allocation */
    int32_t *iblock;
};

static size_t seq_rows(const ModelLayer *L) { return L->out_t ? (size_t)L->out_t : 1; }

ModelCache *model_cache_new(const Model *m) {
    if (!m) return NULL;
    int n = m->n_layers;
    ModelCache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n_layers = n;
    c->n_params = m->n_params;
    c->seq_len = (size_t)m->seq_len;
    c->act = calloc((size_t)n, sizeof(float *));
    c->dact = calloc((size_t)n, sizeof(float *));
    c->size = calloc((size_t)n, sizeof(size_t));
    c->mask = calloc((size_t)n, sizeof(float *));
    c->argmax = calloc((size_t)n, sizeof(int32_t *));
    c->lcache = calloc((size_t)n * 2, sizeof(float *));
    c->seqtmp = calloc((size_t)n * 2, sizeof(float *));
    if (!c->act || !c->dact || !c->size || !c->mask || !c->argmax || !c->lcache || !c->seqtmp) {
        model_cache_free(c);
        return NULL;
    }
    /* two passes: count, then point */
    size_t hmax = 1;
    for (int pass = 0; pass < 2; pass++) {
        size_t nf = 0, ni = c->seq_len;
        for (int l = 0; l < n; l++) {
            const ModelLayer *L = &m->layers[l];
            size_t sz = seq_rows(L) * (size_t)L->out_c;
            c->size[l] = sz;
#define TAKE(ptr, k) do { if (pass) (ptr) = c->block + nf; nf += (k); } while (0)
#define TAKEI(ptr, k) do { if (pass) (ptr) = c->iblock + ni; ni += (k); } while (0)
            TAKE(c->act[l], sz);
            TAKE(c->dact[l], sz);
            if (L->spec.type == LAYER_DROPOUT) TAKE(c->mask[l], sz);
            if (L->spec.type == LAYER_MAXPOOL1D || L->spec.type == LAYER_GMP1D) TAKEI(c->argmax[l], sz);
            if (L->spec.type == LAYER_LSTM || L->spec.type == LAYER_BILSTM) {
                size_t H = (size_t)L->spec.units, T = (size_t)L->in_t;
                if (H > hmax) hmax = H;
                TAKE(c->lcache[2 * l], T * LSTM_CACHE_PER_UNIT * H);
                if (L->spec.type == LAYER_BILSTM) {
                    TAKE(c->lcache[2 * l + 1], T * LSTM_CACHE_PER_UNIT * H);
                    size_t R = L->out_t ? (size_t)L->out_t : 1;
                    TAKE(c->seqtmp[2 * l], R * H);
                    TAKE(c->seqtmp[2 * l + 1], R * H);
                }
            }
#undef TAKE
#undef TAKEI
        }
        size_t scr = LSTM_SCRATCH(hmax) > LSTM_GRAD_SCRATCH(hmax) ? LSTM_SCRATCH(hmax) : LSTM_GRAD_SCRATCH(hmax);
        if (pass) c->lscratch = c->block + nf;
        nf += scr;
        if (!pass) {
            c->block = calloc(nf, sizeof(float));
            c->iblock = calloc(ni, sizeof(int32_t));
            if (!c->block || !c->iblock) { model_cache_free(c); return NULL; }
        } else {
            c->ids = c->iblock;
        }
    }
    return c;
}

void model_cache_free(ModelCache *c) {
    if (!c) return;
    free(c->act); free(c->dact); free(c->size); free(c->mask); free(c->argmax);
    free(c->lcache); free(c->seqtmp); free(c->block); free(c->iblock);
    free(c);
}

static const float *tens(const Model *m, const ModelLayer *L, int k) {
    return m->params + m->tensors[L->first_tensor + k].offset;
}

static float *gtens(const Model *m, float *grads, const ModelLayer *L, int k) {
    return grads + m->tensors[L->first_tensor + k].offset;
}

int model_forward_train(const Model *m, ModelCache *c, const int32_t *ids, int train,
                        uint64_t *rng, float *out_z) {
    if (!m || !c || !ids || c->n_layers != m->n_layers || c->n_params != m->n_params ||
        c->seq_len != (size_t)m->seq_len)
        return -1;
    memcpy(c->ids, ids, c->seq_len * sizeof(int32_t));
    int V = vocab_size(m->vocab);
    for (int l = 0; l < m->n_layers; l++) {
        const ModelLayer *L = &m->layers[l];
        const LayerSpec *s = &L->spec;
        const float *in = l ? c->act[l - 1] : NULL;
        float *out = c->act[l];
        int T = L->in_t, C = L->in_c, N = T ? T : 1;
        switch (s->type) {
        case LAYER_EMBEDDING:
            embedding_forward(out, c->ids, tens(m, L, 0), m->seq_len, V, s->units);
            break;
        case LAYER_TFIDF:
            tfidf_forward(out, c->ids, tens(m, L, 0), m->seq_len, V);
            break;
        case LAYER_TFIDF_WORDMEAN:
            tfidf_forward(out, c->ids, tens(m, L, 0), m->seq_len, s->units);
            wordmean_forward(out + s->units, c->ids, tens(m, L, 1), m->seq_len, V, s->size);
            break;
        case LAYER_DROPOUT:
            if (train && rng) dropout_forward_train(out, c->mask[l], in, c->size[l], s->rate, rng);
            else dropout_forward_train(out, c->mask[l], in, c->size[l], 0.0f, NULL);
            break;
        case LAYER_CONV1D:
            conv1d_forward(out, in, tens(m, L, 0), tens(m, L, 1), T, C, s->units, s->size, s->act);
            break;
        case LAYER_MAXPOOL1D:
            maxpool1d_forward(out, c->argmax[l], in, T, C, s->size);
            break;
        case LAYER_LSTM:
            lstm_forward(out, in, tens(m, L, 0), tens(m, L, 1), tens(m, L, 2), T, C, s->units,
                         (s->flags & LAYER_RETURN_SEQUENCES) != 0, 0, c->lcache[2 * l], c->lscratch);
            break;
        case LAYER_BILSTM: {
            int H = s->units, seq = (s->flags & LAYER_RETURN_SEQUENCES) != 0, R = seq ? T : 1;
            float *f = c->seqtmp[2 * l], *b = c->seqtmp[2 * l + 1];
            lstm_forward(f, in, tens(m, L, 0), tens(m, L, 1), tens(m, L, 2), T, C, H, seq, 0, c->lcache[2 * l], c->lscratch);
            lstm_forward(b, in, tens(m, L, 3), tens(m, L, 4), tens(m, L, 5), T, C, H, seq, 1, c->lcache[2 * l + 1], c->lscratch);
            bilstm_concat(out, f, b, R, H);
            break;
        }
        case LAYER_DENSE:
            dense_forward(out, in, tens(m, L, 0), tens(m, L, 1), N, C, s->units, s->act);
            break;
        case LAYER_GAP1D:
            gap1d_forward(out, in, T, C);
            break;
        case LAYER_GMP1D:
            gmp1d_forward(out, c->argmax[l], in, T, C);
            break;
        case LAYER_MEANPOOL_MASKED:
            meanpool_masked_forward(out, in, c->ids, T, C);
            break;
        default: return -1;
        }
    }
    if (out_z) memcpy(out_z, c->act[m->n_layers - 1], (size_t)m->n_outputs * sizeof(float));
    return 0;
}

void model_backward(const Model *m, ModelCache *c, const float *d_out_z, float *grads) {
    if (!m || !c || !d_out_z || !grads || c->n_layers != m->n_layers) return;
    int n = m->n_layers, V = vocab_size(m->vocab);
    for (int l = 0; l < n; l++) memset(c->dact[l], 0, c->size[l] * sizeof(float));
    memcpy(c->dact[n - 1], d_out_z, (size_t)m->n_outputs * sizeof(float));
    for (int l = n - 1; l >= 0; l--) {
        const ModelLayer *L = &m->layers[l];
        const LayerSpec *s = &L->spec;
        const float *in = l ? c->act[l - 1] : NULL;
        float *din = l ? c->dact[l - 1] : NULL;
        const float *dout = c->dact[l], *out = c->act[l];
        int T = L->in_t, C = L->in_c, N = T ? T : 1;
        switch (s->type) {
        case LAYER_EMBEDDING:
            embedding_backward(gtens(m, grads, L, 0), dout, c->ids, m->seq_len, V, s->units);
            break;
        case LAYER_TFIDF:
        case LAYER_TFIDF_WORDMEAN:
            break;   /* idf and the word table are fixed */
        case LAYER_DROPOUT:
            if (din) dropout_backward(din, dout, c->mask[l], c->size[l]);
            break;
        case LAYER_CONV1D:
            conv1d_backward(din, gtens(m, grads, L, 0), gtens(m, grads, L, 1), dout, out, in,
                            tens(m, L, 0), T, C, s->units, s->size, s->act);
            break;
        case LAYER_MAXPOOL1D:
            if (din) maxpool1d_backward(din, dout, c->argmax[l], L->out_t, C);
            break;
        case LAYER_LSTM:
            lstm_backward(din, gtens(m, grads, L, 0), gtens(m, grads, L, 1), gtens(m, grads, L, 2), dout, in,
                          c->lcache[2 * l], tens(m, L, 0), tens(m, L, 1), T, C, s->units,
                          (s->flags & LAYER_RETURN_SEQUENCES) != 0, 0, c->lscratch);
            break;
        case LAYER_BILSTM: {
            int H = s->units, seq = (s->flags & LAYER_RETURN_SEQUENCES) != 0, R = seq ? T : 1;
            float *df = c->seqtmp[2 * l], *db = c->seqtmp[2 * l + 1];   /* forward outputs no longer needed */
            for (int r = 0; r < R; r++) {
                memcpy(df + (size_t)r * H, dout + (size_t)r * 2 * H, (size_t)H * sizeof(float));
                memcpy(db + (size_t)r * H, dout + (size_t)r * 2 * H + H, (size_t)H * sizeof(float));
            }
            lstm_backward(din, gtens(m, grads, L, 0), gtens(m, grads, L, 1), gtens(m, grads, L, 2), df, in,
                          c->lcache[2 * l], tens(m, L, 0), tens(m, L, 1), T, C, H, seq, 0, c->lscratch);
            lstm_backward(din, gtens(m, grads, L, 3), gtens(m, grads, L, 4), gtens(m, grads, L, 5), db, in,
                          c->lcache[2 * l + 1], tens(m, L, 3), tens(m, L, 4), T, C, H, seq, 1, c->lscratch);
            break;
        }
        case LAYER_DENSE:
            dense_backward(din, gtens(m, grads, L, 0), gtens(m, grads, L, 1), dout, out, in,
                           tens(m, L, 0), N, C, s->units, s->act);
            break;
        case LAYER_GAP1D:
            if (din) gap1d_backward(din, dout, T, C);
            break;
        case LAYER_GMP1D:
            if (din) gmp1d_backward(din, dout, c->argmax[l], T, C);
            break;
        case LAYER_MEANPOOL_MASKED:
            if (din) meanpool_masked_backward(din, dout, c->ids, T, C);
            break;
        default: break;
        }
    }
}
