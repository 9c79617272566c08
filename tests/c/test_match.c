/* test_match.c — distances, weights, top-k, the seed's pool, the optimal
 * assignment against brute force, exactness of pruning, and the JSON layer
 * (including hostile requests). */
#include "check.h"
#include "match.h"
#include "cJSON.h"

#include <float.h>
#include <stdint.h>

static uint64_t rng = 12345;
static float frand(void) { return (float)((match_rng_next(&rng) >> 40) * (1.0 / 16777216.0)); }
static int irand(int n) { return (int)(match_rng_next(&rng) % (uint64_t)n); }

static const char *NAMES4[] = {"energy", "valence", "tempo", "liveness"};
static const float MEAN4[] = {0.6f, 0.45f, 120.0f, 0.2f};
static const float STD4[] = {0.2f, 0.25f, 30.0f, 0.15f};

static MatchSpace space4(const float *w) {
    MatchSpace sp;
    char err[128];
    if (match_space_init(&sp, 4, NAMES4, MEAN4, STD4, w, err, sizeof err)) { printf("# %s\n", err); exit(1); }
    return sp;
}

/* ---- brute force references ---------------------------------------------*/

/* Best total over injective maps rows -> cols where col c may be used
 * cap times: exhaustive DFS. */
static double bf_best;
static void bf_rec(const float *cost, int nr, int nc, int cap, int row, int *used, double acc) {
    if (acc >= bf_best) return;
    if (row == nr) { bf_best = acc; return; }
    for (int c = 0; c < nc; c++) {
        if (used[c] >= cap) continue;
        used[c]++;
        bf_rec(cost, nr, nc, cap, row + 1, used, acc + cost[row * nc + c]);
        used[c]--;
    }
}
static double brute_force(const float *cost, int nr, int nc, int cap) {
    int used[16] = {0};
    bf_best = INFINITY;
    bf_rec(cost, nr, nc, cap, 0, used, 0);
    return bf_best;
}

/* A library projected once (match_songs_init) answers every request as
 * match_soundtrack does: songs, distances, totals, errors; libraries with
 * ties (songs on a grid), dense and pruned, one use and several. */
static void test_prepared_songs(void) {
    char err[200] = "", err2[200] = "";
    float w[4] = {1, 2, 0.5f, 0};
    MatchSpace sp = space4(w);
    int ok = 1, cases = 0;
    for (int t = 0; t < 300 && ok; t++) {
        int n_songs = 1 + irand(t % 5 ? 200 : 20), n_segs = 1 + irand(12), uses = 1 + irand(3);
        int pk = t % 4 == 0 ? -1 : t % 4 == 1 ? irand(8) : 0;
        float *songs = malloc(sizeof(float) * 4 * (size_t)n_songs), *segs = malloc(sizeof(float) * 4 * (size_t)n_segs);
        for (int i = 0; i < 4 * n_songs; i++) songs[i] = t % 3 ? frand() * 2 - 0.5f : (float)irand(3);
        for (int i = 0; i < 4 * n_segs; i++) segs[i] = t % 3 ? frand() * 2 - 0.5f : (float)irand(3);
        int a[12], b[12];
        float da[12], db[12];
        double ta = -1, tb = -2;
        MatchSongs ms;
        int ra = match_soundtrack(&sp, songs, n_songs, segs, n_segs, uses, pk, a, da, &ta, err, sizeof err);
        int rb = match_songs_init(&ms, &sp, songs, n_songs, err2, sizeof err2);
        if (rb == 0) rb = match_soundtrack_songs(&sp, &ms, segs, n_segs, uses, pk, b, db, &tb, err2, sizeof err2);
        match_songs_free(&ms);
        if (ra != rb || (ra == 0 && ta != tb) || (ra != 0 && strcmp(err, err2))) ok = 0;
        for (int g = 0; ra == 0 && g < n_segs; g++) if (a[g] != b[g] || da[g] != db[g]) ok = 0;
        cases += ra == 0;
        free(songs); free(segs);
    }
    CHECK(ok && cases > 200, "a library projected once answers as match_soundtrack (songs, distances, totals, errors)");
    float songs[8] = {0.5f, 0.5f, 120, 0.2f, 0.5f, NAN, 120, 0.2f}, segs[4] = {0.5f, 0.5f, 120, 0.2f};
    MatchSongs ms;
    CHECK(match_songs_init(&ms, &sp, songs, 2, err, sizeof err) == -1 && strstr(err, "song 1 has a non-finite metric"),
          "a song with a non-finite weighted metric is refused when the library is projected");
    CHECK(match_songs_init(&ms, &sp, songs, 1, err, sizeof err) == 0, "a one-song library projects");
    int out[2];
    double total = -1;
    CHECK(match_soundtrack_songs(&sp, &ms, segs, 0, 1, 0, out, NULL, &total, err, sizeof err) == 0 && total == 0,
          "no segments: nothing to assign");
    CHECK(match_soundtrack_songs(&sp, &ms, segs, 2, 1, 0, out, NULL, &total, err, sizeof err) == -1 &&
          strstr(err, "need at least 2 songs"), "too few prepared songs for the segments is an error");
    match_songs_free(&ms);
}

