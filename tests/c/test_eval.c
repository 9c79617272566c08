/* test_eval.c — the evaluation module (eval.h): AUC, genre groups, the film
 * pass on hand-written scripts, and `moodspace eval`'s messages. */
#include "check.h"
#include "test_models.h"
#include "test_files.h"

#include "arc.h"
#include "tools/eval.h"
#include "model.h"
#include "tools/scene_cli.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_eval(int argc, char **argv);

static char dir[] = "/tmp/ms_test_eval_XXXXXX";

static void write_file(const char *name, const char *text) { tf_write_in(dir, name, text); }

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", dir, name); }

/* ---- AUC ------------------------------------------------------------------ */

static void auc(void) {
    double hi[3] = {3, 4, 5}, lo[2] = {1, 2};
    CHECK_NEAR(ev_auc(hi, 3, lo, 2), 1.0, 1e-12, "AUC: every first-group score above the second is 1");
    CHECK_NEAR(ev_auc(lo, 2, hi, 3), 0.0, 1e-12, "AUC: the groups swapped give 0");
    double same[2] = {0.5, 0.5};
    CHECK_NEAR(ev_auc(same, 2, same, 2), 0.5, 1e-12, "AUC: all ties give 0.5");
    /* pairs: 2>1 1, 2=2 .5, 2<3 0, 3>1 1, 3>2 1, 3=3 .5  -> 4/6 */
    double p[2] = {2, 3}, n[3] = {1, 2, 3};
    CHECK_NEAR(ev_auc(p, 2, n, 3), 4.0 / 6.0, 1e-12, "AUC: ties count half (hand-counted 4 of 6 pairs)");
    CHECK(isnan(ev_auc(p, 2, n, 0)) && isnan(ev_auc(p, 0, n, 3)), "AUC of an empty group is NaN");
}

/* ---- genre groups ------------------------------------------------------------- */

static int group_of(int test, const char *csv_genres) {
    const char *g[8]; char buf[200]; int n = 0;
    snprintf(buf, sizeof buf, "%s", csv_genres);
    for (char *t = strtok(buf, ","); t && n < 8; t = strtok(NULL, ",")) g[n++] = t;
    static char keep[8][40];
    for (int i = 0; i < n; i++) { snprintf(keep[i], sizeof keep[i], "%s", g[i]); g[i] = keep[i]; }
    return ev_film_group(test, g, n);
}

static void groups(void) {
    CHECK(group_of(EV_FILM_VALENCE, "Comedy") == 1 && group_of(EV_FILM_VALENCE, "Comedy,Romance") == 1,
          "valence: a comedy without horror or thriller is in the first group");
    CHECK(group_of(EV_FILM_VALENCE, "Horror") == -1 && group_of(EV_FILM_VALENCE, "Crime,Thriller") == -1,
          "valence: horror or thriller without comedy is in the second group");
    CHECK(group_of(EV_FILM_VALENCE, "Comedy,Horror") == 0 && group_of(EV_FILM_VALENCE, "Drama") == 0,
          "valence: comedy-horror and neither are left out");
    CHECK(group_of(EV_FILM_ENERGY, "Action,Thriller") == 1 && group_of(EV_FILM_ENERGY, "Action,Drama") == 0,
          "energy: action counts only without drama");
    CHECK(group_of(EV_FILM_ENERGY, "Drama") == -1 && group_of(EV_FILM_ENERGY, "Romance,Drama") == -1,
          "energy: exactly {Drama} or {Drama, Romance} is the second group");
    CHECK(group_of(EV_FILM_ENERGY, "Drama,Crime") == 0 && group_of(EV_FILM_ENERGY, "Romance") == 0,
          "energy: drama with anything else, or romance alone, is left out");

    char err[300];
    ev_genres *g = ev_genres_parse("{\"A\": [\"Comedy\"], \"B\": []}", "t.json", err, sizeof err);
    CHECK(g && g->n == 2 && g->films[0].n_genres == 1 && !strcmp(g->films[0].genres[0], "Comedy") && g->films[1].n_genres == 0,
          "genres JSON: films in file order with their genres");
    ev_genres_free(g);
    g = ev_genres_parse("{\"A\": [\"Comedy\"", "t.json", err, sizeof err);
    CHECK(!g && strstr(err, "t.json") && strstr(err, "not valid JSON"), "genres JSON: a truncated file is reported as invalid JSON");
    g = ev_genres_parse("[\"Comedy\"]", "t.json", err, sizeof err);
    CHECK(!g && strstr(err, "expected a JSON object"), "genres JSON: an array is refused with what was expected");
    g = ev_genres_parse("{\"A\": [1]}", "t.json", err, sizeof err);
    CHECK(!g && strstr(err, "genres must be strings"), "genres JSON: a number as a genre is refused");
    g = ev_genres_parse("{\"../x\": []}", "t.json", err, sizeof err);
    CHECK(!g && strstr(err, "no '/'"), "genres JSON: a film name with a path is refused");
}

