/* check.h — a tiny TAP-style test harness for the C tests.
 *
 * Each test binary prints one line per check:
 *     ok - tokenizer lower-cases accented capitals
 *     not ok - tokenizer lower-cases accented capitals (text.c:42: got 3, want 4)
 * and ends with check_summary(), which returns the exit status (non-zero when
 * anything failed). ./build.sh test counts the "ok"/"not ok" lines.
 *
 * Usage:
 *     #include "check.h"
 *     int main(void) {
 *         CHECK(1 + 1 == 2, "addition works");
 *         CHECK_NEAR(0.1 + 0.2, 0.3, 1e-12, "floats add");
 *         check_tensor(got, want, n, 1e-5f, "conv1d forward matches hand values");
 *         return check_summary();
 *     }
 */
#ifndef MOODSPACE_CHECK_H
#define MOODSPACE_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed_, check_failed_;

static void check_report_(int ok, const char *file, int line, const char *what, const char *detail) {
    if (ok) { check_passed_++; printf("ok - %s\n", what); }
    else { check_failed_++; printf("not ok - %s (%s:%d%s%s)\n", what, file, line, detail[0] ? ": " : "", detail); }
    fflush(stdout);
}

#define CHECK(cond, what) check_report_(!!(cond), __FILE__, __LINE__, (what), #cond)

#define CHECK_NEAR(got, want, tol, what) do { \
    double g_ = (double)(got), w_ = (double)(want); char d_[160]; \
    snprintf(d_, sizeof d_, "got %.9g, want %.9g, tol %g", g_, w_, (double)(tol)); \
    check_report_(fabs(g_ - w_) <= (tol) || (g_ == w_), __FILE__, __LINE__, (what), d_); \
} while (0)

#define CHECK_STR(got, want, what) do { \
    const char *g_ = (got), *w_ = (want); char d_[400]; \
    snprintf(d_, sizeof d_, "got \"%.180s\", want \"%.180s\"", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
    check_report_(g_ && w_ && strcmp(g_, w_) == 0, __FILE__, __LINE__, (what), d_); \
} while (0)

/* Compare two float arrays; on mismatch print the first values side by side
 * and the max difference. Relative-or-absolute tolerance. */
__attribute__((unused)) static int check_tensor_at_(const float *got, const float *want, int n, float tol,
                            const char *what, const char *file, int line) {
    float maxdiff = 0; int worst = -1, bad = 0;
    for (int i = 0; i < n; i++) {
        float d = fabsf(got[i] - want[i]);
        float lim = tol * fmaxf(1.0f, fabsf(want[i]));
        if (!(d <= lim)) bad = 1;               /* also catches NaN */
        if (!(d <= maxdiff)) { maxdiff = d; worst = i; }
    }
    char detail[200];
    snprintf(detail, sizeof detail, "max diff %g at %d of %d", (double)maxdiff, worst, n);
    if (bad) {
        printf("# %-6s %14s %14s\n", "i", "got", "want");
        for (int i = 0; i < n && i < 8; i++) printf("# %-6d %14.8f %14.8f\n", i, (double)got[i], (double)want[i]);
    }
    check_report_(!bad, file, line, what, bad ? detail : "");
    return !bad;
}
#define check_tensor(got, want, n, tol, what) check_tensor_at_((got), (want), (n), (tol), (what), __FILE__, __LINE__)

/* Path of a file under the repository root (tests run from the root). */
__attribute__((unused)) static const char *check_skip_reason_;
__attribute__((unused)) static void check_skip(const char *what, const char *why) {
    printf("ok - %s # SKIP %s\n", what, why);
    check_passed_++;
    (void)check_skip_reason_;
}

static int check_summary(void) {
    printf("# %d passed, %d failed\n", check_passed_, check_failed_);
    return check_failed_ ? 1 : 0;
}

#endif
