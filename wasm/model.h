/* model.h — a text-regression network: architecture, weights file, prediction.
 *
 * A Model is: a vocabulary (text.h), a fixed sequence length, a list of
 * layers (nn.h), all parameters in ONE float block with a table of named
 * tensors (so gradients and Adam moments can use the same layout: a float
 * array of m->n_params), and the target names with the mean/std used to
 * z-score them in training. Predictions come back de-standardised, in
 * Spotify's units (out = z * std + mean).
 *
 * Usage (inference):
 *     char err[256];
 *     Model *m = model_load_file("weights/model.bin", err, sizeof err);
 *     if (!m) { fprintf(stderr, "%s\n", err); return 1; }
 *     float out[MODEL_MAX_OUTPUTS];
 *     if (model_predict_text(m, lyric, strlen(lyric), out) == 0)
 *         for (int i = 0; i < model_n_outputs(m); i++)
 *             printf("%s %g\n", model_output_name(m, i), out[i]);
 *     model_free(m);
 *
 * Usage (training, see wasm/tools/nn_grad.h for the backward pass):
 *     LayerSpec arch[] = {{LAYER_EMBEDDING, 60}, {LAYER_DROPOUT, .rate = .2f}, ...};
 *     Model *m = model_create(arch, n, 500, words, n_words, names, mean, std, 4, err, sizeof err);
 *     model_init_random(m, 42);            // deterministic Keras-like init
 *     ... train on m->params (m->n_params floats) ...
 *     model_save_file(m, "weights/model.bin", 0, err, sizeof err);
 *
 * ---------------------------------------------------------------------------
 * Layers (LayerSpec; unused fields 0; each kind is one row of the table in
 * layers.h, which says how to add one). Shapes: a layer maps [T][C] (a
 * sequence) or [C] (a vector, T = 0) to its output; the first layer must be
 * an Embedding (or TF-IDF) on the ids [seq_len], the last output must be a vector of
 * n_outputs (× n_heads, see Heads) values.
 *   LAYER_EMBEDDING  units=D          [S] ids → [S][D]; tensor table[V][D],
 *                                     V = vocab_size (words + 2)
 *   LAYER_DROPOUT    rate             identity at inference (any shape)
 *   LAYER_CONV1D     units=F size=K act   [T][C] → [T-K+1][F];
 *                                     kernel[K*C][F] (Keras [K][C][F]), bias[F]
 *   LAYER_MAXPOOL1D  size=P           [T][C] → [T/P][C]
 *   LAYER_LSTM       units=H flags    [T][C] → [H], or [T][H] with
 *                                     LAYER_RETURN_SEQUENCES; kernel[C][4H],
 *                                     recurrent[H][4H], bias[4H] (Keras i,f,c,o)
 *   LAYER_BILSTM     units=H flags    Bidirectional(LSTM(H)), merge "concat":
 *                                     [T][C] → [2H] (or [T][2H]); forward
 *                                     kernel, recurrent, bias, then backward
 *                                     kernel, recurrent, bias
 *   LAYER_DENSE      units=O act      [I] → [O] (on [T][I]: per step → [T][O]);
 *                                     kernel[I][O], bias[O]
 *   LAYER_GAP1D                       GlobalAveragePooling1D [T][C] → [C]
 *   LAYER_GMP1D                       GlobalMaxPooling1D [T][C] → [C]
 *   LAYER_MEANPOOL_MASKED             mean over positions whose id != 0
 *                                     [S][C] → [C]; needs T == seq_len (no
 *                                     conv/pool before it)
 *   LAYER_TFIDF                       first layer instead of an Embedding:
 *                                     [S] ids → [V] TF-IDF vector (bow.h);
 *                                     tensor idf[V], fixed at training time
 *                                     (model_backward gives it no gradient)
 *   LAYER_TFIDF_WORDMEAN units=W size=K   first layer: [S] ids → [W + K]:
 *                                     the TF-IDF vector of ids < W (bow.h;
 *                                     larger ids count as OOV there), then
 *                                     the mean of the word-table rows of the
 *                                     known words (wordmean_forward);
 *                                     tensors idf[1][W], table[V][K]; fixed
 *                                     at training time (no gradient)
 * The seed architecture (the network this project started from, kept as
 * weights/seed.bin to compare against) is, with seq_len 500 and 1998 words:
 *   {EMBEDDING 60} {DROPOUT .2} {CONV1D 64 k5 relu} {MAXPOOL1D 4} {LSTM 100}
 *   {DROPOUT .2} {DENSE 64 relu} {DENSE 32 relu} {DENSE 4 linear}
 * (model_seed_arch() fills it in).
 *
 * Heads: the last layer may give n_heads × n_outputs values (n_heads 1 or
 * MODEL_MAX_HEADS): head h is values [h·n_outputs, (h+1)·n_outputs), the
 * same outputs (names, mean, std) read two ways. Head MODEL_SONG (0) reads
 * a song's lyric, head MODEL_SCRIPT (1) a scene or a whole screenplay (the
 * shipped model: weights/MODEL.md says what each head is). Asking a
 * one-head model for MODEL_SCRIPT gives its only head. ModelDomain is the
 * one way to choose: model_predict_*_domain; the functions without _domain
 * are MODEL_SONG.
 *
 * Tensors, in order: each layer's tensors in the order listed above. Names
 * are "<layer index>.<type>.<what>", e.g. "2.conv1d.kernel". Every tensor is
 * a 2-D [rows][cols] view (a bias is [1][n]); offsets are in floats into
 * params, in the same order, without gaps.
 *
 * ---------------------------------------------------------------------------
 * Weights file format, version 2 (version 1 is the same without the reader
 * block: a file without a reader is written as version 1, and both load).
 * All integers are uint32 little-endian,
 * floats IEEE-754 binary32 little-endian; strings are a uint32 byte length
 * then that many UTF-8 bytes, no NUL.
 *
 *   magic       4 bytes  "MSNN"
 *   version     u32      1 or 2 (MODEL_FORMAT_VERSION)
 *   flags       u32      0, or (version 2 only) MODEL_FLAG_READER: the reader
 *                        block follows the tensors; other bits are rejected
 *   meta        string   free-form JSON object text (training info) or empty
 *   seq_len     u32      1..MODEL_MAX_SEQ_LEN
 *   n_layers    u32      1..MODEL_MAX_LAYERS, then per layer 6 fields:
 *                 type u32, units u32, size u32, act u32, flags u32, rate f32
 *   n_words     u32      0..VOCAB_MAX_WORDS, then n_words strings
 *                        (word i has id i + 2; ids 0 = pad, 1 = OOV)
 *   n_outputs   u32      1..MODEL_MAX_OUTPUTS, then per output:
 *                 name string (1..MODEL_MAX_NAME bytes), mean f32, std f32
 *   n_tensors   u32      must equal the count the architecture implies;
 *               then per tensor, in the order above:
 *                 encoding u32   0 = float32, 1 = int8 per-row
 *                 rows u32, cols u32   must equal the implied shape
 *                 data: float32: rows*cols floats;
 *                       int8:    per row: scale f32, then cols int8 q;
 *                                value = scale * q (scale = maxabs/127)
 *   reader      (only with MODEL_FLAG_READER; model_reader.h says what it does)
 *                 V u32 (3..vocab size), P u32 (1..64), F u32 (1..256),
 *                 K u32 (1..16), max_len u32 (1..100000),
 *                 valence output u32, energy output u32 (distinct, < n_outputs),
 *                 a_lin f32, a_seq f32 (finite)
 *                 scale P f32 (one a column), then per id 2..V-1: P int8
 *                 (a first byte of -128: the word has no row, never read)
 *                 kernel K*P*F f32, bias F f32, dense 2F*2 f32, dense_b 2 f32
 *                 (all finite); the model needs two heads
 *   checksum    u32      FNV-1a 32 of every byte before it
 * Nothing may follow. The loader checks every count against limits and the
 * bytes remaining before reading, the checksum, and the architecture's
 * consistency (shapes, vocab size), and rejects anything else with a
 * message naming the field and offset. model_save_* writes int8 for 2-D
 * tensors with rows > 1 when asked to quantise (biases stay float32, and so
 * does a two-head network's last kernel, whose rows feed both heads).
 * ---------------------------------------------------------------------------
 *
 * Errors: functions taking (char *err, size_t errlen) write a one-line
 * message there on failure (err may be NULL). Nothing here exits or aborts.
 * Thread safety: a loaded/prepared Model is read-only during prediction;
 * model_predict_* may run concurrently on one Model.
 * Files: model_load_file / model_save_file / model_default_path are native
 * only (not compiled under __EMSCRIPTEN__); the web loads bytes.
 */
