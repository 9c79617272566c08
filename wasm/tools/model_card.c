/* model_card.c — weights/MODEL.md in one place (see model_card.h). */
#include "model_card.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The song-side figures (test r of energy, valence, danceability,
 * acousticness) of the model before the film side was trained for: a
 * model that reads films better must not read songs worse. (The film goals are ev_film_goal.) */
static const int song_ref_targets[4] = { DS_ENERGY, DS_VALENCE, DS_DANCEABILITY, DS_ACOUSTICNESS };
static const double song_ref_r[4] = { 0.389, 0.391, 0.494, 0.422 };

mc_card mc_card_init(const ds_dataset *d, const ds_stats *st) {
    mc_card c;
    memset(&c, 0, sizeof c);
    c.d = d; c.st = st;
    c.ridge_row = c.shipped_row = -1;
    return c;
}

void mc_card_free(mc_card *c) {
    ev_films_free(c->films);
    c->films = NULL;
}

int mc_card_films(mc_card *c, const char *genres, const char *scripts, const char *lexicon,
                  const Model *const *models, const char *const *names, int n, FILE *log) {
    struct stat st;
    if (!genres || stat(genres, &st) != 0) {
        snprintf(c->film_note, sizeof c->film_note, "No film table: genre labels not found (%s).", genres ? genres : "none given");
        if (log) fprintf(log, "film evaluation skipped: %s\n", c->film_note);
        return 0;
    }
    char err[400];
    ev_genres *g = ev_genres_load(genres, err, sizeof err);
    if (!g) {
        snprintf(c->film_note, sizeof c->film_note, "No film table: %s.", err);
        if (log) fprintf(log, "film evaluation skipped: %s\n", err);
        return 0;
    }
    ev_film_opts fo = ev_film_default_opts();
    fo.scripts_dir = scripts; fo.lexicon_path = lexicon; fo.quiet = log == NULL;
    c->films = ev_films_run(g, models, names, n, &fo, err, sizeof err);
    ev_genres_free(g);
    if (!c->films) {
        snprintf(c->film_note, sizeof c->film_note, "No film table: %s.", err);
        if (log) fprintf(log, "film evaluation skipped: %s\n", err);
        return 0;
    }
    c->n_film_rows = ev_film_rows(c->films, c->film_rows, EV_MAX_SOURCES);
    snprintf(c->film_command, sizeof c->film_command, "build/moodspace eval --genres %s --scripts %s", genres, scripts);
    if (log) fprintf(log, "films: %d of %d labelled films scored in %.1f s\n", c->films->n_scored, c->films->n_films, c->films->seconds);
    return 0;
}

static void print_data(FILE *md, const mc_card *c) {
    const ds_dataset *d = c->d;
    fprintf(md, "## Data\n\n");
    fprintf(md, "- Source: `songs.csv` (lyrics joined to Spotify audio features; see the data README): %d songs kept of %d well-formed rows", d->n, d->rows_read);
    fprintf(md, " (%d malformed rows, %d without lyrics, %d with a missing/non-numeric metric, %d repeated spotify_id skipped).\n", d->bad_rows, d->no_lyrics, d->bad_targets, d->duplicates);
    fprintf(md, "- Fixed split by %s, mod 100: 0–79 train (%d), 80–89 validation (%d), 90–99 test (%d). Every choice (ridge lambda, early stopping, blend weights, quantisation, seed variant) is made on validation; **all song figures below are test-split figures**.\n",
            MC_SPLIT_HASH_NOTE, d->count[0], d->count[1], d->count[2]);
    fprintf(md, "- Targets: energy, valence, tempo, liveness, danceability, acousticness, z-scored with training-split mean/std (stored in the weights file):\n\n| | ");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "%s | ", ds_target_names[k]);
    fprintf(md, "\n|---|"); for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "---:|");
    fprintf(md, "\n| mean |"); for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, " %.4g |", c->st->mean[k]);
    fprintf(md, "\n| std |"); for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, " %.4g |", c->st->std[k]);
    fprintf(md, "\n\n");
    if (c->data_md) fputs(c->data_md, md);
}

