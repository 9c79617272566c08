/* eval_film.c — film metrics on genre labels (see eval.h). */
#include "eval.h"

#include "arc.h"
#include "baselines.h"
#include "scene.h"
#include "scene_cli.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- genre labels ------------------------------------------------------------- */

static char *read_all(const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: cannot open (%s)", path, strerror(errno)); return NULL; }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); snprintf(err, errlen, "%s: out of memory", path); return NULL; }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(buf); snprintf(err, errlen, "%s: read error", path); return NULL; }
    buf[n] = 0;
    return buf;
}

void ev_genres_free(ev_genres *g) {
    if (!g) return;
    for (int i = 0; i < g->n; i++) {
        for (int j = 0; j < g->films[i].n_genres; j++) free(g->films[i].genres[j]);
        free(g->films[i].genres);
        free(g->films[i].name);
    }
    free(g->films);
    free(g);
}

ev_genres *ev_genres_parse(const char *json, const char *what, char *err, size_t errlen) {
    if (!what) what = "genres";
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(json, &end, 1);
    if (!root) {
        long at = end ? (long)(end - json) : -1;
        snprintf(err, errlen, "%s: not valid JSON (stops making sense at byte %ld)", what, at);
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s: expected a JSON object {\"Film-Name\": [\"Genre\", ...], ...}", what);
        cJSON_Delete(root);
        return NULL;
    }
    ev_genres *g = calloc(1, sizeof *g);
    int n = cJSON_GetArraySize(root);
    if (g) g->films = calloc((size_t)(n ? n : 1), sizeof *g->films);
    if (!g || !g->films) { free(g); cJSON_Delete(root); snprintf(err, errlen, "%s: out of memory", what); return NULL; }
    const cJSON *film;
    cJSON_ArrayForEach(film, root) {
        if (!cJSON_IsArray(film) || !film->string || !film->string[0] || strchr(film->string, '/')) {
            snprintf(err, errlen, "%s: entry \"%.80s\": expected a film name (no '/') and a list of genres",
                     what, film->string ? film->string : "");
            ev_genres_free(g); cJSON_Delete(root); return NULL;
        }
        ev_film_label *l = &g->films[g->n++];
        l->name = strdup(film->string);
        int k = cJSON_GetArraySize(film);
        l->genres = calloc((size_t)(k ? k : 1), sizeof *l->genres);
        if (!l->name || !l->genres) { ev_genres_free(g); cJSON_Delete(root); snprintf(err, errlen, "%s: out of memory", what); return NULL; }
        const cJSON *genre;
        cJSON_ArrayForEach(genre, film) {
            if (!cJSON_IsString(genre)) {
                snprintf(err, errlen, "%s: film \"%.80s\": genres must be strings", what, l->name);
                ev_genres_free(g); cJSON_Delete(root); return NULL;
            }
            if (!(l->genres[l->n_genres++] = strdup(genre->valuestring))) {
                ev_genres_free(g); cJSON_Delete(root); snprintf(err, errlen, "%s: out of memory", what); return NULL;
            }
        }
    }
    cJSON_Delete(root);
    return g;
}

ev_genres *ev_genres_load(const char *path, char *err, size_t errlen) {
    char *text = read_all(path, err, errlen);
    if (!text) return NULL;
    ev_genres *g = ev_genres_parse(text, path, err, errlen);
    free(text);
    return g;
}

/* ---- the two tests ------------------------------------------------------------- */

const char *const ev_film_test_metric[EV_FILM_NTESTS] = { "valence", "energy" };
const char *const ev_film_test_groups[EV_FILM_NTESTS][2] = {
    { "Comedy (not Horror/Thriller)", "Horror or Thriller (not Comedy)" },
    { "Action (not Drama)", "exactly Drama or Drama+Romance" },
};

const double ev_film_goal[EV_FILM_NTESTS] = { 0.85, 0.90 };

static int has_genre(const char *const *genres, int n, const char *name) {
    for (int i = 0; i < n; i++) if (!strcasecmp(genres[i], name)) return 1;
    return 0;
}

