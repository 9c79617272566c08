/* text.h — lyric/screenplay text cleaning, tokenizing and vocabulary lookup.
 *
 * Usage:
 *     const char *words[] = {"love", "night", "you"};      // training order
 *     char err[128];
 *     Vocab *v = vocab_build(words, 3, err, sizeof err);   // "love"=2, "night"=3, "you"=4
 *     int32_t ids[500];
 *     int n = text_encode(v, lyric, strlen(lyric), ids, 500);   // n tokens, rest 0
 *     vocab_free(v);
 *
 * Cleaning (text_clean, text_tokenize and everything built on them) matches
 * TensorFlow's TextVectorization(standardize="lower_and_strip_punctuation",
 * split="whitespace") so a Keras-trained vocabulary lines up, plus lyric
 * furniture removal. Step by step, on the UTF-8 input:
 *   1. Invalid UTF-8 (bad lead/continuation bytes, overlongs, surrogates,
 *      > U+10FFFF, truncated sequences) is REPLACED by U+FFFD, one per bad
 *      byte; never a crash. NUL bytes count as whitespace.
 *   2. Lyric furniture is removed (before punctuation stripping), line by line:
 *      - any "[...]" closed on the same line within TEXT_MAX_TAG_BYTES bytes:
 *        section tags "[Chorus]", "[Verse 2: Artist]", LRC timestamps
 *        "[01:02.33]", LRC metadata "[ar:Someone]";
 *      - repeat marks in parentheses: "(x2)", "(X3)", "(2x)", "(×4)",
 *        "(repeat)", "(Repeat x2)", "(repeat 3 times)";
 *      - bare repeat tokens: "x2", "x12", "2x", "×3" (x or × with 1-3 digits);
 *      - "<...>" enhanced-LRC word timestamps like "<01:02.33>".
 *      An unclosed "[" or "(" is ordinary punctuation.
 *   3. Lower-casing: ASCII, Latin-1 (À..Þ → à..þ, except ×), Latin
 *      Extended-A (Ā..ž pairs, Ÿ → ÿ), Greek (Α..Ω, Ά..Ώ) and Cyrillic (А..Я,
 *      Ѐ..Џ), ẞ → ß, İ → i (Unicode's simple mapping; ICU gives "i̇").
 *      Other scripts pass through unchanged (TF uses ICU's full
 *      lower-casing; the difference only matters outside these ranges).
 *   4. The ASCII punctuation set !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~ is deleted
 *      (not replaced by a space — "don't" → "dont", "rock-n-roll" →
 *      "rocknroll"), exactly TF's regex [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\'].
 *      Non-ASCII punctuation (’ “ ” … ¿ ¡) is kept, as in TF.
 *   5. Split on whitespace runs: ASCII whitespace (space \t \n \v \f \r) as
 *      TF does, and — the one deliberate difference from TF — also U+00A0,
 *      U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
 *
 * Bounds for huge texts: only the first TEXT_MAX_INPUT_BYTES bytes of any
 * input are looked at, and every tokenizing function takes a token cap and
 * stops scanning as soon as it is reached, so time and memory are
 * O(min(len, TEXT_MAX_INPUT_BYTES)) and usually far less (encoding 500 tokens
 * of a 100k-word lyric reads only the first ~500 words). A single token longer
 * than TEXT_MAX_TOKEN_BYTES bytes is cut to that length (on a UTF-8 character
 * boundary); such a token is never a vocabulary word anyway.
 *
 * Nothing here allocates global state; all functions are thread-safe and
 * never abort. No file I/O (usable in the wasm build).
 */
#ifndef MOODSPACE_TEXT_H
#define MOODSPACE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_PAD_ID 0               /* padding id (Keras: "") */
#define TEXT_OOV_ID 1               /* out-of-vocabulary id (Keras: "[UNK]") */
#define TEXT_MAX_INPUT_BYTES (8u << 20)   /* bytes of input ever looked at */
#define TEXT_MAX_TOKEN_BYTES 256    /* longer tokens are cut to this */
#define TEXT_MAX_TAG_BYTES 120      /* longest "[...]" treated as a tag */
#define VOCAB_MAX_WORDS 1000000     /* vocab_build refuses more */