#ifndef MOODSPACE_MODEL_H
#define MOODSPACE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "model_reader.h"
#include "nn.h"
#include "text.h"

#define MODEL_FORMAT_VERSION 2
#define MODEL_FORMAT_MIN_VERSION 1   /* the oldest version that still loads */
#define MODEL_FLAG_READER 1u         /* the file holds the script head's reader */
#define MODEL_MAGIC "MSNN"
#define MODEL_MAX_LAYERS 64
#define MODEL_MAX_LAYER_TENSORS 6   /* tensors of any one layer (a BiLSTM has 6) */
#define MODEL_MAX_OUTPUTS 32
#define MODEL_MAX_NAME 64         /* bytes in an output name */
#define MODEL_MAX_SEQ_LEN 100000
#define MODEL_MAX_UNITS 65536     /* units / size of any layer */
#define MODEL_MAX_PARAMS (64u << 20)   /* floats (256 MB) */
#define MODEL_MAX_META (1u << 20)      /* bytes of meta JSON */

enum {
    LAYER_EMBEDDING = 1,
    LAYER_DROPOUT = 2,
    LAYER_CONV1D = 3,
    LAYER_MAXPOOL1D = 4,
    LAYER_LSTM = 5,
    LAYER_BILSTM = 6,
    LAYER_DENSE = 7,
    LAYER_GAP1D = 8,
    LAYER_GMP1D = 9,
    LAYER_MEANPOOL_MASKED = 10,
    LAYER_TFIDF = 11,
    LAYER_TFIDF_WORDMEAN = 12,
};

