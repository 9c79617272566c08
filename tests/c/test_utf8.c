/* test_utf8.c — strings the engine cuts stay valid UTF-8 (answers are shown as they are):
 * utf8_cut itself, ms_seterr's truncation, and the Fountain title page.
 * The JSON entry points' messages are checked in test_explain.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "scene.h"
#include "utf8.h"

static int valid_utf8(const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        int k = utf8_char_len(s, n, i);
        if (!k) return 0;
        i += (size_t)k;
    }
    return 1;
}

static void test_cut_examples(void) {
    const char *e = "caf\xC3\xA9";   /* "café": é is 2 bytes */
    CHECK(utf8_cut(e, 5, 5) == 5, "a string that fits is kept whole");
    CHECK(utf8_cut(e, 5, 4) == 3, "a 2-byte character that does not fit is left out, not split");
    CHECK(utf8_cut(e, 5, 3) == 3, "a cut before a character keeps everything before it");
    CHECK(utf8_cut(e, 5, 0) == 0, "max 0 keeps nothing");
    const char *euro = "a\xE2\x82\xAC";   /* "a€": € is 3 bytes */
    CHECK(utf8_cut(euro, 4, 3) == 1 && utf8_cut(euro, 4, 2) == 1, "a 3-byte character is kept whole or not at all");
    const char *emoji = "ab\xF0\x9F\x8E\xB5";   /* "ab🎵": 4 bytes */
    CHECK(utf8_cut(emoji, 6, 5) == 2 && utf8_cut(emoji, 6, 3) == 2 && utf8_cut(emoji, 6, 6) == 6,
          "a 4-byte character is kept whole or not at all");
    CHECK(utf8_cut("ab\xC3", 3, 10) == 2, "an incomplete character already at the end is left out");
}

/* Every cut of a mixed string is valid and as long as it can be. */
static void test_cut_every_length(void) {
    const char *s = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\xB5z\xD0\x96\xE6\x97\xA5";   /* Aé€🎵zЖ日 */
    size_t n = strlen(s);
    int ok = 1;
    for (size_t max = 0; max <= n + 2; max++) {
        size_t k = utf8_cut(s, n, max);
        if (k > max || k > n || !valid_utf8(s, k)) ok = 0;
        if (k < n && k + (size_t)utf8_char_len(s, n, k) <= max) ok = 0;   /* the next character would have fit */
    }
    CHECK(ok, "utf8_cut at every length gives valid UTF-8 and leaves out only the character that does not fit");
}

static void test_seterr_cuts_on_characters(void) {
    char err[8];
    ms_seterr(err, sizeof err, "%s", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");   /* "éééé": 8 bytes, 7 fit */
    CHECK(valid_utf8(err, strlen(err)) && strlen(err) == 6, "ms_seterr cuts a long message on a character boundary");
    ms_seterr(err, sizeof err, "%s", "short");
    CHECK_STR(err, "short", "ms_seterr keeps a message that fits");
}

/* A Fountain title longer than the 255 bytes kept, with a 2-byte character
 * across the limit. */
static void test_fountain_title(void) {
    char text[600];
    size_t o = 0;
    o += (size_t)snprintf(text + o, sizeof text - o, "Title: ");
    for (int i = 0; i < 254; i++) text[o++] = 'A';
    o += (size_t)snprintf(text + o, sizeof text - o, "\xC3\xA9tude\nAuthor: Someone\n\nINT. ROOM - DAY\n\nA room.\n");
    SceneOpts so = scene_default_opts();
    so.format = SCENE_FMT_FOUNTAIN;
    ScriptScenes *ss = scene_parse(text, o, &so, NULL, 0);
    CHECK(ss != NULL, "a Fountain script with a long title parses");
    if (!ss) return;
    size_t tl = strlen(ss->title);
    CHECK(tl <= 255 && valid_utf8(ss->title, tl), "a Fountain title cut at 255 bytes is valid UTF-8");
    CHECK(tl == 254, "the title keeps every character that fits whole");
    scene_free(ss);
}

int main(void) {
    test_cut_examples();
    test_cut_every_length();
    test_seterr_cuts_on_characters();
    test_fountain_title();
    return check_summary();
}
