/* cmd_soundtrack.c — `moodspace soundtrack`: the command-line face of
 * exactly what the page does. It loads the model and asks for each film's
 * soundtrack through the page's own entry points (ms_model_load,
 * ms_film_soundtrack in wasm/api_film.c → soundtrack.h), with the film's scenes
 * decoded from the catalog as web/film/film.js decodes them.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "api.h"
#include "label.h"
#include "model.h"
#include "scene.h"
#include "scene_cli.h"
#include "soundtrack.h"
#include "arc.h"
#include "tool_opts.h"

static void help(FILE *f) {
    fprintf(f,
"usage: moodspace soundtrack --library FILE (--film ID[,ID...] | --film all [--catalog FILE]\n"
"                            | --script FILE) [--segments N] [--quick [--seed S]]\n"
"                            [--model FILE] [--detail]\n"
"       moodspace soundtrack --library FILE --fit [--film IDS|all] [--catalog FILE]\n"
"                            [--segments N] [--top K] [--model FILE]\n"
"\n"
"A film's soundtrack from a song library, as the page's Soundtrack tab builds\n"
"it (same engine call, wasm/soundtrack.h): the film's scenes are split into N\n"
"balanced segments (default %d) and each gets a different song, nearest on the\n"
"calibrated scale (percentiles of catalog scenes vs. percentiles of songs).\n"
"\n"
"  --library FILE  weights/demo.json's format ({\"songs\": [{\"id\", \"title\",\n"
"                  \"artist\", \"metrics\": {...}}]}) or JSON lines as `predict\n"
"                  --jsonl` prints ({\"id\", \"energy\", ...} plus \"title\" and\n"
"                  \"artist\"). The file's order is the ranking (--quick).\n"
"  --film IDS      catalog film ids (file names without extension, which may\n"
"                  themselves hold a comma: Green-Mile,-The), comma-\n"
"                  separated, or \"all\"\n"
"  --catalog FILE  default: weights/catalog.json next to the model\n"
"  --script FILE   a screenplay or subtitles instead (scenes by scene.h)\n"
"  --segments N    1..%d; 1: the one song nearest the whole film\n"
"  --quick         the seed's quick match: a pool of %d songs from a random\n"
"                  offset, never past rank %d, and the %d nearest the film\n"
"  --seed S        the pool's seed (default 1)\n"
"  --detail        add per-scene percentiles (what the arc chart plots)\n"
"\n"
"Prints one JSON line per film:\n"
"  {\"film\": ID, \"title\", \"scenes\": n, \"segments\": [{\"first_scene\",\n"
"   \"last_scene\", \"heading\", \"mood\": {metric: value}, \"pct\": {metric:\n"
"   percentile}, \"song\": {\"id\", \"title\", \"artist\"}, \"song_mood\",\n"
"   \"song_pct\", \"distance\"}, ...]}\n"
"or with --quick {\"film\", \"title\", \"quick\": {\"seed\", \"offset\", \"picks\": [...]}}.\n"
"A film that fails gets {\"film\": ID, \"error\": \"...\"} and the rest go on.\n"
"\n"
"--fit: the films the library fits best, as the page's Taste tab ranks them\n"
"(one engine call, ms_film_fit): every catalog film's N-segment soundtrack\n"
"(default N 6), ranked by the mean distance of its segments to their songs;\n"
"the best K (--top, default 5, at most 100) as JSON lines, best first:\n"
"  {\"rank\": 1, \"film\": ID, \"title\", \"score\", \"segments\": [...]}\n",
            arc_default_opts().n_segments, ARC_MAX_SEGMENTS, MATCH_POOL_SIZE, MATCH_POOL_MAX_RANK,
            SOUNDTRACK_QUICK_K);
}

typedef struct {
    int n, m;
    float *vals;          /* [n][m] in the model's metric order (NaN: missing) */
    cJSON **meta;         /* [n] {"id", "title", "artist"} */
} Library;

