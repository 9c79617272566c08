/* model.c — architecture, inspecting, prediction (see model.h); the
 * weights file is read and written in model_file.c. */
#include "err.h"
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bow.h"
#include "cJSON.h"
#include "layers.h"
#include "model_internal.h"
#include "nn_fast.h"


#define MODEL_MAX_ACT (64u << 20)   /* floats in any one activation */


static const char *act_name(int act) {
    switch (act) {
    case NN_ACT_LINEAR: return "linear";
    case NN_ACT_RELU: return "relu";
    case NN_ACT_TANH: return "tanh";
    case NN_ACT_SIGMOID: return "sigmoid";
    default: return "unknown";
    }
}

int model_seed_arch(LayerSpec *out, int n_outputs) {
    const LayerSpec seed[9] = {
        {LAYER_EMBEDDING, 60, 0, 0, 0, 0},
        {LAYER_DROPOUT, 0, 0, 0, 0, 0.2f},
        {LAYER_CONV1D, 64, 5, NN_ACT_RELU, 0, 0},
        {LAYER_MAXPOOL1D, 0, 4, 0, 0, 0},
        {LAYER_LSTM, 100, 0, 0, 0, 0},
        {LAYER_DROPOUT, 0, 0, 0, 0, 0.2f},
        {LAYER_DENSE, 64, 0, NN_ACT_RELU, 0, 0},
        {LAYER_DENSE, 32, 0, NN_ACT_RELU, 0, 0},
        {LAYER_DENSE, n_outputs, 0, NN_ACT_LINEAR, 0, 0},
    };
    memcpy(out, seed, sizeof seed);
    return 9;
}

/* ---- architecture -------------------------------------------------------- */

/* Derive shapes and the tensor table; allocate the params (model_internal.h). */
int model_build_arch(Model *m, const LayerSpec *specs, int n_layers, int seq_len, int vocab,
                      int n_outputs, int zero, char *err, size_t errlen) {
    if (n_layers < 1 || n_layers > MODEL_MAX_LAYERS) {
        ms_seterr(err, errlen, "architecture: %d layers (must be 1..%d)", n_layers, MODEL_MAX_LAYERS);
        return -1;
    }
    if (seq_len < 1 || seq_len > MODEL_MAX_SEQ_LEN) {
        ms_seterr(err, errlen, "architecture: sequence length %d (must be 1..%d)", seq_len, MODEL_MAX_SEQ_LEN);
        return -1;
    }
    if (n_outputs < 1 || n_outputs > MODEL_MAX_OUTPUTS) {
        ms_seterr(err, errlen, "architecture: %d outputs (must be 1..%d)", n_outputs, MODEL_MAX_OUTPUTS);
        return -1;
    }
    m->seq_len = seq_len;
    m->n_layers = n_layers;
    m->layers = calloc((size_t)n_layers, sizeof *m->layers);
    m->tensors = calloc((size_t)n_layers * MODEL_MAX_LAYER_TENSORS, sizeof *m->tensors);
    if (!m->layers || !m->tensors) { ms_seterr(err, errlen, "out of memory"); return -1; }
    int T = seq_len, C = 0;   /* current shape; T == 0 means a vector */
    uint64_t max_act = (uint64_t)seq_len;
    for (int l = 0; l < n_layers; l++) {
        const LayerSpec *s = &specs[l];
        ModelLayer *L = &m->layers[l];
        L->spec = *s;
        L->in_t = T; L->in_c = C;
        L->first_tensor = m->n_tensors;
        const char *tn = model_layer_type_name(s->type);
        const LayerKind *kind = layer_kind(s->type);
        unsigned kf = kind ? kind->flags : 0;
        if ((l == 0) != ((kf & LK_INPUT) != 0)) {
            ms_seterr(err, errlen, "layer %d (%s): the first layer, and only it, must be an embedding or tfidf", l, tn);
            return -1;
        }
        if (s->act < 0 || s->act > NN_ACT_SIGMOID) {
            ms_seterr(err, errlen, "layer %d (%s): unknown activation %d", l, tn, s->act);
            return -1;
        }
        if (s->flags & ~LAYER_RETURN_SEQUENCES || (s->flags && !(kf & LK_RETURN_SEQ))) {
            ms_seterr(err, errlen, "layer %d (%s): unknown flags 0x%x", l, tn, s->flags);
            return -1;
        }
        if (s->units < 0 || s->units > MODEL_MAX_UNITS || s->size < 0 || s->size > MODEL_MAX_UNITS) {
            ms_seterr(err, errlen, "layer %d (%s): units %d / size %d out of range (0..%d)", l, tn,
                   s->units, s->size, MODEL_MAX_UNITS);
            return -1;
        }
        if ((kf & LK_SEQUENCE_IN) && T == 0) {
            ms_seterr(err, errlen, "layer %d (%s): needs a sequence input, got a vector of %d", l, tn, C);
            return -1;
        }
        if ((kf & LK_UNITS) && s->units < 1) {
            ms_seterr(err, errlen, "layer %d (%s): units must be >= 1", l, tn);
            return -1;
        }
        if (!kind) {
            ms_seterr(err, errlen, "layer %d: unknown layer type %d", l, s->type);
            return -1;
        }
        if (kind->shape(m, l, &T, &C, vocab, err, errlen)) return -1;
        L->out_t = T; L->out_c = C;
        uint64_t act = (uint64_t)(T ? T : 1) * (uint64_t)C;
        if (act > MODEL_MAX_ACT) {
            ms_seterr(err, errlen, "layer %d (%s): output of %llu values is too large", l, tn,
                   (unsigned long long)act);
            return -1;
        }
        if (act > max_act) max_act = act;
    }
    m->n_heads = T == 0 && C % n_outputs == 0 ? C / n_outputs : 0;
    if (m->n_heads < 1 || m->n_heads > MODEL_MAX_HEADS) {
        ms_seterr(err, errlen, "architecture: the last layer gives %s of %d, expected a vector of the %d outputs (or %d heads of them)",
               T ? "a sequence" : "a vector", C, n_outputs, MODEL_MAX_HEADS);
        return -1;
    }
    m->max_act = (size_t)max_act;
    size_t n = m->n_params ? m->n_params : 1;
    m->params = zero ? calloc(n, sizeof(float)) : malloc(n * sizeof(float));
    if (!m->params) { ms_seterr(err, errlen, "out of memory for %zu parameters", m->n_params); return -1; }
    return 0;
}

