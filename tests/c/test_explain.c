/* test_explain.c — occlusion attribution (explain.c) against direct
 * predictions, and every wasm/api.c entry point called natively with good,
 * hostile and fuzzed input (under ASan/UBSan: no crash, no leak, always a
 * JSON answer). */
#include "check.h"
#include "cJSON.h"
#include "explain.h"
#include "match.h"
#include "model.h"
#include "utf8.h"

#include <stdint.h>

#include "api.h"   /* api.c's entry points */

static const char *WORDS[] = {"love", "night", "dance", "heart", "cry", "rain", "fire", "sun",
                              "dark", "light", "run", "home", "alone", "party", "tears", "gold"};
#define N_WORDS 16
static const char *NAMES[] = {"energy", "valence", "tempo", "liveness"};
static const float MEAN[] = {0.6f, 0.45f, 120.0f, 0.2f};
static const float STD[] = {0.2f, 0.25f, 30.0f, 0.15f};

static Model *tiny_model(int seq_len, uint64_t seed) {
    LayerSpec arch[] = {
        {LAYER_EMBEDDING, 8, 0, 0, 0, 0},
        {LAYER_CONV1D, 6, 3, NN_ACT_RELU, 0, 0},
        {LAYER_MAXPOOL1D, 0, 2, 0, 0, 0},
        {LAYER_LSTM, 5, 0, 0, 0, 0},
        {LAYER_DENSE, 4, 0, NN_ACT_LINEAR, 0, 0},
    };
    char err[256];
    Model *m = model_create(arch, 5, seq_len, WORDS, N_WORDS, NAMES, MEAN, STD, 4, err, sizeof err);
    if (!m) { printf("# model_create: %s\n", err); exit(1); }
    model_init_random(m, seed);
    /* larger random weights so every word matters */
    for (size_t i = 0; i < m->n_params; i++) m->params[i] *= 3.0f;
    model_prepare(m, NULL, 0);
    return m;
}

/* The text with every occurrence of `skip` removed (tokens are plain words). */
static void without(char *out, size_t cap, const char *const *toks, int n, const char *skip) {
    out[0] = 0;
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        if (skip && !strcmp(toks[i], skip)) continue;
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", toks[i]);
    }
}

