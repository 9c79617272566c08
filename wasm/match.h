/* match.h — nearest songs to a mood, the seed's song pool, and the optimal
 * soundtrack (distinct songs to film segments).
 *
 * Distance. Metrics are standardised with the model's target
 * statistics, z_j = (x_j - mean_j) / std_j, and compared with a weighted
 * Euclidean distance
 *
 *     d(a, b) = sqrt( sum_j w_j * (z_j(a) - z_j(b))^2 )
 *
 * so tempo (~120 BPM) no longer swamps the 0..1 metrics, as it did in the seed.
 * A metric with weight 0 is ignored; at least one weight must be positive.
 *
 * Soundtrack. N segments get distinct songs (or each song at most `max_uses`
 * times) so that the SUM of distances is minimal: a rectangular linear
 * assignment, solved exactly by shortest augmenting paths with dual
 * potentials (Jonker–Volgenant / Crouse 2016, the method behind SciPy's
 * linear_sum_assignment). Songs < segments is an error unless max_uses > 1:
 * then each song may serve up to max_uses segments and the result is optimal
 * under that cap (songs are replicated as columns).
 *
 * Scaling by exact pruning. For each segment only its K nearest songs are kept
 * as candidates, K = ceil(N / max_uses) (ties broken by song index), and the
 * assignment is solved on the union of the candidate sets. This never changes
 * the optimal total: take any optimal assignment where segment i gets song s
 * outside its candidate set C_i. C_i holds K songs with K * max_uses >= N
 * slots, the other N-1 segments fill at most N-1 of them, so some song t in C_i
 * has a free slot, and d(i, t) <= d(i, s) because s was not among i's K
 * nearest. Moving i to t keeps the total optimal and moves one more segment
 * into its candidate set; repeat until all are inside. So an optimum lies in
 * the union, and any assignment in the union is feasible for the full problem.
 * (tests/c/test_match.c checks this against the unpruned solution.)
 * The pruned problem is solved on the sparse graph itself (N rows with K
 * edges each, Dijkstra with a binary heap), and the candidates come from one
 * vectorised distance pass per segment plus a selection, so the cost is
 * about N x songs x metrics for the distances and N x K x log for the
 * assignment. Measured (`moodspace match --bench 10000x200 [--clustered]`):
 * 10,000 songs x 200 segments in about 10 ms of CPU natively (30 ms when all
 * segments share one mood), 25-45 ms in wasm through web/engine/engine.js.
 *
 * Determinism: no randomness except match_pool's explicit seed; ties are
 * broken by the lowest index everywhere; the same inputs give the same output
 * natively and in wasm.
 *
 * Usage:
 *     MatchSpace sp; char err[128];
 *     const char *names[] = {"energy", "valence", "tempo", "liveness"};
 *     if (match_space_init(&sp, 4, names, mean, std, NULL, err, sizeof err)) fail(err);
 *     int idx[3]; float dist[3];
 *     int got = match_topk(&sp, songs, n_songs, target, 3, idx, dist);
 *     int seg_song[N]; float seg_dist[N]; double total;
 *     if (match_soundtrack(&sp, songs, n_songs, segs, N, 1, 0, seg_song, seg_dist,
 *                          &total, err, sizeof err)) fail(err);
 *
 * Arrays of metric vectors are row-major: songs[i * sp.n + j] is metric j of
 * song i, in the order of the space's names. All inputs must be finite.
 *
 * The JSON layer at the bottom (match_json_*) is what wasm/api.c and the
 * `moodspace match` command both call, so the page and the tool agree.
 */
#ifndef MOODSPACE_MATCH_H
#define MOODSPACE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#define MATCH_MAX_METRICS 16
#define MATCH_NAME_LEN 32
/* The seed's quick-match pool: 20 tracks, never past the user's top 70. */
#define MATCH_POOL_SIZE 20
#define MATCH_POOL_MAX_RANK 70
/* Upper bounds on what the JSON layer accepts (bounded time and memory). */
#define MATCH_MAX_SONGS 1000000
#define MATCH_MAX_SEGMENTS 2000

