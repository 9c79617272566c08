/* script_head.c — see script_head.h. */
#include "script_head.h"

#include "eval.h"
#include "linalg.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stb_ds.h>

#define SH_K DS_NTARGETS
static const double sh_lambdas[] = { 1, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000 };
#define SH_N_LAMBDAS (int)(sizeof sh_lambdas / sizeof sh_lambdas[0])

script_head_opts script_head_default_opts(void) {
    script_head_opts o = { 40000, 1e-3, {0}, 0, 1 };
    return o;
}

typedef struct { char *key; int value; } word_set;

/* The shipped vocabulary: the song model's words, then the most frequent
 * other embed words. Returns the count; *out is an stb_ds array of borrowed
 * strings. */
static int table_vocab(const Model *song, const WordVec *wv, int max_words, const char ***out) {
    const char **words = NULL;
    word_set *seen = NULL;
    sh_new_arena(seen);
    int Vs = vocab_size(song->vocab);
    for (int id = 2; id < Vs; id++) {
        const char *w = vocab_word(song->vocab, id);
        arrput(words, w);
        shput(seen, w, 1);
    }
    for (int i = 0; i < wv->n && arrlen(words) < max_words; i++) {
        if (shgeti(seen, wv->words[i]) >= 0) continue;
        arrput(words, wv->words[i]);
        shput(seen, wv->words[i], 1);
    }
    shfree(seen);
    *out = words;
    return (int)arrlen(words);
}

/* Each song's features: the mean of its known tokens' weighted vectors. */
static void sif_features(const ds_dataset *d, const Vocab *voc, const float *vec, int D, double *F, int32_t *ids) {
    for (int i = 0; i < d->n; i++) {
        const char *t = d->songs[i].lyrics;
        int n = text_encode(voc, t, strlen(t), ids, DS_MAX_TOKENS), known = 0;
        double *f = F + (size_t)i * D;
        for (int s = 0; s < n; s++) {
            if (ids[s] < 2) continue;
            known++;
            for (int k = 0; k < D; k++) f[k] += vec[(size_t)ids[s] * D + k];
        }
        if (known) for (int k = 0; k < D; k++) f[k] /= known;
    }
}

/* SIF's common-component removal: project the first singular direction u
 * of the training features (power iteration) out, f <- f - (u.f) u. */
static void remove_common_component(const ds_dataset *d, double *F, int D, double *u) {
    for (int p = 0; p < D; p++) u[p] = 1.0 / sqrt((double)D);
    for (int it = 0; it < 50; it++) {
        double nu[512] = {0}, nn = 0;
        for (int i = 0; i < d->n; i++) {
            if (d->songs[i].split != DS_TRAIN) continue;
            const double *f = F + (size_t)i * D;
            double t = 0;
            for (int p = 0; p < D; p++) t += f[p] * u[p];
            for (int p = 0; p < D; p++) nu[p] += t * f[p];
        }
        for (int p = 0; p < D; p++) nn += nu[p] * nu[p];
        nn = sqrt(nn) + 1e-300;
        for (int p = 0; p < D; p++) u[p] = nu[p] / nn;
    }
    for (int i = 0; i < d->n; i++) {
        double *f = F + (size_t)i * D, t = 0;
        for (int p = 0; p < D; p++) t += f[p] * u[p];
        for (int p = 0; p < D; p++) f[p] -= t * u[p];
    }
}

/* Standardise F on the training split (mean mu, std sd) and its Gram
 * matrix G over the training songs. Returns the training count. */
