/* eval.h — the one evaluation path (native only): song metrics on the
 * fixed split and film metrics on genre labels. `moodspace eval`,
 * `moodspace train` and the model card (model_card.h) all go through here.
 *
 * Songs: Pearson r, R², MAE per target, one row per model or baseline.
 *     float *p = ev_predict_songs(model, d);          // [d->n][DS_NTARGETS]
 *     ev_row r = ev_row_from("shipped", d, DS_TEST, p);
 *     ev_print_markdown(stdout, &r, 1);
 *
 * Films: for every screenplay with genre labels, its overall mood exactly as
 * `moodspace arc FILE --summary` gives it (scene_cli_parse_file, then
 * arc_from_script with the default ArcOpts), and two AUCs:
 *   valence: Comedy (not Horror/Thriller)  >  Horror or Thriller (not Comedy)
 *   energy:  Action (not Drama)            >  exactly {Drama} or {Drama, Romance}
 * AUC = P(score of a random film of the first group > one of the second),
 * ties count half. Also the NRC-VAD word-mean baseline (mean valence and
 * mean arousal of all the words of the script file found in the lexicon,
 * tokenized by text.h; research-only, never shipped).
 *     ev_genres *g = ev_genres_load("genres_dev.json", err, sizeof err);
 *     ev_film_opts fo = ev_film_default_opts();
 *     fo.scripts_dir = "screenplays"; fo.lexicon_path = "NRC-VAD-Lexicon.txt";
 *     ev_films *f = ev_films_run(g, models, names, n_models, &fo, err, sizeof err);
 *     ev_film_row rows[8]; int n = ev_film_rows(f, rows, 8);
 *     ev_print_film_markdown(stdout, f, rows, n);
 *     ev_films_free(f); ev_genres_free(g);
 */
#ifndef MOODSPACE_EVAL_H
#define MOODSPACE_EVAL_H

#include <stddef.h>
#include <stdio.h>

#include "cJSON.h"
#include "dataset.h"
#include "model.h"

/* ---- regression metrics ---------------------------------------------------- */

typedef struct {
    double r;      /* Pearson correlation (0 when either side is constant) */
    double r2;     /* coefficient of determination, 1 - SSE/SST (can be < 0) */
    double mae;    /* mean absolute error, in the units of truth */
    int n;
} ev_metrics;

/* pred and truth hold n values each (n may be 0: all zeros returned). */
ev_metrics ev_compute(const float *pred, const float *truth, int n);

/* Same over column k of row-major [n][stride] arrays. */
ev_metrics ev_compute_col(const float *pred, const float *truth, int n, int stride, int k);

double ev_pearson(const float *a, const float *b, int n);

/* ---- song comparison tables ---------------------------------------------------- */

typedef struct {
    char name[64];
    int has[DS_NTARGETS];            /* 0: the model has no such output */
    ev_metrics m[DS_NTARGETS];
    double sec_per_epoch, ms_per_song;   /* training cost; 0 = not applicable */
} ev_row;

/* Predictions of a Model for every song of d through the engine's predict
 * path, [d->n][DS_NTARGETS] raw units, NaN where the model has no such
 * output. malloc'd; NULL on failure. */
float *ev_predict_songs(const Model *m, const ds_dataset *d);

/* A readable name for a weights file: its last two path components and
 * the "name" of its meta JSON, e.g. "weights/model.bin (tfidf-mlp-ensemble)". */
void ev_model_label(const Model *m, const char *path, char *out, size_t n);

/* Metrics of predictions pred[d->n][DS_NTARGETS] (raw units; NaN in a
 * column = no such output) over the songs of one split. */
ev_row ev_row_from(const char *name, const ds_dataset *d, int split, const float *pred);

/* A Markdown table: one line per model and metric group (r, R², MAE). */
void ev_print_markdown(FILE *f, const ev_row *rows, int n);

/* Songs of a split whose artist also sings in the training split, and those
 * whose artist does not (most test songs share an artist with training songs,
 * which flatters every lyric model). An artist is the credit's first name,
 * lower-cased, cut at " feat", ",", " & ", " and ", " x ", " with ". seen[d->n]:
 * 1 seen, 0 not; malloc'd. */
int *ev_artist_seen(const ds_dataset *d);

/* The same as ev_row_from over the songs of `split` with seen[i] == want. */
ev_row ev_row_from_subset(const char *name, const ds_dataset *d, int split, const float *pred, const int *seen, int want);

/* A Markdown table of Pearson r by artist: per model, r on songs of a seen
 * and of an unseen artist (pred[i][d->n][DS_NTARGETS]). */
void ev_print_artist_split(FILE *f, const ds_dataset *d, int split, const char *const *names, const float *const *pred, int n);

/* The row as JSON {"name", "sec_per_epoch", "ms_per_song", "test": {target:
 * {r, r2, mae, n}}} and back (0, or -1 when malformed). */
