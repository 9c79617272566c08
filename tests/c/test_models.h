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

#include <string.h>

#include "layers.h"

__attribute__((unused)) static void mean_arch(LayerSpec arch[3], int dim, int n_out) {
    memset(arch, 0, 3 * sizeof *arch);
    arch[0].type = LAYER_EMBEDDING; arch[0].units = dim;
    arch[1].type = LAYER_MEANPOOL_MASKED;
    arch[2].type = LAYER_DENSE; arch[2].units = n_out; arch[2].act = NN_ACT_LINEAR;
}

#endif
