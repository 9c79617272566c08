/* nn_grad.c — backward passes (see nn_grad.h). Native only. */
#include "nn_grad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bow.h"
#include "layers.h"

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

/* ---- layer kinds: the backward column of MODEL_LAYER_KINDS (layers.h) ------ */

/* Each backward reads the LayerStep its forward ran with (ids, in, out,
 * saved state, work) and ADDS dLoss/d weights into grads and dLoss/d input
 * into d_in (NULL below the first layer). */

static float *grad_of(const LayerStep *s, float *grads, int k) {
    return grads + s->m->tensors[s->L->first_tensor + k].offset;
}

static const float *weights_of(const LayerStep *s, int k) { return layer_tensor(s->m, s->L, k); }

static int lstm_return_sequences(const ModelLayer *L) { return (L->spec.flags & LAYER_RETURN_SEQUENCES) != 0; }

static void embedding_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    embedding_backward(grad_of(s, grads, 0), d_out, s->ids, s->m->seq_len, vocab_size(s->m->vocab), s->L->spec.units);
}

static void dropout_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    const ModelLayer *L = s->L;
    if (d_in) dropout_backward(d_in, d_out, s->saved, (size_t)(L->out_t ? L->out_t : 1) * L->out_c);
}

static void conv1d_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    const ModelLayer *L = s->L;
    conv1d_backward(d_in, grad_of(s, grads, 0), grad_of(s, grads, 1), d_out, s->out, s->in, weights_of(s, 0),
                    L->in_t, L->in_c, L->spec.units, L->spec.size, L->spec.act);
}

static void maxpool1d_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    if (d_in) maxpool1d_backward(d_in, d_out, s->saved_ints, s->L->out_t, s->L->in_c);
}

static void lstm_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    const ModelLayer *L = s->L;
    lstm_backward(d_in, grad_of(s, grads, 0), grad_of(s, grads, 1), grad_of(s, grads, 2), d_out, s->in, s->saved,
                  weights_of(s, 0), weights_of(s, 1), L->in_t, L->in_c, L->spec.units, lstm_return_sequences(L), 0,
                  s->work);
}

/* Splits d_out [R][2H] into the two directions' halves (in work, where the
 * forward kept its direction outputs), then each direction's backward. */
static void bilstm_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    const ModelLayer *L = s->L;
    int T = L->in_t, H = L->spec.units, seq = lstm_return_sequences(L), R = seq ? T : 1;
    float *df = s->work, *db = df + (size_t)R * H, *scratch = db + (size_t)R * H;
    for (int r = 0; r < R; r++) {
        memcpy(df + (size_t)r * H, d_out + (size_t)r * 2 * H, (size_t)H * sizeof(float));
        memcpy(db + (size_t)r * H, d_out + (size_t)r * 2 * H + H, (size_t)H * sizeof(float));
    }
    const float *bwd_cache = s->saved + (size_t)T * LSTM_CACHE_PER_UNIT * H;
    lstm_backward(d_in, grad_of(s, grads, 0), grad_of(s, grads, 1), grad_of(s, grads, 2), df, s->in, s->saved,
                  weights_of(s, 0), weights_of(s, 1), T, L->in_c, H, seq, 0, scratch);
    lstm_backward(d_in, grad_of(s, grads, 3), grad_of(s, grads, 4), grad_of(s, grads, 5), db, s->in, bwd_cache,
                  weights_of(s, 3), weights_of(s, 4), T, L->in_c, H, seq, 1, scratch);
}

static void dense_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    const ModelLayer *L = s->L;
    dense_backward(d_in, grad_of(s, grads, 0), grad_of(s, grads, 1), d_out, s->out, s->in, weights_of(s, 0),
                   L->in_t ? L->in_t : 1, L->in_c, L->spec.units, L->spec.act);
}

static void gap1d_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    if (d_in) gap1d_backward(d_in, d_out, s->L->in_t, s->L->in_c);
}

