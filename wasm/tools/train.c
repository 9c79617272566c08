/* train.c — Adam training loops (see train.h). */
#include "train.h"
#include "nn_grad.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const tr_loss_names[3] = { "mse", "mae", "huber" };

tr_params tr_default_params(void) {
    tr_params p;
    memset(&p, 0, sizeof p);
    p.epochs = 20; p.batch = 32; p.patience = 3; p.threads = 1;
    p.loss = TR_MSE; p.huber_delta = 1.0f;
    p.lr = 1e-3f; p.beta1 = 0.9f; p.beta2 = 0.999f; p.eps = 1e-7f;
    p.weight_decay = 0; p.clip_norm = 5.0f; p.dropout = 0; p.input_dropout = 0;
    p.seed = 42;
    return p;
}

void tr_result_free(tr_result *r) {
    if (!r) return;
    free(r->train_loss); free(r->val_loss);
    r->train_loss = r->val_loss = NULL;
}

static double now_sec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double tr_loss(int loss, float delta, const float *pred, const float *y, int n, float *d, float scale) {
    double L = 0;
    for (int k = 0; k < n; k++) {
        float e = pred[k] - y[k], g;
        if (loss == TR_MAE) { L += fabsf(e); g = e > 0 ? 1.0f : e < 0 ? -1.0f : 0.0f; }
        else if (loss == TR_HUBER) {
            if (fabsf(e) <= delta) { L += 0.5 * e * e; g = e; }
            else { L += delta * (fabsf(e) - 0.5 * delta); g = e > 0 ? delta : -delta; }
        } else { L += (double)e * e; g = 2.0f * e; }
        if (d) d[k] = g * scale;
    }
    return L;
}

/* ---- Adam ------------------------------------------------------------------ */

typedef struct { size_t n; float *m, *v; long t; } adam_state;

static int adam_init(adam_state *a, size_t n) {
    a->n = n; a->t = 0;
    a->m = calloc(n ? n : 1, sizeof *a->m); a->v = calloc(n ? n : 1, sizeof *a->v);
    if (!a->m || !a->v) { free(a->m); free(a->v); return -1; }
    return 0;
}
static void adam_free(adam_state *a) { free(a->m); free(a->v); }

static void adam_step(adam_state *a, float *params, float *grads, const tr_params *p) {
    if (p->clip_norm > 0) {
        double ss = 0;
        for (size_t i = 0; i < a->n; i++) ss += (double)grads[i] * grads[i];
        double norm = sqrt(ss);
        if (norm > p->clip_norm) {
            float s = (float)(p->clip_norm / norm);
            for (size_t i = 0; i < a->n; i++) grads[i] *= s;
        }
    }
    a->t++;
    double bc1 = 1.0 - pow(p->beta1, (double)a->t), bc2 = 1.0 - pow(p->beta2, (double)a->t);
    float lr_t = (float)(p->lr * sqrt(bc2) / bc1);
    float decay = p->lr * p->weight_decay;
    for (size_t i = 0; i < a->n; i++) {
        float g = grads[i];
        a->m[i] = p->beta1 * a->m[i] + (1 - p->beta1) * g;
        a->v[i] = p->beta2 * a->v[i] + (1 - p->beta2) * g * g;
        params[i] -= lr_t * a->m[i] / (sqrtf(a->v[i]) + p->eps) + decay * params[i];
    }
}

static void shuffle(int *order, int n, uint64_t *rng) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(nn_rng_next(rng) % (uint64_t)(i + 1));
        int t = order[i]; order[i] = order[j]; order[j] = t;
    }
}

/* ---- whole-model trainer ----------------------------------------------------- */

typedef struct {
    const Model *m; ModelCache *c; float *grads, *out, *d;
    const int32_t *ids; const float *y; const int *order; int from, to;
    int train, loss; float delta, scale; uint64_t rng; double sum;
} worker;

static void *worker_run(void *arg) {
    worker *w = arg;
    const Model *m = w->m;
    int S = m->seq_len, O = m->n_outputs;
    w->sum = 0;
    for (int i = w->from; i < w->to; i++) {
        int s = w->order ? w->order[i] : i;
        model_forward_train(m, w->c, w->ids + (size_t)s * S, w->train, &w->rng, w->out);
        w->sum += tr_loss(w->loss, w->delta, w->out, w->y + (size_t)s * O, O, w->train ? w->d : NULL, w->scale);
        if (w->train) model_backward(m, w->c, w->d, w->grads);
    }
    return NULL;
}

