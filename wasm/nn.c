/* nn.c — layer forward passes (see nn.h). */
#include "nn.h"

#include <math.h>
#include <string.h>

float nn_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

void nn_activate(float *x, size_t n, int act) {
    switch (act) {
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++) x[i] = tanhf(x[i]);
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++) x[i] = nn_sigmoid(x[i]);
        break;
    default: break;
    }
}

/* out[T][D], ids[T], table[V][D] */
void embedding_forward(float *out, const int32_t *ids, const float *table, int T, int V, int D) {
    for (int t = 0; t < T; t++) {
        int id = ids[t];
        if (id < 0 || id >= V) id = V > 1 ? 1 : 0;
        memcpy(out + (size_t)t * D, table + (size_t)id * D, (size_t)D * sizeof(float));
    }
}

/* out[T-K+1][F], in[T][C], kernel[K][C][F], bias[F] */
void conv1d_forward(float *out, const float *in, const float *kernel, const float *bias,
                    int T, int C, int F, int K, int act) {
    int To = T - K + 1;
    for (int t = 0; t < To; t++) {
        float *o = out + (size_t)t * F;
        for (int f = 0; f < F; f++) o[f] = bias ? bias[f] : 0.0f;
        /* in rows t..t+K-1 are contiguous: K*C values against kernel[K*C][F] */
        const float *x = in + (size_t)t * C;
        for (int j = 0; j < K * C; j++) {
            float xv = x[j];
            const float *w = kernel + (size_t)j * F;
            for (int f = 0; f < F; f++) o[f] += xv * w[f];
        }
    }
    nn_activate(out, (size_t)To * F, act);
}

/* out[T/P][C], argmax[T/P][C] or NULL, in[T][C] */
void maxpool1d_forward(float *out, int32_t *argmax, const float *in, int T, int C, int P) {
    int To = T / P;
    for (int to = 0; to < To; to++) {
        float *o = out + (size_t)to * C;
        const float *x0 = in + (size_t)to * P * C;
        memcpy(o, x0, (size_t)C * sizeof(float));
        if (argmax) for (int c = 0; c < C; c++) argmax[(size_t)to * C + c] = to * P;
        for (int p = 1; p < P; p++) {
            const float *x = x0 + (size_t)p * C;
            if (argmax) {
                for (int c = 0; c < C; c++)
                    if (x[c] > o[c]) { o[c] = x[c]; argmax[(size_t)to * C + c] = to * P + p; }
            } else {
                for (int c = 0; c < C; c++) o[c] = x[c] > o[c] ? x[c] : o[c];
            }
        }
    }
}

/* One LSTM cell update from the pre-activations z[4H] (overwritten with the
 * gate activations i,f,g,o); c[H] updated in place, h[H] written. */
static void lstm_cell(float *z, float *c, float *h, int H) {
    float *zi = z, *zf = z + H, *zg = z + 2 * H, *zo = z + 3 * H;
    for (int j = 0; j < H; j++) {
        float i = nn_sigmoid(zi[j]), f = nn_sigmoid(zf[j]);
        float g = tanhf(zg[j]), o = nn_sigmoid(zo[j]);
        float cn = f * c[j] + i * g;
        c[j] = cn;
        h[j] = o * tanhf(cn);
        zi[j] = i; zf[j] = f; zg[j] = g; zo[j] = o;
    }
}

/* out[H] or out[T][H]; in[T][C]; kernel[C][4H]; recurrent[H][4H]; bias[4H];
 * cache NULL or [T][6H]; scratch[7H]. */
void lstm_forward(float *out, const float *in, const float *kernel, const float *recurrent,
                  const float *bias, int T, int C, int H, int return_sequences, int reverse,
                  float *cache, float *scratch) {
    int G = 4 * H;
    float *zbuf = scratch, *cbuf = scratch + G, *hbuf = scratch + 5 * H, *hprev = scratch + 6 * H;
    (void)hbuf;
    memset(cbuf, 0, (size_t)H * sizeof(float));
    memset(hprev, 0, (size_t)H * sizeof(float));
    for (int s = 0; s < T; s++) {
        int t = reverse ? T - 1 - s : s;
        float *z = cache ? cache + (size_t)s * LSTM_CACHE_PER_UNIT * H : zbuf;
        const float *x = in + (size_t)t * C;
        memcpy(z, bias, (size_t)G * sizeof(float));
        for (int k = 0; k < C; k++) {
            float xv = x[k];
            const float *w = kernel + (size_t)k * G;
            for (int j = 0; j < G; j++) z[j] += xv * w[j];
        }
        if (s > 0) {
            for (int k = 0; k < H; k++) {
                float hv = hprev[k];
                const float *w = recurrent + (size_t)k * G;
                for (int j = 0; j < G; j++) z[j] += hv * w[j];
            }
        }
        lstm_cell(z, cbuf, hprev, H);   /* c, h updated in place */
        if (cache) {
            memcpy(z + 4 * H, cbuf, (size_t)H * sizeof(float));
            memcpy(z + 5 * H, hprev, (size_t)H * sizeof(float));
        }
        if (return_sequences) memcpy(out + (size_t)t * H, hprev, (size_t)H * sizeof(float));
    }
    if (!return_sequences) memcpy(out, hprev, (size_t)H * sizeof(float));
}

