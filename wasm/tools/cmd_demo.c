/* cmd_demo.c — `moodspace demo`: build the bundled demo library.
 *
 *   moodspace demo --csv ../shared/data/songs.csv --out weights/demo.json
 *                  [--model weights/model.bin] [--count 300]
 *
 * Picks `count` songs from the CSV (valid 22-character Spotify id, title,
 * artist and lyrics; at most one song per artist; songs the shipped model
 * never trained on first — the validation and test splits of dataset.h —
 * then a fixed order by a hash of the Spotify id, so the same CSV gives the
 * same library), predicts each
 * one's mood metrics from its lyrics with the model, and writes JSON:
 *
 *   { "version": 1, "generated_by": "moodspace demo", "model": {header meta},
 *     "metrics": ["energy", ...], "count": N, "held_out": songs not trained on,
 *     "songs": [ { "id", "title", "artist", "year" (number or null),
 *                  "metrics": { name: value, ... },
 *                  "words": [[word, count], ...] }, ... ] }
 *
 * NO lyrics and no excerpts are written: only the predicted numbers and up to
 * 10 single words per song (the song's most distinctive words by tf-idf,
 * (1 + ln tf) * ln(N / df) over the whole CSV, each with its count in the
 * song), so the dashboard's "distinctive words" works for the demo too.
 * Words must occur in at least 5 songs of the CSV, so no rare word pins down
 * a line of a lyric, and in at most 10% of them, so function words drop out.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>
#include "cJSON.h"
#include "csv.h"
#include "dataset.h"
#include "model.h"
#include "text.h"
#include "tool_opts.h"

#define DEMO_WORDS 10
#define DEMO_MIN_DF 5            /* a word must occur in at least this many songs */
#define DEMO_MAX_DF_SHARE 0.10   /* ... and in at most this share of them (no "the", "had") */

typedef struct { char *key; int value; } WordCount;

typedef struct {
    long row;
    int trained;          /* 1 if the shipped model trained on this song (train split) */
    uint32_t hash;
    char *id, *title, *artist, *lyrics;
    int year;
} Pick;

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 16777619u; }
    return h;
}

static int valid_id(const char *s) {
    if (strlen(s) != 22) return 0;
    for (const char *p = s; *p; p++) if (!isalnum((unsigned char)*p)) return 0;
    return 1;
}

/* --- tokens: a set per song (document frequency) and counts per song --- */
typedef struct { WordCount *map; } TokCtx;

