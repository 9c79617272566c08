/* test_soundtrack.c — the one matching path (soundtrack.h) on hand-made
 * calibration tables and libraries: segments get distinct songs that follow
 * the film on the calibrated scale, the quick match keeps the seed's pool
 * rule and "Draw again" moves the pool, the library prior, arc-only requests,
 * clear errors, and large inputs (pool over 200,000 tracks, top-k
 * overflow). No ../shared/data. */
#include "check.h"
#include "soundtrack.h"
#include "cJSON.h"

static const char *NAMES2[] = {"energy", "valence"};

/* Tables where scenes sit in [0.4, 0.6] and songs in [0, 1]: on the absolute
 * scale every scene is "middling", on the calibrated scale they spread. */
static void make_calib(Calib *c) {
    float sc[200], so[200];
    for (int i = 0; i < 100; i++) {
        sc[2 * i] = sc[2 * i + 1] = 0.4f + 0.2f * i / 99.0f;
        so[2 * i] = so[2 * i + 1] = (float)i / 99.0f;
    }
    int ones[100], one[] = {1};
    for (int i = 0; i < 100; i++) ones[i] = 1;
    char err[160];
    calib_build(&c->songs, 2, NAMES2, so, NULL, ones, 100, one, 1, err, sizeof err);
    calib_build(&c->scenes, 2, NAMES2, sc, NULL, ones, 100, one, 1, err, sizeof err);
    /* segments: the same scene spread at every K */
    int lv[CALIB_MAX_LEVELS], nl = calib_segment_levels(lv);
    float *v = malloc(sizeof(float) * 2 * 100 * (size_t)nl);
    int *g = malloc(sizeof(int) * 100 * (size_t)nl);
    for (int l = 0; l < nl; l++)
        for (int i = 0; i < 100; i++) { v[2 * (l * 100 + i)] = v[2 * (l * 100 + i) + 1] = sc[2 * i]; g[l * 100 + i] = l; }
    calib_build_groups(&c->segments, 2, NAMES2, v, g, 100 * nl, lv, nl, err, sizeof err);
    free(v); free(g);
}

static MatchSpace space2(void) {
    MatchSpace sp;
    float mean[] = {0.5f, 0.5f}, std[] = {0.2f, 0.2f};
    char err[128];
    match_space_init(&sp, 2, NAMES2, mean, std, NULL, err, sizeof err);
    return sp;
}

static void segments_follow_the_film(const Calib *cal) {
    MatchSpace sp = space2();
    /* 40 scenes: 4 blocks of 10 at 0.42, 0.58, 0.45, 0.55 (both metrics) */
    float sc[80];
    const float lvl[4] = {0.42f, 0.58f, 0.45f, 0.55f};
    for (int i = 0; i < 40; i++) sc[2 * i] = sc[2 * i + 1] = lvl[i / 10];
    /* 50 songs spread over [0, 1] */
    float so[100];
    for (int i = 0; i < 50; i++) so[2 * i] = so[2 * i + 1] = (float)i / 49.0f;
    SoundtrackOpts o = {.n_segments = 4, .quick = 0, .seed = 0, .avoid_offset = -1};
    char err[200] = "";
    Soundtrack *s = soundtrack_build(&sp, cal, sc, NULL, 40, so, 50, &o, err, sizeof err);
    CHECK(s && s->n_picks == 4, "a 4-segment soundtrack");
    if (!s) { printf("# %s\n", err); return; }
    int distinct = 1, order = 1;
    for (int a = 0; a < 4; a++) for (int b = a + 1; b < 4; b++) if (s->picks[a].song == s->picks[b].song) distinct = 0;
    CHECK(distinct, "the segments get different songs");
    CHECK(s->picks[0].first == 0 && s->picks[1].first == 10 && s->picks[2].first == 20 && s->picks[3].first == 30,
          "segments follow the mood changes");
    /* calibrated: the darkest block (0.42) gets a song near the bottom of the
     * library, the brightest (0.58) one near the top */
    float d0 = so[2 * s->picks[0].song], d1 = so[2 * s->picks[1].song];
    CHECK(d0 < 0.2f && d1 > 0.8f, "the darkest scenes get dark songs, the brightest bright ones (calibrated scale)");
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            if (lvl[a] < lvl[b] && !(so[2 * s->picks[a].song] < so[2 * s->picks[b].song])) order = 0;
    CHECK(order, "song order follows segment order");
    CHECK_NEAR(s->library_share, 50 / (50 + SOUNDTRACK_PRIOR), 1e-12, "library share n / (n + prior)");
    soundtrack_free(s);
}

