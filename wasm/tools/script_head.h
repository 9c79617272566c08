/* script_head.h — the shipped network's second head, for screenplays
 * (native only, used by `moodspace train`).
 *
 * The song network (TF-IDF → Dense(relu) → Dense(6)) reads lyrics well and
 * scripts poorly: its words are lyric words, and its two length features
 * mean something else in a scene. The script head reads a text through word
 * vectors learned on screenplays AND training lyrics (`moodspace embed`), so
 * script-only words land near lyric words that carry a label:
 *
 *     f(text) = mean over the known tokens w of sif(w) · vec(w)     (100-d)
 *     sif(w)  = a / (a + p(w))      p(w): the word's share of the embed corpus
 *     z_k     = b_k + W_k · f       ridge per z-scored target, training split,
 *                                   lambda per target by validation r
 *
 * Being linear, it folds exactly into a word table of 6 scores per word,
 * table[w][k] = sif(w) · W_k · vec(w), and z_k = b_k + mean of table rows:
 * the network needs no word vectors, only the table (LAYER_TFIDF_WORDMEAN).
 * No length feature is used, so a scene's length does not move its mood.
 *
 * script_head_attach builds the two-head network from the song network:
 *   TFIDF_WORDMEAN(W = song vocab, K = 6)   [W + 6]
 *   Dense(HC + 12, relu)    song hidden units | b_k + table mean as +/- ReLU pairs
 *   Dense(12, linear)       outputs 0..5 song head (unchanged), 6..11 script head
 * The vocabulary is the song vocabulary followed by the most frequent other
 * embed words, up to table_words words, so the song head's ids (and its
 * predictions) are unchanged.
 */
#ifndef MOODSPACE_SCRIPT_HEAD_H
#define MOODSPACE_SCRIPT_HEAD_H

#include <stdio.h>

#include "dataset.h"
#include "model.h"
#include "wordvec.h"

typedef struct {
    int table_words;     /* vocabulary size of the shipped model (words) */
    double sif_a;        /* SIF weight parameter a */
    double sif_a_for[DS_NTARGETS];   /* > 0: a for that target instead */
    double lambda;       /* > 0: this ridge lambda for every target (else by validation r) */
    int remove_pc;       /* 1: remove the features' first singular direction (SIF) */
} script_head_opts;

script_head_opts script_head_default_opts(void);

typedef struct {
    double lambda[DS_NTARGETS];   /* ridge lambda per target (validation r) */
    double val_r[DS_NTARGETS];    /* the script head on validation songs */
    double sif_a[DS_NTARGETS];    /* SIF parameter used per target */
    int n_words;                  /* vocabulary words of the result */
    int dim;                      /* word-vector dimension */
} script_head_info;

/* The two-head model (prepared; meta copied from `song`), or NULL + message.
 * `song` must be the 3-layer song network described above. */
Model *script_head_attach(const Model *song, const ds_dataset *d, const WordVec *wv,
                          const script_head_opts *o, script_head_info *info, FILE *log,
                          char *err, size_t errlen);

/* The script head's predictions for every song, [d->n][DS_NTARGETS] in
 * Spotify units (for the model card: how it reads lyrics). NULL on failure. */
float *script_head_predict_songs(const Model *m, const ds_dataset *d);

/* The model card's section on the two heads (markdown). */
void script_head_markdown(FILE *md, const Model *m, const script_head_opts *o,
                          const script_head_info *info);

#endif
