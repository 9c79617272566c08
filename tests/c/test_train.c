/* test_train.c — the trainer on a tiny hand-written song set: loss goes down,
 * runs are reproducible, the split is fixed, the TF-IDF layer, the ridge
 * solver and the metrics give known numbers, and the shipped model built from
 * ridge + MLPs predicts, through the engine, exactly their blend. */

#include "check.h"
#include "test_models.h"
#include "../../wasm/tools/cmd_train.c"
#include "bow.h"
#include "tools/nn_grad.h"

#include <unistd.h>

#define FIXTURE "tests/c/fixtures/songs_tiny.csv"

static void test_tfidf_layer(void) {
    int32_t ids[6] = { 2, 3, 2, 0, 1, 99 };          /* 99: out of range → OOV */
    float idf[4] = { 0, 0, 2, 1 }, out[4];
    int n = tfidf_forward(out, ids, idf, 6, 4);
    double x2 = (1 + log(2.0)) * 2, x3 = 1, nrm = sqrt(x2 * x2 + x3 * x3);
    float want[4] = { 0, 0, (float)(x2 / nrm), (float)(x3 / nrm) };
    CHECK(n == 2, "tfidf counts two distinct weighted words (padding and OOV have idf 0)");
    check_tensor(out, want, 4, 1e-6f, "tfidf forward is sublinear tf times idf, L2-normalised");
    int32_t idx[6]; float val[6], scratch[4] = {0};
    int k = tfidf_sparse(idx, val, ids, idf, 6, 4, scratch);
    float dense[4] = {0};
    for (int i = 0; i < k; i++) dense[idx[i]] = val[i];
    check_tensor(dense, out, 4, 1e-6f, "the sparse tfidf form equals the dense layer");
    CHECK(scratch[2] == 0 && scratch[3] == 0, "tfidf_sparse leaves its scratch zeroed");
    float idf2[4] = { 0.5f, 1.0f, 2, 1 };
    tfidf_forward(out, ids, idf2, 6, 4);
    float want2[4] = { 0.5f * logf(6.0f), 2.0f / 5.0f, want[2], want[3] };   /* 5 tokens, 2 distinct words */
    check_tensor(out, want2, 4, 1e-6f, "slots 0 and 1 carry ln(1 + tokens) and the type/token ratio, scaled by idf[0], idf[1]");
    int32_t idx2[8]; float val2[8], dense2[4] = {0};
    k = tfidf_sparse(idx2, val2, ids, idf2, 6, 4, scratch);
    for (int i = 0; i < k; i++) dense2[idx2[i]] = val2[i];
    check_tensor(dense2, out, 4, 1e-6f, "the sparse form carries the length slots too");
    int32_t pad[3] = { 0, 0, 0 };
    CHECK(tfidf_forward(out, pad, idf, 3, 4) == 0 && out[2] == 0 && out[3] == 0, "an empty text gives the zero vector");
}

static void test_metrics(void) {
    float a[5] = { 1, 2, 3, 4, 5 }, b[5] = { 2, 4, 6, 8, 10 }, c[5] = { 5, 4, 3, 2, 1 }, z[5] = { 3, 3, 3, 3, 3 };
    CHECK_NEAR(ev_pearson(a, b, 5), 1.0, 1e-12, "pearson of a scaled copy is 1");
    CHECK_NEAR(ev_pearson(a, c, 5), -1.0, 1e-12, "pearson of a reversed copy is -1");
    CHECK_NEAR(ev_pearson(a, z, 5), 0.0, 0, "pearson against a constant is 0, not NaN");
    ev_metrics m = ev_compute(z, a, 5);          /* predicting the mean */
    CHECK_NEAR(m.r2, 0.0, 1e-12, "R² of the mean predictor is 0");
    CHECK_NEAR(m.mae, 1.2, 1e-6, "MAE of the mean predictor on 1..5 is 1.2");
    m = ev_compute(b, a, 5);
    CHECK_NEAR(m.r2, 1.0 - 55.0 / 10.0, 1e-9, "R² can go below zero");
}

