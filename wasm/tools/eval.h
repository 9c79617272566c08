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

#endif
