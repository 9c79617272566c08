/* calib.h — calibration: songs and scenes on one relative scale.
 *
 * Why. The network's predictions for film scenes sit in a small corner of the
 * metric space (film means vary 4-10 times less than song predictions and are
 * shifted: darker, calmer, more acoustic). Compared on the same absolute
 * scale, every film lands on the few songs near that corner. So each domain is
 * mapped through ITS OWN distribution first: a value becomes its percentile
 * among that domain's reference predictions (0 = lowest, 1 = highest), and
 * songs and scenes are compared on percentiles (match.h's distance, with the
 * per-metric weights, on p instead of z).
 *
 * Why quantiles and not mean/std. The distributions are skewed and bounded
 * (acousticness piles up near 0, liveness has a long tail), so a z-score
 * still leaves one domain's bulk where the other has its tail; quantiles map
 * any shape to uniform, are not moved by a few outliers, and give numbers a
 * person reads ("among the calmest 15 %"), the same numbers the arc chart
 * plots and "Why this song?" quotes.
 *
 * Segments. A segment's mood is the mean of its scenes, and the segmenter
 * (arc.h) cuts at mood change points, so segment means spread in their own
 * way: less than single scenes, more than fixed windows, and differently for
 * 2 segments than for 20. So segments are ranked among catalog SEGMENTS: the
 * "segments" domain keeps one table per segment count K (levels 1, 2, 3, 4,
 * 5, 6, 8, ... 64: every catalog film cut by the segmenter into K segments,
 * word-weighted means; K = 1 is the whole film), and a K-segment soundtrack
 * compares its segments with the catalog's K-segment cuts (log-linear
 * interpolation between the nearest two K). Single scenes (the arc chart)
 * are ranked among all catalog scenes ("scenes" domain, one level). A pasted
 * script uses the same catalog tables, so a dark script lands on dark songs.
 *
 * A table holds CALIB_KNOTS quantiles (0 %, 1 %, ... 100 %); the percentile
 * of x is the piecewise-linear inverse (flat runs of equal knots give their
 * middle; below the first knot 0, above the last 1).
 *
 * Where the tables live: the weights file's meta JSON, key "calibration"
 * (written by `moodspace calibrate`), {"songs": DOMAIN, "scenes": DOMAIN,
 * "segments": DOMAIN, "reference": {...} (optional, below)} with DOMAIN = {"levels": [1, 2, ...], "metrics":
 * [names], "q": [[[knot, ...] per metric] per level]}. The catalog
 * (weights/catalog.json, version 4) carries the same "scenes" and "segments",
 * computed when it is built.
 */
#ifndef MOODSPACE_CALIB_H
#define MOODSPACE_CALIB_H

#include <stddef.h>

#include "cJSON.h"

#define CALIB_KNOTS 101
#define CALIB_MAX_LEVELS 16
#define CALIB_MAX_METRICS 16
#define CALIB_NAME_LEN 32

typedef struct {
    int n_metrics, n_levels;                  /* 0 levels: domain absent */
    char name[CALIB_MAX_METRICS][CALIB_NAME_LEN];
    int level_len[CALIB_MAX_LEVELS];          /* level keys, increasing (segments: K) */
    float q[CALIB_MAX_LEVELS][CALIB_MAX_METRICS][CALIB_KNOTS];   /* non-decreasing */
} CalibDomain;

/* Reference soundtracks: a fixed sample of catalog films, each cut by the
 * segmenter into as many segments as a soundtrack has, on the calibrated
 * scale: percentiles 0..1 in the segments domain's metric order, the rows of
 * one film consecutive, in blocks of films cut alike (CALIB_REF_SEGMENTS:
 * half the rows from 6-segment cuts, the page's default, half from 12, so
 * longer soundtracks are balanced too). soundtrack.h uses it to give each
 * library song a fair share of the soundtracks (song prices). Whole
 * soundtracks rather than loose segments, because a song's share of
 * soundtracks is what a user sees: a song that is nobody's nearest can still
 * be everybody's fifth choice. Optional: without it there are no prices. */
#define CALIB_MAX_REF 2000
#define CALIB_MAX_REF_BLOCKS 4
#define CALIB_REF_SEGMENTS {6, 12}

