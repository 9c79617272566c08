/* cmd_train.c — `moodspace train`: baselines, the seed configurations and
 * the shipped model on the fixed split; writes weights/ and the model card.
 *
 *   moodspace train --csv songs.csv [--out weights] [--threads 2]
 *                   [--seed-epochs 20] [--no-seed] [--ensemble 3] [--hidden 32]
 *                   [--epochs 40] [--max-words 10000] [--lexicon PATH]
 *
 * The shipped configuration ("tfidf-mlp-ensemble"): the TF-IDF layer (bow.h)
 * over the training vocabulary, then Dense(relu) and Dense(6). Its hidden
 * layer holds, side by side, (a) the TF-IDF ridge solution of every target
 * as a +/- pair of ReLU units (relu(z) - relu(-z) = z, exact), and (b) the
 * hidden units of `ensemble` MLPs (TF-IDF → Dense(hidden, relu) → Dense(6),
 * trained separately with different seeds, dropout, early stopping). The
 * output layer averages the MLPs and blends them with the ridge per target,
 * with the blend weight picked on the validation split — a single plain
 * sequential network that the engine's predict path runs unchanged.
 */
#include "baselines.h"
#include "dataset.h"
#include "eval.h"
#include "model_card.h"
#include "train.h"
#include "scene_head.h"
#include "script_head.h"
#include "tool_opts.h"
#include "wordvec.h"
#include "model.h"
#include "text.h"
#include "cJSON.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <stb_ds.h>

#define SEED_WORDS 1998      /* Keras TextVectorization(max_tokens=2000) minus "" and [UNK] */
#define SEED_SEQ 500
#define SEED_OUTPUTS 4       /* energy, valence, tempo, liveness */
#define BASELINE_WORDS 20000 /* the TF-IDF ridge baseline's vocabulary, whatever ships */

typedef struct {
    const char *csv, *out, *lexicon, *genres, *scripts, *wordvec, *scene_labels;
    int no_films;
    script_head_opts sho;
    scene_fit_opts sfo;
    int threads, seed_epochs, no_seed, ensemble, hidden, epochs, max_words, no_length;
    double seed_minutes;
} train_opts;

static double wall(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

/* Mean validation r over the outputs present. */
static double val_mean_r(const ds_dataset *d, const float *pred) {
    ev_row r = ev_row_from("", d, DS_VAL, pred);
    double s = 0; int n = 0;
    for (int k = 0; k < DS_NTARGETS; k++) if (r.has[k]) { s += r.m[k].r; n++; }
    return n ? s / n : 0;
}

static int write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, len, f);
    int bad = fclose(f) != 0 || w != len;
    return bad ? -1 : 0;
}

static long gzip_size(const char *path) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "gzip -9 -c '%s' 2>/dev/null | wc -c", path);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    long n = -1;
    if (fscanf(p, "%ld", &n) != 1) n = -1;
    pclose(p);
    return n;
}

/* ---- the seed configurations ------------------------------------------------ */

typedef struct { ev_row test; double val_r; int epochs_run, best_epoch; double sec_per_epoch; } seed_run;

static Model *train_seed(const ds_dataset *d, int standardised, const train_opts *o, seed_run *sr,
                         char **words, int n_words, FILE *log) {
    char err[256];
    LayerSpec arch[16];
    int nl = model_seed_arch(arch, SEED_OUTPUTS);
    const char *names[SEED_OUTPUTS] = { "energy", "valence", "tempo", "liveness" };
    ds_stats st = ds_target_stats(d, DS_TRAIN);
    float mean[SEED_OUTPUTS], sd[SEED_OUTPUTS];
    for (int k = 0; k < SEED_OUTPUTS; k++) { mean[k] = standardised ? st.mean[k] : 0.0f; sd[k] = standardised ? st.std[k] : 1.0f; }
    Model *m = model_create(arch, nl, SEED_SEQ, (const char *const *)words, n_words, names, mean, sd, SEED_OUTPUTS, err, sizeof err);
    if (!m) { fprintf(stderr, "train: seed model: %s\n", err); return NULL; }
    model_init_random(m, 1234);
    int *tr, *va;
    int ntr = ds_split_indices(d, DS_TRAIN, &tr), nva = ds_split_indices(d, DS_VAL, &va);
    int32_t *itr = malloc(sizeof(int32_t) * (size_t)ntr * SEED_SEQ), *iva = malloc(sizeof(int32_t) * (size_t)nva * SEED_SEQ);
    float *ytr = malloc(sizeof(float) * (size_t)ntr * SEED_OUTPUTS), *yva = malloc(sizeof(float) * (size_t)nva * SEED_OUTPUTS);
    if (!itr || !iva || !ytr || !yva) { free(tr); free(va); free(itr); free(iva); free(ytr); free(yva); model_free(m); return NULL; }
    for (int i = 0; i < ntr; i++) {
        const ds_song *s = &d->songs[tr[i]];
        model_encode(m, s->lyrics, strlen(s->lyrics), itr + (size_t)i * SEED_SEQ);
        for (int k = 0; k < SEED_OUTPUTS; k++) ytr[i * SEED_OUTPUTS + k] = (s->y[k] - mean[k]) / sd[k];
    }
    for (int i = 0; i < nva; i++) {
        const ds_song *s = &d->songs[va[i]];
        model_encode(m, s->lyrics, strlen(s->lyrics), iva + (size_t)i * SEED_SEQ);
        for (int k = 0; k < SEED_OUTPUTS; k++) yva[i * SEED_OUTPUTS + k] = (s->y[k] - mean[k]) / sd[k];
    }
    tr_params p = tr_default_params();
    p.loss = TR_MAE; p.epochs = o->seed_epochs; p.patience = 3; p.threads = o->threads; p.seed = 1234;
    p.max_seconds = o->seed_minutes * 60.0;
    tr_result res;
    if (log) fprintf(log, "\n== seed configuration, %s targets (Embedding(2000,60)…Dense(4), MAE, Adam 1e-3, batch 32)\n", standardised ? "standardised" : "raw");
    int rc = tr_train_model(m, itr, ytr, ntr, iva, yva, nva, &p, &res, log);
    free(itr); free(iva); free(ytr); free(yva); free(va);
    if (rc) { fprintf(stderr, "train: seed training failed\n"); free(tr); tr_result_free(&res); model_free(m); return NULL; }
    if (model_prepare(m, err, sizeof err)) fprintf(stderr, "train: %s (reference path)\n", err);
    float *pred = ev_predict_songs(m, d);
    if (!pred) { free(tr); tr_result_free(&res); model_free(m); return NULL; }
    sr->val_r = val_mean_r(d, pred);
    sr->test = ev_row_from(standardised ? "seed config, standardised targets" : "seed config, raw targets (as the seed)", d, DS_TEST, pred);
    sr->test.sec_per_epoch = res.sec_per_epoch;
    sr->test.ms_per_song = 1000.0 * res.sec_per_epoch / ntr;
    sr->epochs_run = res.epochs_run; sr->best_epoch = res.best_epoch; sr->sec_per_epoch = res.sec_per_epoch;
    if (log) fprintf(log, "seed %s: best epoch %d of %d, %.1f s/epoch, validation mean r %.3f\n",
                     standardised ? "standardised" : "raw", res.best_epoch, res.epochs_run, res.sec_per_epoch, sr->val_r);
    free(pred); free(tr); tr_result_free(&res);
    return m;
}

