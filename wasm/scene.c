/* scene.c — screenplay / subtitle scene segmentation (see scene.h).
 *
 * Pipeline: cut to max_bytes → reject binary → repair UTF-8 → detect format →
 * strip HTML (tags, comments, entities) → Fountain: drop boneyard and notes →
 * split lines (indent measured with 8-column tabs) → one of two parsers:
 * screenplay (Fountain, or plain text laid out by indentation; here) or
 * subtitles (scene_subtitles.c). The cleaning steps are in scene_clean.c;
 * every one keeps newlines, so line numbers refer to the input.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>

#include "err.h"
#include "scene_internal.h"
#include "utf8.h"

/* ---- small helpers -------------------------------------------------------- */

static char *xstrndup(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *scene_strdup(const char *s) { return xstrndup(s, strlen(s)); }

void scene_warn(ScriptScenes *ss, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *m = scene_strdup(buf);
    if (m) arrput(ss->warnings, m);
}

/* A warning that may arise many times, given once. */
static void warn_once(ScriptScenes *ss, const char *msg) {
    for (int i = 0; i < arrlen(ss->warnings); i++) if (!strcmp(ss->warnings[i], msg)) return;
    scene_warn(ss, "%s", msg);
}

static void str_add(Str *s, const char *p, size_t n) {
    if (!n) return;
    if (arrlen(s->a) && s->a[arrlen(s->a) - 1] == 0) arrsetlen(s->a, arrlen(s->a) - 1);
    memcpy(arraddnptr(s->a, n), p, n);
    arrput(s->a, 0);
}
static void str_addc(Str *s, char c) { str_add(s, &c, 1); }
static size_t str_len(const Str *s) { return arrlen(s->a) ? (size_t)arrlen(s->a) - 1 : 0; }
static char *str_take(Str *s) {   /* malloc'ed copy, then reset */
    char *r = xstrndup(s->a ? s->a : "", str_len(s));
    arrfree(s->a);
    s->a = NULL;
    return r;
}

static int has_sub(const char *s, size_t n, const char *sub) {
    size_t k = strlen(sub);
    for (size_t i = 0; i + k <= n; i++) if (memcmp(s + i, sub, k) == 0) return 1;
    return 0;
}

/* ---- options -------------------------------------------------------------- */

SceneOpts scene_default_opts(void) {
    SceneOpts o;
    memset(&o, 0, sizeof o);
    o.format = SCENE_FMT_AUTO;
    o.filename = NULL;
    o.max_bytes = (size_t)32 << 20;
    o.max_scenes = 20000;
    o.sub_gap = 8.0;
    o.sub_window = 0.0;
    o.sub_max_scene = 240.0;
    o.min_int_ext = 8;
    o.keep_preamble = 1;
    return o;
}

const char *scene_format_name(SceneFormat f) {
    switch (f) {
    case SCENE_FMT_FOUNTAIN: return "fountain";
    case SCENE_FMT_PLAIN: return "plain";
    case SCENE_FMT_SRT: return "srt";
    case SCENE_FMT_VTT: return "vtt";
    default: return "auto";
    }
}

int scene_format_from_name(const char *name) {
    if (!name) return -1;
    if (!strcmp(name, "auto")) return SCENE_FMT_AUTO;
    if (!strcmp(name, "fountain") || !strcmp(name, "spmd")) return SCENE_FMT_FOUNTAIN;
    if (!strcmp(name, "plain") || !strcmp(name, "txt") || !strcmp(name, "text")) return SCENE_FMT_PLAIN;
    if (!strcmp(name, "srt")) return SCENE_FMT_SRT;
    if (!strcmp(name, "vtt") || !strcmp(name, "webvtt")) return SCENE_FMT_VTT;
    return -1;
}

/* ---- format detection ----------------------------------------------------- */

static int ext_is(const char *fn, const char *ext) {
    if (!fn) return 0;
    size_t a = strlen(fn), b = strlen(ext);
    return a > b && prefix_ci(fn + a - b, b, ext) && fn[a - b - 1] == '.';
}

SceneFormat scene_detect_format(const char *text, size_t len, const char *filename) {
    if (ext_is(filename, "srt")) return SCENE_FMT_SRT;
    if (ext_is(filename, "vtt")) return SCENE_FMT_VTT;
    if (ext_is(filename, "fountain") || ext_is(filename, "spmd")) return SCENE_FMT_FOUNTAIN;
    if (!text) return SCENE_FMT_PLAIN;
    size_t i = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB) i = 3;
    while (i < len && is_space((unsigned char)text[i])) i++;
    if (len - i >= 6 && memcmp(text + i, "WEBVTT", 6) == 0) return SCENE_FMT_VTT;
    /* look at the first 64 KiB line by line */
    size_t lim = len < ((size_t)64 << 10) ? len : ((size_t)64 << 10);
    int arrows = 0, nonblank = 0, indented = 0, deep = 0, fountainish = 0, lineno = 0, titlekey = 0;
    size_t p = 0;
    while (p < lim) {
        size_t e = p;
        while (e < lim && text[e] != '\n') e++;
        size_t b = p;
        int col = 0;
        while (b < e && (text[b] == ' ' || text[b] == '\t')) { col = text[b] == '\t' ? (col / 8 + 1) * 8 : col + 1; b++; }
        size_t t = e;
        while (t > b && is_space((unsigned char)text[t - 1])) t--;
        if (t > b) {
            nonblank++;
            lineno++;
            const char *s = text + b;
            size_t n = t - b;
            double ts;
            size_t used;
            if (scene_parse_timestamp(s, n, &ts, &used)) {
                const char *a = s + used;
                size_t rest = n - used;
                while (rest && *a == ' ') { a++; rest--; }
                if (rest >= 3 && memcmp(a, "-->", 3) == 0) arrows++;
            }
            if (col >= 4) indented++;
            if (col >= 20) deep++;
            if (lineno <= 3 && (prefix_ci(s, n, "title:") || prefix_ci(s, n, "credit:") || prefix_ci(s, n, "author:") || prefix_ci(s, n, "draft date:")))
                titlekey = 1;
            if ((n > 2 && s[0] == '.' && is_alpha((unsigned char)s[1]) && is_upper((unsigned char)s[1])) ||
                (n > 3 && s[0] == '[' && s[1] == '[') || (n >= 2 && s[0] == '/' && s[1] == '*') ||
                (n >= 3 && s[0] == '=' && s[1] == '=' && s[2] == '=') || (n > 1 && s[0] == '#' && s[1] == ' ') ||
                (n > 1 && s[0] == '@' && is_alpha((unsigned char)s[1])) || (n > 1 && s[0] == '~') ||
                (n > 2 && s[0] == '>' && s[n - 1] == '<'))
                fountainish++;
        }
        p = e + 1;
    }
    if (arrows >= 1 && arrows * 8 >= nonblank / 2) return SCENE_FMT_SRT;
    if (titlekey) return SCENE_FMT_FOUNTAIN;
    /* indentation layout: a real share of lines indented deeply */
    if (deep * 10 >= nonblank || indented * 3 >= nonblank) return SCENE_FMT_PLAIN;
    if (fountainish >= 2 || (fountainish >= 1 && nonblank < 200)) return SCENE_FMT_FOUNTAIN;
    return SCENE_FMT_PLAIN;
}

/* ---- screenplay line classification --------------------------------------- */

static const char *const TIME_WORDS[] = {
    "DAY", "NIGHT", "MORNING", "AFTERNOON", "EVENING", "DAWN", "DUSK", "SUNSET", "SUNRISE",
    "TWILIGHT", "NOON", "MIDNIGHT", "LATER", "CONTINUOUS", "SAME", "MAGIC HOUR", "PRE-DAWN",
    "DAYBREAK", "NIGHTFALL", "LATE NIGHT", "EARLY MORNING", "MOMENTS LATER", "SAME TIME",
    "DAYTIME", "NIGHTTIME", "MINUTES LATER", "CONT'D", "CONT", NULL
};

/* Does s[0..n) contain a time-of-day word as a whole (upper-case) word? */
static int has_time_word(const char *s, size_t n) {
    for (int k = 0; TIME_WORDS[k]; k++) {
        size_t L = strlen(TIME_WORDS[k]);
        for (size_t i = 0; i + L <= n; i++) {
            if (!prefix_ci(s + i, L, TIME_WORDS[k])) continue;
            int lb = i == 0 || !is_alpha((unsigned char)s[i - 1]);
            int rb = i + L == n || !is_alpha((unsigned char)s[i + L]);
            if (lb && rb) return 1;
        }
    }
    return 0;
}

