/* bow.h — the TF-IDF bag-of-words layer (LAYER_TFIDF in model.h).
 *
 * Maps a sequence of token ids to a TF-IDF vector over the whole vocabulary,
 * the same features as the TF-IDF + ridge baseline, so a linear or MLP head
 * on top of it can start from (and contain) the ridge solution:
 *
 *     x[v] = (1 + ln count_v) * idf[v]   for every id v != 0 (padding)
 *            that occurs in ids, else 0
 *     out  = x / ||x||_2                  (all zeros when x is all zeros)
 *
 * out[V], ids[S], idf[V] (idf[v] = 0 drops a word, e.g. the OOV id 1). An id
 * outside 0..V-1 counts as 1 (OOV), like embedding_forward. No allocation,
 * no I/O: usable in the wasm build. The layer has no trainable input
 * gradient (its input is ids) and idf is fixed at training time, so it needs
 * no backward pass.
 *
 * Usage:
 *     float x[V];
 *     tfidf_forward(x, ids, idf, seq_len, V);   // then dense_forward(..., x, ...)
 * Returns the number of distinct non-zero-weight ids (0 = empty text).
 */
#ifndef MOODSPACE_BOW_H
#define MOODSPACE_BOW_H

#include <stdint.h>

int tfidf_forward(float *out, const int32_t *ids, const float *idf, int S, int V);

/* The sparse form used by trainers: writes the nonzero entries of the same
 * vector as (idx[k], val[k]), k < returned count, in first-occurrence order.
 * idx and val must hold S entries; scratch: float[V], all zeros on entry
 * and left all zeros on return. */
int tfidf_sparse(int32_t *idx, float *val, const int32_t *ids, const float *idf, int S, int V,
                 float *scratch);

#endif
