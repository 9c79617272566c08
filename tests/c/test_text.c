/* test_text.c — tokenizer golden files, vocabulary, encoding, bounds, fuzz. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_files.h"
#include "nn.h"
#include "text.c"   /* reach the static helpers (utf8_decode, is_repeat_mark) */

#define GOLDEN "tests/c/golden/text"

typedef struct { char *buf; size_t len, cap; } Lines;

static int lines_cb(const char *tok, size_t len, void *user) {
    Lines *l = user;
    if (l->len + len + 2 > l->cap) {
        l->cap = (l->len + len + 2) * 2;
        l->buf = realloc(l->buf, l->cap);
    }
    memcpy(l->buf + l->len, tok, len);
    l->len += len;
    l->buf[l->len++] = '\n';
    l->buf[l->len] = 0;
    return 0;
}

static void golden_files(void) {
    DIR *d = opendir(GOLDEN);
    if (!d) { check_skip("tokenizer golden files", "run from the repository root"); return; }
    struct dirent *e;
    char *names[256];
    int n = 0;
    while ((e = readdir(d)) && n < 256) {
        size_t l = strlen(e->d_name);
        if (l > 3 && !strcmp(e->d_name + l - 3, ".in")) names[n++] = strndup(e->d_name, l - 3);
    }
    closedir(d);
    CHECK(n >= 6, "there are at least 6 tokenizer golden files");
    for (int i = 0; i < n; i++) {
        char p[512], what[300];
        size_t inlen = 0, explen = 0;
        snprintf(p, sizeof p, "%s/%s.in", GOLDEN, names[i]);
        char *in = tf_read(p, &inlen);
        snprintf(p, sizeof p, "%s/%s.expected", GOLDEN, names[i]);
        char *exp = tf_read(p, &explen);
        snprintf(what, sizeof what, "tokenizer golden file %s gives one expected token per line", names[i]);
        if (!in || !exp) { CHECK(0, what); free(in); free(exp); free(names[i]); continue; }
        Lines got = {calloc(1, 1), 0, 1};
        text_tokenize(in, inlen, 0, lines_cb, &got);
        int same = got.len == explen && memcmp(got.buf, exp, explen) == 0;
        if (!same) {
            /* show the first differing line */
            size_t k = 0;
            while (k < got.len && k < explen && got.buf[k] == exp[k]) k++;
            size_t s = k; while (s > 0 && exp[s - 1] != '\n') s--;
            printf("# %s: differs at byte %zu: got \"%.40s\" want \"%.40s\"\n", names[i], k,
                   got.buf + (s < got.len ? s : got.len), exp + s);
        }
        CHECK(same, what);
        free(got.buf); free(in); free(exp); free(names[i]);
    }
}

static int count_cb(const char *tok, size_t len, void *user) {
    size_t *c = user;
    (*c)++;
    /* every token is valid UTF-8, non-empty, NUL-terminated, has no spaces */
    size_t i = 0;
    while (i < len) {
        unsigned cp;
        size_t m = utf8_decode((const unsigned char *)tok + i, len - i, &cp);
        if (cp == ' ' || cp == 0) return 1;
        i += m;
    }
    return tok[len] != 0;
}

