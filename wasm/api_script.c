/* api_script.c — the engine's script calls (api.h): a script's scenes
 * (ms_scenes), its mood arc (ms_arc, or ms_arc_from_metrics from moods
 * already known) and a script read once with each scene's mood
 * (ms_read_script), with the scene and arc options they share read from
 * JSON. Models, predictions and matching are in api.c; the helpers these
 * calls share with it in api_internal.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "api.h"
#include "api_internal.h"
#include "arc.h"
#include "model.h"
#include "scene.h"

/* Scenes of a script: text (len bytes) and options
 * {"format": "auto|fountain|plain|srt|vtt", "filename": "x.srt", "text": true,
 *  "sub_gap": 8, "sub_window": 0, "max_scenes": 20000}. */
static int scene_opts_from(const cJSON *j, SceneOpts *o, int *flags, char *err, size_t errlen) {
    *o = scene_default_opts();
    *flags = SCENE_JSON_DETAILS;
    if (!j) return 0;
    if (!cJSON_IsObject(j)) { snprintf(err, errlen, "options must be a JSON object"); return -1; }
    int rc = 0;
    const cJSON *fn = cJSON_GetObjectItemCaseSensitive(j, "filename");
    if (cJSON_IsString(fn)) o->filename = fn->valuestring;   /* lives as long as j */
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "format");
    if (f && !cJSON_IsNull(f)) {
        int fmt = cJSON_IsString(f) ? scene_format_from_name(f->valuestring) : -1;
        if (fmt < 0) { snprintf(err, errlen, "unknown \"format\" (auto, fountain, plain, srt, vtt)"); rc = -1; goto done; }
        o->format = (SceneFormat)fmt;
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");
    if (cJSON_IsTrue(t)) *flags |= SCENE_JSON_TEXT;
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "sub_gap");
    if (cJSON_IsNumber(g)) {
        if (!(g->valuedouble > 0 && g->valuedouble < 86400)) { snprintf(err, errlen, "\"sub_gap\" must be in (0, 86400) seconds"); rc = -1; goto done; }
        o->sub_gap = g->valuedouble;
    }
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "sub_window");
    if (cJSON_IsNumber(w)) {
        if (!(w->valuedouble >= 0 && w->valuedouble < 86400)) { snprintf(err, errlen, "\"sub_window\" must be in [0, 86400) seconds"); rc = -1; goto done; }
        o->sub_window = w->valuedouble;
    }
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(j, "max_scenes");
    if (cJSON_IsNumber(ms)) {
        if (!(ms->valuedouble >= 1 && ms->valuedouble <= 100000)) { snprintf(err, errlen, "\"max_scenes\" must be in 1..100000"); rc = -1; goto done; }
        o->max_scenes = (int)ms->valuedouble;
    }
done:
    return rc;
}

char *ms_scenes(const char *text, size_t len, const char *opts_json) {
    if (!text && len) return api_err("no text");
    SceneOpts o;
    int flags;
    char err[160];
    cJSON *oj = opts_json && opts_json[0] ? api_parse(opts_json) : NULL;
    if (opts_json && opts_json[0] && !oj) return api_err("options must be a JSON object");
    if (scene_opts_from(oj, &o, &flags, err, sizeof err)) { cJSON_Delete(oj); return api_err(err); }
    ScriptScenes *ss = scene_parse(text, len, &o, err, sizeof err);
    cJSON_Delete(oj);
    if (!ss) return api_err(err);
    char *res = scenes_to_json(ss, flags);
    scene_free(ss);
    return res ? res : api_err("out of memory");
}

/* Arc options from a JSON object (NULL: defaults):
 * {"segments": 4, "smooth": 0, "equal": false, "action_weight": 1,
 *  "dialogue_weight": 1, "scenes": true} ("scenes": per-scene metrics). */