static char *path_join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) { free(s); s = NULL; }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

/* ---- the shipped model -------------------------------------------------------- */

typedef struct {
    Model *model;             /* final, float */
    float alpha[DS_NTARGETS]; /* ridge share of the blend */
    ev_row single, ens, blend_f, blend_q;
    double val_r_float, val_r_q, dq_max;
    int quantize;
    int H, K;
    double mlp_sec_per_epoch; int mlp_epochs[32];
    float val_r[DS_NTARGETS];
} shipped;

static Model *build_shipped(const bl_suite *s, const tr_mlp *nets, int K, const float *alpha,
                            const char *meta, char *err, size_t errlen) {
    int V = vocab_size(s->vocab), O = DS_NTARGETS, H = nets[0].H;
    int HC = 2 * O + K * H;
    LayerSpec arch[3];
    memset(arch, 0, sizeof arch);
    arch[0].type = LAYER_TFIDF;
    arch[1].type = LAYER_DENSE; arch[1].units = HC; arch[1].act = NN_ACT_RELU;
    arch[2].type = LAYER_DENSE; arch[2].units = O; arch[2].act = NN_ACT_LINEAR;
    Model *m = model_create(arch, 3, DS_MAX_TOKENS, (const char *const *)s->words, s->n_words,
                            ds_target_names, s->st.mean, s->st.std, O, err, errlen);
    if (!m) return NULL;
    if (m->n_tensors != 5) { snprintf(err, errlen, "unexpected tensor count %d", m->n_tensors); model_free(m); return NULL; }
    float *idf = m->params + m->tensors[0].offset;
    float *W1 = m->params + m->tensors[1].offset, *b1 = m->params + m->tensors[2].offset;
    float *W2 = m->params + m->tensors[3].offset, *b2 = m->params + m->tensors[4].offset;
    memcpy(idf, s->idf, sizeof(float) * (size_t)V);
    for (int v = 0; v < V; v++) {
        float *row = W1 + (size_t)v * HC;
        for (int k = 0; k < O; k++) { row[2 * k] = s->ridge[k].w[v]; row[2 * k + 1] = -s->ridge[k].w[v]; }
        for (int e = 0; e < K; e++) memcpy(row + 2 * O + e * H, nets[e].W1 + (size_t)v * H, sizeof(float) * H);
    }
    for (int k = 0; k < O; k++) { b1[2 * k] = s->ridge[k].b; b1[2 * k + 1] = -s->ridge[k].b; }
    for (int e = 0; e < K; e++) memcpy(b1 + 2 * O + e * H, nets[e].b1, sizeof(float) * H);
    memset(W2, 0, sizeof(float) * (size_t)HC * O);
    for (int k = 0; k < O; k++) {
        W2[(size_t)(2 * k) * O + k] = alpha[k];
        W2[(size_t)(2 * k + 1) * O + k] = -alpha[k];
        double bb = 0;
        for (int e = 0; e < K; e++) {
            for (int j = 0; j < H; j++) W2[(size_t)(2 * O + e * H + j) * O + k] = (1.0f - alpha[k]) / K * nets[e].W2[(size_t)j * O + k];
            bb += nets[e].b2[k];
        }
        b2[k] = (float)((1.0 - alpha[k]) * bb / K);
    }
    if (meta && model_set_meta(m, meta)) { snprintf(err, errlen, "meta too long"); model_free(m); return NULL; }
    if (model_prepare(m, err, errlen)) { model_free(m); return NULL; }
    return m;
}