/* Run samples [from, to) of `order` over nt workers; returns the loss sum. */
static double run_split(worker *w, int nt, const int *order, int from, int to, int train, float scale) {
    int n = to - from;
    pthread_t th[2];
    int started[2] = {0, 0};
    for (int t = 0; t < nt; t++) {
        w[t].order = order; w[t].train = train; w[t].scale = scale;
        w[t].from = from + (int)((long)n * t / nt);
        w[t].to = from + (int)((long)n * (t + 1) / nt);
        if (t > 0 && pthread_create(&th[t], NULL, worker_run, &w[t]) == 0) started[t] = 1;
        else if (t > 0) worker_run(&w[t]);
    }
    worker_run(&w[0]);
    double sum = w[0].sum;
    for (int t = 1; t < nt; t++) { if (started[t]) pthread_join(th[t], NULL); sum += w[t].sum; }
    return sum;
}

double tr_eval_model(const Model *m, const int32_t *ids, const float *y, int n, int loss, float delta) {
    worker w; memset(&w, 0, sizeof w);
    float out[MODEL_MAX_OUTPUTS];
    w.m = m; w.c = model_cache_new(m); w.out = out; w.ids = ids; w.y = y; w.loss = loss; w.delta = delta;
    if (!w.c || n <= 0) { model_cache_free(w.c); return NAN; }
    double s = run_split(&w, 1, NULL, 0, n, 0, 0);
    model_cache_free(w.c);
    return s / ((double)n * m->n_outputs);
}

int tr_train_model(Model *m, const int32_t *ids_tr, const float *y_tr, int n_tr,
                   const int32_t *ids_va, const float *y_va, int n_va,
                   const tr_params *p, tr_result *res, FILE *log) {
    memset(res, 0, sizeof *res);
    if (!m || n_tr <= 0 || n_va <= 0 || p->epochs <= 0 || p->batch <= 0) return -1;
    int nt = p->threads >= 2 ? 2 : 1, O = m->n_outputs;
    size_t P = m->n_params;
    model_unprepare(m);                       /* params change: no stale fast tables */
    worker w[2]; memset(w, 0, sizeof w);
    float outs[2][MODEL_MAX_OUTPUTS], ds[2][MODEL_MAX_OUTPUTS];
    int *order = malloc(sizeof *order * (size_t)n_tr);
    float *best = malloc(sizeof *best * P);
    adam_state a; int adam_ok = adam_init(&a, P) == 0;
    res->train_loss = calloc((size_t)p->epochs, sizeof *res->train_loss);
    res->val_loss = calloc((size_t)p->epochs, sizeof *res->val_loss);
    int ok = order && best && adam_ok && res->train_loss && res->val_loss;
    for (int t = 0; t < nt && ok; t++) {
        w[t].m = m; w[t].c = model_cache_new(m); w[t].grads = calloc(P, sizeof(float));
        w[t].out = outs[t]; w[t].d = ds[t]; w[t].loss = p->loss; w[t].delta = p->huber_delta;
        if (!w[t].c || !w[t].grads) ok = 0;
    }
    if (!ok) {
        for (int t = 0; t < nt; t++) { model_cache_free(w[t].c); free(w[t].grads); }
        free(order); free(best); if (adam_ok) adam_free(&a); tr_result_free(res);
        return -1;
    }
    uint64_t rng; nn_rng_seed(&rng, p->seed);
    for (int i = 0; i < n_tr; i++) order[i] = i;
    res->best_val = INFINITY;
    int since_best = 0;
    double t_start = now_sec();
    for (int ep = 0; ep < p->epochs; ep++) {
        double t0 = now_sec(), tsum = 0;
        shuffle(order, n_tr, &rng);
        for (int b = 0; b < n_tr; b += p->batch) {
            int e = b + p->batch < n_tr ? b + p->batch : n_tr;
            for (int t = 0; t < nt; t++) {
                memset(w[t].grads, 0, sizeof(float) * P);
                w[t].ids = ids_tr; w[t].y = y_tr;
                nn_rng_seed(&w[t].rng, p->seed * 1000003u + (uint64_t)ep * 7919u + (uint64_t)b * 31u + (uint64_t)t);
            }
            tsum += run_split(w, nt, order, b, e, 1, 1.0f / ((float)(e - b) * O));
            if (nt == 2) for (size_t i = 0; i < P; i++) w[0].grads[i] += w[1].grads[i];
            adam_step(&a, m->params, w[0].grads, p);
        }
        double tl = tsum / ((double)n_tr * O);
        for (int t = 0; t < nt; t++) { w[t].ids = ids_va; w[t].y = y_va; }
        double vl = run_split(w, nt, NULL, 0, n_va, 0, 0) / ((double)n_va * O);
        double dt = now_sec() - t0;
        res->train_loss[ep] = tl; res->val_loss[ep] = vl; res->epochs_run = ep + 1;
        int improved = vl < res->best_val;
        if (improved) { res->best_val = vl; res->best_epoch = ep + 1; memcpy(best, m->params, sizeof(float) * P); since_best = 0; }
        else since_best++;
        if (log) { fprintf(log, "epoch %d/%d  train %.4f  val %.4f  %s %6.1f s\n", ep + 1, p->epochs, tl, vl, improved ? "best" : "    ", dt); fflush(log); }
        if (!isfinite(tl) || since_best >= p->patience) break;
        if (p->max_seconds > 0 && now_sec() - t_start > p->max_seconds) {
            if (log) fprintf(log, "time budget of %.0f s used: stopping after epoch %d\n", p->max_seconds, ep + 1);
            break;
        }
    }
    res->seconds = now_sec() - t_start;
    res->sec_per_epoch = res->seconds / (res->epochs_run ? res->epochs_run : 1);
    if (res->best_epoch > 0) memcpy(m->params, best, sizeof(float) * P);
    for (int t = 0; t < nt; t++) { model_cache_free(w[t].c); free(w[t].grads); }
    free(order); free(best); adam_free(&a);
    return res->best_epoch > 0 ? 0 : -1;
}

