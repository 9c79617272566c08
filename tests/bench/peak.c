/* peak.c — one core's arithmetic ceiling for float multiply-adds.
 *
 * A tight loop of independent 4-lane multiply-adds (acc = acc*a + b, 12
 * accumulators, no memory traffic), best of 5 calls after a warm-up call,
 * timed natively and in WebAssembly:
 *   native: 128-bit SSE mul+add, 128-bit FMA3, 256-bit AVX2 FMA
 *   wasm:   simd128 f32x4.mul + f32x4.add (wasm SIMD has no fused multiply-add)
 *           and scalar f32 mul+add.
 * Prints one JSON object: {"name": GMAC/s, ...}. Built by tests/bench/run.mjs:
 *   cc -O2 -std=c11 tests/bench/peak.c -o build/bench/peak
 *   emcc -O3 -msimd128 tests/bench/peak.c -o build/bench/peak.cjs ...  (run by peak_wasm.mjs)
 */
#include <stdio.h>
#include <time.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile float seed_a = 0.99999f, seed_b = 1e-5f;
static volatile float sink;

#define NACC 12
#define UNROLL(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

/* Runs `iters` iterations of NACC*lanes multiply-adds; returns GMAC/s. */
#define PEAK_FN(NAME, ATTR, VT, LANES, SET1, STEP, HSUM)                       \
    __attribute__((noinline)) ATTR static double NAME(long iters) {            \
        double best = 0;                                                       \
        {                                                                      \
            VT a = SET1(seed_a), b = SET1(seed_b);                             \
            VT acc0 = SET1(1.0f), acc1 = SET1(1.1f), acc2 = SET1(1.2f), acc3 = SET1(1.3f), \
               acc4 = SET1(1.4f), acc5 = SET1(1.5f), acc6 = SET1(1.6f), acc7 = SET1(1.7f), \
               acc8 = SET1(1.8f), acc9 = SET1(1.9f), acc10 = SET1(2.0f), acc11 = SET1(2.1f); \
            double t0 = now_s();                                               \
            for (long i = 0; i < iters; i++) {                                 \
                UNROLL(STEP)                                                   \
            }                                                                  \
            double dt = now_s() - t0;                                          \
            float s = 0;                                                       \
            s += HSUM(acc0) + HSUM(acc1) + HSUM(acc2) + HSUM(acc3) + HSUM(acc4) + HSUM(acc5); \
            s += HSUM(acc6) + HSUM(acc7) + HSUM(acc8) + HSUM(acc9) + HSUM(acc10) + HSUM(acc11); \
            sink = s;                                                          \
            double g = (double)iters * NACC * LANES / dt * 1e-9;               \
            if (g > best) best = g;                                            \
        }                                                                      \
        return best;                                                           \
    }

/* scalar, both targets */
#define S_SET1(x) (x)
#define S_HSUM(v) (v)
#define S_STEP(k) acc##k = acc##k * a + b;
PEAK_FN(peak_scalar, , float, 1, S_SET1, S_STEP, S_HSUM)

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define W_HSUM(v) (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 3))
#define W_STEP(k) acc##k = wasm_f32x4_add(wasm_f32x4_mul(acc##k, a), b);
PEAK_FN(peak_simd128_muladd, , v128_t, 4, wasm_f32x4_splat, W_STEP, W_HSUM)
#elif defined(__x86_64__)
#include <immintrin.h>
#define X_HSUM(v) (_mm_cvtss_f32(v))
#define X_STEP(k) acc##k = _mm_add_ps(_mm_mul_ps(acc##k, a), b);
#define F_STEP(k) acc##k = _mm_fmadd_ps(acc##k, a, b);
#define Y_HSUM(v) (_mm256_cvtss_f32(v))
#define Y_STEP(k) acc##k = _mm256_fmadd_ps(acc##k, a, b);
PEAK_FN(peak_sse_muladd, __attribute__((target("sse2"))), __m128, 4, _mm_set1_ps, X_STEP, X_HSUM)
PEAK_FN(peak_fma128, __attribute__((target("fma"))), __m128, 4, _mm_set1_ps, F_STEP, X_HSUM)
PEAK_FN(peak_fma256, __attribute__((target("avx2,fma"))), __m256, 8, _mm256_set1_ps, Y_STEP, Y_HSUM)
#endif

/* Best of several separate calls: in wasm the first call may still run
 * V8's baseline code (no on-stack replacement for wasm); later calls get the
 * optimised tier. */
static double best_of(double (*fn)(long), long iters) {
    double best = 0;
    fn(iters / 20);
    for (int r = 0; r < 5; r++) {
        double g = fn(iters);
        if (g > best) best = g;
    }
    return best;
}

int main(int argc, char **argv) {
    long iters = 10000000;   /* 4.8e8 multiply-adds per 4-lane call */
    if (argc > 1) sscanf(argv[1], "%ld", &iters);
    printf("{\"scalar\": %.3f", best_of(peak_scalar, iters / 2));
#if defined(__wasm_simd128__)
    printf(", \"simd128_muladd\": %.3f", best_of(peak_simd128_muladd, iters));
#elif defined(__x86_64__)
    __builtin_cpu_init();
    printf(", \"sse128_muladd\": %.3f", best_of(peak_sse_muladd, iters));
    if (__builtin_cpu_supports("fma")) printf(", \"fma128\": %.3f", best_of(peak_fma128, iters));
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        printf(", \"fma256\": %.3f", best_of(peak_fma256, iters));
#endif
    printf("}\n");
    return 0;
}
