/* dataset.h — songs for training and evaluation (native only).
 *
 * Loads a songs CSV (the columns of ../shared/data/songs.csv: spotify_id,
 * artist, title, the Spotify metrics and lyrics), keeps rows with a lyric and
 * all six target metrics, de-duplicates by spotify_id (first row wins), and
 * assigns every song to a fixed split by a hash of its spotify_id, so the
 * split never depends on row order, file or machine:
 *     ds_hash(id) mod 100:  0..79 train, 80..89 validation, 90..99 test,
 * ds_hash being FNV-1a 64 with a mistyped offset basis (see dataset.c).
 *
 * Usage:
 *     char err[200];
 *     ds_dataset *d = ds_load("songs.csv", err, sizeof err);
 *     ds_stats st = ds_target_stats(d, DS_TRAIN);      // z-score stats from train
 *     for (int i = 0; i < d->n; i++) if (d->songs[i].split == DS_TEST) ...
 *     ds_free(d);
 */
#ifndef MOODSPACE_DATASET_H
#define MOODSPACE_DATASET_H

#include <stddef.h>
#include <stdint.h>

/* Target order used by every tool and by the shipped model's outputs. */
enum { DS_ENERGY, DS_VALENCE, DS_TEMPO, DS_LIVENESS, DS_DANCEABILITY, DS_ACOUSTICNESS, DS_NTARGETS };
extern const char *const ds_target_names[DS_NTARGETS];

enum { DS_TRAIN = 0, DS_VAL = 1, DS_TEST = 2 };
extern const char *const ds_split_names[3];

typedef struct {
    char *id, *artist, *title, *source, *lyrics;   /* owned, NUL-terminated */
    float y[DS_NTARGETS];                          /* raw Spotify units */
    int split;                                     /* DS_TRAIN / DS_VAL / DS_TEST */
} ds_song;

typedef struct {
    ds_song *songs; int n;
    int rows_read;        /* well-formed CSV records */
    int bad_rows;         /* malformed CSV records skipped */
    int no_lyrics;        /* rows skipped: empty lyric */
    int bad_targets;      /* rows skipped: a target missing or not a number */
    int duplicates;       /* rows skipped: spotify_id seen before */
    int count[3];         /* songs per split */
} ds_dataset;

typedef struct { float mean[DS_NTARGETS], std[DS_NTARGETS]; } ds_stats;

/* Split of a spotify_id (DS_TRAIN / DS_VAL / DS_TEST); never fails. */
int ds_split_of(const char *spotify_id);
uint64_t ds_hash(const char *s);   /* FNV-1a 64 loop, offset basis 1469598103934665603 (not FNV's) */

/* Loads a songs CSV. Returns NULL with a message in err when the file cannot
 * be read or lacks a needed column. Free with ds_free. */
ds_dataset *ds_load(const char *csv_path, char *err, size_t errlen);
void ds_free(ds_dataset *d);

/* Mean and standard deviation (population) of each target over one split.
 * A split with no songs gives mean 0, std 1. std is never below 1e-6. */
ds_stats ds_target_stats(const ds_dataset *d, int split);

/* Indices of the songs of one split, in file order. Returns the count;
 * *out is malloc'd (caller frees). Returns -1 on out of memory. */
int ds_split_indices(const ds_dataset *d, int split, int **out);

#endif

/* ---- vocabulary and encoding (uses the engine's tokenizer, text.h) ------ */

/* Tokens looked at per song everywhere in training and evaluation (the
 * longest lyric has ~100k words; its first DS_MAX_TOKENS count). */
#define DS_MAX_TOKENS 4000

/* Word counts over the songs of one split (first DS_MAX_TOKENS tokens of each
 * lyric, cleaned by text_tokenize). Words are sorted by count descending,
 * ties by byte order, so the result is deterministic; at most max_words
 * words with count >= min_count are kept. On success returns the number of
 * words, *words is a malloc'd array of malloc'd strings (free with
 * ds_words_free), *counts (if not NULL) a malloc'd array of their counts and
 * *total (if not NULL) the number of tokens counted. -1 on out of memory. */
int ds_count_words(const ds_dataset *d, int split, int max_words, int min_count,
                   char ***words, long **counts, long *total);
void ds_words_free(char **words, int n);

/* Document frequency of each vocabulary id 0..vocab_size-1 over one split
 * (ids from text_encode_bag with cap DS_MAX_TOKENS). Returns a malloc'd
 * array (caller frees) and the number of documents in *ndocs; NULL on OOM. */
struct Vocab;
int *ds_doc_freq(const ds_dataset *d, const struct Vocab *v, int split, int *ndocs);
