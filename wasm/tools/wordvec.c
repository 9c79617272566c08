/* wordvec.c — see wordvec.h. */
#include "wordvec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stb_ds.h>

typedef struct { char *key; int value; } wv_entry;

int wordvec_save(const char *path, const char *const *words, const long *count, const float *vec,
                 int n, int dim, char *err, size_t errlen) {
    FILE *f = fopen(path, "wb");
    if (!f) { snprintf(err, errlen, "cannot write %s", path); return -1; }
    uint32_t h[3] = { 1, (uint32_t)n, (uint32_t)dim };
    fwrite("MSWV", 1, 4, f);
    fwrite(h, 4, 3, f);
    for (int i = 0; i < n; i++) {
        uint32_t L = (uint32_t)strlen(words[i]);
        uint64_t c = (uint64_t)count[i];
        fwrite(&L, 4, 1, f); fwrite(words[i], 1, L, f); fwrite(&c, 8, 1, f);
        fwrite(vec + (size_t)i * dim, sizeof(float), (size_t)dim, f);
    }
    if (fclose(f)) { snprintf(err, errlen, "cannot write %s", path); return -1; }
    return 0;
}

WordVec *wordvec_load(const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "cannot read %s (run `moodspace embed` first)", path); return NULL; }
    char magic[4]; uint32_t h[3];
    if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "MSWV", 4) || fread(h, 4, 3, f) != 3 || h[0] != 1 ||
        h[1] > 10000000u || h[2] < 1 || h[2] > 1000) {
        snprintf(err, errlen, "%s: not a version-1 wordvec file", path); fclose(f); return NULL;
    }
    WordVec *wv = calloc(1, sizeof *wv);
    wv->n = (int)h[1]; wv->dim = (int)h[2];
    wv->words = calloc((size_t)wv->n + 1, sizeof(char *));
    wv->count = malloc(sizeof(long) * ((size_t)wv->n + 1));
    wv->vec = malloc(sizeof(float) * ((size_t)wv->n * wv->dim + 1));
    wv_entry *idx = NULL;
    sh_new_arena(idx);
    int ok = wv->words && wv->count && wv->vec;
    for (int i = 0; ok && i < wv->n; i++) {
        uint32_t L; uint64_t c;
        if (fread(&L, 4, 1, f) != 1 || L > 4096 || !(wv->words[i] = malloc(L + 1)) ||
            fread(wv->words[i], 1, L, f) != L || fread(&c, 8, 1, f) != 1 ||
            fread(wv->vec + (size_t)i * wv->dim, sizeof(float), (size_t)wv->dim, f) != (size_t)wv->dim) { ok = 0; break; }
        wv->words[i][L] = 0;
        wv->count[i] = (long)c;
        wv->total += (double)c;
        shput(idx, wv->words[i], i);
    }
    fclose(f);
    wv->index = idx;
    if (!ok) { snprintf(err, errlen, "%s: truncated or unreadable", path); wordvec_free(wv); return NULL; }
    return wv;
}

int wordvec_find(const WordVec *wv, const char *word) {
    wv_entry *idx = wv->index;
    ptrdiff_t i = shgeti(idx, word);
    return i < 0 ? -1 : idx[i].value;
}

void wordvec_free(WordVec *wv) {
    if (!wv) return;
    wv_entry *idx = wv->index;
    shfree(idx);
    for (int i = 0; i < wv->n && wv->words; i++) free(wv->words[i]);
    free(wv->words); free(wv->count); free(wv->vec); free(wv);
}
