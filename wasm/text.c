/* text.c — cleaning, tokenizing, vocabulary (see text.h for the rules). */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>

#include "err.h"

/* ---- UTF-8 ------------------------------------------------------------- */

/* Decode one code point at s[0..n) (n >= 1). Invalid → U+FFFD consuming one
 * byte. Returns bytes consumed. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp) {
    unsigned c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    size_t len; unsigned min, v;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else { *cp = 0xFFFD; return 1; }
    if (n < len) { *cp = 0xFFFD; return 1; }
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        v = (v << 6) | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) { *cp = 0xFFFD; return 1; }
    *cp = v;
    return len;
}

static size_t utf8_encode(unsigned cp, char *out) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static unsigned lower_cp(unsigned c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;          /* Latin-1 */
    if (c == 0x130) return 'i';                                        /* İ (simple mapping) */
    if (c >= 0x100 && c <= 0x137) return c | 1;                        /* Ā..ķ pairs */
    if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;          /* Ĺ..ň */
    if (c >= 0x14A && c <= 0x177) return c | 1;                        /* Ŋ..ŷ */
    if (c == 0x178) return 0xFF;                                       /* Ÿ */
    if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;          /* Ź..ž */
    if (c == 0x1E9E) return 0xDF;                                      /* ẞ */
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;         /* Greek */
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c >= 0x410 && c <= 0x42F) return c + 32;                       /* Cyrillic */
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

static int is_space_cp(unsigned c) {
    if (c == ' ' || (c >= 9 && c <= 13) || c == 0) return 1;
    if (c < 0x80) return 0;
    return c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

static int is_strip_punct(unsigned c) {
    /* string.punctuation: ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~ */
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
           (c >= 123 && c <= 126);
}

/* ---- furniture ---------------------------------------------------------- */

/* Offset of `close` after s[i] (exclusive upper bound i+maxlen, same line),
 * or 0 if absent. */
static size_t find_close(const char *s, size_t n, size_t i, char close, size_t maxlen) {
    size_t end = i + maxlen < n ? i + maxlen : n;
    for (size_t k = i + 1; k < end; k++) {
        if (s[k] == close) return k;
        if (s[k] == '\n' || s[k] == '\r') return 0;
        if (s[k] == '[' && close == ']') return 0;
    }
    return 0;
}

static int ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static size_t skip_sp(const char *s, size_t i, size_t n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    return i;
}

/* x, X or × at s[i]: returns bytes matched (0 if none). */
static size_t match_x(const char *s, size_t i, size_t n) {
    if (i < n && ascii_lower((unsigned char)s[i]) == 'x') return 1;
    if (i + 1 < n && (unsigned char)s[i] == 0xC3 && (unsigned char)s[i + 1] == 0x97) return 2;
    return 0;
}

static size_t match_word(const char *s, size_t i, size_t n, const char *w) {
    size_t k = 0;
    for (; w[k]; k++)
        if (i + k >= n || ascii_lower((unsigned char)s[i + k]) != w[k]) return 0;
    return k;
}

/* Is s[0..n) (the inside of a parenthesis) a repeat mark: "x2", "2x", "×3",
 * "repeat", "repeat x2", "repeat 3 times", "2 times"? */
static int is_repeat_mark(const char *s, size_t n) {
    size_t i = skip_sp(s, 0, n), m;
    int rep = 0, pre = 0, post = 0, digits = 0;
    if ((m = match_word(s, i, n, "repeat"))) { rep = 1; i = skip_sp(s, i + m, n); }
    if (i < n && s[i] == ':') i = skip_sp(s, i + 1, n);
    if ((m = match_x(s, i, n))) { pre = 1; i = skip_sp(s, i + m, n); }
    while (i < n && s[i] >= '0' && s[i] <= '9') { digits++; i++; }
    i = skip_sp(s, i, n);
    if ((m = match_word(s, i, n, "times"))) { post = 1; i += m; }
    else if (!pre && (m = match_x(s, i, n))) { post = 1; i += m; }
    i = skip_sp(s, i, n);
    if (i != n || digits > 3) return 0;
    if (rep) return digits > 0 || (!pre && !post);
    return digits > 0 && (pre || post);
}

/* "<mm:ss.xx>" style enhanced-LRC timestamp inside <...>? */
static int is_timestamp(const char *s, size_t n) {
    int colon = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') digits++;
        else if (s[i] == ':') colon++;
        else if (s[i] != '.') return 0;
    }
    return colon >= 1 && digits >= 2;
}

