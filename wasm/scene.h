/* scene.h — split a screenplay or a subtitle file into scenes.
 *
 * Formats (auto-detected, or forced with SceneOpts.format):
 *   - Fountain 1.1: title page, scene headings (INT, EXT, EST, INT./EXT,
 *     INT/EXT, I/E, forced '.', scene numbers #12A#), action (forced '!'),
 *     character cues (extensions, forced '@', dual dialogue '^'),
 *     parentheticals, dialogue, transitions (forced '>'), centered text,
 *     lyrics '~', sections '#', synopses '=', notes [[ ]], boneyard slash-star
 *     comments, page breaks '===', emphasis markers (*, **, ***, _) stripped.
 *   - Plain-text screenplays as scraped from the web: numbered headings
 *     ("12  INT -- CABIN -- NIGHT (1946)  12"), INTERIOR/EXTERIOR, headings
 *     without INT/EXT when the script has (almost) none, indentation telling
 *     action from dialogue from cues, page numbers, CONTINUED / (MORE) /
 *     (CONT'D) furniture, stray HTML tags, comments and entities.
 *   - Subtitles: SubRip (.srt) and WebVTT (.vtt). Cues are grouped into scenes
 *     by time gaps (default) or fixed windows; each scene keeps start/end
 *     seconds. Bracketed sound descriptions ([door slams]) count as action,
 *     the rest as dialogue; <v Name> and "NAME:" give characters.
 *
 * The text for the model (Scene.text) is action + dialogue in script order,
 * one paragraph or speech per line, with character cues, parentheticals,
 * transitions, headings, page furniture and markup removed. Scene.action and
 * Scene.dialogue hold the two parts separately, so a caller can weight them
 * (see arc.h: ArcOpts.action_weight / dialogue_weight).
 *
 * Limits: input longer than SceneOpts.max_bytes is cut at a line boundary
 * with a warning; input that looks binary (NUL or control bytes) is rejected;
 * invalid UTF-8 is replaced by U+FFFD with a warning; at most
 * SceneOpts.max_scenes scenes (the rest merge into the last one, with a
 * warning). Time and memory are linear in the input size.
 *
 * Usage:
 *     SceneOpts o = scene_default_opts();
 *     char err[200];
 *     ScriptScenes *ss = scene_parse(text, len, &o, err, sizeof err);
 *     if (!ss) { fprintf(stderr, "%s\n", err); return; }
 *     for (int i = 0; i < ss->n_scenes; i++) puts(ss->scenes[i].heading);
 *     char *json = scenes_to_json(ss, SCENE_JSON_DETAILS);  // free() it
 *     scene_free(ss);
 */
#ifndef MOODSPACE_SCENE_H
#define MOODSPACE_SCENE_H

#include <stddef.h>
#include "cJSON.h"

typedef enum {
    SCENE_FMT_AUTO = 0,
    SCENE_FMT_FOUNTAIN = 1,
    SCENE_FMT_PLAIN = 2,   /* plain-text screenplay laid out by indentation */
    SCENE_FMT_SRT = 3,
    SCENE_FMT_VTT = 4,
} SceneFormat;

typedef struct {
    SceneFormat format;   /* SCENE_FMT_AUTO: detect (see scene_detect_format) */
    const char *filename; /* optional hint for detection (extension), may be NULL */
    size_t max_bytes;     /* input cut here (at a line end) with a warning; default 32 MiB */
    int max_scenes;       /* default 20000 */
    /* subtitles */
    double sub_gap;       /* new scene when the silence between cues >= this (s); default 8 */
    double sub_window;    /* > 0: fixed windows of this many seconds instead of gaps; default 0 */
    double sub_max_scene; /* > 0: a gap-scene longer than this is cut at the next cue; default 240 */
    /* plain text */
    int min_int_ext;      /* fewer INT/EXT headings than this: also accept layout-only
                             headings (all-caps slug lines with a time of day); default 8 */
    int keep_preamble;    /* 1: text before the first heading is scene 0 when it holds
                             dialogue; 0: never; default 1 */
} SceneOpts;

