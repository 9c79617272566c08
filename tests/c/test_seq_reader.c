/* test_seq_reader.c — the reader of word order's parts (seq_reader.h) on
 * sequences, vectors and scripts written here: sequences keep only words with
 * a vector and are cut at max_len, vectors are standardised over the training
 * tokens only, the backward matches finite differences of the forward (with
 * and without the projection), the folded table reads as the net does, the
 * within-film loss has its hand-computed value and gradient, and a reader
 * trained on one film orders another film's scenes that hold the SAME words
 * in a different order ("the dog bites the man" / "the man bites the dog"),
 * which no bag of words can. */
#include "tools/seq_reader.h"
#include "check.h"
#include "test_files.h"

#include "nn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/ms_test_seq_reader_XXXXXX";

static void write_file(const char *name, const char *text) { tf_write_in(dir, name, text); }

static void test_data(void) {
    /* 6 words, 2 dims: pad and OOV have no vector, word 4 none either */
    const float vec[6 * 2] = { 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 2, 2 };
    const int32_t s0[] = { 2, 4, 3, 1, 5 }, s1[] = { 5, 5, 2 }, s2[] = { 9, -3 };
    const int32_t *seqs[3] = { s0, s1, s2 };
    const int lens[3] = { 5, 3, 2 };
    const unsigned char train[3] = { 1, 0, 1 };
    char err[256];
    sr_data *d = sr_data_from_ids(seqs, lens, 3, vec, 6, 2, 2, train, err, sizeof err);
    CHECK(d != NULL, "data: built from written sequences");
    if (!d) { printf("# %s\n", err); return; }
    CHECK(d->start[1] == 2 && d->ids[0] == 2 && d->ids[1] == 3, "data: words without a vector, OOV and pad are left out, in order");
    CHECK(d->start[2] - d->start[1] == 2 && d->ids[2] == 5 && d->ids[3] == 5, "data: a sequence is cut at max_len words");
    CHECK(d->start[3] == d->start[2], "data: ids outside the vocabulary are left out (an empty scene stays empty)");
    /* training tokens: scene 0's words 2 (1,0) and 3 (0,1): mean .5, std .5 per dim */
    CHECK_NEAR(d->vec[2 * 2], 1.0, 1e-4, "data: standardised over the training scenes' tokens only (word 2, dim 0)");
    CHECK_NEAR(d->vec[2 * 2 + 1], -1.0, 1e-4, "data: standardised (word 2, dim 1)");
    CHECK_NEAR(d->vec[5 * 2], 3.0, 1e-4, "data: a word met only in a validation scene gets the same transform");
    CHECK(d->vec[4 * 2] == 0 && d->vec[1 * 2] == 0, "data: words without a vector stay zero");
    sr_data_free(d);
    int bad_len = 1;
    CHECK(sr_data_from_ids(seqs, &bad_len, 1, vec, 6, 0, 2, NULL, err, sizeof err) == NULL && strstr(err, "bad sizes"),
          "data: a zero dimension is refused with a message");
}

/* Loss sum(c · out) over one sequence, for the gradient check. */
static double probe(const sr_net *net, const sr_data *d, const int32_t *ids, int T, sr_work *w, const float c[2]) {
    float out[2];
    sr_forward(net, d, ids, T, w, 0, NULL, out);
    return (double)c[0] * out[0] + (double)c[1] * out[1];
}

