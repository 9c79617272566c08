/* cmd_scenefit.c — `moodspace scenefit`: refit the script head's valence and
 * energy on the dev films' scenes (scene_head.h) and report the dev scene
 * benchmark on the validation films; with --out, write the model.
 *
 *   moodspace scenefit --model weights/model.bin --wordvec build/wordvec.bin
 *                      --genres genres_dev.json --scene-labels labels/scenes.json
 *                      [--scripts DIR] [--lambda L] [--w-hand W] [--w-place W]
 *                      [--w-paren W] [--w-genre W] [--sif-a A] [--w-within W]
 *                      [--w-pair W] [--pair-k K] [--pair-gap G] [--grid]
 *                      [--try "KEY=V ...; KEY=V ..."] [--out PATH]
 *
 * --grid tries every setting of a small grid around the given one and prints
 * one line each (validation films): how the defaults in scene_head.c were
 * chosen. --try fits each ';'-separated variant of the given options (keys
 * as the options without "--": "w-pair=1 pair-k=2; w-within=1 w-hand=0")
 * on the same features, one line each. `moodspace train --scene-labels` runs the same fit with the
 * defaults.
 */
#include "scene_head.h"
#include "tool_opts.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
    fprintf(f, "usage: moodspace scenefit --model PATH --wordvec FILE --genres genres_dev.json\n"
               "                          --scene-labels labels/scenes.json [--scripts DIR]\n"
               "                          [--lambda L] [--w-hand W] [--w-place W] [--w-paren W] [--w-genre W]\n"
               "                          [--sif-a A] [--extra-words N] [--extra-scale S] [--song-units S]\n"
               "                          [--w-within W] [--w-pair W] [--pair-k K] [--pair-gap G]\n"
               "                          [--word-feats N] [--feat-scale S]\n"
               "                          [--grid] [--try \"KEY=V ...; ...\"] [--misses] [--out PATH]\n"
               "Refits the script head's valence and energy on the dev films' training part\n"
               "(scene_head.h) and prints the dev scene benchmark on the validation films.\n"
               "--misses lists the validation pairs 4+ points apart that the fit orders wrong.\n"
               "--try fits each ';'-separated variant (option names without --, KEY=V) on the same features.\n");
}

static void line(const char *what, const sb_result *r) {
    printf("%-44s val pairs %.3f %.3f  places %.3f %.3f  auc %.3f %.3f | train pairs %.3f %.3f places %.3f %.3f auc %.3f %.3f\n",
           what, r->labelled[SB_VAL].acc[0], r->labelled[SB_VAL].acc[1], r->places[SB_VAL].acc[0], r->places[SB_VAL].acc[1],
           r->auc[SB_VAL][0], r->auc[SB_VAL][1], r->labelled[SB_TRAIN].acc[0], r->labelled[SB_TRAIN].acc[1],
           r->places[SB_TRAIN].acc[0], r->places[SB_TRAIN].acc[1], r->auc[SB_TRAIN][0], r->auc[SB_TRAIN][1]);
    fflush(stdout);
}

/* --misses: the validation films' valence pairs ordered wrong although their labels are
 * 4 or more points apart, to read what the model misses. */
static void print_misses(const sb_corpus *c, const float *pred) {
    for (int i = 0; i < c->n; i++) {
        const sb_film *f = &c->films[i];
        if (!f->val) continue;
        for (int a = 0; a < f->ss->n_scenes; a++)
            for (int b = 0; b < f->ss->n_scenes; b++) {
                float la = f->label[2 * a], lb = f->label[2 * b];
                if (isnan(la) || isnan(lb) || la - lb < 4) continue;
                float pa = pred[2 * (f->first + a)], pb = pred[2 * (f->first + b)];
                if (pa >= pb) continue;
                printf("MISS %s #%d (label %.0f pred %.2f) < #%d (label %.0f pred %.2f)\n", f->name, a, la, pa, b, lb, pb);
            }
    }
}

static int try_fit(const sb_corpus *c, const scene_features *sf, const scene_fit_opts *o, float *pred, scene_fit *fit,
                   int misses) {
    char err[256], what[200];
    if (scene_fit_run(c, sf, o, fit, err, sizeof err)) { fprintf(stderr, "moodspace scenefit: %s\n", err); return -1; }
    scene_fit_predict(sf, fit, pred);
    sb_result r = sb_score(c, pred);
    if (misses) print_misses(c, pred);
    snprintf(what, sizeof what, "lam %g hand %g place %g paren %g genre %g song %g within %g pair %g k %g gap %g", o->lambda,
             o->w_hand, o->w_place, o->w_paren, o->w_genre, o->song_units, o->w_within, o->w_pair, o->pair_k, o->pair_gap);
    if (o->word_feats) snprintf(what + strlen(what), sizeof what - strlen(what), " feats %d x%g", o->word_feats, o->feat_scale);
    if (o->extra_words) snprintf(what + strlen(what), sizeof what - strlen(what), " words %d x%g", o->extra_words, o->extra_scale);
    line(what, &r);
    return 0;
}

