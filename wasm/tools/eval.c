/* eval.c — Pearson r, R², MAE (see eval.h). */
#include "eval.h"

#include <math.h>
#include <stddef.h>

static double pearson_strided(const float *a, const float *b, int n, int stride, int k) {
    if (n < 2) return 0.0;
    double ma = 0, mb = 0;
    for (int i = 0; i < n; i++) { ma += a[(size_t)i * stride + k]; mb += b[(size_t)i * stride + k]; }
    ma /= n; mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++) {
        double x = a[(size_t)i * stride + k] - ma, y = b[(size_t)i * stride + k] - mb;
        sab += x * y; saa += x * x; sbb += y * y;
    }
    if (saa <= 0 || sbb <= 0) return 0.0;
    return sab / sqrt(saa * sbb);
}

double ev_pearson(const float *a, const float *b, int n) { return pearson_strided(a, b, n, 1, 0); }

ev_metrics ev_compute_col(const float *pred, const float *truth, int n, int stride, int k) {
    ev_metrics m = {0, 0, 0, n};
    if (n <= 0) return m;
    double mt = 0;
    for (int i = 0; i < n; i++) mt += truth[(size_t)i * stride + k];
    mt /= n;
    double sse = 0, sst = 0, sae = 0;
    for (int i = 0; i < n; i++) {
        double p = pred[(size_t)i * stride + k], t = truth[(size_t)i * stride + k];
        sse += (p - t) * (p - t); sst += (t - mt) * (t - mt); sae += fabs(p - t);
    }
    m.mae = sae / n;
    m.r2 = sst > 0 ? 1.0 - sse / sst : 0.0;
    m.r = pearson_strided(pred, truth, n, stride, k);
    return m;
}

ev_metrics ev_compute(const float *pred, const float *truth, int n) { return ev_compute_col(pred, truth, n, 1, 0); }