static int standardise_gram(const ds_dataset *d, double *F, int D, double *mu, double *sd, double *G) {
    int ntr = 0;
    for (int i = 0; i < d->n; i++) if (d->songs[i].split == DS_TRAIN) { ntr++; for (int k = 0; k < D; k++) mu[k] += F[(size_t)i * D + k]; }
    for (int k = 0; k < D; k++) mu[k] /= ntr;
    for (int i = 0; i < d->n; i++) if (d->songs[i].split == DS_TRAIN) for (int k = 0; k < D; k++) { double x = F[(size_t)i * D + k] - mu[k]; sd[k] += x * x; }
    for (int k = 0; k < D; k++) sd[k] = sqrt(sd[k] / ntr) + 1e-12;
    for (int i = 0; i < d->n; i++) for (int k = 0; k < D; k++) F[(size_t)i * D + k] = (F[(size_t)i * D + k] - mu[k]) / sd[k];
    for (int i = 0; i < d->n; i++) {
        if (d->songs[i].split != DS_TRAIN) continue;
        const double *f = F + (size_t)i * D;
        for (int p = 0; p < D; p++) for (int q = 0; q <= p; q++) G[p * D + q] += f[p] * f[q];
    }
    for (int p = 0; p < D; p++) for (int q = p + 1; q < D; q++) G[p * D + q] = G[q * D + p];
    return ntr;
}

/* What fitting one target reads (fit_for_a's features and their statistics). */
typedef struct {
    const ds_dataset *d;
    const double *F, *G, *mu, *sd, *u;   /* standardised features, Gram, mean, std, removed direction */
    int D, ntr, remove_pc;
    const double *ymean, *ystd;
    double lambda_fixed;
    double *A;                            /* [D][D] work */
    float *pred, *yv;                     /* [n] work */
} ShFit;

/* Target k's ridge on the features: lambda by validation r (or fixed),
 * then folded into W[k] and bias[k] over the raw mean features. */
static void fit_target(const ShFit *f, int k, double a, double W[][512], double *bias, script_head_info *info, FILE *log) {
    const ds_dataset *d = f->d;
    int D = f->D;
    double Xy[512] = {0}, ybar = 0;
    for (int i = 0; i < d->n; i++) if (d->songs[i].split == DS_TRAIN) ybar += (d->songs[i].y[k] - f->ymean[k]) / f->ystd[k];
    ybar /= f->ntr;
    for (int i = 0; i < d->n; i++) {
        if (d->songs[i].split != DS_TRAIN) continue;
        double y = (d->songs[i].y[k] - f->ymean[k]) / f->ystd[k] - ybar;
        for (int p = 0; p < D; p++) Xy[p] += f->F[(size_t)i * D + p] * y;
    }
    double best = -2;
    for (int li = 0; li < SH_N_LAMBDAS; li++) {
        double x[512], lam = f->lambda_fixed > 0 ? f->lambda_fixed : sh_lambdas[li];
        if (f->lambda_fixed > 0 && li > 0) break;
        memcpy(f->A, f->G, sizeof(double) * D * D);
        for (int p = 0; p < D; p++) f->A[p * D + p] += lam;
        memcpy(x, Xy, sizeof(double) * D);
        if (la_cholesky_solve(f->A, x, D)) continue;
        int nv = 0;
        for (int i = 0; i < d->n; i++) {
            if (d->songs[i].split != DS_VAL) continue;
            double z = ybar;
            for (int p = 0; p < D; p++) z += x[p] * f->F[(size_t)i * D + p];
            f->pred[nv] = (float)z; f->yv[nv] = d->songs[i].y[k]; nv++;
        }
        double r = ev_pearson(f->pred, f->yv, nv);
        if (r > best + 1e-9) { best = r; info->lambda[k] = lam; memcpy(W[k], x, sizeof(double) * D); bias[k] = ybar; }
    }
    info->val_r[k] = best;
    info->sif_a[k] = a;
    /* fold the standardisation and the SIF weight's a into W: z = bias + W·(mean of sif_a·vec) */
    for (int p = 0; p < D; p++) { W[k][p] /= f->sd[p]; bias[k] -= W[k][p] * f->mu[p]; }
    if (f->remove_pc) {   /* W·(P f) = (P W)·f with P = I − u uᵀ */
        double t = 0;
        for (int p = 0; p < D; p++) t += W[k][p] * f->u[p];
        for (int p = 0; p < D; p++) W[k][p] -= t * f->u[p];
    }
    if (log) fprintf(log, "script head %-13s a %-6g lambda %-6g validation r %.3f\n", ds_target_names[k], a, info->lambda[k], best);
}

/* Ridge fits of the targets k with sif_a(k) == a (want[k] != 0), on the
 * SIF(a)-weighted mean vectors of every song; writes W[k] (folded: applies
 * to the unstandardised mean vector), bias[k], lambda, validation r. */