static void test_occlusion(void) {
    Model *m = tiny_model(12, 3);
    /* 14 tokens > seq_len 12: removing a word lets later words in */
    const char *toks[] = {"love", "rain", "love", "zzz", "fire", "night", "love", "dark",
                          "cry", "rain", "home", "sun", "gold", "party"};
    int n = 14;
    char text[512], reduced[512];
    without(text, sizeof text, toks, n, NULL);
    ExplainOpts o = explain_default_opts();
    char err[200] = "";
    ExplainResult *r = explain_run(m, text, strlen(text), &o, err, sizeof err);
    CHECK(r != NULL, "explain runs on a tiny model");
    if (!r) { model_free(m); return; }
    float base[4];
    model_predict_text(m, text, strlen(text), base);
    check_tensor(r->base, base, 4, 1e-6f, "explain's base prediction is the text's prediction");
    CHECK(r->n_tokens == 12, "it reads the first seq_len tokens");
    /* distinct in-vocabulary words among the first 12: love rain fire night dark cry home sun (zzz is OOV) */
    CHECK(r->n_distinct == 8 && r->n_words == 8, "distinct in-vocabulary words are counted, OOV left out");
    CHECK(!strcmp(r->words[0].word, "love") && r->words[0].count == 3, "the most frequent word comes first");
    CHECK(!strcmp(r->words[1].word, "rain") && r->words[1].count == 2, "then the next, ties by first occurrence");
    int ok = 1, moved = 0;
    for (int q = 0; q < r->n_words; q++) {
        without(reduced, sizeof reduced, toks, n, r->words[q].word);
        float p[4];
        model_predict_text(m, reduced, strlen(reduced), p);
        for (int j = 0; j < 4; j++) {
            float want = base[j] - p[j];
            if (fabsf(r->words[q].delta[j] - want) > 1e-5f * fmaxf(1, fabsf(want))) {
                ok = 0;
                printf("# %s metric %d: got %g want %g\n", r->words[q].word, j, r->words[q].delta[j], want);
            }
            if (r->words[q].delta[j] != 0) moved = 1;
        }
    }
    CHECK(ok, "each word's delta is the prediction minus the prediction of the text without it");
    CHECK(moved, "and the words do move the prediction");
    explain_free(r);

    o.max_words = 3;
    r = explain_run(m, text, strlen(text), &o, err, sizeof err);
    CHECK(r && r->n_words == 3 && r->n_distinct == 8, "max_words bounds the words tried");
    explain_free(r);

    r = explain_run(m, "", 0, NULL, err, sizeof err);
    CHECK(r && r->n_words == 0 && r->n_tokens == 0, "an empty text has nothing to explain");
    explain_free(r);
    r = explain_run(m, "qqq zzz xxx", 11, NULL, err, sizeof err);
    CHECK(r && r->n_words == 0 && r->n_tokens == 3, "out-of-vocabulary words are not tried");
    explain_free(r);
    o.max_words = 0;
    CHECK(!explain_run(m, text, strlen(text), &o, err, sizeof err) && strstr(err, "max_words"), "bad options are refused");
    CHECK(!explain_run(NULL, text, strlen(text), NULL, err, sizeof err), "no model is refused");

    o = explain_default_opts();
    o.top = 2;
    char *js = explain_json(m, text, strlen(text), &o);
    cJSON *j = cJSON_Parse(js);
    cJSON *top = cJSON_GetObjectItem(j, "top");
    ok = cJSON_IsObject(top);
    for (int k = 0; k < 4 && ok; k++) {
        cJSON *lst = cJSON_GetObjectItem(top, NAMES[k]);
        int nl = cJSON_GetArraySize(lst);
        if (!cJSON_IsArray(lst) || nl > 2) ok = 0;
        for (int q = 1; q < nl; q++)
            if (fabs(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(lst, q - 1), "delta"))) <
                fabs(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(lst, q), "delta")))) ok = 0;
    }
    CHECK(ok, "explain_json lists at most `top` words per metric, largest |delta| first");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "words")) == 8, "and every word tried with its deltas");
    cJSON_Delete(j);
    free(js);
    model_free(m);
}

/* ---- api.c ------------------------------------------------------------------*/

static int answer_is_error(char *s) {
    cJSON *j = s ? cJSON_Parse(s) : NULL;
    int e = cJSON_IsString(cJSON_GetObjectItem(j, "error"));
    cJSON_Delete(j);
    ms_free(s);
    return e;
}

static int answer_is_json(char *s) {
    cJSON *j = s ? cJSON_Parse(s) : NULL;
    int ok = j != NULL;
    cJSON_Delete(j);
    ms_free(s);
    return ok;
}

static cJSON *answer(char *s) {
    cJSON *j = s ? cJSON_Parse(s) : NULL;
    ms_free(s);
    return j;
}

static unsigned char *model_bytes(size_t *len) {
    Model *m = tiny_model(16, 9);
    model_set_meta(m, "{\"match_weights\":{\"energy\":1,\"valence\":2,\"tempo\":0.5,\"liveness\":0}}");
    unsigned char *buf = NULL;
    char err[128];
    if (model_save_bytes(m, 0, &buf, len, err, sizeof err)) { printf("# %s\n", err); exit(1); }
    model_free(m);
    return buf;
}

static const char *SCRIPT =
    "INT. KITCHEN - NIGHT\n\nRain on the window.\n\nANNA\nI cry alone in the dark.\n\n"
    "EXT. BEACH - DAY\n\nSun and gold. A party.\n\nBEN\nDance, love, dance!\n\n"
    "INT. CAR - NIGHT\n\nFire on the road.\n\nANNA\nRun home.\n";

