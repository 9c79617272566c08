/* fuzz_api.c — libFuzzer harness for every exported ms_* entry point
 * (wasm/api.h, the one list of the engine's calls: the page's only way in;
 * tests/js/api-wiring.test.mjs fails unless every call there is called here).
 *
 * Input: the first byte picks the function (low 4 bits) and two flags; the
 * rest is its JSON (for ms_scenes, ms_arc and ms_read_script: options JSON, a NUL byte,
 * then the script).
 *   0x80  handle 0 ("no model": matching with statistics in the request)
 *   0x40  the request bytes are also passed as packed float32 song rows
 *   0x20  the uncalibrated sequence model (embedding, conv1d, lstm) instead
 *         of the calibrated one (fuzz_models.h: the shipped model's shape,
 *         two heads, calibration tables and reference soundtracks, so
 *         ms_film_soundtrack and ms_film_fit reach the percentiles, prices
 *         and assignment)
 *
 * Every answer is checked (check_answer): not NULL, valid UTF-8 whatever
 * the request held (invalid UTF-8 in a request is replaced, never echoed),
 * a JSON text that parses to an object or array, an {"error": ...} whose
 * message is a non-empty string, every number finite and no null outside
 * an echoed "id" (cJSON prints NaN and infinities as null).
 * At exit the harness prints how many times each entry point ran. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "api.h"
#include "fuzz_common.h"
#include "fuzz_models.h"
#include "model.h"

static int calibrated_handle, plain_handle;

enum { E_PREDICT, E_MATCH, E_SOUNDTRACK, E_POOL, E_EXPLAIN, E_SCENES, E_ARC, E_ARC_METRICS, E_INFO,
       E_SET_WEIGHTS, E_MODEL_LOAD, E_FILM_SOUNDTRACK, E_READ_SCRIPT, E_FILM_FIT, E_N };
static const char *const ENTRY[E_N] = {
    "ms_predict", "ms_match", "ms_soundtrack", "ms_pool", "ms_explain", "ms_scenes", "ms_arc",
    "ms_arc_from_metrics", "ms_model_info+ms_constants", "ms_model_set_weights", "ms_model_load+ms_model_free",
    "ms_film_soundtrack", "ms_read_script", "ms_film_fit"};
static unsigned long long runs[E_N];

static void print_runs(void) {
    fprintf(stderr, "fuzz_api: executions per entry point:");
    for (int e = 0; e < E_N; e++) fprintf(stderr, " %s=%llu", ENTRY[e], runs[e]);
    fprintf(stderr, "\n");
}

/* The "model" handle of an ms_model_load answer, 0 when there is none. */
static int handle_of(const cJSON *o) {
    const cJSON *h = cJSON_GetObjectItem(o, "model");
    return cJSON_IsNumber(h) && h->valuedouble >= 1 && h->valuedouble <= 1000 ? (int)h->valuedouble : 0;
}

static int load(int arch, const char *meta) {
    size_t n = 0;
    unsigned char *bytes = fuzz_model_bytes(arch, meta, arch == FUZZ_CALIBRATED_ARCH, &n);
    char *r = ms_model_load(bytes, n);
    free(bytes);
    cJSON *o = cJSON_Parse(r);
    int h = handle_of(o);
    FUZZ_ASSERT(h > 0, r ? r : "ms_model_load answered NULL");
    if (arch == FUZZ_CALIBRATED_ARCH) FUZZ_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(o, "calibrated")), r);
    cJSON_Delete(o);
    ms_free(r);
    return h;
}

/* No null outside "id" (a NaN or infinity printed by cJSON), every number finite. */
static void check_values(const cJSON *v, const char *key, const char *answer) {
    if (cJSON_IsNull(v)) FUZZ_ASSERT(key && !strcmp(key, "id"), answer);
    if (cJSON_IsNumber(v)) FUZZ_ASSERT(isfinite(v->valuedouble), answer);
    if (key && !strcmp(key, "id")) return;   /* an echoed id is the caller's */
    for (const cJSON *c = v->child; c; c = c->next) check_values(c, cJSON_IsObject(v) ? c->string : NULL, answer);
}

static int print_answers;   /* FUZZ_API_PRINT=1: each answer's start on stderr (seeds) */

