/* nn.h — neural-network layers, forward passes (inference and training).
 *
 * Each layer is a plain function, outputs first, then inputs, weights and
 * dimensions; shapes are given as C arrays, row-major, float32, in Keras'
 * weight layouts so Keras weights can be copied verbatim. No allocation, no
 * I/O, no global state: thread-safe, usable in the wasm build. Buffers must
 * not overlap unless a function says so. The functions trust their
 * dimensions (the caller — model.c — validates shapes once, at load).
 *
 * One sequence ("sample") per call, T time steps, C channels: x[T][C].
 * Backward passes live in wasm/tools/nn_grad.h (native only); the *_train
 * variants and the optional `cache` arguments here store exactly what those
 * backward passes need.
 *
 * Usage (the seed network, one song, ids[500]):
 *     embedding_forward(e, ids, emb, 500, 2000, 60);                  // e[500][60]
 *     conv1d_forward(c, e, ck, cb, 500, 60, 64, 5, NN_ACT_RELU);      // c[496][64]
 *     maxpool1d_forward(p, NULL, c, 496, 64, 4);                      // p[124][64]
 *     lstm_forward(h, p, lk, lr, lb, 124, 64, 100, 0, 0, NULL, s);    // h[100]
 *     dense_forward(d1, h, w1, b1, 1, 100, 64, NN_ACT_RELU);  ...
 */
#ifndef MOODSPACE_NN_H
#define MOODSPACE_NN_H

#include <stddef.h>
#include <stdint.h>

/* Activations (values stored in weights files: do not renumber). */
enum { NN_ACT_LINEAR = 0, NN_ACT_RELU = 1, NN_ACT_TANH = 2, NN_ACT_SIGMOID = 3 };

/* Apply an activation in place to n values. Unknown act → linear. */
void nn_activate(float *x, size_t n, int act);

/* Embedding: out[t][:] = table[ids[t]][:].
 * out[T][D], ids[T], table[V][D]. An id outside 0..V-1 is read as
 * 1 (OOV) when V > 1, else 0 — never out of bounds. */
void embedding_forward(float *out, const int32_t *ids, const float *table, int T, int V, int D);

/* Conv1D, padding="valid", stride 1, dilation 1:
 * out[t][f] = act(bias[f] + sum_{k<K, c<C} in[t+k][c] * kernel[k][c][f]).
 * out[T-K+1][F], in[T][C], kernel[K][C][F] (Keras layout), bias[F].
 * Requires T >= K. */
void conv1d_forward(float *out, const float *in, const float *kernel, const float *bias,
                    int T, int C, int F, int K, int act);

/* MaxPooling1D(pool_size=P, strides=P, padding="valid"): To = T / P (floor),
 * out[to][c] = max_{p<P} in[to*P+p][c]. out[To][C], in[T][C].
 * argmax: NULL, or int32[To][C] receiving the input row index (t) of each max
 * (first one on ties), for maxpool1d_backward. */
void maxpool1d_forward(float *out, int32_t *argmax, const float *in, int T, int C, int P);

/* LSTM, Keras semantics (TF2 defaults): gates in Keras order i, f, c(=g), o;
 *     z = x_t·kernel + h_{t-1}·recurrent + bias          z[4H]
 *     i = sigmoid(z_i)  f = sigmoid(z_f)  g = tanh(z_g)  o = sigmoid(z_o)
 *     c_t = f*c_{t-1} + i*g      h_t = o*tanh(c_t)       h_0 = c_0 = 0
 * in[T][C], kernel[C][4H], recurrent[H][4H], bias[4H] (Keras layouts; within
 * each row the 4H columns are [i | f | g | o], H each).
 * reverse = 0: steps t = 0..T-1; reverse = 1: t = T-1..0 (Keras
 *   go_backwards, the backward half of Bidirectional).
 * return_sequences = 0: out[H] = the last state computed.
 * return_sequences = 1: out[T][H], out[t] = state after reading in[t]
 *   (for reverse = 1 this is already re-aligned to input order, as
 *   Bidirectional does).
 * cache: NULL, or float[T][LSTM_CACHE_PER_UNIT*H] storing per step (in
 *   processing order s = 0..T-1) [i | f | g | o | c_t | h_t], H each, for
 *   lstm_backward.
 * scratch: float[LSTM_SCRATCH(H)], always required (working state).
 * Requires T >= 1. Sigmoid/tanh are the exact libm forms (no hard_sigmoid). */