static void test_space(void) {
    MatchSpace sp;
    char err[128] = "";
    float std_bad[] = {0.2f, 0.0f, 30.0f, 0.15f};
    CHECK(match_space_init(&sp, 4, NAMES4, MEAN4, std_bad, NULL, err, sizeof err) == -1 && strstr(err, "std of valence"),
          "a zero std is refused with the metric's name");
    float w_neg[] = {1, -1, 1, 1};
    CHECK(match_space_init(&sp, 4, NAMES4, MEAN4, STD4, w_neg, err, sizeof err) == -1, "a negative weight is refused");
    float w_zero[] = {0, 0, 0, 0};
    CHECK(match_space_init(&sp, 4, NAMES4, MEAN4, STD4, w_zero, err, sizeof err) == -1 && strstr(err, "all metric weights are 0"),
          "all-zero weights are refused");
    float w_nan[] = {1, NAN, 1, 1};
    CHECK(match_space_init(&sp, 4, NAMES4, MEAN4, STD4, w_nan, err, sizeof err) == -1, "a NaN weight is refused");
    const char *dup[] = {"energy", "energy"};
    CHECK(match_space_init(&sp, 2, dup, MEAN4, STD4, NULL, err, sizeof err) == -1, "a metric listed twice is refused");
    CHECK(match_space_init(&sp, 0, NAMES4, MEAN4, STD4, NULL, err, sizeof err) == -1, "zero metrics are refused");
    CHECK(match_space_init(&sp, 4, NAMES4, MEAN4, STD4, NULL, err, sizeof err) == 0 && sp.weight[2] == 1.0f,
          "default weights are all 1");
    CHECK(match_space_find(&sp, "tempo") == 2 && match_space_find(&sp, "nope") == -1, "metrics are found by name");
    CHECK(match_space_set_weight(&sp, "tempo", 0.5f) == 0 && sp.weight[2] == 0.5f, "a weight can be changed by name");
    CHECK(match_space_set_weight(&sp, "nope", 1) == -1 && match_space_set_weight(&sp, "tempo", -2) == -1,
          "unknown names and negative weights are refused by set_weight");
}

static void test_distance(void) {
    /* two metrics: mean (0, 100), std (1, 10), weights (1, 4).
     * a - b in z units = (1, 2); d = sqrt(1*1 + 4*2^2) = sqrt(17). */
    const char *names[] = {"energy", "tempo"};
    float mean[] = {0, 100}, std[] = {1, 10}, w[] = {1, 4};
    MatchSpace sp;
    char err[128];
    CHECK(match_space_init(&sp, 2, names, mean, std, w, err, sizeof err) == 0, "a two-metric space initialises");
    float a[] = {1, 120}, b[] = {0, 100};
    CHECK_NEAR(match_distance(&sp, a, b), sqrtf(17.0f), 1e-6, "distance is weighted Euclidean on z-scores (hand value sqrt 17)");
    CHECK_NEAR(match_distance(&sp, b, a), match_distance(&sp, a, b), 0, "distance is symmetric");
    CHECK_NEAR(match_distance(&sp, a, a), 0, 0, "distance to itself is 0");
    float z[2];
    match_standardize(&sp, a, z);
    CHECK_NEAR(z[0], 1, 1e-6, "standardize gives z for energy");
    CHECK_NEAR(z[1], 2, 1e-6, "standardize gives z for tempo");
    float w0[] = {1, 0};
    match_space_init(&sp, 2, names, mean, std, w0, err, sizeof err);
    float c[] = {1, 500};
    CHECK_NEAR(match_distance(&sp, c, b), 1, 1e-6, "a metric with weight 0 is ignored");

    /* the seed's fault: raw Euclidean lets tempo swamp the 0..1 metrics.
     * Song x matches the target's mood exactly but is 6 BPM off; song y is
     * 1 BPM off but has the opposite mood. Standardised, x must win. */
    MatchSpace s4 = space4(NULL);
    float target[] = {0.8f, 0.7f, 120, 0.2f};
    float x[] = {0.8f, 0.7f, 126, 0.2f}, y[] = {0.1f, 0.1f, 121, 0.9f};
    CHECK(match_distance(&s4, x, target) < match_distance(&s4, y, target),
          "tempo no longer swamps the 0..1 metrics");
}

