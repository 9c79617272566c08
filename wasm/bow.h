/* bow.h — the TF-IDF bag-of-words layer (LAYER_TFIDF in model.h).
 *
 * Maps a sequence of token ids to a TF-IDF vector over the whole vocabulary,
 * the same features as the TF-IDF + ridge baseline, so a linear or MLP head
 * on top of it can start from (and contain) the ridge solution:
 *
 *     x[v]   = (1 + ln count_v) * idf[v]   for every word id v >= 2 that
 *              occurs in ids, else 0
 *     out[v] = x[v] / ||x||_2   (v >= 2; all zeros when x is all zeros)
 *
 * Slots 0 (padding) and 1 (OOV) are never bag words; they carry two dense
 * length features, scaled by idf[0] and idf[1] (0 turns them off):
 *     out[0] = idf[0] * ln(1 + n)     n = tokens (ids != 0, OOV included)
 *     out[1] = idf[1] * d / n         d = distinct word ids >= 2 (type/token
 *                                     ratio: low for repetitive lyrics); 0 if n = 0
 * (the L2 normalisation removes length from the bag; these give it back).
 *
 * out[V], ids[S], idf[V] (idf[v] = 0 drops word v). An id outside 0..V-1
 * counts as 1 (OOV), like embedding_forward. No allocation,
 * no I/O: usable in the wasm build. The layer has no trainable input
 * gradient (its input is ids) and idf is fixed at training time, so it needs
 * no backward pass.
 *
 * Usage:
 *     float x[V];
 *     tfidf_forward(x, ids, idf, seq_len, V);   // then dense_forward(..., x, ...)
 * Returns the number of nonzero entries written (0 = empty text).
 */
#ifndef MOODSPACE_BOW_H
#define MOODSPACE_BOW_H

#include <stdint.h>

int tfidf_forward(float *out, const int32_t *ids, const float *idf, int S, int V);

/* The sparse form used by trainers: writes the nonzero entries of the same
 * vector as (idx[k], val[k]), k < returned count, in first-occurrence order.
 * idx and val must hold S + 2 entries; scratch: float[V], all zeros on entry
 * and left all zeros on return. */
int tfidf_sparse(int32_t *idx, float *val, const int32_t *ids, const float *idf, int S, int V,
                 float *scratch);

/* The word-table half of LAYER_TFIDF_WORDMEAN (model.h): the mean of the
 * table rows of the known words of a text,
 *     out[k] = mean over t with 2 <= ids[t] < V of table[ids[t]][k]
 * (padding, OOV and out-of-range ids are skipped; all zeros when no word is
 * known). out[K], ids[S], table[V][K]. Returns the number of words averaged.
 * A linear model over SIF-weighted mean word vectors folds exactly into
 * such a table (one row of K scores per word), so the shipped network needs
 * no word vectors. */
int wordmean_forward(float *out, const int32_t *ids, const float *table, int S, int V, int K);

#endif
