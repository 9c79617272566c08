/* cmd_scenes.c — `moodspace scenes FILE`: one JSON line per scene.
 *
 *   moodspace scenes FILE [--format auto|fountain|plain|srt|vtt]
 *                         [--gap S] [--window S] [--max-scene S]
 *                         [--details] [--text] [--summary]
 *
 * FILE may be "-" for stdin. Each line: {"index","heading","start_line",
 * "end_line","words"} (+ "start"/"end" seconds for subtitles; --details adds
 * location, time, setting, number, characters; --text adds the model text).
 * Warnings go to stderr; --summary prints one last JSON line with the format,
 * title, year and counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"
#include "scene_cli.h"
#include "tool_opts.h"

static void scenes_help(FILE *f) {
    fprintf(f, "usage: moodspace scenes FILE [--format auto|fountain|plain|srt|vtt] [--gap S] [--window S]\n"
               "                        [--max-scene S] [--details] [--text] [--summary]\n"
               "Prints one JSON line per scene. FILE '-' reads stdin.\n");
}

int cmd_scenes(int argc, char **argv) {
    SceneOpts o = scene_default_opts();
    const char *path = NULL;
    int flags = 0, summary = 0;
    int details = 0, text = 0;
    const char *pos[1];
    int n_pos = 0;
    const ToolOpt opts[] = {
        {"--details", OPT_FLAG, &details}, {"--text", OPT_FLAG, &text}, {"--summary", OPT_FLAG, &summary}, {NULL, 0, NULL}};
    SceneCliOpts sc = { "scenes", &o, NULL, NULL };
    const ToolOptExtra extra = { scene_cli_opt, &sc, pos, 1, &n_pos };
    int st = tool_parse("scenes", argc, argv, opts, &extra, scenes_help);
    if (st >= 0) return st;
    if (n_pos) path = pos[0];
    if (details) flags |= SCENE_JSON_DETAILS;
    if (text) flags |= SCENE_JSON_TEXT;
    if (!path) return tool_usage_error("scenes", "needs a FILE (--help)");
    ScriptScenes *ss = scene_cli_parse_file("moodspace scenes", path, &o);
    if (!ss) return 1;
    for (int i = 0; i < (int)ss->n_scenes; i++) {
        cJSON *j = scene_to_cjson(&ss->scenes[i], flags);
        char *s = j ? cJSON_PrintUnformatted(j) : NULL;
        if (s) puts(s);
        free(s);
        cJSON_Delete(j);
    }
    scene_cli_warnings(ss, path);
    if (summary) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "format", scene_format_name(ss->format));
        cJSON_AddStringToObject(j, "title", ss->title);
        cJSON_AddNumberToObject(j, "year", ss->year);
        cJSON_AddNumberToObject(j, "scenes", ss->n_scenes);
        cJSON_AddNumberToObject(j, "headings", ss->n_headings);
        cJSON_AddNumberToObject(j, "lines", ss->n_lines);
        char *s = cJSON_PrintUnformatted(j);
        if (s) printf("{\"summary\":%s}\n", s);
        free(s);
        cJSON_Delete(j);
    }
    scene_free(ss);
    return 0;
}