static void test_topk(void) {
    MatchSpace sp = space4(NULL);
    enum { N = 300 };
    static float songs[N * 4];
    for (int i = 0; i < N; i++) {
        songs[i * 4 + 0] = frand(); songs[i * 4 + 1] = frand();
        songs[i * 4 + 2] = 60 + 120 * frand(); songs[i * 4 + 3] = frand();
    }
    float target[] = {0.5f, 0.5f, 110, 0.3f};
    int idx[N];
    float dist[N];
    int got = match_topk(&sp, songs, N, target, 10, idx, dist);
    CHECK(got == 10, "top-10 of 300 returns 10");
    /* reference: all distances, sorted by (distance, index) */
    int ok = 1;
    for (int r = 0; r < got; r++) {
        float d = match_distance(&sp, songs + idx[r] * 4, target);
        if (d != dist[r]) ok = 0;
        if (r && !(dist[r - 1] < dist[r] || (dist[r - 1] == dist[r] && idx[r - 1] < idx[r]))) ok = 0;
        int better = 0;   /* songs strictly ahead of idx[r] in (dist, index) order */
        for (int i = 0; i < N; i++) {
            float di = match_distance(&sp, songs + i * 4, target);
            if (di < d || (di == d && i < idx[r])) better++;
        }
        if (better != r) ok = 0;
    }
    CHECK(ok, "top-k equals the first k of a full sort by (distance, index)");
    CHECK(match_topk(&sp, songs, 5, target, 10, idx, dist) == 5, "k larger than the library returns the library");
    CHECK(match_topk(&sp, songs, 0, target, 3, idx, dist) == 0, "an empty library returns nothing");
    CHECK(match_topk(&sp, songs, N, target, -1, idx, dist) == -1, "a negative k is an error");

    /* ties: identical songs come back in index order */
    float same[5 * 4];
    for (int i = 0; i < 5; i++) memcpy(same + i * 4, target, sizeof target);
    same[2 * 4] = 0.9f;   /* song 2 differs */
    got = match_topk(&sp, same, 5, target, 4, idx, NULL);
    CHECK(got == 4 && idx[0] == 0 && idx[1] == 1 && idx[2] == 3 && idx[3] == 4, "ties are broken by the lower index");
}

