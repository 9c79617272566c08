/* cmd_predict.c — `moodspace predict`: lyric/scene text → mood metrics. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cJSON.h"
#include "model.h"
#include "tool_opts.h"

static const char *PREDICT_HELP =
    "usage: moodspace predict [--model FILE] [--jsonl] [--script]\n"
    "\n"
    "Reads text on stdin and prints one JSON object of the model's metrics in\n"
    "Spotify's units, e.g. {\"energy\":0.71,\"valence\":0.42,\"tempo\":118.3,...}.\n"
    "\n"
    "--jsonl  reads lines {\"id\": ..., \"text\": \"...\"} and prints one line per\n"
    "         input, in order: {\"id\": ..., \"energy\": ..., ...}. A bad line\n"
    "         gets {\"id\": ... or null, \"error\": \"...\"} and the rest go on.\n"
    "         Blank lines are skipped.\n"
    "--model FILE  weights file (default: the shipped weights/model.bin)\n"
    "--script      the text is a scene or a screenplay: use the network's script\n"
    "              head (model.h, Heads; default: the song head, for lyrics)\n"
    "--bench N     instead: time N synthetic songs (100-800 words drawn from\n"
    "              the model's vocabulary, 1 in 8 unknown; seeded) through the\n"
    "              fast batched path, one song at a time, and the reference\n"
    "              path; prints CPU ms/song as JSON\n";

static double cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int run_bench(Model *m, int n) {
    if (n < 1 || n > 100000) { fprintf(stderr, "moodspace predict: --bench N must be 1..100000\n"); return 2; }
    uint64_t rng;
    nn_rng_seed(&rng, 12345);
    char **texts = calloc((size_t)n, sizeof *texts);
    int V = vocab_size(m->vocab), no = model_n_outputs(m);
    for (int i = 0; i < n; i++) {
        int words = 100 + (int)(nn_rng_next(&rng) % 701);
        size_t cap = (size_t)words * (TEXT_MAX_TOKEN_BYTES + 1) + 1, len = 0;
        texts[i] = malloc(cap);
        for (int w = 0; w < words; w++) {
            int id = 2 + (int)(nn_rng_next(&rng) % (uint64_t)(V > 2 ? V - 2 : 1));
            const char *word = (V > 2 && nn_rng_next(&rng) % 8) ? vocab_word(m->vocab, id) : "zzunknownzz";
            len += (size_t)snprintf(texts[i] + len, cap - len, "%s ", word);
        }
    }
    float *a = malloc(sizeof(float) * (size_t)n * no), *b = malloc(sizeof(float) * (size_t)n * no);
    double t0 = cpu_ms();
    model_predict_texts(m, (const char *const *)texts, NULL, n, a);
    double t1 = cpu_ms();
    for (int i = 0; i < n; i++) model_predict_text(m, texts[i], strlen(texts[i]), b + (size_t)i * no);
    double t2 = cpu_ms();
    int was_fast = m->fast != NULL;
    model_unprepare(m);
    model_predict_texts(m, (const char *const *)texts, NULL, n, b);
    double t3 = cpu_ms();
    float diff = 0;
    for (int i = 0; i < n * no; i++) {
        float d = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
        if (d > diff) diff = d;
    }
    printf("{\"songs\":%d,\"fast_path\":%s,\"batch_ms_per_song\":%.4f,\"single_ms_per_song\":%.4f,"
           "\"reference_ms_per_song\":%.4f,\"max_abs_diff_fast_vs_reference\":%.3g}\n",
           n, was_fast ? "true" : "false", (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n, (double)diff);
    for (int i = 0; i < n; i++) free(texts[i]);
    free(texts); free(a); free(b);
    return 0;
}

#define BATCH 64

typedef struct {
    cJSON *id;        /* owned copy or NULL */
    char *text;       /* owned */
    size_t len;
    const char *error;
} Item;

/* Add the metrics to obj, rounded to 6 significant digits. */
static void add_metrics(cJSON *obj, const Model *m, const float *v) {
    for (int k = 0; k < model_n_outputs(m); k++) {
        char s[32];
        snprintf(s, sizeof s, "%.6g", (double)v[k]);
        cJSON_AddNumberToObject(obj, model_output_name(m, k), strtod(s, NULL));
    }
}

static void print_json(cJSON *o) {
    char *s = cJSON_PrintUnformatted(o);
    if (s) { fputs(s, stdout); fputc('\n', stdout); free(s); }
    else fputs("{\"error\":\"out of memory\"}\n", stdout);
}

static ModelDomain domain = MODEL_SONG;   /* --script: MODEL_SCRIPT */

