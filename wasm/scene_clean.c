/* scene_clean.c — the scene parser's input cleaning (see scene_internal.h):
 * UTF-8 repair, HTML tags / comments / entities, Fountain boneyard and notes,
 * and the split into lines with their indentation. Every step keeps the
 * newlines, so line numbers refer to the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>

#include "scene_internal.h"
#include "utf8.h"

/* Copy src into a new buffer with invalid UTF-8 replaced by U+FFFD (one per
 * bad byte), a leading BOM dropped, stray control bytes turned into spaces
 * (form feeds into line breaks). *bad and *ctl count the repairs. The buffer
 * is sized exactly (a first pass counts the bad bytes). */
char *scene_repair_utf8(const char *src, size_t n, size_t *out_n, size_t *bad, size_t *ctl) {
    size_t i0 = 0, nbad = 0;
    if (n >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB && (unsigned char)src[2] == 0xBF) i0 = 3;
    for (size_t i = i0; i < n;) {
        int k = utf8_char_len(src, n, i);
        if (k) i += (size_t)k; else { nbad++; i++; }
    }
    char *out = malloc(n + 2 * nbad + 1);
    if (!out) return NULL;
    size_t o = 0;
    *bad = nbad;
    *ctl = 0;
    for (size_t i = i0; i < n;) {
        unsigned char c = (unsigned char)src[i];
        int k = utf8_char_len(src, n, i);
        if (k == 1) {
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') { out[o++] = c == '\f' ? '\n' : ' '; if (c != '\f') (*ctl)++; }
            else if (c == 0x7f) { out[o++] = ' '; (*ctl)++; }
            else out[o++] = (char)c;
            i++;
        } else if (k) {
            memcpy(out + o, src + i, (size_t)k);
            o += (size_t)k;
            i += (size_t)k;
        } else {
            out[o++] = (char)0xEF; out[o++] = (char)0xBF; out[o++] = (char)0xBD;
            i++;
        }
    }
    out[o] = 0;
    *out_n = o;
    return out;
}

static const char *const HTML_TAGS[] = {
    "a", "b", "i", "u", "p", "br", "hr", "pre", "html", "head", "body", "title", "font", "div",
    "span", "center", "table", "tr", "td", "th", "tbody", "meta", "link", "img", "h1", "h2", "h3",
    "h4", "h5", "h6", "em", "strong", "tt", "blockquote", "ul", "ol", "li", "small", "big", "sup",
    "sub", "form", "input", "option", "select", "iframe", "noscript", "code", "s", "strike", "nobr",
    "dl", "dt", "dd", "ins", "del", "abbr", "base", "frame", "frameset", "c", "ruby", "rt", "lang",
    NULL
};

/* Is s[0..n) (starting at '<') a tag we strip? Returns its length or 0. */
static size_t html_tag_len(const char *s, size_t n) {
    size_t i = 1;
    if (i < n && s[i] == '/') i++;
    size_t ns = i;
    while (i < n && i - ns < 12 && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]))) i++;
    size_t nl = i - ns;
    if (!nl || nl >= 12) return 0;
    if (i < n && !(s[i] == '>' || s[i] == ' ' || s[i] == '/' || s[i] == '\t' || s[i] == '.')) return 0;
    int known = 0;
    for (int k = 0; HTML_TAGS[k]; k++) {
        if (strlen(HTML_TAGS[k]) == nl && prefix_ci(s + ns, nl, HTML_TAGS[k])) { known = 1; break; }
    }
    if (!known) return 0;
    for (size_t j = i; j < n && j < 400; j++) {
        if (s[j] == '>') return j + 1;
        if (s[j] == '<' || s[j] == '\n') return 0;
    }
    return 0;
}

/* Decode an entity at s ('&'); writes to o, returns bytes consumed (0: none).
 * The output is never longer than the entity. */
static size_t html_entity(const char *s, size_t n, char *o, size_t *olen) {
    static const struct { const char *name; const char *rep; } ents[] = {
        {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", " "},
        {"mdash;", "--"}, {"ndash;", "-"}, {"hellip;", "..."}, {"rsquo;", "'"}, {"lsquo;", "'"},
        {"rdquo;", "\""}, {"ldquo;", "\""}, {"eacute;", "\xC3\xA9"}, {"copy;", "(c)"}, {NULL, NULL}
    };
    if (n < 3) return 0;
    if (s[1] == '#') {
        size_t i = 2;
        int hex = 0;
        uint32_t cp = 0;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) { hex = 1; i++; }
        size_t d0 = i;
        while (i < n && i - d0 < 7) {
            int c = (unsigned char)s[i];
            if (is_digit(c)) cp = cp * (hex ? 16 : 10) + (uint32_t)(c - '0');
            else if (hex && c >= 'a' && c <= 'f') cp = cp * 16 + (uint32_t)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F') cp = cp * 16 + (uint32_t)(c - 'A' + 10);
            else break;
            i++;
        }
        if (i == d0 || i >= n || s[i] != ';') return 0;
        i++;
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xA0) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = ' ';
        if (cp == 0xA0) cp = ' ';
        char tmp[4];
        size_t k = utf8_put(tmp, cp);
        if (k > i) return 0;
        memcpy(o, tmp, k);
        *olen = k;
        return i;
    }
    for (int k = 0; ents[k].name; k++) {
        size_t L = strlen(ents[k].name);
        if (n - 1 >= L && memcmp(s + 1, ents[k].name, L) == 0) {
            size_t r = strlen(ents[k].rep);
            memcpy(o, ents[k].rep, r);
            *olen = r;
            return L + 1;
        }
    }
    return 0;
}

