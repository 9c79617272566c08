/* model_internal.h — what model.c and model_file.c share (not engine API:
 * callers include model.h). */
#ifndef MOODSPACE_MODEL_INTERNAL_H
#define MOODSPACE_MODEL_INTERNAL_H
#include <stddef.h>

#include "model.h"

/* Derive shapes and the tensor table from the layer specs; allocate the
 * params, zeroed when zero is 1 (0: the caller writes every one, as a loader
 * does: the tensors tile the params). 0, or -1 + message. */
int model_build_arch(Model *m, const LayerSpec *specs, int n_layers, int seq_len, int vocab,
                     int n_outputs, int zero, char *err, size_t errlen);
/* The outputs' names (1..MODEL_MAX_NAME bytes, distinct) and target
 * statistics (finite, std > 0). 0, or -1 + message. */
int model_set_outputs(Model *m, const char *const *names, const float *mean, const float *std,
                      int n, char *err, size_t errlen);
/* s[0..n) as a malloc'd string (NULL when out of memory). */
char *model_dup_str(const char *s, size_t n);

#endif