cJSON *ev_row_json(const ev_row *r);
int ev_row_from_json(const cJSON *o, ev_row *r);

/* ---- AUC --------------------------------------------------------------------- */

/* P(pos > neg) over all pairs, ties (and NaN pairs) count half; NaN when
 * either group is empty. Exact (all pairs compared). */
double ev_auc(const double *pos, int n_pos, const double *neg, int n_neg);

/* ---- genre labels -------------------------------------------------------------- */

typedef struct {
    char *name;            /* screenplay file name without .txt */
    char **genres;         /* [n_genres] */
    int n_genres;
} ev_film_label;

typedef struct {
    ev_film_label *films;  /* in file order */
    int n;
} ev_genres;

/* {"Film-Name": ["Comedy", "Romance"], ...}. NULL + message (naming the
 * file, and the byte where the JSON stops making sense) when unreadable,
 * malformed, or not an object of string arrays. */
ev_genres *ev_genres_load(const char *path, char *err, size_t errlen);
ev_genres *ev_genres_parse(const char *json, const char *what, char *err, size_t errlen);
void ev_genres_free(ev_genres *g);

/* The two film tests. Group of one film's genres: +1 (first group, should
 * score higher), -1 (second group) or 0 (not in the test). */
enum { EV_FILM_VALENCE = 0, EV_FILM_ENERGY = 1, EV_FILM_NTESTS = 2 };
extern const char *const ev_film_test_metric[EV_FILM_NTESTS];   /* "valence", "energy" */
extern const char *const ev_film_test_groups[EV_FILM_NTESTS][2];  /* human-readable groups */
int ev_film_group(int test, const char *const *genres, int n_genres);
extern const double ev_film_goal[EV_FILM_NTESTS];   /* what the shipped model must reach: valence 0.85, energy 0.90 */

/* ---- film evaluation ---------------------------------------------------------- */

typedef struct {
    const char *scripts_dir;   /* FILM.txt files; required */
    const char *lexicon_path;  /* NRC-VAD CSV; NULL: no lexicon row */
    int threads;               /* 1..8, default 2; output does not depend on it */
    int quiet;                 /* 1: no progress line on stderr */
} ev_film_opts;

ev_film_opts ev_film_default_opts(void);

#define EV_MAX_SOURCES 17      /* up to 16 models + the lexicon */

typedef struct {
    int n_films;               /* labelled films */
    int n_sources;             /* models, then the lexicon if any */
    char names[EV_MAX_SOURCES][128];
    int is_lexicon[EV_MAX_SOURCES];
    /* per labelled film (index into the ev_genres given) */
    int *status;               /* 0 scored, 1 no script file, 2 failed to parse/predict */
    int *group;                /* [n_films][EV_FILM_NTESTS] */
    int *n_scenes;             /* scenes parsed */
    double *score;             /* [n_films][n_sources][EV_FILM_NTESTS]: the film's
                                  overall valence / energy (lexicon: mean valence /
                                  mean arousal); NaN when absent */
    int n_scored, n_missing, n_failed, n_warned;   /* films; warned = parse warnings */
    long lexicon_words, lexicon_known;             /* script tokens, found in the lexicon */
    double seconds;
} ev_films;

/* Score every labelled film with each model (names[i] labels models[i])
 * and the lexicon. NULL + message when a model lacks valence/energy, the
 * scripts folder is unreadable, no labelled film has a script, or the
 * lexicon cannot be read. A film whose script is missing or unparsable is
 * counted and left out. Free with ev_films_free. */
ev_films *ev_films_run(const ev_genres *g, const Model *const *models, const char *const *names,
                       int n_models, const ev_film_opts *o, char *err, size_t errlen);
void ev_films_free(ev_films *f);

/* The AUCs of one source. */
typedef struct {
    char name[128];
    int is_lexicon;
    double auc[EV_FILM_NTESTS];
    int n_pos[EV_FILM_NTESTS], n_neg[EV_FILM_NTESTS];   /* films scored per group */
} ev_film_row;

/* One row per source, in order; returns how many (<= max). */
int ev_film_rows(const ev_films *f, ev_film_row *rows, int max);

/* Markdown: the test definitions with group sizes, then one line per
 * source; `command` (may be NULL) is shown as the way to reproduce it. */
void ev_print_film_markdown(FILE *out, const ev_films *f, const ev_film_row *rows, int n, const char *command);

/* {"films": labelled, "scored", "missing_script", "failed", "tests": [{"metric",
 *  "first", "second", "n_first", "n_second"}], "rows": [{"name", "lexicon",
 *  "valence_auc", "energy_auc"}]}; with per_film also "per_film": [{"name",
 *  "genres", "valence_group", "energy_group", "scores": {source: [v, e]}}]. */
cJSON *ev_films_json(const ev_films *f, const ev_genres *g, const ev_film_row *rows, int n, int per_film);

#endif
