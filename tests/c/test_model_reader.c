/* test_model_reader.c — the script head's reader of word order
 * (model_reader.h) and the weights file's reader block (format version 2):
 * hand values, what it replaces (script valence and energy only; songs
 * byte-identical), save/load, old files, and hostile blocks (every
 * truncation, bad sizes, bad outputs, non-finite numbers, a block on a
 * one-head model) refused with a message. No ../shared. */
#include "model.h"
#include "model_reader.h"
#include "check.h"
#include "test_models.h"

#include <stdlib.h>
#include <string.h>

static const char *const WORDS[8] = { "love", "rain", "night", "dance", "corpse", "gunfire", "cake", "wedding" };
static const char *const NAMES[2] = { "energy", "valence" };

/* two_output_heads (test_models.h) with two heads, or one, ready to run. */
static Model *two_head(int heads) {
    Model *m = two_output_heads(heads, WORDS, NAMES);
    char err[256];
    if (m) model_prepare(m, err, sizeof err);
    return m;
}

/* V 8 (ids 2..7 may have rows), P 2, F 2, K 2, at most 4 words; id 5 has no row. */
static ModelReader *tiny_reader(void) {
    char err[256];
    ModelReader *r = model_reader_new(8, 2, 2, 2, 4, err, sizeof err);
    if (!r) { printf("# %s\n", err); return NULL; }
    r->scale[0] = 0.5f; r->scale[1] = 0.25f;
    for (int v = 2; v < 8; v++) {
        if (v == 5) continue;   /* stays MODEL_READER_NO_ROW */
        r->q[v * 2] = (signed char)(v - 3);
        r->q[v * 2 + 1] = (signed char)(2 * v - 9);
    }
    const float kernel[2 * 2 * 2] = { 1, -1, 0.5f, 0.25f, -0.5f, 1, 0.25f, 0.5f };   /* [k][p][f] */
    memcpy(r->kernel, kernel, sizeof kernel);
    r->bias[0] = 0.1f; r->bias[1] = -0.2f;
    const float dense[4 * 2] = { 1, 0.5f, -1, 0.25f, 2, -1, 0.5f, 1 };   /* [2F][2] */
    memcpy(r->dense, dense, sizeof dense);
    r->dense_b[0] = 0.05f; r->dense_b[1] = -0.05f;
    r->out[0] = 1; r->out[1] = 0;   /* valence, energy */
    r->a_lin = 0.75f; r->a_seq = 0.5f;
    return r;
}

/* The reader by hand: rows x, conv (zero padding), relu, max and mean, dense. */
static void by_hand(const ModelReader *r, const int32_t *w, int T, float out[2]) {
    float x[8][2] = {{0}};
    for (int t = 0; t < T; t++)
        for (int p = 0; p < 2; p++) x[t][p] = r->scale[p] * (float)r->q[w[t] * 2 + p];
    int Tp = T < 2 ? 2 : T, To = Tp - 1;
    double mx[2] = { -1e30, -1e30 }, sum[2] = { 0, 0 };
    for (int t = 0; t < To; t++)
        for (int f = 0; f < 2; f++) {
            double h = r->bias[f];
            for (int k = 0; k < 2; k++)
                for (int p = 0; p < 2; p++) h += x[t + k][p] * r->kernel[(k * 2 + p) * 2 + f];
            h = h > 0 ? h : 0;
            if (h > mx[f]) mx[f] = h;
            sum[f] += h;
        }
    for (int j = 0; j < 2; j++) {
        double o = r->dense_b[j];
        for (int f = 0; f < 2; f++) o += mx[f] * r->dense[f * 2 + j] + sum[f] / To * r->dense[(2 + f) * 2 + j];
        out[j] = (float)o;
    }
}

static void hand_values(void) {
    ModelReader *r = tiny_reader();
    CHECK(r != NULL, "a reader can be made");
    if (!r) return;
    int32_t work[4];
    float got[2], want[2];
    /* ids: 2, pad-ish 0, OOV 1, 5 (no row), 9 (beyond V), 3, 7, 4, 6: read 2 3 7 4 (max 4 words) */
    const int32_t ids[9] = { 2, 0, 1, 5, 9, 3, 7, 4, 6 };
    model_reader_read(r, ids, 9, work, got);
    const int32_t kept[4] = { 2, 3, 7, 4 };
    by_hand(r, kept, 4, want);
    check_tensor(got, want, 2, 1e-5f, "reader: rows of known words in order, at most max_len, by hand");
    model_reader_read(r, ids, 1, work, got);
    by_hand(r, kept, 1, want);
    check_tensor(got, want, 2, 1e-5f, "reader: one word is padded with a zero row to the width");
    model_reader_read(r, ids + 1, 4, work, got);
    by_hand(r, kept, 0, want);
    check_tensor(got, want, 2, 1e-5f, "reader: no readable word reads zero rows (relu of the bias)");
    const int32_t swapped[4] = { 3, 2, 7, 4 };
    float a[2], b[2];
    model_reader_read(r, kept, 4, work, a);
    model_reader_read(r, swapped, 4, work, b);
    CHECK(a[0] != b[0] || a[1] != b[1], "reader: the same words in another order read differently");
    model_reader_free(r);
}