/* A leading scene number: "12", "12A", "A12", "12.", "(12)", followed by
 * whitespace. Returns bytes to skip (number + spaces) or 0; copies it. */
static size_t leading_number(const char *s, size_t n, char *num, size_t cap) {
    size_t i = 0, d0;
    if (i < n && s[i] == '(') i++;
    d0 = i;
    /* letter prefixes of revised scene numbers: "A12", "VX8", "RS22" */
    while (i < n && i - d0 < 3 && is_upper((unsigned char)s[i])) i++;
    if (i > d0 && (i >= n || !is_digit((unsigned char)s[i]))) i = d0;
    size_t dstart = i;
    while (i < n && is_digit((unsigned char)s[i]) && i - dstart < 5) i++;
    if (i == dstart) return 0;
    if (i + 1 < n && s[i] == '.' && is_digit((unsigned char)s[i + 1])) {   /* "1.01" */
        i++;
        while (i < n && is_digit((unsigned char)s[i]) && i - dstart < 9) i++;
    }
    size_t dend = i;
    if (n - i >= 4 && (memcmp(s + i, "INT", 3) == 0 || memcmp(s + i, "EXT", 3) == 0 || memcmp(s + i, "I/E", 3) == 0)) {
        /* "19EXT. ROAD": number glued to the keyword */
        size_t k = dend - d0 < cap - 1 ? dend - d0 : cap - 1;
        memcpy(num, s + d0, k);
        num[k] = 0;
        return i;
    }
    while (i < n && is_upper((unsigned char)s[i]) && i - dend < 2) i++;
    size_t nend = i;
    if (i < n && (s[i] == '.' || s[i] == ')' || s[i] == ':')) i++;
    if (i >= n || !(s[i] == ' ' || s[i] == '\t')) return 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t k = nend - d0 < cap - 1 ? nend - d0 : cap - 1;
    memcpy(num, s + d0, k);
    num[k] = 0;
    return i;
}

/* Trailing scene number separated by spaces: "... DAY    12A". Returns the
 * new length or n; copies it when num is empty. */
static size_t trailing_number(const char *s, size_t n, char *num, size_t cap) {
    size_t e = n;
    if (e && s[e - 1] == '.') e--;
    size_t j = e;
    while (j > 0 && (is_upper((unsigned char)s[j - 1]) || is_digit((unsigned char)s[j - 1])) && e - j < 6) j--;
    if (j == e || j == 0) return n;
    int dig = 0;
    for (size_t k = j; k < e; k++) dig += is_digit((unsigned char)s[k]);
    size_t lj = j;   /* "A1", "VX8": up to 3 letters before the digits */
    while (lj < e && lj - j < 3 && is_upper((unsigned char)s[lj])) lj++;
    if (!dig || !is_digit((unsigned char)s[lj])) return n;
    size_t sp = j;
    while (sp > 0 && (s[sp - 1] == ' ' || s[sp - 1] == '\t')) sp--;
    if (sp == j) return n;
    int wide = (j - sp >= 2) || s[j - 1] == '\t';
    if (!wide && !(num[0] && e - j == strlen(num) && memcmp(s + j, num, e - j) == 0)) return n;
    if (!num[0]) {
        size_t k = e - j < cap - 1 ? e - j : cap - 1;
        memcpy(num, s + j, k);
        num[k] = 0;
    }
    return sp;
}

static const struct { const char *kw; const char *setting; } KEYWORDS[] = {
    {"INT./EXT.", "INT/EXT"}, {"INT./EXT", "INT/EXT"}, {"INT/EXT.", "INT/EXT"}, {"INT/EXT", "INT/EXT"},
    {"INT.-EXT.", "INT/EXT"}, {"INT-EXT", "INT/EXT"}, {"INT./", "INT/EXT"},
    {"EXT./INT.", "INT/EXT"}, {"EXT./INT", "INT/EXT"}, {"EXT/INT.", "INT/EXT"}, {"EXT/INT", "INT/EXT"},
    {"I/E.", "INT/EXT"}, {"I/E", "INT/EXT"}, {"E/I", "INT/EXT"},
    {"INTERIOR", "INT"}, {"EXTERIOR", "EXT"}, {"INT.", "INT"}, {"EXT.", "EXT"}, {"EST.", "EXT"},
    {"INT", "INT"}, {"EXT", "EXT"}, {"EST", "EXT"}, {NULL, NULL}
};

/* Match a heading keyword at s. case_ci: accept any case. Returns keyword
 * length (0: none) and the setting. */
static size_t heading_keyword(const char *s, size_t n, int case_ci, const char **setting) {
    for (int k = 0; KEYWORDS[k].kw; k++) {
        const char *kw = KEYWORDS[k].kw;
        size_t L = strlen(kw);
        if (n < L) continue;
        if (case_ci ? !prefix_ci(s, n, kw) : memcmp(s, kw, L) != 0) continue;
        int last_dot = kw[L - 1] == '.' || kw[L - 1] == '/';
        if (L < n) {
            unsigned char c = (unsigned char)s[L];
            if (last_dot) { if (is_alpha(c) && !(c == 'E' || c == 'I')) { /* "INT.HOUSE" */ } }
            else if (!(c == ' ' || c == '\t' || c == '.' || c == ':' || c == '-' || c == '/' || c == ',' || c == ';')) continue;
            if (!last_dot && c == '/' ) continue; /* INT/... handled by longer keywords */
        } else if (!last_dot && L < 4) {
            continue; /* a bare "INT" line is not a heading */
        }
        *setting = KEYWORDS[k].setting;
        return L;
    }
    return 0;
}

struct Heading {
    char number[16];
    char heading[256];
    char location[160];
    char time[64];
    const char *setting;
    size_t rest;          /* > 0: action text glued to the heading starts here */
};

