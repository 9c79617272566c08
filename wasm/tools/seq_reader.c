/* seq_reader.c — see seq_reader.h. */
#include "seq_reader.h"

#include "nn.h"
#include "nn_grad.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- data ------------------------------------------------------------------------------ */

void sr_data_free(sr_data *d) {
    if (!d) return;
    free(d->vec); free(d->ids); free(d->start);
    free(d);
}

sr_data *sr_data_from_ids(const int32_t *const *seqs, const int *lens, int n, const float *vec, int V, int dim,
                          int max_len, const unsigned char *train, char *err, size_t errlen) {
    if (n < 0 || V < 3 || dim < 1 || dim > 512 || max_len < 1) {
        snprintf(err, errlen, "sequence reader: bad sizes (%d scenes, %d words, %d dims, max %d)", n, V, dim, max_len);
        return NULL;
    }
    sr_data *d = calloc(1, sizeof *d);
    unsigned char *has = calloc((size_t)V, 1);
    size_t total = 0;
    for (int i = 0; i < n; i++) total += (size_t)(lens[i] < max_len ? (lens[i] > 0 ? lens[i] : 0) : max_len);
    if (d) {
        d->vec = malloc(sizeof(float) * (size_t)V * dim);
        d->ids = malloc(sizeof(int32_t) * (total + 1));
        d->start = calloc((size_t)n + 1, sizeof(size_t));
    }
    if (!d || !has || !d->vec || !d->ids || !d->start) {
        free(has); sr_data_free(d);
        snprintf(err, errlen, "sequence reader: out of memory");
        return NULL;
    }
    d->n = n; d->dim = dim; d->V = V; d->max_len = max_len;
    memcpy(d->vec, vec, sizeof(float) * (size_t)V * dim);
    for (int v = 2; v < V; v++)
        for (int p = 0; p < dim && !has[v]; p++) has[v] = vec[(size_t)v * dim + p] != 0.0f;
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        int kept = 0;
        for (int k = 0; k < lens[i] && kept < max_len; k++) {
            int32_t v = seqs[i][k];
            if (v < 2 || v >= V || !has[v]) continue;
            d->ids[at++] = v;
            kept++;
        }
        d->start[i + 1] = at;
    }
    /* standardise each dimension over the training tokens */
    double mu[512] = {0}, sd[512] = {0}, cnt = 0;
    for (int i = 0; i < n; i++) {
        if (train && !train[i]) continue;
        for (size_t k = d->start[i]; k < d->start[i + 1]; k++) {
            const float *x = vec + (size_t)d->ids[k] * dim;
            for (int p = 0; p < dim; p++) mu[p] += x[p];
            cnt++;
        }
    }
    for (int p = 0; p < dim; p++) mu[p] = cnt > 0 ? mu[p] / cnt : 0;
    for (int i = 0; i < n; i++) {
        if (train && !train[i]) continue;
        for (size_t k = d->start[i]; k < d->start[i + 1]; k++) {
            const float *x = vec + (size_t)d->ids[k] * dim;
            for (int p = 0; p < dim; p++) { double e = x[p] - mu[p]; sd[p] += e * e; }
        }
    }
    for (int p = 0; p < dim; p++) sd[p] = cnt > 1 ? sqrt(sd[p] / cnt) + 1e-6 : 1.0;
    for (int v = 0; v < V; v++)
        for (int p = 0; p < dim; p++) {
            float *x = d->vec + (size_t)v * dim + p;
            *x = has[v] ? (float)((*x - mu[p]) / sd[p]) : 0.0f;
        }
    free(has);
    return d;
}