int ev_film_group(int test, const char *const *genres, int n) {
    if (test == EV_FILM_VALENCE) {
        int comedy = has_genre(genres, n, "Comedy");
        int dark = has_genre(genres, n, "Horror") || has_genre(genres, n, "Thriller");
        return comedy && !dark ? 1 : dark && !comedy ? -1 : 0;
    }
    if (test == EV_FILM_ENERGY) {
        int drama = has_genre(genres, n, "Drama");
        if (has_genre(genres, n, "Action") && !drama) return 1;
        int only_drama_romance = drama;   /* every genre is Drama or Romance */
        for (int i = 0; i < n; i++)
            if (strcasecmp(genres[i], "Drama") && strcasecmp(genres[i], "Romance")) only_drama_romance = 0;
        return only_drama_romance ? -1 : 0;
    }
    return 0;
}

/* ---- scoring the films ------------------------------------------------------------ */

ev_film_opts ev_film_default_opts(void) {
    ev_film_opts o = { NULL, NULL, 2, 0 };
    return o;
}

typedef struct {
    const ev_genres *g;
    const Model *const *models;
    int n_models;
    const ev_film_opts *o;
    ev_films *f;
    int (*metric_index)[EV_FILM_NTESTS];   /* [n_models]: output index per test */
    long *words, *known;                    /* per film, lexicon counts */
    pthread_mutex_t mu;
    int next;
} film_job;

static void score_film(film_job *J, int i, const bl_lexicon *lx) {
    ev_films *f = J->f;
    const ev_film_label *l = &J->g->films[i];
    size_t plen = strlen(J->o->scripts_dir) + strlen(l->name) + 8;
    char *path = malloc(plen);
    if (!path) { f->status[i] = 2; return; }
    snprintf(path, plen, "%s/%s.txt", J->o->scripts_dir, l->name);
    if (access(path, R_OK) != 0) { f->status[i] = 1; free(path); return; }
    size_t len = 0;
    char *text = scene_cli_read(path, &len);
    SceneOpts so = scene_default_opts();
    ScriptScenes *ss = text ? scene_cli_parse_text("moodspace eval", path, text, len, &so) : NULL;
    if (!ss) { f->status[i] = 2; free(text); free(path); return; }
    f->n_scenes[i] = ss->n_scenes;
    if (ss->n_scenes == 0) {
        fprintf(stderr, "moodspace eval: %s: no scenes, left out\n", path);
        f->status[i] = 2;
    }
    int warned = ss->warnings && ss->n_scenes > 0;
    for (int s = 0; s < J->n_models && f->status[i] == 0; s++) {
        /* exactly what `moodspace arc FILE --summary` reports as "overall" */
        ArcOpts ao = arc_default_opts();
        char err[256];
        MoodArc *a = arc_from_script(J->models[s], ss, &ao, err, sizeof err);
        if (!a) { fprintf(stderr, "moodspace eval: %s: %s\n", path, err); f->status[i] = 2; break; }
        for (int t = 0; t < EV_FILM_NTESTS; t++)
            f->score[((size_t)i * f->n_sources + s) * EV_FILM_NTESTS + t] = a->overall[J->metric_index[s][t]];
        arc_free(a);
    }
    if (lx && f->status[i] == 0) {
        double sum[3] = {0, 0, 0};
        long words = 0;   /* every word of the file (headings and cues too): the lexicon reads them all */
        long known = bl_lexicon_accumulate(lx, text, len, sum, &words);
        double *sc = &f->score[((size_t)i * f->n_sources + J->n_models) * EV_FILM_NTESTS];
        sc[EV_FILM_VALENCE] = known ? sum[0] / known : NAN;   /* mean valence */
        sc[EV_FILM_ENERGY] = known ? sum[1] / known : NAN;    /* mean arousal */
        J->words[i] = words; J->known[i] = known;
    }
    if (warned) { pthread_mutex_lock(&J->mu); f->n_warned++; pthread_mutex_unlock(&J->mu); }
    scene_free(ss);
    free(text);
    free(path);
}

typedef struct { film_job *J; bl_lexicon *lx; } film_worker;

static void *film_worker_run(void *arg) {
    film_worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->J->mu);
        int i = w->J->next++;
        pthread_mutex_unlock(&w->J->mu);
        if (i >= w->J->g->n) break;
        score_film(w->J, i, w->lx);
    }
    return NULL;
}

