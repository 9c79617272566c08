/* moodspace — the native command-line tool.
 *
 *   moodspace COMMAND [options]      (moodspace COMMAND --help for details)
 *
 * Each command lives in its own file under wasm/tools/ as
 *     int cmd_NAME(int argc, char **argv);   // argv[0] is the command name
 * returning the process exit status. Adding a command is one declaration and
 * one row in the table below.
 */
#include <stdio.h>
#include <string.h>

int cmd_info(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_scenes(int argc, char **argv);
int cmd_arc(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_soundtrack(int argc, char **argv);
int cmd_scenefit(int argc, char **argv);
int cmd_seqfit(int argc, char **argv);

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} Command;

static const Command COMMANDS[] = {
    {"info",    cmd_info,    "print a weights file's header as JSON"},
    {"predict", cmd_predict, "predict mood metrics for text on stdin (or --jsonl lines)"},
    {"match",   cmd_match,   "match songs to a target mood or to film segments (JSON in/out)"},
    {"scenes",  cmd_scenes,  "split a screenplay or subtitle file into scenes (JSON lines)"},
    {"arc",     cmd_arc,     "scenes plus each scene's predicted metrics (JSON lines)"},
    {"catalog", cmd_catalog, "build the film catalog from a folder of screenplays"},
    {"train",   cmd_train,   "train a model from a songs CSV"},
    {"eval",    cmd_eval,    "evaluate baselines and models on the fixed split"},
    {"demo",    cmd_demo,    "build the bundled demo library from a songs CSV"},
    {"embed",   cmd_embed,   "train word vectors on screenplays + training lyrics (CBOW)"},
    {"calibrate", cmd_calibrate, "store songs' and scenes' calibration tables in the model's meta"},
    {"scenefit", cmd_scenefit, "refit the script head's valence and energy on dev film scenes"},
    {"seqfit",  cmd_seqfit,  "experiment: readers of word order on dev film scenes (the shipped one is trained by train)"},
    {"soundtrack", cmd_soundtrack, "a film's soundtrack from a song library, as the page builds it"},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f) {
    fprintf(f, "usage: moodspace COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].help);
    fprintf(f, "\nWhen no --model is given, the shipped model in weights/ is used.\n");
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], COMMANDS[i].name))
            return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "moodspace: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