static int train_shipped(const ds_dataset *d, const bl_suite *s, const train_opts *o, shipped *sh, FILE *log) {
    int N = d->n, O = DS_NTARGETS, K = o->ensemble, H = o->hidden;
    int *tr, *va;
    int ntr = ds_split_indices(d, DS_TRAIN, &tr), nva = ds_split_indices(d, DS_VAL, &va);
    float *ytr = malloc(sizeof(float) * (size_t)ntr * O), *yva = malloc(sizeof(float) * (size_t)nva * O);
    float *pens = calloc((size_t)N * O, sizeof(float)), *p1 = malloc(sizeof(float) * (size_t)N * O);
    tr_mlp *nets = calloc((size_t)K, sizeof *nets);
    if (!ytr || !yva || !pens || !p1 || !nets) { free(tr); free(va); free(ytr); free(yva); free(pens); free(p1); free(nets); return -1; }
    for (int i = 0; i < ntr; i++) for (int k = 0; k < O; k++) ytr[i * O + k] = (d->songs[tr[i]].y[k] - s->st.mean[k]) / s->st.std[k];
    for (int i = 0; i < nva; i++) for (int k = 0; k < O; k++) yva[i * O + k] = (d->songs[va[i]].y[k] - s->st.mean[k]) / s->st.std[k];
    tr_params p = tr_default_params();
    p.epochs = o->epochs; p.patience = 4; p.dropout = 0.5f; p.input_dropout = 0.3f; p.lr = 1e-3f; p.clip_norm = 0; p.loss = TR_MSE;
    double secs = 0; int eps = 0;
    for (int e = 0; e < K; e++) {
        p.seed = 100 + (uint64_t)e;
        if (tr_mlp_init(&nets[e], s->X->d, H, O, p.seed)) { free(tr); free(va); free(ytr); free(yva); free(pens); free(p1); for (int j = 0; j < e; j++) tr_mlp_free(&nets[j]); free(nets); return -1; }
        tr_result res;
        if (log) fprintf(log, "\n== TF-IDF MLP %d/%d (Dense(%d, relu), dropout 0.5, word dropout 0.3, MSE on z-scores, Adam 1e-3)\n", e + 1, K, H);
        tr_train_mlp(&nets[e], s->X, tr, ytr, ntr, va, yva, nva, &p, &res, log);
        secs += res.seconds; eps += res.epochs_run;
        if (e < 32) sh->mlp_epochs[e] = res.best_epoch;
        tr_result_free(&res);
        float out[DS_NTARGETS];
        for (int i = 0; i < N; i++) {
            tr_mlp_predict(&nets[e], s->X, i, out);
            for (int k = 0; k < O; k++) {
                float raw = out[k] * s->st.std[k] + s->st.mean[k];
                pens[(size_t)i * O + k] += raw / K;
                if (e == 0) p1[(size_t)i * O + k] = raw;
            }
        }
    }
    sh->mlp_sec_per_epoch = eps ? secs / eps : 0;
    sh->single = ev_row_from("TF-IDF MLP (1 net)", d, DS_TEST, p1);
    sh->single.sec_per_epoch = sh->mlp_sec_per_epoch; sh->single.ms_per_song = 1000.0 * sh->mlp_sec_per_epoch / ntr;
    char nm[64]; snprintf(nm, sizeof nm, "TF-IDF MLP ensemble (%d nets)", K);
    sh->ens = ev_row_from(nm, d, DS_TEST, pens);
    sh->ens.sec_per_epoch = sh->mlp_sec_per_epoch * K; sh->ens.ms_per_song = 1000.0 * sh->mlp_sec_per_epoch * K / ntr;
    /* blend weight per target on the validation split */
    float *pv = malloc(sizeof(float) * (size_t)nva), *tv = malloc(sizeof(float) * (size_t)nva);
    for (int k = 0; k < O && pv && tv; k++) {
        double best = -2; sh->alpha[k] = 0;
        for (int ai = 0; ai <= 10; ai++) {
            float a = ai / 10.0f;
            for (int i = 0; i < nva; i++) {
                size_t j = (size_t)va[i] * O + k;
                pv[i] = a * s->pred_ridge[j] + (1 - a) * pens[j];
                tv[i] = d->songs[va[i]].y[k];
            }
            double r = ev_pearson(pv, tv, nva);
            if (r > best + 1e-9) { best = r; sh->alpha[k] = a; }
        }
        if (log) fprintf(log, "blend %-13s ridge share %.1f  validation r %.3f\n", ds_target_names[k], sh->alpha[k], best);
    }
    free(pv); free(tv);
    sh->H = H; sh->K = K;
    char err[256];
    Model *m = build_shipped(s, nets, K, sh->alpha, NULL, err, sizeof err);
    for (int e = 0; e < K; e++) tr_mlp_free(&nets[e]);
    free(nets); free(pens); free(p1); free(ytr); free(yva); free(tr); free(va);
    if (!m) { fprintf(stderr, "train: building the shipped model: %s\n", err); return -1; }
    sh->model = m;
    return 0;
}

/* ---- outputs ------------------------------------------------------------------- */

static void write_corpus_words(const char *path, const bl_suite *s, int top) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "description", "frequency per 10,000 tokens in the training split of the shipped vocabulary's most frequent words (derived counts only)");
    cJSON_AddNumberToObject(o, "tokens", (double)s->total_tokens);
    cJSON_AddNumberToObject(o, "per", 10000);
    cJSON *w = cJSON_AddObjectToObject(o, "words");
    for (int i = 0; i < s->n_words && i < top; i++)
        cJSON_AddNumberToObject(w, s->words[i], round(1e4 * 1e3 * s->counts[i] / (double)s->total_tokens) / 1e3);
    char *txt = cJSON_PrintUnformatted(o);
    if (txt) { if (write_file(path, txt, strlen(txt))) fprintf(stderr, "train: cannot write %s\n", path); free(txt); }
    cJSON_Delete(o);
}

static void usage(FILE *f) {
    fprintf(f,
        "usage: moodspace train --csv songs.csv [--out weights] [--threads 2] [--seed-epochs 20]\n"
        "                       [--no-seed] [--ensemble 3] [--hidden 32] [--epochs 40]\n"
        "                       [--max-words 10000] [--lexicon PATH] [--no-length]\n"
        "                       [--seed-minutes M]  (no new seed epoch after M minutes per configuration)\n"
        "                       [--genres genres_dev.json] [--scripts DIR] [--no-films]\n"
        "                       [--wordvec FILE [--table-words 40000] [--sif-a 1e-3] [--sif-a-TARGET A] [--script-lambda L] [--sif-pc 1]]\n"
        "                       [--scene-labels labels/scenes.json [--no-reader] [--reader-words 20000] [--reader-proj 4]]\n"
        "--wordvec (from `moodspace embed`) adds the script head (script_head.h); --scene-labels\n"
        "then refits its valence and energy on the dev films' scenes (scene_head.h, needs the genres)\n"
        "and trains the reader of word order (seq_reader.h: the vocabulary's first --reader-words ids),\n"
        "shipped in the weights file's reader block when it reads the validation films better;\n"
        "--no-reader: the linear head alone.\n"
        "Trains the baselines, the seed configurations (raw and standardised targets)\n"
        "and the shipped model on the fixed split; writes OUT/model.bin, OUT/seed.bin,\n"
        "OUT/MODEL.md, OUT/match_weights.json, OUT/corpus_words.json, OUT/seed_results.json.\n"
        "--no-seed reuses OUT/seed_results.json instead of retraining the seed configurations.\n"
        "The model card's film table (eval.h) scores the screenplays labelled in --genres\n"
        "(default: genres_dev.json and screenplays/ beside the CSV) with OUT/model.bin and OUT/seed.bin.\n");
}

/* --sif-a-TARGET A: the one option family the table cannot hold. */
static int sif_a_target_opt(void *ctx, const char *opt, const char *value) {
    train_opts *o = ctx;
    if (strncmp(opt, "--sif-a-", 8)) return -1;
    int k = 0;
    while (k < DS_NTARGETS && strcmp(opt + 8, ds_target_names[k])) k++;
    if (k == DS_NTARGETS) return -1;
    if (!value) { tool_usage_error("train", "%s needs a value (--help)", opt); return -2; }
    char *end;
    double a = strtod(value, &end);
    if (end == value || *end) { tool_usage_error("train", "%s needs a number, not '%s'", opt, value); return -2; }
    o->sho.sif_a_for[k] = a;
    return 1;
}

