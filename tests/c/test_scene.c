/* test_scene.c — the scene parser: golden files, format rules, limits, fuzz.
 *
 * Golden files: tests/c/golden/scene/NAME.in is parsed with the file name
 * NAME as the format hint (so "x.fountain.in" is Fountain, "x.srt.in" SRT,
 * "x.txt.in" is detected from its content); the result must equal
 * NAME.expected byte for byte:
 *     line 1: {"format","title","year","lines","headings","warnings"}
 *     then one line per scene (scene_to_cjson with details and text)
 *     or a single {"error": "..."} line when the input is rejected.
 * Run with SCENE_GOLDEN_UPDATE=1 to (re)write the .expected files, then read
 * the diff before committing.
 *
 * Never reads ../shared/data (see tools/cmd_scenes for the real scripts).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>

#include "check.h"
#include "test_files.h"
#include "scene.h"

#define GOLDEN_DIR "tests/c/golden/scene"

/* The golden rendering of a parse. malloc'ed. */
static char *render(const char *text, size_t len, const char *hint) {
    SceneOpts o = scene_default_opts();
    o.filename = hint;
    char err[256] = "";
    ScriptScenes *ss = scene_parse(text, len, &o, err, sizeof err);
    cJSON *out = cJSON_CreateArray();
    if (!ss) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "error", err);
        cJSON_AddItemToArray(out, e);
    } else {
        cJSON *h = cJSON_CreateObject();
        cJSON_AddStringToObject(h, "format", scene_format_name(ss->format));
        cJSON_AddStringToObject(h, "title", ss->title);
        cJSON_AddNumberToObject(h, "year", ss->year);
        cJSON_AddNumberToObject(h, "lines", ss->n_lines);
        cJSON_AddNumberToObject(h, "headings", ss->n_headings);
        cJSON *w = cJSON_AddArrayToObject(h, "warnings");
        for (int i = 0; i < arrlen(ss->warnings); i++) cJSON_AddItemToArray(w, cJSON_CreateString(ss->warnings[i]));
        cJSON_AddItemToArray(out, h);
        for (int i = 0; i < ss->n_scenes; i++)
            cJSON_AddItemToArray(out, scene_to_cjson(&ss->scenes[i], SCENE_JSON_DETAILS | SCENE_JSON_TEXT));
        scene_free(ss);
    }
    /* one JSON value per line */
    char *acc = NULL;
    size_t n = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, out) {
        char *s = cJSON_PrintUnformatted(it);
        size_t k = strlen(s);
        acc = realloc(acc, n + k + 2);
        memcpy(acc + n, s, k);
        n += k;
        acc[n++] = '\n';
        acc[n] = 0;
        free(s);
    }
    cJSON_Delete(out);
    return acc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void golden_files(void) {
    DIR *d = opendir(GOLDEN_DIR);
    if (!d) { check_skip("golden scene files", GOLDEN_DIR " not found (run from the repository root)"); return; }
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t L = strlen(e->d_name);
        if (L > 3 && !strcmp(e->d_name + L - 3, ".in")) {
            char *s = malloc(L + 1);
            memcpy(s, e->d_name, L + 1);
            arrput(names, s);
        }
    }
    closedir(d);
    qsort(names, (size_t)arrlen(names), sizeof(char *), cmp_str);
    int update = getenv("SCENE_GOLDEN_UPDATE") != NULL;
    CHECK(arrlen(names) >= 9, "there are golden scene inputs (screenplays, subtitles, nasty inputs)");
    for (int i = 0; i < arrlen(names); i++) {
        char in[512], exp[512], hint[256], what[600];
        snprintf(in, sizeof in, GOLDEN_DIR "/%s", names[i]);
        snprintf(hint, sizeof hint, "%.*s", (int)(strlen(names[i]) - 3), names[i]);
        snprintf(exp, sizeof exp, GOLDEN_DIR "/%s.expected", hint);
        size_t len = 0, elen = 0;
        char *text = tf_read(in, &len);
        char *got = text ? render(text, len, hint) : NULL;
        if (update && got) {
            FILE *f = fopen(exp, "wb");
            if (f) { fputs(got, f); fclose(f); }
        }
        char *want = tf_read(exp, &elen);
        snprintf(what, sizeof what, "golden: %s parses to %s.expected", names[i], hint);
        if (got && want && strcmp(got, want)) {
            /* show the first differing line */
            const char *g = got, *w = want;
            while (*g && *g == *w) { g++; w++; }
            while (g > got && g[-1] != '\n') { g--; w--; }
            printf("# got:  %.300s\n# want: %.300s\n", g, w);
        }
        CHECK(got && want && !strcmp(got, want), what);
        free(text); free(got); free(want); free(names[i]);
    }
    arrfree(names);
}

