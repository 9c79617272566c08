/* cmd_arc.c — `moodspace arc FILE`: scenes plus each scene's predicted mood.
 *
 *   moodspace arc FILE [--model M] [--segments N] [--smooth SIGMA] [--equal]
 *                      [--action-weight A] [--dialogue-weight D]
 *                      [--details] [--summary] [scene options, see `scenes`]
 *
 * One JSON line per scene: the `scenes` fields plus "mood" (the model's
 * prediction, in Spotify's units) and "smooth" (the smoothed arc). With
 * --summary a last line {"arc": {"metrics", "overall", "segments", ...}}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"
#include "model.h"
#include "scene.h"
#include "scene_cli.h"

int cmd_arc(int argc, char **argv) {
    SceneOpts so = scene_default_opts();
    ArcOpts ao = arc_default_opts();
    const char *path = NULL, *model_path = NULL;
    int flags = 0, summary = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: moodspace arc FILE [--model M] [--segments N] [--smooth SIGMA] [--equal]\n"
                   "                     [--action-weight A] [--dialogue-weight D] [--details] [--summary]\n"
                   "                     [--format F] [--gap S] [--window S] [--max-scene S]\n"
                   "One JSON line per scene with its predicted \"mood\" and the \"smooth\" arc;\n"
                   "--summary adds a last line with the overall mood and the segments (acts).\n");
            return 0;
        }
        int r = scene_cli_option(&so, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        int need = !strcmp(a, "--model") || !strcmp(a, "--segments") || !strcmp(a, "--smooth") ||
                   !strcmp(a, "--action-weight") || !strcmp(a, "--dialogue-weight");
        if (need && i + 1 >= argc) { fprintf(stderr, "moodspace arc: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--model")) model_path = argv[++i];
        else if (!strcmp(a, "--segments")) {
            ao.n_segments = atoi(argv[++i]);
            if (ao.n_segments < 1 || ao.n_segments > ARC_MAX_SEGMENTS) { fprintf(stderr, "moodspace arc: --segments must be 1..%d\n", ARC_MAX_SEGMENTS); return 2; }
        } else if (!strcmp(a, "--smooth")) ao.smooth = atof(argv[++i]);
        else if (!strcmp(a, "--action-weight")) ao.action_weight = (float)atof(argv[++i]);
        else if (!strcmp(a, "--dialogue-weight")) ao.dialogue_weight = (float)atof(argv[++i]);
        else if (!strcmp(a, "--equal")) ao.equal = 1;
        else if (!strcmp(a, "--details")) flags |= SCENE_JSON_DETAILS;
        else if (!strcmp(a, "--summary")) summary = 1;
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "moodspace arc: unknown option %s\n", a); return 2; }
        else path = a;
    }
    if (!path) { fprintf(stderr, "usage: moodspace arc FILE [--model M] [options] (--help)\n"); return 2; }
    if (ao.action_weight < 0 || ao.dialogue_weight < 0) { fprintf(stderr, "moodspace arc: weights must be >= 0\n"); return 2; }
    char err[512];
    Model *m = model_load_file(model_path, err, sizeof err);
    if (!m) { fprintf(stderr, "moodspace arc: %s\n", err); return 1; }
    size_t len = 0;
    char *text = scene_cli_read(path, &len);
    if (!text) { model_free(m); return 1; }
    if (!so.filename) so.filename = path;
    ScriptScenes *ss = scene_parse(text, len, &so, err, sizeof err);
    free(text);
    if (!ss) { fprintf(stderr, "moodspace arc: %s: %s\n", path, err); model_free(m); return 1; }
    scene_cli_warnings(ss, path);
    MoodArc *arc = arc_from_script(m, ss, &ao, err, sizeof err);
    if (!arc) { fprintf(stderr, "moodspace arc: %s\n", err); scene_free(ss); model_free(m); return 1; }
    for (int i = 0; i < ss->n_scenes; i++) {
        cJSON *j = scene_to_cjson(&ss->scenes[i], flags);
        if (!j) continue;
        cJSON_AddItemToObject(j, "mood", arc_metrics_cjson(arc, arc->raw + (size_t)i * arc->n_metrics));
        cJSON_AddItemToObject(j, "smooth", arc_metrics_cjson(arc, arc->smooth + (size_t)i * arc->n_metrics));
        char *s = cJSON_PrintUnformatted(j);
        if (s) puts(s);
        free(s);
        cJSON_Delete(j);
    }
    if (summary) {
        char *s = arc_to_json(arc, ss, 0);
        if (s) printf("{\"arc\":%s}\n", s);
        free(s);
    }
    arc_free(arc);
    scene_free(ss);
    model_free(m);
    return 0;
}