static void gmp1d_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    if (d_in) gmp1d_backward(d_in, d_out, s->saved_ints, s->L->in_t, s->L->in_c);
}

static void meanpool_masked_layer_backward(const LayerStep *s, const float *d_out, float *d_in, float *grads) {
    if (d_in) meanpool_masked_backward(d_in, d_out, s->ids, s->L->in_t, s->L->in_c);
}

typedef void (*LayerBackwardFn)(const LayerStep *s, const float *d_out, float *d_in, float *grads);

static const LayerBackwardFn BACKWARD[] = {
#define BACKWARD_ROW(type, name, flags, shape, init, forward, fast, memory, backward) [type] = backward,
    MODEL_LAYER_KINDS(BACKWARD_ROW)
#undef BACKWARD_ROW
};

/* ---- whole model --------------------------------------------------------- */

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
    c->saved = calloc((size_t)n, sizeof(float *));
    c->saved_ints = calloc((size_t)n, sizeof(int32_t *));
    if (!c->act || !c->dact || !c->size || !c->saved || !c->saved_ints) {
        model_cache_free(c);
        return NULL;
    }
    /* two passes: count, then point */
    for (int pass = 0; pass < 2; pass++) {
        size_t nf = 0, ni = c->seq_len;
        for (int l = 0; l < n; l++) {
            const ModelLayer *L = &m->layers[l];
            LayerMemory need = layer_memory(L);
            size_t sz = (L->out_t ? (size_t)L->out_t : 1) * (size_t)L->out_c;
            c->size[l] = sz;
#define TAKE(ptr, k) do { if (pass) (ptr) = c->block + nf; nf += (k); } while (0)
#define TAKEI(ptr, k) do { if (pass) (ptr) = c->iblock + ni; ni += (k); } while (0)
            TAKE(c->act[l], sz);
            TAKE(c->dact[l], sz);
            if (need.saved_floats) TAKE(c->saved[l], need.saved_floats);
            if (need.saved_ints) TAKEI(c->saved_ints[l], need.saved_ints);
#undef TAKE
#undef TAKEI
        }
        if (pass) c->work = c->block + nf;
        nf += layers_max_work(m);
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
    free(c->act); free(c->dact); free(c->size); free(c->saved); free(c->saved_ints);
    free(c->block); free(c->iblock);
    free(c);
}

int model_forward_train(const Model *m, ModelCache *c, const int32_t *ids, int train,
                        uint64_t *rng, float *out_z) {
    if (!m || !c || !ids || c->n_layers != m->n_layers || c->n_params != m->n_params ||
        c->seq_len != (size_t)m->seq_len)
        return -1;
    memcpy(c->ids, ids, c->seq_len * sizeof(int32_t));
    const float *last = layers_forward(m, c->ids, c, train ? rng : NULL, NULL);
    if (out_z) memcpy(out_z, last, (size_t)m->n_outputs * sizeof(float));
    return 0;
}

void model_backward(const Model *m, ModelCache *c, const float *d_out_z, float *grads) {
    if (!m || !c || !d_out_z || !grads || c->n_layers != m->n_layers) return;
    int n = m->n_layers;
    for (int l = 0; l < n; l++) memset(c->dact[l], 0, c->size[l] * sizeof(float));
    memcpy(c->dact[n - 1], d_out_z, (size_t)m->n_outputs * sizeof(float));
    for (int l = n - 1; l >= 0; l--) {
        LayerBackwardFn backward = BACKWARD[m->layers[l].spec.type];
        if (!backward) continue;
        LayerStep s = {.m = m, .L = &m->layers[l], .ids = c->ids, .in = l ? c->act[l - 1] : NULL,
                       .out = c->act[l], .work = c->work, .saved = c->saved[l], .saved_ints = c->saved_ints[l]};
        backward(&s, c->dact[l], l ? c->dact[l - 1] : NULL, grads);
    }
}
