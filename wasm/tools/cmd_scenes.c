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

int cmd_scenes(int argc, char **argv) {
    SceneOpts o = scene_default_opts();
    const char *path = NULL;
    int flags = 0, summary = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: moodspace scenes FILE [--format auto|fountain|plain|srt|vtt] [--gap S] [--window S]\n"
                   "                        [--max-scene S] [--details] [--text] [--summary]\n"
                   "Prints one JSON line per scene. FILE '-' reads stdin.\n");
            return 0;
        }
        int r = scene_cli_option(&o, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (!strcmp(a, "--details")) flags |= SCENE_JSON_DETAILS;
        else if (!strcmp(a, "--text")) flags |= SCENE_JSON_TEXT;
        else if (!strcmp(a, "--summary")) summary = 1;
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "moodspace scenes: unknown option %s\n", a); return 2; }
        else path = a;
    }
    if (!path) { fprintf(stderr, "usage: moodspace scenes FILE [options] (--help)\n"); return 2; }
    size_t len = 0;
    char *text = scene_cli_read(path, &len);
    if (!text) return 1;
    if (!o.filename) o.filename = path;
    char err[256];
    ScriptScenes *ss = scene_parse(text, len, &o, err, sizeof err);
    free(text);
    if (!ss) { fprintf(stderr, "moodspace scenes: %s: %s\n", path, err); return 1; }
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