char *model_dup_str(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

int model_set_outputs(Model *m, const char *const *names, const float *mean, const float *std,
                       int n, char *err, size_t errlen) {
    m->n_outputs = n;
    m->output_names = calloc((size_t)n, sizeof(char *));
    m->target_mean = calloc((size_t)n, sizeof(float));
    m->target_std = calloc((size_t)n, sizeof(float));
    if (!m->output_names || !m->target_mean || !m->target_std) { ms_seterr(err, errlen, "out of memory"); return -1; }
    for (int i = 0; i < n; i++) {
        size_t len = names && names[i] ? strlen(names[i]) : 0;
        if (len < 1 || len > MODEL_MAX_NAME) {
            ms_seterr(err, errlen, "output %d: name must be 1..%d bytes", i, MODEL_MAX_NAME);
            return -1;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(m->output_names[j], names[i])) {
                ms_seterr(err, errlen, "output %d: duplicate name \"%s\"", i, names[i]);
                return -1;
            }
        if (!(m->output_names[i] = model_dup_str(names[i], len))) { ms_seterr(err, errlen, "out of memory"); return -1; }
        float mu = mean ? mean[i] : 0.0f, sd = std ? std[i] : 1.0f;
        if (!isfinite(mu) || !isfinite(sd) || !(sd > 0.0f)) {
            ms_seterr(err, errlen, "output %d (%s): bad target statistics mean %g std %g", i, names[i],
                   (double)mu, (double)sd);
            return -1;
        }
        m->target_mean[i] = mu;
        m->target_std[i] = sd;
    }
    return 0;
}

Model *model_create(const LayerSpec *layers, int n_layers, int seq_len,
                    const char *const *words, int n_words,
                    const char *const *output_names, const float *target_mean,
                    const float *target_std, int n_outputs, char *err, size_t errlen) {
    if (!layers) { ms_seterr(err, errlen, "architecture: no layers"); return NULL; }
    Model *m = calloc(1, sizeof *m);
    if (!m) { ms_seterr(err, errlen, "out of memory"); return NULL; }
    m->meta = model_dup_str("", 0);
    if (!m->meta) { ms_seterr(err, errlen, "out of memory"); goto fail; }
    if (!(m->vocab = vocab_build(words, n_words, err, errlen))) goto fail;
    if (model_build_arch(m, layers, n_layers, seq_len, vocab_size(m->vocab), n_outputs, 1, err, errlen)) goto fail;
    if (model_set_outputs(m, output_names, target_mean, target_std, n_outputs, err, errlen)) goto fail;
    return m;
fail:
    model_free(m);
    return NULL;
}

void model_free(Model *m) {
    if (!m) return;
    model_unprepare(m);
    vocab_free(m->vocab);
    if (m->output_names)
        for (int i = 0; i < m->n_outputs; i++) free(m->output_names[i]);
    free(m->output_names);
    free(m->target_mean);
    free(m->target_std);
    free(m->meta);
    free(m->layers);
    free(m->tensors);
    free(m->params);
    model_reader_free(m->reader);
    free(m);
}

int model_set_meta(Model *m, const char *json) {
    if (!m) return -1;
    size_t n = json ? strlen(json) : 0;
    if (n > MODEL_MAX_META) return -1;
    char *d = model_dup_str(json ? json : "", n);
    if (!d) return -1;
    free(m->meta);
    m->meta = d;
    return 0;
}

void model_init_random(Model *m, uint64_t seed) {
    if (!m) return;
    model_unprepare(m);
    uint64_t rng;
    nn_rng_seed(&rng, seed);
    memset(m->params, 0, m->n_params * sizeof(float));
    layers_init_random(m, &rng);
}

/* ---- inspecting ---------------------------------------------------------- */

int model_n_outputs(const Model *m) { return m ? m->n_outputs : 0; }

const char *model_output_name(const Model *m, int i) {
    return (m && i >= 0 && i < m->n_outputs) ? m->output_names[i] : NULL;
}

int model_output_index(const Model *m, const char *name) {
    if (!m || !name) return -1;
    for (int i = 0; i < m->n_outputs; i++)
        if (!strcmp(m->output_names[i], name)) return i;
    return -1;
}

/* A float as the shortest decimal that reads back as the same float. */
static double num(float f) {
    char s[32];
    for (int p = 6; p <= 9; p++) {
        snprintf(s, sizeof s, "%.*g", p, (double)f);
        if ((float)strtod(s, NULL) == f) break;
    }
    return strtod(s, NULL);
}

cJSON *model_header_object(const Model *m) {
    if (!m) return NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "format_version", m->reader ? MODEL_FORMAT_VERSION : 1);
    cJSON *meta = m->meta && m->meta[0] ? cJSON_Parse(m->meta) : NULL;
    if (meta) cJSON_AddItemToObject(o, "meta", meta);
    else if (m->meta && m->meta[0]) cJSON_AddStringToObject(o, "meta", m->meta);
    cJSON_AddNumberToObject(o, "seq_len", m->seq_len);
    cJSON_AddNumberToObject(o, "vocab_size", vocab_size(m->vocab));
    cJSON *layers = cJSON_AddArrayToObject(o, "layers");
    for (int l = 0; l < m->n_layers; l++) {
        const ModelLayer *L = &m->layers[l];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "type", model_layer_type_name(L->spec.type));
        if (L->spec.units) cJSON_AddNumberToObject(j, "units", L->spec.units);
        if (L->spec.size) cJSON_AddNumberToObject(j, "size", L->spec.size);
        unsigned kf = layer_kind(L->spec.type)->flags;
        if (kf & LK_ACTIVATION) cJSON_AddStringToObject(j, "activation", act_name(L->spec.act));
        if (kf & LK_RATE) cJSON_AddNumberToObject(j, "rate", num(L->spec.rate));
        if (L->spec.flags & LAYER_RETURN_SEQUENCES) cJSON_AddTrueToObject(j, "return_sequences");
        int in[2] = {L->in_t, L->in_c}, out[2] = {L->out_t, L->out_c};
        cJSON_AddItemToObject(j, "input_shape", L->in_c == 0 ? cJSON_CreateIntArray(in, 1)
                                               : L->in_t ? cJSON_CreateIntArray(in, 2) : cJSON_CreateIntArray(in + 1, 1));
        cJSON_AddItemToObject(j, "output_shape", L->out_t ? cJSON_CreateIntArray(out, 2) : cJSON_CreateIntArray(out + 1, 1));
        cJSON_AddItemToArray(layers, j);
    }
    cJSON *outs = cJSON_AddArrayToObject(o, "outputs");
    for (int i = 0; i < m->n_outputs; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", m->output_names[i]);
        cJSON_AddNumberToObject(j, "mean", num(m->target_mean[i]));
        cJSON_AddNumberToObject(j, "std", num(m->target_std[i]));
        cJSON_AddItemToArray(outs, j);
    }
    cJSON *ts = cJSON_AddArrayToObject(o, "tensors");
    for (int k = 0; k < m->n_tensors; k++) {
        cJSON *j = cJSON_CreateObject();
        int shape[2] = {m->tensors[k].rows, m->tensors[k].cols};
        cJSON_AddStringToObject(j, "name", m->tensors[k].name);
        cJSON_AddItemToObject(j, "shape", cJSON_CreateIntArray(shape, 2));
        cJSON_AddItemToArray(ts, j);
    }
    cJSON_AddNumberToObject(o, "heads", m->n_heads);
    cJSON_AddNumberToObject(o, "n_params", (double)m->n_params);
    cJSON_AddBoolToObject(o, "quantized", m->quantized);
    if (m->reader) {
        const ModelReader *r = m->reader;
        cJSON *j = cJSON_AddObjectToObject(o, "reader");
        cJSON_AddNumberToObject(j, "words", r->V - 2);
        cJSON_AddNumberToObject(j, "numbers_a_word", r->P);
        cJSON_AddNumberToObject(j, "filters", r->F);
        cJSON_AddNumberToObject(j, "width", r->K);
        cJSON_AddNumberToObject(j, "max_len", r->max_len);
        cJSON_AddStringToObject(j, "valence", m->output_names[r->out[0]]);
        cJSON_AddStringToObject(j, "energy", m->output_names[r->out[1]]);
        cJSON_AddNumberToObject(j, "a_head", num(r->a_lin));
        cJSON_AddNumberToObject(j, "a_reader", num(r->a_seq));
    }
    return o;
}

