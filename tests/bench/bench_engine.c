/* bench_engine.c — the benchmark driver for our engine, built twice by
 * tests/bench/run.mjs from the same source:
 *   native: cc -O3 ... tests/bench/bench_engine.c build/native/libengine.a
 *   wasm:   emcc -O3 -msimd128 ... (the engine sources + this file), run in
 *           Node with NODERAWFS so it reads the same files.
 * It times the engine's own C entry points (no process start, no JSON) and
 * prints one JSON object per command on stdout.
 *
 *   bench_engine make-random OUT.bin WORDS.txt SEED   seed architecture, random init (native)
 *   bench_engine dump MODEL PREFIX        PREFIX.json (architecture, tensors, vocab)
 *                                         + PREFIX.f32 (all parameters, Keras layouts)
 *   bench_engine parity MODEL TEXTS N     ids and outputs for the first N texts
 *   bench_engine latency MODEL TEXTS SIZES RUNS   tokenize+predict, SIZES "1,20,70,1000"
 *   bench_engine screenplay MODEL FILE RUNS [SCENES_OUT]   parse + tokenize + predict
 *   bench_engine match L S RUNS [json]    top-k and soundtrack, L songs x S segments
 *   bench_engine quantize MODEL OUT.bin   the same model with int8 per-row tensors (native)
 *   bench_engine train MODEL TEXTS N RUNS one epoch of the C trainer over N songs with
 *                                         random targets, RUNS times (native; links
 *                                         build/native/libtools.a)
 *
 * TEXTS files hold texts separated by NUL bytes. Every timed command does one
 * untimed warm-up run first, then RUNS timed runs, and prints each run's ms.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "match.h"
#include "model.h"
#include "scene.h"
#ifndef __EMSCRIPTEN__
#include "tools/train.h"
#endif

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + 1e-6 * (double)t.tv_nsec;
}

static void die(const char *what, const char *msg) {
    fprintf(stderr, "bench_engine: %s: %s\n", what, msg);
    exit(1);
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) die(path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) die(path, "read failed");
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Texts separated by NUL bytes: pointers into buf (kept alive by the caller). */
static int split_texts(unsigned char *buf, size_t len, const char ***texts, size_t **lens) {
    int n = 0;
    for (size_t i = 0; i < len; i++) if (buf[i] == 0) n++;
    if (len && buf[len - 1] != 0) n++;
    *texts = malloc(sizeof(char *) * (size_t)(n ? n : 1));
    *lens = malloc(sizeof(size_t) * (size_t)(n ? n : 1));
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len && k < n; i++) {
        if (i == len || buf[i] == 0) {
            (*texts)[k] = (const char *)buf + start;
            (*lens)[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    return n;
}

/* Load a model through the same path the page uses: bytes in memory. */
static Model *load_model(const char *path, double *ms) {
    double t0 = now_ms();
    size_t len;
    unsigned char *buf = read_file(path, &len);
    char err[256];
    Model *m = model_load_bytes(buf, len, err, sizeof err);
    free(buf);
    if (!m) die(path, err);
    if (ms) *ms = now_ms() - t0;
    return m;
}

static void print_runs(const char *key, const double *ms, int runs) {
    printf("\"%s\": [", key);
    for (int r = 0; r < runs; r++) printf("%s%.4f", r ? ", " : "", ms[r]);
    printf("]");
}

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static float gauss(uint64_t *st);

#ifndef __EMSCRIPTEN__
/* ---- make-random: the seed architecture with random weights --------------- */
static int cmd_make_random(int argc, char **argv) {
    if (argc < 4) die("make-random", "usage: make-random OUT.bin WORDS.txt SEED");
    size_t len;
    unsigned char *buf = read_file(argv[2], &len);
    const char **words = malloc(sizeof(char *) * (len + 1));
    int n = 0;
    for (char *line = strtok((char *)buf, "\n"); line; line = strtok(NULL, "\n"))
        if (*line) words[n++] = line;
    LayerSpec arch[16];
    int nl = model_seed_arch(arch, 4);
    const char *names[4] = {"energy", "valence", "tempo", "liveness"};
    /* plausible target statistics (Spotify units), only used to de-standardise */
    const float mean[4] = {0.6f, 0.5f, 120.0f, 0.2f}, sd[4] = {0.2f, 0.25f, 30.0f, 0.15f};
    char err[256];
    Model *m = model_create(arch, nl, 500, words, n, names, mean, sd, 4, err, sizeof err);
    if (!m) die("model_create", err);
    model_init_random(m, strtoull(argv[3], NULL, 10));
    if (model_set_meta(m, "{\"note\":\"seed architecture, random init, for benchmarks\"}"))
        die("model_set_meta", "failed");
    if (model_save_file(m, argv[1], 0, err, sizeof err)) die("model_save_file", err);
    printf("{\"path\": \"%s\", \"n_params\": %zu, \"n_words\": %d}\n", argv[1], m->n_params, n);
    model_free(m);
    free(words);
    free(buf);
    return 0;
}

/* ---- quantize: int8 per-row weights, for the size/accuracy trade ---------- */
static int cmd_quantize(int argc, char **argv) {
    if (argc < 3) die("quantize", "usage: quantize MODEL OUT.bin");
    Model *m = load_model(argv[1], NULL);
    char err[256];
    if (model_save_file(m, argv[2], 1, err, sizeof err)) die("model_save_file", err);
    printf("{\"path\": \"%s\"}\n", argv[2]);
    model_free(m);
    return 0;
}

/* ---- train: the C trainer, one epoch per run ------------------------------- */
static int cmd_train(int argc, char **argv) {
    if (argc < 5) die("train", "usage: train MODEL TEXTS N RUNS");
    Model *m = load_model(argv[1], NULL);
    size_t len;
    unsigned char *buf = read_file(argv[2], &len);
    const char **texts;
    size_t *lens;
    int n = split_texts(buf, len, &texts, &lens);
    int want = atoi(argv[3]), runs = atoi(argv[4]);
    if (want < 2 || want > n || runs < 1 || runs > 100) die("train", "N or RUNS out of range");
    n = want;
    int S = m->seq_len, O = m->n_outputs;
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)S * (size_t)n);
    float *y = malloc(sizeof(float) * (size_t)O * (size_t)n);
    uint64_t st = 42;
    for (int i = 0; i < n; i++) {
        if (model_encode(m, texts[i], lens[i], ids + (size_t)i * S) < 0) die("model_encode", "failed");
        for (int j = 0; j < O; j++) y[i * O + j] = gauss(&st);   /* random standardised targets */
    }
    tr_params p = tr_default_params();
    p.epochs = 1; p.batch = 32; p.patience = 2; p.threads = 1; p.loss = TR_MAE;   /* the seed's loss */
    double *ms = malloc(sizeof(double) * (size_t)runs);
    /* validation: one song (tr_train_model requires one), so an epoch is ~all training */
    for (int r = -1; r < runs; r++) {
        tr_result res;
        double t0 = now_ms();
        if (tr_train_model(m, ids, y, n, ids, y, 1, &p, &res, NULL) && res.epochs_run < 1) die("tr_train_model", "failed");
        double dt = now_ms() - t0;
        tr_result_free(&res);
        if (r >= 0) ms[r] = dt;
    }
    printf("{\"songs\": %d, \"batch\": %d, \"threads\": 1, \"loss\": \"mae\", ", n, p.batch);
    print_runs("epoch_ms", ms, runs);
    printf("}\n");
    free(ms); free(ids); free(y); free(texts); free(lens); free(buf);
    model_free(m);
    return 0;
}
#endif