/* One --try variant: "KEY=V KEY=V" over o. 0, or -1 + message. */
static int apply_variant(scene_fit_opts *o, char *spec) {
    static const struct { const char *key; size_t off; } keys[] = {
        {"lambda", offsetof(scene_fit_opts, lambda)}, {"w-hand", offsetof(scene_fit_opts, w_hand)},
        {"w-place", offsetof(scene_fit_opts, w_place)}, {"w-paren", offsetof(scene_fit_opts, w_paren)},
        {"w-genre", offsetof(scene_fit_opts, w_genre)}, {"song-units", offsetof(scene_fit_opts, song_units)},
        {"w-within", offsetof(scene_fit_opts, w_within)}, {"w-pair", offsetof(scene_fit_opts, w_pair)},
        {"pair-k", offsetof(scene_fit_opts, pair_k)}, {"pair-gap", offsetof(scene_fit_opts, pair_gap)},
        {"genre-z", offsetof(scene_fit_opts, genre_z)}, {"place-z", offsetof(scene_fit_opts, place_z)},
        {"feat-scale", offsetof(scene_fit_opts, feat_scale)}, {"word-feats", offsetof(scene_fit_opts, word_feats)}};
    for (char *save = NULL, *tok = strtok_r(spec, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(tok, '='), *end = NULL;
        if (!eq) { fprintf(stderr, "moodspace scenefit: --try: '%s' is not KEY=V\n", tok); return -1; }
        *eq = 0;
        double v = strtod(eq + 1, &end);
        size_t k = 0;
        while (k < sizeof keys / sizeof *keys && strcmp(keys[k].key, tok)) k++;
        if (k == sizeof keys / sizeof *keys || end == eq + 1 || *end || !isfinite(v) || v < 0) {
            fprintf(stderr, "moodspace scenefit: --try: bad key or value '%s=%s'\n", tok, eq + 1);
            return -1;
        }
        if (keys[k].off == offsetof(scene_fit_opts, word_feats)) o->word_feats = (int)v;
        else *(double *)((char *)o + keys[k].off) = v;
    }
    return 0;
}

/* --try: each ';'-separated variant on one feature build (the largest variant's word features). */
static int run_tries(const sb_corpus *c, scene_features *sf, const scene_fit_opts *o, const char *tries, int try_ng, float *pred) {
    char err[512];
    if (try_ng > 0 && scene_features_words(sf, try_ng, err, sizeof err)) { fprintf(stderr, "moodspace scenefit: %s\n", err); return 1; }
    char *all = strdup(tries);
    if (!all) { fprintf(stderr, "moodspace scenefit: out of memory\n"); return 1; }
    int status = 0;
    scene_fit fit;
    for (char *save = NULL, *v = strtok_r(all, ";", &save); v; v = strtok_r(NULL, ";", &save)) {
        scene_fit_opts x = *o;
        if (apply_variant(&x, v)) { status = 2; break; }
        if (try_fit(c, sf, &x, pred, &fit, 0) == 0) scene_fit_free(&fit);
    }
    free(all);
    return status;
}

/* --grid: a small grid around the given settings, one line each. */
static void run_grid(const sb_corpus *c, const scene_features *sf, const scene_fit_opts *o, float *pred) {
    static const double lams[] = { 1, 3, 10 };
    static const double wg[] = { 0, 1, 3 };
    static const double wp[] = { 0, 1 };
    static const double wq[] = { 0, 0.3 };
    static const double su[] = { 0, 1 };
    scene_fit fit;
    for (size_t a = 0; a < sizeof lams / sizeof *lams; a++)
        for (size_t b = 0; b < sizeof wg / sizeof *wg; b++)
            for (size_t d = 0; d < sizeof wp / sizeof *wp; d++)
                for (size_t e = 0; e < sizeof wq / sizeof *wq; e++)
                    for (size_t u = 0; u < sizeof su / sizeof *su; u++) {
                        scene_fit_opts x = *o;
                        x.lambda = lams[a]; x.w_genre = wg[b]; x.w_place = wp[d]; x.w_paren = wq[e]; x.song_units = su[u];
                        if (try_fit(c, sf, &x, pred, &fit, 0) == 0) scene_fit_free(&fit);
                    }
}

/* One fit with the given settings; with out, written into the model and read back. */
static int run_one(const sb_corpus *c, const scene_features *sf, const scene_fit_opts *o, Model *m, const char *out, int misses,
                   float *pred) {
    char err[512];
    scene_fit fit;
    if (try_fit(c, sf, o, pred, &fit, misses) != 0) return 1;
    int status = 0;
    if (out && (scene_fit_write(m, sf, &fit, err, sizeof err) || model_save_file(m, out, 1, err, sizeof err))) {
        fprintf(stderr, "moodspace scenefit: %s\n", err); status = 1;
    } else if (out) {
        float *p1 = sb_predict_model(c, m);
        if (p1) { sb_result r = sb_score(c, p1); line("written (int8), read back", &r); }
        free(p1);
    }
    scene_fit_free(&fit);
    return status;
}

int cmd_scenefit(int argc, char **argv) {
    const char *model_path = NULL, *wordvec = NULL, *genres = NULL, *labels = NULL, *scripts = NULL, *out = NULL, *tries = NULL;
    scene_fit_opts o = scene_fit_default_opts();
    int grid = 0, misses = 0;
    const ToolOpt opts[] = {
        {"--grid", OPT_FLAG, &grid}, {"--misses", OPT_FLAG, &misses},
        {"--model", OPT_STR, &model_path}, {"--wordvec", OPT_STR, &wordvec}, {"--genres", OPT_STR, &genres},
        {"--scene-labels", OPT_STR, &labels}, {"--scripts", OPT_STR, &scripts}, {"--out", OPT_STR, &out},
        {"--lambda", OPT_DOUBLE, &o.lambda}, {"--w-hand", OPT_DOUBLE, &o.w_hand}, {"--w-place", OPT_DOUBLE, &o.w_place},
        {"--w-paren", OPT_DOUBLE, &o.w_paren}, {"--w-genre", OPT_DOUBLE, &o.w_genre}, {"--sif-a", OPT_DOUBLE, &o.sif_a},
        {"--extra-words", OPT_INT, &o.extra_words}, {"--song-units", OPT_DOUBLE, &o.song_units},
        {"--extra-scale", OPT_DOUBLE, &o.extra_scale}, {"--w-within", OPT_DOUBLE, &o.w_within},
        {"--w-pair", OPT_DOUBLE, &o.w_pair}, {"--pair-k", OPT_DOUBLE, &o.pair_k}, {"--pair-gap", OPT_DOUBLE, &o.pair_gap},
        {"--word-feats", OPT_INT, &o.word_feats}, {"--feat-scale", OPT_DOUBLE, &o.feat_scale},
        {"--try", OPT_STR, &tries}, {NULL, 0, NULL}};
    int st = tool_parse("scenefit", argc, argv, opts, NULL, usage);
    if (st >= 0) return st;
    if (!model_path || !wordvec || !genres || !labels)
        return tool_usage_error("scenefit", "needs --model, --wordvec, --genres and --scene-labels (--help)");
    int try_ng = o.word_feats;   /* --try: the largest variant's word features, built once */
    if (tries) {
        char *probe = strdup(tries);
        int bad = !probe;
        for (char *save = NULL, *v = probe ? strtok_r(probe, ";", &save) : NULL; v && !bad; v = strtok_r(NULL, ";", &save)) {
            scene_fit_opts x = o;
            bad = apply_variant(&x, v) != 0;
            if (x.word_feats > try_ng) try_ng = x.word_feats;
        }
        free(probe);
        if (bad) return 2;
    }
    char err[512];
    Model *m = model_load_file(model_path, err, sizeof err);
    WordVec *wv = m ? wordvec_load(wordvec, err, sizeof err) : NULL;
    scene_inputs in;
    memset(&in, 0, sizeof in);
    if (wv) scene_inputs_load(&in, m, wv, genres, labels, scripts, o.sif_a, 0, err, sizeof err);
    sb_labels *l = in.l;
    sb_corpus *c = in.c;
    scene_features *sf = in.sf;
    float *pred = sf ? malloc(sizeof(float) * 2 * (size_t)c->n_scenes) : NULL;
    int status = 0;
    if (!pred) { fprintf(stderr, "moodspace scenefit: %s\n", err); status = 1; goto done; }
    sb_attach_labels(c, l);
    fprintf(stderr, "moodspace scenefit: %d dev films, %d scenes, %d labels matched (%d not)\n", c->n, c->n_scenes, c->n_labelled, c->n_unmatched);
    {
        float *p0 = sb_predict_model(c, m);
        if (p0) { sb_result r = sb_score(c, p0); line("the model as given", &r); }
        free(p0);
    }
    if (tries) status = run_tries(c, sf, &o, tries, try_ng, pred);
    else if (o.word_feats > 0 && scene_features_words(sf, o.word_feats, err, sizeof err)) {
        fprintf(stderr, "moodspace scenefit: %s\n", err); status = 1;
    } else if (grid) run_grid(c, sf, &o, pred);
    else status = run_one(c, sf, &o, m, out, misses, pred);
done:
    free(pred);
    scene_inputs_free(&in); wordvec_free(wv); model_free(m);
    return status;
}