static const cJSON *field(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static int library_add(Library *L, const cJSON *song, char **names, int *cap) {
    if (!cJSON_IsObject(song)) return 0;
    if (L->n == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        float *v = realloc(L->vals, sizeof(float) * (size_t)*cap * L->m);
        cJSON **mm = realloc(L->meta, sizeof(cJSON *) * (size_t)*cap);
        if (v) L->vals = v;
        if (mm) L->meta = mm;
        if (!v || !mm) return -1;
    }
    const cJSON *metrics = cJSON_IsObject(field(song, "metrics")) ? field(song, "metrics") : song;
    for (int j = 0; j < L->m; j++) {
        const cJSON *v = field(metrics, names[j]);
        L->vals[(size_t)L->n * L->m + j] = cJSON_IsNumber(v) && isfinite(v->valuedouble) ? (float)v->valuedouble : NAN;
    }
    cJSON *meta = cJSON_CreateObject();
    const char *keys[] = {"id", "title", "artist"};
    for (int k = 0; k < 3; k++) {
        const cJSON *v = field(song, keys[k]);
        if (v) cJSON_AddItemToObject(meta, keys[k], cJSON_Duplicate(v, 1));
    }
    L->meta[L->n++] = meta;
    return 0;
}

/* demo.json ({"songs": [...]}) or JSON lines. */
static int library_load(Library *L, const char *path, char **names, int m) {
    size_t len;
    char *txt = scene_cli_read(path, &len);
    if (!txt) return -1;
    L->m = m;
    int cap = 0, rc = 0;
    cJSON *doc = cJSON_Parse(txt);
    if (cJSON_IsObject(doc) && cJSON_IsArray(field(doc, "songs"))) {
        const cJSON *s;
        cJSON_ArrayForEach(s, field(doc, "songs")) if (library_add(L, s, names, &cap)) { rc = -1; break; }
    } else {
        int line = 0;
        for (char *p = txt; *p && rc == 0;) {
            char *e = strchr(p, '\n');
            if (e) *e = 0;
            line++;
            if (strspn(p, " \t\r") != strlen(p)) {
                cJSON *o = cJSON_Parse(p);
                if (!cJSON_IsObject(o)) {
                    fprintf(stderr, "moodspace soundtrack: %s:%d: not a JSON object (a library is demo.json's format or JSON lines)\n", path, line);
                    rc = -1;
                } else if (!field(o, "error") && library_add(L, o, names, &cap)) rc = -1;
                cJSON_Delete(o);
            }
            p = e ? e + 1 : p + strlen(p);
        }
    }
    cJSON_Delete(doc);
    free(txt);
    if (rc == 0 && L->n == 0) { fprintf(stderr, "moodspace soundtrack: %s: no songs\n", path); rc = -1; }
    return rc;
}

/* One film: per-scene metrics (model order), weights and headings. */
typedef struct {
    char *id, *title;
    int n;
    float *v, *w;
    char **heading;
} Film;

static void film_clear(Film *f) {
    for (int i = 0; f->heading && i < f->n; i++) free(f->heading[i]);
    free(f->heading); free(f->v); free(f->w); free(f->id); free(f->title);
    memset(f, 0, sizeof *f);
}

static char *dup_str(const char *s) {
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p) memcpy(p, s, n + 1);
    return p;
}

/* The catalog's decoding constants, checked once (the page's reader,
 * web/film/film.js normalizeCatalog, needs the same): "mean" and "std" one
 * finite number per metric, "zunit" and "wunit" finite and > 0 when given.
 * 0, or -1 + message. */
typedef struct { double mu[MATCH_MAX_METRICS], sd[MATCH_MAX_METRICS], zunit, wunit; } CatalogUnits;

static int catalog_units(CatalogUnits *u, const cJSON *cat, int m, char *err, size_t errlen) {
    const cJSON *mean = field(cat, "mean"), *std = field(cat, "std");
    if (!cJSON_IsArray(mean) || !cJSON_IsArray(std) || cJSON_GetArraySize(mean) != m || cJSON_GetArraySize(std) != m) {
        snprintf(err, errlen, "\"mean\" and \"std\" must hold one finite number per metric (%d)", m);
        return -1;
    }
    for (int q = 0; q < m; q++) {
        const cJSON *a = cJSON_GetArrayItem(mean, q), *b = cJSON_GetArrayItem(std, q);
        if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b) || !isfinite(a->valuedouble) || !isfinite(b->valuedouble) ||
            fabs(a->valuedouble) > 1e30 || !(b->valuedouble > 0 && b->valuedouble < 1e30)) {
            snprintf(err, errlen, "\"mean\" and \"std\" must hold one finite number per metric (%d), std > 0", m);
            return -1;
        }
        u->mu[q] = a->valuedouble;
        u->sd[q] = b->valuedouble;
    }
    const char *keys[] = {"zunit", "wunit"};
    double *dst[] = {&u->zunit, &u->wunit};
    for (int k = 0; k < 2; k++) {
        const cJSON *v = field(cat, keys[k]);
        *dst[k] = 1;
        if (!v) continue;
        if (!cJSON_IsNumber(v) || !(v->valuedouble > 0 && v->valuedouble < 1e6)) {
            snprintf(err, errlen, "\"zunit\" and \"wunit\" must be finite numbers > 0 (below 1e6)");
            return -1;
        }
        *dst[k] = v->valuedouble;
    }
    return 0;
}

