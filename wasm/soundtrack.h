/* soundtrack.h — a film's soundtrack from a song library: the ONE matching
 * path. The page's soundtrack (web/soundtrack/soundtrack.js), the Taste tab's "film your
 * library fits best" and `moodspace soundtrack` all call soundtrack_json
 * (through ms_film_soundtrack in wasm/api_film.c for the page), so they agree.
 *
 * Steps, for a film given as per-scene metrics (model units) and weights:
 *   1. arc (arc.h): smoothing and n_segments balanced segments;
 *   2. calibration (calib.h): each segment's mean mood becomes its percentile
 *      among the segments of catalog films cut into as many segments (the
 *      whole film: among whole films); each scene's its percentile among
 *      single catalog scenes, smoothed like the arc (the chart plots these);
 *   3. songs: each metric's percentile is a blend of the song's rank in the
 *      user's own library and its percentile among the model's training
 *      songs, weighted by library size:
 *          p = (n * p_library + PRIOR * p_training) / (n + PRIOR)
 *      so the film's darkest stretch gets the library's darkest song when the
 *      library is large, while a 20-song library (where rank alone would call
 *      its least happy pop song "the darkest") leans on the training songs;
 *   4. song prices (soundtrack.c): film moods do not fill the percentile
 *      space as songs do (energy and acousticness move together in films), so
 *      each song gets a price that gives it a fair share of the catalog's
 *      reference soundtracks (calib.h) and no song becomes every film's song;
 *   5. matching on percentiles (match.h's weighted distance with the model's
 *      per-metric weights, mean 0 / std 1, plus the price): n_segments distinct songs by
 *      optimal assignment (match_soundtrack) to the segments' targets: each
 *      segment's percentiles with their difference from the film's mean
 *      segment stretched by SOUNDTRACK_CONTRAST (clamped to 0..1), so the
 *      songs follow the film's ups and downs (measured over the catalog with
 *      the demo library, 6 segments: films whose segment-song Spearman is at
 *      least 0.8, valence 49.7 % -> 52.8 %, energy 68.3 % -> 73.7 %; mean
 *      distance 0.099 -> 0.115); the percentiles reported and the distances
 *      stay the segments' own. Or the quick match: the seed's
 *      pool (match_pool: MATCH_POOL_SIZE songs from a random offset, never
 *      past rank MATCH_POOL_MAX_RANK of the library as given, which must be
 *      ranked) and the SOUNDTRACK_QUICK_K songs nearest the whole film.
 *
 * JSON request (soundtrack_json; every metric object is {name: value}):
 *   {"scenes": [{"energy": .., ...}, ...],   per-scene moods (model units)
 *    "scene_weights": [words, ...]?,         per scene (default all 1)
 *    "metrics", "weights": {metric: w}?      as in match.h (compared metrics)
 *    "segments": 4,                          1..ARC_MAX_SEGMENTS
 *    "quick": {"seed": S, "avoid_offset": o}?   the quick match instead
 *    "songs": [{"id"?, "energy": .., ...}] | "packed": {...} (match.h),
 *    "detail": true,                         per-scene percentiles (chart)
 *    "locked": [{"segment": g, "song": i}]?  song i (index in "songs") stays in
 *                                            segment g; the other segments get
 *                                            the optimal distinct assignment of
 *                                            the songs not locked
 *    "alternatives": k?}                     per segment the k (0..10) next best
 *                                            songs the soundtrack does not use,
 *                                            by the assignment's own measure
 * Response:
 *   {"metrics": [...], "weights": {...}, "sigma": s, "library_share": a,
 *    "overall": {"mood": {..}, "pct": {..}},
 *    "segments": [{"first_scene", "last_scene", "mood", "pct",
 *                  "song": {"index", "id"?}, "song_mood", "song_pct",
 *                  "distance", "locked"?,
 *                  "alternatives"?: [{"song", "song_mood", "song_pct",
 *                                     "distance"}]}],  (not in quick mode)
 *    "quick": {"seed", "offset", "pool": [index, ...],
 *              "picks": [{"song", "song_mood", "song_pct", "distance"}]},
 *    "scenes": [{"pct": {..}, "smooth_pct": {..}}]}   (detail)
 * Percentiles ("pct") are 0..100. Distances are on the 0..1 percentile scale
 * (the plain weighted distance, without the price).
 * With no songs at all ("songs": []) the segments come without songs: the
 * arc on the calibrated scale, for the chart before matching.
 * Errors: {"error": "..."}, e.g. a model without calibration, no scenes,
 * fewer songs than segments (but some).
 */
#ifndef MOODSPACE_SOUNDTRACK_H
#define MOODSPACE_SOUNDTRACK_H

#include <stddef.h>
#include <stdint.h>

#include "arc.h"
#include "calib.h"
#include "match.h"

/* weights/catalog.json's format version (wasm/tools/cmd_catalog.c) that the
 * page and `moodspace soundtrack` read: 3 carries the scene calibration, 4
 * its reference as whole soundtracks (calib.h). */