/* A finished token that is just a repeat mark: x2, 2x, ×3 (1..3 digits). */
static int is_bare_repeat(const char *t, size_t n) {
    size_t m = match_x(t, 0, n);
    if (m) {
        if (n - m < 1 || n - m > 3) return 0;
        for (size_t k = m; k < n; k++) if (t[k] < '0' || t[k] > '9') return 0;
        return 1;
    }
    if (n >= 2 && n <= 4 && t[n - 1] == 'x') {
        for (size_t k = 0; k + 1 < n; k++) if (t[k] < '0' || t[k] > '9') return 0;
        return 1;
    }
    return 0;
}

/* ---- tokenizer ---------------------------------------------------------- */

size_t text_tokenize(const char *s, size_t len, long max_tokens, text_token_fn fn, void *user) {
    if (!s || !fn) return 0;
    if (len > TEXT_MAX_INPUT_BYTES) len = TEXT_MAX_INPUT_BYTES;
    char tok[TEXT_MAX_TOKEN_BYTES + 8];
    size_t tl = 0, count = 0;
    int full = 0;   /* the current token hit TEXT_MAX_TOKEN_BYTES */
    const unsigned char *u = (const unsigned char *)s;

#define FLUSH() do { \
        if (tl > 0) { \
            if (!is_bare_repeat(tok, tl)) { \
                tok[tl] = 0; count++; \
                if (fn(tok, tl, user) || (max_tokens > 0 && (long)count >= max_tokens)) return count; \
            } \
            tl = 0; full = 0; \
        } \
    } while (0)

    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c == '[') {
            size_t k = find_close(s, len, i, ']', TEXT_MAX_TAG_BYTES);
            if (k) { FLUSH(); i = k + 1; continue; }
        } else if (c == '(') {
            size_t k = find_close(s, len, i, ')', 40);
            if (k && is_repeat_mark(s + i + 1, k - i - 1)) { FLUSH(); i = k + 1; continue; }
        } else if (c == '<') {
            size_t k = find_close(s, len, i, '>', 24);
            if (k && is_timestamp(s + i + 1, k - i - 1)) { FLUSH(); i = k + 1; continue; }
        }
        unsigned cp;
        size_t m = utf8_decode(u + i, len - i, &cp);
        i += m;
        if (is_space_cp(cp)) { FLUSH(); continue; }
        if (is_strip_punct(cp)) continue;
        if (full) continue;
        char enc[4];
        size_t el = utf8_encode(lower_cp(cp), enc);
        if (tl + el > TEXT_MAX_TOKEN_BYTES) { full = 1; continue; }
        memcpy(tok + tl, enc, el);
        tl += el;
    }
    FLUSH();
#undef FLUSH
    return count;
}

typedef struct { char *buf; size_t len, cap; int oom; } CleanBuf;

static int clean_cb(const char *tok, size_t len, void *user) {
    CleanBuf *b = user;
    size_t need = b->len + len + 2;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < need) cap *= 2;
        char *nb = realloc(b->buf, cap);
        if (!nb) { b->oom = 1; return 1; }
        b->buf = nb; b->cap = cap;
    }
    if (b->len) b->buf[b->len++] = ' ';
    memcpy(b->buf + b->len, tok, len);
    b->len += len;
    return 0;
}

char *text_clean(const char *s, size_t len, long max_tokens, size_t *out_len) {
    CleanBuf b = {0};
    text_tokenize(s, len, max_tokens, clean_cb, &b);
    if (b.oom) { free(b.buf); return NULL; }
    if (!b.buf) { b.buf = malloc(1); if (!b.buf) return NULL; }
    b.buf[b.len] = 0;
    if (out_len) *out_len = b.len;
    return b.buf;
}

/* ---- vocabulary ---------------------------------------------------------- */

typedef struct { char *key; int value; } VocabEntry;

struct Vocab {
    int n;               /* words (ids 2..n+1) */
    char *block;         /* the words, NUL-terminated, back to back: one allocation */
    size_t text_len;     /* bytes of block the n words take, NULs included */
    char **words;        /* [n] into block */
    VocabEntry *map;     /* stb_ds string hash; its keys are the words in block */
};