static void in_the_model(void) {
    Model *m = two_head(2);
    ModelReader *r = tiny_reader();
    char err[256];
    if (!m || !r) { CHECK(0, "models for the reader"); model_free(m); model_reader_free(r); return; }
    const char *texts[3] = { "love rain corpse night", "wedding cake dance", "gunfire" };
    float song0[6], script0[6], song1[6], script1[6];
    model_predict_texts_domain(m, MODEL_SONG, texts, NULL, 3, song0);
    model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, 3, script0);
    CHECK(model_set_reader(m, r, err, sizeof err) == 0 && m->reader, "a reader attaches to a two-head model");
    model_predict_texts_domain(m, MODEL_SONG, texts, NULL, 3, song1);
    model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, 3, script1);
    CHECK(memcmp(song0, song1, sizeof song0) == 0, "songs read byte-identically with a reader");
    int ok = 1;
    int32_t ids[16], work[4];
    for (int i = 0; i < 3; i++) {
        model_encode(m, texts[i], strlen(texts[i]), ids);
        float rd[2];
        model_reader_read(r, ids, 16, work, rd);
        for (int t = 0; t < 2; t++) {
            int o = r->out[t];
            float z0 = (script0[i * 2 + o] - m->target_mean[o]) / m->target_std[o];
            float want = (0.75f * z0 + 0.5f * rd[t]) * m->target_std[o] + m->target_mean[o];
            if (fabsf(script1[i * 2 + o] - want) > 1e-5f) ok = 0;
        }
    }
    CHECK(ok, "script valence and energy become 0.75 x head + 0.5 x reader (z units)");
    float zf[2], zr[2];
    model_encode(m, texts[0], strlen(texts[0]), ids);
    model_predict_ids_z_domain(m, MODEL_SCRIPT, ids, 1, zf);
    model_forward_reference_domain(m, MODEL_SCRIPT, ids, zr);
    check_tensor(zf, zr, 2, 1e-6f, "fast path = reference with a reader");
    char *h = model_header_json(m);
    CHECK(h && strstr(h, "\"reader\"") && strstr(h, "\"format_version\":2"), "the header shows the reader and format version 2");
    free(h);

    /* bad readers are refused */
    r->V = 11;
    CHECK(model_set_reader(m, r, err, sizeof err) == -1 && strstr(err, "reader"), "a reader longer than the vocabulary is refused");
    r->V = 8; r->out[1] = 1;
    CHECK(model_set_reader(m, r, err, sizeof err) == -1 && strstr(err, "outputs"), "a reader writing one output twice is refused");
    r->out[1] = 0; r->kernel[3] = NAN;
    CHECK(model_set_reader(m, r, err, sizeof err) == -1 && strstr(err, "finite"), "a non-finite reader weight is refused");
    r->kernel[3] = 0.25f;
    Model *one = two_head(1);
    CHECK(one && model_set_reader(one, r, err, sizeof err) == -1 && strstr(err, "script head"), "a one-head model takes no reader");
    model_free(one);
    CHECK(model_set_reader(m, NULL, err, sizeof err) == 0 && !m->reader, "the reader can be removed");
    model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, 3, script1);
    CHECK(memcmp(script0, script1, sizeof script0) == 0, "without it the script head reads as before");
    model_reader_free(r);
    model_free(m);
}

static uint32_t fnv(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

static void put32(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24); }
static void fix_sum(unsigned char *b, size_t n) { put32(b + n - 4, fnv(b, n - 4)); }

/* A copy of buf with the u32 at off set to v (checksum fixed); loads? error in err. */
static int loads_with(const unsigned char *buf, size_t len, size_t off, uint32_t v, char *err, size_t errlen) {
    unsigned char *c = malloc(len);
    memcpy(c, buf, len);
    put32(c + off, v);
    fix_sum(c, len);
    Model *m = model_load_bytes(c, len, err, errlen);
    free(c);
    model_free(m);
    return m != NULL;
}