static int arc_opts_from(const cJSON *j, ArcOpts *o, int *flags, char *err, size_t errlen) {
    *o = arc_default_opts();
    *flags = ARC_JSON_SCENES;
    if (!j) return 0;
    if (!cJSON_IsObject(j)) { snprintf(err, errlen, "options must be a JSON object"); return -1; }
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(j, "segments")) && !cJSON_IsNull(v)) {
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 1 || v->valuedouble > ARC_MAX_SEGMENTS) {
            snprintf(err, errlen, "\"segments\" must be an integer in 1..%d", ARC_MAX_SEGMENTS);
            return -1;
        }
        o->n_segments = (int)v->valuedouble;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(j, "smooth")) && !cJSON_IsNull(v)) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1e6)) {
            snprintf(err, errlen, "\"smooth\" must be a number >= 0 (0: automatic)");
            return -1;
        }
        o->smooth = v->valuedouble;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(j, "equal"))) o->equal = cJSON_IsTrue(v);
    const char *wk[] = {"action_weight", "dialogue_weight"};
    float *wd[] = {&o->action_weight, &o->dialogue_weight};
    for (int q = 0; q < 2; q++) {
        if (!(v = cJSON_GetObjectItemCaseSensitive(j, wk[q])) || cJSON_IsNull(v)) continue;
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1e6)) {
            snprintf(err, errlen, "\"%s\" must be a number >= 0", wk[q]);
            return -1;
        }
        *wd[q] = (float)v->valuedouble;
    }
    if (!(o->action_weight > 0) && !(o->dialogue_weight > 0)) {
        snprintf(err, errlen, "action_weight and dialogue_weight cannot both be 0");
        return -1;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(j, "scenes")) && cJSON_IsFalse(v)) *flags = 0;
    return 0;
}

/* A script call's model, options (the scene options of ms_scenes plus the
 * arc options above) and scenes: the start ms_arc and ms_read_script share. */
typedef struct {
    Slot *s;
    ArcOpts ao;
    int sflags, aflags;
    ScriptScenes *ss;     /* to scene_free */
} ScriptCall;

/* Fills c; NULL, or the {"error"} answer (c->ss is then NULL). The
 * options' strings (filename) are needed only while the script is parsed. */
static char *script_open(ScriptCall *c, int h, const char *text, size_t len, const char *opts_json) {
    c->ss = NULL;
    c->s = api_slot(h);
    if (!c->s) return api_err("no such model");
    if (!text && len) return api_err("no text");
    cJSON *oj = opts_json && opts_json[0] ? api_parse(opts_json) : NULL;
    if (opts_json && opts_json[0] && !oj) return api_err("options must be a JSON object");
    SceneOpts so;
    char err[256] = "";
    if (!scene_opts_from(oj, &so, &c->sflags, err, sizeof err) && !arc_opts_from(oj, &c->ao, &c->aflags, err, sizeof err))
        c->ss = scene_parse(text, len, &so, err, sizeof err);
    cJSON_Delete(oj);
    return c->ss ? NULL : api_err(err);
}

/* Script -> scenes -> per-scene prediction -> arc and segments.
 * opts: the scene options of ms_scenes plus the arc options above. */
char *ms_arc(int h, const char *text, size_t len, const char *opts_json) {
    ScriptCall c;
    char *fail = script_open(&c, h, text, len, opts_json), err[256] = "";
    if (fail) return fail;
    ScriptScenes *ss = c.ss;
    MoodArc *a = ss->n_scenes ? arc_from_script(c.s->model, ss, &c.ao, err, sizeof err) : NULL;
    if (!ss->n_scenes) snprintf(err, sizeof err, "no scenes: nothing in this text reads as a scene");
    char *res = a ? arc_to_json(a, ss, c.aflags) : api_err(err[0] ? err : "could not build the arc");
    arc_free(a);
    scene_free(ss);
    return res ? res : api_err("out of memory");
}

/* An arc from per-scene metrics already known (a catalog film, or scenes
 * predicted earlier), e.g. to re-split it into another number of segments:
 * {"scenes": [{"energy": .., ...}, ...], "weights": [words, ...]?,
 *  "metrics": [names]?, ...arc options}. Metrics default to the model's
 * outputs (h > 0; the model's std then standardises them) or to the first
 * scene's numeric keys (h == 0; the film's own std). */