/* A compact catalog film, decoded exactly as web/film/film.js decodeCompactFilm:
 * value = mean + std * z * zunit (doubles, then float32; a z that is not a
 * number is a missing value), weight = max(1, w * wunit). The catalog's
 * metrics must be the model's, in its order. A film the page would skip
 * (no title, n not an integer >= 1, fewer than n * metrics moods) is
 * "malformed"; n is checked against the moods before any product, so no
 * size overflows. */
static int film_from_catalog(Film *f, const cJSON *jf, const CatalogUnits *u, int m, char *err, size_t errlen) {
    const cJSON *id = field(jf, "id"), *title = field(jf, "title"), *jm = field(jf, "m"), *jw = field(jf, "w");
    const cJSON *locs = field(jf, "locs"), *jl = field(jf, "l"), *jn = field(jf, "n");
    int n_moods = cJSON_GetArraySize(jm);
    double nd = cJSON_IsNumber(jn) ? jn->valuedouble : 0;
    if (!cJSON_IsString(id) || !cJSON_IsString(title) || title->valuestring[strspn(title->valuestring, " \t\r\n")] == 0 ||
        !cJSON_IsArray(jm) || m < 1 || !(nd >= 1 && nd <= (double)n_moods / m) || nd != floor(nd)) {
        snprintf(err, errlen, "malformed catalog film");
        return -1;
    }
    int n = (int)nd;   /* <= n_moods / m: n * m fits an int */
    f->id = dup_str(id->valuestring);
    f->title = dup_str(title->valuestring);
    f->n = n;
    f->v = malloc(sizeof(float) * (size_t)n * m);
    f->w = malloc(sizeof(float) * (size_t)n);
    f->heading = calloc((size_t)n, sizeof(char *));
    if (!f->id || !f->title || !f->v || !f->w || !f->heading) { snprintf(err, errlen, "out of memory"); return -1; }
    const cJSON *z = jm->child, *wi = cJSON_GetArraySize(jw) == n ? jw->child : NULL, *li = cJSON_IsArray(jl) ? jl->child : NULL;
    int nlocs = cJSON_IsArray(locs) ? cJSON_GetArraySize(locs) : 0;
    const cJSON **loc = malloc(sizeof(cJSON *) * (size_t)(nlocs ? nlocs : 1));
    if (!loc) { snprintf(err, errlen, "out of memory"); return -1; }
    int k = 0;
    const cJSON *it;
    if (nlocs) cJSON_ArrayForEach(it, locs) loc[k++] = it;
    for (int j = 0; j < n; j++) {
        for (int q = 0; q < m; q++, z = z->next)
            f->v[(size_t)j * m + q] = cJSON_IsNumber(z) && isfinite(z->valuedouble)
                                          ? (float)(u->mu[q] + u->sd[q] * z->valuedouble * u->zunit) : NAN;
        double wv = wi && cJSON_IsNumber(wi) && isfinite(wi->valuedouble) ? wi->valuedouble * u->wunit : 0;
        f->w[j] = (float)(wv > 1 ? (wv < 1e30 ? wv : 1e30) : 1);
        if (wi) wi = wi->next;
        int l = li && cJSON_IsNumber(li) && li->valuedouble >= 0 && li->valuedouble < nlocs ? (int)li->valuedouble : -1;
        if (li) li = li->next;
        char buf[32];
        snprintf(buf, sizeof buf, "Scene %d", j + 1);
        const char *h = l >= 0 && cJSON_IsString(loc[l]) && loc[l]->valuestring[0] ? loc[l]->valuestring : buf;
        size_t hk = label_cut(h, strlen(h), 200);
        f->heading[j] = malloc(hk + 1);
        if (f->heading[j]) { memcpy(f->heading[j], h, hk); f->heading[j][hk] = 0; }
    }
    free(loc);
    return 0;
}

