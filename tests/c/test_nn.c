/* test_nn.c — every layer's forward pass against hand-computed values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn.h"

static void test_embedding(void) {
    float table[6] = {0, 0, 1, 2, 3, 4};
    int32_t ids[5] = {2, 0, 1, 7, -1};
    float out[10], want[10] = {3, 4, 0, 0, 1, 2, 1, 2, 1, 2};
    embedding_forward(out, ids, table, 5, 3, 2);
    check_tensor(out, want, 10, 0, "embedding looks rows up; out-of-range ids read the OOV row");
}

static void test_conv(void) {
    float in1[4] = {1, 2, 4, 8}, k1[2] = {2, 1}, b1[1] = {0.5f}, o1[3], w1[3] = {4.5f, 8.5f, 16.5f};
    conv1d_forward(o1, in1, k1, b1, 4, 1, 1, 2, NN_ACT_LINEAR);
    check_tensor(o1, w1, 3, 1e-6f, "conv1d 1 channel: out[t] = 2 in[t] + in[t+1] + 0.5 (valid padding)");
    /* in[T=3][C=2], kernel[K=2][C=2][F=2] */
    float in[6] = {1, 2, 3, 4, 5, 6};
    float k[8] = {1, 0, 0, 1, /* k=1: */ 1, 1, -1, 2};
    float b[2] = {-1, -10}, o[4];
    float lin[4] = {-1, 3, 1, 11}, rel[4] = {0, 3, 1, 11};
    conv1d_forward(o, in, k, b, 3, 2, 2, 2, NN_ACT_LINEAR);
    check_tensor(o, lin, 4, 1e-6f, "conv1d 2 channels, 2 filters, kernel 2: Keras [K][C][F] layout");
    conv1d_forward(o, in, k, b, 3, 2, 2, 2, NN_ACT_RELU);
    check_tensor(o, rel, 4, 1e-6f, "conv1d relu clips negatives to 0");
    conv1d_forward(o, in, k, NULL, 3, 2, 2, 2, NN_ACT_LINEAR);
    float nob[4] = {0, 13, 2, 21};
    check_tensor(o, nob, 4, 1e-6f, "conv1d without a bias");
}

static void test_pool(void) {
    float in[10] = {1, 5, 3, 2, 0, 0, -1, 7, 9, 9}, out[4], want[4] = {3, 5, 0, 7};
    int32_t am[4];
    maxpool1d_forward(out, am, in, 5, 2, 2);
    check_tensor(out, want, 4, 0, "maxpool1d(2) takes pairwise maxima and drops the odd last step");
    CHECK(am[0] == 1 && am[1] == 0 && am[2] == 2 && am[3] == 3, "maxpool1d records the argmax rows");
    maxpool1d_forward(out, NULL, in, 5, 2, 5);
    float w5[2] = {9, 9};
    check_tensor(out, w5, 2, 0, "maxpool1d(5) over the whole sequence");
    float g[2], gw[2] = {12.0f / 5, 23.0f / 5};
    gap1d_forward(g, in, 5, 2);
    check_tensor(g, gw, 2, 1e-6f, "gap1d averages over time");
    int32_t gm[2];
    float mx[2], mxw[2] = {9, 9};
    gmp1d_forward(mx, gm, in, 5, 2);
    check_tensor(mx, mxw, 2, 0, "gmp1d takes the max over time");
    CHECK(gm[0] == 4 && gm[1] == 4, "gmp1d records the argmax step");
    int32_t ids[5] = {3, 0, 1, 0, 2};
    float mp[2], mpw[2] = {(1 + 0 + 9) / 3.0f, (5 + 0 + 9) / 3.0f};
    CHECK(meanpool_masked_forward(mp, in, ids, 5, 2) == 3, "masked mean pool counts the non-padding tokens");
    check_tensor(mp, mpw, 2, 1e-6f, "masked mean pool averages over ids != 0 only");
    int32_t zero[5] = {0};
    float zw[2] = {0, 0};
    CHECK(meanpool_masked_forward(mp, in, zero, 5, 2) == 0, "masked mean pool of all padding counts 0");
    check_tensor(mp, zw, 2, 0, "masked mean pool of all padding is zeros");
}

static void test_dense(void) {
    float in[4] = {1, 2, -1, 0}, W[4] = {1, 2, 3, 4}, b[2] = {0.5f, -20}, o[4];
    float lin[4] = {7.5f, -10, -0.5f, -22}, rel[4] = {7.5f, 0, 0, 0};
    dense_forward(o, in, W, b, 2, 2, 2, NN_ACT_LINEAR);
    check_tensor(o, lin, 4, 1e-6f, "dense on 2 rows with a Keras [I][O] kernel");
    dense_forward(o, in, W, b, 2, 2, 2, NN_ACT_RELU);
    check_tensor(o, rel, 4, 1e-6f, "dense relu");
    dense_forward(o, in, W, NULL, 1, 2, 2, NN_ACT_TANH);
    float th[2] = {tanhf(7), tanhf(10)};
    check_tensor(o, th, 2, 1e-6f, "dense tanh without bias");
    dense_forward(o, in, W, b, 1, 2, 2, NN_ACT_SIGMOID);
    float sg[2] = {1 / (1 + expf(-7.5f)), 1 / (1 + expf(10))};
    check_tensor(o, sg, 2, 1e-6f, "dense sigmoid");
}

/* H = 2, C = 1, T = 3: values computed by hand (double precision) from the
 * Keras equations with gates ordered i, f, c, o. */
static const float LK[8] = {0.5f, -0.3f, 0.8f, 0.1f, -0.6f, 0.9f, 0.2f, -0.4f};
static const float LR[16] = {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f,
                             -0.2f, 0.3f, 0.1f, -0.1f, 0.4f, 0.2f, -0.5f, 0.6f};
