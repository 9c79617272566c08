/* cmd_embed.c — `moodspace embed`: word vectors for the script head.
 *
 *   moodspace embed --csv songs.csv --scripts DIR --out FILE
 *                   [--dim 100] [--window 5] [--min-count 5] [--negative 5]
 *                   [--epochs 3] [--sample 1e-4] [--alpha 0.05] [--seed 1]
 *
 * word2vec-style CBOW with negative sampling (Mikolov et al. 2013), written
 * from the paper's description: single-threaded and seeded, so the same
 * inputs give the same vectors bit for bit. The corpus is every screenplay
 * in DIR (file-name order) plus the TRAINING-split lyrics of the CSV (never
 * validation or test), tokenized by the engine's tokenizer (text.h), so a
 * word means the same token here as in the model. Words that occur mostly in
 * scripts ("corpse", "gunfire") get vectors near the lyric words that carry a
 * label, which is what lets the script head transfer.
 *
 * Output (wordvec.h): the vocabulary sorted by count, with counts and vectors.
 */
#include "dataset.h"
#include "scene_cli.h"
#include "text.h"
#include "tool_opts.h"
#include "wordvec.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stb_ds.h>

typedef struct { char *key; long value; } word_count;

typedef struct {
    word_count *counts;   /* stb_ds string hash: word → count (pass 1) */
    word_count *ids;      /* word → id (pass 2) */
    int32_t *corpus;      /* pass 2: ids of kept words, -1 = document break */
} embed_state;

static int count_token(const char *tok, size_t len, void *user) {
    embed_state *st = user;
    ptrdiff_t i = shgeti(st->counts, tok);
    if (i < 0) shput(st->counts, tok, 1);
    else st->counts[i].value++;
    return 0;
}

static int id_token(const char *tok, size_t len, void *user) {
    embed_state *st = user;
    ptrdiff_t i = shgeti(st->ids, tok);
    if (i >= 0) arrput(st->corpus, (int32_t)st->ids[i].value);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct { const char *w; long c; } wc_pair;
static int cmp_wc(const void *a, const void *b) {
    const wc_pair *x = a, *y = b;
    if (x->c != y->c) return x->c > y->c ? -1 : 1;
    return strcmp(x->w, y->w);
}

/* Sorted .txt file names of a directory; count returned, -1 if unreadable. */
static int list_scripts(const char *dir, char ***out) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && !strcmp(e->d_name + n - 4, ".txt")) arrput(names, strdup(e->d_name));
    }
    closedir(d);
    if (arrlen(names)) qsort(names, (size_t)arrlen(names), sizeof *names, cmp_str);
    *out = names;
    return (int)arrlen(names);
}

/* Run `fn` over every document of the corpus: scripts, then training lyrics.
 * A document break is marked by calling `brk` (may be NULL). */
static int for_each_doc(const char *dir, char **names, int n_names, const ds_dataset *d,
                        text_token_fn fn, void (*brk)(embed_state *), embed_state *st) {
    for (int i = 0; i < n_names; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *s = scene_cli_read(path, &len);   /* prints why on failure */
        if (!s) return -1;
        text_tokenize(s, len, 0, fn, st);
        free(s);
        if (brk) brk(st);
    }
    for (int i = 0; i < d->n; i++) {
        if (d->songs[i].split != DS_TRAIN) continue;
        text_tokenize(d->songs[i].lyrics, strlen(d->songs[i].lyrics), DS_MAX_TOKENS, fn, st);
        if (brk) brk(st);
    }
    return 0;
}

static void doc_break(embed_state *st) { arrput(st->corpus, -1); }

/* word2vec's linear congruential generator: cheap and the same everywhere. */
static inline uint64_t lcg(uint64_t *r) { *r = *r * 25214903917ULL + 11; return *r; }

#define SIG_TABLE 1000
#define SIG_MAX 6.0f