static void copy_trim(char *dst, size_t cap, const char *s, size_t n) {
    while (n && (is_space((unsigned char)*s) || *s == '-' || *s == '.' || *s == ':' || *s == ',' || *s == '/')) { s++; n--; }
    while (n && (is_space((unsigned char)s[n - 1]) || s[n - 1] == '-' || s[n - 1] == ':' || s[n - 1] == ',' || s[n - 1] == '/' || s[n - 1] == '.')) n--;
    n = utf8_cut(s, n, cap - 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {   /* whitespace runs become one space */
        char c = s[i] == '\t' ? ' ' : s[i];
        if (c == ' ' && o && dst[o - 1] == ' ') continue;
        dst[o++] = c;
    }
    dst[o] = 0;
}

/* Split a heading body "CABIN - NIGHT (1946)" into location and time. */
static void heading_split(Heading *h, const char *b, size_t n) {
    static const char *const seps[] = {" -- ", "--", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " -", "- ", NULL};
    /* separator positions, left to right (at most 32) */
    size_t pos[33], len[33];
    int ns = 0;
    for (size_t i = 0; i < n && ns < 32;) {
        size_t L = 0;
        for (int k = 0; seps[k]; k++) {
            size_t l = strlen(seps[k]);
            if (i + l <= n && memcmp(b + i, seps[k], l) == 0) { L = l; break; }
        }
        if (L) { pos[ns] = i; len[ns] = L; ns++; i += L; }
        else i++;
    }
    h->location[0] = h->time[0] = 0;
    /* the last segment holding a time word is the time of day:
       "PLAYGROUND - DAY - FLASHBACK", "CABIN -- NIGHT (1946)" */
    for (int j = ns - 1; j >= 0; j--) {
        size_t t0 = pos[j] + len[j], t1 = j + 1 < ns ? pos[j + 1] : n;
        if (!has_time_word(b + t0, t1 - t0)) continue;
        copy_trim(h->location, sizeof h->location, b, pos[j]);
        copy_trim(h->time, sizeof h->time, b + t0, t1 - t0);
        /* "NIGHT (1946)" keeps the note in the heading only */
        char *par = strchr(h->time, '(');
        if (par && par > h->time) { *par = 0; copy_trim(h->time, sizeof h->time, h->time, strlen(h->time)); }
        if (h->location[0]) return;
        h->time[0] = 0;
        break;
    }
    /* "SKY-DAY": a bare dash before a time of day */
    for (size_t i = n; i-- > 1;) {
        if (b[i] != '-') continue;
        if (has_time_word(b + i + 1, n - i - 1) && count_words(b + i + 1, n - i - 1) <= 2 && is_alpha((unsigned char)b[i + 1 < n ? i + 1 : i])) {
            copy_trim(h->location, sizeof h->location, b, i);
            copy_trim(h->time, sizeof h->time, b + i + 1, n - i - 1);
            if (h->location[0]) return;
            h->time[0] = 0;
        }
        break;
    }
    /* "BARTON'S ROOM  DAY", "BATHROOM. MINUTES LATER", "HALL, NIGHT" */
    for (size_t i = n; i-- > 1;) {
        if ((b[i] == ' ' && b[i - 1] == ' ') || ((b[i - 1] == '.' || b[i - 1] == ',') && b[i] == ' ')) {
            if (has_time_word(b + i, n - i) && count_words(b + i, n - i) <= 3) {
                copy_trim(h->location, sizeof h->location, b, i);
                copy_trim(h->time, sizeof h->time, b + i, n - i);
                return;
            }
            break;
        }
    }
    copy_trim(h->location, sizeof h->location, b, n);
}

/* Recognise a scene heading line. mode: 0 plain (upper-case keyword), 1
 * Fountain (any case). Fills h. */
static int parse_heading(const char *s, size_t n, int fountain, Heading *h) {
    if (n == 0 || n > (fountain ? 200u : 4000u)) return 0;
    memset(h, 0, sizeof *h);
    const char *p = s;
    size_t m = n;
    if (!fountain) {   /* OCR / revision junk before a heading: "*12 INT.", "~*0 EXT.", "\xC2\xB7> EXT." */
        while (m > 1 && (*p == '*' || *p == '~' || *p == '>' || *p == '+' || *p == '.' || *p == '-' || (m > 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xB7))) {
            size_t step = (unsigned char)p[0] == 0xC2 ? 2 : 1;
            p += step; m -= step;
        }
        while (m && *p == ' ') { p++; m--; }
    }
    size_t k = leading_number(p, m, h->number, sizeof h->number);
    p += k; m -= k;
    if (fountain && !k) {  /* Fountain scene number "#12A#" at the end */
        if (m > 2 && p[m - 1] == '#') {
            const char *q = memchr(p, '#', m - 1);
            if (q && q > p && q[-1] == ' ') {
                copy_trim(h->number, sizeof h->number, q + 1, (size_t)(p + m - 1 - (q + 1)));
                m = (size_t)(q - p);
            }
        }
    }
    const char *setting = NULL;
    size_t kl = heading_keyword(p, m, fountain, &setting);
    if (!kl) {
        /* plain: title-case "Int. " / "Ext. " */
        if (!fountain && m > 5 && (prefix_ci(p, m, "int. ") || prefix_ci(p, m, "ext. ")) && m <= 90) kl = 4, setting = to_upper((unsigned char)p[0]) == 'I' ? "INT" : "EXT";
        else return 0;
    }
    if (!fountain) {
        /* a time word glued to the next word after a dash: "- DAYBLACK & WHITE",
           "- MORNINGCLOSE ON ..." (scrapers that drop line breaks) */
        static const char *const CORE[] = {"DAY", "NIGHT", "MORNING", "EVENING", "AFTERNOON", "DAWN", "DUSK",
                                           "LATER", "CONTINUOUS", "SUNSET", "SUNRISE", NULL};
        static const char *const WHOLE[] = {"DAYTIME", "DAYLIGHT", "DAYBREAK", "NIGHTTIME", "NIGHTFALL",
                                            "MORNINGS", "EVENINGS", "DAYS", "NIGHTS", "DAWNING", NULL};
        size_t lim = m < 160 ? m : 160;
        for (size_t i = kl; i + 3 < lim; i++) {
            if (!(p[i] == '-' && p[i + 1] == ' ')) continue;
            size_t b = i + 2, e = b;
            while (e < m && is_upper((unsigned char)p[e])) e++;
            int whole = 0;
            for (int q = 0; WHOLE[q]; q++) if (strlen(WHOLE[q]) == e - b && memcmp(p + b, WHOLE[q], e - b) == 0) whole = 1;
            if (whole) continue;
            for (int q = 0; CORE[q]; q++) {
                size_t L = strlen(CORE[q]);
                if (e - b > L + 1 && memcmp(p + b, CORE[q], L) == 0) {
                    h->rest = (size_t)(p - s) + b + L;
                    m = b + L;
                    break;
                }
            }
            if (h->rest) break;
        }
    }
    if (!fountain) {
        /* scraped lines sometimes glue action to the heading:
           "INT. BEDROOM - NIGHTHilda is preparing", "... - DAY CAMERA CRASHES out" */
        size_t fl = 0;
        while (fl < m && !is_lower((unsigned char)p[fl])) fl++;
        if (fl < m && fl > kl + 3) {
            size_t w = fl;
            while (w > 0 && is_alpha((unsigned char)p[w - 1])) w--;
            if (fl >= 2 && w < fl - 1 && is_upper((unsigned char)p[fl - 1]) && is_upper((unsigned char)p[fl - 2])) w = fl - 1;
            /* end of the last time word before w */
            size_t cut = 0;
            for (size_t e = w; e > kl; e--) {
                size_t b = e;
                while (b > 0 && (is_upper((unsigned char)p[b - 1]) || p[b - 1] == '-')) b--;
                if (b < e && has_time_word(p + b, e - b)) { cut = e; break; }
                if (e - b > 0) e = b + 1;
            }
            if (cut) {
                h->rest = (size_t)(p - s) + cut;
                m = cut;
            }
        }
        while (h->rest && h->rest < n && s[h->rest] == ' ') h->rest++;
        int up, lo;
        letters_case(p, m, &up, &lo);
        /* mixed-case headings after an upper-case keyword, when short and
           built like one: "INT. carriage/ HAnsom cab/ london streets - day." */
        int shaped = m <= 100 && count_words(p, m) <= 14 &&
                     (has_sub(p, m, " - ") || has_sub(p, m, "--") || memchr(p, '/', m)) &&
                     !(p[m - 1] == '!' || p[m - 1] == '?' || p[m - 1] == ',' || p[m - 1] == '"');
        if ((lo > up && !(shaped && is_upper((unsigned char)p[0]))) || m > 120) { h->rest = 0; return 0; }
    }
    m = trailing_number(p, m, h->number, sizeof h->number);
    h->setting = setting;
    copy_trim(h->heading, sizeof h->heading, p, m);
    heading_split(h, p + kl, m - kl);
    return 1;
}

/* Layout-only heading (scripts with few INT/EXT): an all-caps slug line with a
 * time-of-day word, or "SCENE 12 - ...". */
static int parse_slug(const char *s, size_t n, Heading *h) {
    if (n < 3 || n > 70) return 0;
    int up, lo;
    letters_case(s, n, &up, &lo);
    if (lo || up < 3) return 0;
    if (s[n - 1] == ':' || s[0] == '(' || s[0] == '"' || s[0] == '\'' || s[n - 1] == '!' || s[n - 1] == '?') return 0;
    memset(h, 0, sizeof *h);
    const char *p = s;
    size_t m = n;
    size_t k = leading_number(p, m, h->number, sizeof h->number);
    p += k; m -= k;
    int scene = prefix_ci(p, m, "SCENE ");
    if (!scene && !has_time_word(p, m)) return 0;
    if (!scene && count_words(p, m) > 8) return 0;
    m = trailing_number(p, m, h->number, sizeof h->number);
    h->setting = "";
    copy_trim(h->heading, sizeof h->heading, p, m);
    heading_split(h, p, m);
    return 1;
}

/* Strong slug line, accepted in any script: all caps "PLACE - TIME" whose
 * last part holds only time-of-day words ("HOSPITAL - DAY (1963)",
 * "GARRISON'S STUDY - MOMENTS LATER"). */
static int parse_strong_slug(const char *s, size_t n, Heading *h) {
    if (n < 7 || n > 90) return 0;
    int up, lo;
    letters_case(s, n, &up, &lo);
    if (lo || up < 5 || s[n - 1] == ':' || s[0] == '(' || s[0] == '"') return 0;
    const char *sep = NULL;
    size_t sl = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == '-' && s[i + 1] == '-') { sep = s + i; sl = 2; i++; }
        else if (s[i] == '-' && s[i - 1] == ' ' && s[i + 1] == ' ') { sep = s + i; sl = 1; }
    }
    if (!sep) return 0;
    const char *t = sep + sl;
    size_t tn = (size_t)(s + n - t);
    static const char *const OK[] = {"DAY", "NIGHT", "MORNING", "AFTERNOON", "EVENING", "DAWN", "DUSK",
        "SUNSET", "SUNRISE", "TWILIGHT", "NOON", "MIDNIGHT", "LATER", "CONTINUOUS", "SAME", "MAGIC",
        "HOUR", "PRE-DAWN", "DAYBREAK", "NIGHTFALL", "LATE", "EARLY", "MOMENTS", "MINUTES", "HOURS",
        "FEW", "A", "NEXT", "THE", "TIME", "FOLLOWING", "CONT'D", "CONT", "DAYS", "WEEKS", "YEARS",
        "MONTHS", "AFTER", "BEFORE", "SOON", "PRESENT", "FLASHBACK", "DAYTIME", "NIGHTTIME", NULL};
    int core = 0, other = 0;
    size_t i = 0;
    while (i < tn) {
        unsigned char c = (unsigned char)t[i];
        if (c == '(') { const char *e = memchr(t + i, ')', tn - i); if (!e) return 0; i = (size_t)(e - t) + 1; continue; }
        if (c == ' ' || c == '.' || c == ',' || c == '-' || c == '/' || c == '\t') { i++; continue; }
        size_t j = i;
        while (j < tn && !(t[j] == ' ' || t[j] == '.' || t[j] == ',' || t[j] == '(' || t[j] == '/' || t[j] == '\t')) j++;
        int ok = 0;
        for (int k = 0; OK[k]; k++) if (strlen(OK[k]) == j - i && memcmp(OK[k], t + i, j - i) == 0) { ok = 1; break; }
        if (!ok && ++other > 2) return 0;   /* "THAT NIGHT", "2 DAYS LATER", "ANOTHER NIGHT" */
        if (ok && has_time_word(t + i, j - i)) core = 1;
        i = j;
    }
    if (!core) return 0;
    memset(h, 0, sizeof *h);
    const char *p = s;
    size_t m = n;
    size_t k = leading_number(p, m, h->number, sizeof h->number);
    p += k; m -= k;
    if (count_words(p, (size_t)(sep - p)) > 10) return 0;
    m = trailing_number(p, m, h->number, sizeof h->number);
    h->setting = "";
    copy_trim(h->heading, sizeof h->heading, p, m);
    heading_split(h, p, m);
    return 1;
}