static void flush_batch(const Model *m, Item *items, int n) {
    const char *texts[BATCH];
    size_t lens[BATCH];
    int idx[BATCH], k = 0;
    for (int i = 0; i < n; i++)
        if (!items[i].error) { texts[k] = items[i].text; lens[k] = items[i].len; idx[k] = i; k++; }
    float *out = malloc(sizeof(float) * (size_t)(k ? k : 1) * (size_t)model_n_outputs(m));
    int rc = out ? model_predict_texts_domain(m, domain, texts, lens, k, out) : -1;
    int j = 0;
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "id", items[i].id ? items[i].id : cJSON_CreateNull());
        items[i].id = NULL;
        if (items[i].error) cJSON_AddStringToObject(o, "error", items[i].error);
        else if (rc) { cJSON_AddStringToObject(o, "error", "prediction failed (out of memory)"); j++; }
        else { (void)idx; add_metrics(o, m, out + (size_t)j * model_n_outputs(m)); j++; }
        print_json(o);
        cJSON_Delete(o);
        free(items[i].text);
        items[i].text = NULL;
    }
    free(out);
    fflush(stdout);
}

static int run_jsonl(const Model *m) {
    Item items[BATCH];
    int n = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        size_t l = (size_t)len;
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r')) l--;
        size_t s = 0;
        while (s < l && (line[s] == ' ' || line[s] == '\t')) s++;
        if (s == l) continue;
        Item *it = &items[n++];
        memset(it, 0, sizeof *it);
        cJSON *j = cJSON_ParseWithLength(line, l);
        if (!j || !cJSON_IsObject(j)) {
            it->error = j ? "not a JSON object" : "invalid JSON";
        } else {
            cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
            cJSON *text = cJSON_GetObjectItemCaseSensitive(j, "text");
            if (id) it->id = cJSON_Duplicate(id, 1);
            if (!cJSON_IsString(text) || !text->valuestring) it->error = "missing \"text\" string";
            else {
                it->len = strlen(text->valuestring);
                it->text = strdup(text->valuestring);
                if (!it->text) it->error = "out of memory";
            }
        }
        cJSON_Delete(j);
        if (n == BATCH) { flush_batch(m, items, n); n = 0; }
    }
    if (n) flush_batch(m, items, n);
    free(line);
    return 0;
}

static int run_text(const Model *m) {
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    if (!buf) { fprintf(stderr, "moodspace predict: out of memory\n"); return 1; }
    while ((k = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += k;
        if (n == cap) {
            if (n > TEXT_MAX_INPUT_BYTES) {   /* the tokenizer never looks further: drain */
                char sink[1 << 16];
                while (fread(sink, 1, sizeof sink, stdin) > 0) {}
                break;
            }
            char *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); fprintf(stderr, "moodspace predict: out of memory\n"); return 1; }
            buf = nb;
        }
    }
    float out[MODEL_MAX_OUTPUTS];
    const char *t = buf;
    int rc = model_predict_texts_domain(m, domain, &t, &n, 1, out);
    free(buf);
    if (rc) { fprintf(stderr, "moodspace predict: prediction failed (out of memory)\n"); return 1; }
    cJSON *o = cJSON_CreateObject();
    add_metrics(o, m, out);
    print_json(o);
    cJSON_Delete(o);
    return 0;
}

static void predict_help(FILE *f) { fputs(PREDICT_HELP, f); }

int cmd_predict(int argc, char **argv) {
    const char *path = NULL;
    int jsonl = 0, bench = -1;
    int script = 0, bench_arg = INT_MIN;
    const ToolOpt opts[] = {
        {"--model", OPT_STR, &path}, {"--jsonl", OPT_FLAG, &jsonl}, {"--script", OPT_FLAG, &script},
        {"--bench", OPT_INT, &bench_arg}, {NULL, 0, NULL}};
    int st = tool_parse("predict", argc, argv, opts, NULL, predict_help);
    if (st >= 0) return st;
    if (script) domain = MODEL_SCRIPT;
    if (bench_arg != INT_MIN) bench = bench_arg > 0 ? bench_arg : 0;
    char def[4096];
    if (!path) {
        model_default_path(def, sizeof def);
        if (access(def, F_OK) != 0) {
            fprintf(stderr, "moodspace predict: no model at %s (train one with ./build.sh train, or pass --model FILE)\n", def);
            return 1;
        }
        path = def;
    }
    char err[512];
    Model *m = model_load_file(path, err, sizeof err);
    if (!m) { fprintf(stderr, "moodspace predict: %s\n", err); return 1; }
    int rc = bench >= 0 ? run_bench(m, bench) : jsonl ? run_jsonl(m) : run_text(m);
    model_free(m);
    return rc;
}