static void quick_and_prior(const Calib *cal) {
    MatchSpace sp = space2();
    float sc[20];
    for (int i = 0; i < 10; i++) sc[2 * i] = sc[2 * i + 1] = 0.41f;   /* a dark film */
    enum { N = 100 };
    float so[2 * N];
    for (int i = 0; i < N; i++) so[2 * i] = so[2 * i + 1] = (float)((i * 37) % N) / (N - 1);
    char err[200] = "";
    int offsets_ok = 1, moved = 1, nearest = 1;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        SoundtrackOpts o = {.n_segments = 1, .quick = 1, .seed = seed, .avoid_offset = -1};
        Soundtrack *s = soundtrack_build(&sp, cal, sc, NULL, 10, so, N, &o, err, sizeof err);
        if (!s) { offsets_ok = 0; break; }
        /* the seed's rule: 20 consecutive ranks from an offset in [0, 50] */
        if (s->pool_n != MATCH_POOL_SIZE || s->pool_offset < 0 || s->pool_offset > MATCH_POOL_MAX_RANK - MATCH_POOL_SIZE) offsets_ok = 0;
        for (int r = 0; r < s->pool_n; r++) if (s->pool[r] != s->pool_offset + r || s->pool[r] >= MATCH_POOL_MAX_RANK) offsets_ok = 0;
        if (s->n_picks != SOUNDTRACK_QUICK_K) offsets_ok = 0;
        /* the picks are the pool's darkest songs (nearest a dark film) */
        float worst_pick = 0, best_rest = 1;
        for (int r = 0; r < s->n_picks; r++) if (so[2 * s->picks[r].song] > worst_pick) worst_pick = so[2 * s->picks[r].song];
        for (int r = 0; r < s->pool_n; r++) {
            int picked = 0;
            for (int q = 0; q < s->n_picks; q++) if (s->picks[q].song == s->pool[r]) picked = 1;
            if (!picked && so[2 * s->pool[r]] < best_rest) best_rest = so[2 * s->pool[r]];
        }
        if (!(worst_pick <= best_rest)) nearest = 0;
        /* "Draw again": another offset */
        SoundtrackOpts again = {.n_segments = 1, .quick = 1, .seed = seed, .avoid_offset = s->pool_offset};
        Soundtrack *t = soundtrack_build(&sp, cal, sc, NULL, 10, so, N, &again, err, sizeof err);
        if (!t || t->pool_offset == s->pool_offset) moved = 0;
        soundtrack_free(t);
        soundtrack_free(s);
    }
    CHECK(offsets_ok, "quick match: 20 consecutive songs from an offset in [0, 50], never past rank 70, 3 picks");
    CHECK(nearest, "quick match: the picks are the pool's songs nearest the film");
    CHECK(moved, "draw again: a pool at another offset");
    /* 15 songs: the whole library is the pool, and drawing again cannot move it */
    SoundtrackOpts o = {.n_segments = 1, .quick = 1, .seed = 3, .avoid_offset = 0};
    Soundtrack *s = soundtrack_build(&sp, cal, sc, NULL, 10, so, 15, &o, err, sizeof err);
    CHECK(s && s->pool_n == 15 && s->pool_offset == 0, "fewer than 20 songs: all of them, offset 0, even when drawing again");
    soundtrack_free(s);

    /* the prior: a 4-song library of bright songs; its darkest is not "dark" */
    float bright[8] = {0.7f, 0.7f, 0.8f, 0.8f, 0.9f, 0.9f, 0.95f, 0.95f};
    SoundtrackOpts one = {.n_segments = 1, .quick = 0, .seed = 0, .avoid_offset = -1};
    s = soundtrack_build(&sp, cal, sc, NULL, 10, bright, 4, &one, err, sizeof err);
    CHECK(s && s->picks[0].song == 0, "a dark film still takes the library's darkest song");
    CHECK(s && s->song_pct[0] > 0.3f, "with 4 songs the prior keeps the darkest of them above the 30th percentile");
    soundtrack_free(s);
}

