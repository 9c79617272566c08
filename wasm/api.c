/* api.c — the engine's flat C ABI for the web page: the calls of api.h
 * (their list and contracts are there; JSON in, JSON out). This file turns
 * requests into the engine's C calls and answers into JSON, and keeps the
 * loaded models.
 *
 * Models live in a small table of slots; ms_model_load returns a handle
 * (1..MS_MAX_MODELS) that the other calls take. Handle 0 means "no model"
 * where a model is optional (matching with statistics given in the request).
 *
 * Invalid UTF-8 in a request is replaced before parsing (request_text
 * below), so it is never echoed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "api.h"
#include "arc.h"
#include "err.h"
#include "explain.h"
#include "match.h"
#include "model.h"
#include "scene.h"
#include "soundtrack.h"
#include "text.h"
#include "utf8.h"

#define MS_MAX_MODELS 16
#define MS_PREDICT_CHUNK 256          /* texts predicted per batch */
#define MS_MAX_PREDICT_ITEMS 200000   /* items in one ms_predict call */
#define MS_API_VERSION 1

typedef struct {
    Model *model;
    MatchSpace space;     /* the model's outputs as a matching space */
    int space_ok;         /* 0 when the model's outputs cannot be matched on */
    char space_err[128];
    Calib *calib;         /* meta's calibration tables, NULL when absent (calib_err says why) */
    char calib_err[200];
} Slot;

static Slot slots[MS_MAX_MODELS];

static char *err_json(const char *msg);   /* below request_text: messages are made valid UTF-8 */

/* Length of the valid UTF-8 prefix of the NUL-terminated s. */
static size_t utf8_valid_prefix(const char *s, size_t n) {
    size_t i = 0;
    for (int k; i < n && (k = utf8_char_len(s, n, i)) > 0;) i += (size_t)k;
    return i;
}

/* A request as the engine reads it: *owned is NULL and the text is json
 * itself when json is valid UTF-8 (or NULL); otherwise *owned is a copy
 * with every invalid sequence replaced by U+FFFD (one per maximal bad run
 * of bytes that starts no valid character), and that copy is the text.
 * -1 when the copy cannot be allocated. */
static int request_text(const char *json, char **owned, const char **text) {
    *owned = NULL;
    *text = json;
    if (!json) return 0;
    size_t n = strlen(json), i = utf8_valid_prefix(json, n);
    if (i == n) return 0;
    if (n > (SIZE_MAX - 1) / 3) return -1;
    char *out = malloc(3 * n + 1), *o = out;
    if (!out) return -1;
    memcpy(o, json, i);
    o += i;
    while (i < n) {
        int k = utf8_char_len(json, n, i);
        if (k > 0) { memcpy(o, json + i, (size_t)k); o += k; i += (size_t)k; continue; }
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        while (i < n && utf8_char_len(json, n, i) == 0) i++;
    }
    *o = 0;
    *owned = out;
    *text = out;
    return 0;
}

/* {"error": msg}; a message quoting the input (a model's output name in a
 * loader error, say) has its invalid UTF-8 replaced as requests do. */
static char *err_json(const char *msg) {
    char *owned;
    const char *text;
    if (request_text(msg, &owned, &text)) return ms_error_json("out of memory");
    char *r = ms_error_json(text ? text : "error");
    free(owned);
    return r;
}

/* Whether a loaded model's strings (output names, words, meta) are valid
 * UTF-8: they are echoed in answers (info, predictions, explanations). */
static int model_strings_valid(const Model *m) {
    for (int j = 0; j < m->n_outputs; j++)
        if (utf8_valid_prefix(m->output_names[j], strlen(m->output_names[j])) != strlen(m->output_names[j])) return 0;
    if (m->meta && utf8_valid_prefix(m->meta, strlen(m->meta)) != strlen(m->meta)) return 0;
    int V = vocab_size(m->vocab);
    for (int id = 2; id < V; id++) {
        const char *w = vocab_word(m->vocab, id);
        if (w && utf8_valid_prefix(w, strlen(w)) != strlen(w)) return 0;
    }
    return 1;
}

/* cJSON_Parse of a request read as above. */
static cJSON *parse_request(const char *json) {
    char *owned;
    const char *text;
    if (request_text(json, &owned, &text)) return NULL;
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    free(owned);
    return o;
}

static char *take(cJSON *o) {
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s ? s : err_json("out of memory");
}

static Slot *slot_get(int h) {
    if (h < 1 || h > MS_MAX_MODELS || !slots[h - 1].model) return NULL;
    return &slots[h - 1];
}

void ms_free(void *p) { free(p); }