static void test_ridge(void) {
    /* 12 rows, 3 sparse features; with lambda ~0 ridge equals least squares */
    enum { N = 12, P = 3 };
    double F[N * P], y[N]; float yf[N]; int rows[N];
    uint64_t rng; nn_rng_seed(&rng, 7);
    bl_sparse X = { N, P, NULL, NULL, NULL };
    long rp[N + 1]; int32_t col[N * P]; float val[N * P]; long nnz = 0;
    for (int i = 0; i < N; i++) {
        rp[i] = nnz; rows[i] = i;
        for (int j = 0; j < P; j++) {
            float v = (i + j) % 4 == 0 ? 0.0f : nn_rng_uniform(&rng);
            F[i * P + j] = v;
            if (v != 0) { col[nnz] = j; val[nnz] = v; nnz++; }
        }
        y[i] = 0.5 + 2 * F[i * P] - F[i * P + 1] + 0.25 * F[i * P + 2] + 0.01 * (nn_rng_uniform(&rng) - 0.5);
        yf[i] = (float)y[i];
    }
    rp[N] = nnz;
    X.rowptr = rp; X.col = col; X.val = val;
    double coef[P + 1];
    CHECK(bl_lstsq(F, y, N, P, coef) == 0, "least squares solves a small problem");
    bl_ridge r;
    CHECK(bl_ridge_fit(&X, rows, N, yf, 1e-9, &r, NULL) == 0, "ridge by conjugate gradients runs");
    float got[P + 1] = { r.w[0], r.w[1], r.w[2], r.b }, want[P + 1] = { (float)coef[0], (float)coef[1], (float)coef[2], (float)coef[3] };
    check_tensor(got, want, P + 1, 2e-3f, "ridge with lambda→0 matches least squares (weights and intercept)");
    bl_ridge r2;
    bl_ridge_fit(&X, rows, N, yf, 100.0, &r2, NULL);
    double n1 = 0, n2 = 0;
    for (int j = 0; j < P; j++) { n1 += r.w[j] * r.w[j]; n2 += r2.w[j] * r2.w[j]; }
    CHECK(n2 < n1 * 0.5, "a large lambda shrinks the ridge weights");
    bl_ridge_free(&r); bl_ridge_free(&r2);
}

static void test_split(void) {
    /* fixed buckets: ds_hash of the id, mod 100 (<80 train, <90 val, else test) */
    CHECK(ds_split_of("song00") == DS_TRAIN && ds_split_of("song09") == DS_VAL && ds_split_of("song18") == DS_TEST,
          "the split of an id is fixed (song00 train, song09 validation, song18 test)");
    CHECK(ds_hash("") == 1469598103934665603ULL, "the split hash keeps its offset basis 1469598103934665603 (not FNV-1a's 14695981039346656037)");
    int cnt[3] = {0, 0, 0}; char b[32];
    for (int i = 0; i < 20000; i++) { snprintf(b, sizeof b, "%022d", i * 7919); cnt[ds_split_of(b)]++; }
    CHECK(cnt[0] > 15600 && cnt[0] < 16400 && cnt[1] > 1800 && cnt[1] < 2200 && cnt[2] > 1800 && cnt[2] < 2200,
          "about 80/10/10 of 20000 ids go to train/validation/test");
    /* the same songs in another order land in the same splits */
    char err[200];
    ds_dataset *d = ds_load(FIXTURE, err, sizeof err);
    if (!d) { CHECK(0, "fixture loads"); return; }
    char path[] = "/tmp/ms_test_train_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) { CHECK(0, "temp file"); ds_free(d); return; }
    fprintf(f, "spotify_id,energy,valence,tempo,liveness,danceability,acousticness,lyrics\n");
    for (int i = d->n - 1; i >= 0; i--) {
        const ds_song *s = &d->songs[i];
        fprintf(f, "%s,%g,%g,%g,%g,%g,%g,\"words %d\"\n", s->id, s->y[0], s->y[1], s->y[2], s->y[3], s->y[4], s->y[5], i);
    }
    fclose(f);
    ds_dataset *e = ds_load(path, err, sizeof err);
    unlink(path);
    int same = e && e->n == d->n;
    for (int i = 0; same && i < d->n; i++) {
        const ds_song *s = &e->songs[d->n - 1 - i];
        same = !strcmp(s->id, d->songs[i].id) && s->split == d->songs[i].split;
    }
    CHECK(same, "reordered rows, fewer columns: every song keeps its split");
    CHECK(d->count[DS_TRAIN] > 0 && d->count[DS_VAL] > 0, "the fixture has train and validation songs");
    ds_free(e); ds_free(d);
}

/* encodes every fixture song for a model */
static int32_t *encode_all(const Model *m, const ds_dataset *d, float **y, const ds_stats *st) {
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)d->n * m->seq_len);
    *y = malloc(sizeof(float) * (size_t)d->n * m->n_outputs);
    for (int i = 0; i < d->n; i++) {
        model_encode(m, d->songs[i].lyrics, strlen(d->songs[i].lyrics), ids + (size_t)i * m->seq_len);
        for (int k = 0; k < m->n_outputs; k++) (*y)[i * m->n_outputs + k] = (d->songs[i].y[k] - st->mean[k]) / st->std[k];
    }
    return ids;
}