static void bounds(void) {
    /* a 20 MB text of 4-letter words: only TEXT_MAX_INPUT_BYTES are read */
    size_t big = 20u << 20;
    char *s = malloc(big);
    for (size_t i = 0; i < big; i++) s[i] = (i % 5 == 4) ? ' ' : "love"[i % 5];
    size_t c = 0;
    size_t n = text_tokenize(s, big, 0, count_cb, &c);
    CHECK(n == c && n == TEXT_MAX_INPUT_BYTES / 5 + (TEXT_MAX_INPUT_BYTES % 5 ? 1 : 0),
          "a 20 MB text is cut at TEXT_MAX_INPUT_BYTES");
    c = 0;
    n = text_tokenize(s, big, 500, count_cb, &c);
    CHECK(n == 500 && c == 500, "max_tokens stops the tokenizer after 500 tokens");
    int32_t ids[500];
    Vocab *v = vocab_build((const char *const[]){"love"}, 1, NULL, 0);
    CHECK(text_encode(v, s, big, ids, 500) == 500 && ids[0] == 2 && ids[499] == 2,
          "encoding a huge text fills the sequence with its first words");
    int32_t bag[1000];
    CHECK(text_encode_bag(v, s, big, bag, 1000) == 1000, "bag encoding stops at its cap");
    vocab_free(v);
    /* one giant token: cut to TEXT_MAX_TOKEN_BYTES on a character boundary */
    for (size_t i = 0; i < 3000; i += 2) { s[i] = (char)0xC3; s[i + 1] = (char)0xA9; }   /* éééé… */
    size_t clen = 0;
    char *cl = text_clean(s, 3000, 0, &clen);
    CHECK(cl && clen == TEXT_MAX_TOKEN_BYTES && (unsigned char)cl[clen - 2] == 0xC3,
          "a 3000-byte token is cut to TEXT_MAX_TOKEN_BYTES on a UTF-8 boundary");
    free(cl);
    memset(s, 'a', 1000);
    memcpy(s + 1000, " b", 2);
    cl = text_clean(s, 1002, 0, &clen);
    CHECK(cl && clen == TEXT_MAX_TOKEN_BYTES + 2 && cl[clen - 1] == 'b', "the token after a cut one is intact");
    free(cl);
    free(s);
}

static void fuzz(void) {
    uint64_t st = 99;
    char buf[512];
    int ok = 1;
    for (int it = 0; it < 20000 && ok; it++) {
        size_t n = (size_t)(nn_rng_next(&st) % sizeof buf);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = nn_rng_next(&st);
            /* bias toward interesting bytes */
            const char pick[] = "[]()<>x2: \n\xc3\xa9\xe2\x80\x8b\xff\x00Aa'";
            buf[i] = (r & 3) ? pick[(r >> 8) % (sizeof pick - 1)] : (char)(r >> 16);
        }
        size_t c = 0;
        size_t got = text_tokenize(buf, n, 0, count_cb, &c);
        if (got != c) ok = 0;
        char *cl = text_clean(buf, n, 0, NULL);
        if (!cl) ok = 0;
        free(cl);
    }
    CHECK(ok, "20000 random byte strings tokenize into valid UTF-8 tokens without a crash");
}

typedef struct { int n; } StopCtx;
static int stop_after_two(const char *tok, size_t len, void *user) {
    (void)tok; (void)len;
    StopCtx *c = user;
    return ++c->n >= 2;
}

