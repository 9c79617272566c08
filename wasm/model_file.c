/* model_file.c — the weights file (model.h gives its format): written by
 * model_save_bytes / model_save_file, read by model_load_bytes /
 * model_load_file, every field checked as it is read; and where the
 * shipped model lives (model_default_path). */
#include "err.h"
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

#ifndef __EMSCRIPTEN__
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#endif

/* ---- serialisation ------------------------------------------------------- */

static uint32_t fnv1a(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

typedef struct { unsigned char *p; size_t n, cap; int oom; } Writer;

static void w_bytes(Writer *w, const void *src, size_t n) {
    if (w->oom) return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->n + n) cap *= 2;
        unsigned char *np = realloc(w->p, cap);
        if (!np) { w->oom = 1; return; }
        w->p = np; w->cap = cap;
    }
    memcpy(w->p + w->n, src, n);
    w->n += n;
}

static void w_u32(Writer *w, uint32_t v) {
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    w_bytes(w, b, 4);
}

static void w_f32(Writer *w, float f) {
    uint32_t v;
    memcpy(&v, &f, 4);
    w_u32(w, v);
}

static void w_str(Writer *w, const char *s) {
    size_t n = strlen(s);
    w_u32(w, (uint32_t)n);
    w_bytes(w, s, n);
}

/* The reader block (model.h, "reader"). */
static void write_reader(Writer *w, const ModelReader *r) {
    const uint32_t head[7] = {(uint32_t)r->V, (uint32_t)r->P, (uint32_t)r->F, (uint32_t)r->K, (uint32_t)r->max_len,
                              (uint32_t)r->out[0], (uint32_t)r->out[1]};
    for (int i = 0; i < 7; i++) w_u32(w, head[i]);
    w_f32(w, r->a_lin);
    w_f32(w, r->a_seq);
    for (int p = 0; p < r->P; p++) w_f32(w, r->scale[p]);
    w_bytes(w, r->q + 2 * (size_t)r->P, (size_t)(r->V - 2) * r->P);
    const float *parts[4] = {r->kernel, r->bias, r->dense, r->dense_b};
    const size_t counts[4] = {(size_t)r->K * r->P * r->F, (size_t)r->F, (size_t)r->F * 4, 2};
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < counts[k]; i++) w_f32(w, parts[k][i]);
}

