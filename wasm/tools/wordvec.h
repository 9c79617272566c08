/* wordvec.h — the word-vector file `moodspace embed` writes and `moodspace
 * train` reads (native only; build artefact, never shipped).
 *
 * Format (little-endian): "MSWV", u32 version 1, u32 n_words, u32 dim, then
 * per word: u32 byte length, the bytes (no NUL), u64 corpus count, dim float32.
 * Words are in the order given (embed: count descending, ties by bytes).
 *
 * Usage:
 *     WordVec *wv = wordvec_load("build/wordvec.bin", err, sizeof err);
 *     int i = wordvec_find(wv, "cake");  // -1 if absent
 *     const float *v = wv->vec + (size_t)i * wv->dim;
 *     wordvec_free(wv);
 */
#ifndef MOODSPACE_WORDVEC_H
#define MOODSPACE_WORDVEC_H

#include <stddef.h>

typedef struct {
    int n, dim;
    char **words;        /* [n] */
    long *count;         /* [n] corpus counts */
    double total;        /* sum of counts */
    float *vec;          /* [n][dim] */
    void *index;         /* word → row (stb_ds) */
} WordVec;

int wordvec_save(const char *path, const char *const *words, const long *count, const float *vec,
                 int n, int dim, char *err, size_t errlen);
WordVec *wordvec_load(const char *path, char *err, size_t errlen);
int wordvec_find(const WordVec *wv, const char *word);
void wordvec_free(WordVec *wv);

#endif
