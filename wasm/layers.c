/* layers.c — the layer kinds: shape rule, tensors, initialisation and
 * forward of each (see layers.h), and the one forward pass. */
#include "layers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bow.h"
#include "err.h"
#include "nn_fast.h"

/* ---- helpers --------------------------------------------------------------- */

static int return_sequences(const ModelLayer *L) { return (L->spec.flags & LAYER_RETURN_SEQUENCES) != 0; }

/* Rows of a layer's output / input ([T][C] → T, a vector → 1). */
static int out_rows(const ModelLayer *L) { return L->out_t ? L->out_t : 1; }
static int in_rows(const ModelLayer *L) { return L->in_t ? L->in_t : 1; }

static const float *tensor_of(const LayerStep *s, int k) { return layer_tensor(s->m, s->L, k); }

static void fill_uniform(float *p, size_t n, float lim, uint64_t *rng) {
    for (size_t i = 0; i < n; i++) p[i] = (2.0f * nn_rng_uniform(rng) - 1.0f) * lim;
}

/* Keras Orthogonal for a [H][4H] kernel: orthonormalise the columns of a
 * normal [4H][H] matrix (modified Gram–Schmidt), then transpose. */
static void fill_orthogonal(float *p, int H, uint64_t *rng) {
    int R = 4 * H;
    double *a = malloc((size_t)R * H * sizeof(double));
    if (!a) { fill_uniform(p, (size_t)H * R, sqrtf(6.0f / (float)(H + R)), rng); return; }
    for (size_t i = 0; i < (size_t)R * H; i++) a[i] = nn_rng_normal(rng);
    for (int j = 0; j < H; j++) {            /* column j of a[R][H] */
        for (int k = 0; k < j; k++) {
            double d = 0;
            for (int r = 0; r < R; r++) d += a[(size_t)r * H + j] * a[(size_t)r * H + k];
            for (int r = 0; r < R; r++) a[(size_t)r * H + j] -= d * a[(size_t)r * H + k];
        }
        double nrm = 0;
        for (int r = 0; r < R; r++) nrm += a[(size_t)r * H + j] * a[(size_t)r * H + j];
        nrm = sqrt(nrm);
        if (nrm < 1e-12) nrm = 1;
        for (int r = 0; r < R; r++) a[(size_t)r * H + j] /= nrm;
    }
    for (int i = 0; i < H; i++)
        for (int r = 0; r < R; r++) p[(size_t)i * R + r] = (float)a[(size_t)r * H + i];
    free(a);
}

static float *param_of(Model *m, const ModelLayer *L, int k) {
    return m->params + m->tensors[L->first_tensor + k].offset;
}

/* Tensor k glorot-uniform: uniform(±sqrt(6 / (fan_in + fan_out))). */
static void glorot_init(Model *m, const ModelLayer *L, int k, int fan_in, int fan_out, uint64_t *rng) {
    const ModelTensor *t = &m->tensors[L->first_tensor + k];
    fill_uniform(param_of(m, L, k), (size_t)t->rows * t->cols, sqrtf(6.0f / (float)(fan_in + fan_out)), rng);
}

/* ---- embedding: [S] ids → [S][D]; table[V][D] ------------------------------ */

static int embedding_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    *C = m->layers[l].spec.units;
    return model_add_tensor(m, l, "table", (uint64_t)vocab, (uint64_t)*C, err, errlen);
}

static void embedding_layer_init(Model *m, const ModelLayer *L, uint64_t *rng) {
    const ModelTensor *t = &m->tensors[L->first_tensor];
    fill_uniform(param_of(m, L, 0), (size_t)t->rows * t->cols, 0.05f, rng);
}

static void embedding_layer_forward(const LayerStep *s) {
    embedding_forward(s->out, s->ids, tensor_of(s, 0), s->m->seq_len, vocab_size(s->m->vocab), s->L->spec.units);
}

static void embedding_layer_fast(const LayerBatch *b) {
    int SL = b->m->seq_len;
    for (int n = 0; n < b->n; n++) {
        embedding_forward(b->out + n * b->stride, b->ids + (size_t)n * SL, layer_tensor(b->m, b->L, 0), SL,
                          vocab_size(b->m->vocab), b->L->spec.units);
        b->same[n] = pad_tail(b->ids + (size_t)n * SL, SL);
    }
}

/* ---- tfidf: [S] ids → [V] (bow.h); idf[1][V], fixed ------------------------- */