/* ---- the film pass ------------------------------------------------------------- */

/* Embedding(2) → masked mean → Dense(2): dimension 0 carries valence words
 * (+1 happy, -1 sad), dimension 1 energy words (+1 loud, -1 still). */
static Model *word_model(void) {
    const char *words[] = {"sunny", "wedding", "funeral", "grave", "chase", "gunfire", "still", "sleep"};
    const float val[] = {1, 1, -1, -1, 0, 0, 0, 0}, en[] = {0, 0, 0, 0, 1, 1, -1, -1};
    const char *names[] = {"energy", "valence"};
    LayerSpec arch[3];
    mean_arch(arch, 2, 2);
    char err[256];
    Model *m = model_create(arch, 3, 64, words, 8, names, NULL, NULL, 2, err, sizeof err);
    if (!m) { printf("# %s\n", err); return NULL; }
    memset(m->params, 0, sizeof(float) * m->n_params);
    float *emb = m->params + m->tensors[0].offset, *k = m->params + m->tensors[1].offset;
    for (int w = 0; w < 8; w++) { emb[(w + 2) * 2 + 0] = val[w]; emb[(w + 2) * 2 + 1] = en[w]; }
    k[0 * 2 + 1] = 1;   /* dim 0 → output 1 (valence) */
    k[1 * 2 + 0] = 1;   /* dim 1 → output 0 (energy) */
    if (model_prepare(m, err, sizeof err)) { printf("# %s\n", err); model_free(m); return NULL; }
    return m;
}

static const char *GENRES =
    "{\"Happy\": [\"Comedy\", \"Romance\"],\n"
    " \"Mixed\": [\"Comedy\"],\n"
    " \"Dark\": [\"Horror\"],\n"
    " \"Tense\": [\"Thriller\", \"Crime\"],\n"
    " \"Both\": [\"Comedy\", \"Horror\"],\n"
    " \"Chase\": [\"Action\"],\n"
    " \"Quiet\": [\"Drama\"],\n"
    " \"Letters\": [\"Drama\", \"Romance\"],\n"
    " \"Lost\": [\"Comedy\"]}\n";

static void write_scripts(void) {
    write_file("Happy.txt", "INT. GARDEN - DAY\n\nA sunny wedding. Sunny sky over the wedding.\n\n"
                            "EXT. LAWN - DAY\n\nThe wedding party dances.\n");
    write_file("Mixed.txt", "INT. HALL - DAY\n\nA sunny wedding.\n\nEXT. YARD - NIGHT\n\nA funeral by the grave.\n");
    write_file("Dark.txt", "EXT. CEMETERY - NIGHT\n\nA funeral. The grave is open. Another grave.\n");
    write_file("Tense.txt", "INT. OFFICE - NIGHT\n\nA funeral notice on the desk. The phone rings.\n\n"
                            "INT. HALL - DAY\n\nA sunny wedding photo.\n");
    write_file("Both.txt", "INT. HOUSE - DAY\n\nSunny funeral.\n");
    write_file("Chase.txt", "EXT. STREET - NIGHT\n\nA chase. Gunfire. Gunfire and a chase.\n");
    write_file("Quiet.txt", "INT. ROOM - NIGHT\n\nStill. She lies still and tries to sleep.\n");
    write_file("Letters.txt", "INT. STUDY - DAY\n\nHe writes letters, then sits still.\n");
    /* Lost.txt is deliberately missing */
    write_file("genres.json", GENRES);
    write_file("lexicon.csv", "word,valence,arousal,dominance\nsunny,0.9,0.6,0.5\nwedding,0.8,0.7,0.6\n"
                              "funeral,0.1,0.3,0.3\ngrave,0.2,0.4,0.3\nchase,0.5,0.9,0.6\nstill,0.5,0.1,0.5\n");
}

