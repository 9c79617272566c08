/* scene_lines.c — the screenplay parser's line classifiers (scene_lines.h):
 * scene headings (INT./EXT., numbered, slugs), character cues, transitions
 * and page furniture, each read from one trimmed line. No state: the
 * parser in scene.c decides what a line means from these answers. */
#include <stdio.h>
#include <string.h>

#include "scene_internal.h"
#include "scene_lines.h"
#include "utf8.h"

static int has_sub(const char *s, size_t n, const char *sub) {
    size_t k = strlen(sub);
    for (size_t i = 0; i + k <= n; i++) if (memcmp(s + i, sub, k) == 0) return 1;
    return 0;
}

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
size_t heading_keyword(const char *s, size_t n, int case_ci, const char **setting) {
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


void copy_trim(char *dst, size_t cap, const char *s, size_t n) {
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
void heading_split(Heading *h, const char *b, size_t n) {
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

/* parse_heading's steps. p / m: what is left of the line s, which the steps
 * narrow; h->rest: where glued text after the heading starts in s (0:
 * none). */

/* OCR / revision junk before a plain heading: "*12 INT.", "~*0 EXT.",
 * "\xC2\xB7> EXT."; then the spaces after it. */
static void heading_skip_junk(const char **pp, size_t *pm) {
    const char *p = *pp;
    size_t m = *pm;
    while (m > 1 && (*p == '*' || *p == '~' || *p == '>' || *p == '+' || *p == '.' || *p == '-' || (m > 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xB7))) {
        size_t step = (unsigned char)p[0] == 0xC2 ? 2 : 1;
        p += step; m -= step;
    }
    while (m && *p == ' ') { p++; m--; }
    *pp = p;
    *pm = m;
}

/* Fountain's scene number "#12A#" at the end of the line: into h->number,
 * and the line ends before it. */
static void heading_fountain_number(const char *p, size_t *pm, Heading *h) {
    size_t m = *pm;
    if (m > 2 && p[m - 1] == '#') {
        const char *q = memchr(p, '#', m - 1);
        if (q && q > p && q[-1] == ' ') {
            copy_trim(h->number, sizeof h->number, q + 1, (size_t)(p + m - 1 - (q + 1)));
            *pm = (size_t)(q - p);
        }
    }
}

/* A time word glued to the next word after a dash: "- DAYBLACK & WHITE",
 * "- MORNINGCLOSE ON ..." (scrapers that drop line breaks): the heading
 * ends after the time word. */
static void heading_cut_glued_time(const char *s, const char *p, size_t *pm, size_t kl, Heading *h) {
    static const char *const CORE[] = {"DAY", "NIGHT", "MORNING", "EVENING", "AFTERNOON", "DAWN", "DUSK",
                                       "LATER", "CONTINUOUS", "SUNSET", "SUNRISE", NULL};
    static const char *const WHOLE[] = {"DAYTIME", "DAYLIGHT", "DAYBREAK", "NIGHTTIME", "NIGHTFALL",
                                        "MORNINGS", "EVENINGS", "DAYS", "NIGHTS", "DAWNING", NULL};
    size_t m = *pm;
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
    *pm = m;
}

/* Scraped lines sometimes glue action to the heading: "INT. BEDROOM -
 * NIGHTHilda is preparing", "... - DAY CAMERA CRASHES out": the heading
 * ends after the last time word before the first lower-case word. */
static void heading_cut_glued_action(const char *s, const char *p, size_t *pm, size_t kl, Heading *h) {
    size_t m = *pm;
    size_t fl = 0;
    while (fl < m && !is_lower((unsigned char)p[fl])) fl++;
    if (!(fl < m && fl > kl + 3)) return;
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
        *pm = cut;
    }
}

/* Whether a plain heading's case reads as one: mostly upper case, or
 * mixed-case after an upper-case keyword when short and built like one
 * ("INT. carriage/ HAnsom cab/ london streets - day."); at most 120 bytes. */
static int heading_case_ok(const char *p, size_t m) {
    int up, lo;
    letters_case(p, m, &up, &lo);
    int shaped = m <= 100 && count_words(p, m) <= 14 &&
                 (has_sub(p, m, " - ") || has_sub(p, m, "--") || memchr(p, '/', m)) &&
                 !(p[m - 1] == '!' || p[m - 1] == '?' || p[m - 1] == ',' || p[m - 1] == '"');
    return !((lo > up && !(shaped && is_upper((unsigned char)p[0]))) || m > 120);
}

/* Recognise a scene heading line. mode: 0 plain (upper-case keyword), 1
 * Fountain (any case). Fills h. */
int parse_heading(const char *s, size_t n, int fountain, Heading *h) {
    if (n == 0 || n > (fountain ? 200u : 4000u)) return 0;
    memset(h, 0, sizeof *h);
    const char *p = s;
    size_t m = n;
    if (!fountain) heading_skip_junk(&p, &m);
    size_t k = leading_number(p, m, h->number, sizeof h->number);
    p += k; m -= k;
    if (fountain && !k) heading_fountain_number(p, &m, h);
    const char *setting = NULL;
    size_t kl = heading_keyword(p, m, fountain, &setting);
    if (!kl) {
        /* plain: title-case "Int. " / "Ext. " */
        if (!fountain && m > 5 && (prefix_ci(p, m, "int. ") || prefix_ci(p, m, "ext. ")) && m <= 90) kl = 4, setting = to_upper((unsigned char)p[0]) == 'I' ? "INT" : "EXT";
        else return 0;
    }
    if (!fountain) {
        heading_cut_glued_time(s, p, &m, kl, h);
        heading_cut_glued_action(s, p, &m, kl, h);
        while (h->rest && h->rest < n && s[h->rest] == ' ') h->rest++;
        if (!heading_case_ok(p, m)) { h->rest = 0; return 0; }
    }
    m = trailing_number(p, m, h->number, sizeof h->number);
    h->setting = setting;
    copy_trim(h->heading, sizeof h->heading, p, m);
    heading_split(h, p + kl, m - kl);
    return 1;
}

/* Layout-only heading (scripts with few INT/EXT): an all-caps slug line with a
 * time-of-day word, or "SCENE 12 - ...". */
int parse_slug(const char *s, size_t n, Heading *h) {
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
int parse_strong_slug(const char *s, size_t n, Heading *h) {
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
int is_furniture(const char *s, size_t n) {
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
int is_transition(const char *s, size_t n) {
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
int parse_cue(const char *s, size_t n, int forced, char *name, size_t cap) {
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
size_t inline_cue(const char *s, size_t n, char *name, size_t cap) {
    const char *c = memchr(s, ':', n < 40 ? n : 40);
    if (!c || c == s) return 0;
    size_t k = (size_t)(c - s), r = k + 1;
    while (r < n && s[r] == ' ') r++;
    if (r >= n || r == k + 1) return 0;    /* needs ": " and some speech */
    if (!parse_cue(s, k, 0, name, cap)) return 0;
    return r;
}

