/* scene_subtitles.c — SubRip (.srt) and WebVTT (.vtt) files into scenes
 * (see scene.h): cues grouped by the silence between them (or by fixed
 * windows), tags dropped, <v Name> and "NAME:" speakers, bracketed sound
 * descriptions as action.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_builder.h"
#include "scene_internal.h"

/* "01:02:03,456", "02:03.456", "1:02:03.4" → seconds (scene_internal.h). */
int scene_parse_timestamp(const char *s, size_t n, double *out, size_t *used) {
    size_t i = 0;
    long part[3] = {0, 0, 0};
    int np = 0;
    while (np < 3) {
        size_t d0 = i;
        long v = 0;
        while (i < n && is_digit((unsigned char)s[i]) && i - d0 < 6) v = v * 10 + (s[i++] - '0');
        if (i == d0) return 0;
        part[np++] = v;
        if (i < n && s[i] == ':' && np < 3) { i++; continue; }
        break;
    }
    if (np < 2) return 0;
    double frac = 0;
    if (i < n && (s[i] == ',' || s[i] == '.')) {
        i++;
        double scale = 0.1;
        size_t d0 = i;
        while (i < n && is_digit((unsigned char)s[i]) && i - d0 < 6) { frac += (s[i++] - '0') * scale; scale /= 10; }
        if (i == d0) return 0;
    }
    double t = np == 3 ? part[0] * 3600.0 + part[1] * 60.0 + (double)part[2] : part[0] * 60.0 + (double)part[1];
    if ((np == 3 && (part[1] > 59 || part[2] > 59)) || (np == 2 && part[1] > 59)) return 0;
    *out = t + frac;
    *used = i;
    return 1;
}

static int parse_cue_times(const char *s, size_t n, double *a, double *b) {
    size_t u;
    if (!scene_parse_timestamp(s, n, a, &u)) return 0;
    size_t i = u;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (n - i < 3 || memcmp(s + i, "-->", 3) != 0) return 0;
    i += 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (!scene_parse_timestamp(s + i, n - i, b, &u)) return 0;
    if (*b < *a) *b = *a;
    return 1;
}

static void fmt_time(char *out, size_t cap, double t) {
    if (t < 0) t = 0;
    long ms = (long)(t * 1000.0 + 0.5);
    snprintf(out, cap, "%02ld:%02ld:%02ld.%03ld", ms / 3600000, (ms / 60000) % 60, (ms / 1000) % 60, ms % 1000);
}

static void set_sub_heading(Scene *c) {
    char a[32], b[32], buf[80];
    fmt_time(a, sizeof a, c->start);
    fmt_time(b, sizeof b, c->end);
    snprintf(buf, sizeof buf, "%s --> %s", a, b);
    free(c->heading);
    c->heading = scene_strdup(buf);
}

/* Clean one subtitle text line: drop tags ({\an8}, <i>, <c.x>), take <v Name>
 * and "NAME:" speakers, split bracketed sound descriptions into action. */
