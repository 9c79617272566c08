/* test_calib.c — calibration (calib.h) on hand-made distributions: quantile
 * knots, percentiles (ties, tails, interpolation), stretch-length levels,
 * mid-rank percentiles, and the JSON round trip with malformed input. */
#include "check.h"
#include "calib.h"

static const char *NAMES2[] = {"energy", "valence"};

static void quantiles_and_pct(void) {
    /* 0, 1, ..., 100: knot t is exactly t */
    float x[101], q[CALIB_KNOTS];
    for (int i = 0; i < 101; i++) x[100 - i] = (float)i;   /* unsorted on purpose */
    CHECK(calib_quantiles(x, 101, 1, q) == 0, "quantiles of 0..100");
    CHECK_NEAR(q[0], 0, 0, "knot 0 is the minimum");
    CHECK_NEAR(q[37], 37, 1e-6, "knot 37 is the 37th percentile");
    CHECK_NEAR(q[100], 100, 0, "knot 100 is the maximum");
    CHECK_NEAR(calib_pct(q, 37), 0.37, 1e-9, "percentile of a knot");
    CHECK_NEAR(calib_pct(q, 12.5), 0.125, 1e-9, "percentile between knots is interpolated");
    CHECK_NEAR(calib_pct(q, -5), 0, 0, "below the minimum: 0");
    CHECK_NEAR(calib_pct(q, 1e9), 1, 0, "above the maximum: 1");

    /* two values: 10 (x3) and 20 (x1): knots 0..66 are 10, then a ramp */
    float y[4] = {10, 20, 10, 10};
    CHECK(calib_quantiles(y, 4, 1, q) == 0, "quantiles of a tied sample");
    CHECK_NEAR(q[50], 10, 0, "the median of 10,10,10,20 is 10");
    CHECK_NEAR(calib_pct(q, 10), 0.33, 1e-9, "a value equal to a flat run of knots gets the run's middle");
    CHECK(calib_pct(q, 15) > 0.66 && calib_pct(q, 15) < 1, "between the run and the maximum: above the run");

    /* a skewed sample: percentiles are monotone whatever the shape */
    float s[1000];
    for (int i = 0; i < 1000; i++) s[i] = (float)((i % 97) * (i % 97)) / 97.0f;
    CHECK(calib_quantiles(s, 1000, 1, q) == 0, "quantiles of a skewed sample");
    int mono = 1;
    double prev = -1;
    for (double v = -1; v < 100; v += 0.37) { double p = calib_pct(q, v); if (p < prev) mono = 0; prev = p; }
    CHECK(mono, "percentile is non-decreasing in the value");
    /* about 50% of the sample is below the median knot */
    int below = 0;
    for (int i = 0; i < 1000; i++) if (s[i] < q[50]) below++;
    CHECK(below >= 450 && below <= 550, "half the skewed sample lies below the median knot");

    float nan_only[2] = {NAN, NAN};
    CHECK(calib_quantiles(nan_only, 2, 1, q) == -1, "no finite value: an error");
    /* stride: the second column */
    float two[6] = {1, 100, 2, 200, 3, 300};
    CHECK(calib_quantiles(two + 1, 3, 2, q) == 0 && q[0] == 100 && q[100] == 300, "stride reads one column");
}