Vocab *vocab_build(const char *const *words, int n, char *err, size_t errlen) {
    if (n < 0 || n > VOCAB_MAX_WORDS) { ms_seterr(err, errlen, "vocabulary: bad word count %d", n); return NULL; }
    if (n > 0 && !words) { ms_seterr(err, errlen, "vocabulary: no words given for %d", n); return NULL; }
    size_t total = 1;
    for (int i = 0; i < n; i++) total += words[i] ? strlen(words[i]) + 1 : 1;
    char *block = malloc(total), *at = block;
    if (!block) { ms_seterr(err, errlen, "vocabulary: out of memory (%d words)", n); return NULL; }
    for (int i = 0; i < n; i++) {
        size_t wl = words[i] ? strlen(words[i]) : 0;
        memcpy(at, words[i] ? words[i] : "", wl + 1);
        at += wl + 1;
    }
    return vocab_adopt(block, n, err, errlen);
}

Vocab *vocab_adopt(char *block, int n, char *err, size_t errlen) {
    if (n < 0 || n > VOCAB_MAX_WORDS) { free(block); ms_seterr(err, errlen, "vocabulary: bad word count %d", n); return NULL; }
    Vocab *v = calloc(1, sizeof *v);
    if (v) v->words = malloc((size_t)(n ? n : 1) * sizeof(char *));
    if (!v || !v->words) {
        free(block);
        free(v);
        ms_seterr(err, errlen, "vocabulary: out of memory (%d words)", n);
        return NULL;
    }
    v->block = block;
    char *w = block;
    for (int i = 0; i < n; i++) {
        size_t wl = strlen(w);
        if (wl == 0) { ms_seterr(err, errlen, "vocabulary: word %d is empty", i); goto fail; }
        if (wl > TEXT_MAX_TOKEN_BYTES) { ms_seterr(err, errlen, "vocabulary: word %d is too long", i); goto fail; }
        /* one hash operation a word: a duplicate leaves the table's length as it was */
        shput(v->map, w, i + 2);
        if (shlen(v->map) != i + 1) { ms_seterr(err, errlen, "vocabulary: word %d is a duplicate", i); goto fail; }
        v->words[i] = w;
        v->n = i + 1;
        w += wl + 1;
    }
    v->text_len = (size_t)(w - block);
    return v;
fail:
    vocab_free(v);
    return NULL;
}

const char *vocab_words_text(const Vocab *v, size_t *len) {
    *len = v ? v->text_len : 0;
    return v && v->block ? v->block : "";
}

void vocab_free(Vocab *v) {
    if (!v) return;
    free(v->block);
    free(v->words);
    shfree(v->map);
    free(v);
}

int vocab_size(const Vocab *v) { return v ? v->n + 2 : 0; }

int vocab_id(const Vocab *v, const char *word, size_t len) {
    if (!v || !word || len == 0 || len > TEXT_MAX_TOKEN_BYTES || v->n == 0) return TEXT_OOV_ID;
    char buf[TEXT_MAX_TOKEN_BYTES + 1];
    memcpy(buf, word, len);
    buf[len] = 0;
    if (memchr(buf, 0, len)) return TEXT_OOV_ID;
    /* the _ts lookup writes nothing into the table: concurrent lookups are safe */
    ptrdiff_t k = -1;
    VocabEntry *map = stbds_hmget_key_ts(v->map, sizeof *map, buf, sizeof map->key, &k, STBDS_HM_STRING);
    return k >= 0 ? map[k].value : TEXT_OOV_ID;
}

const char *vocab_word(const Vocab *v, int id) {
    if (id == TEXT_PAD_ID) return "";
    if (id == TEXT_OOV_ID) return "[UNK]";
    if (!v || id < 2 || id >= v->n + 2) return NULL;
    return v->words[id - 2];
}

/* ---- encoding ------------------------------------------------------------ */

typedef struct { const Vocab *v; int32_t *ids; int n, cap; } EncodeState;

static int encode_cb(const char *tok, size_t len, void *user) {
    EncodeState *e = user;
    e->ids[e->n++] = vocab_id(e->v, tok, len);
    return e->n >= e->cap;
}

int text_encode(const Vocab *v, const char *s, size_t len, int32_t *ids, int seq_len) {
    if (!ids || seq_len < 1) return -1;
    EncodeState e = {v, ids, 0, seq_len};
    text_tokenize(s, len, seq_len, encode_cb, &e);
    for (int i = e.n; i < seq_len; i++) ids[i] = TEXT_PAD_ID;
    return e.n;
}

int text_encode_bag(const Vocab *v, const char *s, size_t len, int32_t *ids, int cap) {
    if (!ids || cap < 1) return -1;
    EncodeState e = {v, ids, 0, cap};
    text_tokenize(s, len, cap, encode_cb, &e);
    return e.n;
}