sr_data *sr_data_build(const sb_corpus *c, const Model *m, const WordVec *wv, int max_len, int vocab_max,
                       char *err, size_t errlen) {
    const int V = vocab_size(m->vocab), VM = vocab_max > 2 && vocab_max < V ? vocab_max : V;
    const ModelLayer *L0 = m->n_layers ? &m->layers[0] : NULL;
    int table = !wv;
    if (table && (!L0 || L0->spec.type != LAYER_TFIDF_WORDMEAN || (long)m->tensors[L0->first_tensor + 1].rows != (long)V)) {
        snprintf(err, errlen, "sequence reader: the model has no script-head word table to read");
        return NULL;
    }
    const int D = table ? L0->spec.size : wv->dim;
    float *vec = calloc((size_t)V * D, sizeof(float));
    int32_t **seqs = calloc((size_t)c->n_scenes + 1, sizeof *seqs);
    int *lens = calloc((size_t)c->n_scenes + 1, sizeof(int));
    unsigned char *train = calloc((size_t)c->n_scenes + 1, 1);
    int32_t *buf = malloc(sizeof(int32_t) * (size_t)m->seq_len);
    sr_data *d = NULL;
    int ok = vec && seqs && lens && train && buf;
    for (int v = 2; ok && v < VM; v++) {
        if (table) {
            memcpy(vec + (size_t)v * D, m->params + m->tensors[L0->first_tensor + 1].offset + (size_t)v * D, sizeof(float) * (size_t)D);
            continue;
        }
        int j = wordvec_find(wv, vocab_word(m->vocab, v));
        if (j >= 0) memcpy(vec + (size_t)v * D, wv->vec + (size_t)j * D, sizeof(float) * (size_t)D);
    }
    for (int i = 0; ok && i < c->n; i++)
        for (int s = 0; ok && s < c->films[i].ss->n_scenes; s++) {
            const char *t = c->films[i].ss->scenes[s].text;
            int at = c->films[i].first + s, n = model_encode(m, t, strlen(t), buf);
            if (n < 0) n = 0;
            lens[at] = n;
            seqs[at] = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
            if (!seqs[at]) { ok = 0; break; }
            memcpy(seqs[at], buf, sizeof(int32_t) * (size_t)n);
            train[at] = !c->films[i].val;
        }
    if (ok) d = sr_data_from_ids((const int32_t *const *)seqs, lens, c->n_scenes, vec, V, D, max_len, train, err, errlen);
    else snprintf(err, errlen, "sequence reader: out of memory");
    for (int i = 0; seqs && i < c->n_scenes; i++) free(seqs[i]);
    free(seqs); free(lens); free(train); free(buf); free(vec);
    return d;
}

/* ---- the network ----------------------------------------------------------------------- */

int sr_net_init(sr_net *net, int D, int P, int F, int K, uint64_t seed) {
    memset(net, 0, sizeof *net);
    if (D < 1 || D > 512 || P < 0 || P > 512 || F < 1 || F > 512 || K < 1 || K > 16) return -1;
    int C = P ? P : D;
    net->D = D; net->P = P; net->C = C; net->F = F; net->K = K;
    net->n_params = D * P + P + K * C * F + F + 2 * F * 2 + 2;
    net->p = calloc((size_t)net->n_params, sizeof(float));
    if (!net->p) return -1;
    net->proj = net->p;
    net->proj_b = net->proj + (size_t)D * P;
    net->kernel = net->proj_b + P;
    net->bias = net->kernel + (size_t)K * C * F;
    net->dense = net->bias + F;
    net->dense_b = net->dense + 2 * F * 2;
    uint64_t rng;
    nn_rng_seed(&rng, seed);
    float lim0 = sqrtf(6.0f / (float)(D + P + 1));
    for (int i = 0; i < D * P; i++) net->proj[i] = (2.0f * nn_rng_uniform(&rng) - 1.0f) * lim0;
    float lim = sqrtf(6.0f / (float)(K * C + F));
    for (int i = 0; i < K * C * F; i++) net->kernel[i] = (2.0f * nn_rng_uniform(&rng) - 1.0f) * lim;
    /* the output starts near zero: the residual reader begins as "no change" */
    float lim2 = 0.1f * sqrtf(6.0f / (float)(2 * F + 2));
    for (int i = 0; i < 2 * F * 2; i++) net->dense[i] = (2.0f * nn_rng_uniform(&rng) - 1.0f) * lim2;
    return 0;
}

void sr_net_free(sr_net *net) {
    free(net->p);
    memset(net, 0, sizeof *net);
}

int sr_work_init(sr_work *w, const sr_net *net, int max_len) {
    memset(w, 0, sizeof *w);
    int cap = max_len > net->K ? max_len : net->K;
    w->cap = cap; w->F = net->F; w->D = net->D; w->P = net->P;
    w->x = malloc(sizeof(float) * (size_t)cap * net->D);
    w->h = malloc(sizeof(float) * (size_t)cap * net->F);
    w->dh = malloc(sizeof(float) * (size_t)cap * net->F);
    w->u = malloc(sizeof(float) * (size_t)cap * (net->P + 1));
    w->du = malloc(sizeof(float) * (size_t)cap * (net->P + 1));
    if (!w->x || !w->h || !w->dh || !w->u || !w->du || 2 * net->F > 1024) { sr_work_free(w); return -1; }
    return 0;
}

void sr_work_free(sr_work *w) {
    free(w->x); free(w->h); free(w->dh); free(w->u); free(w->du);
    memset(w, 0, sizeof *w);
}

/* Time steps of the input after padding to at least K. */
static int padded_len(const sr_net *net, int T) { return T < net->K ? net->K : T; }