/* Remove a block from open to close (possibly spanning lines), keeping the
 * newlines inside. Returns the end of the block or 0 when not closed. */
static size_t skip_block(const char *s, size_t n, size_t i, const char *close, char *out, size_t *o) {
    const char *e = NULL;
    size_t cl = strlen(close);
    /* bounded search: blocks longer than 256 KiB are treated as unclosed */
    size_t lim = n - i > ((size_t)256 << 10) ? ((size_t)256 << 10) : n - i;
    for (size_t j = i; j + cl <= i + lim; j++)
        if (s[j] == close[0] && memcmp(s + j, close, cl) == 0) { e = s + j; break; }
    if (!e) return 0;
    for (const char *p = s + i; p < e; p++) if (*p == '\n') out[(*o)++] = '\n';
    return (size_t)(e - s) + cl;
}

/* Strip HTML tags, comments, <script>/<style> bodies and entities in place.
 * Returns the number of tags/entities removed. */
size_t scene_strip_html(char *s, size_t *n_io) {
    size_t n = *n_io, o = 0, i = 0, hits = 0;
    int unclosed_comment = 0, unclosed_script = 0;
    while (i < n) {
        char c = s[i];
        if (c == '<') {
            if (!unclosed_comment && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
                size_t e = skip_block(s, n, i + 4, "-->", s, &o);
                if (e) { i = e; hits++; continue; }
                unclosed_comment = 1;
            }
            if (!unclosed_script && (prefix_ci(s + i, n - i, "<script") || prefix_ci(s + i, n - i, "<style"))) {
                int scr = prefix_ci(s + i, n - i, "<script");
                size_t e = skip_block(s, n, i + 6, scr ? "</script>" : "</style>", s, &o);
                if (!e) e = skip_block(s, n, i + 6, scr ? "</SCRIPT>" : "</STYLE>", s, &o);
                if (e) { i = e; hits++; continue; }
                unclosed_script = 1;
            }
            size_t t = html_tag_len(s + i, n - i);
            if (t) { i += t; hits++; continue; }
        } else if (c == '&') {
            char tmp[8];
            size_t olen = 0, used = html_entity(s + i, n - i, tmp, &olen);
            if (used) { memcpy(s + o, tmp, olen); o += olen; i += used; hits++; continue; }
        }
        s[o++] = c;
        i++;
    }
    s[o] = 0;
    *n_io = o;
    return hits;
}

/* Fountain: remove boneyard comments and [[notes]], keeping newlines. */
void scene_strip_fountain_notes(char *s, size_t *n_io) {
    size_t n = *n_io, o = 0, i = 0;
    int no_bone = 0, no_note = 0;
    while (i < n) {
        if (!no_bone && s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            size_t e = skip_block(s, n, i + 2, "*/", s, &o);
            if (e) { i = e; continue; }
            no_bone = 1;
        }
        if (!no_note && s[i] == '[' && i + 1 < n && s[i + 1] == '[') {
            size_t e = skip_block(s, n, i + 2, "]]", s, &o);
            if (e) { i = e; continue; }
            no_note = 1;
        }
        s[o++] = s[i++];
    }
    s[o] = 0;
    *n_io = o;
}

/* ---- lines ---------------------------------------------------------------- */

#define SCENE_MAX_LINES 2000000   /* lines read (a feature script has ~10k) */

Line *scene_split_lines(char *buf, size_t n, int *cut) {
    Line *lines = NULL;
    size_t i = 0;
    int no = 1;
    *cut = 0;
    while (i < n) {
        if (no > SCENE_MAX_LINES) { *cut = 1; break; }
        size_t j = i;
        while (j < n && buf[j] != '\n' && buf[j] != '\r') j++;
        size_t e = j;
        if (j < n) {
            if (buf[j] == '\r' && j + 1 < n && buf[j + 1] == '\n') j++;
            buf[e] = 0;
            j++;
        }
        size_t b = i;
        int col = 0;
        while (b < e && (buf[b] == ' ' || buf[b] == '\t' || (unsigned char)buf[b] == 0)) {
            col = buf[b] == '\t' ? (col / 8 + 1) * 8 : col + 1;
            b++;
        }
        /* U+00A0 (no-break space) used as indentation by some scrapers */
        while (b + 1 < e && (unsigned char)buf[b] == 0xC2 && (unsigned char)buf[b + 1] == 0xA0) { col++; b += 2; }
        size_t t = e;
        while (t > b && (buf[t - 1] == ' ' || buf[t - 1] == '\t')) t--;
        while (t >= b + 2 && (unsigned char)buf[t - 2] == 0xC2 && (unsigned char)buf[t - 1] == 0xA0) t -= 2;
        buf[t] = 0;
        Line L = {buf + b, (int)(t - b), col, no++};
        if (col > 100000) L.indent = 100000;
        arrput(lines, L);
        i = j;
        if (j >= n) break;
    }
    return lines;
}