typedef struct {
    int n;                                   /* metrics, 1..MATCH_MAX_METRICS */
    char name[MATCH_MAX_METRICS][MATCH_NAME_LEN];
    float mean[MATCH_MAX_METRICS];           /* target statistics (model units) */
    float std[MATCH_MAX_METRICS];            /* > 0 */
    float weight[MATCH_MAX_METRICS];         /* >= 0, at least one > 0 */
} MatchSpace;

/* Fill a space. weight may be NULL (all 1). Names are copied (truncated to
 * MATCH_NAME_LEN-1 bytes). Returns 0, or -1 with a message in err when n is out
 * of range, a std is not a positive finite number, a weight is negative or not
 * finite, or all weights are 0. */
int match_space_init(MatchSpace *sp, int n, const char *const *names,
                     const float *mean, const float *std, const float *weight,
                     char *err, size_t errlen);

/* Index of metric `name` in the space, or -1. */
int match_space_find(const MatchSpace *sp, const char *name);

/* Sets the weight of metric `name`. Returns 0, or -1 if unknown or invalid
 * (the space is unchanged). The caller checks that some weight stays > 0
 * with match_space_check. */
int match_space_set_weight(MatchSpace *sp, const char *name, float w);
int match_space_check(const MatchSpace *sp, char *err, size_t errlen);

/* z[j] = (raw[j] - mean[j]) / std[j] for j < sp->n. */
void match_standardize(const MatchSpace *sp, const float *raw, float *z);

/* Weighted Euclidean distance between two raw metric vectors (see top). */
float match_distance(const MatchSpace *sp, const float *a, const float *b);

/* The min(k, n_songs) songs nearest to target, nearest first (ties: lower
 * index first), into out_idx / out_dist (each with room for k; out_dist may be
 * NULL). Returns the count, or -1 on bad arguments or out of memory. */
int match_topk(const MatchSpace *sp, const float *songs, int n_songs,
               const float *target, int k, int *out_idx, float *out_dist);

/* The seed's pool: `size` consecutive tracks from a random offset into a
 * ranked list of n_tracks, never past rank max_rank. The offset is uniform in
 * [0, min(n_tracks, max_rank) - size]; with fewer tracks than `size` it is 0
 * and all min(n_tracks, max_rank) tracks are returned. Writes indices into
 * out_idx (room for `size`) and the offset into *out_offset (may be NULL).
 * The same seed gives the same pool. Returns the count, or -1 on bad
 * arguments (negative counts, size < 1). */
int match_pool(int n_tracks, int size, int max_rank, uint64_t seed,
               int *out_idx, int *out_offset);

/* Small, seedable RNG (splitmix64), also used by the tests. */
uint64_t match_rng_next(uint64_t *state);

/* Rectangular linear assignment: cost is n_rows x n_cols row-major (finite),
 * n_rows <= n_cols. Every row gets a distinct column so the total is minimal;
 * row_to_col[i] is row i's column. *total (may be NULL) gets the sum.
 * Returns 0, or -1 when n_rows > n_cols, a cost is not finite, or out of
 * memory. Time O(n_rows^2 * n_cols) worst case, usually far less. */
int match_assign(const float *cost, int n_rows, int n_cols, int *row_to_col,
                 double *total);

/* Optimal soundtrack: each of n_segs segments gets a song; every song is used
 * at most max_uses (>= 1) times; the sum of distances is minimal.
 * prune_k: 0 = automatic exact pruning (see top), < 0 = no pruning (the full
 * dense problem; for tests and small libraries), > 0 = keep that many nearest
 * songs per segment (raised to the exact minimum ceil(N / max_uses) if lower).
 * Writes out_song[i] (song index) and out_dist[i] (may be NULL) per segment
 * and the sum into *total (may be NULL).
 * Returns 0, or -1 with a message when n_songs * max_uses < n_segs, counts
 * are out of range, or memory runs out. */
int match_soundtrack(const MatchSpace *sp, const float *songs, int n_songs,
                     const float *segs, int n_segs, int max_uses, int prune_k,
                     int *out_song, float *out_dist, double *total,
                     char *err, size_t errlen);