/* Which kind of text a prediction is for (the head of the network). */
typedef enum { MODEL_SONG = 0, MODEL_SCRIPT = 1 } ModelDomain;
#define MODEL_MAX_HEADS 2
#define LAYER_RETURN_SEQUENCES 1u   /* LayerSpec.flags for LSTM / BILSTM */

/* One layer as written in the file (see the table above). */
typedef struct {
    int type;       /* LAYER_* */
    int units;      /* D, F, H or O */
    int size;       /* kernel size K or pool size P */
    int act;        /* NN_ACT_* (CONV1D, DENSE) */
    unsigned flags; /* LAYER_RETURN_SEQUENCES */
    float rate;     /* DROPOUT */
} LayerSpec;

/* A layer with its derived shapes. */
typedef struct {
    LayerSpec spec;
    int in_t, in_c;      /* input [in_t][in_c]; in_t == 0: a vector [in_c] */
    int out_t, out_c;    /* output, same convention */
    int first_tensor;    /* index into Model.tensors */
    int n_tensors;       /* 0 (no weights) .. 6 (BILSTM) */
} ModelLayer;

typedef struct {
    char name[32];       /* "2.conv1d.kernel" */
    int layer;           /* index into Model.layers */
    int rows, cols;      /* 2-D view */
    size_t offset;       /* in floats, into Model.params */
} ModelTensor;

typedef struct ModelFast ModelFast;   /* inference precomputation, model.c */

