/* cmd_match.c — `moodspace match`: songs to a target mood, songs to film
 * segments, or the seed's song pool. JSON in, JSON out, through match.h's
 * JSON layer (ms_match, ms_soundtrack and ms_pool answer the same way; the
 * page itself matches through ms_film_soundtrack, see cmd_soundtrack.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cJSON.h"
#include "match.h"
#include "model.h"
#include "tool_opts.h"

static void help(FILE *f) {
    fprintf(f,
"usage: moodspace match [--in FILE] [--model FILE | --no-model] [--mode MODE]\n"
"                       [--weights JSON] [--pretty]\n"
"       moodspace match --bench SONGSxSEGMENTS [--reps N] [--seed S] [--clustered]\n"
"\n"
"Reads one JSON request (stdin, or --in FILE) and prints one JSON result.\n"
"\n"
"Modes (default: guessed from the request's fields):\n"
"  topk        {\"songs\": [...], \"target\": {...}, \"k\": 3}\n"
"              -> {\"matches\": [{\"index\", \"id\", \"distance\", \"diff\"}, ...]}\n"
"  soundtrack  {\"songs\": [...], \"segments\": [...], \"max_uses\": 1, \"reuse\": false}\n"
"              -> {\"assignment\": [{\"segment\", \"index\", \"id\", \"distance\"}], \"total\"}\n"
"              distinct songs per segment minimising the total distance (exact);\n"
"              fewer songs than segments is an error unless \"reuse\": true\n"
"  pool        {\"n\": 57, \"seed\": 42} or {\"tracks\": [...], \"seed\": 42}\n"
"              -> {\"offset\", \"indices\"}: 20 tracks from a random offset,\n"
"              never past the top 70\n"
"Songs, targets and segments are objects with one number per metric\n"
"({\"id\": \"x\", \"energy\": 0.7, \"valence\": 0.3, ...}, what `predict --jsonl`\n"
"prints) or with them under \"metrics\".\n"
"\n"
"Distance: Euclidean on z-scores (the model's target mean/std), with\n"
"per-metric weights (the model's recommended ones, else 1; weight 0 ignores a\n"
"metric). A request may carry \"metrics\", \"mean\", \"std\" and \"weights\"\n"
"objects of its own (see wasm/match.h).\n"
"\n"
"Options:\n"
"  --in FILE        read the request from FILE instead of stdin\n"
"  --model FILE     weights file for the metric statistics (default: the\n"
"                   shipped weights/model.bin when it exists; without a model\n"
"                   the request must give \"mean\" and \"std\")\n"
"  --no-model       never load a model\n"
"  --mode MODE      topk | soundtrack | pool\n"
"  --weights JSON   default weights, e.g. '{\"tempo\":0.5}' (the request's win)\n"
"  --pretty         indented output\n"
"  --bench SxN      time top-k and the soundtrack on S random songs and N\n"
"                   segments (e.g. 10000x200); prints JSON with milliseconds\n"
"  --reps N         repetitions for --bench (default 7; median, min, max)\n"
"  --seed S         random seed for --bench (default 1)\n"
"  --clustered      --bench: all segments near one mood (the hard case)\n"
"                   (--bench prints wall and CPU milliseconds and the peak RSS)\n"
"\n"
"Exit status: 0 on success, 1 when the result is an error, 2 on bad usage.\n");
}

static char *read_all(FILE *f, size_t *len) {
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) return NULL;
    for (;;) {
        if (n == cap) {
            if (cap > ((size_t)1 << 31)) { free(buf); return NULL; }
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) { free(buf); return NULL; }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Peak resident memory of this process so far (KB, Linux). */
static long peak_kb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static int dbl_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Roughly normal values from a seeded RNG (sum of 4 uniforms). */
static float gauss(uint64_t *st) {
    double s = 0;
    for (int k = 0; k < 4; k++) s += (double)(match_rng_next(st) >> 11) / 9007199254740992.0;
    return (float)((s - 2.0) * 1.7320508);
}

