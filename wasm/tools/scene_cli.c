/* scene_cli.c — helpers shared by the scenes, arc and catalog commands. */
#include "scene_cli.h"
#include "tool_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_ds.h>

char *scene_cli_read(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) { perror(path); return NULL; }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    const size_t limit = (size_t)256 << 20;
    while (buf) {
        if (n == cap) {
            if (cap >= limit) { fprintf(stderr, "moodspace: %s: larger than 256 MiB, refused\n", path); free(buf); buf = NULL; break; }
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) { perror(path); free(buf); buf = NULL; }
            break;
        }
    }
    if (f != stdin) fclose(f);
    if (!buf) return NULL;
    buf[n] = 0;
    *len = n;
    return buf;
}

ScriptScenes *scene_cli_parse_text(const char *cmd, const char *path, const char *text, size_t len, const SceneOpts *o) {
    SceneOpts so = *o;
    if (!so.filename) so.filename = path;
    char err[512];
    ScriptScenes *ss = scene_parse(text, len, &so, err, sizeof err);
    if (!ss) fprintf(stderr, "%s: %s: %s\n", cmd, path, err);
    return ss;
}

ScriptScenes *scene_cli_parse_file(const char *cmd, const char *path, const SceneOpts *o) {
    size_t len = 0;
    char *text = scene_cli_read(path, &len);
    if (!text) return NULL;
    ScriptScenes *ss = scene_cli_parse_text(cmd, path, text, len, o);
    free(text);
    return ss;
}

/* A number 0..1e7 for a scene option. 0, or -1 after a message. */
static int num_value(const char *cmd, const char *opt, const char *v, double *out) {
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= 0) || x > 1e7) { tool_usage_error(cmd, "%s: bad value '%s'", opt, v); return -1; }
    *out = x;
    return 0;
}

int scene_cli_opt(void *ctx, const char *a, const char *value) {
    SceneCliOpts *c = ctx;
    SceneOpts *o = c->o;
    if (!strcmp(a, "--no-preamble")) { o->keep_preamble = 0; return 0; }
    if (strcmp(a, "--format") && strcmp(a, "--gap") && strcmp(a, "--window") && strcmp(a, "--max-scene") &&
        strcmp(a, "--min-int-ext")) return c->other ? c->other(c->ctx, a, value) : -1;
    if (!value) { tool_usage_error(c->cmd, "%s needs a value (--help)", a); return -2; }
    double v;
    if (!strcmp(a, "--format")) {
        int f = scene_format_from_name(value);
        if (f < 0) { tool_usage_error(c->cmd, "unknown format '%s' (auto, fountain, plain, srt, vtt)", value); return -2; }
        o->format = (SceneFormat)f;
        return 1;
    }
    if (num_value(c->cmd, a, value, &v)) return -2;
    if (!strcmp(a, "--gap")) o->sub_gap = v;
    else if (!strcmp(a, "--window")) o->sub_window = v;
    else if (!strcmp(a, "--max-scene")) o->sub_max_scene = v;
    else o->min_int_ext = (int)v;
    return 1;
}

void scene_cli_warnings(const ScriptScenes *ss, const char *path) {
    for (int i = 0; i < arrlen(ss->warnings); i++)
        fprintf(stderr, "moodspace: %s: warning: %s\n", path, ss->warnings[i]);
}
