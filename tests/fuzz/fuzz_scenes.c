/* fuzz_scenes.c — libFuzzer harness for the scene parser (scene.h), every
 * format. The first byte picks the format (auto, fountain, plain, srt, vtt)
 * and a few options; the rest is the script. The result must serialise to
 * JSON that parses back, with the scene count it claims and line ranges
 * inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "fuzz_common.h"
#include "scene.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    unsigned sel = data[0];
    SceneOpts o = scene_default_opts();
    o.format = (SceneFormat)(sel % 5);   /* SCENE_FMT_AUTO .. SCENE_FMT_VTT */
    static const char *const names[] = {NULL, "x.srt", "x.vtt", "x.fountain", "x.txt"};
    o.filename = names[(sel / 5) % 5];
    if (sel & 0x80) { o.sub_window = 30; o.min_int_ext = 1; o.keep_preamble = 0; }
    char *text = malloc(size - 1 ? size - 1 : 1);   /* exact size: ASan sees overreads */
    if (!text) return 0;
    memcpy(text, data + 1, size - 1);
    char err[256] = "";
    ScriptScenes *ss = scene_parse(text, size - 1, &o, err, sizeof err);
    if (!ss) {
        FUZZ_ASSERT(err[0], "a refusal comes with a message");
        free(text);
        return 0;
    }
    FUZZ_ASSERT(ss->n_scenes >= 0 && ss->format >= SCENE_FMT_FOUNTAIN && ss->format <= SCENE_FMT_VTT, "sane result");
    for (int i = 0; i < ss->n_scenes; i++) {
        const Scene *s = &ss->scenes[i];
        FUZZ_ASSERT(s->start_line >= 0 && s->start_line <= s->end_line + 1 && s->end_line <= ss->n_lines + 1, "line range");
        FUZZ_ASSERT(s->heading && s->text && s->action && s->dialogue && s->location, "strings are never NULL");
    }
    char *json = scenes_to_json(ss, (sel & 0x40) ? SCENE_JSON_DETAILS | SCENE_JSON_TEXT : 0);
    if (json) {
        cJSON *back = cJSON_Parse(json);
        FUZZ_ASSERT(back != NULL, "scenes_to_json gives valid JSON");
        FUZZ_ASSERT(cJSON_GetArraySize(cJSON_GetObjectItem(back, "scenes")) == ss->n_scenes, "scene count");
        cJSON_Delete(back);
        free(json);
    }
    scene_free(ss);
    free(text);
    return 0;
}