static void test_pool(void) {
    int idx[MATCH_POOL_SIZE], off = -1;
    int seen_lo = 0, seen_hi = 0, ok = 1;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        int got = match_pool(100, MATCH_POOL_SIZE, MATCH_POOL_MAX_RANK, seed, idx, &off);
        if (got != 20 || off < 0 || off > 50) ok = 0;
        for (int r = 0; r < got; r++) if (idx[r] != off + r || idx[r] >= 70) ok = 0;
        seen_lo |= off == 0;
        seen_hi |= off == 50;
    }
    CHECK(ok, "100 tracks: 20 consecutive tracks, offset in [0, 50], never past the top 70");
    CHECK(seen_lo && seen_hi, "both ends of the offset range occur");
    ok = 1;
    int hi = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        int got = match_pool(45, 20, 70, seed, idx, &off);
        if (got != 20 || off < 0 || off > 25 || idx[19] >= 45) ok = 0;
        if (off > hi) hi = off;
    }
    CHECK(ok && hi == 25, "45 tracks (< 70): offset in [0, 25], the pool stays inside the list");
    CHECK(match_pool(15, 20, 70, 7, idx, &off) == 15 && off == 0 && idx[14] == 14,
          "fewer than 20 tracks: all of them, offset 0");
    CHECK(match_pool(20, 20, 70, 7, idx, &off) == 20 && off == 0, "exactly 20 tracks: all of them");
    CHECK(match_pool(0, 20, 70, 7, idx, &off) == 0, "no tracks: an empty pool");
    int a[20], b[20], oa, ob;
    match_pool(100, 20, 70, 99, a, &oa);
    match_pool(100, 20, 70, 99, b, &ob);
    CHECK(oa == ob && !memcmp(a, b, sizeof a), "the same seed gives the same pool");
    int differ = 0;
    for (uint64_t s = 0; s < 20; s++) { match_pool(100, 20, 70, s, b, &ob); differ |= ob != oa; }
    CHECK(differ, "different seeds give different pools");
    CHECK(match_pool(-1, 20, 70, 1, idx, &off) == -1 && match_pool(10, 0, 70, 1, idx, &off) == -1,
          "negative counts and an empty pool size are errors");
}

static void test_assign_brute_force(void) {
    int ok = 1, cases = 0;
    for (int t = 0; t < 600; t++) {
        int nr = 1 + irand(5), nc = nr + irand(3);
        float cost[8 * 8];
        int ties = t % 3 == 0;   /* small integers: many ties */
        for (int q = 0; q < nr * nc; q++) cost[q] = ties ? (float)irand(4) : frand() * 10;
        int a[8];
        double total;
        if (match_assign(cost, nr, nc, a, &total)) { ok = 0; break; }
        double want = brute_force(cost, nr, nc, 1);
        int used[8] = {0};
        double sum = 0;
        for (int i = 0; i < nr; i++) { if (a[i] < 0 || a[i] >= nc || used[a[i]]++) ok = 0; sum += cost[i * nc + a[i]]; }
        if (fabs(total - want) > 1e-5 || fabs(sum - total) > 1e-9) {
            ok = 0;
            printf("# case %d (%dx%d): got %g want %g\n", t, nr, nc, total, want);
        }
        cases++;
    }
    CHECK(ok && cases == 600, "assignment is optimal against brute force on 600 random cases (a third with ties)");
    float c1[] = {4, 1, 3, 2, 0, 5, 3, 2, 2};
    int a1[3];
    double tot;
    match_assign(c1, 3, 3, a1, &tot);
    CHECK(tot == 5 && a1[0] == 1 && a1[1] == 0 && a1[2] == 2, "the textbook 3x3 example gives 1+2+2 = 5");
    float c2[] = {1, 2, 3, 4, 5, 6};
    CHECK(match_assign(c2, 3, 2, a1, &tot) == -1, "more rows than columns is an error");
    float c3[] = {1, NAN, 3, 4};
    CHECK(match_assign(c3, 2, 2, a1, &tot) == -1, "a NaN cost is an error");
    CHECK(match_assign(NULL, 0, 0, NULL, &tot) == 0 && tot == 0, "an empty problem costs 0");
}

static void random_songs(float *v, int n) {
    for (int i = 0; i < n; i++) {
        v[i * 4 + 0] = frand(); v[i * 4 + 1] = frand();
        v[i * 4 + 2] = 60 + 120 * frand(); v[i * 4 + 3] = frand();
    }
}