static ScriptScenes *parse_str(const char *s, SceneFormat f) {
    SceneOpts o = scene_default_opts();
    o.format = f;
    return scene_parse(s, strlen(s), &o, NULL, 0);
}

static int has_char(const Scene *s, const char *name) {
    for (int i = 0; i < arrlen(s->characters); i++) if (!strcmp(s->characters[i], name)) return 1;
    return 0;
}

static void detection(void) {
    CHECK(scene_detect_format("1\n00:00:01,000 --> 00:00:02,000\nHi\n", 33, NULL) == SCENE_FMT_SRT, "detect: SRT by its timestamps");
    CHECK(scene_detect_format("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n", 35, NULL) == SCENE_FMT_VTT, "detect: WebVTT by its header");
    const char *ftn = "Title: X\nAuthor: Y\n\nINT. A - DAY\n\nHello.\n";
    CHECK(scene_detect_format(ftn, strlen(ftn), NULL) == SCENE_FMT_FOUNTAIN, "detect: Fountain by its title page");
    const char *ftn2 = ".FORCED HEADING\n\n[[a note]]\n\nAction.\n\n~lyric\n";
    CHECK(scene_detect_format(ftn2, strlen(ftn2), NULL) == SCENE_FMT_FOUNTAIN, "detect: Fountain by its syntax");
    const char *pl = "          INT. A - DAY\n\n          Action line.\n\n                         BOB\n                Hi.\n";
    CHECK(scene_detect_format(pl, strlen(pl), NULL) == SCENE_FMT_PLAIN, "detect: plain text by its indentation");
    CHECK(scene_detect_format("x", 1, "movie.srt") == SCENE_FMT_SRT, "detect: the .srt extension wins");
    CHECK(scene_detect_format("x", 1, "movie.FOUNTAIN") == SCENE_FMT_FOUNTAIN, "detect: extensions are case-insensitive");
    CHECK(scene_format_from_name("vtt") == SCENE_FMT_VTT && scene_format_from_name("nope") == -1, "format names parse");
    static const struct { const char *file; SceneFormat f; } by_content[] = {
        {"last_ferry.fountain.in", SCENE_FMT_FOUNTAIN}, {"last_ferry.txt.in", SCENE_FMT_PLAIN},
        {"harbour.srt.in", SCENE_FMT_SRT}, {"harbour.vtt.in", SCENE_FMT_VTT}};
    for (int i = 0; i < 4; i++) {
        char path[256], what[160];
        snprintf(path, sizeof path, GOLDEN_DIR "/%s", by_content[i].file);
        size_t len = 0;
        char *t = tf_read(path, &len);
        snprintf(what, sizeof what, "detect: %s is %s by its content alone", by_content[i].file, scene_format_name(by_content[i].f));
        CHECK(t && scene_detect_format(t, len, NULL) == by_content[i].f, what);
        free(t);
    }
}