/* A script: scenes (scene.h) predicted as the page does (ms_arc's model
 * text), weights max(1, words) as web/soundtrack/soundtrack.js sends them. */
static int film_from_script(Film *f, const char *path, const Model *model, char *err, size_t errlen) {
    size_t len;
    char *txt = scene_cli_read(path, &len);
    if (!txt) { snprintf(err, errlen, "cannot read %s", path); return -1; }
    SceneOpts so = scene_default_opts();
    so.filename = path;
    ScriptScenes *ss = scene_parse(txt, len, &so, err, errlen);
    free(txt);
    if (!ss) return -1;
    int n = ss->n_scenes, m = model->n_outputs, rc = -1;
    if (n < 1) { snprintf(err, errlen, "no scenes: nothing in %s reads as a scene", path); goto done; }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    f->id = dup_str(base);
    f->title = dup_str(ss->title && ss->title[0] ? ss->title : base);
    f->n = n;
    f->v = malloc(sizeof(float) * (size_t)n * m);
    f->w = malloc(sizeof(float) * (size_t)n);
    f->heading = calloc((size_t)n, sizeof(char *));
    if (!f->id || !f->title || !f->v || !f->w || !f->heading) { snprintf(err, errlen, "out of memory"); goto done; }
    if (arc_predict_scenes(model, ss, NULL, f->v, err, errlen)) goto done;
    for (int i = 0; i < n; i++) {
        f->w[i] = (float)(ss->scenes[i].words > 1 ? ss->scenes[i].words : 1);
        const char *h = ss->scenes[i].heading ? ss->scenes[i].heading : "";
        f->heading[i] = malloc(strlen(h) + 1);
        if (f->heading[i]) { size_t k = label_cut(h, strlen(h), 200); memcpy(f->heading[i], h, k); f->heading[i][k] = 0; }
    }
    rc = 0;
done:
    scene_free(ss);
    return rc;
}

/* The engine request for one film; songs travel packed. */
static char *request_for(const Film *f, char *const *names, int m, const Library *L, int segments, int quick,
                         double seed, int detail) {
    cJSON *req = cJSON_CreateObject();
    cJSON *sc = cJSON_AddArrayToObject(req, "scenes");
    cJSON *w = cJSON_AddArrayToObject(req, "scene_weights");
    for (int i = 0; i < f->n; i++) {
        cJSON *o = cJSON_CreateObject();
        for (int j = 0; j < m; j++) cJSON_AddNumberToObject(o, names[j], f->v[(size_t)i * m + j]);
        cJSON_AddItemToArray(sc, o);
        cJSON_AddItemToArray(w, cJSON_CreateNumber(f->w[i]));
    }
    cJSON_AddNumberToObject(req, "segments", segments);
    if (quick) cJSON_AddNumberToObject(cJSON_AddObjectToObject(req, "quick"), "seed", seed);
    if (detail) cJSON_AddBoolToObject(req, "detail", 1);
    cJSON *pk = cJSON_AddObjectToObject(req, "packed");
    cJSON *pm = cJSON_AddArrayToObject(pk, "metrics");
    for (int j = 0; j < m; j++) cJSON_AddItemToArray(pm, cJSON_CreateString(names[j]));
    cJSON_AddNumberToObject(pk, "n", L->n);
    char *s = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    return s;
}

/* Replace {"index"} songs by the library's {"id", "title", "artist"}. */
static void name_song(cJSON *e, const Library *L) {
    cJSON *song = cJSON_GetObjectItemCaseSensitive(e, "song");
    const cJSON *ix = field(song, "index");
    if (!cJSON_IsNumber(ix) || ix->valuedouble < 0 || ix->valuedouble >= L->n) return;
    cJSON_ReplaceItemInObjectCaseSensitive(e, "song", cJSON_Duplicate(L->meta[(int)ix->valuedouble], 1));
}