static const float LB[8] = {0.1f, 0.0f, 1.0f, 1.0f, -0.1f, 0.2f, 0.0f, 0.3f};
static const float LX[3] = {1.0f, -2.0f, 0.5f};

static void test_lstm(void) {
    float scr[14], cache[3 * 12], out[6];
    float fwd_seq[6] = {-0.2042878447934208f, 0.15583770985889014f, 0.025706954135157768f,
                        -0.24867481714731335f, -0.11695817611746333f, -0.013886039050927348f};
    float bwd_seq[6] = {-0.17983497561830128f, 0.00032564641805353555f, 0.052124555273153926f,
                        -0.2903363046698357f, -0.11511000311842838f, 0.1356763234999972f};
    lstm_forward(out, LX, LK, LR, LB, 3, 1, 2, 0, 0, NULL, scr);
    check_tensor(out, fwd_seq + 4, 2, 1e-6f, "lstm last state matches hand values (Keras gate order i,f,c,o)");
    lstm_forward(out, LX, LK, LR, LB, 3, 1, 2, 1, 0, cache, scr);
    check_tensor(out, fwd_seq, 6, 1e-6f, "lstm return_sequences gives every state");
    check_tensor(cache + 2 * 12 + 10, fwd_seq + 4, 2, 1e-6f, "lstm cache keeps h_t per step");
    lstm_forward(out, LX, LK, LR, LB, 3, 1, 2, 1, 1, NULL, scr);
    check_tensor(out, bwd_seq, 6, 1e-6f, "reversed lstm sequence is re-aligned to input order");
    lstm_forward(out, LX, LK, LR, LB, 3, 1, 2, 0, 1, NULL, scr);
    check_tensor(out, bwd_seq, 2, 1e-6f, "reversed lstm last state is the state after reading in[0]");

    /* batch = N single runs */
    int N = 5, T = 9, C = 4, H = 7, G = 28;
    uint64_t rng;
    nn_rng_seed(&rng, 5);
    float *in = malloc(sizeof(float) * (size_t)N * T * C), *k = malloc(sizeof(float) * (size_t)C * G);
    float *r = malloc(sizeof(float) * (size_t)H * G), *b = malloc(sizeof(float) * (size_t)G);
    float *ob = malloc(sizeof(float) * (size_t)N * H), *os = malloc(sizeof(float) * (size_t)N * H);
    float *sb = malloc(sizeof(float) * (size_t)N * 7 * H), *ss = malloc(sizeof(float) * 7 * (size_t)H);
    for (int i = 0; i < N * T * C; i++) in[i] = 2 * nn_rng_uniform(&rng) - 1;
    for (int i = 0; i < C * G; i++) k[i] = nn_rng_uniform(&rng) - 0.5f;
    for (int i = 0; i < H * G; i++) r[i] = nn_rng_uniform(&rng) - 0.5f;
    for (int i = 0; i < G; i++) b[i] = nn_rng_uniform(&rng) - 0.5f;
    for (int rev = 0; rev < 2; rev++) {
        lstm_forward_batch(ob, in, k, r, b, N, T, C, H, rev, sb);
        for (int n = 0; n < N; n++) lstm_forward(os + n * H, in + n * T * C, k, r, b, T, C, H, 0, rev, NULL, ss);
        check_tensor(ob, os, N * H, 1e-6f, rev ? "lstm_forward_batch reversed equals single runs"
                                                : "lstm_forward_batch equals single runs");
    }
    free(in); free(k); free(r); free(b); free(ob); free(os); free(sb); free(ss);
}

static void test_misc(void) {
    float x[4] = {-1, 0, 2, -3};
    nn_activate(x, 4, NN_ACT_RELU);
    float w[4] = {0, 0, 2, 0};
    check_tensor(x, w, 4, 0, "relu activation");
    CHECK_NEAR(nn_sigmoid(0), 0.5, 1e-7, "sigmoid(0) = 0.5");
    CHECK(nn_sigmoid(-100) >= 0 && nn_sigmoid(100) <= 1, "sigmoid saturates without overflow");
    uint64_t a, b;
    nn_rng_seed(&a, 1); nn_rng_seed(&b, 1);
    int same = 1;
    for (int i = 0; i < 100; i++) same &= nn_rng_next(&a) == nn_rng_next(&b);
    CHECK(same, "the rng is reproducible from its seed");
    nn_rng_seed(&a, 0);
    CHECK(a != 0, "seed 0 still gives a working state");
    double s = 0, s2 = 0;
    nn_rng_seed(&a, 3);
    for (int i = 0; i < 20000; i++) { float u = nn_rng_uniform(&a); s += u; if (u < 0 || u >= 1) s2 = 1e9; }
    CHECK(fabs(s / 20000 - 0.5) < 0.01 && s2 == 0, "uniform draws lie in [0,1) with mean 1/2");
    s = s2 = 0;
    for (int i = 0; i < 20000; i++) { float z = nn_rng_normal(&a); s += z; s2 += (double)z * z; }
    CHECK(fabs(s / 20000) < 0.03 && fabs(s2 / 20000 - 1) < 0.05, "normal draws have mean 0 and variance 1");
    float in[6] = {1, 2, 3, 4, 5, 6}, out[6], mask[6];
    dropout_forward_train(out, mask, in, 6, 0, &a);
    check_tensor(out, in, 6, 0, "dropout with rate 0 is the identity");
}

int main(void) {
    (void)check_skip;
    test_embedding();
    test_conv();
    test_pool();
    test_dense();
    test_lstm();
    test_misc();
    return check_summary();
}