static void test_api_good(int h) {
    cJSON *c = answer(ms_constants());
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(c, "pool_size")) == MATCH_POOL_SIZE, "ms_constants exports the pool size");
    cJSON_Delete(c);
    cJSON *info = answer(ms_model_info(h));
    cJSON *w = cJSON_GetObjectItem(info, "weights");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(w, "valence")) == 2 && cJSON_GetNumberValue(cJSON_GetObjectItem(w, "liveness")) == 0,
          "recommended weights come from the model's meta");
    cJSON_Delete(info);
    cJSON *p = answer(ms_predict(h, "[\"love rain\", {\"id\": 5, \"text\": \"fire sun\"}, 7]"));
    CHECK(cJSON_GetArraySize(p) == 3 && cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetArrayItem(p, 0), "energy")) &&
          cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(p, 1), "id")) == 5 &&
          cJSON_IsString(cJSON_GetObjectItem(cJSON_GetArrayItem(p, 2), "error")),
          "ms_predict answers per item, errors in place");
    float direct[4];
    Model *m = tiny_model(16, 9);
    model_predict_text(m, "love rain", 9, direct);
    model_free(m);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(p, 0), "tempo")), direct[2], 1e-4,
               "ms_predict equals model_predict_text");
    cJSON_Delete(p);

    /* a NUL inside a text is whitespace, not the end of the text */
    cJSON *nul = answer(ms_predict(h, "[\"love\\u0000rain\", \"love\\\\u0000rain\"]"));
    cJSON *spc = answer(ms_predict(h, "[\"love rain\", \"love\"]"));
    float with_nul = (float)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(nul, 0), "tempo"));
    float with_space = (float)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(spc, 0), "tempo"));
    float first_word = (float)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(spc, 1), "tempo"));
    CHECK(with_nul == with_space && with_space != first_word,
          "ms_predict keeps the text after an escaped NUL (read as a space)");
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetArrayItem(nul, 1), "tempo")),
          "an escaped backslash before u0000 is text, not a NUL");
    cJSON_Delete(nul);
    cJSON_Delete(spc);
    char *e1 = ms_explain(h, "{\"text\": \"love\\u0000rain fire\"}"), *e2 = ms_explain(h, "{\"text\": \"love rain fire\"}");
    CHECK(e1 && e2 && strcmp(e1, e2) == 0, "ms_explain keeps the text after an escaped NUL");
    ms_free(e1);
    ms_free(e2);

    float packed[] = {0.9f, 0.9f, 150, 0.1f, 0.3f, 0.2f, 80, 0.1f, NAN, 0.5f, 100, 0.2f};
    cJSON *mt = answer(ms_match(h, "{\"packed\":{\"metrics\":[\"energy\",\"valence\",\"tempo\",\"liveness\"],\"n\":3},"
                                   "\"target\":{\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1},\"k\":2}", packed, 12));
    cJSON *mm = cJSON_GetObjectItem(mt, "matches");
    CHECK(cJSON_GetArraySize(mm) == 2 && cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(mm, 0), "index")) == 1 &&
          cJSON_GetArraySize(cJSON_GetObjectItem(mt, "skipped")) == 1, "ms_match reads packed float rows (NaN = missing)");
    cJSON_Delete(mt);
    cJSON *st = answer(ms_soundtrack(h, "{\"songs\":[{\"energy\":1,\"valence\":1,\"tempo\":100,\"liveness\":0},"
                                        "{\"energy\":0,\"valence\":0,\"tempo\":100,\"liveness\":0}],"
                                        "\"segments\":[{\"energy\":0,\"valence\":0,\"tempo\":100,\"liveness\":0}]}", NULL, 0));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(st, "assignment"), 0), "index")) == 1,
          "ms_soundtrack assigns the nearest song");
    cJSON_Delete(st);
    cJSON *ex = answer(ms_explain(h, "{\"text\":\"love love rain fire\",\"top\":2}"));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(ex, "distinct")) == 3, "ms_explain explains");
    cJSON_Delete(ex);
    cJSON *sc = answer(ms_scenes(SCRIPT, strlen(SCRIPT), "{\"format\":\"fountain\",\"text\":true}"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "scenes")) == 3 &&
          cJSON_IsString(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "scenes"), 0), "text")),
          "ms_scenes splits a script, with scene texts when asked");
    cJSON_Delete(sc);
    cJSON *arc = answer(ms_arc(h, SCRIPT, strlen(SCRIPT), "{\"format\":\"fountain\",\"segments\":2}"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(arc, "segments")) == 2, "ms_arc gives the requested segments");
    cJSON_Delete(arc);
    cJSON *am = answer(ms_arc_from_metrics(h, "{\"scenes\":[{\"energy\":0.1,\"valence\":0.2,\"tempo\":90,\"liveness\":0.1},"
                                              "{\"energy\":0.9,\"valence\":0.8,\"tempo\":140,\"liveness\":0.3},"
                                              "{\"energy\":0.85,\"valence\":0.8,\"tempo\":138,\"liveness\":0.3}],\"segments\":2}"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(am, "segments")) == 2, "ms_arc_from_metrics re-splits known scene moods");
    cJSON_Delete(am);
}

