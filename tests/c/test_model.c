/* test_model.c — architecture, weights file round trips, damaged files,
 * prediction paths. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "check.h"
#include "model_file.c"     /* reach fnv1a */
#include "layers.h"
#include "nn_fast.c"   /* reach the fast gates (fast_expf) */

static const char *NAMES[4] = {"energy", "valence", "tempo", "liveness"};
static const float MEAN[4] = {0.6f, 0.45f, 120.0f, 0.19f};
static const float STD[4] = {0.2f, 0.24f, 29.0f, 0.16f};

static Model *tiny(uint64_t seed) {
    const char *words[] = {"love", "night", "heart", "dance", "cry", "fire", "rain", "you", "me", "baby"};
    LayerSpec arch[] = {
        {LAYER_EMBEDDING, 6, 0, 0, 0, 0}, {LAYER_DROPOUT, 0, 0, 0, 0, 0.2f},
        {LAYER_CONV1D, 5, 3, NN_ACT_RELU, 0, 0}, {LAYER_MAXPOOL1D, 0, 2, 0, 0, 0},
        {LAYER_LSTM, 7, 0, 0, 0, 0}, {LAYER_DROPOUT, 0, 0, 0, 0, 0.2f},
        {LAYER_DENSE, 6, 0, NN_ACT_RELU, 0, 0}, {LAYER_DENSE, 4, 0, NN_ACT_LINEAR, 0, 0},
    };
    char err[256];
    Model *m = model_create(arch, 8, 16, words, 10, NAMES, MEAN, STD, 4, err, sizeof err);
    if (!m) { printf("# %s\n", err); return NULL; }
    model_init_random(m, seed);
    model_set_meta(m, "{\"name\":\"tiny test model\"}");
    return m;
}

static void test_seed_arch(void) {
    LayerSpec arch[9];
    CHECK(model_seed_arch(arch, 4) == 9, "the seed architecture has 9 layers");
    const char **words = malloc(1998 * sizeof(char *));
    char (*buf)[16] = malloc(1998 * 16);
    for (int i = 0; i < 1998; i++) { snprintf(buf[i], 16, "w%d", i); words[i] = buf[i]; }
    char err[256];
    Model *m = model_create(arch, 9, 500, words, 1998, NAMES, MEAN, STD, 4, err, sizeof err);
    CHECK(m != NULL, "the seed architecture builds (TextVectorization 2000/500)");
    if (m) {
        CHECK(vocab_size(m->vocab) == 2000, "2000 ids = 1998 words + pad + OOV");
        CHECK(m->layers[2].out_t == 496 && m->layers[2].out_c == 64, "Conv1D(64,5) gives [496][64]");
        CHECK(m->layers[3].out_t == 124 && m->layers[3].out_c == 64, "MaxPooling1D(4) gives [124][64]");
        CHECK(m->layers[4].out_t == 0 && m->layers[4].out_c == 100, "LSTM(100) gives [100]");
        CHECK(m->n_params == 120000 + 19264 + 66000 + 6464 + 2080 + 132, "the seed model has Keras' 213940 parameters");
        CHECK(m->n_tensors == 12, "the seed model has 12 tensors");
        CHECK_STR(m->tensors[3].name, "4.lstm.kernel", "tensors are named layer.type.what");
        CHECK(m->tensors[4].rows == 100 && m->tensors[4].cols == 400, "LSTM recurrent kernel is [100][400]");
        size_t off = 0;
        int contiguous = 1;
        for (int k = 0; k < m->n_tensors; k++) {
            contiguous &= m->tensors[k].offset == off;
            off += (size_t)m->tensors[k].rows * m->tensors[k].cols;
        }
        CHECK(contiguous && off == m->n_params, "tensor offsets tile the parameter block without gaps");
        model_init_random(m, 1);
        /* orthogonal recurrent kernel: rows of [H][4H] are orthonormal */
        const float *R = m->params + m->tensors[4].offset;
        double worst = 0;
        for (int i = 0; i < 100; i += 7)
            for (int j = 0; j < 100; j += 11) {
                double d = 0;
                for (int k = 0; k < 400; k++) d += (double)R[i * 400 + k] * R[j * 400 + k];
                worst = fmax(worst, fabs(d - (i == j)));
            }
        CHECK(worst < 1e-4, "the LSTM recurrent kernel is initialised orthogonal");
        const float *lb = m->params + m->tensors[5].offset;
        CHECK(lb[0] == 0 && lb[100] == 1 && lb[199] == 1 && lb[200] == 0, "LSTM forget-gate biases start at 1");
    }
    model_free(m);
    free(words);
    free(buf);
}