/* The options into *o. -1: go on; else the exit status (help, usage error). */
static int parse_train_opts(int argc, char **argv, train_opts *o) {
    int no_reader = 0;
    const ToolOpt opts[] = {
        {"--no-seed", OPT_FLAG, &o->no_seed}, {"--no-length", OPT_FLAG, &o->no_length}, {"--no-films", OPT_FLAG, &o->no_films},
        {"--csv", OPT_STR, &o->csv}, {"--out", OPT_STR, &o->out}, {"--lexicon", OPT_STR, &o->lexicon},
        {"--genres", OPT_STR, &o->genres}, {"--scripts", OPT_STR, &o->scripts}, {"--wordvec", OPT_STR, &o->wordvec},
        {"--scene-labels", OPT_STR, &o->scene_labels}, {"--no-reader", OPT_FLAG, &no_reader},
        {"--reader-words", OPT_INT, &o->sfo.reader_vocab}, {"--reader-proj", OPT_INT, &o->sfo.reader_proj},
        {"--table-words", OPT_INT, &o->sho.table_words}, {"--sif-a", OPT_DOUBLE, &o->sho.sif_a},
        {"--script-lambda", OPT_DOUBLE, &o->sho.lambda}, {"--sif-pc", OPT_INT, &o->sho.remove_pc},
        {"--threads", OPT_INT, &o->threads}, {"--seed-epochs", OPT_INT, &o->seed_epochs},
        {"--seed-minutes", OPT_DOUBLE, &o->seed_minutes}, {"--ensemble", OPT_INT, &o->ensemble},
        {"--hidden", OPT_INT, &o->hidden}, {"--epochs", OPT_INT, &o->epochs}, {"--max-words", OPT_INT, &o->max_words},
        {NULL, 0, NULL}};
    const ToolOptExtra extra = { sif_a_target_opt, o, NULL, 0, NULL };
    int st = tool_parse("train", argc, argv, opts, &extra, usage);
    if (st >= 0) return st;
    if (!o->csv) return tool_usage_error("train", "needs --csv songs.csv (--help)");
    if (no_reader) o->sfo.reader = 0;
    if (o->sfo.reader_vocab < 3 || o->sfo.reader_proj < 1 || o->sfo.reader_proj > MODEL_READER_MAX_P)
        return tool_usage_error("train", "--reader-words must be at least 3, --reader-proj 1..%d", MODEL_READER_MAX_P);
    if (o->ensemble < 1 || o->ensemble > 32 || o->hidden < 1 || o->hidden > 4096 || o->epochs < 1 || o->seed_epochs < 1 || o->max_words < 10 ||
        o->sho.table_words < o->max_words || o->sho.table_words > VOCAB_MAX_WORDS || !(o->sho.sif_a > 0))
        return tool_usage_error("train", "option out of range (--help)");
    return -1;
}

/* Buffers for the default paths (beside the CSV) of parse_train_opts. */
typedef struct { char lexicon[1200], genres[1200], scripts[1200]; } DefaultPaths;

/* The lexicon, genres and screenplays beside the CSV unless given. */
static void default_paths(train_opts *o, DefaultPaths *b) {
    const char *slash = strrchr(o->csv, '/');
    if (!o->lexicon) {
        int dl = slash ? (int)(slash - o->csv) : 1;
        snprintf(b->lexicon, sizeof b->lexicon, "%.*s/lexicons/NRC-VAD-Lexicon.txt", dl, slash ? o->csv : ".");
        o->lexicon = b->lexicon;
    }
    if (!o->genres) { snprintf(b->genres, sizeof b->genres, "%.*sgenres_dev.json", slash ? (int)(slash - o->csv + 1) : 0, o->csv); o->genres = b->genres; }
    if (!o->scripts) { snprintf(b->scripts, sizeof b->scripts, "%.*sscreenplays", slash ? (int)(slash - o->csv + 1) : 0, o->csv); o->scripts = b->scripts; }
}

/* One training run: what each step leaves for the next ones. */
typedef struct {
    train_opts o;
    ds_dataset *d;
    FILE *log;
    char err[256];
    bl_suite s, s2;                 /* the baselines' features; the shipped model's own */
    ev_row rows[16];                /* the model card's table, in order */
    int nrows, ridge_row, seed_row_at;
    shipped sh;
    script_head_info shi;
    char *scenes_md;                /* the scene refit's section (NULL: none) */
    cJSON *scene_meta;
    float *pf, *pq;                 /* validation predictions, float32 and int8 */
    Model *mq;                      /* the int8 model */
    ev_row shipped_row, other_row;
    double mw[DS_NTARGETS];         /* match weights */
    long model_bytes, model_gz;
    ev_row seed_rows[2];
    int have_seed;
    double seed_t, t_all, t_baselines, t_shipped;
    const char *seed_note;
    char *p_model, *p_seedres, *metatxt;
} TrainRun;

/* The baselines on the baseline features, then the shipped model's own
 * features: its vocabulary (the most frequent prefix) plus the layer's two
 * length features. 0, or 1 after a message. */
static int run_baselines(TrainRun *R) {
    double t0 = wall();
    if (bl_suite_run(&R->s, R->d, BASELINE_WORDS, 0, R->o.lexicon, R->log, R->err, sizeof R->err)) { fprintf(stderr, "train: %s\n", R->err); return 1; }
    fprintf(R->log, "shipped model's features (TF-IDF + length features):\n");
    if (bl_suite_run(&R->s2, R->d, R->o.max_words, R->o.no_length ? 0 : 1, NULL, R->log, R->err, sizeof R->err)) {
        fprintf(stderr, "train: %s\n", R->err); bl_suite_free(&R->s); return 1;
    }
    R->t_baselines = wall() - t0;
    R->rows[R->nrows++] = ev_row_from("mean of the training split", R->d, DS_TEST, R->s.pred_mean);
    if (R->s.pred_lex) R->rows[R->nrows++] = ev_row_from("NRC-VAD lexicon + log length, least squares", R->d, DS_TEST, R->s.pred_lex);
    R->rows[R->nrows++] = ev_row_from("TF-IDF + ridge (baseline)", R->d, DS_TEST, R->s.pred_ridge);
    R->ridge_row = R->nrows - 1;
    return 0;
}

/* The shipped model, then (--wordvec) its script head and (--scene-labels)
 * the scene refit. 0, or 1 after a message. */