static void test_api_hostile(int h) {
    int all = 1;
#define BAD(call) do { if (!answer_is_error(call)) { all = 0; printf("# not an error: %s\n", #call); } } while (0)
    BAD(ms_model_load(NULL, 0));
    BAD(ms_model_load("MSNN", 4));
    BAD(ms_model_load("\x00\x01\x02\x03\x04\x05\x06\x07\x08", 9));
    BAD(ms_model_free(0)); BAD(ms_model_free(-1)); BAD(ms_model_free(9999));
    BAD(ms_model_info(0)); BAD(ms_model_info(17));
    BAD(ms_model_set_weights(h, NULL)); BAD(ms_model_set_weights(h, "[]")); BAD(ms_model_set_weights(h, "{\"energy\":-1}"));
    BAD(ms_model_set_weights(h, "{\"nope\":1}")); BAD(ms_model_set_weights(h, "{\"energy\":\"1\"}"));
    BAD(ms_model_set_weights(h, "{\"energy\":0,\"valence\":0,\"tempo\":0,\"liveness\":0}"));
    BAD(ms_model_set_weights(h, "{\"energy\":1e308}"));
    BAD(ms_predict(h, NULL)); BAD(ms_predict(h, "")); BAD(ms_predict(h, "{}")); BAD(ms_predict(h, "[")); BAD(ms_predict(0, "[\"x\"]"));
    BAD(ms_match(h, NULL, NULL, 0)); BAD(ms_match(h, "{\"packed\":{\"metrics\":[\"energy\"],\"n\":5},\"target\":{}}", NULL, 0));
    float few[2] = {1, 2};
    BAD(ms_match(h, "{\"packed\":{\"metrics\":[\"energy\",\"valence\"],\"n\":5},"
                    "\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}}", few, 2));
    BAD(ms_match(h, "{\"packed\":{\"metrics\":[\"energy\"],\"n\":-1},\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}}", few, 2));
    BAD(ms_match(h, "{\"packed\":{\"metrics\":[\"energy\"],\"n\":1},\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}}", few, 2));
    BAD(ms_match(42, "{}", NULL, 0));
    BAD(ms_soundtrack(h, "{\"songs\":[],\"segments\":[{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}]}", NULL, 0));
    BAD(ms_soundtrack(h, "{\"packed\":{\"metrics\":[\"energy\"],\"n\":1e12},\"segments\":[]}", few, 2));
    BAD(ms_pool(NULL)); BAD(ms_pool("{\"n\":3}"));
    BAD(ms_explain(h, NULL)); BAD(ms_explain(h, "{\"text\":5}")); BAD(ms_explain(h, "{\"text\":\"x\",\"top\":0}"));
    BAD(ms_explain(h, "{\"text\":\"x\",\"max_words\":1e9}")); BAD(ms_explain(0, "{\"text\":\"x\"}"));
    BAD(ms_scenes(NULL, 10, NULL)); BAD(ms_scenes("INT. A - DAY", 12, "{\"format\":\"klingon\"}"));
    BAD(ms_scenes("INT. A - DAY", 12, "not json")); BAD(ms_scenes("\x01\x02\x00\x03 binary", 12, NULL));
    BAD(ms_scenes("x", 1, "{\"sub_gap\":-1}"));
    BAD(ms_arc(0, SCRIPT, strlen(SCRIPT), NULL)); BAD(ms_arc(h, SCRIPT, strlen(SCRIPT), "{\"segments\":0}"));
    BAD(ms_arc(h, SCRIPT, strlen(SCRIPT), "{\"action_weight\":0,\"dialogue_weight\":0}"));
    BAD(ms_arc(h, NULL, 3, NULL));
    BAD(ms_arc_from_metrics(h, NULL)); BAD(ms_arc_from_metrics(h, "{\"scenes\":5}"));
    BAD(ms_arc_from_metrics(h, "{\"scenes\":[],\"weights\":[1]}")); BAD(ms_arc_from_metrics(99, "{\"scenes\":[]}"));
#undef BAD
    CHECK(all, "hostile input to every api.c entry point answers {\"error\": ...}");

    /* every prefix of a valid weights file is refused */
    size_t len;
    unsigned char *bytes = model_bytes(&len);
    int refused = 1;
    for (size_t k = 0; k < len; k += (k < 400 ? 1 : 37))
        if (!answer_is_error(ms_model_load(bytes, k))) { refused = 0; printf("# prefix %zu loaded\n", k); }
    CHECK(refused, "every truncation of a weights file is refused through ms_model_load");
    free(bytes);
}