void sr_forward(const sr_net *net, const sr_data *d, const int32_t *ids, int T, sr_work *w, float rate,
                uint64_t *rng, float out[2]) {
    const int D = net->D, F = net->F, K = net->K, C = net->C;
    if (T > w->cap) T = w->cap;
    int Tp = padded_len(net, T), To = Tp - K + 1;
    for (int t = 0; t < T; t++) memcpy(w->x + (size_t)t * D, d->vec + (size_t)ids[t] * D, sizeof(float) * (size_t)D);
    if (Tp > T) memset(w->x + (size_t)T * D, 0, sizeof(float) * (size_t)(Tp - T) * D);
    const float *in = w->x;
    if (net->P) {
        dense_forward(w->u, w->x, net->proj, net->proj_b, T, D, net->P, NN_ACT_LINEAR);
        /* padding stays zero after the projection too (a folded table has no row for it) */
        if (Tp > T) memset(w->u + (size_t)T * C, 0, sizeof(float) * (size_t)(Tp - T) * C);
        in = w->u;
    }
    conv1d_forward(w->h, in, net->kernel, net->bias, Tp, C, F, K, NN_ACT_RELU);
    gmp1d_forward(w->pooled, w->argmax, w->h, To, F);
    gap1d_forward(w->pooled + F, w->h, To, F);
    w->To = To;
    w->T = T;
    if (rng && rate > 0) dropout_forward_train(w->pooled, w->mask, w->pooled, 2 * (size_t)F, rate, rng);
    else for (int i = 0; i < 2 * F; i++) w->mask[i] = 1.0f;
    dense_forward(out, w->pooled, net->dense, net->dense_b, 1, 2 * F, 2, NN_ACT_LINEAR);
}

void sr_backward(const sr_net *net, sr_work *w, const float d_out[2], float *grad) {
    const int D = net->D, F = net->F, K = net->K, C = net->C, P = net->P, To = w->To;
    float *g_proj = grad, *g_proj_b = g_proj + (size_t)D * P, *g_kernel = g_proj_b + P;
    float *g_bias = g_kernel + (size_t)K * C * F, *g_dense = g_bias + F, *g_dense_b = g_dense + 2 * F * 2;
    float out[2] = {0, 0};   /* linear: the activation's derivative does not read it */
    memset(w->dpooled, 0, sizeof(float) * 2 * (size_t)F);
    dense_backward(w->dpooled, g_dense, g_dense_b, d_out, out, w->pooled, net->dense, 1, 2 * F, 2, NN_ACT_LINEAR);
    for (int i = 0; i < 2 * F; i++) w->dpooled[i] *= w->mask[i];
    memset(w->dh, 0, sizeof(float) * (size_t)To * F);
    gmp1d_backward(w->dh, w->dpooled, w->argmax, To, F);
    gap1d_backward(w->dh, w->dpooled + F, To, F);
    if (!P) {
        conv1d_backward(NULL, g_kernel, g_bias, w->dh, w->h, w->x, net->kernel, To + K - 1, D, F, K, NN_ACT_RELU);
        return;
    }
    memset(w->du, 0, sizeof(float) * (size_t)(To + K - 1) * C);
    conv1d_backward(w->du, g_kernel, g_bias, w->dh, w->h, w->u, net->kernel, To + K - 1, C, F, K, NN_ACT_RELU);
    /* the padded steps are constant zeros: no gradient flows to the projection from them */
    dense_backward(NULL, g_proj, g_proj_b, w->du, w->u, w->x, net->proj, w->T, D, P, NN_ACT_LINEAR);
}

void sr_predict_scene(const sr_net *net, const sr_data *d, int i, sr_work *w, float out[2]) {
    sr_forward(net, d, d->ids + d->start[i], (int)(d->start[i + 1] - d->start[i]), w, 0, NULL, out);
}

int sr_predict(const sr_net *net, const sr_data *d, float *out) {
    sr_work w;
    if (sr_work_init(&w, net, d->max_len)) return -1;
    for (int i = 0; i < d->n; i++) sr_predict_scene(net, d, i, &w, out + 2 * (size_t)i);
    sr_work_free(&w);
    return 0;
}