#define LSTM_CACHE_PER_UNIT 6
#define LSTM_SCRATCH(H) (7 * (size_t)(H))
#define LSTM_GRAD_SCRATCH(H) (8 * (size_t)(H))   /* lstm_backward's (wasm/tools/nn_grad.h) */
void lstm_forward(float *out, const float *in, const float *kernel, const float *recurrent,
                  const float *bias, int T, int C, int H, int return_sequences, int reverse,
                  float *cache, float *scratch);

/* Bidirectional output: out[R][2H] with out[r] = fwd[r] followed by bwd[r]
 * (Keras merge_mode="concat"); R = T for return_sequences, else 1. */
void bilstm_concat(float *out, const float *fwd, const float *bwd, int R, int H);

/* The same LSTM for N independent sequences at once (inference only; the
 * time loop runs matrix-matrix products over the batch, which vectorises).
 * in[N][T][C] (all the same T), out[N][H] (last state only), reverse as
 * above. scratch: float[N * 7 * H] (+ any amount more is fine).
 * Gives the same results as N calls of lstm_forward (within float rounding). */
void lstm_forward_batch(float *out, const float *in, const float *kernel, const float *recurrent,
                        const float *bias, int N, int T, int C, int H, int reverse, float *scratch);

/* Dense applied to N rows: out[n][o] = act(bias[o] + sum_i in[n][i]*kernel[i][o]).
 * out[N][O], in[N][I], kernel[I][O] (Keras layout), bias[O] (NULL = no bias).
 * (Keras Dense on a sequence [T][I] is N = T.) */
void dense_forward(float *out, const float *in, const float *kernel, const float *bias,
                   int N, int I, int O, int act);

/* GlobalAveragePooling1D: out[c] = mean_t in[t][c]. out[C], in[T][C], T >= 1. */
void gap1d_forward(float *out, const float *in, int T, int C);

/* GlobalMaxPooling1D: out[c] = max_t in[t][c]. out[C], in[T][C], T >= 1.
 * argmax: NULL or int32[C] receiving the t of each max (first on ties). */
void gmp1d_forward(float *out, int32_t *argmax, const float *in, int T, int C);

/* Mask-aware mean pool over non-padding tokens (fastText-style): out[c] =
 * mean of in[t][c] over t with ids[t] != 0; all zeros when every id is 0.
 * out[C], in[T][C], ids[T]. Returns the number of positions averaged. */
int meanpool_masked_forward(float *out, const float *in, const int32_t *ids, int T, int C);

/* Dropout: identity at inference (Keras). For training, inverted dropout:
 * mask[i] = 0 with probability rate, else 1/(1-rate); out[i] = in[i]*mask[i].
 * out[n], mask[n], in[n]; out may equal in. rate <= 0 → mask all 1.
 * rng: state of nn_rng_next (any non-zero start value). */
void dropout_forward_train(float *out, float *mask, const float *in, size_t n, float rate,
                           uint64_t *rng);

/* A small seeded RNG (xorshift64*): same seed → same stream on every
 * platform. *state must be non-zero (nn_rng_seed makes it so). */
void nn_rng_seed(uint64_t *state, uint64_t seed);
uint64_t nn_rng_next(uint64_t *state);
float nn_rng_uniform(uint64_t *state);         /* [0, 1) */
float nn_rng_normal(uint64_t *state);          /* N(0, 1), Box–Muller */

/* Logistic sigmoid used everywhere in the engine (LSTM gates, NN_ACT_SIGMOID). */
float nn_sigmoid(float x);

#endif
