/* strtod.c — ms_strtod, the build-wide strtod of the wasm engine: see
 * strtod.h for why it exists. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strtod.h"

#undef strtod
double strtod(const char *restrict s, char **restrict end);
double ms_strtod(const char *s, char **end) {
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s;
    int neg = 0, digits = 0, any = 0;
    long long e10 = 0;
    uint64_t mant = 0;
    if (*p == '-') { neg = 1; p++; }
    for (; *p >= '0' && *p <= '9'; p++) {
        any = 1;
        if (mant == 0 && *p == '0') continue;            /* leading zeros */
        if (++digits > 15) goto slow;
        mant = mant * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            any = 1;
            e10--;
            if (mant == 0 && *p == '0') continue;
            if (++digits > 15) goto slow;
            mant = mant * 10 + (uint64_t)(*p - '0');
        }
    }
    if (!any) goto slow;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int eneg = 0;
        long long ev = 0;
        if (*q == '+' || *q == '-') eneg = *q++ == '-';
        if (!(*q >= '0' && *q <= '9')) goto slow;
        for (; *q >= '0' && *q <= '9'; q++) { if (ev < 100000) ev = ev * 10 + (*q - '0'); }
        e10 += eneg ? -ev : ev;
        p = q;
    }
    double v;
    if (mant == 0) v = 0;
    else if (e10 >= 0 && e10 <= 22) v = (double)mant * p10[e10];
    else if (e10 < 0 && e10 >= -22) v = (double)mant / p10[-e10];
    else goto slow;
    if (end) *end = (char *)p;
    return neg ? -v : v;
slow:
    return strtod(s, end);
}

/* cJSON checks every number it prints by reading it back with
 * sscanf("%lg") (and prints it again with 17 digits when that misses); musl's
 * scanf reads in software long double too, which made printing the model's
 * info and every answer's numbers most of their cost. "%lg" goes through
 * ms_strtod instead (the same double: both are correctly rounded); any other
 * format to the real vsscanf. */
#undef sscanf
int ms_sscanf(const char *restrict s, const char *restrict fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n;
    if (strcmp(fmt, "%lg") == 0) {
        double *out = va_arg(ap, double *);
        while (*s == ' ' || (*s >= '\t' && *s <= '\r')) s++;   /* as scanf skips white space */
        char *end;
        double v = ms_strtod(s, &end);
        if (end == s) n = *s ? 0 : EOF;
        else { *out = v; n = 1; }
    } else {
        n = vsscanf(s, fmt, ap);
    }
    va_end(ap);
    return n;
}
