/* moodspace — the native command-line tool.
 *
 *   moodspace COMMAND [options]      (moodspace COMMAND --help for details)
 *
 * Each command lives in its own file under wasm/tools/ as
 *     int cmd_NAME(int argc, char **argv);   // argv[0] is the command name
 * returning the process exit status. Commands are declared weak here so the
 * tool links while a command's file is being written; a missing one says so.
 */
#include <stdio.h>
#include <string.h>


#define COMMANDS(X) \
    X(info,    "print a weights file's header as JSON") \
    X(predict, "predict mood metrics for text on stdin (or --jsonl lines)") \
    X(match,   "match songs to a target mood or to film segments (JSON in/out)") \
    X(scenes,  "split a screenplay or subtitle file into scenes (JSON lines)") \
    X(arc,     "scenes plus each scene's predicted metrics (JSON lines)") \
    X(catalog, "build the film catalog from a folder of screenplays") \
    X(train,   "train a model from a songs CSV") \
    X(eval,    "evaluate baselines and models on the fixed split") \
    X(demo,    "build the bundled demo library from a songs CSV") \
    X(calibrate, "store songs' and scenes' calibration tables in the model's meta") \
    X(soundtrack, "a film's soundtrack from a song library, as the page builds it")

#define DECLARE(name, help) int cmd_##name(int argc, char **argv) __attribute__((weak));
COMMANDS(DECLARE)


static void usage(FILE *f) {
    fprintf(f, "usage: moodspace COMMAND [options]\n\ncommands:\n");
#define HELP(name, help) fprintf(f, "  %-10s %s\n", #name, help);
    COMMANDS(HELP)
    fprintf(f, "\nWhen no --model is given, the shipped model in weights/ is used.\n");
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
#define DISPATCH(name, help) \
    if (!strcmp(argv[1], #name)) { \
        if (!cmd_##name) { fprintf(stderr, "moodspace: '%s' is not built into this binary\n", #name); return 2; } \
        return cmd_##name(argc - 1, argv + 1); \
    }
    COMMANDS(DISPATCH)
    fprintf(stderr, "moodspace: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
