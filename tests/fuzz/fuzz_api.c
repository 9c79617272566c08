/* fuzz_api.c — libFuzzer harness for every exported ms_* entry point
 * (wasm/api.c, the page's only way into the engine). The first input byte
 * picks the function and a flag; the rest is its JSON (for ms_scenes and
 * ms_arc: options JSON, a NUL byte, then the script). Every answer must be
 * a JSON text that parses. A tiny random model is loaded once, through
 * ms_model_load, so the model-bound calls have a handle. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "api.h"
#include "fuzz_common.h"
#include "model.h"


static int model_handle;

/* The "model" handle of an ms_model_load answer, 0 when there is none. */
static int handle_of(const cJSON *o) {
    const cJSON *h = cJSON_GetObjectItem(o, "model");
    return cJSON_IsNumber(h) && h->valuedouble >= 1 && h->valuedouble <= 1000 ? (int)h->valuedouble : 0;
}

static int load_tiny_model(void) {
    static const char *const words[] = {"love", "night", "dance", "heart", "cry", "rain", "fire", "sun",
                                        "dark", "light", "run", "home", "alone", "party", "tears", "gold"};
    static const char *const names[] = {"energy", "valence", "tempo", "liveness"};
    static const float mean[] = {0.6f, 0.45f, 120.0f, 0.2f}, sd[] = {0.2f, 0.25f, 30.0f, 0.15f};
    LayerSpec arch[] = {
        {LAYER_EMBEDDING, 8, 0, 0, 0, 0}, {LAYER_CONV1D, 6, 3, NN_ACT_RELU, 0, 0},
        {LAYER_MAXPOOL1D, 0, 2, 0, 0, 0}, {LAYER_LSTM, 5, 0, 0, 0, 0},
        {LAYER_DENSE, 4, 0, NN_ACT_LINEAR, 0, 0},
    };
    char err[256];
    Model *m = model_create(arch, 5, 24, (const char **)words, 16, (const char **)names, mean, sd, 4, err, sizeof err);
    FUZZ_ASSERT(m != NULL, err);
    model_init_random(m, 42);
    model_set_meta(m, "{\"name\":\"fuzz\",\"match_weights\":{\"energy\":1,\"valence\":2}}");
    unsigned char *bytes = NULL;
    size_t n = 0;
    FUZZ_ASSERT(model_save_bytes(m, 0, &bytes, &n, err, sizeof err) == 0, err);
    model_free(m);
    char *r = ms_model_load(bytes, n);
    free(bytes);
    cJSON *o = cJSON_Parse(r);
    int h = handle_of(o);
    FUZZ_ASSERT(h > 0, r ? r : "ms_model_load answered NULL");
    cJSON_Delete(o);
    ms_free(r);
    return h;
}

/* Every answer is a malloc'd JSON text. */
static void check_answer(char *r) {
    FUZZ_ASSERT(r != NULL, "an answer (NULL only when out of memory)");
    cJSON *o = cJSON_Parse(r);
    FUZZ_ASSERT(o != NULL, "the answer parses as JSON");
    cJSON_Delete(o);
    ms_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!model_handle) model_handle = load_tiny_model();
    if (size < 1) return 0;
    unsigned sel = data[0];
    int h = (sel & 0x80) ? 0 : model_handle;   /* also the "no model" handle */
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
    switch (sel & 0x0F) {
    case 0: check_answer(ms_predict(h, json)); break;
    case 1: check_answer(ms_match(h, json, packed, n_floats)); break;
    case 2: check_answer(ms_soundtrack(h, json, packed, n_floats)); break;
    case 3: check_answer(ms_pool(json)); break;
    case 4: check_answer(ms_explain(h, json)); break;
    case 5: check_answer(ms_scenes(body, body_len, json)); break;
    case 6: check_answer(ms_arc(h, body, body_len, json)); break;
    case 7: check_answer(ms_arc_from_metrics(h, json)); break;
    case 8: check_answer(ms_model_info(h)); check_answer(ms_constants()); break;
    case 9: {
        /* set weights, then put the defaults back so later inputs start equal */
        check_answer(ms_model_set_weights(h, json));
        check_answer(ms_model_set_weights(h, "{\"energy\":1,\"valence\":2}"));
        break;
    }
    case 10: {
        char *r = ms_model_load(data + 1, size - 1);
        cJSON *o = cJSON_Parse(r);
        FUZZ_ASSERT(o != NULL, "ms_model_load answers JSON");
        int got = handle_of(o);
        if (got > 0) check_answer(ms_model_free(got));
        cJSON_Delete(o);
        ms_free(r);
        break;
    }
    default: check_answer(ms_scenes(json, strlen(json), body_len ? body : NULL)); break;
    }
    free(packed);
    free(json);
    return 0;
}