static void print_film(const Film *f, const char *res, const Library *L, int quick, int detail) {
    cJSON *r = cJSON_Parse(res);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "film", f->id);
    const cJSON *e = field(r, "error");
    if (!r || cJSON_IsString(e)) {
        cJSON_AddStringToObject(out, "error", cJSON_IsString(e) ? e->valuestring : "the engine failed");
    } else {
        cJSON_AddStringToObject(out, "title", f->title);
        cJSON_AddNumberToObject(out, "scenes", f->n);
        cJSON_AddItemToObject(out, "overall", cJSON_Duplicate(field(r, "overall"), 1));
        if (quick) {
            cJSON *q = cJSON_Duplicate(field(r, "quick"), 1);
            cJSON *p;
            cJSON_ArrayForEach(p, field(q, "picks")) name_song(p, L);
            cJSON_AddItemToObject(out, "quick", q);
        } else {
            cJSON *segs = cJSON_Duplicate(field(r, "segments"), 1);
            cJSON *g;
            cJSON_ArrayForEach(g, segs) {
                const cJSON *fs = field(g, "first_scene");
                int first = cJSON_IsNumber(fs) && fs->valuedouble >= 0 && fs->valuedouble < f->n ? (int)fs->valuedouble : -1;
                cJSON_AddStringToObject(g, "heading", first >= 0 && first < f->n ? f->heading[first] : "");
                name_song(g, L);
            }
            cJSON_AddItemToObject(out, "segments", segs);
        }
        if (detail) cJSON_AddItemToObject(out, "scene_pct", cJSON_Duplicate(field(r, "scenes"), 1));
    }
    char *s = cJSON_PrintUnformatted(out);
    if (s) puts(s);
    free(s);
    cJSON_Delete(out);
    cJSON_Delete(r);
}

/* id is the whole list (catalog ids may hold commas: "Green-Mile,-The"), or
 * one of its comma-separated items. */
static int in_list(const char *id, const char *list) {
    if (!strcmp(id, list)) return 1;
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t k = c ? (size_t)(c - p) : strlen(p);
        if (k == n && !strncmp(p, id, n)) return 1;
        p += k + (c ? 1 : 0);
    }
    return 0;
}

#define CMD "soundtrack"
#define FIT_SEGMENTS 6   /* the Taste tab's (web/taste/dashboard.js FIT_SEGMENTS) */
#define FIT_MAX_TOP 100  /* ms_film_fit's most "top" films (wasm/api_film.c) */

/* The command's options, as given. */
typedef struct {
    const char *lib_path, *films, *catalog, *script, *model_path;
    int segments, quick, detail, fit, top;
    double seed;
} StOpts;

/* One run: the model as the engine holds it, the library and the catalog. */
typedef struct {
    int h;                 /* the engine's model handle (ms_model_load) */
    cJSON *info;           /* ms_model_load's answer */
    Model *model;          /* --script only: the model, to predict the script's scenes */
    char *names[MATCH_MAX_METRICS];   /* the model's metrics (strings of info) */
    int m;
    Library L;
    cJSON *cat;            /* the catalog (not --script) */
    CatalogUnits units;
    char mpath[4096], cpath[4200];
} Run;

static void run_free(Run *r) {
    for (int i = 0; i < r->L.n; i++) cJSON_Delete(r->L.meta[i]);
    free(r->L.vals); free(r->L.meta);
    cJSON_Delete(r->cat);
    cJSON_Delete(r->info);
    model_free(r->model);
}

/* --fit, step 1: the catalog films (all, or the listed ones) as the page
 * reads them; a film the page would not read (malformed) is left out, as
 * the page leaves it out. 0, or 1 after a message. */
static int fit_collect(const Run *r, const char *list, Film **out, int *out_n) {
    int all = !strcmp(list, "all"), nf = 0, cap = 0;
    Film *fl = NULL;
    char err[300];
    const cJSON *it;
    cJSON_ArrayForEach(it, field(r->cat, "films")) {
        const cJSON *id = field(it, "id");
        if (!cJSON_IsString(id) || (!all && !in_list(id->valuestring, list))) continue;
        if (nf == cap) {
            Film *g = realloc(fl, sizeof *fl * (size_t)(cap = cap ? 2 * cap : 256));
            if (!g) { *out = fl; *out_n = nf; return tool_fail(CMD, "out of memory"); }
            fl = g;
        }
        memset(&fl[nf], 0, sizeof fl[nf]);
        if (film_from_catalog(&fl[nf], it, &r->units, r->m, err, sizeof err)) {
            fprintf(stderr, "moodspace soundtrack: %s: film %s left out: %s\n", r->cpath, id->valuestring, err);
            film_clear(&fl[nf]);
            continue;
        }
        nf++;
    }
    *out = fl;
    *out_n = nf;
    if (!nf) return tool_fail(CMD, "no film %s in %s", list, r->cpath);
    return 0;
}