static void embed_help(FILE *f) {
    fprintf(f, "usage: moodspace embed --csv songs.csv --scripts DIR --out FILE\n"
               "         [--dim 100] [--window 5] [--min-count 5] [--negative 5] [--epochs 3]\n"
               "         [--sample 1e-4] [--alpha 0.05] [--seed 1] [--max-words 200000]\n"
               "CBOW word vectors (negative sampling, single thread, deterministic) over all\n"
               "screenplays in DIR plus the training-split lyrics; written as a wordvec file.\n");
}

typedef struct {
    int dim, window, min_count, negative, epochs, max_words;
    double sample, alpha0;
    uint64_t seed;
} EmbedOpts;

#define NEG_TABLE 10000000

/* The CBOW model being trained and what one step reads. */
typedef struct {
    int V, dim, window, negative;
    float *syn0, *syn1;        /* [V][dim] word vectors, output vectors */
    float *neu1, *neu1e;       /* [dim] context mean, its gradient */
    int32_t *table;            /* negative-sampling table (unigram^0.75) */
    float *keep;               /* [V] keep probability (subsampling) */
    float sig[SIG_TABLE + 1];
} Cbow;

/* The vocabulary: words counted at least min_count times, by count (ties
 * by bytes), at most max_words; their ids into st->ids, the sorted pairs
 * into *pairs and their counts into *cnt. Returns V, or -1 after a message. */
static int build_vocab(embed_state *st, int min_count, int max_words, wc_pair **pairs, long **cnt) {
    for (ptrdiff_t i = 0; i < shlen(st->counts); i++)
        if (st->counts[i].value >= min_count) { wc_pair p = { st->counts[i].key, st->counts[i].value }; arrput(*pairs, p); }
    int V = (int)arrlen(*pairs);
    if (V < 2) { fprintf(stderr, "moodspace embed: fewer than 2 words occur %d times\n", min_count); return -1; }
    qsort(*pairs, (size_t)V, sizeof **pairs, cmp_wc);
    if (V > max_words) V = max_words;
    sh_new_arena(st->ids);
    *cnt = malloc(sizeof(long) * (size_t)V);
    for (int i = 0; i < V; i++) { shput(st->ids, (*pairs)[i].w, i); (*cnt)[i] = (*pairs)[i].c; }
    return V;
}

/* The tables of c: negative sampling, sigmoid, keep probabilities; and the
 * vectors, syn0 drawn from rng. 0, or -1 when out of memory. */
static int cbow_init(Cbow *c, const long *cnt, long total, const EmbedOpts *o, uint64_t *rng) {
    int V = c->V, dim = c->dim;
    c->table = malloc(sizeof(int32_t) * (size_t)NEG_TABLE);
    double pw = 0;
    for (int i = 0; i < V; i++) pw += pow((double)cnt[i], 0.75);
    if (c->table) {
        int w = 0; double acc = pow((double)cnt[0], 0.75) / pw;
        for (int a = 0; a < NEG_TABLE; a++) {
            c->table[a] = w;
            if ((double)a / NEG_TABLE > acc && w < V - 1) { w++; acc += pow((double)cnt[w], 0.75) / pw; }
        }
    }
    for (int i = 0; i <= SIG_TABLE; i++) { double x = (2.0 * i / SIG_TABLE - 1) * SIG_MAX; c->sig[i] = (float)(1.0 / (1.0 + exp(-x))); }
    c->keep = malloc(sizeof(float) * (size_t)V);
    for (int i = 0; c->keep && i < V; i++) {
        double f = (double)cnt[i] / total;
        c->keep[i] = o->sample > 0 ? (float)((sqrt(f / o->sample) + 1) * o->sample / f) : 1.0f;
    }
    c->syn0 = malloc(sizeof(float) * (size_t)V * dim);
    c->syn1 = calloc((size_t)V * dim, sizeof(float));
    c->neu1 = malloc(sizeof(float) * dim);
    c->neu1e = malloc(sizeof(float) * dim);
    if (!c->table || !c->keep || !c->syn0 || !c->syn1 || !c->neu1 || !c->neu1e) return -1;
    for (size_t i = 0; i < (size_t)V * dim; i++) c->syn0[i] = (float)(((lcg(rng) & 0xFFFF) / 65536.0 - 0.5) / dim);
    return 0;
}

