/* loc_label.c — see loc_label.h. */
#include "loc_label.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "label.h"

static int is_letter(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Punctuation to drop at the front: any ASCII that is not a letter, a
 * digit, a double quote or an opening parenthesis (non-ASCII bytes are
 * letters of other scripts and stay). */
static int front_junk(unsigned char c) {
    return c < 0x80 && !is_letter(c) && !is_digit(c) && c != '"' && c != '(';
}

/* At the back, the same, except closing quotes and parentheses. */
static int back_junk(unsigned char c) {
    return (front_junk(c) || c == '(') && c != '\'' && c != ')';
}

static int sep(unsigned char c) {
    return c == ' ' || c == '.' || c == '-' || c == '/' || c == ':' || c == ';' || c == ',' || c == ')' || c == '\\';
}

/* Bytes of a non-ASCII punctuation character at b[i] to drop at either
 * end: Latin-1 controls and signs (U+0080..U+00BF, often cp1252 left-overs),
 * general punctuation (U+2000..U+206F: quotes, dashes, bullets, odd spaces),
 * a byte order mark. Else 0. */
static size_t wide_junk_at(const char *b, size_t i, size_t e) {
    const unsigned char *u = (const unsigned char *)b + i;
    if (u[0] == 0xC2 && i + 1 < e && u[1] >= 0x80 && u[1] <= 0xBF) return 2;
    if (u[0] == 0xE2 && i + 2 < e && (u[1] == 0x80 || u[1] == 0x81) && u[2] >= 0x80 && u[2] <= 0xBF) return 3;
    if (u[0] == 0xEF && i + 2 < e && u[1] == 0xBB && u[2] == 0xBF) return 3;
    return 0;
}

/* The same ending at b[e] (for the back). */
static size_t wide_junk_before(const char *b, size_t s, size_t e) {
    if (e >= s + 2 && wide_junk_at(b, e - 2, e) == 2) return 2;
    if (e >= s + 3 && wide_junk_at(b, e - 3, e) == 3) return 3;
    return 0;
}

static size_t skip_seps(const char *b, size_t i, size_t e) {
    while (i < e && sep((unsigned char)b[i])) i++;
    return i;
}

/* Length of word w at b[i] (case-insensitive) when it ends there: the next
 * byte is no letter (digits may follow a number word). Else 0. */
static size_t word_at(const char *b, size_t i, size_t e, const char *w) {
    size_t L = strlen(w);
    if (i + L > e || strncasecmp(b + i, w, L)) return 0;
    if (i + L < e && is_letter((unsigned char)b[i + L])) return 0;
    return L;
}

/* INT/EXT and friends at b[i], as a whole word. */
static size_t setting_at(const char *b, size_t i, size_t e) {
    static const char *const KW[] = {"INTERIOR", "EXTERIOR", "INT", "EXT", "I/E", "E/I", "EST", NULL};
    for (int k = 0; KW[k]; k++) {
        size_t L = word_at(b, i, e, KW[k]);
        if (L) return L;
    }
    return 0;
}

/* A scene number ("166", "166-A", "12A", "2.", "14)") or a lone letter
 * ("A)", "B") at b[i]: its length, else 0. */
static size_t number_at(const char *b, size_t i, size_t e) {
    size_t j = i;
    if (j < e && is_digit((unsigned char)b[j])) {
        while (j < e && is_digit((unsigned char)b[j])) j++;
        if (setting_at(b, j, e)) return j - i;                               /* "104EXT." */
        if (j + 1 < e && is_letter((unsigned char)b[j]) && setting_at(b, j + 1, e)) return j + 1 - i;   /* "104AEXT." */
        size_t k = j;
        while (k < e && k - j < 2 && is_letter((unsigned char)b[k])) k++;
        if (k < e && is_letter((unsigned char)b[k])) return 0;   /* "12TH", a word */
        j = k;
        if (j + 1 < e && (b[j] == '-' || b[j] == '/') && (is_letter((unsigned char)b[j + 1]) || is_digit((unsigned char)b[j + 1]))) {
            k = j + 1;
            while (k < e && k - j <= 3 && (is_letter((unsigned char)b[k]) || is_digit((unsigned char)b[k]))) k++;
            j = k;
        }
    } else if (j < e && is_letter((unsigned char)b[j]) && (j + 1 >= e || !is_letter((unsigned char)b[j + 1]))) {
        j++;
    } else {
        return 0;
    }
    if (j < e && (b[j] == '.' || b[j] == ')' || b[j] == '\'')) j++;
    return j - i;
}

/* "SCENE 12", "SEQ. 020", "SC 4" (and "EQ. 140", a SEQ that lost its S) at b[i]. */
static size_t scene_word_at(const char *b, size_t i, size_t e) {
    static const char *const W[] = {"SCENE", "SEQUENCE", "SEQ", "EQ", "SC", NULL};
    for (int k = 0; W[k]; k++) {
        size_t L = word_at(b, i, e, W[k]);
        if (!L) continue;
        size_t j = skip_seps(b, i + L, e);
        if (j < e && is_digit((unsigned char)b[j])) {
            while (j < e && (is_digit((unsigned char)b[j]) || is_letter((unsigned char)b[j]))) j++;
            return j - i;
        }
    }
    return 0;
}

static size_t transition_at(const char *b, size_t i, size_t e) {
    static const char *const T[] = {"SMASH CUT TO:", "MATCH CUT TO:", "CUT TO:", "CUT-TO:", "CUT TO", "DISSOLVE TO:", "FADE IN:", "FADE TO:",
                                    "BACK TO SCENE", "BACK TO", "TO:", "INTERCUT", NULL};
    for (int k = 0; T[k]; k++) {
        size_t L = strlen(T[k]);
        if (i + L <= e && !strncasecmp(b + i, T[k], L) && (i + L == e || !is_letter((unsigned char)b[i + L])))
            return L;
    }
    return 0;
}

/* Start of the last run of letters ending at e. */
static size_t last_word(const char *b, size_t s, size_t e) {
    size_t w = e;
    while (w > s && is_letter((unsigned char)b[w - 1])) w--;
    return w;
}

static int in_list(const char *b, size_t w, size_t e, const char *const *list) {
    for (int k = 0; list[k]; k++)
        if (strlen(list[k]) == e - w && !strncasecmp(b + w, list[k], e - w)) return 1;
    return 0;
}

char *loc_label(const char *loc, size_t max) {
    static const char *const TIME[] = {"DAY", "NIGHT", "MORNING", "EVENING", "AFTERNOON", "DUSK", "DAWN",
                                       "LATER", "CONTINUOUS", "SUNSET", "SUNRISE", "NOON", "SAME", NULL};
    static const char *const SMALL[] = {"THE", "A", "AN", "AND", "OF", "TO", "IN", "AT", "ON", "WITH", "FROM",
                                        "FOR", "BY", "OR", NULL};
    size_t n = loc ? strlen(loc) : 0;
    char *b = malloc(n + 1);
    if (!b) return NULL;
    /* soft hyphens, no-break spaces, tabs and newlines are spaces; runs of spaces one */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)loc[i];
        if (c == 0xC2 && i + 1 < n && (unsigned char)loc[i + 1] == 0xAD) { c = '-'; i++; }   /* a dash that lost its way */
        else if (c == 0xC2 && i + 1 < n && (unsigned char)loc[i + 1] == 0xA0) { c = ' '; i++; }
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
        if (c == ' ' && (o == 0 || b[o - 1] == ' ')) continue;
        /* "GOBBLER ' S KNOB", "EDDIE' S": an apostrophe s that lost its place */
        if (c == '\'' && o > 0 && b[o - 1] == ' ' && i + 1 < n && loc[i + 1] == ' ') o--;
        if ((c == 'S' || c == 's') && o > 1 && b[o - 1] == ' ' && b[o - 2] == '\'' && (i + 1 >= n || !is_letter((unsigned char)loc[i + 1]))) o--;
        b[o++] = (char)c;
    }
    b[o] = 0;
    size_t s = 0, e = o;

    for (;;) {   /* the front */
        size_t s0 = s, k;
        while (s < e && (front_junk((unsigned char)b[s]) || wide_junk_at(b, s, e)))
            s += front_junk((unsigned char)b[s]) ? 1 : wide_junk_at(b, s, e);
        if ((k = scene_word_at(b, s, e))) s = skip_seps(b, s + k, e);
        if ((k = transition_at(b, s, e))) s = skip_seps(b, s + k, e);
        for (size_t u = s, q = 0; q < 3 && (k = number_at(b, u, e)); q++) {   /* "A 33 INT.", "70/71 INT." */
            u = skip_seps(b, u + k, e);
            if (setting_at(b, u, e)) { s = u; break; }
        }
        if ((k = setting_at(b, s, e))) s = skip_seps(b, s + k, e);
        if (s == s0) break;
    }
    /* INT/EXT inside: "GEORGETOWN/INT. LIMO" → "GEORGETOWN/LIMO", "FLASHBACK - EXT" → "FLASHBACK -" */
    for (size_t i = s + 1; i < e; i++) {
        size_t L;
        if (!(sep((unsigned char)b[i - 1]) || b[i - 1] == '(') || !(L = setting_at(b, i, e))) continue;
        if (i + L < e && !sep((unsigned char)b[i + L])) continue;
        size_t j = skip_seps(b, i + L, e);
        memmove(b + i, b + j, e - j);
        e -= j - i;
        i--;
    }
    for (;;) {   /* the back */
        size_t e0 = e;
        while (e > s && (back_junk((unsigned char)b[e - 1]) || wide_junk_before(b, s, e)))
            e -= back_junk((unsigned char)b[e - 1]) ? 1 : wide_junk_before(b, s, e);
        size_t w = last_word(b, s, e);
        if (w < e && (w == s || sep((unsigned char)b[w - 1]))) {
            if (setting_at(b, w, e) == e - w) e = w;
            else if (w > s && in_list(b, w, e, TIME) &&
                     (b[w - 1] == '.' || b[w - 1] == '-' || (b[w - 1] == ' ' && w - 1 > s && (b[w - 2] == '.' || b[w - 2] == '-'))))
                e = w;
        }
        if (e == e0) break;
    }

    /* cut to max on a word end, then no unclosed parenthesis, dangling small word or separator */
    e = s + label_cut(b + s, e - s, max);
    size_t open = e;
    for (size_t i = s; i < e; i++) {
        if (b[i] == '(') open = i;
        else if (b[i] == ')') open = e;
    }
    if (open > s) e = open;
    for (;;) {
        size_t e0 = e;
        while (e > s && back_junk((unsigned char)b[e - 1])) e--;
        size_t w = last_word(b, s, e);
        if (w > s && w < e && sep((unsigned char)b[w - 1]) && in_list(b, w, e, SMALL)) e = w;
        if (e == e0) break;
    }
    memmove(b, b + s, e - s);
    b[e - s] = 0;
    return b;
}
