/* train.h — training loops (native only): Adam over a whole Model (any
 * layer stack the engine has, through nn_grad.h) and a fast sparse trainer
 * for the TF-IDF MLP head of the shipped model.
 *
 * Both use mini-batches, Adam (optional decoupled weight decay, gradient
 * clipping by global norm), a seeded RNG (same seed and threads setting →
 * same run), MSE / MAE / Huber loss on the model's standardised outputs,
 * and early stopping on the validation loss: training stops after
 * `patience` epochs without improvement and the best epoch's weights are
 * restored. One progress line per epoch goes to `log` (if not NULL):
 *     epoch 3/20  train 0.8123  val 0.8530  best  12.4 s
 *
 * Usage:
 *     tr_params p = tr_default_params();  p.epochs = 15;  p.loss = TR_MAE;
 *     tr_result res;
 *     tr_train_model(m, ids_tr, y_tr, n_tr, ids_va, y_va, n_va, &p, &res, stderr);
 *     ...res.best_epoch, res.sec_per_epoch...;  tr_result_free(&res);
 */
#ifndef MOODSPACE_TRAIN_H
#define MOODSPACE_TRAIN_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "baselines.h"

enum { TR_MSE = 0, TR_MAE = 1, TR_HUBER = 2 };
extern const char *const tr_loss_names[3];

typedef struct {
    int epochs;          /* maximum epochs */
    double max_seconds;  /* model trainer: no new epoch after this much wall time (0 = no limit) */
    int batch;           /* samples per Adam step */
    int patience;        /* early stopping: epochs without val improvement */
    int threads;         /* 1 or 2 (pthreads; model trainer only) */
    int loss;            /* TR_MSE / TR_MAE / TR_HUBER */
    float huber_delta;   /* Huber: quadratic within ±delta */
    float lr, beta1, beta2, eps;   /* Adam */
    float weight_decay;  /* decoupled (AdamW) decay per step, times lr; 0 = off */
    float clip_norm;     /* clip the batch gradient's global norm; 0 = off */
    float dropout;       /* MLP trainer: dropout on the hidden layer */
    float input_dropout; /* MLP trainer: drop each word of a lyric with this rate */
    uint64_t seed;
} tr_params;

/* lr 1e-3, betas 0.9/0.999, eps 1e-7 (Keras), batch 32, 20 epochs,
 * patience 3, 1 thread, MSE, delta 1, no decay, clip 5, seed 42. */
tr_params tr_default_params(void);

typedef struct {
    int epochs_run, best_epoch;      /* best_epoch is 1-based */
    double best_val;                 /* validation loss at best_epoch */
    double seconds, sec_per_epoch;   /* wall time of the whole run / per epoch */
    double *train_loss, *val_loss;   /* [epochs_run], malloc'd */
} tr_result;
void tr_result_free(tr_result *r);

/* Loss and its gradient for one sample: returns sum_k loss(pred_k - y_k)
 * over n values and writes dL/dpred into d (if not NULL), scaled by `scale`. */
double tr_loss(int loss, float delta, const float *pred, const float *y, int n, float *d, float scale);

/* Train m->params in place. ids_*: [n][m->seq_len] token ids; y_*:
 * [n][m->n_outputs] targets in the model's standardised space
 * ((y - target_mean) / target_std). The best epoch's weights are kept.
 * Returns 0, or -1 (bad arguments / out of memory). */
int tr_train_model(Model *m, const int32_t *ids_tr, const float *y_tr, int n_tr,
                   const int32_t *ids_va, const float *y_va, int n_va,
                   const tr_params *p, tr_result *res, FILE *log);

/* Mean loss of the model over n samples (inference mode). */
double tr_eval_model(const Model *m, const int32_t *ids, const float *y, int n, int loss, float delta);

/* ---- TF-IDF MLP head --------------------------------------------------------
 * out = W2^T relu(W1^T x + b1) + b2 on a sparse TF-IDF row x (baselines.h),
 * Keras Dense layouts: W1[V][H], b1[H], W2[H][O], b2[O]. */
typedef struct { int V, H, O; float *W1, *b1, *W2, *b2; } tr_mlp;

/* Allocate with glorot-uniform kernels from `seed`, zero biases. 0 or -1. */
int tr_mlp_init(tr_mlp *net, int V, int H, int O, uint64_t seed);
void tr_mlp_free(tr_mlp *net);
void tr_mlp_predict(const tr_mlp *net, const bl_sparse *X, int row, float *out);

/* Train on rows tr[0..ntr) of X with targets y_tr[ntr][O] (standardised),
 * early stopping on rows va with y_va. 0 or -1. */
int tr_train_mlp(tr_mlp *net, const bl_sparse *X, const int *tr, const float *y_tr, int ntr,
                 const int *va, const float *y_va, int nva, const tr_params *p, tr_result *res,
                 FILE *log);

#endif
