/* arc.h — a film's mood arc: per-scene metrics → smoothed arc, overall mood,
 * and a split into N segments (acts) for the soundtrack.
 *
 *   per-scene metrics  raw[n_scenes][n_metrics], in the model's units
 *   scene weights      how much each scene counts: words for screenplays,
 *                      seconds for subtitles (arc_from_script); a scene with
 *                      weight 0 (empty) still gets a smoothed value
 *   smoothed arc       Gaussian kernel over scene positions (sigma =
 *                      ArcOpts.smooth scenes, at most 1000; auto = n_scenes /
 *                      25 within ARC_MIN_SIGMA..100, so a script of fewer than
 *                      25 scenes is barely smoothed and a pasted 6-scene
 *                      script keeps 6 distinct points), each neighbour
 *                      weighted by kernel x scene weight; the kernel is cut at
 *                      3 sigma. Work is bounded: beyond ARC_SMOOTH_TAPS
 *                      neighbours each side, neighbours are summed in blocks
 *                      (prefix sums, kernel at the block centre; blocks are
 *                      under 1/80 sigma wide, so the result moves by well
 *                      under 1 %), O(scenes x taps x metrics) for any sigma
 *   overall mood       weight-weighted mean of the raw metrics
 *   segments           n_segments contiguous scene ranges. Default: the
 *                      split minimising the weighted within-segment squared
 *                      distance of standardised metrics (dynamic
 *                      programming; exact for up to ARC_MAX_BLOCKS scenes,
 *                      on contiguous blocks of scenes beyond), each at least
 *                      n_scenes / (3 n_segments) scenes long, so acts follow
 *                      changes of mood. Balanced: with share = total weight
 *                      (words) / n_segments, no segment weighs more than
 *                      ARC_BALANCE_MAX x share (2: no act holds most of the
 *                      film) nor less than share / ARC_BALANCE_MIN_DIV (3: no
 *                      3-scene act), and none holds more than ARC_BALANCE_MAX
 *                      x its even share of the scenes (a battle of 200 short
 *                      cuts is not one act); when scene weights are so uneven
 *                      that no split satisfies these, the length floor alone
 *                      applies.
 *                      ArcOpts.equal = 1: equal shares of total weight instead.
 *
 * Model text weighting (arc_predict_scenes): with action_weight ==
 * dialogue_weight (default 1, 1) each scene's model text (Scene.text: action
 * and dialogue in script order) is predicted once. Otherwise action and
 * dialogue are predicted separately and blended:
 *     m = (wa*Na*pred(action) + wd*Nd*pred(dialogue)) / (wa*Na + wd*Nd)
 * with Na, Nd the scenes' action / dialogue word counts (0 weight drops a
 * part; a scene without either part falls back to its whole text).
 *
 * Usage:
 *     ArcOpts ao = arc_default_opts();
 *     ao.n_segments = 5;
 *     char err[256];
 *     MoodArc *a = arc_from_script(model, ss, &ao, err, sizeof err);
 *     char *json = arc_to_json(a, ss, ARC_JSON_SCENES);   // free()
 *     arc_free(a);
 *
 * Nothing here exits or aborts; errors come back as NULL/-1 + message.
 */
#ifndef MOODSPACE_ARC_H
#define MOODSPACE_ARC_H

#include <stddef.h>

#include "cJSON.h"
#include "model.h"
#include "scene.h"

#define ARC_MAX_SEGMENTS 64
#define ARC_MAX_BLOCKS 800     /* DP resolution (scenes grouped beyond this) */
#define ARC_MAX_METRICS 32
#define ARC_BALANCE_MAX 2.0      /* a segment weighs at most 2x its even share */
#define ARC_BALANCE_MIN_DIV 3.0  /* ... and at least 1/3 of it */
#define ARC_SMOOTH_TAPS 256      /* exact kernel taps each side before blocks */
#define ARC_MIN_SIGMA 0.1        /* auto smoothing floor (scenes) */

typedef struct {
    double smooth;          /* Gaussian sigma in scenes; <= 0: auto (n/25 within 1..100) */
    int n_segments;         /* acts; default 4, clamped to 1..min(n_scenes, 64) */
    int equal;              /* 1: equal weight shares instead of mood change points */
    float action_weight;    /* model text weighting, default 1 (see above) */
    float dialogue_weight;  /* default 1 */
    int no_smooth;          /* 1: no smoothing (MoodArc.smooth is a copy of raw; sigma is still set),
                               for callers that need only the segments and the overall mood */
} ArcOpts;