/* Random mutations of valid requests: each answer must still be JSON. */
static void test_api_fuzz(int h) {
    const char *seeds[] = {
        "{\"songs\":[{\"id\":\"a\",\"energy\":0.9,\"valence\":0.9,\"tempo\":150,\"liveness\":0.1},{\"id\":2,\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1}],\"target\":{\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1},\"k\":2,\"weights\":{\"tempo\":0.5}}",
        "{\"songs\":[{\"energy\":0.9,\"valence\":0.9,\"tempo\":150,\"liveness\":0.1},{\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1}],\"segments\":[{\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1}],\"reuse\":true}",
        "{\"n\":57,\"seed\":42,\"size\":20,\"max_rank\":70}",
        "[\"love rain\",{\"id\":1,\"text\":\"fire night\"}]",
        "{\"text\":\"love love rain fire dark\",\"top\":3,\"max_words\":4}",
        "{\"scenes\":[{\"energy\":0.1,\"valence\":0.2,\"tempo\":90,\"liveness\":0.1},{\"energy\":0.9,\"valence\":0.8,\"tempo\":140,\"liveness\":0.3}],\"segments\":2,\"weights\":[1,2]}",
    };
    uint64_t st = 77;
    int ok = 1, calls = 0;
    char buf[1024];
    for (int round = 0; round < 400; round++) {
        for (size_t q = 0; q < sizeof seeds / sizeof *seeds; q++) {
            size_t n = strlen(seeds[q]);
            memcpy(buf, seeds[q], n + 1);
            int edits = 1 + (int)(match_rng_next(&st) % 4);
            for (int e = 0; e < edits; e++) {
                size_t at = (size_t)(match_rng_next(&st) % n);
                int kind = (int)(match_rng_next(&st) % 3);
                const char pool[] = "{}[]\":,-.0123456789eE+ntrufalsx\\\x01\xff";
                char c = pool[match_rng_next(&st) % (sizeof pool - 1)];
                if (kind == 0) buf[at] = c;
                else if (kind == 1 && n > 1) { memmove(buf + at, buf + at + 1, n - at); n--; }
                else if (n + 2 < sizeof buf) { memmove(buf + at + 1, buf + at, n - at + 1); buf[at] = c; n++; }
            }
            char *r;
            switch (q) {
            case 0: r = ms_match(h, buf, NULL, 0); break;
            case 1: r = ms_soundtrack(h, buf, NULL, 0); break;
            case 2: r = ms_pool(buf); break;
            case 3: r = ms_predict(h, buf); break;
            case 4: r = ms_explain(h, buf); break;
            default: r = ms_arc_from_metrics(h, buf); break;
            }
            if (!answer_is_json(r)) { ok = 0; printf("# not JSON for: %s\n", buf); }
            if (!answer_is_json(ms_scenes(buf, n, NULL))) ok = 0;
            calls += 2;
        }
    }
    CHECK(ok && calls == 4800, "4,800 fuzzed requests all answer with JSON, no crash");
}

