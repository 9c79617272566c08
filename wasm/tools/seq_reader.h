/* seq_reader.h — a small reader of word order for scenes (native only; the
 * experiment behind `moodspace seqfit`).
 *
 * The script head is linear over a bag of words; what a bag cannot see is
 * the order: negation, who does what to whom, a turn in the plot. This
 * reader is the smallest network that sees order:
 *
 *     a scene's known words, in order → frozen word vectors x[T][D]
 *       (build/wordvec.bin, standardised per dimension over the training
 *       tokens)
 *     → optional learnt projection Dense(P, linear) per word   u[T][P]
 *       (what would ship: folded into a table of P numbers per word,
 *       sr_fold, as the script head folds its ridge into the word table)
 *     → Conv1D(F filters, width K, relu)       h[T-K+1][F]
 *     → global max ‖ global mean               p[2F]
 *     → Dropout (training only) → Dense(2)     valence, energy (z units)
 *
 * trained with Adam on z-scored hand labels of the dev films' training part
 * (and, optionally, the weak rows scene_head.h uses: places, parentheticals)
 * (scene_bench.h's split): either the labels themselves or the RESIDUAL of
 * the linear script head (so the reader adds only what the bag misses), by
 * mean squared error and optionally a within-film pairwise loss (the
 * benchmark's own measure: every pair of labelled scenes of a film whose
 * labels differ by at least SB_MIN_GAP, logistic loss on the difference of
 * the final scores). Deterministic: one seed, one thread.
 *
 * Usage:
 *     sr_data *d = sr_data_build(c, m, wv, 600, 0, err, sizeof err);   // sequences + vectors
 *     sr_opts o = sr_default_opts();
 *     sr_net net;  sr_net_init(&net, d->dim, o.proj, o.filters, o.width, o.seed);
 *     sr_train(&net, d, c, base, &o, log, err, sizeof err);   // base: [n_scenes][2] or NULL
 *     sr_predict(&net, d, out);                                // out[n_scenes][2]
 */
#ifndef MOODSPACE_SEQ_READER_H
#define MOODSPACE_SEQ_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "scene_bench.h"
#include "wordvec.h"

/* Every corpus scene as a sequence of the model vocabulary's known words
 * (ids >= 2 with a word vector), at most max_len of them (the first ones). */
typedef struct {
    int n;                /* scenes (= corpus n_scenes) */
    int dim, V;
    float *vec;           /* [V][dim] standardised vectors (0 for words without one) */
    int32_t *ids;         /* all sequences, scene i at [start[i], start[i+1]) */
    size_t *start;        /* [n + 1] */
    int max_len;
} sr_data;

/* Sequences of ids (already encoded) into an sr_data: the words of ids that
 * have a vector in vec (V rows of dim); vectors standardised per dimension
 * over the tokens of the scenes with train[i] != 0 (all when train is
 * NULL). Takes ownership of nothing: vec is copied. NULL + message. */
sr_data *sr_data_from_ids(const int32_t *const *seqs, const int *lens, int n, const float *vec, int V, int dim,
                          int max_len, const unsigned char *train, char *err, size_t errlen);

/* The corpus's scenes through model m's tokenizer and vocabulary (its first
 * vocab_max ids when vocab_max > 0: the vocabulary ids are by frequency),
 * vectors from wv, or, when wv is NULL, each word's row of the model's own
 * script-head word table (the numbers the shipped file already holds);
 * standardised over the training films' tokens. NULL + message. */
sr_data *sr_data_build(const sb_corpus *c, const Model *m, const WordVec *wv, int max_len, int vocab_max,
                       char *err, size_t errlen);
void sr_data_free(sr_data *d);

typedef struct {
    int D, P, F, K;       /* P: projection (0 = none); the conv reads C = P or D */
    int C;
    int n_params;
    float *p;             /* all parameters, one block: */
    float *proj;          /* [D][P] (Keras Dense layout) */
    float *proj_b;        /* [P] */
    float *kernel;        /* [K][C][F] (Keras Conv1D layout, nn.h) */
    float *bias;          /* [F] */
    float *dense;         /* [2F][2] */
    float *dense_b;       /* [2] */
} sr_net;

/* Glorot-uniform kernels from seed, zero biases; P = 0: no projection.
 * 0 or -1 (bad sizes, out of memory). */
int sr_net_init(sr_net *net, int D, int P, int F, int K, uint64_t seed);
void sr_net_free(sr_net *net);

/* Working memory of one scene's forward and backward. */
typedef struct {
    int cap;              /* time steps it holds */
    int F, D, P;
    int To, T;            /* conv output steps and words of the last forward */
    float *x, *h, *dh;    /* [cap][D], [cap][F], [cap][F] */
    float *u, *du;        /* [cap][P] the projection's output and its gradient */
    float pooled[1024], mask[1024], dpooled[1024];
    int32_t argmax[512];
} sr_work;

int sr_work_init(sr_work *w, const sr_net *net, int max_len);
void sr_work_free(sr_work *w);

/* One sequence of T ids through the net: out[2]. rng non-NULL: training
 * (dropout with the given rate, drawn from *rng). A sequence shorter than K
 * is padded with zero vectors; an empty one reads as one zero vector. */
void sr_forward(const sr_net *net, const sr_data *d, const int32_t *ids, int T, sr_work *w, float rate,
                uint64_t *rng, float out[2]);

/* The backward of the last sr_forward on w: d_out[2] = dLoss/d out; ADDS the
 * parameters' gradient into grad[n_params]. */