static void arc_only_and_errors(const Calib *cal) {
    MatchSpace sp = space2();
    float sc[12] = {0.4f, 0.4f, 0.6f, 0.6f, 0.45f, 0.45f, 0.55f, 0.55f, 0.5f, 0.5f, 0.42f, 0.42f};
    float so[4] = {0.1f, 0.1f, 0.9f, 0.9f};
    char err[200] = "";
    SoundtrackOpts o = {.n_segments = 6, .quick = 0, .seed = 0, .avoid_offset = -1};
    Soundtrack *s = soundtrack_build(&sp, cal, sc, NULL, 6, NULL, 0, &o, err, sizeof err);
    CHECK(s && s->n_picks == 6 && s->picks[0].song == -1, "no songs: the arc alone, 6 segments of a 6-scene script");
    int distinct = s != NULL;
    for (int i = 0; s && i < 6; i++) for (int j = i + 1; j < 6; j++) if (fabsf(s->smooth_pct[2 * i] - s->smooth_pct[2 * j]) < 0.02f && sc[2 * i] != sc[2 * j]) distinct = 0;
    CHECK(distinct, "a 6-scene script keeps 6 distinguishable points on the calibrated scale");
    soundtrack_free(s);
    CHECK(!soundtrack_build(&sp, cal, sc, NULL, 6, so, 2, &o, err, sizeof err) && strstr(err, "at least 6 songs"),
          "fewer songs than segments: says how many are needed");
    CHECK(!soundtrack_build(&sp, cal, sc, NULL, 0, so, 2, &o, err, sizeof err) && strstr(err, "no scenes"),
          "no scenes: says so");
    CHECK(!soundtrack_build(&sp, NULL, sc, NULL, 6, so, 2, &o, err, sizeof err) && strstr(err, "calibrate"),
          "no calibration: says how to add it");
    Calib partial = *cal;
    strcpy(partial.songs.name[1], "mood");
    CHECK(!soundtrack_build(&sp, &partial, sc, NULL, 6, so, 2, &o, err, sizeof err) && strstr(err, "no metric valence"),
          "calibration without a metric: names it");
}

static cJSON *parse_free(char *s) {
    cJSON *j = cJSON_Parse(s);
    free(s);
    return j;
}

