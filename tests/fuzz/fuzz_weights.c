/* fuzz_weights.c — libFuzzer harness for the weights loader (model.h). The
 * last 4 bytes of every input are replaced by the FNV-1a checksum of the
 * rest, so mutations reach the parser instead of stopping at the checksum.
 * A file that loads is then run: header JSON, one text through the
 * reference path and a batch through the fast path (the LSTM gates, where a
 * NaN once reached a float-to-int conversion). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "model.c"   /* reach fnv1a: the checksum the file format uses */

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
    model_free(m);
    free(buf);
    return 0;
}