static int fit_for_a(double a, const int *want, const ds_dataset *d, const Vocab *voc, const float *raw,
                     const double *pw, int V, int D, const double *ymean, const double *ystd, double lambda_fixed, int remove_pc,
                     double W[][512], double *bias, script_head_info *info, FILE *log) {
    float *vec = malloc(sizeof(float) * (size_t)V * D);
    double *F = calloc((size_t)d->n * D, sizeof(double));
    int32_t *ids = malloc(sizeof(int32_t) * DS_MAX_TOKENS);
    double *A = malloc(sizeof(double) * D * D), *G = calloc((size_t)D * D, sizeof(double));
    double *mu = calloc((size_t)D, sizeof(double)), *sd = calloc((size_t)D, sizeof(double));
    float *pred = malloc(sizeof(float) * (size_t)d->n), *yv = malloc(sizeof(float) * (size_t)d->n);
    int rc = -1;
    if (!vec || !F || !ids || !A || !G || !mu || !sd || !pred || !yv) goto done;
    for (int v = 0; v < V; v++) {
        double w = a / (a + pw[v]);
        for (int k = 0; k < D; k++) vec[(size_t)v * D + k] = (float)(w * raw[(size_t)v * D + k]);
    }
    sif_features(d, voc, vec, D, F, ids);
    double u[512] = {0};
    if (remove_pc) remove_common_component(d, F, D, u);
    int ntr = standardise_gram(d, F, D, mu, sd, G);
    ShFit fit = { d, F, G, mu, sd, u, D, ntr, remove_pc, ymean, ystd, lambda_fixed, A, pred, yv };
    for (int k = 0; k < SH_K; k++) if (want[k]) fit_target(&fit, k, a, W, bias, info, log);
    rc = 0;
done:
    free(vec); free(F); free(ids); free(A); free(G); free(mu); free(sd); free(pred); free(yv);
    return rc;
}

/* The two-head network's weights: the song network's TF-IDF, hidden units
 * and outputs copied, the word table from the script head's fits (W, bias
 * over raw vectors weighted by SIF's a / (a + p(w))), each script output a
 * +/- ReLU pair carried through to the second half of the outputs. */
static void fill_two_heads(Model *res, const Model *song, const float *raw, const double *pw, int V, int D,
                           double W[][512], const double *bias, const script_head_info *info) {
    const int O = SH_K, Vt = vocab_size(song->vocab), HC = song->layers[1].spec.units;
    const float *s_idf = song->params + song->tensors[0].offset, *s_W1 = song->params + song->tensors[1].offset;
    const float *s_b1 = song->params + song->tensors[2].offset, *s_W2 = song->params + song->tensors[3].offset;
    const float *s_b2 = song->params + song->tensors[4].offset;
    float *idf = res->params + res->tensors[0].offset, *tab = res->params + res->tensors[1].offset;
    float *W1 = res->params + res->tensors[2].offset, *b1 = res->params + res->tensors[3].offset;
    float *W2 = res->params + res->tensors[4].offset, *b2 = res->params + res->tensors[5].offset;
    const int H1 = HC + 2 * O;
    memcpy(idf, s_idf, sizeof(float) * (size_t)Vt);
    for (int v = 2; v < V; v++)
        for (int k = 0; k < O; k++) {
            double z = 0;
            for (int p = 0; p < D; p++) z += W[k][p] * raw[(size_t)v * D + p];
            tab[(size_t)v * O + k] = (float)(z * info->sif_a[k] / (info->sif_a[k] + pw[v]));
        }
    for (int i = 0; i < Vt; i++) memcpy(W1 + (size_t)i * H1, s_W1 + (size_t)i * HC, sizeof(float) * (size_t)HC);
    memcpy(b1, s_b1, sizeof(float) * (size_t)HC);
    for (int k = 0; k < O; k++) {
        W1[(size_t)(Vt + k) * H1 + HC + 2 * k] = 1.0f;
        W1[(size_t)(Vt + k) * H1 + HC + 2 * k + 1] = -1.0f;
        b1[HC + 2 * k] = (float)bias[k];
        b1[HC + 2 * k + 1] = (float)-bias[k];
    }
    for (int j = 0; j < HC; j++) memcpy(W2 + (size_t)j * 2 * O, s_W2 + (size_t)j * O, sizeof(float) * (size_t)O);
    memcpy(b2, s_b2, sizeof(float) * (size_t)O);
    for (int k = 0; k < O; k++) {
        W2[(size_t)(HC + 2 * k) * 2 * O + O + k] = 1.0f;
        W2[(size_t)(HC + 2 * k + 1) * 2 * O + O + k] = -1.0f;
    }
}