typedef struct {
    CalibDomain songs;      /* one level */
    CalibDomain scenes;     /* one level: single catalog scenes */
    CalibDomain segments;   /* one level per segment count K */
    int n_ref;              /* 0..CALIB_MAX_REF rows */
    int n_ref_blocks;       /* 0: loose moods, one row per film */
    int ref_block_size[CALIB_MAX_REF_BLOCKS];    /* segments per film in block b */
    int ref_block_films[CALIB_MAX_REF_BLOCKS];   /* films in block b */
    float ref[CALIB_MAX_REF][CALIB_MAX_METRICS];
} Calib;

/* The reference as JSON {"metrics": [...], "segments_per_film": [6, 12],
 * "films": [166, 83] (both absent: loose moods), "p": [permille, ...]
 * (n_ref x metrics)} / read back (into c->ref, checked against c->segments'
 * metrics and the blocks against the rows; -1 + message when malformed). */
cJSON *calib_ref_to_cjson(const Calib *c);
int calib_ref_from_cjson(Calib *c, const cJSON *j, char *err, size_t errlen);

/* Quantile knots of x[0..n) (stride between values) into q[CALIB_KNOTS]
 * (type 7: linear between order statistics). NaNs, infinities and values
 * beyond ±1e30 (which calib_domain_from_cjson refuses) are ignored. 0, or -1
 * when no such value or out of memory. */
int calib_quantiles(const float *x, size_t n, size_t stride, float *q);

/* Percentile in [0, 1] of x against knots q (see top). */
double calib_pct(const float *q, double x);

/* Build a domain from "films" by windows: film f has counts[f] consecutive
 * rows of values[row][n_metrics] with weights w[row] (NULL: all 1; negative
 * or NaN count as 0); level L holds the weighted means of consecutive windows
 * of L rows (a film shorter than L counts once, whole). levels: n_levels
 * increasing lengths >= 1. Songs and scenes use levels {1} (every row
 * alone). 0, or -1 + message. */
int calib_build(CalibDomain *d, int n_metrics, const char *const *names,
                const float *values, const float *w, const int *counts, int n_films,
                const int *levels, int n_levels, char *err, size_t errlen);

/* A domain from values already grouped by level: row r (values[r][n_metrics])
 * belongs to level index group[r] (-1: ignored). Used for the segments
 * domain (rows = segment means, groups = the K they were cut with). 0, or -1
 * + message (also when a level gets no row). */
int calib_build_groups(CalibDomain *d, int n_metrics, const char *const *names,
                       const float *values, const int *group, int n, const int *levels, int n_levels,
                       char *err, size_t errlen);

/* The segment counts the segments domain keeps (1, 2, 3, 4, 5, 6, 8, 10, 12,
 * 16, 20, 24, 32, 48, 64) into levels; returns how many. */
int calib_segment_levels(int *levels);

/* Index of metric `name` in d, or -1. */
int calib_find(const CalibDomain *d, const char *name);

/* Percentile of x for metric m at level key `key` (segments: K; one-level
 * domains: any). Between levels: interpolated on log2(key); beyond the last,
 * the last. d must have levels. */
double calib_domain_pct(const CalibDomain *d, int m, double key, double x);

/* The domain as JSON (knots to 5 significant digits) / read back. from_cjson
 * checks the shape (levels increasing, knots finite and non-decreasing) and
 * returns -1 + message when it is wrong. */
cJSON *calib_domain_to_cjson(const CalibDomain *d);
int calib_domain_from_cjson(CalibDomain *d, const cJSON *j, char *err, size_t errlen);

/* The three domains from a weights file's meta JSON text ("calibration"
 * key). Returns 1 when all were found, 0 when the key is absent or
 * incomplete (c is then zeroed; *err says what is missing), -1 when present
 * but malformed (+ message). */
int calib_from_meta(Calib *c, const char *meta_json, char *err, size_t errlen);

/* The same from the meta already parsed (NULL or not an object: no
 * calibration), for a caller that parses it once for other keys too. */
int calib_from_meta_cjson(Calib *c, const cJSON *meta, char *err, size_t errlen);

/* Mid-rank percentiles of x[i * stride] among the n values: (below + equal/2)
 * / n, in [0, 1]. out[n]. NaNs rank above every number, each alone. 0, or
 * -1 when out of memory. O(n log n). */
int calib_rank_pct(const float *x, int n, int stride, double *out);

#endif