/* ---- dump: architecture + parameters for the TF.js export ----------------- */
static int cmd_dump(int argc, char **argv) {
    if (argc < 3) die("dump", "usage: dump MODEL PREFIX");
    Model *m = load_model(argv[1], NULL);
    char path[1024];
    snprintf(path, sizeof path, "%s.f32", argv[2]);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(m->params, sizeof(float), m->n_params, f) != m->n_params) die(path, "write failed");
    fclose(f);
    snprintf(path, sizeof path, "%s.json", argv[2]);
    f = fopen(path, "w");
    if (!f) die(path, strerror(errno));
    fprintf(f, "{\"seq_len\": %d, \"n_params\": %zu, \"quantized\": %d, \"vocab_size\": %d,\n",
            m->seq_len, m->n_params, m->quantized, vocab_size(m->vocab));
    fprintf(f, "\"layers\": [");
    for (int i = 0; i < m->n_layers; i++) {
        const ModelLayer *L = &m->layers[i];
        fprintf(f, "%s\n {\"type\": \"%s\", \"units\": %d, \"size\": %d, \"act\": %d, \"flags\": %u, "
                   "\"rate\": %g, \"in_t\": %d, \"in_c\": %d, \"out_t\": %d, \"out_c\": %d}",
                i ? "," : "", model_layer_type_name(L->spec.type), L->spec.units, L->spec.size,
                L->spec.act, L->spec.flags, (double)L->spec.rate, L->in_t, L->in_c, L->out_t, L->out_c);
    }
    fprintf(f, "],\n\"tensors\": [");
    for (int i = 0; i < m->n_tensors; i++) {
        const ModelTensor *t = &m->tensors[i];
        fprintf(f, "%s\n {\"name\": \"%s\", \"layer\": %d, \"rows\": %d, \"cols\": %d, \"offset\": %zu}",
                i ? "," : "", t->name, t->layer, t->rows, t->cols, t->offset);
    }
    fprintf(f, "],\n\"outputs\": [");
    for (int i = 0; i < m->n_outputs; i++) {
        fprintf(f, "%s{\"name\": ", i ? ", " : "");
        json_string(f, m->output_names[i]);
        fprintf(f, ", \"mean\": %.9g, \"std\": %.9g}", (double)m->target_mean[i], (double)m->target_std[i]);
    }
    fprintf(f, "],\n\"vocab\": [");
    for (int id = 0; id < vocab_size(m->vocab); id++) {
        if (id) fputc(',', f);
        json_string(f, vocab_word(m->vocab, id));
    }
    fprintf(f, "]}\n");
    fclose(f);
    printf("{\"ok\": true, \"n_params\": %zu}\n", m->n_params);
    model_free(m);
    return 0;
}