static void fountain_rules(void) {
    ScriptScenes *ss = parse_str(
        "EXT. BRIDGE - DAY\n\nA car.\n\n"
        "int. lower case heading - night\n\nText.\n\n"
        "EST. CITY - DAWN\n\nSkyline.\n\n"
        "INT./EXT. CAR - MOVING - DAY #12A#\n\nDriving.\n\n"
        "INT/EXT HOUSE - DAY\n\nHouse.\n\n"
        ".FLASHBACK\n\nOld days.\n\n"
        "..not a heading\n\n"
        "INTO the night we go.\n", SCENE_FMT_FOUNTAIN);
    CHECK(ss && ss->n_scenes == 6, "fountain: INT, int, EST, INT./EXT, INT/EXT and forced '.' headings; '..' and INTO are not");
    if (ss && ss->n_scenes == 6) {
        CHECK_STR(ss->scenes[1].setting, "INT", "fountain: lower-case int. is a heading");
        CHECK_STR(ss->scenes[3].number, "12A", "fountain: #12A# is the scene number");
        CHECK_STR(ss->scenes[3].heading, "INT./EXT. CAR - MOVING - DAY", "fountain: the scene number leaves the heading");
        CHECK_STR(ss->scenes[3].location, "CAR - MOVING", "fountain: location keeps inner dashes");
        CHECK_STR(ss->scenes[3].time_of_day, "DAY", "fountain: time of day after the last dash");
        CHECK_STR(ss->scenes[4].setting, "INT/EXT", "fountain: INT/EXT setting");
        CHECK_STR(ss->scenes[5].heading, "FLASHBACK", "fountain: forced heading drops the dot");
        CHECK(strstr(ss->scenes[5].text, "not a heading") && strstr(ss->scenes[5].text, "INTO the night"), "fountain: '..' line and INTO line are action");
    }
    scene_free(ss);

    ss = parse_str("INT. ROOM - DAY\n\nBOB (V.O.)\n(whispering)\nHello *there*, **friend** _you_.\n\n"
                   "ALICE ^\nAnd \\*stars\\*.\n\n@McGregor\nHi.\n\n!LOUD ACTION LINE\n\nBOB\n\nCUT TO:\n\n"
                   "> BURN TO WHITE.\n\n>THE END<\n\n# Section\n\n= Synopsis line\n\n[[note\nover lines]]\n/* bone\nyard */\nAfter.\n",
                   SCENE_FMT_FOUNTAIN);
    CHECK(ss && ss->n_scenes == 1, "fountain: one scene");
    if (ss && ss->n_scenes == 1) {
        Scene *s = &ss->scenes[0];
        CHECK(has_char(s, "BOB") && has_char(s, "ALICE") && has_char(s, "McGregor"), "fountain: cues with extension, dual '^' and forced '@'");
        CHECK(arrlen(s->characters) == 3, "fountain: an all-caps line before a blank line is not a cue");
        CHECK_STR(s->dialogue, "Hello there, friend you.\nAnd *stars*.\nHi.", "fountain: dialogue without parentheticals, emphasis stripped, escapes kept");
        CHECK(strstr(s->action, "LOUD ACTION LINE") != NULL, "fountain: '!' forces action");
        CHECK(strstr(s->action, "THE END") != NULL, "fountain: centered text is action");
        CHECK(!strstr(s->text, "CUT TO") && !strstr(s->text, "BURN TO"), "fountain: transitions are not model text");
        CHECK(!strstr(s->text, "Section") && !strstr(s->text, "Synopsis"), "fountain: sections and synopses are not model text");
        CHECK(!strstr(s->text, "note") && !strstr(s->text, "bone") && strstr(s->text, "After."), "fountain: notes and boneyard removed across lines");
        CHECK(!strstr(s->text, "whispering") && !strstr(s->text, "V.O.") && !strstr(s->text, "ALICE"), "fountain: parentheticals and cue names are not model text");
        CHECK(s->end_line == 31, "fountain: line numbers survive multi-line notes and boneyard");
    }
    scene_free(ss);
}