char *ms_constants(void) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "api_version", MS_API_VERSION);
    cJSON_AddNumberToObject(o, "model_format_version", MODEL_FORMAT_VERSION);
    cJSON_AddNumberToObject(o, "max_models", MS_MAX_MODELS);
    cJSON_AddNumberToObject(o, "pool_size", MATCH_POOL_SIZE);
    cJSON_AddNumberToObject(o, "pool_max_rank", MATCH_POOL_MAX_RANK);
    cJSON_AddNumberToObject(o, "max_metrics", MATCH_MAX_METRICS);
    cJSON_AddNumberToObject(o, "max_songs", MATCH_MAX_SONGS);
    cJSON_AddNumberToObject(o, "max_segments", MATCH_MAX_SEGMENTS);
    cJSON_AddNumberToObject(o, "max_predict_items", MS_MAX_PREDICT_ITEMS);
    cJSON_AddNumberToObject(o, "explain_max_words", EXPLAIN_MAX_WORDS);
    ExplainOpts eo = explain_default_opts();
    cJSON_AddNumberToObject(o, "explain_default_words", eo.max_words);
    cJSON_AddNumberToObject(o, "explain_default_top", eo.top);
    cJSON_AddNumberToObject(o, "text_max_input_bytes", TEXT_MAX_INPUT_BYTES);
    cJSON_AddNumberToObject(o, "quick_match_k", SOUNDTRACK_QUICK_K);
    cJSON_AddNumberToObject(o, "catalog_version", CATALOG_FORMAT_VERSION);
    cJSON_AddNumberToObject(o, "soundtrack_prior", SOUNDTRACK_PRIOR);
    cJSON_AddNumberToObject(o, "arc_max_segments", ARC_MAX_SEGMENTS);
    cJSON_AddNumberToObject(o, "arc_default_segments", arc_default_opts().n_segments);
    return take(o);
}

/* Matching space of a model: its outputs with their target statistics, and
 * recommended weights from meta {"match_weights": {name: w}} when present. */
static void slot_make_space(Slot *s) {
    const Model *m = s->model;
    s->space_ok = 0;
    if (m->n_outputs > MATCH_MAX_METRICS) {
        snprintf(s->space_err, sizeof s->space_err, "model has %d outputs; matching supports %d",
                 m->n_outputs, MATCH_MAX_METRICS);
        return;
    }
    const char *names[MATCH_MAX_METRICS];
    float w[MATCH_MAX_METRICS];
    for (int j = 0; j < m->n_outputs; j++) { names[j] = m->output_names[j]; w[j] = 1; }
    cJSON *meta = m->meta && m->meta[0] ? cJSON_Parse(m->meta) : NULL;
    const cJSON *mw = cJSON_GetObjectItemCaseSensitive(meta, "match_weights");
    if (cJSON_IsObject(mw)) {
        for (int j = 0; j < m->n_outputs; j++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(mw, names[j]);
            if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0 && v->valuedouble < 1e30)
                w[j] = (float)v->valuedouble;
        }
    }
    cJSON_Delete(meta);
    if (match_space_init(&s->space, m->n_outputs, names, m->target_mean, m->target_std, w,
                         s->space_err, sizeof s->space_err) == 0) {
        s->space_ok = 1;
        return;
    }
    /* bad recommended weights: fall back to equal weights */
    if (match_space_init(&s->space, m->n_outputs, names, m->target_mean, m->target_std, NULL,
                         s->space_err, sizeof s->space_err) == 0)
        s->space_ok = 1;
}

/* The calibration tables from the model's meta (calib.h); a model without
 * them still predicts and matches (match.h), only soundtracks need them. */
static void slot_load_calib(Slot *s) {
    Calib *c = malloc(sizeof *c);
    if (!c) { snprintf(s->calib_err, sizeof s->calib_err, "out of memory"); return; }
    if (calib_from_meta(c, s->model->meta, s->calib_err, sizeof s->calib_err) == 1) { s->calib = c; return; }
    free(c);
}