/* ---- parity: ids and outputs --------------------------------------------- */
static int cmd_parity(int argc, char **argv) {
    if (argc < 4) die("parity", "usage: parity MODEL TEXTS N");
    Model *m = load_model(argv[1], NULL);
    size_t len;
    unsigned char *buf = read_file(argv[2], &len);
    const char **texts;
    size_t *lens;
    int n = split_texts(buf, len, &texts, &lens);
    int want = atoi(argv[3]);
    if (want < n) n = want;
    int S = m->seq_len, O = m->n_outputs;
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)S * (size_t)n);
    float *out = malloc(sizeof(float) * (size_t)O * (size_t)n);
    float *outz = malloc(sizeof(float) * (size_t)O * (size_t)n);
    float *ref = malloc(sizeof(float) * (size_t)O);
    for (int i = 0; i < n; i++)
        if (model_encode(m, texts[i], lens[i], ids + (size_t)i * S) < 0) die("model_encode", "failed");
    if (model_predict_texts(m, texts, lens, n, out)) die("model_predict_texts", "failed");
    if (model_predict_ids_z(m, ids, n, outz)) die("model_predict_ids_z", "failed");
    printf("{\"n\": %d, \"seq_len\": %d, \"n_outputs\": %d, \"items\": [", n, S, O);
    for (int i = 0; i < n; i++) {
        printf("%s\n{\"ids\": [", i ? "," : "");
        for (int t = 0; t < S; t++) printf("%s%d", t ? "," : "", ids[(size_t)i * S + t]);
        printf("], \"out\": [");
        for (int j = 0; j < O; j++) printf("%s%.9g", j ? "," : "", (double)out[(size_t)i * O + j]);
        printf("], \"z\": [");
        for (int j = 0; j < O; j++) printf("%s%.9g", j ? "," : "", (double)outz[(size_t)i * O + j]);
        printf("]");
        if (i < 8) {   /* the plain layer-by-layer path, for a few texts */
            if (model_forward_reference(m, ids + (size_t)i * S, ref)) die("model_forward_reference", "failed");
            printf(", \"z_ref\": [");
            for (int j = 0; j < O; j++) printf("%s%.9g", j ? "," : "", (double)ref[j]);
            printf("]");
        }
        printf("}");
    }
    printf("]}\n");
    free(ids); free(out); free(outz); free(ref); free(texts); free(lens); free(buf);
    model_free(m);
    return 0;
}

