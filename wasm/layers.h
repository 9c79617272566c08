/* layers.h — the table of layer kinds, and the one forward pass
 * (engine-internal: model.c, layers.c and the trainer's nn_grad.c).
 *
 * Every layer kind is ONE row of MODEL_LAYER_KINDS below (in the spirit of
 * llm.c: plain functions, one per job). A row gives the kind's file number
 * (model.h's LAYER_*), its name, what it accepts (LK_* flags) and its
 * functions:
 *   shape     check the LayerSpec against the input shape, add the layer's
 *             tensors (model_add_tensor: names and shapes, in file order)
 *             and give the output shape
 *   init      model_init_random's draws for its tensors (NULL: zeros; a
 *             table of its own in layers.c, so the wasm links none of it)
 *   forward   one sequence (LayerStep); with a cache (training) it also
 *             keeps, in step->saved / saved_ints, what its backward needs
 *   fast      N sequences at once for the prepared inference path
 *             (LayerBatch; NULL: forward, one sequence at a time)
 *   memory    what it keeps for backward and the working memory it needs
 *             (NULL: none)
 *   backward  in wasm/tools/nn_grad.c (NULL: nothing to learn, e.g. the
 *             fixed TF-IDF weights)
 * The engine expands the list for everything but backward; nn_grad.c
 * expands it for backward only, so training code stays out of the wasm.
 *
 * Adding a layer kind: its LAYER_ number in model.h, a row here, its
 * functions in layers.c and its backward in nn_grad.c (and the format
 * notes in model.h). Nothing else dispatches on the layer type, except the
 * fast path's Embedding⊗Conv1D fusion (model_prepare).
 */
#ifndef MOODSPACE_LAYERS_H
#define MOODSPACE_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* What a kind accepts and how the model treats it. */
enum {
    LK_INPUT = 1u << 0,          /* reads the ids: layer 0, and only it */
    LK_SEQUENCE_IN = 1u << 1,    /* needs a sequence [T][C] input */
    LK_UNITS = 1u << 2,          /* units must be >= 1 */
    LK_RETURN_SEQ = 1u << 3,     /* accepts LAYER_RETURN_SEQUENCES */
    LK_ACTIVATION = 1u << 4,     /* spec.act applies (shown in the header JSON) */
    LK_RATE = 1u << 5,           /* spec.rate applies (shown in the header JSON) */
    LK_TRAIN_ONLY = 1u << 6,     /* identity at inference: skipped without a cache */
};

/*  X(type,                 name,              flags,
 *    shape,                      init,                  forward,
 *    fast,                       memory,                backward) */
#define MODEL_LAYER_KINDS(X)                                                                    \
    X(LAYER_EMBEDDING,       "embedding",       LK_INPUT | LK_UNITS,                            \
      embedding_layer_shape,      embedding_layer_init,  embedding_layer_forward,               \
      embedding_layer_fast,       NULL,                  embedding_layer_backward)              \
    X(LAYER_DROPOUT,         "dropout",         LK_RATE | LK_TRAIN_ONLY,                        \
      dropout_layer_shape,        NULL,                  dropout_layer_forward,                 \
      NULL,                       dropout_layer_memory,  dropout_layer_backward)                \
    X(LAYER_CONV1D,          "conv1d",          LK_SEQUENCE_IN | LK_UNITS | LK_ACTIVATION,      \
      conv1d_layer_shape,         conv1d_layer_init,     conv1d_layer_forward,                  \
      conv1d_layer_fast,          NULL,                  conv1d_layer_backward)                 \
    X(LAYER_MAXPOOL1D,       "maxpool1d",       LK_SEQUENCE_IN,                                 \
      maxpool1d_layer_shape,      NULL,                  maxpool1d_layer_forward,               \
      maxpool1d_layer_fast,       argmax_layer_memory,   maxpool1d_layer_backward)              \
    X(LAYER_LSTM,            "lstm",            LK_SEQUENCE_IN | LK_UNITS | LK_RETURN_SEQ,      \
      lstm_layer_shape,           lstm_layer_init,       lstm_layer_forward,                    \
      lstm_layer_fast,            lstm_layer_memory,     lstm_layer_backward)                   \
    X(LAYER_BILSTM,          "bilstm",          LK_SEQUENCE_IN | LK_UNITS | LK_RETURN_SEQ,      \
      lstm_layer_shape,           lstm_layer_init,       bilstm_layer_forward,                  \
      bilstm_layer_fast,          lstm_layer_memory,     bilstm_layer_backward)                 \
    X(LAYER_DENSE,           "dense",           LK_UNITS | LK_ACTIVATION,                       \
      dense_layer_shape,          dense_layer_init,      dense_layer_forward,                   \
      dense_layer_fast,           NULL,                  dense_layer_backward)                  \
    X(LAYER_GAP1D,           "gap1d",           LK_SEQUENCE_IN,                                 \
      pool_to_vector_shape,       NULL,                  gap1d_layer_forward,                   \
      NULL,                       NULL,                  gap1d_layer_backward)                  \
    X(LAYER_GMP1D,           "gmp1d",           LK_SEQUENCE_IN,                                 \
      pool_to_vector_shape,       NULL,                  gmp1d_layer_forward,                   \
      NULL,                       argmax_layer_memory,   gmp1d_layer_backward)                  \
    X(LAYER_MEANPOOL_MASKED, "meanpool_masked", LK_SEQUENCE_IN,                                 \
      meanpool_masked_layer_shape, NULL,                 meanpool_masked_layer_forward,         \
      NULL,                       NULL,                  meanpool_masked_layer_backward)        \
    X(LAYER_TFIDF,           "tfidf",           LK_INPUT,                                       \
      tfidf_layer_shape,          idf_ones_init,         tfidf_layer_forward,                   \
      NULL,                       NULL,                  NULL)                                  \
    X(LAYER_TFIDF_WORDMEAN,  "tfidf_wordmean",  LK_INPUT,                                       \
      tfidf_wordmean_layer_shape, idf_ones_init,         tfidf_wordmean_layer_forward,          \
      NULL,                       NULL,                  NULL)

