/* dataset.c — load songs, fixed split, target statistics (see dataset.h). */
#include "dataset.h"
#include "csv.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stb_ds.h>

const char *const ds_target_names[DS_NTARGETS] = {
    "energy", "valence", "tempo", "liveness", "danceability", "acousticness"
};
const char *const ds_split_names[3] = { "train", "validation", "test" };

/* FNV-1a's loop and 64-bit prime, but NOT FNV-1a: the offset basis is
 * 1469598103934665603, one digit short of FNV-1a's 14695981039346656037
 * (a typo from the start). Kept on purpose: every split, and so every
 * published figure, depends on it. */
uint64_t ds_hash(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) { h ^= *p; h *= 1099511628211ULL; }
    return h;
}

int ds_split_of(const char *spotify_id) {
    unsigned b = (unsigned)(ds_hash(spotify_id ? spotify_id : "") % 100u);
    return b < 80 ? DS_TRAIN : b < 90 ? DS_VAL : DS_TEST;
}

static int parse_num(const char *s, float *out) {
    if (!s) return -1;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) return -1;
    char *end; errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t') end++;
    if (*end || errno || !isfinite(v)) return -1;
    *out = (float)v;
    return 0;
}

static int blank(const char *s) {
    for (; *s; s++) if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return 0;
    return 1;
}

ds_dataset *ds_load(const char *csv_path, char *err, size_t errlen) {
    csv_reader *r = csv_open(csv_path, 1, err, errlen);
    if (!r) return NULL;
    int col_id = csv_column(r, "spotify_id"), col_lyr = csv_column(r, "lyrics");
    int col_art = csv_column(r, "artist"), col_tit = csv_column(r, "title"), col_src = csv_column(r, "source");
    int col_y[DS_NTARGETS];
    for (int k = 0; k < DS_NTARGETS; k++) {
        col_y[k] = csv_column(r, ds_target_names[k]);
        if (col_y[k] < 0) { snprintf(err, errlen, "%s: no '%s' column", csv_path, ds_target_names[k]); csv_free(r); return NULL; }
    }
    if (col_id < 0 || col_lyr < 0) {
        snprintf(err, errlen, "%s: needs 'spotify_id' and 'lyrics' columns", csv_path);
        csv_free(r); return NULL;
    }
    ds_dataset *d = calloc(1, sizeof *d);
    if (!d) { snprintf(err, errlen, "out of memory"); csv_free(r); return NULL; }
    struct { char *key; int value; } *seen = NULL;
    sh_new_strdup(seen);
    ds_song *arr = NULL;
    while (csv_next(r) == 1) {
        d->rows_read++;
        const char *id = csv_field(r, col_id), *lyr = csv_field(r, col_lyr);
        if (blank(lyr)) { d->no_lyrics++; continue; }
        ds_song s; memset(&s, 0, sizeof s);
        int ok = 1;
        for (int k = 0; k < DS_NTARGETS && ok; k++) if (parse_num(csv_field(r, col_y[k]), &s.y[k])) ok = 0;
        if (!ok || blank(id)) { d->bad_targets++; continue; }
        if (shgeti(seen, id) >= 0) { d->duplicates++; continue; }
        shput(seen, id, 1);
        s.id = strdup(id);
        s.lyrics = strdup(lyr);
        s.artist = strdup(col_art >= 0 ? csv_field(r, col_art) : "");
        s.title = strdup(col_tit >= 0 ? csv_field(r, col_tit) : "");
        s.source = strdup(col_src >= 0 ? csv_field(r, col_src) : "");
        if (!s.id || !s.lyrics || !s.artist || !s.title || !s.source) {
            free(s.id); free(s.lyrics); free(s.artist); free(s.title); free(s.source);
            snprintf(err, errlen, "out of memory");
            d->songs = arr; d->n = (int)arrlen(arr); ds_free(d); shfree(seen); csv_free(r);
            return NULL;
        }
        s.split = ds_split_of(s.id);
        d->count[s.split]++;
        arrput(arr, s);
    }
    d->bad_rows = csv_bad_rows(r);
    shfree(seen);
    csv_free(r);
    /* copy out of the stb_ds array into a plain malloc'd one */
    d->n = (int)arrlen(arr);
    d->songs = malloc(sizeof *d->songs * (size_t)(d->n ? d->n : 1));
    if (!d->songs) { arrfree(arr); free(d); snprintf(err, errlen, "out of memory"); return NULL; }
    if (d->n) memcpy(d->songs, arr, sizeof *d->songs * (size_t)d->n);
    arrfree(arr);
    return d;
}

void ds_free(ds_dataset *d) {
    if (!d) return;
    for (int i = 0; i < d->n; i++) {
        ds_song *s = &d->songs[i];
        free(s->id); free(s->lyrics); free(s->artist); free(s->title); free(s->source);
    }
    if (d->songs && d->n >= 0) free(d->songs);
    free(d);
}