/* in[N][T][C], out[N][H], scratch[N*7*H] */
void lstm_forward_batch(float *out, const float *in, const float *kernel, const float *recurrent,
                        const float *bias, int N, int T, int C, int H, int reverse, float *scratch) {
    int G = 4 * H;
    float *z = scratch;                       /* [N][4H] */
    float *c = scratch + (size_t)N * G;       /* [N][H] */
    float *h = c + (size_t)N * H;             /* [N][H] */
    float *hn = h + (size_t)N * H;            /* [N][H] */
    memset(c, 0, (size_t)N * H * sizeof(float));
    memset(h, 0, (size_t)N * H * sizeof(float));
    for (int s = 0; s < T; s++) {
        int t = reverse ? T - 1 - s : s;
        for (int n = 0; n < N; n++) {
            float *zn = z + (size_t)n * G;
            const float *x = in + ((size_t)n * T + t) * C;
            const float *hp = h + (size_t)n * H;
            memcpy(zn, bias, (size_t)G * sizeof(float));
            for (int k = 0; k < C; k++) {
                float xv = x[k];
                const float *w = kernel + (size_t)k * G;
                for (int j = 0; j < G; j++) zn[j] += xv * w[j];
            }
            if (s > 0) {
                for (int k = 0; k < H; k++) {
                    float hv = hp[k];
                    const float *w = recurrent + (size_t)k * G;
                    for (int j = 0; j < G; j++) zn[j] += hv * w[j];
                }
            }
            lstm_cell(zn, c + (size_t)n * H, hn + (size_t)n * H, H);
        }
        memcpy(h, hn, (size_t)N * H * sizeof(float));
    }
    memcpy(out, h, (size_t)N * H * sizeof(float));
}

/* out[N][O], in[N][I], kernel[I][O], bias[O] or NULL */
void dense_forward(float *out, const float *in, const float *kernel, const float *bias,
                   int N, int I, int O, int act) {
    for (int n = 0; n < N; n++) {
        float *o = out + (size_t)n * O;
        const float *x = in + (size_t)n * I;
        for (int j = 0; j < O; j++) o[j] = bias ? bias[j] : 0.0f;
        for (int i = 0; i < I; i++) {
            float xv = x[i];
            const float *w = kernel + (size_t)i * O;
            for (int j = 0; j < O; j++) o[j] += xv * w[j];
        }
    }
    nn_activate(out, (size_t)N * O, act);
}

void gap1d_forward(float *out, const float *in, int T, int C) {
    for (int c = 0; c < C; c++) out[c] = 0.0f;
    for (int t = 0; t < T; t++)
        for (int c = 0; c < C; c++) out[c] += in[(size_t)t * C + c];
    float inv = 1.0f / (float)T;
    for (int c = 0; c < C; c++) out[c] *= inv;
}

void gmp1d_forward(float *out, int32_t *argmax, const float *in, int T, int C) {
    memcpy(out, in, (size_t)C * sizeof(float));
    if (argmax) for (int c = 0; c < C; c++) argmax[c] = 0;
    for (int t = 1; t < T; t++) {
        const float *x = in + (size_t)t * C;
        for (int c = 0; c < C; c++)
            if (x[c] > out[c]) { out[c] = x[c]; if (argmax) argmax[c] = t; }
    }
}

int meanpool_masked_forward(float *out, const float *in, const int32_t *ids, int T, int C) {
    int n = 0;
    for (int c = 0; c < C; c++) out[c] = 0.0f;
    for (int t = 0; t < T; t++) {
        if (ids[t] == 0) continue;
        n++;
        const float *x = in + (size_t)t * C;
        for (int c = 0; c < C; c++) out[c] += x[c];
    }
    if (n > 0) {
        float inv = 1.0f / (float)n;
        for (int c = 0; c < C; c++) out[c] *= inv;
    }
    return n;
}

void nn_rng_seed(uint64_t *state, uint64_t seed) {
    /* splitmix64 scramble so that small seeds give good states */
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    *state = z ? z : 0x2545F4914F6CDD1Dull;
}

uint64_t nn_rng_next(uint64_t *state) {
    uint64_t x = *state;
    if (!x) x = 0x2545F4914F6CDD1Dull;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

float nn_rng_uniform(uint64_t *state) {
    return (float)(nn_rng_next(state) >> 40) * (1.0f / 16777216.0f);
}

float nn_rng_normal(uint64_t *state) {
    float u1 = nn_rng_uniform(state), u2 = nn_rng_uniform(state);
    if (u1 < 1e-12f) u1 = 1e-12f;
    return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530717958647692f * u2);
}

void dropout_forward_train(float *out, float *mask, const float *in, size_t n, float rate,
                           uint64_t *rng) {
    if (!(rate > 0.0f)) {
        for (size_t i = 0; i < n; i++) { mask[i] = 1.0f; out[i] = in[i]; }
        return;
    }
    float keep = 1.0f / (1.0f - rate);
    for (size_t i = 0; i < n; i++) {
        mask[i] = nn_rng_uniform(rng) < rate ? 0.0f : keep;
        out[i] = in[i] * mask[i];
    }
}

void bilstm_concat(float *out, const float *fwd, const float *bwd, int R, int H) {
    for (int r = 0; r < R; r++) {
        memcpy(out + (size_t)r * 2 * H, fwd + (size_t)r * H, (size_t)H * sizeof(float));
        memcpy(out + (size_t)r * 2 * H + H, bwd + (size_t)r * H, (size_t)H * sizeof(float));
    }
}
