/* cmd_info.c — `moodspace info`: print a weights file's header as JSON;
 * `--make-random` writes a deterministic random-init model (test fixtures,
 * benchmarks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "tool_opts.h"

static const char *INFO_HELP =
    "usage: moodspace info [--model FILE]\n"
    "       moodspace info --make-random OUT [--arch tiny|seed] [--seed N]\n"
    "                      [--words FILE] [--quantize]\n"
    "\n"
    "Prints the weights file's header (format version, meta, sequence length,\n"
    "vocabulary size, layers with shapes, outputs with target mean/std, tensors)\n"
    "as one JSON object. Without --model, the shipped weights/model.bin.\n"
    "\n"
    "--make-random OUT writes a model with deterministic random weights\n"
    "(same --seed, same bytes) and prints its header:\n"
    "  --arch tiny   (default) 40 words, sequence 24, Embedding 8, Conv1D 6x3,\n"
    "                MaxPool 2, LSTM 6, Dense 8, Dense 6 outputs (test fixture)\n"
    "  --arch seed   the seed architecture: 1998 words, sequence 500,\n"
    "                Embedding 60, Conv1D 64x5, MaxPool 4, LSTM 100, Dense 64,\n"
    "                Dense 32, Dense 4 (energy, valence, tempo, liveness)\n"
    "  --words FILE  vocabulary, one word per line (default: synthetic words);\n"
    "                for --arch seed the first 1998 are used\n"
    "  --quantize    store int8 per-row tensors\n";

static const char *TINY_WORDS[40] = {
    "love", "you", "me", "baby", "night", "heart", "dance", "cry", "fire", "rain",
    "tonight", "feel", "never", "time", "down", "light", "dark", "away", "home", "run",
    "dream", "gone", "tears", "sun", "party", "alone", "kiss", "money", "blue", "broken",
    "happy", "sad", "wild", "slow", "fast", "loud", "quiet", "summer", "cold", "sky"};

static const char *ALL_NAMES[6] = {"energy", "valence", "tempo", "liveness", "danceability", "acousticness"};
static const float ALL_MEAN[6] = {0.62f, 0.47f, 121.0f, 0.19f, 0.58f, 0.28f};
static const float ALL_STD[6] = {0.21f, 0.24f, 29.0f, 0.15f, 0.16f, 0.29f};

static int make_random(const char *out, const char *arch, unsigned long long seed, const char *words_file,
                       int quantize) {
    char err[512];
    char **words = NULL;
    int n_words = 0, cap = 0;
    if (words_file) {
        FILE *f = fopen(words_file, "r");
        if (!f) { fprintf(stderr, "moodspace info: cannot open %s\n", words_file); return 1; }
        char line[512];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (!line[0]) continue;
            if (n_words == cap) { cap = cap ? cap * 2 : 256; words = realloc(words, (size_t)cap * sizeof *words); }
            words[n_words++] = strdup(line);
        }
        fclose(f);
    }
    LayerSpec specs[16];
    int n_layers, seq_len, n_out, want_words;
    if (!strcmp(arch, "seed")) {
        n_out = 4;
        n_layers = model_seed_arch(specs, n_out);
        seq_len = 500;
        want_words = 1998;
    } else if (!strcmp(arch, "tiny")) {
        LayerSpec t[] = {
            {LAYER_EMBEDDING, 8, 0, 0, 0, 0}, {LAYER_DROPOUT, 0, 0, 0, 0, 0.2f},
            {LAYER_CONV1D, 6, 3, NN_ACT_RELU, 0, 0}, {LAYER_MAXPOOL1D, 0, 2, 0, 0, 0},
            {LAYER_LSTM, 6, 0, 0, 0, 0}, {LAYER_DENSE, 8, 0, NN_ACT_RELU, 0, 0},
            {LAYER_DENSE, 6, 0, NN_ACT_LINEAR, 0, 0},
        };
        n_layers = 7;
        memcpy(specs, t, sizeof t);
        seq_len = 24;
        n_out = 6;
        want_words = 40;
    } else {
        fprintf(stderr, "moodspace info: unknown --arch '%s' (tiny, seed)\n", arch);
        return 2;
    }
    char synth[2000][16];
    const char **use = malloc((size_t)want_words * sizeof *use);
    int n_use = 0;
    for (int i = 0; i < n_words && n_use < want_words; i++) use[n_use++] = words[i];
    if (!words_file) {
        for (int i = 0; i < want_words && i < 40; i++) use[n_use++] = TINY_WORDS[i];
        for (int i = n_use; i < want_words; i++) { snprintf(synth[i], sizeof synth[i], "w%d", i); use[n_use++] = synth[i]; }
    }
    Model *m = model_create(specs, n_layers, seq_len, use, n_use, ALL_NAMES, ALL_MEAN, ALL_STD, n_out, err, sizeof err);
    free(use);
    for (int i = 0; i < n_words; i++) free(words[i]);
    free(words);
    if (!m) { fprintf(stderr, "moodspace info: %s\n", err); return 1; }
    model_init_random(m, seed);
    char meta[200];
    snprintf(meta, sizeof meta, "{\"name\":\"random %s\",\"seed\":%llu,\"trained\":false}", arch, seed);
    model_set_meta(m, meta);
    if (model_save_file(m, out, quantize, err, sizeof err)) {
        fprintf(stderr, "moodspace info: %s\n", err);
        model_free(m);
        return 1;
    }
    model_free(m);
    return -1;   /* go on to print the header */
}

static void info_help(FILE *f) { fputs(INFO_HELP, f); }

int cmd_info(int argc, char **argv) {
    const char *path = NULL, *make = NULL, *arch = "tiny", *words = NULL;
    unsigned long long seed = 1;
    int quantize = 0;
    uint64_t seed64 = 1;
    const ToolOpt opts[] = {
        {"--model", OPT_STR, &path}, {"--make-random", OPT_STR, &make}, {"--arch", OPT_STR, &arch},
        {"--seed", OPT_U64, &seed64}, {"--words", OPT_STR, &words}, {"--quantize", OPT_FLAG, &quantize},
        {NULL, 0, NULL}};
    int st = tool_parse("info", argc, argv, opts, NULL, info_help);
    if (st >= 0) return st;
    seed = seed64;
    if (make) {
        int rc = make_random(make, arch, seed, words, quantize);
        if (rc >= 0) return rc;
        path = make;
    }
    char def[4096];
    if (!path) {
        model_default_path(def, sizeof def);
        if (access(def, F_OK) != 0) {
            fprintf(stderr, "moodspace info: no model at %s (train one with ./build.sh train, or pass --model FILE)\n", def);
            return 1;
        }
        path = def;
    }
    char err[512];
    Model *m = model_load_file(path, err, sizeof err);
    if (!m) { fprintf(stderr, "moodspace info: %s\n", err); return 1; }
    char *js = model_header_json(m);
    model_free(m);
    if (!js) { fprintf(stderr, "moodspace info: out of memory\n"); return 1; }
    printf("%s\n", js);
    free(js);
    return 0;
}
