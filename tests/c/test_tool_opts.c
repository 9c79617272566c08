/* test_tool_opts.c — the tools' one option parser (wasm/tools/tool_opts.h):
 * every kind of value, flags, positionals, an option family handled by the
 * command, and the usage errors (unknown option, missing or malformed
 * value, too many arguments, --help) with their exit statuses; plus a few
 * commands run through it end to end. Messages go to stderr. */
#include "check.h"
#include "tools/tool_opts.h"

#include <stdint.h>
#include <string.h>

int cmd_demo(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_catalog(int argc, char **argv);

static int helped;
static void help(FILE *f) { (void)f; helped++; }

typedef struct { const char *s; int i, flag; double d; float fl; uint64_t u; } Vals;

static int parse(int argc, char **argv, Vals *v, const ToolOptExtra *extra) {
    const ToolOpt opts[] = {
        {"--s", OPT_STR, &v->s}, {"--i", OPT_INT, &v->i}, {"--flag", OPT_FLAG, &v->flag},
        {"--d", OPT_DOUBLE, &v->d}, {"--fl", OPT_FLOAT, &v->fl}, {"--u", OPT_U64, &v->u}, {NULL, 0, NULL}};
    return tool_parse("test", argc, argv, opts, extra, help);
}

/* --sif-a-NAME V: a family the table cannot hold. */
static int family(void *ctx, const char *opt, const char *value) {
    double *got = ctx;
    if (strncmp(opt, "--sif-a-", 8)) return -1;
    if (strcmp(opt + 8, "energy")) return -1;
    if (!value) { tool_usage_error("test", "%s needs a value", opt); return -2; }
    *got = atof(value);
    return 1;
}

int main(void) {
    {
        Vals v = {0};
        char *argv[] = {"x", "--s", "hello", "--i", "-42", "--flag", "--d", "1e-4", "--fl", "0.5", "--u", "9007199254740993"};
        int st = parse(12, argv, &v, NULL);
        CHECK(st == -1, "a valid command line goes on (-1)");
        CHECK(v.s && !strcmp(v.s, "hello") && v.i == -42 && v.flag == 1, "string, negative int and flag are stored");
        CHECK(v.d == 1e-4 && v.fl == 0.5f, "double and float values are read as strtod reads them");
        CHECK(v.u == 9007199254740993ULL, "a 64-bit value keeps every digit");
    }
    {
        Vals v = {0};
        char *argv[] = {"x", "--i", "12abc"};
        CHECK(parse(3, argv, &v, NULL) == 2 && v.i == 0, "a malformed integer is a usage error (2), nothing stored");
        char *argv2[] = {"x", "--i", "99999999999"};
        CHECK(parse(3, argv2, &v, NULL) == 2, "an integer out of int range is a usage error");
        char *argv3[] = {"x", "--d", "one"};
        CHECK(parse(3, argv3, &v, NULL) == 2, "a malformed number is a usage error");
        char *argv4[] = {"x", "--u", "-1"};
        CHECK(parse(3, argv4, &v, NULL) == 2, "a negative value for an unsigned option is a usage error");
        char *argv5[] = {"x", "--s"};
        CHECK(parse(2, argv5, &v, NULL) == 2, "an option without its value is a usage error");
        char *argv6[] = {"x", "--nope"};
        CHECK(parse(2, argv6, &v, NULL) == 2, "an unknown option is a usage error");
        char *argv7[] = {"x", "file.txt"};
        CHECK(parse(2, argv7, &v, NULL) == 2, "a positional argument where none is taken is a usage error");
    }
    {
        Vals v = {0};
        helped = 0;
        char *argv[] = {"x", "--i", "3", "--help", "--nope"};
        CHECK(parse(5, argv, &v, NULL) == 0 && helped == 1, "--help prints the help once and ends the command with 0");
        char *argv2[] = {"x", "-h"};
        CHECK(parse(2, argv2, &v, NULL) == 0 && helped == 2, "-h is --help");
    }
    {
        Vals v = {0};
        const char *pos[2] = {0};
        int n_pos = 0;
        double got = 0;
        const ToolOptExtra extra = { family, &got, pos, 2, &n_pos };
        char *argv[] = {"x", "a.txt", "--sif-a-energy", "0.25", "-", "--flag"};
        CHECK(parse(6, argv, &v, &extra) == -1, "positionals and a family option go on");
        CHECK(n_pos == 2 && !strcmp(pos[0], "a.txt") && !strcmp(pos[1], "-"), "positionals (and '-' for stdin) in order");
        CHECK(got == 0.25 && v.flag == 1, "the family option took its value, the flag after it was read");
        char *argv2[] = {"x", "a", "b", "c"};
        n_pos = 0;
        CHECK(parse(4, argv2, &v, &extra) == 2, "more positionals than taken is a usage error");
        char *argv3[] = {"x", "--sif-a-tempo", "1"};
        CHECK(parse(3, argv3, &v, &extra) == 2, "a family name the command does not know is an unknown option");
        char *argv4[] = {"x", "--sif-a-energy"};
        CHECK(parse(2, argv4, &v, &extra) == 2, "the family's own usage error ends the command with 2");
    }
    {
        char *a1[] = {"demo", "--csv", "x.csv", "--out", "y.json", "--count", "ten"};
        CHECK(cmd_demo(7, a1) == 2, "moodspace demo --count ten: usage error");
        char *a2[] = {"embed", "--csv", "x", "--scripts", "y", "--out", "z", "--seed", "abc"};
        CHECK(cmd_embed(9, a2) == 2, "moodspace embed --seed abc: usage error");
        char *a3[] = {"catalog", "--dir", "/nonexistent"};
        CHECK(cmd_catalog(3, a3) == 2, "moodspace catalog without --out: usage error");
        char *a4[] = {"catalog", "--dir", "x", "--out", "y", "--jobs", "2x"};
        CHECK(cmd_catalog(7, a4) == 2, "moodspace catalog --jobs 2x: usage error (atoi read 2)");
    }
    return check_summary();
}