/* --fit, step 2: ms_film_fit's answer to one request as web/taste/dashboard.js
 * sends it: the songs' rows, then each film's scene rows and weights.
 * NULL when memory ran out. */
static cJSON *fit_ask(const Run *r, const Film *fl, int nf, int segments, int top) {
    int m = r->m;
    size_t total = (size_t)r->L.n * m;
    for (int f = 0; f < nf; f++) total += (size_t)fl[f].n * (m + 1);
    float *buf = malloc(sizeof(float) * (total ? total : 1));
    cJSON *req = cJSON_CreateObject();
    cJSON *jf = cJSON_AddArrayToObject(req, "films");
    if (!buf || !jf) { free(buf); cJSON_Delete(req); return NULL; }
    memcpy(buf, r->L.vals, sizeof(float) * (size_t)r->L.n * m);
    size_t at = (size_t)r->L.n * m;
    for (int f = 0; f < nf; f++) {
        memcpy(buf + at, fl[f].v, sizeof(float) * (size_t)fl[f].n * m);
        memcpy(buf + at + (size_t)fl[f].n * m, fl[f].w, sizeof(float) * (size_t)fl[f].n);
        at += (size_t)fl[f].n * (m + 1);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", fl[f].id);
        cJSON_AddNumberToObject(o, "scenes", fl[f].n);
        cJSON_AddItemToArray(jf, o);
    }
    cJSON_AddNumberToObject(req, "segments", segments);
    cJSON_AddNumberToObject(req, "top", top);
    cJSON *pk = cJSON_AddObjectToObject(req, "packed");
    cJSON *pm = cJSON_AddArrayToObject(pk, "metrics");
    for (int j = 0; j < m; j++) cJSON_AddItemToArray(pm, cJSON_CreateString(r->names[j]));
    cJSON_AddNumberToObject(pk, "n", r->L.n);
    char *text = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    char *res = text ? ms_film_fit(r->h, text, buf, total) : NULL;
    free(text); free(buf);
    cJSON *answer = res ? cJSON_Parse(res) : NULL;
    free(res);
    return answer;
}

/* --fit, step 3: one JSON line per ranked film, best first. */
static void fit_print(const Run *r, const cJSON *answer, const Film *fl, int nf) {
    int rank = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, field(answer, "ranking")) {
        const cJSON *id = field(x, "id");
        const Film *f = NULL;
        for (int k = 0; cJSON_IsString(id) && k < nf && !f; k++) if (!strcmp(fl[k].id, id->valuestring)) f = &fl[k];
        if (!f) continue;
        cJSON *out = cJSON_CreateObject();
        cJSON_AddNumberToObject(out, "rank", ++rank);
        cJSON_AddStringToObject(out, "film", f->id);
        cJSON_AddStringToObject(out, "title", f->title);
        char num[40];   /* the engine's 17 digits, not cJSON's shorter printing */
        snprintf(num, sizeof num, "%.17g", cJSON_IsNumber(field(x, "score")) ? field(x, "score")->valuedouble : NAN);
        cJSON_AddRawToObject(out, "score", num);
        cJSON *segs = cJSON_Duplicate(field(field(x, "result"), "segments"), 1);
        cJSON *g;
        cJSON_ArrayForEach(g, segs) {
            const cJSON *fs = field(g, "first_scene");
            int first = cJSON_IsNumber(fs) && fs->valuedouble >= 0 && fs->valuedouble < f->n ? (int)fs->valuedouble : -1;
            cJSON_AddStringToObject(g, "heading", first >= 0 ? f->heading[first] : "");
            name_song(g, &r->L);
        }
        cJSON_AddItemToObject(out, "segments", segs);
        char *line = cJSON_PrintUnformatted(out);
        if (line) puts(line);
        free(line);
        cJSON_Delete(out);
    }
}

/* --fit: the catalog films (all, or the listed ones) in one ms_film_fit
 * request; prints the ranking. 0, or 1. */
static int fit_films(const Run *r, const char *list, int segments, int top) {
    Film *fl = NULL;
    int nf = 0, rc = fit_collect(r, list, &fl, &nf);
    cJSON *answer = rc ? NULL : fit_ask(r, fl, nf, segments, top);
    const cJSON *e = field(answer, "error");
    if (!rc && (!answer || cJSON_IsString(e))) {
        rc = tool_fail(CMD, "--fit: %s", cJSON_IsString(e) ? e->valuestring : "the engine failed");
    } else if (!rc) {
        if (cJSON_IsNumber(field(answer, "failed")) && field(answer, "failed")->valuedouble > 0)
            fprintf(stderr, "moodspace soundtrack: --fit: %d films had no soundtrack\n", (int)field(answer, "failed")->valuedouble);
        fit_print(r, answer, fl, nf);
    }
    cJSON_Delete(answer);
    for (int f = 0; f < nf; f++) film_clear(&fl[f]);
    free(fl);
    return rc;
}