static void json_face(const Calib *cal) {
    MatchSpace sp = space2();
    const char *req =
        "{\"scenes\":[{\"energy\":0.41,\"valence\":0.42},{\"energy\":0.59,\"valence\":0.58},{\"metrics\":{\"energy\":0.5,\"valence\":0.5}}],"
        "\"scene_weights\":[10,10,10],\"segments\":3,\"detail\":true,"
        "\"songs\":[{\"id\":\"lo\",\"energy\":0.05,\"valence\":0.05},{\"id\":\"hi\",\"energy\":0.95,\"valence\":0.95},"
        "{\"id\":\"mid\",\"energy\":0.5,\"valence\":0.5},{\"id\":\"bad\",\"energy\":\"x\"}]}";
    cJSON *j = parse_free(soundtrack_json(req, &sp, cal, NULL, 0));
    cJSON *segs = cJSON_GetObjectItem(j, "segments");
    CHECK(cJSON_GetArraySize(segs) == 3, "JSON: three segments");
    const char *ids[3] = {"", "", ""};
    for (int g = 0; g < 3; g++) {
        cJSON *song = cJSON_GetObjectItem(cJSON_GetArrayItem(segs, g), "song");
        cJSON *id = cJSON_GetObjectItem(song, "id");
        if (cJSON_IsString(id)) ids[g] = id->valuestring;
    }
    CHECK(!strcmp(ids[0], "lo") && !strcmp(ids[1], "hi") && !strcmp(ids[2], "mid"), "JSON: each segment gets the song of its mood, ids echoed");
    cJSON *seg0 = cJSON_GetArrayItem(segs, 0);
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(seg0, "pct"), "energy") && cJSON_GetObjectItem(seg0, "song_pct") &&
          cJSON_GetObjectItem(seg0, "song_mood") && cJSON_GetObjectItem(seg0, "mood") && cJSON_GetObjectItem(seg0, "distance"),
          "JSON: mood, pct, song_mood, song_pct and distance per segment");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "scenes")) == 3, "JSON: detail gives per-scene percentiles");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "skipped")) == 1, "JSON: a song without numbers is skipped, not fatal");
    cJSON_Delete(j);
    const char *bad[] = {"{\"scenes\":[],\"songs\":[]}", "{\"scenes\":{},\"songs\":[]}", "{\"scenes\":[{\"energy\":1}],\"songs\":[]}",
                         "{\"scenes\":[{\"energy\":1,\"valence\":1}],\"scene_weights\":[1,2],\"songs\":[]}",
                         "{\"scenes\":[{\"energy\":1,\"valence\":1}],\"segments\":0,\"songs\":[]}",
                         "{\"scenes\":[{\"energy\":1,\"valence\":1}],\"quick\":{},\"songs\":[]}",
                         "{\"scenes\":[{\"energy\":1,\"valence\":1}],\"quick\":{\"seed\":1},\"songs\":[]}", "[]", "nope"};
    int all_errors = 1;
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        j = parse_free(soundtrack_json(bad[q], &sp, cal, NULL, 0));
        if (!cJSON_IsString(cJSON_GetObjectItem(j, "error"))) { all_errors = 0; printf("# no error for %s\n", bad[q]); }
        cJSON_Delete(j);
    }
    CHECK(all_errors, "JSON: malformed requests get {\"error\"} with a message");
    j = parse_free(soundtrack_json("{\"scenes\":[{\"energy\":1,\"valence\":1}],\"songs\":[]}", &sp, NULL, NULL, 0));
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "error")), "JSON: no calibration is an error");
    cJSON_Delete(j);
}

/* Large pools stay linear (a library can hold 200,000 tracks); overflow is an error. */
static void large_and_overflow(void) {
    enum { T = 200000 };
    size_t cap = (size_t)T * 4 + 64;
    char *req = malloc(cap), *p = req;
    p += sprintf(p, "{\"seed\":7,\"size\":10000,\"max_rank\":%d,\"tracks\":[", T);
    for (int i = 0; i < T; i++) p += sprintf(p, i ? ",%d" : "%d", i % 100);
    strcpy(p, "]}");
    cJSON *j = parse_free(match_json_pool(req));
    free(req);
    cJSON *tr = cJSON_GetObjectItem(j, "tracks"), *ix = cJSON_GetObjectItem(j, "indices");
    int off = cJSON_IsNumber(cJSON_GetObjectItem(j, "offset")) ? (int)cJSON_GetObjectItem(j, "offset")->valuedouble : -1;
    CHECK(cJSON_GetArraySize(tr) == 10000 && cJSON_GetArraySize(ix) == 10000 && off >= 0 &&
          (int)cJSON_GetArrayItem(tr, 9999)->valuedouble == (off + 9999) % 100,
          "a pool of 10,000 from 200,000 tracks returns the right tracks (one walk, not one search per track)");
    cJSON_Delete(j);
    MatchSpace sp = space2();
    j = parse_free(match_json_topk("{\"songs\":[{\"energy\":1e30,\"valence\":1e30}],\"target\":{\"energy\":-1e30,\"valence\":-1e30},\"k\":1}", &sp));
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "error")) && strstr(cJSON_GetObjectItem(j, "error")->valuestring, "overflow"),
          "top-k with distances that overflow: an error, not \"distance\": null");
    cJSON_Delete(j);
}

/* 13 songs, already in percentile terms (the song table is the identity on
 * [0, 1]): one in the middle, 12 on a circle of radius 0.3 around it. */
