/* api.c — the engine's flat C ABI for the web page: the calls of api.h
 * (their list and contracts are there; JSON in, JSON out). This file turns
 * requests into the engine's C calls and answers into JSON, and keeps the
 * loaded models: loading and freeing them, predictions, matching and
 * explanations. The script calls (scenes, arcs, a script read once) are in
 * api_script.c, the film soundtrack calls (one film, the films a library
 * fits best) in api_film.c; the three share api_internal.h.
 *
 * Models live in a small table of slots; ms_model_load returns a handle
 * (1..MS_MAX_MODELS) that the other calls take. Handle 0 means "no model"
 * where a model is optional (matching with statistics given in the request).
 *
 * Invalid UTF-8 in a request is replaced before parsing (api_request_text
 * below), so it is never echoed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "api.h"
#include "api_internal.h"
#include "arc.h"
#include "err.h"
#include "explain.h"
#include "match.h"
#include "model.h"
#include "soundtrack.h"
#include "text.h"
#include "utf8.h"

#define MS_PREDICT_CHUNK 256          /* texts predicted per batch */
#define MS_MAX_PREDICT_ITEMS 200000   /* items in one ms_predict call */
#define MS_API_VERSION 1

static Slot slots[MS_MAX_MODELS];

/* Length of the valid UTF-8 prefix of s[0..n). ASCII bytes are skipped in
 * a loop of their own: a call a byte is what costs in a 2 MB request or a
 * model's 40,000 words (the first call of a load runs unoptimised). */
static size_t utf8_valid_prefix(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    for (int k; i < n;) {
        if (u[i] < 0x80) { i++; continue; }
        if ((k = utf8_char_len(s, n, i)) == 0) break;
        i += (size_t)k;
    }
    return i;
}

/* A request as the engine reads it: *owned is NULL and the text is json
 * itself when json is valid UTF-8 (or NULL); otherwise *owned is a copy
 * with every invalid sequence replaced by U+FFFD (one per maximal bad run
 * of bytes that starts no valid character), and that copy is the text.
 * -1 when the copy cannot be allocated. */
int api_request_text(const char *json, char **owned, const char **text) {
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
char *api_err(const char *msg) {
    char *owned;
    const char *text;
    if (api_request_text(msg, &owned, &text)) return ms_error_json("out of memory");
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
    /* the words NUL-separated: a word ending inside a character fails at its NUL */
    size_t n;
    const char *words = vocab_words_text(m->vocab, &n);
    return utf8_valid_prefix(words, n) == n;
}

/* cJSON_Parse of a request read as above. */
cJSON *api_parse(const char *json) {
    char *owned;
    const char *text;
    if (api_request_text(json, &owned, &text)) return NULL;
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    free(owned);
    return o;
}

char *api_take(cJSON *o) {
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s ? s : api_err("out of memory");
}

Slot *api_slot(int h) {
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
    return api_take(o);
}

/* Matching space of a model: its outputs with their target statistics, and
 * recommended weights from meta {"match_weights": {name: w}} when present
 * (meta: the model's meta parsed, NULL or not an object when it has none). */
static void slot_make_space(Slot *s, const cJSON *meta) {
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
    const cJSON *mw = cJSON_GetObjectItemCaseSensitive(meta, "match_weights");
    if (cJSON_IsObject(mw)) {
        for (int j = 0; j < m->n_outputs; j++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(mw, names[j]);
            if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0 && v->valuedouble < 1e30)
                w[j] = (float)v->valuedouble;
        }
    }
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

/* The calibration tables from the model's meta parsed (calib.h); a model
 * without them still predicts and matches (match.h), only soundtracks need
 * them. */
static void slot_load_calib(Slot *s, const cJSON *meta) {
    Calib *c = malloc(sizeof *c);
    if (!c) { snprintf(s->calib_err, sizeof s->calib_err, "out of memory"); return; }
    if (calib_from_meta_cjson(c, meta, s->calib_err, sizeof s->calib_err) == 1) { s->calib = c; return; }
    free(c);
}

static cJSON *info_object(int h) {
    Slot *s = api_slot(h);
    cJSON *o = cJSON_Duplicate(s->header, 1);
    if (!o) o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "model", h);
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
    if (!bytes || !len) return api_err("no model bytes");
    int free_slot = -1;
    for (int i = 0; i < MS_MAX_MODELS; i++) if (!slots[i].model) { free_slot = i; break; }
    if (free_slot < 0) return api_err("too many models loaded; free one first");
    char err[256] = "";
    Model *m = model_load_bytes(bytes, len, err, sizeof err);
    if (!m) return api_err(err[0] ? err : "could not load the model");
    if (!model_strings_valid(m)) {
        model_free(m);
        return api_err("the model's output names, words or meta are not valid UTF-8");
    }
    Slot *s = &slots[free_slot];
    memset(s, 0, sizeof *s);
    s->model = m;
    /* the meta parsed once, in the header every info answer starts from
     * (NULL when out of memory: the answer then lacks the header) */
    s->header = model_header_object(m);
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(s->header, "meta");
    slot_make_space(s, meta);
    slot_load_calib(s, meta);
    /* the calibration tables stay in the engine ("calibrated" says whether
     * there are any): no answer prints them */
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "calibration");
    return api_take(info_object(free_slot + 1));
}