static void plain_rules(void) {
    ScriptScenes *ss = parse_str(
        "12A   INT -- CABIN -- NIGHT (1946)      12A\n\n"
        "      Snow falls on the cabin roof and the fire is low and red.\n\n"
        "                         JOE\n"
        "               It&apos;s cold &amp; late.\n\n"
        "                                            23.\n"
        "      (CONTINUED)\n"
        "      CONTINUED: (2)\n\n"
        "                         JOE (CONT'D)\n"
        "               Still cold.\n"
        "                         (MORE)\n\n"
        "13    EXTERIOR   BARN  DAY                 13\n\n"
        "      The barn <b>door</b> swings open in the wind and bangs shut.\n\n"
        "                         ANN\n"
        "               Who's there?\n\n"
        "                         JOE\n"
        "               Me.\n\n"
        "                         ANN\n"
        "               Oh.\n\n"
        "                         JOE\n"
        "               Yes.\n\n"
        "      THE ROAD - LATER\n\n"
        "      Tracks in the snow lead away from the barn and into the hills.\n",
        SCENE_FMT_PLAIN);
    CHECK(ss && ss->n_scenes == 3, "plain: numbered headings, EXTERIOR, and a PLACE - TIME slug make three scenes");
    if (ss && ss->n_scenes == 3) {
        CHECK_STR(ss->scenes[0].number, "12A", "plain: leading scene number");
        CHECK_STR(ss->scenes[0].heading, "INT -- CABIN -- NIGHT (1946)", "plain: heading without the numbers");
        CHECK_STR(ss->scenes[0].location, "CABIN", "plain: location between -- separators");
        CHECK_STR(ss->scenes[0].time_of_day, "NIGHT", "plain: time without the (1946) note");
        CHECK_STR(ss->scenes[0].dialogue, "It's cold & late.\nStill cold.", "plain: entities decoded, CONTINUED/MORE/page numbers dropped");
        CHECK(arrlen(ss->scenes[0].characters) == 1, "plain: JOE (CONT'D) is JOE");
        CHECK_STR(ss->scenes[1].time_of_day, "DAY", "plain: 'BARN  DAY' splits on the double space");
        CHECK_STR(ss->scenes[1].setting, "EXT", "plain: EXTERIOR is EXT");
        CHECK(strstr(ss->scenes[1].action, "barn door swings") != NULL, "plain: stray HTML tags removed");
        CHECK_STR(ss->scenes[2].heading, "THE ROAD - LATER", "plain: a slug without INT/EXT");
        CHECK(ss->scenes[0].start_line == 1 && ss->scenes[1].start_line == 16, "plain: start lines");
    }
    scene_free(ss);
}

static void scraped_headings(void) {
    ScriptScenes *ss = parse_str(
        "INT. BEDROOM - NIGHTHilda is preparing for bed.\n\n"
        "EXT. DECK - DAYBLACK & WHITE . . .\n\n"
        "*12 INT. ATTIC - CONTINUOUS     12\n\nDust.\n\n"
        "19EXT. THEATER - 2006 - DAY\n\nSeats.\n\n"
        "VX8 INT. KITCHEN - LATER VX8\n\nPlates.\n\n"
        "INT. carriage/ hansom cab/ london streets - day.\n\nWheels.\n\n"
        "EXT. PLAYGROUND - DAY - FLASHBACK\n\nSwings.\n",
        SCENE_FMT_PLAIN);
    CHECK(ss && ss->n_scenes == 7, "scraped: glued, numbered, junk-prefixed and mixed-case headings are all headings");
    if (ss && ss->n_scenes == 7) {
        CHECK_STR(ss->scenes[0].heading, "INT. BEDROOM - NIGHT", "scraped: action glued after the time of day is cut off");
        CHECK_STR(ss->scenes[0].action, "Hilda is preparing for bed.", "scraped: the glued action stays in the scene");
        CHECK_STR(ss->scenes[1].time_of_day, "DAY", "scraped: a time word glued to the next word");
        CHECK_STR(ss->scenes[2].number, "12", "scraped: revision asterisk before the scene number");
        CHECK_STR(ss->scenes[3].number, "19", "scraped: number glued to EXT");
        CHECK_STR(ss->scenes[3].location, "THEATER - 2006", "scraped: location keeps the year part");
        CHECK_STR(ss->scenes[4].number, "VX8", "scraped: letter-prefixed scene numbers");
        CHECK_STR(ss->scenes[4].heading, "INT. KITCHEN - LATER", "scraped: both copies of the number leave the heading");
        CHECK_STR(ss->scenes[5].time_of_day, "day", "scraped: mixed-case heading after an upper-case keyword");
        CHECK_STR(ss->scenes[6].location, "PLAYGROUND", "scraped: the time of day may sit before the last dash");
    }
    scene_free(ss);
}

