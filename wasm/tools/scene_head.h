/* scene_head.h — the script head's valence and energy, fitted on film scenes
 * (native only; `moodspace train --scene-labels`, `moodspace scenefit`).
 *
 * script_head.h fits the script head on lyrics: a lyric's words are a poor
 * guide to a scene ("a pleasant, moonlit night" opens a shark attack). Here
 * valence and energy are refitted where the scripts are, on the dev films'
 * training part only (scene_bench.h's split), from four kinds of rows:
 *   hand    a hand-labelled scene (labels/scenes.json): z = (label − 5) / 2
 *   place   a scene whose heading names a festive (+) or grieving (−) place;
 *           the heading is never in the scene's text, so the body is read
 *   paren   a scene whose dropped parentheticals say (crying) / (laughing)
 *           (valence) or (screams) / (whispers) (energy): the sign of the
 *           count; the parentheticals are not in the text either
 *   genre   a film whose genres put it in eval.h's groups (Comedy vs
 *           Horror/Thriller, Action vs Drama): ± on the film's word-weighted
 *           mean features, which is what the film's overall mood reads
 * each with its own weight, by weighted ridge on the same features as the
 * lyric fit (SIF-weighted mean word vectors, 100-d), so the result folds into
 * the word table exactly as before (table[w][k] = sif(w) · W_k · vec(w)).
 * What the benchmark measures is the order of scenes within a film, so:
 *   within  each hand row again, centred on its film (minus the mean label
 *           and mean features of the film's labelled scenes): film fixed
 *           effects, so a feature that only sets films apart gets no weight
 *           from these rows
 *   pairs   (w_pair > 0) a logistic loss on each within-film pair of
 *           labelled scenes, by Newton's method from the ridge fit
 * and the features may add fixed random ReLU features of each word's vector
 * (word_feats): still a function of the word alone, averaged as the network
 * averages the table, so it folds too (table[w][k] += Σ_j Gw_j · phi_j(w)).
 * Not foldable, so never used: max or second-moment pooling, separate
 * coefficients for action and dialogue words (one table row per word).
 * The weights and lambda are chosen on the validation films (scene_bench.h).
 */
#ifndef MOODSPACE_SCENE_HEAD_H
#define MOODSPACE_SCENE_HEAD_H

#include <stdio.h>

#include "cJSON.h"
#include "model.h"
#include "scene_bench.h"
#include "wordvec.h"

typedef struct {
    double lambda;                 /* ridge, on standardised features */
    double w_hand, w_place, w_paren, w_genre;   /* row weights (per row) */
    double sif_a;                  /* SIF parameter */
    double genre_z, place_z, paren_z;   /* the targets' sizes, label-z units */
    double song_units;             /* > 0: also the song head's hidden units, at this scale */
    int extra_words;               /* > 0: also a weight of its own for each of the
                                      most frequent words of the dev scenes (the
                                      word's share of the scene's known words) */
    double extra_scale;            /* those features' scale after standardising
                                      (smaller = more shrinkage than the vectors) */
    /* what the benchmark measures is the order of scenes within a film: */
    double w_within;               /* > 0: hand rows again, centred on their film
                                      (its labelled scenes' mean label and mean
                                      features: film fixed effects), this weight */
    double w_pair;                 /* > 0: a pairwise logistic (RankNet) loss on
                                      the training films' labelled pairs within a
                                      film, in all as heavy as w_pair hand rows per
                                      labelled scene (Newton from the ridge fit) */
    double pair_k;                 /* its sharpness: P(a above b) = σ(k (z_a − z_b)) */
    double pair_gap;               /* label gap that makes a pair (points) */
    int word_feats;                /* > 0: also this many fixed random ReLU features
                                      of each word's vector (scene_features_words),
                                      averaged like the vectors: a per-word
                                      non-linear reading the word table holds exactly */
    double feat_scale;             /* those features' scale after standardising */
    int reader;                    /* scene_head_train: also train the reader of word
                                      order (seq_reader.h, sr_train_attach) and ship it
                                      when it helps on the validation films */
    int reader_vocab;              /* the reader's words: the vocabulary's first N ids */
    int reader_proj;               /* the reader's numbers a word (its projection) */
} scene_fit_opts;

scene_fit_opts scene_fit_default_opts(void);

