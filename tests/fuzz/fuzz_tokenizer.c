/* fuzz_tokenizer.c — libFuzzer harness for the tokenizer (text.h): cleaning,
 * tokenizing, fixed-length and bag encoding of arbitrary bytes. Checks the
 * documented promises, not only "no crash": every token is non-empty valid
 * UTF-8 of at most TEXT_MAX_TOKEN_BYTES bytes, the cleaned text is the
 * tokens joined by single spaces, and every id is in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "text.h"

static Vocab *vocab;

typedef struct {
    const char *clean;   /* the cleaned text, walked in step with the tokens */
    size_t at, len;
} Walk;

static int on_token(const char *tok, size_t len, void *user) {
    Walk *w = user;
    FUZZ_ASSERT(len > 0 && len <= TEXT_MAX_TOKEN_BYTES && strlen(tok) == len, "token length");
    FUZZ_ASSERT(fuzz_valid_utf8(tok, len), "token is valid UTF-8");
    if (w->at) { FUZZ_ASSERT(w->at < w->len && w->clean[w->at] == ' ', "tokens joined by one space"); w->at++; }
    FUZZ_ASSERT(w->at + len <= w->len && memcmp(w->clean + w->at, tok, len) == 0, "cleaned text = tokens");
    w->at += len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!vocab) {
        const char *words[] = {"love", "night", "dont", "été", "×", "x2", "rocknroll", "ça"};
        vocab = vocab_build(words, 8, NULL, 0);
        FUZZ_ASSERT(vocab != NULL, "vocabulary builds");
    }
    /* an exact-size heap copy, so ASan sees any read past the end */
    char *s = malloc(size ? size : 1);
    if (!s) return 0;
    memcpy(s, data, size);
    size_t clen = 0;
    char *clean = text_clean(s, size, 0, &clen);
    if (clean) {
        FUZZ_ASSERT(strlen(clean) == clen && fuzz_valid_utf8(clean, clen), "cleaned text is valid UTF-8");
        Walk w = {clean, 0, clen};
        text_tokenize(s, size, 0, on_token, &w);
        FUZZ_ASSERT(w.at == clen, "every cleaned byte comes from a token");
        free(clean);
    }
    int32_t ids[64];
    int n = text_encode(vocab, s, size, ids, 64);
    FUZZ_ASSERT(n >= 0 && n <= 64, "encode count");
    for (int i = 0; i < 64; i++) FUZZ_ASSERT(ids[i] >= 0 && ids[i] < vocab_size(vocab), "id in range");
    n = text_encode_bag(vocab, s, size, ids, 64);
    FUZZ_ASSERT(n >= 0 && n <= 64, "bag count");
    free(s);
    return 0;
}