/* Other layouts found on the web; each script repeats a short exchange so
 * the file-level layout statistics see enough of it. */
static char *repeat(const char *unit, int times) {
    size_t k = strlen(unit);
    char *r = malloc(k * (size_t)times + 1);
    for (int i = 0; i < times; i++) memcpy(r + k * (size_t)i, unit, k);
    r[k * (size_t)times] = 0;
    return r;
}

static void speech_share(const char *unit, int times, const char *what) {
    char *t = repeat(unit, times);
    ScriptScenes *ss = parse_str(t, SCENE_FMT_PLAIN);
    int a = 0, d = 0, c = 1;
    for (int i = 0; ss && i < ss->n_scenes; i++) {
        a += ss->scenes[i].action_words;
        d += ss->scenes[i].dialogue_words;
        c &= has_char(&ss->scenes[i], "ANN") && has_char(&ss->scenes[i], "BOB");
    }
    /* per unit: 6 action words, 6 dialogue words */
    if (!(ss && ss->n_scenes == times && a == 6 * times && d == 6 * times && c)) printf("# %d scenes, %d action, %d dialogue words, chars %d\n", ss ? ss->n_scenes : -1, a, d, c);
    CHECK(ss && ss->n_scenes == times && a == 6 * times && d == 6 * times && c, what);
    scene_free(ss);
    free(t);
}

static void layouts(void) {
    speech_share("INT. HALL - DAY\n\nRain taps on the window glass.\n\nANN\n\nWhere were you?\n\nBOB\n\n(softly)\n\nOut. Walking. Alone.\n\n",
                 12, "layout: double-spaced text, blank line between cue and speech");
    speech_share("INT. HALL - DAY\nRain taps on the window glass.\nANN\nWhere were you?\nBOB\nOut. Walking. Alone.\n",
                 12, "layout: no blank lines, a cue line then one line of speech");
    speech_share("INT. HALL - DAY\n\nRain taps on the window glass.\n\nANN: Where were you?\n\nBOB: Out. Walking. Alone.\n\n",
                 12, "layout: transcript lines NAME: speech");
    speech_share("INT. HALL - DAY\n\nRain taps on the window glass.\n\n                    ANN\n\nWhere were you?\n\n"
                 "                    BOB\n          (softly)\nOut. Walking. Alone.\n\n",
                 12, "layout: only the cues indented, speech at the action indent");
}

static void subtitle_rules(void) {
    const char *srt =
        "1\n00:00:00,500 --> 00:00:01,000\nA\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nB\n\n"
        "3\n00:00:20,000 --> 00:00:21,000\nC\n\n"
        "4\n00:00:21,500 --> 00:00:22,000\nD\n\n"
        "5\n00:01:05,000 --> 00:01:06,000\nE\n";
    SceneOpts o = scene_default_opts();
    o.format = SCENE_FMT_SRT;
    ScriptScenes *ss = scene_parse(srt, strlen(srt), &o, NULL, 0);
    CHECK(ss && ss->n_scenes == 3, "srt: gaps of 8 s or more start scenes");
    if (ss && ss->n_scenes == 3) {
        CHECK_NEAR(ss->scenes[0].start, 0.5, 1e-9, "srt: scene start seconds");
        CHECK_NEAR(ss->scenes[1].end, 22.0, 1e-9, "srt: scene end seconds");
        CHECK_STR(ss->scenes[2].heading, "00:01:05.000 --> 00:01:06.000", "srt: heading is the time range");
    }
    scene_free(ss);
    o.sub_gap = 30;
    ss = scene_parse(srt, strlen(srt), &o, NULL, 0);
    CHECK(ss && ss->n_scenes == 2, "srt: a larger gap merges scenes");
    scene_free(ss);
    o.sub_window = 20;
    ss = scene_parse(srt, strlen(srt), &o, NULL, 0);
    CHECK(ss && ss->n_scenes == 3 && ss->scenes[1].start == 20.0, "srt: fixed 20 s windows");
    scene_free(ss);
    o.sub_window = 0; o.sub_gap = 1000; o.sub_max_scene = 10;
    ss = scene_parse(srt, strlen(srt), &o, NULL, 0);
    CHECK(ss && ss->n_scenes == 3, "srt: max scene length cuts long scenes");
    scene_free(ss);
    ss = parse_str("1\nnot a time\nhello\n", SCENE_FMT_SRT);
    CHECK(ss && ss->n_scenes == 0 && arrlen(ss->warnings) == 1, "srt: no cues gives a warning, not an error");
    scene_free(ss);
}

