/* tool_opts.c — the tools' option parser and their one way to fail (tool_opts.h). */
#include "tool_opts.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void vsay(const char *cmd, const char *fmt, va_list ap) {
    fprintf(stderr, "moodspace %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int tool_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsay(cmd, fmt, ap);
    va_end(ap);
    return 2;
}

int tool_fail(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsay(cmd, fmt, ap);
    va_end(ap);
    return 1;
}

/* The value v of option o into o->out. 0, or -1 when v is not of its kind. */
static int store(const ToolOpt *o, const char *v) {
    char *end = NULL;
    errno = 0;
    switch (o->kind) {
    case OPT_FLAG: *(int *)o->out = 1; return 0;
    case OPT_STR: *(const char **)o->out = v; return 0;
    case OPT_INT: {
        long x = strtol(v, &end, 10);
        if (end == v || *end || errno || x < INT_MIN || x > INT_MAX) return -1;
        *(int *)o->out = (int)x;
        return 0;
    }
    case OPT_U64: {
        if (*v == '-') return -1;
        unsigned long long x = strtoull(v, &end, 10);
        if (end == v || *end || errno) return -1;
        *(uint64_t *)o->out = (uint64_t)x;
        return 0;
    }
    case OPT_DOUBLE:
    case OPT_FLOAT: {
        double x = strtod(v, &end);
        if (end == v || *end) return -1;
        if (o->kind == OPT_DOUBLE) *(double *)o->out = x; else *(float *)o->out = (float)x;
        return 0;
    }
    }
    return -1;
}

static const char *kind_word(OptKind k) {
    switch (k) {
    case OPT_INT: return "a whole number";
    case OPT_U64: return "a whole number >= 0";
    case OPT_DOUBLE: case OPT_FLOAT: return "a number";
    default: return "a value";
    }
}

int tool_parse(const char *cmd, int argc, char **argv, const ToolOpt *opts, const ToolOptExtra *extra,
               void (*help)(FILE *)) {
    int n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { if (help) help(stdout); return 0; }
        if (a[0] != '-' || !a[1]) {   /* positional */
            if (!extra || !extra->pos || n_pos >= extra->max_pos)
                return tool_usage_error(cmd, "unexpected argument '%s' (--help)", a);
            extra->pos[n_pos++] = a;
            if (extra->n_pos) *extra->n_pos = n_pos;
            continue;
        }
        const ToolOpt *o = opts;
        while (o && o->name && strcmp(o->name, a)) o++;
        if (o && o->name) {
            if (o->kind == OPT_FLAG) { store(o, NULL); continue; }
            if (!v) return tool_usage_error(cmd, "%s needs a value (--help)", a);
            if (store(o, v)) return tool_usage_error(cmd, "%s needs %s, not '%s'", a, kind_word(o->kind), v);
            i++;
            continue;
        }
        int took = extra && extra->other ? extra->other(extra->ctx, a, v) : -1;
        if (took == -2) return 2;
        if (took < 0) return tool_usage_error(cmd, "unknown option %s (--help)", a);
        i += took;
    }
    return -1;
}