void sr_backward(const sr_net *net, sr_work *w, const float d_out[2], float *grad);

/* Scene i of d through the net (inference). */
void sr_predict_scene(const sr_net *net, const sr_data *d, int i, sr_work *w, float out[2]);
/* Every scene: out[n][2]. 0 or -1. */
int sr_predict(const sr_net *net, const sr_data *d, float *out);

/* What would ship: the projection folded into the vectors, table[v] =
 * vec[v] · proj + proj_b for every word (a table of P numbers a word), the
 * net without its projection; int8 = 1 rounds each word's row to int8 with a
 * scale of its own (max |value| / 127), as the shipped word table is. Writes
 * *fd and *fnet (free with sr_data_free / sr_net_free). 0 or -1. */
int sr_fold(const sr_net *net, const sr_data *d, int int8, sr_data **fd, sr_net *fnet);

typedef struct {
    int filters, width;   /* F, K */
    int proj;             /* P (0: the conv reads the word vectors) */
    int max_len;          /* tokens read per scene */
    int epochs, batch;    /* batch: films per Adam step */
    int avg_from;         /* > 0: the net kept is the mean of its weights at the end of
                             epochs avg_from..epochs (one net, an ensemble's calm) */
    double lr, weight_decay, dropout, clip;
    double w_mse, w_pair;   /* loss weights: squared error, within-film pairs */
    double pair_scale;      /* logistic loss on pair_scale · (s_a − s_b) */
    double w_place, w_paren;   /* weak rows (squared error, this weight a row): a
                                  festive / grieving heading (± place_z) and the
                                  dropped parentheticals' sign (± paren_z), as
                                  scene_head.h uses them; 0 = off */
    double place_z, paren_z;
    int residual;           /* 1: learn label − base (base required), 0: the label */
    /* defaults (sr_default_opts): projection 8, 48 filters of width 3, 600 words,
       10 epochs of 4 films, lr 1e-3, decay 1e-4, dropout .3, clip 5, squared
       error + pairs (scale 2), no weak rows, no averaging, the labels, seed 18 */
    uint64_t seed;
} sr_opts;

sr_opts sr_default_opts(void);

/* Train net on the training films' labelled scenes of c (films with val == 0)
 * to predict z = (label − 5) / 2 per target, minus base[i][t] when
 * o->residual. epoch_cb, when not NULL, is called after every epoch (to score
 * the validation films, for the record). 0, or -1 + message. */
typedef void (*sr_epoch_cb)(int epoch, double train_loss, const sr_net *net, void *ctx);
int sr_train(sr_net *net, const sr_data *d, const sb_corpus *c, const float *base, const sr_opts *o,
             sr_epoch_cb cb, void *ctx, char *err, size_t errlen);

/* The loss of one film's scenes (the training objective, also used by the
 * tests): scores s[k][2] (final scores: base + net when residual), hand
 * targets z[k][2] (NAN: none), weak targets zw[k][2] with weights ww[k][2]
 * (NULL, or NAN / 0: none), k scenes. Returns
 *     w_mse · (Σ (s − z)² + Σ ww (s − zw)²) / n_sq
 *   + w_pair · Σ log(1 + exp(−pair_scale (s_a − s_b))) / n_pair
 * over the film's hand-labelled scene-targets, its weak ones and its pairs
 * of hand labels (per target, z_a − z_b ≥ SB_MIN_GAP / 2, i.e. labels
 * SB_MIN_GAP points apart); n_sq and n_pair are the batch's counts of hand
 * scene-targets and pairs (sr_film_counts summed), so films add up to the
 * batch mean. Writes dLoss/ds into ds (if not NULL). */
double sr_film_loss(const float *s, const float *z, const float *zw, const float *ww, int k, const sr_opts *o,
                    double n_sq, double n_pair, float *ds);
/* A film's labelled scene-targets and pairs, added into n[0], n[1]. */
void sr_film_counts(const float *z, int k, double n[2]);

/* ---- shipping it (`moodspace train`) ------------------------------------------------ */

#define SR_N_BLENDS 5
/* The blends tried on the validation films, a_lin · script head + a_seq ·
 * reader (z units): the head alone first, the reader alone last. */
extern const float sr_blends[SR_N_BLENDS][2];

typedef struct {
    int chosen;                 /* index into sr_blends (0: the head alone; no reader shipped) */
    sb_result res[SR_N_BLENDS]; /* each blend on every split, read through the engine */
    int words;                  /* words with a row */
    size_t bytes;               /* what the block adds to the weights file */
    double train_s;
} sr_ship_info;

/* Train a reader (o, vocabulary ids below vocab_max, vectors wv) on the
 * training films of c (labels attached), fold it into the int8 table the
 * weights file holds (model_reader.h), read every dev scene through m's own
 * predict path with each blend of sr_blends and attach the reader to m with
 * the blend whose validation pairs (mean of valence and energy) are best, or
 * none when that is the head alone. Deterministic (one thread, o->seed).
 * 0, or -1 + message (m then has no reader). */
int sr_train_attach(Model *m, const sb_corpus *c, const WordVec *wv, const sr_opts *o, int vocab_max, sr_ship_info *info,
                    FILE *log, char *err, size_t errlen);

/* The reader and its blends as Markdown (weights/MODEL.md, after the scene tables). */
void sr_ship_markdown(FILE *f, const Model *m, const sr_ship_info *ri, int vocab, int proj);

#endif
