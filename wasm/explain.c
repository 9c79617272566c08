/* explain.c — occlusion attribution; see explain.h. */
#include "explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "err.h"

/* Tokens kept beyond seq_len so that removing a word lets later ones move
 * up: we encode up to EXPLAIN_LOOKAHEAD * seq_len tokens. */
#define EXPLAIN_LOOKAHEAD 4

ExplainOpts explain_default_opts(void) {
    ExplainOpts o = {64, 5};
    return o;
}

void explain_free(ExplainResult *r) {
    if (!r) return;
    free(r->words);
    free(r);
}

typedef struct { int32_t id; int t; } IdPos;
static int idpos_cmp(const void *a, const void *b) {
    const IdPos *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

static int word_cmp(const void *a, const void *b) {
    const ExplainWord *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return (x->first > y->first) - (x->first < y->first);
}

/* The distinct in-vocabulary words among the n_read tokens of all, with
 * their count and first position, in id order: (id, position) pairs
 * sorted and grouped. *n_distinct their number; NULL when out of memory. */
static ExplainWord *distinct_words(const Model *m, const int32_t *all, int n_read, int *n_distinct) {
    IdPos *pos = malloc((size_t)(n_read ? n_read : 1) * sizeof *pos);
    if (!pos) return NULL;
    int n_pos = 0;
    for (int t = 0; t < n_read; t++)
        if (all[t] >= 2) { pos[n_pos].id = all[t]; pos[n_pos].t = t; n_pos++; }
    qsort(pos, (size_t)n_pos, sizeof *pos, idpos_cmp);
    int nd = 0;
    for (int q = 0; q < n_pos; q++) nd += q == 0 || pos[q].id != pos[q - 1].id;
    ExplainWord *words = calloc((size_t)(nd ? nd : 1), sizeof *words);
    if (!words) { free(pos); return NULL; }
    for (int q = 0, d = -1; q < n_pos; q++) {
        if (q == 0 || pos[q].id != pos[q - 1].id) {
            d++;
            words[d].id = pos[q].id;
            words[d].word = vocab_word(m->vocab, pos[q].id);
            words[d].first = pos[q].t;   /* smallest position: sorted by (id, t) */
        }
        words[d].count++;
    }
    free(pos);
    *n_distinct = nd;
    return words;
}

/* One batch of nw + 1 sequences of S ids: the text, then the text without
 * each of the first nw words (padded). */
static void fill_batch(int32_t *batch, int S, const int32_t *all, int n_all, const ExplainWord *words, int nw) {
    for (int q = 0; q <= nw; q++) {
        int32_t *row = batch + (size_t)q * S;
        int32_t skip = q ? words[q - 1].id : -1;
        int k = 0;
        for (int t = 0; t < n_all && k < S; t++)
            if (all[t] != skip) row[k++] = all[t];
        while (k < S) row[k++] = TEXT_PAD_ID;
    }
}

ExplainResult *explain_run(const Model *m, const char *text, size_t len, const ExplainOpts *opts,
                           char *err, size_t errlen) {
    ExplainOpts o = opts ? *opts : explain_default_opts();
    if (!m || m->seq_len < 1 || m->n_outputs < 1 || m->n_outputs > MODEL_MAX_OUTPUTS) {
        ms_seterr(err, errlen, "no model");
        return NULL;
    }
    if (o.max_words < 1 || o.max_words > EXPLAIN_MAX_WORDS || o.top < 1 || o.top > EXPLAIN_MAX_WORDS) {
        ms_seterr(err, errlen, "max_words and top must be in 1..%d", EXPLAIN_MAX_WORDS);
        return NULL;
    }
    if (!text) len = 0;
    int S = m->seq_len, O = m->n_outputs;
    long cap_l = (long)S * EXPLAIN_LOOKAHEAD;
    int cap = cap_l > 1000000 ? 1000000 : (int)cap_l;
    if (cap < S) cap = S;
    ExplainResult *r = calloc(1, sizeof *r);
    int32_t *all = malloc((size_t)cap * sizeof *all);
    int32_t *batch = NULL;
    float *out = NULL;
    if (!r || !all) goto oom;
    r->n_outputs = O;

    int n_all = text_encode(m->vocab, text ? text : "", len, all, cap);
    if (n_all < 0) { ms_seterr(err, errlen, "could not encode the text"); goto fail; }
    int n_read = n_all < S ? n_all : S;
    r->n_tokens = n_read;

    int n_distinct = 0;
    ExplainWord *words = distinct_words(m, all, n_read, &n_distinct);
    if (!words) goto oom;
    r->n_distinct = n_distinct;
    qsort(words, (size_t)n_distinct, sizeof *words, word_cmp);
    int nw = n_distinct < o.max_words ? n_distinct : o.max_words;
    r->n_words = nw;
    r->words = words;   /* only the first nw are reported */

    /* one batch: the text, then the text without each word */
    batch = malloc((size_t)(nw + 1) * S * sizeof *batch);
    out = malloc((size_t)(nw + 1) * O * sizeof *out);
    if (!batch || !out) goto oom;
    fill_batch(batch, S, all, n_all, r->words, nw);
    if (model_predict_ids(m, batch, nw + 1, out)) { ms_seterr(err, errlen, "prediction failed"); goto fail; }
    for (int j = 0; j < O; j++) r->base[j] = out[j];
    for (int q = 0; q < nw; q++)
        for (int j = 0; j < O; j++) r->words[q].delta[j] = out[j] - out[(size_t)(q + 1) * O + j];
    free(all); free(batch); free(out);
    return r;
oom:
    ms_seterr(err, errlen, "out of memory");
fail:
    free(all); free(batch); free(out);
    explain_free(r);
    return NULL;
}

/* Order of words for one metric: larger |delta| first, then first occurrence. */
typedef struct { float mag; int first, q; } Rank;
static int rank_cmp(const void *a, const void *b) {
    const Rank *x = a, *y = b;
    if (x->mag != y->mag) return x->mag > y->mag ? -1 : 1;
    return (x->first > y->first) - (x->first < y->first);
}

char *explain_json(const Model *m, const char *text, size_t len, const ExplainOpts *opts) {
    char err[200] = "";
    ExplainOpts o = opts ? *opts : explain_default_opts();
    ExplainResult *r = explain_run(m, text, len, &o, err, sizeof err);
    cJSON *j = NULL;
    Rank *order = NULL;
    char *s = NULL;
    if (!r) goto fail;
    j = cJSON_CreateObject();
    order = malloc((size_t)(r->n_words ? r->n_words : 1) * sizeof *order);
    if (!j || !order) { ms_seterr(err, sizeof err, "out of memory"); goto fail; }
    cJSON *pred = cJSON_AddObjectToObject(j, "prediction");
    for (int k = 0; k < r->n_outputs; k++) cJSON_AddNumberToObject(pred, model_output_name(m, k), r->base[k]);
    cJSON_AddNumberToObject(j, "tokens", r->n_tokens);
    cJSON_AddNumberToObject(j, "distinct", r->n_distinct);
    cJSON_AddNumberToObject(j, "words_tried", r->n_words);
    cJSON *wa = cJSON_AddArrayToObject(j, "words");
    for (int q = 0; q < r->n_words; q++) {
        cJSON *w = cJSON_CreateObject();
        cJSON_AddStringToObject(w, "word", r->words[q].word ? r->words[q].word : "");
        cJSON_AddNumberToObject(w, "count", r->words[q].count);
        cJSON *d = cJSON_AddObjectToObject(w, "delta");
        for (int k = 0; k < r->n_outputs; k++) cJSON_AddNumberToObject(d, model_output_name(m, k), r->words[q].delta[k]);
        cJSON_AddItemToArray(wa, w);
    }
    cJSON *top = cJSON_AddObjectToObject(j, "top");
    for (int k = 0; k < r->n_outputs; k++) {
        for (int q = 0; q < r->n_words; q++) {
            Rank rk = { fabsf(r->words[q].delta[k]), r->words[q].first, q };
            order[q] = rk;
        }
        qsort(order, (size_t)r->n_words, sizeof *order, rank_cmp);
        cJSON *lst = cJSON_AddArrayToObject(top, model_output_name(m, k));
        for (int q = 0, listed = 0; q < r->n_words && listed < o.top; q++) {
            const ExplainWord *w = &r->words[order[q].q];
            if (w->delta[k] == 0) break;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "word", w->word ? w->word : "");
            cJSON_AddNumberToObject(e, "delta", w->delta[k]);
            cJSON_AddNumberToObject(e, "count", w->count);
            cJSON_AddItemToArray(lst, e);
            listed++;
        }
    }
    s = cJSON_PrintUnformatted(j);
    if (!s) ms_seterr(err, sizeof err, "out of memory");
fail:
    cJSON_Delete(j);
    free(order);
    explain_free(r);
    if (s) return s;
    cJSON *e = cJSON_CreateObject();
    if (!e) return NULL;
    cJSON_AddStringToObject(e, "error", err[0] ? err : "explain failed");
    s = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    return s;
}