/* Per-layer memory (LayerKind.memory), in floats / int32s. */
typedef struct {
    size_t saved_floats;   /* kept per sample for the backward (ModelCache) */
    size_t saved_ints;
    size_t work_floats;    /* working memory of forward and backward (shared by all layers) */
    size_t fast_floats;    /* working memory per sequence on the fast path */
} LayerMemory;

/* One layer on one sequence. */
typedef struct {
    const Model *m;
    const ModelLayer *L;
    const int32_t *ids;    /* the sequence, m->seq_len ids */
    const float *in;       /* the previous layer's output; NULL for the first layer */
    float *out;            /* this layer's output */
    float *work;           /* LayerMemory.work_floats */
    float *saved;          /* LayerMemory.saved_floats; NULL at inference */
    int32_t *saved_ints;   /* LayerMemory.saved_ints; NULL at inference */
    uint64_t *rng;         /* dropout's draws: NULL = dropout off */
} LayerStep;

/* One layer on n sequences of the fast path: sequence i reads in + i*stride
 * and ids + i*seq_len, writes out + i*stride. same[i]: the row from which
 * sequence i's activation repeats (trailing padding); the fast forwards of
 * sequence layers keep it up to date. */
typedef struct {
    const Model *m;
    const ModelLayer *L;
    const int32_t *ids;
    int n;
    const float *in;
    float *out;
    size_t stride;
    int *same;
    float *work;           /* n * LayerMemory.fast_floats */
} LayerBatch;

/* The engine's columns of a row (init and backward have tables of their
 * own: see above). */
typedef struct {
    const char *name;
    unsigned flags;        /* LK_* */
    int (*shape)(Model *m, int l, int *T, int *C, int vocab, char *err, size_t errlen);
    void (*forward)(const LayerStep *s);
    void (*fast)(const LayerBatch *b);
    void (*memory)(const ModelLayer *L, LayerMemory *need);
} LayerKind;

/* The kind of a LAYER_ number, or NULL if there is none. */
const LayerKind *layer_kind(int type);

/* What a layer keeps and needs (all zero for a kind without memory). */
LayerMemory layer_memory(const ModelLayer *L);

/* Tensor k of layer L. */
static inline const float *layer_tensor(const Model *m, const ModelLayer *L, int k) {
    return m->params + m->tensors[L->first_tensor + k].offset;
}

/* Append tensor "<layer>.<type name>.<what>" [rows][cols] to m's table
 * (the layer kinds' shape functions call it). 0, or -1 + message past
 * MODEL_MAX_PARAMS. */
int model_add_tensor(Model *m, int layer, const char *what, uint64_t rows, uint64_t cols,
                     char *err, size_t errlen);

/* One sample's activations and what the backward needs; allocated by
 * model_cache_new (wasm/tools/nn_grad.c), read by the backward there. */
typedef struct ModelCache ModelCache;
struct ModelCache {
    int n_layers;
    size_t n_params, seq_len;
    float **act;           /* [l] output of layer l */
    float **dact;          /* [l] gradient w.r.t. the output of layer l */
    size_t *size;          /* [l] floats in act[l] */
    float **saved;         /* [l] LayerMemory.saved_floats of layer l (or NULL) */
    int32_t **saved_ints;  /* [l] LayerMemory.saved_ints of layer l (or NULL) */
    float *work;           /* the largest LayerMemory.work_floats */
    int32_t *ids;          /* copy of the last input */
    float *block;          /* all float buffers, one allocation */
    int32_t *iblock;
};

/* THE forward pass of one sequence ids[m->seq_len], layer by layer through
 * the table. cache NULL (inference): dropout is skipped and the activations
 * ping-pong in work (layers_work_floats(m) floats). cache non-NULL
 * (training): every layer's output and saved state go to the cache (work
 * unused); rng non-NULL turns dropout on. Returns the last layer's output. */
const float *layers_forward(const Model *m, const int32_t *ids, ModelCache *cache, uint64_t *rng,
                            float *work);
size_t layers_work_floats(const Model *m);

/* The largest LayerMemory.work_floats over m's layers. */
size_t layers_max_work(const Model *m);

/* Each layer's init (the table's init column) in layer order, one stream
 * of draws from rng, on zeroed params: model_init_random's work. */
void layers_init_random(Model *m, uint64_t *rng);

#endif
