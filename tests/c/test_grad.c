/* test_grad.c — finite-difference gradient checks for every layer's backward
 * pass (wasm/tools/nn_grad.c), the LSTM through time, and whole networks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model.h"
#include "nn.h"
#include "tools/nn_grad.h"

/* A loss: sum_k out[k] * r[k] with fixed random r, so d_out = r. */
typedef double (*loss_fn)(void *ctx);

static uint64_t rng_state;
static void fill(float *p, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; i++) p[i] = lo + (hi - lo) * nn_rng_uniform(&rng_state);
}

static double dot(const float *a, const float *b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* Compare analytic grad[n] of loss w.r.t. x[n] with central differences. */
static int fd_check(const char *what, float *x, const float *grad, size_t n, loss_fn f, void *ctx) {
    const float eps = 1e-3f;
    double worst = 0; size_t wi = 0; int bad = 0;
    double wa = 0, wn = 0;
    for (size_t i = 0; i < n; i++) {
        float keep = x[i];
        x[i] = keep + eps; double lp = f(ctx);
        x[i] = keep - eps; double lm = f(ctx);
        x[i] = keep;
        double num = (lp - lm) / (2.0 * eps);
        double diff = fabs(num - grad[i]);
        double lim = 2e-3 + 2e-2 * fabs(num);
        if (diff > lim || !isfinite(grad[i])) bad = 1;
        if (diff / lim > worst) { worst = diff / lim; wi = i; wa = grad[i]; wn = num; }
    }
    char d[200];
    snprintf(d, sizeof d, "worst at %zu of %zu: analytic %.6g numeric %.6g", wi, n, wa, wn);
    check_report_(!bad, __FILE__, __LINE__, what, bad ? d : "");
    return !bad;
}

/* ---- dense --------------------------------------------------------------- */
typedef struct { int N, I, O, act; float *in, *W, *b, *out, *r; } DenseCtx;
static double dense_loss(void *p) {
    DenseCtx *c = p;
    dense_forward(c->out, c->in, c->W, c->b, c->N, c->I, c->O, c->act);
    return dot(c->out, c->r, (size_t)c->N * c->O);
}
static void test_dense(int act, const char *name) {
    DenseCtx c = {3, 4, 5, act, 0, 0, 0, 0, 0};
    size_t nin = 12, nw = 20, no = 15;
    float *buf = calloc(nin * 2 + nw * 2 + 5 * 2 + no * 2, sizeof(float));
    c.in = buf; c.W = c.in + nin; c.b = c.W + nw; c.out = c.b + 5; c.r = c.out + no;
    float *din = c.r + no, *dW = din + nin, *db = dW + nw;
    /* for relu, pick weights whose pre-activations stay clear of the kink */
    for (int tries = 0; tries < 100; tries++) {
        fill(c.in, nin, -1, 1); fill(c.W, nw, -1, 1); fill(c.b, 5, -.5f, .5f); fill(c.r, no, -1, 1);
        dense_forward(c.out, c.in, c.W, c.b, c.N, c.I, c.O, NN_ACT_LINEAR);
        float mn = 1;
        for (size_t i = 0; i < no; i++) mn = fminf(mn, fabsf(c.out[i]));
        if (act != NN_ACT_RELU || mn > 0.02f) break;
    }
    dense_loss(&c);
    dense_backward(din, dW, db, c.r, c.out, c.in, c.W, c.N, c.I, c.O, act);
    char w[120];
    snprintf(w, sizeof w, "dense %s: input gradient matches finite differences", name);
    fd_check(w, c.in, din, nin, dense_loss, &c);
    snprintf(w, sizeof w, "dense %s: kernel gradient matches finite differences", name);
    fd_check(w, c.W, dW, nw, dense_loss, &c);
    snprintf(w, sizeof w, "dense %s: bias gradient matches finite differences", name);
    fd_check(w, c.b, db, 5, dense_loss, &c);
    /* backward adds: a second call doubles the kernel gradient */
    float first = dW[3];
    dense_backward(NULL, dW, NULL, c.r, c.out, c.in, c.W, c.N, c.I, c.O, act);
    snprintf(w, sizeof w, "dense %s: backward adds into the gradient buffers", name);
    CHECK_NEAR(dW[3], 2 * first, 1e-5 * fmax(1, fabs(first)), w);
    free(buf);
}

/* ---- conv1d -------------------------------------------------------------- */
typedef struct { int T, C, F, K, act; float *in, *W, *b, *out, *r; } ConvCtx;
static double conv_loss(void *p) {
    ConvCtx *c = p;
    conv1d_forward(c->out, c->in, c->W, c->b, c->T, c->C, c->F, c->K, c->act);
    return dot(c->out, c->r, (size_t)(c->T - c->K + 1) * c->F);
}
static void test_conv(int act, const char *name) {
    ConvCtx c = {7, 3, 4, 3, act, 0, 0, 0, 0, 0};
    size_t nin = 21, nw = 36, no = 20;
    float *buf = calloc(2 * nin + 2 * nw + 8 + 2 * no, sizeof(float));
    c.in = buf; c.W = c.in + nin; c.b = c.W + nw; c.out = c.b + 4; c.r = c.out + no;
    float *din = c.r + no, *dW = din + nin, *db = dW + nw;
    for (int tries = 0; tries < 200; tries++) {
        fill(c.in, nin, -1, 1); fill(c.W, nw, -.6f, .6f); fill(c.b, 4, -.3f, .3f); fill(c.r, no, -1, 1);
        conv1d_forward(c.out, c.in, c.W, c.b, c.T, c.C, c.F, c.K, NN_ACT_LINEAR);
        float mn = 1;
        for (size_t i = 0; i < no; i++) mn = fminf(mn, fabsf(c.out[i]));
        if (act != NN_ACT_RELU || mn > 0.02f) break;
    }
    conv_loss(&c);
    conv1d_backward(din, dW, db, c.r, c.out, c.in, c.W, c.T, c.C, c.F, c.K, act);
    char w[120];
    snprintf(w, sizeof w, "conv1d %s: input gradient matches finite differences", name);
    fd_check(w, c.in, din, nin, conv_loss, &c);
    snprintf(w, sizeof w, "conv1d %s: kernel gradient matches finite differences", name);
    fd_check(w, c.W, dW, nw, conv_loss, &c);
    snprintf(w, sizeof w, "conv1d %s: bias gradient matches finite differences", name);
    fd_check(w, c.b, db, 4, conv_loss, &c);
    free(buf);
}

/* ---- LSTM ---------------------------------------------------------------- */
typedef struct { int T, C, H, seq, rev; float *in, *Wk, *Wr, *b, *out, *r, *cache, *scr; } LstmCtx;
static double lstm_loss(void *p) {
    LstmCtx *c = p;
    lstm_forward(c->out, c->in, c->Wk, c->Wr, c->b, c->T, c->C, c->H, c->seq, c->rev, c->cache, c->scr);
    return dot(c->out, c->r, (size_t)(c->seq ? c->T : 1) * c->H);
}
static void test_lstm(int T, int seq, int rev) {
    int C = 3, H = 4, G = 16;
    LstmCtx c = {T, C, H, seq, rev, 0, 0, 0, 0, 0, 0, 0, 0};
    size_t nin = (size_t)T * C, nk = (size_t)C * G, nr = (size_t)H * G, no = (size_t)(seq ? T : 1) * H;
    float *buf = calloc(2 * (nin + nk + nr + G) + 2 * no + (size_t)T * 6 * H + 8 * H + 64, sizeof(float));
    float *p = buf;
    c.in = p; p += nin; c.Wk = p; p += nk; c.Wr = p; p += nr; c.b = p; p += G;
    c.out = p; p += no; c.r = p; p += no; c.cache = p; p += (size_t)T * 6 * H; c.scr = p; p += 8 * H;
    float *din = p; p += nin; float *dk = p; p += nk; float *dr = p; p += nr; float *db = p;
    fill(c.in, nin, -1, 1); fill(c.Wk, nk, -.7f, .7f); fill(c.Wr, nr, -.7f, .7f); fill(c.b, G, -.5f, .5f);
    fill(c.r, no, -1, 1);
    lstm_loss(&c);
    lstm_backward(din, dk, dr, db, c.r, c.in, c.cache, c.Wk, c.Wr, T, C, H, seq, rev, c.scr);
    char w[160], tag[64];
    snprintf(tag, sizeof tag, "lstm T=%d%s%s", T, seq ? " return_sequences" : "", rev ? " reversed" : "");
    snprintf(w, sizeof w, "%s: input gradient through time matches finite differences", tag);
    fd_check(w, c.in, din, nin, lstm_loss, &c);
    snprintf(w, sizeof w, "%s: kernel gradient matches finite differences", tag);
    fd_check(w, c.Wk, dk, nk, lstm_loss, &c);
    snprintf(w, sizeof w, "%s: recurrent kernel gradient matches finite differences", tag);
    fd_check(w, c.Wr, dr, nr, lstm_loss, &c);
    snprintf(w, sizeof w, "%s: bias gradient matches finite differences", tag);
    fd_check(w, c.b, db, G, lstm_loss, &c);
    free(buf);
}

/* ---- pooling, embedding, dropout ------------------------------------------ */
typedef struct { int T, C, P, kind; float *in, *out, *r; int32_t *am, *ids; } PoolCtx;
static double pool_loss(void *p) {
    PoolCtx *c = p;
    size_t no;
    switch (c->kind) {
    case 0: maxpool1d_forward(c->out, c->am, c->in, c->T, c->C, c->P); no = (size_t)(c->T / c->P) * c->C; break;
    case 1: gap1d_forward(c->out, c->in, c->T, c->C); no = (size_t)c->C; break;
    case 2: gmp1d_forward(c->out, c->am, c->in, c->T, c->C); no = (size_t)c->C; break;
    default: meanpool_masked_forward(c->out, c->in, c->ids, c->T, c->C); no = (size_t)c->C; break;
    }
    return dot(c->out, c->r, no);
}
static void test_pool(int kind, const char *what) {
    int T = 9, C = 3;
    PoolCtx c = {T, C, 2, kind, 0, 0, 0, 0, 0};
    float *buf = calloc(4 * (size_t)T * C, sizeof(float));
    int32_t am[64], ids[9] = {4, 0, 7, 1, 0, 0, 3, 9, 0};
    c.in = buf; c.out = buf + T * C; c.r = c.out + T * C; c.am = am; c.ids = ids;
    float *din = c.r + T * C;
    fill(c.in, (size_t)T * C, -1, 1); fill(c.r, (size_t)T * C, -1, 1);
    pool_loss(&c);
    switch (kind) {
    case 0: maxpool1d_backward(din, c.r, am, T / 2, C); break;
    case 1: gap1d_backward(din, c.r, T, C); break;
    case 2: gmp1d_backward(din, c.r, am, T, C); break;
    default: meanpool_masked_backward(din, c.r, ids, T, C); break;
    }
    fd_check(what, c.in, din, (size_t)T * C, pool_loss, &c);
    free(buf);
}

typedef struct { int T, V, D; int32_t *ids; float *table, *out, *r; } EmbCtx;
static double emb_loss(void *p) {
    EmbCtx *c = p;
    embedding_forward(c->out, c->ids, c->table, c->T, c->V, c->D);
    return dot(c->out, c->r, (size_t)c->T * c->D);
}
static void test_embedding(void) {
    int32_t ids[7] = {2, 0, 5, 2, 1, 99, -3};   /* repeats and out-of-range ids */
    EmbCtx c = {7, 6, 3, ids, 0, 0, 0};
    float *buf = calloc(6 * 3 * 2 + 7 * 3 * 2, sizeof(float));
    c.table = buf; c.out = buf + 18; c.r = c.out + 21;
    float *dt = c.r + 21;
    fill(c.table, 18, -1, 1); fill(c.r, 21, -1, 1);
    emb_loss(&c);
    embedding_backward(dt, c.r, ids, 7, 6, 3);
    fd_check("embedding: table gradient matches finite differences (repeated and out-of-range ids)",
             c.table, dt, 18, emb_loss, &c);
    free(buf);
}

typedef struct { size_t n; float *in, *mask, *out, *r; } DropCtx;
static double drop_loss(void *p) {
    DropCtx *c = p;
    for (size_t i = 0; i < c->n; i++) c->out[i] = c->in[i] * c->mask[i];
    return dot(c->out, c->r, c->n);
}
static void test_dropout(void) {
    size_t n = 40;
    float *buf = calloc(6 * n, sizeof(float));
    DropCtx c = {n, buf, buf + n, buf + 2 * n, buf + 3 * n};
    float *din = buf + 4 * n;
    fill(c.in, n, -1, 1); fill(c.r, n, -1, 1);
    uint64_t rng; nn_rng_seed(&rng, 7);
    dropout_forward_train(c.out, c.mask, c.in, n, 0.5f, &rng);
    int zeros = 0, twos = 0;
    for (size_t i = 0; i < n; i++) { zeros += c.mask[i] == 0.0f; twos += c.mask[i] == 2.0f; }
    CHECK(zeros > 5 && twos > 5 && zeros + twos == (int)n, "dropout 0.5 drops some values and scales the rest by 2");
    dropout_backward(din, c.r, c.mask, n);
    fd_check("dropout: input gradient matches finite differences", c.in, din, n, drop_loss, &c);
    free(buf);
}

/* ---- whole networks --------------------------------------------------------- */
typedef struct { Model *m; ModelCache *c; int32_t *ids; float *r; } NetCtx;
static double net_loss(void *p) {
    NetCtx *x = p;
    float out[MODEL_MAX_OUTPUTS];
    model_forward_train(x->m, x->c, x->ids, 0, NULL, out);
    return dot(out, x->r, (size_t)x->m->n_outputs);
}

static void test_network(const char *name, const LayerSpec *arch, int n_layers, int seq_len) {
    const char *words[10] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    const char *names[3] = {"energy", "valence", "tempo"};
    char err[256], w[200];
    int n_out = arch[n_layers - 1].units;
    Model *m = model_create(arch, n_layers, seq_len, words, 10, names, NULL, NULL, n_out, err, sizeof err);
    snprintf(w, sizeof w, "%s: model builds", name);
    CHECK(m != NULL, w);
    if (!m) { printf("# %s\n", err); return; }
    model_init_random(m, 3);
    /* larger random weights than the init so every path carries signal */
    fill(m->params, m->n_params, -0.5f, 0.5f);
    ModelCache *c = model_cache_new(m);
    int32_t *ids = calloc((size_t)seq_len, sizeof(int32_t));
    for (int t = 0; t < seq_len; t++) ids[t] = t < seq_len - 3 ? (int32_t)(nn_rng_next(&rng_state) % 12) : 0;
    float r[MODEL_MAX_OUTPUTS], out_train[MODEL_MAX_OUTPUTS], out_ref[MODEL_MAX_OUTPUTS];
    fill(r, (size_t)n_out, -1, 1);
    NetCtx x = {m, c, ids, r};
    model_forward_train(m, c, ids, 0, NULL, out_train);
    model_forward_reference(m, ids, out_ref);
    snprintf(w, sizeof w, "%s: training forward (dropout off) equals the reference forward", name);
    check_tensor(out_train, out_ref, n_out, 1e-6f, w);
    float *grads = calloc(m->n_params, sizeof(float));
    model_backward(m, c, r, grads);
    snprintf(w, sizeof w, "%s: every parameter's gradient matches finite differences", name);
    fd_check(w, m->params, grads, m->n_params, net_loss, &x);
    /* dropout on: the same sample, same rng seed → same output; a different seed differs */
    uint64_t r1, r2, r3;
    nn_rng_seed(&r1, 11); nn_rng_seed(&r2, 11); nn_rng_seed(&r3, 12);
    float o1[MODEL_MAX_OUTPUTS], o2[MODEL_MAX_OUTPUTS], o3[MODEL_MAX_OUTPUTS];
    model_forward_train(m, c, ids, 1, &r1, o1);
    model_forward_train(m, c, ids, 1, &r2, o2);
    model_forward_train(m, c, ids, 1, &r3, o3);
    int has_dropout = 0;
    for (int l = 0; l < n_layers; l++) has_dropout |= arch[l].type == LAYER_DROPOUT && arch[l].rate > 0;
    snprintf(w, sizeof w, "%s: training dropout is reproducible from the rng seed", name);
    CHECK(!memcmp(o1, o2, sizeof(float) * (size_t)n_out), w);
    if (has_dropout) {
        snprintf(w, sizeof w, "%s: a different rng seed drops differently", name);
        CHECK(memcmp(o1, o3, sizeof(float) * (size_t)n_out) != 0, w);
        /* gradient with dropout active, checked with the same masks */
        memset(grads, 0, m->n_params * sizeof(float));
        model_forward_train(m, c, ids, 1, &r1, o1);
        model_backward(m, c, r, grads);
        CHECK(grads[0] == grads[0], "dropout-active backward runs");
    }
    free(grads);
    free(ids);
    model_cache_free(c);
    model_free(m);
}

int main(void) {
    (void)check_skip;
    nn_rng_seed(&rng_state, 2024);
    test_dense(NN_ACT_LINEAR, "linear");
    test_dense(NN_ACT_RELU, "relu");
    test_dense(NN_ACT_TANH, "tanh");
    test_dense(NN_ACT_SIGMOID, "sigmoid");
    test_conv(NN_ACT_RELU, "relu");
    test_conv(NN_ACT_TANH, "tanh");
    test_lstm(6, 0, 0);
    test_lstm(7, 1, 0);
    test_lstm(6, 0, 1);
    test_lstm(5, 1, 1);
    test_lstm(1, 0, 0);
    test_pool(0, "maxpool1d: input gradient matches finite differences");
    test_pool(1, "gap1d: input gradient matches finite differences");
    test_pool(2, "gmp1d: input gradient matches finite differences");
    test_pool(3, "meanpool_masked: input gradient matches finite differences (padding gets none)");
    test_embedding();
    test_dropout();

    /* the seed architecture in miniature, with tanh where relu's kinks would
     * upset finite differences */
    LayerSpec seedlike[] = {
        {LAYER_EMBEDDING, 4, 0, 0, 0, 0}, {LAYER_DROPOUT, 0, 0, 0, 0, 0.2f},
        {LAYER_CONV1D, 5, 3, NN_ACT_TANH, 0, 0}, {LAYER_MAXPOOL1D, 0, 2, 0, 0, 0},
        {LAYER_LSTM, 6, 0, 0, 0, 0}, {LAYER_DROPOUT, 0, 0, 0, 0, 0.2f},
        {LAYER_DENSE, 5, 0, NN_ACT_TANH, 0, 0}, {LAYER_DENSE, 3, 0, NN_ACT_LINEAR, 0, 0},
    };
    test_network("seed-like network (embedding, conv, pool, lstm over 6 steps, dense)", seedlike, 8, 16);
    LayerSpec bi[] = {
        {LAYER_EMBEDDING, 3, 0, 0, 0, 0},
        {LAYER_BILSTM, 3, 0, 0, LAYER_RETURN_SEQUENCES, 0},
        {LAYER_LSTM, 4, 0, 0, LAYER_RETURN_SEQUENCES, 0},
        {LAYER_GAP1D, 0, 0, 0, 0, 0},
        {LAYER_DENSE, 2, 0, NN_ACT_SIGMOID, 0, 0},
    };
    test_network("bidirectional + stacked lstm network with average pooling", bi, 5, 7);
    LayerSpec ft[] = {
        {LAYER_EMBEDDING, 5, 0, 0, 0, 0},
        {LAYER_DENSE, 4, 0, NN_ACT_TANH, 0, 0},
        {LAYER_MEANPOOL_MASKED, 0, 0, 0, 0, 0},
        {LAYER_DENSE, 3, 0, NN_ACT_LINEAR, 0, 0},
    };
    test_network("fastText-like network (per-token dense, masked mean pool)", ft, 4, 9);
    LayerSpec mx[] = {
        {LAYER_EMBEDDING, 4, 0, 0, 0, 0},
        {LAYER_CONV1D, 4, 2, NN_ACT_SIGMOID, 0, 0},
        {LAYER_GMP1D, 0, 0, 0, 0, 0},
        {LAYER_BILSTM, 2, 0, 0, 0, 0},
    };
    (void)mx;   /* gmp1d gives a vector: a BILSTM after it must be refused */
    char err[200];
    const char *names[1] = {"energy"};
    Model *bad = model_create(mx, 4, 8, NULL, 0, names, NULL, NULL, 1, err, sizeof err);
    CHECK(bad == NULL && strstr(err, "sequence"), "an LSTM after a global pool is refused with a message");
    LayerSpec gm[] = {
        {LAYER_EMBEDDING, 4, 0, 0, 0, 0},
        {LAYER_CONV1D, 4, 2, NN_ACT_SIGMOID, 0, 0},
        {LAYER_GMP1D, 0, 0, 0, 0, 0},
        {LAYER_DENSE, 2, 0, NN_ACT_LINEAR, 0, 0},
    };
    test_network("conv + global max pool network", gm, 4, 8);
    return check_summary();
}