static void api(void) {
    const char *w[] = {"love", "night", "you", "café"};
    char err[200];
    Vocab *v = vocab_build(w, 4, err, sizeof err);
    CHECK(v != NULL, "a vocabulary builds from a word list");
    CHECK(vocab_size(v) == 6, "vocab_size counts padding and OOV");
    CHECK(vocab_id(v, "love", 4) == 2 && vocab_id(v, "café", strlen("café")) == 5, "word i has id i + 2");
    CHECK(vocab_id(v, "lovely", 4) == 2, "lookup uses exactly len bytes");
    CHECK(vocab_id(v, "hate", 4) == TEXT_OOV_ID && vocab_id(v, "", 0) == TEXT_OOV_ID, "unknown words are OOV");
    CHECK_STR(vocab_word(v, 3), "night", "vocab_word maps ids back to words");
    CHECK_STR(vocab_word(v, 0), "", "id 0 is the empty padding token");
    CHECK_STR(vocab_word(v, 1), "[UNK]", "id 1 is [UNK]");
    CHECK(vocab_word(v, 6) == NULL && vocab_word(v, -1) == NULL, "ids out of range have no word");
    int32_t ids[8];
    const char *t = "[Chorus]\nLOVE you, CAFÉ... love me tonight";
    int n = text_encode(v, t, strlen(t), ids, 8);
    int32_t want[8] = {2, 4, 5, 2, 1, 1, 0, 0};
    CHECK(n == 6 && !memcmp(ids, want, sizeof want), "text_encode maps tokens to ids and pads with 0 at the end");
    n = text_encode(v, t, strlen(t), ids, 3);
    CHECK(n == 3 && ids[0] == 2 && ids[1] == 4 && ids[2] == 5, "text_encode truncates at the end like Keras");
    CHECK(text_encode(v, NULL, 0, ids, 4) == 0 && ids[3] == 0, "an empty text encodes to all padding");
    CHECK(text_encode(v, t, strlen(t), ids, 0) == -1 && text_encode(v, t, 3, NULL, 4) == -1,
          "text_encode rejects bad arguments");
    int32_t bag[16];
    CHECK(text_encode_bag(v, t, strlen(t), bag, 16) == 6 && bag[5] == 1, "text_encode_bag returns all ids");
    CHECK(text_encode(NULL, "love", 4, ids, 2) == 1 && ids[0] == TEXT_OOV_ID, "a NULL vocabulary makes everything OOV");
    vocab_free(v);

    CHECK(vocab_build((const char *const[]){"a", "b", "a"}, 3, err, sizeof err) == NULL && strstr(err, "duplicate"),
          "duplicate vocabulary words are refused");
    CHECK(vocab_build((const char *const[]){"a", ""}, 2, err, sizeof err) == NULL && strstr(err, "empty"),
          "empty vocabulary words are refused");
    CHECK(vocab_build(NULL, -1, err, sizeof err) == NULL, "a negative word count is refused");
    Vocab *e = vocab_build(NULL, 0, err, sizeof err);
    CHECK(e && vocab_size(e) == 2 && vocab_id(e, "x", 1) == 1, "an empty vocabulary works");
    vocab_free(e);

    size_t len = 99;
    char *c = text_clean("  Hello,   WORLD!\n[Outro]\n(x4) Bye  ", 36, 0, &len);
    CHECK_STR(c, "hello world bye", "text_clean joins the cleaned tokens with single spaces");
    CHECK(len == 15, "text_clean reports its length");
    free(c);
    c = text_clean("a b c d", 7, 2, NULL);
    CHECK_STR(c, "a b", "text_clean honours max_tokens");
    free(c);
    c = text_clean(NULL, 0, 0, &len);
    CHECK(c && c[0] == 0 && len == 0, "text_clean of nothing is an empty string");
    free(c);
    StopCtx sc = {0};
    CHECK(text_tokenize("a b c d", 7, 0, stop_after_two, &sc) == 2, "a callback can stop tokenizing");

    CHECK(is_repeat_mark("x2", 2) && is_repeat_mark("Repeat X 2", 10) && is_repeat_mark("2 times", 7) &&
          !is_repeat_mark("2", 1) && !is_repeat_mark("x", 1) && !is_repeat_mark("yeah", 4) &&
          !is_repeat_mark("x2x", 3) && !is_repeat_mark("x1234", 5),
          "repeat marks are recognised and ordinary parentheses are not");
    CHECK(is_bare_repeat("x2", 2) && is_bare_repeat("12x", 3) && !is_bare_repeat("x", 1) &&
          !is_bare_repeat("xbox", 4) && !is_bare_repeat("x2000", 5) && !is_bare_repeat("2x3", 3),
          "bare repeat tokens are x/× plus 1-3 digits");
    /* TF parity on the punctuation set: every ASCII punctuation char vanishes */
    c = text_clean("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", 32, 0, NULL);
    CHECK_STR(c, "", "all 32 ASCII punctuation characters are stripped (TF's set)");
    free(c);
    c = text_clean("a!b\"c#d$e%f&g'h(i)j*k+l,m-n.o/p:q;r<s=t>u?v@w\\x^y_z`{|}~", 57, 0, NULL);
    CHECK_STR(c, "abcdefghijklmnopqrstuvwxyz", "punctuation inside words is deleted, not split on");
    free(c);
}

int main(void) {
    (void)check_skip; (void)check_tensor_at_;
    golden_files();
    api();
    bounds();
    fuzz();
    return check_summary();
}