static void limits(void) {
    SceneOpts o = scene_default_opts();
    char err[256] = "";
    ScriptScenes *ss = scene_parse(NULL, 0, &o, err, sizeof err);
    CHECK(ss && ss->n_scenes == 0 && !err[0], "NULL text of length 0 is an empty script");
    scene_free(ss);
    ss = scene_parse(NULL, 0, NULL, NULL, 0);
    CHECK(ss != NULL, "NULL options mean defaults");
    scene_free(ss);

    /* max_bytes: cut at a line end with a warning */
    size_t n = 0;
    char *big = malloc(100000);
    for (int i = 0; n < 90000; i++) n += (size_t)snprintf(big + n, 100000 - n, "INT. ROOM %d - DAY\n\nAction %d.\n\n", i, i);
    o.max_bytes = 50000;
    ss = scene_parse(big, n, &o, NULL, 0);
    CHECK(ss && arrlen(ss->warnings) >= 1 && strstr(ss->warnings[0], "max_bytes"), "max_bytes: long input is cut with a warning");
    CHECK(ss && ss->n_scenes > 100 && ss->n_scenes < 2000, "max_bytes: the first part still parses");
    scene_free(ss);
    o = scene_default_opts();
    o.max_scenes = 10;
    ss = scene_parse(big, n, &o, NULL, 0);
    CHECK(ss && ss->n_scenes == 10, "max_scenes: at most max_scenes scenes");
    CHECK(ss && ss->n_scenes == 10 && strstr(ss->scenes[9].text, "Action 11.") != NULL, "max_scenes: the rest merges into the last");
    int warned = 0;
    for (int i = 0; ss && i < arrlen(ss->warnings); i++) warned |= strstr(ss->warnings[i], "max_scenes") != NULL;
    CHECK(warned, "max_scenes: merging is warned about once");
    scene_free(ss);
    free(big);

    /* NUL bytes: reject as binary */
    char bin[64] = "INT. A - DAY\n";
    ss = scene_parse(bin, sizeof bin, NULL, err, sizeof err);
    CHECK(!ss && strstr(err, "binary"), "NUL-padded input is rejected as binary with a message");
    /* one stray control byte is fine */
    const char *ctl = "INT. A - DAY\n\nA \x01 thing happens here and goes on for a while.\n";
    ss = scene_parse(ctl, strlen(ctl), NULL, NULL, 0);
    CHECK(ss && ss->n_scenes == 1 && arrlen(ss->warnings) == 1, "a stray control byte becomes a space, with a warning");
    scene_free(ss);

    /* JSON */
    ss = parse_str("INT. A \"QUOTED\" ROOM - DAY\n\nHe says \"hi\".\n", SCENE_FMT_AUTO);
    char *js = scenes_to_json(ss, SCENE_JSON_DETAILS);
    cJSON *j = js ? cJSON_Parse(js) : NULL;
    cJSON *scenes = j ? cJSON_GetObjectItem(j, "scenes") : NULL;
    CHECK(scenes && cJSON_GetArraySize(scenes) == 1, "scenes_to_json is valid JSON with the scenes");
    cJSON *h = scenes ? cJSON_GetObjectItem(cJSON_GetArrayItem(scenes, 0), "heading") : NULL;
    CHECK(h && cJSON_IsString(h) && !strcmp(h->valuestring, "INT. A \"QUOTED\" ROOM - DAY"), "scenes_to_json escapes quotes");
    cJSON_Delete(j);
    free(js);
    scene_free(ss);
    CHECK(scenes_to_json(NULL, 0) == NULL, "scenes_to_json(NULL) is NULL");
}

