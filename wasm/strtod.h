/* strtod.h — ms_strtod: a strtod with an exact fast path, which the wasm build gives cJSON
 * (-Dstrtod=ms_strtod in wasm/Makefile's EMFLAGS): Emscripten's musl strtod
 * computes in 128-bit long double, which wasm emulates in software, making a
 * request of 10,000 songs take hundreds of milliseconds to parse. Numbers
 * with at most 15 significant digits (engine.js sends float32-precision
 * values, 9 digits) and a decimal exponent within +-22 are converted with one
 * correctly rounded IEEE operation (Clinger's fast path: both the digits and
 * the power of ten are exact doubles), so the result equals strtod's; any
 * other text goes to the real strtod. */
#ifndef MOODSPACE_STRTOD_H
#define MOODSPACE_STRTOD_H

/* strtod(s, end) with the fast path above; same result, same *end. */
double ms_strtod(const char *s, char **end);

/* sscanf(s, fmt, ...) with "%lg" read by ms_strtod: the wasm build gives it
 * cJSON too (-Dsscanf=ms_sscanf), which reads back every number it prints. */
int ms_sscanf(const char *restrict s, const char *restrict fmt, ...);

#endif
