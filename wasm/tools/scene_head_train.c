/* scene_head_train.c — scene_head_train (scene_head.h): the script head's fit
 * on the dev scenes, the reader of word order beside it (seq_reader.h), and
 * their report for the model card and the training metadata. */
#include "scene_head.h"
#include "seq_reader.h"

#include <stdlib.h>
#include <string.h>

/* The benchmark rows of the model card: the shipped model (head + reader when
 * there is one), the head alone, the model before, the lexicon baseline.
 * Fills res[] and names[]; returns their count. */
static int score_rows(const sb_corpus *c, const Model *m, const float *after, const float *head, const float *before,
                      const float *lex, sb_result res[4], const char *names[4], char *shipped_name, size_t name_len) {
    if (m->reader)
        snprintf(shipped_name, name_len, "**shipped**: script head refitted on dev scenes, %.3g × head + %.3g × reader of word order",
                 m->reader->a_lin, m->reader->a_seq);
    names[0] = m->reader ? shipped_name : "**shipped**: script head refitted on dev scenes";
    names[1] = "script head refitted on dev scenes alone (linear, no reader)";
    names[2] = "script head fitted on lyrics only (the model before)";
    names[3] = "NRC-VAD word means (research-only baseline, not shippable)";
    int n = 0;
    res[n++] = sb_score(c, after ? after : head);
    if (after) res[n++] = sb_score(c, head);
    else names[1] = names[2], names[2] = names[3];
    res[n++] = sb_score(c, before);
    if (lex) res[n++] = sb_score(c, lex);
    return n;
}

/* The fit's settings and its validation benchmark, under meta.scene_fit. */
static void fit_meta(cJSON *meta, const scene_fit_opts *o, const Model *m, const sb_corpus *c, const char *labels,
                     const sr_ship_info *ri, const sb_result *shipped) {
    cJSON *j = cJSON_AddObjectToObject(meta, "scene_fit");
    cJSON_AddStringToObject(j, "labels", labels);
    cJSON_AddNumberToObject(j, "labelled_scenes", c->n_labelled);
    cJSON_AddNumberToObject(j, "lambda", o->lambda);
    cJSON_AddNumberToObject(j, "w_hand", o->w_hand);
    cJSON_AddNumberToObject(j, "w_place", o->w_place);
    cJSON_AddNumberToObject(j, "w_paren", o->w_paren);
    cJSON_AddNumberToObject(j, "w_genre", o->w_genre);
    cJSON_AddNumberToObject(j, "song_units", o->song_units);
    cJSON_AddNumberToObject(j, "extra_words", o->extra_words);
    cJSON_AddNumberToObject(j, "w_within", o->w_within);
    cJSON_AddNumberToObject(j, "w_pair", o->w_pair);
    cJSON_AddNumberToObject(j, "pair_k", o->pair_k);
    cJSON_AddNumberToObject(j, "pair_gap", o->pair_gap);
    cJSON_AddNumberToObject(j, "word_feats", o->word_feats);
    cJSON_AddNumberToObject(j, "feat_scale", o->feat_scale);
    if (m->reader) {
        cJSON *rj = cJSON_AddObjectToObject(j, "reader");
        cJSON_AddNumberToObject(rj, "words", ri->words);
        cJSON_AddNumberToObject(rj, "a_head", m->reader->a_lin);
        cJSON_AddNumberToObject(rj, "a_reader", m->reader->a_seq);
        cJSON_AddNumberToObject(rj, "seed", (double)sr_default_opts().seed);
    }
    cJSON_AddItemToObject(j, "benchmark", sb_result_json(shipped));
}

int scene_head_train(Model *m, const WordVec *wv, const scene_fit_opts *o, const char *genres, const char *scripts,
                     const char *labels, const char *lexicon, char **md, cJSON *meta, FILE *log,
                     char *err, size_t errlen) {
    *md = NULL;
    scene_inputs in;
    int loaded = scene_inputs_load(&in, m, wv, genres, labels, scripts, o->sif_a, o->word_feats, err, errlen);
    sb_labels *l = in.l;
    sb_corpus *c = in.c;
    scene_features *sf = in.sf;
    float *before = sf ? sb_predict_model(c, m) : NULL;
    float *lex = NULL, *head = NULL;
    scene_fit fit;
    memset(&fit, 0, sizeof fit);
    int rc = -1;
    if (!before) { if (loaded == 0) snprintf(err, errlen, "scene fit: predicting the dev scenes failed"); goto done; }
    sb_attach_labels(c, l);
    if (c->n_unmatched) fprintf(log, "scene fit: %d of %d labels no longer match the parse: relabel them\n", c->n_unmatched, l->n);
    if (scene_fit_run(c, sf, o, &fit, err, errlen) || scene_fit_write(m, sf, &fit, err, errlen)) goto done;
    /* the model as it will be read: the fit through the network's own predict path */
    head = sb_predict_model(c, m);
    if (!head) { snprintf(err, errlen, "scene fit: predicting the dev scenes failed"); goto done; }
    sr_ship_info ri;
    memset(&ri, 0, sizeof ri);
    if (o->reader && wv) {
        sr_opts so = sr_default_opts();
        so.proj = o->reader_proj;
        if (sr_train_attach(m, c, wv, &so, o->reader_vocab, &ri, log, err, errlen)) goto done;
    }
    float *after = m->reader ? sb_predict_model(c, m) : NULL;
    if (m->reader && !after) { snprintf(err, errlen, "scene fit: predicting the dev scenes failed"); goto done; }
    sb_result res[4];
    char shipped_name[200];
    const char *names[4];
    if (lexicon) {
        char lerr[256];
        if (!(lex = sb_predict_lexicon(c, lexicon, lerr, sizeof lerr))) fprintf(log, "scene fit: no lexicon row: %s\n", lerr);
    }
    int n = score_rows(c, m, after, head, before, lex, res, names, shipped_name, sizeof shipped_name);
    free(after);
    fprintf(log, "scene fit: rows (valence + energy): %d hand, %d place, %d parenthetical, %d genre; validation films: pairs valence %.3f energy %.3f (before %.3f %.3f)\n",
            fit.rows[0], fit.rows[1], fit.rows[2], fit.rows[3], res[0].labelled[SB_VAL].acc[0], res[0].labelled[SB_VAL].acc[1],
            res[n - 1 - (lex != NULL)].labelled[SB_VAL].acc[0], res[n - 1 - (lex != NULL)].labelled[SB_VAL].acc[1]);
    size_t len;
    FILE *f = open_memstream(md, &len);
    if (!f) { snprintf(err, errlen, "out of memory"); goto done; }
    sb_print_markdown(f, c, names, res, n, "build/moodspace eval --genres GENRES.json --scene-labels labels/scenes.json");
    if (o->reader && wv) sr_ship_markdown(f, m, &ri, o->reader_vocab, o->reader_proj);
    fclose(f);
    fit_meta(meta, o, m, c, labels, &ri, &res[0]);
    rc = 0;
done:
    scene_fit_free(&fit);
    free(before); free(lex); free(head);
    scene_inputs_free(&in);
    return rc;
}
