/* cmd_catalog.c — `moodspace catalog`: the film catalog shipped in the page.
 *
 *   moodspace catalog --dir DIR --out weights/catalog.json [--model M]
 *                     [--min-scenes 10] [--jobs 2] [--segments 4]
 *                     [--heading-chars 20] [--limit N]
 *   moodspace catalog --dir DIR --scenes-only [--list]   parse only (timing, counts)
 *
 * Reads every .txt / .fountain / .spmd / .srt / .vtt file in DIR (not
 * recursive), splits it into scenes (scene.h), predicts each scene's mood
 * with the model (arc.h) and writes one JSON file WITHOUT any script text:
 *
 *   {"version": 4,                     (CATALOG_FORMAT_VERSION; 3 added "calibration" and
 *                                       "model.net_fnv1a", 4 made the reference whole
 *                                       soundtracks; the page refuses older ones)
 *    "metrics": ["energy", ...],        model outputs, in this order
 *    "mean": [...], "std": [...],       the model's target mean and std
 *    "zunit": 0.1,                      per-scene values are z-scores in these units:
 *                                       value = mean + std * (int * zunit)
 *    "wunit": 10,                       scene lengths are in units of 10 words
 *    "model": {"net_fnv1a": "..."},     the network the scenes were predicted with: its
 *                                       bytes alone (weights_file.h), not the whole file,
 *                                       whose meta `moodspace calibrate --catalog` rewrites
 *                                       afterwards; calibrate checks it
 *    "calibration": {"scenes": {...}, "segments": {...}, "reference": {...}},
 *                                       quantile tables of single scenes and of
 *                                       segments per segment count (wasm/calib.h),
 *                                       from every film's per-scene predictions,
 *                                       word-weighted; the reference soundtracks
 *    "segments": 4,
 *    "films": [{
 *      "id": "12-Monkeys",              file name without extension
 *      "title": "12 Monkeys",           film_title.h: as commonly written, from the
 *                                       title page, else the file name
 *      "year": 1994,                    when found before the first scene (else absent)
 *      "n": 174,                        scenes
 *      "overall": [0.61, ...],          word-weighted mean mood in the model's
 *                                       units, 3 significant digits
 *      "acts": [0, 40, 95, 140],        first scene of each of `segments` acts
 *                                       (mood change points, arc.h)
 *      "locs": ["CONCOURSE/AIRPORT TERMINAL", ...],  distinct scene locations
 *                                       (heading without INT/EXT and time of
 *                                       day; the heading when there is none),
 *                                       cleaned and cut to heading-chars bytes
 *                                       on a word boundary (loc_label.h; "" when
 *                                       no place is named)
 *      "l": [0, 1, 1, 2, ...],          each scene's index into locs
 *      "w": [18, 19, ...],              scene lengths (words / wunit, rounded, >= 0)
 *      "m": [z, z, z, z, z, z, z, ...]  n * metrics ints, scene after scene
 *    }, ...]}
 *
 * Films with fewer than --min-scenes scenes are skipped (and counted); the
 * summary on stderr gives films, the scenes-per-film distribution, skipped
 * files by reason, and the time taken.
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "arc.h"
#include "calib.h"
#include "err.h"
#include "film_title.h"
#include "loc_label.h"
#include "model.h"
#include "scene.h"
#include "scene_cli.h"
#include "tool_opts.h"
#include "soundtrack.h"
#include "utf8.h"
#include "weights_file.h"

typedef struct {
    char *path, *name;        /* full path, file name */
    /* results */
    int ok;                   /* 1 film kept, 0 skipped */
    char reason[160];
    char *title;
    int year, n;
    char **headings;          /* [n] */
    int *words;               /* [n] */
    float *mood;              /* [n][no] */
    float overall[ARC_MAX_METRICS];
    int acts[ARC_MAX_SEGMENTS], n_acts;
    int headings_found;
    double seconds;
} Film;

typedef struct {
    Film *films;
    int n_films;
    int next;
    pthread_mutex_t mu;
    const Model *model;
    int min_scenes, segments, heading_chars;
} Job;