static int run_shipped(TrainRun *R) {
    double t0 = wall();
    if (train_shipped(R->d, &R->s2, &R->o, &R->sh, R->log)) return 1;
    R->scene_meta = cJSON_CreateObject();
    if (R->o.wordvec) {
        const train_opts *o = &R->o;
        WordVec *wv = wordvec_load(o->wordvec, R->err, sizeof R->err);
        Model *two = wv ? script_head_attach(R->sh.model, R->d, wv, &o->sho, &R->shi, R->log, R->err, sizeof R->err) : NULL;
        if (two && o->scene_labels &&
            scene_head_train(two, wv, &o->sfo, o->genres, o->scripts, o->scene_labels, o->lexicon, &R->scenes_md, R->scene_meta,
                             R->log, R->err, sizeof R->err)) {
            model_free(two); two = NULL;
        }
        wordvec_free(wv);
        if (!two) { fprintf(stderr, "train: %s\n", R->err); return 1; }
        model_free(R->sh.model);
        R->sh.model = two;
    }
    R->t_shipped = wall() - t0;
    return 0;
}

/* Float vs int8 on the validation split: int8 is shipped when it moves no
 * validation r by 0.002 or more. The shipped rows of the table. 0, or 1. */
static int choose_precision(TrainRun *R) {
    shipped *sh = &R->sh;
    const ds_dataset *d = R->d;
    unsigned char *bq = NULL; size_t lq = 0;
    R->pf = ev_predict_songs(sh->model, d);
    if (R->pf && model_save_bytes(sh->model, 1, &bq, &lq, R->err, sizeof R->err) == 0) R->mq = model_load_bytes(bq, lq, R->err, sizeof R->err);
    if (R->mq) R->pq = ev_predict_songs(R->mq, d);
    if (!R->pf || !R->pq) { fprintf(stderr, "train: predicting with the shipped model failed: %s\n", R->err); return 1; }
    ev_row vf = ev_row_from("", d, DS_VAL, R->pf), vq = ev_row_from("", d, DS_VAL, R->pq);
    sh->dq_max = 0;
    for (int k = 0; k < DS_NTARGETS; k++) {
        double dd = fabs(vf.m[k].r - vq.m[k].r);
        if (dd > sh->dq_max) sh->dq_max = dd;
        sh->val_r[k] = (float)vf.m[k].r;
    }
    sh->quantize = sh->dq_max < 0.002;
    fprintf(R->log, "int8 quantisation changes validation r by at most %.4f: shipping %s\n", sh->dq_max, sh->quantize ? "int8" : "float32");
    free(bq);
    R->rows[R->nrows++] = sh->single;
    R->rows[R->nrows++] = sh->ens;
    R->shipped_row = ev_row_from(sh->quantize ? "**shipped**: ridge + MLP ensemble blend, int8" : "**shipped**: ridge + MLP ensemble blend, float32",
                                 d, DS_TEST, sh->quantize ? R->pq : R->pf);
    R->other_row = ev_row_from(sh->quantize ? "same, float32 (not shipped)" : "same, int8 (not shipped)", d, DS_TEST, sh->quantize ? R->pf : R->pq);
    R->shipped_row.sec_per_epoch = sh->ens.sec_per_epoch; R->shipped_row.ms_per_song = sh->ens.ms_per_song;
    /* match weights: w_k ∝ max(r_val,0)^2, normalised to sum 1 */
    double msum = 0;
    for (int k = 0; k < DS_NTARGETS; k++) { double r = sh->val_r[k] > 0 ? sh->val_r[k] : 0; R->mw[k] = r * r; msum += R->mw[k]; }
    for (int k = 0; k < DS_NTARGETS; k++) R->mw[k] = msum > 0 ? round(1e4 * R->mw[k] / msum) / 1e4 : 1.0 / DS_NTARGETS;
    return 0;
}

/* The meta JSON inside the weights file (a malloc'd text). */
static char *model_meta(TrainRun *R) {
    const shipped *sh = &R->sh;
    cJSON *meta = cJSON_CreateObject();
    cJSON_AddStringToObject(meta, "name", "tfidf-mlp-ensemble");
    cJSON_AddStringToObject(meta, "trained_on", "songs.csv train split (ds_hash of spotify_id mod 100 < 80: FNV-1a 64 loop, offset basis 1469598103934665603)");
    cJSON_AddNumberToObject(meta, "train_songs", R->d->count[0]);
    cJSON *jmw = cJSON_AddObjectToObject(meta, "match_weights");
    cJSON *jvr = cJSON_AddObjectToObject(meta, "validation_r");
    for (int k = 0; k < DS_NTARGETS; k++) { cJSON_AddNumberToObject(jmw, ds_target_names[k], R->mw[k]); cJSON_AddNumberToObject(jvr, ds_target_names[k], round(1e4 * sh->val_r[k]) / 1e4); }
    if (sh->model->n_heads == 2) {   /* which outputs are which head (model.h, Heads) */
        const char *hn[2] = { "song", "script" };
        cJSON_AddItemToObject(meta, "heads", cJSON_CreateStringArray(hn, 2));
        cJSON *js = cJSON_AddObjectToObject(meta, "script_head");
        cJSON_AddStringToObject(js, "features", "mean of the known words' SIF-weighted CBOW vectors (moodspace embed), folded into a per-word table");
        cJSON_AddBoolToObject(js, "common_component_removed", R->o.sho.remove_pc != 0);
        cJSON *ja = cJSON_AddObjectToObject(js, "sif_a");
        for (int k = 0; k < DS_NTARGETS; k++) cJSON_AddNumberToObject(ja, ds_target_names[k], R->shi.sif_a[k]);
        cJSON *jsr = cJSON_AddObjectToObject(js, "validation_r_songs");
        for (int k = 0; k < DS_NTARGETS; k++) cJSON_AddNumberToObject(jsr, ds_target_names[k], round(1e4 * R->shi.val_r[k]) / 1e4);
        cJSON *fit = cJSON_DetachItemFromObject(R->scene_meta, "scene_fit");
        if (fit) cJSON_AddItemToObject(js, "scene_fit", fit);
    }
    char *metatxt = cJSON_PrintUnformatted(meta);
    cJSON_Delete(meta);
    return metatxt;
}

/* OUT/model.bin (with its meta), OUT/match_weights.json, OUT/corpus_words.json. 0, or 1. */
static int write_model_files(TrainRun *R) {
    R->metatxt = model_meta(R);
    model_set_meta(R->sh.model, R->metatxt ? R->metatxt : "");
    R->p_model = path_join(R->o.out, "model.bin");
    if (model_save_file(R->sh.model, R->p_model, R->sh.quantize, R->err, sizeof R->err)) { fprintf(stderr, "train: %s\n", R->err); return 1; }
    struct stat stb;
    R->model_bytes = stat(R->p_model, &stb) == 0 ? (long)stb.st_size : -1;
    R->model_gz = gzip_size(R->p_model);
    fprintf(R->log, "wrote %s (%ld bytes, %ld gzip)\n", R->p_model, R->model_bytes, R->model_gz);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "rule", "weight ∝ max(validation r of the shipped model, 0)², normalised to sum 1");
    cJSON *w = cJSON_AddObjectToObject(j, "weights");
    for (int k = 0; k < DS_NTARGETS; k++) cJSON_AddNumberToObject(w, ds_target_names[k], R->mw[k]);
    char *t = cJSON_Print(j);
    char *pth = path_join(R->o.out, "match_weights.json");
    if (t && pth) write_file(pth, t, strlen(t));
    free(t); free(pth); cJSON_Delete(j);
    char *p_cw = path_join(R->o.out, "corpus_words.json");
    write_corpus_words(p_cw, &R->s2, 5000);
    free(p_cw);
    return 0;
}