static void test_soundtrack_small(void) {
    MatchSpace sp = space4(NULL);
    int ok = 1;
    for (int t = 0; t < 300; t++) {
        int n_segs = 1 + irand(5), uses = 1 + (t % 3 == 0) * irand(3);
        int n_songs = (n_segs + uses - 1) / uses + irand(4);
        if (n_songs > 7) n_songs = 7;
        if (n_songs * uses < n_segs) continue;
        float songs[7 * 4], segs[5 * 4], cost[5 * 7];
        random_songs(songs, n_songs);
        random_songs(segs, n_segs);
        for (int g = 0; g < n_segs; g++)
            for (int s = 0; s < n_songs; s++) cost[g * n_songs + s] = match_distance(&sp, songs + s * 4, segs + g * 4);
        int out[5], count[7] = {0};
        float dist[5];
        double total;
        char err[128];
        double want = brute_force(cost, n_segs, n_songs, uses);
        /* prune_k 0: automatic (dense here, the library is small);
         * 1: the sparse path with the minimum K = ceil(N / uses) */
        for (int pk = 0; pk <= 1; pk++) {
            memset(count, 0, sizeof count);
            if (match_soundtrack(&sp, songs, n_songs, segs, n_segs, uses, pk, out, dist, &total, err, sizeof err)) { ok = 0; break; }
            for (int g = 0; g < n_segs; g++) if (++count[out[g]] > uses || dist[g] != cost[g * n_songs + out[g]]) ok = 0;
            if (fabs(total - want) > 1e-5) { ok = 0; printf("# case %d prune_k %d: got %g want %g\n", t, pk, total, want); }
        }
    }
    CHECK(ok, "soundtrack is optimal against brute force, dense and pruned, with and without reuse caps");
    float songs[2 * 4], segs[3 * 4];
    random_songs(songs, 2);
    random_songs(segs, 3);
    int out[3];
    double total;
    char err[160] = "";
    CHECK(match_soundtrack(&sp, songs, 2, segs, 3, 1, 0, out, NULL, &total, err, sizeof err) == -1 && strstr(err, "need at least 3 songs"),
          "fewer songs than segments is an error that says so");
    CHECK(match_soundtrack(&sp, songs, 2, segs, 3, 2, 0, out, NULL, &total, err, sizeof err) == 0 &&
          !(out[0] == out[1] && out[1] == out[2]), "with max_uses 2, 2 songs cover 3 segments, none used 3 times");
}

/* The pruned (automatic K) and the full dense assignment of one case into a and b, their totals into
 * ta and tb: 1 when both succeed with the same total. */
static int pruned_total_is_full(const MatchSpace *sp, const float *songs, int n_songs, const float *segs, int n_segs, int uses,
                                int *a, int *b, double *ta, double *tb) {
    char err[128];
    int ra = match_soundtrack(sp, songs, n_songs, segs, n_segs, uses, 0, a, NULL, ta, err, sizeof err);
    int rb = match_soundtrack(sp, songs, n_songs, segs, n_segs, uses, -1, b, NULL, tb, err, sizeof err);
    return !ra && !rb && fabs(*ta - *tb) <= 1e-6 * fmax(1, *tb);
}

/* Pruned (automatic K) against the full dense problem on mid-sized cases,
 * including clustered segments (a film whose moods are all alike: the hard
 * case for pruning, since all segments want the same songs). */
static void test_pruning_exact(void) {
    MatchSpace sp = space4(NULL);
    int ok_total = 1, ok_same = 1;
    for (int t = 0; t < 24; t++) {
        int n_songs = 200 + irand(400), n_segs = 5 + irand(60), uses = 1 + (t % 4 == 3);
        float *songs = malloc(sizeof(float) * 4 * n_songs), *segs = malloc(sizeof(float) * 4 * n_segs);
        random_songs(songs, n_songs);
        random_songs(segs, n_segs);
        if (t % 2) {   /* clustered: all segments near one mood */
            for (int g = 0; g < n_segs; g++) {
                segs[g * 4 + 0] = 0.5f + 0.05f * frand(); segs[g * 4 + 1] = 0.4f + 0.05f * frand();
                segs[g * 4 + 2] = 100 + 5 * frand(); segs[g * 4 + 3] = 0.2f + 0.05f * frand();
            }
        }
        int *a = malloc(sizeof(int) * n_segs), *b = malloc(sizeof(int) * n_segs);
        double ta, tb;
        if (!pruned_total_is_full(&sp, songs, n_songs, segs, n_segs, uses, a, b, &ta, &tb)) {
            ok_total = 0;
            printf("# case %d (%d songs, %d segments): pruned %.9g full %.9g\n", t, n_songs, n_segs, ta, tb);
        }
        if (memcmp(a, b, sizeof(int) * n_segs)) ok_same = 0;
        free(songs); free(segs); free(a); free(b);
    }
    CHECK(ok_total, "pruning to each segment's K nearest keeps the optimal total (24 cases, half clustered)");
    CHECK(ok_same, "and, with no ties, the very same assignment");

    /* heavy ties: metrics on a coarse grid, many identical songs and segments */
    ok_total = 1;
    int ok_valid = 1;
    for (int t = 0; t < 30; t++) {
        int n_songs = 40 + irand(200), n_segs = 3 + irand(40), uses = 1 + (t % 3 == 2);
        float *songs = malloc(sizeof(float) * 4 * n_songs), *segs = malloc(sizeof(float) * 4 * n_segs);
        for (int i = 0; i < n_songs * 4; i++) songs[i] = (float)irand(3) * (i % 4 == 2 ? 30.0f : 0.25f);
        for (int i = 0; i < n_segs * 4; i++) segs[i] = (float)irand(3) * (i % 4 == 2 ? 30.0f : 0.25f);
        int *a = malloc(sizeof(int) * n_segs), *b = malloc(sizeof(int) * n_segs), *cnt = calloc((size_t)n_songs, sizeof(int));
        double ta, tb;
        if (!pruned_total_is_full(&sp, songs, n_songs, segs, n_segs, uses, a, b, &ta, &tb)) {
            ok_total = 0;
            printf("# tie case %d: pruned %.9g full %.9g\n", t, ta, tb);
        }
        for (int g = 0; g < n_segs; g++) if (a[g] < 0 || a[g] >= n_songs || ++cnt[a[g]] > uses) ok_valid = 0;
        free(songs); free(segs); free(a); free(b); free(cnt);
    }
    CHECK(ok_total && ok_valid, "with heavy ties, the pruned total still equals the full optimum (30 cases)");
}

