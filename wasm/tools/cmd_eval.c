/* cmd_eval.c — `moodspace eval`: the comparison table on the test split.
 *
 *   moodspace eval --csv songs.csv [--model PATH]... [--lexicon PATH] [--split test|validation]
 *
 * Rebuilds the baselines (training mean, NRC-VAD lexicon + log length, TF-IDF
 * + ridge; deterministic, a few seconds) on the fixed split and evaluates
 * every weights file given (default: the shipped weights/model.bin and
 * weights/seed.bin beside it) through the engine's predict path. Prints a
 * Markdown table of Pearson r, R² and MAE per metric.
 */
#include "baselines.h"
#include "dataset.h"
#include "eval.h"
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float *tc_model_predict_all(const Model *m, const ds_dataset *d);   /* cmd_train.c */

int cmd_eval(int argc, char **argv) {
    const char *csv = NULL, *lexicon = NULL, *models[16];
    int nm = 0, split = DS_TEST;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: moodspace eval --csv songs.csv [--model PATH]... [--lexicon PATH] [--split test|validation]\n");
            return 0;
        }
        if (!v) { fprintf(stderr, "eval: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--csv")) csv = v;
        else if (!strcmp(a, "--lexicon")) lexicon = v;
        else if (!strcmp(a, "--model")) { if (nm < 16) models[nm++] = v; }
        else if (!strcmp(a, "--split")) {
            if (!strcmp(v, "test")) split = DS_TEST;
            else if (!strcmp(v, "validation")) split = DS_VAL;
            else { fprintf(stderr, "eval: --split test or validation\n"); return 2; }
        } else { fprintf(stderr, "eval: unknown option %s\n", a); return 2; }
        i++;
    }
    if (!csv) { fprintf(stderr, "usage: moodspace eval --csv songs.csv [--model PATH]...\n"); return 2; }
    char defm[1024], defs[1100], lexbuf[1200];
    if (nm == 0) {
        if (model_default_path(defm, sizeof defm) == 0) {
            models[nm++] = defm;
            const char *slash = strrchr(defm, '/');
            snprintf(defs, sizeof defs, "%.*sseed.bin", slash ? (int)(slash - defm + 1) : 0, defm);
            models[nm++] = defs;
        }
    }
    if (!lexicon) {
        const char *slash = strrchr(csv, '/');
        snprintf(lexbuf, sizeof lexbuf, "%.*s/lexicons/NRC-VAD-Lexicon.txt", slash ? (int)(slash - csv) : 1, slash ? csv : ".");
        lexicon = lexbuf;
    }
    char err[256];
    ds_dataset *d = ds_load(csv, err, sizeof err);
    if (!d) { fprintf(stderr, "eval: %s\n", err); return 1; }
    fprintf(stderr, "eval: %d songs, %s split %d\n", d->n, ds_split_names[split], d->count[split]);
    bl_suite s;
    if (bl_suite_run(&s, d, 20000, 0, lexicon, stderr, err, sizeof err)) { fprintf(stderr, "eval: %s\n", err); ds_free(d); return 1; }
    ev_row rows[24]; int nr = 0;
    rows[nr++] = ev_row_from("mean of the training split", d, split, s.pred_mean);
    if (s.pred_lex) rows[nr++] = ev_row_from("NRC-VAD lexicon + log length", d, split, s.pred_lex);
    rows[nr++] = ev_row_from("TF-IDF + ridge (baseline)", d, split, s.pred_ridge);
    int status = 0;
    for (int i = 0; i < nm; i++) {
        Model *m = model_load_file(models[i], err, sizeof err);
        if (!m) { fprintf(stderr, "eval: %s\n", err); status = 1; continue; }
        float *p = tc_model_predict_all(m, d);
        if (!p) { fprintf(stderr, "eval: prediction failed for %s\n", models[i]); status = 1; model_free(m); continue; }
        rows[nr++] = ev_row_from(models[i], d, split, p);
        free(p); model_free(m);
    }
    printf("# %s split (%d songs)\n", ds_split_names[split], d->count[split]);
    ev_print_markdown(stdout, rows, nr);
    bl_suite_free(&s); ds_free(d);
    return status;
}