/* OUT/seed.bin, the better of the two trained seeds on validation, and
 * OUT/seed_results.json describing both runs. */
static void save_seed(TrainRun *R, Model *sm[2], seed_run sr[2]) {
    int better = sr[1].val_r > sr[0].val_r ? 1 : 0;
    char *p_seed = path_join(R->o.out, "seed.bin");
    cJSON *mj = cJSON_CreateObject();
    cJSON_AddStringToObject(mj, "name", better ? "seed-standardised" : "seed-raw");
    char *mt = cJSON_PrintUnformatted(mj); cJSON_Delete(mj);
    model_set_meta(sm[better], mt ? mt : ""); free(mt);
    if (model_save_file(sm[better], p_seed, 0, R->err, sizeof R->err)) fprintf(stderr, "train: %s\n", R->err);
    else fprintf(R->log, "wrote %s (%s targets, better on validation: mean r %.3f vs %.3f)\n", p_seed, better ? "standardised" : "raw", sr[better].val_r, sr[!better].val_r);
    free(p_seed);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "shipped_as_seed_bin", better ? "standardised" : "raw");
    cJSON_AddNumberToObject(j, "seconds", R->seed_t);
    cJSON_AddNumberToObject(j, "max_epochs", R->o.seed_epochs);
    cJSON_AddNumberToObject(j, "minutes_budget", R->o.seed_minutes);
    cJSON_AddNumberToObject(j, "threads", R->o.threads);
    cJSON *arr = cJSON_AddArrayToObject(j, "rows");
    for (int v = 0; v < 2; v++) {
        cJSON *r = ev_row_json(&sr[v].test);
        cJSON_AddNumberToObject(r, "validation_mean_r", sr[v].val_r);
        cJSON_AddNumberToObject(r, "epochs_run", sr[v].epochs_run);
        cJSON_AddNumberToObject(r, "best_epoch", sr[v].best_epoch);
        cJSON_AddItemToArray(arr, r);
        R->seed_rows[v] = sr[v].test;
    }
    R->have_seed = 1;
    char *t = cJSON_Print(j);
    if (t) write_file(R->p_seedres, t, strlen(t));
    free(t); cJSON_Delete(j);
}

/* The seed configurations, raw and standardised targets, trained now. */
static void train_seeds(TrainRun *R) {
    char **sw; long *sc, stot;
    int nsw = ds_count_words(R->d, DS_TRAIN, SEED_WORDS, 1, &sw, &sc, &stot);
    seed_run sr[2]; Model *sm[2] = {NULL, NULL};
    double t0 = wall();
    for (int v = 0; v < 2 && nsw > 0; v++) sm[v] = train_seed(R->d, v, &R->o, &sr[v], sw, nsw, R->log);
    R->seed_t = wall() - t0;
    if (sm[0] && sm[1]) save_seed(R, sm, sr);
    model_free(sm[0]); model_free(sm[1]);
    if (nsw > 0) { ds_words_free(sw, nsw); free(sc); }
}

/* --no-seed: the seed rows of the last full run (OUT/seed_results.json),
 * with the settings of that run for the model card. */
static void read_seed_results(TrainRun *R) {
    char *t = read_text(R->p_seedres);
    cJSON *j = t ? cJSON_Parse(t) : NULL;
    cJSON *arr = j ? cJSON_GetObjectItem(j, "rows") : NULL;
    if (cJSON_GetArraySize(arr) == 2 && ev_row_from_json(cJSON_GetArrayItem(arr, 0), &R->seed_rows[0]) == 0 &&
        ev_row_from_json(cJSON_GetArrayItem(arr, 1), &R->seed_rows[1]) == 0) {
        R->have_seed = 1;
        R->seed_note = " (seed rows from the last full run, seed_results.json)";
        cJSON *sec = cJSON_GetObjectItem(j, "seconds");
        if (cJSON_IsNumber(sec)) R->seed_t = sec->valuedouble;
        cJSON *x;   /* describe the run that produced them */
        if ((x = cJSON_GetObjectItem(j, "max_epochs")) && cJSON_IsNumber(x)) R->o.seed_epochs = x->valueint;
        if ((x = cJSON_GetObjectItem(j, "minutes_budget")) && cJSON_IsNumber(x)) R->o.seed_minutes = x->valuedouble;
        if ((x = cJSON_GetObjectItem(j, "threads")) && cJSON_IsNumber(x)) R->o.threads = x->valueint;
    } else fprintf(R->log, "no usable %s: seed rows left out of the model card\n", R->p_seedres);
    cJSON_Delete(j); free(t);
}

/* The rest of the table: the seed rows, the script head on lyrics, the
 * other precision, the shipped row last. */
static void finish_rows(TrainRun *R) {
    const shipped *sh = &R->sh;
    R->seed_row_at = R->nrows;   /* the seed rows' place in the table (the script-head row may follow) */
    if (R->have_seed) { R->rows[R->nrows++] = R->seed_rows[0]; R->rows[R->nrows++] = R->seed_rows[1]; }
    float *psh = sh->model->n_heads == 2 ? script_head_predict_songs(sh->quantize ? R->mq : sh->model, R->d) : NULL;
    if (psh) R->rows[R->nrows++] = ev_row_from(R->scenes_md ? (sh->quantize ? "script head on lyrics, int8 (valence, energy: scenes)" : "script head on lyrics, float32 (valence, energy: scenes)")
                                                          : (sh->quantize ? "script head (word vectors) reading lyrics, int8" : "script head (word vectors) reading lyrics, float32"), R->d, DS_TEST, psh);
    free(psh);
    R->rows[R->nrows++] = R->other_row;
    R->rows[R->nrows++] = R->shipped_row;
}