static void circle_songs(float so[26]) {
    so[0] = so[1] = 0.5f;
    for (int k = 0; k < 12; k++) { so[2 + 2 * k] = 0.5f + 0.3f * (float)cos(k * M_PI / 6); so[3 + 2 * k] = 0.5f + 0.3f * (float)sin(k * M_PI / 6); }
}

/* Song prices: film moods crowd near the middle, one song sits there and
 * 12 on a circle around it. Without a reference the middle song is every
 * film's best; with the crowd as reference its price shares the films out. */
static void prices_share_the_films(const Calib *base) {
    MatchSpace sp = space2();
    Calib *cal = malloc(sizeof *cal);
    *cal = *base;
    float so[26];
    circle_songs(so);
    uint64_t st = 99;
    cal->n_ref = 1000;
    for (int r = 0; r < cal->n_ref; r++) {
        double a = (double)(match_rng_next(&st) >> 11) / 9007199254740992.0 * 2 * M_PI;
        double rad = 0.12 * (double)(match_rng_next(&st) >> 11) / 9007199254740992.0;
        cal->ref[r][0] = (float)(0.5 + rad * cos(a));
        cal->ref[r][1] = (float)(0.5 + rad * sin(a));
    }
    int with_ref[13] = {0}, without[13] = {0};
    char err[200] = "";
    SoundtrackOpts o = {.n_segments = 1, .quick = 0, .seed = 0, .avoid_offset = -1};
    for (int f = 0; f < 60; f++) {
        /* a one-scene film at a scene value whose percentile lands near the middle */
        double a = f * 2 * M_PI / 60, rad = 0.1;
        float pe = (float)(0.5 + rad * cos(a)), pv = (float)(0.5 + rad * sin(a));
        float sc[2] = {0.4f + 0.2f * pe, 0.4f + 0.2f * pv};   /* the segments table spans [0.4, 0.6] */
        Soundtrack *s = soundtrack_build(&sp, cal, sc, NULL, 1, so, 13, &o, err, sizeof err);
        if (s) with_ref[s->picks[0].song]++;
        soundtrack_free(s);
        Calib *bare = malloc(sizeof *bare);
        *bare = *cal;
        bare->n_ref = 0;
        s = soundtrack_build(&sp, bare, sc, NULL, 1, so, 13, &o, err, sizeof err);
        if (s) without[s->picks[0].song]++;
        soundtrack_free(s);
        free(bare);
    }
    int used = 0;
    for (int k = 0; k < 13; k++) used += with_ref[k] > 0;
    CHECK(without[0] == 60, "without prices the middle song is every film's best (a hub)");
    CHECK(with_ref[0] <= 15 && used >= 8, "with prices the films are shared out over the songs");
    free(cal);
}

/* How many slots of `films` 3-segment soundtracks (each film's segments at
 * one point on a circle of radius 0.2 in percentile terms) go to the middle
 * song of circle_songs. */
static int middle_song_slots(const MatchSpace *sp, const Calib *cal, const float *so, int films) {
    char err[200] = "";
    SoundtrackOpts o = {.n_segments = 3, .quick = 0, .seed = 0, .avoid_offset = -1};
    int middle = 0;
    for (int f = 0; f < films; f++) {
        double a = (f + 0.5) * 2 * M_PI / films;
        float sc[6];
        for (int g = 0; g < 3; g++) {
            sc[2 * g] = (float)(0.4 + 0.2 * (0.5 + 0.2 * cos(a)));
            sc[2 * g + 1] = (float)(0.4 + 0.2 * (0.5 + 0.2 * sin(a)));
        }
        Soundtrack *s = soundtrack_build(sp, cal, sc, NULL, 3, so, 13, &o, err, sizeof err);
        CHECK(s && s->n_picks == 3, "a 3-segment soundtrack is built");
        for (int g = 0; s && g < s->n_picks; g++) middle += s->picks[g].song == 0;
        soundtrack_free(s);
    }
    return middle;
}

/* Whole-soundtrack prices: 12 songs on a circle and one in the middle, and
 * 3-segment films whose segments sit at one point inside the circle. Every
 * segment's nearest song is on the circle, so prices balanced on loose
 * segment moods never charge the middle song, and it fills a slot in most
 * 3-song soundtracks; prices balanced on whole reference soundtracks
 * (one block of 3-segment films) give it about its share. */
