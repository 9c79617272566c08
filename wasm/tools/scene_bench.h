/* scene_bench.h — the dev scene benchmark (native only): does the script head
 * read a film's scenes the way a film fan does?
 *
 * Everything here comes from the dev films (genres_dev.json) only:
 *   - hand labels: labels/scenes.json, scenes of dev films labelled for
 *     valence and energy (1..9) by labels/GUIDELINE.md; a film, a scene index
 *     (as `moodspace scenes` numbers them), the heading and the numbers, never
 *     the text;
 *   - places: scenes whose heading names a festive place (party, wedding,
 *     nightclub, ...) or a grieving one (funeral, cemetery, morgue, ...), with
 *     a body of at least 30 words; the model reads the body only (the heading
 *     is never part of a scene's model text);
 *   - genres: a film's overall mood against its genres (eval.h's two tests).
 * The dev films are split by a hash of their name (sb_film_is_val): 20 % are
 * validation, where every choice of the script head is made and measured;
 * the trainer sees labels of the other 80 % only.
 *
 * Measures, for any per-scene prediction (valence, energy):
 *   pair accuracy  within each film, every pair of labelled scenes whose
 *                  labels differ by at least SB_MIN_GAP points: the share the
 *                  prediction orders the same way (ties count half);
 *   places         within each film, every (festive, grieving) pair: the share
 *                  where the festive scene is predicted brighter (valence) and
 *                  more energetic (energy);
 *   genre AUC      eval.h's tests on the films' word-weighted mean prediction.
 *
 * Usage:
 *     sb_corpus *c = sb_corpus_load(genres, "screenplays", 2, err, sizeof err);
 *     sb_labels *l = sb_labels_load("labels/scenes.json", err, sizeof err);
 *     sb_attach_labels(c, l);
 *     float *pred = sb_predict_model(c, model);       // [c->n_scenes][2]
 *     sb_result r = sb_score(c, pred);
 */
#ifndef MOODSPACE_SCENE_BENCH_H
#define MOODSPACE_SCENE_BENCH_H

#include <stdio.h>

#include "cJSON.h"
#include "eval.h"
#include "model.h"
#include "scene.h"

#define SB_VALENCE 0
#define SB_ENERGY 1
#define SB_MIN_GAP 2.0f          /* labels this far apart make a pair */
#define SB_PLACE_MIN_WORDS 30    /* a place scene's body, in words */

enum { SB_TRAIN = 0, SB_VAL = 1, SB_ALL = 2, SB_NSPLITS = 3 };
extern const char *const sb_split_names[SB_NSPLITS];

/* 1 when a dev film is in the validation fifth (FNV-1a 32 of its name, mod 5
 * == 0; labels/split.mjs is the same rule). */
int sb_film_is_val(const char *film);

/* +1 festive place, -1 grieving place, 0 neither (whole words of the heading,
 * any case). */
int sb_place_kind(const char *heading);

/* Hints a screenwriter left in parentheticals, which the parser drops from the
 * model text: (crying), (laughing), (screams), (whispers) ... Counts over the
 * raw lines [first, last] (1-based) of text: hint[SB_VALENCE] = bright − dark
 * cues, hint[SB_ENERGY] = loud − quiet cues. Returns the number of cues. */
int sb_paren_hints(const char *text, size_t len, int first, int last, int hint[2]);

typedef struct {
    char *film;
    int index;
    char *heading;
    float y[2];          /* valence, energy: the mean of the labellers */
    int n_labellers;
} sb_label;

typedef struct {
    sb_label *items;
    int n;
} sb_labels;

/* labels/scenes.json: {"scenes": [{"film", "index",
 * "heading", "valence": [v1, v2?], "energy": [e1, e2?]}, ...]}. */
sb_labels *sb_labels_load(const char *path, char *err, size_t errlen);
void sb_labels_free(sb_labels *l);

typedef struct {
    char *name;
    int val;                 /* sb_film_is_val */
    int group[EV_FILM_NTESTS];   /* eval.h's groups: +1, -1 or 0 */
    ScriptScenes *ss;
    int first;               /* index of its first scene in the corpus */
    float *label;            /* [n_scenes][2] hand labels, NAN where none */
    signed char *hint;       /* [n_scenes][2] sign of sb_paren_hints (0: no cue) */
} sb_film;

typedef struct {
    sb_film *films;
    int n;
    int n_scenes;            /* all films' scenes */
    int n_labelled, n_unmatched;   /* after sb_attach_labels */
} sb_corpus;

/* Every dev film of g whose script is in scripts_dir, parsed as `moodspace
 * scenes` does (threads 1..8). */
sb_corpus *sb_corpus_load(const ev_genres *g, const char *scripts_dir, int threads, char *err, size_t errlen);
void sb_corpus_free(sb_corpus *c);

/* Put the labels on their scenes. A label whose film is not in the corpus, or
 * whose index or heading does not match the parse, is counted as unmatched
 * (the parser changed: relabel). */
void sb_attach_labels(sb_corpus *c, const sb_labels *l);

/* The script head's valence and energy for every scene, [n_scenes][2]
 * (NULL on failure). The text is each scene's model text, as the arc reads it. */
float *sb_predict_model(const sb_corpus *c, const Model *m);

typedef struct {
    double acc[2];
    int pairs[2];
} sb_pairs;

typedef struct {
    sb_pairs labelled[SB_NSPLITS];
    sb_pairs places[SB_NSPLITS];
    double auc[SB_NSPLITS][2];
    int auc_n[SB_NSPLITS][2][2];   /* films in the first / second group */
} sb_result;

/* The three measures on pred [n_scenes][2]. */
sb_result sb_score(const sb_corpus *c, const float *pred);

/* The NRC-VAD lexicon's mean valence and arousal of each scene's known words
 * (a research-only baseline, never shipped), [n_scenes][2]; NULL + message. */
float *sb_predict_lexicon(const sb_corpus *c, const char *lexicon_path, char *err, size_t errlen);

/* The benchmark as Markdown: a table per split (validation, training, all),
 * one row per source, then what each column means. */
void sb_print_markdown(FILE *out, const sb_corpus *c, const char *const *names, const sb_result *res, int n,
                       const char *command);
cJSON *sb_result_json(const sb_result *r);

#endif