static int has_ext(const char *name, const char *ext) {
    size_t a = strlen(name), b = strlen(ext);
    if (a <= b + 1 || name[a - b - 1] != '.') return 0;
    for (size_t i = 0; i < b; i++) {
        char c = name[a - b + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != ext[i]) return 0;
    }
    return 1;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void process(Job *J, Film *f) {
    double t0 = now_s();
    size_t len = 0;
    char *text = scene_cli_read(f->path, &len);
    if (!text) { snprintf(f->reason, sizeof f->reason, "unreadable"); return; }
    SceneOpts so = scene_default_opts();
    so.filename = f->name;
    char err[256];
    ScriptScenes *ss = scene_parse(text, len, &so, err, sizeof err);
    free(text);
    if (!ss) {
        ms_seterr(f->reason, sizeof f->reason, "rejected: %s", err);
        return;
    }
    f->n = ss->n_scenes;
    f->headings_found = ss->n_headings;
    if (ss->n_scenes < J->min_scenes) {
        snprintf(f->reason, sizeof f->reason, "fewer than %d scenes", J->min_scenes);
        scene_free(ss);
        f->seconds = now_s() - t0;
        return;
    }
    ArcOpts ao = arc_default_opts();
    ao.n_segments = J->segments;
    MoodArc *a = arc_from_script(J->model, ss, &ao, err, sizeof err);
    if (!a) { ms_seterr(f->reason, sizeof f->reason, "arc failed: %s", err); scene_free(ss); return; }
    int no = a->n_metrics;
    f->title = film_title(f->name, ss->title);
    f->year = ss->year;
    f->headings = calloc((size_t)f->n, sizeof(char *));
    f->words = calloc((size_t)f->n, sizeof(int));
    f->mood = malloc(sizeof(float) * (size_t)f->n * (size_t)no);
    if (!f->title || !f->headings || !f->words || !f->mood) { snprintf(f->reason, sizeof f->reason, "out of memory"); }
    else {
        for (int i = 0; i < f->n; i++) {
            const Scene *sc = &ss->scenes[i];
            f->headings[i] = loc_label(sc->location[0] ? sc->location : sc->heading, (size_t)J->heading_chars);
            f->words[i] = ss->scenes[i].words;
        }
        memcpy(f->mood, a->raw, sizeof(float) * (size_t)f->n * (size_t)no);
        memcpy(f->overall, a->overall, sizeof(float) * (size_t)no);
        f->n_acts = a->n_segments;
        for (int g = 0; g < a->n_segments; g++) f->acts[g] = a->segments[g].first;
        f->ok = 1;
    }
    arc_free(a);
    scene_free(ss);
    f->seconds = now_s() - t0;
}

static void *worker(void *arg) {
    Job *J = arg;
    for (;;) {
        pthread_mutex_lock(&J->mu);
        int i = J->next++;
        pthread_mutex_unlock(&J->mu);
        if (i >= J->n_films) break;
        process(J, &J->films[i]);
    }
    return NULL;
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(((const Film *)a)->name, ((const Film *)b)->name);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static double sig(double x, int digits) {
    if (!isfinite(x) || x == 0) return 0;
    double mag = pow(10, digits - 1 - floor(log10(fabs(x))));
    return round(x * mag) / mag;
}

/* --scenes-only: parse every file in one thread, no model; time it, count
 * scenes, and with --list print {"file","format","scenes","headings",
 * "lines","action_words","dialogue_words","ms"} per file on stdout (for checking the parser on real data,
 * e.g. under build/moodspace-asan). */
static int scenes_only(const char *dir, int min_scenes, int list) {
    DIR *d = opendir(dir);
    if (!d) { perror(dir); return 1; }
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) { cap = cap ? 2 * cap : 256; char **nn = realloc(names, sizeof(char *) * (size_t)cap); if (!nn) break; names = nn; }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    int ok = 0, rejected = 0, unreadable = 0, enough = 0, zero = 0;
    long total_scenes = 0;
    double t_read = 0, t_parse = 0, worst = 0;
    const char *worst_name = "";
    size_t bytes = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) || !S_ISREG(st.st_mode)) continue;
        double t0 = now_s();
        size_t len = 0;
        char *text = scene_cli_read(path, &len);
        double t1 = now_s();
        t_read += t1 - t0;
        if (!text) { unreadable++; continue; }
        bytes += len;
        SceneOpts so = scene_default_opts();
        so.filename = names[i];
        char err[256];
        ScriptScenes *ss = scene_parse(text, len, &so, err, sizeof err);
        double dt = now_s() - t1;
        t_parse += dt;
        if (dt > worst) { worst = dt; worst_name = names[i]; }
        free(text);
        if (!ss) {
            rejected++;
            fprintf(stderr, "catalog: %s: %s\n", names[i], err);
            if (list) printf("{\"file\":\"%s\",\"error\":true}\n", names[i]);
            continue;
        }
        ok++;
        total_scenes += ss->n_scenes;
        if (ss->n_scenes >= min_scenes) enough++;
        if (!ss->n_scenes) zero++;
        if (list) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "file", names[i]);
            cJSON_AddStringToObject(j, "format", scene_format_name(ss->format));
            cJSON_AddNumberToObject(j, "scenes", ss->n_scenes);
            cJSON_AddNumberToObject(j, "headings", ss->n_headings);
            cJSON_AddNumberToObject(j, "lines", ss->n_lines);
            long aw = 0, dw = 0;
            for (int q = 0; q < ss->n_scenes; q++) { aw += ss->scenes[q].action_words; dw += ss->scenes[q].dialogue_words; }
            cJSON_AddNumberToObject(j, "action_words", (double)aw);
            cJSON_AddNumberToObject(j, "dialogue_words", (double)dw);
            cJSON_AddNumberToObject(j, "ms", round(dt * 1e4) / 10);
            char *js = cJSON_PrintUnformatted(j);
            if (js) puts(js);
            free(js);
            cJSON_Delete(j);
        }
        scene_free(ss);
    }
    fprintf(stderr, "catalog --scenes-only: %d files parsed (%zu bytes), %d rejected, %d unreadable; "
            "%ld scenes; %d files with %d+ scenes, %d with none\n",
            ok, bytes, rejected, unreadable, total_scenes, enough, min_scenes, zero);
    fprintf(stderr, "catalog --scenes-only: parse %.2f s (%.1f MB/s), read %.2f s; slowest %s %.3f s\n",
            t_parse, t_parse > 0 ? bytes / 1e6 / t_parse : 0, t_read, worst_name, worst);
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return 0;
}