/* A larger run: 10,000 songs x 200 segments completes (timing is the
 * benchmark's job, see `moodspace match --bench`), distinct songs. */
static void test_soundtrack_large(void) {
    MatchSpace sp = space4(NULL);
    int n_songs = 10000, n_segs = 200;
    float *songs = malloc(sizeof(float) * 4 * n_songs), *segs = malloc(sizeof(float) * 4 * n_segs);
    random_songs(songs, n_songs);
    random_songs(segs, n_segs);
    int *out = malloc(sizeof(int) * n_segs);
    char *used = calloc((size_t)n_songs, 1);
    double total;
    char err[128];
    int rc = match_soundtrack(&sp, songs, n_songs, segs, n_segs, 1, 0, out, NULL, &total, err, sizeof err);
    int ok = rc == 0;
    for (int g = 0; ok && g < n_segs; g++) if (out[g] < 0 || out[g] >= n_songs || used[out[g]]++) ok = 0;
    CHECK(ok, "10,000 songs x 200 segments: every segment gets a distinct song");
    /* lower bound: no assignment beats every segment taking its own nearest song */
    double lb = 0;
    for (int g = 0; g < n_segs; g++) {
        int i; float d;
        match_topk(&sp, songs, n_songs, segs + g * 4, 1, &i, &d);
        lb += d;
    }
    CHECK(total >= lb - 1e-6 && total <= lb * 1.5 + 1, "its total is at least the sum of each segment's nearest distance");
    free(songs); free(segs); free(out); free(used);
}

/* ---- JSON layer -------------------------------------------------------------*/

static cJSON *parse_free(char *s) {
    cJSON *j = s ? cJSON_Parse(s) : NULL;
    free(s);
    return j;
}

static int is_error(char *s) {
    cJSON *j = parse_free(s);
    int e = cJSON_IsString(cJSON_GetObjectItem(j, "error"));
    cJSON_Delete(j);
    return e;
}

