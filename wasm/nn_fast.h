/* nn_fast.h — kernels of the fast inference path (model_prepare, model.h).
 *
 * Exact reformulations of the plain nn.h layers (same mathematics, a
 * different float32 summation order; tests/c/test_model.c holds the fast
 * path to the reference within 1e-5), used by the layer kinds' batched
 * forwards (layers.c) and the Embedding⊗Conv1D fusion (model.c). Inference
 * only; no allocation, no global state. Shapes as in nn.h.
 */
#ifndef MOODSPACE_NN_FAST_H
#define MOODSPACE_NN_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "nn.h"

/* Z[M][G] (row stride ldz) += A[M][Kd] (row stride lda) · W[Kd][G],
 * register-tiled 4 rows × 8 columns. */
void matmul_acc(float *Z, size_t ldz, const float *A, size_t lda, const float *W,
                int M, int Kd, int G);

/* Index from which ids[] is all padding (n if the last id is not 0). */
int pad_tail(const int32_t *ids, int n);

/* Conv1D over embedded ids through the Embedding⊗Conv1D table tab[V][K][F]
 * (out[S-K+1][F], bias[F]); returns the step from which all rows are
 * identical (S-K+1 if none). */
int conv_table_forward(float *out, const int32_t *ids, const float *tab, const float *bias,
                       int S, int V, int K, int F, int act);

/* N sequences through one LSTM direction. in: sequence n at in + n*istride,
 * [T][C]; rows >= same[n] of sequence n are identical. Output: last state at
 * out + n*ostride + off, or (seq) state of step t at out + n*ostride +
 * t*orow + off. lw: N * (T*4H + 6H) floats. */
void lstm_fast(float *out, size_t ostride, size_t orow, size_t off, const float *in, size_t istride,
               const float *Kw, const float *R, const float *b, int N, int T, int C, int H,
               int seq, int reverse, const int *same, float *lw);

/* Dense on one vector, skipping zero inputs (exact: 0 · finite w adds 0). */
void dense_skip_zeros(float *out, const float *in, const float *W, const float *b, int I, int O, int act);

#endif