static int tfidf_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    *T = 0; *C = vocab;
    return model_add_tensor(m, l, "idf", 1, (uint64_t)vocab, err, errlen);
}

/* TF-IDF kinds start with idf all 1 (training sets the real idf); a word
 * table stays 0. */
static void idf_ones_init(Model *m, const ModelLayer *L, uint64_t *rng) {
    const ModelTensor *t = &m->tensors[L->first_tensor];
    for (int i = 0; i < t->cols; i++) m->params[t->offset + i] = 1.0f;
}

static void tfidf_layer_forward(const LayerStep *s) {
    tfidf_forward(s->out, s->ids, tensor_of(s, 0), s->m->seq_len, vocab_size(s->m->vocab));
}

/* ---- tfidf_wordmean: [S] ids → [W + K]; idf[1][W], table[V][K], fixed ------- */

static int tfidf_wordmean_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    const LayerSpec *s = &m->layers[l].spec;
    if (s->units < 2 || s->units > vocab || s->size < 1) {
        ms_seterr(err, errlen, "layer %d (tfidf_wordmean): %d TF-IDF slots (must be 2..%d, the vocabulary) and table width %d (>= 1)",
                  l, s->units, vocab, s->size);
        return -1;
    }
    *T = 0; *C = s->units + s->size;
    if (model_add_tensor(m, l, "idf", 1, (uint64_t)s->units, err, errlen)) return -1;
    return model_add_tensor(m, l, "table", (uint64_t)vocab, (uint64_t)s->size, err, errlen);
}

static void tfidf_wordmean_layer_forward(const LayerStep *s) {
    int W = s->L->spec.units;
    tfidf_forward(s->out, s->ids, tensor_of(s, 0), s->m->seq_len, W);
    wordmean_forward(s->out + W, s->ids, tensor_of(s, 1), s->m->seq_len, vocab_size(s->m->vocab), s->L->spec.size);
}

/* ---- dropout: identity at inference; mask kept in training ----------------- */

static int dropout_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    float rate = m->layers[l].spec.rate;
    if (!(rate >= 0.0f && rate < 1.0f)) {
        ms_seterr(err, errlen, "layer %d (dropout): rate %g not in [0, 1)", l, (double)rate);
        return -1;
    }
    return 0;
}

static void dropout_layer_memory(const ModelLayer *L, LayerMemory *need) {
    need->saved_floats = (size_t)out_rows(L) * L->out_c;   /* the mask */
}

static void dropout_layer_forward(const LayerStep *s) {
    dropout_forward_train(s->out, s->saved, s->in, (size_t)out_rows(s->L) * s->L->out_c,
                          s->rng ? s->L->spec.rate : 0.0f, s->rng);
}

/* ---- conv1d: [T][C] → [T-K+1][F]; kernel[K*C][F], bias[F] ------------------- */

static int conv1d_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    const LayerSpec *s = &m->layers[l].spec;
    if (s->size < 1 || s->size > *T) {
        ms_seterr(err, errlen, "layer %d (conv1d): kernel size %d does not fit the %d steps of its input", l, s->size, *T);
        return -1;
    }
    if (model_add_tensor(m, l, "kernel", (uint64_t)s->size * (uint64_t)*C, (uint64_t)s->units, err, errlen) ||
        model_add_tensor(m, l, "bias", 1, (uint64_t)s->units, err, errlen))
        return -1;
    *T = *T - s->size + 1; *C = s->units;
    return 0;
}

static void conv1d_layer_init(Model *m, const ModelLayer *L, uint64_t *rng) {
    int K = L->spec.size;
    glorot_init(m, L, 0, K * L->in_c, K * L->spec.units, rng);
}

static void conv1d_layer_forward(const LayerStep *s) {
    const ModelLayer *L = s->L;
    conv1d_forward(s->out, s->in, tensor_of(s, 0), tensor_of(s, 1), L->in_t, L->in_c, L->spec.units, L->spec.size,
                   L->spec.act);
}

static void conv1d_layer_fast(const LayerBatch *b) {
    const ModelLayer *L = b->L;
    for (int n = 0; n < b->n; n++) {
        conv1d_forward(b->out + n * b->stride, b->in + n * b->stride, layer_tensor(b->m, L, 0), layer_tensor(b->m, L, 1),
                       L->in_t, L->in_c, L->spec.units, L->spec.size, L->spec.act);
        if (b->same[n] > L->out_t) b->same[n] = L->out_t;
    }
}