/* Letters-only upper-case form of a short line, for furniture tests. */
static void letters_only(const char *s, size_t n, char *out, size_t cap) {
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        if (is_alpha((unsigned char)s[i])) out[o++] = (char)to_upper((unsigned char)s[i]);
    out[o] = 0;
}

/* Page furniture in scraped scripts: page numbers, CONTINUED, (MORE), OMITTED. */
static int is_furniture(const char *s, size_t n) {
    if (n == 0) return 0;
    if (n <= 40) {
        char L[48];
        letters_only(s, n, L, sizeof L);
        static const char *const F[] = {"CONTINUED", "CONTD", "CONT", "MORE", "CONTINUEDCONTINUED",
                                        "OMITTED", "OMIT", "CONTINUEDMORE", "MORECONTINUED", "CONTINUING", NULL};
        for (int k = 0; F[k]; k++) if (!strcmp(L, F[k])) return 1;
        if (!L[0] || (L[0] && strlen(L) <= 2 && !is_alpha((unsigned char)s[0]))) {
            /* "12.", "- 12 -", "(12)", "12A" : page or scene numbers alone */
            int dig = 0, other = 0;
            for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (is_digit(c)) dig++;
                else if (!(c == '.' || c == '-' || c == ' ' || c == '(' || c == ')' || c == '*' || c == '\t' || is_upper(c))) other++;
            }
            if (dig && dig <= 4 && !other) return 1;
            if (!dig && !other && !L[0]) return 1; /* "* * *", "----" */
        }
        if (prefix_ci(s, n, "page ") && n < 14) return 1;
    }
    return 0;
}

/* Transitions: "CUT TO:", "FADE OUT.", "DISSOLVE TO:", "FADE IN:", "THE END". */
static int is_transition(const char *s, size_t n) {
    if (n == 0 || n > 40) return 0;
    int up, lo;
    letters_case(s, n, &up, &lo);
    if (lo || !up) return 0;
    if (s[n - 1] == ':') return 1;
    if (n >= 3 && (memcmp(s + n - 3, "TO.", 3) == 0)) return 1;
    static const char *const T[] = {"FADE IN", "FADE OUT", "FADE TO BLACK", "CUT TO BLACK", "THE END",
                                    "SMASH CUT", "FADE UP", "IRIS OUT", "END CREDITS", "BLACKOUT", "FADE OUT.", NULL};
    for (int k = 0; T[k]; k++) if (prefix_ci(s, n, T[k]) && n <= strlen(T[k]) + 2) return 1;
    return 0;
}

static const char *const NOT_CUES[] = {
    "CONTINUED", "THE END", "FADE IN", "FADE OUT", "CUT TO", "MORE", "OMITTED", "INTERCUT",
    "BACK TO SCENE", "CONT'D", "END", "SUPER", "TITLE", "FLASHBACK", "END FLASHBACK", "ANGLE ON",
    "CLOSE ON", "CLOSE UP", "CLOSEUP", "POV", "INSERT", "BACK TO", "LATER", "MONTAGE", "WIDE SHOT",
    "THE NEXT DAY", "BLACKNESS", "BLACK", "DARKNESS", "SILENCE", "CREDITS", "MAIN TITLES", "TITLES",
    "FREEZE FRAME", "SERIES OF SHOTS", "END MONTAGE", "SPLIT SCREEN", "AERIAL SHOT", "ESTABLISHING", NULL
};

/* Character cue: an all-caps name (letters before any "(" are upper case),
 * with optional extensions "(V.O.)", "(CONT'D)", a leading '@' (forced) and
 * a trailing '^' (dual). Writes the bare name. */
static int parse_cue(const char *s, size_t n, int forced, char *name, size_t cap) {
    if (n == 0 || n > 60) return 0;
    if (forced && s[0] == '@') { s++; n--; }
    if (n && s[n - 1] == '^') { n--; while (n && s[n - 1] == ' ') n--; }
    size_t e = 0;
    int up = 0, lo = 0, bad = 0;
    while (e < n && s[e] != '(') {
        unsigned char c = (unsigned char)s[e];
        if (is_upper(c)) up++;
        else if (is_lower(c)) lo++;
        else if (!(is_digit(c) || c == ' ' || c == '.' || c == '\'' || c == '-' || c == '&' || c == '/' ||
                   c == ',' || c == '#' || c >= 0x80 || c == '\t')) bad++;
        e++;
    }
    if (bad || (!forced && (lo || up < 2))) return 0;
    if (!forced && !up) return 0;
    if (e < n) {   /* extensions must close */
        const char *close = memchr(s + e, ')', n - e);
        if (!close) return 0;
    }
    size_t k = e;
    while (k && (s[k - 1] == ' ' || s[k - 1] == '\t')) k--;
    /* "JOHN CONT'D" / "JOHN (CONT'D)" */
    if (k > 7 && prefix_ci(s + k - 6, 6, "CONT'D")) { k -= 6; while (k && s[k - 1] == ' ') k--; }
    if (k == 0 || k >= cap || count_words(s, k) > 5) return 0;
    if (s[k - 1] == ':' || s[k - 1] == ',' || s[k - 1] == '-') return 0;
    memcpy(name, s, k);
    name[k] = 0;
    if (!forced) {
        for (int i = 0; NOT_CUES[i]; i++) if (!strcmp(name, NOT_CUES[i])) return 0;
        if (is_digit((unsigned char)name[0])) return 0;
    }
    if (!forced) for (size_t i = 0; i < k; i++) name[i] = (char)to_upper((unsigned char)name[i]);
    return 1;
}

/* "NAME: speech" on one line (scripts typed as transcripts). Returns the
 * offset of the speech, or 0; writes the name. */
static size_t inline_cue(const char *s, size_t n, char *name, size_t cap) {
    const char *c = memchr(s, ':', n < 40 ? n : 40);
    if (!c || c == s) return 0;
    size_t k = (size_t)(c - s), r = k + 1;
    while (r < n && s[r] == ' ') r++;
    if (r >= n || r == k + 1) return 0;    /* needs ": " and some speech */
    if (!parse_cue(s, k, 0, name, cap)) return 0;
    return r;
}

/* ---- scene building ------------------------------------------------------- */