/* Two films of scenes with known values: levels give window means. */
static void levels(void) {
    /* film A: 4 scenes, energy 0,1,0,1 (weights 1); film B: 2 scenes energy 10,10 */
    float v[] = {0, 5, 1, 5, 0, 5, 1, 5, 10, 5, 10, 5};
    int counts[] = {4, 2};
    int lv[] = {1, 2, 4};
    CalibDomain d;
    char err[160] = "";
    CHECK(calib_build(&d, 2, NAMES2, v, NULL, counts, 2, lv, 3, err, sizeof err) == 0, "build a 3-level domain");
    /* L=1: 6 scene values {0,1,0,1,10,10} */
    CHECK_NEAR(d.q[0][0][0], 0, 0, "level 1 minimum is the lowest scene");
    CHECK_NEAR(d.q[0][0][100], 10, 0, "level 1 maximum is the highest scene");
    /* L=2: windows A:{0.5,0.5}, B:{10} */
    CHECK_NEAR(d.q[1][0][0], 0.5, 1e-6, "level 2 holds means of 2-scene windows");
    /* L=4: A whole 0.5, B shorter than 4 counts once whole: 10 */
    CHECK_NEAR(d.q[2][0][0], 0.5, 1e-6, "level 4: a 4-scene film's mean");
    CHECK_NEAR(d.q[2][0][100], 10, 1e-6, "level 4: a 2-scene film counts once, whole");
    CHECK(calib_find(&d, "valence") == 1 && calib_find(&d, "tempo") == -1, "metrics found by name");
    /* the same value ranks differently against scenes and against stretches */
    double p1 = calib_domain_pct(&d, 0, 1, 0.75), p2 = calib_domain_pct(&d, 0, 2, 0.75);
    CHECK(p1 > 0 && p2 > 0 && p1 != p2, "a value's percentile depends on the stretch length");
    double pmid = calib_domain_pct(&d, 0, sqrt(2.0), 0.75);
    CHECK_NEAR(pmid, (p1 + p2) / 2, 1e-9, "lengths between levels interpolate on log2");
    CHECK_NEAR(calib_domain_pct(&d, 0, 1000, 0.75), calib_domain_pct(&d, 0, 4, 0.75), 1e-12, "beyond the last level: the last");

    /* weights: a zero-weight scene does not move a window */
    float w[] = {1, 0, 1, 0, 1, 1};
    CHECK(calib_build(&d, 2, NAMES2, v, w, counts, 2, lv, 3, err, sizeof err) == 0, "build with weights");
    CHECK_NEAR(d.q[1][0][0], 0, 1e-6, "a zero-weight scene does not count in its window");

    int bad_lv[] = {2, 1};
    CHECK(calib_build(&d, 2, NAMES2, v, NULL, counts, 2, bad_lv, 2, err, sizeof err) == -1 && strstr(err, "increasing"),
          "decreasing levels are refused with a message");
    int sl[CALIB_MAX_LEVELS];
    int ns = calib_segment_levels(sl);
    CHECK(ns <= CALIB_MAX_LEVELS && sl[0] == 1 && sl[5] == 6 && sl[ns - 1] == 64, "segment levels are K = 1 ... 64");
}

/* Segment means grouped by the segment count they were cut with. */
static void groups(void) {
    /* rows: 3 whole films (K = 1) and 4 half films (K = 2) */
    float v[] = {1, 0, 2, 0, 3, 0, 10, 0, 20, 0, 30, 0, 40, 0};
    int grp[] = {0, 0, 0, 1, 1, 1, 1};
    int lv[] = {1, 2};
    CalibDomain d;
    char err[160] = "";
    CHECK(calib_build_groups(&d, 2, NAMES2, v, grp, 7, lv, 2, err, sizeof err) == 0, "build a domain from groups");
    CHECK_NEAR(d.q[0][0][50], 2, 1e-6, "K = 1: whole films only");
    CHECK_NEAR(d.q[1][0][0], 10, 1e-6, "K = 2: the halves only");
    CHECK_NEAR(calib_domain_pct(&d, 0, 1, 2), 0.5, 1e-9, "the median film is the 50th percentile at K = 1");
    CHECK_NEAR(calib_domain_pct(&d, 0, 2, 2), 0, 1e-9, "... and the lowest at K = 2");
    int bad[] = {0, 0, 0, 0, 0, 0, 0};
    CHECK(calib_build_groups(&d, 2, NAMES2, v, bad, 7, lv, 2, err, sizeof err) == -1 && strstr(err, "no values"),
          "a level without rows is an error with a message");
}

static void ranks(void) {
    float x[] = {3, 1, 2, 2};
    double p[4];
    CHECK(calib_rank_pct(x, 4, 1, p) == 0, "rank percentiles");
    CHECK_NEAR(p[1], 0.125, 1e-12, "lowest of 4: 1/8");
    CHECK_NEAR(p[2], 0.5, 1e-12, "a tie shares the middle of its run");
    CHECK_NEAR(p[3], 0.5, 1e-12, "both tied values get the same");
    CHECK_NEAR(p[0], 0.875, 1e-12, "highest of 4: 7/8");
}