/* ---- cleaning and tokenizing -------------------------------------------- */

/* Called once per token, in order. `tok` is NUL-terminated, `len` bytes of
 * valid UTF-8, never empty, valid only during the call. Return 0 to go on,
 * non-zero to stop tokenizing. */
typedef int (*text_token_fn)(const char *tok, size_t len, void *user);

/* Tokenize `len` bytes of `s` (need not be NUL-terminated; NULL with len 0
 * is fine), calling `fn` for each token, at most `max_tokens` times
 * (max_tokens <= 0 means no cap beyond TEXT_MAX_INPUT_BYTES).
 * Returns the number of tokens delivered (stops early if `fn` returns
 * non-zero; that token counts). Never fails. */
size_t text_tokenize(const char *s, size_t len, long max_tokens, text_token_fn fn, void *user);

/* The cleaned text: tokens joined by single spaces (no leading/trailing
 * space), NUL-terminated, at most max_tokens tokens (<= 0: no cap).
 * Returns a malloc'd string the caller frees with free(), and its length in
 * *out_len if out_len is not NULL; NULL only if out of memory. */
char *text_clean(const char *s, size_t len, long max_tokens, size_t *out_len);

/* ---- vocabulary --------------------------------------------------------- */

typedef struct Vocab Vocab;

/* Build a vocabulary from an ordered word list: words[i] gets id i + 2
 * (ids 0 and 1 are padding and OOV, so do NOT include Keras' "" / "[UNK]").
 * Words are copied. Each word must be non-empty, at most TEXT_MAX_TOKEN_BYTES
 * bytes, and unique; n must be in 0..VOCAB_MAX_WORDS. Words are looked up
 * exactly as given (callers pass cleaned tokens).
 * Returns NULL with a message in err (if err != NULL) on bad input or out of
 * memory. Free with vocab_free. */
Vocab *vocab_build(const char *const *words, int n, char *err, size_t errlen);

/* The same from n words already NUL-terminated back to back in block (a
 * malloc'd block the vocabulary takes over: freed with it, or here when
 * NULL is returned), so a loader copies each word once. Same checks and
 * messages as vocab_build. */
Vocab *vocab_adopt(char *block, int n, char *err, size_t errlen);

/* The words as one text: each NUL-terminated, back to back, in id order
 * (word 2 first); its length in *len (the last NUL included). A check of
 * every word (UTF-8, say) is then one pass. "" for NULL. */
const char *vocab_words_text(const Vocab *v, size_t *len);

/* Free a vocabulary (NULL is fine). */
void vocab_free(Vocab *v);

/* Number of ids including padding and OOV: n_words + 2 (Keras'
 * vocabulary_size(); the Embedding's input_dim). 0 for NULL. */
int vocab_size(const Vocab *v);

/* Id of a word of `len` bytes (need not be NUL-terminated): 2.. for known
 * words, TEXT_OOV_ID otherwise (also for NULL v). */
int vocab_id(const Vocab *v, const char *word, size_t len);

/* Word of an id: "" for 0, "[UNK]" for 1, the word for 2..size-1, NULL out of
 * range. The string belongs to the vocabulary. */
const char *vocab_word(const Vocab *v, int id);

/* ---- encoding ----------------------------------------------------------- */

/* Keras-style fixed-length encoding: the first seq_len tokens of the text as
 * ids (unknown words → TEXT_OOV_ID), then TEXT_PAD_ID up to seq_len (extra
 * tokens are dropped from the end, like TextVectorization's
 * output_sequence_length). ids must hold seq_len int32s.
 * Returns the number of real tokens written (0..seq_len), -1 if seq_len < 1
 * or ids is NULL. */
int text_encode(const Vocab *v, const char *s, size_t len, int32_t *ids, int seq_len);

/* Bag-of-ids for bag-of-words models: the ids of all tokens in order
 * (unknown words → TEXT_OOV_ID), at most `cap`; nothing is padded.
 * Returns the number written (0..cap), -1 if cap < 1 or ids is NULL. */
int text_encode_bag(const Vocab *v, const char *s, size_t len, int32_t *ids, int cap);

#endif
