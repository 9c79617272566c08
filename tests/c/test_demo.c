/* test_demo.c — `moodspace demo` on a songs CSV this test writes itself
 * (made-up lyrics): the right number of songs, one per artist, held-out songs
 * first, the model's predictions, distinctive words within the document
 * frequency bounds, no lyric text in the output, and clear failures. */

#include "check.h"
#include "test_files.h"
#include "../../wasm/tools/cmd_demo.c"

#include <unistd.h>

#define DIR "build/tests/demo-fixture"


/* A made-up 22-character id per song number. */
static void song_id(int i, char out[23]) {
    const char *b62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    uint32_t h = 2166136261u ^ (uint32_t)(i * 2654435761u);
    for (int k = 0; k < 22; k++) { h ^= h << 13; h ^= h >> 17; h ^= h << 5; out[k] = b62[h % 62]; }
    out[22] = 0;
}

/* 60 songs: "love" in all of them (too common), "harbor" in songs 0..5 (df 6),
 * "zebra" in songs 0..1 (df 2, too rare); song 0 repeats "harbor" often and
 * has a marker line that must never reach the output. Songs 58 and 59 share
 * an artist; row 60 has a bad id. */
static int write_csv(const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "source,spotify_id,artist,title,year,energy,valence,lyrics\n");
    for (int i = 0; i < 60; i++) {
        char id[23];
        song_id(i, id);
        fprintf(f, "test,%s,Artist %d,Song %d,%d,0.5,0.5,\"love love you and me\n", id, i == 59 ? 58 : i, i, 1960 + i);
        if (i < 6) fprintf(f, "harbor lights%s\n", i == 0 ? " harbor harbor harbor" : "");
        if (i < 2) fprintf(f, "zebra crossing\n");
        if (i == 0) fprintf(f, "the quick marker line sails away\n");
        fprintf(f, "word%d and filler%d\"\n", i % 7, i % 3);
    }
    fprintf(f, "test,not-an-id,Someone,Bad Row,2000,0.5,0.5,\"love\"\n");
    return fclose(f);
}

static int run_demo(const char *csv, const char *out, const char *model, const char *count) {
    char *argv[] = { "demo", "--csv", (char *)csv, "--out", (char *)out, "--model", (char *)model, "--count", (char *)count, NULL };
    return cmd_demo(9, argv);
}

/* what the checks of the 40-song library found, song by song */
typedef struct { int held, trained_seen, order_ok, artists_ok, metrics_ok, words_ok, years_ok, saw58; } song_flags;

/* one song of the library against the fixture: its split, artist, year, metrics and words */
static void check_song(cJSON *s, Model *m, song_flags *f) {
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(s, "id"));
    const char *artist = cJSON_GetStringValue(cJSON_GetObjectItem(s, "artist"));
    const char *title = cJSON_GetStringValue(cJSON_GetObjectItem(s, "title"));
    if (!id || strlen(id) != 22 || !artist || !title) { f->metrics_ok = 0; return; }
    int trained = ds_split_of(id) == DS_TRAIN;
    if (trained) f->trained_seen = 1; else { f->held++; if (f->trained_seen) f->order_ok = 0; }
    if (!strcmp(artist, "Artist 58")) { if (f->saw58) f->artists_ok = 0; f->saw58 = 1; }
    int num = atoi(title + 5);
    cJSON *y = cJSON_GetObjectItem(s, "year");
    if (!cJSON_IsNumber(y) || y->valueint != 1960 + num) f->years_ok = 0;
    /* predictions equal the model's on the same lyric */
    if (m) {
        char lyric[512];
        int n = snprintf(lyric, sizeof lyric, "love love you and me\n%s%s%s%sword%d and filler%d", num < 6 ? "harbor lights" : "",
                         num == 0 ? " harbor harbor harbor" : "", num < 6 ? "\n" : "", num < 2 ? "zebra crossing\n" : "", num % 7, num % 3);
        if (num == 0) n = snprintf(lyric, sizeof lyric, "love love you and me\nharbor lights harbor harbor harbor\nzebra crossing\nthe quick marker line sails away\nword0 and filler0");
        float want[MODEL_MAX_OUTPUTS];
        if (model_predict_text(m, lyric, (size_t)n, want) != 0) f->metrics_ok = 0;
        cJSON *mt = cJSON_GetObjectItem(s, "metrics");
        for (int k = 0; k < model_n_outputs(m); k++) {
            cJSON *v = cJSON_GetObjectItem(mt, model_output_name(m, k));
            if (!cJSON_IsNumber(v) || fabs(v->valuedouble - want[k]) > 1e-4 + 1e-4 * fabs(want[k])) f->metrics_ok = 0;
        }
    }
    cJSON *w;
    int nw = 0;
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(s, "words")) {
        const char *word = cJSON_GetStringValue(cJSON_GetArrayItem(w, 0));
        nw++;
        if (!word || !strcmp(word, "love") || !strcmp(word, "zebra") || !strcmp(word, "marker")) f->words_ok = 0;
    }
    if (nw > DEMO_WORDS) f->words_ok = 0;
}

