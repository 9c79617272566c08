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
#include "scene_builder.h"
#include "scene_internal.h"
#include "scene_lines.h"
#include "utf8.h"

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