static void test_bad_arch(void) {
    char err[256];
    LayerSpec a1[] = {{LAYER_DENSE, 4, 0, 0, 0, 0}};
    CHECK(!model_create(a1, 1, 8, NULL, 0, NAMES, NULL, NULL, 4, err, sizeof err) && strstr(err, "first layer"),
          "a model must start with an embedding");
    LayerSpec a2[] = {{LAYER_EMBEDDING, 4, 0, 0, 0, 0}, {LAYER_CONV1D, 4, 9, 0, 0, 0}, {LAYER_GAP1D, 0, 0, 0, 0, 0}};
    CHECK(!model_create(a2, 3, 8, NULL, 0, NAMES, NULL, NULL, 4, err, sizeof err) && strstr(err, "kernel size"),
          "a conv kernel longer than the sequence is refused");
    LayerSpec a3[] = {{LAYER_EMBEDDING, 4, 0, 0, 0, 0}, {LAYER_GAP1D, 0, 0, 0, 0, 0}, {LAYER_DENSE, 3, 0, 0, 0, 0}};
    CHECK(!model_create(a3, 3, 8, NULL, 0, NAMES, NULL, NULL, 4, err, sizeof err) && strstr(err, "outputs"),
          "the last layer must give n_outputs values");
    LayerSpec a4[] = {{LAYER_EMBEDDING, 4, 0, 0, 0, 0}, {LAYER_DENSE, 4, 0, 0, 0, 0}};
    CHECK(!model_create(a4, 2, 8, NULL, 0, NAMES, NULL, NULL, 4, err, sizeof err) && strstr(err, "sequence"),
          "a sequence output is refused");
    LayerSpec a5[] = {{LAYER_EMBEDDING, 4, 0, 0, 0, 0}, {LAYER_DROPOUT, 0, 0, 0, 0, 1.5f}, {LAYER_GAP1D, 0, 0, 0, 0, 0}};
    CHECK(!model_create(a5, 3, 8, NULL, 0, NAMES, NULL, NULL, 4, err, sizeof err) && strstr(err, "rate"),
          "a dropout rate outside [0,1) is refused");
    LayerSpec a6[] = {{LAYER_EMBEDDING, 4, 0, 0, 0, 0}, {LAYER_GAP1D, 0, 0, 0, 0, 0}};
    float badstd[4] = {1, 0, 1, 1};
    CHECK(!model_create(a6, 2, 8, NULL, 0, NAMES, NULL, badstd, 4, err, sizeof err) && strstr(err, "std"),
          "a zero target std is refused");
    LayerSpec a7[] = {{LAYER_EMBEDDING, 60000, 0, 0, 0, 0}, {LAYER_GAP1D, 0, 0, 0, 0, 0}, {LAYER_DENSE, 4, 0, 0, 0, 0}};
    CHECK(!model_create(a7, 3, 100000, NULL, 0, NAMES, NULL, NULL, 4, err, sizeof err) && strstr(err, "too large"),
          "absurd activation sizes are refused");
    LayerSpec a8[] = {{LAYER_TFIDF, 0, 0, 0, 0, 0}, {LAYER_DENSE, 4, 0, 0, 0, 0}};
    Model *t = model_create(a8, 2, 8, (const char *const[]){"a", "b"}, 2, NAMES, NULL, NULL, 4, err, sizeof err);
    CHECK(t && t->layers[0].out_c == 4, "a tf-idf first layer gives a vector over the vocabulary");
    model_free(t);
}

static void test_round_trip(void) {
    Model *m = tiny(7);
    CHECK(m != NULL, "a tiny random model builds");
    if (!m) return;
    unsigned char *buf;
    size_t n;
    char err[256];
    CHECK(model_save_bytes(m, 0, &buf, &n, err, sizeof err) == 0, "a model serialises");
    Model *b = model_load_bytes(buf, n, err, sizeof err);
    CHECK(b != NULL, "the serialised model loads back");
    if (b) {
        CHECK(b->n_params == m->n_params && !memcmp(b->params, m->params, m->n_params * sizeof(float)),
              "float32 round trip keeps every parameter bit for bit");
        CHECK(vocab_size(b->vocab) == 12 && !strcmp(vocab_word(b->vocab, 5), "dance"), "the vocabulary survives");
        CHECK(b->target_std[2] == 29.0f && !strcmp(b->output_names[3], "liveness"), "target names and statistics survive");
        CHECK_STR(b->meta, "{\"name\":\"tiny test model\"}", "meta JSON survives");
        unsigned char *buf2;
        size_t n2;
        model_save_bytes(b, 0, &buf2, &n2, err, sizeof err);
        CHECK(n2 == n && !memcmp(buf, buf2, n), "save(load(file)) is byte-identical");
        free(buf2);
        const char *text = "Love me tonight, baby, in the rain (x2)\nI cry you fire";
        float o1[4], o2[4], oz[4];
        model_predict_text(m, text, strlen(text), o1);
        model_predict_text(b, text, strlen(text), o2);
        check_tensor(o2, o1, 4, 1e-6f, "the loaded model predicts what the saved one did");
        int32_t ids[16];
        model_encode(m, text, strlen(text), ids);
        model_forward_reference(m, ids, oz);
        for (int k = 0; k < 4; k++) oz[k] = oz[k] * STD[k] + MEAN[k];
        check_tensor(o1, oz, 4, 1e-5f, "predictions are the network output de-standardised with the stored mean/std");
    }
    model_free(b);
    free(buf);
    /* quantised */
    CHECK(model_save_bytes(m, 1, &buf, &n, err, sizeof err) == 0, "a model serialises quantised");
    unsigned char *fb;
    size_t fn;
    model_save_bytes(m, 0, &fb, &fn, err, sizeof err);
    CHECK(n < fn, "the quantised file is smaller");
    b = model_load_bytes(buf, n, err, sizeof err);
    CHECK(b && b->quantized, "the quantised model loads and says it is quantised");
    if (b) {
        int ok = 1;
        for (int k = 0; k < m->n_tensors; k++) {
            const ModelTensor *t = &m->tensors[k];
            for (int r = 0; r < t->rows; r++) {
                const float *x = m->params + t->offset + (size_t)r * t->cols;
                const float *y = b->params + t->offset + (size_t)r * t->cols;
                float mx = 0;
                for (int c = 0; c < t->cols; c++) mx = fmaxf(mx, fabsf(x[c]));
                for (int c = 0; c < t->cols; c++)
                    if (fabsf(x[c] - y[c]) > (t->rows > 1 ? mx / 127.0f * 0.5001f + 1e-9f : 0)) ok = 0;
            }
        }
        CHECK(ok, "int8 per-row quantisation errs by at most half a step; biases stay exact");
    }
    model_free(b);
    free(buf);
    free(fb);
    model_free(m);
}