/* One scene. All strings are UTF-8, NUL-terminated, never NULL ("" when absent). */
typedef struct {
    int index;            /* 0-based position in the script */
    char *heading;        /* heading as written, without scene numbers; subtitles:
                             "HH:MM:SS.mmm --> HH:MM:SS.mmm"; preamble: "" */
    char *number;         /* scene number ("12A") or "" */
    char *location;       /* "CABIN" from "INT. CABIN - NIGHT", or "" */
    char *time_of_day;    /* "NIGHT", or "" */
    char *setting;        /* "INT", "EXT", "INT/EXT" or "" */
    char **characters;    /* stb_ds array of distinct speaking characters, in order */
    char *action;         /* action lines, one paragraph per line */
    char *dialogue;       /* spoken lines, one speech per line */
    char *text;           /* model text: action + dialogue in script order */
    int start_line;       /* 1-based line numbers in the input, inclusive */
    int end_line;
    int words;            /* words in text */
    int action_words, dialogue_words;
    double start, end;    /* seconds for subtitles, -1 otherwise */
} Scene;

typedef struct {
    SceneFormat format;   /* the format actually parsed */
    char *title;          /* from a Fountain title page ("Title:"), or "" */
    int year;             /* a year (1900..2099) found on the title page / before
                             the first scene, or 0 */
    Scene *scenes;        /* stb_ds array, n_scenes long */
    int n_scenes;
    int n_lines;          /* lines in the (possibly truncated) input */
    int n_headings;       /* scenes that start at a real heading (not preamble/time) */
    char **warnings;      /* stb_ds array of messages (truncation, bad UTF-8, ...) */
} ScriptScenes;

/* Defaults as documented in SceneOpts. */
SceneOpts scene_default_opts(void);

/* Guess the format of text[0..len): filename extension first (.srt, .vtt,
 * .fountain/.spmd), then content (WEBVTT header, SRT timestamps, Fountain
 * syntax versus indentation layout). Never returns SCENE_FMT_AUTO. */
SceneFormat scene_detect_format(const char *text, size_t len, const char *filename);

/* Name of a format: "auto", "fountain", "plain", "srt", "vtt". */
const char *scene_format_name(SceneFormat f);

/* Parse a format name (as above, also "txt", "text"); -1 when unknown. */
int scene_format_from_name(const char *name);

/* Split text (len bytes, need not be NUL-terminated; NULL is fine when len
 * is 0) into scenes. opts may be NULL (defaults). Returns a new ScriptScenes
 * (free with scene_free), possibly with 0 scenes for an empty input, or NULL
 * with a message in err (see err.h; err may be NULL) when the input is
 * rejected (binary data) or memory runs out. */
ScriptScenes *scene_parse(const char *text, size_t len, const SceneOpts *opts, char *err, size_t errlen);

/* Free a result of scene_parse (NULL is fine). */
void scene_free(ScriptScenes *ss);

/* JSON flags */
enum {
    SCENE_JSON_DETAILS = 1,   /* location, time, setting, number, characters,
                                 action/dialogue word counts */
    SCENE_JSON_TEXT = 2,      /* also "text", "action", "dialogue" */
};

/* One scene as a cJSON object: index, heading, start_line, end_line, words,
 * start/end (subtitles only) plus what flags ask for. cJSON_Delete it.
 * NULL when out of memory. */
cJSON *scene_to_cjson(const Scene *s, int flags);

/* The whole result as a JSON string (malloc'ed, free() it):
 *   {"format":"fountain","title":"","year":0,"lines":N,"headings":N,
 *    "warnings":[...],"scenes":[{...}, ...]}
 * NULL when out of memory. */
char *scenes_to_json(const ScriptScenes *ss, int flags);

#endif