/* Deterministic fuzz: mutations of the golden inputs and random bytes, every
 * format forced; checks invariants (ranges ordered, counts consistent). */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return (uint32_t)(rng >> 16); }

static int invariants(const ScriptScenes *ss) {
    int prev_end = 0;
    for (int i = 0; i < ss->n_scenes; i++) {
        const Scene *s = &ss->scenes[i];
        if (s->index != i || s->start_line < 1 || s->end_line < s->start_line || s->end_line > ss->n_lines) return 0;
        if (s->start_line < prev_end && s->start < 0) return 0;
        if (!s->heading || !s->text || !s->action || !s->dialogue || s->words < 0) return 0;
        if (s->start >= 0 && s->end < s->start) return 0;
        prev_end = s->start_line;
    }
    return 1;
}

static void fuzz(void) {
    static const char *seeds[] = {"last_ferry.fountain.in", "last_ferry.txt.in", "harbour.srt.in", "harbour.vtt.in"};
    static const char *frag[] = {"\nINT. ", "\n.", "\n@", "\n~", "[[", "]]", "/*", "*/", "\n===\n", "-->", "00:00:01,000",
                                 "&#x10FFFF;", "&#0;", "<!--", "<b>", "\n\n", "\t\t\t\t", "(", ")", "^", "#1#", "\xff", "\xe2\x82"};
    int ok = 1, runs = 0;
    for (int s = 0; s < 4; s++) {
        char path[256];
        snprintf(path, sizeof path, GOLDEN_DIR "/%s", seeds[s]);
        size_t len = 0;
        char *base = tf_read(path, &len);
        if (!base) continue;
        for (int it = 0; it < 150; it++) {
            size_t cap = len + 400;
            char *b = malloc(cap);
            memcpy(b, base, len);
            size_t n = len;
            int muts = 1 + (int)(rnd() % 8);
            for (int k = 0; k < muts; k++) {
                size_t at = n ? rnd() % n : 0;
                int op = (int)(rnd() % 3);
                if (op == 0 && n) b[at] = (char)(rnd() & 0xff);
                else if (op == 1) {
                    const char *f = frag[rnd() % (sizeof frag / sizeof *frag)];
                    size_t fl = strlen(f);
                    if (n + fl < cap) { memmove(b + at + fl, b + at, n - at); memcpy(b + at, f, fl); n += fl; }
                } else if (n > 10) { size_t k2 = rnd() % 10; memmove(b + at, b + at + (at + k2 < n ? k2 : 0), n - at - (at + k2 < n ? k2 : 0)); n -= at + k2 < n ? k2 : 0; }
            }
            for (int f = 0; f <= SCENE_FMT_VTT; f++) {
                SceneOpts o = scene_default_opts();
                o.format = (SceneFormat)f;
                char err[256] = "";
                ScriptScenes *ss = scene_parse(b, n, &o, err, sizeof err);
                if (ss) { if (!invariants(ss)) ok = 0; char *js = scenes_to_json(ss, 3); if (!js) ok = 0; free(js); }
                else if (!err[0]) ok = 0;
                scene_free(ss);
                runs++;
            }
            free(b);
        }
        free(base);
    }
    for (int it = 0; it < 200; it++) {
        size_t n = rnd() % 2000;
        char *b = malloc(n + 1);
        for (size_t i = 0; i < n; i++) b[i] = (char)(it % 2 ? (rnd() % 96) + 32 : rnd() & 0xff);
        for (size_t i = 0; i < n; i++) if (rnd() % 20 == 0) b[i] = '\n';
        char err[256] = "";
        ScriptScenes *ss = scene_parse(b, n, NULL, err, sizeof err);
        if (ss && !invariants(ss)) ok = 0;
        if (!ss && !err[0]) ok = 0;
        scene_free(ss);
        free(b);
        runs++;
    }
    char what[128];
    snprintf(what, sizeof what, "fuzz: %d mutated and random inputs parse without crashing, invariants hold", runs);
    CHECK(ok, what);
}

int main(void) {
    golden_files();
    detection();
    fountain_rules();
    plain_rules();
    scraped_headings();
    layouts();
    subtitle_rules();
    limits();
    fuzz();
    return check_summary();
}
