/* scene_builder.c — the scene builder (scene_builder.h) that the screenplay
 * parser (scene.c) and the subtitle parser (scene_subtitles.c) both fill:
 * scenes opened and closed, paragraphs of action and dialogue, characters,
 * the max_scenes merge, and the parser's warnings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>

#include "scene_builder.h"
#include "scene_lines.h"

static char *xstrndup(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *scene_strdup(const char *s) { return xstrndup(s, strlen(s)); }

void scene_warn(ScriptScenes *ss, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *m = scene_strdup(buf);
    if (m) arrput(ss->warnings, m);
}

/* A warning that may arise many times, given once. */
void scene_warn_once(ScriptScenes *ss, const char *msg) {
    for (int i = 0; i < arrlen(ss->warnings); i++) if (!strcmp(ss->warnings[i], msg)) return;
    scene_warn(ss, "%s", msg);
}

static void str_add(Str *s, const char *p, size_t n) {
    if (!n) return;
    if (arrlen(s->a) && s->a[arrlen(s->a) - 1] == 0) arrsetlen(s->a, arrlen(s->a) - 1);
    memcpy(arraddnptr(s->a, n), p, n);
    arrput(s->a, 0);
}
static void str_addc(Str *s, char c) { str_add(s, &c, 1); }
static size_t str_len(const Str *s) { return arrlen(s->a) ? (size_t)arrlen(s->a) - 1 : 0; }
static char *str_take(Str *s) {   /* malloc'ed copy, then reset */
    char *r = xstrndup(s->a ? s->a : "", str_len(s));
    arrfree(s->a);
    s->a = NULL;
    return r;
}

void flush_para(Builder *B) {
    if (B->para_kind == PARA_NONE) return;
    size_t n = str_len(&B->para);
    if (n) {
        Str *dst = B->para_kind == PARA_ACTION ? &B->action : &B->dialogue;
        if (str_len(dst)) str_addc(dst, '\n');
        str_add(dst, B->para.a, n);
        if (str_len(&B->text)) str_addc(&B->text, '\n');
        str_add(&B->text, B->para.a, n);
    }
    arrfree(B->para.a);
    B->para.a = NULL;
    B->para_kind = PARA_NONE;
}

void add_content(Builder *B, ParaKind kind, const char *s, size_t n, int lineno) {
    if (!n) return;
    if (B->para_kind != kind) flush_para(B);
    B->para_kind = kind;
    if (str_len(&B->para)) str_addc(&B->para, ' ');
    str_add(&B->para, s, n);
    if (lineno > B->cur.end_line) B->cur.end_line = lineno;
}

void add_character(Builder *B, const char *name) {
    for (int i = 0; i < arrlen(B->cur.characters); i++)
        if (!strcmp(B->cur.characters[i], name)) return;
    if (arrlen(B->cur.characters) >= 200) return;
    char *c = scene_strdup(name);
    if (c) arrput(B->cur.characters, c);
}

void builder_free(Builder *B) {
    arrfree(B->text.a); arrfree(B->action.a); arrfree(B->dialogue.a); arrfree(B->para.a);
}

void scene_clear(Scene *s) {
    free(s->heading); free(s->number); free(s->location); free(s->time_of_day); free(s->setting);
    for (int i = 0; i < arrlen(s->characters); i++) free(s->characters[i]);
    arrfree(s->characters);
    free(s->action); free(s->dialogue); free(s->text);
    memset(s, 0, sizeof *s);
}

static const char TOO_MANY_SCENES[] = "more scenes than max_scenes: the rest were merged into the last scene";

/* Close the open scene and append it (or merge when over max_scenes). */
void close_scene(Builder *B) {
    if (!B->open) return;
    flush_para(B);
    Scene *c = &B->cur;
    c->action = str_take(&B->action);
    c->dialogue = str_take(&B->dialogue);
    c->text = str_take(&B->text);
    c->words = c->text ? count_words(c->text, strlen(c->text)) : 0;
    c->action_words = c->action ? count_words(c->action, strlen(c->action)) : 0;
    c->dialogue_words = c->dialogue ? count_words(c->dialogue, strlen(c->dialogue)) : 0;
    if (!c->heading) c->heading = scene_strdup("");
    if (!c->number) c->number = scene_strdup("");
    if (!c->location) c->location = scene_strdup("");
    if (!c->time_of_day) c->time_of_day = scene_strdup("");
    if (!c->setting) c->setting = scene_strdup("");
    if (c->end_line < c->start_line) c->end_line = c->start_line;
    ScriptScenes *ss = B->ss;
    if (ss->n_scenes >= B->o->max_scenes && ss->n_scenes > 0) {
        /* merge into the last scene */
        Scene *last = &ss->scenes[ss->n_scenes - 1];
        Str t = {0}, a = {0}, d = {0};
        str_add(&t, last->text, strlen(last->text)); if (c->text[0]) { str_addc(&t, '\n'); str_add(&t, c->text, strlen(c->text)); }
        str_add(&a, last->action, strlen(last->action)); if (c->action[0]) { str_addc(&a, '\n'); str_add(&a, c->action, strlen(c->action)); }
        str_add(&d, last->dialogue, strlen(last->dialogue)); if (c->dialogue[0]) { str_addc(&d, '\n'); str_add(&d, c->dialogue, strlen(c->dialogue)); }
        free(last->text); free(last->action); free(last->dialogue);
        last->text = str_take(&t); last->action = str_take(&a); last->dialogue = str_take(&d);
        last->words += c->words; last->action_words += c->action_words; last->dialogue_words += c->dialogue_words;
        if (c->end_line > last->end_line) last->end_line = c->end_line;
        if (c->end > last->end) last->end = c->end;
        for (int i = 0; i < arrlen(c->characters); i++) {
            int dup = 0;
            for (int j = 0; j < arrlen(last->characters); j++) if (!strcmp(last->characters[j], c->characters[i])) { dup = 1; break; }
            if (!dup && arrlen(last->characters) < 200) { arrput(last->characters, c->characters[i]); c->characters[i] = NULL; }
        }
        scene_clear(c);
        scene_warn_once(ss, TOO_MANY_SCENES);
    } else {
        c->index = ss->n_scenes;
        arrput(ss->scenes, *c);
        ss->n_scenes++;
        memset(c, 0, sizeof *c);
    }
    B->open = 0;
}

/* Start a new scene (closing the open one). At max_scenes the open scene
 * simply goes on (returns 0): the rest of the script merges into it, in
 * linear time. */
int open_scene(Builder *B, const Heading *h, int lineno) {
    if (B->open && B->ss->n_scenes + 1 >= B->o->max_scenes) {
        scene_warn_once(B->ss, TOO_MANY_SCENES);
        return 0;
    }
    close_scene(B);
    memset(&B->cur, 0, sizeof B->cur);
    B->cur.start = B->cur.end = -1;
    B->cur.start_line = B->cur.end_line = lineno;
    if (h) {
        B->cur.heading = scene_strdup(h->heading);
        B->cur.number = scene_strdup(h->number);
        B->cur.location = scene_strdup(h->location);
        B->cur.time_of_day = scene_strdup(h->time);
        B->cur.setting = scene_strdup(h->setting ? h->setting : "");
    }
    B->open = 1;
    return 1;
}

