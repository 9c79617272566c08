/* fuzz_models.h — small deterministic models for the libFuzzer harnesses,
 * made here rather than committed as binaries:
 *
 *   fuzz_arch(k, spec, &n_layers, &seq_len)  architecture k of FUZZ_N_ARCHS,
 *       together covering every layer kind of layers.h (the shipped model's
 *       TF-IDF + word-mean first layer, dense layers and two heads included);
 *   fuzz_model_bytes(k, meta, quantize, &len) the weights file of arch k;
 *   fuzz_calibration_meta()                   a meta JSON with match weights
 *       and calibration tables (songs, scenes, segments per K, reference
 *       soundtracks) built through calib.h from made-up predictions, so
 *       ms_film_soundtrack reaches the percentile, price and assignment code.
 *
 * The metric names and statistics are FUZZ_METRICS (the order of the
 * outputs), the vocabulary FUZZ_WORDS. */
#ifndef FUZZ_MODELS_H
#define FUZZ_MODELS_H
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "calib.h"
#include "fuzz_common.h"
#include "model.h"

static const char *const FUZZ_WORDS[] = {"love", "night", "dance", "heart", "cry", "rain", "fire", "sun",
                                         "dark", "light", "run", "home", "alone", "party", "tears", "gold",
                                         "summer", "cold", "city", "dream", "kiss", "blood", "road", "slow"};
#define FUZZ_N_WORDS ((int)(sizeof FUZZ_WORDS / sizeof FUZZ_WORDS[0]))
static const char *const FUZZ_METRICS[] = {"energy", "valence", "tempo", "liveness"};
static const float FUZZ_MEAN[] = {0.6f, 0.45f, 120.0f, 0.2f}, FUZZ_SD[] = {0.2f, 0.25f, 30.0f, 0.15f};
#define FUZZ_N_METRICS 4

#define FUZZ_N_ARCHS 7
#define FUZZ_CALIBRATED_ARCH 5   /* the shipped model's shape: tfidf_wordmean -> dense -> 2 heads */

static inline int fuzz_arch(int k, LayerSpec *a, int *seq_len) {
    const int O = FUZZ_N_METRICS;
    memset(a, 0, 8 * sizeof *a);
    *seq_len = 24;
    switch (k) {
    case 0:   /* the seed's shape: embedding, dropout, conv1d, maxpool1d, lstm, dense */
        a[0] = (LayerSpec){LAYER_EMBEDDING, 8, 0, 0, 0, 0};
        a[1] = (LayerSpec){LAYER_DROPOUT, 0, 0, 0, 0, 0.2f};
        a[2] = (LayerSpec){LAYER_CONV1D, 6, 3, NN_ACT_RELU, 0, 0};
        a[3] = (LayerSpec){LAYER_MAXPOOL1D, 0, 2, 0, 0, 0};
        a[4] = (LayerSpec){LAYER_LSTM, 5, 0, 0, 0, 0};
        a[5] = (LayerSpec){LAYER_DENSE, O, 0, NN_ACT_LINEAR, 0, 0};
        return 6;
    case 1:   /* bilstm with sequences, global average pooling */
        a[0] = (LayerSpec){LAYER_EMBEDDING, 6, 0, 0, 0, 0};
        a[1] = (LayerSpec){LAYER_BILSTM, 3, 0, 0, LAYER_RETURN_SEQUENCES, 0};
        a[2] = (LayerSpec){LAYER_GAP1D, 0, 0, 0, 0, 0};
        a[3] = (LayerSpec){LAYER_DENSE, O, 0, NN_ACT_LINEAR, 0, 0};
        return 4;
    case 2:   /* conv1d, global max pooling, two heads */
        *seq_len = 16;
        a[0] = (LayerSpec){LAYER_EMBEDDING, 6, 0, 0, 0, 0};
        a[1] = (LayerSpec){LAYER_CONV1D, 4, 2, NN_ACT_RELU, 0, 0};
        a[2] = (LayerSpec){LAYER_GMP1D, 0, 0, 0, 0, 0};
        a[3] = (LayerSpec){LAYER_DENSE, 2 * O, 0, NN_ACT_LINEAR, 0, 0};
        return 4;
    case 3:   /* masked mean pooling */
        a[0] = (LayerSpec){LAYER_EMBEDDING, 6, 0, 0, 0, 0};
        a[1] = (LayerSpec){LAYER_MEANPOOL_MASKED, 0, 0, 0, 0, 0};
        a[2] = (LayerSpec){LAYER_DENSE, 5, 0, NN_ACT_RELU, 0, 0};
        a[3] = (LayerSpec){LAYER_DENSE, O, 0, NN_ACT_LINEAR, 0, 0};
        return 4;
    case 4:   /* TF-IDF */
        a[0] = (LayerSpec){LAYER_TFIDF, 0, 0, 0, 0, 0};
        a[1] = (LayerSpec){LAYER_DENSE, 5, 0, NN_ACT_RELU, 0, 0};
        a[2] = (LayerSpec){LAYER_DENSE, O, 0, NN_ACT_LINEAR, 0, 0};
        return 3;
    case 5:   /* the shipped model's shape */
        a[0] = (LayerSpec){LAYER_TFIDF_WORDMEAN, 12, 4, 0, 0, 0};
        a[1] = (LayerSpec){LAYER_DENSE, 8, 0, NN_ACT_RELU, 0, 0};
        a[2] = (LayerSpec){LAYER_DENSE, 2 * O, 0, NN_ACT_LINEAR, 0, 0};
        return 3;
    default:  /* stacked lstm (sequences) into a bilstm, dense per step before */
        a[0] = (LayerSpec){LAYER_EMBEDDING, 5, 0, 0, 0, 0};
        a[1] = (LayerSpec){LAYER_DENSE, 4, 0, NN_ACT_RELU, 0, 0};
        a[2] = (LayerSpec){LAYER_LSTM, 4, 0, 0, LAYER_RETURN_SEQUENCES, 0};
        a[3] = (LayerSpec){LAYER_BILSTM, 3, 0, 0, 0, 0};
        a[4] = (LayerSpec){LAYER_DENSE, O, 0, NN_ACT_LINEAR, 0, 0};
        return 5;
    }
}