static cJSON *info_object(int h) {
    Slot *s = slot_get(h);
    char *hdr = model_header_json(s->model);
    cJSON *o = hdr ? cJSON_Parse(hdr) : NULL;
    free(hdr);
    if (!cJSON_IsObject(o)) { cJSON_Delete(o); o = cJSON_CreateObject(); }
    if (!o) return NULL;
    cJSON_DeleteItemFromObjectCaseSensitive(o, "model");
    cJSON_AddNumberToObject(o, "model", h);
    /* the calibration tables stay in the engine ("calibrated" says whether there are any) */
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "meta"), "calibration");
    cJSON *names = cJSON_AddArrayToObject(o, "metrics");
    cJSON *mean = cJSON_AddObjectToObject(o, "mean");
    cJSON *std = cJSON_AddObjectToObject(o, "std");
    for (int j = 0; j < s->model->n_outputs; j++) {
        const char *n = s->model->output_names[j];
        cJSON_AddItemToArray(names, cJSON_CreateString(n));
        cJSON_AddNumberToObject(mean, n, s->model->target_mean[j]);
        cJSON_AddNumberToObject(std, n, s->model->target_std[j]);
    }
    if (s->space_ok) {
        cJSON *w = cJSON_AddObjectToObject(o, "weights");
        for (int j = 0; j < s->space.n; j++) cJSON_AddNumberToObject(w, s->space.name[j], s->space.weight[j]);
    } else {
        cJSON_AddStringToObject(o, "match_error", s->space_err);
    }
    cJSON_AddBoolToObject(o, "calibrated", s->calib != NULL);
    if (!s->calib) cJSON_AddStringToObject(o, "calibration_error", s->calib_err);
    if (s->calib && s->calib->songs.n_levels > 0) {
        /* the song table alone (calib.h: the model's predictions on its
         * training songs, CALIB_KNOTS quantiles per metric): what the Taste
         * view calls bright or energetic is relative to it */
        const CalibDomain *d = &s->calib->songs;
        cJSON *q = cJSON_AddObjectToObject(o, "song_quantiles");
        for (int j = 0; q && j < d->n_metrics; j++) {
            cJSON *k = cJSON_AddArrayToObject(q, d->name[j]);
            for (int t = 0; k && t < CALIB_KNOTS; t++) cJSON_AddItemToArray(k, cJSON_CreateNumber(d->q[0][j][t]));
        }
    }
    return o;
}

char *ms_model_load(const void *bytes, size_t len) {
    if (!bytes || !len) return err_json("no model bytes");
    int free_slot = -1;
    for (int i = 0; i < MS_MAX_MODELS; i++) if (!slots[i].model) { free_slot = i; break; }
    if (free_slot < 0) return err_json("too many models loaded; free one first");
    char err[256] = "";
    Model *m = model_load_bytes(bytes, len, err, sizeof err);
    if (!m) return err_json(err[0] ? err : "could not load the model");
    if (!model_strings_valid(m)) {
        model_free(m);
        return err_json("the model's output names, words or meta are not valid UTF-8");
    }
    Slot *s = &slots[free_slot];
    memset(s, 0, sizeof *s);
    s->model = m;
    slot_make_space(s);
    slot_load_calib(s);
    return take(info_object(free_slot + 1));
}

char *ms_model_free(int h) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    model_free(s->model);
    free(s->calib);
    memset(s, 0, sizeof *s);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", 1);
    return take(o);
}

char *ms_model_info(int h) {
    if (!slot_get(h)) return err_json("no such model");
    return take(info_object(h));
}

/* {"energy": 1, "tempo": 0.5, ...}: names not given keep their weight. */
char *ms_model_set_weights(int h, const char *json) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    if (!s->space_ok) return err_json(s->space_err);
    cJSON *w = parse_request(json);
    if (!cJSON_IsObject(w)) { cJSON_Delete(w); return err_json("weights must be a JSON object of numbers"); }
    MatchSpace sp = s->space;
    const cJSON *it;
    char err[160] = "";
    cJSON_ArrayForEach(it, w) {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || fabs(it->valuedouble) > 1e30 ||
            match_space_set_weight(&sp, it->string, (float)it->valuedouble)) {
            snprintf(err, sizeof err, "bad weight for %.*s (a number >= 0 for one of the model's metrics)",
                     (int)utf8_cut(it->string, strlen(it->string), 60), it->string);
            break;
        }
    }
    cJSON_Delete(w);
    if (!err[0]) match_space_check(&sp, err, sizeof err);
    if (err[0]) return err_json(err);
    s->space = sp;
    return take(info_object(h));
}

static cJSON *item_error(const cJSON *id, const char *msg);

/* One item's result object, metrics in the model's output order; an item
 * error when a prediction is not a finite number (a model with extreme
 * weights overflows), never a null standing for it. */
static cJSON *metrics_object(const Model *m, const float *v, const cJSON *id) {
    for (int j = 0; j < m->n_outputs; j++)
        if (!isfinite(v[j])) return item_error(id, "the model's prediction is not a finite number (its weights overflow on this text)");
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    if (id) cJSON_AddItemToObject(o, "id", cJSON_Duplicate(id, 1));
    for (int j = 0; j < m->n_outputs; j++) cJSON_AddNumberToObject(o, m->output_names[j], v[j]);
    return o;
}

static cJSON *item_error(const cJSON *id, const char *msg) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    if (id) cJSON_AddItemToObject(o, "id", cJSON_Duplicate(id, 1));
    cJSON_AddStringToObject(o, "error", msg);
    return o;
}

/* cJSON ends a string at an escaped NUL ("\u0000"), so the text after it
 * would silently vanish. The tokenizer reads NUL as whitespace (text.h), so
 * for the calls that carry texts to the model an escaped NUL is read as a
 * space and the whole text is kept. The input is copied only when it holds
 * one. */