/* ---- TF-IDF MLP ------------------------------------------------------------- */

int tr_mlp_init(tr_mlp *net, int V, int H, int O, uint64_t seed) {
    memset(net, 0, sizeof *net);
    net->V = V; net->H = H; net->O = O;
    net->W1 = malloc(sizeof(float) * (size_t)V * H); net->b1 = calloc((size_t)H, sizeof(float));
    net->W2 = malloc(sizeof(float) * (size_t)H * O); net->b2 = calloc((size_t)O, sizeof(float));
    if (!net->W1 || !net->b1 || !net->W2 || !net->b2) { tr_mlp_free(net); return -1; }
    uint64_t rng; nn_rng_seed(&rng, seed);
    float l1 = sqrtf(6.0f / (V + H)), l2 = sqrtf(6.0f / (H + O));
    for (size_t i = 0; i < (size_t)V * H; i++) net->W1[i] = (2 * nn_rng_uniform(&rng) - 1) * l1;
    for (size_t i = 0; i < (size_t)H * O; i++) net->W2[i] = (2 * nn_rng_uniform(&rng) - 1) * l2;
    return 0;
}

void tr_mlp_free(tr_mlp *net) {
    if (!net) return;
    free(net->W1); free(net->b1); free(net->W2); free(net->b2);
    net->W1 = net->b1 = net->W2 = net->b2 = NULL;
}

static void mlp_hidden(const tr_mlp *net, const bl_sparse *X, int row, float *h) {
    memcpy(h, net->b1, sizeof(float) * net->H);
    for (long k = X->rowptr[row]; k < X->rowptr[row + 1]; k++) {
        const float *wr = net->W1 + (size_t)X->col[k] * net->H; float x = X->val[k];
        for (int j = 0; j < net->H; j++) h[j] += x * wr[j];
    }
}

static void mlp_out(const tr_mlp *net, const float *h, float *out) {
    memcpy(out, net->b2, sizeof(float) * net->O);
    for (int j = 0; j < net->H; j++) {
        if (h[j] == 0) continue;
        const float *wr = net->W2 + (size_t)j * net->O;
        for (int o = 0; o < net->O; o++) out[o] += h[j] * wr[o];
    }
}