Model *script_head_attach(const Model *song, const ds_dataset *d, const WordVec *wv,
                          const script_head_opts *o, script_head_info *info, FILE *log,
                          char *err, size_t errlen) {
    if (song->n_layers != 3 || song->layers[0].spec.type != LAYER_TFIDF || song->n_outputs != SH_K ||
        song->n_heads != 1) {
        snprintf(err, errlen, "script head: expected the 3-layer TF-IDF song network");
        return NULL;
    }
    memset(info, 0, sizeof *info);
    const int D = wv->dim, O = SH_K, Vt = vocab_size(song->vocab);
    const int HC = song->layers[1].spec.units;
    const char **words = NULL;
    int nw = table_vocab(song, wv, o->table_words, &words);
    int V = nw + 2;
    Model *res = NULL;
    float *raw = calloc((size_t)V * D, sizeof(float));     /* word vector per id */
    double *pw = calloc((size_t)V, sizeof(double));        /* corpus share per id */
    double W[SH_K][512], bias[SH_K], ymean[SH_K], ystd[SH_K];
    Vocab *voc = NULL;
    if (!raw || !pw || D > 512) { snprintf(err, errlen, "script head: out of memory"); goto done; }
    if (!(voc = vocab_build(words, nw, err, errlen))) goto done;
    for (int v = 2; v < V; v++) {
        int j = wordvec_find(wv, words[v - 2]);
        if (j < 0) continue;
        pw[v] = (double)wv->count[j] / wv->total;
        memcpy(raw + (size_t)v * D, wv->vec + (size_t)j * D, sizeof(float) * (size_t)D);
    }
    for (int k = 0; k < O; k++) { ymean[k] = song->target_mean[k]; ystd[k] = song->target_std[k]; }
    /* one fit per distinct SIF parameter */
    int done_k[SH_K] = {0};
    for (int k = 0; k < O; k++) {
        if (done_k[k]) continue;
        double a = o->sif_a_for[k] > 0 ? o->sif_a_for[k] : o->sif_a;
        int want[SH_K] = {0};
        for (int j = k; j < O; j++)
            if ((o->sif_a_for[j] > 0 ? o->sif_a_for[j] : o->sif_a) == a) { want[j] = 1; done_k[j] = 1; }
        if (fit_for_a(a, want, d, voc, raw, pw, V, D, ymean, ystd, o->lambda, o->remove_pc, W, bias, info, log)) {
            snprintf(err, errlen, "script head: out of memory"); goto done;
        }
    }
    /* the two-head network */
    LayerSpec arch[3];
    memset(arch, 0, sizeof arch);
    arch[0].type = LAYER_TFIDF_WORDMEAN; arch[0].units = Vt; arch[0].size = O;
    arch[1].type = LAYER_DENSE; arch[1].units = HC + 2 * O; arch[1].act = NN_ACT_RELU;
    arch[2].type = LAYER_DENSE; arch[2].units = 2 * O; arch[2].act = NN_ACT_LINEAR;
    res = model_create(arch, 3, song->seq_len, words, nw, (const char *const *)song->output_names,
                       song->target_mean, song->target_std, O, err, errlen);
    if (!res) goto done;
    fill_two_heads(res, song, raw, pw, V, D, W, bias, info);
    if (model_set_meta(res, song->meta) || model_prepare(res, err, errlen)) { model_free(res); res = NULL; goto done; }
    info->n_words = nw; info->dim = D;
done:
    arrfree(words);
    vocab_free(voc);
    free(raw); free(pw);
    return res;
}