void flush_para(Builder *B) {
    if (B->para_kind == PARA_NONE) return;
    size_t n = str_len(&B->para);
    if (n) {
        Str *dst = B->para_kind == PARA_ACTION ? &B->action : &B->dialogue;
        if (str_len(dst)) str_addc(dst, '\n');
        str_add(dst, B->para.a, n);
        if (str_len(&B->text)) str_addc(&B->text, '\n');
        str_add(&B->text, B->para.a, n);
    }
    arrfree(B->para.a);
    B->para.a = NULL;
    B->para_kind = PARA_NONE;
}

void add_content(Builder *B, ParaKind kind, const char *s, size_t n, int lineno) {
    if (!n) return;
    if (B->para_kind != kind) flush_para(B);
    B->para_kind = kind;
    if (str_len(&B->para)) str_addc(&B->para, ' ');
    str_add(&B->para, s, n);
    if (lineno > B->cur.end_line) B->cur.end_line = lineno;
}

void add_character(Builder *B, const char *name) {
    for (int i = 0; i < arrlen(B->cur.characters); i++)
        if (!strcmp(B->cur.characters[i], name)) return;
    if (arrlen(B->cur.characters) >= 200) return;
    char *c = scene_strdup(name);
    if (c) arrput(B->cur.characters, c);
}

void builder_free(Builder *B) {
    arrfree(B->text.a); arrfree(B->action.a); arrfree(B->dialogue.a); arrfree(B->para.a);
}

static void scene_clear(Scene *s) {
    free(s->heading); free(s->number); free(s->location); free(s->time_of_day); free(s->setting);
    for (int i = 0; i < arrlen(s->characters); i++) free(s->characters[i]);
    arrfree(s->characters);
    free(s->action); free(s->dialogue); free(s->text);
    memset(s, 0, sizeof *s);
}

static const char TOO_MANY_SCENES[] = "more scenes than max_scenes: the rest were merged into the last scene";

/* Close the open scene and append it (or merge when over max_scenes). */
void close_scene(Builder *B) {
    if (!B->open) return;
    flush_para(B);
    Scene *c = &B->cur;
    c->action = str_take(&B->action);
    c->dialogue = str_take(&B->dialogue);
    c->text = str_take(&B->text);
    c->words = c->text ? count_words(c->text, strlen(c->text)) : 0;
    c->action_words = c->action ? count_words(c->action, strlen(c->action)) : 0;
    c->dialogue_words = c->dialogue ? count_words(c->dialogue, strlen(c->dialogue)) : 0;
    if (!c->heading) c->heading = scene_strdup("");
    if (!c->number) c->number = scene_strdup("");
    if (!c->location) c->location = scene_strdup("");
    if (!c->time_of_day) c->time_of_day = scene_strdup("");
    if (!c->setting) c->setting = scene_strdup("");
    if (c->end_line < c->start_line) c->end_line = c->start_line;
    ScriptScenes *ss = B->ss;
    if (ss->n_scenes >= B->o->max_scenes && ss->n_scenes > 0) {
        /* merge into the last scene */
        Scene *last = &ss->scenes[ss->n_scenes - 1];
        Str t = {0}, a = {0}, d = {0};
        str_add(&t, last->text, strlen(last->text)); if (c->text[0]) { str_addc(&t, '\n'); str_add(&t, c->text, strlen(c->text)); }
        str_add(&a, last->action, strlen(last->action)); if (c->action[0]) { str_addc(&a, '\n'); str_add(&a, c->action, strlen(c->action)); }
        str_add(&d, last->dialogue, strlen(last->dialogue)); if (c->dialogue[0]) { str_addc(&d, '\n'); str_add(&d, c->dialogue, strlen(c->dialogue)); }
        free(last->text); free(last->action); free(last->dialogue);
        last->text = str_take(&t); last->action = str_take(&a); last->dialogue = str_take(&d);
        last->words += c->words; last->action_words += c->action_words; last->dialogue_words += c->dialogue_words;
        if (c->end_line > last->end_line) last->end_line = c->end_line;
        if (c->end > last->end) last->end = c->end;
        for (int i = 0; i < arrlen(c->characters); i++) {
            int dup = 0;
            for (int j = 0; j < arrlen(last->characters); j++) if (!strcmp(last->characters[j], c->characters[i])) { dup = 1; break; }
            if (!dup && arrlen(last->characters) < 200) { arrput(last->characters, c->characters[i]); c->characters[i] = NULL; }
        }
        scene_clear(c);
        warn_once(ss, TOO_MANY_SCENES);
    } else {
        c->index = ss->n_scenes;
        arrput(ss->scenes, *c);
        ss->n_scenes++;
        memset(c, 0, sizeof *c);
    }
    B->open = 0;
}

/* Start a new scene (closing the open one). At max_scenes the open scene
 * simply goes on (returns 0): the rest of the script merges into it, in
 * linear time. */
int open_scene(Builder *B, const Heading *h, int lineno) {
    if (B->open && B->ss->n_scenes + 1 >= B->o->max_scenes) {
        warn_once(B->ss, TOO_MANY_SCENES);
        return 0;
    }
    close_scene(B);
    memset(&B->cur, 0, sizeof B->cur);
    B->cur.start = B->cur.end = -1;
    B->cur.start_line = B->cur.end_line = lineno;
    if (h) {
        B->cur.heading = scene_strdup(h->heading);
        B->cur.number = scene_strdup(h->number);
        B->cur.location = scene_strdup(h->location);
        B->cur.time_of_day = scene_strdup(h->time);
        B->cur.setting = scene_strdup(h->setting ? h->setting : "");
    }
    B->open = 1;
    return 1;
}

/* Strip Fountain emphasis (*, _) and escapes in place; returns new length. */
static size_t strip_emphasis(char *s, size_t n) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '_')) { s[o++] = s[++i]; continue; }
        if (s[i] == '*' || s[i] == '_') continue;
        s[o++] = s[i];
    }
    return o;
}

/* Year 1900..2099 as a whole number in s, or 0. */
static int find_year(const char *s, size_t n) {
    for (size_t i = 0; i + 4 <= n; i++) {
        if ((s[i] == '1' && s[i + 1] == '9') || (s[i] == '2' && s[i + 1] == '0')) {
            if (is_digit((unsigned char)s[i + 2]) && is_digit((unsigned char)s[i + 3]) &&
                (i == 0 || !is_digit((unsigned char)s[i - 1]) ) && (i + 4 == n || !is_digit((unsigned char)s[i + 4]))) {
                int y = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
                if (y >= 1900 && y <= 2099) return y;
            }
        }
    }
    return 0;
}

/* The text before the first heading: kept as scene 0 only when it holds real
 * dialogue (a title page has centred all-caps lines that look like cues). */
static void end_preamble(Builder *B) {
    close_scene(B);
    ScriptScenes *ss = B->ss;
    if (ss->n_scenes != 1) return;
    Scene *p = &ss->scenes[0];
    int keep = B->o->keep_preamble && p->dialogue_words >= 25 && arrlen(p->characters) >= 2;
    if (!keep) {
        scene_clear(p);
        arrdel(ss->scenes, 0);
        ss->n_scenes = 0;
    }
}

/* ---- screenplay: title page and layout ------------------------------------ */

/* A title-page value as the script's title, emphasis stripped. */
static void set_title(ScriptScenes *ss, const char *v, size_t vn) {
    char tmp[256];
    size_t k = utf8_cut(v, vn, sizeof tmp - 1);
    memcpy(tmp, v, k);
    k = strip_emphasis(tmp, k);
    tmp[k] = 0;
    free(ss->title);
    ss->title = scene_strdup(tmp);
}

/* Fountain title page: "Key: value" lines (values may go on, indented, on
 * the next lines) up to the first blank line. Sets the title and year;
 * returns the first line after the title page (0 when there is none). */
static int read_title_page(ScriptScenes *ss, const Line *L, int nl) {
    int i = 0;
    while (i < nl && !L[i].len) i++;
    if (i == nl || L[i].indent != 0) return 0;
    const char *c = memchr(L[i].s, ':', (size_t)L[i].len);
    if (!c || c == L[i].s || c - L[i].s >= 20) return 0;
    int key_title = 0;   /* the current key is "Title" */
    for (; i < nl && L[i].len; i++) {
        const char *v = L[i].s;
        size_t vn = (size_t)L[i].len;
        const char *colon = memchr(v, ':', vn);
        if (L[i].indent == 0 && colon && colon - v < 24) {   /* a new key */
            key_title = prefix_ci(v, vn, "title:");
            vn -= (size_t)(colon + 1 - v);
            v = colon + 1;
            while (vn && *v == ' ') { v++; vn--; }
        }
        if (key_title && vn && !ss->title[0]) set_title(ss, v, vn);
        if (!ss->year) ss->year = find_year(v, vn);
    }
    return i;
}