static double score(const ev_films *f, const ev_genres *g, const char *film, int source, int test) {
    for (int i = 0; i < g->n; i++)
        if (!strcmp(g->films[i].name, film)) return f->score[((size_t)i * f->n_sources + source) * EV_FILM_NTESTS + test];
    return NAN;
}

/* the film score is exactly arc --summary's overall */
static void film_score_is_arc(const Model *m, const ev_films *f, const ev_genres *g) {
    char path[600], err[512];
    path_in(path, sizeof path, "Mixed.txt");
    SceneOpts so = scene_default_opts();
    ScriptScenes *ss = scene_cli_parse_file("test", path, &so);
    ArcOpts ao = arc_default_opts();
    MoodArc *a = ss ? arc_from_script(m, ss, &ao, err, sizeof err) : NULL;
    CHECK(a && ss->n_scenes == 2, "the mixed script parses into two scenes");
    if (a) {
        CHECK_NEAR(score(f, g, "Mixed", 0, EV_FILM_VALENCE), a->overall[1], 0, "a film's valence is arc_from_script's overall valence");
        CHECK_NEAR(score(f, g, "Mixed", 0, EV_FILM_ENERGY), a->overall[0], 0, "a film's energy is arc_from_script's overall energy");
    }
    arc_free(a); scene_free(ss);

    CHECK(score(f, g, "Happy", 0, EV_FILM_VALENCE) > 0 && score(f, g, "Dark", 0, EV_FILM_VALENCE) < 0,
          "the word model reads the wedding as happy and the cemetery as sad");
}

/* the AUC rows (the model's groups and AUCs) and the lexicon's scores; returns the number of rows */
static int film_rows(const ev_films *f, const ev_genres *g, ev_film_row *rows, int max) {
    int n = ev_film_rows(f, rows, max);
    CHECK(n == 2, "one AUC row per source");
    /* valence: first group Happy, Mixed (Lost has no script; Both is comedy-horror);
     * second group Dark, Tense */
    CHECK(rows[0].n_pos[EV_FILM_VALENCE] == 2 && rows[0].n_neg[EV_FILM_VALENCE] == 2,
          "valence groups: 2 comedies scored against horror and thriller");
    CHECK(rows[0].n_pos[EV_FILM_ENERGY] == 1 && rows[0].n_neg[EV_FILM_ENERGY] == 2,
          "energy groups: 1 action film against drama and drama+romance");
    double pos[2] = { score(f, g, "Happy", 0, 0), score(f, g, "Mixed", 0, 0) };
    double neg[2] = { score(f, g, "Dark", 0, 0), score(f, g, "Tense", 0, 0) };
    CHECK_NEAR(rows[0].auc[EV_FILM_VALENCE], ev_auc(pos, 2, neg, 2), 1e-12, "the row's valence AUC is ev_auc over the two groups");
    CHECK_NEAR(rows[0].auc[EV_FILM_ENERGY], 1.0, 1e-12, "the chase outscores both dramas on energy");

    /* lexicon: mean over every word of the file found in the lexicon (headings too) */
    double want_v = (0.9 + 0.8 + 0.9 + 0.8 + 0.8) / 5, want_a = (0.6 + 0.7 + 0.6 + 0.7 + 0.7) / 5;
    CHECK_NEAR(score(f, g, "Happy", 1, EV_FILM_VALENCE), want_v, 1e-6, "lexicon valence: mean valence of the known words");
    CHECK_NEAR(score(f, g, "Happy", 1, EV_FILM_ENERGY), want_a, 1e-6, "lexicon energy: mean arousal of the known words");
    CHECK(f->lexicon_known > 0 && f->lexicon_known < f->lexicon_words, "lexicon coverage is counted");
    return n;
}