static int bench(const MatchSpace *sp, int n_songs, int n_segs, int reps, uint64_t seed, int clustered) {
    int m = sp->n;
    float *songs = malloc(sizeof(float) * (size_t)n_songs * m), *segs = malloc(sizeof(float) * (size_t)n_segs * m);
    int *out = malloc(sizeof(int) * (size_t)n_segs), topi[3];
    double *t_st = malloc(sizeof(double) * reps), *t_top = malloc(sizeof(double) * reps);
    double *c_st = malloc(sizeof(double) * reps);
    if (!songs || !segs || !out || !t_st || !t_top || !c_st) { fprintf(stderr, "moodspace match: out of memory\n"); return 1; }
    uint64_t st = seed;
    for (size_t i = 0; i < (size_t)n_songs * m; i++) songs[i] = sp->mean[i % m] + sp->std[i % m] * gauss(&st);
    float centre[MATCH_MAX_METRICS];
    for (int j = 0; j < m; j++) centre[j] = sp->mean[j] + sp->std[j] * gauss(&st);
    for (size_t i = 0; i < (size_t)n_segs * m; i++)
        segs[i] = clustered ? centre[i % m] + 0.1f * sp->std[i % m] * gauss(&st)
                            : sp->mean[i % m] + sp->std[i % m] * gauss(&st);
    double total = 0;
    char err[160];
    for (int r = -1; r < reps; r++) {   /* r = -1: warm-up */
        double c0 = cpu_ms(), t0 = now_ms();
        if (match_soundtrack(sp, songs, n_songs, segs, n_segs, 1, 0, out, NULL, &total, err, sizeof err)) {
            fprintf(stderr, "moodspace match: %s\n", err);
            return 1;
        }
        double t1 = now_ms(), c1 = cpu_ms();
        match_topk(sp, songs, n_songs, segs, 3, topi, NULL);
        double t2 = now_ms();
        if (r >= 0) { t_st[r] = t1 - t0; t_top[r] = t2 - t1; c_st[r] = c1 - c0; }
    }
    qsort(t_st, (size_t)reps, sizeof *t_st, dbl_cmp);
    qsort(t_top, (size_t)reps, sizeof *t_top, dbl_cmp);
    qsort(c_st, (size_t)reps, sizeof *c_st, dbl_cmp);
    printf("{\"songs\":%d,\"segments\":%d,\"metrics\":%d,\"clustered\":%s,\"reps\":%d,"
           "\"soundtrack_ms\":{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f},"
           "\"soundtrack_cpu_ms\":{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f},"
           "\"topk3_ms\":{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f},\"total\":%.6f,\"peak_rss_kb\":%ld}\n",
           n_songs, n_segs, m, clustered ? "true" : "false", reps,
           t_st[reps / 2], t_st[0], t_st[reps - 1], c_st[reps / 2], c_st[0], c_st[reps - 1], t_top[reps / 2], t_top[0], t_top[reps - 1], total, peak_kb());
    free(songs); free(segs); free(out); free(t_st); free(t_top); free(c_st);
    return 0;
}

/* The model's matching space with its meta's match weights, into *space.
 * Returns space, NULL without a model (or one whose outputs cannot be
 * matched on: said on stderr); *failed when a given --model cannot load. */
static MatchSpace *model_space(const char *model_path, MatchSpace *space, int *failed) {
    char err[256] = "";
    MatchSpace *base = NULL;
    Model *m = model_load_file(model_path, err, sizeof err);
    if (!m && model_path) { tool_fail("match", "%s", err); *failed = 1; return NULL; }
    if (!m) return NULL;
    if (m->n_outputs <= MATCH_MAX_METRICS &&
        match_space_init(space, m->n_outputs, (const char *const *)m->output_names, m->target_mean,
                         m->target_std, NULL, err, sizeof err) == 0) {
        cJSON *meta = cJSON_Parse(m->meta ? m->meta : "");
        const cJSON *mw = cJSON_GetObjectItemCaseSensitive(meta, "match_weights");
        MatchSpace tmp = *space;
        const cJSON *it;
        if (cJSON_IsObject(mw)) cJSON_ArrayForEach(it, mw)
            if (cJSON_IsNumber(it)) match_space_set_weight(&tmp, it->string, (float)it->valuedouble);
        if (match_space_check(&tmp, NULL, 0) == 0) *space = tmp;
        cJSON_Delete(meta);
        base = space;
    } else {
        fprintf(stderr, "moodspace match: cannot match on this model's outputs (%s)\n", err);
    }
    model_free(m);
    return base;
}

