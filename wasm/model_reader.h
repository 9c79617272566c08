/* model_reader.h — the script head's reader of word order (an optional block
 * of the weights file, format version 2; model.h gives the format).
 *
 * The script head is linear over a bag of words; the reader sees their
 * order. A scene's ids (as model_encode gives them) are read as:
 *
 *     the ids v with 2 <= v < V whose row is present (q[v][0] != -128),
 *       in order, at most max_len of them                    T words
 *     → table[v][p] = scale[p] · q[v][p] (int8, one scale a column:
 *       the rows are standardised, and a scale a word would cost more
 *       bytes than the numbers it scales)                    x[T][P]
 *       (padded with zero rows to at least K)
 *     → Conv1D(F filters, width K, relu)                   h[To][F]
 *     → global max ‖ global mean                            p[2F]
 *     → Dense(2)                                            r[2] (z units)
 *
 * and, for the script head only (MODEL_SCRIPT), the head's valence and
 * energy outputs (z units) become a_lin · head + a_seq · r. Songs never read
 * it. Trained by `moodspace train` (seq_reader.h: sr_train_attach) on the dev
 * films' hand labels; weights/MODEL.md says how it was chosen.
 *
 * Usage: model_load_* attach it; model_predict_*_domain(MODEL_SCRIPT) apply
 * it; model_set_reader / model_reader_read are for the trainer and tests.
 */
#ifndef MOODSPACE_MODEL_READER_H
#define MOODSPACE_MODEL_READER_H

#include <stddef.h>
#include <stdint.h>

#define MODEL_READER_MAX_P 64
#define MODEL_READER_MAX_F 256
#define MODEL_READER_MAX_K 16
#define MODEL_READER_MAX_LEN 100000
#define MODEL_READER_NO_ROW (-128)   /* q[v][0]: the word has no row (never read) */

typedef struct ModelReader {
    int V;                /* ids 2..V-1 have a row (V <= the vocabulary size) */
    int P, F, K;          /* numbers a word, filters, width */
    int max_len;          /* words read per text */
    int out[2];           /* the outputs it replaces: valence, energy */
    float a_lin, a_seq;   /* blend: a_lin · head + a_seq · reader */
    float scale[MODEL_READER_MAX_P];   /* [P] one scale a column */
    signed char *q;       /* [V][P]; q[v][0] == MODEL_READER_NO_ROW: no row (ids 0, 1 never read) */
    float *kernel;        /* [K][P][F] (Keras Conv1D layout) */
    float *bias;          /* [F] */
    float *dense;         /* [2F][2] */
    float *dense_b;       /* [2] */
} ModelReader;

struct Model;

/* A reader with zeroed weights and no word rows (every q[v][0] ==
 * MODEL_READER_NO_ROW) for these sizes (checked against the limits above);
 * NULL + message. Free with model_reader_free. */
ModelReader *model_reader_new(int V, int P, int F, int K, int max_len, char *err, size_t errlen);
void model_reader_free(ModelReader *r);

/* Checks a reader against model m: sizes, V <= vocabulary size, the two
 * outputs distinct and < n_outputs, every number finite. 0 or -1 + message. */
int model_reader_check(const ModelReader *r, const struct Model *m, char *err, size_t errlen);

/* Give m a copy of r (NULL: remove its reader); checked first. 0 or -1 + message. */
int model_set_reader(struct Model *m, const ModelReader *r, char *err, size_t errlen);

/* The reader's two numbers r[2] (z units) for n ids (ids out of range or
 * without a row are skipped). work: r->max_len int32s. */
void model_reader_read(const ModelReader *r, const int32_t *ids, int n, int32_t *work, float out[2]);

#endif
