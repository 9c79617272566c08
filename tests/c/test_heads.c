/* test_heads.c — the TF-IDF + word-table layer (LAYER_TFIDF_WORDMEAN) and
 * two-head networks (model.h, Heads): hand values, reference vs fast path,
 * save/load (float and int8), domain selection, bad specs. No ../shared. */
#include "bow.h"
#include "model.h"
#include "check.h"
#include "test_models.h"

#include <stdlib.h>
#include <string.h>

static const char *const WORDS[8] = { "love", "rain", "night", "dance", "corpse", "gunfire", "cake", "wedding" };
static const char *const NAMES[2] = { "energy", "valence" };

static void wordmean_values(void) {
    /* V = 5: ids 2..4 have rows; 0, 1 and out-of-range ids are skipped */
    const float table[5 * 2] = { 9, 9, 9, 9, 1, 2, 3, 4, 5, 6 };
    const int32_t ids[6] = { 2, 4, 1, 7, 4, 0 };
    float out[2];
    int n = wordmean_forward(out, ids, table, 6, 5, 2);
    CHECK(n == 3, "wordmean averages the three known words");
    const float want[2] = { (1 + 5 + 5) / 3.0f, (2 + 6 + 6) / 3.0f };
    check_tensor(out, want, 2, 1e-6f, "wordmean: mean of the table rows of known ids");
    const int32_t none[3] = { 0, 1, -3 };
    n = wordmean_forward(out, none, table, 3, 5, 2);
    CHECK(n == 0 && out[0] == 0.0f && out[1] == 0.0f, "wordmean of no known word is all zeros");
}

/* TFIDF_WORDMEAN(W = 6: ids 0..5, K = 2) → Dense(5, relu) → Dense(4): two heads of 2 outputs. */
static Model *two_head(void) {
    Model *m = two_output_heads(2, WORDS, NAMES);
    if (!m) return NULL;
    char err[256];
    float *idf = m->params + m->tensors[0].offset;
    idf[0] = 0.5f; idf[1] = 1.0f;
    for (int v = 2; v < 6; v++) idf[v] = 1.0f + 0.1f * (float)v;
    model_prepare(m, err, sizeof err);
    return m;
}