void tr_mlp_predict(const tr_mlp *net, const bl_sparse *X, int row, float *out) {
    float *h = malloc(sizeof(float) * net->H);
    if (!h) { memcpy(out, net->b2, sizeof(float) * net->O); return; }
    mlp_hidden(net, X, row, h);
    for (int j = 0; j < net->H; j++) if (h[j] < 0) h[j] = 0;
    mlp_out(net, h, out);
    free(h);
}

static double mlp_eval(const tr_mlp *net, const bl_sparse *X, const int *rows, const float *y, int n, const tr_params *p) {
    float out[MODEL_MAX_OUTPUTS]; double s = 0;
    for (int i = 0; i < n; i++) {
        tr_mlp_predict(net, X, rows[i], out);
        s += tr_loss(p->loss, p->huber_delta, out, y + (size_t)i * net->O, net->O, NULL, 0);
    }
    return s / ((double)n * net->O);
}

/* One sample's working buffers (tr_train_mlp): hidden activations before
 * and after ReLU and dropout, the dropout mask, the hidden gradient, the
 * sparse row kept after input dropout. */
typedef struct { float *h, *hp, *mask, *dh; int32_t *kc; float *kv; } MlpWork;

/* One training sample (row of X, targets y): input dropout on the sparse
 * row, forward with hidden dropout, the loss, and its gradient added into
 * g (a tr_mlp view of the gradient block). Returns the sample's loss. */
static double sample_grad(const tr_mlp *net, const tr_mlp *g, const bl_sparse *X, int row, const float *y,
                          const tr_params *p, float scale, MlpWork *w, uint64_t *rng) {
    int H = net->H, O = net->O;
    float out[MODEL_MAX_OUTPUTS], d[MODEL_MAX_OUTPUTS];
    int nk = 0;
    float keep = 1.0f - p->input_dropout;
    for (long k = X->rowptr[row]; k < X->rowptr[row + 1]; k++) {
        if (p->input_dropout > 0 && nn_rng_uniform(rng) < p->input_dropout) continue;
        w->kc[nk] = X->col[k]; w->kv[nk] = p->input_dropout > 0 ? X->val[k] / keep : X->val[k]; nk++;
    }
    memcpy(w->hp, net->b1, sizeof(float) * H);
    for (int k = 0; k < nk; k++) { const float *wr = net->W1 + (size_t)w->kc[k] * H; for (int j = 0; j < H; j++) w->hp[j] += w->kv[k] * wr[j]; }
    for (int j = 0; j < H; j++) {
        w->mask[j] = (p->dropout > 0 && nn_rng_uniform(rng) < p->dropout) ? 0.0f : 1.0f / (1.0f - p->dropout);
        w->h[j] = w->hp[j] > 0 ? w->hp[j] * w->mask[j] : 0.0f;
    }
    mlp_out(net, w->h, out);
    double loss = tr_loss(p->loss, p->huber_delta, out, y, O, d, scale);
    for (int o = 0; o < O; o++) g->b2[o] += d[o];
    for (int j = 0; j < H; j++) {
        float *gr = g->W2 + (size_t)j * O; const float *wr = net->W2 + (size_t)j * O; float gs = 0;
        for (int o = 0; o < O; o++) { gr[o] += w->h[j] * d[o]; gs += wr[o] * d[o]; }
        w->dh[j] = w->hp[j] > 0 ? gs * w->mask[j] : 0.0f;
        g->b1[j] += w->dh[j];
    }
    for (int k = 0; k < nk; k++) { float *gr = g->W1 + (size_t)w->kc[k] * H; for (int j = 0; j < H; j++) gr[j] += w->kv[k] * w->dh[j]; }
    return loss;
}

