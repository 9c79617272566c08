/* eval.c — song metrics: Pearson r, R², MAE, comparison rows, and the
 * film AUC (see eval.h; the film pass is in eval_film.c). */
#include "eval.h"

#include <ctype.h>
#include <math.h>
#include <stb_ds.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- song predictions and tables ---------------------------------------------- */

float *ev_predict_songs(const Model *m, const ds_dataset *d) {
    int N = d->n, O = model_n_outputs(m);
    float *raw = malloc(sizeof(float) * (size_t)(N ? N : 1) * (size_t)O);
    float *out = malloc(sizeof(float) * (size_t)(N ? N : 1) * DS_NTARGETS);
    const char **texts = malloc(sizeof *texts * (size_t)(N ? N : 1));
    if (!raw || !out || !texts) { free(raw); free(out); free(texts); return NULL; }
    for (int i = 0; i < N; i++) texts[i] = d->songs[i].lyrics;
    int rc = 0;
    for (int b = 0; b < N && rc == 0; b += 64) {
        int n = N - b < 64 ? N - b : 64;
        rc = model_predict_texts(m, texts + b, NULL, n, raw + (size_t)b * O);
    }
    free(texts);
    if (rc) { free(raw); free(out); return NULL; }
    for (int k = 0; k < DS_NTARGETS; k++) {
        int j = model_output_index(m, ds_target_names[k]);
        for (int i = 0; i < N; i++) out[(size_t)i * DS_NTARGETS + k] = j >= 0 ? raw[(size_t)i * O + j] : NAN;
    }
    free(raw);
    return out;
}

void ev_model_label(const Model *m, const char *path, char *out, size_t n) {
    const char *p = path + strlen(path), *short_path = path;
    for (int slashes = 0; p > path; p--)
        if (p[-1] == '/' && ++slashes == 2) { short_path = p; break; }
    cJSON *meta = m && m->meta && m->meta[0] ? cJSON_Parse(m->meta) : NULL;
    const cJSON *nm = cJSON_GetObjectItem(meta, "name");
    if (cJSON_IsString(nm) && nm->valuestring[0]) snprintf(out, n, "%s (%s)", short_path, nm->valuestring);
    else snprintf(out, n, "%s", short_path);
    cJSON_Delete(meta);
}

ev_row ev_row_from(const char *name, const ds_dataset *d, int split, const float *pred) {
    return ev_row_from_subset(name, d, split, pred, NULL, 0);
}

/* The artist key of a credit: first name, lower-cased (see eval.h). */
static void artist_key(const char *credit, char *out, size_t n) {
    static const char *const cuts[] = { " feat", " ft.", ",", " & ", " and ", " x ", " with ", NULL };
    size_t k = 0;
    for (const char *p = credit; *p && k + 1 < n; p++) out[k++] = (char)tolower((unsigned char)*p);
    out[k] = 0;
    for (int i = 0; cuts[i]; i++) { char *at = strstr(out, cuts[i]); if (at && at != out) *at = 0; }
    k = strlen(out);
    while (k && isspace((unsigned char)out[k - 1])) out[--k] = 0;
}

int *ev_artist_seen(const ds_dataset *d) {
    typedef struct { char *key; int value; } set;
    set *train = NULL;
    sh_new_strdup(train);
    int *seen = calloc((size_t)d->n + 1, sizeof(int));
    char key[256];
    for (int i = 0; i < d->n; i++)
        if (d->songs[i].split == DS_TRAIN) { artist_key(d->songs[i].artist, key, sizeof key); shput(train, key, 1); }
    for (int i = 0; seen && i < d->n; i++) { artist_key(d->songs[i].artist, key, sizeof key); seen[i] = shgeti(train, key) >= 0; }
    shfree(train);
    return seen;
}