typedef struct Model {
    int seq_len;              /* ids per text */
    int n_layers;
    ModelLayer *layers;       /* [n_layers] */
    Vocab *vocab;             /* owned */
    int n_outputs;            /* per head */
    int n_heads;              /* 1 or MODEL_MAX_HEADS: last layer gives n_heads * n_outputs */
    char **output_names;      /* [n_outputs], owned */
    float *target_mean;       /* [n_outputs] */
    float *target_std;        /* [n_outputs] (> 0) */
    char *meta;               /* owned, NUL-terminated JSON text, "" if none */
    int n_tensors;
    ModelTensor *tensors;     /* [n_tensors] */
    size_t n_params;          /* floats in params */
    float *params;            /* [n_params], one allocation */
    int quantized;            /* 1 when loaded from a file with int8 tensors */
    size_t max_act;           /* floats of the largest activation (scratch sizing) */
    ModelFast *fast;          /* NULL: predictions use the reference path */
    ModelReader *reader;      /* NULL, or the script head's reader of word order
                                 (model_reader.h; MODEL_SCRIPT predictions only) */
} Model;

/* ---- building ------------------------------------------------------------ */

/* Fill `out` with the seed architecture (9 layers: Embedding 60 … Dense
 * n_outputs). Returns the layer count (9); `out` needs room for 9. */
int model_seed_arch(LayerSpec *out, int n_outputs);

/* Create a model with all parameters zero. Copies everything it is given.
 * words: ordered vocabulary (id i+2), as vocab_build. target_mean/std may be
 * NULL (0 and 1). Returns NULL + message on an inconsistent architecture
 * (e.g. Conv1D kernel longer than its input, no Embedding first, last output
 * not a vector of n_outputs), bad limits or out of memory. Free with
 * model_free. The result is NOT prepared (see model_prepare). */
Model *model_create(const LayerSpec *layers, int n_layers, int seq_len,
                    const char *const *words, int n_words,
                    const char *const *output_names, const float *target_mean,
                    const float *target_std, int n_outputs, char *err, size_t errlen);

/* Deterministic Keras-like initialisation from `seed`: kernels
 * glorot-uniform, LSTM recurrent kernels orthogonal, biases 0 except LSTM
 * forget-gate biases 1 (unit_forget_bias), embeddings uniform(-0.05, 0.05),
 * TF-IDF idf all 1 (set the real idf yourself).
 * Same seed → same weights on every platform. Drops any preparation. */
void model_init_random(Model *m, uint64_t seed);

/* Replace the meta JSON text (copied; NULL → ""). 0 or -1 (out of memory /
 * longer than MODEL_MAX_META). */
int model_set_meta(Model *m, const char *json);

/* Free everything (NULL is fine). */
void model_free(Model *m);

/* ---- fast inference path ------------------------------------------------- */

/* Precompute the exact inference speedups: the Embedding⊗Conv1D lookup
 * table (V·K·F floats, built only when that is at most 6M floats), and the
 * sizes for the batched path (LSTM input projection as one matrix product,
 * the recurrence over 16 songs at a time, trailing-padding rows computed
 * once, zero inputs of vector Dense layers skipped, vectorised gates). The
 * results equal model_forward_reference up to float32 summation order
 * (tests: within 1e-5 on the seed architecture; never further from a
 * float64 evaluation than the reference). model_load_* does this already;
 * call it again after ANY change to m->params, or call model_unprepare, or
 * predictions use stale tables. 0, or -1 + message (out of memory; the
 * model then stays on the reference path and still works). */
int model_prepare(Model *m, char *err, size_t errlen);
void model_unprepare(Model *m);

/* ---- files --------------------------------------------------------------- */

/* Parse a weights file held in memory (not kept; may be freed after).
 * Returns a prepared model, or NULL + message for a truncated, foreign,
 * wrong-version, corrupted or inconsistent file, or out of memory. */
Model *model_load_bytes(const void *buf, size_t len, char *err, size_t errlen);

/* Serialise. quantize != 0 writes int8 per-row tensors (see above).
 * On success *out is a malloc'd buffer (caller free()s) of *out_len bytes
 * and 0 is returned; -1 + message otherwise. */
int model_save_bytes(const Model *m, int quantize, unsigned char **out, size_t *out_len,
                     char *err, size_t errlen);

