/* test_scene_bench.c — the dev scene benchmark's parts (scene_bench.h) on
 * scripts and labels written here: the film split agrees with
 * labels/split.mjs, places and parenthetical cues are read from headings and
 * dropped parentheticals, labels land on their scenes (and stale ones are
 * counted), and the three measures score a prediction as defined. */
#include "tools/scene_bench.h"
#include "check.h"
#include "test_files.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/ms_test_scene_bench_XXXXXX";

static void write_file(const char *name, const char *text) { tf_write_in(dir, name, text); }

/* Two comedies and a horror film, each a festive and a grieving place. */
static const char COMEDY[] =
    "INT. BALLROOM - NIGHT\n\nA wedding party. Everyone dances and laughs under paper lanterns, the band plays loud.\n"
    "Glasses clink, friends cheer and sing along, the bride spins across the floor with her father.\n\n"
    "EXT. CEMETERY - DAY\n\nRain on black umbrellas. The family stands around the grave without a word.\n\n"
    "MOTHER\n(crying)\nHe was so young.\n\n"
    "The coffin is lowered slowly into the ground. Nobody moves until the last prayer is said.\n\n"
    "INT. OFFICE - DAY\n\nPaperwork. A clerk stamps forms and files them one by one in a grey cabinet.\n";
static const char HORROR[] =
    "EXT. FAIRGROUND - NIGHT\n\nThe carnival lights blink. Teenagers scream with joy on the rides, music blares.\n"
    "Candy floss, prizes, a crowd pushing toward the ferris wheel in the warm night air, everyone shouting.\n\n"
    "INT. MORGUE - NIGHT\n\nA drawer slides open. The body under the sheet is torn apart, the face gone.\n"
    "The coroner steps back. Cold light. A drip from a pipe somewhere. Nothing else moves.\n\n"
    "DETECTIVE\n(whispers)\nSame as the others.\n";

/* the film split, places and parenthetical cues: pure functions of names and text */
static void split_places_cues(void) {
    /* the split: the same rule as labels/split.mjs (values computed there) */
    CHECK(sb_film_is_val("Sessions,-The") == 1, "split: Sessions,-The is a validation film, as labels/split.mjs says");
    CHECK(sb_film_is_val("Jaws") == 0 && sb_film_is_val("Heat") == 0, "split: Jaws and Heat are training films");

    /* places: whole words of the heading */
    CHECK(sb_place_kind("INT. FUNERAL HOME - DAY") == -1, "places: a funeral home is a grieving place");
    CHECK(sb_place_kind("EXT. WEDDING RECEPTION - NIGHT") == 1, "places: a wedding is festive");
    CHECK(sb_place_kind("INT. PARTYING HOUSE") == 0, "places: only whole words count");
    CHECK(sb_place_kind("EXT. CEMETERY - PARTY") == 0, "places: a heading naming both is neither");

    /* parenthetical cues, from the raw lines of a scene */
    const char raw[] = "INT. ROOM\n\nANNA\n(laughing)\nNo way.\n\nBEN\n(screaming)\nGet out!\n\nANNA\n(softly, crying)\nPlease.\n";
    int hint[2] = {0, 0};
    int cues = sb_paren_hints(raw, strlen(raw), 1, 13, hint);
    CHECK(cues == 4, "parentheticals: four cues found (laughing, screaming, softly, crying)");
    CHECK(hint[SB_VALENCE] == 0 && hint[SB_ENERGY] == 0, "parentheticals: laughing and crying cancel, screaming and softly cancel");
    cues = sb_paren_hints(raw, strlen(raw), 1, 6, hint);
    CHECK(cues == 1 && hint[SB_VALENCE] == 1, "parentheticals: a line range reads only its own cues");
}

/* the corpus of the three scripts in dir (NULL when it does not load: err says why) */
static sb_corpus *corpus(ev_genres **g, char *err, size_t errlen) {
    write_file("Comedy-A.txt", COMEDY);
    write_file("Comedy-B.txt", COMEDY);
    write_file("Horror-C.txt", HORROR);
    *g = ev_genres_parse("{\"Comedy-A\": [\"Comedy\"], \"Comedy-B\": [\"Comedy\", \"Romance\"], \"Horror-C\": [\"Horror\"], \"Missing\": [\"Drama\"]}",
                                   "genres", err, errlen);
    sb_corpus *c = *g ? sb_corpus_load(*g, dir, 2, err, errlen) : NULL;
    CHECK(c != NULL && c->n == 3, "corpus: the three films with a script load, the missing one is left out");
    if (!c) return NULL;
    CHECK(c->films[0].ss->n_scenes == 3 && c->films[2].ss->n_scenes == 2, "corpus: scenes parsed as `moodspace scenes` does");
    CHECK(c->films[0].hint[2 * 1 + SB_VALENCE] == -1, "corpus: the cemetery scene carries its (crying) cue");
    CHECK(c->films[2].hint[2 * 1 + SB_ENERGY] == -1, "corpus: the morgue scene carries its (whispers) cue");
    return c;
}