/* JSON and Markdown */
static void film_outputs(const ev_films *f, const ev_genres *g, const ev_film_row *rows, int n) {
    cJSON *j = ev_films_json(f, g, rows, n, 1);
    cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "per_film")) == 8 && cJSON_IsNumber(cJSON_GetObjectItem(r0, "valence_auc")),
          "JSON: a row per source and every scored film");
    cJSON_Delete(j);
    char *buf = NULL; size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    ev_print_film_markdown(mf, f, rows, n, "moodspace eval --genres x");
    fclose(mf);
    CHECK(buf && strstr(buf, "| word model |") && strstr(buf, "(2 films) >") && strstr(buf, "1 without a script") && strstr(buf, "moodspace eval --genres x"),
          "Markdown: the rows, the group sizes, the missing script and the command");
    free(buf);
}

/* a model without a valence output is refused by name */
static void film_without_valence(const ev_genres *g, const ev_film_opts *fo) {
    char err[512];
    const char *wrong[] = {"energy", "tempo"};
    LayerSpec arch[3];
    mean_arch(arch, 2, 2);
    Model *m2 = model_create(arch, 3, 8, NULL, 0, wrong, NULL, NULL, 2, err, sizeof err);
    if (m2) model_prepare(m2, err, sizeof err);
    const Model *bad[1] = { m2 };
    const char *badn[1] = { "no-valence" };
    ev_films *fb = m2 ? ev_films_run(g, bad, badn, 1, fo, err, sizeof err) : NULL;
    CHECK(m2 && !fb && strstr(err, "no-valence") && strstr(err, "valence"), "a model without a valence output is refused, naming it");
    ev_films_free(fb); model_free(m2);
}

static void films(void) {
    Model *m = word_model();
    CHECK(m != NULL, "a hand-set word model for the film tests");
    if (!m) return;
    char gpath[512], lpath[512], err[512];
    path_in(gpath, sizeof gpath, "genres.json");
    path_in(lpath, sizeof lpath, "lexicon.csv");
    ev_genres *g = ev_genres_load(gpath, err, sizeof err);
    CHECK(g && g->n == 9, "the hand-written genres file loads (9 films)");
    if (!g) { model_free(m); return; }
    const Model *models[1] = { m };
    const char *names[1] = { "word model" };
    ev_film_opts fo = ev_film_default_opts();
    fo.scripts_dir = dir; fo.lexicon_path = lpath; fo.threads = 2; fo.quiet = 1;
    ev_films *f = ev_films_run(g, models, names, 1, &fo, err, sizeof err);
    CHECK(f != NULL, "the film pass runs on the temp folder");
    if (!f) { printf("# %s\n", err); ev_genres_free(g); model_free(m); return; }
    CHECK(f->n_films == 9 && f->n_scored == 8 && f->n_missing == 1 && f->n_failed == 0,
          "8 films scored, the one without a script counted as missing");
    CHECK(f->n_sources == 2 && f->is_lexicon[1] && !f->is_lexicon[0], "sources: the model, then the lexicon");
    film_score_is_arc(m, f, g);
    ev_film_row rows[4];
    int n = film_rows(f, g, rows, 4);
    /* deterministic whatever the thread count */
    fo.threads = 1;
    ev_films *f1 = ev_films_run(g, models, names, 1, &fo, err, sizeof err);
    CHECK(f1 && !memcmp(f1->status, f->status, sizeof(int) * 9) &&
          !memcmp(f1->score, f->score, sizeof(double) * 9 * 2 * EV_FILM_NTESTS),
          "one thread gives the same statuses and scores as two");
    ev_films_free(f1);
    film_outputs(f, g, rows, n);
    film_without_valence(g, &fo);
    ev_films_free(f); ev_genres_free(g);
    char mpath[512];
    path_in(mpath, sizeof mpath, "word.bin");
    model_save_file(m, mpath, 0, err, sizeof err);
    model_free(m);
}