typedef enum {
    LAYOUT_FOUNTAIN,   /* Fountain markup */
    LAYOUT_INDENTED,   /* plain text: indentation tells action, cues and dialogue apart */
    LAYOUT_FLAT,       /* plain text without a usable indentation */
} LayoutKind;

/* How a screenplay is laid out, measured once before its lines are read. */
typedef struct {
    LayoutKind kind;
    int use_slug;          /* few INT/EXT headings: also accept layout-only slug lines */
    /* indented: the usual indents; dialogue_indent is -1 when speech sits at
       the action's indent (only the cues are indented) */
    int action_indent, cue_indent, dialogue_indent;
    /* flat */
    int double_spaced;     /* a cue, a blank line, then the speech */
    int compact;           /* (almost) no blank lines: a cue, then one line of speech */
    int inline_names;      /* a transcript: "NAME: speech" lines */
} Layout;

enum { MAX_INDENT = 128 };   /* indents measured (deeper ones count as this) */

static int mode_of(const int *hist, int n, int lo) {
    int best = -1, bc = 0;
    for (int i = lo; i < n; i++) if (hist[i] > bc) { bc = hist[i]; best = i; }
    return best;
}

static int count_int_ext(const Line *L, int nl, int first, int fountain) {
    int n = 0;
    Heading h;
    for (int i = first; i < nl; i++)
        if (L[i].len && parse_heading(L[i].s, (size_t)L[i].len, fountain, &h)) n++;
    return n;
}

/* Plain text: the action indent (the commonest indent of long lines), then
 * the commonest indents of cues and of the lines after them. Returns 1 when
 * enough indented cues make the layout usable. */
static int measure_indents(const Line *L, int nl, int first, Layout *lay) {
    int hist_long[MAX_INDENT] = {0}, hist_all[MAX_INDENT] = {0};
    int hist_cue[MAX_INDENT] = {0}, hist_dlg[MAX_INDENT] = {0};
    for (int i = first; i < nl; i++) {
        if (!L[i].len) continue;
        int ind = L[i].indent < MAX_INDENT ? L[i].indent : MAX_INDENT - 1;
        hist_all[ind]++;
        if (L[i].len >= 45) hist_long[ind]++;
    }
    int A = mode_of(hist_long, MAX_INDENT, 0);
    if (A < 0) A = mode_of(hist_all, MAX_INDENT, 0);
    if (A < 0) A = 0;
    lay->action_indent = A;
    char name[64];
    int cues = 0;
    for (int i = first; i < nl; i++) {
        if (!L[i].len || L[i].indent < A + 8 || L[i].indent >= MAX_INDENT) continue;
        if (is_transition(L[i].s, (size_t)L[i].len) || is_furniture(L[i].s, (size_t)L[i].len)) continue;
        if (!parse_cue(L[i].s, (size_t)L[i].len, 0, name, sizeof name)) continue;
        hist_cue[L[i].indent]++;
        cues++;
        for (int j = i + 1; j < nl && j <= i + 2; j++) {
            if (!L[j].len) continue;
            if (L[j].s[0] != '(' && L[j].indent < MAX_INDENT) hist_dlg[L[j].indent]++;
            break;
        }
    }
    int C = mode_of(hist_cue, MAX_INDENT, 0);
    if (C < 0 || cues < 5) return 0;
    int D = mode_of(hist_dlg, MAX_INDENT, 0);
    if (D >= C || D < 0 || D <= A + 2) D = -1;
    lay->cue_indent = C;
    lay->dialogue_indent = D;
    return 1;
}

/* Flat text: how speech follows a cue. */
static void measure_flat(const Line *L, int nl, int first, Layout *lay) {
    char name[64];
    /* all-caps name lines followed by a blank line and text, against those
       followed by text at once */
    int gap = 0, tight = 0;
    for (int i = first + 1; i + 2 < nl; i++) {
        if (!L[i].len || L[i - 1].len || !parse_cue(L[i].s, (size_t)L[i].len, 0, name, sizeof name)) continue;
        if (is_transition(L[i].s, (size_t)L[i].len) || is_furniture(L[i].s, (size_t)L[i].len)) continue;
        if (L[i + 1].len) tight++;
        else if (L[i + 2].len) gap++;
    }
    lay->double_spaced = gap >= 10 && gap >= 3 * tight;
    int blanks = 0, nonblank = 0, inl = 0;
    for (int i = first; i < nl; i++) {
        if (!L[i].len) { blanks++; continue; }
        nonblank++;
        if (inline_cue(L[i].s, (size_t)L[i].len, name, sizeof name)) inl++;
    }
    lay->compact = nonblank > 50 && blanks * 10 < nonblank;
    lay->inline_names = inl >= 20;
}

static Layout detect_layout(const Line *L, int nl, int first, int fountain, const SceneOpts *o) {
    Layout lay;
    memset(&lay, 0, sizeof lay);
    lay.cue_indent = lay.dialogue_indent = -1;
    lay.use_slug = count_int_ext(L, nl, first, fountain) < o->min_int_ext;
    if (fountain) lay.kind = LAYOUT_FOUNTAIN;
    else if (measure_indents(L, nl, first, &lay)) lay.kind = LAYOUT_INDENTED;
    else {
        lay.kind = LAYOUT_FLAT;
        measure_flat(L, nl, first, &lay);
    }
    return lay;
}

/* ---- screenplay: lines ------------------------------------------------------ */

/* What the line loop knows, shared by the three layouts' line handlers. */
typedef struct {
    Builder B;
    Layout lay;
    const Line *L;
    int nl;
    int preamble;          /* still before the first heading */
    int pre_year_lines;    /* preamble lines searched for a year */
    int prev_blank;        /* the line before was blank */
    int was_blank, next_blank;   /* around the current line */
    int in_dlg;            /* inside a speech */
    int in_paren;          /* inside a multi-line parenthetical */
    int dlg_pending;       /* a cue waits for its speech (after a blank line or a parenthetical) */
} ScreenplayParse;

/* A heading or slug line: close the scene (or the preamble), start the next. */
static void start_scene(ScreenplayParse *P, const Heading *h, int lineno) {
    if (P->preamble) end_preamble(&P->B);
    open_scene(&P->B, h, lineno);
    P->B.ss->n_headings++;
    P->preamble = 0;
    P->in_paren = 0;
}

/* A scene heading ends any speech; action glued to it is the scene's first line. */
static void heading_scene(ScreenplayParse *P, const Heading *h, const char *s, size_t n, int lineno) {
    start_scene(P, h, lineno);
    P->in_dlg = 0;
    if (h->rest && h->rest < n) add_content(&P->B, PARA_ACTION, s + h->rest, n - h->rest, lineno);
}

/* A layout-only heading: a slug line (when the script has few INT/EXT
 * headings and the line stands alone) or a strong slug line. The caller
 * decides where one may stand. Returns 1 when a scene started. */
static int slug_scene(ScreenplayParse *P, const char *s, size_t n, int alone, int lineno) {
    Heading h;
    if (!((P->lay.use_slug && alone && parse_slug(s, n, &h)) || parse_strong_slug(s, n, &h))) return 0;
    start_scene(P, &h, lineno);   /* in_dlg stays: speech may go on in the indented layout */
    return 1;
}

/* A character cue: the speech follows. */
static void cue_line(ScreenplayParse *P, const char *name, int lineno) {
    flush_para(&P->B);
    add_character(&P->B, name);
    P->in_dlg = 1;
    P->in_paren = 0;
    if (lineno > P->B.cur.end_line) P->B.cur.end_line = lineno;
}

/* Inside a speech: is the line (part of) a parenthetical? Those are dropped. */
static int parenthetical(ScreenplayParse *P, const char *s, size_t n) {
    if (s[0] != '(' && !P->in_paren) return 0;
    P->in_paren = memchr(s, ')', n) == NULL;
    return 1;
}

static void blank_line(ScreenplayParse *P) {
    P->prev_blank = 1;
    if (P->dlg_pending) return;   /* the speech comes after the blank line */
    if (P->lay.kind != LAYOUT_INDENTED) { P->in_dlg = 0; P->in_paren = 0; flush_para(&P->B); }
    else if (P->B.para_kind == PARA_ACTION) flush_para(&P->B);
    else if (P->lay.dialogue_indent < 0) { P->in_dlg = 0; flush_para(&P->B); }
}