/* The options, checked. -1 to go on, else the exit status (0 after --help,
 * 2 after a usage error). */
static int read_opts(StOpts *o, int argc, char **argv) {
    *o = (StOpts){ .segments = INT_MIN, .top = 5, .seed = 1 };
    const ToolOpt opts[] = {
        {"--library", OPT_STR, &o->lib_path}, {"--film", OPT_STR, &o->films}, {"--catalog", OPT_STR, &o->catalog},
        {"--script", OPT_STR, &o->script}, {"--model", OPT_STR, &o->model_path},
        {"--segments", OPT_INT, &o->segments}, {"--top", OPT_INT, &o->top}, {"--seed", OPT_DOUBLE, &o->seed},
        {"--quick", OPT_FLAG, &o->quick}, {"--detail", OPT_FLAG, &o->detail}, {"--fit", OPT_FLAG, &o->fit},
        {NULL, 0, NULL}};
    int st = tool_parse(CMD, argc, argv, opts, NULL, help);
    if (st >= 0) return st;
    int segments_given = o->segments != INT_MIN;
    if (segments_given && (o->segments < 1 || o->segments > ARC_MAX_SEGMENTS))
        return tool_usage_error(CMD, "--segments must be 1..%d", ARC_MAX_SEGMENTS);
    if (o->top < 1 || o->top > FIT_MAX_TOP) return tool_usage_error(CMD, "--top must be 1..%d", FIT_MAX_TOP);
    if (!(o->seed >= 0 && o->seed <= 9007199254740992.0) || o->seed != floor(o->seed))
        return tool_usage_error(CMD, "--seed must be an integer 0..2^53");
    if (o->fit && !o->films) o->films = "all";
    if (o->fit && (o->script || o->quick || o->detail))
        return tool_usage_error(CMD, "--fit ranks catalog films (no --script, --quick or --detail)");
    if (!segments_given) o->segments = o->fit ? FIT_SEGMENTS : arc_default_opts().n_segments;
    if (!o->lib_path || (!o->films == !o->script))
        return tool_usage_error(CMD, "give --library and one of --film or --script (--help)");
    return -1;
}

/* The model through the page's entry point (ms_model_load; for --script
 * also as a Model, to predict the scenes), calibrated, and the library in
 * its metrics. 0, or 1 after a message. */
static int load_model_and_library(Run *r, const StOpts *o) {
    char err[300] = "";
    if (o->model_path) snprintf(r->mpath, sizeof r->mpath, "%s", o->model_path);
    else if (model_default_path(r->mpath, sizeof r->mpath)) return tool_fail(CMD, "model path too long");
    size_t mlen;
    char *mbytes = scene_cli_read(r->mpath, &mlen);
    if (!mbytes) return 1;
    char *info_txt = ms_model_load(mbytes, mlen);
    r->model = o->script ? model_load_bytes(mbytes, mlen, err, sizeof err) : NULL;
    free(mbytes);
    r->info = info_txt ? cJSON_Parse(info_txt) : NULL;
    free(info_txt);
    const cJSON *info = r->info;
    r->h = cJSON_IsNumber(field(info, "model")) ? (int)field(info, "model")->valuedouble : 0;
    if (!r->h) return tool_fail(CMD, "%s: %s", r->mpath, cJSON_IsString(field(info, "error")) ? field(info, "error")->valuestring : "cannot load");
    if (!cJSON_IsTrue(field(info, "calibrated")))
        return tool_fail(CMD, "%s", field(info, "calibration_error") ? field(info, "calibration_error")->valuestring : "no calibration");
    const cJSON *it;
    cJSON_ArrayForEach(it, field(info, "metrics")) if (r->m < MATCH_MAX_METRICS) r->names[r->m++] = it->valuestring;
    if (library_load(&r->L, o->lib_path, r->names, r->m)) return 1;
    if (o->script && !r->model) return tool_fail(CMD, "%s: %s", r->mpath, err);
    return 0;
}

