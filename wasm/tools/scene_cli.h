/* scene_cli.h — helpers shared by the scenes, arc and catalog commands. */
#ifndef MOODSPACE_SCENE_CLI_H
#define MOODSPACE_SCENE_CLI_H

#include <stddef.h>
#include "scene.h"

/* Read a whole file ("-" = stdin) into a malloc'ed buffer (NUL-terminated,
 * length in *len). Prints an error and returns NULL on failure. Files larger
 * than 256 MiB are refused. */
char *scene_cli_read(const char *path, size_t *len);

/* Read FILE and split it into scenes, as `scenes`, `arc` and `eval` do
 * (o->filename defaults to path). On failure prints why, prefixed by cmd
 * ("moodspace arc"), and returns NULL. Parse warnings are not printed. */
ScriptScenes *scene_cli_parse_file(const char *cmd, const char *path, const SceneOpts *o);

/* The same on text already read (text[0..len) from path). */
ScriptScenes *scene_cli_parse_text(const char *cmd, const char *path, const char *text, size_t len, const SceneOpts *o);

/* The scene options every command that reads a script takes (--format,
 * --gap, --window, --max-scene, --min-int-ext, --no-preamble), for
 * tool_opts.h's parser: pass scene_cli_opt as ToolOptExtra.other with a
 * SceneCliOpts as its ctx; an option it does not know goes on to other
 * (the command's own family), if any. */
typedef struct {
    const char *cmd;     /* "arc": messages start "moodspace arc: " */
    SceneOpts *o;
    int (*other)(void *ctx, const char *opt, const char *value);
    void *ctx;
} SceneCliOpts;
int scene_cli_opt(void *ctx, const char *opt, const char *value);

/* Print the parse warnings to stderr as "moodspace: PATH: warning: ...". */
void scene_cli_warnings(const ScriptScenes *ss, const char *path);

#endif