static cJSON *parse_texts_json(const char *json) {
    char *owned;
    if (request_text(json, &owned, &json) || !json) return NULL;
    if (!strstr(json, "\\u0000")) { cJSON *o = cJSON_Parse(json); free(owned); return o; }
    size_t n = strlen(json);
    char *copy = malloc(n + 1);
    if (!copy) { free(owned); return NULL; }
    memcpy(copy, json, n + 1);
    free(owned);
    for (char *p = copy; *p; p++) {
        if (*p != '\\') continue;
        if (p[1] == 'u' && !strncmp(p + 2, "0000", 4)) memcpy(p + 2, "0020", 4);
        if (p[1]) p++;   /* skip the escaped character: in "\\\\u0000" the u is text */
    }
    cJSON *o = cJSON_Parse(copy);
    free(copy);
    return o;
}

char *ms_predict(int h, const char *json) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    cJSON *in = parse_texts_json(json);
    if (!cJSON_IsArray(in)) { cJSON_Delete(in); return err_json("expected a JSON array of texts or {\"id\", \"text\"} objects"); }
    int n = cJSON_GetArraySize(in);
    if (n > MS_MAX_PREDICT_ITEMS) { cJSON_Delete(in); return err_json("too many texts in one call"); }
    const Model *m = s->model;
    int O = m->n_outputs;
    cJSON *out = cJSON_CreateArray();
    const char **texts = malloc(MS_PREDICT_CHUNK * sizeof *texts);
    size_t *lens = malloc(MS_PREDICT_CHUNK * sizeof *lens);
    const cJSON **ids = malloc(MS_PREDICT_CHUNK * sizeof *ids);
    const cJSON **items = malloc(MS_PREDICT_CHUNK * sizeof *items);
    float *vals = malloc((size_t)MS_PREDICT_CHUNK * O * sizeof *vals);
    char *res = NULL;
    if (!out || !texts || !lens || !ids || !items || !vals) goto done;
    const cJSON *it = in->child;
    while (it) {
        /* gather a chunk of valid texts, writing per-item errors as we go;
         * results keep the input order (errors are placed when met) */
        int k = 0;
        const cJSON *chunk_start = it;
        for (const cJSON *q = it; q && k < MS_PREDICT_CHUNK; q = q->next, it = q) {
            const cJSON *id = NULL, *t = q;
            if (cJSON_IsObject(q)) { id = cJSON_GetObjectItemCaseSensitive(q, "id"); t = cJSON_GetObjectItemCaseSensitive(q, "text"); }
            if (!cJSON_IsString(t)) continue;
            items[k] = q; ids[k] = id; texts[k] = t->valuestring; lens[k] = strlen(t->valuestring); k++;
        }
        int ok = k == 0 || model_predict_texts(m, texts, lens, k, vals) == 0;
        int r = 0;
        for (const cJSON *q = chunk_start; q != it; q = q->next) {
            if (r < k && items[r] == q) {
                cJSON_AddItemToArray(out, ok ? metrics_object(m, vals + (size_t)r * O, ids[r])
                                             : item_error(ids[r], "prediction failed (out of memory?)"));
                r++;
            } else {
                const cJSON *id = cJSON_IsObject(q) ? cJSON_GetObjectItemCaseSensitive(q, "id") : NULL;
                cJSON_AddItemToArray(out, item_error(id, cJSON_IsObject(q) ? "\"text\" must be a string"
                                                                          : "expected a text or an {\"id\", \"text\"} object"));
            }
        }
    }
    res = cJSON_PrintUnformatted(out);
done:
    cJSON_Delete(in); cJSON_Delete(out);
    free(texts); free(lens); free(ids); free(items); free(vals);
    return res ? res : err_json("out of memory");
}

/* Matching: the model's space (h > 0) or none (h == 0, request carries
 * mean/std). */
static int space_for(int h, const MatchSpace **sp, char **err) {
    *sp = NULL;
    if (h == 0) return 0;
    Slot *s = slot_get(h);
    if (!s) { *err = err_json("no such model"); return -1; }
    if (!s->space_ok) { *err = err_json(s->space_err); return -1; }
    *sp = &s->space;
    return 0;
}

/* packed / n_floats: optional float32 song rows for a request with
 * "packed" instead of "songs" (match.h); NULL / 0 otherwise. */
char *ms_match(int h, const char *json, const float *packed, size_t n_floats) {
    const MatchSpace *sp;
    char *e, *owned;
    if (space_for(h, &sp, &e)) return e;
    if (request_text(json, &owned, &json)) return err_json("out of memory");
    char *r = match_json_topk_packed(json, sp, packed, n_floats);
    free(owned);
    return r;
}

char *ms_soundtrack(int h, const char *json, const float *packed, size_t n_floats) {
    const MatchSpace *sp;
    char *e, *owned;
    if (space_for(h, &sp, &e)) return e;
    if (request_text(json, &owned, &json)) return err_json("out of memory");
    char *r = match_json_soundtrack_packed(json, sp, packed, n_floats);
    free(owned);
    return r;
}