/* the labels file read and attached to the corpus's scenes; a damaged one refused */
static sb_labels *labels(sb_corpus *c) {
    char err[512];
    write_file("labels.json",
               "{\"scenes\": [{\"film\": \"Comedy-A\", \"index\": 0, \"heading\": \"INT. BALLROOM - NIGHT\", \"valence\": [8, 9], \"energy\": [8, 8]},\n"
               "{\"film\": \"Comedy-A\", \"index\": 1, \"heading\": \"EXT. CEMETERY - DAY\", \"valence\": [2], \"energy\": [2]},\n"
               "{\"film\": \"Comedy-A\", \"index\": 2, \"heading\": \"INT. OFFICE - DAY\", \"valence\": [5], \"energy\": [3]},\n"
               "{\"film\": \"Horror-C\", \"index\": 1, \"heading\": \"INT. SOMEWHERE ELSE\", \"valence\": [1], \"energy\": [2]}]}");
    char path[256];
    snprintf(path, sizeof path, "%s/labels.json", dir);
    sb_labels *l = sb_labels_load(path, err, sizeof err);
    CHECK(l != NULL && l->n == 4, "labels: four labels load");
    if (l) {
        CHECK(fabsf(l->items[0].y[SB_VALENCE] - 8.5f) < 1e-6f && l->items[0].n_labellers == 2, "labels: two labellers are averaged");
        sb_attach_labels(c, l);
        CHECK(c->n_labelled == 3 && c->n_unmatched == 1, "labels: a label whose heading no longer matches the parse is counted, not used");
    }
    write_file("bad.json", "{\"scenes\": [{\"film\": \"Comedy-A\", \"index\": 0, \"valence\": [10], \"energy\": [5]}]}");
    snprintf(path, sizeof path, "%s/bad.json", dir);
    sb_labels *bad = sb_labels_load(path, err, sizeof err);
    CHECK(bad == NULL && strstr(err, "1..9"), "labels: a value outside 1..9 is refused with a message");
    return l;
}

/* the three measures of a prediction that follows the labels, of its mirror image and of a constant */
static void measures(const sb_corpus *c) {
    /* a prediction that follows the labels, and its mirror image */
    float *pred = calloc(2 * (size_t)c->n_scenes, sizeof(float));
    const float good[2][3] = { { 0.9f, 0.1f, 0.5f }, { 0.9f, 0.1f, 0.3f } };   /* [metric][scene] of a comedy */
    for (int f = 0; f < 2; f++)
        for (int s = 0; s < 3; s++)
            for (int t = 0; t < 2; t++) pred[2 * (c->films[f].first + s) + t] = good[t][s];
    /* the horror film: fairground above morgue, and darker overall than the comedies */
    for (int s = 0; s < 2; s++) {
        pred[2 * (c->films[2].first + s) + SB_VALENCE] = s == 0 ? 0.05f : 0.0f;
        pred[2 * (c->films[2].first + s) + SB_ENERGY] = s == 0 ? 0.8f : 0.0f;
    }
    sb_result r = sb_score(c, pred);
    CHECK(r.labelled[SB_ALL].pairs[SB_VALENCE] == 3 && r.labelled[SB_ALL].pairs[SB_ENERGY] == 2,
          "pairs: labels at least 2 points apart within a film make a pair (valence 8.5/5/2: 3, energy 8/3/2: 2)");
    CHECK_NEAR(r.labelled[SB_ALL].acc[SB_VALENCE], 1.0, 1e-12, "pairs: a prediction in the labels' order scores 1");
    CHECK(r.places[SB_ALL].pairs[SB_VALENCE] == 3, "places: one festive-grieving pair per film");
    CHECK_NEAR(r.places[SB_ALL].acc[SB_VALENCE], 1.0, 1e-12, "places: festive above grieving scores 1");
    CHECK_NEAR(r.auc[SB_ALL][SB_VALENCE], 1.0, 1e-12, "genre AUC: the comedies above the horror film");
    for (int i = 0; i < 2 * c->n_scenes; i++) pred[i] = -pred[i];
    r = sb_score(c, pred);
    CHECK_NEAR(r.labelled[SB_ALL].acc[SB_VALENCE], 0.0, 1e-12, "pairs: the mirror image scores 0");
    CHECK_NEAR(r.places[SB_ALL].acc[SB_ENERGY], 0.0, 1e-12, "places: the mirror image scores 0");
    CHECK_NEAR(r.auc[SB_ALL][SB_VALENCE], 0.0, 1e-12, "genre AUC: the mirror image scores 0");
    for (int i = 0; i < 2 * c->n_scenes; i++) pred[i] = 0;
    r = sb_score(c, pred);
    CHECK_NEAR(r.labelled[SB_ALL].acc[SB_VALENCE], 0.5, 1e-12, "pairs: ties count half");
    CHECK(sb_film_is_val("Comedy-A") && r.labelled[SB_VAL].pairs[SB_VALENCE] == 3 && r.labelled[SB_TRAIN].pairs[SB_VALENCE] == 0 &&
          isnan(r.labelled[SB_TRAIN].acc[SB_VALENCE]),
          "pairs: the labelled film is a validation film, so its pairs count there and the training films have none (NaN, not 0)");
    free(pred);
}

int main(void) {
    split_places_cues();
    if (!mkdtemp(dir)) { printf("not ok - mkdtemp\n"); return 1; }
    char err[512];
    ev_genres *g = NULL;
    sb_corpus *c = corpus(&g, err, sizeof err);
    if (!c) { printf("# %s\n", err); return check_summary(); }
    sb_labels *l = labels(c);
    measures(c);
    sb_labels_free(l);
    sb_corpus_free(c);
    ev_genres_free(g);
    tf_remove_dir(dir);
    return check_summary();
}