int sr_fold(const sr_net *net, const sr_data *d, int int8, sr_data **fd, sr_net *fnet) {
    const int C = net->C, V = d->V;
    *fd = calloc(1, sizeof **fd);
    if (!*fd || sr_net_init(fnet, C, 0, net->F, net->K, 1)) { free(*fd); *fd = NULL; return -1; }
    sr_data *f = *fd;
    *f = *d;
    f->dim = C;
    f->vec = malloc(sizeof(float) * (size_t)V * C);
    f->ids = malloc(sizeof(int32_t) * (d->start[d->n] + 1));
    f->start = malloc(sizeof(size_t) * ((size_t)d->n + 1));
    if (!f->vec || !f->ids || !f->start) { sr_data_free(f); *fd = NULL; sr_net_free(fnet); return -1; }
    memcpy(f->ids, d->ids, sizeof(int32_t) * d->start[d->n]);
    memcpy(f->start, d->start, sizeof(size_t) * ((size_t)d->n + 1));
    for (int v = 0; v < V; v++) {
        float *row = f->vec + (size_t)v * C;
        if (net->P) dense_forward(row, d->vec + (size_t)v * net->D, net->proj, net->proj_b, 1, net->D, C, NN_ACT_LINEAR);
        else memcpy(row, d->vec + (size_t)v * C, sizeof(float) * (size_t)C);
        if (!int8) continue;
        float mx = 0;
        for (int p = 0; p < C; p++) mx = fmaxf(mx, fabsf(row[p]));
        float scale = mx > 0 ? mx / 127.0f : 1.0f;
        for (int p = 0; p < C; p++) row[p] = roundf(row[p] / scale) * scale;
    }
    memcpy(fnet->kernel, net->kernel, sizeof(float) * (size_t)(net->K * C * net->F + net->F + 2 * net->F * 2 + 2));
    return 0;
}

/* ---- training -------------------------------------------------------------------------- */

sr_opts sr_default_opts(void) {
    sr_opts o;
    memset(&o, 0, sizeof o);
    /* the shippable form measured best on the validation films (`moodspace seqfit`) */
    o.filters = 48; o.width = 3; o.proj = 8; o.max_len = 600;
    o.epochs = 10; o.batch = 4;
    o.lr = 1e-3; o.weight_decay = 1e-4; o.dropout = 0.3; o.clip = 5;
    o.w_mse = 1; o.w_pair = 1; o.pair_scale = 2;
    o.w_place = 0; o.w_paren = 0; o.place_z = 1.5; o.paren_z = 1.0;
    o.residual = 0;
    o.seed = 18;
    return o;
}

void sr_film_counts(const float *z, int k, double n[2]) {
    for (int t = 0; t < 2; t++)
        for (int a = 0; a < k; a++) {
            if (isnan(z[2 * a + t])) continue;
            n[0]++;
            for (int b = 0; b < k; b++)
                if (b != a && !isnan(z[2 * b + t]) && z[2 * a + t] - z[2 * b + t] >= SB_MIN_GAP / 2.0f) n[1]++;
        }
}

double sr_film_loss(const float *s, const float *z, const float *zw, const float *ww, int k, const sr_opts *o,
                    double n_sq, double n_pair, float *ds) {
    double loss = 0;
    if (ds) memset(ds, 0, sizeof(float) * 2 * (size_t)k);
    for (int t = 0; t < 2; t++)
        for (int a = 0; a < k; a++) {
            float za = z[2 * a + t];
            if (zw && ww && !isnan(zw[2 * a + t]) && ww[2 * a + t] > 0 && o->w_mse > 0 && n_sq > 0) {
                double e = s[2 * a + t] - zw[2 * a + t];
                loss += o->w_mse * ww[2 * a + t] * e * e / n_sq;
                if (ds) ds[2 * a + t] += (float)(o->w_mse * ww[2 * a + t] * 2 * e / n_sq);
            }
            if (isnan(za)) continue;
            double e = s[2 * a + t] - za;
            if (o->w_mse > 0 && n_sq > 0) {
                loss += o->w_mse * e * e / n_sq;
                if (ds) ds[2 * a + t] += (float)(o->w_mse * 2 * e / n_sq);
            }
            if (o->w_pair <= 0 || n_pair <= 0) continue;
            for (int b = 0; b < k; b++) {
                float zb = z[2 * b + t];
                if (b == a || isnan(zb) || !(za - zb >= SB_MIN_GAP / 2.0f)) continue;
                double m = o->pair_scale * (s[2 * a + t] - s[2 * b + t]);
                /* log(1 + e^-m), stable; its derivative −sigmoid(−m) */
                loss += o->w_pair * (m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m))) / n_pair;
                double g = -o->w_pair * o->pair_scale / (1.0 + exp(m)) / n_pair;
                if (ds) { ds[2 * a + t] += (float)g; ds[2 * b + t] -= (float)g; }
            }
        }
    return loss;
}

/* One training film: its scenes with a label or a weak hint (corpus
 * indices), their hand targets z, weak targets zw with weights ww. */
typedef struct { int k; int *scene; float *z, *zw, *ww, *base; } tr_film;

/* The weak target of scene s of f for target t (place, else parenthetical),
 * its weight in *w; NAN when none. */