/* Revision asterisks at the end of plain lines: "He runs.   *". Returns the new length. */
static size_t strip_revision_marks(const char *s, size_t n) {
    while (n > 2 && s[n - 1] == '*' && (s[n - 2] == ' ' || s[n - 2] == '*')) {
        n--;
        while (n && s[n - 1] == ' ') n--;
    }
    return n;
}

/* Fountain's own markup: page breaks, sections and synopses (dropped),
 * forced headings, forced action, transitions, centred text and lyrics.
 * Returns 1 when the line was one of them. */
static int fountain_markup(ScreenplayParse *P, char *s, size_t n, int lineno) {
    if (s[0] == '=' || s[0] == '#') return 1;   /* page break "===", synopsis "=", section "#" */
    if (s[0] == '.' && n > 1 && s[1] != '.') {   /* forced heading */
        Heading h;
        memset(&h, 0, sizeof h);
        const char *p = s + 1;
        size_t m = n - 1;
        if (m > 2 && p[m - 1] == '#') {
            const char *q = memchr(p, '#', m - 1);
            if (q) { copy_trim(h.number, sizeof h.number, q + 1, (size_t)(p + m - 1 - (q + 1))); m = (size_t)(q - p); }
        }
        const char *set = NULL;
        size_t kl = heading_keyword(p, m, 1, &set);
        h.setting = kl ? set : "";
        m = strip_emphasis((char *)p, m);
        copy_trim(h.heading, sizeof h.heading, p, m);
        heading_split(&h, p + kl, m - kl);
        heading_scene(P, &h, s, n, lineno);
        return 1;
    }
    if (s[0] == '!') {                           /* forced action */
        add_content(&P->B, PARA_ACTION, s + 1, strip_emphasis(s + 1, n - 1), lineno);
        P->in_dlg = 0;
        return 1;
    }
    if (s[0] == '>') {                           /* centred ">text<" or a forced transition */
        if (n > 1 && s[n - 1] == '<') {
            size_t m = strip_emphasis(s + 1, n - 2);
            const char *p = s + 1;
            while (m && *p == ' ') { p++; m--; }
            while (m && p[m - 1] == ' ') m--;
            add_content(&P->B, PARA_ACTION, p, m, lineno);
        }
        return 1;
    }
    if (s[0] == '~') {                           /* lyrics: sung, so dialogue */
        size_t m = strip_emphasis(s + 1, n - 1);
        const char *p = s + 1;
        while (m && *p == ' ') { p++; m--; }
        add_content(&P->B, PARA_DIALOGUE, p, m, lineno);
        flush_para(&P->B);
        return 1;
    }
    return 0;
}

static void fountain_line(ScreenplayParse *P, int i, char *s, size_t n) {
    int lineno = P->L[i].lineno;
    Heading h;
    char name[64];
    if (fountain_markup(P, s, n, lineno)) return;
    if ((P->was_blank || !P->in_dlg) && parse_heading(s, n, 1, &h)) { heading_scene(P, &h, s, n, lineno); return; }
    if (P->was_blank && P->next_blank && is_transition(s, n)) { P->in_dlg = 0; return; }
    if (!P->in_dlg && P->was_blank && slug_scene(P, s, n, P->next_blank, lineno)) return;
    if (P->in_dlg) {
        if (!parenthetical(P, s, n)) add_content(&P->B, PARA_DIALOGUE, s, strip_emphasis(s, n), lineno);
        return;
    }
    int forced = s[0] == '@';
    if ((P->was_blank || forced) && !P->next_blank && parse_cue(s, n, forced, name, sizeof name) &&
        !parse_heading(P->L[i + 1].s, (size_t)P->L[i + 1].len, 1, &h)) {
        cue_line(P, name, lineno);
        return;
    }
    add_content(&P->B, PARA_ACTION, s, strip_emphasis(s, n), lineno);
}

static void indented_line(ScreenplayParse *P, int i, char *s, size_t n) {
    const Line *ln = &P->L[i];
    int A = P->lay.action_indent, C = P->lay.cue_indent, D = P->lay.dialogue_indent;
    Heading h;
    char name[64];
    if (parse_heading(s, n, 0, &h)) { heading_scene(P, &h, s, n, ln->lineno); return; }
    if (is_furniture(s, n)) return;
    if (is_transition(s, n)) { P->in_dlg = 0; return; }
    if (ln->indent < A + 8 && slug_scene(P, s, n, 1, ln->lineno)) return;
    if (ln->indent >= A + 8 && (ln->indent >= C - 6 || D < 0 || ln->indent > D + 4) &&
        parse_cue(s, n, 0, name, sizeof name)) {
        cue_line(P, name, ln->lineno);
        P->dlg_pending = D < 0;   /* speech at the action indent, maybe after a blank line */
        return;
    }
    if (P->dlg_pending) {
        if (s[0] == '(') { P->in_paren = memchr(s, ')', n) == NULL; return; }
        P->dlg_pending = 0;
    }
    int speech = D >= 0 ? (ln->indent >= D - 3 && ln->indent > A + 2) : P->in_dlg;
    if (speech) {
        if (!parenthetical(P, s, n)) add_content(&P->B, PARA_DIALOGUE, s, n, ln->lineno);
        return;
    }
    P->in_dlg = 0;
    P->in_paren = 0;
    add_content(&P->B, PARA_ACTION, s, n, ln->lineno);
}

/* Flat and compact: a cue line, then exactly one line of speech. */
static void compact_line(ScreenplayParse *P, int i, char *s, size_t n) {
    int lineno = P->L[i].lineno;
    Heading h;
    char name[64];
    if (P->in_dlg) {   /* the one line after the cue */
        P->in_dlg = 0;
        if (s[0] == '(' && s[n - 1] == ')') { P->in_dlg = 1; return; }
        add_content(&P->B, PARA_DIALOGUE, s, n, lineno);
        flush_para(&P->B);
        return;
    }
    if (!P->next_blank && parse_cue(s, n, 0, name, sizeof name) && !is_transition(s, n) &&
        !parse_heading(P->L[i + 1].s, (size_t)P->L[i + 1].len, 0, &h)) {
        cue_line(P, name, lineno);
        return;
    }
    add_content(&P->B, PARA_ACTION, s, n, lineno);
    flush_para(&P->B);
}

static void flat_line(ScreenplayParse *P, int i, char *s, size_t n) {
    int lineno = P->L[i].lineno;
    Heading h;
    char name[64];
    if (parse_heading(s, n, 0, &h)) { heading_scene(P, &h, s, n, lineno); return; }
    if (is_furniture(s, n)) return;
    if (is_transition(s, n)) { P->in_dlg = 0; return; }
    if (!P->in_dlg && P->was_blank && slug_scene(P, s, n, P->next_blank, lineno)) return;
    if (P->dlg_pending) {   /* double-spaced: the speech after the cue's blank line */
        if (s[0] == '(') return;
        P->dlg_pending = 0;
        P->in_dlg = 1;
    }
    if (P->lay.inline_names) {
        size_t r = inline_cue(s, n, name, sizeof name);
        if (r) {
            flush_para(&P->B);
            add_character(&P->B, name);
            add_content(&P->B, PARA_DIALOGUE, s + r, n - r, lineno);
            flush_para(&P->B);
            P->in_dlg = 0;
            return;
        }
    }
    if (P->lay.compact) { compact_line(P, i, s, n); return; }
    if (P->in_dlg) {
        if (!parenthetical(P, s, n)) add_content(&P->B, PARA_DIALOGUE, s, n, lineno);
        return;
    }
    if (P->was_blank && !P->next_blank && parse_cue(s, n, 0, name, sizeof name) &&
        !parse_heading(P->L[i + 1].s, (size_t)P->L[i + 1].len, 0, &h)) {
        cue_line(P, name, lineno);
        return;
    }
    if (P->lay.double_spaced && P->was_blank && P->next_blank && i + 2 < P->nl && P->L[i + 2].len &&
        parse_cue(s, n, 0, name, sizeof name) && !parse_heading(P->L[i + 2].s, (size_t)P->L[i + 2].len, 0, &h) &&
        !is_transition(P->L[i + 2].s, (size_t)P->L[i + 2].len)) {
        cue_line(P, name, lineno);
        P->in_dlg = 0;
        P->dlg_pending = 1;
        return;
    }
    add_content(&P->B, PARA_ACTION, s, n, lineno);
}

/* Screenplay parser (Fountain or plain): title page, layout, then one
 * handler per line for the layout found. */