static int word_ok(const char *t, size_t len) {
    if (len < 3 || len > 24) return 0;
    for (size_t i = 0; i < len; i++) if (isalpha((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80) return 1;
    return 0;
}

static int count_token(const char *tok, size_t len, void *user) {
    TokCtx *c = user;
    if (!word_ok(tok, len)) return 0;
    ptrdiff_t i = shgeti(c->map, tok);
    if (i < 0) shput(c->map, tok, 1);
    else c->map[i].value++;
    return 0;
}

static int pick_cmp(const void *a, const void *b) {
    const Pick *x = a, *y = b;
    if (x->trained != y->trained) return x->trained - y->trained;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

typedef struct { const char *w; int n; double score; } Scored;
static int scored_cmp(const void *a, const void *b) {
    const Scored *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return strcmp(x->w, y->w);
}

static void usage(FILE *f) {
    fprintf(f, "usage: moodspace demo --csv SONGS.csv --out weights/demo.json [--model weights/model.bin] [--count 300]\n"
               "Builds the bundled demo library: titles, artists, Spotify ids, years, predicted\n"
               "metrics and a few distinctive single words per song (no lyrics).\n");
}

/* Every song with lyrics of the CSV: the candidates (a valid id, title and
 * artist) into *cands and each word's document frequency into *df.
 * Returns the number of songs with lyrics, or -1 after a message. */
static long read_candidates(const char *csv_path, Pick **cands, WordCount **df) {
    char err[512];
    csv_reader *r = csv_open(csv_path, 1, err, sizeof err);
    if (!r) { fprintf(stderr, "demo: %s\n", err); return -1; }
    int c_id = csv_column(r, "spotify_id"), c_title = csv_column(r, "title"), c_artist = csv_column(r, "artist"),
        c_year = csv_column(r, "year"), c_lyr = csv_column(r, "lyrics");
    if (c_id < 0 || c_title < 0 || c_artist < 0 || c_lyr < 0) {
        fprintf(stderr, "demo: %s needs the columns spotify_id, title, artist, lyrics\n", csv_path);
        csv_free(r);
        return -1;
    }
    long n_docs = 0;
    while (csv_next(r) == 1) {
        const char *lyr = csv_field(r, c_lyr);
        size_t lyr_len = csv_field_len(r, c_lyr);
        if (lyr_len == 0) continue;
        n_docs++;
        TokCtx tc = { NULL };
        sh_new_strdup(tc.map);
        text_tokenize(lyr, lyr_len, 0, count_token, &tc);
        for (ptrdiff_t i = 0; i < shlen(tc.map); i++) {
            ptrdiff_t j = shgeti(*df, tc.map[i].key);
            if (j < 0) shput(*df, tc.map[i].key, 1); else (*df)[j].value++;
        }
        shfree(tc.map);
        const char *id = csv_field(r, c_id), *title = csv_field(r, c_title), *artist = csv_field(r, c_artist);
        if (!valid_id(id) || !*title || !*artist) continue;
        Pick p = { csv_line(r), ds_split_of(id) == DS_TRAIN, fnv1a(id), strdup(id), strdup(title), strdup(artist), strdup(lyr),
                   c_year >= 0 ? atoi(csv_field(r, c_year)) : 0 };
        arrput(*cands, p);
    }
    int bad = csv_bad_rows(r);
    csv_free(r);
    if (bad) fprintf(stderr, "demo: %d malformed CSV rows skipped\n", bad);
    return n_docs;
}

/* Up to count songs: hash order, one per artist, distinct ids (an stb_ds
 * array of copies of cands' entries). Sorts cands. */
static Pick *choose_picks(Pick *cands, int count) {
    qsort(cands, arrlenu(cands), sizeof *cands, pick_cmp);
    struct { char *key; int value; } *seen = NULL;
    sh_new_strdup(seen);
    Pick *picks = NULL;
    for (size_t i = 0; i < arrlenu(cands) && (int)arrlen(picks) < count; i++) {
        char akey[256];
        snprintf(akey, sizeof akey, "a:%s", cands[i].artist);
        for (char *q = akey; *q; q++) *q = (char)tolower((unsigned char)*q);
        char ikey[64];
        snprintf(ikey, sizeof ikey, "i:%s", cands[i].id);
        if (shgeti(seen, akey) >= 0 || shgeti(seen, ikey) >= 0) continue;
        shput(seen, akey, 1);
        shput(seen, ikey, 1);
        arrput(picks, cands[i]);
    }
    shfree(seen);
    return picks;
}

/* The song's distinctive words: tf * idf over the CSV, common enough words
 * only, the DEMO_WORDS best as [word, count] pairs. */
static cJSON *distinctive_words(const char *lyrics, WordCount *df, long n_docs) {
    TokCtx tc = { NULL };
    sh_new_strdup(tc.map);
    text_tokenize(lyrics, strlen(lyrics), 0, count_token, &tc);
    Scored *sc = NULL;
    for (ptrdiff_t w = 0; w < shlen(tc.map); w++) {
        int d = shget(df, tc.map[w].key);
        if (d < DEMO_MIN_DF || d > n_docs * DEMO_MAX_DF_SHARE) continue;
        Scored x = { tc.map[w].key, tc.map[w].value, (1.0 + log((double)tc.map[w].value)) * log((double)n_docs / d) };
        arrput(sc, x);
    }
    if (arrlen(sc) > 1) qsort(sc, arrlenu(sc), sizeof *sc, scored_cmp);
    cJSON *words = cJSON_CreateArray();
    for (int w = 0; w < (int)arrlen(sc) && w < DEMO_WORDS; w++) {
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateString(sc[w].w));
        cJSON_AddItemToArray(pair, cJSON_CreateNumber(sc[w].n));
        cJSON_AddItemToArray(words, pair);
    }
    arrfree(sc);
    shfree(tc.map);
    return words;
}

/* One song of "songs": id, title, artist, year, predicted metrics, words. */
static cJSON *song_json(const Pick *p, const Model *m, const float *pred, WordCount *df, long n_docs) {
    int no = model_n_outputs(m);
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "id", p->id);
    cJSON_AddStringToObject(s, "title", p->title);
    cJSON_AddStringToObject(s, "artist", p->artist);
    if (p->year >= 1900 && p->year <= 2100) cJSON_AddNumberToObject(s, "year", p->year);
    else cJSON_AddNullToObject(s, "year");
    cJSON *mt = cJSON_AddObjectToObject(s, "metrics");
    for (int k = 0; k < no; k++) {
        double v = pred[k];
        cJSON_AddNumberToObject(mt, model_output_name(m, k), round(v * 10000.0) / 10000.0);
    }
    cJSON_AddItemToObject(s, "words", distinctive_words(p->lyrics, df, n_docs));
    return s;
}

/* The library's fields before "songs": version, model header, metrics, counts. */
static cJSON *demo_header(const Model *m, int n, int held) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "version", 1);
    cJSON_AddStringToObject(root, "generated_by", "moodspace demo");
    char *hdr = model_header_json(m);
    cJSON *h = hdr ? cJSON_Parse(hdr) : NULL;
    free(hdr);
    /* the calibration tables (calib.h) are the model's business, not the library's */
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(h, "meta"), "calibration");
    cJSON_AddItemToObject(root, "model", h ? h : cJSON_CreateNull());
    cJSON *names = cJSON_AddArrayToObject(root, "metrics");
    for (int k = 0; k < model_n_outputs(m); k++) cJSON_AddItemToArray(names, cJSON_CreateString(model_output_name(m, k)));
    cJSON_AddNumberToObject(root, "count", n);
    cJSON_AddNumberToObject(root, "held_out", held);   /* songs the model never trained on */
    return root;
}