/* The catalog's integer encodings (top of this file): a scene's mood in
 * zunit standard deviations of the model's targets, its length in wunit
 * words. The calibration below decodes exactly these, as the page does. */
static double mood_units(const Model *m, int k, float mood, double zunit) {
    return round((mood - m->target_mean[k]) / m->target_std[k] / zunit);
}

static double word_units(int words, double wunit) { return round(words / wunit); }

/* The reference soundtracks (calib.h): for each size in
 * CALIB_REF_SEGMENTS, an even share of the rows from films cut into that
 * many segments, a fixed stride through the films. ref_start[f][b]: film
 * f's first row in seg when cut into CALIB_REF_SEGMENTS[b], or -1. A
 * calloc'd Calib holding g as its segments domain (NULL: out of memory). */
static Calib *reference_soundtracks(const CalibDomain *g, const int *ref_start, int kept, const float *seg, int no) {
    static const int ref_sizes[] = CALIB_REF_SEGMENTS;
    enum { N_REF_SIZES = sizeof ref_sizes / sizeof ref_sizes[0] };
    Calib *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->segments = *g;
    for (int b = 0; b < N_REF_SIZES; b++) {
        int size = ref_sizes[b], max_films = CALIB_MAX_REF / N_REF_SIZES / size, with_cut = 0, taken = 0;
        for (int f = 0; f < kept; f++) with_cut += ref_start[(size_t)f * N_REF_SIZES + b] >= 0;
        double stride = with_cut > max_films ? (double)with_cut / max_films : 1;
        for (int f = 0, seen = 0; f < kept && taken < max_films; f++) {
            int at = ref_start[(size_t)f * N_REF_SIZES + b];
            if (at < 0) continue;
            if (seen++ != (int)(taken * stride)) continue;
            for (int s = at; s < at + size; s++, c->n_ref++)
                for (int j = 0; j < no; j++) c->ref[c->n_ref][j] = (float)calib_domain_pct(g, j, size, seg[(size_t)s * no + j]);
            taken++;
        }
        c->ref_block_size[c->n_ref_blocks] = size;
        c->ref_block_films[c->n_ref_blocks++] = taken;
    }
    return c;
}