int model_save_bytes(const Model *m, int quantize, unsigned char **out, size_t *out_len,
                     char *err, size_t errlen) {
    if (!m || !out || !out_len) { ms_seterr(err, errlen, "model_save_bytes: bad arguments"); return -1; }
    Writer w = {0};
    const ModelReader *rd = m->reader;
    if (rd && model_reader_check(rd, m, err, errlen)) return -1;
    w_bytes(&w, MODEL_MAGIC, 4);
    w_u32(&w, rd ? MODEL_FORMAT_VERSION : 1);   /* a file without a reader stays a version 1 file */
    w_u32(&w, rd ? MODEL_FLAG_READER : 0);
    w_str(&w, m->meta ? m->meta : "");
    w_u32(&w, (uint32_t)m->seq_len);
    w_u32(&w, (uint32_t)m->n_layers);
    for (int l = 0; l < m->n_layers; l++) {
        const LayerSpec *s = &m->layers[l].spec;
        w_u32(&w, (uint32_t)s->type);
        w_u32(&w, (uint32_t)s->units);
        w_u32(&w, (uint32_t)s->size);
        w_u32(&w, (uint32_t)s->act);
        w_u32(&w, s->flags);
        w_f32(&w, s->rate);
    }
    int nw = vocab_size(m->vocab) - 2;
    w_u32(&w, (uint32_t)nw);
    for (int i = 0; i < nw; i++) w_str(&w, vocab_word(m->vocab, i + 2));
    w_u32(&w, (uint32_t)m->n_outputs);
    for (int i = 0; i < m->n_outputs; i++) {
        w_str(&w, m->output_names[i]);
        w_f32(&w, m->target_mean[i]);
        w_f32(&w, m->target_std[i]);
    }
    w_u32(&w, (uint32_t)m->n_tensors);
    for (int k = 0; k < m->n_tensors; k++) {
        const ModelTensor *t = &m->tensors[k];
        const float *p = m->params + t->offset;
        /* a two-head network's last kernel stays float32: each of its rows
         * holds a hidden unit's weights into both heads, so one int8 scale a
         * row would let every refit of the script head move the songs' rounding */
        int q = quantize && t->rows > 1 && !(m->n_heads > 1 && t->layer == m->n_layers - 1);
        w_u32(&w, q ? 1u : 0u);
        w_u32(&w, (uint32_t)t->rows);
        w_u32(&w, (uint32_t)t->cols);
        if (!q) {
            for (size_t i = 0; i < (size_t)t->rows * t->cols; i++) w_f32(&w, p[i]);
            continue;
        }
        signed char *row = malloc((size_t)t->cols);
        if (!row) { w.oom = 1; break; }
        for (int r = 0; r < t->rows; r++) {
            const float *x = p + (size_t)r * t->cols;
            float mx = 0;
            for (int c = 0; c < t->cols; c++) mx = fmaxf(mx, fabsf(x[c]));
            float scale = mx > 0 ? mx / 127.0f : 0.0f;
            for (int c = 0; c < t->cols; c++) {
                float v = scale > 0 ? roundf(x[c] / scale) : 0.0f;
                row[c] = (signed char)(v > 127 ? 127 : v < -127 ? -127 : v);
            }
            w_f32(&w, scale);
            w_bytes(&w, row, (size_t)t->cols);
        }
        free(row);
    }
    if (rd) write_reader(&w, rd);
    if (!w.oom) w_u32(&w, fnv1a(w.p, w.n));
    if (w.oom) { free(w.p); ms_seterr(err, errlen, "out of memory while saving"); return -1; }
    *out = w.p;
    *out_len = w.n;
    return 0;
}

typedef struct {
    const unsigned char *p;
    size_t n, off;
    char *err;
    size_t errlen;
} Reader;

static int r_need(Reader *r, size_t k, const char *what) {
    if (k > r->n - r->off) {
        ms_seterr(r->err, r->errlen, "weights file truncated at byte %zu: %s needs %zu bytes, %zu left",
               r->off, what, k, r->n - r->off);
        return -1;
    }
    return 0;
}

static int r_u32(Reader *r, uint32_t *v, const char *what) {
    if (r_need(r, 4, what)) return -1;
    const unsigned char *b = r->p + r->off;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    r->off += 4;
    return 0;
}

static int r_f32(Reader *r, float *f, const char *what) {
    uint32_t v;
    if (r_u32(r, &v, what)) return -1;
    memcpy(f, &v, 4);
    return 0;
}

/* A length-prefixed string, checked (length limit, no NUL byte) and left
 * where it is: *s points into the file, *len is its length. */
static int r_view(Reader *r, const char **s, uint32_t *len, uint32_t maxlen, const char *what) {
    uint32_t n;
    size_t at = r->off;
    if (r_u32(r, &n, what)) return -1;
    if (n > maxlen) {
        ms_seterr(r->err, r->errlen, "weights file: %s at byte %zu is %u bytes long (limit %u)", what, at, n, maxlen);
        return -1;
    }
    if (r_need(r, n, what)) return -1;
    if (memchr(r->p + r->off, 0, n)) {
        ms_seterr(r->err, r->errlen, "weights file: %s at byte %zu contains a NUL byte", what, at);
        return -1;
    }
    *s = (const char *)r->p + r->off;
    *len = n;
    r->off += n;
    return 0;
}