static void check_answer(char *r) {
    FUZZ_ASSERT(r != NULL, "an answer (NULL only when out of memory)");
    if (print_answers) fprintf(stderr, "answer: %.300s\n", r);
    FUZZ_ASSERT(fuzz_valid_utf8(r, strlen(r)), "the answer is valid UTF-8");
    cJSON *o = cJSON_Parse(r);
    FUZZ_ASSERT(o != NULL, "the answer parses as JSON");
    FUZZ_ASSERT(cJSON_IsObject(o) || cJSON_IsArray(o), "the answer is an object or an array");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
    if (cJSON_IsObject(o) && e) FUZZ_ASSERT(cJSON_IsString(e) && e->valuestring[0], "an error is a message");
    if (cJSON_IsObject(o) && !e) FUZZ_ASSERT(o->child != NULL, "a result is not empty");
    check_values(o, NULL, r);
    cJSON_Delete(o);
    ms_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!calibrated_handle) {
        char *meta = fuzz_calibration_meta();
        calibrated_handle = load(FUZZ_CALIBRATED_ARCH, meta);
        free(meta);
        plain_handle = load(0, "{\"name\":\"fuzz\",\"match_weights\":{\"energy\":1,\"valence\":2}}");
        atexit(print_runs);
        print_answers = getenv("FUZZ_API_PRINT") != NULL;
    }
    if (size < 1) return 0;
    unsigned sel = data[0];
    int h = (sel & 0x80) ? 0 : (sel & 0x20) ? plain_handle : calibrated_handle;
    char *json = fuzz_cstring(data + 1, size - 1);
    if (!json) return 0;
    /* packed song metrics for match/soundtrack: the input bytes read as floats */
    size_t n_floats = (sel & 0x40) ? (size - 1) / sizeof(float) : 0;
    float *packed = n_floats ? malloc(n_floats * sizeof(float)) : NULL;
    if (packed) memcpy(packed, data + 1, n_floats * sizeof(float));
    else n_floats = 0;
    const char *body = json + strlen(json);   /* after the first NUL: a script */
    size_t body_len = size - 1 - (size_t)(body - json);
    if (body_len) { body++; body_len--; }
    int e = sel & 0x0F;
    if (e < E_N) runs[e]++;
    switch (e) {
    case E_PREDICT: check_answer(ms_predict(h, json)); break;
    case E_MATCH: check_answer(ms_match(h, json, packed, n_floats)); break;
    case E_SOUNDTRACK: check_answer(ms_soundtrack(h, json, packed, n_floats)); break;
    case E_POOL: check_answer(ms_pool(json)); break;
    case E_EXPLAIN: check_answer(ms_explain(h, json)); break;
    case E_SCENES: check_answer(ms_scenes(body, body_len, json)); break;
    case E_ARC: check_answer(ms_arc(h, body, body_len, json)); break;
    case E_ARC_METRICS: check_answer(ms_arc_from_metrics(h, json)); break;
    case E_INFO: check_answer(ms_model_info(h)); check_answer(ms_constants()); break;
    case E_SET_WEIGHTS: {
        /* set weights, then put the defaults back so later inputs start equal */
        check_answer(ms_model_set_weights(h, json));
        if (h) check_answer(ms_model_set_weights(h, h == plain_handle ? "{\"energy\":1,\"valence\":2,\"tempo\":1,\"liveness\":1}"
                                                                       : "{\"energy\":1,\"valence\":1,\"tempo\":0.25,\"liveness\":0.25}"));
        break;
    }
    case E_MODEL_LOAD: {
        /* the bytes as a weights file; with 0x40 the last 4 bytes become the
         * file's checksum (as in fuzz_weights), so mutations reach the parser */
        unsigned char *buf = malloc(size);
        if (!buf) break;
        memcpy(buf, data + 1, size - 1);
        size_t n = size - 1;
        if ((sel & 0x40) && n >= 8) {
            uint32_t x = 0x811c9dc5u;
            for (size_t i = 0; i < n - 4; i++) { x ^= buf[i]; x *= 0x01000193u; }
            for (int k = 0; k < 4; k++) buf[n - 4 + k] = (unsigned char)(x >> (8 * k));
        }
        char *r = ms_model_load(buf, n);
        free(buf);
        cJSON *o = cJSON_Parse(r);
        int got = handle_of(o);
        cJSON_Delete(o);
        check_answer(r);
        if (got > 0) {
            char req[] = "[\"love the night\"]";
            check_answer(ms_predict(got, req));
            check_answer(ms_model_free(got));
        }
        break;
    }
    case E_FILM_SOUNDTRACK: check_answer(ms_film_soundtrack(h, json, packed, n_floats)); break;
    case E_READ_SCRIPT: check_answer(ms_read_script(h, body, body_len, json)); break;
    /* the films' scene rows and weights follow the songs in the same buffer */
    case E_FILM_FIT: check_answer(ms_film_fit(h, json, packed, n_floats)); break;
    default: runs[E_SCENES]++; check_answer(ms_scenes(json, strlen(json), body_len ? body : NULL)); break;
    }
    free(packed);
    free(json);
    return 0;
}
