/* baselines.h — comparison models and the sparse TF-IDF features they share
 * with the shipped model (native only).
 *
 *  - mean predictor: the training mean of each target;
 *  - lexicon: mean NRC-VAD valence/arousal/dominance of the known words of a
 *    lyric plus log(1 + tokens), least squares per target (evaluation only:
 *    the lexicon's licence forbids shipping anything derived from it);
 *  - TF-IDF + ridge: sublinear TF-IDF (bow.h, L2-normalised) over the
 *    training vocabulary, one ridge regression per standardised target,
 *    lambda picked on the validation split from a fixed grid.
 *
 * Usage:
 *     bl_sparse *X = bl_tfidf_features(d, vocab, idf, seq_len);   // all songs
 *     bl_ridge r;  bl_ridge_fit(X, rows_tr, n_tr, y_tr, lambda, &r, NULL);
 *     float p = bl_ridge_predict(&r, X, row);
 *     bl_ridge_free(&r); bl_sparse_free(X);
 */
#ifndef MOODSPACE_BASELINES_H
#define MOODSPACE_BASELINES_H

#include "dataset.h"
#include "text.h"

#include <stdio.h>

/* Rows of sparse features (CSR): row i has entries rowptr[i]..rowptr[i+1]-1. */
typedef struct {
    int n, d;              /* rows, columns */
    long *rowptr;          /* [n+1] */
    int32_t *col;          /* [nnz] */
    float *val;            /* [nnz] */
} bl_sparse;

/* idf[v] for ids 0..vocab_size-1 from document frequencies over the train
 * split: ln((1 + N) / (1 + df)) + 1 (scikit-learn's smooth idf). Slots 0
 * and 1 scale the layer's two length features (bow.h): BL_LEN_SCALE and
 * BL_TTR_SCALE when length_features != 0, else 0 (a pure bag of words).
 * malloc'd; NULL on OOM. */
#define BL_LEN_SCALE 0.5f
#define BL_TTR_SCALE 1.0f
float *bl_idf(const ds_dataset *d, const Vocab *v, int length_features);

/* TF-IDF rows (tfidf_sparse of bow.h) of every song of d, row i = song i,
 * from the first seq_len tokens (text_encode). NULL on OOM. */
bl_sparse *bl_tfidf_features(const ds_dataset *d, const Vocab *v, const float *idf, int seq_len);
void bl_sparse_free(bl_sparse *x);

/* Ridge regression on rows[0..n-1] of X with targets y[n]:
 * minimise sum (w·x + b - y)^2 + lambda |w|^2 (b not penalised), by
 * conjugate gradients on the centred problem. warm: NULL or a previous
 * solution of the same shape to start from. 0, or -1 on OOM. */
typedef struct { int d; float *w; float b; } bl_ridge;
int bl_ridge_fit(const bl_sparse *X, const int *rows, int n, const float *y, double lambda,
                 bl_ridge *out, const bl_ridge *warm);
float bl_ridge_predict(const bl_ridge *r, const bl_sparse *X, int row);
void bl_ridge_free(bl_ridge *r);

/* Least squares with a tiny ridge (1e-6) for a few dense features:
 * coef[p+1] (last = intercept) from F[n][p], y[n]. 0 or -1. */
int bl_lstsq(const double *F, const double *y, int n, int p, double *coef);

/* NRC-VAD lexicon: a CSV with columns word, valence, arousal, dominance. Words are cleaned with text_clean so they match lyric tokens.
 * NULL + message when the file is unreadable or has no entries. */
typedef struct bl_lexicon bl_lexicon;
bl_lexicon *bl_lexicon_load(const char *path, char *err, size_t errlen);
void bl_lexicon_free(bl_lexicon *lx);

/* Features of one text: mean valence, arousal, dominance of known tokens
 * (0.5 each when none is known) and log(1 + tokens), over the first
 * DS_MAX_TOKENS tokens. f[4]. Returns the number of known tokens. */
int bl_lexicon_features(const bl_lexicon *lx, const char *text, double *f);

/* Add valence, arousal, dominance of every known token of text[0..len) (no
 * token cap) to sum[3]; adds the token count to *tokens and returns the
 * known tokens. Lookups write stb_ds's temp slot: one lexicon per thread. */
long bl_lexicon_accumulate(const bl_lexicon *lx, const char *text, size_t len, double sum[3], long *tokens);


/* ---- the whole comparison suite ---------------------------------------------
 * Builds the training vocabulary (words seen >= 2 times in the train split,
 * the max_words most frequent), idf, TF-IDF rows of every song, and fits the
 * three baselines on the train split (ridge lambda per target picked on the
 * validation split by Pearson r from BL_LAMBDAS). Predictions for every song
 * are in raw (Spotify) units, [d->n][DS_NTARGETS]. */
#define BL_N_LAMBDAS 6
extern const double bl_lambdas[BL_N_LAMBDAS];

typedef struct {
    char **words; long *counts; int n_words; long total_tokens;   /* vocabulary */
    Vocab *vocab;
    float *idf;                      /* [vocab_size] */
    bl_sparse *X;                    /* TF-IDF rows, row i = song i */
    ds_stats st;                     /* train z-score stats */
    bl_ridge ridge[DS_NTARGETS];     /* on z-scored targets */
    double lambda[DS_NTARGETS];
    float *pred_mean, *pred_lex, *pred_ridge;   /* pred_lex NULL without lexicon */
    int lex_known_pct;               /* % of tokens found in the lexicon (train) */
} bl_suite;

/* 0, or -1 + message. lexicon_path NULL or unreadable: the lexicon baseline
 * is skipped (a note goes to log). Free with bl_suite_free. */
int bl_suite_run(bl_suite *s, const ds_dataset *d, int max_words, int length_features,
                 const char *lexicon_path, FILE *log, char *err, size_t errlen);
void bl_suite_free(bl_suite *s);

#endif