/* Features of every corpus scene for model m's vocabulary: [n_scenes][dim]
 * SIF(a)-weighted mean word vectors of the scene's model text. */
typedef struct {
    int n, dim;
    float *F;
    double *sif;          /* [V] sif weight per id */
    float *raw;           /* [V][dim] word vector per id (0 when absent) */
    int V;
    /* each scene's bag of words: ids and counts, scene i at [start[i], start[i+1]) */
    int32_t *bag_id;
    float *bag_tf;        /* count / known words */
    size_t *start;
    long *df;             /* [V] dev scenes holding the word */
    /* the song head's hidden units read on each scene, [n][hc]: the network
     * computes them anyway, so the script head may use them at no cost */
    int hc;
    float *Hs;
    /* scene_features_words: ng random ReLU features of each word's unit vector,
     * times its SIF weight, phi[V][ng]; each scene's mean of them, G[n][ng] */
    int ng;
    float *phi, *G;
} scene_features;

scene_features *scene_features_build(const sb_corpus *c, const Model *m, const WordVec *wv, double sif_a,
                                     char *err, size_t errlen);
void scene_features_free(scene_features *sf);

/* Add ng fixed random ReLU word features (seeded: the first k of any ng are
 * the same k): phi_j(w) = sif(w) · max(0, r_j · v(w)/|v(w)| + c_j), r_j
 * standard normal, c_j uniform in [−1, 1]; a scene's feature is the mean over
 * its known words, as the network pools the word table. 0, or -1 + message. */
int scene_features_words(scene_features *sf, int ng, char *err, size_t errlen);

typedef struct {
    double W[2][512], b[2];        /* z = b + W · f + Σ r[w] tf(w) + U · h, per SB_VALENCE / SB_ENERGY */
    float *r[2];                   /* [V] per-word weights (extra_words), or NULL */
    double U[2][256];              /* + U · song hidden units (song_units) */
    int hc;                        /* song units used, 0 or sf->hc */
    double *Gw[2];                 /* + Gw · word features (word_feats), or NULL */
    int ng;                        /* word features used */
    int rows[4];                   /* hand, place, paren, genre rows used */
} scene_fit;

void scene_fit_free(scene_fit *fit);   /* frees r[], not fit */

/* Fit on the training films. 0 or -1 (+ message). */
int scene_fit_run(const sb_corpus *c, const scene_features *sf, const scene_fit_opts *o, scene_fit *out,
                  char *err, size_t errlen);

/* pred[n_scenes][2] = b + W · F. */
void scene_fit_predict(const scene_features *sf, const scene_fit *fit, float *pred);

/* Write the fit into a two-head model's script head (valence and energy
 * columns of the word table and their biases; the other targets unchanged).
 * The model is re-prepared. 0 or -1. */
int scene_fit_write(Model *m, const scene_features *sf, const scene_fit *fit, char *err, size_t errlen);

/* The dev films' labelled scenes and their features, as every scene fit reads them:
 * genres → labels → the dev films' corpus → features (+ ng word features when ng > 0).
 * scripts NULL: the screenplays folder beside the genres file. 0, or -1 with err (then
 * whatever was loaded is freed). Labels are loaded, not attached (sb_attach_labels). */
typedef struct {
    ev_genres *g;
    sb_labels *l;
    sb_corpus *c;
    scene_features *sf;
} scene_inputs;
int scene_inputs_load(scene_inputs *in, const Model *m, const WordVec *wv, const char *genres, const char *labels,
                      const char *scripts, double sif_a, int ng, char *err, size_t errlen);
void scene_inputs_free(scene_inputs *in);

/* The trainer's step (`moodspace train --scene-labels`): refit m's script
 * head on the dev scenes with the options o, and describe it for the model
 * card: *md (malloc'd Markdown: the benchmark for the model after the fit,
 * before it, and the lexicon when lexicon is not NULL) and meta (a
 * "scene_fit" object added to it). scripts: the folder of the genres' films.
 * 0, or -1 + message. */
int scene_head_train(Model *m, const WordVec *wv, const scene_fit_opts *o, const char *genres, const char *scripts,
                     const char *labels, const char *lexicon, char **md, cJSON *meta, FILE *log,
                     char *err, size_t errlen);

#endif