/* ---- latency: tokenize + predict ------------------------------------------ */
static int cmd_latency(int argc, char **argv) {
    if (argc < 5) die("latency", "usage: latency MODEL TEXTS SIZES RUNS");
    double load_ms;
    Model *m = load_model(argv[1], &load_ms);
    size_t len;
    unsigned char *buf = read_file(argv[2], &len);
    const char **texts;
    size_t *lens;
    int n = split_texts(buf, len, &texts, &lens);
    int runs = atoi(argv[4]);
    if (runs < 1 || runs > 1000) die("latency", "RUNS out of range");
    double *ms = malloc(sizeof(double) * (size_t)runs);
    float *out = malloc(sizeof(float) * (size_t)m->n_outputs * (size_t)n);
    printf("{\"load_ms\": %.4f, \"sizes\": {", load_ms);
    char *sizes = strdup(argv[3]);
    int first = 1;
    for (char *s = strtok(sizes, ","); s; s = strtok(NULL, ",")) {
        int N = atoi(s);
        if (N < 1 || N > n) die("latency", "size larger than the texts file");
        for (int r = -1; r < runs; r++) {
            double t0 = now_ms();
            if (model_predict_texts(m, texts, lens, N, out)) die("model_predict_texts", "failed");
            if (r >= 0) ms[r] = now_ms() - t0;
        }
        if (!first) printf(", ");
        first = 0;
        char key[32];
        snprintf(key, sizeof key, "%d", N);
        print_runs(key, ms, runs);
    }
    printf("}, \"check\": %.6g}\n", (double)out[0]);
    free(sizes); free(ms); free(out); free(texts); free(lens); free(buf);
    model_free(m);
    return 0;
}

/* ---- screenplay: scene parsing + tokenize + predict ------------------------ */
static int cmd_screenplay(int argc, char **argv) {
    if (argc < 4) die("screenplay", "usage: screenplay MODEL FILE RUNS [SCENES_OUT]");
    Model *m = load_model(argv[1], NULL);
    size_t len;
    unsigned char *text = read_file(argv[2], &len);
    int runs = atoi(argv[3]);
    if (runs < 1 || runs > 1000) die("screenplay", "RUNS out of range");
    double *parse_ms = malloc(sizeof(double) * (size_t)runs), *total_ms = malloc(sizeof(double) * (size_t)runs);
    int n_scenes = 0, words = 0;
    for (int r = -1; r < runs; r++) {
        double t0 = now_ms();
        char err[256];
        ScriptScenes *ss = scene_parse((const char *)text, len, NULL, err, sizeof err);
        if (!ss) die("scene_parse", err);
        double t1 = now_ms();
        n_scenes = ss->n_scenes;
        const char **texts = malloc(sizeof(char *) * (size_t)(n_scenes ? n_scenes : 1));
        float *out = malloc(sizeof(float) * (size_t)m->n_outputs * (size_t)(n_scenes ? n_scenes : 1));
        words = 0;
        for (int i = 0; i < n_scenes; i++) { texts[i] = ss->scenes[i].text; words += ss->scenes[i].words; }
        if (n_scenes && model_predict_texts(m, texts, NULL, n_scenes, out)) die("model_predict_texts", "failed");
        double t2 = now_ms();
        if (r >= 0) { parse_ms[r] = t1 - t0; total_ms[r] = t2 - t0; }
        if (r == -1 && argc > 4) {   /* the scene texts, for the TF.js side */
            FILE *f = fopen(argv[4], "wb");
            if (!f) die(argv[4], strerror(errno));
            for (int i = 0; i < n_scenes; i++) fwrite(texts[i], 1, strlen(texts[i]) + 1, f);
            fclose(f);
        }
        free(texts); free(out);
        scene_free(ss);
    }
    printf("{\"scenes\": %d, \"words\": %d, ", n_scenes, words);
    print_runs("parse_ms", parse_ms, runs);
    printf(", ");
    print_runs("total_ms", total_ms, runs);
    printf("}\n");
    free(parse_ms); free(total_ms); free(text);
    model_free(m);
    return 0;
}

