/* cmd_eval.c — `moodspace eval`: songs on the fixed split, films on genre
 * labels, for any weights files, through eval.h.
 *
 *   moodspace eval [--csv songs.csv] [--genres genres.json [--scripts DIR]]
 *                  [--model PATH]... [--lexicon PATH | --no-lexicon]
 *                  [--split test|validation] [--threads 2] [--json] [--per-film]
 *
 * Songs (--csv): rebuilds the baselines (training mean, NRC-VAD lexicon + log
 * length, TF-IDF + ridge; deterministic, a few seconds) and evaluates every
 * weights file through the engine's predict path: Pearson r, R², MAE.
 * Films (--genres): each labelled screenplay's overall mood as `moodspace
 * arc FILE --summary` gives it, then the valence and energy AUCs (eval.h),
 * plus the NRC-VAD word-mean baseline. Default models: the shipped
 * weights/model.bin and weights/seed.bin beside it. Markdown on stdout, or
 * one JSON object with --json.
 */
#include "baselines.h"
#include "dataset.h"
#include "eval.h"
#include "model.h"
#include "scene_bench.h"
#include "tool_opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MODELS 16

static void usage(FILE *f) {
    fprintf(f,
        "usage: moodspace eval [--csv songs.csv] [--genres genres.json [--scripts DIR]]\n"
        "                      [--model PATH]... [--lexicon PATH | --no-lexicon]\n"
        "                      [--split test|validation] [--threads 2] [--json] [--per-film]\n"
        "                      [--scene-labels labels/scenes.json]\n"
        "Songs (--csv): Pearson r, R², MAE per metric on the fixed split, for the baselines\n"
        "  and every model.\n"
        "Films (--genres): each labelled screenplay's overall mood (as `moodspace arc FILE\n"
        "  --summary` gives it) and two AUCs: valence, Comedy > Horror/Thriller; energy,\n"
        "  Action > Drama(+Romance). --scripts defaults to screenplays/ beside the genres file.\n"
        "Default models: the shipped weights/model.bin and weights/seed.bin. The NRC-VAD\n"
        "lexicon (default: lexicons/NRC-VAD-Lexicon.txt beside the data) is a research-only\n"
        "baseline. --json prints one JSON object; --per-film adds every film's scores to it.\n"
        "Scenes (--scene-labels, with --genres): the dev scene benchmark (scene_bench.h):\n"
        "  within-film pair accuracy on hand-labelled dev scenes and on festive vs grieving\n"
        "  places, beside the genre AUCs, on the dev films' validation fifth, training part\n"
        "  and all.\n"
        "Example: moodspace eval --csv ../shared/data/songs.csv --genres ../shared/data/genres_dev.json\n");
}

/* "DIR/rel" where DIR is the folder of file (or "."). */
static void beside(char *out, size_t n, const char *file, const char *rel) {
    const char *slash = strrchr(file, '/');
    if (slash) snprintf(out, n, "%.*s/%s", (int)(slash - file), file, rel);
    else snprintf(out, n, "%s", rel);
}

/* The command line, for "reproduce with". */
static void command_line(char *out, size_t n, int argc, char **argv) {
    size_t L = (size_t)snprintf(out, n, "moodspace eval");
    for (int i = 1; i < argc && L < n; i++) L += (size_t)snprintf(out + L, n - L, " %s", argv[i]);
}

static cJSON *songs_json(const ds_dataset *d, int split, const ev_row *rows, int n) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "split", ds_split_names[split]);
    cJSON_AddNumberToObject(o, "songs", d->count[split]);
    cJSON *arr = cJSON_AddArrayToObject(o, "rows");
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, ev_row_json(&rows[i]));
    return o;
}