char *ms_arc_from_metrics(int h, const char *json) {
    Slot *s = NULL;
    if (h != 0 && !(s = api_slot(h))) return api_err("no such model");
    cJSON *req = api_parse(json);
    if (!cJSON_IsObject(req)) { cJSON_Delete(req); return api_err("expected a JSON object with \"scenes\""); }
    ArcOpts ao;
    int aflags;
    char err[256] = "";
    char *res = NULL;
    float *raw = NULL, *w = NULL;
    MoodArc *a = NULL;
    const char *names[ARC_MAX_METRICS];
    float scale[ARC_MAX_METRICS];
    int nm = 0, use_scale = 0;
    if (arc_opts_from(req, &ao, &aflags, err, sizeof err)) goto done;
    const cJSON *scenes = cJSON_GetObjectItemCaseSensitive(req, "scenes");
    if (!cJSON_IsArray(scenes)) { snprintf(err, sizeof err, "\"scenes\" must be an array of metric objects"); goto done; }
    int n = cJSON_GetArraySize(scenes);
    if (n > 200000) { snprintf(err, sizeof err, "too many scenes"); goto done; }
    if (n == 0) { snprintf(err, sizeof err, "no scenes: an arc needs at least one scene"); goto done; }
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(req, "metrics"), *it;
    if (cJSON_IsArray(metrics)) {
        cJSON_ArrayForEach(it, metrics) {
            if (!cJSON_IsString(it) || nm == ARC_MAX_METRICS) { snprintf(err, sizeof err, "\"metrics\" must be up to %d names", ARC_MAX_METRICS); goto done; }
            names[nm++] = it->valuestring;
        }
    } else if (s) {
        for (int j = 0; j < s->model->n_outputs && nm < ARC_MAX_METRICS; j++) names[nm++] = s->model->output_names[j];
    } else if (n > 0) {
        const cJSON *first = cJSON_GetArrayItem(scenes, 0);
        if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(first, "metrics"))) first = cJSON_GetObjectItemCaseSensitive(first, "metrics");
        cJSON_ArrayForEach(it, first) if (cJSON_IsNumber(it) && nm < ARC_MAX_METRICS) names[nm++] = it->string;
    }
    if (nm == 0) { snprintf(err, sizeof err, "no metrics to build an arc on"); goto done; }
    if (s) {
        use_scale = 1;
        for (int j = 0; j < nm; j++) {
            int k = model_output_index(s->model, names[j]);
            if (k < 0) { use_scale = 0; break; }
            scale[j] = s->model->target_std[k];
        }
    }
    raw = malloc((size_t)(n ? n : 1) * nm * sizeof *raw);
    w = malloc((size_t)(n ? n : 1) * sizeof *w);
    if (!raw || !w) { snprintf(err, sizeof err, "out of memory"); goto done; }
    const cJSON *wa = cJSON_GetObjectItemCaseSensitive(req, "weights");
    if (wa && !cJSON_IsNull(wa) && (!cJSON_IsArray(wa) || cJSON_GetArraySize(wa) != n)) {
        snprintf(err, sizeof err, "\"weights\" must be an array with one number per scene");
        goto done;
    }
    int i = 0;
    const cJSON *wi = cJSON_IsArray(wa) ? wa->child : NULL;
    cJSON_ArrayForEach(it, scenes) {
        const cJSON *src = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(it, "metrics"))
                               ? cJSON_GetObjectItemCaseSensitive(it, "metrics") : it;
        for (int j = 0; j < nm; j++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, names[j]);
            /* missing or non-numeric: NaN, which arc_build replaces by the metric's mean */
            raw[(size_t)i * nm + j] = cJSON_IsNumber(v) && fabs(v->valuedouble) < 1e30 ? (float)v->valuedouble : NAN;
        }
        w[i] = 1;
        if (wi) {
            w[i] = cJSON_IsNumber(wi) && fabs(wi->valuedouble) < 1e30 ? (float)wi->valuedouble : 0;
            wi = wi->next;
        }
        i++;
    }
    a = arc_build(raw, w, n, nm, names, use_scale ? scale : NULL, &ao, err, sizeof err);
    if (a) res = arc_to_json(a, NULL, aflags);
    if (a && !res) snprintf(err, sizeof err, "out of memory");