static double now_s(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

void ev_films_free(ev_films *f) {
    if (!f) return;
    free(f->status); free(f->group); free(f->n_scenes); free(f->score);
    free(f);
}

/* The result's tables for g's films and the sources (the models, then
 * the lexicon): scores NaN until scored, each film's group per test.
 * NULL when out of memory. */
static ev_films *films_alloc(const ev_genres *g, int n_models, const char *const *names, const ev_film_opts *o) {
    int N = g->n, S = n_models + (o->lexicon_path ? 1 : 0);
    ev_films *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->n_films = N; f->n_sources = S;
    f->status = calloc((size_t)N + 1, sizeof *f->status);
    f->group = calloc(((size_t)N + 1) * EV_FILM_NTESTS, sizeof *f->group);
    f->n_scenes = calloc((size_t)N + 1, sizeof *f->n_scenes);
    f->score = malloc(sizeof *f->score * ((size_t)N + 1) * (size_t)S * EV_FILM_NTESTS);
    if (!f->status || !f->group || !f->n_scenes || !f->score) { ev_films_free(f); return NULL; }
    for (size_t k = 0; k < (size_t)N * S * EV_FILM_NTESTS; k++) f->score[k] = NAN;
    for (int s = 0; s < n_models; s++) { snprintf(f->names[s], sizeof f->names[s], "%s", names[s]); }
    if (o->lexicon_path) {
        snprintf(f->names[n_models], sizeof f->names[n_models], "NRC-VAD word means (research-only baseline, not shippable)");
        f->is_lexicon[n_models] = 1;
    }
    for (int i = 0; i < N; i++)
        for (int t = 0; t < EV_FILM_NTESTS; t++)
            f->group[i * EV_FILM_NTESTS + t] = ev_film_group(t, (const char *const *)g->films[i].genres, g->films[i].n_genres);
    return f;
}

/* The films scored on `threads` threads (each with its own lexicon copy). */
static void run_film_workers(film_job *J, bl_lexicon **lex, int threads) {
    film_worker w[8];
    pthread_t th[8];
    int started[8] = {0};
    for (int t = 0; t < threads; t++) { w[t].J = J; w[t].lx = lex[t]; }
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&th[t], NULL, film_worker_run, &w[t]) == 0;
    film_worker_run(&w[0]);
    for (int t = 1; t < threads; t++) if (started[t]) pthread_join(th[t], NULL);
}

