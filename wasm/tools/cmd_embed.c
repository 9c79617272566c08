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

int cmd_embed(int argc, char **argv) {
    const char *csv = NULL, *dir = NULL, *out = NULL;
    int dim = 100, window = 5, min_count = 5, negative = 5, epochs = 3, max_words = 200000;
    double sample = 1e-4, alpha0 = 0.05;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: moodspace embed --csv songs.csv --scripts DIR --out FILE\n"
                   "         [--dim 100] [--window 5] [--min-count 5] [--negative 5] [--epochs 3]\n"
                   "         [--sample 1e-4] [--alpha 0.05] [--seed 1] [--max-words 200000]\n"
                   "CBOW word vectors (negative sampling, single thread, deterministic) over all\n"
                   "screenplays in DIR plus the training-split lyrics; written as a wordvec file.\n");
            return 0;
        }
        if (i + 1 >= argc) { fprintf(stderr, "moodspace embed: %s needs a value\n", a); return 2; }
        const char *v = argv[++i];
        if (!strcmp(a, "--csv")) csv = v;
        else if (!strcmp(a, "--scripts")) dir = v;
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--dim")) dim = atoi(v);
        else if (!strcmp(a, "--window")) window = atoi(v);
        else if (!strcmp(a, "--min-count")) min_count = atoi(v);
        else if (!strcmp(a, "--negative")) negative = atoi(v);
        else if (!strcmp(a, "--epochs")) epochs = atoi(v);
        else if (!strcmp(a, "--max-words")) max_words = atoi(v);
        else if (!strcmp(a, "--sample")) sample = atof(v);
        else if (!strcmp(a, "--alpha")) alpha0 = atof(v);
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else { fprintf(stderr, "moodspace embed: unknown option %s\n", a); return 2; }
    }
    if (!csv || !dir || !out) { fprintf(stderr, "usage: moodspace embed --csv songs.csv --scripts DIR --out FILE (--help)\n"); return 2; }
    if (dim < 1 || dim > 1000 || window < 1 || window > 50 || min_count < 1 || negative < 1 || negative > 50 ||
        epochs < 1 || epochs > 100 || max_words < 10 || sample < 0 || alpha0 <= 0) {
        fprintf(stderr, "moodspace embed: an option is out of range (see --help)\n");
        return 2;
    }
    struct timespec t0; clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[256];
    ds_dataset *d = ds_load(csv, err, sizeof err);
    if (!d) { fprintf(stderr, "moodspace embed: %s\n", err); return 1; }
    char **names = NULL;
    int n_names = list_scripts(dir, &names);
    if (n_names < 0) { fprintf(stderr, "moodspace embed: cannot read the folder %s\n", dir); ds_free(d); return 1; }

    /* pass 1: counts, then the vocabulary by count (ties by bytes) */
    embed_state st = {0};
    sh_new_strdup(st.counts);
    if (for_each_doc(dir, names, n_names, d, count_token, NULL, &st)) return 1;
    wc_pair *pairs = NULL;
    for (ptrdiff_t i = 0; i < shlen(st.counts); i++)
        if (st.counts[i].value >= min_count) { wc_pair p = { st.counts[i].key, st.counts[i].value }; arrput(pairs, p); }
    int V = (int)arrlen(pairs);
    if (V < 2) { fprintf(stderr, "moodspace embed: fewer than 2 words occur %d times\n", min_count); return 1; }
    qsort(pairs, (size_t)V, sizeof *pairs, cmp_wc);
    if (V > max_words) V = max_words;
    sh_new_arena(st.ids);
    long *cnt = malloc(sizeof(long) * (size_t)V);
    for (int i = 0; i < V; i++) { shput(st.ids, pairs[i].w, i); cnt[i] = pairs[i].c; }

    /* pass 2: the corpus as ids */
    if (for_each_doc(dir, names, n_names, d, id_token, doc_break, &st)) return 1;
    size_t N = (size_t)arrlen(st.corpus);
    long total = 0;
    for (int i = 0; i < V; i++) total += cnt[i];
    fprintf(stderr, "embed: %d scripts + %d training lyrics, %ld tokens of %d words (count >= %d)\n",
            n_names, d->count[DS_TRAIN], total, V, min_count);

    /* negative-sampling table: unigram^0.75 */
    const int TBL = 10000000;
    int32_t *table = malloc(sizeof(int32_t) * (size_t)TBL);
    double pw = 0;
    for (int i = 0; i < V; i++) pw += pow((double)cnt[i], 0.75);
    {
        int w = 0; double acc = pow((double)cnt[0], 0.75) / pw;
        for (int a = 0; a < TBL; a++) {
            table[a] = w;
            if ((double)a / TBL > acc && w < V - 1) { w++; acc += pow((double)cnt[w], 0.75) / pw; }
        }
    }
    float sig[SIG_TABLE + 1];
    for (int i = 0; i <= SIG_TABLE; i++) { double x = (2.0 * i / SIG_TABLE - 1) * SIG_MAX; sig[i] = (float)(1.0 / (1.0 + exp(-x))); }
    /* keep probability per word (subsampling of frequent words) */
    float *keep = malloc(sizeof(float) * (size_t)V);
    for (int i = 0; i < V; i++) {
        double f = (double)cnt[i] / total;
        keep[i] = sample > 0 ? (float)((sqrt(f / sample) + 1) * sample / f) : 1.0f;
    }

    float *syn0 = malloc(sizeof(float) * (size_t)V * dim), *syn1 = calloc((size_t)V * dim, sizeof(float));
    float *neu1 = malloc(sizeof(float) * dim), *neu1e = malloc(sizeof(float) * dim);
    int32_t *sent = malloc(sizeof(int32_t) * 1024);
    if (!table || !keep || !syn0 || !syn1 || !neu1 || !neu1e || !sent) { fprintf(stderr, "moodspace embed: out of memory\n"); return 1; }
    uint64_t rng = seed;
    for (size_t i = 0; i < (size_t)V * dim; i++) syn0[i] = (float)(((lcg(&rng) & 0xFFFF) / 65536.0 - 0.5) / dim);

    size_t total_steps = (size_t)epochs * N, done = 0;
    for (int ep = 0; ep < epochs; ep++) {
        size_t pos = 0;
        while (pos < N) {
            /* a "sentence": up to 1000 kept words, never across a document break */
            int sl = 0;
            while (pos < N && sl < 1000) {
                int32_t w = st.corpus[pos++];
                if (w < 0) break;
                if (keep[w] < 1.0f && keep[w] < (lcg(&rng) & 0xFFFF) / 65536.0f) continue;
                sent[sl++] = w;
            }
            done = (size_t)ep * N + pos;
            float alpha = (float)(alpha0 * (1.0 - (double)done / (total_steps + 1)));
            if (alpha < alpha0 * 1e-4) alpha = (float)(alpha0 * 1e-4);
            for (int p = 0; p < sl; p++) {
                int b = (int)(lcg(&rng) % (uint64_t)window);
                memset(neu1, 0, sizeof(float) * dim);
                memset(neu1e, 0, sizeof(float) * dim);
                int cw = 0;
                for (int a = b; a < window * 2 + 1 - b; a++) {
                    if (a == window) continue;
                    int c = p - window + a;
                    if (c < 0 || c >= sl) continue;
                    const float *v = syn0 + (size_t)sent[c] * dim;
                    for (int k = 0; k < dim; k++) neu1[k] += v[k];
                    cw++;
                }
                if (!cw) continue;
                for (int k = 0; k < dim; k++) neu1[k] /= cw;
                for (int n = 0; n <= negative; n++) {
                    int target, label;
                    if (n == 0) { target = sent[p]; label = 1; }
                    else {
                        target = table[(lcg(&rng) >> 16) % (uint64_t)TBL];
                        if (target == sent[p]) continue;
                        label = 0;
                    }
                    float *u = syn1 + (size_t)target * dim;
                    float f = 0;
                    for (int k = 0; k < dim; k++) f += neu1[k] * u[k];
                    float g;
                    if (f > SIG_MAX) g = (label - 1) * alpha;
                    else if (f < -SIG_MAX) g = (label - 0) * alpha;
                    else g = (label - sig[(int)((f + SIG_MAX) * (SIG_TABLE / SIG_MAX / 2))]) * alpha;
                    for (int k = 0; k < dim; k++) neu1e[k] += g * u[k];
                    for (int k = 0; k < dim; k++) u[k] += g * neu1[k];
                }
                for (int a = b; a < window * 2 + 1 - b; a++) {
                    if (a == window) continue;
                    int c = p - window + a;
                    if (c < 0 || c >= sl) continue;
                    float *v = syn0 + (size_t)sent[c] * dim;
                    for (int k = 0; k < dim; k++) v[k] += neu1e[k];
                }
            }
        }
        struct timespec t1; clock_gettime(CLOCK_MONOTONIC, &t1);
        fprintf(stderr, "embed: epoch %d/%d done, %.0f s\n", ep + 1, epochs,
                (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
    }

    const char **words = malloc(sizeof(char *) * (size_t)V);
    for (int i = 0; i < V; i++) words[i] = pairs[i].w;
    int rc = wordvec_save(out, words, cnt, syn0, V, dim, err, sizeof err);
    if (rc) fprintf(stderr, "moodspace embed: %s\n", err);
    else fprintf(stderr, "embed: wrote %s (%d words × %d)\n", out, V, dim);
    free(words); free(syn0); free(syn1); free(neu1); free(neu1e); free(sent); free(keep); free(table); free(cnt);
    arrfree(pairs); arrfree(st.corpus); shfree(st.ids); shfree(st.counts);
    for (int i = 0; i < n_names; i++) free(names[i]);
    arrfree(names);
    ds_free(d);
    return rc ? 1 : 0;
}