/* The calibration tables (calib.h) from every kept film's per-scene
 * predictions as the page decodes them: moods rounded to zunit standard
 * deviations (value = mean + std * round(z / zunit) * zunit) and weights
 * max(1, round(words / wunit) * wunit). Decoded, not raw, so that catalog
 * films sit exactly where their calibration says: liveness, for one, barely
 * moves between scenes and rounds to a few values, and a reference built
 * from the raw values would price songs for liveness the page never sees.
 * root.calibration.scenes (single scenes) and
 * .segments (each film cut by the segmenter, arc.h with the model's std as
 * scale as soundtrack.h does, into K segments for every K level). */
static int add_calibration(cJSON *root, const Film *films, int nf, const Model *m, double zunit, double wunit) {
    int no = m->n_outputs, kept = 0;
    size_t rows = 0;
    for (int i = 0; i < nf; i++) if (films[i].ok) { kept++; rows += (size_t)films[i].n; }
    if (!kept) return 0;
    int lv[CALIB_MAX_LEVELS], nl = calib_segment_levels(lv), ksum = 0;
    for (int q = 0; q < nl; q++) ksum += lv[q];
    float *v = malloc(rows * (size_t)no * sizeof *v), *w = malloc(rows * sizeof *w);
    int *counts = malloc((size_t)kept * sizeof *counts);
    float *seg = malloc((size_t)kept * ksum * no * sizeof *seg);
    int *grp = malloc((size_t)kept * ksum * sizeof *grp);
    static const int ref_sizes[] = CALIB_REF_SEGMENTS;
    enum { N_REF_SIZES = sizeof ref_sizes / sizeof ref_sizes[0] };
    int *ref_start = malloc((size_t)kept * N_REF_SIZES * sizeof *ref_start);   /* film k's cut into ref_sizes[b]: [k][b], or -1 */
    CalibDomain *d = malloc(sizeof *d), *g = malloc(sizeof *g);
    int rc = -1, k = 0, ns = 0;
    size_t r = 0;
    char err[200];
    if (!v || !w || !counts || !seg || !grp || !ref_start || !d || !g) goto done;
    for (int i = 0; i < nf; i++) {
        const Film *f = &films[i];
        if (!f->ok) continue;
        for (int b = 0; b < N_REF_SIZES; b++) ref_start[(size_t)k * N_REF_SIZES + b] = -1;
        counts[k++] = f->n;
        for (size_t q = 0; q < (size_t)f->n * (size_t)no; q++) {
            int col = (int)(q % (size_t)no);
            double z = mood_units(m, col, f->mood[q], zunit);
            v[r * (size_t)no + q] = (float)((double)m->target_mean[col] + (double)m->target_std[col] * z * zunit);
        }
        for (int s = 0; s < f->n; s++) {
            double wd = word_units(f->words[s], wunit) * wunit;
            w[r + (size_t)s] = (float)(wd > 1 ? wd : 1);
        }
        for (int q = 0; q < nl; q++) {
            ArcOpts ao = arc_default_opts();
            ao.n_segments = lv[q];
            MoodArc *a = arc_build(v + r * (size_t)no, w + r, f->n, no, (const char *const *)m->output_names,
                                   m->target_std, &ao, err, sizeof err);
            if (!a) { fprintf(stderr, "moodspace catalog: %s\n", err); goto done; }
            for (int b = 0; b < N_REF_SIZES; b++)
                if (lv[q] == ref_sizes[b] && a->n_segments == ref_sizes[b]) ref_start[(size_t)(k - 1) * N_REF_SIZES + b] = ns;
            for (int s = 0; s < a->n_segments; s++, ns++) {
                memcpy(seg + (size_t)ns * no, a->segments[s].mean, (size_t)no * sizeof *seg);
                grp[ns] = q;
            }
            arc_free(a);
        }
        r += (size_t)f->n;
    }
    int one[] = {1};
    if (calib_build(d, no, (const char *const *)m->output_names, v, w, counts, kept, one, 1, err, sizeof err) ||
        calib_build_groups(g, no, (const char *const *)m->output_names, seg, grp, ns, lv, nl, err, sizeof err)) {
        fprintf(stderr, "moodspace catalog: %s\n", err);
        goto done;
    }
    Calib *c = reference_soundtracks(g, ref_start, kept, seg, no);
    if (!c) goto done;
    cJSON *cal = cJSON_AddObjectToObject(root, "calibration");
    cJSON_AddItemToObject(cal, "scenes", calib_domain_to_cjson(d));
    cJSON_AddItemToObject(cal, "segments", calib_domain_to_cjson(g));
    cJSON_AddItemToObject(cal, "reference", calib_ref_to_cjson(c));
    free(c);
    rc = 0;
done:
    free(v); free(w); free(counts); free(seg); free(grp); free(ref_start); free(d); free(g);
    return rc;
}