static float weak_target(const sb_film *f, int s, int t, const sr_opts *o, float *w) {
    const Scene *sc = &f->ss->scenes[s];
    *w = 0;
    if (sc->words < SB_PLACE_MIN_WORDS) return NAN;
    int place = sb_place_kind(sc->heading);
    if (place && o->w_place > 0) { *w = (float)o->w_place; return (float)(place * o->place_z); }
    int hint = f->hint ? f->hint[2 * s + t] : 0;
    if (hint && o->w_paren > 0) { *w = (float)o->w_paren; return (float)(hint * o->paren_z); }
    return NAN;
}

/* The training films' labelled or hinted scenes, with their targets (and the
 * linear head's scores for a residual fit). *nf films, the largest with *kmax
 * scenes; -1 when out of memory (the films built so far are in *out). */
static int train_films(const sb_corpus *c, const float *base, const sr_opts *o, tr_film **out, int *nf_out, int *kmax_out) {
    tr_film *films = *out = calloc((size_t)c->n + 1, sizeof *films);
    int nf = 0, kmax = 1, rc = 0;
    for (int i = 0; films && i < c->n && rc == 0; i++) {
        const sb_film *f = &c->films[i];
        if (f->val || !f->label) continue;
        tr_film *F = &films[nf];
        float w;
        for (int s = 0; s < f->ss->n_scenes; s++)
            F->k += !isnan(f->label[2 * s]) || !isnan(f->label[2 * s + 1]) || !isnan(weak_target(f, s, 0, o, &w)) ||
                    !isnan(weak_target(f, s, 1, o, &w));
        if (F->k == 0) continue;
        F->scene = malloc(sizeof(int) * (size_t)F->k);
        F->z = malloc(sizeof(float) * 2 * (size_t)F->k);
        F->zw = malloc(sizeof(float) * 2 * (size_t)F->k);
        F->ww = malloc(sizeof(float) * 2 * (size_t)F->k);
        F->base = calloc(2 * (size_t)F->k, sizeof(float));
        if (!F->scene || !F->z || !F->zw || !F->ww || !F->base) { rc = -1; nf++; break; }
        int k = 0;
        for (int s = 0; s < f->ss->n_scenes; s++) {
            if (isnan(f->label[2 * s]) && isnan(f->label[2 * s + 1]) && isnan(weak_target(f, s, 0, o, &w)) &&
                isnan(weak_target(f, s, 1, o, &w)))
                continue;
            F->scene[k] = f->first + s;
            for (int t = 0; t < 2; t++) {
                float l = f->label[2 * s + t];
                F->z[2 * k + t] = isnan(l) ? NAN : (l - 5.0f) / 2.0f;
                /* a hand label outranks a hint on the same scene */
                F->zw[2 * k + t] = isnan(l) ? weak_target(f, s, t, o, &F->ww[2 * k + t]) : NAN;
                if (!isnan(l)) F->ww[2 * k + t] = 0;
                if (o->residual) F->base[2 * k + t] = base[2 * (size_t)(f->first + s) + t];
            }
            k++;
        }
        if (F->k > kmax) kmax = F->k;
        nf++;
    }
    *nf_out = nf;
    *kmax_out = kmax;
    return films ? rc : -1;
}

static void free_train_films(tr_film *films, int nf) {
    for (int i = 0; films && i < nf; i++) { free(films[i].scene); free(films[i].z); free(films[i].zw); free(films[i].ww); free(films[i].base); }
    free(films);
}

/* One film's gradient into grad (its scenes forward for their scores, then
 * backward with the film's loss gradient; the forward is run again with the
 * same dropout draws: one work buffer, not one per scene). Its loss. */
static double film_gradient(const sr_net *net, const sr_data *d, const tr_film *F, const sr_opts *o, const double n[2],
                            sr_work *w, uint64_t *rng, float *s, float *ds, uint64_t *drop_rng, float *grad) {
    for (int k = 0; k < F->k; k++) {
        drop_rng[k] = nn_rng_next(rng) | 1u;
        uint64_t r = drop_rng[k];
        int i = F->scene[k];
        float out[2];
        sr_forward(net, d, d->ids + d->start[i], (int)(d->start[i + 1] - d->start[i]), w, (float)o->dropout, &r, out);
        for (int t = 0; t < 2; t++) s[2 * k + t] = F->base[2 * k + t] + out[t];
    }
    double loss = sr_film_loss(s, F->z, F->zw, F->ww, F->k, o, n[0], n[1], ds);
    for (int k = 0; k < F->k; k++) {
        uint64_t r = drop_rng[k];
        int i = F->scene[k];
        float out[2];
        sr_forward(net, d, d->ids + d->start[i], (int)(d->start[i + 1] - d->start[i]), w, (float)o->dropout, &r, out);
        sr_backward(net, w, ds + 2 * k, grad);
    }
    return loss;
}