/* root as one line into path; frees root. 0, or 1 after a message. */
static int write_json(cJSON *root, const char *path) {
    char *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    int rc = 0;
    FILE *f = json ? fopen(path, "wb") : NULL;
    if (!f || fputs(json, f) < 0 || fputc('\n', f) == EOF) { fprintf(stderr, "demo: cannot write %s\n", path); rc = 1; }
    if (f && fclose(f) != 0) { fprintf(stderr, "demo: cannot write %s\n", path); rc = 1; }
    free(json);
    return rc;
}

/* Steps: options, the model, candidates and document frequencies (one pass
 * over the CSV), the picks, their predictions, the JSON file. */
int cmd_demo(int argc, char **argv) {
    const char *csv_path = NULL, *out_path = NULL, *model_path = NULL;
    int count = 300;
    const ToolOpt opts[] = {
        {"--csv", OPT_STR, &csv_path}, {"--out", OPT_STR, &out_path}, {"--model", OPT_STR, &model_path},
        {"--count", OPT_INT, &count}, {NULL, 0, NULL}};
    int st = tool_parse("demo", argc, argv, opts, NULL, usage);
    if (st >= 0) return st;
    if (count < 1 || count > 100000) return tool_usage_error("demo", "--count must be 1..100000");
    if (!csv_path || !out_path) return tool_usage_error("demo", "needs --csv SONGS.csv --out FILE (--help)");

    char err[512];
    Model *m = model_load_file(model_path, err, sizeof err);
    if (!m) { fprintf(stderr, "demo: %s\n", err); return 1; }
    if (model_prepare(m, err, sizeof err) != 0) fprintf(stderr, "demo: (slow path) %s\n", err);

    Pick *cands = NULL, *picks = NULL;
    WordCount *df = NULL;
    sh_new_strdup(df);
    const char **texts = NULL;
    float *out = NULL;
    int rc = 1;
    long n_docs = read_candidates(csv_path, &cands, &df);
    if (n_docs < 0) goto done;
    picks = choose_picks(cands, count);
    int n = (int)arrlen(picks);
    if (n == 0) { fprintf(stderr, "demo: no usable songs in %s\n", csv_path); goto done; }

    int no = model_n_outputs(m);
    texts = malloc(sizeof *texts * (size_t)n);
    out = malloc(sizeof *out * (size_t)n * (size_t)no);
    if (!texts || !out) { fprintf(stderr, "demo: out of memory\n"); goto done; }
    for (int i = 0; i < n; i++) texts[i] = picks[i].lyrics;
    if (model_predict_texts(m, texts, NULL, n, out) != 0) { fprintf(stderr, "demo: prediction failed\n"); goto done; }

    int held = 0;
    for (int i = 0; i < n; i++) held += !picks[i].trained;
    cJSON *root = demo_header(m, n, held);
    cJSON *songs = cJSON_AddArrayToObject(root, "songs");
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(songs, song_json(&picks[i], m, out + (size_t)i * no, df, n_docs));
    rc = write_json(root, out_path);
    if (!rc) fprintf(stderr, "demo: %d songs (%d not seen in training; of %ld with lyrics) -> %s\n", n, held, n_docs, out_path);
done:
    free(texts);
    free(out);
    for (size_t i = 0; i < arrlenu(cands); i++) {
        free(cands[i].id); free(cands[i].title); free(cands[i].artist); free(cands[i].lyrics);
    }
    arrfree(cands);
    arrfree(picks);
    shfree(df);
    model_free(m);
    return rc;
}