char *ms_pool(const char *json) {
    char *owned;
    if (request_text(json, &owned, &json)) return err_json("out of memory");
    char *r = match_json_pool(json);
    free(owned);
    return r;
}

char *ms_film_soundtrack(int h, const char *json, const float *packed, size_t n_floats) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    if (!s->space_ok) return err_json(s->space_err);
    if (!s->calib) return err_json(s->calib_err);
    char *owned;
    if (request_text(json, &owned, &json)) return err_json("out of memory");
    char *r = soundtrack_json(json, &s->space, s->calib, packed, n_floats);
    free(owned);
    return r;
}

/* {"text": "...", "max_words": 64, "top": 5} */
char *ms_explain(int h, const char *json) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    cJSON *req = parse_texts_json(json);
    if (!cJSON_IsObject(req)) { cJSON_Delete(req); return err_json("expected {\"text\": ...}"); }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(req, "text");
    ExplainOpts o = explain_default_opts();
    const char *keys[] = {"max_words", "top"};
    int *dst[] = {&o.max_words, &o.top};
    char *res = NULL;
    if (!cJSON_IsString(t)) { res = err_json("\"text\" must be a string"); goto done; }
    for (int q = 0; q < 2; q++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, keys[q]);
        if (!v || cJSON_IsNull(v)) continue;
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 1 ||
            v->valuedouble > EXPLAIN_MAX_WORDS) {
            char msg[96];
            snprintf(msg, sizeof msg, "\"%s\" must be an integer in 1..%d", keys[q], EXPLAIN_MAX_WORDS);
            res = err_json(msg);
            goto done;
        }
        *dst[q] = (int)v->valuedouble;
    }
    res = explain_json(s->model, t->valuestring, strlen(t->valuestring), &o);
done:
    cJSON_Delete(req);
    return res ? res : err_json("out of memory");
}

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
    if (!text && len) return err_json("no text");
    SceneOpts o;
    int flags;
    char err[160];
    cJSON *oj = opts_json && opts_json[0] ? parse_request(opts_json) : NULL;
    if (opts_json && opts_json[0] && !oj) return err_json("options must be a JSON object");
    if (scene_opts_from(oj, &o, &flags, err, sizeof err)) { cJSON_Delete(oj); return err_json(err); }
    ScriptScenes *ss = scene_parse(text, len, &o, err, sizeof err);
    cJSON_Delete(oj);
    if (!ss) return err_json(err);
    char *res = scenes_to_json(ss, flags);
    scene_free(ss);
    return res ? res : err_json("out of memory");
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

/* Script -> scenes -> per-scene prediction -> arc and segments.
 * opts: the scene options of ms_scenes plus the arc options above. */
char *ms_arc(int h, const char *text, size_t len, const char *opts_json) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    if (!text && len) return err_json("no text");
    cJSON *oj = opts_json && opts_json[0] ? parse_request(opts_json) : NULL;
    if (opts_json && opts_json[0] && !oj) return err_json("options must be a JSON object");
    SceneOpts so;
    ArcOpts ao;
    int sflags, aflags;
    char err[256] = "";
    if (scene_opts_from(oj, &so, &sflags, err, sizeof err) || arc_opts_from(oj, &ao, &aflags, err, sizeof err)) {
        cJSON_Delete(oj);
        return err_json(err);
    }
    ScriptScenes *ss = scene_parse(text, len, &so, err, sizeof err);
    cJSON_Delete(oj);
    if (!ss) return err_json(err);
    MoodArc *a = ss->n_scenes ? arc_from_script(s->model, ss, &ao, err, sizeof err) : NULL;
    if (!ss->n_scenes) snprintf(err, sizeof err, "no scenes: nothing in this text reads as a scene");
    char *res = a ? arc_to_json(a, ss, aflags) : err_json(err[0] ? err : "could not build the arc");
    arc_free(a);
    scene_free(ss);
    return res ? res : err_json("out of memory");
}

/* An arc from per-scene metrics already known (a catalog film, or scenes
 * predicted earlier), e.g. to re-split it into another number of segments:
 * {"scenes": [{"energy": .., ...}, ...], "weights": [words, ...]?,
 *  "metrics": [names]?, ...arc options}. Metrics default to the model's
 * outputs (h > 0; the model's std then standardises them) or to the first
 * scene's numeric keys (h == 0; the film's own std). */