static void catalog_help(FILE *f) {
    fprintf(f, "usage: moodspace catalog --dir DIR --out FILE [--model M] [--min-scenes 10] [--jobs 2]\n"
               "                         [--segments 4] [--heading-chars 20] [--limit N]\n"
               "       moodspace catalog --dir DIR --scenes-only [--list] [--min-scenes 10]\n"
               "(parse every file, no model, no output file: timing and counts; --list: one JSON line per file)\n");
}

/* The model and the fingerprint of its network (NULL after a message). */
static Model *load_catalog_model(const char *model_path, uint32_t *net_fnv) {
    char mpath[4096], err[512];
    if (model_path) snprintf(mpath, sizeof mpath, "%s", model_path);
    else if (model_default_path(mpath, sizeof mpath)) { tool_fail("catalog", "model path too long"); return NULL; }
    size_t mlen = 0;
    char *mbytes = scene_cli_read(mpath, &mlen);
    if (!mbytes) return NULL;
    Model *m = model_load_bytes(mbytes, mlen, err, sizeof err);
    *net_fnv = weights_file_net_fnv((const unsigned char *)mbytes, mlen);
    free(mbytes);
    if (!m) { tool_fail("catalog", "%s: %s", mpath, err); return NULL; }
    if (m->n_outputs > ARC_MAX_METRICS) { tool_fail("catalog", "too many model outputs"); model_free(m); return NULL; }
    return m;
}

/* The script files of dir, sorted by name, into *films (n in *nf); others
 * are named on stderr and counted in *skipped_ext. 0, or 1 after a message. */
static int list_films(const char *dir, Film **films_out, int *nf_out, int *skipped_ext) {
    DIR *d = opendir(dir);
    if (!d) { perror(dir); return 1; }
    Film *films = NULL;
    int nf = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) || !S_ISREG(st.st_mode)) continue;
        if (!(has_ext(e->d_name, "txt") || has_ext(e->d_name, "fountain") || has_ext(e->d_name, "spmd") ||
              has_ext(e->d_name, "srt") || has_ext(e->d_name, "vtt"))) {
            fprintf(stderr, "moodspace catalog: skipped %s (not .txt/.fountain/.srt/.vtt)\n", e->d_name);
            (*skipped_ext)++;
            continue;
        }
        if (nf == cap) {
            cap = cap ? cap * 2 : 256;
            Film *nfl = realloc(films, sizeof(Film) * (size_t)cap);
            if (!nfl) { fprintf(stderr, "out of memory\n"); closedir(d); free(films); return 1; }
            films = nfl;
        }
        memset(&films[nf], 0, sizeof(Film));
        films[nf].path = strdup(path);
        films[nf].name = strdup(e->d_name);
        nf++;
    }
    closedir(d);
    if (nf) qsort(films, (size_t)nf, sizeof(Film), cmp_name);
    *films_out = films;
    *nf_out = nf;
    return 0;
}

