/* model_card.h — weights/MODEL.md, rendered in one place (native only).
 *
 * The trainer fills an mc_card with what it knows (data, its own
 * architecture and settings as Markdown, the test-split rows of eval.h, the
 * matcher weights) and calls mc_card_films for the film side; this module
 * writes the card: data and split, the trainer's sections, the song tables,
 * training cost, the film-level AUC table, the bar, matcher weights, other
 * outputs.
 *
 *     mc_card c = mc_card_init(d, &st);
 *     c.model_md = arch_text; c.rows = rows; c.n_rows = n; c.shipped_row = n - 1; ...
 *     mc_card_films(&c, "genres_dev.json", "screenplays", lexicon, models, names, 2, stderr);
 *     mc_card_write(&c, "weights/MODEL.md", err, sizeof err);
 *     mc_card_free(&c);
 */
#ifndef MOODSPACE_MODEL_CARD_H
#define MOODSPACE_MODEL_CARD_H

#include <stddef.h>
#include <stdio.h>

#include "dataset.h"
#include "eval.h"

#define MC_SPLIT_HASH_NOTE \
    "a 64-bit FNV-style hash of `spotify_id` (FNV-1a's loop and prime, but offset basis " \
    "1469598103934665603, one digit short of FNV-1a's 14695981039346656037; kept so the split never moves)"

typedef struct {
    const ds_dataset *d;
    const ds_stats *st;          /* training-split mean/std of the targets */
    const char *data_md;         /* trainer's extra "## Data" bullets (text, vocabulary) or NULL */
    const char *model_md;        /* trainer's own sections ("## Shipped architecture", "## Training settings") */
    const ev_row *rows;          /* test-split song rows, in table order */
    int n_rows;
    int ridge_row, shipped_row;  /* indices into rows; -1: no bar */
    int seed_rows[2], n_seed_rows;   /* seed configurations (0..2 rows) */
    const char *timing_md;       /* one paragraph after the training cost table, or NULL */
    const float *val_r;          /* [DS_NTARGETS] shipped model's validation r, or NULL */
    const double *match_weights; /* [DS_NTARGETS], or NULL */
    const char *outputs_md;      /* "## Other outputs" bullets, or NULL */
    const char *songs_artist_md; /* the song table by artist (eval.h), or NULL */
    const char *scenes_md;       /* the dev scene benchmark (scene_bench.h), or NULL */
    /* film side (mc_card_films) */
    ev_films *films;
    ev_film_row film_rows[EV_MAX_SOURCES];
    int n_film_rows;
    char film_command[1024];
    char film_note[512];         /* why there is no film table */
} mc_card;

mc_card mc_card_init(const ds_dataset *d, const ds_stats *st);

/* Score the labelled films (eval.h) with models[n] (names[i] labels them)
 * and the lexicon (may be NULL). When the genres file or the screenplays are
 * missing the card says so instead of a table; returns 0 then too, -1 only
 * on out of memory. Progress and notes go to log. */
int mc_card_films(mc_card *c, const char *genres, const char *scripts, const char *lexicon,
                  const Model *const *models, const char *const *names, int n, FILE *log);

/* Write the card to path. 0, or -1 + message. */
int mc_card_write(const mc_card *c, const char *path, char *err, size_t errlen);
void mc_card_print(FILE *out, const mc_card *c);

void mc_card_free(mc_card *c);

#endif