/* ---- maxpool1d: [T][C] → [T/P][C]; argmax kept in training ------------------ */

static int maxpool1d_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    int P = m->layers[l].spec.size;
    if (P < 1 || *T / P < 1) {
        ms_seterr(err, errlen, "layer %d (maxpool1d): pool size %d does not fit the %d steps of its input", l, P, *T);
        return -1;
    }
    *T = *T / P;
    return 0;
}

/* maxpool1d and gmp1d keep the input row of each output value. */
static void argmax_layer_memory(const ModelLayer *L, LayerMemory *need) {
    need->saved_ints = (size_t)out_rows(L) * L->out_c;
}

static void maxpool1d_layer_forward(const LayerStep *s) {
    maxpool1d_forward(s->out, s->saved_ints, s->in, s->L->in_t, s->L->in_c, s->L->spec.size);
}

static void maxpool1d_layer_fast(const LayerBatch *b) {
    const ModelLayer *L = b->L;
    int P = L->spec.size;
    for (int n = 0; n < b->n; n++) {
        maxpool1d_forward(b->out + n * b->stride, NULL, b->in + n * b->stride, L->in_t, L->in_c, P);
        int q = (b->same[n] + P - 1) / P;
        b->same[n] = q < L->out_t ? q : L->out_t;
    }
}

/* ---- lstm / bilstm: [T][C] → [H] or [T][H] (bilstm 2H); per direction
 * kernel[C][4H], recurrent[H][4H], bias[4H] --------------------------------- */

static int lstm_directions(const ModelLayer *L) { return L->spec.type == LAYER_BILSTM ? 2 : 1; }

static int lstm_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    ModelLayer *L = &m->layers[l];
    uint64_t H = (uint64_t)L->spec.units;
    for (int dir = 0; dir < lstm_directions(L); dir++)
        if (model_add_tensor(m, l, dir ? "bwd_kernel" : "kernel", (uint64_t)*C, 4 * H, err, errlen) ||
            model_add_tensor(m, l, dir ? "bwd_recurrent" : "recurrent", H, 4 * H, err, errlen) ||
            model_add_tensor(m, l, dir ? "bwd_bias" : "bias", 1, 4 * H, err, errlen))
            return -1;
    *C = L->spec.units * lstm_directions(L);
    if (!return_sequences(L)) *T = 0;
    return 0;
}

/* Kernels glorot-uniform, recurrent kernels orthogonal, forget-gate biases 1
 * (Keras unit_forget_bias). */
static void lstm_layer_init(Model *m, const ModelLayer *L, uint64_t *rng) {
    int H = L->spec.units;
    for (int d = 0; d < lstm_directions(L); d++) {
        glorot_init(m, L, 3 * d, L->in_c, 4 * H, rng);
        fill_orthogonal(param_of(m, L, 3 * d + 1), H, rng);
        float *b = param_of(m, L, 3 * d + 2);
        for (int j = H; j < 2 * H; j++) b[j] = 1.0f;
    }
}

/* Saved: the gate cache of each direction. Work: a bilstm's two direction
 * outputs, then the LSTM scratch (as large as the backward's). Fast: the
 * input projection of every step plus the state, per sequence. */
static void lstm_layer_memory(const ModelLayer *L, LayerMemory *need) {
    size_t H = (size_t)L->spec.units, T = (size_t)L->in_t, dirs = (size_t)lstm_directions(L);
    size_t scratch = LSTM_SCRATCH(H) > LSTM_GRAD_SCRATCH(H) ? LSTM_SCRATCH(H) : LSTM_GRAD_SCRATCH(H);
    need->saved_floats = dirs * T * LSTM_CACHE_PER_UNIT * H;
    need->work_floats = (dirs == 2 ? 2 * (size_t)out_rows(L) * H : 0) + scratch;
    need->fast_floats = T * 4 * H + 6 * H;
}

static void lstm_layer_forward(const LayerStep *s) {
    const ModelLayer *L = s->L;
    lstm_forward(s->out, s->in, tensor_of(s, 0), tensor_of(s, 1), tensor_of(s, 2), L->in_t, L->in_c, L->spec.units,
                 return_sequences(L), 0, s->saved, s->work);
}