static void test_gradient(int P) {
    enum { V = 7, D = 4, T = 6 };
    float vec[V * D];
    uint64_t rng;
    nn_rng_seed(&rng, 5);
    for (int i = 0; i < V * D; i++) vec[i] = i < 2 * D ? 0.0f : nn_rng_normal(&rng);
    const int32_t s0[T] = { 2, 3, 4, 5, 6, 2 }, s1[1] = { 3 };
    const int32_t *seqs[2] = { s0, s1 };
    const int lens[2] = { T, 1 };
    char err[256], what[160];
    sr_data *d = sr_data_from_ids(seqs, lens, 2, vec, V, D, 16, NULL, err, sizeof err);
    sr_net net;
    sr_work w;
    if (!d || sr_net_init(&net, D, P, 3, 2, 11) || sr_work_init(&w, &net, 16)) { CHECK(0, "gradient: set up"); return; }
    for (int i = 0; i < net.n_params; i++) net.p[i] += 0.2f * nn_rng_normal(&rng);   /* biases and dense away from 0 */
    const float c[2] = { 0.7f, -1.3f };
    for (int which = 0; which < 2; which++) {
        const int32_t *ids = d->ids + d->start[which];
        int n = (int)(d->start[which + 1] - d->start[which]);
        float *grad = calloc((size_t)net.n_params, sizeof(float)), out[2];
        sr_forward(&net, d, ids, n, &w, 0, NULL, out);
        sr_backward(&net, &w, c, grad);
        double worst = 0;
        for (int p = 0; p < net.n_params; p++) {
            float keep = net.p[p];
            const float h = 2e-3f;
            net.p[p] = keep + h; double up = probe(&net, d, ids, n, &w, c);
            net.p[p] = keep - h; double dn = probe(&net, d, ids, n, &w, c);
            net.p[p] = keep;
            double num = (up - dn) / (2 * h), e = fabs(num - grad[p]) / fmax(1.0, fabs(num));
            if (e > worst) worst = e;
        }
        snprintf(what, sizeof what, "gradient: the backward matches finite differences (%s, projection %d)",
                 which == 0 ? "6 words" : "a scene shorter than the conv width, padded", P);
        CHECK(worst < 2e-2, what);
        if (worst >= 2e-2) printf("# worst relative error %g\n", worst);
        free(grad);
    }
    /* dropout: the same draws give the same output, and rate 0 is the inference path */
    float a[2], b[2], e[2];
    uint64_t r1 = 99, r2 = 99;
    sr_forward(&net, d, d->ids, T, &w, 0.5f, &r1, a);
    sr_forward(&net, d, d->ids, T, &w, 0.5f, &r2, b);
    sr_forward(&net, d, d->ids, T, &w, 0, NULL, e);
    snprintf(what, sizeof what, "dropout: seeded draws repeat, and it changes the output in training only (projection %d)", P);
    CHECK(a[0] == b[0] && a[1] == b[1] && (a[0] != e[0] || a[1] != e[1]), what);
    /* folded: the projection into the table gives the same reading; int8 nearly */
    for (int int8 = 0; int8 < 2; int8++) {
        sr_data *fd = NULL;
        sr_net fnet;
        float f[2];
        if (sr_fold(&net, d, int8, &fd, &fnet)) { CHECK(0, "fold: folds"); break; }
        double worst = 0;
        for (int i = 0; i < d->n; i++) {
            sr_work fw;
            if (sr_work_init(&fw, &fnet, 16)) break;
            sr_predict_scene(&net, d, i, &w, e);
            sr_predict_scene(&fnet, fd, i, &fw, f);
            worst = fmax(worst, fmax(fabs(e[0] - f[0]), fabs(e[1] - f[1])));
            sr_work_free(&fw);
        }
        snprintf(what, sizeof what, "fold: a table of %d numbers a word reads every scene as the net does (%s)",
                 P ? P : D, int8 ? "int8, within 0.05" : "float, within 1e-5");
        CHECK(fd->dim == (P ? P : D) && worst < (int8 ? 0.05 : 1e-5), what);
        sr_data_free(fd);
        sr_net_free(&fnet);
    }
    sr_work_free(&w);
    sr_net_free(&net);
    sr_data_free(d);
}

static void test_loss(void) {
    sr_opts o = sr_default_opts();
    o.w_mse = 0.5; o.w_pair = 1; o.pair_scale = 2;
    /* two scenes: valence labels 1 z apart (a pair), energy only on scene 0 */
    const float z[4] = { 1.0f, 0.5f, 0.0f, NAN };
    const float s[4] = { 1.0f, 0.0f, 0.0f, 0.3f };
    double n[2] = {0, 0};
    sr_film_counts(z, 2, n);
    CHECK(n[0] == 3 && n[1] == 1, "loss: three labelled scene-targets and one pair (labels 2 points apart)");
    float ds[4];
    double L = sr_film_loss(s, z, NULL, NULL, 2, &o, n[0], n[1], ds);
    /* mse: (0 + 0 + 0.25) / 3 · 0.5; pair: log(1 + e^-2) */
    double want = 0.5 * 0.25 / 3 + log1p(exp(-2.0));
    CHECK_NEAR(L, want, 1e-6, "loss: squared error plus the pair's logistic loss, each over its batch count");
    for (int i = 0; i < 4; i++) {
        float sp[4], sm[4];
        memcpy(sp, s, sizeof sp); memcpy(sm, s, sizeof sm);
        sp[i] += 1e-3f; sm[i] -= 1e-3f;
        double num = (sr_film_loss(sp, z, NULL, NULL, 2, &o, n[0], n[1], NULL) - sr_film_loss(sm, z, NULL, NULL, 2, &o, n[0], n[1], NULL)) / 2e-3;
        CHECK_NEAR(ds[i], num, 1e-3, i == 0 ? "loss: its gradient matches finite differences (scene 0 valence)"
                                   : i == 1 ? "loss: its gradient matches finite differences (scene 0 energy)"
                                   : i == 2 ? "loss: its gradient matches finite differences (scene 1 valence)"
                                            : "loss: a scene-target without a label gets no gradient");
    }
    /* a weak row (a hint on scene 1's energy, weight 0.3) adds its weighted squared error */
    const float zw[4] = { NAN, NAN, NAN, -1.0f }, ww[4] = { 0, 0, 0, 0.3f };
    double Lw = sr_film_loss(s, z, zw, ww, 2, &o, n[0], n[1], ds);
    CHECK_NEAR(Lw - L, 0.5 * 0.3 * 1.3 * 1.3 / 3, 1e-6, "loss: a weak row adds w_mse · weight · (s − hint)² over the batch count");
    CHECK_NEAR(ds[3], 0.5 * 0.3 * 2 * 1.3 / 3, 1e-6, "loss: and its gradient");
}