/* Song rows for the baselines and models; -1 on a fatal error. */
static int eval_songs(const char *csv, const char *lexicon, int split, Model **models, const char **names, int nm,
                      int json, cJSON *out) {
    char err[256];
    ds_dataset *d = ds_load(csv, err, sizeof err);
    if (!d) { fprintf(stderr, "moodspace eval: %s\n", err); return -1; }
    fprintf(stderr, "moodspace eval: %d songs, %s split %d\n", d->n, ds_split_names[split], d->count[split]);
    bl_suite s;
    if (bl_suite_run(&s, d, 20000, 0, lexicon, stderr, err, sizeof err)) { fprintf(stderr, "moodspace eval: %s\n", err); ds_free(d); return -1; }
    ev_row rows[MAX_MODELS + 3]; int nr = 0, status = 0;
    rows[nr++] = ev_row_from("mean of the training split", d, split, s.pred_mean);
    if (s.pred_lex) rows[nr++] = ev_row_from("NRC-VAD lexicon + log length", d, split, s.pred_lex);
    rows[nr++] = ev_row_from("TF-IDF + ridge (baseline)", d, split, s.pred_ridge);
    const float *by_artist[MAX_MODELS + 1] = { s.pred_ridge };
    const char *by_artist_names[MAX_MODELS + 1] = { "TF-IDF + ridge (baseline)" };
    int na = 1;
    for (int i = 0; i < nm; i++) {
        float *p = ev_predict_songs(models[i], d);
        if (!p) { fprintf(stderr, "moodspace eval: prediction failed for %s\n", names[i]); status = 1; continue; }
        rows[nr++] = ev_row_from(names[i], d, split, p);
        by_artist[na] = p; by_artist_names[na++] = names[i];
    }
    if (json) cJSON_AddItemToObject(out, "songs", songs_json(d, split, rows, nr));
    else {
        printf("# Songs: %s split (%d songs of %s)\n\nPer metric, predicted vs Spotify's value; the first rows are baselines refitted on the training split.\n",
               ds_split_names[split], d->count[split], csv);
        ev_print_markdown(stdout, rows, nr);
        ev_print_artist_split(stdout, d, split, by_artist_names, by_artist, na);
        printf("\n");
    }
    for (int i = 1; i < na; i++) free((float *)by_artist[i]);
    bl_suite_free(&s); ds_free(d);
    return status;
}

static int eval_films(const char *genres, const char *scripts, const char *lexicon, int threads,
                      Model **models, const char **names, int nm, int json, int per_film,
                      const char *command, cJSON *out) {
    char err[512];
    ev_genres *g = ev_genres_load(genres, err, sizeof err);
    if (!g) { fprintf(stderr, "moodspace eval: %s\n", err); return -1; }
    ev_film_opts fo = ev_film_default_opts();
    fo.scripts_dir = scripts; fo.lexicon_path = lexicon; fo.threads = threads;
    ev_films *f = ev_films_run(g, (const Model *const *)models, names, nm, &fo, err, sizeof err);
    if (!f) { fprintf(stderr, "moodspace eval: %s\n", err); ev_genres_free(g); return -1; }
    fprintf(stderr, "moodspace eval: %d of %d labelled films scored in %.1f s (%d without a script, %d failed, %d with parse warnings)\n",
            f->n_scored, f->n_films, f->seconds, f->n_missing, f->n_failed, f->n_warned);
    ev_film_row rows[EV_MAX_SOURCES];
    int n = ev_film_rows(f, rows, EV_MAX_SOURCES);
    if (json) cJSON_AddItemToObject(out, "films", ev_films_json(f, g, rows, n, per_film));
    else {
        printf("# Films: %s (screenplays in %s)\n", genres, scripts);
        ev_print_film_markdown(stdout, f, rows, n, command);
    }
    ev_films_free(f); ev_genres_free(g);
    return 0;
}

