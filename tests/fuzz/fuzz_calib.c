/* fuzz_calib.c — libFuzzer harness for the calibration tables (calib.h):
 * what ms_model_load reads from a model's meta and what `moodspace
 * calibrate` / `catalog` build. The first byte picks the mode:
 *   even: the rest is a meta JSON text for calib_from_meta; tables that load
 *         must give percentiles in [0, 1] for any value (NaN, infinities,
 *         every segment count) and survive a JSON round trip unchanged
 *   odd:  the rest is float32 values, 4 metrics per row, cut into films of
 *         (byte 1 % 7) + 1 rows: calib_build over windows of 1, 2 and 5 rows,
 *         calib_build_groups by row, calib_rank_pct and calib_quantiles; the
 *         knots must be non-decreasing and every percentile in [0, 1]. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "calib.h"
#include "fuzz_common.h"

static const char *const NAMES[] = {"energy", "valence", "tempo", "liveness"};

static void check_domain(const CalibDomain *d) {
    static const double xs[] = {NAN, -INFINITY, INFINITY, -1e30, -1, 0, 0.25, 0.5, 0.75, 1, 120, 1e30};
    static const double keys[] = {0, 1, 2.5, 6, 12, 64, 1000};
    if (d->n_levels < 1) return;
    for (int l = 0; l < d->n_levels; l++)
        for (int m = 0; m < d->n_metrics; m++)
            for (int t = 1; t < CALIB_KNOTS; t++) FUZZ_ASSERT(d->q[l][m][t - 1] <= d->q[l][m][t], "knots non-decreasing");
    for (int m = 0; m < d->n_metrics; m++)
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                double p = calib_domain_pct(d, m, keys[k], xs[i]);
                FUZZ_ASSERT(p >= 0 && p <= 1, "a percentile is in [0, 1]");
            }
    /* round trip: what is written reads back */
    cJSON *j = calib_domain_to_cjson(d);
    CalibDomain back;
    char err[256] = "";
    FUZZ_ASSERT(j && calib_domain_from_cjson(&back, j, err, sizeof err) == 0, err);
    FUZZ_ASSERT(back.n_levels == d->n_levels && back.n_metrics == d->n_metrics, "the round trip keeps the shape");
    cJSON_Delete(j);
}

static void from_meta(const uint8_t *data, size_t size) {
    char *text = fuzz_cstring(data, size);
    if (!text) return;
    static Calib c;
    char err[256] = "";
    int rc = calib_from_meta(&c, text, err, sizeof err);
    FUZZ_ASSERT(rc == 1 || err[0], "a refused calibration says why");
    if (rc == 1) {
        check_domain(&c.songs);
        check_domain(&c.scenes);
        check_domain(&c.segments);
        FUZZ_ASSERT(c.n_ref >= 0 && c.n_ref <= CALIB_MAX_REF, "reference rows in range");
        for (int i = 0; i < c.n_ref; i++)
            for (int m = 0; m < c.segments.n_metrics; m++) FUZZ_ASSERT(c.ref[i][m] >= 0 && c.ref[i][m] <= 1, "reference in [0, 1]");
        cJSON *r = calib_ref_to_cjson(&c);
        static Calib back;
        back.segments = c.segments;
        FUZZ_ASSERT(r && calib_ref_from_cjson(&back, r, err, sizeof err) == 0 && back.n_ref == c.n_ref, err);
        cJSON_Delete(r);
    }
    free(text);
}

static void from_values(const uint8_t *data, size_t size) {
    if (size < 1) return;
    int per_film = data[0] % 7 + 1;
    data++; size--;
    int rows = (int)(size / (4 * sizeof(float)));
    if (rows < 1) return;
    float *v = malloc((size_t)rows * 4 * sizeof *v);
    int *counts = malloc((size_t)rows * sizeof *counts), *grp = malloc((size_t)rows * sizeof *grp);
    double *pct = malloc((size_t)rows * sizeof *pct);
    FUZZ_ASSERT(v && counts && grp && pct, "out of memory");
    memcpy(v, data, (size_t)rows * 4 * sizeof *v);
    int films = 0;
    for (int r = 0; r < rows; r += per_film) counts[films++] = r + per_film <= rows ? per_film : rows - r;
    static CalibDomain d;
    char err[256] = "";
    const int levels[] = {1, 2, 5};
    if (calib_build(&d, 4, NAMES, v, v + 1, counts, films, levels, 3, err, sizeof err) == 0) check_domain(&d);
    else FUZZ_ASSERT(err[0], "a refused build says why");
    int lv[CALIB_MAX_LEVELS], nl = calib_segment_levels(lv);
    for (int r = 0; r < rows; r++) grp[r] = r % (nl + 1) - 1;
    if (calib_build_groups(&d, 4, NAMES, v, grp, rows, lv, nl, err, sizeof err) == 0) check_domain(&d);
    if (calib_rank_pct(v, rows, 4, pct) == 0)
        for (int r = 0; r < rows; r++) FUZZ_ASSERT(pct[r] >= 0 && pct[r] <= 1, "a rank percentile is in [0, 1]");
    float q[CALIB_KNOTS];
    if (calib_quantiles(v, (size_t)rows * 4, 1, q) == 0)
        for (int t = 1; t < CALIB_KNOTS; t++) FUZZ_ASSERT(q[t - 1] <= q[t], "quantiles non-decreasing");
    free(v); free(counts); free(grp); free(pct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (data[0] & 1) from_values(data + 1, size - 1);
    else from_meta(data + 1, size - 1);
    return 0;
}