/* Scenes of two films: "the dog bites the man" (bright, label 8) and "the man
 * bites the dog" (dark, label 2) — the same words — among filler. */
static const char TRAIN_FILM[] =
    "INT. PARK - DAY\n\nThe dog bites the man near the gate.\n\n"
    "INT. PARK - NIGHT\n\nThe man bites the dog near the bench.\n\n"
    "EXT. STREET - DAY\n\nA red car then the dog bites the man.\n\n"
    "EXT. STREET - NIGHT\n\nA blue car then the man bites the dog.\n\n"
    "INT. SHOP - DAY\n\nSo the dog bites the man again.\n\n"
    "INT. SHOP - NIGHT\n\nSo the man bites the dog again.\n";
static const char VAL_FILM[] =
    "INT. HOUSE - DAY\n\nThe man bites the dog by the door.\n\n"
    "INT. HOUSE - NIGHT\n\nThe dog bites the man by the door.\n";

/* The words of the fixture, numbered from 2; each its own random vector. */
static int word_id(const char *w) {
    static const char *const words[] = { "the", "dog", "bites", "man", "near", "gate", "bench", "a", "red", "blue",
                                         "car", "then", "so", "again", "by", "door", NULL };
    for (int i = 0; words[i]; i++) if (!strcmp(w, words[i])) return i + 2;
    return 1;
}

/* Every scene's word ids (seqs[at], lens[at]) and its labels: valence 8 when
 * the dog bites the man, else 2; energy the other way round. */
static void label_scenes(sb_corpus *c, int32_t *seqs[8], int lens[8]) {
    for (int i = 0; i < c->n; i++) {
        const sb_film *f = &c->films[i];
        for (int s = 0; s < f->ss->n_scenes; s++) {
            const char *t = f->ss->scenes[s].text;
            int at = f->first + s, n = 0;
            seqs[at] = malloc(sizeof(int32_t) * 32);
            char w[32];
            size_t k = 0;
            for (const char *p = t;; p++) {
                if (*p && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) { if (k < 31) w[k++] = (char)(*p | 32); continue; }
                if (k) { w[k] = 0; if (n < 32) seqs[at][n++] = word_id(w); k = 0; }
                if (!*p) break;
            }
            lens[at] = n;
            float y = strstr(t, "dog bites") ? 8.0f : 2.0f;
            f->label[2 * s] = y;
            f->label[2 * s + 1] = 10.0f - y;
        }
    }
}

/* Weight averaging: over the last epoch alone it is the last net; from epoch 1 on it is another. */
static void averaging(const sr_data *d, const sb_corpus *c, sr_opts o) {
    char err[512];
    sr_net a, b;
    o.epochs = 5;
    int ok2 = sr_net_init(&a, 8, 0, o.filters, o.width, o.seed) == 0 && sr_net_init(&b, 8, 0, o.filters, o.width, o.seed) == 0;
    o.avg_from = 0;
    ok2 = ok2 && sr_train(&a, d, c, NULL, &o, NULL, NULL, err, sizeof err) == 0;
    o.avg_from = 5;
    ok2 = ok2 && sr_train(&b, d, c, NULL, &o, NULL, NULL, err, sizeof err) == 0;
    CHECK(ok2 && memcmp(a.p, b.p, sizeof(float) * (size_t)a.n_params) == 0,
          "weight averaging over the last epoch only keeps the last net (and a run repeats exactly)");
    sr_net_free(&b);
    o.avg_from = 1;
    ok2 = ok2 && sr_net_init(&b, 8, 0, o.filters, o.width, o.seed) == 0 && sr_train(&b, d, c, NULL, &o, NULL, NULL, err, sizeof err) == 0;
    CHECK(ok2 && memcmp(a.p, b.p, sizeof(float) * (size_t)a.n_params) != 0, "weight averaging from epoch 1 keeps another net");
    sr_net_free(&a);
    sr_net_free(&b);
}