typedef struct {
    int first, last;        /* scene range, inclusive */
    float mean[ARC_MAX_METRICS];   /* weighted mean of the raw metrics */
    double start, end;      /* seconds (subtitles), else -1 */
    int start_line, end_line;      /* from the scenes (arc_from_script), else 0 */
} ArcSegment;

typedef struct {
    int n_scenes, n_metrics;
    char **names;           /* [n_metrics] metric names (owned) */
    float *raw;             /* [n_scenes][n_metrics] */
    float *smooth;          /* [n_scenes][n_metrics] */
    float *weight;          /* [n_scenes] */
    float overall[ARC_MAX_METRICS];
    double sigma;           /* the smoothing actually used */
    int n_segments;
    ArcSegment *segments;   /* [n_segments] */
} MoodArc;

/* Defaults: smooth auto, 4 segments, change points, weights 1 and 1. */
ArcOpts arc_default_opts(void);

/* Build an arc from per-scene metrics raw[n_scenes][n_metrics] (copied).
 * weights[n_scenes] may be NULL (all 1); negative or NaN weights count as 0.
 * names[n_metrics] may be NULL ("m0", "m1", ...). scale[n_metrics] (e.g.
 * the model's target std) standardises metrics for segmentation; NULL: the
 * film's own weighted std. n_scenes may be 0 (empty arc, no segments).
 * Returns NULL + message on bad arguments (n_metrics outside 1..32, NaN
 * metrics are replaced by the metric's mean, not rejected) or out of memory.
 * Free with arc_free. */
MoodArc *arc_build(const float *raw, const float *weights, int n_scenes, int n_metrics,
                   const char *const *names, const float *scale, const ArcOpts *o,
                   char *err, size_t errlen);

/* Each scene's weight for the overall mood: its duration when it has
 * times (subtitles), else its word count. w: [n_scenes]. */
void arc_scene_weights(const ScriptScenes *ss, float *w);

/* The overall mood of n scenes (raw [n][m]): each scene weighted by
 * weights[i] (NULL: all 1; not positive or not finite: 0; all equal when
 * the weights sum to 0), values that are not finite left out. Writes the
 * cleaned weights [n], overall [m] and filled [n][m] (raw with a missing
 * value as the overall; weight may be weights and filled may be raw).
 * Returns the weights' sum. */
double arc_overall(const float *raw, const float *weights, int n, int m, float *weight, float *overall, float *filled);

/* Predict every scene of ss with model m into out[n_scenes][n_outputs],
 * weighting action and dialogue as ArcOpts says (o may be NULL). Batched.
 * 0, or -1 + message. */
int arc_predict_scenes(const Model *m, const ScriptScenes *ss, const ArcOpts *o, float *out,
                       char *err, size_t errlen);

/* Predict (arc_predict_scenes) and build (arc_build, scale = the model's
 * target std, weights = words or subtitle seconds); fills the segments'
 * lines and seconds from the scenes. NULL + message on failure. */
MoodArc *arc_from_script(const Model *m, const ScriptScenes *ss, const ArcOpts *o,
                         char *err, size_t errlen);

/* Free an arc (NULL is fine). */
void arc_free(MoodArc *a);

/* Metrics as a JSON object {"energy": 0.613, ...}, 4 significant digits. */
cJSON *arc_metrics_cjson(const MoodArc *a, const float *v);

enum { ARC_JSON_SCENES = 1 };   /* include per-scene raw and smoothed metrics */

/* The arc as a JSON string (malloc'ed, free() it):
 *   {"metrics":[names], "sigma":s, "overall":{...},
 *    "segments":[{"first","last","start_line","end_line","start"?,"end"?,
 *                 "heading","mood":{...}}],
 *    "scenes":[{"index","heading","mood":{...},"smooth":{...}}]}  (flag)
 * ss may be NULL (no headings). NULL when out of memory. */
char *arc_to_json(const MoodArc *a, const ScriptScenes *ss, int flags);

#endif