static void bilstm_layer_forward(const LayerStep *s) {
    const ModelLayer *L = s->L;
    int T = L->in_t, H = L->spec.units, seq = return_sequences(L), R = out_rows(L);
    float *fwd = s->work, *bwd = fwd + (size_t)R * H, *scratch = bwd + (size_t)R * H;
    float *bwd_cache = s->saved ? s->saved + (size_t)T * LSTM_CACHE_PER_UNIT * H : NULL;
    lstm_forward(fwd, s->in, tensor_of(s, 0), tensor_of(s, 1), tensor_of(s, 2), T, L->in_c, H, seq, 0, s->saved, scratch);
    lstm_forward(bwd, s->in, tensor_of(s, 3), tensor_of(s, 4), tensor_of(s, 5), T, L->in_c, H, seq, 1, bwd_cache, scratch);
    bilstm_concat(s->out, fwd, bwd, R, H);
}

/* The batch's recurrences together; each direction writes its half of the
 * output rows. */
static void lstm_directions_fast(const LayerBatch *b) {
    const ModelLayer *L = b->L;
    int H = L->spec.units, dirs = lstm_directions(L);
    for (int d = 0; d < dirs; d++)
        lstm_fast(b->out, b->stride, (size_t)dirs * H, (size_t)d * H, b->in, b->stride, layer_tensor(b->m, L, 3 * d),
                  layer_tensor(b->m, L, 3 * d + 1), layer_tensor(b->m, L, 3 * d + 2), b->n, L->in_t, L->in_c, H,
                  return_sequences(L), d, b->same, b->work);
    for (int n = 0; n < b->n; n++) b->same[n] = L->out_t;
}

static void lstm_layer_fast(const LayerBatch *b) { lstm_directions_fast(b); }
static void bilstm_layer_fast(const LayerBatch *b) { lstm_directions_fast(b); }

/* ---- dense: [I] → [O] (per step on [T][I]); kernel[I][O], bias[O] ----------- */

static int dense_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    int O = m->layers[l].spec.units;
    if (model_add_tensor(m, l, "kernel", (uint64_t)*C, (uint64_t)O, err, errlen) ||
        model_add_tensor(m, l, "bias", 1, (uint64_t)O, err, errlen))
        return -1;
    *C = O;
    return 0;
}

static void dense_layer_init(Model *m, const ModelLayer *L, uint64_t *rng) {
    glorot_init(m, L, 0, L->in_c, L->spec.units, rng);
}

static void dense_layer_forward(const LayerStep *s) {
    const ModelLayer *L = s->L;
    dense_forward(s->out, s->in, tensor_of(s, 0), tensor_of(s, 1), in_rows(L), L->in_c, L->spec.units, L->spec.act);
}

/* On a vector, zero inputs are skipped (exact). */
static void dense_layer_fast(const LayerBatch *b) {
    const ModelLayer *L = b->L;
    const float *W = layer_tensor(b->m, L, 0), *bias = layer_tensor(b->m, L, 1);
    for (int n = 0; n < b->n; n++) {
        const float *in = b->in + n * b->stride;
        float *out = b->out + n * b->stride;
        if (in_rows(L) == 1) dense_skip_zeros(out, in, W, bias, L->in_c, L->spec.units, L->spec.act);
        else dense_forward(out, in, W, bias, in_rows(L), L->in_c, L->spec.units, L->spec.act);
    }
}

/* ---- pools to a vector: gap1d, gmp1d, meanpool_masked [T][C] → [C] ---------- */

static int pool_to_vector_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    *T = 0;
    return 0;
}

static void gap1d_layer_forward(const LayerStep *s) { gap1d_forward(s->out, s->in, s->L->in_t, s->L->in_c); }

static void gmp1d_layer_forward(const LayerStep *s) {
    gmp1d_forward(s->out, s->saved_ints, s->in, s->L->in_t, s->L->in_c);
}

/* Needs the token positions themselves (nothing may shorten the sequence
 * before it) to know which are padding. */
static int meanpool_masked_layer_shape(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen) {
    if (*T != m->seq_len) {
        ms_seterr(err, errlen, "layer %d (meanpool_masked): needs the %d token positions, got %d steps", l, m->seq_len, *T);
        return -1;
    }
    *T = 0;
    return 0;
}

static void meanpool_masked_layer_forward(const LayerStep *s) {
    meanpool_masked_forward(s->out, s->in, s->ids, s->L->in_t, s->L->in_c);
}

/* ---- the tensor table ------------------------------------------------------ */

const char *model_layer_type_name(int type) {
    const LayerKind *k = layer_kind(type);
    return k ? k->name : "unknown";
}


