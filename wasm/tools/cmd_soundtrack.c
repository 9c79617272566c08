/* cmd_soundtrack.c — `moodspace soundtrack`: the command-line face of
 * exactly what the page does. It loads the model and asks for each film's
 * soundtrack through the page's own entry points (ms_model_load,
 * ms_film_soundtrack in wasm/api.c → soundtrack.h), with the film's scenes
 * decoded from the catalog as web/film/film.js decodes them.
 */
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
static char *request_for(const Film *f, char **names, int m, const Library *L, int segments, int quick,
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

/* --fit: the catalog films (all, or the listed ones) in one ms_film_fit
 * request, as web/taste/dashboard.js sends it: the songs' rows, then each
 * film's scene rows and weights; a film the page would not read (malformed)
 * is left out, as the page leaves it out. Prints the ranking. 0, or 1. */
#define FIT_SEGMENTS 6   /* the Taste tab's (web/taste/dashboard.js FIT_SEGMENTS) */
static int fit_films(int h, const cJSON *cat, const CatalogUnits *units, const char *list, char **names, int m,
                     const Library *L, int segments, int top, const char *cpath) {
    int all = !strcmp(list, "all"), rc = 1, nf = 0, cap = 0;
    Film *fl = NULL;
    char err[300];
    const cJSON *it;
    cJSON_ArrayForEach(it, field(cat, "films")) {
        const cJSON *id = field(it, "id");
        if (!cJSON_IsString(id) || (!all && !in_list(id->valuestring, list))) continue;
        if (nf == cap) {
            Film *g = realloc(fl, sizeof *fl * (size_t)(cap = cap ? 2 * cap : 256));
            if (!g) { fprintf(stderr, "moodspace soundtrack: out of memory\n"); goto done; }
            fl = g;
        }
        memset(&fl[nf], 0, sizeof fl[nf]);
        if (film_from_catalog(&fl[nf], it, units, m, err, sizeof err)) {
            fprintf(stderr, "moodspace soundtrack: %s: film %s left out: %s\n", cpath, id->valuestring, err);
            film_clear(&fl[nf]);
            continue;
        }
        nf++;
    }
    if (!nf) { fprintf(stderr, "moodspace soundtrack: no film %s in %s\n", list, cpath); goto done; }
    size_t total = (size_t)L->n * m;
    for (int f = 0; f < nf; f++) total += (size_t)fl[f].n * (m + 1);
    float *buf = malloc(sizeof(float) * (total ? total : 1));
    cJSON *req = cJSON_CreateObject();
    cJSON *jf = cJSON_AddArrayToObject(req, "films");
    if (!buf || !jf) { free(buf); cJSON_Delete(req); fprintf(stderr, "moodspace soundtrack: out of memory\n"); goto done; }
    memcpy(buf, L->vals, sizeof(float) * (size_t)L->n * m);
    size_t at = (size_t)L->n * m;
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
    for (int j = 0; j < m; j++) cJSON_AddItemToArray(pm, cJSON_CreateString(names[j]));
    cJSON_AddNumberToObject(pk, "n", L->n);
    char *text = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    char *res = text ? ms_film_fit(h, text, buf, total) : NULL;
    free(text); free(buf);
    cJSON *r = res ? cJSON_Parse(res) : NULL;
    free(res);
    const cJSON *e = field(r, "error");
    if (!r || cJSON_IsString(e)) {
        fprintf(stderr, "moodspace soundtrack: --fit: %s\n", cJSON_IsString(e) ? e->valuestring : "the engine failed");
        cJSON_Delete(r);
        goto done;
    }
    if (cJSON_IsNumber(field(r, "failed")) && field(r, "failed")->valuedouble > 0)
        fprintf(stderr, "moodspace soundtrack: --fit: %d films had no soundtrack\n", (int)field(r, "failed")->valuedouble);
    int rank = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, field(r, "ranking")) {
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
            name_song(g, L);
        }
        cJSON_AddItemToObject(out, "segments", segs);
        char *line = cJSON_PrintUnformatted(out);
        if (line) puts(line);
        free(line);
        cJSON_Delete(out);
    }
    cJSON_Delete(r);
    rc = 0;
