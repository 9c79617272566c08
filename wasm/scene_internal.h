/* scene_internal.h — what the scene parser's files share (not engine API:
 * callers include scene.h).
 *
 *   scene.c            entry points, format detection, the screenplay
 *                      parser (Fountain and plain text), JSON
 *   scene_clean.c      input cleaning (UTF-8 repair, HTML, Fountain notes)
 *                      and splitting into lines
 *   scene_lines.c      the screenplay's line classifiers (scene_lines.h)
 *   scene_builder.c    the scene builder both parsers fill (scene_builder.h)
 *   scene_subtitles.c  the SubRip / WebVTT parser
 * The order they depend on each other, with no circle: scene_clean and
 * scene_lines (text only) <- scene_builder <- scene_subtitles <- scene.c.
 */
#ifndef MOODSPACE_SCENE_INTERNAL_H
#define MOODSPACE_SCENE_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "scene.h"

/* ---- ASCII text helpers (bytes >= 0x80 are in no class) ------------------ */

static inline int is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
static inline int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int is_alpha(int c) { return is_upper(c) || is_lower(c); }
static inline int to_upper(int c) { return is_lower(c) ? c - 32 : c; }

/* Case-insensitive prefix test. */
static inline int prefix_ci(const char *s, size_t n, const char *p) {
    size_t k = strlen(p);
    if (n < k) return 0;
    for (size_t i = 0; i < k; i++)
        if (to_upper((unsigned char)s[i]) != to_upper((unsigned char)p[i])) return 0;
    return 1;
}

/* Words: runs of letters, digits and non-ASCII characters. */
static inline int count_words(const char *s, size_t n) {
    int w = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int wc = is_alpha(c) || is_digit(c) || c >= 0x80;
        if (wc && !in) w++;
        if (!is_space(c)) { if (wc) in = 1; } else in = 0;
    }
    return w;
}

/* Counts ASCII upper- and lower-case letters; returns both together. */
static inline int letters_case(const char *s, size_t n, int *upper, int *lower) {
    *upper = *lower = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_upper((unsigned char)s[i])) (*upper)++;
        else if (is_lower((unsigned char)s[i])) (*lower)++;
    }
    return *upper + *lower;
}

/* ---- input cleaning and lines (scene_clean.c) ----------------------------- */

/* A copy of src[0..n) with invalid UTF-8 replaced by U+FFFD (one per bad
 * byte), a leading BOM dropped, control bytes turned into spaces (form feeds
 * into line breaks); *bad and *ctl count the repairs. NULL: out of memory. */
char *scene_repair_utf8(const char *src, size_t n, size_t *out_n, size_t *bad, size_t *ctl);

/* Strip HTML tags, comments, <script>/<style> bodies and entities in place,
 * keeping newlines. Returns how many were removed. */
size_t scene_strip_html(char *s, size_t *n_io);

/* Fountain: remove boneyard comments and [[notes]] in place, keeping newlines. */
void scene_strip_fountain_notes(char *s, size_t *n_io);

typedef struct {
    char *s;      /* trimmed text (points into the cleaned buffer) */
    int len;      /* bytes of trimmed text; 0 = blank */
    int indent;   /* columns before the text, tabs to multiples of 8 */
    int lineno;   /* 1-based */
} Line;

#define SCENE_MAX_LINES 2000000   /* lines read (a feature script has ~10k) */

/* Split buf[0..n) into lines in place (NUL-terminating each); an stb_ds
 * array. *cut is set when more than SCENE_MAX_LINES lines were left out. */
Line *scene_split_lines(char *buf, size_t n, int *cut);

/* ---- subtitles (scene_subtitles.c) ----------------------------------------- */

/* "01:02:03,456", "02:03.456", "1:02:03.4" at s → seconds in *out, bytes
 * read in *used. Returns 0 when s does not start with a timestamp. */
int scene_parse_timestamp(const char *s, size_t n, double *out, size_t *used);

/* Group subtitle cues into scenes (SceneOpts.sub_*). */
void scene_parse_subtitles(ScriptScenes *ss, Line *L, int nl, const SceneOpts *o);

#endif