/* A library projected once for many match_soundtrack_songs calls (one
 * library against a catalog of films): the projection match_soundtrack
 * makes of its songs on every call. */
typedef struct {
    int n, m;       /* songs, metrics with a weight */
    float *y;       /* [n][m] */
    float *yT;      /* [m][n] the same, by metric */
} MatchSongs;

/* songs[n_songs][sp->n] projected in sp. 0, or -1 with a message when a
 * song has a non-finite metric or memory runs out (nothing to free). */
int match_songs_init(MatchSongs *ms, const MatchSpace *sp, const float *songs, int n_songs, char *err, size_t errlen);
void match_songs_free(MatchSongs *ms);

/* match_soundtrack with the songs of match_songs_init (in the same sp):
 * the same answer, errors and checks. */
int match_soundtrack_songs(const MatchSpace *sp, const MatchSongs *songs,
                           const float *segs, int n_segs, int max_uses, int prune_k,
                           int *out_song, float *out_dist, double *total,
                           char *err, size_t errlen);

/* ---- JSON layer (shared by wasm/api.c and `moodspace match`) ---------------
 *
 * Each function takes a request as a JSON text and returns a malloc'd JSON
 * text the caller frees with free(); on any failure the result is
 * {"error": "..."}. NULL only when even that cannot be allocated.
 * `base` is the model's space (names, means, stds, recommended weights) or
 * NULL; a request may override it with its own fields:
 *
 *   "metrics": ["energy", ...]          the metrics to compare (default: all of base)
 *   "mean": {"energy": 0.6, ...}, "std": {...}   statistics (default: base)
 *   "weights": {"tempo": 0.5, ...}      per-metric weights (default: base's;
 *                                       missing names keep their default)
 *
 * A song, target or segment is an object carrying each metric as a number,
 * either at the top level ({"id": "x", "energy": 0.7, ...}, the shape that
 * predict returns) or under "metrics". Songs missing a metric whose weight is
 * > 0 are skipped and listed under "skipped" with the reason; a target or
 * segment missing one is an error. Each song's "id" (any JSON value) is
 * echoed back.
 *
 * match_json_topk:       {"songs": [...], "target": {...}, "k": 3}
 *   -> {"matches": [{"index": i, "id": .., "distance": d,
 *                    "diff": {"energy": z_song - z_target, ...}}, ...],
 *       "skipped": [...], "metrics": [...], "weights": {...}}
 * match_json_soundtrack: {"songs": [...], "segments": [...],
 *                         "max_uses": 1, "reuse": false, "prune_k": 0}
 *   "reuse": true sets max_uses = ceil(segments / songs) when songs are fewer.
 *   -> {"assignment": [{"segment": s, "index": i, "id": .., "distance": d,
 *                       "diff": {...}}, ...], "total": sum, "max_uses": u,
 *       "skipped": [...], "metrics": [...], "weights": {...}}
 * match_json_pool:       {"n": 57, "seed": 42, "size": 20, "max_rank": 70}
 *   or {"tracks": [...], "seed": 42}  (n = number of tracks)
 *   -> {"offset": o, "indices": [...], "seed": 42[, "tracks": [the pool]]}
 *   seed: an integer 0..2^53 (required, so results are reproducible).
 */
char *match_json_topk(const char *request, const MatchSpace *base);
char *match_json_soundtrack(const char *request, const MatchSpace *base);

/* The same with the songs' numbers in a float buffer instead of JSON (a
 * 10,000-song request is then parsed in microseconds, not milliseconds):
 * the request carries "packed": {"metrics": ["energy", ...], "n": N} instead
 * of "songs", and packed[N][len(metrics)] holds the values (NaN = missing).
 * Results are the same as with "songs" except that no "id" is echoed (the
 * caller maps "index" back to its songs). n_floats bounds the buffer. */
char *match_json_topk_packed(const char *request, const MatchSpace *base, const float *packed, size_t n_floats);
char *match_json_soundtrack_packed(const char *request, const MatchSpace *base, const float *packed,
                                   size_t n_floats);
char *match_json_pool(const char *request);

#endif
