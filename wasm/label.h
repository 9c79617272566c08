/* label.h — short labels (scene locations, segment headings) cut on a word
 * boundary, never inside a word or a UTF-8 character.
 *
 * label_cut(s, len, max) is the length of the label to keep: all of s when
 * len <= max; else the longest prefix of at most max bytes that ends where a
 * word ends (before a space, '/', '-', ',', ';', '.', ':' or '('), without
 * trailing separators; when even the first word is longer than max, the
 * first word whole (at most LABEL_HARD_MAX bytes, then cut on a character
 * boundary). */
#ifndef MOODSPACE_LABEL_H
#define MOODSPACE_LABEL_H

#include <stddef.h>

#define LABEL_HARD_MAX 48

size_t label_cut(const char *s, size_t len, size_t max);

#endif