static Model *small_model(const ds_dataset *d, const LayerSpec *arch, int nl, int seq, char ***words, int *nw) {
    char err[256];
    *nw = ds_count_words(d, DS_TRAIN, 500, 1, words, NULL, NULL);
    ds_stats st = ds_target_stats(d, DS_TRAIN);
    Model *m = model_create(arch, nl, seq, (const char *const *)*words, *nw, ds_target_names, st.mean, st.std, DS_NTARGETS, err, sizeof err);
    if (!m) printf("# %s\n", err);
    else model_init_random(m, 5);
    return m;
}

static void test_smoke_training(void) {
    char err[200];
    ds_dataset *d = ds_load(FIXTURE, err, sizeof err);
    if (!d) { CHECK(0, "fixture loads"); return; }
    ds_stats st = ds_target_stats(d, DS_TRAIN);
    /* fastText-like: Embedding → masked mean → Dense */
    LayerSpec ft[3];
    mean_arch(ft, 8, DS_NTARGETS);
    char **w; int nw;
    Model *m = small_model(d, ft, 3, 64, &w, &nw);
    if (!m) { CHECK(0, "a small model is created"); ds_free(d); return; }
    float *y; int32_t *ids = encode_all(m, d, &y, &st);
    tr_params p = tr_default_params();
    p.epochs = 60; p.patience = 1000; p.lr = 0.05f; p.batch = 4;
    tr_result r1, r2;
    Model *m2 = model_create(ft, 3, 64, (const char *const *)w, nw, ds_target_names, st.mean, st.std, DS_NTARGETS, err, sizeof err);
    model_init_random(m2, 5);
    /* smoke: every song is both train and validation set (20 songs) */
    CHECK(tr_train_model(m, ids, y, d->n, ids, y, d->n, &p, &r1, NULL) == 0, "smoke training runs (embedding + mean pool + dense)");
    printf("# train loss epoch 1 %.4f → epoch %d %.4f\n", r1.train_loss[0], r1.epochs_run, r1.train_loss[r1.epochs_run - 1]);
    CHECK(r1.train_loss[r1.epochs_run - 1] < 0.5 * r1.train_loss[0], "the training loss at least halves on the fixture");
    CHECK(r1.best_val < r1.val_loss[0], "the best validation loss is below the first epoch's");
    tr_train_model(m2, ids, y, d->n, ids, y, d->n, &p, &r2, NULL);
    CHECK(memcmp(m->params, m2->params, sizeof(float) * m->n_params) == 0, "same seed, same data: bit-identical weights");
    tr_result_free(&r1); tr_result_free(&r2);
    model_free(m2);
    free(ids); free(y); model_free(m); ds_words_free(w, nw);

    /* conv + pool + LSTM, two threads, MAE (the seed's layer kinds, small) */
    LayerSpec cl[6]; memset(cl, 0, sizeof cl);
    cl[0].type = LAYER_EMBEDDING; cl[0].units = 6;
    cl[1].type = LAYER_DROPOUT; cl[1].rate = 0.1f;
    cl[2].type = LAYER_CONV1D; cl[2].units = 6; cl[2].size = 3; cl[2].act = NN_ACT_RELU;
    cl[3].type = LAYER_MAXPOOL1D; cl[3].size = 2;
    cl[4].type = LAYER_LSTM; cl[4].units = 8;
    cl[5].type = LAYER_DENSE; cl[5].units = DS_NTARGETS;
    m = small_model(d, cl, 6, 24, &w, &nw);
    if (!m) { CHECK(0, "a conv+LSTM model is created"); ds_free(d); return; }
    ids = encode_all(m, d, &y, &st);
    p = tr_default_params();
    p.epochs = 40; p.patience = 1000; p.lr = 0.02f; p.batch = 4; p.threads = 2; p.loss = TR_MAE;
    CHECK(tr_train_model(m, ids, y, d->n, ids, y, d->n, &p, &r1, NULL) == 0, "two-thread training of conv + pool + LSTM runs");
    printf("# MAE epoch 1 %.4f → best val %.4f\n", r1.train_loss[0], r1.best_val);
    CHECK(r1.best_val < 0.8 * r1.val_loss[0], "the conv + LSTM loss goes down by a fifth or more");
    tr_result_free(&r1);
    free(ids); free(y); model_free(m); ds_words_free(w, nw);
    ds_free(d);
}