done:
    for (int f = 0; f < nf; f++) film_clear(&fl[f]);
    free(fl);
    return rc;
}

int cmd_soundtrack(int argc, char **argv) {
    const char *lib_path = NULL, *films = NULL, *catalog = NULL, *script = NULL, *model_path = NULL;
    int segments = arc_default_opts().n_segments, quick = 0, detail = 0, fit = 0, top = 5, segments_given = 0;
    double seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { help(stdout); return 0; }
        if (!strcmp(a, "--quick")) { quick = 1; continue; }
        if (!strcmp(a, "--detail")) { detail = 1; continue; }
        if (!strcmp(a, "--fit")) { fit = 1; continue; }
        if (i + 1 >= argc) { fprintf(stderr, "moodspace soundtrack: %s needs a value\n", a); return 2; }
        const char *v = argv[++i];
        char *end;
        if (!strcmp(a, "--library")) lib_path = v;
        else if (!strcmp(a, "--film")) films = v;
        else if (!strcmp(a, "--catalog")) catalog = v;
        else if (!strcmp(a, "--script")) script = v;
        else if (!strcmp(a, "--model")) model_path = v;
        else if (!strcmp(a, "--segments")) {
            long s = strtol(v, &end, 10);
            if (*end || s < 1 || s > ARC_MAX_SEGMENTS) { fprintf(stderr, "moodspace soundtrack: --segments must be 1..%d\n", ARC_MAX_SEGMENTS); return 2; }
            segments = (int)s;
            segments_given = 1;
        } else if (!strcmp(a, "--top")) {
            long t = strtol(v, &end, 10);
            if (*end || t < 1 || t > 100) { fprintf(stderr, "moodspace soundtrack: --top must be 1..100\n"); return 2; }
            top = (int)t;
        } else if (!strcmp(a, "--seed")) {
            seed = strtod(v, &end);
            if (*end || !(seed >= 0 && seed <= 9007199254740992.0) || seed != floor(seed)) { fprintf(stderr, "moodspace soundtrack: --seed must be an integer 0..2^53\n"); return 2; }
        } else { fprintf(stderr, "moodspace soundtrack: unknown option %s (--help)\n", a); return 2; }
    }
    if (fit && !films) films = "all";
    if (fit && (script || quick || detail)) {
        fprintf(stderr, "moodspace soundtrack: --fit ranks catalog films (no --script, --quick or --detail)\n");
        return 2;
    }
    if (fit && !segments_given) segments = FIT_SEGMENTS;
    if (!lib_path || (!films == !script)) {
        fprintf(stderr, "moodspace soundtrack: give --library and one of --film or --script (--help)\n");
        return 2;
    }
    char mpath[4096], cpath[4200], err[300];
    if (model_path) snprintf(mpath, sizeof mpath, "%s", model_path);
    else if (model_default_path(mpath, sizeof mpath)) { fprintf(stderr, "moodspace soundtrack: model path too long\n"); return 1; }
    size_t mlen;
    char *mbytes = scene_cli_read(mpath, &mlen);
    if (!mbytes) return 1;
    char *info_txt = ms_model_load(mbytes, mlen);
    Model *model = script ? model_load_bytes(mbytes, mlen, err, sizeof err) : NULL;
    free(mbytes);
    cJSON *info = info_txt ? cJSON_Parse(info_txt) : NULL;
    free(info_txt);
    int rc = 1, h = cJSON_IsNumber(field(info, "model")) ? (int)field(info, "model")->valuedouble : 0;
    Library L = {0};
    cJSON *cat = NULL;
    char *names[MATCH_MAX_METRICS];
    int m = 0;
    if (!h) { fprintf(stderr, "moodspace soundtrack: %s: %s\n", mpath, cJSON_IsString(field(info, "error")) ? field(info, "error")->valuestring : "cannot load"); goto done; }
    if (!cJSON_IsTrue(field(info, "calibrated"))) {
        fprintf(stderr, "moodspace soundtrack: %s\n", field(info, "calibration_error") ? field(info, "calibration_error")->valuestring : "no calibration");
        goto done;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, field(info, "metrics")) if (m < MATCH_MAX_METRICS) names[m++] = it->valuestring;
    if (library_load(&L, lib_path, names, m)) goto done;
    if (script) {
        if (!model) { fprintf(stderr, "moodspace soundtrack: %s: %s\n", mpath, err); goto done; }
        Film f = {0};
        if (film_from_script(&f, script, model, err, sizeof err)) {
            fprintf(stderr, "moodspace soundtrack: %s: %s\n", script, err);
            film_clear(&f);
            goto done;
        }
        char *req = request_for(&f, names, m, &L, segments, quick, seed, detail);
        char *res = req ? ms_film_soundtrack(h, req, L.vals, (size_t)L.n * m) : NULL;
        if (res) print_film(&f, res, &L, quick, detail);
        free(req); free(res);
        film_clear(&f);
        rc = 0;
        goto done;
    }
    if (catalog) snprintf(cpath, sizeof cpath, "%s", catalog);
    else {
        snprintf(cpath, sizeof cpath, "%s", mpath);
        char *slash = strrchr(cpath, '/');
        snprintf(slash ? slash + 1 : cpath, sizeof cpath - (size_t)(slash ? slash + 1 - cpath : 0), "catalog.json");
    }
    size_t clen;
    char *ctxt = scene_cli_read(cpath, &clen);
    if (!ctxt) goto done;
    cat = cJSON_Parse(ctxt);
    free(ctxt);
    const cJSON *ver = field(cat, "version");
    if (!cJSON_IsNumber(ver) || (int)ver->valuedouble != CATALOG_FORMAT_VERSION) {
        fprintf(stderr, "moodspace soundtrack: %s is catalog version %d; this tool reads version %d (rebuild it: ./build.sh catalog)\n",
                cpath, cJSON_IsNumber(ver) ? (int)ver->valuedouble : 0, CATALOG_FORMAT_VERSION);
        goto done;
    }
    const cJSON *cm = field(cat, "metrics");
    int same = cJSON_GetArraySize(cm) == m;
    for (int j = 0; same && j < m; j++) same = cJSON_IsString(cJSON_GetArrayItem(cm, j)) && !strcmp(cJSON_GetArrayItem(cm, j)->valuestring, names[j]);
    if (!same) { fprintf(stderr, "moodspace soundtrack: %s has other metrics than the model\n", cpath); goto done; }
    CatalogUnits units;
    if (catalog_units(&units, cat, m, err, sizeof err)) { fprintf(stderr, "moodspace soundtrack: %s: %s\n", cpath, err); goto done; }
    if (fit) { rc = fit_films(h, cat, &units, films, names, m, &L, segments, top, cpath); goto done; }
    int all = !strcmp(films, "all"), found = 0;
    cJSON_ArrayForEach(it, field(cat, "films")) {
        const cJSON *id = field(it, "id");
        if (!cJSON_IsString(id) || (!all && !in_list(id->valuestring, films))) continue;
        found++;
        Film f = {0};
        if (film_from_catalog(&f, it, &units, m, err, sizeof err)) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "film", id->valuestring);
            cJSON_AddStringToObject(o, "error", err);
            char *line = cJSON_PrintUnformatted(o);
            if (line) puts(line);
            free(line);
            cJSON_Delete(o);
        } else {
            char *req = request_for(&f, names, m, &L, segments, quick, seed, detail);
            char *res = req ? ms_film_soundtrack(h, req, L.vals, (size_t)L.n * m) : NULL;
            if (res) print_film(&f, res, &L, quick, detail);
            free(req); free(res);
        }
        film_clear(&f);
    }
    if (!found) { fprintf(stderr, "moodspace soundtrack: no film %s in %s\n", films, cpath); goto done; }
    rc = 0;
done:
    for (int i = 0; i < L.n; i++) cJSON_Delete(L.meta[i]);
    free(L.vals); free(L.meta);
    cJSON_Delete(cat);
    cJSON_Delete(info);
    model_free(model);
    return rc;
}
