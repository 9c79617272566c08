/* scene_inputs.c — the dev films' labelled scenes and their features, loaded
 * once the same way for every scene fit (train, scenefit, seqfit); see
 * scene_head.h. */
#include "scene_head.h"

#include <stdio.h>
#include <string.h>

int scene_inputs_load(scene_inputs *in, const Model *m, const WordVec *wv, const char *genres, const char *labels,
                      const char *scripts, double sif_a, int ng, char *err, size_t errlen) {
    memset(in, 0, sizeof *in);
    char dir[1200];
    if (!scripts) {   /* the screenplays folder beside the genres file, as in ../shared/data */
        const char *slash = strrchr(genres, '/');
        if (slash) snprintf(dir, sizeof dir, "%.*s/screenplays", (int)(slash - genres), genres);
        else snprintf(dir, sizeof dir, "screenplays");
        scripts = dir;
    }
    in->g = ev_genres_load(genres, err, errlen);
    in->l = in->g ? sb_labels_load(labels, err, errlen) : NULL;
    in->c = in->l ? sb_corpus_load(in->g, scripts, 2, err, errlen) : NULL;
    in->sf = in->c ? scene_features_build(in->c, m, wv, sif_a, err, errlen) : NULL;
    if (in->sf && ng > 0 && scene_features_words(in->sf, ng, err, errlen)) { scene_features_free(in->sf); in->sf = NULL; }
    if (in->sf) return 0;
    scene_inputs_free(in);
    return -1;
}

void scene_inputs_free(scene_inputs *in) {
    scene_features_free(in->sf); sb_corpus_free(in->c); sb_labels_free(in->l); ev_genres_free(in->g);
    memset(in, 0, sizeof *in);
}