/* store the FNV-1a checksum of c[0 .. n-4) in its last 4 bytes (so a damaged file reaches the parser) */
static void refit_checksum(unsigned char *c, size_t n) {
    uint32_t h = fnv1a(c, n - 4);
    unsigned char he[4] = {(unsigned char)h, (unsigned char)(h >> 8), (unsigned char)(h >> 16), (unsigned char)(h >> 24)};
    memcpy(c + n - 4, he, 4);
}

/* a file cut short, foreign, of another version, with a flipped byte or trailing bytes */
static void damaged_whole(const unsigned char *buf, size_t n, unsigned char *c) {
    char err[256];
    int all_refused = 1, msg_ok = 1;
    for (size_t cut = 0; cut < n; cut++) {
        err[0] = 0;
        Model *b = model_load_bytes(buf, cut, err, sizeof err);
        if (b) { all_refused = 0; model_free(b); }
        if (!err[0]) msg_ok = 0;
    }
    CHECK(all_refused, "a file truncated at any of its offsets is refused");
    CHECK(msg_ok, "every refusal comes with a message");
    model_load_bytes(buf, n / 2, err, sizeof err);
    CHECK(strstr(err, "truncated") != NULL, "a truncated file is called truncated");

    memcpy(c, buf, n);
    c[0] = 'X';
    CHECK(!model_load_bytes(c, n, err, sizeof err) && strstr(err, "magic"), "a foreign file is refused (bad magic)");
    memcpy(c, buf, n);
    c[4] = 3;   /* versions 1 (no reader block) and 2 load: model_reader.h */
    CHECK(!model_load_bytes(c, n, err, sizeof err) && strstr(err, "version 3"), "a wrong format version is refused with its number");
    memcpy(c, buf, n);
    c[n / 2] ^= 0x40;
    CHECK(!model_load_bytes(c, n, err, sizeof err) && strstr(err, "checksum"), "a flipped byte fails the checksum");
    memcpy(c, buf, n);
    c[n] = 0;
    CHECK(!model_load_bytes(c, n + 1, err, sizeof err), "trailing bytes are refused");
    CHECK(!model_load_bytes(NULL, 0, err, sizeof err) && !model_load_bytes("", 0, err, sizeof err), "empty input is refused");
    CHECK(!model_load_bytes("MSNN", 4, err, sizeof err), "a bare magic number is refused");
}

/* absurd counts (checksum fixed up so the parser sees them) */
static void damaged_counts(const unsigned char *buf, size_t n, unsigned char *c, size_t off_seq) {
    char err[256];
    size_t off_layers = off_seq + 4, off_words = off_layers + 4 + 8 * 24;
    struct { size_t off; uint32_t val; const char *what, *needle; } cases[] = {
        {off_seq, 0, "a zero sequence length is refused", "sequence length"},
        {off_seq, 0xFFFFFFFFu, "an absurd sequence length is refused", "sequence length"},
        {off_layers, 0xFFFFFFFFu, "an absurd layer count is refused", "layers"},
        {off_layers, 3, "a wrong layer count is refused", ""},
        {off_words, 0xFFFFFFFFu, "an absurd vocabulary size is refused", "vocabulary"},
        {off_words, 900000, "a vocabulary larger than the file is refused", "vocabulary"},
        {12, 0x7FFFFFFFu, "an absurd meta length is refused", "meta"},
        {off_layers + 4 + 24 * 2 + 8, 99, "a conv kernel size larger than the input is refused", "kernel size"},
        {off_layers + 4 + 24 * 4 + 4, 60000, "an LSTM with a wrong unit count is refused", ""},
        {off_layers + 4 + 24 * 6, 42, "an unknown layer type is refused", "unknown layer type"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        memcpy(c, buf, n);
        uint32_t v = cases[k].val;
        unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
        memcpy(c + cases[k].off, le, 4);
        refit_checksum(c, n);
        err[0] = 0;
        Model *b = model_load_bytes(c, n, err, sizeof err);
        int ok = !b && err[0] && strstr(err, cases[k].needle);
        if (!ok) printf("# %s\n", err);
        CHECK(ok, cases[k].what);
        model_free(b);
    }
}

/* random damage with the checksum repaired: never a crash, never a
 * half-built model (header_len: where the counts live, hit half the time) */
static void damaged_random(const unsigned char *buf, size_t n, unsigned char *c, size_t header_len) {
    char err[256];
    uint64_t rng;
    nn_rng_seed(&rng, 77);
    int loaded = 0, refused = 0;
    for (int it = 0; it < 3000; it++) {
        memcpy(c, buf, n);
        int flips = 1 + (int)(nn_rng_next(&rng) % 4);
        for (int f = 0; f < flips; f++) {
            size_t at = (size_t)(nn_rng_next(&rng) % (n - 4));
            /* bias damage toward the header, where counts live */
            if (it % 2) at %= header_len;
            c[at] = (unsigned char)nn_rng_next(&rng);
        }
        refit_checksum(c, n);
        Model *b = model_load_bytes(c, n, err, sizeof err);
        if (b) {
            loaded++;
            float o[MODEL_MAX_OUTPUTS];
            model_predict_text(b, "love you", 8, o);
            model_free(b);
        } else {
            refused++;
        }
    }
    char what[160];
    snprintf(what, sizeof what, "3000 randomly damaged files load or are refused without a crash (%d refused)", refused);
    CHECK(refused > 1000, what);
}

static void test_damaged(void) {
    Model *m = tiny(3);
    if (!m) return;
    unsigned char *buf;
    size_t n;
    char err[256];
    model_save_bytes(m, 0, &buf, &n, err, sizeof err);
    unsigned char *c = malloc(n + 8);
    damaged_whole(buf, n, c);
    size_t off_seq = 16 + strlen(m->meta);
    damaged_counts(buf, n, c, off_seq);
    damaged_random(buf, n, c, off_seq + 4 + 4 + 8 * 24 + 64);   /* up to 64 bytes past the vocabulary size */
    free(c);
    free(buf);
    model_free(m);
}

static void test_files_and_json(void) {
    Model *m = tiny(5);
    if (!m) return;
    char err[256];
    const char *path = "build/tests/test_model.tmp.bin";
    CHECK(model_save_file(m, path, 0, err, sizeof err) == 0, "model_save_file writes a file");
    Model *b = model_load_file(path, err, sizeof err);
    CHECK(b && b->n_params == m->n_params, "model_load_file reads it back");
    model_free(b);
    remove(path);
    b = model_load_file("build/tests/does-not-exist.bin", err, sizeof err);
    CHECK(!b && strstr(err, "does-not-exist.bin"), "a missing file is refused naming the path");
    char dp[4096];
    CHECK(model_default_path(dp, sizeof dp) == 0 && strstr(dp, "weights/model.bin"),
          "the default model path ends in weights/model.bin");
    CHECK(model_default_path(dp, 4) == -1, "a too-small buffer for the default path is an error");

    char *js = model_header_json(m);
    cJSON *j = cJSON_Parse(js);
    CHECK(j != NULL, "the header JSON parses");
    cJSON *layers = cJSON_GetObjectItem(j, "layers");
    cJSON *l2 = cJSON_GetArrayItem(layers, 2);
    CHECK(cJSON_GetArraySize(layers) == 8 && !strcmp(cJSON_GetObjectItem(l2, "type")->valuestring, "conv1d") &&
          !strcmp(cJSON_GetObjectItem(l2, "activation")->valuestring, "relu"),
          "the header JSON lists the layers with types and activations");
    cJSON *outs = cJSON_GetObjectItem(j, "outputs");
    CHECK(cJSON_GetArraySize(outs) == 4 &&
          cJSON_GetObjectItem(cJSON_GetArrayItem(outs, 2), "mean")->valuedouble == 120.0,
          "the header JSON lists outputs with their statistics");
    CHECK(cJSON_GetObjectItem(j, "vocab_size")->valueint == 12 && cJSON_GetObjectItem(j, "seq_len")->valueint == 16,
          "the header JSON gives vocab size and sequence length");
    CHECK(!strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "meta"), "name")->valuestring, "tiny test model"),
          "the header JSON embeds the meta object");
    cJSON_Delete(j);
    free(js);
    CHECK(model_output_index(m, "tempo") == 2 && model_output_index(m, "nope") == -1, "outputs can be found by name");
    CHECK(model_output_name(m, 4) == NULL && model_n_outputs(m) == 4, "output names are bounds-checked");
    model_free(m);
}