/* 40 songs asked for: held-out songs first, one per artist, the model's predictions, no lyric text */
static void forty_songs(void) {
    int rc = run_demo(DIR "/songs.csv", DIR "/demo.json", DIR "/tiny.bin", "40");
    CHECK(rc == 0, "moodspace demo builds a library from a songs CSV");
    char *text = tf_read(DIR "/demo.json", NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CHECK(root != NULL, "the demo library is valid JSON");
    if (!root) { free(text); return; }

    cJSON *songs = cJSON_GetObjectItem(root, "songs");
    CHECK(cJSON_GetArraySize(songs) == 40 && cJSON_GetObjectItem(root, "count")->valueint == 40, "it holds the requested 40 songs");
    CHECK(strstr(text, "marker line") == NULL && strstr(text, "lyrics") == NULL && strstr(text, "crossing") == NULL,
          "no lyric text reaches the output");
    Model *m = model_load_file(DIR "/tiny.bin", NULL, 0);
    CHECK(m != NULL, "the tiny model loads");

    song_flags f = { .order_ok = 1, .artists_ok = 1, .metrics_ok = 1, .words_ok = 1, .years_ok = 1 };
    cJSON *s;
    cJSON_ArrayForEach(s, songs) check_song(s, m, &f);
    CHECK(f.order_ok && f.held == cJSON_GetObjectItem(root, "held_out")->valueint && f.held > 0,
          "songs the model never trained on come first and are counted");
    CHECK(f.artists_ok, "at most one song per artist");
    CHECK(f.years_ok, "years are kept");
    CHECK(f.metrics_ok, "each song's metrics are the model's predictions for its lyric");
    CHECK(f.words_ok, "words outside the document-frequency bounds (too common, too rare) never appear");
    cJSON_Delete(root);
    free(text);
    model_free(m);
}

/* more songs asked for than there are: every usable one, with its distinctive words counted */
static void every_song(void) {
    CHECK(run_demo(DIR "/songs.csv", DIR "/all.json", DIR "/tiny.bin", "1000") == 0, "asking for more songs than there are is fine");
    char *text = tf_read(DIR "/all.json", NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CHECK(root && cJSON_GetArraySize(cJSON_GetObjectItem(root, "songs")) == 59, "every usable song is taken (bad id and repeated artist left out)");
    int harbor = -1;
    cJSON *songs = root ? cJSON_GetObjectItem(root, "songs") : NULL, *s;
    cJSON_ArrayForEach(s, songs) {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(s, "title")), "Song 0")) continue;
        cJSON *w;
        cJSON_ArrayForEach(w, cJSON_GetObjectItem(s, "words"))
            if (!strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(w, 0)), "harbor")) harbor = (int)cJSON_GetArrayItem(w, 1)->valuedouble;
    }
    CHECK(harbor == 4, "a distinctive word comes with its count in the song");
    cJSON_Delete(root);
    free(text);
}

static void bad_inputs(void) {
    CHECK(run_demo(DIR "/missing.csv", DIR "/x.json", DIR "/tiny.bin", "5") == 1, "a missing CSV is an error, not a crash");
    CHECK(run_demo(DIR "/songs.csv", DIR "/x.json", DIR "/missing.bin", "5") == 1, "a missing model is an error");
    CHECK(run_demo(DIR "/songs.csv", DIR "/x.json", DIR "/tiny.bin", "0") == 2, "a bad --count is a usage error");
    FILE *f = fopen(DIR "/nocols.csv", "w");
    if (f) { fputs("a,b\n1,2\n", f); fclose(f); }
    CHECK(run_demo(DIR "/nocols.csv", DIR "/x.json", DIR "/tiny.bin", "5") == 1, "a CSV without the needed columns is an error");
}

int main(void) {
    if (system("mkdir -p " DIR) != 0 || write_csv(DIR "/songs.csv") != 0) {
        CHECK(0, "the fixture CSV can be written");
        return check_summary();
    }
    if (access("build/moodspace", X_OK) != 0 ||
        system("build/moodspace info --make-random " DIR "/tiny.bin --arch tiny --seed 3 > /dev/null") != 0) {
        printf("ok - demo library # SKIP build/moodspace is not built (needed for a tiny random model)\n");
        return check_summary();
    }
    forty_songs();
    every_song();
    bad_inputs();
    return check_summary();
}