/* One film's soundtrack through ms_film_soundtrack, printed. */
static void soundtrack_one(const Run *r, const Film *f, const StOpts *o) {
    char *req = request_for(f, r->names, r->m, &r->L, o->segments, o->quick, o->seed, o->detail);
    char *res = req ? ms_film_soundtrack(r->h, req, r->L.vals, (size_t)r->L.n * r->m) : NULL;
    if (res) print_film(f, res, &r->L, o->quick, o->detail);
    free(req); free(res);
}

/* --script: the script's soundtrack. 0, or 1 after a message. */
static int run_script(const Run *r, const StOpts *o) {
    char err[300];
    Film f = {0};
    int rc = 0;
    if (film_from_script(&f, o->script, r->model, err, sizeof err)) rc = tool_fail(CMD, "%s: %s", o->script, err);
    else soundtrack_one(r, &f, o);
    film_clear(&f);
    return rc;
}

/* The catalog (--catalog, else catalog.json next to the model): its
 * version, the model's metrics, its decoding units. 0, or 1 after a message. */
static int load_catalog(Run *r, const StOpts *o) {
    char err[300];
    if (o->catalog) snprintf(r->cpath, sizeof r->cpath, "%s", o->catalog);
    else {
        snprintf(r->cpath, sizeof r->cpath, "%s", r->mpath);
        char *slash = strrchr(r->cpath, '/');
        snprintf(slash ? slash + 1 : r->cpath, sizeof r->cpath - (size_t)(slash ? slash + 1 - r->cpath : 0), "catalog.json");
    }
    size_t clen;
    char *ctxt = scene_cli_read(r->cpath, &clen);
    if (!ctxt) return 1;
    r->cat = cJSON_Parse(ctxt);
    free(ctxt);
    const cJSON *ver = field(r->cat, "version");
    if (!cJSON_IsNumber(ver) || (int)ver->valuedouble != CATALOG_FORMAT_VERSION)
        return tool_fail(CMD, "%s is catalog version %d; this tool reads version %d (rebuild it: ./build.sh catalog)",
                         r->cpath, cJSON_IsNumber(ver) ? (int)ver->valuedouble : 0, CATALOG_FORMAT_VERSION);
    const cJSON *cm = field(r->cat, "metrics");
    int same = cJSON_GetArraySize(cm) == r->m;
    for (int j = 0; same && j < r->m; j++)
        same = cJSON_IsString(cJSON_GetArrayItem(cm, j)) && !strcmp(cJSON_GetArrayItem(cm, j)->valuestring, r->names[j]);
    if (!same) return tool_fail(CMD, "%s has other metrics than the model", r->cpath);
    if (catalog_units(&r->units, r->cat, r->m, err, sizeof err)) return tool_fail(CMD, "%s: %s", r->cpath, err);
    return 0;
}

/* --film: each listed catalog film's soundtrack in catalog order; a film
 * that cannot be read gets {"film", "error"} and the rest go on. 0, or 1
 * when no film matched. */
static int run_films(const Run *r, const StOpts *o) {
    int all = !strcmp(o->films, "all"), found = 0;
    char err[300];
    const cJSON *it;
    cJSON_ArrayForEach(it, field(r->cat, "films")) {
        const cJSON *id = field(it, "id");
        if (!cJSON_IsString(id) || (!all && !in_list(id->valuestring, o->films))) continue;
        found++;
        Film f = {0};
        if (film_from_catalog(&f, it, &r->units, r->m, err, sizeof err)) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "film", id->valuestring);
            cJSON_AddStringToObject(e, "error", err);
            char *line = cJSON_PrintUnformatted(e);
            if (line) puts(line);
            free(line);
            cJSON_Delete(e);
        } else {
            soundtrack_one(r, &f, o);
        }
        film_clear(&f);
    }
    if (!found) return tool_fail(CMD, "no film %s in %s", o->films, r->cpath);
    return 0;
}

int cmd_soundtrack(int argc, char **argv) {
    StOpts o;
    int st = read_opts(&o, argc, argv);
    if (st >= 0) return st;
    Run r = {0};
    int rc = load_model_and_library(&r, &o);
    if (!rc && o.script) rc = run_script(&r, &o);
    else if (!rc) rc = load_catalog(&r, &o);
    if (!rc && !o.script) rc = o.fit ? fit_films(&r, o.films, o.segments, o.top) : run_films(&r, &o);
    run_free(&r);
    return rc;
}