/* A length-prefixed string into a malloc'd NUL-terminated copy. */
static int r_str(Reader *r, char **s, uint32_t maxlen, const char *what) {
    const char *v;
    uint32_t n;
    if (r_view(r, &v, &n, maxlen, what)) return -1;
    if (!(*s = model_dup_str(v, n))) {
        ms_seterr(r->err, r->errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Magic, version, flags, meta, sequence length and the layer specs. */
static int load_header(Model *m, Reader *r, uint32_t *seq_len, uint32_t *n_layers, LayerSpec *specs, uint32_t *flags_out) {
    char *err = r->err;
    size_t errlen = r->errlen;
    uint32_t v, flags;
    if (r->n < 8) {
        ms_seterr(err, errlen, "not a MoodSpace weights file (%zu bytes is too short)", r->n);
        return -1;
    }
    if (memcmp(r->p, MODEL_MAGIC, 4)) {
        ms_seterr(err, errlen, "not a MoodSpace weights file (bad magic number; expected \"%s\")", MODEL_MAGIC);
        return -1;
    }
    r->off = 4;
    r_u32(r, &v, "version");
    if (v < MODEL_FORMAT_MIN_VERSION || v > MODEL_FORMAT_VERSION) {
        ms_seterr(err, errlen, "weights file format version %u, but this build reads versions %d..%d (re-export the weights with this version)",
               v, MODEL_FORMAT_MIN_VERSION, MODEL_FORMAT_VERSION);
        return -1;
    }
    if (r_u32(r, &flags, "flags")) return -1;
    if (flags & ~(v >= 2 ? MODEL_FLAG_READER : 0u)) { ms_seterr(err, errlen, "weights file: unknown flags 0x%x for version %u", flags, v); return -1; }
    *flags_out = flags;
    free(m->meta);
    m->meta = NULL;
    if (r_str(r, &m->meta, MODEL_MAX_META, "meta")) return -1;
    if (r_u32(r, seq_len, "sequence length")) return -1;
    if (*seq_len < 1 || *seq_len > MODEL_MAX_SEQ_LEN) {
        ms_seterr(err, errlen, "weights file: sequence length %u out of range (1..%d)", *seq_len, MODEL_MAX_SEQ_LEN);
        return -1;
    }
    if (r_u32(r, n_layers, "layer count")) return -1;
    if (*n_layers < 1 || *n_layers > MODEL_MAX_LAYERS) {
        ms_seterr(err, errlen, "weights file: %u layers (must be 1..%d)", *n_layers, MODEL_MAX_LAYERS);
        return -1;
    }
    for (uint32_t l = 0; l < *n_layers; l++) {
        uint32_t f[5];
        for (int k = 0; k < 5; k++)
            if (r_u32(r, &f[k], "layer spec")) return -1;
        float rate;
        if (r_f32(r, &rate, "layer spec")) return -1;
        for (int k = 0; k < 4; k++)
            if (f[k] > MODEL_MAX_UNITS) {
                ms_seterr(err, errlen, "weights file: layer %u has an out-of-range field (%u)", l, f[k]);
                return -1;
            }
        specs[l] = (LayerSpec){(int)f[0], (int)f[1], (int)f[2], (int)f[3], f[4], rate};
    }
    return 0;
}

/* The vocabulary into m->vocab: the words copied once, NUL-terminated,
 * into one block the vocabulary takes over (vocab_adopt). */
static int load_vocab(Model *m, Reader *r) {
    uint32_t n_words;
    if (r_u32(r, &n_words, "word count")) return -1;
    if (n_words > VOCAB_MAX_WORDS || (uint64_t)n_words * 5 > r->n - r->off) {
        ms_seterr(r->err, r->errlen, "weights file: %u vocabulary words cannot fit in the %zu bytes left", n_words, r->n - r->off);
        return -1;
    }
    /* each word takes its length + 1 in the block, at most what its 4-byte
     * prefix and bytes take in the file: the words left bound the block */
    char *block = malloc(r->n - r->off + 1);
    if (!block) { ms_seterr(r->err, r->errlen, "out of memory"); return -1; }
    size_t used = 0;
    for (uint32_t i = 0; i < n_words; i++) {
        const char *w;
        uint32_t len;
        if (r_view(r, &w, &len, TEXT_MAX_TOKEN_BYTES, "vocabulary word")) { free(block); return -1; }
        memcpy(block + used, w, len);
        block[used + len] = 0;
        used += (size_t)len + 1;
    }
    char *fit = realloc(block, used ? used : 1);   /* give back what the rest of the file took */
    m->vocab = vocab_adopt(fit ? fit : block, (int)n_words, r->err, r->errlen);
    return m->vocab ? 0 : -1;
}

/* The outputs (names, target mean and std), then the architecture they
 * and the header describe (shapes, the tensor table, the params left for
 * the tensors to fill: not zeroed first). */
static int load_outputs_and_arch(Model *m, Reader *r, const LayerSpec *specs, uint32_t n_layers, uint32_t seq_len) {
    uint32_t n_outputs;
    if (r_u32(r, &n_outputs, "output count")) return -1;
    if (n_outputs < 1 || n_outputs > MODEL_MAX_OUTPUTS) {
        ms_seterr(r->err, r->errlen, "weights file: %u outputs (must be 1..%d)", n_outputs, MODEL_MAX_OUTPUTS);
        return -1;
    }
    char *names[MODEL_MAX_OUTPUTS] = {0};
    float mean[MODEL_MAX_OUTPUTS], sd[MODEL_MAX_OUTPUTS];
    int rc = 0;
    for (uint32_t i = 0; i < n_outputs && !rc; i++) {
        rc = r_str(r, &names[i], MODEL_MAX_NAME, "output name");
        if (!rc) rc = r_f32(r, &mean[i], "target mean");
        if (!rc) rc = r_f32(r, &sd[i], "target std");
    }
    if (!rc) rc = model_build_arch(m, specs, (int)n_layers, (int)seq_len, vocab_size(m->vocab), (int)n_outputs, 0, r->err, r->errlen);
    if (!rc) rc = model_set_outputs(m, (const char *const *)names, mean, sd, (int)n_outputs, r->err, r->errlen);
    for (uint32_t i = 0; i < n_outputs; i++) free(names[i]);
    return rc ? -1 : 0;
}

/* One tensor's values into p: float32 (enc 0) or int8 rows with a float
 * scale each (enc 1); every value finite. */
static int load_tensor(Model *m, Reader *r, const ModelTensor *t, float *p) {
    char *err = r->err;
    size_t errlen = r->errlen;
    uint32_t enc, rows, cols;
    size_t at = r->off;
    if (r_u32(r, &enc, "tensor encoding") || r_u32(r, &rows, "tensor rows") || r_u32(r, &cols, "tensor cols"))
        return -1;
    if (rows != (uint32_t)t->rows || cols != (uint32_t)t->cols) {
        ms_seterr(err, errlen, "weights file: tensor %s at byte %zu is [%u][%u], the architecture needs [%d][%d]",
               t->name, at, rows, cols, t->rows, t->cols);
        return -1;
    }
    size_t count = (size_t)rows * cols;
    /* an int8 row is finite when its scale times 128 (the largest |int8|)
     * is: only float32 values and rows with a huge scale are checked */
    int check = enc == 0;
    if (enc == 0) {
        if (r_need(r, count * 4, t->name)) return -1;
        const union { uint32_t u; unsigned char b[4]; } probe = {1};
        if (probe.b[0] == 1) {   /* little-endian host: the bytes are the floats */
            memcpy(p, r->p + r->off, count * 4);
            r->off += count * 4;
        } else {
            for (size_t i = 0; i < count; i++) r_f32(r, &p[i], t->name);
        }
    } else if (enc == 1) {
        if (r_need(r, (size_t)rows * (4 + (size_t)cols), t->name)) return -1;
        for (uint32_t row = 0; row < rows; row++) {
            float scale;
            r_f32(r, &scale, t->name);
            if (!isfinite(scale)) {
                ms_seterr(err, errlen, "weights file: tensor %s row %u has a bad scale", t->name, row);
                return -1;
            }
            if (!isfinite(scale * 128.0f)) check = 1;
            const signed char *q = (const signed char *)r->p + r->off;
            for (uint32_t c = 0; c < cols; c++) p[(size_t)row * cols + c] = scale * (float)q[c];
            r->off += cols;
        }
        m->quantized = 1;
    } else {
        ms_seterr(err, errlen, "weights file: tensor %s at byte %zu has unknown encoding %u", t->name, at, enc);
        return -1;
    }
    if (!check) return 0;
    for (size_t i = 0; i < count; i++)
        if (!isfinite(p[i])) {
            ms_seterr(err, errlen, "weights file: tensor %s holds a non-finite value at %zu", t->name, i);
            return -1;
        }
    return 0;
}

/* The reader block (model.h, "reader") into m->reader, every field checked. */
static int load_reader(Model *m, Reader *r) {
    uint32_t h[7];
    float a[2];
    static const char *const what[7] = {"reader words", "reader numbers a word", "reader filters", "reader width",
                                        "reader words read", "reader valence output", "reader energy output"};
    size_t at = r->off;
    for (int i = 0; i < 7; i++)
        if (r_u32(r, &h[i], what[i])) return -1;
    if (r_f32(r, &a[0], "reader blend") || r_f32(r, &a[1], "reader blend")) return -1;
    if (m->n_heads < 2) { ms_seterr(r->err, r->errlen, "weights file: a reader block at byte %zu, but the model has no script head", at); return -1; }
    if (h[0] < 3 || h[0] > (uint32_t)vocab_size(m->vocab) || h[1] < 1 || h[1] > MODEL_READER_MAX_P || h[2] < 1 || h[2] > MODEL_READER_MAX_F ||
        h[3] < 1 || h[3] > MODEL_READER_MAX_K || h[4] < 1 || h[4] > MODEL_READER_MAX_LEN) {
        ms_seterr(r->err, r->errlen, "weights file: reader block at byte %zu has sizes out of range (words %u of %d, numbers a word %u, filters %u, width %u, words read %u)",
                  at, h[0], vocab_size(m->vocab), h[1], h[2], h[3], h[4]);
        return -1;
    }
    const int V = (int)h[0], P = (int)h[1], F = (int)h[2], K = (int)h[3];
    size_t need = 4 * (size_t)P + (size_t)(V - 2) * P + 4 * ((size_t)K * P * F + (size_t)F + (size_t)F * 4 + 2);
    if (r_need(r, need, "reader tables")) return -1;
    ModelReader *rd = model_reader_new(V, P, F, K, (int)h[4], r->err, r->errlen);
    if (!rd) return -1;
    rd->out[0] = (int)(h[5] < (uint32_t)MODEL_MAX_OUTPUTS ? h[5] : MODEL_MAX_OUTPUTS);
    rd->out[1] = (int)(h[6] < (uint32_t)MODEL_MAX_OUTPUTS ? h[6] : MODEL_MAX_OUTPUTS);
    rd->a_lin = a[0]; rd->a_seq = a[1];
    for (int p = 0; p < P; p++) r_f32(r, &rd->scale[p], "reader scales");
    memcpy(rd->q + 2 * (size_t)P, r->p + r->off, (size_t)(V - 2) * P);
    r->off += (size_t)(V - 2) * P;
    float *parts[4] = {rd->kernel, rd->bias, rd->dense, rd->dense_b};
    const size_t counts[4] = {(size_t)K * P * F, (size_t)F, (size_t)F * 4, 2};
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < counts[k]; i++) r_f32(r, &parts[k][i], "reader weights");
    char e[200];
    if (model_reader_check(rd, m, e, sizeof e)) {
        ms_seterr(r->err, r->errlen, "weights file: reader block at byte %zu: %s", at, e);
        model_reader_free(rd);
        return -1;
    }
    m->reader = rd;
    return 0;
}

/* The file's parts in order (model.h gives the format): header and layer
 * specs, vocabulary, outputs and architecture, tensors, checksum. */
static int load_body(Model *m, Reader *r) {
    uint32_t seq_len, n_layers, n_tensors, flags = 0;
    LayerSpec specs[MODEL_MAX_LAYERS];
    if (load_header(m, r, &seq_len, &n_layers, specs, &flags) || load_vocab(m, r) ||
        load_outputs_and_arch(m, r, specs, n_layers, seq_len)) return -1;
    if (r_u32(r, &n_tensors, "tensor count")) return -1;
    if (n_tensors != (uint32_t)m->n_tensors) {
        ms_seterr(r->err, r->errlen, "weights file: %u tensors, but the architecture has %d", n_tensors, m->n_tensors);
        return -1;
    }
    for (int k = 0; k < m->n_tensors; k++)
        if (load_tensor(m, r, &m->tensors[k], m->params + m->tensors[k].offset)) return -1;
    if ((flags & MODEL_FLAG_READER) && load_reader(m, r)) return -1;
    uint32_t sum, want = fnv1a(r->p, r->off);
    if (r_u32(r, &sum, "checksum")) return -1;
    if (sum != want) {
        ms_seterr(r->err, r->errlen, "weights file is damaged: checksum 0x%08x, computed 0x%08x", sum, want);
        return -1;
    }
    if (r->off != r->n) {
        ms_seterr(r->err, r->errlen, "weights file: %zu unexpected bytes after the end", r->n - r->off);
        return -1;
    }
    return 0;
}

Model *model_load_bytes(const void *buf, size_t len, char *err, size_t errlen) {
    if (!buf && len) { ms_seterr(err, errlen, "model_load_bytes: no buffer"); return NULL; }
    Model *m = calloc(1, sizeof *m);
    if (!m) { ms_seterr(err, errlen, "out of memory"); return NULL; }
    Reader r = {buf, len, 0, err, errlen};
    if (load_body(m, &r)) { model_free(m); return NULL; }
    model_prepare(m, NULL, 0);   /* failure leaves the reference path: still correct */
    return m;
}

#ifndef __EMSCRIPTEN__
Model *model_load_file(const char *path, char *err, size_t errlen) {
    char def[4096];
    if (!path) {
        if (model_default_path(def, sizeof def)) { ms_seterr(err, errlen, "default model path too long"); return NULL; }
        path = def;
    }
    FILE *f = fopen(path, "rb");
    if (!f) { ms_seterr(err, errlen, "cannot open weights file %s: %s", path, strerror(errno)); return NULL; }
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= (1u << 30)) { fclose(f); free(buf); ms_seterr(err, errlen, "%s: larger than 1 GB", path); return NULL; }
            cap = cap ? cap * 2 : 1 << 16;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) { fclose(f); free(buf); ms_seterr(err, errlen, "%s: out of memory", path); return NULL; }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(buf); ms_seterr(err, errlen, "%s: read error", path); return NULL; }
    char e[400];
    Model *m = model_load_bytes(buf, n, e, sizeof e);
    free(buf);
    if (!m) ms_seterr(err, errlen, "%s: %s", path, e);
    return m;
}

