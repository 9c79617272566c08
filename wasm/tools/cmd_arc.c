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
#include "tool_opts.h"

static void arc_help(FILE *f) {
    fprintf(f, "usage: moodspace arc FILE [--model M] [--segments N] [--smooth SIGMA] [--equal]\n"
               "                     [--action-weight A] [--dialogue-weight D] [--details] [--summary]\n"
               "                     [--format F] [--gap S] [--window S] [--max-scene S]\n"
               "One JSON line per scene with its predicted \"mood\" and the \"smooth\" arc;\n"
               "--summary adds a last line with the overall mood and the segments (acts).\n");
}

int cmd_arc(int argc, char **argv) {
    SceneOpts so = scene_default_opts();
    ArcOpts ao = arc_default_opts();
    const char *path = NULL, *model_path = NULL;
    int flags = 0, summary = 0;
    int details = 0;
    double action_weight = ao.action_weight, dialogue_weight = ao.dialogue_weight;
    const char *pos[1];
    int n_pos = 0;
    const ToolOpt opts[] = {
        {"--model", OPT_STR, &model_path}, {"--segments", OPT_INT, &ao.n_segments}, {"--smooth", OPT_DOUBLE, &ao.smooth},
        {"--action-weight", OPT_DOUBLE, &action_weight}, {"--dialogue-weight", OPT_DOUBLE, &dialogue_weight},
        {"--equal", OPT_FLAG, &ao.equal}, {"--details", OPT_FLAG, &details}, {"--summary", OPT_FLAG, &summary},
        {NULL, 0, NULL}};
    SceneCliOpts sc = { "arc", &so, NULL, NULL };
    const ToolOptExtra extra = { scene_cli_opt, &sc, pos, 1, &n_pos };
    int st = tool_parse("arc", argc, argv, opts, &extra, arc_help);
    if (st >= 0) return st;
    if (ao.n_segments < 1 || ao.n_segments > ARC_MAX_SEGMENTS) return tool_usage_error("arc", "--segments must be 1..%d", ARC_MAX_SEGMENTS);
    ao.action_weight = (float)action_weight;
    ao.dialogue_weight = (float)dialogue_weight;
    if (details) flags |= SCENE_JSON_DETAILS;
    if (n_pos) path = pos[0];
    if (!path) return tool_usage_error("arc", "needs a FILE (--help)");
    if (ao.action_weight < 0 || ao.dialogue_weight < 0) return tool_usage_error("arc", "weights must be >= 0");
    char err[512];
    Model *m = model_load_file(model_path, err, sizeof err);
    if (!m) { fprintf(stderr, "moodspace arc: %s\n", err); return 1; }
    ScriptScenes *ss = scene_cli_parse_file("moodspace arc", path, &so);
    if (!ss) { model_free(m); return 1; }
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