/* The model card's "Data" notes (a malloc'd text, NULL when out of memory). */
static char *card_data_md(const TrainRun *R) {
    char *txt = NULL; size_t len;
    FILE *md = open_memstream(&txt, &len);
    if (!md) return NULL;
    const bl_suite *s = &R->s;
    fprintf(md, "- Text: the engine's tokenizer (text.h: TextVectorization-compatible cleaning, section tags and repeat marks removed), first %d tokens of a lyric.\n", DS_MAX_TOKENS);
    fprintf(md, "- Vocabulary (training split only): the TF-IDF ridge baseline uses the %d most frequent words seen at least twice, the shipped model the %d most frequent (%ld training tokens). idf = ln((1+N)/(1+df)) + 1 over training songs.", s->n_words, R->s2.n_words, s->total_tokens);
    if (s->pred_lex) fprintf(md, " The NRC-VAD lexicon covers %d%% of training tokens (baseline only, never shipped).", s->lex_known_pct);
    fprintf(md, "\n");
    fclose(md);
    return txt;
}

/* The model card's shipped architecture section. */
static void card_architecture(FILE *md, const TrainRun *R) {
    const shipped *sh = &R->sh;
    const bl_suite *ss = &R->s2;
    const train_opts *o = &R->o;
    fprintf(md, "## Shipped architecture (`weights/model.bin`)\n\n");
    fprintf(md, "    TFIDF(vocab %d)                 ids[%d] → [%d]: sublinear TF-IDF, L2-normalised, of words 2..; slots 0, 1: %s (bow.h)\n", vocab_size(ss->vocab), DS_MAX_TOKENS, vocab_size(ss->vocab), ss->idf[0] != 0 ? "0.5·ln(1+tokens), type/token ratio" : "off");
    fprintf(md, "    Dense(%d, relu)                 = %d ridge units (+/- pair per target) | %d MLPs × %d hidden units\n", 2 * DS_NTARGETS + sh->K * sh->H, 2 * DS_NTARGETS, sh->K, sh->H);
    fprintf(md, "    Dense(6, linear)                = per target: a·ridge + (1−a)·mean of the MLPs; outputs z-scores → Spotify units\n\n");
    fprintf(md, "One sequential network in the engine's own weights format, run by `model.c`'s predict path natively and in wasm. ");
    fprintf(md, "Its hidden layer is the concatenation of (1) the TF-IDF ridge solution of each target written as two ReLU units, relu(z) − relu(−z) = z, and (2) the hidden units of %d MLPs (TF-IDF → Dense(%d, relu) → Dense(6)) trained separately; the output layer averages the MLPs and blends them with the ridge. ", sh->K, sh->H);
    fprintf(md, "Ridge share a per target (picked on validation, grid 0.0…1.0): ");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "%s %.1f%s", ds_target_names[k], sh->alpha[k], k + 1 < DS_NTARGETS ? ", " : ".\n\n");
    fprintf(md, "- Parameters: %zu; file %ld bytes raw, %ld bytes gzip -9, %s. Storing the weights as int8 (per-row scale) %s validation r by at most %.4f (threshold 0.002).\n",
            sh->model->n_params, R->model_bytes, R->model_gz, sh->quantize ? (sh->model->n_heads > 1 ? "int8 per-row weights (biases, idf and the last layer's kernel, whose rows feed both heads, float32)" : "int8 per-row weights (biases and idf float32)") : "float32",
            sh->quantize ? "changed" : "would change", sh->dq_max);
    if (sh->model->n_heads == 2) script_head_markdown(md, sh->model, &o->sho, &R->shi);
    if (R->scenes_md)
        fprintf(md, "- **Valence and energy of the script head are then refitted on film scenes** (scene_head.h, `--scene-labels %s`): a weighted ridge on the same SIF features plus the song head's %d hidden units read on the scene (the network computes them anyway), over the dev films' training part: hand-labelled scenes (z = (label − 5) / 2, weight %g), festive/grieving places named in headings (± %g, weight %g), the screenwriters' dropped parentheticals ((crying), (laughing), (screams), (whispers): ± %g, weight %g) and the films' genres on their mean features (± %g, weight %g), lambda %g; each hand row again centred on its film's labelled scenes (label and features, weight %g: the benchmark orders scenes within a film, so film fixed effects); beside the word vectors, %d fixed random ReLU features of each word's unit vector (scale %g after standardising), a per-word non-linear reading the word table holds exactly; folded into the word table's valence and energy columns, their biases and the song units' weights into the script outputs. Chosen on the validation films (`moodspace scenefit --grid` and `--try`); the table in \"Results on scenes\" below.\n",
                o->scene_labels, sh->model->layers[1].spec.units - 2 * DS_NTARGETS, o->sfo.w_hand, o->sfo.place_z, o->sfo.w_place, o->sfo.paren_z, o->sfo.w_paren,
                o->sfo.genre_z, o->sfo.w_genre, o->sfo.lambda, o->sfo.w_within, o->sfo.word_feats, o->sfo.feat_scale);
}

/* The model card's training settings section. */
static void card_settings(FILE *md, const TrainRun *R) {
    const shipped *sh = &R->sh;
    const train_opts *o = &R->o;
    char seed_budget[120] = "";
    if (o->seed_minutes > 0) snprintf(seed_budget, sizeof seed_budget, " and a wall-time budget of %.0f minutes per configuration (CPU shared with the rest of the team)", o->seed_minutes);
    fprintf(md, "\n## Training settings\n\n");
    fprintf(md, "- TF-IDF ridge: conjugate gradients on the centred problem, lambda per target from {30, 10, 5, 3, 1, 0.3} by validation r; baseline: ");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "%s %g%s", ds_target_names[k], R->s.lambda[k], k + 1 < DS_NTARGETS ? ", " : "; ");
    fprintf(md, "inside the shipped model: ");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "%s %g%s", ds_target_names[k], R->s2.lambda[k], k + 1 < DS_NTARGETS ? ", " : ".\n");
    fprintf(md, "- MLPs: Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7), batch 32, MSE on z-scores of all 6 targets, dropout 0.5 on the hidden layer, word dropout 0.3 on the TF-IDF input, glorot-uniform init, up to %d epochs, early stopping on validation loss (patience 4, best epoch restored); seeds 100…%d; best epochs:", o->epochs, 100 + sh->K - 1);
    for (int e = 0; e < sh->K && e < 32; e++) fprintf(md, " %d", sh->mlp_epochs[e]);
    fprintf(md, ".\n- Seed configurations: the seed's layers exactly (TextVectorization 2000 tokens → %d words + pad + OOV, sequence 500; Embedding(2000,60) → Dropout(0.2) → Conv1D(64,5,relu) → MaxPooling1D(4) → LSTM(100) → Dropout(0.2) → Dense(64,relu) → Dense(32,relu) → Dense(4)), MAE, Adam 1e-3, batch 32, Keras-like init, seeded; once on raw targets (as the seed) and once on z-scored targets, at most %d epochs (the seed ran 100) with early stopping (patience 3)%s, gradient-norm clip 5, %d thread(s). The better of the two on validation is `weights/seed.bin`%s.\n",
            SEED_WORDS, o->seed_epochs, seed_budget, o->threads, R->seed_note);
}