ds_stats ds_target_stats(const ds_dataset *d, int split) {
    ds_stats st;
    double sum[DS_NTARGETS] = {0}, sq[DS_NTARGETS] = {0};
    int n = 0;
    for (int i = 0; d && i < d->n; i++) {
        if (d->songs[i].split != split) continue;
        n++;
        for (int k = 0; k < DS_NTARGETS; k++) sum[k] += d->songs[i].y[k];
    }
    for (int k = 0; k < DS_NTARGETS; k++) st.mean[k] = n ? (float)(sum[k] / n) : 0.0f;
    for (int i = 0; d && i < d->n; i++) {
        if (d->songs[i].split != split) continue;
        for (int k = 0; k < DS_NTARGETS; k++) { double e = d->songs[i].y[k] - st.mean[k]; sq[k] += e * e; }
    }
    for (int k = 0; k < DS_NTARGETS; k++) {
        double sd = n ? sqrt(sq[k] / n) : 1.0;
        st.std[k] = (float)(sd < 1e-6 ? 1e-6 : sd);
    }
    return st;
}

int ds_split_indices(const ds_dataset *d, int split, int **out) {
    int n = 0;
    for (int i = 0; i < d->n; i++) if (d->songs[i].split == split) n++;
    *out = malloc(sizeof **out * (size_t)(n ? n : 1));
    if (!*out) return -1;
    n = 0;
    for (int i = 0; i < d->n; i++) if (d->songs[i].split == split) (*out)[n++] = i;
    return n;
}

/* ---- vocabulary ---------------------------------------------------------- */

typedef struct { char *key; long value; } word_count;

static int count_cb(const char *tok, size_t len, void *user) {
    word_count **map = user;
    (void)len;
    long i = shgeti(*map, tok);
    if (i < 0) shput(*map, tok, 1);
    else (*map)[i].value++;
    return 0;
}

static int cmp_wc(const void *a, const void *b) {
    const word_count *x = a, *y = b;
    if (x->value != y->value) return x->value > y->value ? -1 : 1;
    return strcmp(x->key, y->key);
}

int ds_count_words(const ds_dataset *d, int split, int max_words, int min_count,
                   char ***words, long **counts, long *total) {
    word_count *map = NULL;
    sh_new_strdup(map);
    long tot = 0;
    for (int i = 0; i < d->n; i++) {
        if (d->songs[i].split != split) continue;
        const char *l = d->songs[i].lyrics;
        tot += (long)text_tokenize(l, strlen(l), DS_MAX_TOKENS, count_cb, &map);
    }
    int n = (int)shlen(map);
    word_count *items = malloc(sizeof *items * (size_t)(n ? n : 1));
    if (!items) { shfree(map); return -1; }
    for (int i = 0; i < n; i++) items[i] = map[i];
    qsort(items, (size_t)n, sizeof *items, cmp_wc);
    int keep = 0;
    while (keep < n && keep < max_words && items[keep].value >= min_count) keep++;
    char **w = malloc(sizeof *w * (size_t)(keep ? keep : 1));
    long *c = malloc(sizeof *c * (size_t)(keep ? keep : 1));
    if (!w || !c) { free(w); free(c); free(items); shfree(map); return -1; }
    for (int i = 0; i < keep; i++) {
        w[i] = strdup(items[i].key); c[i] = items[i].value;
        if (!w[i]) { ds_words_free(w, i); free(c); free(items); shfree(map); return -1; }
    }
    free(items);
    shfree(map);
    *words = w;
    if (counts) *counts = c; else free(c);
    if (total) *total = tot;
    return keep;
}

void ds_words_free(char **words, int n) {
    if (!words) return;
    for (int i = 0; i < n; i++) free(words[i]);
    free(words);
}

int *ds_doc_freq(const ds_dataset *d, const Vocab *v, int split, int *ndocs) {
    int V = vocab_size(v);
    int *df = calloc((size_t)(V ? V : 1), sizeof *df);
    int32_t *ids = malloc(sizeof *ids * DS_MAX_TOKENS);
    char *seen = calloc((size_t)(V ? V : 1), 1);
    if (!df || !ids || !seen) { free(df); free(ids); free(seen); return NULL; }
    int nd = 0;
    for (int i = 0; i < d->n; i++) {
        if (d->songs[i].split != split) continue;
        nd++;
        const char *l = d->songs[i].lyrics;
        int n = text_encode_bag(v, l, strlen(l), ids, DS_MAX_TOKENS);
        for (int t = 0; t < n; t++) if (!seen[ids[t]]) { seen[ids[t]] = 1; df[ids[t]]++; }
        for (int t = 0; t < n; t++) seen[ids[t]] = 0;
    }
    free(ids); free(seen);
    if (ndocs) *ndocs = nd;
    return df;
}
