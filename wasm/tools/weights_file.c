/* weights_file.c — see weights_file.h. */
#include "weights_file.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "model.h"

static uint32_t fnv1a(const unsigned char *p, size_t n, uint32_t h) {
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

/* Offset of the first byte after the meta, or 0 when the file is too short. */
static size_t after_meta(const unsigned char *buf, size_t len) {
    if (len < 20 || memcmp(buf, MODEL_MAGIC, 4)) return 0;
    size_t ml = rd32(buf + 12);
    if (ml > len - 20) return 0;
    return 16 + ml;
}

uint32_t weights_file_net_fnv(const unsigned char *buf, size_t len) {
    size_t a = after_meta(buf, len);
    return a ? fnv1a(buf + a, len - 4 - a, 2166136261u) : 0;
}

int weights_file_set_meta(const unsigned char *buf, size_t len, const char *meta,
                          unsigned char **out, size_t *out_len, char *err, size_t errlen) {
    *out = NULL;
    size_t a = after_meta(buf, len);
    if (!a) { ms_seterr(err, errlen, "not a MoodSpace weights file"); return -1; }
    size_t ml = strlen(meta);
    if (ml > MODEL_MAX_META) { ms_seterr(err, errlen, "meta too long (%zu bytes)", ml); return -1; }
    size_t net = len - 4 - a, n = 16 + ml + net + 4;
    unsigned char *o = malloc(n);
    if (!o) { ms_seterr(err, errlen, "out of memory"); return -1; }
    memcpy(o, buf, 12);
    wr32(o + 12, (uint32_t)ml);
    memcpy(o + 16, meta, ml);
    memcpy(o + 16 + ml, buf + a, net);
    wr32(o + n - 4, fnv1a(o, n - 4, 2166136261u));
    /* the network bytes are those of the input, and the file still loads */
    if (memcmp(o + 16 + ml, buf + a, net) || weights_file_net_fnv(o, n) != weights_file_net_fnv(buf, len)) {
        ms_seterr(err, errlen, "internal error: weights changed while rewriting meta");
        free(o);
        return -1;
    }
    Model *m = model_load_bytes(o, n, err, errlen);
    if (!m) { free(o); return -1; }
    model_free(m);
    *out = o;
    *out_len = n;
    return 0;
}