ev_row ev_row_from_subset(const char *name, const ds_dataset *d, int split, const float *pred, const int *seen, int want) {
    ev_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    int *rows = NULL, n = ds_split_indices(d, split, &rows);
    if (seen) {
        int m = 0;
        for (int i = 0; i < n; i++) if (seen[rows[i]] == want) rows[m++] = rows[i];
        n = m;
    }
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

void ev_print_artist_split(FILE *f, const ds_dataset *d, int split, const char *const *names, const float *const *pred, int n) {
    int *seen = ev_artist_seen(d);
    if (!seen) return;
    int *rows = NULL, ns = ds_split_indices(d, split, &rows), n_seen = 0;
    for (int i = 0; i < ns; i++) n_seen += seen[rows[i]];
    free(rows);
    fprintf(f, "\n**Pearson r by artist** (%s split: %d songs whose artist also sings in the training split, %d whose artist does not)\n\n| model | songs |", ds_split_names[split], n_seen, ns - n_seen);
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(f, " %s |", ds_target_names[k]);
    fprintf(f, "\n|---|---|");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(f, "---:|");
    fprintf(f, "\n");
    for (int i = 0; i < n; i++)
        for (int want = 1; want >= 0; want--) {
            ev_row r = ev_row_from_subset(names[i], d, split, pred[i], seen, want);
            fprintf(f, "| %s | %s |", names[i], want ? "artist seen in training" : "new artist");
            for (int k = 0; k < DS_NTARGETS; k++) {
                if (r.has[k]) fprintf(f, " %.3f |", r.m[k].r);
                else fprintf(f, " — |");
            }
            fprintf(f, "\n");
        }
    free(seen);
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

cJSON *ev_row_json(const ev_row *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON_AddNumberToObject(o, "sec_per_epoch", r->sec_per_epoch);
    cJSON_AddNumberToObject(o, "ms_per_song", r->ms_per_song);
    cJSON *mm = cJSON_AddObjectToObject(o, "test");
    for (int k = 0; k < DS_NTARGETS; k++) {
        if (!r->has[k]) continue;
        cJSON *e = cJSON_AddObjectToObject(mm, ds_target_names[k]);
        cJSON_AddNumberToObject(e, "r", r->m[k].r);
        cJSON_AddNumberToObject(e, "r2", r->m[k].r2);
        cJSON_AddNumberToObject(e, "mae", r->m[k].mae);
        cJSON_AddNumberToObject(e, "n", r->m[k].n);
    }
    return o;
}

int ev_row_from_json(const cJSON *o, ev_row *r) {
    memset(r, 0, sizeof *r);
    const cJSON *nm = cJSON_GetObjectItem(o, "name"), *t = cJSON_GetObjectItem(o, "test");
    if (!cJSON_IsString(nm) || !cJSON_IsObject(t)) return -1;
    snprintf(r->name, sizeof r->name, "%s", nm->valuestring);
    const cJSON *x;
    if ((x = cJSON_GetObjectItem(o, "sec_per_epoch")) && cJSON_IsNumber(x)) r->sec_per_epoch = x->valuedouble;
    if ((x = cJSON_GetObjectItem(o, "ms_per_song")) && cJSON_IsNumber(x)) r->ms_per_song = x->valuedouble;
    for (int k = 0; k < DS_NTARGETS; k++) {
        const cJSON *e = cJSON_GetObjectItem(t, ds_target_names[k]);
        if (!cJSON_IsObject(e)) continue;
        r->has[k] = 1;
        r->m[k].r = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "r"));
        r->m[k].r2 = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "r2"));
        r->m[k].mae = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "mae"));
        r->m[k].n = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "n"));
    }
    return 0;
}

/* ---- AUC ---------------------------------------------------------------------- */

double ev_auc(const double *pos, int n_pos, const double *neg, int n_neg) {
    if (n_pos <= 0 || n_neg <= 0) return NAN;
    double wins = 0;
    for (int i = 0; i < n_pos; i++)
        for (int j = 0; j < n_neg; j++)
            wins += pos[i] > neg[j] ? 1.0 : pos[i] < neg[j] ? 0.0 : 0.5;   /* equal or NaN: half */
    return wins / ((double)n_pos * n_neg);
}