ev_films *ev_films_run(const ev_genres *g, const Model *const *models, const char *const *names,
                       int n_models, const ev_film_opts *o, char *err, size_t errlen) {
    if (!o || !o->scripts_dir) { snprintf(err, errlen, "no screenplay folder given (--scripts)"); return NULL; }
    if (n_models < 0 || n_models > EV_MAX_SOURCES - 1) { snprintf(err, errlen, "at most %d models", EV_MAX_SOURCES - 1); return NULL; }
    if (n_models == 0 && !o->lexicon_path) { snprintf(err, errlen, "nothing to score: no model and no lexicon"); return NULL; }
    struct stat st;
    if (stat(o->scripts_dir, &st) != 0 || !S_ISDIR(st.st_mode)) { snprintf(err, errlen, "%s: not a readable folder of screenplays", o->scripts_dir); return NULL; }
    int threads = o->threads < 1 ? 1 : o->threads > 8 ? 8 : o->threads;
    film_job J;
    memset(&J, 0, sizeof J);
    J.g = g; J.models = models; J.n_models = n_models; J.o = o;
    J.metric_index = calloc((size_t)(n_models ? n_models : 1), sizeof *J.metric_index);
    for (int s = 0; s < n_models && J.metric_index; s++)
        for (int t = 0; t < EV_FILM_NTESTS; t++)
            if ((J.metric_index[s][t] = model_output_index(models[s], ev_film_test_metric[t])) < 0) {
                snprintf(err, errlen, "%s: the model has no \"%s\" output", names[s], ev_film_test_metric[t]);
                free(J.metric_index);
                return NULL;
            }
    bl_lexicon *lex[8] = {0};
    if (o->lexicon_path)
        for (int t = 0; t < threads; t++)
            if (!(lex[t] = bl_lexicon_load(o->lexicon_path, err, errlen))) {
                for (int u = 0; u < t; u++) bl_lexicon_free(lex[u]);
                free(J.metric_index);
                return NULL;
            }
    int N = g->n;
    ev_films *f = films_alloc(g, n_models, names, o);
    J.words = calloc((size_t)N + 1, sizeof *J.words);
    J.known = calloc((size_t)N + 1, sizeof *J.known);
    if (!f || !J.metric_index || !J.words || !J.known) {
        ev_films_free(f); free(J.metric_index); free(J.words); free(J.known);
        for (int t = 0; t < threads; t++) bl_lexicon_free(lex[t]);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    J.f = f;
    pthread_mutex_init(&J.mu, NULL);
    double t0 = now_s();
    if (!o->quiet)
        fprintf(stderr, "moodspace eval: scoring %d labelled films from %s with %d model(s)%s, %d thread(s)...\n",
                N, o->scripts_dir, n_models, o->lexicon_path ? " and the lexicon" : "", threads);
    run_film_workers(&J, lex, threads);
    pthread_mutex_destroy(&J.mu);
    f->seconds = now_s() - t0;
    for (int i = 0; i < N; i++) {
        f->n_scored += f->status[i] == 0;
        f->n_missing += f->status[i] == 1;
        f->n_failed += f->status[i] == 2;
        f->lexicon_words += J.words[i];
        f->lexicon_known += J.known[i];
    }
    for (int t = 0; t < threads; t++) bl_lexicon_free(lex[t]);
    free(J.metric_index); free(J.words); free(J.known);
    if (f->n_scored == 0) {
        snprintf(err, errlen, "none of the %d labelled films could be scored (%d have no %s/NAME.txt)", N, f->n_missing, o->scripts_dir);
        ev_films_free(f);
        return NULL;
    }
    return f;
}

/* ---- AUC rows and output --------------------------------------------------------- */

int ev_film_rows(const ev_films *f, ev_film_row *rows, int max) {
    int n = 0;
    double *pos = malloc(sizeof *pos * ((size_t)f->n_films + 1)), *neg = malloc(sizeof *neg * ((size_t)f->n_films + 1));
    for (int s = 0; s < f->n_sources && n < max && pos && neg; s++) {
        ev_film_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        snprintf(r->name, sizeof r->name, "%s", f->names[s]);
        r->is_lexicon = f->is_lexicon[s];
        for (int t = 0; t < EV_FILM_NTESTS; t++) {
            int np = 0, nn = 0;
            for (int i = 0; i < f->n_films; i++) {
                double v = f->score[((size_t)i * f->n_sources + s) * EV_FILM_NTESTS + t];
                int grp = f->group[i * EV_FILM_NTESTS + t];
                if (f->status[i] != 0 || isnan(v) || grp == 0) continue;
                if (grp > 0) pos[np++] = v; else neg[nn++] = v;
            }
            r->auc[t] = ev_auc(pos, np, neg, nn);
            r->n_pos[t] = np; r->n_neg[t] = nn;
        }
    }
    free(pos); free(neg);
    return n;
}

static void print_auc(FILE *out, double v) {
    if (isnan(v)) fprintf(out, " — |");
    else fprintf(out, " %.3f |", v);
}

void ev_print_film_markdown(FILE *out, const ev_films *f, const ev_film_row *rows, int n, const char *command) {
    fprintf(out, "\n**Film-level AUC on genre labels** (%d labelled films: %d scored", f->n_films, f->n_scored);
    if (f->n_missing) fprintf(out, ", %d without a script", f->n_missing);
    if (f->n_failed) fprintf(out, ", %d failed to parse", f->n_failed);
    fprintf(out, ")\n\n| scored by | valence AUC | energy AUC |\n|---|---:|---:|\n");
    for (int i = 0; i < n; i++) {
        fprintf(out, "| %s |", rows[i].name);
        for (int t = 0; t < EV_FILM_NTESTS; t++) print_auc(out, rows[i].auc[t]);
        fprintf(out, "\n");
    }
    fprintf(out, "\n");
    for (int t = 0; t < EV_FILM_NTESTS && n > 0; t++) {
        fprintf(out, "- %s AUC: %s (%d films) > %s (%d films)", ev_film_test_metric[t], ev_film_test_groups[t][0],
                rows[0].n_pos[t], ev_film_test_groups[t][1], rows[0].n_neg[t]);
        for (int i = 1; i < n; i++)
            if (rows[i].n_pos[t] != rows[0].n_pos[t] || rows[i].n_neg[t] != rows[0].n_neg[t])
                fprintf(out, "; %s: %d > %d films", rows[i].name, rows[i].n_pos[t], rows[i].n_neg[t]);
        fprintf(out, ".\n");
    }
    fprintf(out, "- AUC: the chance that a random film of the first group scores higher than a random film of the second; ties count half; 0.5 is chance. Goal for the shipped model: valence ≥ %.2f, energy ≥ %.2f.\n",
            ev_film_goal[EV_FILM_VALENCE], ev_film_goal[EV_FILM_ENERGY]);
    fprintf(out, "- A model's film score is the film's overall mood as `moodspace arc FILE --summary` gives it (scene predictions, by the network's script head when it has two; word-weighted mean). ");
    fprintf(out, "The lexicon's is the mean valence (for valence) and mean arousal (for energy) of the script file's words (all of them: headings and cues too) found in NRC-VAD");
    if (f->lexicon_words) fprintf(out, " (%.0f%% of %ld words)", 100.0 * f->lexicon_known / f->lexicon_words, f->lexicon_words);
    fprintf(out, "; its licence forbids shipping it: a yardstick only.\n");
    if (command) fprintf(out, "- Reproduce: `%s`\n", command);
}

cJSON *ev_films_json(const ev_films *f, const ev_genres *g, const ev_film_row *rows, int n, int per_film) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "films", f->n_films);
    cJSON_AddNumberToObject(o, "scored", f->n_scored);
    cJSON_AddNumberToObject(o, "missing_script", f->n_missing);
    cJSON_AddNumberToObject(o, "failed", f->n_failed);
    cJSON_AddNumberToObject(o, "with_parse_warnings", f->n_warned);
    cJSON_AddNumberToObject(o, "seconds", round(f->seconds * 10) / 10);
    cJSON *tests = cJSON_AddArrayToObject(o, "tests");
    for (int t = 0; t < EV_FILM_NTESTS; t++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "metric", ev_film_test_metric[t]);
        cJSON_AddStringToObject(x, "first", ev_film_test_groups[t][0]);
        cJSON_AddStringToObject(x, "second", ev_film_test_groups[t][1]);
        cJSON_AddNumberToObject(x, "n_first", n > 0 ? rows[0].n_pos[t] : 0);
        cJSON_AddNumberToObject(x, "n_second", n > 0 ? rows[0].n_neg[t] : 0);
        cJSON_AddItemToArray(tests, x);
    }
    cJSON *arr = cJSON_AddArrayToObject(o, "rows");
    for (int i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", rows[i].name);
        cJSON_AddBoolToObject(x, "lexicon", rows[i].is_lexicon);
        for (int t = 0; t < EV_FILM_NTESTS; t++) {
            char key[32];
            snprintf(key, sizeof key, "%s_auc", ev_film_test_metric[t]);
            if (isnan(rows[i].auc[t])) cJSON_AddNullToObject(x, key);
            else cJSON_AddNumberToObject(x, key, round(rows[i].auc[t] * 1e4) / 1e4);
        }
        cJSON_AddItemToArray(arr, x);
    }
    if (per_film && g) {
        cJSON *pf = cJSON_AddArrayToObject(o, "per_film");
        for (int i = 0; i < f->n_films; i++) {
            if (f->status[i] != 0) continue;
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "name", g->films[i].name);
            cJSON_AddItemToObject(x, "genres", cJSON_CreateStringArray((const char *const *)g->films[i].genres, g->films[i].n_genres));
            cJSON_AddNumberToObject(x, "valence_group", f->group[i * EV_FILM_NTESTS + EV_FILM_VALENCE]);
            cJSON_AddNumberToObject(x, "energy_group", f->group[i * EV_FILM_NTESTS + EV_FILM_ENERGY]);
            cJSON_AddNumberToObject(x, "scenes", f->n_scenes[i]);
            cJSON *sc = cJSON_AddObjectToObject(x, "scores");
            for (int s = 0; s < f->n_sources; s++) {
                const double *v = &f->score[((size_t)i * f->n_sources + s) * EV_FILM_NTESTS];
                double pair[2] = { round(v[0] * 1e4) / 1e4, round(v[1] * 1e4) / 1e4 };
                cJSON_AddItemToObject(sc, f->names[s], cJSON_CreateDoubleArray(pair, 2));
            }
            cJSON_AddItemToArray(pf, x);
        }
    }
    return o;
}
