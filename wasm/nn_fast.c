/* nn_fast.c — the fast inference path's kernels (see nn_fast.h). */
#include "nn_fast.h"

#include <string.h>

/* GCC refuses to vectorise the clamps below while FP operations may trap
 * (its default); they never trap here, and results are unchanged. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

/* expf for the gates: clamp, split into 2^n · e^r, degree-6 polynomial. */
static inline float fast_expf(float x) {
    /* not fminf/fmaxf: those are libm calls without fast-math. Written so a
     * NaN fails the first comparison and becomes -87 (a NaN reaching the
     * int conversion below is undefined behaviour). */
    x = x > -87.0f ? x : -87.0f;
    x = x < 88.0f ? x : 88.0f;
    float fn = x * 1.44269504088896341f;
    fn = (fn + 12582912.0f) - 12582912.0f;   /* round to nearest */
    float r = x - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    union { uint32_t u; float f; } scale;
    scale.u = (uint32_t)((int32_t)fn + 127) << 23;
    return p * scale.f;
}

static inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_expf(-x)); }
static inline float fast_tanh(float x) { return 2.0f / (1.0f + fast_expf(-2.0f * x)) - 1.0f; }

/* z[4H] pre-activations → c, h updated in place. */
static void lstm_cell_fast(const float *restrict z, float *restrict c, float *restrict h, int H) {
    const float *zi = z, *zf = z + H, *zg = z + 2 * H, *zo = z + 3 * H;
    for (int j = 0; j < H; j++) {
        float i = fast_sigmoid(zi[j]), f = fast_sigmoid(zf[j]);
        float g = fast_tanh(zg[j]), o = fast_sigmoid(zo[j]);
        float cn = f * c[j] + i * g;
        c[j] = cn;
        h[j] = o * fast_tanh(cn);
    }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/* 4-float vectors (GCC/clang vector extension): SSE natively, simd128 in the
 * wasm build, plain scalars where neither exists. Loads and stores go
 * through memcpy (unaligned, no aliasing questions). */
typedef float v4f __attribute__((vector_size(16)));
static inline v4f v4_load(const float *p) { v4f v; memcpy(&v, p, sizeof v); return v; }
static inline void v4_store(float *p, v4f v) { memcpy(p, &v, sizeof v); }

/* Z[M][G] (row stride ldz) += A[M][Kd] (row stride lda) · W[Kd][G].
 * Register-tiled: a 4-row × 8-column block of Z stays in 8 vector registers
 * while k runs, so each W vector loaded serves 4 rows. Leftover columns
 * (G not a multiple of 8) and rows go through plain loops. */
void matmul_acc(float *Z, size_t ldz, const float *A, size_t lda, const float *W,
                       int M, int Kd, int G) {
    int m = 0, G8 = G & ~7;
    for (; m + 4 <= M; m += 4) {
        const float *a0 = A + (size_t)m * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        float *z0 = Z + (size_t)m * ldz, *z1 = z0 + ldz, *z2 = z1 + ldz, *z3 = z2 + ldz;
        for (int j = 0; j < G8; j += 8) {
            v4f c00 = v4_load(z0 + j), c01 = v4_load(z0 + j + 4);
            v4f c10 = v4_load(z1 + j), c11 = v4_load(z1 + j + 4);
            v4f c20 = v4_load(z2 + j), c21 = v4_load(z2 + j + 4);
            v4f c30 = v4_load(z3 + j), c31 = v4_load(z3 + j + 4);
            const float *w = W + j;
            for (int k = 0; k < Kd; k++, w += G) {
                v4f w0 = v4_load(w), w1 = v4_load(w + 4);
                v4f x0 = {a0[k], a0[k], a0[k], a0[k]}, x1 = {a1[k], a1[k], a1[k], a1[k]};
                v4f x2 = {a2[k], a2[k], a2[k], a2[k]}, x3 = {a3[k], a3[k], a3[k], a3[k]};
                c00 += x0 * w0; c01 += x0 * w1;
                c10 += x1 * w0; c11 += x1 * w1;
                c20 += x2 * w0; c21 += x2 * w1;
                c30 += x3 * w0; c31 += x3 * w1;
            }
            v4_store(z0 + j, c00); v4_store(z0 + j + 4, c01);
            v4_store(z1 + j, c10); v4_store(z1 + j + 4, c11);
            v4_store(z2 + j, c20); v4_store(z2 + j + 4, c21);
            v4_store(z3 + j, c30); v4_store(z3 + j + 4, c31);
        }
        if (G8 < G)
            for (int r = 0; r < 4; r++) {
                float *z = Z + (size_t)(m + r) * ldz;
                const float *a = A + (size_t)(m + r) * lda;
                for (int k = 0; k < Kd; k++)
                    for (int j = G8; j < G; j++) z[j] += a[k] * W[(size_t)k * G + j];
            }
    }
    for (; m < M; m++) {
        float *z = Z + (size_t)m * ldz;
        const float *a = A + (size_t)m * lda;
        for (int j = 0; j < G8; j += 8) {
            v4f c0 = v4_load(z + j), c1 = v4_load(z + j + 4);
            const float *w = W + j;
            for (int k = 0; k < Kd; k++, w += G) {
                v4f x = {a[k], a[k], a[k], a[k]};
                c0 += x * v4_load(w);
                c1 += x * v4_load(w + 4);
            }
            v4_store(z + j, c0); v4_store(z + j + 4, c1);
        }
        for (int k = 0; k < Kd; k++)
            for (int j = G8; j < G; j++) z[j] += a[k] * W[(size_t)k * G + j];
    }
}

/* Index from which ids[] is all padding (n if the last id is not 0). */
int pad_tail(const int32_t *ids, int n) {
    int t = n;
    while (t > 0 && ids[t - 1] == 0) t--;
    return t;
}

/* Conv1D over embedded ids through the table. out[To][F]; returns the
 * step from which all rows are identical (To if none). */
int conv_table_forward(float *out, const int32_t *ids, const float *tab, const float *bias,
                              int S, int V, int K, int F, int act) {
    int To = S - K + 1, tail = pad_tail(ids, S);
    int last = tail < To ? tail : To - 1;    /* rows > last equal row last */
    for (int t = 0; t <= last; t++) memcpy(out + (size_t)t * F, bias, (size_t)F * sizeof(float));
    /* token by token: its K table rows are contiguous (one cache-friendly
     * block per token); row t still receives k = 0..K-1 in order */
    for (int p = 0; p < last + K; p++) {
        int id = ids[p];
        if (id < 0 || id >= V) id = V > 1 ? 1 : 0;
        const float *blk = tab + (size_t)id * K * F;
        int k0 = p - last > 0 ? p - last : 0, k1 = p < K - 1 ? p : K - 1;
        for (int k = k0; k <= k1; k++) {
            float *restrict o = out + (size_t)(p - k) * F;
            const float *restrict r = blk + (size_t)k * F;
            int f = 0;
            for (; f + 4 <= F; f += 4) v4_store(o + f, v4_load(o + f) + v4_load(r + f));
            for (; f < F; f++) o[f] += r[f];
        }
    }
    nn_activate(out, (size_t)(last + 1) * F, act);
    for (int t = last + 1; t < To; t++) memcpy(out + (size_t)t * F, out + (size_t)last * F, (size_t)F * sizeof(float));
    return last + 1 < To ? last : To;
}

/* N sequences through one LSTM direction. in: sequence n at in + n*istride,
 * [T][C]; rows >= same[n] of sequence n are identical. Output: last state at
 * out + n*ostride + off, or (seq) state of step t at out + n*ostride +
 * t*orow + off. lw: N * (T*4H + 6H) floats. */
void lstm_fast(float *out, size_t ostride, size_t orow, size_t off, const float *in, size_t istride,
                      const float *Kw, const float *R, const float *b, int N, int T, int C, int H,
                      int seq, int reverse, const int *same, float *lw) {
    size_t G = 4 * (size_t)H;
    float *XZ = lw, *z = lw + (size_t)N * T * G, *c = z + (size_t)N * G, *h = c + (size_t)N * H;
    for (int n = 0; n < N; n++) {
        float *xz = XZ + (size_t)n * T * G;
        int rows = same[n] < T ? same[n] + 1 : T;
        for (int t = 0; t < rows; t++) memcpy(xz + (size_t)t * G, b, G * sizeof(float));
        matmul_acc(xz, G, in + (size_t)n * istride, (size_t)C, Kw, rows, C, (int)G);
        for (int t = rows; t < T; t++) memcpy(xz + (size_t)t * G, xz + (size_t)(rows - 1) * G, G * sizeof(float));
    }
    memset(c, 0, (size_t)N * H * sizeof(float));
    memset(h, 0, (size_t)N * H * sizeof(float));
    for (int s = 0; s < T; s++) {
        int t = reverse ? T - 1 - s : s;
        for (int n = 0; n < N; n++) memcpy(z + (size_t)n * G, XZ + ((size_t)n * T + t) * G, G * sizeof(float));
        if (s > 0) matmul_acc(z, G, h, (size_t)H, R, N, H, (int)G);
        for (int n = 0; n < N; n++) lstm_cell_fast(z + (size_t)n * G, c + (size_t)n * H, h + (size_t)n * H, H);
        if (seq)
            for (int n = 0; n < N; n++)
                memcpy(out + (size_t)n * ostride + (size_t)t * orow + off, h + (size_t)n * H, (size_t)H * sizeof(float));
    }
    if (!seq)
        for (int n = 0; n < N; n++) memcpy(out + (size_t)n * ostride + off, h + (size_t)n * H, (size_t)H * sizeof(float));
}

/* Dense on one vector, skipping zero inputs (a TF-IDF vector over a large
 * vocabulary is almost all zeros, as are many ReLU outputs). Exact: the
 * skipped terms are 0 · w with finite w (the loader rejects non-finite
 * weights), so the sums are unchanged. */
void dense_skip_zeros(float *out, const float *in, const float *W, const float *b, int I, int O, int act) {
    if (b) memcpy(out, b, (size_t)O * sizeof(float));
    else memset(out, 0, (size_t)O * sizeof(float));
    for (int i = 0; i < I; i++) {
        float x = in[i];
        if (x == 0.0f) continue;
        const float *restrict w = W + (size_t)i * O;
        float *restrict o = out;
        for (int j = 0; j < O; j++) o[j] += x * w[j];
    }
    nn_activate(out, (size_t)O, act);
}