static void print_bar(FILE *md, const mc_card *c) {
    fprintf(md, "\n## The bar\n\n");
    if (c->shipped_row < 0) { fprintf(md, "- No shipped model in this run.\n"); return; }
    const ev_row *sh = &c->rows[c->shipped_row];
    if (c->ridge_row >= 0) {
        int ok = 1;
        for (int i = 0; i < 4; i++) if (!(sh->m[song_ref_targets[i]].r > c->rows[c->ridge_row].m[song_ref_targets[i]].r)) ok = 0;
        fprintf(md, "- Shipped beats TF-IDF + ridge on energy, valence, danceability and acousticness (test Pearson r): **%s**.\n", ok ? "yes" : "NO");
    }
    int ok = 1;
    for (int i = 0; i < 4; i++) if (!(sh->m[song_ref_targets[i]].r >= song_ref_r[i] - 5e-4)) ok = 0;
    fprintf(md, "- Song side at least as good as the model from before the film side was trained for (test r energy %.3f, valence %.3f, danceability %.3f, acousticness %.3f): **%s**.\n",
            song_ref_r[0], song_ref_r[1], song_ref_r[2], song_ref_r[3], ok ? "yes" : "NO");
    if (c->films && c->n_film_rows > 0) {
        const ev_film_row *f = &c->film_rows[0];   /* the shipped model comes first */
        for (int t = 0; t < EV_FILM_NTESTS; t++)
            fprintf(md, "- Film %s AUC ≥ %.2f on the dev labels: %.3f, **%s**.\n", ev_film_test_metric[t], ev_film_goal[t], f->auc[t],
                    f->auc[t] >= ev_film_goal[t] ? "yes" : "NO");
    }
    if (c->n_seed_rows > 0) {
        int bar_seed = 1, bar_seed_r = 1;
        char fail[600] = "";
        for (int v = 0; v < c->n_seed_rows; v++) {
            const ev_row *s = &c->rows[c->seed_rows[v]];
            for (int k = 0; k < DS_NTARGETS; k++) {
                if (!s->has[k]) continue;
                if (!(sh->m[k].r > s->m[k].r)) bar_seed_r = 0;
                const char *what[3] = { "r", "R²", "MAE" };
                int okk[3] = { sh->m[k].r > s->m[k].r, sh->m[k].r2 > s->m[k].r2, sh->m[k].mae < s->m[k].mae };
                for (int g = 0; g < 3; g++) if (!okk[g]) {
                    bar_seed = 0;
                    size_t L = strlen(fail);
                    snprintf(fail + L, sizeof fail - L, "%s%s %s vs %s", L ? "; " : "", ds_target_names[k], what[g], s->name);
                }
            }
        }
        fprintf(md, "- Shipped beats the seed configuration%s on every metric they predict (test Pearson r): **%s**.\n", c->n_seed_rows > 1 ? "s" : "", bar_seed_r ? "yes" : "NO");
        fprintf(md, "- … and on R² and MAE too: **%s**%s%s%s\n", bar_seed ? "yes" : "no", bar_seed ? "." : " — not on: ", fail, !strstr(fail, "MAE") ? "" : ". "
                "An MAE-trained model that predicts nearly a constant sits at the median, which minimises MAE on a skewed metric (liveness: median 0.12, mean 0.18) "
                "while its r is ~0 and its R² negative; the shipped model is fitted for squared error (R²) and correlation, which the matcher uses.");
    }
}

void mc_card_print(FILE *md, const mc_card *c) {
    fprintf(md, "# MoodSpace lyric-mood model card\n\n");
    fprintf(md, "Generated by `moodspace train` (`./build.sh train`); do not edit by hand.\n");
    fprintf(md, "Regenerate: `./build.sh train [CSV]` (full run, seed configurations included);\n");
    fprintf(md, "compare again: `build/moodspace eval --csv CSV --genres GENRES.json` (songs and films).\n\n");
    print_data(md, c);
    if (c->model_md) { fprintf(md, "\n"); fputs(c->model_md, md); }
    fprintf(md, "\n## Results on songs (test split, %d songs)\n", c->d->count[DS_TEST]);
    ev_print_markdown(md, c->rows, c->n_rows);
    int cost = 0;
    for (int i = 0; i < c->n_rows; i++) cost |= c->rows[i].sec_per_epoch > 0;
    if (cost) {
        fprintf(md, "\n**Training cost** (wall clock, shared 2-core machine)\n\n| model | s / epoch | ms / song / epoch |\n|---|---:|---:|\n");
        for (int i = 0; i < c->n_rows; i++)
            if (c->rows[i].sec_per_epoch > 0) fprintf(md, "| %s | %.2f | %.3f |\n", c->rows[i].name, c->rows[i].sec_per_epoch, c->rows[i].ms_per_song);
    }
    if (c->songs_artist_md) fputs(c->songs_artist_md, md);
    if (c->timing_md) fprintf(md, "\n%s", c->timing_md);
    fprintf(md, "\n## Results on films (genre labels, dev half)\n");
    if (c->films) ev_print_film_markdown(md, c->films, c->film_rows, c->n_film_rows, c->film_command);
    else fprintf(md, "\n%s\n", c->film_note);
    if (c->scenes_md) {
        fprintf(md, "\n## Results on scenes (the dev scene benchmark)\n\nDoes the script head read a film's scenes as a film fan does? Hand labels of dev-film scenes (valence and energy, 1–9), festive vs grieving places, and genres; the script head's valence and energy are fitted on the training films of this split (scene_head.h), so the validation table is the honest one.\n");
        fputs(c->scenes_md, md);
    }
    print_bar(md, c);
    if (c->val_r && c->match_weights) {
        fprintf(md, "\n## Matcher default weights\n\n");
        fprintf(md, "A metric the model cannot predict should not steer the match. Default weight per metric ∝ max(r, 0)², r = the shipped model's **validation** Pearson r (r² is the share of the metric's variance the prediction explains), normalised to sum 1. Written to `weights/match_weights.json` and into the model file's meta JSON (`match_weights`).\n\n| metric | validation r | weight |\n|---|---:|---:|\n");
        for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "| %s | %.3f | %.4f |\n", ds_target_names[k], c->val_r[k], c->match_weights[k]);
    }
    if (c->outputs_md) fprintf(md, "\n## Other outputs\n\n%s", c->outputs_md);
}

int mc_card_write(const mc_card *c, const char *path, char *err, size_t errlen) {
    FILE *md = fopen(path, "w");
    if (!md) { snprintf(err, errlen, "cannot write %s (%s)", path, strerror(errno)); return -1; }
    mc_card_print(md, c);
    if (fclose(md) != 0) { snprintf(err, errlen, "writing %s failed", path); return -1; }
    return 0;
}
