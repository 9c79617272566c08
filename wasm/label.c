/* label.c — see label.h. */
#include "label.h"

static int is_sep(unsigned char c) {
    return c == ' ' || c == '/' || c == '-' || c == ',' || c == ';' || c == '.' || c == ':' || c == '(' ||
           c == '\t';
}

/* Back k off continuation bytes so it lands on a character boundary. */
static size_t char_floor(const char *s, size_t k) {
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    return k;
}

static size_t trim_seps(const char *s, size_t k) {
    while (k > 0 && is_sep((unsigned char)s[k - 1])) k--;
    return k;
}

size_t label_cut(const char *s, size_t len, size_t max) {
    if (len <= max) return len;
    /* the last word end at or before max: s[k] is a separator */
    for (size_t k = max; k > 0; k--) {
        if (is_sep((unsigned char)s[k]) && !is_sep((unsigned char)s[k - 1])) {
            size_t t = trim_seps(s, k);
            if (t > 0) return t;
        }
    }
    /* the first word is longer than max: keep it whole, within a hard cap */
    size_t k = 0;
    while (k < len && !is_sep((unsigned char)s[k])) k++;
    if (k > LABEL_HARD_MAX) k = char_floor(s, LABEL_HARD_MAX);
    return k;
}