char *ms_arc_from_metrics(int h, const char *json) {
    Slot *s = NULL;
    if (h != 0 && !(s = slot_get(h))) return err_json("no such model");
    cJSON *req = parse_request(json);
    if (!cJSON_IsObject(req)) { cJSON_Delete(req); return err_json("expected a JSON object with \"scenes\""); }
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
    return res ? res : err_json(err[0] ? err : "could not build the arc");
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
    float *raw = malloc(sizeof(float) * ((size_t)n * no + 1));
    cJSON *o = NULL;
    if (!raw) { snprintf(err, errlen, "out of memory"); return NULL; }
    if (arc_predict_scenes(m, ss, ao, raw, err, errlen)) goto done;
    /* the overall mood as arc_build (arc.c) computes it */
    float overall[ARC_MAX_METRICS];
    double wsum = 0;
    for (int i = 0; i < n; i++) {
        const Scene *sc = &ss->scenes[i];
        float w = sc->start >= 0 && sc->end > sc->start ? (float)(sc->end - sc->start) : (float)sc->words;
        if (w > 0 && isfinite(w)) wsum += w;
    }
    for (int k = 0; k < no; k++) {
        double acc = 0, sw = 0;
        for (int i = 0; i < n; i++) {
            const Scene *sc = &ss->scenes[i];
            float w = sc->start >= 0 && sc->end > sc->start ? (float)(sc->end - sc->start) : (float)sc->words;
            if (!(w > 0) || !isfinite(w)) w = 0;
            float x = raw[(size_t)i * no + k];
            if (!isfinite(x)) continue;
            double wt = wsum > 0 ? w : 1.0;
            acc += wt * x;
            sw += wt;
        }
        overall[k] = sw > 0 ? (float)(acc / sw) : 0.0f;
        for (int i = 0; i < n; i++)
            if (!isfinite(raw[(size_t)i * no + k])) raw[(size_t)i * no + k] = overall[k];
    }
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
    free(raw);
    return o;
}

char *ms_read_script(int h, const char *text, size_t len, const char *opts_json) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    if (!text && len) return err_json("no text");
    cJSON *oj = opts_json && opts_json[0] ? parse_request(opts_json) : NULL;
    if (opts_json && opts_json[0] && !oj) return err_json("options must be a JSON object");
    SceneOpts so;
    ArcOpts ao;
    int sflags, aflags;
    char err[256] = "";
    if (scene_opts_from(oj, &so, &sflags, err, sizeof err) || arc_opts_from(oj, &ao, &aflags, err, sizeof err)) {
        cJSON_Delete(oj);
        return err_json(err);
    }
    ScriptScenes *ss = scene_parse(text, len, &so, err, sizeof err);
    cJSON *o = NULL;
    if (ss && !ss->n_scenes) snprintf(err, sizeof err, "no scenes: nothing in this text reads as a scene");
    else if (ss) o = read_script_json(s->model, ss, &ao, sflags, err, sizeof err);
    scene_free(ss);
    cJSON_Delete(oj);   /* after the parse: the options' strings (filename) live in oj */
    char *res = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (o && !res) return err_json("out of memory");
    return res ? res : err_json(err[0] ? err : "could not read the script");
}

/* ---- ms_film_fit: the films a library fits best, in one call ----------------
 *
 * The Taste tab's "film your library fits best" and `moodspace soundtrack
 * --fit`: every film's soundtrack from the library, exactly as
 * ms_film_soundtrack builds it (soundtrack_build, with the songs'
 * percentiles and prices worked out once for all films), ranked by
 * the mean distance of its segments to their songs. The films and the songs
 * travel as float32 rows, not JSON numbers: a catalog is ~10^5 scene moods.
 *
 * Request: {"segments": 6, "top": 5,
 *           "packed": {"metrics": [names], "n": songs},
 *           "films": [{"id": "...", "scenes": n}, ...]}
 * packed / n_floats: the songs' rows [songs][metrics], then for each film in
 * order its scene rows [n][metrics] and its n scene weights (words; 1 when
 * unknown). A song or scene value that is not finite is missing: a song
 * missing a weighted metric is left out (as ms_film_soundtrack skips it), a
 * film with such a scene fails; a missing unweighted metric is its mean.
 * Answer: {"segments", "songs": used, "films": scored, "failed": k,
 *          "ranking": [{"id", "score", "result": ms_film_soundtrack's answer
 *          for that film}]} best first. score = the mean over the segments of
 * the distances as ms_film_soundtrack reports them (5 decimals); ties by id
 * (byte order). */
#define FIT_DEFAULT_SEGMENTS 6
#define FIT_MAX_TOP 100
#define FIT_MAX_FILMS 100000
#define FIT_MAX_SCENES 200000

typedef struct { const char *id; double score; int film; } FitScore;

static int fit_cmp(const void *a, const void *b) {
    const FitScore *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* An integer field in lo..hi (default when absent); -1 + message otherwise. */
static int fit_int(const cJSON *req, const char *key, int def, int lo, int hi, int *out, char *err, size_t errlen) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
    *out = def;
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi) {
        snprintf(err, errlen, "\"%s\" must be an integer in %d..%d", key, lo, hi);
        return -1;
    }
    *out = (int)v->valuedouble;
    return 0;
}