/* Clip the gradient's norm, then Adam with decoupled weight decay. */
static void adam_step(sr_net *net, const float *grad, float *mom, float *var, long step, const sr_opts *o) {
    const double b1 = 0.9, b2 = 0.999, eps = 1e-7;
    double norm = 0;
    for (int p = 0; p < net->n_params; p++) norm += (double)grad[p] * grad[p];
    norm = sqrt(norm);
    double scale = o->clip > 0 && norm > o->clip ? o->clip / norm : 1.0;
    double c1 = 1 - pow(b1, (double)step), c2 = 1 - pow(b2, (double)step);
    for (int p = 0; p < net->n_params; p++) {
        double g = grad[p] * scale;
        mom[p] = (float)(b1 * mom[p] + (1 - b1) * g);
        var[p] = (float)(b2 * var[p] + (1 - b2) * g * g);
        double upd = o->lr * (mom[p] / c1) / (sqrt(var[p] / c2) + eps);
        net->p[p] -= (float)(upd + o->lr * o->weight_decay * net->p[p]);
    }
}

int sr_train(sr_net *net, const sr_data *d, const sb_corpus *c, const float *base, const sr_opts *o,
             sr_epoch_cb cb, void *ctx, char *err, size_t errlen) {
    if (o->residual && !base) { snprintf(err, errlen, "sequence reader: a residual fit needs the linear head's scores"); return -1; }
    tr_film *films = NULL;
    int nf = 0, kmax = 1;
    int rc = train_films(c, base, o, &films, &nf, &kmax);
    float *grad = calloc((size_t)net->n_params, sizeof(float));
    float *avg = o->avg_from > 0 ? calloc((size_t)net->n_params, sizeof(float)) : NULL;
    int n_avg = 0;
    float *mom = calloc((size_t)net->n_params, sizeof(float)), *var = calloc((size_t)net->n_params, sizeof(float));
    float *s = malloc(sizeof(float) * 2 * (size_t)kmax), *ds = malloc(sizeof(float) * 2 * (size_t)kmax);
    uint64_t *drop_rng = malloc(sizeof(uint64_t) * (size_t)kmax);
    int *order = malloc(sizeof(int) * (size_t)(nf + 1));
    sr_work w;
    int have_w = sr_work_init(&w, net, d->max_len) == 0;
    if (!films || rc || !grad || (o->avg_from > 0 && !avg) || !mom || !var || !s || !ds || !drop_rng || !order || !have_w || nf == 0) {
        snprintf(err, errlen, nf == 0 ? "sequence reader: no labelled training scenes" : "sequence reader: out of memory");
        rc = -1;
        goto done;
    }
    uint64_t rng;
    nn_rng_seed(&rng, o->seed * 7919u + 1);
    for (int i = 0; i < nf; i++) order[i] = i;
    long step = 0;
    for (int ep = 1; ep <= o->epochs; ep++) {
        for (int i = nf - 1; i > 0; i--) {    /* shuffle the films */
            int j = (int)(nn_rng_next(&rng) % (uint64_t)(i + 1)), x = order[i];
            order[i] = order[j]; order[j] = x;
        }
        double ep_loss = 0;
        for (int b0 = 0; b0 < nf; b0 += o->batch) {
            int b1i = b0 + o->batch < nf ? b0 + o->batch : nf;
            double n[2] = {0, 0};
            for (int q = b0; q < b1i; q++) sr_film_counts(films[order[q]].z, films[order[q]].k, n);
            memset(grad, 0, sizeof(float) * (size_t)net->n_params);
            for (int q = b0; q < b1i; q++) {
                ep_loss += film_gradient(net, d, &films[order[q]], o, n, &w, &rng, s, ds, drop_rng, grad) * (b1i - b0);
            }
            adam_step(net, grad, mom, var, ++step, o);
        }
        if (cb) cb(ep, ep_loss / nf, net, ctx);
        if (avg && ep >= o->avg_from) {   /* the mean of the weights at each epoch's end from avg_from on */
            n_avg++;
            for (int p = 0; p < net->n_params; p++) avg[p] += (net->p[p] - avg[p]) / (float)n_avg;
        }
    }
    if (avg && n_avg) memcpy(net->p, avg, sizeof(float) * (size_t)net->n_params);
done:
    if (have_w) sr_work_free(&w);
    free_train_films(films, nf);
    free(grad); free(avg); free(mom); free(var); free(s); free(ds); free(drop_rng); free(order);
    return rc;
}

/* ---- shipping it ------------------------------------------------------------------------ */