/* top-k: the nearest songs with their ids, request weights, statistics from the request */
static void test_json_topk(void) {
    MatchSpace sp = space4(NULL);
    const char *req =
        "{\"songs\":["
        "{\"id\":\"a\",\"energy\":0.9,\"valence\":0.9,\"tempo\":150,\"liveness\":0.1},"
        "{\"id\":\"b\",\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1},"
        "{\"id\":\"c\",\"energy\":0.5},"
        "{\"id\":{\"uri\":\"x\"},\"metrics\":{\"energy\":0.35,\"valence\":0.25,\"tempo\":85,\"liveness\":0.1}},"
        "7],"
        "\"target\":{\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1},\"k\":2}";
    cJSON *j = parse_free(match_json_topk(req, &sp));
    cJSON *m = cJSON_GetObjectItem(j, "matches");
    CHECK(cJSON_GetArraySize(m) == 2, "JSON top-k returns k matches");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 0), "id")), "b", "the nearest song comes first, with its id");
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 0), "distance")), 0, 1e-7, "an exact match has distance 0");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1), "index")) == 3, "nested \"metrics\" are read and the original index kept");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "skipped")) == 2, "a song missing metrics and a non-object are skipped and listed");
    CHECK(cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1), "diff")), "each match carries per-metric z differences");
    cJSON_Delete(j);

    /* weights override: with only tempo weighted, song a (tempo 150) is nearest to a 150 target */
    j = parse_free(match_json_topk("{\"songs\":[{\"energy\":0.9,\"valence\":0.9,\"tempo\":90,\"liveness\":0.1},"
                                   "{\"energy\":0.1,\"valence\":0.1,\"tempo\":149,\"liveness\":0.9}],"
                                   "\"target\":{\"energy\":0.9,\"valence\":0.9,\"tempo\":150,\"liveness\":0.1},"
                                   "\"weights\":{\"energy\":0,\"valence\":0,\"liveness\":0},\"k\":1}", &sp));
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "matches"), 0), "index")) == 1,
          "request weights override the model's (weight 0 ignores a metric)");
    cJSON_Delete(j);

    /* no model: statistics from the request */
    j = parse_free(match_json_topk("{\"mean\":{\"x\":0},\"std\":{\"x\":2},\"songs\":[{\"x\":1},{\"x\":5}],\"target\":{\"x\":0},\"k\":1}", NULL));
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "matches"), 0), "distance")), 0.5, 1e-7,
               "without a model, mean/std come from the request");
    cJSON_Delete(j);
}

/* a soundtrack: each segment its song, with and without reuse */
static void test_json_soundtrack(void) {
    MatchSpace sp = space4(NULL);
    const char *st =
        "{\"songs\":[{\"id\":1,\"energy\":0.9,\"valence\":0.9,\"tempo\":150,\"liveness\":0.1},"
        "{\"id\":2,\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1},"
        "{\"id\":3,\"energy\":0.6,\"valence\":0.5,\"tempo\":120,\"liveness\":0.3}],"
        "\"segments\":[{\"energy\":0.3,\"valence\":0.2,\"tempo\":80,\"liveness\":0.1},"
        "{\"energy\":0.9,\"valence\":0.9,\"tempo\":150,\"liveness\":0.1}]}";
    cJSON *j = parse_free(match_json_soundtrack(st, &sp));
    cJSON *as = cJSON_GetObjectItem(j, "assignment");
    CHECK(cJSON_GetArraySize(as) == 2 &&
          cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(as, 0), "id")) == 2 &&
          cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(as, 1), "id")) == 1,
          "JSON soundtrack assigns each segment its song");
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "total")), 0, 1e-7, "and reports the total distance");
    cJSON_Delete(j);
    CHECK(is_error(match_json_soundtrack("{\"songs\":[{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}],"
                                         "\"segments\":[{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},"
                                         "{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}]}", &sp)),
          "JSON soundtrack: 1 song for 2 segments without reuse is an error");
    j = parse_free(match_json_soundtrack("{\"reuse\":true,\"songs\":[{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}],"
                                         "\"segments\":[{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},"
                                         "{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1}]}", &sp));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "assignment")) == 2 && cJSON_GetNumberValue(cJSON_GetObjectItem(j, "max_uses")) == 2,
          "with \"reuse\": true the song serves both segments");
    cJSON_Delete(j);
}

static void test_json_pool(void) {
    cJSON *j = parse_free(match_json_pool("{\"n\":100,\"seed\":5}"));
    cJSON *ix = cJSON_GetObjectItem(j, "indices");
    int off = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "offset"));
    CHECK(cJSON_GetArraySize(ix) == 20 && off >= 0 && off <= 50 &&
          cJSON_GetNumberValue(cJSON_GetArrayItem(ix, 0)) == off, "JSON pool: 20 indices from the offset");
    cJSON_Delete(j);
    j = parse_free(match_json_pool("{\"tracks\":[\"a\",\"b\",\"c\"],\"seed\":1}"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "tracks")) == 3, "JSON pool returns the pooled tracks themselves");
    cJSON_Delete(j);
}