int model_add_tensor(Model *m, int layer, const char *what, uint64_t rows, uint64_t cols,
                     char *err, size_t errlen) {
    uint64_t size = rows * cols;
    if (rows < 1 || cols < 1 || rows > MODEL_MAX_PARAMS || cols > MODEL_MAX_PARAMS ||
        size > MODEL_MAX_PARAMS || m->n_params + size > MODEL_MAX_PARAMS) {
        ms_seterr(err, errlen, "layer %d (%s): too many parameters (limit %u floats)", layer,
               model_layer_type_name(m->layers[layer].spec.type), MODEL_MAX_PARAMS);
        return -1;
    }
    if (m->layers[layer].n_tensors >= MODEL_MAX_LAYER_TENSORS) {
        ms_seterr(err, errlen, "layer %d (%s): more than %d tensors", layer,
                  model_layer_type_name(m->layers[layer].spec.type), MODEL_MAX_LAYER_TENSORS);
        return -1;
    }
    ModelTensor *t = &m->tensors[m->n_tensors++];
    snprintf(t->name, sizeof t->name, "%d.%s.%s", layer,
             model_layer_type_name(m->layers[layer].spec.type), what);
    t->layer = layer;
    t->rows = (int)rows;
    t->cols = (int)cols;
    t->offset = m->n_params;
    m->n_params += (size_t)size;
    m->layers[layer].n_tensors++;
    return 0;
}

/* ---- the table ------------------------------------------------------------- */

static const LayerKind KINDS[] = {
#define KIND_ROW(type, name, flags, shape, init, forward, fast, memory, backward) \
    [type] = {name, flags, shape, forward, fast, memory},
    MODEL_LAYER_KINDS(KIND_ROW)
#undef KIND_ROW
};

const LayerKind *layer_kind(int type) {
    if (type < 0 || type >= (int)(sizeof KINDS / sizeof KINDS[0]) || !KINDS[type].name) return NULL;
    return &KINDS[type];
}

/* The init column has a table of its own, referenced only by
 * layers_init_random (model_init_random): the wasm, which never
 * initialises, links none of it. */
typedef void (*LayerInitFn)(Model *m, const ModelLayer *L, uint64_t *rng);
static const LayerInitFn INIT[] = {
#define INIT_ROW(type, name, flags, shape, init, forward, fast, memory, backward) [type] = init,
    MODEL_LAYER_KINDS(INIT_ROW)
#undef INIT_ROW
};

void layers_init_random(Model *m, uint64_t *rng) {
    for (int l = 0; l < m->n_layers; l++) {   /* in layer order: one stream of draws */
        LayerInitFn init = INIT[m->layers[l].spec.type];
        if (init) init(m, &m->layers[l], rng);
    }
}

LayerMemory layer_memory(const ModelLayer *L) {
    LayerMemory need = {0, 0, 0, 0};
    const LayerKind *k = layer_kind(L->spec.type);
    if (k && k->memory) k->memory(L, &need);
    return need;
}

size_t layers_max_work(const Model *m) {
    size_t w = 0;
    for (int l = 0; l < m->n_layers; l++) {
        size_t need = layer_memory(&m->layers[l]).work_floats;
        if (need > w) w = need;
    }
    return w;
}

/* ---- the forward pass -------------------------------------------------------- */

size_t layers_work_floats(const Model *m) {
    return 2 * m->max_act + layers_max_work(m);
}

const float *layers_forward(const Model *m, const int32_t *ids, ModelCache *cache, uint64_t *rng,
                            float *work) {
    float *ping[2] = {work, cache ? NULL : work + m->max_act};
    const float *cur = NULL;
    for (int l = 0; l < m->n_layers; l++) {
        const ModelLayer *L = &m->layers[l];
        const LayerKind *k = layer_kind(L->spec.type);
        if (!cache && (k->flags & LK_TRAIN_ONLY)) continue;
        LayerStep s = {.m = m, .L = L, .ids = ids, .in = cur, .rng = rng};
        if (cache) {
            s.out = cache->act[l];
            s.work = cache->work;
            s.saved = cache->saved[l];
            s.saved_ints = cache->saved_ints[l];
        } else {   /* the other buffer than the input */
            s.out = ping[cur == ping[0]];
            s.work = ping[1] + m->max_act;
        }
        k->forward(&s);
        cur = s.out;
    }
    return cur;
}