static void architecture(void) {
    Model *m = two_head();
    CHECK(m != NULL, "a two-head TF-IDF + word-table model can be created");
    if (!m) return;
    CHECK(m->n_heads == 2 && model_n_outputs(m) == 2, "the last layer's 4 units are 2 heads of the 2 outputs");
    CHECK(m->n_tensors == 6 && m->tensors[0].cols == 6 && m->tensors[1].rows == 10 && m->tensors[1].cols == 2,
          "tensors: idf[1][W], table[V][K], then the Dense layers");
    CHECK(m->layers[0].out_c == 8 && m->layers[1].in_c == 8, "the first layer gives W + K values");
    CHECK_STR(m->tensors[1].name, "0.tfidf_wordmean.table", "the table tensor is named");
    char *h = model_header_json(m);
    CHECK(h && strstr(h, "\"tfidf_wordmean\"") && strstr(h, "\"heads\":2"), "the header names the layer and the head count");
    free(h);

    /* by hand: "love corpse cake wedding zebra" → ids 2, 6, 8, 9, 1 */
    int32_t ids[16];
    int n = model_encode(m, "love corpse cake wedding zebra", 30, ids);
    CHECK(n == 5 && ids[0] == 2 && ids[1] == 6 && ids[4] == 1, "encoding uses the whole vocabulary");
    float x[8];
    tfidf_forward(x, ids, m->params + m->tensors[0].offset, 16, 6);
    wordmean_forward(x + 6, ids, m->params + m->tensors[1].offset, 16, 10, 2);
    CHECK(x[2] > 0 && x[3] == 0 && x[4] == 0 && x[5] == 0, "TF-IDF part: only 'love' is among its W slots (larger ids are OOV there)");
    CHECK_NEAR(x[0], 0.5 * log(6.0), 1e-6, "TF-IDF part: the length slot counts every token");
    const float *tab = m->params + m->tensors[1].offset;
    CHECK_NEAR(x[6], (tab[4] + tab[12] + tab[16] + tab[18]) / 4, 1e-6, "word part: mean over the 4 known words");
    float h1[5], want[4];
    const float *W1 = m->params + m->tensors[2].offset, *b1 = m->params + m->tensors[3].offset;
    const float *W2 = m->params + m->tensors[4].offset, *b2 = m->params + m->tensors[5].offset;
    for (int j = 0; j < 5; j++) { float s = b1[j]; for (int i = 0; i < 8; i++) s += x[i] * W1[i * 5 + j]; h1[j] = s > 0 ? s : 0; }
    for (int k = 0; k < 4; k++) { float s = b2[k]; for (int j = 0; j < 5; j++) s += h1[j] * W2[j * 4 + k]; want[k] = s; }
    float song[2], script[2], rs[2], rc[2];
    CHECK(model_predict_ids_z_domain(m, MODEL_SONG, ids, 1, song) == 0 &&
          model_predict_ids_z_domain(m, MODEL_SCRIPT, ids, 1, script) == 0, "both heads predict");
    check_tensor(song, want, 2, 1e-5f, "MODEL_SONG is outputs 0..1 of the last layer");
    check_tensor(script, want + 2, 2, 1e-5f, "MODEL_SCRIPT is outputs 2..3 of the last layer");
    model_forward_reference_domain(m, MODEL_SONG, ids, rs);
    model_forward_reference_domain(m, MODEL_SCRIPT, ids, rc);
    check_tensor(song, rs, 2, 1e-6f, "fast path = reference, song head");
    check_tensor(script, rc, 2, 1e-6f, "fast path = reference, script head");
    float plain[2];
    model_predict_ids_z(m, ids, 1, plain);
    check_tensor(plain, song, 2, 0, "the functions without _domain are the song head");
    CHECK(model_predict_ids_z_domain(m, (ModelDomain)7, ids, 1, plain) == -1, "an unknown domain is an error");

    /* texts, de-standardised */
    const char *texts[2] = { "corpse gunfire night", "cake wedding dance love" };
    float out[4];
    CHECK(model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, 2, out) == 0, "texts through the script head");
    int32_t ids2[16];
    model_encode(m, texts[1], strlen(texts[1]), ids2);
    float z[2];
    model_forward_reference_domain(m, MODEL_SCRIPT, ids2, z);
    CHECK_NEAR(out[2], z[0] * 0.2f + 0.5f, 1e-5, "script-head texts come back in Spotify units (second text)");

    /* save / load */
    for (int q = 0; q < 2; q++) {
        unsigned char *buf = NULL; size_t len = 0;
        char err[256];
        CHECK(model_save_bytes(m, q, &buf, &len, err, sizeof err) == 0, q ? "save int8" : "save float");
        Model *b = buf ? model_load_bytes(buf, len, err, sizeof err) : NULL;
        CHECK(b && b->n_heads == 2 && b->layers[0].spec.type == LAYER_TFIDF_WORDMEAN, q ? "int8 file loads with both heads" : "float file loads with both heads");
        if (b) {
            float o1[4], o2[4];
            model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, 2, o1);
            model_predict_texts_domain(b, MODEL_SCRIPT, texts, NULL, 2, o2);
            check_tensor(o2, o1, 4, q ? 0.02f : 0, q ? "int8 round trip keeps the script head within 2%" : "float round trip is exact");
        }
        model_free(b);
        free(buf);
    }
    model_free(m);
}

static void one_head_and_bad_specs(void) {
    LayerSpec arch[2];
    memset(arch, 0, sizeof arch);
    arch[0].type = LAYER_TFIDF;
    arch[1].type = LAYER_DENSE; arch[1].units = 2;
    char err[256];
    Model *m = model_create(arch, 2, 8, WORDS, 8, NAMES, NULL, NULL, 2, err, sizeof err);
    CHECK(m && m->n_heads == 1, "a plain model has one head");
    if (m) {
        model_init_random(m, 1);
        model_prepare(m, err, sizeof err);
        const char *t = "rain night love";
        float a[2], b[2];
        model_predict_texts_domain(m, MODEL_SONG, &t, NULL, 1, a);
        model_predict_texts_domain(m, MODEL_SCRIPT, &t, NULL, 1, b);
        check_tensor(b, a, 2, 0, "a one-head model answers MODEL_SCRIPT with its only head");
    }
    model_free(m);
    arch[1].units = 6;
    CHECK(!model_create(arch, 2, 8, WORDS, 8, NAMES, NULL, NULL, 2, err, sizeof err) && strstr(err, "heads"),
          "three heads' worth of outputs is refused with a message");
    LayerSpec bad[2];
    memset(bad, 0, sizeof bad);
    bad[0].type = LAYER_TFIDF_WORDMEAN; bad[0].units = 11; bad[0].size = 2;
    bad[1].type = LAYER_DENSE; bad[1].units = 2;
    CHECK(!model_create(bad, 2, 8, WORDS, 8, NAMES, NULL, NULL, 2, err, sizeof err) && strstr(err, "tfidf_wordmean"),
          "more TF-IDF slots than the vocabulary is refused");
    bad[0].units = 6; bad[0].size = 0;
    CHECK(!model_create(bad, 2, 8, WORDS, 8, NAMES, NULL, NULL, 2, err, sizeof err), "a zero-width word table is refused");
}

int main(void) {
    wordmean_values();
    architecture();
    one_head_and_bad_specs();
    return check_summary();
}