/* Parse and predict every film, on `jobs` threads. */
static void run_jobs(Job *J, int jobs) {
    pthread_t th[16];
    int started = 0;
    for (int t = 1; t < jobs; t++) if (pthread_create(&th[t], NULL, worker, J) == 0) started |= 1 << t;
    worker(J);
    for (int t = 1; t < jobs; t++) if (started & (1 << t)) pthread_join(th[t], NULL);
}

/* The same film twice (two drafts): keep the one with more scenes. */
static void drop_other_drafts(Film *films, int nf) {
    for (int i = 0; i < nf; i++) {
        if (!films[i].ok) continue;
        for (int j = 0; j < nf; j++) {
            if (j == i || !films[j].ok || strcasecmp(films[i].title, films[j].title)) continue;
            if (films[j].n > films[i].n || (films[j].n == films[i].n && j < i)) {
                films[i].ok = 0;
                snprintf(films[i].reason, sizeof films[i].reason, "another draft of the same title has more scenes");
                break;
            }
        }
    }
}

/* The catalog's fields before "calibration": version, metrics, units, model. */
static cJSON *catalog_header(const Model *m, uint32_t net_fnv, double zunit, double wunit) {
    int no = m->n_outputs;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "version", CATALOG_FORMAT_VERSION);
    cJSON *names = cJSON_AddArrayToObject(root, "metrics");
    cJSON *jmean = cJSON_AddArrayToObject(root, "mean");
    cJSON *jstd = cJSON_AddArrayToObject(root, "std");
    for (int k = 0; k < no; k++) {
        cJSON_AddItemToArray(names, cJSON_CreateString(m->output_names[k]));
        cJSON_AddItemToArray(jmean, cJSON_CreateNumber(m->target_mean[k]));
        cJSON_AddItemToArray(jstd, cJSON_CreateNumber(m->target_std[k]));
    }
    cJSON_AddNumberToObject(root, "zunit", zunit);
    cJSON_AddNumberToObject(root, "wunit", wunit);
    cJSON *mo = cJSON_AddObjectToObject(root, "model");
    char hex[16];
    snprintf(hex, sizeof hex, "%08x", net_fnv);
    cJSON_AddStringToObject(mo, "net_fnv1a", hex);
    return root;
}

/* One film's entry of "films" (the format at the top). */
static cJSON *film_json(const Film *f, const Model *m, double zunit, double wunit) {
    int no = m->n_outputs;
    cJSON *o = cJSON_CreateObject();
    char id[512];
    snprintf(id, sizeof id, "%.*s", (int)utf8_cut(f->name, strlen(f->name), sizeof id - 1), f->name);
    char *dot = strrchr(id, '.');
    if (dot) *dot = 0;
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "title", f->title);
    if (f->year) cJSON_AddNumberToObject(o, "year", f->year);
    cJSON_AddNumberToObject(o, "n", f->n);
    cJSON *ov = cJSON_AddArrayToObject(o, "overall");
    for (int k = 0; k < no; k++) cJSON_AddItemToArray(ov, cJSON_CreateNumber(sig(f->overall[k], 3)));
    cJSON *acts = cJSON_AddArrayToObject(o, "acts");
    for (int g = 0; g < f->n_acts; g++) cJSON_AddItemToArray(acts, cJSON_CreateNumber(f->acts[g]));
    cJSON *locs = cJSON_AddArrayToObject(o, "locs");
    cJSON *l = cJSON_AddArrayToObject(o, "l");
    cJSON *w = cJSON_AddArrayToObject(o, "w");
    cJSON *mm = cJSON_AddArrayToObject(o, "m");
    int *idx = malloc(sizeof(int) * (size_t)f->n);
    int n_locs = 0;
    for (int s = 0; s < f->n; s++) {
        const char *hs = f->headings[s] ? f->headings[s] : "";
        int found = -1;
        for (int q = s - 1; q >= 0 && found < 0; q--)   /* distinct locations, first seen order */
            if (!strcmp(f->headings[q] ? f->headings[q] : "", hs)) found = idx ? idx[q] : 0;
        if (found < 0) { found = n_locs++; cJSON_AddItemToArray(locs, cJSON_CreateString(hs)); }
        if (idx) idx[s] = found;
        cJSON_AddItemToArray(l, cJSON_CreateNumber(found));
        cJSON_AddItemToArray(w, cJSON_CreateNumber(word_units(f->words[s], wunit)));
        for (int k = 0; k < no; k++) cJSON_AddItemToArray(mm, cJSON_CreateNumber(mood_units(m, k, f->mood[(size_t)s * no + k], zunit)));
    }
    free(idx);
    return o;
}