static void test_word_order(void) {
    if (!mkdtemp(dir)) { CHECK(0, "order: mkdtemp"); return; }
    write_file("Jaws.txt", TRAIN_FILM);
    write_file("Sessions,-The.txt", VAL_FILM);
    char err[512];
    ev_genres *g = ev_genres_parse("{\"Jaws\": [\"Drama\"], \"Sessions,-The\": [\"Drama\"]}", "genres", err, sizeof err);
    sb_corpus *c = g ? sb_corpus_load(g, dir, 1, err, sizeof err) : NULL;
    CHECK(c && c->n == 2 && c->n_scenes == 8, "order: two films, eight scenes");
    if (!c) { printf("# %s\n", err); ev_genres_free(g); return; }
    /* labels on every scene: bright when the dog bites the man */
    int32_t *seqs[8];
    int lens[8];
    label_scenes(c, seqs, lens);
    float vec[18 * 8];
    uint64_t rng;
    nn_rng_seed(&rng, 3);
    for (int i = 0; i < 18 * 8; i++) vec[i] = i < 2 * 8 ? 0.0f : nn_rng_normal(&rng);
    unsigned char train[8];
    for (int i = 0; i < c->n; i++)
        for (int s = 0; s < c->films[i].ss->n_scenes; s++) train[c->films[i].first + s] = !c->films[i].val;
    sr_data *d = sr_data_from_ids((const int32_t *const *)seqs, lens, 8, vec, 18, 8, 64, train, err, sizeof err);
    sr_opts o = sr_default_opts();
    o.filters = 8; o.width = 2; o.proj = 0; o.epochs = 150; o.batch = 1; o.lr = 1e-2; o.dropout = 0; o.residual = 0;
    o.w_mse = 1; o.w_pair = 1;
    sr_net net;
    float pred[16];
    int ok = d && sr_net_init(&net, 8, o.proj, o.filters, o.width, o.seed) == 0;
    CHECK(ok && c->films[1].val && !c->films[0].val, "order: one training film, one validation film");
    if (ok) {
        CHECK(sr_train(&net, d, c, NULL, &o, NULL, NULL, err, sizeof err) == 0, "order: trains on the training film's labels");
        CHECK(sr_predict(&net, d, pred) == 0, "order: reads every scene");
        sb_result r = sb_score(c, pred);
        CHECK(r.labelled[SB_VAL].pairs[SB_VALENCE] == 1 && r.labelled[SB_VAL].acc[SB_VALENCE] == 1.0 &&
              r.labelled[SB_VAL].acc[SB_ENERGY] == 1.0,
              "order: the validation film's two scenes, same words in another order, are ordered as labelled");
        /* the same through a learnt projection to 4 numbers a word (what would ship, folded) */
        sr_net pnet;
        o.proj = 4;
        if (sr_net_init(&pnet, 8, o.proj, o.filters, o.width, o.seed) == 0) {
            int okp = sr_train(&pnet, d, c, NULL, &o, NULL, NULL, err, sizeof err) == 0 && sr_predict(&pnet, d, pred) == 0;
            r = sb_score(c, pred);
            CHECK(okp && r.labelled[SB_VAL].acc[SB_VALENCE] == 1.0 && r.labelled[SB_VAL].acc[SB_ENERGY] == 1.0,
                  "order: so does a reader with a projection to 4 numbers a word");
            sr_net_free(&pnet);
        }
        o.proj = 0;
        averaging(d, c, o);
        o.epochs = 5;
        o.avg_from = 0;
        o.residual = 1;
        CHECK(sr_train(&net, d, c, NULL, &o, NULL, NULL, err, sizeof err) == -1 && strstr(err, "residual"),
              "order: a residual fit without the linear head's scores is refused with a message");
        sr_net_free(&net);
    }
    for (int i = 0; i < 8; i++) free(seqs[i]);
    sr_data_free(d);
    sb_corpus_free(c);
    ev_genres_free(g);
    tf_remove_dir(dir);
}

int main(void) {
    test_data();
    test_gradient(0);
    test_gradient(2);
    test_loss();
    test_word_order();
    return check_summary();
}
