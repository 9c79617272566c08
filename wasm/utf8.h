/* utf8.h — the engine's UTF-8 primitives: check one character, encode one
 * code point, and cut a string without splitting a character.
 *
 * Every place that shortens a string for output (a title kept to 255 bytes,
 * a name in an error message, a message that does not fit its buffer) cuts
 * it with utf8_cut, so what the engine prints stays valid UTF-8:
 *
 *     size_t k = utf8_cut(title, strlen(title), 255);   // k <= 255
 *     snprintf(msg, sizeof msg, "no metric %.*s", (int)utf8_cut(name, strlen(name), 40), name);
 */
#ifndef MOODSPACE_UTF8_H
#define MOODSPACE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of s[0..len) to keep so that at most max remain and no character is
 * split: a character that would not fit whole (or is already incomplete at
 * the end) is left out. Looks only at s[0..min(len, max)), so it also works
 * on a buffer snprintf has just truncated. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* Length (1..4) of the valid UTF-8 character at s[i] (i < n), or 0 when it
 * is invalid: a bad lead or continuation byte, an overlong form, a
 * surrogate, a code point above U+10FFFF, or a sequence cut by n. */
int utf8_char_len(const char *s, size_t n, size_t i);

/* Encode code point cp (at most U+10FFFF) into out; returns 1..4 bytes written. */
size_t utf8_put(char *out, uint32_t cp);

#endif