done:
    arc_free(a);
    free(raw); free(w);
    cJSON_Delete(req);
    return res ? res : api_err(err[0] ? err : "could not build the arc");
}

/* ---- a script read once --------------------------------------------------
 * ms_read_script(h, text, len, opts): the scenes of a script with their text
 * and details (ms_scenes, text always on) and each scene's predicted mood,
 * from one parse and one prediction, without an arc: the page builds the
 * arc it draws from these moods (ms_film_soundtrack), so a pasted script is
 * parsed once and its arc built once. opts: ms_arc's (scene options plus
 * action_weight / dialogue_weight; segment options are ignored).
 * Answer: ms_scenes' object plus "metrics": [names], "overall": {mood} and
 * per scene "mood": {metric: value}, the same numbers ms_arc gives (the
 * overall weighted by each scene's duration, else its words; a scene the
 * model could not read gets the overall). {"error"} on failure. */
static cJSON *read_script_json(const Model *m, ScriptScenes *ss, const ArcOpts *ao, int sflags, char *err, size_t errlen) {
    int n = ss->n_scenes, no = m->n_outputs;
    if (no > ARC_MAX_METRICS) { snprintf(err, errlen, "the model has too many outputs"); return NULL; }
    float *raw = malloc(sizeof(float) * ((size_t)n * no + 1)), *w = NULL;
    cJSON *o = NULL;
    if (!raw) { snprintf(err, errlen, "out of memory"); return NULL; }
    if (arc_predict_scenes(m, ss, ao, raw, err, errlen)) goto done;
    /* the overall mood as arc_build computes it (arc_overall), missing values filled */
    float overall[ARC_MAX_METRICS];
    if (!(w = malloc(sizeof(float) * ((size_t)n + 1)))) { snprintf(err, errlen, "out of memory"); goto done; }
    arc_scene_weights(ss, w);
    arc_overall(raw, w, n, no, w, overall, raw);
    /* arc_metrics_cjson reads only the names and their count */
    MoodArc names = {0};
    names.n_metrics = no;
    names.names = m->output_names;
    char *scenes = scenes_to_json(ss, sflags | SCENE_JSON_TEXT);
    o = scenes ? cJSON_Parse(scenes) : NULL;
    free(scenes);
    cJSON *list = o ? cJSON_GetObjectItemCaseSensitive(o, "scenes") : NULL;
    cJSON *mn = o ? cJSON_AddArrayToObject(o, "metrics") : NULL;
    if (!o || !cJSON_IsArray(list) || !mn) { cJSON_Delete(o); o = NULL; snprintf(err, errlen, "out of memory"); goto done; }
    for (int k = 0; k < no; k++) cJSON_AddItemToArray(mn, cJSON_CreateString(m->output_names[k]));
    cJSON_AddItemToObject(o, "overall", arc_metrics_cjson(&names, overall));
    int i = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, list) {
        if (i >= n) break;
        cJSON_AddItemToObject(it, "mood", arc_metrics_cjson(&names, raw + (size_t)i * no));
        i++;
    }
done:
    free(raw); free(w);
    return o;
}

/* The option "soundtrack": {"segments": N, "ranges": {metric: [lo, hi]}}
 * adds "soundtrack": ms_film_soundtrack's answer (no songs, "detail": the
 * arc the Soundtrack view draws) for the film the page makes of this very
 * answer (web/film/script-film.js): each scene's printed "mood", a value
 * outside its metric's range clamped to it (the ranges the page shows;
 * a metric not listed is not clamped), weighed by max(1, words), compared
 * on the metrics of "overall". So a script the user brings is one call,
 * and its arc the numbers a second call would give. -1 + message on a bad
 * option; a failed soundtrack is its {"error"} in "soundtrack". */
