/* scene_cli.c — helpers shared by the scenes, arc and catalog commands. */
#include "scene_cli.h"

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

static int num_arg(int argc, char **argv, int *i, double *out) {
    if (*i + 1 >= argc) { fprintf(stderr, "moodspace: %s needs a value\n", argv[*i]); return -1; }
    char *end;
    double v = strtod(argv[*i + 1], &end);
    if (end == argv[*i + 1] || *end || !(v >= 0) || v > 1e7) {
        fprintf(stderr, "moodspace: %s: bad value '%s'\n", argv[*i], argv[*i + 1]);
        return -1;
    }
    *out = v;
    (*i)++;
    return 1;
}

int scene_cli_option(SceneOpts *o, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    double v;
    if (!strcmp(a, "--format")) {
        if (*i + 1 >= argc) { fprintf(stderr, "moodspace: --format needs a value\n"); return -1; }
        int f = scene_format_from_name(argv[*i + 1]);
        if (f < 0) { fprintf(stderr, "moodspace: unknown format '%s' (auto, fountain, plain, srt, vtt)\n", argv[*i + 1]); return -1; }
        o->format = (SceneFormat)f;
        (*i)++;
        return 1;
    }
    if (!strcmp(a, "--gap")) { int r = num_arg(argc, argv, i, &v); if (r > 0) o->sub_gap = v; return r; }
    if (!strcmp(a, "--window")) { int r = num_arg(argc, argv, i, &v); if (r > 0) o->sub_window = v; return r; }
    if (!strcmp(a, "--max-scene")) { int r = num_arg(argc, argv, i, &v); if (r > 0) o->sub_max_scene = v; return r; }
    if (!strcmp(a, "--min-int-ext")) { int r = num_arg(argc, argv, i, &v); if (r > 0) o->min_int_ext = (int)v; return r; }
    if (!strcmp(a, "--no-preamble")) { o->keep_preamble = 0; return 1; }
    return 0;
}

void scene_cli_warnings(const ScriptScenes *ss, const char *path) {
    for (int i = 0; i < arrlen(ss->warnings); i++)
        fprintf(stderr, "moodspace: %s: warning: %s\n", path, ss->warnings[i]);
}