static void json_round_trip(void) {
    float v[] = {0, 5, 1, 6, 2, 7, 3, 8};
    int counts[] = {4};
    int lv[] = {1, 2};
    CalibDomain d, e;
    char err[200] = "";
    calib_build(&d, 2, NAMES2, v, NULL, counts, 1, lv, 2, err, sizeof err);
    cJSON *j = calib_domain_to_cjson(&d);
    CHECK(calib_domain_from_cjson(&e, j, err, sizeof err) == 0, "a domain reads back");
    CHECK(e.n_levels == 2 && e.n_metrics == 2 && !strcmp(e.name[1], "valence"), "levels and names survive");
    CHECK_NEAR(e.q[1][1][50], d.q[1][1][50], 1e-4, "knots survive (5 significant digits)");
    /* break it: a decreasing knot */
    cJSON *k = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "q"), 0), 0), 5);
    cJSON_SetNumberValue(k, -100);
    CHECK(calib_domain_from_cjson(&e, j, err, sizeof err) == -1 && strstr(err, "non-decreasing"), "decreasing knots are refused");
    cJSON_Delete(j);

    /* meta: both domains, or a clear message */
    Calib c;
    CHECK(calib_from_meta(&c, "{\"name\":\"x\"}", err, sizeof err) == 0 && strstr(err, "calibrate"),
          "meta without calibration: 0 and how to add it");
    cJSON *meta = cJSON_CreateObject(), *cal = cJSON_AddObjectToObject(meta, "calibration");
    cJSON_AddItemToObject(cal, "songs", calib_domain_to_cjson(&d));
    char *txt = cJSON_PrintUnformatted(meta);
    CHECK(calib_from_meta(&c, txt, err, sizeof err) == 0 && strstr(err, "scenes"), "songs only: says the scenes are missing");
    free(txt);
    cJSON_AddItemToObject(cal, "scenes", calib_domain_to_cjson(&d));
    cJSON_AddItemToObject(cal, "segments", calib_domain_to_cjson(&d));
    txt = cJSON_PrintUnformatted(meta);
    CHECK(calib_from_meta(&c, txt, err, sizeof err) == 1 && c.scenes.n_levels == 2, "both domains read from meta");
    free(txt);
    cJSON_Delete(meta);
    /* the reference film moods round-trip in permille and are checked */
    c.n_ref = 2;
    c.ref[0][0] = 0.25f; c.ref[0][1] = 0.5f; c.ref[1][0] = 1; c.ref[1][1] = 0;
    cJSON *rj = calib_ref_to_cjson(&c);
    c.n_ref = 0;
    CHECK(calib_ref_from_cjson(&c, rj, err, sizeof err) == 0 && c.n_ref == 2 && c.ref[0][0] == 0.25f && c.ref[1][0] == 1,
          "the reference reads back");
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(rj, "p"), 1, cJSON_CreateNumber(1001));
    CHECK(calib_ref_from_cjson(&c, rj, err, sizeof err) == -1 && c.n_ref == 0 && strstr(err, "permille"), "a reference value out of range is refused");
    cJSON_Delete(rj);
    /* blocks of whole films: one 2-segment film; they must add up to the rows */
    c.n_ref = 2; c.n_ref_blocks = 1; c.ref_block_size[0] = 2; c.ref_block_films[0] = 1;
    rj = calib_ref_to_cjson(&c);
    c.n_ref = 0; c.n_ref_blocks = 0;
    CHECK(calib_ref_from_cjson(&c, rj, err, sizeof err) == 0 && c.n_ref == 2 && c.n_ref_blocks == 1 && c.ref_block_size[0] == 2 &&
          c.ref_block_films[0] == 1, "the reference's blocks of whole films read back");
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(rj, "films"), 0, cJSON_CreateNumber(2));
    CHECK(calib_ref_from_cjson(&c, rj, err, sizeof err) == -1 && c.n_ref == 0 && c.n_ref_blocks == 0 && strstr(err, "add up"),
          "blocks that do not add up to the rows are refused");
    cJSON_Delete(rj);
    CHECK(calib_from_meta(&c, "{\"calibration\":{\"songs\":{},\"scenes\":{},\"segments\":{}}}", err, sizeof err) == -1,
          "malformed calibration: -1");
    CHECK(calib_from_meta(&c, "not json", err, sizeof err) == 0, "unparseable meta counts as no calibration");
}

int main(void) {
    quantiles_and_pct();
    levels();
    groups();
    ranks();
    json_round_trip();
    return check_summary();
}