char *model_header_json(const Model *m) {
    cJSON *o = model_header_object(m);
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

/* ---- reference forward --------------------------------------------------- */

/* One sequence through every layer (layers_forward, no cache); head h's
 * n_outputs values into out_z. work: layers_work_floats(m). */
static void forward_one(const Model *m, int head, const int32_t *ids, float *out_z, float *work) {
    const float *last = layers_forward(m, ids, NULL, NULL, work);
    memcpy(out_z, last + (size_t)head * m->n_outputs, (size_t)m->n_outputs * sizeof(float));
}

/* The head a domain reads (a one-head model has only head 0); -1 if unknown. */
static int head_of(const Model *m, ModelDomain dom) {
    if (dom != MODEL_SONG && dom != MODEL_SCRIPT) return -1;
    return (int)dom < m->n_heads ? (int)dom : 0;
}

/* The script head's reader (model_reader.h), when the model has one: n
 * sequences' valence and energy (z units) become a_lin · head + a_seq ·
 * reader. Only for the script head (head 1); songs never reach it. 0 or -1
 * (out of memory). */
static int apply_reader(const Model *m, int head, const int32_t *ids, int n, float *out_z) {
    const ModelReader *r = m->reader;
    if (!r || head != MODEL_SCRIPT || n <= 0) return 0;
    int32_t *work = malloc(sizeof(int32_t) * (size_t)r->max_len);
    if (!work) return -1;
    for (int i = 0; i < n; i++) {
        float rd[2], *o = out_z + (size_t)i * m->n_outputs;
        model_reader_read(r, ids + (size_t)i * m->seq_len, m->seq_len, work, rd);
        for (int t = 0; t < 2; t++) o[r->out[t]] = r->a_lin * o[r->out[t]] + r->a_seq * rd[t];
    }
    free(work);
    return 0;
}

int model_forward_reference_domain(const Model *m, ModelDomain dom, const int32_t *ids, float *out_z) {
    if (!m || !ids || !out_z || head_of(m, dom) < 0) return -1;
    float *work = malloc(layers_work_floats(m) * sizeof(float));
    if (!work) return -1;
    forward_one(m, head_of(m, dom), ids, out_z, work);
    free(work);
    return apply_reader(m, head_of(m, dom), ids, 1, out_z);
}

int model_forward_reference(const Model *m, const int32_t *ids, float *out_z) {
    return model_forward_reference_domain(m, MODEL_SONG, ids, out_z);
}

/* ---- fast path -----------------------------------------------------------
 *
 * Exact reformulations of the reference forward pass (same mathematics,
 * different summation order; the tests hold them to 1e-5):
 *  - Embedding followed (through Dropouts) by a Conv1D: precompute, for each
 *    vocabulary id v and kernel offset k, its contribution tab[v][k][F] =
 *    emb[v] · kernel[k] to the conv's channels, so the conv becomes K table
 *    rows added per output step. Padding (id 0) is looked up like any word:
 *    Keras does not mask it in these models.
 *  - Trailing padding: every window that lies wholly in the trailing padding
 *    gives the same conv row, so it is computed once and copied; the same
 *    holds after max-pooling and for the LSTM's input projection.
 *  - LSTM: the input projection x·W + b for all steps is one matrix product;
 *    the recurrence runs the songs of a batch together (h[N][H] · R[H][4H]),
 *    with 4-row blocking so each R row is loaded once for 4 songs.
 *  - Gate nonlinearities use a polynomial expf (Cephes, ~1 ulp) that the
 *    compiler vectorises, instead of libm calls.
 */

#define FAST_CHUNK 16                 /* sequences per batched forward */
#define FAST_MAX_TABLE (6u << 20)     /* floats in the embedding⊗conv table (24 MB) */

struct ModelFast {
    int conv_layer;      /* the Conv1D fused with the embedding, or -1 */
    float *conv_tab;     /* [V][K][F] */
    size_t work_floats;  /* per-sequence workspace of the layers' fast forwards */
};

static size_t fast_work_floats(const Model *m, int N) {
    return (size_t)N * (2 * m->max_act + m->fast->work_floats);
}

/* N (<= FAST_CHUNK) sequences ids[N][seq_len] → out_z[N][n_outputs]: each
 * layer's fast forward (LayerKind.fast) over the batch, or its plain
 * forward one sequence at a time; the fused Embedding⊗Conv1D first. */
static void forward_fast(const Model *m, int head, const int32_t *ids, int N, float *out_z, float *work) {
    const ModelFast *fast = m->fast;
    size_t S = m->max_act, SL = (size_t)m->seq_len;
    float *cur = work, *nxt = work + (size_t)N * S, *lw = work + 2 * (size_t)N * S;
    int same[FAST_CHUNK];
    int l = 0;
    if (fast->conv_layer > 0) {
        const ModelLayer *L = &m->layers[fast->conv_layer];
        for (int n = 0; n < N; n++)
            same[n] = conv_table_forward(nxt + n * S, ids + n * SL, fast->conv_tab, layer_tensor(m, L, 1), m->seq_len,
                                         vocab_size(m->vocab), L->spec.size, L->spec.units, L->spec.act);
        float *sw = cur; cur = nxt; nxt = sw;
        l = fast->conv_layer + 1;
    }
    for (; l < m->n_layers; l++) {
        const ModelLayer *L = &m->layers[l];
        const LayerKind *k = layer_kind(L->spec.type);
        if (k->flags & LK_TRAIN_ONLY) continue;
        if (k->fast) {
            k->fast(&(LayerBatch){.m = m, .L = L, .ids = ids, .n = N, .in = cur, .out = nxt, .stride = S,
                                  .same = same, .work = lw});
        } else {
            for (int n = 0; n < N; n++)
                k->forward(&(LayerStep){.m = m, .L = L, .ids = ids + n * SL, .in = cur + n * S,
                                        .out = nxt + n * S, .work = lw});
        }
        float *sw = cur; cur = nxt; nxt = sw;
    }
    for (int n = 0; n < N; n++)
        memcpy(out_z + (size_t)n * m->n_outputs, cur + n * S + (size_t)head * m->n_outputs, (size_t)m->n_outputs * sizeof(float));
}

int model_prepare(Model *m, char *err, size_t errlen) {
    if (!m) { ms_seterr(err, errlen, "model_prepare: no model"); return -1; }
    model_unprepare(m);
    ModelFast *f = calloc(1, sizeof *f);
    if (!f) { ms_seterr(err, errlen, "model_prepare: out of memory"); return -1; }
    f->conv_layer = -1;
    for (int l = 0; l < m->n_layers; l++) {
        LayerMemory need = layer_memory(&m->layers[l]);
        size_t w = layer_kind(m->layers[l].spec.type)->fast ? need.fast_floats : need.work_floats;
        if (w > f->work_floats) f->work_floats = w;
    }
    /* the one fusion across layers: an Embedding, then (past layers that are
     * identity at inference) a Conv1D */
    if (m->layers[0].spec.type == LAYER_EMBEDDING) {
        int l = 1;
        while (l < m->n_layers && (layer_kind(m->layers[l].spec.type)->flags & LK_TRAIN_ONLY)) l++;
        if (l < m->n_layers && m->layers[l].spec.type == LAYER_CONV1D) {
            const ModelLayer *L = &m->layers[l];
            int V = vocab_size(m->vocab), K = L->spec.size, C = L->in_c, F = L->spec.units;
            uint64_t size = (uint64_t)V * K * F;
            if (size <= FAST_MAX_TABLE && (f->conv_tab = calloc((size_t)size, sizeof(float)))) {
                const float *emb = layer_tensor(m, &m->layers[0], 0), *W = layer_tensor(m, L, 0);
                for (int k = 0; k < K; k++)
                    matmul_acc(f->conv_tab + (size_t)k * F, (size_t)K * F, emb, (size_t)C, W + (size_t)k * C * F, V, C, F);
                f->conv_layer = l;
            }
        }
    }
    m->fast = f;
    return 0;
}

void model_unprepare(Model *m) {
    if (!m || !m->fast) return;
    free(m->fast->conv_tab);
    free(m->fast);
    m->fast = NULL;
}

/* ---- prediction ---------------------------------------------------------- */

int model_encode(const Model *m, const char *text, size_t len, int32_t *ids) {
    if (!m || !ids) return -1;
    return text_encode(m->vocab, text, len, ids, m->seq_len);
}

static void destandardise(const Model *m, float *out, int n) {
    for (int i = 0; i < n; i++)
        for (int k = 0; k < m->n_outputs; k++) {
            float *o = out + (size_t)i * m->n_outputs + k;
            *o = *o * m->target_std[k] + m->target_mean[k];
        }
}

int model_predict_ids_z_domain(const Model *m, ModelDomain dom, const int32_t *ids, int n, float *out_z) {
    if (!m || !ids || !out_z || n < 0 || head_of(m, dom) < 0) return -1;
    int head = head_of(m, dom);
    if (n == 0) return 0;
    if (m->fast) {
        int chunk = n < FAST_CHUNK ? n : FAST_CHUNK;
        float *work = malloc(fast_work_floats(m, chunk) * sizeof(float));
        if (work) {
            for (int i = 0; i < n; i += chunk) {
                int k = n - i < chunk ? n - i : chunk;
                forward_fast(m, head, ids + (size_t)i * m->seq_len, k, out_z + (size_t)i * m->n_outputs, work);
            }
            free(work);
            return apply_reader(m, head, ids, n, out_z);
        }   /* out of memory for the batch: fall back to one at a time */
    }
    float *work = malloc(layers_work_floats(m) * sizeof(float));
    if (!work) return -1;
    for (int i = 0; i < n; i++)
        forward_one(m, head, ids + (size_t)i * m->seq_len, out_z + (size_t)i * m->n_outputs, work);
    free(work);
    return apply_reader(m, head, ids, n, out_z);
}

int model_predict_ids_z(const Model *m, const int32_t *ids, int n, float *out_z) {
    return model_predict_ids_z_domain(m, MODEL_SONG, ids, n, out_z);
}

int model_predict_ids_domain(const Model *m, ModelDomain dom, const int32_t *ids, int n, float *out) {
    if (model_predict_ids_z_domain(m, dom, ids, n, out)) return -1;
    destandardise(m, out, n);
    return 0;
}

int model_predict_ids(const Model *m, const int32_t *ids, int n, float *out) {
    return model_predict_ids_domain(m, MODEL_SONG, ids, n, out);
}

int model_predict_text(const Model *m, const char *text, size_t len, float *out) {
    return model_predict_texts(m, &text, &len, 1, out);
}

#define PREDICT_CHUNK 32

int model_predict_texts(const Model *m, const char *const *texts, const size_t *lens, int n,
                        float *out) {
    return model_predict_texts_domain(m, MODEL_SONG, texts, lens, n, out);
}

int model_predict_texts_domain(const Model *m, ModelDomain dom, const char *const *texts,
                               const size_t *lens, int n, float *out) {
    if (!m || !out || n < 0 || (n > 0 && !texts)) return -1;
    int32_t *ids = malloc((size_t)PREDICT_CHUNK * m->seq_len * sizeof(int32_t));
    if (!ids) return -1;
    int rc = 0;
    for (int i0 = 0; i0 < n && !rc; i0 += PREDICT_CHUNK) {
        int k = n - i0 < PREDICT_CHUNK ? n - i0 : PREDICT_CHUNK;
        for (int i = 0; i < k; i++) {
            const char *t = texts[i0 + i];
            size_t len = t ? (lens ? lens[i0 + i] : strlen(t)) : 0;
            text_encode(m->vocab, t, len, ids + (size_t)i * m->seq_len, m->seq_len);
        }
        rc = model_predict_ids_domain(m, dom, ids, k, out + (size_t)i0 * m->n_outputs);
    }
    free(ids);
    return rc;
}