#ifndef __EMSCRIPTEN__
/* Read / write a weights file. path NULL for load means
 * model_default_path(). 0 / model, or -1 / NULL + message (naming the path). */
Model *model_load_file(const char *path, char *err, size_t errlen);
int model_save_file(const Model *m, const char *path, int quantize, char *err, size_t errlen);

/* The shipped model's path: <repo>/weights/model.bin where <repo> is the
 * parent of the directory holding the running executable (build/moodspace →
 * <repo>), found through /proc/self/exe; when that file does not exist but
 * ./weights/model.bin does, the latter. Writes into buf (NUL-terminated);
 * returns 0, or -1 if it does not fit. The file may not exist (the
 * <repo> path is then given, for the error message). */
int model_default_path(char *buf, size_t n);
#endif

/* ---- inspecting ---------------------------------------------------------- */

int model_n_outputs(const Model *m);
const char *model_output_name(const Model *m, int i);        /* NULL out of range */
int model_output_index(const Model *m, const char *name);    /* -1 if absent */

/* The header as a JSON object text: format version, meta, seq_len,
 * vocab_size, layers (type names, units, shapes), outputs (name, mean, std),
 * tensors (name, shape), n_params, quantized. malloc'd; caller free()s.
 * NULL if out of memory. */
char *model_header_json(const Model *m);

/* The same header as a cJSON tree (cJSON.h; the caller cJSON_Delete()s it),
 * for a caller that adds to it or takes parts of it before printing. */
struct cJSON *model_header_object(const Model *m);

/* Layer type name ("embedding", "conv1d", ...) or "unknown". */
const char *model_layer_type_name(int type);

/* ---- prediction ---------------------------------------------------------- */

/* Encode text to m->seq_len ids (text_encode with the model's vocabulary).
 * ids holds m->seq_len int32s. Returns the real token count or -1. */
int model_encode(const Model *m, const char *text, size_t len, int32_t *ids);

/* Predict for n sequences of m->seq_len ids each (ids[n][seq_len]; ids out
 * of range count as OOV). out[n][n_outputs] in Spotify's units; the _z
 * variant gives standardised (z-score) outputs, i.e. the network's raw
 * output. Uses the fast path when prepared. 0, or -1 (bad arguments, out of
 * memory). */
int model_predict_ids(const Model *m, const int32_t *ids, int n, float *out);
int model_predict_ids_z(const Model *m, const int32_t *ids, int n, float *out_z);

/* The same for a chosen head (see "Heads" above): a scene or a screenplay
 * is MODEL_SCRIPT, a lyric MODEL_SONG. out sizes are as above (n_outputs
 * per text: one head). Unknown domains are -1. */
int model_predict_ids_z_domain(const Model *m, ModelDomain dom, const int32_t *ids, int n, float *out_z);
int model_predict_ids_domain(const Model *m, ModelDomain dom, const int32_t *ids, int n, float *out);
int model_predict_texts_domain(const Model *m, ModelDomain dom, const char *const *texts,
                               const size_t *lens, int n, float *out);

/* Encode and predict one text (len bytes, need not be NUL-terminated).
 * out[n_outputs] in Spotify's units. 0 or -1. */
int model_predict_text(const Model *m, const char *text, size_t len, float *out);

/* Encode and predict n texts (lens[i] bytes each; lens NULL → strlen).
 * out[n][n_outputs]. Batches the work (faster than n single calls). 0 or -1. */
int model_predict_texts(const Model *m, const char *const *texts, const size_t *lens, int n,
                        float *out);

/* The straightforward layer-by-layer forward pass of one sequence
 * (ids[seq_len]) with the plain nn.h functions, standardised outputs
 * out_z[n_outputs]; what the tests compare the fast path against.
 * 0 or -1 (out of memory). */
int model_forward_reference(const Model *m, const int32_t *ids, float *out_z);
int model_forward_reference_domain(const Model *m, ModelDomain dom, const int32_t *ids, float *out_z);

#endif