#define CATALOG_FORMAT_VERSION 4
#define SOUNDTRACK_PRIOR 50.0       /* library prior strength, in songs */
#define SOUNDTRACK_QUICK_K 3        /* the quick match's songs */
#ifndef SOUNDTRACK_CONTRAST            /* -D to measure another (tests/bench/soundtrack-stats.mjs) */
/* within-film contrast of the targets (step 5). Re-chosen for the scene head
 * fitted within films (scene_head.h; dev films, demo library, 6 segments,
 * node tests/bench/soundtrack-stats.mjs --dev): films with segment-song
 * Spearman >= 0.8 valence / energy, distinct single best songs:
 * 1: 45.9 % / 70.1 %, 207; 1.25: 45.2 % / 72.6 %, 201; 1.5: 44.2 % / 69.9 %,
 * 191; 1.75: 45.2 % / 69.1 %, 173; 2: 45.2 % / 65.9 %, 161. Re-measured
 * with the head refitted on 16,475 labels and the reader of word order
 * (model_reader.h): 1: 39.0 % / 71.4 %, 207; 1.25: 39.8 % / 69.4 %, 203;
 * 1.5: 39.3 % / 70.4 %, 191 (the head alone, 1.25: 40.7 % / 70.6 %, 202):
 * 1.25 stays */
#define SOUNDTRACK_CONTRAST 1.25
#endif

#define SOUNDTRACK_MAX_ALTERNATIVES 10   /* "alternatives" per segment */

typedef struct {
    int n_segments;        /* 1..ARC_MAX_SEGMENTS */
    int quick;             /* 1: quick match instead of segments */
    uint64_t seed;         /* quick: the pool's seed */
    int avoid_offset;      /* quick: -1, or an offset to avoid ("Draw again") */
    /* the user's control over a soundtrack (segments only, with songs):
     * locked songs stay in their segment and the others are re-chosen
     * around them, distinct; each segment can list its next best songs */
    int n_locked;          /* pairs in locked_segment / locked_song */
    const int *locked_segment, *locked_song;   /* segment index, library row */
    int alternatives;      /* 0..SOUNDTRACK_MAX_ALTERNATIVES songs per segment */
    int lean;              /* 1: no per-scene percentiles (scene_pct, smooth_pct
                              stay NULL): ranking many films needs only the picks */
    const struct SoundtrackLibrary *library;   /* NULL, or these very songs prepared
                              once for many films (soundtrack_library_init) */
} SoundtrackOpts;

/* A library prepared once for many films (ms_film_fit): what
 * soundtrack_build would work out from the songs for each film. */
typedef struct SoundtrackLibrary {
    int n, m;              /* songs, metrics */
    float *pct;            /* [n][m] soundtrack_song_pcts */
    float *price;          /* [n] soundtrack_song_prices of pct */
    float *priced;         /* [n][m + 1] the rows the matching runs on: pct, sqrt(price) */
    MatchSongs proj;       /* priced projected in the priced space */
} SoundtrackLibrary;

/* songs[n][sp->n] as soundtrack_build takes them. 0, or -1 + message (then
 * nothing to free). */
int soundtrack_library_init(SoundtrackLibrary *L, const MatchSpace *sp, const Calib *cal, const float *songs, int n,
                            char *err, size_t errlen);
void soundtrack_library_free(SoundtrackLibrary *L);

typedef struct {
    int first, last;       /* scenes (segments); 0, n-1 for quick picks */
    float mood[MATCH_MAX_METRICS], pct[MATCH_MAX_METRICS];   /* pct 0..1 */
    int song;              /* library index, -1 when no songs were given */
    float song_pct[MATCH_MAX_METRICS];
    float distance;
} SoundtrackPick;

typedef struct {
    int n_metrics, n_scenes, n_songs;
    MoodArc *arc;
    float *scene_pct, *smooth_pct;   /* [n_scenes][n_metrics], 0..1 */
    float *song_pct;                 /* [n_songs][n_metrics], 0..1 */
    float overall_pct[MATCH_MAX_METRICS];
    double library_share;            /* n / (n + PRIOR) */
    int n_picks;
    SoundtrackPick *picks;           /* segments, or quick picks */
    int quick, pool_offset, pool_n;
    uint64_t seed;                   /* the seed actually used (quick) */
    int *pool;                       /* [pool_n] library indices (quick) */
    int n_alt;                       /* alternatives per segment (opts) */
    SoundtrackPick *alts;            /* [n_picks][n_alt]: the next best songs of each
                                      * segment that the soundtrack does not use, best
                                      * first (song -1 past the library's end) */
} Soundtrack;

/* scenes[n_scenes][sp->n], songs[n_songs][sp->n] in sp's metric order (all
 * finite); weights may be NULL. Not thread-safe: the last library's song
 * prices and percentiles are cached in one static slot each (the engine is single-threaded). cal must have both domains with every metric
 * of sp. NULL + message on failure. */
Soundtrack *soundtrack_build(const MatchSpace *sp, const Calib *cal, const float *scenes,
                             const float *weights, int n_scenes, const float *songs, int n_songs,
                             const SoundtrackOpts *o, char *err, size_t errlen);
void soundtrack_free(Soundtrack *s);
/* The songs' percentiles as soundtrack_build works them out (step 3):
 * out[n_songs][sp->n]. 0, or -1 + message (no calibration, a metric missing
 * from it, out of memory). */
/* The songs' prices (step 4) for their percentiles song_pct[n_songs][sp->n]:
 * price[n_songs]. 0, or -1 + message. */
int soundtrack_song_prices(const MatchSpace *sp, const Calib *cal, const float *song_pct, int n_songs, float *price,
                           char *err, size_t errlen);
int soundtrack_song_pcts(const MatchSpace *sp, const Calib *cal, const float *songs, int n_songs, float *out,
                         char *err, size_t errlen);

/* The JSON face (see top), in wasm/soundtrack_json.c (it reads songs as
 * match_json.c's requests do). cal NULL: {"error"} saying how to calibrate the model. */
char *soundtrack_json(const char *request, const MatchSpace *base, const Calib *cal,
                      const float *packed, size_t n_floats);

#endif