static int eval_scenes(const char *genres, const char *scripts, const char *labels_path, const char *lexicon,
                       int threads, Model **models, const char **names, int nm, int json, const char *command,
                       cJSON *out) {
    char err[512];
    ev_genres *g = ev_genres_load(genres, err, sizeof err);
    sb_labels *l = g ? sb_labels_load(labels_path, err, sizeof err) : NULL;
    sb_corpus *c = l ? sb_corpus_load(g, scripts, threads, err, sizeof err) : NULL;
    if (!c) { fprintf(stderr, "moodspace eval: %s\n", err); sb_labels_free(l); ev_genres_free(g); return -1; }
    sb_attach_labels(c, l);
    fprintf(stderr, "moodspace eval: scene benchmark: %d dev films, %d scenes, %d of %d labels matched\n",
            c->n, c->n_scenes, c->n_labelled, l->n);
    if (c->n_unmatched)
        fprintf(stderr, "moodspace eval: %d labels no longer match the parse (scene index or heading): relabel them\n", c->n_unmatched);
    sb_result res[MAX_MODELS + 1];
    const char *rn[MAX_MODELS + 1];
    int n = 0, status = 0;
    for (int i = 0; i < nm; i++) {
        float *p = sb_predict_model(c, models[i]);
        if (!p) { fprintf(stderr, "moodspace eval: %s: scene prediction failed\n", names[i]); status = -1; continue; }
        res[n] = sb_score(c, p); rn[n++] = names[i];
        free(p);
    }
    if (lexicon) {
        float *p = sb_predict_lexicon(c, lexicon, err, sizeof err);
        if (!p) fprintf(stderr, "moodspace eval: %s\n", err);
        if (p) { res[n] = sb_score(c, p); rn[n++] = "NRC-VAD word means (research-only baseline, not shippable)"; }
        free(p);
    }
    if (json) {
        cJSON *o = cJSON_AddObjectToObject(out, "scenes");
        cJSON_AddNumberToObject(o, "films", c->n);
        cJSON_AddNumberToObject(o, "labelled", c->n_labelled);
        cJSON_AddNumberToObject(o, "unmatched", c->n_unmatched);
        cJSON *rows = cJSON_AddArrayToObject(o, "rows");
        for (int i = 0; i < n; i++) {
            cJSON *x = sb_result_json(&res[i]);
            cJSON_AddStringToObject(x, "name", rn[i]);
            cJSON_AddItemToArray(rows, x);
        }
    } else {
        printf("\n# Scenes: the dev scene benchmark (%s)\n", labels_path);
        sb_print_markdown(stdout, c, rn, res, n, command);
    }
    sb_corpus_free(c); sb_labels_free(l); ev_genres_free(g);
    return status;
}

/* --model (repeated) and --split: what the option table cannot hold. */
typedef struct { const char **paths; int n, split; } EvalArgs;

static int eval_opt(void *ctx, const char *a, const char *v) {
    EvalArgs *e = ctx;
    if (strcmp(a, "--model") && strcmp(a, "--split")) return -1;
    if (!v) { tool_usage_error("eval", "%s needs a value (--help)", a); return -2; }
    if (!strcmp(a, "--model")) {
        if (e->n == MAX_MODELS) { tool_usage_error("eval", "at most %d --model", MAX_MODELS); return -2; }
        e->paths[e->n++] = v;
    } else if (!strcmp(v, "test")) e->split = DS_TEST;
    else if (!strcmp(v, "validation")) e->split = DS_VAL;
    else { tool_usage_error("eval", "--split test or validation"); return -2; }
    return 1;
}

