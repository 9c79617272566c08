/* test_models.h — the smallest network the engine runs, for tests that need
 * a model but not a trained one: Embedding(dim) → masked mean → Dense(n_out,
 * linear). Fill the layers, then model_create them:
 *
 *     LayerSpec arch[3];
 *     mean_arch(arch, 4, 2);
 *     Model *m = model_create(arch, 3, seq_len, words, n_words, names, NULL, NULL, 2, err, sizeof err);
 */
#ifndef MOODSPACE_TEST_MODELS_H
#define MOODSPACE_TEST_MODELS_H

#include <stdio.h>
#include <string.h>

#include "layers.h"
#include "model.h"

__attribute__((unused)) static void mean_arch(LayerSpec arch[3], int dim, int n_out) {
    memset(arch, 0, 3 * sizeof *arch);
    arch[0].type = LAYER_EMBEDDING; arch[0].units = dim;
    arch[1].type = LAYER_MEANPOOL_MASKED;
    arch[2].type = LAYER_DENSE; arch[2].units = n_out; arch[2].act = NN_ACT_LINEAR;
}

/* TFIDF_WORDMEAN(W 6: ids 0..5, K 2) → Dense(5, relu) → Dense(2 × heads): one
 * or two heads of 2 outputs over 8 words, random weights (seed 7) and a word
 * table set by hand; the caller sets what else it needs, then model_prepare. */
__attribute__((unused)) static Model *two_output_heads(int heads, const char *const *words, const char *const *names) {
    LayerSpec arch[3];
    memset(arch, 0, sizeof arch);
    arch[0].type = LAYER_TFIDF_WORDMEAN; arch[0].units = 6; arch[0].size = 2;
    arch[1].type = LAYER_DENSE; arch[1].units = 5; arch[1].act = NN_ACT_RELU;
    arch[2].type = LAYER_DENSE; arch[2].units = 2 * heads; arch[2].act = NN_ACT_LINEAR;
    const float mean[2] = { 0.5f, 0.4f }, sd[2] = { 0.2f, 0.25f };
    char err[256];
    Model *m = model_create(arch, 3, 16, words, 8, names, mean, sd, 2, err, sizeof err);
    if (!m) { printf("# %s\n", err); return NULL; }
    model_init_random(m, 7);
    float *tab = m->params + m->tensors[1].offset;
    for (int v = 0; v < 10; v++) { tab[v * 2] = 0.1f * (float)v - 0.4f; tab[v * 2 + 1] = 0.3f - 0.07f * (float)v; }
    return m;
}

#endif