static void test_predict_paths(void) {
    Model *m = tiny(11);
    if (!m) return;
    const char *texts[] = {"love love love", "", "rain on me baby you make me cry",
                           "[Chorus]\nDance dance dance all night", "zzz unknown words only",
                           "fire fire fire fire fire fire fire fire fire fire fire fire fire fire fire fire fire fire"};
    int n = 6;
    float batch[6 * 4], single[4];
    CHECK(model_predict_texts(m, texts, NULL, n, batch) == 0, "batch prediction over texts works");
    int same = 1;
    for (int i = 0; i < n; i++) {
        model_predict_text(m, texts[i], strlen(texts[i]), single);
        for (int k = 0; k < 4; k++) same &= fabsf(single[k] - batch[i * 4 + k]) <= 1e-5f * fmaxf(1, fabsf(single[k]));
    }
    CHECK(same, "batch predictions equal single predictions");
    CHECK(model_predict_texts(m, texts, NULL, 0, batch) == 0, "an empty batch is fine");
    CHECK(model_predict_ids(m, NULL, 1, batch) == -1 && model_predict_text(NULL, "x", 1, batch) == -1,
          "bad arguments are refused");
    int32_t ids[16] = {3, 99999, -5, 2};
    float o1[4], o2[4];
    CHECK(model_predict_ids_z(m, ids, 1, o1) == 0, "out-of-range ids are accepted");
    ids[1] = 1; ids[2] = 1;
    model_predict_ids_z(m, ids, 1, o2);
    check_tensor(o1, o2, 4, 0, "out-of-range ids count as OOV");
    model_free(m);
}

/* A float64 forward pass of the seed architecture (embedding, dropout,
 * conv relu, maxpool, lstm, dropout, dense relu, dense relu, dense): the
 * ground truth both float32 paths are measured against. */