/* Hostile version 2 files: every truncation, then bad fields of the reader
 * block (checksums fixed). */
static void hostile_files(const unsigned char *buf, size_t len) {
    char err[400];
    int all = 1;
    for (size_t cut = 0; cut < len; cut++) {
        err[0] = 0;
        Model *t = model_load_bytes(buf, cut, err, sizeof err);
        if (t || !err[0]) all = 0;
        model_free(t);
    }
    CHECK(all, "every truncation of a version 2 file is refused with a message");
    const size_t block = 36 + 4 * 2 + 6 * 2 + 4 * (2 * 2 * 2 + 5 * 2 + 2), at = len - 4 - block;
    CHECK(loads_with(buf, len, at, 8, err, sizeof err), "the block sits where the format says (V rewritten as itself loads)");
    CHECK(!loads_with(buf, len, at, 11, err, sizeof err) && strstr(err, "reader"), "a reader longer than the vocabulary is refused");
    CHECK(!loads_with(buf, len, at, 0xffffffffu, err, sizeof err) && strstr(err, "reader"), "a huge reader vocabulary is refused");
    CHECK(!loads_with(buf, len, at + 4, 0, err, sizeof err) && strstr(err, "reader"), "zero numbers a word is refused");
    CHECK(!loads_with(buf, len, at + 8, 1u << 20, err, sizeof err) && strstr(err, "reader"), "too many filters are refused");
    CHECK(!loads_with(buf, len, at + 12, 99, err, sizeof err) && strstr(err, "reader"), "a width beyond 16 is refused");
    CHECK(!loads_with(buf, len, at + 20, 7, err, sizeof err) && strstr(err, "outputs"), "a reader output beyond the outputs is refused");
    CHECK(!loads_with(buf, len, at + 24, 1, err, sizeof err) && strstr(err, "outputs"), "both reader outputs the same is refused");
    CHECK(!loads_with(buf, len, at + 28, 0x7fc00000u, err, sizeof err) && strstr(err, "finite"), "a NaN blend is refused");
    CHECK(!loads_with(buf, len, at + 36, 0x7f800000u, err, sizeof err) && strstr(err, "finite"), "an infinite column scale is refused");
    CHECK(!loads_with(buf, len, len - 8, 0x7f800000u, err, sizeof err) && strstr(err, "finite"), "an infinite reader weight is refused");
    CHECK(!loads_with(buf, len, 8, 2, err, sizeof err) && strstr(err, "flags"), "an unknown flag is refused");
    CHECK(!loads_with(buf, len, 4, 3, err, sizeof err) && strstr(err, "version"), "a future version is refused");
    CHECK(!loads_with(buf, len, 4, 1, err, sizeof err) && strstr(err, "flags"), "a reader flag on a version 1 file is refused");
    unsigned char *c = malloc(len + 3);
    memcpy(c, buf, len);
    memcpy(c + len - 4, "xyz", 3);
    put32(c + len - 1, fnv(c, len - 1));
    Model *t = model_load_bytes(c, len + 3, err, sizeof err);
    CHECK(!t && (strstr(err, "unexpected") || strstr(err, "damaged")), "bytes after the reader block are refused");
    model_free(t);
    free(c);
}

/* The reader block of a two-head model m spliced into a one-head model's file: refused. */
static void one_head_block(Model *m) {
    char err[400];
    Model *one = two_head(1);
    unsigned char *b1 = NULL, *b2 = NULL; size_t l1 = 0, l2 = 0;
    model_save_bytes(one, 0, &b1, &l1, err, sizeof err);
    model_save_bytes(m, 0, &b2, &l2, err, sizeof err);
    /* the one-head file's tensors are shorter: splice the two-head file's block in before its checksum */
    const size_t block = 36 + 4 * 2 + 6 * 2 + 4 * (2 * 2 * 2 + 5 * 2 + 2);
    unsigned char *sp = b1 && b2 ? malloc(l1 + block) : NULL;
    if (sp) {
        memcpy(sp, b1, l1 - 4);
        memcpy(sp + l1 - 4, b2 + l2 - 4 - block, block);
        put32(sp + 4, 2);
        put32(sp + 8, MODEL_FLAG_READER);
        fix_sum(sp, l1 + block);
        Model *t = model_load_bytes(sp, l1 + block, err, sizeof err);
        CHECK(!t && strstr(err, "script head"), "a reader block on a one-head model is refused");
        model_free(t);
        free(sp);
    }
    model_free(one);
    free(b1); free(b2);
}