/* ---- the command's messages ------------------------------------------------------ */

/* Run `moodspace eval ARGS`, stdout and stderr into files; returns the status. */
static int run_eval(char **out, char **errtxt, int argc, const char **args) {
    char po[512], pe[512];
    path_in(po, sizeof po, "stdout.txt");
    path_in(pe, sizeof pe, "stderr.txt");
    fflush(stdout); fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644), fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fo, 1); dup2(fe, 2); close(fo); close(fe);
    char *argv[24];
    argv[0] = "eval";
    for (int i = 0; i < argc && i < 22; i++) argv[i + 1] = (char *)args[i];
    argv[argc + 1] = NULL;
    int rc = cmd_eval(argc + 1, argv);
    fflush(stdout); fflush(stderr);
    dup2(so, 1); dup2(se, 2); close(so); close(se);
    size_t n;
    char *texts[2] = {NULL, NULL};
    const char *paths[2] = {po, pe};
    for (int k = 0; k < 2; k++) {
        FILE *f = fopen(paths[k], "rb");
        texts[k] = calloc(1, 1 << 20);
        if (f && texts[k]) { n = fread(texts[k], 1, (1 << 20) - 1, f); texts[k][n] = 0; }
        if (f) fclose(f);
    }
    *out = texts[0]; *errtxt = texts[1];
    return rc;
}

/* `moodspace eval ARGS` fails with status want and a message on stderr holding need1 (and need2) */
static void eval_refuses(int want, int argc, const char **args, const char *need1, const char *need2, const char *what) {
    char *o, *e;
    int rc = run_eval(&o, &e, argc, args);
    CHECK(rc == want && e && strstr(e, need1) && (!need2 || strstr(e, need2)), what);
    free(o); free(e);
}

/* what the command says of missing data, damaged files and bad options */
static void cli_refusals(void) {
    char gpath[512], mpath[512], bad[512], arr[512], nofile[512];
    path_in(gpath, sizeof gpath, "genres.json");
    path_in(mpath, sizeof mpath, "word.bin");
    path_in(nofile, sizeof nofile, "no-such.json");
    write_file("bad.json", "{\"Happy\": [\"Comedy\",");
    write_file("array.json", "[\"Comedy\"]");
    path_in(bad, sizeof bad, "bad.json");
    path_in(arr, sizeof arr, "array.json");
    eval_refuses(2, 0, NULL, "--csv", "--genres", "eval without data says to give --csv or --genres");
    const char *a1[] = {"--genres", nofile, "--scripts", dir, "--model", mpath, "--no-lexicon"};
    eval_refuses(1, 7, a1, "no-such.json", "cannot open", "a missing genres file is named");
    const char *a2[] = {"--genres", bad, "--scripts", dir, "--model", mpath, "--no-lexicon"};
    eval_refuses(1, 7, a2, "bad.json", "not valid JSON", "a malformed genres file is reported as invalid JSON");
    const char *a3[] = {"--genres", arr, "--scripts", dir, "--model", mpath, "--no-lexicon"};
    eval_refuses(1, 7, a3, "expected a JSON object", NULL, "a genres file of the wrong shape says what was expected");
    const char *a4[] = {"--genres", gpath, "--scripts", "/nonexistent/scripts", "--model", mpath, "--no-lexicon"};
    eval_refuses(1, 7, a4, "/nonexistent/scripts", "not a readable folder", "a missing screenplay folder is named");
    const char *a5[] = {"--genres", gpath, "--scripts", dir, "--model", "/nonexistent/model.bin"};
    eval_refuses(1, 6, a5, "/nonexistent/model.bin", NULL, "a missing weights file is named");
    const char *a6[] = {"--csv", "/nonexistent/songs.csv", "--model", mpath, "--no-lexicon"};
    eval_refuses(1, 5, a6, "/nonexistent/songs.csv", NULL, "a missing songs CSV is named");
    const char *a7[] = {"--genres", gpath, "--threads", "0"};
    eval_refuses(2, 4, a7, "--threads", NULL, "a bad thread count is refused");
}

