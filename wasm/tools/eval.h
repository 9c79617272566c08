/* eval.h — regression metrics per target (native only).
 *
 *     ev_metrics m = ev_compute(pred, truth, n);   // one target, n songs
 *     printf("r=%.3f R2=%.3f MAE=%.3f\n", m.r, m.r2, m.mae);
 */
#ifndef MOODSPACE_EVAL_H
#define MOODSPACE_EVAL_H

typedef struct {
    double r;      /* Pearson correlation (0 when either side is constant) */
    double r2;     /* coefficient of determination, 1 - SSE/SST (can be < 0) */
    double mae;    /* mean absolute error, in the units of truth */
    int n;
} ev_metrics;

/* pred and truth hold n values each (n may be 0: all zeros returned). */
ev_metrics ev_compute(const float *pred, const float *truth, int n);

/* Same over column k of row-major [n][stride] arrays. */
ev_metrics ev_compute_col(const float *pred, const float *truth, int n, int stride, int k);

double ev_pearson(const float *a, const float *b, int n);


/* ---- comparison tables --------------------------------------------------- */
#include <stdio.h>
#include "dataset.h"

typedef struct {
    char name[64];
    int has[DS_NTARGETS];            /* 0: the model has no such output */
    ev_metrics m[DS_NTARGETS];
    double sec_per_epoch, ms_per_song;   /* training cost; 0 = not applicable */
} ev_row;

/* Metrics of predictions pred[d->n][DS_NTARGETS] (raw units; NaN in a
 * column = no such output) over the songs of one split. */
ev_row ev_row_from(const char *name, const ds_dataset *d, int split, const float *pred);

/* A Markdown table: one line per model and metric group (r, R², MAE). */
void ev_print_markdown(FILE *f, const ev_row *rows, int n);

#endif