static void files(void) {
    Model *m = two_head(2);
    ModelReader *r = tiny_reader();
    char err[400];
    if (!m || !r || model_set_reader(m, r, err, sizeof err)) { CHECK(0, "models for the file tests"); model_free(m); model_reader_free(r); return; }
    const char *texts[2] = { "love rain corpse night", "wedding cake dance gunfire" };
    for (int q = 0; q < 2; q++) {
        unsigned char *buf = NULL; size_t len = 0;
        CHECK(model_save_bytes(m, q, &buf, &len, err, sizeof err) == 0 && buf[4] == 2 && buf[8] == MODEL_FLAG_READER,
              "a model with a reader is saved as version 2 with the reader flag");
        Model *b = model_load_bytes(buf, len, err, sizeof err);
        CHECK(b && b->reader && b->reader->V == 8 && b->reader->a_seq == 0.5f && memcmp(b->reader->q, r->q, 16) == 0 &&
              memcmp(b->reader->scale, r->scale, 2 * sizeof(float)) == 0, "the reader block round-trips exactly");
        if (b && q == 0) {
            float o1[4], o2[4];
            model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, 2, o1);
            model_predict_texts_domain(b, MODEL_SCRIPT, texts, NULL, 2, o2);
            CHECK(memcmp(o1, o2, sizeof o1) == 0, "the loaded model reads scenes exactly as the saved one");
        }
        unsigned char *again = NULL; size_t len2 = 0;
        CHECK(b && model_save_bytes(b, q, &again, &len2, err, sizeof err) == 0 && len2 == len && memcmp(again, buf, len) == 0,
              "saving the loaded model gives the same bytes");
        free(again);
        model_free(b);
        if (q == 1) { free(buf); continue; }

        hostile_files(buf, len);
        free(buf);
    }
    one_head_block(m);

    /* a model without a reader is still a version 1 file, and loads */
    model_set_reader(m, NULL, err, sizeof err);
    unsigned char *buf = NULL; size_t len = 0;
    CHECK(model_save_bytes(m, 1, &buf, &len, err, sizeof err) == 0 && buf[4] == 1 && buf[8] == 0, "without a reader the file stays version 1");
    Model *b = buf ? model_load_bytes(buf, len, err, sizeof err) : NULL;
    CHECK(b && !b->reader, "a version 1 file loads without a reader");
    model_free(b);
    free(buf);
    model_reader_free(r);
    model_free(m);
}

/* The last kernel's rows feed both heads: saved int8 with one scale a row, a
 * refit of the script columns would move the songs' rounding. It is saved
 * float32, so the songs read the same whatever the script head holds. */
static void songs_apart_from_refits(void) {
    Model *m = two_head(2);
    if (!m) { CHECK(0, "a model for the refit test"); return; }
    char err[256];
    const char *texts[3] = { "love rain corpse night", "wedding cake dance", "gunfire night rain" };
    float a[6], b[6];
    unsigned char *buf = NULL; size_t len = 0;
    model_save_bytes(m, 1, &buf, &len, err, sizeof err);
    Model *x = buf ? model_load_bytes(buf, len, err, sizeof err) : NULL;
    free(buf);
    /* a refit of the script head: its columns of the last kernel grow far past the song columns */
    float *W2 = m->params + m->tensors[4].offset;
    for (int r = 0; r < m->tensors[4].rows; r++) { W2[r * 4 + 2] = 40.0f + (float)r; W2[r * 4 + 3] = -30.0f * (float)r; }
    model_prepare(m, err, sizeof err);
    model_save_bytes(m, 1, &buf, &len, err, sizeof err);
    Model *y = buf ? model_load_bytes(buf, len, err, sizeof err) : NULL;
    free(buf);
    CHECK(x && y && model_predict_texts_domain(x, MODEL_SONG, texts, NULL, 3, a) == 0 &&
          model_predict_texts_domain(y, MODEL_SONG, texts, NULL, 3, b) == 0 && memcmp(a, b, sizeof a) == 0,
          "int8 files: a refit of the script head leaves the songs byte-identical (the last kernel is float32)");
    model_free(x); model_free(y); model_free(m);
}

int main(void) {
    songs_apart_from_refits();
    hand_values();
    in_the_model();
    files();
    return check_summary();
}