/* One film's ms_film_soundtrack request (scenes as JSON, the songs still packed). */
static char *fit_film_request(const MatchSpace *sp, const float *rows, const float *w, int n, int segments,
                              const cJSON *packed_desc) {
    cJSON *req = cJSON_CreateObject();
    cJSON *sc = cJSON_AddArrayToObject(req, "scenes"), *sw = cJSON_AddArrayToObject(req, "scene_weights");
    for (int i = 0; req && sc && sw && i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        for (int j = 0; o && j < sp->n; j++) cJSON_AddNumberToObject(o, sp->name[j], rows[(size_t)i * sp->n + j]);
        cJSON_AddItemToArray(sc, o);
        cJSON_AddItemToArray(sw, cJSON_CreateNumber(w[i]));
    }
    cJSON_AddNumberToObject(req, "segments", segments);
    cJSON_AddItemToObject(req, "packed", cJSON_Duplicate(packed_desc, 1));
    char *s = req ? cJSON_PrintUnformatted(req) : NULL;
    cJSON_Delete(req);
    return s;
}

char *ms_film_fit(int h, const char *json, const float *packed, size_t n_floats) {
    Slot *s = slot_get(h);
    if (!s) return err_json("no such model");
    if (!s->space_ok) return err_json(s->space_err);
    if (!s->calib) return err_json(s->calib_err);
    const MatchSpace *sp = &s->space;
    int m = sp->n;
    char err[200] = "";
    cJSON *req = parse_request(json), *out = NULL;
    float *songs = NULL, *rows = NULL, *w = NULL, *spct = NULL, *price = NULL;
    FitScore *sc = NULL;
    size_t *at = NULL;
    int segments, top, n_films = 0, n_songs = 0, pm = 0, pcol[MATCH_MAX_METRICS], failed = 0, scored = 0;
    if (!cJSON_IsObject(req)) { snprintf(err, sizeof err, "the request is not a JSON object"); goto done; }
    if (fit_int(req, "segments", FIT_DEFAULT_SEGMENTS, 1, ARC_MAX_SEGMENTS, &segments, err, sizeof err) ||
        fit_int(req, "top", 5, 1, FIT_MAX_TOP, &top, err, sizeof err)) goto done;
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(req, "packed");
    const cJSON *pn = cJSON_GetObjectItemCaseSensitive(pd, "metrics"), *pc = cJSON_GetObjectItemCaseSensitive(pd, "n");
    const cJSON *films = cJSON_GetObjectItemCaseSensitive(req, "films");
    if (!packed || !cJSON_IsArray(pn) || !cJSON_IsNumber(pc)) {
        snprintf(err, sizeof err, "\"packed\" needs {\"metrics\": [names], \"n\": songs} and a buffer");
        goto done;
    }
    pm = cJSON_GetArraySize(pn);
    double rows_d = pc->valuedouble;
    if (pm < 1 || pm > 64 || !(rows_d >= 0 && rows_d <= MATCH_MAX_SONGS) || rows_d != floor(rows_d) ||
        (size_t)rows_d * (size_t)pm > n_floats) {
        snprintf(err, sizeof err, "\"packed\" does not fit its buffer");
        goto done;
    }
    for (int j = 0; j < m; j++) {
        pcol[j] = -1;
        int c = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, pn) {
            if (cJSON_IsString(it) && !strcmp(it->valuestring, sp->name[j])) { pcol[j] = c; break; }
            c++;
        }
    }
    if (!cJSON_IsArray(films)) { snprintf(err, sizeof err, "\"films\" must be an array of {\"id\", \"scenes\"}"); goto done; }
    n_films = cJSON_GetArraySize(films);
    if (n_films > FIT_MAX_FILMS) { snprintf(err, sizeof err, "too many films (at most %d)", FIT_MAX_FILMS); goto done; }
    /* every film's place in the buffer, checked before any work */
    int total = (int)rows_d, maxn = 1;
    at = malloc(sizeof(size_t) * (size_t)(n_films + 1));
    sc = malloc(sizeof *sc * (size_t)(n_films ? n_films : 1));
    songs = malloc(sizeof(float) * (size_t)(total ? total : 1) * m);
    if (!at || !sc || !songs) { snprintf(err, sizeof err, "out of memory"); goto done; }
    at[0] = (size_t)total * pm;
    {
        int f = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, films) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id"), *n = cJSON_GetObjectItemCaseSensitive(it, "scenes");
            if (!cJSON_IsString(id) || !cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble) ||
                n->valuedouble < 1 || n->valuedouble > FIT_MAX_SCENES) {
                snprintf(err, sizeof err, "film %d: needs {\"id\": string, \"scenes\": 1..%d}", f, FIT_MAX_SCENES);
                goto done;
            }
            int k = (int)n->valuedouble;
            if (k > maxn) maxn = k;
            size_t need = (size_t)k * (size_t)(pm + 1);
            if (at[f] > n_floats || need > n_floats - at[f]) { snprintf(err, sizeof err, "\"films\" do not fit the buffer"); goto done; }
            at[f + 1] = at[f] + need;
            sc[f] = (FitScore){ id->valuestring, 0, f };
            f++;
        }
    }
    /* the songs a soundtrack can use (ms_film_soundtrack's rule) */
    for (int i = 0; i < total; i++) {
        const float *in = packed + (size_t)i * pm;
        float *row = songs + (size_t)n_songs * m;
        int ok = 1;
        for (int j = 0; j < m && ok; j++) {
            float v = pcol[j] >= 0 ? in[pcol[j]] : NAN;
            if (isfinite(v) && fabsf(v) <= 1e30f) row[j] = v;
            else if (sp->weight[j] > 0) ok = 0;
            else row[j] = sp->mean[j];
        }
        n_songs += ok;
    }
    if (n_songs < 1) { snprintf(err, sizeof err, "no songs with a predicted mood in the library"); goto done; }
    rows = malloc(sizeof(float) * (size_t)maxn * m);
    w = malloc(sizeof(float) * (size_t)maxn);
    if (!rows || !w) { snprintf(err, sizeof err, "out of memory"); goto done; }
    /* the songs' percentiles once, not per film; no per-scene percentiles */
    spct = malloc(sizeof(float) * (size_t)n_songs * m);
    price = malloc(sizeof(float) * (size_t)n_songs);
    if (!spct || !price) { snprintf(err, sizeof err, "out of memory"); goto done; }
    if (soundtrack_song_pcts(sp, s->calib, songs, n_songs, spct, err, sizeof err) ||
        soundtrack_song_prices(sp, s->calib, spct, n_songs, price, err, sizeof err)) goto done;
    SoundtrackOpts so = { .n_segments = segments, .quick = 0, .seed = 0, .avoid_offset = -1, .lean = 1,
                          .song_pct = spct, .price = price };
    for (int f = 0; f < n_films; f++) {
        int n = (int)((at[f + 1] - at[f]) / (size_t)(pm + 1)), ok = 1;
        const float *in = packed + at[f], *win = in + (size_t)n * pm;
        for (int i = 0; i < n && ok; i++) {
            for (int j = 0; j < m && ok; j++) {
                float v = pcol[j] >= 0 ? in[(size_t)i * pm + pcol[j]] : NAN;
                if (isfinite(v) && fabsf(v) <= 1e30f) rows[(size_t)i * m + j] = v;
                else if (sp->weight[j] > 0) ok = 0;
                else rows[(size_t)i * m + j] = sp->mean[j];
            }
            w[i] = isfinite(win[i]) ? win[i] : 0;
        }
        char why[200];
        Soundtrack *st = ok ? soundtrack_build(sp, s->calib, rows, w, n, songs, n_songs, &so, why, sizeof why) : NULL;
        if (!st || st->n_picks < 1) { soundtrack_free(st); failed++; sc[f].score = INFINITY; continue; }
        double sum = 0;
        for (int g = 0; g < st->n_picks; g++) sum += round(st->picks[g].distance * 1e5) / 1e5;
        sc[f].score = sum / st->n_picks;
        scored++;
        soundtrack_free(st);
    }
    qsort(sc, (size_t)n_films, sizeof *sc, fit_cmp);
    out = cJSON_CreateObject();
    cJSON *rank = cJSON_CreateArray();
    if (!out || !rank) { cJSON_Delete(rank); snprintf(err, sizeof err, "out of memory"); goto done; }
    cJSON_AddNumberToObject(out, "segments", segments);
    cJSON_AddNumberToObject(out, "songs", n_songs);
    cJSON_AddNumberToObject(out, "films", scored);
    cJSON_AddNumberToObject(out, "failed", failed);
    cJSON_AddItemToObject(out, "ranking", rank);
    for (int r = 0; r < top && r < scored; r++) {
        int f = sc[r].film, n = (int)((at[f + 1] - at[f]) / (size_t)(pm + 1));
        const float *in = packed + at[f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) rows[(size_t)i * m + j] = pcol[j] >= 0 ? in[(size_t)i * pm + pcol[j]] : NAN;
        for (int i = 0; i < n; i++) w[i] = in[(size_t)n * pm + i];
        char *one = fit_film_request(sp, rows, w, n, segments, pd);
        char *res = one ? soundtrack_json(one, sp, s->calib, packed, n_floats) : NULL;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", sc[r].id);
        char num[40];   /* all 17 digits: cJSON's own printing may drop the last bit */
        snprintf(num, sizeof num, "%.17g", sc[r].score);
        cJSON_AddRawToObject(e, "score", num);
        cJSON_AddItemToObject(e, "result", res ? cJSON_Parse(res) : cJSON_CreateNull());
        cJSON_AddItemToArray(rank, e);
        free(one); free(res);
    }
done:
    free(songs); free(rows); free(w); free(sc); free(at); free(spct); free(price);
    if (out) { cJSON_Delete(req); return take(out); }
    cJSON_Delete(req);
    return err_json(err[0] ? err : "could not rank the films");
}