static void cbow_free(Cbow *c) {
    free(c->syn0); free(c->syn1); free(c->neu1); free(c->neu1e); free(c->keep); free(c->table);
}

/* One CBOW step for word p of sent[0..sl): the mean of a random-width
 * window around it predicts it against `negative` sampled words. */
static void cbow_step(Cbow *c, const int32_t *sent, int sl, int p, float alpha, uint64_t *rng) {
    int dim = c->dim, window = c->window;
    int b = (int)(lcg(rng) % (uint64_t)window);
    memset(c->neu1, 0, sizeof(float) * dim);
    memset(c->neu1e, 0, sizeof(float) * dim);
    int cw = 0;
    for (int a = b; a < window * 2 + 1 - b; a++) {
        if (a == window) continue;
        int ci = p - window + a;
        if (ci < 0 || ci >= sl) continue;
        const float *v = c->syn0 + (size_t)sent[ci] * dim;
        for (int k = 0; k < dim; k++) c->neu1[k] += v[k];
        cw++;
    }
    if (!cw) return;
    for (int k = 0; k < dim; k++) c->neu1[k] /= cw;
    for (int n = 0; n <= c->negative; n++) {
        int target, label;
        if (n == 0) { target = sent[p]; label = 1; }
        else {
            target = c->table[(lcg(rng) >> 16) % (uint64_t)NEG_TABLE];
            if (target == sent[p]) continue;
            label = 0;
        }
        float *u = c->syn1 + (size_t)target * dim;
        float f = 0;
        for (int k = 0; k < dim; k++) f += c->neu1[k] * u[k];
        float g;
        if (f > SIG_MAX) g = (label - 1) * alpha;
        else if (f < -SIG_MAX) g = (label - 0) * alpha;
        else g = (label - c->sig[(int)((f + SIG_MAX) * (SIG_TABLE / SIG_MAX / 2))]) * alpha;
        for (int k = 0; k < dim; k++) c->neu1e[k] += g * u[k];
        for (int k = 0; k < dim; k++) u[k] += g * c->neu1[k];
    }
    for (int a = b; a < window * 2 + 1 - b; a++) {
        if (a == window) continue;
        int ci = p - window + a;
        if (ci < 0 || ci >= sl) continue;
        float *v = c->syn0 + (size_t)sent[ci] * dim;
        for (int k = 0; k < dim; k++) v[k] += c->neu1e[k];
    }
}

/* Epoch ep over corpus[0..N): "sentences" of up to 1000 kept words, never
 * across a document break (-1), the learning rate falling linearly over
 * all epochs. sent: room for 1000 ids. */
static void cbow_epoch(Cbow *c, const int32_t *corpus, size_t N, int ep, const EmbedOpts *o, int32_t *sent,
                       uint64_t *rng) {
    size_t total_steps = (size_t)o->epochs * N, pos = 0;
    while (pos < N) {
        int sl = 0;
        while (pos < N && sl < 1000) {
            int32_t w = corpus[pos++];
            if (w < 0) break;
            if (c->keep[w] < 1.0f && c->keep[w] < (lcg(rng) & 0xFFFF) / 65536.0f) continue;
            sent[sl++] = w;
        }
        size_t done = (size_t)ep * N + pos;
        float alpha = (float)(o->alpha0 * (1.0 - (double)done / (total_steps + 1)));
        if (alpha < o->alpha0 * 1e-4) alpha = (float)(o->alpha0 * 1e-4);
        for (int p = 0; p < sl; p++) cbow_step(c, sent, sl, p, alpha, rng);
    }
}

/* Steps: options, the lyrics and the scripts, pass 1 (counts → the
 * vocabulary), pass 2 (the corpus as ids), the tables, the epochs, the file. */