char *ms_model_free(int h) {
    Slot *s = api_slot(h);
    if (!s) return api_err("no such model");
    model_free(s->model);
    cJSON_Delete(s->header);
    free(s->calib);
    memset(s, 0, sizeof *s);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", 1);
    return api_take(o);
}

char *ms_model_info(int h) {
    if (!api_slot(h)) return api_err("no such model");
    return api_take(info_object(h));
}

/* {"energy": 1, "tempo": 0.5, ...}: names not given keep their weight. */
char *ms_model_set_weights(int h, const char *json) {
    Slot *s = api_slot(h);
    if (!s) return api_err("no such model");
    if (!s->space_ok) return api_err(s->space_err);
    cJSON *w = api_parse(json);
    if (!cJSON_IsObject(w)) { cJSON_Delete(w); return api_err("weights must be a JSON object of numbers"); }
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
    if (err[0]) return api_err(err);
    s->space = sp;
    return api_take(info_object(h));
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
    if (api_request_text(json, &owned, &json) || !json) return NULL;
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
    Slot *s = api_slot(h);
    if (!s) return api_err("no such model");
    cJSON *in = parse_texts_json(json);
    if (!cJSON_IsArray(in)) { cJSON_Delete(in); return api_err("expected a JSON array of texts or {\"id\", \"text\"} objects"); }
    int n = cJSON_GetArraySize(in);
    if (n > MS_MAX_PREDICT_ITEMS) { cJSON_Delete(in); return api_err("too many texts in one call"); }
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
    return res ? res : api_err("out of memory");
}

/* Matching: the model's space (h > 0) or none (h == 0, request carries
 * mean/std). */
static int space_for(int h, const MatchSpace **sp, char **err) {
    *sp = NULL;
    if (h == 0) return 0;
    Slot *s = api_slot(h);
    if (!s) { *err = api_err("no such model"); return -1; }
    if (!s->space_ok) { *err = api_err(s->space_err); return -1; }
    *sp = &s->space;
    return 0;
}

/* packed / n_floats: optional float32 song rows for a request with
 * "packed" instead of "songs" (match.h); NULL / 0 otherwise. */
char *ms_match(int h, const char *json, const float *packed, size_t n_floats) {
    const MatchSpace *sp;
    char *e, *owned;
    if (space_for(h, &sp, &e)) return e;
    if (api_request_text(json, &owned, &json)) return api_err("out of memory");
    char *r = match_json_topk_packed(json, sp, packed, n_floats);
    free(owned);
    return r;
}

char *ms_soundtrack(int h, const char *json, const float *packed, size_t n_floats) {
    const MatchSpace *sp;
    char *e, *owned;
    if (space_for(h, &sp, &e)) return e;
    if (api_request_text(json, &owned, &json)) return api_err("out of memory");
    char *r = match_json_soundtrack_packed(json, sp, packed, n_floats);
    free(owned);
    return r;
}

char *ms_pool(const char *json) {
    char *owned;
    if (api_request_text(json, &owned, &json)) return api_err("out of memory");
    char *r = match_json_pool(json);
    free(owned);
    return r;
}

/* {"text": "...", "max_words": 64, "top": 5} */
char *ms_explain(int h, const char *json) {
    Slot *s = api_slot(h);
    if (!s) return api_err("no such model");
    cJSON *req = parse_texts_json(json);
    if (!cJSON_IsObject(req)) { cJSON_Delete(req); return api_err("expected {\"text\": ...}"); }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(req, "text");
    ExplainOpts o = explain_default_opts();
    const char *keys[] = {"max_words", "top"};
    int *dst[] = {&o.max_words, &o.top};
    char *res = NULL;
    if (!cJSON_IsString(t)) { res = api_err("\"text\" must be a string"); goto done; }
    for (int q = 0; q < 2; q++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, keys[q]);
        if (!v || cJSON_IsNull(v)) continue;
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 1 ||
            v->valuedouble > EXPLAIN_MAX_WORDS) {
            char msg[96];
            snprintf(msg, sizeof msg, "\"%s\" must be an integer in 1..%d", keys[q], EXPLAIN_MAX_WORDS);
            res = api_err(msg);
            goto done;
        }
        *dst[q] = (int)v->valuedouble;
    }
    res = explain_json(s->model, t->valuestring, strlen(t->valuestring), &o);
done:
    cJSON_Delete(req);
    return res ? res : api_err("out of memory");
}