static void test_shipped_blend(void) {
    char err[200];
    ds_dataset *d = ds_load(FIXTURE, err, sizeof err);
    bl_suite s;
    if (!d || bl_suite_run(&s, d, 1000, 1, NULL, NULL, err, sizeof err)) { printf("# %s\n", err); CHECK(0, "baseline suite runs on the fixture"); ds_free(d); return; }
    CHECK(s.n_words > 20 && s.pred_lex == NULL, "the fixture vocabulary is built from the train split; no lexicon given, none used");
    int *tr, *va; int ntr = ds_split_indices(d, DS_TRAIN, &tr), nva = ds_split_indices(d, DS_VAL, &va);
    float *ytr = malloc(sizeof(float) * ntr * DS_NTARGETS), *yva = malloc(sizeof(float) * nva * DS_NTARGETS);
    for (int i = 0; i < ntr; i++) for (int k = 0; k < DS_NTARGETS; k++) ytr[i * DS_NTARGETS + k] = (d->songs[tr[i]].y[k] - s.st.mean[k]) / s.st.std[k];
    for (int i = 0; i < nva; i++) for (int k = 0; k < DS_NTARGETS; k++) yva[i * DS_NTARGETS + k] = (d->songs[va[i]].y[k] - s.st.mean[k]) / s.st.std[k];
    tr_mlp nets[2];
    tr_params p = tr_default_params();
    p.epochs = 30; p.patience = 1000; p.lr = 0.01f; p.batch = 4; p.dropout = 0.2f; p.input_dropout = 0.1f; p.clip_norm = 0;
    tr_result r;
    for (int e = 0; e < 2; e++) {
        tr_mlp_init(&nets[e], s.X->d, 5, DS_NTARGETS, 10 + e);
        p.seed = 10 + e;
        CHECK(tr_train_mlp(&nets[e], s.X, tr, ytr, ntr, va, yva, nva, &p, &r, NULL) == 0, "the TF-IDF MLP trains");
        CHECK(r.train_loss[r.epochs_run - 1] < 0.5 * r.train_loss[0], "the TF-IDF MLP training loss at least halves");
        tr_result_free(&r);
    }
    float alpha[DS_NTARGETS] = { 0.0f, 0.3f, 0.5f, 1.0f, 0.7f, 0.2f };
    Model *m = build_shipped(&s, nets, 2, alpha, "{\"name\":\"test\"}", err, sizeof err);
    if (!m) { printf("# %s\n", err); CHECK(0, "the shipped model is built"); }
    else {
        float *pred = ev_predict_songs(m, d);
        float *want = malloc(sizeof(float) * d->n * DS_NTARGETS);
        for (int i = 0; i < d->n; i++) {
            float o0[DS_NTARGETS], o1[DS_NTARGETS];
            tr_mlp_predict(&nets[0], s.X, i, o0); tr_mlp_predict(&nets[1], s.X, i, o1);
            for (int k = 0; k < DS_NTARGETS; k++) {
                float ens = (o0[k] + o1[k]) / 2 * s.st.std[k] + s.st.mean[k];
                want[i * DS_NTARGETS + k] = alpha[k] * s.pred_ridge[i * DS_NTARGETS + k] + (1 - alpha[k]) * ens;
            }
        }
        check_tensor(pred, want, d->n * DS_NTARGETS, 1e-3f, "the engine's prediction of the built network is the ridge/MLP blend");
        unsigned char *buf; size_t len;
        CHECK(model_save_bytes(m, 1, &buf, &len, err, sizeof err) == 0, "the shipped model saves as int8");
        Model *q = model_load_bytes(buf, len, err, sizeof err);
        CHECK(q != NULL, "the int8 shipped model loads back");
        if (q) {
            float *pq = ev_predict_songs(q, d);
            double maxd = 0;
            for (int i = 0; i < d->n * DS_NTARGETS; i++) { int k = i % DS_NTARGETS; double dd = fabs(pq[i] - pred[i]) / s.st.std[k]; if (dd > maxd) maxd = dd; }
            CHECK(maxd < 0.05, "int8 predictions stay within 0.05 standard deviations of float32");
            free(pq); model_free(q);
        }
        free(buf); free(pred); free(want); model_free(m);
    }
    tr_mlp_free(&nets[0]); tr_mlp_free(&nets[1]);
    free(tr); free(va); free(ytr); free(yva);
    bl_suite_free(&s); ds_free(d);
}

int main(void) {
    (void)check_skip;
    test_tfidf_layer();
    test_metrics();
    test_ridge();
    test_split();
    test_smoke_training();
    test_shipped_blend();
    return check_summary();
}