int cmd_embed(int argc, char **argv) {
    const char *csv = NULL, *dir = NULL, *out = NULL;
    EmbedOpts o = { 100, 5, 5, 5, 3, 200000, 1e-4, 0.05, 1 };
    const ToolOpt opts[] = {
        {"--csv", OPT_STR, &csv}, {"--scripts", OPT_STR, &dir}, {"--out", OPT_STR, &out},
        {"--dim", OPT_INT, &o.dim}, {"--window", OPT_INT, &o.window}, {"--min-count", OPT_INT, &o.min_count},
        {"--negative", OPT_INT, &o.negative}, {"--epochs", OPT_INT, &o.epochs}, {"--max-words", OPT_INT, &o.max_words},
        {"--sample", OPT_DOUBLE, &o.sample}, {"--alpha", OPT_DOUBLE, &o.alpha0}, {"--seed", OPT_U64, &o.seed},
        {NULL, 0, NULL}};
    int st_parse = tool_parse("embed", argc, argv, opts, NULL, embed_help);
    if (st_parse >= 0) return st_parse;
    if (!csv || !dir || !out) return tool_usage_error("embed", "needs --csv songs.csv --scripts DIR --out FILE (--help)");
    if (o.dim < 1 || o.dim > 1000 || o.window < 1 || o.window > 50 || o.min_count < 1 || o.negative < 1 || o.negative > 50 ||
        o.epochs < 1 || o.epochs > 100 || o.max_words < 10 || o.sample < 0 || o.alpha0 <= 0)
        return tool_usage_error("embed", "an option is out of range (see --help)");
    struct timespec t0; clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[256];
    ds_dataset *d = ds_load(csv, err, sizeof err);
    if (!d) return tool_fail("embed", "%s", err);
    char **names = NULL;
    int n_names = list_scripts(dir, &names);
    if (n_names < 0) { ds_free(d); return tool_fail("embed", "cannot read the folder %s", dir); }

    /* pass 1: counts, then the vocabulary by count (ties by bytes) */
    embed_state st = {0};
    sh_new_strdup(st.counts);
    if (for_each_doc(dir, names, n_names, d, count_token, NULL, &st)) return 1;
    wc_pair *pairs = NULL;
    long *cnt = NULL;
    int V = build_vocab(&st, o.min_count, o.max_words, &pairs, &cnt);
    if (V < 0) return 1;

    /* pass 2: the corpus as ids */
    if (for_each_doc(dir, names, n_names, d, id_token, doc_break, &st)) return 1;
    size_t N = (size_t)arrlen(st.corpus);
    long total = 0;
    for (int i = 0; i < V; i++) total += cnt[i];
    fprintf(stderr, "embed: %d scripts + %d training lyrics, %ld tokens of %d words (count >= %d)\n",
            n_names, d->count[DS_TRAIN], total, V, o.min_count);

    Cbow c = { .V = V, .dim = o.dim, .window = o.window, .negative = o.negative };
    uint64_t rng = o.seed;
    int32_t *sent = malloc(sizeof(int32_t) * 1024);
    if (cbow_init(&c, cnt, total, &o, &rng) || !sent) return tool_fail("embed", "out of memory");
    for (int ep = 0; ep < o.epochs; ep++) {
        cbow_epoch(&c, st.corpus, N, ep, &o, sent, &rng);
        struct timespec t1; clock_gettime(CLOCK_MONOTONIC, &t1);
        fprintf(stderr, "embed: epoch %d/%d done, %.0f s\n", ep + 1, o.epochs,
                (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
    }

    const char **words = malloc(sizeof(char *) * (size_t)V);
    for (int i = 0; i < V; i++) words[i] = pairs[i].w;
    int rc = wordvec_save(out, words, cnt, c.syn0, V, o.dim, err, sizeof err);
    if (rc) tool_fail("embed", "%s", err);
    else fprintf(stderr, "embed: wrote %s (%d words × %d)\n", out, V, o.dim);
    free(words); free(sent); free(cnt);
    cbow_free(&c);
    arrfree(pairs); arrfree(st.corpus); shfree(st.ids); shfree(st.counts);
    for (int i = 0; i < n_names; i++) free(names[i]);
    arrfree(names);
    ds_free(d);
    return rc ? 1 : 0;
}