int model_save_file(const Model *m, const char *path, int quantize, char *err, size_t errlen) {
    if (!path) { ms_seterr(err, errlen, "model_save_file: no path"); return -1; }
    unsigned char *buf;
    size_t n;
    if (model_save_bytes(m, quantize, &buf, &n, err, errlen)) return -1;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) { free(buf); ms_seterr(err, errlen, "cannot write %s: %s", tmp, strerror(errno)); return -1; }
    size_t k = fwrite(buf, 1, n, f);
    free(buf);
    if (fclose(f) != 0 || k != n) { remove(tmp); ms_seterr(err, errlen, "write error on %s", tmp); return -1; }
    if (rename(tmp, path)) { remove(tmp); ms_seterr(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno)); return -1; }
    return 0;
}

int model_default_path(char *buf, size_t n) {
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int have_exe = 0;
    if (k > 0) {
        exe[k] = 0;
        for (int up = 0; up < 2; up++) {   /* strip the file name, then its directory */
            char *slash = strrchr(exe, '/');
            if (!slash) { exe[0] = 0; break; }
            *slash = 0;
        }
        have_exe = exe[0] != 0;
    }
    if (have_exe) {
        int w = snprintf(buf, n, "%s/weights/model.bin", exe);
        if (w < 0 || (size_t)w >= n) return -1;
        if (access(buf, F_OK) == 0 || access("weights/model.bin", F_OK) != 0) return 0;
    }
    int w = snprintf(buf, n, "weights/model.bin");
    return (w > 0 && (size_t)w < n) ? 0 : -1;
}
#endif