/* A model of architecture k with this meta, random weights (aborts when the
 * architecture is refused: the harness itself would be wrong). */
static inline Model *fuzz_model_new(int k, const char *meta) {
    LayerSpec a[8];
    int seq_len, n = fuzz_arch(k, a, &seq_len);
    char err[256] = "";
    Model *m = model_create(a, n, seq_len, FUZZ_WORDS, FUZZ_N_WORDS, FUZZ_METRICS, FUZZ_MEAN, FUZZ_SD,
                            FUZZ_N_METRICS, err, sizeof err);
    FUZZ_ASSERT(m != NULL, err);
    model_init_random(m, 42 + (uint64_t)k);
    FUZZ_ASSERT(model_set_meta(m, meta) == 0, "meta fits");
    return m;
}

/* The weights file of architecture k with this meta (malloc'd; aborts when
 * the architecture is refused: the harness itself would be wrong). */
static inline unsigned char *fuzz_model_bytes(int k, const char *meta, int quantize, size_t *len) {
    Model *m = fuzz_model_new(k, meta);
    char err[256] = "";
    unsigned char *bytes = NULL;
    FUZZ_ASSERT(model_save_bytes(m, quantize, &bytes, len, err, sizeof err) == 0, err);
    model_free(m);
    return bytes;
}

/* The weights file of arch FUZZ_CALIBRATED_ARCH with a script-head reader
 * (model_reader.h: format version 2's reader block), made-up weights. */
static inline unsigned char *fuzz_model_bytes_reader(const char *meta, int quantize, size_t *len) {
    Model *m = fuzz_model_new(FUZZ_CALIBRATED_ARCH, meta);
    char err[256] = "";
    ModelReader *r = model_reader_new(FUZZ_N_WORDS, 3, 4, 3, 12, err, sizeof err);
    FUZZ_ASSERT(r != NULL, err);
    for (int p = 0; p < 3; p++) r->scale[p] = 0.01f * (float)(p + 1);
    for (int v = 2; v < FUZZ_N_WORDS; v++) {
        if (v % 5 == 0) continue;   /* a few words without a row */
        for (int p = 0; p < 3; p++) r->q[v * 3 + p] = (signed char)((v * 37 + p * 11) % 255 - 127);
    }
    for (int i = 0; i < 3 * 3 * 4; i++) r->kernel[i] = 0.1f * (float)((i * 7) % 9 - 4);
    for (int i = 0; i < 4 * 4; i++) r->dense[i] = 0.2f * (float)((i * 5) % 7 - 3);
    r->out[0] = 1; r->out[1] = 0;
    r->a_lin = 0.75f; r->a_seq = 0.5f;
    FUZZ_ASSERT(model_set_reader(m, r, err, sizeof err) == 0, err);
    model_reader_free(r);
    unsigned char *bytes = NULL;
    FUZZ_ASSERT(model_save_bytes(m, quantize, &bytes, len, err, sizeof err) == 0, err);
    model_free(m);
    return bytes;
}

