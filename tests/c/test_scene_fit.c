/* test_scene_fit.c — the script head's scene fit (scene_head.h) on films and
 * features made up here: when a feature sets films apart (their level) but
 * says nothing about the order of scenes within a film, a ridge on the
 * labels' levels leans on it and misorders scenes; hand rows centred on
 * their film (w_within) or the within-film pairwise loss (w_pair) read the
 * order from the feature that carries it. The random word features are
 * fixed (the first k of any ng are the same) and fold into the prediction. */
#include "tools/scene_head.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FILMS 40
#define SCENES 8

/* deterministic noise in [-1, 1] */
static double noise(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return ((*s >> 8) & 0xffff) / 32767.5 - 1.0;
}

typedef struct {
    sb_corpus c;
    sb_film films[FILMS];
    ScriptScenes ss[FILMS];
    Scene scenes[FILMS][SCENES];
    float labels[FILMS][SCENES * 2];
    scene_features sf;
    size_t start[FILMS * SCENES + 1];
} world;

/* Feature 0: the film's level (which also sets its labels' level) plus
 * within-film noise; feature 1: the scene's place in its film's order.
 * Every fifth film is a validation film. */
static void make_world(world *w) {
    memset(w, 0, sizeof *w);
    unsigned seed = 7;
    w->sf.n = FILMS * SCENES; w->sf.dim = 2; w->sf.V = 3;
    w->sf.F = calloc((size_t)w->sf.n * 2, sizeof(float));
    w->sf.start = w->start;
    for (int i = 0; i < FILMS; i++) {
        sb_film *f = &w->films[i];
        f->name = "film";
        f->val = i % 5 == 0;
        f->ss = &w->ss[i];
        f->first = i * SCENES;
        f->label = w->labels[i];
        w->ss[i].scenes = w->scenes[i];
        w->ss[i].n_scenes = SCENES;
        double level = noise(&seed) * 2;
        for (int s = 0; s < SCENES; s++) {
            w->scenes[i][s].words = 10;   /* too short to be a place scene */
            w->scenes[i][s].heading = "";
            double order = noise(&seed);
            float *x = w->sf.F + (size_t)(f->first + s) * 2;
            x[0] = (float)(level + 2.5 * noise(&seed));
            x[1] = (float)order;
            w->labels[i][2 * s] = (float)(5 + 4 * level + 3 * order);
            w->labels[i][2 * s + 1] = w->labels[i][2 * s];
        }
    }
    w->c.films = w->films;
    w->c.n = FILMS;
    w->c.n_scenes = FILMS * SCENES;
}

static double val_pairs(world *w, const scene_fit_opts *o, double *weight0) {
    scene_fit fit;
    char err[256];
    float *pred = malloc(sizeof(float) * 2 * (size_t)w->sf.n);
    if (!pred || scene_fit_run(&w->c, &w->sf, o, &fit, err, sizeof err)) { printf("# %s\n", err); free(pred); return -1; }
    scene_fit_predict(&w->sf, &fit, pred);
    sb_result r = sb_score(&w->c, pred);
    *weight0 = fit.W[SB_VALENCE][0] / fabs(fit.W[SB_VALENCE][1]);
    scene_fit_free(&fit);
    free(pred);
    return r.labelled[SB_VAL].acc[SB_VALENCE];
}

int main(void) {
    world w;
    make_world(&w);
    scene_fit_opts o = scene_fit_default_opts();
    o.song_units = 0; o.w_genre = 0; o.w_place = 0; o.w_paren = 0; o.lambda = 0.1;
    o.w_within = 0; o.w_pair = 0; o.word_feats = 0;   /* a ridge on the labels' levels */
    double lean, lean_within, lean_pair;
    double plain = val_pairs(&w, &o, &lean);
    scene_fit_opts within = o;
    within.w_hand = 0; within.w_within = 1;
    double centred = val_pairs(&w, &within, &lean_within);
    scene_fit_opts pair = o;
    pair.w_pair = 10; pair.pair_k = 3;
    double paired = val_pairs(&w, &pair, &lean_pair);
    printf("# validation pairs: levels %.3f (feature 0 / 1 %.2f), centred %.3f (%.2f), + pairs %.3f (%.2f)\n",
           plain, lean, centred, lean_within, paired, lean_pair);
    CHECK(plain > 0.5 && plain < 0.95, "a ridge on the labels' levels leans on the film-level feature and misorders scenes");
    CHECK(lean > 0.3, "... its weight on the film-level feature is large");
    CHECK(centred > 0.98 && fabs(lean_within) < 0.1, "hand rows centred on their film order the validation films' scenes by the feature that carries the order");
    CHECK(paired > plain + 0.05 && lean_pair < lean, "the within-film pairwise loss moves the fit towards the order");

    /* the word features: the first k of a larger set are the same features */
    float raw[3 * 2] = { 0, 0, 1, 0.5f, -0.3f, 2 };
    double sif[3] = { 0, 1, 0.5 };
    int32_t ids[2] = { 1, 2 };
    float tf[2] = { 0.25f, 0.75f };
    size_t st[2] = { 0, 2 };
    scene_features a = { .n = 1, .dim = 2, .V = 3, .raw = raw, .sif = sif, .bag_id = ids, .bag_tf = tf, .start = st };
    scene_features b = a;
    char err[256];
    CHECK(scene_features_words(&a, 8, err, sizeof err) == 0 && scene_features_words(&b, 3, err, sizeof err) == 0,
          "word features: built");
    int same = 1, some = 0;
    for (int v = 0; v < 3; v++)
        for (int j = 0; j < 3; j++) {
            same &= a.phi[v * 8 + j] == b.phi[v * 3 + j];
            some += a.phi[v * 8 + j] != 0;
        }
    CHECK(same && some > 0, "word features: the first 3 of 8 are the 3 features");
    int zero = 1;
    for (int j = 0; j < 8; j++) zero &= a.phi[j] == 0;
    CHECK(zero, "word features: a word without a vector has none");
    double want = 0.25 * a.phi[8 + 5] + 0.75 * a.phi[16 + 5];
    CHECK_NEAR(a.G[5], want, 1e-6, "word features: a scene's feature is the mean over its words, weighted as the network pools them");
    free(a.phi); free(a.G); free(b.phi); free(b.G);
    free(w.sf.F);
    return check_summary();
}