/* What the summary reports about the films written. */
typedef struct {
    int kept, ten, total_scenes;
    int *counts;              /* scenes of each film kept */
    double slowest;
    const char *slowest_name;
} CatalogStats;

/* The kept films into arr, counted in *s. */
static void add_films(cJSON *arr, const Film *films, int nf, const Model *m, double zunit, double wunit,
                      CatalogStats *s) {
    for (int i = 0; i < nf; i++) {
        const Film *f = &films[i];
        if (f->seconds > s->slowest) { s->slowest = f->seconds; s->slowest_name = f->name; }
        if (!f->ok) continue;
        cJSON_AddItemToArray(arr, film_json(f, m, zunit, wunit));
        s->counts[s->kept++] = f->n;
        s->total_scenes += f->n;
        if (f->n >= 10) s->ten++;
    }
}

/* json (raw bytes) and a newline into out, through out.tmp. 0, or 1 after a message. */
static int write_catalog(const char *out, const char *json, size_t raw) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *fo = fopen(tmp, "wb");
    if (!fo || fwrite(json, 1, raw, fo) != raw || fputc('\n', fo) == EOF || fclose(fo)) { perror(out); return 1; }
    if (rename(tmp, out)) { perror(out); return 1; }
    return 0;
}

/* The skipped files, grouped by reason, a few names each. */
static void print_skipped(const Film *films, int nf, int skipped_ext) {
    int n_skip = 0;
    for (int i = 0; i < nf; i++) if (!films[i].ok) n_skip++;
    fprintf(stderr, "catalog: %d files skipped (+%d not screenplay files)\n", n_skip, skipped_ext);
    for (int i = 0; i < nf; i++) {
        if (films[i].ok || !films[i].reason[0]) continue;
        int first = 1;
        for (int j = 0; j < i; j++) if (!films[j].ok && !strcmp(films[j].reason, films[i].reason)) { first = 0; break; }
        if (!first) continue;
        int cnt = 0;
        for (int j = i; j < nf; j++) if (!films[j].ok && !strcmp(films[j].reason, films[i].reason)) cnt++;
        fprintf(stderr, "catalog:   %4d  %s, e.g.", cnt, films[i].reason);
        int shown = 0;
        for (int j = i; j < nf && shown < 4; j++)
            if (!films[j].ok && !strcmp(films[j].reason, films[i].reason)) { fprintf(stderr, " %s (%d)", films[j].name, films[j].n); shown++; }
        fprintf(stderr, "\n");
    }
}

/* The summary on stderr: films written, scenes per film, skipped files. */
static void print_summary(int nf, const char *out, size_t raw, CatalogStats *s, const Film *films, int skipped_ext) {
    fprintf(stderr, "catalog: %d files read, %d films written to %s (%zu bytes), %d films with 10+ scenes\n",
            nf, s->kept, out, raw, s->ten);
    if (s->kept) {
        int kept = s->kept, *counts = s->counts;
        qsort(counts, (size_t)kept, sizeof(int), cmp_int);
        fprintf(stderr, "catalog: scenes per film: min %d, p10 %d, median %d, p90 %d, max %d; %d scenes in all\n",
                counts[0], counts[kept / 10], counts[kept / 2], counts[kept * 9 / 10], counts[kept - 1], s->total_scenes);
    }
    print_skipped(films, nf, skipped_ext);
}