const float sr_blends[SR_N_BLENDS][2] = {{1, 0}, {0.875f, 0.25f}, {0.75f, 0.5f}, {0.5f, 1}, {0, 1}};

/* The model's script-head valence and energy of every dev scene, in z units. */
static float *predict_z(const sb_corpus *c, const Model *m, int iv, int ie) {
    float *p = sb_predict_model(c, m);
    for (size_t i = 0; p && i < (size_t)c->n_scenes; i++) {
        p[2 * i] = (p[2 * i] - m->target_mean[iv]) / m->target_std[iv];
        p[2 * i + 1] = (p[2 * i + 1] - m->target_mean[ie]) / m->target_std[ie];
    }
    return p;
}

/* The trained net folded (float rows) and rounded into a ModelReader: a row
 * for every word of ids 2..VM-1 that has a vector. NULL + message. */
static ModelReader *to_reader(const sr_net *net, const sr_data *d, int VM, int iv, int ie, char *err, size_t errlen) {
    sr_data *fd = NULL;
    sr_net fnet;
    if (sr_fold(net, d, 0, &fd, &fnet)) { snprintf(err, errlen, "reader: out of memory"); return NULL; }
    const int P = fd->dim;
    ModelReader *r = model_reader_new(VM, P, net->F, net->K, d->max_len, err, errlen);
    unsigned char *has = calloc((size_t)VM, 1);
    float mx[MODEL_READER_MAX_P] = {0};
    for (int v = 2; r && has && v < VM; v++) {
        for (int p = 0; p < d->dim && !has[v]; p++) has[v] = d->vec[(size_t)v * d->dim + p] != 0;
        for (int p = 0; has[v] && p < P; p++) mx[p] = fmaxf(mx[p], fabsf(fd->vec[(size_t)v * P + p]));
    }
    for (int p = 0; r && p < P; p++) r->scale[p] = mx[p] > 0 ? mx[p] / 127.0f : 1.0f;
    for (int v = 2; r && has && v < VM; v++) {
        if (!has[v]) continue;   /* no vector: never read (no row) */
        for (int p = 0; p < P; p++) {
            float q = roundf(fd->vec[(size_t)v * P + p] / r->scale[p]);
            r->q[(size_t)v * P + p] = (signed char)(q > 127 ? 127 : q < -127 ? -127 : q);
        }
    }
    if (!has) { model_reader_free(r); r = NULL; snprintf(err, errlen, "reader: out of memory"); }
    free(has);
    if (r) {
        r->out[0] = iv; r->out[1] = ie;
        memcpy(r->kernel, fnet.kernel, sizeof(float) * (size_t)net->K * P * net->F);
        memcpy(r->bias, fnet.bias, sizeof(float) * (size_t)net->F);
        memcpy(r->dense, fnet.dense, sizeof(float) * (size_t)net->F * 4);
        memcpy(r->dense_b, fnet.dense_b, sizeof(float) * 2);
    }
    sr_data_free(fd);
    sr_net_free(&fnet);
    return r;
}