static int read_script_soundtrack(int h, cJSON *o, const cJSON *st, char *err, size_t errlen) {
    const cJSON *seg = cJSON_GetObjectItemCaseSensitive(st, "segments"), *ranges = cJSON_GetObjectItemCaseSensitive(st, "ranges");
    if (!cJSON_IsObject(st) || !cJSON_IsNumber(seg) || seg->valuedouble != floor(seg->valuedouble) ||
        seg->valuedouble < 1 || seg->valuedouble > ARC_MAX_SEGMENTS || (ranges && !cJSON_IsObject(ranges))) {
        snprintf(err, errlen, "\"soundtrack\" must be {\"segments\": 1..%d, \"ranges\": {metric: [low, high]}}", ARC_MAX_SEGMENTS);
        return -1;
    }
    cJSON *req = cJSON_CreateObject();
    cJSON *sc = cJSON_AddArrayToObject(req, "scenes"), *sw = cJSON_AddArrayToObject(req, "scene_weights");
    cJSON *mn = cJSON_AddArrayToObject(req, "metrics");
    cJSON_AddArrayToObject(req, "songs");
    cJSON_AddTrueToObject(req, "detail");
    cJSON_AddNumberToObject(req, "segments", seg->valuedouble);
    const cJSON *it, *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, "overall"))
        if (cJSON_IsNumber(v)) cJSON_AddItemToArray(mn, cJSON_CreateString(v->string));
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "scenes")) {
        cJSON *mood = cJSON_CreateObject();
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(it, "mood")) {
            if (!cJSON_IsNumber(v)) continue;
            double x = v->valuedouble;
            const cJSON *r = cJSON_GetObjectItemCaseSensitive(ranges, v->string);
            const cJSON *lo = cJSON_GetArrayItem(r, 0), *hi = cJSON_GetArrayItem(r, 1);
            if (cJSON_IsNumber(lo) && x < lo->valuedouble) x = lo->valuedouble;
            if (cJSON_IsNumber(hi) && x > hi->valuedouble) x = hi->valuedouble;
            cJSON_AddNumberToObject(mood, v->string, x);
        }
        cJSON_AddItemToArray(sc, mood);
        const cJSON *words = cJSON_GetObjectItemCaseSensitive(it, "words");
        double w = cJSON_IsNumber(words) ? words->valuedouble : 0;
        cJSON_AddItemToArray(sw, cJSON_CreateNumber(w > 1 ? w : 1));
    }
    char *text = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    char *res = text ? ms_film_soundtrack(h, text, NULL, 0) : NULL;
    free(text);
    cJSON *ans = res ? cJSON_Parse(res) : NULL;
    free(res);
    if (!ans) { snprintf(err, errlen, "out of memory"); return -1; }
    cJSON_AddItemToObject(o, "soundtrack", ans);
    return 0;
}

char *ms_read_script(int h, const char *text, size_t len, const char *opts_json) {
    ScriptCall c;
    char *fail = script_open(&c, h, text, len, opts_json), err[256] = "";
    if (fail) return fail;
    ScriptScenes *ss = c.ss;
    cJSON *o = NULL;
    if (!ss->n_scenes) snprintf(err, sizeof err, "no scenes: nothing in this text reads as a scene");
    else o = read_script_json(c.s->model, ss, &c.ao, c.sflags, err, sizeof err);
    scene_free(ss);
    cJSON *oj = o && opts_json && opts_json[0] ? api_parse(opts_json) : NULL;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(oj, "soundtrack");
    if (st && !cJSON_IsNull(st) && read_script_soundtrack(h, o, st, err, sizeof err)) { cJSON_Delete(o); o = NULL; }
    cJSON_Delete(oj);
    char *res = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (o && !res) return api_err("out of memory");
    return res ? res : api_err(err[0] ? err : "could not read the script");
}