float *script_head_predict_songs(const Model *m, const ds_dataset *d) {
    int N = d->n;
    float *out = malloc(sizeof(float) * (size_t)(N ? N : 1) * DS_NTARGETS);
    const char **texts = malloc(sizeof *texts * (size_t)(N ? N : 1));
    if (!out || !texts || m->n_outputs != DS_NTARGETS) { free(out); free(texts); return NULL; }
    for (int i = 0; i < N; i++) texts[i] = d->songs[i].lyrics;
    int rc = model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, N, out);
    free(texts);
    if (rc) { free(out); return NULL; }
    return out;
}

void script_head_markdown(FILE *md, const Model *m, const script_head_opts *o,
                          const script_head_info *info) {
    fprintf(md, "\n## Two heads: songs and scripts\n\n");
    fprintf(md, "The network has two heads over one first layer (model.h, \"Heads\"; the meta JSON's `heads`): outputs 0–5 are the **song head** (the ridge + MLP blend above, used for every lyric: `model_predict_*`, the page's song predictions, the matcher), outputs 6–11 the **script head** (used for every scene and screenplay: `arc_predict_scenes`, hence `moodspace arc`, the catalog, the page's film arc). A film's overall mood is the word-weighted mean of its scenes' script-head moods; the head being linear in the word table, that is (up to the scene windows) the script head read over the whole film.\n\n");
    fprintf(md, "    TFIDF_WORDMEAN(W %d, K %d)     ids[%d] → [%d]: the song TF-IDF over ids < %d (length slots included) | mean of the word table's rows over the known words\n",
            m->layers[0].spec.units, m->layers[0].spec.size, m->seq_len, m->layers[0].out_c, m->layers[0].spec.units);
    fprintf(md, "    Dense(%d, relu)                = the song hidden units above | %d script units: b_k + table mean as a +/- ReLU pair per target\n",
            m->layers[1].spec.units, 2 * DS_NTARGETS);
    fprintf(md, "    Dense(%d, linear)               = outputs 0..5 song head, 6..11 script head; z-scores → Spotify units\n\n", m->layers[2].spec.units);
    fprintf(md, "- Script head: a ridge regression per z-scored target on the **SIF-weighted mean word vector** of a text, fitted on the training-split lyrics (lambda per target by validation r: ");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "%s %g%s", ds_target_names[k], info->lambda[k], k + 1 < DS_NTARGETS ? ", " : "). ");
    fprintf(md, "Weights sif(w) = a / (a + p(w)), p(w) the word's share of the embedding corpus, a per target (chosen on the film side, dev genres): ");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "%s %g%s", ds_target_names[k], info->sif_a[k], k + 1 < DS_NTARGETS ? ", " : ". ");
    if (o->remove_pc) fprintf(md, " As in SIF, the features' common component is removed: the first singular direction u of the training features is projected out, f − (u·f) u, and folded into the table too (on the film side it lifts the dev valence AUC from 0.847 to 0.852).");
    fprintf(md, " Being linear, it is folded exactly into a table of %d scores per word, table[w] = sif(w) · W · vec(w), so the shipped file holds no word vectors. No length feature enters it: a scene's length does not move its mood.\n", DS_NTARGETS);
    fprintf(md, "- Word vectors (build artefact `build/wordvec.bin`, not shipped): `moodspace embed`, CBOW with negative sampling written from the word2vec paper, %d dimensions, window 5, 5 negatives, words seen at least 5 times, subsampling 1e-4, 3 epochs, learning rate 0.05 decaying linearly, seed 1, one thread (deterministic); corpus: every screenplay in `screenplays/` plus the training-split lyrics (about 27.7 M tokens), tokenized by the engine's tokenizer.\n", info->dim);
    fprintf(md, "- Vocabulary of the shipped file: the song model's %d words first (same ids, so the song head is unchanged), then the most frequent other words of the embedding corpus, %d words in all; the table is int8 with a per-word scale.\n", m->layers[0].spec.units - 2, info->n_words);
    fprintf(md, "- Script head read on validation lyrics, Pearson r: ");
    for (int k = 0; k < DS_NTARGETS; k++) fprintf(md, "%s %.3f%s", ds_target_names[k], info->val_r[k], k + 1 < DS_NTARGETS ? ", " : ".\n");
}