static void seed_forward_f64(const Model *m, const int32_t *ids, double *out) {
    const float *E = m->params + m->tensors[0].offset, *CK = m->params + m->tensors[1].offset;
    const float *CB = m->params + m->tensors[2].offset, *LK = m->params + m->tensors[3].offset;
    const float *LR = m->params + m->tensors[4].offset, *LB = m->params + m->tensors[5].offset;
    int S = m->seq_len, D = m->layers[0].out_c, K = m->layers[2].spec.size, F = m->layers[2].out_c;
    int P = m->layers[3].spec.size, To = S - K + 1, Tp = To / P, H = m->layers[4].out_c, V = vocab_size(m->vocab);
    double *conv = malloc(sizeof(double) * (size_t)To * F), *pool = malloc(sizeof(double) * (size_t)Tp * F);
    for (int t = 0; t < To; t++)
        for (int f = 0; f < F; f++) {
            double a = CB[f];
            for (int k = 0; k < K; k++) {
                int id = ids[t + k];
                if (id < 0 || id >= V) id = 1;
                for (int c = 0; c < D; c++) a += (double)E[(size_t)id * D + c] * CK[((size_t)k * D + c) * F + f];
            }
            conv[(size_t)t * F + f] = a > 0 ? a : 0;
        }
    for (int t = 0; t < Tp; t++)
        for (int f = 0; f < F; f++) {
            double mx = conv[(size_t)t * P * F + f];
            for (int p = 1; p < P; p++) mx = fmax(mx, conv[((size_t)t * P + p) * F + f]);
            pool[(size_t)t * F + f] = mx;
        }
    double h[512] = {0}, c[512] = {0}, z[2048], x[512];
    for (int t = 0; t < Tp; t++) {
        for (int j = 0; j < 4 * H; j++) {
            double a = LB[j];
            for (int k = 0; k < F; k++) a += pool[(size_t)t * F + k] * LK[(size_t)k * 4 * H + j];
            for (int k = 0; k < H; k++) a += h[k] * LR[(size_t)k * 4 * H + j];
            z[j] = a;
        }
        for (int j = 0; j < H; j++) {
            double i = 1 / (1 + exp(-z[j])), f = 1 / (1 + exp(-z[H + j])), g = tanh(z[2 * H + j]), o = 1 / (1 + exp(-z[3 * H + j]));
            c[j] = f * c[j] + i * g;
            h[j] = o * tanh(c[j]);
        }
    }
    int I = H;
    memcpy(x, h, sizeof(double) * (size_t)H);
    for (int l = 6, tk = 6; l < 9; l++, tk += 2) {
        const float *W = m->params + m->tensors[tk].offset, *B = m->params + m->tensors[tk + 1].offset;
        int O = m->layers[l].out_c;
        double y[512];
        for (int o = 0; o < O; o++) {
            double a = B[o];
            for (int i = 0; i < I; i++) a += x[i] * W[(size_t)i * O + o];
            y[o] = (m->layers[l].spec.act == NN_ACT_RELU && a < 0) ? 0 : a;
        }
        memcpy(x, y, sizeof(double) * (size_t)O);
        I = O;
    }
    memcpy(out, x, sizeof(double) * (size_t)I);
    free(conv);
    free(pool);
}

/* The fast inference path against the reference forward pass. */
static void fast_vs_reference(const char *name, const LayerSpec *arch, int n_layers, int seq_len, int n_words,
                              float scale, float tol) {
    const char **words = malloc((size_t)n_words * sizeof(char *));
    char (*wb)[16] = malloc((size_t)n_words * 16);
    for (int i = 0; i < n_words; i++) { snprintf(wb[i], 16, "w%d", i); words[i] = wb[i]; }
    char err[256], what[300];
    int n_out = arch[n_layers - 1].units;
    const char *names[6] = {"energy", "valence", "tempo", "liveness", "danceability", "acousticness"};
    Model *m = model_create(arch, n_layers, seq_len, words, n_words, names, NULL, NULL, n_out, err, sizeof err);
    snprintf(what, sizeof what, "%s: builds", name);
    CHECK(m != NULL, what);
    if (!m) { printf("# %s\n", err); free(words); free(wb); return; }
    model_init_random(m, 21);
    for (size_t i = 0; i < m->n_params; i++) m->params[i] *= scale;   /* push gates into saturation */
    CHECK(m->fast == NULL, "a created model starts on the reference path");
    model_prepare(m, err, sizeof err);
    /* 37 sequences (not a multiple of the batch): short, long, empty, full,
     * with OOV and out-of-range ids */
    int N = 37;
    int32_t *ids = calloc((size_t)N * seq_len, sizeof(int32_t));
    uint64_t rng;
    nn_rng_seed(&rng, 8);
    for (int n = 0; n < N; n++) {
        int len = n == 0 ? 0 : n == 1 ? seq_len : (int)(nn_rng_next(&rng) % (uint64_t)(seq_len + 1));
        for (int t = 0; t < len; t++) ids[(size_t)n * seq_len + t] = (int32_t)(nn_rng_next(&rng) % (uint64_t)(n_words + 3));
        if (n == 2) ids[(size_t)n * seq_len + 3] = -7;
    }
    float *fast = malloc(sizeof(float) * (size_t)N * n_out), *ref = malloc(sizeof(float) * (size_t)N * n_out);
    model_predict_ids_z(m, ids, N, fast);
    for (int n = 0; n < N; n++) model_forward_reference(m, ids + (size_t)n * seq_len, ref + (size_t)n * n_out);
    snprintf(what, sizeof what, "%s: the fast path matches the reference within %g", name, (double)tol);
    check_tensor(fast, ref, N * n_out, tol, what);
    float one[MODEL_MAX_OUTPUTS];
    model_predict_ids_z(m, ids + (size_t)5 * seq_len, 1, one);
    snprintf(what, sizeof what, "%s: a batch of one gives the batched result", name);
    check_tensor(one, fast + 5 * n_out, n_out, 1e-6f, what);
    if (tol > 1e-5f && arch[0].type == LAYER_EMBEDDING && n_layers == 9) {
        /* ill-conditioned case: both paths against the float64 truth */
        double worst_fast = 0, worst_ref = 0, t64[MODEL_MAX_OUTPUTS];
        for (int n = 0; n < N; n++) {
            seed_forward_f64(m, ids + (size_t)n * seq_len, t64);
            for (int k = 0; k < n_out; k++) {
                worst_fast = fmax(worst_fast, fabs(fast[n * n_out + k] - t64[k]) / fmax(1, fabs(t64[k])));
                worst_ref = fmax(worst_ref, fabs(ref[n * n_out + k] - t64[k]) / fmax(1, fabs(t64[k])));
            }
        }
        printf("# %s: max relative error vs float64: fast %.3g, reference %.3g\n", name, worst_fast, worst_ref);
        snprintf(what, sizeof what, "%s: the fast path is as close to the float64 truth as the float32 reference", name);
        CHECK(worst_fast <= 2 * worst_ref + 1e-6, what);
    }
    float diff = 0;
    for (int i = 0; i < N * n_out; i++) diff = fmaxf(diff, fabsf(ref[i] - ref[i % n_out]));
    snprintf(what, sizeof what, "%s: the outputs differ between inputs (the test has teeth)", name);
    CHECK(diff > 1e-3f, what);
    free(fast); free(ref); free(ids); free(words); free(wb);
    model_free(m);
}