/* ---- match: top-k and the soundtrack at scale ------------------------------ */
/* Memory: natively the process's resident set now (VmRSS) and its peak
 * (VmHWM, which starts afresh at exec, unlike getrusage's ru_maxrss); in
 * wasm the top of the malloc heap (sbrk(0)), which only grows, so its growth
 * is the matcher's peak heap use beyond what was already free. */
#ifdef __EMSCRIPTEN__
static double mem_now_mb(void) { return (double)(uintptr_t)sbrk(0) / 1048576.0; }
static double mem_peak_mb(void) { return mem_now_mb(); }
#else
static double proc_status_mb(const char *key) {
    char line[256];
    double kb = 0;
    size_t n = strlen(key);
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n)) { kb = atof(line + n); break; }
    fclose(f);
    return kb / 1024.0;
}
static double mem_now_mb(void) { return proc_status_mb("VmRSS:"); }
static double mem_peak_mb(void) { return proc_status_mb("VmHWM:"); }
#endif

static float gauss(uint64_t *st) {
    double u1 = ((double)(match_rng_next(st) >> 11) + 0.5) / 9007199254740992.0;
    double u2 = (double)(match_rng_next(st) >> 11) / 9007199254740992.0;
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

static int cmd_match(int argc, char **argv) {
    if (argc < 4) die("match", "usage: match L S RUNS [json]");
    int L = atoi(argv[1]), S = atoi(argv[2]), runs = atoi(argv[3]);
    int with_json = argc > 4 && !strcmp(argv[4], "json");
    if (L < 1 || S < 1 || runs < 1 || runs > 1000) die("match", "bad sizes");
    enum { M = 6 };
    const char *names[M] = {"energy", "valence", "tempo", "liveness", "danceability", "acousticness"};
    const float mean[M] = {0.6f, 0.5f, 120.0f, 0.2f, 0.6f, 0.3f};
    const float sd[M] = {0.2f, 0.25f, 30.0f, 0.15f, 0.15f, 0.3f};
    MatchSpace sp;
    char err[256];
    if (match_space_init(&sp, M, names, mean, sd, NULL, err, sizeof err)) die("match_space_init", err);
    uint64_t st = 12345u + (uint64_t)L * 7919u + (uint64_t)S;
    float *songs = malloc(sizeof(float) * M * (size_t)L), *segs = malloc(sizeof(float) * M * (size_t)S);
    for (int i = 0; i < L; i++)
        for (int j = 0; j < M; j++) songs[i * M + j] = mean[j] + sd[j] * gauss(&st);
    /* segments: a film's arc varies less than a library */
    for (int i = 0; i < S; i++)
        for (int j = 0; j < M; j++) segs[i * M + j] = mean[j] + 0.6f * sd[j] * gauss(&st);
    int *seg_song = malloc(sizeof(int) * (size_t)S), idx[3];
    float *seg_dist = malloc(sizeof(float) * (size_t)S), dist[3];
    double total = 0, *topk_ms = malloc(sizeof(double) * (size_t)runs),
           *st_ms = malloc(sizeof(double) * (size_t)runs);
    /* fewer songs than segments: each song may serve ceil(S/L) segments (the app's "reuse") */
    int max_uses = L < S ? (S + L - 1) / L : 1;
    double mem0 = mem_now_mb();
    for (int r = -1; r < runs; r++) {
        double t0 = now_ms();
        if (match_topk(&sp, songs, L, segs, 3, idx, dist) < 0) die("match_topk", "failed");
        double t1 = now_ms();
        if (match_soundtrack(&sp, songs, L, segs, S, max_uses, 0, seg_song, seg_dist, &total, err, sizeof err))
            die("match_soundtrack", err);
        double t2 = now_ms();
        if (r >= 0) { topk_ms[r] = t1 - t0; st_ms[r] = t2 - t1; }
    }
    double peak = mem_peak_mb();
    printf("{\"songs\": %d, \"segments\": %d, \"metrics\": %d, \"max_uses\": %d, ", L, S, M, max_uses);
    print_runs("topk_ms", topk_ms, runs);
    printf(", ");
    print_runs("soundtrack_ms", st_ms, runs);
    printf(", \"total\": %.9g, \"mem_before_mb\": %.2f, \"mem_peak_mb\": %.2f", total, mem0, peak);
    /* the check that pruning left the optimum unchanged: the dense problem */
    if ((double)L * S <= 2.5e6) {
        double dense_total = 0;
        int *dense_song = malloc(sizeof(int) * (size_t)S);
        double t0 = now_ms();
        if (match_soundtrack(&sp, songs, L, segs, S, max_uses, -1, dense_song, NULL, &dense_total, err, sizeof err))
            die("match_soundtrack dense", err);
        double dt = now_ms() - t0;
        printf(", \"dense_ms\": %.4f, \"dense_total\": %.9g, \"same_total\": %s", dt, dense_total,
               fabs(dense_total - total) <= 1e-6 * fmax(1.0, fabs(total)) ? "true" : "false");
        free(dense_song);
    }
    if (with_json) {   /* the page's path: a JSON request through match_json_soundtrack */
        size_t cap = (size_t)(L + S) * 200 + 256, pos = 0;
        char *req = malloc(cap);
        pos += (size_t)snprintf(req + pos, cap - pos, "{\"songs\": [");
        for (int i = 0; i < L; i++) {
            pos += (size_t)snprintf(req + pos, cap - pos, "%s{\"id\": %d", i ? "," : "", i);
            for (int j = 0; j < M; j++)
                pos += (size_t)snprintf(req + pos, cap - pos, ", \"%s\": %.6g", names[j], (double)songs[i * M + j]);
            pos += (size_t)snprintf(req + pos, cap - pos, "}");
        }
        pos += (size_t)snprintf(req + pos, cap - pos, "], \"segments\": [");
        for (int i = 0; i < S; i++) {
            pos += (size_t)snprintf(req + pos, cap - pos, "%s{", i ? "," : "");
            for (int j = 0; j < M; j++)
                pos += (size_t)snprintf(req + pos, cap - pos, "%s\"%s\": %.6g", j ? ", " : "", names[j], (double)segs[i * M + j]);
            pos += (size_t)snprintf(req + pos, cap - pos, "}");
        }
        pos += (size_t)snprintf(req + pos, cap - pos, "], \"max_uses\": %d}", max_uses);
        double *json_ms = malloc(sizeof(double) * (size_t)runs);
        for (int r = -1; r < runs; r++) {
            double t0 = now_ms();
            char *res = match_json_soundtrack(req, &sp);
            double dt = now_ms() - t0;
            if (!res || strstr(res, "\"error\"")) die("match_json_soundtrack", res ? res : "NULL");
            free(res);
            if (r >= 0) json_ms[r] = dt;
        }
        printf(", \"json_request_mb\": %.2f, ", (double)pos / 1048576.0);
        print_runs("json_soundtrack_ms", json_ms, runs);
        free(json_ms); free(req);
    }
    printf("}\n");
    free(songs); free(segs); free(seg_song); free(seg_dist); free(topk_ms); free(st_ms);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) die("usage", "bench_engine COMMAND ... (see the top of tests/bench/bench_engine.c)");
    const char *c = argv[1];
#ifndef __EMSCRIPTEN__
    if (!strcmp(c, "make-random")) return cmd_make_random(argc - 1, argv + 1);
    if (!strcmp(c, "quantize")) return cmd_quantize(argc - 1, argv + 1);
    if (!strcmp(c, "train")) return cmd_train(argc - 1, argv + 1);
#endif
    if (!strcmp(c, "dump")) return cmd_dump(argc - 1, argv + 1);
    if (!strcmp(c, "parity")) return cmd_parity(argc - 1, argv + 1);
    if (!strcmp(c, "latency")) return cmd_latency(argc - 1, argv + 1);
    if (!strcmp(c, "screenplay")) return cmd_screenplay(argc - 1, argv + 1);
    if (!strcmp(c, "match")) return cmd_match(argc - 1, argv + 1);
    die("unknown command", c);
    return 2;
}