int tr_train_mlp(tr_mlp *net, const bl_sparse *X, const int *tr, const float *y_tr, int ntr,
                 const int *va, const float *y_va, int nva, const tr_params *p, tr_result *res,
                 FILE *log) {
    memset(res, 0, sizeof *res);
    int V = net->V, H = net->H, O = net->O;
    if (O > MODEL_MAX_OUTPUTS || ntr <= 0 || nva <= 0) return -1;
    size_t n1 = (size_t)V * H, P = n1 + H + (size_t)H * O + O;
    /* one flat block: W1 | b1 | W2 | b2, same layout for grads and Adam */
    float *params = malloc(sizeof(float) * P), *grads = calloc(P, sizeof(float)), *best = malloc(sizeof(float) * P);
    float *h = malloc(sizeof(float) * H), *hp = malloc(sizeof(float) * H), *mask = malloc(sizeof(float) * H), *dh = malloc(sizeof(float) * H);
    int *order = malloc(sizeof(int) * (size_t)ntr);
    long maxnnz = 0;
    for (int i = 0; i < X->n; i++) if (X->rowptr[i + 1] - X->rowptr[i] > maxnnz) maxnnz = X->rowptr[i + 1] - X->rowptr[i];
    int32_t *kc = malloc(sizeof(int32_t) * (size_t)(maxnnz + 1)); float *kv = malloc(sizeof(float) * (size_t)(maxnnz + 1));
    adam_state a; int aok = adam_init(&a, P) == 0;
    res->train_loss = calloc((size_t)p->epochs, sizeof(double)); res->val_loss = calloc((size_t)p->epochs, sizeof(double));
    if (!params || !grads || !best || !h || !hp || !mask || !dh || !order || !kc || !kv || !aok || !res->train_loss || !res->val_loss) {
        free(params); free(grads); free(best); free(h); free(hp); free(mask); free(dh); free(order); free(kc); free(kv);
        if (aok) adam_free(&a);
        tr_result_free(res);
        return -1;
    }
    float *W1 = params, *b1 = params + n1, *W2 = b1 + H, *b2 = W2 + (size_t)H * O;
    tr_mlp grad = { V, H, O, grads, grads + n1, grads + n1 + H, grads + n1 + H + (size_t)H * O };
    MlpWork w = { h, hp, mask, dh, kc, kv };
    memcpy(W1, net->W1, sizeof(float) * n1); memcpy(b1, net->b1, sizeof(float) * H);
    memcpy(W2, net->W2, sizeof(float) * H * O); memcpy(b2, net->b2, sizeof(float) * O);
    tr_mlp view = { V, H, O, W1, b1, W2, b2 };
    uint64_t rng; nn_rng_seed(&rng, p->seed);
    for (int i = 0; i < ntr; i++) order[i] = i;
    res->best_val = INFINITY;
    int since = 0;
    double t_start = now_sec();
    for (int ep = 0; ep < p->epochs; ep++) {
        double t0 = now_sec(), tsum = 0;
        shuffle(order, ntr, &rng);
        for (int b = 0; b < ntr; b += p->batch) {
            int e = b + p->batch < ntr ? b + p->batch : ntr;
            memset(grads, 0, sizeof(float) * P);
            float scale = 1.0f / ((float)(e - b) * O);
            for (int i = b; i < e; i++) {
                int s = order[i];
                tsum += sample_grad(&view, &grad, X, tr[s], y_tr + (size_t)s * O, p, scale, &w, &rng);
            }
            adam_step(&a, params, grads, p);
        }
        double tl = tsum / ((double)ntr * O), vl = mlp_eval(&view, X, va, y_va, nva, p), dt = now_sec() - t0;
        res->train_loss[ep] = tl; res->val_loss[ep] = vl; res->epochs_run = ep + 1;
        int improved = vl < res->best_val;
        if (improved) { res->best_val = vl; res->best_epoch = ep + 1; memcpy(best, params, sizeof(float) * P); since = 0; }
        else since++;
        if (log) { fprintf(log, "epoch %d/%d  train %.4f  val %.4f  %s %6.2f s\n", ep + 1, p->epochs, tl, vl, improved ? "best" : "    ", dt); fflush(log); }
        if (!isfinite(tl) || since >= p->patience) break;
    }
    res->seconds = now_sec() - t_start;
    res->sec_per_epoch = res->seconds / (res->epochs_run ? res->epochs_run : 1);
    if (res->best_epoch > 0) {
        memcpy(net->W1, best, sizeof(float) * n1); memcpy(net->b1, best + n1, sizeof(float) * H);
        memcpy(net->W2, best + n1 + H, sizeof(float) * H * O); memcpy(net->b2, best + n1 + H + (size_t)H * O, sizeof(float) * O);
    }
    free(params); free(grads); free(best); free(h); free(hp); free(mask); free(dh); free(order); free(kc); free(kv);
    adam_free(&a);
    return res->best_epoch > 0 ? 0 : -1;
}