static void prices_share_the_soundtracks(const Calib *base) {
    MatchSpace sp = space2();
    Calib *cal = malloc(sizeof *cal);
    *cal = *base;
    float so[26];
    circle_songs(so);
    uint64_t st = 7;
    cal->n_ref = 900;
    for (int r = 0; r < cal->n_ref; r += 3) {
        double a = (double)(match_rng_next(&st) >> 11) / 9007199254740992.0 * 2 * M_PI;
        for (int g = 0; g < 3; g++) {
            cal->ref[r + g][0] = (float)(0.5 + 0.2 * cos(a));
            cal->ref[r + g][1] = (float)(0.5 + 0.2 * sin(a));
        }
    }
    int middle[2], films = 60;
    for (int grouped = 0; grouped < 2; grouped++) {
        cal->n_ref_blocks = grouped;                       /* 0: loose moods */
        cal->ref_block_size[0] = 3;
        cal->ref_block_films[0] = cal->n_ref / 3;
        middle[grouped] = middle_song_slots(&sp, cal, so, films);
    }
    printf("# middle song: loose %d, grouped %d of %d\n", middle[0], middle[1], films);
    CHECK(middle[0] >= films / 2, "prices from loose segment moods leave the middle song in most soundtracks (a hub)");
    CHECK(middle[1] <= films * 3 / 13 * 3 / 2, "prices from whole soundtracks keep it near its share (3 of 13 songs per film)");
    /* prices belong to the reference too: the same library under another
     * calibration (its reference films all in the middle) gets prices of its
     * own, as if computed afresh (after another library evicted the cache) */
    Calib *other = malloc(sizeof *other);
    *other = *cal;
    for (int r = 0; r < other->n_ref; r++) other->ref[r][0] = other->ref[r][1] = 0.5f;
    int after_cal = middle_song_slots(&sp, other, so, films);
    float moved[26];
    memcpy(moved, so, sizeof moved);
    moved[2] += 0.01f;
    middle_song_slots(&sp, other, moved, 1);
    int fresh = middle_song_slots(&sp, other, so, films);
    printf("# middle song under the other reference: %d, afresh %d\n", after_cal, fresh);
    CHECK(after_cal == fresh && fresh != middle[1], "another calibration's reference does not reuse the last prices");
    free(other);
    free(cal);
}

/* A library prepared once for many films (soundtrack_library_init, what
 * ms_film_fit does) gives every film the soundtrack it gets from the songs
 * themselves: the same picks, distances, next best songs and quick picks,
 * with the songs priced against a reference of whole soundtracks. */
static int same_picks(const SoundtrackPick *a, const SoundtrackPick *b, int n) {
    for (int i = 0; i < n; i++)
        if (a[i].song != b[i].song || a[i].distance != b[i].distance || a[i].first != b[i].first ||
            a[i].last != b[i].last || memcmp(a[i].pct, b[i].pct, sizeof a[i].pct) || memcmp(a[i].song_pct, b[i].song_pct, sizeof a[i].song_pct))
            return 0;
    return 1;
}

