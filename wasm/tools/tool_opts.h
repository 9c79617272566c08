/* tool_opts.h — the command-line tools' one option parser and one way to
 * fail (wasm/tools/cmd_*.c).
 *
 * A command lists its options in a table and parses argv with it:
 *
 *   const char *dir = NULL; int jobs = 2, list = 0;
 *   const ToolOpt opts[] = {
 *       {"--dir", OPT_STR, &dir}, {"--jobs", OPT_INT, &jobs}, {"--list", OPT_FLAG, &list},
 *       {NULL, 0, NULL}};
 *   int st = tool_parse("catalog", argc, argv, opts, NULL, help);
 *   if (st >= 0) return st;          // --help answered (0) or a usage error (2)
 *
 * Every failure reads the same: "moodspace CMD: what was wrong" on stderr,
 * then exit status 2 for a usage error (unknown option, missing or
 * malformed value: tool_usage_error) and 1 for a run that failed
 * (tool_fail). --help / -h prints the command's help on stdout, exit 0. */
#ifndef MOODSPACE_TOOL_OPTS_H
#define MOODSPACE_TOOL_OPTS_H
#include <stdint.h>
#include <stdio.h>

typedef enum {
    OPT_FLAG,     /* no value: *(int *)out = 1 */
    OPT_STR,      /* *(const char **)out = the value (argv's string) */
    OPT_INT,      /* *(int *)out: a whole decimal integer */
    OPT_DOUBLE,   /* *(double *)out: a number as strtod reads it */
    OPT_FLOAT,    /* *(float *)out: the same, stored as float */
    OPT_U64,      /* *(uint64_t *)out: a whole decimal integer >= 0 */
} OptKind;

typedef struct {
    const char *name;   /* "--dir"; NULL ends the table */
    OptKind kind;
    void *out;
} ToolOpt;

/* For an option the table does not hold (a family such as --sif-a-TARGET):
 * called with the option and its value (NULL when none follows). Returns
 * 1 when it took the value, 0 when it took the option alone, -1 when it
 * does not know the option (then: "unknown option"), -2 after printing its
 * own usage error. NULL: every option is in the table. */
typedef int (*ToolOptOther)(void *ctx, const char *opt, const char *value);

typedef struct {
    ToolOptOther other;
    void *ctx;
    /* positional arguments (anything not starting with "-", and "-" alone)
     * are stored here in order, up to max_pos; more are a usage error.
     * NULL / 0: none allowed. */
    const char **pos;
    int max_pos;
    int *n_pos;
} ToolOptExtra;

/* Parses argv[1..argc) with opts (and extra, which may be NULL). Returns
 * -1 when the command should go on, 0 after printing help (--help), 2
 * after a usage error (message, then a pointer to --help). */
int tool_parse(const char *cmd, int argc, char **argv, const ToolOpt *opts, const ToolOptExtra *extra,
               void (*help)(FILE *));

/* "moodspace CMD: MESSAGE" on stderr; returns 2 (a usage error: bad or missing options). */
int tool_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "moodspace CMD: MESSAGE" on stderr; returns 1 (the run failed: a file, the data, memory). */
int tool_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