static void free_films(Film *films, int n) {
    for (int i = 0; i < n; i++) {
        Film *f = &films[i];
        for (int s = 0; f->headings && s < f->n; s++) free(f->headings[s]);
        free(f->headings); free(f->words); free(f->mood); free(f->title); free(f->path); free(f->name);
    }
    free(films);
}

/* Steps: options, the model, the files, parse + predict (threads), one
 * draft per title, the JSON (header, calibration, films), the file, the
 * summary. */
int cmd_catalog(int argc, char **argv) {
    const char *dir = NULL, *out = NULL, *model_path = NULL;
    int min_scenes = 10, jobs = 2, segments = 4, heading_chars = 20, limit = 0, scenes_only_flag = 0, list = 0;
    const ToolOpt opts[] = {
        {"--scenes-only", OPT_FLAG, &scenes_only_flag}, {"--list", OPT_FLAG, &list},
        {"--dir", OPT_STR, &dir}, {"--out", OPT_STR, &out}, {"--model", OPT_STR, &model_path},
        {"--min-scenes", OPT_INT, &min_scenes}, {"--jobs", OPT_INT, &jobs}, {"--segments", OPT_INT, &segments},
        {"--heading-chars", OPT_INT, &heading_chars}, {"--limit", OPT_INT, &limit}, {NULL, 0, NULL}};
    int st = tool_parse("catalog", argc, argv, opts, NULL, catalog_help);
    if (st >= 0) return st;
    if (dir && scenes_only_flag) return scenes_only(dir, min_scenes < 1 ? 1 : min_scenes, list);
    if (!dir || !out) return tool_usage_error("catalog", "needs --dir DIR --out FILE (--help)");
    if (jobs < 1) jobs = 1;
    if (jobs > 16) jobs = 16;
    if (min_scenes < 1) min_scenes = 1;
    if (segments < 1 || segments > ARC_MAX_SEGMENTS) return tool_usage_error("catalog", "--segments must be 1..%d", ARC_MAX_SEGMENTS);
    if (heading_chars < 8) heading_chars = 8;
    double t0 = now_s();

    uint32_t net_fnv = 0;
    Model *m = load_catalog_model(model_path, &net_fnv);
    if (!m) return 1;
    Film *films = NULL;
    int nf = 0, skipped_ext = 0;
    if (list_films(dir, &films, &nf, &skipped_ext)) { model_free(m); return 1; }
    int n_all = nf;
    if (limit > 0 && limit < nf) nf = limit;

    Job J = {films, nf, 0, PTHREAD_MUTEX_INITIALIZER, m, min_scenes, segments, heading_chars};
    run_jobs(&J, jobs);
    double t_parse = now_s() - t0;
    drop_other_drafts(films, nf);

    const double zunit = 0.1, wunit = 10;   /* 0.1 std: RMS rounding error 0.03 std, far below the model error */
    cJSON *root = catalog_header(m, net_fnv, zunit, wunit);
    if (add_calibration(root, films, nf, m, zunit, wunit)) {
        cJSON_Delete(root); free_films(films, n_all); model_free(m);
        return tool_fail("catalog", "calibration failed");
    }
    cJSON_AddNumberToObject(root, "segments", segments);
    CatalogStats s = { 0, 0, 0, malloc(sizeof(int) * (size_t)(nf + 1)), 0, "" };
    add_films(cJSON_AddArrayToObject(root, "films"), films, nf, m, zunit, wunit, &s);
    char *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    size_t raw = json ? strlen(json) : 0;
    int rc = json ? write_catalog(out, json, raw) : tool_fail("catalog", "out of memory writing JSON");
    free(json);

    print_summary(nf, out, raw, &s, films, skipped_ext);
    fprintf(stderr, "catalog: %.1f s parse+predict with %d job(s), %.1f s in all; slowest file %s %.2f s\n",
            t_parse, jobs, now_s() - t0, s.slowest_name, s.slowest);
    free(s.counts);
    free_films(films, n_all);
    model_free(m);
    return rc;
}
