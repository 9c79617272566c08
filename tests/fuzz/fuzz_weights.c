/* fuzz_weights.c — libFuzzer harness for the weights loader (model.h). The
 * last 4 bytes of every input are replaced by the FNV-1a checksum of the
 * rest, so mutations reach the parser instead of stopping at the checksum.
 * A file that loads is then run: header JSON, one text through the
 * reference path and a batch through the fast path (the LSTM gates, where a
 * NaN once reached a float-to-int conversion).
 *
 * Seeds: FUZZ_WRITE_SEEDS=DIR fuzz_weights writes one weights file per
 * architecture of fuzz_models.h (every layer kind, float32 and int8) into
 * DIR and exits (tests/fuzz/run.sh does this before fuzzing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_models.h"
#include "model_file.c"   /* reach fnv1a: the checksum the file format uses */

static void write_seed(const char *dir, const char *name, unsigned char prefix, int with_prefix,
                       const void *b, size_t n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f != NULL, path);
    if (with_prefix) FUZZ_ASSERT(fputc(prefix, f) != EOF, path);
    FUZZ_ASSERT(fwrite(b, 1, n, f) == n && fclose(f) == 0, path);
}

/* FUZZ_WRITE_SEEDS=DIR: DIR/weights/arch*.bin (every architecture, float32
 * and int8), DIR/api/load-* (the same files for ms_model_load, selector
 * 0x4A: with the checksum fixed) and DIR/calib/ (the calibrated model's
 * meta, without its reference, and made-up values), then exit. The weights
 * files carry a small meta: fuzz_calib has the calibration tables. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    const char *root = getenv("FUZZ_WRITE_SEEDS");
    if (!root) return 0;
    char w[4000], a[4000], c[4000];
    snprintf(w, sizeof w, "%s/weights", root);
    snprintf(a, sizeof a, "%s/api", root);
    snprintf(c, sizeof c, "%s/calib", root);
    char *meta = fuzz_calibration_meta();
    for (int k = 0; k < FUZZ_N_ARCHS; k++)
        for (int q = 0; q < 2; q++) {
            size_t n = 0;
            /* small metas: the calibration's 50 KB of JSON would slow every
             * execution down; fuzz_calib has it */
            unsigned char *b = fuzz_model_bytes(k, "{\"name\":\"seed\"}", q, &n);
            char name[64];
            snprintf(name, sizeof name, "arch%d-%s.bin", k, q ? "int8" : "f32");
            write_seed(w, name, 0, 0, b, n);
            snprintf(name, sizeof name, "load-arch%d-%s", k, q ? "int8" : "f32");
            write_seed(a, name, 0x4A, 1, b, n);
            free(b);
        }
    for (int q = 0; q < 2; q++) {   /* format version 2: the script head's reader block */
        size_t n = 0;
        unsigned char *b = fuzz_model_bytes_reader("{\"name\":\"seed\"}", q, &n);
        write_seed(w, q ? "reader-int8.bin" : "reader-f32.bin", 0, 0, b, n);
        write_seed(a, q ? "load-reader-int8" : "load-reader-f32", 0x4A, 1, b, n);
        free(b);
    }
    write_seed(c, "meta", 0, 1, meta, strlen(meta));
    char *ref = strstr(meta, ",\"reference\"");
    if (ref) { strcpy(ref, "}}"); write_seed(c, "meta-no-reference", 0, 1, meta, strlen(meta)); }
    free(meta);
    float v[4 * 30];
    uint64_t s = 11;
    for (int i = 0; i < 4 * 30; i++) v[i] = (float)(i % 4 == 2 ? 60 + 120 * fuzz_rand(&s) : fuzz_rand(&s));
    unsigned char buf[1 + sizeof v];
    buf[0] = 3;   /* films of 4 rows */
    memcpy(buf + 1, v, sizeof v);
    write_seed(c, "values", 1, 1, buf, sizeof buf);
    exit(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    if (size >= 8) {
        uint32_t h = fnv1a(buf, size - 4);
        for (int k = 0; k < 4; k++) buf[size - 4 + k] = (unsigned char)(h >> (8 * k));
    }
    char err[256] = "";
    Model *m = model_load_bytes(buf, size, err, sizeof err);
    if (!m) {
        FUZZ_ASSERT(err[0], "a refused file comes with a message");
        free(buf);
        return 0;
    }
    char *hdr = model_header_json(m);
    free(hdr);
    float out[MODEL_MAX_OUTPUTS * 3];
    static const char *const texts[] = {"love the night", "", "fire fire fire rain on the road, never alone"};
    size_t lens[3];
    for (int k = 0; k < 3; k++) lens[k] = strlen(texts[k]);
    model_predict_text(m, texts[0], lens[0], out);
    model_predict_texts(m, texts, lens, 3, out);
    model_predict_texts_domain(m, MODEL_SCRIPT, texts, lens, 3, out);
    model_free(m);
    free(buf);
    return 0;
}