/* The film table (the shipped model as saved and seed.bin on the genre
 * labels), then OUT/MODEL.md. 0, or 1 after a message. */
static int write_model_card(TrainRun *R) {
    const shipped *sh = &R->sh;
    const train_opts *o = &R->o;
    char *p_seed_bin = path_join(o->out, "seed.bin");
    Model *film_models[2] = { sh->quantize ? R->mq : sh->model, NULL };
    const char *film_names[2] = { "shipped `weights/model.bin`", "seed configuration `weights/seed.bin`" };
    if (R->have_seed) film_models[1] = model_load_file(p_seed_bin, R->err, sizeof R->err);
    mc_card card = mc_card_init(R->d, &R->s.st);
    if (!o->no_films) mc_card_films(&card, o->genres, o->scripts, o->lexicon, (const Model *const *)film_models, film_names, film_models[1] ? 2 : 1, R->log);
    else snprintf(card.film_note, sizeof card.film_note, "No film table: trained with --no-films.");
    model_free(film_models[1]); free(p_seed_bin);
    double t_total = wall() - R->t_all;

    char *data_md = card_data_md(R), *model_md = NULL, *timing_md = NULL; size_t md_len;
    FILE *md = data_md ? open_memstream(&model_md, &md_len) : NULL;
    if (!md) { fprintf(stderr, "train: out of memory\n"); return 1; }
    card_architecture(md, R);
    card_settings(md, R);
    fclose(md);
    md = open_memstream(&timing_md, &md_len);
    if (!md) { fprintf(stderr, "train: out of memory\n"); return 1; }
    fprintf(md, "Baselines (vocabulary, TF-IDF, ridge and lexicon fits) took %.1f s; the shipped model's MLPs %.1f s; the seed configurations %.0f s; the film evaluation %.0f s; this run %.0f s in all.\n",
            R->t_baselines, R->t_shipped, R->seed_t, card.films ? card.films->seconds : 0.0, t_total);
    fclose(md);
    card.data_md = data_md; card.model_md = model_md; card.timing_md = timing_md;
    card.rows = R->rows; card.n_rows = R->nrows; card.ridge_row = R->ridge_row; card.shipped_row = R->nrows - 1;
    if (R->have_seed) { card.seed_rows[0] = R->seed_row_at; card.seed_rows[1] = R->seed_row_at + 1; card.n_seed_rows = 2; }
    card.val_r = sh->val_r; card.match_weights = R->mw;
    char *artist_md = NULL;
    {
        const float *preds[2] = { R->s.pred_ridge, sh->quantize ? R->pq : R->pf };
        const char *pn[2] = { "TF-IDF + ridge (baseline)", "**shipped** song head" };
        FILE *am = open_memstream(&artist_md, &md_len);
        if (am) { ev_print_artist_split(am, R->d, DS_TEST, pn, preds, 2); fclose(am); }
    }
    card.songs_artist_md = artist_md;
    card.scenes_md = R->scenes_md;
    card.outputs_md = "- `weights/seed.bin`: the seed architecture, for the engine-vs-TF.js benchmark.\n"
                      "- `weights/corpus_words.json`: frequency per 10k training tokens of the top 5000 vocabulary words (derived counts only), for the taste dashboard.\n";
    char *p_md = path_join(o->out, "MODEL.md");
    int card_rc = mc_card_write(&card, p_md, R->err, sizeof R->err);
    mc_card_free(&card); free(data_md); free(model_md); free(timing_md); free(artist_md);
    if (card_rc) { fprintf(stderr, "train: %s\n", R->err); free(p_md); return 1; }
    fprintf(R->log, "wrote %s\n", p_md);
    ev_print_markdown(R->log, R->rows, R->nrows);
    fprintf(R->log, "\ntotal %.0f s\n", t_total);
    free(p_md);
    return 0;
}

/* Steps: options and paths, the data, the baselines, the shipped model
 * (and its script head), its precision, its files, the seed
 * configurations, the model card. */
int cmd_train(int argc, char **argv) {
    TrainRun *R = calloc(1, sizeof *R);
    if (!R) { fprintf(stderr, "train: out of memory\n"); return 1; }
    R->o = (train_opts){ NULL, "weights", NULL, NULL, NULL, NULL, NULL, 0, script_head_default_opts(), scene_fit_default_opts(),
                         2, 20, 0, 3, 32, 40, 10000, 0, 0 };
    R->seed_note = "";
    R->log = stderr;
    int st = parse_train_opts(argc, argv, &R->o);
    if (st >= 0) { free(R); return st; }
    DefaultPaths paths;
    default_paths(&R->o, &paths);
    mkdir(R->o.out, 0755);
    R->t_all = wall();
    int rc = 1;
    R->d = ds_load(R->o.csv, R->err, sizeof R->err);
    if (!R->d) { fprintf(stderr, "train: %s\n", R->err); free(R); return 1; }
    const ds_dataset *d = R->d;
    fprintf(R->log, "data: %s: %d songs (train %d, validation %d, test %d); skipped %d malformed, %d without lyrics, %d bad metrics, %d duplicate ids\n",
            R->o.csv, d->n, d->count[0], d->count[1], d->count[2], d->bad_rows, d->no_lyrics, d->bad_targets, d->duplicates);
    if (run_baselines(R)) { ds_free(R->d); free(R); return 1; }
    if (run_shipped(R) || choose_precision(R)) goto done;
    if (write_model_files(R)) goto done;
    R->p_seedres = path_join(R->o.out, "seed_results.json");
    if (!R->o.no_seed) train_seeds(R); else read_seed_results(R);
    finish_rows(R);
    rc = write_model_card(R);
done:
    cJSON_Delete(R->scene_meta);
    free(R->scenes_md);
    free(R->p_model); free(R->p_seedres); free(R->metatxt);
    free(R->pf); free(R->pq); model_free(R->mq); model_free(R->sh.model);
    bl_suite_free(&R->s2);
    bl_suite_free(&R->s); ds_free(R->d);
    free(R);
    return rc;
}
