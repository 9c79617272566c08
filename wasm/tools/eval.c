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

/* ---- tables ---------------------------------------------------------------- */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ev_row ev_row_from(const char *name, const ds_dataset *d, int split, const float *pred) {
    ev_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    int *rows = NULL, n = ds_split_indices(d, split, &rows);
    float *p = malloc(sizeof *p * (size_t)(n > 0 ? n : 1)), *t = malloc(sizeof *t * (size_t)(n > 0 ? n : 1));
    for (int k = 0; k < DS_NTARGETS && p && t && n > 0; k++) {
        if (isnan(pred[(size_t)rows[0] * DS_NTARGETS + k])) continue;
        r.has[k] = 1;
        for (int i = 0; i < n; i++) { p[i] = pred[(size_t)rows[i] * DS_NTARGETS + k]; t[i] = d->songs[rows[i]].y[k]; }
        r.m[k] = ev_compute(p, t, n);
    }
    free(p); free(t); free(rows);
    return r;
}

void ev_print_markdown(FILE *f, const ev_row *rows, int n) {
    static const char *what[3] = { "Pearson r", "R²", "MAE" };
    for (int g = 0; g < 3; g++) {
        fprintf(f, "\n**%s**\n\n| model |", what[g]);
        for (int k = 0; k < DS_NTARGETS; k++) fprintf(f, " %s |", ds_target_names[k]);
        fprintf(f, "\n|---|");
        for (int k = 0; k < DS_NTARGETS; k++) fprintf(f, "---:|");
        fprintf(f, "\n");
        for (int i = 0; i < n; i++) {
            fprintf(f, "| %s |", rows[i].name);
            for (int k = 0; k < DS_NTARGETS; k++) {
                if (!rows[i].has[k]) { fprintf(f, " — |"); continue; }
                double v = g == 0 ? rows[i].m[k].r : g == 1 ? rows[i].m[k].r2 : rows[i].m[k].mae;
                fprintf(f, k == DS_TEMPO && g == 2 ? " %.2f |" : " %.3f |", v);
            }
            fprintf(f, "\n");
        }
    }
}