static void parse_screenplay(ScriptScenes *ss, Line *L, int nl, int fountain, const SceneOpts *o) {
    ScreenplayParse P;
    memset(&P, 0, sizeof P);
    P.B.ss = ss;
    P.B.o = o;
    P.L = L;
    P.nl = nl;
    int first = fountain ? read_title_page(ss, L, nl) : 0;
    P.lay = detect_layout(L, nl, first, fountain, o);
    void (*line)(ScreenplayParse *, int, char *, size_t) =
        P.lay.kind == LAYOUT_FOUNTAIN ? fountain_line : P.lay.kind == LAYOUT_INDENTED ? indented_line : flat_line;

    open_scene(&P.B, NULL, first < nl ? L[first].lineno : 1);   /* the preamble */
    P.preamble = 1;
    P.prev_blank = 1;
    for (int i = first; i < nl; i++) {
        char *s = L[i].s;
        size_t n = (size_t)L[i].len;
        if (!n) { blank_line(&P); continue; }
        P.was_blank = P.prev_blank;
        P.prev_blank = 0;
        P.next_blank = i + 1 >= nl || !L[i + 1].len;
        if (P.preamble && P.pre_year_lines < 300 && !ss->year) { ss->year = find_year(s, n); P.pre_year_lines++; }
        if (!fountain) n = strip_revision_marks(s, n);
        if (n) line(&P, i, s, n);
    }
    close_scene(&P.B);
    /* no heading at all: the preamble is the one scene, unless it is empty */
    if (P.preamble) {
        if (ss->n_scenes == 1 && ss->scenes[0].words == 0) {
            scene_clear(&ss->scenes[0]);
            arrfree(ss->scenes);
            ss->n_scenes = 0;
        }
        if (nl && ss->n_scenes) scene_warn(ss, "no scene headings found: the whole text is one scene");
    }
    builder_free(&P.B);
}

/* ---- entry points --------------------------------------------------------- */

ScriptScenes *scene_parse(const char *text, size_t len, const SceneOpts *opts, char *err, size_t errlen) {
    SceneOpts o = opts ? *opts : scene_default_opts();
    if (o.max_bytes == 0) o.max_bytes = scene_default_opts().max_bytes;
    if (o.max_scenes <= 0) o.max_scenes = 1;
    if (!(o.sub_gap > 0) || o.sub_gap > 1e6) o.sub_gap = 8.0;
    if (!(o.sub_window >= 0) || o.sub_window > 1e6) o.sub_window = 0;
    if (!(o.sub_max_scene >= 0) || o.sub_max_scene > 1e7) o.sub_max_scene = 0;
    if (!text) len = 0;

    ScriptScenes *ss = calloc(1, sizeof *ss);
    if (!ss) { ms_seterr(err, errlen, "out of memory"); return NULL; }
    ss->title = scene_strdup("");

    if (len > o.max_bytes) {
        size_t cut = o.max_bytes;
        while (cut > 0 && text[cut - 1] != '\n') cut--;
        if (cut == 0) cut = o.max_bytes;
        scene_warn(ss, "input is %zu bytes: only the first %zu were read (max_bytes)", len, cut);
        len = cut;
    }
    /* binary input: NUL bytes or many control bytes */
    size_t nul = 0, ctl = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0) nul++;
        else if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') || c == 0x7f) ctl++;
    }
    if (len && (nul * 1000 > len || nul > 4096 || (nul + ctl) * 50 > len)) {
        ms_seterr(err, errlen, "input looks binary (%zu NUL and %zu control bytes in %zu): not a screenplay or subtitle file",
                  nul, ctl, len);
        scene_free(ss);
        return NULL;
    }
    size_t n = 0, bad = 0, ctl2 = 0;
    char *buf = scene_repair_utf8(text ? text : "", len, &n, &bad, &ctl2);
    if (!buf) { scene_free(ss); ms_seterr(err, errlen, "out of memory"); return NULL; }
    if (bad) scene_warn(ss, "%zu bytes of invalid UTF-8 replaced by U+FFFD", bad);
    if (ctl2) scene_warn(ss, "%zu control bytes replaced by spaces", ctl2);

    SceneFormat f = o.format == SCENE_FMT_AUTO ? scene_detect_format(buf, n, o.filename) : o.format;
    if (f < SCENE_FMT_FOUNTAIN || f > SCENE_FMT_VTT) f = SCENE_FMT_PLAIN;
    ss->format = f;
    scene_strip_html(buf, &n);
    if (f == SCENE_FMT_FOUNTAIN) scene_strip_fountain_notes(buf, &n);
    int cut = 0;
    Line *lines = scene_split_lines(buf, n, &cut);
    int nl = (int)arrlen(lines);
    if (cut) scene_warn(ss, "more than %d lines: only the first %d were read", SCENE_MAX_LINES, SCENE_MAX_LINES);
    ss->n_lines = nl;
    if (f == SCENE_FMT_SRT || f == SCENE_FMT_VTT) scene_parse_subtitles(ss, lines, nl, &o);
    else parse_screenplay(ss, lines, nl, f == SCENE_FMT_FOUNTAIN, &o);
    arrfree(lines);
    free(buf);
    return ss;
}

void scene_free(ScriptScenes *ss) {
    if (!ss) return;
    for (int i = 0; i < arrlen(ss->scenes); i++) scene_clear(&ss->scenes[i]);
    arrfree(ss->scenes);
    for (int i = 0; i < arrlen(ss->warnings); i++) free(ss->warnings[i]);
    arrfree(ss->warnings);
    free(ss->title);
    free(ss);
}

/* ---- JSON ----------------------------------------------------------------- */

static double round3(double x) { return (double)(long long)(x * 1000.0 + (x >= 0 ? 0.5 : -0.5)) / 1000.0; }

cJSON *scene_to_cjson(const Scene *s, int flags) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "index", s->index);
    cJSON_AddStringToObject(o, "heading", s->heading ? s->heading : "");
    cJSON_AddNumberToObject(o, "start_line", s->start_line);
    cJSON_AddNumberToObject(o, "end_line", s->end_line);
    cJSON_AddNumberToObject(o, "words", s->words);
    if (s->start >= 0) {
        cJSON_AddNumberToObject(o, "start", round3(s->start));
        cJSON_AddNumberToObject(o, "end", round3(s->end));
    }
    if (flags & SCENE_JSON_DETAILS) {
        if (s->number && s->number[0]) cJSON_AddStringToObject(o, "number", s->number);
        if (s->setting && s->setting[0]) cJSON_AddStringToObject(o, "setting", s->setting);
        if (s->location && s->location[0]) cJSON_AddStringToObject(o, "location", s->location);
        if (s->time_of_day && s->time_of_day[0]) cJSON_AddStringToObject(o, "time", s->time_of_day);
        cJSON *c = cJSON_AddArrayToObject(o, "characters");
        for (int i = 0; c && i < arrlen(s->characters); i++) cJSON_AddItemToArray(c, cJSON_CreateString(s->characters[i]));
        cJSON_AddNumberToObject(o, "action_words", s->action_words);
        cJSON_AddNumberToObject(o, "dialogue_words", s->dialogue_words);
    }
    if (flags & SCENE_JSON_TEXT) {
        cJSON_AddStringToObject(o, "text", s->text ? s->text : "");
        cJSON_AddStringToObject(o, "action", s->action ? s->action : "");
        cJSON_AddStringToObject(o, "dialogue", s->dialogue ? s->dialogue : "");
    }
    return o;
}

char *scenes_to_json(const ScriptScenes *ss, int flags) {
    if (!ss) return NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "format", scene_format_name(ss->format));
    cJSON_AddStringToObject(o, "title", ss->title ? ss->title : "");
    cJSON_AddNumberToObject(o, "year", ss->year);
    cJSON_AddNumberToObject(o, "lines", ss->n_lines);
    cJSON_AddNumberToObject(o, "headings", ss->n_headings);
    cJSON *w = cJSON_AddArrayToObject(o, "warnings");
    for (int i = 0; w && i < arrlen(ss->warnings); i++) cJSON_AddItemToArray(w, cJSON_CreateString(ss->warnings[i]));
    cJSON *a = cJSON_AddArrayToObject(o, "scenes");
    for (int i = 0; a && i < ss->n_scenes; i++) {
        cJSON *s = scene_to_cjson(&ss->scenes[i], flags);
        if (s) cJSON_AddItemToArray(a, s);
    }
    char *r = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return r;
}