static void prepared_library(const Calib *base) {
    MatchSpace sp = space2();
    Calib *cal = malloc(sizeof *cal);
    *cal = *base;
    uint64_t st = 11;
    cal->n_ref = 300;
    cal->n_ref_blocks = 1;
    cal->ref_block_size[0] = 3;
    cal->ref_block_films[0] = 100;
    for (int r = 0; r < cal->n_ref; r++)
        for (int j = 0; j < 2; j++) cal->ref[r][j] = (float)((match_rng_next(&st) >> 11) / 9007199254740992.0);
    enum { NS = 120, NF = 80 };
    float so[2 * NS], sc[2 * NF], w[NF];
    for (int i = 0; i < 2 * NS; i++) so[i] = i % 7 == 0 ? 0.5f : (float)((match_rng_next(&st) >> 11) / 9007199254740992.0);
    char err[200] = "", err2[200] = "";
    SoundtrackLibrary lib;
    CHECK(soundtrack_library_init(&lib, &sp, cal, so, NS, err, sizeof err) == 0, "a library is prepared once");
    int ok = 1, built = 0;
    for (int t = 0; t < 40 && ok; t++) {
        int n = 5 + (int)(match_rng_next(&st) % (NF - 5));
        for (int i = 0; i < 2 * n; i++) sc[i] = 0.4f + 0.2f * (float)((match_rng_next(&st) >> 11) / 9007199254740992.0);
        for (int i = 0; i < n; i++) w[i] = (float)(1 + match_rng_next(&st) % 30);
        SoundtrackOpts o = {.n_segments = 1 + t % 8, .quick = t % 5 == 4, .seed = (uint64_t)t, .avoid_offset = -1,
                            .lean = t % 2, .alternatives = t % 3 == 0 ? 2 : 0};
        Soundtrack *a = soundtrack_build(&sp, cal, sc, w, n, so, NS, &o, err, sizeof err);
        o.library = &lib;
        Soundtrack *b = soundtrack_build(&sp, cal, sc, w, n, so, NS, &o, err2, sizeof err2);
        if (!a || !b || a->n_picks != b->n_picks || a->n_alt != b->n_alt || !same_picks(a->picks, b->picks, a->n_picks) ||
            !same_picks(a->alts, b->alts, a->n_picks * a->n_alt) || memcmp(a->song_pct, b->song_pct, sizeof(float) * 2 * NS))
            ok = 0;
        built += a != NULL;
        soundtrack_free(a);
        soundtrack_free(b);
    }
    CHECK(ok && built == 40, "a prepared library gives each film the soundtrack its songs give it");
    SoundtrackOpts o = {.n_segments = 3, .avoid_offset = -1, .library = &lib};
    CHECK(!soundtrack_build(&sp, cal, sc, w, 20, so, NS - 1, &o, err, sizeof err) && strstr(err, "not these songs"),
          "a prepared library of other songs is refused");
    soundtrack_library_free(&lib);
    free(cal);
}

/* The songs' percentiles are kept for the next call with the same songs
 * (the Taste tab ranks the catalog in parts), but belong to the
 * calibration too: another table gets its own, as if worked out afresh. */
static void percentiles_belong_to_their_table(const Calib *base) {
    MatchSpace sp = space2();
    Calib *other = malloc(sizeof *other);
    *other = *base;
    for (int j = 0; j < 2; j++)
        for (int t = 0; t < CALIB_KNOTS; t++) other->songs.q[0][j][t] = 0.25f + 0.5f * t / (CALIB_KNOTS - 1);
    float so[20], moved[20], a[20], again[20], b[20], fresh[20];
    char err[200] = "";
    for (int i = 0; i < 20; i++) { so[i] = (float)i / 19; moved[i] = so[i] * 0.5f; }
    int rc = soundtrack_song_pcts(&sp, base, so, 10, a, err, sizeof err);
    rc |= soundtrack_song_pcts(&sp, base, so, 10, again, err, sizeof err);
    rc |= soundtrack_song_pcts(&sp, other, so, 10, b, err, sizeof err);
    rc |= soundtrack_song_pcts(&sp, other, moved, 10, fresh, err, sizeof err);   /* another library in between */
    rc |= soundtrack_song_pcts(&sp, other, so, 10, fresh, err, sizeof err);
    CHECK(rc == 0 && !memcmp(a, again, sizeof a), "the same songs get the same percentiles again");
    CHECK(memcmp(a, b, sizeof a) && !memcmp(b, fresh, sizeof b),
          "another calibration's song table does not reuse the last percentiles");
    free(other);
}

int main(void) {
    Calib *cal = calloc(1, sizeof *cal);
    make_calib(cal);
    segments_follow_the_film(cal);
    quick_and_prior(cal);
    arc_only_and_errors(cal);
    json_face(cal);
    prices_share_the_films(cal);
    prices_share_the_soundtracks(cal);
    large_and_overflow();
    prepared_library(cal);
    percentiles_belong_to_their_table(cal);
    free(cal);
    return check_summary();
}
