/* explain.h — which words of a text moved the model's prediction most.
 *
 * Occlusion: the text is tokenized the way the model sees it; for each
 * distinct in-vocabulary word among the tokens the model reads (its first
 * seq_len tokens), the text is predicted again with EVERY occurrence of that
 * word removed (the following tokens move up, so a word past seq_len can
 * enter, exactly as if the word had never been written). The word's effect on
 * each metric is
 *
 *     delta = prediction(text) - prediction(text without the word)
 *
 * in the metric's own units (positive: the word pushed the metric up). Words
 * are ranked per metric by |delta| / std (z units), ties by first occurrence.
 *
 * Bounded: at most opts.max_words distinct words are tried (the most frequent
 * ones, ties by first occurrence), in one batched prediction of
 * max_words + 1 sequences. Out-of-vocabulary tokens are not tried: the model
 * sees them all as the same id.
 *
 * Usage:
 *     ExplainOpts o = explain_default_opts();
 *     char *json = explain_json(model, text, len, &o);   // free() it
 *
 * Nothing here exits or aborts.
 */
#ifndef MOODSPACE_EXPLAIN_H
#define MOODSPACE_EXPLAIN_H

#include <stddef.h>

#include "model.h"

#define EXPLAIN_MAX_WORDS 512

typedef struct {
    int max_words;   /* distinct words tried, 1..EXPLAIN_MAX_WORDS; default 64 */
    int top;         /* words listed per metric, 1..EXPLAIN_MAX_WORDS; default 5 */
} ExplainOpts;

typedef struct {
    const char *word;                 /* belongs to the model's vocabulary */
    int id;                           /* vocabulary id (>= 2) */
    int count;                        /* occurrences among the tokens read */
    int first;                        /* position of the first occurrence */
    float delta[MODEL_MAX_OUTPUTS];   /* per output, model units */
} ExplainWord;

typedef struct {
    int n_outputs;
    float base[MODEL_MAX_OUTPUTS];    /* prediction for the whole text */
    int n_tokens;                     /* tokens the model reads (<= seq_len) */
    int n_distinct;                   /* distinct in-vocabulary words among them */
    int n_words;                      /* words tried (<= opts.max_words) */
    ExplainWord *words;               /* [n_words], most frequent first */
} ExplainResult;

ExplainOpts explain_default_opts(void);

/* Runs the occlusion. Returns a result to free with explain_free, or NULL
 * with a message (bad options, out of memory, prediction failed). An empty
 * text gives a result with n_words == 0. */
ExplainResult *explain_run(const Model *m, const char *text, size_t len, const ExplainOpts *opts,
                           char *err, size_t errlen);
void explain_free(ExplainResult *r);

/* The same as JSON (malloc'd; caller free()s; {"error": "..."} on failure,
 * NULL only when out of memory):
 *   {"prediction": {"energy": .., ...}, "tokens": n, "distinct": d,
 *    "words_tried": w,
 *    "words": [{"word": "love", "count": 3, "delta": {"energy": .., ...}}, ...],
 *    "top": {"energy": [{"word": "love", "delta": .., "count": 3}, ...], ...}}
 * "top" lists, per metric, the opts.top words with the largest |delta|/std
 * (ties: first occurrence) among words with a non-zero delta. */
char *explain_json(const Model *m, const char *text, size_t len, const ExplainOpts *opts);

#endif
