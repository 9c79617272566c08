/* nn_grad.h — backward passes for the nn.h layers and a whole Model
 * (native only: training lives in wasm/tools/).
 *
 * Conventions (as llm.c): outputs-first; every backward ADDS into its
 * gradient buffers (d_in, d_weights), so the caller zeroes them once per
 * mini-batch and can sum over samples. d_in may be NULL when the input's
 * gradient is not needed (e.g. below the first layer). Shapes as in nn.h;
 * "out" arguments are the forward outputs (post-activation) that the
 * forward call produced, "in" its inputs.
 *
 * Whole-model usage (one sample; sum over a batch, then an optimizer step):
 *     ModelCache *c = model_cache_new(m);              // per thread
 *     float *grads = calloc(m->n_params, sizeof(float));
 *     model_forward_train(m, c, ids, 1, &rng, out_z);  // dropout on
 *     for (k...) d_out[k] = dLoss/d out_z[k];
 *     model_backward(m, c, d_out, grads);              // adds into grads
 *     model_cache_free(c);
 * grads uses m->params' layout (m->tensors offsets).
 */
#ifndef MOODSPACE_NN_GRAD_H
#define MOODSPACE_NN_GRAD_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "nn.h"

/* Embedding: d_table[ids[t]][:] += d_out[t][:] (ids clamped like the
 * forward). d_table[V][D], d_out[T][D]. */
void embedding_backward(float *d_table, const float *d_out, const int32_t *ids, int T, int V, int D);

/* Conv1D: d_in[T][C] (or NULL), d_kernel[K][C][F], d_bias[F];
 * d_out[T-K+1][F], out[T-K+1][F] = forward output (for the activation),
 * in[T][C], kernel[K][C][F]. */
void conv1d_backward(float *d_in, float *d_kernel, float *d_bias, const float *d_out,
                     const float *out, const float *in, const float *kernel,
                     int T, int C, int F, int K, int act);

/* MaxPooling1D: d_in[argmax[to][c]][c] += d_out[to][c].
 * d_in[T][C], d_out[To][C], argmax[To][C] from maxpool1d_forward. */
void maxpool1d_backward(float *d_in, const float *d_out, const int32_t *argmax, int To, int C);

/* LSTM through time. d_out: [H] (return_sequences = 0, gradient of the last
 * state) or [T][H] (return_sequences = 1, input order). cache: from
 * lstm_forward with the same in/weights/reverse. d_in[T][C] (or NULL),
 * d_kernel[C][4H], d_recurrent[H][4H], d_bias[4H].
 * scratch: float[LSTM_GRAD_SCRATCH(H)] (nn.h). */
void lstm_backward(float *d_in, float *d_kernel, float *d_recurrent, float *d_bias,
                   const float *d_out, const float *in, const float *cache,
                   const float *kernel, const float *recurrent,
                   int T, int C, int H, int return_sequences, int reverse, float *scratch);

/* Dense on N rows: d_in[N][I] (or NULL), d_kernel[I][O], d_bias[O] (or
 * NULL); d_out[N][O], out[N][O] forward output, in[N][I], kernel[I][O]. */
void dense_backward(float *d_in, float *d_kernel, float *d_bias, const float *d_out,
                    const float *out, const float *in, const float *kernel,
                    int N, int I, int O, int act);

/* GlobalAveragePooling1D: d_in[t][c] += d_out[c] / T. */
void gap1d_backward(float *d_in, const float *d_out, int T, int C);

/* GlobalMaxPooling1D: d_in[argmax[c]][c] += d_out[c]. */
void gmp1d_backward(float *d_in, const float *d_out, const int32_t *argmax, int T, int C);

/* Masked mean pool: d_in[t][c] += d_out[c] / count for ids[t] != 0. */
void meanpool_masked_backward(float *d_in, const float *d_out, const int32_t *ids, int T, int C);

/* Dropout: d_in[i] += d_out[i] * mask[i] (mask from dropout_forward_train). */
void dropout_backward(float *d_in, const float *d_out, const float *mask, size_t n);

/* Elementwise activation backward, in place: d[i] *= act'(given out[i]). */
void nn_activation_backward(float *d, const float *out, size_t n, int act);

/* ---- whole model --------------------------------------------------------- */

typedef struct ModelCache ModelCache;

/* Activations and scratch for one sample of model m (one per thread).
 * NULL if out of memory. Free with model_cache_free (NULL is fine). */
ModelCache *model_cache_new(const Model *m);
void model_cache_free(ModelCache *c);

/* Forward one sequence ids[m->seq_len] keeping every activation.
 * train = 1: dropout active (drawn from *rng); train = 0: inference
 * (the same forward as model_forward_reference: layers_forward in
 * layers.h, here with a cache). out_z[m->n_outputs]: standardised
 * outputs. Returns 0 (or -1 if c does not belong to a model of this shape). */
int model_forward_train(const Model *m, ModelCache *c, const int32_t *ids, int train,
                        uint64_t *rng, float *out_z);

/* Backward for the sample last run through c with model_forward_train:
 * d_out_z[n_outputs] = dLoss/d out_z. ADDS into grads[m->n_params]. */
void model_backward(const Model *m, ModelCache *c, const float *d_out_z, float *grads);

#endif