static void sub_line(Builder *B, char *s, size_t n, int lineno) {
    char name[64] = "";
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '<') {
            const char *e = memchr(s + i, '>', n - i);
            if (e) {
                if (i + 2 < n && (s[i + 1] == 'v' || s[i + 1] == 'V') && (s[i + 2] == ' ' || s[i + 2] == '.')) {
                    const char *p = memchr(s + i, ' ', (size_t)(e - (s + i)));
                    if (p) {
                        size_t k = (size_t)(e - p - 1);
                        if (k > 0 && k < sizeof name) { memcpy(name, p + 1, k); name[k] = 0; }
                    }
                }
                i = (size_t)(e - s) + 1;
                continue;
            }
        }
        if (s[i] == '{' && i + 1 < n && s[i + 1] == '\\') {
            const char *e = memchr(s + i, '}', n - i);
            if (e) { i = (size_t)(e - s) + 1; continue; }
        }
        s[o++] = s[i++];
    }
    n = o;
    size_t b = 0;
    while (b < n && (s[b] == ' ' || s[b] == '\t')) b++;
    if (b < n && s[b] == '-') flush_para(B);   /* "- line": a new speaker */
    while (b < n && (s[b] == ' ' || s[b] == '-' || s[b] == '\t')) b++;
    s += b; n -= b;
    while (n && s[n - 1] == ' ') n--;
    if (!n) return;
    /* "JOHN: text" */
    const char *colon = memchr(s, ':', n < 30 ? n : 30);
    if (colon && colon > s) {
        size_t k = (size_t)(colon - s);
        int up, lo;
        letters_case(s, k, &up, &lo);
        if (up >= 2 && !lo && k < sizeof name && count_words(s, k) <= 3) {
            memcpy(name, s, k);
            name[k] = 0;
            s += k + 1; n -= k + 1;
            while (n && *s == ' ') { s++; n--; }
        }
    }
    if (name[0]) {
        char *p = name;
        while (*p == ' ') p++;
        for (char *q = p; *q; q++) *q = (char)to_upper((unsigned char)*q);
        if (*p) add_character(B, p);
    }
    /* bracketed parts are sound/action descriptions */
    size_t i = 0;
    while (i < n) {
        if (s[i] == '[' || s[i] == '(') {
            char close = s[i] == '[' ? ']' : ')';
            const char *e = memchr(s + i, close, n - i);
            if (e) {
                size_t a0 = i + 1, a1 = (size_t)(e - s);
                if (a1 > a0) { flush_para(B); add_content(B, PARA_ACTION, s + a0, a1 - a0, lineno); flush_para(B); }
                i = a1 + 1;
                continue;
            }
        }
        size_t j = i;
        while (j < n && s[j] != '[' && s[j] != '(') j++;
        size_t a = i, e = j;
        while (a < e && s[a] == ' ') a++;
        while (e > a && s[e - 1] == ' ') e--;
        if (e > a) add_content(B, PARA_DIALOGUE, s + a, e - a, lineno);
        if (j == i) j++;
        i = j;
    }
}

void scene_parse_subtitles(ScriptScenes *ss, Line *L, int nl, const SceneOpts *o) {
    Builder B;
    memset(&B, 0, sizeof B);
    B.ss = ss;
    B.o = o;
    double prev_end = -1;
    long window = -1;
    int cues = 0;
    for (int i = 0; i < nl; i++) {
        if (!L[i].len) continue;
        double a, b;
        if (!parse_cue_times(L[i].s, (size_t)L[i].len, &a, &b)) {
            /* VTT blocks we skip entirely: NOTE, STYLE, REGION, the header */
            if (prefix_ci(L[i].s, (size_t)L[i].len, "NOTE") || prefix_ci(L[i].s, (size_t)L[i].len, "STYLE") ||
                prefix_ci(L[i].s, (size_t)L[i].len, "REGION") || prefix_ci(L[i].s, (size_t)L[i].len, "WEBVTT")) {
                while (i + 1 < nl && L[i + 1].len) i++;
            }
            continue;   /* cue numbers and identifiers */
        }
        int newscene;
        if (!B.open) newscene = 1;
        else if (o->sub_window > 0) newscene = (long)(a / o->sub_window) != window;
        else newscene = (a - prev_end >= o->sub_gap) ||
                        (o->sub_max_scene > 0 && a - B.cur.start >= o->sub_max_scene) || a < B.cur.start;
        if (newscene) {
            if (B.open) set_sub_heading(&B.cur);
            if (open_scene(&B, NULL, L[i].lineno)) {
                B.cur.start = a;
                B.cur.end = b;
                window = o->sub_window > 0 ? (long)(a / o->sub_window) : -1;
            }
        }
        if (b > B.cur.end) B.cur.end = b;
        if (L[i].lineno > B.cur.end_line) B.cur.end_line = L[i].lineno;
        prev_end = b > prev_end ? b : prev_end;
        if (a < prev_end && newscene) prev_end = b;
        cues++;
        int j = i + 1;
        for (; j < nl && L[j].len; j++) {
            double x, y;
            if (parse_cue_times(L[j].s, (size_t)L[j].len, &x, &y)) break;
            sub_line(&B, L[j].s, (size_t)L[j].len, L[j].lineno);
        }
        flush_para(&B);
        i = j - 1;
    }
    if (B.open) set_sub_heading(&B.cur);
    close_scene(&B);
    if (!cues && nl) scene_warn(ss, "no subtitle cues (\"00:00:01,000 --> 00:00:02,000\") found");
    builder_free(&B);
}