/* A NaN reaching the LSTM gates must not pass through fast_expf's float to
 * int conversion (undefined behaviour; a crafted file printed 1.59e34), and
 * a tensor holding NaN or infinity is refused at load. */
static void test_non_finite(void) {
    CHECK(isfinite(fast_expf(NAN)) && isfinite(fast_expf(-NAN)), "fast_expf(NaN) is clamped to a finite value");
    CHECK(fast_expf(INFINITY) > 1e38f && fast_expf(-INFINITY) >= 0.0f && fast_expf(-INFINITY) < 1e-37f,
          "fast_expf(+-inf) saturates");
    float s = fast_sigmoid(NAN), t = fast_tanh(NAN);
    CHECK(s >= 0.0f && s <= 1.0f && t >= -1.0f && t <= 1.0f, "the fast gates stay in range on NaN");
    const float bad[2] = {NAN, INFINITY};
    for (int k = 0; k < 2; k++) {
        Model *m = tiny(5);
        if (!m) return;
        m->params[m->n_params / 2] = bad[k];
        unsigned char *buf = NULL;
        size_t n = 0;
        char err[256] = "";
        int saved = model_save_bytes(m, 0, &buf, &n, err, sizeof err) == 0;
        Model *b = saved ? model_load_bytes(buf, n, err, sizeof err) : NULL;
        if (b) printf("# loaded a file holding %s\n", k ? "inf" : "NaN");
        CHECK(!b && strstr(err, "non-finite"), k ? "a tensor holding infinity is refused with a message" : "a tensor holding NaN is refused with a message");
        model_free(b);
        free(buf);
        model_free(m);
    }
}

/* The loader checks an int8 row's values only when its scale times 128
 * is not finite (load_tensor): a row of huge but finite values loads, and a
 * scale whose row overflows is still refused, at the first value that does. */
static void test_int8_overflow(void) {
    Model *m = tiny(5);
    if (!m) return;
    const ModelTensor *t = &m->tensors[0];   /* the embedding table: quantised */
    m->params[t->offset + 2 * (size_t)t->cols] = 3e38f;   /* row 2, column 0 */
    unsigned char *buf = NULL;
    size_t n = 0;
    char err[256] = "";
    if (model_save_bytes(m, 1, &buf, &n, err, sizeof err)) { CHECK(0, "the model saves quantised"); model_free(m); return; }
    Model *b = model_load_bytes(buf, n, err, sizeof err);
    CHECK(b && b->params[t->offset + 2 * (size_t)t->cols] > 2.9e38f && isfinite(b->params[t->offset + 2 * (size_t)t->cols]),
          "an int8 row of values near FLT_MAX loads, finite");
    model_free(b);
    float scale = 3e38f / 127.0f, huge = FLT_MAX;
    size_t at = 0, found = 0;
    for (size_t i = 0; i + 4 <= n; i++)
        if (!memcmp(buf + i, &scale, 4)) { at = i; found++; }
    CHECK(found == 1, "the row's scale is found in the file once");
    if (found == 1) {
        memcpy(buf + at, &huge, 4);   /* 127 x FLT_MAX overflows */
        refit_checksum(buf, n);
        b = model_load_bytes(buf, n, err, sizeof err);
        char want[128];
        snprintf(want, sizeof want, "tensor %s holds a non-finite value at %d", t->name, 2 * t->cols);
        CHECK(!b && strstr(err, want), "a finite scale whose row overflows is refused at the first infinite value");
        if (b || !strstr(err, want)) printf("# got: %s\n", b ? "a model" : err);
        model_free(b);
    }
    free(buf);
    model_free(m);
}

static void test_fast_path(void) {
    LayerSpec seed[9];
    model_seed_arch(seed, 4);
    fast_vs_reference("seed architecture", seed, 9, 500, 1998, 1.0f, 1e-5f);
    /* With larger weights the network amplifies float32 rounding: merely
     * reordering the conv sums (libm gates in both paths) moves outputs by
     * 4e-5 (x2) and 2e-3 (x3). There the fast path is held to the float64
     * truth instead: no worse than the float32 reference. */
    fast_vs_reference("seed architecture, weights x2", seed, 9, 500, 1998, 2.0f, 1e-4f);
    fast_vs_reference("seed architecture, weights x3 (saturated gates)", seed, 9, 500, 1998, 3.0f, 4e-3f);
    LayerSpec bi[] = {
        {LAYER_EMBEDDING, 12, 0, 0, 0, 0}, {LAYER_CONV1D, 10, 3, NN_ACT_TANH, 0, 0},
        {LAYER_BILSTM, 9, 0, 0, LAYER_RETURN_SEQUENCES, 0}, {LAYER_LSTM, 6, 0, 0, 0, 0},
        {LAYER_DENSE, 5, 0, NN_ACT_LINEAR, 0, 0},
    };
    fast_vs_reference("conv + bidirectional sequences + lstm", bi, 5, 40, 50, 2.0f, 1e-5f);
    LayerSpec bi2[] = {
        {LAYER_EMBEDDING, 8, 0, 0, 0, 0}, {LAYER_DROPOUT, 0, 0, 0, 0, 0.5f},
        {LAYER_BILSTM, 7, 0, 0, 0, 0}, {LAYER_DENSE, 3, 0, NN_ACT_SIGMOID, 0, 0},
    };
    fast_vs_reference("embedding + bidirectional last state", bi2, 4, 30, 20, 2.0f, 1e-5f);
    LayerSpec ft[] = {
        {LAYER_EMBEDDING, 16, 0, 0, 0, 0}, {LAYER_DENSE, 12, 0, NN_ACT_RELU, 0, 0},
        {LAYER_MEANPOOL_MASKED, 0, 0, 0, 0, 0}, {LAYER_DENSE, 6, 0, NN_ACT_LINEAR, 0, 0},
    };
    fast_vs_reference("fastText-like masked mean", ft, 4, 64, 300, 2.0f, 1e-5f);
    LayerSpec gm[] = {
        {LAYER_EMBEDDING, 8, 0, 0, 0, 0}, {LAYER_DENSE, 8, 0, NN_ACT_TANH, 0, 0},
        {LAYER_CONV1D, 13, 4, NN_ACT_RELU, 0, 0}, {LAYER_MAXPOOL1D, 0, 3, 0, 0, 0},
        {LAYER_GMP1D, 0, 0, 0, 0, 0}, {LAYER_DENSE, 4, 0, NN_ACT_LINEAR, 0, 0},
    };
    fast_vs_reference("unfused conv + max pools", gm, 6, 33, 40, 2.0f, 1e-5f);
    LayerSpec tf[] = {{LAYER_TFIDF, 0, 0, 0, 0, 0}, {LAYER_DENSE, 7, 0, NN_ACT_RELU, 0, 0}, {LAYER_DENSE, 2, 0, NN_ACT_LINEAR, 0, 0}};
    fast_vs_reference("tf-idf + dense", tf, 3, 50, 60, 2.0f, 1e-5f);
}