/* --weights JSON over base's. 0, or a usage error's status. */
static int apply_weights(MatchSpace *base, const char *weights) {
    if (!base) return tool_usage_error("match", "--weights needs a model");
    cJSON *w = cJSON_Parse(weights);
    const cJSON *it;
    int bad = !cJSON_IsObject(w);
    if (!bad) cJSON_ArrayForEach(it, w)
        if (!cJSON_IsNumber(it) || match_space_set_weight(base, it->string, (float)it->valuedouble)) bad = 1;
    cJSON_Delete(w);
    if (bad || match_space_check(base, NULL, 0))
        return tool_usage_error("match", "bad --weights (a JSON object of numbers >= 0 for the model's metrics)");
    return 0;
}

/* One request (from in, or stdin) answered on stdout; mode NULL: guessed
 * from its fields. Returns the exit status. */
static int answer_request(const char *in, const char *mode, const MatchSpace *base, int pretty) {
    FILE *f = stdin;
    if (in && !(f = fopen(in, "rb"))) return tool_fail("match", "cannot open %s: %s", in, strerror(errno));
    size_t len = 0;
    char *req = read_all(f, &len);
    if (f != stdin) fclose(f);
    if (!req) return tool_fail("match", "cannot read the request (out of memory?)");
    if (!mode) {
        cJSON *j = cJSON_Parse(req);
        mode = cJSON_GetObjectItemCaseSensitive(j, "segments") ? "soundtrack"
             : cJSON_GetObjectItemCaseSensitive(j, "target") ? "topk"
             : cJSON_GetObjectItemCaseSensitive(j, "seed") ? "pool" : "topk";
        cJSON_Delete(j);
    }
    char *res = !strcmp(mode, "soundtrack") ? match_json_soundtrack(req, base)
              : !strcmp(mode, "pool") ? match_json_pool(req) : match_json_topk(req, base);
    free(req);
    if (!res) return tool_fail("match", "out of memory");
    cJSON *out = cJSON_Parse(res);
    int is_err = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(out, "error"));
    if (pretty && out) {
        char *p = cJSON_Print(out);
        if (p) { free(res); res = p; }
    }
    cJSON_Delete(out);
    puts(res);
    free(res);
    return is_err ? tool_fail("match", "the request failed (see \"error\")") : 0;
}

/* Steps: options, the model's space, --weights, then the benchmark or
 * one request. */
int cmd_match(int argc, char **argv) {
    const char *in = NULL, *model_path = NULL, *mode = NULL, *weights = NULL, *bench_arg = NULL;
    int no_model = 0, pretty = 0, reps = 7, clustered = 0;
    uint64_t seed = 1;
    const ToolOpt opts[] = {
        {"--no-model", OPT_FLAG, &no_model}, {"--pretty", OPT_FLAG, &pretty}, {"--clustered", OPT_FLAG, &clustered},
        {"--in", OPT_STR, &in}, {"--model", OPT_STR, &model_path}, {"--mode", OPT_STR, &mode},
        {"--weights", OPT_STR, &weights}, {"--bench", OPT_STR, &bench_arg}, {"--reps", OPT_INT, &reps},
        {"--seed", OPT_U64, &seed}, {NULL, 0, NULL}};
    int st = tool_parse("match", argc, argv, opts, NULL, help);
    if (st >= 0) return st;
    if (mode && strcmp(mode, "topk") && strcmp(mode, "soundtrack") && strcmp(mode, "pool"))
        return tool_usage_error("match", "--mode must be topk, soundtrack or pool");
    if (reps < 1 || reps > 10000) return tool_usage_error("match", "--reps must be 1..10000");

    MatchSpace space, *base = NULL;
    int failed = 0;
    if (!no_model) base = model_space(model_path, &space, &failed);
    if (failed) return 1;
    if (weights && (st = apply_weights(base, weights))) return st;
    if (!bench_arg) return answer_request(in, mode, base, pretty);
    int s = 0, n = 0;
    if (sscanf(bench_arg, "%dx%d", &s, &n) != 2 || s < 1 || n < 1 || s > MATCH_MAX_SONGS || n > MATCH_MAX_SEGMENTS || n > s)
        return tool_usage_error("match", "--bench wants SONGSxSEGMENTS, e.g. 10000x200 (segments <= songs)");
    if (!base) {   /* no model: the seed's four metrics with plausible statistics */
        const char *names[] = {"energy", "valence", "tempo", "liveness"};
        const float mean[] = {0.6f, 0.45f, 120.0f, 0.2f}, std[] = {0.2f, 0.25f, 30.0f, 0.15f};
        char err[256];
        match_space_init(&space, 4, names, mean, std, NULL, err, sizeof err);
        base = &space;
    }
    return bench(base, s, n, reps, seed, clustered);
}