/* each request answers {"error": ...}; the ones that do not are printed. 1 when all do. */
typedef char *(*json_call)(const char *request, const MatchSpace *sp);
static char *pool_call(const char *request, const MatchSpace *sp) { (void)sp; return match_json_pool(request); }
static int all_refused(json_call call, const MatchSpace *sp, const char *const *reqs, size_t n) {
    int all = 1;
    for (size_t q = 0; q < n; q++)
        if (!is_error(call(reqs[q], sp))) { all = 0; printf("# not an error: %s\n", reqs[q]); }
    return all;
}

/* hostile requests: every one answers {"error": ...} and nothing crashes */
static void test_json_hostile(void) {
    MatchSpace sp = space4(NULL);
    static const char *const bad_topk[] = {
        "", "nul", "[]", "{", "{\"songs\":5}", "{\"songs\":[],\"target\":3}", "{\"songs\":[]}",
        "{\"songs\":[],\"target\":{}}", "{\"songs\":[],\"target\":{\"energy\":\"x\"}}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"k\":0}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"k\":1.5}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"k\":1e300}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"weights\":{\"bogus\":1}}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"weights\":{\"energy\":-1}}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"weights\":{\"energy\":0,\"valence\":0,\"tempo\":0,\"liveness\":0}}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"weights\":[1,2]}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"std\":{\"energy\":0}}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"metrics\":[\"nope\"]}",
        "{\"songs\":[],\"target\":{\"energy\":1,\"valence\":1,\"tempo\":1,\"liveness\":1},\"metrics\":[1]}",
        "{\"songs\":[],\"target\":{\"energy\":1e39,\"valence\":1,\"tempo\":1,\"liveness\":1}}",
    };
    CHECK(all_refused(match_json_topk, &sp, bad_topk, sizeof bad_topk / sizeof *bad_topk), "hostile top-k requests all answer {\"error\": ...}");
    CHECK(is_error(match_json_topk(NULL, &sp)) && is_error(match_json_topk("{\"songs\":[],\"target\":{\"x\":1}}", NULL)),
          "a NULL request, and no model without statistics, are errors");
    static const char *const bad_st[] = {
        "{}", "{\"segments\":{}}", "{\"segments\":[1],\"songs\":[]}", "{\"segments\":[],\"songs\":7}",
        "{\"segments\":[],\"songs\":[],\"max_uses\":0}", "{\"segments\":[],\"songs\":[],\"prune_k\":-5}",
        "{\"segments\":[],\"songs\":[],\"reuse\":\"yes\"}", "{\"segments\":[{\"energy\":null}],\"songs\":[]}",
    };
    CHECK(all_refused(match_json_soundtrack, &sp, bad_st, sizeof bad_st / sizeof *bad_st), "hostile soundtrack requests all answer {\"error\": ...}");
    static const char *const bad_pool[] = {
        "{}", "{\"n\":10}", "{\"n\":-1,\"seed\":1}", "{\"n\":10,\"seed\":-1}", "{\"n\":10,\"seed\":1e20}",
        "{\"n\":10,\"seed\":1,\"size\":0}", "{\"tracks\":{},\"seed\":1}", "{\"n\":\"10\",\"seed\":1}", "[1]",
    };
    CHECK(all_refused(pool_call, NULL, bad_pool, sizeof bad_pool / sizeof *bad_pool), "hostile pool requests all answer {\"error\": ...}");

    /* deeply nested JSON must not blow the stack */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[depth * 2] = 0;
    CHECK(is_error(match_json_topk(deep, &sp)) && is_error(match_json_soundtrack(deep, &sp)) && is_error(match_json_pool(deep)),
          "100,000 nested brackets are refused, not a crash");
    free(deep);
}

int main(void) {
    test_space();
    test_distance();
    test_topk();
    test_pool();
    test_assign_brute_force();
    test_soundtrack_small();
    test_pruning_exact();
    test_soundtrack_large();
    test_json_topk();
    test_json_soundtrack();
    test_json_pool();
    test_json_hostile();
    test_prepared_songs();
    return check_summary();
}