/* Run a shell command, return its stdout (malloc'd) and exit status. */
static char *run(const char *cmd, int *status) {
    FILE *p = popen(cmd, "r");
    if (!p) { *status = -1; return NULL; }
    size_t cap = 1 << 16, n = 0, k;
    char *out = malloc(cap);
    while ((k = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (n + 1 == cap) out = realloc(out, cap *= 2);
    }
    out[n] = 0;
    *status = pclose(p);
    return out;
}

/* moodspace predict on stdin text: the library's prediction for the same text */
static void cli_predict_text(const Model *m, const char *fx) {
    int st;
    char cmd[600];
    const char *text = "Love me tonight, baby\n[Chorus]\nDance in the rain (x2)";
    snprintf(cmd, sizeof cmd, "printf '%s' | build/moodspace predict --model %s", text, fx);
    char *out = run(cmd, &st);
    cJSON *j = cJSON_Parse(out);
    float want[6];
    const char *plain = "Love me tonight, baby\n[Chorus]\nDance in the rain (x2)";
    char real[200];
    size_t r = 0;
    for (const char *q = plain; *q; q++) {   /* undo the printf escapes */
        if (q[0] == '\\' && q[1] == 'n') { real[r++] = '\n'; q++; } else real[r++] = *q;
    }
    real[r] = 0;
    model_predict_text(m, real, r, want);
    int ok = st == 0 && j != NULL;
    for (int k = 0; ok && k < 6; k++) {
        cJSON *v = cJSON_GetObjectItem(j, model_output_name(m, k));
        ok = cJSON_IsNumber(v) && fabs(v->valuedouble - want[k]) <= 1e-5 * fmax(1, fabs(want[k]));
    }
    CHECK(ok, "moodspace predict prints the library's prediction for stdin text");
    cJSON_Delete(j);
    free(out);
}

/* moodspace predict --jsonl: one answer per non-blank line, bad lines answered with an error, in order */
static void cli_predict_jsonl(const Model *m, const char *fx) {
    int st;
    char cmd[600];
    float want[6];
    snprintf(cmd, sizeof cmd,
             "printf '%%s\\n' '{\"id\":\"a\",\"text\":\"love you\"}' 'garbage' '' "
             "'{\"id\":7}' '{\"id\":3,\"text\":\"fire rain\"}' | build/moodspace predict --model %s --jsonl", fx);
    char *out = run(cmd, &st);
    char *lines[8] = {0};
    int nl = 0;
    for (char *save = NULL, *t = strtok_r(out, "\n", &save); t && nl < 8; t = strtok_r(NULL, "\n", &save)) lines[nl++] = t;
    CHECK(st == 0 && nl == 4, "moodspace predict --jsonl answers one line per non-blank input line");
    if (nl == 4) {
        cJSON *a = cJSON_Parse(lines[0]), *b = cJSON_Parse(lines[1]), *c = cJSON_Parse(lines[2]), *d = cJSON_Parse(lines[3]);
        model_predict_text(m, "love you", 8, want);
        CHECK(a && !strcmp(cJSON_GetObjectItem(a, "id")->valuestring, "a") &&
              fabs(cJSON_GetObjectItem(a, "energy")->valuedouble - want[0]) < 1e-5,
              "a good jsonl line gets its id and metrics");
        CHECK(b && cJSON_IsNull(cJSON_GetObjectItem(b, "id")) && cJSON_GetObjectItem(b, "error"),
              "a line that is not JSON gets an error and id null");
        CHECK(c && cJSON_GetObjectItem(c, "id")->valueint == 7 && strstr(cJSON_GetObjectItem(c, "error")->valuestring, "text"),
              "a line without text gets an error naming it, with its id");
        CHECK(d && cJSON_GetObjectItem(d, "id")->valueint == 3 && cJSON_GetObjectItem(d, "tempo"),
              "lines after bad ones are still answered, in order");
        cJSON_Delete(a); cJSON_Delete(b); cJSON_Delete(c); cJSON_Delete(d);
    }
    free(out);
}

/* predict --bench, and the messages for a missing and a truncated model */
static void cli_bench_and_errors(const char *fx) {
    int st;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "build/moodspace predict --model %s --bench 40", fx);
    char *out = run(cmd, &st);
    cJSON *j = cJSON_Parse(out);
    cJSON *fp = j ? cJSON_GetObjectItem(j, "fast_path") : NULL, *md = j ? cJSON_GetObjectItem(j, "max_abs_diff_fast_vs_reference") : NULL;
    CHECK(st == 0 && cJSON_IsTrue(fp) && cJSON_IsNumber(md) && md->valuedouble < 1e-4 &&
          cJSON_IsNumber(cJSON_GetObjectItem(j, "batch_ms_per_song")),
          "predict --bench times the fast and reference paths and reports their agreement");
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "build/moodspace predict --model build/tests/nope.bin </dev/null 2>&1");
    out = run(cmd, &st);
    CHECK(st != 0 && strstr(out, "nope.bin"), "predict with a missing model fails with a message naming it");
    free(out);
    snprintf(cmd, sizeof cmd, "head -c 100 %s > build/tests/test_model.cut.bin; build/moodspace info --model build/tests/test_model.cut.bin 2>&1", fx);
    out = run(cmd, &st);
    CHECK(st != 0 && strstr(out, "truncated"), "info on a truncated file says it is truncated");
    free(out);
    remove("build/tests/test_model.cut.bin");
}