int sr_train_attach(Model *m, const sb_corpus *c, const WordVec *wv, const sr_opts *o, int vocab_max, sr_ship_info *info,
                    FILE *log, char *err, size_t errlen) {
    memset(info, 0, sizeof *info);
    model_set_reader(m, NULL, NULL, 0);
    const int iv = model_output_index(m, "valence"), ie = model_output_index(m, "energy"), V = vocab_size(m->vocab);
    const int VM = vocab_max > 2 && vocab_max < V ? vocab_max : V;
    if (iv < 0 || ie < 0 || m->n_heads < 2 || o->proj < 1 || o->residual) {
        snprintf(err, errlen, "reader: needs a two-head model with valence and energy, a projection and the labels (not a residual)");
        return -1;
    }
    clock_t t0 = clock();
    sr_data *d = sr_data_build(c, m, wv, o->max_len, vocab_max, err, errlen);
    sr_net net;
    memset(&net, 0, sizeof net);
    ModelReader *r = NULL;
    float *lin = NULL, *seq = NULL, *mix = NULL;
    int rc = -1;
    if (!d) return -1;
    if (sr_net_init(&net, d->dim, o->proj, o->filters, o->width, o->seed)) { snprintf(err, errlen, "reader: bad sizes or out of memory"); goto done; }
    if (log) fprintf(log, "reader: %d words, projection %d, conv %d x %d relu, max+mean pool, dense 2; %d epochs, seed %d\n", VM - 2, o->proj,
                     o->filters, o->width, o->epochs, (int)o->seed);
    if (sr_train(&net, d, c, NULL, o, NULL, NULL, err, errlen)) goto done;
    info->train_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (!(r = to_reader(&net, d, VM, iv, ie, err, errlen))) goto done;
    for (int v = 2; v < VM; v++) info->words += r->q[(size_t)v * r->P] != MODEL_READER_NO_ROW;
    info->bytes = 36 + 4 * (size_t)r->P + (size_t)(VM - 2) * r->P + 4 * ((size_t)r->K * r->P * r->F + (size_t)r->F * 5 + 2);
    /* the head alone, then the reader alone, both through the engine's own path */
    lin = predict_z(c, m, iv, ie);
    r->a_lin = 0; r->a_seq = 1;
    if (!lin || model_set_reader(m, r, err, errlen)) goto done;
    seq = predict_z(c, m, iv, ie);
    mix = malloc(sizeof(float) * 2 * ((size_t)c->n_scenes + 1));
    if (!seq || !mix) { snprintf(err, errlen, "reader: out of memory"); goto done; }
    double best = -1;
    for (int b = 0; b < SR_N_BLENDS; b++) {
        for (size_t i = 0; i < 2 * (size_t)c->n_scenes; i++) mix[i] = sr_blends[b][0] * lin[i] + sr_blends[b][1] * seq[i];
        info->res[b] = sb_score(c, mix);
        const sb_result *s = &info->res[b];
        double score = (s->labelled[SB_VAL].acc[0] + s->labelled[SB_VAL].acc[1]) / 2;
        if (log) fprintf(log, "reader: %.3f x head + %.2f x reader: validation pairs %.3f %.3f, places %.3f %.3f, genre AUC %.3f %.3f\n",
                         sr_blends[b][0], sr_blends[b][1], s->labelled[SB_VAL].acc[0], s->labelled[SB_VAL].acc[1], s->places[SB_VAL].acc[0],
                         s->places[SB_VAL].acc[1], s->auc[SB_VAL][0], s->auc[SB_VAL][1]);
        if (score > best + 1e-12) { best = score; info->chosen = b; }
    }
    r->a_lin = sr_blends[info->chosen][0];
    r->a_seq = sr_blends[info->chosen][1];
    rc = model_set_reader(m, info->chosen ? r : NULL, err, errlen);
    if (log) fprintf(log, "reader: %s (%d words with a row, %zu bytes)\n", info->chosen ? "shipped with the best blend" : "not shipped: the head alone reads the validation films best",
                     info->words, info->bytes);
done:
    if (rc) model_set_reader(m, NULL, NULL, 0);
    model_reader_free(r);
    free(lin); free(seq); free(mix);
    sr_net_free(&net);
    sr_data_free(d);
    return rc;
}

/* What the reader is and how its blend was chosen, after the benchmark's tables. */
void sr_ship_markdown(FILE *f, const Model *m, const sr_ship_info *ri, int vocab, int proj) {
    sr_opts so = sr_default_opts();
    so.proj = proj;
    fprintf(f, "\n**The reader of word order** (seq_reader.h, model_reader.h; the weights file's reader block, format version 2): a scene's known words in order (the vocabulary's first %d words, ids 2 and up; %d have a row), "
               "each an int8 row of %d numbers (the word vector, standardised, through a learnt projection, folded; one scale a column), Conv1D(%d filters, width %d, relu), global max and mean pooling, Dense(2); "
               "trained with Adam (lr %g, decay %g, dropout %.1f, batches of %d films, %d epochs, seed %d) on the training films' hand labels (squared error plus a within-film pairwise loss), "
               "at most %d words a scene. Blended with the script head's valence and energy (z units) for scenes and screenplays only; songs never read it. "
               "The blend is chosen on the validation films' labelled pairs (mean of valence and energy), every figure read through the engine's predict path; the block adds %zu bytes.\n\n",
            vocab - 2, ri->words, so.proj, so.filters, so.width, so.lr, so.weight_decay, so.dropout, so.batch, so.epochs, (int)so.seed, so.max_len, ri->bytes);
    fprintf(f, "| blend (validation films) | labelled pairs: valence | energy | places: valence | energy | genre AUC: valence | energy |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (int b = 0; b < SR_N_BLENDS; b++) {
        const sb_result *s = &ri->res[b];
        fprintf(f, "| %s%.3g × head + %.3g × reader%s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", b == ri->chosen ? "**" : "", sr_blends[b][0], sr_blends[b][1],
                b == ri->chosen ? " (shipped)**" : "", s->labelled[SB_VAL].acc[0], s->labelled[SB_VAL].acc[1], s->places[SB_VAL].acc[0], s->places[SB_VAL].acc[1],
                s->auc[SB_VAL][0], s->auc[SB_VAL][1]);
    }
    if (!m->reader) fprintf(f, "\nThe head alone read the validation films best: no reader block is shipped.\n");
}