/* A name cut into an error message stays valid UTF-8 (it is shown in the page): the
 * message of each call, with a 2-byte character across the cut. */
static int error_is_utf8(char *answer_text) {
    cJSON *j = answer(answer_text);
    const char *e = cJSON_GetStringValue(cJSON_GetObjectItem(j, "error"));
    int ok = e != NULL;
    for (size_t i = 0, n = e ? strlen(e) : 0; ok && i < n;) {
        int k = utf8_char_len(e, n, i);
        if (!k) { ok = 0; printf("# invalid UTF-8 in: %s\n", e); }
        i += (size_t)k;
    }
    cJSON_Delete(j);
    return ok;
}

static void test_api_errors_are_utf8(int h) {
    char key[80], req[200];
    memset(key, 'x', 59);
    snprintf(key + 59, sizeof key - 59, "\xC3\xA9tude");   /* the cut at 60 bytes falls inside the \xC3\xA9 */
    snprintf(req, sizeof req, "{\"%s\":1}", key);
    CHECK(error_is_utf8(ms_model_set_weights(h, req)), "ms_model_set_weights: an unknown long metric name is cut on a character boundary");
    memset(key, 'x', 39);
    snprintf(key + 39, sizeof key - 39, "\xC3\xA9tude");   /* the cut at 40 bytes falls inside the \xC3\xA9 */
    snprintf(req, sizeof req, "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},"
                              "\"weights\":{\"%s\":1}}", key);
    CHECK(error_is_utf8(ms_match(h, req, NULL, 0)), "ms_match: an unknown long metric name is cut on a character boundary");
}

static void test_api(void) {
    size_t len;
    unsigned char *bytes = model_bytes(&len);
    cJSON *info = answer(ms_model_load(bytes, len));
    int h = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(info, "model"));
    CHECK(h >= 1, "ms_model_load returns a handle");
    cJSON_Delete(info);
    test_api_good(h);
    test_api_hostile(h);
    test_api_errors_are_utf8(h);
    test_api_fuzz(h);

    /* the model table fills up and frees */
    int hs[32], n = 0, full = 0;
    for (int k = 0; k < 32; k++) {
        cJSON *j = answer(ms_model_load(bytes, len));
        if (cJSON_GetObjectItem(j, "error")) { full = strstr(cJSON_GetStringValue(cJSON_GetObjectItem(j, "error")), "too many") != NULL; cJSON_Delete(j); break; }
        hs[n++] = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "model"));
        cJSON_Delete(j);
    }
    CHECK(full && n == 15, "16 models at once, then a clear error");
    int freed = 1;
    for (int k = 0; k < n; k++) {
        cJSON *j = answer(ms_model_free(hs[k]));
        if (!cJSON_IsTrue(cJSON_GetObjectItem(j, "ok"))) freed = 0;
        cJSON_Delete(j);
    }
    CHECK(freed && answer_is_error(ms_model_free(hs[0])), "models free once; a second free is an error");
    CHECK(answer_is_json(ms_model_free(h)), "the first model frees too");
    CHECK(answer_is_error(ms_predict(h, "[\"x\"]")), "a freed handle is refused");
    free(bytes);
}

int main(void) {
    test_occlusion();
    test_api();
    return check_summary();
}