/* deterministic made-up numbers in [0, 1) */
static inline double fuzz_rand(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Meta JSON (malloc'd) with match weights and calibration tables built by
 * calib.h from made-up predictions: songs over mean ± 2 sd, scenes and
 * segments over mean ± 0.5 sd (films sit in a corner, as with the real
 * model), a reference of whole 6- and 12-segment soundtracks. */
static inline char *fuzz_calibration_meta(void) {
    enum { NS = 400, NF = 6, SCENES_PER_FILM = 40, NSEG_ROWS = 30 };
    static float v[NS * FUZZ_N_METRICS];
    static Calib c;
    char err[256] = "";
    uint64_t s = 7;
    const int one = 1;
    int counts[NF];
    memset(&c, 0, sizeof c);
    for (int i = 0; i < NS; i++)
        for (int j = 0; j < FUZZ_N_METRICS; j++)
            v[i * FUZZ_N_METRICS + j] = FUZZ_MEAN[j] + FUZZ_SD[j] * (float)(4 * fuzz_rand(&s) - 2);
    int ones[1] = {NS};
    FUZZ_ASSERT(calib_build(&c.songs, FUZZ_N_METRICS, FUZZ_METRICS, v, NULL, ones, 1, &one, 1, err, sizeof err) == 0, err);
    for (int i = 0; i < NF * SCENES_PER_FILM; i++)
        for (int j = 0; j < FUZZ_N_METRICS; j++)
            v[i * FUZZ_N_METRICS + j] = FUZZ_MEAN[j] + FUZZ_SD[j] * (float)(fuzz_rand(&s) - 0.5);
    for (int f = 0; f < NF; f++) counts[f] = SCENES_PER_FILM;
    FUZZ_ASSERT(calib_build(&c.scenes, FUZZ_N_METRICS, FUZZ_METRICS, v, NULL, counts, NF, &one, 1, err, sizeof err) == 0, err);
    int lv[CALIB_MAX_LEVELS], nl = calib_segment_levels(lv);
    float *seg = malloc((size_t)nl * NSEG_ROWS * FUZZ_N_METRICS * sizeof *seg);
    int *grp = malloc((size_t)nl * NSEG_ROWS * sizeof *grp);
    FUZZ_ASSERT(seg && grp, "out of memory");
    for (int r = 0; r < nl * NSEG_ROWS; r++) {
        grp[r] = r / NSEG_ROWS;
        for (int j = 0; j < FUZZ_N_METRICS; j++)
            seg[r * FUZZ_N_METRICS + j] = FUZZ_MEAN[j] + FUZZ_SD[j] * (float)(fuzz_rand(&s) - 0.5) / (1 + grp[r] % 3);
    }
    FUZZ_ASSERT(calib_build_groups(&c.segments, FUZZ_N_METRICS, FUZZ_METRICS, seg, grp, nl * NSEG_ROWS, lv, nl,
                                   err, sizeof err) == 0, err);
    free(seg);
    free(grp);
    /* reference: 3 films cut in 6, 2 cut in 12 */
    c.n_ref_blocks = 2;
    c.ref_block_size[0] = 6; c.ref_block_films[0] = 3;
    c.ref_block_size[1] = 12; c.ref_block_films[1] = 2;
    c.n_ref = 3 * 6 + 2 * 12;
    for (int i = 0; i < c.n_ref; i++)
        for (int j = 0; j < FUZZ_N_METRICS; j++) c.ref[i][j] = (float)(0.3 + 0.4 * fuzz_rand(&s));
    cJSON *meta = cJSON_CreateObject(), *mw = cJSON_AddObjectToObject(meta, "match_weights");
    cJSON_AddNumberToObject(mw, "energy", 1);
    cJSON_AddNumberToObject(mw, "valence", 1);
    cJSON_AddNumberToObject(mw, "tempo", 0.25);
    cJSON_AddNumberToObject(mw, "liveness", 0.25);
    cJSON_AddStringToObject(meta, "name", "fuzz, calibrated");
    cJSON *cal = cJSON_AddObjectToObject(meta, "calibration");
    cJSON_AddItemToObject(cal, "songs", calib_domain_to_cjson(&c.songs));
    cJSON_AddItemToObject(cal, "scenes", calib_domain_to_cjson(&c.scenes));
    cJSON_AddItemToObject(cal, "segments", calib_domain_to_cjson(&c.segments));
    cJSON_AddItemToObject(cal, "reference", calib_ref_to_cjson(&c));
    char *out = cJSON_PrintUnformatted(meta);
    cJSON_Delete(meta);
    FUZZ_ASSERT(out != NULL, "out of memory");
    return out;
}
#endif