static void test_cli(void) {
    FILE *f = fopen("build/moodspace", "rb");
    if (!f) { check_skip("moodspace info/predict command line", "build/moodspace is not built"); return; }
    fclose(f);
    int st;
    const char *fx = "build/tests/test_model.cli.bin";
    char cmd[600];
    snprintf(cmd, sizeof cmd, "build/moodspace info --make-random %s --arch tiny --seed 9", fx);
    char *out = run(cmd, &st);
    cJSON *j = cJSON_Parse(out);
    CHECK(st == 0 && j && cJSON_GetObjectItem(j, "seq_len")->valueint == 24,
          "moodspace info --make-random writes a tiny model and prints its header");
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "build/moodspace info --model %s", fx);
    out = run(cmd, &st);
    j = cJSON_Parse(out);
    CHECK(st == 0 && j && cJSON_GetArraySize(cJSON_GetObjectItem(j, "outputs")) == 6 &&
          cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "layers"), 1), "rate")->valuedouble == 0.2,
          "moodspace info --model prints the header as JSON");
    cJSON_Delete(j);
    free(out);

    char err[256];
    Model *m = model_load_file(fx, err, sizeof err);
    CHECK(m != NULL, "the command-line fixture loads in the library");
    if (!m) return;
    cli_predict_text(m, fx);
    cli_predict_jsonl(m, fx);
    cli_bench_and_errors(fx);
    remove(fx);
    model_free(m);
}

/* The table of layer kinds (layers.h): every kind the weights format
 * documents has its row, named as its tensors are, with a shape rule and a
 * forward; no other number is a kind; a layer cannot outgrow its share of
 * the tensor table. */
static void test_layer_table(void) {
    static const struct { int type; const char *name; } known[] = {
        {LAYER_EMBEDDING, "embedding"}, {LAYER_DROPOUT, "dropout"}, {LAYER_CONV1D, "conv1d"},
        {LAYER_MAXPOOL1D, "maxpool1d"}, {LAYER_LSTM, "lstm"}, {LAYER_BILSTM, "bilstm"}, {LAYER_DENSE, "dense"},
        {LAYER_GAP1D, "gap1d"}, {LAYER_GMP1D, "gmp1d"}, {LAYER_MEANPOOL_MASKED, "meanpool_masked"},
        {LAYER_TFIDF, "tfidf"}, {LAYER_TFIDF_WORDMEAN, "tfidf_wordmean"},
    };
    int n_known = (int)(sizeof known / sizeof known[0]), complete = 1, n_inputs = 0;
    for (int i = 0; i < n_known; i++) {
        const LayerKind *k = layer_kind(known[i].type);
        complete &= k && !strcmp(k->name, known[i].name) && k->shape && k->forward &&
                    !strcmp(model_layer_type_name(known[i].type), known[i].name);
        n_inputs += k && (k->flags & LK_INPUT);
    }
    CHECK(complete, "every layer kind has its row: name, shape rule, forward");
    CHECK(n_inputs == 3, "embedding, tfidf and tfidf_wordmean are the kinds that read the ids");
    int n_kinds = 0;
    for (int t = -5; t < 300; t++) n_kinds += layer_kind(t) != NULL;
    CHECK(n_kinds == n_known && !strcmp(model_layer_type_name(0), "unknown") &&
          !strcmp(model_layer_type_name(13), "unknown"), "no other number is a layer kind");
    char err[256];
    LayerSpec arch[] = {{LAYER_EMBEDDING, 4, 0, 0, 0, 0}, {LAYER_GAP1D, 0, 0, 0, 0, 0}, {LAYER_DENSE, 4, 0, 0, 0, 0}};
    Model *m = model_create(arch, 3, 8, NULL, 0, NAMES, NULL, NULL, 4, err, sizeof err);
    CHECK(m != NULL, "a three-layer model builds");
    if (!m) return;
    int rc = 0;   /* layer 1 (gap1d) has none: it may take MODEL_MAX_LAYER_TENSORS, not one more */
    for (int k = 0; k < MODEL_MAX_LAYER_TENSORS && !rc; k++) rc = model_add_tensor(m, 1, "extra", 1, 1, err, sizeof err);
    CHECK(rc == 0, "a layer may have MODEL_MAX_LAYER_TENSORS tensors");
    CHECK(model_add_tensor(m, 1, "extra", 1, 1, err, sizeof err) == -1 && strstr(err, "more than"),
          "one tensor more than MODEL_MAX_LAYER_TENSORS is refused with a message");
    model_free(m);
}

int main(void) {
    (void)check_skip;
    test_cli();
    test_layer_table();
    test_fast_path();
    test_non_finite();
    test_int8_overflow();
    test_seed_arch();
    test_bad_arch();
    test_round_trip();
    test_damaged();
    test_files_and_json();
    test_predict_paths();
    return check_summary();
}