int cmd_eval(int argc, char **argv) {
    const char *csv = NULL, *genres = NULL, *scripts = NULL, *lexicon = NULL, *scene_labels = NULL, *paths[MAX_MODELS];
    int nm = 0, split = DS_TEST, threads = 2, json = 0, per_film = 0, no_lexicon = 0;
    EvalArgs ea = { paths, 0, DS_TEST };
    const ToolOpt opts[] = {
        {"--json", OPT_FLAG, &json}, {"--per-film", OPT_FLAG, &per_film}, {"--no-lexicon", OPT_FLAG, &no_lexicon},
        {"--csv", OPT_STR, &csv}, {"--genres", OPT_STR, &genres}, {"--scripts", OPT_STR, &scripts},
        {"--scene-labels", OPT_STR, &scene_labels}, {"--lexicon", OPT_STR, &lexicon}, {"--threads", OPT_INT, &threads},
        {NULL, 0, NULL}};
    const ToolOptExtra extra = { eval_opt, &ea, NULL, 0, NULL };
    int st = tool_parse("eval", argc, argv, opts, &extra, usage);
    if (st >= 0) return st;
    if (per_film) json = 1;
    nm = ea.n;
    split = ea.split;
    if (threads < 1 || threads > 8) return tool_usage_error("eval", "--threads must be 1..8");
    if (!csv && !genres) { fprintf(stderr, "moodspace eval: give --csv songs.csv and/or --genres genres.json (--help)\n"); return 2; }
    if (scripts && !genres) { fprintf(stderr, "moodspace eval: --scripts needs --genres\n"); return 2; }
    if (scene_labels && !genres) { fprintf(stderr, "moodspace eval: --scene-labels needs --genres (the dev films)\n"); return 2; }

    char defm[1024], defs[1100], lexbuf[1200], scriptbuf[1200], cmd[2048];
    if (nm == 0) {
        if (model_default_path(defm, sizeof defm) != 0) { fprintf(stderr, "moodspace eval: no --model and no shipped weights/model.bin found\n"); return 1; }
        paths[nm++] = defm;
        beside(defs, sizeof defs, defm, "seed.bin");
        if (access(defs, R_OK) == 0) paths[nm++] = defs;
    }
    if (no_lexicon) lexicon = NULL;
    else if (!lexicon) {   /* default: beside the data, skipped quietly when absent */
        beside(lexbuf, sizeof lexbuf, csv ? csv : genres, "lexicons/NRC-VAD-Lexicon.txt");
        lexicon = access(lexbuf, R_OK) == 0 ? lexbuf : NULL;
        if (!lexicon) fprintf(stderr, "moodspace eval: no lexicon at %s: lexicon baselines left out\n", lexbuf);
    } else if (access(lexicon, R_OK) != 0) { fprintf(stderr, "moodspace eval: --lexicon %s: cannot read it\n", lexicon); return 1; }
    if (genres && !scripts) { beside(scriptbuf, sizeof scriptbuf, genres, "screenplays"); scripts = scriptbuf; }
    command_line(cmd, sizeof cmd, argc, argv);

    Model *models[MAX_MODELS];
    char err[512], labels[MAX_MODELS][128];
    const char *names[MAX_MODELS];
    for (int i = 0; i < nm; i++) {
        if (!(models[i] = model_load_file(paths[i], err, sizeof err))) {
            fprintf(stderr, "moodspace eval: %s\n", err);
            for (int j = 0; j < i; j++) model_free(models[j]);
            return 1;
        }
        ev_model_label(models[i], paths[i], labels[i], sizeof labels[i]);
        names[i] = labels[i];
    }
    cJSON *out = json ? cJSON_CreateObject() : NULL;
    int status = 0;
    if (csv) {
        int r = eval_songs(csv, lexicon, split, models, names, nm, json, out);
        status = r < 0 ? 1 : r;
    }
    if (genres && status == 0) {
        if (eval_films(genres, scripts, lexicon, threads, models, names, nm, json, per_film, cmd, out) < 0) status = 1;
    }
    if (scene_labels && status == 0) {
        if (eval_scenes(genres, scripts, scene_labels, lexicon, threads, models, names, nm, json, cmd, out) < 0) status = 1;
    }
    if (json && status == 0) {
        cJSON_AddStringToObject(out, "command", cmd);
        char *s = cJSON_Print(out);
        if (s) puts(s);
        free(s);
    }
    cJSON_Delete(out);
    for (int i = 0; i < nm; i++) model_free(models[i]);
    return status;
}
