/* scene_builder.h — the scene builder (scene_builder.c): what the screenplay
 * parser (scene.c) and the subtitle parser (scene_subtitles.c) fill, scene
 * by scene. Private to the scene parser (callers include scene.h). */
#ifndef MOODSPACE_SCENE_BUILDER_H
#define MOODSPACE_SCENE_BUILDER_H

#include "scene_internal.h"

char *scene_strdup(const char *s);   /* NULL when out of memory */

/* Append a printf-formatted message to ss->warnings. */
void scene_warn(ScriptScenes *ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning that may arise many times, given once. */
void scene_warn_once(ScriptScenes *ss, const char *msg);
/* Free a scene's strings and characters and zero it. */
void scene_clear(Scene *s);

/* Growable byte string (stb_ds char array, always NUL-terminated when used). */
typedef struct { char *a; } Str;

typedef enum { PARA_NONE, PARA_ACTION, PARA_DIALOGUE } ParaKind;

/* The scene being built, shared by the screenplay and subtitle parsers. */
typedef struct {
    ScriptScenes *ss;
    const SceneOpts *o;
    Scene cur;
    int open;              /* cur holds a scene */
    Str text, action, dialogue;
    Str para;              /* current paragraph (action) or speech (dialogue) */
    ParaKind para_kind;
} Builder;

typedef struct Heading Heading;   /* a parsed scene heading (scene_lines.h) */

/* Start a new scene at lineno (closing the open one), with h's heading
 * fields when h is not NULL. At max_scenes the open scene simply goes on
 * (returns 0). */
int open_scene(Builder *B, const Heading *h, int lineno);
/* Close the open scene and append it (merged into the last one past max_scenes). */
void close_scene(Builder *B);
/* Add text to the current paragraph (a new one when the kind changes). */
void add_content(Builder *B, ParaKind kind, const char *s, size_t n, int lineno);
/* End the current paragraph or speech. */
void flush_para(Builder *B);
/* A speaking character of the open scene (once each). */
void add_character(Builder *B, const char *name);
void builder_free(Builder *B);

#endif