/* what the command prints: JSON for films and songs, Markdown */
static void cli_outputs(void) {
    char gpath[512], mpath[512];
    path_in(gpath, sizeof gpath, "genres.json");
    path_in(mpath, sizeof mpath, "word.bin");
    char *o, *e;
    int rc;
    const char *a8[] = {"--genres", gpath, "--scripts", dir, "--model", mpath, "--no-lexicon", "--json"};
    rc = run_eval(&o, &e, 8, a8);
    cJSON *j = cJSON_Parse(o);
    cJSON *films = cJSON_GetObjectItem(j, "films");
    cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(films, "rows"), 0);
    CHECK(rc == 0 && j && cJSON_GetNumberValue(cJSON_GetObjectItem(films, "scored")) == 8 &&
          cJSON_GetNumberValue(cJSON_GetObjectItem(r0, "energy_auc")) == 1.0 &&
          strstr(cJSON_GetStringValue(cJSON_GetObjectItem(r0, "name")), "word.bin"),
          "--json: films scored and the AUCs of the named model");
    cJSON_Delete(j);
    free(o); free(e);

    const char *a10[] = {"--csv", "tests/c/fixtures/songs_tiny.csv", "--model", mpath, "--no-lexicon", "--json"};
    rc = run_eval(&o, &e, 6, a10);
    j = cJSON_Parse(o);
    cJSON *srows = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "songs"), "rows");
    cJSON *last = cJSON_GetArrayItem(srows, cJSON_GetArraySize(srows) - 1);
    cJSON *lt = cJSON_GetObjectItem(last, "test");
    CHECK(rc == 0 && cJSON_GetArraySize(srows) == 3 && strstr(cJSON_GetStringValue(cJSON_GetObjectItem(last, "name")), "word.bin") &&
          cJSON_GetObjectItem(lt, "valence") && !cJSON_GetObjectItem(lt, "tempo"),
          "--csv --json: the baselines and the model's row, only for the outputs it has");
    cJSON_Delete(j);
    free(o); free(e);

    const char *a9[] = {"--genres", gpath, "--scripts", dir, "--model", mpath, "--no-lexicon"};
    rc = run_eval(&o, &e, 7, a9);
    CHECK(rc == 0 && strstr(o, "valence AUC") && strstr(o, "Comedy (not Horror/Thriller) (2 films)") && strstr(e, "8 of 9 labelled films"),
          "Markdown output explains the tests and the counts");
    free(o); free(e);
}

/* ---- the real labels, when present ------------------------------------------------- */

static void real_labels(void) {
    const char *path = "../shared/data/genres_dev.json";
    if (access(path, R_OK) != 0) { printf("# skip: %s not present (group sizes on the real labels not checked)\n", path); return; }
    char err[300];
    ev_genres *g = ev_genres_load(path, err, sizeof err);
    CHECK(g != NULL, "genres_dev.json loads");
    if (!g) return;
    int cnt[EV_FILM_NTESTS][2] = {{0, 0}, {0, 0}};
    for (int i = 0; i < g->n; i++)
        for (int t = 0; t < EV_FILM_NTESTS; t++) {
            int grp = ev_film_group(t, (const char *const *)g->films[i].genres, g->films[i].n_genres);
            if (grp) cnt[t][grp > 0 ? 0 : 1]++;
        }
    CHECK(cnt[0][0] == 141 && cnt[0][1] == 172, "genres_dev.json: 141 comedies vs 172 horror/thriller films");
    CHECK(cnt[1][0] == 95 && cnt[1][1] == 59, "genres_dev.json: 95 action vs 59 drama(+romance) films");
    ev_genres_free(g);
}

int main(void) {
    if (!mkdtemp(dir)) { printf("not ok - mkdtemp\n"); return 1; }
    auc();
    groups();
    write_scripts();
    films();
    cli_refusals();
    cli_outputs();
    real_labels();
    tf_remove_dir(dir);
    return check_summary();
}
