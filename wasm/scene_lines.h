/* scene_lines.h — the screenplay parser's line classifiers (scene_lines.c):
 * is a line a scene heading, a slug, a character cue, a transition, page
 * furniture? Private to the scene parser (callers include scene.h). */
#ifndef MOODSPACE_SCENE_LINES_H
#define MOODSPACE_SCENE_LINES_H
#include <stddef.h>

/* A parsed scene heading. */
typedef struct Heading {
    char number[16];
    char heading[256];
    char location[160];
    char time[64];
    const char *setting;
    size_t rest;          /* > 0: action text glued to the heading starts here */
} Heading;

/* s[0..n) into dst (cap bytes, cut on a character boundary) without the
 * spaces and punctuation (- . : , /) around it, whitespace runs as one space. */
void copy_trim(char *dst, size_t cap, const char *s, size_t n);
/* Match a heading keyword at s. case_ci: accept any case. Returns keyword
 * length (0: none) and the setting. */
size_t heading_keyword(const char *s, size_t n, int case_ci, const char **setting);
/* Split a heading body "CABIN - NIGHT (1946)" into location and time. */
void heading_split(Heading *h, const char *b, size_t n);
/* Recognise a scene heading line. mode: 0 plain (upper-case keyword), 1
 * Fountain (any case). Fills h. */
int parse_heading(const char *s, size_t n, int fountain, Heading *h);
/* Layout-only heading (scripts with few INT/EXT): an all-caps slug line with a
 * time-of-day word, or "SCENE 12 - ...". */
int parse_slug(const char *s, size_t n, Heading *h);
/* Strong slug line, accepted in any script: all caps "PLACE - TIME" whose
 * last part holds only time-of-day words ("HOSPITAL - DAY (1963)",
 * "GARRISON'S STUDY - MOMENTS LATER"). */
int parse_strong_slug(const char *s, size_t n, Heading *h);
/* Page furniture in scraped scripts: page numbers, CONTINUED, (MORE), OMITTED. */
int is_furniture(const char *s, size_t n);
/* Transitions: "CUT TO:", "FADE OUT.", "DISSOLVE TO:", "FADE IN:", "THE END". */
int is_transition(const char *s, size_t n);
/* Character cue: an all-caps name (letters before any "(" are upper case),
 * with optional extensions "(V.O.)", "(CONT'D)", a leading '@' (forced) and
 * a trailing '^' (dual). Writes the bare name. */
int parse_cue(const char *s, size_t n, int forced, char *name, size_t cap);
/* "NAME: speech" on one line (scripts typed as transcripts). Returns the
 * offset of the speech, or 0; writes the name. */
size_t inline_cue(const char *s, size_t n, char *name, size_t cap);

#endif
